/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a successful syscall does to files and sockets, per ABI and number:
 * the one table that learning (bpf/learn/learn.bpf.c) and enforcement without
 * BPF-LSM (bpf/enforce/file.bpf.c, net.bpf.c) read, so what a learned profile
 * records is what enforcement checks. The engine fills it from syscall names
 * through libseccomp (engine/seccomp/sysops_table.c) into each program's rodata before
 * load: ops[abi * WARD_SYSOP_NR + nr], abi 0 x86_64, 1 i386. Fixed-width
 * integers only (shared by the BPF and the user side).
 */
#ifndef WARD_SYSOPS_H
#define WARD_SYSOPS_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define WARD_SYSOP_NR	  1024 /* syscall numbers per ABI */
#define WARD_SYSOP_AT_CWD 0xff /* dfd[]: no dirfd argument, the name is relative to the cwd */

/* OPEN: how dfd[0] says argument path[0] holds the open flags */
enum ward_sysop_flags {
	WARD_SYSOP_FLAGS_ARG = 0, /* the flags themselves (open, openat, open_by_handle_at) */
	WARD_SYSOP_FLAGS_HOW,	  /* a struct open_how, flags its first 64 bits (openat2) */
	WARD_SYSOP_FLAGS_TRUNC,	  /* none: the call always truncates (creat) */
};

enum ward_sysop_kind {
	WARD_SYSOP_NONE = 0,
	WARD_SYSOP_OPEN,    /* returned an open file: its path, access from its mode */
	WARD_SYSOP_PATH,    /* path arguments (dirfd + name), path i accessed with access[i] */
	WARD_SYSOP_FD,	    /* the file of fd argument path[0] accessed with access[0] */
	WARD_SYSOP_BIND,    /* the socket of fd argument path[0] was bound (address: arg 1) */
	WARD_SYSOP_CONNECT, /* ... connected (address: argument 1) */
	WARD_SYSOP_GATE,    /* installed a seccomp filter when arguments equal want[] */
	WARD_SYSOP_SENDTO,  /* the socket of fd argument path[0] sent to the address at path[1] */
	WARD_SYSOP_SENDMSG, /* ... to the address in the msghdr at argument path[1] */
};

struct ward_sysop {
	__u8 kind; /* enum ward_sysop_kind */
	__u8 n_paths;
	__u8 dfd[2];  /* argument index of each path's dirfd, or WARD_SYSOP_AT_CWD */
	__u8 path[2]; /* argument index of each path (FD/BIND/CONNECT: of the fd;
		       * SENDTO/SENDMSG: of the fd, of the address or msghdr;
		       * OPEN: of the open flags, read as dfd[0] says) */
	__u8 n_want;  /* GATE: how many of want[] must match arguments 0.. */
	__u8 pad;
	/* enum ward_access bits of each path: what enforcement decides and what
	 * learning records. WARD_ACC_ALL (a hard link's source) is decided for
	 * every access, since the new name would sidestep any rule on the old
	 * one, and recorded as a read (a learned entry of any access holds). */
	__u32 access[2];
	__u32 want[2];
};

_Static_assert(sizeof(struct ward_sysop) == 24, "ward_sysop layout");

#endif
