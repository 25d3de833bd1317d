// SPDX-License-Identifier: Apache-2.0
/*
 * `ward seccomp check FILE`: read an OCI runtime-spec linux.seccomp object or a
 * Docker seccomp profile, compile it with libseccomp for every architecture
 * it lists, and report what would surprise its author: unknown names,
 * missing essentials, rules that repeat the default, dangerous allowances and
 * how it differs from Docker's default profile.
 *
 * Docker-only keys follow Docker's semantics: "archMap" selects the entries of
 * the host's architecture, "includes"/"excludes" are evaluated for the host's
 * architecture, the running kernel and Docker's default capability set (a
 * container started without --cap-add).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <seccomp.h>

#include "cli.h"
#include "cmd.h"
#include "seccomp_json.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SC_MAX_ARGS   6
#define SC_ERRNO_MAX  4095 /* errno values a filter may return */
#define SC_NR_SCAN    1024 /* syscall numbers scanned per architecture */
#define BPF_INSN_SIZE 8	   /* bytes of one struct sock_filter */

/* ---- vocabulary ----------------------------------------------------------------- */

/* libseccomp's architectures with their names in libseccomp, in Docker's
 * "includes.arches" (Go's GOARCH spelling) and whether Docker uses them. */
static const struct arch_name {
	uint32_t arch;
	const char *name;
	const char *docker;
} arch_names[] = {
	{ SCMP_ARCH_X86, "x86", "x86" },
	{ SCMP_ARCH_X86_64, "x86_64", "amd64" },
	{ SCMP_ARCH_X32, "x32", "x32" },
	{ SCMP_ARCH_ARM, "arm", "arm" },
	{ SCMP_ARCH_AARCH64, "aarch64", "arm64" },
	{ SCMP_ARCH_MIPS, "mips", "mips" },
	{ SCMP_ARCH_MIPS64, "mips64", "mips64" },
	{ SCMP_ARCH_MIPS64N32, "mips64n32", "mips64n32" },
	{ SCMP_ARCH_MIPSEL, "mipsel", "mipsel" },
	{ SCMP_ARCH_MIPSEL64, "mipsel64", "mips64le" },
	{ SCMP_ARCH_MIPSEL64N32, "mipsel64n32", "mips64n32le" },
	{ SCMP_ARCH_PPC, "ppc", "ppc" },
	{ SCMP_ARCH_PPC64, "ppc64", "ppc64" },
	{ SCMP_ARCH_PPC64LE, "ppc64le", "ppc64le" },
	{ SCMP_ARCH_S390, "s390", "s390" },
	{ SCMP_ARCH_S390X, "s390x", "s390x" },
	{ SCMP_ARCH_PARISC, "parisc", "parisc" },
	{ SCMP_ARCH_PARISC64, "parisc64", "parisc64" },
	{ SCMP_ARCH_RISCV64, "riscv64", "riscv64" },
};

static const struct arch_name *arch_by_num(uint32_t arch)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (arch_names[i].arch == arch)
			return &arch_names[i];
	return NULL;
}

uint32_t sc_arch_from_oci(const char *name)
{
	static const char prefix[] = "SCMP_ARCH_";
	char lower[32];
	size_t i;

	if (strncmp(name, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	name += sizeof(prefix) - 1;
	for (i = 0; name[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	if (name[i] || !i)
		return 0;
	lower[i] = '\0';
	for (i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (strcmp(arch_names[i].name, lower) == 0)
			return arch_names[i].arch;
	return 0;
}

int sc_arch_to_oci(uint32_t arch, char *buf, size_t size)
{
	const struct arch_name *a = arch_by_num(arch);
	size_t o;

	if (!a)
		return -EINVAL;
	o = (size_t)snprintf(buf, size, "SCMP_ARCH_");
	for (size_t i = 0; a->name[i] && o + 1 < size; i++)
		buf[o++] = (char)(a->name[i] >= 'a' && a->name[i] <= 'z' ? a->name[i] - 32
									 : a->name[i]);
	if (o >= size)
		return -ENAMETOOLONG;
	buf[o] = '\0';
	return 0;
}

const char *sc_libseccomp_version(void)
{
	static char buf[32];
	const struct scmp_version *v = seccomp_version();

	snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
	return buf;
}

/* Allowed inside a container, these reach past its boundary or the kernel's
 * hardening; each reason is what the call gives an attacker. */
static const struct danger {
	const char *name;
	const char *why;
} dangers[] = {
	{ "acct", "switches process accounting on the host" },
	{ "add_key", "adds keys to the kernel keyring, which is not namespaced" },
	{ "bpf", "loads BPF programs and reads kernel memory through maps" },
	{ "chroot", "with a writable root, a classic step of chroot escapes" },
	{ "clock_settime", "sets the host's clock" },
	{ "create_module", "loads kernel modules (obsolete)" },
	{ "delete_module", "unloads kernel modules" },
	{ "finit_module", "loads kernel modules" },
	{ "fsconfig", "configures new mounts (new mount API)" },
	{ "fsmount", "creates mounts (new mount API)" },
	{ "fsopen", "opens file systems for mounting (new mount API)" },
	{ "fspick", "reconfigures mounts (new mount API)" },
	{ "init_module", "loads kernel modules" },
	{ "ioperm", "gives direct access to I/O ports" },
	{ "iopl", "gives direct access to all I/O ports" },
	{ "kcmp", "compares kernel objects of other processes (pointer leaks)" },
	{ "kexec_file_load", "replaces the running kernel" },
	{ "kexec_load", "replaces the running kernel" },
	{ "keyctl", "manipulates the kernel keyring, which is not namespaced" },
	{ "lookup_dcookie", "resolves kernel directory cookies (profiling interface)" },
	{ "mount", "mounts file systems: the classic container escape" },
	{ "move_mount", "moves mounts (new mount API)" },
	{ "nfsservctl", "controls the kernel NFS server" },
	{ "open_by_handle_at", "opens host files by handle, bypassing the mount namespace "
			       "(the 'shocker' escape)" },
	{ "open_tree", "clones mount trees (new mount API)" },
	{ "perf_event_open", "profiles the kernel and other processes; frequent kernel bugs" },
	{ "pivot_root", "changes the root file system" },
	{ "process_vm_readv", "reads other processes' memory" },
	{ "process_vm_writev", "writes other processes' memory" },
	{ "ptrace", "inspects and modifies other processes; bypasses seccomp on old kernels" },
	{ "quotactl", "manipulates disk quotas on the host's file systems" },
	{ "reboot", "reboots the host or loads a kexec kernel" },
	{ "request_key", "requests keys from the kernel keyring, which is not namespaced" },
	{ "setns", "joins other namespaces" },
	{ "settimeofday", "sets the host's clock" },
	{ "swapoff", "disables host swap" },
	{ "swapon", "enables host swap on a file or device" },
	{ "syslog", "reads the kernel log (address leaks)" },
	{ "umount", "unmounts file systems, exposing what mounts hid" },
	{ "umount2", "unmounts file systems, exposing what mounts hid" },
	{ "unshare", "creates namespaces, including user namespaces: a large kernel attack "
		     "surface" },
	{ "userfaultfd", "stalls kernel threads at chosen points (exploit primitive)" },
	{ "uselib", "loads shared libraries (obsolete, exploit history)" },
	{ "vm86", "enters virtual 8086 mode" },
	{ "vm86old", "enters virtual 8086 mode" },
};

const char *sc_danger_reason(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(dangers); i++)
		if (strcmp(dangers[i].name, name) == 0)
			return dangers[i].why;
	return NULL;
}

/* Without these no process can end or return from a signal handler. */
static const char *const essentials[] = { "exit", "exit_group", "rt_sigreturn" };

/* What runc (1.1.5) calls after installing the filter and before the
 * entrypoint runs (docs/seccomp.md). Measured with a SCMP_ACT_LOG default
 * action: closing its fds, the exec fifo, then execve. Its init process is a
 * Go program whose runtime keeps running meanwhile: futex (measured: denying
 * it crashes runc's init now and then) and the scheduler's and preemption's
 * calls (sched_yield, nanosleep, tgkill, rt_sigprocmask, sigaltstack) and the
 * heap's (mmap, munmap, madvise). */
static const char *const runtime_essentials[] = {
	"close",     "epoll_ctl",      "execve",      "fstatfs",     "getdents64", "getpid",
	"openat",    "write",	       "futex",	      "madvise",     "mmap",	   "munmap",
	"nanosleep", "rt_sigprocmask", "sched_yield", "sigaltstack", "tgkill",
};

size_t sc_essential_names(const char *name_buf[], size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(essentials) && n < max; i++)
		name_buf[n++] = essentials[i];
	for (size_t i = 0; i < ARRAY_SIZE(runtime_essentials) && n < max; i++)
		name_buf[n++] = runtime_essentials[i];
	return n;
}

/*
 * Docker's default profile (moby/moby profiles/seccomp/default.json,
 * Apache-2.0, Copyright Docker, Inc.; the copy in
 * tests/data/seccomp/docker-default.json): the syscalls it allows a
 * container on x86_64 that was started with Docker's default capabilities,
 * without argument conditions. That is the first, unconditional group plus
 * ptrace/process_vm_* (minKernel 4.8), arch_prctl and modify_ldt (amd64)
 * and chroot (CAP_SYS_CHROOT is a default capability).
 */
static const char *const docker_allow[] = {
	"accept",
	"accept4",
	"access",
	"adjtimex",
	"alarm",
	"bind",
	"brk",
	"capget",
	"capset",
	"chdir",
	"chmod",
	"chown",
	"chown32",
	"clock_adjtime",
	"clock_adjtime64",
	"clock_getres",
	"clock_getres_time64",
	"clock_gettime",
	"clock_gettime64",
	"clock_nanosleep",
	"clock_nanosleep_time64",
	"close",
	"close_range",
	"connect",
	"copy_file_range",
	"creat",
	"dup",
	"dup2",
	"dup3",
	"epoll_create",
	"epoll_create1",
	"epoll_ctl",
	"epoll_ctl_old",
	"epoll_pwait",
	"epoll_pwait2",
	"epoll_wait",
	"epoll_wait_old",
	"eventfd",
	"eventfd2",
	"execve",
	"execveat",
	"exit",
	"exit_group",
	"faccessat",
	"faccessat2",
	"fadvise64",
	"fadvise64_64",
	"fallocate",
	"fanotify_mark",
	"fchdir",
	"fchmod",
	"fchmodat",
	"fchown",
	"fchown32",
	"fchownat",
	"fcntl",
	"fcntl64",
	"fdatasync",
	"fgetxattr",
	"flistxattr",
	"flock",
	"fork",
	"fremovexattr",
	"fsetxattr",
	"fstat",
	"fstat64",
	"fstatat64",
	"fstatfs",
	"fstatfs64",
	"fsync",
	"ftruncate",
	"ftruncate64",
	"futex",
	"futex_time64",
	"futex_waitv",
	"futimesat",
	"getcpu",
	"getcwd",
	"getdents",
	"getdents64",
	"getegid",
	"getegid32",
	"geteuid",
	"geteuid32",
	"getgid",
	"getgid32",
	"getgroups",
	"getgroups32",
	"getitimer",
	"getpeername",
	"getpgid",
	"getpgrp",
	"getpid",
	"getppid",
	"getpriority",
	"getrandom",
	"getresgid",
	"getresgid32",
	"getresuid",
	"getresuid32",
	"getrlimit",
	"get_robust_list",
	"getrusage",
	"getsid",
	"getsockname",
	"getsockopt",
	"get_thread_area",
	"gettid",
	"gettimeofday",
	"getuid",
	"getuid32",
	"getxattr",
	"inotify_add_watch",
	"inotify_init",
	"inotify_init1",
	"inotify_rm_watch",
	"io_cancel",
	"ioctl",
	"io_destroy",
	"io_getevents",
	"io_pgetevents",
	"io_pgetevents_time64",
	"ioprio_get",
	"ioprio_set",
	"io_setup",
	"io_submit",
	"io_uring_enter",
	"io_uring_register",
	"io_uring_setup",
	"ipc",
	"kill",
	"landlock_add_rule",
	"landlock_create_ruleset",
	"landlock_restrict_self",
	"lchown",
	"lchown32",
	"lgetxattr",
	"link",
	"linkat",
	"listen",
	"listxattr",
	"llistxattr",
	"_llseek",
	"lremovexattr",
	"lseek",
	"lsetxattr",
	"lstat",
	"lstat64",
	"madvise",
	"membarrier",
	"memfd_create",
	"memfd_secret",
	"mincore",
	"mkdir",
	"mkdirat",
	"mknod",
	"mknodat",
	"mlock",
	"mlock2",
	"mlockall",
	"mmap",
	"mmap2",
	"mprotect",
	"mq_getsetattr",
	"mq_notify",
	"mq_open",
	"mq_timedreceive",
	"mq_timedreceive_time64",
	"mq_timedsend",
	"mq_timedsend_time64",
	"mq_unlink",
	"mremap",
	"msgctl",
	"msgget",
	"msgrcv",
	"msgsnd",
	"msync",
	"munlock",
	"munlockall",
	"munmap",
	"name_to_handle_at",
	"nanosleep",
	"newfstatat",
	"_newselect",
	"open",
	"openat",
	"openat2",
	"pause",
	"pidfd_open",
	"pidfd_send_signal",
	"pipe",
	"pipe2",
	"pkey_alloc",
	"pkey_free",
	"pkey_mprotect",
	"poll",
	"ppoll",
	"ppoll_time64",
	"prctl",
	"pread64",
	"preadv",
	"preadv2",
	"prlimit64",
	"process_mrelease",
	"pselect6",
	"pselect6_time64",
	"pwrite64",
	"pwritev",
	"pwritev2",
	"read",
	"readahead",
	"readlink",
	"readlinkat",
	"readv",
	"recv",
	"recvfrom",
	"recvmmsg",
	"recvmmsg_time64",
	"recvmsg",
	"remap_file_pages",
	"removexattr",
	"rename",
	"renameat",
	"renameat2",
	"restart_syscall",
	"rmdir",
	"rseq",
	"rt_sigaction",
	"rt_sigpending",
	"rt_sigprocmask",
	"rt_sigqueueinfo",
	"rt_sigreturn",
	"rt_sigsuspend",
	"rt_sigtimedwait",
	"rt_sigtimedwait_time64",
	"rt_tgsigqueueinfo",
	"sched_getaffinity",
	"sched_getattr",
	"sched_getparam",
	"sched_get_priority_max",
	"sched_get_priority_min",
	"sched_getscheduler",
	"sched_rr_get_interval",
	"sched_rr_get_interval_time64",
	"sched_setaffinity",
	"sched_setattr",
	"sched_setparam",
	"sched_setscheduler",
	"sched_yield",
	"seccomp",
	"select",
	"semctl",
	"semget",
	"semop",
	"semtimedop",
	"semtimedop_time64",
	"send",
	"sendfile",
	"sendfile64",
	"sendmmsg",
	"sendmsg",
	"sendto",
	"setfsgid",
	"setfsgid32",
	"setfsuid",
	"setfsuid32",
	"setgid",
	"setgid32",
	"setgroups",
	"setgroups32",
	"setitimer",
	"setpgid",
	"setpriority",
	"setregid",
	"setregid32",
	"setresgid",
	"setresgid32",
	"setresuid",
	"setresuid32",
	"setreuid",
	"setreuid32",
	"setrlimit",
	"set_robust_list",
	"setsid",
	"setsockopt",
	"set_thread_area",
	"set_tid_address",
	"setuid",
	"setuid32",
	"setxattr",
	"shmat",
	"shmctl",
	"shmdt",
	"shmget",
	"shutdown",
	"sigaltstack",
	"signalfd",
	"signalfd4",
	"sigprocmask",
	"sigreturn",
	"socketcall",
	"socketpair",
	"splice",
	"stat",
	"stat64",
	"statfs",
	"statfs64",
	"statx",
	"symlink",
	"symlinkat",
	"sync",
	"sync_file_range",
	"syncfs",
	"sysinfo",
	"tee",
	"tgkill",
	"time",
	"timer_create",
	"timer_delete",
	"timer_getoverrun",
	"timer_gettime",
	"timer_gettime64",
	"timer_settime",
	"timer_settime64",
	"timerfd_create",
	"timerfd_gettime",
	"timerfd_gettime64",
	"timerfd_settime",
	"timerfd_settime64",
	"times",
	"tkill",
	"truncate",
	"truncate64",
	"ugetrlimit",
	"umask",
	"uname",
	"unlink",
	"unlinkat",
	"utime",
	"utimensat",
	"utimensat_time64",
	"utimes",
	"vfork",
	"vmsplice",
	"wait4",
	"waitid",
	"waitpid",
	"write",
	"writev",
	/* minKernel 4.8 */
	"process_vm_readv",
	"process_vm_writev",
	"ptrace",
	/* includes.arches amd64 */
	"arch_prctl",
	"modify_ldt",
	/* includes.caps CAP_SYS_CHROOT, a default capability */
	"chroot",
};

/* Allowed by Docker's default only under argument conditions. */
static const char *const docker_conditional[] = { "clone", "personality", "socket" };

/* Docker's default capability set (moby oci/caps/defaults.go). */
static const char *const docker_caps[] = {
	"CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",	   "CAP_FOWNER",
	"CAP_MKNOD",   "CAP_NET_RAW",	   "CAP_SETGID",	   "CAP_SETUID",
	"CAP_SETFCAP", "CAP_SETPCAP",	   "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
	"CAP_KILL",    "CAP_AUDIT_WRITE",
};

static bool in_list(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* ---- report ---------------------------------------------------------------------- */

struct ctx {
	struct sc_report *r;
	const char *where; /* set before diag() */
	int oom;
};

/* A failed allocation drops the diagnostic (c->oom) but still counts it. */
static void vdiag(struct ctx *c, enum sc_severity sev, const char *code, const char *hint,
		  const char *fmt, va_list ap)
{
	struct sc_report *r = c->r;
	struct sc_diag *d;

	if (sev == SC_ERROR)
		r->n_errors++;
	else if (sev == SC_WARNING)
		r->n_warnings++;
	if (r->n_diags == r->cap_diags) {
		size_t cap = r->cap_diags ? r->cap_diags * 2 : 16;
		struct sc_diag *v = realloc(r->diags, cap * sizeof(*v));

		if (!v) {
			c->oom = -ENOMEM;
			return;
		}
		r->diags = v;
		r->cap_diags = cap;
	}
	d = &r->diags[r->n_diags];
	memset(d, 0, sizeof(*d));
	d->severity = sev;
	d->code = code;
	d->where = strdup(c->where ? c->where : "");
	d->hint = strdup(hint ? hint : "");
	if (vasprintf(&d->message, fmt, ap) < 0)
		d->message = NULL;
	if (!d->where || !d->hint || !d->message) {
		free(d->where);
		free(d->hint);
		free(d->message);
		c->oom = -ENOMEM;
		return;
	}
	r->n_diags++;
}

__attribute__((format(printf, 5, 6))) static void
cdiag(struct ctx *c, enum sc_severity sev, const char *code, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(c, sev, code, hint, fmt, ap);
	va_end(ap);
}

void sc_report_free(struct sc_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_diags; i++) {
		free(r->diags[i].where);
		free(r->diags[i].message);
		free(r->diags[i].hint);
	}
	free(r->diags);
	for (size_t i = 0; i < r->diff.n_more; i++)
		free(r->diff.more[i]);
	for (size_t i = 0; i < r->diff.n_fewer; i++)
		free(r->diff.fewer[i]);
	free(r->diff.more);
	free(r->diff.fewer);
	free(r->default_action);
	free(r);
}

/* ---- parsing --------------------------------------------------------------------- */

static const struct {
	const char *name;
	uint32_t act;
	bool has_errno;
} actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL, false },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false },
};

static const char *const op_names[] = {
	[SCMP_CMP_NE] = "SCMP_CMP_NE",
	[SCMP_CMP_LT] = "SCMP_CMP_LT",
	[SCMP_CMP_LE] = "SCMP_CMP_LE",
	[SCMP_CMP_EQ] = "SCMP_CMP_EQ",
	[SCMP_CMP_GE] = "SCMP_CMP_GE",
	[SCMP_CMP_GT] = "SCMP_CMP_GT",
	[SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static bool is_allow(uint32_t act)
{
	return act == SCMP_ACT_ALLOW || act == SCMP_ACT_LOG;
}

/* Action and errno (errnoRet; runc's default is EPERM) of an object that has
 * `akey` and `ekey`. desc receives e.g. "SCMP_ACT_ERRNO(EPERM)". */
static int parse_action(struct ctx *c, json_t *obj, const char *akey, const char *ekey,
			uint32_t *ret, char *desc, size_t size)
{
	json_t *a = json_object_get(obj, akey), *e = json_object_get(obj, ekey);
	json_int_t eno = EPERM;
	size_t i;

	if (!a) {
		cdiag(c, SC_ERROR, "missing-key", "e.g. \"SCMP_ACT_ERRNO\"", "no '%s'", akey);
		return -EINVAL;
	}
	if (!json_is_string(a)) {
		cdiag(c, SC_ERROR, "wrong-type", NULL, "'%s' must be a string", akey);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (strcmp(actions[i].name, json_string_value(a)) == 0)
			break;
	if (i == ARRAY_SIZE(actions)) {
		cdiag(c, SC_ERROR, "unknown-action",
		      "SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, "
		      "SCMP_ACT_KILL_THREAD, "
		      "SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG or SCMP_ACT_NOTIFY",
		      "unknown action '%s'", json_string_value(a));
		return -EINVAL;
	}
	if (e) {
		if (!json_is_integer(e) || json_integer_value(e) < 0 ||
		    json_integer_value(e) > SC_ERRNO_MAX) {
			cdiag(c, SC_ERROR, "bad-errno", "an errno number, e.g. 1 for EPERM",
			      "'%s' must be an integer from 0 to %d", ekey, SC_ERRNO_MAX);
			return -EINVAL;
		}
		eno = json_integer_value(e);
		if (!actions[i].has_errno)
			cdiag(c, SC_WARNING, "useless-key", "remove it",
			      "'%s' has no effect with %s", ekey, actions[i].name);
	}
	if (actions[i].has_errno) {
		const char *en = strerrorname_np((int)eno);

		*ret = actions[i].act | (uint32_t)eno;
		if (en)
			snprintf(desc, size, "%s(%s)", actions[i].name, en);
		else
			snprintf(desc, size, "%s(%lld)", actions[i].name, (long long)eno);
	} else {
		*ret = actions[i].act;
		snprintf(desc, size, "%s", actions[i].name);
	}
	return 0;
}

static bool check_keys(struct ctx *c, json_t *obj, const char *const *keys, size_t n,
		       const char *what)
{
	const char *k;
	json_t *v;
	bool ok = true;

	json_object_foreach(obj, k, v)
	{
		(void)v;
		if (!in_list(keys, n, k)) {
			cdiag(c, SC_WARNING, "unknown-key",
			      "runtimes ignore it; check the spelling", "unknown key '%s' in %s", k,
			      what);
			ok = false;
		}
	}
	return ok;
}

/* One entry of "syscalls" after validation. */
struct rule {
	size_t idx;
	json_t *names; /* array of strings (the old "name" key is wrapped) */
	uint32_t act;
	char act_desc[64];
	struct scmp_arg_cmp args[SC_MAX_ARGS];
	size_t n_args;
	bool repeated_index; /* args name an index twice: one rule per condition */
	bool applies;	     /* Docker's includes/excludes hold on this host */
	bool valid;
};

static int parse_args(struct ctx *c, json_t *args, struct rule *ru)
{
	char where[96];
	const char *saved = c->where;
	unsigned int seen = 0;
	size_t i;
	json_t *a;

	if (!json_is_array(args)) {
		cdiag(c, SC_ERROR, "wrong-type", NULL, "'args' must be an array");
		return -EINVAL;
	}
	if (json_array_size(args) > SC_MAX_ARGS) {
		cdiag(c, SC_ERROR, "too-many-args", "a syscall has at most 6 arguments",
		      "%zu argument conditions", json_array_size(args));
		return -EINVAL;
	}
	json_array_foreach(args, i, a)
	{
		static const char *const keys[] = { "index", "value", "valueTwo", "op" };
		json_t *idx = json_object_get(a, "index"), *val = json_object_get(a, "value");
		json_t *two = json_object_get(a, "valueTwo"), *op = json_object_get(a, "op");
		int o;

		snprintf(where, sizeof(where), "syscalls[%zu].args[%zu]", ru->idx, i);
		c->where = where;
		if (!json_is_object(a)) {
			cdiag(c, SC_ERROR, "wrong-type", NULL,
			      "an argument condition is an object");
			goto out_err;
		}
		check_keys(c, a, keys, ARRAY_SIZE(keys), "an argument condition");
		if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
		    json_integer_value(idx) >= SC_MAX_ARGS) {
			cdiag(c, SC_ERROR, "bad-arg", "0 for the first argument, at most 5",
			      "'index' must be an integer from 0 to 5");
			goto out_err;
		}
		if (!json_is_integer(val) || (two && !json_is_integer(two))) {
			cdiag(c, SC_ERROR, "bad-arg", "write the number in decimal",
			      "'value' and 'valueTwo' must be integers");
			goto out_err;
		}
		for (o = 0; o < (int)ARRAY_SIZE(op_names); o++)
			if (op_names[o] && json_is_string(op) &&
			    strcmp(op_names[o], json_string_value(op)) == 0)
				break;
		if (o == (int)ARRAY_SIZE(op_names)) {
			cdiag(c, SC_ERROR, "bad-arg",
			      "SCMP_CMP_NE, LT, LE, EQ, GE, GT or MASKED_EQ",
			      "'op' is missing or not a comparison");
			goto out_err;
		}
		if (seen & (1u << json_integer_value(idx)))
			ru->repeated_index = true;
		seen |= 1u << json_integer_value(idx);
		/* runc: MASKED_EQ compares (arg & value) == valueTwo. */
		ru->args[ru->n_args++] = (struct scmp_arg_cmp){
			.arg = (unsigned int)json_integer_value(idx),
			.op = (enum scmp_compare)o,
			.datum_a = (scmp_datum_t)json_integer_value(val),
			.datum_b = two ? (scmp_datum_t)json_integer_value(two) : 0,
		};
	}
	c->where = saved;
	return 0;
out_err:
	c->where = saved;
	return -EINVAL;
}

/* The running kernel is at least "MAJOR.MINOR". */
static bool kernel_at_least(const char *version)
{
	struct utsname u;
	unsigned int ma, mi, kma, kmi;

	if (sscanf(version, "%u.%u", &ma, &mi) != 2 || uname(&u) < 0 ||
	    sscanf(u.release, "%u.%u", &kma, &kmi) != 2)
		return false;
	return kma > ma || (kma == ma && kmi >= mi);
}

static bool any_in(json_t *arr, const char *const *v, size_t n)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e) if (json_is_string(e) &&
					  in_list(v, n, json_string_value(e))) return true;
	return false;
}

/* Docker's includes (all must hold) and excludes (none may hold). */
static bool docker_filter(struct ctx *c, json_t *obj, bool include, const char *host_arch)
{
	static const char *const keys[] = { "caps", "arches", "minKernel" };
	json_t *caps, *arches, *mk;
	const char *what = include ? "includes" : "excludes";
	bool hit_caps, hit_arch, hit_kernel;

	if (!obj)
		return true;
	if (!json_is_object(obj)) {
		cdiag(c, SC_ERROR, "wrong-type", NULL, "'%s' must be an object", what);
		return false;
	}
	check_keys(c, obj, keys, ARRAY_SIZE(keys), what);
	caps = json_object_get(obj, "caps");
	arches = json_object_get(obj, "arches");
	mk = json_object_get(obj, "minKernel");
	hit_caps = caps && any_in(caps, docker_caps, ARRAY_SIZE(docker_caps));
	hit_arch = arches && any_in(arches, &host_arch, 1);
	hit_kernel = json_is_string(mk) && kernel_at_least(json_string_value(mk));
	if (include)
		return (!caps || hit_caps) && (!arches || hit_arch) && (!mk || hit_kernel);
	return !(hit_caps || hit_arch || (mk && hit_kernel));
}

static int parse_rule(struct ctx *c, json_t *e, size_t idx, uint32_t def_act, const char *host_arch,
		      struct rule *ru)
{
	static const char *const keys[] = { "names", "name",	"action",   "errnoRet",
					    "args",  "comment", "includes", "excludes" };
	json_t *names = json_object_get(e, "names"), *name = json_object_get(e, "name");
	json_t *args = json_object_get(e, "args");
	size_t i;
	json_t *n;

	memset(ru, 0, sizeof(*ru));
	ru->idx = idx;
	if (!json_is_object(e)) {
		cdiag(c, SC_ERROR, "wrong-type", NULL, "a syscalls entry is an object");
		return -EINVAL;
	}
	check_keys(c, e, keys, ARRAY_SIZE(keys), "a syscalls entry");
	if (names && name) {
		cdiag(c, SC_ERROR, "conflicting-keys", "use 'names' only",
		      "both 'names' and 'name'");
		return -EINVAL;
	}
	if (name) {
		if (!json_is_string(name)) {
			cdiag(c, SC_ERROR, "wrong-type", NULL, "'name' must be a string");
			return -EINVAL;
		}
		ru->names = json_pack("[O]", name);
		if (!ru->names)
			return c->oom = -ENOMEM;
	} else if (!json_is_array(names) || !json_array_size(names)) {
		cdiag(c, SC_ERROR, "missing-key", "list the syscalls: \"names\": [\"read\"]",
		      "no 'names' (a non-empty array)");
		return -EINVAL;
	} else {
		ru->names = json_incref(names);
	}
	json_array_foreach(ru->names, i, n)
	{
		if (!json_is_string(n)) {
			cdiag(c, SC_ERROR, "wrong-type", NULL, "names[%zu] is not a string", i);
			return -EINVAL;
		}
	}
	if (parse_action(c, e, "action", "errnoRet", &ru->act, ru->act_desc, sizeof(ru->act_desc)) <
	    0)
		return -EINVAL;
	if (args && parse_args(c, args, ru) < 0)
		return -EINVAL;
	ru->applies = docker_filter(c, json_object_get(e, "includes"), true, host_arch) &&
		      docker_filter(c, json_object_get(e, "excludes"), false, host_arch);
	if (ru->act == def_act)
		cdiag(c, SC_WARNING, "same-as-default", "remove the rule",
		      "the action %s is the default action: this rule changes nothing (runc "
		      "skips it)",
		      ru->act_desc);
	ru->valid = true;
	return 0;
}

/* The architectures to compile for: "architectures" (OCI), else the archMap
 * entry of the host's architecture (Docker), else the native one. */
static int parse_arches(struct ctx *c, json_t *root, uint32_t *ret, size_t *ret_n)
{
	json_t *list = json_object_get(root, "architectures"),
	       *map = json_object_get(root, "archMap");
	uint32_t native = seccomp_arch_native();
	char where[64];
	size_t n = 0, i;
	json_t *e;

	if (list && map) {
		c->where = "";
		cdiag(c, SC_WARNING, "conflicting-keys",
		      "Docker ignores 'architectures' when 'archMap' is present",
		      "both 'architectures' and 'archMap'");
	}
	if (map) {
		c->where = "archMap";
		if (!json_is_array(map)) {
			cdiag(c, SC_ERROR, "wrong-type", NULL, "'archMap' must be an array");
			return -EINVAL;
		}
		list = NULL;
		json_array_foreach(map, i, e)
		{
			json_t *a = json_object_get(e, "architecture");
			json_t *subs = json_object_get(e, "subArchitectures");
			json_t *s;
			size_t j;

			if (!json_is_string(a) || sc_arch_from_oci(json_string_value(a)) != native)
				continue;
			list = json_array();
			if (!list || json_array_append(list, a) < 0)
				goto out_oom;
			json_array_foreach(subs, j,
					   s) if (json_array_append(list, s) < 0) goto out_oom;
			break;
		}
		if (!list) {
			cdiag(c, SC_WARNING, "no-native-arch",
			      "add an entry for this host's architecture",
			      "archMap has no entry for this host's architecture (%s): "
			      "compiled for it alone",
			      arch_by_num(native)->name);
		}
	} else if (list) {
		json_incref(list);
	}
	if (!list) {
		if (!map) {
			c->where = "";
			cdiag(c, SC_INFO, "no-arch",
			      "list them: \"architectures\": [\"SCMP_ARCH_X86_64\", "
			      "\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]",
			      "no architectures listed: the filter covers the native one only "
			      "and every other ABI is killed");
		}
		ret[0] = native;
		*ret_n = 1;
		return 0;
	}
	if (!json_is_array(list)) {
		c->where = "architectures";
		cdiag(c, SC_ERROR, "wrong-type", NULL, "'architectures' must be an array");
		json_decref(list);
		return -EINVAL;
	}
	json_array_foreach(list, i, e)
	{
		uint32_t a = json_is_string(e) ? sc_arch_from_oci(json_string_value(e)) : 0;
		bool dup = false;

		snprintf(where, sizeof(where), "%s[%zu]", map ? "archMap" : "architectures", i);
		c->where = where;
		if (!a) {
			cdiag(c, SC_ERROR, "unknown-arch",
			      "SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_AARCH64, "
			      "...",
			      "unknown architecture %s",
			      json_is_string(e) ? json_string_value(e) : "(not a string)");
			continue;
		}
		for (size_t j = 0; j < n; j++)
			dup |= ret[j] == a;
		if (dup || n == SC_MAX_ARCHES) {
			cdiag(c, SC_WARNING, "duplicate", "remove it",
			      "architecture %s listed twice", json_string_value(e));
			continue;
		}
		ret[n++] = a;
	}
	json_decref(list);
	*ret_n = n;
	return n ? 0 : -EINVAL;
out_oom:
	json_decref(list);
	return c->oom = -ENOMEM;
}

/* ---- compiling ------------------------------------------------------------------- */

static int export_insns(scmp_filter_ctx f, size_t *ret)
{
	struct stat st;
	int fd, err = 0;

	fd = memfd_create("ward-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = seccomp_export_bpf(f, fd);
	if (!err && fstat(fd, &st) < 0)
		err = -errno;
	if (!err)
		*ret = (size_t)st.st_size / BPF_INSN_SIZE;
	close(fd);
	return err;
}

static int add_rule(scmp_filter_ctx f, const struct rule *ru, int nr)
{
	int err = 0;

	if (!ru->repeated_index)
		return seccomp_rule_add_array(f, ru->act, nr, (unsigned int)ru->n_args, ru->args);
	/* The same argument twice: runc adds one rule per condition (OR). */
	for (size_t i = 0; i < ru->n_args && !err; i++)
		err = seccomp_rule_add_array(f, ru->act, nr, 1, &ru->args[i]);
	return err;
}

static void compile_arch(struct ctx *c, uint32_t def_act, struct rule *rules, size_t n_rules,
			 struct sc_arch_result *res, bool *name_ok_any)
{
	scmp_filter_ctx f = seccomp_init(def_act);
	char where[96];
	size_t k = 0;
	int err;

	if (!f) {
		res->err = -EINVAL;
		return;
	}
	if (res->arch != seccomp_arch_native()) {
		err = seccomp_arch_add(f, res->arch);
		if (!err)
			err = seccomp_arch_remove(f, SCMP_ARCH_NATIVE);
		if (err) {
			res->err = err;
			goto out_release;
		}
	}
	for (size_t i = 0; i < n_rules; i++) {
		struct rule *ru = &rules[i];
		size_t j;
		json_t *n;

		if (!ru->valid || !ru->applies) {
			k += ru->names ? json_array_size(ru->names) : 0;
			continue;
		}
		json_array_foreach(ru->names, j, n)
		{
			/* Like runc: the native (or pseudo) number, which libseccomp
			 * translates to the filter's architecture. */
			int nr = seccomp_syscall_resolve_name(json_string_value(n));

			if (nr == __NR_SCMP_ERROR || seccomp_syscall_resolve_name_arch(
							     res->arch, json_string_value(n)) < 0) {
				k++;
				continue;
			}
			name_ok_any[k++] = true;
			if (ru->act == def_act)
				continue;
			err = add_rule(f, ru, nr);
			if (err) {
				snprintf(where, sizeof(where), "syscalls[%zu].names[%zu]", ru->idx,
					 j);
				c->where = where;
				cdiag(c, SC_ERROR, "compile",
				      "a rule for this syscall with another action or overlapping "
				      "conditions came earlier",
				      "libseccomp refused %s for %s on %s: %s", ru->act_desc,
				      json_string_value(n), res->name, strerror(-err));
				continue;
			}
			res->n_rules++;
		}
	}
	res->err = export_insns(f, &res->insns);
out_release:
	seccomp_release(f);
}

/* ---- analysis -------------------------------------------------------------------- */

enum verdict { V_DENIED, V_CONDITIONAL, V_ALLOWED };

/* What the profile does with a syscall name: the first applicable rule that
 * names it without conditions decides (libseccomp refuses conflicting
 * unconditional rules); a rule with conditions makes it conditional. */
static enum verdict name_verdict(const struct rule *rules, size_t n, uint32_t def_act,
				 const char *name)
{
	enum verdict v = is_allow(def_act) ? V_ALLOWED : V_DENIED;

	for (size_t i = 0; i < n; i++) {
		const struct rule *ru = &rules[i];
		size_t j;
		json_t *e;

		if (!ru->valid || !ru->applies)
			continue;
		json_array_foreach(ru->names, j, e)
		{
			if (strcmp(json_string_value(e), name) != 0)
				continue;
			if (!ru->n_args)
				return is_allow(ru->act) ? V_ALLOWED : V_DENIED;
			if (is_allow(ru->act) != is_allow(def_act))
				v = V_CONDITIONAL;
		}
	}
	return v;
}

/* Does libseccomp know the name on any architecture? Which, for the hint? */
static const char *known_on(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (seccomp_syscall_resolve_name_arch(arch_names[i].arch, name) >= 0)
			return arch_names[i].name;
	return NULL;
}

static void check_names(struct ctx *c, const struct rule *rules, size_t n_rules,
			const bool *name_ok_any, const struct sc_report *r)
{
	char where[96], hint[160], arches[128];
	size_t k = 0, o = 0;

	for (size_t a = 0; a < r->n_arches; a++)
		o += (size_t)snprintf(arches + o, o < sizeof(arches) ? sizeof(arches) - o : 0,
				      "%s%s", a ? ", " : "", r->arches[a].name);
	for (size_t i = 0; i < n_rules; i++) {
		const struct rule *ru = &rules[i];
		size_t j;
		json_t *e;

		if (!ru->names)
			continue;
		json_array_foreach(ru->names, j, e)
		{
			const char *name = json_is_string(e) ? json_string_value(e) : NULL;
			const char *other;

			if (name_ok_any[k++] || !name || !ru->valid)
				continue;
			snprintf(where, sizeof(where), "syscalls[%zu].names[%zu]", ru->idx, j);
			c->where = where;
			other = known_on(name);
			if (other) {
				/* Docker gates other architectures' names with includes. */
				if (!ru->applies)
					continue;
				snprintf(
					hint, sizeof(hint),
					"it is a syscall on %s; harmless, but it does nothing here",
					other);
				cdiag(c, SC_INFO, "not-on-arch", hint,
				      "'%s' is not a syscall on %s", name, arches);
			} else {
				snprintf(hint, sizeof(hint),
					 "a typo, or newer than libseccomp %s (runc skips names it "
					 "does not know)",
					 sc_libseccomp_version());
				cdiag(c, SC_WARNING, "unknown-syscall", hint,
				      "unknown syscall '%s'", name);
			}
		}
	}
}

/* An unconditional rule for a name that an earlier unconditional rule with
 * another action already decided: the later one never applies. */
static void check_conflicts(struct ctx *c, const struct rule *rules, size_t n_rules)
{
	char where[96];

	for (size_t i = 0; i < n_rules; i++) {
		const struct rule *ru = &rules[i];
		size_t j;
		json_t *e;

		if (!ru->valid || !ru->applies || ru->n_args)
			continue;
		json_array_foreach(ru->names, j, e)
		{
			for (size_t p = 0; p < i; p++) {
				const struct rule *q = &rules[p];
				size_t k;
				json_t *f;

				if (!q->valid || !q->applies || q->n_args || q->act == ru->act)
					continue;
				json_array_foreach(q->names, k, f)
				{
					if (strcmp(json_string_value(e), json_string_value(f)))
						continue;
					snprintf(where, sizeof(where), "syscalls[%zu].names[%zu]",
						 ru->idx, j);
					c->where = where;
					cdiag(c, SC_WARNING, "conflict",
					      "remove one of the two rules",
					      "'%s' already has %s at syscalls[%zu]: this %s is "
					      "ignored",
					      json_string_value(e), q->act_desc, q->idx,
					      ru->act_desc);
					goto next_name;
				}
			}
		next_name:;
		}
	}
}

static bool on_any_arch(const struct sc_report *r, const char *name)
{
	for (size_t a = 0; a < r->n_arches; a++)
		if (seccomp_syscall_resolve_name_arch(r->arches[a].arch, name) >= 0)
			return true;
	return false;
}

static void check_dangers(struct ctx *c, const struct rule *rules, size_t n_rules, uint32_t def_act)
{
	char where[96];

	if (is_allow(def_act)) {
		c->where = "defaultAction";
		for (size_t i = 0; i < ARRAY_SIZE(dangers); i++) {
			if (!on_any_arch(c->r, dangers[i].name) ||
			    name_verdict(rules, n_rules, def_act, dangers[i].name) == V_DENIED)
				continue;
			cdiag(c, SC_WARNING, "dangerous", dangers[i].why,
			      "'%s' is allowed by the default action", dangers[i].name);
		}
		return;
	}
	for (size_t i = 0; i < n_rules; i++) {
		const struct rule *ru = &rules[i];
		size_t j;
		json_t *e;

		if (!ru->valid || !ru->applies || !is_allow(ru->act))
			continue;
		json_array_foreach(ru->names, j, e)
		{
			const char *why = sc_danger_reason(json_string_value(e));

			if (!why)
				continue;
			snprintf(where, sizeof(where), "syscalls[%zu].names[%zu]", ru->idx, j);
			c->where = where;
			cdiag(c, SC_WARNING, "dangerous", why, "'%s' is allowed%s",
			      json_string_value(e),
			      ru->n_args ? " (under argument conditions)" : "");
		}
	}
}

static void check_essentials(struct ctx *c, const struct rule *rules, size_t n_rules,
			     uint32_t def_act, const struct sc_report *r)
{
	c->where = "syscalls";
	for (size_t i = 0; i < ARRAY_SIZE(essentials) + ARRAY_SIZE(runtime_essentials); i++) {
		bool runtime = i >= ARRAY_SIZE(essentials);
		const char *name =
			runtime ? runtime_essentials[i - ARRAY_SIZE(essentials)] : essentials[i];

		if (!on_any_arch(r, name) ||
		    name_verdict(rules, n_rules, def_act, name) == V_ALLOWED)
			continue;
		if (runtime)
			cdiag(c, SC_ERROR, "missing-essential",
			      "runc calls it between installing the filter and executing the "
			      "entrypoint: the container would not start",
			      "'%s' is not allowed unconditionally", name);
		else
			cdiag(c, SC_ERROR, "missing-essential",
			      "without it processes cannot exit or return from signal handlers",
			      "'%s' is not allowed unconditionally", name);
	}
}

static int push_name(char ***v, size_t *n, const char *name)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(name);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Compare allowances on the native architecture with Docker's default. */
static int docker_diff(const struct rule *rules, size_t n_rules, uint32_t def_act,
		       struct sc_docker_diff *d)
{
	uint32_t native = seccomp_arch_native();

	for (int nr = 0; nr < SC_NR_SCAN; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(native, nr);
		enum verdict v;
		bool docker, docker_cond;
		int err = 0;

		if (!name)
			continue;
		v = name_verdict(rules, n_rules, def_act, name);
		docker = in_list(docker_allow, ARRAY_SIZE(docker_allow), name);
		docker_cond = in_list(docker_conditional, ARRAY_SIZE(docker_conditional), name);
		d->n_allowed += v != V_DENIED;
		d->n_docker += docker || docker_cond;
		if (v == V_ALLOWED && !docker && !docker_cond)
			err = push_name(&d->more, &d->n_more, name);
		else if (v == V_DENIED && docker)
			err = push_name(&d->fewer, &d->n_fewer, name);
		free(name);
		if (err)
			return err;
	}
	return 0;
}

int sc_check_buffer(const char *buf, size_t len, struct sc_report **ret)
{
	static const char *const top_keys[] = {
		"defaultAction", "defaultErrnoRet", "architectures",	"archMap",
		"flags",	 "listenerPath",    "listenerMetadata", "syscalls"
	};
	struct sc_report *r = calloc(1, sizeof(*r));
	struct ctx c = { .r = r };
	uint32_t arches[SC_MAX_ARCHES], def_act;
	const struct arch_name *host = arch_by_num(seccomp_arch_native());
	struct rule *rules = NULL;
	bool *name_ok = NULL;
	size_t n_rules = 0, n_names = 0, n_arches = 0;
	char desc[64], where[64];
	json_error_t jerr;
	json_t *root, *sys;
	int err = 0;

	if (!r)
		return -ENOMEM;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(where, sizeof(where), "line %d, column %d", jerr.line, jerr.column);
		c.where = where;
		cdiag(&c, SC_ERROR, "json", NULL, "%s", jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		cdiag(&c, SC_ERROR, "wrong-type", "a seccomp profile is a JSON object",
		      "the document is not an object");
		goto out;
	}
	check_keys(&c, root, top_keys, ARRAY_SIZE(top_keys), "the profile");
	c.where = "defaultAction";
	if (parse_action(&c, root, "defaultAction", "defaultErrnoRet", &def_act, desc,
			 sizeof(desc)) < 0)
		goto out;
	if (def_act == SCMP_ACT_NOTIFY) {
		cdiag(&c, SC_ERROR, "bad-default", "use SCMP_ACT_ERRNO",
		      "SCMP_ACT_NOTIFY cannot be the default action");
		goto out;
	}
	r->default_action = strdup(desc);
	if (!r->default_action)
		goto out_oom;
	if (parse_arches(&c, root, arches, &n_arches) < 0 && c.oom)
		goto out_oom;

	sys = json_object_get(root, "syscalls");
	if (sys && !json_is_array(sys)) {
		c.where = "syscalls";
		cdiag(&c, SC_ERROR, "wrong-type", NULL, "'syscalls' must be an array");
		sys = NULL;
	}
	n_rules = json_array_size(sys);
	rules = calloc(n_rules + 1, sizeof(*rules));
	if (!rules)
		goto out_oom;
	for (size_t i = 0; i < n_rules; i++) {
		snprintf(where, sizeof(where), "syscalls[%zu]", i);
		c.where = where;
		(void)parse_rule(&c, json_array_get(sys, i), i, def_act, host ? host->docker : "",
				 &rules[i]);
		if (c.oom)
			goto out_oom;
		n_names += rules[i].names ? json_array_size(rules[i].names) : 0;
	}
	name_ok = calloc(n_names + 1, sizeof(*name_ok));
	if (!name_ok)
		goto out_oom;
	for (size_t a = 0; a < n_arches; a++) {
		struct sc_arch_result *res = &r->arches[r->n_arches++];

		res->arch = arches[a];
		res->name = arch_by_num(arches[a])->name;
		compile_arch(&c, def_act, rules, n_rules, res, name_ok);
		if (res->err) {
			c.where = "";
			cdiag(&c, SC_ERROR, "compile", NULL,
			      "libseccomp cannot build the %s filter: %s", res->name,
			      strerror(-res->err));
		}
	}
	check_names(&c, rules, n_rules, name_ok, r);
	check_conflicts(&c, rules, n_rules);
	check_essentials(&c, rules, n_rules, def_act, r);
	check_dangers(&c, rules, n_rules, def_act);
	if (docker_diff(rules, n_rules, def_act, &r->diff) < 0)
		goto out_oom;
	r->have_diff = true;
	if (c.oom)
		goto out_oom;
out:
	for (size_t i = 0; i < n_rules; i++)
		json_decref(rules[i].names);
	free(rules);
	free(name_ok);
	json_decref(root);
	if (err) {
		sc_report_free(r);
		return err;
	}
	*ret = r;
	return 0;
out_oom:
	err = -ENOMEM;
	goto out;
}

static const char *sev_name(enum sc_severity s)
{
	return s == SC_ERROR ? "error" : s == SC_WARNING ? "warning" : "info";
}

static json_t *strv_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *sc_report_json(const struct sc_report *r)
{
	json_t *o = json_object(), *arches = json_array(), *diags = json_array();

	if (!o || !arches || !diags)
		goto out_err;
	if (json_object_set_new(o, "defaultAction",
				r->default_action ? json_string(r->default_action) : json_null()))
		goto out_err;
	for (size_t i = 0; i < r->n_arches; i++) {
		const struct sc_arch_result *a = &r->arches[i];
		char oci[32];

		if (sc_arch_to_oci(a->arch, oci, sizeof(oci)) < 0 ||
		    json_array_append_new(arches,
					  json_pack("{s:s, s:b, s:I, s:I, s:s?}", "name", oci, "ok",
						    !a->err, "instructions", (json_int_t)a->insns,
						    "rules", (json_int_t)a->n_rules, "error",
						    a->err ? strerror(-a->err) : NULL)))
			goto out_err;
	}
	for (size_t i = 0; i < r->n_diags; i++) {
		const struct sc_diag *d = &r->diags[i];

		if (json_array_append_new(diags, json_pack("{s:s, s:s, s:s, s:s, s:s}", "severity",
							   sev_name(d->severity), "code", d->code,
							   "where", d->where, "message", d->message,
							   "hint", d->hint)))
			goto out_err;
	}
	if (json_object_set_new(o, "architectures", arches) ||
	    json_object_set_new(o, "diagnostics", diags))
		goto out_err_o;
	arches = diags = NULL;
	if (r->have_diff &&
	    json_object_set_new(o, "docker_default_diff",
				json_pack("{s:I, s:I, s:o, s:o}", "allowed",
					  (json_int_t)r->diff.n_allowed, "docker_allowed",
					  (json_int_t)r->diff.n_docker, "more",
					  strv_json(r->diff.more, r->diff.n_more), "fewer",
					  strv_json(r->diff.fewer, r->diff.n_fewer))))
		goto out_err_o;
	if (json_object_set_new(o, "errors", json_integer((json_int_t)r->n_errors)) ||
	    json_object_set_new(o, "warnings", json_integer((json_int_t)r->n_warnings)))
		goto out_err_o;
	return o;
out_err:
	json_decref(arches);
	json_decref(diags);
out_err_o:
	json_decref(o);
	return NULL;
}

/* ---- CLI ------------------------------------------------------------------------- */

#define EXIT_OK	      0
#define EXIT_FINDINGS 1
#define EXIT_USAGE    2
#define EXIT_SYSTEM   3

void help_seccomp(void)
{
	printf("Usage: ward seccomp check [-o text|json] FILE\n"
	       "\n"
	       "Compile a seccomp profile (an OCI runtime-spec linux.seccomp object or a Docker\n"
	       "--security-opt seccomp= file) with libseccomp for each architecture it lists and\n"
	       "report unknown syscall names, missing essentials (exit, exit_group, rt_sigreturn\n"
	       "and what runc calls before the entrypoint), rules equal to the default action,\n"
	       "dangerous allowances, and how many syscalls it allows more or fewer than\n"
	       "Docker's default profile.\n"
	       "\n"
	       "  -o, --output FORMAT  text (default) or json\n"
	       "  -h, --help           show this help\n"
	       "\n"
	       "Exit status: %d no errors (warnings allowed), %d errors, %d usage error,\n"
	       "%d the file cannot be read.\n",
	       EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_SYSTEM);
}

static int read_file(const char *path, char **ret_buf, size_t *ret_len)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > SC_FILE_MAX + 1)
				cap = SC_FILE_MAX + 1;
			if (len == cap) {
				err = -EFBIG;
				break;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

static void print_names(const char *label, char *const *v, size_t n)
{
	if (!n)
		return;
	printf("  %s:", label);
	for (size_t i = 0; i < n; i++)
		printf(" %s", v[i]);
	printf("\n");
}

static void print_text(const char *file, const struct sc_report *r)
{
	size_t notes = r->n_diags - r->n_errors - r->n_warnings;

	if (r->default_action)
		printf("%s: default action %s\n", file, r->default_action);
	if (r->n_arches) {
		printf("%s: compiled for", file);
		for (size_t i = 0; i < r->n_arches; i++) {
			const struct sc_arch_result *a = &r->arches[i];

			if (a->err)
				printf("%s %s (failed)", i ? "," : "", a->name);
			else
				printf("%s %s (%zu rules, %zu BPF instructions)", i ? "," : "",
				       a->name, a->n_rules, a->insns);
		}
		printf("\n");
	}
	for (size_t i = 0; i < r->n_diags; i++) {
		const struct sc_diag *d = &r->diags[i];

		printf("%s: %s: %s: %s%s%s%s\n", file, sev_name(d->severity), d->code, d->message,
		       d->where[0] ? " [" : "", d->where, d->where[0] ? "]" : "");
		if (d->hint[0])
			printf("    hint: %s\n", d->hint);
	}
	if (r->have_diff) {
		printf("%s: against Docker's default profile (%s): allows %zu syscalls, Docker "
		       "%zu: %zu more, %zu fewer\n",
		       file, arch_by_num(seccomp_arch_native())->name, r->diff.n_allowed,
		       r->diff.n_docker, r->diff.n_more, r->diff.n_fewer);
		print_names("more", r->diff.more, r->diff.n_more);
		print_names("fewer", r->diff.fewer, r->diff.n_fewer);
	}
	printf("%s: %zu error%s, %zu warning%s, %zu note%s\n", file, r->n_errors,
	       r->n_errors == 1 ? "" : "s", r->n_warnings, r->n_warnings == 1 ? "" : "s", notes,
	       notes == 1 ? "" : "s");
}

static int seccomp_check_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct sc_report *r = NULL;
	bool json = false;
	char *buf = NULL;
	size_t len = 0;
	int c, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (cli_parse_text_json(optarg, &json) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			help_seccomp();
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cli_error("seccomp check: give exactly one FILE (see 'ward help seccomp')");
		return EXIT_USAGE;
	}
	err = read_file(argv[optind], &buf, &len);
	if (err) {
		cli_error("%s: %s", argv[optind],
			  err == -EFBIG ? "larger than 4 MiB, not a seccomp profile"
					: strerror(-err));
		return EXIT_SYSTEM;
	}
	err = sc_check_buffer(buf, len, &r);
	free(buf);
	if (err) {
		cli_error("%s: %s", argv[optind], strerror(-err));
		return EXIT_SYSTEM;
	}
	if (json) {
		json_t *o = sc_report_json(r);

		if (!o || json_object_set_new(o, "file", json_string(argv[optind])) ||
		    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
			json_decref(o);
			sc_report_free(r);
			cli_error("%s: out of memory", argv[optind]);
			return EXIT_SYSTEM;
		}
		fputc('\n', stdout);
		json_decref(o);
	} else {
		print_text(argv[optind], r);
	}
	c = r->n_errors ? EXIT_FINDINGS : EXIT_OK;
	sc_report_free(r);
	return c;
}

int cmd_seccomp(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		help_seccomp();
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "check") == 0)
		return seccomp_check_cmd(argc - 1, argv + 1);
	cli_error("seccomp: unknown subcommand '%s' (check)", argv[1]);
	return EXIT_USAGE;
}
