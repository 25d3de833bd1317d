// SPDX-License-Identifier: GPL-2.0
/*
 * Capability enforcement, the BPF-LSM hook: a use refused with -EPERM. Its
 * fallback is bpf/enforce/cap.bpf.c, linked into the same object.
 * docs/enforcement.md.
 */
#include "cap.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/capable")
int BPF_PROG(ward_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	if (ret)
		return ret;
	return decide_cap(cap, WARD_LEVEL_LSM) ? -EPERM : 0;
}
