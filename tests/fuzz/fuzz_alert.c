// SPDX-License-Identifier: Apache-2.0
/*
 * Alert records come from the kernel and are untrusted input to user space (a
 * buggy or foreign BPF object, memory corruption): feed arbitrary bytes as a
 * struct ward_alert to alert_render() in every output format, with a real
 * bundle for the rule and policy lookups, and check that what comes out in
 * JSON keeps the promises of docs/alert.schema.json that depend on the
 * record (never a block or a level that the record cannot prove).
 *
 * Input: byte 0 picks the bundle (0: none, 1: the default pack embedded in
 * ward, compiled by build/rulesc from policies/; 2: the fixture below, whose
 * rules use every message placeholder), byte 1 the container (host or a
 * container whose names carry control characters and invalid UTF-8), the
 * rest is the record, passed with its exact size.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "enforce/alert.h"
#include "enforce/default_pack.h"
#include "model.h"
#include "rulesc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixture[] =
	"apiVersion: ward.dev/v1\n"
	"kind: Policy\n"
	"metadata: {name: fuzz-alert}\n"
	"spec:\n"
	"  selector: {containers: [\"*\"]}\n"
	"  mode: enforce\n"
	"  defaults: {exec: allow, file: allow, network: allow, capabilities: allow}\n"
	"  rules:\n"
	"    - name: every-placeholder\n"
	"      exec: {paths: [/bin/sh]}\n"
	"      action: block\n"
	"      message: \"{process.exe} {process.pid} {process.uid} {process.parent_exe} "
	"{container.name} {container.image} {container.id} {object} {rule.name} "
	"{policy.name}\"\n"
	"    - name: repeated\n"
	"      file: {paths: [/etc/shadow], access: [read, write]}\n"
	"      action: alert\n"
	"      message: \"{object}{object}{object}{object}{object}{object}{object}{object}"
	"{object}{object}{object}{object}{object}{object}{object}{object}{object}{object}\"\n"
	"    - name: literal\n"
	"      network: {connect: {cidrs: [10.0.0.0/8]}}\n"
	"      action: block\n"
	"      message: \"no placeholder at all\"\n"
	"    - name: no-message\n"
	"      capabilities: {names: [SYS_ADMIN]}\n"
	"      action: block\n";

static struct ward_bundle *bundles[3];
static FILE *sink;

static struct ward_bundle *compile_fixture(void)
{
	struct rc_diags d;
	struct rc_set *s = NULL;
	struct ward_bundle *b = NULL;
	const char *why;
	uint8_t *buf = NULL;
	size_t len = 0;

	rc_diags_init(&d);
	if (rc_set_load_buffer("fixture.yaml", fixture, sizeof(fixture) - 1, &d, &s) == 0 &&
	    d.n_errors == 0 && rc_compile(s, &d, &buf, &len) == 0)
		(void)ward_bundle_open(buf, len, &b, &why);
	free(buf);
	rc_set_free(s);
	rc_diags_free(&d);
	return b;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *why;

	(void)argc;
	(void)argv;
	sink = fopen("/dev/null", "we");
	if (ward_bundle_open(ward_default_pack, (size_t)(ward_default_pack_end - ward_default_pack),
			     &bundles[1], &why) < 0)
		abort();
	bundles[2] = compile_fixture();
	if (!sink || !bundles[2])
		abort();
	return 0;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The record-dependent promises of the schema, on every JSON line. */
static void check_json(const char *buf, size_t len)
{
	json_error_t jerr;
	json_t *o = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, &jerr);
	const char *action, *level, *mode, *msg, *undecided;

	if (!o)
		abort();
	action = str(o, "action");
	level = str(o, "level");
	mode = str(o, "mode");
	if (!action || !level || !mode || !str(o, "object") || !str(o, "rule") || !str(o, "policy"))
		abort();
	if (!strcmp(action, "alert") && strcmp(level, "none"))
		abort();
	if (!strcmp(action, "block") && (strcmp(mode, "enforce") || !strcmp(level, "none")))
		abort();
	undecided = str(o, "undecided");
	if (undecided && strcmp(undecided, "path") && strcmp(undecided, "exe") &&
	    strcmp(undecided, "steps"))
		abort();
	msg = str(o, "message");
	if (msg && strlen(msg) > ALERT_MESSAGE_MAX * 3) /* U+FFFD is 3 bytes */
		abort();
	/* The templates here have none: any control character came from a value. */
	for (; msg && *msg; msg++)
		if ((unsigned char)*msg < 0x20 || *msg == 0x7f)
			abort();
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct container_label label = { "app", "x\x1b]0;pwn\x07" };
	struct container_info ci = { .cgroup_id = 7, .labels = &label, .n_labels = 1 };
	const struct ward_bundle *b;
	uint8_t *rec;

	if (size < 2)
		return 0;
	b = bundles[data[0] % 3];
	if (data[1] & 1) {
		ci.host = true;
	} else {
		strcpy(ci.id, "abcd\n\xff");
		strcpy(ci.name, "c\r\n{object}");
		memset(ci.image, 'i', sizeof(ci.image) - 1);
		strcpy(ci.runtime, "runc");
	}
	/* An exact-size copy, so a read past the record is caught. */
	rec = malloc(size - 2 ? size - 2 : 1);
	if (!rec)
		return 0;
	memcpy(rec, data + 2, size - 2);
	for (enum out_format fmt = OUT_TABLE; fmt <= OUT_CSV; fmt++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = fmt == OUT_JSON ? open_memstream(&buf, &len) : sink;
		struct sinks ss = { 0 };
		struct out *o = f && !sink_stream_add(&ss, f, "fuzz", fmt, f != sink)
					? alert_out_new(&ss)
					: NULL;
		int err = o ? alert_render(o, rec, size - 2, b, &ci, 0, NULL) : -1;

		out_free(o);
		(void)sinks_close(&ss, NULL);
		if (f && f != sink) {
			if (err == 0)
				check_json(buf, len);
			else if (len)
				abort(); /* a rejected record prints nothing */
			free(buf);
		}
	}
	free(rec);
	return 0;
}
