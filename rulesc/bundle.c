// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "rulesc.h"

static const uint32_t elem_sizes[WB_SEC_COUNT + 1] = {
	[WB_SEC_STRTAB] = 1,
	[WB_SEC_POLICIES] = sizeof(struct wb_policy),
	[WB_SEC_SELECTORS] = sizeof(struct wb_selector),
	[WB_SEC_RULES] = sizeof(struct wb_rule),
	[WB_SEC_TAGS] = sizeof(uint32_t),
	[WB_SEC_OBJECTS] = sizeof(struct wb_object),
	[WB_SEC_CIDRS] = sizeof(struct wb_cidr),
	[WB_SEC_CANDS] = sizeof(struct ward_cand),
	[WB_SEC_GLOBS] = sizeof(struct ward_glob),
	[WB_SEC_PORTSETS] = sizeof(struct wb_portset),
	[WB_SEC_PORTRANGES] = sizeof(struct wb_port_range),
};

/* Kernel map sizes bound the record counts. */
static const uint64_t max_counts[WB_SEC_COUNT + 1] = {
	[WB_SEC_STRTAB] = WB_MAX_SIZE,
	[WB_SEC_POLICIES] = WARD_MAX_POLICIES,
	[WB_SEC_SELECTORS] = WB_MAX_SIZE / sizeof(struct wb_selector),
	[WB_SEC_RULES] = WARD_MAX_RULES,
	[WB_SEC_TAGS] = WB_MAX_SIZE / sizeof(uint32_t),
	[WB_SEC_OBJECTS] = WARD_MAX_OBJECTS,
	[WB_SEC_CIDRS] = WARD_MAX_CIDRS,
	[WB_SEC_CANDS] = WARD_MAX_CANDS,
	[WB_SEC_GLOBS] = WARD_MAX_GLOBS,
	[WB_SEC_PORTSETS] = WARD_MAX_PORTSETS,
	[WB_SEC_PORTRANGES] = 65536,
};

int wb_sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	if (sodium_init() < 0)
		return -EIO;
	return crypto_hash_sha256(out, p, n) == 0 ? 0 : -EIO;
}

int wb_serialize(const struct wb_image *img, const char *compiler, uint8_t **ret_buf,
		 size_t *ret_len)
{
	size_t off = sizeof(struct wb_header) + WB_SEC_COUNT * sizeof(struct wb_section);
	struct wb_section secs[WB_SEC_COUNT];
	struct wb_header *h;
	uint8_t *buf;

	for (int t = 1; t <= WB_SEC_COUNT; t++) {
		size_t bytes =
			(t == WB_SEC_STRTAB ? img->strtab_len : img->count[t] * elem_sizes[t]);

		off = (off + 7) & ~(size_t)7;
		secs[t - 1] = (struct wb_section){
			.type = (uint32_t)t,
			.elem_size = elem_sizes[t],
			.offset = off,
			.count = t == WB_SEC_STRTAB ? img->strtab_len : img->count[t],
		};
		off += bytes;
	}
	off = (off + 7) & ~(size_t)7;
	if (off > WB_MAX_SIZE)
		return -EFBIG;
	buf = calloc(1, off);
	if (!buf)
		return -ENOMEM;
	h = (struct wb_header *)buf;
	memcpy(h->magic, WB_MAGIC, sizeof(h->magic));
	h->format_version = WB_FORMAT_VERSION;
	h->header_size = sizeof(*h);
	h->total_size = off;
	snprintf(h->compiler, sizeof(h->compiler), "%s", compiler);
	h->n_sections = WB_SEC_COUNT;
	memcpy(buf + sizeof(*h), secs, sizeof(secs));
	for (int t = 1; t <= WB_SEC_COUNT; t++) {
		const void *src = t == WB_SEC_STRTAB ? img->strtab : img->sec[t];
		size_t bytes = secs[t - 1].count * elem_sizes[t];

		if (bytes)
			memcpy(buf + secs[t - 1].offset, src, bytes);
	}
	if (wb_sha256(buf + sizeof(*h), off - sizeof(*h), h->sha256) < 0) {
		free(buf);
		return -EIO;
	}
	*ret_buf = buf;
	*ret_len = off;
	return 0;
}

int wb_obj_key_cmp(const struct ward_obj_key *a, const struct ward_obj_key *b)
{
	if (a->policy_id != b->policy_id)
		return a->policy_id < b->policy_id ? -1 : 1;
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return 0;
}

int wb_lpm_key_cmp(const struct ward_lpm_key *a, const struct ward_lpm_key *b)
{
	if (a->policy_id != b->policy_id)
		return a->policy_id < b->policy_id ? -1 : 1;
	if (a->op != b->op)
		return a->op < b->op ? -1 : 1;
	if (a->prefixlen != b->prefixlen)
		return a->prefixlen < b->prefixlen ? -1 : 1;
	return memcmp(a->addr, b->addr, sizeof(a->addr));
}

void ward_bundle_free(struct ward_bundle *b)
{
	if (!b)
		return;
	free(b->bitmaps);
	free(b->buf);
	free(b);
}

#define BAD(msg)                \
	do {                    \
		*ret_why = msg; \
		return -EINVAL; \
	} while (0)

static bool str_ok(const struct ward_bundle *b, uint32_t off)
{
	return off < b->strtab_len;
}

static int check_cand_range(const struct ward_bundle *b, uint32_t first, uint32_t count,
			    uint16_t domain, bool net, const char **ret_why)
{
	if (count == 0 || count > WARD_MAX_CANDIDATES || first > b->n_cands ||
	    count > b->n_cands - first)
		BAD("candidate slice out of range");
	for (uint32_t i = first; i < first + count; i++) {
		const struct ward_cand *c = &b->cands[i];

		if (c->rule >= b->n_rules)
			BAD("candidate names a rule that does not exist");
		if (i > first && c->rule < b->cands[i - 1].rule)
			BAD("candidates are not sorted by rule");
		if (c->src_set > WARD_MAX_SOURCE_SETS || c->mask == 0 || c->pad)
			BAD("candidate has an invalid source set or mask");
		if (net ? (c->aux != WARD_NONE && c->aux >= b->n_portsets)
			: (domain && c->aux != WARD_NONE && c->aux >= b->n_globs))
			BAD("candidate names a port set or glob that does not exist");
	}
	return 0;
}

static int validate(struct ward_bundle *b, const char **ret_why)
{
	if (b->strtab_len == 0 || b->strtab[b->strtab_len - 1] != '\0' || b->strtab[0] != '\0')
		BAD("string table is not NUL-terminated or does not start with \"\"");
	for (size_t i = 0; i < b->n_policies; i++) {
		const struct wb_policy *p = &b->policies[i];

		if (!str_ok(b, p->name_off) || !str_ok(b, p->desc_off) ||
		    !str_ok(b, p->origin_off) || !str_ok(b, p->prov_off))
			BAD("policy string offset out of range");
		if (p->rule_first > b->n_rules || p->rule_count > b->n_rules - p->rule_first ||
		    p->sel_first > b->n_sels || p->sel_count > b->n_sels - p->sel_first)
			BAD("policy rule or selector range out of bounds");
		if ((p->k.mode != WARD_MODE_AUDIT && p->k.mode != WARD_MODE_ENFORCE) ||
		    p->host > 1 || p->profile > 1 || p->k.n_source_sets > WARD_MAX_SOURCE_SETS)
			BAD("policy has an invalid mode or flag");
		if (!p->host && p->sel_count == 0)
			BAD("container policy without selectors");
		for (int c = 0; c < 8; c++)
			if (p->k.defaults[c] > WARD_ACT_BLOCK ||
			    (c == WARD_CLS_PROTECT && p->k.defaults[c] > WARD_ACT_ALLOW) ||
			    (c > WARD_CLS_PROTECT && p->k.defaults[c]))
				BAD("policy has an invalid default action");
		for (uint32_t r = p->rule_first; r < p->rule_first + p->rule_count; r++)
			if (b->rules[r].k.policy_id != i + 1)
				BAD("policy rule range and rule owners disagree");
	}
	for (size_t i = 0; i < b->n_sels; i++) {
		const struct wb_selector *s = &b->sels[i];

		if (s->type < WB_SEL_CONTAINER || s->type > WB_SEL_LABEL ||
		    !str_ok(b, s->key_off) || !str_ok(b, s->val_off))
			BAD("invalid selector");
	}
	for (size_t i = 0; i < b->n_rules; i++) {
		const struct wb_rule *r = &b->rules[i];

		if (r->k.policy_id == 0 || r->k.policy_id > b->n_policies ||
		    r->k.action < WARD_ACT_ALLOW || r->k.action > WARD_ACT_BLOCK ||
		    (r->k.mode != WARD_MODE_AUDIT && r->k.mode != WARD_MODE_ENFORCE) ||
		    r->k.severity > WARD_SEV_CRITICAL || r->k.cls >= WARD_CLS_MAX)
			BAD("rule has an invalid policy, action, mode, severity or class");
		if (i > 0 && r->k.policy_id < b->rules[i - 1].k.policy_id)
			BAD("rules are not grouped by policy");
		if (!str_ok(b, r->name_off) || !str_ok(b, r->msg_off) ||
		    !str_ok(b, r->origin_off) || r->tag_first > b->n_tags ||
		    r->tag_count > b->n_tags - r->tag_first)
			BAD("rule string or tag range out of bounds");
	}
	for (size_t i = 0; i < b->n_tags; i++)
		if (!str_ok(b, b->tags[i]))
			BAD("tag string offset out of range");
	for (size_t i = 0; i < b->n_objects; i++) {
		const struct wb_object *o = &b->objects[i];
		int r;

		if (o->key.policy_id == 0 || o->key.policy_id > b->n_policies ||
		    o->key.domain == 0 || o->key.domain >= WARD_DOM_MAX || o->key.kind == 0 ||
		    o->key.kind >= WARD_KEY_MAX || !str_ok(b, o->str_off))
			BAD("object key has an invalid policy, domain or kind");
		if (o->key.kind == WARD_KEY_APPLET && o->key.domain != WARD_DOM_EXEC &&
		    o->key.domain != WARD_DOM_SOURCE)
			BAD("applet keys belong to the exec and source tables");
		if (o->key.kind == WARD_KEY_NAME && o->key.domain != WARD_DOM_FILE)
			BAD("name keys belong to the file table");
		if ((o->key.kind == WARD_KEY_ANCESTOR) != (o->key.domain == WARD_DOM_PROTECT))
			BAD("ancestor keys, and only they, belong to the protect table");
		if (i > 0 && wb_obj_key_cmp(&b->objects[i - 1].key, &o->key) >= 0)
			BAD("object keys are not sorted and unique");
		r = check_cand_range(b, o->val.cand_first, o->val.cand_count,
				     o->key.kind == WARD_KEY_GLOB, false, ret_why);
		if (r < 0)
			return r;
		for (uint32_t c = o->val.cand_first; c < o->val.cand_first + o->val.cand_count;
		     c++) {
			if ((o->key.kind == WARD_KEY_GLOB) != (b->cands[c].aux != WARD_NONE))
				BAD("glob candidates must name a pattern, others must not");
			if (o->key.kind == WARD_KEY_APPLET && o->key.domain == WARD_DOM_SOURCE &&
			    b->rules[b->cands[c].rule].k.action == WARD_ACT_ALLOW)
				BAD("an allow rule's fromSource cannot name an applet");
		}
	}
	for (size_t i = 0; i < b->n_cidrs; i++) {
		const struct wb_cidr *c = &b->cidrs[i];
		uint32_t plen;
		int r;

		if (c->key.policy_id == 0 || c->key.policy_id > b->n_policies ||
		    (c->key.op != WARD_NET_CONNECT && c->key.op != WARD_NET_BIND) ||
		    c->key.prefixlen < 64 || c->key.prefixlen > 64 + 128)
			BAD("CIDR key has an invalid policy, operation or prefix length");
		plen = c->key.prefixlen - 64;
		for (uint32_t bit = plen; bit < 128; bit++)
			if (c->key.addr[bit / 8] & (0x80 >> (bit % 8)))
				BAD("CIDR key has bits set beyond its prefix length");
		if (i > 0 && wb_lpm_key_cmp(&b->cidrs[i - 1].key, &c->key) >= 0)
			BAD("CIDR keys are not sorted and unique");
		r = check_cand_range(b, c->val.cand_first, c->val.cand_count, 0, true, ret_why);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < b->n_globs; i++) {
		const char *why;

		if (!memchr(b->globs[i].pattern, '\0', WARD_GLOB_MAX) ||
		    rc_glob_check(b->globs[i].pattern, &why) < 0)
			BAD("invalid glob pattern");
	}
	for (size_t i = 0; i < b->n_portsets; i++) {
		const struct wb_portset *p = &b->portsets[i];

		if (p->range_count == 0 || p->range_first > b->n_ranges ||
		    p->range_count > b->n_ranges - p->range_first)
			BAD("port set range out of bounds");
	}
	for (size_t i = 0; i < b->n_ranges; i++)
		if (b->ranges[i].lo == 0 || b->ranges[i].lo > b->ranges[i].hi)
			BAD("invalid port range");
	return 0;
}

int ward_bundle_open(const uint8_t *buf, size_t len, struct ward_bundle **ret, const char **ret_why)
{
	const struct wb_section *secs;
	const struct wb_header *h;
	struct ward_bundle *b;
	uint8_t digest[32];
	uint64_t end;
	int r;

	if (len > WB_MAX_SIZE + sizeof(struct wb_sig_trailer)) {
		*ret_why = "bundle is larger than 256 MiB";
		return -EFBIG;
	}
	if (len < sizeof(*h) || memcmp(buf, WB_MAGIC, 8) != 0)
		BAD("not a ward bundle (bad magic or too short)");
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	/* copy so the records are aligned and owned */
	b->buf = malloc(len);
	if (!b->buf) {
		free(b);
		return -ENOMEM;
	}
	memcpy(b->buf, buf, len);
	h = b->hdr = (const struct wb_header *)b->buf;
	r = -EINVAL;
	if (h->format_version != WB_FORMAT_VERSION) {
		*ret_why = "unsupported bundle format version";
		goto out_free;
	}
	if (h->header_size != sizeof(*h) || h->n_sections != WB_SEC_COUNT || h->flags ||
	    !memchr(h->compiler, '\0', sizeof(h->compiler))) {
		*ret_why = "malformed bundle header";
		goto out_free;
	}
	if (h->total_size > len) {
		*ret_why = "bundle is truncated";
		goto out_free;
	}
	if (h->total_size != len) {
		const struct wb_sig_trailer *t = (const void *)(b->buf + h->total_size);

		if (len - h->total_size != sizeof(*t) || h->total_size % 8 ||
		    memcmp(t->magic, WB_SIG_MAGIC, 8) != 0 || t->alg != WB_SIG_ED25519 ||
		    t->sig_len != sizeof(t->sig)) {
			*ret_why = "unexpected bytes after the bundle (not a signature trailer)";
			goto out_free;
		}
		b->sig = t;
	}
	b->len = h->total_size;
	if (b->len < sizeof(*h) + WB_SEC_COUNT * sizeof(*secs)) {
		*ret_why = "bundle is truncated";
		goto out_free;
	}
	if (wb_sha256(b->buf + sizeof(*h), b->len - sizeof(*h), digest) < 0) {
		r = -EIO;
		*ret_why = "SHA-256 failed";
		goto out_free;
	}
	if (memcmp(digest, h->sha256, sizeof(digest)) != 0) {
		*ret_why = "content SHA-256 does not match the header (corrupted bundle)";
		goto out_free;
	}
	secs = (const struct wb_section *)(b->buf + sizeof(*h));
	end = sizeof(*h) + WB_SEC_COUNT * sizeof(*secs);
	for (int t = 1; t <= WB_SEC_COUNT; t++) {
		const struct wb_section *s = &secs[t - 1];
		const void *p;

		if (s->type != (uint32_t)t || s->elem_size != elem_sizes[t] || s->offset % 8 ||
		    s->offset < end || s->count > max_counts[t] || s->offset > b->len ||
		    s->count * s->elem_size > b->len - s->offset) {
			*ret_why = "section table is inconsistent (order, size, bounds or count)";
			goto out_free;
		}
		end = s->offset + s->count * s->elem_size;
		p = b->buf + s->offset;
		switch (t) {
		case WB_SEC_STRTAB:
			b->strtab = p;
			b->strtab_len = s->count;
			break;
		case WB_SEC_POLICIES:
			b->policies = p;
			b->n_policies = s->count;
			break;
		case WB_SEC_SELECTORS:
			b->sels = p;
			b->n_sels = s->count;
			break;
		case WB_SEC_RULES:
			b->rules = p;
			b->n_rules = s->count;
			break;
		case WB_SEC_TAGS:
			b->tags = p;
			b->n_tags = s->count;
			break;
		case WB_SEC_OBJECTS:
			b->objects = p;
			b->n_objects = s->count;
			break;
		case WB_SEC_CIDRS:
			b->cidrs = p;
			b->n_cidrs = s->count;
			break;
		case WB_SEC_CANDS:
			b->cands = p;
			b->n_cands = s->count;
			break;
		case WB_SEC_GLOBS:
			b->globs = p;
			b->n_globs = s->count;
			break;
		case WB_SEC_PORTSETS:
			b->portsets = p;
			b->n_portsets = s->count;
			break;
		default:
			b->ranges = p;
			b->n_ranges = s->count;
			break;
		}
	}
	if (((end + 7) & ~(uint64_t)7) != b->len) {
		*ret_why = "bundle size does not match its sections";
		goto out_free;
	}
	r = validate(b, ret_why);
	if (r < 0)
		goto out_free;
	if (b->n_portsets) {
		b->bitmaps = malloc(b->n_portsets * sizeof(*b->bitmaps));
		if (!b->bitmaps) {
			r = -ENOMEM;
			*ret_why = "out of memory";
			goto out_free;
		}
		for (size_t i = 0; i < b->n_portsets; i++)
			ward_portset_fill(&b->bitmaps[i],
					  (const struct rc_port_range *)&b
						  ->ranges[b->portsets[i].range_first],
					  b->portsets[i].range_count);
	}
	*ret = b;
	return 0;
out_free:
	ward_bundle_free(b);
	return r;
}

int rc_write_file(const char *path, const void *buf, size_t len)
{
	char *tmp = NULL;
	size_t off = 0;
	int fd, r = 0;

	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		free(tmp);
		return r;
	}
	while (off < len) {
		ssize_t n = write(fd, (const char *)buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (r == 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		(void)unlink(tmp);
	free(tmp);
	return r;
}

int rc_can_write_file(const char *path)
{
	struct stat st;
	char *tmp = NULL;
	int fd, r = 0;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return -EISDIR;
	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
	} else {
		if (close(fd) < 0)
			r = -errno;
		if (unlink(tmp) < 0 && !r)
			r = -errno;
	}
	free(tmp);
	return r;
}

int rc_read_file(const char *path, size_t max, uint8_t **ret_buf, size_t *ret_len)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out_close;
	}
	if ((uint64_t)st.st_size > max) {
		r = -EFBIG;
		goto out_close;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out_close;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			free(buf);
			goto out_close;
		}
		got += (size_t)n;
	}
	*ret_buf = buf;
	*ret_len = got;
	r = 0;
out_close:
	close(fd);
	return r;
}
