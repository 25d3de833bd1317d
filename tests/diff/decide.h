/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The packet of tests/diff/decide.bpf.c, an XDP program run with
 * BPF_PROG_TEST_RUN: one event in, the kernel lookup's decision out in the
 * packet returned. Fixed-width integers only (shared by the BPF and the user
 * side).
 */
#ifndef WARD_TESTS_DECIDE_H
#define WARD_TESTS_DECIDE_H

#define DECIDE_PATH 1536 /* XDP test-run data fits in a page with its headroom */

struct decide_io {
	/* in */
	__u64 cgid;   /* a targeted cgroup of the live generation */
	__u32 cls;    /* enum ward_class */
	__u32 domain; /* enum ward_domain; 0 for addresses */
	__u32 mask;   /* access / protocol bits, or 1 */
	__u32 num;    /* number events */
	__u32 netop;  /* enum ward_net_op; 0 for the other events */
	__u16 port;
	__u8 have_exe;
	__u8 pad;
	__u8 addr[16];
	char obj[DECIDE_PATH]; /* path events */
	char exe[DECIDE_PATH]; /* the acting executable when have_exe */
	char applet[32];       /* exec by the name a program runs as, instead of obj */
	char src_applet[32];   /* the name the acting process runs as, when have_exe */
	/* out */
	__u32 targeted;
	__u32 policy, rule;
	__u8 action, mode, effective, pad2;
};

#endif
