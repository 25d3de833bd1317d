// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>
#include <yaml.h>

#include "rulesc/ytree.h"

static void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

void ysrc_free(struct ysrc *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_docs; i++)
		ynode_free(s->docs[i]);
	free(s->docs);
	free(s->buf);
	free(s->path);
	free(s);
}

struct rc_loc ynode_loc(const struct ysrc *s, const struct ynode *n)
{
	return (struct rc_loc){
		.file = s->path,
		.src = s->buf,
		.src_len = s->len,
		.line = n ? n->line : 0,
		.col = n ? n->col : 0,
		.span = n ? n->span : 1,
	};
}

const struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	if (!map || map->type != YN_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (strcmp(map->kids[i]->str, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

const char *ynode_type_name(const struct ynode *n)
{
	switch (n->type) {
	case YN_SEQ:
		return "a list";
	case YN_MAP:
		return "a mapping";
	default:
		return "a scalar";
	}
}

static int push_kid(struct ynode *parent, struct ynode *kid)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 4;
		struct ynode **v = realloc(parent->kids, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		parent->kids = v;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = kid;
	return 0;
}

/* Line and column (1-based, in characters) of a byte offset. */
static void offset_pos(const struct ysrc *s, size_t off, uint32_t *line, uint32_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < s->len; i++) {
		if (s->buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)s->buf[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

struct builder {
	struct ysrc *src;
	struct rc_diags *d;
	struct ynode *stack[RC_DEPTH_MAX + 2];
	size_t depth;
	size_t nodes;
};

static void berr(struct builder *b, const yaml_mark_t *m, uint32_t span, const char *code,
		 const char *hint, const char *msg)
{
	struct rc_loc loc = ynode_loc(b->src, NULL);

	loc.line = (uint32_t)m->line + 1;
	loc.col = (uint32_t)m->column + 1;
	loc.span = span ? span : 1;
	rc_diag(b->d, RC_ERROR, code, &loc, hint, "%s", msg);
}

static uint32_t mark_span(const yaml_event_t *ev)
{
	if (ev->start_mark.line != ev->end_mark.line ||
	    ev->end_mark.column <= ev->start_mark.column)
		return 1;
	return (uint32_t)(ev->end_mark.column - ev->start_mark.column);
}

/* Attach a finished node to its parent (or make it a document root). */
static int attach(struct builder *b, struct ynode *n, const yaml_event_t *ev)
{
	struct ynode *parent = b->depth ? b->stack[b->depth - 1] : NULL;

	if (!parent) {
		struct ynode **v = realloc(b->src->docs, (b->src->n_docs + 1) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		b->src->docs = v;
		v[b->src->n_docs++] = n;
		return 0;
	}
	if (parent->type == YN_MAP && parent->n % 2 == 0) {
		/* n is a key */
		if (n->type != YN_SCALAR) {
			berr(b, &ev->start_mark, 1, "yaml-complex-key",
			     "keys are plain words such as 'name' or 'spec'",
			     "mapping keys must be scalars");
			return -EINVAL;
		}
		if (parent->n / 2 >= RC_MAP_KEYS_MAX) {
			berr(b, &ev->start_mark, 1, "yaml-too-large",
			     "split the data over several documents",
			     "mapping has more than 1024 keys");
			return -EINVAL;
		}
		for (size_t i = 0; i < parent->n; i += 2) {
			if (strcmp(parent->kids[i]->str, n->str) == 0) {
				char msg[128], hint[96];

				snprintf(msg, sizeof(msg), "duplicate key '%.80s'", n->str);
				snprintf(hint, sizeof(hint),
					 "first given at line %u; YAML keys must be unique",
					 parent->kids[i]->line);
				berr(b, &ev->start_mark, (uint32_t)n->len, "yaml-duplicate-key",
				     hint, msg);
				return -EINVAL;
			}
		}
	}
	return push_kid(parent, n);
}

static struct ynode *new_node(struct builder *b, enum yn_type t, const yaml_event_t *ev)
{
	struct ynode *n;

	if (++b->nodes > RC_NODES_MAX) {
		berr(b, &ev->start_mark, 1, "yaml-too-large",
		     "split the policies over several files",
		     "document has more than 500000 nodes");
		errno = EINVAL;
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->type = t;
	n->line = (uint32_t)ev->start_mark.line + 1;
	n->col = (uint32_t)ev->start_mark.column + 1;
	n->span = mark_span(ev);
	return n;
}

/* Anchors, aliases and tags are refused: they would let a small file expand
 * into a huge tree, and ward's reuse mechanism is kind: List / kind: Macro. */
static int check_props(struct builder *b, const yaml_event_t *ev, const yaml_char_t *anchor,
		       const yaml_char_t *tag, bool implicit)
{
	if (anchor) {
		berr(b, &ev->start_mark, 1, "yaml-anchor",
		     "anchors and aliases are not supported; reuse values with kind: List or kind: "
		     "Macro",
		     "YAML anchor '&' is not allowed");
		return -EINVAL;
	}
	if (tag && !implicit) {
		berr(b, &ev->start_mark, 1, "yaml-tag",
		     "remove the '!' tag; ward infers types itself",
		     "explicit YAML tags are not allowed");
		return -EINVAL;
	}
	return 0;
}

static int handle(struct builder *b, yaml_event_t *ev)
{
	struct ynode *n;
	int r;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		berr(b, &ev->start_mark, mark_span(ev), "yaml-alias",
		     "anchors and aliases are not supported; reuse values with kind: List or kind: "
		     "Macro",
		     "YAML alias '*' is not allowed");
		return -EINVAL;
	case YAML_SCALAR_EVENT:
		r = check_props(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag,
				ev->data.scalar.plain_implicit || ev->data.scalar.quoted_implicit);
		if (r < 0)
			return r;
		if (ev->data.scalar.length > RC_SCALAR_MAX) {
			berr(b, &ev->start_mark, 1, "yaml-too-large",
			     "values are limited to 4096 bytes", "scalar longer than 4096 bytes");
			return -EINVAL;
		}
		if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length)) {
			berr(b, &ev->start_mark, 1, "yaml-nul", "remove the \\0 escape",
			     "NUL character in a value");
			return -EINVAL;
		}
		n = new_node(b, YN_SCALAR, ev);
		if (!n)
			return -errno;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		n->len = ev->data.scalar.length;
		n->str = strndup((const char *)ev->data.scalar.value, n->len);
		r = n->str ? attach(b, n, ev) : -ENOMEM;
		if (r < 0)
			ynode_free(n);
		return r;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (ev->type == YAML_SEQUENCE_START_EVENT)
			r = check_props(b, ev, ev->data.sequence_start.anchor,
					ev->data.sequence_start.tag,
					ev->data.sequence_start.implicit);
		else
			r = check_props(b, ev, ev->data.mapping_start.anchor,
					ev->data.mapping_start.tag,
					ev->data.mapping_start.implicit);
		if (r < 0)
			return r;
		if (b->depth >= RC_DEPTH_MAX) {
			berr(b, &ev->start_mark, 1, "yaml-too-deep",
			     "policies need far less nesting; check the indentation",
			     "nesting deeper than 32 levels");
			return -EINVAL;
		}
		n = new_node(b, ev->type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP, ev);
		if (!n)
			return -errno;
		if ((r = attach(b, n, ev)) < 0) {
			ynode_free(n);
			return r;
		}
		b->stack[b->depth++] = n;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		b->depth--;
		return 0;
	default:
		return 0;
	}
}

int ysrc_parse(const char *path, const char *buf, size_t len, struct rc_diags *d, struct ysrc **ret)
{
	struct builder b = { .d = d };
	yaml_parser_t parser;
	struct ysrc *s;
	bool done = false;
	int r = 0;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->path = strdup(path);
	s->buf = malloc(len + 1);
	if (!s->path || !s->buf) {
		ysrc_free(s);
		return -ENOMEM;
	}
	memcpy(s->buf, buf, len);
	s->buf[len] = '\0';
	s->len = len;
	b.src = s;

	if (len > RC_FILE_MAX) {
		struct rc_loc loc = ynode_loc(s, NULL);

		rc_diag(d, RC_ERROR, "file-too-large", &loc,
			"split the policies over several files",
			"file is %zu bytes, the limit is %u", len, RC_FILE_MAX);
		ysrc_free(s);
		return -EINVAL;
	}
	if (!yaml_parser_initialize(&parser)) {
		ysrc_free(s);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)s->buf, len);
	while (!done && r == 0) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&parser, &ev)) {
			struct rc_loc loc = ynode_loc(s, NULL);
			const char *what = parser.error == YAML_READER_ERROR ? "invalid input"
									     : "YAML syntax error";

			if (parser.error == YAML_MEMORY_ERROR) {
				r = -ENOMEM;
				break;
			}
			if (parser.error == YAML_READER_ERROR) {
				offset_pos(s, parser.problem_offset, &loc.line, &loc.col);
			} else {
				loc.line = (uint32_t)parser.problem_mark.line + 1;
				loc.col = (uint32_t)parser.problem_mark.column + 1;
			}
			loc.span = 1;
			rc_diag(d, RC_ERROR,
				parser.error == YAML_READER_ERROR ? "yaml-encoding" : "yaml-syntax",
				&loc,
				parser.error == YAML_READER_ERROR
					? "policy files are UTF-8 text without control characters"
					: (parser.context ? parser.context
							  : "check indentation and quoting"),
				"%s: %s", what, parser.problem ? parser.problem : "unknown error");
			r = -EINVAL;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT)
			done = true;
		r = handle(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (r == 0 && s->n_docs == 0) {
		struct rc_loc loc = ynode_loc(s, NULL);

		loc.line = 1;
		loc.col = 1;
		rc_diag(d, RC_ERROR, "empty-file", &loc,
			"a policy file holds documents starting with 'apiVersion: ward.dev/v1'",
			"file contains no YAML document");
		r = -EINVAL;
	}
	if (r < 0) {
		/* a half-built tree may be on the stack already attached to docs */
		ysrc_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

int ysrc_load_file(const char *path, struct rc_diags *d, struct ysrc **ret)
{
	struct rc_loc loc = { .file = path };
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		rc_diag(d, RC_ERROR, "io", &loc, "check the path and its permissions",
			"cannot open: %s", strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		rc_diag(d, RC_ERROR, "io", &loc, "give a regular file or a directory",
			"not a regular file");
		goto out_close;
	}
	if ((uint64_t)st.st_size > RC_FILE_MAX) {
		r = -EINVAL;
		rc_diag(d, RC_ERROR, "file-too-large", &loc,
			"split the policies over several files", "file is larger than %u bytes",
			RC_FILE_MAX);
		goto out_close;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out_close;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			goto out_free;
		}
		got += (size_t)n;
	}
	r = ysrc_parse(path, buf, got, d, ret);
out_free:
	free(buf);
out_close:
	close(fd);
	if (r < 0 && r != -EINVAL && r != -ENOMEM)
		rc_diag(d, RC_ERROR, "io", &loc, "check the file", "cannot read: %s", strerror(-r));
	return r;
}
