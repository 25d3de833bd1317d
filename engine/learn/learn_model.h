/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward learn: which containers are learned, and how the kernel's records
 * become profile entries (learn_model.c, no BPF, unit-tested); the session
 * that loads the programs and runs the loop is learn.c. No printing.
 */
#ifndef WARD_LEARN_MODEL_H
#define WARD_LEARN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attribution/container.h"
#include "ward/learn.h"
#include "profile/profile.h"
#include "ward/tcp.h"

/* --container and --image: which containers are learned together. */
struct learn_sel {
	char **names; /* a name, an id, an id prefix (>= 4 characters) or a name glob */
	size_t n_names;
	char **images; /* image globs */
	size_t n_images;
};

int learn_sel_add(struct learn_sel *s, bool image, const char *pattern);
void learn_sel_clear(struct learn_sel *s);
/* A container (never the host) matching any name pattern or image glob. */
bool learn_sel_matches(const struct learn_sel *s, const struct container_info *ci);

/* The path a process named: name when absolute, base when name is empty,
 * else base/name; "//", "." and ".." resolved lexically. 0, or -EINVAL (not
 * absolute), -ENAMETOOLONG (does not fit size). */
int learn_path_resolve(const char *base, size_t base_len, const char *name, size_t name_len,
		       char *out, size_t size);

/* Why a record added nothing to the profile: what the learn_apply_*() calls
 * return for a record they skipped (the session counts them per reason). */
enum learn_skip {
	LEARN_SKIP_PATH = 1,  /* no path a policy can hold: truncated, too long, unresolved */
	LEARN_SKIP_PORT0 = 2, /* a bind or connect to port 0: the kernel picks the port */
};

/* One record of learn.bpf.c into the profile (not LEARN_EV_EXEC, whose
 * parent the session knows). Returns 0, an enum learn_skip when it adds
 * nothing a policy can hold, -EPROTO for a record this build does not know,
 * -ENOMEM. */
int learn_apply_event(struct profile *p, const struct ward_learn_event *e);
/* A LEARN_EV_EXEC record's interpreter and script as absolute paths (size
 * bytes each): 0, 1 when one is unknown or too long, -EPROTO. */
int learn_exec_paths(const struct ward_learn_event *e, char *interp, char *script, size_t size);
/* A TCP connect of the tcp tracker; accepts, closes and failed connects add
 * nothing (0). */
int learn_apply_tcp(struct profile *p, const struct ward_tcp_event *e);

/* What a learned profile holds besides what was seen (docs/profiles.md,
 * "Why a syscall is in a profile"), added with count 0: the syscalls no
 * process can do without and what runc calls between installing a seccomp
 * filter and executing the entrypoint (a learning run without a filter cannot
 * see them, a profile without them cannot start); the rare-path safety set
 * (calls without which a workload hangs on a path the run did not take); and
 * the family of each seen call (what a libc picks between at run time). */
int learn_add_essentials(struct profile *p);

enum learn_why {
	LEARN_WHY_SEEN,
	LEARN_WHY_ESSENTIAL,
	LEARN_WHY_RARE_PATH,
	LEARN_WHY_FAMILY,
	LEARN_WHY_LISTED,
};
/* Why syscall s is in p, as enum learn_why, with the reason in words in buf. */
int learn_syscall_reason(const struct profile *p, const struct prof_syscall *s, char *buf,
			 size_t size);

/* "runc 1.1.5": what `RUNTIME --version` says (runc, crun), for the stamps.
 * -EOPNOTSUPP for runtimes with no binary to ask, -errno otherwise. */
int learn_runtime_version(const char *runtime, char *buf, size_t size);

/* Entries a profile holds (syscalls, binaries and their parents, files by
 * access kind, endpoints, capabilities): what "new items" counts. */
size_t learn_profile_items(const struct profile *p);

#endif
