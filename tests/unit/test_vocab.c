// SPDX-License-Identifier: Apache-2.0
/*
 * The vocabularies (rulesc/vocab.h, the names of include/ward/enforce_abi.h's enums in
 * engine/enforce/enforce.c): every value has a word, the words are distinct and find
 * their value again, the engine's resource and level names are the same
 * words, and docs/alert.schema.json lists exactly the words alerts use.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "enforce/enforce.h"
#include "enforce/probe.h"
#include "rulesc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char schema_path[PATH_MAX]; /* docs/alert.schema.json */

/* Values below first have no word (""); every other one has one that finds it. */
static void check_table(const char *const *names, size_t n, size_t first)
{
	for (size_t i = 0; i < n; i++) {
		assert_non_null(names[i]);
		if (i < first) {
			assert_string_equal(names[i], "");
			continue;
		}
		assert_true(names[i][0] != '\0');
		assert_int_equal(rc_vocab_find(names, n, names[i]), (int)i);
	}
	assert_int_equal(rc_vocab_find(names, n, ""), -ENOENT);
	assert_int_equal(rc_vocab_find(names, n, "no-such-word"), -ENOENT);
}

static void test_policy_tables(void **state)
{
	check_table(rc_action_names, ARRAY_SIZE(rc_action_names), WARD_ACT_NONE);
	check_table(rc_mode_names, ARRAY_SIZE(rc_mode_names), WARD_MODE_AUDIT);
	check_table(rc_severity_names, ARRAY_SIZE(rc_severity_names), WARD_SEV_INFO);
	check_table(rc_class_names, ARRAY_SIZE(rc_class_names), WARD_CLS_EXEC);
	check_table(rc_domain_names, ARRAY_SIZE(rc_domain_names), WARD_DOM_EXEC);
	check_table(rc_kind_names, ARRAY_SIZE(rc_kind_names), WARD_KEY_EXACT);
	check_table(rc_access_names, ARRAY_SIZE(rc_access_names), 0);
	check_table(rc_proto_names, ARRAY_SIZE(rc_proto_names), 0);
	check_table(rc_sock_names, ARRAY_SIZE(rc_sock_names), WARD_SOCK_RAW);
	/* the bit enums have one word per bit */
	assert_int_equal(WARD_ACC_ALL, (1u << ARRAY_SIZE(rc_access_names)) - 1);
	assert_int_equal(WARD_PROTO_ALL, (1u << ARRAY_SIZE(rc_proto_names)) - 1);
}

static void test_policy_names(void **state)
{
	for (uint8_t a = 0; a < WARD_ACT_MAX; a++)
		assert_string_equal(rc_action_name(a), rc_action_names[a]);
	for (uint8_t m = WARD_MODE_AUDIT; m < WARD_MODE_MAX; m++)
		assert_string_equal(rc_mode_name(m), rc_mode_names[m]);
	for (uint8_t s = 0; s < WARD_SEV_MAX; s++)
		assert_string_equal(rc_severity_name(s), rc_severity_names[s]);
	for (uint8_t c = 0; c < WARD_CLS_MAX; c++)
		assert_string_equal(rc_class_name(c), rc_class_names[c]);
	for (uint16_t d = WARD_DOM_EXEC; d < WARD_DOM_MAX; d++)
		assert_string_equal(rc_domain_name(d), rc_domain_names[d]);
	for (uint16_t k = WARD_KEY_EXACT; k < WARD_KEY_MAX; k++)
		assert_string_equal(rc_kind_name(k), rc_kind_names[k]);
	assert_string_equal(rc_action_name(WARD_ACT_MAX), "?");
	assert_string_equal(rc_mode_name(0), "?");
	assert_string_equal(rc_mode_name(WARD_MODE_MAX), "?");
	assert_string_equal(rc_severity_name(WARD_SEV_MAX), "?");
	assert_string_equal(rc_class_name(WARD_CLS_PROTECT), "?");
	assert_string_equal(rc_domain_name(0), "?");
	assert_string_equal(rc_domain_name(WARD_DOM_MAX), "?");
	assert_string_equal(rc_kind_name(0), "?");
	assert_string_equal(rc_kind_name(WARD_KEY_MAX), "?");
}

static void test_access(void **state)
{
	char buf[128], all[128] = "";
	uint32_t bit;

	for (size_t b = 0; b < ARRAY_SIZE(rc_access_names); b++) {
		bit = 0;
		assert_int_equal(rc_access_parse(rc_access_names[b], &bit), 0);
		assert_int_equal(bit, 1u << b);
		rc_access_format(bit, buf, sizeof(buf));
		assert_string_equal(buf, rc_access_names[b]);
		strcat(strcat(all, b ? "," : ""), rc_access_names[b]);
	}
	assert_string_equal(rc_access_names[__builtin_ctz(WARD_ACC_UNLINK)], "unlink");
	rc_access_format(WARD_ACC_ALL, buf, sizeof(buf));
	assert_string_equal(buf, all);
	rc_access_format(WARD_ACC_READ | WARD_ACC_TRUNCATE, buf, sizeof(buf));
	assert_string_equal(buf, "read,truncate");
	rc_access_format(WARD_ACC_READ | WARD_ACC_WRITE, buf, 8); /* truncated, terminated */
	assert_string_equal(buf, "read,wr");
	rc_access_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	bit = 7;
	assert_int_equal(rc_access_parse("append", &bit), -EINVAL);
	assert_int_equal(rc_access_parse("", &bit), -EINVAL);
	assert_int_equal(bit, 7);
}

/* The words of one ABI enum: values 1..n-1 (from 0 when zero_named) have
 * distinct ones, the others none. */
static void check_abi(const char *(*name)(unsigned int), unsigned int n, bool zero_named)
{
	for (unsigned int v = 0; v < n; v++) {
		if (v == 0 && !zero_named) {
			assert_null(name(v));
			continue;
		}
		assert_non_null(name(v));
		assert_true(name(v)[0] != '\0');
		for (unsigned int w = zero_named ? 0 : 1; w < v; w++)
			assert_string_not_equal(name(v), name(w));
	}
}

static void test_abi_names(void **state)
{
	check_abi(ward_op_name, WARD_OP__MAX, false);
	assert_null(ward_op_name(WARD_OP__MAX));
	check_abi(ward_undecided_name, WARD_UNDEC__MAX, false);
	assert_null(ward_undecided_name(WARD_UNDEC__MAX));
	check_abi(ward_level_name, WARD_LEVEL_LSM + 1, true);
	assert_string_equal(ward_level_name(WARD_LEVEL_LSM + 1), "unknown");
	assert_string_equal(ward_op_name(WARD_OP_UNIX_CONNECT), "unix_connect");
	/* resources, probe resources and enforcement objects are the classes */
	for (unsigned int r = 0; r < WARD_RES_COUNT; r++) {
		assert_string_equal(ward_res_name(r), rc_class_names[r]);
		assert_string_equal(probe_resource_name((enum probe_resource)r), rc_class_names[r]);
	}
	assert_string_equal(ward_res_name(WARD_RES_COUNT), "unknown");
	assert_null(probe_resource_name(PROBE_RES_COUNT));
	for (int o = 0; o < ENF_OBJ_COUNT; o++)
		assert_string_equal(enforce_obj_name((enum enforce_obj)o), rc_class_names[o]);
	assert_string_equal(enforce_obj_name(ENF_OBJ_COUNT), "unknown");
	for (unsigned int l = PROBE_LEVEL_NONE; l <= PROBE_LEVEL_LSM; l++)
		assert_string_equal(probe_level_name((enum probe_level)l), ward_level_name(l));
	assert_null(probe_level_name((enum probe_level)(PROBE_LEVEL_LSM + 1)));
}

/* The schema's enum of property prop is exactly these words, in the order of
 * their values. */
static void check_enum(json_t *props, const char *prop, const char *const *words, size_t n)
{
	json_t *e = json_object_get(json_object_get(props, prop), "enum");

	assert_non_null(e);
	assert_int_equal(json_array_size(e), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(json_string_value(json_array_get(e, i)), words[i]);
}

static void test_schema(void **state)
{
	const char *ops[WARD_OP__MAX - 1], *undec[WARD_UNDEC__MAX - 1], *levels[WARD_LEVEL_LSM + 1];
	char alt[256] = "", pattern[600];
	json_error_t jerr;
	json_t *root = json_load_file(schema_path, 0, &jerr), *props;

	assert_non_null(root);
	props = json_object_get(root, "properties");
	for (unsigned int op = 1; op < WARD_OP__MAX; op++)
		ops[op - 1] = ward_op_name(op);
	check_enum(props, "op", ops, ARRAY_SIZE(ops));
	for (unsigned int u = 1; u < WARD_UNDEC__MAX; u++)
		undec[u - 1] = ward_undecided_name(u);
	check_enum(props, "undecided", undec, ARRAY_SIZE(undec));
	for (unsigned int l = 0; l <= WARD_LEVEL_LSM; l++)
		levels[l] = ward_level_name(l);
	check_enum(props, "level", levels, ARRAY_SIZE(levels));
	check_enum(props, "mode", rc_mode_names + WARD_MODE_AUDIT, WARD_MODE_MAX - WARD_MODE_AUDIT);
	check_enum(props, "action", rc_action_names + WARD_ACT_ALERT,
		   WARD_ACT_MAX - WARD_ACT_ALERT);
	check_enum(props, "protocol", rc_proto_names, ARRAY_SIZE(rc_proto_names));
	for (size_t b = 0; b < ARRAY_SIZE(rc_access_names); b++)
		strcat(strcat(alt, b ? "|" : ""), rc_access_names[b]);
	snprintf(pattern, sizeof(pattern), "^(%s)(,(%s))*$", alt, alt);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(props, "access"), "pattern")),
		pattern);
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_tables), cmocka_unit_test(test_policy_names),
		cmocka_unit_test(test_access),	      cmocka_unit_test(test_abi_names),
		cmocka_unit_test(test_schema),
	};
	char self[] = __FILE__;

	/* tests/unit/test_vocab.c -> docs/alert.schema.json */
	snprintf(schema_path, sizeof(schema_path), "%s/../../docs/alert.schema.json",
		 dirname(self));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
