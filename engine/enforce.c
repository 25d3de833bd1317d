// SPDX-License-Identifier: Apache-2.0
/*
 * Loader of lsm/enforce.bpf.c: variant choice from the probe verdict,
 * generations of inner maps switched through ward_active, pins under bpffs,
 * adoption of an earlier daemon's pins, per-cgroup attachments of the
 * cgroup sock_addr fallback.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "enforce.h"
#include "enforce.skel.h"

enum table {
	TBL_POLICIES,
	TBL_RULES,
	TBL_OBJECTS,
	TBL_CIDRS,
	TBL_CANDS,
	TBL_GLOBS,
	TBL_PORTSETS,
	TBL_CGROUPS,
	TBL__COUNT,
};

/* One generation's inner maps (fds owned, -1 when absent). */
struct gen {
	uint32_t generation, slot;
	int fd[TBL__COUNT];
};

#define CG_PROGS 7

struct cg_att {
	uint64_t cgid;
	struct bpf_link *links[CG_PROGS];
};

struct enforcer {
	struct enforce_bpf *skel;
	char pin_dir[PATH_MAX];
	enum ward_level level[WARD_RES_COUNT];
	char reason[WARD_RES_COUNT][PROBE_DETAIL_MAX];
	struct bpf_link **links;
	size_t n_links;
	struct bpf_program *cg_prog[CG_PROGS];
	bool use_cg;
	struct cg_att *att;
	size_t n_att;
	bool pruned; /* cgroup pins of an earlier daemon checked */
	uint32_t adopted;
	struct gen cur, prev;
	int outer_fd[TBL__COUNT];
};

const char *ward_level_name(unsigned int level)
{
	static const char *const names[] = {
		[WARD_LEVEL_NONE] = "none",
		[WARD_LEVEL_SIGKILL] = "sigkill",
		[WARD_LEVEL_CGROUP] = "cgroup",
		[WARD_LEVEL_LSM] = "lsm",
	};

	return level <= WARD_LEVEL_LSM ? names[level] : "unknown";
}

const char *ward_res_name(unsigned int res)
{
	static const char *const names[] = {
		[WARD_RES_EXEC] = "exec",
		[WARD_RES_FILE] = "file",
		[WARD_RES_NET] = "network",
		[WARD_RES_CAP] = "capabilities",
	};

	return res < WARD_RES_COUNT ? names[res] : "unknown";
}

void enforce_targets_free(struct enforce_target *t, size_t n)
{
	if (!t)
		return;
	for (size_t i = 0; i < n; i++)
		free(t[i].cgroup_dir);
	free(t);
}

static void gen_init(struct gen *g)
{
	g->generation = g->slot = 0;
	for (int i = 0; i < TBL__COUNT; i++)
		g->fd[i] = -1;
}

static void gen_close(struct gen *g)
{
	for (int i = 0; i < TBL__COUNT; i++)
		if (g->fd[i] >= 0)
			close(g->fd[i]);
	gen_init(g);
}

static int pin_path(const struct enforcer *e, char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", e->pin_dir, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* ---- open ----------------------------------------------------------------------------------- */

static void choose_levels(struct enforcer *e, const struct probe_verdict *v)
{
	bool lsm = v->enforcement[PROBE_RES_EXEC] == PROBE_LEVEL_LSM;

	for (int r = 0; r < WARD_RES_COUNT; r++) {
		e->level[r] = WARD_LEVEL_NONE;
		(void)snprintf(e->reason[r], sizeof(e->reason[r]), "%s", v->enforcement_reason[r]);
	}
	if (lsm) {
		for (int r = 0; r < WARD_RES_COUNT; r++)
			e->level[r] = WARD_LEVEL_LSM;
		return;
	}
	if (v->enforcement[PROBE_RES_EXEC] == PROBE_LEVEL_SIGKILL)
		e->level[WARD_RES_EXEC] = WARD_LEVEL_SIGKILL;
	if (v->enforcement[PROBE_RES_FILE] == PROBE_LEVEL_SIGKILL)
		e->level[WARD_RES_FILE] = WARD_LEVEL_SIGKILL;
	if (v->enforcement[PROBE_RES_NETWORK] == PROBE_LEVEL_CGROUP)
		e->level[WARD_RES_NET] = WARD_LEVEL_CGROUP;
	(void)snprintf(e->reason[WARD_RES_CAP], sizeof(e->reason[WARD_RES_CAP]), "%s",
		       probe_tracepoint_exists("tp/capability/cap_capable")
			       ? "no BPF-LSM: capabilities are refused only in the capable hook; "
				 "reported from the cap_capable tracepoint, not enforced"
			       : "no BPF-LSM: capabilities are decided only in the capable hook; "
				 "not enforced and not reported on this kernel");
}

static int set_pins(struct enforcer *e)
{
	struct bpf_map *maps[] = {
		e->skel->maps.ward_policies, e->skel->maps.ward_rules,
		e->skel->maps.ward_objects,  e->skel->maps.ward_cidrs,
		e->skel->maps.ward_cands,    e->skel->maps.ward_globs,
		e->skel->maps.ward_portsets, e->skel->maps.ward_cgroups,
		e->skel->maps.ward_active,   e->skel->maps.ward_levels,
		e->skel->maps.ward_counters, e->skel->maps.ward_alerts,
		e->skel->maps.ward_drops,
	};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		int err = pin_path(e, path, sizeof(path), bpf_map__name(maps[i]));

		if (!err)
			err = bpf_map__set_pin_path(maps[i], path);
		if (err)
			return err;
	}
	return 0;
}

/* Attach every loaded non-cgroup program and pin its link, replacing the pin
 * of an earlier daemon only once the new link is in place. */
static int attach_pin(struct enforcer *e, char *why, size_t why_size)
{
	struct bpf_program *p;
	size_t n = 0;

	bpf_object__for_each_program(p, e->skel->obj) n++;
	e->links = calloc(n, sizeof(*e->links));
	if (!e->links)
		return -ENOMEM;
	bpf_object__for_each_program(p, e->skel->obj)
	{
		enum bpf_prog_type type = bpf_program__type(p);
		char path[PATH_MAX], name[NAME_MAX];
		struct bpf_link *l;
		int err;

		if (!bpf_program__autoload(p) || type == BPF_PROG_TYPE_CGROUP_SOCK_ADDR ||
		    type == BPF_PROG_TYPE_CGROUP_SOCK)
			continue;
		l = bpf_program__attach(p);
		if (!l) {
			err = -errno;
			(void)snprintf(why, why_size, "attaching %s: %s", bpf_program__name(p),
				       strerror(-err));
			return err;
		}
		e->links[e->n_links++] = l;
		(void)snprintf(name, sizeof(name), "link_%s", bpf_program__name(p));
		err = pin_path(e, path, sizeof(path), name);
		if (!err && unlink(path) < 0 && errno != ENOENT)
			err = -errno;
		if (!err)
			err = bpf_link__pin(l, path);
		if (err) {
			(void)snprintf(why, why_size, "pinning %s: %s", path, strerror(-err));
			return err;
		}
	}
	return 0;
}

static int read_active(const struct enforcer *e, struct ward_active *ret)
{
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(e->skel->maps.ward_active), &zero, ret) == 0)
		return 0;
	if (errno != ENOENT)
		return -errno;
	*ret = (struct ward_active){ 0 };
	return 0;
}

/* The live generation an earlier daemon left: its inner maps by id. */
static int adopt(struct enforcer *e)
{
	struct ward_active a;
	int err = read_active(e, &a);

	if (err || !a.generation)
		return err;
	e->adopted = a.generation;
	e->cur.generation = a.generation;
	e->cur.slot = a.slot;
	for (int t = 0; t < TBL__COUNT; t++) {
		uint32_t id;

		if (bpf_map_lookup_elem(e->outer_fd[t], &a.slot, &id) < 0)
			return -errno;
		e->cur.fd[t] = bpf_map_get_fd_by_id(id);
		if (e->cur.fd[t] < 0)
			return -errno;
	}
	return 0;
}

struct enforcer *enforcer_open(const struct probe_verdict *v, const char *pin_dir, char *why,
			       size_t why_size)
{
	struct enforcer *e = calloc(1, sizeof(*e));
	struct bpf_program *p;
	bool lsm;
	int err;

	if (!e)
		return NULL;
	why[0] = '\0';
	gen_init(&e->cur);
	gen_init(&e->prev);
	(void)snprintf(e->pin_dir, sizeof(e->pin_dir), "%s", pin_dir);
	choose_levels(e, v);
	lsm = e->level[WARD_RES_EXEC] == WARD_LEVEL_LSM;
	e->use_cg = e->level[WARD_RES_NET] == WARD_LEVEL_CGROUP;

	e->skel = enforce_bpf__open();
	if (!e->skel) {
		err = -errno;
		(void)snprintf(why, why_size, "opening the enforcement object: %s", strerror(-err));
		goto out_free;
	}
	e->skel->rodata->tp_exec_kill = e->level[WARD_RES_EXEC] == WARD_LEVEL_SIGKILL;
	e->skel->rodata->tp_file_kill = e->level[WARD_RES_FILE] == WARD_LEVEL_SIGKILL;
	/* sockets: raw ones by the cgroup program, the others by the tracepoint,
	 * which kills as the exec one does (both from the probes' verdict) */
	e->skel->rodata->cg_sock_raw = e->use_cg;
	e->skel->rodata->tp_sock_kill = e->level[WARD_RES_EXEC] == WARD_LEVEL_SIGKILL;
	bpf_object__for_each_program(p, e->skel->obj)
	{
		enum bpf_prog_type type = bpf_program__type(p);
		bool on;

		if (type == BPF_PROG_TYPE_LSM)
			on = lsm;
		else if (type == BPF_PROG_TYPE_CGROUP_SOCK_ADDR ||
			 type == BPF_PROG_TYPE_CGROUP_SOCK)
			on = e->use_cg;
		else if (p == e->skel->progs.ward_tp_capable) /* a recent tracepoint */
			on = !lsm && probe_tracepoint_exists(bpf_program__section_name(p));
		else if (p == e->skel->progs.ward_sys_enter) /* syscall rules: any kernel */
			on = v->trackers[PROBE_TRACKER_SYSCALL].usable;
		else if (p == e->skel->progs.ward_tp_exit)
			/* tp_btf/sys_exit, as the files tracker */
			on = !lsm && v->trackers[PROBE_TRACKER_FILES].usable;
		else /* the exec tracepoint: audit (and SIGKILL) without BPF-LSM */
			on = !lsm && v->trackers[PROBE_TRACKER_PROCESS].usable;
		err = bpf_program__set_autoload(p, on);
		if (err)
			goto out_free;
	}
	e->cg_prog[0] = e->skel->progs.ward_cg_connect4;
	e->cg_prog[1] = e->skel->progs.ward_cg_connect6;
	e->cg_prog[2] = e->skel->progs.ward_cg_sendmsg4;
	e->cg_prog[3] = e->skel->progs.ward_cg_sendmsg6;
	e->cg_prog[4] = e->skel->progs.ward_cg_bind4;
	e->cg_prog[5] = e->skel->progs.ward_cg_bind6;
	e->cg_prog[6] = e->skel->progs.ward_cg_sock_create;

	if (mkdir(pin_dir, 0700) < 0 && errno != EEXIST) {
		err = -errno;
		(void)snprintf(why, why_size, "creating %s: %s (is bpffs mounted?)", pin_dir,
			       strerror(-err));
		goto out_free;
	}
	err = set_pins(e);
	if (!err)
		err = enforce_bpf__load(e->skel);
	if (err) {
		(void)snprintf(why, why_size,
			       "loading the enforcement programs: %s (maps pinned in %s by an "
			       "incompatible ward are reused only if identical: remove them "
			       "with rm -r %s)",
			       strerror(-err), pin_dir, pin_dir);
		goto out_free;
	}
	e->outer_fd[TBL_POLICIES] = bpf_map__fd(e->skel->maps.ward_policies);
	e->outer_fd[TBL_RULES] = bpf_map__fd(e->skel->maps.ward_rules);
	e->outer_fd[TBL_OBJECTS] = bpf_map__fd(e->skel->maps.ward_objects);
	e->outer_fd[TBL_CIDRS] = bpf_map__fd(e->skel->maps.ward_cidrs);
	e->outer_fd[TBL_CANDS] = bpf_map__fd(e->skel->maps.ward_cands);
	e->outer_fd[TBL_GLOBS] = bpf_map__fd(e->skel->maps.ward_globs);
	e->outer_fd[TBL_PORTSETS] = bpf_map__fd(e->skel->maps.ward_portsets);
	e->outer_fd[TBL_CGROUPS] = bpf_map__fd(e->skel->maps.ward_cgroups);
	err = adopt(e);
	if (err) {
		(void)snprintf(why, why_size, "adopting the generation pinned in %s: %s", pin_dir,
			       strerror(-err));
		goto out_free;
	}
	for (uint32_t r = 0; r < WARD_RES_COUNT; r++) {
		uint32_t lv = e->level[r];

		if (bpf_map_update_elem(bpf_map__fd(e->skel->maps.ward_levels), &r, &lv, 0) < 0) {
			err = -errno;
			goto out_free;
		}
	}
	err = attach_pin(e, why, why_size);
	if (err)
		goto out_free;
	return e;

out_free:
	if (!why[0])
		(void)snprintf(why, why_size, "%s", strerror(-err));
	enforcer_free(e);
	errno = -err;
	return NULL;
}

void enforcer_free(struct enforcer *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n_att; i++)
		for (int j = 0; j < CG_PROGS; j++)
			bpf_link__destroy(e->att[i].links[j]);
	free(e->att);
	for (size_t i = 0; i < e->n_links; i++)
		bpf_link__destroy(e->links[i]);
	free(e->links);
	gen_close(&e->cur);
	gen_close(&e->prev);
	enforce_bpf__destroy(e->skel);
	free(e);
}

int enforcer_unpin(struct enforcer *e)
{
	struct bpf_map *m;
	DIR *d;
	struct dirent *de;
	int err = 0;

	for (size_t i = 0; i < e->n_links; i++)
		(void)bpf_link__unpin(e->links[i]);
	for (size_t i = 0; i < e->n_att; i++)
		for (int j = 0; j < CG_PROGS; j++)
			if (e->att[i].links[j])
				(void)bpf_link__unpin(e->att[i].links[j]);
	bpf_object__for_each_map(m, e->skel->obj) if (bpf_map__is_pinned(m) &&
						      bpf_map__unpin(m, NULL) && !err) err = -errno;
	/* Links of cgroups this daemon never saw. */
	d = opendir(e->pin_dir);
	if (d) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				(void)unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	if (rmdir(e->pin_dir) < 0 && errno != ENOENT && !err)
		err = -errno;
	return err;
}

/* ---- generations ---------------------------------------------------------------------------- */

static int create_inner(struct gen *g, enum table t, enum bpf_map_type type, const char *name,
			uint32_t key_size, uint32_t value_size, size_t n, uint32_t flags)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = flags);

	g->fd[t] = bpf_map_create(type, name, key_size, value_size, n ? (uint32_t)n : 1, &opts);
	return g->fd[t] < 0 ? -errno : 0;
}

static int fill(int fd, const void *keys, size_t key_stride, const void *vals, size_t val_stride,
		size_t n, bool index_keys, uint32_t first_index)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t idx = first_index + (uint32_t)i;
		const void *k =
			index_keys ? (const void *)&idx : (const char *)keys + i * key_stride;

		if (bpf_map_update_elem(fd, k, (const char *)vals + i * val_stride, 0) < 0)
			return -errno;
	}
	return 0;
}

static int build_gen(struct gen *g, const struct ward_bundle *b, const struct enforce_target *t,
		     size_t n, bool audit_only)
{
	int err;

	err = create_inner(g, TBL_POLICIES, BPF_MAP_TYPE_ARRAY, "ward_g_pol", sizeof(uint32_t),
			   sizeof(struct ward_policy_kern), b->n_policies + 1, BPF_F_INNER_MAP);
	if (!err)
		err = create_inner(g, TBL_RULES, BPF_MAP_TYPE_ARRAY, "ward_g_rule",
				   sizeof(uint32_t), sizeof(struct ward_rule_kern), b->n_rules,
				   BPF_F_INNER_MAP);
	if (!err)
		err = create_inner(g, TBL_OBJECTS, BPF_MAP_TYPE_HASH, "ward_g_obj",
				   sizeof(struct ward_obj_key), sizeof(struct ward_obj_val),
				   b->n_objects, 0);
	if (!err)
		err = create_inner(g, TBL_CIDRS, BPF_MAP_TYPE_LPM_TRIE, "ward_g_cidr",
				   sizeof(struct ward_lpm_key), sizeof(struct ward_lpm_val),
				   b->n_cidrs, BPF_F_NO_PREALLOC);
	if (!err)
		err = create_inner(g, TBL_CANDS, BPF_MAP_TYPE_ARRAY, "ward_g_cand",
				   sizeof(uint32_t), sizeof(struct ward_cand), b->n_cands,
				   BPF_F_INNER_MAP);
	if (!err)
		err = create_inner(g, TBL_GLOBS, BPF_MAP_TYPE_ARRAY, "ward_g_glob",
				   sizeof(uint32_t), sizeof(struct ward_glob), b->n_globs,
				   BPF_F_INNER_MAP);
	if (!err)
		err = create_inner(g, TBL_PORTSETS, BPF_MAP_TYPE_ARRAY, "ward_g_port",
				   sizeof(uint32_t), sizeof(struct ward_portset), b->n_portsets,
				   BPF_F_INNER_MAP);
	if (!err)
		err = create_inner(g, TBL_CGROUPS, BPF_MAP_TYPE_HASH, "ward_g_cg", sizeof(uint64_t),
				   sizeof(struct ward_cgroup_policies), WARD_ENF_CGROUPS, 0);
	if (err)
		return err;
	/* audit_only: every policy and rule reports instead of blocking,
	 * whatever the bundle says (staging, and the embedded default pack). */
	for (size_t i = 0; i < b->n_policies && !err; i++) {
		struct ward_policy_kern k = b->policies[i].k;
		uint32_t id = (uint32_t)i + 1;

		if (audit_only)
			k.mode = WARD_MODE_AUDIT;
		if (bpf_map_update_elem(g->fd[TBL_POLICIES], &id, &k, 0) < 0)
			err = -errno;
	}
	for (size_t i = 0; i < b->n_rules && !err; i++) {
		struct ward_rule_kern k = b->rules[i].k;
		uint32_t idx = (uint32_t)i;

		if (audit_only)
			k.mode = WARD_MODE_AUDIT;
		if (bpf_map_update_elem(g->fd[TBL_RULES], &idx, &k, 0) < 0)
			err = -errno;
	}
	for (size_t i = 0; i < b->n_objects && !err; i++)
		if (bpf_map_update_elem(g->fd[TBL_OBJECTS], &b->objects[i].key, &b->objects[i].val,
					0) < 0)
			err = -errno;
	for (size_t i = 0; i < b->n_cidrs && !err; i++)
		if (bpf_map_update_elem(g->fd[TBL_CIDRS], &b->cidrs[i].key, &b->cidrs[i].val, 0) <
		    0)
			err = -errno;
	if (!err)
		err = fill(g->fd[TBL_CANDS], NULL, 0, b->cands, sizeof(*b->cands), b->n_cands, true,
			   0);
	if (!err)
		err = fill(g->fd[TBL_GLOBS], NULL, 0, b->globs, sizeof(*b->globs), b->n_globs, true,
			   0);
	if (!err)
		err = fill(g->fd[TBL_PORTSETS], NULL, 0, b->bitmaps, sizeof(*b->bitmaps),
			   b->n_portsets, true, 0);
	for (size_t i = 0; i < n && !err; i++)
		if (bpf_map_update_elem(g->fd[TBL_CGROUPS], &t[i].cgroup_id, &t[i].pols, 0) < 0)
			err = -errno;
	return err;
}

/* Counters of generations older than the previous one are dead weight. */
static void prune_counters(struct enforcer *e, uint32_t keep_from)
{
	int fd = bpf_map__fd(e->skel->maps.ward_counters);
	struct ward_counter_key k, next, *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (prev && prev->generation < keep_from)
			(void)bpf_map_delete_elem(fd, prev);
		k = next;
		prev = &k;
	}
	if (prev && prev->generation < keep_from)
		(void)bpf_map_delete_elem(fd, prev);
}

static int sync_cgroup_links(struct enforcer *e, const struct enforce_target *t, size_t n);

int enforcer_apply(struct enforcer *e, const struct ward_bundle *b, const struct enforce_target *t,
		   size_t n, bool audit_only, char *why, size_t why_size)
{
	struct ward_active live, next;
	struct gen g;
	uint32_t zero = 0;
	int err;

	gen_init(&g);
	err = read_active(e, &live);
	if (err) {
		(void)snprintf(why, why_size, "reading ward_active: %s", strerror(-err));
		return err;
	}
	next.slot = live.generation ? (live.slot + 1) % WARD_ENF_SLOTS : 0;
	next.generation = live.generation + 1;
	g.slot = next.slot;
	g.generation = next.generation;
	err = build_gen(&g, b, t, n, audit_only);
	if (err) {
		(void)snprintf(why, why_size, "building generation %u: %s", g.generation,
			       strerror(-err));
		goto out_close;
	}
	/* The inactive slot: no program reads it until ward_active says so. */
	for (int i = 0; i < TBL__COUNT; i++) {
		if (bpf_map_update_elem(e->outer_fd[i], &g.slot, &g.fd[i], 0) < 0) {
			err = -errno;
			(void)snprintf(why, why_size, "installing generation %u: %s", g.generation,
				       strerror(-err));
			goto out_close;
		}
	}
	if (bpf_map_update_elem(bpf_map__fd(e->skel->maps.ward_active), &zero, &next, 0) < 0) {
		err = -errno;
		(void)snprintf(why, why_size, "switching to generation %u: %s", g.generation,
			       strerror(-err));
		goto out_close;
	}
	/* Keep the previous generation's maps open: a sleepable program that
	 * read the old slot just before the switch may still be using them. */
	gen_close(&e->prev);
	e->prev = e->cur;
	e->cur = g;
	prune_counters(e, g.generation > 1 ? g.generation - 1 : 0);
	return sync_cgroup_links(e, t, n);

out_close:
	gen_close(&g);
	return err;
}

/* ---- targets -------------------------------------------------------------------------------- */

static const struct enforce_target *find_target(const struct enforce_target *t, size_t n,
						uint64_t cgid)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].cgroup_id == cgid)
			return &t[i];
	return NULL;
}

static void cg_detach(struct enforcer *e, struct cg_att *a)
{
	for (int j = 0; j < CG_PROGS; j++) {
		if (!a->links[j])
			continue;
		(void)bpf_link__unpin(a->links[j]);
		bpf_link__destroy(a->links[j]);
		a->links[j] = NULL;
	}
}

static int cg_attach(struct enforcer *e, const struct enforce_target *t)
{
	struct cg_att a = { .cgid = t->cgroup_id }, *grown;
	int fd, err = 0;

	fd = open(t->cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (int j = 0; j < CG_PROGS && !err; j++) {
		char path[PATH_MAX], name[NAME_MAX];

		a.links[j] = bpf_program__attach_cgroup(e->cg_prog[j], fd);
		if (!a.links[j]) {
			err = -errno;
			break;
		}
		(void)snprintf(name, sizeof(name), "cg_%" PRIu64 "_%s", t->cgroup_id,
			       bpf_program__name(e->cg_prog[j]));
		err = pin_path(e, path, sizeof(path), name);
		if (!err && unlink(path) < 0 && errno != ENOENT)
			err = -errno;
		if (!err)
			err = bpf_link__pin(a.links[j], path);
	}
	close(fd);
	if (err) {
		cg_detach(e, &a);
		return err;
	}
	grown = realloc(e->att, (e->n_att + 1) * sizeof(*e->att));
	if (!grown) {
		cg_detach(e, &a);
		return -ENOMEM;
	}
	e->att = grown;
	e->att[e->n_att++] = a;
	return 0;
}

/* Pins of cgroup links an earlier daemon left for cgroups no longer targeted. */
static void prune_cg_pins(struct enforcer *e)
{
	DIR *d = opendir(e->pin_dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		uint64_t cgid;
		bool ours = false;

		if (sscanf(de->d_name, "cg_%" SCNu64 "_", &cgid) != 1)
			continue;
		for (size_t i = 0; i < e->n_att && !ours; i++)
			ours = e->att[i].cgid == cgid;
		if (!ours)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

static int sync_cgroup_links(struct enforcer *e, const struct enforce_target *t, size_t n)
{
	int err = 0;

	if (!e->use_cg)
		return 0;
	for (size_t i = 0; i < e->n_att;) {
		if (find_target(t, n, e->att[i].cgid)) {
			i++;
			continue;
		}
		cg_detach(e, &e->att[i]);
		e->att[i] = e->att[--e->n_att];
	}
	for (size_t i = 0; i < n; i++) {
		bool have = false;
		int r;

		for (size_t j = 0; j < e->n_att && !have; j++)
			have = e->att[j].cgid == t[i].cgroup_id;
		if (have)
			continue;
		r = cg_attach(e, &t[i]);
		if (r && r != -ENOENT && !err) /* ENOENT: the container just ended */
			err = r;
	}
	if (!e->pruned) {
		prune_cg_pins(e);
		e->pruned = true;
	}
	return err;
}

int enforcer_set_targets(struct enforcer *e, const struct enforce_target *t, size_t n)
{
	int fd = e->cur.fd[TBL_CGROUPS], err = 0;
	uint64_t key, next, *prev = NULL;

	if (fd < 0)
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		struct ward_cgroup_policies old;

		if (bpf_map_lookup_elem(fd, &t[i].cgroup_id, &old) == 0 &&
		    !memcmp(&old, &t[i].pols, sizeof(old)))
			continue;
		if (bpf_map_update_elem(fd, &t[i].cgroup_id, &t[i].pols, 0) < 0 && !err)
			err = -errno;
	}
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (prev && !find_target(t, n, *prev))
			(void)bpf_map_delete_elem(fd, prev);
		key = next;
		prev = &key;
	}
	if (prev && !find_target(t, n, *prev))
		(void)bpf_map_delete_elem(fd, prev);
	{
		int r = sync_cgroup_links(e, t, n);

		if (r && !err)
			err = r;
	}
	return err;
}

uint32_t enforcer_generation(const struct enforcer *e)
{
	return e->cur.generation;
}

uint32_t enforcer_adopted(const struct enforcer *e)
{
	return e->adopted;
}

enum ward_level enforcer_level(const struct enforcer *e, enum ward_res res)
{
	return res < WARD_RES_COUNT ? e->level[res] : WARD_LEVEL_NONE;
}

const char *enforcer_level_reason(const struct enforcer *e, enum ward_res res)
{
	return res < WARD_RES_COUNT ? e->reason[res] : "";
}

int enforcer_alerts_fd(const struct enforcer *e)
{
	return bpf_map__fd(e->skel->maps.ward_alerts);
}

int enforcer_drops_fd(const struct enforcer *e)
{
	return bpf_map__fd(e->skel->maps.ward_drops);
}
