// SPDX-License-Identifier: Apache-2.0
/* Learned profiles: the model, path generalisation, YAML, diff, merge, exports. */
#include <errno.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <seccomp.h>
#include <sys/capability.h>

#include "ward/bundle_maps.h"
#include "core/output.h"
#include "profile.h"
#include "profile_int.h"
#include "seccomp/seccomp_json.h"
#include "rulesc.h"

#define ARRAY_SIZE(a)	  (sizeof(a) / sizeof((a)[0]))
#define ENOSYS_SCAN	  1024 /* syscall numbers scanned for "newer than the kernel" */
#define STAMP_PARTIAL_MAX 4    /* partial containers the stamp names */
#define TEMP_RUN_MIN	  6    /* mktemp(3): "the last six characters of template must be XXXXXX" */

const char *prof_abi_name(uint32_t abi)
{
	return abi == PROF_ABI_I386 ? "i386" : "x86_64";
}

static uint32_t abi_arch(uint32_t abi)
{
	return abi == PROF_ABI_I386 ? SCMP_ARCH_X86 : SCMP_ARCH_X86_64;
}

/* ---- model ---------------------------------------------------------------------- */

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int prof_strv_add(char ***v, size_t *n, const char *s)
{
	char **nv, *d;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return 0;
	d = strdup(s);
	nv = d ? realloc(*v, (*n + 1) * sizeof(*nv)) : NULL;
	if (!nv) {
		free(d);
		return -ENOMEM;
	}
	nv[(*n)++] = d;
	*v = nv;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strv_sort(char **v, size_t n)
{
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
}

/* Grow an array by one zeroed element; returns it or NULL. */
static void *grow(void **v, size_t *n, size_t size)
{
	char *nv = realloc(*v, (*n + 1) * size);

	if (!nv)
		return NULL;
	*v = nv;
	memset(nv + *n * size, 0, size);
	return nv + (*n)++ * size;
}

struct profile *profile_new(const char *name)
{
	struct profile *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->name = strdup(name);
	if (!p->name) {
		free(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

static void prov_free(struct prof_provenance *v)
{
	free(v->ward);
	free(v->kernel);
	free(v->arch);
	free(v->libseccomp);
	free(v->runtime);
	strv_free(v->containers, v->n_containers);
	strv_free(v->partial, v->n_partial);
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->mode);
	free(p->posture);
	strv_free(p->selector, p->n_selector);
	prov_free(&p->prov);
	for (size_t i = 0; i < p->n_sys; i++)
		free(p->sys[i].name);
	free(p->sys);
	for (size_t i = 0; i < p->n_exec; i++) {
		free(p->exec[i].path);
		strv_free(p->exec[i].parents, p->exec[i].n_parents);
	}
	free(p->exec);
	for (size_t i = 0; i < p->n_files; i++) {
		free(p->files[i].path);
		strv_free(p->files[i].covers, p->files[i].n_covers);
	}
	free(p->files);
	for (size_t i = 0; i < p->n_net; i++)
		free(p->net[i].unix_path);
	free(p->net);
	for (size_t i = 0; i < p->n_caps; i++)
		free(p->caps[i].evidence);
	free(p->caps);
	free(p);
}

int profile_add_syscall(struct profile *p, uint32_t abi, const char *name, uint64_t count)
{
	struct prof_syscall *s;

	if (abi >= PROF_ABI__MAX)
		return -EINVAL;
	for (size_t i = 0; i < p->n_sys; i++)
		if (p->sys[i].abi == abi && strcmp(p->sys[i].name, name) == 0) {
			p->sys[i].count += count;
			return 0;
		}
	s = grow((void **)&p->sys, &p->n_sys, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->abi = abi;
	s->count = count;
	s->name = strdup(name);
	if (!s->name) {
		p->n_sys--;
		return -ENOMEM;
	}
	return 0;
}

/* What a policy can name: absolute, within the kernel's path limits. */
static int path_ok(const char *path)
{
	size_t depth = 0;

	if (path[0] != '/')
		return -EINVAL;
	if (strlen(path) >= WARD_PATH_MAX)
		return -ENAMETOOLONG;
	for (const char *c = path; *c; c++)
		depth += *c == '/';
	return depth > WARD_PATH_DEPTH ? -ENAMETOOLONG : 0;
}

int profile_add_exec(struct profile *p, const char *path, const char *parent, uint64_t count)
{
	struct prof_exec *e = NULL;
	int err = path_ok(path);

	if (err)
		return err;

	for (size_t i = 0; i < p->n_exec && !e; i++)
		if (strcmp(p->exec[i].path, path) == 0)
			e = &p->exec[i];
	if (!e) {
		e = grow((void **)&p->exec, &p->n_exec, sizeof(*e));
		if (!e)
			return -ENOMEM;
		e->path = strdup(path);
		if (!e->path) {
			p->n_exec--;
			return -ENOMEM;
		}
	}
	e->count += count;
	return parent ? (prof_strv_add(&e->parents, &e->n_parents, parent) < 0 ? -ENOMEM : 0) : 0;
}

int profile_add_file(struct profile *p, const char *path, uint32_t access)
{
	struct prof_file *f;
	int err = path_ok(path);

	if (err)
		return err;
	if (!access || access & ~(uint32_t)WARD_ACC_ALL)
		return -EINVAL;
	for (size_t i = 0; i < p->n_files; i++)
		if (strcmp(p->files[i].path, path) == 0) {
			p->files[i].access |= access;
			return 0;
		}
	f = grow((void **)&p->files, &p->n_files, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->access = access;
	f->path = strdup(path);
	if (!f->path) {
		p->n_files--;
		return -ENOMEM;
	}
	return 0;
}

static bool net_eq(const struct prof_net *a, const struct prof_net *b)
{
	if (a->unix_path || b->unix_path)
		return a->bind == b->bind && a->unix_path && b->unix_path &&
		       strcmp(a->unix_path, b->unix_path) == 0;
	return a->bind == b->bind && a->proto == b->proto && a->port == b->port &&
	       (a->bind || memcmp(a->addr, b->addr, sizeof(a->addr)) == 0);
}

int profile_add_net(struct profile *p, const struct prof_net *n)
{
	struct prof_net *d;
	int err;

	if (n->unix_path) {
		err = path_ok(n->unix_path);
		if (err)
			return err;
	} else if (n->proto != WARD_PROTO_TCP && n->proto != WARD_PROTO_UDP) {
		return -EINVAL;
	}
	for (size_t i = 0; i < p->n_net; i++)
		if (net_eq(&p->net[i], n))
			return 0;
	d = grow((void **)&p->net, &p->n_net, sizeof(*d));
	if (!d)
		return -ENOMEM;
	*d = *n;
	if (d->bind || d->unix_path)
		memset(d->addr, 0, sizeof(d->addr));
	if (d->unix_path) {
		d->proto = d->port = 0;
		d->unix_path = strdup(n->unix_path);
		if (!d->unix_path) {
			p->n_net--;
			return -ENOMEM;
		}
	}
	return 0;
}

int profile_add_cap(struct profile *p, uint32_t cap, bool inferred, const char *evidence)
{
	struct prof_cap *c;

	if (!cap_valid((int)cap))
		return -EINVAL;
	for (size_t i = 0; i < p->n_caps; i++)
		if (p->caps[i].cap == cap) {
			/* Seen by the kernel once: no longer only inferred. */
			p->caps[i].inferred &= inferred;
			return 0;
		}
	c = grow((void **)&p->caps, &p->n_caps, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->cap = cap;
	c->inferred = inferred;
	c->evidence = strdup(evidence ? evidence : "");
	if (!c->evidence) {
		p->n_caps--;
		return -ENOMEM;
	}
	return 0;
}

int profile_add_container(struct profile *p, const char *name)
{
	int r = prof_strv_add(&p->prov.containers, &p->prov.n_containers, name);

	if (r < 0)
		return r;
	r = prof_strv_add(&p->selector, &p->n_selector, name);
	return r < 0 ? r : 0;
}

int profile_mark_partial(struct profile *p, const char *name)
{
	return prof_strv_add(&p->prov.partial, &p->prov.n_partial, name) < 0 ? -ENOMEM : 0;
}

/* Syscalls that do their work only with a capability (capabilities(7)); some
 * also succeed without one in some cases, hence "inferred". */
static const struct {
	const char *syscall;
	uint32_t cap;
} cap_syscalls[] = {
	{ "chroot", CAP_SYS_CHROOT },
	{ "mknod", CAP_MKNOD },
	{ "mknodat", CAP_MKNOD },
	{ "setuid", CAP_SETUID },
	{ "setreuid", CAP_SETUID },
	{ "setresuid", CAP_SETUID },
	{ "setfsuid", CAP_SETUID },
	{ "setgid", CAP_SETGID },
	{ "setregid", CAP_SETGID },
	{ "setresgid", CAP_SETGID },
	{ "setfsgid", CAP_SETGID },
	{ "setgroups", CAP_SETGID },
	{ "mount", CAP_SYS_ADMIN },
	{ "umount2", CAP_SYS_ADMIN },
	{ "pivot_root", CAP_SYS_ADMIN },
	{ "unshare", CAP_SYS_ADMIN },
	{ "setns", CAP_SYS_ADMIN },
	{ "sethostname", CAP_SYS_ADMIN },
	{ "setdomainname", CAP_SYS_ADMIN },
	{ "swapon", CAP_SYS_ADMIN },
	{ "swapoff", CAP_SYS_ADMIN },
	{ "fsopen", CAP_SYS_ADMIN },
	{ "settimeofday", CAP_SYS_TIME },
	{ "clock_settime", CAP_SYS_TIME },
	{ "adjtimex", CAP_SYS_TIME },
	{ "clock_adjtime", CAP_SYS_TIME },
	{ "reboot", CAP_SYS_BOOT },
	{ "kexec_load", CAP_SYS_BOOT },
	{ "init_module", CAP_SYS_MODULE },
	{ "finit_module", CAP_SYS_MODULE },
	{ "delete_module", CAP_SYS_MODULE },
	{ "iopl", CAP_SYS_RAWIO },
	{ "ioperm", CAP_SYS_RAWIO },
	{ "acct", CAP_SYS_PACCT },
	{ "vhangup", CAP_SYS_TTY_CONFIG },
	{ "ptrace", CAP_SYS_PTRACE },
	/* the i386 ABI's names for the same */
	{ "setuid32", CAP_SETUID },
	{ "setreuid32", CAP_SETUID },
	{ "setresuid32", CAP_SETUID },
	{ "setfsuid32", CAP_SETUID },
	{ "setgid32", CAP_SETGID },
	{ "setregid32", CAP_SETGID },
	{ "setresgid32", CAP_SETGID },
	{ "setfsgid32", CAP_SETGID },
	{ "setgroups32", CAP_SETGID },
	{ "chown32", CAP_CHOWN },
	{ "lchown32", CAP_CHOWN },
	{ "fchown32", CAP_CHOWN },
};

int profile_infer_caps(struct profile *p, uint16_t unpriv_port_start)
{
	char why[WARD_PATH_MAX + 64];
	int err = 0;

	for (size_t i = 0; !err && i < p->n_net; i++) {
		if (!p->net[i].bind || p->net[i].unix_path || p->net[i].port >= unpriv_port_start)
			continue;
		snprintf(why, sizeof(why), "bind to port %u", p->net[i].port);
		err = profile_add_cap(p, CAP_NET_BIND_SERVICE, true, why);
	}
	for (size_t i = 0; !err && i < p->n_files; i++) {
		if (!(p->files[i].access & WARD_ACC_CHOWN))
			continue;
		snprintf(why, sizeof(why), "chown of %s", p->files[i].path);
		err = profile_add_cap(p, CAP_CHOWN, true, why);
	}
	for (size_t i = 0; !err && i < p->n_sys; i++)
		for (size_t k = 0; !err && k < ARRAY_SIZE(cap_syscalls); k++) {
			if (strcmp(p->sys[i].name, cap_syscalls[k].syscall))
				continue;
			snprintf(why, sizeof(why), "syscall %s (%s)", p->sys[i].name,
				 prof_abi_name(p->sys[i].abi));
			err = profile_add_cap(p, cap_syscalls[k].cap, true, why);
		}
	return err;
}

/* ---- generalisation ------------------------------------------------------------- */

/* What name_shape() turned into '*'. */
enum shape {
	SHAPE_COUNTED = 1, /* digits, hex runs: a glob once more than threshold siblings share it */
	SHAPE_TEMP = 2,	   /* a temporary name's random run: a glob even for one file */
};

/* Directories of temporary files: there a name that ends in a random run
 * is one mktemp(1), mkstemp(3) and the like made up. */
static const char *const temp_dirs[] = { "/tmp/", "/var/tmp/", "/dev/shm/" };

/* The length of the temporary directory path lies below ("/tmp/"), 0 if none. */
static size_t temp_dir_len(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(temp_dirs); i++)
		if (strncmp(path, temp_dirs[i], strlen(temp_dirs[i])) == 0)
			return strlen(temp_dirs[i]);
	return 0;
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/*
 * s[0, n) looks like the XXXXXX of a mktemp template (random letters and
 * digits). After a "tmp" prefix: 6 or more with a digit or a capital, or 8 or
 * more of any (mktemp(1) writes 10, Python's tempfile 8 of [a-z0-9_]);
 * elsewhere: 6 or more that mix letters and digits, or lower and upper case
 * past the first letter (a capitalised word is not random).
 */
static bool looks_random(const char *s, size_t n, bool after_tmp)
{
	bool digit = false, lower = false, upper = false, inner_upper = false;

	if (n < TEMP_RUN_MIN)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		digit |= isdigit(c) != 0;
		lower |= islower(c) != 0;
		upper |= isupper(c) != 0;
		inner_upper |= i && isupper(c);
	}
	if (after_tmp)
		return digit || upper || n >= 8;
	return (digit && (lower || upper)) || (lower && inner_upper);
}

/* "tmp" or "tmp." ends at name[i], starting the name or after a separator. */
static bool after_tmp(const char *name, size_t i)
{
	size_t k = i >= 1 && name[i - 1] == '.' ? i - 1 : i;

	return k >= 3 && strncmp(name + k - 3, "tmp", 3) == 0 &&
	       (k == 3 || !isalnum((unsigned char)name[k - 4]));
}

/*
 * The length of a temporary name's random run at name[i], 0 if none: after
 * "tmp" or "tmp." (mktemp(1)'s tmp.XXXXXXXXXX, mkstemp's tmpXXXXXX, Python's
 * tmpXXXXXXXX with '_' inside), anywhere; and in a temporary directory, a run
 * that starts the name or follows '.', '-' or '_' (mktemp /tmp/XXXXXX,
 * /tmp/upload.XXXXXX, /tmp/report-XXXXXX.json). The run ends the name or
 * comes before a '.' (mkstemps' suffix).
 */
static size_t temp_run(const char *name, size_t n, size_t i, bool temp_dir)
{
	bool tmp = after_tmp(name, i);
	size_t k = i;

	if (tmp && name[i] != '_') {
		while (k < n && (isalnum((unsigned char)name[k]) || name[k] == '_'))
			k++;
		if ((k == n || name[k] == '.') && looks_random(name + i, k - i, true))
			return k - i;
	}
	if (!temp_dir || (i && isalnum((unsigned char)name[i - 1])))
		return 0;
	for (k = i; k < n && isalnum((unsigned char)name[k]);)
		k++;
	return (k == n || name[k] == '.') && looks_random(name + i, k - i, false) ? k - i : 0;
}

/*
 * The shape of a file name, as a glob: a temporary name's random run
 * (temp_run) becomes '*' (SHAPE_TEMP), and so do runs of digits and hex runs
 * of 8 or more with a digit (SHAPE_COUNTED); glob characters of the rest are
 * escaped. temp_dir: the name is in a temporary directory. Returns what was
 * replaced, 0 if nothing (or out is too small).
 */
static unsigned int name_shape(const char *name, bool temp_dir, char *out, size_t size)
{
	size_t o = 0, i = 0, n = strlen(name);
	unsigned int shape = 0;

	while (i < n && o + 3 < size) {
		size_t j = i, t = temp_run(name, n, i, temp_dir);
		bool digit = false;

		if (t) {
			out[o++] = '*';
			i += t;
			shape |= SHAPE_TEMP;
			continue;
		}
		while (j < n && isxdigit((unsigned char)name[j])) {
			digit |= isdigit((unsigned char)name[j]) != 0;
			j++;
		}
		if ((j - i >= 8 && digit) || all_digits(name + i, j - i)) {
			out[o++] = '*';
			i = j;
			shape |= SHAPE_COUNTED;
			continue;
		}
		if (strchr("*?[\\", name[i]))
			out[o++] = '\\';
		out[o++] = name[i++];
	}
	out[o] = '\0';
	return i == n ? shape : 0;
}

/* A directory named as a temporary one (mktemp -d), c[0, len). */
static bool temp_component(const char *c, size_t len, bool temp_dir)
{
	char comp[256], shape[256];

	if (len >= sizeof(comp))
		return false;
	memcpy(comp, c, len);
	comp[len] = '\0';
	return name_shape(comp, temp_dir, shape, sizeof(shape)) & SHAPE_TEMP;
}

/* A path with a generated directory in it becomes the directory prefix
 * before that: a component made of digits (a pid: /proc/1234/stat, or the
 * directory /proc/1234 itself), or a temporary name above the last
 * component (mktemp -d: /tmp/tmp.Xk3Pq9ZbW1/out -> /tmp/): rulesc takes
 * globs in the last component only. */
static bool generated_dir_prefix(const char *path, size_t *ret_len)
{
	size_t tdir = temp_dir_len(path);

	for (const char *c = path + 1; *c;) {
		const char *e = strchrnul(c, '/');
		size_t len = (size_t)(e - c);

		if (all_digits(c, len) ||
		    (*e && temp_component(c, len, tdir && (size_t)(c - path) >= tdir))) {
			*ret_len = (size_t)(c - path);
			return true;
		}
		c = *e ? e + 1 : e;
	}
	return false;
}

int prof_file_cover(struct prof_file *f, const char *raw)
{
	return prof_strv_add(&f->covers, &f->n_covers, raw) < 0 ? -ENOMEM : 0;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct prof_file *)a)->path, ((const struct prof_file *)b)->path);
}

/* Replace entries by a pattern entry that covers them. */
static int fold(struct profile *p, const char *pattern,
		bool (*belongs)(const char *, const char *, const void *), const void *arg)
{
	struct prof_file *pf = NULL;
	size_t w = 0;
	int err = 0;

	for (size_t i = 0; i < p->n_files; i++)
		if (strcmp(p->files[i].path, pattern) == 0)
			pf = &p->files[i];
	for (size_t i = 0; i < p->n_files; i++) {
		struct prof_file *f = &p->files[i];

		if (f == pf || !belongs(f->path, pattern, arg)) {
			p->files[w++] = *f;
			continue;
		}
		if (!pf) {
			/* Reuse this slot for the pattern. */
			char *pat = strdup(pattern);

			if (!pat)
				return -ENOMEM;
			err = prof_file_cover(f, f->path);
			free(f->path);
			f->path = pat;
			pf = &p->files[w];
			p->files[w++] = *f;
			if (err)
				return err;
			continue;
		}
		pf->access |= f->access;
		err = prof_file_cover(pf, f->path);
		for (size_t c = 0; !err && c < f->n_covers; c++)
			err = prof_file_cover(pf, f->covers[c]);
		free(f->path);
		strv_free(f->covers, f->n_covers);
		if (err)
			return err;
	}
	p->n_files = w;
	return 0;
}

static bool has_prefix(const char *path, const char *prefix, const void *arg)
{
	(void)arg;
	return strncmp(path, prefix, strlen(prefix)) == 0;
}

/* path's name has the shape of pattern's last component, in its directory. */
static bool same_shape(const char *path, const char *pattern, const void *arg)
{
	const char *slash = strrchr(path, '/'), *pslash = strrchr(pattern, '/');
	char shape[256];

	(void)arg;
	if (slash - path != pslash - pattern || strncmp(path, pattern, (size_t)(slash - path)))
		return false;
	return name_shape(slash + 1, temp_dir_len(path) != 0, shape, sizeof(shape)) &&
	       strcmp(shape, pslash + 1) == 0;
}

static int generalise(struct profile *p, size_t threshold)
{
	char buf[4096 + 2], shape[256];
	size_t i = 0;
	int err;

	/* Generated directories first: /proc/1234/stat -> /proc/ (a prefix);
	 * after a fold, from the start again. */
	while (i < p->n_files) {
		const char *path = p->files[i].path;
		size_t len;

		if (path[strlen(path) - 1] == '/' || !generated_dir_prefix(path, &len) ||
		    len >= sizeof(buf)) {
			i++;
			continue;
		}
		memcpy(buf, path, len);
		buf[len] = '\0';
		err = fold(p, buf, has_prefix, NULL);
		if (err)
			return err;
		i = 0;
	}
	/* Then siblings of one shape: temporary names always (two runs name
	 * them differently), counted shapes when more than threshold share it. */
	for (i = 0; i < p->n_files; i++) {
		const char *path = p->files[i].path, *slash = strrchr(path, '/');
		unsigned int sh;
		size_t n = 0;

		if (p->files[i].n_covers)
			continue;
		sh = name_shape(slash + 1, temp_dir_len(path) != 0, shape, sizeof(shape));
		if (!sh)
			continue;
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(slash - path), path, shape);
		for (size_t j = 0; j < p->n_files; j++)
			n += same_shape(p->files[j].path, buf, NULL);
		if (!(sh & SHAPE_TEMP) && n <= threshold)
			continue;
		err = fold(p, buf, same_shape, NULL);
		if (err)
			return err;
	}
	return 0;
}

static int cmp_sys(const void *a, const void *b)
{
	const struct prof_syscall *x = a, *y = b;

	if (x->abi != y->abi)
		return x->abi < y->abi ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_exec(const void *a, const void *b)
{
	return strcmp(((const struct prof_exec *)a)->path, ((const struct prof_exec *)b)->path);
}

static int cmp_net(const void *a, const void *b)
{
	const struct prof_net *x = a, *y = b;
	int c;

	if (x->bind != y->bind)
		return x->bind ? 1 : -1;
	if (!x->unix_path != !y->unix_path)
		return x->unix_path ? 1 : -1;
	if (x->unix_path)
		return strcmp(x->unix_path, y->unix_path);
	c = memcmp(x->addr, y->addr, sizeof(x->addr));
	if (c)
		return c;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return (int)x->proto - (int)y->proto;
}

static int cmp_cap(const void *a, const void *b)
{
	const struct prof_cap *x = a, *y = b;

	return x->cap < y->cap ? -1 : x->cap > y->cap;
}

void profile_sort(struct profile *p)
{
	if (p->n_sys)
		qsort(p->sys, p->n_sys, sizeof(*p->sys), cmp_sys);
	if (p->n_exec)
		qsort(p->exec, p->n_exec, sizeof(*p->exec), cmp_exec);
	for (size_t i = 0; i < p->n_exec; i++)
		strv_sort(p->exec[i].parents, p->exec[i].n_parents);
	if (p->n_files)
		qsort(p->files, p->n_files, sizeof(*p->files), cmp_file);
	for (size_t i = 0; i < p->n_files; i++)
		strv_sort(p->files[i].covers, p->files[i].n_covers);
	if (p->n_net)
		qsort(p->net, p->n_net, sizeof(*p->net), cmp_net);
	if (p->n_caps)
		qsort(p->caps, p->n_caps, sizeof(*p->caps), cmp_cap);
	strv_sort(p->selector, p->n_selector);
	strv_sort(p->prov.containers, p->prov.n_containers);
	strv_sort(p->prov.partial, p->prov.n_partial);
}

int profile_finish(struct profile *p, size_t threshold)
{
	int err = generalise(p, threshold);

	if (err)
		return err;
	profile_sort(p);
	return 0;
}

static int dup_field(char **dst, const char *src)
{
	if (*dst && (*dst)[0])
		return 0;
	free(*dst);
	*dst = strdup(src ? src : "");
	return *dst ? 0 : -ENOMEM;
}

static bool strv_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* The container was learned from its start in the profile of v. */
static bool learned_whole(const struct prof_provenance *v, const char *name)
{
	return strv_has(v->containers, v->n_containers, name) &&
	       !strv_has(v->partial, v->n_partial, name);
}

/* A container one input learned from its start is whole in the union: a
 * name stays partial only where no input learned that container whole.
 * Before src's containers join dst's. */
static int merge_partial(struct prof_provenance *d, const struct prof_provenance *s)
{
	size_t w = 0;
	int err = 0;

	for (size_t i = 0; i < d->n_partial; i++) {
		if (learned_whole(s, d->partial[i]))
			free(d->partial[i]);
		else
			d->partial[w++] = d->partial[i];
	}
	d->n_partial = w;
	for (size_t i = 0; !err && i < s->n_partial; i++)
		if (!learned_whole(d, s->partial[i]))
			err = prof_strv_add(&d->partial, &d->n_partial, s->partial[i]) < 0 ? -ENOMEM
											   : 0;
	return err;
}

int profile_merge(struct profile *dst, const struct profile *src)
{
	struct prof_provenance *d = &dst->prov;
	const struct prof_provenance *s = &src->prov;
	int err = 0;

	for (size_t i = 0; !err && i < src->n_sys; i++)
		err = profile_add_syscall(dst, src->sys[i].abi, src->sys[i].name,
					  src->sys[i].count);
	for (size_t i = 0; !err && i < src->n_exec; i++) {
		err = profile_add_exec(dst, src->exec[i].path, NULL, src->exec[i].count);
		for (size_t j = 0; !err && j < src->exec[i].n_parents; j++)
			err = profile_add_exec(dst, src->exec[i].path, src->exec[i].parents[j], 0);
	}
	for (size_t i = 0; !err && i < src->n_files; i++) {
		err = profile_add_file(dst, src->files[i].path, src->files[i].access);
		for (size_t j = 0; !err && j < src->files[i].n_covers; j++)
			for (size_t k = 0; k < dst->n_files; k++)
				if (!strcmp(dst->files[k].path, src->files[i].path))
					err = prof_file_cover(&dst->files[k],
							      src->files[i].covers[j]);
	}
	for (size_t i = 0; !err && i < src->n_net; i++)
		err = profile_add_net(dst, &src->net[i]);
	for (size_t i = 0; !err && i < src->n_caps; i++)
		err = profile_add_cap(dst, src->caps[i].cap, src->caps[i].inferred,
				      src->caps[i].evidence);
	if (!err)
		err = merge_partial(d, s);
	for (size_t i = 0; !err && i < s->n_containers; i++)
		err = profile_add_container(dst, s->containers[i]);
	for (size_t i = 0; !err && i < src->n_selector; i++)
		err = prof_strv_add(&dst->selector, &dst->n_selector, src->selector[i]) < 0
			      ? -ENOMEM
			      : 0;
	if (!err)
		err = dup_field(&d->ward, s->ward) ?: dup_field(&d->kernel, s->kernel) ?:
		      dup_field(&d->arch, s->arch) ?: dup_field(&d->libseccomp, s->libseccomp) ?:
		      dup_field(&d->runtime, s->runtime);
	if (err)
		return err;
	d->events += s->events;
	if (s->start && (!d->start || s->start < d->start))
		d->start = s->start;
	if (s->end > d->end)
		d->end = s->end;
	/* Two kernels: "newer than the kernel" must hold for both. */
	for (int a = 0; a < PROF_ABI__MAX; a++)
		if (s->syscall_max[a] &&
		    (!d->syscall_max[a] || s->syscall_max[a] < d->syscall_max[a]))
			d->syscall_max[a] = s->syscall_max[a];
	profile_sort(dst);
	return 0;
}

/* ---- YAML ----------------------------------------------------------------------- */

/* A double-quoted YAML scalar (also valid JSON string syntax). */
static void yq(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void fmt_time(int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "%lld", (long long)t);
}

static const char *known(const char *s)
{
	return s && s[0] ? s : "unknown";
}

/* s (freed) with the partial mark: "...; PARTIAL: web-1 was already running
 * when learning began, its start is missing". */
static char *partial_stamp(char *s, const struct prof_provenance *v)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (f) {
		fprintf(f, "%s; PARTIAL: ", s);
		for (size_t i = 0; i < v->n_partial && i < STAMP_PARTIAL_MAX; i++) {
			fputs(i ? ", " : "", f);
			/* one ASCII line, within what a YAML scalar may hold */
			for (const char *c = v->partial[i]; *c && c - v->partial[i] < 64; c++)
				fputc(*c < 0x20 || *c > 0x7e ? '?' : *c, f);
		}
		if (v->n_partial > STAMP_PARTIAL_MAX)
			fprintf(f, " and %zu more", v->n_partial - STAMP_PARTIAL_MAX);
		fprintf(f, " %s already running when learning began, %s start is missing",
			v->n_partial == 1 ? "was" : "were", v->n_partial == 1 ? "its" : "their");
		if (fclose(f)) {
			free(out);
			out = NULL;
		}
	}
	free(s);
	return out;
}

static char *stamp(const struct profile *p)
{
	const struct prof_provenance *v = &p->prov;
	char from[32], to[32], *s = NULL;

	fmt_time(v->start, from, sizeof(from));
	fmt_time(v->end, to, sizeof(to));
	if (asprintf(&s,
		     "learned by ward %s on Linux %s %s with libseccomp %s, runtime %s, from %s to "
		     "%s, %llu events, %zu containers",
		     known(v->ward), known(v->kernel), known(v->arch), known(v->libseccomp),
		     known(v->runtime), from, to, (unsigned long long)v->events,
		     v->n_containers) < 0)
		return NULL;
	return v->n_partial ? partial_stamp(s, v) : s;
}

/* True when s is valid UTF-8 without NUL: rulesc reads nothing else. */
static bool utf8_ok(const char *s)
{
	char *clean = out_utf8_sanitize(s, strlen(s));
	bool ok = clean && strcmp(clean, s) == 0;

	free(clean);
	return ok;
}

static void write_addr(FILE *f, const uint8_t addr[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	char buf[INET6_ADDRSTRLEN];

	if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
		inet_ntop(AF_INET, addr + 12, buf, sizeof(buf));
		fprintf(f, "\"%s/32\"", buf);
	} else {
		inet_ntop(AF_INET6, addr, buf, sizeof(buf));
		fprintf(f, "\"%s/128\"", buf);
	}
}

static void write_access(FILE *f, uint32_t access)
{
	bool first = true;

	fputc('[', f);
	for (size_t b = 0; b < ARRAY_SIZE(rc_access_names); b++)
		if (access & (1u << b)) {
			fprintf(f, "%s%s", first ? "" : ", ", rc_access_names[b]);
			first = false;
		}
	fputc(']', f);
}

char *prof_cap_name(uint32_t cap)
{
	char *n = cap_to_name((cap_value_t)cap), *u = NULL;

	if (n && asprintf(&u, "%s", n) >= 0)
		for (char *c = u; *c; c++)
			*c = (char)toupper((unsigned char)*c);
	cap_free(n);
	return u;
}

/* One observation as a JSON item of the companion list; items longer than
 * rulesc accepts are dropped (only raw paths can be that long). */
static void list_item(FILE *f, json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	if (s && strlen(s) < RC_SCALAR_MAX && utf8_ok(s)) {
		fputs("    - ", f);
		yq(f, s);
		fputc('\n', f);
	}
	free(s);
	json_decref(o);
}

int profile_write_yaml(const struct profile *p, FILE *f, const char *mode, const char *posture)
{
	const struct prof_provenance *v = &p->prov;
	char from[32], dur[32], *st = stamp(p);
	bool any = false;

	if (!st)
		return -ENOMEM;
	fmt_time(v->start, from, sizeof(from));
	snprintf(dur, sizeof(dur), "%llds", (long long)(v->end - v->start));
	fprintf(f, "# %s\n", st);
	fprintf(f, "# Check: rulesc check FILE; export: ward profile export FILE --format ...\n");
	fprintf(f, "apiVersion: ward.dev/v1\nkind: Profile\nmetadata:\n  name: ");
	yq(f, p->name);
	fprintf(f, "\n  description: ");
	yq(f, st);
	free(st);
	fprintf(f, "\nspec:\n  selector: {containers: [");
	for (size_t i = 0; i < p->n_selector; i++) {
		fputs(i ? ", " : "", f);
		yq(f, p->selector[i]);
	}
	fprintf(f, "]}\n  mode: %s\n  posture: %s\n", mode, posture);
	fprintf(f,
		"  provenance: {learnedAt: \"%s\", duration: \"%s\", events: %llu, containers: [",
		from, dur, (unsigned long long)v->events);
	for (size_t i = 0; i < v->n_containers; i++) {
		fputs(i ? ", " : "", f);
		yq(f, v->containers[i]);
	}
	fprintf(f, "]}\n");

	for (size_t i = 0; i < p->n_exec; i++) {
		if (!utf8_ok(p->exec[i].path))
			continue;
		fprintf(f, "%s    - {paths: [", any ? "" : "  exec:\n");
		yq(f, p->exec[i].path);
		fprintf(f, "]}\n");
		any = true;
	}
	any = false;
	for (size_t i = 0; i < p->n_files; i++) {
		const char *path = p->files[i].path;
		bool dir = path[strlen(path) - 1] == '/';

		if (!utf8_ok(path))
			continue;
		fprintf(f, "%s    - {%s: [", any ? "" : "  file:\n", dir ? "dirs" : "paths");
		yq(f, path);
		fprintf(f, "], access: ");
		write_access(f, p->files[i].access);
		fprintf(f, "}\n");
		any = true;
	}
	any = false;
	for (size_t i = 0; i < p->n_net; i++) {
		const struct prof_net *n = &p->net[i];

		if (n->unix_path && !utf8_ok(n->unix_path))
			continue;
		fprintf(f, "%s    - {%s: {", any ? "" : "  network:\n",
			n->bind ? "bind" : "connect");
		any = true;
		if (n->unix_path) {
			fprintf(f, "unix: [");
			yq(f, n->unix_path);
			fprintf(f, "]}}\n");
			continue;
		}
		if (!n->bind) {
			fprintf(f, "cidrs: [");
			write_addr(f, n->addr);
			fprintf(f, "], ");
		}
		fprintf(f, "ports: [%u], protocols: [%s]}}\n", n->port,
			n->proto == WARD_PROTO_UDP ? "udp" : "tcp");
	}
	if (p->n_caps) {
		fprintf(f, "  capabilities:\n    - {names: [");
		for (size_t i = 0; i < p->n_caps; i++) {
			char *n = prof_cap_name(p->caps[i].cap);

			if (!n)
				return -ENOMEM;
			fprintf(f, "%s%s", i ? ", " : "", n);
			free(n);
		}
		fprintf(f, "]}\n");
	}
	any = false;
	for (size_t i = 0; i < p->n_sys; i++) {
		/* rulesc names syscalls by their x86_64 names; the i386 ones are
		 * in the companion list (and in the seccomp exports). */
		if (p->sys[i].abi != PROF_ABI_X86_64)
			continue;
		fprintf(f, "%s%s", any ? ", " : "  syscalls:\n    - {names: [", p->sys[i].name);
		any = true;
	}
	if (any)
		fprintf(f, "]}\n");

	/* The companion list: everything the Profile schema has no key for. */
	fprintf(f, "---\napiVersion: ward.dev/v1\nkind: List\nmetadata:\n  name: ");
	st = NULL;
	if (asprintf(&st, "%s.observed", p->name) < 0)
		return -ENOMEM;
	yq(f, st);
	free(st);
	fprintf(f, "\n  description: \"ward learn: one JSON object per item (docs/profiles.md)\"\n"
		   "spec:\n  items:\n");
	list_item(f, json_pack("{s:{s:s*, s:s*, s:s*, s:s*, s:s*, s:I, s:I, s:I, s:{s:I, s:I}}}",
			       "recording", "ward", v->ward, "kernel", v->kernel, "arch", v->arch,
			       "libseccomp", v->libseccomp, "runtime", v->runtime, "start",
			       (json_int_t)v->start, "end", (json_int_t)v->end, "events",
			       (json_int_t)v->events, "syscallMax", "x86_64",
			       (json_int_t)v->syscall_max[PROF_ABI_X86_64], "i386",
			       (json_int_t)v->syscall_max[PROF_ABI_I386]));
	for (size_t i = 0; i < v->n_partial; i++)
		list_item(f, json_pack("{s:s}", "partial", v->partial[i]));
	for (size_t i = 0; i < p->n_sys; i++)
		list_item(f, json_pack("{s:s, s:s, s:I}", "syscall", p->sys[i].name, "abi",
				       prof_abi_name(p->sys[i].abi), "count",
				       (json_int_t)p->sys[i].count));
	for (size_t i = 0; i < p->n_exec; i++) {
		list_item(f, json_pack("{s:s, s:I}", "exec", p->exec[i].path, "count",
				       (json_int_t)p->exec[i].count));
		for (size_t j = 0; j < p->exec[i].n_parents; j++)
			list_item(f, json_pack("{s:s, s:s}", "exec", p->exec[i].path, "parent",
					       p->exec[i].parents[j]));
	}
	for (size_t i = 0; i < p->n_files; i++)
		for (size_t j = 0; j < p->files[i].n_covers; j++)
			list_item(f, json_pack("{s:s, s:s}", "pattern", p->files[i].path, "covers",
					       p->files[i].covers[j]));
	for (size_t i = 0; i < p->n_caps; i++) {
		char *n = prof_cap_name(p->caps[i].cap);

		if (!n)
			return -ENOMEM;
		list_item(f, json_pack("{s:s, s:b, s:s}", "capability", n, "inferred",
				       p->caps[i].inferred, "evidence", p->caps[i].evidence));
		free(n);
	}
	return ferror(f) ? -EIO : 0;
}

/* ---- diff ----------------------------------------------------------------------- */

static int add_str(json_t *arr, const char *s)
{
	return json_array_append_new(arr, json_string(s)) ? -ENOMEM : 0;
}

/* Keys of a profile's items in one class, as strings. */
static json_t *class_keys(const struct profile *p, int cls)
{
	json_t *a = json_array();
	char buf[4200];

	for (size_t i = 0; a && cls == 0 && i < p->n_sys; i++) {
		snprintf(buf, sizeof(buf), "%s/%s", prof_abi_name(p->sys[i].abi), p->sys[i].name);
		add_str(a, buf);
	}
	for (size_t i = 0; a && cls == 1 && i < p->n_exec; i++)
		add_str(a, p->exec[i].path);
	for (size_t i = 0; a && cls == 2 && i < p->n_files; i++) {
		for (size_t b = 0; b < ARRAY_SIZE(rc_access_names); b++) {
			if (!(p->files[i].access & (1u << b)))
				continue;
			snprintf(buf, sizeof(buf), "%s %s", rc_access_names[b], p->files[i].path);
			add_str(a, buf);
		}
	}
	for (size_t i = 0; a && cls == 3 && i < p->n_net; i++) {
		const struct prof_net *n = &p->net[i];
		char addr[INET6_ADDRSTRLEN] = "";

		if (n->unix_path) {
			snprintf(buf, sizeof(buf), "%s unix %s", n->bind ? "bind" : "connect",
				 n->unix_path);
			add_str(a, buf);
			continue;
		}
		if (!n->bind)
			inet_ntop(AF_INET6, n->addr, addr, sizeof(addr));
		snprintf(buf, sizeof(buf), "%s %s %s%s%u", n->bind ? "bind" : "connect",
			 n->proto == WARD_PROTO_UDP ? "udp" : "tcp", n->bind ? "" : addr,
			 n->bind ? "" : " ", n->port);
		add_str(a, buf);
	}
	for (size_t i = 0; a && cls == 4 && i < p->n_caps; i++) {
		char *n = prof_cap_name(p->caps[i].cap);

		if (n)
			add_str(a, n);
		free(n);
	}
	return a;
}

static bool arr_has(json_t *a, const char *s)
{
	for (size_t i = 0; i < json_array_size(a); i++)
		if (strcmp(json_string_value(json_array_get(a, i)), s) == 0)
			return true;
	return false;
}

static json_t *minus(json_t *a, json_t *b)
{
	json_t *r = json_array();

	for (size_t i = 0; r && i < json_array_size(a); i++) {
		json_t *v = json_array_get(a, i);

		if (!arr_has(b, json_string_value(v)) && json_array_append(r, v)) {
			json_decref(r);
			return NULL;
		}
	}
	return r;
}

json_t *profile_diff(const struct profile *a, const struct profile *b)
{
	static const char *const classes[] = { "syscalls", "exec", "files", "network",
					       "capabilities" };
	json_t *o = json_object();

	for (int c = 0; o && c < (int)ARRAY_SIZE(classes); c++) {
		json_t *ka = class_keys(a, c), *kb = class_keys(b, c);
		json_t *add = ka && kb ? minus(kb, ka) : NULL,
		       *rem = ka && kb ? minus(ka, kb) : NULL;

		if (!add || !rem ||
		    json_object_set_new(o, classes[c],
					json_pack("{s:o, s:o}", "added", add, "removed", rem))) {
			json_decref(o);
			o = NULL;
		}
		json_decref(ka);
		json_decref(kb);
	}
	return o;
}

/* ---- exports ------------------------------------------------------------------- */

static const char *const export_names[PROF_EXPORT__MAX] = {
	[PROF_EXPORT_OCI_SECCOMP] = "oci-seccomp", [PROF_EXPORT_DOCKER_SECCOMP] = "docker-seccomp",
	[PROF_EXPORT_K8S_SECCOMP] = "k8s-seccomp", [PROF_EXPORT_OCI_CAPS] = "oci-caps",
	[PROF_EXPORT_K8S_CAPS] = "k8s-caps",	   [PROF_EXPORT_DOCKER_CAPS] = "docker-caps",
};

int profile_export_parse(const char *s, enum prof_export *ret)
{
	for (int i = 0; i < PROF_EXPORT__MAX; i++)
		if (strcmp(export_names[i], s) == 0) {
			*ret = (enum prof_export)i;
			return 0;
		}
	return -EINVAL;
}

const char *profile_export_name(enum prof_export e)
{
	return e < PROF_EXPORT__MAX ? export_names[e] : NULL;
}

static bool has_abi(const struct profile *p, uint32_t abi)
{
	for (size_t i = 0; i < p->n_sys; i++)
		if (p->sys[i].abi == abi)
			return true;
	return false;
}

/* What the ENOSYS rule of a seccomp export holds (its comment; a SeccompProfile's
 * annotation). */
#define ENOSYS_COMMENT "newer than the recording kernel: ENOSYS"

/* The names to allow: every observed syscall name (ABIs united: the OCI
 * format has no per-architecture rules), sorted, unique. */
static json_t *allowed_names(const struct profile *p)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < p->n_sys; i++)
		if (!arr_has(a, p->sys[i].name) && add_str(a, p->sys[i].name)) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Syscalls libseccomp knows for an ABI above the recording kernel's highest
 * number: the workload cannot have needed them, and ENOSYS (not EPERM) lets
 * libraries fall back to the older call, as on that kernel. */
static json_t *newer_names(const struct profile *p, json_t *allowed)
{
	json_t *a = json_array();

	for (uint32_t abi = 0; a && abi < PROF_ABI__MAX; abi++) {
		if (!p->prov.syscall_max[abi] || (abi != PROF_ABI_X86_64 && !has_abi(p, abi)))
			continue;
		for (int nr = (int)p->prov.syscall_max[abi] + 1; nr < ENOSYS_SCAN; nr++) {
			char *n = seccomp_syscall_resolve_num_arch(abi_arch(abi), nr);

			if (n && !arr_has(allowed, n) && !arr_has(a, n) && add_str(a, n)) {
				free(n);
				json_decref(a);
				return NULL;
			}
			free(n);
		}
	}
	return a;
}

/* The seccomp profile. complain: what the profile does not allow is logged
 * (SCMP_ACT_LOG) and runs. k8s: the spec of a SeccompProfile, which has only
 * the fields of the SPO v1beta1 type: no comments (the stamp goes in the
 * resource's annotations), no defaultErrnoRet (SCMP_ACT_ERRNO's errno is
 * EPERM without it, as in runc). */
static json_t *seccomp_spec(const struct profile *p, bool k8s, bool complain)
{
	json_t *names = allowed_names(p), *newer = names ? newer_names(p, names) : NULL;
	json_t *arches = json_array(), *sys = json_array(), *o = NULL;
	uint32_t list[3] = { SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_X86 };
	size_t n_arch = has_abi(p, PROF_ABI_I386) ? 3 : 2;
	char *st = stamp(p), buf[32];

	if (!names || !newer || !arches || !sys || !st)
		goto out;
	for (size_t i = 0; i < n_arch; i++)
		if (sc_arch_to_oci(list[i], buf, sizeof(buf)) || add_str(arches, buf))
			goto out;
	if (json_array_append_new(sys, json_pack("{s:O, s:s, s:s*}", "names", names, "action",
						 "SCMP_ACT_ALLOW", "comment", k8s ? NULL : st)))
		goto out;
	if (json_array_size(newer) &&
	    json_array_append_new(sys, json_pack("{s:O, s:s, s:i, s:s*}", "names", newer, "action",
						 "SCMP_ACT_ERRNO", "errnoRet", ENOSYS, "comment",
						 k8s ? NULL : ENOSYS_COMMENT)))
		goto out;
	o = complain || k8s
		    ? json_pack("{s:s, s:O, s:O}", "defaultAction",
				complain ? "SCMP_ACT_LOG" : "SCMP_ACT_ERRNO", "architectures",
				arches, "syscalls", sys)
		    : json_pack("{s:s, s:i, s:O, s:O}", "defaultAction", "SCMP_ACT_ERRNO",
				"defaultErrnoRet", EPERM, "architectures", arches, "syscalls", sys);
out:
	json_decref(names);
	json_decref(newer);
	json_decref(arches);
	json_decref(sys);
	free(st);
	return o;
}

/* A Kubernetes object name from a profile's: '_' (which policy names allow) is '-'. */
static char *k8s_name(const char *name)
{
	char *n = strdup(name);

	for (char *c = n; c && *c; c++)
		if (*c == '_')
			*c = '-';
	return n;
}

static json_t *cap_list(const struct profile *p, bool prefix)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < p->n_caps; i++) {
		char *n = prof_cap_name(p->caps[i].cap);
		int err = !n || add_str(a, prefix ? n : n + strlen("CAP_"));

		free(n);
		if (err) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *profile_export(const struct profile *p, enum prof_export e, unsigned int how)
{
	char *st = stamp(p), *flag, *name;
	json_t *o = NULL, *spec, *caps, *flags;

	if (!st) {
		errno = ENOMEM;
		return NULL;
	}
	switch (e) {
	case PROF_EXPORT_OCI_SECCOMP:
	case PROF_EXPORT_DOCKER_SECCOMP:
		o = seccomp_spec(p, false, how & PROF_EXPORT_COMPLAIN);
		break;
	case PROF_EXPORT_K8S_SECCOMP:
		spec = seccomp_spec(p, true, how & PROF_EXPORT_COMPLAIN);
		name = k8s_name(p->name);
		if (spec && name)
			o = json_pack("{s:s, s:s, s:{s:s, s:{s:s, s:s*}}, s:O}", "apiVersion",
				      "security-profiles-operator.x-k8s.io/v1beta1", "kind",
				      "SeccompProfile", "metadata", "name", name, "annotations",
				      "ward.dev/provenance", st, "ward.dev/enosys",
				      json_array_size(json_object_get(spec, "syscalls")) > 1
					      ? ENOSYS_COMMENT
					      : NULL,
				      "spec", spec);
		json_decref(spec);
		free(name);
		break;
	case PROF_EXPORT_OCI_CAPS:
		caps = cap_list(p, true);
		if (caps)
			o = json_pack("{s:O, s:O, s:O, s:s}", "bounding", caps, "effective", caps,
				      "permitted", caps, "comment", st);
		json_decref(caps);
		break;
	case PROF_EXPORT_K8S_CAPS: /* a securityContext's content: no room for the stamp */
		caps = cap_list(p, false);
		if (caps)
			o = json_pack("{s:{s:[s], s:o}}", "capabilities", "drop", "ALL", "add",
				      caps);
		break;
	case PROF_EXPORT_DOCKER_CAPS:
		caps = cap_list(p, false);
		flags = json_array();
		if (caps && flags && !add_str(flags, "--cap-drop=ALL")) {
			o = flags;
			for (size_t i = 0; i < json_array_size(caps); i++) {
				json_t *c = json_array_get(caps, i);
				int err;

				if (asprintf(&flag, "--cap-add=%s", json_string_value(c)) < 0) {
					o = NULL;
					break;
				}
				err = add_str(flags, flag);
				free(flag);
				if (err) {
					o = NULL;
					break;
				}
			}
			o = o ? json_pack("{s:O, s:s}", "flags", flags, "comment", st) : NULL;
		}
		json_decref(flags);
		json_decref(caps);
		break;
	default:
		free(st);
		errno = EINVAL;
		return NULL;
	}
	free(st);
	if (!o)
		errno = ENOMEM;
	return o;
}
