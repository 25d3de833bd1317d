// SPDX-License-Identifier: Apache-2.0
/* The control API's transport: api.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "api.h"
#include "core/http.h"
#include "core/output.h"
#include "core/post.h"
#include "core/tls.h"

#define API_TIMEOUT_S	 30   /* a client that sends nothing for this long is dropped */
#define API_HEADERS_MAX	 8192 /* bytes of request headers */
#define API_ADDRESS_MAX	 160
#define API_CONTAINER_ID 64 /* a container id's length at most */

/* A request on its way: made by the HTTP thread, answered by the session's. */
struct call {
	struct call *next;		 /* in waiting or done */
	struct call *next_inflight;	 /* HTTP thread only */
	struct evhttp_request *req;	 /* HTTP thread only; NULL once its connection closed */
	struct evhttp_connection *evcon; /* to find it when the connection closes */
	struct api_request rq;		 /* copies, owned by the call */
	struct api_response rs;
	struct evkeyvalq query;
	char *path, *body, *content_type;
	/* api_follow(): the stream's filter */
	char container[API_CONTAINER_ID + 1];
	unsigned int min_severity;
};

/* A follower of the alert stream: its chunks wait here for the HTTP thread. */
struct follower {
	struct follower *next;
	struct evhttp_request *req;
	struct evhttp_connection *evcon;
	char container[API_CONTAINER_ID + 1]; /* "": every container */
	unsigned int min_severity;
	char **queue; /* server-sent events, each malloc'd */
	size_t n_queue;
	bool gone; /* its connection closed: freed by the HTTP thread */
};

struct api {
	api_handler_fn fn;
	void *ctx;
	struct evloop loop; /* the HTTP thread */
	struct evhttp *http;
	struct evhttp *tcp;	/* the TLS listener's, or NULL */
	struct tls_server *tls; /* its certificate and key */
	char *bearer;		/* "Bearer TOKEN", what its clients must send */
	struct event *done_ev;
	int done_pipe[2]; /* the HTTP thread's wakeup: answers wait */
	int efd;	  /* the session's wakeup: requests wait */
	char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char address[API_ADDRESS_MAX];
	/* under lock: */
	pthread_mutex_t lock;
	struct call *waiting, **waiting_tail; /* for the session, in arrival order */
	struct call *done, **done_tail;	      /* answered, for the HTTP thread */
	struct follower *followers;
	size_t n_followers;
	uint64_t missed;
	/* HTTP thread only: */
	struct call *inflight; /* calls handed over and not answered yet */
};

json_t *api_error(const char *location, const char *fmt, ...)
{
	char msg[512], *m, *l = NULL;
	va_list ap;
	json_t *o;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* a request's bytes may be quoted in either: valid UTF-8 in JSON */
	m = out_utf8_sanitize(msg, strlen(msg));
	if (location)
		l = out_utf8_sanitize(location, strlen(location));
	o = m && (l || !location) ? json_pack("{s:s}", "error", m) : NULL;
	if (o && l)
		(void)json_object_set_new(o, "location", json_string(l));
	free(m);
	free(l);
	return o;
}

static void wake(int fd)
{
	uint64_t one = 1;
	ssize_t n;

	do
		n = write(fd, &one, sizeof(one));
	while (n < 0 && errno == EINTR);
}

static void drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void call_free(struct call *c)
{
	if (!c)
		return;
	evhttp_clear_headers(&c->query);
	json_decref(c->rs.body);
	free(c->path);
	free(c->body);
	free(c->content_type);
	free(c);
}

static void follower_free(struct follower *f)
{
	for (size_t i = 0; i < f->n_queue; i++)
		free(f->queue[i]);
	free(f->queue);
	free(f);
}

/* ---- the HTTP thread ---------------------------------------------------------------------- */

/* What evhttp queued on bev goes out: the TLS listener's filter (core/tls.h)
 * encrypts only when flushed, since evhttp enables writing after it queued a
 * reply; a plain socket's bufferevent writes anyway. */
static void push(struct bufferevent *bev)
{
	if (bev)
		(void)bufferevent_flush(bev, EV_WRITE, BEV_FLUSH);
}

static struct bufferevent *bev_of(struct evhttp_request *req)
{
	return evhttp_connection_get_bufferevent(evhttp_request_get_connection(req));
}

static void send_json(struct evhttp_request *req, int status, json_t *body)
{
	struct bufferevent *bev = bev_of(req);
	struct evbuffer *out = evbuffer_new();
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

	if (!out || !text) {
		free(text);
		if (out)
			evbuffer_free(out);
		evhttp_send_error(req, 500, "Internal Server Error");
		push(bev);
		return;
	}
	evbuffer_add(out, text, strlen(text));
	evbuffer_add(out, "\n", 1);
	free(text);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "application/json");
	evhttp_send_reply(req, status, NULL, out);
	evbuffer_free(out);
	push(bev);
}

static void send_error(struct evhttp_request *req, int status, const char *location,
		       const char *msg)
{
	json_t *body = api_error(location, "%s", msg);

	send_json(req, status, body);
	json_decref(body);
}

/* A connection closed: its calls are answered into the void, its follower goes. */
static void on_close(struct evhttp_connection *evcon, void *arg)
{
	struct api *a = arg;

	for (struct call *c = a->inflight; c; c = c->next_inflight)
		if (c->evcon == evcon)
			c->req = NULL;
	pthread_mutex_lock(&a->lock);
	for (struct follower *f = a->followers; f; f = f->next)
		if (f->evcon == evcon)
			f->gone = true;
	pthread_mutex_unlock(&a->lock);
}

static enum api_method method_of(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET:
		return API_GET;
	case EVHTTP_REQ_POST:
		return API_POST;
	case EVHTTP_REQ_PUT:
		return API_PUT;
	case EVHTTP_REQ_PATCH:
		return API_PATCH;
	case EVHTTP_REQ_DELETE:
		return API_DELETE;
	default:
		return API_OTHER;
	}
}

/* Only root talks to the daemon (the socket is 0600 too). */
static bool peer_is_root(struct evhttp_connection *evcon)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(evcon);
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return bev &&
	       getsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	       cred.uid == 0;
}

/* Copy what the session's thread needs; NULL (answered) when the request is bad. */
static struct call *call_new(struct api *a, struct evhttp_request *req)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *raw = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *q = uri ? evhttp_uri_get_query(uri) : NULL;
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
	size_t len = evbuffer_get_length(in), nq = 0;
	struct call *c = calloc(1, sizeof(*c));

	if (!c)
		goto out_oom;
	TAILQ_INIT(&c->query);
	c->req = req;
	c->evcon = evhttp_request_get_connection(req);
	c->path = evhttp_uridecode(raw && *raw ? raw : "/", 0, NULL);
	c->body = malloc(len + 1);
	c->content_type = strdup(ct ? ct : "");
	if (!c->path || !c->body || !c->content_type)
		goto out_oom;
	if (evbuffer_remove(in, c->body, len) != (int)len) {
		call_free(c);
		send_error(req, 400, NULL, "cannot read the request body");
		return NULL;
	}
	c->body[len] = '\0';
	if (q && evhttp_parse_query_str(q, &c->query)) {
		call_free(c);
		send_error(req, 400, "query", "malformed query string");
		return NULL;
	}
	for (struct evkeyval *kv = c->query.tqh_first; kv; kv = kv->next.tqe_next) {
		if (nq == API_QUERY_MAX) {
			call_free(c);
			send_error(req, 400, "query", "too many query parameters");
			return NULL;
		}
		c->rq.query[nq++] = (struct api_query){ kv->key, kv->value };
	}
	c->rq.n_query = nq;
	c->rq.method = method_of(evhttp_request_get_command(req));
	c->rq.path = c->path;
	c->rq.body = c->body;
	c->rq.body_len = len;
	c->rq.content_type = c->content_type;
	return c;
out_oom:
	call_free(c);
	send_error(req, 500, NULL, "out of memory");
	return NULL;
}

/* An authenticated request to the session. */
static void queue_request(struct api *a, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct call *c = call_new(a, req);

	if (!c)
		return;
	evhttp_connection_set_closecb(evcon, on_close, a);
	c->next_inflight = a->inflight;
	a->inflight = c;
	pthread_mutex_lock(&a->lock);
	*a->waiting_tail = c;
	a->waiting_tail = &c->next;
	pthread_mutex_unlock(&a->lock);
	wake(a->efd);
}

static void on_request(struct evhttp_request *req, void *arg)
{
	if (!peer_is_root(evhttp_request_get_connection(req))) {
		send_error(req, 403, NULL, "only root may use ward's control API");
		return;
	}
	queue_request(arg, req);
}

/* The same length and bytes, in a time that tells nothing of where they differ. */
static bool same_secret(const char *given, const char *want)
{
	size_t g = strlen(given), n = strlen(want);
	unsigned char diff = g != n;

	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)((i < g ? given[i] : 0) ^ want[i]);
	return !diff;
}

/* The TCP listener's requests: TLS (below evhttp), then the bearer token. */
static void on_tcp_request(struct evhttp_request *req, void *arg)
{
	struct api *a = arg;
	const char *auth =
		evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");

	if (!auth || !same_secret(auth, a->bearer)) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
				  "Bearer realm=\"ward\"");
		send_error(req, 401, "Authorization",
			   auth ? "the bearer token is not this server's"
				: "an \"Authorization: Bearer TOKEN\" header is required");
		return;
	}
	queue_request(a, req);
}

static struct bufferevent *tls_bev(struct event_base *base, void *arg)
{
	const struct api *a = arg;

	return tls_server_bufferevent(a->tls, base);
}

static void inflight_remove(struct api *a, struct call *c)
{
	for (struct call **p = &a->inflight; *p; p = &(*p)->next_inflight)
		if (*p == c) {
			*p = c->next_inflight;
			return;
		}
}

/* Start the stream of a call whose handler called api_follow(). */
static void follow_start(struct api *a, struct call *c)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(c->req);
	struct follower *f = calloc(1, sizeof(*f));
	struct evbuffer *hello = evbuffer_new();

	if (!f || !hello) {
		free(f);
		if (hello)
			evbuffer_free(hello);
		send_error(c->req, 500, NULL, "out of memory");
		return;
	}
	f->req = c->req;
	f->evcon = c->evcon;
	memcpy(f->container, c->container, sizeof(f->container));
	f->min_severity = c->min_severity;
	evhttp_add_header(h, "Content-Type", "text/event-stream");
	evhttp_add_header(h, "Cache-Control", "no-cache");
	evhttp_send_reply_start(c->req, 200, "OK");
	/* a comment, so the client sees the stream open at once */
	evbuffer_add_printf(hello, ": ward alert stream\n\n");
	evhttp_send_reply_chunk(c->req, hello);
	push(bev_of(c->req));
	evbuffer_free(hello);
	pthread_mutex_lock(&a->lock);
	f->next = a->followers;
	a->followers = f;
	a->n_followers++;
	pthread_mutex_unlock(&a->lock);
}

/* Send what followers have queued; forget those whose connection closed. */
static void feed_followers(struct api *a)
{
	struct follower *gone = NULL;

	pthread_mutex_lock(&a->lock);
	for (struct follower **p = &a->followers; *p;) {
		struct follower *f = *p;

		if (f->gone) {
			*p = f->next;
			f->next = gone;
			gone = f;
			a->n_followers--;
			continue;
		}
		for (size_t i = 0; i < f->n_queue; i++) {
			struct evbuffer *b = evbuffer_new();

			if (b && !evbuffer_add(b, f->queue[i], strlen(f->queue[i]))) {
				evhttp_send_reply_chunk(f->req, b);
				push(bev_of(f->req));
			}
			if (b)
				evbuffer_free(b);
			free(f->queue[i]);
		}
		f->n_queue = 0;
		p = &f->next;
	}
	pthread_mutex_unlock(&a->lock);
	while (gone) {
		struct follower *next = gone->next;

		follower_free(gone);
		gone = next;
	}
}

/* The session answered: send the answers, feed the streams. */
static void on_done(evutil_socket_t fd, short what, void *arg)
{
	struct api *a = arg;
	struct call *c;

	(void)what;
	drain(fd);
	pthread_mutex_lock(&a->lock);
	c = a->done;
	a->done = NULL;
	a->done_tail = &a->done;
	pthread_mutex_unlock(&a->lock);
	while (c) {
		struct call *next = c->next;

		inflight_remove(a, c);
		if (c->req && c->rs.follow)
			follow_start(a, c);
		else if (c->req)
			send_json(c->req, c->rs.status, c->rs.body);
		call_free(c);
		c = next;
	}
	feed_followers(a);
}

/* ---- the session's thread ----------------------------------------------------------------- */

int api_fd(const struct api *a)
{
	return a->efd;
}

const char *api_address(const struct api *a)
{
	return a->address;
}

int api_dispatch(struct api *a)
{
	struct call *c;

	drain(a->efd);
	pthread_mutex_lock(&a->lock);
	c = a->waiting;
	a->waiting = NULL;
	a->waiting_tail = &a->waiting;
	pthread_mutex_unlock(&a->lock);
	if (!c)
		return 0;
	for (struct call *i = c; i; i = i->next) {
		i->rs = (struct api_response){ .status = 500 };
		a->fn(a->ctx, a, &i->rq, &i->rs);
		if (!i->rs.follow && !i->rs.body)
			i->rs = (struct api_response){ .status = 500,
						       .body = api_error(NULL, "out of memory") };
	}
	pthread_mutex_lock(&a->lock);
	*a->done_tail = c;
	while (c->next)
		c = c->next;
	a->done_tail = &c->next;
	pthread_mutex_unlock(&a->lock);
	wake(a->done_pipe[1]);
	return 0;
}

int api_follow(struct api *a, struct api_request *rq, const char *container,
	       unsigned int min_severity)
{
	struct call *c = (struct call *)((char *)rq - offsetof(struct call, rq));

	(void)a;
	if (container && strlen(container) > API_CONTAINER_ID)
		return -EINVAL;
	snprintf(c->container, sizeof(c->container), "%s", container ? container : "");
	c->min_severity = min_severity;
	c->rs.follow = true;
	return 0;
}

static bool follower_takes(const struct follower *f, const char *name, const char *id,
			   unsigned int severity)
{
	if (severity < f->min_severity)
		return false;
	if (!f->container[0])
		return true;
	return (name && !strcmp(name, f->container)) ||
	       (id && !strncmp(id, f->container, strlen(f->container)));
}

size_t api_publish(struct api *a, const char *type, const json_t *obj, const char *container_name,
		   const char *container_id, unsigned int severity)
{
	char *data = json_dumps(obj, JSON_COMPACT), *ev = NULL;
	size_t missed = 0;
	bool any = false;

	if (!data || asprintf(&ev, "event: %s\ndata: %s\n\n", type, data) < 0) {
		free(data);
		pthread_mutex_lock(&a->lock);
		missed = a->n_followers;
		a->missed += missed;
		pthread_mutex_unlock(&a->lock);
		return missed;
	}
	free(data);
	pthread_mutex_lock(&a->lock);
	for (struct follower *f = a->followers; f; f = f->next) {
		char *copy;
		char **grown;

		if (f->gone ||
		    (container_name && !follower_takes(f, container_name, container_id, severity)))
			continue;
		copy = f->n_queue < API_FOLLOW_QUEUE ? strdup(ev) : NULL;
		grown = copy ? realloc(f->queue, (f->n_queue + 1) * sizeof(*grown)) : NULL;
		if (!grown) {
			free(copy);
			a->missed++;
			missed++;
			continue;
		}
		f->queue = grown;
		f->queue[f->n_queue++] = copy;
		any = true;
	}
	pthread_mutex_unlock(&a->lock);
	free(ev);
	if (any)
		wake(a->done_pipe[1]);
	return missed;
}

size_t api_followers(struct api *a, uint64_t *ret_missed)
{
	size_t n;

	pthread_mutex_lock(&a->lock);
	n = a->n_followers;
	*ret_missed = a->missed;
	pthread_mutex_unlock(&a->lock);
	return n;
}

/* ---- setup -------------------------------------------------------------------------------- */

/* The unix socket at path, mode 0600 (its directory made 0700 if missing). */
static int listen_unix(const char *path, int *ret_fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	char *slash;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -errno;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* a daemon listening there keeps it; a socket file a dead one left goes */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		return -EADDRINUSE;
	}
	if (errno != ECONNREFUSED && errno != ENOENT) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	(void)unlink(path);
	if (fchmod(fd, 0600) < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(fd, 64) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	*ret_fd = fd;
	return 0;
}

/* Limits and methods both listeners share. */
static void http_limits(struct evhttp *http)
{
	evhttp_set_timeout(http, API_TIMEOUT_S);
	evhttp_set_max_headers_size(http, API_HEADERS_MAX);
	evhttp_set_max_body_size(http, API_BODY_MAX);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
						 EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE);
}

/* The token clients of the TCP listener present: the file's first line, at
 * least API_TOKEN_MIN characters, the file readable by its owner only. */
static int read_bearer(const char *path, char **ret, char *why, size_t why_size)
{
	struct stat st;
	int err;

	if (stat(path, &st) < 0) {
		err = -errno;
		snprintf(why, why_size, "%s: %s", path, strerror(errno));
		return err;
	}
	if (st.st_mode & 077) {
		snprintf(why, why_size, "%s: readable by others (mode %04o): chmod 600 it", path,
			 (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	err = post_token_read(path, ret);
	if (!err && strlen(*ret) < strlen("Bearer ") + API_TOKEN_MIN) {
		free(*ret);
		err = -EINVAL;
	}
	if (err)
		snprintf(why, why_size,
			 "%s: one token of at least %d printable characters without spaces is "
			 "expected on its first line",
			 path, API_TOKEN_MIN);
	return err;
}

int api_check_files(const struct api_opts *o, char *why, size_t why_size)
{
	struct tls_server *tls = NULL;
	char *bearer = NULL;
	int err;

	if (!o->listen)
		return 0;
	err = read_bearer(o->token_file, &bearer, why, why_size)
		      ?: tls_server_new(o->tls_cert, o->tls_key, &tls, why, why_size);
	free(bearer);
	tls_server_free(tls);
	return err;
}

/* The TCP listener, TLS only, for clients with the token. */
static int open_tcp(struct api *a, const struct api_opts *o, char *why, size_t why_size)
{
	char host[HTTP_ADDR_MAX];
	struct evhttp_bound_socket *bound;
	uint16_t port;
	int err;

	if (!o->tls_cert || !o->tls_key || !o->token_file) {
		snprintf(why, why_size,
			 "%s: a TCP listener needs a TLS certificate, its key and a token file",
			 o->listen);
		return -EINVAL;
	}
	if (http_parse_listen(o->listen, host, &port)) {
		snprintf(why, why_size, "%s: not HOST:PORT", o->listen);
		return -EINVAL;
	}
	err = read_bearer(o->token_file, &a->bearer, why, why_size)
		      ?: tls_server_new(o->tls_cert, o->tls_key, &a->tls, why, why_size);
	if (err)
		return err;
	a->tcp = evhttp_new(a->loop.base);
	if (!a->tcp)
		return -ENOMEM;
	http_limits(a->tcp);
	evhttp_set_bevcb(a->tcp, tls_bev, a);
	evhttp_set_gencb(a->tcp, on_tcp_request, a);
	errno = 0;
	bound = evhttp_bind_socket_with_handle(a->tcp, host, port);
	if (!bound) {
		err = errno ? -errno : -EADDRNOTAVAIL;
		snprintf(why, why_size, "%s: %s", o->listen, strerror(-err));
		return err;
	}
	err = http_bound_address(evhttp_bound_socket_get_fd(bound), host, sizeof(host));
	if (err)
		snprintf(why, why_size, "%s: %s", o->listen, strerror(-err));
	else
		snprintf(a->address + strlen(a->address), sizeof(a->address) - strlen(a->address),
			 ", https://%s", host);
	return err;
}

int api_open(const struct api_opts *o, api_handler_fn fn, void *ctx, struct api **ret, char *why,
	     size_t why_size)
{
	const char *path = o->socket_path ? o->socket_path : API_SOCKET_DEFAULT;
	struct api *a = calloc(1, sizeof(*a));
	int err = -ENOMEM, fd = -1;

	snprintf(why, why_size, "%s: out of memory", path);
	if (!a)
		return -ENOMEM;
	a->fn = fn;
	a->ctx = ctx;
	a->done_pipe[0] = a->done_pipe[1] = -1;
	a->waiting_tail = &a->waiting;
	a->done_tail = &a->done;
	pthread_mutex_init(&a->lock, NULL);
	err = evloop_open(&a->loop);
	a->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!err && (a->efd < 0 || pipe2(a->done_pipe, O_CLOEXEC | O_NONBLOCK) < 0))
		err = -errno;
	if (err)
		goto out_free;
	err = -ENOMEM;
	a->http = evhttp_new(a->loop.base);
	a->done_ev = event_new(a->loop.base, a->done_pipe[0], EV_READ | EV_PERSIST, on_done, a);
	if (!a->http || !a->done_ev || event_add(a->done_ev, NULL))
		goto out_free;
	http_limits(a->http);
	evhttp_set_gencb(a->http, on_request, a);
	err = listen_unix(path, &fd);
	if (err) {
		snprintf(why, why_size, "%s: %s", path, strerror(-err));
		goto out_free;
	}
	if (!evhttp_accept_socket_with_handle(a->http, fd)) {
		close(fd);
		err = -EIO;
		goto out_free;
	}
	snprintf(a->socket_path, sizeof(a->socket_path), "%s", path);
	snprintf(a->address, sizeof(a->address), "unix:%s", path);
	err = o->listen ? open_tcp(a, o, why, why_size) : 0;
	if (err)
		goto out_free;
	err = evloop_start(&a->loop);
	if (err)
		goto out_free;
	*ret = a;
	return 0;
out_free:
	api_free(a);
	return err;
}

void api_free(struct api *a)
{
	if (!a)
		return;
	evloop_stop(&a->loop);
	if (a->http)
		evhttp_free(a->http); /* closes connections: on_close() marks what they had */
	if (a->tcp)
		evhttp_free(a->tcp);
	tls_server_free(a->tls);
	free(a->bearer);
	while (a->inflight) {
		struct call *c = a->inflight;

		a->inflight = c->next_inflight;
		call_free(c);
	}
	while (a->followers) {
		struct follower *f = a->followers;

		a->followers = f->next;
		follower_free(f);
	}
	if (a->done_ev)
		event_free(a->done_ev);
	evloop_free(&a->loop);
	if (a->socket_path[0])
		(void)unlink(a->socket_path);
	for (int i = 0; i < 2; i++)
		if (a->done_pipe[i] >= 0)
			close(a->done_pipe[i]);
	if (a->efd >= 0)
		close(a->efd);
	pthread_mutex_destroy(&a->lock);
	free(a);
}
