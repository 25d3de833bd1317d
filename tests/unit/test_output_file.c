// SPDX-License-Identifier: Apache-2.0
/* --output FILE (engine/core/output.c): rotation by size into FILE.1 ...
 * FILE.keep with every row kept whole and counted once, a header on each new
 * table/CSV file, and reopening on SIGHUP after logrotate moved the file. */
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

#include "core/output.h"
#include "core/sink.h"

static const struct out_col cols[] = { { "n", OUT_U64, 6, OUT_F_RIGHT },
				       { "word", OUT_STR, 0, 0 } };

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ward-output-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* Lines in path that contain what, and all lines; -1 when it does not exist. */
static long lines(const char *path, const char *what, long *ret_all)
{
	char line[256];
	long n = 0, all = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		all++;
		n += strstr(line, what) != NULL;
	}
	fclose(f);
	if (ret_all)
		*ret_all = all;
	return n;
}

static void write_rows(struct out *o, int from, int to)
{
	for (int i = from; i < to; i++) {
		union out_val v[2] = { { .u = (uint64_t)i }, { .s = "row-of-the-test" } };

		assert_int_equal(out_row(o, v, 3), 0);
	}
}

/* An output of the test's columns on the file dir/name (its path in path). */
static struct out *open_file(struct sinks *set, const char *name, enum out_format fmt,
			     const struct file_opts *fo, char path[128])
{
	struct out *o;

	snprintf(path, 128, "%s/%s", dir, name);
	assert_int_equal(sink_file_add(set, path, fmt, fo), 0);
	o = out_new(set, "test", OUT_EVENT, cols, 2);
	assert_non_null(o);
	return o;
}

static void test_rotate(void **state)
{
	struct file_opts fo = { .max_size = 4096, .keep = 2 };
	struct sinks set = { 0 };
	char path[128], rot[160];
	long total = 0, all, n;
	struct out *o;
	const char *failed = NULL;

	(void)state;
	o = open_file(&set, "ward.json", OUT_JSON, &fo, path);
	write_rows(o, 0, 100); /* ~60 bytes a row: one full file and a part */
	n = lines(path, "row-of-the-test", &all);
	snprintf(rot, sizeof(rot), "%s.1", path);
	total = n + lines(rot, "row-of-the-test", NULL);
	assert_true(n > 0 && n < 100);
	assert_int_equal(total, 100);
	assert_int_equal(n, all); /* every line whole */
	snprintf(rot, sizeof(rot), "%s.2", path);
	assert_int_equal(lines(rot, "x", NULL), -1);
	/* many more: only keep rotated files stay */
	write_rows(o, 100, 1000);
	snprintf(rot, sizeof(rot), "%s.3", path);
	assert_int_equal(lines(rot, "x", NULL), -1);
	snprintf(rot, sizeof(rot), "%s.2", path);
	assert_true(lines(rot, "row-of-the-test", NULL) > 50);
	assert_int_equal(sinks_close(&set, &failed), 0);
	out_free(o);
}

/* A table file gets its header again at the top of each new file. */
static void test_rotate_table(void **state)
{
	struct file_opts fo = { .max_size = 4096, .keep = 1 };
	struct sinks set = { 0 };
	char path[128], rot[160];
	const char *failed = NULL;
	struct out *o;

	(void)state;
	o = open_file(&set, "ward.txt", OUT_TABLE, &fo, path);
	write_rows(o, 0, 200);
	snprintf(rot, sizeof(rot), "%s.1", path);
	assert_int_equal(lines(rot, "word", NULL), 1);
	assert_int_equal(lines(path, "word", NULL), 1);
	assert_int_equal(sinks_close(&set, &failed), 0);
	out_free(o);
}

/* logrotate: the file is renamed, SIGHUP reopens the path: the rows after
 * it go to a new file, those before stay in the moved one. */
static void test_reopen(void **state)
{
	struct file_opts fo = { .keep = FILE_KEEP_DEFAULT };
	struct sinks set = { 0 };
	char path[128], moved[160];
	const char *failed = NULL;
	struct out *o;

	(void)state;
	o = open_file(&set, "ward.csv", OUT_CSV, &fo, path);
	write_rows(o, 0, 10);
	snprintf(moved, sizeof(moved), "%s.old", path);
	assert_int_equal(rename(path, moved), 0);
	write_rows(o, 10, 12); /* still to the moved file, as logrotate expects */
	assert_int_equal(sinks_reopen(&set, &failed), 0);
	write_rows(o, 12, 15);
	assert_int_equal(lines(moved, "row-of-the-test", NULL), 12);
	assert_int_equal(lines(path, "row-of-the-test", NULL), 3);
	assert_int_equal(lines(path, "n,word", NULL), 1); /* the header again */
	/* a reopen that cannot open: an error naming the file, then no row is
	 * taken (each an error) until a reopen succeeds */
	snprintf(moved, sizeof(moved), "%s.gone", dir);
	assert_int_equal(rename(dir, moved), 0);
	assert_int_equal(sinks_reopen(&set, &failed), -ENOENT);
	assert_string_equal(failed, path);
	{
		union out_val v[2] = { { .u = 99 }, { .s = "lost" } };

		assert_int_equal(out_row(o, v, 3), -EBADF);
	}
	assert_int_equal(rename(moved, dir), 0);
	assert_int_equal(sinks_reopen(&set, &failed), 0);
	write_rows(o, 15, 16);
	assert_int_equal(lines(path, "row-of-the-test", NULL), 4);
	assert_int_equal(sinks_close(&set, &failed), 0);
	out_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rotate),
		cmocka_unit_test(test_rotate_table),
		cmocka_unit_test(test_reopen),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
