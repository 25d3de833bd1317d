// SPDX-License-Identifier: Apache-2.0
/*
 * `ward completion` and `rulesc completion`: bash and zsh completion scripts
 * written from the command tables the parsers use (struct cli_cmd, struct
 * cli_opts), so the shells offer exactly the commands and options the binary
 * takes. The script holds the tables as shell functions, keyed by the command
 * path ("profile export") and the option ("profile export --format"), that set
 * the variable _PROG_r (no subshell: completing forks nothing but compgen):
 *   _PROG_subs PATH       the subcommands of PATH
 *   _PROG_opts PATH       its options; _PROG_valopts PATH those that take a value
 *   _PROG_values KEY      the words a value (KEY "PATH OPTION") or an operand (KEY
 *                         "PATH") completes to
 *   _PROG_files KEY       true when it completes to file names (sets nothing)
 * and a walker, one per shell, that finds the path of the words typed so far.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const struct cli_values cli_shells = {
	.words = (const char *const[]){ "bash", "zsh", NULL },
};

enum part { PART_SUBS, PART_OPTS, PART_VALOPTS, PART_VALUES, PART_FILES };

/* True when val is an option letter of getopt's optstring. */
static bool is_short(const char *shorts, int val)
{
	return val > ' ' && val < 127 && val != ':' && val != '+' && val != '-' &&
	       strchr(shorts, val);
}

static bool short_takes_value(const char *shorts, int val)
{
	const char *p = strchr(shorts, val);

	return p && p[1] == ':';
}

static const struct cli_values *values_of(const struct cli_opts *o, const char *name)
{
	for (const struct cli_arg *a = o->args; a && a->opt; a++)
		if (strcmp(a->opt, name) == 0)
			return a->values;
	return NULL;
}

static void print_words(FILE *f, const struct cli_values *v)
{
	const char *w;
	size_t i;

	for (i = 0; v->words && v->words[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", v->words[i]);
	for (size_t j = 0; v->word && (w = v->word(j)); j++, i++)
		fprintf(f, "%s%s", i ? " " : "", w);
}

/* "\t'PATH OPT' | 'PATH -X')" for the long option l (and its short form). */
static void print_key(FILE *f, const char *path, const struct cli_opts *o, const struct option *l)
{
	const char *sp = path[0] ? " " : "";

	fprintf(f, "\t'%s%s--%s'", path, sp, l->name);
	if (is_short(o->shorts, l->val))
		fprintf(f, " | '%s%s-%c'", path, sp, l->val);
	fprintf(f, ")");
}

/* The options of o (PART_OPTS), or those that take a value (PART_VALOPTS). */
static void print_opts(FILE *f, const struct cli_opts *o, bool values_only)
{
	const char *sep = "";

	for (const struct option *l = o->longs; l->name; l++) {
		if (values_only && l->has_arg != required_argument)
			continue;
		if (is_short(o->shorts, l->val)) {
			fprintf(f, "%s-%c", sep, l->val);
			sep = " ";
		}
		fprintf(f, "%s--%s", sep, l->name);
		sep = " ";
	}
	/* letters with no long form */
	for (const char *s = o->shorts; *s; s++) {
		const struct option *l = o->longs;

		if (!is_short(o->shorts, *s) || (values_only && !short_takes_value(o->shorts, *s)))
			continue;
		while (l->name && l->val != *s)
			l++;
		if (!l->name) {
			fprintf(f, "%s-%c", sep, *s);
			sep = " ";
		}
	}
}

/* One part of the tables for command c at path, then for its subcommands. */
static void walk(FILE *f, const char *prog, enum part part, const struct cli_cmd *c,
		 const char *path)
{
	const struct cli_opts *o = c->opts;
	char sub[256];

	switch (part) {
	case PART_SUBS:
		if (!c->subs)
			break;
		fprintf(f, "\t'%s') _%s_r='", path, prog);
		for (const struct cli_cmd *s = c->subs; s->name; s++)
			fprintf(f, "%s%s", s == c->subs ? "" : " ", s->name);
		fprintf(f, "' ;;\n");
		break;
	case PART_OPTS:
	case PART_VALOPTS:
		if (!o)
			break;
		fprintf(f, "\t'%s') _%s_r='", path, prog);
		print_opts(f, o, part == PART_VALOPTS);
		fprintf(f, "' ;;\n");
		break;
	case PART_VALUES:
	case PART_FILES:
		for (const struct option *l = o ? o->longs : NULL; l && l->name; l++) {
			const struct cli_values *v = values_of(o, l->name);

			if (!v || l->has_arg != required_argument ||
			    v->files != (part == PART_FILES))
				continue;
			print_key(f, path, o, l);
			if (part == PART_FILES) {
				fprintf(f, " return 0 ;;\n");
				continue;
			}
			fprintf(f, " _%s_r='", prog);
			print_words(f, v);
			fprintf(f, "' ;;\n");
		}
		if (!o || !o->operands || o->operands->files != (part == PART_FILES))
			break;
		fprintf(f, "\t'%s')", path);
		if (part == PART_FILES) {
			fprintf(f, " return 0 ;;\n");
			break;
		}
		fprintf(f, " _%s_r='", prog);
		print_words(f, o->operands);
		fprintf(f, "' ;;\n");
		break;
	}
	for (const struct cli_cmd *s = c->subs; s && s->name; s++) {
		snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? " " : "", s->name);
		walk(f, prog, part, s, sub);
	}
}

static void print_tables(FILE *f, const char *prog, const struct cli_cmd *root)
{
	static const struct {
		const char *fn;
		enum part part;
	} parts[] = {
		{ "subs", PART_SUBS },	   { "opts", PART_OPTS },   { "valopts", PART_VALOPTS },
		{ "values", PART_VALUES }, { "files", PART_FILES },
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		fprintf(f, "_%s_%s() {\n\tcase $1 in\n", prog, parts[i].fn);
		walk(f, prog, parts[i].part, root, "");
		if (parts[i].part == PART_FILES)
			fprintf(f, "\tesac\n\treturn 1\n}\n");
		else
			fprintf(f, "\t*) _%s_r= ;;\n\tesac\n}\n", prog);
	}
}

/*
 * The walker: the path is the words so far that name a subcommand of the path
 * before them, skipping options and the values of those that take one; then
 * the current word completes to the value of the option before it, an option,
 * a subcommand, or an operand. 1: the program, 2: the index of the first word
 * after its name, 3: of the current one, 4: the array of the words.
 */
#define WALKER                                                              \
	"\tlocal _%1$s_r p= w i key\n"                                      \
	"\tfor ((i = %2$s; i < %3$s; i++)); do\n"                           \
	"\t\tw=${%4$s[i]}\n"                                                \
	"\t\tif [[ $w == -* ]]; then\n"                                     \
	"\t\t\t_%1$s_valopts \"$p\"\n"                                      \
	"\t\t\t[[ \" $_%1$s_r \" == *\" $w \"* ]] && ((i++))\n"             \
	"\t\telse\n"                                                        \
	"\t\t\t_%1$s_subs \"$p\"\n"                                         \
	"\t\t\t[[ \" $_%1$s_r \" == *\" $w \"* ]] && p=${p:+$p }$w\n"       \
	"\t\tfi\n"                                                          \
	"\tdone\n"                                                          \
	"\t_%1$s_valopts \"$p\"\n"                                          \
	"\tif [[ $prev == -* && \" $_%1$s_r \" == *\" $prev \"* ]]; then\n" \
	"\t\tkey=${p:+$p }$prev\n"                                          \
	"\telif [[ $cur == -* ]]; then\n"                                   \
	"\t\t_%1$s_opts \"$p\"\n"                                           \
	"\t\t_%1$s_words \"$_%1$s_r\"\n"                                    \
	"\t\treturn\n"                                                      \
	"\telse\n"                                                          \
	"\t\t_%1$s_subs \"$p\"\n"                                           \
	"\t\tif [[ -n $_%1$s_r ]]; then\n"                                  \
	"\t\t\t_%1$s_words \"$_%1$s_r\"\n"                                  \
	"\t\t\treturn\n"                                                    \
	"\t\tfi\n"                                                          \
	"\t\tkey=$p\n"                                                      \
	"\tfi\n"                                                            \
	"\tif _%1$s_files \"$key\"; then\n"

static void print_bash(FILE *f, const char *prog, const struct cli_cmd *root)
{
	fprintf(f,
		"# bash completion for %1$s, written by '%1$s completion bash' from the option\n"
		"# tables its parsers use. Source it, or install it as\n"
		"# /usr/share/bash-completion/completions/%1$s.\n",
		prog);
	print_tables(f, prog, root);
	fprintf(f,
		"_%1$s_words() {\n"
		"\tCOMPREPLY=($(compgen -W \"$1\" -- \"$cur\"))\n"
		"}\n"
		"_%1$s() {\n"
		"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
		"\tCOMPREPLY=()\n" WALKER "\t\tcompopt -o filenames 2>/dev/null\n"
		"\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
		"\telse\n"
		"\t\t_%1$s_values \"$key\"\n"
		"\t\t_%1$s_words \"$_%1$s_r\"\n"
		"\tfi\n"
		"}\n"
		"complete -F _%1$s %1$s\n",
		prog, "1", "COMP_CWORD", "COMP_WORDS");
}

static void print_zsh(FILE *f, const char *prog, const struct cli_cmd *root)
{
	fprintf(f,
		"#compdef %1$s\n"
		"# zsh completion for %1$s, written by '%1$s completion zsh' from the option\n"
		"# tables its parsers use. Install it as _%1$s in a directory of $fpath.\n",
		prog);
	print_tables(f, prog, root);
	fprintf(f,
		"_%1$s_words() {\n"
		"\tcompadd -- ${=1}\n"
		"}\n"
		"_%1$s_main() {\n"
		"\tlocal cur=${words[CURRENT]} prev=${words[CURRENT-1]}\n" WALKER "\t\t_files\n"
		"\telse\n"
		"\t\t_%1$s_values \"$key\"\n"
		"\t\t_%1$s_words \"$_%1$s_r\"\n"
		"\tfi\n"
		"}\n"
		"_%1$s_main \"$@\"\n",
		prog, "2", "CURRENT", "words");
}

const struct cli_opts cli_completion_opts = {
	":h",
	(const struct option[]){ { "help", no_argument, NULL, 'h' }, {} },
	NULL,
	&cli_shells,
};

void cli_completion_help(void)
{
	printf("Usage: %1$s completion bash|zsh\n\n"
	       "Print the shell completion script of %1$s for bash or zsh, written from the\n"
	       "option tables of %1$s's own parsers. bash: source it, or install it as\n"
	       "/usr/share/bash-completion/completions/%1$s; zsh: install it as _%1$s in a\n"
	       "directory of $fpath.\n",
	       cli_prog);
}

int cli_completion_cmd(const struct cli_cmd *root, int argc, char **argv)
{
	int c;

	optind = 0;
	while ((c = cli_getopts("completion", argc, argv, &cli_completion_opts)) != -1)
		return cli_help_or_usage(c, cli_completion_help);
	if (argc - optind != 1)
		return cli_usage("completion", "give the shell: bash or zsh");
	if (strcmp(argv[optind], "bash") == 0)
		print_bash(stdout, root->name, root);
	else if (strcmp(argv[optind], "zsh") == 0)
		print_zsh(stdout, root->name, root);
	else
		return cli_usage("completion", "unknown shell '%s' (bash or zsh)", argv[optind]);
	if (fflush(stdout)) {
		cli_error("completion: %m");
		return CLI_FAILURE;
	}
	return CLI_OK;
}
