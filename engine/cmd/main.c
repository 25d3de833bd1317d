// SPDX-License-Identifier: Apache-2.0
/* ward: the CLI entry point, dispatching through a command table. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd/cmd.h"

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static void help_version(void);
static void help_help(void);

static const struct cli_cmd cmds[] = {
	{ "server", cmd_server, help_server,
	  "process, files and tcp trackers plus a policy (the default pack unless --policy)" },
	{ "run", cmd_run, help_run, "run one tracker: process, files, tcp or syscall" },
	{ "doctor", cmd_doctor, help_doctor, "check what this kernel and host allow ward to do" },
	{ "status", cmd_status, help_status,
	  "what the kernel enforces now: generation, levels, counters" },
	{ "seccomp", cmd_seccomp, help_seccomp, "check a seccomp profile (OCI or Docker JSON)" },
	{ "learn", cmd_learn, help_learn, "record what containers do into a profile" },
	{ "profile", cmd_profile, help_profile,
	  "merge, diff, export and explain learned profiles" },
	{ "config", cmd_config, help_config, "check the server's configuration file" },
	{ "ctl", cmd_ctl, help_ctl, "drive a running server through its control API" },
	{ "version", cmd_version, help_version, "print the version" },
	{ "help", cmd_help, help_help, "show help for a command" },
};

#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: ward COMMAND [OPTIONS]\n\nCommands:\n");
	cli_list_cmds(f, cmds, N_CMDS);
	fprintf(f,
		"\nRun 'ward help COMMAND' or 'ward COMMAND --help' for a command's options.\n"
		"Exit status: 0 success, 1 runtime failure, 2 usage error, 3 bad input (a policy,\n"
		"a profile, a bundle, a seccomp profile); docs/cli.md.\n");
}

static void help_version(void)
{
	printf("Usage: ward version [-o text|json]\n\nPrint the version.\n\n"
	       "  -o, --format FORMAT  text (default) or json\n");
}

static int cmd_version(int argc, char **argv)
{
	bool json = false;
	int r = cli_text_json_opts("version", help_version, argc, argv, &json);

	if (r >= 0)
		return r;
	if (optind < argc)
		return cli_usage("version", "unexpected argument '%s'", argv[optind]);
	if (json) {
		json_t *o = json_pack("{s:s}", "version", WARD_VERSION);

		if (!o || json_dumpf(o, stdout, JSON_COMPACT) < 0) {
			json_decref(o);
			cli_error("version: out of memory");
			return CLI_FAILURE;
		}
		json_decref(o);
		putchar('\n');
	} else {
		printf("ward %s\n", WARD_VERSION);
	}
	return CLI_OK;
}

static void help_help(void)
{
	printf("Usage: ward help [COMMAND]\n\nList the commands, or show one command's help.\n");
}

static int cmd_help(int argc, char **argv)
{
	return cli_help_cmd(cmds, N_CMDS, usage, argc, argv);
}

int main(int argc, char **argv)
{
	const struct cli_cmd *c;

	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))
		return cmd_version(1, argv);
	if (argv[1][0] == '-')
		return cli_usage(NULL, "unknown option '%s'", argv[1]);
	c = cli_find_cmd(cmds, N_CMDS, argv[1]);
	if (!c)
		return cli_usage(NULL, "unknown command '%s'", argv[1]);
	return c->fn(argc - 1, argv + 1);
}
