// SPDX-License-Identifier: Apache-2.0
/*
 * Static analysis over the model (warnings only): rules shadowed by earlier
 * ones, conflicting actions on the same object, allow rules that change
 * nothing, selectors that cannot match.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Parent directory of an exact path equals dir (which ends in '/'). */
static bool parent_is(const char *path, const char *dir)
{
	const char *slash = strrchr(path, '/');

	return (size_t)(slash - path + 1) == strlen(dir) && starts_with(path, dir);
}

static bool path_covers(const struct rc_pathobj *a, const struct rc_pathobj *b)
{
	switch (a->kind) {
	case WARD_KEY_EXACT:
		return b->kind == WARD_KEY_EXACT && strcmp(a->path, b->path) == 0;
	case WARD_KEY_DIR_REC:
		return starts_with(b->path, a->path);
	case WARD_KEY_DIR_DIRECT:
		if (b->kind == WARD_KEY_EXACT)
			return parent_is(b->path, a->path);
		return (b->kind == WARD_KEY_GLOB || b->kind == WARD_KEY_DIR_DIRECT) &&
		       strcmp(a->path, b->path) == 0;
	default:
		if (b->kind == WARD_KEY_EXACT) {
			const char *base = strrchr(b->path, '/') + 1;

			return parent_is(b->path, a->path) &&
			       ward_glob_match(a->glob, base, strlen(base));
		}
		return b->kind == WARD_KEY_GLOB && strcmp(a->path, b->path) == 0 &&
		       strcmp(a->glob, b->glob) == 0;
	}
}

static bool paths_cover(const struct rc_paths *a, const struct rc_pathobj *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (path_covers(&a->v[i], b))
			return true;
	return false;
}

static bool ports_cover(const struct rc_netm *a, const struct rc_netm *b)
{
	if (!a->n_ports)
		return true;
	if (!b->n_ports)
		return false;
	for (size_t i = 0; i < b->n_ports; i++) {
		for (uint32_t p = b->ports[i].lo; p <= b->ports[i].hi; p++) {
			bool in = false;

			for (size_t j = 0; j < a->n_ports && !in; j++)
				in = p >= a->ports[j].lo && p <= a->ports[j].hi;
			if (!in)
				return false;
		}
	}
	return true;
}

static bool netm_covers(const struct rc_netm *a, const struct rc_netm *b)
{
	if (!b->present)
		return true;
	if (!a->present)
		return false;
	if (b->unix_paths.n || a->unix_paths.n) {
		if (!b->unix_paths.n || !a->unix_paths.n)
			return false;
		for (size_t i = 0; i < b->unix_paths.n; i++)
			if (!paths_cover(&a->unix_paths, &b->unix_paths.v[i]))
				return false;
		return true;
	}
	if ((a->protos & b->protos) != b->protos || !ports_cover(a, b))
		return false;
	if (!a->n_cidrs)
		return true;
	if (!b->n_cidrs)
		return false;
	for (size_t i = 0; i < b->n_cidrs; i++) {
		bool in = false;

		for (size_t j = 0; j < a->n_cidrs && !in; j++)
			in = rc_cidr_contains(&a->cidrs[j], b->cidrs[i].addr, b->cidrs[i].len);
		if (!in)
			return false;
	}
	return true;
}

static bool nums_cover(const struct rc_rule *a, const struct rc_rule *b)
{
	for (size_t i = 0; i < b->n_nums; i++) {
		bool in = false;

		for (size_t j = 0; j < a->n_nums && !in; j++)
			in = a->nums[j] == b->nums[i];
		if (!in)
			return false;
	}
	return true;
}

/* Everything b matches, a matches too (a sound under-approximation). */
static bool rule_covers(const struct rc_rule *a, const struct rc_rule *b)
{
	if (a->cls != b->cls)
		return false;
	switch (a->cls) {
	case WARD_CLS_EXEC:
	case WARD_CLS_FILE:
		if (a->sources.n || (a->access & b->access) != b->access)
			return false;
		for (size_t i = 0; i < b->objs.n; i++)
			if (!paths_cover(&a->objs, &b->objs.v[i]))
				return false;
		return true;
	case WARD_CLS_NET:
		return (a->sockets & b->sockets) == b->sockets &&
		       netm_covers(&a->connect, &b->connect) && netm_covers(&a->bind, &b->bind);
	default:
		return nums_cover(a, b);
	}
}

/* a and b share at least one object written identically. */
static const char *same_object(const struct rc_rule *a, const struct rc_rule *b)
{
	if (a->cls != b->cls)
		return NULL;
	if (a->cls == WARD_CLS_EXEC || a->cls == WARD_CLS_FILE) {
		if (!(a->access & b->access) || a->sources.n != b->sources.n)
			return NULL;
		for (size_t i = 0; i < a->objs.n; i++)
			for (size_t j = 0; j < b->objs.n; j++)
				if (a->objs.v[i].kind == b->objs.v[j].kind &&
				    strcmp(a->objs.v[i].text, b->objs.v[j].text) == 0)
					return b->objs.v[j].text;
		return NULL;
	}
	if (a->cls == WARD_CLS_CAP || a->cls == WARD_CLS_SYSCALL) {
		for (size_t i = 0; i < a->n_nums; i++)
			for (size_t j = 0; j < b->n_nums; j++)
				if (a->nums[i] == b->nums[j])
					return b->num_names[j];
	}
	return NULL;
}

/* Some object of b is also matched by a (a overlaps b). */
static bool overlaps(const struct rc_rule *a, const struct rc_rule *b)
{
	if (a->cls != b->cls)
		return false;
	if (a->cls == WARD_CLS_EXEC || a->cls == WARD_CLS_FILE) {
		if (!(a->access & b->access))
			return false;
		for (size_t i = 0; i < b->objs.n; i++)
			if (paths_cover(&a->objs, &b->objs.v[i]))
				return true;
		for (size_t i = 0; i < a->objs.n; i++)
			if (paths_cover(&b->objs, &a->objs.v[i]))
				return true;
		return false;
	}
	if (a->cls == WARD_CLS_NET)
		return true; /* address overlap is cheap to get wrong; assume it */
	return same_object(a, b) != NULL;
}

static void check_selector(const struct rc_policy *p, struct rc_diags *d)
{
	for (size_t i = 0; i < p->sel.n_containers; i++) {
		const char *s = p->sel.containers[i];

		for (const char *c = s; *c; c++) {
			bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
				  (*c >= '0' && *c <= '9') || strchr("_.-*?[]!^\\", *c);

			if (!ok) {
				rc_diag(d, RC_WARNING, "never-matches", &p->sel.loc,
					"container names are letters, digits, '_', '.' and '-'; "
					"select "
					"images with images: and pods with labels:",
					"policy '%s': container pattern '%s' can never match (it "
					"contains "
					"'%c')",
					p->name, s, *c);
				break;
			}
		}
	}
	for (size_t i = 0; i < p->sel.n_images; i++) {
		const char *img = p->sel.images[i];
		size_t size = strlen(img) + RC_IMAGE_GROWTH + 1;
		char *norm = malloc(size);

		if (!norm) {
			d->oom = -ENOMEM;
			return;
		}
		if (rc_image_normalize(img, norm, size) == RC_IMAGE_AS_WRITTEN)
			rc_diag(d, RC_WARNING, "one-spelling", &p->sel.loc,
				"name the registry (docker.io/NAMESPACE/... for Docker Hub) or "
				"start the pattern with '*' for any registry",
				"policy '%s': image pattern '%s' can only match one spelling: a "
				"wildcard in its first component leaves open whether it is a "
				"registry, so it is matched as written against normalised "
				"references (docker.io/library/nginx:1.25)",
				p->name, img);
		free(norm);
	}
	for (size_t i = 0; i < p->sel.n_labels; i++) {
		const char *k = p->sel.labels[i].key;

		if (!k[0] || strchr(k, ' ') || strchr(k, '\t'))
			rc_diag(d, RC_WARNING, "never-matches", &p->sel.loc,
				"label keys contain no spaces and are never empty",
				"policy '%s': label key '%s' can never match", p->name, k);
	}
}

static void check_policy(const struct rc_policy *p, struct rc_diags *d)
{
	check_selector(p, d);
	for (size_t j = 0; j < p->n_rules; j++) {
		const struct rc_rule *b = &p->rules[j];
		bool shadowed = false;

		for (size_t i = 0; i < j && !shadowed; i++) {
			const struct rc_rule *a = &p->rules[i];

			if (!rule_covers(a, b))
				continue;
			shadowed = true;
			rc_diag(d, RC_WARNING, "shadowed", &b->loc,
				"rules match in order and the first match decides; move this rule "
				"above the other or delete it",
				"rule '%s' is never reached: rule '%s' (%s) matches everything it "
				"matches%s",
				b->name, a->name, a->origin,
				a->action != b->action ? " with a different action" : "");
		}
		for (size_t i = 0; i < j && !shadowed; i++) {
			const struct rc_rule *a = &p->rules[i];
			const char *obj;

			if (a->action == b->action || !(obj = same_object(a, b)))
				continue;
			rc_diag(d, RC_WARNING, "conflict", &b->loc,
				"the earlier rule wins for this object; make the rules disjoint",
				"rules '%s' (%s) and '%s' (%s) give conflicting actions for '%s'",
				a->name, rc_action_name(a->action), b->name,
				rc_action_name(b->action), obj);
			break;
		}
		if (!shadowed && b->action == WARD_ACT_ALLOW && !p->profile &&
		    p->defaults[b->cls] == WARD_ACT_ALLOW) {
			bool useful = false;

			for (size_t k = j + 1; k < p->n_rules && !useful; k++)
				useful = p->rules[k].action != WARD_ACT_ALLOW &&
					 overlaps(&p->rules[k], b);
			if (!useful)
				rc_diag(d, RC_WARNING, "useless-allow", &b->loc,
					"an allow rule is an exception to a later alert/block rule "
					"or to "
					"an alert/block default; delete it or change the default",
					"allow rule '%s' changes nothing: the %s default is allow "
					"and no "
					"later rule alerts or blocks what it matches",
					b->name, rc_class_name(b->cls));
		}
	}
}

void rc_analyze(const struct rc_set *s, struct rc_diags *d)
{
	for (size_t i = 0; i < s->n_policies; i++)
		check_policy(&s->policies[i], d);
}
