// SPDX-License-Identifier: Apache-2.0
/* ward doctor: LSM list parsing, the verdict built from probe results, the
 * JSON document, and one live probe_all() run checked for consistency. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <linux/magic.h>

#include "enforce/probe.h"

/* Everything works, as on a kernel with BPF-LSM. */
static void all_ok(struct probe_results *r)
{
	memset(r, 0, sizeof(*r));
	(void)snprintf(r->kernel, sizeof(r->kernel), "6.1.0-test");
	(void)snprintf(r->tracefs_dir, sizeof(r->tracefs_dir), "%s", PROBE_TRACEFS_DIR);
	(void)snprintf(r->lsm_list, sizeof(r->lsm_list), "lockdown,capability,bpf");
	r->lsm_list_known = true;
	r->bpf_in_lsm_list = true;
	r->ia32_syscalls = true; /* Debian's kernels */
	for (size_t i = 0; i < PROBE_COUNT; i++) {
		r->checks[i].status = PROBE_OK;
		(void)snprintf(r->checks[i].detail, sizeof(r->checks[i].detail), "ok");
	}
}

static void set_fail(struct probe_results *r, enum probe_id id, int err)
{
	r->checks[id].status = PROBE_FAIL;
	r->checks[id].err = err;
}

/* The host's shape: BPF-LSM and fentry refused with EPERM. */
static void host_like(struct probe_results *r)
{
	all_ok(r);
	set_fail(r, PROBE_BPF_LSM, EPERM);
	set_fail(r, PROBE_FENTRY, EPERM);
}

static void test_lsm_list(void **state)
{
	(void)state;
	assert_true(probe_lsm_list_has("lockdown,capability,landlock,bpf", "bpf"));
	assert_true(probe_lsm_list_has("bpf", "bpf"));
	assert_true(probe_lsm_list_has("bpf,landlock", "bpf"));
	assert_true(probe_lsm_list_has("capability,bpf\n", "bpf"));
	assert_true(probe_lsm_list_has("capability,,bpf", "bpf"));
	assert_false(probe_lsm_list_has("lockdown,capability,landlock", "bpf"));
	assert_false(probe_lsm_list_has("ebpf,bpfx,bp", "bpf"));
	assert_false(probe_lsm_list_has("", "bpf"));
	assert_false(probe_lsm_list_has("bpf", ""));
	assert_true(probe_lsm_list_has("lockdown,capability", "capability"));
}

static void test_verifier_last_line(void **state)
{
	char line[PROBE_LINE_MAX];

	(void)state;
	probe_verifier_last_line("0: R1=ctx() R10=fp0\n0: (85) call bpf_sk_lookup_tcp#84\n"
				 "program of this type cannot use helper bpf_sk_lookup_tcp#84\n"
				 "processed 1 insns (limit 1000000) max_states_per_insn 0\n",
				 line, sizeof(line));
	assert_string_equal(line, "program of this type cannot use helper bpf_sk_lookup_tcp#84");
	probe_verifier_last_line("R0 !read_ok\n\n", line, sizeof(line));
	assert_string_equal(line, "R0 !read_ok");
	probe_verifier_last_line("", line, sizeof(line));
	assert_string_equal(line, "");
	probe_verifier_last_line("a very long line", line, 7);
	assert_string_equal(line, "a very");
}

static void test_verdict_lsm(void **state)
{
	struct probe_results r;
	struct probe_verdict v;

	(void)state;
	all_ok(&r);
	probe_verdict(&r, &v);
	for (size_t t = 0; t < PROBE_TRACKER_COUNT; t++)
		assert_true(v.trackers[t].usable);
	for (size_t res = 0; res < PROBE_RES_COUNT; res++)
		assert_int_equal(v.enforcement[res], PROBE_LEVEL_LSM);
	assert_true(v.can_run);
	assert_true(v.seccomp_profiles.usable);
}

static void test_verdict_fallbacks(void **state)
{
	struct probe_results r;
	struct probe_verdict v;

	(void)state;
	host_like(&r);
	probe_verdict(&r, &v);
	assert_int_equal(v.enforcement[PROBE_RES_EXEC], PROBE_LEVEL_SIGKILL);
	assert_int_equal(v.enforcement[PROBE_RES_FILE], PROBE_LEVEL_SIGKILL);
	assert_int_equal(v.enforcement[PROBE_RES_NETWORK], PROBE_LEVEL_CGROUP);
	assert_int_equal(v.enforcement[PROBE_RES_CAPABILITIES], PROBE_LEVEL_NONE);
	assert_non_null(strstr(v.enforcement_reason[PROBE_RES_EXEC], "bpf_lsm (EPERM)"));
	assert_non_null(strstr(v.enforcement_reason[PROBE_RES_CAPABILITIES], "bpf_lsm (EPERM)"));
	for (size_t t = 0; t < PROBE_TRACKER_COUNT; t++)
		assert_true(v.trackers[t].usable);

	/* File opens and changes are decided at tp_btf/sys_exit, execs at a
	 * tracepoint; changes on the names passed, and the reason says so. */
	assert_non_null(strstr(v.enforcement_reason[PROBE_RES_FILE], "names passed, not resolved"));
	set_fail(&r, PROBE_TP_BTF, EPERM);
	probe_verdict(&r, &v);
	assert_int_equal(v.enforcement[PROBE_RES_EXEC], PROBE_LEVEL_SIGKILL);
	assert_int_equal(v.enforcement[PROBE_RES_FILE], PROBE_LEVEL_NONE);
	assert_non_null(strstr(v.enforcement_reason[PROBE_RES_FILE], "tp_btf (EPERM)"));
	host_like(&r);

	/* No bpf_send_signal and no cgroup programs: nothing enforces. */
	set_fail(&r, PROBE_SEND_SIGNAL, 0);
	set_fail(&r, PROBE_CGROUP_SOCK_ADDR, EPERM);
	probe_verdict(&r, &v);
	for (size_t res = 0; res < PROBE_RES_COUNT; res++)
		assert_int_equal(v.enforcement[res], PROBE_LEVEL_NONE);
	assert_non_null(strstr(v.enforcement_reason[PROBE_RES_EXEC], "send_signal"));
	assert_non_null(
		strstr(v.enforcement_reason[PROBE_RES_NETWORK], "cgroup_sock_addr (EPERM)"));
}

static void test_verdict_lsm_not_listed(void **state)
{
	struct probe_results r;
	struct probe_verdict v;

	(void)state;
	all_ok(&r);
	/* Loads, but "bpf" is not an active LSM: probe_all reports that as a failure. */
	set_fail(&r, PROBE_BPF_LSM, 0);
	r.bpf_in_lsm_list = false;
	probe_verdict(&r, &v);
	assert_int_equal(v.enforcement[PROBE_RES_EXEC], PROBE_LEVEL_SIGKILL);
	assert_non_null(strstr(v.enforcement_reason[PROBE_RES_EXEC], "not in the LSM list"));
}

static void test_verdict_no_tracefs(void **state)
{
	struct probe_results r;
	struct probe_verdict v;

	(void)state;
	host_like(&r);
	r.tracefs_dir[0] = '\0';
	r.checks[PROBE_TRACEFS].status = PROBE_WARN;
	r.checks[PROBE_TRACEPOINT].status = PROBE_WARN;
	for (size_t i = 0; i < PROBE_EV_COUNT; i++)
		r.event_err[i] = ENOENT;
	probe_verdict(&r, &v);
	assert_false(v.trackers[PROBE_TRACKER_PROCESS].usable);
	assert_false(v.trackers[PROBE_TRACKER_TCP].usable);
	/* raw_tp needs no tracefs */
	assert_true(v.trackers[PROBE_TRACKER_FILES].usable);
	assert_true(v.trackers[PROBE_TRACKER_SYSCALL].usable);
	assert_true(v.can_run);
	assert_non_null(strstr(v.trackers[PROBE_TRACKER_TCP].reason, "tracefs not mounted"));
	/* The tracepoint failure explains the events; they are not listed again. */
	assert_null(strstr(v.trackers[PROBE_TRACKER_PROCESS].reason, "sched_process_exec"));
	assert_int_equal(v.enforcement[PROBE_RES_EXEC], PROBE_LEVEL_NONE);

	set_fail(&r, PROBE_TP_BTF, EPERM);
	probe_verdict(&r, &v);
	assert_false(v.can_run);
	assert_false(v.seccomp_profiles.usable);
	assert_non_null(strstr(v.seccomp_profiles.reason, "syscall tracker"));
}

static void test_verdict_missing_event(void **state)
{
	struct probe_results r;
	struct probe_verdict v;

	(void)state;
	all_ok(&r);
	r.event_err[PROBE_EV_SCHED_PROCESS_EXEC] = ENOENT;
	set_fail(&r, PROBE_TP_BTF, EINVAL);
	probe_verdict(&r, &v);
	assert_false(v.trackers[PROBE_TRACKER_PROCESS].usable);
	assert_non_null(strstr(v.trackers[PROBE_TRACKER_PROCESS].reason,
			       "sched/sched_process_exec (ENOENT)"));
	assert_non_null(strstr(v.trackers[PROBE_TRACKER_PROCESS].reason, "tp_btf (EINVAL)"));
	assert_true(v.trackers[PROBE_TRACKER_TCP].usable);
	assert_false(v.trackers[PROBE_TRACKER_FILES].usable); /* tp_btf/sys_exit */

	set_fail(&r, PROBE_RINGBUF, EPERM);
	probe_verdict(&r, &v);
	assert_false(v.trackers[PROBE_TRACKER_TCP].usable);
}

static void test_json_shape(void **state)
{
	static const char *const names[] = {
		"btf",	       "bpf_syscall", "ringbuf",    "tracefs",
		"bpffs",       "cgroup2",     "tracepoint", "raw_tp",
		"tp_btf",      "bpf_lsm",     "fentry",	    "cgroup_sock_addr",
		"send_signal", "seccomp",     "privileges", "compat_syscalls",
	};
	struct probe_results r;
	struct probe_verdict v;
	json_t *doc, *checks, *c, *lsm = NULL;
	json_error_t jerr;
	char *text;

	(void)state;
	host_like(&r);
	(void)snprintf(r.checks[PROBE_TP_BTF].verifier_log,
		       sizeof(r.checks[PROBE_TP_BTF].verifier_log), "last verifier line");
	probe_verdict(&r, &v);
	doc = probe_to_json(&r, &v);
	assert_non_null(doc);

	/* It survives a round trip through text. */
	text = json_dumps(doc, JSON_COMPACT);
	assert_non_null(text);
	json_decref(doc);
	doc = json_loads(text, 0, &jerr);
	free(text);
	assert_non_null(doc);

	assert_int_equal(json_integer_value(json_object_get(doc, "schema")), PROBE_JSON_SCHEMA);
	assert_string_equal(json_string_value(json_object_get(doc, "kernel")), "6.1.0-test");
	assert_true(json_is_true(json_object_get(doc, "can_run")));
	c = json_object_get(doc, "compat_syscalls"); /* all_ok(): i386 runs, x32 does not */
	assert_true(json_is_true(json_object_get(c, "i386")));
	assert_true(json_is_false(json_object_get(c, "x32")));

	checks = json_object_get(doc, "checks");
	assert_true(json_is_array(checks));
	assert_int_equal(json_array_size(checks), PROBE_COUNT);
	assert_int_equal(sizeof(names) / sizeof(names[0]), PROBE_COUNT);
	for (size_t i = 0; i < PROBE_COUNT; i++) {
		c = json_array_get(checks, i);
		assert_string_equal(json_string_value(json_object_get(c, "name")), names[i]);
		assert_true(json_is_boolean(json_object_get(c, "ok")));
		assert_true(json_is_string(json_object_get(c, "detail")));
		assert_true(json_is_string(json_object_get(c, "status")));
		assert_non_null(json_object_get(c, "errno"));
		if (!strcmp(names[i], "bpf_lsm"))
			lsm = c;
	}
	assert_non_null(lsm);
	assert_true(json_is_false(json_object_get(lsm, "ok")));
	assert_string_equal(json_string_value(json_object_get(lsm, "errno")), "EPERM");
	assert_string_equal(json_string_value(json_object_get(lsm, "lsm_list")),
			    "lockdown,capability,bpf");
	assert_true(json_is_true(json_object_get(lsm, "bpf_in_lsm_list")));
	c = json_array_get(checks, PROBE_BTF);
	assert_true(json_is_true(json_object_get(c, "ok")));
	assert_true(json_is_null(json_object_get(c, "errno")));
	assert_null(json_object_get(c, "verifier_log"));
	c = json_array_get(checks, PROBE_TP_BTF);
	assert_string_equal(json_string_value(json_object_get(c, "verifier_log")),
			    "last verifier line");

	for (size_t t = 0; t < PROBE_TRACKER_COUNT; t++) {
		json_t *tr =
			json_object_get(json_object_get(doc, "trackers"), probe_tracker_name(t));

		assert_true(json_is_true(json_object_get(tr, "usable")));
		assert_true(json_is_string(json_object_get(tr, "reason")));
	}
	assert_int_equal(json_array_size(json_object_get(doc, "tracepoints")), PROBE_EV_COUNT);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(doc, "enforcement"), "exec")),
		"sigkill");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(doc, "enforcement"), "file")),
		"sigkill");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(doc, "enforcement"), "network")),
		"cgroup");
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "enforcement"),
							      "capabilities")),
			    "none");
	assert_true(json_is_string(
		json_object_get(json_object_get(doc, "enforcement_reasons"), "capabilities")));
	assert_true(
		json_is_true(json_object_get(json_object_get(doc, "seccomp_profiles"), "usable")));
	json_decref(doc);
}

static bool leftover_cgroup(const char *dir)
{
	struct dirent *de;
	bool found = false;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while ((de = readdir(d)))
		found |= !strncmp(de->d_name, PROBE_TMP_CGROUP_PREFIX,
				  strlen(PROBE_TMP_CGROUP_PREFIX));
	closedir(d);
	return found;
}

static int count_fds(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static bool securityfs_mounted(void)
{
	struct statfs st;

	return statfs(PROBE_SECURITYFS_DIR, &st) == 0 && st.f_type == SECURITYFS_MAGIC;
}

/* The real thing: every check reports something, OK means no errno, and the
 * probes leave no trace (no temporary cgroup, no securityfs mount, no fd). */
static void test_probe_all_live(void **state)
{
	bool securityfs_before = securityfs_mounted();
	int fds_before = count_fds();
	struct probe_results r;
	struct probe_verdict v;
	struct utsname uts;

	(void)state;
	if (geteuid() != 0) {
		print_message("skipped: loading BPF programs needs root\n");
		skip();
	}
	assert_int_equal(probe_all(&r), 0);
	assert_int_equal(uname(&uts), 0);
	assert_string_equal(r.kernel, uts.release);
	for (size_t i = 0; i < PROBE_COUNT; i++) {
		const struct probe_check *c = &r.checks[i];

		assert_true(c->detail[0] != '\0');
		if (c->status == PROBE_OK)
			assert_int_equal(c->err, 0);
	}
	if (r.checks[PROBE_BPF_LSM].status == PROBE_OK)
		assert_true(r.lsm_list_known && r.bpf_in_lsm_list);
	if (r.checks[PROBE_TRACEPOINT].status == PROBE_OK)
		assert_int_equal(r.event_err[PROBE_EV_SYS_ENTER_GETPID], 0);
	assert_int_equal(r.checks[PROBE_TRACEFS].status == PROBE_OK, r.tracefs_dir[0] != '\0');
	assert_int_equal(r.checks[PROBE_CGROUP2].status == PROBE_OK, r.cgroup2_dir[0] != '\0');
	if (r.cgroup2_dir[0])
		assert_false(leftover_cgroup(r.cgroup2_dir));
	assert_int_equal(securityfs_mounted(), securityfs_before);
	assert_int_equal(count_fds(), fds_before);

	probe_verdict(&r, &v);
	assert_int_equal(v.trackers[PROBE_TRACKER_SYSCALL].usable,
			 r.checks[PROBE_TP_BTF].status == PROBE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lsm_list),
		cmocka_unit_test(test_verifier_last_line),
		cmocka_unit_test(test_verdict_lsm),
		cmocka_unit_test(test_verdict_fallbacks),
		cmocka_unit_test(test_verdict_lsm_not_listed),
		cmocka_unit_test(test_verdict_no_tracefs),
		cmocka_unit_test(test_verdict_missing_event),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_probe_all_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
