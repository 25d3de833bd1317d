// SPDX-License-Identifier: Apache-2.0
/* The metrics of ward server: exporter.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http.h"
#include "exporter.h"

/* The columns of an alert channel the sink reads, found once per channel. */
enum { COL_POLICY, COL_RULE, COL_ACTION, COL_SEVERITY, COL_CONTAINER, COL_COUNT, COL__N };
static const char *const col_names[COL__N] = { "policy",   "rule",	     "action",
					       "severity", "container_name", "count" };
#define CHANNELS_MAX 16

struct metrics_sink {
	struct sink base;
	struct exporter *x;
	struct {
		uint64_t id;
		int col[COL__N]; /* -1: the channel has none */
	} ch[CHANNELS_MAX];
	size_t n_ch;
};

static const int *channel_cols(struct metrics_sink *ms, const struct out *ch)
{
	size_t i;

	for (i = 0; i < ms->n_ch; i++)
		if (ms->ch[i].id == ch->id)
			return ms->ch[i].col;
	if (ms->n_ch == CHANNELS_MAX)
		return NULL;
	ms->ch[i].id = ch->id;
	for (int c = 0; c < COL__N; c++) {
		ms->ch[i].col[c] = -1;
		for (size_t k = 0; k < ch->n_cols; k++)
			if (!strcmp(ch->cols[k].name, col_names[c]))
				ms->ch[i].col[c] = (int)k;
	}
	ms->n_ch++;
	return ms->ch[i].col;
}

/* The value of column c of an alert row as a label: "" when absent. */
static const char *label(const int *cols, int c, const struct out *ch, const union out_val *vals,
			 uint64_t present)
{
	int k = cols[c];

	if (k < 0 || !(present & (1ULL << k)))
		return "";
	if (ch->cols[k].type == OUT_CONTAINER)
		return vals[k].c ? vals[k].c->name : "";
	return ch->cols[k].type == OUT_STR && vals[k].s ? vals[k].s : "";
}

static int ms_row(struct sink *s, const struct out *ch, const union out_val *vals, uint64_t present)
{
	struct metrics_sink *ms = (struct metrics_sink *)s;
	struct exporter *x = ms->x;
	const int *cols;
	double n = 1;

	if (ch->kind == OUT_EVENT)
		return metrics_add(x->events, (const char *const[]){ ch->tracker }, 1);
	cols = channel_cols(ms, ch);
	if (!cols)
		return -ENOSPC;
	/* an aggregated record stands for count alerts */
	if (cols[COL_COUNT] >= 0 && (present & (1ULL << cols[COL_COUNT])))
		n = (double)vals[cols[COL_COUNT]].u;
	return metrics_add(x->alerts,
			   (const char *const[]){ label(cols, COL_POLICY, ch, vals, present),
						  label(cols, COL_RULE, ch, vals, present),
						  label(cols, COL_ACTION, ch, vals, present),
						  label(cols, COL_SEVERITY, ch, vals, present) },
			   n)
		       ?: metrics_add(x->container_alerts,
				      (const char *const[]){
					      label(cols, COL_CONTAINER, ch, vals, present) },
				      n);
}

static int ms_flush(struct sink *s)
{
	return 0;
}

static int ms_close(struct sink *s)
{
	free(s);
	return 0;
}

static const struct sink_ops metrics_sink_ops = {
	.row = ms_row,
	.flush = ms_flush,
	.close = ms_close,
};

static char *serve_page(void *arg, size_t *ret_len, const char **ret_type)
{
	struct exporter *x = arg;

	*ret_type = "text/plain; version=0.0.4; charset=utf-8";
	return metrics_page(x->m, ret_len);
}

#define FAM(field, name, type, help, ...)                                                        \
	(x->field = metrics_family(x->m, name, type, help, (const char *const[]){ __VA_ARGS__ }, \
				   SIZE_MAX))

static int make_families(struct exporter *x, size_t container_cap)
{
	FAM(events, "ward_events_total", METRICS_COUNTER, "Events each tracker emitted.", "tracker",
	    NULL);
	FAM(alerts, "ward_alerts_total", METRICS_COUNTER,
	    "Policy decisions reported (blocked or alerted), by policy, rule, action and "
	    "severity.",
	    "policy", "rule", "action", "severity", NULL);
	x->container_alerts = metrics_family(
		x->m, "ward_container_alerts_total", METRICS_COUNTER,
		"Policy decisions reported per container; containers past the cap "
		"(--metrics-containers) are counted as container=\"" METRICS_OTHER "\".",
		(const char *const[]){ "container", NULL }, container_cap);
	FAM(kernel_drops, "ward_kernel_drops_total", METRICS_COUNTER,
	    "Records the BPF programs could not deliver whole, by source and reason.", "source",
	    "reason", NULL);
	FAM(malformed, "ward_malformed_records_total", METRICS_COUNTER,
	    "Kernel records user space could not decode, by source.", "source", NULL);
	FAM(containers, "ward_containers_tracked", METRICS_GAUGE,
	    "Containers in the metadata cache.", NULL);
	FAM(generation, "ward_policy_generation", METRICS_GAUGE,
	    "The policy generation in force (0: none).", NULL);
	FAM(targets, "ward_policy_targets", METRICS_GAUGE,
	    "Containers the policy in force targets.", NULL);
	FAM(load_seconds, "ward_policy_load_seconds", METRICS_GAUGE,
	    "How long putting the policy in force took, the last time.", NULL);
	FAM(level, "ward_enforcement_level", METRICS_GAUGE,
	    "1 for the enforcement level each resource class runs at.", "class", "level", NULL);
	FAM(audit_only, "ward_audit_only", METRICS_GAUGE,
	    "1 when every rule only audits (ward server --audit, the default pack).", NULL);
	FAM(out_rows, "ward_output_rows_total", METRICS_COUNTER,
	    "Rows each output took, by kind of output.", "output", NULL);
	FAM(out_failures, "ward_output_failures_total", METRICS_COUNTER,
	    "Rows or flushes each output failed to write.", "output", NULL);
	FAM(out_dropped, "ward_output_dropped_total", METRICS_COUNTER,
	    "Rows a network output could not deliver at once (receiver down or slow), dropped.",
	    "output", NULL);
	FAM(out_queued, "ward_output_queue_depth", METRICS_GAUGE,
	    "Rows a network output holds, waiting or in flight.", "output", NULL);
	FAM(out_delivered, "ward_output_delivered_total", METRICS_COUNTER,
	    "Rows a network output delivered (the receiver answered 2xx).", "output", NULL);
	FAM(out_errors, "ward_output_delivery_errors_total", METRICS_COUNTER,
	    "Delivery attempts of a network output that failed (no connection, a timeout, "
	    "a non-2xx answer), retried or not.",
	    "output", NULL);
	FAM(decisions, "ward_decisions_total", METRICS_COUNTER,
	    "Policy decisions the kernel counted (a rule matched, or a policy's default that "
	    "does not allow decided), by resource class and the level the class runs at.",
	    "class", "level", NULL);
	FAM(blocks, "ward_blocks_total", METRICS_COUNTER,
	    "Decisions that blocked (rules and defaults in enforce mode), by resource class.",
	    "class", NULL);
	FAM(would_block, "ward_would_block_total", METRICS_COUNTER,
	    "Decisions that would have blocked in enforce mode (audit mode: reported, "
	    "allowed), by resource class.",
	    "class", NULL);
	FAM(rb_fill, "ward_ringbuf_fill_ratio", METRICS_GAUGE,
	    "The fullest each ring buffer was seen since the last tick (0 to 1), each time the "
	    "session read it.",
	    "source", NULL);
	FAM(rb_size, "ward_ringbuf_size_bytes", METRICS_GAUGE, "The data size of each ring buffer.",
	    "source", NULL);
	FAM(lost, "ward_metrics_lost_total", METRICS_COUNTER,
	    "Metric updates lost to memory exhaustion (oom) or folded into a capped "
	    "family's " METRICS_OTHER " series (folded).",
	    "reason", NULL);
	if (!x->events || !x->alerts || !x->container_alerts || !x->kernel_drops || !x->malformed ||
	    !x->containers || !x->generation || !x->targets || !x->load_seconds || !x->level ||
	    !x->audit_only || !x->out_rows || !x->out_failures || !x->out_dropped || !x->lost ||
	    !x->out_queued || !x->out_delivered || !x->out_errors || !x->decisions || !x->blocks ||
	    !x->would_block || !x->rb_fill || !x->rb_size)
		return -ENOMEM;
	return 0;
}

int exporter_open(const char *listen, size_t container_cap, struct sinks *set,
		  struct exporter **ret)
{
	struct exporter *x = calloc(1, sizeof(*x));
	struct metrics_sink *ms = NULL;
	char host[HTTP_ADDR_MAX];
	uint16_t port;
	int err;

	if (!x)
		return -ENOMEM;
	err = http_parse_listen(listen, host, &port);
	if (err)
		goto out_free;
	err = -ENOMEM;
	x->m = metrics_new();
	if (!x->m || make_families(x, container_cap))
		goto out_free;
	err = metrics_update_process(x->m) ?: metrics_publish(x->m);
	if (err)
		goto out_free;
	err = http_server_open(host, port, &x->http);
	if (err)
		goto out_free;
	err = http_server_get(x->http, "/metrics", serve_page, x);
	if (err)
		goto out_free;
	err = http_server_start(x->http);
	if (err)
		goto out_free;
	ms = calloc(1, sizeof(*ms));
	if (!ms) {
		err = -ENOMEM;
		goto out_free;
	}
	ms->base.ops = &metrics_sink_ops;
	ms->base.name = ms->base.kind = "metrics";
	ms->x = x;
	err = sinks_add(set, &ms->base); /* closes ms on failure */
	if (err)
		goto out_free;
	*ret = x;
	return 0;
out_free:
	exporter_free(x);
	return err;
}

const char *exporter_address(const struct exporter *x)
{
	return http_server_address(x->http);
}

int exporter_publish(struct exporter *x, const struct sinks *set)
{
	int err = 0;

	struct metrics_family *fams[] = { x->out_rows,	 x->out_failures,  x->out_dropped,
					  x->out_queued, x->out_delivered, x->out_errors };

	/* the sum over the outputs of each kind; the delivery threads' fields
	 * only for the network outputs that have them */
	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++)
		metrics_reset(fams[f]);
	for (size_t i = 0; i < set->n && !err; i++) {
		const struct sink_stats *st = &set->v[i]->stats;
		const uint64_t *vals[] = { &st->rows,	&st->failures,	&st->dropped,
					   &st->queued, &st->delivered, &st->errors };
		const char *const kind[] = { set->v[i]->kind };

		for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]) && !err; f++)
			if (f < 3 || set->v[i]->delivery)
				err = metrics_add(fams[f], kind, (double)sink_stat(vals[f]));
	}
	if (!err)
		err = metrics_set(x->lost, (const char *const[]){ "oom" },
				  (double)metrics_lost(x->m))
			      ?: metrics_set(x->lost, (const char *const[]){ "folded" },
					     (double)metrics_folded(x->m));
	if (!err)
		err = metrics_update_process(x->m);
	return metrics_publish(x->m) ?: err;
}

struct exporter_seen {
	struct ward_counter_key k; /* pad zeroed */
	struct ward_counter_val last;
	uint64_t hash;
	uint64_t read; /* the last read that had it */
	const char *cls, *level;
};

static uint64_t seen_hash(const void *ctx, size_t i)
{
	return ((const struct exporter *)ctx)->seen[i].hash;
}

static bool seen_match(const void *ctx, size_t i, const void *key)
{
	return !memcmp(&((const struct exporter *)ctx)->seen[i].k, key,
		       sizeof(struct ward_counter_key));
}

/* What a counter grew by since it read last; all of it when it reads lower
 * (deleted and made again). */
static uint64_t grown(uint64_t now, uint64_t last)
{
	return now >= last ? now - last : now;
}

/* The entry of k, added (with its labels) when new; NULL on ENOMEM. */
static struct exporter_seen *seen_entry(struct exporter *x, const struct exporter_counters *r,
					const struct ward_counter_key *k, bool *ret_new)
{
	uint64_t h = hash_bytes(k, sizeof(*k));
	size_t i = hindex_find(&x->seen_idx, h, seen_match, x, k);
	struct exporter_seen *s;

	*ret_new = !i;
	if (i)
		return &x->seen[i - 1];
	if (x->n_seen == x->cap_seen) {
		size_t cap = x->cap_seen ? 2 * x->cap_seen : 64;

		s = realloc(x->seen, cap * sizeof(*s));
		if (!s)
			return NULL;
		x->seen = s;
		x->cap_seen = cap;
	}
	if (hindex_reserve(&x->seen_idx, x->n_seen, seen_hash, x))
		return NULL;
	s = &x->seen[x->n_seen];
	*s = (struct exporter_seen){ .k = *k, .hash = h };
	r->classify(r->ctx, k, &s->cls, &s->level);
	hindex_put(&x->seen_idx, h, x->n_seen++);
	return s;
}

int exporter_counter(struct exporter *x, const struct exporter_counters *r,
		     const struct ward_counter_key *k, const struct ward_counter_val *v)
{
	struct ward_counter_key key = *k;
	struct ward_counter_val d = { 0 };
	struct exporter_seen *s;
	bool is_new;

	key.pad = 0;
	s = seen_entry(x, r, &key, &is_new);
	if (!s)
		return -ENOMEM;
	if (!is_new)
		d = (struct ward_counter_val){ grown(v->matches, s->last.matches),
					       grown(v->blocks, s->last.blocks),
					       grown(v->would_block, s->last.would_block) };
	else if (x->reads || key.generation > r->adopted)
		d = *v;
	s->last = *v;
	s->read = x->reads;
	if (!d.matches && !d.blocks && !d.would_block && !is_new)
		return 0;
	return metrics_add(x->decisions, (const char *const[]){ s->cls, s->level },
			   (double)d.matches) ?:
	       metrics_add(x->blocks, (const char *const[]){ s->cls }, (double)d.blocks) ?:
	       metrics_add(x->would_block, (const char *const[]){ s->cls }, (double)d.would_block);
}

void exporter_counters_done(struct exporter *x, const struct exporter_counters *r)
{
	size_t n = 0;

	/* pruned: of an old generation, and not in this read */
	for (size_t i = 0; i < x->n_seen; i++)
		if (x->seen[i].k.generation >= r->keep_from || x->seen[i].read == x->reads)
			x->seen[n++] = x->seen[i];
	if (n != x->n_seen) {
		x->n_seen = n;
		hindex_rebuild(&x->seen_idx, n, seen_hash, x);
	}
	x->reads++;
}

void exporter_free(struct exporter *x)
{
	if (!x)
		return;
	free(x->seen);
	hindex_free(&x->seen_idx);
	http_server_free(x->http);
	metrics_free(x->m);
	free(x);
}
