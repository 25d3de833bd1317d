/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small HTTP/1.1 server on its own thread (libevent's evhttp), for the
 * metrics endpoint. libevent rather than libmicrohttpd: Debian builds
 * libmicrohttpd with GnuTLS, which cannot be linked into the static ward
 * (p11-kit ships no static library); libevent links statically and does
 * TLS with the OpenSSL ward already uses (docs/outputs.md).
 */
#ifndef WARD_HTTP_H
#define WARD_HTTP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_ADDR_MAX 64

/* An event loop on a thread of its own (the metrics server's, the control
 * API's): evloop_open(), register events on base, evloop_start();
 * evloop_stop() before freeing what uses base, then evloop_free(). */
struct evloop {
	struct event_base *base;
	struct event *stop_ev;
	int stop_pipe[2];
	pthread_t thread;
	bool running;
};
/* 0 or -errno; evloop_free() undoes even a failed one. */
int evloop_open(struct evloop *l);
int evloop_start(struct evloop *l);
/* Break the loop and wait for its thread; nothing when it does not run. */
void evloop_stop(struct evloop *l);
void evloop_free(struct evloop *l);

/* "PORT", ":PORT", "HOST:PORT" or "[V6]:PORT" into a numeric host and port;
 * no host means loopback (127.0.0.1). 0 or -EINVAL. */
int http_parse_listen(const char *s, char host[HTTP_ADDR_MAX], uint16_t *ret_port);

/* What a route answers: a malloc'd body (taken) and its content type, or
 * NULL for 503 (nothing to serve yet). */
typedef char *(*http_get_fn)(void *arg, size_t *ret_len, const char **ret_type);

struct http_server;

/* Where the bound socket fd listens: "HOST:PORT" (a bracketed IPv6 host). 0
 * or -errno. */
int http_bound_address(int fd, char *buf, size_t size);
/* Listen on host:port (port 0: any free one). 0 or -errno. */
int http_server_open(const char *host, uint16_t port, struct http_server **ret);
/* Answer GET path with fn(arg); before http_server_start(). 0 or -errno. */
int http_server_get(struct http_server *s, const char *path, http_get_fn fn, void *arg);
/* Serve on a thread of its own from now on. 0 or -errno. */
int http_server_start(struct http_server *s);
/* Where it listens, "HOST:PORT" (a bracketed IPv6 host). */
const char *http_server_address(const struct http_server *s);
/* Stop the thread and close; NULL is fine. */
void http_server_free(struct http_server *s);

#endif
