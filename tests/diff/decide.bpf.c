// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel lookup (bpf/enforce/lookup.bpf.h, ward_decide()) run on one event given
 * as a packet, for the differential test against rulesc's ward_eval()
 * (tests/diff/test_decide.c). Its maps are the enforcement maps, reused from
 * the pins of a real enforcer, so the loader's generations are what it reads.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "common.bpf.h"
#include "lookup.bpf.h"
#include "decide.h"

char LICENSE[] SEC("license") = "GPL";

/* An XDP program only for BPF_PROG_TEST_RUN: the packet is the decide_io
 * (in, and out again in the returned packet). Not SEC("syscall"): those are
 * sleepable, and sleepable programs may not use the LPM trie the CIDR table
 * is. */
SEC("xdp")
int ward_decide_test(struct xdp_md *ctx)
{
	struct decide_io *io = (void *)(long)ctx->data;
	struct ward_scratch *s;
	__u32 zero = 0;

	if ((void *)(io + 1) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	s = bpf_map_lookup_elem(&ward_cpu_scr, &zero);
	if (!s)
		return XDP_ABORTED;
	ward_req_init(&s->req, io->cls, 0, io->domain, io->mask);
	io->targeted = ward_targeted_cg(&s->req, io->cgid);
	if (!io->targeted)
		return XDP_PASS;
	s->req.nocount = 1;
	s->req.num = io->num;
	s->req.netop = io->netop;
	s->req.port = io->port;
	s->req.have_exe = io->have_exe;
	__builtin_memcpy(s->req.addr, io->addr, sizeof(s->req.addr));
	if (bpf_probe_read_kernel_str(s->exe, DECIDE_PATH, io->exe) < 0 ||
	    bpf_probe_read_kernel_str(s->obj, DECIDE_PATH, io->obj) < 0)
		return XDP_ABORTED;
	if (bpf_probe_read_kernel_str(s->applet, sizeof(s->applet), io->src_applet) < 0)
		return XDP_ABORTED;
	if (s->applet[0]) /* as exe_for_decision() */
		s->req.src_applet = ward_applet_hash(s);
	if (bpf_probe_read_kernel_str(s->applet, sizeof(s->applet), io->applet) < 0)
		return XDP_ABORTED;
	if (io->domain == WARD_DOM_SOCKET || io->domain == WARD_DOM_CAP ||
	    io->domain == WARD_DOM_SYSCALL)
		ward_number_key(&s->ko, io->num);
	else if (s->applet[0])
		ward_applet_key(s);
	else if (!io->netop)
		ward_walk(s, 0);
	ward_decide(s);
	io->policy = s->req.policy;
	io->rule = s->req.rule;
	io->action = s->req.action;
	io->mode = s->req.mode;
	io->effective = s->req.effective;
	return XDP_PASS;
}
