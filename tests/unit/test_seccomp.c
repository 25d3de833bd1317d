// SPDX-License-Identifier: Apache-2.0
/*
 * ward seccomp check: every case in tests/data/seccomp/NNNN-*.json against its
 * .expected diagnostics, Docker's default profile (no errors, no difference
 * to itself), the compiled architectures, the JSON report and the shared
 * vocabulary.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <seccomp.h>

#include "seccomp_json.h"

static char data_dir[PATH_MAX]; /* tests/data/seccomp */

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	assert_non_null(f);
	buf = malloc(SC_FILE_MAX);
	assert_non_null(buf);
	len = fread(buf, 1, SC_FILE_MAX - 1, f);
	buf[len] = '\0';
	fclose(f);
	*ret_len = len;
	return buf;
}

static struct sc_report *check_file(const char *name)
{
	char path[PATH_MAX * 2];
	struct sc_report *r = NULL;
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	buf = slurp(path, &len);
	assert_int_equal(sc_check_buffer(buf, len, &r), 0);
	free(buf);
	assert_non_null(r);
	return r;
}

static const char *sev(enum sc_severity s)
{
	return s == SC_ERROR ? "error" : s == SC_WARNING ? "warning" : "info";
}

/* Each case's diagnostics, one "severity code [where] message" line each, in
 * order, equal the .expected file. */
static void test_cases(void **state)
{
	struct dirent **ents;
	int n, cases = 0;

	(void)state;
	n = scandir(data_dir, &ents, NULL, alphasort);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		size_t nl = strlen(name);
		char exp_path[PATH_MAX * 2], *expected, *got = NULL;
		struct sc_report *r;
		size_t len, got_len = 0;
		FILE *f;

		if (name[0] < '0' || name[0] > '9' || nl < 5 || strcmp(name + nl - 5, ".json")) {
			free(ents[i]);
			continue;
		}
		r = check_file(name);
		f = open_memstream(&got, &got_len);
		assert_non_null(f);
		for (size_t d = 0; d < r->n_diags; d++)
			fprintf(f, "%s %s [%s] %s\n", sev(r->diags[d].severity), r->diags[d].code,
				r->diags[d].where, r->diags[d].message);
		fclose(f);
		snprintf(exp_path, sizeof(exp_path), "%s/%.*s.expected", data_dir, (int)(nl - 5),
			 name);
		expected = slurp(exp_path, &len);
		if (strcmp(expected, got) != 0)
			fail_msg("%s: diagnostics differ\n--- expected\n%s--- got\n%s", name,
				 expected, got);
		free(expected);
		free(got);
		sc_report_free(r);
		free(ents[i]);
		cases++;
	}
	free(ents);
	assert_true(cases >= 8);
}

static void test_docker_default(void **state)
{
	struct sc_report *r = check_file("docker-default.json");

	(void)state;
	assert_int_equal(r->n_errors, 0);
	assert_non_null(r->default_action);
	assert_string_equal(r->default_action, "SCMP_ACT_ERRNO(EPERM)");
	/* archMap: the host's entry and its sub-architectures. */
	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		assert_int_equal(r->n_arches, 3);
		assert_int_equal(r->arches[0].arch, SCMP_ARCH_X86_64);
		assert_int_equal(r->arches[1].arch, SCMP_ARCH_X86);
		assert_int_equal(r->arches[2].arch, SCMP_ARCH_X32);
	}
	for (size_t i = 0; i < r->n_arches; i++) {
		assert_int_equal(r->arches[i].err, 0);
		assert_true(r->arches[i].insns > r->arches[i].n_rules);
		assert_true(r->arches[i].n_rules > 250);
	}
	/* The embedded allowlist is the profile's own evaluation. */
	assert_true(r->have_diff);
	assert_int_equal(r->diff.n_more, 0);
	assert_int_equal(r->diff.n_fewer, 0);
	assert_int_equal(r->diff.n_allowed, r->diff.n_docker);
	sc_report_free(r);
}

static void test_diff_counts(void **state)
{
	struct sc_report *r = check_file("0005-dangerous.json");
	bool ptrace = false, mount = false;

	(void)state;
	/* mount, bpf, keyctl are beyond Docker's default; ptrace is not (4.8+);
	 * unshare is only conditional here. */
	assert_int_equal(r->diff.n_more, 3);
	for (size_t i = 0; i < r->diff.n_more; i++) {
		ptrace |= !strcmp(r->diff.more[i], "ptrace");
		mount |= !strcmp(r->diff.more[i], "mount");
	}
	assert_false(ptrace);
	assert_true(mount);
	assert_int_equal(r->diff.n_allowed, 25);
	/* Docker allows 3 names only conditionally (clone, personality, socket);
	 * 21 of the 24 unconditional names here are in its list. */
	assert_int_equal(r->diff.n_fewer, r->diff.n_docker - 3 - 21);
	sc_report_free(r);
}

static void test_json(void **state)
{
	struct sc_report *r = check_file("0004-names-and-defaults.json");
	json_t *o = sc_report_json(r), *d;

	(void)state;
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "errors")), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "warnings")), 4);
	d = json_array_get(json_object_get(o, "diagnostics"), 3);
	assert_string_equal(json_string_value(json_object_get(d, "code")), "unknown-syscall");
	assert_string_equal(json_string_value(json_object_get(d, "where")),
			    "syscalls[0].names[19]");
	assert_non_null(strstr(json_string_value(json_object_get(d, "message")), "raed"));
	d = json_array_get(json_object_get(o, "architectures"), 0);
	assert_string_equal(json_string_value(json_object_get(d, "name")), "SCMP_ARCH_X86_64");
	assert_true(json_is_true(json_object_get(d, "ok")));
	assert_non_null(json_object_get(json_object_get(o, "docker_default_diff"), "fewer"));
	json_decref(o);
	sc_report_free(r);
}

static void test_inputs(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{}",
		"{\"defaultAction\": 1}",
		"{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}",
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"a\": 1, \"a\": 2}"
	};
	struct sc_report *r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(sc_check_buffer(bad[i], strlen(bad[i]), &r), 0);
		assert_true(r->n_errors >= 1);
		sc_report_free(r);
	}
	sc_report_free(NULL);
}

static void test_vocabulary(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(sc_arch_from_oci("SCMP_ARCH_X86_64"), SCMP_ARCH_X86_64);
	assert_int_equal(sc_arch_from_oci("SCMP_ARCH_X32"), SCMP_ARCH_X32);
	assert_int_equal(sc_arch_from_oci("SCMP_ARCH_AARCH64"), SCMP_ARCH_AARCH64);
	assert_int_equal(sc_arch_from_oci("x86_64"), 0);
	assert_int_equal(sc_arch_from_oci("SCMP_ARCH_"), 0);
	assert_int_equal(sc_arch_to_oci(SCMP_ARCH_X86, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "SCMP_ARCH_X86");
	assert_int_equal(sc_arch_to_oci(SCMP_ARCH_MIPSEL64N32, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "SCMP_ARCH_MIPSEL64N32");
	assert_int_equal(sc_arch_to_oci(0x1234, buf, sizeof(buf)), -EINVAL);
	assert_non_null(sc_danger_reason("ptrace"));
	assert_non_null(sc_danger_reason("open_by_handle_at"));
	assert_null(sc_danger_reason("read"));
	assert_true(strlen(sc_libseccomp_version()) >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),	    cmocka_unit_test(test_docker_default),
		cmocka_unit_test(test_diff_counts), cmocka_unit_test(test_json),
		cmocka_unit_test(test_inputs),	    cmocka_unit_test(test_vocabulary),
	};
	char self[] = __FILE__;

	/* tests/unit/test_seccomp.c -> tests/data/seccomp */
	snprintf(data_dir, sizeof(data_dir), "%s/../data/seccomp", dirname(self));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
