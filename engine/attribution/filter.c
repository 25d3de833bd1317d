// SPDX-License-Identifier: Apache-2.0
/* The --container filter: verdicts per cgroup id, mirrored into the kernel. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "ward/common.h"
#include "filter.h"

#define UNWANTED_TTL_NS (60ULL * 1000000000ULL) /* re-check old "no" verdicts */
#define ID_PREFIX_MIN	4

struct verdict {
	uint64_t cgroup_id;
	uint64_t since_ns;
	uint8_t verdict; /* enum ward_cg_verdict */
};

struct cgfilter {
	char *query;
	int *map_fds;
	size_t n_maps;
	struct verdict *v; /* sorted by cgroup_id */
	size_t n, cap;
};

struct cgfilter *cgfilter_new(const char *query)
{
	struct cgfilter *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->query = strdup(query);
	if (!f->query) {
		free(f);
		return NULL;
	}
	return f;
}

void cgfilter_free(struct cgfilter *f)
{
	if (!f)
		return;
	free(f->query);
	free(f->map_fds);
	free(f->v);
	free(f);
}

const char *cgfilter_query(const struct cgfilter *f)
{
	return f->query;
}

int cgfilter_add_map(struct cgfilter *f, int map_fd)
{
	int *fds = realloc(f->map_fds, (f->n_maps + 1) * sizeof(*fds));

	if (!fds)
		return -ENOMEM;
	fds[f->n_maps++] = map_fd;
	f->map_fds = fds;
	/* A tracker added later gets the verdicts known so far. */
	for (size_t i = 0; i < f->n; i++)
		(void)bpf_map_update_elem(map_fd, &f->v[i].cgroup_id, &f->v[i].verdict, BPF_ANY);
	return 0;
}

bool cgfilter_matches(const struct cgfilter *f, const struct container_info *ci)
{
	size_t qlen = strlen(f->query);

	if (ci->host)
		return false;
	if (strcmp(ci->name, f->query) == 0 || strcmp(ci->id, f->query) == 0)
		return true;
	return qlen >= ID_PREFIX_MIN && strncmp(ci->id, f->query, qlen) == 0;
}

static struct verdict *find(struct cgfilter *f, uint64_t cgid, size_t *ret_pos)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->v[mid].cgroup_id == cgid)
			return &f->v[mid];
		if (f->v[mid].cgroup_id < cgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*ret_pos = lo;
	return NULL;
}

/* Record a verdict here and in every kernel map. A full kernel map is not a
 * loss: events of that cgroup keep reaching user space, which filters them. */
static void set_verdict(struct cgfilter *f, uint64_t cgid, uint8_t verdict, uint64_t now_ns)
{
	struct verdict *v;
	size_t pos = 0;

	v = find(f, cgid, &pos);
	if (!v) {
		if (f->n == f->cap) {
			size_t cap = f->cap ? f->cap * 2 : 64;
			struct verdict *nv = realloc(f->v, cap * sizeof(*nv));

			if (!nv)
				return;
			f->v = nv;
			f->cap = cap;
		}
		memmove(&f->v[pos + 1], &f->v[pos], (f->n - pos) * sizeof(*f->v));
		f->n++;
		v = &f->v[pos];
		v->cgroup_id = cgid;
	} else if (v->verdict == verdict) {
		return;
	}
	v->verdict = verdict;
	v->since_ns = now_ns;
	for (size_t i = 0; i < f->n_maps; i++)
		(void)bpf_map_update_elem(f->map_fds[i], &cgid, &verdict, BPF_ANY);
}

bool cgfilter_wants(struct cgfilter *f, const struct container_info *ci, uint64_t now_ns)
{
	struct verdict *v;
	size_t pos;

	v = find(f, ci->cgroup_id, &pos);
	if (v)
		return v->verdict == WARD_CG_WANTED;
	/* A cgroup that only looks like the host so far (a container's cgroup
	 * exists before its runtime state) stays unclassified in the kernel, so
	 * the container's first events are not filtered out. */
	if (ci->tentative)
		return false;
	set_verdict(f, ci->cgroup_id, cgfilter_matches(f, ci) ? WARD_CG_WANTED : WARD_CG_UNWANTED,
		    now_ns);
	return cgfilter_matches(f, ci);
}

int cgfilter_refresh(struct cgfilter *f, struct container_cache *cc, uint64_t now_ns)
{
	uint64_t *ids = NULL;
	size_t w = 0;
	int n;

	/* Expire old "unwanted" verdicts: bounded maps, and a cgroup that became a
	 * matching container is re-classified on its next event. */
	for (size_t i = 0; i < f->n; i++) {
		struct verdict *v = &f->v[i];

		if (v->verdict == WARD_CG_UNWANTED && now_ns - v->since_ns > UNWANTED_TTL_NS) {
			for (size_t m = 0; m < f->n_maps; m++)
				(void)bpf_map_delete_elem(f->map_fds[m], &v->cgroup_id);
			continue;
		}
		f->v[w++] = *v;
	}
	f->n = w;

	n = container_cache_find(cc, f->query, &ids);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		set_verdict(f, ids[i], WARD_CG_WANTED, now_ns);
	free(ids);
	return n;
}
