/* SPDX-License-Identifier: Apache-2.0 */
/* The CLI's one error printer (text, or JSON with -o json) and shared parsing. */
#ifndef WARD_CLI_H
#define WARD_CLI_H

#include <stdbool.h>

/* When set, errors go to stderr as {"error": "..."} lines. */
extern bool cli_json_errors;

__attribute__((format(printf, 1, 2))) void cli_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void cli_info(const char *fmt, ...);

/* `-o text|json` of the commands that print a report: *json, and errors as
 * JSON from then on with json; -EINVAL (said) for another format. */
int cli_parse_text_json(const char *arg, bool *json);

/* Whole seconds in [min, max]; -EINVAL otherwise. */
int cli_parse_seconds(const char *s, long min, long max, long *ret);

#endif
