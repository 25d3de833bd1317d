// SPDX-License-Identifier: Apache-2.0
/*
 * Container attribution: fixture state trees (tests/data/containers/) against
 * a fake cgroup2 root made of plain directories in a temporary directory; a
 * directory's inode number plays the cgroup id, as on cgroup2.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "attribution/container.h"
#include "attribution/runtime.h"
#include "trace/tracker.h"

/* Ids in tests/data/containers/node. */
#define DOCKER_ID	"d0c4ad548c5b83fa61d8e3bd86ad42a7ffea9b7c86e3f9d8095c1577d3e1270b"
#define CTRD_ID		"c1b5a7ba240ec1c914a20822c7c5896311e38d0394149f015393021cfcf077b5"
#define SANDBOX_ID	"c202b63cda513324555da0754beaf665d8b585aabf0ccf9520ba84527c9ec312"
#define CRIO_ID		"e59d5128d60fc8700442dedc0ff1aee26728830447b2144dc9851f3f6b1c9695"
#define CRIO_SANDBOX_ID "e661f18e8a1d0b627c2c875851c047c9191526c4d89a8b2dd646be63334764bd"
#define CTRD_POD_UID	"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
#define CRIO_POD_UID	"7a6b5c4d-3e2f-1a0b-9c8d-7e6f5a4b3c2d"
#define PODMAN_ID	"9af1de1ee7d501603cd01aae382a0d01c4b986ea58f6c8f3826bddc5d0902160"
#define SHAPE_DOCKER_ID "d0c4bb2ff58b6dce4e7d8f77825d84fee2b9c80a3fd12fb12d62e7582ee6db10"
#define SHAPE_KUBE_ID	"6ba65d326f4725dc0fe3bf8f64c44918a7ea40d01a593fe7903039ba1724afd9"
#define POD_DIR                                     \
	"/kubepods.slice/kubepods-burstable.slice/" \
	"kubepods-burstable-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice"
#define POD2_DIR                                     \
	"/kubepods.slice/kubepods-besteffort.slice/" \
	"kubepods-besteffort-pod7a6b5c4d_3e2f_1a0b_9c8d_7e6f5a4b3c2d.slice"
#define POD3_DIR       "/kubepods/besteffort/pod5e4d3c2b-1a09-8f7e-6d5c-4b3a29180706"
#define NODE_MOUNT     "/sys/fs/cgroup"
#define HYBRID_MOUNT   "/sys/fs/cgroup/unified"
#define RESCAN_WAIT_US 300000 /* longer than the cache's 200 ms re-check interval */

static char data_dir[PATH_MAX]; /* tests/data/containers */

struct env {
	char dir[64];	 /* temporary directory */
	char cg[128];	 /* <dir>/cg: the fake cgroup2 root */
	char state[128]; /* <dir>/state: a state root tests write */
	struct container_cache *c;
};

static void mkdir_p(const char *base, const char *rel)
{
	char path[PATH_MAX], *p;

	assert_true(snprintf(path, sizeof(path), "%s%s", base, rel) < (int)sizeof(path));
	for (p = path + strlen(base) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static void write_file(const char *base, const char *rel, const char *content, size_t len)
{
	char path[PATH_MAX], dir[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s%s", base, rel);
	snprintf(dir, sizeof(dir), "%s", rel);
	mkdir_p(base, dirname(dir));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
}

static uint64_t cg_ino(const struct env *e, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", e->cg, rel);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static struct env *env_new(const char *tree, const char *mount, const char *const *dirs)
{
	struct container_cache_opts opts = { 0 };
	char state[PATH_MAX];
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	snprintf(e->dir, sizeof(e->dir), "/tmp/ward-test-container-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->cg, sizeof(e->cg), "%s/cg", e->dir);
	snprintf(e->state, sizeof(e->state), "%s/state", e->dir);
	assert_int_equal(mkdir(e->cg, 0755), 0);
	assert_int_equal(mkdir(e->state, 0755), 0);
	for (; dirs && *dirs; dirs++)
		mkdir_p(e->cg, *dirs);
	if (tree)
		assert_true(snprintf(state, sizeof(state), "%s/%s", data_dir, tree) <
			    (int)sizeof(state));
	opts.state_root = tree ? state : e->state;
	opts.cgroup2_root = e->cg;
	opts.cgroup2_mount = mount;
	e->c = container_cache_new(&opts);
	assert_non_null(e->c);
	return e;
}

static void env_free(struct env *e)
{
	container_cache_free(e->c);
	assert_int_equal(nftw(e->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(e);
}

static const struct container_info *lookup(struct env *e, const char *rel)
{
	const struct container_info *ci = NULL;

	assert_int_equal(container_cache_lookup(e->c, cg_ino(e, rel), &ci), 0);
	assert_non_null(ci);
	assert_int_equal(ci->cgroup_id, cg_ino(e, rel));
	return ci;
}

static const char *label(const struct container_info *ci, const char *key)
{
	size_t i;

	for (i = 0; i < ci->n_labels; i++)
		if (!strcmp(ci->labels[i].key, key))
			return ci->labels[i].value;
	return NULL;
}

static void assert_labels_sorted(const struct container_info *ci)
{
	size_t i;

	for (i = 1; i < ci->n_labels; i++)
		assert_true(strcmp(ci->labels[i - 1].key, ci->labels[i].key) < 0);
}

static void assert_host(const struct container_info *ci)
{
	assert_true(ci->host);
	assert_string_equal(ci->id, "");
	assert_string_equal(ci->name, "");
	assert_int_equal(ci->n_labels, 0);
	assert_string_equal(container_display_name(ci), "<host>");
}

/* ---- the node tree: every runtime layout side by side ----------------------- */

static const char *const node_dirs[] = {
	"/web1",
	"/system.slice/docker-" DOCKER_ID ".scope",
	POD_DIR "/cri-containerd-" CTRD_ID ".scope",
	POD_DIR "/cri-containerd-" SANDBOX_ID ".scope",
	POD2_DIR "/crio-" CRIO_ID ".scope",
	POD2_DIR "/crio-conmon-" CRIO_ID ".scope",
	POD2_DIR "/crio-" CRIO_SANDBOX_ID ".scope",
	"/machine.slice/libpod-" PODMAN_ID ".scope/container",
	"/system.slice/docker-" SHAPE_DOCKER_ID ".scope",
	POD3_DIR "/" SHAPE_KUBE_ID,
	"/system.slice/sshd.service",
	NULL,
};

static const struct expect {
	const char *cgroup;
	const char *id, *name, *image, *runtime;
	const char *pod, *ns, *k8s_container;
	size_t n_labels;
	const char *label_key, *label_value; /* one label to check, or NULL */
	const char *pod_uid;
	size_t n_pod_labels; /* the pod's labels (cri-o's sandbox): app=cache among them */
} node_expect[] = {
	{ "/web1", "web1", "web1", "docker.io/library/nginx:1.25", "runc", "", "", "", 2,
	  "com.example.tier", "frontend", NULL, 0 },
	{ "/system.slice/docker-" DOCKER_ID ".scope", DOCKER_ID, "shop-db",
	  "docker.io/library/postgres:16", "docker", "", "", "", 2, "com.docker.compose.project",
	  "shop", NULL, 0 },
	{ POD_DIR "/cri-containerd-" CTRD_ID ".scope", CTRD_ID, "api",
	  "registry.example.com/shop/api:2.1", "containerd", "api-7d9f8-xk2lp", "prod", "api", 7,
	  "io.kubernetes.cri.sandbox-uid", CTRD_POD_UID, CTRD_POD_UID, 0 },
	/* a sandbox without runc state: the cgroup from the OCI systemd cgroupsPath */
	{ POD_DIR "/cri-containerd-" SANDBOX_ID ".scope", SANDBOX_ID, SANDBOX_ID, "", "containerd",
	  "api-7d9f8-xk2lp", "prod", "", 5, "io.kubernetes.cri.container-type", "sandbox",
	  CTRD_POD_UID, 0 },
	{ POD2_DIR "/crio-" CRIO_ID ".scope", CRIO_ID, "redis", "docker.io/library/redis:7.2",
	  "cri-o", "cache-0", "prod", "redis", 31, "io.container.manager", "cri-o", CRIO_POD_UID,
	  4 },
	/* cri-o's pod sandbox: the pod's labels in its io.kubernetes.cri-o.Labels, kubelet's
	 * io.kubernetes.pod.* among them its own labels */
	{ POD2_DIR "/crio-" CRIO_SANDBOX_ID ".scope", CRIO_SANDBOX_ID, CRIO_SANDBOX_ID, "", "cri-o",
	  "cache-0", "prod", "", 32, "io.kubernetes.pod.uid", CRIO_POD_UID, CRIO_POD_UID, 4 },
	{ "/machine.slice/libpod-" PODMAN_ID ".scope", PODMAN_ID, "redis",
	  "docker.io/library/redis:7.0", "podman", "", "", "", 6, "io.container.manager", "libpod",
	  NULL, 0 },
	/* nested below the podman container's cgroup */
	{ "/machine.slice/libpod-" PODMAN_ID ".scope/container", PODMAN_ID, "redis",
	  "docker.io/library/redis:7.0", "podman", "", "", "", 6, NULL, NULL, NULL, 0 },
	/* no state at all: the cgroup path shape is all there is */
	{ "/system.slice/docker-" SHAPE_DOCKER_ID ".scope", SHAPE_DOCKER_ID, SHAPE_DOCKER_ID, "",
	  "docker", "", "", "", 0, NULL, NULL, NULL, 0 },
	{ POD3_DIR "/" SHAPE_KUBE_ID, SHAPE_KUBE_ID, SHAPE_KUBE_ID, "", "", "", "", "", 0, NULL,
	  NULL, NULL, 0 },
};

static void test_node_layouts(void **state)
{
	struct env *e = env_new("node", NODE_MOUNT, node_dirs);
	const struct container_info *ci;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(node_expect) / sizeof(node_expect[0]); i++) {
		const struct expect *x = &node_expect[i];

		ci = lookup(e, x->cgroup);
		assert_false(ci->host);
		assert_string_equal(ci->id, x->id);
		assert_string_equal(ci->name, x->name);
		assert_string_equal(ci->image, x->image);
		assert_string_equal(ci->runtime, x->runtime);
		assert_string_equal(ci->k8s_pod, x->pod);
		assert_string_equal(ci->k8s_namespace, x->ns);
		assert_string_equal(ci->k8s_container, x->k8s_container);
		assert_string_equal(ci->cgroup_path, x->cgroup);
		assert_string_equal(container_display_name(ci), x->name);
		assert_int_equal(ci->n_labels, x->n_labels);
		assert_labels_sorted(ci);
		assert_null(label(ci, "bundle")); /* runc's own label is not an annotation */
		if (x->label_key) {
			assert_non_null(label(ci, x->label_key));
			assert_string_equal(label(ci, x->label_key), x->label_value);
		}
		assert_string_equal(ci->k8s_pod_uid, x->pod_uid ? x->pod_uid : "");
		assert_int_equal(ci->n_k8s_labels, x->n_pod_labels);
		for (size_t j = 0; j < ci->n_k8s_labels; j++) {
			assert_true(!j ||
				    strcmp(ci->k8s_labels[j - 1].key, ci->k8s_labels[j].key) < 0);
			assert_true(strncmp(ci->k8s_labels[j].key, "io.kubernetes.", 14));
		}
		if (x->n_pod_labels) {
			assert_string_equal(ci->k8s_labels[0].key, "app");
			assert_string_equal(ci->k8s_labels[0].value, "cache");
		}
	}

	/* Every running container once, by its own cgroup; exited ones (runc
	 * state or docker config left behind, storage entries) are not running. */
	assert_int_equal(container_cache_scan(e->c), 0);
	assert_int_equal(container_cache_count(e->c), 9);
	for (i = 0; i < container_cache_count(e->c); i++) {
		ci = container_cache_at(e->c, i);
		assert_non_null(ci);
		assert_false(ci->host);
		assert_string_not_equal(ci->cgroup_path,
					"/machine.slice/libpod-" PODMAN_ID ".scope/container");
		assert_string_not_equal(ci->id, "old1");
	}
	assert_null(container_cache_at(e->c, i));
	env_free(e);
}

static void test_node_hosts(void **state)
{
	struct env *e = env_new("node", NODE_MOUNT, node_dirs);
	const struct container_info *ci;

	(void)state;
	ci = lookup(e, "");
	assert_host(ci);
	assert_string_equal(ci->cgroup_path, "/");
	ci = lookup(e, "/system.slice/sshd.service");
	assert_host(ci);
	assert_string_equal(ci->cgroup_path, "/system.slice/sshd.service");
	/* cri-o's monitor runs next to the container, not in it */
	assert_host(lookup(e, POD2_DIR "/crio-conmon-" CRIO_ID ".scope"));
	/* the pod's cgroup holds containers but is none */
	assert_host(lookup(e, POD3_DIR));
	assert_host(lookup(e, POD_DIR));

	/* A cgroup id that exists nowhere is host too, with no path. */
	assert_int_equal(container_cache_lookup(e->c, UINT64_MAX - 1, &ci), 0);
	assert_host(ci);
	assert_string_equal(ci->cgroup_path, "");
	assert_string_equal(container_display_name(NULL), "<host>");
	assert_int_equal(container_cache_lookup(NULL, 1, &ci), -EINVAL);
	assert_int_equal(container_cache_lookup(e->c, 1, NULL), -EINVAL);
	env_free(e);
}

static void test_find(void **state)
{
	struct env *e = env_new("node", NODE_MOUNT, node_dirs);
	uint64_t *ids, crio, podman;
	int n;

	(void)state;
	crio = cg_ino(e, POD2_DIR "/crio-" CRIO_ID ".scope");
	podman = cg_ino(e, "/machine.slice/libpod-" PODMAN_ID ".scope");

	/* One name, two runtimes: both. */
	n = container_cache_find(e->c, "redis", &ids);
	assert_int_equal(n, 2);
	assert_true((ids[0] == crio && ids[1] == podman) || (ids[0] == podman && ids[1] == crio));
	free(ids);

	n = container_cache_find(e->c, "shop-db", &ids);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], cg_ino(e, "/system.slice/docker-" DOCKER_ID ".scope"));
	free(ids);

	n = container_cache_find(e->c, DOCKER_ID, &ids);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], cg_ino(e, "/system.slice/docker-" DOCKER_ID ".scope"));
	free(ids);

	/* A unique id prefix: the container's own cgroup, not the nested one. */
	n = container_cache_find(e->c, "9af1", &ids);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], podman);
	free(ids);
	n = container_cache_find(e->c, "d0c4a", &ids);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], cg_ino(e, "/system.slice/docker-" DOCKER_ID ".scope"));
	free(ids);

	/* Two containers start with d0c4. */
	assert_int_equal(container_cache_find(e->c, "d0c4", &ids), -ENOTUNIQ);
	/* Prefixes shorter than 4 do not match; names must match whole. */
	n = container_cache_find(e->c, "9af", &ids);
	assert_int_equal(n, 0);
	free(ids);
	n = container_cache_find(e->c, "web", &ids);
	assert_int_equal(n, 0);
	free(ids);
	n = container_cache_find(e->c, "web1", &ids);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], cg_ino(e, "/web1"));
	free(ids);
	/* Not running. */
	n = container_cache_find(e->c, "old1", &ids);
	assert_int_equal(n, 0);
	free(ids);
	n = container_cache_find(e->c, "migrate", &ids);
	assert_int_equal(n, 0);
	free(ids);

	assert_int_equal(container_cache_find(e->c, "", &ids), -EINVAL);
	assert_int_equal(container_cache_find(e->c, NULL, &ids), -EINVAL);
	env_free(e);
}

/* runc 1.1 state captured on a host with cgroup2 at /sys/fs/cgroup/unified. */
static void test_runc_hybrid(void **state)
{
	static const char *const dirs[] = { "/wardc-test1", NULL };
	struct env *e = env_new("runc-hybrid", HYBRID_MOUNT, dirs);
	const struct container_info *ci;

	(void)state;
	ci = lookup(e, "/wardc-test1");
	assert_false(ci->host);
	assert_string_equal(ci->id, "wardc-test1");
	assert_string_equal(ci->runtime, "runc");
	assert_string_equal(ci->name, "nginx");
	assert_string_equal(ci->image, "docker.io/library/busybox:1.36");
	assert_string_equal(ci->k8s_pod, "web-0");
	assert_string_equal(ci->k8s_namespace, "shop");
	assert_string_equal(ci->k8s_container, "nginx");
	assert_int_equal(ci->n_labels, 4);
	assert_labels_sorted(ci);
	assert_null(label(ci, "bundle"));
	env_free(e);
}

/* ---- the cache over time ---------------------------------------------------- */

/* A minimal runc state.json in <state>/<root>/<id>/. */
static void write_state_in(struct env *e, const char *root, const char *id)
{
	char rel[PATH_MAX], json[1024];
	int n;

	snprintf(rel, sizeof(rel), "%s/%s/state.json", root, id);
	n = snprintf(json, sizeof(json),
		     "{\"id\": \"%s\", \"cgroup_paths\": {\"\": \"" NODE_MOUNT "/%s\"}, "
		     "\"config\": {\"labels\": [\"app=%s\", \"bundle=/b/%s\"]}}",
		     id, id, id, id);
	write_file(e->state, rel, json, n);
}

static void write_runc_state(struct env *e, const char *id)
{
	write_state_in(e, "/run/runc", id);
}

static void test_new_container_on_miss(void **state)
{
	struct env *e = env_new(NULL, NODE_MOUNT, NULL);
	const struct container_info *ci;

	(void)state;
	assert_host(lookup(e, ""));
	assert_int_equal(container_cache_count(e->c), 0);

	/* Started after the cache was created and scanned: the first lookup of
	 * its cgroup id rescans, whatever the rate limit. */
	mkdir_p(e->cg, "/late1");
	write_runc_state(e, "late1");
	ci = lookup(e, "/late1");
	assert_false(ci->host);
	assert_string_equal(ci->id, "late1");
	assert_string_equal(ci->runtime, "runc");
	assert_string_equal(label(ci, "app"), "late1");
	assert_int_equal(container_cache_count(e->c), 1);
	env_free(e);
}

/* A container's cgroup inside another's belongs to the inner one. */
static void test_nested_containers(void **state)
{
	static const char *const dirs[] = { "/outer/inner/leaf", "/outer/other", NULL };
	struct env *e = env_new(NULL, NODE_MOUNT, dirs);
	char rel[PATH_MAX], json[256];
	int n;

	(void)state;
	write_runc_state(e, "outer");
	snprintf(rel, sizeof(rel), "/run/runc/inner/state.json");
	n = snprintf(json, sizeof(json),
		     "{\"id\": \"inner\", \"cgroup_paths\": "
		     "{\"\": \"" NODE_MOUNT "/outer/inner\"}}");
	write_file(e->state, rel, json, n);
	assert_string_equal(lookup(e, "/outer")->id, "outer");
	assert_string_equal(lookup(e, "/outer/other")->id, "outer");
	assert_string_equal(lookup(e, "/outer/inner")->id, "inner");
	assert_string_equal(lookup(e, "/outer/inner/leaf")->id, "inner");
	assert_int_equal(container_cache_count(e->c), 2);
	env_free(e);
}

static void test_host_recheck(void **state)
{
	struct env *e = env_new(NULL, NODE_MOUNT, NULL);
	const struct container_info *ci, *again;

	(void)state;
	/* The cgroup exists before the state file (runc create). */
	mkdir_p(e->cg, "/late2");
	ci = lookup(e, "/late2");
	assert_host(ci);
	write_runc_state(e, "late2");
	usleep(RESCAN_WAIT_US);
	again = lookup(e, "/late2");
	assert_ptr_equal(again, ci); /* updated in place */
	assert_false(again->host);
	assert_string_equal(again->id, "late2");
	env_free(e);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The race a container start runs: its cgroup is seen (as host) a moment
 * before its runtime writes state.json, then its entrypoint execs. An event
 * newer than the last scan must be re-resolved at once, rate limit or not;
 * an event older than the last scan is what that scan already answered. */
static void test_host_recheck_event_time(void **state)
{
	struct env *e = env_new(NULL, NODE_MOUNT, NULL);
	const struct container_info *ci = NULL;
	uint64_t before_state;

	(void)state;
	mkdir_p(e->cg, "/late3");
	before_state = mono_ns(); /* before the scan the next lookup runs */
	ci = lookup(e, "/late3");
	assert_host(ci);
	assert_true(ci->tentative);
	write_runc_state(e, "late3");

	/* No time given, within the rate limit: still the old answer. */
	assert_int_equal(container_cache_lookup(e->c, cg_ino(e, "/late3"), &ci), 0);
	assert_true(ci->host);
	/* An event from before the last scan: no rescan needed. */
	assert_int_equal(container_cache_lookup_at(e->c, cg_ino(e, "/late3"), before_state, &ci),
			 0);
	assert_true(ci->host);
	/* An event from now: rescanned at once. */
	assert_int_equal(container_cache_lookup_at(e->c, cg_ino(e, "/late3"), mono_ns(), &ci), 0);
	assert_false(ci->host);
	assert_false(ci->tentative);
	assert_string_equal(ci->id, "late3");
	env_free(e);
}

/* The event loop's hot path: peek never scans (a new container stays unknown,
 * -EAGAIN), and one resolve attributes every pending cgroup at once. */
static void test_peek_resolve(void **state)
{
	struct env *e = env_new(NULL, NODE_MOUNT, NULL);
	const struct container_info *ci = NULL;
	uint64_t ids[3];

	(void)state;
	assert_host(lookup(e, ""));
	mkdir_p(e->cg, "/p1");
	mkdir_p(e->cg, "/p2");
	mkdir_p(e->cg, "/h1");
	write_runc_state(e, "p1");
	write_runc_state(e, "p2");
	ids[0] = cg_ino(e, "/p1");
	ids[1] = cg_ino(e, "/p2");
	ids[2] = cg_ino(e, "/h1");
	for (int i = 0; i < 3; i++)
		assert_int_equal(container_cache_peek(e->c, ids[i], mono_ns(), &ci), -EAGAIN);
	assert_int_equal(container_cache_count(e->c), 0); /* nothing was scanned */
	assert_int_equal(container_cache_resolve(e->c, ids, 3), 0);
	assert_int_equal(container_cache_settled(e->c, ids[0], &ci), 0);
	assert_string_equal(ci->id, "p1");
	assert_int_equal(container_cache_settled(e->c, ids[1], &ci), 0);
	assert_string_equal(ci->id, "p2");
	assert_int_equal(container_cache_settled(e->c, ids[2], &ci), 0);
	assert_true(ci->host);
	assert_int_equal(container_cache_count(e->c), 2);
	/* known now: peek answers without a scan */
	assert_int_equal(container_cache_peek(e->c, ids[0], 0, &ci), 0);
	assert_string_equal(ci->id, "p1");
	env_free(e);
}

/* What a tracker's records reached its emit with, in order. */
static struct emitted {
	uint64_t cgroup_id[8];
	char id[8][128];
	bool host[8];
	size_t n;
} emitted;

static int record_emit(struct tracker *t, const void *rec, size_t size,
		       const struct container_info *ci)
{
	const struct ward_rec_hdr *h = rec;

	(void)t;
	assert_int_equal(size, sizeof(*h));
	assert_true(emitted.n < 8);
	emitted.cgroup_id[emitted.n] = h->cgroup_id;
	snprintf(emitted.id[emitted.n], sizeof(emitted.id[0]), "%s", ci->id);
	emitted.host[emitted.n++] = ci->host;
	return 0;
}

static void record(struct tracker *t, uint64_t cgroup_id)
{
	struct ward_rec_hdr h = { .cgroup_id = cgroup_id, .ts_ns = mono_ns() };

	assert_int_equal(tracker_record_of(t, &h, sizeof(h), h.cgroup_id, h.ts_ns, record_emit), 0);
	assert_int_equal(t->err, 0);
}

/* The session's pending queue: records wait for one scan, in order; with
 * hold_tentative_ns (ward learn), a young cgroup that looks like the host
 * keeps its records until its runtime's state appears, or until the end. */
static void test_session_pending(void **state)
{
	struct env *e = env_new(NULL, NODE_MOUNT, NULL);
	struct session s = { .cc = e->c };
	struct tracker t = { .s = &s };
	char path[PATH_MAX];
	uint64_t young, known;

	(void)state;
	mkdir_p(e->cg, "/known");
	mkdir_p(e->cg, "/young");
	write_runc_state(e, "known");
	known = cg_ino(e, "/known");
	young = cg_ino(e, "/young");
	memset(&emitted, 0, sizeof(emitted));

	/* ward run/server: unknown cgroups wait for one scan, later records
	 * queue behind them; the young one is the host's at once. */
	record(&t, young);
	record(&t, known);
	assert_int_equal(emitted.n, 0);
	assert_int_equal(s.pending.n, 2);
	assert_int_equal(session_resolve(&s, false), 0);
	assert_int_equal(emitted.n, 2);
	assert_true(emitted.cgroup_id[0] == young && emitted.host[0]);
	assert_true(emitted.cgroup_id[1] == known && !strcmp(emitted.id[1], "known"));
	assert_int_equal(s.pending.n, 0);
	assert_int_equal(t.pending, 0);

	/* ward learn: the young one is held; a known one is not held up. */
	s.hold_tentative_ns = 10ULL * 1000000000ULL;
	s.resolve_each_wakeup = true;
	memset(&emitted, 0, sizeof(emitted));
	record(&t, young);
	assert_int_equal(s.pending.n, 1);
	assert_int_equal(session_resolve_due(&s, mono_ns()), 0);
	assert_int_equal(emitted.n, 0);
	assert_int_equal(s.pending.held, 1);
	record(&t, known); /* queued behind the held one, then let through */
	assert_int_equal(session_resolve_due(&s, mono_ns()), 0);
	assert_int_equal(emitted.n, 1);
	assert_true(emitted.cgroup_id[0] == known);
	assert_true(session_resolve_at(&s) != UINT64_MAX);

	/* One queued behind it whose cgroup the cache forgot meanwhile (gc):
	 * scanned again, no error; a cgroup new to the cache again, it is
	 * held like the young one. */
	record(&t, known);
	snprintf(path, sizeof(path), "%s/known", e->cg);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(container_cache_gc(e->c), 0);
	assert_int_equal(session_resolve_due(&s, mono_ns()), 0);
	assert_int_equal(emitted.n, 1);
	assert_int_equal(s.pending.held, 2);

	/* The runtime writes its state: the end (one scan) gives the records
	 * their container, in order; the gone cgroup's is the host's. */
	write_runc_state(e, "young");
	assert_int_equal(session_resolve(&s, true), 0);
	assert_int_equal(emitted.n, 3);
	assert_true(emitted.cgroup_id[1] == young && !emitted.host[1]);
	assert_string_equal(emitted.id[1], "young");
	assert_true(emitted.cgroup_id[2] == known && emitted.host[2]);
	assert_int_equal(s.pending.n, 0);
	assert_int_equal(t.pending, 0);
	assert_true(session_resolve_at(&s) == UINT64_MAX);
	session_pending_free(&s);
	env_free(e);
}

static void test_gc(void **state)
{
	struct env *e = env_new(NULL, NODE_MOUNT, NULL);
	const struct container_info *ci;
	char path[PATH_MAX], rel[PATH_MAX];
	uint64_t gone, kept;

	(void)state;
	mkdir_p(e->cg, "/gone");
	mkdir_p(e->cg, "/kept");
	write_runc_state(e, "gone");
	write_runc_state(e, "kept");
	gone = cg_ino(e, "/gone");
	kept = cg_ino(e, "/kept");
	assert_false(lookup(e, "/gone")->host);
	assert_false(lookup(e, "/kept")->host);
	assert_int_equal(container_cache_count(e->c), 2);

	/* The container ends: runc deletes its state, the cgroup goes. */
	snprintf(path, sizeof(path), "%s/gone", e->cg);
	assert_int_equal(rmdir(path), 0);
	snprintf(rel, sizeof(rel), "%s/run/runc/gone", e->state);
	assert_int_equal(nftw(rel, rm_entry, 4, FTW_DEPTH | FTW_PHYS), 0);
	assert_int_equal(container_cache_gc(e->c), 0);
	assert_int_equal(container_cache_count(e->c), 1);
	assert_string_equal(container_cache_at(e->c, 0)->id, "kept");

	/* Forgotten: the id now resolves afresh, to nothing. */
	assert_int_equal(container_cache_lookup(e->c, gone, &ci), 0);
	assert_host(ci);
	assert_string_equal(ci->cgroup_path, "");
	assert_int_equal(container_cache_lookup(e->c, kept, &ci), 0);
	assert_string_equal(ci->id, "kept");
	assert_int_equal(container_cache_gc(NULL), -EINVAL);
	env_free(e);
}

/* A state file of a user only claims cgroups of that user. */
static void test_rootless_claims(void **state)
{
	static const char *const dirs[] = { "/rootless1", NULL };
	struct env *e;
	const struct container_info *ci;
	char path[PATH_MAX];
	const uid_t user = 4242;

	(void)state;
	if (geteuid() != 0) {
		print_message("SKIP test_rootless_claims: chown to another user needs root\n");
		skip();
	}
	e = env_new(NULL, NODE_MOUNT, dirs);
	write_state_in(e, "/run/user/4242/runc", "rootless1");
	snprintf(path, sizeof(path), "%s/run/user/4242/runc/rootless1/state.json", e->state);
	assert_int_equal(chown(path, user, user), 0);
	ci = lookup(e, "/rootless1");
	assert_host(ci); /* the cgroup is root's */

	snprintf(path, sizeof(path), "%s/rootless1", e->cg);
	assert_int_equal(chown(path, user, user), 0);
	assert_int_equal(container_cache_scan(e->c), 0);
	assert_false(ci->host);
	assert_string_equal(ci->id, "rootless1");
	env_free(e);
}

/* ---- untrusted state files -------------------------------------------------- */

static void test_malformed_tree(void **state)
{
	static const char *const dirs[] = {
		"/good", "/bad1", "/bad3", "/bad6", "/bad7", "/okpod", "/badname", NULL,
	};
	struct env *e = env_new("malformed", NODE_MOUNT, dirs);
	const struct container_info *ci;
	uint64_t *ids;

	(void)state;
	assert_int_equal(container_cache_scan(e->c), 0);
	assert_int_equal(container_cache_count(e->c), 4);

	ci = lookup(e, "/good");
	assert_string_equal(ci->id, "good");
	assert_int_equal(ci->n_labels, 1);
	assert_host(lookup(e, "/bad1")); /* truncated JSON */
	assert_host(lookup(e, "/bad3")); /* id "../../etc" */
	assert_host(lookup(e, "/bad6")); /* crun status is an array */
	assert_host(lookup(e, ""));	 /* bad5 claims the root */
	/* bad4's path climbs out of the mount */
	assert_int_equal(container_cache_find(e->c, "bad4", &ids), 0);
	free(ids);

	/* "<host>" is no name, 5 no image, a list no labels. */
	ci = lookup(e, "/bad7");
	assert_string_equal(ci->name, "bad7");
	assert_string_equal(ci->image, "");
	assert_string_equal(ci->runtime, "docker");
	assert_int_equal(ci->n_labels, 0);

	/* The storage list's good entry among garbage ones. */
	ci = lookup(e, "/okpod");
	assert_string_equal(ci->name, "ok-name");
	assert_string_equal(ci->image, "docker.io/library/img:1");
	assert_string_equal(ci->runtime, "crun");
	ci = lookup(e, "/badname");
	assert_string_equal(ci->name, "badname");
	assert_string_equal(ci->image, "");
	env_free(e);
}

static void test_hostile_files(void **state)
{
	static const char *const dirs[] = {
		"/big", "/deep", "/fifo", "/link", "/dir", "/ok", NULL,
	};
	struct env *e = env_new(NULL, NODE_MOUNT, dirs);
	char path[PATH_MAX], target[PATH_MAX], *buf;
	size_t n = RT_FILE_MAX + 64, depth = 100000;
	int len;

	(void)state;
	/* Valid JSON, one page too long. */
	buf = malloc(n);
	assert_non_null(buf);
	memset(buf, ' ', n);
	len = snprintf(buf, n,
		       "{\"id\": \"big\", \"cgroup_paths\": {\"\": \"" NODE_MOUNT "/big\"}");
	buf[len] = ' ';
	buf[n - 1] = '}';
	write_file(e->state, "/run/runc/big/state.json", buf, n);
	/* Nested past any parser's stack. */
	memset(buf, '[', depth);
	write_file(e->state, "/run/runc/deep/state.json", buf, depth);
	free(buf);
	/* A FIFO would block a reader; a symlink could point anywhere. */
	mkdir_p(e->state, "/run/runc/fifo");
	snprintf(path, sizeof(path), "%s/run/runc/fifo/state.json", e->state);
	assert_int_equal(mkfifo(path, 0600), 0);
	write_runc_state(e, "ok");
	mkdir_p(e->state, "/run/runc/link");
	snprintf(target, sizeof(target), "%s/run/runc/ok/state.json", e->state);
	snprintf(path, sizeof(path), "%s/run/runc/link/state.json", e->state);
	assert_int_equal(symlink(target, path), 0);
	mkdir_p(e->state, "/run/runc/dir/state.json");

	assert_int_equal(container_cache_scan(e->c), 0);
	assert_int_equal(container_cache_count(e->c), 1);
	assert_string_equal(lookup(e, "/ok")->id, "ok");
	assert_host(lookup(e, "/big"));
	assert_host(lookup(e, "/deep"));
	assert_host(lookup(e, "/fifo"));
	assert_host(lookup(e, "/link"));
	assert_host(lookup(e, "/dir"));
	env_free(e);
}

/* ---- parsers and path rules ------------------------------------------------- */

static struct rt_set *parse_one(enum rt_format format, const char *runtime, int rank,
				const char *json)
{
	const struct rt_ctx ctx = {
		.format = format,
		.dir_id = "ctr1",
		.runtime = runtime,
		.rank = rank,
		.cgroup2_mount = NODE_MOUNT,
	};
	struct rt_set *s = rt_set_new();

	assert_non_null(s);
	assert_int_equal(rt_parse(s, &ctx, json, strlen(json)), 0);
	return s;
}

/* The runtime that knows a field best wins, in whatever order files come. */
static void test_merge_ranks(void **state)
{
	static const char runc[] = "{\"id\": \"ctr1\", \"cgroup_paths\": {\"\": \"" NODE_MOUNT
				   "/system.slice/docker-ctr1.scope\"}}";
	static const char docker[] = "{\"ID\": \"ctr1\", \"Name\": \"/db\", \"Config\": "
				     "{\"Image\": \"postgres:16\", \"Labels\": {\"a\": \"b\"}}}";
	static const char oci[] = "{\"annotations\": {\"a\": \"other\", \"c\": \"d\"}, "
				  "\"linux\": {\"cgroupsPath\": \"/guess\"}}";
	struct rt_set *parts[3], *merged;
	struct rt_record *r;
	int order;

	(void)state;
	parts[0] = parse_one(RT_RUNC_STATE, "docker", RT_RANK_DOCKER, runc);
	parts[1] = parse_one(RT_DOCKER_CONFIG, "docker", RT_RANK_DOCKER, docker);
	parts[2] = parse_one(RT_OCI_CONFIG, "containerd", RT_RANK_MANAGER, oci);
	for (order = 0; order < 2; order++) {
		merged = rt_set_new();
		assert_non_null(merged);
		assert_int_equal(rt_set_merge(merged, parts[order ? 2 : 0]), 0);
		assert_int_equal(rt_set_merge(merged, parts[1]), 0);
		assert_int_equal(rt_set_merge(merged, parts[order ? 0 : 2]), 0);
		assert_int_equal(rt_set_finalize(merged), 0);
		assert_int_equal(rt_set_count(merged), 1);
		r = rt_set_find(merged, 0, "ctr1");
		assert_non_null(r);
		assert_string_equal(r->runtime, "docker");
		assert_string_equal(r->name, "db");
		assert_string_equal(r->image, "docker.io/library/postgres:16");
		assert_string_equal(r->cgroup_path, "/system.slice/docker-ctr1.scope");
		assert_int_equal(r->n_labels, 2);
		assert_string_equal(r->labels[0].key, "a");
		assert_string_equal(r->labels[1].key, "c");
		rt_set_free(merged);
	}
	rt_set_free(parts[0]);
	rt_set_free(parts[1]);
	rt_set_free(parts[2]);
	rt_set_free(NULL);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"null",
		"42",
		"\"str\"",
		"[]",
		"{",
		"{\"id\": \"a/b\"}",
		"{\"id\": \".hidden\"}",
	};
	const struct rt_ctx ctx = { .format = RT_RUNC_STATE, .cgroup2_mount = NODE_MOUNT };
	struct rt_set *s = rt_set_new();
	size_t i;

	(void)state;
	assert_non_null(s);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(rt_parse(s, &ctx, bad[i], strlen(bad[i])), -EINVAL);
	assert_int_equal(rt_parse(s, &ctx, "{}", RT_FILE_MAX + 1), -EFBIG);
	assert_int_equal(rt_set_count(s), 0);
	rt_set_free(s);
}

static void test_cgroup_shapes(void **state)
{
	static const struct {
		const char *path, *id, *runtime;
	} cases[] = {
		{ "/system.slice/docker-" DOCKER_ID ".scope", DOCKER_ID, "docker" },
		{ "/docker/" DOCKER_ID, DOCKER_ID, "docker" },
		{ "/docker/" DOCKER_ID "/init.scope", DOCKER_ID, "docker" },
		{ "/kubepods/burstable/pod0f1e2d3c/" CTRD_ID, CTRD_ID, "" },
		{ POD_DIR "/cri-containerd-" CTRD_ID ".scope", CTRD_ID, "containerd" },
		{ POD2_DIR "/crio-" CRIO_ID ".scope", CRIO_ID, "cri-o" },
		{ "/machine.slice/libpod-" PODMAN_ID ".scope/container", PODMAN_ID, "podman" },
		{ "/libpod_parent/libpod-" PODMAN_ID, PODMAN_ID, "podman" },
		{ "/" SHAPE_KUBE_ID, SHAPE_KUBE_ID, "" },
		{ "/system.slice/docker.service", NULL, NULL },
		{ POD2_DIR "/crio-conmon-" CRIO_ID ".scope", NULL, NULL },
		{ "/machine.slice/libpod-conmon-" PODMAN_ID ".scope", NULL, NULL },
		/* 63 and 65 hex digits, upper case */
		{ "/docker-d0c4ad548c5b83fa61d8e3bd86ad42a7ffea9b7c86e3f9d8095c1577d3e1270.scope",
		  NULL, NULL },
		{ "/docker-D0C4AD548C5B83FA61D8E3BD86AD42A7FFEA9B7C86E3F9D8095C1577D3E1270B.scope",
		  NULL, NULL },
		{ "/docker-" DOCKER_ID "0.scope", NULL, NULL },
		{ "/user.slice/user-1000.slice/session-2.scope", NULL, NULL },
		{ "/", NULL, NULL },
		{ "", NULL, NULL },
	};
	char id[CONTAINER_ID_MAX];
	const char *runtime;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!cases[i].id) {
			assert_int_equal(rt_cgroup_shape(cases[i].path, id, &runtime), 0);
			continue;
		}
		assert_int_equal(rt_cgroup_shape(cases[i].path, id, &runtime), 1);
		assert_string_equal(id, cases[i].id);
		assert_string_equal(runtime, cases[i].runtime);
	}
}

static void test_cgroups_path(void **state)
{
	static const struct {
		const char *spec, *path;
	} cases[] = {
		{ "/kubepods/besteffort/pod1/abc", "/kubepods/besteffort/pod1/abc" },
		{ "system.slice:docker:abc", "/system.slice/docker-abc.scope" },
		{ "kubepods-burstable-pod1.slice:cri-containerd:abc",
		  "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
		  "cri-containerd-abc.scope" },
		{ ":libpod:abc", "/system.slice/libpod-abc.scope" },
		{ "-.slice:p:abc", "/p-abc.scope" },
		{ "machine.slice::abc", "/machine.slice/abc.scope" },
		{ "/a/../b", NULL },
		{ "/a//b", NULL },
		{ "/", NULL },
		{ "relative/path", NULL },
		{ "a.slice:b", NULL },
		{ "a.slice:b:c:d", NULL },
		{ "a--b.slice:p:n", NULL },
		{ "-a.slice:p:n", NULL },
		{ "a-.slice:p:n", NULL },
		{ "a.slice:p:", NULL },
		{ "notaslice:p:n", NULL },
		{ "a.slice:p:x/y", NULL },
		{ "a/b.slice:p:n", NULL },
	};
	char buf[RT_CGROUP_PATH_MAX], small[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!cases[i].path) {
			assert_int_equal(rt_cgroups_path(cases[i].spec, buf, sizeof(buf)), -EINVAL);
			continue;
		}
		assert_int_equal(rt_cgroups_path(cases[i].spec, buf, sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].path);
	}
	assert_int_equal(rt_cgroups_path("system.slice:docker:abc", small, sizeof(small)), -EINVAL);
}

static void test_mountinfo(void **state)
{
	static const char hybrid[] =
		"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
		"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
		"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
	static const char v2[] =
		"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
		"26 21 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 "
		"cgroup2 rw,nsdelegate,memory_recursiveprot";
	static const char nested_first[] =
		"50 40 0:38 /kubepods /host/cg rw - cgroup2 cgroup2 rw\n"
		"51 40 0:38 / /sys/fs/my\\040cgroup rw - cgroup2 cgroup2 rw\n";
	static const char only_nested[] = "50 40 0:38 /kubepods /host/cg rw - cgroup2 cgroup2 rw\n";
	static const char none[] = "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
				   "garbage line without separator cgroup2\n"
				   "1 2 3 - cgroup2\n";
	char buf[RT_CGROUP_PATH_MAX], small[8];

	(void)state;
	assert_int_equal(rt_cgroup2_mount(hybrid, strlen(hybrid), buf, sizeof(buf)), 0);
	assert_string_equal(buf, HYBRID_MOUNT);
	assert_int_equal(rt_cgroup2_mount(v2, strlen(v2), buf, sizeof(buf)), 0);
	assert_string_equal(buf, NODE_MOUNT);
	assert_int_equal(rt_cgroup2_mount(nested_first, strlen(nested_first), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/my cgroup");
	assert_int_equal(rt_cgroup2_mount(only_nested, strlen(only_nested), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/host/cg");
	assert_int_equal(rt_cgroup2_mount(none, strlen(none), buf, sizeof(buf)), -ENOENT);
	assert_int_equal(rt_cgroup2_mount(hybrid, strlen(hybrid), small, sizeof(small)),
			 -ENAMETOOLONG);
}

static void test_new_errors(void **state)
{
	const struct container_cache_opts opts = { .cgroup2_root = "/nonexistent/ward/cgroup" };

	(void)state;
	assert_null(container_cache_new(&opts));
	assert_int_equal(errno, ENOENT);
	container_cache_free(NULL);
	assert_int_equal(container_cache_count(NULL), 0);
	assert_null(container_cache_at(NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_layouts),
		cmocka_unit_test(test_node_hosts),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_runc_hybrid),
		cmocka_unit_test(test_new_container_on_miss),
		cmocka_unit_test(test_nested_containers),
		cmocka_unit_test(test_host_recheck),
		cmocka_unit_test(test_host_recheck_event_time),
		cmocka_unit_test(test_gc),
		cmocka_unit_test(test_rootless_claims),
		cmocka_unit_test(test_malformed_tree),
		cmocka_unit_test(test_hostile_files),
		cmocka_unit_test(test_merge_ranks),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_cgroup_shapes),
		cmocka_unit_test(test_cgroups_path),
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_new_errors),
		cmocka_unit_test(test_peek_resolve),
		cmocka_unit_test(test_session_pending),
	};
	char self[] = __FILE__;

	/* tests/unit/test_container.c -> tests/data/containers */
	snprintf(data_dir, sizeof(data_dir), "%s/../data/containers", dirname(self));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
