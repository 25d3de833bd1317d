// SPDX-License-Identifier: Apache-2.0
/*
 * Reading a profile file back (docs/profiles.md): rulesc's YAML front end
 * builds the positioned tree, the `kind: Profile` document gives the
 * allowlist and the companion `NAME.observed` list, one JSON object per item
 * (jansson), what the Profile schema has no keys for. The input is untrusted:
 * every error names file:line:column (tests/fuzz/fuzz_profile.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <seccomp.h>

#include "profile.h"
#include "profile_int.h"
#include "rulesc.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define API_VERSION	"ward.dev/v1"
#define OBSERVED_SUFFIX ".observed"

struct rd {
	const struct ysrc *src;
	struct profile *p;
	struct rc_diags *d; /* gets the first error, at its place (code invalid-profile) */
	bool failed;
	int oom;
};

__attribute__((format(printf, 3, 4))) static int rerr(struct rd *r, const struct ynode *n,
						      const char *fmt, ...)
{
	struct rc_loc at = { .file = r->src->path,
			     .src = r->src->buf,
			     .src_len = r->src->len,
			     .line = n ? n->line : 1,
			     .col = n ? n->col : 1 };
	va_list ap;

	if (r->failed || r->oom)
		return r->oom ? r->oom : -EINVAL;
	r->failed = true;
	va_start(ap, fmt);
	rc_vdiag(r->d, RC_ERROR, "invalid-profile", &at, NULL, fmt, ap);
	va_end(ap);
	if (r->d->oom) {
		r->oom = -ENOMEM;
		return -ENOMEM;
	}
	return -EINVAL;
}

static int nomem(struct rd *r)
{
	r->oom = -ENOMEM;
	return -ENOMEM;
}

/* ---- typed access ---------------------------------------------------------------- */

static const char *type_word(enum yn_type t)
{
	return t == YN_MAP ? "a mapping" : t == YN_SEQ ? "a list" : "a scalar";
}

static int want(struct rd *r, const struct ynode *n, enum yn_type t, const char *what)
{
	if (n->type != t)
		return rerr(r, n, "%s must be %s, not %s", what, type_word(t), ynode_type_name(n));
	return 0;
}

/* Every key of map is one of keys[]; the required ones (bit i of required)
 * are present. */
static int check_keys(struct rd *r, const struct ynode *map, const char *const *keys, size_t n,
		      unsigned int required, const char *what)
{
	int err = want(r, map, YN_MAP, what);

	for (size_t i = 0; !err && i + 1 < map->n; i += 2) {
		size_t k = 0;

		while (k < n && strcmp(map->kids[i]->str, keys[k]))
			k++;
		if (k == n)
			err = rerr(r, map->kids[i], "unknown key '%s' in %s", map->kids[i]->str,
				   what);
	}
	for (size_t k = 0; !err && k < n; k++)
		if ((required & (1u << k)) && !ynode_get(map, keys[k]))
			err = rerr(r, map, "%s needs '%s'", what, keys[k]);
	return err;
}

static int get_u64(struct rd *r, const struct ynode *n, const char *what, uint64_t *ret)
{
	char *end;

	if (want(r, n, YN_SCALAR, what))
		return -EINVAL;
	errno = 0;
	*ret = strtoull(n->str, &end, 10);
	if (errno || end == n->str || *end || n->str[0] == '-' || n->str[0] == '+' ||
	    n->str[0] == ' ')
		return rerr(r, n, "%s must be a whole number >= 0, not '%s'", what, n->str);
	return 0;
}

/* A list of scalars (a single scalar is read as a list of one, as rulesc does). */
static int each_scalar(struct rd *r, const struct ynode *n, const char *what,
		       int (*fn)(struct rd *, const struct ynode *, void *), void *arg)
{
	int err = 0;

	if (n->type == YN_SCALAR)
		return fn(r, n, arg);
	if (want(r, n, YN_SEQ, what))
		return -EINVAL;
	if (!n->n)
		return rerr(r, n, "%s is empty", what);
	for (size_t i = 0; !err && i < n->n; i++)
		err = want(r, n->kids[i], YN_SCALAR, what) ?: fn(r, n->kids[i], arg);
	return err;
}

static int add_str(struct rd *r, char ***v, size_t *n, const char *s)
{
	return prof_strv_add(v, n, s) < 0 ? nomem(r) : 0;
}

/* A normalised path (rulesc's rules), dir: ending in '/'. */
static int norm_path(struct rd *r, const struct ynode *n, bool dir, char **ret)
{
	const char *why = NULL;
	int err = rc_path_normalize(n->str, dir, ret, &why);

	if (err == -ENOMEM)
		return nomem(r);
	if (err)
		return rerr(r, n, "invalid path '%s': %s", n->str, why);
	if (!dir && rc_has_glob(strrchr(*ret, '/') + 1) &&
	    rc_glob_check(strrchr(*ret, '/') + 1, &why)) {
		free(*ret);
		return rerr(r, n, "invalid glob '%s': %s", n->str, why);
	}
	return 0;
}

/* ---- the Profile document ---------------------------------------------------------- */

static int parse_time(struct rd *r, const struct ynode *n, int64_t *ret)
{
	struct tm tm = { 0 };
	const char *end;

	if (want(r, n, YN_SCALAR, "learnedAt"))
		return -EINVAL;
	end = strptime(n->str, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return rerr(r, n,
			    "learnedAt must be a UTC time such as 2025-01-02T03:04:05Z, "
			    "not '%s'",
			    n->str);
	*ret = (int64_t)timegm(&tm);
	return 0;
}

static int add_container(struct rd *r, const struct ynode *n, void *arg)
{
	(void)arg;
	return add_str(r, &r->p->prov.containers, &r->p->prov.n_containers, n->str);
}

static int add_selector(struct rd *r, const struct ynode *n, void *arg)
{
	(void)arg;
	return add_str(r, &r->p->selector, &r->p->n_selector, n->str);
}

static int read_provenance(struct rd *r, const struct ynode *n)
{
	static const char *const keys[] = { "learnedAt", "duration", "events", "containers" };
	const struct ynode *dur;
	int64_t secs;
	int err;

	err = check_keys(r, n, keys, ARRAY_SIZE(keys), 0xf, "provenance") ?:
	      parse_time(r, ynode_get(n, "learnedAt"), &r->p->prov.start) ?:
	      get_u64(r, ynode_get(n, "events"), "events", &r->p->prov.events) ?:
	      each_scalar(r, ynode_get(n, "containers"), "containers", add_container, NULL);
	if (err)
		return err;
	dur = ynode_get(n, "duration");
	if (want(r, dur, YN_SCALAR, "duration"))
		return -EINVAL;
	if (rc_parse_duration(dur->str, &secs) || secs > INT64_MAX - r->p->prov.start)
		return rerr(r, dur, "duration must be such as 90s, 15m or 24h, not '%s'", dur->str);
	r->p->prov.end = r->p->prov.start + secs;
	return 0;
}

static int add_exec(struct rd *r, const struct ynode *n, void *arg)
{
	char *path;
	int err;

	(void)arg;
	err = norm_path(r, n, false, &path);
	if (err)
		return err;
	if (rc_has_glob(path))
		err = rerr(r, n, "exec paths of a profile are exact, '%s' is a glob", n->str);
	else
		err = profile_add_exec(r->p, path, NULL, 0);
	free(path);
	if (err == -ENOMEM)
		return nomem(r);
	return err == -EINVAL ? err : err ? rerr(r, n, "'%s': %s", n->str, strerror(-err)) : 0;
}

struct file_ctx {
	uint32_t access;
	bool dir;
};

static int add_file(struct rd *r, const struct ynode *n, void *arg)
{
	const struct file_ctx *fc = arg;
	char *path;
	int err = norm_path(r, n, fc->dir, &path);

	if (err)
		return err;
	err = profile_add_file(r->p, path, fc->access);
	free(path);
	if (err == -ENOMEM)
		return nomem(r);
	return err ? rerr(r, n, "'%s': %s", n->str, strerror(-err)) : 0;
}

static int add_access(struct rd *r, const struct ynode *n, void *arg)
{
	uint32_t *access = arg, bit;

	if (rc_access_parse(n->str, &bit))
		return rerr(r, n,
			    "unknown access kind '%s' (read, write, create, unlink, rename, "
			    "chmod, chown, exec, truncate)",
			    n->str);
	*access |= bit;
	return 0;
}

static int read_exec(struct rd *r, const struct ynode *b)
{
	static const char *const keys[] = { "paths" };

	return check_keys(r, b, keys, ARRAY_SIZE(keys), 1, "exec block")
		       ?: each_scalar(r, ynode_get(b, "paths"), "paths", add_exec, NULL);
}

static int read_file_block(struct rd *r, const struct ynode *b)
{
	static const char *const keys[] = { "paths", "dirs", "access" };
	const struct ynode *paths, *dirs;
	struct file_ctx fc = { 0 };
	int err;

	err = check_keys(r, b, keys, ARRAY_SIZE(keys), 1u << 2, "file block");
	if (err)
		return err;
	paths = ynode_get(b, "paths");
	dirs = ynode_get(b, "dirs");
	if (!paths && !dirs)
		return rerr(r, b, "file block needs 'paths' or 'dirs'");
	err = each_scalar(r, ynode_get(b, "access"), "access", add_access, &fc.access);
	if (!err && paths)
		err = each_scalar(r, paths, "paths", add_file, &fc);
	fc.dir = true;
	if (!err && dirs)
		err = each_scalar(r, dirs, "dirs", add_file, &fc);
	return err;
}

struct net_ctx {
	struct prof_net n;
	uint32_t protos;
	uint16_t *ports;
	size_t n_ports;
};

static int add_proto(struct rd *r, const struct ynode *n, void *arg)
{
	uint32_t *protos = arg;
	int i = rc_vocab_find(rc_proto_names, ARRAY_SIZE(rc_proto_names), n->str);

	if (i < 0)
		return rerr(r, n, "unknown protocol '%s' (tcp, udp)", n->str);
	*protos |= 1u << i;
	return 0;
}

static int add_port(struct rd *r, const struct ynode *n, void *arg)
{
	struct net_ctx *nc = arg;
	struct rc_port_range pr;
	const char *why;
	uint16_t *v;

	if (rc_port_range_parse(n->str, &pr, &why))
		return rerr(r, n, "invalid port '%s': %s", n->str, why);
	if (pr.lo != pr.hi)
		return rerr(r, n, "a profile lists single ports, not the range '%s'", n->str);
	v = realloc(nc->ports, (nc->n_ports + 1) * sizeof(*v));
	if (!v)
		return nomem(r);
	v[nc->n_ports++] = pr.lo;
	nc->ports = v;
	return 0;
}

/* One endpoint per port and protocol (connect: and address). */
static int add_endpoints(struct rd *r, const struct ynode *at, void *arg)
{
	struct net_ctx *nc = arg;

	for (size_t i = 0; i < nc->n_ports; i++)
		for (uint32_t bit = WARD_PROTO_TCP; bit <= WARD_PROTO_UDP; bit <<= 1) {
			int err;

			if (!(nc->protos & bit))
				continue;
			nc->n.proto = bit;
			nc->n.port = nc->ports[i];
			err = profile_add_net(r->p, &nc->n);
			if (err)
				return err == -ENOMEM ? nomem(r)
						      : rerr(r, at, "%s", strerror(-err));
		}
	return 0;
}

static int add_cidr(struct rd *r, const struct ynode *n, void *arg)
{
	struct net_ctx *nc = arg;
	struct rc_cidr cidr;
	const char *why;

	if (rc_cidr_parse(n->str, &cidr, &why))
		return rerr(r, n, "invalid CIDR '%s': %s", n->str, why);
	if (cidr.len != 128)
		return rerr(r, n,
			    "a profile connects to single addresses (/32, /128), not to "
			    "the network '%s'",
			    n->str);
	memcpy(nc->n.addr, cidr.addr, sizeof(nc->n.addr));
	return add_endpoints(r, n, nc);
}

/* A unix socket by path. */
static int add_unix(struct rd *r, const struct ynode *n, void *arg)
{
	struct prof_net un = { .bind = *(const bool *)arg };
	int err = norm_path(r, n, false, &un.unix_path);

	if (err)
		return err;
	err = profile_add_net(r->p, &un);
	free(un.unix_path);
	if (err == -ENOMEM)
		return nomem(r);
	return err ? rerr(r, n, "'%s': %s", n->str, strerror(-err)) : 0;
}

static int read_endpoint(struct rd *r, const struct ynode *m, bool bind)
{
	static const char *const keys[] = { "cidrs", "ports", "protocols", "unix" };
	struct net_ctx nc = { .n.bind = bind, .protos = WARD_PROTO_TCP | WARD_PROTO_UDP };
	const char *what = bind ? "bind" : "connect";
	const struct ynode *protos, *ux;
	int err;

	ux = m->type == YN_MAP ? ynode_get(m, "unix") : NULL;
	if (ux) {
		if (m->n > 2)
			return rerr(r, m,
				    "'unix' cannot be combined with cidrs, ports or protocols");
		return each_scalar(r, ux, "unix", add_unix, &bind);
	}
	err = check_keys(r, m, keys, ARRAY_SIZE(keys) - 1, bind ? 2u : 3u, what);
	if (err)
		return err;
	if (bind && ynode_get(m, "cidrs"))
		return rerr(r, ynode_get(m, "cidrs"),
			    "a profile's bind endpoints are ports, without addresses");
	protos = ynode_get(m, "protocols");
	if (protos) {
		nc.protos = 0;
		err = each_scalar(r, protos, "protocols", add_proto, &nc.protos);
	}
	if (!err)
		err = each_scalar(r, ynode_get(m, "ports"), "ports", add_port, &nc);
	if (!err)
		err = bind ? add_endpoints(r, m, &nc)
			   : each_scalar(r, ynode_get(m, "cidrs"), "cidrs", add_cidr, &nc);
	free(nc.ports);
	return err;
}

static int read_network(struct rd *r, const struct ynode *b)
{
	static const char *const keys[] = { "connect", "bind" };
	int err = check_keys(r, b, keys, ARRAY_SIZE(keys), 0, "network block");

	if (err)
		return err;
	if (!ynode_get(b, "connect") && !ynode_get(b, "bind"))
		return rerr(r, b, "network block needs 'connect' or 'bind'");
	if (ynode_get(b, "connect"))
		err = read_endpoint(r, ynode_get(b, "connect"), false);
	if (!err && ynode_get(b, "bind"))
		err = read_endpoint(r, ynode_get(b, "bind"), true);
	return err;
}

static int add_cap(struct rd *r, const struct ynode *n, void *arg)
{
	uint32_t cap;

	(void)arg;
	if (rc_cap_lookup(n->str, &cap))
		return rerr(r, n, "unknown capability '%s'", n->str);
	return profile_add_cap(r->p, cap, false, "") ? nomem(r) : 0;
}

static int add_syscall(struct rd *r, const struct ynode *n, void *arg)
{
	(void)arg;
	if (seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, n->str) == __NR_SCMP_ERROR)
		return rerr(r, n, "unknown x86_64 syscall '%s'", n->str);
	return profile_add_syscall(r->p, PROF_ABI_X86_64, n->str, 0) ? nomem(r) : 0;
}

static int read_names(struct rd *r, const struct ynode *b, bool caps)
{
	static const char *const keys[] = { "names" };
	const char *what = caps ? "capabilities block" : "syscalls block";

	return check_keys(r, b, keys, ARRAY_SIZE(keys), 1, what)
		       ?: each_scalar(r, ynode_get(b, "names"), "names",
				      caps ? add_cap : add_syscall, NULL);
}

static int read_blocks(struct rd *r, const struct ynode *spec, const char *key,
		       int (*fn)(struct rd *, const struct ynode *))
{
	const struct ynode *seq = ynode_get(spec, key);
	int err = 0;

	if (!seq)
		return 0;
	if (want(r, seq, YN_SEQ, key))
		return -EINVAL;
	for (size_t i = 0; !err && i < seq->n; i++)
		err = fn(r, seq->kids[i]);
	return err;
}

static int read_caps(struct rd *r, const struct ynode *b)
{
	return read_names(r, b, true);
}

static int read_syscalls(struct rd *r, const struct ynode *b)
{
	return read_names(r, b, false);
}

static int set_enum(struct rd *r, const struct ynode *n, const char *what, const char *a,
		    const char *b, char **ret)
{
	if (want(r, n, YN_SCALAR, what))
		return -EINVAL;
	if (strcmp(n->str, a) && strcmp(n->str, b))
		return rerr(r, n, "%s must be %s or %s, not '%s'", what, a, b, n->str);
	*ret = strdup(n->str);
	return *ret ? 0 : nomem(r);
}

static int read_profile(struct rd *r, const struct ynode *doc, const struct ynode *meta)
{
	static const char *const meta_keys[] = { "name", "description" };
	static const char *const spec_keys[] = { "selector",   "mode",	       "posture",
						 "provenance", "exec",	       "file",
						 "network",    "capabilities", "syscalls" };
	static const char *const sel_keys[] = { "containers" };
	const struct ynode *spec = ynode_get(doc, "spec"), *name;
	int err;

	err = check_keys(r, meta, meta_keys, ARRAY_SIZE(meta_keys), 1, "metadata");
	if (err)
		return err;
	name = ynode_get(meta, "name");
	if (want(r, name, YN_SCALAR, "metadata.name"))
		return -EINVAL;
	r->p = profile_new(name->str);
	if (!r->p)
		return nomem(r);
	if (!spec)
		return rerr(r, doc, "the Profile has no spec");
	err = check_keys(r, spec, spec_keys, ARRAY_SIZE(spec_keys), 0xf, "profile spec") ?:
	      check_keys(r, ynode_get(spec, "selector"), sel_keys, ARRAY_SIZE(sel_keys), 1,
			 "a profile's selector") ?:
	      each_scalar(r, ynode_get(ynode_get(spec, "selector"), "containers"), "containers",
			  add_selector, NULL) ?:
	      set_enum(r, ynode_get(spec, "mode"), "mode", "audit", "enforce", &r->p->mode) ?:
	      set_enum(r, ynode_get(spec, "posture"), "posture", "alert", "block",
		       &r->p->posture) ?:
	      read_provenance(r, ynode_get(spec, "provenance")) ?:
	      read_blocks(r, spec, "exec", read_exec) ?:
	      read_blocks(r, spec, "file", read_file_block) ?:
	      read_blocks(r, spec, "network", read_network) ?:
	      read_blocks(r, spec, "capabilities", read_caps) ?:
	      read_blocks(r, spec, "syscalls", read_syscalls);
	return err;
}

/* ---- the observations list --------------------------------------------------------- */

static int dup_opt(struct rd *r, char **dst, const char *s)
{
	if (!s)
		return 0;
	free(*dst);
	*dst = strdup(s);
	return *dst ? 0 : nomem(r);
}

static int obs_recording(struct rd *r, const struct ynode *n, json_t *o)
{
	struct prof_provenance *v = &r->p->prov;
	const char *ward = NULL, *kernel = NULL, *arch = NULL, *libseccomp = NULL, *rt = NULL;
	json_int_t start = 0, end = 0, events = 0, max64 = 0, max32 = 0;
	json_error_t je;

	if (json_unpack_ex(o, &je, JSON_STRICT,
			   "{s:{s?s, s?s, s?s, s?s, s?s, s?I, s?I, s?I, s?{s?I, s?I}}}",
			   "recording", "ward", &ward, "kernel", &kernel, "arch", &arch,
			   "libseccomp", &libseccomp, "runtime", &rt, "start", &start, "end", &end,
			   "events", &events, "syscallMax", "x86_64", &max64, "i386", &max32))
		return rerr(r, n, "recording: %s", je.text);
	if (start < 0 || end < start || events < 0 || max64 < 0 || max32 < 0 ||
	    max64 > UINT32_MAX || max32 > UINT32_MAX)
		return rerr(r, n, "recording: start <= end, events and syscallMax >= 0");
	if (start || end) {
		v->start = start;
		v->end = end;
	}
	v->syscall_max[PROF_ABI_X86_64] = (uint32_t)max64;
	v->syscall_max[PROF_ABI_I386] = (uint32_t)max32;
	return dup_opt(r, &v->ward, ward) ?: dup_opt(r, &v->kernel, kernel) ?:
	       dup_opt(r, &v->arch, arch) ?: dup_opt(r, &v->libseccomp, libseccomp) ?:
	       dup_opt(r, &v->runtime, rt);
}

static int obs_syscall(struct rd *r, const struct ynode *n, json_t *o)
{
	const char *name, *abi;
	json_int_t count;
	json_error_t je;

	if (json_unpack_ex(o, &je, JSON_STRICT, "{s:s, s:s, s:I}", "syscall", &name, "abi", &abi,
			   "count", &count))
		return rerr(r, n, "syscall: %s", je.text);
	if (count < 0)
		return rerr(r, n, "syscall '%s': negative count", name);
	if (strcmp(abi, "i386") == 0) {
		if (seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, name) == __NR_SCMP_ERROR)
			return rerr(r, n, "unknown i386 syscall '%s'", name);
		return profile_add_syscall(r->p, PROF_ABI_I386, name, (uint64_t)count) ? nomem(r)
										       : 0;
	}
	if (strcmp(abi, "x86_64"))
		return rerr(r, n, "unknown ABI '%s' (x86_64, i386)", abi);
	/* The Profile's syscalls decide which x86_64 names there are. */
	for (size_t i = 0; i < r->p->n_sys; i++)
		if (r->p->sys[i].abi == PROF_ABI_X86_64 && strcmp(r->p->sys[i].name, name) == 0)
			r->p->sys[i].count = (uint64_t)count;
	return 0;
}

static struct prof_exec *find_exec(struct profile *p, const char *path)
{
	for (size_t i = 0; i < p->n_exec; i++)
		if (strcmp(p->exec[i].path, path) == 0)
			return &p->exec[i];
	return NULL;
}

static int obs_exec(struct rd *r, const struct ynode *n, json_t *o)
{
	const char *path, *parent;
	struct prof_exec *e;
	json_int_t count;
	json_error_t je;

	if (!json_unpack_ex(o, &je, JSON_STRICT, "{s:s, s:I}", "exec", &path, "count", &count)) {
		if (count < 0)
			return rerr(r, n, "exec '%s': negative count", path);
		e = find_exec(r->p, path);
		if (e)
			e->count = (uint64_t)count;
		return 0;
	}
	if (json_unpack_ex(o, &je, JSON_STRICT, "{s:s, s:s}", "exec", &path, "parent", &parent))
		return rerr(r, n,
			    "exec items are {\"exec\", \"count\"} or {\"exec\", \"parent\"}: %s",
			    je.text);
	if (parent[0] && parent[0] != '/')
		return rerr(r, n, "exec '%s': the parent '%s' is not an absolute path", path,
			    parent);
	e = find_exec(r->p, path);
	return e ? add_str(r, &e->parents, &e->n_parents, parent) : 0;
}

static int obs_pattern(struct rd *r, const struct ynode *n, json_t *o)
{
	const char *pattern, *raw;
	json_error_t je;

	if (json_unpack_ex(o, &je, JSON_STRICT, "{s:s, s:s}", "pattern", &pattern, "covers", &raw))
		return rerr(r, n, "pattern: %s", je.text);
	if (raw[0] != '/')
		return rerr(r, n, "pattern '%s' covers '%s', which is not an absolute path",
			    pattern, raw);
	for (size_t i = 0; i < r->p->n_files; i++)
		if (strcmp(r->p->files[i].path, pattern) == 0)
			return prof_file_cover(&r->p->files[i], raw) ? nomem(r) : 0;
	return 0;
}

static int obs_capability(struct rd *r, const struct ynode *n, json_t *o)
{
	const char *name, *evidence;
	json_error_t je;
	uint32_t cap;
	int inferred;

	if (json_unpack_ex(o, &je, JSON_STRICT, "{s:s, s:b, s:s}", "capability", &name, "inferred",
			   &inferred, "evidence", &evidence))
		return rerr(r, n, "capability: %s", je.text);
	if (rc_cap_lookup(name, &cap))
		return rerr(r, n, "unknown capability '%s'", name);
	for (size_t i = 0; i < r->p->n_caps; i++) {
		struct prof_cap *c = &r->p->caps[i];

		if (c->cap != cap)
			continue;
		c->inferred = inferred;
		return dup_opt(r, &c->evidence, evidence);
	}
	return 0;
}

/* A container already running when learning began (prov.partial). */
static int obs_partial(struct rd *r, const struct ynode *n, json_t *o)
{
	const char *name;
	json_error_t je;

	if (json_unpack_ex(o, &je, JSON_STRICT, "{s:s}", "partial", &name))
		return rerr(r, n, "partial: %s", je.text);
	if (!name[0])
		return rerr(r, n, "partial: an empty container name");
	return add_str(r, &r->p->prov.partial, &r->p->prov.n_partial, name);
}

static int read_item(struct rd *r, const struct ynode *n)
{
	static const struct {
		const char *key;
		int (*fn)(struct rd *, const struct ynode *, json_t *);
	} kinds[] = {
		{ "recording", obs_recording },
		{ "syscall", obs_syscall },
		{ "exec", obs_exec },
		{ "pattern", obs_pattern },
		{ "capability", obs_capability },
		{ "partial", obs_partial },
	};
	json_error_t je;
	json_t *o;
	int err;

	if (want(r, n, YN_SCALAR, "an observation"))
		return -EINVAL;
	o = json_loadb(n->str, n->len, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return rerr(r, n, "observation is not JSON: %s (column %d of the item)", je.text,
			    je.column);
	for (size_t k = 0; json_is_object(o) && k < ARRAY_SIZE(kinds); k++)
		if (json_object_get(o, kinds[k].key)) {
			err = kinds[k].fn(r, n, o);
			json_decref(o);
			return err;
		}
	json_decref(o);
	return rerr(r, n,
		    "an observation is a JSON object with one of recording, syscall, "
		    "exec, pattern, capability or partial");
}

static int read_observed(struct rd *r, const struct ynode *doc, const struct ynode *meta)
{
	static const char *const meta_keys[] = { "name", "description" };
	static const char *const spec_keys[] = { "items" };
	const struct ynode *spec = ynode_get(doc, "spec"), *items;
	int err = check_keys(r, meta, meta_keys, ARRAY_SIZE(meta_keys), 1, "metadata");

	if (err)
		return err;
	if (!spec)
		return rerr(r, doc, "the list has no spec");
	err = check_keys(r, spec, spec_keys, ARRAY_SIZE(spec_keys), 1, "list spec");
	items = err ? NULL : ynode_get(spec, "items");
	if (items && !(err = want(r, items, YN_SEQ, "items")))
		for (size_t i = 0; !err && i < items->n; i++)
			err = read_item(r, items->kids[i]);
	return err;
}

/* ---- documents --------------------------------------------------------------------- */

/* The kind of a document ("Profile", "List") after checking its frame. */
static int doc_frame(struct rd *r, const struct ynode *doc, const char **ret_kind,
		     const struct ynode **ret_meta)
{
	static const char *const keys[] = { "apiVersion", "kind", "metadata", "spec" };
	const struct ynode *v, *k, *m;
	int err = check_keys(r, doc, keys, ARRAY_SIZE(keys), 0x7, "a profile document");

	if (err)
		return err;
	v = ynode_get(doc, "apiVersion");
	k = ynode_get(doc, "kind");
	m = ynode_get(doc, "metadata");
	if (want(r, v, YN_SCALAR, "apiVersion") || want(r, k, YN_SCALAR, "kind") ||
	    want(r, m, YN_MAP, "metadata"))
		return -EINVAL;
	if (strcmp(v->str, API_VERSION))
		return rerr(r, v, "unsupported apiVersion '%s' (%s)", v->str, API_VERSION);
	if (strcmp(k->str, "Profile") && strcmp(k->str, "List"))
		return rerr(r, k, "a profile file holds a Profile and its List, not a %s", k->str);
	*ret_kind = k->str;
	*ret_meta = m;
	return 0;
}

static int read_docs(struct rd *r)
{
	const struct ynode *profile = NULL, *meta = NULL;
	const char *kind;
	int err = 0;

	for (size_t i = 0; !err && i < r->src->n_docs; i++) {
		const struct ynode *m;

		err = doc_frame(r, r->src->docs[i], &kind, &m);
		if (err || strcmp(kind, "Profile"))
			continue;
		if (profile)
			return rerr(r, r->src->docs[i],
				    "a second Profile (one per file: the first "
				    "is at line %u)",
				    profile->line);
		profile = r->src->docs[i];
		meta = m;
	}
	if (err)
		return err;
	if (!profile)
		return rerr(r, r->src->docs[0], "no kind: Profile document");
	err = read_profile(r, profile, meta);
	for (size_t i = 0; !err && i < r->src->n_docs; i++) {
		const struct ynode *doc = r->src->docs[i], *name;
		size_t len;

		if (doc == profile)
			continue;
		(void)doc_frame(r, doc, &kind, &meta);
		name = ynode_get(meta, "name");
		if (!name || name->type != YN_SCALAR)
			return rerr(r, name ? name : meta, "the list needs a name");
		len = strlen(r->p->name);
		if (strncmp(name->str, r->p->name, len) || strcmp(name->str + len, OBSERVED_SUFFIX))
			return rerr(r, name,
				    "the list '%s' is not the profile's observations "
				    "('%s%s')",
				    name->str, r->p->name, OBSERVED_SUFFIX);
		err = read_observed(r, doc, meta);
	}
	return err;
}

int profile_read_buffer(const char *name, const char *buf, size_t len, struct profile **ret,
			struct rc_diags *d)
{
	struct rc_diags yd;
	struct ysrc *src = NULL;
	struct rd r = { .d = d };
	int err;

	rc_diags_init(&yd);
	err = ysrc_parse(name, buf, len, &yd, &src);
	if (err == -EINVAL && !yd.n_errors)
		rc_diag(&yd, RC_ERROR, "invalid-profile", &(const struct rc_loc){ .file = name },
			NULL, "not a YAML profile");
	if (err)
		rc_diags_move(d, &yd); /* the YAML reader's, at their places */
	rc_diags_free(&yd);
	if (err)
		return err;
	r.src = src;
	err = read_docs(&r);
	if (r.oom)
		err = -ENOMEM;
	ysrc_free(src);
	if (err) {
		profile_free(r.p);
		return err;
	}
	profile_sort(r.p);
	*ret = r.p;
	return 0;
}

int profile_read_file(const char *path, struct profile **ret, struct rc_diags *d)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	err = rc_read_file(path, RC_FILE_MAX, &buf, &len);
	if (err) {
		rc_diag(d, RC_ERROR, "profile-unreadable", &(const struct rc_loc){ .file = path },
			NULL, "%s",
			err == -EFBIG	 ? "larger than a profile can be (4 MiB)"
			: err == -EINVAL ? "not a regular file"
					 : strerror(-err));
		return err;
	}
	err = profile_read_buffer(path, (const char *)buf, len, ret, d);
	free(buf);
	return err;
}
