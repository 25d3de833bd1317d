/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layouts shared by every tracker's BPF and user side. No kernel types:
 * fixed-width integers only, so both compilers agree (asserted below).
 */
#ifndef WARD_BPF_COMMON_H
#define WARD_BPF_COMMON_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define WARD_COMM_LEN 16

/* Event records are read in batches (bpf/lib/common.bpf.h, ward_rb_wakeup()): the
 * consumer is woken once WARD_RB_BATCH bytes wait, and otherwise reads every
 * ring buffer each WARD_RB_POLL_MS (engine/trace/lifecycle.c), so a record
 * waits at most that long and a busy consumer is not woken once per record. */
#define WARD_RB_BATCH	(64 << 10)
#define WARD_RB_POLL_MS 50

/* Index into the per-CPU ward_drops array: every BPF-side failure is counted. */
enum ward_drop {
	WARD_DROP_RINGBUF = 0, /* bpf_ringbuf_reserve() failed: event lost */
	WARD_DROP_MAP_FULL,    /* a hash map update failed: entry not recorded */
	WARD_DROP_PATH_TRUNC,  /* a path was deeper/longer than recorded: kept the tail */
	WARD_DROP_ARGS_TRUNC,  /* argv longer than recorded */
	WARD_DROP_UNDECIDED,   /* a policy decision could not complete: refused */
	WARD_DROP__MAX,
};

/*
 * Value of ward_cgfilter (key: __u64 cgroup v2 id), consulted only when the
 * tracker was loaded with a container filter. A cgroup absent from the map is
 * not yet classified: its events go to user space, which classifies it.
 */
enum ward_cg_verdict {
	WARD_CG_WANTED = 1,
	WARD_CG_UNWANTED = 2,
};

#define WARD_CGFILTER_MAX 4096

/* Every ring-buffer record starts with this header, so user space can
 * attribute a record before decoding the rest (asserted per record type). */
struct ward_rec_hdr {
	__u64 ts_ns; /* CLOCK_MONOTONIC */
	__u64 cgroup_id;
};

#endif
