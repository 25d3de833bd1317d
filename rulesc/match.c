// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"

uint64_t ward_hash(const char *s, size_t len)
{
	uint64_t h = WARD_FNV_OFFSET;

	for (size_t i = 0; i < len; i++)
		h = ward_fnv_step(h, (unsigned char)s[i]);
	return h;
}

/* Match one class starting after '[' at pat; *ret_end gets the index past ']'.
 * Returns -1 when the class is unterminated. */
static int class_match(const char *pat, size_t *ret_end, unsigned char c)
{
	size_t i = 0;
	bool neg = false, hit = false;

	if (pat[i] == '!' || pat[i] == '^') {
		neg = true;
		i++;
	}
	for (bool first = true; pat[i] && (first || pat[i] != ']'); first = false) {
		unsigned char lo = (unsigned char)pat[i], hi;

		if (lo == '\\' && pat[i + 1])
			lo = (unsigned char)pat[++i];
		hi = lo;
		if (pat[i + 1] == '-' && pat[i + 2] && pat[i + 2] != ']') {
			hi = (unsigned char)pat[i + 2];
			if (hi == '\\' && pat[i + 3])
				hi = (unsigned char)pat[++i + 2];
			i += 2;
		}
		if (c >= lo && c <= hi)
			hit = true;
		i++;
	}
	if (pat[i] != ']')
		return -1;
	*ret_end = i + 1;
	return hit != neg;
}

bool ward_glob_match(const char *pat, const char *s, size_t len)
{
	size_t p = 0, i = 0, star_p = 0, star_i = 0;
	bool have_star = false;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t end;

		if (c == '/')
			return false;
		if (pat[p] == '*') {
			have_star = true;
			star_p = ++p;
			star_i = i;
			continue;
		}
		if (pat[p] == '?') {
			p++;
			i++;
			continue;
		}
		if (pat[p] == '[') {
			int m = class_match(pat + p + 1, &end, c);

			if (m > 0) {
				p += 1 + end;
				i++;
				continue;
			}
		} else if (pat[p] == '\\' && pat[p + 1]) {
			if ((unsigned char)pat[p + 1] == c) {
				p += 2;
				i++;
				continue;
			}
		} else if (pat[p] && (unsigned char)pat[p] == c) {
			p++;
			i++;
			continue;
		}
		if (!have_star)
			return false;
		p = star_p;
		i = ++star_i;
	}
	while (pat[p] == '*')
		p++;
	return pat[p] == '\0';
}

bool rc_has_glob(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			continue;
		}
		if (*s == '*' || *s == '?' || *s == '[')
			return true;
	}
	return false;
}

/* ---- image references -------------------------------------------------------- */

#define IMAGE_DEFAULT_DOMAIN "docker.io"
#define IMAGE_LEGACY_DOMAIN  "index.docker.io"
#define IMAGE_OFFICIAL_REPO  "library/"
#define IMAGE_DEFAULT_TAG    ":latest"
#define IMAGE_ID_HEX	     64

static bool is_image_id(const char *s)
{
	if (!strncmp(s, "sha256:", 7))
		s += 7;
	if (strlen(s) != IMAGE_ID_HEX)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

int rc_buf_append(char *buf, size_t size, size_t *pos, const char *s, size_t len)
{
	if (*pos + len >= size)
		return -ENAMETOOLONG;
	memcpy(buf + *pos, s, len);
	*pos += len;
	buf[*pos] = '\0';
	return 0;
}

/* Docker Hub's registry before path; an official image (one component) is in
 * "library/", unless a leading '*' stands for any namespace. */
static int image_hub(char *buf, size_t size, size_t *o, const char *path)
{
	if (rc_buf_append(buf, size, o, IMAGE_DEFAULT_DOMAIN "/", strlen(IMAGE_DEFAULT_DOMAIN) + 1))
		return -ENAMETOOLONG;
	if (memchr(path, '/', strcspn(path, "@")) || path[0] == '*')
		return 0;
	return rc_buf_append(buf, size, o, IMAGE_OFFICIAL_REPO, strlen(IMAGE_OFFICIAL_REPO));
}

int rc_image_normalize(const char *in, char *buf, size_t size)
{
	size_t name_len = strcspn(in, "@"), first_len = strcspn(in, "/@"), o = 0;
	const char *last, *rest = in;
	bool slash = in[first_len] == '/', domain, tagged;
	int ret;

	if (!size)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	if (!in[0] || in[0] == '*' || is_image_id(in)) {
		/* nothing to decide: no name, every registry, or no name at all */
	} else if (slash && (memchr(in, '.', first_len) || memchr(in, ':', first_len) ||
			     (first_len == 9 && !memcmp(in, "localhost", 9)))) {
		domain = first_len == strlen(IMAGE_LEGACY_DOMAIN) &&
			 !memcmp(in, IMAGE_LEGACY_DOMAIN, first_len);
		if (domain || (first_len == strlen(IMAGE_DEFAULT_DOMAIN) &&
			       !memcmp(in, IMAGE_DEFAULT_DOMAIN, first_len))) {
			rest = in + first_len + 1;
			if (image_hub(buf, size, &o, rest))
				goto out_long;
		}
	} else {
		for (size_t i = 0; slash && i < first_len; i++)
			if (in[i] == '*' || in[i] == '?' || in[i] == '[') {
				ret = rc_buf_append(buf, size, &o, in, strlen(in));
				return ret ? ret : RC_IMAGE_AS_WRITTEN;
			}
		if (image_hub(buf, size, &o, in))
			goto out_long;
	}
	/* The tag: in the last component of the name; none and no digest is "latest". */
	last = memrchr(in, '/', name_len);
	last = last ? last + 1 : in;
	tagged = memchr(last, ':', (size_t)(in + name_len - last)) || in[name_len] == '@' ||
		 !in[0] || (name_len && in[name_len - 1] == '*') || is_image_id(in);
	if (rc_buf_append(buf, size, &o, rest, (size_t)(in + name_len - rest)) ||
	    (!tagged &&
	     rc_buf_append(buf, size, &o, IMAGE_DEFAULT_TAG, strlen(IMAGE_DEFAULT_TAG))) ||
	    rc_buf_append(buf, size, &o, in + name_len, strlen(in + name_len)))
		goto out_long;
	return 0;
out_long:
	buf[0] = '\0';
	return -ENAMETOOLONG;
}

int rc_glob_check(const char *pat, const char **ret_why)
{
	for (size_t i = 0; pat[i]; i++) {
		size_t end;

		if (pat[i] == '\\') {
			if (!pat[i + 1]) {
				*ret_why = "trailing '\\' escapes nothing";
				return -EINVAL;
			}
			i++;
		} else if (pat[i] == '[') {
			if (class_match(pat + i + 1, &end, 0) < 0) {
				*ret_why = "unterminated '[' class";
				return -EINVAL;
			}
			i += end;
		} else if (pat[i] == '/') {
			*ret_why = "a glob cannot span '/'";
			return -EINVAL;
		}
	}
	if (strlen(pat) >= WARD_GLOB_MAX) {
		*ret_why = "glob longer than the kernel limit of 63 bytes (WARD_GLOB_MAX)";
		return -ENAMETOOLONG;
	}
	return ward_glob_compile(pat, NULL, ret_why);
}

int ward_glob_compile(const char *pat, struct ward_glob_kern *ret, const char **ret_why)
{
	struct ward_glob_kern g = { 0 };
	unsigned n_cls = 0;

	for (size_t p = 0; pat[p]; p++) {
		uint16_t tok;
		size_t end;

		if (g.n == WARD_GLOB_MAX - 1 || p >= WARD_GLOB_MAX - 1) {
			*ret_why = "glob longer than the kernel limit of 63 bytes (WARD_GLOB_MAX)";
			return -ENAMETOOLONG;
		}
		if (pat[p] == '*') {
			tok = WARD_GT_STAR;
		} else if (pat[p] == '?') {
			tok = WARD_GT_ANY;
		} else if (pat[p] == '[') {
			if (class_match(pat + p + 1, &end, 0) < 0) {
				*ret_why = "unterminated '[' class";
				return -EINVAL;
			}
			if (n_cls == WARD_GLOB_CLASSES) {
				*ret_why = "more than 16 '[...]' classes in one glob "
					   "(WARD_GLOB_CLASSES)";
				return -E2BIG;
			}
			/* the class as a byte set: the same matcher, once per byte */
			for (unsigned c = 1; c < 256; c++)
				if (class_match(pat + p + 1, &end, (unsigned char)c) > 0)
					g.cls[n_cls * 4 + c / 64] |= 1ull << (c % 64);
			tok = (uint16_t)(WARD_GT_CLASS + n_cls++);
			p += end;
		} else if (pat[p] == '\\' && pat[p + 1]) {
			tok = (unsigned char)pat[++p];
		} else if (pat[p] == '\\') {
			*ret_why = "trailing '\\' escapes nothing";
			return -EINVAL;
		} else {
			tok = (unsigned char)pat[p];
		}
		g.tok[g.n++] = tok;
	}
	if (ret)
		*ret = g;
	return 0;
}

int rc_path_normalize(const char *in, bool dir, char **ret, const char **ret_why)
{
	size_t n = strlen(in), o = 0, depth = 0;
	char *out;

	if (in[0] != '/') {
		*ret_why = "paths must be absolute (start with '/')";
		return -EINVAL;
	}
	out = malloc(n + 2);
	if (!out) {
		*ret_why = "out of memory";
		return -ENOMEM;
	}
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && in[j] == '/')
			j++;
		out[o++] = '/';
		if (j == n)
			break;
		i = j;
		while (j < n && in[j] != '/')
			j++;
		if ((j - i == 1 && in[i] == '.') ||
		    (j - i == 2 && in[i] == '.' && in[i + 1] == '.')) {
			free(out);
			*ret_why =
				"'.' and '..' components are not allowed; write the resolved path";
			return -EINVAL;
		}
		memcpy(out + o, in + i, j - i);
		o += j - i;
		depth++;
		i = j;
	}
	if (o == 0)
		out[o++] = '/';
	if (dir && out[o - 1] != '/')
		out[o++] = '/';
	if (!dir && out[o - 1] == '/') {
		free(out);
		*ret_why = o == 1 ? "'/' is a directory; put it under dirs:"
				  : "a path ending in '/' is a directory; put it under dirs:";
		return -EINVAL;
	}
	out[o] = '\0';
	if (o >= WARD_PATH_MAX || depth > WARD_PATH_DEPTH) {
		free(out);
		*ret_why =
			o >= WARD_PATH_MAX
				? "longer than the kernel limit of 255 bytes (WARD_PATH_MAX)"
				: "deeper than the kernel limit of 32 components (WARD_PATH_DEPTH)";
		return -ENAMETOOLONG;
	}
	*ret = out;
	return 0;
}

static int parse_addr(const char *s, uint8_t addr[16], bool *ret_v4)
{
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		memset(addr, 0, 10);
		addr[10] = addr[11] = 0xff;
		memcpy(addr + 12, &a4, 4);
		*ret_v4 = true;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*ret_v4 = false;
		return 0;
	}
	return -EINVAL;
}

int rc_cidr_parse(const char *s, struct rc_cidr *ret, const char **ret_why)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long len;
	struct rc_cidr c;
	char *end;

	if (alen >= sizeof(buf)) {
		*ret_why = "not an IPv4 or IPv6 address";
		return -EINVAL;
	}
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (parse_addr(buf, c.addr, &c.v4) < 0) {
		*ret_why = "not an IPv4 or IPv6 address (write 10.0.0.0/8 or 2001:db8::/32)";
		return -EINVAL;
	}
	if (slash) {
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || errno || len > (c.v4 ? 32u : 128u) || slash[1] == '-' ||
		    slash[1] == '+') {
			*ret_why = c.v4 ? "the prefix length of an IPv4 CIDR is 0..32"
					: "the prefix length of an IPv6 CIDR is 0..128";
			return -EINVAL;
		}
	} else {
		len = c.v4 ? 32 : 128;
	}
	c.len = (uint8_t)(c.v4 ? 96 + len : len);
	for (unsigned b = c.len; b < 128; b++) {
		if (c.addr[b / 8] & (0x80 >> (b % 8))) {
			*ret_why = "host bits are set after the prefix length (write the network "
				   "address)";
			return -EINVAL;
		}
	}
	*ret = c;
	return 0;
}

void rc_cidr_format(const struct rc_cidr *c, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (c->v4) {
		inet_ntop(AF_INET, c->addr + 12, a, sizeof(a));
		snprintf(buf, size, "%s/%u", a, c->len - 96u);
	} else {
		inet_ntop(AF_INET6, c->addr, a, sizeof(a));
		snprintf(buf, size, "%s/%u", a, c->len);
	}
}

bool rc_cidr_contains(const struct rc_cidr *c, const uint8_t addr[16], uint8_t len)
{
	if (len < c->len)
		return false;
	for (unsigned b = 0; b < c->len; b++) {
		uint8_t m = 0x80 >> (b % 8);

		if ((c->addr[b / 8] & m) != (addr[b / 8] & m))
			return false;
	}
	return true;
}

int rc_sockaddr_parse(const char *s, uint8_t addr[16], uint16_t *ret_port, const char **ret_why)
{
	char buf[INET6_ADDRSTRLEN + 2];
	const char *colon, *a = s;
	size_t alen;
	struct rc_port_range r;
	bool v4;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':') {
			*ret_why = "write an IPv6 endpoint as [ADDR]:PORT";
			return -EINVAL;
		}
		a = s + 1;
		alen = (size_t)(close - a);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', (size_t)(colon - s))) {
			*ret_why = "write ADDR:PORT (IPv6 as [ADDR]:PORT)";
			return -EINVAL;
		}
		alen = (size_t)(colon - s);
	}
	if (alen >= sizeof(buf)) {
		*ret_why = "not an IPv4 or IPv6 address";
		return -EINVAL;
	}
	memcpy(buf, a, alen);
	buf[alen] = '\0';
	if (parse_addr(buf, addr, &v4) < 0) {
		*ret_why = "not an IPv4 or IPv6 address";
		return -EINVAL;
	}
	if (rc_port_range_parse(colon + 1, &r, ret_why) < 0 || r.lo != r.hi) {
		*ret_why = "the port is a number 1..65535";
		return -EINVAL;
	}
	*ret_port = r.lo;
	return 0;
}

static int parse_port(const char *s, const char **ret_end, uint16_t *ret)
{
	unsigned long v = 0;
	size_t i = 0;

	while (s[i] >= '0' && s[i] <= '9' && i < 6)
		v = v * 10 + (unsigned long)(s[i++] - '0');
	if (i == 0 || v < 1 || v > 65535)
		return -EINVAL;
	*ret_end = s + i;
	*ret = (uint16_t)v;
	return 0;
}

int rc_port_range_parse(const char *s, struct rc_port_range *ret, const char **ret_why)
{
	struct rc_port_range r;
	const char *end;

	if (parse_port(s, &end, &r.lo) < 0)
		goto out_bad;
	r.hi = r.lo;
	if (*end == '-' && parse_port(end + 1, &end, &r.hi) < 0)
		goto out_bad;
	if (*end)
		goto out_bad;
	if (r.hi < r.lo) {
		*ret_why = "the range is empty: write LOW-HIGH";
		return -EINVAL;
	}
	*ret = r;
	return 0;
out_bad:
	*ret_why = "a port is 1..65535, a range LOW-HIGH (e.g. 8000-8100)";
	return -EINVAL;
}

void ward_portset_fill(struct ward_portset *ps, const struct rc_port_range *r, size_t n)
{
	memset(ps, 0, sizeof(*ps));
	for (size_t i = 0; i < n; i++)
		for (uint32_t p = r[i].lo; p <= r[i].hi; p++)
			ps->bits[p / 64] |= 1ull << (p % 64);
}

unsigned rc_edit_distance(const char *a, const char *b)
{
	unsigned row[17], la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la > 16 || lb > 16)
		return 16;
	for (unsigned j = 0; j <= lb; j++)
		row[j] = j;
	for (unsigned i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = i;
		for (unsigned j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}
