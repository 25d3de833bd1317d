// SPDX-License-Identifier: GPL-2.0
/*
 * A ward plugin (docs/plugins.md): every exec, with the program run and who
 * ran it. Load it into a running `ward server`:
 *
 *   curl --unix-socket /run/ward/ward.sock --data-binary @build/examples/plugins/execs.bpf.o \
 *        'http://localhost/v1/plugins?name=execs'
 *
 * ward reads the records of the ring buffer named `events`, laid out as
 * `struct ward_event`: one column per member, `cgroup_id` shown as the
 * container, `ts_ns` (CLOCK_MONOTONIC) used to attribute it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct ward_event {
	__u64 ts_ns;
	__u64 cgroup_id;
	__u32 pid;
	__u32 uid;
	char comm[16];
	char filename[64];
};

/* The record type's BTF: a type only local variables use is not in the object. */
const struct ward_event *unused_ward_event __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} events SEC(".maps");

SEC("tp/sched/sched_process_exec")
int execs(struct trace_event_raw_sched_process_exec *ctx)
{
	unsigned int off = ctx->__data_loc_filename & 0xFFFF;
	struct ward_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), (void *)ctx + off);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
