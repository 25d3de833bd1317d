// SPDX-License-Identifier: GPL-2.0
/*
 * File enforcement, the BPF-LSM hooks: opens (read, write, exec; O_TRUNC is
 * a write) and changes (create, unlink, rename, link, chmod, chown, mkdir,
 * symlink, rmdir, truncate) in a targeted container, and renames and mounts
 * of protected paths, refused with -EPERM. The fallback (tp_btf/sys_exit) is
 * bpf/enforce/file.bpf.c, linked into the same object. docs/enforcement.md.
 */
#include "enforce.bpf.h"

char LICENSE[] SEC("license") = "GPL";

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
