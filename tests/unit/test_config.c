// SPDX-License-Identifier: Apache-2.0
/* /etc/ward/ward.yaml (engine/config.c): every key, and errors with their place. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/output.h"
#include "enforce/aggregate.h"
#include "trace/tracker.h"

static int parse(const char *text, struct ward_config *c, struct rc_diags *d)
{
	rc_diags_init(d);
	return config_parse("ward.yaml", text, strlen(text), c, d);
}

static void test_every_key(void **state)
{
	struct ward_config c;
	struct rc_diags d;

	(void)state;
	assert_int_equal(parse("policy: /etc/ward/policies\n"
			       "trustedKey: /etc/ward/key.pem\n"
			       "audit: true\n"
			       "noPolicy: false\n"
			       "unpinOnExit: true\n"
			       "events: [tcp, process, tcp]\n"
			       "interval: 1m30s\n"
			       "duration: 2h\n"
			       "container: web\n"
			       "format: csv\n"
			       "output: /var/log/ward.csv\n"
			       "verbose: true\n"
			       "metrics: \"[::1]:9464\"\n"
			       "metricsContainers: 20\n"
			       "noAggregate: true\n"
			       "aggregateWindow: 1m\n"
			       "aggregateKey: [container, pid]\n"
			       "apiSocket: /run/ward/api.sock\n",
			       &c, &d),
			 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(c.policy, "/etc/ward/policies");
	assert_string_equal(c.trusted_key, "/etc/ward/key.pem");
	assert_true(c.audit && c.unpin_on_exit && c.verbose && !c.no_policy);
	assert_int_equal(c.events.n, 2); /* once each, in order */
	assert_ptr_equal(c.events.v[0], tracker_find("tcp"));
	assert_ptr_equal(c.events.v[1], tracker_find("process"));
	assert_int_equal(c.interval_s, 90);
	assert_int_equal(c.duration_s, 7200);
	assert_string_equal(c.container, "web");
	assert_int_equal(c.format, OUT_CSV);
	assert_string_equal(c.output, "/var/log/ward.csv");
	assert_string_equal(c.metrics, "[::1]:9464");
	assert_int_equal(c.metrics_containers, 20);
	assert_true(c.no_aggregate);
	assert_int_equal(c.aggregate_window_s, 60);
	assert_int_equal(c.aggregate_key, AGG_CONTAINER | AGG_PID);
	assert_string_equal(c.api_socket, "/run/ward/api.sock");
	assert_int_equal(c.set, CK_POLICY | CK_TRUSTED_KEY | CK_AUDIT | CK_NO_POLICY |
					CK_UNPIN_ON_EXIT | CK_EVENTS | CK_INTERVAL | CK_CONTAINER |
					CK_FORMAT | CK_OUTPUT | CK_VERBOSE | CK_METRICS |
					CK_METRICS_CONTAINERS | CK_DURATION | CK_NO_AGGREGATE |
					CK_AGGREGATE_WINDOW | CK_AGGREGATE_KEY | CK_API_SOCKET);
	config_free(&c);
	rc_diags_free(&d);

	assert_int_equal(parse("events: [all]\n", &c, &d), 0);
	assert_int_equal(c.events.n, TRACKER_COUNT);
	config_free(&c);
	rc_diags_free(&d);
	/* the shipped file, every key commented out, sets nothing */
	assert_int_equal(parse("# ward server's options\n\n  # format: json\n", &c, &d), 0);
	assert_int_equal(c.set, 0);
	rc_diags_free(&d);
}

/* One error per bad key, each at its place, and nothing returned. */
static void test_errors(void **state)
{
	static const struct {
		const char *code;
		uint32_t line, col;
		const char *hint;
	} want[] = {
		{ "unknown-key", 1, 1, "did you mean 'interval'?" },
		{ "bad-value", 2, 8, "true or false" },
		{ "unknown-tracker", 3, 19, "process, files, tcp, syscall or all" },
		{ "bad-value", 4, 11, "seconds, or 90s, 15m, 2h; at most a day" },
		{ "bad-value", 5, 9, "table, json or csv" },
		{ "bad-type", 6, 9, "" },
		{ "bad-value", 8, 10,
		  "ADDR:PORT with a numeric IPv4 or [IPv6] address; PORT alone: loopback" },
		{ "bad-value", 9, 20, "a whole number, at most 100000" },
		{ "bad-value", 10, 12, "an absolute path of at most 107 bytes" },
	};
	struct ward_config c;
	struct rc_diags d;

	(void)state;
	assert_int_equal(parse("intervl: 5s\n"
			       "audit: yes\n"
			       "events: [process, tcpp]\n"
			       "interval: 2d\n"
			       "format: yaml\n"
			       "policy: [a, b]\n"
			       "verbose: true\n"
			       "metrics: localhost:9464\n"
			       "metricsContainers: -1\n"
			       "apiSocket: ward.sock\n",
			       &c, &d),
			 -EINVAL);
	assert_int_equal(d.n_errors, sizeof(want) / sizeof(want[0]));
	rc_diags_sort(&d);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_string_equal(d.v[i].code, want[i].code);
		assert_int_equal(d.v[i].line, want[i].line);
		assert_int_equal(d.v[i].col, want[i].col);
		assert_string_equal(d.v[i].hint, want[i].hint);
	}
	assert_null(c.policy);
	assert_int_equal(c.set, 0);
	rc_diags_free(&d);

	assert_int_equal(parse("events: process\n", &c, &d), -EINVAL);
	assert_string_equal(d.v[0].code, "bad-type");
	assert_string_equal(d.v[0].hint, "events: [process, files, tcp]");
	rc_diags_free(&d);
	assert_int_equal(parse("- format\n", &c, &d), -EINVAL);
	assert_string_equal(d.v[0].code, "bad-type");
	rc_diags_free(&d);
	assert_int_equal(parse("format: json\n---\nformat: csv\n", &c, &d), -EINVAL);
	assert_string_equal(d.v[0].code, "several-documents");
	rc_diags_free(&d);
}

/* The outputs list: each type's keys, filters, and errors at their places. */
static void test_outputs(void **state)
{
	static const struct {
		const char *code;
		uint32_t line, col;
	} want[] = {
		{ "unknown-key", 4, 5 }, /* maxSize of syslog */
		{ "bad-value", 5, 11 },	 /* type webhok */
		{ "missing-key", 6, 5 }, /* no type */
		{ "missing-key", 7, 5 }, /* a file without a path */
		{ "bad-value", 9, 10 },	 /* url */
		{ "bad-value", 10, 18 }, /* minSeverity */
		{ "bad-value", 11, 5 },	 /* alertsOnly and events */
		{ "bad-type", 12, 5 },	 /* not a mapping */
	};
	const struct config_output *o;
	struct ward_config c;
	struct rc_diags d;

	(void)state;
	assert_int_equal(
		parse("outputs:\n"
		      "  - {type: stdout, alertsOnly: true}\n"
		      "  - type: file\n"
		      "    path: /var/log/ward.json\n"
		      "    format: json\n"
		      "    maxSize: 1M\n"
		      "    keep: 3\n"
		      "    events: [process, tcp]\n"
		      "  - {type: syslog, target: 'udp:127.0.0.1:514', minSeverity: high}\n"
		      "  - {type: webhook, url: 'https://h/x', tokenFile: /etc/ward/t}\n"
		      "  - {type: otlp, url: 'http://127.0.0.1:4318/v1/logs'}\n",
		      &c, &d),
		0);
	assert_int_equal(c.set, CK_OUTPUTS);
	assert_int_equal(c.n_outputs, 5);
	o = c.outputs;
	assert_int_equal(o[0].type, CO_STDOUT);
	assert_true(o[0].alerts_only);
	assert_false(config_output_has_format(&o[0]));
	assert_int_equal(o[1].type, CO_FILE);
	assert_string_equal(o[1].path, "/var/log/ward.json");
	assert_true(config_output_has_format(&o[1]));
	assert_int_equal(o[1].format, OUT_JSON);
	assert_int_equal(o[1].max_size, 1 << 20);
	assert_int_equal(o[1].keep, 3);
	assert_int_equal(o[1].events.n, 2);
	assert_ptr_equal(o[1].events.v[1], tracker_find("tcp"));
	assert_int_equal(o[2].type, CO_SYSLOG);
	assert_string_equal(o[2].target, "udp:127.0.0.1:514");
	assert_int_equal(o[2].min_severity, WARD_SEV_HIGH);
	assert_int_equal(o[3].type, CO_WEBHOOK);
	assert_string_equal(o[3].url, "https://h/x");
	assert_string_equal(o[3].token_file, "/etc/ward/t");
	assert_int_equal(o[4].type, CO_OTLP);
	config_free(&c);
	rc_diags_free(&d);

	assert_int_equal(
		parse("outputs:\n"
		      "  - type: syslog\n"
		      "    target: udp:127.0.0.1:514\n"
		      "    maxSize: 1M\n"
		      "  - type: webhok\n"
		      "  - path: x\n"
		      "  - type: file\n"
		      "  - type: webhook\n"
		      "    url: ftp://x\n"
		      "    minSeverity: huge\n"
		      "  - {type: otlp, url: 'http://h/', alertsOnly: true, events: [tcp]}\n"
		      "  - stdout\n",
		      &c, &d),
		-EINVAL);
	rc_diags_sort(&d);
	assert_int_equal(d.n_errors, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_string_equal(d.v[i].code, want[i].code);
		assert_int_equal(d.v[i].line, want[i].line);
		assert_int_equal(d.v[i].col, want[i].col);
	}
	assert_null(c.outputs);
	rc_diags_free(&d);
}

static void test_missing(void **state)
{
	struct ward_config c;
	struct rc_diags d;

	(void)state;
	rc_diags_init(&d);
	assert_int_equal(config_load("/nonexistent/ward.yaml", &c, &d), -ENOENT);
	assert_int_equal(d.n, 0);
	rc_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_outputs),
		cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
