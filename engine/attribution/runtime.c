// SPDX-License-Identifier: Apache-2.0
/*
 * Parsers for container runtime state files and the cgroup path rules.
 *
 * Every input here is untrusted (a state directory may be writable by a
 * rootless user, a file may be half-written): values are type-checked, ids,
 * names and images are charset-checked before they are stored, and record,
 * label and size counts are capped. Formats, as the runtimes write them:
 *
 *   runc state.json   {"id", "cgroup_paths": {"": <abs path>}, "config":
 *                      {"labels": ["<annotation>=<value>", "bundle=<dir>"],
 *                       "cgroups": {"path", "parent", "scope_prefix", "name", "Systemd"}}}
 *   crun status       {"pid", "cgroup-path": <path below the mount>, "bundle", ...}
 *   OCI config.json   {"annotations": {...}, "linux": {"cgroupsPath"}}; from CRI:
 *                     containerd's io.kubernetes.cri.{sandbox-name,sandbox-namespace,
 *                     sandbox-uid,sandbox-id,container-name,container-type,image-name},
 *                     cri-o's io.kubernetes.{pod.name,pod.namespace,pod.uid,container.name},
 *                     io.kubernetes.cri-o.{SandboxID,ContainerType,ImageName} and, on a
 *                     sandbox, io.kubernetes.cri-o.Labels: "<JSON: the pod's labels>"
 *   docker config.v2  {"ID", "Name": "/<name>", "Config": {"Image", "Labels": {...}}}
 *   containers.json   [{"id", "names": [...], "metadata": "<JSON: {\"image-name\"}>"}]
 */
#include <errno.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rulesc/match.h"
#include "runtime.h"

struct rt_set {
	struct rt_record **recs;
	size_t n, cap;
	void *tree; /* tsearch tree over recs, by (uid, id) */
};

/* Annotations (OCI) and labels (docker, CRI) that carry well-known fields. */
static const char *const k8s_pod_keys[] = {
	"io.kubernetes.pod.name",
	"io.kubernetes.cri.sandbox-name",
	NULL,
};
static const char *const k8s_namespace_keys[] = {
	"io.kubernetes.pod.namespace",
	"io.kubernetes.cri.sandbox-namespace",
	NULL,
};
static const char *const k8s_container_keys[] = {
	"io.kubernetes.container.name",
	"io.kubernetes.cri.container-name",
	NULL,
};
static const char *const k8s_pod_uid_keys[] = {
	"io.kubernetes.pod.uid",
	"io.kubernetes.cri.sandbox-uid",
	NULL,
};
/* The pod sandbox a CRI container belongs to, and the sandbox's own mark. */
static const char *const sandbox_id_keys[] = {
	"io.kubernetes.cri.sandbox-id",
	"io.kubernetes.cri-o.SandboxID",
	NULL,
};
static const char *const container_type_keys[] = {
	"io.kubernetes.cri.container-type",
	"io.kubernetes.cri-o.ContainerType",
	NULL,
};
#define CONTAINER_TYPE_SANDBOX "sandbox"
/* cri-o: the pod's labels, JSON in a string, on the sandbox's config.json; the
 * ones kubelet adds for itself (io.kubernetes.pod.name, ...) are the sandbox's
 * own labels, not the pod's. */
#define CRIO_LABELS_KEY	  "io.kubernetes.cri-o.Labels"
#define KUBELET_POD_LABEL "io.kubernetes.pod."
static const char *const image_keys[] = {
	"io.kubernetes.cri.image-name",
	"io.kubernetes.cri-o.ImageName",
	"org.opencontainers.image.ref.name",
	NULL,
};
#define MANAGER_KEY	   "io.container.manager" /* set by cri-o and podman */
#define CRI_CONTAINERD_KEY "io.kubernetes.cri.container-type"
#define RUNC_BUNDLE_LABEL  "bundle" /* runc's own, not an annotation */

static const struct {
	const char *value;
	const char *runtime;
} managers[] = {
	{ "cri-o", "cri-o" },
	{ "libpod", "podman" },
};

static const struct {
	const char *prefix;
	const char *runtime;
} scope_shapes[] = {
	{ "docker-", "docker" },
	{ "cri-containerd-", "containerd" },
	{ "crio-", "cri-o" },
	{ "libpod-", "podman" },
};
#define SCOPE_SUFFIX	       ".scope"
#define DOCKER_CGROUPFS_PARENT "docker" /* "/docker/<id>" */
#define SHAPE_ID_LEN	       64
#define SLICE_SUFFIX	       ".slice"
#define SYSTEMD_DEFAULT_SLICE  "system.slice" /* runc and crun, for an empty slice */

static bool is_alnum(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Non-empty, shorter than max, alphanumerics plus `extra`, no leading '.'. */
static bool valid_token(const char *s, size_t max, const char *extra)
{
	size_t i;

	if (!s || !s[0] || s[0] == '.')
		return false;
	for (i = 0; s[i]; i++) {
		if (i + 1 >= max)
			return false;
		if (!is_alnum((unsigned char)s[i]) && !strchr(extra, s[i]))
			return false;
	}
	return true;
}

bool rt_valid_id(const char *id)
{
	return valid_token(id, CONTAINER_ID_MAX, "_.+-");
}

/* Docker, podman, Kubernetes and cri-o names; no '<', so never "<host>". */
static bool valid_name(const char *name)
{
	return valid_token(name, CONTAINER_NAME_MAX, "_.+-");
}

/* Image references: registry/repo:tag@sha256:digest. */
static bool valid_image(const char *image)
{
	return valid_token(image, CONTAINER_IMAGE_MAX, "_.+-/:@");
}

bool rt_valid_cgroup_path(const char *path)
{
	const char *p;
	size_t len;

	if (!path || path[0] != '/' || !path[1] || strlen(path) >= RT_CGROUP_PATH_MAX)
		return false;
	for (p = path; *p == '/'; p += len) {
		p++;
		len = strcspn(p, "/");
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
	}
	return true;
}

/* ---- record set ------------------------------------------------------- */

static int rec_cmp(const void *a, const void *b)
{
	const struct rt_record *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return strcmp(x->id, y->id);
}

struct rt_set *rt_set_new(void)
{
	return calloc(1, sizeof(struct rt_set));
}

static void labels_free(struct container_label *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

static void rec_free(struct rt_record *r)
{
	labels_free(r->labels, r->n_labels);
	labels_free(r->pod_labels, r->n_pod_labels);
	free(r->cgroup_path);
	free(r);
}

static void tree_node_keep(void *node)
{
	(void)node; /* records are owned by recs[] */
}

void rt_set_free(struct rt_set *s)
{
	size_t i;

	if (!s)
		return;
	tdestroy(s->tree, tree_node_keep);
	for (i = 0; i < s->n; i++)
		rec_free(s->recs[i]);
	free(s->recs);
	free(s);
}

size_t rt_set_count(const struct rt_set *s)
{
	return s ? s->n : 0;
}

struct rt_record *rt_set_at(const struct rt_set *s, size_t i)
{
	return s && i < s->n ? s->recs[i] : NULL;
}

struct rt_record *rt_set_find(const struct rt_set *s, uid_t uid, const char *id)
{
	struct rt_record key = { .uid = uid };
	void *node;

	if (!rt_valid_id(id))
		return NULL;
	strcpy(key.id, id);
	node = tfind(&key, &s->tree, rec_cmp);
	return node ? *(struct rt_record **)node : NULL;
}

struct rt_record *rt_set_get(struct rt_set *s, uid_t uid, const char *id)
{
	struct rt_record *r, **recs;
	void *node;

	if (!rt_valid_id(id)) {
		errno = EINVAL;
		return NULL;
	}
	r = rt_set_find(s, uid, id);
	if (r)
		return r;
	if (s->n >= RT_RECORDS_MAX) {
		errno = E2BIG;
		return NULL;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;

		recs = reallocarray(s->recs, cap, sizeof(*recs));
		if (!recs)
			return NULL;
		s->recs = recs;
		s->cap = cap;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->uid = uid;
	strcpy(r->id, id);
	node = tsearch(r, &s->tree, rec_cmp);
	if (!node) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	s->recs[s->n++] = r;
	return r;
}

/* ---- claims ----------------------------------------------------------- */

static void claim_str(char *dst, size_t size, int *dst_rank, const char *src, int rank,
		      bool (*valid)(const char *))
{
	if (!src || rank <= *dst_rank || !valid(src) || strlen(src) >= size)
		return;
	strcpy(dst, src);
	*dst_rank = rank;
}

static bool valid_runtime(const char *runtime)
{
	return valid_token(runtime, CONTAINER_RUNTIME_MAX, "-");
}

int rt_claim_runtime(struct rt_record *r, const char *runtime, int rank)
{
	claim_str(r->runtime, sizeof(r->runtime), &r->runtime_rank, runtime, rank, valid_runtime);
	return 0;
}

static int claim_path(struct rt_record *r, const char *path, int rank)
{
	char *dup;

	if (!path || rank <= r->path_rank || !rt_valid_cgroup_path(path))
		return 0;
	dup = strdup(path);
	if (!dup)
		return -ENOMEM;
	free(r->cgroup_path);
	r->cgroup_path = dup;
	r->path_rank = rank;
	return 0;
}

/* Add a label to v unless the key is present already, too long, or v is full. */
static int labels_add(struct container_label **v, size_t *n, size_t *cap, const char *key,
		      const char *value)
{
	struct container_label *labels;
	char *k, *val;
	size_t i;

	if (!key[0] || strlen(key) > RT_LABEL_KEY_MAX || strlen(value) > RT_LABEL_VALUE_MAX)
		return 0;
	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].key, key))
			return 0;
	if (*n >= RT_LABELS_MAX)
		return 0;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;

		labels = reallocarray(*v, c, sizeof(*labels));
		if (!labels)
			return -ENOMEM;
		*v = labels;
		*cap = c;
	}
	k = strdup(key);
	val = strdup(value);
	if (!k || !val) {
		free(k);
		free(val);
		return -ENOMEM;
	}
	(*v)[*n].key = k;
	(*v)[*n].value = val;
	(*n)++;
	return 0;
}

static int add_label(struct rt_record *r, const char *key, const char *value)
{
	return labels_add(&r->labels, &r->n_labels, &r->cap_labels, key, value);
}

static int add_pod_label(struct rt_record *r, const char *key, const char *value)
{
	return labels_add(&r->pod_labels, &r->n_pod_labels, &r->cap_pod_labels, key, value);
}

int rt_set_merge(struct rt_set *dst, const struct rt_set *src)
{
	size_t i, j;
	int ret;

	for (i = 0; i < src->n; i++) {
		const struct rt_record *s = src->recs[i];
		struct rt_record *d = rt_set_get(dst, s->uid, s->id);

		if (!d)
			return errno == ENOMEM ? -ENOMEM : 0; /* E2BIG: the set is full */
		claim_str(d->name, sizeof(d->name), &d->name_rank, s->name, s->name_rank,
			  valid_name);
		claim_str(d->image, sizeof(d->image), &d->image_rank, s->image, s->image_rank,
			  valid_image);
		rt_claim_runtime(d, s->runtime, s->runtime_rank);
		ret = claim_path(d, s->cgroup_path, s->path_rank);
		if (ret < 0)
			return ret;
		for (j = 0; j < s->n_labels; j++) {
			ret = add_label(d, s->labels[j].key, s->labels[j].value);
			if (ret < 0)
				return ret;
		}
		for (j = 0; j < s->n_pod_labels; j++) {
			ret = add_pod_label(d, s->pod_labels[j].key, s->pod_labels[j].value);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/* ---- finalize ----------------------------------------------------------- */

static int label_cmp(const void *a, const void *b)
{
	const struct container_label *x = a, *y = b;

	return strcmp(x->key, y->key);
}

static int label_key_cmp(const void *key, const void *label)
{
	return strcmp(key, ((const struct container_label *)label)->key);
}

static const char *label_get(const struct rt_record *r, const char *key)
{
	const struct container_label *hit;

	if (!r->n_labels)
		return NULL;
	hit = bsearch(key, r->labels, r->n_labels, sizeof(*r->labels), label_key_cmp);
	return hit ? hit->value : NULL;
}

/* The first of `keys` present with a valid value. */
static const char *label_first(const struct rt_record *r, const char *const *keys,
			       bool (*valid)(const char *))
{
	const char *v;

	for (; *keys; keys++) {
		v = label_get(r, *keys);
		if (v && valid(v))
			return v;
	}
	return NULL;
}

static void copy_label(char *dst, size_t size, const struct rt_record *r, const char *const *keys)
{
	const char *v = label_first(r, keys, valid_name);

	if (v && strlen(v) < size)
		strcpy(dst, v);
}

void rt_record_finalize(struct rt_record *r)
{
	char norm[CONTAINER_IMAGE_MAX];
	const char *manager, *image, *sandbox;
	size_t i;

	if (r->n_labels)
		qsort(r->labels, r->n_labels, sizeof(*r->labels), label_cmp);
	if (r->n_pod_labels)
		qsort(r->pod_labels, r->n_pod_labels, sizeof(*r->pod_labels), label_cmp);

	manager = label_get(r, MANAGER_KEY);
	for (i = 0; manager && i < sizeof(managers) / sizeof(managers[0]); i++)
		if (!strcmp(manager, managers[i].value))
			rt_claim_runtime(r, managers[i].runtime, RT_RANK_MANAGER);
	if (label_get(r, CRI_CONTAINERD_KEY))
		rt_claim_runtime(r, "containerd", RT_RANK_MANAGER);

	copy_label(r->k8s_pod, sizeof(r->k8s_pod), r, k8s_pod_keys);
	copy_label(r->k8s_namespace, sizeof(r->k8s_namespace), r, k8s_namespace_keys);
	copy_label(r->k8s_container, sizeof(r->k8s_container), r, k8s_container_keys);
	copy_label(r->k8s_pod_uid, sizeof(r->k8s_pod_uid), r, k8s_pod_uid_keys);
	sandbox = label_first(r, sandbox_id_keys, rt_valid_id);
	if (sandbox)
		strcpy(r->sandbox_id, sandbox); /* a valid id fits */

	image = label_first(r, image_keys, valid_image);
	claim_str(r->image, sizeof(r->image), &r->image_rank, image, RT_RANK_GUESS, valid_image);
	/* One spelling for every runtime (docker writes "nginx", containerd
	 * "docker.io/library/nginx:latest"), the one selectors are compiled to. */
	if (r->image[0] && rc_image_normalize(r->image, norm, sizeof(norm)) == 0)
		strcpy(r->image, norm);

	if (r->k8s_container[0])
		strcpy(r->name, r->k8s_container);
	else if (!r->name[0])
		strcpy(r->name, r->id); /* an id is a valid name */
}

int rt_set_finalize(struct rt_set *s)
{
	const struct rt_record *sb;
	struct rt_record *r;
	size_t i, j;
	int ret;

	for (i = 0; i < s->n; i++)
		rt_record_finalize(s->recs[i]);
	/* A CRI container has its pod's labels from the sandbox's state. */
	for (i = 0; i < s->n; i++) {
		r = s->recs[i];
		if (!r->sandbox_id[0] || !strcmp(r->sandbox_id, r->id) || r->n_pod_labels)
			continue;
		sb = rt_set_find(s, r->uid, r->sandbox_id);
		for (j = 0; sb && j < sb->n_pod_labels; j++) {
			ret = add_pod_label(r, sb->pod_labels[j].key, sb->pod_labels[j].value);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/* ---- parsers ------------------------------------------------------------ */

static const char *obj_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int add_label_object(struct rt_record *r, json_t *obj)
{
	const char *key;
	json_t *v;
	int ret;

	if (!json_is_object(obj))
		return 0;
	json_object_foreach(obj, key, v)
	{
		if (!json_is_string(v))
			continue;
		ret = add_label(r, key, json_string_value(v));
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The record a file describes; NULL with errno set. */
static struct rt_record *ctx_record(struct rt_set *s, const struct rt_ctx *ctx, const char *id)
{
	struct rt_record *r = rt_set_get(s, ctx->uid, id ? id : ctx->dir_id);

	if (r)
		rt_claim_runtime(r, ctx->runtime, ctx->rank);
	return r;
}

static int parse_runc_state(struct rt_set *s, const struct rt_ctx *ctx, json_t *root)
{
	json_t *paths = json_object_get(root, "cgroup_paths");
	json_t *config = json_object_get(root, "config");
	json_t *cgroups = json_object_get(config, "cgroups");
	json_t *labels = json_object_get(config, "labels");
	char key[RT_LABEL_KEY_MAX + 1], spec[RT_CGROUP_PATH_MAX], path[RT_CGROUP_PATH_MAX];
	const char *unified, *mount = ctx->cgroup2_mount, *str, *eq;
	struct rt_record *r;
	size_t i, mlen;
	json_t *v;
	int ret;

	r = ctx_record(s, ctx, obj_str(root, "id"));
	if (!r)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;

	/* "" on cgroup v2 and hybrid hosts; "unified" in older releases. */
	unified = obj_str(paths, "");
	if (!unified)
		unified = obj_str(paths, "unified");
	mlen = mount ? strlen(mount) : 0;
	while (mlen && mount[mlen - 1] == '/')
		mlen--;
	if (unified && mount && !strncmp(unified, mount, mlen) && unified[mlen] == '/') {
		ret = claim_path(r, unified + mlen, RT_RANK_RUNTIME);
		if (ret < 0)
			return ret;
	}

	/* The cgroup runc was asked for: a path, or systemd's parent:prefix:name. */
	str = obj_str(cgroups, "path");
	if (str && str[0]) {
		ret = claim_path(r, str, RT_RANK_GUESS);
	} else if (json_is_true(json_object_get(cgroups, "Systemd")) &&
		   snprintf(spec, sizeof(spec), "%s:%s:%s", obj_str(cgroups, "parent") ?: "",
			    obj_str(cgroups, "scope_prefix") ?: "",
			    obj_str(cgroups, "name") ?: "") < (int)sizeof(spec) &&
		   !rt_cgroups_path(spec, path, sizeof(path))) {
		ret = claim_path(r, path, RT_RANK_GUESS);
	} else {
		ret = 0;
	}
	if (ret < 0)
		return ret;

	/* runc keeps the bundle's annotations as "key=value" labels. */
	if (!json_is_array(labels))
		return 0;
	json_array_foreach(labels, i, v)
	{
		str = json_string_value(v);
		eq = str ? strchr(str, '=') : NULL;
		if (!eq || (size_t)(eq - str) > RT_LABEL_KEY_MAX)
			continue;
		memcpy(key, str, eq - str);
		key[eq - str] = '\0';
		if (!strcmp(key, RUNC_BUNDLE_LABEL))
			continue;
		ret = add_label(r, key, eq + 1);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int parse_crun_status(struct rt_set *s, const struct rt_ctx *ctx, json_t *root)
{
	const char *cg = obj_str(root, "cgroup-path");
	char path[RT_CGROUP_PATH_MAX];
	struct rt_record *r;

	r = ctx_record(s, ctx, NULL);
	if (!r)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	if (!cg || !cg[0])
		return 0;
	/* Below the cgroup2 mount; written without the leading '/' by some releases. */
	if (snprintf(path, sizeof(path), "%s%s", cg[0] == '/' ? "" : "/", cg) >= (int)sizeof(path))
		return 0;
	return claim_path(r, path, RT_RANK_RUNTIME);
}

/* A CRI pod sandbox's config.json: the pod's labels, where the runtime records them. */
static int parse_sandbox_labels(struct rt_record *r, json_t *annotations)
{
	const char *type = NULL, *text, *key;
	json_t *labels, *v;
	int ret = 0;

	for (size_t i = 0; !type && container_type_keys[i]; i++)
		type = obj_str(annotations, container_type_keys[i]);
	text = obj_str(annotations, CRIO_LABELS_KEY);
	if (!type || strcmp(type, CONTAINER_TYPE_SANDBOX) || !text)
		return 0;
	labels = json_loads(text, 0, NULL);
	if (json_is_object(labels)) {
		json_object_foreach(labels, key, v)
		{
			if (!json_is_string(v))
				continue;
			/* kubelet's pod name, namespace and uid: the sandbox's identity */
			if (!strncmp(key, KUBELET_POD_LABEL, strlen(KUBELET_POD_LABEL)))
				ret = add_label(r, key, json_string_value(v));
			else
				ret = add_pod_label(r, key, json_string_value(v));
			if (ret < 0)
				break;
		}
	}
	json_decref(labels);
	return ret;
}

static int parse_oci_config(struct rt_set *s, const struct rt_ctx *ctx, json_t *root)
{
	const char *spec = obj_str(json_object_get(root, "linux"), "cgroupsPath");
	json_t *annotations = json_object_get(root, "annotations");
	char path[RT_CGROUP_PATH_MAX];
	struct rt_record *r;
	int ret;

	r = ctx_record(s, ctx, NULL);
	if (!r)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	if (spec && !rt_cgroups_path(spec, path, sizeof(path))) {
		ret = claim_path(r, path, RT_RANK_GUESS);
		if (ret < 0)
			return ret;
	}
	return add_label_object(r, annotations) ?: parse_sandbox_labels(r, annotations);
}

static int parse_docker_config(struct rt_set *s, const struct rt_ctx *ctx, json_t *root)
{
	json_t *config = json_object_get(root, "Config");
	const char *name = obj_str(root, "Name");
	struct rt_record *r;

	r = ctx_record(s, ctx, obj_str(root, "ID"));
	if (!r)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	if (name && name[0] == '/')
		name++;
	claim_str(r->name, sizeof(r->name), &r->name_rank, name, ctx->rank, valid_name);
	claim_str(r->image, sizeof(r->image), &r->image_rank, obj_str(config, "Image"), ctx->rank,
		  valid_image);
	return add_label_object(r, json_object_get(config, "Labels"));
}

static int parse_storage_list(struct rt_set *s, const struct rt_ctx *ctx, json_t *root)
{
	json_t *c, *name;
	const char *metadata;
	struct rt_record *r;
	json_t *md;
	size_t i;

	if (!json_is_array(root))
		return -EINVAL;
	json_array_foreach(root, i, c)
	{
		r = rt_set_get(s, ctx->uid, obj_str(c, "id"));
		if (!r) {
			if (errno == EINVAL)
				continue;
			return errno == ENOMEM ? -ENOMEM : 0;
		}
		name = json_array_get(json_object_get(c, "names"), 0);
		claim_str(r->name, sizeof(r->name), &r->name_rank, json_string_value(name),
			  ctx->rank, valid_name);
		/* The runtime's own record, JSON in a string. */
		metadata = obj_str(c, "metadata");
		if (!metadata || strlen(metadata) > RT_LABEL_VALUE_MAX)
			continue;
		md = json_loads(metadata, 0, NULL);
		claim_str(r->image, sizeof(r->image), &r->image_rank, obj_str(md, "image-name"),
			  ctx->rank, valid_image);
		json_decref(md);
	}
	return 0;
}

int rt_parse(struct rt_set *s, const struct rt_ctx *ctx, const char *buf, size_t len)
{
	json_t *root;
	int ret;

	if (len > RT_FILE_MAX)
		return -EFBIG;
	root = json_loadb(buf, len, 0, NULL);
	if (!root)
		return -EINVAL;
	if (ctx->format != RT_STORAGE_LIST && !json_is_object(root)) {
		json_decref(root);
		return -EINVAL;
	}
	switch (ctx->format) {
	case RT_RUNC_STATE:
		ret = parse_runc_state(s, ctx, root);
		break;
	case RT_CRUN_STATUS:
		ret = parse_crun_status(s, ctx, root);
		break;
	case RT_OCI_CONFIG:
		ret = parse_oci_config(s, ctx, root);
		break;
	case RT_DOCKER_CONFIG:
		ret = parse_docker_config(s, ctx, root);
		break;
	case RT_STORAGE_LIST:
		ret = parse_storage_list(s, ctx, root);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	json_decref(root);
	return ret;
}

/* ---- cgroup paths ----------------------------------------------------- */

static bool is_hex_id(const char *s, size_t len)
{
	size_t i;

	if (len != SHAPE_ID_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int rt_cgroup_shape(const char *path, char ret_id[CONTAINER_ID_MAX], const char **ret_runtime)
{
	const char *comp = path, *parent = NULL, *id = NULL, *runtime = NULL;
	size_t len, parent_len = 0, n, plen, i;

	while (*comp && !id) {
		while (*comp == '/')
			comp++;
		len = strcspn(comp, "/");
		if (!len)
			break;
		n = len;
		if (n > strlen(SCOPE_SUFFIX) &&
		    !memcmp(comp + n - strlen(SCOPE_SUFFIX), SCOPE_SUFFIX, strlen(SCOPE_SUFFIX)))
			n -= strlen(SCOPE_SUFFIX);
		for (i = 0; i < sizeof(scope_shapes) / sizeof(scope_shapes[0]); i++) {
			plen = strlen(scope_shapes[i].prefix);
			if (n > plen && !memcmp(comp, scope_shapes[i].prefix, plen) &&
			    is_hex_id(comp + plen, n - plen)) {
				id = comp + plen;
				runtime = scope_shapes[i].runtime;
				break;
			}
		}
		if (!id && is_hex_id(comp, len)) {
			id = comp;
			runtime =
				parent && parent_len == strlen(DOCKER_CGROUPFS_PARENT) &&
						!memcmp(parent, DOCKER_CGROUPFS_PARENT, parent_len)
					? "docker"
					: "";
		}
		parent = comp;
		parent_len = len;
		comp += len;
	}
	if (!id)
		return 0;
	memcpy(ret_id, id, SHAPE_ID_LEN);
	ret_id[SHAPE_ID_LEN] = '\0';
	*ret_runtime = runtime;
	return 1;
}

/* systemd's unit name -> path rule: "a-b-c.slice" is "/a.slice/a-b.slice/a-b-c.slice". */
static int expand_slice(const char *slice, size_t slen, char *buf, size_t size, size_t *pos)
{
	size_t base = slen - strlen(SLICE_SUFFIX), i;

	if (slen <= strlen(SLICE_SUFFIX) ||
	    memcmp(slice + base, SLICE_SUFFIX, strlen(SLICE_SUFFIX)) || memchr(slice, '/', slen))
		return -EINVAL;
	if (base == 1 && slice[0] == '-')
		return 0; /* "-.slice" is the root */
	if (slice[0] == '-' || slice[base - 1] == '-')
		return -EINVAL;
	for (i = 0; i < base; i++) {
		if (slice[i] != '-')
			continue;
		if (slice[i + 1] == '-')
			return -EINVAL;
		if (rc_buf_append(buf, size, pos, "/", 1) ||
		    rc_buf_append(buf, size, pos, slice, i) ||
		    rc_buf_append(buf, size, pos, SLICE_SUFFIX, strlen(SLICE_SUFFIX)))
			return -EINVAL;
	}
	if (rc_buf_append(buf, size, pos, "/", 1) || rc_buf_append(buf, size, pos, slice, slen))
		return -EINVAL;
	return 0;
}

int rt_cgroups_path(const char *spec, char *buf, size_t size)
{
	const char *c1, *c2, *slice = spec, *prefix, *name;
	size_t slen, plen, pos = 0;

	if (!size)
		return -EINVAL;
	buf[0] = '\0';
	if (spec[0] == '/') {
		if (!rt_valid_cgroup_path(spec) || strlen(spec) >= size)
			return -EINVAL;
		strcpy(buf, spec);
		return 0;
	}
	c1 = strchr(spec, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || strchr(c2 + 1, ':'))
		return -EINVAL;
	slen = c1 - spec;
	prefix = c1 + 1;
	plen = c2 - prefix;
	name = c2 + 1;
	if (!slen) {
		slice = SYSTEMD_DEFAULT_SLICE;
		slen = strlen(slice);
	}
	if (!name[0] || strchr(name, '/') || memchr(prefix, '/', plen) ||
	    expand_slice(slice, slen, buf, size, &pos) || rc_buf_append(buf, size, &pos, "/", 1) ||
	    (plen && (rc_buf_append(buf, size, &pos, prefix, plen) ||
		      rc_buf_append(buf, size, &pos, "-", 1))) ||
	    rc_buf_append(buf, size, &pos, name, strlen(name)) ||
	    rc_buf_append(buf, size, &pos, SCOPE_SUFFIX, strlen(SCOPE_SUFFIX)) ||
	    !rt_valid_cgroup_path(buf)) {
		buf[0] = '\0';
		return -EINVAL;
	}
	return 0;
}

/* mountinfo escapes ' ', '\t', '\n' and '\\' as \ooo. */
static int unescape(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	while (*s) {
		char ch = *s++;

		if (ch == '\\' && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' &&
		    s[2] >= '0' && s[2] <= '7') {
			ch = (char)((s[0] - '0') << 6 | (s[1] - '0') << 3 | (s[2] - '0'));
			s += 3;
		}
		if (n + 1 >= size)
			return -ENAMETOOLONG;
		buf[n++] = ch;
	}
	buf[n] = '\0';
	return 0;
}

int rt_cgroup2_mount(const char *mountinfo, size_t len, char *buf, size_t size)
{
	/* "36 35 98:0 /root /mnt opts [optional...] - fstype source superopts" */
	enum { F_ROOT = 3, F_MOUNT = 4, F_FIXED = 6 };
	const char *line = mountinfo, *end = mountinfo + len, *nl;
	char copy[RT_CGROUP_PATH_MAX], mnt[RT_CGROUP_PATH_MAX], *save, *tok, *fields[F_FIXED];
	int ret = -ENOENT, n;
	size_t llen;
	bool whole;

	for (; line < end; line = nl + 1) {
		nl = memchr(line, '\n', end - line);
		if (!nl)
			nl = end;
		llen = nl - line;
		if (llen >= sizeof(copy))
			continue;
		memcpy(copy, line, llen);
		copy[llen] = '\0';
		n = 0;
		for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			if (!strcmp(tok, "-"))
				break;
			if (n < F_FIXED)
				fields[n] = tok;
			n++;
		}
		if (!tok || n < F_FIXED)
			continue;
		tok = strtok_r(NULL, " ", &save);
		if (!tok || strcmp(tok, "cgroup2") || unescape(fields[F_MOUNT], mnt, sizeof(mnt)))
			continue;
		if (strlen(mnt) >= size) {
			if (ret)
				ret = -ENAMETOOLONG;
			continue;
		}
		/* A mount of a sub-tree (from inside a cgroup namespace) is a last resort. */
		whole = !strcmp(fields[F_ROOT], "/");
		if (ret == 0 && !whole)
			continue;
		strcpy(buf, mnt);
		ret = 0;
		if (whole)
			return 0;
	}
	return ret;
}
