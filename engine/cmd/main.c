// SPDX-License-Identifier: Apache-2.0
/* ward: the CLI entry point, dispatching through a command table. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd/cmd.h"

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int cmd_completion(int argc, char **argv);
static void help_version(void);
static void help_help(void);

static const char *cmd_word(size_t i);

static const struct cli_opts help_opts = {
	":h",
	(const struct option[]){ { "help", no_argument, NULL, 'h' }, {} },
	NULL,
	&(const struct cli_values){ .word = cmd_word },
};

static const struct cli_cmd cmds[] = {
	{ "server", cmd_server, help_server,
	  "process, files and tcp trackers plus a policy (the default pack unless --policy)",
	  &server_options, NULL },
	{ "run", cmd_run, help_run, "run one tracker: process, files, tcp or syscall", &run_options,
	  NULL },
	{ "doctor", cmd_doctor, help_doctor, "check what this kernel and host allow ward to do",
	  &doctor_options, NULL },
	{ "status", cmd_status, help_status,
	  "what the kernel enforces now: generation, levels, counters", &cli_text_json_cmd_opts,
	  NULL },
	{ "seccomp", cmd_seccomp, help_seccomp, "check a seccomp profile (OCI, Docker or SPO JSON)",
	  &cli_help_opts, seccomp_cmds },
	{ "learn", cmd_learn, help_learn, "record what containers do into a profile",
	  &learn_options, NULL },
	{ "profile", cmd_profile, help_profile, "merge, diff, export and explain learned profiles",
	  &cli_help_opts, profile_cmds },
	{ "config", cmd_config, help_config, "check the server's configuration file",
	  &cli_help_opts, config_cmds },
	{ "ctl", cmd_ctl, help_ctl, "drive a running server through its control API", &ctl_options,
	  ctl_cmds },
	{ "completion", cmd_completion, cli_completion_help,
	  "print the shell completion script (bash or zsh)", &cli_completion_opts, NULL },
	{ "version", cmd_version, help_version, "print the version", &cli_text_json_cmd_opts,
	  NULL },
	{ "help", cmd_help, help_help, "show help for a command", &help_opts, NULL },
	{},
};

/* The program itself: its options and commands. */
static const struct cli_cmd root = {
	"ward",
	NULL,
	NULL,
	NULL,
	&(const struct cli_opts){
		"+:hV",
		(const struct option[]){
			{ "help", no_argument, NULL, 'h' },
			{ "version", no_argument, NULL, 'V' },
			{},
		},
		NULL,
		NULL,
	},
	cmds,
};

static const char *cmd_word(size_t i)
{
	return i < sizeof(cmds) / sizeof(cmds[0]) ? cmds[i].name : NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: ward COMMAND [OPTIONS]\n\nCommands:\n");
	cli_list_cmds(f, cmds);
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
	return cli_help_cmd(cmds, usage, argc, argv);
}

static int cmd_completion(int argc, char **argv)
{
	return cli_completion_cmd(&root, argc, argv);
}

int main(int argc, char **argv)
{
	const struct cli_cmd *c;
	int o;

	optind = 0;
	while ((o = cli_getopts(NULL, argc, argv, root.opts)) != -1) {
		if (o == 'V')
			return cmd_version(1, argv);
		if (o != 'h')
			return CLI_USAGE;
		usage(stdout);
		return CLI_OK;
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	c = cli_find_cmd(cmds, argv[optind]);
	if (!c)
		return cli_usage(NULL, "unknown command '%s'", argv[optind]);
	return c->fn(argc - optind, argv + optind);
}
