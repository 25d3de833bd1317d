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
};

struct ward_config {
	unsigned int set; /* enum config_key */
	char *policy, *trusted_key, *container, *output, *metrics, *syslog, *webhook,
		*webhook_token_file, *otlp;
	bool audit, no_policy, unpin_on_exit, verbose, no_aggregate;
	const struct tracker_ops *events[4]; /* TRACKER_COUNT */
	size_t n_events;
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

#endif
