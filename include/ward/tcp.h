/* SPDX-License-Identifier: Apache-2.0 */
/* tcp tracker: connect (with latency), accept and close events. */
#ifndef WARD_TCP_H
#define WARD_TCP_H

#include "ward/common.h"

enum tcp_event_type {
	TCP_EV_CONNECT = 1,
	TCP_EV_ACCEPT = 2,
	TCP_EV_CLOSE = 3,
};

/* One ring-buffer record. Addresses are in network byte order; an IPv4
 * address occupies the first 4 bytes. Ports are in host byte order. */
struct ward_tcp_event {
	__u64 ts_ns; /* CLOCK_MONOTONIC */
	__u64 cgroup_id;
	__u64 latency_ns;  /* connect: SYN sent -> established */
	__u64 duration_ns; /* close: since connect/accept */
	__u32 type;	   /* enum tcp_event_type */
	__u32 pid;
	__u32 uid;
	__s32 error;  /* connect: positive errno when it failed, else 0 */
	__u16 family; /* AF_INET or AF_INET6 */
	__u16 sport;
	__u16 dport;
	__u16 pad;
	__u8 saddr[16];
	__u8 daddr[16];
	char comm[WARD_COMM_LEN];
};

_Static_assert(sizeof(struct ward_tcp_event) == 104, "ward_tcp_event layout");
_Static_assert(__builtin_offsetof(struct ward_tcp_event, cgroup_id) ==
		       __builtin_offsetof(struct ward_rec_hdr, cgroup_id),
	       "ward_tcp_event starts with ward_rec_hdr");

#endif
