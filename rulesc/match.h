/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pure building blocks shared by the compiler and the evaluator: the
 * object hash, basename globs, path normalisation, CIDRs and port ranges.
 * The kernel programs implement ward_fnv_step() and ward_glob_match() the
 * same way (docs/bundle.md). What the engine uses too (paths, globs, CIDRs,
 * port ranges as written) is public: rulesc/include/rulesc/match.h.
 */
#ifndef RULESC_MATCH_H
#define RULESC_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/bundle_maps.h"
#include "rulesc/match.h"

static inline uint64_t ward_fnv_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * WARD_FNV_PRIME;
}

uint64_t ward_hash(const char *s, size_t len);

/* Match a basename against a glob: '*' any run, '?' one byte, '[abc]',
 * '[a-z]', '[!a]' classes and '\x' escapes. Never matches '/'. Iterative,
 * at most len(pattern) * len(s) steps. */
bool ward_glob_match(const char *pat, const char *s, size_t len);

/* "a.b.c.d/n" or "x::/n" back from an rc_cidr. */
void rc_cidr_format(const struct rc_cidr *c, char *buf, size_t size);
/* addr lies inside c. */
bool rc_cidr_contains(const struct rc_cidr *c, const uint8_t addr[16], uint8_t len);
/* "1.2.3.4:80", "[::1]:443"; the address in the IPv6 space. */
int rc_sockaddr_parse(const char *s, uint8_t addr[16], uint16_t *ret_port, const char **ret_why);

void ward_portset_fill(struct ward_portset *ps, const struct rc_port_range *r, size_t n);

static inline bool ward_portset_has(const struct ward_portset *ps, uint16_t port)
{
	return (ps->bits[port / 64] >> (port % 64)) & 1;
}

/* Edit distance (for "did you mean" hints), capped at 16. */
unsigned rc_edit_distance(const char *a, const char *b);

#endif
