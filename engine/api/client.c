// SPDX-License-Identifier: Apache-2.0
/* The control API's client: client.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <http_parser.h>

#include "client.h"

#define ANSWER_MAX (64u << 20) /* bytes of an answer kept */
#define EVENT_MAX  (1u << 20)  /* bytes of one server-sent event */

struct reader {
	struct api_answer *a;
	bool done, headers;
	/* a stream: events assembled from the body */
	api_event_fn fn;
	void *ctx;
	char *line; /* the line being read */
	size_t n_line;
	char type[64];
	char *data; /* the event's data lines, joined by '\n' */
	size_t n_data;
	int stop; /* fn's nonzero value */
	int err;
};

static int append(char **buf, size_t *len, const char *at, size_t n, size_t max)
{
	char *grown;

	if (*len + n > max)
		return -E2BIG;
	grown = realloc(*buf, *len + n + 1);
	if (!grown)
		return -ENOMEM;
	memcpy(grown + *len, at, n);
	*len += n;
	grown[*len] = '\0';
	*buf = grown;
	return 0;
}

/* One line of the event stream (without its newline). */
static int sse_line(struct reader *r, const char *line)
{
	int err;

	if (!*line) { /* the end of an event */
		if (r->n_data || r->type[0])
			r->stop = r->fn(r->ctx, r->type[0] ? r->type : "message",
					r->data ? r->data : "");
		r->type[0] = '\0';
		r->n_data = 0;
		if (r->data)
			r->data[0] = '\0';
		return r->stop;
	}
	if (!strncmp(line, "event: ", 7)) {
		snprintf(r->type, sizeof(r->type), "%s", line + 7);
	} else if (!strncmp(line, "data: ", 6)) {
		if (r->n_data && (err = append(&r->data, &r->n_data, "\n", 1, EVENT_MAX)))
			return r->err = err;
		if ((err = append(&r->data, &r->n_data, line + 6, strlen(line + 6), EVENT_MAX)))
			return r->err = err;
	} /* comments (":") and other fields are not ward's */
	return 0;
}

static int on_body(http_parser *p, const char *at, size_t n)
{
	struct reader *r = p->data;
	int err;

	if (!r->fn || p->status_code != 200) {
		err = append(&r->a->body, &r->a->len, at, n, ANSWER_MAX);
		return err ? (r->err = err) : 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (at[i] != '\n') {
			if ((err = append(&r->line, &r->n_line, at + i, 1, EVENT_MAX)))
				return r->err = err;
			continue;
		}
		if (sse_line(r, r->line ? r->line : ""))
			return 1;
		r->n_line = 0;
		if (r->line)
			r->line[0] = '\0';
	}
	return 0;
}

static int on_headers(http_parser *p)
{
	struct reader *r = p->data;

	r->headers = true;
	r->a->status = p->status_code;
	return 0;
}

static int on_complete(http_parser *p)
{
	((struct reader *)p->data)->done = true;
	return 0;
}

static int connect_to(const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(sock) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int write_all(int fd, const void *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, (const char *)buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	return 0;
}

/* Send the request, read and parse the answer into r. */
static int exchange(const char *sock, const char *method, const char *path, const void *body,
		    size_t len, const char *ctype, struct reader *r)
{
	http_parser_settings s = { .on_headers_complete = on_headers,
				   .on_body = on_body,
				   .on_message_complete = on_complete };
	char head[1024], buf[16384];
	http_parser p;
	int fd, n, err;

	n = snprintf(head, sizeof(head),
		     "%s %s HTTP/1.1\r\nHost: ward\r\nConnection: close\r\n"
		     "Content-Length: %zu\r\n%s%s%s\r\n",
		     method, path, body ? len : 0, ctype ? "Content-Type: " : "",
		     ctype ? ctype : "", ctype ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return -ENAMETOOLONG;
	fd = connect_to(sock);
	if (fd < 0)
		return fd;
	err = write_all(fd, head, (size_t)n) ?: (body ? write_all(fd, body, len) : 0);
	http_parser_init(&p, HTTP_RESPONSE);
	p.data = r;
	while (!err && !r->done) {
		ssize_t got = read(fd, buf, sizeof(buf));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			break;
		}
		/* 0: the end, which ends a body without a length too */
		if (http_parser_execute(&p, &s, buf, (size_t)got) != (size_t)got || !got) {
			if (r->err || r->stop)
				err = r->err ? r->err : r->stop;
			else if (HTTP_PARSER_ERRNO(&p) != HPE_OK || !r->headers)
				err = -EPROTO;
			break;
		}
	}
	close(fd);
	return err;
}

int api_request_send(const char *sock, const char *method, const char *path, const void *body,
		     size_t len, const char *ctype, struct api_answer *ret)
{
	struct reader r = { .a = ret };
	int err;

	memset(ret, 0, sizeof(*ret));
	err = exchange(sock, method, path, body, len, ctype, &r);
	if (!err && !ret->body)
		ret->body = strdup("");
	if (!err && !ret->body)
		err = -ENOMEM;
	if (err)
		api_answer_free(ret);
	return err;
}

int api_stream(const char *sock, const char *path, api_event_fn fn, void *ctx,
	       struct api_answer *ret)
{
	struct reader r = { .a = ret, .fn = fn, .ctx = ctx };
	int err;

	memset(ret, 0, sizeof(*ret));
	err = exchange(sock, "GET", path, NULL, 0, NULL, &r);
	free(r.line);
	free(r.data);
	if (err < 0 || ret->status != 200 || err > 0)
		return err;
	return 0;
}

void api_answer_free(struct api_answer *a)
{
	free(a->body);
	memset(a, 0, sizeof(*a));
}
