// SPDX-License-Identifier: Apache-2.0
/*
 * The configuration file is input a server reads at start (ward config check
 * reads any file it is given): parse arbitrary bytes. A file that parses has
 * no diagnostics, and one that does not has at least one error.
 */
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_config c;
	struct rc_diags d;
	int err;

	rc_diags_init(&d);
	err = config_parse("fuzz.yaml", (const char *)data, size, &c, &d);
	if (err == -EINVAL && !d.n_errors)
		abort(); /* refused without saying why */
	if (!err && d.n_errors)
		abort(); /* errors, yet a configuration */
	config_free(&c);
	rc_diags_free(&d);
	return 0;
}
