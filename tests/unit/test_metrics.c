// SPDX-License-Identifier: Apache-2.0
/* The Prometheus registry and text format (engine/metrics/metrics.c), the
 * decision families kept monotonic across pruned generations
 * (engine/metrics/exporter.c), /proc/self/stat, ring-buffer fill
 * (engine/trace/ringfill.c) and the listen addresses of --metrics
 * (engine/core/http.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <time.h>
#include <unistd.h>

#include "ward/bundle_maps.h"
#include "core/http.h"
#include "metrics/exporter.h"
#include "metrics/metrics.h"
#include "trace/ringfill.h"

static char *page(struct metrics *m)
{
	size_t len;
	char *p = metrics_render(m, &len);

	assert_non_null(p);
	assert_int_equal(strlen(p), len);
	return p;
}

/* HELP and TYPE once per family, series in the order they came, label
 * values escaped, whole numbers without a fraction. */
static void test_render(void **state)
{
	struct metrics *m = metrics_new();
	struct metrics_family *a, *g;
	char *p;

	(void)state;
	assert_non_null(m);
	a = metrics_family(m, "ward_alerts_total", METRICS_COUNTER, "Alerts \\ reported\nhere.",
			   (const char *const[]){ "policy", "rule", NULL }, SIZE_MAX);
	g = metrics_family(m, "ward_policy_generation", METRICS_GAUGE, "Generation.", NULL,
			   SIZE_MAX);
	assert_non_null(a);
	assert_non_null(g);
	assert_int_equal(metrics_add(a, (const char *const[]){ "p", "r\"1\\\n" }, 1), 0);
	assert_int_equal(metrics_add(a, (const char *const[]){ "p", "r2" }, 2), 0);
	assert_int_equal(metrics_add(a, (const char *const[]){ "p", "r\"1\\\n" }, 3), 0);
	assert_int_equal(metrics_set(g, NULL, 7), 0);
	assert_int_equal(metrics_set(g, NULL, 0.25), 0);
	p = page(m);
	assert_string_equal(p, "# HELP ward_alerts_total Alerts \\\\ reported\\nhere.\n"
			       "# TYPE ward_alerts_total counter\n"
			       "ward_alerts_total{policy=\"p\",rule=\"r\\\"1\\\\\\n\"} 4\n"
			       "ward_alerts_total{policy=\"p\",rule=\"r2\"} 2\n"
			       "# HELP ward_policy_generation Generation.\n"
			       "# TYPE ward_policy_generation gauge\n"
			       "ward_policy_generation 0.25\n");
	free(p);
	metrics_reset(a);
	p = page(m);
	assert_null(strstr(p, "ward_alerts_total{"));
	assert_non_null(strstr(p, "# TYPE ward_alerts_total counter\n"));
	free(p);
	metrics_free(m);
}

/* Past the cap every new label set counts in the one METRICS_OTHER series;
 * the sets seen first keep theirs. */
static void test_cap(void **state)
{
	struct metrics *m = metrics_new();
	struct metrics_family *f;
	char name[16], *p;

	(void)state;
	f = metrics_family(m, "ward_container_alerts_total", METRICS_COUNTER, "Per container.",
			   (const char *const[]){ "container", NULL }, 2);
	assert_non_null(f);
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "c%d", i % 5);
		assert_int_equal(metrics_add(f, (const char *const[]){ name }, 1), 0);
	}
	p = page(m);
	assert_non_null(strstr(p, "ward_container_alerts_total{container=\"c0\"} 2\n"));
	assert_non_null(strstr(p, "ward_container_alerts_total{container=\"c1\"} 2\n"));
	assert_non_null(strstr(p, "ward_container_alerts_total{container=\"_other\"} 6\n"));
	assert_null(strstr(p, "\"c2\""));
	assert_int_equal(metrics_folded(m), 6);
	free(p);

	/* a cap of 0: everything folded */
	f = metrics_family(m, "x_total", METRICS_COUNTER, "x.",
			   (const char *const[]){ "container", NULL }, 0);
	assert_int_equal(metrics_add(f, (const char *const[]){ "a" }, 1), 0);
	assert_int_equal(metrics_add(f, (const char *const[]){ "b" }, 1), 0);
	p = page(m);
	assert_non_null(strstr(p, "x_total{container=\"_other\"} 2\n"));
	free(p);
	metrics_free(m);
}

/* Many series: the lookup table grows and every series keeps its value. */
static void test_many(void **state)
{
	struct metrics *m = metrics_new();
	struct metrics_family *f;
	char name[16], want[64], *p;

	(void)state;
	f = metrics_family(m, "many_total", METRICS_COUNTER, "Many.",
			   (const char *const[]){ "k", NULL }, SIZE_MAX);
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 1000; i++) {
			snprintf(name, sizeof(name), "k%d", i);
			assert_int_equal(metrics_add(f, (const char *const[]){ name }, i), 0);
		}
	p = page(m);
	for (int i = 0; i < 1000; i += 111) {
		snprintf(want, sizeof(want), "many_total{k=\"k%d\"} %d\n", i, 3 * i);
		assert_non_null(strstr(p, want));
	}
	free(p);
	metrics_free(m);
}

/* What scrapes read is the page published last, not the live registry. */
static void test_publish(void **state)
{
	struct metrics *m = metrics_new();
	struct metrics_family *g;
	size_t len;
	char *p;

	(void)state;
	assert_null(metrics_page(m, &len));
	g = metrics_family(m, "g", METRICS_GAUGE, "G.", NULL, SIZE_MAX);
	assert_int_equal(metrics_set(g, NULL, 1), 0);
	assert_int_equal(metrics_publish(m), 0);
	assert_int_equal(metrics_set(g, NULL, 2), 0);
	p = metrics_page(m, &len);
	assert_non_null(strstr(p, "\ng 1\n"));
	assert_int_equal(strlen(p), len);
	free(p);
	assert_int_equal(metrics_update_process(m), 0);
	assert_int_equal(metrics_publish(m), 0);
	p = metrics_page(m, &len);
	assert_non_null(strstr(p, "\ng 2\n"));
	assert_non_null(strstr(p, "\nprocess_resident_memory_bytes "));
	assert_non_null(strstr(p, "\nprocess_open_fds "));
	free(p);
	metrics_free(m);
}

/* The value of the series line (name and labels as rendered) in the page,
 * -1 when absent. */
static double value_of(const char *page, const char *series)
{
	char want[256];
	const char *p;

	(void)snprintf(want, sizeof(want), "\n%s ", series);
	p = strstr(page, want);
	return p ? strtod(p + strlen(want), NULL) : -1;
}

/* Rule 0 is a file rule, 1 an exec rule; a default is "default". */
static void classify(void *ctx, const struct ward_counter_key *k, const char **ret_class,
		     const char **ret_level)
{
	int *asked = ctx;

	(*asked)++;
	*ret_class = k->rule == 0 ? "file" : k->rule == 1 ? "exec" : "default";
	*ret_level = k->rule == 0 ? "sigkill" : k->rule == 1 ? "lsm" : "mixed";
}

struct entry {
	uint32_t gen, rule;
	uint64_t matches, blocks, would_block;
};

/* One read of the given entries, generation live in force. */
static void read_counters(struct exporter *x, uint32_t adopted, uint32_t live, int *asked,
			  const struct entry *e, size_t n)
{
	const struct exporter_counters r = { .adopted = adopted,
					     .keep_from = live > 1 ? live - 1 : 0,
					     .classify = classify,
					     .ctx = asked };

	for (size_t i = 0; i < n; i++) {
		struct ward_counter_key k = { .cgroup_id = 42,
					      .generation = e[i].gen,
					      .policy_id = 1,
					      .rule = e[i].rule,
					      .pad = (uint32_t)i }; /* not part of the key */
		struct ward_counter_val v = { e[i].matches, e[i].blocks, e[i].would_block };

		assert_int_equal(exporter_counter(x, &r, &k, &v), 0);
	}
	exporter_counters_done(x, &r);
}

#define READ(x, adopted, live, asked, ...)                                            \
	read_counters(x, adopted, live, asked, (const struct entry[]){ __VA_ARGS__ }, \
		      sizeof((const struct entry[]){ __VA_ARGS__ }) / sizeof(struct entry))

static void expect(struct exporter *x, double file, double file_blocks, double exec,
		   double exec_would)
{
	char *p = page(x->m);

	assert_true(value_of(p, "ward_decisions_total{class=\"file\",level=\"sigkill\"}") == file);
	assert_true(value_of(p, "ward_blocks_total{class=\"file\"}") == file_blocks);
	assert_true(value_of(p, "ward_decisions_total{class=\"exec\",level=\"lsm\"}") == exec);
	assert_true(value_of(p, "ward_would_block_total{class=\"exec\"}") == exec_would);
	free(p);
}

/* The decision families count what each entry grew by: an earlier daemon's
 * generation from the first read on, entries pruned with their generation
 * keep what they counted, an entry made again counts from 0, an entry a
 * read missed counts nothing twice; labels are asked once per entry. */
static void test_counters(void **state)
{
	struct sinks set = { 0 };
	struct exporter *x;
	int asked = 0;

	(void)state;
	assert_int_equal(exporter_open("127.0.0.1:0", 10, &set, &x), 0);
	/* generation 3 was pinned by an earlier daemon; this one made 4 */
	READ(x, 3, 4, &asked, { 3, 0, 5, 2, 0 }, { 4, 1, 3, 0, 1 });
	expect(x, 0, 0, 3, 1);
	READ(x, 3, 4, &asked, { 3, 0, 7, 3, 0 }, { 4, 1, 4, 0, 1 });
	expect(x, 2, 1, 4, 1);
	assert_int_equal(asked, 2);
	/* generation 5: the kernel pruned 3; a file rule of 5 decides */
	READ(x, 3, 5, &asked, { 4, 1, 4, 0, 2 }, { 5, 0, 1, 1, 0 });
	expect(x, 3, 2, 4, 2);
	/* a read that missed 5's entry (a hash map changing under the
	 * iteration), then has it again: nothing counted twice */
	READ(x, 3, 5, &asked, { 4, 1, 4, 0, 2 });
	READ(x, 3, 5, &asked, { 4, 1, 4, 0, 2 }, { 5, 0, 1, 1, 0 });
	expect(x, 3, 2, 4, 2);
	/* 3's entry made again by a program still in it, counting from 0;
	 * 4's read lower: deleted and made again */
	READ(x, 3, 5, &asked, { 3, 0, 1, 1, 0 }, { 4, 1, 1, 0, 0 }, { 5, 0, 1, 1, 0 });
	expect(x, 4, 3, 5, 2);
	/* kept while it is in the map, though its generation is old */
	READ(x, 3, 5, &asked, { 3, 0, 1, 1, 0 }, { 4, 1, 1, 0, 0 }, { 5, 0, 1, 1, 0 });
	expect(x, 4, 3, 5, 2);
	/* a default of several classes */
	READ(x, 3, 5, &asked, { 5, WARD_NONE, 2, 2, 0 });
	{
		char *p = page(x->m);

		assert_true(value_of(p, "ward_blocks_total{class=\"default\"}") == 2);
		free(p);
	}
	exporter_free(x);
	assert_int_equal(sinks_close(&set, NULL), 0);
}

/* /proc/PID/stat with a command name of spaces and parentheses; the
 * process's own families are sane. */
static void test_proc(void **state)
{
	static const char stat[] =
		"4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 1331 0 0 0 17 5 0 0 20 0 3 0 "
		"12345 21000000 1500 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0\n";
	unsigned long long cpu, start;
	struct metrics *m = metrics_new();
	char *p;

	(void)state;
	assert_int_equal(metrics_parse_stat(stat, &cpu, &start), 0);
	assert_int_equal(cpu, 22);
	assert_int_equal(start, 12345);
	assert_int_equal(metrics_parse_stat("4242 (a) S 1 2", &cpu, &start), -EINVAL);
	assert_int_equal(metrics_parse_stat("4242 (a", &cpu, &start), -EINVAL);
	assert_int_equal(metrics_parse_stat("4242 (a)", &cpu, &start), -EINVAL);

	assert_int_equal(metrics_update_process(m), 0);
	p = page(m);
	assert_true(value_of(p, "process_cpu_seconds_total") >= 0);
	assert_true(value_of(p, "process_resident_memory_bytes") > 100000);
	assert_true(value_of(p, "process_open_fds") >= 3);
	/* started in the last hour, not in the future */
	assert_true(value_of(p, "process_start_time_seconds") <= (double)time(NULL) + 1);
	assert_true(value_of(p, "process_start_time_seconds") > (double)time(NULL) - 3600);
	free(p);
	metrics_free(m);
}

/* A ring buffer's fill from its positions; a real one, empty, where this
 * user may make BPF maps. */
static void test_ring_fill(void **state)
{
	struct ring_fill f;
	double max;
	int fd;

	(void)state;
	assert_true(ring_fill_ratio(0, 0, 4096) == 0);
	assert_true(ring_fill_ratio(100, 1124, 4096) == 0.25);
	assert_true(ring_fill_ratio(1UL << 40, (1UL << 40) + 4096, 4096) == 1);
	assert_true(ring_fill_ratio(8, 4, 4096) == 0);
	assert_true(ring_fill_ratio(0, 10, 0) == 0);

	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "test_fill", 0, 0, 16384, NULL);
	if (fd < 0) {
		print_message("no BPF map (%s): the real ring buffer is skipped\n",
			      strerror(errno));
		return;
	}
	ring_fill_init(&f, fd, "test");
	assert_int_equal(ring_fill_sample(&f), 0);
	assert_int_equal(ring_fill_take(&f, &max), 0);
	assert_true(max == 0);
	assert_int_equal(f.size, 16384);
	ring_fill_close(&f);
	close(fd);
	ring_fill_init(&f, -1, "none");
	assert_true(ring_fill_take(&f, &max) < 0);
}

static void test_listen(void **state)
{
	static const struct {
		const char *in, *host;
		int port;
	} ok[] = {
		{ "9464", "127.0.0.1", 9464 },	 { ":9464", "127.0.0.1", 9464 },
		{ "0.0.0.0:80", "0.0.0.0", 80 }, { "[::1]:9464", "::1", 9464 },
		{ "[::]:0", "::", 0 },		 { "10.1.2.3:65535", "10.1.2.3", 65535 },
	};
	static const char *const bad[] = { "",
					   ":",
					   "x",
					   "localhost:9464",
					   "1.2.3:80",
					   "[::1]",
					   "1.2.3.4:65536",
					   "1.2.3.4:-1",
					   "1.2.3.4:+1",
					   "::1:80" /* IPv6 needs brackets */,
					   "1.2.3.4:80x" };
	char host[HTTP_ADDR_MAX];
	uint16_t port;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(http_parse_listen(ok[i].in, host, &port), 0);
		assert_string_equal(host, ok[i].host);
		assert_int_equal(port, ok[i].port);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(http_parse_listen(bad[i], host, &port), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render), cmocka_unit_test(test_cap),
		cmocka_unit_test(test_many),   cmocka_unit_test(test_publish),
		cmocka_unit_test(test_listen), cmocka_unit_test(test_counters),
		cmocka_unit_test(test_proc),   cmocka_unit_test(test_ring_fill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
