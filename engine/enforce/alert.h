/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alerts of the enforcement programs: decoding of struct ward_alert into
 * output rows (docs/alerts.md, docs/alert.schema.json) and the ring-buffer
 * consumer the server runs beside its trackers.
 */
#ifndef WARD_ALERT_H
#define WARD_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rulesc.h"
#include "attribution/container.h"
#include "ward/enforce_abi.h"
#include "core/sink.h"

struct tracker;
struct session;
struct enforce_session;

/* `message`: the rule's template with its placeholders expanded (docs/alerts.md). */
#define ALERT_MESSAGE_MAX 4096	      /* bytes; longer messages are cut and end with "..." */
#define ALERT_UNKNOWN	  "<unknown>" /* a placeholder whose value the alert does not carry */

struct agg_count;

struct out *alert_out_new(struct sinks *set);

/* How the server reports alerts (aggregate.h). */
struct alert_opts {
	bool aggregate;
	uint64_t window_ns;
	unsigned int key; /* enum agg_field bits */
};

/* Render one record; b is the bundle of the alert's generation (NULL when
 * unknown: rule and policy are then given by index); agg: the count, first
 * and last time of an aggregated record (NULL: not aggregating). -EPROTO for
 * a malformed record (nothing printed). */
int alert_render(struct out *o, const void *data, size_t size, const struct ward_bundle *b,
		 const struct container_info *ci, uint64_t mono_to_real_ns,
		 const struct agg_count *agg);

/* A tracker slot that consumes the alert ring buffer of es, aggregating as o
 * says. On failure the slot still needs its destroy (close_tracker()). */
int alert_tracker_init(struct tracker *t, struct session *s, struct enforce_session *es,
		       const struct alert_opts *o);

#endif
