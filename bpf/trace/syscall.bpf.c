// SPDX-License-Identifier: GPL-2.0
/* syscall tracker: counts every syscall entry per (cgroup, ABI, number). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "common.bpf.h"
#include "ward/syscall.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, SYSCALL_MAX_ENTRIES);
	__type(key, struct ward_sysc_key);
	__type(value, __u64);
} ward_sysc SEC(".maps");

/* Set by ward learn, which shares its learn_outsider map as ward_sysc_outsider
 * (one entry here otherwise): skip the runtime's setup (enum sysc_outsider). */
const volatile bool skip_outsiders = false;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8);
} ward_sysc_outsider SEC(".maps");

/* tp_btf rather than raw_tp: the task is a BTF pointer, read without probe
 * reads, which is most of the cost of a hook that runs on every syscall. */
SEC("tp_btf/sys_enter")
int BPF_PROG(handle_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct ward_sysc_key key = {};
	__u64 one = 1, *cnt;

	if (skip_current(&key.cgroup_id))
		return 0;
	if (skip_outsiders) {
		__u32 tgid = bpf_get_current_pid_tgid() >> 32;
		__u8 *v = bpf_map_lookup_elem(&ward_sysc_outsider, &tgid);

		if (v && *v == SYSC_OUTSIDER)
			return 0;
	}
	key.nr = id;
	key.abi = task->thread_info.status & TS_COMPAT ? SYSCALL_ABI_I386 : SYSCALL_ABI_X86_64;
	cnt = bpf_map_lookup_elem(&ward_sysc, &key);
	if (cnt) {
		*cnt += 1;
		return 0;
	}
	if (!bpf_map_update_elem(&ward_sysc, &key, &one, BPF_NOEXIST))
		return 0;
	cnt = bpf_map_lookup_elem(&ward_sysc, &key); /* lost a race with another CPU */
	if (cnt)
		*cnt += 1;
	else
		count_drop(WARD_DROP_MAP_FULL);
	return 0;
}
