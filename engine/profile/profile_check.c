// SPDX-License-Identifier: Apache-2.0
/*
 * Is a written profile what rulesc accepts? Loads the YAML with librulesc,
 * requires zero errors and compiles it into a bundle. Needs librulesc (and
 * libyaml, libcrypto) at link time: the ward binary references this file only
 * once it links librulesc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile_check.h"
#include "rulesc.h"

int profile_check_yaml(const char *name, const char *buf, size_t len, struct rc_diags *ret)
{
	struct rc_diags d;
	struct rc_set *s = NULL;
	uint8_t *bundle = NULL;
	size_t blen = 0;
	int err;

	rc_diags_init(&d);
	err = rc_set_load_buffer(name, buf, len, &d, &s);
	if (!err && !d.n_errors)
		err = rc_compile(s, &d, &bundle, &blen);
	if (!err && d.n_errors)
		err = -EINVAL;
	if (err == -EINVAL)
		rc_diags_move(ret, &d);
	free(bundle);
	rc_set_free(s);
	rc_diags_free(&d);
	return err;
}
