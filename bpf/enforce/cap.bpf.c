// SPDX-License-Identifier: GPL-2.0
/*
 * Capability enforcement without BPF-LSM: granted uses reported from the
 * cap_capable tracepoint where the kernel has it (level none, never refused).
 * Linked with lsm/cap.bpf.c into one object. docs/enforcement.md.
 */
#include "cap.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* The tracepoint recent kernels fire after each check; only granted uses, as
 * the capable hook sees them. */
SEC("tp/capability/cap_capable")
int ward_tp_capable(struct trace_event_raw_cap_capable *ctx)
{
	if (ctx->ret == 0 && ctx->cap >= 0)
		decide_cap(ctx->cap, WARD_LEVEL_NONE);
	return 0;
}
