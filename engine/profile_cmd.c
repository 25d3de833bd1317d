// SPDX-License-Identifier: Apache-2.0
/* `ward profile merge|diff|export`: learned profiles on the command line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd.h"
#include "profile.h"
#include "learn_model.h"
#include "profile_check.h"
#include "rulesc.h"

#define EXIT_OK	       0
#define EXIT_DIFFERENT 1
#define EXIT_USAGE     2
#define EXIT_INPUT     3

void help_profile(void)
{
	printf("Usage: ward profile merge PROFILE PROFILE... -o OUT [--name NAME]\n"
	       "       ward profile diff A B [-o text|json]\n"
	       "       ward profile export --format FORMAT [--complain] PROFILE [-o OUT]\n"
	       "       ward profile explain PROFILE [-o text|json]\n"
	       "\n"
	       "merge   the union of learned profiles (ward learn -o ...) into one; OUT is '-'\n"
	       "        for stdout. Mode and posture come from the first profile.\n"
	       "diff    what B has that A has not (+) and the reverse (-), per class; exit 1\n"
	       "        when they differ.\n"
	       "export  a runtime profile: oci-seccomp, docker-seccomp, k8s-seccomp (JSON),\n"
	       "        oci-caps, k8s-caps (JSON), docker-caps (flags on one line).\n"
	       "        --complain: a seccomp profile that logs what it would refuse\n"
	       "        (SCMP_ACT_LOG) instead of refusing it, for staging.\n"
	       "explain why each syscall is in the profile: seen (and how often), a runtime\n"
	       "        essential, rare-path safety, the family of a seen call, or listed.\n"
	       "\n"
	       "Exit status: %d success (diff: the same), %d diff: they differ, %d usage error,\n"
	       "%d a profile cannot be read.\n",
	       EXIT_OK, EXIT_DIFFERENT, EXIT_USAGE, EXIT_INPUT);
}

static struct profile *load(const char *path)
{
	struct profile *p = NULL;
	char *why = NULL;
	int err = profile_read_file(path, &p, &why);

	if (err)
		cli_error("%s", why ? why : strerror(-err));
	free(why);
	return err ? NULL : p;
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
	char *buf = NULL, *why = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err;

	if (!f)
		return -errno;
	err = profile_write_yaml(p, f, p->mode ? p->mode : "audit",
				 p->posture ? p->posture : "alert");
	if (fclose(f) && !err)
		err = -EIO;
	if (!err && profile_check_yaml(path, buf, len, &why) == -EINVAL)
		cli_error("rulesc rejects the result: %s", why ? why : "(no diagnostic)");
	free(why);
	if (!err && strcmp(path, "-") == 0)
		err = fwrite(buf, 1, len, stdout) == len ? 0 : -EIO;
	else if (!err)
		err = rc_write_file(path, buf, len);
	free(buf);
	return err;
}

static int merge_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *out = NULL, *name = NULL;
	struct profile *dst = NULL;
	int c, err = 0, rc = EXIT_INPUT;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'h':
			help_profile();
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (!out || argc - optind < 2) {
		cli_error("profile merge: give two or more profiles and -o OUT");
		return EXIT_USAGE;
	}
	dst = load(argv[optind]);
	for (int i = optind + 1; dst && !err && i < argc; i++) {
		struct profile *src = load(argv[i]);

		if (!src)
			goto out_free;
		err = profile_merge(dst, src);
		profile_free(src);
	}
	if (!dst)
		return EXIT_INPUT;
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
	rc = err ? EXIT_INPUT : EXIT_OK;
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

/* The options of diff and explain: -o text|json (into *json), --help. -1 to go on (operands
 * from optind), or the exit status. */
static int text_json_opts(int argc, char **argv, bool *json)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (cli_parse_text_json(optarg, json) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			help_profile();
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	return -1;
}

static int diff_cmd(int argc, char **argv)
{
	struct profile *a = NULL, *b = NULL;
	bool json = false;
	json_t *d;
	int rc = text_json_opts(argc, argv, &json);

	if (rc >= 0)
		return rc;
	rc = EXIT_INPUT;
	if (argc - optind != 2) {
		cli_error("profile diff: give exactly two profiles, A and B");
		return EXIT_USAGE;
	}
	a = load(argv[optind]);
	b = a ? load(argv[optind + 1]) : NULL;
	if (!b)
		goto out_free;
	warn_partial(argv[optind], a);
	warn_partial(argv[optind + 1], b);
	d = profile_diff(a, b);
	if (!d) {
		cli_error("profile diff: out of memory");
		goto out_free;
	}
	if (json) {
		json_dumpf(d, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else {
		print_diff_text(d);
	}
	rc = diff_empty(d) ? EXIT_OK : EXIT_DIFFERENT;
	if (!json && rc == EXIT_OK)
		printf("no differences\n");
	json_decref(d);
out_free:
	profile_free(a);
	profile_free(b);
	return rc;
}

static int export_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "complain", no_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *fmt = NULL, *out = "-";
	enum prof_export e;
	struct profile *p;
	bool complain = false;
	char *buf = NULL;
	int c, err;
	json_t *o;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = optarg;
			break;
		case 'c':
			complain = true;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			help_profile();
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (!fmt || profile_export_parse(fmt, &e)) {
		cli_error("profile export: --format oci-seccomp, docker-seccomp, k8s-seccomp, "
			  "oci-caps, k8s-caps or docker-caps");
		return EXIT_USAGE;
	}
	if (argc - optind != 1) {
		cli_error("profile export: give exactly one PROFILE");
		return EXIT_USAGE;
	}
	if (complain && e != PROF_EXPORT_OCI_SECCOMP && e != PROF_EXPORT_DOCKER_SECCOMP &&
	    e != PROF_EXPORT_K8S_SECCOMP) {
		cli_error("profile export: --complain goes with a seccomp format");
		return EXIT_USAGE;
	}
	p = load(argv[optind]);
	if (!p)
		return EXIT_INPUT;
	warn_partial(argv[optind], p);
	o = profile_export(p, e, complain ? PROF_EXPORT_COMPLAIN : 0);
	profile_free(p);
	if (!o) {
		cli_error("profile export: %s", strerror(errno));
		return EXIT_INPUT;
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
		return EXIT_INPUT;
	}
	if (strcmp(out, "-") == 0)
		err = fputs(buf, stdout) == EOF ? -EIO : 0;
	else
		err = rc_write_file(out, buf, strlen(buf));
	free(buf);
	if (err) {
		cli_error("profile export: %s: %s", out, strerror(-err));
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

static const char *const why_names[] = {
	[LEARN_WHY_SEEN] = "seen",	     [LEARN_WHY_ESSENTIAL] = "essential",
	[LEARN_WHY_RARE_PATH] = "rare-path", [LEARN_WHY_FAMILY] = "family",
	[LEARN_WHY_LISTED] = "listed",
};

static int explain_cmd(int argc, char **argv)
{
	struct profile *p;
	bool json = false;
	json_t *arr;
	int rc = text_json_opts(argc, argv, &json);

	if (rc >= 0)
		return rc;
	rc = EXIT_OK;
	if (argc - optind != 1) {
		cli_error("profile explain: give exactly one PROFILE");
		return EXIT_USAGE;
	}
	p = load(argv[optind]);
	if (!p)
		return EXIT_INPUT;
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
				rc = EXIT_INPUT;
		} else {
			printf("%-20s %-7s %-10s %s\n", sy->name, prof_abi_name(sy->abi),
			       why_names[w], why);
		}
	}
	if (!arr) {
		rc = EXIT_INPUT;
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

int cmd_profile(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} subs[] = { { "merge", merge_cmd },
		     { "diff", diff_cmd },
		     { "export", export_cmd },
		     { "explain", explain_cmd } };

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		help_profile();
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(argc - 1, argv + 1);
	cli_error("profile: unknown subcommand '%s' (merge, diff, export or explain)", argv[1]);
	return EXIT_USAGE;
}
