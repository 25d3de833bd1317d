/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy lookup of docs/bundle.md on the live generation's maps, the same
 * steps as ward_eval() in rulesc/eval.c: hash the path once (FNV-1a 64), look
 * up every '/' prefix (DIR_REC), the whole path (EXACT) and the parent
 * (DIR_DIRECT, GLOB); scan each hit's candidates in rule order; the smallest
 * holding rule index decides a policy, its default otherwise; the most
 * restrictive policy decides the event.
 *
 * Shape for the verifier (docs/enforcement.md, "Verifier budget"): the whole
 * decision is one flat state machine in the scratch (map memory), advanced
 * one step at a time by ward_step(), a global function the verifier checks
 * once per program whatever calls it. ward_decide() and ward_walk() are
 * global too, each one bpf_loop() whose callback only calls the step, so no
 * callback nests in another and no exact scalar lives on the stack across
 * iterations. Globs come compiled into token tables (struct ward_glob_kern):
 * one token against one byte per step. The cost of loading a program no
 * longer depends on the hooks that use the lookup or on the rules.
 */
#ifndef WARD_LSM_LOOKUP_BPF_H
#define WARD_LSM_LOOKUP_BPF_H

#include "maps.bpf.h"

#define WARD_SCRATCH_PATH 4096			/* path buffers; power of two (masks) */
#define WARD_ARG_BUF	  256			/* power of two (masks) */
#define WARD_NKEYS	  (WARD_PATH_DEPTH + 6) /* a walk's keys, and the exe's applet */
_Static_assert(WARD_NKEYS <= 64, "key indexes are masked to 63");
/* Steps of one decision, complete by construction: per policy one step, per
 * key (2 * WARD_NKEYS) one, per candidate (16 a key) one, per glob token
 * against a basename at most WARD_GLOB_MAX * WARD_PATH_MAX; 8 policies stay
 * below 4.4M. bpf_loop() allows 1 << 23. */
#define WARD_DECIDE_STEPS (1u << 23)

/* The object-map keys of one path, built by one walk. */
struct ward_keys {
	__u64 hash[WARD_NKEYS];
	__u16 kind[WARD_NKEYS]; /* enum ward_key_kind */
	__u16 pad;
	__u32 n;
	__u32 base; /* offset of the basename in the buffer */
	__u32 base_len;
	__u32 len;	 /* bytes walked */
	__u64 h, last_h; /* walk state */
	__u64 name_h;	 /* hash of the component being walked (the basename, at the end) */
	__u32 depth, last;
	__u32 slash, truncated;
};

/* One event being decided (in the scratch: global functions take it there). */
struct ward_req {
	__u64 cgid;
	__u32 slot, generation;
	struct ward_cgroup_policies pols; /* the cgroup's policies, copied */
	__u8 cls;			  /* enum ward_class */
	__u8 op;			  /* enum ward_op */
	__u16 domain;			  /* enum ward_domain (path and number events) */
	__u32 mask;			  /* event bits (access, protocol, or 1) */
	__u32 num;			  /* number events: the number */
	__u32 netop;			  /* network: enum ward_net_op; 0 for other events */
	__u16 port;
	__u8 family;
	__u8 have_exe; /* s->exe holds the acting executable */
	__u8 nocount;  /* a second look at the event (an exec's invoked name): not counted */
	__u8 exe_read; /* s->exe was read (have_exe: successfully) */
	__u8 exe_fail; /* it was read and could not be resolved */
	__u8 fail;     /* enum ward_undecided: the event cannot be decided */
	__u8 addr[16];
	__u64 src_applet; /* APPLET key hash of the name the acting process runs as, 0: none */
	/* the decision */
	__u32 policy, rule;
	__u8 action, mode, effective, flags;
};

/* The decision's state machine (ward_step()). */
enum ward_phase {
	WARD_PH_POLICY = 0, /* start the next policy, or finish */
	WARD_PH_KEY,	    /* look up the next key of the exe (source) or the object */
	WARD_PH_CAND,	    /* test the next candidate of the key that hit */
	WARD_PH_GLOB,	    /* one token of a GLOB candidate's basename pattern */
	WARD_PH_DONE,
};

struct ward_dstate {
	__u32 phase; /* enum ward_phase */
	__u32 pol;   /* index into req.pols.ids */
	__u32 id;    /* its policy id */
	__u32 key;   /* < WARD_NKEYS: exe key; WARD_NKEYS + j: object key j */
	__u32 nsrc;  /* exe keys this policy scans (0: no fromSource sets) */
	__u32 cand, cand_first, cand_n;
	__u32 best;		  /* this policy's deciding rule, WARD_NONE */
	__u32 src_mask;		  /* fromSource sets the exe belongs to */
	__u32 cur_rule, cur_mask; /* the candidate under the glob */
	__u32 gp, gi, gstar_p, gstar_i;
	__u8 ghave_star;
	__u8 source;	 /* scanning the exe's keys */
	__u8 glob_key;	 /* the key that hit is a GLOB key */
	__u8 exe_walked; /* s->ks holds the exe's keys */
	__u8 def_action, def_mode, best_eff, pad;
	__u8 kinds_obj, kinds_src; /* key kinds the policy has (ward_policy_live.kinds) */
	__u8 pad2[6];
	struct ward_glob_kern g; /* the pattern being matched, copied */
};

/* Per CPU: too large for the stack. Every hook is non-sleepable (BPF-LSM
 * hooks run with migration disabled, and bpf_d_path() is allowed on the
 * hooks that need it without a sleepable program), so no per-task storage,
 * whose allocation fails under load (measured: 7.2, docs/enforcement.md).
 * Scalars only: global functions take it as memory of its size. */
struct ward_scratch {
	/* what every decision touches first, together: fewer cache lines when cold */
	struct ward_req req; /* the event being decided */
	struct ward_dstate st;
	struct ward_keys ko;	      /* keys of obj */
	struct ward_keys ks;	      /* keys of exe (fromSource) */
	struct ward_req alt;	      /* exec: the invoked name's decision */
	char obj[WARD_SCRATCH_PATH];  /* the object's path, NUL-terminated */
	char exe[WARD_SCRATCH_PATH];  /* the acting executable's path */
	char arg[WARD_ARG_BUF];	      /* exec: an argument or name being read */
	char applet[WARD_APPLET_MAX]; /* exec: the name a program runs as */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ward_scratch);
} ward_cpu_scr __weak SEC(".maps");

/* Bounded index: the mask is done in asm so the compiler cannot drop it
 * after a range check of its own that the verifier does not connect. */
#define ward_bound(x, mask)                                                   \
	({                                                                    \
		__u64 __x = (x);                                              \
		asm volatile("%[v] &= %[m]" : [v] "+r"(__x) : [m] "i"(mask)); \
		__x;                                                          \
	})

/* The live generation's inner map of an outer table. The slot is copied to
 * the stack: before 6.2 the verifier takes map keys only from the stack or
 * map values, not from a global function's memory argument. */
static __always_inline void *ward_inner(void *outer, __u32 slot)
{
	return bpf_map_lookup_elem(outer, &slot);
}

/* Reset r for an event of class cls; op, domain and mask as the hook sees it. */
static __always_inline void ward_req_init(struct ward_req *r, __u8 cls, __u8 op, __u16 domain,
					  __u32 mask)
{
	__builtin_memset(r, 0, sizeof(*r));
	r->cls = cls;
	r->op = op;
	r->domain = domain;
	r->mask = mask;
}

/* The policies of cgroup cgid in the live generation (NULL: not targeted);
 * *ret_slot and *ret_gen the live slot and generation. Two direct lookups,
 * both inlined by the verifier: the first thing every hook does. */
static __always_inline const struct ward_cgroup_policies *ward_cg_pols(__u64 cgid, __u32 *ret_slot,
								       __u32 *ret_gen)
{
	const struct ward_cgroup_policies *p;
	const struct ward_active *a;
	struct ward_cg_key k = { .cgid = cgid };
	__u32 zero = 0;

	a = bpf_map_lookup_elem(&ward_active, &zero);
	if (!a)
		return NULL;
	k.slot = a->slot & (WARD_ENF_SLOTS - 1);
	*ret_slot = k.slot;
	*ret_gen = a->gen[k.slot];
	if (!*ret_gen)
		return NULL;
	p = bpf_map_lookup_elem(&ward_cgroups, &k);
	return p && p->count ? p : NULL;
}

/* True when the current cgroup is targeted; nothing kept: the cheap first
 * test of the programs on every syscall. */
static __always_inline bool ward_current_targeted(void)
{
	__u32 slot, gen;

	return ward_cg_pols(bpf_get_current_cgroup_id(), &slot, &gen) != NULL;
}

/* True when cgroup cgid is targeted by the live generation: r gets the
 * slot, generation, cgroup and a copy of its policy ids. */
static __always_inline bool ward_targeted_cg(struct ward_req *r, __u64 cgid)
{
	const struct ward_cgroup_policies *p;
	__u32 slot, gen;

	p = ward_cg_pols(cgid, &slot, &gen);
	if (!p)
		return false;
	r->slot = slot;
	r->generation = gen;
	r->cgid = cgid;
	r->pols = *p;
	return true;
}

/* The same for the current task's cgroup. */
static __always_inline bool ward_targeted(struct ward_req *r)
{
	return ward_targeted_cg(r, bpf_get_current_cgroup_id());
}

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
	if (ch != '/') {
		k->name_h = (k->name_h ^ (__u8)ch) * WARD_FNV_PRIME;
		return 0;
	}
	k->name_h = WARD_FNV_OFFSET;
	if (k->depth < WARD_PATH_DEPTH)
		keys_add(k, WARD_KEY_DIR_REC, k->h);
	k->depth++;
	k->last_h = k->h;
	k->last = i;
	k->slash = 1;
	return 0;
}

/* The keys of the NUL-terminated path in s->obj (exe: s->exe) into s->ko
 * (s->ks), whatever its length (the rules' limits, WARD_PATH_MAX and
 * WARD_PATH_DEPTH, bound what can match, not what is walked). A global
 * function: checked once per program. */
__weak __noinline int ward_walk(struct ward_scratch *s, int exe)
{
	struct ward_hash_ctx c;
	struct ward_keys *k;

	if (!s)
		return 0;
	k = exe ? &s->ks : &s->ko;
	c.k = k;
	c.buf = exe ? s->exe : s->obj;
	k->n = 0;
	k->h = k->name_h = WARD_FNV_OFFSET;
	k->last_h = 0;
	k->depth = k->last = k->slash = k->len = 0;
	bpf_loop(WARD_SCRATCH_PATH - 1, ward_hash_cb, &c, 0);
	k->truncated = k->len == WARD_SCRATCH_PATH - 1;
	if (k->truncated) { /* no NUL in the buffer: never filled that way */
		count_drop(WARD_DROP_PATH_TRUNC);
		if (!exe)
			s->req.fail = WARD_UNDEC_PATH;
		return 0;
	}
	if (!k->slash)
		return 0;
	keys_add(k, WARD_KEY_EXACT, k->h);
	keys_add(k, WARD_KEY_DIR_DIRECT, k->last_h);
	keys_add(k, WARD_KEY_GLOB, k->last_h);
	keys_add(k, WARD_KEY_ANCESTOR, k->h); /* the protect table's: the whole path */
	if (k->len > k->last + 1)	      /* names: the basename, anywhere */
		keys_add(k, WARD_KEY_NAME, k->name_h);
	k->base = k->last + 1;
	k->base_len = k->len - k->last - 1;
	return 0;
}

/* The APPLET key hash of the name in s->applet (NUL-terminated). A global
 * function: checked once per program. */
__weak __noinline __u64 ward_applet_hash(struct ward_scratch *s)
{
	__u64 h = WARD_FNV_OFFSET;

	if (!s)
		return 0;
	for (int i = 0; i < WARD_APPLET_MAX && s->applet[i]; i++)
		h = (h ^ (__u8)s->applet[i]) * WARD_FNV_PRIME;
	return h;
}

/* The APPLET key of the name in s->applet into s->ko. */
static __always_inline void ward_applet_key(struct ward_scratch *s)
{
	s->ko.n = 0;
	keys_add(&s->ko, WARD_KEY_APPLET, ward_applet_hash(s));
}

/* One EXACT key holding a number (capabilities, socket kinds, syscalls). */
static __always_inline void ward_number_key(struct ward_keys *k, __u32 num)
{
	k->n = 0;
	keys_add(k, WARD_KEY_EXACT, num);
}

/* ---- the decision: one step at a time ------------------------------------------------------ */

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

/* The policy is decided (st->best, or its default): count it, keep it when
 * it is the most restrictive so far, go on with the next. */
static __always_inline void step_finish(struct ward_scratch *s)
{
	struct ward_dstate *st = &s->st;
	struct ward_req *r = &s->req;
	struct ward_rule_kern *rk;
	__u8 action = st->def_action, mode = st->def_mode, eff;
	__u32 rule = st->best;
	void *rmap;

	if (rule != WARD_NONE) {
		rmap = ward_inner(&ward_rules, r->slot);
		rk = rmap ? bpf_map_lookup_elem(rmap, &rule) : NULL;
		if (rk) {
			action = rk->action;
			mode = rk->mode;
		}
	}
	if (!r->nocount && (rule != WARD_NONE || action != WARD_ACT_ALLOW))
		ward_count(r, st->id, rule, action, mode);
	eff = ward_effective(action, mode);
	if (eff > st->best_eff) {
		st->best_eff = eff;
		r->policy = st->id;
		r->rule = rule;
		r->action = action;
		r->mode = mode;
	}
	st->pol++;
	st->phase = WARD_PH_POLICY;
}

/* A candidate holds: fromSource sets collect, an object's first one decides its key. */
static __always_inline void step_accept(struct ward_dstate *st, __u32 mask, __u32 rule)
{
	if (st->source) {
		st->src_mask |= mask;
		st->cand++;
		st->phase = WARD_PH_CAND;
		return;
	}
	if (rule < st->best)
		st->best = rule;
	st->key++;
	st->phase = WARD_PH_KEY;
}

static __always_inline void step_reject(struct ward_dstate *st)
{
	st->cand++;
	st->phase = WARD_PH_CAND;
}

static __always_inline void step_policy(struct ward_scratch *s)
{
	struct ward_dstate *st = &s->st;
	struct ward_req *r = &s->req;
	struct ward_lpm_key lk = {};
	struct ward_policy_live *pk;
	struct ward_lpm_val *lv;
	void *pmap, *trie;
	__u32 id;

	if (st->pol >= r->pols.count || st->pol >= WARD_MAX_POLICIES_PER_CGROUP) {
		st->phase = WARD_PH_DONE;
		return;
	}
	id = r->pols.ids[ward_bound(st->pol, WARD_MAX_POLICIES_PER_CGROUP - 1)];
	pmap = ward_inner(&ward_policies, r->slot);
	pk = pmap ? bpf_map_lookup_elem(pmap, &id) : NULL;
	if (!pk || pk->k.defaults[r->cls & 7] == WARD_ACT_NONE) {
		st->pol++; /* not governed by this policy */
		return;
	}
	st->id = id;
	st->def_action = pk->k.defaults[r->cls & 7];
	st->def_mode = pk->k.mode;
	st->kinds_obj = pk->kinds[r->domain & 15];
	st->kinds_src = pk->kinds[WARD_DOM_SOURCE];
	st->best = WARD_NONE;
	st->src_mask = 0;
	st->source = 0;
	st->glob_key = 0;
	if (r->netop) {
		/* one longest-prefix lookup, then its candidates */
		lk.prefixlen = 64 + 128;
		lk.policy_id = id;
		lk.op = r->netop;
		__builtin_memcpy(lk.addr, r->addr, sizeof(lk.addr));
		trie = ward_inner(&ward_cidrs, r->slot);
		lv = trie ? bpf_map_lookup_elem(trie, &lk) : NULL;
		if (!lv) {
			step_finish(s);
			return;
		}
		st->cand_first = lv->cand_first;
		st->cand_n =
			lv->cand_count < WARD_MAX_CANDIDATES ? lv->cand_count : WARD_MAX_CANDIDATES;
		st->cand = 0;
		st->phase = WARD_PH_CAND;
		return;
	}
	if (!st->kinds_obj) { /* no rule of this policy names an object of the domain */
		step_finish(s);
		return;
	}
	st->nsrc = 0;
	if (pk->k.n_source_sets && r->exe_fail) { /* fromSource cannot be told */
		r->fail = WARD_UNDEC_EXE;
		st->phase = WARD_PH_DONE;
		return;
	}
	if (pk->k.n_source_sets && (r->have_exe || r->src_applet)) {
		if (!st->exe_walked) { /* the exe's keys, then the name it runs as */
			s->ks.n = 0;
			if (r->have_exe)
				ward_walk(s, 1);
			if (r->src_applet)
				keys_add(&s->ks, WARD_KEY_APPLET, r->src_applet);
			st->exe_walked = 1;
		}
		st->nsrc = s->ks.n;
	}
	st->key = st->nsrc ? 0 : WARD_NKEYS;
	st->phase = WARD_PH_KEY;
}

static __always_inline void step_key(struct ward_scratch *s)
{
	struct ward_dstate *st = &s->st;
	struct ward_req *r = &s->req;
	struct ward_obj_key key = {};
	struct ward_obj_val *v;
	struct ward_keys *k;
	void *objs;
	__u32 i;

	if (st->key < WARD_NKEYS) {
		if (st->key >= st->nsrc) {
			st->key = WARD_NKEYS;
			return;
		}
		st->source = 1;
		k = &s->ks;
		i = st->key;
		key.domain = WARD_DOM_SOURCE;
	} else {
		i = st->key - WARD_NKEYS;
		if (i >= s->ko.n || i >= WARD_NKEYS) {
			step_finish(s);
			return;
		}
		st->source = 0;
		k = &s->ko;
		key.domain = r->domain;
	}
	i = ward_bound(i, 63);
	if (i >= WARD_NKEYS)
		return;
	key.policy_id = st->id;
	key.kind = k->kind[i];
	key.hash = k->hash[i];
	if (!(((st->source ? st->kinds_src : st->kinds_obj) >> (key.kind & 7)) & 1)) {
		st->key++; /* the policy has no key of this kind */
		return;
	}
	objs = ward_inner(&ward_objects, r->slot);
	v = objs ? bpf_map_lookup_elem(objs, &key) : NULL;
	if (!v) {
		st->key++;
		return;
	}
	st->cand_first = v->cand_first;
	st->cand_n = v->cand_count < WARD_MAX_CANDIDATES ? v->cand_count : WARD_MAX_CANDIDATES;
	st->cand = 0;
	st->glob_key = key.kind == WARD_KEY_GLOB;
	st->phase = WARD_PH_CAND;
}

static __always_inline void step_cand(struct ward_scratch *s)
{
	struct ward_dstate *st = &s->st;
	struct ward_req *r = &s->req;
	__u32 idx = st->cand_first + st->cand, port = r->port;
	struct ward_portset *ps;
	struct ward_glob_kern *g;
	struct ward_cand *cd;
	void *m;

	if (st->cand >= st->cand_n) { /* no candidate of this key holds */
		if (r->netop) {
			step_finish(s);
			return;
		}
		st->key++;
		st->phase = WARD_PH_KEY;
		return;
	}
	m = ward_inner(&ward_cands, r->slot);
	cd = m ? bpf_map_lookup_elem(m, &idx) : NULL;
	if (!cd) {
		step_reject(st);
		return;
	}
	if (r->netop) {
		if (!(cd->mask & r->mask)) {
			step_reject(st);
			return;
		}
		if (cd->aux != WARD_NONE) {
			m = ward_inner(&ward_portsets, r->slot);
			ps = m ? bpf_map_lookup_elem(m, &cd->aux) : NULL;
			if (!ps || !((ps->bits[ward_bound(port >> 6, 1023)] >> (port & 63)) & 1)) {
				step_reject(st);
				return;
			}
		}
		st->best = cd->rule;
		step_finish(s);
		return;
	}
	if (!st->source && !(cd->mask & r->mask)) {
		step_reject(st);
		return;
	}
	if (cd->src_set && !((st->src_mask >> ((cd->src_set - 1) & 31)) & 1)) {
		step_reject(st);
		return;
	}
	if (!st->glob_key) {
		step_accept(st, cd->mask, cd->rule);
		return;
	}
	m = ward_inner(&ward_globs, r->slot);
	g = m ? bpf_map_lookup_elem(m, &cd->aux) : NULL;
	if (!g) {
		step_reject(st);
		return;
	}
	__builtin_memcpy(&st->g, g, sizeof(st->g));
	st->cur_rule = cd->rule;
	st->cur_mask = cd->mask;
	st->gp = st->gi = st->gstar_p = st->gstar_i = 0;
	st->ghave_star = 0;
	st->phase = WARD_PH_GLOB;
}

/* One step of ward_glob_match() (rulesc/match.c) on compiled tokens. */
static __always_inline void step_glob(struct ward_scratch *s)
{
	struct ward_dstate *st = &s->st;
	struct ward_keys *k = st->source ? &s->ks : &s->ko;
	const char *buf = st->source ? s->exe : s->obj;
	__u32 n = st->g.n, tok = 0, c;
	__u8 ch;

	if (st->gp < n && st->gp < WARD_GLOB_MAX - 1)
		tok = st->g.tok[ward_bound(st->gp, 63)]; /* 63: inside g */
	if (st->gi >= k->base_len) { /* the basename is consumed: trailing stars match "" */
		if (st->gp < n && tok == WARD_GT_STAR) {
			st->gp++;
			return;
		}
		if (st->gp >= n)
			step_accept(st, st->cur_mask, st->cur_rule);
		else
			step_reject(st);
		return;
	}
	ch = (__u8)buf[ward_bound(k->base + st->gi, WARD_SCRATCH_PATH - 1)];
	if (st->gp < n) {
		if (tok == WARD_GT_STAR) {
			st->ghave_star = 1;
			st->gstar_p = ++st->gp;
			st->gstar_i = st->gi;
			return;
		}
		if (tok >= WARD_GT_CLASS) {
			c = ward_bound(tok - WARD_GT_CLASS, WARD_GLOB_CLASSES - 1);
			if ((st->g.cls[ward_bound(c * 4 + (ch >> 6), 63)] >> (ch & 63)) & 1) {
				st->gp++;
				st->gi++;
				return;
			}
		} else if (tok == WARD_GT_ANY || tok == ch) {
			st->gp++;
			st->gi++;
			return;
		}
	}
	if (!st->ghave_star) {
		step_reject(st);
		return;
	}
	st->gp = st->gstar_p;
	st->gi = ++st->gstar_i;
}

/* One step of the decision in s->st; 1 when it is complete. */
__weak __noinline int ward_step(struct ward_scratch *s)
{
	if (!s)
		return 1;
	switch (s->st.phase) {
	case WARD_PH_POLICY:
		step_policy(s);
		break;
	case WARD_PH_KEY:
		step_key(s);
		break;
	case WARD_PH_CAND:
		step_cand(s);
		break;
	case WARD_PH_GLOB:
		step_glob(s);
		break;
	default:
		return 1;
	}
	return s->st.phase == WARD_PH_DONE;
}

static int ward_step_cb(__u32 i, void *data)
{
	return ward_step(*(struct ward_scratch **)data) & 1;
}

/*
 * An event that cannot be decided (r->fail: its path could not be had, the
 * acting executable a fromSource rule needs could not, or the steps ran out)
 * is refused by the cgroup's policies that govern its class: blocked when one
 * of them enforces, reported when all audit, allowed when none governs it.
 * Counted as that policy's default and as an undecided drop; the alert says
 * why. A hook that cannot decide never allows what a policy might refuse.
 */
static __always_inline void ward_fail(struct ward_scratch *s)
{
	struct ward_req *r = &s->req;
	struct ward_policy_live *pk;
	__u32 i, id, pick = 0;
	__u8 mode = 0;
	void *pmap;

	count_drop(WARD_DROP_UNDECIDED);
	pmap = ward_inner(&ward_policies, r->slot);
	for (i = 0; i < WARD_MAX_POLICIES_PER_CGROUP && pmap; i++) {
		if (i >= r->pols.count)
			break;
		id = r->pols.ids[i];
		pk = bpf_map_lookup_elem(pmap, &id);
		if (!pk || pk->k.defaults[r->cls & 7] == WARD_ACT_NONE)
			continue;
		if (!pick || (pk->k.mode == WARD_MODE_ENFORCE && mode != WARD_MODE_ENFORCE)) {
			pick = id;
			mode = pk->k.mode;
		}
	}
	r->policy = pick;
	r->rule = WARD_NONE;
	if (!pick) {
		s->st.best_eff = WARD_ACT_ALLOW;
		return;
	}
	r->action = WARD_ACT_BLOCK;
	r->mode = mode;
	s->st.best_eff = ward_effective(WARD_ACT_BLOCK, mode);
	if (!r->nocount)
		ward_count(r, pick, WARD_NONE, WARD_ACT_BLOCK, mode);
}

/*
 * Decide s->req for the policies of its cgroup (ward_targeted()); s->ko holds
 * the object's keys (ward_walk(), or one EXACT number key) and, when
 * req.have_exe, s->exe the acting executable's path. Returns the effective
 * outcome (enum ward_action; ALLOW when nothing governs the event) and fills
 * req's decision. An event that cannot be decided goes to ward_fail().
 */
__weak __noinline int ward_decide(struct ward_scratch *s)
{
	struct ward_scratch *ctx = s;
	struct ward_req *r;

	if (!s)
		return WARD_ACT_ALLOW;
	r = &s->req;
	r->policy = 0;
	r->rule = WARD_NONE;
	r->action = WARD_ACT_ALLOW;
	r->mode = 0;
	__builtin_memset(&s->st, 0, offsetof(struct ward_dstate, g));
	s->st.best_eff = WARD_ACT_ALLOW;
	if (!r->fail) {
		bpf_loop(WARD_DECIDE_STEPS, ward_step_cb, &ctx, 0);
		if (s->st.phase != WARD_PH_DONE)
			r->fail = WARD_UNDEC_STEPS;
	}
	if (r->fail)
		ward_fail(s);
	r->effective = s->st.best_eff;
	return r->effective;
}

/* ---- alerts -------------------------------------------------------------------------------- */

/* Emit the alert of a non-allow decision; level is what was done about it. */
static __always_inline void ward_alert(struct ward_scratch *s, __u8 level, bool task_info)
{
	const struct ward_req *r = &s->req;
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
	a->undecided = r->fail;
	a->applet[0] = '\0';
	if (r->flags & WARD_ALERT_APPLET)
		bpf_probe_read_kernel_str(a->applet, sizeof(a->applet), s->applet);
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
