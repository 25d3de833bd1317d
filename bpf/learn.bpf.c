// SPDX-License-Identifier: GPL-2.0
/*
 * ward learn, kernel side. Loaded only while learning, next to the process,
 * tcp and syscall trackers, all four sharing one ward_cgfilter map.
 *
 * Gates: a container's runtime works inside the container's cgroup before
 * the entrypoint runs (runc: re-executing itself, namespaces, mounts,
 * pivot_root, capabilities). None of that belongs in the profile, so
 *   - a cgroup that gets its first task while learning is marked unwanted in
 *     ward_cgfilter (every tracker skips it) and remembered in learn_gate
 *     until a task in it executes a program outside the host's mount
 *     namespace (the entrypoint, in the container's own) or installs a
 *     seccomp filter (from then on the runtime's calls are what a filter must
 *     allow); then its verdict is removed and user space classifies it;
 *   - a process attached to a cgroup from outside (the runtime's init, also of
 *     `runc exec`) and its children are recorded only after such an exec.
 *
 * Records, from one raw_tp/sys_exit hook for the syscalls of both ABIs that
 * user space describes in learn_ops[] (by name, through libseccomp): files by
 * access kind (a successful open from the file it returned, path operations
 * from their arguments, still in pt_regs at exit on x86, resolved against
 * the cwd or the dirfd in the kernel), binds, UDP connects; and granted
 * capability checks (tp/capability/cap_capable, where the kernel has it).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define WARD_BPF
#include "bundle_maps.h"
#include "common.bpf.h"
#include "path.bpf.h"
#include "learn.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load. */
const volatile __u32 host_mntns = 0; /* where a runtime runs before it enters the container */
const volatile __s32 at_fdcwd = 0;   /* AT_FDCWD */
const volatile struct learn_op learn_ops[2 * LEARN_NR_MAX] = {};

/* uapi and kernel values vmlinux.h does not carry */
#define FMODE_READ    0x1
#define FMODE_WRITE   0x2
#define FMODE_PATH    0x4000
#define FMODE_CREATED 0x100000 /* include/linux/fs.h: open created the file */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} ward_learn_rb SEC(".maps");

/* Scratch for a new record (too large for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ward_learn_event);
} learn_scratch SEC(".maps");

/* Reported already (value unused). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LEARN_SEEN_MAX);
	__type(key, struct learn_seen_key);
	__type(value, __u8);
} learn_seen SEC(".maps");

/* Tgid -> 1: attached to its cgroup from outside, not yet past an exec. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LEARN_TASKS_MAX);
	__type(key, __u32);
	__type(value, __u8);
} learn_outsider SEC(".maps");

/* Cgroup id -> 1: kept unwanted until its first exec or seccomp filter. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LEARN_GATES_MAX);
	__type(key, __u64);
	__type(value, __u8);
} learn_gate SEC(".maps");

static __always_inline bool is_outsider(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return bpf_map_lookup_elem(&learn_outsider, &tgid) != NULL;
}

/* The common entry check: ward itself, other cgroups, runtimes. */
static __always_inline bool skip(__u64 *ret_cgid)
{
	return skip_current(ret_cgid) || is_outsider();
}

static __always_inline struct ward_learn_event *new_event(__u32 type, __u64 cgid)
{
	__u32 zero = 0;
	struct ward_learn_event *e = bpf_map_lookup_elem(&learn_scratch, &zero);

	if (!e)
		return NULL;
	e->ts_ns = bpf_ktime_get_ns();
	e->cgroup_id = cgid;
	e->type = type;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->access = 0;
	e->proto = 0;
	e->port = 0;
	e->n_paths = 0;
	e->pad = 0;
	__builtin_memset(e->addr, 0, sizeof(e->addr));
	e->path[0].base_len = e->path[0].name_len = e->path[1].base_len = e->path[1].name_len = 0;
	e->path[0].truncated = e->path[1].truncated = 0;
	return e;
}

static __always_inline struct file *fd_file(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *f = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* The working directory as a struct file whose only field file_path() reads,
 * f_path, is the task's fs->pwd. */
static __always_inline struct file *cwd_file(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fs_struct *fs = BPF_CORE_READ(task, fs);

	if (!fs)
		return NULL;
	return (struct file *)((void *)fs + bpf_core_field_offset(struct fs_struct, pwd) -
			       bpf_core_field_offset(struct file, f_path));
}

/* base = the path of f, as the task sees it. */
static __always_inline void put_file_path(struct learn_path *lp, struct file *f)
{
	struct path_scratch *ps = path_scratch();
	bool truncated;
	__u32 off, len;

	if (!ps || !f) {
		lp->truncated = 1;
		return;
	}
	off = file_path(ps, f, &truncated);
	len = PATH_SCRATCH - off;
	if (len >= LEARN_PATH_LEN)
		truncated = true;
	if (truncated) {
		lp->truncated = 1;
		count_drop(WARD_DROP_PATH_TRUNC);
		return;
	}
	lp->base_len = len;
	/* constant size: base[] ends where the scratch path ends */
	bpf_probe_read_kernel(lp->base, LEARN_PATH_LEN, &ps->buf[PATH_SCRATCH - LEARN_PATH_LEN]);
}

/* name = the user's string; base = what a relative name is relative to. */
static __always_inline void put_path_arg(struct learn_path *lp, long dfd, const char *upath)
{
	long n = bpf_probe_read_user_str(lp->name, LEARN_PATH_LEN, upath);

	if (n <= 0 || n >= LEARN_PATH_LEN) {
		lp->truncated = 1;
		if (n >= LEARN_PATH_LEN)
			count_drop(WARD_DROP_PATH_TRUNC);
		return;
	}
	lp->name_len = n - 1;
	if (n > 1 && lp->name[0] == '/')
		return;
	put_file_path(lp, (int)dfd == at_fdcwd ? cwd_file() : fd_file((int)dfd));
}

/* Argument i of the syscall, from the registers saved at its entry. */
static __always_inline unsigned long arg(struct pt_regs *regs, bool compat, __u8 i)
{
	switch (i) {
	case 0:
		return compat ? BPF_CORE_READ(regs, bx) : BPF_CORE_READ(regs, di);
	case 1:
		return compat ? BPF_CORE_READ(regs, cx) : BPF_CORE_READ(regs, si);
	case 2:
		return BPF_CORE_READ(regs, dx);
	case 3:
		return compat ? BPF_CORE_READ(regs, si) : BPF_CORE_READ(regs, r10);
	case 4:
		return compat ? BPF_CORE_READ(regs, di) : BPF_CORE_READ(regs, r8);
	default:
		return compat ? BPF_CORE_READ(regs, bp) : BPF_CORE_READ(regs, r9);
	}
}

static __always_inline long fd_arg(struct pt_regs *regs, bool compat, __u8 i)
{
	return (int)arg(regs, compat, i); /* an int in both ABIs */
}

static __always_inline void submit(struct ward_learn_event *e)
{
	if (bpf_ringbuf_output(&ward_learn_rb, e, sizeof(*e), 0))
		count_drop(WARD_DROP_RINGBUF);
}

static __always_inline bool sock_endpoint(struct ward_learn_event *e, struct file *f, bool local)
{
	struct socket *sock;
	struct sock *sk;
	__u16 family;
	__u8 proto;

	if (!f)
		return false;
	sock = BPF_CORE_READ(f, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return false;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	proto = BPF_CORE_READ(sk, sk_protocol);
	if ((family != AF_INET && family != AF_INET6) ||
	    (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return false;
	e->proto = proto == IPPROTO_TCP ? WARD_PROTO_TCP : WARD_PROTO_UDP;
	if (local) {
		e->port = BPF_CORE_READ(sk, __sk_common.skc_num);
		return true;
	}
	e->port = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AF_INET) {
		e->addr[10] = e->addr[11] = 0xff;
		bpf_core_read(&e->addr[12], 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(e->addr, 16, &sk->__sk_common.skc_v6_daddr);
	}
	return true;
}

/* A path operation, or an operation on an open file, that succeeded. */
static __always_inline int file_op(const volatile struct learn_op *op, struct pt_regs *regs,
				   bool compat, __u64 cgid)
{
	struct ward_learn_event *e = new_event(LEARN_EV_FILE, cgid);
	__u8 i0 = op->path[0], i1 = op->path[1];

	if (!e)
		return 0;
	e->access = op->access;
	e->n_paths = op->n_paths > 1 ? 2 : 1;
	if (op->kind == LEARN_OP_FD) {
		put_file_path(&e->path[0], fd_file(fd_arg(regs, compat, i0)));
	} else {
		__u8 d0 = op->dfd[0], d1 = op->dfd[1];

		put_path_arg(&e->path[0], d0 == LEARN_AT_CWD ? at_fdcwd : fd_arg(regs, compat, d0),
			     (const char *)arg(regs, compat, i0));
		if (e->n_paths > 1)
			put_path_arg(&e->path[1],
				     d1 == LEARN_AT_CWD ? at_fdcwd : fd_arg(regs, compat, d1),
				     (const char *)arg(regs, compat, i1));
	}
	submit(e);
	return 0;
}

static __always_inline int sock_op(const volatile struct learn_op *op, struct pt_regs *regs,
				   bool compat, __u64 cgid)
{
	bool bind = op->kind == LEARN_OP_BIND;
	struct ward_learn_event *e = new_event(bind ? LEARN_EV_BIND : LEARN_EV_CONNECT, cgid);

	if (!e || !sock_endpoint(e, fd_file(fd_arg(regs, compat, op->path[0])), bind))
		return 0;
	if (bind || e->proto == WARD_PROTO_UDP) /* TCP connects come from the tcp tracker */
		submit(e);
	return 0;
}

/* An open: the file it returned, once per file and access. */
static __always_inline int open_exit(long ret, __u64 cgid)
{
	struct learn_seen_key key = { .cgroup_id = cgid };
	struct ward_learn_event *e;
	struct vfsmount *vm;
	struct inode *inode;
	struct file *f;
	__u32 fmode, access = 0;
	__u8 one = 1;

	f = fd_file(ret);
	if (!f)
		return 0;
	fmode = BPF_CORE_READ(f, f_mode);
	if (fmode & FMODE_PATH)
		return 0;
	if (fmode & FMODE_READ)
		access |= WARD_ACC_READ;
	if (fmode & FMODE_WRITE)
		access |= WARD_ACC_WRITE;
	if (fmode & FMODE_CREATED)
		access |= WARD_ACC_CREATE;
	if (!access)
		return 0;
	/* pipes, sockets, anonymous inodes: on internal mounts, no path */
	vm = BPF_CORE_READ(f, f_path.mnt);
	if (!BPF_CORE_READ(container_of(vm, struct mount, mnt), mnt_ns))
		return 0;
	inode = BPF_CORE_READ(f, f_inode);
	key.a = BPF_CORE_READ(inode, i_ino);
	key.b = BPF_CORE_READ(inode, i_sb, s_dev);
	key.c = access | LEARN_SEEN_FILE;
	if (bpf_map_lookup_elem(&learn_seen, &key))
		return 0;
	e = new_event(LEARN_EV_FILE, key.cgroup_id);
	if (!e)
		return 0;
	e->access = access;
	e->n_paths = 1;
	put_file_path(&e->path[0], f);
	submit(e);
	bpf_map_update_elem(&learn_seen, &key, &one, BPF_ANY);
	return 0;
}

/* A granted capability check, once per cgroup and capability. Switched off
 * where the kernel has no such tracepoint (user space infers instead). */
SEC("tp/capability/cap_capable")
int learn_capable(struct trace_event_raw_cap_capable *ctx)
{
	struct learn_seen_key key = {};
	struct ward_learn_event *e;
	__u8 one = 1;

	if (ctx->ret != 0 || ctx->cap < 0 || skip(&key.cgroup_id))
		return 0;
	key.a = ctx->cap;
	key.c = LEARN_SEEN_CAP;
	if (bpf_map_lookup_elem(&learn_seen, &key))
		return 0;
	e = new_event(LEARN_EV_CAP, key.cgroup_id);
	if (!e)
		return 0;
	e->access = ctx->cap;
	submit(e);
	bpf_map_update_elem(&learn_seen, &key, &one, BPF_ANY);
	return 0;
}

/* ---- gates ---------------------------------------------------------------------- */

static __always_inline void open_gate(__u64 cgid)
{
	if (!bpf_map_lookup_elem(&learn_gate, &cgid))
		return;
	bpf_map_delete_elem(&ward_cgfilter, &cgid);
	bpf_map_delete_elem(&learn_gate, &cgid);
}

/* A task moves into a cgroup of the unified hierarchy (id 0). */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(learn_attach, struct cgroup *dst, const char *path, struct task_struct *task,
	     bool threadgroup)
{
	__u64 cgid = BPF_CORE_READ(dst, kn, id), from;
	__u8 one = 1, unwanted = WARD_CG_UNWANTED, *v;
	__u32 tgid = task->tgid;

	if (BPF_CORE_READ(dst, root, hierarchy_id) != 0 || tgid == self_tgid)
		return 0;
	/* The tracepoint fires after the move, so where the task came from is
	 * told by its parent: a child of a learned process moving between
	 * cgroups is no outsider; the runtime's init, whose parent is the
	 * runtime (also for `runc exec`), is. */
	from = BPF_CORE_READ(task, real_parent, cgroups, dfl_cgrp, kn, id);
	v = bpf_map_lookup_elem(&ward_cgfilter, &from);
	if (!v || *v != WARD_CG_WANTED)
		bpf_map_update_elem(&learn_outsider, &tgid, &one, BPF_ANY);
	if (!bpf_map_update_elem(&ward_cgfilter, &cgid, &unwanted, BPF_NOEXIST) &&
	    bpf_map_update_elem(&learn_gate, &cgid, &one, BPF_ANY))
		bpf_map_delete_elem(&ward_cgfilter, &cgid); /* no gate: leave it open */
	return 0;
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(learn_rmdir, struct cgroup *cgrp, const char *path)
{
	__u64 cgid = BPF_CORE_READ(cgrp, kn, id);

	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0)
		return 0;
	if (bpf_map_lookup_elem(&learn_gate, &cgid)) {
		bpf_map_delete_elem(&ward_cgfilter, &cgid);
		bpf_map_delete_elem(&learn_gate, &cgid);
	}
	return 0;
}

/* Must run before the process tracker's handler of the same tracepoint: user
 * space attaches this object first (a perf-event program like that one, so
 * both run from one program array in attach order). */
SEC("tp/sched/sched_process_exec")
int learn_exec(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	/* The runtime executing itself (runc's cloned binary) is no entrypoint. */
	if (BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) == host_mntns)
		return 0;
	bpf_map_delete_elem(&learn_outsider, &tgid);
	open_gate(bpf_get_current_cgroup_id());
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(learn_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	__u8 one = 1;

	if (child->pid != child->tgid) /* a thread shares its process's entry */
		return 0;
	if (bpf_map_lookup_elem(&learn_outsider, &ptgid))
		bpf_map_update_elem(&learn_outsider, &ctgid, &one, BPF_ANY);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int learn_exit(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;

	if ((__u32)id == tgid)
		bpf_map_delete_elem(&learn_outsider, &tgid);
	return 0;
}

/* Every syscall's exit: look its meaning up, act on a success. */
SEC("raw_tp/sys_exit")
int BPF_PROG(learn_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	bool compat = BPF_CORE_READ(task, thread_info.status) & TS_COMPAT;
	__u64 nr = BPF_CORE_READ(regs, orig_ax), cgid;
	const volatile struct learn_op *op;

	if (ret < 0 || nr >= LEARN_NR_MAX)
		return 0;
	op = &learn_ops[(compat ? LEARN_NR_MAX : 0) + nr];
	switch (op->kind) {
	case LEARN_OP_NONE:
		return 0;
	case LEARN_OP_GATE:
		/* A filter was installed (libseccomp probes with invalid ones):
		 * what the runtime calls from here to the entrypoint's exec is
		 * what a filter must allow. */
		if (ret == 0 && arg(regs, compat, 0) == op->want[0] &&
		    (op->n_want < 2 || arg(regs, compat, 1) == op->want[1]))
			open_gate(bpf_get_current_cgroup_id());
		return 0;
	}
	if (skip(&cgid))
		return 0;
	switch (op->kind) {
	case LEARN_OP_OPEN:
		return open_exit(ret, cgid);
	case LEARN_OP_PATH:
	case LEARN_OP_FD:
		return ret == 0 ? file_op(op, regs, compat, cgid) : 0;
	default:
		return ret == 0 ? sock_op(op, regs, compat, cgid) : 0;
	}
}
