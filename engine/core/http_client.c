// SPDX-License-Identifier: Apache-2.0
/* An HTTP client for the network outputs: http_client.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#ifdef WARD_TLS
#include <event2/bufferevent_ssl.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#endif

#include "http_client.h"

#define RESPONSE_MAX 65536 /* bytes of a response's body (read and dropped) */
#define HEADERS_MAX  16384

struct http_client {
	struct http_url u;
	struct event_base *base;
#ifdef WARD_TLS
	SSL_CTX *ssl;
#endif
};

/* What one exchange came to, filled by its callbacks. */
struct exchange {
	struct event_base *base;
	int status; /* the response's, 0 before one */
	int err;    /* -errno once the request failed */
	bool done;
};

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.';
}

int http_url_parse(const char *s, struct http_url *ret)
{
	const char *host, *end, *path;
	struct in6_addr a6;
	size_t hlen;

	memset(ret, 0, sizeof(*ret));
	if (!strncmp(s, "http://", 7)) {
		host = s + 7;
		ret->port = 80;
	} else if (!strncmp(s, "https://", 8)) {
		host = s + 8;
		ret->tls = true;
		ret->port = 443;
	} else {
		return -EINVAL;
	}
	path = host + strcspn(host, "/?#");
	if (*path == '#' || strchr(path, '#') || strpbrk(path, " \t\r\n") ||
	    strlen(path) + 2 > sizeof(ret->path))
		return -EINVAL; /* a fragment is no part of a request, spaces none of a path */
	if (host[0] == '[') {
		end = memchr(host, ']', (size_t)(path - host));
		if (!end)
			return -EINVAL;
		hlen = (size_t)(end - host - 1);
		if (!hlen || hlen >= sizeof(ret->host))
			return -EINVAL;
		memcpy(ret->host, host + 1, hlen);
		if (inet_pton(AF_INET6, ret->host, &a6) != 1)
			return -EINVAL;
		end++;
	} else {
		end = host;
		while (end < path && host_char(*end))
			end++;
		hlen = (size_t)(end - host);
		if (!hlen || hlen >= sizeof(ret->host))
			return -EINVAL;
		memcpy(ret->host, host, hlen);
	}
	if (end < path) { /* :PORT */
		unsigned long port = 0;
		const char *p = end + 1;

		if (*end != ':' || p == path || path - p > 5)
			return -EINVAL;
		for (; p < path; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			port = port * 10 + (unsigned long)(*p - '0');
		}
		if (!port || port > 65535)
			return -EINVAL;
		ret->port = (uint16_t)port;
	}
	if (*path == '/')
		strcpy(ret->path, path);
	else
		snprintf(ret->path, sizeof(ret->path), "/%s", path);
	return 0;
}

bool http_client_tls(void)
{
#ifdef WARD_TLS
	return true;
#else
	return false;
#endif
}

int http_client_new(const struct http_url *u, struct http_client **ret)
{
	struct http_client *c;

	if (u->tls && !http_client_tls())
		return -EPROTONOSUPPORT;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->u = *u;
	c->base = event_base_new();
	if (!c->base)
		goto out_free;
#ifdef WARD_TLS
	if (u->tls) {
		/* the system's CAs (SSL_CERT_FILE, SSL_CERT_DIR override them) */
		c->ssl = SSL_CTX_new(TLS_client_method());
		if (!c->ssl || SSL_CTX_set_default_verify_paths(c->ssl) != 1 ||
		    SSL_CTX_set_min_proto_version(c->ssl, TLS1_2_VERSION) != 1)
			goto out_free;
		SSL_CTX_set_verify(c->ssl, SSL_VERIFY_PEER, NULL);
	}
#endif
	*ret = c;
	return 0;
out_free:
	http_client_free(c);
	return -ENOMEM;
}

static void on_response(struct evhttp_request *req, void *arg)
{
	struct exchange *x = arg;

	x->done = true;
	if (req && evhttp_request_get_response_code(req))
		x->status = evhttp_request_get_response_code(req);
	else if (!x->err)
		x->err = -ECONNREFUSED;
	event_base_loopbreak(x->base);
}

static void on_error(enum evhttp_request_error e, void *arg)
{
	struct exchange *x = arg;

	switch (e) {
	case EVREQ_HTTP_TIMEOUT:
		x->err = -ETIMEDOUT;
		break;
	case EVREQ_HTTP_INVALID_HEADER:
	case EVREQ_HTTP_DATA_TOO_LONG:
		x->err = -EPROTO;
		break;
	default:
		x->err = -ECONNREFUSED;
		break;
	}
}

/* The connection's bufferevent: NULL (libevent makes a plain one) or a TLS
 * one checking the server's certificate and name. */
static int make_bev(struct http_client *c, struct bufferevent **ret)
{
	*ret = NULL;
#ifdef WARD_TLS
	if (c->ssl) {
		SSL *ssl = SSL_new(c->ssl);
		struct in6_addr a6;
		struct in_addr a4;
		bool numeric = inet_pton(AF_INET, c->u.host, &a4) == 1 ||
			       inet_pton(AF_INET6, c->u.host, &a6) == 1;

		if (!ssl)
			return -ENOMEM;
		if ((!numeric && SSL_set_tlsext_host_name(ssl, c->u.host) != 1) ||
		    (numeric ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), c->u.host)
			     : SSL_set1_host(ssl, c->u.host)) != 1) {
			SSL_free(ssl);
			return -ENOMEM;
		}
		*ret = bufferevent_openssl_socket_new(c->base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
						      BEV_OPT_CLOSE_ON_FREE |
							      BEV_OPT_DEFER_CALLBACKS);
		if (!*ret) {
			SSL_free(ssl);
			return -ENOMEM;
		}
		bufferevent_openssl_set_allow_dirty_shutdown(*ret, 1);
	}
#endif
	return 0;
}

int http_client_post(struct http_client *c, const char *type, const char *auth, const char *body,
		     size_t len, unsigned int timeout_ms, int *ret_status)
{
	struct exchange x = { .base = c->base };
	struct timeval tv = { .tv_sec = timeout_ms / 1000,
			      .tv_usec = (suseconds_t)(timeout_ms % 1000) * 1000 };
	struct evhttp_connection *conn;
	struct evhttp_request *req;
	struct evkeyvalq *h;
	struct bufferevent *bev;
	char host[HTTP_HOST_MAX + 8];
	int err;

	/* a connection per exchange: a TLS bufferevent cannot connect twice */
	err = make_bev(c, &bev);
	if (err)
		return err;
	conn = evhttp_connection_base_bufferevent_new(c->base, NULL, bev, c->u.host, c->u.port);
	if (!conn) {
		if (bev)
			bufferevent_free(bev);
		return -ENOMEM;
	}
	evhttp_connection_set_timeout_tv(conn, &tv);
	evhttp_connection_set_retries(conn, 0); /* the caller retries, with backoff */
	evhttp_connection_set_max_body_size(conn, RESPONSE_MAX);
	evhttp_connection_set_max_headers_size(conn, HEADERS_MAX);
	req = evhttp_request_new(on_response, &x);
	if (!req) {
		err = -ENOMEM;
		goto out_free;
	}
	evhttp_request_set_error_cb(req, on_error);
	h = evhttp_request_get_output_headers(req);
	snprintf(host, sizeof(host), strchr(c->u.host, ':') ? "[%s]:%u" : "%s:%u", c->u.host,
		 c->u.port);
	if (evhttp_add_header(h, "Host", host) || evhttp_add_header(h, "Content-Type", type) ||
	    evhttp_add_header(h, "User-Agent", "ward/" WARD_VERSION) ||
	    evhttp_add_header(h, "Connection", "close") ||
	    (auth && evhttp_add_header(h, "Authorization", auth)) ||
	    evbuffer_add(evhttp_request_get_output_buffer(req), body, len)) {
		evhttp_request_free(req);
		err = -ENOMEM;
		goto out_free;
	}
	if (evhttp_make_request(conn, req, EVHTTP_REQ_POST, c->u.path)) { /* frees req */
		err = -ECONNREFUSED;
		goto out_free;
	}
	while (!x.done && event_base_dispatch(c->base) == 0)
		;
	err = x.status ? 0 : x.err ?: -ECONNREFUSED;
	if (!err)
		*ret_status = x.status;
out_free:
	evhttp_connection_free(conn);
	return err;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
#ifdef WARD_TLS
	SSL_CTX_free(c->ssl);
#endif
	if (c->base)
		event_base_free(c->base);
	free(c);
}
