/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the profile's model (profile.c) and its reader
 * (profile_read.c); not part of the profile API. */
#ifndef WARD_PROFILE_INT_H
#define WARD_PROFILE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"

/* Add a copy of s unless present: 1 added, 0 present, -ENOMEM. */
int prof_strv_add(char ***v, size_t *n, const char *s);
/* Record a raw path a pattern stands for: 0 or -ENOMEM. */
int prof_file_cover(struct prof_file *f, const char *raw);
/* "CAP_NET_BIND_SERVICE" (malloc'd), NULL on ENOMEM. */
char *prof_cap_name(uint32_t cap);
/* Sort every list and the strings in it (no generalisation). */
void profile_sort(struct profile *p);

#endif
