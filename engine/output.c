// SPDX-License-Identifier: Apache-2.0
/* Rendering of tracker rows as table, JSON lines (jansson) or CSV. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "output.h"

#define SCHEMA_VERSION 1

struct out {
	FILE *f;
	enum out_format fmt;
	const char *tracker;
	const struct out_col *cols;
	size_t n_cols;
	bool need_header;
	bool wrote; /* anything written yet */
};

/* The out that last wrote a table to a stream: when several trackers share
 * stdout (ward server), a header is repeated whenever the writer changes. */
static const struct out *last_table_writer;

const char *const out_format_names[] = {
	[OUT_TABLE] = "table", [OUT_JSON] = "json", [OUT_CSV] = "csv", [OUT_CSV + 1] = NULL
};

struct out *out_new(FILE *f, enum out_format fmt, const char *tracker, const struct out_col *cols,
		    size_t n_cols)
{
	struct out *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->f = f;
	o->fmt = fmt;
	o->tracker = tracker;
	o->cols = cols;
	o->n_cols = n_cols;
	o->need_header = fmt != OUT_JSON;
	return o;
}

void out_free(struct out *o)
{
	if (!o)
		return;
	if (last_table_writer == o)
		last_table_writer = NULL;
	free(o);
}

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

static json_t *container_json(const struct container_info *ci)
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

static int row_json(struct out *o, const union out_val *vals, uint64_t present)
{
	json_t *obj = json_object(), *arr;
	char tbuf[64];
	int r = 0;

	if (!obj)
		return -ENOMEM;
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
			json_object_set_new(obj, "container", container_json(v->c));
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
	if (r == 0 && json_dumpf(obj, o->f, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0)
		fputc('\n', o->f);
	else if (r == 0)
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

static bool col_shown(const struct out *o, const struct out_col *col)
{
	if (o->fmt == OUT_TABLE)
		return !(col->flags & OUT_F_NO_TABLE);
	return !(col->flags & OUT_F_TABLE_ONLY);
}

static void header(struct out *o)
{
	bool first = true;
	size_t last = 0;

	for (size_t i = 0; i < o->n_cols; i++)
		if (col_shown(o, &o->cols[i]))
			last = i;
	for (size_t i = 0; i < o->n_cols; i++) {
		const struct out_col *col = &o->cols[i];

		if (!col_shown(o, col))
			continue;
		if (!first)
			fputc(o->fmt == OUT_CSV ? ',' : ' ', o->f);
		first = false;
		if (o->fmt == OUT_CSV)
			fputs(col->type == OUT_CONTAINER ? "container_name,cgroup_id" : col->name,
			      o->f);
		else
			put_table_str(o->f, col->name, col->width, col->flags & OUT_F_RIGHT,
				      i == last);
	}
	fputc('\n', o->f);
}

static void row_text(struct out *o, const union out_val *vals, uint64_t present)
{
	char buf[4096];
	bool first = true;
	size_t last = 0;

	if (o->need_header || (o->fmt == OUT_TABLE && last_table_writer != o)) {
		header(o);
		o->need_header = false;
	}
	if (o->fmt == OUT_TABLE)
		last_table_writer = o;
	for (size_t i = 0; i < o->n_cols; i++)
		if (col_shown(o, &o->cols[i]))
			last = i;
	for (size_t i = 0; i < o->n_cols; i++) {
		const struct out_col *col = &o->cols[i];
		const union out_val *v = &vals[i];
		const char *s = buf;

		if (!col_shown(o, col))
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
			format_time(v->u, o->fmt == OUT_CSV, buf, sizeof(buf));
			break;
		case OUT_CONTAINER:
			s = container_display_name(v->c);
			break;
		case OUT_STRV:
			strv_join(v->v, buf, sizeof(buf));
			break;
		}
		if (!first)
			fputc(o->fmt == OUT_CSV ? ',' : ' ', o->f);
		first = false;
		if (o->fmt == OUT_CSV) {
			put_csv_str(o->f, s);
			if (col->type == OUT_CONTAINER && (present & (1ULL << i)))
				fprintf(o->f, ",%llu", (unsigned long long)v->c->cgroup_id);
		} else {
			put_table_str(o->f, s, col->width, col->flags & OUT_F_RIGHT, i == last);
		}
	}
	fputc('\n', o->f);
}

int out_row(struct out *o, const union out_val *vals, uint64_t present)
{
	int r = 0;

	if (o->fmt == OUT_JSON)
		r = row_json(o, vals, present);
	else
		row_text(o, vals, present);
	o->wrote = true;
	if (fflush(o->f) != 0 || ferror(o->f))
		return -EIO;
	return r;
}

void out_interval(struct out *o)
{
	if (o->fmt != OUT_TABLE || !o->wrote)
		return;
	fputc('\n', o->f);
	o->need_header = true;
}
