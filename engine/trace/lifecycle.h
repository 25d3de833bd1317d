/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The run lifecycle every command that loads BPF objects and follows them
 * shares (ward run, ward server, ward learn): libbpf's messages, a stop on
 * SIGINT/SIGTERM (a reload on SIGHUP), tracefs, one epoll loop over the
 * objects' ring buffers with a tick and a deadline, and the kernel's drop
 * counters per object. It never prints: the command says what it returns.
 */
#ifndef WARD_LIFECYCLE_H
#define WARD_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include <bpf/libbpf.h>

#include "ward/common.h"

#define LIFECYCLE_TICK_NS 1000000000ULL /* how often the loop's tick comes */
#define LIFECYCLE_MAX_RB  16		/* ring buffers one loop polls */

/* libbpf's messages to stderr (its debug ones only when verbose), a stop on
 * SIGINT/SIGTERM whatever disposition the parent left, tracefs mounted
 * (tracepoint attachment reads event ids from it). Call it first, so a stop
 * asked for while a policy loads is not lost. Returns 1 when it mounted
 * tracefs, 0 when it was there, or -errno. */
int lifecycle_start(bool verbose);
/* The verbose given to lifecycle_start(). */
bool lifecycle_verbose(void);
/* From now on SIGHUP asks for a reload. */
void lifecycle_catch_reload(void);
/* SIGINT or SIGTERM came. */
bool lifecycle_stopping(void);
/* SIGHUP came since the last call. */
bool lifecycle_take_reload(void);

/* What a command does in the loop, with the ctx given to lifecycle_loop(). */
struct lifecycle_hooks {
	/* The earliest CLOCK_MONOTONIC time to wake at besides the tick and
	 * the end (UINT64_MAX: none); NULL: none. */
	uint64_t (*next_wake)(void *ctx);
	/* After every wakeup, before the ring buffers are read (what they
	 * hold is at its most then); NULL: nothing. */
	void (*polling)(void *ctx);
	/* After every wakeup, once the ring buffers that had records were read;
	 * tick: a tick is due. 0, or -errno to end the loop. */
	int (*woke)(void *ctx, uint64_t now, bool tick);
	/* Another descriptor whose readiness wakes the loop (the control API's
	 * requests), or -1; NULL: none. Read once, before the loop starts. */
	int (*wake_fd)(void *ctx);
};

/* The ring buffers a loop polls; trackers plugged in or out while it runs
 * (the control API) join or leave it with lifecycle_rings_add/remove(). */
struct lifecycle_rings {
	struct ring_buffer *v[LIFECYCLE_MAX_RB];
	size_t n;
	int epfd; /* the running loop's, -1 outside it; set it to -1 first */
};
/* 0, -E2BIG when full, or -errno from epoll. */
int lifecycle_rings_add(struct lifecycle_rings *r, struct ring_buffer *rb);
/* Out of the set (and the loop's epoll); nothing if absent. */
void lifecycle_rings_remove(struct lifecycle_rings *r, struct ring_buffer *rb);

/* Poll the ring buffers of r in one epoll loop from start_ns until a stop,
 * end_ns (CLOCK_MONOTONIC; UINT64_MAX: none) or an error. Draining what is
 * left is the command's. Returns 0 or -errno. */
int lifecycle_loop(struct lifecycle_rings *r, uint64_t start_ns, uint64_t end_ns,
		   const struct lifecycle_hooks *h, void *ctx);

/* One object's kernel drop counters (a per-CPU array of enum ward_drop, its
 * ward_drops map) and how much of them was said. */
struct lifecycle_drops {
	int fd; /* -1: none */
	uint64_t seen[WARD_DROP__MAX];
};

typedef void (*drops_say_fn)(const void *ctx, unsigned int reason, uint64_t delta, uint64_t total);
/* say() for every reason whose counter grew since the last call; final: for
 * every reason counted at all, grown or not. 0 or -errno (unread). */
int lifecycle_drops(struct lifecycle_drops *d, bool final, drops_say_fn say, const void *ctx);
/* The sum over CPUs of a ward_drops map, per reason. */
int drops_read(int fd, uint64_t ret_totals[WARD_DROP__MAX]);
const char *drop_reason_name(unsigned int reason);

#endif
