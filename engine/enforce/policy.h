/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy the server enforces: a bundle from disk (optionally with a
 * required Ed25519 signature) or YAML compiled in process with librulesc,
 * and its selectors resolved to the cgroups of running containers.
 * Nothing here prints; failures come back with a one-line reason.
 */
#ifndef WARD_POLICY_H
#define WARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rulesc.h"
#include "attribution/container.h"
#include "enforce.h"

struct policy {
	struct ward_bundle *b;
	uint8_t *buf; /* the bundle bytes (compiled or as read) */
	size_t len;
	bool compiled; /* from YAML, not a bundle file */
};

/*
 * Load PATH: a bundle file (magic WARDBNDL) or a YAML file or directory,
 * compiled like `rulesc compile`. With trusted_key (a PEM public key file)
 * only a bundle signed by that key is accepted. 0 or -errno; d says what is
 * wrong: the compiler's diagnostics at their places, or one error (codes
 * policy-unreadable, policy-not-signed, policy-not-compiled, key-unreadable,
 * bundle-signature, bundle-invalid) naming the file (no line). A NULL path is
 * the default pack embedded in the binary (policies/, compiled at build time).
 */
int policy_load(const char *path, const char *trusted_key, struct policy **ret, struct rc_diags *d);
void policy_free(struct policy *p);
/* A copy of p with a bundle view of its own. 0 or -errno. */
int policy_copy(const struct policy *p, struct policy **ret);

/* How many of b's policies select host processes (host: true), which no
 * cgroup is targeted for yet; -E2BIG when more than one cgroup may take. */
int policy_host_count(const struct ward_bundle *b);

/* Policy ids selecting one container (ward_bundle_select() on its name,
 * image and labels). Returns the count (0: not targeted) or -E2BIG. */
int policy_select(const struct ward_bundle *b, const struct container_info *ci,
		  uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP]);

/*
 * Targets among the running containers the cache knows (scan first):
 * cgroup id, cgroup directory under cgroup2_root, policy ids.
 * *ret_skipped counts containers selected by more policies than the kernel
 * takes. 0 or -errno; *ret is malloc'd (enforce_targets_free()).
 */
int policy_targets(const struct ward_bundle *b, struct container_cache *cc,
		   const char *cgroup2_root, struct enforce_target **ret, size_t *ret_n,
		   size_t *ret_skipped);

#endif
