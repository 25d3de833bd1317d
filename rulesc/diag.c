// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulesc/diag.h"
#include "match.h"

void rc_diags_init(struct rc_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void rc_diags_free(struct rc_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].text);
		free(d->v[i].message);
		free(d->v[i].hint);
	}
	free(d->v);
	rc_diags_init(d);
}

/* Replace bytes that are not valid UTF-8 with '?' so the text is safe for JSON. */
static void utf8_sanitize(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		size_t n = *p < 0x80	     ? 1
			   : (*p >> 5) == 6  ? 2
			   : (*p >> 4) == 14 ? 3
			   : (*p >> 3) == 30 ? 4
					     : 0;
		size_t i;

		for (i = 1; i < n && (p[i] & 0xc0) == 0x80; i++)
			;
		if (n == 0 || i < n || (n == 2 && *p < 0xc2)) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
}

static char *line_text(const struct rc_loc *loc)
{
	const char *p, *end, *lim;
	uint32_t line = 1;

	if (!loc || !loc->src || loc->line == 0)
		return strdup("");
	p = loc->src;
	lim = loc->src + loc->src_len;
	while (p < lim && line < loc->line) {
		const char *nl = memchr(p, '\n', (size_t)(lim - p));

		if (!nl)
			return strdup("");
		p = nl + 1;
		line++;
	}
	end = p;
	while (end < lim && *end != '\n' && *end != '\r' && end - p < 200)
		end++;
	return strndup(p, (size_t)(end - p));
}

void rc_diag(struct rc_diags *d, enum rc_severity sev, const char *code, const struct rc_loc *loc,
	     const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc_vdiag(d, sev, code, loc, hint, fmt, ap);
	va_end(ap);
}

void rc_vdiag(struct rc_diags *d, enum rc_severity sev, const char *code, const struct rc_loc *loc,
	      const char *hint, const char *fmt, va_list ap)
{
	struct rc_diag g = { .severity = sev, .code = code };

	if (sev == RC_ERROR)
		d->n_errors++;
	else
		d->n_warnings++;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct rc_diag *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			goto out_oom;
		d->v = v;
		d->cap = cap;
	}
	if (vasprintf(&g.message, fmt, ap) < 0)
		g.message = NULL;
	g.file = strdup(loc && loc->file ? loc->file : "");
	g.text = line_text(loc);
	g.hint = strdup(hint ? hint : "");
	if (loc) {
		g.line = loc->line;
		g.col = loc->col;
		g.span = loc->span ? loc->span : 1;
	}
	if (g.message && g.file && g.text && g.hint) {
		utf8_sanitize(g.message);
		utf8_sanitize(g.file);
		utf8_sanitize(g.text);
		utf8_sanitize(g.hint);
	} else {
		free(g.message);
		free(g.file);
		free(g.text);
		free(g.hint);
		goto out_oom;
	}
	g.seq = d->n;
	d->v[d->n++] = g;
	return;
out_oom:
	d->oom = -ENOMEM;
}

static int diag_cmp(const void *a, const void *b)
{
	const struct rc_diag *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void rc_diags_move(struct rc_diags *d, struct rc_diags *from)
{
	d->n_errors += from->n_errors;
	d->n_warnings += from->n_warnings;
	if (from->oom)
		d->oom = from->oom;
	if (from->n && d->cap - d->n < from->n) {
		size_t cap = d->n + from->n;
		struct rc_diag *v = realloc(d->v, cap * sizeof(*v));

		if (!v) {
			d->oom = -ENOMEM;
			from->n_errors = from->n_warnings = 0; /* counted in d */
			rc_diags_free(from);
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	for (size_t i = 0; i < from->n; i++) {
		d->v[d->n] = from->v[i];
		d->v[d->n].seq = d->n;
		d->n++;
	}
	free(from->v);
	rc_diags_init(from);
}

void rc_diags_sort(struct rc_diags *d)
{
	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
}

const char *rc_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	unsigned best_d = 3;

	for (size_t i = 0; i < n; i++) {
		unsigned dist = rc_edit_distance(word, candidates[i]);

		if (dist < best_d) {
			best_d = dist;
			best = candidates[i];
		}
	}
	return best;
}
