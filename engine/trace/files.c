// SPDX-License-Identifier: Apache-2.0
/* files tracker, user side: drain ward_files each interval, print the table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <seccomp.h>

#include "ward/files.h"
#include "files.skel.h"
#include "core/render.h"
#include "enforce/probe.h"
#include "tracker.h"

enum {
	C_TIME,
	C_PID,
	C_CONTAINER,
	C_READS,
	C_WRITES,
	C_RBYTES,
	C_WBYTES,
	C_TYPE,
	C_COMM,
	C_FILENAME,
	C_TRUNC,
	C__COUNT,
};

/* The table is exactly: pid container_name reads writes read_bytes write_bytes type comm filename */
static const struct out_col cols[C__COUNT] = {
	[C_TIME] = { "time", OUT_TIME, 0, OUT_F_NO_TABLE },
	[C_PID] = { "pid", OUT_U64, 7, OUT_F_RIGHT },
	[C_CONTAINER] = { "container_name", OUT_CONTAINER, 16, 0 },
	[C_READS] = { "reads", OUT_U64, 6, OUT_F_RIGHT },
	[C_WRITES] = { "writes", OUT_U64, 6, OUT_F_RIGHT },
	[C_RBYTES] = { "read_bytes", OUT_U64, 10, OUT_F_RIGHT },
	[C_WBYTES] = { "write_bytes", OUT_U64, 11, OUT_F_RIGHT },
	[C_TYPE] = { "type", OUT_STR, 4, 0 },
	[C_COMM] = { "comm", OUT_STR, 16, 0 },
	[C_FILENAME] = { "filename", OUT_STR, 0, 0 },
	[C_TRUNC] = { "filename_truncated", OUT_BOOL, 0, OUT_F_NO_TABLE },
};

/* The read/write family (rw_kind() in bpf/trace/files.bpf.c gets their
 * numbers from here): the syscalls of each ABI by these names. */
static const struct {
	const char *name;
	int write;
} rw_syscalls[] = {
	{ "read", 0 },	{ "pread64", 0 },  { "readv", 0 },  { "preadv", 0 },  { "preadv2", 0 },
	{ "write", 1 }, { "pwrite64", 1 }, { "writev", 1 }, { "pwritev", 1 }, { "pwritev2", 1 },
};

#define RW_SYSCALLS (sizeof(rw_syscalls) / sizeof(rw_syscalls[0]))

struct files_state {
	struct files_bpf *skel;
	struct tracker_table tb;		/* struct ward_file_key -> struct ward_file_stats */
	struct bpf_link *rw_links[RW_SYSCALLS]; /* handle_rw_exit's, when it runs */
};

struct row {
	const struct ward_file_key *key;
	const struct ward_file_stats *st;
	const struct container_info *ci; /* NULL: not shown */
};

static const char *type_of(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "R";
	case S_IFSOCK:
		return "S";
	case S_IFIFO:
		return "P";
	case S_IFCHR:
		return "C";
	default:
		return "O";
	}
}

int files_render(struct out *o, const struct ward_file_key *key, const struct ward_file_stats *st,
		 const struct container_info *ci, uint64_t now_real_ns)
{
	size_t path_len = st->path_len <= FILE_PATH_LEN ? st->path_len : FILE_PATH_LEN;
	const char *type = type_of(st->mode);
	union out_val v[C__COUNT] = {};
	char name[FILE_PATH_LEN + 32], comm[WARD_COMM_LEN];

	memcpy(comm, st->comm, sizeof(comm));
	comm[sizeof(comm) - 1] = '\0';
	if (*type == 'S' || *type == 'P')
		snprintf(name, sizeof(name), "%s:[%llu]", *type == 'S' ? "socket" : "pipe",
			 (unsigned long long)key->ino);
	else
		snprintf(name, sizeof(name), "%.*s", (int)path_len,
			 st->path + FILE_PATH_LEN - path_len);
	v[C_TIME].u = now_real_ns;
	v[C_PID].u = key->tgid;
	v[C_CONTAINER].c = ci;
	v[C_READS].u = st->reads;
	v[C_WRITES].u = st->writes;
	v[C_RBYTES].u = st->read_bytes;
	v[C_WBYTES].u = st->write_bytes;
	v[C_TYPE].s = type;
	v[C_COMM].s = comm;
	v[C_FILENAME].s = name;
	v[C_TRUNC].u = st->path_truncated;
	return out_row(o, v, OUT_ALL);
}

struct out *files_out_new(struct sinks *set)
{
	return out_new(set, "files", OUT_EVENT, cols, C__COUNT);
}

static int cmp_rows(const void *a, const void *b)
{
	const struct ward_file_stats *x = ((const struct row *)a)->st;
	const struct ward_file_stats *y = ((const struct row *)b)->st;
	uint64_t bx = x->read_bytes + x->write_bytes, by = y->read_bytes + y->write_bytes;
	uint64_t cx = x->reads + x->writes, cy = y->reads + y->writes;

	if (bx != by)
		return bx < by ? 1 : -1;
	if (cx != cy)
		return cx < cy ? 1 : -1;
	return 0;
}

static uint64_t cgroup_of(const void *key, const void *val)
{
	(void)key;
	return ((const struct ward_file_stats *)val)->cgroup_id;
}

static int files_flush(struct tracker *t, uint64_t now_real_ns, bool final)
{
	struct files_state *fs = t->skel;
	const struct ward_file_key *keys = fs->tb.keys;
	const struct ward_file_stats *vals = fs->tb.vals;
	struct row *rows;
	int n, err = 0;

	n = tracker_table_drain(t, &fs->tb, bpf_map__fd(fs->skel->maps.ward_files), cgroup_of);
	if (n < 0)
		return n;
	rows = calloc((size_t)n + 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		rows[i] = (struct row){ &keys[i], &vals[i], fs->tb.cis[i] };
	qsort(rows, (size_t)n, sizeof(*rows), cmp_rows);

	out_interval(t->out);
	for (int i = 0; i < n && !err; i++)
		if (rows[i].ci)
			err = files_render(t->out, rows[i].key, rows[i].st, rows[i].ci,
					   now_real_ns);
	free(rows);
	return err;
}

static void files_destroy(void *p)
{
	struct files_state *fs = p;

	if (!fs)
		return;
	for (size_t i = 0; i < RW_SYSCALLS; i++)
		bpf_link__destroy(fs->rw_links[i]);
	files_bpf__destroy(fs->skel);
	tracker_table_free(&fs->tb);
	free(fs);
}

/*
 * Whether the read/write family's own exit tracepoints are enough: where the
 * kernel runs i386 or x32 syscalls, which those do not see, handle_sys_exit
 * watches every syscall's exit instead (as the enforcement fallbacks do,
 * docs/enforcement.md "Only the syscalls that matter").
 */
static bool rw_by_syscall(void)
{
	char sec[64];
	bool ia32, x32;

	(void)probe_compat_syscalls(&ia32, &x32, NULL, NULL);
	if (ia32 || x32)
		return false;
	for (size_t i = 0; i < RW_SYSCALLS; i++) {
		(void)snprintf(sec, sizeof(sec), "tp/syscalls/sys_exit_%s", rw_syscalls[i].name);
		if (!probe_tracepoint_exists(sec))
			return false;
	}
	return true;
}

/* The family's numbers, x86_64 and i386, into rw_nrs. */
static void rw_fill(struct files_bpf *skel)
{
	static const uint32_t arch[2] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86 };

	for (int abi = 0; abi < 2; abi++)
		for (size_t i = 0; i < RW_SYSCALLS; i++) {
			int nr = seccomp_syscall_resolve_name_arch(arch[abi], rw_syscalls[i].name);

			if (nr >= 0 && nr < FILES_RW_WORDS * 64)
				skel->rodata->rw_nrs[abi][rw_syscalls[i].write][nr / 64] |=
					1ULL << (nr % 64);
		}
}

static int files_open(struct tracker *t)
{
	struct files_state *fs = calloc(1, sizeof(*fs));
	bool by_syscall = rw_by_syscall();
	int err;

	if (!fs)
		return -ENOMEM;
	t->skel = fs;
	if (tracker_table_init(&fs->tb, sizeof(struct ward_file_key),
			       sizeof(struct ward_file_stats), FILES_MAX_ENTRIES))
		return -ENOMEM;
	fs->skel = files_bpf__open();
	if (!fs->skel)
		return -ENOMEM;
	fs->skel->rodata->filter_cgroups = tracker_filters(t);
	fs->skel->rodata->self_tgid = (__u32)getpid();
	rw_fill(fs->skel);
	err = bpf_program__set_autoload(fs->skel->progs.handle_sys_exit, !by_syscall) ?:
	      bpf_program__set_autoload(fs->skel->progs.handle_rw_exit, by_syscall) ?:
	      tracker_load_attach(t, fs->skel->skeleton);
	for (size_t i = 0; i < RW_SYSCALLS && !err && by_syscall; i++) {
		char event[64];

		(void)snprintf(event, sizeof(event), "sys_exit_%s", rw_syscalls[i].name);
		fs->rw_links[i] = bpf_program__attach_tracepoint(fs->skel->progs.handle_rw_exit,
								 "syscalls", event);
		if (!fs->rw_links[i])
			err = -errno;
	}
	return err;
}

const struct tracker_ops files_tracker = {
	.name = "files",
	.summary = "reads and writes per process and file, per interval",
	.cols = cols,
	.n_cols = C__COUNT,
	.open = files_open,
	.flush = files_flush,
	.destroy = files_destroy,
};
