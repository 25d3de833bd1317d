// SPDX-License-Identifier: GPL-2.0
/*
 * Empty programs on the hooks the enforcement benchmark measures
 * (tests/bench/enforce.sh): what any program on the hook costs, the
 * denominator of ward's cost there. tests/bench/empty_hooks.c loads them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/bprm_check_security")
int BPF_PROG(empty_bprm_check, struct linux_binprm *bprm, int ret)
{
	return ret;
}

SEC("lsm/socket_connect")
int BPF_PROG(empty_sock_connect, struct socket *sock, struct sockaddr *address, int addrlen,
	     int ret)
{
	return ret;
}

SEC("lsm/file_open")
int BPF_PROG(empty_file_open, struct file *file, int ret)
{
	return ret;
}

SEC("tp/sched/sched_process_exec")
int empty_tp_exec(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_prepare_exec") /* 6.10 and later: loaded where the kernel has it */
int BPF_PROG(empty_tp_prepare, struct task_struct *task, struct linux_binprm *bprm)
{
	return 0;
}

SEC("cgroup/connect4")
int empty_cg_connect4(struct bpf_sock_addr *ctx)
{
	return 1;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(empty_tp_file, struct pt_regs *regs, long ret)
{
	return 0;
}

/* where ward's open fallback sits on the open syscalls' own exits (bench_loop opens with openat) */
SEC("tp/syscalls/sys_exit_openat")
int empty_tp_file_nr(struct syscall_trace_exit *ctx)
{
	return 0;
}
