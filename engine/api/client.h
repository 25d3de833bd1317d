/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control API's client (`ward ctl`): one HTTP/1.1 request on the unix
 * socket, the response parsed with http-parser (chunked bodies included),
 * and the alert stream's server-sent events one at a time.
 */
#ifndef WARD_API_CLIENT_H
#define WARD_API_CLIENT_H

#include <stddef.h>

struct api_answer {
	int status;
	char *body; /* malloc'd, NUL-terminated */
	size_t len;
};

/* method path (with its query) on the socket at sock, with body (len bytes,
 * content type ctype; NULL: none). 0 with *ret filled (api_answer_free()),
 * or -errno: the socket cannot be reached (-ENOENT, -ECONNREFUSED, -EACCES),
 * -EPROTO: what came back is not HTTP. */
int api_request_send(const char *sock, const char *method, const char *path, const void *body,
		     size_t len, const char *ctype, struct api_answer *ret);
void api_answer_free(struct api_answer *a);

/* One server-sent event: its type and its data (NUL-terminated). A nonzero
 * return ends the stream with it. */
typedef int (*api_event_fn)(void *ctx, const char *type, const char *data);

/* GET path as a stream of server-sent events, each to fn, until the server
 * closes it or fn returns nonzero. 0 at the end of the stream, fn's value,
 * or -errno as above; an answer other than 200 fills *ret (its body). */
int api_stream(const char *sock, const char *path, api_event_fn fn, void *ctx,
	       struct api_answer *ret);

#endif
