// SPDX-License-Identifier: Apache-2.0
/*
 * Loader of the enforcement objects (exec, file, net, cap, sys: lsm/ and
 * bpf/enforce/ CLASS.bpf.c linked into one object per resource class, each
 * degrading alone): variant choice from the probe verdict,
 * generations of inner maps switched through ward_active, pins under bpffs,
 * adoption of an earlier daemon's pins, per-cgroup attachments of the
 * cgroup sock_addr fallback.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <seccomp.h>

#include "enforce.h"
#include "rulesc.h"
#include "seccomp/sysops_table.h"
#include "cap.skel.h"
#include "exec.skel.h"
#include "file.skel.h"
#include "net.skel.h"
#include "sys.skel.h"

enum table {
	TBL_POLICIES,
	TBL_RULES,
	TBL_OBJECTS,
	TBL_CIDRS,
	TBL_CANDS,
	TBL_GLOBS,
	TBL_PORTSETS,
	TBL__COUNT,
};

/* The maps every enforcement object shares, pinned by name in pin_dir (the
 * first object to load creates them, the others reuse the pins); the outer
 * maps first, in enum table order. */
enum shared_map {
	SM_CGROUPS = TBL__COUNT,
	SM_ACTIVE,
	SM_LEVELS,
	SM_COUNTERS,
	SM_ALERTS,
	SM_DROPS,
	SM_PENDING,
	SM_HOLDS,
	SM_DAEMON,
	SM_SYSBITS,
	SM__COUNT,
};

static const char *const shared_maps[SM__COUNT] = {
	"ward_policies", "ward_rules",	  "ward_objects", "ward_cidrs",	  "ward_cands",
	"ward_globs",	 "ward_portsets", "ward_cgroups", "ward_active",  "ward_levels",
	"ward_counters", "ward_alerts",	  "ward_drops",	  "ward_pending", "ward_holds",
	"ward_daemon",	 "ward_sysbits",
};

/* One generation's inner maps (fds owned, -1 when absent). */
struct gen {
	uint32_t generation, slot;
	int fd[TBL__COUNT];
};

#define CG_PROGS	  7
#define VERIFIER_LOG_SIZE (16u << 20) /* enough for a level-1 log of a 1M-insn failure */

struct cg_att {
	uint64_t cgid;
	struct bpf_link *links[CG_PROGS];
};

#define SYSOP_KIND(k) (1u << (k))

/*
 * The fallbacks that act after a syscall, each in two forms: one program on
 * every syscall's exit (tp_btf/sys_exit), or one attached to the
 * syscalls:sys_exit_NAME tracepoint of each x86_64 syscall of the table
 * (include/ward/sysops.h) of its kinds, so the other syscalls pay nothing.
 * Those tracepoints miss i386 and x32 calls: the second form is loaded only
 * where the kernel runs neither (the unix one decides no i386 caller in
 * either form), and every one of those syscalls has its tracepoint.
 */
static const struct exit_prog {
	const char *every, *by_nr;
	uint32_t kinds;
	bool ia32; /* the every-exit form decides i386 callers */
} exit_progs[] = {
	{ "ward_tp_file", "ward_tp_file_nr",
	  SYSOP_KIND(WARD_SYSOP_OPEN) | SYSOP_KIND(WARD_SYSOP_PATH) | SYSOP_KIND(WARD_SYSOP_FD),
	  true },
	{ "ward_tp_unix", "ward_tp_unix_nr",
	  SYSOP_KIND(WARD_SYSOP_BIND) | SYSOP_KIND(WARD_SYSOP_CONNECT) |
		  SYSOP_KIND(WARD_SYSOP_SENDTO) | SYSOP_KIND(WARD_SYSOP_SENDMSG),
	  false },
};

#define EXIT_PROGS (sizeof(exit_progs) / sizeof(exit_progs[0]))

struct enforcer {
	struct exec_bpf *exec;
	struct file_bpf *file;
	struct net_bpf *net;
	struct cap_bpf *cap;
	struct sys_bpf *sys;
	struct bpf_object *obj[ENF_OBJ_COUNT]; /* loaded objects, NULL otherwise */
	struct enforce_obj_status st[ENF_OBJ_COUNT];
	char pin_dir[PATH_MAX];
	enum ward_level level[WARD_RES_COUNT];
	char reason[WARD_RES_COUNT][ENFORCE_WHY_MAX];
	struct bpf_link **links;
	size_t n_links;
	struct bpf_program *cg_prog[CG_PROGS];
	bool use_cg;
	struct cg_att *att;
	size_t n_att;
	bool pruned;		/* cgroup pins of an earlier daemon checked */
	bool by_nr[EXIT_PROGS]; /* exit_progs[i] in its per-syscall form */
	/* then, the syscalls it is attached to (exit_by_nr()) */
	uint64_t exit_nrs[EXIT_PROGS][WARD_SYSOP_NR / 64];
	/* Syscall rules: ward_sys_nr on the entry of each syscall the live
	 * policies name, or ward_sys_enter on every one (sync_sys()). */
	struct bpf_link *sys_nr[WARD_SYSBITS];
	struct bpf_link *sys_every;
	/* The syscalls the kernel implements (__x64_sys_NAME text symbols of
	 * /proc/kallsyms, "\n"-joined), once syscall_event() needs them. */
	char *syscall_syms;
	uint32_t adopted;
	struct gen cur, prev;
	int fd[SM__COUNT]; /* the shared maps, from their pins */
};

/* ---- the words of include/ward/enforce_abi.h's enums -------------------------------- */

static const char *const op_names[WARD_OP__MAX] = {
	[WARD_OP_EXEC] = "exec",
	[WARD_OP_OPEN] = "open",
	[WARD_OP_CONNECT] = "connect",
	[WARD_OP_BIND] = "bind",
	[WARD_OP_LISTEN] = "listen",
	[WARD_OP_SENDMSG] = "sendmsg",
	[WARD_OP_CAPABLE] = "capable",
	[WARD_OP_SOCKET] = "socket",
	[WARD_OP_UNIX_CONNECT] = "unix_connect",
	[WARD_OP_SYSCALL] = "syscall",
	[WARD_OP_UNIX_BIND] = "unix_bind",
};

static const char *const undecided_names[WARD_UNDEC__MAX] = {
	[WARD_UNDEC_PATH] = "path",
	[WARD_UNDEC_EXE] = "exe",
	[WARD_UNDEC_STEPS] = "steps",
};

static const char *const level_names[] = {
	[WARD_LEVEL_NONE] = "none",
	[WARD_LEVEL_SIGKILL] = "sigkill",
	[WARD_LEVEL_CGROUP] = "cgroup",
	[WARD_LEVEL_LSM] = "lsm",
};

/* The resources with a level, and the enforcement objects, are the policy's
 * classes (rulesc/vocab.h), in the same order. */
_Static_assert((int)WARD_RES_EXEC == WARD_CLS_EXEC && (int)WARD_RES_FILE == WARD_CLS_FILE &&
		       (int)WARD_RES_NET == WARD_CLS_NET && (int)WARD_RES_CAP == WARD_CLS_CAP,
	       "enum ward_res follows enum ward_class");
_Static_assert((int)ENF_OBJ_EXEC == WARD_CLS_EXEC && (int)ENF_OBJ_FILE == WARD_CLS_FILE &&
		       (int)ENF_OBJ_NET == WARD_CLS_NET && (int)ENF_OBJ_CAP == WARD_CLS_CAP &&
		       (int)ENF_OBJ_SYS == WARD_CLS_SYSCALL,
	       "enum enforce_obj follows enum ward_class");

const char *ward_op_name(unsigned int op)
{
	return op < WARD_OP__MAX ? op_names[op] : NULL;
}

const char *ward_undecided_name(unsigned int u)
{
	return u < WARD_UNDEC__MAX ? undecided_names[u] : NULL;
}

const char *ward_level_name(unsigned int level)
{
	return level <= WARD_LEVEL_LSM ? level_names[level] : "unknown";
}

const char *ward_res_name(unsigned int res)
{
	return res < WARD_RES_COUNT ? rc_class_name((uint8_t)res) : "unknown";
}

const char *enforce_obj_name(enum enforce_obj o)
{
	return o < ENF_OBJ_COUNT ? rc_class_name((uint8_t)o) : "unknown";
}

void enforce_targets_free(struct enforce_target *t, size_t n)
{
	if (!t)
		return;
	for (size_t i = 0; i < n; i++)
		free(t[i].cgroup_dir);
	free(t);
}

static void gen_init(struct gen *g)
{
	g->generation = g->slot = 0;
	for (int i = 0; i < TBL__COUNT; i++)
		g->fd[i] = -1;
}

static void gen_close(struct gen *g)
{
	for (int i = 0; i < TBL__COUNT; i++)
		if (g->fd[i] >= 0)
			close(g->fd[i]);
	gen_init(g);
}

static int pin_path(const struct enforcer *e, char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", e->pin_dir, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* ---- open: one object per resource class ------------------------------------------------------ */

/* The resource whose level an object sets (the syscall object: none). */
static int obj_res(enum enforce_obj o)
{
	switch (o) {
	case ENF_OBJ_EXEC:
		return WARD_RES_EXEC;
	case ENF_OBJ_FILE:
		return WARD_RES_FILE;
	case ENF_OBJ_NET:
		return WARD_RES_NET;
	case ENF_OBJ_CAP:
		return WARD_RES_CAP;
	default:
		return -1;
	}
}

static enum ward_level probe_to_level(enum probe_level l)
{
	switch (l) {
	case PROBE_LEVEL_LSM:
		return WARD_LEVEL_LSM;
	case PROBE_LEVEL_CGROUP:
		return WARD_LEVEL_CGROUP;
	case PROBE_LEVEL_SIGKILL:
		return WARD_LEVEL_SIGKILL;
	default:
		return WARD_LEVEL_NONE;
	}
}

/* Opens object o's skeleton with its load-time settings for the fallback
 * levels (used when its BPF-LSM programs are not loaded). */
static struct bpf_object *obj_open(struct enforcer *e, enum enforce_obj o,
				   const struct probe_verdict *v)
{
	switch (o) {
	case ENF_OBJ_EXEC:
		e->exec = exec_bpf__open();
		if (!e->exec)
			return NULL;
		e->exec->rodata->tp_exec_kill = v->fallback[PROBE_RES_EXEC] == PROBE_LEVEL_SIGKILL;
		return e->exec->obj;
	case ENF_OBJ_FILE:
		e->file = file_bpf__open();
		if (!e->file)
			return NULL;
		e->file->rodata->tp_file_kill = v->fallback[PROBE_RES_FILE] == PROBE_LEVEL_SIGKILL;
		sysops_fill_all((struct ward_sysop *)e->file->rodata->ward_sysops);
		return e->file->obj;
	case ENF_OBJ_NET:
		e->net = net_bpf__open();
		if (!e->net)
			return NULL;
		/* sockets: raw ones by the cgroup program, the others by the
		 * tracepoints, which kill as the exec one does */
		e->net->rodata->cg_sock_raw = v->fallback[PROBE_RES_NETWORK] == PROBE_LEVEL_CGROUP;
		e->net->rodata->tp_sock_kill = v->fallback[PROBE_RES_EXEC] == PROBE_LEVEL_SIGKILL;
		sysops_fill_all((struct ward_sysop *)e->net->rodata->ward_sysops);
		return e->net->obj;
	case ENF_OBJ_CAP:
		e->cap = cap_bpf__open();
		return e->cap ? e->cap->obj : NULL;
	case ENF_OBJ_SYS:
		e->sys = sys_bpf__open();
		return e->sys ? e->sys->obj : NULL;
	default:
		errno = EINVAL;
		return NULL;
	}
}

static void obj_destroy(struct enforcer *e, enum enforce_obj o)
{
	switch (o) {
	case ENF_OBJ_EXEC:
		exec_bpf__destroy(e->exec);
		e->exec = NULL;
		break;
	case ENF_OBJ_FILE:
		file_bpf__destroy(e->file);
		e->file = NULL;
		break;
	case ENF_OBJ_NET:
		net_bpf__destroy(e->net);
		e->net = NULL;
		break;
	case ENF_OBJ_CAP:
		cap_bpf__destroy(e->cap);
		e->cap = NULL;
		break;
	default:
		sys_bpf__destroy(e->sys);
		e->sys = NULL;
		break;
	}
	e->obj[o] = NULL;
}

/* Without BPF-LSM, whether execs are decided before they replace the acting
 * program (tp_btf/sched_prepare_exec, 6.10) rather than after. */
static bool exec_prepare(const struct probe_verdict *v)
{
	return v->trackers[PROBE_TRACKER_FILES].usable && /* tp_btf */
	       probe_tracepoint_exists("tp_btf/sched_prepare_exec");
}

/* ---- syscall tracepoints --------------------------------------------------------------------- */

/* x86_64 syscalls whose kernel entry point (arch/x86/entry/syscalls/
 * syscall_64.tbl), which names their tracepoints, is not sys_NAME. */
static const struct {
	const char *name, *entry;
} syscall_entries[] = {
	{ "stat", "newstat" },	 { "fstat", "newfstat" }, { "lstat", "newlstat" },
	{ "uname", "newuname" }, { "umount2", "umount" }, { "sendfile", "sendfile64" },
};

static int add_syscall_sym(char type, const char *name, bool in_module, void *ctx)
{
	(void)in_module;
	if ((type == 'T' || type == 't') && !strncmp(name, "__x64_sys_", 10))
		(void)fprintf(ctx, "%s\n", name);
	return 0;
}

/* The __x64_sys_* text symbols of /proc/kallsyms that are not weak: the
 * syscalls the kernel has (one it was built without has a weak stub from
 * kernel/sys_ni.c, or nothing if it is newer); "\n"-joined with one before
 * each, NULL when unreadable. */
static char *read_syscall_syms(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int r;

	if (!out)
		return NULL;
	(void)fputc('\n', out);
	r = probe_kallsyms(add_syscall_sym, out);
	if (fclose(out) || r < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * The syscalls:sys_enter_ENTRY (exit: sys_exit_ENTRY) event of x86_64 syscall
 * nr into buf: 0 when its tracepoint exists; 1 when this kernel has no such
 * syscall (libseccomp has no name for it, or __x64_sys_ENTRY is not a text
 * symbol of the kernel: a call fails with ENOSYS); -ENOENT when it has the
 * syscall without a tracepoint of its own (or /proc/kallsyms cannot say).
 */
static int syscall_event(struct enforcer *e, int nr, bool exit, char *buf, size_t size)
{
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
	char sec[PATH_MAX], func[NAME_MAX];
	const char *entry = name;
	int len;

	if (!name)
		return 1;
	for (size_t i = 0; i < sizeof(syscall_entries) / sizeof(syscall_entries[0]); i++)
		if (!strcmp(name, syscall_entries[i].name))
			entry = syscall_entries[i].entry;
	(void)snprintf(buf, size, "sys_%s_%s", exit ? "exit" : "enter", entry);
	(void)snprintf(sec, sizeof(sec), "tp/syscalls/%s", buf);
	len = snprintf(func, sizeof(func), "\n__x64_sys_%s\n", entry);
	free(name);
	if (probe_tracepoint_exists(sec))
		return 0;
	if (!e->syscall_syms)
		e->syscall_syms = read_syscall_syms();
	if (!e->syscall_syms || len <= 0 || (size_t)len >= sizeof(func))
		return -ENOENT; /* not known: as present */
	return strstr(e->syscall_syms, func) ? -ENOENT : 1;
}

/* Whether exit_progs[] entry x runs in its per-syscall form here (see
 * there); nrs: the syscalls it is attached to then (a bit each). */
static bool exit_by_nr(struct enforcer *e, const struct exit_prog *x, const struct probe_verdict *v,
		       const struct ward_sysop *ops, uint64_t *nrs)
{
	char ev[NAME_MAX];

	memset(nrs, 0, WARD_SYSOP_NR / 8);
	if (!v->trackers[PROBE_TRACKER_PROCESS].usable || v->x32_syscalls ||
	    (x->ia32 && v->ia32_syscalls))
		return false;
	for (int nr = 0; nr < WARD_SYSOP_NR; nr++) {
		int r;

		if (!(x->kinds & SYSOP_KIND(ops[nr].kind)))
			continue;
		r = syscall_event(e, nr, true, ev, sizeof(ev));
		if (r < 0)
			return false;
		if (r == 0) /* else absent here */
			nrs[nr / 64] |= 1ULL << (nr % 64);
	}
	return true;
}

/* Pin l as name in the pin directory, replacing an earlier daemon's pin of
 * that name once l is in place. */
static int pin_link(const struct enforcer *e, struct bpf_link *l, const char *name)
{
	char path[PATH_MAX];
	int err = pin_path(e, path, sizeof(path), name);

	if (!err && unlink(path) < 0 && errno != ENOENT)
		err = -errno;
	return err ? err : bpf_link__pin(l, path);
}

/* p on syscalls:EVENT of x86_64 syscall nr, pinned as link_PROG_NR; NULL
 * and errno on failure. */
static struct bpf_link *attach_syscall(const struct enforcer *e, struct bpf_program *p, int nr,
				       const char *event)
{
	struct bpf_link *l = bpf_program__attach_tracepoint(p, "syscalls", event);
	char name[NAME_MAX];
	int err;

	if (!l)
		return NULL;
	(void)snprintf(name, sizeof(name), "link_%s_%d", bpf_program__name(p), nr);
	err = pin_link(e, l, name);
	if (err) {
		bpf_link__destroy(l);
		errno = -err;
		return NULL;
	}
	return l;
}

static void drop_link(struct bpf_link **l)
{
	if (!*l)
		return;
	(void)bpf_link__unpin(*l);
	bpf_link__destroy(*l);
	*l = NULL;
}

/* Whether program p of a class's object is loaded: its BPF-LSM variant
 * (lsm), or the fallback the probes allow. */
static bool prog_wanted(const struct enforcer *e, const struct bpf_program *p, bool lsm,
			const struct probe_verdict *v)
{
	enum bpf_prog_type type = bpf_program__type(p);
	const char *name = bpf_program__name(p), *sec = bpf_program__section_name(p);

	if (type == BPF_PROG_TYPE_LSM)
		return lsm;
	/* syscall rules: the same on any kernel, both forms (sync_sys()) */
	if (!strcmp(name, "ward_sys_enter"))
		return v->trackers[PROBE_TRACKER_SYSCALL].usable;
	if (!strcmp(name, "ward_sys_nr"))
		return v->trackers[PROBE_TRACKER_PROCESS].usable;
	if (!strcmp(name, "ward_tp_applet")) /* the applet, after an exec decided before it */
		return (lsm || exec_prepare(v)) && v->trackers[PROBE_TRACKER_PROCESS].usable;
	if (!strcmp(name, "ward_cg_mkdir") || /* new cgroups, for either exec hook */
	    !strcmp(name, "ward_tp_rename"))  /* applets run without an exec */
		return v->trackers[PROBE_TRACKER_FILES].usable; /* tp_btf */
	if (lsm)
		return false;
	if (!strcmp(name, "ward_tp_prepare"))
		return exec_prepare(v);
	if (!strcmp(name, "ward_tp_exec")) /* kernels before 6.10 */
		return !exec_prepare(v) && v->trackers[PROBE_TRACKER_PROCESS].usable;
	if (type == BPF_PROG_TYPE_CGROUP_SOCK_ADDR || type == BPF_PROG_TYPE_CGROUP_SOCK)
		return v->fallback[PROBE_RES_NETWORK] == PROBE_LEVEL_CGROUP;
	for (size_t i = 0; i < EXIT_PROGS; i++) {
		if (!strcmp(name, exit_progs[i].by_nr))
			return e->by_nr[i];
		if (!strcmp(name, exit_progs[i].every)) /* tp_btf, as the files tracker */
			return !e->by_nr[i] && v->trackers[PROBE_TRACKER_FILES].usable;
	}
	/* tracepoints, some recent (capability/cap_capable) */
	return v->trackers[PROBE_TRACKER_PROCESS].usable && probe_tracepoint_exists(sec);
}

static int set_pins(struct enforcer *e, struct bpf_object *obj)
{
	char path[PATH_MAX];
	struct bpf_map *m;

	for (int i = 0; i < SM__COUNT; i++) {
		int err;

		m = bpf_object__find_map_by_name(obj, shared_maps[i]);
		if (!m)
			continue;
		err = pin_path(e, path, sizeof(path), shared_maps[i]);
		if (!err)
			err = bpf_map__set_pin_path(m, path);
		if (err)
			return err;
	}
	return 0;
}

/* libbpf's print callback while objects load: the verifier log goes to a
 * file (enforce_obj_status.log_path), not to the terminal; the rest to the
 * callback that was set. */
static libbpf_print_fn_t outer_print;
static char failed_prog[64]; /* the program libbpf last said failed to load */

__attribute__((format(printf, 2, 0))) static int quiet_print(enum libbpf_print_level level,
							     const char *fmt, va_list ap)
{
	if (strstr(fmt, "PROG LOAD LOG"))
		return 0;
	if (strstr(fmt, "BPF program load failed")) { /* "prog 'NAME': BPF program ..." */
		const char *name, *end = NULL;
		char msg[256];
		va_list cp;

		va_copy(cp, ap);
		(void)vsnprintf(msg, sizeof(msg), fmt, cp);
		va_end(cp);
		name = strstr(msg, "prog '");
		if (name)
			end = strchr(name + 6, '\'');
		if (end)
			(void)snprintf(failed_prog, sizeof(failed_prog), "%.*s",
				       (int)(end - name - 6), name + 6);
	}
	/* a failed load is reported once, by the caller, with the verifier's summary */
	if (level == LIBBPF_WARN && strstr(fmt, "load"))
		level = LIBBPF_DEBUG;
	return outer_print ? outer_print(level, fmt, ap) : 0;
}

/* The first wanted program that did not load, and the verifier's summary. */
static void load_failure(struct enforcer *e, enum enforce_obj o, struct bpf_object *obj, int err,
			 const char *log)
{
	struct enforce_obj_status *st = &e->st[o];
	struct bpf_program *p;
	FILE *f;

	st->err = err;
	bpf_object__for_each_program(p, obj)
	{
		if (bpf_program__autoload(p) && bpf_program__fd(p) < 0 &&
		    (!failed_prog[0] || !strcmp(failed_prog, bpf_program__name(p)))) {
			(void)snprintf(st->program, sizeof(st->program), "%s",
				       bpf_program__name(p));
			break;
		}
	}
	probe_verifier_summary(log, st->detail, sizeof(st->detail));
	if (!st->detail[0])
		(void)snprintf(st->detail, sizeof(st->detail), "%s", strerror(-err));
	st->log_path[0] = '\0';
	if (!log[0] || (mkdir(ENFORCE_STATE_DIR, 0755) < 0 && errno != EEXIST))
		return;
	(void)snprintf(st->log_path, sizeof(st->log_path), "%s/verifier-%s.log", ENFORCE_STATE_DIR,
		       enforce_obj_name(o));
	f = fopen(st->log_path, "we");
	if (!f) {
		st->log_path[0] = '\0';
		return;
	}
	(void)fprintf(f, "program %s: %s\n%s", st->program, strerror(-err), log);
	(void)fclose(f);
}

/*
 * Load object o with its BPF-LSM programs (lsm) or its fallbacks. 0, or
 * -errno with e->st[o] saying which program failed and why (the verifier log
 * in a file); -ENOENT when nothing of it runs on this kernel.
 */
static int obj_load(struct enforcer *e, enum enforce_obj o, bool lsm, const struct probe_verdict *v,
		    char *log)
{
	struct bpf_object *obj = obj_open(e, o, v);
	struct bpf_program *p;
	size_t wanted = 0;
	int err;

	if (!obj)
		return -errno;
	bpf_object__for_each_program(p, obj)
	{
		bool on = prog_wanted(e, p, lsm, v);

		err = bpf_program__set_autoload(p, on);
		if (!err && on)
			err = bpf_program__set_log_buf(p, log, VERIFIER_LOG_SIZE);
		if (err)
			goto out_destroy;
		wanted += on;
	}
	if (!wanted) {
		err = -ENOENT;
		goto out_destroy;
	}
	err = set_pins(e, obj);
	if (err)
		goto out_destroy;
	log[0] = '\0';
	failed_prog[0] = '\0';
	err = bpf_object__load(obj);
	if (err) {
		load_failure(e, o, obj, err, log);
		goto out_destroy;
	}
	e->obj[o] = obj;
	e->st[o].loaded = true;
	e->st[o].err = 0;
	return 0;

out_destroy:
	obj_destroy(e, o);
	return err;
}

/* A reason into a fixed buffer, cut short when it must be. */
__attribute__((format(printf, 3, 4))) static void reasonf(char *buf, size_t size, const char *fmt,
							  ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

/* How a fallback class's after-syscall program watches (exit_progs[]), for
 * its reason; "" for the others. */
static const char *exits_watched(const struct enforcer *e, enum enforce_obj o)
{
	static char buf[PROBE_LINE_MAX];
	size_t i = o == ENF_OBJ_FILE ? 0 : 1;
	int n = 0;

	if (o != ENF_OBJ_FILE && o != ENF_OBJ_NET)
		return "";
	if (!e->by_nr[i])
		return "; after every syscall's exit (i386 or x32 syscalls may run here, which "
		       "per-syscall tracepoints miss)";
	for (size_t w = 0; w < WARD_SYSOP_NR / 64; w++)
		n += __builtin_popcountll(e->exit_nrs[i][w]);
	(void)snprintf(buf, sizeof(buf), "; after the exit tracepoints of its %d syscalls", n);
	return buf;
}

/* Load every class: BPF-LSM where the kernel has it, else (or when a class's
 * BPF-LSM programs do not load) its fallbacks; set the levels and reasons. */
static void load_all(struct enforcer *e, const struct probe_verdict *v, char *log)
{
	bool lsm = v->enforcement[PROBE_RES_EXEC] == PROBE_LEVEL_LSM;
	struct ward_sysop *ops = calloc(WARD_SYSOP_NR, sizeof(*ops));

	if (ops) { /* without it, every exit: correct, only dearer */
		(void)sysops_fill(SCMP_ARCH_X86_64, ops, WARD_SYSOP_NR);
		for (size_t i = 0; i < EXIT_PROGS; i++)
			e->by_nr[i] = exit_by_nr(e, &exit_progs[i], v, ops, e->exit_nrs[i]);
		free(ops);
	}

	outer_print = libbpf_set_print(quiet_print);
	for (int o = 0; o < ENF_OBJ_COUNT; o++) {
		int res = obj_res(o), err;
		char lsm_why[ENFORCE_WHY_MAX] = "";

		if (lsm && o != ENF_OBJ_SYS) {
			err = obj_load(e, o, true, v, log);
			if (!err) {
				e->level[res] = WARD_LEVEL_LSM;
				reasonf(e->reason[res], sizeof(e->reason[res]), "%s",
					v->enforcement_reason[res]);
				continue;
			}
			reasonf(lsm_why, sizeof(lsm_why),
				"BPF-LSM program %s did not load (%s%s%s)", e->st[o].program,
				e->st[o].detail, e->st[o].log_path[0] ? "; verifier log: " : "",
				e->st[o].log_path);
		}
		err = obj_load(e, o, false, v, log);
		if (res < 0)
			continue;
		if (!err) {
			e->level[res] = probe_to_level(v->fallback[res]);
			reasonf(e->reason[res], sizeof(e->reason[res]), "%s%s%s%s", lsm_why,
				lsm_why[0] ? "; falling back: " : "", v->fallback_reason[res],
				exits_watched(e, o));
		} else {
			e->level[res] = WARD_LEVEL_NONE;
			if (err == -ENOENT && !lsm_why[0])
				reasonf(e->reason[res], sizeof(e->reason[res]),
					"not decided on this kernel: %s", v->fallback_reason[res]);
			else
				reasonf(e->reason[res], sizeof(e->reason[res]),
					"not decided: %s%s%s did not load (%s)", lsm_why,
					lsm_why[0] ? "; fallback " : "", e->st[o].program,
					e->st[o].detail);
		}
	}
	libbpf_set_print(outer_print);
	outer_print = NULL;
}

static int push_link(struct enforcer *e, struct bpf_link *l)
{
	struct bpf_link **grown = realloc(e->links, (e->n_links + 1) * sizeof(*grown));

	if (!grown) {
		bpf_link__destroy(l);
		return -ENOMEM;
	}
	e->links = grown;
	e->links[e->n_links++] = l;
	return 0;
}

/* Program p in its per-syscall form (exit_progs[] entry x) on the exit of
 * each syscall of the table of its kinds. */
static int attach_exits(struct enforcer *e, struct bpf_program *p, const uint64_t *nrs,
			struct rc_diags *d)
{
	char ev[NAME_MAX];
	int err = 0;

	for (int nr = 0; nr < WARD_SYSOP_NR && !err; nr++) {
		struct bpf_link *l;

		if (!(nrs[nr / 64] >> (nr % 64) & 1) || syscall_event(e, nr, true, ev, sizeof(ev)))
			continue;
		l = attach_syscall(e, p, nr, ev);
		err = l ? push_link(e, l) : -errno;
		if (err)
			rc_diag(d, RC_ERROR, "attach-failed", NULL, NULL,
				"attaching %s to syscalls:%s: %s", bpf_program__name(p), ev,
				strerror(-err));
	}
	return err;
}

/* The link pins an earlier daemon left for programs this one does not run
 * (a per-syscall form where it ran the other, a syscall no policy names). */
static void prune_link_pins(const struct enforcer *e)
{
	DIR *d = opendir(e->pin_dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		bool ours = false;

		if (strncmp(de->d_name, "link_", 5))
			continue;
		for (size_t i = 0; i < e->n_links && !ours; i++) {
			const char *pin = bpf_link__pin_path(e->links[i]);
			const char *base = pin ? strrchr(pin, '/') : NULL;

			ours = base && !strcmp(base + 1, de->d_name);
		}
		if (!ours)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

/* Attach every loaded program but the cgroup ones (per cgroup,
 * sync_cgroup_links()) and the syscall rules' (per policy, sync_sys()), and
 * pin its links, replacing the pins of an earlier daemon only once the new
 * link is in place. */
static int attach_pin(struct enforcer *e, struct rc_diags *d)
{
	struct bpf_program *p;

	for (int o = 0; o < ENF_OBJ_COUNT; o++) {
		if (!e->obj[o] || o == ENF_OBJ_SYS)
			continue;
		bpf_object__for_each_program(p, e->obj[o])
		{
			enum bpf_prog_type type = bpf_program__type(p);
			const uint64_t *nrs = NULL;
			char name[NAME_MAX];
			struct bpf_link *l;
			int err;

			if (!bpf_program__autoload(p) || type == BPF_PROG_TYPE_CGROUP_SOCK_ADDR ||
			    type == BPF_PROG_TYPE_CGROUP_SOCK)
				continue;
			for (size_t i = 0; i < EXIT_PROGS && !nrs; i++)
				if (!strcmp(bpf_program__name(p), exit_progs[i].by_nr))
					nrs = e->exit_nrs[i];
			if (nrs) {
				err = attach_exits(e, p, nrs, d);
				if (err)
					return err;
				continue;
			}
			l = bpf_program__attach(p);
			if (!l) {
				err = -errno;
				rc_diag(d, RC_ERROR, "attach-failed", NULL, NULL,
					"attaching %s: %s", bpf_program__name(p), strerror(-err));
				return err;
			}
			err = push_link(e, l);
			(void)snprintf(name, sizeof(name), "link_%s", bpf_program__name(p));
			if (!err)
				err = pin_link(e, l, name);
			if (err) {
				rc_diag(d, RC_ERROR, "pin-failed", NULL, NULL, "pinning %s: %s",
					name, strerror(-err));
				return err;
			}
		}
	}
	prune_link_pins(e);
	return 0;
}

/*
 * The syscall rules of the generation about to go live (its sysbits b):
 * ward_sys_nr on the entry of each syscall they name, or ward_sys_enter on
 * every syscall's entry when they decide every one (a syscall default other
 * than allow) or name one without a tracepoint of its own; a syscall this
 * kernel does not have is not watched (a warning in d: its calls fail with
 * ENOSYS). Before the switch (detach false) it only attaches, so no call the
 * new generation decides goes unseen; after it (detach true) it detaches
 * what the live one no longer needs. Either program reads the live
 * generation's bits, so one attached more than needed decides nothing more.
 */
static int sync_sys(struct enforcer *e, const struct ward_sysbits *b, bool detach,
		    struct rc_diags *d)
{
	bool want_every = b->high, named[WARD_SYSBITS] = { false };
	char ev[NAME_MAX], absent[PROBE_LINE_MAX] = "";
	struct bpf_program *every, *by_nr;

	if (!e->obj[ENF_OBJ_SYS])
		return 0;
	every = e->sys->progs.ward_sys_enter;
	by_nr = e->sys->progs.ward_sys_nr;
	for (int nr = 0; nr < WARD_SYSBITS; nr++) {
		int r;

		if (!(b->bits[nr / 64] >> (nr % 64) & 1))
			continue;
		r = syscall_event(e, nr, false, ev, sizeof(ev));
		named[nr] = r == 0;
		want_every |= r < 0 || !bpf_program__autoload(by_nr);
		if (r > 0 && !detach)
			(void)snprintf(absent + strlen(absent), sizeof(absent) - strlen(absent),
				       "%s%.32s", absent[0] ? ", " : "", ev + strlen("sys_enter_"));
	}
	want_every &= bpf_program__autoload(every);
	if (detach) {
		if (!want_every)
			drop_link(&e->sys_every);
		for (int nr = 0; nr < WARD_SYSBITS; nr++)
			if (want_every || !named[nr])
				drop_link(&e->sys_nr[nr]);
		return 0;
	}
	if (absent[0] && !want_every)
		rc_diag(d, RC_WARNING, "syscall-absent", NULL, NULL,
			"syscall rules name %s, which this kernel does not have (a call fails "
			"with ENOSYS): not watched",
			absent);
	if (want_every && !e->sys_every) {
		struct bpf_link *l = bpf_program__attach(every);
		int err = l ? pin_link(e, l, "link_ward_sys_enter") : -errno;

		if (err) {
			bpf_link__destroy(l);
			return err;
		}
		e->sys_every = l;
	}
	for (int nr = 0; nr < WARD_SYSBITS && !want_every; nr++) {
		if (!named[nr] || e->sys_nr[nr])
			continue;
		(void)syscall_event(e, nr, false, ev, sizeof(ev));
		e->sys_nr[nr] = attach_syscall(e, by_nr, nr, ev);
		if (!e->sys_nr[nr])
			return -errno;
	}
	return 0;
}

static int read_active(const struct enforcer *e, struct ward_active *ret)
{
	uint32_t zero = 0;

	return bpf_map_lookup_elem(e->fd[SM_ACTIVE], &zero, ret) < 0 ? -errno : 0;
}

/* The live generation an earlier daemon left: its inner maps by id. */
static int adopt(struct enforcer *e)
{
	struct ward_active a;
	int err = read_active(e, &a);

	if (err || !ward_active_gen(&a))
		return err;
	e->adopted = ward_active_gen(&a);
	e->cur.generation = e->adopted;
	e->cur.slot = a.slot & (WARD_ENF_SLOTS - 1);
	for (int t = 0; t < TBL__COUNT; t++) {
		uint32_t id;

		if (bpf_map_lookup_elem(e->fd[t], &e->cur.slot, &id) < 0)
			return -errno;
		e->cur.fd[t] = bpf_map_get_fd_by_id(id);
		if (e->cur.fd[t] < 0)
			return -errno;
	}
	return 0;
}

/* One error a class that loaded nothing: "exec: ward_bprm_check: <verifier
 * summary> (verifier log: FILE)", or what the probes say of it. */
static void describe_failures(const struct enforcer *e, struct rc_diags *d)
{
	size_t n0 = d->n_errors;

	for (int o = 0; o < ENF_OBJ_COUNT; o++) {
		const struct enforce_obj_status *st = &e->st[o];

		if (st->loaded || (!st->program[0] && obj_res(o) < 0))
			continue;
		if (st->program[0])
			rc_diag(d, RC_ERROR, "program-not-loaded", NULL, NULL, "%s: %s: %s%s%s%s",
				enforce_obj_name(o), st->program, st->detail,
				st->log_path[0] ? " (verifier log: " : "", st->log_path,
				st->log_path[0] ? ")" : "");
		else /* nothing of it runs here: the probes say why */
			rc_diag(d, RC_ERROR, "class-unavailable", NULL, NULL, "%s: %s",
				enforce_obj_name(o), e->reason[obj_res(o)]);
	}
	if (d->n_errors == n0)
		rc_diag(d, RC_ERROR, "no-enforcement", NULL, NULL,
			"no enforcement program can run on this kernel");
}

/* Each class's level and why, for `ward status` (ENFORCE_LEVELS_FILE): one
 * "RESOURCE<TAB>LEVEL<TAB>REASON" line each. Best effort: status says when
 * the file is missing. */
static void save_levels(const struct enforcer *e)
{
	char tmp[PATH_MAX];
	FILE *f;

	if (mkdir(ENFORCE_STATE_DIR, 0755) < 0 && errno != EEXIST)
		return;
	(void)snprintf(tmp, sizeof(tmp), "%s.tmp", ENFORCE_LEVELS_FILE);
	f = fopen(tmp, "we");
	if (!f)
		return;
	for (int r = 0; r < WARD_RES_COUNT; r++)
		(void)fprintf(f, "%s\t%s\t%s\n", ward_res_name(r), ward_level_name(e->level[r]),
			      e->reason[r]);
	if (fclose(f) == 0)
		(void)rename(tmp, ENFORCE_LEVELS_FILE);
	else
		(void)unlink(tmp);
}

struct enforcer *enforcer_open(const struct probe_verdict *v, const char *pin_dir,
			       struct rc_diags *d)
{
	size_t n0 = d->n_errors;
	struct enforcer *e = calloc(1, sizeof(*e));
	bool any = false;
	char *log = NULL;
	int err;

	if (!e)
		return NULL;
	gen_init(&e->cur);
	gen_init(&e->prev);
	for (int i = 0; i < SM__COUNT; i++)
		e->fd[i] = -1;
	(void)snprintf(e->pin_dir, sizeof(e->pin_dir), "%s", pin_dir);
	if (mkdir(pin_dir, 0700) < 0 && errno != EEXIST) {
		err = -errno;
		rc_diag(d, RC_ERROR, "pin-failed", NULL, NULL,
			"creating %s: %s (is bpffs mounted?)", pin_dir, strerror(-err));
		goto out_free;
	}
	log = malloc(VERIFIER_LOG_SIZE);
	if (!log) {
		err = -ENOMEM;
		goto out_free;
	}
	load_all(e, v, log);
	free(log);
	for (int o = 0; o < ENF_OBJ_COUNT; o++)
		any |= o != ENF_OBJ_SYS && e->st[o].loaded;
	if (!any) {
		err = -ENOEXEC;
		describe_failures(e, d);
		goto out_free;
	}
	e->use_cg = e->level[WARD_RES_NET] == WARD_LEVEL_CGROUP;
	if (e->use_cg) {
		e->cg_prog[0] = e->net->progs.ward_cg_connect4;
		e->cg_prog[1] = e->net->progs.ward_cg_connect6;
		e->cg_prog[2] = e->net->progs.ward_cg_sendmsg4;
		e->cg_prog[3] = e->net->progs.ward_cg_sendmsg6;
		e->cg_prog[4] = e->net->progs.ward_cg_bind4;
		e->cg_prog[5] = e->net->progs.ward_cg_bind6;
		e->cg_prog[6] = e->net->progs.ward_cg_sock_create;
	}
	for (int i = 0; i < SM__COUNT; i++) {
		char path[PATH_MAX];

		err = pin_path(e, path, sizeof(path), shared_maps[i]);
		if (!err) {
			e->fd[i] = bpf_obj_get(path);
			err = e->fd[i] < 0 ? -errno : 0;
		}
		if (err) {
			rc_diag(d, RC_ERROR, "pin-failed", NULL, NULL,
				"opening the pinned map %s: %s", shared_maps[i], strerror(-err));
			goto out_free;
		}
	}
	err = adopt(e);
	if (err) {
		rc_diag(d, RC_ERROR, "adopt-failed", NULL, NULL,
			"adopting the generation pinned in %s: %s", pin_dir, strerror(-err));
		goto out_free;
	}
	for (uint32_t r = 0; r < WARD_RES_COUNT; r++) {
		uint32_t lv = e->level[r];

		if (bpf_map_update_elem(e->fd[SM_LEVELS], &r, &lv, 0) < 0) {
			err = -errno;
			goto out_free;
		}
	}
	err = attach_pin(e, d);
	if (err)
		goto out_free;
	save_levels(e);
	return e;

out_free:
	if (d->n_errors == n0)
		rc_diag(d, RC_ERROR, "enforcer-failed", NULL, NULL, "%s", strerror(-err));
	enforcer_free(e);
	errno = -err;
	return NULL;
}

void enforcer_free(struct enforcer *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n_att; i++)
		for (int j = 0; j < CG_PROGS; j++)
			bpf_link__destroy(e->att[i].links[j]);
	free(e->att);
	for (size_t i = 0; i < e->n_links; i++)
		bpf_link__destroy(e->links[i]);
	free(e->links);
	free(e->syscall_syms);
	bpf_link__destroy(e->sys_every);
	for (int nr = 0; nr < WARD_SYSBITS; nr++)
		bpf_link__destroy(e->sys_nr[nr]);
	gen_close(&e->cur);
	gen_close(&e->prev);
	for (int i = 0; i < SM__COUNT; i++)
		if (e->fd[i] >= 0)
			close(e->fd[i]);
	for (int o = 0; o < ENF_OBJ_COUNT; o++)
		obj_destroy(e, o);
	free(e);
}

int enforcer_unpin(struct enforcer *e)
{
	DIR *d;
	struct dirent *de;
	int err = 0;

	for (size_t i = 0; i < e->n_links; i++)
		(void)bpf_link__unpin(e->links[i]);
	if (e->sys_every)
		(void)bpf_link__unpin(e->sys_every);
	for (int nr = 0; nr < WARD_SYSBITS; nr++)
		if (e->sys_nr[nr])
			(void)bpf_link__unpin(e->sys_nr[nr]);
	for (size_t i = 0; i < e->n_att; i++)
		for (int j = 0; j < CG_PROGS; j++)
			if (e->att[i].links[j])
				(void)bpf_link__unpin(e->att[i].links[j]);
	for (int i = 0; i < SM__COUNT; i++) {
		char path[PATH_MAX];

		if (!pin_path(e, path, sizeof(path), shared_maps[i]) && unlink(path) < 0 &&
		    errno != ENOENT && !err)
			err = -errno;
	}
	/* Links of cgroups this daemon never saw. */
	d = opendir(e->pin_dir);
	if (d) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				(void)unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	if (rmdir(e->pin_dir) < 0 && errno != ENOENT && !err)
		err = -errno;
	return err;
}

bool enforcer_degraded(const struct enforcer *e, enum ward_res res)
{
	for (int o = 0; o < ENF_OBJ_COUNT; o++)
		if (obj_res(o) == (int)res)
			return e->st[o].program[0] || !e->st[o].loaded;
	return false;
}

const struct enforce_obj_status *enforcer_obj_status(const struct enforcer *e, enum enforce_obj o)
{
	return o < ENF_OBJ_COUNT ? &e->st[o] : NULL;
}

/* ---- generations ---------------------------------------------------------------------------- */

static int create_inner(struct gen *g, enum table t, enum bpf_map_type type, const char *name,
			uint32_t key_size, uint32_t value_size, size_t n, uint32_t flags)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = flags);

	g->fd[t] = bpf_map_create(type, name, key_size, value_size, n ? (uint32_t)n : 1, &opts);
	return g->fd[t] < 0 ? -errno : 0;
}

static int fill(int fd, const void *keys, size_t key_stride, const void *vals, size_t val_stride,
		size_t n, bool index_keys, uint32_t first_index)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t idx = first_index + (uint32_t)i;
		const void *k =
			index_keys ? (const void *)&idx : (const char *)keys + i * key_stride;

		if (bpf_map_update_elem(fd, k, (const char *)vals + i * val_stride, 0) < 0)
			return -errno;
	}
	return 0;
}

/* The policy array: each bundle policy (audit_only: reporting instead of
 * blocking, whatever the bundle says) with the key kinds of each of its
 * domains, from one pass over the object table. */
static int write_policies(int fd, const struct ward_bundle *b, bool audit_only)
{
	struct ward_policy_live *live = calloc(b->n_policies + 1, sizeof(*live));
	int err = 0;

	if (!live)
		return -ENOMEM;
	for (size_t o = 0; o < b->n_objects; o++) {
		const struct ward_obj_key *ok = &b->objects[o].key;

		/* ids, domains and kinds were checked when the bundle was read */
		if (ok->policy_id <= b->n_policies && ok->domain < sizeof(live->kinds))
			live[ok->policy_id].kinds[ok->domain] |= (uint8_t)(1u << ok->kind);
	}
	for (uint32_t id = 1; id <= b->n_policies && !err; id++) {
		live[id].k = b->policies[id - 1].k;
		if (audit_only)
			live[id].k.mode = WARD_MODE_AUDIT;
		if (bpf_map_update_elem(fd, &id, &live[id], 0) < 0)
			err = -errno;
	}
	free(live);
	return err;
}

/* The syscalls b decides (struct ward_sysbits): those its syscall rules name,
 * every one when a policy's syscall default is not allow. */
static void sysbits(const struct ward_bundle *b, struct ward_sysbits *ret)
{
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < b->n_policies; i++) {
		uint8_t def = b->policies[i].k.defaults[WARD_CLS_SYSCALL];

		if (def != WARD_ACT_NONE && def != WARD_ACT_ALLOW) {
			memset(ret, 0xff, sizeof(*ret));
			return;
		}
	}
	for (size_t o = 0; o < b->n_objects; o++) {
		const struct ward_obj_key *k = &b->objects[o].key;

		if (k->domain != WARD_DOM_SYSCALL)
			continue;
		if (k->hash >= WARD_SYSBITS)
			ret->high = 1;
		else
			ret->bits[k->hash / 64] |= 1ULL << (k->hash % 64);
	}
}

static int build_gen(struct gen *g, const struct ward_bundle *b, bool audit_only)
{
	int err;

	err = create_inner(g, TBL_POLICIES, BPF_MAP_TYPE_ARRAY, "ward_g_pol", sizeof(uint32_t),
			   sizeof(struct ward_policy_live), b->n_policies + 1, BPF_F_INNER_MAP);
	if (!err)
		err = create_inner(g, TBL_RULES, BPF_MAP_TYPE_ARRAY, "ward_g_rule",
				   sizeof(uint32_t), sizeof(struct ward_rule_kern), b->n_rules,
				   BPF_F_INNER_MAP);
	if (!err)
		err = create_inner(g, TBL_OBJECTS, BPF_MAP_TYPE_HASH, "ward_g_obj",
				   sizeof(struct ward_obj_key), sizeof(struct ward_obj_val),
				   b->n_objects, 0);
	if (!err)
		err = create_inner(g, TBL_CIDRS, BPF_MAP_TYPE_LPM_TRIE, "ward_g_cidr",
				   sizeof(struct ward_lpm_key), sizeof(struct ward_lpm_val),
				   b->n_cidrs, BPF_F_NO_PREALLOC);
	if (!err)
		err = create_inner(g, TBL_CANDS, BPF_MAP_TYPE_ARRAY, "ward_g_cand",
				   sizeof(uint32_t), sizeof(struct ward_cand), b->n_cands,
				   BPF_F_INNER_MAP);
	if (!err)
		err = create_inner(g, TBL_GLOBS, BPF_MAP_TYPE_ARRAY, "ward_g_glob",
				   sizeof(uint32_t), sizeof(struct ward_glob_kern), b->n_globs,
				   BPF_F_INNER_MAP);
	if (!err)
		err = create_inner(g, TBL_PORTSETS, BPF_MAP_TYPE_ARRAY, "ward_g_port",
				   sizeof(uint32_t), sizeof(struct ward_portset), b->n_portsets,
				   BPF_F_INNER_MAP);
	if (err)
		return err;
	/* audit_only: every policy and rule reports instead of blocking,
	 * whatever the bundle says (staging, and the embedded default pack). */
	err = write_policies(g->fd[TBL_POLICIES], b, audit_only);
	for (size_t i = 0; i < b->n_rules && !err; i++) {
		struct ward_rule_kern k = b->rules[i].k;
		uint32_t idx = (uint32_t)i;

		if (audit_only)
			k.mode = WARD_MODE_AUDIT;
		if (bpf_map_update_elem(g->fd[TBL_RULES], &idx, &k, 0) < 0)
			err = -errno;
	}
	for (size_t i = 0; i < b->n_objects && !err; i++)
		if (bpf_map_update_elem(g->fd[TBL_OBJECTS], &b->objects[i].key, &b->objects[i].val,
					0) < 0)
			err = -errno;
	for (size_t i = 0; i < b->n_cidrs && !err; i++)
		if (bpf_map_update_elem(g->fd[TBL_CIDRS], &b->cidrs[i].key, &b->cidrs[i].val, 0) <
		    0)
			err = -errno;
	if (!err)
		err = fill(g->fd[TBL_CANDS], NULL, 0, b->cands, sizeof(*b->cands), b->n_cands, true,
			   0);
	/* globs as the token tables the kernel steps through */
	for (size_t i = 0; i < b->n_globs && !err; i++) {
		struct ward_glob_kern k;
		uint32_t idx = (uint32_t)i;
		const char *why;

		err = ward_glob_compile(b->globs[i].pattern, &k, &why);
		if (!err && bpf_map_update_elem(g->fd[TBL_GLOBS], &idx, &k, 0) < 0)
			err = -errno;
	}
	if (!err)
		err = fill(g->fd[TBL_PORTSETS], NULL, 0, b->bitmaps, sizeof(*b->bitmaps),
			   b->n_portsets, true, 0);
	return err;
}

static const struct enforce_target *find_target(const struct enforce_target *t, size_t n,
						uint64_t cgid)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].cgroup_id == cgid)
			return &t[i];
	return NULL;
}

/* Make slot's entries in ward_cgroups the targets t: what changed is
 * written, cgroups no longer targeted (and a generation's before last, in a
 * slot being reused) are removed. */
static int sync_cgroups(struct enforcer *e, uint32_t slot, const struct enforce_target *t, size_t n)
{
	int fd = e->fd[SM_CGROUPS], err = 0;
	struct ward_cg_key key, next, *prev = NULL;

	if (n > WARD_ENF_CGROUPS)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		struct ward_cg_key k = { .cgid = t[i].cgroup_id, .slot = slot };
		struct ward_cgroup_policies old;

		if (bpf_map_lookup_elem(fd, &k, &old) == 0 &&
		    !memcmp(&old, &t[i].pols, sizeof(old)))
			continue;
		if (bpf_map_update_elem(fd, &k, &t[i].pols, 0) < 0 && !err)
			err = -errno;
	}
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (prev && prev->slot == slot && !find_target(t, n, prev->cgid))
			(void)bpf_map_delete_elem(fd, prev);
		key = next;
		prev = &key;
	}
	if (prev && prev->slot == slot && !find_target(t, n, prev->cgid))
		(void)bpf_map_delete_elem(fd, prev);
	return err;
}

/* Counters of generations older than the previous one are dead weight. */
static void prune_counters(struct enforcer *e, uint32_t keep_from)
{
	int fd = e->fd[SM_COUNTERS];
	struct ward_counter_key k, next, *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (prev && prev->generation < keep_from)
			(void)bpf_map_delete_elem(fd, prev);
		k = next;
		prev = &k;
	}
	if (prev && prev->generation < keep_from)
		(void)bpf_map_delete_elem(fd, prev);
}

static int sync_cgroup_links(struct enforcer *e, const struct enforce_target *t, size_t n);

/* Make slot, holding generation gen, live: the slot's generation first, then
 * the slot, so each update changes only what no program reads yet, or the
 * slot's low byte. */
static int switch_slot(struct enforcer *e, struct ward_active a, uint32_t slot, uint32_t gen)
{
	uint32_t zero = 0;

	a.gen[slot] = gen;
	if (bpf_map_update_elem(e->fd[SM_ACTIVE], &zero, &a, 0) < 0)
		return -errno;
	a.slot = slot;
	return bpf_map_update_elem(e->fd[SM_ACTIVE], &zero, &a, 0) < 0 ? -errno : 0;
}

int enforcer_apply(struct enforcer *e, const struct ward_bundle *b, const struct enforce_target *t,
		   size_t n, bool audit_only, struct rc_diags *d)
{
	struct ward_active live;
	struct ward_sysbits bits;
	uint32_t live_gen;
	struct gen g;
	int err;

	gen_init(&g);
	err = read_active(e, &live);
	if (err) {
		rc_diag(d, RC_ERROR, "map-unreadable", NULL, NULL, "reading ward_active: %s",
			strerror(-err));
		return err;
	}
	live_gen = ward_active_gen(&live);
	g.slot = live_gen ? (live.slot + 1) % WARD_ENF_SLOTS : 0;
	g.generation = live_gen + 1;
	err = build_gen(&g, b, audit_only);
	if (!err)
		err = sync_cgroups(e, g.slot, t, n);
	if (err) {
		rc_diag(d, RC_ERROR, "generation-failed", NULL, NULL, "building generation %u: %s",
			g.generation, strerror(-err));
		goto out_close;
	}
	/* The inactive slot: no program reads it until ward_active says so. */
	sysbits(b, &bits);
	if (bpf_map_update_elem(e->fd[SM_SYSBITS], &g.slot, &bits, 0) < 0) {
		err = -errno;
		rc_diag(d, RC_ERROR, "generation-failed", NULL, NULL,
			"installing generation %u: %s", g.generation, strerror(-err));
		goto out_close;
	}
	err = sync_sys(e, &bits, false, d);
	if (err) {
		rc_diag(d, RC_ERROR, "attach-failed", NULL, NULL,
			"attaching the syscall rules' program: %s", strerror(-err));
		goto out_close;
	}
	for (int i = 0; i < TBL__COUNT; i++) {
		if (bpf_map_update_elem(e->fd[i], &g.slot, &g.fd[i], 0) < 0) {
			err = -errno;
			rc_diag(d, RC_ERROR, "generation-failed", NULL, NULL,
				"installing generation %u: %s", g.generation, strerror(-err));
			goto out_close;
		}
	}
	err = switch_slot(e, live, g.slot, g.generation);
	if (err) {
		rc_diag(d, RC_ERROR, "generation-failed", NULL, NULL,
			"switching to generation %u: %s", g.generation, strerror(-err));
		goto out_close;
	}
	/* Keep the previous generation's maps open: a sleepable program that
	 * read the old slot just before the switch may still be using them. */
	gen_close(&e->prev);
	e->prev = e->cur;
	e->cur = g;
	prune_counters(e, g.generation > 1 ? g.generation - 1 : 0);
	(void)sync_sys(e, &bits, true, d);
	return sync_cgroup_links(e, t, n);

out_close:
	gen_close(&g);
	return err;
}

/* ---- targets -------------------------------------------------------------------------------- */

static void cg_detach(struct cg_att *a)
{
	for (int j = 0; j < CG_PROGS; j++)
		drop_link(&a->links[j]);
}

static int cg_attach(struct enforcer *e, const struct enforce_target *t)
{
	struct cg_att a = { .cgid = t->cgroup_id }, *grown;
	int fd, err = 0;

	fd = open(t->cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (int j = 0; j < CG_PROGS && !err; j++) {
		char name[NAME_MAX];

		a.links[j] = bpf_program__attach_cgroup(e->cg_prog[j], fd);
		if (!a.links[j]) {
			err = -errno;
			break;
		}
		(void)snprintf(name, sizeof(name), "cg_%" PRIu64 "_%s", t->cgroup_id,
			       bpf_program__name(e->cg_prog[j]));
		err = pin_link(e, a.links[j], name);
	}
	close(fd);
	if (err) {
		cg_detach(&a);
		return err;
	}
	grown = realloc(e->att, (e->n_att + 1) * sizeof(*e->att));
	if (!grown) {
		cg_detach(&a);
		return -ENOMEM;
	}
	e->att = grown;
	e->att[e->n_att++] = a;
	return 0;
}

/* Pins of cgroup links an earlier daemon left for cgroups no longer targeted. */
static void prune_cg_pins(struct enforcer *e)
{
	DIR *d = opendir(e->pin_dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		uint64_t cgid;
		bool ours = false;

		if (sscanf(de->d_name, "cg_%" SCNu64 "_", &cgid) != 1)
			continue;
		for (size_t i = 0; i < e->n_att && !ours; i++)
			ours = e->att[i].cgid == cgid;
		if (!ours)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

static int sync_cgroup_links(struct enforcer *e, const struct enforce_target *t, size_t n)
{
	int err = 0;

	if (!e->use_cg)
		return 0;
	for (size_t i = 0; i < e->n_att;) {
		if (find_target(t, n, e->att[i].cgid)) {
			i++;
			continue;
		}
		cg_detach(&e->att[i]);
		e->att[i] = e->att[--e->n_att];
	}
	for (size_t i = 0; i < n; i++) {
		bool have = false;
		int r;

		for (size_t j = 0; j < e->n_att && !have; j++)
			have = e->att[j].cgid == t[i].cgroup_id;
		if (have)
			continue;
		r = cg_attach(e, &t[i]);
		if (r && r != -ENOENT && !err) /* ENOENT: the container just ended */
			err = r;
	}
	if (!e->pruned) {
		prune_cg_pins(e);
		e->pruned = true;
	}
	return err;
}

int enforcer_set_targets(struct enforcer *e, const struct enforce_target *t, size_t n)
{
	int err, r;

	if (!e->cur.generation)
		return -ENOENT;
	err = sync_cgroups(e, e->cur.slot, t, n);
	r = sync_cgroup_links(e, t, n);
	return err ? err : r;
}

uint32_t enforcer_generation(const struct enforcer *e)
{
	return e->cur.generation;
}

uint32_t enforcer_adopted(const struct enforcer *e)
{
	return e->adopted;
}

enum ward_level enforcer_level(const struct enforcer *e, enum ward_res res)
{
	return res < WARD_RES_COUNT ? e->level[res] : WARD_LEVEL_NONE;
}

const char *enforcer_level_reason(const struct enforcer *e, enum ward_res res)
{
	return res < WARD_RES_COUNT ? e->reason[res] : "";
}

int enforcer_alerts_fd(const struct enforcer *e)
{
	return e->fd[SM_ALERTS];
}

int enforcer_drops_fd(const struct enforcer *e)
{
	return e->fd[SM_DROPS];
}

int enforcer_counters_fd(const struct enforcer *e)
{
	return e->fd[SM_COUNTERS];
}

int enforcer_holds_fd(const struct enforcer *e)
{
	return e->fd[SM_HOLDS];
}

int enforcer_heartbeat(const struct enforcer *e, uint64_t mono_ns)
{
	uint32_t zero = 0;

	return bpf_map_update_elem(e->fd[SM_DAEMON], &zero, &mono_ns, 0) < 0 ? -errno : 0;
}

bool enforcer_is_new(const struct enforcer *e, uint64_t cgroup_id, uint64_t now_ns)
{
	uint64_t born;

	return !bpf_map_lookup_elem(e->fd[SM_PENDING], &cgroup_id, &born) &&
	       now_ns - born <= WARD_NEW_CGROUP_NS;
}

int enforcer_forget_new(const struct enforcer *e, uint64_t cgroup_id)
{
	if (bpf_map_delete_elem(e->fd[SM_PENDING], &cgroup_id) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int enforcer_sweep_new(const struct enforcer *e, uint64_t now_ns)
{
	uint64_t ids[WARD_PENDING_CGROUPS], id, born;
	size_t n = 0;
	int err = 0;

	/* collected first: a hash iterated while its keys are deleted may
	 * start over or skip */
	for (int r = bpf_map_get_next_key(e->fd[SM_PENDING], NULL, &id);
	     !r && n < WARD_PENDING_CGROUPS; r = bpf_map_get_next_key(e->fd[SM_PENDING], &id, &id))
		if (!bpf_map_lookup_elem(e->fd[SM_PENDING], &id, &born) &&
		    now_ns - born > WARD_NEW_CGROUP_NS)
			ids[n++] = id;
	for (size_t i = 0; i < n; i++) {
		int r = enforcer_forget_new(e, ids[i]);

		if (r && !err)
			err = r;
	}
	return err;
}
