// SPDX-License-Identifier: Apache-2.0
/*
 * What `ward status` (engine/cmd/status.c) shows: what the kernel enforces
 * right now, read from the maps pinned under ENFORCE_PIN_DIR (so it works
 * while the daemon is down): generation, enforcement level per resource,
 * targeted containers and the per-rule, per-container counters (matches,
 * blocks, would-block).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "rulesc.h"
#include "status.h"
#include "trace/lifecycle.h"

static int pinned(const char *name)
{
	char path[PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/%s", ENFORCE_PIN_DIR, name);
	return bpf_obj_get(path);
}

int status_counters(int fd, uint32_t gen, struct status_row **ret, size_t *ret_n)
{
	int ncpu = libbpf_num_possible_cpus();
	struct ward_counter_key k, next, *prev = NULL;
	struct ward_counter_val *vals;
	struct status_row *rows = NULL;
	size_t n = 0, cap = 0;

	if (ncpu < 0)
		return ncpu;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if ((gen && k.generation != gen) || bpf_map_lookup_elem(fd, &k, vals) < 0)
			continue;
		if (n == cap) {
			struct status_row *grown;

			cap = cap ? 2 * cap : 64;
			grown = realloc(rows, cap * sizeof(*rows));
			if (!grown) {
				free(rows);
				free(vals);
				return -ENOMEM;
			}
			rows = grown;
		}
		rows[n] = (struct status_row){ .k = k };
		for (int c = 0; c < ncpu; c++) {
			rows[n].v.matches += vals[c].matches;
			rows[n].v.blocks += vals[c].blocks;
			rows[n].v.would_block += vals[c].would_block;
		}
		n++;
	}
	free(vals);
	*ret = rows;
	*ret_n = n;
	return 0;
}

static struct ward_bundle *state_bundle(uint32_t gen)
{
	struct ward_bundle *b = NULL;
	const char *why;
	char path[PATH_MAX];
	uint8_t *buf;
	size_t len;

	(void)snprintf(path, sizeof(path), "%s/generation-%u.bundle", ENFORCE_STATE_DIR, gen);
	if (rc_read_file(path, WB_MAX_SIZE, &buf, &len) < 0)
		return NULL;
	(void)ward_bundle_open(buf, len, &b, &why);
	free(buf);
	return b;
}

const char *status_policy_name(const struct enforce_status *st, uint32_t id, char *buf, size_t size)
{
	const struct ward_bundle *b = st->bundle;

	if (b && id && id <= b->n_policies)
		return ward_bundle_str(b, b->policies[id - 1].name_off);
	(void)snprintf(buf, size, "#%u", id);
	return buf;
}

const char *status_rule_name(const struct enforce_status *st, uint32_t rule, char *buf, size_t size)
{
	const struct ward_bundle *b = st->bundle;

	if (rule == WARD_NONE)
		return "default";
	if (b && rule < b->n_rules)
		return ward_bundle_str(b, b->rules[rule].name_off);
	(void)snprintf(buf, size, "#%u", rule);
	return buf;
}

const char *status_container_name(const struct enforce_status *st, uint64_t cgid)
{
	const struct container_info *ci;
	struct container_cache *cc = st->cc;

	if (!cc || container_cache_lookup(cc, cgid, &ci) < 0)
		return "?";
	return container_display_name(ci);
}

/* Why each class runs at its level, as the daemon that set it wrote it
 * (ENFORCE_LEVELS_FILE); "" where unknown. */
static void read_reasons(char reasons[WARD_RES_COUNT][ENFORCE_WHY_MAX])
{
	char line[ENFORCE_WHY_MAX + 64];
	FILE *f = fopen(ENFORCE_LEVELS_FILE, "re");

	for (int r = 0; r < WARD_RES_COUNT; r++)
		reasons[r][0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t'), *why = tab ? strchr(tab + 1, '\t') : NULL;

		if (!why)
			continue;
		*tab = '\0';
		why[strcspn(why, "\n")] = '\0';
		for (int r = 0; r < WARD_RES_COUNT; r++)
			if (!strcmp(line, ward_res_name(r)))
				(void)snprintf(reasons[r], ENFORCE_WHY_MAX, "%s", why + 1);
	}
	(void)fclose(f);
}

int status_read(struct enforce_status *ret, struct rc_diags *d)
{
	int fd_active = -1, fd_levels = -1, fd_cg = -1, fd_cnt = -1, fd_drops = -1;
	struct ward_cg_key key, *prev = NULL, cur;
	struct enforce_status st = { 0 };
	struct ward_active active;
	uint32_t zero = 0;
	int err = -ENOMEM;

	fd_active = pinned("ward_active");
	if (fd_active < 0) {
		err = -errno;
		rc_diag(d, RC_ERROR, "no-state", NULL, NULL,
			"no enforcement state in %s (%s): 'ward server --policy' has not "
			"run, or exited with --unpin-on-exit",
			ENFORCE_PIN_DIR, strerror(errno));
		return err;
	}
	fd_levels = pinned("ward_levels");
	fd_cg = pinned("ward_cgroups");
	fd_cnt = pinned("ward_counters");
	fd_drops = pinned("ward_drops");
	if (fd_levels < 0 || fd_cg < 0 || fd_cnt < 0 || fd_drops < 0) {
		err = -errno;
		rc_diag(d, RC_ERROR, "state-incomplete", NULL, NULL, "%s is incomplete: %s",
			ENFORCE_PIN_DIR, strerror(errno));
		goto out;
	}
	if (bpf_map_lookup_elem(fd_active, &zero, &active) < 0) {
		err = -errno;
		rc_diag(d, RC_ERROR, "map-unreadable", NULL, NULL, "reading ward_active: %s",
			strerror(errno));
		goto out;
	}
	for (uint32_t r = 0; r < WARD_RES_COUNT; r++)
		(void)bpf_map_lookup_elem(fd_levels, &r, &st.levels[r]);
	st.generation = ward_active_gen(&active);
	while (st.generation && bpf_map_get_next_key(fd_cg, prev, &key) == 0) {
		uint64_t *grown;

		cur = key;
		prev = &cur;
		if (key.slot != (active.slot & (WARD_ENF_SLOTS - 1)))
			continue;
		grown = realloc(st.cgids, (st.n_cg + 1) * sizeof(*st.cgids));
		if (!grown) {
			err = -ENOMEM;
			goto out;
		}
		st.cgids = grown;
		st.cgids[st.n_cg++] = key.cgid;
	}
	if (drops_read(fd_drops, st.drops) < 0) {
		err = -errno;
		rc_diag(d, RC_ERROR, "map-unreadable", NULL, NULL, "reading ward_drops: %s",
			strerror(errno));
		goto out;
	}
	err = st.generation ? status_counters(fd_cnt, st.generation, &st.rows, &st.n_rows) : 0;
	if (err) {
		rc_diag(d, RC_ERROR, "map-unreadable", NULL, NULL, "reading ward_counters: %s",
			strerror(-err));
		goto out;
	}
	st.bundle = state_bundle(st.generation);
	st.cc = container_cache_new(NULL);
	read_reasons(st.reasons);
	*ret = st;
	st = (struct enforce_status){ 0 };
	err = 0;
out:
	status_free(&st);
	for (int *fd = (int[]){ fd_active, fd_levels, fd_cg, fd_cnt, fd_drops, -2 }; *fd != -2;
	     fd++)
		if (*fd >= 0)
			close(*fd);
	return err;
}

void status_free(struct enforce_status *s)
{
	if (!s)
		return;
	container_cache_free(s->cc);
	ward_bundle_free(s->bundle);
	free(s->rows);
	free(s->cgids);
}

json_t *status_json(const struct enforce_status *st)
{
	json_t *lv = json_object(), *cs = json_array(), *cnt = json_array(), *drops = json_object();
	json_t *reasons = json_object();
	char b1[32], b2[32];
	/* the order `ward status -o json` always printed */
	json_t *root = json_pack("{s:i, s:I, s:o, s:o, s:o, s:o, s:o}", "schema", 1, "generation",
				 (json_int_t)st->generation, "enforcement", lv, "containers", cs,
				 "counters", cnt, "drops", drops, "enforcement_reasons", reasons);

	if (!root)
		return NULL;
	for (int r = 0; r < WARD_RES_COUNT; r++) {
		json_object_set_new(lv, ward_res_name(r),
				    json_string(ward_level_name(st->levels[r])));
		if (st->reasons[r][0])
			json_object_set_new(reasons, ward_res_name(r), json_string(st->reasons[r]));
	}
	for (unsigned int r = 0; r < WARD_DROP__MAX; r++)
		json_object_set_new(drops, drop_reason_name(r),
				    json_integer((json_int_t)st->drops[r]));
	for (size_t i = 0; i < st->n_cg; i++)
		json_array_append_new(cs,
				      json_pack("{s:I, s:s}", "cgroup_id", (json_int_t)st->cgids[i],
						"name", status_container_name(st, st->cgids[i])));
	for (size_t i = 0; i < st->n_rows; i++) {
		const struct status_row *s = &st->rows[i];

		json_array_append_new(
			cnt,
			json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I}", "cgroup_id",
				  (json_int_t)s->k.cgroup_id, "container",
				  status_container_name(st, s->k.cgroup_id), "policy",
				  status_policy_name(st, s->k.policy_id, b1, sizeof(b1)), "rule",
				  status_rule_name(st, s->k.rule, b2, sizeof(b2)), "matches",
				  (json_int_t)s->v.matches, "blocks", (json_int_t)s->v.blocks,
				  "would_block", (json_int_t)s->v.would_block));
	}
	return root;
}
