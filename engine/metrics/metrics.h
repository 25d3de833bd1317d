/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prometheus metrics (docs/outputs.md, "Metrics"): a registry of counter and
 * gauge families with bounded label sets, rendered in the text exposition
 * format (version 0.0.4). The registry belongs to the thread that runs the
 * session; what a scrape reads is the page it last published
 * (metrics_publish()), so the HTTP thread never touches live state.
 *
 * No pid, path or free-form label: label values come from the bundle (policy
 * and rule names), fixed vocabularies (tracker, action, severity, reason) or
 * container names, and a family keyed by container holds at most its cap of
 * series; the rest are folded into one series labelled METRICS_OTHER.
 */
#ifndef WARD_METRICS_H
#define WARD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define METRICS_LABELS_MAX   4
#define METRICS_OTHER	     "_other" /* the series past a family's cap */
#define METRICS_SERIES_CAP   100      /* default cap of per-container series */
#define METRICS_SERIES_MAX   100000   /* the highest cap one may set */
#define METRICS_SERIES_MAX_S "100000"

enum metrics_type { METRICS_COUNTER, METRICS_GAUGE };

struct metrics;
struct metrics_family;

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);

/* A family; labels: up to METRICS_LABELS_MAX names, NULL-terminated list.
 * max_series: 0 for none, else series past it are folded into one whose
 * every label is METRICS_OTHER. NULL on ENOMEM. */
struct metrics_family *metrics_family(struct metrics *m, const char *name, enum metrics_type type,
				      const char *help, const char *const *labels,
				      size_t max_series);

/* The series of values (one per label of the family, NULL for none when the
 * family has no label); adds or sets its value. 0 or -ENOMEM (the update is
 * then counted in metrics_lost()). */
int metrics_add(struct metrics_family *f, const char *const *values, double delta);
int metrics_set(struct metrics_family *f, const char *const *values, double value);
/* Forget every series of f (gauges that describe a set that changed). */
void metrics_reset(struct metrics_family *f);
/* Updates lost to ENOMEM, and series folded into METRICS_OTHER. */
uint64_t metrics_lost(const struct metrics *m);
uint64_t metrics_folded(const struct metrics *m);

/* The registry rendered in the text exposition format; malloc'd, NULL on
 * ENOMEM. */
char *metrics_render(const struct metrics *m, size_t *ret_len);

/* Render and make the result what scrapes read from now on. 0 or -ENOMEM
 * (the previous page stays). */
int metrics_publish(struct metrics *m);
/* The published page, copied into a malloc'd buffer (NULL: none yet or
 * ENOMEM); safe from any thread. */
char *metrics_page(struct metrics *m, size_t *ret_len);

/* The process's own metrics (CPU time, resident memory, open fds, start
 * time), read from /proc/self; 0 or -errno. */
int metrics_update_process(struct metrics *m);
/* Of a /proc/PID/stat line: user plus system CPU time (fields 14 and 15)
 * and the start time after boot (field 22), in clock ticks. 0 or -EINVAL. */
int metrics_parse_stat(const char *stat, unsigned long long *ret_cpu,
		       unsigned long long *ret_start);

#endif
