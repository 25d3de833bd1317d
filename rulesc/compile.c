// SPDX-License-Identifier: Apache-2.0
/*
 * Model -> bundle images. Every rule object becomes one candidate under a
 * hashed key; candidates are grouped per key, sorted by rule index (source
 * order), and CIDR prefixes inherit the candidates of their covering
 * prefixes so one longest-prefix lookup is complete.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "bundle.h"
#include "rulesc.h"

#ifndef WARD_VERSION
#define WARD_VERSION "unknown"
#endif

/* ---- growable arrays and a string interner --------------------------------- */

struct vec {
	void *v;
	size_t n, cap, size;
};

static void *vec_push(struct vec *a)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		void *v = realloc(a->v, cap * a->size);

		if (!v)
			return NULL;
		a->v = v;
		a->cap = cap;
	}
	return memset((char *)a->v + a->n++ * a->size, 0, a->size);
}

struct interner {
	char **keys;
	uint32_t *vals;
	size_t cap, n;
};

static void interner_free(struct interner *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->keys ? t->keys[i] : NULL);
	free(t->keys);
	free(t->vals);
}

/* Returns 1 and *ret = existing value, 0 after inserting val, -ENOMEM. */
static int intern(struct interner *t, const char *s, uint32_t val, uint32_t *ret)
{
	uint64_t h;
	size_t i;

	if ((t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		char **keys = calloc(cap, sizeof(*keys));
		uint32_t *vals = calloc(cap, sizeof(*vals));

		if (!keys || !vals) {
			free(keys);
			free(vals);
			return -ENOMEM;
		}
		for (size_t j = 0; j < t->cap; j++) {
			if (!t->keys[j])
				continue;
			i = ward_hash(t->keys[j], strlen(t->keys[j])) & (cap - 1);
			while (keys[i])
				i = (i + 1) & (cap - 1);
			keys[i] = t->keys[j];
			vals[i] = t->vals[j];
		}
		free(t->keys);
		free(t->vals);
		t->keys = keys;
		t->vals = vals;
		t->cap = cap;
	}
	h = ward_hash(s, strlen(s));
	for (i = h & (t->cap - 1); t->keys[i]; i = (i + 1) & (t->cap - 1)) {
		if (strcmp(t->keys[i], s) == 0) {
			*ret = t->vals[i];
			return 1;
		}
	}
	t->keys[i] = strdup(s);
	if (!t->keys[i])
		return -ENOMEM;
	t->vals[i] = val;
	t->n++;
	*ret = val;
	return 0;
}

/* ---- compiler state -------------------------------------------------------- */

struct ent {
	struct ward_obj_key key;
	struct ward_cand cand;
	const char *str; /* the hashed string or the number's name */
	const struct rc_loc *loc;
};

struct cent {
	uint32_t policy, op;
	struct rc_cidr cidr;
	struct ward_cand cand;
	const struct rc_loc *loc;
};

struct comp {
	const struct rc_set *s;
	struct rc_diags *d;
	struct interner strs, globs, portsets;
	struct vec strtab, ents, cents, objects, cidrs, cands, globv, psets, ranges;
	struct vec policies, sels, rules, tags;
	struct vec owned; /* char *: strings the entries point to, freed at the end */
	int err;
};

static uint32_t str_off(struct comp *c, const char *s)
{
	size_t len = strlen(s) + 1;
	uint32_t off;
	int r;

	if (!s[0] || c->err)
		return 0;
	r = intern(&c->strs, s, (uint32_t)c->strtab.n, &off);
	if (r < 0) {
		c->err = r;
		return 0;
	}
	if (r == 0) {
		for (size_t i = 0; i < len; i++) {
			char *p = vec_push(&c->strtab);

			if (!p) {
				c->err = -ENOMEM;
				return 0;
			}
			*p = s[i];
		}
	}
	return off;
}

static uint32_t glob_idx(struct comp *c, const char *pat)
{
	uint32_t idx;
	int r = intern(&c->globs, pat, (uint32_t)c->globv.n, &idx);
	struct ward_glob *g;

	if (r < 0) {
		c->err = r;
		return 0;
	}
	if (r == 0) {
		g = vec_push(&c->globv);
		if (!g) {
			c->err = -ENOMEM;
			return 0;
		}
		snprintf(g->pattern, sizeof(g->pattern), "%s", pat);
	}
	return idx;
}

static int range_cmp(const void *a, const void *b)
{
	const struct rc_port_range *x = a, *y = b;

	return x->lo != y->lo ? (x->lo < y->lo ? -1 : 1) : (x->hi > y->hi) - (x->hi < y->hi);
}

/* Canonical (sorted, merged) port set -> index; WARD_NONE for "any". */
static uint32_t portset_idx(struct comp *c, const struct rc_netm *m)
{
	struct rc_port_range *r;
	size_t n = 0, o = 0;
	char *key;
	uint32_t idx;
	int e;

	if (!m->n_ports)
		return WARD_NONE;
	r = malloc(m->n_ports * sizeof(*r));
	if (!r) {
		c->err = -ENOMEM;
		return WARD_NONE;
	}
	memcpy(r, m->ports, m->n_ports * sizeof(*r));
	qsort(r, m->n_ports, sizeof(*r), range_cmp);
	for (size_t i = 0; i < m->n_ports; i++) {
		if (n && r[i].lo <= (uint32_t)r[n - 1].hi + 1) {
			if (r[i].hi > r[n - 1].hi)
				r[n - 1].hi = r[i].hi;
		} else {
			r[n++] = r[i];
		}
	}
	key = malloc(n * 12 + 1);
	if (!key) {
		free(r);
		c->err = -ENOMEM;
		return WARD_NONE;
	}
	key[0] = '\0';
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(key + o, "%u-%u,", r[i].lo, r[i].hi);
	e = intern(&c->portsets, key, (uint32_t)c->psets.n, &idx);
	free(key);
	if (e == 0) {
		struct wb_portset *ps = vec_push(&c->psets);

		if (!ps)
			e = -ENOMEM;
		else
			*ps = (struct wb_portset){ (uint32_t)c->ranges.n, (uint32_t)n };
		for (size_t i = 0; i < n && e == 0; i++) {
			struct wb_port_range *pr = vec_push(&c->ranges);

			if (!pr)
				e = -ENOMEM;
			else
				*pr = (struct wb_port_range){ r[i].lo, r[i].hi };
		}
	}
	free(r);
	if (e < 0) {
		c->err = e;
		return WARD_NONE;
	}
	return idx;
}

static void add_ent(struct comp *c, uint32_t policy, uint16_t domain, uint16_t kind, uint64_t hash,
		    const char *str, uint32_t rule, uint32_t mask, uint32_t aux, uint16_t src_set,
		    const struct rc_loc *loc)
{
	struct ent *e = vec_push(&c->ents);

	if (!e) {
		c->err = -ENOMEM;
		return;
	}
	e->key = (struct ward_obj_key){ policy, domain, kind, hash };
	e->cand = (struct ward_cand){ rule, mask, aux, src_set, 0 };
	e->str = str;
	e->loc = loc;
}

/* Whether an exact path is a program in one of the standard program
 * directories: such a rule names the tool, whatever binary runs as it. */
static bool in_program_dir(const char *path, const char *base)
{
	static const char *const dirs[] = { "/bin/",	  "/sbin/",	     "/usr/bin/",
					    "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/" };
	size_t dlen = (size_t)(base - path);

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strlen(dirs[i]) == dlen && !strncmp(path, dirs[i], dlen))
			return true;
	return false;
}

/* An exact exec path of a program directory also names what a program runs
 * as (argv[0]'s basename: the applet of a multi-call binary; docs/rules.md,
 * "Applets"), once per rule and name: in the exec table, and in the source
 * table when the rule only alerts or blocks (argv[0] is the caller's to
 * choose, so it never earns an allow). */
static void add_applet(struct comp *c, uint32_t policy, uint16_t domain, const struct rc_paths *ps,
		       size_t i, uint32_t rule, uint32_t mask, uint16_t src_set)
{
	const char *base = strrchr(ps->v[i].path, '/') + 1;

	if (!*base || !in_program_dir(ps->v[i].path, base))
		return;
	for (size_t j = 0; j < i; j++) {
		const char *b = strrchr(ps->v[j].path, '/') + 1;

		if (ps->v[j].kind == WARD_KEY_EXACT && !strcmp(b, base) &&
		    in_program_dir(ps->v[j].path, b))
			return;
	}
	add_ent(c, policy, domain, WARD_KEY_APPLET, ward_hash(base, strlen(base)), base, rule, mask,
		WARD_NONE, src_set, &ps->v[i].loc);
}

/* applets: exact paths of program directories also name applets (add_applet()). */
static void add_paths(struct comp *c, uint32_t policy, uint16_t domain, const struct rc_paths *ps,
		      uint32_t rule, uint32_t mask, uint16_t src_set, bool applets)
{
	for (size_t i = 0; i < ps->n; i++) {
		const struct rc_pathobj *o = &ps->v[i];
		uint32_t aux = o->kind == WARD_KEY_GLOB ? glob_idx(c, o->glob) : WARD_NONE;

		add_ent(c, policy, domain, (uint16_t)o->kind, ward_hash(o->path, strlen(o->path)),
			o->path, rule, mask, aux, src_set, &o->loc);
		if (applets && o->kind == WARD_KEY_EXACT)
			add_applet(c, policy, domain, ps, i, rule, mask, src_set);
	}
}

static void add_netm(struct comp *c, uint32_t policy, uint32_t op, const struct rc_netm *m,
		     uint32_t rule)
{
	static const struct rc_cidr any = { .len = 0 };
	uint32_t ps;

	if (!m->present)
		return;
	if (m->unix_paths.n) {
		add_paths(c, policy,
			  op == WARD_NET_CONNECT ? WARD_DOM_UNIX_CONNECT : WARD_DOM_UNIX_BIND,
			  &m->unix_paths, rule, 1, 0, false);
		return;
	}
	ps = portset_idx(c, m);
	for (size_t i = 0; i < (m->n_cidrs ? m->n_cidrs : 1); i++) {
		struct cent *e = vec_push(&c->cents);

		if (!e) {
			c->err = -ENOMEM;
			return;
		}
		e->policy = policy;
		e->op = op;
		e->cidr = m->n_cidrs ? m->cidrs[i] : any;
		e->cand = (struct ward_cand){ rule, m->protos, ps, 0, 0 };
		e->loc = &m->loc;
	}
}

static void emit_rule(struct comp *c, uint32_t policy, const struct rc_rule *r, uint32_t idx,
		      uint16_t src_set)
{
	switch (r->cls) {
	case WARD_CLS_EXEC:
	case WARD_CLS_FILE:
		add_paths(c, policy, r->cls == WARD_CLS_EXEC ? WARD_DOM_EXEC : WARD_DOM_FILE,
			  &r->objs, idx, r->access, src_set, r->cls == WARD_CLS_EXEC);
		if (src_set)
			add_paths(c, policy, WARD_DOM_SOURCE, &r->sources, idx, 1u << (src_set - 1),
				  0, r->action != WARD_ACT_ALLOW);
		break;
	case WARD_CLS_NET:
		add_netm(c, policy, WARD_NET_CONNECT, &r->connect, idx);
		add_netm(c, policy, WARD_NET_BIND, &r->bind, idx);
		for (uint32_t k = WARD_SOCK_RAW; k <= WARD_SOCK_PACKET; k++)
			if (r->sockets & (1u << k))
				add_ent(c, policy, WARD_DOM_SOCKET, WARD_KEY_EXACT, k,
					rc_sock_names[k], idx, WARD_PROTO_ALL, WARD_NONE, 0,
					&r->loc);
		break;
	default:
		for (size_t i = 0; i < r->n_nums; i++)
			add_ent(c, policy, r->cls == WARD_CLS_CAP ? WARD_DOM_CAP : WARD_DOM_SYSCALL,
				WARD_KEY_EXACT, r->nums[i], r->num_names[i], idx, 1, WARD_NONE, 0,
				&r->loc);
		break;
	}
}

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	int k = wb_obj_key_cmp(&x->key, &y->key);

	if (k)
		return k;
	if (x->cand.rule != y->cand.rule)
		return x->cand.rule < y->cand.rule ? -1 : 1;
	return memcmp(&x->cand, &y->cand, sizeof(x->cand));
}

static void too_many(struct comp *c, const struct rc_loc *loc, const char *what)
{
	rc_diag(c->d, RC_ERROR, "kernel-limit", loc,
		"the kernel scans at most 16 rules per object (WARD_MAX_CANDIDATES); merge rules "
		"or split the policy",
		"more than 16 rules of this policy match %s", what);
}

static void group_objects(struct comp *c)
{
	struct ent *e = c->ents.v;
	size_t n = c->ents.n;

	if (n)
		qsort(e, n, sizeof(*e), ent_cmp);
	for (size_t i = 0; i < n && !c->err;) {
		size_t j = i;
		struct wb_object *o = vec_push(&c->objects);

		if (!o) {
			c->err = -ENOMEM;
			return;
		}
		o->key = e[i].key;
		o->str_off = str_off(c, e[i].str);
		o->val.cand_first = (uint32_t)c->cands.n;
		for (; j < n && wb_obj_key_cmp(&e[j].key, &e[i].key) == 0; j++) {
			struct ward_cand *cd;

			if (strcmp(e[j].str, e[i].str)) {
				rc_diag(c->d, RC_ERROR, "hash-collision", e[j].loc,
					"rename one of them; this is astronomically unlikely",
					"'%s' and '%s' have the same 64-bit hash", e[j].str,
					e[i].str);
				continue;
			}
			if (j > i && memcmp(&e[j].cand, &e[j - 1].cand, sizeof(e[j].cand)) == 0)
				continue; /* the same object listed twice in one rule */
			if (o->val.cand_count == WARD_MAX_CANDIDATES) {
				too_many(c, e[j].loc, e[j].str);
				continue;
			}
			cd = vec_push(&c->cands);
			if (!cd) {
				c->err = -ENOMEM;
				return;
			}
			*cd = e[j].cand;
			o->val.cand_count++;
		}
		i = j;
	}
}

static int cent_cmp(const void *a, const void *b)
{
	const struct cent *x = a, *y = b;

	if (x->policy != y->policy)
		return x->policy < y->policy ? -1 : 1;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	if (x->cidr.len != y->cidr.len)
		return x->cidr.len < y->cidr.len ? -1 : 1;
	int m = memcmp(x->cidr.addr, y->cidr.addr, 16);

	if (m)
		return m;
	return x->cand.rule < y->cand.rule ? -1 : x->cand.rule > y->cand.rule;
}

static int cand_rule_cmp(const void *a, const void *b)
{
	const struct ward_cand *x = a, *y = b;

	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return memcmp(x, y, sizeof(*x));
}

/* One trie entry per distinct prefix; each carries the candidates of every
 * prefix of the same policy and op that covers it. */
static void group_cidrs(struct comp *c)
{
	struct cent *e = c->cents.v;
	size_t n = c->cents.n;

	if (n)
		qsort(e, n, sizeof(*e), cent_cmp);
	for (size_t g = 0; g < n && !c->err;) {
		size_t gend = g;

		while (gend < n && e[gend].policy == e[g].policy && e[gend].op == e[g].op)
			gend++;
		for (size_t i = g; i < gend && !c->err;) {
			struct ward_cand tmp[WARD_MAX_CANDIDATES];
			size_t nt = 0, j = i;
			struct wb_cidr *out;

			while (j < gend && e[j].cidr.len == e[i].cidr.len &&
			       memcmp(e[j].cidr.addr, e[i].cidr.addr, 16) == 0)
				j++;
			for (size_t k = g; k < gend; k++) {
				if (!rc_cidr_contains(&e[k].cidr, e[i].cidr.addr, e[i].cidr.len))
					continue;
				if (nt && memcmp(&tmp[nt - 1], &e[k].cand, sizeof(tmp[0])) == 0)
					continue;
				if (nt == WARD_MAX_CANDIDATES) {
					char what[64];

					rc_cidr_format(&e[i].cidr, what, sizeof(what));
					too_many(c, e[k].loc, what);
					break;
				}
				tmp[nt++] = e[k].cand;
			}
			if (nt)
				qsort(tmp, nt, sizeof(tmp[0]), cand_rule_cmp);
			out = vec_push(&c->cidrs);
			if (!out) {
				c->err = -ENOMEM;
				return;
			}
			out->key.prefixlen = 64u + e[i].cidr.len;
			out->key.policy_id = e[i].policy;
			out->key.op = e[i].op;
			memcpy(out->key.addr, e[i].cidr.addr, 16);
			out->val.cand_first = (uint32_t)c->cands.n;
			out->val.cand_count = (uint32_t)nt;
			for (size_t k = 0; k < nt; k++) {
				struct ward_cand *cd = vec_push(&c->cands);

				if (!cd) {
					c->err = -ENOMEM;
					return;
				}
				*cd = tmp[k];
			}
			i = j;
		}
		g = gend;
	}
	/* bundle order: (policy, op, prefixlen, addr), which cent order already is */
}

/* One path a rule protects against renames and mounts (self or ancestor). */
struct prot {
	uint64_t hash;
	uint32_t rule;
	uint8_t action;
	const struct rc_loc *loc;
	char *path; /* owned until handed to c->owned */
};

static int prot_cmp(const void *a, const void *b)
{
	const struct prot *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->action != y->action) /* the strictest rule decides: block before alert */
		return x->action > y->action ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* What a path object protects: the path itself (a directory without its
 * trailing '/', a glob's directory) and every ancestor below "/". */
static int add_prots(struct prot **v, size_t *n, size_t *cap, const struct rc_pathobj *o,
		     uint32_t rule, uint8_t action)
{
	size_t len = strlen(o->path);

	if (len > 1 && o->path[len - 1] == '/') /* a directory; a glob's parent */
		len--;
	while (len > 1) {
		struct prot *p;

		if (*n == *cap) {
			size_t ncap = *cap ? 2 * *cap : 64;
			struct prot *nv = realloc(*v, ncap * sizeof(**v));

			if (!nv)
				return -ENOMEM;
			*v = nv;
			*cap = ncap;
		}
		p = &(*v)[(*n)++];
		p->path = strndup(o->path, len);
		if (!p->path)
			return -ENOMEM;
		p->hash = ward_hash(p->path, len);
		p->rule = rule;
		p->action = action;
		p->loc = &o->loc;
		while (len > 1 && o->path[len - 1] != '/')
			len--;
		if (len > 1)
			len--; /* the parent, without its '/' */
	}
	return 0;
}

/*
 * The protect table of a policy: every path its exec and file rules that do
 * not allow name, and their ancestors, decided as the strictest such rule
 * (then the first) when renamed or mounted over (docs/rules.md, "Renames and mounts"). One key per
 * path; the policy then governs WARD_CLS_PROTECT with a default of allow.
 */
static void emit_protect(struct comp *c, const struct rc_policy *p, uint32_t id,
			 uint32_t rule_first, struct wb_policy *wp)
{
	struct prot *v = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	for (size_t i = 0; i < p->n_rules && !err; i++) {
		const struct rc_rule *r = &p->rules[i];

		if (r->action == WARD_ACT_ALLOW ||
		    (r->cls != WARD_CLS_EXEC && r->cls != WARD_CLS_FILE))
			continue;
		for (size_t j = 0; j < r->objs.n && !err; j++)
			if (r->objs.v[j].kind != WARD_KEY_NAME) /* a name has no fixed place */
				err = add_prots(&v, &n, &cap, &r->objs.v[j],
						rule_first + (uint32_t)i, r->action);
	}
	if (n)
		qsort(v, n, sizeof(*v), prot_cmp);
	for (size_t i = 0; i < n; i++) {
		char **own;

		if (err || (i > 0 && v[i].hash == v[i - 1].hash)) {
			free(v[i].path);
			continue;
		}
		own = vec_push(&c->owned);
		if (!own) {
			free(v[i].path);
			err = -ENOMEM;
			continue;
		}
		*own = v[i].path;
		add_ent(c, id, WARD_DOM_PROTECT, WARD_KEY_ANCESTOR, v[i].hash, v[i].path, v[i].rule,
			WARD_ACC_RENAME, WARD_NONE, 0, v[i].loc);
	}
	free(v);
	if (err)
		c->err = err;
	else if (n)
		wp->k.defaults[WARD_CLS_PROTECT] = WARD_ACT_ALLOW;
}

static void emit_policy(struct comp *c, const struct rc_policy *p, uint32_t id)
{
	struct wb_policy *wp = vec_push(&c->policies);
	uint16_t n_src = 0;

	if (!wp) {
		c->err = -ENOMEM;
		return;
	}
	memcpy(wp->k.defaults, p->defaults, WARD_CLS_MAX);
	wp->k.mode = p->mode;
	wp->name_off = str_off(c, p->name);
	wp->desc_off = str_off(c, p->description ? p->description : "");
	wp->origin_off = str_off(c, p->origin ? p->origin : "");
	wp->prov_off = str_off(c, p->provenance ? p->provenance : "");
	wp->host = p->sel.host;
	wp->profile = p->profile;
	wp->sel_first = (uint32_t)c->sels.n;
	for (size_t i = 0; i < p->sel.n_containers + p->sel.n_images + p->sel.n_labels; i++) {
		struct wb_selector *s = vec_push(&c->sels);

		if (!s) {
			c->err = -ENOMEM;
			return;
		}
		if (i < p->sel.n_containers) {
			s->type = WB_SEL_CONTAINER;
			s->key_off = str_off(c, p->sel.containers[i]);
		} else if (i < p->sel.n_containers + p->sel.n_images) {
			const char *img = p->sel.images[i - p->sel.n_containers];
			size_t size = strlen(img) + RC_IMAGE_GROWTH + 1;
			char *norm = malloc(size);

			/* matched against references in their normal form (ward_bundle_select) */
			if (!norm || rc_image_normalize(img, norm, size) < 0) {
				c->err = norm ? -ENAMETOOLONG : -ENOMEM;
				free(norm);
				return;
			}
			s->type = WB_SEL_IMAGE;
			s->key_off = str_off(c, norm);
			free(norm);
		} else {
			const struct rc_label *l =
				&p->sel.labels[i - p->sel.n_containers - p->sel.n_images];

			s->type = WB_SEL_LABEL;
			s->key_off = str_off(c, l->key);
			s->val_off = str_off(c, l->value);
		}
	}
	wp->sel_count = (uint32_t)(c->sels.n - wp->sel_first);
	wp->rule_first = (uint32_t)c->rules.n;
	for (size_t i = 0; i < p->n_rules && !c->err; i++) {
		const struct rc_rule *r = &p->rules[i];
		uint32_t idx = (uint32_t)c->rules.n;
		struct wb_rule *wr = vec_push(&c->rules);
		uint16_t src_set = 0;

		if (!wr) {
			c->err = -ENOMEM;
			return;
		}
		wr->k = (struct ward_rule_kern){ id, r->action, r->mode, r->severity,
						 (uint8_t)r->cls };
		wr->name_off = str_off(c, r->name);
		wr->msg_off = str_off(c, r->message ? r->message : "");
		wr->origin_off = str_off(c, r->origin ? r->origin : "");
		wr->tag_first = (uint32_t)c->tags.n;
		wr->tag_count = (uint32_t)r->n_tags;
		for (size_t t = 0; t < r->n_tags; t++) {
			uint32_t *tp = vec_push(&c->tags);

			if (!tp) {
				c->err = -ENOMEM;
				return;
			}
			*tp = str_off(c, r->tags[t]);
		}
		if (r->sources.n) {
			if (n_src == WARD_MAX_SOURCE_SETS) {
				rc_diag(c->d, RC_ERROR, "kernel-limit", &r->loc,
					"at most 32 rules per policy may use fromSource "
					"(WARD_MAX_SOURCE_SETS); split the policy",
					"too many fromSource rules in policy '%s'", p->name);
				continue;
			}
			src_set = ++n_src;
		}
		emit_rule(c, id, r, idx, src_set);
	}
	wp = (struct wb_policy *)c->policies.v + (id - 1);
	wp->rule_count = (uint32_t)(c->rules.n - wp->rule_first);
	wp->k.n_source_sets = n_src;
	if (!c->err)
		emit_protect(c, p, id, wp->rule_first, wp);
}

static void limit(struct comp *c, size_t n, size_t max, const char *what, const char *name)
{
	if (n > max)
		rc_diag(c->d, RC_ERROR, "kernel-limit", NULL,
			"split the policies into several bundles",
			"%zu %s exceed the kernel map size of %zu (%s)", n, what, max, name);
}

int rc_compile(const struct rc_set *s, struct rc_diags *d, uint8_t **ret_buf, size_t *ret_len)
{
	struct comp c = { .s = s, .d = d };
	struct wb_image img = { 0 };
	size_t errors = d->n_errors;
	struct vec *vs[] = { &c.strtab, &c.ents,  &c.cents, &c.objects, &c.cidrs,
			     &c.cands,	&c.globv, &c.psets, &c.ranges,	&c.policies,
			     &c.sels,	&c.rules, &c.tags,  &c.owned };
	static const size_t sizes[] = { 1,
					sizeof(struct ent),
					sizeof(struct cent),
					sizeof(struct wb_object),
					sizeof(struct wb_cidr),
					sizeof(struct ward_cand),
					sizeof(struct ward_glob),
					sizeof(struct wb_portset),
					sizeof(struct wb_port_range),
					sizeof(struct wb_policy),
					sizeof(struct wb_selector),
					sizeof(struct wb_rule),
					sizeof(uint32_t),
					sizeof(char *) };
	int r;

	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++)
		vs[i]->size = sizes[i];
	if (!vec_push(&c.strtab)) /* offset 0 is "" */
		return -ENOMEM;
	limit(&c, s->n_policies, WARD_MAX_POLICIES, "policies", "WARD_MAX_POLICIES");
	for (size_t i = 0; i < s->n_policies && !c.err; i++)
		emit_policy(&c, &s->policies[i], (uint32_t)(i + 1));
	if (!c.err)
		group_objects(&c);
	if (!c.err)
		group_cidrs(&c);
	limit(&c, c.rules.n, WARD_MAX_RULES, "rules", "WARD_MAX_RULES");
	limit(&c, c.objects.n, WARD_MAX_OBJECTS, "objects", "WARD_MAX_OBJECTS");
	limit(&c, c.cidrs.n, WARD_MAX_CIDRS, "CIDR prefixes", "WARD_MAX_CIDRS");
	limit(&c, c.cands.n, WARD_MAX_CANDS, "candidates", "WARD_MAX_CANDS");
	limit(&c, c.globv.n, WARD_MAX_GLOBS, "glob patterns", "WARD_MAX_GLOBS");
	limit(&c, c.psets.n, WARD_MAX_PORTSETS, "port sets", "WARD_MAX_PORTSETS");
	r = c.err;
	if (r == 0 && d->n_errors > errors)
		r = -EINVAL;
	if (r == 0) {
		img.strtab = c.strtab.v;
		img.strtab_len = c.strtab.n;
		img.sec[WB_SEC_POLICIES] = c.policies.v;
		img.count[WB_SEC_POLICIES] = c.policies.n;
		img.sec[WB_SEC_SELECTORS] = c.sels.v;
		img.count[WB_SEC_SELECTORS] = c.sels.n;
		img.sec[WB_SEC_RULES] = c.rules.v;
		img.count[WB_SEC_RULES] = c.rules.n;
		img.sec[WB_SEC_TAGS] = c.tags.v;
		img.count[WB_SEC_TAGS] = c.tags.n;
		img.sec[WB_SEC_OBJECTS] = c.objects.v;
		img.count[WB_SEC_OBJECTS] = c.objects.n;
		img.sec[WB_SEC_CIDRS] = c.cidrs.v;
		img.count[WB_SEC_CIDRS] = c.cidrs.n;
		img.sec[WB_SEC_CANDS] = c.cands.v;
		img.count[WB_SEC_CANDS] = c.cands.n;
		img.sec[WB_SEC_GLOBS] = c.globv.v;
		img.count[WB_SEC_GLOBS] = c.globv.n;
		img.sec[WB_SEC_PORTSETS] = c.psets.v;
		img.count[WB_SEC_PORTSETS] = c.psets.n;
		img.sec[WB_SEC_PORTRANGES] = c.ranges.v;
		img.count[WB_SEC_PORTRANGES] = c.ranges.n;
		r = wb_serialize(&img, WARD_VERSION, ret_buf, ret_len);
	}
	for (size_t i = 0; i < c.owned.n; i++)
		free(((char **)c.owned.v)[i]);
	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++)
		free(vs[i]->v);
	interner_free(&c.strs);
	interner_free(&c.globs);
	interner_free(&c.portsets);
	return r;
}
