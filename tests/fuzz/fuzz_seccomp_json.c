// SPDX-License-Identifier: Apache-2.0
/*
 * Seccomp profiles are untrusted input (`ward seccomp check` reads whatever
 * it is given): parse, validate and compile arbitrary bytes, render the
 * report as JSON, and check what callers rely on.
 */
#include <stdint.h>
#include <stdlib.h>

#include "seccomp/seccomp_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_report *r = NULL;
	size_t lines = 1;
	json_t *o;

	if (size > SC_FILE_MAX)
		return 0;
	if (sc_check_buffer((const char *)data, size, &r) != 0)
		return 0;
	if (r->n_errors + r->n_warnings > r->n_diags || r->n_arches > SC_MAX_ARCHES)
		abort();
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	for (size_t i = 0; i < r->n_diags; i++) {
		const struct sc_diag *d = &r->diags[i];

		if (!d->code || !d->where || !d->message || !d->hint)
			abort();
		/* a position is in the file, or absent */
		if (d->line < 0 || d->column < 0 || !d->line != !d->column ||
		    (size_t)d->line > lines || (size_t)d->column > size + 1)
			abort();
	}
	/* fails only without memory: every message is valid UTF-8 */
	o = sc_report_json(r);
	if (!o)
		abort();
	json_decref(o);
	sc_report_free(r);
	return 0;
}
