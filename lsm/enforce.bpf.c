// SPDX-License-Identifier: GPL-2.0
/*
 * Enforcement: the compiled policy decides every exec, file open, connect,
 * bind, listen, unconnected datagram and capability use of a targeted
 * container. BPF-LSM hooks refuse with -EPERM; on kernels without BPF-LSM
 * the engine loads the fallbacks instead (bpf_program__set_autoload): a
 * tracepoint that reports execs and kills a blocked one (SIGKILL), and cgroup
 * sock_addr programs that refuse connect/sendmsg/bind (EPERM).
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
#define SOCK_STREAM  1
#define SOCK_DGRAM   2
#define FMODE_READ   0x1
#define FMODE_WRITE  0x2
#define FMODE_EXEC   0x20
#define O_TRUNC	     01000
#define WARD_SIGKILL 9

/* Set by the engine before load: kill a blocked exec from the tracepoint
 * (the kernel allows bpf_send_signal there). */
const volatile bool tp_exec_kill = false;

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

static __always_inline void exe_walk(struct ward_req *r, struct ward_scratch *s)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	r->have_exe = ward_walk_addr((__u64)BPF_CORE_READ(t, mm, exe_file), s, 1) >= 0;
}

/* Decide a path event whose path is in s->obj; returns the LSM verdict. */
static __always_inline int decide_path(struct ward_req *r, struct ward_scratch *s,
				       const struct ward_cgroup_policies *pols)
{
	ward_walk(&s->ko, s->obj);
	if (ward_decide(r, s, pols) == WARD_ACT_ALLOW)
		return 0;
	if (r->effective == WARD_ACT_BLOCK) {
		ward_alert(r, s, WARD_LEVEL_LSM, true);
		return -EPERM;
	}
	ward_alert(r, s, WARD_LEVEL_NONE, true);
	return 0;
}

/* ---- exec ------------------------------------------------------------------------------------ */

/* Called for the binary and again for a script's interpreter (binfmt_script),
 * so both are checked; bprm->file is what the kernel resolved and opened. */
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
	if (bpf_d_path((struct path *)&bprm->file->f_path, s->obj, sizeof(s->obj)) <= 0) {
		count_drop(WARD_DROP_PATH_TRUNC);
		return 0;
	}
	exe_d_path(&r, s);
	return decide_path(&r, s, pols);
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
 * unlink, rename (both names), chmod and chown. Every program costs load
 * time (the verifier checks the whole lookup in each), so mkdir, symlink,
 * rmdir and truncate(2) have none yet (docs/enforcement.md).
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

/* access on DIR/NAME (entry != NULL) or on dir itself. */
static __always_inline int path_change(const struct path *dir, struct dentry *entry, __u32 access)
{
	const struct ward_cgroup_policies *pols;
	struct ward_scratch *s = cpu_scratch();
	struct ward_req *r;

	if (!s)
		return 0;
	r = change_req(s, WARD_CLS_FILE, WARD_OP_OPEN, WARD_DOM_FILE, access);
	pols = ward_targeted(r);
	if (!pols)
		return 0;
	if (entry ? entry_path(s, dir, entry) : (walk_path(dir, s) < 0 ? -1 : 0))
		return 0;
	return decide_change(r, s, pols);
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
	if (r->effective == WARD_ACT_BLOCK) {
		ward_alert(r, s, WARD_LEVEL_LSM, true);
		return -EPERM;
	}
	ward_alert(r, s, WARD_LEVEL_NONE, true);
	return 0;
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

SEC("lsm/socket_connect")
int BPF_PROG(ward_sock_connect, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	if (ret)
		return ret;
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
	return net_addr_hook(sock, name, WARD_OP_SENDMSG, WARD_NET_CONNECT);
}

/* ---- capabilities ------------------------------------------------------------------------------ */

SEC("lsm/capable")
int BPF_PROG(ward_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	const struct ward_cgroup_policies *pols;
	struct ward_req r = { .cls = WARD_CLS_CAP,
			      .op = WARD_OP_CAPABLE,
			      .domain = WARD_DOM_CAP,
			      .mask = 1,
			      .num = (__u32)cap };
	struct ward_scratch *s;

	if (ret)
		return ret;
	pols = ward_targeted(&r);
	if (!pols)
		return 0;
	s = cpu_scratch();
	if (!s)
		return 0;
	ward_number_key(&s->ko, (__u32)cap);
	if (ward_decide(&r, s, pols) == WARD_ACT_ALLOW)
		return 0;
	exe_walk(&r, s);
	if (r.effective == WARD_ACT_BLOCK) {
		ward_alert(&r, s, WARD_LEVEL_LSM, true);
		return -EPERM;
	}
	ward_alert(&r, s, WARD_LEVEL_NONE, true);
	return 0;
}

/* ---- fallbacks without BPF-LSM ------------------------------------------------------------------- */

/* After a successful exec the task runs the new binary (mm->exe_file, the
 * resolved file); a blocked one is killed before its first instruction runs
 * in user space. The acting binary is gone by now: fromSource conditions
 * cannot hold here (documented in docs/enforcement.md). */
SEC("tp/sched/sched_process_exec")
int ward_tp_exec(void *ctx)
{
	const struct ward_cgroup_policies *pols;
	struct ward_req r = {
		.cls = WARD_CLS_EXEC, .op = WARD_OP_EXEC, .domain = WARD_DOM_EXEC, .mask = 1
	};
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct ward_scratch *s;

	pols = ward_targeted(&r);
	if (!pols)
		return 0;
	s = cpu_scratch();
	if (!s || ward_walk_addr((__u64)BPF_CORE_READ(t, mm, exe_file), s, 0) < 0)
		return 0;
	ward_walk(&s->ko, s->obj);
	if (ward_decide(&r, s, pols) == WARD_ACT_ALLOW)
		return 0;
	if (r.effective == WARD_ACT_BLOCK && tp_exec_kill) {
		bpf_send_signal(WARD_SIGKILL);
		ward_alert(&r, s, WARD_LEVEL_SIGKILL, true);
		return 0;
	}
	ward_alert(&r, s, WARD_LEVEL_NONE, true);
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
	if (ward_decide(&r, s, pols) == WARD_ACT_ALLOW)
		return 1;
	if (r.effective == WARD_ACT_BLOCK) {
		ward_alert(&r, s, WARD_LEVEL_CGROUP, false);
		return 0;
	}
	ward_alert(&r, s, WARD_LEVEL_NONE, false);
	return 1;
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
