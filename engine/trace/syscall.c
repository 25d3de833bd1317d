// SPDX-License-Identifier: Apache-2.0
/* syscall tracker, user side: per container, per syscall counts each interval. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <seccomp.h>

#include "ward/syscall.h"
#include "syscall.skel.h"
#include "tracker.h"

enum { C_TIME, C_CONTAINER, C_ABI, C_NR, C_SYSCALL, C_COUNT, C__COUNT };

static const struct out_col cols[C__COUNT] = {
	[C_TIME] = { "time", OUT_TIME, 0, OUT_F_NO_TABLE },
	[C_CONTAINER] = { "container_name", OUT_CONTAINER, 16, 0 },
	[C_ABI] = { "abi", OUT_STR, 6, 0 },
	[C_NR] = { "nr", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_SYSCALL] = { "syscall", OUT_STR, 20, 0 },
	[C_COUNT] = { "count", OUT_U64, 0, 0 },
};

struct syscall_state {
	struct syscall_bpf *skel;
	int ncpu;
	struct ward_sysc_key *keys;
	uint64_t *vals; /* SYSCALL_MAX_ENTRIES x ncpu */
	uint64_t *ids;	/* an interval's cgroups, and their containers */
	const struct container_info **cis;
};

struct row {
	const struct container_info *ci;
	struct ward_sysc_key key;
	uint64_t count;
};

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(container_display_name(x->ci), container_display_name(y->ci));

	if (c)
		return c;
	if (x->key.cgroup_id != y->key.cgroup_id)
		return x->key.cgroup_id < y->key.cgroup_id ? -1 : 1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->key.nr < y->key.nr ? -1 : x->key.nr > y->key.nr;
}

static int syscall_flush(struct tracker *t, uint64_t now_real_ns)
{
	struct syscall_state *ss = t->skel;
	struct row *rows;
	size_t nrows = 0;
	int n, err = 0;

	n = tracker_drain(bpf_map__fd(ss->skel->maps.ward_sysc), ss->keys, sizeof(*ss->keys),
			  ss->vals, ss->ncpu * sizeof(*ss->vals), SYSCALL_MAX_ENTRIES);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		ss->ids[i] = ss->keys[i].cgroup_id;
	err = tracker_containers(t, ss->ids, (size_t)n, ss->cis);
	if (err)
		return err;
	rows = calloc((size_t)n + 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		struct row *r = &rows[nrows];

		r->ci = ss->cis[i];
		if (!r->ci)
			continue;
		r->key = ss->keys[i];
		for (int c = 0; c < ss->ncpu; c++)
			r->count += ss->vals[(size_t)i * ss->ncpu + c];
		nrows++;
	}
	qsort(rows, nrows, sizeof(*rows), cmp_rows);

	out_interval(t->out);
	for (size_t i = 0; i < nrows && !err; i++) {
		bool i386 = rows[i].key.abi == SYSCALL_ABI_I386;
		union out_val v[C__COUNT] = {};
		char fallback[32];
		char *name;

		name = seccomp_syscall_resolve_num_arch(i386 ? SCMP_ARCH_X86 : SCMP_ARCH_X86_64,
							(int)rows[i].key.nr);
		snprintf(fallback, sizeof(fallback), "syscall_%u", rows[i].key.nr);
		v[C_TIME].u = now_real_ns;
		v[C_CONTAINER].c = rows[i].ci;
		v[C_ABI].s = i386 ? "i386" : "x86_64";
		v[C_NR].u = rows[i].key.nr;
		v[C_SYSCALL].s = name ? name : fallback;
		v[C_COUNT].u = rows[i].count;
		err = out_row(t->out, v, OUT_ALL);
		free(name);
	}
	free(rows);
	return err;
}

static void syscall_destroy(void *p)
{
	struct syscall_state *ss = p;

	if (!ss)
		return;
	syscall_bpf__destroy(ss->skel);
	free(ss->keys);
	free(ss->vals);
	free(ss->ids);
	free(ss->cis);
	free(ss);
}

static int syscall_open(struct tracker *t)
{
	struct syscall_state *ss = calloc(1, sizeof(*ss));

	if (!ss)
		return -ENOMEM;
	t->skel = ss;
	ss->ncpu = libbpf_num_possible_cpus();
	if (ss->ncpu < 0)
		return ss->ncpu;
	ss->keys = calloc(SYSCALL_MAX_ENTRIES, sizeof(*ss->keys));
	ss->vals = calloc((size_t)SYSCALL_MAX_ENTRIES * ss->ncpu, sizeof(*ss->vals));
	ss->ids = calloc(SYSCALL_MAX_ENTRIES, sizeof(*ss->ids));
	ss->cis = calloc(SYSCALL_MAX_ENTRIES, sizeof(*ss->cis));
	ss->skel = syscall_bpf__open();
	if (!ss->keys || !ss->vals || !ss->ids || !ss->cis || !ss->skel)
		return -ENOMEM;
	ss->skel->rodata->filter_cgroups = t->s->filter != NULL;
	ss->skel->rodata->self_tgid = (__u32)getpid();
	return tracker_load_attach(t, ss->skel->skeleton, ss->skel->obj);
}

const struct tracker_ops syscall_tracker = {
	.name = "syscall",
	.summary = "syscall counts per container and syscall, per interval",
	.cols = cols,
	.n_cols = C__COUNT,
	.open = syscall_open,
	.flush = syscall_flush,
	.destroy = syscall_destroy,
};
