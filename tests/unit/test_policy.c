// SPDX-License-Identifier: Apache-2.0
/* Policy loading (bundle / YAML / signatures), selector resolution and alert rendering. */
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
#include <jansson.h>

#include "enforce/alert.h"
#include "enforce/policy.h"
#include "rulesc.h"

static const char yaml_ok[] = "apiVersion: ward.dev/v1\n"
			      "kind: Policy\n"
			      "metadata: {name: p1}\n"
			      "spec:\n"
			      "  selector: {containers: [\"web-*\"]}\n"
			      "  mode: enforce\n"
			      "  defaults: {exec: allow}\n"
			      "  rules:\n"
			      "    - name: no-sh\n"
			      "      exec: {paths: [/bin/sh]}\n"
			      "      action: block\n"
			      "      severity: high\n";

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/ward-test-policy-XXXXXX.yaml");
	int fd;

	assert_non_null(path);
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_load_yaml(void **state)
{
	char *path = write_tmp(yaml_ok);
	struct rc_diags d;
	struct policy *p = NULL;

	(void)state;
	rc_diags_init(&d);
	assert_int_equal(policy_load(path, NULL, &p, &d), 0);
	assert_true(p->compiled);
	assert_int_equal(p->b->n_policies, 1);
	assert_int_equal(p->b->n_rules, 1);
	policy_free(p);
	rc_diags_free(&d);
	unlink(path);
	free(path);
}

static void test_load_bundle_and_key(void **state)
{
	char *path = write_tmp(yaml_ok), bpath[] = "/tmp/ward-test-bundle-XXXXXX";
	struct rc_diags d;
	struct policy *p = NULL, *q = NULL;
	int fd;

	(void)state;
	rc_diags_init(&d);
	assert_int_equal(policy_load(path, NULL, &p, &d), 0);
	fd = mkstemp(bpath);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p->buf, p->len), (ssize_t)p->len);
	close(fd);
	assert_int_equal(policy_load(bpath, NULL, &q, &d), 0);
	assert_false(q->compiled);
	assert_int_equal(q->b->n_rules, 1);
	policy_free(q);
	/* A trusted key accepts signed bundles only: YAML is refused up front. */
	assert_int_equal(policy_load(path, bpath, &q, &d), -EPERM);
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.v[0].code, "policy-not-signed");
	assert_string_equal(d.v[0].file, path); /* the file, no line */
	assert_int_equal(d.v[0].line, 0);
	assert_non_null(strstr(d.v[0].message, "signed bundles"));
	rc_diags_free(&d);
	/* An unsigned bundle does not pass a key check (the key file is no key). */
	assert_true(policy_load(bpath, path, &q, &d) < 0);
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.v[0].code, "bundle-signature");
	assert_string_equal(d.v[0].file, bpath);
	assert_non_null(strstr(d.v[0].message, "signature"));
	policy_free(p);
	rc_diags_free(&d);
	unlink(path);
	unlink(bpath);
	free(path);
}

static void test_load_errors(void **state)
{
	char *path = write_tmp("apiVersion: ward.dev/v1\nkind: Policy\nmetadata: {name: x}\n"
			       "spec: {bogus: 1}\n");
	struct rc_diags d;
	bool found = false;
	struct policy *p = NULL;

	(void)state;
	rc_diags_init(&d);
	assert_int_equal(policy_load(path, NULL, &p, &d), -EINVAL);
	/* the compiler's diagnostics, at their places, not flattened */
	assert_true(d.n_errors >= 1);
	for (size_t i = 0; i < d.n; i++) {
		if (strcmp(d.v[i].code, "unknown-key"))
			continue;
		assert_string_equal(d.v[i].file, path);
		assert_int_equal(d.v[i].line, 4);
		assert_int_equal(d.v[i].col, 8);
		assert_string_equal(d.v[i].text, "spec: {bogus: 1}");
		found = true;
	}
	assert_true(found);
	rc_diags_free(&d);
	assert_int_equal(policy_load("/nonexistent/ward", NULL, &p, &d), -ENOENT);
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.v[0].code, "policy-unreadable");
	assert_string_equal(d.v[0].file, "/nonexistent/ward");
	assert_int_equal(d.v[0].line, 0);
	rc_diags_free(&d);
	/* a load that works says nothing */
	unlink(path);
	free(path);
	path = write_tmp(yaml_ok);
	assert_int_equal(policy_load(path, NULL, &p, &d), 0);
	assert_int_equal(d.n, 0);
	policy_free(p);
	rc_diags_free(&d);
	unlink(path);
	free(path);
}

static void test_select(void **state)
{
	char *path = write_tmp(yaml_ok);
	struct container_info web = { .cgroup_id = 7 }, db = { .cgroup_id = 8 },
			      host = { .host = true };
	uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP];
	struct rc_diags d;
	struct policy *p = NULL;

	(void)state;
	rc_diags_init(&d);
	strcpy(web.name, "web-1");
	strcpy(db.name, "db-1");
	assert_int_equal(policy_load(path, NULL, &p, &d), 0);
	assert_int_equal(policy_select(p->b, &web, ids), 1);
	assert_int_equal(ids[0], 1);
	assert_int_equal(policy_select(p->b, &db, ids), 0);
	assert_int_equal(policy_select(p->b, &host, ids), 0);
	assert_int_equal(policy_host_count(p->b), 0);
	policy_free(p);
	rc_diags_free(&d);
	unlink(path);
	free(path);
}

/* Policies selecting host processes are counted (the server warns that
 * they decide nothing), and never selected for a cgroup. */
static void test_host_policies(void **state)
{
	char *path = write_tmp("apiVersion: ward.dev/v1\n"
			       "kind: Policy\n"
			       "metadata: {name: h1}\n"
			       "spec:\n"
			       "  selector: {host: true}\n"
			       "  mode: audit\n"
			       "  defaults: {exec: alert}\n"
			       "  rules: []\n");
	struct container_info host = { .host = true };
	uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP];
	struct rc_diags d;
	struct policy *p = NULL;

	(void)state;
	rc_diags_init(&d);
	assert_int_equal(policy_load(path, NULL, &p, &d), 0);
	assert_int_equal(policy_host_count(p->b), 1);
	assert_int_equal(policy_select(p->b, &host, ids), 0);
	policy_free(p);
	rc_diags_free(&d);
	unlink(path);
	free(path);
}

/* Label selectors see the container's labels and then its pod's (cri-o records
 * the pod's in its sandbox's state): a container's own label of a name wins. */
static void test_pod_labels(void **state)
{
	char *path = write_tmp("apiVersion: ward.dev/v1\n"
			       "kind: Policy\n"
			       "metadata: {name: cache}\n"
			       "spec:\n"
			       "  selector: {labels: {app: cache}}\n"
			       "  mode: audit\n"
			       "  defaults: {exec: alert}\n"
			       "  rules: []\n");
	struct container_label own[] = { { "app", "sidecar" } };
	struct container_label pod[] = { { "app", "cache" }, { "tier", "backend" } };
	struct container_info ci = { .cgroup_id = 7, .k8s_labels = pod, .n_k8s_labels = 2 };
	uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP];
	struct rc_diags d;
	struct policy *p = NULL;

	(void)state;
	strcpy(ci.name, "redis");
	rc_diags_init(&d);
	assert_int_equal(policy_load(path, NULL, &p, &d), 0);
	assert_int_equal(policy_select(p->b, &ci, ids), 1);
	ci.labels = own;
	ci.n_labels = 1;
	assert_int_equal(policy_select(p->b, &ci, ids), 0);
	ci.n_k8s_labels = 0;
	own[0].value = "cache";
	assert_int_equal(policy_select(p->b, &ci, ids), 1);
	policy_free(p);
	rc_diags_free(&d);
	unlink(path);
	free(path);
}

static void test_alert_render(void **state)
{
	char *path = write_tmp(yaml_ok), *buf = NULL;
	struct container_info ci = { .cgroup_id = 42, .labels = NULL };
	struct ward_alert a = { .cgroup_id = 42,
				.generation = 3,
				.policy_id = 1,
				.rule = 0,
				.pid = 10,
				.ppid = 1,
				.op = WARD_OP_EXEC,
				.action = WARD_ACT_BLOCK,
				.mode = WARD_MODE_ENFORCE,
				.level = WARD_LEVEL_LSM };
	struct rc_diags d;
	struct policy *p = NULL;
	json_error_t jerr;
	json_t *o;
	size_t len = 0;
	FILE *f;
	struct sinks ss = { 0 };
	struct out *out;

	(void)state;
	rc_diags_init(&d);
	strcpy(ci.name, "web-1");
	strcpy(ci.id, "abc");
	strcpy(a.comm, "sh");
	strcpy(a.object, "/bin/sh");
	assert_int_equal(policy_load(path, NULL, &p, &d), 0);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(sink_stream_add(&ss, f, "test", OUT_JSON, true), 0);
	out = alert_out_new(&ss);
	assert_non_null(out);
	assert_int_equal(alert_render(out, &a, sizeof(a), p->b, &ci, 0, NULL), 0);
	/* Malformed records print nothing. */
	a.op = 99;
	assert_int_equal(alert_render(out, &a, sizeof(a), p->b, &ci, 0, NULL), -EPROTO);
	assert_int_equal(alert_render(out, &a, sizeof(a) - 1, p->b, &ci, 0, NULL), -EPROTO);
	out_free(out);
	assert_int_equal(sinks_close(&ss, NULL), 0);
	o = json_loads(buf, 0, &jerr);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "tracker")), "alert");
	assert_string_equal(json_string_value(json_object_get(o, "rule")), "no-sh");
	assert_string_equal(json_string_value(json_object_get(o, "policy")), "p1");
	assert_string_equal(json_string_value(json_object_get(o, "action")), "block");
	assert_string_equal(json_string_value(json_object_get(o, "level")), "lsm");
	assert_string_equal(json_string_value(json_object_get(o, "severity")), "high");
	assert_string_equal(json_string_value(json_object_get(o, "object")), "/bin/sh");
	assert_int_equal(json_integer_value(json_object_get(o, "generation")), 3);
	json_decref(o);
	free(buf);
	policy_free(p);
	rc_diags_free(&d);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_yaml),     cmocka_unit_test(test_load_bundle_and_key),
		cmocka_unit_test(test_load_errors),   cmocka_unit_test(test_select),
		cmocka_unit_test(test_host_policies), cmocka_unit_test(test_pod_labels),
		cmocka_unit_test(test_alert_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
