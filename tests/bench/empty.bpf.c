// SPDX-License-Identifier: GPL-2.0
/*
 * Empty programs on the hooks the enforcement benchmark measures
 * (tests/bench/enforce.sh): what any program on the hook costs, the
 * denominator of ward's cost there. And the floor of an exec decision on the
 * fallback hook (floor_tp_prepare). tests/bench/empty_hooks.c loads them.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "path.bpf.h"
#include "target.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/bprm_check_security")
int BPF_PROG(empty_bprm_check, struct linux_binprm *bprm, int ret)
{
	return ret;
}

SEC("lsm/socket_connect")
int BPF_PROG(empty_sock_connect, struct socket *sock, struct sockaddr *address, int addrlen,
	     int ret)
{
	return ret;
}

SEC("lsm/file_open")
int BPF_PROG(empty_file_open, struct file *file, int ret)
{
	return ret;
}

SEC("tp/sched/sched_process_exec")
int empty_tp_exec(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_prepare_exec") /* 6.10 and later: loaded where the kernel has it */
int BPF_PROG(empty_tp_prepare, struct task_struct *task, struct linux_binprm *bprm)
{
	return 0;
}

SEC("cgroup/connect4")
int empty_cg_connect4(struct bpf_sock_addr *ctx)
{
	return 1;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(empty_tp_file, struct pt_regs *regs, long ret)
{
	return 0;
}

/* where ward's open fallback sits on the open syscalls' own exits (bench_loop opens with openat) */
SEC("tp/syscalls/sys_exit_openat")
int empty_tp_file_nr(struct syscall_trace_exit *ctx)
{
	return 0;
}

/*
 * The floor of any exec decision by path on the fallback hook, with ward's
 * maps and code: the current cgroup's id, the live slot, the cgroup's entry
 * (bpf/enforce/target.bpf.h; empty_hooks puts the container's cgroup in),
 * the dentry walk of the resolved binary (bpf/lib/path.bpf.h), the hash of
 * its whole path and one lookup of it (a miss, as in the benchmark). ward's
 * exec program does all of that and more: the invoked name's decision, every
 * prefix of both paths, the rules' candidates, the verdict.
 */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u32);
} floor_paths SEC(".maps");

__u64 floor_hits; /* lookups that hit: none expected, read by nobody; keeps the lookup */

struct floor_hash {
	__u32 off;
	__u64 h;
};

static int floor_byte(__u32 i, void *data)
{
	struct floor_hash *c = data;
	struct path_scratch *ps = path_scratch();
	__u32 at = c->off + i;

	if (!ps || at >= PATH_SCRATCH)
		return 1;
	c->h = (c->h ^ (__u8)ps->buf[at & (PATH_SCRATCH - 1)]) * WARD_FNV_PRIME;
	return 0;
}

SEC("tp_btf/sched_prepare_exec") /* 6.10 and later: loaded where the kernel has it */
int BPF_PROG(floor_tp_prepare, struct task_struct *task, struct linux_binprm *bprm)
{
	struct ward_cg_key k = { .cgid = bpf_get_current_cgroup_id() };
	struct floor_hash c = { .h = WARD_FNV_OFFSET };
	const struct ward_active *a;
	struct path_scratch *ps;
	bool truncated;
	__u32 zero = 0;

	a = bpf_map_lookup_elem(&ward_active, &zero);
	if (!a)
		return 0;
	k.slot = a->slot & (WARD_ENF_SLOTS - 1);
	if (!bpf_map_lookup_elem(&ward_cgroups, &k))
		return 0;
	ps = path_scratch();
	if (!ps)
		return 0;
	c.off = file_path(ps, bprm->file, &truncated);
	if (truncated)
		return 0;
	bpf_loop(PATH_SCRATCH, floor_byte, &c, 0);
	if (bpf_map_lookup_elem(&floor_paths, &c.h))
		__sync_fetch_and_add(&floor_hits, 1);
	return 0;
}
