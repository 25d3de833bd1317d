/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The server's configuration file, /etc/ward/ward.yaml (docs/config.md): one
 * key per `ward server` option; options given on the command line override
 * it. Unknown keys and bad values are errors with file:line:col.
 */
#ifndef WARD_CONFIG_H
#define WARD_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "rulesc.h"

#define CONFIG_DEFAULT_PATH "/etc/ward/ward.yaml"
#define INTERVAL_MAX_S	    86400 /* --interval, --aggregate-window: a day */

struct tracker_ops;

/* Which keys the file set (enum config_key bits). */
enum config_key {
	CK_POLICY = 1 << 0,
	CK_TRUSTED_KEY = 1 << 1,
	CK_AUDIT = 1 << 2,
	CK_NO_POLICY = 1 << 3,
	CK_UNPIN_ON_EXIT = 1 << 4,
	CK_EVENTS = 1 << 5,
	CK_INTERVAL = 1 << 6,
	CK_CONTAINER = 1 << 7,
	CK_FORMAT = 1 << 8,
	CK_OUTPUT = 1 << 9,
	CK_VERBOSE = 1 << 10,
	CK_METRICS = 1 << 11,
	CK_METRICS_CONTAINERS = 1 << 12,
	CK_DURATION = 1 << 13,
	CK_NO_AGGREGATE = 1 << 14,
	CK_AGGREGATE_WINDOW = 1 << 15,
	CK_AGGREGATE_KEY = 1 << 16,
	CK_OUTPUT_MAX_SIZE = 1 << 17,
	CK_OUTPUT_KEEP = 1 << 18,
	CK_SYSLOG = 1 << 19,
	CK_WEBHOOK = 1 << 20,
	CK_WEBHOOK_TOKEN_FILE = 1 << 21,
	CK_OTLP = 1 << 22,
	CK_OUTPUTS = 1 << 23,
	CK_API_SOCKET = 1 << 24,
	CK_API = 1 << 25,
	CK_API_TLS_CERT = 1 << 26,
	CK_API_TLS_KEY = 1 << 27,
	CK_API_TOKEN_FILE = 1 << 28,
};

/* The trackers an events list names, once each, in order. */
struct tracker_list {
	const struct tracker_ops *v[4]; /* TRACKER_COUNT */
	size_t n;
};

/* One entry of the outputs list (docs/config.md, "Outputs"). */
enum config_output_type { CO_STDOUT, CO_FILE, CO_SYSLOG, CO_WEBHOOK, CO_OTLP, CO__N };
struct config_output {
	enum config_output_type type;
	char *path;		/* file */
	char *target;		/* syslog */
	char *url, *token_file; /* webhook, otlp */
	int format;		/* stdout, file: enum out_format, when set */
	uint64_t max_size;	/* file */
	size_t keep;		/* file */
	/* its filter */
	bool alerts_only;
	struct tracker_list events;
	unsigned int min_severity; /* enum ward_severity */
	unsigned int set;	   /* the keys the entry has (bit i: out_keys[i] in config.c) */
};

struct ward_config {
	unsigned int set; /* enum config_key */
	char *policy, *trusted_key, *container, *output, *metrics, *syslog, *webhook,
		*webhook_token_file, *otlp, *api_socket, *api, *api_tls_cert, *api_tls_key,
		*api_token_file;
	bool audit, no_policy, unpin_on_exit, verbose, no_aggregate;
	struct tracker_list events;
	struct config_output *outputs;
	size_t n_outputs;
	int64_t interval_s, duration_s, aggregate_window_s;
	unsigned int aggregate_key; /* enum agg_field bits */
	int format;		    /* enum out_format */
	size_t metrics_containers;
	uint64_t output_max_size;
	size_t output_keep;
};

/*
 * Read the configuration at path into *ret (zeroed first). 0; -ENOENT when
 * the file does not exist (nothing said); -EINVAL after diagnostics in d (an
 * unreadable file, bad YAML, an unknown key, a bad value); -ENOMEM.
 */
int config_load(const char *path, struct ward_config *ret, struct rc_diags *d);
/* The same for the contents of a file named name. */
int config_parse(const char *name, const char *buf, size_t len, struct ward_config *ret,
		 struct rc_diags *d);
void config_free(struct ward_config *c);

/* The names of the output types, indexed by enum config_output_type. */
extern const char *const config_output_names[CO__N];
/* Whether entry o set its format (a stdout or file output). */
bool config_output_has_format(const struct config_output *o);

#endif
