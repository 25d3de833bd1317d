// SPDX-License-Identifier: Apache-2.0
/*
 * A plugin is an ELF object whoever reaches the control API uploads: open and
 * check arbitrary bytes as POST /v1/plugins does before anything is loaded
 * (libbpf's ELF and BTF parsing, ward's program, map and record checks). A
 * refusal always says why.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

#include <bpf/libbpf.h>

#include "plugin/plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plugin *p = NULL;
	char why[512] = "";
	int err;

	libbpf_set_print(quiet);
	err = plugin_check(data, size, "fuzz", &p, why, sizeof(why));
	if (err && !why[0] && err != -ENOMEM)
		abort(); /* refused without saying why */
	if (!err)
		plugin_free(p);
	return 0;
}
