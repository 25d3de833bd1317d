/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy lookup of docs/bundle.md on the live generation's maps, the same
 * steps as ward_eval() in rulesc/eval.c: hash the path once (FNV-1a 64), look
 * up every '/' prefix (DIR_REC), the whole path (EXACT) and the parent
 * (DIR_DIRECT, GLOB); scan each hit's candidates in rule order; the smallest
 * holding rule index decides a policy, its default otherwise; the most
 * restrictive policy decides the event. Every step is a bounded number of
 * map lookups: the cost does not grow with the rule count.
 * Loops run through bpf_loop() so the verifier checks each body once.
 */
#ifndef WARD_LSM_LOOKUP_BPF_H
#define WARD_LSM_LOOKUP_BPF_H

#include "maps.bpf.h"

#define WARD_SCRATCH_PATH 4096 /* bpf_d_path buffer; power of two (masks) */
#define WARD_NKEYS	  (WARD_PATH_DEPTH + 3)
_Static_assert(WARD_NKEYS <= 64, "ward_key_cb masks key indexes to 63");
#define WARD_GLOB_STEPS (WARD_GLOB_MAX * WARD_PATH_MAX + WARD_GLOB_MAX)

/* The object-map keys of one path, built by one walk. */
struct ward_keys {
	__u64 hash[WARD_NKEYS];
	__u16 kind[WARD_NKEYS]; /* enum ward_key_kind */
	__u32 n;
	__u32 base; /* offset of the basename in the buffer */
	__u32 base_len;
	__u32 len;	 /* bytes walked */
	__u64 h, last_h; /* walk state */
	__u32 depth, last;
	__u32 slash, truncated;
};

/* One event being decided (on the stack, or in the scratch for the path hooks). */
struct ward_req {
	__u64 cgid;
	__u32 slot, generation;
	__u8 cls;     /* enum ward_class */
	__u8 op;      /* enum ward_op */
	__u16 domain; /* enum ward_domain (path and number events) */
	__u32 mask;   /* event bits (access, protocol, or 1) */
	__u32 num;    /* number events: the number */
	__u32 netop;  /* network: enum ward_net_op; 0 for other events */
	__u16 port;
	__u8 family;
	__u8 have_exe; /* s->exe holds the acting executable */
	__u8 nocount;  /* a second look at the event (an exec's invoked name): not counted */
	__u8 addr[16];
	/* the decision */
	__u32 policy, rule;
	__u8 action, mode, effective, flags;
};

/* Per task (sleepable hooks) or per CPU (the others): too large for the stack. */
struct ward_scratch {
	/* The keys first: ward_key_cb() masks their index to 63 (the verifier
	 * loses the compiler's range check), which must stay inside the value. */
	struct ward_keys ko; /* keys of obj */
	struct ward_keys ks; /* keys of exe (fromSource) */
	struct ward_req req; /* the path hooks' request: keeps their stack small */
	/* Glob matcher state. Kept in map memory rather than on the stack so
	 * the verifier checks the loop bodies once instead of once per value. */
	struct ward_glob_state {
		__u32 p, i, star_p, star_i, base, len, ci, next;
		__u8 have_star, fail, ch, hit;
	} gs;
	char obj[WARD_SCRATCH_PATH]; /* the object's path, NUL-terminated at 0 */
	char exe[WARD_SCRATCH_PATH]; /* the acting executable's path */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct ward_scratch);
} ward_task_scr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ward_scratch);
} ward_cpu_scr SEC(".maps");

static __always_inline const struct ward_cgroup_policies *ward_targeted(struct ward_req *r)
{
	const struct ward_active *a;
	struct ward_cgroup_policies *p;
	__u32 zero = 0;
	void *cg;

	a = bpf_map_lookup_elem(&ward_active, &zero);
	if (!a || !a->generation)
		return NULL;
	r->slot = a->slot & (WARD_ENF_SLOTS - 1);
	r->generation = a->generation;
	r->cgid = bpf_get_current_cgroup_id();
	cg = bpf_map_lookup_elem(&ward_cgroups, &r->slot);
	if (!cg)
		return NULL;
	p = bpf_map_lookup_elem(cg, &r->cgid);
	if (!p || !p->count)
		return NULL;
	return p;
}

/* Bounded index: the mask is done in asm so the compiler cannot drop it
 * after a range check of its own that the verifier does not connect. */
#define ward_bound(x, mask)                                                   \
	({                                                                    \
		__u64 __x = (x);                                              \
		asm volatile("%[v] &= %[m]" : [v] "+r"(__x) : [m] "i"(mask)); \
		__x;                                                          \
	})

/* ---- path walk ------------------------------------------------------------------------ */

struct ward_hash_ctx {
	struct ward_keys *k;
	const char *buf;
};

static __always_inline void keys_add(struct ward_keys *k, __u16 kind, __u64 h)
{
	__u32 n = k->n;

	if (n >= WARD_NKEYS)
		return;
	k->hash[n] = h;
	k->kind[n] = kind;
	k->n = n + 1;
}

static int ward_hash_cb(__u32 i, void *data)
{
	struct ward_hash_ctx *c = data;
	struct ward_keys *k = c->k;
	char ch = c->buf[ward_bound(i, WARD_SCRATCH_PATH - 1)];

	if (!ch)
		return 1;
	k->h = (k->h ^ (__u8)ch) * WARD_FNV_PRIME;
	k->len = i + 1;
	if (ch != '/')
		return 0;
	if (k->depth < WARD_PATH_DEPTH)
		keys_add(k, WARD_KEY_DIR_REC, k->h);
	k->depth++;
	k->last_h = k->h;
	k->last = i;
	k->slash = 1;
	return 0;
}

/* Keys of the NUL-terminated path in buf (a field of the scratch). */
static __always_inline void ward_walk(struct ward_keys *k, const char *buf)
{
	struct ward_hash_ctx c = { .k = k, .buf = buf };

	k->n = 0;
	k->h = WARD_FNV_OFFSET;
	k->last_h = 0;
	k->depth = k->last = k->slash = k->len = 0;
	bpf_loop(WARD_PATH_MAX - 1, ward_hash_cb, &c, 0);
	k->truncated = k->len == WARD_PATH_MAX - 1 && buf[WARD_PATH_MAX - 1];
	if (k->truncated) {
		count_drop(WARD_DROP_PATH_TRUNC);
		return;
	}
	if (!k->slash)
		return;
	keys_add(k, WARD_KEY_EXACT, k->h);
	keys_add(k, WARD_KEY_DIR_DIRECT, k->last_h);
	keys_add(k, WARD_KEY_GLOB, k->last_h);
	k->base = k->last + 1;
	k->base_len = k->len - k->last - 1;
}

/* ---- basename globs (ward_glob_match) --------------------------------------------------- */

struct ward_glob_ctx {
	const char *pat; /* WARD_GLOB_MAX bytes, NUL-terminated */
	const char *buf; /* the path buffer */
	struct ward_glob_state *st;
};

#define PAT(c, x) ((__u8)(c)->pat[ward_bound((x), WARD_GLOB_MAX - 1)])

/* One element of a '[...]' class at st->ci; st->hit when ch is in it. */
static int ward_class_cb(__u32 k, void *data)
{
	struct ward_glob_ctx *c = data;
	struct ward_glob_state *st = c->st;
	__u32 i = st->ci;
	__u8 lo = PAT(c, i), hi;

	if (i >= WARD_GLOB_MAX || !lo || (k && lo == ']'))
		return 1;
	if (lo == '\\' && PAT(c, i + 1))
		lo = PAT(c, ++i);
	hi = lo;
	if (PAT(c, i + 1) == '-' && PAT(c, i + 2) && PAT(c, i + 2) != ']') {
		hi = PAT(c, i + 2);
		if (hi == '\\' && PAT(c, i + 3))
			hi = PAT(c, ++i + 2);
		i += 2;
	}
	if (st->ch >= lo && st->ch <= hi)
		st->hit = 1;
	st->ci = i + 1;
	return 0;
}

/* Class after '[' at pattern index start: 1 hit, 0 miss, -1 malformed;
 * st->next is the index past ']'. */
static __always_inline int ward_class(struct ward_glob_ctx *c, __u32 start)
{
	struct ward_glob_state *st = c->st;
	bool neg = false;

	st->ci = start;
	st->hit = 0;
	if (PAT(c, start) == '!' || PAT(c, start) == '^') {
		neg = true;
		st->ci = start + 1;
	}
	bpf_loop(WARD_GLOB_MAX, ward_class_cb, c, 0);
	if (st->ci >= WARD_GLOB_MAX || PAT(c, st->ci) != ']')
		return -1;
	st->next = st->ci + 1;
	return st->hit != neg;
}

/* One step of ward_glob_match() (rulesc/match.c). */
static int ward_glob_cb(__u32 idx, void *data)
{
	struct ward_glob_ctx *c = data;
	struct ward_glob_state *st = c->st;
	__u8 ch, pc;

	if (st->i >= st->len) { /* the basename is consumed: trailing stars match "" */
		if (st->p >= WARD_GLOB_MAX || PAT(c, st->p) != '*')
			return 1;
		st->p++;
		return 0;
	}
	ch = (__u8)c->buf[ward_bound(st->base + st->i, WARD_SCRATCH_PATH - 1)];
	if (ch == '/' || st->p >= WARD_GLOB_MAX) {
		st->fail = 1;
		return 1;
	}
	pc = PAT(c, st->p);
	if (pc == '*') {
		st->have_star = 1;
		st->star_p = ++st->p;
		st->star_i = st->i;
		return 0;
	}
	if (pc == '?') {
		st->p++;
		st->i++;
		return 0;
	}
	if (pc == '[') {
		st->ch = ch;
		if (ward_class(c, st->p + 1) > 0) {
			st->p = st->next;
			st->i++;
			return 0;
		}
	} else if (pc == '\\' && PAT(c, st->p + 1)) {
		if (PAT(c, st->p + 1) == ch) {
			st->p += 2;
			st->i++;
			return 0;
		}
	} else if (pc && pc == ch) {
		st->p++;
		st->i++;
		return 0;
	}
	if (!st->have_star) {
		st->fail = 1;
		return 1;
	}
	st->p = st->star_p;
	st->i = ++st->star_i;
	return 0;
}

static __always_inline bool ward_glob(const char *pat, const char *buf, __u32 base, __u32 len,
				      struct ward_glob_state *st)
{
	struct ward_glob_ctx c = { .pat = pat, .buf = buf, .st = st };

	st->p = st->i = st->star_p = st->star_i = 0;
	st->have_star = st->fail = 0;
	st->base = base;
	st->len = len;
	bpf_loop(WARD_GLOB_STEPS, ward_glob_cb, &c, 0);
	if (st->fail || st->i < st->len)
		return false;
	return st->p < WARD_GLOB_MAX && PAT(&c, st->p) == '\0';
}

/* ---- object keys and candidates ---------------------------------------------------------- */

struct ward_key_ctx {
	struct ward_scratch *s;
	__u32 slot, policy, mask, src_mask;
	__u16 domain;
	__u8 source; /* keys of the exe, domain SOURCE: OR the masks into src_mask */
	__u8 glob;   /* the key being scanned is a GLOB key */
	__u32 nsrc;  /* the exe's keys scanned (0: no fromSource pass) */
	__u32 best;  /* rule index or WARD_NONE */
	__u32 first; /* the key's candidate slice */
};

static int ward_cand_cb(__u32 j, void *data)
{
	struct ward_key_ctx *c = data;
	struct ward_scratch *s = c->s;
	struct ward_keys *k = c->source ? &s->ks : &s->ko;
	const char *buf = c->source ? s->exe : s->obj;
	__u32 idx = c->first + j;
	struct ward_cand *cd;
	struct ward_glob *g;
	void *cands, *globs;

	cands = bpf_map_lookup_elem(&ward_cands, &c->slot);
	if (!cands)
		return 1;
	cd = bpf_map_lookup_elem(cands, &idx);
	if (!cd)
		return 1;
	if (!(cd->mask & c->mask) && !c->source)
		return 0;
	if (cd->src_set && !((c->src_mask >> ((cd->src_set - 1) & 31)) & 1))
		return 0;
	if (c->glob) {
		globs = bpf_map_lookup_elem(&ward_globs, &c->slot);
		if (!globs)
			return 1;
		g = bpf_map_lookup_elem(globs, &cd->aux);
		if (!g || !ward_glob(g->pattern, buf, k->base, k->base_len, &s->gs))
			return 0;
	}
	if (c->source) {
		c->src_mask |= cd->mask;
		return 0;
	}
	if (cd->rule < c->best)
		c->best = cd->rule;
	return 1; /* the first holding candidate is this key's verdict */
}

static int ward_key_cb(__u32 i, void *data)
{
	struct ward_key_ctx *c = data;
	struct ward_scratch *s = c->s;
	struct ward_obj_key key = {};
	struct ward_obj_val *v;
	struct ward_keys *k;
	void *objs;
	__u32 cnt;

	/* i < WARD_NKEYS: the exe's key i; then the object's key i - WARD_NKEYS */
	if (i < WARD_NKEYS) {
		if (i >= c->nsrc)
			return 0;
		c->source = 1;
		k = &s->ks;
	} else {
		i -= WARD_NKEYS;
		if (i >= WARD_NKEYS)
			return 1;
		c->source = 0;
		k = &s->ko;
	}
	i = ward_bound(i, 63);
	key.policy_id = c->policy;
	key.domain = c->source ? WARD_DOM_SOURCE : c->domain;
	key.kind = k->kind[i];
	key.hash = k->hash[i];
	objs = bpf_map_lookup_elem(&ward_objects, &c->slot);
	if (!objs)
		return 1;
	v = bpf_map_lookup_elem(objs, &key);
	if (!v)
		return 0;
	c->first = v->cand_first;
	cnt = v->cand_count;
	if (cnt > WARD_MAX_CANDIDATES)
		cnt = WARD_MAX_CANDIDATES;
	c->glob = key.kind == WARD_KEY_GLOB;
	bpf_loop(cnt, ward_cand_cb, c, 0);
	return 0;
}

/* Network: one longest-prefix lookup, then the candidates. */
struct ward_net_ctx {
	const struct ward_req *r;
	__u32 first;
	__u32 rule;
};

static int ward_netcand_cb(__u32 j, void *data)
{
	struct ward_net_ctx *c = data;
	const struct ward_req *r = c->r;
	__u32 idx = c->first + j, port = r->port;
	struct ward_portset *ps;
	struct ward_cand *cd;
	void *cands, *ports;

	cands = bpf_map_lookup_elem(&ward_cands, &r->slot);
	ports = bpf_map_lookup_elem(&ward_portsets, &r->slot);
	if (!cands || !ports)
		return 1;
	cd = bpf_map_lookup_elem(cands, &idx);
	if (!cd)
		return 1;
	if (!(cd->mask & r->mask))
		return 0;
	if (cd->aux != WARD_NONE) {
		ps = bpf_map_lookup_elem(ports, &cd->aux);
		if (!ps || !((ps->bits[ward_bound(port >> 6, 1023)] >> (port & 63)) & 1))
			return 0;
	}
	c->rule = cd->rule;
	return 1;
}

static __always_inline __u32 ward_net_rule(const struct ward_req *r, __u32 policy)
{
	struct ward_lpm_key key = { .prefixlen = 64 + 128, .policy_id = policy, .op = r->netop };
	struct ward_net_ctx c = { .r = r, .rule = WARD_NONE };
	struct ward_lpm_val *v;
	void *trie;
	__u32 cnt;

	__builtin_memcpy(key.addr, r->addr, sizeof(key.addr));
	trie = bpf_map_lookup_elem(&ward_cidrs, &r->slot);
	if (!trie)
		return WARD_NONE;
	v = bpf_map_lookup_elem(trie, &key);
	if (!v)
		return WARD_NONE;
	c.first = v->cand_first;
	cnt = v->cand_count;
	if (cnt > WARD_MAX_CANDIDATES)
		cnt = WARD_MAX_CANDIDATES;
	bpf_loop(cnt, ward_netcand_cb, &c, 0);
	return c.rule;
}

static __always_inline void ward_count(const struct ward_req *r, __u32 policy, __u32 rule,
				       __u8 action, __u8 mode)
{
	struct ward_counter_key key = {
		.cgroup_id = r->cgid, .generation = r->generation, .policy_id = policy, .rule = rule
	};
	struct ward_counter_val zero = {}, *v;

	v = bpf_map_lookup_elem(&ward_counters, &key);
	if (!v) {
		if (bpf_map_update_elem(&ward_counters, &key, &zero, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&ward_counters, &key)) {
			count_drop(WARD_DROP_MAP_FULL);
			return;
		}
		v = bpf_map_lookup_elem(&ward_counters, &key);
		if (!v)
			return;
	}
	v->matches++;
	if (action == WARD_ACT_BLOCK && mode == WARD_MODE_ENFORCE)
		v->blocks++;
	else if (action == WARD_ACT_BLOCK)
		v->would_block++;
}

static __always_inline __u8 ward_effective(__u8 action, __u8 mode)
{
	return action == WARD_ACT_BLOCK && mode == WARD_MODE_AUDIT ? WARD_ACT_ALERT : action;
}

struct ward_pol_ctx {
	struct ward_req *r;
	struct ward_scratch *s;
	const struct ward_cgroup_policies *pols;
	__u8 best;
	__u8 exe_walked;
};

static int ward_policy_cb(__u32 i, void *data)
{
	struct ward_pol_ctx *pc = data;
	struct ward_req *r = pc->r;
	struct ward_scratch *s = pc->s;
	struct ward_key_ctx kc = {
		.s = s, .slot = r->slot, .mask = r->mask, .domain = r->domain, .best = WARD_NONE
	};
	struct ward_policy_kern *pk;
	struct ward_rule_kern *rk;
	__u8 action, mode, eff;
	void *pmap, *rmap;
	__u32 id, rule;

	if (i >= WARD_MAX_POLICIES_PER_CGROUP)
		return 1;
	id = pc->pols->ids[i];
	pmap = bpf_map_lookup_elem(&ward_policies, &r->slot);
	rmap = bpf_map_lookup_elem(&ward_rules, &r->slot);
	if (!pmap || !rmap)
		return 1;
	pk = bpf_map_lookup_elem(pmap, &id);
	if (!pk)
		return 0;
	action = pk->defaults[r->cls & 7];
	mode = pk->mode;
	if (action == WARD_ACT_NONE)
		return 0;
	kc.policy = id;
	if (r->netop) {
		rule = ward_net_rule(r, id);
	} else {
		/* One loop, so the verifier checks the key callback once: the exe's
		 * keys first (fromSource sets), then the object's. */
		if (pk->n_source_sets && r->have_exe) {
			if (!pc->exe_walked) {
				ward_walk(&s->ks, s->exe);
				pc->exe_walked = 1;
			}
			kc.nsrc = s->ks.n;
		}
		bpf_loop(WARD_NKEYS + s->ko.n, ward_key_cb, &kc, 0);
		rule = kc.best;
	}
	if (rule != WARD_NONE) {
		rk = bpf_map_lookup_elem(rmap, &rule);
		if (!rk)
			return 0;
		action = rk->action;
		mode = rk->mode;
	}
	if (!r->nocount)
		ward_count(r, id, rule, action, mode);
	eff = ward_effective(action, mode);
	if (eff > pc->best) {
		pc->best = eff;
		r->policy = id;
		r->rule = rule;
		r->action = action;
		r->mode = mode;
	}
	return 0;
}

/*
 * Decide r for the policies of its cgroup; s holds the object's keys (path
 * events, built by ward_walk(), or one EXACT number key) and, when
 * r->have_exe, the exe's path. Returns the effective outcome (enum
 * ward_action; ALLOW when nothing governs the event) and fills r's decision.
 */
static __always_inline __u8 ward_decide(struct ward_req *r, struct ward_scratch *s,
					const struct ward_cgroup_policies *pols)
{
	struct ward_pol_ctx pc = { .r = r, .s = s, .pols = pols, .best = WARD_ACT_ALLOW };
	__u32 count = pols->count;

	r->policy = 0;
	r->rule = WARD_NONE;
	r->action = WARD_ACT_ALLOW;
	r->mode = 0;
	if (count > WARD_MAX_POLICIES_PER_CGROUP)
		count = WARD_MAX_POLICIES_PER_CGROUP;
	bpf_loop(count, ward_policy_cb, &pc, 0);
	r->effective = pc.best;
	return pc.best;
}

/* One EXACT key holding a number (capabilities, socket kinds). */
static __always_inline void ward_number_key(struct ward_keys *k, __u32 num)
{
	k->n = 0;
	keys_add(k, WARD_KEY_EXACT, num);
}

/* ---- alerts -------------------------------------------------------------------------------- */

/* Emit the alert of a non-allow decision; level is what was done about it. */
static __always_inline void ward_alert(const struct ward_req *r, struct ward_scratch *s, __u8 level,
				       bool task_info)
{
	struct ward_alert *a;

	a = bpf_ringbuf_reserve(&ward_alerts, sizeof(*a), 0);
	if (!a) {
		count_drop(WARD_DROP_RINGBUF);
		return;
	}
	a->ts_ns = bpf_ktime_get_ns();
	a->cgroup_id = r->cgid;
	a->generation = r->generation;
	a->policy_id = r->policy;
	a->rule = r->rule;
	a->pid = bpf_get_current_pid_tgid() >> 32;
	a->ppid = 0;
	a->uid = (__u32)bpf_get_current_uid_gid();
	a->access = r->mask;
	a->port = r->port;
	a->op = r->op;
	a->action = r->action;
	a->mode = r->mode;
	a->level = level;
	a->family = r->family;
	a->flags = r->flags;
	__builtin_memcpy(a->addr, r->addr, sizeof(a->addr));
	a->num = r->num;
	bpf_get_current_comm(a->comm, sizeof(a->comm));
	a->exe[0] = '\0';
	a->object[0] = '\0';
	if (task_info) {
		struct task_struct *t = (struct task_struct *)bpf_get_current_task();

		a->ppid = BPF_CORE_READ(t, real_parent, tgid);
	}
	if (r->have_exe &&
	    bpf_probe_read_kernel_str(a->exe, sizeof(a->exe), s->exe) == sizeof(a->exe) &&
	    s->exe[sizeof(a->exe) - 1])
		a->flags |= WARD_ALERT_EXE_TRUNC;
	if (!r->have_exe)
		a->flags |= WARD_ALERT_EXE_UNKNOWN;
	if (r->op == WARD_OP_EXEC || r->op == WARD_OP_OPEN || r->op == WARD_OP_UNIX_CONNECT ||
	    r->op == WARD_OP_UNIX_BIND) {
		if (bpf_probe_read_kernel_str(a->object, sizeof(a->object), s->obj) ==
			    sizeof(a->object) &&
		    s->obj[sizeof(a->object) - 1])
			a->flags |= WARD_ALERT_OBJ_TRUNC;
	}
	bpf_ringbuf_submit(a, 0);
}

#endif
