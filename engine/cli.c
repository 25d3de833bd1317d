// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

bool cli_json_errors;

__attribute__((format(printf, 2, 0))) static void report(const char *level, const char *fmt,
							 va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (cli_json_errors) {
		json_t *o = json_pack("{s:s, s:s}", "level", level, "message", msg);

		if (o) {
			json_dumpf(o, stderr, JSON_COMPACT);
			json_decref(o);
		}
		fputc('\n', stderr);
	} else {
		fprintf(stderr, "ward: %s%s\n", level[0] == 'e' ? "error: " : "", msg);
	}
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("error", fmt, ap);
	va_end(ap);
}

void cli_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("info", fmt, ap);
	va_end(ap);
}

int cli_parse_text_json(const char *arg, bool *json)
{
	if (strcmp(arg, "json") && strcmp(arg, "text")) {
		cli_error("-o: unknown format '%s' (text or json)", arg);
		return -EINVAL;
	}
	*json = !strcmp(arg, "json");
	cli_json_errors = *json;
	return 0;
}

int cli_parse_seconds(const char *s, long min, long max, long *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}
