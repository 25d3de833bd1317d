// SPDX-License-Identifier: Apache-2.0
/* process tracker, user side: decode exec/fork/exit records. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ward/process.h"
#include "process.skel.h"
#include "core/render.h"
#include "tracker.h"

enum {
	C_TIME,
	C_EVENT,
	C_PID,
	C_PPID,
	C_UID,
	C_CONTAINER,
	C_COMM,
	C_DETAIL,
	C_FILENAME,
	C_ARGV,
	C_ARGS_TRUNC,
	C_CHILD,
	C_EXIT_CODE,
	C_SIGNAL,
	C_LIFETIME,
	C__COUNT,
};

static const struct out_col cols[C__COUNT] = {
	[C_TIME] = { "time", OUT_TIME, 8, 0 },
	[C_EVENT] = { "event", OUT_STR, 5, 0 },
	[C_PID] = { "pid", OUT_U64, 7, OUT_F_RIGHT },
	[C_PPID] = { "ppid", OUT_U64, 7, OUT_F_RIGHT },
	[C_UID] = { "uid", OUT_U64, 5, OUT_F_RIGHT },
	[C_CONTAINER] = { "container_name", OUT_CONTAINER, 16, 0 },
	[C_COMM] = { "comm", OUT_STR, 16, 0 },
	[C_DETAIL] = { "detail", OUT_STR, 0, OUT_F_TABLE_ONLY },
	[C_FILENAME] = { "filename", OUT_STR, 0, OUT_F_NO_TABLE },
	[C_ARGV] = { "argv", OUT_STRV, 0, OUT_F_NO_TABLE },
	[C_ARGS_TRUNC] = { "args_truncated", OUT_BOOL, 0, OUT_F_NO_TABLE },
	[C_CHILD] = { "child_pid", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_EXIT_CODE] = { "exit_code", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_SIGNAL] = { "signal", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_LIFETIME] = { "lifetime_ns", OUT_U64, 0, OUT_F_NO_TABLE },
};

#define BIT(c) (1ULL << (c))
#define COMMON_COLS                                                                              \
	(BIT(C_TIME) | BIT(C_EVENT) | BIT(C_PID) | BIT(C_PPID) | BIT(C_UID) | BIT(C_CONTAINER) | \
	 BIT(C_COMM) | BIT(C_DETAIL))

/* Split the NUL-separated argv area into a NULL-terminated vector. */
static size_t split_args(char *args, size_t len, const char **argv, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n + 1 < max) {
		argv[n++] = &args[i];
		i += strnlen(&args[i], len - i) + 1;
	}
	argv[n] = NULL;
	return n;
}

int process_render(struct out *o, const struct ward_proc_event *raw,
		   const struct container_info *ci, uint64_t mono_to_real_ns)
{
	struct ward_proc_event ev = *raw, *e = &ev;
	const char *argv[PROC_ARGS_LEN / 2 + 1];
	char args[PROC_ARGS_LEN + 1], detail[PROC_ARGS_LEN + 64];
	union out_val v[C__COUNT] = {};
	uint64_t present = COMMON_COLS;

	e->comm[sizeof(e->comm) - 1] = '\0';
	e->filename[sizeof(e->filename) - 1] = '\0';
	v[C_TIME].u = e->ts_ns + mono_to_real_ns;
	v[C_PID].u = e->pid;
	v[C_PPID].u = e->ppid;
	v[C_UID].u = e->uid;
	v[C_CONTAINER].c = ci;
	v[C_COMM].s = e->comm;
	v[C_DETAIL].s = detail;
	switch (e->type) {
	case PROC_EXEC: {
		size_t len = e->args_len < PROC_ARGS_LEN ? e->args_len : PROC_ARGS_LEN;
		size_t n = 0;

		memcpy(args, e->args, len);
		args[len] = '\0';
		split_args(args, len, argv, sizeof(argv) / sizeof(argv[0]));
		v[C_EVENT].s = "exec";
		v[C_FILENAME].s = e->filename;
		v[C_ARGV].v = argv;
		v[C_ARGS_TRUNC].u = e->args_truncated;
		present |= BIT(C_FILENAME) | BIT(C_ARGV) | BIT(C_ARGS_TRUNC);
		detail[0] = '\0';
		for (size_t i = 0; argv[i] && n < sizeof(detail) - 4; i++) {
			int w = snprintf(detail + n, sizeof(detail) - 4 - n, "%s%s", i ? " " : "",
					 argv[i]);

			if (w < 0)
				break;
			n += (size_t)w;
		}
		if (e->args_truncated)
			strcpy(detail + (n < sizeof(detail) - 4 ? n : sizeof(detail) - 4), "...");
		break;
	}
	case PROC_FORK:
		v[C_EVENT].s = "fork";
		v[C_CHILD].u = e->child_pid;
		present |= BIT(C_CHILD);
		snprintf(detail, sizeof(detail), "child=%u", e->child_pid);
		break;
	case PROC_EXIT:
		v[C_EVENT].s = "exit";
		v[C_EXIT_CODE].u = (e->exit_code >> 8) & 0xff;
		v[C_SIGNAL].u = e->exit_code & 0x7f;
		v[C_LIFETIME].u = e->lifetime_ns;
		present |= BIT(C_EXIT_CODE) | BIT(C_SIGNAL) | BIT(C_LIFETIME);
		if (v[C_SIGNAL].u)
			snprintf(detail, sizeof(detail), "signal=%s lifetime=%.3fs",
				 sigabbrev_np((int)v[C_SIGNAL].u) ?: "?", e->lifetime_ns / 1e9);
		else
			snprintf(detail, sizeof(detail), "code=%llu lifetime=%.3fs",
				 (unsigned long long)v[C_EXIT_CODE].u, e->lifetime_ns / 1e9);
		break;
	default:
		return -EPROTO; /* a record type this build does not know */
	}
	return out_row(o, v, present);
}

struct out *process_out_new(struct sinks *set)
{
	return out_new(set, "process", OUT_EVENT, cols, C__COUNT);
}

static int emit(struct tracker *t, const void *rec, size_t size, const struct container_info *ci)
{
	return process_render(t->out, rec, ci, t->s->mono_to_real_ns);
}

static int process_open(struct tracker *t)
{
	struct process_bpf *skel = process_bpf__open();

	if (!skel)
		return -errno;
	t->skel = skel;
	skel->rodata->filter_cgroups = tracker_filters(t);
	skel->rodata->rb_batch = !t->s->rb_wake_each; /* bpf/lib/common.bpf.h */
	skel->rodata->self_tgid = (__u32)getpid();
	return tracker_load_follow(t, skel->skeleton, skel->maps.ward_proc_rb);
}

static void process_destroy(void *skel)
{
	process_bpf__destroy(skel);
}

const struct tracker_ops process_tracker = {
	.name = "process",
	.summary = "exec (filename, argv), fork and exit (code, lifetime) of processes",
	.cols = cols,
	.n_cols = C__COUNT,
	.open = process_open,
	.rec_size = sizeof(struct ward_proc_event),
	.emit = emit,
	.destroy = process_destroy,
};
