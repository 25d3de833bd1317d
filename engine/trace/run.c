// SPDX-License-Identifier: Apache-2.0
/*
 * The session of `ward run TRACKER` and `ward server` (their options:
 * engine/cmd/run.c) on the run lifecycle (lifecycle.h):
 * run_start() -> open/configure/load/attach each tracker
 * -> poll ring buffers in the lifecycle's loop, flush interval trackers ->
 * clean exit on SIGINT/SIGTERM or after --duration.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "enforce/alert.h"
#include "cli.h"
#include "enforce/enforce_session.h"
#include "enforce/probe.h"
#include "enforce/status.h"
#include "core/http.h"
#include "core/post.h"
#include "core/syslog.h"
#include "core/clock.h"
#include "api/control.h"
#include "plugin/plugin.h"
#include "metrics/exporter.h"
#include "lifecycle.h"
#include "run.h"
#include "tracker.h"

#define MAX_TRACKERS (TRACKER_COUNT + 1 + 8) /* and the alert stream, and plugins */

#define SERVER_LOCK ENFORCE_STATE_DIR "/server.lock"
#define REASON_MAX  2048 /* one line of diagnostics */

/* The reason of a failure in d for one line of message: the diagnostics
 * joined (cli_diags_line()), or, when they point into policy's text, printed
 * whole first (cli_print_diags()) and counted; err's text when d is empty. */
static const char *run_reason(struct rc_diags *d, const char *policy, int err, char *buf,
			      size_t size);

/* flock(2) on SERVER_LOCK: the fd to keep open, or -EWOULDBLOCK when another
 * daemon holds it (the kernel drops the lock when its holder dies). */
static int take_server_lock(void)
{
	int fd;

	if (mkdir(ENFORCE_STATE_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = open(SERVER_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void say_drops(const void *ctx, unsigned int r, uint64_t delta, uint64_t total)
{
	const struct tracker *t = ctx;

	if (cli_json_errors) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I}", "type", "drops", "tracker",
				      t->ops->name, "reason", drop_reason_name(r), "delta",
				      (json_int_t)delta, "total", (json_int_t)total);

		if (o) {
			json_dumpf(o, stderr, JSON_COMPACT | JSON_PRESERVE_ORDER);
			fputc('\n', stderr);
			json_decref(o);
		}
	} else {
		fprintf(stderr, "ward: %s: %s: %llu in the kernel (%llu total)\n", t->ops->name,
			drop_reason_name(r), (unsigned long long)delta, (unsigned long long)total);
	}
}

static void report_drops(struct tracker *t, bool final)
{
	if (t->malformed != t->malformed_seen || (final && t->malformed)) {
		cli_error("%s: %llu kernel records could not be decoded (%llu total); "
			  "is the BPF object from another build?",
			  t->ops->name, (unsigned long long)(t->malformed - t->malformed_seen),
			  (unsigned long long)t->malformed);
		t->malformed_seen = t->malformed;
	}
	(void)lifecycle_drops(&t->drops, final, say_drops, t);
}

/* Never claim what is not done: host processes are not targeted yet. */
static void warn_host_policies(const struct es_report *rep)
{
	if (rep->host_policies < 0)
		cli_error("more than %d policies select host processes (host: true): ward does "
			  "not target host processes yet, so they decide nothing "
			  "(docs/enforcement.md)",
			  WARD_MAX_POLICIES_PER_CGROUP);
	else if (rep->host_policies > 0)
		cli_error("%d %s host processes (host: true): ward does not target host "
			  "processes yet, so %s nothing (docs/enforcement.md)",
			  rep->host_policies,
			  rep->host_policies == 1 ? "policy selects" : "policies select",
			  rep->host_policies == 1 ? "it decides" : "they decide");
}

/* SIGHUP: load the policy again; a rejected one leaves the live generation.
 * Returns how long the load took, in seconds. */
static double enforce_reload(struct enforce_session *es)
{
	uint64_t t0 = clock_now_ns(CLOCK_MONOTONIC);
	char why[REASON_MAX];
	struct es_report rep;
	struct rc_diags d;
	int err;

	rc_diags_init(&d);
	err = es_reload(es, &rep, &d);
	if (!err && d.n)
		cli_error("reload: %s", cli_diags_line(&d, why, sizeof(why)));
	if (err)
		cli_error("reload rejected, generation %u stays in force: %s", rep.generation,
			  run_reason(&d, es_policy_path(es), err, why, sizeof(why)));
	else
		cli_info("reload: policy generation %u in force, %zu containers targeted",
			 rep.generation, rep.targets);
	rc_diags_free(&d);
	if (!err)
		warn_host_policies(&rep);
	return (double)(clock_now_ns(CLOCK_MONOTONIC) - t0) / 1e9;
}

static void enforce_tick(struct enforce_session *es, struct es_report *rep)
{
	int r = es_tick(es, rep);

	if (r < 0)
		cli_error("policy targets: %s", strerror(-r));
	else if (r > 0)
		cli_info("policy generation %u: %zu containers targeted now", rep->generation,
			 rep->targets);
}

/* What the loop of a session follows: its trackers and their deadlines. */
struct run_loop {
	struct tracker *ts[MAX_TRACKERS];
	size_t n;
	struct lifecycle_rings rings; /* the trackers' ring buffers */
	struct session *s;
	struct enforce_session *es;
	struct es_report rep; /* the policy's, as of the last tick */
	bool audit_only;
	uint64_t next_status, alerts_then, events_then; /* the status line on a terminal */
	struct exporter *x;				/* --metrics, or NULL */
	double load_s;					/* the last policy load took */
	struct control *ctl;				/* the control API's, or NULL */
};

#define STATUS_NS (10 * 1000000000ULL)

/*
 * On a terminal, every 10 s: what is in force and what it reported, so a
 * first run that shows only alerts is visibly alive (docs/cli.md).
 */
static void status_line(struct run_loop *l, uint64_t now)
{
	uint64_t alerts = 0, events = 0;
	char when[16], what[96];
	time_t t = time(NULL);
	struct tm tm;

	for (size_t i = 0; i < l->n; i++) {
		if (!strcmp(l->ts[i]->ops->name, "alert"))
			alerts += l->ts[i]->shown;
		else
			events += l->ts[i]->shown;
	}
	(void)strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
	if (l->es)
		(void)snprintf(what, sizeof(what),
			       "policy generation %u in force%s, %zu containers targeted",
			       l->rep.generation, l->audit_only ? " (audit only)" : "",
			       l->rep.targets);
	else
		(void)snprintf(what, sizeof(what), "no policy, %zu containers known",
			       container_cache_count(l->s->cc));
	cli_info("%s %s; in the last %llu s: %llu alerts, %llu events (%llu and %llu in all)", when,
		 what, (unsigned long long)(STATUS_NS / 1000000000ULL),
		 (unsigned long long)(alerts - l->alerts_then),
		 (unsigned long long)(events - l->events_then), (unsigned long long)alerts,
		 (unsigned long long)events);
	l->alerts_then = alerts;
	l->events_then = events;
	l->next_status = now + STATUS_NS;
}

/* At each tick: what the metrics page shows besides the rows counted. */
/* The level a resource class runs at (syscall rules only alert: none). */
static const char *class_level(const struct enforce_session *es, int cls)
{
	return ward_level_name(enforcer_level(es_enforcer(es), (enum ward_res)cls));
}

/* The class and level labels of a ward_counters entry (exporter_counter()):
 * its class and the level the class runs at; a policy default of several
 * classes is class "default", level "mixed"; an entry of a generation whose
 * bundle this daemon does not have (an earlier daemon's) is "unknown". */
static void counter_labels(void *ctx, const struct ward_counter_key *k, const char **ret_class,
			   const char **ret_level)
{
	const struct enforce_session *es = ctx;
	int cls = es_counter_class(es, k);

	if (cls == -E2BIG) {
		*ret_class = "default";
		*ret_level = "mixed";
	} else if (cls < 0) {
		*ret_class = *ret_level = "unknown";
	} else {
		*ret_class = rc_class_name((uint8_t)cls);
		*ret_level = class_level(es, cls);
	}
}

/* The decision families from ward_counters, read once. */
static int export_counters(struct run_loop *l)
{
	const struct exporter_counters r = {
		.adopted = l->rep.adopted,
		.keep_from = l->rep.generation > 1 ? l->rep.generation - 1 : 0,
		.classify = counter_labels,
		.ctx = l->es,
	};
	struct exporter *x = l->x;
	struct status_row *rows;
	size_t n;
	int err = 0;

	/* every class's series from 0: its first decision is an increase */
	for (int c = 0; c < WARD_CLS_MAX && !err; c++) {
		const char *const cls[] = { rc_class_name((uint8_t)c), class_level(l->es, c) };

		err = metrics_add(x->decisions, cls, 0) ?: metrics_add(x->blocks, cls, 0) ?:
		      metrics_add(x->would_block, cls, 0);
	}
	if (err)
		return err;
	err = status_counters(enforcer_counters_fd(es_enforcer(l->es)), 0, &rows, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n && !err; i++)
		err = exporter_counter(x, &r, &rows[i].k, &rows[i].v);
	exporter_counters_done(x, &r);
	free(rows);
	return err;
}

/* The ring buffers' fill since the last tick, and their sizes. */
static int export_rings(struct run_loop *l)
{
	struct exporter *x = l->x;
	int err = 0;

	metrics_reset(x->rb_fill);
	metrics_reset(x->rb_size);
	for (size_t i = 0; i < l->n && !err; i++)
		for (size_t j = 0; j < l->ts[i]->n_fill && !err; j++) {
			struct ring_fill *f = &l->ts[i]->fill[j];
			const char *const src[] = { f->source };
			double max;

			if (ring_fill_take(f, &max) < 0)
				continue; /* not mappable: no series */
			err = metrics_set(x->rb_fill, src, max)
				      ?: metrics_set(x->rb_size, src, (double)f->size);
		}
	return err;
}

/* Before the loop reads the ring buffers: how full they are, for the metrics. */
static void run_polling(void *ctx)
{
	const struct run_loop *l = ctx;

	if (!l->x)
		return;
	for (size_t i = 0; i < l->n; i++)
		for (size_t j = 0; j < l->ts[i]->n_fill; j++)
			(void)ring_fill_sample(&l->ts[i]->fill[j]);
}

/* Set the metrics of this tick and publish them; says what failed. */
static void export_tick(struct run_loop *l)
{
	struct exporter *x = l->x;
	int err = export_rings(l);

	for (size_t i = 0; i < l->n && !err; i++) {
		const struct tracker *t = l->ts[i];
		const char *src = t->ops->name;

		for (unsigned int r = 0; r < WARD_DROP__MAX && !err && t->drops.fd >= 0; r++)
			err = metrics_set(x->kernel_drops,
					  (const char *const[]){ src, drop_reason_name(r) },
					  (double)t->drops.seen[r]);
		if (!err)
			err = metrics_set(x->malformed, (const char *const[]){ src },
					  (double)t->malformed);
	}
	if (!err)
		err = metrics_set(x->containers, NULL, (double)container_cache_count(l->s->cc));
	if (!err && l->es) {
		const struct enforcer *e = es_enforcer(l->es);

		err = metrics_set(x->generation, NULL, l->rep.generation) ?:
		      metrics_set(x->targets, NULL, (double)l->rep.targets) ?:
		      metrics_set(x->load_seconds, NULL, l->load_s) ?:
		      metrics_set(x->audit_only, NULL, l->audit_only);
		metrics_reset(x->level);
		for (int r = 0; r < WARD_RES_COUNT && !err; r++)
			err = metrics_set(
				x->level,
				(const char *const[]){ ward_res_name(r),
						       ward_level_name(enforcer_level(e, r)) },
				1);
		if (!err)
			err = export_counters(l);
	}
	err = exporter_publish(x, &l->s->sinks) ?: err;
	if (err)
		cli_error("metrics: %s", strerror(-err));
}

static int trackers_err(const struct run_loop *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->ts[i]->err)
			return l->ts[i]->err;
	return 0;
}

/* The next interval, or the oldest pending record's deadline. */
static uint64_t run_next_wake(void *ctx)
{
	const struct run_loop *l = ctx;
	uint64_t wake = session_resolve_at(l->s);

	for (size_t i = 0; i < l->n; i++)
		if (l->ts[i]->ops->flush && l->ts[i]->next_flush < wake)
			wake = l->ts[i]->next_flush;
	return wake;
}

static int run_wake_fd(void *ctx)
{
	const struct run_loop *l = ctx;

	return l->ctl ? api_fd(l->ctl->api) : -1;
}

static int run_woke(void *ctx, uint64_t now, bool tick)
{
	struct run_loop *l = ctx;
	struct session *s = l->s;
	int err = trackers_err(l);

	if (!err && l->ctl)
		err = api_dispatch(l->ctl->api);
	if (!err)
		err = session_resolve_due(s, now) ?: trackers_err(l);
	if (err)
		return err;
	if (lifecycle_take_reload()) {
		const char *failed = NULL;

		err = sinks_reopen(&s->sinks, &failed);
		if (err) {
			cli_error("SIGHUP: cannot open %s again: %s", failed, strerror(-err));
			return err;
		}
		if (l->es)
			l->load_s = enforce_reload(l->es);
	}
	if (tick) {
		(void)container_cache_gc(s->cc);
		if (l->es)
			enforce_tick(l->es, &l->rep);
		if (s->filter)
			(void)cgfilter_refresh(s->filter, s->cc, now);
		for (size_t i = 0; i < l->n; i++) {
			if (l->ts[i]->own_filter)
				(void)cgfilter_refresh(l->ts[i]->filter, s->cc, now);
			report_drops(l->ts[i], false);
		}
		if (l->next_status && now >= l->next_status)
			status_line(l, now);
		if (l->x)
			export_tick(l);
	}
	for (size_t i = 0; i < l->n && !err; i++) {
		struct tracker *t = l->ts[i];

		if (!t->ops->flush || now < t->next_flush)
			continue;
		t->next_flush += t->interval_ns;
		err = t->ops->flush(t, now + s->mono_to_real_ns, false);
	}
	return err;
}

/* The loop of l's trackers (l->ts, l->n opened) until a stop, o's duration or
 * an error; what is left drained. 0 or -errno. */
static int session_loop(struct run_loop *l, const struct run_opts *o)
{
	static const struct lifecycle_hooks hooks = { .next_wake = run_next_wake,
						      .polling = run_polling,
						      .woke = run_woke,
						      .wake_fd = run_wake_fd };
	uint64_t start = clock_now_ns(CLOCK_MONOTONIC);
	struct session *s = l->s;
	int err = 0;

	if (o->status && isatty(STDERR_FILENO))
		l->next_status = start + STATUS_NS;
	for (size_t i = 0; i < l->n && !err; i++)
		if (l->ts[i]->rb)
			err = lifecycle_rings_add(&l->rings, l->ts[i]->rb);
	if (err)
		return err;
	if (l->x)
		export_tick(l); /* what is in force, before the first tick */
	err = lifecycle_loop(&l->rings, start,
			     o->duration_s ? start + (uint64_t)o->duration_s * 1000000000ULL
					   : UINT64_MAX,
			     &hooks, l);
	/* Drain what is left: events already in the ring buffers, the records
	 * waiting for their container, then the partial last interval (and the
	 * alerts aggregation still counts). */
	for (size_t i = 0; i < l->n && !err; i++)
		if (l->ts[i]->rb && ring_buffer__consume(l->ts[i]->rb) < 0)
			err = -EIO;
	if (!err)
		err = session_resolve(s, true) ?: trackers_err(l);
	for (size_t i = 0; i < l->n && !err; i++)
		if (l->ts[i]->ops->flush)
			err = l->ts[i]->ops->flush(l->ts[i], clock_now_ns(CLOCK_REALTIME), true);
	if (!err)
		err = trackers_err(l);
	session_pending_free(s);
	return err;
}

/* ---- trackers plugged in and out while the server runs (the control API) ---- */

static int run_plug(void *owner, const struct tracker_ops *ops, int64_t interval_s,
		    const char *container, char *why, size_t why_size)
{
	struct run_loop *l = owner;
	struct cgfilter *f = l->s->filter;
	struct tracker *t;
	int err;

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->ts[i]->ops->name, ops->name)) {
			snprintf(why, why_size, "the %s tracker runs already", ops->name);
			return -EEXIST;
		}
	if (l->n == MAX_TRACKERS) {
		snprintf(why, why_size, "%d trackers and plugins run: no room", MAX_TRACKERS);
		return -E2BIG;
	}
	if (container) {
		f = cgfilter_new(container);
		if (!f)
			return -ENOMEM;
		(void)cgfilter_refresh(f, l->s->cc, clock_now_ns(CLOCK_MONOTONIC));
	}
	err = tracker_open(&t, ops, l->s, f, container != NULL,
			   (uint64_t)interval_s * 1000000000ULL, why, why_size);
	if (err)
		return err;
	err = t->rb ? lifecycle_rings_add(&l->rings, t->rb) : 0;
	if (err) {
		snprintf(why, why_size, "following its ring buffer: %s", strerror(-err));
		tracker_close(t);
		return err;
	}
	l->ts[l->n++] = t;
	cli_info("api: %s tracker started%s%s", ops->name, container ? " for " : "",
		 container ? container : "");
	return 0;
}

/* Stop l->ts[i] after what it has: its records in the ring buffer, those
 * waiting for their container (every tracker's: one scan), its last partial
 * interval. 0 or -errno with why (it is stopped all the same). */
static int stop_tracker(struct run_loop *l, size_t i, char *why, size_t why_size)
{
	struct tracker *t = l->ts[i];
	int err;

	lifecycle_rings_remove(&l->rings, t->rb);
	err = (t->rb && ring_buffer__consume(t->rb) < 0 ? -EIO : 0) ?: session_resolve(l->s, true);
	if (!err && t->ops->flush)
		err = t->ops->flush(t, clock_now_ns(CLOCK_REALTIME), true);
	report_drops(t, true);
	l->ts[i] = l->ts[--l->n];
	tracker_close(t);
	if (err)
		snprintf(why, why_size, "its last records: %s", strerror(-err));
	return err;
}

static int run_unplug(void *owner, const char *name, char *why, size_t why_size)
{
	struct run_loop *l = owner;
	size_t i;
	int err;

	for (i = 0; i < l->n && (plugin_of(l->ts[i]) || strcmp(l->ts[i]->ops->name, name)); i++)
		;
	if (i == l->n) {
		snprintf(why, why_size, "no %s tracker runs", name);
		return -ENOENT;
	}
	if (!strcmp(name, "alert")) {
		snprintf(why, why_size, "the alert stream is the policy's: it stops with it");
		return -EPERM;
	}
	err = stop_tracker(l, i, why, why_size);
	if (!err)
		cli_info("api: %s tracker stopped", name);
	return err;
}

static int run_load_plugin(void *owner, const void *buf, size_t len, const char *name, char *why,
			   size_t why_size)
{
	struct run_loop *l = owner;
	struct plugin *p;
	struct tracker *t;
	int err;

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->ts[i]->ops->name, name)) {
			snprintf(why, why_size, "'%s' runs already (a tracker or a plugin)", name);
			return -EEXIST;
		}
	if (l->n == MAX_TRACKERS) {
		snprintf(why, why_size, "%d trackers and plugins run: no room", MAX_TRACKERS);
		return -E2BIG;
	}
	err = plugin_check(buf, len, name, &p, why, why_size);
	if (err)
		return err;
	err = plugin_start(p, l->s, &t, why, why_size);
	if (err)
		return err;
	err = lifecycle_rings_add(&l->rings, t->rb);
	if (err) {
		snprintf(why, why_size, "following its ring buffer: %s", strerror(-err));
		tracker_close(t);
		return err;
	}
	l->ts[l->n++] = t;
	cli_info("api: plugin %s (id %u, %zu programs) loaded", name, plugin_id(plugin_of(t)),
		 plugin_programs(plugin_of(t)));
	return 0;
}

static int run_unload_plugin(void *owner, uint32_t id, char *why, size_t why_size)
{
	struct run_loop *l = owner;
	char name[PLUGIN_NAME_MAX];
	size_t i;
	int err;

	for (i = 0; i < l->n && (!plugin_of(l->ts[i]) || plugin_id(plugin_of(l->ts[i])) != id); i++)
		;
	if (i == l->n) {
		snprintf(why, why_size, "no plugin %u is loaded", id);
		return -ENOENT;
	}
	snprintf(name, sizeof(name), "%s", plugin_name(plugin_of(l->ts[i])));
	err = stop_tracker(l, i, why, why_size);
	cli_info("api: plugin %s (id %u) unloaded", name, id);
	return err;
}

/* The control API (ward server): on the default socket a second server
 * (--no-policy beside another) goes without one, said; a socket given
 * (--api-socket) must be served. Its sink takes alerts for followers. */
struct api_opts run_api_opts(const struct run_opts *o)
{
	return (struct api_opts){
		.socket_path = o->api_socket,
		.listen = o->api_listen,
		.tls_cert = o->api_tls_cert,
		.tls_key = o->api_tls_key,
		.token_file = o->api_token_file,
	};
}

static int open_api(const struct run_opts *o, struct control *ctl)
{
	const struct api_opts ao = run_api_opts(o);
	char why[512];
	int err = api_open(&ao, control_handle, ctl, &ctl->api, why, sizeof(why));

	if (err == -EADDRINUSE && !o->api_socket && !o->api_listen) {
		cli_error("the control API is not served: another ward server serves it (%s); "
			  "give --api-socket PATH",
			  why);
		return 0;
	}
	if (err) {
		cli_error("control API: %s", why);
		return err;
	}
	if (o->api_listen)
		cli_info("control API on %s", api_address(ctl->api));
	err = sink_api_add(&ctl->s->sinks, ctl);
	if (err) {
		api_free(ctl->api);
		ctl->api = NULL;
	}
	return err;
}

int run_start(bool verbose)
{
	int err;

	if (geteuid() != 0)
		cli_info("not running as root: loading BPF programs will likely fail");
	/* First: a stop asked for while the policy loads (seconds) is not lost,
	 * whatever disposition the parent left (background jobs of a shell
	 * script start with SIGINT ignored). */
	err = lifecycle_start(verbose);
	if (err == 1)
		cli_info("mounted tracefs at " PROBE_TRACEFS_DIR);
	if (err < 0) {
		cli_error("tracefs is not mounted and mounting it failed: %s "
			  "(mount -t tracefs tracefs /sys/kernel/tracing)",
			  strerror(-err));
		return err;
	}
	return 0;
}

static const char *run_reason(struct rc_diags *d, const char *policy, int err, char *buf,
			      size_t size)
{
	if (cli_diags_located(d)) {
		cli_print_diags(d, cli_json_errors, stderr);
		(void)snprintf(buf, size, "%zu error%s above (rulesc check %s)", d->n_errors,
			       d->n_errors == 1 ? "" : "s", policy ? policy : "");
		return buf;
	}
	cli_diags_line(d, buf, size);
	return buf[0] ? buf : strerror(-err);
}

void run_no_policy(const struct run_opts *o, struct rc_diags *d, int err)
{
	char why[REASON_MAX];

	cli_error("%s%s: no policy put in force: %s", o->policy ? "--policy " : "",
		  o->policy ? o->policy : "the embedded default pack",
		  run_reason(d, o->policy, err, why, sizeof(why)));
}

/* Why a POSTing output could not start. */
static const char *post_why(int err, bool token)
{
	if (err == -EINVAL && token)
		return "the token file is not one token on one line";
	return strerror(-err);
}

/* An entry of the configuration's outputs list, with its filter. 0, or -errno
 * once said. */
static int add_listed(struct sinks *set, const struct config_output *co, const struct run_opts *o)
{
	struct sink_filter f = { .alerts_only = co->alerts_only, .min_severity = co->min_severity };
	enum out_format fmt = config_output_has_format(co) ? (enum out_format)co->format : o->fmt;
	struct post_output po = { .url = co->url,
				  .token_file = co->token_file,
				  .d = DELIVER_OPTS_DEFAULT };
	const char *name = co->url;
	int err = 0;

	for (size_t i = 0; i < co->events.n; i++)
		f.trackers[f.n_trackers++] = co->events.v[i]->name;
	switch (co->type) {
	case CO_STDOUT:
		name = "stdout";
		err = sink_stream_add(set, stdout, name, fmt, false);
		break;
	case CO_FILE:
		name = co->path;
		err = sink_file_add(set, co->path, fmt,
				    &(struct file_opts){ .max_size = co->max_size,
							 .keep = co->keep ? (unsigned int)co->keep
									  : FILE_KEEP_DEFAULT });
		lifecycle_catch_reload(); /* SIGHUP reopens it (logrotate) */
		break;
	case CO_SYSLOG:
		name = co->target;
		f.alerts_only = true;
		err = sink_syslog_add(set, co->target);
		break;
	case CO_WEBHOOK:
	case CO_OTLP:
		f.alerts_only = !f.n_trackers; /* alerts, and the events named */
		err = (co->type == CO_WEBHOOK ? sink_webhook_add : sink_otlp_add)(set, &po);
		break;
	case CO__N:
		return -EINVAL;
	}
	if (err) {
		cli_error("outputs: the %s output %s: %s", config_output_names[co->type], name,
			  post_why(err, co->token_file));
		return err;
	}
	set->v[set->n - 1]->filter = f; /* the sink just added */
	return 0;
}

/*
 * The session's sinks (docs/outputs.md): the stream on stdout, unless
 * --output FILE or the configuration's outputs list says where rows go;
 * --syslog, --webhook, --otlp; the outputs list. 0, or -errno once said.
 */
static int add_sinks(struct sinks *set, const struct run_opts *o)
{
	int err = 0;

	if (o->output) {
		err = sink_file_add(set, o->output, o->fmt, &o->output_opts);
		if (err) {
			cli_error("--output %s: %s", o->output, strerror(-err));
			return err;
		}
		lifecycle_catch_reload(); /* SIGHUP reopens it (logrotate) */
	} else if (!o->n_outputs) {
		err = sink_stream_add(set, stdout, "stdout", o->fmt, false);
		if (err)
			return err;
	}
	if (o->syslog) {
		err = sink_syslog_add(set, o->syslog);
		if (err) {
			cli_error("--syslog %s: %s", o->syslog, strerror(-err));
			return err;
		}
	}
	if (o->webhook) {
		err = sink_webhook_add(set,
				       &(struct post_output){ .url = o->webhook,
							      .token_file = o->webhook_token_file,
							      .d = DELIVER_OPTS_DEFAULT });
		if (err) {
			cli_error("--webhook %s: %s", o->webhook,
				  post_why(err, o->webhook_token_file));
			return err;
		}
	}
	if (o->otlp) {
		err = sink_otlp_add(
			set, &(struct post_output){ .url = o->otlp, .d = DELIVER_OPTS_DEFAULT });
		if (err) {
			cli_error("--otlp %s: %s", o->otlp, strerror(-err));
			return err;
		}
	}
	for (size_t i = 0; i < o->n_outputs && !err; i++)
		err = add_listed(set, &o->outputs[i], o);
	return err;
}

int run_trackers(const struct tracker_ops *const *ops, size_t n, struct run_opts *o)
{
	struct session s = { 0 };
	struct run_loop l = { .s = &s, .audit_only = o->audit_only, .rings = { .epfd = -1 } };
	const char *failed = NULL;
	struct enforce_session *es = NULL;
	struct exporter *x = NULL;
	struct control ctl = { .s = &s, .trusted_key = o->trusted_key };
	double load_s = 0;
	int lock_fd = -1;
	int err, cerr;

	err = run_start(o->verbose);
	if (err)
		return err;
	err = add_sinks(&s.sinks, o);
	if (err)
		goto out_close_file;
	if (o->metrics) {
		err = exporter_open(o->metrics, o->metrics_containers, &s.sinks, &x);
		if (err) {
			cli_error("--metrics %s: cannot serve metrics there: %s", o->metrics,
				  strerror(-err));
			goto out_close_file;
		}
		cli_info("metrics on http://%s/metrics", exporter_address(x));
	}
	if (o->api) {
		err = open_api(o, &ctl);
		if (err)
			goto out_close_file;
	}
	s.mono_to_real_ns = clock_now_ns(CLOCK_REALTIME) - clock_now_ns(CLOCK_MONOTONIC);
	s.cc = container_cache_new(NULL);
	if (!s.cc) {
		err = -errno;
		cli_error("container metadata: %s", strerror(errno));
		goto out_close_file;
	}
	if (o->container) {
		int found;

		s.filter = cgfilter_new(o->container);
		if (!s.filter) {
			err = -ENOMEM;
			goto out_free_cache;
		}
		(void)container_cache_scan(s.cc);
		found = cgfilter_refresh(s.filter, s.cc, clock_now_ns(CLOCK_MONOTONIC));
		if (found == -ENOTUNIQ) {
			cli_error("--container %s: ambiguous id prefix, it matches several "
				  "containers; give more of the id or the name",
				  o->container);
			err = -EINVAL;
			goto out_free_filter;
		}
		if (found == 0)
			cli_info("no running container matches '%s' yet; waiting for one to start",
				 o->container);
	}

	if (o->enforce) {
		/* One daemon owns the pinned enforcement state at a time. */
		lock_fd = take_server_lock();
		if (lock_fd < 0 && !o->policy) {
			cli_error("another ward server holds " SERVER_LOCK
				  " (%s): the default pack "
				  "is not loaded, running the trackers only",
				  strerror(-lock_fd));
			goto trackers;
		}
		if (lock_fd < 0) {
			err = lock_fd;
			cli_error("another ward server holds " SERVER_LOCK " (%s): two daemons "
				  "would fight over the pinned policy",
				  strerror(-err));
			goto out_free_filter;
		}
	}
	if (o->enforce && !o->policy && access(ENFORCE_PIN_DIR "/ward_active", F_OK) == 0) {
		/* Never let the zero-configuration run replace (and, on exit, unpin) a
		 * policy an operator left in force. */
		cli_error("a policy pinned in " ENFORCE_PIN_DIR " is in force (an earlier 'ward "
			  "server --policy'); the default pack does not replace it: running the "
			  "trackers only (give --policy to replace it, 'ward status' to see it)");
		goto trackers;
	}
	if (o->enforce) {
		struct es_opts eo = { .policy = o->policy,
				      .trusted_key = o->trusted_key,
				      .audit_only = o->audit_only };
		const char *what = o->policy ? o->policy : "the embedded default pack";
		uint64_t t0 = clock_now_ns(CLOCK_MONOTONIC);
		char why[REASON_MAX];
		struct es_report rep;
		struct rc_diags d;

		rc_diags_init(&d);
		err = es_start(&eo, o->loaded, s.cc, &es, &rep, &d);
		o->loaded = NULL;
		load_s = (double)(clock_now_ns(CLOCK_MONOTONIC) - t0) / 1e9;
		if (err) {
			/* A security tool never runs silently unprotected: only
			 * --no-policy runs the trackers alone. */
			run_no_policy(o, &d, err);
			rc_diags_free(&d);
			goto out_free_filter;
		}
		if (d.n_errors)
			cli_error("%s: %s", what, cli_diags_line(&d, why, sizeof(why)));
		else if (d.n)
			cli_warn("%s: %s", what, cli_diags_line(&d, why, sizeof(why)));
		rc_diags_free(&d);
		if (rep.adopted)
			cli_info("adopted the pinned enforcement state (generation %u)",
				 rep.adopted);
		cli_info("policy generation %u in force from %s%s, %zu containers targeted; "
			 "enforcement: exec %s, file %s, network %s, capabilities %s",
			 rep.generation, what,
			 o->audit_only ? " (audit only: nothing is blocked)" : "", rep.targets,
			 ward_level_name(enforcer_level(es_enforcer(es), WARD_RES_EXEC)),
			 ward_level_name(enforcer_level(es_enforcer(es), WARD_RES_FILE)),
			 ward_level_name(enforcer_level(es_enforcer(es), WARD_RES_NET)),
			 ward_level_name(enforcer_level(es_enforcer(es), WARD_RES_CAP)));
		for (int r = 0; r < WARD_RES_COUNT; r++)
			if (enforcer_degraded(es_enforcer(es), r))
				cli_error("%s: %s", ward_res_name(r),
					  enforcer_level_reason(es_enforcer(es), r));
		if (rep.skipped)
			cli_error("%zu containers are selected by more than %d policies and are "
				  "not covered",
				  rep.skipped, WARD_MAX_POLICIES_PER_CGROUP);
		warn_host_policies(&rep);
		lifecycle_catch_reload();
		l.rep = rep; /* what the first metrics page says, before the first tick */
		ctl.policy_source = o->policy ? o->policy : "embedded default pack";
	}
trackers:
	if (!es && !n) { /* the default pack stood aside and no event was asked for */
		cli_error("nothing to show: no --events given (ward server --events all)");
		err = -EALREADY;
		goto out_free_filter;
	}
	for (size_t i = 0; i < n; i++) {
		char why[256];

		err = tracker_open(&l.ts[l.n], ops[i], &s, s.filter, false,
				   (uint64_t)o->interval_s * 1000000000ULL, why, sizeof(why));
		if (err) {
			cli_error("%s", why);
			goto out_close_trackers;
		}
		l.n++;
	}
	if (es) {
		struct tracker *t = calloc(1, sizeof(*t));

		err = t ? alert_tracker_init(t, &s, es,
					     &(struct alert_opts){
						     .aggregate = !o->no_aggregate,
						     .window_ns = (uint64_t)o->aggregate_window_s *
								  1000000000ULL,
						     .key = o->aggregate_key })
			: -ENOMEM;
		if (t) {
			l.ts[l.n++] = t; /* closed with the others, also when it failed */
			/* its aggregation windows close at the session's interval */
			t->interval_ns = (uint64_t)o->interval_s * 1000000000ULL;
			t->next_flush = clock_now_ns(CLOCK_MONOTONIC) + t->interval_ns;
		}
		if (err) {
			cli_error("alert stream: %s", strerror(-err));
			goto out_close_trackers;
		}
	}
	l.es = es;
	l.x = x;
	l.load_s = load_s;
	if (ctl.api) { /* what the routes read and change from now on */
		l.ctl = &ctl;
		ctl.es = es;
		ctl.ts = l.ts;
		ctl.n_ts = &l.n;
		ctl.rep = &l.rep;
		ctl.owner = &l;
		ctl.plug = run_plug;
		ctl.unplug = run_unplug;
		ctl.load_plugin = run_load_plugin;
		ctl.unload_plugin = run_unload_plugin;
		ctl.interval_s = o->interval_s;
	}
	err = session_loop(&l, o);
	if (err)
		cli_error("event loop: %s", strerror(-err));

out_close_trackers:
	for (size_t i = 0; i < l.n; i++) {
		if (l.ts[i]->drops.fd >= 0)
			report_drops(l.ts[i], true);
		tracker_close(l.ts[i]);
	}
out_free_filter:
	es_free(es, o->unpin_on_exit);
	if (lock_fd >= 0)
		close(lock_fd);
	cgfilter_free(s.filter);
out_free_cache:
	container_cache_free(s.cc);
out_close_file:
	cerr = sinks_close(&s.sinks, &failed);
	if (cerr < 0 && !err) {
		err = cerr;
		cli_error("writing %s: %s", failed, strerror(-cerr));
	}
	exporter_free(x);
	api_free(ctl.api);
	control_free(&ctl);
	return err;
}
