/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `ward server`'s control API answers (docs/api.md, docs/api.yaml): the
 * routes, run in the session's thread on the session's state, and the sink
 * that hands every alert to the API's followers and keeps the last ones.
 */
#ifndef WARD_CONTROL_H
#define WARD_CONTROL_H

#include <stddef.h>

#include <jansson.h>

#include "api.h"
#include "enforce/enforce_session.h"
#include "trace/tracker.h"

#define CONTROL_RECENT 256 /* alerts GET /v1/alerts returns without follow */

/* The session's state the routes read and change; filled by the session. */
struct control {
	struct session *s;
	struct enforce_session *es; /* NULL: no policy (--no-policy) */
	struct tracker *const *ts;  /* the trackers running, *n_ts of them */
	const size_t *n_ts;
	/* plug a tracker in (-EEXIST: it runs) or out (-ENOENT: it does not,
	 * -EPERM: the alert stream), why saying what failed; owner is the session */
	int (*plug)(void *owner, const struct tracker_ops *ops, int64_t interval_s,
		    const char *container, char *why, size_t why_size);
	int (*unplug)(void *owner, const char *name, char *why, size_t why_size);
	/* load a plugin (a BPF object, docs/plugins.md) or unload one by id */
	int (*load_plugin)(void *owner, const void *buf, size_t len, const char *name, char *why,
			   size_t why_size);
	int (*unload_plugin)(void *owner, uint32_t id, char *why, size_t why_size);
	void *owner;
	int64_t interval_s;    /* the session's default interval */
	struct es_report *rep; /* the policy's report, updated by changes */
	const char *trusted_key;
	const char *policy_source; /* what the live policy came from, for GET /v1/policy */
	struct api *api;
	json_t *recent[CONTROL_RECENT]; /* the last alerts, oldest first from next_recent */
	size_t next_recent;
};

/* A route: what docs/api.yaml describes (a test compares the two). */
struct control_route {
	enum api_method method;
	const char *pattern; /* "{name}" for one path segment */
	void (*fn)(struct control *c, const char *arg, struct api_request *rq,
		   struct api_response *rs); /* arg: the "{...}" segment */
};
extern const struct control_route control_routes[];
extern const size_t control_n_routes;

/* The api_handler_fn of the routes; ctx is a struct control. */
void control_handle(void *ctx, struct api *a, struct api_request *rq, struct api_response *rs);

struct sinks;
/* Add to set the sink of alerts for c->api's followers and GET /v1/alerts. */
int sink_api_add(struct sinks *set, struct control *c);

/* Release what c keeps (the last alerts). */
void control_free(struct control *c);

#endif
