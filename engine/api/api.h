/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control API's transport (docs/api.md, docs/api.yaml): HTTP/1.1 on a
 * thread of its own (libevent's evhttp), on a unix socket (mode 0600, root
 * peers only) and, when asked, on a TCP port in TLS only, whose clients
 * present a bearer token (core/tls.h). A request is
 * copied into a struct api_request and handed to the session's thread, which
 * answers it between two reads of the ring buffers (api_dispatch()): the
 * handlers see the session's state without locks, and the HTTP thread never
 * waits for them. Followers of the alert stream get server-sent events from a
 * bounded queue each; what a slow follower misses is counted, never waited for.
 */
#ifndef WARD_API_H
#define WARD_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define API_SOCKET_DEFAULT "/run/ward/ward.sock"
#define API_PATH_MAX	   108	       /* sun_path */
#define API_BODY_MAX	   (16u << 20) /* bytes of a request body (a bundle, a plugin) */
#define API_QUERY_MAX	   8	       /* query parameters a request may carry */
#define API_FOLLOW_QUEUE   1024	       /* events a follower may lag behind */
#define API_TOKEN_MIN	   16	       /* characters of a bearer token at least */

struct api_opts {
	const char *socket_path; /* NULL: API_SOCKET_DEFAULT */
	/* the TCP listener ("HOST:PORT", http_parse_listen()), NULL: none; it
	 * needs all three files */
	const char *listen;
	const char *tls_cert, *tls_key; /* PEM: the certificate chain, its key */
	const char *token_file;		/* the token clients send, not readable by others */
};

enum api_method { API_GET, API_POST, API_PUT, API_PATCH, API_DELETE, API_OTHER };

struct api_query {
	const char *key, *value;
};

/* A request, as the session's thread sees it; valid during the handler only. */
struct api_request {
	enum api_method method;
	const char *path; /* decoded, without the query */
	struct api_query query[API_QUERY_MAX];
	size_t n_query;
	const char *body; /* NUL-terminated copy of the body (may hold NULs: body_len) */
	size_t body_len;
	const char *content_type; /* "" when none */
	uint64_t follow_id;	  /* set by api_follow() */
};

/* What a handler answers: status and a JSON body (taken), or a follow. */
struct api_response {
	int status;
	json_t *body;
	bool follow; /* answered as a stream: api_follow() was called */
};

struct api;

/* The session's handler of one request (in the session's thread). */
typedef void (*api_handler_fn)(void *ctx, struct api *a, struct api_request *rq,
			       struct api_response *rs);

/* Listen as o says; requests go to fn(ctx) from api_dispatch(). 0 or -errno,
 * with what failed in why (the socket, the file and its reason). */
int api_open(const struct api_opts *o, api_handler_fn fn, void *ctx, struct api **ret, char *why,
	     size_t why_size);
/* Whether the TCP listener's files serve (the token file, the certificate and its
 * key; none without o->listen), read and let go again: 0, or -errno with the file
 * and what is wrong in why (bad input, before anything starts). */
int api_check_files(const struct api_opts *o, char *why, size_t why_size);
/* Where it listens, for messages: "unix:/run/ward/ward.sock" and
 * "https://127.0.0.1:9443" with a TCP listener. */
const char *api_address(const struct api *a);
/* Readable (epoll) while requests wait for api_dispatch(). */
int api_fd(const struct api *a);
/* Answer every waiting request with the handler; 0 or -errno (out of memory). */
int api_dispatch(struct api *a);

/* In a handler: answer rq as a stream of server-sent events, filtered by
 * container (a name or id prefix, NULL: all) and min_severity (0: all). */
int api_follow(struct api *a, struct api_request *rq, const char *container,
	       unsigned int min_severity);
/* One event to every follower whose filter takes it: type "alert" with the
 * alert's JSON object (container name and id, severity rank), or another type
 * with any object (container NULL: every follower). Never blocks: a follower
 * whose queue is full misses it (counted). Returns the followers that missed it. */
size_t api_publish(struct api *a, const char *type, const json_t *obj, const char *container_name,
		   const char *container_id, unsigned int severity);
/* Followers connected now; *ret_missed the events followers missed because
 * they lagged behind, in all. */
size_t api_followers(struct api *a, uint64_t *ret_missed);

/* An error body: {"error": msg, "location": location (omitted when NULL)}. */
json_t *api_error(const char *location, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Stop serving, close the sockets (the unix socket's file removed). */
void api_free(struct api *a);

#endif
