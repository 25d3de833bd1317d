/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trackers' session of `ward run TRACKER` and `ward server` (their
 * options and help: engine/cmd/run.c): the trackers and, for the server, a
 * policy in force and its alerts, on the run lifecycle (lifecycle.h).
 */
#ifndef WARD_RUN_H
#define WARD_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"
#include "core/config.h"
#include "core/output.h"
#include "enforce/policy.h"
#include "tracker.h"

struct run_opts {
	int64_t interval_s;
	int64_t duration_s;
	const char *container;
	const char *output;
	enum out_format fmt;
	bool enforce;		 /* server: a policy is in force (default: the embedded pack) */
	const char *policy;	 /* server --policy; NULL: the embedded default pack */
	const char *trusted_key; /* server --trusted-key */
	struct policy *loaded;	 /* server: the policy (or pack) loaded before anything else */
	bool audit_only;	 /* server --audit, and always for the embedded pack */
	bool unpin_on_exit;
	bool status; /* server: the status line on a terminal */
	/* server --events: the trackers whose events are shown (alerts always are) */
	const struct tracker_ops *events[TRACKER_COUNT];
	size_t n_events;
	bool events_given;
	struct ward_config cfg; /* server: the configuration file the options start from */
	unsigned int given;	/* the policy options given on the command line (CK_*) */
	bool verbose;		/* -v: libbpf's debug messages */
	const char *metrics;	/* server --metrics ADDR:PORT */
	const char *syslog;	/* server --syslog TARGET: alerts to syslog */
	const char *webhook;	/* server --webhook URL */
	const char *webhook_token_file;
	const char *otlp; /* server --otlp URL */
	/* server: the configuration's outputs list (cfg's) */
	const struct config_output *outputs;
	size_t n_outputs;
	bool api;		/* server: serve the control API */
	const char *api_socket; /* server --api-socket PATH; NULL: the default */
	/* server --api ADDR:PORT (NULL: no TCP listener) and its TLS and token */
	const char *api_listen, *api_tls_cert, *api_tls_key, *api_token_file;
	size_t metrics_containers; /* per-container series at most */
	bool no_aggregate;	   /* server --no-aggregate: every alert as it comes */
	int64_t aggregate_window_s;
	unsigned int aggregate_key;   /* enum agg_field bits */
	struct file_opts output_opts; /* --output-max-size, --output-keep */
};

/* What ward run, ward server and ward learn do first (lifecycle_start()):
 * 0, or -errno once said. */
int run_start(bool verbose);

/* Runs ops, with o->loaded in force when o->enforce; o->loaded is taken (NULL) once
 * handed over to the enforcement session. 0, or -errno once said. */
int run_trackers(const struct tracker_ops *const *ops, size_t n, struct run_opts *o);
/* The control API's options in o. */
struct api_opts run_api_opts(const struct run_opts *o);

struct rc_diags;
/* Says "a policy did not load": nothing of it is in force (d's errors, or
 * err's text; diagnostics in a policy's text are printed whole first). */
void run_no_policy(const struct run_opts *o, struct rc_diags *d, int err);

#endif
