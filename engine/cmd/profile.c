// SPDX-License-Identifier: Apache-2.0
/* `ward profile merge|diff|export|explain`: learned profiles on the command line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd/cmd.h"
#include "profile/profile.h"
#include "learn/learn_model.h"
#include "rulesc.h"
#include "profile/profile_check.h"
#include "rulesc.h"

void help_profile(void)
{
	printf("Usage: ward profile merge PROFILE PROFILE... --output OUT [--name NAME]\n"
	       "       ward profile diff A B [-o text|json]\n"
	       "       ward profile export -o FORMAT [--complain] PROFILE [--output OUT]\n"
	       "       ward profile explain PROFILE [-o text|json]\n"
	       "\n"
	       "merge   the union of learned profiles (ward learn --output ...) into one; OUT is\n"
	       "        '-' for stdout. Mode and posture come from the first profile.\n"
	       "diff    what B has that A has not (+) and the reverse (-), per class; exit 1\n"
	       "        when they differ.\n"
	       "export  a runtime profile (-o, --format): oci-seccomp, docker-seccomp,\n"
	       "        k8s-seccomp (JSON), oci-caps, k8s-caps (JSON), docker-caps (flags on one\n"
	       "        line); to stdout unless --output OUT.\n"
	       "        --complain: a seccomp profile that logs what it would refuse\n"
	       "        (SCMP_ACT_LOG) instead of refusing it, for staging.\n"
	       "explain why each syscall is in the profile: seen (and how often), a runtime\n"
	       "        essential, rare-path safety, the family of a seen call, or listed.\n"
	       "\n"
	       "Exit status: %d success (diff: the same), %d runtime failure (diff: they\n"
	       "differ), %d usage error, %d a profile cannot be read or is invalid.\n",
	       CLI_OK, CLI_FAILURE, CLI_USAGE, CLI_INPUT);
}

/* Read the profile at path into *ret: 0, or the exit status after saying why
 * (CLI_INPUT: unreadable or invalid). */
static int load(const char *path, struct profile **ret)
{
	char why[1024];
	struct rc_diags d;
	int err;

	rc_diags_init(&d);
	err = profile_read_file(path, ret, &d);
	if (err && cli_diags_located(&d)) /* at its place, with the source line */
		cli_print_diags(&d, cli_json_errors, stderr);
	else if (err)
		cli_error("%s", d.n ? cli_diags_line(&d, why, sizeof(why)) : strerror(-err));
	rc_diags_free(&d);
	return !err ? CLI_OK : err == -ENOMEM ? CLI_FAILURE : CLI_INPUT;
}

/* A partial profile (docs/profiles.md, "Learn from the start") says so
 * wherever it is used: what its containers did first is missing. */
static void warn_partial(const char *what, const struct profile *p)
{
	const struct prof_provenance *v = &p->prov;
	char names[256] = "";
	size_t o = 0;

	if (!v->n_partial)
		return;
	for (size_t i = 0; i < v->n_partial && o < sizeof(names); i++)
		o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", i ? ", " : "",
				      v->partial[i]);
	cli_info("WARNING: %s is partial: %s %s already running when learning began, so what "
		 "%s start is missing; a seccomp or capability profile exported from it may "
		 "stop the container from starting. Learn the workload again from its start "
		 "(start `ward learn`, then the container) and merge the profiles "
		 "(`ward profile merge`)",
		 what, names, v->n_partial == 1 ? "was" : "were",
		 v->n_partial == 1 ? "it did at its" : "they did at their");
}

/* Render p as YAML, make sure rulesc accepts it, write it to path ("-": stdout). */
static int write_profile(const struct profile *p, const char *path)
{
	char *buf = NULL, why[1024];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct rc_diags d;
	int err;

	if (!f)
		return -errno;
	err = profile_write_yaml(p, f, p->mode ? p->mode : "audit",
				 p->posture ? p->posture : "alert");
	if (fclose(f) && !err)
		err = -EIO;
	rc_diags_init(&d);
	if (!err && profile_check_yaml(path, buf, len, &d) == -EINVAL)
		cli_error("rulesc rejects the result: %s",
			  d.n ? cli_diags_line(&d, why, sizeof(why)) : "(no diagnostic)");
	rc_diags_free(&d);
	if (!err && strcmp(path, "-") == 0)
		err = fwrite(buf, 1, len, stdout) == len ? 0 : -EIO;
	else if (!err)
		err = rc_write_file(path, buf, len);
	free(buf);
	return err;
}

static const struct cli_opts merge_opts = {
	":n:h",
	(const struct option[]){
		{ "output", required_argument, NULL, 'O' },
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{},
	},
	(const struct cli_arg[]){ { "output", &cli_files }, {} },
	&cli_files,
};

static int merge_cmd(int argc, char **argv)
{
	const char *out = NULL, *name = NULL;
	struct profile *dst = NULL;
	int c, err = 0, rc;

	optind = 0;
	while ((c = cli_getopts("profile merge", argc, argv, &merge_opts)) != -1) {
		switch (c) {
		case 'O':
			out = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		default:
			return cli_help_or_usage(c, help_profile);
		}
	}
	if (!out || argc - optind < 2)
		return cli_usage("profile merge", "give two or more profiles and --output OUT");
	rc = load(argv[optind], &dst);
	for (int i = optind + 1; !rc && !err && i < argc; i++) {
		struct profile *src = NULL;

		rc = load(argv[i], &src);
		if (!rc)
			err = profile_merge(dst, src);
		profile_free(src);
	}
	if (rc)
		goto out_free;
	if (!err && name) {
		char *n = strdup(name);

		err = n ? 0 : -ENOMEM;
		if (n) {
			free(dst->name);
			dst->name = n;
		}
	}
	if (!err)
		err = write_profile(dst, out);
	if (err)
		cli_error("profile merge: %s: %s", out, strerror(-err));
	else
		warn_partial(strcmp(out, "-") ? out : "the merged profile", dst);
	rc = err ? CLI_FAILURE : CLI_OK;
out_free:
	profile_free(dst);
	return rc;
}

static void print_diff_text(json_t *d)
{
	for (void *it = json_object_iter(d); it; it = json_object_iter_next(d, it)) {
		json_t *v = json_object_iter_value(it);
		json_t *add = json_object_get(v, "added"), *rem = json_object_get(v, "removed");

		if (!json_array_size(add) && !json_array_size(rem))
			continue;
		printf("%s: %zu added, %zu removed\n", json_object_iter_key(it),
		       json_array_size(add), json_array_size(rem));
		for (size_t i = 0; i < json_array_size(add); i++)
			printf("  + %s\n", json_string_value(json_array_get(add, i)));
		for (size_t i = 0; i < json_array_size(rem); i++)
			printf("  - %s\n", json_string_value(json_array_get(rem, i)));
	}
}

static bool diff_empty(json_t *d)
{
	for (void *it = json_object_iter(d); it; it = json_object_iter_next(d, it)) {
		json_t *v = json_object_iter_value(it);

		if (json_array_size(json_object_get(v, "added")) ||
		    json_array_size(json_object_get(v, "removed")))
			return false;
	}
	return true;
}

static int diff_cmd(int argc, char **argv)
{
	struct profile *a = NULL, *b = NULL;
	bool json = false;
	json_t *d;
	int rc = cli_text_json_opts("profile diff", help_profile, argc, argv, &json);

	if (rc >= 0)
		return rc;
	if (argc - optind != 2)
		return cli_usage("profile diff", "give exactly two profiles, A and B");
	rc = load(argv[optind], &a);
	if (!rc)
		rc = load(argv[optind + 1], &b);
	if (rc)
		goto out_free;
	warn_partial(argv[optind], a);
	warn_partial(argv[optind + 1], b);
	d = profile_diff(a, b);
	if (!d) {
		cli_error("profile diff: out of memory");
		rc = CLI_FAILURE;
		goto out_free;
	}
	if (json) {
		json_dumpf(d, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else {
		print_diff_text(d);
	}
	rc = diff_empty(d) ? CLI_OK : CLI_FAILURE;
	if (!json && rc == CLI_OK)
		printf("no differences\n");
	json_decref(d);
out_free:
	profile_free(a);
	profile_free(b);
	return rc;
}

static const char *export_word(size_t i)
{
	return profile_export_name((enum prof_export)i);
}

static const struct cli_opts export_opts = {
	":o:h",
	(const struct option[]){
		{ "format", required_argument, NULL, 'o' },
		{ "complain", no_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{},
	},
	(const struct cli_arg[]){
		{ "format", &(const struct cli_values){ .word = export_word } },
		{ "output", &cli_files },
		{},
	},
	&cli_files,
};

static int export_cmd(int argc, char **argv)
{
	const char *fmt = NULL, *out = "-";
	struct profile *p = NULL;
	enum prof_export e;
	bool complain = false;
	char *buf = NULL;
	int c, err;
	json_t *o;

	optind = 0;
	while ((c = cli_getopts("profile export", argc, argv, &export_opts)) != -1) {
		switch (c) {
		case 'o':
			fmt = optarg;
			break;
		case 'c':
			complain = true;
			break;
		case 'O':
			out = optarg;
			break;
		default:
			return cli_help_or_usage(c, help_profile);
		}
	}
	if (!fmt || profile_export_parse(fmt, &e))
		return cli_usage("profile export",
				 "-o oci-seccomp, docker-seccomp, k8s-seccomp, oci-caps, k8s-caps "
				 "or docker-caps");
	if (argc - optind != 1)
		return cli_usage("profile export", "give exactly one PROFILE");
	if (complain && e != PROF_EXPORT_OCI_SECCOMP && e != PROF_EXPORT_DOCKER_SECCOMP &&
	    e != PROF_EXPORT_K8S_SECCOMP)
		return cli_usage("profile export", "--complain goes with a seccomp format");
	c = load(argv[optind], &p);
	if (c)
		return c;
	warn_partial(argv[optind], p);
	o = profile_export(p, e, complain ? PROF_EXPORT_COMPLAIN : 0);
	profile_free(p);
	if (!o) {
		cli_error("profile export: %s", strerror(errno));
		return CLI_FAILURE;
	}
	if (e == PROF_EXPORT_DOCKER_CAPS) {
		json_t *flags = json_object_get(o, "flags");
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		for (size_t i = 0; m && i < json_array_size(flags); i++)
			fprintf(m, "%s%s", i ? " " : "",
				json_string_value(json_array_get(flags, i)));
		if (m && (fputc('\n', m) == EOF || fclose(m)))
			m = NULL;
		if (!m) {
			free(buf);
			buf = NULL;
		}
	} else {
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		if (!s || asprintf(&buf, "%s\n", s) < 0)
			buf = NULL;
		free(s);
	}
	json_decref(o);
	if (!buf) {
		cli_error("profile export: out of memory");
		return CLI_FAILURE;
	}
	if (strcmp(out, "-") == 0)
		err = fputs(buf, stdout) == EOF ? -EIO : 0;
	else
		err = rc_write_file(out, buf, strlen(buf));
	free(buf);
	if (err) {
		cli_error("profile export: %s: %s", out, strerror(-err));
		return CLI_FAILURE;
	}
	return CLI_OK;
}

static const char *const why_names[] = {
	[LEARN_WHY_SEEN] = "seen",	     [LEARN_WHY_ESSENTIAL] = "essential",
	[LEARN_WHY_RARE_PATH] = "rare-path", [LEARN_WHY_FAMILY] = "family",
	[LEARN_WHY_LISTED] = "listed",
};

static int explain_cmd(int argc, char **argv)
{
	struct profile *p = NULL;
	bool json = false;
	json_t *arr;
	int rc = cli_text_json_opts("profile explain", help_profile, argc, argv, &json);

	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return cli_usage("profile explain", "give exactly one PROFILE");
	rc = load(argv[optind], &p);
	if (rc)
		return rc;
	warn_partial(argv[optind], p);
	arr = json_array();
	for (size_t i = 0; arr && i < p->n_sys; i++) {
		const struct prof_syscall *sy = &p->sys[i];
		char why[256];
		int w = learn_syscall_reason(p, sy, why, sizeof(why));

		if (json) {
			if (json_array_append_new(arr,
						  json_pack("{s:s, s:s, s:s, s:I, s:s}", "syscall",
							    sy->name, "abi", prof_abi_name(sy->abi),
							    "why", why_names[w], "count",
							    (json_int_t)sy->count, "reason", why)))
				rc = CLI_FAILURE;
		} else {
			printf("%-20s %-7s %-10s %s\n", sy->name, prof_abi_name(sy->abi),
			       why_names[w], why);
		}
	}
	if (!arr) {
		rc = CLI_FAILURE;
	} else if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	}
	if (rc)
		cli_error("profile explain: out of memory");
	json_decref(arr);
	profile_free(p);
	return rc;
}

const struct cli_cmd profile_cmds[] = {
	{ "merge", merge_cmd, help_profile, "the union of learned profiles", &merge_opts, NULL },
	{ "diff", diff_cmd, help_profile, "what one profile has that another has not",
	  &cli_text_json_file_opts, NULL },
	{ "export", export_cmd, help_profile, "a runtime profile: seccomp or capabilities",
	  &export_opts, NULL },
	{ "explain", explain_cmd, help_profile, "why each syscall is in the profile",
	  &cli_text_json_file_opts, NULL },
	{},
};

int cmd_profile(int argc, char **argv)
{
	return cli_dispatch("profile", profile_cmds, help_profile, argc, argv);
}
