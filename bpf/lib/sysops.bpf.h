/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the table of include/ward/sysops.h from a sys_exit program. */
#ifndef WARD_SYSOPS_BPF_H
#define WARD_SYSOPS_BPF_H

#include "ward/sysops.h"

/* Argument i of the syscall, from the registers saved at its entry (the
 * 32-bit ABI passes them in bx, cx, dx, si, di, bp). */
static __always_inline unsigned long sysop_arg(struct pt_regs *regs, bool compat, __u8 i)
{
	switch (i) {
	case 0:
		return compat ? BPF_CORE_READ(regs, bx) : BPF_CORE_READ(regs, di);
	case 1:
		return compat ? BPF_CORE_READ(regs, cx) : BPF_CORE_READ(regs, si);
	case 2:
		return BPF_CORE_READ(regs, dx);
	case 3:
		return compat ? BPF_CORE_READ(regs, si) : BPF_CORE_READ(regs, r10);
	case 4:
		return compat ? BPF_CORE_READ(regs, di) : BPF_CORE_READ(regs, r8);
	default:
		return compat ? BPF_CORE_READ(regs, bp) : BPF_CORE_READ(regs, r9);
	}
}

/* The table entry of syscall nr of the ABI (x32 numbers share the 64-bit
 * ones), NULL outside the table. */
static __always_inline const volatile struct ward_sysop *
sysop_nr(const volatile struct ward_sysop *ops, __u64 nr, bool compat)
{
	if (!compat)
		nr &= ~0x40000000ull;
	if (nr >= WARD_SYSOP_NR)
		return NULL;
	return &ops[(compat ? WARD_SYSOP_NR : 0) + nr];
}

/* The table entry of the syscall that is exiting. */
static __always_inline const volatile struct ward_sysop *
sysop_of(const volatile struct ward_sysop *ops, struct pt_regs *regs, bool compat)
{
	return sysop_nr(ops, BPF_CORE_READ(regs, orig_ax), compat);
}

#endif
