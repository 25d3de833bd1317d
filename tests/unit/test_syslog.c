// SPDX-License-Identifier: Apache-2.0
/* The syslog output (engine/core/syslog.c): targets and RFC 5424 messages. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/syslog.h"

static void test_targets(void **state)
{
	static const char *const bad[] = { "",
					   "/dev/log",
					   "unix:dev/log",
					   "udp:514",
					   "udp::514",
					   "udp:localhost:514",
					   "tcp:127.0.0.1:0",
					   "tcp:127.0.0.1:65536",
					   "tls:127.0.0.1:6514",
					   "udp:::1:514" };
	struct syslog_target t;

	(void)state;
	assert_int_equal(syslog_parse_target("unix:/dev/log", &t), 0);
	assert_int_equal(t.transport, SYSLOG_UNIX);
	assert_string_equal(t.path, "/dev/log");
	assert_int_equal(syslog_parse_target("udp:127.0.0.1:514", &t), 0);
	assert_int_equal(t.transport, SYSLOG_UDP);
	assert_string_equal(t.host, "127.0.0.1");
	assert_int_equal(t.port, 514);
	assert_int_equal(syslog_parse_target("tcp:[::1]:6514", &t), 0);
	assert_int_equal(t.transport, SYSLOG_TCP);
	assert_string_equal(t.host, "::1");
	assert_int_equal(t.port, 6514);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(syslog_parse_target(bad[i], &t), -EINVAL);
}

/* RFC 5424: header, one SD element with its values escaped, the message. */
static void test_format(void **state)
{
	const char *sd[] = { "policy", "p\"1", "rule", "r]\\x", NULL };
	char buf[256];
	int n;

	(void)state;
	n = syslog_format(buf, sizeof(buf), 4 * 8 + 3, "2026-12-06T20:00:00.123456Z", "host1", 42,
			  sd, "{\"a\":1}");
	assert_string_equal(buf, "<35>1 2026-12-06T20:00:00.123456Z host1 ward 42 alert "
				 "[ward@32473 policy=\"p\\\"1\" rule=\"r\\]\\\\x\"] {\"a\":1}");
	assert_int_equal(n, (int)strlen(buf));
	n = syslog_format(buf, sizeof(buf), 36, "-", "", 1, NULL, "m");
	assert_string_equal(buf, "<36>1 - - ward 1 alert [ward@32473] m");
	assert_int_equal(syslog_format(buf, 20, 36, "-", "h", 1, NULL, "a long message"), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
