// SPDX-License-Identifier: Apache-2.0
/*
 * The checks of `ward seccomp check FILE` (engine/cmd/seccomp.c): read an
 * OCI runtime-spec linux.seccomp object or a Docker seccomp profile, compile
 * it with libseccomp for every architecture it lists, and report what would
 * surprise its author: unknown names, missing essentials, rules that repeat
 * the default, dangerous allowances and how it differs from Docker's default
 * profile.
 *
 * Docker-only keys follow Docker's semantics: "archMap" selects the entries of
 * the host's architecture, "includes"/"excludes" are evaluated for the host's
 * architecture, the running kernel and Docker's default capability set (a
 * container started without --cap-add).
 *
 * A security-profiles-operator SeccompProfile resource (kind: SeccompProfile)
 * is checked as its spec, whose fields are those of the SPO v1beta1 type only
 * (api/seccompprofile/v1beta1 of kubernetes-sigs/security-profiles-operator):
 * another key is an error, as kubectl apply refuses it (strict field
 * validation) and the API server drops it. Its findings' paths start "spec.".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <seccomp.h>

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

#define SC_WHERE_MAX   256 /* bytes of a diagnostic's JSON path */
#define SC_NAME_MAX    64  /* longest syscall name a suggestion is looked for */
#define SC_SUGGEST_MAX 32  /* unknown names that get a suggestion (each scans the table) */
#define NO_RULE	       SIZE_MAX

_Static_assert(ARRAY_SIZE(arch_names) <= SC_MAX_ARCHES, "every architecture fits in a report");

/* One element of a rule's names. */
struct slot {
	bool known;    /* a syscall on an architecture a filter was built for */
	bool dup;      /* repeats an earlier element of the same rule */
	size_t first;  /* that element, when dup */
	size_t winner; /* the rule whose unconditional action decides the name, or NO_RULE */
};

/* Every string of every rule's names, sorted by name, then rule, then position. */
struct nref {
	const char *name;
	size_t rule, j, k; /* rule, index in its names, slot */
};

/* One entry of "syscalls" after validation. */
struct rule {
	size_t idx;
	json_t *names;	  /* array (the old "name" key wrapped); strings only when valid */
	bool legacy_name; /* from "name": names[0] is at "syscalls[i].name" */
	size_t k0;	  /* slot of names[0] */
	uint32_t act;
	char act_desc[64];
	struct scmp_arg_cmp args[SC_MAX_ARGS];
	size_t n_args;
	bool repeated_index; /* args name an index twice: one rule per condition */
	bool applies;	     /* Docker's includes/excludes hold on this host */
	bool valid;
	bool unreadable; /* its names cannot be read: what it meant to do is unknown */
};

struct ctx {
	struct sc_report *r;
	const char *where; /* set before cdiag(): a JSON path, "" for none */
	char wbuf[SC_WHERE_MAX + sizeof("spec.")];
	char rel[SC_WHERE_MAX]; /* where, below the profile (without "spec.") */
	bool spo;		/* a SeccompProfile resource: the profile is its spec */
	int oom;
	/* the profile as read */
	uint32_t def_act;
	struct rule *rules;
	size_t n_rules;
	struct slot *slots;
	size_t n_slots;
	struct nref *idx;
	size_t n_idx;
	char arch_where[SC_MAX_ARCHES][48]; /* the entry each architecture came from */
	bool any_invalid;
	/* why the checks of the whole rule list are skipped (NULL: they run) */
	const char *arch_blind, *rules_blind;
	char blind_buf[64];
	/* this architecture's syscall names, for suggestions (read on first use) */
	char *native[SC_NR_SCAN];
	size_t n_native, n_suggested;
	bool native_read;
};

/* Length of the UTF-8 character at p (as strict as jansson: no overlong
 * forms, surrogates or code points past U+10FFFF), 0 if it is none. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Messages quote the input (jansson's errors quote raw bytes): what is not
 * UTF-8 becomes '?', so the JSON report can carry every message. */
static void utf8_fix(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		size_t n = utf8_len(p);

		if (n) {
			p += n;
		} else {
			*p++ = '?';
		}
	}
}

/* A failed allocation drops the diagnostic (c->oom) but still counts it. */
__attribute__((format(printf, 5, 0))) static void vdiag(struct ctx *c, enum sc_severity sev,
							const char *code, const char *hint,
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
	utf8_fix(d->message);
	utf8_fix(d->hint);
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

/* Point the next diagnostics at a JSON path below the profile (in a
 * SeccompProfile resource: below its spec). */
__attribute__((format(printf, 2, 3))) static void at(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->rel, sizeof(c->rel), fmt, ap);
	va_end(ap);
	snprintf(c->wbuf, sizeof(c->wbuf), "%s%s%s", c->spo ? "spec" : "",
		 c->spo && c->rel[0] ? "." : "", c->rel);
	c->where = c->wbuf;
}

/* At base.key ("key" at the top); base must not be c->wbuf. */
static void at_key(struct ctx *c, const char *base, const char *key)
{
	at(c, "%s%s%s", base, base[0] ? "." : "", key);
}

/* At base.key when obj has the key, else at base. */
static void at_member(struct ctx *c, const char *base, const json_t *obj, const char *key)
{
	if (json_object_get(obj, key))
		at_key(c, base, key);
	else
		at(c, "%s", base);
}

/* At the element j of a rule's names. */
static void at_name(struct ctx *c, const struct rule *ru, size_t j)
{
	if (ru->legacy_name)
		at(c, "syscalls[%zu].name", ru->idx);
	else
		at(c, "syscalls[%zu].names[%zu]", ru->idx, j);
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* "WHAT must be EXPECTED, not <v's type>" at the current place. */
static void wrong_type(struct ctx *c, const json_t *v, const char *what, const char *expected,
		       const char *hint)
{
	cdiag(c, SC_ERROR, "wrong-type", hint, "%s must be %s, not %s", what, expected,
	      type_name(v));
}

/* How many bytes of s to print: at most SC_NAME_MAX, not cutting a UTF-8
 * character (messages must stay valid UTF-8 for the JSON report). */
static int clip(const char *s)
{
	size_t n = strnlen(s, SC_NAME_MAX + 1);

	if (n <= SC_NAME_MAX)
		return (int)n;
	n = SC_NAME_MAX;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

/* A key's value; null counts as absent, as in runc's and Docker's Go structs. */
static json_t *get(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_null(v) ? NULL : v;
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

static const char arg_example[] = "{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}";

static bool is_allow(uint32_t act)
{
	return act == SCMP_ACT_ALLOW || act == SCMP_ACT_LOG;
}

/* Action and errno (errnoRet; runc's default is EPERM) of the object at base
 * ("" for the top) that has `akey` and `ekey` (NULL: no errno key). desc receives e.g.
 * "SCMP_ACT_ERRNO(EPERM)". */
static int parse_action(struct ctx *c, json_t *obj, const char *base, const char *akey,
			const char *ekey, uint32_t *ret, char *desc, size_t size)
{
	json_t *a = get(obj, akey), *e = ekey ? get(obj, ekey) : NULL;
	json_int_t eno = EPERM;
	char what[32];
	size_t i;

	if (!a) {
		at(c, "%s", base);
		cdiag(c, SC_ERROR, "missing-key", "e.g. \"SCMP_ACT_ERRNO\"", "no '%s'", akey);
		return -EINVAL;
	}
	at_key(c, base, akey);
	if (!json_is_string(a)) {
		snprintf(what, sizeof(what), "'%s'", akey);
		wrong_type(c, a, what, "a string", "e.g. \"SCMP_ACT_ERRNO\"");
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
		      "unknown action '%.*s'", clip(json_string_value(a)), json_string_value(a));
		return -EINVAL;
	}
	if (e) {
		at_key(c, base, ekey);
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

/* A key that reads the same as a JSON path component. */
static bool plain_key(const char *k)
{
	size_t i;

	for (i = 0; k[i]; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_' || k[i] == '-'))
			return false;
	return i > 0 && i <= SC_NAME_MAX;
}

/* Unknown keys of the object at base (not c->wbuf): runtimes ignore them, the
 * Kubernetes API refuses them in a SeccompProfile. */
static void check_keys(struct ctx *c, json_t *obj, const char *const *keys, size_t n,
		       const char *base, const char *what)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v)
	{
		(void)v;
		if (in_list(keys, n, k))
			continue;
		if (plain_key(k))
			at_key(c, base, k);
		else
			at(c, "%s", base);
		if (c->spo)
			cdiag(c, SC_ERROR, "unknown-key",
			      "not a field of the SeccompProfile v1beta1 type: kubectl apply "
			      "refuses it and the API server drops it",
			      "unknown key '%.*s' in %s", clip(k), k, what);
		else
			cdiag(c, SC_WARNING, "unknown-key",
			      "runtimes ignore it; check the spelling", "unknown key '%.*s' in %s",
			      clip(k), k, what);
	}
}

static int parse_args(struct ctx *c, json_t *args, struct rule *ru, const char *base)
{
	char abase[SC_WHERE_MAX];
	unsigned int seen = 0;
	size_t i;
	json_t *a;

	at_key(c, base, "args");
	if (!json_is_array(args)) {
		wrong_type(c, args, "'args'", "an array of argument conditions", arg_example);
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
		json_t *idx = get(a, "index"), *val = get(a, "value");
		json_t *two = get(a, "valueTwo"), *op = get(a, "op");
		int o;

		snprintf(abase, sizeof(abase), "%s.args[%zu]", base, i);
		at(c, "%s", abase);
		if (!json_is_object(a)) {
			wrong_type(c, a, "an argument condition", "an object", arg_example);
			return -EINVAL;
		}
		check_keys(c, a, keys, ARRAY_SIZE(keys), abase, "an argument condition");
		if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
		    json_integer_value(idx) >= SC_MAX_ARGS) {
			at_member(c, abase, a, "index");
			cdiag(c, SC_ERROR, "bad-arg", "0 for the first argument, at most 5",
			      "'index' must be an integer from 0 to 5");
			return -EINVAL;
		}
		if (!json_is_integer(val) || (two && !json_is_integer(two))) {
			at_member(c, abase, a, json_is_integer(val) ? "valueTwo" : "value");
			cdiag(c, SC_ERROR, "bad-arg", "write the number in decimal",
			      "'value' and 'valueTwo' must be integers");
			return -EINVAL;
		}
		for (o = 0; o < (int)ARRAY_SIZE(op_names); o++)
			if (op_names[o] && json_is_string(op) &&
			    strcmp(op_names[o], json_string_value(op)) == 0)
				break;
		if (o == (int)ARRAY_SIZE(op_names)) {
			at_member(c, abase, a, "op");
			cdiag(c, SC_ERROR, "bad-arg",
			      "SCMP_CMP_NE, LT, LE, EQ, GE, GT or MASKED_EQ",
			      "'op' is missing or not a comparison");
			return -EINVAL;
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
	return 0;
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

/* Docker's includes (all must hold) and excludes (none may hold) of the rule
 * at base: 1 the rule applies as far as obj goes, 0 not, -EINVAL (said). */
static int docker_filter(struct ctx *c, json_t *obj, bool include, const char *host_arch,
			 const char *base)
{
	static const char *const keys[] = { "caps", "arches", "minKernel" };
	const char *what = include ? "includes" : "excludes";
	char fbase[SC_WHERE_MAX];
	json_t *caps, *arches, *mk;
	bool hit_caps, hit_arch, hit_kernel;

	if (!obj)
		return 1;
	snprintf(fbase, sizeof(fbase), "%s.%s", base, what);
	at(c, "%s", fbase);
	if (!json_is_object(obj)) {
		wrong_type(c, obj, include ? "'includes'" : "'excludes'", "an object",
			   "{\"caps\": [\"CAP_SYS_ADMIN\"], \"arches\": [\"amd64\"], "
			   "\"minKernel\": \"4.8\"}");
		return -EINVAL;
	}
	check_keys(c, obj, keys, ARRAY_SIZE(keys), fbase, what);
	caps = get(obj, "caps");
	arches = get(obj, "arches");
	mk = get(obj, "minKernel");
	if (caps && !json_is_array(caps)) {
		at_key(c, fbase, "caps");
		wrong_type(c, caps, "'caps'", "an array of strings", "e.g. [\"CAP_SYS_ADMIN\"]");
		return -EINVAL;
	}
	if (arches && !json_is_array(arches)) {
		at_key(c, fbase, "arches");
		wrong_type(c, arches, "'arches'", "an array of strings", "e.g. [\"amd64\"]");
		return -EINVAL;
	}
	if (mk && !json_is_string(mk)) {
		at_key(c, fbase, "minKernel");
		wrong_type(c, mk, "'minKernel'", "a string", "e.g. \"4.8\"");
		return -EINVAL;
	}
	hit_caps = caps && any_in(caps, docker_caps, ARRAY_SIZE(docker_caps));
	hit_arch = arches && any_in(arches, &host_arch, 1);
	hit_kernel = mk && kernel_at_least(json_string_value(mk));
	if (include)
		return (!caps || hit_caps) && (!arches || hit_arch) && (!mk || hit_kernel);
	return !(hit_caps || hit_arch || hit_kernel);
}

static int parse_rule(struct ctx *c, json_t *e, size_t idx, const char *host_arch, struct rule *ru)
{
	static const char *const keys[] = { "names", "action",	"errnoRet", "args",
					    "name",  "comment", "includes", "excludes" };
	/* a SeccompProfile's syscalls have the first four only */
	size_t n_keys = c->spo ? 4 : ARRAY_SIZE(keys);
	static const char names_hint[] = "a list, even of one: \"names\": [\"read\"]";
	json_t *names, *name, *args, *n;
	char base[40], what[40];
	bool bad = false;
	int inc, exc;
	size_t i;

	memset(ru, 0, sizeof(*ru));
	ru->idx = idx;
	snprintf(base, sizeof(base), "syscalls[%zu]", idx);
	at(c, "%s", base);
	if (!json_is_object(e)) {
		ru->unreadable = true;
		wrong_type(c, e, "a syscalls entry", "an object",
			   "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}");
		return -EINVAL;
	}
	check_keys(c, e, keys, n_keys, base, "a syscalls entry");
	names = get(e, "names");
	name = c->spo ? NULL : get(e, "name");
	if (names && name) {
		ru->unreadable = true;
		at(c, "%s", base);
		cdiag(c, SC_ERROR, "conflicting-keys", "use 'names' only",
		      "both 'names' and 'name'");
		return -EINVAL;
	}
	if (name) {
		at_key(c, base, "name");
		if (!json_is_string(name)) {
			ru->unreadable = true;
			wrong_type(c, name, "'name'", "a string (a syscall name)", names_hint);
			return -EINVAL;
		}
		ru->names = json_pack("[O]", name);
		if (!ru->names)
			return c->oom = -ENOMEM;
		ru->legacy_name = true;
	} else if (!names) {
		ru->unreadable = true;
		at(c, "%s", base);
		cdiag(c, SC_ERROR, "missing-key", names_hint, "no 'names'");
		return -EINVAL;
	} else if (!json_is_array(names)) {
		ru->unreadable = true;
		at_key(c, base, "names");
		wrong_type(c, names, "'names'", "an array of strings", names_hint);
		return -EINVAL;
	} else if (!json_array_size(names)) {
		at_key(c, base, "names");
		cdiag(c, SC_ERROR, "missing-key", names_hint,
		      "'names' is empty: the rule names no syscall");
		return -EINVAL;
	} else {
		ru->names = json_incref(names);
	}
	json_array_foreach(ru->names, i, n)
	{
		if (json_is_string(n))
			continue;
		at(c, "%s.names[%zu]", base, i);
		snprintf(what, sizeof(what), "names[%zu]", i);
		wrong_type(c, n, what, "a string (a syscall name)", NULL);
		bad = true;
	}
	if (bad)
		return -EINVAL;
	if (parse_action(c, e, base, "action", "errnoRet", &ru->act, ru->act_desc,
			 sizeof(ru->act_desc)) < 0)
		return -EINVAL;
	args = get(e, "args");
	if (args && parse_args(c, args, ru, base) < 0)
		return -EINVAL;
	inc = docker_filter(c, c->spo ? NULL : get(e, "includes"), true, host_arch, base);
	exc = docker_filter(c, c->spo ? NULL : get(e, "excludes"), false, host_arch, base);
	if (inc < 0 || exc < 0)
		return -EINVAL;
	ru->applies = inc && exc;
	if (ru->act == c->def_act) {
		at_key(c, base, "action");
		cdiag(c, SC_WARNING, "same-as-default", "remove the rule",
		      "the action %s is the default action: this rule changes nothing (runc "
		      "skips it)",
		      ru->act_desc);
	}
	ru->valid = true;
	return 0;
}

/* The OCI name of an architecture spelt another way ("x86_64", "amd64",
 * "SCMP_ARCH_AMD64", "i386") into buf, or NULL. */
static const char *arch_suggestion(const char *s, char *buf, size_t size)
{
	static const char prefix[] = "SCMP_ARCH_";
	char lower[32];
	size_t i;

	if (strncasecmp(s, prefix, sizeof(prefix) - 1) == 0)
		s += sizeof(prefix) - 1;
	for (i = 0; s[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	if (s[i] || !i)
		return NULL;
	lower[i] = '\0';
	if (strcmp(lower, "i386") == 0 || strcmp(lower, "i686") == 0)
		return sc_arch_to_oci(SCMP_ARCH_X86, buf, size) ? NULL : buf;
	for (i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (strcmp(lower, arch_names[i].name) == 0 ||
		    strcmp(lower, arch_names[i].docker) == 0)
			return sc_arch_to_oci(arch_names[i].arch, buf, size) ? NULL : buf;
	return NULL;
}

/* One architecture to compile for, e at c->where. */
static void add_arch(struct ctx *c, json_t *e, uint32_t *ret, size_t *n)
{
	char sug[32], hint[160];
	uint32_t a;

	if (!json_is_string(e)) {
		wrong_type(c, e, "an architecture", "a string", "e.g. \"SCMP_ARCH_X86_64\"");
		return;
	}
	a = sc_arch_from_oci(json_string_value(e));
	if (!a) {
		if (arch_suggestion(json_string_value(e), sug, sizeof(sug)))
			snprintf(hint, sizeof(hint), "did you mean %s?", sug);
		else
			snprintf(hint, sizeof(hint),
				 "SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, "
				 "SCMP_ARCH_AARCH64, ... (libseccomp's names, upper case)");
		cdiag(c, SC_ERROR, "unknown-arch", hint,
		      "unknown architecture '%.*s': runc refuses the profile",
		      clip(json_string_value(e)), json_string_value(e));
		return;
	}
	for (size_t j = 0; j < *n; j++) {
		if (ret[j] != a)
			continue;
		cdiag(c, SC_WARNING, "duplicate", "remove it", "architecture %s listed twice",
		      json_string_value(e));
		return;
	}
	snprintf(c->arch_where[*n], sizeof(c->arch_where[*n]), "%.*s",
		 (int)sizeof(c->arch_where[*n]) - 1, c->rel);
	ret[(*n)++] = a;
}

/* The architectures to compile for: "architectures" (OCI), else the archMap
 * entry of the host's architecture (Docker), else the native one. -EINVAL
 * when none is left. */
static int parse_arches(struct ctx *c, json_t *root, uint32_t *ret, size_t *ret_n)
{
	json_t *list = get(root, "architectures"), *map = c->spo ? NULL : get(root, "archMap");
	uint32_t native = seccomp_arch_native();
	const char *native_name = arch_by_num(native) ? arch_by_num(native)->name : "unknown";
	bool found = false;
	size_t n = 0, i;
	json_t *e;

	/* moby: "use either 'architectures' or 'archMap'" (empty ones do not count) */
	if (list && map && json_array_size(list) != 0 && json_array_size(map) != 0) {
		at(c, "architectures");
		cdiag(c, SC_ERROR, "conflicting-keys",
		      "keep one: 'architectures' lists every architecture, 'archMap' the "
		      "host's and its sub-architectures",
		      "both 'architectures' and 'archMap': Docker refuses the profile");
	}
	if (map) {
		at(c, "archMap");
		if (!json_is_array(map)) {
			wrong_type(c, map, "'archMap'", "an array of objects", NULL);
			return -EINVAL;
		}
		json_array_foreach(map, i, e)
		{
			json_t *a = get(e, "architecture"), *subs = get(e, "subArchitectures"), *s;
			char base[48];
			size_t j;

			snprintf(base, sizeof(base), "archMap[%zu]", i);
			at(c, "%s", base);
			if (!json_is_object(e)) {
				wrong_type(c, e, "an archMap entry", "an object",
					   "{\"architecture\": \"SCMP_ARCH_X86_64\", "
					   "\"subArchitectures\": [\"SCMP_ARCH_X86\"]}");
				continue;
			}
			if (!a) {
				cdiag(c, SC_ERROR, "missing-key",
				      "e.g. \"architecture\": \"SCMP_ARCH_X86_64\"",
				      "no 'architecture'");
				continue;
			}
			if (!json_is_string(a)) {
				at_key(c, base, "architecture");
				wrong_type(c, a, "'architecture'", "a string",
					   "e.g. \"SCMP_ARCH_X86_64\"");
				continue;
			}
			if (subs && !json_is_array(subs)) {
				at_key(c, base, "subArchitectures");
				wrong_type(c, subs, "'subArchitectures'", "an array of strings",
					   NULL);
				continue;
			}
			if (found || sc_arch_from_oci(json_string_value(a)) != native)
				continue;
			found = true;
			at_key(c, base, "architecture");
			add_arch(c, a, ret, &n);
			json_array_foreach(subs, j, s)
			{
				at(c, "%s.subArchitectures[%zu]", base, j);
				add_arch(c, s, ret, &n);
			}
		}
		if (!found) {
			at(c, "archMap");
			cdiag(c, SC_WARNING, "no-native-arch",
			      "add an entry for this host's architecture",
			      "archMap has no entry for this host's architecture (%s): "
			      "compiled for it alone",
			      native_name);
			goto out_native;
		}
	} else if (list && (!json_is_array(list) || json_array_size(list))) {
		at(c, "architectures");
		if (!json_is_array(list)) {
			wrong_type(c, list, "'architectures'", "an array of strings",
				   "e.g. [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", "
				   "\"SCMP_ARCH_X32\"]");
			return -EINVAL;
		}
		json_array_foreach(list, i, e)
		{
			at(c, "architectures[%zu]", i);
			add_arch(c, e, ret, &n);
		}
	} else {
		at(c, "%s", list ? "architectures" : "");
		cdiag(c, SC_INFO, "no-arch",
		      "list them: \"architectures\": [\"SCMP_ARCH_X86_64\", "
		      "\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]",
		      "no architectures listed: the filter covers the native one (%s) only "
		      "and every other ABI is killed",
		      native_name);
		goto out_native;
	}
	*ret_n = n;
	return n ? 0 : -EINVAL;
out_native:
	ret[0] = native;
	c->arch_where[0][0] = '\0';
	*ret_n = 1;
	return 0;
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

/* Build and export res->arch's filter; mark the names it knows. */
static void compile_arch(struct ctx *c, struct sc_arch_result *res)
{
	scmp_filter_ctx f = seccomp_init(c->def_act);
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
	for (size_t i = 0; i < c->n_rules; i++) {
		struct rule *ru = &c->rules[i];
		size_t j;
		json_t *n;

		if (!ru->valid || !ru->applies)
			continue;
		json_array_foreach(ru->names, j, n)
		{
			/* Like runc: the native (or pseudo) number, which libseccomp
			 * translates to the filter's architecture. */
			int nr = seccomp_syscall_resolve_name(json_string_value(n));

			if (nr == __NR_SCMP_ERROR ||
			    seccomp_syscall_resolve_name_arch(res->arch, json_string_value(n)) < 0)
				continue;
			c->slots[ru->k0 + j].known = true;
			/* runc adds these too, but libseccomp keeps nothing of them
			 * (a repeat, a name another rule's unconditional action
			 * decides) and slows down with every rule it has. */
			if (ru->act == c->def_act || c->slots[ru->k0 + j].dup ||
			    (c->slots[ru->k0 + j].winner != NO_RULE &&
			     c->slots[ru->k0 + j].winner != i))
				continue;
			err = add_rule(f, ru, nr);
			if (err) {
				at_name(c, ru, j);
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

static int nref_cmp(const void *a, const void *b)
{
	const struct nref *x = a, *y = b;
	int d = strcmp(x->name, y->name);

	if (d)
		return d;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return x->j < y->j ? -1 : x->j > y->j;
}

/* Index every name of every rule; mark the repeats within a rule and the
 * rule whose unconditional action decides each name: the first applicable
 * one whose action is not the default (runc skips those), since libseccomp
 * keeps the first of conflicting unconditional rules and drops the
 * conditional rules of a syscall that has an unconditional one. */
static int build_index(struct ctx *c)
{
	size_t n = 0, a, b;

	for (size_t i = 0; i < c->n_rules; i++)
		n += c->rules[i].names ? json_array_size(c->rules[i].names) : 0;
	c->idx = calloc(n + 1, sizeof(*c->idx));
	if (!c->idx)
		return c->oom = -ENOMEM;
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *ru = &c->rules[i];
		size_t j;
		json_t *e;

		json_array_foreach(ru->names, j, e)
		{
			if (json_is_string(e))
				c->idx[c->n_idx++] =
					(struct nref){ json_string_value(e), i, j, ru->k0 + j };
		}
	}
	qsort(c->idx, c->n_idx, sizeof(*c->idx), nref_cmp);
	for (a = 0; a < c->n_idx; a = b) {
		size_t winner = NO_RULE, first = 0;

		for (b = a; b < c->n_idx && strcmp(c->idx[b].name, c->idx[a].name) == 0; b++) {
			const struct nref *e = &c->idx[b];
			const struct rule *ru = &c->rules[e->rule];

			if (b > a && c->idx[b - 1].rule == e->rule) {
				c->slots[e->k].dup = true;
				c->slots[e->k].first = first;
			} else {
				first = e->j;
			}
			if (winner == NO_RULE && ru->valid && ru->applies && !ru->n_args &&
			    ru->act != c->def_act)
				winner = e->rule;
		}
		for (size_t k = a; k < b; k++)
			c->slots[c->idx[k].k].winner = winner;
	}
	return 0;
}

/* The first index entry of name (c->n_idx when none). */
static size_t idx_lower(const struct ctx *c, const char *name)
{
	size_t lo = 0, hi = c->n_idx;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->idx[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#define for_each_nref(c, e, nm)                                      \
	for (const struct nref *e = &(c)->idx[idx_lower((c), (nm))]; \
	     e < (c)->idx + (c)->n_idx && strcmp(e->name, (nm)) == 0; e++)

/* Some rule that names it has errors: what it meant for the name is unknown. */
static bool in_invalid_rule(const struct ctx *c, const char *name)
{
	for_each_nref(c, e, name)
	{
		if (!c->rules[e->rule].valid)
			return true;
	}
	return false;
}

struct decision {
	enum verdict v;
	const struct rule *by; /* the rule that decides, NULL for the default action */
	size_t j;	       /* the name's index in its names */
};

/* What the profile does with a syscall name: the deciding unconditional rule
 * (build_index), else the first rule with conditions whose action is the
 * other way round than the default makes it conditional, else the default. */
static struct decision decide(const struct ctx *c, const char *name)
{
	struct decision d = { is_allow(c->def_act) ? V_ALLOWED : V_DENIED, NULL, 0 };

	for_each_nref(c, e, name)
	{
		const struct rule *ru = &c->rules[e->rule];

		if (!ru->valid || !ru->applies || ru->act == c->def_act)
			continue;
		if (!ru->n_args)
			return (struct decision){ is_allow(ru->act) ? V_ALLOWED : V_DENIED, ru,
						  e->j };
		if (!d.by && is_allow(ru->act) != is_allow(c->def_act))
			d = (struct decision){ V_CONDITIONAL, ru, e->j };
	}
	return d;
}

/* A syscall on an architecture a filter was built for. */
static bool on_built_arch(const struct sc_report *r, const char *name)
{
	for (size_t a = 0; a < r->n_arches; a++)
		if (!r->arches[a].err &&
		    seccomp_syscall_resolve_name_arch(r->arches[a].arch, name) >= 0)
			return true;
	return false;
}

/* Does libseccomp know the name on any architecture? Which, for the hint? */
static const char *known_on(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (seccomp_syscall_resolve_name_arch(arch_names[i].arch, name) >= 0)
			return arch_names[i].name;
	return NULL;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Edits and swaps of neighbours between a and b (optimal string alignment),
 * or max + 1 when more. */
static size_t edit_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][SC_NAME_MAX + 1], *pp = rows[0], *p = rows[1], *cur = rows[2];

	if (la > SC_NAME_MAX || lb > SC_NAME_MAX || (la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t v = min_size(min_size(p[j] + 1, cur[j - 1] + 1),
					    p[j - 1] + (a[i - 1] != b[j - 1]));

			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				v = min_size(v, pp[j - 2] + 1);
			cur[j] = v;
		}
		t = pp;
		pp = p;
		p = cur;
		cur = t;
	}
	return p[lb] > max ? max + 1 : p[lb];
}

/* The native syscall closest to an unknown name, or NULL. Only the first
 * SC_SUGGEST_MAX unknown names get one: each compares with every syscall. */
static const char *suggest(struct ctx *c, const char *name)
{
	size_t len = strlen(name), max = len <= 4 ? 1 : 2, best = max + 1;
	const char *sug = NULL;

	if (len > SC_NAME_MAX || c->n_suggested >= SC_SUGGEST_MAX)
		return NULL;
	c->n_suggested++;
	if (!c->native_read) {
		uint32_t native = seccomp_arch_native();

		c->native_read = true;
		for (int nr = 0; nr < SC_NR_SCAN; nr++) {
			char *s = seccomp_syscall_resolve_num_arch(native, nr);

			if (s)
				c->native[c->n_native++] = s;
		}
	}
	for (size_t i = 0; i < c->n_native; i++) {
		size_t d = edit_distance(name, c->native[i], max);

		if (d < best) {
			best = d;
			sug = c->native[i];
		}
	}
	return sug;
}

/* A name libseccomp knows on no architecture: runc drops it from the rule,
 * so the default action decides the call instead. */
static void unknown_syscall(struct ctx *c, const struct rule *ru, const char *name)
{
	const char *sug = suggest(c, name), *def = c->r->default_action;
	bool allows = is_allow(ru->act), def_allows = is_allow(c->def_act);
	char hint[192];

	if (sug)
		snprintf(hint, sizeof(hint),
			 "did you mean '%s'? Else it is newer than libseccomp %s", sug,
			 sc_libseccomp_version());
	else
		snprintf(hint, sizeof(hint), "a typo, or newer than libseccomp %s",
			 sc_libseccomp_version());
	if (allows && !def_allows)
		cdiag(c, SC_ERROR, "unknown-syscall", hint,
		      "unknown syscall '%.*s': runc drops it from the allowlist, so the "
		      "default action %s refuses it",
		      clip(name), name, def);
	else if (allows == def_allows)
		cdiag(c, SC_WARNING, "unknown-syscall", hint,
		      "unknown syscall '%.*s': runc drops it, harmless here: the default "
		      "action %s %s it as well",
		      clip(name), name, def, def_allows ? "allows" : "refuses");
	else
		cdiag(c, SC_WARNING, "unknown-syscall", hint,
		      "unknown syscall '%.*s': runc drops it, so the default action %s "
		      "allows it",
		      clip(name), name, def);
}

/* The names of every valid rule, in the document's order: one repeated
 * within its rule; one that no filter knows (unknown, or on other
 * architectures only) when the filters could be built. */
static void check_names(struct ctx *c)
{
	const struct sc_report *r = c->r;
	char hint[160], arches[160];
	size_t o = 0;

	arches[0] = '\0';
	for (size_t a = 0; a < r->n_arches; a++)
		if (!r->arches[a].err)
			o += (size_t)snprintf(arches + o,
					      o < sizeof(arches) ? sizeof(arches) - o : 0, "%s%s",
					      o ? ", " : "", r->arches[a].name);
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *ru = &c->rules[i];
		size_t j;
		json_t *e;

		if (!ru->valid)
			continue;
		json_array_foreach(ru->names, j, e)
		{
			const struct slot *s = &c->slots[ru->k0 + j];
			const char *name = json_string_value(e), *other;

			if (s->dup) {
				at_name(c, ru, j);
				cdiag(c, SC_WARNING, "duplicate", "remove it",
				      "'%s' is listed twice in this rule (first at names[%zu])",
				      name, s->first);
				continue;
			}
			if (s->known || c->arch_blind)
				continue;
			other = known_on(name);
			/* Docker gates other architectures' names with includes. */
			if (other && !ru->applies)
				continue;
			at_name(c, ru, j);
			if (!other) {
				unknown_syscall(c, ru, name);
				continue;
			}
			snprintf(hint, sizeof(hint),
				 "it is a syscall on %s; harmless, but it does nothing here",
				 other);
			cdiag(c, SC_INFO, "not-on-arch", hint, "'%s' is not a syscall on %s", name,
			      arches);
		}
	}
}

/* A rule for a name that another rule's unconditional action decides, with
 * another action: libseccomp keeps the first unconditional rule and drops
 * the conditional ones, whatever their order. */
static void check_conflicts(struct ctx *c)
{
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *ru = &c->rules[i];
		size_t j;
		json_t *e;

		if (!ru->valid || !ru->applies || ru->act == c->def_act)
			continue;
		json_array_foreach(ru->names, j, e)
		{
			const struct slot *s = &c->slots[ru->k0 + j];
			const struct rule *q;

			if (s->dup || s->winner == NO_RULE || s->winner == i)
				continue;
			q = &c->rules[s->winner];
			if (q->act == ru->act)
				continue;
			at_name(c, ru, j);
			if (!ru->n_args)
				cdiag(c, SC_WARNING, "conflict", "remove one of the two rules",
				      "'%s' already has %s at syscalls[%zu]: this %s is ignored",
				      json_string_value(e), q->act_desc, q->idx, ru->act_desc);
			else
				cdiag(c, SC_WARNING, "conflict",
				      "libseccomp drops the conditional rules of a syscall that "
				      "has an unconditional one: remove one of the two rules",
				      "'%s' has the unconditional %s at syscalls[%zu]: this "
				      "conditional %s is ignored",
				      json_string_value(e), q->act_desc, q->idx, ru->act_desc);
		}
	}
}

static void check_essentials(struct ctx *c)
{
	static const char *const hints[2][2] = {
		{ "without it processes cannot exit or return from signal handlers",
		  "without them processes cannot exit or return from signal handlers: allow "
		  "them in an SCMP_ACT_ALLOW rule" },
		{ "runc calls it between installing the filter and executing the entrypoint: "
		  "the container would not start",
		  "runc calls them between installing the filter and executing the entrypoint: "
		  "the container would not start; allow them in an SCMP_ACT_ALLOW rule" },
	};
	const char *missing[2][SC_ESSENTIALS_MAX];
	size_t n_missing[2] = { 0, 0 };
	const char *def = c->r->default_action;

	for (size_t i = 0; i < ARRAY_SIZE(essentials) + ARRAY_SIZE(runtime_essentials); i++) {
		bool runtime = i >= ARRAY_SIZE(essentials);
		const char *name =
			runtime ? runtime_essentials[i - ARRAY_SIZE(essentials)] : essentials[i];
		struct decision d;

		/* A rule with errors names it: that error is the cause. */
		if (!on_built_arch(c->r, name) || in_invalid_rule(c, name))
			continue;
		d = decide(c, name);
		if (d.v == V_ALLOWED)
			continue;
		if (!d.by) {
			missing[runtime][n_missing[runtime]++] = name;
			continue;
		}
		at_name(c, d.by, d.j);
		if (d.v == V_CONDITIONAL && is_allow(d.by->act))
			cdiag(c, SC_ERROR, "missing-essential", hints[runtime][0],
			      "'%s' is allowed only under argument conditions", name);
		else if (d.v == V_CONDITIONAL)
			cdiag(c, SC_ERROR, "missing-essential", hints[runtime][0],
			      "'%s' is refused under argument conditions by this rule (%s)", name,
			      d.by->act_desc);
		else
			cdiag(c, SC_ERROR, "missing-essential", hints[runtime][0],
			      "'%s' is refused by this rule (%s)", name, d.by->act_desc);
	}
	/* The names no rule allows: one error per list. */
	at(c, "syscalls");
	for (int g = 0; g < 2; g++) {
		char list[SC_ESSENTIALS_MAX * 24];
		size_t o = 0;

		if (n_missing[g] == 1) {
			cdiag(c, SC_ERROR, "missing-essential", hints[g][0],
			      "'%s' is not allowed: the default action %s refuses it",
			      missing[g][0], def);
			continue;
		}
		if (!n_missing[g])
			continue;
		list[0] = '\0';
		for (size_t i = 0; i < n_missing[g]; i++)
			o += (size_t)snprintf(list + o, o < sizeof(list) ? sizeof(list) - o : 0,
					      "%s%s", i ? ", " : "", missing[g][i]);
		cdiag(c, SC_ERROR, "missing-essential", hints[g][1],
		      "%zu %s are not allowed, the default action %s refuses them: %s",
		      n_missing[g], g ? "syscalls runc needs" : "essential syscalls", def, list);
	}
}

/* Default action allow (or log) and no rule refuses a syscall. */
static bool filters_nothing(const struct ctx *c)
{
	if (!is_allow(c->def_act) || c->any_invalid)
		return false;
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *ru = &c->rules[i];

		if (!ru->valid || !ru->applies || is_allow(ru->act))
			continue;
		for (size_t j = 0; j < json_array_size(ru->names); j++)
			if (c->slots[ru->k0 + j].known)
				return false;
	}
	return true;
}

static void check_dangers(struct ctx *c)
{
	if (filters_nothing(c)) {
		at(c, "defaultAction");
		cdiag(c, SC_WARNING, "filters-nothing",
		      c->def_act == SCMP_ACT_LOG
			      ? "SCMP_ACT_LOG only logs: fine for staging; to enforce, make "
				"the default SCMP_ACT_ERRNO and allow what the workload needs"
			      : "an allowlist has \"defaultAction\": \"SCMP_ACT_ERRNO\" and "
				"allows what the workload needs ('ward learn' records it); a "
				"denylist needs rules that refuse",
		      "the profile filters nothing: the default action %s lets every syscall "
		      "through and no rule refuses one",
		      c->r->default_action);
		return;
	}
	if (is_allow(c->def_act)) {
		at(c, "defaultAction");
		for (size_t i = 0; i < ARRAY_SIZE(dangers); i++) {
			if (!on_built_arch(c->r, dangers[i].name) ||
			    in_invalid_rule(c, dangers[i].name) ||
			    decide(c, dangers[i].name).v == V_DENIED)
				continue;
			cdiag(c, SC_WARNING, "dangerous", dangers[i].why,
			      "'%s' is allowed by the default action", dangers[i].name);
		}
		return;
	}
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *ru = &c->rules[i];
		size_t j;
		json_t *e;

		if (!ru->valid || !ru->applies || !is_allow(ru->act))
			continue;
		json_array_foreach(ru->names, j, e)
		{
			const char *why = sc_danger_reason(json_string_value(e));

			if (!why || c->slots[ru->k0 + j].dup)
				continue;
			at_name(c, ru, j);
			cdiag(c, SC_WARNING, "dangerous", why, "'%s' is allowed%s",
			      json_string_value(e),
			      ru->n_args ? " (under argument conditions)" : "");
		}
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
static int docker_diff(const struct ctx *c, struct sc_docker_diff *d)
{
	uint32_t native = seccomp_arch_native();

	for (int nr = 0; nr < SC_NR_SCAN; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(native, nr);
		enum verdict v;
		bool docker, docker_cond;
		int err = 0;

		if (!name)
			continue;
		v = decide(c, name).v;
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

/* ---- locations ------------------------------------------------------------------- */

/*
 * The line and column (1-based; columns count characters, as jansson's do) of
 * each diagnostic's JSON path, found in one pass over the text jansson
 * accepted. A member's path is at its key, an element's at its first
 * character. Paths are followed LOC_DEPTH containers deep; deeper values,
 * and anything that does not look like JSON, are skipped.
 */
#define LOC_DEPTH 6

struct want {
	const char *path;
	int line, column;
};

struct locator {
	const char *buf;
	size_t len, pos;
	char path[SC_WHERE_MAX];
	struct want *want; /* sorted by path, unique */
	size_t n_want;
	size_t lc_pos; /* line and column counted up to here */
	int line, col;
};

static int want_cmp(const void *a, const void *b)
{
	return strcmp(((const struct want *)a)->path, ((const struct want *)b)->path);
}

/* The value or key at off has the path l->path: note where, if wanted.
 * Offsets only grow, so the line and column are counted once. */
static void loc_record(struct locator *l, size_t off)
{
	struct want key = { .path = l->path }, *w;

	w = bsearch(&key, l->want, l->n_want, sizeof(*w), want_cmp);
	if (!w || w->line)
		return;
	for (; l->lc_pos < off && l->lc_pos < l->len; l->lc_pos++) {
		unsigned char ch = (unsigned char)l->buf[l->lc_pos];

		if (ch == '\n') {
			l->line++;
			l->col = 0;
		} else if ((ch & 0xc0) != 0x80) {
			l->col++;
		}
	}
	w->line = l->line;
	w->column = l->col + 1;
}

static bool loc_is(const struct locator *l, char ch)
{
	return l->pos < l->len && l->buf[l->pos] == ch;
}

static void loc_ws(struct locator *l)
{
	while (loc_is(l, ' ') || loc_is(l, '\t') || loc_is(l, '\n') || loc_is(l, '\r'))
		l->pos++;
}

/* At '"': past the closing quote; false when there is none. */
static bool loc_string(struct locator *l)
{
	l->pos++;
	while (l->pos < l->len && l->buf[l->pos] != '"')
		l->pos += l->buf[l->pos] == '\\' ? 2 : 1;
	if (l->pos >= l->len) {
		l->pos = l->len;
		return false;
	}
	l->pos++;
	return true;
}

/* Past one value of any depth. */
static void loc_skip(struct locator *l)
{
	size_t depth = 0;

	while (l->pos < l->len) {
		char ch = l->buf[l->pos];

		if (ch == '"') {
			loc_string(l);
		} else if (ch == '{' || ch == '[') {
			depth++;
			l->pos++;
		} else if (ch == '}' || ch == ']') {
			if (!depth)
				return;
			depth--;
			l->pos++;
		} else if (!depth && (ch == ',' || ch == ':' || ch == ' ' || ch == '\t' ||
				      ch == '\n' || ch == '\r')) {
			return;
		} else {
			l->pos++;
		}
		if (!depth && (ch == '"' || ch == '}' || ch == ']'))
			return;
	}
}

static void loc_value(struct locator *l, size_t plen, int depth);

/* At '{' or '[' whose path is l->path[0..plen). */
static void loc_container(struct locator *l, size_t plen, int depth)
{
	bool obj = l->buf[l->pos] == '{';
	size_t room = sizeof(l->path) - plen;

	l->pos++;
	for (size_t i = 0;; i++) {
		size_t start, kpos;
		int w;

		loc_ws(l);
		start = l->pos;
		if (l->pos >= l->len)
			return;
		if (loc_is(l, obj ? '}' : ']')) {
			l->pos++;
			return;
		}
		if (obj) {
			kpos = l->pos;
			if (!loc_is(l, '"') || !loc_string(l))
				goto out_bail;
			w = snprintf(l->path + plen, room, "%s%.*s", plen ? "." : "",
				     (int)(l->pos - kpos - 2), l->buf + kpos + 1);
			loc_ws(l);
			if (!loc_is(l, ':'))
				goto out_bail;
			l->pos++;
			loc_ws(l);
			if (w > 0 && (size_t)w < room) {
				loc_record(l, kpos);
				loc_value(l, plen + (size_t)w, depth + 1);
			} else {
				loc_skip(l);
			}
		} else {
			w = snprintf(l->path + plen, room, "[%zu]", i);
			if (w > 0 && (size_t)w < room) {
				loc_record(l, l->pos);
				loc_value(l, plen + (size_t)w, depth + 1);
			} else {
				loc_skip(l);
			}
		}
		l->path[plen] = '\0';
		loc_ws(l);
		if (loc_is(l, ','))
			l->pos++;
		if (l->pos == start)
			goto out_bail;
	}
out_bail:
	l->pos = l->len;
}

static void loc_value(struct locator *l, size_t plen, int depth)
{
	if (depth < LOC_DEPTH && (loc_is(l, '{') || loc_is(l, '[')))
		loc_container(l, plen, depth);
	else
		loc_skip(l);
}

/* Line and column of every diagnostic that has a JSON path. */
static int locate(struct ctx *c, const char *buf, size_t len)
{
	struct sc_report *r = c->r;
	struct locator l = { .buf = buf, .len = len, .line = 1 };
	size_t n = 0;

	l.want = calloc(r->n_diags + 1, sizeof(*l.want));
	if (!l.want)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_diags; i++)
		if (r->diags[i].where[0] && !r->diags[i].line)
			l.want[n++].path = r->diags[i].where;
	qsort(l.want, n, sizeof(*l.want), want_cmp);
	for (size_t i = 0; i < n; i++)
		if (!l.n_want || strcmp(l.want[l.n_want - 1].path, l.want[i].path))
			l.want[l.n_want++] = l.want[i];
	if (l.n_want) {
		loc_ws(&l);
		loc_value(&l, 0, 0);
	}
	for (size_t i = 0; i < r->n_diags; i++) {
		struct want key = { .path = r->diags[i].where }, *w;

		if (!key.path[0] || r->diags[i].line)
			continue;
		w = bsearch(&key, l.want, l.n_want, sizeof(*w), want_cmp);
		if (w && w->line) {
			r->diags[i].line = w->line;
			r->diags[i].column = w->column;
		}
	}
	free(l.want);
	return 0;
}

/* ---- checking -------------------------------------------------------------------- */

#define SPO_API_VERSION "security-profiles-operator.x-k8s.io/v1beta1"

/* A Kubernetes object name (a DNS-1123 subdomain): lower-case letters, digits, '-'
 * and '.', starting and ending with a letter or digit, at most 253 bytes. */
static bool k8s_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 253 || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-.") != n)
		return false;
	return s[0] != '-' && s[0] != '.' && s[n - 1] != '-' && s[n - 1] != '.';
}

/* A SeccompProfile resource: its apiVersion, name and keys checked, its spec
 * returned (c->spo set: the profile's paths are below "spec"); NULL when it
 * has none to check. */
static json_t *spo_spec(struct ctx *c, json_t *root)
{
	static const char *const keys[] = { "apiVersion", "kind", "metadata", "spec", "status" };
	json_t *v = get(root, "apiVersion"), *md = get(root, "metadata"), *spec = get(root, "spec");
	const char *k, *name = json_string_value(json_object_get(md, "name"));

	json_object_foreach(root, k, v)
	{
		if (in_list(keys, ARRAY_SIZE(keys), k))
			continue;
		at(c, "%s", plain_key(k) ? k : "");
		cdiag(c, SC_ERROR, "unknown-key", "a resource has apiVersion, kind, metadata, spec",
		      "unknown key '%.*s' in the SeccompProfile", clip(k), k);
	}
	v = get(root, "apiVersion");
	at(c, "%s", v ? "apiVersion" : "");
	if (!json_is_string(v) || strcmp(json_string_value(v), SPO_API_VERSION))
		cdiag(c, SC_ERROR, "api-version", "apiVersion: " SPO_API_VERSION,
		      "a SeccompProfile of %s is checked, not of %.*s", SPO_API_VERSION,
		      json_is_string(v) ? clip(json_string_value(v)) : 4,
		      json_is_string(v) ? json_string_value(v) : "none");
	at(c, "%s", name ? "metadata.name" : md ? "metadata" : "");
	if (!name || !k8s_name(name))
		cdiag(c, SC_ERROR, "bad-name",
		      "lower-case letters, digits, '-' and '.', starting and ending with a "
		      "letter or digit",
		      "metadata.name must be a Kubernetes object name (DNS-1123 subdomain)");
	if (!json_is_object(spec)) {
		at(c, "%s", spec ? "spec" : "");
		if (spec)
			wrong_type(c, spec, "'spec'", "an object", "{\"defaultAction\": ...}");
		else
			cdiag(c, SC_ERROR, "missing-key", "{\"defaultAction\": ...}", "no 'spec'");
		return NULL;
	}
	c->spo = true;
	return spec;
}

int sc_check_buffer(const char *buf, size_t len, struct sc_report **ret)
{
	static const char *const top_keys[] = {
		"defaultAction", "defaultErrnoRet", "architectures",	"archMap",
		"flags",	 "listenerPath",    "listenerMetadata", "syscalls"
	};
	/* SeccompProfileSpec (SPO v1beta1, with its SpecBase's "disabled") */
	static const char *const spo_keys[] = { "defaultAction",    "architectures", "listenerPath",
						"listenerMetadata", "syscalls",	     "flags",
						"baseProfileName",  "disabled" };
	struct sc_report *r = calloc(1, sizeof(*r));
	struct ctx *c = calloc(1, sizeof(*c));
	uint32_t arches[SC_MAX_ARCHES];
	const struct arch_name *host = arch_by_num(seccomp_arch_native());
	size_t n_arches = 0, n_built = 0;
	json_error_t jerr;
	json_t *root = NULL, *prof, *sys;
	char desc[64];
	int err = 0;

	if (!r || !c) {
		free(r);
		free(c);
		return -ENOMEM;
	}
	c->r = r;
	c->where = "";
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		size_t n = r->n_diags;

		at(c, "line %d, column %d", jerr.line, jerr.column);
		cdiag(c, SC_ERROR, "json", NULL, "%s", jerr.text);
		if (r->n_diags > n && jerr.line > 0 && jerr.column > 0) {
			r->diags[n].line = jerr.line;
			r->diags[n].column = jerr.column;
		}
		goto out;
	}
	if (!json_is_object(root)) {
		wrong_type(c, root, "the document", "an object",
			   "a seccomp profile is a JSON object");
		goto out;
	}
	prof = root;
	if (json_is_string(get(root, "kind")) &&
	    !strcmp(json_string_value(get(root, "kind")), "SeccompProfile")) {
		prof = spo_spec(c, root);
		if (!prof)
			goto out_locate;
		check_keys(c, prof, spo_keys, ARRAY_SIZE(spo_keys), "",
			   "the SeccompProfile's spec");
	} else {
		check_keys(c, prof, top_keys, ARRAY_SIZE(top_keys), "", "the profile");
	}
	/* what a SeccompProfile does not have, the API server drops: not read */
	if (parse_action(c, prof, "", "defaultAction", c->spo ? NULL : "defaultErrnoRet",
			 &c->def_act, desc, sizeof(desc)) < 0)
		goto out_locate;
	if (c->def_act == SCMP_ACT_NOTIFY) {
		at(c, "defaultAction");
		cdiag(c, SC_ERROR, "bad-default", "use SCMP_ACT_ERRNO",
		      "SCMP_ACT_NOTIFY cannot be the default action");
		goto out_locate;
	}
	r->default_action = strdup(desc);
	if (!r->default_action)
		goto out_oom;
	if (parse_arches(c, prof, arches, &n_arches) < 0 && c->oom)
		goto out_oom;

	sys = get(prof, "syscalls");
	if (sys && !json_is_array(sys)) {
		at(c, "syscalls");
		wrong_type(c, sys, "'syscalls'", "an array of rules",
			   "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]");
		c->rules_blind = "'syscalls' cannot be read";
		sys = NULL;
	}
	c->n_rules = json_array_size(sys);
	c->rules = calloc(c->n_rules + 1, sizeof(*c->rules));
	if (!c->rules)
		goto out_oom;
	for (size_t i = 0; i < c->n_rules; i++) {
		struct rule *ru = &c->rules[i];

		(void)parse_rule(c, json_array_get(sys, i), i, host ? host->docker : "", ru);
		if (c->oom)
			goto out_oom;
		ru->k0 = c->n_slots;
		c->n_slots += ru->names ? json_array_size(ru->names) : 0;
		c->any_invalid |= !ru->valid;
		if (ru->unreadable && !c->rules_blind) {
			snprintf(c->blind_buf, sizeof(c->blind_buf), "syscalls[%zu] cannot be read",
				 i);
			c->rules_blind = c->blind_buf;
		}
	}
	c->slots = calloc(c->n_slots + 1, sizeof(*c->slots));
	if (!c->slots || build_index(c) < 0)
		goto out_oom;
	for (size_t a = 0; a < n_arches; a++) {
		struct sc_arch_result *res = &r->arches[r->n_arches++];

		res->arch = arches[a];
		res->name = arch_by_num(arches[a])->name;
		compile_arch(c, res);
		if (res->err) {
			at(c, "%s", c->arch_where[a]);
			cdiag(c, SC_ERROR, "compile", NULL,
			      "libseccomp cannot build the %s filter: %s", res->name,
			      strerror(-res->err));
		}
		n_built += !res->err;
	}
	if (!n_arches)
		c->arch_blind = "no architecture to compile for";
	else if (!n_built)
		c->arch_blind = "no filter could be built";

	/* One error per cause: what depends on the architectures or on the whole
	 * rule list is not checked when they cannot be read. */
	check_names(c);
	check_conflicts(c);
	if (c->arch_blind || c->rules_blind) {
		at(c, "%s", "");
		cdiag(c, SC_INFO, "not-checked", "fix the errors above and check again",
		      "%sessentials and dangerous allowances not checked: %s",
		      c->arch_blind ? "syscall names, " : "",
		      c->arch_blind ? c->arch_blind : c->rules_blind);
	} else {
		check_essentials(c);
		check_dangers(c);
		if (docker_diff(c, &r->diff) < 0)
			goto out_oom;
		r->have_diff = true;
	}
	if (c->oom)
		goto out_oom;
out_locate:
	if (locate(c, buf, len) < 0)
		goto out_oom;
out:
	for (size_t i = 0; i < c->n_rules; i++)
		json_decref(c->rules[i].names);
	free(c->rules);
	free(c->slots);
	free(c->idx);
	for (size_t i = 0; i < c->n_native; i++)
		free(c->native[i]);
	free(c);
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

const char *sc_severity_name(enum sc_severity s)
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
		json_t *j = json_pack("{s:s, s:s, s:s}", "severity", sc_severity_name(d->severity),
				      "code", d->code, "where", d->where);

		if (!j)
			goto out_err;
		if ((d->line && (json_object_set_new(j, "line", json_integer(d->line)) ||
				 json_object_set_new(j, "column", json_integer(d->column)))) ||
		    json_object_set_new(j, "message", json_string(d->message)) ||
		    json_object_set_new(j, "hint", json_string(d->hint))) {
			json_decref(j);
			goto out_err;
		}
		if (json_array_append_new(diags, j))
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

int sc_read_file(const char *path, char **ret_buf, size_t *ret_len)
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

const char *sc_native_arch_name(void)
{
	return arch_by_num(seccomp_arch_native())->name;
}
