/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiler's side of the bundle file: its layout and the read-only view
 * are public (rulesc/include/rulesc/bundle.h); writing one is not.
 */
#ifndef RULESC_BUNDLE_H
#define RULESC_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "rulesc/bundle.h"
#include "match.h"

/* Compare two object keys / LPM keys in bundle order. */
int wb_obj_key_cmp(const struct ward_obj_key *a, const struct ward_obj_key *b);
int wb_lpm_key_cmp(const struct ward_lpm_key *a, const struct ward_lpm_key *b);

/* Serialise: header + sections from in-memory arrays (compile.c). */
struct wb_image {
	const char *strtab;
	size_t strtab_len;
	const void *sec[WB_SEC_COUNT + 1]; /* by enum wb_section_type */
	size_t count[WB_SEC_COUNT + 1];
};

int wb_serialize(const struct wb_image *img, const char *compiler, uint8_t **ret_buf,
		 size_t *ret_len);

/* SHA-256 (libsodium): the content digest and signing key ids. 0 or -EIO. */
int wb_sha256(const uint8_t *p, size_t n, uint8_t out[32]);

#endif
