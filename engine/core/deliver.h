/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Asynchronous delivery of a network output (webhook, OTLP; docs/outputs.md):
 * the pipeline pushes encoded records into a bounded queue and never waits;
 * one thread per output takes them in batches (batch_max records, or what
 * came within batch_ms of the oldest, whichever first), joins each batch
 * into one body (prefix, records separated by sep, suffix) and POSTs it
 * (http_client.h) within timeout_ms, retrying a failed attempt (no
 * connection, a timeout, 408, 429, 5xx) up to retries times after an
 * exponential backoff; once a batch failed for good, the next ones get one
 * attempt each until one passes, so a receiver that is gone does not hold
 * the queue for the retries of every batch. What does not fit in the queue,
 * and a batch that
 * fails for good (its retries spent, or a 4xx answer), is dropped and
 * counted: records in stats->dropped, failed attempts in stats->errors.
 * Every record is delivered or dropped, never lost silently.
 */
#ifndef WARD_DELIVER_H
#define WARD_DELIVER_H

#include <stddef.h>

#include "http_client.h"
#include "sink.h"

struct deliver_opts {
	size_t queue_max;	     /* records waiting at most */
	size_t batch_max;	     /* records per request at most */
	unsigned int batch_ms;	     /* a batch waits this long for more records */
	unsigned int timeout_ms;     /* one attempt, connection to response */
	unsigned int retries;	     /* attempts after the first */
	unsigned int backoff_ms;     /* before the first retry; doubles each time */
	unsigned int backoff_max_ms; /* the longest wait between attempts */
	unsigned int drain_ms;	     /* at close: time left to deliver what waits */
};

#define DELIVER_OPTS_DEFAULT                                                                \
	{                                                                                   \
		.queue_max = 10000, .batch_max = 100, .batch_ms = 1000, .timeout_ms = 5000, \
		.retries = 3, .backoff_ms = 500, .backoff_max_ms = 8000, .drain_ms = 5000   \
	}

/* How records join into a request body. */
struct deliver_fmt {
	const char *type; /* Content-Type */
	const char *prefix, *sep, *suffix;
};

struct deliver;

/*
 * Start delivering to u; auth is the Authorization header's value or NULL
 * (copied). stats (borrowed until deliver_close()) is updated with atomics
 * from both threads: queued (records waiting or in flight), delivered,
 * dropped, errors. 0 or -errno (-EPROTONOSUPPORT: https in a build without
 * TLS).
 */
int deliver_open(const struct http_url *u, const char *auth, const struct deliver_fmt *fmt,
		 const struct deliver_opts *o, struct sink_stats *stats, struct deliver **ret);
/* Queue rec (len bytes, malloc'd, taken). Never waits: -ENOSPC when the queue
 * is full (rec freed, counted as dropped). */
int deliver_push(struct deliver *d, char *rec, size_t len);
/* Stop taking records, deliver what waits within drain_ms, count the rest
 * as dropped, stop the thread and free. NULL is fine. */
void deliver_close(struct deliver *d);

/* The wait before retry n (1, 2, ...): backoff_ms doubled n - 1 times, at
 * most backoff_max_ms. */
unsigned int deliver_backoff_ms(const struct deliver_opts *o, unsigned int n);

#endif
