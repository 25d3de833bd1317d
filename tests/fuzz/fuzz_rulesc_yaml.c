// SPDX-License-Identifier: Apache-2.0
/*
 * Policy YAML is untrusted input (policy repositories, the API): parse,
 * analyze and compile arbitrary bytes; when they compile, the bundle must
 * open again and every PolicyTest case must evaluate without error.
 */
#include <stdint.h>
#include <stdlib.h>

#include "model.h"
#include "rulesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rc_case_result *res = NULL;
	struct ward_bundle *b = NULL;
	struct rc_diags d;
	struct rc_set *s = NULL;
	const char *why;
	uint8_t *buf = NULL;
	size_t len = 0, n = 0;

	rc_diags_init(&d);
	if (rc_set_load_buffer("fuzz.yaml", (const char *)data, size, &d, &s) < 0)
		goto out;
	rc_analyze(s, &d);
	rc_diags_sort(&d);
	if (d.n_errors || rc_compile(s, &d, &buf, &len) < 0)
		goto out;
	if (ward_bundle_open(buf, len, &b, &why) < 0)
		abort(); /* the compiler produced a bundle its own reader refuses */
	if (rc_run_tests(s, b, &res, &n) >= 0)
		free(res);
out:
	ward_bundle_free(b);
	free(buf);
	rc_set_free(s);
	rc_diags_free(&d);
	return 0;
}
