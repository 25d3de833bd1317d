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
#include "api/api.h"
#include "metrics/metrics.h"
#include "enforce/aggregate.h"
#include "output.h"
#include "trace/tracker.h"
#include "rulesc.h"

#define CONFIG_MAX (1u << 20) /* bytes */

_Static_assert(sizeof(((struct tracker_list *)0)->v) / sizeof(void *) == TRACKER_COUNT,
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
	K_SOCKET,
	K_URL,
	K_OUTPUTS,
	K_OUTPUT_TYPE,
	K_SEVERITY,
};

struct key {
	const char *name; /* camelCase of the option's long name */
	enum kind kind;
	unsigned int bit;
	size_t off;	    /* of the field in struct ward_config (struct config_output) */
	unsigned int types; /* an output's key: the types that have it (1 << CO_*) */
};

static const struct key keys[] = {
	{ "policy", K_STR, CK_POLICY, offsetof(struct ward_config, policy), 0 },
	{ "trustedKey", K_STR, CK_TRUSTED_KEY, offsetof(struct ward_config, trusted_key), 0 },
	{ "audit", K_BOOL, CK_AUDIT, offsetof(struct ward_config, audit), 0 },
	{ "noPolicy", K_BOOL, CK_NO_POLICY, offsetof(struct ward_config, no_policy), 0 },
	{ "unpinOnExit", K_BOOL, CK_UNPIN_ON_EXIT, offsetof(struct ward_config, unpin_on_exit), 0 },
	{ "events", K_EVENTS, CK_EVENTS, offsetof(struct ward_config, events), 0 },
	{ "interval", K_INTERVAL, CK_INTERVAL, offsetof(struct ward_config, interval_s), 0 },
	{ "duration", K_DURATION, CK_DURATION, offsetof(struct ward_config, duration_s), 0 },
	{ "container", K_STR, CK_CONTAINER, offsetof(struct ward_config, container), 0 },
	{ "format", K_FORMAT, CK_FORMAT, offsetof(struct ward_config, format), 0 },
	{ "output", K_STR, CK_OUTPUT, offsetof(struct ward_config, output), 0 },
	{ "verbose", K_BOOL, CK_VERBOSE, offsetof(struct ward_config, verbose), 0 },
	{ "metrics", K_LISTEN, CK_METRICS, offsetof(struct ward_config, metrics), 0 },
	{ "metricsContainers", K_COUNT, CK_METRICS_CONTAINERS,
	  offsetof(struct ward_config, metrics_containers), 0 },
	{ "noAggregate", K_BOOL, CK_NO_AGGREGATE, offsetof(struct ward_config, no_aggregate), 0 },
	{ "aggregateWindow", K_INTERVAL, CK_AGGREGATE_WINDOW,
	  offsetof(struct ward_config, aggregate_window_s), 0 },
	{ "aggregateKey", K_AGG_KEY, CK_AGGREGATE_KEY, offsetof(struct ward_config, aggregate_key),
	  0 },
	{ "outputMaxSize", K_SIZE, CK_OUTPUT_MAX_SIZE,
	  offsetof(struct ward_config, output_max_size), 0 },
	{ "outputKeep", K_KEEP, CK_OUTPUT_KEEP, offsetof(struct ward_config, output_keep), 0 },
	{ "syslog", K_SYSLOG, CK_SYSLOG, offsetof(struct ward_config, syslog), 0 },
	{ "webhook", K_URL, CK_WEBHOOK, offsetof(struct ward_config, webhook), 0 },
	{ "webhookTokenFile", K_STR, CK_WEBHOOK_TOKEN_FILE,
	  offsetof(struct ward_config, webhook_token_file), 0 },
	{ "otlp", K_URL, CK_OTLP, offsetof(struct ward_config, otlp), 0 },
	{ "outputs", K_OUTPUTS, CK_OUTPUTS, offsetof(struct ward_config, outputs), 0 },
	{ "apiSocket", K_SOCKET, CK_API_SOCKET, offsetof(struct ward_config, api_socket), 0 },
	{ "api", K_LISTEN, CK_API, offsetof(struct ward_config, api), 0 },
	{ "apiTlsCert", K_STR, CK_API_TLS_CERT, offsetof(struct ward_config, api_tls_cert), 0 },
	{ "apiTlsKey", K_STR, CK_API_TLS_KEY, offsetof(struct ward_config, api_tls_key), 0 },
	{ "apiTokenFile", K_STR, CK_API_TOKEN_FILE, offsetof(struct ward_config, api_token_file),
	  0 },
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

const char *const config_output_names[CO__N] = {
	[CO_STDOUT] = "stdout",	  [CO_FILE] = "file", [CO_SYSLOG] = "syslog",
	[CO_WEBHOOK] = "webhook", [CO_OTLP] = "otlp",
};

#define T(x)	   (1u << CO_##x)
#define ALL_TYPES  (T(STDOUT) | T(FILE) | T(SYSLOG) | T(WEBHOOK) | T(OTLP))
#define ROWS_TYPES (T(STDOUT) | T(FILE) | T(WEBHOOK) | T(OTLP)) /* events too */
#define OFF(f)	   offsetof(struct config_output, f)

/* The keys of an entry of the outputs list, "type" first. */
enum out_key {
	OK_TYPE,
	OK_PATH,
	OK_FORMAT,
	OK_MAX_SIZE,
	OK_KEEP,
	OK_TARGET,
	OK_URL,
	OK_TOKEN_FILE,
	OK_ALERTS_ONLY,
	OK_EVENTS,
	OK_MIN_SEVERITY
};
static const struct key out_keys[] = {
	[OK_TYPE] = { "type", K_OUTPUT_TYPE, 0, OFF(type), ALL_TYPES },
	[OK_PATH] = { "path", K_STR, 0, OFF(path), T(FILE) },
	[OK_FORMAT] = { "format", K_FORMAT, 0, OFF(format), T(STDOUT) | T(FILE) },
	[OK_MAX_SIZE] = { "maxSize", K_SIZE, 0, OFF(max_size), T(FILE) },
	[OK_KEEP] = { "keep", K_KEEP, 0, OFF(keep), T(FILE) },
	[OK_TARGET] = { "target", K_SYSLOG, 0, OFF(target), T(SYSLOG) },
	[OK_URL] = { "url", K_URL, 0, OFF(url), T(WEBHOOK) | T(OTLP) },
	[OK_TOKEN_FILE] = { "tokenFile", K_STR, 0, OFF(token_file), T(WEBHOOK) | T(OTLP) },
	[OK_ALERTS_ONLY] = { "alertsOnly", K_BOOL, 0, OFF(alerts_only), ROWS_TYPES },
	[OK_EVENTS] = { "events", K_EVENTS, 0, OFF(events), ROWS_TYPES },
	[OK_MIN_SEVERITY] = { "minSeverity", K_SEVERITY, 0, OFF(min_severity), ALL_TYPES },
};

#define N_OUT_KEYS (sizeof(out_keys) / sizeof(out_keys[0]))

/* The key each type must have (OK_TYPE: none besides its type). */
static const enum out_key required[CO__N] = {
	[CO_FILE] = OK_PATH, [CO_SYSLOG] = OK_TARGET, [CO_WEBHOOK] = OK_URL, [CO_OTLP] = OK_URL
};

bool config_output_has_format(const struct config_output *o)
{
	return o->set & (1u << OK_FORMAT);
}

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

static int add_event(struct parse *p, struct tracker_list *l, const struct ynode *v)
{
	if (!scalar(p, v, "events"))
		return -EINVAL;
	if (tracker_list_add(l->v, &l->n, v->str) < 0) {
		bad(p, v, "unknown-tracker", "process, files, tcp, syscall or all",
		    "no tracker '%s'", v->str);
		return -EINVAL;
	}
	return 0;
}

static int parse_outputs(struct parse *p, struct ward_config *c, const struct ynode *v);

static int set_value(struct parse *p, void *obj, const struct key *k, const struct ynode *v)
{
	void *field = (char *)obj + k->off;
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
			err = add_event(p, field, v->kids[i]);
		return err;
	}
	if (k->kind == K_OUTPUTS)
		return parse_outputs(p, obj, v);
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
	case K_SOCKET:
		if (s[0] != '/' || strlen(s) >= API_PATH_MAX) {
			bad(p, v, "bad-value", "an absolute path of at most 107 bytes",
			    "'%s' is not a unix socket path", s);
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
	case K_OUTPUT_TYPE:
		for (int t = 0; t < CO__N; t++) {
			if (!strcmp(s, config_output_names[t])) {
				*(enum config_output_type *)field = (enum config_output_type)t;
				return 0;
			}
		}
		bad(p, v, "bad-value", "stdout, file, syslog, webhook or otlp",
		    "'%s' is not a type of output", s);
		return -EINVAL;
	case K_SEVERITY: {
		int sev = rc_vocab_find(rc_severity_names, WARD_SEV_MAX, s);

		if (sev < 0) {
			bad(p, v, "bad-value", "info, low, medium, high or critical",
			    "'%s' is not a severity", s);
			return -EINVAL;
		}
		*(unsigned int *)field = (unsigned int)sev;
		return 0;
	}
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

/* The keys of mapping m (checked to be one) into obj, from table (n keys);
 * *set gets bit k->bit (an output's: 1 << its index) of each key set. An
 * output's entry (type: its type) takes only the keys of its type. */
static int parse_map(struct parse *p, const struct ynode *m, void *obj, const struct key *table,
		     size_t n, unsigned int *set, const enum config_output_type *type)
{
	const char *names[N_KEYS > N_OUT_KEYS ? N_KEYS : N_OUT_KEYS];
	int err = 0;

	for (size_t i = 0; i < n; i++)
		names[i] = table[i].name;
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *key = m->kids[i], *val = m->kids[i + 1];
		const struct key *k = NULL;
		char hint[96] = "";
		const char *near;
		int r;

		for (size_t j = 0; j < n && !k; j++)
			if (!strcmp(table[j].name, key->str))
				k = &table[j];
		if (!k) {
			near = rc_suggest(key->str, names, n);
			if (near)
				(void)snprintf(hint, sizeof(hint), "did you mean '%s'?", near);
			bad(p, key, "unknown-key", hint[0] ? hint : "keys: docs/config.md",
			    "unknown key '%s'", key->str);
			err = -EINVAL;
			continue;
		}
		if (type && !(k->types & (1u << *type))) {
			bad(p, key, "unknown-key", "the keys of each type: docs/config.md",
			    "a %s output has no '%s'", config_output_names[*type], key->str);
			err = -EINVAL;
			continue;
		}
		if (type && k == &table[OK_TYPE]) /* already read */
			continue;
		r = set_value(p, obj, k, val);
		if (r == -ENOMEM)
			return r;
		if (r)
			err = r;
		else
			*set |= type ? 1u << (k - table) : k->bit;
	}
	return err;
}

/* One entry of outputs: a mapping with a type and that type's keys. */
static int parse_output(struct parse *p, const struct ynode *m, struct config_output *o)
{
	const struct ynode *type = NULL;
	enum out_key req;
	int err;

	if (m->type != YN_MAP) {
		bad(p, m, "bad-type", "- {type: syslog, target: unix:/dev/log}",
		    "an output is a mapping with a type");
		return -EINVAL;
	}
	for (size_t i = 0; i + 1 < m->n && !type; i += 2)
		if (!strcmp(m->kids[i]->str, "type"))
			type = m->kids[i + 1];
	if (!type) {
		bad(p, m, "missing-key", "stdout, file, syslog, webhook or otlp",
		    "an output without a type");
		return -EINVAL;
	}
	err = set_value(p, o, &out_keys[0], type);
	if (err)
		return err;
	o->set = 1u << OK_TYPE;
	err = parse_map(p, m, o, out_keys, N_OUT_KEYS, &o->set, &o->type);
	if (err)
		return err;
	req = required[o->type];
	if (req && !(o->set & (1u << req))) {
		bad(p, m, "missing-key", NULL, "a %s output needs '%s'",
		    config_output_names[o->type], out_keys[req].name);
		return -EINVAL;
	}
	if (o->alerts_only && o->events.n) {
		bad(p, m, "bad-value", "one of them", "'alertsOnly' and 'events' contradict");
		return -EINVAL;
	}
	return 0;
}

static int parse_outputs(struct parse *p, struct ward_config *c, const struct ynode *v)
{
	int err = 0;

	if (v->type != YN_SEQ || !v->n) {
		bad(p, v, "bad-type", "outputs: [{type: stdout}, {type: webhook, url: ...}]",
		    "'outputs' takes a list of outputs");
		return -EINVAL;
	}
	c->outputs = calloc(v->n, sizeof(*c->outputs));
	if (!c->outputs)
		return -ENOMEM;
	c->n_outputs = v->n;
	for (size_t i = 0; i < v->n && err != -ENOMEM; i++) {
		int r = parse_output(p, v->kids[i], &c->outputs[i]);

		if (r)
			err = r;
	}
	return err;
}

static int parse_doc(struct parse *p, const struct ynode *doc, struct ward_config *c)
{
	if (doc->type == YN_SCALAR && !doc->len)
		return 0; /* an empty file: nothing set */
	if (doc->type != YN_MAP) {
		bad(p, doc, "bad-type", "one key per option: 'format: json'",
		    "the configuration is a mapping of options");
		return -EINVAL;
	}
	return parse_map(p, doc, c, keys, N_KEYS, &c->set, NULL);
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
	free(c->api_socket);
	free(c->api);
	free(c->api_tls_cert);
	free(c->api_tls_key);
	free(c->api_token_file);
	free(c->webhook);
	free(c->webhook_token_file);
	free(c->otlp);
	for (size_t i = 0; i < c->n_outputs; i++) {
		free(c->outputs[i].path);
		free(c->outputs[i].target);
		free(c->outputs[i].url);
		free(c->outputs[i].token_file);
	}
	free(c->outputs);
	memset(c, 0, sizeof(*c));
}
