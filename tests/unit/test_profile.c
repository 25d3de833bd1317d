// SPDX-License-Identifier: Apache-2.0
/*
 * Learned profiles: recording, path generalisation, the YAML rulesc must
 * accept (checked with librulesc), merge, diff and the runtime exports
 * (checked with `ward seccomp check`'s compiler).
 */
#include <errno.h>
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

#include "bundle_maps.h"
#include "profile.h"
#include "profile_check.h"
#include "seccomp_json.h"

static const char *const runc_and_exit[] = {
	"close",  "epoll_ctl", "execve",	 "fstatfs",	"getdents64",	  "getpid",
	"openat", "write",     "futex",		 "madvise",	"mmap",		  "munmap",
	"nanosleep", "rt_sigprocmask", "sched_yield", "sigaltstack", "tgkill", "exit",
	"exit_group", "rt_sigreturn",
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
	assert_int_equal(p->n_net, 2);
	/* /etc/passwd, /proc/ (pids), /tmp/tmp.* (1 file: kept raw), /tmp/upload-*.part */
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
	assert_string_equal(p->files[2].path, "/tmp/tmp.Ab3dE9");
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
	char *err = NULL, *y;
	size_t len;

	(void)state;
	y = to_yaml(p, &len);
	assert_non_null(strstr(y, "kind: Profile"));
	assert_non_null(strstr(y, "libseccomp"));
	assert_non_null(strstr(y, "runc 1.1.5"));
	assert_non_null(strstr(y, "{dirs: [\"/proc/\"], access: [read]}"));
	assert_non_null(strstr(y, "\\\"covers\\\":\\\"/tmp/upload-1003.part\\\""));
	assert_non_null(strstr(y, "\\\"inferred\\\":true"));
	if (profile_check_yaml("web.yaml", y, len, &err) != 0)
		fail_msg("rulesc rejects the profile: %s\n%s", err ? err : "?", y);
	free(y);
	profile_free(p);
	/* The checker does fail on a broken profile. */
	assert_int_equal(profile_check_yaml("x.yaml", "kind: Profile\n", 14, &err), -EINVAL);
	assert_non_null(err);
	free(err);
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

/* Every seccomp export compiles, lists its architectures, allows what was
 * seen and nothing dangerous, and returns ENOSYS for newer syscalls. */
static void test_exports(void **state)
{
	struct profile *p = sample("web", "web-1");
	enum prof_export e;

	(void)state;
	assert_int_equal(profile_add_syscall(p, PROF_ABI_I386, "socketcall", 1), 0);
	for (int i = 0; i < PROF_EXPORT__MAX; i++) {
		json_t *o = profile_export(p, (enum prof_export)i), *spec = o;

		assert_non_null(o);
		assert_int_equal(profile_export_parse(profile_export_name((enum prof_export)i), &e),
				 0);
		assert_int_equal(e, i);
		if (i == PROF_EXPORT_K8S_SECCOMP) {
			assert_string_equal(json_string_value(json_object_get(o, "kind")),
					    "SeccompProfile");
			assert_non_null(strstr(
				json_string_value(json_object_get(
					json_object_get(json_object_get(o, "metadata"), "annotations"),
					"ward.dev/provenance")),
				"libseccomp"));
			spec = json_object_get(o, "spec");
		}
		if (i <= PROF_EXPORT_K8S_SECCOMP) {
			char *s = json_dumps(spec, 0);
			struct sc_report *r = NULL;
			json_t *sys = json_object_get(spec, "syscalls"), *enosys;

			assert_int_equal(sc_check_buffer(s, strlen(s), &r), 0);
			assert_int_equal(r->n_errors, 0);
			assert_int_equal(r->n_arches, 3);
			for (size_t a = 0; a < r->n_arches; a++)
				assert_int_equal(r->arches[a].err, 0);
			for (size_t k = 0; k < r->n_diags; k++)
				assert_string_not_equal(r->diags[k].code, "dangerous");
			sc_report_free(r);
			free(s);
			assert_int_equal(json_array_size(json_object_get(json_array_get(sys, 0),
									 "names")),
					 22);
			enosys = json_array_get(sys, 1);
			assert_int_equal(json_integer_value(json_object_get(enosys, "errnoRet")),
					 ENOSYS);
			/* io_pgetevents (333) is older than the kernel, rseq newer? no:
			 * 334 is the last one it has; statx (332) too; 335+ are newer. */
			assert_true(json_array_size(json_object_get(enosys, "names")) > 10);
		}
		json_decref(o);
	}
	{
		json_t *o = profile_export(p, PROF_EXPORT_DOCKER_CAPS);
		json_t *f = json_object_get(o, "flags");

		assert_int_equal(json_array_size(f), 2);
		assert_string_equal(json_string_value(json_array_get(f, 0)), "--cap-drop=ALL");
		assert_string_equal(json_string_value(json_array_get(f, 1)),
				    "--cap-add=NET_BIND_SERVICE");
		json_decref(o);
		o = profile_export(p, PROF_EXPORT_OCI_CAPS);
		assert_string_equal(json_string_value(json_array_get(json_object_get(o, "bounding"),
								     0)),
				    "CAP_NET_BIND_SERVICE");
		json_decref(o);
	}
	assert_int_equal(profile_export_parse("nope", &e), -EINVAL);
	profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_yaml_rulesc),
		cmocka_unit_test(test_merge_diff),
		cmocka_unit_test(test_exports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
