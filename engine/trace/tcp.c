// SPDX-License-Identifier: Apache-2.0
/* tcp tracker, user side: connect/accept/close records. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ward/tcp.h"
#include "tcp.skel.h"
#include "core/render.h"
#include "tracker.h"

enum {
	C_TIME,
	C_EVENT,
	C_PID,
	C_CONTAINER,
	C_COMM,
	C_FAMILY,
	C_SADDR,
	C_SPORT,
	C_DADDR,
	C_DPORT,
	C_LATENCY,
	C_ERROR,
	C_DURATION,
	C_UID,
	C__COUNT,
};

static const struct out_col cols[C__COUNT] = {
	[C_TIME] = { "time", OUT_TIME, 8, 0 },
	[C_EVENT] = { "event", OUT_STR, 7, 0 },
	[C_PID] = { "pid", OUT_U64, 7, OUT_F_RIGHT },
	[C_CONTAINER] = { "container_name", OUT_CONTAINER, 16, 0 },
	[C_COMM] = { "comm", OUT_STR, 16, 0 },
	[C_FAMILY] = { "family", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_SADDR] = { "saddr", OUT_STR, 15, 0 },
	[C_SPORT] = { "sport", OUT_U64, 5, OUT_F_RIGHT },
	[C_DADDR] = { "daddr", OUT_STR, 15, 0 },
	[C_DPORT] = { "dport", OUT_U64, 5, OUT_F_RIGHT },
	[C_LATENCY] = { "latency_us", OUT_U64, 10, OUT_F_RIGHT },
	[C_ERROR] = { "error", OUT_STR, 0, OUT_F_NO_TABLE },
	[C_DURATION] = { "duration_ms", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_UID] = { "uid", OUT_U64, 0, OUT_F_NO_TABLE },
};

#define BIT(c) (1ULL << (c))

int tcp_render(struct out *o, const struct ward_tcp_event *e, const struct container_info *ci,
	       uint64_t mono_to_real_ns)
{
	union out_val v[C__COUNT] = {};
	uint64_t present = OUT_ALL & ~(BIT(C_LATENCY) | BIT(C_ERROR) | BIT(C_DURATION));
	char saddr[INET6_ADDRSTRLEN], daddr[INET6_ADDRSTRLEN], comm[WARD_COMM_LEN];
	int af;

	if (e->family != AF_INET && e->family != AF_INET6)
		return -EPROTO;
	af = e->family;
	if (!inet_ntop(af, e->saddr, saddr, sizeof(saddr)) ||
	    !inet_ntop(af, e->daddr, daddr, sizeof(daddr)))
		return -EPROTO;
	memcpy(comm, e->comm, sizeof(comm));
	comm[sizeof(comm) - 1] = '\0';

	v[C_TIME].u = e->ts_ns + mono_to_real_ns;
	v[C_PID].u = e->pid;
	v[C_CONTAINER].c = ci;
	v[C_COMM].s = comm;
	v[C_FAMILY].u = af == AF_INET6 ? 6 : 4;
	v[C_SADDR].s = saddr;
	v[C_SPORT].u = e->sport;
	v[C_DADDR].s = daddr;
	v[C_DPORT].u = e->dport;
	v[C_UID].u = e->uid;
	switch (e->type) {
	case TCP_EV_CONNECT:
		v[C_EVENT].s = "connect";
		v[C_LATENCY].u = e->latency_ns / 1000;
		present |= BIT(C_LATENCY);
		if (e->error) {
			v[C_ERROR].s = strerrorname_np(e->error) ?: "unknown";
			present |= BIT(C_ERROR);
		}
		break;
	case TCP_EV_ACCEPT:
		v[C_EVENT].s = "accept";
		break;
	case TCP_EV_CLOSE:
		v[C_EVENT].s = "close";
		v[C_DURATION].u = e->duration_ns / 1000000;
		present |= BIT(C_DURATION);
		break;
	default:
		return -EPROTO;
	}
	return out_row(o, v, present);
}

struct out *tcp_out_new(struct sinks *set)
{
	return out_new(set, "tcp", OUT_EVENT, cols, C__COUNT);
}

static int emit(struct tracker *t, const void *rec, size_t size, const struct container_info *ci)
{
	return tcp_render(t->out, rec, ci, t->s->mono_to_real_ns);
}

static int tcp_open(struct tracker *t)
{
	struct tcp_bpf *skel = tcp_bpf__open();

	if (!skel)
		return -errno;
	t->skel = skel;
	skel->rodata->filter_cgroups = tracker_filters(t);
	skel->rodata->rb_batch = !t->s->rb_wake_each; /* bpf/lib/common.bpf.h */
	skel->rodata->self_tgid = (__u32)getpid();
	return tracker_load_follow(t, skel->skeleton, skel->maps.ward_tcp_rb);
}

static void tcp_destroy(void *skel)
{
	tcp_bpf__destroy(skel);
}

const struct tracker_ops tcp_tracker = {
	.name = "tcp",
	.summary = "TCP connect (with latency), accept and close, with addresses and ports",
	.cols = cols,
	.n_cols = C__COUNT,
	.open = tcp_open,
	.rec_size = sizeof(struct ward_tcp_event),
	.emit = emit,
	.destroy = tcp_destroy,
};
