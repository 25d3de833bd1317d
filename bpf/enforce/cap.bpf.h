/* SPDX-License-Identifier: Apache-2.0 */
/* What both halves of the capability object use (lsm/cap.bpf.c, bpf/enforce/cap.bpf.c). */
#ifndef WARD_ENFORCE_CAP_BPF_H
#define WARD_ENFORCE_CAP_BPF_H

#include "enforce.bpf.h"

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

#endif
