// SPDX-License-Identifier: Apache-2.0
/* `ward status`: the enforcement state pinned in the kernel (enforce/status.h), as text or JSON. */
#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "cli.h"
#include "cmd/cmd.h"
#include "enforce/status.h"
#include "trace/lifecycle.h"

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

int cmd_status(int argc, char **argv)
{
	char why[ENFORCE_WHY_MAX + 256];
	struct enforce_status st;
	struct rc_diags d;
	bool json = false;
	json_t *root = NULL;
	char b1[32], b2[32];
	int err, rc = cli_text_json_opts("status", help_status, argc, argv, &json);

	if (rc >= 0)
		return rc;
	rc = CLI_FAILURE;
	if (optind < argc)
		return cli_usage("status", "unexpected argument '%s'", argv[optind]);
	rc_diags_init(&d);
	err = status_read(&st, &d);
	if (err) {
		if (d.n)
			cli_error("%s", cli_diags_line(&d, why, sizeof(why)));
		rc_diags_free(&d);
		return CLI_FAILURE;
	}
	rc_diags_free(&d);

	if (json) {
		root = status_json(&st);
		if (!root)
			goto out_free;
		json_dumpf(root, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		printf("generation: %u%s\n", st.generation, st.generation ? "" : " (no policy)");
		printf("enforcement:");
		for (int r = 0; r < WARD_RES_COUNT; r++)
			printf(" %s=%s", ward_res_name(r), ward_level_name(st.levels[r]));
		printf("\n");
		for (int r = 0; r < WARD_RES_COUNT; r++)
			if (st.reasons[r][0])
				printf("  %s: %s\n", ward_res_name(r), st.reasons[r]);
		printf("kernel drops (since the maps were pinned):");
		for (unsigned int r = 0; r < WARD_DROP__MAX; r++)
			printf(" %s=%llu", drop_reason_name(r), (unsigned long long)st.drops[r]);
		printf("\n");
		printf("containers targeted: %zu\n", st.n_cg);
		for (size_t i = 0; i < st.n_cg; i++)
			printf("  %-20llu %s\n", (unsigned long long)st.cgids[i],
			       status_container_name(&st, st.cgids[i]));
		printf("\n%-24s %-16s %-20s %10s %10s %12s\n", "CONTAINER", "POLICY", "RULE",
		       "MATCHES", "BLOCKS", "WOULD_BLOCK");
		for (size_t i = 0; i < st.n_rows; i++) {
			const struct status_row *s = &st.rows[i];

			printf("%-24s %-16s %-20s %10llu %10llu %12llu\n",
			       status_container_name(&st, s->k.cgroup_id),
			       status_policy_name(&st, s->k.policy_id, b1, sizeof(b1)),
			       status_rule_name(&st, s->k.rule, b2, sizeof(b2)),
			       (unsigned long long)s->v.matches, (unsigned long long)s->v.blocks,
			       (unsigned long long)s->v.would_block);
		}
	}
	rc = fflush(stdout) == 0 ? CLI_OK : CLI_FAILURE;
out_free:
	json_decref(root);
	status_free(&st);
	return rc;
}
