// SPDX-License-Identifier: GPL-2.0
/* process tracker: exec (filename, argv), fork (new processes only), exit. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "common.bpf.h"
#include "ward/process.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} ward_proc_rb SEC(".maps");

static __always_inline struct ward_proc_event *reserve(__u32 type, __u64 cgid,
						       struct task_struct *task)
{
	struct ward_proc_event *e;

	e = bpf_ringbuf_reserve(&ward_proc_rb, sizeof(*e), 0);
	if (!e) {
		count_drop(WARD_DROP_RINGBUF);
		return NULL;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->cgroup_id = cgid;
	e->lifetime_ns = 0;
	e->type = type;
	e->pid = BPF_CORE_READ(task, tgid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->child_pid = 0;
	e->exit_code = 0;
	e->args_len = 0;
	e->args_truncated = 0;
	e->filename_truncated = 0;
	e->pad = 0;
	e->filename[0] = '\0';
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

SEC("tp/sched/sched_process_exec")
int handle_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	unsigned long arg_start, arg_end, len;
	struct ward_proc_event *e;
	unsigned int off;
	__u64 cgid;
	long n;

	if (skip_current(&cgid))
		return 0;
	e = reserve(PROC_EXEC, cgid, task);
	if (!e)
		return 0;

	off = ctx->__data_loc_filename & 0xFFFF;
	n = bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), (void *)ctx + off);
	if (n == sizeof(e->filename)) {
		e->filename_truncated = 1;
		count_drop(WARD_DROP_PATH_TRUNC);
	}

	arg_start = BPF_CORE_READ(task, mm, arg_start);
	arg_end = BPF_CORE_READ(task, mm, arg_end);
	len = arg_end - arg_start;
	if (len > PROC_ARGS_LEN) {
		len = PROC_ARGS_LEN;
		e->args_truncated = 1;
		count_drop(WARD_DROP_ARGS_TRUNC);
	}
	if (len > 0 && len <= PROC_ARGS_LEN &&
	    bpf_probe_read_user(e->args, len, (void *)arg_start) == 0)
		e->args_len = len;
	bpf_ringbuf_submit(e, ward_rb_wakeup(&ward_proc_rb));
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	struct ward_proc_event *e;
	__u64 cgid;

	if (child->pid != child->tgid) /* a new thread, not a process */
		return 0;
	if (skip_current(&cgid))
		return 0;
	e = reserve(PROC_FORK, cgid, parent);
	if (!e)
		return 0;
	e->child_pid = child->tgid;
	bpf_ringbuf_submit(e, ward_rb_wakeup(&ward_proc_rb));
	return 0;
}

SEC("tp/sched/sched_process_exit")
int handle_exit(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();
	struct ward_proc_event *e;
	__u64 cgid;

	if ((__u32)id != (__u32)(id >> 32)) /* only the thread group leader */
		return 0;
	if (skip_current(&cgid))
		return 0;
	e = reserve(PROC_EXIT, cgid, task);
	if (!e)
		return 0;
	e->exit_code = BPF_CORE_READ(task, exit_code);
	e->lifetime_ns = e->ts_ns - BPF_CORE_READ(task, start_time);
	bpf_ringbuf_submit(e, ward_rb_wakeup(&ward_proc_rb));
	return 0;
}
