// SPDX-License-Identifier: Apache-2.0
/* PolicyTest cases: build the event, select policies, evaluate, compare. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "rulesc.h"

int rc_case_event(const struct rc_case *tc, struct rc_event *ret)
{
	struct rc_event ev = {
		.op = (enum rc_event_op)tc->op,
		.path = tc->path,
		.parent = tc->parent && tc->parent[0] == '/' ? tc->parent : NULL,
		.parent_applet = tc->parent && tc->parent[0] != '/' ? tc->parent : NULL,
		.access = tc->access,
		.stdio_socket = tc->stdio_socket,
		.terminal = tc->terminal,
		.port = tc->port,
		.proto = tc->proto,
		.num = tc->num,
	};

	memcpy(ev.addr, tc->addr, sizeof(ev.addr));
	*ret = ev;
	return 0;
}

static int run_case(const struct ward_bundle *b, const struct rc_case *tc,
		    struct rc_case_result *res)
{
	const char *keys[64], *vals[64];
	struct rc_container c = { .host = tc->host, .name = tc->cname, .image = tc->image };
	uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP];
	struct rc_event ev;
	const char *got_rule;
	int n, r;

	memset(res, 0, sizeof(*res));
	res->tc = tc;
	if (tc->n_labels > 64) {
		snprintf(res->why, sizeof(res->why), "more than 64 labels");
		return 0;
	}
	for (size_t i = 0; i < tc->n_labels; i++) {
		keys[i] = tc->labels[i].key;
		vals[i] = tc->labels[i].value;
	}
	c.label_keys = keys;
	c.label_values = vals;
	c.n_labels = tc->n_labels;
	n = ward_bundle_select(b, &c, ids);
	if (n < 0) {
		snprintf(res->why, sizeof(res->why), "more than %d policies select this container",
			 WARD_MAX_POLICIES_PER_CGROUP);
		return 0;
	}
	rc_case_event(tc, &ev);
	r = ward_eval(b, ids, (size_t)n, &ev, &res->got);
	if (r < 0)
		return r;
	got_rule =
		res->got.decider == WARD_NONE || res->got.m[res->got.decider].rule == WARD_NONE
			? "default"
			: ward_bundle_str(b, b->rules[res->got.m[res->got.decider].rule].name_off);
	if (res->got.effective != tc->expect) {
		snprintf(res->why, sizeof(res->why), "expected %s, got %s (rule %s)",
			 rc_action_name(tc->expect), rc_action_name(res->got.effective), got_rule);
		return 0;
	}
	if (tc->expect_rule && strcmp(tc->expect_rule, got_rule) != 0) {
		snprintf(res->why, sizeof(res->why), "expected rule %s, got rule %s",
			 tc->expect_rule, got_rule);
		return 0;
	}
	res->pass = true;
	return 0;
}

int rc_run_tests(const struct rc_set *s, const struct ward_bundle *b, struct rc_case_result **ret,
		 size_t *ret_n)
{
	struct rc_case_result *v = calloc(s->n_cases ? s->n_cases : 1, sizeof(*v));
	int failed = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_cases; i++) {
		int r = run_case(b, &s->cases[i], &v[i]);

		if (r < 0) {
			free(v);
			return r;
		}
		failed += !v[i].pass;
	}
	*ret = v;
	*ret_n = s->n_cases;
	return failed;
}
