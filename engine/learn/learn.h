/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The session of `ward learn` (learn.c; its options and help:
 * engine/cmd/learn.c): the learning programs loaded and attached, the
 * matching containers' records into one profile, the profile written. It
 * says what it does and what fails (cli_info(), cli_error()), never usage or
 * help.
 */
#ifndef WARD_LEARN_SESSION_H
#define WARD_LEARN_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "learn/learn_model.h"

#define LEARN_NAME_MAX		 54 /* a profile's name: rulesc's 63, less ".observed" */
#define LEARN_DEFAULT_CONVERGE_S 60
#define LEARN_DEFAULT_THRESHOLD	 3

struct learn_opts {
	struct learn_sel sel;
	int64_t duration_s; /* 0: until SIGINT/SIGTERM */
	int64_t converge_s;
	long threshold;
	const char *output;
	const char *name;
	const char *mode;
	const char *posture;
	bool from_start; /* refuse a container that was running before learning began */
	bool verbose;	 /* -v: libbpf's debug messages */
};

/* in as a name rulesc accepts (at most LEARN_NAME_MAX of a-z, 0-9 and '-',
 * '.', '_' inside; '*' becomes '-') into out, size bytes. */
void learn_sanitize_name(const char *in, char *out, size_t size);

/* Learns what o says until o->duration_s, SIGINT or SIGTERM, and writes the
 * profile to o->output. 0, or -errno once said (-EEXIST: --from-start
 * refused a running container). */
int learn_run(const struct learn_opts *o);

#endif
