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

#include "core/sink.h"
#include "metrics.h"

struct exporter {
	struct metrics *m;
	struct http_server *http;
	/* counted from rows by the sink */
	struct metrics_family *events, *alerts, *container_alerts;
	/* set by the session at each tick */
	struct metrics_family *kernel_drops, *malformed, *containers, *generation, *targets,
		*load_seconds, *level, *audit_only, *out_rows, *out_failures, *out_dropped, *lost,
		*out_queued, *out_delivered, *out_errors;
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
/* Stop serving and free; call after the sinks are closed. NULL is fine. */
void exporter_free(struct exporter *x);

#endif
