// SPDX-License-Identifier: Apache-2.0
/* `ward seccomp check FILE`: a seccomp profile's report (engine/seccomp/), as text or JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd/cmd.h"
#include "seccomp/seccomp_json.h"

void help_seccomp(void)
{
	printf("Usage: ward seccomp check [-o text|json] FILE\n"
	       "\n"
	       "Compile a seccomp profile (an OCI runtime-spec linux.seccomp object or a Docker\n"
	       "--security-opt seccomp= file) with libseccomp for each architecture it lists and\n"
	       "report unknown syscall names, missing essentials (exit, exit_group, rt_sigreturn\n"
	       "and what runc calls before the entrypoint), rules equal to the default action,\n"
	       "repeated names, conflicting rules, dangerous allowances or a profile that\n"
	       "filters nothing, and how many syscalls it allows more or fewer than Docker's\n"
	       "default profile. Each finding names its place as FILE:LINE:COLUMN and as a JSON\n"
	       "path (syscalls[3].names[7]).\n"
	       "\n"
	       "  -o, --format FORMAT  text (default) or json\n"
	       "  -h, --help           show this help\n"
	       "\n"
	       "Exit status: %d no errors (warnings allowed), %d runtime failure, %d usage error,\n"
	       "%d the profile has errors or cannot be read.\n",
	       CLI_OK, CLI_FAILURE, CLI_USAGE, CLI_INPUT);
}

static void print_names(const char *label, char *const *v, size_t n)
{
	if (!n)
		return;
	printf("  %s:", label);
	for (size_t i = 0; i < n; i++)
		printf(" %s", v[i]);
	printf("\n");
}

static void print_text(const char *file, const struct sc_report *r)
{
	size_t notes = r->n_diags - r->n_errors - r->n_warnings;

	if (r->default_action)
		printf("%s: default action %s\n", file, r->default_action);
	if (r->n_arches) {
		printf("%s: compiled for", file);
		for (size_t i = 0; i < r->n_arches; i++) {
			const struct sc_arch_result *a = &r->arches[i];

			if (a->err)
				printf("%s %s (failed)", i ? "," : "", a->name);
			else
				printf("%s %s (%zu rules, %zu BPF instructions)", i ? "," : "",
				       a->name, a->n_rules, a->insns);
		}
		printf("\n");
	}
	for (size_t i = 0; i < r->n_diags; i++) {
		const struct sc_diag *d = &r->diags[i];

		if (d->line)
			printf("%s:%d:%d: ", file, d->line, d->column);
		else
			printf("%s: ", file);
		printf("%s: %s: %s%s%s%s\n", sc_severity_name(d->severity), d->code, d->message,
		       d->where[0] ? " [" : "", d->where, d->where[0] ? "]" : "");
		if (d->hint[0])
			printf("    hint: %s\n", d->hint);
	}
	if (r->have_diff) {
		printf("%s: against Docker's default profile (%s): allows %zu syscalls, Docker "
		       "%zu: %zu more, %zu fewer\n",
		       file, sc_native_arch_name(), r->diff.n_allowed, r->diff.n_docker,
		       r->diff.n_more, r->diff.n_fewer);
		print_names("more", r->diff.more, r->diff.n_more);
		print_names("fewer", r->diff.fewer, r->diff.n_fewer);
	}
	printf("%s: %zu error%s, %zu warning%s, %zu note%s\n", file, r->n_errors,
	       r->n_errors == 1 ? "" : "s", r->n_warnings, r->n_warnings == 1 ? "" : "s", notes,
	       notes == 1 ? "" : "s");
}

static int seccomp_check_cmd(int argc, char **argv)
{
	struct sc_report *r = NULL;
	bool json = false;
	char *buf = NULL;
	size_t len = 0;
	int c, err;

	c = cli_text_json_opts("seccomp check", help_seccomp, argc, argv, &json);
	if (c >= 0)
		return c;
	if (optind != argc - 1)
		return cli_usage("seccomp check", "give exactly one FILE");
	err = sc_read_file(argv[optind], &buf, &len);
	if (err) {
		cli_error("%s: %s", argv[optind],
			  err == -EFBIG ? "larger than 4 MiB, not a seccomp profile"
					: strerror(-err));
		return err == -ENOMEM ? CLI_FAILURE : CLI_INPUT;
	}
	err = sc_check_buffer(buf, len, &r);
	free(buf);
	if (err) {
		cli_error("%s: %s", argv[optind], strerror(-err));
		return CLI_FAILURE;
	}
	if (json) {
		json_t *o = sc_report_json(r);

		if (!o || json_object_set_new(o, "file", json_string(argv[optind])) ||
		    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
			json_decref(o);
			sc_report_free(r);
			cli_error("%s: out of memory", argv[optind]);
			return CLI_FAILURE;
		}
		fputc('\n', stdout);
		json_decref(o);
	} else {
		print_text(argv[optind], r);
	}
	c = r->n_errors ? CLI_INPUT : CLI_OK;
	sc_report_free(r);
	return c;
}

const struct cli_cmd seccomp_cmds[] = {
	{ "check", seccomp_check_cmd, help_seccomp, "check a seccomp profile",
	  &cli_text_json_file_opts, NULL },
	{},
};

int cmd_seccomp(int argc, char **argv)
{
	return cli_dispatch("seccomp", seccomp_cmds, help_seccomp, argc, argv);
}
