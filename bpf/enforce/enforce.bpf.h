/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the enforcement objects share (one per resource class, so one that
 * does not load takes only its class down: exec, file, net, cap, sys, each
 * linked from its BPF-LSM hooks in lsm/ and its other programs in
 * bpf/enforce/): the acting executable and object paths into the scratch,
 * and what follows a decision (alert, refusal, SIGKILL). The decision itself
 * is lookup.bpf.h; docs/enforcement.md.
 *
 * The global functions here, in lookup.bpf.h and in bpf/lib/ (and the maps and
 * load-time settings there and in maps.bpf.h) are __weak: both halves of a
 * class's object include them, and the static linker (bpftool gen object,
 * Makefile) keeps one definition of each.
 */
#ifndef WARD_LSM_ENFORCE_BPF_H
#define WARD_LSM_ENFORCE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <asm-generic/errno-base.h>

#include "common.bpf.h"
#include "path.bpf.h"
#include "lookup.bpf.h"

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
#define S_IFREG	       0100000
#define FMODE_READ     0x1
#define FMODE_WRITE    0x2
#define FMODE_EXEC     0x20
#define FMODE_CREATED  0x100000
#define O_TRUNC	       01000
#define AT_FDCWD       -100
#define WARD_SIGKILL   9
/* A name made absolute (name_path()): the directory and the name each take at
 * most this much of the scratch path buffer. */
#define WARD_NAME_ROOM (WARD_SCRATCH_PATH / 2)

static __always_inline struct ward_scratch *cpu_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ward_cpu_scr, &zero);
}

/* An exec's event mask (enum ward_exec_mask): STDIO_SOCKET when the task's
 * standard input, output or error is a socket, as a reverse or bind shell's
 * are (fds are inherited across exec, so before and after it alike);
 * TERMINAL when it has a controlling terminal (an interactive session). */
static __always_inline __u32 exec_mask(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u32 m = WARD_EXEC_ANY;

	if (t->signal->tty)
		m |= WARD_EXEC_TERMINAL;
	for (int fd = 0; fd < 3; fd++) {
		struct file *f = task_fd_file(t, fd);

		if (f && (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) == S_IFSOCK)
			m |= WARD_EXEC_STDIO_SOCKET;
	}
	return m;
}

/* An exec's conditions, when a policy of the cgroup has exec rules with a
 * stdio condition (three fd lookups less per exec otherwise). */
static __always_inline void exec_conditions(struct ward_scratch *s)
{
	if (s->req.pols.flags & WARD_CG_EXEC_STDIO)
		s->req.mask = exec_mask();
}

/* The per-CPU scratch with its request reset, when the current cgroup is
 * targeted; NULL otherwise. */
static __always_inline struct ward_scratch *cpu_request(__u8 cls, __u8 op, __u16 domain, __u32 mask)
{
	struct ward_scratch *s = cpu_scratch();

	if (!s)
		return NULL;
	ward_req_init(&s->req, cls, op, domain, mask);
	return ward_targeted(&s->req) ? s : NULL;
}

/* A path from the dentry walk of path.bpf.h into dst; returns its length,
 * or -1 (counted when the walk hit its bounds: a partial path is never
 * decided). */
static __always_inline int walk_file(struct file *f, char *dst)
{
	struct path_scratch *ps = path_scratch();
	bool truncated;
	__u32 off, len;

	if (!ps || !f)
		return -1;
	off = file_path(ps, f, &truncated);
	if (truncated) {
		count_drop(WARD_DROP_PATH_TRUNC);
		return -1;
	}
	len = PATH_SCRATCH - off;
	if (len > WARD_SCRATCH_PATH - 1)
		len = WARD_SCRATCH_PATH - 1;
	len = ward_bound(len, WARD_SCRATCH_PATH - 1);
	if (bpf_probe_read_kernel(dst, len, &ps->buf[ward_bound(off, PATH_SCRATCH - 1)]))
		return -1;
	dst[len] = '\0';
	return len;
}

/* The walk of the file at file_addr into s->exe (to_exe) or s->obj. A global
 * function: the verifier checks it once per program, not at every call. */
__weak __noinline int ward_walk_addr(__u64 file_addr, struct ward_scratch *s, int to_exe)
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

/* The acting executable (the dentry walk) into s->exe, once per event, in
 * every hook: from 6.2 on, bpf_d_path() takes only trusted pointers, and
 * mm->exe_file is not one (measured on 6.12). */
static __always_inline void exe_walk(struct ward_scratch *s)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	if (s->req.exe_read)
		return;
	s->req.exe_read = 1;
	s->req.have_exe = ward_walk_addr((__u64)BPF_CORE_READ(t, mm, exe_file), s, 1) >= 0;
	s->req.exe_fail = !s->req.have_exe;
}

/* The object's path could not be had: the event is decided as undecidable
 * (ward_fail()), never on a partial path. */
static __always_inline void path_failed(struct ward_scratch *s)
{
	s->obj[0] = '\0';
	s->ko.n = 0;
	s->req.fail = WARD_UNDEC_PATH;
}

/* ---- the name a program runs as (docs/rules.md, "Applets") ------------------------------------ */

struct base_ctx {
	struct ward_scratch *s;
	__u32 base; /* offset of the basename in s->arg */
};

static int base_cb(__u32 i, void *data)
{
	struct base_ctx *c = data;
	char ch = c->s->arg[ward_bound(i, WARD_ARG_BUF - 1)];

	if (!ch)
		return 1;
	if (ch == '/')
		c->base = i + 1;
	return 0;
}

/* The basename of the string in s->arg: its offset; a login shell's '-' is
 * not part of the name. */
static __always_inline __u32 arg_base(struct ward_scratch *s)
{
	struct base_ctx c = { .s = s };

	bpf_loop(WARD_ARG_BUF, base_cb, &c, 0);
	if (s->arg[ward_bound(c.base, WARD_ARG_BUF - 1)] == '-')
		c.base++;
	return ward_bound(c.base, WARD_ARG_BUF - 1);
}

/* Whether the name at s->arg + off is word (a multi-call binary run as itself). */
static __always_inline bool arg_is(struct ward_scratch *s, __u32 off, const char *word, int len)
{
	for (int i = 0; i <= len; i++)
		if (s->arg[ward_bound(off + i, WARD_ARG_BUF - 1)] != word[i])
			return false;
	return true;
}

/*
 * The name a program runs as into s->applet: argv[0]'s basename, or for a
 * multi-call binary run as itself ("busybox nc", "toybox nc") argv[1]'s.
 * Read from the new program's memory (after the exec). 0 when there is none
 * or it is too long for a name. A global function: checked once per program.
 */
__weak __noinline int ward_applet_of(struct ward_scratch *s, __u64 arg_start)
{
	__u32 off;
	long n;

	if (!s)
		return 0;
	n = bpf_probe_read_user_str(s->arg, WARD_ARG_BUF, (const void *)arg_start);
	if (n <= 1)
		return 0;
	off = arg_base(s);
	if (arg_is(s, off, "busybox", 7) || arg_is(s, off, "toybox", 6)) {
		if (bpf_probe_read_user_str(s->arg, WARD_ARG_BUF,
					    (const void *)(arg_start + (__u64)n)) <= 1)
			return 0;
		off = arg_base(s);
	}
	n = bpf_probe_read_kernel_str(s->applet, WARD_APPLET_MAX, &s->arg[off]);
	if (n <= 1 || n == WARD_APPLET_MAX)
		return 0;
	return n - 1;
}

/* Before a decision: the acting executable only when a policy of the cgroup
 * has fromSource rules for the event's domain (otherwise it is read for an
 * alert only: one dentry walk less per allowed event), and the name it runs
 * as (its argv, still the acting program's: bprm_check_security runs before
 * the exec replaces it) when one of those names a program by it. */
static __always_inline void exe_for_decision(struct ward_scratch *s)
{
	struct task_struct *t;

	if (!(s->req.pols.flags & WARD_CG_SOURCE(s->req.domain & 15)))
		return;
	exe_walk(s);
	if (!(s->req.pols.flags & WARD_CG_SRC_APPLET))
		return;
	t = (struct task_struct *)bpf_get_current_task();
	if (ward_applet_of(s, BPF_CORE_READ(t, mm, arg_start)))
		s->req.src_applet = ward_applet_hash(s);
}

/*
 * A name as a caller passed it (user memory; kernel memory for a sockaddr
 * copied in), made absolute against the directory of the file at dir_file
 * (0: the cwd) as the task sees it, into s->obj; at most max bytes of the
 * name (cut: a longer name is cut there, as sun_path is; otherwise it is a
 * failure). Not resolved: a symlink or ".." in the name is taken as written.
 * 1: empty (not a path); -1: unreadable, or too long a directory or name.
 */
static __always_inline int name_path(struct ward_scratch *s, __u64 dir_file, const char *name,
				     bool user, __u32 max, bool cut)
{
	struct fs_struct *fs;
	int len = 0, n;
	char c = 0;

	if (user ? bpf_probe_read_user(&c, 1, name) : bpf_probe_read_kernel(&c, 1, name))
		return -1;
	if (!c)
		return 1;
	if (c != '/') {
		if (dir_file) {
			len = ward_walk_addr(dir_file, s, 0);
		} else {
			fs = BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), fs);
			len = walk_path(&fs->pwd, s);
		}
		if (len < 0 || len >= WARD_NAME_ROOM - 1)
			return -1;
		barrier_var(len); /* keep the masks below where the verifier sees them */
		if (len > 1)
			s->obj[len++ & (WARD_NAME_ROOM - 1)] = '/';
	}
	n = user ? bpf_probe_read_user_str(&s->obj[len & (WARD_NAME_ROOM - 1)], max + 1, name)
		 : bpf_probe_read_kernel_str(&s->obj[len & (WARD_NAME_ROOM - 1)], max + 1, name);
	if (n < 0 || (n == max + 1 && !cut))
		return -1;
	if (n == max + 1)
		s->obj[(len + max) & (2 * WARD_NAME_ROOM - 1)] = '\0';
	return 0;
}

/* "DIR/NAME" into s->obj from the walk of dir and the entry's name (at most
 * NAME_MAX, 255 bytes); -1 when that does not fit. */
static __always_inline int entry_path(struct ward_scratch *s, const struct path *dir,
				      struct dentry *entry)
{
	const unsigned char *name = BPF_CORE_READ(entry, d_name.name);
	int len = walk_path(dir, s);

	if (len < 0 || len >= WARD_SCRATCH_PATH - WARD_PATH_MAX - 1)
		return -1;
	barrier_var(len);
	if (len > 1)
		s->obj[len++ & (WARD_SCRATCH_PATH - 1)] = '/';
	if (bpf_probe_read_kernel_str(&s->obj[len & (WARD_SCRATCH_PATH - 1)], WARD_PATH_MAX, name) <
	    0)
		return -1;
	return 0;
}

/*
 * What follows the decision in s->req, for every program: nothing for an
 * allow; otherwise its alert, at the level a block reaches here (level:
 * WARD_LEVEL_NONE where nothing can stop it; alert rules and audit mode
 * always report none). At WARD_LEVEL_SIGKILL the caller is killed here.
 * True when the program must refuse the action (LSM: -EPERM, cgroup: 0).
 * task: the program may read the current task (not cgroup programs).
 */
static __always_inline bool ward_verdict(struct ward_scratch *s, __u8 level, bool task)
{
	if (s->req.effective == WARD_ACT_ALLOW)
		return false;
	if (task)
		exe_walk(s); /* for the alert, if the decision did not need it */
	if (s->req.effective == WARD_ACT_BLOCK && level != WARD_LEVEL_NONE) {
		if (level == WARD_LEVEL_SIGKILL)
			bpf_send_signal(WARD_SIGKILL);
		ward_alert(s, level, task);
		return true;
	}
	ward_alert(s, WARD_LEVEL_NONE, task);
	return false;
}

static __always_inline int lsm_verdict(struct ward_scratch *s)
{
	return ward_verdict(s, WARD_LEVEL_LSM, true) ? -EPERM : 0;
}

/* Decide a path event whose path is in s->obj; returns the LSM verdict. */
static __always_inline int decide_path(struct ward_scratch *s)
{
	ward_walk(s, 0);
	ward_decide(s);
	return lsm_verdict(s);
}

/* Decide, after the fact, a path event whose path is in s->obj: a block
 * kills the acting process when kill is set (level sigkill), otherwise it is
 * only reported (level none). */
static __always_inline void decide_after(struct ward_scratch *s, bool kill)
{
	ward_walk(s, 0);
	ward_decide(s);
	ward_verdict(s, kill ? WARD_LEVEL_SIGKILL : WARD_LEVEL_NONE, true);
}

/* An event on DIR/NAME (entry != NULL) or on dir itself, decided by a path
 * hook (non-sleepable: the dentry walk). */
static __always_inline int path_decide(const struct path *dir, struct dentry *entry, __u8 cls,
				       __u8 op, __u16 domain, __u32 mask)
{
	struct ward_scratch *s = cpu_request(cls, op, domain, mask);

	if (!s)
		return 0;
	if (entry ? entry_path(s, dir, entry) : (walk_path(dir, s) < 0 ? -1 : 0))
		path_failed(s);
	exe_for_decision(s);
	return decide_path(s);
}

/*
 * Without BPF-LSM, after a successful syscall: the name at name_addr (user
 * memory, at most max bytes; 0: the file at dir_file itself) made absolute
 * against dir_file (0: the cwd), decided as the request in s (cpu_request());
 * a block kills the caller when kill is set. A global function: the verifier
 * checks it once, not once per name (rename and link have two).
 */
__weak __noinline int ward_name_after(struct ward_scratch *s, __u64 name_addr, __u64 dir_file,
				      __u32 max, int kill)
{
	int ret;

	if (!s)
		return 0;
	max = ward_bound(max, WARD_NAME_ROOM - 1);
	ret = name_addr ? name_path(s, dir_file, (const char *)name_addr, true, max,
				    max == UNIX_PATH_MAX)
			: (ward_walk_addr(dir_file, s, 0) < 0 ? -1 : 0);
	if (ret > 0)
		return 0;
	if (ret < 0)
		path_failed(s);
	exe_for_decision(s);
	decide_after(s, kill);
	return 0;
}

#endif
