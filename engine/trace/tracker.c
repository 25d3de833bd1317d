// SPDX-License-Identifier: Apache-2.0
/* What every tracker shares: loading, drop counters, container resolution. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "tracker.h"
#include "core/clock.h"

static const struct tracker_ops *const trackers[TRACKER_COUNT] = {
	&process_tracker,
	&files_tracker,
	&tcp_tracker,
	&syscall_tracker,
};

const struct tracker_ops *tracker_find(const char *name)
{
	for (size_t i = 0; i < sizeof(trackers) / sizeof(trackers[0]); i++)
		if (strcmp(trackers[i]->name, name) == 0)
			return trackers[i];
	return NULL;
}

const struct tracker_ops *tracker_at(size_t i)
{
	return trackers[i];
}

const char *tracker_name_at(size_t i)
{
	return i < TRACKER_COUNT ? trackers[i]->name : NULL;
}

int tracker_list_add(const struct tracker_ops **list, size_t *n, const char *name)
{
	bool all = !strcmp(name, "all"), found = all;

	for (size_t i = 0; i < TRACKER_COUNT; i++) {
		bool have = false;

		if (!all && strcmp(name, trackers[i]->name))
			continue;
		found = true;
		for (size_t j = 0; j < *n; j++)
			have |= list[j] == trackers[i];
		if (!have)
			list[(*n)++] = trackers[i];
	}
	return found ? 0 : -ENOENT;
}

void tracker_close(struct tracker *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	for (size_t i = 0; i < t->n_fill; i++)
		ring_fill_close(&t->fill[i]);
	if (t->skel)
		t->ops->destroy(t->skel);
	out_free(t->out);
	if (t->own_filter)
		cgfilter_free(t->filter);
	free(t);
}

int tracker_open(struct tracker **ret, const struct tracker_ops *ops, struct session *s,
		 struct cgfilter *filter, bool own, uint64_t interval_ns, char *why,
		 size_t why_size)
{
	struct tracker *t = calloc(1, sizeof(*t));
	int err;

	if (!t) {
		if (own)
			cgfilter_free(filter);
		return -ENOMEM;
	}
	t->ops = ops;
	t->s = s;
	t->emit = ops->emit;
	t->filter = filter;
	t->own_filter = own;
	t->interval_ns = interval_ns;
	t->next_flush = clock_now_ns(CLOCK_MONOTONIC) + interval_ns;
	t->drops.fd = t->cgfilter_fd = -1;
	t->out = out_new(&s->sinks, ops->name, OUT_EVENT, ops->cols, ops->n_cols);
	err = t->out ? ops->open(t) : -ENOMEM;
	if (err) {
		snprintf(why, why_size,
			 "%s tracker: cannot load or attach its BPF programs: %s "
			 "(run 'ward doctor' to see what this kernel allows)",
			 ops->name, strerror(-err));
		tracker_close(t);
		return err;
	}
	*ret = t;
	return 0;
}

bool tracker_filters(const struct tracker *t)
{
	return t->filter || t->s->maps;
}

/* The session's shared maps instead of the object's own, where it has them. */
static int reuse_maps(const struct session_maps *m, struct bpf_object *obj)
{
	const struct {
		const char *name;
		int fd;
	} shared[] = {
		{ "ward_cgfilter", m->cgfilter_fd },
		{ "ward_sysc_outsider", m->outsider_fd },
	};

	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, shared[i].name);
		int err = map ? bpf_map__reuse_fd(map, shared[i].fd) : 0;

		if (err)
			return err;
	}
	return 0;
}

int tracker_load_attach(struct tracker *t, struct bpf_object_skeleton *sk)
{
	struct bpf_object *obj = *sk->obj;
	int err;

	err = t->s->maps ? reuse_maps(t->s->maps, obj) : 0;
	if (!err)
		err = bpf_object__load_skeleton(sk);
	if (err)
		return err;
	err = bpf_object__attach_skeleton(sk);
	if (err)
		return err;
	t->drops.fd = bpf_object__find_map_fd_by_name(obj, "ward_drops");
	t->cgfilter_fd = bpf_object__find_map_fd_by_name(obj, "ward_cgfilter");
	if (t->drops.fd < 0 || t->cgfilter_fd < 0)
		return -ENOENT;
	if (t->filter)
		return cgfilter_add_map(t->filter, t->cgfilter_fd);
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct tracker *t = ctx;

	return tracker_record(t, data, size, t->ops->rec_size, t->emit);
}

int tracker_load_follow(struct tracker *t, struct bpf_object_skeleton *sk, struct bpf_map *rb)
{
	int err = tracker_load_attach(t, sk);

	if (err)
		return err;
	t->rb = ring_buffer__new(bpf_map__fd(rb), on_record, t, NULL);
	if (!t->rb)
		return -errno;
	ring_fill_init(&t->fill[t->n_fill++], bpf_map__fd(rb), t->ops->name);
	return 0;
}

struct pending_rec {
	struct tracker *t;
	record_emit_fn emit;
	uint64_t cgroup_id;
	uint64_t since_ns; /* CLOCK_MONOTONIC when it was queued */
	size_t size;
	unsigned char data[];
};

void tracker_deliver(struct tracker *t, const void *data, size_t size,
		     const struct container_info *ci, record_emit_fn emit)
{
	int err;

	if (ci && t->filter && !cgfilter_wants(t->filter, ci, clock_now_ns(CLOCK_MONOTONIC)))
		return;
	err = emit(t, data, size, ci);
	if (!err)
		t->shown++;
	if (err == -EPROTO)
		t->malformed++;
	else if (err && !t->err)
		t->err = err;
}

/* Queue a record; scan: only a scan can attribute it. */
static int pending_push(struct tracker *t, const void *data, size_t size, uint64_t cgroup_id,
			record_emit_fn emit, bool scan)
{
	struct pending *q = &t->s->pending;
	struct pending_rec *p, **grown;

	if (q->n >= (t->s->pending_max ? t->s->pending_max : PENDING_MAX))
		return -ENOSPC;
	p = malloc(sizeof(*p) + size);
	if (!p)
		return -ENOMEM;
	grown = realloc(q->v, (q->n + 1) * sizeof(*q->v));
	if (!grown) {
		free(p);
		return -ENOMEM;
	}
	q->v = grown;
	*p = (struct pending_rec){ .t = t,
				   .emit = emit,
				   .cgroup_id = cgroup_id,
				   .since_ns = clock_now_ns(CLOCK_MONOTONIC),
				   .size = size };
	memcpy(p->data, data, size);
	if (!q->n || p->since_ns + PENDING_NS < q->due_ns)
		q->due_ns = p->since_ns + PENDING_NS;
	q->scan_due |= scan;
	q->v[q->n++] = p;
	t->pending++;
	return 0;
}

void session_pending_free(struct session *s)
{
	struct pending *q = &s->pending;

	for (size_t i = 0; i < q->n; i++) {
		q->v[i]->t->pending = 0;
		free(q->v[i]);
	}
	free(q->v);
	*q = (struct pending){ 0 };
}

/* A record of a young cgroup that looks like the host, which the session
 * holds a while longer for its runtime's state. */
static bool held(const struct session *s, const struct container_info *ci, uint64_t since_ns)
{
	return ci->host && ci->tentative &&
	       clock_now_ns(CLOCK_MONOTONIC) - since_ns < s->hold_tentative_ns;
}

/* One scan for the cgroups of every pending record. */
static int pending_scan(struct session *s)
{
	struct pending *q = &s->pending;
	uint64_t *ids = malloc(q->n * sizeof(*ids));
	int err;

	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < q->n; i++)
		ids[i] = q->v[i]->cgroup_id;
	err = container_cache_resolve(s->cc, ids, q->n);
	free(ids);
	return err;
}

int session_resolve(struct session *s, bool final)
{
	struct pending *q = &s->pending;
	uint64_t now = clock_now_ns(CLOCK_MONOTONIC);
	const struct container_info *ci;
	bool scan = q->scan_due || final || (q->held && now >= q->retry_ns);
	size_t kept = 0;
	int err;

	if (!q->n)
		return 0;
	/* Records queued behind others only to keep their order need none,
	 * unless the cache forgot their cgroup since (container_cache_gc()). */
	for (size_t i = 0; i < q->n && !scan; i++)
		scan = container_cache_settled(s->cc, q->v[i]->cgroup_id, &ci) == -ENOENT;
	err = scan ? pending_scan(s) : 0;
	for (size_t i = 0; i < q->n; i++) {
		struct pending_rec *p = q->v[i];

		if (!err)
			err = container_cache_settled(s->cc, p->cgroup_id, &ci);
		if (!err && !final && held(s, ci, p->since_ns)) {
			q->v[kept++] = p;
			continue;
		}
		if (!err)
			tracker_deliver(p->t, p->data, p->size, ci, p->emit);
		p->t->pending--;
		free(p);
	}
	q->n = q->held = kept;
	q->scan_due = false;
	if (scan)
		q->retry_ns = now + HOLD_RETRY_NS;
	q->due_ns = q->retry_ns;
	if (!kept)
		session_pending_free(s);
	return err;
}

uint64_t session_resolve_at(const struct session *s)
{
	return s->pending.n ? s->pending.due_ns : UINT64_MAX;
}

int session_resolve_due(struct session *s, uint64_t now)
{
	const struct pending *q = &s->pending;

	if (now >= session_resolve_at(s) || (s->resolve_each_wakeup && q->n > q->held))
		return session_resolve(s, false);
	return 0;
}

int tracker_containers(struct tracker *t, const uint64_t *ids, size_t n,
		       const struct container_info **ret)
{
	uint64_t *unknown = malloc((n ? n : 1) * sizeof(*unknown));
	size_t n_unknown = 0;
	int err = 0;

	if (!unknown)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (container_cache_peek(t->s->cc, ids[i], 0, &ret[i]) == -EAGAIN)
			unknown[n_unknown++] = ids[i];
	if (n_unknown)
		err = container_cache_resolve(t->s->cc, unknown, n_unknown);
	free(unknown);
	for (size_t i = 0; i < n && !err; i++) {
		err = container_cache_settled(t->s->cc, ids[i], &ret[i]);
		if (!err && t->filter &&
		    !cgfilter_wants(t->filter, ret[i], clock_now_ns(CLOCK_MONOTONIC)))
			ret[i] = NULL;
	}
	return err;
}

int tracker_record(struct tracker *t, const void *data, size_t size, size_t rec_size,
		   record_emit_fn emit)
{
	const struct ward_rec_hdr *h = data; /* read-only mapping: never written */

	if (size < rec_size) {
		t->malformed++;
		return 0;
	}
	return tracker_record_of(t, data, size, h->cgroup_id, h->ts_ns, emit);
}

int tracker_record_of(struct tracker *t, const void *data, size_t size, uint64_t cgroup_id,
		      uint64_t ts_ns, record_emit_fn emit)
{
	const struct container_info *ci;
	int err;

	err = container_cache_peek(t->s->cc, cgroup_id, ts_ns, &ci);
	if (err == -EAGAIN ||
	    (!err && (t->pending || (t->s->hold_tentative_ns && ci->host && ci->tentative)))) {
		err = pending_push(t, data, size, cgroup_id, emit, err == -EAGAIN);
		if (err != -ENOSPC)
			goto out;
		/* full: attribute what waits, then this one, in order (what
		 * the session holds still waits: this one cannot) */
		err = session_resolve(t->s, false);
		if (!err)
			err = container_cache_lookup_at(t->s->cc, cgroup_id, ts_ns, &ci);
	}
	if (!err)
		tracker_deliver(t, data, size, ci, emit);
out:
	if (err && !t->err)
		t->err = err;
	return 0;
}

int tracker_drain(int map_fd, void *keys, size_t key_size, void *vals, size_t val_size,
		  uint32_t max)
{
	__u32 in = 0, out = 0, count;
	uint32_t n = 0;
	bool first = true;

	while (n < max) {
		count = max - n;
		if (bpf_map_lookup_and_delete_batch(
			    map_fd, first ? NULL : &in, &out, (char *)keys + (size_t)n * key_size,
			    (char *)vals + (size_t)n * val_size, &count, NULL)) {
			n += count;
			if (errno == ENOENT)
				break;
			return -errno;
		}
		n += count;
		in = out;
		first = false;
	}
	return (int)n;
}

int tracker_table_init(struct tracker_table *tb, size_t key_size, size_t val_size, uint32_t max)
{
	*tb = (struct tracker_table){ .key_size = key_size, .val_size = val_size, .max = max };
	tb->keys = calloc(max, key_size);
	tb->vals = calloc(max, val_size);
	tb->ids = calloc(max, sizeof(*tb->ids));
	tb->cis = calloc(max, sizeof(*tb->cis));
	if (!tb->keys || !tb->vals || !tb->ids || !tb->cis) {
		tracker_table_free(tb);
		return -ENOMEM;
	}
	return 0;
}

void tracker_table_free(struct tracker_table *tb)
{
	free(tb->keys);
	free(tb->vals);
	free(tb->ids);
	free(tb->cis);
	*tb = (struct tracker_table){ 0 };
}

int tracker_table_drain(struct tracker *t, struct tracker_table *tb, int map_fd,
			uint64_t (*cgroup_of)(const void *key, const void *val))
{
	int n = tracker_drain(map_fd, tb->keys, tb->key_size, tb->vals, tb->val_size, tb->max);
	int err;

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		tb->ids[i] = cgroup_of((char *)tb->keys + (size_t)i * tb->key_size,
				       (char *)tb->vals + (size_t)i * tb->val_size);
	err = tracker_containers(t, tb->ids, (size_t)n, tb->cis);
	return err ? err : n;
}
