// SPDX-License-Identifier: Apache-2.0
/*
 * rulesc: check, compile, dump, sign, verify, explain and test ward policies.
 * The CLI contract of docs/cli.md: exit 0 success; 1 runtime failure (out of
 * memory, a file not written) or failing policy tests; 2 usage error; 3 bad
 * input (policy errors, warnings under --werror, an unreadable, invalid or
 * badly signed bundle, an unusable key). Every command takes -o text|json
 * (or --json, also before the command).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model.h"
#include "rulesc.h"

#ifndef WARD_VERSION
#define WARD_VERSION "unknown"
#endif

/* The options every command takes (their cases: common_opt()). */
#define COMMON_OPTS                                                                     \
	{ "format", required_argument, NULL, 'o' }, { "json", no_argument, NULL, 'j' }, \
	{                                                                               \
		"help", no_argument, NULL, 'h'                                          \
	}
#define COMMON_SHORT ":o:jh"
#define COMMON_ARGS                          \
	{ "format", &cli_text_json_values }, \
	{                                    \
		NULL                         \
	}

static bool json_out;

static const struct cli_cmd *find_cmd(const char *name);

/* A runtime failure of what (out of memory, a file not written). */
static int failure(const char *what, int err)
{
	cli_error("%s: %s", what, strerror(-err));
	return CLI_FAILURE;
}

/* -o/--format text|json, --json and --help of command cmd, or an option getopt
 * refused (c). -1 to go on, or the exit status. */
static int common_opt(const char *cmd, int c)
{
	switch (c) {
	case 'o':
		return cli_parse_text_json(cmd, optarg, &json_out) < 0 ? CLI_USAGE : -1;
	case 'j':
		json_out = cli_json_errors = true;
		return -1;
	default:
		return cli_help_or_usage(c, find_cmd(cmd)->help);
	}
}

/* Print o (taken) as one line of JSON on stdout. */
static int print_json(json_t *o)
{
	int r = o && json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0 ? 0 : -ENOMEM;

	json_decref(o);
	if (!r)
		putchar('\n');
	return r;
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

static const struct cli_opts check_opts = {
	COMMON_SHORT,
	(const struct option[]){
		{ "werror", no_argument, NULL, 'W' },
		COMMON_OPTS,
		{},
	},
	(const struct cli_arg[]){ COMMON_ARGS },
	&cli_files,
};

static void help_check(void)
{
	printf("Usage: rulesc check [-o text|json] [--werror] DIR|FILE...\n"
	       "Check policies: syntax, types, names, kernel limits, and static analysis\n"
	       "(shadowed rules, conflicting actions, no-op allows, selectors that never match).\n"
	       "Exit 0 when there are no errors (and, with --werror, no warnings), 3 otherwise.\n");
}

static int cmd_check(int argc, char **argv)
{
	struct rc_diags d;
	bool werror = false;
	uint8_t *buf;
	size_t len;
	int c, r;

	while ((c = cli_getopts("check", argc, argv, &check_opts)) != -1) {
		if (c == 'W') {
			werror = true;
			continue;
		}
		r = common_opt("check", c);
		if (r >= 0)
			return r;
	}
	if (optind >= argc)
		return cli_usage("check", "give at least one policy file or directory");
	rc_diags_init(&d);
	r = build(argv + optind, argc - optind, &d, NULL, &buf, &len);
	free(buf);
	if (r < 0) {
		rc_diags_free(&d);
		return failure("check", r);
	}
	cli_print_diags(&d, json_out, stdout);
	r = d.n_errors || (werror && d.n_warnings) ? CLI_INPUT : CLI_OK;
	rc_diags_free(&d);
	return r;
}

static const struct cli_opts compile_opts = {
	COMMON_SHORT,
	(const struct option[]){
		{ "output", required_argument, NULL, 'O' },
		COMMON_OPTS,
		{},
	},
	(const struct cli_arg[]){ { "output", &cli_files }, COMMON_ARGS },
	&cli_files,
};

static void help_compile(void)
{
	printf("Usage: rulesc compile --output FILE [-o text|json] DIR|FILE...\n"
	       "Compile policies into a bundle (docs/bundle.md). The same input gives the same\n"
	       "bytes. On any error nothing is written. Diagnostics go to stderr (-o json: as\n"
	       "rulesc check -o json prints them).\n");
}

static int cmd_compile(int argc, char **argv)
{
	const char *out = NULL;
	struct rc_diags d;
	uint8_t *buf;
	size_t len;
	int c, r;

	while ((c = cli_getopts("compile", argc, argv, &compile_opts)) != -1) {
		if (c == 'O') {
			out = optarg;
			continue;
		}
		r = common_opt("compile", c);
		if (r >= 0)
			return r;
	}
	if (!out)
		return cli_usage("compile", "--output FILE is required");
	if (optind >= argc)
		return cli_usage("compile", "give at least one policy file or directory");
	rc_diags_init(&d);
	r = build(argv + optind, argc - optind, &d, NULL, &buf, &len);
	if (r < 0) {
		rc_diags_free(&d);
		return failure("compile", r);
	}
	if (d.n || json_out)
		cli_print_diags(&d, json_out, stderr);
	if (d.n_errors) {
		rc_diags_free(&d);
		free(buf);
		return CLI_INPUT;
	}
	rc_diags_free(&d);
	r = rc_write_file(out, buf, len);
	free(buf);
	if (r < 0)
		return failure(out, r);
	return CLI_OK;
}

/* ---- dump -------------------------------------------------------------------------- */

/* p[0..n) as lowercase hex into out (2n + 1 bytes). */
static char *hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
	return out;
}

/* A CIDR entry of the bundle as text ("10.0.0.0/8"). */
static char *cidr_str(const struct wb_cidr *c, char *buf, size_t size)
{
	struct rc_cidr cd = { .len = (uint8_t)(c->key.prefixlen - 64) };

	memcpy(cd.addr, c->key.addr, 16);
	cd.v4 = cd.len >= 96 && memcmp(cd.addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;
	rc_cidr_format(&cd, buf, size);
	return buf;
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
	char hx[2 * sizeof(h->sha256) + 1];

	printf("bundle: format %u, %zu bytes\n", h->format_version, b->len);
	printf("compiler: %s\n", h->compiler);
	printf("sha256: %s\n", hex(h->sha256, sizeof(h->sha256), hx));
	if (b->sig)
		printf("signature: ed25519, key id %s\n",
		       hex(b->sig->key_id, sizeof(b->sig->key_id), hx));
	else
		printf("signature: none\n");
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
		char buf[64];

		printf("  policy %u %s %s (prefixlen %u)\n", c->key.policy_id,
		       c->key.op == WARD_NET_CONNECT ? "connect" : "bind",
		       cidr_str(c, buf, sizeof(buf)), c->key.prefixlen);
		for (uint32_t k = 0; k < c->val.cand_count; k++)
			print_cand(b, &b->cands[c->val.cand_first + k], true, 0);
	}
}

/* ---- dump -o json: the same content as one object --------------------------------- */

/* Append item to arr, set o[key] = v: *oom when either (or the call) failed. */
static void add(json_t *arr, json_t *item, bool *oom)
{
	if (json_array_append_new(arr, item) < 0)
		*oom = true;
}

static void set(json_t *o, const char *key, json_t *v, bool *oom)
{
	if (json_object_set_new(o, key, v) < 0)
		*oom = true;
}

static json_t *cand_json(const struct ward_bundle *b, const struct ward_cand *c, bool net,
			 uint16_t domain, bool *oom)
{
	json_t *o = json_pack("{s:I, s:s}", "rule", (json_int_t)c->rule, "name",
			      ward_bundle_str(b, b->rules[c->rule].name_off));
	char acc[96];

	if (!o) {
		*oom = true;
		return NULL;
	}
	if (net) {
		json_t *protos = json_array(), *ports = json_null();

		if (c->mask & WARD_PROTO_TCP)
			add(protos, json_string("tcp"), oom);
		if (c->mask & WARD_PROTO_UDP)
			add(protos, json_string("udp"), oom);
		if (c->aux != WARD_NONE) {
			const struct wb_portset *ps = &b->portsets[c->aux];

			ports = json_array();
			for (uint32_t i = 0; ports && i < ps->range_count; i++) {
				const struct wb_port_range *r = &b->ranges[ps->range_first + i];

				add(ports, json_pack("[i, i]", r->lo, r->hi), oom);
			}
		}
		set(o, "protocols", protos, oom);
		set(o, "ports", ports, oom);
	} else {
		if (domain == WARD_DOM_FILE) {
			rc_access_format(c->mask, acc, sizeof(acc));
			set(o, "access", json_string(acc), oom);
		} else if (domain == WARD_DOM_SOURCE) {
			set(o, "source_set_bits", json_integer(c->mask), oom);
		}
		if (c->aux != WARD_NONE)
			set(o, "glob", json_string(b->globs[c->aux].pattern), oom);
	}
	if (c->src_set)
		set(o, "from_source_set", json_integer(c->src_set), oom);
	return o;
}

static json_t *policy_json(const struct ward_bundle *b, size_t i, bool *oom)
{
	const struct wb_policy *p = &b->policies[i];
	json_t *sels = json_array(), *defs = json_object(), *rules = json_array();
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s*, s:s*, s:b, s:o, s:o, s:o}", "id",
			      (json_int_t)(i + 1), "name", ward_bundle_str(b, p->name_off), "kind",
			      p->profile ? "profile" : "policy", "mode", rc_mode_name(p->k.mode),
			      "origin", ward_bundle_str(b, p->origin_off), "description",
			      p->desc_off ? ward_bundle_str(b, p->desc_off) : NULL, "provenance",
			      p->prov_off ? ward_bundle_str(b, p->prov_off) : NULL, "host", p->host,
			      "selectors", sels, "defaults", defs, "rules", rules);

	if (!o) {
		*oom = true;
		return NULL;
	}
	for (uint32_t s = p->sel_first; s < p->sel_first + p->sel_count; s++) {
		const struct wb_selector *sel = &b->sels[s];

		if (sel->type == WB_SEL_LABEL)
			add(sels,
			    json_pack("{s:s, s:s, s:s}", "type", "label", "key",
				      ward_bundle_str(b, sel->key_off), "value",
				      ward_bundle_str(b, sel->val_off)),
			    oom);
		else
			add(sels,
			    json_pack("{s:s, s:s}", "type",
				      sel->type == WB_SEL_CONTAINER ? "container" : "image",
				      "value", ward_bundle_str(b, sel->key_off)),
			    oom);
	}
	for (int c = 0; c < WARD_CLS_MAX; c++)
		set(defs, rc_class_name((uint8_t)c),
		    p->k.defaults[c] ? json_string(rc_action_name(p->k.defaults[c])) : json_null(),
		    oom);
	for (uint32_t r = p->rule_first; r < p->rule_first + p->rule_count; r++) {
		const struct wb_rule *ru = &b->rules[r];
		json_t *tags = json_array();

		for (uint32_t t = 0; tags && t < ru->tag_count; t++)
			add(tags, json_string(ward_bundle_str(b, b->tags[ru->tag_first + t])), oom);
		add(rules,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s*}", "id", (json_int_t)r,
			      "name", ward_bundle_str(b, ru->name_off), "class",
			      rc_class_name(ru->k.cls), "action", rc_action_name(ru->k.action),
			      "mode", rc_mode_name(ru->k.mode), "severity",
			      rc_severity_name(ru->k.severity), "origin",
			      ward_bundle_str(b, ru->origin_off), "tags", tags, "message",
			      ru->msg_off ? ward_bundle_str(b, ru->msg_off) : NULL),
		    oom);
	}
	return o;
}

static json_t *dump_json(const struct ward_bundle *b)
{
	const struct wb_header *h = b->hdr;
	char hx[2 * sizeof(h->sha256) + 1], kid[2 * sizeof(h->sha256) + 1], buf[64];
	json_t *pols = json_array(), *objs = json_array(), *cidrs = json_array();
	bool oom = false;
	json_t *o = json_pack("{s:i, s:I, s:s, s:s, s:s*, s:o, s:o, s:o}", "format",
			      (int)h->format_version, "bytes", (json_int_t)b->len, "compiler",
			      h->compiler, "sha256", hex(h->sha256, sizeof(h->sha256), hx),
			      "signature_key_id",
			      b->sig ? hex(b->sig->key_id, sizeof(b->sig->key_id), kid) : NULL,
			      "policies", pols, "objects", objs, "cidrs", cidrs);

	if (!o)
		return NULL;
	for (size_t i = 0; i < b->n_policies; i++)
		add(pols, policy_json(b, i, &oom), &oom);
	for (size_t i = 0; i < b->n_objects; i++) {
		const struct wb_object *ob = &b->objects[i];
		json_t *cands = json_array();

		for (uint32_t c = 0; cands && c < ob->val.cand_count; c++)
			add(cands,
			    cand_json(b, &b->cands[ob->val.cand_first + c], false, ob->key.domain,
				      &oom),
			    &oom);
		snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)ob->key.hash);
		add(objs,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "policy",
			      (json_int_t)ob->key.policy_id, "domain",
			      rc_domain_name(ob->key.domain), "kind", rc_kind_name(ob->key.kind),
			      "key", ward_bundle_str(b, ob->str_off), "hash", buf, "candidates",
			      cands),
		    &oom);
	}
	for (size_t i = 0; i < b->n_cidrs; i++) {
		const struct wb_cidr *c = &b->cidrs[i];
		json_t *cands = json_array();

		for (uint32_t k = 0; cands && k < c->val.cand_count; k++)
			add(cands, cand_json(b, &b->cands[c->val.cand_first + k], true, 0, &oom),
			    &oom);
		add(cidrs,
		    json_pack("{s:I, s:s, s:s, s:i, s:o}", "policy", (json_int_t)c->key.policy_id,
			      "op", c->key.op == WARD_NET_CONNECT ? "connect" : "bind", "cidr",
			      cidr_str(c, buf, sizeof(buf)), "prefixlen", (int)c->key.prefixlen,
			      "candidates", cands),
		    &oom);
	}
	if (oom) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Read the bundle file at path (at most its size with a signature): 0, or
 * the exit status after saying why. */
static int read_bundle(const char *path, uint8_t **ret_buf, size_t *ret_len)
{
	int r = rc_read_file(path, WB_MAX_SIZE + sizeof(struct wb_sig_trailer), ret_buf, ret_len);

	if (r == -EFBIG)
		cli_error("%s: bundle is larger than 256 MiB", path);
	else if (r < 0)
		cli_error("%s: %s", path, strerror(-r));
	return !r ? CLI_OK : r == -ENOMEM ? CLI_FAILURE : CLI_INPUT;
}

static int open_bundle(const char *path, struct ward_bundle **ret)
{
	const char *why = NULL;
	uint8_t *buf;
	size_t len;
	int r;

	r = read_bundle(path, &buf, &len);
	if (r)
		return r;
	r = ward_bundle_open(buf, len, ret, &why);
	free(buf);
	if (r == -ENOMEM)
		return failure(path, r);
	if (r < 0) {
		cli_error("%s: invalid bundle: %s", path, why);
		return CLI_INPUT;
	}
	return 0;
}

static const struct cli_opts dump_opts = {
	COMMON_SHORT,
	(const struct option[]){
		COMMON_OPTS,
		{},
	},
	(const struct cli_arg[]){ COMMON_ARGS },
	&cli_files,
};

static void help_dump(void)
{
	printf("Usage: rulesc dump [-o text|json] FILE\n"
	       "Validate a bundle and print its header, policies, rules and map images.\n");
}

static int cmd_dump(int argc, char **argv)
{
	struct ward_bundle *b;
	int c, r;

	while ((c = cli_getopts("dump", argc, argv, &dump_opts)) != -1) {
		r = common_opt("dump", c);
		if (r >= 0)
			return r;
	}
	if (argc - optind != 1)
		return cli_usage("dump", "give exactly one bundle file");
	r = open_bundle(argv[optind], &b);
	if (r)
		return r;
	if (!json_out)
		dump_bundle(b);
	else if (print_json(dump_json(b)) < 0)
		r = failure("dump", -ENOMEM);
	ward_bundle_free(b);
	return r;
}

/* ---- sign, verify ------------------------------------------------------------------ */

static const struct cli_opts sign_opts = {
	COMMON_SHORT,
	(const struct option[]){
		{ "key", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'O' },
		COMMON_OPTS,
		{},
	},
	(const struct cli_arg[]){ { "key", &cli_files }, { "output", &cli_files }, COMMON_ARGS },
	&cli_files,
};

static const struct cli_opts verify_opts = {
	COMMON_SHORT,
	(const struct option[]){
		{ "pub", required_argument, NULL, 'p' },
		COMMON_OPTS,
		{},
	},
	(const struct cli_arg[]){ { "pub", &cli_files }, COMMON_ARGS },
	&cli_files,
};

static void help_sign(void)
{
	printf("Usage: rulesc sign --key KEY.pem [--output OUT] [-o text|json] BUNDLE\n"
	       "Sign a bundle with an Ed25519 private key (PEM, e.g. from\n"
	       "'openssl genpkey -algorithm ed25519'). Writes OUT, or replaces BUNDLE.\n"
	       "-o json prints {\"file\", \"signature\", \"key_id\"} of what it wrote.\n");
}

static void help_verify(void)
{
	printf("Usage: rulesc verify --pub PUB.pem [-o text|json] BUNDLE\n"
	       "Check a bundle's structure, content hash and Ed25519 signature.\n"
	       "Exit 0 when valid and signed by PUB.pem, 3 otherwise.\n");
}

/* -o json of sign and verify: {"file", "signature", "key_id"} of the bundle in buf. */
static int print_signed(const char *file, const uint8_t *buf, size_t len)
{
	struct ward_bundle *b;
	char kid[2 * sizeof(b->sig->key_id) + 1];
	const char *why;
	int r;

	r = ward_bundle_open(buf, len, &b, &why);
	if (r < 0)
		return failure(file, r);
	r = print_json(json_pack("{s:s, s:s, s:s}", "file", file, "signature", "ed25519", "key_id",
				 hex(b->sig->key_id, sizeof(b->sig->key_id), kid)));
	ward_bundle_free(b);
	return r < 0 ? failure(file, r) : CLI_OK;
}

static int cmd_sign_verify(int argc, char **argv, bool sign)
{
	const char *key = NULL, *out = NULL, *why = "unknown error",
		   *name = sign ? "sign" : "verify";
	uint8_t *buf, *signed_buf;
	size_t len, signed_len;
	int c, r;

	while ((c = cli_getopts(name, argc, argv, sign ? &sign_opts : &verify_opts)) != -1) {
		if (c == 'k' || c == 'p')
			key = optarg;
		else if (c == 'O')
			out = optarg;
		else if ((r = common_opt(name, c)) >= 0)
			return r;
	}
	if (!key)
		return cli_usage(name,
				 sign ? "--key KEY.pem is required" : "--pub PUB.pem is required");
	if (optind + 1 != argc)
		return cli_usage(name, "give exactly one bundle file");
	r = read_bundle(argv[optind], &buf, &len);
	if (r)
		return r;
	if (!sign) {
		r = ward_bundle_verify(buf, len, key, &why);
		if (r == -ENOMEM) {
			r = failure("verify", r);
		} else if (r < 0) {
			cli_error("%s: verification failed: %s", argv[optind], why);
			r = CLI_INPUT;
		} else if (json_out) {
			r = print_signed(argv[optind], buf, len);
		} else {
			printf("%s: signature OK\n", argv[optind]);
		}
		free(buf);
		return r;
	}
	r = ward_bundle_sign(buf, len, key, &signed_buf, &signed_len, &why);
	free(buf);
	if (r == -ENOMEM)
		return failure("sign", r);
	if (r < 0) {
		cli_error("%s: cannot sign: %s", argv[optind], why);
		return CLI_INPUT;
	}
	out = out ? out : argv[optind];
	r = rc_write_file(out, signed_buf, signed_len);
	if (r < 0)
		r = failure(out, r);
	else if (json_out)
		r = print_signed(out, signed_buf, signed_len);
	free(signed_buf);
	return r;
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
				return failure("load", r);
			if (d.n_errors) {
				cli_print_diags(&d, json_out, stderr);
				rc_diags_free(&d);
				rc_set_free(*ret_set);
				return CLI_INPUT;
			}
			rc_diags_free(&d);
		}
		return open_bundle(file, ret);
	}
	rc_diags_init(&d);
	r = build(paths, n, &d, ret_set, &buf, &len);
	if (r < 0) {
		rc_diags_free(&d);
		return failure("compile", r);
	}
	if (d.n_errors) {
		cli_print_diags(&d, json_out, stderr);
		rc_diags_free(&d);
		if (ret_set)
			rc_set_free(*ret_set);
		return CLI_INPUT;
	}
	rc_diags_free(&d);
	r = ward_bundle_open(buf, len, ret, &why);
	free(buf);
	if (r < 0) {
		if (ret_set)
			rc_set_free(*ret_set);
		return failure(why, r);
	}
	return 0;
}

/* Why m's rule matched: the table entry it was found by ("" when its policy's
 * default decided). */
static void match_why(const struct ward_bundle *b, const struct ward_match *m, char *buf,
		      size_t size)
{
	const struct ward_cand *c = &b->cands[m->cand];
	char cidr[64];
	size_t o;

	buf[0] = '\0';
	if (m->rule == WARD_NONE)
		return;
	if (m->cidr != WARD_NONE) {
		(void)snprintf(buf, size, "longest matching prefix %s in the CIDR trie",
			       cidr_str(&b->cidrs[m->cidr], cidr, sizeof(cidr)));
		return;
	}
	if (!m->kind)
		return;
	o = (size_t)snprintf(buf, size, "%s table, %s key \"%s\"", rc_domain_name(m->domain),
			     rc_kind_name(m->kind), ward_bundle_str(b, m->str_off));
	if (m->kind == WARD_KEY_GLOB && o < size)
		o += (size_t)snprintf(buf + o, size - o, " with basename glob \"%s\"",
				      b->globs[c->aux].pattern);
	if (c->src_set && o < size)
		(void)snprintf(buf + o, size - o, ", acting binary in fromSource set %u",
			       c->src_set);
}

static void print_match(const struct ward_bundle *b, const struct ward_match *m, bool decider)
{
	const struct wb_policy *p = &b->policies[m->policy_id - 1];
	char why[512];

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
	match_why(b, m, why, sizeof(why));
	if (why[0])
		printf("    why: %s\n", why);
	if (r->msg_off)
		printf("    message: %s\n", ward_bundle_str(b, r->msg_off));
}

/* print_match() as JSON: rule, severity, why and message are null where the
 * policy's default decided (or the policy does not govern the event). */
static json_t *match_json(const struct ward_bundle *b, const struct ward_match *m, bool decider)
{
	const struct wb_rule *r = m->rule != WARD_NONE ? &b->rules[m->rule] : NULL;
	bool governs = m->action != WARD_ACT_NONE;
	char why[512];

	match_why(b, m, why, sizeof(why));
	return json_pack("{s:s, s:b, s:b, s:s*, s:s*, s:s*, s:s*, s:s*, s:s*, s:s*, s:s*}",
			 "policy", ward_bundle_str(b, b->policies[m->policy_id - 1].name_off),
			 "decider", decider, "governs", governs, "rule",
			 r ? ward_bundle_str(b, r->name_off) : NULL, "origin",
			 r ? ward_bundle_str(b, r->origin_off) : NULL, "action",
			 governs ? rc_action_name(m->action) : NULL, "mode",
			 governs ? rc_mode_name(m->mode) : NULL, "severity",
			 r ? rc_severity_name(r->k.severity) : NULL, "effective",
			 governs ? rc_action_name(m->effective) : NULL, "why", why[0] ? why : NULL,
			 "message", r && r->msg_off ? ward_bundle_str(b, r->msg_off) : NULL);
}

static const struct cli_opts explain_opts = {
	COMMON_SHORT "b:c:i:l:Hp:",
	(const struct option[]){
		{ "bundle", required_argument, NULL, 'b' },
		{ "container", required_argument, NULL, 'c' },
		{ "image", required_argument, NULL, 'i' },
		{ "label", required_argument, NULL, 'l' },
		{ "host", no_argument, NULL, 'H' },
		{ "parent", required_argument, NULL, 'p' },
		COMMON_OPTS,
		{},
	},
	(const struct cli_arg[]){ { "bundle", &cli_files }, COMMON_ARGS },
	&cli_files,
};

static void help_explain(void)
{
	printf("Usage: rulesc explain (--bundle FILE | DIR|FILE...) (--container NAME [--image "
	       "IMAGE]\n"
	       "                      [--label KEY=VALUE]... | --host) [--parent EXE|NAME]\n"
	       "                      [-o text|json] EVENT\n"
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
			return cli_usage("explain",
					 v == 0 ? "exec takes an absolute PATH or a NAME"
						: "open takes an absolute PATH and an ACCESS");
		ev->op = v == 0 ? RC_EV_EXEC : RC_EV_OPEN;
		ev->path = a[1];
		if (v == 1 && rc_access_parse(a[2], &ev->access) < 0)
			return cli_usage("explain",
					 "ACCESS is read, write, create, unlink, rename, "
					 "chmod, chown, exec or truncate");
		if (ev->access == WARD_ACC_TRUNCATE) /* as the kernel sees one */
			ev->access |= WARD_ACC_WRITE;
		return 0;
	case 2:
	case 3:
		if (n < 2 || n > 3)
			return cli_usage("explain", "connect/bind take ADDR:PORT [tcp|udp]");
		if (a[1][0] == '/') {
			if (n != 2)
				return cli_usage("explain", "unix sockets have no protocol");
			ev->op = v == 2 ? RC_EV_UNIX_CONNECT : RC_EV_UNIX_BIND;
			ev->path = a[1];
			return 0;
		}
		ev->op = v == 2 ? RC_EV_CONNECT : RC_EV_BIND;
		if (rc_sockaddr_parse(a[1], ev->addr, &ev->port, &why) < 0)
			return cli_usage("explain", "%s", why);
		if (n == 3 && strcmp(a[2], "tcp") && strcmp(a[2], "udp"))
			return cli_usage("explain", "the protocol is tcp or udp");
		if (n == 3 && strcmp(a[2], "udp") == 0)
			ev->proto = WARD_PROTO_UDP;
		return 0;
	case 4:
		if (n != 2 || (strcmp(a[1], "raw") && strcmp(a[1], "packet")))
			return cli_usage("explain", "socket takes raw or packet");
		ev->op = RC_EV_SOCKET;
		ev->num = strcmp(a[1], "raw") == 0 ? WARD_SOCK_RAW : WARD_SOCK_PACKET;
		return 0;
	case 5:
	case 6:
		if (n != 2 || (v == 5 ? rc_cap_lookup(a[1], &ev->num)
				      : rc_syscall_lookup(a[1], &ev->num)) < 0)
			return cli_usage("explain", v == 5 ? "unknown capability name"
							   : "unknown syscall name");
		ev->op = v == 5 ? RC_EV_CAP : RC_EV_SYSCALL;
		return 0;
	case 7:
		if (n != 2 || a[1][0] != '/')
			return cli_usage("explain", "rename takes an absolute PATH");
		ev->op = RC_EV_RENAME;
		ev->path = a[1];
		return 0;
	default:
		return cli_usage("explain", "unknown event");
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

	while ((c = cli_getopts("explain", argc, argv, &explain_opts)) != -1) {
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
				return cli_usage("explain", "--label takes KEY=VALUE (at most 64)");
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
				return cli_usage("explain",
						 "--parent takes an absolute path or the "
						 "name the process runs as");
			parent = optarg;
			break;
		default:
			r = common_opt("explain", c);
			if (r >= 0)
				return r;
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
		return cli_usage("explain", "give an event, e.g. 'exec /bin/sh'");
	if (!ct.host && !ct.name)
		return cli_usage("explain", "give --container NAME or --host");
	if (ct.host && (ct.name || ct.image || ct.n_labels))
		return cli_usage("explain", "--host cannot be combined with container details");
	if (!bundle && first_verb == optind)
		return cli_usage("explain", "give --bundle FILE or policy files/directories");
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
		cli_error("explain: more than %d policies select this container",
			  WARD_MAX_POLICIES_PER_CGROUP);
		ward_bundle_free(b);
		return CLI_INPUT;
	}
	r = ward_eval(b, ids, (size_t)nsel, &ev, &dec);
	if (r < 0) {
		ward_bundle_free(b);
		return cli_usage("explain", "invalid event");
	}
	if (json_out) {
		json_t *pols = json_array();
		bool oom = !pols;

		for (size_t i = 0; i < dec.n; i++)
			add(pols, match_json(b, &dec.m[i], i == dec.decider), &oom);
		r = print_json(json_pack(
			"{s:s, s:s, s:i, s:b, s:o}", "decision", rc_action_name(dec.effective),
			"target", ct.host ? "host" : "container", "selected", nsel, "governed",
			dec.decider != WARD_NONE, "policies", oom ? NULL : pols));
		if (oom)
			json_decref(pols);
		r = r < 0 ? failure("explain", r) : CLI_OK;
	} else {
		printf("decision: %s\n", rc_action_name(dec.effective));
		if (nsel == 0)
			printf("  no policy selects this %s\n", ct.host ? "host" : "container");
		else if (dec.decider == WARD_NONE)
			printf("  no selected policy governs this kind of event\n");
		for (size_t i = 0; i < dec.n; i++)
			print_match(b, &dec.m[i], i == dec.decider);
	}
	ward_bundle_free(b);
	return r;
}

static const struct cli_opts test_opts = {
	COMMON_SHORT "b:",
	(const struct option[]){
		{ "bundle", required_argument, NULL, 'b' },
		COMMON_OPTS,
		{},
	},
	(const struct cli_arg[]){ { "bundle", &cli_files }, COMMON_ARGS },
	&cli_files,
};

static void help_test(void)
{
	printf("Usage: rulesc test [--bundle FILE] [-o text|json] DIR|FILE...\n"
	       "Run the kind: PolicyTest documents found in the inputs against the policies\n"
	       "compiled from the same inputs (or against --bundle FILE). Exit 1 if a case\n"
	       "fails, 3 if the inputs hold no case (or do not compile).\n");
}

static int cmd_test(int argc, char **argv)
{
	const char *bundle = NULL;
	struct rc_case_result *res;
	struct ward_bundle *b;
	struct rc_set *s = NULL;
	size_t n = 0;
	int c, r, failed;

	while ((c = cli_getopts("test", argc, argv, &test_opts)) != -1) {
		if (c == 'b') {
			bundle = optarg;
			continue;
		}
		r = common_opt("test", c);
		if (r >= 0)
			return r;
	}
	if (optind >= argc)
		return cli_usage("test", "give the files or directories with the tests");
	r = get_bundle(bundle, argv + optind, argc - optind, &s, &b);
	if (r)
		return r;
	failed = rc_run_tests(s, b, &res, &n);
	if (failed < 0) {
		ward_bundle_free(b);
		rc_set_free(s);
		return failure("test", failed);
	}
	if (json_out) {
		json_t *cases = json_array();
		bool oom = !cases;

		for (size_t i = 0; i < n; i++)
			add(cases,
			    json_pack("{s:s, s:b, s:s, s:i, s:s*}", "name", res[i].tc->name, "pass",
				      res[i].pass, "file", res[i].tc->loc.file, "line",
				      (int)res[i].tc->loc.line, "why",
				      res[i].pass ? NULL : res[i].why),
			    &oom);
		r = print_json(json_pack("{s:o, s:I, s:i}", "cases", oom ? NULL : cases, "passed",
					 (json_int_t)(n - (size_t)failed), "failed", failed));
		if (oom)
			json_decref(cases);
	} else {
		for (size_t i = 0; i < n; i++) {
			const struct rc_case *tc = res[i].tc;

			if (res[i].pass)
				printf("PASS %s\n", tc->name);
			else
				printf("FAIL %s (%s:%u): %s\n", tc->name, tc->loc.file,
				       tc->loc.line, res[i].why);
		}
		printf("%zu passed, %d failed\n", n - (size_t)failed, failed);
	}
	free(res);
	ward_bundle_free(b);
	rc_set_free(s);
	if (r < 0)
		return failure("test", r);
	if (n == 0) {
		cli_error("test: no kind: PolicyTest cases found");
		return CLI_INPUT;
	}
	return failed ? CLI_FAILURE : CLI_OK;
}

/* ---- version, help, dispatch --------------------------------------------------------- */

static const struct cli_opts common_opts = {
	COMMON_SHORT,
	(const struct option[]){
		COMMON_OPTS,
		{},
	},
	(const struct cli_arg[]){ COMMON_ARGS },
	NULL,
};

static void help_version(void)
{
	printf("Usage: rulesc version [-o text|json]\n"
	       "Print the compiler version and bundle format version.\n");
}

static int cmd_version(int argc, char **argv)
{
	int c, r;

	while ((c = cli_getopts("version", argc, argv, &common_opts)) != -1) {
		r = common_opt("version", c);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage("version", "unexpected argument '%s'", argv[optind]);
	if (!json_out) {
		printf("rulesc %s (bundle format %d, apiVersion ward.dev/v1)\n", WARD_VERSION,
		       WB_FORMAT_VERSION);
		return CLI_OK;
	}
	r = print_json(json_pack("{s:s, s:i, s:s}", "version", WARD_VERSION, "bundle_format",
				 WB_FORMAT_VERSION, "api_version", "ward.dev/v1"));
	return r < 0 ? failure("version", r) : CLI_OK;
}

static int cmd_help(int argc, char **argv);
static int cmd_completion(int argc, char **argv);
static const char *cmd_word(size_t i);

static void help_help(void)
{
	printf("Usage: rulesc help [COMMAND]\nList the commands, or show one command's help.\n");
}

static const struct cli_opts help_opts = {
	":h",
	(const struct option[]){ { "help", no_argument, NULL, 'h' }, {} },
	NULL,
	&(const struct cli_values){ .word = cmd_word },
};

static const struct cli_cmd cmds[] = {
	{ "check", cmd_check, help_check, "check policies and report diagnostics", &check_opts,
	  NULL },
	{ "compile", cmd_compile, help_compile, "compile policies into a bundle", &compile_opts,
	  NULL },
	{ "dump", cmd_dump, help_dump, "print a bundle readably", &dump_opts, NULL },
	{ "sign", cmd_sign, help_sign, "sign a bundle (Ed25519)", &sign_opts, NULL },
	{ "verify", cmd_verify, help_verify, "verify a bundle's signature", &verify_opts, NULL },
	{ "explain", cmd_explain, help_explain, "show which rule decides an event", &explain_opts,
	  NULL },
	{ "test", cmd_test, help_test, "run PolicyTest cases", &test_opts, NULL },
	{ "completion", cmd_completion, cli_completion_help,
	  "print the shell completion script (bash or zsh)", &cli_completion_opts, NULL },
	{ "version", cmd_version, help_version, "print the version", &common_opts, NULL },
	{ "help", cmd_help, help_help, "show help for a command", &help_opts, NULL },
	{},
};

/* The program itself: its options (before the command) and commands. */
static const struct cli_cmd root = {
	"rulesc",
	NULL,
	NULL,
	NULL,
	&(const struct cli_opts){
		"+:jhV",
		(const struct option[]){
			{ "json", no_argument, NULL, 'j' },
			{ "help", no_argument, NULL, 'h' },
			{ "version", no_argument, NULL, 'V' },
			{},
		},
		NULL,
		NULL,
	},
	cmds,
};

static const char *cmd_word(size_t i)
{
	return i < sizeof(cmds) / sizeof(cmds[0]) ? cmds[i].name : NULL;
}

static const struct cli_cmd *find_cmd(const char *name)
{
	return cli_find_cmd(cmds, name);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: rulesc [--json] COMMAND [ARGS]\n\nCommands:\n");
	cli_list_cmds(f, cmds);
	fprintf(f, "\n'rulesc COMMAND --help' describes a command; every command but help and\n"
		   "completion takes -o text|json (--json: json for all). Exit status: 0 success,\n"
		   "1 runtime failure (or a failed test case), 2 usage error, 3 bad input (policy\n"
		   "errors, an invalid or badly signed bundle); docs/cli.md.\n");
}

static int cmd_help(int argc, char **argv)
{
	return cli_help_cmd(cmds, usage, argc, argv);
}

static int cmd_completion(int argc, char **argv)
{
	return cli_completion_cmd(&root, argc, argv);
}

int main(int argc, char **argv)
{
	const struct cli_cmd *c;
	int o;

	cli_prog = "rulesc";
	optind = 0;
	while ((o = cli_getopts(NULL, argc, argv, root.opts)) != -1) {
		switch (o) {
		case 'j':
			json_out = cli_json_errors = true;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		case 'V':
			optind = 0;
			return cmd_version(1, argv);
		default:
			return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	c = find_cmd(argv[optind]);
	if (!c)
		return cli_usage(NULL, "unknown command '%s'", argv[optind]);
	argv += optind;
	argc -= optind;
	optind = 0;
	return c->fn(argc, argv);
}
