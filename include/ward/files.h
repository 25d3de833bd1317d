/* SPDX-License-Identifier: Apache-2.0 */
/* files tracker: per (process, file) read/write statistics, drained per interval. */
#ifndef WARD_FILES_H
#define WARD_FILES_H

#include "ward/common.h"

#define FILE_PATH_LEN	  256 /* tail of the path kept; longer paths are flagged */
#define FILES_RW_WORDS	  8   /* the read/write family's numbers: below 512 (both ABIs) */
#define FILES_MAX_ENTRIES 10240

/* Key of ward_files: one file as used by one process. */
struct ward_file_key {
	__u64 ino;
	__u32 dev; /* superblock s_dev */
	__u32 tgid;
};

/* Value of ward_files: counters since the last drain plus identity. */
struct ward_file_stats {
	__u64 reads;
	__u64 writes;
	__u64 read_bytes;
	__u64 write_bytes;
	__u64 cgroup_id;
	__u32 mode;	/* inode i_mode; user space derives the file type */
	__u16 path_len; /* the path is the last path_len bytes of path[], no NUL */
	__u8 path_truncated;
	__u8 pad;
	char comm[WARD_COMM_LEN];
	char path[FILE_PATH_LEN];
};

_Static_assert(sizeof(struct ward_file_key) == 16, "ward_file_key layout");
_Static_assert(sizeof(struct ward_file_stats) == 48 + WARD_COMM_LEN + FILE_PATH_LEN,
	       "ward_file_stats layout");

#endif
