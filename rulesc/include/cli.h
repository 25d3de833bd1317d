/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command line of ward and rulesc (docs/cli.md), shared by both: the exit
 * statuses, the one error printer (text, or JSON lines once -o json is given),
 * the one usage-error helper and the parsers of option values (formats,
 * durations, numbers). Only commands call these; library code returns errors.
 */
#ifndef WARD_CLI_H
#define WARD_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* CLI contract: exit 0 ok, 1 runtime failure, 2 usage, 3 bad input. */
enum cli_exit {
	CLI_OK = 0,
	CLI_FAILURE = 1, /* could not do it, or the answer is no (diff: they differ) */
	CLI_USAGE = 2,
	CLI_INPUT = 3, /* a policy, profile, bundle or seccomp profile unreadable or invalid */
};

/* What messages start with: "ward" unless main says otherwise. */
extern const char *cli_prog;
/* Errors as JSON lines on stderr, set by -o json (and rulesc --json). */
extern bool cli_json_errors;

/* "<prog>: error: MESSAGE" on stderr (JSON: {"level": "error", "message"}). */
__attribute__((format(printf, 1, 2))) void cli_error(const char *fmt, ...);
/* "<prog>: MESSAGE" on stderr (JSON: {"level": "info", "message"}). */
/* "<prog>: warning: MESSAGE" on stderr (JSON: {"level": "warning", "message"}). */
__attribute__((format(printf, 1, 2))) void cli_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void cli_info(const char *fmt, ...);

/*
 * A usage error of cmd ("profile merge"; NULL: of the program itself):
 * "<prog>: <cmd>: MESSAGE" and "Try '<prog> <cmd> --help'." on stderr
 * (JSON: {"level": "error", "command", "message", "hint"}). Returns CLI_USAGE.
 */
__attribute__((format(printf, 2, 3))) int cli_usage(const char *cmd, const char *fmt, ...);

/*
 * What a value completes to in the shells (`PROG completion bash|zsh`): file names,
 * these words (NULL-terminated), or the words word(0), word(1), ... until NULL.
 */
struct cli_values {
	bool files;
	const char *const *words;
	const char *(*word)(size_t i);
};

/* The value of the long option opt ("format"). */
struct cli_arg {
	const char *opt;
	const struct cli_values *values;
};

/*
 * A command's options as its parser takes them: getopt's optstring (a letter is
 * the short form of the long option whose val it is), getopt_long()'s table, what
 * their values complete to (NULL, or ending with { NULL }; an option with a value
 * not listed completes to nothing) and what its operands complete to (NULL: none).
 * The parser, the shell completion and the tests read the same table.
 */
struct cli_opts {
	const char *shorts;
	const struct option *longs;
	const struct cli_arg *args;
	const struct cli_values *operands;
};

/* File names; text|json; bash|zsh. */
extern const struct cli_values cli_files, cli_text_json_values;
/* --help alone; -o/--format text|json and --help (cli_text_json_opts()), without
 * operands and with files as operands. */
extern const struct cli_opts cli_help_opts, cli_text_json_cmd_opts, cli_text_json_file_opts;

/*
 * A command of a binary's table (bpftool's dispatch): its entry, help, one-line
 * summary, options, and subcommands (NULL, or a table ending with { NULL }, which
 * cli_dispatch() runs). Tables end with { NULL }.
 */
struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	void (*help)(void);
	const char *summary;
	const struct cli_opts *opts;
	const struct cli_cmd *subs;
};

/* The command of cmds named name, NULL if none. */
const struct cli_cmd *cli_find_cmd(const struct cli_cmd *cmds, const char *name);
/* One line a command: "  NAME     SUMMARY". */
void cli_list_cmds(FILE *f, const struct cli_cmd *cmds);
/* `<prog> help [COMMAND]` over cmds (which holds "help"): usage(stdout) without a
 * COMMAND, else its help. The exit status. */
int cli_help_cmd(const struct cli_cmd *cmds, void (*usage)(FILE *f), int argc, char **argv);
/* The subcommand argv[1] of command cmd ("profile") among subs, run with argv + 1;
 * -h/--help prints help(); none or an unknown one is a usage error naming subs. */
int cli_dispatch(const char *cmd, const struct cli_cmd *subs, void (*help)(void), int argc,
		 char **argv);
/* `PROG completion bash|zsh` (rulesc/complete.c): its options (the shells as
 * operands), its help, and the command: the completion script of the binary whose
 * root (its name, top-level options and commands) is root, on stdout. */
extern const struct cli_values cli_shells;
extern const struct cli_opts cli_completion_opts;
void cli_completion_help(void);
int cli_completion_cmd(const struct cli_cmd *root, int argc, char **argv);

/* getopt_long() for cmd, whose optstring starts with ':' (or "+:"): an unknown
 * option or a missing value is reported with cli_usage() and returned as '?'.
 * A parse starts with optind = 0: glibc's getopt then starts afresh, where 1
 * would keep the ordering of a parse before (main's "+", which stops at the
 * first operand). */
int cli_getopt(const char *cmd, int argc, char **argv, const char *optstring,
	       const struct option *longopts);
/* cli_getopt() over a command's table. */
int cli_getopts(const char *cmd, int argc, char **argv, const struct cli_opts *o);

/* What an option of a command's getopt loop that the loop does not take itself
 * ends in: --help (c 'h') prints help() for CLI_OK, anything else ('?', said by
 * cli_getopt()) is CLI_USAGE. */
int cli_help_or_usage(int c, void (*help)(void));

/* The value of -o/--format among names (NULL-terminated): its index, or
 * -EINVAL after a usage error. "json" turns JSON errors on. */
int cli_parse_format(const char *cmd, const char *arg, const char *const *names);
/* -o text|json into *json; -EINVAL after a usage error. */
int cli_parse_text_json(const char *cmd, const char *arg, bool *json);
/* The options of a command that takes only -o/--format text|json (into *json) and
 * --help (help()): -1 to go on (operands from optind), or the exit status. */
int cli_text_json_opts(const char *cmd, void (*help)(void), int argc, char **argv, bool *json);

/* The longest duration an option takes: a year. */
#define CLI_DURATION_MAX (365 * 86400LL)

/* The value of a duration option opt ("--duration"): seconds, plain or with a
 * unit (90, 90s, 15m, 2h, 7d, or sums such as 1h30m), in [min, max]; -EINVAL
 * after a usage error. */
int cli_parse_duration(const char *cmd, const char *opt, const char *arg, int64_t min, int64_t max,
		       int64_t *ret);
/* A size in bytes (rc_parse_size()) of at least min; -EINVAL after a usage error. */
int cli_parse_size(const char *cmd, const char *opt, const char *arg, uint64_t min, uint64_t *ret);
/* A whole number in [min, max]; -EINVAL after a usage error. */
int cli_parse_number(const char *cmd, const char *opt, const char *arg, long min, long max,
		     long *ret);

struct rc_diags;
/* A check's diagnostics, sorted, on f: "FILE:LINE:COL: error: MESSAGE [code]" with
 * the source line, a caret and the hint, then the counts; or one JSON object. */
void cli_print_diags(struct rc_diags *d, bool json, FILE *f);
/* The diagnostics as one line in buf, for a message that says one (a reload
 * rejected): each error's "FILE:LINE:COL: MESSAGE" ("FILE: MESSAGE" without a
 * line, "MESSAGE" without a file), in the order added, joined by "; "; the
 * warnings the same way when there is no error; "" when there is neither.
 * Returns buf. */
const char *cli_diags_line(const struct rc_diags *d, char *buf, size_t size);
/* True when a diagnostic of d points into a file's text (a line): worth
 * printing with cli_print_diags() rather than on one line. */
bool cli_diags_located(const struct rc_diags *d);

#endif
