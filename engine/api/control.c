// SPDX-License-Identifier: Apache-2.0
/* The control API's routes and its alert sink: control.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "control.h"
#include "core/config.h"
#include "core/sink.h"
#include "enforce/policy.h"
#include "enforce/probe.h"
#include "enforce/status.h"
#include "plugin/plugin.h"
#include "rulesc.h"

#define BODY_NAME "body" /* where a diagnostic in a request's body points */

static void answer(struct api_response *rs, int status, json_t *body)
{
	rs->status = status;
	rs->body = body;
}

static const char *query(const struct api_request *rq, const char *key)
{
	for (size_t i = 0; i < rq->n_query; i++)
		if (!strcmp(rq->query[i].key, key))
			return rq->query[i].value;
	return NULL;
}

/* The live bundle, NULL without a policy. */
static const struct ward_bundle *live_bundle(const struct control *c)
{
	return c->es ? es_bundle(c->es, es_generation(c->es)) : NULL;
}

/* ---- GET /v1/status, /v1/trackers, /v1/containers ------------------------------------------ */

static json_t *trackers_json(const struct control *c)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && c->n_ts && i < *c->n_ts; i++) {
		const struct tracker *t = c->ts[i];
		json_t *drops, *o;

		if (plugin_of(t))
			continue; /* GET /v1/plugins */
		drops = json_object();
		for (unsigned int r = 0; drops && t->drops.fd >= 0 && r < WARD_DROP__MAX; r++)
			json_object_set_new(drops, drop_reason_name(r),
					    json_integer((json_int_t)t->drops.seen[r]));
		o = json_pack("{s:s, s:I, s:I, s:I, s:o*}", "name", t->ops->name, "records",
			      (json_int_t)t->shown, "malformed", (json_int_t)t->malformed,
			      "pending", (json_int_t)t->pending, "drops", drops);
		if (o && t->ops->flush && t->interval_ns)
			json_object_set_new(
				o, "interval",
				json_integer((json_int_t)(t->interval_ns / 1000000000ULL)));
		if (o && t->filter)
			json_object_set_new(o, "container", json_string(cgfilter_query(t->filter)));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *outputs_json(const struct control *c)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < c->s->sinks.n; i++) {
		const struct sink *k = c->s->sinks.v[i];

		json_array_append_new(arr,
				      json_pack("{s:s, s:s, s:I, s:I, s:I}", "name", k->name,
						"kind", k->kind, "rows", (json_int_t)k->stats.rows,
						"failures", (json_int_t)k->stats.failures,
						"dropped", (json_int_t)k->stats.dropped));
	}
	return arr;
}

static json_t *plugins_json(const struct control *c)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && c->n_ts && i < *c->n_ts; i++) {
		const struct plugin *p = plugin_of(c->ts[i]);

		if (p)
			json_array_append_new(
				arr,
				json_pack("{s:I, s:s, s:I, s:s, s:I, s:I, s:I}", "id",
					  (json_int_t)plugin_id(p), "name", plugin_name(p), "size",
					  (json_int_t)plugin_size(p), "sha256", plugin_sha256(p),
					  "programs", (json_int_t)plugin_programs(p), "records",
					  (json_int_t)c->ts[i]->shown, "malformed",
					  (json_int_t)c->ts[i]->malformed));
	}
	return arr;
}

static void get_plugins(struct control *c, const char *arg, struct api_request *rq,
			struct api_response *rs)
{
	answer(rs, 200, json_pack("{s:o}", "plugins", plugins_json(c)));
}

static void post_plugin(struct control *c, const char *arg, struct api_request *rq,
			struct api_response *rs)
{
	const char *name = query(rq, "name");
	char why[512];
	int err;

	if (!name)
		return answer(rs, 400,
			      api_error("name", "the plugin's name is expected: POST "
						"/v1/plugins?name=NAME"));
	if (!rq->body_len)
		return answer(rs, 400,
			      api_error(BODY_NAME, "a BPF object is expected in the body"));
	if (!c->load_plugin)
		return answer(rs, 409, api_error(NULL, "this session takes no plugin"));
	err = c->load_plugin(c->owner, rq->body, rq->body_len, name, why, sizeof(why));
	if (err)
		return answer(rs,
			      err == -EEXIST || err == -E2BIG ? 409
			      : err == -ENOMEM		      ? 500
							      : 400,
			      api_error(BODY_NAME, "%s", why));
	answer(rs, 201, json_pack("{s:o}", "plugins", plugins_json(c)));
}

static void delete_plugin(struct control *c, const char *arg, struct api_request *rq,
			  struct api_response *rs)
{
	char why[512], *end;
	unsigned long id = strtoul(arg, &end, 10);
	int err;

	if (*end || !*arg || arg[0] == '-' || id > UINT32_MAX)
		return answer(rs, 400, api_error(rq->path, "a plugin's id is a number"));
	if (!c->unload_plugin)
		return answer(rs, 404, api_error(rq->path, "no plugin %lu is loaded", id));
	err = c->unload_plugin(c->owner, (uint32_t)id, why, sizeof(why));
	if (err)
		return answer(rs, err == -ENOENT ? 404 : 500, api_error(rq->path, "%s", why));
	answer(rs, 200, json_pack("{s:o}", "plugins", plugins_json(c)));
}

static void get_trackers(struct control *c, const char *arg, struct api_request *rq,
			 struct api_response *rs)
{
	json_t *avail = json_array();

	for (size_t i = 0; avail && i < TRACKER_COUNT; i++)
		json_array_append_new(avail, json_string(tracker_at(i)->name));
	answer(rs, 200, json_pack("{s:o, s:o*}", "trackers", trackers_json(c), "available", avail));
}

/* The JSON body of rq as an object, or NULL with rs answered (400). */
static json_t *body_object(const struct api_request *rq, struct api_response *rs)
{
	json_error_t jerr;
	json_t *in = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
	char loc[64];

	if (!in) {
		snprintf(loc, sizeof(loc), BODY_NAME ":%d:%d", jerr.line, jerr.column);
		answer(rs, 400,
		       api_error(loc, "not JSON at byte %d: %s", jerr.position, jerr.text));
		return NULL;
	}
	if (!json_is_object(in)) {
		json_decref(in);
		answer(rs, 400, api_error(BODY_NAME, "a JSON object is expected"));
		return NULL;
	}
	return in;
}

/* An error of plug/unplug as a status. */
static int plug_status(int err)
{
	switch (err) {
	case -EEXIST:
	case -EPERM:
	case -E2BIG:
		return 409;
	case -ENOENT:
		return 404;
	default:
		return 500;
	}
}

/* {"name": TRACKER, "interval": SECONDS or "90s", "container": NAME}: which
 * key is wrong, or NULL with *ops, *interval and *container set. */
static const char *tracker_request(json_t *in, const struct tracker_ops **ops, int64_t *interval,
				   const char **container)
{
	const char *key;
	json_t *v;

	json_object_foreach(in, key, v)
	{
		if (!strcmp(key, "name") && json_is_string(v))
			*ops = tracker_find(json_string_value(v));
		else if (!strcmp(key, "container") && json_is_string(v) && json_string_length(v) &&
			 json_string_length(v) < CONTAINER_NAME_MAX)
			*container = json_string_value(v);
		else if (!strcmp(key, "interval") && json_is_integer(v))
			*interval = json_integer_value(v);
		else if (strcmp(key, "interval") || !json_is_string(v) ||
			 rc_parse_duration(json_string_value(v), interval))
			return key;
	}
	if (!*ops)
		return "name";
	if (*interval < 1 || *interval > INTERVAL_MAX_S)
		return "interval";
	return NULL;
}

static void post_tracker(struct control *c, const char *arg, struct api_request *rq,
			 struct api_response *rs)
{
	json_t *in = body_object(rq, rs);
	const struct tracker_ops *ops = NULL;
	const char *container = NULL, *bad;
	int64_t interval = c->interval_s;
	char why[512];
	int err;

	if (!in)
		return;
	bad = tracker_request(in, &ops, &interval, &container);
	if (bad) {
		char loc[96];

		snprintf(loc, sizeof(loc), BODY_NAME ".%s", bad);
		answer(rs, 400,
		       api_error(loc, "expected {\"name\": \"process|files|tcp|syscall\", "
				      "\"interval\": 1 to 86400 seconds or \"90s\", \"container\": "
				      "a name or id prefix}"));
	} else if (!c->plug) {
		answer(rs, 409, api_error(NULL, "this session takes no tracker"));
	} else {
		err = c->plug(c->owner, ops, interval, container, why, sizeof(why));
		if (err)
			answer(rs, plug_status(err), api_error(NULL, "%s", why));
		else
			answer(rs, 201, json_pack("{s:o}", "trackers", trackers_json(c)));
	}
	json_decref(in);
}

static void delete_tracker(struct control *c, const char *name, struct api_request *rq,
			   struct api_response *rs)
{
	char why[512];
	int err;

	if (!c->unplug)
		return answer(rs, 404, api_error(rq->path, "no %s tracker runs", name));
	err = c->unplug(c->owner, name, why, sizeof(why));
	if (err)
		return answer(rs, plug_status(err), api_error(rq->path, "%s", why));
	answer(rs, 200, json_pack("{s:o}", "trackers", trackers_json(c)));
}

static void get_status(struct control *c, const char *arg, struct api_request *rq,
		       struct api_response *rs)
{
	struct enforce_status st;
	struct rc_diags d;
	uint64_t missed;
	size_t followers;
	json_t *root;
	int err;

	rc_diags_init(&d);
	err = c->es ? status_read(&st, &d) : -ENOENT;
	rc_diags_free(&d);
	if (err && err != -ENOENT)
		return answer(rs, 500,
			      api_error(NULL, "reading the pinned state: %s", strerror(-err)));
	root = err ? json_pack("{s:i, s:i}", "schema", 1, "generation", 0) : status_json(&st);
	if (!err)
		status_free(&st);
	if (!root)
		return;
	json_object_set_new(root, "audit_only", json_boolean(c->es && es_audit_only(c->es)));
	json_object_set_new(root, "trackers", trackers_json(c));
	json_object_set_new(root, "outputs", outputs_json(c));
	json_object_set_new(root, "plugins", plugins_json(c));
	followers = api_followers(c->api, &missed);
	json_object_set_new(root, "followers", json_integer((json_int_t)followers));
	json_object_set_new(root, "followers_missed", json_integer((json_int_t)missed));
	answer(rs, 200, root);
}

static json_t *policy_names(const struct ward_bundle *b, const struct container_info *ci)
{
	uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP];
	json_t *arr = json_array();
	int n = b && !ci->host ? policy_select(b, ci, ids) : 0;

	for (int i = 0; arr && i < n; i++)
		json_array_append_new(
			arr, json_string(ward_bundle_str(b, b->policies[ids[i] - 1].name_off)));
	return arr;
}

static void get_containers(struct control *c, const char *arg, struct api_request *rq,
			   struct api_response *rs)
{
	const struct ward_bundle *b = live_bundle(c);
	json_t *arr = json_array();

	(void)container_cache_scan(c->s->cc);
	for (size_t i = 0; arr && i < container_cache_count(c->s->cc); i++) {
		const struct container_info *ci = container_cache_at(c->s->cc, i);

		if (ci->host)
			continue;
		json_array_append_new(arr, json_pack("{s:I, s:o*, s:o*}", "cgroup_id",
						     (json_int_t)ci->cgroup_id, "container",
						     out_container_json(ci), "policies",
						     policy_names(b, ci)));
	}
	if (arr)
		answer(rs, 200, json_pack("{s:o}", "containers", arr));
}

/* ---- the policy ---------------------------------------------------------------------------- */

static void hex(const uint8_t *v, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", v[i]);
}

static void get_policy(struct control *c, const char *arg, struct api_request *rq,
		       struct api_response *rs)
{
	const struct ward_bundle *b = live_bundle(c);
	char sha[65], key[65];
	json_t *pols, *root;

	if (!b)
		return answer(rs, 200, json_pack("{s:i, s:n}", "generation", 0, "source"));
	hex(b->hdr->sha256, sizeof(b->hdr->sha256), sha);
	root = json_pack("{s:I, s:s, s:s, s:b, s:o}", "generation",
			 (json_int_t)es_generation(c->es), "source", c->policy_source, "sha256",
			 sha, "audit_only", es_audit_only(c->es), "policies", pols = json_array());
	if (!root)
		return;
	if (b->sig) {
		hex(b->sig->key_id, sizeof(b->sig->key_id), key);
		json_object_set_new(root, "signer_key_id", json_string(key));
	}
	for (size_t i = 0; i < b->n_policies; i++) {
		const struct wb_policy *p = &b->policies[i];

		json_array_append_new(
			pols,
			json_pack("{s:s, s:s, s:I, s:s}", "name", ward_bundle_str(b, p->name_off),
				  "mode",
				  rc_mode_name(es_audit_only(c->es) ? WARD_MODE_AUDIT : p->k.mode),
				  "rules", (json_int_t)p->rule_count, "origin",
				  ward_bundle_str(b, p->origin_off)));
	}
	answer(rs, 200, root);
}

/* Diagnostics as the API's error: the first error's location and message,
 * and every diagnostic; locations in file name `body` when tmp names it. */
static json_t *diags_json(const struct rc_diags *d, const char *tmp, const char *what)
{
	json_t *arr = json_array(), *err = NULL;

	for (size_t i = 0; arr && i < d->n; i++) {
		const struct rc_diag *g = &d->v[i];
		const char *file = g->file && tmp && !strcmp(g->file, tmp) ? BODY_NAME : g->file;
		char loc[PATH_MAX + 32] = "";
		json_t *o;

		if (file)
			snprintf(loc, sizeof(loc), g->line ? "%s:%u:%u" : "%s", file, g->line,
				 g->col);
		o = json_pack("{s:s, s:s, s:s}", "severity",
			      g->severity == RC_ERROR ? "error" : "warning", "code", g->code,
			      "message", g->message);
		if (o && loc[0])
			json_object_set_new(o, "location", json_string(loc));
		if (o && g->hint && g->hint[0])
			json_object_set_new(o, "hint", json_string(g->hint));
		if (!err && g->severity == RC_ERROR && o)
			err = api_error(loc[0] ? loc : NULL, "%s: %s", what, g->message);
		json_array_append_new(arr, o);
	}
	if (!err)
		err = api_error(NULL, "%s", what);
	if (err && arr)
		json_object_set_new(err, "diagnostics", arr);
	else
		json_decref(arr);
	return err;
}

/* The body into a private file the loader reads like --policy. */
static int body_file(const struct api_request *rq, char *path, size_t size)
{
	ssize_t n = 0;
	int fd;

	snprintf(path, size, "%s/api-policy-XXXXXX", ENFORCE_STATE_DIR);
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < rq->body_len; off += (size_t)n) {
		n = write(fd, rq->body + off, rq->body_len - off);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n < 0) {
			int err = -errno;

			close(fd);
			unlink(path);
			return err;
		}
	}
	return close(fd) < 0 ? -errno : 0;
}

static void put_policy(struct control *c, const char *arg, struct api_request *rq,
		       struct api_response *rs)
{
	char tmp[PATH_MAX];
	struct policy *p = NULL;
	struct rc_diags d;
	int err;

	if (!c->es)
		return answer(rs, 409,
			      api_error(NULL, "the server runs without a policy "
					      "(--no-policy): none can be replaced"));
	if (!rq->body_len)
		return answer(rs, 400,
			      api_error(BODY_NAME, "a policy (YAML or a bundle) is "
						   "expected in the body"));
	err = body_file(rq, tmp, sizeof(tmp));
	if (err)
		return answer(rs, 500, api_error(NULL, "keeping the body: %s", strerror(-err)));
	rc_diags_init(&d);
	err = policy_load(tmp, c->trusted_key, &p, &d);
	if (!err)
		err = es_apply(c->es, p, c->rep, &d);
	if (err) {
		answer(rs, err == -ENOMEM ? 500 : 400,
		       diags_json(&d, tmp, "policy rejected, the live generation stays"));
	} else {
		c->policy_source = "api";
		cli_info("api: policy generation %u in force (PUT /v1/policy), %zu containers "
			 "targeted",
			 c->rep->generation, c->rep->targets);
		answer(rs, 200,
		       json_pack("{s:I, s:I}", "generation", (json_int_t)c->rep->generation,
				 "targets", (json_int_t)c->rep->targets));
	}
	unlink(tmp);
	rc_diags_free(&d);
}

static void patch_policy(struct control *c, const char *name, struct api_request *rq,
			 struct api_response *rs)
{
	json_t *in = body_object(rq, rs), *ev;
	const char *mode = in ? json_string_value(json_object_get(in, "mode")) : NULL;
	uint8_t m = 0;
	struct rc_diags d;
	int err;

	if (!in)
		return;
	for (uint8_t i = 1; mode && i < WARD_MODE_MAX; i++)
		if (!strcmp(rc_mode_names[i], mode))
			m = i;
	if (json_object_size(in) != 1 || !m) {
		json_decref(in);
		return answer(rs, 400,
			      api_error(BODY_NAME ".mode",
					"expected {\"mode\": \"audit\"} or {\"mode\": "
					"\"enforce\"}"));
	}
	json_decref(in);
	if (!c->es)
		return answer(rs, 409,
			      api_error(NULL, "the server runs without a policy "
					      "(--no-policy)"));
	rc_diags_init(&d);
	err = es_set_mode(c->es, name, m, c->rep, &d);
	if (err) {
		answer(rs,
		       err == -ENOENT  ? 404
		       : err == -EPERM ? 409
				       : 500,
		       diags_json(&d, NULL, "mode not changed"));
		rc_diags_free(&d);
		return;
	}
	rc_diags_free(&d);
	cli_info("api: policy %s now in %s mode, generation %u", name, rc_mode_name(m),
		 c->rep->generation);
	ev = json_pack("{s:s, s:s, s:I}", "policy", name, "mode", rc_mode_name(m), "generation",
		       (json_int_t)c->rep->generation);
	if (ev)
		api_publish(c->api, "policy", ev, NULL, NULL, 0);
	json_decref(ev);
	answer(rs, 200,
	       json_pack("{s:s, s:s, s:I}", "policy", name, "mode", rc_mode_name(m), "generation",
			 (json_int_t)c->rep->generation));
}

/* ---- alerts -------------------------------------------------------------------------------- */

static int severity_rank(const char *s, unsigned int *ret)
{
	for (unsigned int i = 0; i < WARD_SEV_MAX; i++)
		if (rc_severity_names[i] && !strcmp(rc_severity_names[i], s)) {
			*ret = i;
			return 0;
		}
	return -EINVAL;
}

/* The container name and id, and the severity rank, of an alert object. */
static void alert_keys(const json_t *a, const char **name, const char **id, unsigned int *sev)
{
	const json_t *ct = json_object_get(a, "container");
	const char *s = json_string_value(json_object_get(a, "severity"));

	*name = json_string_value(json_object_get(ct, "name"));
	*id = json_string_value(json_object_get(ct, "id"));
	*sev = 0;
	if (s)
		(void)severity_rank(s, sev);
	if (!*name)
		*name = ""; /* the host: matched by no container filter */
}

static void get_alerts(struct control *c, const char *arg, struct api_request *rq,
		       struct api_response *rs)
{
	const char *follow = query(rq, "follow"), *ct = query(rq, "container");
	const char *sev_s = query(rq, "min_severity");
	unsigned int min = 0;
	json_t *arr;

	if (sev_s && severity_rank(sev_s, &min))
		return answer(rs, 400,
			      api_error("min_severity",
					"unknown severity '%s' (info, low, medium, "
					"high, critical)",
					sev_s));
	if (follow && strcmp(follow, "true") && strcmp(follow, "false"))
		return answer(rs, 400, api_error("follow", "expected true or false"));
	if (follow && !strcmp(follow, "true")) {
		if (api_follow(c->api, rq, ct, min))
			answer(rs, 400,
			       api_error("container", "a container name or id prefix "
						      "is expected"));
		return;
	}
	arr = json_array();
	for (size_t i = 0; arr && i < CONTROL_RECENT; i++) {
		json_t *a = c->recent[(c->next_recent + i) % CONTROL_RECENT];
		const char *name, *id;
		unsigned int sev;

		if (!a)
			continue;
		alert_keys(a, &name, &id, &sev);
		if (sev < min || (ct && strcmp(name, ct) && (!id || strncmp(id, ct, strlen(ct)))))
			continue;
		json_array_append(arr, a);
	}
	if (arr)
		answer(rs, 200, json_pack("{s:o}", "alerts", arr));
}

struct api_sink {
	struct sink sink;
	struct control *c;
};

static int api_sink_row(struct sink *s, const struct out *ch, const union out_val *vals,
			uint64_t present)
{
	struct control *c = ((struct api_sink *)s)->c;
	const char *name, *id;
	unsigned int sev;
	json_t *a;

	if (ch->kind != OUT_ALERT)
		return 0;
	a = out_row_json(ch, vals, present);
	if (!a)
		return -ENOMEM;
	alert_keys(a, &name, &id, &sev);
	/* missed by a lagging follower: ward_output_dropped_total{output="api"} */
	s->stats.dropped += api_publish(c->api, "alert", a, name, id, sev);
	json_decref(c->recent[c->next_recent]);
	c->recent[c->next_recent] = a;
	c->next_recent = (c->next_recent + 1) % CONTROL_RECENT;
	return 0;
}

static int api_sink_flush(struct sink *s)
{
	(void)s;
	return 0;
}

static int api_sink_close(struct sink *s)
{
	free(s);
	return 0;
}

static const struct sink_ops api_sink_ops = {
	.row = api_sink_row,
	.flush = api_sink_flush,
	.close = api_sink_close,
};

int sink_api_add(struct sinks *set, struct control *c)
{
	struct api_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->sink = (struct sink){ .ops = &api_sink_ops, .name = "api", .kind = "api" };
	s->c = c;
	return sinks_add(set, &s->sink);
}

void control_free(struct control *c)
{
	for (size_t i = 0; i < CONTROL_RECENT; i++) {
		json_decref(c->recent[i]);
		c->recent[i] = NULL;
	}
}

/* ---- routing ------------------------------------------------------------------------------- */

/* Whether path matches pattern; *ret_arg the "{...}" segment's value. */
static bool route_match(const char *pattern, const char *path, const char **ret_arg)
{
	const char *brace = strchr(pattern, '{');
	size_t head = brace ? (size_t)(brace - pattern) : strlen(pattern);

	if (!brace)
		return !strcmp(pattern, path);
	if (strncmp(pattern, path, head) || !path[head] || strchr(path + head, '/'))
		return false;
	*ret_arg = path + head;
	return true;
}

const struct control_route control_routes[] = {
	{ API_GET, "/v1/status", get_status },
	{ API_GET, "/v1/containers", get_containers },
	{ API_GET, "/v1/trackers", get_trackers },
	{ API_POST, "/v1/trackers", post_tracker },
	{ API_DELETE, "/v1/trackers/{name}", delete_tracker },
	{ API_GET, "/v1/policy", get_policy },
	{ API_PUT, "/v1/policy", put_policy },
	{ API_PATCH, "/v1/policies/{name}", patch_policy },
	{ API_GET, "/v1/alerts", get_alerts },
	{ API_GET, "/v1/plugins", get_plugins },
	{ API_POST, "/v1/plugins", post_plugin },
	{ API_DELETE, "/v1/plugins/{id}", delete_plugin },
};
const size_t control_n_routes = sizeof(control_routes) / sizeof(control_routes[0]);

void control_handle(void *ctx, struct api *a, struct api_request *rq, struct api_response *rs)
{
	struct control *c = ctx;
	const char *arg = NULL;
	bool path_known = false;

	(void)a;
	for (size_t i = 0; i < control_n_routes; i++) {
		if (!route_match(control_routes[i].pattern, rq->path, &arg))
			continue;
		path_known = true;
		if (control_routes[i].method == rq->method)
			return control_routes[i].fn(c, arg, rq, rs);
	}
	answer(rs, path_known ? 405 : 404,
	       api_error(rq->path,
			 path_known ? "method not allowed here" : "no such route (docs/api.md)"));
}
