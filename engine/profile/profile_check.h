/* SPDX-License-Identifier: Apache-2.0 */
/* Validate a profile's YAML with librulesc (what `rulesc check` and
 * `rulesc compile` do). */
#ifndef WARD_PROFILE_CHECK_H
#define WARD_PROFILE_CHECK_H

#include <stddef.h>

/* 0 when rulesc loads buf without errors and compiles it; -EINVAL with
 * *ret_first_error (malloc'd "file:line:col: message (code)", may be NULL)
 * otherwise; -ENOMEM. */
int profile_check_yaml(const char *name, const char *buf, size_t len, char **ret_first_error);

#endif
