// SPDX-License-Identifier: Apache-2.0
/*
 * rulesc: check, compile, dump, sign, verify, explain and test ward policies.
 * Exit status: 0 success; 1 the input is wrong (policy errors, a bad or badly
 * signed bundle, failing policy tests, warnings under --werror); 2 usage
 * error; 3 system error (I/O, out of memory).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "rulesc.h"

#ifndef WARD_VERSION
#define WARD_VERSION "unknown"
#endif

#define EXIT_INPUT  1
#define EXIT_USAGE  2
#define EXIT_SYSTEM 3

static bool json_out;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	void (*help)(void);
	const char *summary;
};

static int sys_error(const char *what, int err)
{
	fprintf(stderr, "rulesc: %s: %s\n", what, strerror(-err));
	return EXIT_SYSTEM;
}

static int usage_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "rulesc %s: %s (see 'rulesc %s --help')\n", cmd, msg, cmd);
	return EXIT_USAGE;
}

/* ---- diagnostics output ------------------------------------------------------ */

static void print_diags_text(const struct rc_diags *d, FILE *f)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct rc_diag *g = &d->v[i];
		const char *sev = g->severity == RC_ERROR ? "error" : "warning";

		if (g->line)
			fprintf(f, "%s:%u:%u: %s: %s [%s]\n", g->file, g->line, g->col, sev,
				g->message, g->code);
		else if (g->file[0])
			fprintf(f, "%s: %s: %s [%s]\n", g->file, sev, g->message, g->code);
		else
			fprintf(f, "%s: %s [%s]\n", sev, g->message, g->code);
		if (g->text[0]) {
			fprintf(f, "%5u | %s\n      | ", g->line, g->text);
			for (uint32_t c = 1; c < g->col; c++)
				fputc(g->text[c - 1] == '\t' ? '\t' : ' ', f);
			fputc('^', f);
			for (uint32_t c = 1; c < g->span && c < 80; c++)
				fputc('~', f);
			fputc('\n', f);
		}
		if (g->hint[0])
			fprintf(f, "      = hint: %s\n", g->hint);
	}
	if (d->n_errors || d->n_warnings)
		fprintf(f, "%zu error%s, %zu warning%s\n", d->n_errors, d->n_errors == 1 ? "" : "s",
			d->n_warnings, d->n_warnings == 1 ? "" : "s");
}

static int print_diags_json(const struct rc_diags *d, FILE *f)
{
	json_t *root = json_object(), *arr = json_array();
	int r = 0;

	if (!root || !arr) {
		json_decref(root);
		json_decref(arr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct rc_diag *g = &d->v[i];

		r |= json_array_append_new(
			arr, json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:s}", "severity",
				       g->severity == RC_ERROR ? "error" : "warning", "code",
				       g->code, "file", g->file, "line", (json_int_t)g->line,
				       "column", (json_int_t)g->col, "message", g->message, "text",
				       g->text, "hint", g->hint));
	}
	r |= json_object_set_new(root, "diagnostics", arr);
	r |= json_object_set_new(root, "errors", json_integer((json_int_t)d->n_errors));
	r |= json_object_set_new(root, "warnings", json_integer((json_int_t)d->n_warnings));
	if (r == 0 && json_dumpf(root, f, JSON_SORT_KEYS | JSON_COMPACT) == 0)
		fputc('\n', f);
	else
		r = -ENOMEM;
	json_decref(root);
	return r ? -ENOMEM : 0;
}

static void print_diags(struct rc_diags *d, bool json, FILE *f)
{
	rc_diags_sort(d);
	if (json)
		(void)print_diags_json(d, f);
	else
		print_diags_text(d, f);
}

/* Load, analyze and compile; diagnostics in d. *ret_bundle is NULL when
 * there are errors. Returns 0 or -errno (system errors only). */
static int build(char **paths, int n, struct rc_diags *d, struct rc_set **ret_set,
		 uint8_t **ret_buf, size_t *ret_len)
{
	struct rc_set *s;
	int r;

	*ret_buf = NULL;
	*ret_len = 0;
	r = rc_set_load((const char *const *)paths, (size_t)n, d, &s);
	if (r < 0)
		return r;
	rc_analyze(s, d);
	if (d->n_errors == 0) {
		r = rc_compile(s, d, ret_buf, ret_len);
		if (r == -EINVAL)
			r = 0;
	}
	if (r < 0 || !ret_set)
		rc_set_free(s);
	else
		*ret_set = s;
	return r;
}

/* ---- check, compile ---------------------------------------------------------------- */

static const struct option check_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "json", no_argument, NULL, 'j' },
	{ "werror", no_argument, NULL, 'W' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void help_check(void)
{
	printf("Usage: rulesc check [-o text|json] [--werror] DIR|FILE...\n"
	       "Check policies: syntax, types, names, kernel limits, and static analysis\n"
	       "(shadowed rules, conflicting actions, no-op allows, selectors that never match).\n"
	       "Exit 0 when there are no errors (and, with --werror, no warnings).\n");
}

static int cmd_check(int argc, char **argv)
{
	struct rc_diags d;
	bool werror = false, json = json_out;
	uint8_t *buf;
	size_t len;
	int c, r;

	while ((c = getopt_long(argc, argv, "o:jWh", check_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return usage_error("check", "-o takes text or json");
			json = strcmp(optarg, "json") == 0;
			break;
		case 'j':
			json = true;
			break;
		case 'W':
			werror = true;
			break;
		case 'h':
			help_check();
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("check", "give at least one policy file or directory");
	rc_diags_init(&d);
	r = build(argv + optind, argc - optind, &d, NULL, &buf, &len);
	free(buf);
	if (r < 0) {
		rc_diags_free(&d);
		return sys_error("check", r);
	}
	print_diags(&d, json, stdout);
	r = d.n_errors || (werror && d.n_warnings) ? EXIT_INPUT : 0;
	rc_diags_free(&d);
	return r;
}

static const struct option compile_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void help_compile(void)
{
	printf("Usage: rulesc compile -o FILE [--json] DIR|FILE...\n"
	       "Compile policies into a bundle (docs/bundle.md). The same input gives the same\n"
	       "bytes. On any error nothing is written. Diagnostics go to stderr.\n");
}

static int cmd_compile(int argc, char **argv)
{
	const char *out = NULL;
	struct rc_diags d;
	bool json = json_out;
	uint8_t *buf;
	size_t len;
	int c, r;

	while ((c = getopt_long(argc, argv, "o:jh", compile_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			help_compile();
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (!out)
		return usage_error("compile", "-o FILE is required");
	if (optind >= argc)
		return usage_error("compile", "give at least one policy file or directory");
	rc_diags_init(&d);
	r = build(argv + optind, argc - optind, &d, NULL, &buf, &len);
	if (r < 0) {
		rc_diags_free(&d);
		return sys_error("compile", r);
	}
	if (d.n || json)
		print_diags(&d, json, stderr);
	if (d.n_errors) {
		rc_diags_free(&d);
		free(buf);
		return EXIT_INPUT;
	}
	rc_diags_free(&d);
	r = rc_write_file(out, buf, len);
	free(buf);
	if (r < 0)
		return sys_error(out, r);
	return 0;
}

/* ---- dump -------------------------------------------------------------------------- */

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static void print_cand(const struct ward_bundle *b, const struct ward_cand *c, bool net,
		       uint16_t domain)
{
	char acc[96];

	printf("      rule %u %s", c->rule, ward_bundle_str(b, b->rules[c->rule].name_off));
	if (net) {
		printf(" protocols %s%s%s", c->mask & WARD_PROTO_TCP ? "tcp" : "",
		       c->mask == WARD_PROTO_ALL ? "," : "", c->mask & WARD_PROTO_UDP ? "udp" : "");
		if (c->aux == WARD_NONE) {
			printf(" ports any");
		} else {
			const struct wb_portset *ps = &b->portsets[c->aux];

			printf(" ports ");
			for (uint32_t i = 0; i < ps->range_count; i++) {
				const struct wb_port_range *r = &b->ranges[ps->range_first + i];

				printf(r->lo == r->hi ? "%s%u" : "%s%u-%u", i ? "," : "", r->lo,
				       r->hi);
			}
		}
	} else {
		if (domain == WARD_DOM_FILE) {
			rc_access_format(c->mask, acc, sizeof(acc));
			printf(" access %s", acc);
		} else if (domain == WARD_DOM_SOURCE) {
			printf(" source-set-bit 0x%x", c->mask);
		}
		if (c->aux != WARD_NONE)
			printf(" glob \"%s\"", b->globs[c->aux].pattern);
	}
	if (c->src_set)
		printf(" fromSource set %u", c->src_set);
	printf("\n");
}

static void dump_bundle(const struct ward_bundle *b)
{
	const struct wb_header *h = b->hdr;

	printf("bundle: format %u, %zu bytes\n", h->format_version, b->len);
	printf("compiler: %s\n", h->compiler);
	printf("sha256: ");
	hex(stdout, h->sha256, sizeof(h->sha256));
	printf("\nsignature: ");
	if (b->sig) {
		printf("ed25519, key id ");
		hex(stdout, b->sig->key_id, sizeof(b->sig->key_id));
		printf("\n");
	} else {
		printf("none\n");
	}
	printf("policies: %zu, rules: %zu, objects: %zu, cidrs: %zu, candidates: %zu, globs: %zu, "
	       "port sets: %zu\n",
	       b->n_policies, b->n_rules, b->n_objects, b->n_cidrs, b->n_cands, b->n_globs,
	       b->n_portsets);
	for (size_t i = 0; i < b->n_policies; i++) {
		const struct wb_policy *p = &b->policies[i];

		printf("\npolicy %zu %s: %s, mode %s, from %s\n", i + 1,
		       ward_bundle_str(b, p->name_off), p->profile ? "profile" : "policy",
		       rc_mode_name(p->k.mode), ward_bundle_str(b, p->origin_off));
		if (p->desc_off)
			printf("  description: %s\n", ward_bundle_str(b, p->desc_off));
		if (p->prov_off)
			printf("  provenance: %s\n", ward_bundle_str(b, p->prov_off));
		printf("  selector:");
		if (p->host)
			printf(" host");
		for (uint32_t s = p->sel_first; s < p->sel_first + p->sel_count; s++) {
			const struct wb_selector *sel = &b->sels[s];

			if (sel->type == WB_SEL_LABEL)
				printf(" label %s=%s", ward_bundle_str(b, sel->key_off),
				       ward_bundle_str(b, sel->val_off));
			else
				printf(" %s %s",
				       sel->type == WB_SEL_CONTAINER ? "container" : "image",
				       ward_bundle_str(b, sel->key_off));
		}
		printf("\n  defaults:");
		for (int c = 0; c < WARD_CLS_MAX; c++)
			printf(" %s=%s", rc_class_name((uint8_t)c),
			       p->k.defaults[c] ? rc_action_name(p->k.defaults[c]) : "-");
		printf("\n");
		for (uint32_t r = p->rule_first; r < p->rule_first + p->rule_count; r++) {
			const struct wb_rule *ru = &b->rules[r];

			printf("  rule %u %s: %s %s, mode %s, severity %s, from %s\n", r,
			       ward_bundle_str(b, ru->name_off), rc_class_name(ru->k.cls),
			       rc_action_name(ru->k.action), rc_mode_name(ru->k.mode),
			       rc_severity_name(ru->k.severity),
			       ward_bundle_str(b, ru->origin_off));
			if (ru->tag_count) {
				printf("    tags:");
				for (uint32_t t = 0; t < ru->tag_count; t++)
					printf(" %s",
					       ward_bundle_str(b, b->tags[ru->tag_first + t]));
				printf("\n");
			}
			if (ru->msg_off)
				printf("    message: %s\n", ward_bundle_str(b, ru->msg_off));
		}
	}
	printf("\nobjects:\n");
	for (size_t i = 0; i < b->n_objects; i++) {
		const struct wb_object *o = &b->objects[i];

		printf("  policy %u %s %s \"%s\" hash %016llx\n", o->key.policy_id,
		       rc_domain_name(o->key.domain), rc_kind_name(o->key.kind),
		       ward_bundle_str(b, o->str_off), (unsigned long long)o->key.hash);
		for (uint32_t c = 0; c < o->val.cand_count; c++)
			print_cand(b, &b->cands[o->val.cand_first + c], false, o->key.domain);
	}
	printf("\ncidrs:\n");
	for (size_t i = 0; i < b->n_cidrs; i++) {
		const struct wb_cidr *c = &b->cidrs[i];
		struct rc_cidr cd = { .len = (uint8_t)(c->key.prefixlen - 64) };
		char buf[64];

		memcpy(cd.addr, c->key.addr, 16);
		cd.v4 = cd.len >= 96 && memcmp(cd.addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;
		rc_cidr_format(&cd, buf, sizeof(buf));
		printf("  policy %u %s %s (prefixlen %u)\n", c->key.policy_id,
		       c->key.op == WARD_NET_CONNECT ? "connect" : "bind", buf, c->key.prefixlen);
		for (uint32_t k = 0; k < c->val.cand_count; k++)
			print_cand(b, &b->cands[c->val.cand_first + k], true, 0);
	}
}

static int open_bundle(const char *path, struct ward_bundle **ret)
{
	const char *why = NULL;
	uint8_t *buf;
	size_t len;
	int r;

	r = rc_read_file(path, WB_MAX_SIZE + sizeof(struct wb_sig_trailer), &buf, &len);
	if (r == -EFBIG) {
		fprintf(stderr, "rulesc: %s: bundle is larger than 256 MiB\n", path);
		return EXIT_INPUT;
	}
	if (r < 0)
		return sys_error(path, r);
	r = ward_bundle_open(buf, len, ret, &why);
	free(buf);
	if (r == -ENOMEM)
		return sys_error(path, r);
	if (r < 0) {
		fprintf(stderr, "rulesc: %s: invalid bundle: %s\n", path, why);
		return EXIT_INPUT;
	}
	return 0;
}

static void help_dump(void)
{
	printf("Usage: rulesc dump FILE\n"
	       "Validate a bundle and print its header, policies, rules and map images.\n");
}

static int cmd_dump(int argc, char **argv)
{
	struct ward_bundle *b;
	int r;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		help_dump();
		return 0;
	}
	if (argc != 2)
		return usage_error("dump", "give exactly one bundle file");
	r = open_bundle(argv[1], &b);
	if (r)
		return r;
	dump_bundle(b);
	ward_bundle_free(b);
	return 0;
}

/* ---- sign, verify ------------------------------------------------------------------ */

static const struct option sign_opts[] = {
	{ "key", required_argument, NULL, 'k' },
	{ "pub", required_argument, NULL, 'p' },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void help_sign(void)
{
	printf("Usage: rulesc sign --key KEY.pem [-o OUT] BUNDLE\n"
	       "Sign a bundle with an Ed25519 private key (PEM, e.g. from\n"
	       "'openssl genpkey -algorithm ed25519'). Writes OUT, or replaces BUNDLE.\n");
}

static void help_verify(void)
{
	printf("Usage: rulesc verify --pub PUB.pem BUNDLE\n"
	       "Check a bundle's structure, content hash and Ed25519 signature.\n"
	       "Exit 0 when valid and signed by PUB.pem, 1 otherwise.\n");
}

static int cmd_sign_verify(int argc, char **argv, bool sign)
{
	const char *key = NULL, *out = NULL, *why = "unknown error",
		   *name = sign ? "sign" : "verify";
	uint8_t *buf, *signed_buf;
	size_t len, signed_len;
	int c, r;

	while ((c = getopt_long(argc, argv, "k:p:o:h", sign_opts, NULL)) != -1) {
		switch (c) {
		case 'k':
		case 'p':
			if ((c == 'k') != sign)
				return usage_error(name, sign ? "sign takes --key"
							      : "verify takes --pub");
			key = optarg;
			break;
		case 'o':
			if (!sign)
				return usage_error(name, "verify writes nothing");
			out = optarg;
			break;
		case 'h':
			sign ? help_sign() : help_verify();
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (!key)
		return usage_error(name, sign ? "--key KEY.pem is required"
					      : "--pub PUB.pem is required");
	if (optind + 1 != argc)
		return usage_error(name, "give exactly one bundle file");
	r = rc_read_file(argv[optind], WB_MAX_SIZE + sizeof(struct wb_sig_trailer), &buf, &len);
	if (r < 0 && r != -EFBIG)
		return sys_error(argv[optind], r);
	if (r == -EFBIG) {
		fprintf(stderr, "rulesc: %s: bundle is larger than 256 MiB\n", argv[optind]);
		return EXIT_INPUT;
	}
	if (!sign) {
		r = ward_bundle_verify(buf, len, key, &why);
		free(buf);
		if (r == -ENOMEM)
			return sys_error("verify", r);
		if (r < 0) {
			fprintf(stderr, "rulesc: %s: verification failed: %s\n", argv[optind], why);
			return EXIT_INPUT;
		}
		printf("%s: signature OK\n", argv[optind]);
		return 0;
	}
	r = ward_bundle_sign(buf, len, key, &signed_buf, &signed_len, &why);
	free(buf);
	if (r == -ENOMEM)
		return sys_error("sign", r);
	if (r < 0) {
		fprintf(stderr, "rulesc: %s: cannot sign: %s\n", argv[optind], why);
		return EXIT_INPUT;
	}
	r = rc_write_file(out ? out : argv[optind], signed_buf, signed_len);
	free(signed_buf);
	if (r < 0)
		return sys_error(out ? out : argv[optind], r);
	return 0;
}

static int cmd_sign(int argc, char **argv)
{
	return cmd_sign_verify(argc, argv, true);
}

static int cmd_verify(int argc, char **argv)
{
	return cmd_sign_verify(argc, argv, false);
}

/* ---- explain, test ------------------------------------------------------------------- */

/* The bundle of --bundle FILE, or compiled in memory from paths. */
static int get_bundle(const char *file, char **paths, int n, struct rc_set **ret_set,
		      struct ward_bundle **ret)
{
	struct rc_diags d;
	const char *why;
	uint8_t *buf;
	size_t len;
	int r;

	if (file) {
		if (ret_set && n) {
			rc_diags_init(&d);
			r = rc_set_load((const char *const *)paths, (size_t)n, &d, ret_set);
			if (r < 0)
				return sys_error("load", r);
			if (d.n_errors) {
				print_diags(&d, json_out, stderr);
				rc_diags_free(&d);
				rc_set_free(*ret_set);
				return EXIT_INPUT;
			}
			rc_diags_free(&d);
		}
		return open_bundle(file, ret);
	}
	rc_diags_init(&d);
	r = build(paths, n, &d, ret_set, &buf, &len);
	if (r < 0) {
		rc_diags_free(&d);
		return sys_error("compile", r);
	}
	if (d.n_errors) {
		print_diags(&d, json_out, stderr);
		rc_diags_free(&d);
		if (ret_set)
			rc_set_free(*ret_set);
		return EXIT_INPUT;
	}
	rc_diags_free(&d);
	r = ward_bundle_open(buf, len, ret, &why);
	free(buf);
	if (r < 0) {
		if (ret_set)
			rc_set_free(*ret_set);
		return sys_error(why, r);
	}
	return 0;
}

static void print_match(const struct ward_bundle *b, const struct ward_match *m, bool decider)
{
	const struct wb_policy *p = &b->policies[m->policy_id - 1];

	printf("%s policy %s: ", decider ? "*" : " ", ward_bundle_str(b, p->name_off));
	if (m->action == WARD_ACT_NONE) {
		printf("does not govern this kind of event\n");
		return;
	}
	if (m->rule == WARD_NONE) {
		printf("no rule matched; default %s (mode %s) -> %s\n", rc_action_name(m->action),
		       rc_mode_name(m->mode), rc_action_name(m->effective));
		return;
	}
	const struct wb_rule *r = &b->rules[m->rule];

	printf("rule %s (%s) %s, mode %s, severity %s -> %s\n", ward_bundle_str(b, r->name_off),
	       ward_bundle_str(b, r->origin_off), rc_action_name(m->action), rc_mode_name(m->mode),
	       rc_severity_name(r->k.severity), rc_action_name(m->effective));
	if (m->cidr != WARD_NONE) {
		const struct wb_cidr *c = &b->cidrs[m->cidr];
		struct rc_cidr cd = { .len = (uint8_t)(c->key.prefixlen - 64) };
		char buf[64];

		memcpy(cd.addr, c->key.addr, 16);
		cd.v4 = cd.len >= 96 && memcmp(cd.addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;
		rc_cidr_format(&cd, buf, sizeof(buf));
		printf("    why: longest matching prefix %s in the CIDR trie\n", buf);
	} else if (m->kind) {
		const struct ward_cand *c = &b->cands[m->cand];

		printf("    why: %s table, %s key \"%s\"", rc_domain_name(m->domain),
		       rc_kind_name(m->kind), ward_bundle_str(b, m->str_off));
		if (m->kind == WARD_KEY_GLOB)
			printf(" with basename glob \"%s\"", b->globs[c->aux].pattern);
		if (c->src_set)
			printf(", acting binary in fromSource set %u", c->src_set);
		printf("\n");
	}
	if (r->msg_off)
		printf("    message: %s\n", ward_bundle_str(b, r->msg_off));
}

static const struct option explain_opts[] = {
	{ "bundle", required_argument, NULL, 'b' }, { "container", required_argument, NULL, 'c' },
	{ "image", required_argument, NULL, 'i' },  { "label", required_argument, NULL, 'l' },
	{ "host", no_argument, NULL, 'H' },	    { "parent", required_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },	    { NULL, 0, NULL, 0 },
};

static void help_explain(void)
{
	printf("Usage: rulesc explain (--bundle FILE | DIR|FILE...) (--container NAME [--image "
	       "IMAGE]\n"
	       "                      [--label KEY=VALUE]... | --host) [--parent EXE|NAME] EVENT\n"
	       "EVENT is one of:\n"
	       "  exec PATH                 open PATH ACCESS (read, write, create, unlink, ...)\n"
	       "  exec NAME                 the name a program runs as (argv[0], an applet)\n"
	       "  connect ADDR:PORT [tcp|udp]   bind ADDR:PORT [tcp|udp]\n"
	       "  connect /unix/socket      bind /unix/socket\n"
	       "  socket raw|packet         capability NAME      syscall NAME\n"
	       "  rename PATH               PATH renamed, moved or mounted over\n"
	       "--parent: the acting process (what fromSource matches), by its executable or\n"
	       "by the name it runs as (a multi-call server's applet: httpd).\n"
	       "Prints which policy and rule decide, with action, mode and the table entry\n"
	       "that matched, using the compiled tables the kernel reads.\n");
}

static const char *const verbs[] = { "exec",   "open",	     "connect", "bind",
				     "socket", "capability", "syscall", "rename" };
#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

static int parse_event(char **a, int n, struct rc_event *ev)
{
	const char *why = NULL;
	int v;

	memset(ev, 0, sizeof(*ev));
	for (v = 0; v < (int)N_VERBS && strcmp(a[0], verbs[v]); v++)
		;
	ev->proto = WARD_PROTO_TCP;
	ev->access = 1;
	switch (v) {
	case 0:
	case 1:
		if (v == 0 && n == 2 && a[1][0] && !strchr(a[1], '/')) {
			ev->op = RC_EV_EXEC;
			ev->applet = a[1];
			return 0;
		}
		if (n != (v == 0 ? 2 : 3) || a[1][0] != '/')
			return usage_error("explain",
					   v == 0 ? "exec takes an absolute PATH or a NAME"
						  : "open takes an absolute PATH and an ACCESS");
		ev->op = v == 0 ? RC_EV_EXEC : RC_EV_OPEN;
		ev->path = a[1];
		if (v == 1 && rc_access_parse(a[2], &ev->access) < 0)
			return usage_error("explain",
					   "ACCESS is read, write, create, unlink, rename, "
					   "chmod, chown, exec or truncate");
		if (ev->access == WARD_ACC_TRUNCATE) /* as the kernel sees one */
			ev->access |= WARD_ACC_WRITE;
		return 0;
	case 2:
	case 3:
		if (n < 2 || n > 3)
			return usage_error("explain", "connect/bind take ADDR:PORT [tcp|udp]");
		if (a[1][0] == '/') {
			if (n != 2)
				return usage_error("explain", "unix sockets have no protocol");
			ev->op = v == 2 ? RC_EV_UNIX_CONNECT : RC_EV_UNIX_BIND;
			ev->path = a[1];
			return 0;
		}
		ev->op = v == 2 ? RC_EV_CONNECT : RC_EV_BIND;
		if (rc_sockaddr_parse(a[1], ev->addr, &ev->port, &why) < 0)
			return usage_error("explain", why);
		if (n == 3 && strcmp(a[2], "tcp") && strcmp(a[2], "udp"))
			return usage_error("explain", "the protocol is tcp or udp");
		if (n == 3 && strcmp(a[2], "udp") == 0)
			ev->proto = WARD_PROTO_UDP;
		return 0;
	case 4:
		if (n != 2 || (strcmp(a[1], "raw") && strcmp(a[1], "packet")))
			return usage_error("explain", "socket takes raw or packet");
		ev->op = RC_EV_SOCKET;
		ev->num = strcmp(a[1], "raw") == 0 ? WARD_SOCK_RAW : WARD_SOCK_PACKET;
		return 0;
	case 5:
	case 6:
		if (n != 2 || (v == 5 ? rc_cap_lookup(a[1], &ev->num)
				      : rc_syscall_lookup(a[1], &ev->num)) < 0)
			return usage_error("explain", v == 5 ? "unknown capability name"
							     : "unknown syscall name");
		ev->op = v == 5 ? RC_EV_CAP : RC_EV_SYSCALL;
		return 0;
	case 7:
		if (n != 2 || a[1][0] != '/')
			return usage_error("explain", "rename takes an absolute PATH");
		ev->op = RC_EV_RENAME;
		ev->path = a[1];
		return 0;
	default:
		return usage_error("explain", "unknown event");
	}
}

static int cmd_explain(int argc, char **argv)
{
	struct rc_container ct = { 0 };
	const char *bundle = NULL, *parent = NULL, *keys[64], *vals[64];
	uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP];
	struct ward_decision dec;
	struct ward_bundle *b;
	struct rc_event ev;
	int c, r, nsel, first_verb;

	while ((c = getopt_long(argc, argv, "b:c:i:l:Hp:h", explain_opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bundle = optarg;
			break;
		case 'c':
			ct.name = optarg;
			break;
		case 'i':
			ct.image = optarg;
			break;
		case 'l': {
			char *eq = strchr(optarg, '=');

			if (!eq || ct.n_labels == 64)
				return usage_error("explain",
						   "--label takes KEY=VALUE (at most 64)");
			*eq = '\0';
			keys[ct.n_labels] = optarg;
			vals[ct.n_labels++] = eq + 1;
			break;
		}
		case 'H':
			ct.host = true;
			break;
		case 'p':
			if (!optarg[0] || (optarg[0] != '/' && strchr(optarg, '/')))
				return usage_error("explain",
						   "--parent takes an absolute path or the "
						   "name the process runs as");
			parent = optarg;
			break;
		case 'h':
			help_explain();
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	for (first_verb = optind; first_verb < argc; first_verb++) {
		size_t v;

		for (v = 0; v < N_VERBS && strcmp(argv[first_verb], verbs[v]); v++)
			;
		if (v < N_VERBS)
			break;
	}
	if (first_verb == argc)
		return usage_error("explain", "give an event, e.g. 'exec /bin/sh'");
	if (!ct.host && !ct.name)
		return usage_error("explain", "give --container NAME or --host");
	if (ct.host && (ct.name || ct.image || ct.n_labels))
		return usage_error("explain", "--host cannot be combined with container details");
	if (!bundle && first_verb == optind)
		return usage_error("explain", "give --bundle FILE or policy files/directories");
	r = parse_event(argv + first_verb, argc - first_verb, &ev);
	if (r)
		return r;
	if (parent && parent[0] == '/')
		ev.parent = parent;
	else
		ev.parent_applet = parent;
	ct.label_keys = keys;
	ct.label_values = vals;
	r = get_bundle(bundle, argv + optind, first_verb - optind, NULL, &b);
	if (r)
		return r;
	nsel = ward_bundle_select(b, &ct, ids);
	if (nsel < 0) {
		fprintf(stderr, "rulesc explain: more than %d policies select this container\n",
			WARD_MAX_POLICIES_PER_CGROUP);
		ward_bundle_free(b);
		return EXIT_INPUT;
	}
	r = ward_eval(b, ids, (size_t)nsel, &ev, &dec);
	if (r < 0) {
		ward_bundle_free(b);
		return usage_error("explain", "invalid event");
	}
	printf("decision: %s\n", rc_action_name(dec.effective));
	if (nsel == 0)
		printf("  no policy selects this %s\n", ct.host ? "host" : "container");
	else if (dec.decider == WARD_NONE)
		printf("  no selected policy governs this kind of event\n");
	for (size_t i = 0; i < dec.n; i++)
		print_match(b, &dec.m[i], i == dec.decider);
	ward_bundle_free(b);
	return 0;
}

static const struct option test_opts[] = {
	{ "bundle", required_argument, NULL, 'b' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void help_test(void)
{
	printf("Usage: rulesc test [--bundle FILE] [--json] DIR|FILE...\n"
	       "Run the kind: PolicyTest documents found in the inputs against the policies\n"
	       "compiled from the same inputs (or against --bundle FILE). Exit 1 if a case "
	       "fails.\n");
}

static int cmd_test(int argc, char **argv)
{
	const char *bundle = NULL;
	struct rc_case_result *res;
	struct ward_bundle *b;
	struct rc_set *s = NULL;
	size_t n = 0;
	int c, r, failed;

	while ((c = getopt_long(argc, argv, "b:jh", test_opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bundle = optarg;
			break;
		case 'j':
			json_out = true;
			break;
		case 'h':
			help_test();
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("test", "give the files or directories with the tests");
	r = get_bundle(bundle, argv + optind, argc - optind, &s, &b);
	if (r)
		return r;
	failed = rc_run_tests(s, b, &res, &n);
	if (failed < 0) {
		ward_bundle_free(b);
		rc_set_free(s);
		return sys_error("test", failed);
	}
	for (size_t i = 0; i < n; i++) {
		const struct rc_case *tc = res[i].tc;

		if (res[i].pass)
			printf("PASS %s\n", tc->name);
		else
			printf("FAIL %s (%s:%u): %s\n", tc->name, tc->loc.file, tc->loc.line,
			       res[i].why);
	}
	printf("%zu passed, %d failed\n", n - (size_t)failed, failed);
	free(res);
	ward_bundle_free(b);
	rc_set_free(s);
	if (n == 0) {
		fprintf(stderr, "rulesc test: no kind: PolicyTest cases found\n");
		return EXIT_INPUT;
	}
	return failed ? EXIT_INPUT : 0;
}

/* ---- version, help, dispatch --------------------------------------------------------- */

static void help_version(void)
{
	printf("Usage: rulesc version\nPrint the compiler version and bundle format version.\n");
}

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		help_version();
		return 0;
	}
	printf("rulesc %s (bundle format %d, apiVersion ward.dev/v1)\n", WARD_VERSION,
	       WB_FORMAT_VERSION);
	return 0;
}

static int cmd_help(int argc, char **argv);

static void help_help(void)
{
	printf("Usage: rulesc help [COMMAND]\n");
}

static const struct cmd cmds[] = {
	{ "check", cmd_check, help_check, "check policies and report diagnostics" },
	{ "compile", cmd_compile, help_compile, "compile policies into a bundle" },
	{ "dump", cmd_dump, help_dump, "print a bundle readably" },
	{ "sign", cmd_sign, help_sign, "sign a bundle (Ed25519)" },
	{ "verify", cmd_verify, help_verify, "verify a bundle's signature" },
	{ "explain", cmd_explain, help_explain, "show which rule decides an event" },
	{ "test", cmd_test, help_test, "run PolicyTest cases" },
	{ "version", cmd_version, help_version, "print the version" },
	{ "help", cmd_help, help_help, "show help for a command" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: rulesc [--json] COMMAND [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
		"\n'rulesc COMMAND --help' describes a command. Exit status: 0 success, 1 invalid\n"
		"input (errors, bad signature, failed tests), 2 usage error, 3 system error.\n");
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help_help();
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) == 0) {
			cmds[i].help();
			return 0;
		}
	}
	return usage_error("help", "unknown command");
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0) {
			json_out = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
			return cmd_version(1, argv);
		} else {
			fprintf(stderr, "rulesc: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		if (strcmp(argv[i], cmds[c].name) == 0) {
			optind = 1;
			return cmds[c].fn(argc - i, argv + i);
		}
	}
	fprintf(stderr, "rulesc: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return EXIT_USAGE;
}
