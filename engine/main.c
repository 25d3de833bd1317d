// SPDX-License-Identifier: Apache-2.0
/* ward: the CLI entry point, dispatching through a command table. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	void (*help)(void);
	const char *summary;
};

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "server", cmd_server, help_server,
	  "process, files and tcp trackers plus a policy (the default pack unless --policy)" },
	{ "run", cmd_run, help_run, "run one tracker: process, files, tcp or syscall" },
	{ "doctor", cmd_doctor, help_doctor, "check what this kernel and host allow ward to do" },
	{ "status", cmd_status, help_status,
	  "what the kernel enforces now: generation, levels, counters" },
	{ "seccomp", cmd_seccomp, help_seccomp, "check a seccomp profile (OCI or Docker JSON)" },
	{ "learn", cmd_learn, help_learn, "record what containers do into a profile" },
	{ "profile", cmd_profile, help_profile, "merge, diff and export learned profiles" },
	{ "version", cmd_version, NULL, "print the version" },
	{ "help", cmd_help, NULL, "show help for a command" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: ward COMMAND [OPTIONS]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nRun 'ward help COMMAND' for a command's options.\n");
}

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("ward %s\n", WARD_VERSION);
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		cli_error("help: unknown command '%s'", argv[1]);
		return 1;
	}
	if (c->help)
		c->help();
	else
		printf("Usage: ward %s\n\n%s\n", c->name, c->summary);
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))
		return cmd_version(0, NULL);
	c = find_cmd(argv[1]);
	if (!c) {
		cli_error("unknown command '%s' (see 'ward help')", argv[1]);
		return 1;
	}
	return c->fn(argc - 1, argv + 1);
}
