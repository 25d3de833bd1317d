/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pure building blocks shared by the compiler and the evaluator: the
 * object hash, basename globs, path normalisation, CIDRs and port ranges.
 * The kernel programs implement ward_fnv_step() and ward_glob_match() the
 * same way (docs/bundle.md).
 */
#ifndef RULESC_MATCH_H
#define RULESC_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/bundle_maps.h"

static inline uint64_t ward_fnv_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * WARD_FNV_PRIME;
}

uint64_t ward_hash(const char *s, size_t len);

/* Match a basename against a glob: '*' any run, '?' one byte, '[abc]',
 * '[a-z]', '[!a]' classes and '\x' escapes. Never matches '/'. Iterative,
 * at most len(pattern) * len(s) steps. */
bool ward_glob_match(const char *pat, const char *s, size_t len);

/* pat as the token table the kernel steps through (struct ward_glob_kern):
 * 0, or -EINVAL/-E2BIG/-ENAMETOOLONG with *ret_why set. ret may be NULL
 * (check only). Matching the tokens with the backtracking of
 * ward_glob_match() decides the same (tests/unit, the differential test). */
int ward_glob_compile(const char *pat, struct ward_glob_kern *ret, const char **ret_why);

/* True when s contains an unescaped glob metacharacter. */
bool rc_has_glob(const char *s);

/* 0 when pat is a well-formed glob, else -EINVAL and *ret_why says why. */
int rc_glob_check(const char *pat, const char **ret_why);

/* Normalise an absolute path: collapse "//", reject "." and ".." components
 * and relative paths, add a trailing '/' when dir, refuse one otherwise,
 * enforce WARD_PATH_MAX and WARD_PATH_DEPTH. 0 and a malloc'd *ret or
 * -EINVAL/-ENAMETOOLONG/-ENOMEM with *ret_why set. */
int rc_path_normalize(const char *in, bool dir, char **ret, const char **ret_why);

struct rc_cidr {
	uint8_t addr[16]; /* IPv6, IPv4 as ::ffff:a.b.c.d */
	uint8_t len;	  /* prefix length in the IPv6 space (IPv4 /n -> 96 + n) */
	bool v4;
};

/* "10.0.0.0/8", "2001:db8::/32", or a single address. Host bits must be 0. */
int rc_cidr_parse(const char *s, struct rc_cidr *ret, const char **ret_why);
/* "a.b.c.d/n" or "x::/n" back from an rc_cidr. */
void rc_cidr_format(const struct rc_cidr *c, char *buf, size_t size);
/* addr lies inside c. */
bool rc_cidr_contains(const struct rc_cidr *c, const uint8_t addr[16], uint8_t len);
/* "1.2.3.4:80", "[::1]:443"; the address in the IPv6 space. */
int rc_sockaddr_parse(const char *s, uint8_t addr[16], uint16_t *ret_port, const char **ret_why);

struct rc_port_range {
	uint16_t lo, hi;
};

/* "80" or "8000-8100"; 1..65535. */
int rc_port_range_parse(const char *s, struct rc_port_range *ret, const char **ret_why);

void ward_portset_fill(struct ward_portset *ps, const struct rc_port_range *r, size_t n);

static inline bool ward_portset_has(const struct ward_portset *ps, uint16_t port)
{
	return (ps->bits[port / 64] >> (port % 64)) & 1;
}

/* Edit distance (for "did you mean" hints), capped at 16. */
unsigned rc_edit_distance(const char *a, const char *b);

#endif
