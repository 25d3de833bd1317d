// SPDX-License-Identifier: Apache-2.0
/* The Prometheus registry and text format (engine/metrics/metrics.c) and the
 * listen addresses of --metrics (engine/core/http.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/http.h"
#include "metrics/metrics.h"

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
		cmocka_unit_test(test_listen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
