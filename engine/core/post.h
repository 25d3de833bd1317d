/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The outputs that POST batches over HTTP(S) (docs/outputs.md), on the
 * asynchronous delivery of deliver.h: the webhook (a JSON array of the rows'
 * objects, exactly as -o json renders each: docs/alerts.md) and OTLP/HTTP
 * logs (an ExportLogsServiceRequest in OTLP's JSON encoding, otlp.c). Alerts
 * only, unless the caller sets the sink's filter otherwise.
 */
#ifndef WARD_POST_H
#define WARD_POST_H

#include <stddef.h>
#include <stdint.h>

#include "deliver.h"
#include "sink.h"

struct post_output {
	const char *url;	/* http[s]://HOST[:PORT]/PATH (http_url_parse()) */
	const char *token_file; /* its contents go as "Authorization: Bearer TOKEN"; or NULL */
	struct deliver_opts d;
};

/* A row as one record of a batch: malloc'd, its length in *ret_len; NULL on
 * ENOMEM. */
typedef char *(*post_encode_fn)(const struct out *ch, const union out_val *vals, uint64_t present,
				size_t *ret_len);

/* The webhook's record: the row's -o json object. */
char *webhook_record(const struct out *ch, const union out_val *vals, uint64_t present,
		     size_t *ret_len);
/* OTLP's: one LogRecord (otlp.c). */
char *otlp_record(const struct out *ch, const union out_val *vals, uint64_t present,
		  size_t *ret_len);
/* The body around OTLP's records: the resource (service.name ward, host.name
 * host) and scope; malloc'd into *ret_prefix and *ret_suffix. 0 or -ENOMEM. */
int otlp_frame(const char *host, char **ret_prefix, char **ret_suffix);

/* The Authorization header's value from a token file: "Bearer TOKEN", the
 * file's first line. 0, -EINVAL (empty, or not one printable line), or
 * -errno of reading it. */
int post_token_read(const char *path, char **ret);

/* Add the output to set; kind "webhook" or "otlp". 0, or -EINVAL (the URL),
 * -EPROTONOSUPPORT (https without TLS in this build), the token file's
 * error, -errno. */
int sink_webhook_add(struct sinks *set, const struct post_output *o);
int sink_otlp_add(struct sinks *set, const struct post_output *o);

#endif
