// SPDX-License-Identifier: Apache-2.0
/* Formatters: table/JSON/CSV rendering of kernel records. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/sink.h"
#include "core/render.h"

/* Rows rendered in one format into memory, through the stream sink. */
struct capture {
	char *buf;
	size_t len;
	struct sinks sinks;
};

static void cap_open(struct capture *c, enum out_format fmt)
{
	FILE *f;

	c->buf = NULL;
	c->len = 0;
	c->sinks = (struct sinks){ 0 };
	f = open_memstream(&c->buf, &c->len);
	assert_non_null(f);
	assert_int_equal(sink_stream_add(&c->sinks, f, "test", fmt, true), 0);
}

static void cap_close(struct capture *c)
{
	assert_int_equal(sinks_close(&c->sinks, NULL), 0);
}

static struct container_label labels[] = {
	{ "app", "web" },
	{ "io.kubernetes.pod.name", "web-7d9" },
};

static struct container_label pod_labels[] = {
	{ "app", "web" },
	{ "team", "shop" },
};

static struct container_info web = {
	.cgroup_id = 4242,
	.host = false,
	.id = "0123456789abcdef",
	.name = "web",
	.image = "nginx:1.25",
	.runtime = "runc",
	.k8s_pod = "web-7d9",
	.k8s_namespace = "shop",
	.k8s_container = "nginx",
	.k8s_pod_uid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
	.labels = labels,
	.n_labels = 2,
	.k8s_labels = pod_labels,
	.n_k8s_labels = 2,
};

static struct container_info host = { .cgroup_id = 1, .host = true };

static struct ward_proc_event exec_event(const char *filename, const char *args, size_t args_len)
{
	struct ward_proc_event e = {
		.ts_ns = 1000000000ULL,
		.cgroup_id = 4242,
		.type = PROC_EXEC,
		.pid = 100,
		.ppid = 99,
		.uid = 0,
		.args_len = (uint16_t)args_len,
	};

	strcpy(e.comm, "sh");
	strcpy(e.filename, filename);
	memcpy(e.args, args, args_len);
	return e;
}

static void test_format_names(void **state)
{
	(void)state;
	assert_string_equal(out_format_names[OUT_TABLE], "table");
	assert_string_equal(out_format_names[OUT_JSON], "json");
	assert_string_equal(out_format_names[OUT_CSV], "csv");
	assert_null(out_format_names[OUT_CSV + 1]);
}

static void test_utf8_sanitize(void **state)
{
	char *s;

	(void)state;
	s = out_utf8_sanitize("caf\xc3\xa9", 5);
	assert_string_equal(s, "caf\xc3\xa9");
	free(s);
	s = out_utf8_sanitize("a\xff"
			      "b",
			      3); /* stray byte */
	assert_string_equal(s, "a\xef\xbf\xbd"
			       "b");
	free(s);
	s = out_utf8_sanitize("\xc0\xaf", 2); /* overlong '/' */
	assert_string_equal(s, "\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
	s = out_utf8_sanitize("\xed\xa0\x80", 3); /* UTF-16 surrogate */
	assert_string_equal(s, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
	s = out_utf8_sanitize("\xe2\x82", 2); /* truncated sequence */
	assert_string_equal(s, "\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
}

static void test_exec_json(void **state)
{
	struct ward_proc_event e = exec_event("/bin/echo", "/bin/echo\0hello\0a b", 19);
	struct capture c;
	struct out *o;
	json_error_t jerr;
	json_t *j, *argv, *ctr, *k8s;

	(void)state;
	cap_open(&c, OUT_JSON);
	o = process_out_new(&c.sinks);
	assert_int_equal(process_render(o, &e, &web, 0), 0);
	out_free(o);
	cap_close(&c);

	j = json_loads(c.buf, 0, &jerr);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "schema")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "tracker")), "process");
	assert_string_equal(json_string_value(json_object_get(j, "event")), "exec");
	assert_string_equal(json_string_value(json_object_get(j, "time")),
			    "1970-01-01T00:00:01.000000Z");
	assert_string_equal(json_string_value(json_object_get(j, "filename")), "/bin/echo");
	argv = json_object_get(j, "argv");
	assert_int_equal(json_array_size(argv), 3);
	assert_string_equal(json_string_value(json_array_get(argv, 2)), "a b");
	assert_true(json_is_false(json_object_get(j, "args_truncated")));
	assert_int_equal(json_integer_value(json_object_get(j, "cgroup_id")), 4242);
	/* the table-only summary and other events' fields are absent */
	assert_null(json_object_get(j, "detail"));
	assert_null(json_object_get(j, "exit_code"));
	ctr = json_object_get(j, "container");
	assert_true(json_is_false(json_object_get(ctr, "host")));
	assert_string_equal(json_string_value(json_object_get(ctr, "name")), "web");
	assert_string_equal(json_string_value(json_object_get(ctr, "image")), "nginx:1.25");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(ctr, "labels"), "app")), "web");
	k8s = json_object_get(ctr, "kubernetes");
	assert_string_equal(json_string_value(json_object_get(k8s, "namespace")), "shop");
	assert_string_equal(json_string_value(json_object_get(k8s, "pod_uid")),
			    "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	assert_int_equal(json_object_size(json_object_get(k8s, "labels")), 2);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(k8s, "labels"), "team")), "shop");
	json_decref(j);
	free(c.buf);
}

static void test_exit_table_host(void **state)
{
	struct ward_proc_event e = { .type = PROC_EXIT,
				     .pid = 7,
				     .ppid = 1,
				     .exit_code = 3 << 8,
				     .lifetime_ns = 1500000000ULL };
	struct capture c;
	struct out *o;

	(void)state;
	strcpy(e.comm, "false");
	cap_open(&c, OUT_TABLE);
	o = process_out_new(&c.sinks);
	assert_int_equal(process_render(o, &e, &host, 0), 0);
	out_free(o);
	cap_close(&c);
	assert_non_null(strstr(c.buf, "<host>"));
	assert_non_null(strstr(c.buf, "code=3 lifetime=1.500s"));
	assert_int_equal(strncmp(c.buf, "time     event", 14), 0);
	free(c.buf);
}

static void test_unknown_record_rejected(void **state)
{
	struct ward_proc_event e = { .type = 99 };
	struct ward_tcp_event t = { .type = TCP_EV_CONNECT, .family = 1 };
	struct capture c;
	struct out *o;

	(void)state;
	cap_open(&c, OUT_JSON);
	o = process_out_new(&c.sinks);
	assert_int_equal(process_render(o, &e, &host, 0), -EPROTO);
	out_free(o);
	o = tcp_out_new(&c.sinks);
	assert_int_equal(tcp_render(o, &t, &host, 0), -EPROTO);
	out_free(o);
	cap_close(&c);
	assert_int_equal(c.len, 0);
	free(c.buf);
}

static void test_files_table_header_exact(void **state)
{
	struct ward_file_key key = { .ino = 12, .dev = 3, .tgid = 555 };
	struct ward_file_stats st = { .reads = 1,
				      .writes = 2,
				      .read_bytes = 10,
				      .write_bytes = 4096,
				      .mode = S_IFREG | 0644 };
	const char *path = "/tmp/data.bin";
	struct capture c;
	struct out *o;
	char *nl;

	(void)state;
	strcpy(st.comm, "dd");
	st.path_len = (uint16_t)strlen(path);
	memcpy(st.path + FILE_PATH_LEN - st.path_len, path, st.path_len);
	cap_open(&c, OUT_TABLE);
	o = files_out_new(&c.sinks);
	assert_int_equal(files_render(o, &key, &st, &web, 0), 0);
	out_free(o);
	cap_close(&c);
	nl = strchr(c.buf, '\n');
	assert_non_null(nl);
	*nl = '\0';
	/* collapse the padding: the columns and their order are the contract */
	for (char *r = c.buf, *w = c.buf;; r++) {
		if (*r == ' ' && (w == c.buf || w[-1] == ' '))
			continue;
		*w++ = *r;
		if (!*r)
			break;
	}
	assert_string_equal(
		c.buf, "pid container_name reads writes read_bytes write_bytes type comm filename");
	assert_non_null(strstr(nl + 1, "/tmp/data.bin"));
	assert_non_null(strstr(nl + 1, " web "));
	assert_non_null(strstr(nl + 1, " 4096 R "));
	free(c.buf);
}

static void test_files_socket_and_csv(void **state)
{
	struct ward_file_key key = { .ino = 31337, .tgid = 9 };
	struct ward_file_stats st = { .reads = 1, .read_bytes = 5, .mode = S_IFSOCK };
	struct capture c;
	struct out *o;

	(void)state;
	strcpy(st.comm, "a,\"b\"");
	cap_open(&c, OUT_CSV);
	o = files_out_new(&c.sinks);
	assert_int_equal(files_render(o, &key, &st, &web, 0), 0);
	out_free(o);
	cap_close(&c);
	assert_non_null(strstr(c.buf, "time,pid,container_name,cgroup_id,reads,"));
	assert_non_null(strstr(c.buf, ",\"a,\"\"b\"\"\",socket:[31337],false\n"));
	free(c.buf);
}

static void test_table_escapes_control_chars(void **state)
{
	struct ward_proc_event e = exec_event("/bin/x", "x\0\x1b[2Jevil\nline", 16);
	struct capture c;
	struct out *o;

	(void)state;
	cap_open(&c, OUT_TABLE);
	o = process_out_new(&c.sinks);
	assert_int_equal(process_render(o, &e, &web, 0), 0);
	out_free(o);
	cap_close(&c);
	assert_null(strchr(c.buf, '\x1b'));
	assert_non_null(strstr(c.buf, "x ?[2Jevil?line"));
	free(c.buf);
}

static void test_tcp_json_v6_error(void **state)
{
	struct ward_tcp_event t = { .type = TCP_EV_CONNECT,
				    .family = 10,
				    .sport = 40000,
				    .dport = 443,
				    .error = 111,
				    .latency_ns = 2500000 };
	struct capture c;
	struct out *o;
	json_t *j;

	(void)state;
	t.daddr[15] = 1; /* ::1 */
	strcpy(t.comm, "curl");
	cap_open(&c, OUT_JSON);
	o = tcp_out_new(&c.sinks);
	assert_int_equal(tcp_render(o, &t, &web, 0), 0);
	out_free(o);
	cap_close(&c);
	j = json_loads(c.buf, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "daddr")), "::1");
	assert_int_equal(json_integer_value(json_object_get(j, "family")), 6);
	assert_int_equal(json_integer_value(json_object_get(j, "latency_us")), 2500);
	assert_string_equal(json_string_value(json_object_get(j, "error")), "ECONNREFUSED");
	assert_null(json_object_get(j, "duration_ms"));
	json_decref(j);
	free(c.buf);
}

static void test_args_truncated_marker(void **state)
{
	struct ward_proc_event e = exec_event("/bin/x", "x\0y", 3);
	struct capture c;
	struct out *o;

	(void)state;
	e.args_truncated = 1;
	cap_open(&c, OUT_TABLE);
	o = process_out_new(&c.sinks);
	assert_int_equal(process_render(o, &e, &web, 0), 0);
	out_free(o);
	cap_close(&c);
	assert_non_null(strstr(c.buf, "x y...\n"));
	free(c.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_utf8_sanitize),
		cmocka_unit_test(test_exec_json),
		cmocka_unit_test(test_exit_table_host),
		cmocka_unit_test(test_unknown_record_rejected),
		cmocka_unit_test(test_files_table_header_exact),
		cmocka_unit_test(test_files_socket_and_csv),
		cmocka_unit_test(test_table_escapes_control_chars),
		cmocka_unit_test(test_tcp_json_v6_error),
		cmocka_unit_test(test_args_truncated_marker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
