/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where records go, the last stage of the pipeline (docs/architecture.md):
 * a tracker or the alert stream renders each record once into a row of typed
 * columns on its channel (struct out); the channel hands the row to every
 * sink of the session. A sink is one small interface; the table, JSON lines
 * and CSV stream (output.c) is one, and metrics, log shipping and the API's
 * alert stream are meant to be others.
 */
#ifndef WARD_SINK_H
#define WARD_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output.h"

/* What a channel carries. */
enum out_kind {
	OUT_EVENT, /* a tracker's events or interval rows */
	OUT_ALERT, /* policy decisions (the alert stream) */
};

/* A channel: one producer's rows, in one column model. */
struct out {
	const char *tracker; /* "process", "files", ..., "alert" */
	enum out_kind kind;
	const struct out_col *cols; /* borrowed */
	size_t n_cols;
	uint64_t id; /* unique in the process: sinks keep per-channel state by it */
	struct sinks *sinks;
};

struct sink;

struct sink_ops {
	/* One row of channel ch; vals[i] belongs to ch->cols[i], bit i of
	 * present says it has a value. 0 or -errno (counted as a failure). */
	int (*row)(struct sink *s, const struct out *ch, const union out_val *vals,
		   uint64_t present);
	/* An interval tracker starts a new batch of rows on ch (optional). */
	void (*interval)(struct sink *s, const struct out *ch);
	/* Push out what is buffered; 0 or -errno. */
	int (*flush)(struct sink *s);
	/* Flush, release everything and free s; 0 or -errno. */
	int (*close)(struct sink *s);
	/* SIGHUP: open its file again (logrotate moved it); optional. 0 or -errno. */
	int (*reopen)(struct sink *s);
};

struct sink_stats {
	uint64_t rows;	   /* rows taken */
	uint64_t failures; /* rows (or flushes) that failed: the session ends */
	uint64_t dropped;  /* rows a network output could not deliver (receiver down or
			    * slow), counted and dropped: the session goes on */
	/* A network output with a delivery thread (deliver.h): updated with
	 * atomics, read with sink_stat(). */
	uint64_t queued;    /* rows waiting or in flight (a gauge) */
	uint64_t delivered; /* rows the receiver took */
	uint64_t errors;    /* delivery attempts that failed (retried or not) */
};

/* A field of a sink's stats, which a delivery thread may be updating. */
static inline uint64_t sink_stat(const uint64_t *field)
{
	return __atomic_load_n(field, __ATOMIC_RELAXED);
}

/* Which rows a sink takes (docs/outputs.md, "Filters"); all zero: every row. */
#define SINK_FILTER_TRACKERS 4
struct sink_filter {
	bool alerts_only; /* no events at all */
	/* events of these trackers only (names borrowed); none named: every tracker's */
	const char *trackers[SINK_FILTER_TRACKERS];
	size_t n_trackers;
	unsigned int min_severity; /* alerts of a lower rule severity are left out
				    * (enum ward_severity; an alert without one is info) */
};

struct sink {
	const struct sink_ops *ops;
	const char *name; /* for messages: "stdout", a file name, ... */
	const char *kind; /* a bounded label for metrics: "stdout", "file", "metrics", ... */
	struct sink_filter filter;
	struct sink_stats stats;
	bool delivery; /* a delivery thread's: stats.queued, delivered, errors are its */
};

/* Whether f lets the row through. */
bool sink_filter_pass(const struct sink_filter *f, const struct out *ch, const union out_val *vals,
		      uint64_t present);

/* The sinks of a session (at most SINKS_MAX). */
#define SINKS_MAX 16
struct sinks {
	struct sink *v[SINKS_MAX];
	size_t n;
};

/* Add s to set, which takes it (closed by sinks_close()); -ENOSPC when full
 * (s is closed then). */
int sinks_add(struct sinks *set, struct sink *s);
/* Flush every sink; the first error. */
int sinks_flush(struct sinks *set);
/* Reopen every sink that writes a file; the first error, *ret_failed the
 * sink that failed first. */
int sinks_reopen(struct sinks *set, const char **ret_failed);
/* Close every sink; the first error, *ret_failed the sink that failed first. */
int sinks_close(struct sinks *set, const char **ret_failed);

/* A channel for rows of tracker in cols (borrowed) to the sinks of set. */
struct out *out_new(struct sinks *set, const char *tracker, enum out_kind kind,
		    const struct out_col *cols, size_t n_cols);
void out_free(struct out *o);
#define OUT_ALL UINT64_MAX
/* Hand one row to every sink; the first sink's error (every sink gets the row). */
int out_row(struct out *o, const union out_val *vals, uint64_t present);
/* Interval trackers: the rows that follow are a new batch. */
void out_interval(struct out *o);
/* The index of ch's column name, or -1. */
int out_col_find(const struct out *ch, const char *name);
/* The value of a row's string column name (a container column: the
 * container's display name); NULL when the row has none. */
const char *out_row_str(const struct out *ch, const union out_val *vals, uint64_t present,
			const char *name);

#endif
