/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Map layouts shared by rulesc (writer), the engine's loader and the kernel
 * programs (readers). No kernel or libc types beyond fixed-width integers, so
 * a BPF program can include this file after vmlinux.h (which provides the
 * __u8.. types; define WARD_BPF before including) and user space after
 * <stdint.h>. docs/bundle.md describes how the images are looked up.
 *
 * Lookup model, per event, for each policy id attached to the cgroup:
 *   path objects (exec, file, parent binary, unix sockets): walk the path
 *     once, FNV-1a 64 hashing byte by byte; at every '/' look up
 *     {policy, domain, WARD_KEY_DIR_REC, hash-so-far}; at the end look up
 *     WARD_KEY_EXACT with the full hash and WARD_KEY_DIR_DIRECT/WARD_KEY_GLOB
 *     with the hash of the parent directory (up to and including its '/').
 *   addresses: one LPM lookup in the CIDR trie (IPv4 as IPv4-mapped IPv6).
 *   numbers (capability, syscall, socket kind): one WARD_KEY_EXACT lookup
 *     whose hash is the number itself.
 * Every hit yields a candidate list sorted by rule index; the first candidate
 * whose conditions hold is that key's verdict and the smallest rule index
 * over all hits decides the policy (first match in source order).
 */
#ifndef WARD_BUNDLE_MAPS_H
#define WARD_BUNDLE_MAPS_H

#ifdef WARD_BPF
typedef __u8 ward_u8;
typedef __u16 ward_u16;
typedef __u32 ward_u32;
typedef __u64 ward_u64;
#else
#include <stdint.h>
typedef uint8_t ward_u8;
typedef uint16_t ward_u16;
typedef uint32_t ward_u32;
typedef uint64_t ward_u64;
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "bundle images are little-endian; big-endian hosts are not supported"
#endif

/* Limits the kernel programs are written against; rulesc refuses policies
 * that exceed them and says which one. */
#define WARD_PATH_MAX		     256 /* bytes of a path the kernel walks */
#define WARD_PATH_DEPTH		     32	 /* '/' boundaries the kernel looks up */
#define WARD_GLOB_MAX		     64	 /* bytes of a glob pattern incl. NUL */
#define WARD_MAX_CANDIDATES	     16	 /* candidates scanned per key */
#define WARD_MAX_SOURCE_SETS	     32	 /* fromSource sets per policy (bits of a u32) */
#define WARD_MAX_POLICIES_PER_CGROUP 8
#define WARD_MAX_POLICIES	     4096
#define WARD_MAX_RULES		     65536
#define WARD_MAX_OBJECTS	     262144  /* entries of the object hash map */
#define WARD_MAX_CIDRS		     65536   /* entries of the LPM trie */
#define WARD_MAX_CANDS		     1048576 /* entries of the candidate array */
#define WARD_MAX_GLOBS		     16384
#define WARD_MAX_PORTSETS	     1024
#define WARD_NONE		     0xffffffffu /* "no rule / no pattern / any port" */

/* FNV-1a 64: the hash of path objects, computed incrementally by the kernel. */
#define WARD_FNV_OFFSET 0xcbf29ce484222325ull
#define WARD_FNV_PRIME	0x100000001b3ull

/* Resource classes; a policy states a default posture for each it governs. */
enum ward_class {
	WARD_CLS_EXEC = 0,
	WARD_CLS_FILE = 1,
	WARD_CLS_NET = 2,
	WARD_CLS_CAP = 3,
	WARD_CLS_SYSCALL = 4,
	WARD_CLS_MAX = 5, /* the classes a policy's defaults name */
	/* Renames and mounts of what rules name, and of their ancestors: governed
	 * (default allow) by the policies that have such rules; not in YAML. */
	WARD_CLS_PROTECT = 5,
};

/* Actions: NONE only appears as a default ("class not governed"). */
enum ward_action {
	WARD_ACT_NONE = 0,
	WARD_ACT_ALLOW = 1,
	WARD_ACT_ALERT = 2,
	WARD_ACT_BLOCK = 3,
	WARD_ACT_MAX = 4,
};

enum ward_mode {
	WARD_MODE_AUDIT = 1, /* report; block becomes "would block" */
	WARD_MODE_ENFORCE = 2,
	WARD_MODE_MAX = 3,
};

/* Object domains of the object hash map. */
enum ward_domain {
	WARD_DOM_EXEC = 1,	   /* binary being executed */
	WARD_DOM_FILE = 2,	   /* file opened/modified */
	WARD_DOM_SOURCE = 3,	   /* executable of the acting process (fromSource) */
	WARD_DOM_UNIX_CONNECT = 4, /* unix socket path connected to */
	WARD_DOM_UNIX_BIND = 5,	   /* unix socket path bound */
	WARD_DOM_SOCKET = 6,	   /* socket kind created (hash = enum ward_sock_kind) */
	WARD_DOM_CAP = 7,	   /* capability used (hash = capability number) */
	WARD_DOM_SYSCALL = 8,	   /* syscall entered (hash = x86_64 syscall number) */
	WARD_DOM_PROTECT = 9,	   /* a path renamed or mounted over (WARD_CLS_PROTECT) */
	WARD_DOM_MAX = 10,
};

enum ward_key_kind {
	WARD_KEY_EXACT = 1,	 /* hash of the whole path (or the number) */
	WARD_KEY_DIR_REC = 2,	 /* hash of a directory prefix ending in '/'; any depth below */
	WARD_KEY_DIR_DIRECT = 3, /* hash of the parent directory; direct children only */
	WARD_KEY_GLOB = 4, /* hash of the parent directory; candidates carry a basename glob */
	/* exec: hash of an exact path's basename, the name a program runs as */
	WARD_KEY_APPLET = 5,
	/* protect: hash of a path a rule names, or of one of its ancestors */
	WARD_KEY_ANCESTOR = 6,
	/* file: hash of a basename, in whatever directory (names:) */
	WARD_KEY_NAME = 7,
	WARD_KEY_MAX = 8,
};

/* File access kinds: bits of ward_cand.mask in the file domain. */
#define WARD_ACC_KINDS 9 /* bits of enum ward_access */
enum ward_access {
	WARD_ACC_READ = 1u << 0,
	WARD_ACC_WRITE = 1u << 1,
	WARD_ACC_CREATE = 1u << 2,
	WARD_ACC_UNLINK = 1u << 3,
	WARD_ACC_RENAME = 1u << 4,
	WARD_ACC_CHMOD = 1u << 5,
	WARD_ACC_CHOWN = 1u << 6,
	WARD_ACC_EXEC = 1u << 7,
	/* a truncation (O_TRUNC, truncate(2)), which is also a write: rules on
	 * writes hold for it, a rule on truncate only for it */
	WARD_ACC_TRUNCATE = 1u << 8,
	WARD_ACC_ALL = (1u << WARD_ACC_KINDS) - 1,
};

/* Exec events and candidates: bits of ward_cand.mask in the exec domain. An
 * exec is ANY, plus STDIO_SOCKET when its standard input, output or error is
 * a socket (a reverse or bind shell), plus TERMINAL when it has a controlling
 * terminal (an interactive session); a rule with `stdio: socket` or `stdio:
 * terminal` holds only then. */
enum ward_exec_mask {
	WARD_EXEC_ANY = 1u << 0,
	WARD_EXEC_STDIO_SOCKET = 1u << 1,
	WARD_EXEC_TERMINAL = 1u << 2,
};

/* Transport protocols: bits of ward_cand.mask for addresses and sockets. */
#define WARD_PROTO_KINDS 2 /* bits of enum ward_proto */
enum ward_proto {
	WARD_PROTO_TCP = 1u << 0,
	WARD_PROTO_UDP = 1u << 1,
	WARD_PROTO_ALL = (1u << WARD_PROTO_KINDS) - 1,
};

/* Socket kinds for WARD_DOM_SOCKET (the key's hash). */
enum ward_sock_kind {
	WARD_SOCK_RAW = 1,    /* SOCK_RAW in AF_INET/AF_INET6 */
	WARD_SOCK_PACKET = 2, /* AF_PACKET */
	WARD_SOCK_MAX = 3,
};

/* Network operations (ward_lpm_key.op). */
enum ward_net_op {
	WARD_NET_CONNECT = 1, /* connect(), sendto() on unconnected sockets */
	WARD_NET_BIND = 2,    /* bind() and listen() */
};

enum ward_severity {
	WARD_SEV_INFO = 0,
	WARD_SEV_LOW = 1,
	WARD_SEV_MEDIUM = 2,
	WARD_SEV_HIGH = 3,
	WARD_SEV_CRITICAL = 4,
	WARD_SEV_MAX = 5,
};

/* Key of the object hash map (BPF_MAP_TYPE_HASH, WARD_MAX_OBJECTS entries). */
struct ward_obj_key {
	ward_u32 policy_id; /* 1-based index into the policy array */
	ward_u16 domain;    /* enum ward_domain */
	ward_u16 kind;	    /* enum ward_key_kind */
	ward_u64 hash;	    /* FNV-1a 64 of the path/prefix, or the number */
};

/* Value of the object hash map: a slice of the candidate array. */
struct ward_obj_val {
	ward_u32 cand_first; /* index into the candidate array */
	ward_u32 cand_count; /* 1..WARD_MAX_CANDIDATES */
};

/* Key of the CIDR trie (BPF_MAP_TYPE_LPM_TRIE, WARD_MAX_CIDRS entries).
 * prefixlen counts bits from policy_id on: 64 (policy_id + op) plus the
 * address prefix, IPv4 stored as ::ffff:a.b.c.d so its /n is 64 + 96 + n. */
struct ward_lpm_key {
	ward_u32 prefixlen;
	ward_u32 policy_id; /* always fully inside the prefix */
	ward_u32 op;	    /* enum ward_net_op, always fully inside the prefix */
	ward_u8 addr[16];   /* IPv6 address, network byte order */
};

/* Value of the CIDR trie; the candidates of every shorter covering prefix of
 * the same policy and op are merged in, so the longest match is complete. */
struct ward_lpm_val {
	ward_u32 cand_first;
	ward_u32 cand_count;
};

/* One candidate (BPF_MAP_TYPE_ARRAY, WARD_MAX_CANDS entries). A candidate
 * holds when (event mask & mask) != 0, its aux condition holds and, if
 * src_set != 0, bit (src_set - 1) is set in the acting binary's source mask.
 *   mask: file: enum ward_access bits; exec: 1; net/socket: enum ward_proto
 *         bits; source domain: the source-set bit this entry contributes;
 *         cap/syscall/unix: 1.
 *   aux:  WARD_KEY_GLOB entries: index of the basename pattern (glob array);
 *         net entries: index of the port set, WARD_NONE = any port;
 *         otherwise WARD_NONE. */
struct ward_cand {
	ward_u32 rule; /* index into the rule array */
	ward_u32 mask;
	ward_u32 aux;
	ward_u16 src_set; /* 0 = no fromSource condition */
	ward_u16 pad;
};

/* Basename glob (BPF_MAP_TYPE_ARRAY): '*', '?', '[...]', '[!...]' and '\x'. */
struct ward_glob {
	char pattern[WARD_GLOB_MAX]; /* NUL-terminated */
};

/* A basename glob as the kernel steps through it: the loader compiles each
 * bundle pattern with ward_glob_compile() (rulesc/match.h) into one entry of
 * an inner array. Tokens: 0..255 that byte, WARD_GT_ANY ('?'), WARD_GT_STAR
 * ('*'), WARD_GT_CLASS + k (byte set k of cls, bit c of cls[4k + c / 64]).
 * Matching is one token against one byte per step, no nested loop. */
#define WARD_GLOB_CLASSES 16 /* '[...]' classes per glob */
enum ward_glob_tok {
	WARD_GT_ANY = 0x100,
	WARD_GT_STAR = 0x200,
	WARD_GT_CLASS = 0x300,
};

struct ward_glob_kern {
	ward_u16 n;			     /* tokens */
	ward_u16 tok[WARD_GLOB_MAX - 1];     /* enum ward_glob_tok, or a byte */
	ward_u64 cls[WARD_GLOB_CLASSES * 4]; /* 256-bit byte sets (flat: BTF scalar arrays) */
};

/* Port set as the kernel reads it (BPF_MAP_TYPE_ARRAY of bitmaps); the
 * bundle stores ranges and the loader expands them with ward_portset_fill(). */
struct ward_portset {
	ward_u64 bits[65536 / 64]; /* bit p set = port p in the set */
};

/* Policy array (BPF_MAP_TYPE_ARRAY indexed by policy id; slot 0 unused). */
struct ward_policy_kern {
	ward_u8 defaults[8]; /* enum ward_action per enum ward_class; NONE = not governed */
	ward_u8 mode;	     /* enum ward_mode of the policy */
	ward_u8 pad[3];
	ward_u32 n_source_sets;
};

/* Policy array value as the engine's loader writes it: the bundle's policy
 * and, derived from the object table, the key kinds each domain of the policy
 * has (bit 1 << enum ward_key_kind), so the lookup skips keys that cannot hit
 * (an exec policy of exact paths looks up one key per path, not one per
 * directory prefix). Not stored in bundles. */
struct ward_policy_live {
	struct ward_policy_kern k;
	ward_u8 kinds[16]; /* per enum ward_domain */
};

/* Rule array (BPF_MAP_TYPE_ARRAY indexed by rule index). */
struct ward_rule_kern {
	ward_u32 policy_id;
	ward_u8 action;	  /* enum ward_action */
	ward_u8 mode;	  /* enum ward_mode (the rule's override or the policy's) */
	ward_u8 severity; /* enum ward_severity */
	ward_u8 cls;	  /* enum ward_class */
};

/* Cgroup map value (BPF_MAP_TYPE_HASH keyed by cgroup id, ward_u64): the
 * engine resolves selectors in user space and writes the matching policy
 * ids here, lowest first. */
struct ward_cgroup_policies {
	ward_u32 count;
	ward_u32 ids[WARD_MAX_POLICIES_PER_CGROUP];
	ward_u32 flags; /* enum ward_cg_flags, from ward_bundle_cg_flags() */
};

/* What the policies of a cgroup need the programs to read before deciding:
 * the acting executable for the domains (bit 1 << enum ward_domain) where
 * one has fromSource rules, and the name it runs as (an applet) when one of
 * those names a program by it; for an exec, the name the new program runs as
 * when an exec rule names one, and its standard streams and terminal when an
 * exec rule has a stdio condition. */
#define WARD_CG_SOURCE(domain) (1u << (domain))
enum ward_cg_flags {
	WARD_CG_SRC_APPLET = 1u << 16,
	WARD_CG_APPLET = 1u << 17,
	WARD_CG_EXEC_STDIO = 1u << 18,
};

_Static_assert(sizeof(struct ward_obj_key) == 16, "ward_obj_key layout");
_Static_assert(sizeof(struct ward_obj_val) == 8, "ward_obj_val layout");
_Static_assert(sizeof(struct ward_lpm_key) == 28, "ward_lpm_key layout");
_Static_assert(sizeof(struct ward_lpm_val) == 8, "ward_lpm_val layout");
_Static_assert(sizeof(struct ward_cand) == 16, "ward_cand layout");
_Static_assert(sizeof(struct ward_glob) == WARD_GLOB_MAX, "ward_glob layout");
_Static_assert(sizeof(struct ward_glob_kern) == 2 * WARD_GLOB_MAX + 32 * WARD_GLOB_CLASSES,
	       "ward_glob_kern layout");
_Static_assert(sizeof(struct ward_portset) == 8192, "ward_portset layout");
_Static_assert(sizeof(struct ward_policy_kern) == 16, "ward_policy_kern layout");
_Static_assert(sizeof(struct ward_policy_live) == 32, "ward_policy_live layout");
_Static_assert(WARD_DOM_MAX <= 16 && WARD_KEY_MAX <= 8, "ward_policy_live.kinds");
_Static_assert(sizeof(struct ward_rule_kern) == 8, "ward_rule_kern layout");
_Static_assert(sizeof(struct ward_cgroup_policies) == 40, "ward_cgroup_policies layout");

#endif
