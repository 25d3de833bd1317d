/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The enforcement maps. Every policy table is an ARRAY_OF_MAPS with
 * WARD_ENF_SLOTS slots; a generation is one set of inner maps and its
 * cgroups' entries in ward_cgroups, built aside by the engine and made live
 * by one update of ward_active (docs/enforcement.md).
 * Inner array templates carry BPF_F_INNER_MAP so each generation is sized to
 * its bundle. Layouts: include/ward/bundle_maps.h and include/ward/enforce_abi.h.
 * Every map is __weak: both halves of a class's object (lsm/, bpf/enforce/)
 * define it, and the static linker keeps one (enforce.bpf.h).
 */
#ifndef WARD_LSM_MAPS_BPF_H
#define WARD_LSM_MAPS_BPF_H

#include "target.bpf.h"

/* Inner map templates: the engine creates maps of the same type, key,
 * value and flags for every generation. Sizes rather than BTF types: clang
 * emits only forward declarations for types used through pointers. */
struct ward_in_policies {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_INNER_MAP);
	__uint(key_size, sizeof(__u32));		     /* policy id */
	__uint(value_size, sizeof(struct ward_policy_live)); /* slot 0 unused */
};

struct ward_in_rules {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_INNER_MAP);
	__uint(key_size, sizeof(__u32)); /* rule index */
	__uint(value_size, sizeof(struct ward_rule_kern));
};

struct ward_in_objects {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct ward_obj_key));
	__uint(value_size, sizeof(struct ward_obj_val));
};

struct ward_in_cidrs {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct ward_lpm_key));
	__uint(value_size, sizeof(struct ward_lpm_val));
};

struct ward_in_cands {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_INNER_MAP);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct ward_cand));
};

struct ward_in_globs {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_INNER_MAP);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct ward_glob_kern)); /* compiled by the loader */
};

struct ward_in_portsets {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_INNER_MAP);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct ward_portset));
};

#define WARD_OUTER(name, inner)                           \
	struct {                                          \
		__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); \
		__uint(max_entries, WARD_ENF_SLOTS);      \
		__type(key, __u32);                       \
		__array(values, struct inner);            \
	} name __weak SEC(".maps")

WARD_OUTER(ward_policies, ward_in_policies);
WARD_OUTER(ward_rules, ward_in_rules);
WARD_OUTER(ward_objects, ward_in_objects);
WARD_OUTER(ward_cidrs, ward_in_cidrs);
WARD_OUTER(ward_cands, ward_in_cands);
WARD_OUTER(ward_globs, ward_in_globs);
WARD_OUTER(ward_portsets, ward_in_portsets);

/* The syscalls each slot's generation decides (struct ward_sysbits). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, WARD_ENF_SLOTS);
	__type(key, __u32);
	__type(value, struct ward_sysbits);
} ward_sysbits __weak SEC(".maps");

/* New cgroups, by id: when they were created (enforce_abi.h, the
 * container-start window). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, WARD_PENDING_CGROUPS);
	__type(key, __u64);
	__type(value, __u64);
} ward_pending __weak SEC(".maps");

/* Execs held in new cgroups (struct ward_hold), for the daemon. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} ward_holds __weak SEC(".maps");

/* The daemon's heartbeat: key 0, CLOCK_MONOTONIC ns of its last tick (0: gone). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ward_daemon __weak SEC(".maps");

/* Enforcement level per enum ward_res, written by the engine for `ward
 * status` (the programs know their own level). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, WARD_RES_COUNT);
	__type(key, __u32);
	__type(value, __u32);
} ward_levels __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, WARD_ENF_COUNTERS);
	__type(key, struct ward_counter_key);
	__type(value, struct ward_counter_val);
} ward_counters __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 23);
} ward_alerts __weak SEC(".maps");

#endif
