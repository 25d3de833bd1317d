/* SPDX-License-Identifier: Apache-2.0 */
/* syscall tracker: per container, per syscall counts, drained per interval. */
#ifndef WARD_SYSCALL_H
#define WARD_SYSCALL_H

#include "ward/common.h"

#define SYSCALL_MAX_ENTRIES 16384

enum syscall_abi {
	SYSCALL_ABI_X86_64 = 0,
	SYSCALL_ABI_I386 = 1, /* compat syscalls of 32-bit tasks (int 0x80 / sysenter) */
};

/* Key of ward_sysc (per-CPU hash, value: __u64 count). */
struct ward_sysc_key {
	__u64 cgroup_id;
	__u32 nr;
	__u32 abi; /* enum syscall_abi */
};

_Static_assert(sizeof(struct ward_sysc_key) == 16, "ward_sysc_key layout");

/* Values of ward_sysc_outsider (tgid -> value): while learning it is
 * learn.bpf.c's learn_outsider, the processes a runtime attached to a
 * container from outside (`runc run`'s and `runc exec`'s init, and their
 * children) until they execute a program in the container. */
enum sysc_outsider {
	SYSC_OUTSIDER = 1,	    /* the runtime's setup: its syscalls are not counted */
	SYSC_OUTSIDER_FILTERED = 2, /* under a seccomp filter: counted, a filter must allow them */
};

#endif
