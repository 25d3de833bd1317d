/* SPDX-License-Identifier: Apache-2.0 */
/*
 * librulesc: load and check policies, compile them into a bundle, read
 * bundles back, evaluate events against the compiled tables (the same lookup
 * the kernel programs do), sign and verify bundles. No libbpf, no printing.
 *
 * The public interface: the engine includes this header and no other of the
 * compiler's (it is compiled with -Irulesc/include only, so the headers in
 * rulesc/ itself are out of its reach). It re-exports the topic headers of
 * rulesc/include/rulesc/:
 *   diag.h    diagnostics with file:line:column (the engine's own YAML files
 *             report the compiler's way)
 *   ytree.h   the YAML reader: a positioned tree, with the compiler's limits
 *   vocab.h   the words of the policy enums (actions, modes, classes, access)
 *   bundle.h  the bundle file and its validated read-only view
 *   match.h   paths, globs, CIDRs and port ranges as rules write them
 * A policy set (struct rc_set) is opaque: load it, analyze it, compile it.
 */
#ifndef RULESC_RULESC_H
#define RULESC_RULESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rulesc/bundle.h"
#include "rulesc/diag.h"
#include "rulesc/match.h"
#include "rulesc/vocab.h"
#include "rulesc/ytree.h"

struct rc_set;
struct rc_label;

/* ---- policy sets ------------------------------------------------------------ */

/* Read the files and directories (recursively, *.yaml and *.yml, sorted)
 * and build the model. Returns 0 with *ret even when diagnostics contain
 * errors (check d->n_errors); -ENOMEM otherwise. */
int rc_set_load(const char *const *paths, size_t n, struct rc_diags *d, struct rc_set **ret);
/* The same from one in-memory buffer (tests, fuzzing, a profile just written). */
int rc_set_load_buffer(const char *name, const char *buf, size_t len, struct rc_diags *d,
		       struct rc_set **ret);
void rc_set_free(struct rc_set *s);

/* Static analysis: shadowed rules, conflicting actions, no-op allows,
 * selectors that never match. Adds warnings only. */
void rc_analyze(const struct rc_set *s, struct rc_diags *d);

/* Compile a checked set into bundle bytes. Kernel-limit violations become
 * errors in d and the call returns -EINVAL (nothing returned); -ENOMEM.
 * Deterministic: the same set gives the same bytes. */
int rc_compile(const struct rc_set *s, struct rc_diags *d, uint8_t **ret_buf, size_t *ret_len);

/* Write buf to path atomically (temporary file in the same directory, then
 * rename), mode 0644. 0 or -errno. */
int rc_write_file(const char *path, const void *buf, size_t len);
/* Whether rc_write_file() can write path: a file of its temporary name made in
 * path's directory and removed again. 0, -EISDIR for a directory, or -errno. */
int rc_can_write_file(const char *path);
/* Read a whole file of at most max bytes. 0 or -errno (-EFBIG when larger). */
int rc_read_file(const char *path, size_t max, uint8_t **ret_buf, size_t *ret_len);

/* A duration in seconds: "90", "90s", "15m", "24h", "7d" or sums such as
 * "1h30m" (a profile's provenance, the CLI's duration options); -EINVAL. */
int rc_parse_duration(const char *s, int64_t *ret);
/* A size in bytes: "1048576", "512k", "100M", "1G" (binary units); -EINVAL. */
int rc_parse_size(const char *s, uint64_t *ret);

/* ---- events and evaluation ------------------------------------------------- */

enum rc_event_op {
	RC_EV_EXEC = 1,
	RC_EV_OPEN,
	RC_EV_CONNECT,
	RC_EV_BIND,
	RC_EV_UNIX_CONNECT,
	RC_EV_UNIX_BIND,
	RC_EV_SOCKET,
	RC_EV_CAP,
	RC_EV_SYSCALL,
	RC_EV_RENAME, /* path renamed, moved or mounted over (WARD_CLS_PROTECT) */
};

struct rc_event {
	enum rc_event_op op;
	const char *path;	   /* exec, open, unix sockets: absolute, normalised */
	const char *applet;	   /* exec: instead of path, the name a program runs as (argv[0]'s
			     * basename, or a multi-call binary's applet: docs/rules.md) */
	const char *parent;	   /* executable of the acting process, NULL if unknown */
	const char *parent_applet; /* exec, open: the name the acting process runs as (its
				    * applet), NULL if none */
	uint32_t access;	   /* open: one enum ward_access bit */
	bool stdio_socket;	   /* exec: standard input, output or error is a socket */
	bool terminal;		   /* exec: the program has a controlling terminal */
	uint8_t addr[16];	   /* connect/bind: IPv6 or IPv4-mapped */
	uint16_t port;
	uint32_t proto; /* enum ward_proto bit */
	uint32_t num;	/* socket kind, capability or syscall number */
};

struct rc_container {
	bool host;
	const char *name, *image;
	const char *const *label_keys, *const *label_values;
	size_t n_labels;
};

/* One policy's verdict. */
struct ward_match {
	uint32_t policy_id;
	uint32_t rule;	/* WARD_NONE: the policy's default decided */
	uint8_t action; /* enum ward_action (NONE: the class is not governed) */
	uint8_t mode;
	uint8_t effective; /* ALLOW, ALERT or BLOCK after the mode */
	uint16_t domain;   /* which table matched (rule != WARD_NONE) */
	uint16_t kind;
	uint32_t str_off; /* the matched object (string table), 0 if none */
	uint32_t cand;	  /* index of the deciding candidate, WARD_NONE if none */
	uint32_t cidr;	  /* index of the matched CIDR entry, WARD_NONE if none */
};

struct ward_decision {
	uint8_t effective; /* enum ward_action: the combined outcome */
	uint32_t decider;  /* index into m of the deciding policy, WARD_NONE if ungoverned */
	size_t n;
	struct ward_match m[WARD_MAX_POLICIES_PER_CGROUP];
};

/* Policy ids whose selector matches the container (its image normalised with
 * rc_image_normalize()), ascending. Returns the count, -E2BIG when more than
 * WARD_MAX_POLICIES_PER_CGROUP match, or -ENOMEM. */
int ward_bundle_select(const struct ward_bundle *b, const struct rc_container *c,
		       uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP]);

/* enum ward_cg_flags of a cgroup selected by the policies ids[0..n). */
uint32_t ward_bundle_cg_flags(const struct ward_bundle *b, const uint32_t *ids, size_t n);

/* Evaluate one event for the given policies. 0, or -EINVAL for a malformed
 * event (relative path, unknown op). */
int ward_eval(const struct ward_bundle *b, const uint32_t *ids, size_t n, const struct rc_event *ev,
	      struct ward_decision *ret);

/* Outcome of an action under a mode: block in audit mode is an alert. */
uint8_t ward_effective(uint8_t action, uint8_t mode);

/* ---- signatures (Ed25519) ----------------------------------------------------- */

/* Append (or replace) the signature trailer. *ret_buf is malloc'd. 0 or
 * -errno; *ret_why explains failures (bad key, wrong key type). */
int ward_bundle_sign(const uint8_t *buf, size_t len, const char *key_pem, uint8_t **ret_buf,
		     size_t *ret_len, const char **ret_why);
/* 0 when buf is a well-formed bundle with a valid signature by the key of
 * the PEM file pub_path (openssl pkey -pubout); -EBADMSG for a missing or bad
 * signature, other -errno otherwise. */
int ward_bundle_verify(const uint8_t *buf, size_t len, const char *pub_path, const char **ret_why);

/* ---- policy tests --------------------------------------------------------------- */

struct rc_case;

struct rc_case_result {
	const struct rc_case *tc;
	bool pass;
	struct ward_decision got;
	char why[256]; /* on failure: what differed */
};

/* Run the set's PolicyTest cases against a bundle; results malloc'd. Returns
 * the number of failures (>= 0) or -errno. */
int rc_run_tests(const struct rc_set *s, const struct ward_bundle *b, struct rc_case_result **ret,
		 size_t *ret_n);

/* Shared by explain and tests: build the event of a case. */
int rc_case_event(const struct rc_case *tc, struct rc_event *ret);

int rc_cap_lookup(const char *name, uint32_t *ret);
int rc_syscall_lookup(const char *name, uint32_t *ret);

#endif
