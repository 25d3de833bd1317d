// SPDX-License-Identifier: GPL-2.0
/*
 * Capability enforcement: BPF-LSM refuses a use with -EPERM (lsm/capable);
 * without it, granted uses are reported from the cap_capable tracepoint
 * where the kernel has it (level none, never refused). docs/enforcement.md.
 */
#include "enforce.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Decide a use of capability cap and alert at block_level; true: refuse. */
static __always_inline bool decide_cap(int cap, __u8 block_level)
{
	struct ward_scratch *s = cpu_request(WARD_CLS_CAP, WARD_OP_CAPABLE, WARD_DOM_CAP, 1);

	if (!s)
		return false;
	s->req.num = (__u32)cap;
	ward_number_key(&s->ko, (__u32)cap);
	ward_decide(s);
	return ward_verdict(s, block_level, true);
}

SEC("lsm/capable")
int BPF_PROG(ward_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	if (ret)
		return ret;
	return decide_cap(cap, WARD_LEVEL_LSM) ? -EPERM : 0;
}

/* Without BPF-LSM: the tracepoint recent kernels fire after each check; only
 * granted uses, as the capable hook sees them. */
SEC("tp/capability/cap_capable")
int ward_tp_capable(struct trace_event_raw_cap_capable *ctx)
{
	if (ctx->ret == 0 && ctx->cap >= 0)
		decide_cap(ctx->cap, WARD_LEVEL_NONE);
	return 0;
}
