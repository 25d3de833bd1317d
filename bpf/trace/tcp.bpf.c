// SPDX-License-Identifier: GPL-2.0
/*
 * tcp tracker on tracepoints only (no kprobes needed):
 *   connect: sock/inet_sock_set_state CLOSE->SYN_SENT runs in the connecting
 *            task; SYN_SENT->ESTABLISHED|CLOSE (often in softirq) completes it.
 *   accept:  syscalls/sys_exit_accept{,4} in the accepting task.
 *   close:   any state -> CLOSE of a connection tracked above.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "common.bpf.h"
#include "ward/tcp.h"

char LICENSE[] SEC("license") = "GPL";

/* Value of ward_tcp_conns (key: struct sock * as __u64): who owns it. */
struct conn {
	__u64 start_ns; /* SYN sent, or established/accepted */
	__u64 cgroup_id;
	__u32 pid;
	__u32 uid;
	__u32 established;
	__u32 pad;
	char comm[WARD_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct conn);
} ward_tcp_conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} ward_tcp_rb SEC(".maps");

static __always_inline struct ward_tcp_event *reserve(__u32 type, const struct conn *c, __u64 now)
{
	struct ward_tcp_event *e;

	e = bpf_ringbuf_reserve(&ward_tcp_rb, sizeof(*e), 0);
	if (!e) {
		count_drop(WARD_DROP_RINGBUF);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = now;
	e->type = type;
	e->cgroup_id = c->cgroup_id;
	e->pid = c->pid;
	e->uid = c->uid;
	__builtin_memcpy(e->comm, c->comm, sizeof(e->comm));
	return e;
}

static __always_inline void conn_init(struct conn *c, __u64 cgid, __u64 now)
{
	c->start_ns = now;
	c->cgroup_id = cgid;
	c->pid = bpf_get_current_pid_tgid() >> 32;
	c->uid = (__u32)bpf_get_current_uid_gid();
	c->established = 0;
	c->pad = 0;
	bpf_get_current_comm(c->comm, sizeof(c->comm));
}

static __always_inline void addrs_from_ctx(struct ward_tcp_event *e,
					   struct trace_event_raw_inet_sock_set_state *ctx)
{
	e->family = ctx->family;
	e->sport = ctx->sport;
	e->dport = ctx->dport;
	/* tracepoint context arrays: copied with probe reads, the verifier
	 * refuses loads through a modified ctx pointer */
	if (ctx->family == AF_INET) {
		bpf_probe_read_kernel(e->saddr, 4, ctx->saddr);
		bpf_probe_read_kernel(e->daddr, 4, ctx->daddr);
	} else {
		bpf_probe_read_kernel(e->saddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(e->daddr, 16, ctx->daddr_v6);
	}
}

SEC("tp/sock/inet_sock_set_state")
int handle_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr, now = bpf_ktime_get_ns(), cgid;
	struct ward_tcp_event *e;
	struct conn *c, nc;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (ctx->newstate == TCP_SYN_SENT) {
		if (skip_current(&cgid))
			return 0;
		conn_init(&nc, cgid, now);
		if (bpf_map_update_elem(&ward_tcp_conns, &sk, &nc, BPF_ANY))
			count_drop(WARD_DROP_MAP_FULL);
		return 0;
	}

	c = bpf_map_lookup_elem(&ward_tcp_conns, &sk);
	if (!c)
		return 0;
	if (ctx->oldstate == TCP_SYN_SENT) {
		e = reserve(TCP_EV_CONNECT, c, now);
		if (e) {
			addrs_from_ctx(e, ctx);
			e->latency_ns = now - c->start_ns;
			if (ctx->newstate != TCP_ESTABLISHED)
				e->error = BPF_CORE_READ((struct sock *)ctx->skaddr, sk_err);
			bpf_ringbuf_submit(e, ward_rb_wakeup(&ward_tcp_rb));
		}
		if (ctx->newstate == TCP_ESTABLISHED) {
			c->start_ns = now;
			c->established = 1;
		} else {
			bpf_map_delete_elem(&ward_tcp_conns, &sk);
		}
		return 0;
	}
	if (ctx->newstate != TCP_CLOSE)
		return 0;
	if (c->established) {
		e = reserve(TCP_EV_CLOSE, c, now);
		if (e) {
			addrs_from_ctx(e, ctx);
			e->duration_ns = now - c->start_ns;
			bpf_ringbuf_submit(e, ward_rb_wakeup(&ward_tcp_rb));
		}
	}
	bpf_map_delete_elem(&ward_tcp_conns, &sk);
	return 0;
}

static __always_inline int on_accept(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	__u64 now = bpf_ktime_get_ns(), cgid, skp;
	struct ward_tcp_event *e;
	struct file *f = NULL;
	struct socket *sock;
	struct file **fds;
	struct sock *sk;
	struct conn c;

	if (fd < 0 || skip_current(&cgid))
		return 0;
	if (fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	if (!f)
		return 0;
	sock = BPF_CORE_READ(f, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;

	conn_init(&c, cgid, now);
	c.established = 1;
	skp = (__u64)sk;
	if (bpf_map_update_elem(&ward_tcp_conns, &skp, &c, BPF_ANY))
		count_drop(WARD_DROP_MAP_FULL);

	e = reserve(TCP_EV_ACCEPT, &c, now);
	if (!e)
		return 0;
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (e->family == AF_INET) {
		bpf_core_read(e->saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(e->daddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(e->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(e->daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
	bpf_ringbuf_submit(e, ward_rb_wakeup(&ward_tcp_rb));
	return 0;
}

SEC("tp/syscalls/sys_exit_accept4")
int exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept(ctx->ret);
}

SEC("tp/syscalls/sys_exit_accept")
int exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept(ctx->ret);
}
