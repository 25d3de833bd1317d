/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layouts shared by the enforcement programs (lsm/, bpf/enforce/) and the
 * engine (engine/enforce/: enforce.c, alert.c, status.c). Fixed-width
 * integers only; the policy tables themselves are include/ward/bundle_maps.h.
 * docs/enforcement.md describes the generation switch and the levels.
 */
#ifndef WARD_LSM_ENFORCE_ABI_H
#define WARD_LSM_ENFORCE_ABI_H

#include "ward/common.h"

#define WARD_ALERT_PATH	    256	  /* bytes of object / exe kept in an alert */
#define WARD_APPLET_MAX	    32	  /* bytes of the name a program runs as (NUL included) */
#define WARD_ENF_CGROUPS    4096  /* targeted cgroups per generation */
#define WARD_ENF_COUNTERS   65536 /* (generation, policy, rule, cgroup) counters */
#define WARD_ENF_SLOTS	    2	  /* generations the outer maps hold */
#define WARD_ENF_CG_ENTRIES (WARD_ENF_SLOTS * WARD_ENF_CGROUPS) /* ward_cgroups, both slots */

/* Where an action was stopped (or not); strongest last. The values match
 * enum probe_level in engine/enforce/probe.h. */
enum ward_level {
	WARD_LEVEL_NONE = 0,	/* reported only: audit, or no way to enforce */
	WARD_LEVEL_SIGKILL = 1, /* the process was killed from a tracepoint */
	WARD_LEVEL_CGROUP = 2,	/* a cgroup sock_addr program refused it (EPERM) */
	WARD_LEVEL_LSM = 3,	/* a BPF-LSM hook refused it (EPERM) */
};

/* Resources with an enforcement level each; index of ward_levels. */
enum ward_res {
	WARD_RES_EXEC = 0,
	WARD_RES_FILE = 1,
	WARD_RES_NET = 2,
	WARD_RES_CAP = 3,
	WARD_RES_COUNT = 4,
};

/* What the acting process tried (ward_alert.op). */
enum ward_op {
	WARD_OP_EXEC = 1,
	WARD_OP_OPEN = 2,
	WARD_OP_CONNECT = 3,
	WARD_OP_BIND = 4,
	WARD_OP_LISTEN = 5,
	WARD_OP_SENDMSG = 6, /* datagram to an address without connect() */
	WARD_OP_CAPABLE = 7,
	WARD_OP_SOCKET = 8,	  /* socket(): num is the kind (enum ward_sock_kind) */
	WARD_OP_UNIX_CONNECT = 9, /* connect() or a datagram to a unix socket: object */
	WARD_OP_UNIX_BIND = 10,	  /* bind() of a unix socket: object is its new path */
	WARD_OP_SYSCALL = 11,	  /* a syscall entered: num is its x86_64 number */
	WARD_OP__MAX = 12,
};

/* Value of ward_active (an array of one element, inlined by the verifier):
 * which slot of the outer maps is live, and the generation each slot holds.
 * The engine writes a slot's generation before it makes the slot live, and a
 * switch changes only the slot's low byte (0 <-> 1): the array is updated in
 * place, and no reader can see half of a change that matters to it. */
struct ward_active {
	__u32 slot;		   /* 0 or 1; WARD_ENF_SLOTS-1 at most */
	__u32 gen[WARD_ENF_SLOTS]; /* 1, 2, ...: bumped by every switch; 0 = no policy */
};

/* The live generation of a (0: no policy). */
static inline __u32 ward_active_gen(const struct ward_active *a)
{
	return a->gen[a->slot & (WARD_ENF_SLOTS - 1)];
}

/* Key of ward_cgroups: the targeted cgroups of both slots in one hash (a
 * direct lookup the verifier inlines, where a map of maps costs a helper call
 * through the inner map's operations). */
struct ward_cg_key {
	__u64 cgid; /* cgroup v2 id */
	__u32 slot;
	__u32 pad;
};

/* Value of ward_sysbits, one per slot of the outer maps: the syscall
 * numbers a syscall rule of the slot's generation names (bit nr), or all of
 * them when a policy's syscall default is not allow. The syscall hook decides
 * only those: the other calls of every task cost it two map lookups. */
#define WARD_SYSBITS 512
struct ward_sysbits {
	__u64 bits[WARD_SYSBITS / 64];
	__u64 high; /* nonzero: numbers from WARD_SYSBITS on are decided too */
};

/* Per-CPU counters (ward_counters), one per deciding rule (or policy
 * default) and container of one generation. */
struct ward_counter_key {
	__u64 cgroup_id;
	__u32 generation;
	__u32 policy_id;
	__u32 rule; /* rule index, WARD_NONE: the policy's default decided */
	__u32 pad;
};

struct ward_counter_val {
	__u64 matches;	   /* events this rule (or default) decided */
	__u64 blocks;	   /* of those: block in enforce mode */
	__u64 would_block; /* of those: block in audit mode (reported, allowed) */
};

/* One ring-buffer record per non-allow decision. */
struct ward_alert {
	__u64 ts_ns; /* CLOCK_MONOTONIC */
	__u64 cgroup_id;
	__u32 generation;
	__u32 policy_id; /* the deciding policy */
	__u32 rule;	 /* rule index, WARD_NONE: the policy's default */
	__u32 pid;	 /* tgid */
	__u32 ppid;
	__u32 uid;
	__u32 access;	/* open: enum ward_access bits; network: enum ward_proto bit */
	__u16 port;	/* network: host byte order */
	__u8 op;	/* enum ward_op */
	__u8 action;	/* enum ward_action of the decision (ALERT or BLOCK) */
	__u8 mode;	/* enum ward_mode */
	__u8 level;	/* enum ward_level reached */
	__u8 family;	/* network: 4 or 6 (IPv4-mapped counts as 4) */
	__u8 flags;	/* enum ward_alert_flags */
	__u8 addr[16];	/* network: IPv6 or IPv4-mapped IPv6, network order */
	__u32 num;	/* capability number; socket kind; syscall number */
	__u8 undecided; /* enum ward_undecided: why the event could not be decided */
	__u8 pad[7];
	char comm[WARD_COMM_LEN];
	char exe[WARD_ALERT_PATH];    /* executable of the acting process, as it sees it */
	char object[WARD_ALERT_PATH]; /* resolved path (exec, open, unix) */
	char applet[WARD_APPLET_MAX]; /* exec, WARD_ALERT_APPLET: the name it ran as */
};

/* Why an event could not be decided (ward_alert.undecided); such an event is
 * refused by the policies that govern its class (blocked when one enforces). */
enum ward_undecided {
	WARD_UNDEC_NONE = 0,
	WARD_UNDEC_PATH = 1,  /* the object's path could not be resolved, or is too long */
	WARD_UNDEC_EXE = 2,   /* the acting executable, which a fromSource rule needs */
	WARD_UNDEC_STEPS = 3, /* the decision did not complete */
	WARD_UNDEC__MAX = 4,
};

enum ward_alert_flags {
	WARD_ALERT_OBJ_TRUNC = 1 << 0, /* object longer than WARD_ALERT_PATH (or the walk) */
	WARD_ALERT_EXE_TRUNC = 1 << 1,
	WARD_ALERT_EXE_UNKNOWN = 1 << 2, /* the acting executable could not be read */
	WARD_ALERT_APPLET = 1 << 3,	 /* exec: decided by the name it ran as (applet) */
};

/*
 * The container-start window (docs/enforcement.md): a cgroup created while
 * the daemon runs is new (ward_pending) until the daemon forgets it, having
 * classified it or WARD_NEW_CGROUP_NS after its mkdir; an exec in a new
 * cgroup that no policy targets yet is held: the task is stopped before the
 * new program's first instruction and one record goes to ward_holds; the
 * daemon classifies the cgroup, targets it, decides the exec as the kernel
 * would, kills or resumes the task. Only while the daemon's heartbeat
 * (ward_daemon, CLOCK_MONOTONIC ns, every tick) is under WARD_HEARTBEAT_NS
 * old: long enough for a daemon starved of CPU (16 s seen in a loaded VM),
 * not a dead one. The new-cgroup window is as long as a runtime may take
 * from the mkdir to the entrypoint under load (10 s per container start
 * seen in the same VM: a 10 s window let an entrypoint run undecided).
 */
#define WARD_NEW_CGROUP_NS   (30ULL * 1000000000ULL)
#define WARD_HEARTBEAT_NS    (60ULL * 1000000000ULL)
#define WARD_HOLD_PATH	     4096
#define WARD_PENDING_CGROUPS 4096

struct ward_hold {
	__u64 ts_ns; /* CLOCK_MONOTONIC */
	__u64 cgroup_id;
	__u32 pid; /* tgid, stopped */
	__u32 uid;
	__u8 have_exe;	   /* exe: the acting executable (BPF-LSM: the program calling exec) */
	__u8 stdio_socket; /* its standard input, output or error is a socket */
	__u8 terminal;	   /* it has a controlling terminal */
	__u8 pad;
	__u32 mntns; /* its mount namespace (inode): the host's is a runtime, not the container */
	char comm[WARD_COMM_LEN];
	char object[WARD_HOLD_PATH]; /* the resolved binary; "" when it could not be had */
	char name[WARD_ALERT_PATH];  /* the name exec was called with, when absolute */
	char exe[WARD_HOLD_PATH];
	char src_applet[WARD_APPLET_MAX]; /* the name the acting executable runs as, or "" */
};

_Static_assert(sizeof(struct ward_active) == 4 + 4 * WARD_ENF_SLOTS, "ward_active layout");
_Static_assert(sizeof(struct ward_cg_key) == 16, "ward_cg_key layout");
_Static_assert(sizeof(struct ward_counter_key) == 24, "ward_counter_key layout");
_Static_assert(sizeof(struct ward_counter_val) == 24, "ward_counter_val layout");
_Static_assert(sizeof(struct ward_alert) ==
		       80 + WARD_COMM_LEN + 2 * WARD_ALERT_PATH + WARD_APPLET_MAX,
	       "ward_alert layout");

#endif
