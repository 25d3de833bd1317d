// SPDX-License-Identifier: Apache-2.0
/* The server's enforcement state: policy, generations, targets. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enforce_session.h"
#include "probe.h"
#include "rulesc.h"

struct enforce_session {
	struct es_opts o;
	struct container_cache *cc;
	struct enforcer *e;
	struct policy *cur, *prev;
	uint32_t cur_gen, prev_gen;
	uint64_t *cgids; /* the targeted cgroups of the last resolution, sorted */
	size_t n_cgids;
	size_t skipped;
	char cgroup2[PATH_MAX];
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Remember the targeted set; 1 when it differs from the last one. */
static int remember(struct enforce_session *es, const struct enforce_target *t, size_t n)
{
	uint64_t *ids = n ? calloc(n, sizeof(*ids)) : NULL;
	bool changed;

	if (n && !ids)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		ids[i] = t[i].cgroup_id;
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_u64);
	changed = n != es->n_cgids || (n && memcmp(ids, es->cgids, n * sizeof(*ids)));
	free(es->cgids);
	es->cgids = ids;
	es->n_cgids = n;
	return changed;
}

/* A copy of the live bundle for `ward status`; the one two generations back goes. */
static void save_state(struct enforce_session *es, const struct policy *p, uint32_t gen)
{
	char path[PATH_MAX];

	if (mkdir(es->o.state_dir, 0755) < 0 && errno != EEXIST)
		return;
	(void)snprintf(path, sizeof(path), "%s/generation-%u.bundle", es->o.state_dir, gen);
	(void)rc_write_file(path, p->buf, p->b->len);
	if (gen > 2) {
		(void)snprintf(path, sizeof(path), "%s/generation-%u.bundle", es->o.state_dir,
			       gen - 2);
		(void)unlink(path);
	}
}

static void fill_report(const struct enforce_session *es, struct es_report *rep)
{
	if (!rep)
		return;
	rep->generation = enforcer_generation(es->e);
	rep->adopted = enforcer_adopted(es->e);
	rep->targets = es->n_cgids;
	rep->skipped = es->skipped;
	rep->host_policies = es->cur ? policy_host_count(es->cur->b) : 0;
}

/* Resolve p's selectors and make it the live generation. */
static int make_live(struct enforce_session *es, struct policy *p, char *why, size_t why_size)
{
	struct enforce_target *t = NULL;
	size_t n = 0, skipped = 0;
	uint32_t before;
	int err;

	err = policy_targets(p->b, es->cc, es->cgroup2, &t, &n, &skipped);
	if (err) {
		(void)snprintf(why, why_size, "resolving selectors: %s", strerror(-err));
		return err;
	}
	before = enforcer_generation(es->e);
	err = enforcer_apply(es->e, p->b, t, n, es->o.audit_only, why, why_size);
	if (enforcer_generation(es->e) == before) /* not switched: the live one stays */
		goto out_free;
	es->skipped = skipped;
	(void)remember(es, t, n);
	policy_free(es->prev);
	es->prev = es->cur;
	es->prev_gen = es->cur_gen;
	es->cur = p;
	es->cur_gen = enforcer_generation(es->e);
	save_state(es, p, es->cur_gen);
	if (err) /* live, but a cgroup attachment failed: a warning in why */
		(void)snprintf(why, why_size,
			       "generation %u is in force, but attaching to a "
			       "container's cgroup failed: %s",
			       es->cur_gen, strerror(-err));
	err = 0;
out_free:
	enforce_targets_free(t, n);
	return err;
}

int es_start(const struct es_opts *o, struct container_cache *cc, struct enforce_session **ret,
	     struct es_report *rep, char *why, size_t why_size)
{
	struct enforce_session *es = calloc(1, sizeof(*es));
	struct probe_results *pr = calloc(1, sizeof(*pr));
	struct probe_verdict *v = calloc(1, sizeof(*v));
	struct policy *p = NULL;
	int err;

	why[0] = '\0';
	if (!es || !pr || !v) {
		err = -ENOMEM;
		goto out_free;
	}
	es->o = *o;
	if (!es->o.pin_dir)
		es->o.pin_dir = ENFORCE_PIN_DIR;
	if (!es->o.state_dir)
		es->o.state_dir = ENFORCE_STATE_DIR;
	es->cc = cc;
	err = probe_cgroup2_dir(es->cgroup2, sizeof(es->cgroup2));
	if (err) {
		(void)snprintf(why, why_size, "no cgroup2 mount: %s", strerror(-err));
		goto out_free;
	}
	/* A policy that does not load never touches the kernel. */
	err = policy_load(o->policy, o->trusted_key, &p, why, why_size);
	if (err)
		goto out_free;
	err = probe_mount_bpffs();
	if (err < 0) {
		(void)snprintf(why, why_size, "bpffs is not mounted and mounting it failed: %s",
			       strerror(-err));
		goto out_free;
	}
	err = probe_all(pr);
	if (err) {
		(void)snprintf(why, why_size, "probing the kernel: %s", strerror(-err));
		goto out_free;
	}
	probe_verdict(pr, v);
	es->e = enforcer_open(v, es->o.pin_dir, why, why_size);
	if (!es->e) {
		err = -errno;
		goto out_free;
	}
	err = make_live(es, p, why, why_size);
	if (err)
		goto out_free;
	p = NULL;
	fill_report(es, rep);
	free(pr);
	free(v);
	*ret = es;
	return err;

out_free:
	policy_free(p);
	free(pr);
	free(v);
	es_free(es, false);
	return err;
}

int es_tick(struct enforce_session *es, struct es_report *rep)
{
	struct enforce_target *t = NULL;
	size_t n = 0, skipped = 0;
	int err, changed;

	err = policy_targets(es->cur->b, es->cc, es->cgroup2, &t, &n, &skipped);
	if (err)
		return err;
	err = enforcer_set_targets(es->e, t, n);
	es->skipped = skipped;
	changed = remember(es, t, n);
	enforce_targets_free(t, n);
	fill_report(es, rep);
	return err ? err : changed;
}

int es_reload(struct enforce_session *es, struct es_report *rep, char *why, size_t why_size)
{
	struct policy *p = NULL;
	int err;

	err = policy_load(es->o.policy, es->o.trusted_key, &p, why, why_size);
	if (err)
		return err;
	err = make_live(es, p, why, why_size);
	if (err)
		policy_free(p);
	fill_report(es, rep);
	return err;
}

void es_free(struct enforce_session *es, bool unpin)
{
	if (!es)
		return;
	if (es->e && unpin)
		(void)enforcer_unpin(es->e);
	enforcer_free(es->e);
	policy_free(es->cur);
	policy_free(es->prev);
	free(es->cgids);
	free(es);
}

struct enforcer *es_enforcer(const struct enforce_session *es)
{
	return es->e;
}

const struct ward_bundle *es_bundle(const struct enforce_session *es, uint32_t generation)
{
	if (es->cur && generation == es->cur_gen)
		return es->cur->b;
	if (es->prev && generation == es->prev_gen)
		return es->prev->b;
	return NULL;
}
