/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tracker is one BPF program family plus its user-space formatter. The
 * session (run.c) owns the shared pieces: container cache, container filter,
 * output stream, clocks; trackers only decode and render.
 */
#ifndef WARD_TRACKER_H
#define WARD_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

#include <bpf/libbpf.h>

#include "ward/common.h"
#include "ward/syscall.h"
#include "attribution/container.h"
#include "attribution/filter.h"
#include "core/sink.h"
#include "lifecycle.h"
#include "ringfill.h"

struct tracker;
struct pending_rec;

#define TRACKER_RINGS 2 /* ring buffers one tracker follows at most */

/* Records whose container only a scan of runtime state can tell, in arrival
 * order: attributed together by one scan off the ring-buffer callback
 * (session_resolve()), never by a scan per record. */
struct pending {
	struct pending_rec **v;
	size_t n;
	uint64_t due_ns;   /* CLOCK_MONOTONIC when it is resolved at the latest */
	size_t held;	   /* of v, those the last session_resolve() kept */
	uint64_t retry_ns; /* when those are looked for again (a scan) */
	bool scan_due;	   /* a record came that only a scan can attribute */
};
#define PENDING_MAX   4096	 /* records; a full queue is resolved at once */
#define PENDING_NS    100000000	 /* the longest a record waits for its container */
#define HOLD_RETRY_NS 1000000000 /* how often held records are looked for again */

/* Kernel maps every tracker of a session shares instead of its own (ward
 * learn: the classification learn.bpf.c's programs consult too). */
struct session_maps {
	int cgfilter_fd; /* ward_cgfilter: the kernel filters by it, user space fills it */
	int outsider_fd; /* ward_sysc_outsider: syscalls of these processes are not counted */
};

struct session {
	struct container_cache *cc;
	struct cgfilter *filter; /* NULL without --container */
	struct sinks sinks;	 /* where every channel's rows go */
	struct pending pending;
	uint64_t mono_to_real_ns;	 /* add to CLOCK_MONOTONIC stamps for wall time */
	const struct session_maps *maps; /* NULL: each tracker has its own */
	/* How long a record of a young cgroup that looks like the host (its
	 * runtime may not have written its state yet: container_info.tentative)
	 * waits for it, retried at each session_resolve(); 0: attributed to the
	 * host at once. The first exec of a container then is not the host's. */
	uint64_t hold_tentative_ns;
	size_t pending_max; /* 0: PENDING_MAX */
	/* every record wakes the loop (the command orders records across
	 * ring buffers: ward learn); false: batched (docs/benchmarks.md) */
	bool rb_wake_each;
	/* records are attributed after the wakeup that brought them, not
	 * batched for PENDING_NS (a short-lived container is attributed only
	 * while its runtime's state exists) */
	bool resolve_each_wakeup;
};

/* Render one record (size bytes) attributed to ci on t->out; -EPROTO when it
 * cannot be decoded (nothing is written then). */
typedef int (*record_emit_fn)(struct tracker *t, const void *rec, size_t size,
			      const struct container_info *ci);

struct tracker_ops {
	const char *name;
	const char *summary;
	const struct out_col *cols;
	size_t n_cols;
	/* Open the skeleton, set its rodata from the session, then call
	 * tracker_load_attach(), or tracker_load_follow() for event trackers. */
	int (*open)(struct tracker *t);
	/* Event trackers: a record's least size and how it is shown. */
	size_t rec_size;
	record_emit_fn emit;
	/* Interval trackers: drain the kernel's tables and print a batch;
	 * final: the session ends (nothing may be kept for later). */
	int (*flush)(struct tracker *t, uint64_t now_real_ns, bool final);
	void (*destroy)(void *skel);
};

struct tracker {
	const struct tracker_ops *ops;
	struct session *s;
	/* where its records go once attributed: ops->emit (rendered to the
	 * session's sinks) unless the command consumes them (ward learn) */
	record_emit_fn emit;
	void *consumer; /* the command's, for its emit */
	struct out *out;
	void *skel;
	struct ring_buffer *rb;
	struct ring_fill fill[TRACKER_RINGS]; /* of each ring rb follows */
	size_t n_fill;
	struct lifecycle_drops drops;
	int cgfilter_fd;
	uint64_t malformed; /* records user space could not decode */
	uint64_t malformed_seen;
	size_t pending; /* of its records in s->pending: later ones queue behind them */
	uint64_t shown; /* records it emitted */
	int err;	/* first error of a ring-buffer callback */
	/* the containers it shows: the session's --container, or its own when
	 * plugged in with one (the control API); NULL: all */
	struct cgfilter *filter;
	bool own_filter;
	uint64_t interval_ns, next_flush; /* interval trackers: CLOCK_MONOTONIC */
};

extern const struct tracker_ops process_tracker, files_tracker, tcp_tracker, syscall_tracker;

/* One count of the syscall tracker's table, as a record. */
struct syscall_count {
	struct ward_sysc_key key;
	uint64_t count;
};
/* For a command that consumes the syscall tracker's counts (ward learn):
 * drain its table, each entry one struct syscall_count through
 * tracker_record_of() to t->emit. 0 or -errno. */
int syscall_counts(struct tracker *t);

#define TRACKER_COUNT 4 /* process, files, tcp, syscall */
const struct tracker_ops *tracker_find(const char *name);
/* The i-th tracker (i < TRACKER_COUNT). */
const struct tracker_ops *tracker_at(size_t i);
/* The i-th tracker's name, NULL past the last (shell completion). */
const char *tracker_name_at(size_t i);
/* Add the tracker named name ("all": every one) to list (*n entries, room for
 * TRACKER_COUNT) unless it is there; -ENOENT for an unknown name. */
int tracker_list_add(const struct tracker_ops **list, size_t *n, const char *name);

/* A tracker of ops on s showing the containers of filter (NULL: all), its
 * tables every interval_ns (0: the command drains them); taken by
 * tracker_close() (filter too when own). 0 or -errno, with what failed in
 * why. */
int tracker_open(struct tracker **ret, const struct tracker_ops *ops, struct session *s,
		 struct cgfilter *filter, bool own, uint64_t interval_ns, char *why,
		 size_t why_size);
void tracker_close(struct tracker *t);
/* The kernel filters its records by cgroup: a container filter, or the
 * session's shared classification. */
bool tracker_filters(const struct tracker *t);

/* Load and attach an opened skeleton (the session's shared maps reused);
 * finds the common maps. */
int tracker_load_attach(struct tracker *t, struct bpf_object_skeleton *sk);
/* tracker_load_attach(), then t->rb follows the ring buffer rb: its records
 * go to tracker_record() with t->ops->rec_size and t->ops->emit. */
int tracker_load_follow(struct tracker *t, struct bpf_object_skeleton *sk, struct bpf_map *rb);

/* The containers of the n cgroup ids of an interval's rows into ret (NULL:
 * not shown, --container), with one scan for those not known yet; 0 or
 * -errno. */
int tracker_containers(struct tracker *t, const uint64_t *ids, size_t n,
		       const struct container_info **ret);

/* One ring-buffer record (starting with struct ward_rec_hdr, at least
 * rec_size bytes): attributed (now, or pending until session_resolve()),
 * filtered by --container, emitted. A short or undecodable record is counted
 * in t->malformed, never printed; other errors go to t->err. Returns 0. */
int tracker_record(struct tracker *t, const void *data, size_t size, size_t rec_size,
		   record_emit_fn emit);
/* The same for a record of any layout, from cgroup cgroup_id at ts_ns
 * (CLOCK_MONOTONIC; 0: unknown). */
int tracker_record_of(struct tracker *t, const void *data, size_t size, uint64_t cgroup_id,
		      uint64_t ts_ns, record_emit_fn emit);
/* An attributed record (ci NULL: one of no container, shown whatever the
 * filter) through the tracker's container filter to emit; counted in
 * t->shown or t->malformed, another error kept in t->err. */
void tracker_deliver(struct tracker *t, const void *data, size_t size,
		     const struct container_info *ci, record_emit_fn emit);
/* Attribute and emit every pending record (one scan), but those the session
 * holds for a young cgroup (hold_tentative_ns) unless final; 0 or -errno. */
int session_resolve(struct session *s, bool final);
/* When session_resolve_due() will resolve at the latest (UINT64_MAX:
 * nothing waits). */
uint64_t session_resolve_at(const struct session *s);
/* session_resolve() when due at now: the oldest record waited PENDING_NS, or
 * (resolve_each_wakeup) records came since the last one. 0 or -errno. */
int session_resolve_due(struct session *s, uint64_t now);
/* Drop what is still pending (teardown after an error). */
void session_pending_free(struct session *s);

/* Take every entry out of a hash map atomically per bucket
 * (BPF_MAP_LOOKUP_AND_DELETE_BATCH); vals holds max values of val_size bytes
 * (per-CPU maps: val_size covers all CPUs). Returns the count or -errno. */
int tracker_drain(int map_fd, void *keys, size_t key_size, void *vals, size_t val_size,
		  uint32_t max);

/* An interval tracker's table: the entries of one kernel hash map, drained
 * each interval, and the container of each. */
struct tracker_table {
	void *keys;
	void *vals;
	uint64_t *ids;
	const struct container_info **cis; /* NULL: not shown (--container) */
	size_t key_size, val_size;
	uint32_t max;
};

/* Room for max entries of key_size and val_size bytes (per-CPU maps: val_size
 * covers all CPUs); 0 or -ENOMEM. */
int tracker_table_init(struct tracker_table *tb, size_t key_size, size_t val_size, uint32_t max);
void tracker_table_free(struct tracker_table *tb);
/* Drain map_fd into tb (tracker_drain()) and find the container of each
 * entry, the one of the cgroup cgroup_of() reads in it (tracker_containers());
 * the count or -errno. */
int tracker_table_drain(struct tracker *t, struct tracker_table *tb, int map_fd,
			uint64_t (*cgroup_of)(const void *key, const void *val));

#endif
