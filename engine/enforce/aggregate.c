// SPDX-License-Identifier: Apache-2.0
/* Alert aggregation: aggregate.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "core/hindex.h"

const char *const agg_field_names[] = { "container", "policy", "rule", "action", "object",
					"exe",	     "comm",   "pid",  "uid",	 NULL };

int agg_parse_key(const char *list, unsigned int *ret)
{
	unsigned int key = 0;
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		int i;

		for (i = 0; agg_field_names[i]; i++)
			if (strlen(agg_field_names[i]) == len &&
			    !strncmp(p, agg_field_names[i], len))
				break;
		if (!agg_field_names[i])
			return -EINVAL;
		key |= 1u << i;
		p += len;
		if (*p && !*++p)
			return -EINVAL; /* a trailing comma */
	}
	if (!key)
		return -EINVAL;
	*ret = key;
	return 0;
}

/* The key of an alert: the fields selected, packed. */
#define KEY_MAX (64 + WARD_COMM_LEN + 2 * WARD_ALERT_PATH)

struct entry {
	unsigned char key[KEY_MAX];
	size_t key_len;
	uint64_t hash;
	struct ward_alert last; /* of the ones counted */
	struct container_info *ci;
	struct agg_count c; /* counted since the last record */
	uint64_t window_end;
};

struct alert_agg {
	uint64_t window_ns;
	unsigned int key;
	struct entry **v; /* the keys followed */
	size_t n, cap;
	struct hindex idx; /* over v, by key */
};

struct key {
	const unsigned char *b;
	size_t len;
};

static void put(unsigned char *key, size_t *len, const void *p, size_t n)
{
	memcpy(key + *len, p, n);
	*len += n;
}

static void put_str(unsigned char *key, size_t *len, const char *s, size_t max)
{
	put(key, len, s, strnlen(s, max - 1) + 1);
}

static size_t make_key(unsigned int mask, const struct ward_alert *a, unsigned char *key)
{
	size_t len = 0;

	if (mask & AGG_CONTAINER)
		put(key, &len, &a->cgroup_id, sizeof(a->cgroup_id));
	if (mask & AGG_POLICY) {
		put(key, &len, &a->generation, sizeof(a->generation));
		put(key, &len, &a->policy_id, sizeof(a->policy_id));
	}
	if (mask & AGG_RULE)
		put(key, &len, &a->rule, sizeof(a->rule));
	if (mask & AGG_ACTION) {
		put(key, &len, &a->action, sizeof(a->action));
		put(key, &len, &a->mode, sizeof(a->mode));
		put(key, &len, &a->level, sizeof(a->level));
	}
	if (mask & AGG_OBJECT) {
		put(key, &len, &a->op, sizeof(a->op));
		put(key, &len, &a->access, sizeof(a->access));
		put(key, &len, &a->port, sizeof(a->port));
		put(key, &len, a->addr, sizeof(a->addr));
		put(key, &len, &a->num, sizeof(a->num));
		put(key, &len, &a->undecided, sizeof(a->undecided));
		put_str(key, &len, a->object, sizeof(a->object));
	}
	if (mask & AGG_EXE)
		put_str(key, &len, a->exe, sizeof(a->exe));
	if (mask & AGG_COMM)
		put_str(key, &len, a->comm, sizeof(a->comm));
	if (mask & AGG_PID)
		put(key, &len, &a->pid, sizeof(a->pid));
	if (mask & AGG_UID)
		put(key, &len, &a->uid, sizeof(a->uid));
	return len;
}

struct alert_agg *agg_new(uint64_t window_ns, unsigned int key)
{
	struct alert_agg *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->window_ns = window_ns;
	g->key = key;
	return g;
}

static void entry_free(struct entry *e)
{
	container_info_free(e->ci);
	free(e);
}

void agg_free(struct alert_agg *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		entry_free(g->v[i]);
	free(g->v);
	hindex_free(&g->idx);
	free(g);
}

size_t agg_size(const struct alert_agg *g)
{
	return g->n;
}

static uint64_t entry_hash(const void *ctx, size_t i)
{
	return ((const struct alert_agg *)ctx)->v[i]->hash;
}

static bool entry_match(const void *ctx, size_t i, const void *key)
{
	const struct entry *e = ((const struct alert_agg *)ctx)->v[i];
	const struct key *k = key;

	return e->key_len == k->len && !memcmp(e->key, k->b, k->len);
}

static int insert(struct alert_agg *g, struct entry *e)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 64;
		struct entry **v = realloc(g->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		g->v = v;
		g->cap = cap;
	}
	if (hindex_reserve(&g->idx, g->n, entry_hash, g))
		return -ENOMEM;
	g->v[g->n] = e;
	hindex_put(&g->idx, e->hash, g->n++);
	return 0;
}

int agg_offer(struct alert_agg *g, const struct ward_alert *a, const struct container_info *ci)
{
	unsigned char key[KEY_MAX];
	size_t len = make_key(g->key, a, key);
	uint64_t hash = hash_bytes(key, len);
	size_t i = hindex_find(&g->idx, hash, entry_match, g, &(struct key){ key, len });
	struct entry *e = i ? g->v[i - 1] : NULL;

	if (e && a->ts_ns >= e->window_end && !e->c.count) {
		/* quiet for a whole window: a new incident, reported at once */
		e->window_end = a->ts_ns + g->window_ns;
		return 1;
	}
	if (e) { /* a window not yet reported is still open until the flush */
		if (!e->c.count++)
			e->c.first_ns = a->ts_ns;
		e->c.last_ns = a->ts_ns;
		if (ci != e->ci &&
		    (ci->cgroup_id != e->ci->cgroup_id || strcmp(ci->id, e->ci->id))) {
			struct container_info *d = container_info_dup(ci);

			if (d) {
				container_info_free(e->ci);
				e->ci = d;
			}
		}
		e->last = *a;
		return 0;
	}
	if (g->n >= AGG_ENTRIES_MAX)
		return 1; /* no room to follow it: reported as it comes */
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	memcpy(e->key, key, len);
	e->key_len = len;
	e->hash = hash;
	e->window_end = a->ts_ns + g->window_ns;
	e->ci = container_info_dup(ci);
	if (!e->ci || insert(g, e)) {
		entry_free(e);
		return -ENOMEM;
	}
	return 1;
}

int agg_flush(struct alert_agg *g, uint64_t now_ns, bool all, agg_emit_fn emit, void *ctx)
{
	size_t kept = 0;
	int err = 0;

	for (size_t i = 0; i < g->n; i++) {
		struct entry *e = g->v[i];

		if (!all && now_ns < e->window_end) {
			g->v[kept++] = e;
			continue;
		}
		if (e->c.count && !err) {
			err = emit(ctx, &e->last, e->ci, &e->c);
			if (!err) {
				e->c.count = 0;
				/* a storm that goes on: the next window's record */
				e->window_end = now_ns + g->window_ns;
			}
		}
		/* kept: a record not yet reported, or a storm's next window */
		if (e->c.count || (!all && e->window_end > now_ns))
			g->v[kept++] = e;
		else
			entry_free(e);
	}
	g->n = kept;
	hindex_rebuild(&g->idx, g->n, entry_hash, g);
	return err;
}
