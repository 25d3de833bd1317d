// SPDX-License-Identifier: GPL-2.0
/*
 * files tracker: per (process, file) counts and bytes of the read/write
 * syscall family, at the syscall's exit: on x86 the syscall's arguments are
 * still in pt_regs then, so the fd and the result are both at hand and no
 * per-call state needs to be kept between entry and exit. Either from the
 * syscalls:sys_exit_NAME tracepoints of the family (handle_rw_exit, attached
 * one by one by engine/trace/files.c), or where the kernel runs i386 or x32
 * syscalls, which those miss, from every syscall's exit (handle_sys_exit).
 * User space drains ward_files once per interval.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <asm-generic/errno-base.h>

#include "common.bpf.h"
#include "path.bpf.h"
#include "ward/files.h"

char LICENSE[] SEC("license") = "GPL";

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

/* A first record for (process, file): identity, comm and path. */
static __always_inline struct ward_file_stats *new_stats(struct ward_file_key *key, struct file *f,
							 __u32 mode)
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

/* The read/write family by number, filled by user space from its names
 * (engine/trace/files.c, through libseccomp): [0: x86_64, 1: i386][0: read,
 * 1: write], one bit per syscall number. */
const volatile __u64 rw_nrs[2][2][FILES_RW_WORDS] = {};

/* 0 for a read, 1 for a write, -1 for anything else. */
static __always_inline int rw_kind(long nr, bool compat)
{
	__u64 w = (__u64)nr / 64;

	if (nr < 0 || nr >= FILES_RW_WORDS * 64)
		return -1;
	/* the mask in asm: the compiler drops one it finds redundant */
	asm volatile("%[w] &= %[m]" : [w] "+r"(w) : [m] "i"(FILES_RW_WORDS - 1));
	for (int k = 0; k < 2; k++)
		if ((rw_nrs[compat][k][w] >> (nr & 63)) & 1)
			return k;
	return -1;
}

/* A successful read or write (kind 0, 1) of ret bytes on the fd in argument 0. */
static __always_inline void rw_exit(struct task_struct *task, struct pt_regs *regs, int kind,
				    long ret, bool compat)
{
	__u64 id = bpf_get_current_pid_tgid(), cgid;
	struct ward_file_key key = {};
	struct ward_file_stats *st;
	struct inode *inode;
	struct file *f;
	long fd;

	if (kind < 0 || skip_current(&cgid))
		return;
	fd = compat ? (int)BPF_CORE_READ(regs, bx) : (long)BPF_CORE_READ(regs, di);
	f = task_fd_file(task, fd);
	if (!f)
		return;

	inode = BPF_CORE_READ(f, f_inode);
	key.ino = BPF_CORE_READ(inode, i_ino);
	key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	key.tgid = id >> 32;
	st = bpf_map_lookup_elem(&ward_files, &key);
	if (!st)
		st = new_stats(&key, f, BPF_CORE_READ(inode, i_mode));
	if (!st)
		return;
	if (kind) {
		__sync_fetch_and_add(&st->writes, 1);
		__sync_fetch_and_add(&st->write_bytes, ret);
	} else {
		__sync_fetch_and_add(&st->reads, 1);
		__sync_fetch_and_add(&st->read_bytes, ret);
	}
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	bool compat = task->thread_info.status & TS_COMPAT;

	if (ret >= 0)
		rw_exit(task, regs, rw_kind(regs->orig_ax, compat), ret, compat);
	return 0;
}

SEC("tp")
int handle_rw_exit(struct syscall_trace_exit *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (ctx->ret >= 0)
		rw_exit(task, (struct pt_regs *)bpf_task_pt_regs(task), rw_kind(ctx->nr, false),
			ctx->ret, false);
	return 0;
}
