/* SPDX-License-Identifier: Apache-2.0 */
/* Subcommands of the ward CLI, dispatched from main.c's command table. */
#ifndef WARD_CMD_H
#define WARD_CMD_H

#include <stdbool.h>

int cmd_run(int argc, char **argv);
int cmd_server(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_seccomp(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_learn(int argc, char **argv);
int cmd_config(int argc, char **argv);

/* What ward run, ward server and ward learn do first (engine/lifecycle.h):
 * 0, or -errno once said. */
int run_start(bool verbose);

void help_run(void);
void help_server(void);
void help_doctor(void);
void help_seccomp(void);
void help_status(void);
void help_profile(void);
void help_learn(void);
void help_config(void);

#endif
