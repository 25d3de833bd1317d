// SPDX-License-Identifier: GPL-2.0
/*
 * Enforcement: the compiled policy decides every exec, file open, connect,
 * bind, listen, unconnected datagram and capability use of a targeted
 * container. BPF-LSM hooks refuse with -EPERM; on kernels without BPF-LSM
 * the engine loads the fallbacks instead (bpf_program__set_autoload):
 * tracepoints that report execs and opens and kill the process of a blocked
 * one (SIGKILL), and cgroup sock_addr programs that refuse
 * connect/sendmsg/bind (EPERM).
 * docs/enforcement.md; the lookup is lsm/lookup.bpf.h.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <asm-generic/errno-base.h>

#include "common.bpf.h"
#include "path.bpf.h"
#include "lookup.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Kernel ABI constants that vmlinux.h does not carry (macros):
 * include/linux/socket.h, include/linux/net.h, include/linux/fs.h,
 * include/uapi/asm-generic/signal.h. */
#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_TYPE_MASK 0xf
#define AF_PACKET      17
#define UNIX_PATH_MAX  108
#define S_IFMT	       00170000
#define S_IFSOCK       0140000
#define FMODE_READ     0x1
#define FMODE_WRITE    0x2
#define FMODE_EXEC     0x20
#define FMODE_CREATED  0x100000
#define O_TRUNC	       01000
#define AT_FDCWD       -100
#define WARD_SIGKILL   9

/* Set by the engine before load: kill a blocked exec, or the process that
 * completed a blocked open, from the tracepoint (the kernel allows
 * bpf_send_signal there). */
const volatile bool tp_exec_kill = false;
/* Without BPF-LSM: raw IP sockets are decided by cgroup/sock_create
 * (cg_sock_raw), the other kinds by the socket() tracepoint, which kills a
 * blocked caller when tp_sock_kill is set. */
const volatile bool cg_sock_raw = false;
const volatile bool tp_sock_kill = false;
const volatile bool tp_file_kill = false;

/* ---- helpers ------------------------------------------------------------------------------ */

static __always_inline struct ward_scratch *task_scratch(void)
{
	struct ward_scratch *s;

	s = bpf_task_storage_get(&ward_task_scr, bpf_get_current_task_btf(), NULL,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s)
		count_drop(WARD_DROP_MAP_FULL);
	return s;
}

static __always_inline struct ward_scratch *cpu_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ward_cpu_scr, &zero);
}

/* The acting executable into s->exe with bpf_d_path (sleepable hooks). */
static __always_inline void exe_d_path(struct ward_req *r, struct ward_scratch *s)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct mm_struct *mm = t->mm;
	struct file *f;

	r->have_exe = 0;
	if (!mm)
		return;
	f = mm->exe_file;
	if (!f)
		return;
	if (bpf_d_path((struct path *)&f->f_path, s->exe, sizeof(s->exe)) > 0)
		r->have_exe = 1;
}

/* A path from the dentry walk of path.bpf.h (non-sleepable programs) into
 * dst; returns its length, or -1. */
static __always_inline int walk_file(struct file *f, char *dst)
{
	struct path_scratch *ps = path_scratch();
	bool truncated;
	__u32 off, len;

	if (!ps || !f)
		return -1;
	off = file_path(ps, f, &truncated);
	if (truncated)
		count_drop(WARD_DROP_PATH_TRUNC);
	len = PATH_SCRATCH - off;
	if (len > WARD_SCRATCH_PATH - 1)
		len = WARD_SCRATCH_PATH - 1;
	if (bpf_probe_read_kernel(dst, len & (WARD_SCRATCH_PATH - 1),
				  &ps->buf[off & (PATH_SCRATCH - 1)]))
		return -1;
	dst[len & (WARD_SCRATCH_PATH - 1)] = '\0';
	return len;
}

/* The walk of the file at file_addr into s->exe (to_exe) or s->obj. A global
 * function: the verifier checks it once per program, not at every call (the
 * path hooks walk two to four paths), which keeps loading fast. */
__noinline int ward_walk_addr(__u64 file_addr, struct ward_scratch *s, int to_exe)
{
	if (!s)
		return -1;
	return walk_file((struct file *)file_addr, to_exe ? s->exe : s->obj);
}

/* The same walk for a struct path (a hook's argument, or one on the stack)
 * into s->obj: file_path() reads nothing of the file but its f_path, so it is
 * handed the address of the file that would hold p there. That address is
 * only read through (CO-RE probe reads), so it is taken as a plain number:
 * the verifier refuses arithmetic that leaves an object, the stack in
 * particular. */
static __always_inline int walk_path(const struct path *p, struct ward_scratch *s)
{
	unsigned long at = 0;

	if (bpf_probe_read_kernel(&at, sizeof(at), &p))
		return -1;
	return ward_walk_addr(at - bpf_core_field_offset(struct file, f_path), s, 0);
}

/*
 * A name as a caller passed it (user memory; kernel memory for a sockaddr
 * copied in), made absolute against the directory of the file at dir_file
 * (0: the cwd) as the task sees it, into s->obj; at most max bytes of the
 * name. Not resolved: a symlink or ".." in the name is taken as written.
 * -1: empty, unreadable or too long a directory.
 */
static __always_inline int name_path(struct ward_scratch *s, __u64 dir_file, const char *name,
				     bool user, __u32 max)
{
	struct fs_struct *fs;
	int len = 0, n;
	char c = 0;

	if ((user ? bpf_probe_read_user(&c, 1, name) : bpf_probe_read_kernel(&c, 1, name)) || !c)
		return -1;
	if (c != '/') {
		if (dir_file) {
			len = ward_walk_addr(dir_file, s, 0);
		} else {
			fs = BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), fs);
			len = walk_path(&fs->pwd, s);
		}
		if (len < 0 || len > WARD_PATH_MAX)
			return -1;
		barrier_var(len); /* keep the masks below where the verifier sees them */
		if (len > 1)
			s->obj[len++ & (2 * WARD_PATH_MAX - 1)] = '/';
	}
	n = user ? bpf_probe_read_user_str(&s->obj[len & (2 * WARD_PATH_MAX - 1)], max + 1, name)
		 : bpf_probe_read_kernel_str(&s->obj[len & (2 * WARD_PATH_MAX - 1)], max + 1, name);
	if (n < 0)
		return -1;
	if (n == max + 1)
		s->obj[(len + max) & (2 * WARD_PATH_MAX - 1)] = '\0';
	return 0;
}

static __always_inline void exe_walk(struct ward_req *r, struct ward_scratch *s)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	r->have_exe = ward_walk_addr((__u64)BPF_CORE_READ(t, mm, exe_file), s, 1) >= 0;
}

/*
 * What follows a decided event r, for every program: nothing for an allow;
 * otherwise its alert, at the level a block reaches here (level:
 * WARD_LEVEL_NONE where nothing can stop it; alert rules and audit mode
 * always report none). At WARD_LEVEL_SIGKILL the caller is killed here.
 * True when the program must refuse the action (LSM: -EPERM, cgroup: 0).
 * task: the program may read the current task (not cgroup programs).
 */
static __always_inline bool ward_verdict(struct ward_req *r, struct ward_scratch *s, __u8 level,
					 bool task)
{
	if (r->effective == WARD_ACT_ALLOW)
		return false;
	if (r->effective == WARD_ACT_BLOCK && level != WARD_LEVEL_NONE) {
		if (level == WARD_LEVEL_SIGKILL)
			bpf_send_signal(WARD_SIGKILL);
		ward_alert(r, s, level, task);
		return true;
	}
	ward_alert(r, s, WARD_LEVEL_NONE, task);
	return false;
}

static __always_inline int lsm_verdict(struct ward_req *r, struct ward_scratch *s)
{
	return ward_verdict(r, s, WARD_LEVEL_LSM, true) ? -EPERM : 0;
}

/* Decide a path event whose path is in s->obj; returns the LSM verdict. */
static __always_inline int decide_path(struct ward_req *r, struct ward_scratch *s,
				       const struct ward_cgroup_policies *pols)
{
	ward_walk(&s->ko, s->obj);
	ward_decide(r, s, pols);
	return lsm_verdict(r, s);
}

/* ---- exec ------------------------------------------------------------------------------------ */

/*
 * Exec rules also see the name a program was invoked by, when absolute: rules
 * are written against names such as /bin/sh or /usr/bin/nc, which are often
 * symlinks (to busybox, dash, an alternative), while the kernel resolves the
 * binary. That name may only add a rule's alert or block; whether it is
 * allowed, and what a default decides, is the resolved binary's.
 *
 * exec_invoked() decides the name (kernel string) into s->req, uncounted
 * (rule WARD_NONE: no rule governs it), and leaves it in s->obj. exec_pick()
 * then takes that decision over r's (the resolved binary's, in s->obj) when
 * it is stricter: counted, and the name back in s->obj for the alert.
 *
 * The outcome stays in the scratch and is read back from there: carried in a
 * register across the second lookup, the 6.1 verifier (bpf_loop callbacks,
 * state pruning) lost the case where the name decides and removed it as dead
 * code (measured in the VM; tests/vm/tests/10-enforce-exec.sh).
 */
static __always_inline void exec_invoked(const struct ward_req *r, struct ward_scratch *s,
					 const struct ward_cgroup_policies *pols, const char *name)
{
	struct ward_req *n = &s->req;

	*n = *r;
	n->nocount = 1;
	n->rule = WARD_NONE;
	n->effective = WARD_ACT_NONE;
	if (bpf_probe_read_kernel_str(s->obj, sizeof(s->obj), name) <= 1 || s->obj[0] != '/')
		return;
	ward_walk(&s->ko, s->obj);
	ward_decide(n, s, pols);
}

static __always_inline void exec_pick(struct ward_req *r, struct ward_scratch *s, const char *name)
{
	const struct ward_req *n = &s->req;

	asm volatile("" ::: "memory"); /* read n from the scratch (above) */
	if (n->rule == WARD_NONE || n->effective <= r->effective)
		return;
	r->policy = n->policy;
	r->rule = n->rule;
	r->action = n->action;
	r->mode = n->mode;
	r->effective = n->effective;
	ward_count(r, r->policy, r->rule, r->action, r->mode);
	if (bpf_probe_read_kernel_str(s->obj, sizeof(s->obj), name) < 0)
		s->obj[0] = '\0';
}

/* Called for the binary and again for a script's interpreter (binfmt_script),
 * so both are checked; bprm->file is what the kernel resolved and opened,
 * bprm->interp the name it was invoked by (the #! line's, for the
 * interpreter). */
SEC("lsm.s/bprm_check_security")
int BPF_PROG(ward_bprm_check, struct linux_binprm *bprm, int ret)
{
	const struct ward_cgroup_policies *pols;
	struct ward_req r = {
		.cls = WARD_CLS_EXEC, .op = WARD_OP_EXEC, .domain = WARD_DOM_EXEC, .mask = 1
	};
	struct ward_scratch *s;

	if (ret)
		return ret;
	pols = ward_targeted(&r);
	if (!pols)
		return 0;
	s = task_scratch();
	if (!s)
		return 0;
	exe_d_path(&r, s);
	exec_invoked(&r, s, pols, bprm->interp);
	if (bpf_d_path((struct path *)&bprm->file->f_path, s->obj, sizeof(s->obj)) <= 0) {
		count_drop(WARD_DROP_PATH_TRUNC);
		return 0;
	}
	ward_walk(&s->ko, s->obj);
	ward_decide(&r, s, pols);
	exec_pick(&r, s, bprm->interp);
	return lsm_verdict(&r, s);
}

/* ---- files ------------------------------------------------------------------------------------ */

SEC("lsm.s/file_open")
int BPF_PROG(ward_file_open, struct file *file, int ret)
{
	const struct ward_cgroup_policies *pols;
	struct ward_req r = { .cls = WARD_CLS_FILE, .op = WARD_OP_OPEN, .domain = WARD_DOM_FILE };
	struct ward_scratch *s;
	unsigned int fmode;

	if (ret)
		return ret;
	pols = ward_targeted(&r);
	if (!pols)
		return 0;
	fmode = file->f_mode;
	if (fmode & FMODE_READ)
		r.mask |= WARD_ACC_READ;
	if ((fmode & FMODE_WRITE) || (file->f_flags & O_TRUNC))
		r.mask |= WARD_ACC_WRITE;
	if (fmode & FMODE_EXEC)
		r.mask |= WARD_ACC_EXEC;
	if (!r.mask)
		return 0;
	s = task_scratch();
	if (!s)
		return 0;
	if (bpf_d_path((struct path *)&file->f_path, s->obj, sizeof(s->obj)) <= 0) {
		count_drop(WARD_DROP_PATH_TRUNC);
		return 0;
	}
	exe_d_path(&r, s);
	return decide_path(&r, s, pols);
}

/*
 * Changes decided before they happen, by the path hooks (non-sleepable: the
 * dentry walk instead of bpf_d_path): creation of a file (open with O_CREAT
 * reaches path_mknod through may_o_create(), mknod) or of a hard link,
 * unlink, rename (both names), chmod and chown, mkdir, symlink, rmdir and
 * truncate(2). Every program costs load time (the verifier checks the whole
 * lookup in each: docs/benchmarks.md).
 */

/* "DIR/NAME" into s->obj from the walk of dir and the entry's name. */
static __always_inline int entry_path(struct ward_scratch *s, const struct path *dir,
				      struct dentry *entry)
{
	const unsigned char *name = BPF_CORE_READ(entry, d_name.name);
	int len = walk_path(dir, s);

	if (len < 0)
		return -1;
	if (len > WARD_PATH_MAX)
		return 0; /* longer than any rule's path: ward_walk() counts it truncated */
	if (len > 1)
		s->obj[len++ & (2 * WARD_PATH_MAX - 1)] = '/';
	if (bpf_probe_read_kernel_str(&s->obj[len & (2 * WARD_PATH_MAX - 1)], WARD_PATH_MAX, name) <
	    0)
		return -1;
	return 0;
}

/* Decide access on the path in s->obj for the policies pols. */
static __always_inline int decide_change(struct ward_req *r, struct ward_scratch *s,
					 const struct ward_cgroup_policies *pols)
{
	exe_walk(r, s);
	return decide_path(r, s, pols);
}

/* The request of a path hook, in the scratch (hooks that decide twice would
 * not fit the BPF stack with two requests on it). */
static __always_inline struct ward_req *change_req(struct ward_scratch *s, __u8 cls, __u8 op,
						   __u16 domain, __u32 mask)
{
	struct ward_req *r = &s->req;

	__builtin_memset(r, 0, sizeof(*r));
	r->cls = cls;
	r->op = op;
	r->domain = domain;
	r->mask = mask;
	return r;
}

/* An event on DIR/NAME (entry != NULL) or on dir itself: file access, or
 * the path of a unix socket being bound. */
static __always_inline int path_decide(const struct path *dir, struct dentry *entry, __u8 op,
				       __u16 domain, __u32 mask)
{
	const struct ward_cgroup_policies *pols;
	struct ward_scratch *s = cpu_scratch();
	struct ward_req *r;

	if (!s)
		return 0;
	r = change_req(s, domain == WARD_DOM_FILE ? WARD_CLS_FILE : WARD_CLS_NET, op, domain, mask);
	pols = ward_targeted(r);
	if (!pols)
		return 0;
	if (entry ? entry_path(s, dir, entry) : (walk_path(dir, s) < 0 ? -1 : 0))
		return 0;
	return decide_change(r, s, pols);
}

static __always_inline int path_change(const struct path *dir, struct dentry *entry, __u32 access)
{
	return path_decide(dir, entry, WARD_OP_OPEN, WARD_DOM_FILE, access);
}

/* Also bind() of a unix socket by path, which creates its inode here. */
SEC("lsm/path_mknod")
int BPF_PROG(ward_path_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	if (ret)
		return ret;
	ret = path_change(dir, dentry, WARD_ACC_CREATE);
	if (ret || (mode & S_IFMT) != S_IFSOCK)
		return ret;
	return path_decide(dir, dentry, WARD_OP_UNIX_BIND, WARD_DOM_UNIX_BIND, 1);
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
	const struct ward_cgroup_policies *pols;
	struct ward_scratch *s = cpu_scratch();
	struct ward_req *r;
	struct path src;
	int ret;

	if (!s)
		return 0;
	r = change_req(s, WARD_CLS_FILE, WARD_OP_OPEN, WARD_DOM_FILE, WARD_ACC_ALL);
	pols = ward_targeted(r);
	if (!pols)
		return 0;
	/* the source is on new_dir's mount (links never cross mounts) */
	src.mnt = BPF_CORE_READ(new_dir, mnt);
	src.dentry = old_dentry;
	if (walk_path(&src, s) < 0)
		return 0;
	ret = decide_change(r, s, pols);
	if (ret)
		return ret;
	r = change_req(s, WARD_CLS_EXEC, WARD_OP_EXEC, WARD_DOM_EXEC, 1);
	pols = ward_targeted(r);
	if (!pols)
		return 0;
	return decide_change(r, s, pols);
}

/*
 * A hard link is a second name for a file, and rules name paths: linking a
 * file that a file or exec rule governs (other than allow) would let the new
 * name sidestep that rule, so the source is decided as well as the new name
 * (a creation). Two programs on the hook, as one would not fit the BPF
 * stack; the second keeps the first one's refusal (ret).
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

/* ---- network ---------------------------------------------------------------------------------- */

static __always_inline bool sock_proto(struct socket *sock, struct ward_req *r)
{
	short type = BPF_CORE_READ(sock, type);

	if (type == SOCK_STREAM)
		r->mask = WARD_PROTO_TCP;
	else if (type == SOCK_DGRAM)
		r->mask = WARD_PROTO_UDP;
	else
		return false;
	return true;
}

/* IPv4 as IPv4-mapped IPv6, so one trie covers both forms. */
static __always_inline void addr_v4(struct ward_req *r, __u32 a)
{
	__builtin_memset(r->addr, 0, 10);
	r->addr[10] = 0xff;
	r->addr[11] = 0xff;
	__builtin_memcpy(&r->addr[12], &a, 4);
	r->family = 4;
}

static __always_inline void addr_v6(struct ward_req *r, const __u8 *a)
{
	__u64 hi;
	__u32 mid;

	__builtin_memcpy(r->addr, a, 16);
	__builtin_memcpy(&hi, a, 8);
	__builtin_memcpy(&mid, a + 8, 4);
	/* ::ffff:a.b.c.d is an IPv4 peer */
	r->family = hi == 0 && mid == bpf_htonl(0xffff) ? 4 : 6;
}

/* Reads a sockaddr (kernel memory) into r; false for other families. */
static __always_inline bool sockaddr_req(struct sockaddr *sa, struct ward_req *r)
{
	unsigned short fam = BPF_CORE_READ(sa, sa_family);

	if (fam == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;

		addr_v4(r, BPF_CORE_READ(in, sin_addr.s_addr));
		r->port = bpf_ntohs(BPF_CORE_READ(in, sin_port));
		return true;
	}
	if (fam == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
		__u8 a[16];

		if (bpf_probe_read_kernel(a, sizeof(a), &in6->sin6_addr))
			return false;
		addr_v6(r, a);
		r->port = bpf_ntohs(BPF_CORE_READ(in6, sin6_port));
		return true;
	}
	return false;
}

static __always_inline int decide_net(struct ward_req *r, const struct ward_cgroup_policies *pols)
{
	struct ward_scratch *s = cpu_scratch();

	if (!s)
		return 0;
	if (ward_decide(r, s, pols) == WARD_ACT_ALLOW)
		return 0;
	exe_walk(r, s);
	return lsm_verdict(r, s);
}

static __always_inline int net_addr_hook(struct socket *sock, struct sockaddr *address, __u8 op,
					 __u32 netop)
{
	const struct ward_cgroup_policies *pols;
	struct ward_req r = { .cls = WARD_CLS_NET, .op = op, .netop = netop };

	pols = ward_targeted(&r);
	if (!pols || !sock_proto(sock, &r) || !sockaddr_req(address, &r))
		return 0;
	return decide_net(&r, pols);
}

/*
 * Unix sockets are decided twice: by the name a connect or datagram gives
 * (sun_path, against the cwd when relative: the path as the container sees
 * it, also for a socket bind-mounted in from the host) and by the path the
 * peer is bound to (unix_peer() below: resolved, but walked on the peer's
 * mount, which is the host's for a socket bound outside the container).
 * Abstract names are not paths and are not decided.
 */
static __always_inline int unix_name(struct sockaddr *sa, struct ward_scratch *s)
{
	/* sun_path need not be NUL-terminated: at most its 108 bytes */
	return name_path(s, 0, ((struct sockaddr_un *)sa)->sun_path, false, UNIX_PATH_MAX);
}

static __always_inline int unix_named(struct sockaddr *sa)
{
	const struct ward_cgroup_policies *pols;
	struct ward_scratch *s = cpu_scratch();
	struct ward_req *r;

	if (!s)
		return 0;
	r = change_req(s, WARD_CLS_NET, WARD_OP_UNIX_CONNECT, WARD_DOM_UNIX_CONNECT, 1);
	pols = ward_targeted(r);
	if (!pols || unix_name(sa, s) < 0)
		return 0;
	return decide_change(r, s, pols);
}

SEC("lsm/socket_connect")
int BPF_PROG(ward_sock_connect, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	if (ret)
		return ret;
	if (BPF_CORE_READ(address, sa_family) == AF_UNIX)
		return unix_named(address);
	return net_addr_hook(sock, address, WARD_OP_CONNECT, WARD_NET_CONNECT);
}

SEC("lsm/socket_bind")
int BPF_PROG(ward_sock_bind, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	if (ret)
		return ret;
	return net_addr_hook(sock, address, WARD_OP_BIND, WARD_NET_BIND);
}

/* listen() on a socket bound implicitly (or earlier, before the policy). */
SEC("lsm/socket_listen")
int BPF_PROG(ward_sock_listen, struct socket *sock, int backlog, int ret)
{
	const struct ward_cgroup_policies *pols;
	struct ward_req r = { .cls = WARD_CLS_NET, .op = WARD_OP_LISTEN, .netop = WARD_NET_BIND };
	struct sock *sk;
	__u16 fam;

	if (ret)
		return ret;
	pols = ward_targeted(&r);
	if (!pols || !sock_proto(sock, &r))
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (fam == AF_INET) {
		addr_v4(&r, BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr));
	} else if (fam == AF_INET6) {
		__u8 a[16];

		if (bpf_probe_read_kernel(a, sizeof(a), &sk->__sk_common.skc_v6_rcv_saddr))
			return 0;
		addr_v6(&r, a);
	} else {
		return 0;
	}
	r.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	return decide_net(&r, pols);
}

/* Datagrams sent to an address without connect(): checked like a connect. */
SEC("lsm/socket_sendmsg")
int BPF_PROG(ward_sock_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	struct sockaddr *name;

	if (ret)
		return ret;
	name = BPF_CORE_READ(msg, msg_name);
	if (!name)
		return 0;
	if (BPF_CORE_READ(name, sa_family) == AF_UNIX)
		return unix_named(name);
	return net_addr_hook(sock, name, WARD_OP_SENDMSG, WARD_NET_CONNECT);
}

/* The peer of a connect or datagram to a unix socket: the path it is bound
 * to, as the connecting container sees it (none: unbound or abstract). */
static __always_inline int unix_peer(struct sock *other)
{
	const struct ward_cgroup_policies *pols;
	struct ward_scratch *s = cpu_scratch();
	struct unix_sock *u;
	unsigned long at = 0;
	struct ward_req *r;

	if (!s)
		return 0;
	r = change_req(s, WARD_CLS_NET, WARD_OP_UNIX_CONNECT, WARD_DOM_UNIX_CONNECT, 1);
	pols = ward_targeted(r);
	if (!pols)
		return 0;
	/* a plain number: unix_sock extends the struct sock the hook was given */
	if (bpf_probe_read_kernel(&at, sizeof(at), &other) || !at)
		return 0;
	u = (struct unix_sock *)at;
	if (!BPF_CORE_READ(u, path.dentry) || walk_path(&u->path, s) < 0)
		return 0;
	return decide_change(r, s, pols);
}

/* connect() of stream and seqpacket sockets */
SEC("lsm/unix_stream_connect")
int BPF_PROG(ward_unix_connect, struct sock *sock, struct sock *other, struct sock *newsk, int ret)
{
	if (ret)
		return ret;
	return unix_peer(other);
}

/* connect() of datagram sockets, and every datagram sent */
SEC("lsm/unix_may_send")
int BPF_PROG(ward_unix_send, struct socket *sock, struct socket *other, int ret)
{
	if (ret)
		return ret;
	return unix_peer(BPF_CORE_READ(other, sk));
}

/* The kind of socket rules name (enum ward_sock_kind), 0 for the others. */
static __always_inline __u32 sock_kind(int family, int type)
{
	if (family == AF_PACKET)
		return WARD_SOCK_PACKET;
	if ((family == AF_INET || family == AF_INET6) && type == SOCK_RAW)
		return WARD_SOCK_RAW;
	return 0;
}

/* ---- numbers: capabilities and socket kinds ------------------------------------------------ */

/*
 * Decide r (a number event: r->num) and alert: ward_verdict() at
 * block_level (true: the caller refuses; sigkill has killed already).
 */
static __always_inline bool decide_number(struct ward_req *r, __u8 block_level, bool task)
{
	const struct ward_cgroup_policies *pols;
	struct ward_scratch *s;

	pols = ward_targeted(r);
	if (!pols)
		return false;
	s = cpu_scratch();
	if (!s)
		return false;
	ward_number_key(&s->ko, r->num);
	if (ward_decide(r, s, pols) == WARD_ACT_ALLOW)
		return false;
	if (task)
		exe_walk(r, s);
	return ward_verdict(r, s, block_level, task);
}

SEC("lsm/capable")
int BPF_PROG(ward_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	struct ward_req r = { .cls = WARD_CLS_CAP,
			      .op = WARD_OP_CAPABLE,
			      .domain = WARD_DOM_CAP,
			      .mask = 1,
			      .num = (__u32)cap };

	if (ret)
		return ret;
	return decide_number(&r, WARD_LEVEL_LSM, true) ? -EPERM : 0;
}

static __always_inline bool decide_socket(__u32 kind, __u8 block_level, bool task)
{
	struct ward_req r = { .cls = WARD_CLS_NET,
			      .op = WARD_OP_SOCKET,
			      .domain = WARD_DOM_SOCKET,
			      .mask = 1,
			      .num = kind };

	return kind && decide_number(&r, block_level, task);
}

SEC("lsm/socket_create")
int BPF_PROG(ward_sock_create, int family, int type, int protocol, int kern, int ret)
{
	if (ret || kern)
		return ret;
	return decide_socket(sock_kind(family, type), WARD_LEVEL_LSM, true) ? -EPERM : 0;
}

/* ---- syscalls --------------------------------------------------------------------------------- */

/* Syscalls a container was alerted for, per generation. */
struct ward_sys_key {
	__u64 cgroup_id;
	__u32 generation;
	__u32 nr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct ward_sys_key);
	__type(value, __u8);
} ward_sys_seen SEC(".maps");

/*
 * Syscall rules alert (or allow) only: ward blocks at the resource (the file,
 * the program, the capability). The first call of a syscall by a container
 * under a generation alerts, later ones are counted only (a loop of a
 * forbidden call must not flood the ring buffer). Rules name x86_64 numbers:
 * calls of 32-bit (compat) tasks are not decided. The same on every kernel:
 * tp_btf needs no BPF-LSM.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(ward_sys_enter, struct pt_regs *regs, long id)
{
	struct ward_req r = { .cls = WARD_CLS_SYSCALL,
			      .op = WARD_OP_SYSCALL,
			      .domain = WARD_DOM_SYSCALL,
			      .mask = 1,
			      .num = (__u32)id };
	struct task_struct *task = bpf_get_current_task_btf();
	const struct ward_cgroup_policies *pols;
	struct ward_sys_key k = {};
	struct ward_scratch *s;
	__u8 one = 1;

	if (id < 0 || (task->thread_info.status & TS_COMPAT))
		return 0;
	pols = ward_targeted(&r);
	if (!pols)
		return 0;
	s = cpu_scratch();
	if (!s)
		return 0;
	ward_number_key(&s->ko, r.num);
	if (ward_decide(&r, s, pols) == WARD_ACT_ALLOW)
		return 0;
	k.cgroup_id = r.cgid;
	k.generation = r.generation;
	k.nr = r.num;
	if (bpf_map_update_elem(&ward_sys_seen, &k, &one, BPF_NOEXIST))
		return 0; /* alerted already */
	exe_walk(&r, s);
	ward_alert(&r, s, WARD_LEVEL_NONE, true);
	return 0;
}

/* ---- fallbacks without BPF-LSM ------------------------------------------------------------------- */

/* After the fact: a block kills the acting process when kill is set (level
 * sigkill), otherwise it is only reported (level none). */
static __always_inline void verdict_after(struct ward_req *r, struct ward_scratch *s, bool kill)
{
	ward_verdict(r, s, kill ? WARD_LEVEL_SIGKILL : WARD_LEVEL_NONE, true);
}

/* Decide, after the fact, a path event whose path is in s->obj. */
static __always_inline void decide_after(struct ward_req *r, struct ward_scratch *s,
					 const struct ward_cgroup_policies *pols, bool kill)
{
	ward_walk(&s->ko, s->obj);
	ward_decide(r, s, pols);
	verdict_after(r, s, kill);
}

/* After a successful exec the task runs the new binary (mm->exe_file, the
 * resolved file); a blocked one is killed before its first instruction runs
 * in user space. The acting binary is gone by now: fromSource conditions
 * cannot hold here (documented in docs/enforcement.md). */
SEC("tp/sched/sched_process_exec")
int ward_tp_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	const struct ward_cgroup_policies *pols;
	struct ward_req r = {
		.cls = WARD_CLS_EXEC, .op = WARD_OP_EXEC, .domain = WARD_DOM_EXEC, .mask = 1
	};
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	/* the name exec was called with (a script's, not its interpreter's) */
	const char *name = (void *)ctx + (ctx->__data_loc_filename & 0xFFFF);
	struct ward_scratch *s;

	pols = ward_targeted(&r);
	if (!pols)
		return 0;
	s = cpu_scratch();
	if (!s)
		return 0;
	exec_invoked(&r, s, pols, name);
	if (ward_walk_addr((__u64)BPF_CORE_READ(t, mm, exe_file), s, 0) < 0)
		return 0;
	ward_walk(&s->ko, s->obj);
	ward_decide(&r, s, pols);
	exec_pick(&r, s, name);
	verdict_after(&r, s, tp_exec_kill);
	return 0;
}

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
 * space. Every other syscall costs the number test.
 */
static __always_inline void open_after(struct task_struct *t, long ret)
{
	const struct ward_cgroup_policies *pols;
	struct ward_req r = { .cls = WARD_CLS_FILE, .op = WARD_OP_OPEN, .domain = WARD_DOM_FILE };
	struct ward_scratch *s;
	unsigned int fmode;
	struct file *f;

	pols = ward_targeted(&r);
	if (!pols)
		return;
	f = task_fd_file(t, ret);
	if (!f)
		return;
	fmode = BPF_CORE_READ(f, f_mode);
	if (fmode & FMODE_READ)
		r.mask |= WARD_ACC_READ;
	if ((fmode & FMODE_WRITE) || (BPF_CORE_READ(f, f_flags) & O_TRUNC))
		r.mask |= WARD_ACC_WRITE;
	if (fmode & FMODE_CREATED)
		r.mask |= WARD_ACC_CREATE;
	if (!r.mask) /* O_PATH */
		return;
	s = cpu_scratch();
	if (!s || ward_walk_addr((__u64)f, s, 0) < 0)
		return;
	exe_walk(&r, s);
	decide_after(&r, s, pols, tp_file_kill);
}

/* Capability uses without BPF-LSM: reported (level none, nothing can refuse
 * them here) from the tracepoint recent kernels fire after each check; only
 * granted uses, as the capable hook sees them. */
SEC("tp/capability/cap_capable")
int ward_tp_capable(struct trace_event_raw_cap_capable *ctx)
{
	struct ward_req r = { .cls = WARD_CLS_CAP,
			      .op = WARD_OP_CAPABLE,
			      .domain = WARD_DOM_CAP,
			      .mask = 1,
			      .num = (__u32)ctx->cap };

	if (ctx->ret == 0 && ctx->cap >= 0)
		decide_number(&r, WARD_LEVEL_NONE, true);
	return 0;
}

/*
 * File changes without BPF-LSM, on the way out of a successful syscall: what
 * a change syscall does (x86_64 and x32 numbers, change_index()): the access
 * on its first object and where that is (the argument holding the name, and
 * the one holding its dirfd, -1: the cwd; name -1: the file of the fd in
 * dfd), and a second name (rename and link: the new one; -1: none).
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

static __always_inline unsigned long sys_arg(struct pt_regs *regs, int i)
{
	switch (i) {
	case 0:
		return regs->di;
	case 1:
		return regs->si;
	case 2:
		return regs->dx;
	default:
		return regs->r10;
	}
}

/* Decide access on the name at name_addr (user memory; 0: the file at
 * dir_file itself) against dir_file (0: the cwd); unix_op: 0 for a file
 * change, else the unix socket operation (WARD_OP_UNIX_*) on a sun_path. A
 * global function: the verifier checks it once, not once per name (rename
 * and link have two). */
__noinline int ward_change_after(__u64 name_addr, __u64 dir_file, __u32 access, __u32 unix_op)
{
	const struct ward_cgroup_policies *pols;
	struct ward_scratch *s = cpu_scratch();
	struct ward_req *r;

	if (!s)
		return 0;
	if (unix_op)
		r = change_req(s, WARD_CLS_NET, unix_op,
			       unix_op == WARD_OP_UNIX_BIND ? WARD_DOM_UNIX_BIND
							    : WARD_DOM_UNIX_CONNECT,
			       1);
	else
		r = change_req(s, WARD_CLS_FILE, WARD_OP_OPEN, WARD_DOM_FILE, access);
	pols = ward_targeted(r);
	if (!pols)
		return 0;
	if (name_addr ? name_path(s, dir_file, (const char *)name_addr, true,
				  unix_op ? UNIX_PATH_MAX : WARD_PATH_MAX - 1) < 0
		      : ward_walk_addr(dir_file, s, 0) < 0)
		return 0;
	exe_walk(r, s);
	decide_after(r, s, pols, unix_op ? tp_sock_kill : tp_file_kill);
	return 0;
}

/* A unix socket named by path in a successful connect, bind, sendto or
 * sendmsg (x86_64 numbers), as the caller passed it; abstract names and
 * other families are not decided. */
static __always_inline void unix_after(struct pt_regs *regs, long nr)
{
	unsigned long addr = nr == 44 ? regs->r8 : regs->si; /* sendto: dest_addr */
	__u16 family = 0;

	if (nr == 46 && bpf_probe_read_user(&addr, sizeof(addr), (void *)addr)) /* msg_name */
		return;
	if (!addr || bpf_probe_read_user(&family, sizeof(family), (void *)addr) ||
	    family != AF_UNIX)
		return;
	ward_change_after(addr + sizeof(family), 0, 1,
			  nr == 49 ? WARD_OP_UNIX_BIND : WARD_OP_UNIX_CONNECT);
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
	ward_change_after(name < 0 ? 0 : sys_arg(regs, name), (__u64)dir, access, 0);
}

/*
 * Changes by name (unlink, rmdir, rename, mkdir, mknod, link, symlink, chmod,
 * chown, truncate and their *at and f* forms) and unix sockets by path
 * (connect, bind, datagrams), decided after they happened from the name the
 * caller passed, made absolute against its dirfd or cwd as the container sees
 * them: not resolved (a symlink or ".." in the name is taken as written;
 * docs/threat-model.md). A blocked one kills the caller. 32-bit callers are
 * not decided here.
 */
static __always_inline void change_after(struct task_struct *t, struct pt_regs *regs, long ret)
{
	long nr = regs->orig_ax & ~0x40000000L;
	const struct change_op *op;
	int i;

	/* connect, sendto, sendmsg, bind: unix sockets by path */
	if (nr == 42 || nr == 44 || nr == 46 || nr == 49) {
		unix_after(regs, nr);
		return;
	}
	if (ret != 0)
		return;
	i = change_index(nr);
	if (i < 0 || i >= CH__COUNT)
		return;
	op = &change_ops[i];
	change_one(t, regs, op->access, op->name, op->dfd);
	if (op->name2 >= 0)
		change_one(t, regs, op->access2, op->name2, op->dfd2);
}

/* Without BPF-LSM, on the way out of every syscall: opens (open_after()),
 * changes and unix sockets by name (change_after()). One program, so any
 * other syscall pays one invocation and the number tests. */
SEC("tp_btf/sys_exit")
int BPF_PROG(ward_tp_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *t = bpf_get_current_task_btf();
	bool compat = t->thread_info.status & TS_COMPAT;

	if (ret < 0)
		return 0;
	if (open_nr(regs->orig_ax, compat))
		open_after(t, ret);
	else if (!compat)
		change_after(t, regs, ret);
	return 0;
}

/* cgroup sock_addr: attached to each targeted container's cgroup; 0 refuses
 * the call with EPERM, 1 lets it proceed. */
static __always_inline int cg_decide(struct bpf_sock_addr *ctx, __u8 op, __u32 netop, bool v6)
{
	const struct ward_cgroup_policies *pols;
	struct ward_req r = { .cls = WARD_CLS_NET, .op = op, .netop = netop };
	struct ward_scratch *s;

	pols = ward_targeted(&r);
	if (!pols)
		return 1;
	if (ctx->type == SOCK_STREAM)
		r.mask = WARD_PROTO_TCP;
	else if (ctx->type == SOCK_DGRAM)
		r.mask = WARD_PROTO_UDP;
	else
		return 1;
	if (v6) {
		__u32 a[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2],
			       ctx->user_ip6[3] };

		addr_v6(&r, (const __u8 *)a);
	} else {
		addr_v4(&r, ctx->user_ip4);
	}
	r.port = bpf_ntohs((__u16)ctx->user_port);
	s = cpu_scratch();
	if (!s)
		return 1;
	ward_decide(&r, s, pols);
	return !ward_verdict(&r, s, WARD_LEVEL_CGROUP, false);
}

SEC("cgroup/connect4")
int ward_cg_connect4(struct bpf_sock_addr *ctx)
{
	return cg_decide(ctx, WARD_OP_CONNECT, WARD_NET_CONNECT, false);
}

SEC("cgroup/connect6")
int ward_cg_connect6(struct bpf_sock_addr *ctx)
{
	return cg_decide(ctx, WARD_OP_CONNECT, WARD_NET_CONNECT, true);
}

SEC("cgroup/sendmsg4")
int ward_cg_sendmsg4(struct bpf_sock_addr *ctx)
{
	return cg_decide(ctx, WARD_OP_SENDMSG, WARD_NET_CONNECT, false);
}

SEC("cgroup/sendmsg6")
int ward_cg_sendmsg6(struct bpf_sock_addr *ctx)
{
	return cg_decide(ctx, WARD_OP_SENDMSG, WARD_NET_CONNECT, true);
}

SEC("cgroup/bind4")
int ward_cg_bind4(struct bpf_sock_addr *ctx)
{
	return cg_decide(ctx, WARD_OP_BIND, WARD_NET_BIND, false);
}

SEC("cgroup/bind6")
int ward_cg_bind6(struct bpf_sock_addr *ctx)
{
	return cg_decide(ctx, WARD_OP_BIND, WARD_NET_BIND, true);
}

/* Raw IP sockets: refused with EPERM (the hook sees AF_INET and AF_INET6
 * only: packet sockets are the tracepoint's below). */
SEC("cgroup/sock_create")
int ward_cg_sock_create(struct bpf_sock *ctx)
{
	return !decide_socket(sock_kind(ctx->family, ctx->type), WARD_LEVEL_CGROUP, false);
}

/* The other kinds, reported or killed (the socket was created, its creator
 * dies before using it). Compat (32-bit) calls do not reach this tracepoint. */
SEC("tp/syscalls/sys_enter_socket")
int ward_tp_socket(struct trace_event_raw_sys_enter *ctx)
{
	__u32 kind = sock_kind((int)ctx->args[0], (int)ctx->args[1] & SOCK_TYPE_MASK);

	if (kind == WARD_SOCK_RAW && cg_sock_raw)
		return 0;
	decide_socket(kind, tp_sock_kill ? WARD_LEVEL_SIGKILL : WARD_LEVEL_NONE, true);
	return 0;
}
