/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container attribution: cgroup v2 id -> container metadata.
 *
 * Metadata comes from cgroupfs paths and container runtime state on disk
 * (runc, crun, containerd, docker, cri-o, podman); no daemon socket is used.
 * The cache learns new containers on lookup miss and forgets ended ones on
 * container_cache_gc(), so memory stays bounded by the live cgroups.
 *
 * Not thread-safe: one cache belongs to one thread (the event loop).
 */
#ifndef WARD_CONTAINER_H
#define WARD_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTAINER_ID_MAX	128
#define CONTAINER_NAME_MAX	256
#define CONTAINER_IMAGE_MAX	512
#define CONTAINER_RUNTIME_MAX	32
#define CONTAINER_LABEL_KEY_MAX 256 /* longer label keys are dropped */

struct container_label {
	char *key;
	char *value;
};

/*
 * One resolved cgroup. host == true means "not a container" (and the
 * container fields are empty strings). A cgroup nested below a container's
 * cgroup belongs to that container.
 */
struct container_info {
	uint64_t cgroup_id;
	bool host;
	/* A host verdict that may still change: the cgroup was first seen less
	 * than 5 s ago and a runtime may not have written its state yet. */
	bool tentative;
	char id[CONTAINER_ID_MAX];
	/* The Kubernetes container name when the annotations carry one, else the
	 * runtime's name (docker, podman, cri-o), else the id. Never contains '<'. */
	char name[CONTAINER_NAME_MAX];
	char image[CONTAINER_IMAGE_MAX]; /* "" when the runtime does not record it */
	/* "runc", "crun", "containerd", "docker", "cri-o", "podman"; "" when only
	 * the cgroup path shape identified the container and names no runtime. */
	char runtime[CONTAINER_RUNTIME_MAX];
	char *cgroup_path; /* relative to the cgroup2 mount, e.g. "/abc";
					      * "" for a host id whose cgroup was not found */
	/* Kubernetes identity from the CRI annotations, "" when absent. */
	char k8s_pod[CONTAINER_NAME_MAX];
	char k8s_namespace[CONTAINER_NAME_MAX];
	char k8s_container[CONTAINER_NAME_MAX];
	char k8s_pod_uid[CONTAINER_NAME_MAX];
	struct container_label *labels; /* labels and annotations, sorted by key */
	size_t n_labels;
	/* The pod's labels from its sandbox's state (cri-o), sorted by key. */
	struct container_label *k8s_labels;
	size_t n_k8s_labels;
};

/* Where to look; NULL fields take the system defaults. Tests point these
 * at fixture trees. */
struct container_cache_opts {
	const char *cgroup2_root; /* default: the cgroup2 mount in /proc/self/mountinfo */
	const char *state_root;	  /* prefix for runtime state dirs, default "" (i.e. "/") */
	/* The cgroup2 mount point as runtimes write it in absolute paths (runc's
	 * state.json); default: cgroup2_root. */
	const char *cgroup2_mount;
};

struct container_cache;

/* Returns NULL and sets errno on failure (ENOENT: no cgroup2 mount found). */
struct container_cache *container_cache_new(const struct container_cache_opts *opts);
void container_cache_free(struct container_cache *c);

/*
 * Resolve a cgroup id; never fails for a valid cache: unknown ids that are not
 * containers resolve to a host entry. An id never seen before triggers a
 * rescan; a host entry younger than five seconds is re-checked at most every
 * 200 ms (a container's cgroup can appear before its state file). The
 * pointer stays valid until the next container_cache_gc(); later scans may
 * refresh the fields it points to. Returns 0 or -errno.
 */
int container_cache_lookup(struct container_cache *c, uint64_t cgroup_id,
			   const struct container_info **ret_info);

/* The same for an event seen at `when_ns` (CLOCK_MONOTONIC, e.g. a BPF
 * timestamp): a young host entry is re-checked whenever the event is newer
 * than the last scan, so a container's first exec is never attributed to the
 * host because its runtime wrote its state a moment before. */
int container_cache_lookup_at(struct container_cache *c, uint64_t cgroup_id, uint64_t when_ns,
			      const struct container_info **ret_info);

/* container_cache_lookup_at() without touching the filesystem: -EAGAIN when
 * only a scan can tell (a cgroup never seen, or a young host entry and an
 * event newer than the last scan). For the hot path of the event loop, which
 * leaves the record pending until container_cache_resolve(). */
int container_cache_peek(struct container_cache *c, uint64_t cgroup_id, uint64_t when_ns,
			 const struct container_info **ret_info);

/* One scan that resolves every cgroup id in ids (an id the walk does not find
 * becomes a host entry); container_cache_settled() then answers for each. */
int container_cache_resolve(struct container_cache *c, const uint64_t *ids, size_t n);
int container_cache_settled(struct container_cache *c, uint64_t cgroup_id,
			    const struct container_info **ret_info);

/* Rescan runtime state; then drop entries whose cgroup no longer exists. */
int container_cache_gc(struct container_cache *c);

/*
 * Cgroup ids of running containers (their own cgroup, not nested ones) whose
 * name or id equals `query`; when none does, the container whose id starts
 * with `query` (at least 4 characters). Rescans unless a scan ran in the last
 * 200 ms (e.g. container_cache_gc() just before). Returns the count
 * (>= 0), -ENOTUNIQ when the prefix matches several containers, or -errno;
 * *ret_ids is malloc'd (caller frees).
 */
int container_cache_find(struct container_cache *c, const char *query, uint64_t **ret_ids);

/* Iterate over all known running containers (after a scan). */
int container_cache_scan(struct container_cache *c);
size_t container_cache_count(const struct container_cache *c);
const struct container_info *container_cache_at(const struct container_cache *c, size_t i);

/* A deep copy of ci that outlives the cache's entry (container_info_free()),
 * or NULL on ENOMEM. */
struct container_info *container_info_dup(const struct container_info *ci);
void container_info_free(struct container_info *ci);

/* Name shown in tables: the container name, or "<host>". */
const char *container_display_name(const struct container_info *ci);

#endif
