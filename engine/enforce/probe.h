/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel feature probes. Each probe tries the feature on the running kernel
 * (loads a two-instruction program, attaches it, detaches it at once) and
 * never reads version numbers. probe_all() fills one struct; probe_verdict()
 * turns it into what ward can do (trackers, enforcement levels), so `ward
 * doctor`, the server and the trackers pick fallbacks from the same facts.
 * Nothing here prints.
 */
#ifndef WARD_PROBE_H
#define WARD_PROBE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/utsname.h>

#include <jansson.h>

/* Where the kernel provides mount points for these file systems; libbpf
 * looks for tracefs at the first two. */
#define PROBE_DEBUGFS_TRACING_DIR "/sys/kernel/debug/tracing"
#define PROBE_TRACEFS_DIR	  "/sys/kernel/tracing"
#define PROBE_BPFFS_DIR		  "/sys/fs/bpf"
#define PROBE_SECURITYFS_DIR	  "/sys/kernel/security"

/* Name prefix of the empty cgroup the cgroup_sock_addr probe creates and removes. */
#define PROBE_TMP_CGROUP_PREFIX "ward-doctor-"

#define PROBE_JSON_SCHEMA  1
#define PROBE_DETAIL_MAX   320
#define PROBE_LINE_MAX	   160
#define PROBE_LSM_LIST_MAX 256

/* One entry per check, in report order. */
enum probe_id {
	PROBE_BTF,
	PROBE_BPF_SYSCALL,
	PROBE_RINGBUF,
	PROBE_TRACEFS,
	PROBE_BPFFS,
	PROBE_CGROUP2,
	PROBE_TRACEPOINT,
	PROBE_RAW_TP,
	PROBE_TP_BTF,
	PROBE_BPF_LSM,
	PROBE_FENTRY,
	PROBE_CGROUP_SOCK_ADDR,
	PROBE_SEND_SIGNAL,
	PROBE_SECCOMP,
	PROBE_PRIVILEGES,
	PROBE_COMPAT_SYSCALLS,
	PROBE_COUNT
};

/* WARN: not usable now, but the kernel has the feature and a mount fixes it. */
enum probe_status { PROBE_OK, PROBE_WARN, PROBE_FAIL };

struct probe_check {
	enum probe_status status;
	int err;			   /* errno of the step that failed, 0 if none */
	char detail[PROBE_DETAIL_MAX];	   /* what was tried and what the kernel said */
	char verifier_log[PROBE_LINE_MAX]; /* last line of the verifier log, "" if empty */
};

/* Tracepoints the trackers attach to; the tracepoint check is the first. */
enum probe_event {
	PROBE_EV_SYS_ENTER_GETPID,
	PROBE_EV_SCHED_PROCESS_EXEC,
	PROBE_EV_SCHED_PROCESS_EXIT,
	PROBE_EV_INET_SOCK_SET_STATE,
	PROBE_EV_COUNT
};

struct probe_results {
	char kernel[sizeof(((struct utsname *)0)->release)];
	struct probe_check checks[PROBE_COUNT];
	int event_err[PROBE_EV_COUNT]; /* 0: a program attached to it; else the errno */
	bool lsm_list_known;	       /* lsm_list was read from securityfs */
	bool bpf_in_lsm_list;
	char lsm_list[PROBE_LSM_LIST_MAX]; /* active LSMs, e.g. "lockdown,capability,bpf" */
	char tracefs_dir[PATH_MAX];	   /* "" when tracefs is not mounted */
	/* The kernel runs i386 (int $0x80) or x32 syscalls, which the
	 * syscalls:* tracepoints do not see; true where that is not known. */
	bool ia32_syscalls;
	bool x32_syscalls;
	char cgroup2_dir[PATH_MAX]; /* "" when no cgroup2 is mounted */
};

enum probe_tracker {
	PROBE_TRACKER_PROCESS,
	PROBE_TRACKER_FILES,
	PROBE_TRACKER_TCP,
	PROBE_TRACKER_SYSCALL,
	PROBE_TRACKER_COUNT
};

enum probe_resource {
	PROBE_RES_EXEC,
	PROBE_RES_FILE,
	PROBE_RES_NETWORK,
	PROBE_RES_CAPABILITIES,
	PROBE_RES_COUNT
};

/* Strongest first: lsm refuses the operation, cgroup refuses a connect from
 * a cgroup program, sigkill kills the process from a tracepoint. */
enum probe_level { PROBE_LEVEL_NONE, PROBE_LEVEL_SIGKILL, PROBE_LEVEL_CGROUP, PROBE_LEVEL_LSM };

struct probe_usable {
	bool usable;
	char reason[PROBE_DETAIL_MAX];
};

struct probe_verdict {
	struct probe_usable trackers[PROBE_TRACKER_COUNT];
	enum probe_level enforcement[PROBE_RES_COUNT];
	char enforcement_reason[PROBE_RES_COUNT][PROBE_DETAIL_MAX];
	/* What is left without BPF-LSM (the same as enforcement[] where BPF-LSM
	 * is absent): where a BPF-LSM program of a class fails to load. */
	enum probe_level fallback[PROBE_RES_COUNT];
	char fallback_reason[PROBE_RES_COUNT][PROBE_DETAIL_MAX];
	struct probe_usable seccomp_profiles; /* generating profiles from observed syscalls */
	/* Syscalls the syscalls:* tracepoints miss can be made (struct probe_results). */
	bool ia32_syscalls;
	bool x32_syscalls;
	bool can_run; /* at least one tracker is usable */
};

const char *probe_name(enum probe_id id);
const char *probe_status_name(enum probe_status status);
const char *probe_event_name(enum probe_event ev);
const char *probe_tracker_name(enum probe_tracker t);
const char *probe_resource_name(enum probe_resource res);
const char *probe_level_name(enum probe_level level);

/* Runs every probe; each result lands in its check, so this only fails
 * (-errno) when it cannot start. Swaps libbpf's print callback while it runs
 * (libbpf messages go into the details), so call it from one thread. */
int probe_all(struct probe_results *ret);

/* What the results mean. Pure: depends on `r` only. */
void probe_verdict(const struct probe_results *r, struct probe_verdict *ret);

/* The doctor's JSON document, schema PROBE_JSON_SCHEMA. NULL + errno on failure. */
json_t *probe_to_json(const struct probe_results *r, const struct probe_verdict *v);

/* Whether the comma-separated LSM list (as in securityfs' "lsm") names `lsm`. */
bool probe_lsm_list_has(const char *list, const char *lsm);

/* The last line of a verifier log that says something (the closing
 * "processed N insns" statistics line is skipped) into buf; "" if none. */
void probe_verifier_last_line(const char *log, char *buf, size_t size);

/* The verifier's last meaningful line and its statistics line ("processed N
 * insns ...", which names the budget when that is the cause), "; "-joined,
 * into buf; "" if the log says nothing. */
void probe_verifier_summary(const char *log, char *buf, size_t size);

/* The mount namespace (inode) container runtimes start in: pid 1's, or where
 * pid 1 is out of reach, ours. 0 or -errno. */
int probe_host_mntns(uint32_t *ret);

/* The first cgroup2 mount point in the mount table, into buf. 0 or -errno
 * (-ENOENT: none mounted, -ENAMETOOLONG: buf too small). */
int probe_cgroup2_dir(char *buf, size_t size);

/* Mount tracefs at PROBE_TRACEFS_DIR / bpffs at PROBE_BPFFS_DIR unless one is
 * already mounted where libbpf looks. 1 if mounted now, 0 if already there,
 * -errno on failure. */
int probe_mount_tracefs(void);
int probe_mount_bpffs(void);

/*
 * Whether a process can make i386 (ia32) or x32 syscalls, which the syscalls:*
 * tracepoints do not see, tried in a child (only SIGSEGV says the kernel runs
 * no i386 syscalls; ENOSYS no x32 ones, unless a seccomp filter of ours could
 * have answered: then they count as running, unless /proc/kallsyms shows a
 * kernel built without the x32 ABI). ia32_how, x32_how (may be NULL): 0 the
 * call returned, 1 ENOSYS, 2 SIGSEGV, 3 otherwise, 4 (x32) refused but the
 * kernel has no x32 ABI. Returns whether ward runs under a seccomp filter.
 */
bool probe_compat_syscalls(bool *ia32, bool *x32, int *ia32_how, int *x32_how);

/* The symbols of /proc/kallsyms, in its order: fn(type, name, in_module,
 * ctx) for each until fn returns nonzero, which is returned; 0 after the last,
 * -errno when the file cannot be read (-ENODATA: it lists nothing). */
int probe_kallsyms(int (*fn)(char type, const char *name, bool in_module, void *ctx), void *ctx);

/* Does the tracepoint a "tp/CATEGORY/NAME" or "tp_btf/NAME" program attaches
 * to exist (other sections: true)? Some are recent (capability/cap_capable,
 * sched/sched_prepare_exec). */
bool probe_tracepoint_exists(const char *sec);

#endif
