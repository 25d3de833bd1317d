/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rows of typed columns, and the stream that renders them as an aligned
 * table, JSON lines or CSV (RFC 4180). A CONTAINER column renders as the
 * container's display name in table/CSV and as a nested object in JSON.
 * Channels and sinks: sink.h.
 */
#ifndef WARD_OUTPUT_H
#define WARD_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "attribution/container.h"

enum out_format { OUT_TABLE, OUT_JSON, OUT_CSV };

enum out_type {
	OUT_STR, /* const char * (bytes, escaped as needed; invalid UTF-8 -> U+FFFD in JSON) */
	OUT_U64,
	OUT_S64,
	OUT_CONTAINER, /* const struct container_info * */
	OUT_STRV, /* argv-style: const char *const *, NULL-terminated; joined by ' ' in table */
	OUT_TIME, /* uint64_t ns since the epoch: RFC 3339 UTC (us) in JSON/CSV, local HH:MM:SS in tables */
	OUT_BOOL, /* .u != 0 */
};

enum out_col_flags {
	OUT_F_RIGHT = 1 << 0,	   /* table: right-align (numbers) */
	OUT_F_TABLE_ONLY = 1 << 1, /* a human summary of other columns: not in JSON/CSV */
	OUT_F_NO_TABLE = 1 << 2,   /* JSON/CSV only */
};

/*
 * A column. In JSON a CONTAINER column becomes "cgroup_id" and "container"
 * (object); in CSV "container_name" and "cgroup_id"; in a table its `name`.
 */
struct out_col {
	const char *name;
	enum out_type type;
	int width; /* table: minimum width; the last column is never padded */
	unsigned int flags;
};

union out_val {
	const char *s;
	uint64_t u;
	int64_t i;
	const struct container_info *c;
	const char *const *v;
};

struct sinks;

/* The names of the formats (-o), indexed by enum out_format, NULL-terminated. */
extern const char *const out_format_names[];

/* Add to set the table / JSON lines / CSV writer on f, a sink (sink.h) named
 * name (for messages); f is closed with the sink when own (also when this
 * fails). Every row is flushed. 0 or -errno. */
int sink_stream_add(struct sinks *set, FILE *f, const char *name, enum out_format fmt, bool own);

/* A file output (--output FILE): rotated past max_size bytes (0: never) into
 * FILE.1 ... FILE.keep, opened again on SIGHUP (sinks_reopen()) for logrotate. */
struct file_opts {
	uint64_t max_size;
	unsigned int keep; /* rotated files kept (at least 1 when rotating) */
	bool append;	   /* keep what the file holds (default: start it empty) */
};
#define FILE_KEEP_DEFAULT 5
#define OUTPUT_KEEP_MAX	  1000
#define OUTPUT_SIZE_MIN	  4096 /* bytes: a rotated file holds a few rows at least */

/* Add to set the writer of fmt on the file path (name and message: path). 0 or
 * -errno (the file could not be opened). */
int sink_file_add(struct sinks *set, const char *path, enum out_format fmt,
		  const struct file_opts *o);

struct out;
/* A row as the JSON object of -o json (docs/events.md, docs/alerts.md); NULL
 * on ENOMEM. */
json_t *out_row_json(const struct out *o, const union out_val *vals, uint64_t present);

/* A container as the JSON object of -o json ("container"); NULL on ENOMEM. */
json_t *out_container_json(const struct container_info *ci);

/* Replace invalid UTF-8 sequences with U+FFFD; returns a malloc'd string. */
char *out_utf8_sanitize(const char *s, size_t len);

#endif
