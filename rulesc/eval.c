// SPDX-License-Identifier: Apache-2.0
/*
 * The lookup algorithm of the kernel programs, over a bundle's tables:
 * hashed path walk, longest-prefix match, candidate scan. docs/bundle.md
 * describes it step by step; lsm/ implements the same steps on BPF maps.
 * Sorted bundle sections stand in for the hash maps (binary search) and
 * one search per prefix length stands in for the LPM trie.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "rulesc.h"

uint8_t ward_effective(uint8_t action, uint8_t mode)
{
	if (action == WARD_ACT_BLOCK && mode == WARD_MODE_AUDIT)
		return WARD_ACT_ALERT;
	return action;
}

static bool sel_match(const struct ward_bundle *b, const struct wb_policy *p,
		      const struct rc_container *c)
{
	bool have[4] = { 0 }, hit[4] = { 0 };

	if (p->host || c->host)
		return p->host && c->host;
	hit[WB_SEL_LABEL] = true;
	for (uint32_t i = p->sel_first; i < p->sel_first + p->sel_count; i++) {
		const struct wb_selector *s = &b->sels[i];
		const char *key = ward_bundle_str(b, s->key_off);
		bool m = false;

		have[s->type] = true;
		switch (s->type) {
		case WB_SEL_CONTAINER:
			m = c->name && fnmatch(key, c->name, 0) == 0;
			hit[s->type] |= m;
			break;
		case WB_SEL_IMAGE:
			m = c->image && fnmatch(key, c->image, 0) == 0;
			hit[s->type] |= m;
			break;
		default:
			for (size_t l = 0; l < c->n_labels && !m; l++)
				m = strcmp(c->label_keys[l], key) == 0 &&
				    fnmatch(ward_bundle_str(b, s->val_off), c->label_values[l],
					    0) == 0;
			hit[s->type] &= m;
			break;
		}
	}
	for (int t = WB_SEL_CONTAINER; t <= WB_SEL_LABEL; t++)
		if (have[t] && !hit[t])
			return false;
	return true;
}

int ward_bundle_select(const struct ward_bundle *b, const struct rc_container *c,
		       uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP])
{
	struct rc_container nc = *c;
	char *image = NULL;
	int n = 0;

	/* The selectors' images are in their normal form (compile.c): so is this one. */
	if (c->image) {
		size_t size = strlen(c->image) + RC_IMAGE_GROWTH + 1;

		image = malloc(size);
		if (!image)
			return -ENOMEM;
		rc_image_normalize(c->image, image, size);
		nc.image = image;
	}
	for (size_t i = 0; i < b->n_policies; i++) {
		if (!sel_match(b, &b->policies[i], &nc))
			continue;
		if (n == WARD_MAX_POLICIES_PER_CGROUP) {
			n = -E2BIG;
			break;
		}
		ids[n++] = (uint32_t)(i + 1);
	}
	free(image);
	return n;
}

uint32_t ward_bundle_cg_flags(const struct ward_bundle *b, const uint32_t *ids, size_t n)
{
	uint32_t flags = 0;

	for (size_t o = 0; o < b->n_objects; o++) {
		const struct wb_object *ob = &b->objects[o];
		size_t i;

		for (i = 0; i < n && ids[i] != ob->key.policy_id; i++)
			;
		if (i == n)
			continue;
		if (ob->key.domain == WARD_DOM_SOURCE) {
			if (ob->key.kind == WARD_KEY_APPLET)
				flags |= WARD_CG_SRC_APPLET;
			continue;
		}
		if (ob->key.domain == WARD_DOM_EXEC && ob->key.kind == WARD_KEY_APPLET)
			flags |= WARD_CG_APPLET;
		for (uint32_t c = 0; c < ob->val.cand_count; c++) {
			const struct ward_cand *cd = &b->cands[ob->val.cand_first + c];

			if (cd->src_set)
				flags |= WARD_CG_SOURCE(ob->key.domain);
			if (ob->key.domain == WARD_DOM_EXEC &&
			    (cd->mask & (WARD_EXEC_STDIO_SOCKET | WARD_EXEC_TERMINAL)))
				flags |= WARD_CG_EXEC_STDIO;
		}
	}
	return flags;
}

static const struct wb_object *obj_lookup(const struct ward_bundle *b, uint32_t policy,
					  uint16_t domain, uint16_t kind, uint64_t hash)
{
	struct ward_obj_key k = { policy, domain, kind, hash };
	size_t lo = 0, hi = b->n_objects;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = wb_obj_key_cmp(&b->objects[mid].key, &k);

		if (c == 0)
			return &b->objects[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct wb_cidr *lpm_lookup(const struct ward_bundle *b, uint32_t policy, uint32_t op,
					const uint8_t addr[16])
{
	for (int len = 128; len >= 0; len--) {
		struct ward_lpm_key k = { .prefixlen = 64u + (uint32_t)len,
					  .policy_id = policy,
					  .op = op };
		size_t lo = 0, hi = b->n_cidrs;

		for (int bit = 0; bit < len; bit++)
			k.addr[bit / 8] |= addr[bit / 8] & (0x80 >> (bit % 8));
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = wb_lpm_key_cmp(&b->cidrs[mid].key, &k);

			if (c == 0)
				return &b->cidrs[mid];
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return NULL;
}

struct walk {
	const struct ward_bundle *b;
	uint32_t policy;
	uint16_t domain;
	uint32_t mask;	   /* the event's bits */
	uint32_t src_mask; /* the acting binary's source sets */
	const char *base;  /* basename, for glob candidates */
	size_t base_len;
	/* result */
	uint32_t best; /* rule index or WARD_NONE; source domain: OR of masks */
	const struct wb_object *hit;
	uint32_t cand;
};

static bool cand_holds(const struct walk *w, const struct ward_cand *c, uint16_t kind)
{
	if (!(c->mask & w->mask) && w->domain != WARD_DOM_SOURCE)
		return false;
	if (c->src_set && !((w->src_mask >> (c->src_set - 1)) & 1))
		return false;
	if (kind == WARD_KEY_GLOB &&
	    !ward_glob_match(w->b->globs[c->aux].pattern, w->base, w->base_len))
		return false;
	return true;
}

static void consider(struct walk *w, uint16_t kind, uint64_t hash)
{
	const struct wb_object *o = obj_lookup(w->b, w->policy, w->domain, kind, hash);

	if (!o)
		return;
	for (uint32_t i = 0; i < o->val.cand_count; i++) {
		const struct ward_cand *c = &w->b->cands[o->val.cand_first + i];

		if (!cand_holds(w, c, kind))
			continue;
		if (w->domain == WARD_DOM_SOURCE) {
			w->best |= c->mask;
			continue;
		}
		if (w->best == WARD_NONE || c->rule < w->best) {
			w->best = c->rule;
			w->hit = o;
			w->cand = o->val.cand_first + i;
		}
		break;
	}
}

/* One pass over the whole path, as the kernel does it (rule paths are at most
 * WARD_PATH_MAX bytes and WARD_PATH_DEPTH deep: deeper prefixes are not keys). */
static void walk_path(struct walk *w, const char *path)
{
	size_t len = strlen(path), last = 0;
	uint64_t h = WARD_FNV_OFFSET, last_h = 0;
	bool have_slash = false;
	unsigned depth = 0;

	for (size_t i = 0; i < len; i++) {
		h = ward_fnv_step(h, (unsigned char)path[i]);
		if (path[i] != '/')
			continue;
		if (depth++ < WARD_PATH_DEPTH)
			consider(w, WARD_KEY_DIR_REC, h);
		last_h = h;
		last = i;
		have_slash = true;
	}
	if (!have_slash)
		return;
	consider(w, WARD_KEY_EXACT, h);
	consider(w, WARD_KEY_DIR_DIRECT, last_h);
	w->base = path + last + 1;
	w->base_len = len - last - 1;
	consider(w, WARD_KEY_GLOB, last_h);
	if (w->base_len)
		consider(w, WARD_KEY_NAME, ward_hash(w->base, w->base_len));
}

static uint8_t event_class(enum rc_event_op op)
{
	switch (op) {
	case RC_EV_EXEC:
		return WARD_CLS_EXEC;
	case RC_EV_OPEN:
		return WARD_CLS_FILE;
	case RC_EV_CAP:
		return WARD_CLS_CAP;
	case RC_EV_SYSCALL:
		return WARD_CLS_SYSCALL;
	case RC_EV_RENAME:
		return WARD_CLS_PROTECT;
	default:
		return WARD_CLS_NET;
	}
}

static void eval_policy(const struct ward_bundle *b, uint32_t id, const struct rc_event *ev,
			struct ward_match *m)
{
	const struct wb_policy *p = &b->policies[id - 1];
	struct walk w = { .b = b, .policy = id, .best = WARD_NONE, .mask = 1 };
	uint8_t cls = event_class(ev->op);

	memset(m, 0, sizeof(*m));
	m->policy_id = id;
	m->rule = WARD_NONE;
	m->cand = WARD_NONE;
	m->cidr = WARD_NONE;
	m->action = p->k.defaults[cls];
	m->mode = p->k.mode;
	if (m->action == WARD_ACT_NONE)
		return;
	if ((ev->op == RC_EV_EXEC || ev->op == RC_EV_OPEN) && p->k.n_source_sets) {
		struct walk s = { .b = b, .policy = id, .domain = WARD_DOM_SOURCE, .best = 0 };

		if (ev->parent)
			walk_path(&s, ev->parent);
		if (ev->parent_applet)
			consider(&s, WARD_KEY_APPLET,
				 ward_hash(ev->parent_applet, strlen(ev->parent_applet)));
		w.src_mask = s.best;
	}
	switch (ev->op) {
	case RC_EV_EXEC:
	case RC_EV_OPEN:
		w.domain = ev->op == RC_EV_EXEC ? WARD_DOM_EXEC : WARD_DOM_FILE;
		w.mask = ev->op != RC_EV_EXEC ? ev->access : WARD_EXEC_ANY;
		if (ev->op == RC_EV_EXEC && ev->stdio_socket)
			w.mask |= WARD_EXEC_STDIO_SOCKET;
		if (ev->op == RC_EV_EXEC && ev->terminal)
			w.mask |= WARD_EXEC_TERMINAL;
		if (ev->applet)
			consider(&w, WARD_KEY_APPLET, ward_hash(ev->applet, strlen(ev->applet)));
		else
			walk_path(&w, ev->path);
		break;
	case RC_EV_UNIX_CONNECT:
	case RC_EV_UNIX_BIND:
		w.domain =
			ev->op == RC_EV_UNIX_CONNECT ? WARD_DOM_UNIX_CONNECT : WARD_DOM_UNIX_BIND;
		walk_path(&w, ev->path);
		break;
	case RC_EV_CONNECT:
	case RC_EV_BIND: {
		const struct wb_cidr *c = lpm_lookup(
			b, id, ev->op == RC_EV_CONNECT ? WARD_NET_CONNECT : WARD_NET_BIND,
			ev->addr);

		for (uint32_t i = 0; c && i < c->val.cand_count; i++) {
			const struct ward_cand *cd = &b->cands[c->val.cand_first + i];

			if (!(cd->mask & ev->proto))
				continue;
			if (cd->aux != WARD_NONE &&
			    !ward_portset_has(&b->bitmaps[cd->aux], ev->port))
				continue;
			w.best = cd->rule;
			m->cand = c->val.cand_first + i;
			m->cidr = (uint32_t)(c - b->cidrs);
			break;
		}
		break;
	}
	case RC_EV_RENAME:
		w.domain = WARD_DOM_PROTECT;
		w.mask = WARD_ACC_RENAME;
		consider(&w, WARD_KEY_ANCESTOR, ward_hash(ev->path, strlen(ev->path)));
		break;
	case RC_EV_SOCKET:
	case RC_EV_CAP:
	case RC_EV_SYSCALL:
		w.domain = ev->op == RC_EV_SOCKET ? WARD_DOM_SOCKET
			   : ev->op == RC_EV_CAP  ? WARD_DOM_CAP
						  : WARD_DOM_SYSCALL;
		consider(&w, WARD_KEY_EXACT, ev->num);
		break;
	}
	if (w.best == WARD_NONE)
		return;
	m->rule = w.best;
	m->action = b->rules[w.best].k.action;
	m->mode = b->rules[w.best].k.mode;
	if (w.hit) {
		m->domain = w.hit->key.domain;
		m->kind = w.hit->key.kind;
		m->str_off = w.hit->str_off;
		m->cand = w.cand;
	}
}

int ward_eval(const struct ward_bundle *b, const uint32_t *ids, size_t n, const struct rc_event *ev,
	      struct ward_decision *ret)
{
	struct ward_decision d = { .effective = WARD_ACT_ALLOW, .decider = WARD_NONE };
	uint8_t best = 0;

	if (n > WARD_MAX_POLICIES_PER_CGROUP || ev->op < RC_EV_EXEC || ev->op > RC_EV_RENAME)
		return -EINVAL;
	if ((ev->op == RC_EV_EXEC || ev->op == RC_EV_OPEN || ev->op == RC_EV_UNIX_CONNECT ||
	     ev->op == RC_EV_UNIX_BIND || ev->op == RC_EV_RENAME) &&
	    (!ev->path || ev->path[0] != '/') && !(ev->op == RC_EV_EXEC && ev->applet))
		return -EINVAL;
	if (ev->applet && (ev->op != RC_EV_EXEC || !ev->applet[0] || strchr(ev->applet, '/')))
		return -EINVAL;
	if (ev->parent && ev->parent[0] != '/')
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		struct ward_match *m = &d.m[d.n++];

		if (ids[i] == 0 || ids[i] > b->n_policies)
			return -EINVAL;
		eval_policy(b, ids[i], ev, m);
		if (m->action == WARD_ACT_NONE)
			continue;
		m->effective = ward_effective(m->action, m->mode);
		if (m->effective > best) {
			best = m->effective;
			d.effective = m->effective;
			d.decider = (uint32_t)i;
		}
	}
	*ret = d;
	return 0;
}
