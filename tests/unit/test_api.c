// SPDX-License-Identifier: Apache-2.0
/*
 * The control API: docs/api.yaml describes exactly the routes the server
 * answers (control_routes), and the routes answer bad requests with a status
 * and an error naming where the request is wrong. The transport, the
 * session's state and the stream: tests/integration/t-89-api.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/control.h"
#include "rulesc/ytree.h"

static char spec_path[PATH_MAX]; /* docs/api.yaml */

static const char *const method_names[] = { "get", "post", "put", "patch", "delete" };

/* Is (method, path) a route the server answers? */
static bool served(const char *method, const char *path)
{
	for (size_t i = 0; i < control_n_routes; i++)
		if (!strcmp(control_routes[i].pattern, path) &&
		    !strcmp(method_names[control_routes[i].method], method))
			return true;
	return false;
}

static void test_routes_documented(void **state)
{
	const struct ynode *paths;
	struct ysrc *src = NULL;
	struct rc_diags d;
	size_t documented = 0;

	(void)state;
	rc_diags_init(&d);
	assert_int_equal(ysrc_load_file(spec_path, &d, &src), 0);
	paths = ynode_get(src->docs[0], "paths");
	assert_non_null(paths);
	for (size_t i = 0; i < paths->n; i += 2) {
		const struct ynode *ops = paths->kids[i + 1];

		for (size_t j = 0; j < ops->n; j += 2) {
			const char *m = ops->kids[j]->str, *p = paths->kids[i]->str;

			if (!strcmp(m, "parameters"))
				continue;
			if (!served(m, p))
				fail_msg("docs/api.yaml: %s %s is not a route ward serves", m, p);
			documented++;
		}
	}
	/* every route served is documented, once */
	assert_int_equal(documented, control_n_routes);
	ysrc_free(src);
	rc_diags_free(&d);
}

/* What control_handle() answers to method path body, without a policy. */
static int ask(enum api_method m, const char *path, const char *body, const char *qk,
	       const char *qv, json_t **ret)
{
	struct session s = { 0 };
	struct control c = { .s = &s };
	struct api_request rq = { .method = m,
				  .path = path,
				  .body = body,
				  .body_len = strlen(body),
				  .content_type = "" };
	struct api_response rs = { 0 };

	if (qk)
		rq.query[rq.n_query++] = (struct api_query){ qk, qv };
	control_handle(&c, NULL, &rq, &rs);
	control_free(&c);
	*ret = rs.body;
	return rs.status;
}

static void check(enum api_method m, const char *path, const char *body, const char *qk,
		  const char *qv, int status, const char *location)
{
	json_t *b;

	assert_int_equal(ask(m, path, body, qk, qv, &b), status);
	assert_non_null(b);
	if (status >= 400)
		assert_non_null(json_string_value(json_object_get(b, "error")));
	if (location)
		assert_string_equal(json_string_value(json_object_get(b, "location")), location);
	json_decref(b);
}

static void test_answers(void **state)
{
	(void)state;
	check(API_GET, "/v1/nothing", "", NULL, NULL, 404, "/v1/nothing");
	check(API_DELETE, "/v1/policy", "", NULL, NULL, 405, "/v1/policy");
	check(API_PATCH, "/v1/policies/", "{}", NULL, NULL, 404, NULL);
	check(API_PATCH, "/v1/policies/a/b", "{}", NULL, NULL, 404, NULL);
	check(API_PATCH, "/v1/policies/web", "{\"mode\": ", NULL, NULL, 400, "body:1:9");
	check(API_PATCH, "/v1/policies/web", "{\"mode\": \"sometimes\"}", NULL, NULL, 400,
	      "body.mode");
	check(API_PATCH, "/v1/policies/web", "{\"mode\": \"audit\", \"x\": 1}", NULL, NULL, 400,
	      "body.mode");
	/* well formed, but there is no policy to change */
	check(API_PATCH, "/v1/policies/web", "{\"mode\": \"audit\"}", NULL, NULL, 409, NULL);
	check(API_PUT, "/v1/policy", "apiVersion: ward.dev/v1\n", NULL, NULL, 409, NULL);
	check(API_GET, "/v1/alerts", "", "min_severity", "urgent", 400, "min_severity");
	check(API_GET, "/v1/alerts", "", "follow", "maybe", 400, "follow");
	check(API_GET, "/v1/alerts", "", "min_severity", "high", 200, NULL);
	check(API_GET, "/v1/policy", "", NULL, NULL, 200, NULL);
	check(API_GET, "/v1/trackers", "", NULL, NULL, 200, NULL);
	check(API_POST, "/v1/trackers", "[]", NULL, NULL, 400, "body");
	check(API_POST, "/v1/trackers", "{\"name\": \"nope\"}", NULL, NULL, 400, "body.name");
	check(API_POST, "/v1/trackers", "{\"interval\": 3}", NULL, NULL, 400, "body.name");
	check(API_POST, "/v1/trackers", "{\"name\": \"files\", \"interval\": 0}", NULL, NULL, 400,
	      "body.interval");
	check(API_POST, "/v1/trackers", "{\"name\": \"files\", \"interval\": \"2x\"}", NULL, NULL,
	      400, "body.interval");
	check(API_POST, "/v1/trackers", "{\"name\": \"files\", \"interval\": \"2d\"}", NULL, NULL,
	      400, "body.interval");
	check(API_POST, "/v1/trackers", "{\"name\": \"files\", \"pid\": 1}", NULL, NULL, 400,
	      "body.pid");
	check(API_POST, "/v1/trackers", "{\"name\": \"files\", \"container\": \"\"}", NULL, NULL,
	      400, "body.container");
	/* well formed, but this session takes none */
	check(API_POST, "/v1/trackers", "{\"name\": \"files\", \"interval\": \"90s\"}", NULL, NULL,
	      409, NULL);
	check(API_DELETE, "/v1/trackers/process", "", NULL, NULL, 404, "/v1/trackers/process");
	check(API_GET, "/v1/trackers/process", "", NULL, NULL, 405, NULL);
	check(API_GET, "/v1/plugins", "", NULL, NULL, 200, NULL);
	check(API_POST, "/v1/plugins", "\177ELF", NULL, NULL, 400, "name");
	check(API_POST, "/v1/plugins", "", "name", "execs", 400, "body");
	check(API_POST, "/v1/plugins", "\177ELF", "name", "execs", 409, NULL);
	check(API_DELETE, "/v1/plugins/x1", "", NULL, NULL, 400, "/v1/plugins/x1");
	check(API_DELETE, "/v1/plugins/-1", "", NULL, NULL, 400, "/v1/plugins/-1");
	check(API_DELETE, "/v1/plugins/7", "", NULL, NULL, 404, "/v1/plugins/7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes_documented),
		cmocka_unit_test(test_answers),
	};
	char self[] = __FILE__;

	snprintf(spec_path, sizeof(spec_path), "%s/../../docs/api.yaml", dirname(self));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
