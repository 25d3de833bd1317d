// SPDX-License-Identifier: Apache-2.0
/* Asynchronous delivery of a network output: deliver.h. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "deliver.h"

#define MS 1000000ULL /* ns */

struct rec {
	char *p;
	size_t len;
	uint64_t at; /* CLOCK_MONOTONIC, when queued */
};

struct deliver {
	struct deliver_opts o;
	struct deliver_fmt fmt;
	struct http_client *http;
	char *auth;
	struct sink_stats *stats;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* under lock: the queue, a ring of o.queue_max */
	struct rec *q;
	size_t head, n;
	bool stopping;
	uint64_t drain_until; /* once stopping: CLOCK_MONOTONIC */
	/* the delivery thread's */
	struct rec *batch;
	bool down; /* the last batch failed for good: one attempt per batch until one passes */
};

static void count(uint64_t *field, uint64_t n)
{
	__atomic_fetch_add(field, n, __ATOMIC_RELAXED);
}

unsigned int deliver_backoff_ms(const struct deliver_opts *o, unsigned int n)
{
	uint64_t ms = o->backoff_ms;

	for (unsigned int i = 1; i < n && ms < o->backoff_max_ms; i++)
		ms *= 2;
	return (unsigned int)(ms < o->backoff_max_ms ? ms : o->backoff_max_ms);
}

static void wait_until(struct deliver *d, uint64_t when)
{
	struct timespec ts = { .tv_sec = (time_t)(when / 1000000000ULL),
			       .tv_nsec = (long)(when % 1000000000ULL) };

	(void)pthread_cond_timedwait(&d->cond, &d->lock, &ts);
}

/* Resolved: n records of a batch delivered or dropped. */
static void resolve(struct deliver *d, size_t n, bool delivered)
{
	count(delivered ? &d->stats->delivered : &d->stats->dropped, n);
	__atomic_fetch_sub(&d->stats->queued, n, __ATOMIC_RELAXED);
}

/* Whether an attempt that ended so is worth another. */
static bool retryable(int err, int status)
{
	return err || status == 408 || status == 429 || status >= 500;
}

/* The batch's body, or NULL (ENOMEM). */
static char *join(const struct deliver *d, const struct rec *b, size_t n, size_t *ret_len)
{
	size_t pl = strlen(d->fmt.prefix), sl = strlen(d->fmt.sep), xl = strlen(d->fmt.suffix);
	size_t len = pl + xl + (n - 1) * sl, off = 0;
	char *body;

	for (size_t i = 0; i < n; i++)
		len += b[i].len;
	body = malloc(len + 1);
	if (!body)
		return NULL;
	memcpy(body, d->fmt.prefix, pl);
	off = pl;
	for (size_t i = 0; i < n; i++) {
		if (i) {
			memcpy(body + off, d->fmt.sep, sl);
			off += sl;
		}
		memcpy(body + off, b[i].p, b[i].len);
		off += b[i].len;
	}
	memcpy(body + off, d->fmt.suffix, xl + 1);
	*ret_len = len;
	return body;
}

/* One batch: attempts until delivered, refused for good, its retries spent,
 * or (closing) the drain time over. Called without the lock. */
static void send_batch(struct deliver *d, const struct rec *b, size_t n)
{
	size_t len = 0;
	char *body = join(d, b, n, &len);
	bool ok = false;

	for (unsigned int attempt = 0; body; attempt++) {
		unsigned int timeout = d->o.timeout_ms;
		uint64_t now = clock_now_ns(CLOCK_MONOTONIC), until = 0;
		bool stopping;
		int status = 0, err;

		pthread_mutex_lock(&d->lock);
		stopping = d->stopping;
		if (stopping)
			until = d->drain_until;
		pthread_mutex_unlock(&d->lock);
		if (stopping && now >= until)
			break;
		if (stopping && (until - now) / MS < timeout)
			timeout = (unsigned int)((until - now) / MS) + 1;
		err = http_client_post(d->http, d->fmt.type, d->auth, body, len, timeout, &status);
		if (!err && status >= 200 && status < 300) {
			ok = true;
			break;
		}
		count(&d->stats->errors, 1);
		if (!retryable(err, status) || attempt >= (d->down ? 0 : d->o.retries))
			break;
		pthread_mutex_lock(&d->lock);
		until = clock_now_ns(CLOCK_MONOTONIC) + deliver_backoff_ms(&d->o, attempt + 1) * MS;
		while (!d->stopping && clock_now_ns(CLOCK_MONOTONIC) < until)
			wait_until(d, until);
		pthread_mutex_unlock(&d->lock);
	}
	free(body);
	d->down = !ok;
	resolve(d, n, ok);
}

static void *run(void *arg)
{
	struct deliver *d = arg;

	pthread_mutex_lock(&d->lock);
	for (;;) {
		size_t k;

		while (!d->n && !d->stopping)
			pthread_cond_wait(&d->cond, &d->lock);
		if (!d->n)
			break;
		/* a batch: batch_max records, or what came within batch_ms */
		while (d->n < d->o.batch_max && !d->stopping) {
			uint64_t due = d->q[d->head].at + d->o.batch_ms * MS;

			if (clock_now_ns(CLOCK_MONOTONIC) >= due)
				break;
			wait_until(d, due);
		}
		k = d->n < d->o.batch_max ? d->n : d->o.batch_max;
		for (size_t i = 0; i < k; i++) {
			d->batch[i] = d->q[d->head];
			d->head = (d->head + 1) % d->o.queue_max;
		}
		d->n -= k;
		pthread_mutex_unlock(&d->lock);
		send_batch(d, d->batch, k);
		for (size_t i = 0; i < k; i++)
			free(d->batch[i].p);
		pthread_mutex_lock(&d->lock);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int deliver_push(struct deliver *d, char *rec, size_t len)
{
	int err = 0;

	pthread_mutex_lock(&d->lock);
	if (d->n == d->o.queue_max || d->stopping) {
		err = -ENOSPC;
	} else {
		d->q[(d->head + d->n) % d->o.queue_max] =
			(struct rec){ .p = rec, .len = len, .at = clock_now_ns(CLOCK_MONOTONIC) };
		d->n++;
		count(&d->stats->queued, 1);
		/* the thread waits for the first record, or for a full batch */
		if (d->n == 1 || d->n == d->o.batch_max)
			pthread_cond_signal(&d->cond);
	}
	pthread_mutex_unlock(&d->lock);
	if (err) {
		free(rec);
		count(&d->stats->dropped, 1);
	}
	return err;
}

static void deliver_free(struct deliver *d)
{
	pthread_cond_destroy(&d->cond);
	pthread_mutex_destroy(&d->lock);
	http_client_free(d->http);
	free(d->auth);
	free(d->q);
	free(d->batch);
	free(d);
}

int deliver_open(const struct http_url *u, const char *auth, const struct deliver_fmt *fmt,
		 const struct deliver_opts *o, struct sink_stats *stats, struct deliver **ret)
{
	struct deliver *d = calloc(1, sizeof(*d));
	pthread_condattr_t ca;
	int err;

	if (!d)
		return -ENOMEM;
	d->o = *o;
	d->fmt = *fmt;
	d->stats = stats;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cond, &ca);
	pthread_condattr_destroy(&ca);
	err = -ENOMEM;
	d->q = calloc(o->queue_max, sizeof(*d->q));
	d->batch = calloc(o->batch_max, sizeof(*d->batch));
	d->auth = auth ? strdup(auth) : NULL;
	if (!d->q || !d->batch || (auth && !d->auth))
		goto out_free;
	err = http_client_new(u, &d->http);
	if (err)
		goto out_free;
	err = -pthread_create(&d->thread, NULL, run, d);
	if (err)
		goto out_free;
	*ret = d;
	return 0;
out_free:
	deliver_free(d);
	return err;
}

void deliver_close(struct deliver *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	d->drain_until = clock_now_ns(CLOCK_MONOTONIC) + d->o.drain_ms * MS;
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL); /* the queue is empty then */
	deliver_free(d);
}
