// SPDX-License-Identifier: GPL-2.0
/*
 * files tracker: per (process, file) counts and bytes of the read/write
 * syscall family. Enter records the struct file behind the fd; exit adds the
 * result to ward_files, which user space drains once per interval.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <asm-generic/errno-base.h>

#include "common.bpf.h"
#include "path.bpf.h"
#include "files.h"

char LICENSE[] SEC("license") = "GPL";

/* In-flight syscall of one thread (key: tid). */
struct fio {
	__u64 file;  /* struct file * as resolved at syscall entry */
	__u32 write; /* 1 for the write family */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct fio);
} ward_fio SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FILES_MAX_ENTRIES);
	__type(key, struct ward_file_key);
	__type(value, struct ward_file_stats);
} ward_files SEC(".maps");

/* Scratch for a new ward_files value (too large for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ward_file_stats);
} ward_fstat_tmp SEC(".maps");

static __always_inline struct file *fd_file(struct task_struct *task, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline int on_enter(long fd, __u32 write)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fio io = { .write = write };
	struct file *f;
	__u64 cgid;

	if (skip_current(&cgid))
		return 0;
	f = fd_file((struct task_struct *)bpf_get_current_task(), fd);
	if (!f)
		return 0;
	io.file = (__u64)f;
	if (bpf_map_update_elem(&ward_fio, &tid, &io, BPF_ANY))
		count_drop(WARD_DROP_MAP_FULL);
	return 0;
}

/* A first record for (process, file): identity, comm and path. */
static __always_inline struct ward_file_stats *new_stats(struct ward_file_key *key,
							  struct file *f, __u32 mode)
{
	struct ward_file_stats *st;
	struct path_scratch *ps;
	__u32 zero = 0, off, len;
	bool truncated;
	long err;

	st = bpf_map_lookup_elem(&ward_fstat_tmp, &zero);
	ps = path_scratch();
	if (!st || !ps)
		return NULL;
	__builtin_memset(st, 0, sizeof(*st) - sizeof(st->path));
	st->cgroup_id = bpf_get_current_cgroup_id();
	st->mode = mode;
	bpf_get_current_comm(st->comm, sizeof(st->comm));

	off = file_path(ps, f, &truncated);
	len = PATH_SCRATCH - off;
	if (len > FILE_PATH_LEN) { /* keep the tail: the file name matters most */
		len = FILE_PATH_LEN;
		truncated = true;
	}
	if (truncated)
		count_drop(WARD_DROP_PATH_TRUNC);
	st->path_truncated = truncated;
	st->path_len = len;
	/* constant size: path[] ends where the scratch path ends */
	bpf_probe_read_kernel(st->path, FILE_PATH_LEN, &ps->buf[PATH_SCRATCH - FILE_PATH_LEN]);

	err = bpf_map_update_elem(&ward_files, key, st, BPF_NOEXIST);
	if (err && err != -EEXIST) {
		count_drop(WARD_DROP_MAP_FULL);
		return NULL;
	}
	return bpf_map_lookup_elem(&ward_files, key);
}

static __always_inline int on_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct ward_file_key key = {};
	struct ward_file_stats *st;
	struct inode *inode;
	struct fio *iop;
	struct file *f;
	__u32 write;

	iop = bpf_map_lookup_elem(&ward_fio, &tid);
	if (!iop)
		return 0;
	f = (struct file *)iop->file;
	write = iop->write;
	bpf_map_delete_elem(&ward_fio, &tid);
	if (ret < 0)
		return 0;

	inode = BPF_CORE_READ(f, f_inode);
	key.ino = BPF_CORE_READ(inode, i_ino);
	key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	key.tgid = id >> 32;
	st = bpf_map_lookup_elem(&ward_files, &key);
	if (!st)
		st = new_stats(&key, f, BPF_CORE_READ(inode, i_mode));
	if (!st)
		return 0;
	if (write) {
		__sync_fetch_and_add(&st->writes, 1);
		__sync_fetch_and_add(&st->write_bytes, ret);
	} else {
		__sync_fetch_and_add(&st->reads, 1);
		__sync_fetch_and_add(&st->read_bytes, ret);
	}
	return 0;
}

#define FILE_SYSCALL(name, write)                                            \
	SEC("tp/syscalls/sys_enter_" #name)                                  \
	int enter_##name(struct trace_event_raw_sys_enter *ctx)              \
	{                                                                    \
		return on_enter(ctx->args[0], write);                        \
	}                                                                    \
	SEC("tp/syscalls/sys_exit_" #name)                                   \
	int exit_##name(struct trace_event_raw_sys_exit *ctx)                \
	{                                                                    \
		return on_exit(ctx->ret);                                    \
	}

FILE_SYSCALL(read, 0)
FILE_SYSCALL(pread64, 0)
FILE_SYSCALL(readv, 0)
FILE_SYSCALL(preadv, 0)
FILE_SYSCALL(preadv2, 0)
FILE_SYSCALL(write, 1)
FILE_SYSCALL(pwrite64, 1)
FILE_SYSCALL(writev, 1)
FILE_SYSCALL(pwritev, 1)
FILE_SYSCALL(pwritev2, 1)
