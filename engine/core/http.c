// SPDX-License-Identifier: Apache-2.0
/* A small HTTP server on its own thread: http.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "http.h"

#define HTTP_TIMEOUT_S	   10	/* a client that sends nothing for this long is dropped */
#define HTTP_HEADERS_MAX   8192 /* bytes of request headers */
#define HTTP_ROUTES_MAX	   4
#define HTTP_LOOPBACK_ADDR "127.0.0.1"

struct route {
	http_get_fn fn;
	void *arg;
};

struct http_server {
	struct evloop loop;
	struct evhttp *http;
	struct route routes[HTTP_ROUTES_MAX];
	size_t n_routes;
	char address[HTTP_ADDR_MAX + 8];
};

int http_parse_listen(const char *s, char host[HTTP_ADDR_MAX], uint16_t *ret_port)
{
	const char *colon = strrchr(s, ':'), *port_s = colon ? colon + 1 : s;
	struct in6_addr a6;
	struct in_addr a4;
	size_t hlen = colon ? (size_t)(colon - s) : 0;
	char *end;
	unsigned long port;

	if (!*port_s || *port_s == '-' || *port_s == '+')
		return -EINVAL;
	errno = 0;
	port = strtoul(port_s, &end, 10);
	if (*end || errno || port > 65535)
		return -EINVAL;
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		s++;
		hlen -= 2;
	} else if (memchr(s, ':', hlen)) {
		return -EINVAL; /* an IPv6 address takes brackets: [::1]:9464 */
	}
	if (hlen >= HTTP_ADDR_MAX)
		return -EINVAL;
	if (!hlen) {
		strcpy(host, HTTP_LOOPBACK_ADDR);
	} else {
		memcpy(host, s, hlen);
		host[hlen] = '\0';
		if (inet_pton(AF_INET, host, &a4) != 1 && inet_pton(AF_INET6, host, &a6) != 1)
			return -EINVAL;
	}
	*ret_port = (uint16_t)port;
	return 0;
}

static void free_body(const void *data, size_t len, void *arg)
{
	free(arg);
}

static void on_get(struct evhttp_request *req, void *arg)
{
	const struct route *r = arg;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const char *type = "text/plain; charset=utf-8";
	struct evbuffer *body;
	size_t len = 0;
	char *buf;

	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
		evhttp_send_error(req, 405, "Method Not Allowed");
		return;
	}
	buf = r->fn(r->arg, &len, &type);
	if (!buf) {
		evhttp_send_error(req, 503, "Not Ready");
		return;
	}
	body = evbuffer_new();
	if (!body || evbuffer_add_reference(body, buf, len, free_body, buf)) {
		free(buf);
		if (body)
			evbuffer_free(body);
		evhttp_send_error(req, 500, "Internal Server Error");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", type);
	evhttp_send_reply(req, 200, "OK", body);
	evbuffer_free(body);
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct evloop *l = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(l->base);
}

int evloop_open(struct evloop *l)
{
	*l = (struct evloop){ .stop_pipe = { -1, -1 } };
	l->base = event_base_new();
	if (!l->base)
		return -ENOMEM;
	if (pipe2(l->stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	l->stop_ev = event_new(l->base, l->stop_pipe[0], EV_READ, on_stop, l);
	if (!l->stop_ev || event_add(l->stop_ev, NULL))
		return -ENOMEM;
	return 0;
}

static void *serve(void *arg)
{
	struct evloop *l = arg;

	(void)event_base_dispatch(l->base);
	return NULL;
}

int evloop_start(struct evloop *l)
{
	int err = pthread_create(&l->thread, NULL, serve, l);

	if (err)
		return -err;
	l->running = true;
	return 0;
}

void evloop_stop(struct evloop *l)
{
	ssize_t n;

	if (!l->running)
		return;
	do
		n = write(l->stop_pipe[1], "", 1);
	while (n < 0 && errno == EINTR);
	pthread_join(l->thread, NULL);
	l->running = false;
}

void evloop_free(struct evloop *l)
{
	if (l->stop_ev)
		event_free(l->stop_ev);
	if (l->base)
		event_base_free(l->base);
	for (int i = 0; i < 2; i++)
		if (l->stop_pipe[i] >= 0)
			close(l->stop_pipe[i]);
	*l = (struct evloop){ .stop_pipe = { -1, -1 } };
}

int http_bound_address(int fd, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char name[INET6_ADDRSTRLEN];

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return -errno;
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &a->sin6_addr, name, sizeof(name));
		snprintf(buf, size, "[%s]:%u", name, ntohs(a->sin6_port));
	} else {
		const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &a->sin_addr, name, sizeof(name));
		snprintf(buf, size, "%s:%u", name, ntohs(a->sin_port));
	}
	return 0;
}

int http_server_open(const char *host, uint16_t port, struct http_server **ret)
{
	struct http_server *s = calloc(1, sizeof(*s));
	struct evhttp_bound_socket *bound;
	int err = -ENOMEM;

	if (!s)
		return -ENOMEM;
	err = evloop_open(&s->loop);
	if (err)
		goto out_free;
	err = -ENOMEM;
	s->http = evhttp_new(s->loop.base);
	if (!s->http)
		goto out_free;
	evhttp_set_timeout(s->http, HTTP_TIMEOUT_S);
	evhttp_set_max_headers_size(s->http, HTTP_HEADERS_MAX);
	evhttp_set_max_body_size(s->http, 0);
	errno = 0;
	bound = evhttp_bind_socket_with_handle(s->http, host, port);
	if (!bound) {
		err = errno ? -errno : -EADDRNOTAVAIL;
		goto out_free;
	}
	err = http_bound_address(evhttp_bound_socket_get_fd(bound), s->address, sizeof(s->address));
	if (err)
		goto out_free;
	*ret = s;
	return 0;
out_free:
	http_server_free(s);
	return err;
}

int http_server_get(struct http_server *s, const char *path, http_get_fn fn, void *arg)
{
	struct route *r;

	if (s->n_routes == HTTP_ROUTES_MAX)
		return -ENOSPC;
	r = &s->routes[s->n_routes];
	r->fn = fn;
	r->arg = arg;
	if (evhttp_set_cb(s->http, path, on_get, r))
		return -EEXIST;
	s->n_routes++;
	return 0;
}

int http_server_start(struct http_server *s)
{
	return evloop_start(&s->loop);
}

const char *http_server_address(const struct http_server *s)
{
	return s->address;
}

void http_server_free(struct http_server *s)
{
	if (!s)
		return;
	evloop_stop(&s->loop);
	if (s->http)
		evhttp_free(s->http);
	evloop_free(&s->loop);
	free(s);
}
