// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall rules, alert (or allow) only: ward blocks at the resource (the
 * file, the program, the capability). The same on every kernel: tp_btf needs
 * no BPF-LSM. docs/enforcement.md.
 */
#include "enforce.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Syscalls a container was alerted for, per generation. */
struct ward_sys_key {
	__u64 cgroup_id;
	__u32 generation;
	__u32 nr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct ward_sys_key);
	__type(value, __u8);
} ward_sys_seen SEC(".maps");

/* Whether the live generation decides syscall nr at all (ward_sysbits):
 * most calls of every task end here. The slot read first, then its bits: a
 * call racing a switch is decided as the generation it then reads says. */
static __always_inline bool sys_decided(long nr)
{
	const struct ward_active *a;
	const struct ward_sysbits *b;
	__u32 zero = 0, slot;

	a = bpf_map_lookup_elem(&ward_active, &zero);
	if (!a)
		return false;
	slot = a->slot & (WARD_ENF_SLOTS - 1);
	if (!a->gen[slot])
		return false;
	b = bpf_map_lookup_elem(&ward_sysbits, &slot);
	if (!b)
		return true;
	if (nr >= WARD_SYSBITS)
		return b->high;
	return b->bits[ward_bound((__u64)nr / 64, WARD_SYSBITS / 64 - 1)] >> (nr % 64) & 1;
}

/*
 * The first call of a syscall by a container under a generation alerts, later
 * ones are counted only (a loop of a forbidden call must not flood the ring
 * buffer). Rules name x86_64 numbers: calls of 32-bit (compat) tasks are not
 * decided.
 */
static __always_inline void sys_enter(long id)
{
	struct ward_sys_key k = {};
	struct ward_scratch *s;
	__u8 one = 1;

	if (id < 0 || !sys_decided(id))
		return;
	s = cpu_request(WARD_CLS_SYSCALL, WARD_OP_SYSCALL, WARD_DOM_SYSCALL, 1);
	if (!s)
		return;
	s->req.num = (__u32)id;
	ward_number_key(&s->ko, (__u32)id);
	if (ward_decide(s) == WARD_ACT_ALLOW)
		return;
	k.cgroup_id = s->req.cgid;
	k.generation = s->req.generation;
	k.nr = (__u32)id;
	if (bpf_map_update_elem(&ward_sys_seen, &k, &one, BPF_NOEXIST))
		return; /* alerted already */
	exe_walk(s);
	ward_alert(s, WARD_LEVEL_NONE, true);
}

/* Every syscall's entry: attached only while a policy decides every syscall
 * (a syscall default other than allow) or one without a tracepoint of its
 * own (enforce.c, sync_sys()). */
SEC("tp_btf/sys_enter")
int BPF_PROG(ward_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (!(task->thread_info.status & TS_COMPAT))
		sys_enter(id);
	return 0;
}

/* The entry of one syscall the live policies name: attached to
 * syscalls:sys_enter_NAME of each (sync_sys()), so the others pay nothing.
 * These tracepoints do not fire for compat calls. */
SEC("tp")
int ward_sys_nr(struct syscall_trace_enter *ctx)
{
	sys_enter(ctx->nr);
	return 0;
}
