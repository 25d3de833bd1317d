// SPDX-License-Identifier: GPL-2.0
/*
 * Network enforcement: connect, bind, listen and datagrams to an address,
 * unix sockets by path, raw and packet sockets, in a targeted container.
 * BPF-LSM refuses with -EPERM; without it, cgroup sock_addr and sock_create
 * programs attached to each targeted cgroup refuse with EPERM, and the
 * socket() and sys_exit tracepoints report and kill (tp_sock_kill).
 * docs/enforcement.md.
 */
#include "enforce.bpf.h"
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

static __always_inline bool sock_proto(struct socket *sock, struct ward_req *r)
{
	short type = BPF_CORE_READ(sock, type);

	if (type == SOCK_STREAM)
		r->mask = WARD_PROTO_TCP;
	else if (type == SOCK_DGRAM)
		r->mask = WARD_PROTO_UDP;
	else
		return false;
	return true;
}

/* IPv4 as IPv4-mapped IPv6, so one trie covers both forms. */
static __always_inline void addr_v4(struct ward_req *r, __u32 a)
{
	__builtin_memset(r->addr, 0, 10);
	r->addr[10] = 0xff;
	r->addr[11] = 0xff;
	__builtin_memcpy(&r->addr[12], &a, 4);
	r->family = 4;
}

static __always_inline void addr_v6(struct ward_req *r, const __u8 *a)
{
	__u64 hi;
	__u32 mid;

	__builtin_memcpy(r->addr, a, 16);
	__builtin_memcpy(&hi, a, 8);
	__builtin_memcpy(&mid, a + 8, 4);
	/* ::ffff:a.b.c.d is an IPv4 peer */
	r->family = hi == 0 && mid == bpf_htonl(0xffff) ? 4 : 6;
}

/* Reads a sockaddr (kernel memory) into r; false for other families. */
static __always_inline bool sockaddr_req(struct sockaddr *sa, struct ward_req *r)
{
	unsigned short fam = BPF_CORE_READ(sa, sa_family);

	if (fam == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;

		addr_v4(r, BPF_CORE_READ(in, sin_addr.s_addr));
		r->port = bpf_ntohs(BPF_CORE_READ(in, sin_port));
		return true;
	}
	if (fam == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
		__u8 a[16];

		if (bpf_probe_read_kernel(a, sizeof(a), &in6->sin6_addr))
			return false;
		addr_v6(r, a);
		r->port = bpf_ntohs(BPF_CORE_READ(in6, sin6_port));
		return true;
	}
	return false;
}

/* Decide the address event in s->req; the exe is read only for an alert. */
static __always_inline int decide_net(struct ward_scratch *s)
{
	ward_decide(s);
	return lsm_verdict(s);
}

static __always_inline int net_addr_hook(struct socket *sock, struct sockaddr *address, __u8 op,
					 __u32 netop)
{
	struct ward_scratch *s = cpu_request(WARD_CLS_NET, op, 0, 0);

	if (!s)
		return 0;
	s->req.netop = netop;
	if (!sock_proto(sock, &s->req) || !sockaddr_req(address, &s->req))
		return 0;
	return decide_net(s);
}

/*
 * Unix sockets are decided twice: by the name a connect or datagram gives
 * (sun_path, against the cwd when relative: the path as the container sees
 * it, also for a socket bind-mounted in from the host) and by the path the
 * peer is bound to (unix_peer() below: resolved, but walked on the peer's
 * mount, which is the host's for a socket bound outside the container).
 * Abstract names are not paths and are not decided.
 */
static __always_inline int unix_named(struct sockaddr *sa)
{
	struct ward_scratch *s =
		cpu_request(WARD_CLS_NET, WARD_OP_UNIX_CONNECT, WARD_DOM_UNIX_CONNECT, 1);

	int ret;

	if (!s)
		return 0;
	/* sun_path need not be NUL-terminated: at most its 108 bytes */
	ret = name_path(s, 0, ((struct sockaddr_un *)sa)->sun_path, false, UNIX_PATH_MAX, true);
	if (ret > 0)
		return 0; /* abstract: not a path */
	if (ret < 0)
		path_failed(s);
	exe_for_decision(s);
	return decide_path(s);
}

SEC("lsm/socket_connect")
int BPF_PROG(ward_sock_connect, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	if (ret)
		return ret;
	if (BPF_CORE_READ(address, sa_family) == AF_UNIX)
		return unix_named(address);
	return net_addr_hook(sock, address, WARD_OP_CONNECT, WARD_NET_CONNECT);
}

SEC("lsm/socket_bind")
int BPF_PROG(ward_sock_bind, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	if (ret)
		return ret;
	return net_addr_hook(sock, address, WARD_OP_BIND, WARD_NET_BIND);
}

/* listen() on a socket bound implicitly (or earlier, before the policy). */
SEC("lsm/socket_listen")
int BPF_PROG(ward_sock_listen, struct socket *sock, int backlog, int ret)
{
	struct ward_scratch *s;
	struct sock *sk;
	__u16 fam;

	if (ret)
		return ret;
	s = cpu_request(WARD_CLS_NET, WARD_OP_LISTEN, 0, 0);
	if (!s || !sock_proto(sock, &s->req))
		return 0;
	s->req.netop = WARD_NET_BIND;
	sk = BPF_CORE_READ(sock, sk);
	fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (fam == AF_INET) {
		addr_v4(&s->req, BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr));
	} else if (fam == AF_INET6) {
		__u8 a[16];

		if (bpf_probe_read_kernel(a, sizeof(a), &sk->__sk_common.skc_v6_rcv_saddr))
			return 0;
		addr_v6(&s->req, a);
	} else {
		return 0;
	}
	s->req.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	return decide_net(s);
}

/* Datagrams sent to an address without connect(): checked like a connect. */
SEC("lsm/socket_sendmsg")
int BPF_PROG(ward_sock_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	struct sockaddr *name;

	if (ret)
		return ret;
	name = BPF_CORE_READ(msg, msg_name);
	if (!name)
		return 0;
	if (BPF_CORE_READ(name, sa_family) == AF_UNIX)
		return unix_named(name);
	return net_addr_hook(sock, name, WARD_OP_SENDMSG, WARD_NET_CONNECT);
}

/* The peer of a connect or datagram to a unix socket: the path it is bound
 * to, as the connecting container sees it (none: unbound or abstract). */
static __always_inline int unix_peer(struct sock *other)
{
	struct ward_scratch *s;
	unsigned long at = 0;
	struct unix_sock *u;

	s = cpu_request(WARD_CLS_NET, WARD_OP_UNIX_CONNECT, WARD_DOM_UNIX_CONNECT, 1);
	if (!s)
		return 0;
	/* a plain number: unix_sock extends the struct sock the hook was given */
	if (bpf_probe_read_kernel(&at, sizeof(at), &other) || !at)
		return 0;
	u = (struct unix_sock *)at;
	if (!BPF_CORE_READ(u, path.dentry))
		return 0; /* unbound or abstract */
	if (walk_path(&u->path, s) < 0)
		path_failed(s);
	exe_for_decision(s);
	return decide_path(s);
}

/* connect() of stream and seqpacket sockets */
SEC("lsm/unix_stream_connect")
int BPF_PROG(ward_unix_connect, struct sock *sock, struct sock *other, struct sock *newsk, int ret)
{
	if (ret)
		return ret;
	return unix_peer(other);
}

/* connect() of datagram sockets, and every datagram sent */
SEC("lsm/unix_may_send")
int BPF_PROG(ward_unix_send, struct socket *sock, struct socket *other, int ret)
{
	if (ret)
		return ret;
	return unix_peer(BPF_CORE_READ(other, sk));
}

/* bind() of a unix socket by path creates its inode here (path resolved). */
SEC("lsm/path_mknod")
int BPF_PROG(ward_unix_bind, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	if (ret || (mode & S_IFMT) != S_IFSOCK)
		return ret;
	return path_decide(dir, dentry, WARD_CLS_NET, WARD_OP_UNIX_BIND, WARD_DOM_UNIX_BIND, 1);
}

/* ---- socket kinds -------------------------------------------------------------------------- */

/* The kind of socket rules name (enum ward_sock_kind), 0 for the others. */
static __always_inline __u32 sock_kind(int family, int type)
{
	if (family == AF_PACKET)
		return WARD_SOCK_PACKET;
	if ((family == AF_INET || family == AF_INET6) && type == SOCK_RAW)
		return WARD_SOCK_RAW;
	return 0;
}

/* Decide the creation of a socket of kind and alert: ward_verdict() at
 * block_level (true: the caller refuses; sigkill has killed already). */
static __always_inline bool decide_socket(__u32 kind, __u8 block_level, bool task)
{
	struct ward_scratch *s;

	if (!kind)
		return false;
	s = cpu_request(WARD_CLS_NET, WARD_OP_SOCKET, WARD_DOM_SOCKET, 1);
	if (!s)
		return false;
	s->req.num = kind;
	ward_number_key(&s->ko, kind);
	ward_decide(s);
	return ward_verdict(s, block_level, task);
}

SEC("lsm/socket_create")
int BPF_PROG(ward_sock_create, int family, int type, int protocol, int kern, int ret)
{
	if (ret || kern)
		return ret;
	return decide_socket(sock_kind(family, type), WARD_LEVEL_LSM, true) ? -EPERM : 0;
}

/* ---- without BPF-LSM --------------------------------------------------------------------------- */

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
 * (x86_64 callers; which syscall is which and where its address is: the
 * syscall-operation table learning reads, include/ward/sysops.h), decided after the
 * syscall on the name the caller passed (relative against the cwd), not
 * resolved; a blocked one's caller is killed. Abstract names and other
 * families are not decided.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(ward_tp_unix, struct pt_regs *regs, long ret)
{
	struct task_struct *t = bpf_get_current_task_btf();
	const volatile struct ward_sysop *op;
	unsigned long addr;
	__u16 family = 0;
	bool bind;

	if (ret < 0 || (t->thread_info.status & TS_COMPAT))
		return 0;
	op = sysop_of(ward_sysops, regs, false); /* before the targeting check: cheaper */
	if (!op || op->kind < WARD_SYSOP_BIND || op->kind == WARD_SYSOP_GATE ||
	    !ward_current_targeted())
		return 0;
	bind = op->kind == WARD_SYSOP_BIND;
	/* bind, connect: the address is argument 1; sendto, sendmsg: path[1] */
	addr = sysop_arg(regs, false, op->kind >= WARD_SYSOP_SENDTO ? op->path[1] : 1);
	if (op->kind == WARD_SYSOP_SENDMSG && /* msg_name: the msghdr's first field */
	    bpf_probe_read_user(&addr, sizeof(addr), (void *)addr))
		return 0;
	if (!addr || bpf_probe_read_user(&family, sizeof(family), (void *)addr) ||
	    family != AF_UNIX)
		return 0;
	ward_name_after(cpu_request(WARD_CLS_NET, bind ? WARD_OP_UNIX_BIND : WARD_OP_UNIX_CONNECT,
				    bind ? WARD_DOM_UNIX_BIND : WARD_DOM_UNIX_CONNECT, 1),
			addr + sizeof(family), 0, UNIX_PATH_MAX, tp_sock_kill);
	return 0;
}
