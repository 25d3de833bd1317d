/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Load every BPF program ward ships (trackers, learning, enforcement), each
 * alone, and read what the verifier said: loaded or not, and the
 * instructions it processed (bpf_prog_info.verified_insns). `ward doctor`
 * reports it; the verifier-budget tests hold it against PROGCHECK_BUDGET on
 * every kernel of the test matrix (docs/enforcement.md). Nothing here prints.
 */
#ifndef WARD_PROGCHECK_H
#define WARD_PROGCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 20 % of the verifier's 1,000,000-instruction limit: only a wide margin
 * holds across kernel builds (docs/enforcement.md, "Verifier budget"). */
#define PROGCHECK_BUDGET 200000u

enum progcheck_status {
	PROGCHECK_OK,	       /* verified and loaded */
	PROGCHECK_UNSUPPORTED, /* the kernel refuses the program type before verifying it */
	PROGCHECK_FAILED,      /* the verifier rejected it */
};

struct progcheck {
	const char *object; /* "exec", "files", ... (static) */
	char program[64];
	char section[64];
	enum progcheck_status status;
	int err; /* -errno of a failed load */
	uint32_t verified_insns;
	char detail[256]; /* the verifier's last line and statistics, or why unsupported */
};

/* Every program of every object, in a malloc'd array. 0 or -errno. */
int progcheck_all(struct progcheck **ret, size_t *ret_n);

const char *progcheck_status_name(enum progcheck_status s);

#endif
