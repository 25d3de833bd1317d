// SPDX-License-Identifier: Apache-2.0
/* The run lifecycle: signals, libbpf's messages, tracefs, the loop, drops. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "lifecycle.h"
#include "core/clock.h"
#include "enforce/probe.h"

static volatile sig_atomic_t stop_requested, reload_requested;
static bool verbose;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

__attribute__((format(printf, 2, 0))) static int libbpf_print(enum libbpf_print_level level,
							      const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int lifecycle_start(bool v)
{
	struct sigaction sa = { .sa_handler = on_stop };

	verbose = v;
	libbpf_set_print(libbpf_print);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A client of the API or the metrics that goes away while it is
	 * answered is an error of that write (EPIPE), not the daemon's end. */
	signal(SIGPIPE, SIG_IGN);
	return probe_mount_tracefs();
}

bool lifecycle_verbose(void)
{
	return verbose;
}

void lifecycle_catch_reload(void)
{
	struct sigaction sa = { .sa_handler = on_hup };

	sigaction(SIGHUP, &sa, NULL);
}

bool lifecycle_stopping(void)
{
	return stop_requested;
}

bool lifecycle_take_reload(void)
{
	if (!reload_requested)
		return false;
	reload_requested = 0;
	return true;
}

int lifecycle_rings_add(struct lifecycle_rings *r, struct ring_buffer *rb)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (r->n == LIFECYCLE_MAX_RB)
		return -E2BIG;
	if (r->epfd >= 0 && epoll_ctl(r->epfd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(rb), &ev) < 0)
		return -errno;
	r->v[r->n++] = rb;
	return 0;
}

void lifecycle_rings_remove(struct lifecycle_rings *r, struct ring_buffer *rb)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i] != rb)
			continue;
		if (r->epfd >= 0)
			(void)epoll_ctl(r->epfd, EPOLL_CTL_DEL, ring_buffer__epoll_fd(rb), NULL);
		r->v[i] = r->v[--r->n];
		return;
	}
}

int lifecycle_loop(struct lifecycle_rings *r, uint64_t start_ns, uint64_t end_ns,
		   const struct lifecycle_hooks *h, void *ctx)
{
	uint64_t next_tick = start_ns + LIFECYCLE_TICK_NS;
	struct epoll_event ev = { .events = EPOLLIN }, evs[LIFECYCLE_MAX_RB + 1];
	int epfd, err = 0, other_fd = h->wake_fd ? h->wake_fd(ctx) : -1;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -errno;
	for (size_t i = 0; i < r->n && !err; i++)
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(r->v[i]), &ev) < 0)
			err = -errno;
	if (!err && other_fd >= 0 && epoll_ctl(epfd, EPOLL_CTL_ADD, other_fd, &ev) < 0)
		err = -errno;
	if (err)
		goto out_close;
	r->epfd = epfd;
	while (!stop_requested && !err) {
		uint64_t now = clock_now_ns(CLOCK_MONOTONIC), wake = next_tick;
		uint64_t other = h->next_wake ? h->next_wake(ctx) : UINT64_MAX;
		bool tick;
		int nev;

		if (now >= end_ns)
			break;
		if (other < wake)
			wake = other;
		if (end_ns < wake)
			wake = end_ns;
		/* records are submitted without a wakeup until a batch waits */
		if (now + WARD_RB_POLL_MS * 1000000ULL < wake)
			wake = now + WARD_RB_POLL_MS * 1000000ULL;
		nev = epoll_wait(epfd, evs, LIFECYCLE_MAX_RB + 1,
				 wake > now ? (int)((wake - now) / 1000000ULL) + 1 : 0);
		if (nev < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		if (h->polling)
			h->polling(ctx);
		/* every ring buffer, woken or not: a batch below WARD_RB_BATCH
		 * wakes nobody (include/ward/common.h) */
		for (size_t i = 0; i < r->n && !err; i++)
			if (ring_buffer__consume(r->v[i]) < 0)
				err = -EIO;
		if (err)
			break;
		now = clock_now_ns(CLOCK_MONOTONIC);
		tick = now >= next_tick;
		if (tick)
			next_tick = now + LIFECYCLE_TICK_NS;
		err = h->woke(ctx, now, tick);
	}
	r->epfd = -1;
out_close:
	close(epfd);
	return err;
}

int drops_read(int fd, uint64_t ret_totals[WARD_DROP__MAX])
{
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu < 0)
		return ncpu;
	uint64_t *vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (uint32_t r = 0; r < WARD_DROP__MAX; r++) {
		ret_totals[r] = 0;
		if (bpf_map_lookup_elem(fd, &r, vals) != 0) {
			int err = -errno;

			free(vals);
			return err;
		}
		for (int c = 0; c < ncpu; c++)
			ret_totals[r] += vals[c];
	}
	free(vals);
	return 0;
}

int lifecycle_drops(struct lifecycle_drops *d, bool final, drops_say_fn say, const void *ctx)
{
	uint64_t totals[WARD_DROP__MAX];
	int err = drops_read(d->fd, totals);

	if (err)
		return err;
	for (unsigned int r = 0; r < WARD_DROP__MAX; r++) {
		uint64_t delta = totals[r] - d->seen[r];

		if (!delta && !final)
			continue;
		d->seen[r] = totals[r];
		if (!final || totals[r])
			say(ctx, r, delta, totals[r]);
	}
	return 0;
}

const char *drop_reason_name(unsigned int reason)
{
	static const char *const names[WARD_DROP__MAX] = {
		[WARD_DROP_RINGBUF] = "ringbuf_full",
		[WARD_DROP_MAP_FULL] = "map_full",
		[WARD_DROP_PATH_TRUNC] = "path_truncated",
		[WARD_DROP_ARGS_TRUNC] = "args_truncated",
		[WARD_DROP_UNDECIDED] = "undecided",
	};

	return reason < WARD_DROP__MAX ? names[reason] : "unknown";
}
