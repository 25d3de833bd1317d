// SPDX-License-Identifier: Apache-2.0
/* Alert aggregation (engine/enforce/aggregate.c): the first of a key at once,
 * the rest of its window as one record, exact counts, storms, keys. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "enforce/aggregate.h"
#include "ward/bundle_maps.h"

#define S 1000000000ULL

static struct ward_alert alert(uint64_t ts, uint32_t rule, const char *object, uint32_t pid)
{
	struct ward_alert a = { .ts_ns = ts,
				.cgroup_id = 42,
				.generation = 1,
				.policy_id = 1,
				.rule = rule,
				.pid = pid,
				.op = WARD_OP_OPEN,
				.action = WARD_ACT_BLOCK,
				.mode = WARD_MODE_AUDIT };

	snprintf(a.object, sizeof(a.object), "%s", object);
	snprintf(a.comm, sizeof(a.comm), "cat");
	return a;
}

struct seen {
	uint64_t records, alerts;
	uint64_t first_ns, last_ns;
	char last_object[WARD_ALERT_PATH];
};

static int count(void *ctx, const struct ward_alert *a, const struct container_info *ci,
		 const struct agg_count *c)
{
	struct seen *s = ctx;

	assert_string_equal(ci->name, "web");
	assert_true(c->count > 0 && c->first_ns <= c->last_ns && c->last_ns == a->ts_ns);
	s->records++;
	s->alerts += c->count;
	s->first_ns = c->first_ns;
	s->last_ns = c->last_ns;
	snprintf(s->last_object, sizeof(s->last_object), "%s", a->object);
	return 0;
}

static const struct container_info web = { .cgroup_id = 42, .name = "web" };

/* 100,000 identical alerts over 25 s, windows of 10 s, flushed every 3 s:
 * a few records, the counts summing to every alert; a second incident in
 * the storm is reported at once. */
static void test_storm(void **state)
{
	struct alert_agg *g = agg_new(10 * S, AGG_KEY_DEFAULT);
	struct seen seen = { 0 };
	uint64_t at_once = 0, next_flush = 3 * S, other = 0;
	struct ward_alert a;

	(void)state;
	assert_non_null(g);
	for (uint64_t i = 0; i < 100000; i++) {
		uint64_t ts = i * 250000; /* 4 per ms: 25 s */

		if (ts >= next_flush) {
			assert_int_equal(agg_flush(g, ts, false, count, &seen), 0);
			next_flush += 3 * S;
		}
		a = alert(ts, 3, "/etc/shadow", 100 + (uint32_t)(i % 7));
		at_once += agg_offer(g, &a, &web);
		if (i == 50000) { /* another rule, another object: its own incident */
			a = alert(ts, 4, "/etc/gshadow", 1);
			other = agg_offer(g, &a, &web);
		}
	}
	assert_int_equal(at_once, 1);
	assert_int_equal(other, 1);
	assert_int_equal(agg_flush(g, 25 * S, true, count, &seen), 0);
	assert_int_equal(agg_size(g), 0);
	assert_int_equal(seen.alerts + at_once, 100000);
	assert_true(seen.records >= 2 && seen.records <= 6);
	assert_string_equal(seen.last_object, "/etc/shadow");
	agg_free(g);
}

/* Quiet for a window: the next one is a new incident, reported at once; a
 * lone alert leaves no record behind. */
static void test_windows(void **state)
{
	struct alert_agg *g = agg_new(10 * S, AGG_KEY_DEFAULT);
	struct seen seen = { 0 };
	struct ward_alert a = alert(0, 3, "/etc/shadow", 1);

	(void)state;
	assert_int_equal(agg_offer(g, &a, &web), 1);
	a.ts_ns = 2 * S;
	assert_int_equal(agg_offer(g, &a, &web), 0);
	a.ts_ns = 4 * S;
	assert_int_equal(agg_offer(g, &a, &web), 0);
	assert_int_equal(agg_flush(g, 9 * S, false, count, &seen), 0);
	assert_int_equal(seen.records, 0); /* the window is open */
	assert_int_equal(agg_flush(g, 10 * S, false, count, &seen), 0);
	assert_int_equal(seen.records, 1);
	assert_int_equal(seen.alerts, 2);
	assert_int_equal(seen.first_ns, 2 * S);
	assert_int_equal(seen.last_ns, 4 * S);
	/* the next window stays quiet: the key is forgotten */
	assert_int_equal(agg_flush(g, 21 * S, false, count, &seen), 0);
	assert_int_equal(agg_size(g), 0);
	a.ts_ns = 30 * S;
	assert_int_equal(agg_offer(g, &a, &web), 1);
	/* a key whose window ended but was not flushed yet, with nothing
	 * counted: a new incident too */
	a.ts_ns = 45 * S;
	assert_int_equal(agg_offer(g, &a, &web), 1);
	assert_int_equal(agg_flush(g, 100 * S, true, count, &seen), 0);
	assert_int_equal(seen.records, 1);
	agg_free(g);
}

/* The key: by default pid and comm do not count; with pid in the key they do;
 * rule and object always split incidents. */
static void test_keys(void **state)
{
	struct alert_agg *g = agg_new(10 * S, AGG_KEY_DEFAULT);
	struct ward_alert a = alert(0, 3, "/etc/shadow", 1), b = alert(0, 3, "/etc/shadow", 2);
	unsigned int key;

	(void)state;
	assert_int_equal(agg_offer(g, &a, &web), 1);
	assert_int_equal(agg_offer(g, &b, &web), 0);
	b = alert(0, 3, "/etc/passwd", 1);
	assert_int_equal(agg_offer(g, &b, &web), 1);
	b = alert(0, 5, "/etc/shadow", 1);
	assert_int_equal(agg_offer(g, &b, &web), 1);
	agg_free(g);

	assert_int_equal(agg_parse_key("container,pid", &key), 0);
	assert_int_equal(key, AGG_CONTAINER | AGG_PID);
	g = agg_new(10 * S, key);
	b = alert(0, 9, "/x", 2);
	assert_int_equal(agg_offer(g, &a, &web), 1);
	assert_int_equal(agg_offer(g, &b, &web), 1); /* another pid */
	b = alert(0, 9, "/x", 1);
	assert_int_equal(agg_offer(g, &b, &web), 0); /* same container and pid */
	agg_free(g);

	assert_int_equal(agg_parse_key("", &key), -EINVAL);
	assert_int_equal(agg_parse_key("pid,", &key), -EINVAL);
	assert_int_equal(agg_parse_key("pid,bogus", &key), -EINVAL);
	assert_int_equal(agg_parse_key("exe,comm,uid", &key), 0);
	assert_int_equal(key, AGG_EXE | AGG_COMM | AGG_UID);
}

/* Past AGG_ENTRIES_MAX keys, new ones are reported as they come, never lost. */
static void test_full(void **state)
{
	struct alert_agg *g = agg_new(10 * S, AGG_KEY_DEFAULT);
	struct seen seen = { 0 };
	uint64_t at_once = 0;
	char path[32];

	(void)state;
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < AGG_ENTRIES_MAX + 100; i++) {
			struct ward_alert a;

			snprintf(path, sizeof(path), "/f%d", i);
			a = alert(1, 3, path, 1);
			at_once += agg_offer(g, &a, &web);
		}
	assert_int_equal(agg_size(g), AGG_ENTRIES_MAX);
	assert_int_equal(at_once, AGG_ENTRIES_MAX + 2 * 100);
	assert_int_equal(agg_flush(g, 0, true, count, &seen), 0);
	assert_int_equal(at_once + seen.alerts, 2 * (AGG_ENTRIES_MAX + 100));
	agg_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_storm),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
