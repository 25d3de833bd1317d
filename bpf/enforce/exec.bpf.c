// SPDX-License-Identifier: GPL-2.0
/*
 * Exec enforcement without BPF-LSM, and what runs beside either: without it,
 * sched_prepare_exec (6.10) or sched_process_exec reports the exec and kills
 * a blocked one before its first instruction (tp_exec_kill); on any kernel,
 * the name a program runs as (applets), and new cgroups for the
 * container-start window. Linked with lsm/exec.bpf.c (the BPF-LSM hooks) into
 * one object. docs/enforcement.md.
 */
#include "exec.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the engine before load: kill a blocked exec from the tracepoint
 * (the kernel allows bpf_send_signal there). */
const volatile bool tp_exec_kill = false;

/* ---- the container-start window (enforce_abi.h) ---------------------------------------------- */

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
