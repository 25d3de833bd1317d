/* SPDX-License-Identifier: Apache-2.0 */
/* Validate a profile's YAML with librulesc (what `rulesc check` and
 * `rulesc compile` do). */
#ifndef WARD_PROFILE_CHECK_H
#define WARD_PROFILE_CHECK_H

#include <stddef.h>

struct rc_diags;

/* 0 when rulesc loads buf without errors and compiles it; -EINVAL with
 * rulesc's diagnostics in d (at their places in name) otherwise; -ENOMEM. */
int profile_check_yaml(const char *name, const char *buf, size_t len, struct rc_diags *d);

#endif
