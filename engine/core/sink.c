// SPDX-License-Identifier: Apache-2.0
/* Channels and the fan-out of their rows to a session's sinks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rulesc.h"
#include "sink.h"

int sinks_add(struct sinks *set, struct sink *s)
{
	if (set->n >= SINKS_MAX) {
		(void)s->ops->close(s);
		return -ENOSPC;
	}
	set->v[set->n++] = s;
	return 0;
}

int sinks_reopen(struct sinks *set, const char **ret_failed)
{
	int err = 0;

	for (size_t i = 0; i < set->n; i++) {
		int r = set->v[i]->ops->reopen ? set->v[i]->ops->reopen(set->v[i]) : 0;

		if (r < 0 && !err) {
			err = r;
			*ret_failed = set->v[i]->name;
		}
	}
	return err;
}

int sinks_flush(struct sinks *set)
{
	int err = 0;

	for (size_t i = 0; i < set->n; i++) {
		int r = set->v[i]->ops->flush(set->v[i]);

		if (r < 0) {
			set->v[i]->stats.failures++;
			if (!err)
				err = r;
		}
	}
	return err;
}

int sinks_close(struct sinks *set, const char **ret_failed)
{
	int err = 0;

	for (size_t i = 0; i < set->n; i++) {
		const char *name = set->v[i]->name;
		int r = set->v[i]->ops->close(set->v[i]);

		if (r < 0 && !err) {
			err = r;
			if (ret_failed)
				*ret_failed = name;
		}
	}
	set->n = 0;
	return err;
}

struct out *out_new(struct sinks *set, const char *tracker, enum out_kind kind,
		    const struct out_col *cols, size_t n_cols)
{
	static uint64_t next_id;
	struct out *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->tracker = tracker;
	o->kind = kind;
	o->cols = cols;
	o->n_cols = n_cols;
	o->id = ++next_id;
	o->sinks = set;
	return o;
}

void out_free(struct out *o)
{
	free(o);
}

int out_row(struct out *o, const union out_val *vals, uint64_t present)
{
	int err = 0;

	for (size_t i = 0; i < o->sinks->n; i++) {
		struct sink *s = o->sinks->v[i];
		int r;

		if (!sink_filter_pass(&s->filter, o, vals, present))
			continue;
		r = s->ops->row(s, o, vals, present);
		s->stats.rows++;
		if (r < 0) {
			s->stats.failures++;
			if (!err)
				err = r;
		}
	}
	return err;
}

void out_interval(struct out *o)
{
	for (size_t i = 0; i < o->sinks->n; i++)
		if (o->sinks->v[i]->ops->interval)
			o->sinks->v[i]->ops->interval(o->sinks->v[i], o);
}

int out_col_find(const struct out *ch, const char *name)
{
	for (size_t i = 0; i < ch->n_cols; i++)
		if (!strcmp(ch->cols[i].name, name))
			return (int)i;
	return -1;
}

const char *out_row_str(const struct out *ch, const union out_val *vals, uint64_t present,
			const char *name)
{
	int i = out_col_find(ch, name);

	if (i < 0 || !(present & (1ULL << i)))
		return NULL;
	if (ch->cols[i].type == OUT_CONTAINER)
		return vals[i].c ? container_display_name(vals[i].c) : NULL;
	return ch->cols[i].type == OUT_STR ? vals[i].s : NULL;
}

bool sink_filter_pass(const struct sink_filter *f, const struct out *ch, const union out_val *vals,
		      uint64_t present)
{
	const char *sev;
	int rank;

	if (ch->kind == OUT_ALERT) {
		if (!f->min_severity)
			return true;
		sev = out_row_str(ch, vals, present, "severity");
		rank = sev ? rc_vocab_find(rc_severity_names, WARD_SEV_MAX, sev) : -1;
		return rank >= (int)f->min_severity;
	}
	if (f->alerts_only)
		return false;
	for (size_t i = 0; i < f->n_trackers; i++)
		if (!strcmp(f->trackers[i], ch->tracker))
			return true;
	return !f->n_trackers;
}
