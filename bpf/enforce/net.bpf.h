/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What both halves of the network object use (lsm/net.bpf.c, the BPF-LSM
 * hooks; bpf/enforce/net.bpf.c, the cgroup programs and tracepoints): an
 * address into the request, and the decision of a socket's creation.
 */
#ifndef WARD_ENFORCE_NET_BPF_H
#define WARD_ENFORCE_NET_BPF_H

#include "enforce.bpf.h"

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

#endif
