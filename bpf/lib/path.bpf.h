/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resolve a struct file to its path as the current task sees it: walk the
 * dentries up to the task's root, crossing mounts, writing components
 * backwards into a per-CPU scratch buffer. Bounded: PATH_MAX_DEPTH
 * components of at most PATH_NAME_MAX bytes; anything beyond is flagged.
 * The buffer's map is __weak (linked objects: bpf/enforce/enforce.bpf.h).
 */
#ifndef WARD_PATH_BPF_H
#define WARD_PATH_BPF_H

#define PATH_SCRATCH   4096 /* power of two: offsets are masked with it */
#define PATH_NAME_MAX  256  /* power of two: component lengths are masked with it */
#define PATH_MAX_DEPTH 256  /* bpf_loop() steps: components plus mount crossings */

/* Layout of the per-CPU scratch: the path ends at buf[PATH_SCRATCH]. The
 * walk's state lives here too (map memory), so the verifier checks the loop
 * body once as a range of values instead of once per iteration. */
struct path_scratch {
	char buf[PATH_SCRATCH + PATH_NAME_MAX];
	__u64 d, vm, mnt;     /* dentry, vfsmount and mount being walked */
	__u64 root_d, root_m; /* the task's root */
	__u32 off;	      /* start of the path in buf */
	__u8 done, at_root, truncated, pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_scratch);
} ward_pathbuf __weak SEC(".maps");

static __always_inline struct path_scratch *path_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ward_pathbuf, &zero);
}

/* The file behind fd in task's table. task is a BTF pointer (tp_btf,
 * bpf_get_current_task_btf()): its fields are plain loads; only the fd array
 * slot needs a probe read (no variable offsets on BTF pointers). */
static __always_inline struct file *task_fd_file(struct task_struct *task, long fd)
{
	struct fdtable *fdt = task->files->fdt;
	struct file *f = NULL;

	if (fd < 0 || fd >= fdt->max_fds)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), (void *)((unsigned long)fdt->fd + fd * sizeof(f)));
	return f;
}

/* One component of file_path(): up one dentry, or across one mount; 1 stops. */
static int path_step(__u32 i, void *data)
{
	struct path_scratch *ps = *(struct path_scratch **)data;
	struct dentry *d = (struct dentry *)ps->d, *parent, *mnt_root;
	struct vfsmount *vm = (struct vfsmount *)ps->vm;
	struct mount *mnt = (struct mount *)ps->mnt, *mnt_parent;
	const unsigned char *name;
	__u32 len, off;

	if (ps->d == ps->root_d && ps->vm == ps->root_m) {
		ps->done = ps->at_root = 1;
		return 1;
	}
	mnt_root = BPF_CORE_READ(vm, mnt_root);
	parent = BPF_CORE_READ(d, d_parent);
	if (d == mnt_root || d == parent) {
		mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		if (mnt_parent == mnt) { /* top of the mount tree */
			ps->done = 1;
			return 1;
		}
		ps->d = (__u64)BPF_CORE_READ(mnt, mnt_mountpoint);
		ps->mnt = (__u64)mnt_parent;
		ps->vm = (__u64)&mnt_parent->mnt;
		return 0;
	}
	len = BPF_CORE_READ(d, d_name.len);
	name = BPF_CORE_READ(d, d_name.name);
	off = ps->off;
	if (len >= PATH_NAME_MAX || len + 1 > off) {
		ps->truncated = 1;
		return 1;
	}
	off = (off - len - 1) & (PATH_SCRATCH - 1);
	ps->buf[off] = '/';
	bpf_probe_read_kernel(&ps->buf[off + 1], len & (PATH_NAME_MAX - 1), name);
	ps->off = off;
	ps->d = (__u64)parent;
	return 0;
}

/*
 * Writes the path of @f into the tail of @ps->buf and returns its start
 * offset (the path is buf[off, PATH_SCRATCH)). Sets *truncated when the walk
 * hit a bound before reaching the root.
 */
static __always_inline __u32 file_path(struct path_scratch *ps, struct file *f, bool *truncated)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct vfsmount *vm = BPF_CORE_READ(f, f_path.mnt);
	__u32 off;

	ps->root_d = (__u64)BPF_CORE_READ(task, fs, root.dentry);
	ps->root_m = (__u64)BPF_CORE_READ(task, fs, root.mnt);
	ps->d = (__u64)BPF_CORE_READ(f, f_path.dentry);
	ps->vm = (__u64)vm;
	ps->mnt = (__u64)container_of(vm, struct mount, mnt);
	ps->off = PATH_SCRATCH;
	ps->done = ps->at_root = ps->truncated = 0;
	bpf_loop(PATH_MAX_DEPTH, path_step, &ps, 0);
	*truncated = ps->truncated || !ps->done;
	off = ps->off;
	if (off == PATH_SCRATCH) {
		/* Nothing above the file: the task's root itself ("/", whatever
		 * its dentry is called: a container's root is a directory of the
		 * host), or an object of a pseudo filesystem (anon inodes such as
		 * "[eventfd]"), which is known by its dentry name alone. */
		__u32 len = BPF_CORE_READ(f, f_path.dentry, d_name.len);
		const unsigned char *name = BPF_CORE_READ(f, f_path.dentry, d_name.name);
		char first = 0;

		bpf_probe_read_kernel(&first, 1, name);
		if (!ps->at_root && len > 0 && len < PATH_NAME_MAX && first != '/') {
			barrier_var(len); /* keep the bound where the verifier sees it */
			len &= PATH_NAME_MAX - 1;
			off = (PATH_SCRATCH - len) & (PATH_SCRATCH - 1);
			bpf_probe_read_kernel(&ps->buf[off], len, name);
		} else {
			off = PATH_SCRATCH - 1;
			ps->buf[off] = '/';
		}
	}
	return off;
}

#endif
