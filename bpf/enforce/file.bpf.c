// SPDX-License-Identifier: GPL-2.0
/*
 * File enforcement without BPF-LSM: tp_btf/sys_exit decides opens and
 * changes after a successful syscall and kills a blocked caller
 * (tp_file_kill). Linked with lsm/file.bpf.c (the BPF-LSM hooks) into one
 * object. docs/enforcement.md.
 */
#include "enforce.bpf.h"
#include "sysops.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the engine before load: kill the process that completed a blocked
 * open or change, from sys_exit. */
const volatile bool tp_file_kill = false;
/* What each syscall does (include/ward/sysops.h), filled by the engine before load. */
const volatile struct ward_sysop ward_sysops[2 * WARD_SYSOP_NR] = {};

/* Whether the open asked to truncate (O_TRUNC, which the kernel clears from
 * the file's flags once open): from the syscall's flags argument. An
 * open_how the kernel read a moment ago but that cannot be read now (another
 * thread unmapped it) counts as truncating: never decided on less. */
static __always_inline bool open_truncates(const volatile struct ward_sysop *op,
					   struct pt_regs *regs, bool compat)
{
	unsigned long arg;
	__u64 flags = 0;

	if (op->dfd[0] == WARD_SYSOP_FLAGS_TRUNC)
		return true;
	arg = sysop_arg(regs, compat, op->path[0]);
	if (op->dfd[0] == WARD_SYSOP_FLAGS_ARG)
		flags = arg;
	else if (bpf_probe_read_user(&flags, sizeof(flags), (const void *)arg))
		return true;
	return flags & O_TRUNC;
}

/*
 * A successful open, decided on the way out of the syscall from the file it
 * returned (the object the kernel resolved, as the container sees it): the
 * access is the file's mode, and a truncation (a write too) when the call
 * truncated an existing regular file; a file the open created is a create.
 * The open has happened (a created file exists, O_TRUNC has truncated); a
 * blocked one kills the process before it returns to user space.
 */
static __always_inline void open_after(struct task_struct *t, long ret, bool trunc)
{
	struct ward_scratch *s;
	unsigned int fmode;
	struct file *f;
	__u32 mask = 0;

	f = task_fd_file(t, ret);
	if (!f)
		return;
	fmode = BPF_CORE_READ(f, f_mode);
	if (fmode & FMODE_READ)
		mask |= WARD_ACC_READ;
	if (fmode & FMODE_WRITE)
		mask |= WARD_ACC_WRITE;
	if (fmode & FMODE_CREATED)
		mask |= WARD_ACC_CREATE;
	else if (trunc && (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) == S_IFREG)
		mask |= WARD_ACC_WRITE | WARD_ACC_TRUNCATE; /* as do_open() decides */
	if (!mask)					    /* O_PATH */
		return;
	s = cpu_request(WARD_CLS_FILE, WARD_OP_OPEN, WARD_DOM_FILE, mask);
	if (!s)
		return;
	if (ward_walk_addr((__u64)f, s, 0) < 0)
		path_failed(s);
	exe_for_decision(s);
	decide_after(s, tp_file_kill);
}

/*
 * One object of a change (include/ward/sysops.h): path i of op, the name in its
 * argument against its dirfd argument (or the cwd), or for an fd operation
 * the file of the fd.
 */
static __always_inline void change_one(struct task_struct *t, struct pt_regs *regs, bool compat,
				       const volatile struct ward_sysop *op, int i)
{
	__u8 dfd = op->dfd[i & 1], name = op->path[i & 1];
	struct file *dir = NULL;
	unsigned long name_addr = 0;
	int fd;

	if (op->kind == WARD_SYSOP_FD) {
		dir = task_fd_file(t, (int)sysop_arg(regs, compat, name));
		if (!dir)
			return;
	} else {
		name_addr = sysop_arg(regs, compat, name);
		if (dfd != WARD_SYSOP_AT_CWD) {
			fd = (int)sysop_arg(regs, compat, dfd);
			if (fd != AT_FDCWD) {
				dir = task_fd_file(t, fd);
				if (!dir)
					return;
			}
		}
	}
	ward_name_after(cpu_request(WARD_CLS_FILE, WARD_OP_OPEN, WARD_DOM_FILE, op->access[i & 1]),
			name_addr, (__u64)dir, WARD_NAME_ROOM - 1, tp_file_kill);
	if (op->access[i & 1] & WARD_ACC_RENAME) /* and what rules name below it */
		ward_name_after(cpu_request(WARD_CLS_PROTECT, WARD_OP_OPEN, WARD_DOM_PROTECT,
					    WARD_ACC_RENAME),
				name_addr, (__u64)dir, WARD_NAME_ROOM - 1, tp_file_kill);
}

/*
 * Without BPF-LSM, on the way out of a successful syscall nr of the ABI
 * (compat) whose arguments are in regs, what the syscall-operation table
 * (include/ward/sysops.h, the one learning reads) says it did: opens decided
 * on the file returned (open_after()), changes by name (unlink, rmdir,
 * rename, mkdir, mknod, link, symlink, chmod, chown, truncate and their *at
 * and f* forms) decided on the names passed, made absolute against the dirfd
 * or cwd as the container sees them: not resolved (a symlink or ".." in a
 * name is taken as written; docs/threat-model.md). A blocked one kills the
 * caller.
 */
static __always_inline void file_exit(struct task_struct *t, struct pt_regs *regs, __u64 nr,
				      long ret, bool compat)
{
	const volatile struct ward_sysop *op;

	/* the table first: most syscalls are in none of its kinds, and it is
	 * one read of this program's data, the targeting check two map lookups */
	op = sysop_nr(ward_sysops, nr, compat);
	if (!op ||
	    (op->kind != WARD_SYSOP_OPEN && op->kind != WARD_SYSOP_PATH &&
	     op->kind != WARD_SYSOP_FD) ||
	    !ward_current_targeted())
		return;
	if (op->kind == WARD_SYSOP_OPEN) {
		open_after(t, ret, open_truncates(op, regs, compat));
	} else if ((op->kind == WARD_SYSOP_PATH || op->kind == WARD_SYSOP_FD) && ret == 0) {
		change_one(t, regs, compat, op, 0);
		if (op->n_paths > 1)
			change_one(t, regs, compat, op, 1);
	}
}

/* Every syscall's exit, of either ABI: where the kernel runs i386 or x32
 * syscalls, which the syscalls:* tracepoints do not see. Every syscall pays
 * one invocation and one read of the table. */
SEC("tp_btf/sys_exit")
int BPF_PROG(ward_tp_file, struct pt_regs *regs, long ret)
{
	struct task_struct *t = bpf_get_current_task_btf();

	if (ret >= 0)
		file_exit(t, regs, BPF_CORE_READ(regs, orig_ax), ret,
			  t->thread_info.status & TS_COMPAT);
	return 0;
}

/* The exit of one x86_64 syscall of the table: attached by the engine to
 * syscalls:sys_exit_NAME of each of them (enforce.c, attach_nr()) where the
 * kernel runs no i386 or x32 syscalls, so the other syscalls pay nothing. */
SEC("tp")
int ward_tp_file_nr(struct syscall_trace_exit *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();

	if (ctx->ret >= 0)
		file_exit(t, (struct pt_regs *)bpf_task_pt_regs(t), ctx->nr, ctx->ret, false);
	return 0;
}
