// SPDX-License-Identifier: Apache-2.0
/*
 * `ward status`: what the kernel enforces right now, read from the maps
 * pinned under ENFORCE_PIN_DIR (so it works while the daemon is down):
 * generation, enforcement level per resource, targeted containers and the
 * per-rule, per-container counters (matches, blocks, would-block).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "cli.h"
#include "core/cmd.h"
#include "attribution/container.h"
#include "enforce.h"
#include "rulesc.h"
#include "trace/tracker.h"

struct status_row {
	struct ward_counter_key k;
	struct ward_counter_val v;
};

static int pinned(const char *name)
{
	char path[PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/%s", ENFORCE_PIN_DIR, name);
	return bpf_obj_get(path);
}

static int read_counters(int fd, uint32_t gen, struct status_row **ret, size_t *ret_n)
{
	int ncpu = libbpf_num_possible_cpus();
	struct ward_counter_key k, next, *prev = NULL;
	struct ward_counter_val *vals;
	struct status_row *rows = NULL;
	size_t n = 0;

	if (ncpu < 0)
		return ncpu;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (k.generation != gen || bpf_map_lookup_elem(fd, &k, vals) < 0)
			continue;
		struct status_row *grown = realloc(rows, (n + 1) * sizeof(*rows));
		if (!grown) {
			free(rows);
			free(vals);
			return -ENOMEM;
		}
		rows = grown;
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

static const char *policy_name(const struct ward_bundle *b, uint32_t id, char *buf, size_t size)
{
	if (b && id && id <= b->n_policies)
		return ward_bundle_str(b, b->policies[id - 1].name_off);
	(void)snprintf(buf, size, "#%u", id);
	return buf;
}

static const char *rule_name(const struct ward_bundle *b, uint32_t rule, char *buf, size_t size)
{
	if (rule == WARD_NONE)
		return "default";
	if (b && rule < b->n_rules)
		return ward_bundle_str(b, b->rules[rule].name_off);
	(void)snprintf(buf, size, "#%u", rule);
	return buf;
}

static const char *ctr_name(struct container_cache *cc, uint64_t cgid)
{
	const struct container_info *ci;

	if (!cc || container_cache_lookup(cc, cgid, &ci) < 0)
		return "?";
	return container_display_name(ci);
}

void help_status(void)
{
	printf("Usage: ward status [-o text|json]\n\n"
	       "What the kernel enforces now, from the state pinned in " ENFORCE_PIN_DIR ":\n"
	       "the policy generation, the enforcement level per resource, the targeted\n"
	       "containers and, per rule and container, matches, blocks and would-block\n"
	       "(blocks in audit mode). Works while the daemon is down.\n\n"
	       "  -o, --format FORMAT  text (default) or json\n\n"
	       "Exit status: 0 success, 1 no enforcement state (or it cannot be read),\n"
	       "2 usage error.\n");
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

int cmd_status(int argc, char **argv)
{
	int fd_active = -1, fd_levels = -1, fd_cg = -1, fd_cnt = -1, fd_inner = -1, fd_drops = -1;
	uint64_t drops[WARD_DROP__MAX] = { 0 };
	bool json = false;
	struct container_cache *cc = NULL;
	struct ward_bundle *b = NULL;
	struct status_row *rows = NULL;
	struct ward_active a = { 0 };
	uint32_t levels[WARD_RES_COUNT] = { 0 }, zero = 0, inner_id;
	char reasons[WARD_RES_COUNT][ENFORCE_WHY_MAX];
	uint64_t *cgids = NULL, key, *prev = NULL;
	size_t n_rows = 0, n_cg = 0;
	json_t *root = NULL;
	char b1[32], b2[32];
	int rc = cli_text_json_opts("status", help_status, argc, argv, &json);

	if (rc >= 0)
		return rc;
	rc = CLI_FAILURE;
	if (optind < argc)
		return cli_usage("status", "unexpected argument '%s'", argv[optind]);
	fd_active = pinned("ward_active");
	if (fd_active < 0) {
		cli_error("no enforcement state in %s (%s): 'ward server --policy' has not run, or "
			  "exited with --unpin-on-exit",
			  ENFORCE_PIN_DIR, strerror(errno));
		return CLI_FAILURE;
	}
	fd_levels = pinned("ward_levels");
	fd_cg = pinned("ward_cgroups");
	fd_cnt = pinned("ward_counters");
	fd_drops = pinned("ward_drops");
	if (fd_levels < 0 || fd_cg < 0 || fd_cnt < 0 || fd_drops < 0) {
		cli_error("%s is incomplete: %s", ENFORCE_PIN_DIR, strerror(errno));
		goto out;
	}
	if (bpf_map_lookup_elem(fd_active, &zero, &a) < 0 && errno != ENOENT) {
		cli_error("reading ward_active: %s", strerror(errno));
		goto out;
	}
	for (uint32_t r = 0; r < WARD_RES_COUNT; r++)
		(void)bpf_map_lookup_elem(fd_levels, &r, &levels[r]);
	if (a.generation && bpf_map_lookup_elem(fd_cg, &a.slot, &inner_id) == 0)
		fd_inner = bpf_map_get_fd_by_id(inner_id);
	while (fd_inner >= 0 && bpf_map_get_next_key(fd_inner, prev, &key) == 0) {
		uint64_t *grown = realloc(cgids, (n_cg + 1) * sizeof(*cgids));

		if (!grown)
			goto out;
		cgids = grown;
		cgids[n_cg++] = key;
		prev = &cgids[n_cg - 1];
	}
	if (drops_read(fd_drops, drops) < 0) {
		cli_error("reading ward_drops: %s", strerror(errno));
		goto out;
	}
	if (read_counters(fd_cnt, a.generation, &rows, &n_rows) < 0) {
		cli_error("reading ward_counters: %s", strerror(errno));
		goto out;
	}
	b = state_bundle(a.generation);
	cc = container_cache_new(NULL);
	read_reasons(reasons);

	if (json) {
		json_t *lv = json_object(), *cs = json_array(), *cnt = json_array();

		root = json_pack("{s:i, s:I, s:o, s:o, s:o}", "schema", 1, "generation",
				 (json_int_t)a.generation, "enforcement", lv, "containers", cs,
				 "counters", cnt);
		if (!root)
			goto out;
		for (int r = 0; r < WARD_RES_COUNT; r++)
			json_object_set_new(lv, ward_res_name(r),
					    json_string(ward_level_name(levels[r])));
		json_object_set_new(root, "drops", json_object());
		for (unsigned int r = 0; r < WARD_DROP__MAX; r++)
			json_object_set_new(json_object_get(root, "drops"), drop_reason_name(r),
					    json_integer((json_int_t)drops[r]));
		json_object_set_new(root, "enforcement_reasons", json_object());
		for (int r = 0; r < WARD_RES_COUNT; r++)
			if (reasons[r][0])
				json_object_set_new(json_object_get(root, "enforcement_reasons"),
						    ward_res_name(r), json_string(reasons[r]));
		for (size_t i = 0; i < n_cg; i++)
			json_array_append_new(cs, json_pack("{s:I, s:s}", "cgroup_id",
							    (json_int_t)cgids[i], "name",
							    ctr_name(cc, cgids[i])));
		for (size_t i = 0; i < n_rows; i++) {
			const struct status_row *s = &rows[i];

			json_array_append_new(
				cnt, json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I}", "cgroup_id",
					       (json_int_t)s->k.cgroup_id, "container",
					       ctr_name(cc, s->k.cgroup_id), "policy",
					       policy_name(b, s->k.policy_id, b1, sizeof(b1)),
					       "rule", rule_name(b, s->k.rule, b2, sizeof(b2)),
					       "matches", (json_int_t)s->v.matches, "blocks",
					       (json_int_t)s->v.blocks, "would_block",
					       (json_int_t)s->v.would_block));
		}
		json_dumpf(root, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		printf("generation: %u%s\n", a.generation, a.generation ? "" : " (no policy)");
		printf("enforcement:");
		for (int r = 0; r < WARD_RES_COUNT; r++)
			printf(" %s=%s", ward_res_name(r), ward_level_name(levels[r]));
		printf("\n");
		for (int r = 0; r < WARD_RES_COUNT; r++)
			if (reasons[r][0])
				printf("  %s: %s\n", ward_res_name(r), reasons[r]);
		printf("kernel drops (since the maps were pinned):");
		for (unsigned int r = 0; r < WARD_DROP__MAX; r++)
			printf(" %s=%llu", drop_reason_name(r), (unsigned long long)drops[r]);
		printf("\n");
		printf("containers targeted: %zu\n", n_cg);
		for (size_t i = 0; i < n_cg; i++)
			printf("  %-20llu %s\n", (unsigned long long)cgids[i],
			       ctr_name(cc, cgids[i]));
		printf("\n%-24s %-16s %-20s %10s %10s %12s\n", "CONTAINER", "POLICY", "RULE",
		       "MATCHES", "BLOCKS", "WOULD_BLOCK");
		for (size_t i = 0; i < n_rows; i++) {
			const struct status_row *s = &rows[i];

			printf("%-24s %-16s %-20s %10llu %10llu %12llu\n",
			       ctr_name(cc, s->k.cgroup_id),
			       policy_name(b, s->k.policy_id, b1, sizeof(b1)),
			       rule_name(b, s->k.rule, b2, sizeof(b2)),
			       (unsigned long long)s->v.matches, (unsigned long long)s->v.blocks,
			       (unsigned long long)s->v.would_block);
		}
	}
	rc = fflush(stdout) == 0 ? CLI_OK : CLI_FAILURE;
out:
	json_decref(root);
	container_cache_free(cc);
	ward_bundle_free(b);
	free(rows);
	free(cgids);
	for (int *fd = (int[]){ fd_active, fd_levels, fd_cg, fd_cnt, fd_inner, fd_drops, -2 };
	     *fd != -2; fd++)
		if (*fd >= 0)
			close(*fd);
	return rc;
}
