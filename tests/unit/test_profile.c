// SPDX-License-Identifier: Apache-2.0
/*
 * Learned profiles: recording, path generalisation, the YAML rulesc must
 * accept (checked with librulesc), merge, diff and the runtime exports
 * (checked with `ward seccomp check`'s compiler), and reading profiles back:
 * every tests/data/profiles/NNNN-*.yaml against its .expected file (the
 * profile written back, or the one error).
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <jansson.h>
#include <linux/capability.h>

#include "ward/bundle_maps.h"
#include "profile/profile.h"
#include "profile/profile_check.h"
#include "seccomp/seccomp_json.h"
#include "rulesc.h"

/* The first error of d (by place) as "file:line:col: message", what the
 * .expected files of bad profiles hold; d is freed. */
static char *first_error(struct rc_diags *d)
{
	char *s = NULL;

	rc_diags_sort(d);
	for (size_t i = 0; i < d->n && !s; i++)
		if (d->v[i].severity == RC_ERROR)
			assert_true(asprintf(&s, "%s:%u:%u: %s", d->v[i].file, d->v[i].line,
					     d->v[i].col, d->v[i].message) > 0);
	rc_diags_free(d);
	return s ? s : strdup("?");
}

static const char *const runc_and_exit[] = {
	"close",       "epoll_ctl", "execve",	 "fstatfs",	   "getdents64",
	"getpid",      "openat",    "write",	 "futex",	   "madvise",
	"mmap",	       "munmap",    "nanosleep", "rt_sigprocmask", "sched_yield",
	"sigaltstack", "tgkill",    "exit",	 "exit_group",	   "rt_sigreturn",
};

static struct profile *sample(const char *name, const char *ctr)
{
	struct profile *p = profile_new(name);
	struct prof_net n = { .proto = WARD_PROTO_TCP, .port = 80 };
	char path[64];

	assert_non_null(p);
	p->prov.ward = strdup("test");
	p->prov.kernel = strdup("6.1.0-test");
	p->prov.arch = strdup("x86_64");
	p->prov.libseccomp = strdup(sc_libseccomp_version());
	p->prov.runtime = strdup("runc 1.1.5");
	p->prov.start = 1700000000;
	p->prov.end = 1700000060;
	p->prov.events = 1000;
	p->prov.syscall_max[PROF_ABI_X86_64] = 334; /* rseq: a 4.18-era kernel */
	assert_int_equal(profile_add_container(p, ctr), 0);
	for (size_t i = 0; i < sizeof(runc_and_exit) / sizeof(runc_and_exit[0]); i++)
		assert_int_equal(profile_add_syscall(p, PROF_ABI_X86_64, runc_and_exit[i], 1), 0);
	assert_int_equal(profile_add_syscall(p, PROF_ABI_X86_64, "read", 10), 0);
	assert_int_equal(profile_add_syscall(p, PROF_ABI_X86_64, "read", 5), 0);
	assert_int_equal(profile_add_exec(p, "/bin/busybox", "", 1), 0);
	assert_int_equal(profile_add_exec(p, "/bin/busybox", "/bin/busybox", 2), 0);
	assert_int_equal(profile_add_file(p, "/etc/passwd", WARD_ACC_READ), 0);
	assert_int_equal(profile_add_file(p, "/etc/passwd", WARD_ACC_READ), 0);
	assert_int_equal(profile_add_file(p, "/proc/1/stat", WARD_ACC_READ), 0);
	assert_int_equal(profile_add_file(p, "/proc/22/status", WARD_ACC_READ), 0);
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "/tmp/upload-%d.part", 1000 + i);
		assert_int_equal(profile_add_file(p, path, WARD_ACC_WRITE | WARD_ACC_CREATE), 0);
	}
	assert_int_equal(profile_add_file(p, "/tmp/tmp.Ab3dE9", WARD_ACC_WRITE), 0);
	inet_pton(AF_INET6, "::ffff:10.0.0.2", n.addr);
	assert_int_equal(profile_add_net(p, &n), 0);
	n.bind = true;
	n.port = 8080;
	assert_int_equal(profile_add_net(p, &n), 0);
	assert_int_equal(profile_add_net(p, &n), 0);
	n = (struct prof_net){ .unix_path = (char *)"/run/app.sock" };
	assert_int_equal(profile_add_net(p, &n), 0);
	n.bind = true;
	n.unix_path = (char *)"/srv/ctl.sock";
	assert_int_equal(profile_add_net(p, &n), 0);
	assert_int_equal(profile_add_net(p, &n), 0);
	n.unix_path = (char *)"relative.sock";
	assert_int_equal(profile_add_net(p, &n), -EINVAL);
	assert_int_equal(profile_add_cap(p, CAP_NET_BIND_SERVICE, true, "bind to port 80"), 0);
	assert_int_equal(profile_finish(p, 3), 0);
	return p;
}

static char *to_yaml(const struct profile *p, size_t *ret_len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, ret_len);

	assert_non_null(f);
	assert_int_equal(profile_write_yaml(p, f, "audit", "alert"), 0);
	fclose(f);
	return buf;
}

static void test_record(void **state)
{
	struct profile *p = sample("web", "web-1");
	const struct prof_file *up = NULL;

	(void)state;
	assert_int_equal(p->n_sys, 21);
	for (size_t i = 0; i < p->n_sys; i++)
		if (!strcmp(p->sys[i].name, "read"))
			assert_int_equal(p->sys[i].count, 15);
	assert_int_equal(p->n_exec, 1);
	assert_int_equal(p->exec[0].n_parents, 2);
	assert_int_equal(p->exec[0].count, 3);
	assert_int_equal(p->n_net, 4); /* sorted: connects, unix last, then binds */
	assert_string_equal(p->net[1].unix_path, "/run/app.sock");
	assert_true(p->net[3].bind);
	assert_string_equal(p->net[3].unix_path, "/srv/ctl.sock");
	/* /etc/passwd, /proc/ (pids), /tmp/tmp.* (mktemp's name: a glob even for one
	 * file), /tmp/upload-*.part (five: more than the threshold) */
	for (size_t i = 0; i < p->n_files; i++)
		if (!strcmp(p->files[i].path, "/tmp/upload-*.part"))
			up = &p->files[i];
	assert_non_null(up);
	assert_int_equal(up->n_covers, 5);
	assert_string_equal(up->covers[0], "/tmp/upload-1000.part");
	assert_int_equal(up->access, WARD_ACC_WRITE | WARD_ACC_CREATE);
	assert_int_equal(p->n_files, 4);
	assert_string_equal(p->files[0].path, "/etc/passwd");
	assert_string_equal(p->files[1].path, "/proc/");
	assert_int_equal(p->files[1].n_covers, 2);
	assert_string_equal(p->files[2].path, "/tmp/tmp.*");
	assert_int_equal(p->files[2].n_covers, 1);
	assert_string_equal(p->files[2].covers[0], "/tmp/tmp.Ab3dE9");
	/* bad input */
	assert_int_equal(profile_add_file(p, "relative", WARD_ACC_READ), -EINVAL);
	assert_int_equal(profile_add_syscall(p, 7, "read", 1), -EINVAL);
	assert_int_equal(profile_add_cap(p, 9999, false, NULL), -EINVAL);
	profile_free(p);
	profile_free(NULL);
}

static void test_yaml_rulesc(void **state)
{
	struct profile *p = sample("web", "web-1");
	struct rc_diags d;
	char *y;
	size_t len;

	(void)state;
	rc_diags_init(&d);
	y = to_yaml(p, &len);
	assert_non_null(strstr(y, "kind: Profile"));
	assert_non_null(strstr(y, "libseccomp"));
	assert_non_null(strstr(y, "runc 1.1.5"));
	assert_non_null(strstr(y, "{dirs: [\"/proc/\"], access: [read]}"));
	assert_non_null(strstr(y, "\\\"covers\\\":\\\"/tmp/upload-1003.part\\\""));
	assert_non_null(strstr(y, "\\\"inferred\\\":true"));
	if (profile_check_yaml("web.yaml", y, len, &d) != 0)
		fail_msg("rulesc rejects the profile: %s\n%s", first_error(&d), y);
	free(y);
	profile_free(p);
	/* The checker does fail on a broken profile, at its place. */
	assert_int_equal(profile_check_yaml("x.yaml", "kind: Profile\n", 14, &d), -EINVAL);
	assert_true(d.n_errors >= 1);
	assert_string_equal(d.v[0].file, "x.yaml");
	assert_true(d.v[0].line >= 1 && d.v[0].code[0]);
	rc_diags_free(&d);
}

static void test_merge_diff(void **state)
{
	struct profile *a = sample("web", "web-1"), *b = sample("web", "web-2");
	json_t *d;

	(void)state;
	assert_int_equal(profile_add_syscall(b, PROF_ABI_X86_64, "ptrace", 1), 0);
	assert_int_equal(profile_add_syscall(b, PROF_ABI_I386, "socketcall", 1), 0);
	assert_int_equal(profile_finish(b, 3), 0);
	d = profile_diff(a, b);
	assert_non_null(d);
	assert_int_equal(json_array_size(json_object_get(json_object_get(d, "syscalls"), "added")),
			 2);
	assert_int_equal(
		json_array_size(json_object_get(json_object_get(d, "syscalls"), "removed")), 0);
	assert_int_equal(json_array_size(json_object_get(json_object_get(d, "files"), "added")), 0);
	json_decref(d);
	b->prov.start = 1600000000;
	b->prov.syscall_max[PROF_ABI_X86_64] = 300;
	assert_int_equal(profile_merge(a, b), 0);
	assert_int_equal(a->prov.n_containers, 2);
	assert_int_equal(a->n_selector, 2);
	assert_int_equal(a->prov.events, 2000);
	assert_int_equal(a->prov.start, 1600000000);
	assert_int_equal(a->prov.syscall_max[PROF_ABI_X86_64], 300);
	assert_int_equal(a->n_sys, 23);
	d = profile_diff(a, b);
	assert_int_equal(
		json_array_size(json_object_get(json_object_get(d, "syscalls"), "removed")), 0);
	json_decref(d);
	profile_free(a);
	profile_free(b);
}

/* True when every key of object o is one of keys (NULL-terminated). */
static bool keys_within(json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v)
	{
		const char *const *w = keys;

		(void)v;
		while (*w && strcmp(*w, k))
			w++;
		if (!*w)
			return false;
	}
	return json_is_object(o);
}

/* Every seccomp export, as written (a SeccompProfile whole), passes `ward seccomp
 * check` without an error or an unknown key, lists its architectures, allows what
 * was seen and nothing dangerous (complain: by its default only), and returns ENOSYS for newer syscalls. The
 * SeccompProfile has only the fields of its SPO v1beta1 type, its stamp in
 * annotations; the k8s-caps form is a securityContext's content and nothing else. */
static void test_exports(void **state)
{
	static const char *const spo_spec[] = { "defaultAction",    "architectures", "listenerPath",
						"listenerMetadata", "syscalls",	     "flags",
						"baseProfileName",  "disabled",	     NULL };
	static const char *const spo_syscall[] = { "names", "action", "errnoRet", "args", NULL };
	struct profile *p = sample("web_1", "web-1");
	enum prof_export e;

	(void)state;
	assert_int_equal(profile_add_syscall(p, PROF_ABI_I386, "socketcall", 1), 0);
	for (int i = 0; i < PROF_EXPORT__MAX; i++) {
		for (unsigned int how = 0; how <= PROF_EXPORT_COMPLAIN; how++) {
			json_t *o = profile_export(p, (enum prof_export)i, how), *spec = o, *sys;
			struct sc_report *r = NULL;
			char *s;

			assert_non_null(o);
			assert_int_equal(
				profile_export_parse(profile_export_name((enum prof_export)i), &e),
				0);
			assert_int_equal(e, i);
			if (i > PROF_EXPORT_K8S_SECCOMP) {
				json_decref(o);
				continue;
			}
			if (i == PROF_EXPORT_K8S_SECCOMP) {
				json_t *ann = json_object_get(json_object_get(o, "metadata"),
							      "annotations");

				assert_string_equal(json_string_value(json_object_get(o, "kind")),
						    "SeccompProfile");
				assert_string_equal(
					json_string_value(json_object_get(
						json_object_get(o, "metadata"), "name")),
					"web-1");
				assert_non_null(strstr(json_string_value(json_object_get(
							       ann, "ward.dev/provenance")),
						       "libseccomp"));
				assert_non_null(json_object_get(ann, "ward.dev/enosys"));
				spec = json_object_get(o, "spec");
				assert_true(keys_within(spec, spo_spec));
				for (size_t k = 0;
				     k < json_array_size(json_object_get(spec, "syscalls")); k++)
					assert_true(keys_within(
						json_array_get(json_object_get(spec, "syscalls"),
							       k),
						spo_syscall));
			}
			sys = json_object_get(spec, "syscalls");
			s = json_dumps(o, 0);
			assert_int_equal(sc_check_buffer(s, strlen(s), &r), 0);
			for (size_t k = 0; k < r->n_diags; k++)
				if (r->diags[k].severity == SC_ERROR ||
				    !strcmp(r->diags[k].code, "unknown-key") ||
				    (!how && !strcmp(r->diags[k].code, "dangerous")))
					fail_msg("%s%s: %s %s [%s]", profile_export_name(e),
						 how ? " --complain" : "", r->diags[k].code,
						 r->diags[k].message, r->diags[k].where);
			assert_int_equal(r->n_arches, 3);
			for (size_t a = 0; a < r->n_arches; a++)
				assert_int_equal(r->arches[a].err, 0);
			sc_report_free(r);
			free(s);
			assert_int_equal(
				json_array_size(json_object_get(json_array_get(sys, 0), "names")),
				22);
			/* 334 (rseq) is the last syscall of the recording kernel: 335+ are
			 * newer, refused with ENOSYS */
			assert_int_equal(json_integer_value(json_object_get(json_array_get(sys, 1),
									    "errnoRet")),
					 ENOSYS);
			assert_true(json_array_size(
					    json_object_get(json_array_get(sys, 1), "names")) > 10);
			json_decref(o);
		}
	}
	{
		json_t *o = profile_export(p, PROF_EXPORT_DOCKER_CAPS, 0);
		json_t *f = json_object_get(o, "flags");

		assert_int_equal(json_array_size(f), 2);
		assert_string_equal(json_string_value(json_array_get(f, 0)), "--cap-drop=ALL");
		assert_string_equal(json_string_value(json_array_get(f, 1)),
				    "--cap-add=NET_BIND_SERVICE");
		json_decref(o);
		o = profile_export(p, PROF_EXPORT_OCI_CAPS, 0);
		assert_string_equal(
			json_string_value(json_array_get(json_object_get(o, "bounding"), 0)),
			"CAP_NET_BIND_SERVICE");
		json_decref(o);
		o = profile_export(p, PROF_EXPORT_K8S_CAPS, 0);
		assert_true(keys_within(o, (const char *const[]){ "capabilities", NULL }));
		assert_true(keys_within(json_object_get(o, "capabilities"),
					(const char *const[]){ "drop", "add", NULL }));
		assert_string_equal(
			json_string_value(json_array_get(
				json_object_get(json_object_get(o, "capabilities"), "add"), 0)),
			"NET_BIND_SERVICE");
		json_decref(o);
	}
	assert_int_equal(profile_export_parse("nope", &e), -EINVAL);
	profile_free(p);
}

static char data_dir[PATH_MAX]; /* tests/data/profiles */

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t len;

	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	buf = malloc(1 << 20);
	assert_non_null(buf);
	len = fread(buf, 1, (1 << 20) - 1, f);
	buf[len] = '\0';
	fclose(f);
	*ret_len = len;
	return buf;
}

/* Read back, written again: the same bytes, and the same profile. */
static void test_read_roundtrip(void **state)
{
	struct profile *p = sample("web", "web-1"), *q = NULL;
	char *y1, *y2;
	struct rc_diags d;
	size_t l1, l2;

	(void)state;
	rc_diags_init(&d);
	assert_int_equal(profile_add_syscall(p, PROF_ABI_I386, "socketcall", 4), 0);
	assert_int_equal(profile_finish(p, 3), 0);
	y1 = to_yaml(p, &l1);
	if (profile_read_buffer("web.yaml", y1, l1, &q, &d))
		fail_msg("cannot read what was written: %s\n%s", first_error(&d), y1);
	y2 = to_yaml(q, &l2);
	assert_string_equal(y1, y2);
	assert_string_equal(q->mode, "audit");
	assert_string_equal(q->posture, "alert");
	assert_int_equal(q->n_sys, p->n_sys);
	for (size_t i = 0; i < q->n_sys; i++) {
		assert_int_equal(q->sys[i].abi, p->sys[i].abi);
		assert_string_equal(q->sys[i].name, p->sys[i].name);
		assert_int_equal(q->sys[i].count, p->sys[i].count);
	}
	assert_int_equal(q->n_exec, 1);
	assert_int_equal(q->exec[0].count, 3);
	assert_int_equal(q->exec[0].n_parents, 2);
	assert_string_equal(q->exec[0].parents[0], "");
	assert_int_equal(q->n_files, p->n_files);
	for (size_t i = 0; i < q->n_files; i++) {
		assert_string_equal(q->files[i].path, p->files[i].path);
		assert_int_equal(q->files[i].access, p->files[i].access);
		assert_int_equal(q->files[i].n_covers, p->files[i].n_covers);
	}
	assert_int_equal(q->n_net, 4);
	for (size_t i = 0; i < q->n_net; i++) {
		assert_int_equal(q->net[i].bind, p->net[i].bind);
		assert_int_equal(q->net[i].proto, p->net[i].proto);
		assert_int_equal(q->net[i].port, p->net[i].port);
		assert_memory_equal(q->net[i].addr, p->net[i].addr, sizeof(q->net[i].addr));
		assert_true(!q->net[i].unix_path == !p->net[i].unix_path);
		if (q->net[i].unix_path)
			assert_string_equal(q->net[i].unix_path, p->net[i].unix_path);
	}
	assert_int_equal(q->n_caps, 1);
	assert_true(q->caps[0].inferred);
	assert_string_equal(q->caps[0].evidence, "bind to port 80");
	assert_int_equal(q->prov.start, p->prov.start);
	assert_int_equal(q->prov.end, p->prov.end);
	assert_int_equal(q->prov.events, p->prov.events);
	assert_int_equal(q->prov.syscall_max[PROF_ABI_X86_64], 334);
	assert_string_equal(q->prov.runtime, "runc 1.1.5");
	free(y1);
	free(y2);
	profile_free(p);
	profile_free(q);
}

/* The Profile decides: a syscall, binary, pattern or capability removed from
 * it by hand is not brought back by its observations. */
static void test_read_authoritative(void **state)
{
	struct profile *p = sample("web", "web-1"), *q = NULL;
	struct rc_diags d;
	char *y, *cut;
	size_t len;

	(void)state;
	rc_diags_init(&d);
	y = to_yaml(p, &len);
	cut = strstr(y, ", read,");
	assert_non_null(cut);
	memmove(cut, cut + strlen(", read"), strlen(cut + strlen(", read")) + 1);
	cut = strstr(y, "  capabilities:\n");
	assert_non_null(cut);
	memmove(cut, strstr(cut, "  syscalls:"), strlen(strstr(cut, "  syscalls:")) + 1);
	if (profile_read_buffer("web.yaml", y, strlen(y), &q, &d))
		fail_msg("%s", first_error(&d));
	assert_int_equal(q->n_sys, p->n_sys - 1);
	for (size_t i = 0; i < q->n_sys; i++)
		assert_string_not_equal(q->sys[i].name, "read");
	assert_int_equal(q->n_caps, 0);
	free(y);
	profile_free(p);
	profile_free(q);
}

static void test_read_cases(void **state)
{
	struct dirent **ents;
	int n, cases = 0;

	(void)state;
	n = scandir(data_dir, &ents, NULL, alphasort);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		size_t nl = strlen(name), len, got_len = 0;
		char path[PATH_MAX * 2], *buf, *expected, *got = NULL, *err = NULL;
		struct profile *p = NULL;
		struct rc_diags d;
		FILE *f;

		if (name[0] < '0' || name[0] > '9' || nl < 5 || strcmp(name + nl - 5, ".yaml")) {
			free(ents[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", data_dir, name);
		buf = slurp(path, &len);
		f = open_memstream(&got, &got_len);
		assert_non_null(f);
		rc_diags_init(&d);
		if (profile_read_buffer(name, buf, len, &p, &d) == 0) {
			assert_int_equal(profile_write_yaml(p, f, p->mode, p->posture), 0);
			fflush(f);
			if (profile_check_yaml(name, got, got_len, &d))
				fail_msg("%s: rulesc rejects it written back: %s", name,
					 first_error(&d));
		} else {
			/* at its place, with the source line and a code */
			assert_true(d.n_errors >= 1);
			assert_string_equal(d.v[0].file, name);
			assert_true(d.v[0].line >= 1 && d.v[0].text[0] && d.v[0].code[0]);
			err = first_error(&d);
			fprintf(f, "%s\n", err);
		}
		rc_diags_free(&d);
		fclose(f);
		snprintf(path, sizeof(path), "%s/%.*s.expected", data_dir, (int)(nl - 5), name);
		expected = slurp(path, &len);
		if (strcmp(expected, got) != 0)
			fail_msg("%s: differs\n--- expected\n%s--- got\n%s", name, expected, got);
		free(expected);
		free(got);
		free(err);
		free(buf);
		profile_free(p);
		free(ents[i]);
		cases++;
	}
	free(ents);
	assert_true(cases >= 20);
}

/* The profile's entry for raw after profile_finish(p, 3): a pattern covering
 * it, or raw itself. */
static const char *entry_for(const struct profile *p, const char *raw)
{
	for (size_t i = 0; i < p->n_files; i++) {
		if (!strcmp(p->files[i].path, raw))
			return p->files[i].path;
		for (size_t c = 0; c < p->files[i].n_covers; c++)
			if (!strcmp(p->files[i].covers[c], raw))
				return p->files[i].path;
	}
	return NULL;
}

/* Names mktemp and its kin make up become globs even for one file, so two
 * runs of one workload agree; names that only look a little generated stay
 * exact until more than the threshold share a shape. */
static void test_generalise_temp(void **state)
{
	static const struct {
		const char *raw, *want;
	} cases[] = {
		/* mktemp(1): tmp.XXXXXXXXXX, in /tmp or anywhere */
		{ "/tmp/tmp.Xk3Pq9ZbW1", "/tmp/tmp.*" },
		{ "/data/tmp.qwhzkrmvbt", "/data/tmp.*" },
		/* mkstemp("tmpXXXXXX"), Python's tempfile (tmp + 8 of [a-z0-9_]) */
		{ "/var/tmp/tmpk3j_2x9a", "/var/tmp/tmp*" },
		{ "/srv/cache/tmpAb12Cd", "/srv/cache/tmp*" },
		/* templates in a temporary directory: the X's at the end, or before a suffix */
		{ "/tmp/upload.Ab3dEf", "/tmp/upload.*" },
		{ "/tmp/report-x7Qp2L.json", "/tmp/report-*.json" },
		{ "/tmp/Zq81Lm", "/tmp/*" },
		{ "/dev/shm/sem.4fGh7J", "/dev/shm/sem.*" },
		/* mktemp -d: the directory is random, and rulesc takes globs in the
		 * last component only: the directory above it as a prefix */
		{ "/scratch/tmp.Q2w3E4r5T6/out.txt", "/scratch/" },
		{ "/scratch/tmp.Q2w3E4r5T6", "/scratch/" },
		/* not temporary names */
		{ "/etc/tmp.config", "/etc/tmp.config" },		/* a word after tmp. */
		{ "/etc/nginx/nginx.conf", "/etc/nginx/nginx.conf" },	/* no random run */
		{ "/usr/bin/sha256sum", "/usr/bin/sha256sum" },		/* not in a temp dir */
		{ "/srv/app/upload.Ab3dEf", "/srv/app/upload.Ab3dEf" }, /* ditto */
		{ "/var/tmpdata/x.Ab3dEf", "/var/tmpdata/x.Ab3dEf" },	/* not /var/tmp/ */
		{ "/run/Makefile", "/run/Makefile" },
		{ "/opt/Prince.txt", "/opt/Prince.txt" },
		{ "/var/tmp/Capital", "/var/tmp/Capital" },	  /* a capitalised word */
		{ "/var/tmp/abcdef", "/var/tmp/abcdef" },	  /* one case, no digit */
		{ "/var/tmp/part-1.txt", "/var/tmp/part-1.txt" }, /* counted: 1 <= threshold */
	};
	struct profile *p = profile_new("t");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(profile_add_file(p, cases[i].raw, WARD_ACC_WRITE), 0);
	assert_int_equal(profile_finish(p, 3), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = entry_for(p, cases[i].raw);

		if (!got || strcmp(got, cases[i].want))
			fail_msg("%s: %s, not %s", cases[i].raw, got ? got : "(missing)",
				 cases[i].want);
	}
	profile_free(p);
}

/* Two runs of a workload that makes temporary files: the same profile. */
static void test_generalise_two_runs(void **state)
{
	static const char *const runs[2][5] = {
		{ "/tmp/tmp.Xk3Pq9ZbW1", "/tmp/upload.Ab3dEf", "/tmp/tmpk3j_2x9a",
		  "/work/out-x7Qp2L.json", "/var/tmp/tmp.aB9xY2zQ1w/data" },
		{ "/tmp/tmp.p0OiU8yT7r", "/tmp/upload.9zYxW8", "/tmp/tmpq_8rr2mz",
		  "/work/out-Lm4Nb1.json", "/var/tmp/tmp.Hn5Gt6Ju8K/data" },
	};
	struct profile *p[2];
	json_t *d;

	(void)state;
	for (int r = 0; r < 2; r++) {
		p[r] = profile_new("t");
		assert_non_null(p[r]);
		for (int i = 0; i < 5; i++)
			assert_int_equal(profile_add_file(p[r], runs[r][i],
							  WARD_ACC_WRITE | WARD_ACC_CREATE),
					 0);
		assert_int_equal(profile_finish(p[r], 3), 0);
	}
	d = profile_diff(p[0], p[1]);
	assert_non_null(d);
	/* /work/ is no temporary directory: its mkstemp name stays (one each) */
	assert_int_equal(json_array_size(json_object_get(json_object_get(d, "files"), "added")), 2);
	assert_int_equal(json_array_size(json_object_get(json_object_get(d, "files"), "removed")),
			 2);
	json_decref(d);
	assert_int_equal(p[0]->n_files, 5);
	assert_int_equal(p[1]->n_files, 5);
	for (size_t i = 0; i < p[1]->n_files; i++)
		if (strncmp(p[1]->files[i].path, "/work/", 6))
			assert_string_equal(p[1]->files[i].path, p[0]->files[i].path);
	assert_string_equal(entry_for(p[1], "/var/tmp/tmp.Hn5Gt6Ju8K/data"), "/var/tmp/");
	profile_free(p[0]);
	profile_free(p[1]);
}

/* Every pattern generalisation makes matches each raw path it covers (a
 * glob as fnmatch(3) reads it, a directory as a prefix), for names made of
 * the characters that make shapes, temporary names and glob syntax. */
static void test_generalise_covers(void **state)
{
	static const char *const dirs[] = { "/tmp/", "/var/tmp/x/", "/srv/", "/dev/shm/" };
	static const char alphabet[] = "tmp.-_aZ09fF*?[]\\xX";
	unsigned int seed = 1;

	(void)state;
	for (int round = 0; round < 200; round++) {
		struct profile *p = profile_new("t");
		char path[128];

		assert_non_null(p);
		for (int i = 0; i < 30; i++) {
			int len = 1 + (int)(rand_r(&seed) % 14), o;

			o = snprintf(path, sizeof(path), "%s", dirs[rand_r(&seed) % 4]);
			if (rand_r(&seed) % 4 == 0)
				o += snprintf(path + o, sizeof(path) - (size_t)o, "tmp.%c%c3Zq9Lw/",
					      'a' + (char)(rand_r(&seed) % 26),
					      'A' + (char)(rand_r(&seed) % 26));
			for (int c = 0; c < len; c++)
				path[o++] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
			path[o] = '\0';
			assert_int_equal(profile_add_file(p, path, WARD_ACC_READ), 0);
		}
		assert_int_equal(profile_finish(p, 2), 0);
		for (size_t i = 0; i < p->n_files; i++) {
			const struct prof_file *f = &p->files[i];
			size_t len = strlen(f->path);

			for (size_t c = 0; c < f->n_covers; c++) {
				bool ok = f->path[len - 1] == '/'
						  ? !strncmp(f->covers[c], f->path, len)
						  : !fnmatch(f->path, f->covers[c], FNM_PATHNAME);

				if (!ok)
					fail_msg("%s does not cover %s", f->path, f->covers[c]);
			}
		}
		profile_free(p);
	}
}

/* A glob stands for the names it covers: the rest of the name is literal. */
static void test_generalise_escapes(void **state)
{
	struct profile *p = profile_new("t");
	char path[64], *y;
	struct rc_diags d;
	size_t len;

	(void)state;
	rc_diags_init(&d);
	assert_int_equal(profile_add_container(p, "c"), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/srv/log[%d]-%d.txt", 1, 100 + i);
		assert_int_equal(profile_add_file(p, path, WARD_ACC_WRITE), 0);
	}
	assert_int_equal(profile_finish(p, 3), 0);
	assert_int_equal(p->n_files, 1);
	assert_string_equal(p->files[0].path, "/srv/log\\[*]-*.txt");
	y = to_yaml(p, &len);
	if (profile_check_yaml("t.yaml", y, len, &d) != 0)
		fail_msg("rulesc rejects the escaped glob: %s\n%s", first_error(&d), y);
	free(y);
	profile_free(p);
}

/* A profile learned from a container that was already running is marked
 * partial: in the stamp (comment, description, exports' comments), in the
 * companion list, read back, and through merges until one input learned
 * that container from its start. */
static void test_partial(void **state)
{
	struct profile *a = sample("web", "web-1"), *whole = sample("web", "web-1"),
		       *other = sample("web", "web-2"), *q = NULL, *q2 = NULL;
	char *y, *y2, *s;
	struct rc_diags d;
	size_t len, len2;
	json_t *o;

	(void)state;
	rc_diags_init(&d);
	assert_int_equal(profile_mark_partial(a, "web-1"), 0);
	assert_int_equal(profile_mark_partial(a, "web-1"), 0);
	assert_int_equal(a->prov.n_partial, 1);
	y = to_yaml(a, &len);
	assert_non_null(strstr(y, "# learned by ward"));
	assert_non_null(strstr(y, "; PARTIAL: web-1 was already running when learning began, its "
				  "start is missing\n"));
	assert_non_null(strstr(y, "  description: \"learned by ward"));
	assert_non_null(strstr(y, "{\\\"partial\\\":\\\"web-1\\\"}"));
	if (profile_check_yaml("web.yaml", y, len, &d) != 0)
		fail_msg("rulesc rejects the partial profile: %s\n%s", first_error(&d), y);
	if (profile_read_buffer("web.yaml", y, len, &q, &d))
		fail_msg("cannot read the partial profile back: %s", first_error(&d));
	assert_int_equal(q->prov.n_partial, 1);
	assert_string_equal(q->prov.partial[0], "web-1");
	y2 = to_yaml(q, &len2);
	assert_string_equal(y, y2);
	free(y2);
	o = profile_export(q, PROF_EXPORT_OCI_SECCOMP, 0);
	s = json_dumps(o, 0);
	assert_non_null(strstr(s, "PARTIAL: web-1"));
	free(s);
	json_decref(o);
	/* another container learned whole does not complete web-1 */
	assert_int_equal(profile_merge(q, other), 0);
	assert_int_equal(q->prov.n_partial, 1);
	/* web-1 learned from its start does, either way round */
	assert_int_equal(profile_merge(q, whole), 0);
	assert_int_equal(q->prov.n_partial, 0);
	assert_int_equal(profile_merge(whole, a), 0);
	assert_int_equal(whole->prov.n_partial, 0);
	/* partial in both stays partial; a partial input marks a whole one */
	if (profile_read_buffer("web.yaml", y, len, &q2, &d))
		fail_msg("%s", first_error(&d));
	assert_int_equal(profile_merge(q2, a), 0);
	assert_int_equal(q2->prov.n_partial, 1);
	assert_int_equal(profile_merge(other, a), 0);
	assert_int_equal(other->prov.n_partial, 1);
	assert_string_equal(other->prov.partial[0], "web-1");
	/* no partial mark, no partial words: other profiles read and write as before */
	y2 = to_yaml(whole, &len2);
	assert_null(strstr(y2, "PARTIAL"));
	assert_null(strstr(y2, "partial"));
	free(y2);
	free(y);
	profile_free(a);
	profile_free(whole);
	profile_free(other);
	profile_free(q);
	profile_free(q2);
}

static void test_limits(void **state)
{
	struct profile *p = profile_new("x"), *q = NULL;
	char path[WARD_PATH_MAX + 2];
	struct rc_diags d;

	(void)state;
	/* What rulesc cannot compile is refused when recorded. */
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(profile_add_file(p, path, WARD_ACC_READ), -ENAMETOOLONG);
	assert_int_equal(profile_add_exec(p, path, NULL, 1), -ENAMETOOLONG);
	for (int i = 0; i <= WARD_PATH_DEPTH; i++)
		memcpy(path + 2 * i, "/a", 2);
	path[2 * (WARD_PATH_DEPTH + 1)] = '\0';
	assert_int_equal(profile_add_file(p, path, WARD_ACC_READ), -ENAMETOOLONG);
	rc_diags_init(&d);
	assert_int_equal(profile_read_file("/nonexistent/x.yaml", &q, &d), -ENOENT);
	assert_null(q);
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.v[0].code, "profile-unreadable");
	assert_string_equal(d.v[0].file, "/nonexistent/x.yaml"); /* the file, no line */
	assert_int_equal(d.v[0].line, 0);
	assert_string_equal(d.v[0].message, strerror(ENOENT));
	rc_diags_free(&d);
	profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_yaml_rulesc),
		cmocka_unit_test(test_merge_diff),
		cmocka_unit_test(test_exports),
		cmocka_unit_test(test_read_roundtrip),
		cmocka_unit_test(test_read_authoritative),
		cmocka_unit_test(test_read_cases),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_generalise_temp),
		cmocka_unit_test(test_generalise_two_runs),
		cmocka_unit_test(test_generalise_escapes),
		cmocka_unit_test(test_generalise_covers),
		cmocka_unit_test(test_partial),
	};
	char self[] = __FILE__;

	/* tests/unit/test_profile.c -> tests/data/profiles */
	snprintf(data_dir, sizeof(data_dir), "%s/../data/profiles", dirname(self));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
