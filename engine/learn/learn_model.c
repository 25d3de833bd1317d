// SPDX-License-Identifier: Apache-2.0
/* ward learn: selection of containers and the kernel's records as profile entries. */
#include <errno.h>
#include <unistd.h>
#include <sys/wait.h>
#include <stdio.h>
#include <spawn.h>
#include <signal.h>
#include <poll.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <seccomp.h>
#include <sys/capability.h>

#include "ward/bundle_maps.h"
#include "learn_model.h"
#include "rulesc/match.h"
#include "seccomp/seccomp_json.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ID_PREFIX_MIN 4

/* ---- selection ----------------------------------------------------------------- */

int learn_sel_add(struct learn_sel *s, bool image, const char *pattern)
{
	char ***v = image ? &s->images : &s->names;
	size_t *n = image ? &s->n_images : &s->n_names;
	char **nv, *d = strdup(pattern);

	nv = d ? realloc(*v, (*n + 1) * sizeof(*nv)) : NULL;
	if (!nv) {
		free(d);
		return -ENOMEM;
	}
	nv[(*n)++] = d;
	*v = nv;
	return 0;
}

void learn_sel_clear(struct learn_sel *s)
{
	for (size_t i = 0; i < s->n_names; i++)
		free(s->names[i]);
	for (size_t i = 0; i < s->n_images; i++)
		free(s->images[i]);
	free(s->names);
	free(s->images);
	*s = (struct learn_sel){ 0 };
}

bool learn_sel_matches(const struct learn_sel *s, const struct container_info *ci)
{
	if (ci->host)
		return false;
	for (size_t i = 0; i < s->n_names; i++) {
		const char *q = s->names[i];
		size_t qlen = strlen(q);

		if (!strcmp(ci->name, q) || !strcmp(ci->id, q) || !fnmatch(q, ci->name, 0) ||
		    (qlen >= ID_PREFIX_MIN && !strncmp(ci->id, q, qlen)))
			return true;
	}
	for (size_t i = 0; i < s->n_images && ci->image[0]; i++) {
		/* ci->image is in its normal form (attribution/runtime.c): so is the glob */
		size_t size = strlen(s->images[i]) + RC_IMAGE_GROWTH + 1;
		char *norm = malloc(size);
		bool m = norm && rc_image_normalize(s->images[i], norm, size) >= 0 &&
			 !fnmatch(norm, ci->image, 0);

		free(norm);
		if (m)
			return true;
	}
	return false;
}

/* ---- paths ------------------------------------------------------------------------ */

/* Append the components of s[0, len) to out (at *o), resolving "." and "..". */
static int push_components(const char *s, size_t len, char *out, size_t size, size_t *o)
{
	for (size_t i = 0; i < len;) {
		size_t j = i;

		while (j < len && s[j] != '/')
			j++;
		if ((j - i == 1 && s[i] == '.') || j == i) {
			/* "." or an empty component */
		} else if (j - i == 2 && s[i] == '.' && s[i + 1] == '.') {
			while (*o > 1 && out[*o - 1] != '/')
				(*o)--;
			if (*o > 1)
				(*o)--; /* the '/' before the dropped component */
		} else {
			size_t need = (*o > 1 ? 1 : 0) + (j - i);

			if (*o + need + 1 > size)
				return -ENAMETOOLONG;
			if (*o > 1)
				out[(*o)++] = '/';
			memcpy(out + *o, s + i, j - i);
			*o += j - i;
		}
		i = j + 1;
	}
	return 0;
}

int learn_path_resolve(const char *base, size_t base_len, const char *name, size_t name_len,
		       char *out, size_t size)
{
	bool absolute = name_len && name[0] == '/';
	size_t o = 1;
	int err = 0;

	if (size < 2)
		return -ENAMETOOLONG;
	if (!absolute && (!base_len || base[0] != '/'))
		return -EINVAL;
	out[0] = '/';
	if (!absolute)
		err = push_components(base, base_len, out, size, &o);
	if (!err)
		err = push_components(name, name_len, out, size, &o);
	if (err)
		return err;
	out[o] = '\0';
	return 0;
}

/* ---- records ------------------------------------------------------------------------ */

/* Path i of e as one absolute path: 0, 1 (unknown or too long: skipped),
 * -EPROTO. */
static int event_path(const struct ward_learn_event *e, size_t i, char *out, size_t size)
{
	const struct learn_path *lp = &e->path[i];

	if (lp->base_len > LEARN_PATH_LEN || lp->name_len >= LEARN_PATH_LEN)
		return -EPROTO;
	if (lp->truncated || learn_path_resolve(lp->base + LEARN_PATH_LEN - lp->base_len,
						lp->base_len, lp->name, lp->name_len, out, size))
		return 1;
	return 0;
}

static int apply_file(struct profile *p, const struct ward_learn_event *e)
{
	int skipped = 0;

	if (e->n_paths < 1 || e->n_paths > ARRAY_SIZE(e->path) || !e->access ||
	    e->access & ~(uint32_t)WARD_ACC_ALL)
		return -EPROTO;
	if (e->n_paths > 1 && (!e->access2 || e->access2 & ~(uint32_t)WARD_ACC_ALL))
		return -EPROTO;
	for (size_t i = 0; i < e->n_paths; i++) {
		char path[LEARN_PATH_LEN * 2 + 2];
		uint32_t access = i ? e->access2 : e->access;
		int err = event_path(e, i, path, sizeof(path));

		if (err < 0)
			return err;
		if (err) {
			skipped = 1;
			continue;
		}
		/* a hard link's source, decided for every access (include/ward/sysops.h):
		 * any learned access holds, a read is the least */
		if (access == WARD_ACC_ALL)
			access = WARD_ACC_READ;
		/* a truncation is learned as the write it is: a profile allows writes */
		if (access & WARD_ACC_TRUNCATE)
			access = (access & ~(uint32_t)WARD_ACC_TRUNCATE) | WARD_ACC_WRITE;
		err = profile_add_file(p, path, access);
		if (err == -ENOMEM)
			return err;
		if (err)
			skipped = 1;
	}
	return skipped;
}

static int apply_net(struct profile *p, const struct ward_learn_event *e)
{
	struct prof_net n = {
		.bind = e->type == LEARN_EV_BIND,
		.proto = e->proto,
		.port = e->port,
	};
	char path[LEARN_PATH_LEN * 2 + 2];
	int err;

	if (e->proto == LEARN_PROTO_UNIX) {
		err = e->n_paths == 1 ? event_path(e, 0, path, sizeof(path)) : -EPROTO;
		if (err)
			return err;
		n = (struct prof_net){ .bind = n.bind, .unix_path = path };
		err = profile_add_net(p, &n);
		return err == -ENOMEM ? err : err ? 1 : 0;
	}
	if (e->proto != WARD_PROTO_TCP && e->proto != WARD_PROTO_UDP)
		return -EPROTO;
	if (!e->port)
		return LEARN_SKIP_PORT0; /* a port the kernel picks: nothing to allow */
	memcpy(n.addr, e->addr, sizeof(n.addr));
	err = profile_add_net(p, &n);
	return err == -ENOMEM ? err : err ? 1 : 0;
}

int learn_apply_event(struct profile *p, const struct ward_learn_event *e)
{
	switch (e->type) {
	case LEARN_EV_FILE:
		return apply_file(p, e);
	case LEARN_EV_BIND:
	case LEARN_EV_CONNECT:
		return apply_net(p, e);
	case LEARN_EV_CAP:
		if (!cap_valid((int)e->access))
			return -EPROTO;
		return profile_add_cap(p, e->access, false,
				       "a capability check the kernel granted");
	default:
		return -EPROTO;
	}
}

int learn_exec_paths(const struct ward_learn_event *e, char *interp, char *script, size_t size)
{
	int err;

	if (e->type != LEARN_EV_EXEC || e->n_paths != 2)
		return -EPROTO;
	err = event_path(e, 0, interp, size);
	return err ? err : event_path(e, 1, script, size);
}

int learn_apply_tcp(struct profile *p, const struct ward_tcp_event *e)
{
	struct prof_net n = { .proto = WARD_PROTO_TCP, .port = e->dport };
	int err;

	if (e->type != TCP_EV_CONNECT || e->error || !e->dport)
		return 0; /* accepts and closes: the bind is what counts; failed connects */
	if (e->family == AF_INET) {
		n.addr[10] = n.addr[11] = 0xff;
		memcpy(&n.addr[12], e->daddr, 4);
	} else if (e->family == AF_INET6) {
		memcpy(n.addr, e->daddr, sizeof(n.addr));
	} else {
		return -EPROTO;
	}
	err = profile_add_net(p, &n);
	return err == -ENOMEM ? err : err ? 1 : 0;
}

/* ---- essentials and counting -------------------------------------------------------- */

/*
 * Rare-path safety (docs/profiles.md): calls a libc, a shell or a runtime
 * makes only on a path a short learning run may not take, and without which
 * the workload hangs or spins instead of failing. Each with the evidence.
 */
static const struct {
	const char *name, *why;
} rare_path[] = {
	{ "rt_sigsuspend",
	  "a shell's wait (busybox ash, dash, bash) blocks in sigsuspend only "
	  "when the child has not exited yet; denied, the wait loop spins on EPERM" },
	{ "nanosleep", "sleep(1), usleep(), a retry loop's backoff: called only when the loop "
		       "needs to wait (musl's nanosleep, Go's runtime)" },
	{ "clock_nanosleep", "glibc's sleep() and nanosleep() since 2.31; denied, a sleep returns "
			     "at once and a retry budget burns in microseconds" },
	{ "restart_syscall", "the kernel resumes a sleep or wait interrupted by a stop signal "
			     "with it; seen only when a stop hit a sleep while learning" },
	{ "sched_yield", "lock backoff under contention (glibc, musl, Go's runtime)" },
	{ "futex", "a lock or condition variable waits in the kernel only when contended" },
	{ "mremap", "glibc's realloc() of a block past the mmap threshold: only when data grows" },
	{ "brk", "malloc() growing its main arena: only when a run allocates more" },
};

/*
 * Families: calls a libc picks between at run time (a newer call first, the
 * older one on ENOSYS, or by argument), so seeing one brings the others.
 */
static const char *const families[][4] = {
	{ "wait4", "waitid" },	  /* waitpid(), waitid(), Go's os/exec */
	{ "poll", "ppoll" },	  /* glibc poll() with a timeout, ppoll() */
	{ "select", "pselect6" }, /* glibc select() on some versions */
	{ "epoll_wait", "epoll_pwait", "epoll_pwait2" },
	{ "clone", "clone3" },		    /* glibc 2.34+: clone3, clone on ENOSYS */
	{ "faccessat", "faccessat2" },	    /* glibc: faccessat2, faccessat on ENOSYS */
	{ "newfstatat", "statx", "fstat" }, /* stat() and fstat() by glibc version */
	{ "openat", "openat2" },
	{ "dup2", "dup3" },
	{ "pipe", "pipe2" },
	{ "accept", "accept4" },
	{ "getdents", "getdents64" },
	{ "eventfd", "eventfd2" },
	{ "signalfd", "signalfd4" },
	{ "nanosleep", "clock_nanosleep" },
	{ "getrlimit", "prlimit64", "setrlimit" },
};

/* The name resolves on the ABI (some calls exist on one only). */
static bool on_abi(uint32_t abi, const char *name)
{
	uint32_t arch = abi == PROF_ABI_I386 ? SCMP_ARCH_X86 : SCMP_ARCH_X86_64;

	return seccomp_syscall_resolve_name_arch(arch, name) != __NR_SCMP_ERROR;
}

static const struct prof_syscall *find_sys(const struct profile *p, uint32_t abi, const char *name)
{
	for (size_t i = 0; i < p->n_sys; i++)
		if (p->sys[i].abi == abi && !strcmp(p->sys[i].name, name))
			return &p->sys[i];
	return NULL;
}

/* The family member seen on the ABI, if name is in a family. */
static const char *family_seen(const struct profile *p, uint32_t abi, const char *name)
{
	for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
		bool in = false;

		for (size_t i = 0; i < 4 && families[f][i]; i++)
			in |= !strcmp(families[f][i], name);
		for (size_t i = 0; in && i < 4 && families[f][i]; i++) {
			const struct prof_syscall *m = find_sys(p, abi, families[f][i]);

			if (m && m->count && strcmp(m->name, name))
				return m->name;
		}
	}
	return NULL;
}

int learn_add_essentials(struct profile *p)
{
	const char *names[SC_ESSENTIALS_MAX];
	size_t n = sc_essential_names(names, SC_ESSENTIALS_MAX);
	bool i386 = false;
	int err = 0;

	for (size_t i = 0; i < p->n_sys; i++)
		i386 |= p->sys[i].abi == PROF_ABI_I386;
	for (size_t i = 0; !err && i < n; i++)
		err = profile_add_syscall(p, PROF_ABI_X86_64, names[i], 0);
	for (uint32_t abi = 0; !err && abi < PROF_ABI__MAX; abi++) {
		if (abi == PROF_ABI_I386 && !i386)
			continue;
		for (size_t i = 0; !err && i < ARRAY_SIZE(rare_path); i++)
			if (on_abi(abi, rare_path[i].name))
				err = profile_add_syscall(p, abi, rare_path[i].name, 0);
		/* families of what was seen (count > 0), not of what was added */
		for (size_t f = 0; !err && f < ARRAY_SIZE(families); f++)
			for (size_t i = 0; !err && i < 4 && families[f][i]; i++)
				if (on_abi(abi, families[f][i]) &&
				    family_seen(p, abi, families[f][i]))
					err = profile_add_syscall(p, abi, families[f][i], 0);
	}
	return err;
}

int learn_syscall_reason(const struct profile *p, const struct prof_syscall *s, char *buf,
			 size_t size)
{
	const char *names[SC_ESSENTIALS_MAX], *seen;
	size_t n = sc_essential_names(names, SC_ESSENTIALS_MAX);

	if (s->count) {
		snprintf(buf, size, "seen %llu times", (unsigned long long)s->count);
		return LEARN_WHY_SEEN;
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], s->name)) {
			snprintf(buf, size,
				 "runtime essential: a process cannot end, return from "
				 "a signal handler or be started by runc without the "
				 "essentials (docs/seccomp.md)");
			return LEARN_WHY_ESSENTIAL;
		}
	for (size_t i = 0; i < ARRAY_SIZE(rare_path); i++)
		if (!strcmp(rare_path[i].name, s->name)) {
			snprintf(buf, size, "%s", rare_path[i].why);
			return LEARN_WHY_RARE_PATH;
		}
	seen = family_seen(p, s->abi, s->name);
	if (seen) {
		snprintf(buf, size, "a libc picks it or %s at run time; %s was seen", seen, seen);
		return LEARN_WHY_FAMILY;
	}
	snprintf(buf, size, "in the profile, not seen while learning (added by hand or a merge)");
	return LEARN_WHY_LISTED;
}

size_t learn_profile_items(const struct profile *p)
{
	size_t n = p->n_sys + p->n_exec + p->n_net + p->n_caps;

	for (size_t i = 0; i < p->n_exec; i++)
		n += p->exec[i].n_parents;
	for (size_t i = 0; i < p->n_files; i++)
		n += (size_t)__builtin_popcount(p->files[i].access);
	return n;
}

/* Runtimes whose binary reports "NAME version X.Y.Z" on its first line. */
static const char *const versioned_runtimes[] = { "runc", "crun" };

int learn_runtime_version(const char *runtime, char *buf, size_t size)
{
	char arg0[32], arg1[] = "--version", out[256], name[32], ver[64];
	char *const argv[] = { arg0, arg1, NULL };
	posix_spawn_file_actions_t fa;
	struct pollfd pfd;
	size_t len = 0;
	int fds[2], status, err = -EOPNOTSUPP;
	bool known = false;
	pid_t pid;

	for (size_t i = 0; i < ARRAY_SIZE(versioned_runtimes); i++)
		known |= strcmp(runtime, versioned_runtimes[i]) == 0;
	if (!known)
		return -EOPNOTSUPP;
	(void)snprintf(arg0, sizeof(arg0), "%s", runtime);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	err = -posix_spawnp(&pid, runtime, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (err) {
		close(fds[0]);
		return err;
	}
	/* A runtime that does not answer within 2 s is killed, not waited for. */
	pfd = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	while (len < sizeof(out) - 1 && poll(&pfd, 1, 2000) > 0) {
		ssize_t n = read(fds[0], out + len, sizeof(out) - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, &status, 0);
	out[len] = '\0';
	if (sscanf(out, "%31s version %63s", name, ver) != 2 || strcmp(name, runtime) != 0)
		return -EPROTO;
	if ((size_t)snprintf(buf, size, "%s %s", runtime, ver) >= size)
		return -ENAMETOOLONG;
	return 0;
}
