/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The subcommands of the ward CLI, one file each in engine/cmd/ (run.c holds
 * ward run and ward server, which share their options), dispatched from
 * main.c's command table. Each parses its options, prints its help and calls
 * into the library folders.
 */
#ifndef WARD_CMD_H
#define WARD_CMD_H

#include "cli.h"

int cmd_run(int argc, char **argv);
int cmd_server(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_seccomp(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_learn(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_ctl(int argc, char **argv);

void help_run(void);
void help_server(void);
void help_doctor(void);
void help_seccomp(void);
void help_status(void);
void help_profile(void);
void help_learn(void);
void help_config(void);
void help_ctl(void);

/* Their option tables (struct cli_opts: what each parser takes, what the shell
 * completion offers) and the subcommand tables of those that have subcommands. */
extern const struct cli_opts server_options, run_options, doctor_options, learn_options,
	ctl_options;
extern const struct cli_cmd seccomp_cmds[], profile_cmds[], config_cmds[], ctl_cmds[];

#endif
