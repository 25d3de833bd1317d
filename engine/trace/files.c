// SPDX-License-Identifier: Apache-2.0
/* files tracker, user side: drain ward_files each interval, print the table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "ward/files.h"
#include "files.skel.h"
#include "core/render.h"
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

struct files_state {
	struct files_bpf *skel;
	struct ward_file_key *keys;
	struct ward_file_stats *vals;
	uint64_t *ids; /* an interval's cgroups, and their containers */
	const struct container_info **cis;
};

struct row {
	struct ward_file_key *key;
	struct ward_file_stats *st;
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

static int files_flush(struct tracker *t, uint64_t now_real_ns)
{
	struct files_state *fs = t->skel;
	struct row *rows;
	size_t nrows = 0;
	int n, err = 0;

	n = tracker_drain(bpf_map__fd(fs->skel->maps.ward_files), fs->keys, sizeof(*fs->keys),
			  fs->vals, sizeof(*fs->vals), FILES_MAX_ENTRIES);
	if (n < 0)
		return n;
	rows = calloc((size_t)n + 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		rows[nrows++] = (struct row){ &fs->keys[i], &fs->vals[i] };
	qsort(rows, nrows, sizeof(*rows), cmp_rows);
	for (size_t i = 0; i < nrows; i++)
		fs->ids[i] = rows[i].st->cgroup_id;
	err = tracker_containers(t, fs->ids, nrows, fs->cis);

	out_interval(t->out);
	for (size_t i = 0; i < nrows && !err; i++)
		if (fs->cis[i])
			err = files_render(t->out, rows[i].key, rows[i].st, fs->cis[i],
					   now_real_ns);
	free(rows);
	return err;
}

static void files_destroy(void *p)
{
	struct files_state *fs = p;

	if (!fs)
		return;
	files_bpf__destroy(fs->skel);
	free(fs->keys);
	free(fs->vals);
	free(fs->ids);
	free(fs->cis);
	free(fs);
}

static int files_open(struct tracker *t)
{
	struct files_state *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return -ENOMEM;
	t->skel = fs;
	fs->keys = calloc(FILES_MAX_ENTRIES, sizeof(*fs->keys));
	fs->vals = calloc(FILES_MAX_ENTRIES, sizeof(*fs->vals));
	fs->ids = calloc(FILES_MAX_ENTRIES, sizeof(*fs->ids));
	fs->cis = calloc(FILES_MAX_ENTRIES, sizeof(*fs->cis));
	fs->skel = files_bpf__open();
	if (!fs->keys || !fs->vals || !fs->ids || !fs->cis || !fs->skel)
		return -ENOMEM;
	fs->skel->rodata->filter_cgroups = t->s->filter != NULL;
	fs->skel->rodata->self_tgid = (__u32)getpid();
	return tracker_load_attach(t, fs->skel->skeleton, fs->skel->obj);
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
