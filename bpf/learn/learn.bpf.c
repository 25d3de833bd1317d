// SPDX-License-Identifier: GPL-2.0
/*
 * ward learn, kernel side. Loaded only while learning, next to the process,
 * tcp and syscall trackers, all four sharing one ward_cgfilter map.
 *
 * Gates: a container's runtime works inside the container's cgroup before
 * the entrypoint runs (runc: re-executing itself, namespaces, mounts,
 * pivot_root, capabilities). None of that belongs in the profile, so
 *   - a cgroup made, or getting its first task, while learning is marked
 *     unwanted in ward_cgfilter (every tracker skips it) and remembered in learn_gate
 *     until a task in it executes a program outside the host's mount
 *     namespace (the entrypoint, in the container's own) or installs a
 *     seccomp filter (from then on the runtime's calls are what a filter must
 *     allow); then its verdict is removed and user space classifies it;
 *   - a process attached to a cgroup from outside (the runtime's init, also of
 *     `runc exec`) and its children are recorded only after such an exec;
 *     the syscall tracker, sharing learn_outsider, counts their syscalls from
 *     such an exec or from a seccomp filter they install on.
 *
 * Records, from one raw_tp/sys_exit hook for the syscalls of both ABIs that
 * user space describes in ward_sysops[] (include/ward/sysops.h, by name through
 * libseccomp, the table enforcement reads too): files by
 * access kind (a successful open from the file it returned, path operations
 * from their arguments, still in pt_regs at exit on x86, resolved against
 * the cwd or the dirfd in the kernel), binds, UDP connects, the destinations
 * of UDP datagrams sent with an address (once per cgroup and destination),
 * unix socket binds and connects by path; the interpreter of an executed
 * script (tp_btf/sched_process_exec); and granted capability checks
 * (tp/capability/cap_capable, where the kernel has it).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define WARD_BPF
#include "ward/bundle_maps.h"
#include "common.bpf.h"
#include "path.bpf.h"
#include "ward/learn.h"
#include "sysops.bpf.h"
#include "ward/syscall.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load. */
const volatile __u32 host_mntns = 0; /* where a runtime runs before it enters the container */
const volatile __s32 at_fdcwd = 0;   /* AT_FDCWD */
const volatile struct ward_sysop ward_sysops[2 * WARD_SYSOP_NR] = {};

/* uapi and kernel values vmlinux.h does not carry */
#define FMODE_READ    0x1
#define FMODE_WRITE   0x2
#define FMODE_PATH    0x4000
#define FMODE_CREATED 0x100000 /* include/linux/fs.h: open created the file */
#define UNIX_PATH_MAX 108      /* sizeof(sockaddr_un.sun_path) */

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

/* Datagram destinations reported already (value unused). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LEARN_SEEN_MAX);
	__type(key, struct learn_sent_key);
	__type(value, __u8);
} learn_sent SEC(".maps");

/* Tgid -> enum sysc_outsider: attached to its cgroup from outside, not yet
 * past an exec. Shared with the syscall tracker (its ward_sysc_outsider). */
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
	e->access2 = 0;
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

/* name = the string at upath (user memory, or kernel memory when kernel),
 * at most max - 1 bytes; base = what a relative name is relative to. */
static __always_inline void put_path_arg(struct learn_path *lp, long dfd, const char *upath,
					 __u32 max, bool kernel)
{
	long n = kernel ? bpf_probe_read_kernel_str(lp->name, max, upath)
			: bpf_probe_read_user_str(lp->name, max, upath);

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

static __always_inline long fd_arg(struct pt_regs *regs, bool compat, __u8 i)
{
	return (int)sysop_arg(regs, compat, i); /* an int in both ABIs */
}

static __always_inline void submit(struct ward_learn_event *e)
{
	if (bpf_ringbuf_output(&ward_learn_rb, e, sizeof(*e), 0))
		count_drop(WARD_DROP_RINGBUF);
}

/* The socket of a file a socket call succeeded on. */
static __always_inline struct sock *file_sock(struct file *f)
{
	struct socket *sock;

	if (!f)
		return NULL;
	sock = BPF_CORE_READ(f, private_data);
	return BPF_CORE_READ(sock, sk);
}

/* TCP or UDP over IPv4 or IPv6: its enum ward_proto bit, else 0. */
static __always_inline __u32 inet_proto(struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u8 proto = BPF_CORE_READ(sk, sk_protocol);

	if (family != AF_INET && family != AF_INET6)
		return 0;
	return proto == IPPROTO_TCP ? WARD_PROTO_TCP : proto == IPPROTO_UDP ? WARD_PROTO_UDP : 0;
}

static __always_inline void inet_endpoint(struct ward_learn_event *e, struct sock *sk, bool local)
{
	if (local) {
		e->port = BPF_CORE_READ(sk, __sk_common.skc_num);
		return;
	}
	e->port = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (BPF_CORE_READ(sk, __sk_common.skc_family) == AF_INET) {
		e->addr[10] = e->addr[11] = 0xff;
		bpf_core_read(&e->addr[12], 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(e->addr, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

/* The path of the sockaddr_un of len bytes at uaddr; abstract and unnamed
 * addresses name no file (false). */
static __always_inline bool unix_endpoint(struct ward_learn_event *e, const char *uaddr,
					  unsigned long len)
{
	__u16 family = 0;
	char c = 0;

	if (len <= sizeof(family) || bpf_probe_read_user(&family, sizeof(family), uaddr) ||
	    family != AF_UNIX || bpf_probe_read_user(&c, 1, uaddr + sizeof(family)) || !c)
		return false;
	e->proto = LEARN_PROTO_UNIX;
	e->n_paths = 1;
	put_path_arg(&e->path[0], at_fdcwd, uaddr + sizeof(family), UNIX_PATH_MAX + 1, false);
	return !e->path[0].truncated;
}

/* A path operation, or an operation on an open file, that succeeded. */
static __always_inline int file_op(const volatile struct ward_sysop *op, struct pt_regs *regs,
				   bool compat, __u64 cgid)
{
	struct ward_learn_event *e = new_event(LEARN_EV_FILE, cgid);
	__u8 i0 = op->path[0], i1 = op->path[1];

	if (!e)
		return 0;
	e->access = op->access[0];
	e->access2 = op->access[1];
	e->n_paths = op->n_paths > 1 ? 2 : 1;
	if (op->kind == WARD_SYSOP_FD) {
		put_file_path(&e->path[0], fd_file(fd_arg(regs, compat, i0)));
	} else {
		__u8 d0 = op->dfd[0], d1 = op->dfd[1];

		put_path_arg(&e->path[0],
			     d0 == WARD_SYSOP_AT_CWD ? at_fdcwd : fd_arg(regs, compat, d0),
			     (const char *)sysop_arg(regs, compat, i0), LEARN_PATH_LEN, false);
		if (e->n_paths > 1)
			put_path_arg(&e->path[1],
				     d1 == WARD_SYSOP_AT_CWD ? at_fdcwd : fd_arg(regs, compat, d1),
				     (const char *)sysop_arg(regs, compat, i1), LEARN_PATH_LEN,
				     false);
	}
	submit(e);
	return 0;
}

static __always_inline int sock_op(const volatile struct ward_sysop *op, struct pt_regs *regs,
				   bool compat, __u64 cgid)
{
	bool bind = op->kind == WARD_SYSOP_BIND;
	struct ward_learn_event *e = new_event(bind ? LEARN_EV_BIND : LEARN_EV_CONNECT, cgid);
	struct sock *sk = file_sock(fd_file(fd_arg(regs, compat, op->path[0])));

	if (!e || !sk)
		return 0;
	/* bind and connect: the address is argument 1, its length 2 */
	if (BPF_CORE_READ(sk, __sk_common.skc_family) == AF_UNIX) {
		if (unix_endpoint(e, (const char *)sysop_arg(regs, compat, 1),
				  sysop_arg(regs, compat, 2)))
			submit(e);
		return 0;
	}
	e->proto = inet_proto(sk);
	if (!e->proto || (!bind && e->proto != WARD_PROTO_UDP))
		return 0; /* TCP connects come from the tcp tracker */
	inet_endpoint(e, sk, bind);
	submit(e);
	return 0;
}

struct name_hash {
	const char *name;
	__u64 h;
};

static int name_hash_cb(__u32 i, void *data)
{
	struct name_hash *c = data;

	c->h = (c->h ^ (__u8)c->name[i & (LEARN_PATH_LEN - 1)]) * 0x100000001b3ULL;
	return 0;
}

/* A datagram sent to a unix socket by path (where: the sockaddr_un), once
 * per cgroup and absolute path (key: FNV-1a of the path in addr); relative
 * names, rare, are reported every time. */
static __always_inline int unix_send(struct learn_sent_key *key, unsigned long where)
{
	struct ward_learn_event *e = new_event(LEARN_EV_CONNECT, key->cgroup_id);
	struct name_hash c = { .h = 0xcbf29ce484222325ULL };
	__u8 one = 1;

	if (!e || !unix_endpoint(e, (const char *)where, sizeof(struct sockaddr_un)))
		return 0;
	if (e->path[0].base_len) {
		submit(e);
		return 0;
	}
	c.name = e->path[0].name;
	bpf_loop(e->path[0].name_len & (LEARN_PATH_LEN - 1), name_hash_cb, &c, 0);
	__builtin_memcpy(key->addr, &c.h, sizeof(c.h));
	key->port = 0xffff; /* no UDP key has it with this hash */
	if (bpf_map_lookup_elem(&learn_sent, key))
		return 0;
	submit(e);
	bpf_map_update_elem(&learn_sent, key, &one, BPF_ANY);
	return 0;
}

/* A datagram sent with a destination address (sendto, sendmsg) on a UDP or
 * unix socket: the destination, once per cgroup. A connected socket's sends
 * without an address add nothing (its connect was recorded). */
static __always_inline int send_op(const volatile struct ward_sysop *op, struct pt_regs *regs,
				   bool compat, __u64 cgid)
{
	struct learn_sent_key key = { .cgroup_id = cgid };
	struct sock *sk = file_sock(fd_file(fd_arg(regs, compat, op->path[0])));
	unsigned long where = sysop_arg(regs, compat, op->path[1]);
	struct ward_learn_event *e;
	__u16 sa[2] = {}; /* family, port (network order) */
	__u8 one = 1;

	bool unix_sk = sk && BPF_CORE_READ(sk, __sk_common.skc_family) == AF_UNIX;

	if (!sk || (!unix_sk && inet_proto(sk) != WARD_PROTO_UDP))
		return 0;
	if (op->kind == WARD_SYSOP_SENDMSG) { /* msg_name is the msghdr's first field */
		__u32 name32 = 0;

		if (compat) {
			bpf_probe_read_user(&name32, sizeof(name32), (void *)where);
			where = name32;
		} else if (bpf_probe_read_user(&where, sizeof(where), (void *)where)) {
			where = 0;
		}
	}
	if (unix_sk)
		return where ? unix_send(&key, where) : 0;
	if (!where || bpf_probe_read_user(sa, sizeof(sa), (void *)where))
		return 0;
	key.port = __builtin_bswap16(sa[1]);
	if (sa[0] == AF_INET) {
		key.addr[10] = key.addr[11] = 0xff;
		if (bpf_probe_read_user(&key.addr[12], 4, (void *)(where + 4)))
			return 0;
	} else if (sa[0] != AF_INET6 || bpf_probe_read_user(key.addr, 16, (void *)(where + 8))) {
		return 0;
	}
	if (bpf_map_lookup_elem(&learn_sent, &key))
		return 0;
	e = new_event(LEARN_EV_CONNECT, cgid);
	if (!e)
		return 0;
	e->proto = WARD_PROTO_UDP;
	e->port = key.port;
	__builtin_memcpy(e->addr, key.addr, sizeof(e->addr));
	submit(e);
	bpf_map_update_elem(&learn_sent, &key, &one, BPF_ANY);
	return 0;
}

/* An open file accessed with access: its path, once per file and access. */
static __always_inline int report_file(struct file *f, __u32 access, __u64 cgid)
{
	struct learn_seen_key key = { .cgroup_id = cgid };
	struct ward_learn_event *e;
	struct vfsmount *vm;
	struct inode *inode;
	__u8 one = 1;

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

/* An open: the file it returned. */
static __always_inline int open_exit(long ret, __u64 cgid)
{
	struct file *f = fd_file(ret);
	__u32 fmode, access = 0;

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
	return access ? report_file(f, access, cgid) : 0;
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

/* A cgroup with no verdict yet: unwanted, behind a gate (nothing when a
 * verdict is there: a cgroup classified by user space, or gated already). */
static __always_inline void gate_new(__u64 cgid)
{
	__u8 one = 1, unwanted = WARD_CG_UNWANTED;

	if (!bpf_map_update_elem(&ward_cgfilter, &cgid, &unwanted, BPF_NOEXIST) &&
	    bpf_map_update_elem(&learn_gate, &cgid, &one, BPF_ANY))
		bpf_map_delete_elem(&ward_cgfilter, &cgid); /* no gate: leave it open */
}

/* A cgroup made while learning is gated before any task enters it: the
 * attach tracepoint fires after the move, and a runtime's process moved in
 * runs meanwhile (runc's re-executed init, every capability still held:
 * CAP_SYS_ADMIN in the profile from its mmaps' overcommit check). */
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(learn_mkdir, struct cgroup *cgrp, const char *path)
{
	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0)
		return 0;
	gate_new(BPF_CORE_READ(cgrp, kn, id));
	return 0;
}

/* A task moves into a cgroup of the unified hierarchy (id 0): one made
 * before learning began gets its gate at its first task. */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(learn_attach, struct cgroup *dst, const char *path, struct task_struct *task,
	     bool threadgroup)
{
	__u64 cgid = BPF_CORE_READ(dst, kn, id), from;
	__u8 outsider = SYSC_OUTSIDER, *v;
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
		bpf_map_update_elem(&learn_outsider, &tgid, &outsider, BPF_ANY);
	gate_new(cgid);
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

/* The current task executed a program: past the runtime's setup (true),
 * unless it is the runtime executing itself (runc's cloned binary, in the
 * host's mount namespace). */
static __always_inline bool past_exec(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) == host_mntns)
		return false;
	bpf_map_delete_elem(&learn_outsider, &tgid);
	open_gate(bpf_get_current_cgroup_id());
	return true;
}

/* Must run before the process tracker's handler of the same tracepoint: user
 * space attaches this object first (a perf-event program like that one, so
 * both run from one program array in attach order). */
SEC("tp/sched/sched_process_exec")
int learn_exec(void *ctx)
{
	past_exec();
	return 0;
}

static long vma_file(struct task_struct *task, struct vm_area_struct *vma, void *ctx)
{
	*(struct file **)ctx = vma->vm_file;
	return 0;
}

#define AT_BASE	       7  /* uapi/linux/auxvec.h: where the ELF interpreter is loaded */
#define AUXV_PAIRS_MAX 23 /* (type, value) pairs of saved_auxv read (x86: 23 at most) */

/* The ELF interpreter (ld.so) the kernel loaded with the program, from the
 * mapping at AT_BASE; NULL for a static program. */
static __always_inline struct file *elf_interp(struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long pair[2], base = 0;
	struct file *f = NULL;

	for (int i = 0; i < AUXV_PAIRS_MAX; i++) {
		if (bpf_core_read(pair, sizeof(pair), &mm->saved_auxv[2 * i]) || !pair[0])
			break;
		if (pair[0] == AT_BASE) {
			base = pair[1];
			break;
		}
	}
	/* not found (or mmap_lock busy): the path is not recorded, as when
	 * it does not fit */
	if (base && (bpf_find_vma(task, base, vma_file, &f, 0) || !f))
		count_drop(WARD_DROP_PATH_TRUNC);
	return f;
}

/*
 * What an exec opens in the kernel (the file LSM hook sees these opens, read
 * and exec): the program, or the interpreter of a script, and the ELF
 * interpreter, once per file. An exec through an interpreter (a #! script,
 * binfmt_misc) also runs the interpreter: it is recorded with the script it
 * ran, both as named (relative names against the cwd). Whichever of this and
 * learn_exec runs first opens the gates.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(learn_bprm, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	const char *interp = BPF_CORE_READ(bprm, interp), *script = BPF_CORE_READ(bprm, filename);
	struct ward_learn_event *e;
	struct file *ld;
	__u64 cgid;

	if (!past_exec() || skip(&cgid))
		return 0;
	report_file(BPF_CORE_READ(bprm, file), WARD_ACC_READ | WARD_ACC_EXEC, cgid);
	ld = elf_interp(task);
	if (ld)
		report_file(ld, WARD_ACC_READ | WARD_ACC_EXEC, cgid);
	if (interp == script)
		return 0;
	e = new_event(LEARN_EV_EXEC, cgid);
	if (!e)
		return 0;
	e->n_paths = 2;
	put_path_arg(&e->path[0], at_fdcwd, interp, LEARN_PATH_LEN, true);
	put_path_arg(&e->path[1], at_fdcwd, script, LEARN_PATH_LEN, true);
	submit(e);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(learn_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	__u8 *v;

	if (child->pid != child->tgid) /* a thread shares its process's entry */
		return 0;
	v = bpf_map_lookup_elem(&learn_outsider, &ptgid);
	if (v) {
		__u8 copy = *v;

		bpf_map_update_elem(&learn_outsider, &ctgid, &copy, BPF_ANY);
	}
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
	const volatile struct ward_sysop *op;
	__u64 cgid;

	op = sysop_of(ward_sysops, regs, compat);
	if (ret < 0 || !op)
		return 0;
	switch (op->kind) {
	case WARD_SYSOP_NONE:
		return 0;
	case WARD_SYSOP_GATE:
		/* A filter was installed (libseccomp probes with invalid ones):
		 * what the runtime calls from here to the entrypoint's exec is
		 * what a filter must allow. */
		if (ret == 0 && sysop_arg(regs, compat, 0) == op->want[0] &&
		    (op->n_want < 2 || sysop_arg(regs, compat, 1) == op->want[1])) {
			__u32 tgid = bpf_get_current_pid_tgid() >> 32;
			__u8 filtered = SYSC_OUTSIDER_FILTERED;

			open_gate(bpf_get_current_cgroup_id());
			if (bpf_map_lookup_elem(&learn_outsider, &tgid))
				bpf_map_update_elem(&learn_outsider, &tgid, &filtered, BPF_EXIST);
		}
		return 0;
	}
	if (skip(&cgid))
		return 0;
	switch (op->kind) {
	case WARD_SYSOP_OPEN:
		return open_exit(ret, cgid);
	case WARD_SYSOP_PATH:
	case WARD_SYSOP_FD:
		return ret == 0 ? file_op(op, regs, compat, cgid) : 0;
	case WARD_SYSOP_SENDTO:
	case WARD_SYSOP_SENDMSG:
		return send_op(op, regs, compat, cgid);
	default:
		return ret == 0 ? sock_op(op, regs, compat, cgid) : 0;
	}
}
