/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The metrics of `ward server --metrics ADDR:PORT` (docs/outputs.md): a sink
 * that counts every row the session emits (events per tracker, alerts by
 * policy, rule, action and severity, alerts per container under a cap), the
 * gauges and kernel counters the session sets at each tick, and the HTTP
 * endpoint /metrics that serves the page published at the last tick.
 */
#ifndef WARD_EXPORTER_H
#define WARD_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/enforce_abi.h"
#include "core/hindex.h"
#include "core/sink.h"
#include "metrics.h"

/* An entry of ward_counters as the last read saw it. */
struct exporter_seen;

struct exporter {
	struct metrics *m;
	struct http_server *http;
	/* counted from rows by the sink */
	struct metrics_family *events, *alerts, *container_alerts;
	/* set by the session at each tick */
	struct metrics_family *kernel_drops, *malformed, *containers, *generation, *targets,
		*load_seconds, *level, *audit_only, *out_rows, *out_failures, *out_dropped, *lost,
		*out_queued, *out_delivered, *out_errors;
	/* counted from the kernel's ward_counters (exporter_counter()) */
	struct metrics_family *decisions, *blocks, *would_block;
	/* the ring buffers' fill, set by the session at each tick */
	struct metrics_family *rb_fill, *rb_size;
	struct exporter_seen *seen; /* the entries of ward_counters read so far */
	size_t n_seen, cap_seen;
	struct hindex seen_idx;
	uint64_t reads; /* of ward_counters, done */
};

/* Serve metrics on listen ("ADDR:PORT", see http_parse_listen()), with at
 * most container_cap per-container series; the row-counting sink goes into
 * set. -EINVAL for a bad address, else 0 or -errno. */
int exporter_open(const char *listen, size_t container_cap, struct sinks *set,
		  struct exporter **ret);
const char *exporter_address(const struct exporter *x);
/* Set what every tick sets (outputs of set, the process, registry losses)
 * and publish the page. 0 or -errno. */
int exporter_publish(struct exporter *x, const struct sinks *set);
/*
 * The decision families (ward_decisions_total, ward_blocks_total,
 * ward_would_block_total) from the kernel's ward_counters, read at most once
 * per tick: every entry of one read goes to exporter_counter(), then
 * exporter_counters_done(). The kernel's entries only grow, but they do not
 * live for ever: the enforcer deletes the entries of the generations older
 * than the previous one at each switch (prune_counters()), so a family that
 * summed the map would go down. The exporter keeps each entry's values as
 * last read and adds what an entry grew by since then to its class's
 * series: the families count every decision they saw, pruned or not, and
 * never go down. An entry that reads lower than it did was deleted and made
 * again (a program still in an old generation): it counts from 0. An entry
 * missing from one read is kept (an iteration of a hash map that changes
 * may skip it) until its generation is older than keep_from (pruned): then
 * it is forgotten, and what it counted between the last read and its
 * deletion is lost (a generation two switches old decides next to
 * nothing). What an earlier daemon's generation (adopted, pinned when this
 * one started) counted before the first read is not this daemon's: such an
 * entry in the first read counts from the value it has.
 */
struct exporter_counters {
	uint32_t adopted;   /* the generation found pinned at start, 0: none */
	uint32_t keep_from; /* entries of older generations are gone from the map */
	/* The class and level labels (static strings) of an entry, asked the
	 * first time it is seen. */
	void (*classify)(void *ctx, const struct ward_counter_key *k, const char **ret_class,
			 const char **ret_level);
	void *ctx;
};
/* One entry of a read (summed over CPUs). 0 or -ENOMEM. */
int exporter_counter(struct exporter *x, const struct exporter_counters *r,
		     const struct ward_counter_key *k, const struct ward_counter_val *v);
/* The read is over: entries of generations below r->keep_from forgotten. */
void exporter_counters_done(struct exporter *x, const struct exporter_counters *r);

/* Stop serving and free; call after the sinks are closed. NULL is fine. */
void exporter_free(struct exporter *x);

#endif
