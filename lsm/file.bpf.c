// SPDX-License-Identifier: GPL-2.0
/*
 * File enforcement: opens (read, write, exec; O_TRUNC is a write) and
 * changes (create, unlink, rename, link, chmod, chown, mkdir, symlink, rmdir,
 * truncate) in a targeted container. BPF-LSM refuses with -EPERM; without it,
 * tp_btf/sys_exit decides after a successful syscall and kills a blocked
 * caller (tp_file_kill). docs/enforcement.md.
 */
#include "enforce.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the engine before load: kill the process that completed a blocked
 * open or change, from sys_exit. */
const volatile bool tp_file_kill = false;

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
	if (fmode & FMODE_EXEC)
		mask |= WARD_ACC_EXEC;
	if (!mask)
		return 0;
	s = cpu_request(WARD_CLS_FILE, WARD_OP_OPEN, WARD_DOM_FILE, mask);
	if (!s)
		return 0;
	if (bpf_d_path((struct path *)&file->f_path, s->obj, sizeof(s->obj)) <= 0) {
		count_drop(WARD_DROP_PATH_TRUNC);
		return 0;
	}
	exe_walk(s);
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

/* The old name is renamed away; the new one is renamed (and, for a rule that
 * only forbids creating there, created). */
SEC("lsm/path_rename")
int BPF_PROG(ward_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	if (ret)
		return ret;
	ret = path_change(old_dir, old_dentry, WARD_ACC_RENAME);
	if (ret)
		return ret;
	return path_change(new_dir, new_dentry, WARD_ACC_RENAME | WARD_ACC_CREATE);
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
		return 0;
	exe_walk(s);
	ret = decide_path(s);
	if (ret)
		return ret;
	/* the same path, now as a program */
	ward_req_init(&s->req, WARD_CLS_EXEC, WARD_OP_EXEC, WARD_DOM_EXEC, 1);
	if (!ward_targeted(&s->req))
		return 0;
	exe_walk(s);
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
	return path_change(path, NULL, WARD_ACC_WRITE);
}

/* ---- without BPF-LSM: after the syscall ------------------------------------------------------ */

/* The syscalls that open a file and return its fd, by number
 * (arch/x86/entry/syscalls/syscall_{64,32}.tbl; x32 shares the 64-bit
 * numbers with __X32_SYSCALL_BIT set). */
static __always_inline bool open_nr(long nr, bool compat)
{
	if (!compat) {
		switch (nr & ~0x40000000L) {
		case 2:
		case 85:
		case 257:
		case 304:
		case 437: /* open creat openat open_by_handle_at openat2 */
			return true;
		}
		return false;
	}
	switch (nr) {
	case 5:
	case 8:
	case 295:
	case 342:
	case 437: /* open creat openat open_by_handle_at openat2 */
		return true;
	}
	return false;
}

/*
 * A successful open, decided on the way out of the syscall from the file it
 * returned (the object the kernel resolved, as the container sees it): the
 * access is the file's mode (O_TRUNC is a write; a file the open created is
 * also a create). The open has happened (a created file exists, O_TRUNC has
 * truncated); a blocked one kills the process before it returns to user
 * space.
 */
static __always_inline void open_after(struct task_struct *t, long ret)
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
	if ((fmode & FMODE_WRITE) || (BPF_CORE_READ(f, f_flags) & O_TRUNC))
		mask |= WARD_ACC_WRITE;
	if (fmode & FMODE_CREATED)
		mask |= WARD_ACC_CREATE;
	if (!mask) /* O_PATH */
		return;
	s = cpu_request(WARD_CLS_FILE, WARD_OP_OPEN, WARD_DOM_FILE, mask);
	if (!s || ward_walk_addr((__u64)f, s, 0) < 0)
		return;
	exe_walk(s);
	decide_after(s, tp_file_kill);
}

/*
 * What a change syscall does (x86_64 and x32 numbers, change_index()): the
 * access on its first object and where that is (the argument holding the
 * name, and the one holding its dirfd, -1: the cwd; name -1: the file of the
 * fd in dfd), and a second name (rename and link: the new one; -1: none).
 */
struct change_op {
	__u32 access, access2;
	__s8 name, dfd, name2, dfd2;
};

/* change_ops[] entries, the syscalls sharing each in change_index(). */
enum change_kind {
	CH_UNLINK,    /* unlink, rmdir */
	CH_UNLINKAT,  /* unlinkat */
	CH_RENAME,    /* rename */
	CH_RENAMEAT,  /* renameat, renameat2 */
	CH_CREATE,    /* mkdir, mknod */
	CH_CREATEAT,  /* mkdirat, mknodat */
	CH_LINK,      /* link */
	CH_LINKAT,    /* linkat */
	CH_SYMLINK,   /* symlink */
	CH_SYMLINKAT, /* symlinkat */
	CH_CHMOD,     /* chmod */
	CH_CHMODAT,   /* fchmodat, fchmodat2 */
	CH_FCHMOD,    /* fchmod */
	CH_CHOWN,     /* chown, lchown */
	CH_CHOWNAT,   /* fchownat */
	CH_FCHOWN,    /* fchown */
	CH_TRUNCATE,  /* truncate */
	CH_FTRUNCATE, /* ftruncate */
	CH__COUNT,
};

static const struct change_op change_ops[CH__COUNT] = {
	[CH_UNLINK] = { WARD_ACC_UNLINK, 0, 0, -1, -1, -1 },
	[CH_UNLINKAT] = { WARD_ACC_UNLINK, 0, 1, 0, -1, -1 },
	[CH_RENAME] = { WARD_ACC_RENAME, WARD_ACC_RENAME | WARD_ACC_CREATE, 0, -1, 1, -1 },
	[CH_RENAMEAT] = { WARD_ACC_RENAME, WARD_ACC_RENAME | WARD_ACC_CREATE, 1, 0, 3, 2 },
	[CH_CREATE] = { WARD_ACC_CREATE, 0, 0, -1, -1, -1 },
	[CH_CREATEAT] = { WARD_ACC_CREATE, 0, 1, 0, -1, -1 },
	/* the source for every access (as path_link), and the new name */
	[CH_LINK] = { WARD_ACC_ALL, WARD_ACC_CREATE, 0, -1, 1, -1 },
	[CH_LINKAT] = { WARD_ACC_ALL, WARD_ACC_CREATE, 1, 0, 3, 2 },
	/* the new name */
	[CH_SYMLINK] = { WARD_ACC_CREATE, 0, 1, -1, -1, -1 },
	[CH_SYMLINKAT] = { WARD_ACC_CREATE, 0, 2, 1, -1, -1 },
	[CH_CHMOD] = { WARD_ACC_CHMOD, 0, 0, -1, -1, -1 },
	[CH_CHMODAT] = { WARD_ACC_CHMOD, 0, 1, 0, -1, -1 },
	[CH_FCHMOD] = { WARD_ACC_CHMOD, 0, -1, 0, -1, -1 },
	[CH_CHOWN] = { WARD_ACC_CHOWN, 0, 0, -1, -1, -1 },
	[CH_CHOWNAT] = { WARD_ACC_CHOWN, 0, 1, 0, -1, -1 },
	[CH_FCHOWN] = { WARD_ACC_CHOWN, 0, -1, 0, -1, -1 },
	[CH_TRUNCATE] = { WARD_ACC_WRITE, 0, 0, -1, -1, -1 },
	[CH_FTRUNCATE] = { WARD_ACC_WRITE, 0, -1, 0, -1, -1 },
};

/* The change_ops[] entry for an x86_64 syscall number, -1 for the others. */
static __always_inline int change_index(long nr)
{
	switch (nr) {
	case 87: /* unlink */
	case 84: /* rmdir */
		return CH_UNLINK;
	case 263:
		return CH_UNLINKAT;
	case 82:
		return CH_RENAME;
	case 264:
	case 316:
		return CH_RENAMEAT;
	case 83:  /* mkdir */
	case 133: /* mknod */
		return CH_CREATE;
	case 258: /* mkdirat */
	case 259: /* mknodat */
		return CH_CREATEAT;
	case 86:
		return CH_LINK;
	case 265:
		return CH_LINKAT;
	case 88:
		return CH_SYMLINK;
	case 266:
		return CH_SYMLINKAT;
	case 90:
		return CH_CHMOD;
	case 268: /* fchmodat */
	case 452: /* fchmodat2 */
		return CH_CHMODAT;
	case 91:
		return CH_FCHMOD;
	case 92: /* chown */
	case 94: /* lchown */
		return CH_CHOWN;
	case 260:
		return CH_CHOWNAT;
	case 93:
		return CH_FCHOWN;
	case 76:
		return CH_TRUNCATE;
	case 77:
		return CH_FTRUNCATE;
	default:
		return -1;
	}
}

/* One object of a change: the name in argument name (-1: none, the file of
 * the fd in argument dfd is the object) against the directory of the fd in
 * argument dfd (-1 or AT_FDCWD: the cwd). */
static __always_inline void change_one(struct task_struct *t, struct pt_regs *regs, __u32 access,
				       int name, int dfd)
{
	struct file *dir = NULL;
	int fd;

	if (dfd >= 0) {
		fd = (int)sys_arg(regs, dfd);
		if (fd != AT_FDCWD || name < 0) {
			dir = task_fd_file(t, fd);
			if (!dir)
				return;
		}
	}
	ward_name_after(cpu_request(WARD_CLS_FILE, WARD_OP_OPEN, WARD_DOM_FILE, access),
			name < 0 ? 0 : sys_arg(regs, name), (__u64)dir, WARD_PATH_MAX - 1,
			tp_file_kill);
}

/*
 * Changes by name (unlink, rmdir, rename, mkdir, mknod, link, symlink, chmod,
 * chown, truncate and their *at and f* forms), decided after they happened
 * from the name the caller passed, made absolute against its dirfd or cwd as
 * the container sees them: not resolved (a symlink or ".." in the name is
 * taken as written; docs/threat-model.md). A blocked one kills the caller.
 * 32-bit callers are not decided here.
 */
static __always_inline void change_after(struct task_struct *t, struct pt_regs *regs)
{
	const struct change_op *op;
	int i;

	i = change_index(regs->orig_ax & ~0x40000000L);
	if (i < 0 || i >= CH__COUNT)
		return;
	op = &change_ops[i];
	change_one(t, regs, op->access, op->name, op->dfd);
	if (op->name2 >= 0)
		change_one(t, regs, op->access2, op->name2, op->dfd2);
}

/* Without BPF-LSM, on the way out of every syscall: opens (open_after()) and
 * changes by name (change_after()). Any other syscall pays one invocation,
 * the targeting check and the number tests. */
SEC("tp_btf/sys_exit")
int BPF_PROG(ward_tp_file, struct pt_regs *regs, long ret)
{
	struct task_struct *t = bpf_get_current_task_btf();
	bool compat = t->thread_info.status & TS_COMPAT;

	if (ret < 0 || !ward_current_targeted())
		return 0;
	if (open_nr(regs->orig_ax, compat))
		open_after(t, ret);
	else if (!compat && ret == 0)
		change_after(t, regs);
	return 0;
}
