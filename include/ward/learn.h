/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward learn: what the process, tcp and syscall trackers do not record.
 * Files by access kind, bind endpoints, UDP connects and destinations, unix
 * socket paths, script interpreters, the files an exec opens and granted
 * capability checks of the learned containers, as ring-buffer records; and
 * the gates that keep a container's runtime out of its profile
 * (docs/profiles.md).
 */
#ifndef WARD_LEARN_H
#define WARD_LEARN_H

#include "ward/common.h"

#define LEARN_PATH_LEN	256   /* bytes of a directory or of a name kept (power of two) */
#define LEARN_SEEN_MAX	65536 /* (cgroup, file, access) and (cgroup, capability) seen */
#define LEARN_TASKS_MAX 16384 /* processes not yet past their first exec in a cgroup */
#define LEARN_GATES_MAX WARD_CGFILTER_MAX

enum learn_ev_type {
	LEARN_EV_FILE = 1,    /* path[0..n_paths) accessed with `access` */
	LEARN_EV_BIND = 2,    /* bound proto/port */
	LEARN_EV_CONNECT = 3, /* connected (UDP) to addr/port */
	LEARN_EV_CAP = 4,     /* a capability check that was granted */
	LEARN_EV_EXEC = 5,    /* an exec ran path[0], the interpreter of path[1] (a script) */
};

/* proto of a bind or connect of a unix socket: path[0] is the socket's path. */
#define LEARN_PROTO_UNIX (1u << 8)

/*
 * One path as the process named it. base: a directory or file the kernel
 * resolved as the process sees it (its root, its mounts), the last base_len
 * bytes of base[]; name: the string the process passed, name_len bytes.
 * The path is name when it is absolute, base when name is empty, else
 * base + "/" + name.
 */
struct learn_path {
	__u16 base_len;
	__u16 name_len;
	__u8 truncated; /* base or name did not fit: the path is unknown */
	__u8 pad[3];
	char base[LEARN_PATH_LEN];
	char name[LEARN_PATH_LEN];
};

/* One ring-buffer record. */
struct ward_learn_event {
	__u64 ts_ns; /* CLOCK_MONOTONIC */
	__u64 cgroup_id;
	__u32 type;   /* enum learn_ev_type */
	__u32 pid;    /* tgid */
	__u32 access; /* file: enum ward_access bits; cap: the capability number */
	__u32 proto;  /* bind/connect: one enum ward_proto bit, or LEARN_PROTO_UNIX */
	__u16 port;   /* bind: local, connect: remote; host byte order */
	__u16 n_paths;
	__u32 access2;		   /* file: the access of path[1] (rename, link: the new name) */
	__u8 addr[16];		   /* connect: IPv6 or IPv4-mapped */
	struct learn_path path[2]; /* rename: old, new */
};

/* Key of learn_seen: what was reported once and need not be again. */
struct learn_seen_key {
	__u64 cgroup_id;
	__u64 a; /* file: inode number; cap: the capability */
	__u32 b; /* file: device */
	__u32 c; /* file: access bits | LEARN_SEEN_FILE; cap: LEARN_SEEN_CAP */
};

#define LEARN_SEEN_FILE (1u << 16)
#define LEARN_SEEN_CAP	(1u << 17)

/* Key of learn_sent: a datagram destination reported once per cgroup. */
struct learn_sent_key {
	__u64 cgroup_id;
	__u8 addr[16]; /* IPv6 or IPv4-mapped */
	__u16 port;    /* host byte order */
	__u16 pad[3];
};

_Static_assert(sizeof(struct learn_path) == 8 + 2 * LEARN_PATH_LEN, "learn_path layout");
_Static_assert(sizeof(struct ward_learn_event) == 56 + 2 * sizeof(struct learn_path),
	       "ward_learn_event layout");
_Static_assert(__builtin_offsetof(struct ward_learn_event, cgroup_id) ==
		       __builtin_offsetof(struct ward_rec_hdr, cgroup_id),
	       "ward_learn_event starts with ward_rec_hdr");
_Static_assert(sizeof(struct learn_seen_key) == 24, "learn_seen_key layout");
_Static_assert(sizeof(struct learn_sent_key) == 32, "learn_sent_key layout");

#endif
