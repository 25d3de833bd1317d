/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The enforcement state pinned in ENFORCE_PIN_DIR, read whole (what `ward
 * status` shows; it works while the daemon is down).
 */
#ifndef WARD_STATUS_H
#define WARD_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ward/common.h"
#include "ward/enforce_abi.h"
#include "attribution/container.h"
#include "enforce.h"

/* One rule's counters in one container, summed over CPUs. */
struct status_row {
	struct ward_counter_key k;
	struct ward_counter_val v;
};

struct enforce_status {
	uint32_t generation;			       /* the live one, 0: no policy */
	uint32_t levels[WARD_RES_COUNT];	       /* enum ward_level per resource */
	char reasons[WARD_RES_COUNT][ENFORCE_WHY_MAX]; /* why each level, "" where unknown */
	uint64_t drops[WARD_DROP__MAX];		       /* kernel drops since the maps were pinned */
	uint64_t *cgids;			       /* the targeted cgroups */
	size_t n_cg;
	struct status_row *rows; /* the generation's counters */
	size_t n_rows;
	struct ward_bundle *bundle; /* the generation's bundle (names), NULL if unread */
	struct container_cache *cc; /* container names, NULL if unavailable */
};

/* Read the pinned state into *ret (status_free() it): 0, or -errno with an
 * error in d saying what failed (none when out of memory). -ENOENT: no state
 * pinned (code no-state). */
int status_read(struct enforce_status *ret, struct rc_diags *d);
void status_free(struct enforce_status *s);

/* The entries of the ward_counters map fd of generation gen (0: of every
 * generation), summed over CPUs, into *ret (malloc'd; NULL when none).
 * 0 or -errno. */
int status_counters(int fd, uint32_t gen, struct status_row **ret, size_t *ret_n);

/* Names for the report: a policy id, a rule index ("default" for WARD_NONE),
 * "#N" when the bundle does not name them; a cgroup's container, "?" if unknown. */
const char *status_policy_name(const struct enforce_status *s, uint32_t id, char *buf, size_t size);
const char *status_rule_name(const struct enforce_status *s, uint32_t rule, char *buf, size_t size);
const char *status_container_name(const struct enforce_status *s, uint64_t cgid);

/* What `ward status -o json` prints (docs/cli.md), also GET /v1/status. NULL
 * on ENOMEM. */
json_t *status_json(const struct enforce_status *st);

#endif
