// SPDX-License-Identifier: Apache-2.0
/*
 * YAML tree -> checked model. Every error points at the offending node. Load
 * order: the given paths in order, directories recursively in byte order of
 * their entry names, documents in file order. Lists and macros are resolved
 * first, so a policy may use a list defined in a later file.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>

#include "model.h"
#include "rulesc.h"
#include "rulesc/vocab.h"

#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))
#define RC_NAME_MAX    63
#define RC_API_VERSION "ward.dev/v1"

struct rc_block {
	struct rc_block *next;
	size_t used, size;
	max_align_t data[];
};

void *rc_alloc(struct rc_set *s, size_t size)
{
	struct rc_block *b = s->arena;
	size_t need = (size + 15) & ~(size_t)15;
	void *p;

	if (!b || b->size - b->used < need) {
		size_t bsize = need > 65536 ? need : 65536;

		b = calloc(1, sizeof(*b) + bsize);
		if (!b)
			return NULL;
		b->size = bsize;
		b->next = s->arena;
		s->arena = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	return p;
}

char *rc_strdup(struct rc_set *s, const char *str)
{
	size_t n = strlen(str) + 1;
	char *p = rc_alloc(s, n);

	if (p)
		memcpy(p, str, n);
	return p;
}

struct rc_list {
	char *name;
	char **items;
	size_t n;
	struct rc_loc loc;
};

struct rc_macro {
	char *name;
	const struct ysrc *src;
	const struct ynode *spec;
	bool bad;
	struct rc_loc loc;
};

struct pctx {
	struct rc_set *s;
	struct rc_diags *d;
	const struct ysrc *src;
	int oom;
	bool quiet; /* re-parsing a macro: its errors were reported where it is defined */
};

static void perr(struct pctx *c, const struct ynode *n, const char *code, const char *hint,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void perr(struct pctx *c, const struct ynode *n, const char *code, const char *hint,
		 const char *fmt, ...)
{
	struct rc_loc loc = ynode_loc(c->src, n);
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	rc_vdiag(c->d, RC_ERROR, code, &loc, hint, fmt, ap);
	va_end(ap);
}

#define NOMEM(c, p) ((p) ? false : ((c)->oom = -ENOMEM, true))

/* ---- typed getters --------------------------------------------------------- */

static void hint_list(char *buf, size_t size, const char *word, const char *const *names, size_t n)
{
	const char *best = word ? rc_suggest(word, names, n) : NULL;
	size_t o = 0;

	if (best)
		o = (size_t)snprintf(buf, size, "did you mean '%s'? ", best);
	o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "valid: ");
	for (size_t i = 0; i < n; i++) {
		if (!names[i][0])
			continue;
		o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%s%s", names[i],
				      i + 1 < n ? ", " : "");
	}
}

static bool want(struct pctx *c, const struct ynode *n, enum yn_type t, const char *what)
{
	static const char *const tn[] = { "a value", "a list", "a mapping" };
	static const char *const hints[] = { "write a single value, e.g. 'name: foo'",
					     "write a list, e.g. [a, b] or one '- item' per line",
					     "write a mapping of 'key: value' lines" };

	if (n->type == t)
		return true;
	perr(c, n, "wrong-type", hints[t], "%s must be %s, not %s", what, tn[t],
	     ynode_type_name(n));
	return false;
}

/* Reports unknown keys; true when all keys are known. */
static bool check_keys(struct pctx *c, const struct ynode *map, const char *const *keys, size_t n,
		       const char *what)
{
	bool ok = true;

	for (size_t i = 0; i < map->n; i += 2) {
		const struct ynode *k = map->kids[i];
		size_t j;
		char hint[512];

		for (j = 0; j < n && strcmp(k->str, keys[j]); j++)
			;
		if (j < n)
			continue;
		hint_list(hint, sizeof(hint), k->str, keys, n);
		perr(c, k, "unknown-key", hint, "unknown key '%s' in %s", k->str, what);
		ok = false;
	}
	return ok;
}

static bool require(struct pctx *c, const struct ynode *map, const char *key, const char *what)
{
	char hint[128];

	if (ynode_get(map, key))
		return true;
	snprintf(hint, sizeof(hint), "add '%s:'", key);
	perr(c, map, "missing-key", hint, "%s needs '%s'", what, key);
	return false;
}

static const char *get_str(struct pctx *c, const struct ynode *n, const char *what)
{
	if (!want(c, n, YN_SCALAR, what))
		return NULL;
	if (n->plain && (n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0)) {
		perr(c, n, "wrong-type", "give a value or remove the key", "%s is empty", what);
		return NULL;
	}
	return n->str;
}

static int get_enum(struct pctx *c, const struct ynode *n, const char *const *names, size_t cnt,
		    const char *what)
{
	const char *v = get_str(c, n, what);
	char hint[256];
	int i;

	if (!v)
		return -1;
	i = rc_vocab_find(names, cnt, v);
	if (i >= 0)
		return i;
	hint_list(hint, sizeof(hint), v, names, cnt);
	perr(c, n, "bad-value", hint, "'%s' is not a valid %s", v, what);
	return -1;
}

static int get_bool(struct pctx *c, const struct ynode *n, const char *what)
{
	if (!want(c, n, YN_SCALAR, what))
		return -1;
	if (n->plain && strcmp(n->str, "true") == 0)
		return 1;
	if (n->plain && strcmp(n->str, "false") == 0)
		return 0;
	perr(c, n, "wrong-type", "write true or false (unquoted)",
	     "%s must be true or false, not '%s'", what, n->str);
	return -1;
}

static bool get_u64(struct pctx *c, const struct ynode *n, const char *what, uint64_t *ret)
{
	char *end;

	if (!want(c, n, YN_SCALAR, what))
		return false;
	errno = 0;
	*ret = strtoull(n->str, &end, 10);
	if (!n->plain || !n->len || *end || errno || n->str[0] == '-' || n->str[0] == '+') {
		perr(c, n, "wrong-type", "write a non-negative integer",
		     "%s must be a number, not '%s'", what, n->str);
		return false;
	}
	return true;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > RC_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');

		if (!alnum && !((ch == '-' || ch == '.' || ch == '_') && i > 0 && i + 1 < n))
			return false;
	}
	return true;
}

static char *get_name(struct pctx *c, const struct ynode *n, const char *what)
{
	const char *v = get_str(c, n, what);
	char *r;

	if (!v)
		return NULL;
	if (!valid_name(v)) {
		perr(c, n, "bad-name",
		     "names are 1-63 characters of a-z, 0-9, '-', '.', '_', starting and ending "
		     "with a letter or digit",
		     "invalid %s '%s'", what, v);
		return NULL;
	}
	r = rc_strdup(c->s, v);
	NOMEM(c, r);
	return r;
}

static struct rc_list *find_list(struct rc_set *s, const char *name)
{
	for (size_t i = 0; i < s->n_lists; i++)
		if (strcmp(s->lists[i].name, name) == 0)
			return &s->lists[i];
	return NULL;
}

static struct rc_macro *find_macro(struct rc_set *s, const char *name)
{
	for (size_t i = 0; i < s->n_macros; i++)
		if (strcmp(s->macros[i].name, name) == 0)
			return &s->macros[i];
	return NULL;
}

/* Expands a list of scalars with "@list" references into an arena array of
 * (string, node) pairs. Returns the count or -1 after an error. */
struct item {
	const char *str;
	const struct ynode *node;
};

static ssize_t get_items(struct pctx *c, const struct ynode *n, const char *what, struct item **ret)
{
	size_t count = 0, o = 0;
	struct item *v;
	bool ok = true;

	if (!want(c, n, YN_SEQ, what))
		return -1;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->kids[i];
		struct rc_list *l;

		if (!get_str(c, k, what)) {
			ok = false;
			continue;
		}
		if (k->str[0] != '@') {
			count++;
			continue;
		}
		l = find_list(c->s, k->str + 1);
		if (!l) {
			const char *names[64];
			size_t nn = 0;
			char hint[256];

			for (size_t j = 0; j < c->s->n_lists && nn < ARRAY_SIZE(names); j++)
				names[nn++] = c->s->lists[j].name;
			const char *best = rc_suggest(k->str + 1, names, nn);

			if (best)
				snprintf(hint, sizeof(hint), "did you mean '@%s'?", best);
			else
				snprintf(hint, sizeof(hint),
					 "define it in a document with kind: List and "
					 "metadata.name: %s",
					 k->str + 1);
			perr(c, k, "unknown-list", hint, "unknown list '%s'", k->str);
			ok = false;
			continue;
		}
		count += l->n;
	}
	if (!ok)
		return -1;
	if (count == 0) {
		perr(c, n, "empty-list", "give at least one item or remove the key", "%s is empty",
		     what);
		return -1;
	}
	v = rc_alloc(c->s, count * sizeof(*v));
	if (NOMEM(c, v))
		return -1;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->kids[i];

		if (k->str[0] != '@') {
			v[o++] = (struct item){ k->str, k };
			continue;
		}
		struct rc_list *l = find_list(c->s, k->str + 1);

		for (size_t j = 0; j < l->n; j++)
			v[o++] = (struct item){ l->items[j], k };
	}
	*ret = v;
	return (ssize_t)count;
}

/* ---- resources ------------------------------------------------------------- */

/* kind_hint: 0 = file/exec path (exact or glob), DIR_REC/DIR_DIRECT = a dir,
 * -1 = fromSource (trailing '/' means a recursive dir). */
static int add_path(struct pctx *c, const struct item *it, int how, struct rc_pathobj *ret)
{
	const char *why = NULL;
	bool dir = how > 0 || (how < 0 && it->str[strlen(it->str) - 1] == '/');
	char *norm = NULL, *slash;
	int r;

	r = rc_path_normalize(it->str, dir, &norm, &why);
	if (r == -ENOMEM)
		return c->oom = r;
	if (r < 0) {
		perr(c, it->node, r == -ENAMETOOLONG ? "kernel-limit" : "bad-path", why,
		     "invalid path '%s'", it->str);
		return r;
	}
	memset(ret, 0, sizeof(*ret));
	ret->text = rc_strdup(c->s, it->str);
	ret->loc = ynode_loc(c->src, it->node);
	if (dir) {
		ret->kind = how == WARD_KEY_DIR_DIRECT ? WARD_KEY_DIR_DIRECT : WARD_KEY_DIR_REC;
		if (rc_has_glob(norm)) {
			perr(c, it->node, "bad-path",
			     "wildcards may only appear in the last component of a "
			     "file path, not in directories",
			     "invalid directory '%s'", it->str);
			free(norm);
			return -EINVAL;
		}
		ret->path = rc_strdup(c->s, norm);
		free(norm);
		return NOMEM(c, ret->path) || NOMEM(c, ret->text) ? c->oom : 0;
	}
	slash = strrchr(norm, '/');
	*slash = '\0';
	if (rc_has_glob(norm)) {
		perr(c, it->node, "bad-path",
		     "wildcards may only appear in the last component, e.g. /usr/bin/python*",
		     "invalid path '%s'", it->str);
		free(norm);
		return -EINVAL;
	}
	*slash = '/';
	if (rc_has_glob(slash + 1)) {
		r = rc_glob_check(slash + 1, &why);
		if (r < 0) {
			perr(c, it->node, r == -ENAMETOOLONG ? "kernel-limit" : "bad-glob", why,
			     "invalid glob '%s'", slash + 1);
			free(norm);
			return r;
		}
		ret->kind = WARD_KEY_GLOB;
		ret->glob = rc_strdup(c->s, slash + 1);
		slash[1] = '\0';
	} else {
		ret->kind = WARD_KEY_EXACT;
	}
	ret->path = rc_strdup(c->s, norm);
	free(norm);
	if (NOMEM(c, ret->path) || NOMEM(c, ret->text) ||
	    (ret->kind == WARD_KEY_GLOB && NOMEM(c, ret->glob)))
		return c->oom;
	return 0;
}

static bool get_paths(struct pctx *c, const struct ynode *n, int how, const char *what,
		      struct rc_paths *out)
{
	struct item *items;
	ssize_t cnt = get_items(c, n, what, &items);
	size_t base = out->n;
	struct rc_pathobj *v;
	bool ok = true;

	if (cnt < 0)
		return false;
	v = rc_alloc(c->s, (base + (size_t)cnt) * sizeof(*v));
	if (NOMEM(c, v))
		return false;
	if (base)
		memcpy(v, out->v, base * sizeof(*v));
	for (ssize_t i = 0; i < cnt; i++)
		if (add_path(c, &items[i], how, &v[base + (size_t)i]) < 0)
			ok = false;
	out->v = v;
	out->n = base + (size_t)cnt;
	return ok;
}

static const char *const exec_keys[] = { "paths", "dirs", "recursive", "fromSource", "stdio" };
static const char *const file_keys[] = { "paths",  "dirs",     "names",	    "recursive",
					 "access", "readOnly", "fromSource" };
static const char *const net_keys[] = { "connect", "bind", "sockets" };
static const char *const netm_keys[] = { "cidrs", "ports", "protocols", "unix" };
static const char *const names_keys[] = { "names" };

/* A file rule's names: a basename, matched in whatever directory. */
static bool get_names(struct pctx *c, const struct ynode *n, struct rc_paths *out)
{
	struct item *items;
	ssize_t cnt = get_items(c, n, "names", &items);
	struct rc_pathobj *v;
	bool ok = true;

	if (cnt < 0)
		return false;
	v = rc_alloc(c->s, (out->n + (size_t)cnt) * sizeof(*v));
	if (NOMEM(c, v))
		return false;
	if (out->n)
		memcpy(v, out->v, out->n * sizeof(*v));
	for (ssize_t i = 0; i < cnt; i++) {
		const char *s = items[i].str;
		struct rc_pathobj *o = &v[out->n + (size_t)i];

		memset(o, 0, sizeof(*o));
		if (!*s || strchr(s, '/') || !strcmp(s, ".") || !strcmp(s, "..") ||
		    rc_has_glob(s) || strlen(s) > NAME_MAX) {
			perr(c, items[i].node, "bad-name",
			     "a file name without '/' or wildcards, at most 255 bytes "
			     "(release_agent); for a pattern in one directory use paths",
			     "invalid file name '%s'", s);
			ok = false;
			continue;
		}
		o->kind = WARD_KEY_NAME;
		o->path = rc_strdup(c->s, s);
		o->text = o->path;
		o->loc = ynode_loc(c->src, items[i].node);
		if (NOMEM(c, o->path))
			return false;
	}
	out->v = v;
	out->n += (size_t)cnt;
	return ok;
}

/* Shared by exec and file blocks. */
static bool parse_pathset(struct pctx *c, const struct ynode *n, struct rc_rule *r,
			  const char *what)
{
	const struct ynode *paths = ynode_get(n, "paths"), *dirs = ynode_get(n, "dirs");
	const struct ynode *rec = ynode_get(n, "recursive"), *src = ynode_get(n, "fromSource");
	const struct ynode *names = ynode_get(n, "names");
	int recursive = 1;
	bool ok = true;

	if (!paths && !dirs && !names) {
		perr(c, n, "missing-key",
		     strcmp(what, "file") ? "add 'paths:' (files) or 'dirs:' (directories)"
					  : "add 'paths:' (files), 'dirs:' (directories) or "
					    "'names:' (file names in any directory)",
		     "%s block names no paths or dirs", what);
		return false;
	}
	if (rec) {
		recursive = get_bool(c, rec, "recursive");
		if (recursive < 0)
			return false;
		if (!dirs) {
			perr(c, rec, "useless-key", "remove it, or add 'dirs:'",
			     "'recursive' only applies to dirs");
			return false;
		}
	}
	if (paths && !get_paths(c, paths, 0, "paths", &r->objs))
		ok = false;
	if (dirs && !get_paths(c, dirs, recursive ? WARD_KEY_DIR_REC : WARD_KEY_DIR_DIRECT, "dirs",
			       &r->objs))
		ok = false;
	if (names && !get_names(c, names, &r->objs))
		ok = false;
	if (src && !get_paths(c, src, -1, "fromSource", &r->sources))
		ok = false;
	return ok;
}

static bool parse_exec(struct pctx *c, const struct ynode *n, struct rc_rule *r)
{
	const struct ynode *stdio = ynode_get(n, "stdio");
	const char *v;

	if (!want(c, n, YN_MAP, "exec") ||
	    !check_keys(c, n, exec_keys, ARRAY_SIZE(exec_keys), "exec"))
		return false;
	r->access = WARD_EXEC_ANY;
	if (stdio) {
		v = get_str(c, stdio, "stdio");
		if (!v)
			return false;
		if (strcmp(v, "socket") && strcmp(v, "terminal")) {
			perr(c, stdio, "bad-value", "write 'socket' or 'terminal'",
			     "unknown stdio condition '%s'", v);
			return false;
		}
		/* only a program given a socket, or run in an interactive session */
		r->access = strcmp(v, "socket") ? WARD_EXEC_TERMINAL : WARD_EXEC_STDIO_SOCKET;
	}
	return parse_pathset(c, n, r, "exec");
}

static bool parse_file(struct pctx *c, const struct ynode *n, struct rc_rule *r)
{
	const struct ynode *acc, *ro;
	bool ok;

	if (!want(c, n, YN_MAP, "file") ||
	    !check_keys(c, n, file_keys, ARRAY_SIZE(file_keys), "file"))
		return false;
	ok = parse_pathset(c, n, r, "file");
	acc = ynode_get(n, "access");
	ro = ynode_get(n, "readOnly");
	if (!!acc == !!ro) {
		perr(c, n, "missing-key",
		     "say which accesses the rule covers: 'access: [write, unlink]', or "
		     "'readOnly: true' for every modification",
		     acc ? "give either 'access' or 'readOnly', not both"
			 : "file block needs 'access' or 'readOnly'");
		return false;
	}
	if (ro) {
		int v = get_bool(c, ro, "readOnly");

		if (v == 0)
			perr(c, ro, "bad-value", "remove it and list the accesses under 'access:'",
			     "'readOnly: false' means nothing");
		if (v != 1)
			return false;
		r->access = WARD_ACC_WRITE | WARD_ACC_CREATE | WARD_ACC_UNLINK | WARD_ACC_RENAME |
			    WARD_ACC_CHMOD | WARD_ACC_CHOWN;
		return ok;
	}
	if (!want(c, acc, YN_SEQ, "access"))
		return false;
	if (acc->n == 0) {
		perr(c, acc, "empty-list",
		     "list read, write, create, unlink, rename, chmod, chown "
		     "or exec",
		     "access is empty");
		return false;
	}
	for (size_t i = 0; i < acc->n; i++) {
		int a = get_enum(c, acc->kids[i], rc_access_names, ARRAY_SIZE(rc_access_names),
				 "access kind");

		if (a < 0)
			ok = false;
		else
			r->access |= 1u << a;
	}
	return ok;
}

/* Element parsers for parse_typed_list(): 0 or -EINVAL with a reason. */
typedef int (*elem_parse_fn)(const char *s, void *ret, const char **ret_why);

static int parse_cidr(const char *s, void *ret, const char **ret_why)
{
	return rc_cidr_parse(s, ret, ret_why);
}

static int parse_port_range(const char *s, void *ret, const char **ret_why)
{
	return rc_port_range_parse(s, ret, ret_why);
}

/* A list of strings each parsed into an element of elem_size bytes: every bad
 * element is reported (and clears *ok); false only when nothing can go on. */
static bool parse_typed_list(struct pctx *c, const struct ynode *n, const char *key,
			     const char *code, const char *what, size_t elem_size,
			     elem_parse_fn parse, void **ret_v, size_t *ret_n, bool *ok)
{
	struct item *items;
	ssize_t cnt;
	char *v;

	cnt = get_items(c, n, key, &items);
	if (cnt < 0)
		return false;
	v = rc_alloc(c->s, (size_t)cnt * elem_size);
	if (NOMEM(c, v))
		return false;
	*ret_v = v;
	for (ssize_t i = 0; i < cnt; i++) {
		const char *why;

		if (parse(items[i].str, v + *ret_n * elem_size, &why) < 0) {
			perr(c, items[i].node, code, why, "invalid %s '%s'", what, items[i].str);
			*ok = false;
			continue;
		}
		(*ret_n)++;
	}
	return true;
}

static bool parse_netm(struct pctx *c, const struct ynode *n, struct rc_netm *m, bool bind)
{
	const struct ynode *cidrs = ynode_get(n, "cidrs"), *ports = ynode_get(n, "ports");
	const struct ynode *protos = ynode_get(n, "protocols"), *ux = ynode_get(n, "unix");
	const char *what = bind ? "bind" : "connect";
	struct item *items;
	ssize_t cnt;
	bool ok = true;

	if (!want(c, n, YN_MAP, what) || !check_keys(c, n, netm_keys, ARRAY_SIZE(netm_keys), what))
		return false;
	m->present = true;
	m->loc = ynode_loc(c->src, n);
	if (ux) {
		if (cidrs || ports || protos) {
			perr(c, n, "conflicting-keys",
			     "write a separate rule for unix sockets and for addresses",
			     "'unix' cannot be combined with cidrs, ports or protocols");
			return false;
		}
		return get_paths(c, ux, 0, "unix", &m->unix_paths);
	}
	if (!cidrs && !ports && !protos) {
		perr(c, n, "missing-key", "add cidrs:, ports:, protocols: or unix:",
		     "%s block matches nothing specific; say what it matches", what);
		return false;
	}
	if (cidrs && !parse_typed_list(c, cidrs, "cidrs", "bad-cidr", "CIDR", sizeof(*m->cidrs),
				       parse_cidr, (void **)&m->cidrs, &m->n_cidrs, &ok))
		return false;
	if (ports && !parse_typed_list(c, ports, "ports", "bad-port", "port", sizeof(*m->ports),
				       parse_port_range, (void **)&m->ports, &m->n_ports, &ok))
		return false;
	m->protos = WARD_PROTO_ALL;
	if (protos) {
		cnt = get_items(c, protos, "protocols", &items);
		if (cnt < 0)
			return false;
		m->protos = 0;
		for (ssize_t i = 0; i < cnt; i++) {
			int p = get_enum(c, items[i].node, rc_proto_names,
					 ARRAY_SIZE(rc_proto_names), "protocol");

			if (p < 0 || strcmp(items[i].str, items[i].node->str)) {
				if (p >= 0)
					perr(c, items[i].node, "bad-value", "valid: tcp, udp",
					     "'%s' is not a valid protocol", items[i].str);
				ok = false;
				continue;
			}
			m->protos |= 1u << p;
		}
	}
	return ok;
}

static bool parse_network(struct pctx *c, const struct ynode *n, struct rc_rule *r)
{
	const struct ynode *con, *bnd, *socks;
	bool ok = true;

	if (!want(c, n, YN_MAP, "network") ||
	    !check_keys(c, n, net_keys, ARRAY_SIZE(net_keys), "network"))
		return false;
	con = ynode_get(n, "connect");
	bnd = ynode_get(n, "bind");
	socks = ynode_get(n, "sockets");
	if (!con && !bnd && !socks) {
		perr(c, n, "missing-key",
		     "add connect:, bind: or sockets:", "network block matches nothing");
		return false;
	}
	if (con && !parse_netm(c, con, &r->connect, false))
		ok = false;
	if (bnd && !parse_netm(c, bnd, &r->bind, true))
		ok = false;
	if (socks) {
		if (!want(c, socks, YN_SEQ, "sockets"))
			return false;
		if (socks->n == 0) {
			perr(c, socks, "empty-list", "list raw and/or packet", "sockets is empty");
			return false;
		}
		for (size_t i = 0; i < socks->n; i++) {
			int k = get_enum(c, socks->kids[i], rc_sock_names,
					 ARRAY_SIZE(rc_sock_names), "socket kind");

			if (k < 0)
				ok = false;
			else
				r->sockets |= 1u << k;
		}
	}
	return ok;
}

int rc_cap_lookup(const char *name, uint32_t *ret)
{
	char buf[64];
	cap_value_t v;
	size_t i, o = 0;

	if (strncasecmp(name, "cap_", 4) != 0)
		o = (size_t)snprintf(buf, sizeof(buf), "cap_");
	for (i = 0; name[i] && o + 1 < sizeof(buf); i++)
		buf[o++] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
	buf[o] = '\0';
	if (name[i] || cap_from_name(buf, &v) < 0 || v < 0)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

int rc_syscall_lookup(const char *name, uint32_t *ret)
{
	int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name);

	if (nr < 0)
		return -EINVAL;
	*ret = (uint32_t)nr;
	return 0;
}

static bool parse_names(struct pctx *c, const struct ynode *n, struct rc_rule *r, bool cap)
{
	const char *what = cap ? "capabilities" : "syscalls";
	const struct ynode *names;
	struct item *items;
	ssize_t cnt;
	bool ok = true;

	if (!want(c, n, YN_MAP, what) ||
	    !check_keys(c, n, names_keys, ARRAY_SIZE(names_keys), what) ||
	    !require(c, n, "names", what))
		return false;
	names = ynode_get(n, "names");
	cnt = get_items(c, names, "names", &items);
	if (cnt < 0)
		return false;
	r->nums = rc_alloc(c->s, (size_t)cnt * sizeof(*r->nums));
	r->num_names = rc_alloc(c->s, (size_t)cnt * sizeof(*r->num_names));
	if (NOMEM(c, r->nums) || NOMEM(c, r->num_names))
		return false;
	for (ssize_t i = 0; i < cnt; i++) {
		uint32_t v;
		int e = cap ? rc_cap_lookup(items[i].str, &v) : rc_syscall_lookup(items[i].str, &v);

		if (e < 0) {
			perr(c, items[i].node, cap ? "unknown-capability" : "unknown-syscall",
			     cap ? "capability names come from capabilities(7), e.g. CAP_SYS_ADMIN "
				   "or sys_admin"
				 : "syscall names are x86_64 names from libseccomp, e.g. ptrace, "
				   "init_module",
			     "unknown %s '%s'", cap ? "capability" : "syscall", items[i].str);
			ok = false;
			continue;
		}
		r->nums[r->n_nums] = v;
		r->num_names[r->n_nums++] = rc_strdup(c->s, items[i].str);
	}
	return ok;
}

/* Parse the one resource block of n (a rule or a macro spec). */
static bool parse_resource(struct pctx *c, const struct ynode *n, const char *key,
			   const struct ynode *v, struct rc_rule *r)
{
	int i = rc_vocab_find(rc_class_names, ARRAY_SIZE(rc_class_names), key);

	if (i < 0) {
		perr(c, n, "internal", NULL, "unknown resource '%s'", key);
		return false;
	}
	r->cls = (enum ward_class)i;
	switch (i) {
	case WARD_CLS_EXEC:
		return parse_exec(c, v, r);
	case WARD_CLS_FILE:
		return parse_file(c, v, r);
	case WARD_CLS_NET:
		return parse_network(c, v, r);
	default:
		return parse_names(c, v, r, i == WARD_CLS_CAP);
	}
}

/* Finds the single resource key of a map; NULL after an error. */
static const char *one_resource(struct pctx *c, const struct ynode *n, const char *what,
				bool allow_use, const struct ynode **ret_val)
{
	const char *found = NULL;

	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *k = n->kids[i]->str;

		if (!(allow_use && strcmp(k, "use") == 0) &&
		    rc_vocab_find(rc_class_names, ARRAY_SIZE(rc_class_names), k) < 0)
			continue;
		if (found) {
			perr(c, n->kids[i], "conflicting-keys",
			     "one rule covers one resource; split it into two rules",
			     "%s has both '%s' and '%s'", what, found, k);
			return NULL;
		}
		found = k;
		*ret_val = n->kids[i + 1];
	}
	if (!found)
		perr(c, n, "missing-key",
		     allow_use ? "add one of exec:, file:, network:, capabilities:, syscalls: or "
				 "use: MACRO"
			       : "add one of exec:, file:, network:, capabilities:, syscalls:",
		     "%s names no resource", what);
	return found;
}

static const char *const placeholders[] = {
	"process.exe",	   "process.pid",  "process.uid", "process.parent_exe", "container.name",
	"container.image", "container.id", "object",	  "rule.name",		"policy.name"
};

static bool check_message(struct pctx *c, const struct ynode *n)
{
	for (const char *p = strchr(n->str, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		size_t i;
		char word[64], hint[512];

		if (!e || (size_t)(e - p - 1) >= sizeof(word)) {
			perr(c, n, "bad-message",
			     "write {container.name}; a literal brace is not allowed",
			     "unterminated placeholder in message");
			return false;
		}
		memcpy(word, p + 1, (size_t)(e - p - 1));
		word[e - p - 1] = '\0';
		for (i = 0; i < ARRAY_SIZE(placeholders) && strcmp(word, placeholders[i]); i++)
			;
		if (i == ARRAY_SIZE(placeholders)) {
			hint_list(hint, sizeof(hint), word, placeholders, ARRAY_SIZE(placeholders));
			perr(c, n, "bad-message", hint, "unknown placeholder '{%s}'", word);
			return false;
		}
	}
	return true;
}

static char *origin(struct pctx *c, const struct ynode *n)
{
	char *s = NULL, *r;

	if (asprintf(&s, "%s:%u", c->src->path, n->line) < 0) {
		c->oom = -ENOMEM;
		return NULL;
	}
	r = rc_strdup(c->s, s);
	free(s);
	NOMEM(c, r);
	return r;
}

static const char *const rule_keys[] = { "name",    "description",  "exec",	"file",
					 "network", "capabilities", "syscalls", "use",
					 "action",  "mode",	    "severity", "tags",
					 "message" };

static bool parse_rule(struct pctx *c, const struct ynode *n, const struct rc_policy *p,
		       struct rc_rule *r)
{
	const struct ynode *v, *res;
	const char *key;
	bool ok;
	int e;

	memset(r, 0, sizeof(*r));
	if (!want(c, n, YN_MAP, "a rule"))
		return false;
	ok = check_keys(c, n, rule_keys, ARRAY_SIZE(rule_keys), "rule");
	r->loc = ynode_loc(c->src, n);
	r->origin = origin(c, n);
	if (require(c, n, "name", "rule"))
		r->name = get_name(c, ynode_get(n, "name"), "rule name");
	if (!r->name)
		ok = false;
	key = one_resource(c, n, "rule", true, &res);
	if (!key) {
		ok = false;
	} else if (strcmp(key, "use") == 0) {
		const char *mname = get_str(c, res, "use");
		struct rc_macro *m = mname ? find_macro(c->s, mname) : NULL;
		const struct ynode *mres;

		if (mname && !m)
			perr(c, res, "unknown-macro",
			     "define it in a document with kind: Macro and metadata.name: <name>",
			     "unknown macro '%s'", mname);
		if (!m || m->bad) {
			ok = false;
		} else {
			struct pctx mc = { .s = c->s, .d = c->d, .src = m->src, .quiet = true };

			key = one_resource(&mc, m->spec, "macro", false, &mres);
			ok = parse_resource(&mc, m->spec, key, mres, r) && ok;
			if (mc.oom)
				c->oom = mc.oom;
		}
	} else {
		ok = parse_resource(c, n, key, res, r) && ok;
	}
	if (!require(c, n, "action", "rule") || !ok)
		return false;
	e = get_enum(c, ynode_get(n, "action"), rc_action_names, ARRAY_SIZE(rc_action_names),
		     "action");
	if (e <= 0) {
		if (e == 0)
			perr(c, ynode_get(n, "action"), "bad-value", "valid: allow, alert, block",
			     "'none' is not a valid action");
		return false;
	}
	r->action = (uint8_t)e;
	if (r->cls == WARD_CLS_SYSCALL && r->action == WARD_ACT_BLOCK) {
		perr(c, ynode_get(n, "action"), "syscall-block",
		     "syscall rules can only alert (or allow); block the resource instead, e.g. "
		     "with "
		     "capabilities: {names: [CAP_SYS_ADMIN]}",
		     "syscalls cannot be blocked");
		return false;
	}
	if (p->defaults[r->cls] == WARD_ACT_NONE && !p->defaults_bad) {
		char hint[96];

		snprintf(hint, sizeof(hint), "add '%s: allow|alert|block' under spec.defaults",
			 rc_class_names[r->cls]);
		perr(c, n, "no-default", hint,
		     "rule '%s' covers %s but the policy states no default for %s", r->name,
		     rc_class_names[r->cls], rc_class_names[r->cls]);
		ok = false;
	}
	r->mode = p->mode;
	if ((v = ynode_get(n, "mode"))) {
		e = get_enum(c, v, rc_mode_names, ARRAY_SIZE(rc_mode_names), "mode");
		if (e < 0)
			return false;
		r->mode = (uint8_t)e;
	}
	r->severity = WARD_SEV_MEDIUM;
	if ((v = ynode_get(n, "severity"))) {
		e = get_enum(c, v, rc_severity_names, ARRAY_SIZE(rc_severity_names), "severity");
		if (e < 0)
			return false;
		r->severity = (uint8_t)e;
	}
	if ((v = ynode_get(n, "tags"))) {
		struct item *items;
		ssize_t cnt = get_items(c, v, "tags", &items);

		if (cnt < 0)
			return false;
		r->tags = rc_alloc(c->s, (size_t)cnt * sizeof(*r->tags));
		if (NOMEM(c, r->tags))
			return false;
		for (ssize_t i = 0; i < cnt; i++)
			if (NOMEM(c, (r->tags[r->n_tags++] = rc_strdup(c->s, items[i].str))))
				return false;
	}
	if ((v = ynode_get(n, "message"))) {
		if (!get_str(c, v, "message") || !check_message(c, v))
			return false;
		r->message = rc_strdup(c->s, v->str);
		if (NOMEM(c, r->message))
			return false;
	}
	if ((v = ynode_get(n, "description")) && !get_str(c, v, "description"))
		return false;
	return ok;
}

/* ---- selectors, policies, profiles ----------------------------------------- */

static const char *const sel_keys[] = { "host", "containers", "images", "labels" };

/* A list of strings; selector globs follow fnmatch(3), which accepts any text. */
static bool get_strv(struct pctx *c, const struct ynode *n, const char *what, char ***ret,
		     size_t *ret_n)
{
	struct item *items;
	ssize_t cnt = get_items(c, n, what, &items);
	char **v;

	if (cnt < 0)
		return false;
	v = rc_alloc(c->s, (size_t)cnt * sizeof(*v));
	if (NOMEM(c, v))
		return false;
	for (ssize_t i = 0; i < cnt; i++) {
		v[i] = rc_strdup(c->s, items[i].str);
		if (NOMEM(c, v[i]))
			return false;
	}
	*ret = v;
	*ret_n = (size_t)cnt;
	return true;
}

static bool parse_labels(struct pctx *c, const struct ynode *n, struct rc_label **ret,
			 size_t *ret_n)
{
	struct rc_label *v;

	if (!want(c, n, YN_MAP, "labels"))
		return false;
	if (n->n == 0) {
		perr(c, n, "empty-list", "give at least one 'key: value' or remove labels",
		     "labels is empty");
		return false;
	}
	v = rc_alloc(c->s, n->n / 2 * sizeof(*v));
	if (NOMEM(c, v))
		return false;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *val = get_str(c, n->kids[i + 1], "label value");

		if (!val)
			return false;
		v[i / 2].key = rc_strdup(c->s, n->kids[i]->str);
		v[i / 2].value = rc_strdup(c->s, val);
		if (NOMEM(c, v[i / 2].key) || NOMEM(c, v[i / 2].value))
			return false;
	}
	*ret = v;
	*ret_n = n->n / 2;
	return true;
}

static bool parse_selector(struct pctx *c, const struct ynode *n, struct rc_selector *sel)
{
	const struct ynode *host, *v;

	if (!want(c, n, YN_MAP, "selector") ||
	    !check_keys(c, n, sel_keys, ARRAY_SIZE(sel_keys), "selector"))
		return false;
	sel->loc = ynode_loc(c->src, n);
	if (n->n == 0) {
		perr(c, n, "empty-selector",
		     "select with containers: ['*'] for every container or host: true for the host",
		     "selector is empty");
		return false;
	}
	if ((host = ynode_get(n, "host"))) {
		int h = get_bool(c, host, "host");

		if (h < 0)
			return false;
		if (h == 0) {
			perr(c, host, "bad-value",
			     "remove 'host: false'; containers are selected by "
			     "containers:, images: or labels:",
			     "'host: false' selects nothing by itself");
			return false;
		}
		if (n->n > 2) {
			perr(c, host, "conflicting-keys",
			     "write one policy for the host and another for containers",
			     "'host: true' cannot be combined with container criteria");
			return false;
		}
		sel->host = true;
		return true;
	}
	if ((v = ynode_get(n, "containers")) &&
	    !get_strv(c, v, "containers", &sel->containers, &sel->n_containers))
		return false;
	if ((v = ynode_get(n, "images")) && !get_strv(c, v, "images", &sel->images, &sel->n_images))
		return false;
	if ((v = ynode_get(n, "labels")) && !parse_labels(c, v, &sel->labels, &sel->n_labels))
		return false;
	return true;
}

static bool parse_defaults(struct pctx *c, const struct ynode *n, struct rc_policy *p)
{
	bool ok = true;

	if (!want(c, n, YN_MAP, "defaults") ||
	    !check_keys(c, n, rc_class_names, ARRAY_SIZE(rc_class_names), "defaults"))
		return false;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		int cls, a;

		cls = rc_vocab_find(rc_class_names, ARRAY_SIZE(rc_class_names), n->kids[i]->str);
		a = get_enum(c, n->kids[i + 1], rc_action_names + 1,
			     ARRAY_SIZE(rc_action_names) - 1, "default action");
		if (a < 0) {
			ok = false;
			continue;
		}
		if (cls == WARD_CLS_SYSCALL && a + 1 == WARD_ACT_BLOCK) {
			perr(c, n->kids[i + 1], "syscall-block",
			     "use alert; syscalls can only alert", "syscalls cannot be blocked");
			ok = false;
			continue;
		}
		p->defaults[cls] = (uint8_t)(a + 1);
	}
	return ok;
}

static int push_rule(struct pctx *c, struct rc_policy *p, const struct rc_rule *r)
{
	if (p->n_rules == p->cap_rules) {
		size_t cap = p->cap_rules ? p->cap_rules * 2 : 8;
		struct rc_rule *v = rc_alloc(c->s, cap * sizeof(*v));

		if (NOMEM(c, v))
			return -ENOMEM;
		if (p->n_rules)
			memcpy(v, p->rules, p->n_rules * sizeof(*v));
		p->rules = v;
		p->cap_rules = cap;
	}
	p->rules[p->n_rules++] = *r;
	return 0;
}

static bool parse_rules(struct pctx *c, const struct ynode *n, struct rc_policy *p)
{
	bool ok = true;

	if (!want(c, n, YN_SEQ, "rules"))
		return false;
	for (size_t i = 0; i < n->n; i++) {
		struct rc_rule r;

		if (!parse_rule(c, n->kids[i], p, &r)) {
			ok = false;
			continue;
		}
		for (size_t j = 0; j < p->n_rules; j++) {
			if (strcmp(p->rules[j].name, r.name) == 0) {
				char hint[128];

				snprintf(hint, sizeof(hint),
					 "first defined at %s; rule names are unique "
					 "within a policy",
					 p->rules[j].origin);
				perr(c, ynode_get(n->kids[i], "name"), "duplicate-name", hint,
				     "duplicate rule name '%s'", r.name);
				ok = false;
			}
		}
		if (ok && push_rule(c, p, &r) < 0)
			return false;
	}
	return ok;
}

static const char *const policy_keys[] = { "selector", "mode", "defaults", "rules" };
static const char *const append_keys[] = { "rules" };

static bool parse_policy(struct pctx *c, const struct ynode *spec, struct rc_policy *p, bool append)
{
	bool ok;
	int m;

	if (!want(c, spec, YN_MAP, "spec"))
		return false;
	if (append) {
		if (!check_keys(c, spec, append_keys, ARRAY_SIZE(append_keys),
				"spec of 'override: append' (only rules may be appended)") ||
		    !require(c, spec, "rules", "spec"))
			return false;
		return parse_rules(c, ynode_get(spec, "rules"), p);
	}
	ok = check_keys(c, spec, policy_keys, ARRAY_SIZE(policy_keys), "policy spec");
	for (size_t i = 0; i < ARRAY_SIZE(policy_keys); i++)
		ok = require(c, spec, policy_keys[i], "policy spec") && ok;
	if (ynode_get(spec, "selector"))
		ok = parse_selector(c, ynode_get(spec, "selector"), &p->sel) && ok;
	m = -1;
	if (ynode_get(spec, "mode"))
		m = get_enum(c, ynode_get(spec, "mode"), rc_mode_names, ARRAY_SIZE(rc_mode_names),
			     "mode");
	if (m < 0)
		ok = false;
	p->mode = m < 0 ? WARD_MODE_AUDIT : (uint8_t)m;
	p->defaults_bad =
		!ynode_get(spec, "defaults") || !parse_defaults(c, ynode_get(spec, "defaults"), p);
	if (ynode_get(spec, "rules"))
		ok = parse_rules(c, ynode_get(spec, "rules"), p) && ok;
	return ok && !p->defaults_bad;
}

static const char *const profile_keys[] = { "selector",	  "mode",	  "posture",
					    "provenance", "exec",	  "file",
					    "network",	  "capabilities", "syscalls" };
static const char *const prov_keys[] = { "learnedAt", "duration", "events", "containers" };
static const char *const posture_names[] = { "", "", "alert", "block" };

static bool parse_provenance(struct pctx *c, const struct ynode *n, struct rc_policy *p)
{
	const char *at, *dur;
	char **names;
	size_t n_names;
	uint64_t events;
	char *s = NULL;
	size_t o = 0, len = 0;
	FILE *f;

	if (!want(c, n, YN_MAP, "provenance") ||
	    !check_keys(c, n, prov_keys, ARRAY_SIZE(prov_keys), "provenance"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(prov_keys); i++)
		if (!require(c, n, prov_keys[i], "provenance"))
			return false;
	at = get_str(c, ynode_get(n, "learnedAt"), "learnedAt");
	dur = get_str(c, ynode_get(n, "duration"), "duration");
	if (!at || !dur || !get_u64(c, ynode_get(n, "events"), "events", &events) ||
	    !get_strv(c, ynode_get(n, "containers"), "containers", &names, &n_names))
		return false;
	f = open_memstream(&s, &len);
	if (NOMEM(c, f))
		return false;
	fprintf(f, "learned at %s for %s from %llu events in ", at, dur,
		(unsigned long long)events);
	for (; o < n_names; o++)
		fprintf(f, "%s%s", o ? ", " : "", names[o]);
	if (fclose(f) != 0 || !s) {
		free(s);
		c->oom = -ENOMEM;
		return false;
	}
	p->provenance = rc_strdup(c->s, s);
	free(s);
	return !NOMEM(c, p->provenance);
}

/* A profile is an allowlist: one allow rule per block, posture elsewhere. */
static bool parse_profile(struct pctx *c, const struct ynode *spec, struct rc_policy *p)
{
	int m, posture;
	bool ok = true;

	p->profile = true;
	if (!want(c, spec, YN_MAP, "spec") ||
	    !check_keys(c, spec, profile_keys, ARRAY_SIZE(profile_keys), "profile spec"))
		return false;
	if (!require(c, spec, "selector", "profile spec") ||
	    !require(c, spec, "mode", "profile spec") ||
	    !require(c, spec, "posture", "profile spec") ||
	    !require(c, spec, "provenance", "profile spec"))
		return false;
	if (!parse_selector(c, ynode_get(spec, "selector"), &p->sel) ||
	    !parse_provenance(c, ynode_get(spec, "provenance"), p))
		return false;
	m = get_enum(c, ynode_get(spec, "mode"), rc_mode_names, ARRAY_SIZE(rc_mode_names), "mode");
	posture = get_enum(c, ynode_get(spec, "posture"), posture_names, ARRAY_SIZE(posture_names),
			   "posture");
	if (m < 0 || posture < 0)
		return false;
	p->mode = (uint8_t)m;
	for (int i = 0; i < WARD_CLS_MAX; i++)
		p->defaults[i] = (uint8_t)posture;
	p->defaults[WARD_CLS_SYSCALL] = WARD_ACT_ALERT;
	for (int cls = 0; cls < WARD_CLS_MAX; cls++) {
		const struct ynode *blocks = ynode_get(spec, rc_class_names[cls]);

		if (!blocks)
			continue;
		if (!want(c, blocks, YN_SEQ, rc_class_names[cls])) {
			ok = false;
			continue;
		}
		for (size_t i = 0; i < blocks->n; i++) {
			struct rc_rule r = { 0 };
			char name[32];

			snprintf(name, sizeof(name), "%s-%zu", rc_class_names[cls], i + 1);
			r.name = rc_strdup(c->s, name);
			r.loc = ynode_loc(c->src, blocks->kids[i]);
			r.origin = origin(c, blocks->kids[i]);
			r.action = WARD_ACT_ALLOW;
			r.mode = p->mode;
			r.severity = WARD_SEV_INFO;
			if (NOMEM(c, r.name))
				return false;
			if (!parse_resource(c, blocks->kids[i], rc_class_names[cls],
					    blocks->kids[i], &r)) {
				ok = false;
				continue;
			}
			if (push_rule(c, p, &r) < 0)
				return false;
		}
	}
	return ok;
}

/* ---- policy tests ----------------------------------------------------------- */

static const char *const test_keys[] = { "cases" };
static const char *const case_keys[] = { "name", "container", "host", "do", "expect", "rule" };
static const char *const cont_keys[] = { "name", "image", "labels" };
static const char *const do_keys[] = { "exec",	  "open",     "access", "connect",
				       "bind",	  "protocol", "socket", "capability",
				       "syscall", "parent",   "stdio" };
static const char *const do_verbs[] = { "exec",	  "open",	"connect", "bind",
					"socket", "capability", "syscall" };

static bool parse_do(struct pctx *c, const struct ynode *n, struct rc_case *t)
{
	const struct ynode *verb = NULL, *v;
	const char *vname = NULL, *s, *why;
	int which = -1;

	if (!want(c, n, YN_MAP, "do") || !check_keys(c, n, do_keys, ARRAY_SIZE(do_keys), "do"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(do_verbs); i++) {
		v = ynode_get(n, do_verbs[i]);
		if (!v)
			continue;
		if (verb) {
			perr(c, v, "conflicting-keys", "one case tests one event",
			     "do has both '%s' and '%s'", vname, do_verbs[i]);
			return false;
		}
		verb = v;
		vname = do_verbs[i];
		which = (int)i;
	}
	if (!verb) {
		perr(c, n, "missing-key",
		     "add exec:, open:, connect:, bind:, socket:, capability: "
		     "or syscall:",
		     "do names no event");
		return false;
	}
	s = get_str(c, verb, vname);
	if (!s)
		return false;
	t->what = rc_strdup(c->s, s);
	if ((v = ynode_get(n, "parent"))) {
		if (!get_str(c, v, "parent"))
			return false;
		if (!v->str[0] || (v->str[0] != '/' && strchr(v->str, '/'))) {
			perr(c, v, "bad-path",
			     "write the absolute path of the acting binary, or the name it runs "
			     "as (an applet: httpd)",
			     "'%s' is not an absolute path", v->str);
			return false;
		}
		t->parent = rc_strdup(c->s, v->str);
	}
	if ((v = ynode_get(n, "stdio"))) {
		if (!get_str(c, v, "stdio"))
			return false;
		if (which != 0 || (strcmp(v->str, "socket") && strcmp(v->str, "terminal"))) {
			perr(c, v, "bad-value",
			     "'stdio: socket' or 'stdio: terminal' goes with exec:",
			     "stdio '%s' does not apply here", v->str);
			return false;
		}
		t->stdio_socket = !strcmp(v->str, "socket");
		t->terminal = !t->stdio_socket;
	}
	if ((v = ynode_get(n, "access")) && which != 1) {
		perr(c, v, "useless-key",
		     "access belongs to open:", "'access' only applies to open");
		return false;
	}
	if ((v = ynode_get(n, "protocol")) && which != 2 && which != 3) {
		perr(c, v, "useless-key", "protocol belongs to connect: and bind:",
		     "'protocol' only applies to connect and bind");
		return false;
	}
	switch (which) {
	case 0:
	case 1:
		t->cls = which == 0 ? WARD_CLS_EXEC : WARD_CLS_FILE;
		t->op = which == 0 ? RC_EV_EXEC : RC_EV_OPEN;
		if (s[0] != '/') {
			perr(c, verb, "bad-path",
			     "write the absolute path the kernel sees, e.g. /bin/sh",
			     "'%s' is not an absolute path", s);
			return false;
		}
		t->path = rc_strdup(c->s, s);
		t->access = 1;
		if (which == 1) {
			v = ynode_get(n, "access");
			if (!v) {
				perr(c, n, "missing-key",
				     "add 'access: read' (or write, create, ...)",
				     "open needs 'access'");
				return false;
			}
			int a = get_enum(c, v, rc_access_names, ARRAY_SIZE(rc_access_names),
					 "access kind");

			if (a < 0)
				return false;
			t->access = 1u << a;
			if (t->access ==
			    WARD_ACC_TRUNCATE) /* also a write, as the kernel sees it */
				t->access |= WARD_ACC_WRITE;
		}
		return true;
	case 2:
	case 3:
		t->cls = WARD_CLS_NET;
		t->proto = WARD_PROTO_TCP;
		if ((v = ynode_get(n, "protocol"))) {
			int pr = get_enum(c, v, rc_proto_names, ARRAY_SIZE(rc_proto_names),
					  "protocol");

			if (pr < 0)
				return false;
			t->proto = 1u << pr;
		}
		if (s[0] == '/') {
			if (ynode_get(n, "protocol")) {
				perr(c, ynode_get(n, "protocol"), "useless-key", "remove it",
				     "unix sockets have no protocol");
				return false;
			}
			t->op = which == 2 ? RC_EV_UNIX_CONNECT : RC_EV_UNIX_BIND;
			t->path = rc_strdup(c->s, s);
			return true;
		}
		t->op = which == 2 ? RC_EV_CONNECT : RC_EV_BIND;
		if (rc_sockaddr_parse(s, t->addr, &t->port, &why) < 0) {
			perr(c, verb, "bad-value", why, "invalid endpoint '%s'", s);
			return false;
		}
		return true;
	case 4: {
		int k = get_enum(c, verb, rc_sock_names, ARRAY_SIZE(rc_sock_names), "socket kind");

		if (k < 0)
			return false;
		t->cls = WARD_CLS_NET;
		t->op = RC_EV_SOCKET;
		t->num = (uint32_t)k;
		return true;
	}
	default:
		t->cls = which == 5 ? WARD_CLS_CAP : WARD_CLS_SYSCALL;
		t->op = which == 5 ? RC_EV_CAP : RC_EV_SYSCALL;
		if ((which == 5 ? rc_cap_lookup(s, &t->num) : rc_syscall_lookup(s, &t->num)) < 0) {
			perr(c, verb, which == 5 ? "unknown-capability" : "unknown-syscall",
			     "see capabilities(7) / the x86_64 syscall table", "unknown %s '%s'",
			     vname, s);
			return false;
		}
		return true;
	}
}

static bool parse_case(struct pctx *c, const struct ynode *n, struct rc_case *t)
{
	const struct ynode *v, *cont;
	int e;

	if (!want(c, n, YN_MAP, "a test case") ||
	    !check_keys(c, n, case_keys, ARRAY_SIZE(case_keys), "test case") ||
	    !require(c, n, "name", "test case") || !require(c, n, "do", "test case") ||
	    !require(c, n, "expect", "test case"))
		return false;
	t->loc = ynode_loc(c->src, n);
	if (!get_str(c, ynode_get(n, "name"), "test name"))
		return false;
	t->name = rc_strdup(c->s, ynode_get(n, "name")->str);
	cont = ynode_get(n, "container");
	v = ynode_get(n, "host");
	if (!!cont == !!v) {
		perr(c, n, "missing-key",
		     "give 'container: {name: ..., image: ...}' or 'host: true'",
		     cont ? "give either container or host, not both"
			  : "test case needs a container or host: true");
		return false;
	}
	if (v) {
		if (get_bool(c, v, "host") != 1) {
			perr(c, v, "bad-value", "write host: true", "host must be true");
			return false;
		}
		t->host = true;
	} else {
		if (!want(c, cont, YN_MAP, "container") ||
		    !check_keys(c, cont, cont_keys, ARRAY_SIZE(cont_keys), "container") ||
		    !require(c, cont, "name", "container"))
			return false;
		if (!get_str(c, ynode_get(cont, "name"), "container name"))
			return false;
		t->cname = rc_strdup(c->s, ynode_get(cont, "name")->str);
		if ((v = ynode_get(cont, "image"))) {
			if (!get_str(c, v, "image"))
				return false;
			t->image = rc_strdup(c->s, v->str);
		}
		if ((v = ynode_get(cont, "labels")) &&
		    !parse_labels(c, v, &t->labels, &t->n_labels))
			return false;
	}
	if (!parse_do(c, ynode_get(n, "do"), t))
		return false;
	e = get_enum(c, ynode_get(n, "expect"), rc_action_names, ARRAY_SIZE(rc_action_names),
		     "expectation");
	if (e == 0)
		perr(c, ynode_get(n, "expect"), "bad-value", "valid: allow, alert, block",
		     "'none' is not a valid expectation");
	if (e <= 0)
		return false;
	t->expect = (uint8_t)e;
	if ((v = ynode_get(n, "rule"))) {
		if (!get_str(c, v, "rule"))
			return false;
		t->expect_rule = rc_strdup(c->s, v->str);
		if (NOMEM(c, t->expect_rule))
			return false;
	}
	/* every string the case owns, checked once */
	if (NOMEM(c, t->name) || NOMEM(c, t->what) || (!t->host && NOMEM(c, t->cname)) ||
	    (ynode_get(ynode_get(n, "container"), "image") && NOMEM(c, t->image)) ||
	    (ynode_get(ynode_get(n, "do"), "parent") && NOMEM(c, t->parent)) ||
	    ((t->op == RC_EV_EXEC || t->op == RC_EV_OPEN || t->op == RC_EV_UNIX_CONNECT ||
	      t->op == RC_EV_UNIX_BIND) &&
	     NOMEM(c, t->path)))
		return false;
	return true;
}

static bool parse_tests(struct pctx *c, const struct ynode *spec)
{
	const struct ynode *cases;
	struct rc_case *v;
	bool ok = true;

	if (!want(c, spec, YN_MAP, "spec") ||
	    !check_keys(c, spec, test_keys, ARRAY_SIZE(test_keys), "PolicyTest spec") ||
	    !require(c, spec, "cases", "PolicyTest spec"))
		return false;
	cases = ynode_get(spec, "cases");
	if (!want(c, cases, YN_SEQ, "cases"))
		return false;
	v = rc_alloc(c->s, (c->s->n_cases + cases->n) * sizeof(*v));
	if (NOMEM(c, v))
		return false;
	if (c->s->n_cases)
		memcpy(v, c->s->cases, c->s->n_cases * sizeof(*v));
	c->s->cases = v;
	for (size_t i = 0; i < cases->n; i++) {
		struct rc_case t = { 0 };

		size_t errors = c->d->n_errors;

		if (!parse_case(c, cases->kids[i], &t)) {
			if (c->d->n_errors == errors && !c->oom)
				perr(c, cases->kids[i], "internal", "please report this input",
				     "test case rejected without a diagnostic");
			ok = false;
			continue;
		}
		v[c->s->n_cases++] = t;
	}
	return ok;
}

/* ---- documents ------------------------------------------------------------- */

enum doc_kind { DOC_POLICY, DOC_LIST, DOC_MACRO, DOC_PROFILE, DOC_TEST };
static const char *const kind_doc_names[] = { "Policy", "List", "Macro", "Profile", "PolicyTest" };
static const char *const doc_keys[] = { "apiVersion", "kind", "metadata", "spec" };
static const char *const meta_keys[] = { "name", "description", "override", "labels",
					 "annotations" };
/* In a cluster (deploy/kubernetes/crd.yaml) metadata holds only Kubernetes' fields: the
 * description is this annotation there. */
#define DESCRIPTION_ANNOTATION "ward.dev/description"
static const char *const override_names[] = { "", "replace", "append" };

struct doc {
	const struct ysrc *src;
	const struct ynode *root;
	enum doc_kind kind;
	char *name;
	int override; /* 0 none, 1 replace, 2 append */
	const struct ynode *name_node, *spec, *meta;
	const struct ynode *desc; /* metadata.description or its annotation, or NULL */
};

/* metadata.labels or .annotations: Kubernetes' string maps, kept for the cluster's sake. */
static bool check_string_map(struct pctx *c, const struct ynode *n, const char *what,
			     const char *value)
{
	bool ok = true;

	if (!want(c, n, YN_MAP, what))
		return false;
	for (size_t i = 0; i + 1 < n->n; i += 2)
		if (!get_str(c, n->kids[i + 1], value))
			ok = false;
	return ok;
}

static bool parse_header(struct pctx *c, const struct ynode *root, struct doc *doc)
{
	const struct ynode *v, *meta;
	int k;

	memset(doc, 0, sizeof(*doc));
	doc->src = c->src;
	doc->root = root;
	if (root->type == YN_SCALAR && root->plain && root->len == 0)
		return false; /* an empty document between '---' separators */
	if (!want(c, root, YN_MAP, "a document") ||
	    !check_keys(c, root, doc_keys, ARRAY_SIZE(doc_keys), "document"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(doc_keys); i++)
		if (!require(c, root, doc_keys[i], "document"))
			return false;
	v = ynode_get(root, "apiVersion");
	if (!get_str(c, v, "apiVersion"))
		return false;
	if (strcmp(v->str, RC_API_VERSION)) {
		perr(c, v, "bad-api-version", "write apiVersion: " RC_API_VERSION,
		     "unsupported apiVersion '%s'", v->str);
		return false;
	}
	k = get_enum(c, ynode_get(root, "kind"), kind_doc_names, ARRAY_SIZE(kind_doc_names),
		     "kind");
	if (k < 0)
		return false;
	doc->kind = (enum doc_kind)k;
	meta = ynode_get(root, "metadata");
	if (!want(c, meta, YN_MAP, "metadata") ||
	    !check_keys(c, meta, meta_keys, ARRAY_SIZE(meta_keys), "metadata") ||
	    !require(c, meta, "name", "metadata"))
		return false;
	doc->meta = meta;
	doc->name_node = ynode_get(meta, "name");
	doc->name = get_name(c, doc->name_node, "name");
	if (!doc->name)
		return false;
	if ((v = ynode_get(meta, "labels")) && !check_string_map(c, v, "labels", "a label"))
		return false;
	if ((v = ynode_get(meta, "annotations")) &&
	    !check_string_map(c, v, "annotations", "an annotation"))
		return false;
	doc->desc = ynode_get(meta, "description");
	if (doc->desc && !get_str(c, doc->desc, "description"))
		return false;
	if ((v = ynode_get(ynode_get(meta, "annotations"), DESCRIPTION_ANNOTATION))) {
		if (doc->desc) {
			perr(c, v, "conflicting-keys",
			     "keep one: the annotation where the document goes to a cluster",
			     "metadata.description and the " DESCRIPTION_ANNOTATION
			     " annotation both describe the document");
			return false;
		}
		doc->desc = v;
	}
	if ((v = ynode_get(meta, "override"))) {
		doc->override =
			get_enum(c, v, override_names, ARRAY_SIZE(override_names), "override");
		if (doc->override < 0)
			return false;
		if (doc->override == 2 &&
		    (doc->kind == DOC_MACRO || doc->kind == DOC_PROFILE || doc->kind == DOC_TEST)) {
			perr(c, v, "bad-value", "use override: replace",
			     "a %s cannot be appended to", kind_doc_names[doc->kind]);
			return false;
		}
	}
	doc->spec = ynode_get(root, "spec");
	return true;
}

/* Checks override semantics; returns true when the document may proceed. */
static bool check_override(struct pctx *c, const struct doc *doc, bool exists,
			   const struct rc_loc *prev)
{
	char hint[256];

	if (doc->override == 0 && exists) {
		snprintf(hint, sizeof(hint),
			 "first defined at %s:%u; set metadata.override: replace (or append) to "
			 "change it on purpose",
			 prev->file, prev->line);
		perr(c, doc->name_node, "duplicate-name", hint, "%s '%s' is already defined",
		     kind_doc_names[doc->kind], doc->name);
		return false;
	}
	if (doc->override && !exists) {
		perr(c, ynode_get(doc->meta, "override"), "override-nothing",
		     "remove 'override' or check the name and the load order (files load sorted by "
		     "name)",
		     "override of '%s', but nothing of that name is defined before", doc->name);
		return false;
	}
	return true;
}

static void parse_list_doc(struct pctx *c, const struct doc *doc)
{
	static const char *const list_keys[] = { "items" };
	struct rc_list *l = find_list(c->s, doc->name);
	const struct ynode *items;
	size_t base;
	char **v;

	if (!check_override(c, doc, l != NULL, l ? &l->loc : NULL))
		return;
	if (!want(c, doc->spec, YN_MAP, "spec") ||
	    !check_keys(c, doc->spec, list_keys, ARRAY_SIZE(list_keys), "List spec") ||
	    !require(c, doc->spec, "items", "List spec"))
		return;
	items = ynode_get(doc->spec, "items");
	if (!want(c, items, YN_SEQ, "items"))
		return;
	for (size_t i = 0; i < items->n; i++) {
		if (!get_str(c, items->kids[i], "list item"))
			return;
		if (items->kids[i]->str[0] == '@') {
			perr(c, items->kids[i], "nested-list", "list the items directly",
			     "lists cannot reference other lists");
			return;
		}
	}
	if (!l) {
		struct rc_list *nl = rc_alloc(c->s, (c->s->n_lists + 1) * sizeof(*nl));

		if (NOMEM(c, nl))
			return;
		if (c->s->n_lists)
			memcpy(nl, c->s->lists, c->s->n_lists * sizeof(*nl));
		c->s->lists = nl;
		l = &nl[c->s->n_lists++];
		memset(l, 0, sizeof(*l));
		l->name = doc->name;
	}
	l->loc = ynode_loc(c->src, doc->name_node);
	base = doc->override == 2 ? l->n : 0;
	v = rc_alloc(c->s, (base + items->n) * sizeof(*v));
	if (NOMEM(c, v))
		return;
	if (base)
		memcpy(v, l->items, base * sizeof(*v));
	for (size_t i = 0; i < items->n; i++)
		if (NOMEM(c, (v[base + i] = rc_strdup(c->s, items->kids[i]->str))))
			return;
	l->items = v;
	l->n = base + items->n;
}

static void parse_macro_doc(struct pctx *c, const struct doc *doc)
{
	struct rc_macro *m = find_macro(c->s, doc->name);
	const struct ynode *res;
	struct rc_rule scratch = { 0 };
	const char *key;

	if (!check_override(c, doc, m != NULL, m ? &m->loc : NULL))
		return;
	if (!want(c, doc->spec, YN_MAP, "spec") ||
	    !check_keys(c, doc->spec, rc_class_names, ARRAY_SIZE(rc_class_names), "Macro spec"))
		return;
	if (!m) {
		struct rc_macro *nm = rc_alloc(c->s, (c->s->n_macros + 1) * sizeof(*nm));

		if (NOMEM(c, nm))
			return;
		if (c->s->n_macros)
			memcpy(nm, c->s->macros, c->s->n_macros * sizeof(*nm));
		c->s->macros = nm;
		m = &nm[c->s->n_macros++];
		m->name = doc->name;
	}
	m->src = c->src;
	m->spec = doc->spec;
	m->loc = ynode_loc(c->src, doc->name_node);
	key = one_resource(c, doc->spec, "macro", false, &res);
	m->bad = !key || !parse_resource(c, doc->spec, key, res, &scratch);
}

static struct rc_policy *find_policy(struct rc_set *s, const char *name)
{
	for (size_t i = 0; i < s->n_policies; i++)
		if (strcmp(s->policies[i].name, name) == 0)
			return &s->policies[i];
	return NULL;
}

static void parse_policy_doc(struct pctx *c, const struct doc *doc)
{
	struct rc_policy *old = find_policy(c->s, doc->name), p = { 0 };
	size_t errors = c->d->n_errors;
	const struct ynode *desc = doc->desc;
	bool ok;

	if (!check_override(c, doc, old != NULL, old ? &old->loc : NULL))
		return;
	if (doc->override == 2) {
		if (old->profile) {
			perr(c, doc->name_node, "bad-value", "use override: replace",
			     "profile '%s' cannot be appended to", doc->name);
			return;
		}
		parse_policy(c, doc->spec, old, true);
		return;
	}
	p.name = doc->name;
	p.loc = ynode_loc(c->src, doc->name_node);
	p.origin = origin(c, doc->root);
	if (desc)
		p.description = rc_strdup(c->s, desc->str);
	ok = doc->kind == DOC_PROFILE ? parse_profile(c, doc->spec, &p)
				      : parse_policy(c, doc->spec, &p, false);
	if (!ok) {
		/* a dropped policy must never compile silently */
		if (c->d->n_errors == errors && !c->oom)
			perr(c, doc->name_node, "internal", "please report this input",
			     "policy '%s' was rejected without a diagnostic", doc->name);
		return;
	}
	if (old) {
		*old = p;
		return;
	}
	if ((c->s->n_policies & (c->s->n_policies - 1)) == 0) {
		size_t cap = c->s->n_policies ? c->s->n_policies * 2 : 1;
		struct rc_policy *v = rc_alloc(c->s, cap * sizeof(*v));

		if (NOMEM(c, v))
			return;
		if (c->s->n_policies)
			memcpy(v, c->s->policies, c->s->n_policies * sizeof(*v));
		c->s->policies = v;
	}
	c->s->policies[c->s->n_policies++] = p;
}

static int add_src(struct rc_set *s, struct ysrc *src)
{
	struct ysrc **v = realloc(s->srcs, (s->n_srcs + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->srcs = v;
	v[s->n_srcs++] = src;
	return 0;
}

static int build(struct rc_set *s, struct rc_diags *d)
{
	struct doc *docs = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	for (size_t i = 0; i < s->n_srcs; i++) {
		struct pctx c = { .s = s, .d = d, .src = s->srcs[i] };

		for (size_t j = 0; j < s->srcs[i]->n_docs; j++) {
			struct doc doc;

			if (!parse_header(&c, s->srcs[i]->docs[j], &doc))
				continue;
			if (n == cap) {
				struct doc *v =
					realloc(docs, (cap = cap ? cap * 2 : 16) * sizeof(*v));

				if (!v) {
					free(docs);
					return -ENOMEM;
				}
				docs = v;
			}
			docs[n++] = doc;
		}
		if (c.oom)
			r = c.oom;
	}
	/* lists, then macros (which may use lists), then the rest */
	for (int pass = 0; pass < 3 && !r; pass++) {
		for (size_t i = 0; i < n; i++) {
			struct pctx c = { .s = s, .d = d, .src = docs[i].src };
			enum doc_kind k = docs[i].kind;

			if (pass == 0 && k == DOC_LIST)
				parse_list_doc(&c, &docs[i]);
			else if (pass == 1 && k == DOC_MACRO)
				parse_macro_doc(&c, &docs[i]);
			else if (pass == 2 && (k == DOC_POLICY || k == DOC_PROFILE))
				parse_policy_doc(&c, &docs[i]);
			else if (pass == 2 && k == DOC_TEST)
				parse_tests(&c, docs[i].spec);
			if (c.oom)
				r = c.oom;
		}
	}
	free(docs);
	return r;
}

void rc_set_free(struct rc_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_srcs; i++)
		ysrc_free(s->srcs[i]);
	free(s->srcs);
	while (s->arena) {
		struct rc_block *b = s->arena;

		s->arena = b->next;
		free(b);
	}
	free(s);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool yaml_name(const char *n)
{
	size_t l = strlen(n);

	return n[0] != '.' && ((l > 5 && strcmp(n + l - 5, ".yaml") == 0) ||
			       (l > 4 && strcmp(n + l - 4, ".yml") == 0));
}

/* Load one path: a file, or a directory walked recursively in sorted order. */
static int load_path(struct rc_set *s, const char *path, struct rc_diags *d, int depth)
{
	struct rc_loc loc = { .file = path };
	struct ysrc *src;
	struct stat st;
	struct dirent **ents;
	int n, r = 0;

	if (stat(path, &st) < 0) {
		r = -errno;
		rc_diag(d, RC_ERROR, "io", &loc, "check the path", "cannot read: %s", strerror(-r));
		return r == -ENOMEM ? r : 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		r = ysrc_load_file(path, d, &src);
		if (r == -ENOMEM)
			return r;
		if (r == 0 && (r = add_src(s, src)) < 0)
			ysrc_free(src);
		return r == -ENOMEM ? r : 0;
	}
	if (depth > 16) {
		rc_diag(d, RC_ERROR, "io", &loc, "check for directory loops",
			"directories nested deeper than 16 levels");
		return 0;
	}
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		r = -errno;
		rc_diag(d, RC_ERROR, "io", &loc, "check the permissions", "cannot list: %s",
			strerror(-r));
		return r == -ENOMEM ? r : 0;
	}
	{
		char **names = calloc((size_t)n + 1, sizeof(*names));

		for (int i = 0; i < n && names; i++)
			names[i] = ents[i]->d_name;
		if (names)
			qsort(names, (size_t)n, sizeof(*names), name_cmp);
		for (int i = 0; i < n && names && r == 0; i++) {
			char *child = NULL;
			struct stat cst;

			if (names[i][0] == '.')
				continue;
			if (asprintf(&child, "%s%s%s", path,
				     path[strlen(path) - 1] == '/' ? "" : "/", names[i]) < 0) {
				r = -ENOMEM;
				break;
			}
			if (stat(child, &cst) == 0 && (S_ISDIR(cst.st_mode) || yaml_name(names[i])))
				r = load_path(s, child, d, depth + 1);
			free(child);
		}
		if (!names)
			r = -ENOMEM;
		free(names);
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return r;
}

int rc_set_load(const char *const *paths, size_t n, struct rc_diags *d, struct rc_set **ret)
{
	struct rc_set *s = calloc(1, sizeof(*s));
	int r = 0;

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < n && r == 0; i++)
		r = load_path(s, paths[i], d, 0);
	if (r == 0)
		r = build(s, d);
	if (r == 0 && d->oom)
		r = d->oom;
	if (r < 0) {
		rc_set_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

int rc_set_load_buffer(const char *name, const char *buf, size_t len, struct rc_diags *d,
		       struct rc_set **ret)
{
	struct rc_set *s = calloc(1, sizeof(*s));
	struct ysrc *src;
	int r;

	if (!s)
		return -ENOMEM;
	r = ysrc_parse(name, buf, len, d, &src);
	if (r == 0 && (r = add_src(s, src)) < 0)
		ysrc_free(src);
	if (r == -EINVAL)
		r = 0;
	if (r == 0)
		r = build(s, d);
	if (r == 0 && d->oom)
		r = d->oom;
	if (r < 0) {
		rc_set_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

int rc_parse_duration(const char *s, int64_t *ret)
{
	static const struct {
		char unit;
		int64_t secs;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	int64_t total = 0;
	const char *c = s;

	if (!*c)
		return -EINVAL;
	while (*c) {
		int64_t v = 0, mul = 0;

		if (*c < '0' || *c > '9')
			return -EINVAL;
		for (; *c >= '0' && *c <= '9'; c++) {
			if (v > (INT64_MAX - 9) / 10)
				return -EINVAL;
			v = v * 10 + (*c - '0');
		}
		if (!*c && c != s && total == 0) {
			mul = 1; /* a bare number: seconds */
		} else {
			for (size_t i = 0; i < ARRAY_SIZE(units); i++)
				if (*c == units[i].unit)
					mul = units[i].secs;
			if (!mul)
				return -EINVAL;
			c++;
		}
		if (v > (INT64_MAX - total) / mul)
			return -EINVAL;
		total += v * mul;
	}
	*ret = total;
	return 0;
}

int rc_parse_size(const char *s, uint64_t *ret)
{
	uint64_t v = 0, mul = 1;
	const char *c = s;

	if (*c < '0' || *c > '9')
		return -EINVAL;
	for (; *c >= '0' && *c <= '9'; c++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*c - '0');
	}
	switch (*c) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mul = 1ULL << 10;
		break;
	case 'M':
		mul = 1ULL << 20;
		break;
	case 'G':
		mul = 1ULL << 30;
		break;
	default:
		return -EINVAL;
	}
	if (*c && c[1])
		return -EINVAL;
	if (v > UINT64_MAX / mul)
		return -EINVAL;
	*ret = v * mul;
	return 0;
}
