// SPDX-License-Identifier: Apache-2.0
/*
 * Seccomp profiles are untrusted input (`ward seccomp check` reads whatever
 * it is given): parse, validate and compile arbitrary bytes, render the
 * report as JSON, and check what callers rely on.
 */
#include <stdint.h>
#include <stdlib.h>

#include "seccomp_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_report *r = NULL;
	json_t *o;

	if (size > SC_FILE_MAX)
		return 0;
	if (sc_check_buffer((const char *)data, size, &r) != 0)
		return 0;
	if (r->n_errors + r->n_warnings > r->n_diags || r->n_arches > SC_MAX_ARCHES)
		abort();
	for (size_t i = 0; i < r->n_diags; i++)
		if (!r->diags[i].code || !r->diags[i].where || !r->diags[i].message ||
		    !r->diags[i].hint)
			abort();
	o = sc_report_json(r);
	json_decref(o);
	sc_report_free(r);
	return 0;
}
