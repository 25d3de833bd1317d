// SPDX-License-Identifier: GPL-2.0
/*
 * Exec enforcement, the BPF-LSM hooks: the binary a targeted container
 * executes, and the name it was invoked by, refused with -EPERM
 * (bprm_check_security), and files mapped executable that an exec rule names
 * (mmap_file, file_mprotect). The tracepoints (the fallback, the applet, new
 * cgroups) are bpf/enforce/exec.bpf.c, linked into the same object.
 * docs/enforcement.md.
 */
#include "exec.bpf.h"

char LICENSE[] SEC("license") = "GPL";

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
