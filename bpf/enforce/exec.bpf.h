/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What both halves of the exec object use (lsm/exec.bpf.c, the BPF-LSM hooks;
 * bpf/enforce/exec.bpf.c, the tracepoints): the invoked name's decision, the
 * resolved binary's walk, and holding an exec in a new cgroup.
 */
#ifndef WARD_ENFORCE_EXEC_BPF_H
#define WARD_ENFORCE_EXEC_BPF_H

#include "enforce.bpf.h"

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

	/* new until the daemon, having targeted it, forgets it (its tick,
	 * WARD_NEW_CGROUP_NS after the mkdir): a slow daemon leaves no gap */
	born = bpf_map_lookup_elem(&ward_pending, &cgid);
	if (!born)
		return;
	s = cpu_scratch();
	if (!s || !daemon_alive(now))
		return;
	h = bpf_ringbuf_reserve(&ward_holds, sizeof(*h), 0);
	if (!h) { /* not held: counted, the daemon reports it, and targets the
		   * cgroup at its next tick as any other (no longer new) */
		count_drop(WARD_DROP_RINGBUF);
		bpf_map_delete_elem(&ward_pending, &cgid);
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
	h->pad = 0;
	h->mntns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
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

#endif
