// SPDX-License-Identifier: Apache-2.0
/*
 * `ward run TRACKER` and `ward server`: their options (shared, and for the
 * server the configuration file under them), their help, then the trackers'
 * session (trace/run.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd/cmd.h"
#include "core/config.h"
#include "core/http.h"
#include "core/http_client.h"
#include "core/syslog.h"
#include "api/api.h"
#include "metrics/metrics.h"
#include "enforce/aggregate.h"
#include "enforce/enforce.h"
#include "trace/run.h"
#include "trace/tracker.h"

/* The trackers by name (ward run TRACKER) and "all" (--events). */
static const char *events_word(size_t i)
{
	return i == TRACKER_COUNT ? "all" : tracker_name_at(i);
}

/* The options of ward run, which ward server takes too. */
#define RUN_SHORTS ":i:c:o:d:vh"
#define RUN_LONGS                                                    \
	{ "interval", required_argument, NULL, 'i' },                \
		{ "container", required_argument, NULL, 'c' },       \
		{ "format", required_argument, NULL, 'o' },          \
		{ "output", required_argument, NULL, 'O' },          \
		{ "output-max-size", required_argument, NULL, 'S' }, \
		{ "output-keep", required_argument, NULL, 'R' },     \
		{ "duration", required_argument, NULL, 'd' },        \
		{ "verbose", no_argument, NULL, 'v' },               \
	{                                                            \
		"help", no_argument, NULL, 'h'                       \
	}
#define RUN_ARGS                                                               \
	{ "format", &(const struct cli_values){ .words = out_format_names } }, \
	{                                                                      \
		"output", &cli_files                                           \
	}

const struct cli_opts run_options = {
	RUN_SHORTS,
	(const struct option[]){ RUN_LONGS, {} },
	(const struct cli_arg[]){ RUN_ARGS, {} },
	&(const struct cli_values){ .word = tracker_name_at },
};

const struct cli_opts server_options = {
	RUN_SHORTS "P:E:",
	(const struct option[]){
		RUN_LONGS,
		{ "policy", required_argument, NULL, 'P' },
		{ "trusted-key", required_argument, NULL, 'K' },
		{ "unpin-on-exit", no_argument, NULL, 'U' },
		{ "audit", no_argument, NULL, 'A' },
		{ "no-policy", no_argument, NULL, 'N' },
		{ "events", required_argument, NULL, 'E' },
		{ "config", required_argument, NULL, 'C' },
		{ "metrics", required_argument, NULL, 'M' },
		{ "metrics-containers", required_argument, NULL, 'm' },
		{ "no-aggregate", no_argument, NULL, 'G' },
		{ "syslog", required_argument, NULL, 'Y' },
		{ "api-socket", required_argument, NULL, 'a' },
		{ "api", required_argument, NULL, 'Q' },
		{ "api-tls-cert", required_argument, NULL, 'X' },
		{ "api-tls-key", required_argument, NULL, 'Z' },
		{ "api-token-file", required_argument, NULL, 'z' },
		{ "webhook", required_argument, NULL, 'W' },
		{ "webhook-token-file", required_argument, NULL, 'T' },
		{ "otlp", required_argument, NULL, 'L' },
		{ "aggregate-window", required_argument, NULL, 'w' },
		{ "aggregate-key", required_argument, NULL, 'k' },
		{},
	},
	(const struct cli_arg[]){
		RUN_ARGS,
		{ "policy", &cli_files },
		{ "trusted-key", &cli_files },
		{ "events", &(const struct cli_values){ .word = events_word } },
		{ "config", &cli_files },
		{ "api-socket", &cli_files },
		{ "api-tls-cert", &cli_files },
		{ "api-tls-key", &cli_files },
		{ "api-token-file", &cli_files },
		{ "webhook-token-file", &cli_files },
		{ "aggregate-key", &(const struct cli_values){ .words = agg_field_names } },
		{},
	},
	NULL,
};

#define OPTIONS_HELP                                                                           \
	"  -i, --interval D          interval of the files and syscall tables: seconds, or\n"  \
	"                            90s, 15m, 2h (default 3)\n"                               \
	"  -c, --container NAME|ID   only this container (name, id or id prefix), filtered\n"  \
	"                            in the kernel; it may start after ward\n"                 \
	"  -o, --format FORMAT       table (default), json (one object per line) or csv\n"     \
	"      --output FILE         write events to FILE instead of stdout (emptied first;\n" \
	"                            SIGHUP opens it again, for logrotate)\n"                  \
	"      --output-max-size SIZE\n"                                                       \
	"                            past SIZE (100M, 512k) FILE moves to FILE.1 (FILE.1\n"    \
	"                            to FILE.2, ...) and a new FILE begins (default: never)\n" \
	"      --output-keep N       rotated files kept (default 5)\n"                         \
	"  -d, --duration D          stop after D: seconds, or 90s, 15m, 2h (default: until\n" \
	"                            SIGINT/SIGTERM)\n"                                        \
	"  -v, --verbose             print libbpf's debug messages\n"

void help_run(void)
{
	printf("Usage: ward run TRACKER [OPTIONS]\n\nTrackers:\n");
	for (size_t i = 0; tracker_name_at(i); i++)
		printf("  %-9s %s\n", tracker_name_at(i), tracker_at(i)->summary);
	printf("\nOptions:\n" OPTIONS_HELP);
}

void help_server(void)
{
	printf("Usage: ward server [OPTIONS]\n\n"
	       "Puts a policy in force on the containers it selects and shows its alerts;\n"
	       "SIGHUP loads the policy again and opens --output FILE again. Without --policy:\n"
	       "the default pack built into ward (policies/), audit only, removed from the\n"
	       "kernel when ward exits.\n\n"
	       "Options:\n" OPTIONS_HELP
	       "  -E, --events LIST         also show these trackers' events: process, files,\n"
	       "                            tcp, syscall or all, separated by commas (default:\n"
	       "                            none; with --no-policy: process,files,tcp)\n"
	       "      --config FILE         start from this configuration file (default:\n"
	       "                            " CONFIG_DEFAULT_PATH " when it exists;\n"
	       "                            docs/config.md); options given here override it\n"
	       "      --syslog TARGET       alerts also to syslog, RFC 5424: unix:/dev/log,\n"
	       "                            udp:ADDR:PORT or tcp:ADDR:PORT (docs/outputs.md)\n"
	       "      --api-socket PATH     serve the control API on this unix socket (default\n"
	       "                            " API_SOCKET_DEFAULT "; docs/api.md)\n"
	       "      --api ADDR:PORT       also serve it on TCP, in TLS only, to clients that\n"
	       "                            send the token: needs the next three options\n"
	       "      --api-tls-cert FILE   the TCP listener's certificate chain (PEM)\n"
	       "      --api-tls-key FILE    its private key (PEM, unencrypted)\n"
	       "      --api-token-file FILE the token its clients send as \"Authorization:\n"
	       "                            Bearer\" (mode 0600, 16 characters at least)\n"
	       "      --webhook URL         alerts also POSTed to URL (http:// or https://) in\n"
	       "                            JSON batches (docs/outputs.md)\n"
	       "      --webhook-token-file FILE\n"
	       "                            send \"Authorization: Bearer\" and FILE's token\n"
	       "      --otlp URL            alerts also as OTLP/HTTP logs (JSON) to URL, e.g.\n"
	       "                            http://127.0.0.1:4318/v1/logs (docs/outputs.md)\n"
	       "      --metrics ADDR:PORT   serve Prometheus metrics on http://ADDR:PORT/metrics\n"
	       "                            (PORT or :PORT alone: loopback; docs/outputs.md)\n"
	       "      --metrics-containers N\n"
	       "                            per-container series at most (default %d); the\n"
	       "                            rest are counted as container=\"" METRICS_OTHER "\"\n"
	       "      --aggregate-window D  identical alerts within D are one record with a\n"
	       "                            count (default %ds; docs/alerts.md)\n"
	       "      --aggregate-key LIST  what makes alerts identical: container, policy,\n"
	       "                            rule, action, object, exe, comm, pid, uid (default\n"
	       "                            container,policy,rule,action,object)\n"
	       "      --no-aggregate        every alert as it comes\n"
	       "  -P, --policy DIR|FILE     enforce these policies (YAML, compiled in process) or\n"
	       "                            this bundle (rulesc compile)\n"
	       "      --audit               audit only: every rule alerts, nothing is blocked\n"
	       "      --no-policy           the trackers only, no policy\n"
	       "      --trusted-key PEM     accept only bundles signed with this public key\n"
	       "      --unpin-on-exit       remove the pins in " ENFORCE_PIN_DIR " on exit, so\n"
	       "                            enforcement ends with ward (default: it stays)\n",
	       METRICS_SERIES_CAP, AGG_WINDOW_S);
}

/* --events LIST: tracker names separated by commas, or "all"; 0, or the exit
 * status of a usage error (said). */
static int parse_events(const char *cmd, const char *arg, struct run_opts *o)
{
	char buf[128], *save = NULL, *name;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		return cli_usage(cmd, "--events: too long");
	o->events_given = true;
	o->n_events = 0;
	for (name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save))
		if (tracker_list_add(o->events, &o->n_events, name) < 0)
			return cli_usage(cmd,
					 "--events: unknown tracker '%s' (process, files, tcp, "
					 "syscall or all, separated by commas)",
					 name);
	if (!o->n_events)
		return cli_usage(cmd, "--events: no tracker named");
	return 0;
}

/* --webhook, --otlp: a URL this build can post to; 0, or -1 once said. */
static int check_url(const char *cmd, const char *opt, const char *url)
{
	struct http_url u;

	if (http_url_parse(url, &u))
		return cli_usage(cmd,
				 "%s '%s': not http[s]://HOST[:PORT][/PATH] (no user:password@: "
				 "a token goes in a file)",
				 opt, url),
		       -1;
	if (u.tls && !http_client_tls())
		return cli_usage(cmd, "%s '%s': this static ward has no TLS (build/ward has)", opt,
				 url),
		       -1;
	return 0;
}

/* The configuration file (--config FILE, or /etc/ward/ward.yaml when it exists)
 * as the server's starting options, which the command line then overrides: -1
 * to go on, or the exit status (the file's diagnostics said). */
static int apply_config(int argc, char **argv, struct run_opts *o)
{
	const char *path = NULL;
	struct ward_config *c = &o->cfg;
	struct rc_diags d;
	int err;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			path = argv[i + 1];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
	}
	rc_diags_init(&d);
	err = config_load(path ? path : CONFIG_DEFAULT_PATH, c, &d);
	if (err == -ENOENT && !path)
		err = 0; /* no file, no configuration */
	else if (err == -ENOENT)
		cli_error("--config %s: %s", path, strerror(ENOENT));
	else if (err)
		cli_print_diags(&d, cli_json_errors, stderr);
	rc_diags_free(&d);
	if (err)
		return err == -ENOMEM ? CLI_FAILURE : CLI_INPUT;
	o->policy = c->policy;
	o->trusted_key = c->trusted_key;
	o->container = c->container;
	o->output = c->output;
	o->audit_only = c->audit;
	o->enforce = !c->no_policy;
	o->unpin_on_exit = c->unpin_on_exit;
	o->verbose = c->verbose;
	o->metrics = c->metrics;
	o->syslog = c->syslog;
	o->api_socket = c->api_socket;
	o->api_listen = c->api;
	o->api_tls_cert = c->api_tls_cert;
	o->api_tls_key = c->api_tls_key;
	o->api_token_file = c->api_token_file;
	o->webhook = c->webhook;
	o->webhook_token_file = c->webhook_token_file;
	o->otlp = c->otlp;
	o->outputs = c->outputs;
	o->n_outputs = c->n_outputs;
	if (c->set & CK_OUTPUT_MAX_SIZE)
		o->output_opts.max_size = c->output_max_size;
	if (c->set & CK_OUTPUT_KEEP)
		o->output_opts.keep = (unsigned int)c->output_keep;
	o->no_aggregate = c->no_aggregate;
	if (c->set & CK_AGGREGATE_WINDOW)
		o->aggregate_window_s = c->aggregate_window_s;
	if (c->set & CK_AGGREGATE_KEY)
		o->aggregate_key = c->aggregate_key;
	if (c->set & CK_METRICS_CONTAINERS)
		o->metrics_containers = c->metrics_containers;
	if (c->set & CK_INTERVAL)
		o->interval_s = c->interval_s;
	if (c->set & CK_DURATION)
		o->duration_s = c->duration_s;
	if (c->set & CK_FORMAT)
		o->fmt = (enum out_format)c->format;
	if (c->set & CK_EVENTS) {
		o->events_given = true;
		o->n_events = c->events.n;
		memcpy(o->events, c->events.v, sizeof(o->events));
	}
	return -1;
}

/* The options of run and server: -1 to go on (operands from optind), or the exit
 * status (help printed, or a usage error said). */
static int parse_opts(const char *cmd, const struct cli_opts *opts, void (*help)(void), int argc,
		      char **argv, struct run_opts *o)
{
	long n;
	int c, f;

	*o = (struct run_opts){ .interval_s = 3,
				.fmt = OUT_TABLE,
				.enforce = true,
				.metrics_containers = METRICS_SERIES_CAP,
				.aggregate_window_s = AGG_WINDOW_S,
				.aggregate_key = AGG_KEY_DEFAULT,
				.output_opts = { .keep = FILE_KEEP_DEFAULT } };
	if (!strcmp(cmd, "server")) {
		c = apply_config(argc, argv, o);
		if (c >= 0)
			return c;
	}
	optind = 0;
	while ((c = cli_getopts(cmd, argc, argv, opts)) != -1) {
		switch (c) {
		case 'i':
			if (cli_parse_duration(cmd, "--interval", optarg, 1, INTERVAL_MAX_S,
					       &o->interval_s) < 0)
				return CLI_USAGE;
			break;
		case 'd':
			if (cli_parse_duration(cmd, "--duration", optarg, 1, CLI_DURATION_MAX,
					       &o->duration_s) < 0)
				return CLI_USAGE;
			break;
		case 'c':
			if (!optarg[0])
				return cli_usage(cmd, "--container: empty name");
			o->container = optarg;
			break;
		case 'o':
			f = cli_parse_format(cmd, optarg, out_format_names);
			if (f < 0)
				return CLI_USAGE;
			o->fmt = (enum out_format)f;
			break;
		case 'O':
			o->output = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'P':
			o->policy = optarg;
			o->enforce = true;
			o->given |= CK_POLICY;
			break;
		case 'K':
			o->trusted_key = optarg;
			o->given |= CK_TRUSTED_KEY;
			break;
		case 'U':
			o->unpin_on_exit = true;
			o->given |= CK_UNPIN_ON_EXIT;
			break;
		case 'A':
			o->audit_only = true;
			o->given |= CK_AUDIT;
			break;
		case 'N':
			o->enforce = false;
			o->given |= CK_NO_POLICY;
			break;
		case 'E':
			c = parse_events(cmd, optarg, o);
			if (c)
				return c;
			break;
		case 'C':
			break; /* read first (apply_config()) */
		case 'Y':
			if (syslog_parse_target(optarg, &(struct syslog_target){ 0 }))
				return cli_usage(cmd,
						 "--syslog '%s': not unix:PATH, udp:ADDR:PORT or "
						 "tcp:ADDR:PORT (a numeric address)",
						 optarg);
			o->syslog = optarg;
			break;
		case 'a':
			if (optarg[0] != '/' || strlen(optarg) >= API_PATH_MAX)
				return cli_usage(
					cmd,
					"--api-socket '%s': an absolute path of at most %d "
					"bytes is expected",
					optarg, API_PATH_MAX - 1);
			o->api_socket = optarg;
			break;
		case 'W':
		case 'T':
		case 'L':
			if (c == 'T')
				o->webhook_token_file = optarg;
			else if (check_url(cmd, c == 'W' ? "--webhook" : "--otlp", optarg))
				return CLI_USAGE;
			else if (c == 'W')
				o->webhook = optarg;
			else
				o->otlp = optarg;
			break;
		case 'S':
			if (cli_parse_size(cmd, "--output-max-size", optarg, OUTPUT_SIZE_MIN,
					   &o->output_opts.max_size) < 0)
				return CLI_USAGE;
			break;
		case 'R':
			if (cli_parse_number(cmd, "--output-keep", optarg, 1, OUTPUT_KEEP_MAX, &n) <
			    0)
				return CLI_USAGE;
			o->output_opts.keep = (unsigned int)n;
			break;
		case 'G':
		case 'w':
		case 'k':
			if (c == 'G')
				o->no_aggregate = true;
			else if (c == 'w' &&
				 cli_parse_duration(cmd, "--aggregate-window", optarg, 1,
						    INTERVAL_MAX_S, &o->aggregate_window_s) < 0)
				return CLI_USAGE;
			else if (c == 'k' && agg_parse_key(optarg, &o->aggregate_key))
				return cli_usage(
					cmd,
					"--aggregate-key: '%s' is not a list of container, "
					"policy, rule, action, object, exe, comm, pid, uid",
					optarg);
			break;
		case 'M':
			o->metrics = optarg;
			break;
		case 'Q':
			o->api_listen = optarg;
			break;
		case 'X':
			o->api_tls_cert = optarg;
			break;
		case 'Z':
			o->api_tls_key = optarg;
			break;
		case 'z':
			o->api_token_file = optarg;
			break;
		case 'm':
			if (cli_parse_number(cmd, "--metrics-containers", optarg, 0,
					     METRICS_SERIES_MAX, &n) < 0)
				return CLI_USAGE;
			o->metrics_containers = (size_t)n;
			break;
		default:
			return cli_help_or_usage(c, help);
		}
	}
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	if (o->webhook_token_file && !o->webhook)
		return cli_usage(cmd, "--webhook-token-file goes with --webhook URL: give one");
	if (o->api_listen && (!o->api_tls_cert || !o->api_tls_key || !o->api_token_file))
		return cli_usage(cmd,
				 "--api %s: the control API goes on TCP in TLS only, for "
				 "clients with a token: give --api-tls-cert, --api-tls-key "
				 "and --api-token-file",
				 o->api_listen);
	if (!o->api_listen && (o->api_tls_cert || o->api_tls_key || o->api_token_file))
		return cli_usage(cmd, "--api-tls-cert, --api-tls-key and --api-token-file are "
				      "for --api ADDR:PORT: give it");
	if (o->output_opts.max_size && !o->output)
		return cli_usage(cmd, "--output-max-size rotates --output FILE: give one");
	if (o->metrics) {
		char host[HTTP_ADDR_MAX];
		uint16_t port;

		if (http_parse_listen(o->metrics, host, &port))
			return cli_usage(cmd,
					 "--metrics '%s': not ADDR:PORT (a numeric IPv4 or "
					 "[IPv6] address and a port; PORT alone: loopback)",
					 o->metrics);
	}
	if (o->api_listen) {
		char host[HTTP_ADDR_MAX];
		uint16_t port;

		if (http_parse_listen(o->api_listen, host, &port))
			return cli_usage(cmd,
					 "--api '%s': not ADDR:PORT (a numeric IPv4 or [IPv6] "
					 "address and a port; PORT alone: loopback)",
					 o->api_listen);
	}
	if ((o->given & CK_NO_POLICY) && o->given != CK_NO_POLICY)
		return cli_usage(cmd, "--no-policy excludes --policy, --trusted-key, --audit and "
				      "--unpin-on-exit");
	if (o->given == CK_NO_POLICY) { /* over the file's policy keys */
		o->policy = o->trusted_key = NULL;
		o->audit_only = o->unpin_on_exit = false;
	}
	return -1;
}

int cmd_run(int argc, char **argv)
{
	const struct tracker_ops *ops;
	struct run_opts o;
	int r;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		help_run();
		return CLI_OK;
	}
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage("run", "which tracker? (process, files, tcp or syscall)");
	ops = tracker_find(argv[1]);
	if (!ops)
		return cli_usage("run", "unknown tracker '%s' (process, files, tcp or syscall)",
				 argv[1]);
	r = parse_opts("run", &run_options, help_run, argc - 1, argv + 1, &o);
	if (r >= 0)
		return r;
	o.enforce = false;
	return run_trackers(&ops, 1, &o) ? CLI_FAILURE : CLI_OK;
}

int cmd_server(int argc, char **argv)
{
	struct run_opts o;
	int r;

	r = parse_opts("server", &server_options, help_server, argc, argv, &o);
	if (r >= 0)
		goto out;
	o.status = true;
	o.api = true;
	if (!o.enforce && (o.policy || o.trusted_key || o.audit_only || o.unpin_on_exit)) {
		r = cli_usage("server", "--no-policy excludes --policy, --trusted-key, --audit "
					"and --unpin-on-exit");
		goto out;
	}
	if (o.enforce && !o.policy) {
		/* The embedded default pack: a first run that only reports, and whose
		 * programs do not outlive it. */
		if (o.trusted_key) {
			r = cli_usage("server", "--trusted-key needs --policy with a signed "
						"bundle (the embedded default pack is not signed)");
			goto out;
		}
		o.audit_only = true;
		o.unpin_on_exit = true;
	}
	/* The API's TLS files and a policy that does not load are bad input, said
	 * before anything touches the kernel (or the files of a server already running). */
	if (o.api_listen) {
		const struct api_opts ao = run_api_opts(&o);
		char why[512];

		if (api_check_files(&ao, why, sizeof(why))) {
			cli_error("control API: %s", why);
			r = CLI_INPUT;
			goto out;
		}
	}
	if (o.enforce) {
		struct rc_diags d;

		rc_diags_init(&d);
		r = policy_load(o.policy, o.trusted_key, &o.loaded, &d);
		if (r) {
			run_no_policy(&o, &d, r);
			r = r == -ENOMEM || !o.policy ? CLI_FAILURE : CLI_INPUT;
		}
		rc_diags_free(&d);
		if (r)
			goto out;
	}
	/* Alerts always; events only when asked, except that --no-policy is the
	 * trackers alone. */
	if (!o.events_given && !o.enforce) {
		o.events[o.n_events++] = &process_tracker;
		o.events[o.n_events++] = &files_tracker;
		o.events[o.n_events++] = &tcp_tracker;
	}
	r = run_trackers(o.events, o.n_events, &o) ? CLI_FAILURE : CLI_OK;
	policy_free(o.loaded);
out:
	config_free(&o.cfg);
	return r;
}
