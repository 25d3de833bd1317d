// SPDX-License-Identifier: GPL-2.0
/*
 * File enforcement: opens (read, write, exec; O_TRUNC is a write) and
 * changes (create, unlink, rename, link, chmod, chown, mkdir, symlink, rmdir,
 * truncate) in a targeted container. BPF-LSM refuses with -EPERM; without it,
 * tp_btf/sys_exit decides after a successful syscall and kills a blocked
 * caller (tp_file_kill). docs/enforcement.md.
 */
#include "enforce.bpf.h"
#include "sysops.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the engine before load: kill the process that completed a blocked
 * open or change, from sys_exit. */
const volatile bool tp_file_kill = false;
/* What each syscall does (include/ward/sysops.h), filled by the engine before load. */
const volatile struct ward_sysop ward_sysops[2 * WARD_SYSOP_NR] = {};

SEC("lsm/file_open")
int BPF_PROG(ward_file_open, struct file *file, int ret)
{
	unsigned int fmode = file->f_mode;
	struct ward_scratch *s;
	__u32 mask = 0;

	if (ret)
		return ret;
	if (fmode & FMODE_READ)
		mask |= WARD_ACC_READ;
	if ((fmode & FMODE_WRITE) || (file->f_flags & O_TRUNC))
		mask |= WARD_ACC_WRITE;
	if (file->f_flags & O_TRUNC)
		mask |= WARD_ACC_TRUNCATE;
	if (fmode & FMODE_EXEC)
		mask |= WARD_ACC_EXEC;
	if (!mask)
		return 0;
	s = cpu_request(WARD_CLS_FILE, WARD_OP_OPEN, WARD_DOM_FILE, mask);
	if (!s)
		return 0;
	if (bpf_d_path((struct path *)&file->f_path, s->obj, sizeof(s->obj)) <= 0) {
		count_drop(WARD_DROP_PATH_TRUNC);
		path_failed(s);
	}
	exe_for_decision(s);
	return decide_path(s);
}

/*
 * Changes decided before they happen, by the path hooks (non-sleepable: the
 * dentry walk instead of bpf_d_path): creation of a file (open with O_CREAT
 * reaches path_mknod through may_o_create(), mknod) or of a hard link,
 * unlink, rename (both names), chmod and chown, mkdir, symlink, rmdir and
 * truncate(2).
 */
static __always_inline int path_change(const struct path *dir, struct dentry *entry, __u32 access)
{
	return path_decide(dir, entry, WARD_CLS_FILE, WARD_OP_OPEN, WARD_DOM_FILE, access);
}

SEC("lsm/path_mknod")
int BPF_PROG(ward_path_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	if (ret)
		return ret;
	return path_change(dir, dentry, WARD_ACC_CREATE);
}

SEC("lsm/path_unlink")
int BPF_PROG(ward_path_unlink, const struct path *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return path_change(dir, dentry, WARD_ACC_UNLINK);
}

/* A rename or mount of a path a rule names, or of one of its ancestors (the
 * protect table: docs/rules.md, "Renames and mounts"). dir alone, or
 * DIR/NAME. */
static __always_inline int path_protect(const struct path *dir, struct dentry *entry)
{
	return path_decide(dir, entry, WARD_CLS_PROTECT, WARD_OP_OPEN, WARD_DOM_PROTECT,
			   WARD_ACC_RENAME);
}

/* The old name is renamed away; the new one is renamed (and, for a rule that
 * only forbids creating there, created). Either, when a rule names it or
 * something below it, is a change of that. */
SEC("lsm/path_rename")
int BPF_PROG(ward_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	if (ret)
		return ret;
	ret = path_change(old_dir, old_dentry, WARD_ACC_RENAME);
	if (!ret)
		ret = path_protect(old_dir, old_dentry);
	if (!ret)
		ret = path_change(new_dir, new_dentry, WARD_ACC_RENAME | WARD_ACC_CREATE);
	if (!ret)
		ret = path_protect(new_dir, new_dentry);
	return ret;
}

#define MS_BIND 4096
#define MS_MOVE 8192

/* mount(2): what is mounted over (the mountpoint), and for a bind or a move
 * the source (a name as given: not resolved), are protected paths. */
SEC("lsm/sb_mount")
int BPF_PROG(ward_sb_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags, void *data, int ret)
{
	struct ward_scratch *s;
	int r;

	if (ret)
		return ret;
	ret = path_protect(path, NULL);
	if (ret || !(flags & (MS_BIND | MS_MOVE)) || !dev_name)
		return ret;
	s = cpu_request(WARD_CLS_PROTECT, WARD_OP_OPEN, WARD_DOM_PROTECT, WARD_ACC_RENAME);
	if (!s)
		return 0;
	r = name_path(s, 0, dev_name, false, WARD_NAME_ROOM - 1, false);
	if (r > 0)
		return 0;
	if (r < 0)
		path_failed(s);
	exe_for_decision(s);
	return decide_path(s);
}

/* move_mount(2), the new mount API's attach: both ends. */
SEC("lsm/move_mount")
int BPF_PROG(ward_move_mount, const struct path *from_path, const struct path *to_path, int ret)
{
	if (ret)
		return ret;
	ret = path_protect(to_path, NULL);
	return ret ? ret : path_protect(from_path, NULL);
}

/* The source of a hard link: decided for every file access, then as a program. */
static __always_inline int link_source(struct dentry *old_dentry, const struct path *new_dir)
{
	struct ward_scratch *s;
	struct path src;
	int ret;

	s = cpu_request(WARD_CLS_FILE, WARD_OP_OPEN, WARD_DOM_FILE, WARD_ACC_ALL);
	if (!s)
		return 0;
	/* the source is on new_dir's mount (links never cross mounts) */
	src.mnt = BPF_CORE_READ(new_dir, mnt);
	src.dentry = old_dentry;
	if (walk_path(&src, s) < 0)
		path_failed(s);
	exe_for_decision(s);
	ret = decide_path(s);
	if (ret)
		return ret;
	/* the same path, now as a program */
	ward_req_init(&s->req, WARD_CLS_EXEC, WARD_OP_EXEC, WARD_DOM_EXEC, 1);
	if (!ward_targeted(&s->req))
		return 0;
	exe_for_decision(s);
	return decide_path(s);
}

/*
 * A hard link is a second name for a file, and rules name paths: linking a
 * file that a file or exec rule governs (other than allow) would let the new
 * name sidestep that rule, so the source is decided as well as the new name
 * (a creation). Two programs on the hook; the second keeps the first one's
 * refusal (ret).
 */
SEC("lsm/path_link")
int BPF_PROG(ward_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	if (ret)
		return ret;
	return link_source(old_dentry, new_dir);
}

SEC("lsm/path_link")
int BPF_PROG(ward_path_link_new, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	if (ret)
		return ret;
	return path_change(new_dir, new_dentry, WARD_ACC_CREATE);
}

SEC("lsm/path_chmod")
int BPF_PROG(ward_path_chmod, const struct path *path, umode_t mode, int ret)
{
	if (ret)
		return ret;
	return path_change(path, NULL, WARD_ACC_CHMOD);
}

SEC("lsm/path_chown")
int BPF_PROG(ward_path_chown, const struct path *path, __u32 uid, __u32 gid, int ret)
{
	if (ret)
		return ret;
	return path_change(path, NULL, WARD_ACC_CHOWN);
}

/* A new directory or symlink is a creation, removing a directory an unlink,
 * truncate(2) (and ftruncate) a write. */
SEC("lsm/path_mkdir")
int BPF_PROG(ward_path_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode, int ret)
{
	if (ret)
		return ret;
	return path_change(dir, dentry, WARD_ACC_CREATE);
}

SEC("lsm/path_symlink")
int BPF_PROG(ward_path_symlink, const struct path *dir, struct dentry *dentry, const char *old_name,
	     int ret)
{
	if (ret)
		return ret;
	return path_change(dir, dentry, WARD_ACC_CREATE);
}

SEC("lsm/path_rmdir")
int BPF_PROG(ward_path_rmdir, const struct path *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return path_change(dir, dentry, WARD_ACC_UNLINK);
}

SEC("lsm/path_truncate")
int BPF_PROG(ward_path_truncate, const struct path *path, int ret)
{
	if (ret)
		return ret;
	return path_change(path, NULL, WARD_ACC_WRITE | WARD_ACC_TRUNCATE);
}

/* ---- without BPF-LSM: after the syscall ------------------------------------------------------ */

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
 * Without BPF-LSM, on the way out of every syscall of either ABI, what the
 * syscall-operation table (include/ward/sysops.h, the one learning reads) says it did:
 * opens decided on the file returned (open_after()), changes by name (unlink,
 * rmdir, rename, mkdir, mknod, link, symlink, chmod, chown, truncate and their
 * *at and f* forms) decided on the names passed, made absolute against the
 * dirfd or cwd as the container sees them: not resolved (a symlink or ".." in
 * a name is taken as written; docs/threat-model.md). A blocked one kills the
 * caller. Any other syscall pays one invocation and one read of the table;
 * only the syscalls of the table pay the targeting check.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(ward_tp_file, struct pt_regs *regs, long ret)
{
	struct task_struct *t = bpf_get_current_task_btf();
	bool compat = t->thread_info.status & TS_COMPAT;
	const volatile struct ward_sysop *op;

	if (ret < 0)
		return 0;
	/* the table first: most syscalls are in none of its kinds, and it is
	 * one read of this program's data, the targeting check two map lookups */
	op = sysop_of(ward_sysops, regs, compat);
	if (!op ||
	    (op->kind != WARD_SYSOP_OPEN && op->kind != WARD_SYSOP_PATH &&
	     op->kind != WARD_SYSOP_FD) ||
	    !ward_current_targeted())
		return 0;
	if (op->kind == WARD_SYSOP_OPEN) {
		open_after(t, ret, open_truncates(op, regs, compat));
	} else if ((op->kind == WARD_SYSOP_PATH || op->kind == WARD_SYSOP_FD) && ret == 0) {
		change_one(t, regs, compat, op, 0);
		if (op->n_paths > 1)
			change_one(t, regs, compat, op, 1);
	}
	return 0;
}
