// SPDX-License-Identifier: Apache-2.0
/*
 * Differential test of the kernel decision core: the lookup of bpf/enforce/lookup.bpf.h
 * (ward_decide(), run through BPF_PROG_TEST_RUN by tests/diff/decide.bpf.c on
 * the maps the engine's loader fills) against rulesc's reference ward_eval()
 * (rulesc/eval.c), on the golden policy corpus (policies/, the default pack)
 * and on generated (policy, event) cases covering every table kind: exact
 * paths, directories (recursive or not), basename globs and their classes,
 * fromSource sets, file access kinds, CIDRs (IPv4, IPv6, IPv4-mapped), ports
 * and port ranges, protocols, unix sockets, socket kinds, capabilities,
 * syscalls, several policies per container, audit and enforce modes and
 * per-rule mode overrides. Every mismatch is printed; 0 are allowed.
 *
 * Usage: test_decide [CASES] [SEED]   (root; defaults 12000 cases, seed 1)
 *        test_decide bench            what one decision costs (make bench)
 * Exit: 0 no mismatch, 1 mismatches or a failure, 77 when the kernel cannot
 * run the harness (reason printed). Records "PASSED FAILED SKIPPED" in
 * $BUILD/test-results/diff.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "enforce/enforce.h"
#include "model.h"
#include "enforce/probe.h"
#include "rulesc.h"

#include "decide.h"
#include "decide.skel.h"

#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))
#define N_CONTAINERS   3
#define CGID_BASE      0x7761726400000000ull /* "ward": never a real cgroup id */
#define EVENTS_PER_SET 200
#define EXIT_SKIP      77

static unsigned long long rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return n ? (uint32_t)((rng_state >> 33) % n) : 0;
}

#define PICK(a) ((a)[rnd(ARRAY_SIZE(a))])

/* ---- generated policies ------------------------------------------------------------------ */

static const char *const dirs[] = { "/bin/",	     "/usr/bin/", "/tmp/",     "/opt/app/",
				    "/opt/app/lib/", "/etc/",	  "/etc/ssh/", "/var/run/" };
static const char *const names[] = {
	"sh",	"nc", "busybox", "python3",	"python3.11", "run.sh",
	"x.sh", "a",  "shadow",	 "id_rsa",	"key.pem",    "[x]",
	"a*b",	"ab", "Zz9",	 "docker.sock", "s.sock",     "passwd"
};
/* 255 bytes of name material for long paths and basenames */
static const char long_name[] = "ab.0123456789abcdefghijklmnopqrstuvwxyzaAbB-_a"
				"ab.0123456789abcdefghijklmnopqrstuvwxyzaAbB-_a"
				"ab.0123456789abcdefghijklmnopqrstuvwxyzaAbB-_a"
				"ab.0123456789abcdefghijklmnopqrstuvwxyzaAbB-_a"
				"ab.0123456789abcdefghijklmnopqrstuvwxyzaAbB-_a"
				"ab.0123456789abcdefghijkl";
_Static_assert(sizeof(long_name) == 256, "long_name: NAME_MAX bytes");
static const char *const globs[] = { "*.sh",	   "py*",  "python3.[0-9]*", "[!a]*", "?",
				     "*a*b*",	   "s[h]", "\\\\[x\\\\]",    "*",     "[a-c]?",
				     "*.[ps][e]m", "??*",  "a\\\\*b",	     "[]a]*" };
static const char *const exes[] = { "/usr/sbin/nginx", "/bin/busybox", "/usr/bin/python3",
				    "/opt/app/run.sh" };
static const char *const sources[] = { "/usr/sbin/nginx",  "/bin/busybox", "/usr/bin/",
				       "\"/usr/bin/py*\"", "/opt/app/",	   "/usr/sbin/httpd" };
/* file names (names:), the valid ones of names[] */
static const char *const file_names[] = { "shadow", "id_rsa", "key.pem", "passwd", "x.sh" };
/* names an acting process runs as (a multi-call server's applet) */
static const char *const runs_as[] = { "httpd", "nginx", "sh", "busybox" };
static const char *const cidrs[] = { "10.0.0.0/8", "10.1.0.0/16",    "127.0.0.1",
				     "0.0.0.0/0",  "\"::1\"",	     "\"2001:db8::/32\"",
				     "\"::/0\"",   "192.168.1.0/24", "10.1.2.3" };
static const char *const ports[] = { "22", "80", "8000-8100", "443", "1-1023", "53" };
static const char *const caps[] = { "CAP_CHOWN", "CAP_NET_RAW", "CAP_SYS_ADMIN",
				    "CAP_NET_BIND_SERVICE" };
static const char *const syscalls[] = { "ptrace", "mount", "bpf", "unshare", "kexec_load" };
static const char *const actions[] = { "allow", "alert", "block" };
static const char *const modes[] = { "audit", "enforce" };

/* A path (exact or glob) of a path rule: "DIR NAME" or "DIR GLOB". */
static void put_path(FILE *f)
{
	if (rnd(3))
		fprintf(f, "\"%s%s\"", PICK(dirs), PICK(names));
	else
		fprintf(f, "\"%s%s\"", PICK(dirs), PICK(globs));
}

static void put_list(FILE *f, const char *const *pool, size_t n, uint32_t max)
{
	uint32_t k = 1 + rnd(max);

	fputc('[', f);
	for (uint32_t i = 0; i < k; i++)
		fprintf(f, "%s%s", i ? ", " : "", pool[rnd((uint32_t)n)]);
	fputc(']', f);
}

static void put_paths(FILE *f, bool with_dirs)
{
	uint32_t k = 1 + rnd(3);

	fputs("paths: [", f);
	for (uint32_t i = 0; i < k; i++) {
		fputs(i ? ", " : "", f);
		put_path(f);
	}
	fputc(']', f);
	if (with_dirs && rnd(2)) {
		fputs(", dirs: ", f);
		put_list(f, dirs, ARRAY_SIZE(dirs), 2);
		if (rnd(2))
			fprintf(f, ", recursive: %s", rnd(2) ? "true" : "false");
	}
	if (rnd(4) == 0) {
		fputs(", fromSource: ", f);
		put_list(f, sources, ARRAY_SIZE(sources), 2);
	}
}

/* One rule of a class the policy governs (cls: the defaults' key). */
static void put_rule(FILE *f, const char *cls, int i, bool syscalls_alert_only)
{
	fprintf(f, "    - name: r%d\n      ", i);
	if (!strcmp(cls, "exec")) {
		fputs("exec: {", f);
		put_paths(f, true);
		fputs(rnd(4) ? "}\n" : rnd(2) ? ", stdio: socket}\n" : ", stdio: terminal}\n", f);
	} else if (!strcmp(cls, "file")) {
		fputs("file: {", f);
		put_paths(f, true);
		if (rnd(4) == 0) { /* basenames in any directory */
			fputs(", names: ", f);
			put_list(f, file_names, ARRAY_SIZE(file_names), 2);
		}
		if (rnd(4) == 0) {
			fputs(", readOnly: true}\n", f);
		} else {
			fputs(", access: ", f);
			put_list(f, rc_access_names, ARRAY_SIZE(rc_access_names), 3);
			fputs("}\n", f);
		}
	} else if (!strcmp(cls, "network")) {
		uint32_t kind = rnd(5);

		if (kind == 0) {
			fputs("network: {sockets: ", f);
			put_list(f, (const char *const[]){ "raw", "packet" }, 2, 2);
			fputs("}\n", f);
		} else if (kind == 1) {
			fprintf(f, "network: {%s: {unix: [\"%s%s\"]}}\n",
				rnd(2) ? "connect" : "bind", rnd(2) ? "/var/run/" : "/tmp/",
				PICK(names));
		} else {
			const char *sep = "";

			fprintf(f, "network: {%s: {", kind == 2 ? "bind" : "connect");
			if (rnd(4)) {
				fputs("cidrs: ", f);
				put_list(f, cidrs, ARRAY_SIZE(cidrs), 3);
				sep = ", ";
			}
			if (rnd(3)) {
				fprintf(f, "%sports: ", sep);
				put_list(f, ports, ARRAY_SIZE(ports), 2);
				sep = ", ";
			}
			if (!sep[0] || rnd(3) == 0)
				fprintf(f, "%sprotocols: [%s]", sep, rnd(2) ? "tcp" : "udp");
			fputs("}}\n", f);
		}
	} else if (!strcmp(cls, "capabilities")) {
		fputs("capabilities: {names: ", f);
		put_list(f, caps, ARRAY_SIZE(caps), 2);
		fputs("}\n", f);
	} else {
		fputs("syscalls: {names: ", f);
		put_list(f, syscalls, ARRAY_SIZE(syscalls), 2);
		fputs("}\n", f);
	}
	fprintf(f, "      action: %s\n",
		syscalls_alert_only ? (rnd(2) ? "alert" : "allow") : PICK(actions));
	if (rnd(5) == 0)
		fprintf(f, "      mode: %s\n", PICK(modes));
}

/* A YAML set of 1-4 policies selecting some of the containers c0..c2. */
static char *gen_set(void)
{
	uint32_t n_pol = 1 + rnd(4);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (uint32_t p = 0; p < n_pol; p++) {
		bool gov[ARRAY_SIZE(rc_class_names)] = { false };
		int n_rules = (int)rnd(16), n_gov = 0;

		fprintf(f,
			"%sapiVersion: ward.dev/v1\nkind: Policy\nmetadata: {name: p%u}\nspec:\n",
			p ? "---\n" : "", p);
		if (rnd(3) == 0)
			fputs("  selector: {containers: [\"*\"]}\n", f);
		else
			fprintf(f, "  selector: {containers: [c%u, c%u]}\n", rnd(N_CONTAINERS),
				rnd(N_CONTAINERS));
		fprintf(f, "  mode: %s\n  defaults: {", PICK(modes));
		for (size_t c = 0; c < ARRAY_SIZE(rc_class_names); c++) {
			if (rnd(3) == 0 && !(c == ARRAY_SIZE(rc_class_names) - 1 && n_gov == 0))
				continue;
			gov[c] = true;
			fprintf(f, "%s%s: %s", n_gov++ ? ", " : "", rc_class_names[c],
				c == 4 ? (rnd(2) ? "alert" : "allow") : PICK(actions));
		}
		fputs("}\n  rules:", f);
		fputs(n_rules ? "\n" : " []\n", f);
		for (int i = 0; i < n_rules; i++) {
			size_t c;

			do
				c = rnd(ARRAY_SIZE(rc_class_names));
			while (!gov[c]);
			put_rule(f, rc_class_names[c], i, c == 4);
		}
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- generated events -------------------------------------------------------------------- */

struct gen_event {
	struct rc_event ev;
	char path[DECIDE_PATH];
	const char *parent;
};

static void gen_addr(struct rc_event *ev)
{
	static const uint8_t v4[][4] = { { 10, 1, 2, 3 },    { 10, 9, 0, 1 }, { 127, 0, 0, 1 },
					 { 192, 168, 1, 7 }, { 8, 8, 8, 8 },  { 0, 0, 0, 0 } };
	static const uint8_t v6[][16] = {
		{ [15] = 1 },
		{ 0x20, 0x01, 0x0d, 0xb8, [15] = 5 },
		{ 0xfe, 0x80, [15] = 9 },
	};

	memset(ev->addr, 0, sizeof(ev->addr));
	if (rnd(3)) { /* IPv4 as the kernel sees it: IPv4-mapped */
		ev->addr[10] = ev->addr[11] = 0xff;
		memcpy(&ev->addr[12], v4[rnd(ARRAY_SIZE(v4))], 4);
	} else {
		memcpy(ev->addr, v6[rnd(ARRAY_SIZE(v6))], 16);
	}
	ev->port = (uint16_t)(rnd(4) ? (uint32_t[]){ 22, 80, 443, 8050, 53, 9999 }[rnd(6)]
				     : 1 + rnd(65535));
	ev->proto = rnd(2) ? WARD_PROTO_TCP : WARD_PROTO_UDP;
}

static void gen_event(struct gen_event *g)
{
	static const enum rc_event_op ops[] = { RC_EV_EXEC,   RC_EV_EXEC,	  RC_EV_OPEN,
						RC_EV_OPEN,   RC_EV_OPEN,	  RC_EV_CONNECT,
						RC_EV_BIND,   RC_EV_UNIX_CONNECT, RC_EV_UNIX_BIND,
						RC_EV_SOCKET, RC_EV_CAP,	  RC_EV_SYSCALL,
						RC_EV_RENAME };
	static const uint32_t cap_nums[] = { 0, 13, 21, 10, 2 };
	static const uint32_t sys_nums[] = { 101, 165, 321, 272, 246, 0, 59 };

	memset(g, 0, sizeof(*g));
	g->ev.op = PICK(ops);
	g->parent = rnd(3) ? PICK(exes) : NULL;
	g->ev.parent = g->parent;
	g->ev.parent_applet = g->parent && rnd(2) ? PICK(runs_as) : NULL;
	switch (g->ev.op) {
	case RC_EV_EXEC:
	case RC_EV_OPEN:
	case RC_EV_UNIX_CONNECT:
	case RC_EV_UNIX_BIND:
		if (rnd(6) == 0) { /* deeper than any rule */
			(void)snprintf(g->path, sizeof(g->path), "%sdeep/er/%s", PICK(dirs),
				       PICK(names));
		} else if (rnd(10) == 0) { /* longer than any rule: prefixes still match */
			int n = snprintf(g->path, sizeof(g->path), "%s", PICK(dirs));

			for (uint32_t i = 4 + rnd(20); i > 0; i--)
				n += snprintf(g->path + n, sizeof(g->path) - (size_t)n, "%.*s/",
					      40 + (int)rnd(20), long_name);
			(void)snprintf(g->path + n, sizeof(g->path) - (size_t)n, "%s", PICK(names));
		} else if (rnd(10) == 0) { /* a basename of up to NAME_MAX bytes (globs) */
			(void)snprintf(g->path, sizeof(g->path), "%s%.*s%s", PICK(dirs),
				       150 + (int)rnd(100), long_name, rnd(2) ? ".sh" : "b");
		} else
			(void)snprintf(g->path, sizeof(g->path), "%s%s", PICK(dirs), PICK(names));
		g->ev.path = g->path;
		g->ev.access = 1u << rnd(9);
		if (g->ev.access == WARD_ACC_TRUNCATE) /* a truncation is a write too */
			g->ev.access |= WARD_ACC_WRITE;
		g->ev.stdio_socket = g->ev.op == RC_EV_EXEC && rnd(3) == 0;
		g->ev.terminal = g->ev.op == RC_EV_EXEC && rnd(3) == 0;
		if (g->ev.op == RC_EV_EXEC && rnd(4) == 0) { /* by the name it runs as */
			g->ev.path = NULL;
			g->ev.applet = PICK(names);
		}
		break;
	case RC_EV_RENAME: { /* a file, or a directory (no trailing '/') or an ancestor */
		int n = snprintf(g->path, sizeof(g->path), "%s%s", PICK(dirs),
				 rnd(2) ? PICK(names) : "");

		while (n > 1 && g->path[n - 1] == '/')
			g->path[--n] = '\0';
		for (uint32_t up = rnd(3); up > 0 && n > 1; up--) { /* an ancestor */
			while (n > 1 && g->path[n - 1] != '/')
				n--;
			g->path[n > 1 ? --n : n] = '\0';
		}
		g->ev.path = g->path;
		break;
	}
	case RC_EV_CONNECT:
	case RC_EV_BIND:
		gen_addr(&g->ev);
		break;
	case RC_EV_SOCKET:
		g->ev.num = 1 + rnd(2);
		break;
	case RC_EV_CAP:
		g->ev.num = PICK(cap_nums);
		break;
	default:
		g->ev.num = PICK(sys_nums);
		break;
	}
}

/* ---- the kernel side --------------------------------------------------------------------- */

static const char *const shared_maps[] = {
	"ward_policies", "ward_rules",	  "ward_objects", "ward_cidrs",	 "ward_cands",
	"ward_globs",	 "ward_portsets", "ward_cgroups", "ward_active",
};

/* One decision (repeat times: ret_ns gets the average run time). */
static int kernel_decide(int prog_fd, uint64_t cgid, const struct gen_event *g,
			 struct decide_io *io, uint32_t repeat, uint32_t *ret_ns)
{
	struct decide_io in;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = &in, .data_size_in = sizeof(in),
		    .data_out = io, .data_size_out = sizeof(*io), .repeat = repeat);
	const struct rc_event *ev = &g->ev;
	int err;

	memset(io, 0, sizeof(*io));
	io->cgid = cgid;
	io->mask = 1;
	switch (ev->op) {
	case RC_EV_EXEC:
		io->cls = WARD_CLS_EXEC;
		io->domain = WARD_DOM_EXEC;
		io->mask = WARD_EXEC_ANY | (ev->stdio_socket ? WARD_EXEC_STDIO_SOCKET : 0) |
			   (ev->terminal ? WARD_EXEC_TERMINAL : 0);
		break;
	case RC_EV_OPEN:
		io->cls = WARD_CLS_FILE;
		io->domain = WARD_DOM_FILE;
		io->mask = ev->access;
		break;
	case RC_EV_CONNECT:
	case RC_EV_BIND:
		io->cls = WARD_CLS_NET;
		io->netop = ev->op == RC_EV_CONNECT ? WARD_NET_CONNECT : WARD_NET_BIND;
		io->mask = ev->proto;
		io->port = ev->port;
		memcpy(io->addr, ev->addr, sizeof(io->addr));
		break;
	case RC_EV_UNIX_CONNECT:
	case RC_EV_UNIX_BIND:
		io->cls = WARD_CLS_NET;
		io->domain =
			ev->op == RC_EV_UNIX_CONNECT ? WARD_DOM_UNIX_CONNECT : WARD_DOM_UNIX_BIND;
		break;
	case RC_EV_RENAME:
		io->cls = WARD_CLS_PROTECT;
		io->domain = WARD_DOM_PROTECT;
		io->mask = WARD_ACC_RENAME;
		break;
	case RC_EV_SOCKET:
		io->cls = WARD_CLS_NET;
		io->domain = WARD_DOM_SOCKET;
		io->num = ev->num;
		break;
	case RC_EV_CAP:
		io->cls = WARD_CLS_CAP;
		io->domain = WARD_DOM_CAP;
		io->num = ev->num;
		break;
	default:
		io->cls = WARD_CLS_SYSCALL;
		io->domain = WARD_DOM_SYSCALL;
		io->num = ev->num;
		break;
	}
	if (ev->path)
		(void)snprintf(io->obj, sizeof(io->obj), "%s", ev->path);
	if (ev->applet)
		(void)snprintf(io->applet, sizeof(io->applet), "%s", ev->applet);
	/* the acting binary reaches fromSource only for exec and open (rules.md) */
	if (g->parent && (ev->op == RC_EV_EXEC || ev->op == RC_EV_OPEN)) {
		io->have_exe = 1;
		(void)snprintf(io->exe, sizeof(io->exe), "%s", g->parent);
		if (ev->parent_applet)
			(void)snprintf(io->src_applet, sizeof(io->src_applet), "%s",
				       ev->parent_applet);
	}
	in = *io;
	memset(io, 0, sizeof(*io));
	err = bpf_prog_test_run_opts(prog_fd, &opts);
	if (err)
		return -errno;
	if (ret_ns)
		*ret_ns = opts.duration;
	return opts.retval == 2 /* XDP_PASS */ && opts.data_size_out == sizeof(*io) ? 0 : -EIO;
}

/* ---- comparing ------------------------------------------------------------------------------- */

/* What decided the cases, so a run shows (and checks) that every table kind
 * was exercised: rule-decided cases by key kind, by address, by number. */
enum cover {
	COV_EXACT,
	COV_DIR_REC,
	COV_DIR_DIRECT,
	COV_GLOB,
	COV_APPLET,
	COV_ANCESTOR,
	COV_NAME,
	COV_CIDR,
	COV_NUMBER,
	COV_SOURCE,	/* a fromSource rule decided */
	COV_SRC_APPLET, /* ... that held by the name the acting process runs as */
	COV_MULTI,	/* more than one policy governed the event */
	COV__COUNT,
};

static const char *const cover_names[COV__COUNT] = {
	"exact", "dir-recursive", "dir-direct", "glob",	      "applet",	       "ancestor",
	"name",	 "cidr",	  "number",	"fromSource", "source-applet", "several-policies",
};

struct stats {
	unsigned long cases, mismatches, governed, blocked, alerted;
	unsigned long cover[COV__COUNT];
};

static void count_cover(const struct ward_bundle *b, const struct ward_decision *d,
			struct stats *st)
{
	const struct ward_match *m = &d->m[d->decider];
	size_t governing = 0;

	for (size_t i = 0; i < d->n; i++)
		governing += d->m[i].action != WARD_ACT_NONE;
	st->cover[COV_MULTI] += governing > 1;
	if (d->decider == WARD_NONE || m->rule == WARD_NONE)
		return;
	if (m->cidr != WARD_NONE)
		st->cover[COV_CIDR]++;
	else if (m->domain == WARD_DOM_SOCKET || m->domain == WARD_DOM_CAP ||
		 m->domain == WARD_DOM_SYSCALL)
		st->cover[COV_NUMBER]++;
	else if (m->kind >= WARD_KEY_EXACT && m->kind <= WARD_KEY_NAME)
		st->cover[COV_EXACT + m->kind - WARD_KEY_EXACT]++;
	if (m->cand != WARD_NONE && b->cands[m->cand].src_set)
		st->cover[COV_SOURCE]++;
}

static void describe(const struct gen_event *g, char *buf, size_t size)
{
	const struct rc_event *ev = &g->ev;
	char a[64] = "";

	if (ev->op == RC_EV_CONNECT || ev->op == RC_EV_BIND) {
		size_t o = 0;

		for (int i = 0; i < 16; i++)
			o += (size_t)snprintf(a + o, sizeof(a) - o, "%02x", ev->addr[i]);
	}
	(void)snprintf(
		buf, size,
		"op %d path %s applet %s parent %s (as %s) access 0x%x addr %s port %u proto %u "
		"num %u",
		ev->op, ev->path ? ev->path : "-", ev->applet ? ev->applet : "-",
		g->parent ? g->parent : "-", ev->parent_applet ? ev->parent_applet : "-",
		ev->access, a[0] ? a : "-", ev->port, ev->proto, ev->num);
}

/* One case on both sides; prints a mismatch. */
static int compare(int prog_fd, const struct ward_bundle *b, const char *set_name,
		   const uint32_t *ids, int n_ids, uint64_t cgid, const struct gen_event *g,
		   struct stats *st)
{
	struct ward_decision d;
	struct decide_io io;
	uint32_t want_policy = 0, want_rule = WARD_NONE;
	uint8_t want_action = WARD_ACT_ALLOW, want_mode = 0;
	bool same;
	int err;

	err = ward_eval(b, ids, (size_t)n_ids, &g->ev, &d);
	if (err)
		return err;
	err = kernel_decide(prog_fd, cgid, g, &io, 1, NULL);
	if (err)
		return err;
	st->cases++;
	count_cover(b, &d, st);
	if (g->ev.parent_applet && (g->ev.op == RC_EV_EXEC || g->ev.op == RC_EV_OPEN)) {
		struct rc_event plain = g->ev;
		struct ward_decision dp;

		plain.parent_applet = NULL;
		if (ward_eval(b, ids, (size_t)n_ids, &plain, &dp) == 0 &&
		    (dp.effective != d.effective || dp.decider != d.decider ||
		     (d.decider != WARD_NONE && dp.m[dp.decider].rule != d.m[d.decider].rule)))
			st->cover[COV_SRC_APPLET]++;
	}
	if (d.effective != WARD_ACT_ALLOW) {
		const struct ward_match *m = &d.m[d.decider];

		want_policy = m->policy_id;
		want_rule = m->rule;
		want_action = m->action;
		want_mode = m->mode;
		st->governed++;
		st->blocked += d.effective == WARD_ACT_BLOCK;
		st->alerted += d.effective == WARD_ACT_ALERT;
	}
	same = io.targeted == (n_ids > 0) && io.effective == (n_ids > 0 ? d.effective : 0);
	if (same && d.effective != WARD_ACT_ALLOW)
		same = io.policy == want_policy && io.rule == want_rule &&
		       io.action == want_action && io.mode == want_mode;
	if (!same) {
		char what[512];

		st->mismatches++;
		describe(g, what, sizeof(what));
		if (st->mismatches <= 20)
			printf("MISMATCH %s: %s\n  eval:   effective %u policy %u rule %d action "
			       "%u mode %u\n"
			       "  kernel: effective %u policy %u rule %d action %u mode %u "
			       "(targeted %u)\n",
			       set_name, what, d.effective, want_policy, (int)want_rule,
			       want_action, want_mode, io.effective, io.policy, (int)io.rule,
			       io.action, io.mode, io.targeted);
	}
	return 0;
}

/* ---- one policy set: compile, put in force, decide its events ---------------------------- */

/* Compile the YAML (or the files at paths) into an open bundle. */
static int load_set(const char *name, const char *yaml, const char *const *paths, size_t n_paths,
		    uint8_t **ret_buf, struct ward_bundle **ret)
{
	struct rc_set *set = NULL;
	struct rc_diags d;
	uint8_t *buf = NULL;
	const char *bwhy = "";
	size_t len = 0;
	int err;

	rc_diags_init(&d);
	err = yaml ? rc_set_load_buffer(name, yaml, strlen(yaml), &d, &set)
		   : rc_set_load(paths, n_paths, &d, &set);
	if (!err && d.n_errors)
		err = -EINVAL;
	if (!err)
		err = rc_compile(set, &d, &buf, &len);
	if (!err)
		err = ward_bundle_open(buf, len, ret, &bwhy);
	if (err) {
		printf("set %s does not compile (%s, %zu errors, %s):\n%s\n", name, strerror(-err),
		       d.n_errors, bwhy, yaml ? yaml : "");
		free(buf);
		buf = NULL;
	}
	*ret_buf = buf;
	rc_set_free(set);
	rc_diags_free(&d);
	return err;
}

/* The bundle's policies for containers c0..c2 (fake cgroups), in force. */
static int put_in_force(struct enforcer *e, const char *name, const struct ward_bundle *b,
			uint32_t ids[N_CONTAINERS][WARD_MAX_POLICIES_PER_CGROUP],
			int n_ids[N_CONTAINERS])
{
	struct enforce_target t[N_CONTAINERS];
	struct rc_diags d;
	int err;

	for (int c = 0; c < N_CONTAINERS; c++) {
		char cname[8];
		struct rc_container rc = { .name = cname };

		(void)snprintf(cname, sizeof(cname), "c%d", c);
		n_ids[c] = ward_bundle_select(b, &rc, ids[c]);
		if (n_ids[c] < 0)
			return n_ids[c];
		memset(&t[c], 0, sizeof(t[c]));
		t[c].cgroup_id = CGID_BASE + (uint64_t)c;
		t[c].cgroup_dir = (char *)"/nonexistent-ward-difftest"; /* nothing to attach */
		t[c].pols.count = (uint32_t)n_ids[c];
		memcpy(t[c].pols.ids, ids[c], (size_t)n_ids[c] * sizeof(uint32_t));
		t[c].pols.flags = ward_bundle_cg_flags(b, ids[c], (size_t)n_ids[c]);
	}
	rc_diags_init(&d);
	err = enforcer_apply(e, b, t, N_CONTAINERS, false, &d);
	if (err && err != -ENOENT)
		printf("set %s: putting it in force: %s\n", name, d.n ? d.v[0].message : "");
	rc_diags_free(&d);
	return err && err != -ENOENT ? err : 0;
}

static int run_set(struct enforcer *e, int prog_fd, const char *name, const char *yaml,
		   const char *const *paths, size_t n_paths, unsigned long n_events,
		   struct stats *st)
{
	uint32_t ids[N_CONTAINERS][WARD_MAX_POLICIES_PER_CGROUP];
	int n_ids[N_CONTAINERS], err;
	struct ward_bundle *b = NULL;
	uint8_t *buf = NULL;

	err = load_set(name, yaml, paths, n_paths, &buf, &b);
	if (!err)
		err = put_in_force(e, name, b, ids, n_ids);
	for (unsigned long i = 0; i < n_events && !err; i++) {
		struct gen_event g;
		int c = (int)rnd(N_CONTAINERS);

		gen_event(&g);
		err = compare(prog_fd, b, name, ids[c], n_ids[c], CGID_BASE + (uint64_t)c, &g, st);
		if (err)
			printf("set %s: deciding: %s\n", name, strerror(-err));
	}
	ward_bundle_free(b);
	free(buf);
	return err;
}

/* ---- bench: what one decision costs, 10 and 10,000 rules -------------------------------- */

/* The policy of tests/bench/enforce.sh: N rules none of the events match (a
 * third each exact exec paths, exact file paths read, IPv4 /24s port 443). */
static char *bench_policy(int n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("apiVersion: ward.dev/v1\nkind: Policy\nmetadata: {name: bench}\nspec:\n"
	      "  selector: {containers: [c0]}\n  mode: enforce\n"
	      "  defaults: {exec: allow, network: allow, file: allow}\n  rules:\n",
	      f);
	for (int i = 0; i < n; i++) {
		if (i % 3 == 0)
			fprintf(f,
				"    - name: exec-%d\n      exec: {paths: [/opt/bench/%d/tool]}\n",
				i, i);
		else if (i % 3 == 1)
			fprintf(f,
				"    - name: file-%d\n      file: {paths: [/opt/bench/%d/file], "
				"access: [read]}\n",
				i, i);
		else
			fprintf(f,
				"    - name: net-%d\n      network: {connect: {cidrs: "
				"[10.%d.%d.0/24], "
				"ports: [443]}}\n",
				i, i >> 8 & 255, i & 255);
		fputs("      action: block\n", f);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int bench(struct enforcer *e, int prog_fd)
{
	static const int sizes[] = { 10, 10000 };
	struct gen_event ev[3] = { 0 };
	uint32_t ns[3][2];
	int err = 0;

	ev[0].ev = (struct rc_event){ .op = RC_EV_EXEC, .path = "/bin/busybox" };
	ev[0].parent = "/bin/busybox";
	ev[1].ev = (struct rc_event){ .op = RC_EV_OPEN,
				      .path = "/etc/bench",
				      .access = WARD_ACC_READ };
	ev[1].parent = "/bin/busybox";
	ev[2].ev = (struct rc_event){ .op = RC_EV_CONNECT,
				      .port = 7777,
				      .proto = WARD_PROTO_TCP,
				      .addr = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 } };
	for (size_t k = 0; k < ARRAY_SIZE(sizes) && !err; k++) {
		uint32_t ids[N_CONTAINERS][WARD_MAX_POLICIES_PER_CGROUP];
		int n_ids[N_CONTAINERS];
		struct ward_bundle *b = NULL;
		char *yaml = bench_policy(sizes[k]);
		uint8_t *buf = NULL;
		struct decide_io io;

		err = yaml ? load_set("bench", yaml, NULL, 0, &buf, &b) : -ENOMEM;
		if (!err)
			err = put_in_force(e, "bench", b, ids, n_ids);
		for (size_t i = 0; i < ARRAY_SIZE(ev) && !err; i++)
			err = kernel_decide(prog_fd, CGID_BASE, &ev[i], &io, 200000, &ns[i][k]);
		ward_bundle_free(b);
		free(buf);
		free(yaml);
	}
	if (err) {
		printf("bench: %s\n", strerror(-err));
		return 1;
	}
	printf("decision (ward_decide() with the path walk, BPF_PROG_TEST_RUN, 200,000 runs, "
	       "warm):\n");
	printf("  %-8s %9s %12s\n", "event", "10 rules", "10k rules");
	for (size_t i = 0; i < ARRAY_SIZE(ev); i++)
		printf("  %-8s %6u ns %9u ns\n", (const char *[]){ "exec", "open", "connect" }[i],
		       ns[i][0], ns[i][1]);
	return 0;
}

static void record(unsigned long pass, unsigned long fail, unsigned long skip)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	char path[512];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/test-results", build);
	(void)mkdir(path, 0755);
	(void)snprintf(path, sizeof(path), "%s/test-results/diff", build);
	f = fopen(path, "we");
	if (f) {
		fprintf(f, "%lu %lu %lu\n", pass, fail, skip);
		fclose(f);
	}
}

static int skip(const char *why)
{
	printf("SKIP: differential test: %s\n", why);
	record(0, 0, 1);
	return EXIT_SKIP;
}

__attribute__((format(printf, 2, 0))) static int quiet(enum libbpf_print_level level,
						       const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	bool bench_mode = argc > 1 && !strcmp(argv[1], "bench");
	unsigned long want = argc > 1 && !bench_mode ? strtoul(argv[1], NULL, 10) : 12000;
	const char *golden[] = { "policies" };
	struct probe_results *pr = calloc(1, sizeof(*pr));
	struct probe_verdict *v = calloc(1, sizeof(*v));
	struct decide_bpf *skel = NULL;
	struct enforcer *e = NULL;
	struct stats st = { 0 };
	char pin_dir[128];
	struct rc_diags d;
	int err, rc = 1, prog_fd, set = 0;

	rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	if (geteuid() != 0)
		return skip("needs root (BPF)");
	if (!pr || !v)
		return 1;
	libbpf_set_print(quiet);
	if (probe_mount_bpffs() < 0)
		return skip("bpffs cannot be mounted");
	err = probe_all(pr);
	if (err)
		return skip("the kernel cannot be probed");
	probe_verdict(pr, v);
	(void)snprintf(pin_dir, sizeof(pin_dir), "%s/ward-difftest-%d", PROBE_BPFFS_DIR, getpid());
	rc_diags_init(&d);
	e = enforcer_open(v, pin_dir, &d);
	if (!e)
		printf("FAIL: the enforcer does not load: %s\n", d.n ? d.v[0].message : "");
	rc_diags_free(&d);
	if (!e)
		goto out;
	skel = decide_bpf__open();
	if (!skel)
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(shared_maps); i++) {
		char path[256];

		(void)snprintf(path, sizeof(path), "%s/%s", pin_dir, shared_maps[i]);
		err = bpf_map__set_pin_path(bpf_object__find_map_by_name(skel->obj, shared_maps[i]),
					    path);
		if (err)
			goto out;
	}
	err = decide_bpf__load(skel);
	if (err) {
		rc = skip("the XDP harness does not load on this kernel");
		goto out;
	}
	prog_fd = bpf_program__fd(skel->progs.ward_decide_test);

	if (bench_mode) {
		rc = bench(e, prog_fd);
		goto out_bench;
	}
	/* the golden corpus: the default pack */
	if (run_set(e, prog_fd, "policies/", NULL, golden, 1, 2000, &st))
		goto out;
	while (st.cases < want) {
		char name[32], *yaml = gen_set();

		if (!yaml)
			goto out;
		(void)snprintf(name, sizeof(name), "generated-%d", set++);
		err = run_set(e, prog_fd, name, yaml, NULL, 0, EVENTS_PER_SET, &st);
		if (err || (st.mismatches && st.mismatches <= 20 && getenv("DIFF_SHOW_SETS")))
			printf("---- %s ----\n%s\n", name, yaml);
		free(yaml);
		if (err)
			goto out;
	}
	printf("diff: %lu cases in %d generated sets and the default pack, %lu governed "
	       "(%lu block, %lu alert), %lu mismatches\n",
	       st.cases, set, st.governed, st.blocked, st.alerted, st.mismatches);
	rc = st.mismatches ? 1 : 0;
	printf("diff: cases decided by a rule through:");
	for (int k = 0; k < COV__COUNT; k++) {
		printf(" %s %lu", cover_names[k], st.cover[k]);
		if (!st.cover[k]) {
			printf(" (never: the generator does not cover it)");
			rc = 1;
		}
	}
	printf("\n");
out:
	if (rc == 1)
		record(0, 1, 0);
	else if (rc == 0)
		record(1, 0, 0);
out_bench:
	decide_bpf__destroy(skel);
	if (e) {
		(void)enforcer_unpin(e);
		enforcer_free(e);
	}
	free(pr);
	free(v);
	return rc;
}
