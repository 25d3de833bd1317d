// SPDX-License-Identifier: Apache-2.0
/* The command line shared by ward and rulesc (rulesc/cli.c): option values and
 * what a usage error says (docs/cli.md). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "rulesc.h"

/* What fn wrote to stderr, with its return value in *ret. */
static char *stderr_of(int (*fn)(void *), void *arg, int *ret)
{
	char path[] = "/tmp/ward-test-cli-XXXXXX", *buf;
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	long len;
	FILE *f;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	*ret = fn(arg);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	f = fdopen(fd, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	unlink(path);
	return buf;
}

/* fn(arg) returns want, and what it writes to stderr is said ("": nothing) or, with
 * whole false, contains it. */
static void expect(int (*fn)(void *), const void *arg, int want, const char *said, bool whole)
{
	int r;
	char *err = stderr_of(fn, (void *)(uintptr_t)arg, &r);

	assert_int_equal(r, want);
	if (whole ? strcmp(err, said) != 0 : !strstr(err, said))
		fail_msg("stderr '%s', want %s'%s'", err, whole ? "" : "it to hold ", said);
	free(err);
}

static void test_rc_parse_duration(void **state)
{
	int64_t d;

	(void)state;
	assert_int_equal(rc_parse_duration("90", &d), 0);
	assert_int_equal(d, 90);
	assert_int_equal(rc_parse_duration("90s", &d), 0);
	assert_int_equal(d, 90);
	assert_int_equal(rc_parse_duration("15m", &d), 0);
	assert_int_equal(d, 900);
	assert_int_equal(rc_parse_duration("2h", &d), 0);
	assert_int_equal(d, 7200);
	assert_int_equal(rc_parse_duration("1h30m", &d), 0);
	assert_int_equal(d, 5400);
	assert_int_equal(rc_parse_duration("7d", &d), 0);
	assert_int_equal(d, 7 * 86400);
	for (const char *const *bad = (const char *const[]){ "", "5x", "1h30", "-1", "1.5h", "h",
							     "99999999999999999999s", NULL };
	     *bad; bad++)
		assert_int_equal(rc_parse_duration(*bad, &d), -EINVAL);
}

/* "--duration=V" as ward run parses it, or "--threshold=V" as ward learn does: the
 * value, or -EINVAL. */
static int value_of(void *arg)
{
	const char *opt = arg, *v = strchr(opt, '=') + 1;
	int64_t d = 0;
	long n = 0;
	int r = strncmp(opt, "--duration=", 11) == 0
			? cli_parse_duration("run", "--duration", v, 1, 86400, &d)
			: cli_parse_number("learn", "--threshold", v, 1, 10, &n);

	return r < 0 ? r : (int)(d + n);
}

static void test_cli_values(void **state)
{
	static const struct {
		const char *arg;
		int want;
		const char *said; /* all of stderr, or (whole false) a part */
		bool whole;
	} cases[] = {
		{ "--duration=2h", 7200, "", true },
		{ "--duration=90", 90, "", true },
		{ "--duration=5x", -EINVAL,
		  "ward: run: --duration: '5x' is not a duration such as 90, 90s, 15m or 2h\n"
		  "Try 'ward run --help'.\n",
		  true },
		{ "--duration=2d", -EINVAL, "is not between 1 and 86400 seconds", false },
		{ "--duration=0", -EINVAL, "is not between 1 and 86400 seconds", false },
		{ "--threshold=7", 7, "", true },
		{ "--threshold=0", -EINVAL,
		  "ward: learn: --threshold: '0' is not a whole number between 1 and 10\n"
		  "Try 'ward learn --help'.\n",
		  true },
		{ "--threshold=3x", -EINVAL, "'3x' is not a whole number", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect(value_of, cases[i].arg, cases[i].want, cases[i].said, cases[i].whole);
}

static int format_of(void *arg)
{
	static const char *const rows[] = { "table", "json", "csv", NULL };

	return cli_parse_format("status", arg, rows);
}

static void test_cli_parse_format(void **state)
{
	bool json = false;

	(void)state;
	cli_json_errors = false;
	expect(format_of, "csv", 2, "", true);
	assert_false(cli_json_errors);
	expect(format_of, "yaml", -EINVAL,
	       "ward: status: -o: unknown format 'yaml' (table|json|csv)\n"
	       "Try 'ward status --help'.\n",
	       true);
	assert_int_equal(cli_parse_text_json("doctor", "json", &json), 0);
	assert_true(json);
	/* -o json makes errors JSON too */
	assert_true(cli_json_errors);
	expect(format_of, "xml", -EINVAL,
	       "{\"level\":\"error\",\"command\":\"status\",\"message\":\"-o: unknown format "
	       "'xml' (table|json|csv)\",\"hint\":\"Try 'ward status --help'.\"}\n",
	       true);
	cli_json_errors = false;
}

/* getopt over the NULL-terminated argv arg: the options of a command taking -o FORMAT,
 * --output FILE and -v. */
static int getopt_of(void *arg)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'o' },
		{ "output", required_argument, NULL, 'O' },
		{ "verbose", no_argument, NULL, 'v' },
		{},
	};
	char **argv = arg;
	int argc = 0, c;

	while (argv[argc])
		argc++;
	optind = 1;
	while ((c = cli_getopt("profile merge", argc, argv, ":o:v", opts)) != -1)
		if (c == '?')
			return c;
	return 0;
}

static void test_cli_getopt(void **state)
{
	static const struct {
		const char *args[4];
		const char *said;
	} cases[] = {
		{ { "merge", "--bogus", NULL }, "unknown option '--bogus'" },
		{ { "merge", "--bogus=1", NULL }, "unknown option '--bogus'" },
		{ { "merge", "-x", NULL }, "unknown option '-x'" },
		{ { "merge", "-vx", NULL }, "unknown option '-x'" },
		{ { "merge", "-o", NULL }, "option '-o' needs a value" },
		{ { "merge", "--output", NULL }, "option '--output' needs a value" },
		{ { "merge", "--verbose=yes", NULL }, "option '--verbose' takes no value" },
	};
	char want[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(want, sizeof(want),
			 "ward: profile merge: %s\nTry 'ward profile merge --help'.\n",
			 cases[i].said);
		expect(getopt_of, cases[i].args, '?', want, true);
	}
	expect(getopt_of, (const char *[]){ "merge", "-o", "json", "-v", "--output=f", NULL }, 0,
	       "", true);
}

static int usage_of_program(void *arg)
{
	return cli_usage(NULL, "unknown command '%s'", (const char *)arg);
}

static void test_cli_usage(void **state)
{
	(void)state;
	expect(usage_of_program, "bogus", CLI_USAGE,
	       "ward: unknown command 'bogus'\nTry 'ward --help'.\n", true);
	cli_prog = "rulesc";
	expect(usage_of_program, "x", CLI_USAGE,
	       "rulesc: unknown command 'x'\nTry 'rulesc --help'.\n", true);
	cli_prog = "ward";
}

/* One line of diagnostics: the errors with their locations, else the warnings;
 * rc_diags_move() keeps order and counts. */
static void test_cli_diags_line(void **state)
{
	struct rc_loc at = { .file = "p.yaml", .line = 3, .col = 7 }, whole = { .file = "k.pem" };
	struct rc_diags d, more;
	char buf[256], tiny[8];

	(void)state;
	rc_diags_init(&d);
	rc_diags_init(&more);
	assert_string_equal(cli_diags_line(&d, buf, sizeof(buf)), "");
	assert_false(cli_diags_located(&d));
	rc_diag(&d, RC_WARNING, "never-matches", &at, NULL, "never matches");
	assert_string_equal(cli_diags_line(&d, buf, sizeof(buf)), "p.yaml:3:7: never matches");
	rc_diag(&more, RC_ERROR, "unreadable", &whole, NULL, "%s", strerror(ENOENT));
	rc_diag(&more, RC_ERROR, "kernel-refused", NULL, NULL, "exec: did not load");
	rc_diags_move(&d, &more);
	assert_int_equal(more.n, 0);
	assert_int_equal(more.n_errors, 0);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.n_errors, 2);
	assert_int_equal(d.n_warnings, 1);
	assert_int_equal(d.v[2].seq, 2);
	assert_true(cli_diags_located(&d));
	assert_string_equal(cli_diags_line(&d, buf, sizeof(buf)),
			    "k.pem: No such file or directory; exec: did not load");
	assert_string_equal(cli_diags_line(&d, tiny, sizeof(tiny)), "k.pem: ");
	rc_diags_free(&d);
	rc_diags_free(&more);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rc_parse_duration), cmocka_unit_test(test_cli_values),
		cmocka_unit_test(test_cli_parse_format),  cmocka_unit_test(test_cli_getopt),
		cmocka_unit_test(test_cli_usage),	  cmocka_unit_test(test_cli_diags_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
