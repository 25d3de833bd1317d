// SPDX-License-Identifier: Apache-2.0
/* The command line shared by ward and rulesc: errors, usage errors, option values. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "rulesc.h"

const char *cli_prog = "ward";
bool cli_json_errors;

/* One message on stderr: "<prog>: [<cmd>: ]MESSAGE" then the hint line, or
 * one JSON object with the same parts. */
__attribute__((format(printf, 4, 0))) static void
report(const char *level, const char *cmd, const char *hint, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (cli_json_errors) {
		json_t *o = json_pack("{s:s, s:s*, s:s, s:s*}", "level", level, "command", cmd,
				      "message", msg, "hint", hint);

		if (o) {
			json_dumpf(o, stderr, JSON_COMPACT | JSON_PRESERVE_ORDER);
			json_decref(o);
		}
		fputc('\n', stderr);
		return;
	}
	/* A usage error names the command; another error says it is one. */
	fprintf(stderr, "%s: %s%s%s\n", cli_prog, cmd ? cmd : "",
		cmd				   ? ": "
		: !hint && !strcmp(level, "error") ? "error: "
		: !strcmp(level, "warning")	   ? "warning: "
						   : "",
		msg);
	if (hint)
		fprintf(stderr, "%s\n", hint);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("error", NULL, NULL, fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("warning", NULL, NULL, fmt, ap);
	va_end(ap);
}

void cli_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("info", NULL, NULL, fmt, ap);
	va_end(ap);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	char hint[256];
	va_list ap;

	(void)snprintf(hint, sizeof(hint), "Try '%s%s%s --help'.", cli_prog, cmd ? " " : "",
		       cmd ? cmd : "");
	va_start(ap, fmt);
	report("error", cmd, hint, fmt, ap);
	va_end(ap);
	return CLI_USAGE;
}

const struct cli_values cli_files = { .files = true };
const struct cli_values cli_text_json_values = {
	.words = (const char *const[]){ "text", "json", NULL },
};
const struct cli_opts cli_help_opts = {
	.shorts = ":h",
	.longs = (const struct option[]){ { "help", no_argument, NULL, 'h' }, {} },
};
static const struct option text_json_longs[] = {
	{ "format", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{},
};
static const struct cli_arg text_json_args[] = { { "format", &cli_text_json_values }, {} };
const struct cli_opts cli_text_json_cmd_opts = {
	.shorts = ":o:h",
	.longs = text_json_longs,
	.args = text_json_args,
};
const struct cli_opts cli_text_json_file_opts = { ":o:h", text_json_longs, text_json_args,
						  &cli_files };

const struct cli_cmd *cli_find_cmd(const struct cli_cmd *cmds, const char *name)
{
	for (; cmds->name; cmds++)
		if (strcmp(cmds->name, name) == 0)
			return cmds;
	return NULL;
}

void cli_list_cmds(FILE *f, const struct cli_cmd *cmds)
{
	for (; cmds->name; cmds++)
		fprintf(f, "  %-10s %s\n", cmds->name, cmds->summary);
}

int cli_help_cmd(const struct cli_cmd *cmds, void (*usage)(FILE *f), int argc, char **argv)
{
	const struct cli_cmd *c;
	int o;

	optind = 0;
	while ((o = cli_getopts("help", argc, argv, cli_find_cmd(cmds, "help")->opts)) != -1)
		return cli_help_or_usage(o, cli_find_cmd(cmds, "help")->help);
	if (optind >= argc) {
		usage(stdout);
		return CLI_OK;
	}
	if (argc - optind > 1)
		return cli_usage("help", "unexpected argument '%s'", argv[optind + 1]);
	c = cli_find_cmd(cmds, argv[optind]);
	if (!c)
		return cli_usage("help", "unknown command '%s'", argv[optind]);
	c->help();
	return CLI_OK;
}

int cli_dispatch(const char *cmd, const struct cli_cmd *subs, void (*help)(void), int argc,
		 char **argv)
{
	const struct cli_cmd *c;
	char list[256];
	size_t o = 0;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		help();
		return CLI_OK;
	}
	for (c = subs; c->name && o < sizeof(list); c++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
				      c == subs	      ? ""
				      : (c + 1)->name ? ", "
						      : " or ",
				      c->name);
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage(cmd, "which subcommand? (%s)", list);
	c = cli_find_cmd(subs, argv[1]);
	if (!c)
		return cli_usage(cmd, "unknown subcommand '%s' (%s)", argv[1], list);
	return c->fn(argc - 1, argv + 1);
}

int cli_getopt(const char *cmd, int argc, char **argv, const char *optstring,
	       const struct option *longopts)
{
	const char *el;
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, optstring, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	/* The element at fault: long options name themselves, short ones by optopt. */
	el = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	if (strncmp(el, "--", 2) != 0)
		cli_usage(cmd, c == ':' ? "option '-%c' needs a value" : "unknown option '-%c'",
			  optopt);
	else if (c == ':')
		cli_usage(cmd, "option '%s' needs a value", el);
	else if (optopt)
		cli_usage(cmd, "option '%.*s' takes no value", (int)strcspn(el, "="), el);
	else
		cli_usage(cmd, "unknown option '%.*s'", (int)strcspn(el, "="), el);
	return '?';
}

int cli_getopts(const char *cmd, int argc, char **argv, const struct cli_opts *o)
{
	return cli_getopt(cmd, argc, argv, o->shorts, o->longs);
}

int cli_help_or_usage(int c, void (*help)(void))
{
	if (c != 'h')
		return CLI_USAGE;
	help();
	return CLI_OK;
}

int cli_parse_format(const char *cmd, const char *arg, const char *const *names)
{
	char list[128];
	size_t o = 0;
	int i;

	for (i = 0; names[i]; i++) {
		if (strcmp(arg, names[i]) == 0) {
			if (strcmp(arg, "json") == 0)
				cli_json_errors = true;
			return i;
		}
	}
	for (i = 0; names[i] && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? "|" : "", names[i]);
	cli_usage(cmd, "-o: unknown format '%s' (%s)", arg, list);
	return -EINVAL;
}

int cli_parse_text_json(const char *cmd, const char *arg, bool *json)
{
	int f = cli_parse_format(cmd, arg, cli_text_json_values.words);

	if (f < 0)
		return f;
	*json = f == 1;
	return 0;
}

int cli_text_json_opts(const char *cmd, void (*help)(void), int argc, char **argv, bool *json)
{
	int c;

	optind = 0;
	while ((c = cli_getopts(cmd, argc, argv, &cli_text_json_cmd_opts)) != -1) {
		switch (c) {
		case 'o':
			if (cli_parse_text_json(cmd, optarg, json) < 0)
				return CLI_USAGE;
			break;
		default:
			return cli_help_or_usage(c, help);
		}
	}
	return -1;
}

int cli_parse_duration(const char *cmd, const char *opt, const char *arg, int64_t min, int64_t max,
		       int64_t *ret)
{
	int64_t v;

	if (rc_parse_duration(arg, &v) < 0) {
		cli_usage(cmd, "%s: '%s' is not a duration such as 90, 90s, 15m or 2h", opt, arg);
		return -EINVAL;
	}
	if (v < min || v > max) {
		cli_usage(cmd, "%s: '%s' is not between %lld and %lld seconds", opt, arg,
			  (long long)min, (long long)max);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

int cli_parse_size(const char *cmd, const char *opt, const char *arg, uint64_t min, uint64_t *ret)
{
	uint64_t v;

	if (rc_parse_size(arg, &v) < 0 || v < min) {
		cli_usage(cmd, "%s: '%s' is not a size of at least %llu bytes (such as 100M, 512k)",
			  opt, arg, (unsigned long long)min);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

int cli_parse_number(const char *cmd, const char *opt, const char *arg, long min, long max,
		     long *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max) {
		cli_usage(cmd, "%s: '%s' is not a whole number between %ld and %ld", opt, arg, min,
			  max);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

static void print_diags_text(const struct rc_diags *d, FILE *f)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct rc_diag *g = &d->v[i];
		const char *sev = g->severity == RC_ERROR ? "error" : "warning";

		if (g->line)
			fprintf(f, "%s:%u:%u: %s: %s [%s]\n", g->file, g->line, g->col, sev,
				g->message, g->code);
		else if (g->file[0])
			fprintf(f, "%s: %s: %s [%s]\n", g->file, sev, g->message, g->code);
		else
			fprintf(f, "%s: %s [%s]\n", sev, g->message, g->code);
		if (g->text[0]) {
			fprintf(f, "%5u | %s\n      | ", g->line, g->text);
			for (uint32_t c = 1; c < g->col; c++)
				fputc(g->text[c - 1] == '\t' ? '\t' : ' ', f);
			fputc('^', f);
			for (uint32_t c = 1; c < g->span && c < 80; c++)
				fputc('~', f);
			fputc('\n', f);
		}
		if (g->hint[0])
			fprintf(f, "      = hint: %s\n", g->hint);
	}
	if (d->n_errors || d->n_warnings)
		fprintf(f, "%zu error%s, %zu warning%s\n", d->n_errors, d->n_errors == 1 ? "" : "s",
			d->n_warnings, d->n_warnings == 1 ? "" : "s");
}

static int print_diags_json(const struct rc_diags *d, FILE *f)
{
	json_t *root = json_object(), *arr = json_array();
	int r = 0;

	if (!root || !arr) {
		json_decref(root);
		json_decref(arr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct rc_diag *g = &d->v[i];

		r |= json_array_append_new(
			arr, json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:s}", "severity",
				       g->severity == RC_ERROR ? "error" : "warning", "code",
				       g->code, "file", g->file, "line", (json_int_t)g->line,
				       "column", (json_int_t)g->col, "message", g->message, "text",
				       g->text, "hint", g->hint));
	}
	r |= json_object_set_new(root, "diagnostics", arr);
	r |= json_object_set_new(root, "errors", json_integer((json_int_t)d->n_errors));
	r |= json_object_set_new(root, "warnings", json_integer((json_int_t)d->n_warnings));
	if (r == 0 && json_dumpf(root, f, JSON_SORT_KEYS | JSON_COMPACT) == 0)
		fputc('\n', f);
	else
		r = -ENOMEM;
	json_decref(root);
	return r ? -ENOMEM : 0;
}

const char *cli_diags_line(const struct rc_diags *d, char *buf, size_t size)
{
	enum rc_severity sev = d->n_errors ? RC_ERROR : RC_WARNING;
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < d->n && len < size; i++) {
		const struct rc_diag *g = &d->v[i];
		const char *sep = len ? "; " : "";
		int n;

		if (g->severity != sev)
			continue;
		if (g->line)
			n = snprintf(buf + len, size - len, "%s%s:%u:%u: %s", sep, g->file, g->line,
				     g->col, g->message);
		else if (g->file[0])
			n = snprintf(buf + len, size - len, "%s%s: %s", sep, g->file, g->message);
		else
			n = snprintf(buf + len, size - len, "%s%s", sep, g->message);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return buf;
}

bool cli_diags_located(const struct rc_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].line)
			return true;
	return false;
}

void cli_print_diags(struct rc_diags *d, bool json, FILE *f)
{
	rc_diags_sort(d);
	if (json)
		(void)print_diags_json(d, f);
	else
		print_diags_text(d, f);
}
