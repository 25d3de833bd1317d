/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container runtime state on disk -> container records (used by container.c;
 * exposed for the unit tests and the fuzzer).
 *
 * Each state file is parsed into a record set of "claims" about containers;
 * container.c merges the sets of all files by (file owner, container id).
 * A claim carries a rank and a higher rank overrides a lower one, so the
 * runtime that knows a field best (docker's name, runc's cgroup) wins no
 * matter in which order files are read.
 */
#ifndef WARD_RUNTIME_H
#define WARD_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "container.h"

#define RT_FILE_MAX	   (4u << 20) /* largest state file read */
#define RT_RECORDS_MAX	   65536      /* records per set */
#define RT_LABELS_MAX	   256	      /* labels per record; more are dropped */
#define RT_LABEL_KEY_MAX   CONTAINER_LABEL_KEY_MAX
#define RT_LABEL_VALUE_MAX 4096 /* longer values are dropped */
#define RT_CGROUP_PATH_MAX 4096

enum rt_format {
	RT_RUNC_STATE,	  /* runc <root>/<id>/state.json */
	RT_CRUN_STATUS,	  /* crun <root>/<id>/status */
	RT_OCI_CONFIG,	  /* OCI config.json: crun state, containerd task, cri-o/podman userdata */
	RT_DOCKER_CONFIG, /* docker containers/<id>/config.v2.json */
	RT_STORAGE_LIST,  /* containers-storage (cri-o, podman) containers.json */
	RT_FORMAT_COUNT,
};

enum rt_rank {
	RT_RANK_NONE,
	RT_RANK_GUESS,	 /* cgroup path shape, OCI cgroupsPath, annotation fallbacks */
	RT_RANK_RUNTIME, /* low-level runtime state: runc, crun */
	RT_RANK_MANAGER, /* containerd, cri-o, podman */
	RT_RANK_DOCKER,	 /* docker's own config */
};

struct rt_record {
	uid_t uid; /* owner of the state files (key with id) */
	char id[CONTAINER_ID_MAX];
	char name[CONTAINER_NAME_MAX];
	char image[CONTAINER_IMAGE_MAX];
	char runtime[CONTAINER_RUNTIME_MAX];
	int name_rank, image_rank, runtime_rank, path_rank;
	char *cgroup_path;		  /* relative to the cgroup2 mount, NULL if unknown */
	char k8s_pod[CONTAINER_NAME_MAX]; /* the k8s_* fields are set by rt_record_finalize() */
	char k8s_namespace[CONTAINER_NAME_MAX];
	char k8s_container[CONTAINER_NAME_MAX];
	char k8s_pod_uid[CONTAINER_NAME_MAX];
	char sandbox_id[CONTAINER_ID_MAX]; /* the CRI pod sandbox's container id, or "" */
	struct container_label *labels;	   /* sorted by key after rt_record_finalize() */
	size_t n_labels, cap_labels;
	/* The pod's labels: a sandbox's own (cri-o records them in its
	 * io.kubernetes.cri-o.Labels annotation); a container's are copied from its
	 * sandbox by rt_set_finalize(). Sorted by key after finalizing. */
	struct container_label *pod_labels;
	size_t n_pod_labels, cap_pod_labels;
	bool live; /* for container.c: its cgroup was found */
};

/* Where a state file came from. */
struct rt_ctx {
	enum rt_format format;
	const char *dir_id;	   /* container id taken from the file's directory, or NULL */
	const char *runtime;	   /* runtime owning the directory, or NULL */
	int rank;		   /* rank of this source's runtime/name/image claims */
	uid_t uid;		   /* owner of the file */
	const char *cgroup2_mount; /* prefix stripped from absolute cgroup paths */
};

struct rt_set;

struct rt_set *rt_set_new(void);
void rt_set_free(struct rt_set *s);
size_t rt_set_count(const struct rt_set *s);
struct rt_record *rt_set_at(const struct rt_set *s, size_t i);
struct rt_record *rt_set_find(const struct rt_set *s, uid_t uid, const char *id);
/* Find or add; NULL with errno EINVAL (bad id), E2BIG (set full) or ENOMEM. */
struct rt_record *rt_set_get(struct rt_set *s, uid_t uid, const char *id);
/* Add src's claims to dst. */
int rt_set_merge(struct rt_set *dst, const struct rt_set *src);
/* Sort labels and derive runtime, Kubernetes fields, image and name fallbacks;
 * then give each CRI container the labels of its pod sandbox. 0 or -ENOMEM. */
int rt_set_finalize(struct rt_set *s);
void rt_record_finalize(struct rt_record *r);

/* Parse one state file (untrusted bytes) into s. 0, -EINVAL, -EFBIG or -ENOMEM. */
int rt_parse(struct rt_set *s, const struct rt_ctx *ctx, const char *buf, size_t len);

/* Claims, for container.c's cgroup-shape records. 0 or -ENOMEM. */
int rt_claim_runtime(struct rt_record *r, const char *runtime, int rank);

bool rt_valid_id(const char *id);
/* Absolute, normalized (no "", "." or ".." component) and not the root. */
bool rt_valid_cgroup_path(const char *path);

/*
 * Container identified by the shape of a cgroup path: "docker-<id>.scope",
 * "cri-containerd-<id>.scope", "crio-<id>.scope", "libpod-<id>[.scope]" or a
 * bare 64-hex component ("/docker/<id>", "/kubepods/.../<id>"), searched from
 * the root. Returns 1 and fills ret_id/ret_runtime ("" when the shape names
 * no runtime), or 0 when the path names no container.
 */
int rt_cgroup_shape(const char *path, char ret_id[CONTAINER_ID_MAX], const char **ret_runtime);

/* OCI linux.cgroupsPath ("/a/b" or systemd "slice:prefix:name") -> path. 0 or -EINVAL. */
int rt_cgroups_path(const char *spec, char *buf, size_t size);

/* The cgroup2 mount point in a /proc/<pid>/mountinfo text. 0, -ENOENT or -ENAMETOOLONG. */
int rt_cgroup2_mount(const char *mountinfo, size_t len, char *buf, size_t size);

#endif
