// SPDX-License-Identifier: GPL-2.0
/*
 * Network enforcement, the BPF-LSM hooks: connect, bind, listen and
 * datagrams to an address, unix sockets by path, raw and packet sockets, in a
 * targeted container, refused with -EPERM. The fallbacks (cgroup sock_addr and
 * sock_create programs, the socket() and sys_exit tracepoints) are
 * bpf/enforce/net.bpf.c, linked into the same object. docs/enforcement.md.
 */
#include "net.bpf.h"

char LICENSE[] SEC("license") = "GPL";

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

SEC("lsm/socket_create")
int BPF_PROG(ward_sock_create, int family, int type, int protocol, int kern, int ret)
{
	if (ret || kern)
		return ret;
	return decide_socket(sock_kind(family, type), WARD_LEVEL_LSM, true) ? -EPERM : 0;
}
