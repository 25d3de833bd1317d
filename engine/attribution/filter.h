/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --container NAME|ID, applied in the kernel: each tracker's ward_cgfilter
 * map says, per cgroup id, whether its events are wanted. Cgroups the kernel
 * does not know yet reach user space once, are classified here and written
 * back, so containers started after ward are matched from their first event.
 */
#ifndef WARD_FILTER_H
#define WARD_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "container.h"

struct cgfilter;

struct cgfilter *cgfilter_new(const char *query);
void cgfilter_free(struct cgfilter *f);

/* Register a tracker's ward_cgfilter map fd (the verdicts go to all). */
int cgfilter_add_map(struct cgfilter *f, int map_fd);

/* Does this container match the query (name, id, or id prefix >= 4 chars)? */
bool cgfilter_matches(const struct cgfilter *f, const struct container_info *ci);

/* Classify a cgroup seen in an event; true if its events are wanted. */
bool cgfilter_wants(struct cgfilter *f, const struct container_info *ci, uint64_t now_ns);

/* Periodic: mark every running match wanted, expire old unwanted verdicts. */
int cgfilter_refresh(struct cgfilter *f, struct container_cache *cc, uint64_t now_ns);

const char *cgfilter_query(const struct cgfilter *f);

#endif
