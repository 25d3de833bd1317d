/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The values of rules as they are written: absolute paths, basename globs,
 * CIDRs and port ranges, checked the compiler's way. Public (through
 * rulesc.h) for the engine's readers of learned profiles and its loader;
 * the rest of the matching blocks stay the compiler's (rulesc/match.h).
 */
#ifndef RULESC_PUBLIC_MATCH_H
#define RULESC_PUBLIC_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/bundle_maps.h"

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

/* Append s[0, len) to the NUL-terminated buf of size bytes at *pos (advanced):
 * 0, or -ENAMETOOLONG when it would not fit (buf unchanged). */
int rc_buf_append(char *buf, size_t size, size_t *pos, const char *s, size_t len);

/*
 * An image reference in the one spelling containerd and Kubernetes write
 * (docs/rules.md, "Image references"): a Docker Hub name gets its registry
 * and "library/" ("nginx:1.25" -> "docker.io/library/nginx:1.25"), a name
 * without tag or digest gets ":latest", "index.docker.io" is "docker.io", a
 * digest is kept; an image id ("sha256:HEX", 64 hex digits) is left as it is.
 * An image selector glob is normalised the same way where its wildcards leave
 * that decided: a glob starting with '*' stands for any registry and gets
 * none, one ending with '*' for any tag. A glob whose first component,
 * followed by '/', has a wildcard but no '.' or ':' may name a registry or a
 * Docker Hub namespace: it is copied as written and the result is
 * RC_IMAGE_AS_WRITTEN. Returns 0 or RC_IMAGE_AS_WRITTEN with the result in
 * buf, or -ENAMETOOLONG (buf then holds ""); RC_IMAGE_GROWTH more bytes than
 * strlen(in) + 1 are always enough.
 */
#define RC_IMAGE_AS_WRITTEN 1
#define RC_IMAGE_GROWTH	    (sizeof("docker.io/library/:latest") - 1)
int rc_image_normalize(const char *in, char *buf, size_t size);

struct rc_cidr {
	uint8_t addr[16]; /* IPv6, IPv4 as ::ffff:a.b.c.d */
	uint8_t len;	  /* prefix length in the IPv6 space (IPv4 /n -> 96 + n) */
	bool v4;
};

/* "10.0.0.0/8", "2001:db8::/32", or a single address. Host bits must be 0. */
int rc_cidr_parse(const char *s, struct rc_cidr *ret, const char **ret_why);
struct rc_port_range {
	uint16_t lo, hi;
};

/* "80" or "8000-8100"; 1..65535. */
int rc_port_range_parse(const char *s, struct rc_port_range *ret, const char **ret_why);

#endif
