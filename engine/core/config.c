// SPDX-License-Identifier: Apache-2.0
/* /etc/ward/ward.yaml: the server's options as a file (config.h). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "http.h"
#include "http_client.h"
#include "syslog.h"
#include "metrics/metrics.h"
#include "enforce/aggregate.h"
#include "output.h"
#include "trace/tracker.h"
#include "rulesc.h"

#define INTERVAL_MAX_S 86400	  /* as --interval */
#define CONFIG_MAX     (1u << 20) /* bytes */

_Static_assert(sizeof(((struct ward_config *)0)->events) / sizeof(void *) == TRACKER_COUNT,
	       "room for every tracker");

enum kind {
	K_STR,
	K_BOOL,
	K_INTERVAL,
	K_DURATION,
	K_EVENTS,
	K_FORMAT,
	K_LISTEN,
	K_COUNT,
	K_AGG_KEY,
	K_SIZE,
	K_KEEP,
	K_SYSLOG,
	K_URL,
};

static const struct key {
	const char *name; /* camelCase of the option's long name */
	enum kind kind;
	unsigned int bit;
	size_t off; /* of the field in struct ward_config */
} keys[] = {
	{ "policy", K_STR, CK_POLICY, offsetof(struct ward_config, policy) },
	{ "trustedKey", K_STR, CK_TRUSTED_KEY, offsetof(struct ward_config, trusted_key) },
	{ "audit", K_BOOL, CK_AUDIT, offsetof(struct ward_config, audit) },
	{ "noPolicy", K_BOOL, CK_NO_POLICY, offsetof(struct ward_config, no_policy) },
	{ "unpinOnExit", K_BOOL, CK_UNPIN_ON_EXIT, offsetof(struct ward_config, unpin_on_exit) },
	{ "events", K_EVENTS, CK_EVENTS, offsetof(struct ward_config, events) },
	{ "interval", K_INTERVAL, CK_INTERVAL, offsetof(struct ward_config, interval_s) },
	{ "duration", K_DURATION, CK_DURATION, offsetof(struct ward_config, duration_s) },
	{ "container", K_STR, CK_CONTAINER, offsetof(struct ward_config, container) },
	{ "format", K_FORMAT, CK_FORMAT, offsetof(struct ward_config, format) },
	{ "output", K_STR, CK_OUTPUT, offsetof(struct ward_config, output) },
	{ "verbose", K_BOOL, CK_VERBOSE, offsetof(struct ward_config, verbose) },
	{ "metrics", K_LISTEN, CK_METRICS, offsetof(struct ward_config, metrics) },
	{ "metricsContainers", K_COUNT, CK_METRICS_CONTAINERS,
	  offsetof(struct ward_config, metrics_containers) },
	{ "noAggregate", K_BOOL, CK_NO_AGGREGATE, offsetof(struct ward_config, no_aggregate) },
	{ "aggregateWindow", K_INTERVAL, CK_AGGREGATE_WINDOW,
	  offsetof(struct ward_config, aggregate_window_s) },
	{ "aggregateKey", K_AGG_KEY, CK_AGGREGATE_KEY,
	  offsetof(struct ward_config, aggregate_key) },
	{ "outputMaxSize", K_SIZE, CK_OUTPUT_MAX_SIZE,
	  offsetof(struct ward_config, output_max_size) },
	{ "outputKeep", K_KEEP, CK_OUTPUT_KEEP, offsetof(struct ward_config, output_keep) },
	{ "syslog", K_SYSLOG, CK_SYSLOG, offsetof(struct ward_config, syslog) },
	{ "webhook", K_URL, CK_WEBHOOK, offsetof(struct ward_config, webhook) },
	{ "webhookTokenFile", K_STR, CK_WEBHOOK_TOKEN_FILE,
	  offsetof(struct ward_config, webhook_token_file) },
	{ "otlp", K_URL, CK_OTLP, offsetof(struct ward_config, otlp) },
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

struct parse {
	const struct ysrc *src;
	struct rc_diags *d;
};

__attribute__((format(printf, 5, 6))) static void bad(struct parse *p, const struct ynode *n,
						      const char *code, const char *hint,
						      const char *fmt, ...)
{
	struct rc_loc loc = ynode_loc(p->src, n);
	va_list ap;

	va_start(ap, fmt);
	rc_vdiag(p->d, RC_ERROR, code, &loc, hint, fmt, ap);
	va_end(ap);
}

static const char *scalar(struct parse *p, const struct ynode *v, const char *key)
{
	if (v->type == YN_SCALAR && v->len)
		return v->str;
	bad(p, v, "bad-type", NULL, "'%s' takes a %s, not %s", key,
	    v->type == YN_SCALAR ? "non-empty value" : "single value",
	    v->type == YN_SCALAR ? "an empty one" : ynode_type_name(v));
	return NULL;
}

static int add_event(struct parse *p, struct ward_config *c, const struct ynode *v)
{
	if (!scalar(p, v, "events"))
		return -EINVAL;
	if (tracker_list_add(c->events, &c->n_events, v->str) < 0) {
		bad(p, v, "unknown-tracker", "process, files, tcp, syscall or all",
		    "no tracker '%s'", v->str);
		return -EINVAL;
	}
	return 0;
}

static int set_value(struct parse *p, struct ward_config *c, const struct key *k,
		     const struct ynode *v)
{
	void *field = (char *)c + k->off;
	char host[HTTP_ADDR_MAX], *end;
	struct http_url url;
	unsigned long long n;
	uint64_t size;
	const char *s;
	uint16_t port;
	int64_t secs;
	int err = 0;

	if (k->kind == K_AGG_KEY) {
		unsigned int *key = field;

		if (v->type != YN_SEQ || !v->n) {
			bad(p, v, "bad-type",
			    "aggregateKey: [container, policy, rule, action, object]",
			    "'aggregateKey' takes a list of fields");
			return -EINVAL;
		}
		*key = 0;
		for (size_t i = 0; i < v->n; i++) {
			unsigned int bit;

			if (!scalar(p, v->kids[i], "aggregateKey"))
				return -EINVAL;
			if (agg_parse_key(v->kids[i]->str, &bit) || strchr(v->kids[i]->str, ',')) {
				bad(p, v->kids[i], "bad-value",
				    "container, policy, rule, action, object, exe, comm, pid or "
				    "uid",
				    "no field '%s'", v->kids[i]->str);
				return -EINVAL;
			}
			*key |= bit;
		}
		return 0;
	}
	if (k->kind == K_EVENTS) {
		if (v->type != YN_SEQ || !v->n) {
			bad(p, v, "bad-type", "events: [process, files, tcp]",
			    "'events' takes a list of trackers");
			return -EINVAL;
		}
		for (size_t i = 0; i < v->n && !err; i++)
			err = add_event(p, c, v->kids[i]);
		return err;
	}
	s = scalar(p, v, k->name);
	if (!s)
		return -EINVAL;
	switch (k->kind) {
	case K_SYSLOG:
		if (syslog_parse_target(s, &(struct syslog_target){ 0 })) {
			bad(p, v, "bad-value", "unix:/dev/log, udp:ADDR:PORT or tcp:ADDR:PORT",
			    "'%s' is not a syslog target", s);
			return -EINVAL;
		}
		break;
	case K_URL:
		if (http_url_parse(s, &url) || (url.tls && !http_client_tls())) {
			bad(p, v, "bad-value",
			    url.tls ? "http://: this static ward has no TLS (build/ward has)"
				    : "http[s]://HOST[:PORT][/PATH]; a token goes in a file",
			    "'%s' is not a URL ward can post to", s);
			return -EINVAL;
		}
		break;
	case K_LISTEN:
		if (http_parse_listen(s, host, &port)) {
			bad(p, v, "bad-value",
			    "ADDR:PORT with a numeric IPv4 or [IPv6] address; PORT alone: loopback",
			    "'%s' is not an address to listen on", s);
			return -EINVAL;
		}
		break;
	case K_STR:
		break;
	case K_COUNT:
	case K_KEEP:
		errno = 0;
		n = strtoull(s, &end, 10);
		if (!v->plain || *end || errno || s[0] == '-' ||
		    n > (k->kind == K_KEEP ? OUTPUT_KEEP_MAX : METRICS_SERIES_MAX) ||
		    (k->kind == K_KEEP && !n)) {
			bad(p, v, "bad-value",
			    k->kind == K_KEEP ? "a whole number from 1 to 1000"
					      : "a whole number, at most " METRICS_SERIES_MAX_S,
			    "'%s' is not a count", s);
			return -EINVAL;
		}
		*(size_t *)field = n;
		return 0;
	case K_SIZE:
		if (rc_parse_size(s, &size) || size < OUTPUT_SIZE_MIN) {
			bad(p, v, "bad-value", "bytes, or 512k, 100M, 1G; at least 4096",
			    "'%s' is not a size", s);
			return -EINVAL;
		}
		*(uint64_t *)field = size;
		return 0;
	case K_BOOL:
		if (!v->plain || (strcmp(s, "true") && strcmp(s, "false"))) {
			bad(p, v, "bad-value", "true or false", "'%s' is not a boolean", s);
			return -EINVAL;
		}
		*(bool *)field = !strcmp(s, "true");
		return 0;
	case K_INTERVAL:
	case K_DURATION:
		if (rc_parse_duration(s, &secs) < 0 || secs < 1 ||
		    secs > (k->kind == K_INTERVAL ? INTERVAL_MAX_S : CLI_DURATION_MAX)) {
			bad(p, v, "bad-value",
			    k->kind == K_INTERVAL ? "seconds, or 90s, 15m, 2h; at most a day"
						  : "seconds, or 90s, 15m, 2h; at most a year",
			    "'%s' is not %s", s,
			    k->kind == K_INTERVAL ? "an interval" : "a duration");
			return -EINVAL;
		}
		*(int64_t *)field = secs;
		return 0;
	case K_FORMAT:
		for (int f = 0; out_format_names[f]; f++) {
			if (!strcmp(s, out_format_names[f])) {
				*(int *)field = f;
				return 0;
			}
		}
		bad(p, v, "bad-value", "table, json or csv", "'%s' is not an output format", s);
		return -EINVAL;
	default:
		return -EINVAL;
	}
	/* a string, checked above */
	*(char **)field = strdup(s);
	return *(char **)field ? 0 : -ENOMEM;
}

static int parse_doc(struct parse *p, const struct ynode *doc, struct ward_config *c)
{
	const char *names[N_KEYS];
	int err = 0;

	for (size_t i = 0; i < N_KEYS; i++)
		names[i] = keys[i].name;
	if (doc->type == YN_SCALAR && !doc->len)
		return 0; /* an empty file: nothing set */
	if (doc->type != YN_MAP) {
		bad(p, doc, "bad-type", "one key per option: 'format: json'",
		    "the configuration is a mapping of options");
		return -EINVAL;
	}
	for (size_t i = 0; i + 1 < doc->n; i += 2) {
		const struct ynode *key = doc->kids[i], *val = doc->kids[i + 1];
		const struct key *k = NULL;
		char hint[96] = "";
		const char *near;
		int r;

		for (size_t j = 0; j < N_KEYS && !k; j++)
			if (!strcmp(keys[j].name, key->str))
				k = &keys[j];
		if (!k) {
			near = rc_suggest(key->str, names, N_KEYS);
			if (near)
				(void)snprintf(hint, sizeof(hint), "did you mean '%s'?", near);
			bad(p, key, "unknown-key", hint[0] ? hint : "keys: docs/config.md",
			    "unknown key '%s'", key->str);
			err = -EINVAL;
			continue;
		}
		r = set_value(p, c, k, val);
		if (r == -ENOMEM)
			return r;
		if (r)
			err = r;
		else
			c->set |= k->bit;
	}
	return err;
}

/* The parsed file (or -EINVAL, -ENOMEM from the parser) into *ret. */
static int config_from(struct ysrc *src, int err, struct ward_config *ret, struct rc_diags *d)
{
	struct parse p = { .src = src, .d = d };

	if (err == -ENOMEM)
		return err;
	if (err)
		return -EINVAL;
	if (src->n_docs > 1) {
		bad(&p, src->docs[1], "several-documents", "one document, no '---' after it",
		    "the configuration is one YAML document");
		err = -EINVAL;
	} else if (src->n_docs) {
		err = parse_doc(&p, src->docs[0], ret);
	}
	ysrc_free(src);
	if (err)
		config_free(ret);
	return err;
}

/* Only blank lines and comments: the shipped file with every key commented
 * out, which sets nothing (the YAML parser wants a document). */
static bool blank(const char *buf, size_t len)
{
	bool comment = false, start = true;

	for (size_t i = 0; i < len; i++) {
		char ch = buf[i];

		if (ch == '\n') {
			comment = false;
			start = true;
		} else if (comment || ch == ' ' || ch == '\t' || ch == '\r') {
			continue;
		} else if (start && ch == '#') {
			comment = true;
		} else {
			return false;
		}
	}
	return true;
}

int config_parse(const char *name, const char *buf, size_t len, struct ward_config *ret,
		 struct rc_diags *d)
{
	struct ysrc *src = NULL;
	int err;

	memset(ret, 0, sizeof(*ret));
	if (blank(buf, len))
		return 0;
	err = ysrc_parse(name, buf, len, d, &src);
	return config_from(src, err, ret, d);
}

int config_load(const char *path, struct ward_config *ret, struct rc_diags *d)
{
	struct rc_loc loc = { .file = path };
	uint8_t *buf;
	size_t len;
	int err;

	memset(ret, 0, sizeof(*ret));
	err = rc_read_file(path, CONFIG_MAX, &buf, &len);
	if (err == -ENOENT || err == -ENOMEM)
		return err;
	if (err) {
		rc_diag(d, RC_ERROR, "io", &loc, "check the path", "cannot read: %s",
			err == -EFBIG ? "larger than 1 MiB" : strerror(-err));
		return -EINVAL;
	}
	err = config_parse(path, (const char *)buf, len, ret, d);
	free(buf);
	return err;
}

void config_free(struct ward_config *c)
{
	free(c->policy);
	free(c->trusted_key);
	free(c->container);
	free(c->output);
	free(c->metrics);
	free(c->syslog);
	free(c->webhook);
	free(c->webhook_token_file);
	free(c->otlp);
	memset(c, 0, sizeof(*c));
}
