// SPDX-License-Identifier: Apache-2.0
/*
 * Container attribution cache: cgroup v2 id -> container_info.
 *
 * A scan reads the runtimes' state files (parsing only files that changed
 * since the last scan), merges them into one record per container, then
 * walks the cgroup2 tree once: a directory whose path a record claims, or
 * whose name has a well-known container shape, is that container's cgroup,
 * and everything below it belongs to the same container. The inode number
 * of a cgroup2 directory is its cgroup id.
 *
 * A state file owned by a user (rootless runtimes) only describes
 * containers of that user and only claims cgroups that user owns, so a
 * user cannot make host or other containers' processes look like theirs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "core/clock.h"
#include "runtime.h"

#define NSEC_PER_MSEC	   1000000ull
#define RESCAN_INTERVAL_NS (200 * NSEC_PER_MSEC) /* re-check of young host entries */
/* How long a host entry counts as young: a runtime writes a container's state
 * after its init process entered the cgroup, and the entrypoint's exec comes
 * later still; 2 s was not enough for runc under qemu's TCG (tests/vm). */
#define HOST_RECHECK_NS	 (5000 * NSEC_PER_MSEC)
#define WALK_DEPTH_MAX	 32
#define WALK_DIRS_MAX	 100000
#define SOURCE_FILES_MAX 16384 /* per source, so a user's directory cannot crowd out root's */
#define FIND_PREFIX_MIN	 4
#define MOUNTINFO_PATH	 "/proc/self/mountinfo"
#define MOUNTINFO_MAX	 (16u << 20) /* more mounts than that: use the first 16 MiB */
#define HOST_NAME	 "<host>"

/* Where runtimes keep state, below opts->state_root. `id_depth`: how many
 * directories up from the file the container id directory is (0: in the file).
 * Directories users can write (rootless runtimes) come last. */
static const struct rt_source {
	const char *pattern;
	enum rt_format format;
	const char *runtime;
	int rank;
	unsigned int id_depth;
} sources[] = {
	{ "run/runc/*/state.json", RT_RUNC_STATE, "runc", RT_RANK_RUNTIME, 1 },
	{ "run/crun/*/status", RT_CRUN_STATUS, "crun", RT_RANK_RUNTIME, 1 },
	{ "run/crun/*/config.json", RT_OCI_CONFIG, "crun", RT_RANK_RUNTIME, 1 },
	/* containerd's runc shim: <runc root>/<namespace>/<id> */
	{ "run/containerd/runc/*/*/state.json", RT_RUNC_STATE, "containerd", RT_RANK_MANAGER, 1 },
	{ "run/containerd/io.containerd.runtime.v2.task/*/*/config.json", RT_OCI_CONFIG,
	  "containerd", RT_RANK_MANAGER, 1 },
	{ "run/containerd/io.containerd.runtime.v1.linux/*/*/config.json", RT_OCI_CONFIG,
	  "containerd", RT_RANK_MANAGER, 1 },
	/* docker: runc root "moby" namespace, and its own container config */
	{ "run/docker/runtime-runc/*/*/state.json", RT_RUNC_STATE, "docker", RT_RANK_DOCKER, 1 },
	{ "var/lib/docker/containers/*/config.v2.json", RT_DOCKER_CONFIG, "docker", RT_RANK_DOCKER,
	  1 },
	/* containers-storage (cri-o, podman): graph root and run root; the
	 * runtime comes from the io.container.manager annotation */
	{ "var/lib/containers/storage/overlay-containers/*/userdata/config.json", RT_OCI_CONFIG,
	  NULL, RT_RANK_NONE, 2 },
	{ "run/containers/storage/overlay-containers/*/userdata/config.json", RT_OCI_CONFIG, NULL,
	  RT_RANK_NONE, 2 },
	{ "var/lib/containers/storage/overlay-containers/containers.json", RT_STORAGE_LIST, NULL,
	  RT_RANK_MANAGER, 0 },
	{ "var/lib/containers/storage/overlay-containers/volatile-containers.json", RT_STORAGE_LIST,
	  NULL, RT_RANK_MANAGER, 0 },
	{ "run/containers/storage/overlay-containers/volatile-containers.json", RT_STORAGE_LIST,
	  NULL, RT_RANK_MANAGER, 0 },
	/* rootless runc and crun: $XDG_RUNTIME_DIR/{runc,crun} */
	{ "run/user/*/runc/*/state.json", RT_RUNC_STATE, "runc", RT_RANK_RUNTIME, 1 },
	{ "run/user/*/crun/*/status", RT_CRUN_STATUS, "crun", RT_RANK_RUNTIME, 1 },
	{ "run/user/*/crun/*/config.json", RT_OCI_CONFIG, "crun", RT_RANK_RUNTIME, 1 },
};

struct centry {
	struct container_info info;
	uint64_t seen_gen; /* scan generation whose walk last saw the cgroup */
	uint64_t created_ns;
};

/* A state file and what it said the last time it changed. */
struct state_file {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct rt_set *frag; /* NULL when it did not parse */
	uint64_t seen_gen;
};

struct container_cache {
	int root_fd; /* the cgroup2 root, O_PATH */
	char *cgroup2_mount;
	char *state_glob; /* opts->state_root, escaped for glob(3) */

	struct centry **slots; /* open addressing by cgroup id, linear probing */
	size_t n_slots, n_entries;

	struct centry **containers; /* own cgroups of the containers of the last scan */
	size_t n_containers, cap_containers;

	struct state_file **files;
	size_t n_files, cap_files;
	void *file_tree; /* tsearch over files, by path */

	uint64_t gen;
	uint64_t last_scan_ns;
};

struct scan {
	struct container_cache *c;
	struct rt_set *set;
	void *paths; /* tsearch over the set's records, by cgroup path */
	uint64_t target;
	size_t dirs;
	char path[RT_CGROUP_PATH_MAX];
};

/* ---- cgroup id table ------------------------------------------------------ */

static size_t slot_of(uint64_t id, size_t n_slots)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdull; /* murmur3 finalizer */
	id ^= id >> 33;
	return id & (n_slots - 1);
}

static struct centry *table_find(const struct container_cache *c, uint64_t id)
{
	size_t i;

	if (!c->n_slots)
		return NULL;
	for (i = slot_of(id, c->n_slots); c->slots[i]; i = (i + 1) & (c->n_slots - 1))
		if (c->slots[i]->info.cgroup_id == id)
			return c->slots[i];
	return NULL;
}

static void table_put(struct centry **slots, size_t n_slots, struct centry *e)
{
	size_t i = slot_of(e->info.cgroup_id, n_slots);

	while (slots[i])
		i = (i + 1) & (n_slots - 1);
	slots[i] = e;
}

/* Rebuild with the entries `keep` accepts (all when NULL), freeing the rest. */
static int table_rebuild(struct container_cache *c, size_t n_slots,
			 bool (*keep)(struct container_cache *, struct centry *));

static int table_insert(struct container_cache *c, struct centry *e)
{
	int ret;

	if ((c->n_entries + 1) * 2 > c->n_slots) {
		ret = table_rebuild(c, c->n_slots ? c->n_slots * 2 : 64, NULL);
		if (ret < 0)
			return ret;
	}
	table_put(c->slots, c->n_slots, e);
	c->n_entries++;
	return 0;
}

static void labels_free(struct container_label *labels, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(labels[i].key);
		free(labels[i].value);
	}
	free(labels);
}

static bool labels_equal(const struct container_label *a, size_t n_a,
			 const struct container_label *b, size_t n_b)
{
	size_t i;

	if (n_a != n_b)
		return false;
	for (i = 0; i < n_a; i++)
		if (strcmp(a[i].key, b[i].key) || strcmp(a[i].value, b[i].value))
			return false;
	return true;
}

/* Replace *dst (n_dst) with a copy of src unless they are equal already. */
static int labels_copy(struct container_label **dst, size_t *n_dst,
		       const struct container_label *src, size_t n)
{
	struct container_label *labels = NULL;
	size_t i;

	if (labels_equal(*dst, *n_dst, src, n))
		return 0;
	if (n) {
		labels = calloc(n, sizeof(*labels));
		if (!labels)
			return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		labels[i].key = strdup(src[i].key);
		labels[i].value = strdup(src[i].value);
		if (!labels[i].key || !labels[i].value) {
			labels_free(labels, i + 1);
			return -ENOMEM;
		}
	}
	labels_free(*dst, *n_dst);
	*dst = labels;
	*n_dst = n;
	return 0;
}

struct container_info *container_info_dup(const struct container_info *ci)
{
	struct container_info *d = malloc(sizeof(*d));

	if (!d)
		return NULL;
	*d = *ci;
	d->labels = d->k8s_labels = NULL;
	d->n_labels = d->n_k8s_labels = 0;
	d->cgroup_path = strdup(ci->cgroup_path ? ci->cgroup_path : "");
	if (!d->cgroup_path ||
	    labels_copy(&d->labels, &d->n_labels, ci->labels, ci->n_labels) < 0 ||
	    labels_copy(&d->k8s_labels, &d->n_k8s_labels, ci->k8s_labels, ci->n_k8s_labels) < 0) {
		container_info_free(d);
		return NULL;
	}
	return d;
}

void container_info_free(struct container_info *ci)
{
	if (!ci)
		return;
	labels_free(ci->labels, ci->n_labels);
	labels_free(ci->k8s_labels, ci->n_k8s_labels);
	free(ci->cgroup_path);
	free(ci);
}

static void centry_free(struct centry *e)
{
	if (!e)
		return;
	labels_free(e->info.labels, e->info.n_labels);
	labels_free(e->info.k8s_labels, e->info.n_k8s_labels);
	free(e->info.cgroup_path);
	free(e);
}

static int table_rebuild(struct container_cache *c, size_t n_slots,
			 bool (*keep)(struct container_cache *, struct centry *))
{
	struct centry **slots;
	size_t i, n = 0;

	slots = calloc(n_slots, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < c->n_slots; i++) {
		struct centry *e = c->slots[i];

		if (!e)
			continue;
		if (keep && !keep(c, e)) {
			centry_free(e);
			continue;
		}
		table_put(slots, n_slots, e);
		n++;
	}
	free(c->slots);
	c->slots = slots;
	c->n_slots = n_slots;
	c->n_entries = n;
	return 0;
}

/* ---- entries ---------------------------------------------------------------- */

/* Point an entry at a record (NULL: host) and a cgroup path. */
static int centry_fill(struct centry *e, const struct rt_record *r, const char *path)
{
	struct container_info *ci = &e->info;
	char *dup;

	if (!ci->cgroup_path || strcmp(ci->cgroup_path, path)) {
		dup = strdup(path);
		if (!dup)
			return -ENOMEM;
		free(ci->cgroup_path);
		ci->cgroup_path = dup;
	}
	ci->host = !r;
	if (!r) {
		ci->id[0] = ci->name[0] = ci->image[0] = ci->runtime[0] = '\0';
		ci->k8s_pod[0] = ci->k8s_namespace[0] = ci->k8s_container[0] = '\0';
		ci->k8s_pod_uid[0] = '\0';
		labels_free(ci->labels, ci->n_labels);
		labels_free(ci->k8s_labels, ci->n_k8s_labels);
		ci->labels = ci->k8s_labels = NULL;
		ci->n_labels = ci->n_k8s_labels = 0;
		return 0;
	}
	/* Same sizes on both sides (CONTAINER_*_MAX). */
	strcpy(ci->id, r->id);
	strcpy(ci->name, r->name);
	strcpy(ci->image, r->image);
	strcpy(ci->runtime, r->runtime);
	strcpy(ci->k8s_pod, r->k8s_pod);
	strcpy(ci->k8s_namespace, r->k8s_namespace);
	strcpy(ci->k8s_container, r->k8s_container);
	strcpy(ci->k8s_pod_uid, r->k8s_pod_uid);
	return labels_copy(&ci->labels, &ci->n_labels, r->labels, r->n_labels)
		       ?: labels_copy(&ci->k8s_labels, &ci->n_k8s_labels, r->pod_labels,
				      r->n_pod_labels);
}

static struct centry *centry_add(struct container_cache *c, uint64_t id)
{
	struct centry *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->info.cgroup_id = id;
	e->info.host = true;
	e->created_ns = clock_now_ns(CLOCK_MONOTONIC);
	if (table_insert(c, e) < 0) {
		free(e);
		errno = ENOMEM;
		return NULL;
	}
	return e;
}

static int containers_push(struct container_cache *c, struct centry *e)
{
	struct centry **v;

	if (c->n_containers == c->cap_containers) {
		size_t cap = c->cap_containers ? c->cap_containers * 2 : 16;

		v = reallocarray(c->containers, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->containers = v;
		c->cap_containers = cap;
	}
	c->containers[c->n_containers++] = e;
	return 0;
}

/* The walk found cgroup `ino` at `path`, owned by `r` (NULL: host). Host
 * cgroups are only recorded when already cached or looked up. */
static int visit(struct scan *s, uint64_t ino, const char *path, struct rt_record *r, bool own)
{
	struct container_cache *c = s->c;
	struct centry *e = table_find(c, ino);
	int ret;

	if (!e) {
		if (!r && ino != s->target)
			return 0;
		e = centry_add(c, ino);
		if (!e)
			return -ENOMEM;
	}
	e->seen_gen = c->gen;
	ret = centry_fill(e, r, path);
	if (ret < 0)
		return ret;
	if (r && own && !r->live) {
		r->live = true;
		return containers_push(c, e);
	}
	return 0;
}

/* ---- state files -------------------------------------------------------- */

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct state_file *)a)->path, ((const struct state_file *)b)->path);
}

static void state_file_free(struct state_file *f)
{
	if (!f)
		return;
	rt_set_free(f->frag);
	free(f->path);
	free(f);
}

static struct state_file *file_get(struct container_cache *c, char *path)
{
	struct state_file key = { .path = path }, *f, **files;
	void *node = tfind(&key, &c->file_tree, file_cmp);

	if (node)
		return *(struct state_file **)node;
	if (c->n_files == c->cap_files) {
		size_t cap = c->cap_files ? c->cap_files * 2 : 32;

		files = reallocarray(c->files, cap, sizeof(*files));
		if (!files)
			return NULL;
		c->files = files;
		c->cap_files = cap;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->path = strdup(path);
	if (!f->path || !tsearch(f, &c->file_tree, file_cmp)) {
		state_file_free(f);
		return NULL;
	}
	c->files[c->n_files++] = f;
	return f;
}

/* Forget files that were not seen in this scan. */
static void files_prune(struct container_cache *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->n_files; i++) {
		struct state_file *f = c->files[i];

		if (f->seen_gen == c->gen) {
			c->files[n++] = f;
			continue;
		}
		tdelete(f, &c->file_tree, file_cmp);
		state_file_free(f);
	}
	c->n_files = n;
}

static bool same_file(const struct state_file *f, const struct stat *st)
{
	return f->dev == st->st_dev && f->ino == st->st_ino && f->size == st->st_size &&
	       f->mtime.tv_sec == st->st_mtim.tv_sec && f->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* Read a regular file of at most RT_FILE_MAX bytes without following a final symlink. */
static int read_state_file(const char *path, char **ret_buf, size_t *ret_len, struct stat *ret_st)
{
	size_t len = 0, cap;
	char *buf, *grown;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, ret_st) < 0) {
		ret = -errno;
		goto out_close;
	}
	if (!S_ISREG(ret_st->st_mode)) {
		ret = -EINVAL;
		goto out_close;
	}
	if (ret_st->st_size > (off_t)RT_FILE_MAX) {
		ret = -EFBIG;
		goto out_close;
	}
	/* One byte more than fstat() says, to see growth; grow up to one past the cap. */
	cap = (size_t)ret_st->st_size + 1;
	buf = malloc(cap);
	if (!buf) {
		ret = -ENOMEM;
		goto out_close;
	}
	for (;;) {
		if (len == cap) {
			if (cap > RT_FILE_MAX) {
				ret = -EFBIG;
				goto out_free;
			}
			cap = cap * 2 > RT_FILE_MAX + 1 ? RT_FILE_MAX + 1 : cap * 2;
			grown = realloc(buf, cap);
			if (!grown) {
				ret = -ENOMEM;
				goto out_free;
			}
			buf = grown;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out_free;
		}
		if (n == 0)
			break;
		len += n;
	}
	*ret_buf = buf;
	*ret_len = len;
	close(fd);
	return 0;

out_free:
	free(buf);
out_close:
	close(fd);
	return ret;
}

/* The name of the directory `depth` levels above `path`'s last component. */
static int path_component(const char *path, unsigned int depth, char *buf, size_t size)
{
	const char *end = path + strlen(path), *start;

	while (depth--) {
		while (end > path && end[-1] != '/')
			end--;
		while (end > path && end[-1] == '/')
			end--;
	}
	start = end;
	while (start > path && start[-1] != '/')
		start--;
	if ((size_t)(end - start) >= size)
		return -ENAMETOOLONG;
	memcpy(buf, start, end - start);
	buf[end - start] = '\0';
	return 0;
}

/* Parse a state file again when it changed; keep what it said otherwise. */
static int load_file(struct container_cache *c, const struct rt_source *src, char *path)
{
	char dir_id[CONTAINER_ID_MAX];
	struct rt_ctx ctx = {
		.format = src->format,
		.runtime = src->runtime,
		.rank = src->rank,
		.cgroup2_mount = c->cgroup2_mount,
	};
	struct state_file *f;
	struct stat st;
	size_t len = 0;
	char *buf = NULL;
	int ret;

	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	f = file_get(c, path);
	if (!f)
		return -ENOMEM;
	f->seen_gen = c->gen;
	if (same_file(f, &st))
		return 0;
	rt_set_free(f->frag);
	f->frag = NULL;
	ret = read_state_file(path, &buf, &len, &st);
	/* Remember what was looked at, parsed or not, so a bad file is read once. */
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime = st.st_mtim;
	if (ret < 0)
		return ret == -ENOMEM ? ret : 0;
	if (src->id_depth && !path_component(path, src->id_depth, dir_id, sizeof(dir_id)))
		ctx.dir_id = dir_id;
	ctx.uid = st.st_uid;
	f->frag = rt_set_new();
	ret = f->frag ? rt_parse(f->frag, &ctx, buf, len) : -ENOMEM;
	free(buf);
	if (ret < 0) {
		rt_set_free(f->frag);
		f->frag = NULL;
	}
	return ret == -ENOMEM ? ret : 0;
}

static void glob_escape(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 2 < size; s++) {
		if (strchr("*?[]\\", *s))
			buf[n++] = '\\';
		buf[n++] = *s;
	}
	buf[n] = '\0';
}

/* All state files -> one merged, finalized record set. */
static int collect(struct container_cache *c, struct rt_set *set)
{
	char pattern[PATH_MAX];
	glob_t g;
	size_t i, j;
	int ret = 0;

	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		if (snprintf(pattern, sizeof(pattern), "%s/%s", c->state_glob,
			     sources[i].pattern) >= (int)sizeof(pattern))
			continue;
		ret = glob(pattern, GLOB_NOSORT, NULL, &g);
		if (ret == GLOB_NOSPACE)
			return -ENOMEM;
		if (ret)
			continue; /* GLOB_NOMATCH, GLOB_ABORTED: nothing there */
		for (j = 0; j < g.gl_pathc && j < SOURCE_FILES_MAX; j++) {
			ret = load_file(c, &sources[i], g.gl_pathv[j]);
			if (ret < 0)
				break;
		}
		globfree(&g);
		if (ret < 0)
			return ret;
	}
	files_prune(c);
	for (i = 0; i < c->n_files; i++) {
		if (!c->files[i]->frag)
			continue;
		ret = rt_set_merge(set, c->files[i]->frag);
		if (ret < 0)
			return ret;
	}
	return rt_set_finalize(set);
}

/* ---- cgroup walk ---------------------------------------------------------- */

static int rec_path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rt_record *)a)->cgroup_path,
		      ((const struct rt_record *)b)->cgroup_path);
}

static int index_paths(struct scan *s)
{
	size_t i;

	for (i = 0; i < rt_set_count(s->set); i++) {
		struct rt_record *r = rt_set_at(s->set, i);

		/* The first claim of a path wins. */
		if (r->cgroup_path && !tsearch(r, &s->paths, rec_path_cmp))
			return -ENOMEM;
	}
	return 0;
}

/* A rootless runtime's record only owns cgroups its user owns. */
static bool may_own(const struct rt_record *r, const struct stat *st)
{
	return r->uid == 0 || r->uid == st->st_uid;
}

/* The record claiming the walk's current path (s->path) by its state, or NULL. */
static struct rt_record *path_claim(struct scan *s, const struct stat *st)
{
	struct rt_record key = { .cgroup_path = s->path }, *r;
	void *node = tfind(&key, &s->paths, rec_path_cmp);

	if (!node)
		return NULL;
	r = *(struct rt_record **)node;
	return may_own(r, st) ? r : NULL;
}

/* The container the shape of s->path names, or NULL. */
static struct rt_record *shape_claim(struct scan *s, const struct stat *st)
{
	char id[CONTAINER_ID_MAX];
	const char *runtime;
	struct rt_record *r;

	if (!rt_cgroup_shape(s->path, id, &runtime))
		return NULL;
	r = rt_set_find(s->set, 0, id);
	if (!r && st->st_uid != 0)
		r = rt_set_find(s->set, st->st_uid, id);
	if (r)
		return r;
	/* A container the state directories do not know: the shape is all. */
	r = rt_set_get(s->set, 0, id);
	if (!r)
		return NULL;
	rt_claim_runtime(r, runtime, RT_RANK_GUESS);
	rt_record_finalize(r);
	return r;
}

static int walk(struct scan *s, int dfd, size_t len, struct rt_record *owner, unsigned int depth)
{
	struct rt_record *r;
	struct dirent *de;
	struct stat st;
	size_t nlen;
	bool own;
	DIR *d;
	int fd, ret = 0;

	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	while ((de = readdir(d)) && s->dirs < WALK_DIRS_MAX) {
		if ((de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) ||
		    !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		nlen = len + 1 + strlen(de->d_name);
		if (nlen >= sizeof(s->path))
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue; /* gone, or not a directory */
		if (fstat(fd, &st) < 0) {
			close(fd);
			continue;
		}
		s->dirs++;
		s->path[len] = '/';
		strcpy(s->path + len + 1, de->d_name);
		/* A state claim wins (the innermost container), then the ancestor's
		 * container, then the path shape. */
		own = true;
		r = path_claim(s, &st);
		if (!r && owner) {
			r = owner;
			own = false;
		}
		if (!r)
			r = shape_claim(s, &st);
		ret = visit(s, st.st_ino, s->path, r, r && own);
		if (ret < 0 || depth + 1 >= WALK_DEPTH_MAX)
			close(fd);
		else
			ret = walk(s, fd, nlen, r, depth + 1);
		s->path[len] = '\0';
		if (ret < 0)
			break;
	}
	closedir(d);
	return ret;
}

static int walk_root(struct scan *s)
{
	struct stat st;
	size_t i;
	int fd, ret;

	fd = openat(s->c->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = visit(s, st.st_ino, "/", NULL, false); /* containers never own the root */
	if (ret < 0) {
		close(fd);
		return ret;
	}
	s->path[0] = '\0';
	ret = walk(s, fd, 0, NULL, 0);
	if (ret < 0)
		return ret;

	/* Cgroups the walk did not reach (capped, or created while it ran). */
	for (i = 0; i < rt_set_count(s->set); i++) {
		struct rt_record *r = rt_set_at(s->set, i);
		struct centry *e;

		if (r->live || !r->cgroup_path ||
		    fstatat(s->c->root_fd, r->cgroup_path + 1, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode) || !may_own(r, &st))
			continue;
		e = table_find(s->c, st.st_ino);
		if (e && e->seen_gen == s->c->gen)
			continue; /* walked and given to another claim of the same path */
		ret = visit(s, st.st_ino, r->cgroup_path, r, true);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void tree_node_keep(void *node)
{
	(void)node;
}

/* Resolve everything again; `target` (0: none) gets an entry if its cgroup is found. */
static int scan(struct container_cache *c, uint64_t target)
{
	struct scan s = { .c = c, .target = target };
	uint64_t start = clock_now_ns(CLOCK_MONOTONIC);
	int ret;

	s.set = rt_set_new();
	if (!s.set)
		return -ENOMEM;
	c->gen++;
	c->n_containers = 0;
	ret = collect(c, s.set);
	if (ret == 0)
		ret = index_paths(&s);
	if (ret == 0)
		ret = walk_root(&s);
	c->last_scan_ns = start; /* the scan saw what existed from then on */
	tdestroy(s.paths, tree_node_keep);
	rt_set_free(s.set);
	return ret;
}

/* ---- public API ------------------------------------------------------------ */

static char *detect_cgroup2_root(void)
{
	char *buf = NULL, *grown, path[RT_CGROUP_PATH_MAX];
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, ret;

	fd = open(MOUNTINFO_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			grown = cap <= MOUNTINFO_MAX ? realloc(buf, cap) : NULL;
			if (!grown)
				break; /* use what was read */
			buf = grown;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	ret = buf ? rt_cgroup2_mount(buf, len, path, sizeof(path)) : -ENOMEM;
	free(buf);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	return strdup(path);
}

struct container_cache *container_cache_new(const struct container_cache_opts *opts)
{
	const struct container_cache_opts none = { 0 };
	char escaped[PATH_MAX], *root;
	struct container_cache *c;
	int saved;

	if (!opts)
		opts = &none;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->root_fd = -1;
	root = opts->cgroup2_root ? strdup(opts->cgroup2_root) : detect_cgroup2_root();
	if (!root)
		goto out_free;
	c->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0) {
		free(root);
		goto out_free;
	}
	c->cgroup2_mount = strdup(opts->cgroup2_mount ? opts->cgroup2_mount : root);
	free(root);
	if (!c->cgroup2_mount)
		goto out_free;
	glob_escape(opts->state_root ? opts->state_root : "", escaped, sizeof(escaped));
	c->state_glob = strdup(escaped);
	if (!c->state_glob)
		goto out_free;
	return c;

out_free:
	saved = errno;
	container_cache_free(c);
	errno = saved;
	return NULL;
}

void container_cache_free(struct container_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n_slots; i++)
		centry_free(c->slots[i]);
	free(c->slots);
	free(c->containers);
	tdestroy(c->file_tree, tree_node_keep);
	for (i = 0; i < c->n_files; i++)
		state_file_free(c->files[i]);
	free(c->files);
	if (c->root_fd >= 0)
		close(c->root_fd);
	free(c->cgroup2_mount);
	free(c->state_glob);
	free(c);
}

int container_cache_lookup(struct container_cache *c, uint64_t cgroup_id,
			   const struct container_info **ret_info)
{
	return container_cache_lookup_at(c, cgroup_id, 0, ret_info);
}

/* The entry of cgroup_id, or -EAGAIN when only a scan can tell; settled: a
 * scan just ran for it. */
static int peek(struct container_cache *c, uint64_t cgroup_id, uint64_t when_ns, bool settled,
		const struct container_info **ret_info)
{
	struct centry *e;
	uint64_t now;

	if (!c || !ret_info)
		return -EINVAL;
	e = table_find(c, cgroup_id);
	if (!e)
		return settled ? -ENOENT : -EAGAIN; /* never seen */
	now = clock_now_ns(CLOCK_MONOTONIC);
	/* Young at the last scan, so maybe still young: an event newer than the
	 * last scan may come from a container whose state appeared since, and
	 * its exec must not show as host. */
	if (!settled && e->info.host && e->created_ns + HOST_RECHECK_NS > c->last_scan_ns &&
	    now - e->created_ns < HOST_RECHECK_NS &&
	    (when_ns > c->last_scan_ns || now - c->last_scan_ns >= RESCAN_INTERVAL_NS))
		return -EAGAIN;
	e->info.tentative = e->info.host && now - e->created_ns < HOST_RECHECK_NS;
	*ret_info = &e->info;
	return 0;
}

int container_cache_peek(struct container_cache *c, uint64_t cgroup_id, uint64_t when_ns,
			 const struct container_info **ret_info)
{
	return peek(c, cgroup_id, when_ns, false, ret_info);
}

int container_cache_settled(struct container_cache *c, uint64_t cgroup_id,
			    const struct container_info **ret_info)
{
	return peek(c, cgroup_id, 0, true, ret_info);
}

/* A cgroup id the next scan is to resolve: an entry (host until the walk
 * finds it) that the walk then fills. */
static int expect(struct container_cache *c, uint64_t cgroup_id)
{
	struct centry *e;

	if (table_find(c, cgroup_id))
		return 0;
	e = centry_add(c, cgroup_id);
	if (!e)
		return -ENOMEM;
	return centry_fill(e, NULL, "");
}

int container_cache_resolve(struct container_cache *c, const uint64_t *ids, size_t n)
{
	int ret;

	if (!c)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		ret = expect(c, ids[i]);
		if (ret < 0)
			return ret;
	}
	return scan(c, 0);
}

int container_cache_lookup_at(struct container_cache *c, uint64_t cgroup_id, uint64_t when_ns,
			      const struct container_info **ret_info)
{
	int ret = container_cache_peek(c, cgroup_id, when_ns, ret_info);

	if (ret != -EAGAIN)
		return ret;
	/* One scan, whatever the rate; an id it does not find is the host's. */
	ret = container_cache_resolve(c, &cgroup_id, 1);
	if (ret < 0)
		return ret;
	return container_cache_settled(c, cgroup_id, ret_info);
}

int container_cache_scan(struct container_cache *c)
{
	if (!c)
		return -EINVAL;
	return scan(c, 0);
}

/* An entry the last walk did not see stays while its cgroup still exists. */
static bool entry_alive(struct container_cache *c, struct centry *e)
{
	const char *path = e->info.cgroup_path;
	struct stat st;
	int ret;

	if (e->seen_gen == c->gen)
		return true;
	if (!path || path[0] != '/')
		return false; /* never found */
	if (path[1])
		ret = fstatat(c->root_fd, path + 1, &st, AT_SYMLINK_NOFOLLOW);
	else
		ret = fstat(c->root_fd, &st);
	return ret == 0 && S_ISDIR(st.st_mode) && st.st_ino == e->info.cgroup_id;
}

int container_cache_gc(struct container_cache *c)
{
	size_t n_slots;
	int ret;

	if (!c)
		return -EINVAL;
	ret = scan(c, 0);
	if (ret < 0 || !c->n_slots)
		return ret;
	/* Shrink the table as entries go, keeping it at most half full. */
	for (n_slots = c->n_slots; n_slots > 64 && c->n_entries * 8 < n_slots; n_slots /= 2)
		;
	return table_rebuild(c, n_slots, entry_alive);
}

int container_cache_find(struct container_cache *c, const char *query, uint64_t **ret_ids)
{
	const char *prefix_id = NULL;
	size_t i, qlen, n = 0;
	uint64_t *ids;
	int ret;

	if (!c || !query || !query[0] || !ret_ids)
		return -EINVAL;
	if (!c->gen || clock_now_ns(CLOCK_MONOTONIC) - c->last_scan_ns >= RESCAN_INTERVAL_NS) {
		ret = scan(c, 0);
		if (ret < 0)
			return ret;
	}
	ids = calloc(c->n_containers ? c->n_containers : 1, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (i = 0; i < c->n_containers; i++) {
		const struct container_info *ci = &c->containers[i]->info;

		if (!strcmp(ci->name, query) || !strcmp(ci->id, query))
			ids[n++] = ci->cgroup_id;
	}
	qlen = strlen(query);
	for (i = 0; !n && qlen >= FIND_PREFIX_MIN && i < c->n_containers; i++) {
		const struct container_info *ci = &c->containers[i]->info;

		if (strncmp(ci->id, query, qlen))
			continue;
		if (prefix_id && strcmp(prefix_id, ci->id)) {
			free(ids);
			return -ENOTUNIQ;
		}
		prefix_id = ci->id;
	}
	/* The same id twice: a root and a rootless runtime; both are meant. */
	for (i = 0; prefix_id && i < c->n_containers; i++)
		if (!strcmp(c->containers[i]->info.id, prefix_id))
			ids[n++] = c->containers[i]->info.cgroup_id;
	*ret_ids = ids;
	return (int)n;
}

size_t container_cache_count(const struct container_cache *c)
{
	return c ? c->n_containers : 0;
}

const struct container_info *container_cache_at(const struct container_cache *c, size_t i)
{
	return c && i < c->n_containers ? &c->containers[i]->info : NULL;
}

const char *container_display_name(const struct container_info *ci)
{
	return !ci || ci->host || !ci->name[0] ? HOST_NAME : ci->name;
}
