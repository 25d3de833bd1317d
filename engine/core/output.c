// SPDX-License-Identifier: Apache-2.0
/* Rendering of tracker rows as table, JSON lines (jansson) or CSV. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "output.h"
#include "sink.h"

#define SCHEMA_VERSION 1

/* What a stream keeps per channel. */
struct chan_state {
	uint64_t id;
	bool need_header;
	bool wrote; /* anything written yet */
};

/* The table / JSON lines / CSV writer: a sink on one FILE. */
struct stream {
	struct sink base;
	FILE *f;
	bool own; /* fclose(f) when closed */
	enum out_format fmt;
	/* The channel that last wrote a table: when several trackers share the
	 * stream (ward server), a header is repeated whenever the writer changes. */
	uint64_t last_table_writer;
	struct chan_state *chans;
	size_t n_chans;
	/* a file of ours (sink_file_add()): reopened on SIGHUP, rotated by size */
	char *path;
	uint64_t max_size; /* 0: never rotated */
	unsigned int keep;
};

const char *const out_format_names[] = {
	[OUT_TABLE] = "table", [OUT_JSON] = "json", [OUT_CSV] = "csv", [OUT_CSV + 1] = NULL
};

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong, surrogate or beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

char *out_utf8_sanitize(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char *buf = malloc(len * 3 + 1), *w = buf;

	if (!buf)
		return NULL;
	for (size_t i = 0; i < len && p[i];) {
		size_t n = utf8_seq_len(p + i, len - i);

		if (n) {
			memcpy(w, p + i, n);
			w += n;
			i += n;
		} else {
			memcpy(w, "\xef\xbf\xbd", 3); /* U+FFFD */
			w += 3;
			i++;
		}
	}
	*w = '\0';
	return buf;
}

static int json_set_str(json_t *obj, const char *key, const char *s)
{
	char *clean = out_utf8_sanitize(s, strlen(s));
	int r;

	if (!clean)
		return -ENOMEM;
	r = json_object_set_new(obj, key, json_string(clean));
	free(clean);
	return r ? -ENOMEM : 0;
}

json_t *out_container_json(const struct container_info *ci)
{
	json_t *c = json_object(), *labels, *k8s;

	if (!c)
		return NULL;
	json_object_set_new(c, "host", json_boolean(ci->host));
	if (ci->host)
		return c;
	json_set_str(c, "id", ci->id);
	json_set_str(c, "name", ci->name);
	json_set_str(c, "image", ci->image);
	json_set_str(c, "runtime", ci->runtime);
	labels = json_object();
	for (size_t i = 0; labels && i < ci->n_labels; i++)
		json_set_str(labels, ci->labels[i].key, ci->labels[i].value);
	json_object_set_new(c, "labels", labels);
	if (ci->k8s_pod[0] || ci->k8s_namespace[0] || ci->k8s_container[0]) {
		k8s = json_object();
		json_set_str(k8s, "pod", ci->k8s_pod);
		json_set_str(k8s, "namespace", ci->k8s_namespace);
		json_set_str(k8s, "container", ci->k8s_container);
		json_set_str(k8s, "pod_uid", ci->k8s_pod_uid);
		labels = json_object();
		for (size_t i = 0; labels && i < ci->n_k8s_labels; i++)
			json_set_str(labels, ci->k8s_labels[i].key, ci->k8s_labels[i].value);
		json_object_set_new(k8s, "labels", labels);
		json_object_set_new(c, "kubernetes", k8s);
	}
	return c;
}

static void format_time(uint64_t ns, bool rfc3339, char *buf, size_t size)
{
	time_t sec = ns / 1000000000ULL;
	struct tm tm;

	if (rfc3339) {
		gmtime_r(&sec, &tm);
		size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf + n, size - n, ".%06lluZ",
			 (unsigned long long)(ns % 1000000000ULL / 1000));
	} else {
		localtime_r(&sec, &tm);
		strftime(buf, size, "%H:%M:%S", &tm);
	}
}

json_t *out_row_json(const struct out *o, const union out_val *vals, uint64_t present)
{
	json_t *obj = json_object(), *arr;
	char tbuf[64];
	int r = 0;

	if (!obj)
		return NULL;
	json_object_set_new(obj, "schema", json_integer(SCHEMA_VERSION));
	json_object_set_new(obj, "tracker", json_string(o->tracker));
	for (size_t i = 0; i < o->n_cols && r == 0; i++) {
		const struct out_col *col = &o->cols[i];
		const union out_val *v = &vals[i];

		if ((col->flags & OUT_F_TABLE_ONLY) || !(present & (1ULL << i)))
			continue;
		switch (col->type) {
		case OUT_STR:
			r = json_set_str(obj, col->name, v->s ? v->s : "");
			break;
		case OUT_U64:
			json_object_set_new(obj, col->name, json_integer((json_int_t)v->u));
			break;
		case OUT_S64:
			json_object_set_new(obj, col->name, json_integer(v->i));
			break;
		case OUT_BOOL:
			json_object_set_new(obj, col->name, json_boolean(v->u));
			break;
		case OUT_TIME:
			format_time(v->u, true, tbuf, sizeof(tbuf));
			json_object_set_new(obj, col->name, json_string(tbuf));
			break;
		case OUT_CONTAINER:
			json_object_set_new(obj, "cgroup_id",
					    json_integer((json_int_t)v->c->cgroup_id));
			json_object_set_new(obj, "container", out_container_json(v->c));
			break;
		case OUT_STRV:
			arr = json_array();
			for (size_t j = 0; arr && v->v && v->v[j]; j++) {
				char *clean = out_utf8_sanitize(v->v[j], strlen(v->v[j]));

				if (clean)
					json_array_append_new(arr, json_string(clean));
				free(clean);
			}
			json_object_set_new(obj, col->name, arr);
			break;
		}
	}
	if (r) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static int row_json(struct stream *st, const struct out *o, const union out_val *vals,
		    uint64_t present)
{
	json_t *obj = out_row_json(o, vals, present);
	int r = 0;

	if (!obj)
		return -ENOMEM;
	if (json_dumpf(obj, st->f, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0)
		fputc('\n', st->f);
	else
		r = -EIO;
	json_decref(obj);
	return r;
}

/* Table cells: control characters would let a traced process forge lines or
 * drive the operator's terminal, so they are shown as '?'. */
static void put_table_str(FILE *f, const char *s, int width, bool right, bool last)
{
	size_t len = strlen(s);
	int pad = width > (int)len ? width - (int)len : 0;

	if (right && !last)
		fprintf(f, "%*s", pad, "");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, f);
	if (!right && !last)
		fprintf(f, "%*s", pad, "");
}

static void put_csv_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void strv_join(const char *const *v, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t j = 0; v && v[j] && n + 1 < size; j++) {
		int w = snprintf(buf + n, size - n, "%s%s", j ? " " : "", v[j]);

		if (w < 0)
			break;
		n += (size_t)w;
	}
}

static bool col_shown(enum out_format fmt, const struct out_col *col)
{
	if (fmt == OUT_TABLE)
		return !(col->flags & OUT_F_NO_TABLE);
	return !(col->flags & OUT_F_TABLE_ONLY);
}

static void header(struct stream *st, const struct out *o)
{
	bool first = true;
	size_t last = 0;

	for (size_t i = 0; i < o->n_cols; i++)
		if (col_shown(st->fmt, &o->cols[i]))
			last = i;
	for (size_t i = 0; i < o->n_cols; i++) {
		const struct out_col *col = &o->cols[i];

		if (!col_shown(st->fmt, col))
			continue;
		if (!first)
			fputc(st->fmt == OUT_CSV ? ',' : ' ', st->f);
		first = false;
		if (st->fmt == OUT_CSV)
			fputs(col->type == OUT_CONTAINER ? "container_name,cgroup_id" : col->name,
			      st->f);
		else
			put_table_str(st->f, col->name, col->width, col->flags & OUT_F_RIGHT,
				      i == last);
	}
	fputc('\n', st->f);
}

static void row_text(struct stream *st, struct chan_state *cs, const struct out *o,
		     const union out_val *vals, uint64_t present)
{
	char buf[4096];
	bool first = true;
	size_t last = 0;

	if (cs->need_header || (st->fmt == OUT_TABLE && st->last_table_writer != o->id)) {
		header(st, o);
		cs->need_header = false;
	}
	if (st->fmt == OUT_TABLE)
		st->last_table_writer = o->id;
	for (size_t i = 0; i < o->n_cols; i++)
		if (col_shown(st->fmt, &o->cols[i]))
			last = i;
	for (size_t i = 0; i < o->n_cols; i++) {
		const struct out_col *col = &o->cols[i];
		const union out_val *v = &vals[i];
		const char *s = buf;

		if (!col_shown(st->fmt, col))
			continue;
		buf[0] = '\0';
		switch (present & (1ULL << i) ? col->type : OUT_STR) {
		case OUT_STR:
			s = (present & (1ULL << i)) && v->s ? v->s : "";
			break;
		case OUT_U64:
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v->u);
			break;
		case OUT_S64:
			snprintf(buf, sizeof(buf), "%lld", (long long)v->i);
			break;
		case OUT_BOOL:
			s = v->u ? "true" : "false";
			break;
		case OUT_TIME:
			format_time(v->u, st->fmt == OUT_CSV, buf, sizeof(buf));
			break;
		case OUT_CONTAINER:
			s = container_display_name(v->c);
			break;
		case OUT_STRV:
			strv_join(v->v, buf, sizeof(buf));
			break;
		}
		if (!first)
			fputc(st->fmt == OUT_CSV ? ',' : ' ', st->f);
		first = false;
		if (st->fmt == OUT_CSV) {
			put_csv_str(st->f, s);
			if (col->type == OUT_CONTAINER && (present & (1ULL << i)))
				fprintf(st->f, ",%llu", (unsigned long long)v->c->cgroup_id);
		} else {
			put_table_str(st->f, s, col->width, col->flags & OUT_F_RIGHT, i == last);
		}
	}
	fputc('\n', st->f);
}

/* The stream's state of channel ch, made on its first row; NULL: no memory. */
static struct chan_state *chan_state(struct stream *st, const struct out *ch)
{
	struct chan_state *grown;

	for (size_t i = 0; i < st->n_chans; i++)
		if (st->chans[i].id == ch->id)
			return &st->chans[i];
	grown = realloc(st->chans, (st->n_chans + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	st->chans = grown;
	grown[st->n_chans] =
		(struct chan_state){ .id = ch->id, .need_header = st->fmt != OUT_JSON };
	return &grown[st->n_chans++];
}

/* A new file begins: every channel writes its header again. */
static void restart(struct stream *st)
{
	st->last_table_writer = 0;
	for (size_t i = 0; i < st->n_chans; i++)
		st->chans[i].need_header = st->fmt != OUT_JSON;
}

/* Open path for writing, appending (a file logrotate left or made) or from
 * empty. 0 or -errno (the stream then has no file until the next reopen). */
static int open_path(struct stream *st, bool append)
{
	st->f = fopen(st->path, append ? "ae" : "we");
	if (!st->f)
		return -errno;
	restart(st);
	return 0;
}

/* PATH -> PATH.1 -> ... -> PATH.keep (dropped), then a new PATH. */
static int rotate(struct stream *st)
{
	size_t len = strlen(st->path) + 16;
	char *from = malloc(len), *to = malloc(len);
	int err = 0;

	if (!from || !to) {
		err = -ENOMEM;
		goto out;
	}
	if (fclose(st->f) != 0)
		err = -errno;
	st->f = NULL;
	for (unsigned int k = st->keep; k >= 1 && !err; k--) {
		(void)snprintf(to, len, "%s.%u", st->path, k);
		if (k > 1)
			(void)snprintf(from, len, "%s.%u", st->path, k - 1);
		else
			(void)snprintf(from, len, "%s", st->path);
		if (rename(from, to) < 0 && errno != ENOENT)
			err = -errno;
	}
	if (!err)
		err = open_path(st, false);
out:
	free(from);
	free(to);
	return err;
}

static int stream_reopen(struct sink *s)
{
	struct stream *st = (struct stream *)s;
	int err = 0;

	if (!st->path)
		return 0;
	if (st->f && fclose(st->f) != 0)
		err = -errno;
	return open_path(st, true) ?: err;
}

static int stream_row(struct sink *s, const struct out *ch, const union out_val *vals,
		      uint64_t present)
{
	struct stream *st = (struct stream *)s;
	struct chan_state *cs = chan_state(st, ch);
	int r = 0;

	if (!cs)
		return -ENOMEM;
	if (!st->f) /* a rotation or reopen failed: the next reopen may do */
		return -EBADF;
	if (st->fmt == OUT_JSON)
		r = row_json(st, ch, vals, present);
	else
		row_text(st, cs, ch, vals, present);
	cs->wrote = true;
	if (fflush(st->f) != 0 || ferror(st->f))
		return -EIO;
	if (!r && st->max_size && (uint64_t)ftell(st->f) >= st->max_size)
		r = rotate(st);
	return r;
}

static void stream_interval(struct sink *s, const struct out *ch)
{
	struct stream *st = (struct stream *)s;
	struct chan_state *cs;

	if (st->fmt != OUT_TABLE || !st->f)
		return;
	cs = chan_state(st, ch);
	if (!cs || !cs->wrote)
		return;
	fputc('\n', st->f);
	cs->need_header = true;
}

static int stream_flush(struct sink *s)
{
	struct stream *st = (struct stream *)s;

	if (!st->f)
		return st->path ? -EBADF : 0;
	return fflush(st->f) != 0 || ferror(st->f) ? -EIO : 0;
}

static int stream_close(struct sink *s)
{
	struct stream *st = (struct stream *)s;
	int err = stream_flush(s);

	if (st->own && st->f && fclose(st->f) != 0 && !err)
		err = -errno;
	free(st->chans);
	free(st->path);
	free(st);
	return err;
}

static const struct sink_ops stream_ops = {
	.row = stream_row,
	.interval = stream_interval,
	.flush = stream_flush,
	.close = stream_close,
	.reopen = stream_reopen,
};

int sink_stream_add(struct sinks *set, FILE *f, const char *name, enum out_format fmt, bool own)
{
	struct stream *st = calloc(1, sizeof(*st));

	if (!st) {
		if (own)
			fclose(f);
		return -ENOMEM;
	}
	st->base.ops = &stream_ops;
	st->base.name = name;
	st->base.kind = f == stdout ? "stdout" : "file";
	st->f = f;
	st->own = own;
	st->fmt = fmt;
	return sinks_add(set, &st->base);
}

int sink_file_add(struct sinks *set, const char *path, enum out_format fmt,
		  const struct file_opts *o)
{
	struct stream *st = calloc(1, sizeof(*st));
	int err = -ENOMEM;

	if (!st)
		return -ENOMEM;
	st->base.ops = &stream_ops;
	st->base.kind = "file";
	st->own = true;
	st->fmt = fmt;
	st->max_size = o->max_size;
	st->keep = o->keep ? o->keep : 1;
	st->path = strdup(path);
	if (!st->path)
		goto out_free;
	st->base.name = st->path;
	err = open_path(st, o->append);
	if (err)
		goto out_free;
	return sinks_add(set, &st->base);
out_free:
	free(st->path);
	free(st);
	return err;
}
