// SPDX-License-Identifier: GPL-2.0
/*
 * Network enforcement without BPF-LSM: cgroup sock_addr and sock_create
 * programs attached to each targeted cgroup refuse with EPERM, and the
 * socket() and sys_exit tracepoints report and kill (tp_sock_kill). Linked
 * with lsm/net.bpf.c (the BPF-LSM hooks) into one object. docs/enforcement.md.
 */
#include "net.bpf.h"
#include "sysops.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the engine before load. Without BPF-LSM: raw IP sockets are decided
 * by cgroup/sock_create (cg_sock_raw), the other kinds by the socket()
 * tracepoint, which kills a blocked caller when tp_sock_kill is set, as does
 * sys_exit for unix sockets by path. */
const volatile bool cg_sock_raw = false;
const volatile bool tp_sock_kill = false;
/* What each syscall does (include/ward/sysops.h), filled by the engine before load. */
const volatile struct ward_sysop ward_sysops[2 * WARD_SYSOP_NR] = {};

/* cgroup sock_addr: attached to each targeted container's cgroup; 0 refuses
 * the call with EPERM, 1 lets it proceed. */
static __always_inline int cg_decide(struct bpf_sock_addr *ctx, __u8 op, __u32 netop, bool v6)
{
	struct ward_scratch *s = cpu_request(WARD_CLS_NET, op, 0, 0);
	struct ward_req *r;

	if (!s)
		return 1;
	r = &s->req;
	r->netop = netop;
	if (ctx->type == SOCK_STREAM)
		r->mask = WARD_PROTO_TCP;
	else if (ctx->type == SOCK_DGRAM)
		r->mask = WARD_PROTO_UDP;
	else
		return 1;
	if (v6) {
		__u32 a[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2],
			       ctx->user_ip6[3] };

		addr_v6(r, (const __u8 *)a);
	} else {
		addr_v4(r, ctx->user_ip4);
	}
	r->port = bpf_ntohs((__u16)ctx->user_port);
	ward_decide(s);
	return !ward_verdict(s, WARD_LEVEL_CGROUP, false);
}

SEC("cgroup/connect4")
int ward_cg_connect4(struct bpf_sock_addr *ctx)
{
	return cg_decide(ctx, WARD_OP_CONNECT, WARD_NET_CONNECT, false);
}

SEC("cgroup/connect6")
int ward_cg_connect6(struct bpf_sock_addr *ctx)
{
	return cg_decide(ctx, WARD_OP_CONNECT, WARD_NET_CONNECT, true);
}

SEC("cgroup/sendmsg4")
int ward_cg_sendmsg4(struct bpf_sock_addr *ctx)
{
	return cg_decide(ctx, WARD_OP_SENDMSG, WARD_NET_CONNECT, false);
}

SEC("cgroup/sendmsg6")
int ward_cg_sendmsg6(struct bpf_sock_addr *ctx)
{
	return cg_decide(ctx, WARD_OP_SENDMSG, WARD_NET_CONNECT, true);
}

SEC("cgroup/bind4")
int ward_cg_bind4(struct bpf_sock_addr *ctx)
{
	return cg_decide(ctx, WARD_OP_BIND, WARD_NET_BIND, false);
}

SEC("cgroup/bind6")
int ward_cg_bind6(struct bpf_sock_addr *ctx)
{
	return cg_decide(ctx, WARD_OP_BIND, WARD_NET_BIND, true);
}

/* Raw IP sockets: refused with EPERM (the hook sees AF_INET and AF_INET6
 * only: packet sockets are the tracepoint's below). */
SEC("cgroup/sock_create")
int ward_cg_sock_create(struct bpf_sock *ctx)
{
	return !decide_socket(sock_kind(ctx->family, ctx->type), WARD_LEVEL_CGROUP, false);
}

/* The other kinds, reported or killed (the socket was created, its creator
 * dies before using it). Compat (32-bit) calls do not reach this tracepoint. */
SEC("tp/syscalls/sys_enter_socket")
int ward_tp_socket(struct trace_event_raw_sys_enter *ctx)
{
	__u32 kind = sock_kind((int)ctx->args[0], (int)ctx->args[1] & SOCK_TYPE_MASK);

	if (kind == WARD_SOCK_RAW && cg_sock_raw)
		return 0;
	decide_socket(kind, tp_sock_kill ? WARD_LEVEL_SIGKILL : WARD_LEVEL_NONE, true);
	return 0;
}

/*
 * Unix sockets by path in a successful connect, bind, sendto or sendmsg
 * (x86_64 and x32 callers; which syscall is which and where its address is:
 * the syscall-operation table learning reads, include/ward/sysops.h), syscall
 * nr with its arguments in regs, decided after the syscall on the name the
 * caller passed (relative against the cwd), not resolved; a blocked one's
 * caller is killed. Abstract names and other families are not decided.
 */
static __always_inline void unix_exit(struct pt_regs *regs, __u64 nr)
{
	const volatile struct ward_sysop *op;
	unsigned long addr;
	__u16 family = 0;
	bool bind;

	op = sysop_nr(ward_sysops, nr, false); /* before the targeting check: cheaper */
	if (!op || op->kind < WARD_SYSOP_BIND || op->kind == WARD_SYSOP_GATE ||
	    !ward_current_targeted())
		return;
	bind = op->kind == WARD_SYSOP_BIND;
	/* bind, connect: the address is argument 1; sendto, sendmsg: path[1] */
	addr = sysop_arg(regs, false, op->kind >= WARD_SYSOP_SENDTO ? op->path[1] : 1);
	if (op->kind == WARD_SYSOP_SENDMSG && /* msg_name: the msghdr's first field */
	    bpf_probe_read_user(&addr, sizeof(addr), (void *)addr))
		return;
	if (!addr || bpf_probe_read_user(&family, sizeof(family), (void *)addr) ||
	    family != AF_UNIX)
		return;
	ward_name_after(cpu_request(WARD_CLS_NET, bind ? WARD_OP_UNIX_BIND : WARD_OP_UNIX_CONNECT,
				    bind ? WARD_DOM_UNIX_BIND : WARD_DOM_UNIX_CONNECT, 1),
			addr + sizeof(family), 0, UNIX_PATH_MAX, tp_sock_kill);
}

/* Every syscall's exit: where the kernel runs x32 syscalls, which the
 * syscalls:* tracepoints do not see. */
SEC("tp_btf/sys_exit")
int BPF_PROG(ward_tp_unix, struct pt_regs *regs, long ret)
{
	struct task_struct *t = bpf_get_current_task_btf();

	if (ret >= 0 && !(t->thread_info.status & TS_COMPAT))
		unix_exit(regs, BPF_CORE_READ(regs, orig_ax));
	return 0;
}

/* The exit of one x86_64 syscall of the table that names a socket address:
 * attached by the engine to syscalls:sys_exit_NAME of each (attach_nr()). */
SEC("tp")
int ward_tp_unix_nr(struct syscall_trace_exit *ctx)
{
	if (ctx->ret >= 0)
		unix_exit((struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf()), ctx->nr);
	return 0;
}
