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
	struct tracker_table tb; /* struct ward_sysc_key -> a count per CPU */
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

static uint64_t cgroup_of(const void *key, const void *val)
{
	(void)val;
	return ((const struct ward_sysc_key *)key)->cgroup_id;
}

/* The i-th drained entry's count, summed over the CPUs. */
static uint64_t entry_count(const struct syscall_state *ss, int i)
{
	const uint64_t *vals = ss->tb.vals; /* n x ncpu */
	uint64_t count = 0;

	for (int c = 0; c < ss->ncpu; c++)
		count += vals[(size_t)i * (size_t)ss->ncpu + (size_t)c];
	return count;
}

int syscall_counts(struct tracker *t)
{
	struct syscall_state *ss = t->skel;
	const struct ward_sysc_key *keys = ss->tb.keys;
	int n = tracker_drain(bpf_map__fd(ss->skel->maps.ward_sysc), ss->tb.keys, ss->tb.key_size,
			      ss->tb.vals, ss->tb.val_size, ss->tb.max);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct syscall_count c = { keys[i], entry_count(ss, i) };

		(void)tracker_record_of(t, &c, sizeof(c), c.key.cgroup_id, 0, t->emit);
	}
	return t->err;
}

static int syscall_flush(struct tracker *t, uint64_t now_real_ns, bool final)
{
	struct syscall_state *ss = t->skel;
	const struct ward_sysc_key *keys = ss->tb.keys;
	struct row *rows;
	size_t nrows = 0;
	int n, err = 0;

	n = tracker_table_drain(t, &ss->tb, bpf_map__fd(ss->skel->maps.ward_sysc), cgroup_of);
	if (n < 0)
		return n;
	rows = calloc((size_t)n + 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		struct row *r = &rows[nrows];

		r->ci = ss->tb.cis[i];
		if (!r->ci)
			continue;
		r->key = keys[i];
		r->count = entry_count(ss, i);
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
	tracker_table_free(&ss->tb);
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
	if (tracker_table_init(&ss->tb, sizeof(struct ward_sysc_key),
			       (size_t)ss->ncpu * sizeof(uint64_t), SYSCALL_MAX_ENTRIES))
		return -ENOMEM;
	ss->skel = syscall_bpf__open();
	if (!ss->skel)
		return -ENOMEM;
	ss->skel->rodata->filter_cgroups = tracker_filters(t);
	ss->skel->rodata->self_tgid = (__u32)getpid();
	ss->skel->rodata->skip_outsiders = t->s->maps != NULL;
	return tracker_load_attach(t, ss->skel->skeleton);
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
