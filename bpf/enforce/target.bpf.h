/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The maps of the targeting check every enforcement hook makes first
 * (lookup.bpf.h, ward_cg_pols()): the live slot and the targeted cgroups.
 * Apart from maps.bpf.h so the benchmark's floor program
 * (tests/bench/empty.bpf.c) makes the same check on the same definitions.
 */
#ifndef WARD_ENFORCE_TARGET_BPF_H
#define WARD_ENFORCE_TARGET_BPF_H

#define WARD_BPF
#include "ward/bundle_maps.h"
#include "ward/enforce_abi.h"

/* The live slot and each slot's generation: key 0 -> struct ward_active. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ward_active);
} ward_active __weak SEC(".maps");

/* The targeted cgroups of both slots, (cgroup, slot) -> its policies. The
 * elements are allocated one by one (no preallocation): a cold lookup then
 * lands in the kernel's linear map, not in a large vmalloc area of its own. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WARD_ENF_CG_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ward_cg_key);
	__type(value, struct ward_cgroup_policies);
} ward_cgroups __weak SEC(".maps");

#endif
