/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnostics: every error and warning carries file:line:column, the
 * offending source line, a caret span and a hint. The library only collects
 * them; the CLI prints (text or JSON).
 * Public, through rulesc.h.
 */
#ifndef RULESC_DIAG_H
#define RULESC_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum rc_severity { RC_WARNING, RC_ERROR };

struct rc_diag {
	enum rc_severity severity;
	const char *code; /* stable identifier, e.g. "unknown-key" (static string) */
	char *file;
	uint32_t line, col; /* 1-based; 0 when the whole file is meant */
	uint32_t span;	    /* caret length, >= 1 */
	char *text;	    /* the offending source line, "" if none */
	char *message;
	char *hint; /* "" if none */
	size_t seq; /* insertion order, keeps sorting stable */
};

struct rc_diags {
	struct rc_diag *v;
	size_t n, cap;
	size_t n_errors, n_warnings;
	int oom; /* -ENOMEM once an allocation failed; diagnostics may be missing */
};

/* Where something is in the input; src_line is the text of that line. */
struct rc_loc {
	const char *file;
	const char *src; /* whole file buffer or NULL */
	size_t src_len;
	uint32_t line, col;
	uint32_t span;
};

void rc_diags_init(struct rc_diags *d);
void rc_diags_free(struct rc_diags *d);
/* Never fails visibly: on ENOMEM it counts the diagnostic and sets d->oom. */
void rc_diag(struct rc_diags *d, enum rc_severity sev, const char *code, const struct rc_loc *loc,
	     const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void rc_vdiag(struct rc_diags *d, enum rc_severity sev, const char *code, const struct rc_loc *loc,
	      const char *hint, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
/* Sort by file, line, column (stable) for reproducible output. */
void rc_diags_sort(struct rc_diags *d);

/* Closest candidate within edit distance 2, or NULL. */
const char *rc_suggest(const char *word, const char *const *candidates, size_t n);

#endif
