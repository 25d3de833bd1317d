/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnostics: the one error type of rulesc and of the engine's library code
 * (docs/architecture.md, "Errors"). Each error or warning carries a stable
 * code, a message, a hint and, when there is one, its location: file:line:column,
 * the offending source line and a caret span; file only (line 0) when the whole
 * file is meant; no location at all (file "") for what is no file's fault (the
 * kernel refused, a map could not be read). A function that can fail takes a
 * `struct rc_diags *d` and adds its failure detail there beside returning
 * -errno; it never prints. The CLI prints them: cli_print_diags() (rulesc/
 * include/cli.h), or cli_diags_line() where one line is said.
 *
 * Leaf parsers (rc_glob_check(), rc_cidr_parse(), ward_bundle_open(),
 * ward_bundle_verify(), ...) know no location: they return a static reason
 * (`const char **ret_why`), and whoever knows the location makes it a
 * diagnostic with rc_diag().
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
/* Move from's diagnostics to the end of d (from is left empty); on ENOMEM
 * d->oom is set, as by rc_diag(). */
void rc_diags_move(struct rc_diags *d, struct rc_diags *from);
/* Sort by file, line, column (stable) for reproducible output. */
void rc_diags_sort(struct rc_diags *d);

/* Closest candidate within edit distance 2, or NULL. */
const char *rc_suggest(const char *word, const char *const *candidates, size_t n);

#endif
