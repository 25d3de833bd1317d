/* SPDX-License-Identifier: Apache-2.0 */
/* BPF-side helpers every tracker includes: drop counters, container filter.
 * Maps and settings are __weak: the enforcement objects, linked from two
 * halves that both include this, keep one of each (bpf/enforce/enforce.bpf.h). */
#ifndef WARD_COMMON_BPF_H
#define WARD_COMMON_BPF_H

#include "ward/common.h"

/* uapi and kernel values vmlinux.h does not carry */
#define AF_UNIX	  1
#define AF_INET	  2
#define AF_INET6  10
#define TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h: task is in a 32-bit syscall */

/* Set by user space between open and load. */
const volatile bool filter_cgroups __weak = false; /* --container given */
const volatile __u32 self_tgid __weak = 0;	   /* ward itself: never traced */

/* Per-CPU failure counters, indexed by enum ward_drop. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WARD_DROP__MAX);
	__type(key, __u32);
	__type(value, __u64);
} ward_drops __weak SEC(".maps");

/* Container filter: cgroup v2 id -> enum ward_cg_verdict. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WARD_CGFILTER_MAX);
	__type(key, __u64);
	__type(value, __u8);
} ward_cgfilter __weak SEC(".maps");

/* Set by the engine before load: submit event records in batches. The
 * trackers do; `ward learn` does not, because it reads several ring buffers
 * whose records it must see in the order they happened. */
const volatile bool rb_batch __weak = false;

/* The flags to submit an event record to ring buffer rb with (include/ward/
 * common.h: batches). Policy alerts and held execs wake at once instead. */
static __always_inline __u64 ward_rb_wakeup(void *rb)
{
	if (!rb_batch)
		return 0;
	return bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) >= WARD_RB_BATCH ? BPF_RB_FORCE_WAKEUP
									 : BPF_RB_NO_WAKEUP;
}

static __always_inline void count_drop(__u32 reason)
{
	__u64 *cnt = bpf_map_lookup_elem(&ward_drops, &reason);

	if (cnt)
		*cnt += 1; /* per-CPU slot: no atomics needed */
}

/* True when events of this cgroup must not reach user space. */
static __always_inline bool cgroup_filtered(__u64 cgid)
{
	__u8 *verdict;

	if (!filter_cgroups)
		return false;
	verdict = bpf_map_lookup_elem(&ward_cgfilter, &cgid);
	return verdict && *verdict == WARD_CG_UNWANTED;
}

/* The common entry check: skip ward itself and filtered containers. */
static __always_inline bool skip_current(__u64 *ret_cgid)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (tgid == self_tgid)
		return true;
	*ret_cgid = bpf_get_current_cgroup_id();
	return cgroup_filtered(*ret_cgid);
}

#endif
