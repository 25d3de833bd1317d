// SPDX-License-Identifier: Apache-2.0
/* The server's enforcement state: policy, generations, targets. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "enforce_session.h"
#include "core/clock.h"
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
	uint32_t host_mntns;   /* where runtimes run before they enter a container; 0: unknown */
	struct es_mode *modes; /* modes set at run time (es_set_mode()), by policy name */
	size_t n_modes;
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

/* Leave the new cgroups but held out of the n targets t (retarget()); the
 * targets that stay. */
static size_t leave_new_out(const struct enforce_session *es, struct enforce_target *t, size_t n,
			    uint64_t held)
{
	uint64_t now = clock_now_ns(CLOCK_MONOTONIC);
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		if (t[i].cgroup_id != held && enforcer_is_new(es->e, t[i].cgroup_id, now)) {
			free(t[i].cgroup_dir);
			continue;
		}
		t[kept++] = t[i];
	}
	return kept;
}

/* The mode set at run time for the policy named name, or -1. */
static int mode_of(const struct enforce_session *es, const char *name)
{
	for (size_t i = 0; i < es->n_modes; i++)
		if (!strcmp(es->modes[i].name, name))
			return es->modes[i].mode;
	return -1;
}

/* The modes set at run time into b (its own copy of the bundle's bytes):
 * the policy's and every one of its rules', as the kernel and es_hold() see
 * them. */
static void apply_modes(const struct enforce_session *es, struct ward_bundle *b)
{
	/* the view's tables point into b->buf, which b owns */
	struct wb_policy *pols =
		(struct wb_policy *)(void *)(b->buf + ((const uint8_t *)b->policies - b->buf));
	struct wb_rule *rules =
		(struct wb_rule *)(void *)(b->buf + ((const uint8_t *)b->rules - b->buf));

	for (size_t i = 0; i < b->n_policies && es->n_modes; i++) {
		int m = mode_of(es, ward_bundle_str(b, pols[i].name_off));

		if (m < 0)
			continue;
		pols[i].k.mode = (uint8_t)m;
		for (size_t r = 0; r < b->n_rules; r++)
			if (rules[r].k.policy_id == i + 1)
				rules[r].k.mode = (uint8_t)m;
	}
}

/* Resolve p's selectors and make it the live generation. */
static int make_live(struct enforce_session *es, struct policy *p, struct rc_diags *d)
{
	struct enforce_target *t = NULL;
	size_t n = 0, skipped = 0;
	uint32_t before;
	int err;

	apply_modes(es, p->b);
	err = policy_targets(p->b, es->cc, es->cgroup2, &t, &n, &skipped);
	if (!err && es->e)
		n = leave_new_out(es, t, n, 0);
	if (err) {
		rc_diag(d, RC_ERROR, "targets-failed", NULL, NULL, "resolving selectors: %s",
			strerror(-err));
		return err;
	}
	before = enforcer_generation(es->e);
	err = enforcer_apply(es->e, p->b, t, n, es->o.audit_only, d);
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
	if (err) /* live, but a cgroup attachment failed: a warning */
		rc_diag(d, RC_WARNING, "cgroup-attach-failed", NULL, NULL,
			"generation %u is in force, but attaching to a "
			"container's cgroup failed: %s",
			es->cur_gen, strerror(-err));
	err = 0;
out_free:
	enforce_targets_free(t, n);
	return err;
}

int es_start(const struct es_opts *o, struct policy *p, struct container_cache *cc,
	     struct enforce_session **ret, struct es_report *rep, struct rc_diags *d)
{
	struct enforce_session *es = calloc(1, sizeof(*es));
	struct probe_results *pr = calloc(1, sizeof(*pr));
	struct probe_verdict *v = calloc(1, sizeof(*v));
	int err;

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
		rc_diag(d, RC_ERROR, "no-cgroup2", NULL, NULL, "no cgroup2 mount: %s",
			strerror(-err));
		goto out_free;
	}
	err = probe_mount_bpffs();
	if (err < 0) {
		rc_diag(d, RC_ERROR, "no-bpffs", NULL, NULL,
			"bpffs is not mounted and mounting it failed: %s", strerror(-err));
		goto out_free;
	}
	(void)probe_host_mntns(&es->host_mntns); /* 0 when unknown: every hold is classified */
	err = probe_all(pr);
	if (err) {
		rc_diag(d, RC_ERROR, "probe-failed", NULL, NULL, "probing the kernel: %s",
			strerror(-err));
		goto out_free;
	}
	probe_verdict(pr, v);
	es->e = enforcer_open(v, es->o.pin_dir, d);
	if (!es->e) {
		err = -errno;
		goto out_free;
	}
	err = make_live(es, p, d);
	if (err)
		goto out_free;
	p = NULL;
	(void)enforcer_heartbeat(es->e,
				 clock_now_ns(CLOCK_MONOTONIC)); /* execs in new cgroups are held */
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

/* Re-resolve and apply the targets; with report, remember them (1: the set
 * changed since the last report). A held exec's classification does not
 * report: the next tick does, as for any container that started.
 *
 * A new cgroup (enforcer_is_new()) is left out until its first exec, held in
 * the kernel and classified with held set to its id: what its runtime does
 * before the entrypoint runs (runc's exec fifo, mounts) is not the
 * container's, as ward learn leaves it out of profiles too. */
static int retarget(struct enforce_session *es, bool report, uint64_t held)
{
	struct enforce_target *t = NULL;
	size_t n = 0, skipped = 0;
	int err, changed = 0;

	err = policy_targets(es->cur->b, es->cc, es->cgroup2, &t, &n, &skipped);
	if (err)
		return err;
	n = leave_new_out(es, t, n, held);
	err = enforcer_set_targets(es->e, t, n);
	es->skipped = skipped;
	if (report)
		changed = remember(es, t, n);
	enforce_targets_free(t, n);
	return err ? err : changed;
}

int es_tick(struct enforce_session *es, struct es_report *rep)
{
	int r;

	(void)enforcer_heartbeat(es->e,
				 clock_now_ns(CLOCK_MONOTONIC)); /* execs in new cgroups are held */
	r = retarget(es, true, 0);
	/* the cgroups no longer new are targeted now (or are not containers):
	 * their execs are no longer held */
	if (r >= 0)
		(void)enforcer_sweep_new(es->e, clock_now_ns(CLOCK_MONOTONIC));
	fill_report(es, rep);
	return r;
}

int es_apply(struct enforce_session *es, struct policy *p, struct es_report *rep,
	     struct rc_diags *d)
{
	int err = make_live(es, p, d);

	if (err)
		policy_free(p);
	fill_report(es, rep); /* a rejected policy too: the generation that stays */
	return err;
}

int es_reload(struct enforce_session *es, struct es_report *rep, struct rc_diags *d)
{
	struct policy *p = NULL;
	int err;

	err = policy_load(es->o.policy, es->o.trusted_key, &p, d);
	if (err) {
		fill_report(es, rep);
		return err;
	}
	return es_apply(es, p, rep, d);
}

int es_set_mode(struct enforce_session *es, const char *name, uint8_t mode, struct es_report *rep,
		struct rc_diags *d)
{
	const struct ward_bundle *b = es->cur->b;
	struct es_mode *grown, was = { 0 };
	struct policy *p = NULL;
	size_t i;
	int err;

	for (i = 0; i < b->n_policies; i++)
		if (!strcmp(ward_bundle_str(b, b->policies[i].name_off), name))
			break;
	if (i == b->n_policies) {
		rc_diag(d, RC_ERROR, "unknown-policy", NULL, NULL,
			"no policy named '%s' is in force", name);
		return -ENOENT;
	}
	if (es->o.audit_only && mode != WARD_MODE_AUDIT) {
		rc_diag(d, RC_ERROR, "audit-only", NULL, NULL,
			"the server runs audit-only (--audit, or the default pack): no policy "
			"may enforce");
		return -EPERM;
	}
	for (i = 0; i < es->n_modes && strcmp(es->modes[i].name, name); i++)
		;
	if (i == es->n_modes) {
		grown = realloc(es->modes, (es->n_modes + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		es->modes = grown;
		es->modes[i].name = strdup(name);
		if (!es->modes[i].name)
			return -ENOMEM;
		es->n_modes++;
	} else {
		was = es->modes[i];
	}
	es->modes[i].mode = mode;
	err = policy_copy(es->cur, &p);
	if (!err)
		err = es_apply(es, p, rep, d);
	if (err && was.name) {
		es->modes[i] = was; /* the live generation keeps the mode it had */
	} else if (err) {
		free(es->modes[i].name);
		es->n_modes--;
	}
	return err;
}

const struct es_mode *es_modes(const struct enforce_session *es, size_t *ret_n)
{
	*ret_n = es->n_modes;
	return es->modes;
}

uint32_t es_generation(const struct enforce_session *es)
{
	return es->cur_gen;
}

bool es_audit_only(const struct enforce_session *es)
{
	return es->o.audit_only;
}

const char *es_policy_path(const struct enforce_session *es)
{
	return es->o.policy;
}

/* Whether pid's cgroup (v2) is cgroup_path: the pid of a held exec is not
 * reused while it is stopped, but it may have been killed and reused since. */
static bool pid_in_cgroup(uint32_t pid, const char *cgroup_path)
{
	char path[64], line[PATH_MAX + 8];
	bool in = false;
	FILE *f;

	(void)snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "0::", 3)) {
			in = !strcmp(line + 3, cgroup_path);
			break;
		}
	}
	fclose(f);
	return in;
}

/* The decision of an exec whose binary could not be had, as ward_fail() in
 * the kernel: the policies governing exec refuse it, blocked when one
 * enforces. */
static void decide_unknown(const struct ward_bundle *b, const uint32_t *ids, size_t n,
			   struct ward_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->decider = WARD_NONE;
	for (size_t i = 0; i < n; i++) {
		const struct wb_policy *p = &b->policies[ids[i] - 1];
		struct ward_match *m = &d->m[d->n++];

		m->policy_id = ids[i];
		m->rule = WARD_NONE;
		m->action = p->k.defaults[WARD_CLS_EXEC] == WARD_ACT_NONE ? WARD_ACT_NONE
									  : WARD_ACT_BLOCK;
		m->mode = p->k.mode;
		if (m->action == WARD_ACT_NONE)
			continue;
		if (d->decider == WARD_NONE || ward_effective(m->action, m->mode) > d->effective) {
			d->decider = (uint32_t)i;
			d->effective = ward_effective(m->action, m->mode);
		}
	}
}

static void copy_str(char *dst, size_t size, const char *src, uint8_t *flags, uint8_t trunc_flag)
{
	size_t len = strlen(src);

	if (len >= size) {
		len = size - 1;
		*flags |= trunc_flag;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

int es_hold(struct enforce_session *es, const struct ward_hold *h, struct ward_alert *ret_alert)
{
	struct rc_event ev = { .op = RC_EV_EXEC,
			       .stdio_socket = h->stdio_socket,
			       .terminal = h->terminal };
	const struct container_info *ci = NULL;
	uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP];
	const struct ward_bundle *b = es->cur->b;
	struct ward_decision d, dn;
	const struct ward_match *m;
	const char *object;
	char name[WARD_ALERT_PATH];
	int n, err = 0, ret = 0;
	bool killed = false;

	/* The runtime executing itself (runc's copy of its binary, from a memfd)
	 * in the host's mount namespace: not the container's entrypoint. The
	 * cgroup stays new and its next exec is held. */
	if (es->host_mntns && h->mntns == es->host_mntns)
		goto out_resume;
	err = retarget(es, false, h->cgroup_id); /* classify the new cgroup now */
	if (err >= 0)
		err = container_cache_lookup_at(es->cc, h->cgroup_id, h->ts_ns, &ci);
	if (err < 0 || !ci || ci->host) /* not (yet) a container: it stays new */
		goto out_resume;
	(void)enforcer_forget_new(es->e, h->cgroup_id);
	n = policy_select(b, ci, ids);
	if (n <= 0)
		goto out_resume;
	/* as ward_bprm_check()/ward_tp_exec(): the resolved binary, then the
	 * invoked name when absolute and stricter */
	/* a pseudo file's name (memfd:...) has no '/': no key, as unknown */
	ev.parent = h->have_exe && h->exe[0] == '/' ? h->exe : NULL;
	if (memchr(h->src_applet, '\0', sizeof(h->src_applet)) && h->src_applet[0])
		ev.parent_applet = h->src_applet;
	object = h->object;
	if (h->object[0]) {
		ev.path = h->object;
		err = ward_eval(b, ids, (size_t)n, &ev, &d);
		if (err < 0)
			goto out_resume;
	} else {
		decide_unknown(b, ids, (size_t)n, &d);
	}
	(void)snprintf(name, sizeof(name), "%.*s", (int)sizeof(h->name) - 1, h->name);
	if (name[0] == '/') {
		ev.path = name;
		if (ward_eval(b, ids, (size_t)n, &ev, &dn) == 0 && dn.effective > d.effective) {
			d = dn;
			object = name;
		}
	}
	if (d.decider == WARD_NONE || d.effective == WARD_ACT_ALLOW)
		goto out_resume;
	m = &d.m[d.decider];
	memset(ret_alert, 0, sizeof(*ret_alert));
	ret_alert->ts_ns = h->ts_ns;
	ret_alert->cgroup_id = h->cgroup_id;
	ret_alert->generation = es->cur_gen;
	ret_alert->policy_id = m->policy_id;
	ret_alert->rule = m->rule;
	ret_alert->pid = h->pid;
	ret_alert->uid = h->uid;
	ret_alert->access = 1;
	ret_alert->op = WARD_OP_EXEC;
	ret_alert->action = m->action;
	ret_alert->mode = es->o.audit_only ? WARD_MODE_AUDIT : m->mode;
	ret_alert->undecided = h->object[0] ? WARD_UNDEC_NONE : WARD_UNDEC_PATH;
	memcpy(ret_alert->comm, h->comm, sizeof(ret_alert->comm));
	ret_alert->comm[sizeof(ret_alert->comm) - 1] = '\0';
	if (h->have_exe)
		copy_str(ret_alert->exe, sizeof(ret_alert->exe), h->exe, &ret_alert->flags,
			 WARD_ALERT_EXE_TRUNC);
	else
		ret_alert->flags |= WARD_ALERT_EXE_UNKNOWN;
	copy_str(ret_alert->object, sizeof(ret_alert->object), object, &ret_alert->flags,
		 WARD_ALERT_OBJ_TRUNC);
	ret = 1;
	if (ward_effective(ret_alert->action, ret_alert->mode) == WARD_ACT_BLOCK &&
	    pid_in_cgroup(h->pid, ci->cgroup_path ? ci->cgroup_path : "") &&
	    kill((pid_t)h->pid, SIGKILL) == 0) {
		ret_alert->level = WARD_LEVEL_SIGKILL;
		killed = true;
	}
out_resume:
	if (!killed)
		(void)kill((pid_t)h->pid, SIGCONT);
	return err < 0 ? err : ret;
}

void es_free(struct enforce_session *es, bool unpin)
{
	if (!es)
		return;
	if (es->e)
		(void)enforcer_heartbeat(es->e, 0); /* gone: no exec is held any more */
	if (es->e && unpin)
		(void)enforcer_unpin(es->e);
	enforcer_free(es->e);
	policy_free(es->cur);
	policy_free(es->prev);
	for (size_t i = 0; i < es->n_modes; i++)
		free(es->modes[i].name);
	free(es->modes);
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

int es_counter_class(const struct enforce_session *es, const struct ward_counter_key *k)
{
	const struct ward_bundle *b = es_bundle(es, k->generation);
	const struct ward_policy_kern *p;
	int cls = -ENOENT;

	if (!b)
		return -ENOENT;
	if (k->rule != WARD_NONE)
		return k->rule < b->n_rules ? b->rules[k->rule].k.cls : -ENOENT;
	if (!k->policy_id || k->policy_id > b->n_policies)
		return -ENOENT;
	p = &b->policies[k->policy_id - 1].k;
	for (int c = 0; c < WARD_CLS_MAX; c++) {
		if (p->defaults[c] <= WARD_ACT_ALLOW)
			continue;
		if (cls >= 0)
			return -E2BIG;
		cls = c;
	}
	return cls;
}
