// SPDX-License-Identifier: Apache-2.0
/*
 * `ward ctl`: the control API's client (docs/api.md) on the running server's
 * socket: its state, trackers, policy and modes, the alert stream, plugins.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "api/api.h"
#include "api/client.h"
#include "cli.h"
#include "cmd/cmd.h"
#include "enforce/policy.h"
#include "plugin/plugin.h"
#include "rulesc.h"
#include "trace/tracker.h"

struct ctl {
	const char *sock;
	bool json;
};

void help_ctl(void)
{
	printf("Usage: ward ctl [--socket PATH] [-o text|json] COMMAND\n\n"
	       "Drive a running 'ward server' through its control API (docs/api.md).\n\n"
	       "Commands:\n"
	       "  status                          the server's state\n"
	       "  containers                      containers and the policies selecting each\n"
	       "  tracker list                    the trackers running\n"
	       "  tracker start NAME [--interval D] [--container NAME|ID]\n"
	       "                                  start process, files, tcp or syscall\n"
	       "  tracker stop NAME               stop one\n"
	       "  policy show                     the policy in force\n"
	       "  policy put DIR|FILE|BUNDLE      replace it (YAML is compiled here first)\n"
	       "  policy mode NAME audit|enforce  switch one policy\n"
	       "  alerts [-f] [--container NAME|ID] [--min-severity S]\n"
	       "                                  the last alerts; -f: follow them live\n"
	       "  plugin list                     the BPF plugins loaded\n"
	       "  plugin load FILE --name NAME    load one (docs/plugins.md)\n"
	       "  plugin unload ID                unload one\n\n"
	       "Options:\n"
	       "      --socket PATH   the server's socket (default " API_SOCKET_DEFAULT ")\n"
	       "  -o, --format FMT    text (default) or json (the API's answer)\n\n"
	       "Exit status: 0 success, 1 the server is unreachable or refused, 2 usage\n"
	       "error, 3 bad input (a policy, a name, a plugin).\n");
}

/* An answer of status >= 400: its error, location and diagnostics said. */
static int refused(const struct ctl *c, const struct api_answer *a)
{
	json_t *b = json_loads(a->body, 0, NULL), *d;
	const char *msg = json_string_value(json_object_get(b, "error"));
	const char *loc = json_string_value(json_object_get(b, "location"));
	size_t i;

	if (c->json) {
		fputs(a->body, stdout);
	} else {
		cli_error("ctl: %s%s%s%s", msg ? msg : a->body, loc ? " (at " : "", loc ? loc : "",
			  loc ? ")" : "");
		json_array_foreach(json_object_get(b, "diagnostics"), i, d)
		{
			const char *dl = json_string_value(json_object_get(d, "location"));
			const char *hint = json_string_value(json_object_get(d, "hint"));

			fprintf(stderr, "  %s%s%s: %s%s%s\n", dl ? dl : "", dl ? ": " : "",
				json_string_value(json_object_get(d, "severity")),
				json_string_value(json_object_get(d, "message")),
				hint ? " (hint: " : "", hint ? hint : "");
			if (hint)
				fputs(")", stderr);
		}
	}
	json_decref(b);
	return a->status == 400 || a->status == 404 || a->status == 413 ? CLI_INPUT : CLI_FAILURE;
}

static int unreachable(const struct ctl *c, int err)
{
	cli_error("ctl: %s: %s%s", c->sock, strerror(-err),
		  err == -ENOENT || err == -ECONNREFUSED ? " (is 'ward server' running?)" : "");
	return CLI_FAILURE;
}

/* The text of an answer's JSON: one line per item of the array at key, or
 * the object, with the fields named (NULL-terminated). */
static void print_rows(json_t *arr, const char *const *fields)
{
	size_t i;
	json_t *row;

	json_array_foreach(arr, i, row)
	{
		for (const char *const *f = fields; *f; f++) {
			json_t *v = json_object_get(row, *f);
			char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);

			printf("%s%s", f == fields ? "" : "  ",
			       json_is_string(v) ? json_string_value(v)
			       : s		 ? s
						 : "-");
			free(s);
		}
		putchar('\n');
	}
}

/* One request; its answer printed (-o json: as is; text: show(body)). */
static int call(const struct ctl *c, const char *method, const char *path, const void *body,
		size_t len, const char *ctype, void (*show)(json_t *b))
{
	struct api_answer a;
	json_t *b;
	int err = api_request_send(c->sock, method, path, body, len, ctype, &a), rc = CLI_OK;

	if (err)
		return unreachable(c, err);
	if (a.status >= 400) {
		rc = refused(c, &a);
	} else if (c->json) {
		fputs(a.body, stdout);
	} else {
		b = json_loads(a.body, 0, NULL);
		if (b)
			show(b);
		json_decref(b);
	}
	api_answer_free(&a);
	return rc;
}

static void show_status(json_t *b)
{
	json_t *lv = json_object_get(b, "enforcement");
	const char *k;
	json_t *v;

	printf("generation %lld%s\n",
	       (long long)json_integer_value(json_object_get(b, "generation")),
	       json_is_true(json_object_get(b, "audit_only")) ? " (audit only)" : "");
	if (json_object_size(lv)) {
		printf("enforcement:");
		json_object_foreach(lv, k, v) printf(" %s=%s", k, json_string_value(v));
		putchar('\n');
	}
	printf("trackers (name, records, malformed):\n");
	print_rows(json_object_get(b, "trackers"),
		   (const char *const[]){ "name", "records", "malformed", NULL });
	printf("outputs (name, kind, rows, dropped):\n");
	print_rows(json_object_get(b, "outputs"),
		   (const char *const[]){ "name", "kind", "rows", "dropped", NULL });
	printf("plugins: %zu, alert followers: %lld\n",
	       json_array_size(json_object_get(b, "plugins")),
	       (long long)json_integer_value(json_object_get(b, "followers")));
}

static void show_containers(json_t *b)
{
	size_t i;
	json_t *row;

	json_array_foreach(json_object_get(b, "containers"), i, row)
	{
		char *pols = json_dumps(json_object_get(row, "policies"), JSON_COMPACT);

		printf("%s  %.12s  %s\n",
		       json_string_value(
			       json_object_get(json_object_get(row, "container"), "name")),
		       json_string_value(json_object_get(json_object_get(row, "container"), "id")),
		       pols ? pols : "");
		free(pols);
	}
}

static void show_trackers(json_t *b)
{
	print_rows(json_object_get(b, "trackers"),
		   (const char *const[]){ "name", "records", "interval", "container", NULL });
}

static void show_policy(json_t *b)
{
	printf("generation %lld from %s\n",
	       (long long)json_integer_value(json_object_get(b, "generation")),
	       json_string_value(json_object_get(b, "source")) ?: "nothing");
	print_rows(json_object_get(b, "policies"),
		   (const char *const[]){ "name", "mode", "rules", "origin", NULL });
}

static void show_put(json_t *b)
{
	printf("policy generation %lld in force, %lld containers targeted\n",
	       (long long)json_integer_value(json_object_get(b, "generation")),
	       (long long)json_integer_value(json_object_get(b, "targets")));
}

static void show_mode(json_t *b)
{
	printf("policy %s in %s mode, generation %lld\n",
	       json_string_value(json_object_get(b, "policy")),
	       json_string_value(json_object_get(b, "mode")),
	       (long long)json_integer_value(json_object_get(b, "generation")));
}

static void show_plugins(json_t *b)
{
	print_rows(json_object_get(b, "plugins"),
		   (const char *const[]){ "id", "name", "programs", "records", "sha256", NULL });
}

static void alert_line(json_t *a)
{
	printf("%s  %s  %s/%s  %s  %s %s\n", json_string_value(json_object_get(a, "time")),
	       json_string_value(json_object_get(json_object_get(a, "container"), "name"))
		       ?: "host",
	       json_string_value(json_object_get(a, "policy")),
	       json_string_value(json_object_get(a, "rule")),
	       json_string_value(json_object_get(a, "action")),
	       json_string_value(json_object_get(a, "op")),
	       json_string_value(json_object_get(a, "object")));
}

static void show_alerts(json_t *b)
{
	size_t i;
	json_t *a;

	json_array_foreach(json_object_get(b, "alerts"), i, a) alert_line(a);
}

static int on_event(void *ctx, const char *type, const char *data)
{
	const struct ctl *c = ctx;
	json_t *o;

	if (c->json) {
		printf("%s\n", data);
	} else if ((o = json_loads(data, 0, NULL))) {
		if (!strcmp(type, "alert"))
			alert_line(o);
		else
			show_mode(o);
		json_decref(o);
	}
	return fflush(stdout) ? -EIO : 0;
}

/* Append "&key=value" (URL-encoded) to a path being built. */
static int add_query(char *path, size_t size, const char *key, const char *value)
{
	char *enc = value ? evhttp_uriencode(value, -1, 0) : NULL;
	size_t n = strlen(path);
	int r = 0;

	if (!value)
		return 0;
	if (!enc)
		return -ENOMEM;
	if ((size_t)snprintf(path + n, size - n, "%s%s=%s", strchr(path, '?') ? "&" : "?", key,
			     enc) >= size - n)
		r = -ENAMETOOLONG;
	free(enc);
	return r;
}

/* The options before the command. */
static struct ctl ctl = { .sock = API_SOCKET_DEFAULT };

/* The options of a command (help_ctl() for --help), then exactly n operands, or
 * the usage error synopsis; -1 to go on, or the exit status. */
static int ctl_args(int argc, char **argv, const struct cli_opts *opts, int n, const char *synopsis)
{
	int o;

	optind = 0;
	while ((o = cli_getopts("ctl", argc, argv, opts)) != -1)
		return cli_help_or_usage(o, help_ctl);
	if (argc - optind != n)
		return cli_usage("ctl", "%s", synopsis);
	return -1;
}

/* A command that only asks: GET path, its answer shown by show. */
static int ctl_get(int argc, char **argv, const char *path, void (*show)(json_t *b))
{
	char synopsis[64];
	int rc;

	snprintf(synopsis, sizeof(synopsis), "%s takes no argument", argv[0]);
	rc = ctl_args(argc, argv, &cli_help_opts, 0, synopsis);
	return rc >= 0 ? rc : call(&ctl, "GET", path, NULL, 0, NULL, show);
}

static int ctl_status(int argc, char **argv)
{
	return ctl_get(argc, argv, "/v1/status", show_status);
}

static int ctl_containers(int argc, char **argv)
{
	return ctl_get(argc, argv, "/v1/containers", show_containers);
}

static int ctl_tracker_list(int argc, char **argv)
{
	return ctl_get(argc, argv, "/v1/trackers", show_trackers);
}

static int ctl_policy_show(int argc, char **argv)
{
	return ctl_get(argc, argv, "/v1/policy", show_policy);
}

static int ctl_plugin_list(int argc, char **argv)
{
	return ctl_get(argc, argv, "/v1/plugins", show_plugins);
}

static const struct cli_opts tracker_name_opts = {
	":h",
	(const struct option[]){ { "help", no_argument, NULL, 'h' }, {} },
	NULL,
	&(const struct cli_values){ .word = tracker_name_at },
};

static const struct cli_opts tracker_start_opts = {
	":i:c:h",
	(const struct option[]){
		{ "interval", required_argument, NULL, 'i' },
		{ "container", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{},
	},
	NULL,
	&(const struct cli_values){ .word = tracker_name_at },
};

static int ctl_tracker_start(int argc, char **argv)
{
	const char *container = NULL;
	int64_t interval = 0;
	char *text;
	json_t *body;
	int o, rc;

	optind = 0;
	while ((o = cli_getopts("ctl", argc, argv, &tracker_start_opts)) != -1) {
		if (o == 'i' &&
		    cli_parse_duration("ctl", "--interval", optarg, 1, 86400, &interval) < 0)
			return CLI_USAGE;
		else if (o == 'c')
			container = optarg;
		else if (o != 'i')
			return cli_help_or_usage(o, help_ctl);
	}
	if (argc - optind != 1)
		return cli_usage("ctl", "tracker start NAME [--interval D] [--container C]");
	body = json_pack("{s:s}", "name", argv[optind]);
	if (body && interval)
		json_object_set_new(body, "interval", json_integer(interval));
	if (body && container)
		json_object_set_new(body, "container", json_string(container));
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text)
		return CLI_FAILURE;
	rc = call(&ctl, "POST", "/v1/trackers", text, strlen(text), "application/json",
		  show_trackers);
	free(text);
	return rc;
}

static int ctl_tracker_stop(int argc, char **argv)
{
	char path[256], *enc;
	int rc = ctl_args(argc, argv, &tracker_name_opts, 1, "tracker stop NAME");

	if (rc >= 0)
		return rc;
	enc = evhttp_uriencode(argv[optind], -1, 0);
	if (!enc)
		return CLI_FAILURE;
	snprintf(path, sizeof(path), "/v1/trackers/%s", enc);
	free(enc);
	return call(&ctl, "DELETE", path, NULL, 0, NULL, show_trackers);
}

static const struct cli_opts file_opts = {
	":h",
	(const struct option[]){ { "help", no_argument, NULL, 'h' }, {} },
	NULL,
	&cli_files,
};

static int ctl_policy_put(int argc, char **argv)
{
	struct policy *p = NULL;
	struct rc_diags d;
	int rc = ctl_args(argc, argv, &file_opts, 1, "policy put DIR|FILE|BUNDLE");

	if (rc >= 0)
		return rc;
	/* compiled here, so its diagnostics name its files; a bundle as it is */
	rc_diags_init(&d);
	rc = policy_load(argv[optind], NULL, &p, &d);
	if (rc) {
		cli_print_diags(&d, cli_json_errors, stderr);
		rc_diags_free(&d);
		return rc == -ENOMEM ? CLI_FAILURE : CLI_INPUT;
	}
	rc_diags_free(&d);
	rc = call(&ctl, "PUT", "/v1/policy", p->buf, p->len, "application/octet-stream", show_put);
	policy_free(p);
	return rc;
}

static int ctl_policy_mode(int argc, char **argv)
{
	char path[256], *text, *enc;
	int rc = ctl_args(argc, argv, &cli_help_opts, 2, "policy mode NAME audit|enforce");

	if (rc >= 0)
		return rc;
	if (strcmp(argv[optind + 1], "audit") && strcmp(argv[optind + 1], "enforce"))
		return cli_usage("ctl", "policy mode NAME audit|enforce, not '%s'",
				 argv[optind + 1]);
	enc = evhttp_uriencode(argv[optind], -1, 0);
	if (!enc || asprintf(&text, "{\"mode\": \"%s\"}", argv[optind + 1]) < 0) {
		free(enc);
		return CLI_FAILURE;
	}
	snprintf(path, sizeof(path), "/v1/policies/%s", enc);
	rc = call(&ctl, "PATCH", path, text, strlen(text), "application/json", show_mode);
	free(enc);
	free(text);
	return rc;
}

static const struct cli_opts alerts_opts = {
	":fc:s:h",
	(const struct option[]){
		{ "follow", no_argument, NULL, 'f' },
		{ "container", required_argument, NULL, 'c' },
		{ "min-severity", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{},
	},
	NULL,
	NULL,
};

static int ctl_alerts(int argc, char **argv)
{
	char path[512] = "/v1/alerts";
	bool follow = false;
	struct api_answer a;
	int o, err;

	optind = 0;
	while ((o = cli_getopts("ctl", argc, argv, &alerts_opts)) != -1) {
		if (o == 'f')
			follow = true;
		else if ((o == 'c' && add_query(path, sizeof(path), "container", optarg)) ||
			 (o == 's' && add_query(path, sizeof(path), "min_severity", optarg)))
			return cli_usage("ctl", "'%s' is too long", optarg);
		else if (o != 'c' && o != 's')
			return cli_help_or_usage(o, help_ctl);
	}
	if (optind < argc)
		return cli_usage("ctl", "unexpected argument '%s'", argv[optind]);
	if (!follow)
		return call(&ctl, "GET", path, NULL, 0, NULL, show_alerts);
	if (add_query(path, sizeof(path), "follow", "true"))
		return CLI_FAILURE;
	err = api_stream(ctl.sock, path, on_event, &ctl, &a);
	if (err < 0)
		return unreachable(&ctl, err);
	err = a.status >= 400 ? refused(&ctl, &a) : CLI_OK;
	api_answer_free(&a);
	return err;
}

static const struct cli_opts plugin_load_opts = {
	":n:h",
	(const struct option[]){
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{},
	},
	NULL,
	&cli_files,
};

static int ctl_plugin_load(int argc, char **argv)
{
	const char *name = NULL;
	char path[128];
	uint8_t *buf;
	size_t len;
	int o, rc;

	optind = 0;
	while ((o = cli_getopts("ctl", argc, argv, &plugin_load_opts)) != -1) {
		if (o == 'n')
			name = optarg;
		else
			return cli_help_or_usage(o, help_ctl);
	}
	if (!name || argc - optind != 1)
		return cli_usage("ctl", "plugin load FILE --name NAME");
	rc = rc_read_file(argv[optind], PLUGIN_SIZE_MAX, &buf, &len);
	if (rc) {
		cli_error("ctl: %s: %s", argv[optind], strerror(-rc));
		return CLI_INPUT;
	}
	snprintf(path, sizeof(path), "/v1/plugins");
	rc = add_query(path, sizeof(path), "name", name)
		     ? cli_usage("ctl", "--name '%s' is too long", name)
		     : call(&ctl, "POST", path, buf, len, "application/octet-stream", show_plugins);
	free(buf);
	return rc;
}

static int ctl_plugin_unload(int argc, char **argv)
{
	char path[128];
	int rc = ctl_args(argc, argv, &cli_help_opts, 1, "plugin unload ID");

	if (rc >= 0)
		return rc;
	if (strspn(argv[optind], "0123456789") != strlen(argv[optind]) ||
	    strlen(argv[optind]) >= 11)
		return cli_usage("ctl", "plugin unload ID: a number, not '%s'", argv[optind]);
	snprintf(path, sizeof(path), "/v1/plugins/%s", argv[optind]);
	return call(&ctl, "DELETE", path, NULL, 0, NULL, show_plugins);
}

static const struct cli_cmd tracker_cmds[] = {
	{ "list", ctl_tracker_list, help_ctl, "the trackers running", &cli_help_opts, NULL },
	{ "start", ctl_tracker_start, help_ctl, "start one", &tracker_start_opts, NULL },
	{ "stop", ctl_tracker_stop, help_ctl, "stop one", &tracker_name_opts, NULL },
	{},
};

static const struct cli_cmd policy_cmds[] = {
	{ "show", ctl_policy_show, help_ctl, "the policy in force", &cli_help_opts, NULL },
	{ "put", ctl_policy_put, help_ctl, "replace it", &file_opts, NULL },
	{ "mode", ctl_policy_mode, help_ctl, "switch one policy", &cli_help_opts, NULL },
	{},
};

static const struct cli_cmd plugin_cmds[] = {
	{ "list", ctl_plugin_list, help_ctl, "the BPF plugins loaded", &cli_help_opts, NULL },
	{ "load", ctl_plugin_load, help_ctl, "load one", &plugin_load_opts, NULL },
	{ "unload", ctl_plugin_unload, help_ctl, "unload one", &cli_help_opts, NULL },
	{},
};

static int ctl_tracker(int argc, char **argv)
{
	return cli_dispatch("ctl", tracker_cmds, help_ctl, argc, argv);
}

static int ctl_policy(int argc, char **argv)
{
	return cli_dispatch("ctl", policy_cmds, help_ctl, argc, argv);
}

static int ctl_plugin(int argc, char **argv)
{
	return cli_dispatch("ctl", plugin_cmds, help_ctl, argc, argv);
}

const struct cli_cmd ctl_cmds[] = {
	{ "status", ctl_status, help_ctl, "the server's state", &cli_help_opts, NULL },
	{ "containers", ctl_containers, help_ctl, "containers and the policies selecting each",
	  &cli_help_opts, NULL },
	{ "tracker", ctl_tracker, help_ctl, "the trackers", &cli_help_opts, tracker_cmds },
	{ "policy", ctl_policy, help_ctl, "the policy", &cli_help_opts, policy_cmds },
	{ "alerts", ctl_alerts, help_ctl, "the last alerts, or follow them", &alerts_opts, NULL },
	{ "plugin", ctl_plugin, help_ctl, "the BPF plugins", &cli_help_opts, plugin_cmds },
	{},
};

const struct cli_opts ctl_options = {
	"+:o:h",
	(const struct option[]){
		{ "socket", required_argument, NULL, 'S' },
		{ "format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	},
	(const struct cli_arg[]){
		{ "socket", &cli_files },
		{ "format", &cli_text_json_values },
		{},
	},
	NULL,
};

int cmd_ctl(int argc, char **argv)
{
	int o;

	optind = 0;
	/* its options come before the command, whose own follow it */
	while ((o = cli_getopts("ctl", argc, argv, &ctl_options)) != -1) {
		if (o == 'S')
			ctl.sock = optarg;
		else if (o == 'o' && cli_parse_text_json("ctl", optarg, &ctl.json) < 0)
			return CLI_USAGE;
		else if (o != 'o')
			return cli_help_or_usage(o, help_ctl);
	}
	/* argv[optind] is the command: cli_dispatch() reads it as argv[1] */
	return cli_dispatch("ctl", ctl_cmds, help_ctl, argc - optind + 1, argv + optind - 1);
}
