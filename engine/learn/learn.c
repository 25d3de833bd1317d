// SPDX-License-Identifier: Apache-2.0
/*
 * `ward learn`'s session (learn.h; its options and help: engine/cmd/learn.c):
 * record what containers do into a profile (docs/profiles.md).
 * The run lifecycle's start (trace/lifecycle.h: libbpf's
 * messages, SIGINT/SIGTERM, tracefs) -> open learn.bpf.c as a tracker
 * first, then the process, tcp and syscall trackers (trace/tracker.h), all
 * sharing its ward_cgfilter -> classify running containers (one that was
 * running before learning began makes the profile partial, or with
 * --from-start ends learning) -> poll the trackers' ring buffers in the
 * lifecycle's loop, drain the syscall counts every tick, show progress -> at
 * the end (--duration, SIGINT, SIGTERM) finish the profile, write it and say
 * what it lacks and how to learn more runs.
 *
 * Records reach this file attributed, through the session's pending queue
 * like every tracker's: a cgroup only a scan can tell waits for one scan
 * after the wakeup that brought it; one that still looks like the host only
 * because it is young (tentative) waits up to HOLD_TENTATIVE_NS, so a
 * container's first exec is not lost. Here each cgroup gets a verdict
 * (learned or not), which goes to the kernel so other cgroups cost one map
 * lookup per event from then on.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <seccomp.h>

#include "cli.h"
#include "core/clock.h"
#include "learn/learn.h"
#include "learn_model.h"
#include "enforce/probe.h"
#include "ward/process.h"
#include "profile/profile.h"
#include "profile/profile_check.h"
#include "trace/lifecycle.h"
#include "trace/run.h"
#include "rulesc.h"
#include "seccomp/seccomp_json.h"
#include "seccomp/sysops_table.h"
#include "ward/syscall.h"
#include "ward/tcp.h"
#include "trace/tracker.h"

#include "learn.skel.h"

#define NS_PER_S	     1000000000ULL
#define LOG_EVERY_S	     10		     /* progress as a log line when not on a terminal */
#define WINDOW_S	     60		     /* "new in the last minute" */
#define PENDING_LEARN	     65536	     /* records waiting for their cgroups */
#define HOLD_TENTATIVE_NS    (10 * NS_PER_S) /* longer than a young cgroup stays tentative */
#define UNPRIV_PORT_SYSCTL   "/proc/sys/net/ipv4/ip_unprivileged_port_start"
#define PRIVILEGED_PORTS_END 1024 /* capabilities(7), CAP_NET_BIND_SERVICE */
#define PROC_PREFIX	     "/proc/"
#define FD_PREFIX	     "/dev/fd/"

enum verdict { V_NONE = 0, V_WANTED = WARD_CG_WANTED, V_UNWANTED = WARD_CG_UNWANTED };
enum { T_LEARN, T_PROC, T_TCP, T_SYSCALL, T__COUNT }; /* the session's trackers */

/* A sorted uint64 -> pointer map (cgroup verdicts, process executables). */
struct u64map {
	struct u64ent {
		uint64_t key;
		void *val;
	} * v;
	size_t n, cap;
};

struct lsession {
	const struct learn_opts *o;
	struct profile *p;
	struct session sess;	  /* the trackers' attribution */
	struct session_maps maps; /* learn.bpf.c's, shared by the trackers */
	struct tracker *ts[T__COUNT];
	struct lifecycle_rings rings;
	struct u64map verdicts; /* cgroup id -> (uintptr_t)enum verdict */
	struct u64map exes;	/* pid -> malloc'd executable path */
	struct u64map execd_by; /* pid -> malloc'd parent of its last exec ("": outside) */
	struct ward_learn_event *interps; /* LEARN_EV_EXEC records, applied after each poll */
	size_t n_interps, cap_interps;
	uint32_t *exited; /* pids whose exit record came: forgotten after each poll */
	size_t n_exited, cap_exited;
	char **runtimes;
	size_t n_runtimes;
	size_t n_learned;
	uint64_t events;
	/* records that added nothing, per reason (said at the end) */
	uint64_t skip_path, skip_port0, skip_sysnr, malformed, unresolved;
	uint64_t start_mono, end_mono, last_new_mono;
	int64_t start_real;
	unsigned long long start_ticks; /* boot-clock ticks when learning began */
	size_t items;
	uint32_t window[WINDOW_S];
	uint64_t window_sec;
	bool cap_tracepoint;
	uint64_t logged_s;	    /* when the last progress line was logged */
	bool tty, converged_logged; /* converged_logged: the state the last line said */
};

/* ---- small helpers ---------------------------------------------------------------- */

static struct u64ent *map_find(const struct u64map *m, uint64_t key, size_t *ret_pos)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->v[mid].key == key)
			return &m->v[mid];
		if (m->v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (ret_pos)
		*ret_pos = lo;
	return NULL;
}

static void *map_get(const struct u64map *m, uint64_t key)
{
	struct u64ent *e = map_find(m, key, NULL);

	return e ? e->val : NULL;
}

/* Set key to val; the old value is returned through ret_old (NULL if none). */
static int map_put(struct u64map *m, uint64_t key, void *val, void **ret_old)
{
	size_t pos = 0;
	struct u64ent *e = map_find(m, key, &pos);

	*ret_old = NULL;
	if (e) {
		*ret_old = e->val;
		e->val = val;
		return 0;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct u64ent *nv = realloc(m->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		m->v = nv;
		m->cap = cap;
	}
	memmove(&m->v[pos + 1], &m->v[pos], (m->n - pos) * sizeof(*m->v));
	m->v[pos] = (struct u64ent){ key, val };
	m->n++;
	return 0;
}

static void *map_del(struct u64map *m, uint64_t key)
{
	struct u64ent *e = map_find(m, key, NULL);
	void *val;

	if (!e)
		return NULL;
	val = e->val;
	memmove(e, e + 1, (size_t)(m->v + m->n - (e + 1)) * sizeof(*e));
	m->n--;
	return val;
}

void learn_sanitize_name(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (; *in && o + 1 < size && o < LEARN_NAME_MAX; in++) {
		char c = (char)tolower((unsigned char)*in);

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[o++] = c;
		else if (o && out[o - 1] != '-' && (c == '-' || c == '.' || c == '_' || c == '*'))
			out[o++] = c == '*' ? '-' : c;
	}
	while (o && !isalnum((unsigned char)out[o - 1]))
		o--;
	out[o] = '\0';
}

/* ---- the kernel's view ------------------------------------------------------------- */

/* One symbol for kernel_syscall_max(): ctx is its uint32_t[PROF_ABI__MAX]. */
static int syscall_max_sym(char type, const char *name, bool in_module, void *ctx)
{
	static const struct {
		const char *prefix;
		uint32_t abi, arch;
	} kinds[] = {
		{ "__x64_sys_", PROF_ABI_X86_64, SCMP_ARCH_X86_64 },
		{ "__ia32_sys_", PROF_ABI_I386, SCMP_ARCH_X86 },
		{ "__ia32_compat_sys_", PROF_ABI_I386, SCMP_ARCH_X86 },
	};
	uint32_t *ret = ctx;

	(void)type;
	if (in_module) /* modules do not add syscalls */
		return 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t pl = strlen(kinds[k].prefix);
		int nr;

		if (strncmp(name, kinds[k].prefix, pl))
			continue;
		nr = seccomp_syscall_resolve_name_arch(kinds[k].arch, name + pl);
		if (nr >= 0 && (uint32_t)nr > ret[kinds[k].abi])
			ret[kinds[k].abi] = (uint32_t)nr;
	}
	return 0;
}

/* The highest syscall number per ABI this kernel implements, from the
 * __x64_sys_* and __ia32_[compat_]sys_* entry points it lists. */
static void kernel_syscall_max(uint32_t ret[PROF_ABI__MAX])
{
	ret[PROF_ABI_X86_64] = ret[PROF_ABI_I386] = 0;
	(void)probe_kallsyms(syscall_max_sym, ret);
}

static uint16_t unprivileged_port_start(void)
{
	FILE *f = fopen(UNPRIV_PORT_SYSCTL, "re");
	unsigned int v = 0;

	if (f) {
		if (fscanf(f, "%u", &v) != 1 || v > UINT16_MAX)
			v = 0;
		fclose(f);
	}
	/* Without the sysctl (kernels before 4.11) the ports below 1024 are. */
	return f && v ? (uint16_t)v : PRIVILEGED_PORTS_END;
}

/* When a process started, in boot-clock ticks (/proc/PID/stat field 22). */
static int proc_start_ticks(uint32_t pid, unsigned long long *ret)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* after "pid (comm)": state is field 3, starttime field 22 */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", ret) != 1)
		return -EIO;
	return 0;
}

/* readlink /proc/PID/WHAT: the kernel writes it relative to the process's
 * own root when ours cannot reach it, i.e. as the container sees it. */
static int proc_link(uint32_t pid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/%s", pid, what);
	n = readlink(path, buf, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return 0;
}

/* The process runs a program its container's root holds, so it executed one
 * in the container (a runtime's init waiting to start the entrypoint runs
 * the runtime's own binary, from outside that root). */
static bool runs_own_program(uint32_t pid)
{
	char exe[PATH_MAX], in_root[PATH_MAX + 32], link[32];
	struct stat a, b;

	if (proc_link(pid, "exe", exe, sizeof(exe)) || exe[0] != '/')
		return false;
	snprintf(link, sizeof(link), "/proc/%u/exe", pid);
	snprintf(in_root, sizeof(in_root), "/proc/%u/root%s", pid, exe);
	return !stat(link, &a) && !stat(in_root, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* pid's cgroup v2 path is cg or below it. */
static bool proc_in_cgroup(uint32_t pid, const char *cg, size_t cg_len)
{
	char path[32], line[PATH_MAX + 8];
	bool in = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		in = !strncmp(line + 3, cg, cg_len) &&
		     (!line[3 + cg_len] || line[3 + cg_len] == '/');
		break;
	}
	fclose(f);
	return in;
}

/*
 * The container was running before learning began: one of its processes
 * started before then and runs a program of the container's own, so what
 * it executed, opened and called first is not in the profile. A container
 * created but not started (its runtime's init waits to execute the
 * entrypoint) was not. A container whose cgroup is unknown counts as
 * running: the warning errs on the side of saying so.
 */
static bool ran_before_learning(const struct lsession *s, const struct container_info *ci)
{
	size_t cg_len = ci->cgroup_path ? strlen(ci->cgroup_path) : 0;
	struct dirent *de;
	bool ran = false;
	DIR *d;

	if (cg_len < 2)
		return true;
	d = opendir("/proc");
	if (!d)
		return true;
	while (!ran && (de = readdir(d))) {
		unsigned long long started;
		unsigned long pid;
		char *end;

		errno = 0;
		pid = strtoul(de->d_name, &end, 10);
		if (errno || *end || !pid || pid > UINT32_MAX ||
		    !proc_in_cgroup((uint32_t)pid, ci->cgroup_path, cg_len))
			continue;
		ran = !proc_start_ticks((uint32_t)pid, &started) && started < s->start_ticks &&
		      runs_own_program((uint32_t)pid);
	}
	closedir(d);
	return ran;
}

/* ---- classification ------------------------------------------------------------------ */

static int note_runtime(struct lsession *s, const char *rt)
{
	char **v;

	for (size_t i = 0; i < s->n_runtimes; i++)
		if (strcmp(s->runtimes[i], rt) == 0)
			return 0;
	v = realloc(s->runtimes, (s->n_runtimes + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->runtimes = v;
	v[s->n_runtimes] = strdup(rt);
	return v[s->n_runtimes++] ? 0 : -ENOMEM;
}

static int set_verdict(struct lsession *s, uint64_t cgid, enum verdict v)
{
	uint8_t kv = (uint8_t)v;
	void *old;
	int err = map_put(&s->verdicts, cgid, (void *)(uintptr_t)v, &old);

	if (err)
		return err;
	/* A full kernel map costs only filtering in user space. */
	(void)bpf_map_update_elem(s->maps.cgfilter_fd, &cgid, &kv, BPF_ANY);
	return 0;
}

static int want_container(struct lsession *s, const struct container_info *ci)
{
	int err = set_verdict(s, ci->cgroup_id, V_WANTED);

	if (!err)
		err = profile_add_container(s->p, ci->name);
	if (!err && ci->runtime[0])
		err = note_runtime(s, ci->runtime);
	if (err)
		return err;
	s->n_learned++;
	if (s->tty)
		fputs("\r\033[K", stderr);
	cli_info("learning container %s (%.12s%s%s)", ci->name, ci->id,
		 ci->image[0] ? ", image " : "", ci->image);
	return 0;
}

/* The verdict for an attributed record's cgroup: learned or not. A young
 * cgroup that still looks like the host came when the session held it no
 * longer (HOLD_TENTATIVE_NS, or the end): unresolved, no verdict yet. */
static int classify(struct lsession *s, const struct container_info *ci, enum verdict *ret)
{
	uintptr_t v = (uintptr_t)map_get(&s->verdicts, ci->cgroup_id);

	*ret = (enum verdict)v;
	if (v)
		return 0;
	if (ci->host && ci->tentative) {
		s->unresolved++;
		return 0;
	}
	if (!learn_sel_matches(&s->o->sel, ci)) {
		*ret = V_UNWANTED;
		return set_verdict(s, ci->cgroup_id, V_UNWANTED);
	}
	*ret = V_WANTED;
	return want_container(s, ci);
}

/* ---- records -------------------------------------------------------------------------- */

/* A record's outcome: 0, an enum learn_skip (counted), -EPROTO (counted as
 * undecodable) or an error that ends learning. */
static int count_result(struct lsession *s, int r)
{
	if (r == -EPROTO)
		s->malformed++;
	else if (r == LEARN_SKIP_PORT0)
		s->skip_port0++;
	else if (r > 0)
		s->skip_path++;
	return r < 0 && r != -EPROTO ? r : 0;
}

/* m[key] = a copy of str (the old value freed). */
static int map_put_str(struct u64map *m, uint64_t key, const char *str)
{
	char *copy = strdup(str), *old;

	if (!copy || map_put(m, key, copy, (void **)&old)) {
		free(copy);
		return -ENOMEM;
	}
	free(old);
	return 0;
}

static void map_free_strs(struct u64map *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].val);
	free(m->v);
}

static int on_exec(struct lsession *s, const struct ward_proc_event *e)
{
	char name[PROC_FILENAME_LEN + 1], cwd[PATH_MAX], path[PATH_MAX];
	const char *parent = map_get(&s->exes, e->pid);
	int err;

	if (e->filename_truncated)
		return 1;
	memcpy(name, e->filename, PROC_FILENAME_LEN);
	name[PROC_FILENAME_LEN] = '\0';
	/* A magic link (/proc/self/exe, /dev/fd/N) names no file a policy can
	 * hold: what it pointed to is the process's executable now (unknown
	 * once the process is gone: skipped). */
	if (!strncmp(name, PROC_PREFIX, strlen(PROC_PREFIX)) ||
	    !strncmp(name, FD_PREFIX, strlen(FD_PREFIX))) {
		if (proc_link(e->pid, "exe", cwd, sizeof(cwd)) || cwd[0] != '/' ||
		    strlen(cwd) >= sizeof(name))
			return 1;
		strcpy(name, cwd);
	}
	if (name[0] != '/' && proc_link(e->pid, "cwd", cwd, sizeof(cwd)))
		return 1; /* relative, and the process is gone */
	if (learn_path_resolve(cwd, name[0] == '/' ? 0 : strlen(cwd), name, strlen(name), path,
			       sizeof(path)))
		return 1;
	err = profile_add_exec(s->p, path, parent ? parent : "", 1);
	if (err)
		return err == -ENOMEM ? err : 1;
	err = map_put_str(&s->execd_by, e->pid, parent ? parent : "");
	return err ? err : map_put_str(&s->exes, e->pid, path);
}

/* The interpreter of a script a process executed runs as started by what
 * started the script: the process's executable before that exec (the
 * process tracker's record of the exec may have come first). The script
 * itself the kernel opened to execute it. */
static int on_interp(struct lsession *s, const struct ward_learn_event *e)
{
	char interp[LEARN_PATH_LEN * 2 + 2], script[LEARN_PATH_LEN * 2 + 2];
	const char *parent = map_get(&s->exes, e->pid);
	int err = learn_exec_paths(e, interp, script, sizeof(interp));

	if (err)
		return err;
	if (parent && !strcmp(parent, script))
		parent = map_get(&s->execd_by, e->pid);
	err = profile_add_exec(s->p, interp, parent ? parent : "", 1);
	if (!err)
		err = profile_add_file(s->p, script, WARD_ACC_READ | WARD_ACC_EXEC);
	return err == -ENOMEM ? err : err ? 1 : 0;
}

/* A child runs its parent's executable until it executes its own. */
static int on_fork(struct lsession *s, const struct ward_proc_event *e)
{
	char exe[PATH_MAX];
	const char *pexe = map_get(&s->exes, e->pid);
	unsigned long long started;

	/* A process from before learning began: ask the kernel (a process
	 * started since then and unknown here came from outside: "" parent). */
	if (!pexe && !proc_start_ticks(e->pid, &started) && started < s->start_ticks &&
	    !proc_link(e->pid, "exe", exe, sizeof(exe)) && exe[0] == '/')
		pexe = exe;
	return pexe ? map_put_str(&s->exes, e->child_pid, pexe) : 0;
}

/* Append one element of size to the array *v of *n (capacity *cap). */
static int push(void **v, size_t *n, size_t *cap, size_t size, const void *elem)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *nv = realloc(*v, ncap * size);

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	memcpy((char *)*v + (*n)++ * size, elem, size);
	return 0;
}

/*
 * An interpreter's parent comes from the process tracker's fork, exec and
 * exit records, in another ring buffer whose wakeup may come earlier or
 * later: its record waits until every ring buffer was read to its end (the
 * fork came before it; the exec may come after, on_interp knows), and a
 * process is forgotten only after that (its exit came after it).
 */
static int defer_interp(struct lsession *s, const struct ward_learn_event *e)
{
	return push((void **)&s->interps, &s->n_interps, &s->cap_interps, sizeof(*e), e);
}

static int defer_exit(struct lsession *s, uint32_t pid)
{
	return push((void **)&s->exited, &s->n_exited, &s->cap_exited, sizeof(pid), &pid);
}

static int flush_interps(struct lsession *s)
{
	size_t n_exited = s->n_exited;
	int err = 0;

	for (size_t i = 0; i < T__COUNT; i++)
		if (s->ts[i]->rb && ring_buffer__consume(s->ts[i]->rb) < 0)
			return -EIO;
	for (size_t i = 0; i < s->n_interps && !err; i++)
		err = count_result(s, on_interp(s, &s->interps[i]));
	s->n_interps = 0;
	for (size_t i = 0; i < n_exited; i++) {
		free(map_del(&s->exes, s->exited[i]));
		free(map_del(&s->execd_by, s->exited[i]));
	}
	memmove(s->exited, s->exited + n_exited, (s->n_exited - n_exited) * sizeof(*s->exited));
	s->n_exited -= n_exited;
	return err;
}

static int on_proc(struct lsession *s, const struct ward_proc_event *e)
{
	switch (e->type) {
	case PROC_EXEC:
		return on_exec(s, e);
	case PROC_FORK:
		return on_fork(s, e);
	case PROC_EXIT:
		return defer_exit(s, e->pid);
	default:
		return -EPROTO;
	}
}

/* The record's cgroup is learned (counted); 0 when it is not. */
static bool learned(struct lsession *s, const struct container_info *ci, int *ret_err)
{
	enum verdict v;

	*ret_err = classify(s, ci, &v);
	if (*ret_err || v != V_WANTED)
		return false;
	s->events++;
	return true;
}

/* The trackers' emit: each record, attributed, into the profile. An error
 * ends learning (the tracker keeps it: tracker_err()). */
static int emit_proc(struct tracker *t, const void *rec, size_t size,
		     const struct container_info *ci)
{
	struct lsession *s = t->consumer;
	int err;

	(void)size;
	return learned(s, ci, &err) ? count_result(s, on_proc(s, rec)) : err;
}

static int emit_tcp(struct tracker *t, const void *rec, size_t size,
		    const struct container_info *ci)
{
	struct lsession *s = t->consumer;
	int err;

	(void)size;
	return learned(s, ci, &err) ? count_result(s, learn_apply_tcp(s->p, rec)) : err;
}

static int emit_learn(struct tracker *t, const void *rec, size_t size,
		      const struct container_info *ci)
{
	const struct ward_learn_event *e = rec;
	struct lsession *s = t->consumer;
	int err;

	(void)size;
	if (!learned(s, ci, &err))
		return err;
	if (e->type == LEARN_EV_EXEC)
		return defer_interp(s, e);
	return count_result(s, learn_apply_event(s->p, e));
}

static int emit_syscalls(struct tracker *t, const void *rec, size_t size,
			 const struct container_info *ci)
{
	const struct syscall_count *c = rec;
	bool i386 = c->key.abi == SYSCALL_ABI_I386;
	struct lsession *s = t->consumer;
	enum verdict v;
	char *name;
	int err = classify(s, ci, &v);

	(void)size;
	if (err || v != V_WANTED)
		return err;
	name = seccomp_syscall_resolve_num_arch(i386 ? SCMP_ARCH_X86 : SCMP_ARCH_X86_64,
						(int)c->key.nr);
	if (!name) {
		s->skip_sysnr++; /* a number this libseccomp has no name for */
		return 0;
	}
	err = profile_add_syscall(s->p, i386 ? PROF_ABI_I386 : PROF_ABI_X86_64, name, c->count);
	free(name);
	return err;
}

/* The first error a tracker kept. */
static int trackers_err(const struct lsession *s)
{
	for (size_t i = 0; i < T__COUNT; i++)
		if (s->ts[i] && s->ts[i]->err)
			return s->ts[i]->err;
	return 0;
}

/* ---- progress -------------------------------------------------------------------------- */

static void fmt_span(uint64_t secs, char *buf, size_t size)
{
	if (secs >= 3600)
		snprintf(buf, size, "%llu:%02llu:%02llu", (unsigned long long)(secs / 3600),
			 (unsigned long long)(secs / 60 % 60), (unsigned long long)(secs % 60));
	else
		snprintf(buf, size, "%llu:%02llu", (unsigned long long)(secs / 60),
			 (unsigned long long)(secs % 60));
}

/* Count what is new since the last tick into the per-second window. */
static void track_new(struct lsession *s, uint64_t now)
{
	uint64_t sec = (now - s->start_mono) / NS_PER_S;
	size_t items = learn_profile_items(s->p);

	for (; s->window_sec < sec; s->window_sec++)
		s->window[(s->window_sec + 1) % WINDOW_S] = 0;
	if (items > s->items) {
		s->window[sec % WINDOW_S] += (uint32_t)(items - s->items);
		s->last_new_mono = now;
	}
	s->items = items;
}

/*
 * Converged: a learned container has recorded something (a container ran)
 * and no new entry came for --converge. *ret_quiet_s: seconds since the last
 * new entry.
 */
static bool converged(const struct lsession *s, uint64_t now, uint64_t *ret_quiet_s)
{
	*ret_quiet_s = (now - s->last_new_mono) / NS_PER_S;
	return s->n_learned && s->items && *ret_quiet_s >= (uint64_t)s->o->converge_s;
}

/* ", converged: yes (75s without a new entry)" and the like. */
static void fmt_converged(const struct lsession *s, uint64_t now, char *buf, size_t size)
{
	uint64_t quiet;
	bool yes = converged(s, now, &quiet);

	if (!s->n_learned)
		snprintf(buf, size, "converged: no (no container has run yet)");
	else if (!s->items)
		snprintf(buf, size, "converged: no (nothing recorded yet)");
	else if (yes)
		snprintf(buf, size, "converged: yes (%llus without a new entry)",
			 (unsigned long long)quiet);
	else
		snprintf(buf, size, "converged: no (%llus without a new entry, of %llds)",
			 (unsigned long long)quiet, (long long)s->o->converge_s);
}

/* One progress line: on a terminal rewritten every tick; otherwise logged
 * every LOG_EVERY_S, when the converged state changes and at the end. */
static void progress(struct lsession *s, uint64_t now, bool final)
{
	uint64_t elapsed = (now - s->start_mono) / NS_PER_S, recent = 0, quiet;
	char el[32], left[48] = "", conv[96], line[320];
	bool yes = converged(s, now, &quiet);

	for (size_t i = 0; i < WINDOW_S; i++)
		recent += s->window[i];
	fmt_span(elapsed, el, sizeof(el));
	if (s->o->duration_s) {
		char l[32];

		fmt_span(s->end_mono > now ? (s->end_mono - now + NS_PER_S - 1) / NS_PER_S : 0, l,
			 sizeof(l));
		snprintf(left, sizeof(left), ", %s left", l);
	}
	fmt_converged(s, now, conv, sizeof(conv));
	snprintf(line, sizeof(line),
		 "learn: %zu container%s, %s elapsed%s, %llu events, %llu new in the last "
		 "minute, %s",
		 s->n_learned, s->n_learned == 1 ? "" : "s", el, left,
		 (unsigned long long)s->events, (unsigned long long)recent, conv);
	if (s->tty) {
		fprintf(stderr, "\r\033[K%s%s", line, final ? "\n" : "");
		fflush(stderr);
	} else if (final || elapsed >= s->logged_s + LOG_EVERY_S || yes != s->converged_logged) {
		cli_info("%s", line);
		s->logged_s = elapsed;
		s->converged_logged = yes;
	}
}

/* ---- loading ----------------------------------------------------------------------------- */

static int learn_open(struct tracker *t)
{
	struct learn_bpf *skel = learn_bpf__open();
	struct bpf_program *prog;
	uint32_t mntns;
	int err;

	if (!skel)
		return -errno;
	t->skel = skel;
	skel->rodata->filter_cgroups = true;
	skel->rodata->self_tgid = (__u32)getpid();
	err = probe_host_mntns(&mntns);
	if (err)
		return err;
	skel->rodata->host_mntns = mntns;
	skel->rodata->at_fdcwd = AT_FDCWD;
	sysops_fill_all((struct ward_sysop *)skel->rodata->ward_sysops);
	/* cap_capable is a recent tracepoint: without it the program stays
	 * unloaded and capabilities are inferred. */
	for (prog = bpf_object__next_program(skel->obj, NULL); prog;
	     prog = bpf_object__next_program(skel->obj, prog)) {
		if (probe_tracepoint_exists(bpf_program__section_name(prog)))
			continue;
		bpf_program__set_autoload(prog, false);
		if (lifecycle_verbose())
			cli_info("no tracepoint %s on this kernel",
				 bpf_program__section_name(prog));
	}
	return tracker_load_follow(t, skel->skeleton, skel->maps.ward_learn_rb);
}

static void learn_destroy(void *skel)
{
	learn_bpf__destroy(skel);
}

/* learn.bpf.c as a tracker of its own: what the trackers do not see (file
 * accesses by operation, capabilities, binds, the interpreters of scripts). */
static const struct tracker_ops learn_tracker = {
	.name = "learn",
	.open = learn_open,
	.rec_size = sizeof(struct ward_learn_event),
	.destroy = learn_destroy,
};

/* learn.bpf.c, then the trackers filtered by its classification, each
 * record to its emit; 0 or -errno, with what failed in why. */
static int open_trackers(struct lsession *s, char *why, size_t why_size)
{
	static const struct {
		const struct tracker_ops *ops;
		record_emit_fn emit;
	} want[T__COUNT] = {
		[T_LEARN] = { &learn_tracker, emit_learn },
		[T_PROC] = { &process_tracker, emit_proc },
		[T_TCP] = { &tcp_tracker, emit_tcp },
		[T_SYSCALL] = { &syscall_tracker, emit_syscalls },
	};
	struct learn_bpf *skel;
	int err = 0;

	for (size_t i = 0; i < T__COUNT && !err; i++) {
		struct tracker *t;

		err = tracker_open(&s->ts[i], want[i].ops, &s->sess, NULL, false, 0, why, why_size);
		if (err)
			return err;
		t = s->ts[i];
		t->emit = want[i].emit;
		t->consumer = s;
		err = t->rb ? lifecycle_rings_add(&s->rings, t->rb) : 0;
		if (err)
			snprintf(why, why_size, "%s: its ring buffer: %s", t->ops->name,
				 strerror(-err));
		if (i == T_LEARN) { /* the others share its classification */
			skel = t->skel;
			s->cap_tracepoint = bpf_program__autoload(skel->progs.learn_capable);
			s->maps.cgfilter_fd = t->cgfilter_fd;
			s->maps.outsider_fd = bpf_map__fd(skel->maps.learn_outsider);
			s->sess.maps = &s->maps;
		}
	}
	return err;
}

/* Said once, at the end: what the kernel could not report. */
static void say_drops(const void *ctx, unsigned int r, uint64_t delta, uint64_t total)
{
	(void)delta;
	if (r != WARD_DROP_ARGS_TRUNC) /* argv is not learned */
		cli_error("%s: %s: %llu in the kernel: the profile may lack entries",
			  (const char *)ctx, drop_reason_name(r), (unsigned long long)total);
}

static void report_drops(struct lsession *s)
{
	for (size_t i = 0; i < T__COUNT; i++)
		if (s->ts[i]) {
			(void)lifecycle_drops(&s->ts[i]->drops, true, say_drops,
					      s->ts[i]->ops->name);
			s->malformed += s->ts[i]->malformed;
		}
}

static void session_free(struct lsession *s)
{
	for (size_t i = 0; i < T__COUNT; i++)
		tracker_close(s->ts[i]);
	session_pending_free(&s->sess);
	container_cache_free(s->sess.cc);
	map_free_strs(&s->exes);
	map_free_strs(&s->execd_by);
	free(s->interps);
	free(s->exited);
	free(s->verdicts.v);
	for (size_t i = 0; i < s->n_runtimes; i++)
		free(s->runtimes[i]);
	free(s->runtimes);
	profile_free(s->p);
}

/* ---- the session ---------------------------------------------------------------------------- */

/* Said when the container is found (report_truth says it again at the end). */
static void warn_running(const struct container_info *ci)
{
	cli_info("WARNING: container %s was already running when learning began: the profile "
		 "will hold only what it does from now on, not its start (the entrypoint, what "
		 "it opened, connected to and called first), and is marked partial. A seccomp "
		 "or capability profile exported from it will likely stop the container from "
		 "starting. Learn from the start: start `ward learn` first, then the container "
		 "(`runc run`, `docker run`, ...); --from-start refuses a running one",
		 ci->name);
}

/*
 * The matching containers running now are learned from here on. One that
 * ran before learning began makes the profile partial (marked in it, and
 * said loudly) or, with --from-start, ends learning: -EEXIST.
 */
static int classify_running(struct lsession *s)
{
	int err = container_cache_scan(s->sess.cc);
	size_t refused = 0;

	if (err)
		return err;
	for (size_t i = 0; i < container_cache_count(s->sess.cc); i++) {
		const struct container_info *ci = container_cache_at(s->sess.cc, i);

		if (map_get(&s->verdicts, ci->cgroup_id) || !learn_sel_matches(&s->o->sel, ci))
			continue;
		if (!ran_before_learning(s, ci)) {
			err = want_container(s, ci);
		} else if (s->o->from_start) {
			cli_error("container %s (%.12s) was already running when learning began: "
				  "--from-start refuses to learn only the rest of it. Stop it, "
				  "start `ward learn`, then start the container again",
				  ci->name, ci->id);
			refused++;
		} else {
			err = want_container(s, ci) ?: profile_mark_partial(s->p, ci->name);
			if (!err)
				warn_running(ci);
		}
		if (err)
			return err;
	}
	return refused ? -EEXIST : 0;
}

/* After every wakeup: the records waiting for their cgroups (with one scan:
 * a short-lived container is learned only while its state exists), the
 * interpreters of scripts; every tick the syscall counts, container gc and
 * progress. */
static int learn_woke(void *ctx, uint64_t now, bool tick)
{
	struct lsession *s = ctx;
	int err = trackers_err(s) ?: session_resolve_due(&s->sess, now) ?: trackers_err(s)
				  ?: flush_interps(s);

	if (err || !tick)
		return err;
	err = syscall_counts(s->ts[T_SYSCALL]);
	(void)container_cache_gc(s->sess.cc);
	track_new(s, now);
	progress(s, now, false);
	return err;
}

static uint64_t learn_next_wake(void *ctx)
{
	const struct lsession *s = ctx;

	return session_resolve_at(&s->sess);
}

static int run_loop(struct lsession *s)
{
	static const struct lifecycle_hooks hooks = { .woke = learn_woke,
						      .next_wake = learn_next_wake };
	int err = lifecycle_loop(&s->rings, s->start_mono,
				 s->o->duration_s ? s->end_mono : UINT64_MAX, &hooks, s);

	/* What is left in the ring buffers and the maps, every record
	 * attributed now. */
	if (!err)
		err = flush_interps(s) ?: syscall_counts(s->ts[T_SYSCALL]) ?:
		      session_resolve(&s->sess, true) ?: trackers_err(s) ?: flush_interps(s);
	track_new(s, clock_now_ns(CLOCK_MONOTONIC));
	progress(s, clock_now_ns(CLOCK_MONOTONIC), true);
	return err;
}

/* "runc 1.1.5, containerd": each runtime with its version where it tells. */
static char *join_runtimes(const struct lsession *s)
{
	size_t len = 1;
	char *out;

	for (size_t i = 0; i < s->n_runtimes; i++)
		len += strlen(s->runtimes[i]) + 2 + 64;
	out = calloc(1, len);
	for (size_t i = 0; out && i < s->n_runtimes; i++) {
		char ver[96];

		if (i)
			strcat(out, ", ");
		if (learn_runtime_version(s->runtimes[i], ver, sizeof(ver)) == 0)
			strcat(out, ver);
		else
			strcat(out, s->runtimes[i]);
	}
	return out;
}

/* Why records added nothing, per reason: always, so a profile that lacks
 * something says why. */
static void report_skipped(const struct lsession *s)
{
	const struct {
		uint64_t n;
		const char *why;
	} r[] = {
		{ s->skip_path, "named no path a policy can hold (truncated by the kernel, longer "
				"than a policy takes, or gone before it could be resolved)" },
		{ s->skip_port0, "were binds or connects to port 0 (the kernel picks the port: "
				 "nothing to allow)" },
		{ s->skip_sysnr, "were syscall numbers this libseccomp has no name for" },
		{ s->malformed, "were undecodable (objects of another ward build?)" },
		{ s->unresolved, "came from cgroups that did not resolve to a container within "
				 "10 s (not a container's, or its runtime wrote no state) or "
				 "while the queue of records waiting for their cgroups was full" },
	};
	char buf[1024];
	size_t o = 0;
	uint64_t total = 0;

	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		if (!r[i].n)
			continue;
		total += r[i].n;
		if (o < sizeof(buf))
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%llu %s", o ? "; " : "",
					      (unsigned long long)r[i].n, r[i].why);
	}
	if (total)
		cli_info("%llu records added nothing to the profile: %s", (unsigned long long)total,
			 buf);
}

/* What the profile does not hold, and how to get a truer one: partial
 * containers, no convergence, and more runs merged. */
static void report_truth(const struct lsession *s, uint64_t now)
{
	const struct prof_provenance *v = &s->p->prov;
	bool file = strcmp(s->o->output, "-") != 0;
	const char *out = file ? s->o->output : "PROFILE.yaml";
	size_t base = strlen(out);
	uint64_t quiet;

	for (size_t i = 0; i < v->n_partial; i++)
		cli_info("WARNING: %s is PARTIAL: container %s was already running when learning "
			 "began, so what it did at its start is missing. Learn it again from its "
			 "start (start `ward learn` first, then the container) and merge the "
			 "profiles",
			 file ? out : "the profile", v->partial[i]);
	if (!converged(s, now, &quiet) && s->items)
		cli_info("the profile had not converged: its last new entry came %llus before the "
			 "end (--converge %llds); the workload was still doing new things",
			 (unsigned long long)quiet, (long long)s->o->converge_s);
	if (base > 5 && !strcmp(out + base - 5, ".yaml"))
		base -= 5;
	cli_info(
		"one run holds only the paths it took: learn the workload again (start "
		"`ward learn ... --output %.*s-2.yaml`, then the container) and merge the runs: "
		"`ward profile merge %s %.*s-2.yaml --output %.*s-merged.yaml` (`ward profile diff "
		"%s %.*s-2.yaml` shows what a run added)",
		(int)base, out, out, (int)base, out, (int)base, out, out, (int)base, out);
}

/* Stamp, complete and write the profile; 0, or -errno after printing. */
static int finish(struct lsession *s)
{
	struct prof_provenance *v = &s->p->prov;
	char *buf = NULL, why[1024];
	struct rc_diags d;
	struct utsname u;
	size_t len = 0;
	FILE *f;
	int err;

	v->end = (int64_t)(clock_now_ns(CLOCK_REALTIME) / NS_PER_S);
	v->start = s->start_real;
	v->events = s->events;
	uname(&u);
	v->ward = strdup(WARD_VERSION);
	v->kernel = strdup(u.release);
	v->arch = strdup(u.machine);
	v->libseccomp = strdup(sc_libseccomp_version());
	v->runtime = join_runtimes(s);
	if (!v->ward || !v->kernel || !v->arch || !v->libseccomp || !v->runtime)
		return -ENOMEM;
	kernel_syscall_max(v->syscall_max);
	err = learn_add_essentials(s->p);
	if (!err && !s->cap_tracepoint)
		err = profile_infer_caps(s->p, unprivileged_port_start());
	if (!err)
		err = profile_finish(s->p, (size_t)s->o->threshold);
	if (err)
		return err;
	f = open_memstream(&buf, &len);
	if (!f)
		return -errno;
	err = profile_write_yaml(s->p, f, s->o->mode, s->o->posture);
	if (fclose(f) && !err)
		err = -EIO;
	rc_diags_init(&d);
	if (!err && profile_check_yaml(s->o->output, buf, len, &d) == -EINVAL)
		cli_error("rulesc rejects the learned profile, written anyway: %s",
			  d.n ? cli_diags_line(&d, why, sizeof(why)) : "(no diagnostic)");
	rc_diags_free(&d);
	if (!err)
		err = strcmp(s->o->output, "-") ? rc_write_file(s->o->output, buf, len)
						: (fwrite(buf, 1, len, stdout) == len ? 0 : -EIO);
	free(buf);
	if (err)
		cli_error("%s: %s", s->o->output, strerror(-err));
	return err;
}

int learn_run(const struct learn_opts *o)
{
	struct lsession s = {
		.o = o,
		.sess = { .hold_tentative_ns = HOLD_TENTATIVE_NS,
			  .pending_max = PENDING_LEARN,
			  .rb_wake_each = true,
			  .resolve_each_wakeup = true },
		.rings = { .epfd = -1 },
	};
	char name[LEARN_NAME_MAX + 1], why[256];
	int err;

	err = run_start(o->verbose);
	if (err)
		return err;
	learn_sanitize_name(o->name	     ? o->name
			    : o->sel.n_names ? o->sel.names[0]
					     : o->sel.images[0],
			    name, sizeof(name));
	s.p = profile_new(name[0] ? name : "learned");
	s.sess.cc = container_cache_new(NULL);
	if (!s.p || !s.sess.cc) {
		err = -errno;
		cli_error("setting up: %s", strerror(-err));
		goto out;
	}
	err = open_trackers(&s, why, sizeof(why));
	if (err) {
		cli_error("cannot learn: %s", why);
		goto out;
	}
	if (!s.cap_tracepoint)
		cli_info("this kernel has no capability tracepoint: capabilities will be "
			 "inferred from syscalls, binds and chowns and marked inferred");
	s.tty = isatty(STDERR_FILENO);
	s.start_mono = s.last_new_mono = clock_now_ns(CLOCK_MONOTONIC);
	s.start_real = (int64_t)(clock_now_ns(CLOCK_REALTIME) / NS_PER_S);
	s.start_ticks = clock_now_ns(CLOCK_BOOTTIME) / (NS_PER_S / (uint64_t)sysconf(_SC_CLK_TCK));
	s.end_mono = s.start_mono + (uint64_t)o->duration_s * NS_PER_S;
	err = classify_running(&s);
	if (err) {
		if (err != -EEXIST) /* refused: said */
			cli_error("scanning containers: %s", strerror(-err));
		goto out;
	}
	if (!s.n_learned)
		cli_info("no running container matches yet; learning the matching ones that start");
	err = run_loop(&s);
	report_drops(&s);
	if (err) {
		cli_error("learning: %s", strerror(-err));
		goto out;
	}
	if (!s.n_learned) {
		cli_error("no container matched; nothing written");
		err = -ENOENT;
		goto out;
	}
	err = finish(&s);
	if (err)
		goto out;
	cli_info("%s: %zu syscalls, %zu binaries, %zu files, %zu endpoints, %zu capabilities from "
		 "%llu events of %zu containers%s",
		 o->output, s.p->n_sys, s.p->n_exec, s.p->n_files, s.p->n_net, s.p->n_caps,
		 (unsigned long long)s.events, s.n_learned,
		 s.p->prov.n_partial ? " (PARTIAL: see below)" : "");
	report_skipped(&s);
	report_truth(&s, clock_now_ns(CLOCK_MONOTONIC));
out:
	session_free(&s);
	return err;
}
