// SPDX-License-Identifier: Apache-2.0
/*
 * Kernel feature probes: every probe loads a two-instruction program ("return
 * N") of the type in question, attaches it where ward would, and detaches it
 * at once. The results say what the kernel refused and why (errno, the last
 * verifier line, libbpf's message); probe_verdict() derives what ward can do.
 */
#include "probe.h"

#include <errno.h>
#include <glob.h>
#include <fcntl.h>
#include <mntent.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>
#include <linux/perf_event.h>
#include <seccomp.h>
#include <sys/capability.h>

#include "enforce.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define PROBE_PROG_NAME "ward_probe"
/* LSM programs must be GPL-compatible; the others do not care. */
#define PROBE_LICENSE	      "GPL"
#define VERIFIER_LOG_SIZE     4096
#define VERIFIER_STATS_PREFIX "processed "

/* What the probes attach to: kernel symbols and hooks ward itself uses. */
#define RAW_TP_NAME	"sys_enter"
#define TP_BTF_TYPEDEF	"btf_trace_sched_process_fork"
#define LSM_HOOK_FUNC	"bpf_lsm_bprm_check_security"
#define FENTRY_FUNC	"vfs_read"
#define BPF_LSM_NAME	"bpf"
#define LSM_LIST_FILE	"lsm"
#define MOUNTS_FILE	"/proc/self/mounts"
#define CGROUP_TMP_NAME PROBE_TMP_CGROUP_PREFIX "XXXXXX"
#define FS_TRACEFS	"tracefs"
#define FS_BPF		"bpf"
#define FS_SECURITYFS	"securityfs"
#define FS_CGROUP2	"cgroup2"
#define FS_CGROUP1	"cgroup"
#define MOUNT_FLAGS	(MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define BPFFS_OPTIONS	"mode=700"
/* Room for one /proc/self/mounts line; longer ones only lose their options. */
#define MOUNT_LINE_MAX (2 * PATH_MAX)

static const char *const probe_names[PROBE_COUNT] = {
	[PROBE_BTF] = "btf",
	[PROBE_BPF_SYSCALL] = "bpf_syscall",
	[PROBE_RINGBUF] = "ringbuf",
	[PROBE_TRACEFS] = "tracefs",
	[PROBE_BPFFS] = "bpffs",
	[PROBE_CGROUP2] = "cgroup2",
	[PROBE_TRACEPOINT] = "tracepoint",
	[PROBE_RAW_TP] = "raw_tp",
	[PROBE_TP_BTF] = "tp_btf",
	[PROBE_BPF_LSM] = "bpf_lsm",
	[PROBE_FENTRY] = "fentry",
	[PROBE_CGROUP_SOCK_ADDR] = "cgroup_sock_addr",
	[PROBE_SEND_SIGNAL] = "send_signal",
	[PROBE_SECCOMP] = "seccomp",
	[PROBE_PRIVILEGES] = "privileges",
	[PROBE_COMPAT_SYSCALLS] = "compat_syscalls",
};

static const char *const status_names[] = {
	[PROBE_OK] = "OK",
	[PROBE_WARN] = "WARN",
	[PROBE_FAIL] = "FAIL",
};

/* "category/name" under tracefs' events/. */
static const char *const event_names[PROBE_EV_COUNT] = {
	[PROBE_EV_SYS_ENTER_GETPID] = "syscalls/sys_enter_getpid",
	[PROBE_EV_SCHED_PROCESS_EXEC] = "sched/sched_process_exec",
	[PROBE_EV_SCHED_PROCESS_EXIT] = "sched/sched_process_exit",
	[PROBE_EV_INET_SOCK_SET_STATE] = "sock/inet_sock_set_state",
};

static const char *const tracker_names[PROBE_TRACKER_COUNT] = {
	[PROBE_TRACKER_PROCESS] = "process",
	[PROBE_TRACKER_FILES] = "files",
	[PROBE_TRACKER_TCP] = "tcp",
	[PROBE_TRACKER_SYSCALL] = "syscall",
};

/* Resources are the enforcement ABI's (named as the policy's classes) and
 * levels are its levels: ward_res_name(), ward_level_name(). */
_Static_assert((int)PROBE_RES_EXEC == WARD_RES_EXEC && (int)PROBE_RES_FILE == WARD_RES_FILE &&
		       (int)PROBE_RES_NETWORK == WARD_RES_NET &&
		       (int)PROBE_RES_CAPABILITIES == WARD_RES_CAP &&
		       (int)PROBE_RES_COUNT == WARD_RES_COUNT,
	       "enum probe_resource follows enum ward_res");
_Static_assert((int)PROBE_LEVEL_NONE == WARD_LEVEL_NONE &&
		       (int)PROBE_LEVEL_SIGKILL == WARD_LEVEL_SIGKILL &&
		       (int)PROBE_LEVEL_CGROUP == WARD_LEVEL_CGROUP &&
		       (int)PROBE_LEVEL_LSM == WARD_LEVEL_LSM,
	       "enum probe_level follows enum ward_level");

const char *probe_name(enum probe_id id)
{
	return id < PROBE_COUNT ? probe_names[id] : NULL;
}

const char *probe_status_name(enum probe_status status)
{
	return status < ARRAY_SIZE(status_names) ? status_names[status] : NULL;
}

const char *probe_event_name(enum probe_event ev)
{
	return ev < PROBE_EV_COUNT ? event_names[ev] : NULL;
}

const char *probe_tracker_name(enum probe_tracker t)
{
	return t < PROBE_TRACKER_COUNT ? tracker_names[t] : NULL;
}

const char *probe_resource_name(enum probe_resource res)
{
	return res < PROBE_RES_COUNT ? ward_res_name(res) : NULL;
}

const char *probe_level_name(enum probe_level level)
{
	return level <= PROBE_LEVEL_LSM ? ward_level_name(level) : NULL;
}

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "unknown errno";
}

/* Appends to the NUL-terminated string in buf; truncates silently. */
__attribute__((format(printf, 3, 4))) static void appendf(char *buf, size_t size, const char *fmt,
							  ...)
{
	size_t len = strnlen(buf, size);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/* ---- libbpf messages ---------------------------------------------------- */

/* The last warning libbpf printed during the current probe. */
static char libbpf_msg[PROBE_LINE_MAX];

__attribute__((format(printf, 2, 0))) static int capture_libbpf(enum libbpf_print_level level,
								const char *fmt, va_list ap)
{
	size_t len;

	if (level == LIBBPF_DEBUG)
		return 0;
	(void)vsnprintf(libbpf_msg, sizeof(libbpf_msg), fmt, ap);
	len = strlen(libbpf_msg);
	while (len && libbpf_msg[len - 1] == '\n')
		libbpf_msg[--len] = '\0';
	return 0;
}

/* ---- check results -------------------------------------------------------- */

__attribute__((format(printf, 4, 5))) static void
check_set(struct probe_check *c, enum probe_status status, int err, const char *fmt, ...)
{
	va_list ap;

	c->status = status;
	c->err = err;
	va_start(ap, fmt);
	(void)vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	/* Every probe ends here: later messages belong to the next one. */
	libbpf_msg[0] = '\0';
}

/* "STEP: EPERM (Operation not permitted)", then what the verifier or libbpf said. */
static void check_fail(struct probe_check *c, int err, const char *step)
{
	char said[PROBE_LINE_MAX + 16] = "";

	if (c->verifier_log[0])
		(void)snprintf(said, sizeof(said), "; verifier: %s", c->verifier_log);
	else if (libbpf_msg[0])
		(void)snprintf(said, sizeof(said), "; libbpf: %s", libbpf_msg);
	check_set(c, PROBE_FAIL, err, "%s: %s (%s)%s", step, errno_name(err), strerror(err), said);
}

/* A refused program load; an empty verifier log means the kernel refused it
 * before verifying anything. */
static void check_load_fail(struct probe_check *c, int err)
{
	check_fail(c, err,
		   c->verifier_log[0] ? "load refused" : "load refused with an empty verifier log");
}

/* ---- small helpers -------------------------------------------------------- */

static bool is_fs(const char *dir, unsigned long magic)
{
	struct statfs st;

	return statfs(dir, &st) == 0 && (unsigned long)st.f_type == magic;
}

/* Reads a small text file into buf without trailing newlines; only
 * async-signal-safe calls, so a forked child may use it. Length or -errno. */
static ssize_t read_text(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return n;
}

/* The verifier's last line that says something: its closing statistics line
 * ("processed N insns ...") is skipped. */
void probe_verifier_last_line(const char *log, char *buf, size_t size)
{
	const char *end = log + strlen(log), *start;

	for (;;) {
		while (end > log && end[-1] == '\n')
			end--;
		start = end;
		while (start > log && start[-1] != '\n')
			start--;
		if (start == log ||
		    strncmp(start, VERIFIER_STATS_PREFIX, strlen(VERIFIER_STATS_PREFIX)))
			break;
		end = start;
	}
	(void)snprintf(buf, size, "%.*s", (int)(end - start), start);
}

void probe_verifier_summary(const char *log, char *buf, size_t size)
{
	const char *stats = NULL, *p;
	char last[160] = "";

	for (p = strstr(log, VERIFIER_STATS_PREFIX); p; p = strstr(p + 1, VERIFIER_STATS_PREFIX))
		stats = p;
	probe_verifier_last_line(log, last, sizeof(last));
	(void)snprintf(buf, size, "%s%s%.*s", last, last[0] && stats ? "; " : "",
		       stats ? (int)strcspn(stats, "\n") : 0, stats ? stats : "");
}

#define INSN_MOV_IMM(reg, value) \
	((struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = (reg), .imm = (value) })
#define INSN_CALL(helper) ((struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = (helper) })
#define INSN_EXIT	  ((struct bpf_insn){ .code = BPF_JMP | BPF_EXIT })

/* Returns the program's fd, or -errno with the verifier's last line in
 * c->verifier_log. */
static int load_insns(struct probe_check *c, enum bpf_prog_type type, enum bpf_attach_type attach,
		      __u32 btf_id, const struct bpf_insn *insns, size_t n_insns)
{
	char log[VERIFIER_LOG_SIZE] = "";
	/* log_level 0 with a buffer: libbpf retries a failed load with level 1. */
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach,
		    .attach_btf_id = btf_id, .log_buf = log, .log_size = sizeof(log));
	int fd;

	fd = bpf_prog_load(type, PROBE_PROG_NAME, PROBE_LICENSE, insns, n_insns, &opts);
	if (fd < 0)
		probe_verifier_last_line(log, c->verifier_log, sizeof(c->verifier_log));
	return fd;
}

/* Loads "return ret". */
static int load_prog(struct probe_check *c, enum bpf_prog_type type, enum bpf_attach_type attach,
		     __u32 btf_id, int ret)
{
	const struct bpf_insn insns[] = { INSN_MOV_IMM(BPF_REG_0, ret), INSN_EXIT };

	return load_insns(c, type, attach, btf_id, insns, ARRAY_SIZE(insns));
}

/* ---- file systems ---------------------------------------------------------- */

/* Where libbpf finds tracefs, or NULL. */
static const char *tracefs_dir(void)
{
	static const char *const dirs[] = { PROBE_DEBUGFS_TRACING_DIR, PROBE_TRACEFS_DIR };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (is_fs(dirs[i], TRACEFS_MAGIC))
			return dirs[i];
	return NULL;
}

static int scan_cgroup_mounts(char *buf, size_t size, bool *ret_v1)
{
	char line[MOUNT_LINE_MAX];
	struct mntent ent;
	bool v1 = false;
	int ret = -ENOENT;
	FILE *f;

	f = setmntent(MOUNTS_FILE, "re");
	if (!f)
		return -errno;
	while (getmntent_r(f, &ent, line, sizeof(line))) {
		if (!strcmp(ent.mnt_type, FS_CGROUP1))
			v1 = true;
		if (ret != -ENOENT || strcmp(ent.mnt_type, FS_CGROUP2))
			continue;
		if (strlen(ent.mnt_dir) >= size) {
			ret = -ENAMETOOLONG;
			continue;
		}
		strcpy(buf, ent.mnt_dir);
		ret = 0;
	}
	endmntent(f);
	if (ret_v1)
		*ret_v1 = v1;
	return ret;
}

int probe_host_mntns(uint32_t *ret)
{
	struct stat st;

	if (stat("/proc/1/ns/mnt", &st) && stat("/proc/self/ns/mnt", &st))
		return -errno;
	*ret = (uint32_t)st.st_ino;
	return 0;
}

int probe_cgroup2_dir(char *buf, size_t size)
{
	return scan_cgroup_mounts(buf, size, NULL);
}

int probe_mount_tracefs(void)
{
	if (tracefs_dir())
		return 0;
	if (mount(FS_TRACEFS, PROBE_TRACEFS_DIR, FS_TRACEFS, MOUNT_FLAGS, NULL) < 0)
		return -errno;
	return 1;
}

bool probe_tracepoint_exists(const char *sec)
{
	static const char *const roots[] = { PROBE_TRACEFS_DIR, PROBE_DEBUGFS_TRACING_DIR };
	char path[PATH_MAX];
	bool any = false;
	glob_t g;

	if (!strncmp(sec, "tp/", 3)) {
		for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
			(void)snprintf(path, sizeof(path), "%s/events/%s", roots[i], sec + 3);
			if (access(path, F_OK) == 0)
				return true;
		}
		return false;
	}
	if (strncmp(sec, "tp_btf/", 7))
		return true;
	/* tp_btf names the event alone: any category's */
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]) && !any; i++) {
		(void)snprintf(path, sizeof(path), "%s/events/*/%s", roots[i], sec + 7);
		if (glob(path, GLOB_NOSORT, NULL, &g) == 0)
			any = g.gl_pathc > 0;
		globfree(&g);
	}
	return any;
}

int probe_mount_bpffs(void)
{
	if (is_fs(PROBE_BPFFS_DIR, BPF_FS_MAGIC))
		return 0;
	if (mount(FS_BPF, PROBE_BPFFS_DIR, FS_BPF, MOUNT_FLAGS, BPFFS_OPTIONS) < 0)
		return -errno;
	return 1;
}

static void probe_mounts(struct probe_results *r)
{
	struct probe_check *c;
	const char *dir;
	bool v1 = false;
	int err;

	c = &r->checks[PROBE_TRACEFS];
	dir = tracefs_dir();
	if (dir) {
		(void)snprintf(r->tracefs_dir, sizeof(r->tracefs_dir), "%s", dir);
		check_set(c, PROBE_OK, 0, "mounted at %s", dir);
	} else {
		check_set(c, PROBE_WARN, 0,
			  "not mounted at %s or %s; tracepoints cannot attach until it is "
			  "(mount -t %s %s %s)",
			  PROBE_DEBUGFS_TRACING_DIR, PROBE_TRACEFS_DIR, FS_TRACEFS, FS_TRACEFS,
			  PROBE_TRACEFS_DIR);
	}

	c = &r->checks[PROBE_BPFFS];
	if (is_fs(PROBE_BPFFS_DIR, BPF_FS_MAGIC))
		check_set(c, PROBE_OK, 0, "mounted at %s", PROBE_BPFFS_DIR);
	else
		check_set(c, PROBE_WARN, 0, "not mounted at %s (mount -t %s %s %s)",
			  PROBE_BPFFS_DIR, FS_BPF, FS_BPF, PROBE_BPFFS_DIR);

	c = &r->checks[PROBE_CGROUP2];
	err = scan_cgroup_mounts(r->cgroup2_dir, sizeof(r->cgroup2_dir), &v1);
	if (err == -ENOENT)
		check_set(c, PROBE_FAIL, ENOENT,
			  "no cgroup2 mount: container attribution and cgroup programs need one");
	else if (err < 0)
		check_fail(c, -err, "find the cgroup2 mount in " MOUNTS_FILE);
	else
		check_set(c, PROBE_OK, 0, "mounted at %s%s", r->cgroup2_dir,
			  v1 ? " (hybrid: cgroup v1 hierarchies are mounted too)" : "");
	if (err < 0)
		r->cgroup2_dir[0] = '\0';
}

/* ---- BPF basics --------------------------------------------------------------- */

static struct btf *probe_btf(struct probe_check *c)
{
	struct btf *btf = btf__load_vmlinux_btf();

	if (!btf) {
		check_fail(c, errno, "load vmlinux BTF");
		return NULL;
	}
	check_set(c, PROBE_OK, 0, "vmlinux BTF loaded (%u types)", btf__type_cnt(btf));
	return btf;
}

static void probe_bpf_syscall(struct probe_check *c)
{
	int fd = load_prog(c, BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, 0);

	if (fd < 0) {
		check_load_fail(c, -fd);
		return;
	}
	check_set(c, PROBE_OK, 0, "socket filter program loaded");
	close(fd);
}

static void probe_ringbuf(struct probe_check *c)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, PROBE_PROG_NAME, 0, 0, (__u32)page, NULL);
	if (fd < 0) {
		check_fail(c, -fd, "create ring buffer map");
		return;
	}
	check_set(c, PROBE_OK, 0, "created a %ld-byte ring buffer map", page);
	close(fd);
}

/* ---- tracepoints ----------------------------------------------------------- */

static int tracepoint_id(const char *tracefs, const char *event, __u64 *ret_id)
{
	char path[PATH_MAX], buf[32], *end;
	unsigned long long id;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s/events/%s/id", tracefs, event) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	n = read_text(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	errno = 0;
	id = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	*ret_id = id;
	return 0;
}

/* Attaches prog_fd to one tracepoint the way libbpf does (perf event + link,
 * or PERF_EVENT_IOC_SET_BPF on kernels without perf links), then detaches. */
static int attach_tracepoint(int prog_fd, const char *tracefs, const char *event,
			     const char **ret_step)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.sample_period = 1,
		.wakeup_events = 1,
	};
	int err, pfd, link;

	*ret_step = "read the tracepoint id";
	err = tracepoint_id(tracefs, event, &attr.config);
	if (err < 0)
		return err;
	*ret_step = "perf_event_open";
	pfd = (int)syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return -errno;
	*ret_step = "attach";
	link = bpf_link_create(prog_fd, pfd, BPF_PERF_EVENT, NULL);
	if (link >= 0) {
		close(link);
		err = 0;
	} else if (link == -EINVAL) {
		err = ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0 ? -errno : 0;
	} else {
		err = link;
	}
	close(pfd);
	return err;
}

static void probe_tracepoints(struct probe_results *r)
{
	struct probe_check *c = &r->checks[PROBE_TRACEPOINT];
	const char *step, *first = event_names[PROBE_EV_SYS_ENTER_GETPID];
	char why[PROBE_LINE_MAX];
	int fd;

	fd = load_prog(c, BPF_PROG_TYPE_TRACEPOINT, 0, 0, 0);
	if (fd < 0) {
		for (size_t i = 0; i < PROBE_EV_COUNT; i++)
			r->event_err[i] = -fd;
		check_load_fail(c, -fd);
		return;
	}
	if (!r->tracefs_dir[0]) {
		for (size_t i = 0; i < PROBE_EV_COUNT; i++)
			r->event_err[i] = ENOENT;
		check_set(c, PROBE_WARN, 0,
			  "program loads; attaching needs tracefs, which is not mounted");
		close(fd);
		return;
	}
	for (size_t i = 0; i < PROBE_EV_COUNT; i++) {
		r->event_err[i] = -attach_tracepoint(fd, r->tracefs_dir, event_names[i], &step);
		if (i == PROBE_EV_SYS_ENTER_GETPID && r->event_err[i]) {
			(void)snprintf(why, sizeof(why), "%s to %s", step, first);
			check_fail(c, r->event_err[i], why);
		}
	}
	if (!r->event_err[PROBE_EV_SYS_ENTER_GETPID])
		check_set(c, PROBE_OK, 0, "loaded, attached to %s and detached", first);
	for (size_t i = PROBE_EV_SYS_ENTER_GETPID + 1; i < PROBE_EV_COUNT; i++)
		if (r->event_err[i])
			appendf(c->detail, sizeof(c->detail), "; %s: %s", event_names[i],
				errno_name(r->event_err[i]));
	close(fd);
}

static void probe_raw_tp(struct probe_check *c)
{
	int fd, link;

	fd = load_prog(c, BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, 0);
	if (fd < 0) {
		check_load_fail(c, -fd);
		return;
	}
	link = bpf_raw_tracepoint_open(RAW_TP_NAME, fd);
	if (link < 0) {
		check_fail(c, -link, "attach to " RAW_TP_NAME);
	} else {
		check_set(c, PROBE_OK, 0, "loaded, attached to %s and detached", RAW_TP_NAME);
		close(link);
	}
	close(fd);
}

/* ---- BTF-based programs: tp_btf, lsm, fentry ------------------------------------- */

struct btf_prog {
	enum bpf_prog_type type;
	enum bpf_attach_type attach;
	const char *target; /* BTF name of what it attaches to */
	__u32 kind;	    /* BTF kind of target */
};

static const struct btf_prog tp_btf_prog = {
	BPF_PROG_TYPE_TRACING,
	BPF_TRACE_RAW_TP,
	TP_BTF_TYPEDEF,
	BTF_KIND_TYPEDEF,
};
/* Returns 0, so it never changes an exec's outcome while attached: an LSM
 * program's non-zero return ends the chain before later programs run. */
static const struct btf_prog lsm_prog = {
	BPF_PROG_TYPE_LSM,
	BPF_LSM_MAC,
	LSM_HOOK_FUNC,
	BTF_KIND_FUNC,
};
static const struct btf_prog fentry_prog = {
	BPF_PROG_TYPE_TRACING,
	BPF_TRACE_FENTRY,
	FENTRY_FUNC,
	BTF_KIND_FUNC,
};

/* Loads and attaches p, then detaches; 0 or -errno with c filled in either way. */
static int try_btf_prog(struct probe_check *c, const struct btf *btf, const struct btf_prog *p)
{
	char why[PROBE_LINE_MAX];
	int id, fd, link, err;

	if (!btf) {
		check_set(c, PROBE_FAIL, 0, "needs vmlinux BTF to find %s", p->target);
		return -ENOENT;
	}
	id = btf__find_by_name_kind(btf, p->target, p->kind);
	if (id < 0) {
		(void)snprintf(why, sizeof(why), "find %s in vmlinux BTF", p->target);
		check_fail(c, -id, why);
		return id;
	}
	fd = load_prog(c, p->type, p->attach, (__u32)id, 0);
	if (fd < 0) {
		check_load_fail(c, -fd);
		return fd;
	}
	link = bpf_link_create(fd, 0, p->attach, NULL);
	if (link < 0) {
		(void)snprintf(why, sizeof(why), "attach to %s", p->target);
		check_fail(c, -link, why);
		err = link;
	} else {
		check_set(c, PROBE_OK, 0, "loaded, attached to %s and detached", p->target);
		close(link);
		err = 0;
	}
	close(fd);
	return err;
}

/* Reads securityfs' list through a child that mounts securityfs in its own
 * private mount namespace, so the system's mounts stay as they are. The child
 * only makes async-signal-safe calls; it exits with the errno that stopped it. */
static int read_lsm_list_private(const char *path, char *buf, size_t size)
{
	int pipefd[2], status, err;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (pid == 0) {
		close(pipefd[0]);
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount(FS_SECURITYFS, PROBE_SECURITYFS_DIR, FS_SECURITYFS,
			  MOUNT_FLAGS | MS_RDONLY, NULL) < 0)
			_exit(errno);
		n = read_text(path, buf, size);
		if (n < 0)
			_exit((int)-n);
		_exit(write(pipefd[1], buf, (size_t)n) == n ? 0 : EIO);
	}
	close(pipefd[1]);
	while (len + 1 < size) {
		n = read(pipefd[0], buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	if (WEXITSTATUS(status))
		return -WEXITSTATUS(status);
	return 0;
}

static int read_lsm_list(char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;

	(void)snprintf(path, sizeof(path), "%s/%s", PROBE_SECURITYFS_DIR, LSM_LIST_FILE);
	if (!is_fs(PROBE_SECURITYFS_DIR, SECURITYFS_MAGIC))
		return read_lsm_list_private(path, buf, size);
	n = read_text(path, buf, size);
	return n < 0 ? (int)n : 0;
}

bool probe_lsm_list_has(const char *list, const char *lsm)
{
	size_t len = strlen(lsm);
	const char *p = list;

	if (!len)
		return false;
	while (*p) {
		size_t tok = strcspn(p, ",\n");

		if (tok == len && !strncmp(p, lsm, len))
			return true;
		p += tok;
		if (*p)
			p++;
	}
	return false;
}

/* BPF-LSM is usable when "bpf" is an active LSM *and* a program loads and
 * attaches: with CONFIG_BPF_LSM but "bpf" missing from the list, programs
 * load and attach yet never run. */
static void probe_bpf_lsm(struct probe_results *r, const struct btf *btf)
{
	struct probe_check *c = &r->checks[PROBE_BPF_LSM];
	char list_err[PROBE_LINE_MAX] = "";
	int err, loaded;

	err = read_lsm_list(r->lsm_list, sizeof(r->lsm_list));
	r->lsm_list_known = err == 0;
	if (err < 0) {
		r->lsm_list[0] = '\0';
		(void)snprintf(list_err, sizeof(list_err), "%s (%s)", errno_name(-err),
			       strerror(-err));
	}
	r->bpf_in_lsm_list = r->lsm_list_known && probe_lsm_list_has(r->lsm_list, BPF_LSM_NAME);

	loaded = try_btf_prog(c, btf, &lsm_prog);
	if (!r->lsm_list_known) {
		if (!loaded)
			check_set(c, PROBE_FAIL, -err,
				  "loaded, attached to %s and detached, but the LSM list could "
				  "not be read: %s",
				  LSM_HOOK_FUNC, list_err);
		else
			appendf(c->detail, sizeof(c->detail),
				"; the LSM list could not be read: %s", list_err);
	} else if (!r->bpf_in_lsm_list) {
		if (!loaded)
			check_set(c, PROBE_FAIL, 0,
				  "loaded, attached to %s and detached, but \"%s\" is not in the "
				  "LSM list (%s): its hooks never run (boot with lsm=...,%s)",
				  LSM_HOOK_FUNC, BPF_LSM_NAME, r->lsm_list, BPF_LSM_NAME);
		else
			appendf(c->detail, sizeof(c->detail),
				"; \"%s\" is not in the LSM list (%s)", BPF_LSM_NAME, r->lsm_list);
	} else {
		appendf(c->detail, sizeof(c->detail), "; \"%s\" is in the LSM list (%s)",
			BPF_LSM_NAME, r->lsm_list);
	}
}

/* ---- cgroup programs, helpers --------------------------------------------- */

/* Attaches an allow-all connect4 program to a fresh, empty cgroup (so no
 * process is ever affected), then detaches it and removes the cgroup. */
static void probe_cgroup_sock_addr(struct probe_results *r)
{
	struct probe_check *c = &r->checks[PROBE_CGROUP_SOCK_ADDR];
	char dir[PATH_MAX];
	int fd, cg, link;

	fd = load_prog(c, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0, 1);
	if (fd < 0) {
		check_load_fail(c, -fd);
		return;
	}
	if (!r->cgroup2_dir[0]) {
		check_set(c, PROBE_FAIL, ENOENT,
			  "program loads; attaching needs cgroup2, which is not mounted");
		goto out_close_prog;
	}
	if (snprintf(dir, sizeof(dir), "%s/%s", r->cgroup2_dir, CGROUP_TMP_NAME) >=
	    (int)sizeof(dir)) {
		check_fail(c, ENAMETOOLONG, "name a temporary cgroup");
		goto out_close_prog;
	}
	if (!mkdtemp(dir)) {
		check_fail(c, errno, "create a temporary cgroup");
		goto out_close_prog;
	}
	cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0) {
		check_fail(c, errno, "open the temporary cgroup");
		goto out_rmdir;
	}
	link = bpf_link_create(fd, cg, BPF_CGROUP_INET4_CONNECT, NULL);
	if (link < 0) {
		check_fail(c, -link, "attach to a temporary cgroup");
	} else {
		check_set(c, PROBE_OK, 0,
			  "cgroup/connect4 loaded, attached to an empty cgroup and detached");
		close(link);
	}
	close(cg);
out_rmdir:
	if (rmdir(dir) < 0 && c->status == PROBE_OK)
		check_fail(c, errno, "remove the temporary cgroup");
out_close_prog:
	close(fd);
}

/* A tracepoint program calling bpf_send_signal(SIGKILL), loaded but never
 * attached. Not libbpf_probe_bpf_helper(): libbpf 1.1's reports a refused
 * load (EPERM) as "supported". */
static void probe_send_signal(struct probe_check *c)
{
	const struct bpf_insn insns[] = {
		INSN_MOV_IMM(BPF_REG_1, SIGKILL),
		INSN_CALL(BPF_FUNC_send_signal),
		INSN_MOV_IMM(BPF_REG_0, 0),
		INSN_EXIT,
	};
	int fd;

	fd = load_insns(c, BPF_PROG_TYPE_TRACEPOINT, 0, 0, insns, ARRAY_SIZE(insns));
	if (fd < 0) {
		check_load_fail(c, -fd);
		return;
	}
	check_set(c, PROBE_OK, 0, "a tracepoint program calling bpf_send_signal(SIGKILL) loaded");
	close(fd);
}

/* ---- seccomp, privileges ------------------------------------------------------ */

static void probe_seccomp(struct probe_check *c)
{
	static const struct {
		__u32 action;
		const char *name;
	} actions[] = {
		{ SECCOMP_RET_KILL_PROCESS, "kill_process" },
		{ SECCOMP_RET_ERRNO, "errno" },
		{ SECCOMP_RET_LOG, "log" },
	};
	char why[PROBE_LINE_MAX];
	unsigned int api;
	int mode;

	mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	if (mode < 0) {
		check_fail(c, errno, "prctl(PR_GET_SECCOMP)");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		__u32 action = actions[i].action;

		if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0) {
			(void)snprintf(why, sizeof(why), "action %s", actions[i].name);
			check_fail(c, errno, why);
			return;
		}
	}
	api = seccomp_api_get();
	if (!api) {
		check_set(c, PROBE_FAIL, 0, "libseccomp finds no usable seccomp API (level 0)");
		return;
	}
	check_set(c, PROBE_OK, 0,
		  "filters with kill_process, errno and log actions; libseccomp API level %u; "
		  "ward itself runs %s",
		  api, mode == SECCOMP_MODE_FILTER ? "under a filter" : "unfiltered");
}

static void probe_privileges(struct probe_check *c)
{
	static const cap_value_t needed[] = { CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN };
	char missing[PROBE_LINE_MAX] = "", have[PROBE_LINE_MAX] = "";
	cap_t caps;

	caps = cap_get_proc();
	if (!caps) {
		check_fail(c, errno, "read this process' capabilities");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(needed); i++) {
		cap_flag_value_t v = CAP_CLEAR;
		char *name;

		/* A kernel older than the capability grants its powers through
		 * CAP_SYS_ADMIN, which is checked too. */
		if (needed[i] >= cap_max_bits())
			continue;
		name = cap_to_name(needed[i]);
		if (cap_get_flag(caps, needed[i], CAP_EFFECTIVE, &v) == 0 && v == CAP_SET)
			appendf(have, sizeof(have), "%s%s", have[0] ? ", " : "", name);
		else
			appendf(missing, sizeof(missing), "%s%s", missing[0] ? ", " : "", name);
		cap_free(name);
	}
	cap_free(caps);
	if (missing[0])
		check_set(c, PROBE_FAIL, EPERM, "euid %u; missing %s (run as root)",
			  (unsigned int)geteuid(), missing);
	else
		check_set(c, PROBE_OK, 0, "euid %u; effective %s", (unsigned int)geteuid(), have);
}

/* ---- i386 and x32 syscalls ------------------------------------------------------- */

#define X32_SYSCALL_BIT 0x40000000L

static void segv_exit(int sig)
{
	(void)sig;
	_exit(2);
}

/* In a child: 0 when the call returned our pid, 1 when it failed with
 * ENOSYS, 2 when the kernel refused the instruction (SIGSEGV), 3 otherwise
 * (a seccomp filter of ours: not known). */
static int compat_child(bool ia32)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return 3;
	if (pid == 0) {
		long ret = -ENOSYS;

		(void)signal(SIGSEGV, segv_exit);
#if defined(__x86_64__)
		if (ia32) /* i386 getpid (20) through the 32-bit entry */
			__asm__ volatile("int $0x80"
					 : "=a"(ret)
					 : "a"(20L)
					 : "rcx", "r8", "r9", "r10", "r11", "memory");
		else
			ret = syscall(X32_SYSCALL_BIT | SYS_getpid) < 0 ? -errno : getpid();
#endif
		_exit(ret == getpid() ? 0 : ret == -ENOSYS ? 1 : 3);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 3;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

int probe_kallsyms(int (*fn)(char type, const char *name, bool in_module, void *ctx), void *ctx)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], sym[256], type;
	size_t n = 0;
	int r = 0;

	if (!f)
		return -errno;
	while (!r && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %c %255s", &type, sym) == 2) {
			n++;
			r = fn(type, sym, strchr(line, '[') != NULL, ctx);
		}
	fclose(f);
	return r || n ? r : -ENODATA;
}

static int is_x32_dispatcher(char type, const char *name, bool in_module, void *ctx)
{
	(void)type, (void)in_module, (void)ctx;
	return !strcmp(name, "x32_sys_call") || !strcmp(name, "x32_sys_call_table");
}

/* Whether the kernel was built with the x32 ABI (CONFIG_X86_X32_ABI: its
 * dispatcher, x32_sys_call or before 6.9 x32_sys_call_table, in
 * /proc/kallsyms): 1, 0, or -1 when that cannot be read. */
static int kernel_has_x32(void)
{
	int r = probe_kallsyms(is_x32_dispatcher, NULL);

	return r < 0 ? -1 : r;
}

bool probe_compat_syscalls(bool *ia32_ret, bool *x32_ret, int *ia32_how, int *x32_how)
{
	bool filtered = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == SECCOMP_MODE_FILTER;
	int ia32 = 2, x32 = 1;

#if defined(__x86_64__)
	ia32 = compat_child(true);
	x32 = compat_child(false);
	/* a filter of ours may have answered for the kernel: a kernel built
	 * without the x32 ABI has none either way */
	if (x32 != 0 && filtered && kernel_has_x32() == 0)
		x32 = 4;
#endif
	*ia32_ret = ia32 != 2; /* only the CPU's refusal is the kernel's answer */
	*x32_ret = x32 == 0 || (x32 != 1 && x32 != 4) || (x32 == 1 && filtered);
	if (ia32_how)
		*ia32_how = ia32;
	if (x32_how)
		*x32_how = x32;
	return filtered;
}

/* The compat_syscalls check: probe_compat_syscalls() and what follows from it. */
static void check_compat_syscalls(struct probe_results *r)
{
	struct probe_check *c = &r->checks[PROBE_COMPAT_SYSCALLS];
	int ia32, x32;
	bool filtered = probe_compat_syscalls(&r->ia32_syscalls, &r->x32_syscalls, &ia32, &x32);

	check_set(c, PROBE_OK, 0,
		  "i386 syscalls: %s; x32 syscalls: %s%s: the file and unix-socket fallbacks "
		  "watch %s",
		  ia32 == 2   ? "off"
		  : ia32 == 0 ? "run"
			      : "not known (counted as running)",
		  x32 == 0	     ? "run"
		  : x32 == 4	     ? "off (the kernel has no x32 ABI)"
		  : !r->x32_syscalls ? "off"
				     : "not known (counted as running)",
		  filtered ? " (ward runs under a seccomp filter)" : "",
		  r->ia32_syscalls || r->x32_syscalls
			  ? "every syscall's exit, since the syscalls:* tracepoints miss them"
			  : "only their syscalls' own tracepoints");
}

/* ---- all of them ----------------------------------------------------------------- */

int probe_all(struct probe_results *ret)
{
	struct probe_results r = { 0 };
	libbpf_print_fn_t old_print;
	struct utsname uts;
	struct btf *btf;

	if (uname(&uts) < 0)
		return -errno;
	(void)snprintf(r.kernel, sizeof(r.kernel), "%s", uts.release);

	old_print = libbpf_set_print(capture_libbpf);
	libbpf_msg[0] = '\0';
	btf = probe_btf(&r.checks[PROBE_BTF]);
	probe_bpf_syscall(&r.checks[PROBE_BPF_SYSCALL]);
	probe_ringbuf(&r.checks[PROBE_RINGBUF]);
	probe_mounts(&r);
	probe_tracepoints(&r);
	probe_raw_tp(&r.checks[PROBE_RAW_TP]);
	(void)try_btf_prog(&r.checks[PROBE_TP_BTF], btf, &tp_btf_prog);
	probe_bpf_lsm(&r, btf);
	(void)try_btf_prog(&r.checks[PROBE_FENTRY], btf, &fentry_prog);
	probe_cgroup_sock_addr(&r);
	probe_send_signal(&r.checks[PROBE_SEND_SIGNAL]);
	probe_seccomp(&r.checks[PROBE_SECCOMP]);
	probe_privileges(&r.checks[PROBE_PRIVILEGES]);
	check_compat_syscalls(&r);
	libbpf_set_print(old_print);
	btf__free(btf);

	*ret = r;
	return 0;
}

/* ---- verdict ----------------------------------------------------------------------- */

struct needs {
	enum probe_id checks[3];
	size_t n_checks;
	enum probe_event events[2]; /* tracepoints it attaches to */
	size_t n_events;
};

static const struct needs tracker_needs[PROBE_TRACKER_COUNT] = {
	[PROBE_TRACKER_PROCESS] = {
		{ PROBE_TRACEPOINT, PROBE_TP_BTF, PROBE_RINGBUF }, 3,
		{ PROBE_EV_SCHED_PROCESS_EXEC, PROBE_EV_SCHED_PROCESS_EXIT }, 2,
	},
	[PROBE_TRACKER_FILES] = { { PROBE_TP_BTF }, 1, { 0 }, 0 }, /* tp_btf/sys_exit */
	[PROBE_TRACKER_TCP] = {
		{ PROBE_TRACEPOINT, PROBE_RINGBUF }, 2,
		{ PROBE_EV_SYS_ENTER_GETPID, PROBE_EV_INET_SOCK_SET_STATE }, 2,
	},
	[PROBE_TRACKER_SYSCALL] = { { PROBE_TP_BTF }, 1, { 0 }, 0 }, /* tp_btf/sys_enter */
};

static bool check_ok(const struct probe_results *r, enum probe_id id)
{
	return r->checks[id].status == PROBE_OK;
}

/* "name (EPERM)" for a check that is not OK. */
static void add_cause(char *buf, size_t size, const struct probe_results *r, enum probe_id id)
{
	const struct probe_check *c = &r->checks[id];
	const char *why = probe_status_name(c->status);

	if (c->err)
		why = errno_name(c->err);
	else if (id == PROBE_TRACEPOINT && !r->tracefs_dir[0])
		why = "tracefs not mounted";
	else if (id == PROBE_BPF_LSM && r->lsm_list_known && !r->bpf_in_lsm_list)
		why = "\"" BPF_LSM_NAME "\" not in the LSM list";
	appendf(buf, size, "%s%s (%s)", buf[0] ? ", " : "", probe_name(id), why);
}

static void tracker_verdict(const struct probe_results *r, const struct needs *n,
			    struct probe_usable *ret)
{
	char missing[PROBE_LINE_MAX] = "", works[PROBE_LINE_MAX] = "";

	for (size_t i = 0; i < n->n_checks; i++) {
		if (check_ok(r, n->checks[i]))
			appendf(works, sizeof(works), "%s%s", works[0] ? ", " : "",
				probe_name(n->checks[i]));
		else
			add_cause(missing, sizeof(missing), r, n->checks[i]);
	}
	/* A failed tracepoint check already explains every event. */
	for (size_t i = 0; i < n->n_events && check_ok(r, PROBE_TRACEPOINT); i++) {
		int err = r->event_err[n->events[i]];
		const char *name = event_names[n->events[i]];

		if (err)
			appendf(missing, sizeof(missing), "%s%s (%s)", missing[0] ? ", " : "", name,
				errno_name(err));
		else
			appendf(works, sizeof(works), ", %s", name);
	}
	ret->usable = !missing[0];
	(void)snprintf(ret->reason, sizeof(ret->reason), "%s: %s", ret->usable ? "works" : "needs",
		       ret->usable ? works : missing);
}

static void enforcement_verdict(const struct probe_results *r, struct probe_verdict *v)
{
	for (size_t res = 0; res < PROBE_RES_COUNT; res++) {
		char *why = v->fallback_reason[res], missing[PROBE_LINE_MAX] = "";
		size_t size = sizeof(v->fallback_reason[res]);
		enum probe_level level = PROBE_LEVEL_NONE;

		if (check_ok(r, PROBE_BPF_LSM)) /* only where a class's BPF-LSM programs fail */
			appendf(missing, sizeof(missing), "BPF-LSM programs of this class");
		else
			add_cause(missing, sizeof(missing), r, PROBE_BPF_LSM);
		switch (res) {
		case PROBE_RES_EXEC:
		case PROBE_RES_FILE: {
			/* exec: tp/sched/sched_process_exec; file: tp_btf/sys_exit */
			enum probe_id tp = res == PROBE_RES_EXEC ? PROBE_TRACEPOINT : PROBE_TP_BTF;

			if (check_ok(r, tp) && check_ok(r, PROBE_SEND_SIGNAL)) {
				level = PROBE_LEVEL_SIGKILL;
				(void)snprintf(
					why, size,
					res == PROBE_RES_EXEC
						? "no %s: a tracepoint program kills the new "
						  "program with bpf_send_signal(SIGKILL) (the "
						  "exec completed)"
						: "no %s: programs at the syscall's exit kill the "
						  "process with bpf_send_signal(SIGKILL) after a "
						  "blocked open or change (it completed); changes "
						  "are decided on the names passed, not resolved",
					missing);
			} else {
				add_cause(missing, sizeof(missing), r,
					  check_ok(r, tp) ? PROBE_SEND_SIGNAL : tp);
			}
			break;
		}
		case PROBE_RES_NETWORK:
			if (check_ok(r, PROBE_CGROUP_SOCK_ADDR)) {
				level = PROBE_LEVEL_CGROUP;
				(void)snprintf(why, size,
					       "no %s: a cgroup/connect program refuses the "
					       "connect with EPERM",
					       missing);
			} else {
				add_cause(missing, sizeof(missing), r, PROBE_CGROUP_SOCK_ADDR);
			}
			break;
		default: /* capabilities: only the capable hook can refuse one */
			(void)snprintf(why, size,
				       "no %s: capability uses are refused only in the capable "
				       "hook; granted uses are reported from the cap_capable "
				       "tracepoint where the kernel has it",
				       missing);
			break;
		}
		if (level == PROBE_LEVEL_NONE && res != PROBE_RES_CAPABILITIES)
			(void)snprintf(why, size, "nothing can enforce it: no %s", missing);
		v->fallback[res] = level;
		if (check_ok(r, PROBE_BPF_LSM)) {
			v->enforcement[res] = PROBE_LEVEL_LSM;
			(void)snprintf(v->enforcement_reason[res], size,
				       "BPF-LSM refuses the operation with EPERM");
		} else {
			v->enforcement[res] = level;
			(void)snprintf(v->enforcement_reason[res], size, "%s", why);
		}
	}
}

void probe_verdict(const struct probe_results *r, struct probe_verdict *ret)
{
	struct probe_verdict v = { 0 };
	struct probe_usable *s = &v.seccomp_profiles;

	for (size_t t = 0; t < PROBE_TRACKER_COUNT; t++) {
		tracker_verdict(r, &tracker_needs[t], &v.trackers[t]);
		v.can_run |= v.trackers[t].usable;
	}
	enforcement_verdict(r, &v);
	v.ia32_syscalls = r->ia32_syscalls;
	v.x32_syscalls = r->x32_syscalls;

	s->usable = v.trackers[PROBE_TRACKER_SYSCALL].usable && check_ok(r, PROBE_SECCOMP);
	if (s->usable) {
		(void)snprintf(s->reason, sizeof(s->reason),
			       "the syscall tracker records each container's syscalls and "
			       "libseccomp turns them into a profile");
	} else {
		char missing[PROBE_LINE_MAX] = "";

		if (!v.trackers[PROBE_TRACKER_SYSCALL].usable)
			appendf(missing, sizeof(missing), "the syscall tracker");
		if (!check_ok(r, PROBE_SECCOMP))
			add_cause(missing, sizeof(missing), r, PROBE_SECCOMP);
		(void)snprintf(s->reason, sizeof(s->reason), "needs: %s", missing);
	}
	*ret = v;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static json_t *check_json(const struct probe_results *r, enum probe_id id)
{
	const struct probe_check *c = &r->checks[id];
	json_t *o;

	o = json_pack("{s:s, s:b, s:s, s:s, s:s?}", "name", probe_name(id), "ok",
		      c->status == PROBE_OK, "status", probe_status_name(c->status), "detail",
		      c->detail, "errno", c->err ? errno_name(c->err) : NULL);
	if (!o)
		return NULL;
	if (c->verifier_log[0] &&
	    json_object_set_new(o, "verifier_log", json_string(c->verifier_log)) < 0)
		goto out_free;
	if (id == PROBE_BPF_LSM &&
	    json_object_set_new(o, "lsm_list",
				r->lsm_list_known ? json_string(r->lsm_list) : json_null()) < 0)
		goto out_free;
	if (id == PROBE_BPF_LSM &&
	    json_object_set_new(o, "bpf_in_lsm_list",
				r->lsm_list_known ? json_boolean(r->bpf_in_lsm_list)
						  : json_null()) < 0)
		goto out_free;
	return o;
out_free:
	json_decref(o);
	return NULL;
}

static json_t *usable_json(const struct probe_usable *u)
{
	return json_pack("{s:b, s:s}", "usable", u->usable, "reason", u->reason);
}

json_t *probe_to_json(const struct probe_results *r, const struct probe_verdict *v)
{
	json_t *root, *checks, *events, *trackers, *levels, *reasons;

	/* "o" steals the reference, also when json_pack fails. */
	root = json_pack("{s:i, s:s, s:[], s:[], s:{}, s:{}, s:{}, s:o, s:{s:b, s:b}, s:b}",
			 "schema", PROBE_JSON_SCHEMA, "kernel", r->kernel, "checks", "tracepoints",
			 "trackers", "enforcement", "enforcement_reasons", "seccomp_profiles",
			 usable_json(&v->seccomp_profiles), "compat_syscalls", "i386",
			 v->ia32_syscalls, "x32", v->x32_syscalls, "can_run", v->can_run);
	if (!root)
		goto out_nomem;
	checks = json_object_get(root, "checks");
	events = json_object_get(root, "tracepoints");
	trackers = json_object_get(root, "trackers");
	levels = json_object_get(root, "enforcement");
	reasons = json_object_get(root, "enforcement_reasons");

	for (size_t i = 0; i < PROBE_COUNT; i++)
		if (json_array_append_new(checks, check_json(r, i)) < 0)
			goto out_free;
	for (size_t i = 0; i < PROBE_EV_COUNT; i++) {
		int err = r->event_err[i];

		if (json_array_append_new(events, json_pack("{s:s, s:b, s:s?}", "name",
							    event_names[i], "ok", !err, "errno",
							    err ? errno_name(err) : NULL)) < 0)
			goto out_free;
	}
	for (size_t t = 0; t < PROBE_TRACKER_COUNT; t++)
		if (json_object_set_new(trackers, tracker_names[t], usable_json(&v->trackers[t])) <
		    0)
			goto out_free;
	for (size_t res = 0; res < PROBE_RES_COUNT; res++) {
		if (json_object_set_new(levels, probe_resource_name(res),
					json_string(probe_level_name(v->enforcement[res]))) < 0 ||
		    json_object_set_new(reasons, probe_resource_name(res),
					json_string(v->enforcement_reason[res])) < 0)
			goto out_free;
	}
	return root;
out_free:
	json_decref(root);
out_nomem:
	errno = ENOMEM;
	return NULL;
}
