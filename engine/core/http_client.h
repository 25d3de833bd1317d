/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An HTTP/1.1 client for the network outputs (webhook, OTLP): one POST at a
 * time, waiting for its answer, on the calling thread's own libevent base
 * (the delivery thread's, deliver.h, never the pipeline's). libevent rather
 * than libcurl: ward links fully static (make static) and Debian's libcurl
 * cannot be (its TLS and IDN libraries ship no static archives); libevent,
 * which serves the metrics (http.h), can. https goes through libevent's
 * OpenSSL bufferevents in the dynamically linked ward; the static ward
 * leaves TLS out (static OpenSSL alone would double its size past 4 MB) and
 * refuses https URLs (docs/outputs.md).
 */
#ifndef WARD_HTTP_CLIENT_H
#define WARD_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_HOST_MAX 256
#define HTTP_PATH_MAX 1024

struct http_url {
	bool tls;		  /* https */
	char host[HTTP_HOST_MAX]; /* a name or a numeric address, IPv6 without brackets */
	uint16_t port;		  /* 80 or 443 unless given */
	char path[HTTP_PATH_MAX]; /* "/..." with the query, "/" when none */
};

/* "http[s]://HOST[:PORT][/PATH[?QUERY]]", HOST a name, an IPv4 address or
 * [IPv6]; no user:password@ (a secret goes in a token file, not a URL that
 * ends up in a process list). 0 or -EINVAL. */
int http_url_parse(const char *s, struct http_url *ret);
/* Whether this build speaks TLS (the static one does not). */
bool http_client_tls(void);

struct http_client;

/* A client of u's server, for one thread. 0, -EPROTONOSUPPORT (https without
 * TLS in this build), or -errno. */
int http_client_new(const struct http_url *u, struct http_client **ret);
/* POST body (len bytes, of content type type) to u's path, with the header
 * "Authorization: auth" when auth is not NULL, waiting at most timeout_ms for
 * the whole exchange. 0 with the response's status in *ret_status, or
 * -ETIMEDOUT, -ECONNREFUSED (no connection, or TLS refused), -EPROTO (a bad
 * response), -ENOMEM. */
int http_client_post(struct http_client *c, const char *type, const char *auth, const char *body,
		     size_t len, unsigned int timeout_ms, int *ret_status);
/* NULL is fine. */
void http_client_free(struct http_client *c);

#endif
