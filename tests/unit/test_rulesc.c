// SPDX-License-Identifier: Apache-2.0
/* Unit tests for librulesc's pure pieces and the compile -> read -> eval loop. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "bundle.h"
#include "match.h"
#include "model.h"
#include "rulesc.h"

static void test_hash(void **state)
{
	(void)state;
	/* FNV-1a 64 reference vectors */
	assert_true(ward_hash("", 0) == 0xcbf29ce484222325ull);
	assert_true(ward_hash("a", 1) == 0xaf63dc4c8601ec8cull);
	assert_true(ward_hash("foobar", 6) == 0x85944171f73967e8ull);
	/* incremental == whole: what the kernel's path walk relies on */
	uint64_t h = WARD_FNV_OFFSET;
	const char *p = "/etc/ssh/sshd_config";

	for (size_t i = 0; i < strlen(p); i++) {
		h = ward_fnv_step(h, (unsigned char)p[i]);
		if (p[i] == '/')
			assert_true(h == ward_hash(p, i + 1));
	}
	assert_true(h == ward_hash(p, strlen(p)));
}

static bool gm(const char *pat, const char *s)
{
	return ward_glob_match(pat, s, strlen(s));
}

static void test_glob(void **state)
{
	const char *why;

	(void)state;
	assert_true(gm("*", ""));
	assert_true(gm("*", "abc"));
	assert_true(gm("py*", "python3"));
	assert_false(gm("py*", "ruby"));
	assert_true(gm("ssh_host_*_key", "ssh_host_rsa_key"));
	assert_false(gm("ssh_host_*_key", "ssh_host_rsa_key.pub"));
	assert_true(gm("a?c", "abc"));
	assert_false(gm("a?c", "ac"));
	assert_true(gm("[abc]x", "bx"));
	assert_false(gm("[!abc]x", "bx"));
	assert_true(gm("[a-c]*", "cat"));
	assert_false(gm("[a-c]*", "dog"));
	assert_true(gm("\\*", "*"));
	assert_false(gm("\\*", "a"));
	assert_true(gm("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaab"));
	assert_false(gm("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_false(gm("*", "a/b")); /* never crosses '/' */
	assert_true(rc_has_glob("x*"));
	assert_false(rc_has_glob("x\\*"));
	assert_int_equal(rc_glob_check("py[thon", &why), -EINVAL);
	assert_int_equal(rc_glob_check("ok[a-z]*", &why), 0);
	assert_int_equal(rc_glob_check("a/b*", &why), -EINVAL);
}

static void test_path_normalize(void **state)
{
	const char *why;
	char *out, big[WARD_PATH_MAX + 8];

	(void)state;
	assert_int_equal(rc_path_normalize("//usr///bin/ls", false, &out, &why), 0);
	assert_string_equal(out, "/usr/bin/ls");
	free(out);
	assert_int_equal(rc_path_normalize("/etc", true, &out, &why), 0);
	assert_string_equal(out, "/etc/");
	free(out);
	assert_int_equal(rc_path_normalize("/", true, &out, &why), 0);
	assert_string_equal(out, "/");
	free(out);
	assert_int_equal(rc_path_normalize("etc/passwd", false, &out, &why), -EINVAL);
	assert_int_equal(rc_path_normalize("/a/../b", false, &out, &why), -EINVAL);
	assert_int_equal(rc_path_normalize("/a/./b", false, &out, &why), -EINVAL);
	assert_int_equal(rc_path_normalize("/etc/", false, &out, &why), -EINVAL);
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(rc_path_normalize(big, false, &out, &why), -ENAMETOOLONG);
}

/* Image references and selector globs in their one spelling (docs/rules.md). */
static void test_image_normalize(void **state)
{
	static const struct {
		const char *in, *out;
		int ret;
	} cases[] = {
		{ "nginx", "docker.io/library/nginx:latest", 0 },
		{ "nginx:1.25", "docker.io/library/nginx:1.25", 0 },
		{ "library/nginx:1.25", "docker.io/library/nginx:1.25", 0 },
		{ "docker.io/nginx:1.25", "docker.io/library/nginx:1.25", 0 },
		{ "docker.io/library/nginx:1.25", "docker.io/library/nginx:1.25", 0 },
		{ "index.docker.io/library/nginx", "docker.io/library/nginx:latest", 0 },
		{ "index.docker.io/bitnami/redis:7", "docker.io/bitnami/redis:7", 0 },
		{ "bitnami/redis", "docker.io/bitnami/redis:latest", 0 },
		{ "quay.io/prometheus/node-exporter", "quay.io/prometheus/node-exporter:latest",
		  0 },
		{ "registry.example.com:5000/shop/api", "registry.example.com:5000/shop/api:latest",
		  0 },
		{ "localhost/app:dev", "localhost/app:dev", 0 },
		{ "localhost:5000/app", "localhost:5000/app:latest", 0 },
		/* digests are kept; a digest stands in for the tag */
		{ "nginx@sha256:0123abcd", "docker.io/library/nginx@sha256:0123abcd", 0 },
		{ "nginx:1.25@sha256:0123abcd", "docker.io/library/nginx:1.25@sha256:0123abcd", 0 },
		/* image ids name no repository */
		{ "sha256:21da1c3db6725e39f188dcd2dd08dfc219d3c51bb97078ffd012e745b5909c38",
		  "sha256:21da1c3db6725e39f188dcd2dd08dfc219d3c51bb97078ffd012e745b5909c38", 0 },
		{ "21da1c3db6725e39f188dcd2dd08dfc219d3c51bb97078ffd012e745b5909c38",
		  "21da1c3db6725e39f188dcd2dd08dfc219d3c51bb97078ffd012e745b5909c38", 0 },
		/* globs */
		{ "nginx:*", "docker.io/library/nginx:*", 0 },
		{ "ngin?", "docker.io/library/ngin?:latest", 0 },
		{ "redis*", "docker.io/library/redis*", 0 },
		{ "*", "*", 0 },
		{ "*/nginx:*", "*/nginx:*", 0 },
		{ "*nginx", "*nginx:latest", 0 },
		{ "docker.io/*", "docker.io/*", 0 },
		{ "docker.io/*/redis:7", "docker.io/*/redis:7", 0 },
		{ "*.example.com/shop/*", "*.example.com/shop/*", 0 },
		{ "registry.example.com/*", "registry.example.com/*", 0 },
		{ "shop/*", "docker.io/shop/*", 0 },
		/* registry or Docker Hub namespace? undecided: as written */
		{ "shop*/api:2", "shop*/api:2", RC_IMAGE_AS_WRITTEN },
		{ "[a-z]*/api", "[a-z]*/api", RC_IMAGE_AS_WRITTEN },
		{ "", "", 0 },
	};
	char buf[128], tiny[8];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(rc_image_normalize(cases[i].in, buf, sizeof(buf)), cases[i].ret);
		assert_string_equal(buf, cases[i].out);
		/* the normal form is a fixed point */
		assert_int_equal(rc_image_normalize(cases[i].out, buf, sizeof(buf)), cases[i].ret);
		assert_string_equal(buf, cases[i].out);
		/* RC_IMAGE_GROWTH is enough */
		assert_true(strlen(cases[i].out) <= strlen(cases[i].in) + RC_IMAGE_GROWTH);
	}
	assert_int_equal(rc_image_normalize("nginx", tiny, sizeof(tiny)), -ENAMETOOLONG);
	assert_string_equal(tiny, "");
	assert_int_equal(rc_image_normalize("nginx", tiny, 0), -ENAMETOOLONG);
}

static void test_cidr(void **state)
{
	struct rc_cidr c;
	const char *why;
	char buf[64];
	uint8_t addr[16];
	uint16_t port;

	(void)state;
	assert_int_equal(rc_cidr_parse("10.0.0.0/8", &c, &why), 0);
	assert_true(c.v4);
	assert_int_equal(c.len, 96 + 8);
	assert_int_equal(c.addr[10], 0xff);
	assert_int_equal(c.addr[12], 10);
	rc_cidr_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0/8");
	assert_int_equal(rc_cidr_parse("169.254.169.254", &c, &why), 0);
	assert_int_equal(c.len, 128);
	assert_int_equal(rc_cidr_parse("2001:db8::/32", &c, &why), 0);
	assert_false(c.v4);
	assert_int_equal(c.len, 32);
	assert_int_equal(rc_cidr_parse("10.0.0.1/8", &c, &why), -EINVAL);
	assert_int_equal(rc_cidr_parse("10.0.0.0/33", &c, &why), -EINVAL);
	assert_int_equal(rc_cidr_parse("10.0.0.0/", &c, &why), -EINVAL);
	assert_int_equal(rc_cidr_parse("10.0.0.0/-1", &c, &why), -EINVAL);
	assert_int_equal(rc_cidr_parse("::/129", &c, &why), -EINVAL);
	assert_int_equal(rc_cidr_parse("host.example", &c, &why), -EINVAL);
	/* an IPv4 rule covers the IPv4-mapped IPv6 form of its addresses */
	assert_int_equal(rc_cidr_parse("10.0.0.0/8", &c, &why), 0);
	assert_int_equal(rc_sockaddr_parse("[::ffff:10.9.8.7]:22", addr, &port, &why), 0);
	assert_int_equal(port, 22);
	assert_true(rc_cidr_contains(&c, addr, 128));
	assert_int_equal(rc_sockaddr_parse("11.0.0.1:22", addr, &port, &why), 0);
	assert_false(rc_cidr_contains(&c, addr, 128));
	assert_int_equal(rc_sockaddr_parse("1.2.3.4", addr, &port, &why), -EINVAL);
	assert_int_equal(rc_sockaddr_parse("::1:80", addr, &port, &why), -EINVAL);
	assert_int_equal(rc_sockaddr_parse("1.2.3.4:0", addr, &port, &why), -EINVAL);
}

static void test_ports(void **state)
{
	struct rc_port_range r[2];
	struct ward_portset *ps = malloc(sizeof(*ps));
	const char *why;

	(void)state;
	assert_non_null(ps);
	assert_int_equal(rc_port_range_parse("80", &r[0], &why), 0);
	assert_int_equal(r[0].lo, 80);
	assert_int_equal(r[0].hi, 80);
	assert_int_equal(rc_port_range_parse("8000-8100", &r[1], &why), 0);
	assert_int_equal(r[1].lo, 8000);
	assert_int_equal(r[1].hi, 8100);
	assert_int_equal(rc_port_range_parse("0", &r[0], &why), -EINVAL);
	assert_int_equal(rc_port_range_parse("65536", &r[0], &why), -EINVAL);
	assert_int_equal(rc_port_range_parse("9-8", &r[0], &why), -EINVAL);
	assert_int_equal(rc_port_range_parse("80-", &r[0], &why), -EINVAL);
	assert_int_equal(rc_port_range_parse("1-65535", &r[0], &why), 0);
	r[0] = (struct rc_port_range){ 80, 80 };
	ward_portset_fill(ps, r, 2);
	assert_true(ward_portset_has(ps, 80));
	assert_false(ward_portset_has(ps, 81));
	assert_true(ward_portset_has(ps, 8000));
	assert_true(ward_portset_has(ps, 8100));
	assert_false(ward_portset_has(ps, 8101));
	r[0] = (struct rc_port_range){ 1, 65535 };
	ward_portset_fill(ps, r, 1);
	assert_true(ward_portset_has(ps, 65535));
	assert_false(ward_portset_has(ps, 0));
	free(ps);
}

static const char policy_yaml[] =
	"apiVersion: ward.dev/v1\n"
	"kind: Policy\n"
	"metadata: {name: p}\n"
	"spec:\n"
	"  selector: {containers: [\"web-*\"], labels: {app: web}}\n"
	"  mode: enforce\n"
	"  defaults: {exec: allow, file: allow, network: allow}\n"
	"  rules:\n"
	"    - {name: allow-tmp-tool, exec: {paths: [/tmp/tool]}, action: allow}\n"
	"    - {name: tmp, exec: {dirs: [/tmp/]}, action: block}\n"
	"    - {name: sh, exec: {paths: [/bin/sh], fromSource: [/usr/sbin/]}, action: block}\n"
	"    - {name: py, exec: {paths: [\"/usr/bin/py*\"]}, action: alert, mode: audit}\n"
	"    - {name: etc, file: {dirs: [/etc/], recursive: false, access: [write]}, action: "
	"block}\n"
	"    - {name: meta, network: {connect: {cidrs: [169.254.0.0/16], ports: [80, 8000-8100]}},"
	" action: block}\n"
	"    - {name: meta-any, network: {connect: {cidrs: [169.254.169.254/32]}}, action: "
	"alert}\n";

static struct ward_bundle *compile(const char *yaml, uint8_t **ret_buf, size_t *ret_len)
{
	struct rc_diags d;
	struct rc_set *s;
	struct ward_bundle *b;
	const char *why;
	uint8_t *buf;
	size_t len;

	rc_diags_init(&d);
	assert_int_equal(rc_set_load_buffer("t.yaml", yaml, strlen(yaml), &d, &s), 0);
	assert_int_equal(d.n_errors, 0);
	assert_int_equal(rc_compile(s, &d, &buf, &len), 0);
	assert_int_equal(ward_bundle_open(buf, len, &b, &why), 0);
	rc_set_free(s);
	rc_diags_free(&d);
	if (ret_buf) {
		*ret_buf = buf;
		*ret_len = len;
	} else {
		free(buf);
	}
	return b;
}

static const char *decide(struct ward_bundle *b, const struct rc_container *c,
			  const struct rc_event *ev, uint8_t *ret_eff)
{
	uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP];
	struct ward_decision d;
	int n = ward_bundle_select(b, c, ids);

	assert_true(n >= 0);
	assert_int_equal(ward_eval(b, ids, (size_t)n, ev, &d), 0);
	*ret_eff = d.effective;
	if (d.decider == WARD_NONE || d.m[d.decider].rule == WARD_NONE)
		return "default";
	return ward_bundle_str(b, b->rules[d.m[d.decider].rule].name_off);
}

static void test_eval(void **state)
{
	const char *keys[] = { "app" }, *vals[] = { "web" }, *other[] = { "db" };
	struct rc_container web = {
		.name = "web-1", .label_keys = keys, .label_values = vals, .n_labels = 1
	};
	struct rc_container db = {
		.name = "web-2", .label_keys = keys, .label_values = other, .n_labels = 1
	};
	struct ward_bundle *b = compile(policy_yaml, NULL, NULL);
	struct rc_event ev = { .op = RC_EV_EXEC, .path = "/tmp/tool" };
	const char *why;
	uint8_t eff;

	(void)state;
	/* first match in source order: the allow exception precedes the dir block */
	assert_string_equal(decide(b, &web, &ev, &eff), "allow-tmp-tool");
	assert_int_equal(eff, WARD_ACT_ALLOW);
	ev.path = "/tmp/a/b/c";
	assert_string_equal(decide(b, &web, &ev, &eff), "tmp");
	assert_int_equal(eff, WARD_ACT_BLOCK);
	/* selector: the label must match too */
	assert_string_equal(decide(b, &db, &ev, &eff), "default");
	assert_int_equal(eff, WARD_ACT_ALLOW);
	/* fromSource: a recursive dir of acting binaries */
	ev.path = "/bin/sh";
	ev.parent = "/usr/sbin/nginx";
	assert_string_equal(decide(b, &web, &ev, &eff), "sh");
	ev.parent = "/usr/bin/bash";
	assert_string_equal(decide(b, &web, &ev, &eff), "default");
	ev.parent = NULL;
	assert_string_equal(decide(b, &web, &ev, &eff), "default");
	/* glob in the last component; audit mode turns nothing into a block */
	ev.path = "/usr/bin/python3.11";
	assert_string_equal(decide(b, &web, &ev, &eff), "py");
	assert_int_equal(eff, WARD_ACT_ALERT);
	ev.path = "/usr/bin/ruby";
	assert_string_equal(decide(b, &web, &ev, &eff), "default");
	/* non-recursive dir: direct children only; access kind must match */
	ev = (struct rc_event){ .op = RC_EV_OPEN, .path = "/etc/passwd", .access = WARD_ACC_WRITE };
	assert_string_equal(decide(b, &web, &ev, &eff), "etc");
	ev.path = "/etc/ssh/sshd_config";
	assert_string_equal(decide(b, &web, &ev, &eff), "default");
	ev.path = "/etc/passwd";
	ev.access = WARD_ACC_READ;
	assert_string_equal(decide(b, &web, &ev, &eff), "default");
	/* CIDR: longest prefix carries the covering prefix's candidates */
	ev = (struct rc_event){ .op = RC_EV_CONNECT, .proto = WARD_PROTO_TCP, .port = 80 };
	assert_int_equal(rc_sockaddr_parse("169.254.169.254:80", ev.addr, &ev.port, &why), 0);
	assert_string_equal(decide(b, &web, &ev, &eff), "meta");
	ev.port = 8050;
	assert_string_equal(decide(b, &web, &ev, &eff), "meta");
	ev.port = 443;
	assert_string_equal(decide(b, &web, &ev, &eff), "meta-any");
	assert_int_equal(rc_sockaddr_parse("[::ffff:169.254.1.1]:80", ev.addr, &ev.port, &why), 0);
	assert_string_equal(decide(b, &web, &ev, &eff), "meta");
	assert_int_equal(rc_sockaddr_parse("169.253.1.1:80", ev.addr, &ev.port, &why), 0);
	assert_string_equal(decide(b, &web, &ev, &eff), "default");
	/* malformed events */
	struct ward_decision d;
	uint32_t id = 1;

	ev = (struct rc_event){ .op = RC_EV_EXEC, .path = "relative" };
	assert_int_equal(ward_eval(b, &id, 1, &ev, &d), -EINVAL);
	id = 7;
	ev.path = "/x";
	assert_int_equal(ward_eval(b, &id, 1, &ev, &d), -EINVAL);
	ward_bundle_free(b);
}

static void test_roundtrip_deterministic(void **state)
{
	uint8_t *a, *b2;
	size_t la, lb;
	struct ward_bundle *x = compile(policy_yaml, &a, &la);
	struct ward_bundle *y = compile(policy_yaml, &b2, &lb);

	(void)state;
	assert_int_equal(la, lb);
	assert_memory_equal(a, b2, la);
	assert_int_equal(x->n_policies, 1);
	assert_int_equal(x->n_rules, 7);
	assert_string_equal(ward_bundle_str(x, x->policies[0].name_off), "p");
	ward_bundle_free(x);
	ward_bundle_free(y);
	free(a);
	free(b2);
}

/* Every corruption is refused with a reason, never crashes. */
static void test_reader_rejects(void **state)
{
	struct ward_bundle *b = NULL;
	uint8_t *buf, *bad;
	size_t len;
	const char *why;
	struct ward_bundle *ok = compile(policy_yaml, &buf, &len);

	(void)state;
	ward_bundle_free(ok);
	bad = malloc(len + 200);
	assert_non_null(bad);
	/* every truncation */
	for (size_t n = 0; n < len; n++) {
		why = NULL;
		assert_int_equal(ward_bundle_open(buf, n, &b, &why), -EINVAL);
		assert_non_null(why);
	}
	/* every single-byte flip: either refused or (for ignored padding) still valid */
	for (size_t i = 0; i < len; i++) {
		memcpy(bad, buf, len);
		bad[i] ^= 0x5a;
		if (ward_bundle_open(bad, len, &b, &why) == 0)
			ward_bundle_free(b);
		else
			assert_non_null(why);
	}
	/* content flip is caught by the hash */
	memcpy(bad, buf, len);
	bad[len - 1] ^= 1;
	assert_int_equal(ward_bundle_open(bad, len, &b, &why), -EINVAL);
	assert_non_null(strstr(why, "SHA-256"));
	/* trailing garbage that is not a signature trailer */
	memcpy(bad, buf, len);
	memset(bad + len, 'x', 16);
	assert_int_equal(ward_bundle_open(bad, len + 16, &b, &why), -EINVAL);
	/* version */
	memcpy(bad, buf, len);
	((struct wb_header *)bad)->format_version = 99;
	assert_int_equal(ward_bundle_open(bad, len, &b, &why), -EINVAL);
	assert_non_null(strstr(why, "version"));
	free(bad);
	free(buf);
}

/* A source applet key (argv[0], the caller's choice) never earns an allow: a
 * bundle whose allow rule has one is refused, even with a valid hash. */
static void test_reader_rejects_allow_by_applet(void **state)
{
	static const char yaml[] = "apiVersion: ward.dev/v1\n"
				   "kind: Policy\n"
				   "metadata: {name: p}\n"
				   "spec:\n"
				   "  selector: {containers: [\"*\"]}\n"
				   "  mode: enforce\n"
				   "  defaults: {exec: allow}\n"
				   "  rules:\n"
				   "    - name: r\n"
				   "      exec: {paths: [/bin/sh], fromSource: [/usr/sbin/httpd]}\n"
				   "      action: block\n";
	struct ward_bundle *b = NULL;
	const struct wb_header *h;
	const struct wb_section *sec;
	const char *why = NULL;
	uint8_t *buf;
	size_t len;
	bool found = false;

	(void)state;
	ward_bundle_free(compile(yaml, &buf, &len));
	h = (const struct wb_header *)buf;
	sec = (const struct wb_section *)(buf + h->header_size);
	for (uint32_t i = 0; i < h->n_sections; i++) {
		if (sec[i].type != WB_SEC_RULES)
			continue;
		assert_int_equal(sec[i].count, 1);
		((struct wb_rule *)(buf + sec[i].offset))->k.action = WARD_ACT_ALLOW;
		found = true;
	}
	assert_true(found);
	assert_int_equal(wb_sha256(buf + h->header_size, h->total_size - h->header_size,
				   ((struct wb_header *)buf)->sha256),
			 0);
	assert_int_equal(ward_bundle_open(buf, len, &b, &why), -EINVAL);
	assert_non_null(strstr(why, "applet"));
	free(buf);
}

static int write_key(EVP_PKEY *k, bool priv, char *path)
{
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int ok;

	if (!f)
		return -1;
	ok = priv ? PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) : PEM_write_PUBKEY(f, k);
	fclose(f);
	return ok == 1 ? 0 : -1;
}

static EVP_PKEY *keygen(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY *k = NULL;

	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
	assert_int_equal(EVP_PKEY_keygen(ctx, &k), 1);
	EVP_PKEY_CTX_free(ctx);
	return k;
}

static void test_sign_verify(void **state)
{
	char priv[] = "/tmp/rulesc-key-XXXXXX", pub[] = "/tmp/rulesc-pub-XXXXXX";
	char pub2[] = "/tmp/rulesc-pub2-XXXXXX";
	EVP_PKEY *k = keygen(), *k2 = keygen();
	uint8_t *buf, *sig, *sig2;
	size_t len, slen, slen2;
	const char *why;
	struct ward_bundle *b = compile(policy_yaml, &buf, &len);

	(void)state;
	ward_bundle_free(b);
	assert_int_equal(write_key(k, true, priv), 0);
	assert_int_equal(write_key(k, false, pub), 0);
	assert_int_equal(write_key(k2, false, pub2), 0);
	assert_int_equal(ward_bundle_verify(buf, len, pub, &why), -EBADMSG);
	assert_int_equal(ward_bundle_sign(buf, len, priv, &sig, &slen, &why), 0);
	assert_int_equal(slen, len + sizeof(struct wb_sig_trailer));
	assert_int_equal(ward_bundle_verify(sig, slen, pub, &why), 0);
	assert_int_equal(ward_bundle_verify(sig, slen, pub2, &why), -EBADMSG);
	/* re-signing replaces the trailer */
	assert_int_equal(ward_bundle_sign(sig, slen, priv, &sig2, &slen2, &why), 0);
	assert_int_equal(slen2, slen);
	assert_memory_equal(sig, sig2, slen);
	sig[slen - 1] ^= 1;
	assert_int_equal(ward_bundle_verify(sig, slen, pub, &why), -EBADMSG);
	/* a public key is not a signing key */
	assert_int_equal(ward_bundle_sign(buf, len, pub, &sig2, &slen2, &why) < 0, 1);
	unlink(priv);
	unlink(pub);
	unlink(pub2);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
	free(sig);
	free(sig2);
	free(buf);
}

static void test_diagnostics(void **state)
{
	static const char y[] = "apiVersion: ward.dev/v1\nkind: Policy\nmetadata: {name: x}\n"
				"spec:\n  selector: {containers: ['*']}\n  mode: enforce\n"
				"  defaults: {exec: allow}\n  rules:\n"
				"    - {name: a, exec: {paths: [/bin/sh]}, acton: block}\n";
	struct rc_diags d;
	struct rc_set *s;

	(void)state;
	rc_diags_init(&d);
	assert_int_equal(rc_set_load_buffer("t.yaml", y, strlen(y), &d, &s), 0);
	assert_true(d.n_errors >= 1);
	bool found = false;

	for (size_t i = 0; i < d.n; i++) {
		if (strcmp(d.v[i].code, "unknown-key"))
			continue;
		found = true;
		assert_int_equal(d.v[i].line, 9);
		assert_int_equal(d.v[i].col, 43);
		assert_non_null(strstr(d.v[i].hint, "did you mean 'action'?"));
		assert_non_null(strstr(d.v[i].text, "acton: block"));
	}
	assert_true(found);
	rc_set_free(s);
	rc_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_path_normalize),
		cmocka_unit_test(test_image_normalize),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_eval),
		cmocka_unit_test(test_roundtrip_deterministic),
		cmocka_unit_test(test_reader_rejects),
		cmocka_unit_test(test_reader_rejects_allow_by_applet),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_diagnostics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
