// SPDX-License-Identifier: GPL-2.0
/*
 * Exec enforcement: the binary a targeted container executes, and the name
 * it was invoked by. BPF-LSM refuses with -EPERM (lsm/bprm_check_security);
 * without it, sched_process_exec reports the exec and kills a blocked one
 * before its first instruction (tp_exec_kill). docs/enforcement.md.
 */
#include "enforce.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the engine before load: kill a blocked exec from the tracepoint
 * (the kernel allows bpf_send_signal there). */
const volatile bool tp_exec_kill = false;

/*
 * Exec rules also see the name a program was invoked by, when absolute: rules
 * are written against names such as /bin/sh or /usr/bin/nc, which are often
 * symlinks (to busybox, dash, an alternative), while the kernel resolves the
 * binary. That name may only add a rule's alert or block; whether it is
 * allowed, and what a default decides, is the resolved binary's.
 *
 * exec_invoked() decides the name (kernel string), uncounted, into s->alt
 * (rule WARD_NONE: no rule governs it). exec_pick() then takes that decision
 * over the resolved binary's (s->req) when it is stricter: counted, and the
 * name back in s->obj for the alert.
 */
static __always_inline void exec_invoked(struct ward_scratch *s, const char *name)
{
	s->alt.rule = WARD_NONE;
	if (bpf_probe_read_kernel_str(s->obj, sizeof(s->obj), name) <= 1 || s->obj[0] != '/')
		return;
	s->req.nocount = 1;
	ward_walk(s, 0);
	ward_decide(s);
	s->req.nocount = 0;
	__builtin_memcpy(&s->alt, &s->req, sizeof(s->alt));
	s->req.fail = 0; /* the resolved binary is decided on its own */
}

static __always_inline void exec_pick(struct ward_scratch *s, const char *name)
{
	const struct ward_req *n = &s->alt;
	struct ward_req *r = &s->req;

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

/* The dentry walk of the binary an exec resolved into s->obj (a global
 * function takes the file as a plain number, not a BTF pointer). */
static __always_inline int exec_file_walk(struct ward_scratch *s, struct linux_binprm *bprm)
{
	unsigned long at = 0;

	if (bpf_probe_read_kernel(&at, sizeof(at), &bprm->file))
		return -1;
	return ward_walk_addr(at, s, 0);
}

/* ---- the container-start window (enforce_abi.h) ---------------------------------------------- */

#define WARD_SIGSTOP 19

static __always_inline bool daemon_alive(__u64 now)
{
	__u32 zero = 0;
	__u64 *hb = bpf_map_lookup_elem(&ward_daemon, &zero);

	return hb && *hb && now - *hb < WARD_HEARTBEAT_NS;
}

/* A cgroup v2 directory made while the daemon runs is new. */
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(ward_cg_mkdir, struct cgroup *cgrp, const char *path)
{
	__u64 now = bpf_ktime_get_ns(), id;

	if (cgrp->root->hierarchy_id != 0 || !daemon_alive(now)) /* 0: the v2 hierarchy */
		return 0;
	id = cgrp->kn->id;
	if (bpf_map_update_elem(&ward_pending, &id, &now, BPF_ANY))
		count_drop(WARD_DROP_MAP_FULL);
	return 0;
}

/*
 * An exec in a cgroup no policy targets: when the cgroup is new, hold it
 * (stop the task before the new program runs) and tell the daemon, which
 * decides it once the cgroup is classified. bprm: the exec before it replaces
 * the acting program (the resolved binary, by bpf_d_path() when d_path is set
 * (BPF-LSM) or the dentry walk; the acting executable and the name it runs
 * as); NULL: after it (sched_process_exec: the new program's file, the acting
 * one is gone).
 */
static __always_inline void exec_hold(const char *name, struct linux_binprm *bprm, bool d_path)
{
	__u64 now = bpf_ktime_get_ns(), cgid = bpf_get_current_cgroup_id(), *born;
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct ward_scratch *s;
	struct ward_hold *h;
	__u32 mask;

	born = bpf_map_lookup_elem(&ward_pending, &cgid);
	if (!born)
		return;
	if (now - *born > WARD_NEW_CGROUP_NS) {
		bpf_map_delete_elem(&ward_pending, &cgid);
		return;
	}
	s = cpu_scratch();
	if (!s || !daemon_alive(now))
		return;
	h = bpf_ringbuf_reserve(&ward_holds, sizeof(*h), 0);
	if (!h) { /* not held: counted, the daemon reports it */
		count_drop(WARD_DROP_RINGBUF);
		return;
	}
	h->ts_ns = now;
	h->cgroup_id = cgid;
	h->pid = bpf_get_current_pid_tgid() >> 32;
	h->uid = (__u32)bpf_get_current_uid_gid();
	h->have_exe = 0;
	mask = exec_mask();
	h->stdio_socket = !!(mask & WARD_EXEC_STDIO_SOCKET);
	h->terminal = !!(mask & WARD_EXEC_TERMINAL);
	bpf_get_current_comm(h->comm, sizeof(h->comm));
	if (bpf_probe_read_kernel_str(h->name, sizeof(h->name), name) < 0)
		h->name[0] = '\0';
	h->object[0] = '\0';
	h->exe[0] = '\0';
	h->src_applet[0] = '\0';
	if (bprm) {
		if (ward_applet_of(s, BPF_CORE_READ(t, mm, arg_start)))
			__builtin_memcpy(h->src_applet, s->applet, sizeof(h->src_applet));
		if (d_path) {
			if (bpf_d_path((struct path *)&bprm->file->f_path, h->object,
				       sizeof(h->object)) <= 0)
				h->object[0] = '\0';
		} else if (exec_file_walk(s, bprm) < 0 ||
			   bpf_probe_read_kernel(h->object, sizeof(h->object), s->obj)) {
			h->object[0] = '\0';
		}
		if (ward_walk_addr((__u64)BPF_CORE_READ(t, mm, exe_file), s, 1) >= 0 &&
		    !bpf_probe_read_kernel(h->exe, sizeof(h->exe), s->exe))
			h->have_exe = 1;
	} else if (ward_walk_addr((__u64)BPF_CORE_READ(t, mm, exe_file), s, 0) < 0 ||
		   bpf_probe_read_kernel(h->object, sizeof(h->object), s->obj)) {
		h->object[0] = '\0';
	}
	bpf_send_signal(WARD_SIGSTOP);
	bpf_ringbuf_submit(h, 0);
}

/* ---- the name a program runs as (docs/rules.md, "Applets") ------------------------------------ */

/* The name in s->applet (s->obj: the binary running as it) decided by the
 * exec rules: only a rule acts, unless it is done1 or done2 (WARD_NONE). */
static __always_inline void applet_decide(struct ward_scratch *s, __u32 done1, __u32 done2,
					  __u8 level)
{
	ward_applet_key(s);
	s->req.nocount = 1;
	ward_decide(s);
	if (s->req.rule == WARD_NONE || s->req.effective == WARD_ACT_ALLOW ||
	    s->req.rule == done1 || s->req.rule == done2)
		return;
	ward_count(&s->req, s->req.policy, s->req.rule, s->req.action, s->req.mode);
	s->req.flags |= WARD_ALERT_APPLET;
	ward_verdict(s, level, true);
}

/*
 * After an exec of a targeted container (s: its request, s->obj the resolved
 * binary): exec rules also decide the name the program runs as, the applet
 * of a multi-call binary (`execve("/proc/self/exe")` with argv[0] "nc", or
 * "busybox nc"). Only a rule acts (a block kills, at level; an alert
 * reports), never a default or an allow; counted and alerted on its own,
 * unless the rule already decided the exec by its binary or invoked name
 * (done1, done2: those rules, WARD_NONE).
 */
static __always_inline void exec_applet(struct ward_scratch *s, __u32 done1, __u32 done2,
					__u8 level)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	ward_req_init(&s->req, WARD_CLS_EXEC, WARD_OP_EXEC, WARD_DOM_EXEC, WARD_EXEC_ANY);
	if (!ward_targeted(&s->req) || !(s->req.pols.flags & WARD_CG_APPLET))
		return;
	exec_conditions(s);
	s->req.exe_read = 1; /* the acting binary is gone */
	if (!ward_applet_of(s, BPF_CORE_READ(t, mm, arg_start)))
		return;
	applet_decide(s, done1, done2, level);
}

/*
 * A multi-call binary's applet run without an exec: busybox runs its NOEXEC
 * applets (insmod, modprobe, rmmod, umount, chroot, ...) in a forked shell,
 * naming the process after the applet (prctl(PR_SET_NAME)). That rename is
 * decided as the name the program runs as, as after an exec; a blocked one
 * is killed before the applet does anything (level sigkill, with BPF-LSM
 * too). The renames an exec makes are the exec hooks'; another task's
 * renaming (/proc/PID/comm) is not the renamer's doing.
 */
SEC("tp_btf/task_rename")
int BPF_PROG(ward_tp_rename, struct task_struct *task, const char *comm)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct ward_scratch *s;

	if (task != t || BPF_CORE_READ_BITFIELD(t, in_execve))
		return 0;
	s = cpu_request(WARD_CLS_EXEC, WARD_OP_EXEC, WARD_DOM_EXEC, WARD_EXEC_ANY);
	if (!s || !(s->req.pols.flags & WARD_CG_APPLET))
		return 0;
	exec_conditions(s);
	if (bpf_probe_read_kernel_str(s->applet, sizeof(s->applet), comm) <= 1 ||
	    ward_walk_addr((__u64)BPF_CORE_READ(t, mm, exe_file), s, 0) < 0)
		return 0;
	applet_decide(s, WARD_NONE, WARD_NONE, WARD_LEVEL_SIGKILL);
	return 0;
}

/* Called for the binary and again for a script's interpreter (binfmt_script),
 * so both are checked; bprm->file is what the kernel resolved and opened,
 * bprm->interp the name it was invoked by (the #! line's, for the
 * interpreter). */
SEC("lsm/bprm_check_security")
int BPF_PROG(ward_bprm_check, struct linux_binprm *bprm, int ret)
{
	struct ward_scratch *s;

	if (ret)
		return ret;
	s = cpu_request(WARD_CLS_EXEC, WARD_OP_EXEC, WARD_DOM_EXEC, WARD_EXEC_ANY);
	if (!s) {
		exec_hold(bprm->interp, bprm, true);
		return 0;
	}
	exec_conditions(s);
	exe_for_decision(s);
	exec_invoked(s, bprm->interp);
	if (bpf_d_path((struct path *)&bprm->file->f_path, s->obj, sizeof(s->obj)) <= 0) {
		count_drop(WARD_DROP_PATH_TRUNC);
		path_failed(s);
	}
	ward_walk(s, 0);
	ward_decide(s);
	exec_pick(s, bprm->interp);
	return lsm_verdict(s);
}

/*
 * Code mapped from a file (BPF-LSM): a dynamic loader run as a program
 * (`ld.so /data/blocked`) maps the binary without exec'ing it. A mapping
 * with PROT_EXEC, or an mprotect() that adds it to a file mapping, is
 * decided against the exec rules as the file's path: a rule that names it
 * (a path, a directory, a glob) refuses or reports it; a policy's default
 * does not (libraries are mapped by every program, and an allowlist of
 * programs names none of them). Counted only when a rule decided.
 */
#define PROT_EXEC 0x4
#define VM_EXEC	  0x4

static __always_inline int map_exec(struct file *file)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct ward_scratch *s;
	unsigned long at = 0;

	/* the file as a plain number: a global function takes no BTF pointer */
	if (bpf_probe_read_kernel(&at, sizeof(at), &file))
		return 0;
	/* the exec maps the binary bprm_check_security decided (mm->exe_file by
	 * then); not its ELF interpreter, which no exec hook saw */
	if (BPF_CORE_READ_BITFIELD(t, in_execve) &&
	    (unsigned long)BPF_CORE_READ(t, mm, exe_file) == at)
		return 0;
	s = cpu_request(WARD_CLS_EXEC, WARD_OP_EXEC, WARD_DOM_EXEC, 1);
	if (!s)
		return 0;
	exe_for_decision(s);
	if (ward_walk_addr(at, s, 0) < 0)
		return 0; /* an unresolvable mapping: the default's, not refused */
	ward_walk(s, 0);
	s->req.nocount = 1;
	ward_decide(s);
	if (s->req.rule == WARD_NONE)
		return 0;
	ward_count(&s->req, s->req.policy, s->req.rule, s->req.action, s->req.mode);
	return lsm_verdict(s);
}

SEC("lsm/mmap_file")
int BPF_PROG(ward_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags, int ret)
{
	if (ret || !file || !(prot & PROT_EXEC))
		return ret;
	return map_exec(file);
}

SEC("lsm/file_mprotect")
int BPF_PROG(ward_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot, int ret)
{
	struct file *file;

	if (ret || !(prot & PROT_EXEC) || (vma->vm_flags & VM_EXEC))
		return ret;
	file = vma->vm_file;
	return file ? map_exec(file) : 0;
}

/* The tracepoints' decision of an exec (s: its request): the invoked name,
 * then the resolved binary at file_addr; a blocked one is killed when the
 * engine says the kernel allows it (tp_exec_kill). */
static __always_inline void exec_after_tp(struct ward_scratch *s, const char *name, __u64 file_addr)
{
	exec_invoked(s, name);
	if (ward_walk_addr(file_addr, s, 0) < 0)
		path_failed(s);
	ward_walk(s, 0);
	ward_decide(s);
	exec_pick(s, name);
	ward_verdict(s, tp_exec_kill ? WARD_LEVEL_SIGKILL : WARD_LEVEL_NONE, true);
}

/*
 * Without BPF-LSM, from 6.10 on: the exec at its point of no return, after
 * the kernel resolved and opened the binary (bprm->file; a script's
 * interpreter) but before the new program replaces the acting one, whose
 * executable and name fromSource conditions see as under BPF-LSM. A blocked
 * exec is killed here: the exec goes on, but the process dies before the new
 * program's first instruction. The name the new program runs as is decided
 * after the exec (ward_tp_applet).
 */
SEC("tp_btf/sched_prepare_exec")
int BPF_PROG(ward_tp_prepare, struct task_struct *task, struct linux_binprm *bprm)
{
	/* the name exec was called with (a script's, not its interpreter's) */
	const char *name = bprm->filename;
	struct ward_scratch *s;
	unsigned long at = 0;

	s = cpu_request(WARD_CLS_EXEC, WARD_OP_EXEC, WARD_DOM_EXEC, WARD_EXEC_ANY);
	if (!s) {
		exec_hold(name, bprm, false);
		return 0;
	}
	exec_conditions(s);
	exe_for_decision(s);
	(void)bpf_probe_read_kernel(&at, sizeof(at), &bprm->file);
	exec_after_tp(s, name, at);
	return 0;
}

/* Without BPF-LSM, before 6.10: after a successful exec the task runs the
 * new binary (mm->exe_file, the resolved file); a blocked one is killed
 * before its first instruction runs in user space. The acting binary is gone
 * by now: fromSource conditions cannot hold here (docs/enforcement.md). */
SEC("tp/sched/sched_process_exec")
int ward_tp_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	/* the name exec was called with (a script's, not its interpreter's) */
	const char *name = (void *)ctx + (ctx->__data_loc_filename & 0xFFFF);
	struct ward_scratch *s;

	s = cpu_request(WARD_CLS_EXEC, WARD_OP_EXEC, WARD_DOM_EXEC, WARD_EXEC_ANY);
	if (!s) {
		exec_hold(name, NULL, false);
		return 0;
	}
	exec_conditions(s);
	s->req.exe_read = 1; /* the acting binary is gone: never read (unknown in alerts) */
	exec_after_tp(s, name, (__u64)BPF_CORE_READ(t, mm, exe_file));
	exec_applet(s, s->req.rule, s->alt.rule,
		    tp_exec_kill ? WARD_LEVEL_SIGKILL : WARD_LEVEL_NONE);
	return 0;
}

/* With BPF-LSM or ward_tp_prepare (loaded instead of ward_tp_exec): the name
 * the new program runs as is only in its memory once the exec is done, so it
 * is decided here and a blocked one is killed before its first instruction
 * (level sigkill). */
SEC("tp/sched/sched_process_exec")
int ward_tp_applet(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	const char *name = (void *)ctx + (ctx->__data_loc_filename & 0xFFFF);
	struct ward_scratch *s;

	__u32 done;

	s = cpu_request(WARD_CLS_EXEC, WARD_OP_EXEC, WARD_DOM_EXEC, WARD_EXEC_ANY);
	if (!s || !(s->req.pols.flags & WARD_CG_APPLET))
		return 0;
	exec_conditions(s);
	/* the rules bprm_check_security decided by: not again (uncounted) */
	s->req.exe_read = 1;
	s->req.nocount = 1;
	exec_invoked(s, name);
	if (ward_walk_addr((__u64)BPF_CORE_READ(t, mm, exe_file), s, 0) < 0)
		return 0;
	ward_walk(s, 0);
	ward_decide(s);
	done = s->req.rule;
	exec_applet(s, done, s->alt.rule, WARD_LEVEL_SIGKILL);
	return 0;
}
