// SPDX-License-Identifier: Apache-2.0
/*
 * OTLP/HTTP logs, JSON encoding (post.h): a batch is one
 * ExportLogsServiceRequest, one ResourceLogs (service.name ward, host.name)
 * with one ScopeLogs (scope ward) holding a LogRecord per row. OTLP's JSON
 * rules: lowerCamelCase field names, 64-bit integers as decimal strings,
 * enums as numbers. A record: the row's time, its severity on OTel's scale,
 * the row's -o json object as a string body, and attributes by the
 * OpenTelemetry semantic conventions (container.*, k8s.*) and ward's own
 * (ward.*).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "clock.h"
#include "output.h"
#include "post.h"

/* OTel's SeverityNumber of a rule's severity; an alert of none is a WARN,
 * an event INFO. */
static int otel_severity(const char *sev, enum out_kind kind)
{
	static const struct {
		const char *name;
		int number;
	} map[] = {
		{ "info", 9 },	    /* INFO */
		{ "low", 13 },	    /* WARN */
		{ "medium", 14 },   /* WARN2 */
		{ "high", 17 },	    /* ERROR */
		{ "critical", 21 }, /* FATAL */
	};

	for (size_t i = 0; sev && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(sev, map[i].name))
			return map[i].number;
	return kind == OUT_ALERT ? 13 : 9;
}

/* attrs += {"key": key, "value": {"stringValue": v}} when v is not empty. */
static int add_attr(json_t *attrs, const char *key, const char *v)
{
	json_t *kv;
	char *clean;

	if (!v || !v[0])
		return 0;
	clean = out_utf8_sanitize(v, strlen(v));
	kv = clean ? json_pack("{s:s, s:{s:s}}", "key", key, "value", "stringValue", clean) : NULL;
	free(clean);
	return kv && !json_array_append_new(attrs, kv) ? 0 : -ENOMEM;
}

/* The image's name without its tag or digest (container.image.name). */
static void image_name(const char *image, char *buf, size_t size)
{
	const char *slash = strrchr(image, '/'), *base = slash ? slash + 1 : image;
	size_t n = strcspn(base, ":@") + (size_t)(base - image);

	snprintf(buf, size, "%.*s", (int)n, image);
}

/* The pod's labels as k8s.pod.label.<key> (OpenTelemetry's semantic conventions). */
#define OTLP_POD_LABEL "k8s.pod.label."
static int pod_label_attrs(json_t *attrs, const struct container_info *c)
{
	char key[sizeof(OTLP_POD_LABEL) + CONTAINER_LABEL_KEY_MAX];
	int err = 0;

	for (size_t i = 0; i < c->n_k8s_labels && !err; i++)
		if (snprintf(key, sizeof(key), OTLP_POD_LABEL "%s", c->k8s_labels[i].key) <
		    (int)sizeof(key))
			err = add_attr(attrs, key, c->k8s_labels[i].value);
	return err;
}

static int container_attrs(json_t *attrs, const struct container_info *c)
{
	char image[CONTAINER_IMAGE_MAX];

	if (!c || c->host)
		return 0;
	image_name(c->image, image, sizeof(image));
	return add_attr(attrs, "container.id", c->id) ?: add_attr(attrs, "container.name", c->name)
		?: add_attr(attrs, "container.image.name", image)
		?: add_attr(attrs, "container.runtime", c->runtime)
		?: add_attr(attrs, "k8s.pod.name", c->k8s_pod)
		?: add_attr(attrs, "k8s.namespace.name", c->k8s_namespace)
		?: add_attr(attrs, "k8s.container.name", c->k8s_container)
		?: add_attr(attrs, "k8s.pod.uid", c->k8s_pod_uid) ?: pod_label_attrs(attrs, c);
}

static void u64_str(uint64_t v, char buf[24])
{
	snprintf(buf, 24, "%" PRIu64, v);
}

char *otlp_record(const struct out *ch, const union out_val *vals, uint64_t present,
		  size_t *ret_len)
{
	static const char *const ward_attrs[] = { "policy", "rule", "action", NULL };
	const char *sev = out_row_str(ch, vals, present, "severity");
	int tc = out_col_find(ch, "time"), cc = out_col_find(ch, "container_name");
	char observed[24], when[24], key[32], *body, *s = NULL;
	json_t *rec = NULL, *attrs = json_array();
	int err;

	body = webhook_record(ch, vals, present, &(size_t){ 0 });
	if (!attrs || !body)
		goto out_free;
	u64_str(clock_now_ns(CLOCK_REALTIME), observed);
	if (tc >= 0 && (present & (1ULL << tc)) && ch->cols[tc].type == OUT_TIME)
		u64_str(vals[tc].u, when);
	else
		strcpy(when, observed);
	err = add_attr(attrs, "ward.tracker", ch->tracker);
	for (size_t i = 0; ward_attrs[i] && !err; i++) {
		snprintf(key, sizeof(key), "ward.%s", ward_attrs[i]);
		err = add_attr(attrs, key, out_row_str(ch, vals, present, ward_attrs[i]));
	}
	if (!err && cc >= 0 && (present & (1ULL << cc)) && ch->cols[cc].type == OUT_CONTAINER)
		err = container_attrs(attrs, vals[cc].c);
	if (err)
		goto out_free;
	rec = json_pack("{s:s, s:s, s:i, s:s, s:{s:s}, s:O}", "timeUnixNano", when,
			"observedTimeUnixNano", observed, "severityNumber",
			otel_severity(sev, ch->kind), "severityText",
			sev ?: (ch->kind == OUT_ALERT ? "WARN" : "INFO"), "body", "stringValue",
			body, "attributes", attrs);
	if (rec)
		s = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s)
		*ret_len = strlen(s);
out_free:
	json_decref(rec);
	json_decref(attrs);
	free(body);
	return s;
}

int otlp_frame(const char *host, char **ret_prefix, char **ret_suffix)
{
	json_t *res = json_pack("{s:[{s:s, s:{s:s}}, {s:s, s:{s:s}}]}", "attributes", "key",
				"service.name", "value", "stringValue", "ward", "key",
				"service.version", "value", "stringValue", WARD_VERSION);
	json_t *scope = json_pack("{s:s, s:s}", "name", "ward", "version", WARD_VERSION);
	char *r = NULL, *sc = NULL;
	int err = -ENOMEM;

	if (!res || !scope || add_attr(json_object_get(res, "attributes"), "host.name", host))
		goto out_free;
	r = json_dumps(res, JSON_COMPACT | JSON_PRESERVE_ORDER);
	sc = json_dumps(scope, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!r || !sc)
		goto out_free;
	if (asprintf(ret_prefix,
		     "{\"resourceLogs\":[{\"resource\":%s,\"scopeLogs\":[{\"scope\":%s,"
		     "\"logRecords\":[",
		     r, sc) < 0)
		goto out_free;
	*ret_suffix = strdup("]}]}]}");
	if (!*ret_suffix) {
		free(*ret_prefix);
		goto out_free;
	}
	err = 0;
out_free:
	free(r);
	free(sc);
	json_decref(res);
	json_decref(scope);
	return err;
}
