// SPDX-License-Identifier: Apache-2.0
/*
 * The network outputs' delivery (engine/core/deliver.c, http_client.c) against
 * a real receiver, tests/receivers/http_receiver.py, started on a free
 * loopback port: batches, retries with backoff, a receiver that refuses, a
 * slow one (a full queue, timeouts), https; and the URL and token parsers.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/clock.h"
#include "core/deliver.h"
#include "core/post.h"
#include "rulesc.h"

static char receiver[PATH_MAX]; /* tests/receivers/http_receiver.py */

struct rcv {
	char dir[64];
	char out[128];
	pid_t pid;
	uint16_t port;
};

/* Start the receiver with its extra arguments (NULL-terminated). */
static void rcv_start(struct rcv *r, ...)
{
	char port_file[160], buf[16];
	char *argv[16] = { "python3", receiver, "--out", r->out, "--port-file", port_file };
	size_t n = 6;
	va_list ap;
	FILE *f;

	strcpy(r->dir, "/tmp/ward-deliver-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	snprintf(r->out, sizeof(r->out), "%s/out.jsonl", r->dir);
	snprintf(port_file, sizeof(port_file), "%s/port", r->dir);
	va_start(ap, r);
	for (char *a; (a = va_arg(ap, char *)) && n < 15;)
		argv[n++] = a;
	va_end(ap);
	r->pid = fork();
	assert_true(r->pid >= 0);
	if (!r->pid) {
		execvp("python3", argv);
		_exit(127);
	}
	for (int i = 0; i < 100 && !(f = fopen(port_file, "r")); i++)
		usleep(50000);
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	r->port = (uint16_t)atoi(buf);
}

static void rcv_stop(struct rcv *r)
{
	char cmd[96];

	kill(r->pid, SIGTERM);
	waitpid(r->pid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", r->dir);
	assert_int_equal(system(cmd), 0);
}

/* The requests the receiver logged, one JSON object each. */
static json_t *rcv_requests(const struct rcv *r)
{
	json_t *all = json_array();
	char line[1 << 16];
	FILE *f = fopen(r->out, "r");

	while (f && fgets(line, sizeof(line), f)) {
		json_t *req = json_loads(line, 0, NULL);

		assert_non_null(req);
		json_array_append_new(all, req);
	}
	if (f)
		fclose(f);
	return all;
}

static void url_of(const struct rcv *r, const char *scheme, struct http_url *u)
{
	char s[96];

	snprintf(s, sizeof(s), "%s://127.0.0.1:%u/hook?x=1", scheme, r->port);
	assert_int_equal(http_url_parse(s, u), 0);
}

static const struct deliver_fmt json_array_fmt = {
	.type = "application/json", .prefix = "[", .sep = ",", .suffix = "]"
};

static struct deliver_opts fast_opts(void)
{
	struct deliver_opts o = DELIVER_OPTS_DEFAULT;

	o.batch_ms = 200;
	o.backoff_ms = 20;
	o.backoff_max_ms = 100;
	o.timeout_ms = 2000;
	return o;
}

static void push_n(struct deliver *d, int from, int n)
{
	for (int i = from; i < from + n; i++) {
		char *rec;
		int len = asprintf(&rec, "{\"n\":%d}", i);

		assert_true(len > 0);
		(void)deliver_push(d, rec, (size_t)len);
	}
}

static void test_url(void **state)
{
	static const char *const bad[] = {
		"",
		"ftp://h/",
		"http://",
		"http:///x",
		"http://user:pw@host/",
		"http://h:0/",
		"http://h:65536/",
		"http://h:80x/",
		"http://h:/",
		"http://[::1/",
		"http://[zz]/",
		"http://h/a b",
		"http://h/#frag",
		"http://h_x/",
		"https://h:123456/",
	};
	struct http_url u;

	(void)state;
	assert_int_equal(http_url_parse("http://example.org", &u), 0);
	assert_false(u.tls);
	assert_string_equal(u.host, "example.org");
	assert_int_equal(u.port, 80);
	assert_string_equal(u.path, "/");
	assert_int_equal(http_url_parse("https://[::1]:4318/v1/logs?a=b", &u), 0);
	assert_true(u.tls);
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 4318);
	assert_string_equal(u.path, "/v1/logs?a=b");
	assert_int_equal(http_url_parse("http://10.0.0.1:8080?q", &u), 0);
	assert_string_equal(u.path, "/?q");
	assert_int_equal(http_url_parse("https://h", &u), 0);
	assert_int_equal(u.port, 443);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(http_url_parse(bad[i], &u), -EINVAL);
}

static void test_backoff(void **state)
{
	struct deliver_opts o = { .backoff_ms = 500, .backoff_max_ms = 8000 };

	(void)state;
	assert_int_equal(deliver_backoff_ms(&o, 1), 500);
	assert_int_equal(deliver_backoff_ms(&o, 2), 1000);
	assert_int_equal(deliver_backoff_ms(&o, 4), 4000);
	assert_int_equal(deliver_backoff_ms(&o, 5), 8000);
	assert_int_equal(deliver_backoff_ms(&o, 40), 8000);
}

static void write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

static void test_token(void **state)
{
	char path[] = "/tmp/ward-token-XXXXXX", *h = NULL;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_str(path, "s3cr.t-_~\n\n");
	assert_int_equal(post_token_read(path, &h), 0);
	assert_string_equal(h, "Bearer s3cr.t-_~");
	free(h);
	write_str(path, "");
	assert_int_equal(post_token_read(path, &h), -EINVAL);
	write_str(path, "a b\n");
	assert_int_equal(post_token_read(path, &h), -EINVAL);
	write_str(path, "a\nb\n");
	assert_int_equal(post_token_read(path, &h), -EINVAL);
	unlink(path);
	assert_int_equal(post_token_read(path, &h), -ENOENT);
}

/* 250 records, batches of at most 100, in order, with their headers. */
static void test_batches(void **state)
{
	struct sink_stats st = { 0 };
	struct deliver_opts o = fast_opts();
	struct deliver *d;
	struct http_url u;
	struct rcv r;
	json_t *reqs, *req;
	size_t i;
	int next = 0;

	(void)state;
	rcv_start(&r, NULL);
	url_of(&r, "http", &u);
	assert_int_equal(deliver_open(&u, "Bearer t0k", &json_array_fmt, &o, &st, &d), 0);
	push_n(d, 0, 250);
	deliver_close(d);
	assert_int_equal(st.delivered, 250);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.errors, 0);
	reqs = rcv_requests(&r);
	assert_true(json_array_size(reqs) >= 3);
	json_array_foreach(reqs, i, req)
	{
		json_t *body = json_object_get(req, "body"), *rec;
		json_t *h = json_object_get(req, "headers");
		size_t j;

		assert_string_equal(json_string_value(json_object_get(req, "path")), "/hook?x=1");
		assert_string_equal(json_string_value(json_object_get(h, "Content-Type")),
				    "application/json");
		assert_string_equal(json_string_value(json_object_get(h, "Authorization")),
				    "Bearer t0k");
		assert_true(json_is_array(body));
		assert_true(json_array_size(body) <= 100);
		json_array_foreach(body, j, rec)
			assert_int_equal(json_integer_value(json_object_get(rec, "n")), next++);
	}
	assert_int_equal(next, 250);
	json_decref(reqs);
	rcv_stop(&r);
}

/* n records to a receiver answering the first requests with statuses: what
 * came of them, and how many requests it saw (without an Authorization). */
static void against(const char *statuses, int n, uint64_t delivered, uint64_t dropped,
		    uint64_t errors, size_t requests)
{
	struct sink_stats st = { 0 };
	struct deliver_opts o = fast_opts();
	struct deliver *d;
	struct http_url u;
	struct rcv r;
	json_t *reqs;

	rcv_start(&r, "--status", statuses, NULL);
	url_of(&r, "http", &u);
	assert_int_equal(deliver_open(&u, NULL, &json_array_fmt, &o, &st, &d), 0);
	push_n(d, 0, n);
	deliver_close(d);
	assert_int_equal(st.delivered, delivered);
	assert_int_equal(st.dropped, dropped);
	assert_int_equal(st.errors, errors);
	reqs = rcv_requests(&r);
	assert_int_equal(json_array_size(reqs), requests);
	assert_null(json_object_get(json_object_get(json_array_get(reqs, 0), "headers"),
				    "Authorization"));
	json_decref(reqs);
	rcv_stop(&r);
}

/* 503 twice: retried after a backoff, delivered once, two errors. */
static void test_retry(void **state)
{
	(void)state;
	against("503,503", 5, 5, 0, 2, 3);
}

/* A 4xx answer is final: no retry, the batch dropped and counted. */
static void test_refused_request(void **state)
{
	(void)state;
	against("400", 7, 0, 7, 1, 1);
}

/* Nobody listening: every attempt fails, the records are dropped and
 * counted; once a batch failed for good, the next gets one attempt. */
static void test_no_receiver(void **state)
{
	struct sink_stats st = { 0 };
	struct deliver_opts o = fast_opts();
	struct deliver *d;
	struct http_url u;
	struct rcv r;

	(void)state;
	rcv_start(&r, NULL);
	url_of(&r, "http", &u);
	rcv_stop(&r); /* its port is closed now */
	o.retries = 2;
	assert_int_equal(deliver_open(&u, NULL, &json_array_fmt, &o, &st, &d), 0);
	push_n(d, 0, 10);
	usleep(600000);
	assert_int_equal(st.dropped, 10);
	assert_int_equal(st.errors, 3); /* one batch, three attempts */
	/* the receiver is down: the next batch gets one attempt */
	push_n(d, 10, 10);
	deliver_close(d);
	assert_int_equal(st.delivered, 0);
	assert_int_equal(st.dropped, 20);
	assert_int_equal(st.errors, 4);
	assert_int_equal(st.queued, 0);
}

/* A slow receiver: the queue fills and what does not fit is dropped at once,
 * counted; at close what still waits gets drain_ms, the rest is dropped.
 * Every record is delivered or dropped. */
static void test_slow_receiver(void **state)
{
	struct sink_stats st = { 0 };
	struct deliver_opts o = fast_opts();
	struct deliver *d;
	struct http_url u;
	struct rcv r;
	uint64_t t0, took;

	(void)state;
	rcv_start(&r, "--delay", "0.3", NULL);
	url_of(&r, "http", &u);
	o.queue_max = 10;
	o.batch_max = 5;
	o.drain_ms = 1000;
	assert_int_equal(deliver_open(&u, NULL, &json_array_fmt, &o, &st, &d), 0);
	t0 = clock_now_ns(CLOCK_MONOTONIC);
	push_n(d, 0, 100);
	took = clock_now_ns(CLOCK_MONOTONIC) - t0;
	assert_true(took < 100000000ULL); /* never waited on the receiver */
	assert_true(st.dropped >= 85);
	deliver_close(d);
	assert_int_equal(st.delivered + st.dropped, 100);
	assert_true(st.delivered >= 5);
	assert_int_equal(st.queued, 0);
	rcv_stop(&r);
}

/* An answer later than timeout_ms is a failed attempt. */
static void test_timeout(void **state)
{
	struct sink_stats st = { 0 };
	struct deliver_opts o = fast_opts();
	struct deliver *d;
	struct http_url u;
	struct rcv r;
	uint64_t t0;

	(void)state;
	rcv_start(&r, "--delay", "3", NULL);
	url_of(&r, "http", &u);
	o.timeout_ms = 300;
	o.retries = 0;
	assert_int_equal(deliver_open(&u, NULL, &json_array_fmt, &o, &st, &d), 0);
	t0 = clock_now_ns(CLOCK_MONOTONIC);
	push_n(d, 0, 3);
	deliver_close(d);
	assert_true(clock_now_ns(CLOCK_MONOTONIC) - t0 < 2000000000ULL);
	assert_int_equal(st.dropped, 3);
	assert_int_equal(st.errors, 1);
	rcv_stop(&r);
}

/* https with a certificate the client trusts (SSL_CERT_FILE), then one it
 * does not: refused, counted. */
static void test_https(void **state)
{
	struct sink_stats st = { 0 }, st2 = { 0 };
	struct deliver_opts o = fast_opts();
	char cmd[512], cert[128], key[128];
	struct deliver *d;
	struct http_url u;
	struct rcv r;

	(void)state;
	if (!http_client_tls())
		skip();
	strcpy(r.dir, "/tmp/ward-tls-XXXXXX");
	assert_non_null(mkdtemp(r.dir));
	snprintf(cert, sizeof(cert), "%s/cert.pem", r.dir);
	snprintf(key, sizeof(key), "%s/key.pem", r.dir);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		 "-days 1 -subj /CN=ward-test -addext subjectAltName=IP:127.0.0.1 -keyout %s "
		 "-out %s 2>/dev/null",
		 key, cert);
	assert_int_equal(system(cmd), 0);
	rcv_start(&r, "--tls", cert, key, NULL);
	url_of(&r, "https", &u);
	assert_int_equal(setenv("SSL_CERT_FILE", cert, 1), 0);
	assert_int_equal(deliver_open(&u, NULL, &json_array_fmt, &o, &st, &d), 0);
	push_n(d, 0, 4);
	deliver_close(d);
	assert_int_equal(st.delivered, 4);
	assert_int_equal(st.errors, 0);
	assert_int_equal(setenv("SSL_CERT_FILE", "/nonexistent", 1), 0);
	o.retries = 0;
	assert_int_equal(deliver_open(&u, NULL, &json_array_fmt, &o, &st2, &d), 0);
	push_n(d, 0, 4);
	deliver_close(d);
	unsetenv("SSL_CERT_FILE");
	assert_int_equal(st2.delivered, 0);
	assert_int_equal(st2.dropped, 4);
	assert_int_equal(st2.errors, 1);
	rcv_stop(&r);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", r.dir);
	assert_int_equal(system(cmd), 0);
}

/* An alert row as the webhook and OTLP encode it. */
static void test_encoders(void **state)
{
	static const struct out_col cols[] = {
		{ "time", OUT_TIME, 8, 0 },
		{ "action", OUT_STR, 5, 0 },
		{ "container_name", OUT_CONTAINER, 16, 0 },
		{ "rule", OUT_STR, 16, 0 },
		{ "policy", OUT_STR, 12, 0 },
		{ "severity", OUT_STR, 0, 0 },
	};
	struct container_info c = { .cgroup_id = 42,
				    .id = "0123abcd",
				    .name = "web-1",
				    .image = "registry:5000/library/nginx:1.25",
				    .runtime = "runc",
				    .cgroup_path = "",
				    .k8s_pod = "web-7f9",
				    .k8s_namespace = "shop",
				    .k8s_pod_uid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
				    .k8s_labels = &(struct container_label){ "app", "web" },
				    .n_k8s_labels = 1 };
	union out_val vals[] = { { .u = 1700000000123456789ULL },
				 { .s = "block" },
				 { .c = &c },
				 { .s = "no-shell" },
				 { .s = "base" },
				 { .s = "high" } };
	struct sinks set = { 0 };
	struct out *ch = out_new(&set, "alert", OUT_ALERT, cols, 6);
	char *web, *rec, *prefix, *suffix, *batch;
	json_t *w, *r, *a, *kv, *b, *res, *sl;
	size_t wl = 0, rl = 0, i;
	int found = 0;

	(void)state;
	assert_non_null(ch);
	web = webhook_record(ch, vals, OUT_ALL, &wl);
	assert_non_null(web);
	assert_int_equal(wl, strlen(web));
	w = json_loads(web, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(w, "rule")), "no-shell");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(w, "container"), "name")),
		"web-1");
	rec = otlp_record(ch, vals, OUT_ALL, &rl);
	assert_non_null(rec);
	r = json_loads(rec, 0, NULL);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "timeUnixNano")),
			    "1700000000123456789");
	assert_true(json_is_string(json_object_get(r, "observedTimeUnixNano")));
	assert_int_equal(json_integer_value(json_object_get(r, "severityNumber")), 17);
	assert_string_equal(json_string_value(json_object_get(r, "severityText")), "high");
	/* the body is the webhook's object, as a string */
	b = json_loads(
		json_string_value(json_object_get(json_object_get(r, "body"), "stringValue")), 0,
		NULL);
	assert_true(json_equal(b, w));
	a = json_object_get(r, "attributes");
	json_array_foreach(a, i, kv)
	{
		const char *k = json_string_value(json_object_get(kv, "key"));
		const char *v = json_string_value(
			json_object_get(json_object_get(kv, "value"), "stringValue"));

		if (!strcmp(k, "container.image.name"))
			found++, assert_string_equal(v, "registry:5000/library/nginx");
		else if (!strcmp(k, "container.id"))
			found++, assert_string_equal(v, "0123abcd");
		else if (!strcmp(k, "k8s.namespace.name"))
			found++, assert_string_equal(v, "shop");
		else if (!strcmp(k, "ward.rule"))
			found++, assert_string_equal(v, "no-shell");
		else if (!strcmp(k, "k8s.pod.uid"))
			found++, assert_string_equal(v, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
		else if (!strcmp(k, "k8s.pod.label.app"))
			found++, assert_string_equal(v, "web");
		assert_null(strstr(k, "k8s.container.name")); /* empty: left out */
	}
	assert_int_equal(found, 6);
	/* a batch of two is one ExportLogsServiceRequest */
	assert_int_equal(otlp_frame("node-1", &prefix, &suffix), 0);
	assert_true(asprintf(&batch, "%s%s,%s%s", prefix, rec, rec, suffix) > 0);
	json_decref(b);
	b = json_loads(batch, 0, NULL);
	assert_non_null(b);
	res = json_object_get(json_array_get(json_object_get(b, "resourceLogs"), 0), "resource");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(res, "attributes"), 0), "key")),
			    "service.name");
	sl = json_array_get(
		json_object_get(json_array_get(json_object_get(b, "resourceLogs"), 0), "scopeLogs"),
		0);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(sl, "scope"), "name")), "ward");
	assert_int_equal(json_array_size(json_object_get(sl, "logRecords")), 2);
	json_decref(b);
	json_decref(r);
	json_decref(w);
	free(batch);
	free(prefix);
	free(suffix);
	free(web);
	free(rec);
	out_free(ch);
}

/* Filters: alerts by minimum severity, events by tracker or none. */
static void test_filter(void **state)
{
	static const struct out_col acols[] = { { "severity", OUT_STR, 0, 0 } };
	static const struct out_col ecols[] = { { "pid", OUT_U64, 0, 0 } };
	struct sinks set = { 0 };
	struct out *alert = out_new(&set, "alert", OUT_ALERT, acols, 1);
	struct out *tcp = out_new(&set, "tcp", OUT_EVENT, ecols, 1);
	union out_val high = { .s = "high" }, low = { .s = "low" }, pid = { .u = 1 };
	struct sink_filter all = { 0 }, alerts = { .alerts_only = true },
			   process = { .trackers = { "process" }, .n_trackers = 1 },
			   tcp_high = { .trackers = { "process", "tcp" },
					.n_trackers = 2,
					.min_severity = WARD_SEV_HIGH };

	(void)state;
	assert_true(sink_filter_pass(&all, alert, &low, OUT_ALL));
	assert_true(sink_filter_pass(&all, tcp, &pid, OUT_ALL));
	assert_true(sink_filter_pass(&alerts, alert, &low, OUT_ALL));
	assert_false(sink_filter_pass(&alerts, tcp, &pid, OUT_ALL));
	assert_false(sink_filter_pass(&process, tcp, &pid, OUT_ALL));
	assert_true(sink_filter_pass(&tcp_high, tcp, &pid, OUT_ALL));
	assert_true(sink_filter_pass(&tcp_high, alert, &high, OUT_ALL));
	assert_false(sink_filter_pass(&tcp_high, alert, &low, OUT_ALL));
	assert_false(sink_filter_pass(&tcp_high, alert, &high, 0)); /* no severity: info */
	out_free(alert);
	out_free(tcp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url),	    cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_token),	    cmocka_unit_test(test_batches),
		cmocka_unit_test(test_retry),	    cmocka_unit_test(test_refused_request),
		cmocka_unit_test(test_no_receiver), cmocka_unit_test(test_slow_receiver),
		cmocka_unit_test(test_timeout),	    cmocka_unit_test(test_https),
		cmocka_unit_test(test_encoders),    cmocka_unit_test(test_filter),
	};
	char self[] = __FILE__;

	snprintf(receiver, sizeof(receiver), "%s/../receivers/http_receiver.py", dirname(self));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
