// SPDX-License-Identifier: Apache-2.0
/*
 * ward doctor: try every kernel feature ward uses (probe.c), then say what
 * that means: which trackers work and how strongly each resource can be
 * enforced. Text for people, -o json for tools.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd/cmd.h"
#include "enforce/probe.h"
#include "enforce/progcheck.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Wide enough for every status, "yes"/"no", level and column header. */
#define STATUS_WIDTH 7

/* What --fix may mount: the file systems ward needs that a plain mount fixes. */
static const struct fix {
	const char *fs;
	const char *dir;
	int (*mount)(void);
} fixes[] = {
	{ "tracefs", PROBE_TRACEFS_DIR, probe_mount_tracefs },
	{ "bpffs", PROBE_BPFFS_DIR, probe_mount_bpffs },
};

void help_doctor(void)
{
	printf("Usage: ward doctor [-o text|json] [--fix]\n"
	       "\n"
	       "Try each kernel feature ward uses by loading, attaching and detaching a tiny BPF\n"
	       "program (never by reading version numbers), then report which trackers work and\n"
	       "which enforcement level each resource gets. Then load each of ward's own BPF\n"
	       "programs alone and report what the verifier said and the instructions it\n"
	       "processed (budget: 200000, 20%% of the kernel's limit).\n"
	       "\n"
	       "  -o, --format FORMAT  text (default) or json\n"
	       "      --fix            mount tracefs on %s and bpffs on %s\n"
	       "                       when they are missing, before probing\n"
	       "  -h, --help           show this help\n"
	       "\n"
	       "Exit status: %d when at least one tracker can run, %d when ward cannot run at "
	       "all,\n"
	       "%d on a usage error.\n",
	       PROBE_TRACEFS_DIR, PROBE_BPFFS_DIR, CLI_OK, CLI_FAILURE, CLI_USAGE);
}

static const char *fix_result(int ret)
{
	return ret > 0 ? "mounted" : ret == 0 ? "already mounted" : "failed";
}

static void print_row(int width, const char *name, const char *status, const char *detail)
{
	printf("%-*s  %-*s  %s\n", width, name, STATUS_WIDTH, status, detail);
}

/* Every program ward ships, as this kernel's verifier saw it. */
static void print_programs(const struct progcheck *pc, size_t n)
{
	int width = (int)strlen("PROGRAM");

	for (size_t i = 0; i < n; i++)
		width = width > (int)strlen(pc[i].program) ? width : (int)strlen(pc[i].program);
	printf("\n%-*s  %-7s  %-11s  %9s  %s\n", width, "PROGRAM", "OBJECT", "STATUS", "INSNS",
	       "DETAIL");
	for (size_t i = 0; i < n; i++) {
		char insns[16] = "-";

		if (pc[i].status == PROGCHECK_OK)
			(void)snprintf(insns, sizeof(insns), "%u", pc[i].verified_insns);
		printf("%-*s  %-7s  %-11s  %9s  %s\n", width, pc[i].program, pc[i].object,
		       progcheck_status_name(pc[i].status), insns,
		       pc[i].status == PROGCHECK_OK && pc[i].verified_insns > PROGCHECK_BUDGET
			       ? "over the budget of 200000 verified instructions"
			       : pc[i].detail);
	}
}

static void print_text(const struct probe_results *r, const struct probe_verdict *v,
		       const int *fixed, bool fix)
{
	static const char *const headers[] = { "CHECK", "TRACKER", "ENFORCEMENT" };
	bool missing_mount = false;
	int width = 0;

	for (size_t i = 0; i < ARRAY_SIZE(headers); i++)
		width = width > (int)strlen(headers[i]) ? width : (int)strlen(headers[i]);
	for (size_t i = 0; i < PROBE_COUNT; i++)
		width = width > (int)strlen(probe_name(i)) ? width : (int)strlen(probe_name(i));

	for (size_t i = 0; fix && i < ARRAY_SIZE(fixes); i++) {
		if (fixed[i] < 0)
			printf("fix: mount %s on %s failed: %s\n", fixes[i].fs, fixes[i].dir,
			       strerror(-fixed[i]));
		else
			printf("fix: %s on %s: %s\n", fixes[i].fs, fixes[i].dir,
			       fix_result(fixed[i]));
	}
	printf("kernel %s\n\n", r->kernel);

	print_row(width, headers[0], "STATUS", "DETAIL");
	for (size_t i = 0; i < PROBE_COUNT; i++)
		print_row(width, probe_name(i), probe_status_name(r->checks[i].status),
			  r->checks[i].detail);

	printf("\n");
	print_row(width, headers[1], "USABLE", "REASON");
	for (size_t t = 0; t < PROBE_TRACKER_COUNT; t++)
		print_row(width, probe_tracker_name(t), v->trackers[t].usable ? "yes" : "no",
			  v->trackers[t].reason);

	printf("\n");
	print_row(width, headers[2], "LEVEL", "REASON");
	for (size_t res = 0; res < PROBE_RES_COUNT; res++)
		print_row(width, probe_resource_name(res), probe_level_name(v->enforcement[res]),
			  v->enforcement_reason[res]);

	printf("\nseccomp profiles: %s (%s)\n", v->seccomp_profiles.usable ? "yes" : "no",
	       v->seccomp_profiles.reason);
	printf("ward can run: %s\n",
	       v->can_run ? "yes" : "no, no tracker is usable on this kernel");

	missing_mount = r->checks[PROBE_TRACEFS].status == PROBE_WARN ||
			r->checks[PROBE_BPFFS].status == PROBE_WARN;
	if (missing_mount && !fix)
		printf("hint: `ward doctor --fix` mounts tracefs and bpffs where they are "
		       "missing\n");
}

static int print_json(const struct probe_results *r, const struct probe_verdict *v,
		      const int *fixed, bool fix, const struct progcheck *pc, size_t n_pc)
{
	json_t *root, *list;
	int ret = -ENOMEM;

	root = probe_to_json(r, v);
	if (!root)
		return -errno;
	list = json_array();
	if (json_object_set_new(root, "programs", list) < 0 ||
	    json_object_set_new(root, "verifier_budget", json_integer(PROGCHECK_BUDGET)) < 0)
		goto out_free_root;
	for (size_t i = 0; i < n_pc; i++) {
		const struct progcheck *c = &pc[i];

		if (json_array_append_new(
			    list, json_pack("{s:s, s:s, s:s, s:s, s:I, s:s?, s:s}", "object",
					    c->object, "program", c->program, "section", c->section,
					    "status", progcheck_status_name(c->status),
					    "verified_insns", (json_int_t)c->verified_insns,
					    "errno", c->err ? strerrorname_np(-c->err) : NULL,
					    "detail", c->detail)) < 0)
			goto out_free_root;
	}
	if (fix) {
		list = json_array();
		if (json_object_set_new(root, "fixes", list) < 0)
			goto out_free_root;
		for (size_t i = 0; i < ARRAY_SIZE(fixes); i++) {
			const char *err = fixed[i] < 0 ? strerrorname_np(-fixed[i]) : NULL;

			if (json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s?}", "fs",
								  fixes[i].fs, "dir", fixes[i].dir,
								  "result", fix_result(fixed[i]),
								  "errno", err)) < 0)
				goto out_free_root;
		}
	}
	ret = json_dumpf(root, stdout, JSON_INDENT(2)) < 0 || fputc('\n', stdout) == EOF ? -EIO : 0;
out_free_root:
	json_decref(root);
	return ret;
}

const struct cli_opts doctor_options = {
	":o:h",
	(const struct option[]){
		{ "format", required_argument, NULL, 'o' },
		{ "fix", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{},
	},
	(const struct cli_arg[]){ { "format", &cli_text_json_values }, {} },
	NULL,
};

int cmd_doctor(int argc, char **argv)
{
	bool json = false;
	int fixed[ARRAY_SIZE(fixes)] = { 0 };
	struct probe_results results;
	struct probe_verdict verdict;
	struct progcheck *pc = NULL;
	size_t n_pc = 0;
	bool fix = false;
	int opt, err;

	optind = 0;
	while ((opt = cli_getopts("doctor", argc, argv, &doctor_options)) != -1) {
		switch (opt) {
		case 'o':
			if (cli_parse_text_json("doctor", optarg, &json) < 0)
				return CLI_USAGE;
			break;
		case 'f':
			fix = true;
			break;
		default:
			return cli_help_or_usage(opt, help_doctor);
		}
	}
	if (optind < argc)
		return cli_usage("doctor", "unexpected argument '%s'", argv[optind]);

	for (size_t i = 0; fix && i < ARRAY_SIZE(fixes); i++)
		fixed[i] = fixes[i].mount();
	err = probe_all(&results);
	if (err < 0) {
		cli_error("doctor: cannot probe the kernel: %s", strerror(-err));
		return CLI_FAILURE;
	}
	probe_verdict(&results, &verdict);
	err = progcheck_all(&pc, &n_pc);
	if (err < 0) {
		cli_error("doctor: cannot load ward's programs: %s", strerror(-err));
		return CLI_FAILURE;
	}

	if (json) {
		err = print_json(&results, &verdict, fixed, fix, pc, n_pc);
		if (err < 0) {
			cli_error("doctor: cannot write the report: %s", strerror(-err));
			free(pc);
			return CLI_FAILURE;
		}
	} else {
		print_text(&results, &verdict, fixed, fix);
		print_programs(pc, n_pc);
	}
	free(pc);
	return verdict.can_run ? CLI_OK : CLI_FAILURE;
}
