// SPDX-License-Identifier: Apache-2.0
/* Loading the enforced policy and resolving its selectors to cgroups. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "default_pack.h"
#include "policy.h"
#include "rulesc.h"

void policy_free(struct policy *p)
{
	if (!p)
		return;
	ward_bundle_free(p->b);
	free(p->buf);
	free(p);
}

int policy_copy(const struct policy *p, struct policy **ret)
{
	struct policy *c = calloc(1, sizeof(*c));
	const char *why;
	int err = -ENOMEM;

	if (!c)
		return -ENOMEM;
	c->len = p->len;
	c->compiled = p->compiled;
	c->buf = malloc(p->len);
	if (c->buf) {
		memcpy(c->buf, p->buf, p->len);
		err = ward_bundle_open(c->buf, c->len, &c->b, &why);
	}
	if (err) {
		policy_free(c);
		return err;
	}
	*ret = c;
	return 0;
}

/* YAML -> bundle bytes, as `rulesc compile` does it. On failure d gets the
 * compiler's diagnostics (warnings too: what `rulesc check` would say). */
static int compile(const char *path, uint8_t **ret_buf, size_t *ret_len, struct rc_diags *d)
{
	const struct rc_loc at = { .file = path };
	const char *paths[] = { path };
	struct rc_set *s = NULL;
	struct rc_diags cd;
	int err;

	rc_diags_init(&cd);
	err = rc_set_load(paths, 1, &cd, &s);
	if (!err) {
		rc_analyze(s, &cd);
		if (!cd.n_errors)
			err = rc_compile(s, &cd, ret_buf, ret_len);
	}
	if (cd.n_errors)
		err = -EINVAL;
	else if (err == -EINVAL)
		rc_diag(&cd, RC_ERROR, "policy-not-compiled", &at, NULL, "does not compile");
	else if (err && err != -ENOMEM)
		rc_diag(&cd, RC_ERROR, "policy-unreadable", &at, NULL, "%s", strerror(-err));
	if (err)
		rc_diags_move(d, &cd);
	rc_set_free(s);
	rc_diags_free(&cd);
	return err;
}

static bool is_bundle(const uint8_t *buf, size_t len)
{
	return len >= sizeof(WB_MAGIC) - 1 && !memcmp(buf, WB_MAGIC, sizeof(WB_MAGIC) - 1);
}

/* The pack embedded at build time: a bundle compiled from policies/. */
static int load_default(struct policy *p, const char *trusted_key, struct policy **ret,
			struct rc_diags *d)
{
	const char *reason = NULL;
	int err;

	if (trusted_key) {
		rc_diag(d, RC_ERROR, "policy-not-signed", NULL, NULL,
			"the embedded default pack is not signed: give "
			"--policy with a bundle signed by the trusted key");
		err = -EPERM;
		goto out_free;
	}
	p->len = (size_t)(ward_default_pack_end - ward_default_pack);
	p->buf = malloc(p->len);
	if (!p->buf) {
		err = -ENOMEM;
		goto out_free;
	}
	memcpy(p->buf, ward_default_pack, p->len);
	err = ward_bundle_open(p->buf, p->len, &p->b, &reason);
	if (err) {
		rc_diag(d, RC_ERROR, "bundle-invalid", NULL, NULL, "the embedded default pack: %s",
			reason ? reason : strerror(-err));
		goto out_free;
	}
	*ret = p;
	return 0;

out_free:
	policy_free(p);
	return err;
}

int policy_load(const char *path, const char *trusted_key, struct policy **ret, struct rc_diags *d)
{
	const struct rc_loc at = { .file = path };
	struct policy *p = calloc(1, sizeof(*p));
	const char *reason = NULL;
	struct stat st;
	int err;

	if (!p)
		return -ENOMEM;
	if (!path)
		return load_default(p, trusted_key, ret, d);
	if (stat(path, &st) < 0) {
		err = -errno;
		rc_diag(d, RC_ERROR, "policy-unreadable", &at, NULL, "%s", strerror(errno));
		goto out_free;
	}
	if (S_ISREG(st.st_mode)) {
		err = rc_read_file(path, WB_MAX_SIZE, &p->buf, &p->len);
		if (err) {
			rc_diag(d, RC_ERROR, "policy-unreadable", &at, NULL, "%s", strerror(-err));
			goto out_free;
		}
	}
	if (!p->buf || !is_bundle(p->buf, p->len)) {
		free(p->buf);
		p->buf = NULL;
		if (trusted_key) {
			err = -EPERM;
			rc_diag(d, RC_ERROR, "policy-not-signed", &at, NULL,
				"--trusted-key accepts only signed bundles, not YAML "
				"(rulesc compile, then rulesc sign)");
			goto out_free;
		}
		err = compile(path, &p->buf, &p->len, d);
		if (err)
			goto out_free;
		p->compiled = true;
	}
	if (trusted_key) {
		if (access(trusted_key, R_OK) < 0) {
			err = -errno;
			/* the option names the file: no location, the same words */
			rc_diag(d, RC_ERROR, "key-unreadable", NULL, NULL, "--trusted-key %s: %s",
				trusted_key, strerror(-err));
			goto out_free;
		}
		err = ward_bundle_verify(p->buf, p->len, trusted_key, &reason);
		if (err) {
			rc_diag(d, RC_ERROR, "bundle-signature", &at, NULL,
				"signature not accepted: %s", reason ? reason : strerror(-err));
			goto out_free;
		}
	}
	err = ward_bundle_open(p->buf, p->len, &p->b, &reason);
	if (err) {
		rc_diag(d, RC_ERROR, "bundle-invalid", &at, NULL, "not a valid bundle: %s",
			reason ? reason : strerror(-err));
		goto out_free;
	}
	*ret = p;
	return 0;

out_free:
	policy_free(p);
	return err;
}

int policy_host_count(const struct ward_bundle *b)
{
	struct rc_container host = { .host = true };
	uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP];

	return ward_bundle_select(b, &host, ids);
}

static int label_key_cmp(const void *key, const void *label)
{
	return strcmp(key, ((const struct container_label *)label)->key);
}

int policy_select(const struct ward_bundle *b, const struct container_info *ci,
		  uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP])
{
	size_t n_all = ci->n_labels + ci->n_k8s_labels, n_labels = 0;
	const char **keys = NULL, **vals = NULL;
	struct rc_container c = { .host = ci->host, .name = ci->name, .image = ci->image };
	int n;

	if (ci->host) /* host processes span many cgroups: not targeted here */
		return 0;
	if (n_all) {
		keys = calloc(n_all, sizeof(*keys));
		vals = calloc(n_all, sizeof(*vals));
		if (!keys || !vals) {
			free(keys);
			free(vals);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < ci->n_labels; i++, n_labels++) {
		keys[n_labels] = ci->labels[i].key;
		vals[n_labels] = ci->labels[i].value;
	}
	/* then the pod's labels, where the container has no label of the name */
	for (size_t i = 0; i < ci->n_k8s_labels; i++) {
		if (ci->n_labels && bsearch(ci->k8s_labels[i].key, ci->labels, ci->n_labels,
					    sizeof(*ci->labels), label_key_cmp))
			continue;
		keys[n_labels] = ci->k8s_labels[i].key;
		vals[n_labels++] = ci->k8s_labels[i].value;
	}
	c.label_keys = keys;
	c.label_values = vals;
	c.n_labels = n_labels;
	n = ward_bundle_select(b, &c, ids);
	free(keys);
	free(vals);
	return n;
}

int policy_targets(const struct ward_bundle *b, struct container_cache *cc,
		   const char *cgroup2_root, struct enforce_target **ret, size_t *ret_n,
		   size_t *ret_skipped)
{
	struct enforce_target *t = NULL;
	size_t n = 0, skipped = 0, total;
	int err;

	err = container_cache_scan(cc);
	if (err < 0)
		return err;
	total = container_cache_count(cc);
	if (total) {
		t = calloc(total, sizeof(*t));
		if (!t)
			return -ENOMEM;
	}
	for (size_t i = 0; i < total; i++) {
		const struct container_info *ci = container_cache_at(cc, i);
		struct enforce_target *x = &t[n];
		char dir[PATH_MAX];
		int k;

		k = policy_select(b, ci, x->pols.ids);
		if (k == -E2BIG) {
			skipped++;
			continue;
		}
		if (k < 0) {
			err = k;
			goto out_free;
		}
		if (k == 0)
			continue;
		x->pols.count = (uint32_t)k;
		x->pols.flags = ward_bundle_cg_flags(b, x->pols.ids, (size_t)k);
		x->cgroup_id = ci->cgroup_id;
		(void)snprintf(dir, sizeof(dir), "%s%s", cgroup2_root,
			       ci->cgroup_path ? ci->cgroup_path : "");
		x->cgroup_dir = strdup(dir);
		if (!x->cgroup_dir) {
			err = -ENOMEM;
			goto out_free;
		}
		n++;
	}
	*ret = t;
	*ret_n = n;
	*ret_skipped = skipped;
	return 0;

out_free:
	enforce_targets_free(t, n);
	return err;
}
