// SPDX-License-Identifier: Apache-2.0
/*
 * Profile files are untrusted input (`ward profile merge|diff|export` read
 * whatever they are given): parse arbitrary bytes; what reads must write back
 * to YAML that reads again into the same YAML, export to every format, and
 * differ from itself in nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile.h"
#include "rulesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *render(const struct profile *p, size_t *ret_len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, ret_len);

	if (!f)
		abort();
	if (profile_write_yaml(p, f, p->mode, p->posture))
		abort();
	if (fclose(f))
		abort();
	return buf;
}

static void check_diff_empty(const struct profile *p)
{
	json_t *d = profile_diff(p, p);

	if (!d)
		abort();
	for (void *it = json_object_iter(d); it; it = json_object_iter_next(d, it)) {
		json_t *v = json_object_iter_value(it);

		if (json_array_size(json_object_get(v, "added")) ||
		    json_array_size(json_object_get(v, "removed")))
			abort();
	}
	json_decref(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile *p = NULL, *q = NULL;
	struct rc_diags d;
	char *y1, *y2;
	size_t l1, l2;
	int err;

	rc_diags_init(&d);
	err = profile_read_buffer("fuzz.yaml", (const char *)data, size, &p, &d);
	if (err) {
		if (err != -ENOMEM && !d.n_errors)
			abort(); /* a rejected profile says why */
		for (size_t i = 0; i < d.n; i++)
			if (strcmp(d.v[i].file, "fuzz.yaml") || !d.v[i].code[0])
				abort(); /* every error names the place and has a code */
		rc_diags_free(&d);
		return 0;
	}
	y1 = render(p, &l1);
	if (profile_read_buffer("fuzz.yaml", y1, l1, &q, &d)) {
		fprintf(stderr, "written profile does not read back: %s\n%s\n",
			d.n ? d.v[0].message : "", y1);
		abort();
	}
	y2 = render(q, &l2);
	if (l1 != l2 || memcmp(y1, y2, l1)) {
		fprintf(stderr, "not stable:\n%s\n---\n%s\n", y1, y2);
		abort();
	}
	for (int e = 0; e < PROF_EXPORT__MAX; e++) {
		json_t *o = profile_export(p, (enum prof_export)e,
					   (unsigned int)e & PROF_EXPORT_COMPLAIN);

		if (!o)
			abort();
		json_decref(o);
	}
	check_diff_empty(p);
	free(y1);
	free(y2);
	profile_free(p);
	profile_free(q);
	return 0;
}
