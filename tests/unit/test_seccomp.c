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

#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <seccomp.h>

#include "cmd/cmd.h"
#include "seccomp/seccomp_json.h"

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

static void print_diag(FILE *f, const struct sc_diag *d)
{
	fprintf(f, "%s %s [%s] ", sev(d->severity), d->code, d->where);
	if (d->line)
		fprintf(f, "%d:%d ", d->line, d->column);
	else
		fprintf(f, "- ");
	fprintf(f, "%s\n", d->message);
}

/* Each case's diagnostics, one "severity code [where] line:column message"
 * line each ("-" for no position), in order, equal the .expected file.
 * UPDATE=1 rewrites the .expected files instead. */
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
			print_diag(f, &r->diags[d]);
		fclose(f);
		snprintf(exp_path, sizeof(exp_path), "%s/%.*s.expected", data_dir, (int)(nl - 5),
			 name);
		if (getenv("UPDATE") && strcmp(getenv("UPDATE"), "1") == 0) {
			FILE *u = fopen(exp_path, "we");

			assert_non_null(u);
			fputs(got, u);
			fclose(u);
		}
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
	assert_true(cases >= 24);
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
	assert_int_equal(json_integer_value(json_object_get(o, "errors")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "warnings")), 3);
	d = json_array_get(json_object_get(o, "diagnostics"), 3);
	assert_string_equal(json_string_value(json_object_get(d, "code")), "unknown-syscall");
	assert_string_equal(json_string_value(json_object_get(d, "severity")), "error");
	assert_string_equal(json_string_value(json_object_get(d, "where")),
			    "syscalls[0].names[19]");
	/* "raed" is on line 29 of the file, its quote in column 9 */
	assert_int_equal(json_integer_value(json_object_get(d, "line")), 29);
	assert_int_equal(json_integer_value(json_object_get(d, "column")), 9);
	assert_non_null(strstr(json_string_value(json_object_get(d, "message")), "raed"));
	/* the typo's hint names the syscall meant */
	assert_non_null(strstr(json_string_value(json_object_get(d, "hint")), "'read'"));
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
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"a\": 1, \"a\": 2}",
		/* jansson's error quotes the bytes that are not UTF-8 */
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"sys\\u004\xd3\x93\xff\": 1}",
		/* a long name cut where a 2-byte character starts at byte 64 */
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\""
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9\xc3\xa9\"]"
		", "
		"\"action\": \"SCMP_ACT_ALLOW\"}]}",
	};
	struct sc_report *r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *o;

		assert_int_equal(sc_check_buffer(bad[i], strlen(bad[i]), &r), 0);
		assert_true(r->n_errors >= 1);
		/* every message is UTF-8: the JSON report has them all */
		o = sc_report_json(r);
		assert_non_null(o);
		assert_int_equal(json_array_size(json_object_get(o, "diagnostics")), r->n_diags);
		json_decref(o);
		sc_report_free(r);
	}
	sc_report_free(NULL);
}

/* The hint of the first diagnostic with code, from a profile in memory. */
static char *hint_of(const char *profile, const char *code)
{
	struct sc_report *r = NULL;
	char *h = NULL;

	assert_int_equal(sc_check_buffer(profile, strlen(profile), &r), 0);
	for (size_t i = 0; i < r->n_diags && !h; i++)
		if (strcmp(r->diags[i].code, code) == 0)
			h = strdup(r->diags[i].hint);
	sc_report_free(r);
	assert_non_null(h);
	return h;
}

static void test_hints(void **state)
{
	static const char pre[] = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", ";
	char buf[512], *h;

	(void)state;
	/* other spellings of an architecture: the OCI name */
	snprintf(buf, sizeof(buf), "%s\"architectures\": [\"amd64\"]}", pre);
	h = hint_of(buf, "unknown-arch");
	assert_string_equal(h, "did you mean SCMP_ARCH_X86_64?");
	free(h);
	snprintf(buf, sizeof(buf), "%s\"architectures\": [\"SCMP_ARCH_I386\"]}", pre);
	h = hint_of(buf, "unknown-arch");
	assert_string_equal(h, "did you mean SCMP_ARCH_X86?");
	free(h);
	snprintf(buf, sizeof(buf), "%s\"architectures\": [\"SCMP_ARCH_VAX\"]}", pre);
	h = hint_of(buf, "unknown-arch");
	assert_non_null(strstr(h, "SCMP_ARCH_X86_64, "));
	free(h);
	/* a typo of a syscall: the closest one; none for a name far from all */
	snprintf(buf, sizeof(buf),
		 "%s\"syscalls\": [{\"names\": [\"epoll_wiat\"], \"action\": "
		 "\"SCMP_ACT_ALLOW\"}]}",
		 pre);
	h = hint_of(buf, "unknown-syscall");
	assert_non_null(strstr(h, "did you mean 'epoll_wait'?"));
	free(h);
	snprintf(buf, sizeof(buf),
		 "%s\"syscalls\": [{\"names\": [\"qqqqqqqqqq\"], \"action\": "
		 "\"SCMP_ACT_ALLOW\"}]}",
		 pre);
	h = hint_of(buf, "unknown-syscall");
	assert_null(strstr(h, "did you mean"));
	free(h);
}

/* Positions in a profile on one line and in one with multi-byte characters:
 * columns count characters. */
static void test_positions(void **state)
{
	static const char one_line[] = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":"
				       "[{\"names\":[\"read\",\"read\"],\"action\":"
				       "\"SCMP_ACT_ALLOW\"}]}";
	static const char utf8[] =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
		"\"syscalls\": [{\"comment\": \"\xc3\xa9\xc3\xa9\", "
		"\"names\": [\"read\", \"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}";
	struct sc_report *r = NULL;
	const struct sc_diag *d = NULL;

	(void)state;
	assert_int_equal(sc_check_buffer(one_line, strlen(one_line), &r), 0);
	for (size_t i = 0; i < r->n_diags; i++)
		if (strcmp(r->diags[i].code, "duplicate") == 0)
			d = &r->diags[i];
	assert_non_null(d);
	assert_string_equal(d->where, "syscalls[0].names[1]");
	assert_int_equal(d->line, 1);
	assert_int_equal(d->column, (int)(strstr(one_line, "\"read\"]") - one_line) + 1);
	sc_report_free(r);
	d = NULL;
	assert_int_equal(sc_check_buffer(utf8, strlen(utf8), &r), 0);
	for (size_t i = 0; i < r->n_diags; i++)
		if (strcmp(r->diags[i].code, "duplicate") == 0)
			d = &r->diags[i];
	assert_non_null(d);
	assert_int_equal(d->line, 2);
	/* 2 two-byte characters before it: 2 columns fewer than bytes */
	assert_int_equal(d->column,
			 (int)(strstr(utf8, "\"read\"]") - strchr(utf8, '\n') - 1) + 1 - 2);
	sc_report_free(r);
}

/* What the CLI prints and its exit status: run cmd_seccomp in a child with
 * its output in a file. */
static int run_cli(const char *const *args, char **ret_out)
{
	char path[] = "/tmp/ward-test-seccomp-XXXXXX";
	int fd = mkstemp(path), status = 0;
	size_t len;
	pid_t pid;

	assert_true(fd >= 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[8];
		int argc = 0;

		while (args[argc] && argc < 7) {
			argv[argc] = (char *)(uintptr_t)args[argc];
			argc++;
		}
		argv[argc] = NULL;
		if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(99);
		status = cmd_seccomp(argc, argv);
		fflush(stdout);
		fflush(stderr);
		_exit(status);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(fd);
	*ret_out = slurp(path, &len);
	unlink(path);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_cli(void **state)
{
	char f3[PATH_MAX * 2], f17[PATH_MAX * 2], want[PATH_MAX * 3], *out;

	(void)state;
	snprintf(f3, sizeof(f3), "%s/0003-missing-essentials.json", data_dir);
	snprintf(f17, sizeof(f17), "%s/0017-filters-nothing.json", data_dir);
	/* errors: exit 3 (bad input); each finding as FILE:LINE:COLUMN: severity: code:
	 * message [where], its hint below */
	assert_int_equal(run_cli((const char *const[]){ "seccomp", "check", f3, NULL }, &out), 3);
	snprintf(want, sizeof(want),
		 "%s:17:9: error: missing-essential: 'exit_group' is allowed only under "
		 "argument conditions [syscalls[1].names[0]]\n    hint: without it ",
		 f3);
	if (!strstr(out, want))
		fail_msg("no '%s' in:\n%s", want, out);
	snprintf(want, sizeof(want), "%s: 3 errors, 0 warnings, 0 notes\n", f3);
	assert_non_null(strstr(out, want));
	free(out);
	/* warnings only: exit 0 */
	assert_int_equal(run_cli((const char *const[]){ "seccomp", "check", f17, NULL }, &out), 0);
	snprintf(want, sizeof(want),
		 "%s:2:3: warning: filters-nothing: the profile filters nothing", f17);
	assert_non_null(strstr(out, want));
	free(out);
	/* JSON: the same positions */
	assert_int_equal(
		run_cli((const char *const[]){ "seccomp", "check", "-o", "json", f3, NULL }, &out),
		3);
	assert_non_null(strstr(out, "\"line\": 17,\n      \"column\": 9,"));
	free(out);
	/* usage error: 2, said with the command and a hint; unreadable file: 3 */
	assert_int_equal(run_cli((const char *const[]){ "seccomp", "check", NULL }, &out), 2);
	assert_non_null(strstr(out, "ward: seccomp check: give exactly one FILE\n"
				    "Try 'ward seccomp check --help'.\n"));
	free(out);
	assert_int_equal(run_cli((const char *const[]){ "seccomp", "check",
							"/nonexistent/profile.json", NULL },
				 &out),
			 3);
	free(out);
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
		cmocka_unit_test(test_hints),	    cmocka_unit_test(test_positions),
		cmocka_unit_test(test_cli),
	};
	char self[] = __FILE__;

	/* tests/unit/test_seccomp.c -> tests/data/seccomp */
	snprintf(data_dir, sizeof(data_dir), "%s/../data/seccomp", dirname(self));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
