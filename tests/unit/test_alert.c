// SPDX-License-Identifier: Apache-2.0
/* Alert rendering: message templates, hostile values, record checks, formats. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "enforce/alert.h"
#include "model.h"
#include "rulesc.h"

/* Every placeholder rulesc accepts (rulesc/parse.c), one rule per op kind. */
static const char policy_yaml[] =
	"apiVersion: ward.dev/v1\n"
	"kind: Policy\n"
	"metadata: {name: it-alert}\n"
	"spec:\n"
	"  selector: {containers: [\"*\"]}\n"
	"  mode: enforce\n"
	"  defaults: {exec: allow, file: allow, network: allow}\n"
	"  rules:\n"
	"    - name: all\n"
	"      exec: {paths: [/bin/sh]}\n"
	"      action: block\n"
	"      message: \"exe={process.exe} pid={process.pid} uid={process.uid} "
	"parent={process.parent_exe} name={container.name} image={container.image} "
	"id={container.id} object={object} rule={rule.name} policy={policy.name}\"\n"
	"    - name: long\n"
	"      file: {paths: [/etc/shadow], access: [read]}\n"
	"      action: alert\n"
	"      message: \"{object}{object}{object}{object}{object}{object}{object}{object}"
	"{object}{object}{object}{object}{object}{object}{object}{object}{object}{object}\"\n"
	"    - name: net\n"
	"      network: {connect: {cidrs: [10.0.0.0/8]}}\n"
	"      action: block\n"
	"      message: \"{process.exe} to {object}, parent {process.parent_exe}, {rule.name}\"\n";

enum { R_ALL, R_LONG, R_NET };

static struct ward_bundle *compile(const char *yaml)
{
	struct rc_diags d;
	struct rc_set *s = NULL;
	struct ward_bundle *b = NULL;
	const char *why;
	uint8_t *buf = NULL;
	size_t len = 0;

	rc_diags_init(&d);
	if (rc_set_load_buffer("test.yaml", yaml, strlen(yaml), &d, &s) == 0 && d.n_errors == 0 &&
	    rc_compile(s, &d, &buf, &len) == 0)
		assert_int_equal(ward_bundle_open(buf, len, &b, &why), 0);
	free(buf);
	rc_set_free(s);
	rc_diags_free(&d);
	return b;
}

static int setup(void **state)
{
	*state = compile(policy_yaml);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	ward_bundle_free(*state);
	return 0;
}

static struct container_info web(void)
{
	struct container_info ci = { .cgroup_id = 42 };

	strcpy(ci.id, "0123abcd");
	strcpy(ci.name, "web-1");
	strcpy(ci.image, "nginx:1.25");
	strcpy(ci.runtime, "runc");
	return ci;
}

static struct ward_alert exec_alert(void)
{
	struct ward_alert a = { .cgroup_id = 42,
				.generation = 2,
				.policy_id = 1,
				.rule = R_ALL,
				.pid = 300,
				.ppid = 299,
				.uid = 1000,
				.op = WARD_OP_EXEC,
				.action = WARD_ACT_BLOCK,
				.mode = WARD_MODE_ENFORCE,
				.level = WARD_LEVEL_LSM };

	strcpy(a.comm, "nginx");
	strcpy(a.exe, "/usr/sbin/nginx");
	strcpy(a.object, "/bin/busybox");
	return a;
}

/* Render one alert in fmt; the output (malloc'd) and alert_render's result. */
static char *render(const struct ward_bundle *b, const struct ward_alert *a,
		    const struct container_info *ci, enum out_format fmt, int *ret_err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct sinks ss = { 0 };
	struct out *o;

	assert_non_null(f);
	assert_int_equal(sink_stream_add(&ss, f, "test", fmt, true), 0);
	o = alert_out_new(&ss);
	assert_non_null(o);
	*ret_err = alert_render(o, a, sizeof(*a), b, ci, 0, NULL);
	out_free(o);
	assert_int_equal(sinks_close(&ss, NULL), 0);
	return buf;
}

static json_t *render_json(const struct ward_bundle *b, const struct ward_alert *a,
			   const struct container_info *ci)
{
	json_error_t jerr;
	json_t *o;
	int err;
	char *buf = render(b, a, ci, OUT_JSON, &err);

	assert_int_equal(err, 0);
	o = json_loads(buf, JSON_DISABLE_EOF_CHECK, &jerr);
	assert_non_null(o);
	free(buf);
	return o;
}

static const char *get(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	assert_non_null(s);
	return s;
}

static void test_every_placeholder(void **state)
{
	struct container_info ci = web();
	struct ward_alert a = exec_alert();
	json_t *o = render_json(*state, &a, &ci);

	assert_string_equal(get(o, "message"),
			    "exe=/usr/sbin/nginx pid=300 uid=1000 parent=/usr/sbin/nginx "
			    "name=web-1 image=nginx:1.25 id=0123abcd object=/bin/busybox "
			    "rule=all policy=it-alert");
	assert_non_null(strstr(get(o, "message_template"), "{process.parent_exe}"));
	json_decref(o);
}

/* The placeholder set is rulesc's: a name outside it does not compile. */
static void test_rulesc_rejects_others(void **state)
{
	static const char *const others[] = { "{process.comm}", "{rule}", "{severity}",
					      "{action}" };
	char yaml[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		(void)snprintf(yaml, sizeof(yaml),
			       "apiVersion: ward.dev/v1\nkind: Policy\nmetadata: {name: p}\n"
			       "spec:\n  selector: {containers: [\"*\"]}\n  mode: audit\n"
			       "  defaults: {exec: allow}\n  rules:\n    - name: r\n"
			       "      exec: {paths: [/bin/sh]}\n      action: alert\n"
			       "      message: \"x %s\"\n",
			       others[i]);
		assert_null(compile(yaml));
	}
}

/* What the record does not carry is shown as ALERT_UNKNOWN. */
static void test_unknown_markers(void **state)
{
	struct container_info ci = web(), host = { .cgroup_id = 1, .host = true };
	struct ward_alert a = exec_alert();
	json_t *o;

	/* The sigkill fallback runs after exec: the caller's binary is gone. */
	a.level = WARD_LEVEL_SIGKILL;
	a.flags = WARD_ALERT_EXE_UNKNOWN;
	a.exe[0] = '\0';
	ci.image[0] = '\0';
	o = render_json(*state, &a, &ci);
	assert_string_equal(get(o, "message"),
			    "exe=<unknown> pid=300 uid=1000 parent=<unknown> name=web-1 "
			    "image=<unknown> id=0123abcd object=/bin/busybox rule=all "
			    "policy=it-alert");
	assert_null(json_object_get(o, "exe"));
	json_decref(o);

	/* Not an exec: the parent's executable is not in the record. */
	a = exec_alert();
	a.op = WARD_OP_CONNECT;
	a.rule = R_NET;
	a.family = 4;
	a.addr[10] = a.addr[11] = 0xff;
	a.addr[12] = 10;
	a.addr[15] = 7;
	a.port = 443;
	a.level = WARD_LEVEL_CGROUP;
	o = render_json(*state, &a, &host);
	assert_string_equal(get(o, "message"), "/usr/sbin/nginx to 10.0.0.7:443, parent "
					       "<unknown>, net");
	json_decref(o);
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Values come from the monitored side: control characters never reach the
 * message, a value is never expanded again, invalid UTF-8 becomes U+FFFD. */
static void test_hostile_values(void **state)
{
	struct container_info ci = web();
	struct ward_alert a = exec_alert();
	const char *msg;
	json_t *o;
	char *csv;
	int err;

	strcpy(a.exe, "/x\n{\"forged\":1}\r\x1b[2J\x7f");
	strcpy(a.object, "/bin/\xff\xfe{policy.name}\xc3");
	strcpy(ci.name, "web\tone\x01");
	o = render_json(*state, &a, &ci);
	msg = get(o, "message");
	assert_false(has_control(msg));
	assert_non_null(strstr(msg, "exe=/x?{\"forged\":1}??[2J? "));
	assert_non_null(strstr(msg, "name=web?one? "));
	/* {policy.name} inside a value stays as written; bad bytes: U+FFFD. */
	assert_non_null(strstr(msg, "object=/bin/\xef\xbf\xbd\xef\xbf\xbd{policy.name}"
				    "\xef\xbf\xbd rule="));
	json_decref(o);

	/* CSV: the message is one quoted field without control characters. */
	csv = render(*state, &a, &ci, OUT_CSV, &err);
	assert_int_equal(err, 0);
	assert_non_null(strstr(csv, "message,message_template"));
	assert_non_null(strstr(csv, ",\"exe=/x?{\"\"forged\"\":1}??[2J? pid=300 "));
	free(csv);
}

/* 18 x {object} of 255 bytes: cut at ALERT_MESSAGE_MAX bytes, at a character
 * boundary, marked with "...". */
static void test_long_values(void **state)
{
	struct container_info ci = web();
	struct ward_alert a = exec_alert();
	const char *msg;
	size_t len;
	json_t *o;

	a.op = WARD_OP_OPEN;
	a.rule = R_LONG;
	a.action = WARD_ACT_ALERT;
	a.level = WARD_LEVEL_NONE;
	a.access = WARD_ACC_READ;
	a.flags = WARD_ALERT_OBJ_TRUNC;
	a.object[0] = '/';
	for (size_t i = 1; i + 2 < sizeof(a.object) - 1; i += 2)
		memcpy(a.object + i, "\xc3\xa9", 2); /* é */
	a.object[sizeof(a.object) - 1] = '\0';
	o = render_json(*state, &a, &ci);
	msg = get(o, "message");
	len = strlen(msg);
	assert_true(len <= ALERT_MESSAGE_MAX);
	assert_true(len > ALERT_MESSAGE_MAX - 8);
	assert_string_equal(msg + len - 3, "...");
	assert_null(strstr(msg, "\xef\xbf\xbd")); /* no character was split */
	assert_true(json_is_true(json_object_get(o, "truncated")));
	json_decref(o);
}

/* A bundle need not come from rulesc: unknown or unterminated placeholders
 * are copied as written. The template is rewritten in the opened bundle. */
static void test_foreign_template(void **state)
{
	struct ward_bundle *b = compile(policy_yaml);
	struct container_info ci = web();
	struct ward_alert a = exec_alert();
	char *t, *r;
	json_t *o;

	(void)state;
	assert_non_null(b);
	a.op = WARD_OP_CONNECT;
	a.rule = R_NET;
	a.family = 6;
	a.addr[15] = 1;
	a.port = 80;
	a.level = WARD_LEVEL_LSM;
	t = (char *)b->buf + (b->strtab - (const char *)b->buf) + b->rules[R_NET].msg_off;
	memcpy(strstr(t, "{process.exe}"), "{process.bad}", 13);
	r = strstr(t, "{rule.name}");
	r[0] = '<';
	r[strlen("{rule.name}") - 1] = '>';
	*strrchr(t, '}') = '>'; /* {process.parent_exe> is unterminated */
	*strstr(t, "{object}") = '}';
	o = render_json(b, &a, &ci);
	assert_string_equal(get(o, "message"),
			    "{process.bad} to }object}, parent {process.parent_exe>, <rule.name>");
	json_decref(o);
	ward_bundle_free(b);
}

/* A record claiming a stop it cannot have had is rejected; nothing printed. */
static void test_inconsistent_record(void **state)
{
	struct container_info ci = web();
	struct ward_alert a = exec_alert();
	char *buf;
	json_t *o;
	int err;

	a.action = WARD_ACT_ALERT; /* an alert with level lsm */
	buf = render(*state, &a, &ci, OUT_JSON, &err);
	assert_int_equal(err, -EPROTO);
	assert_true(!buf || !buf[0]);
	free(buf);
	a = exec_alert();
	a.mode = WARD_MODE_AUDIT; /* an audit-mode block that was stopped */
	buf = render(*state, &a, &ci, OUT_JSON, &err);
	assert_int_equal(err, -EPROTO);
	free(buf);
	/* An enforce block nothing could stop is an alert at level none. */
	a = exec_alert();
	a.level = WARD_LEVEL_NONE;
	o = render_json(*state, &a, &ci);
	assert_string_equal(get(o, "action"), "alert");
	json_decref(o);
}

/* Without the bundle (its generation is gone) there is no template. */
static void test_no_bundle(void **state)
{
	struct container_info ci = web();
	struct ward_alert a = exec_alert();
	json_t *o;

	(void)state;
	o = render_json(NULL, &a, &ci);
	assert_string_equal(get(o, "rule"), "#0");
	assert_string_equal(get(o, "policy"), "#1");
	assert_null(json_object_get(o, "message"));
	assert_null(json_object_get(o, "message_template"));
	json_decref(o);
}

/* Socket kinds render as rulesc explain takes them; an unknown kind is a
 * malformed record. Unix operations carry the socket's path, syscalls their
 * name. */
static void test_socket_unix_syscall(void **state)
{
	struct container_info ci = web();
	struct ward_alert a = exec_alert();
	char *buf;
	json_t *o;
	int err;

	a.op = WARD_OP_SOCKET;
	a.num = WARD_SOCK_PACKET;
	a.level = WARD_LEVEL_SIGKILL;
	o = render_json(*state, &a, &ci);
	assert_string_equal(get(o, "op"), "socket");
	assert_string_equal(get(o, "object"), "socket packet");
	assert_string_equal(get(o, "level"), "sigkill");
	json_decref(o);
	a.num = 7;
	buf = render(*state, &a, &ci, OUT_JSON, &err);
	assert_int_equal(err, -EPROTO);
	free(buf);

	a = exec_alert();
	a.op = WARD_OP_UNIX_CONNECT;
	strcpy(a.object, "/run/docker.sock");
	o = render_json(*state, &a, &ci);
	assert_string_equal(get(o, "op"), "unix_connect");
	assert_string_equal(get(o, "object"), "/run/docker.sock");
	assert_null(json_object_get(o, "port"));
	json_decref(o);
	a.op = WARD_OP_UNIX_BIND;
	o = render_json(*state, &a, &ci);
	assert_string_equal(get(o, "op"), "unix_bind");
	json_decref(o);

	/* syscalls by their x86_64 name, or number when libseccomp has none */
	a = exec_alert();
	a.op = WARD_OP_SYSCALL;
	a.action = WARD_ACT_ALERT;
	a.level = WARD_LEVEL_NONE;
	a.num = 101;
	o = render_json(*state, &a, &ci);
	assert_string_equal(get(o, "object"), "syscall ptrace");
	assert_string_equal(get(o, "syscall"), "ptrace");
	json_decref(o);
	a.num = 4000;
	o = render_json(*state, &a, &ci);
	assert_string_equal(get(o, "syscall"), "4000");
	json_decref(o);
}

/* The table leaves the message out (JSON and CSV carry it). */
static void test_table(void **state)
{
	struct container_info ci = web();
	struct ward_alert a = exec_alert();
	char *buf;
	int err;

	buf = render(*state, &a, &ci, OUT_TABLE, &err);
	assert_int_equal(err, 0);
	assert_non_null(strstr(buf, "block"));
	assert_null(strstr(buf, "pid=300"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_placeholder),
		cmocka_unit_test(test_rulesc_rejects_others),
		cmocka_unit_test(test_unknown_markers),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_foreign_template),
		cmocka_unit_test(test_inconsistent_record),
		cmocka_unit_test(test_no_bundle),
		cmocka_unit_test(test_socket_unix_syscall),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
