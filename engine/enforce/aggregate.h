/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert aggregation (docs/alerts.md, "Aggregation"): identical alerts within
 * a window collapse into one record. The first of a key is reported at once
 * (count 1); the ones that follow within the window are counted and reported
 * when it ends as one record of the last of them with count, first_seen and
 * last_seen; a storm that goes on gets one such record per window. Counts
 * are exact: every alert offered is in exactly one record reported. A full
 * table lets new keys through unaggregated, never drops them.
 */
#ifndef WARD_AGGREGATE_H
#define WARD_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attribution/container.h"
#include "ward/enforce_abi.h"

/* What makes two alerts identical (bits of a key). */
enum agg_field {
	AGG_CONTAINER = 1 << 0, /* the cgroup */
	AGG_POLICY = 1 << 1,	/* policy and generation */
	AGG_RULE = 1 << 2,
	AGG_ACTION = 1 << 3, /* action, mode and level reached */
	AGG_OBJECT = 1 << 4, /* operation and object: path, address, capability, syscall */
	AGG_EXE = 1 << 5,
	AGG_COMM = 1 << 6,
	AGG_PID = 1 << 7,
	AGG_UID = 1 << 8,
};
#define AGG_KEY_DEFAULT (AGG_CONTAINER | AGG_POLICY | AGG_RULE | AGG_ACTION | AGG_OBJECT)
#define AGG_WINDOW_S	10    /* default window */
#define AGG_ENTRIES_MAX 16384 /* keys followed at once */

/* The names of the fields, indexed by bit number, for --aggregate-key. */
extern const char *const agg_field_names[];
/* A comma-separated list of field names as enum agg_field bits; -EINVAL. */
int agg_parse_key(const char *list, unsigned int *ret);

/* What an aggregated record adds to an alert. */
struct agg_count {
	uint64_t count;
	uint64_t first_ns, last_ns; /* CLOCK_MONOTONIC, as ward_alert.ts_ns */
};

struct alert_agg;

struct alert_agg *agg_new(uint64_t window_ns, unsigned int key);
void agg_free(struct alert_agg *g);
/* Offer a (valid) alert of container ci: 1 when it is to be reported now
 * (count 1), 0 when counted for a later record; -ENOMEM. */
int agg_offer(struct alert_agg *g, const struct ward_alert *a, const struct container_info *ci);

typedef int (*agg_emit_fn)(void *ctx, const struct ward_alert *a, const struct container_info *ci,
			   const struct agg_count *c);
/* Report every key whose window ended by now (all: every key, as at exit):
 * one record for the alerts counted in it. The first error of emit (the
 * key is reported again at the next flush). */
int agg_flush(struct alert_agg *g, uint64_t now_ns, bool all, agg_emit_fn emit, void *ctx);
/* Keys followed now. */
size_t agg_size(const struct alert_agg *g);

#endif
