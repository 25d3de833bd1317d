/* SPDX-License-Identifier: Apache-2.0 */
/* process tracker: exec, fork, exit events (ring buffer records). */
#ifndef WARD_PROCESS_H
#define WARD_PROCESS_H

#include "ward/common.h"

#define PROC_FILENAME_LEN 256
#define PROC_ARGS_LEN	  1024 /* argv bytes kept, NUL-separated */

enum proc_event_type {
	PROC_EXEC = 1,
	PROC_FORK = 2,
	PROC_EXIT = 3,
};

/* One ring-buffer record; fields unused by a type are zero. */
struct ward_proc_event {
	__u64 ts_ns; /* CLOCK_MONOTONIC */
	__u64 cgroup_id;
	__u64 lifetime_ns; /* exit: since the process started */
	__u32 type;	   /* enum proc_event_type */
	__u32 pid;	   /* tgid */
	__u32 ppid;
	__u32 uid;
	__u32 child_pid; /* fork: the new process */
	__u32 exit_code; /* exit: raw wait status (code << 8 | signal) */
	__u16 args_len;	 /* exec: valid bytes in args */
	__u8 args_truncated;
	__u8 filename_truncated;
	__u32 pad;
	char comm[WARD_COMM_LEN];
	char filename[PROC_FILENAME_LEN];
	char args[PROC_ARGS_LEN];
};

_Static_assert(__builtin_offsetof(struct ward_proc_event, cgroup_id) ==
		       __builtin_offsetof(struct ward_rec_hdr, cgroup_id),
	       "ward_proc_event starts with ward_rec_hdr");
_Static_assert(sizeof(struct ward_proc_event) == 72 + PROC_FILENAME_LEN + PROC_ARGS_LEN,
	       "ward_proc_event layout must match between BPF and user space");

#endif
