// SPDX-License-Identifier: Apache-2.0
/*
 * ward learn without the kernel: which containers are selected, how paths
 * the kernel reports are resolved, how records become profile entries, the
 * essentials every learned profile carries (checked with `ward seccomp
 * check`'s compiler) and capabilities inferred where the kernel cannot say.
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
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "ward/bundle_maps.h"
#include "learn/learn_model.h"
#include "seccomp/sysops_table.h"
#include "seccomp/seccomp_json.h"

static void resolve_ok(const char *base, const char *name, const char *want)
{
	char out[512];

	assert_int_equal(
		learn_path_resolve(base, strlen(base), name, strlen(name), out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void test_path_resolve(void **state)
{
	char out[8];

	(void)state;
	resolve_ok("/tmp/d", "rel", "/tmp/d/rel");
	resolve_ok("/tmp/d", "", "/tmp/d");
	resolve_ok("/ignored", "/etc//passwd", "/etc/passwd");
	resolve_ok("/a/b/c", "../../x/./y", "/a/x/y");
	resolve_ok("/", "../../..", "/");
	resolve_ok("/a", "b/", "/a/b");
	resolve_ok("/", "", "/");
	assert_int_equal(learn_path_resolve("", 0, "rel", 3, out, sizeof(out)), -EINVAL);
	assert_int_equal(learn_path_resolve("rel", 3, "x", 1, out, sizeof(out)), -EINVAL);
	assert_int_equal(learn_path_resolve("/", 1, "/abcdefgh", 9, out, sizeof(out)),
			 -ENAMETOOLONG);
	assert_int_equal(learn_path_resolve("/", 1, "/abcdef", 7, out, sizeof(out)), 0);
}

static struct container_info ctr(const char *id, const char *name, const char *image)
{
	struct container_info ci = { .cgroup_id = 42 };

	snprintf(ci.id, sizeof(ci.id), "%s", id);
	snprintf(ci.name, sizeof(ci.name), "%s", name);
	snprintf(ci.image, sizeof(ci.image), "%s", image);
	return ci;
}

static void test_selection(void **state)
{
	/* images in their normal form, as the container cache gives them */
	struct container_info web1 =
		ctr("0123456789abcdef", "web-1", "docker.io/library/nginx:1.25");
	struct container_info db = ctr("fedcba9876543210", "db", "docker.io/library/postgres:16");
	struct container_info host = { .host = true };
	struct learn_sel s = { 0 };

	(void)state;
	assert_false(learn_sel_matches(&s, &web1));
	assert_int_equal(learn_sel_add(&s, false, "web-*"), 0);
	assert_true(learn_sel_matches(&s, &web1));
	assert_false(learn_sel_matches(&s, &db));
	assert_false(learn_sel_matches(&s, &host));
	learn_sel_clear(&s);
	assert_int_equal(learn_sel_add(&s, false, "fedc"), 0); /* an id prefix */
	assert_true(learn_sel_matches(&s, &db));
	learn_sel_clear(&s);
	assert_int_equal(learn_sel_add(&s, false, "fed"), 0); /* too short for a prefix */
	assert_false(learn_sel_matches(&s, &db));
	assert_int_equal(learn_sel_add(&s, false, "0123456789abcdef"), 0);
	assert_true(learn_sel_matches(&s, &web1));
	learn_sel_clear(&s);
	assert_int_equal(learn_sel_add(&s, true, "nginx:*"), 0);
	assert_true(learn_sel_matches(&s, &web1));
	assert_false(learn_sel_matches(&s, &db));
	learn_sel_clear(&s);
	/* every spelling of the reference (rc_image_normalize) */
	assert_int_equal(learn_sel_add(&s, true, "index.docker.io/library/postgres:16"), 0);
	assert_true(learn_sel_matches(&s, &db));
	assert_false(learn_sel_matches(&s, &web1));
	learn_sel_clear(&s);
	learn_sel_clear(&s);
}

static void set_path(struct learn_path *lp, const char *base, const char *name)
{
	size_t bl = strlen(base);

	memset(lp, 0, sizeof(*lp));
	lp->base_len = (uint16_t)bl;
	memcpy(lp->base + LEARN_PATH_LEN - bl, base, bl); /* the tail of base[] */
	lp->name_len = (uint16_t)strlen(name);
	memcpy(lp->name, name, lp->name_len);
}

static const struct prof_file *find_file(const struct profile *p, const char *path)
{
	for (size_t i = 0; i < p->n_files; i++)
		if (!strcmp(p->files[i].path, path))
			return &p->files[i];
	return NULL;
}

static void test_records(void **state)
{
	struct profile *p = profile_new("t");
	struct ward_learn_event e = { .type = LEARN_EV_FILE, .n_paths = 1 };
	struct ward_tcp_event t = { .type = TCP_EV_CONNECT, .family = AF_INET, .dport = 443 };

	(void)state;
	assert_non_null(p);
	/* an open: the file's own path */
	e.access = WARD_ACC_READ | WARD_ACC_WRITE;
	set_path(&e.path[0], "/data/log.txt", "");
	assert_int_equal(learn_apply_event(p, &e), 0);
	/* a relative unlink: cwd + name */
	e.access = WARD_ACC_UNLINK;
	set_path(&e.path[0], "/tmp/d", "b");
	assert_int_equal(learn_apply_event(p, &e), 0);
	/* a rename: both names, each with its access (include/ward/sysops.h) */
	e.access = WARD_ACC_RENAME;
	e.access2 = WARD_ACC_RENAME | WARD_ACC_CREATE;
	e.n_paths = 2;
	set_path(&e.path[0], "/", "/tmp/a");
	set_path(&e.path[1], "/tmp", "../tmp/c");
	assert_int_equal(learn_apply_event(p, &e), 0);
	assert_non_null(find_file(p, "/data/log.txt"));
	assert_int_equal(find_file(p, "/data/log.txt")->access, WARD_ACC_READ | WARD_ACC_WRITE);
	assert_int_equal(find_file(p, "/tmp/d/b")->access, WARD_ACC_UNLINK);
	assert_int_equal(find_file(p, "/tmp/a")->access, WARD_ACC_RENAME);
	assert_int_equal(find_file(p, "/tmp/c")->access, WARD_ACC_RENAME | WARD_ACC_CREATE);
	/* a hard link: the source, which enforcement decides for every access,
	 * is learned as a read; the new name as a creation */
	e.access = WARD_ACC_ALL;
	e.access2 = WARD_ACC_CREATE;
	set_path(&e.path[0], "/", "/data/orig");
	set_path(&e.path[1], "/", "/data/new");
	assert_int_equal(learn_apply_event(p, &e), 0);
	assert_int_equal(find_file(p, "/data/orig")->access, WARD_ACC_READ);
	assert_int_equal(find_file(p, "/data/new")->access, WARD_ACC_CREATE);
	/* a truncation is learned as the write it also is */
	e.n_paths = 1;
	e.access = WARD_ACC_WRITE | WARD_ACC_TRUNCATE;
	set_path(&e.path[0], "/", "/data/log.txt");
	assert_int_equal(learn_apply_event(p, &e), 0);
	assert_int_equal(find_file(p, "/data/log.txt")->access, WARD_ACC_READ | WARD_ACC_WRITE);
	e.n_paths = 2;
	/* two paths without the second's access: malformed */
	e.access2 = 0;
	assert_int_equal(learn_apply_event(p, &e), -EPROTO);
	/* a path the kernel could not resolve is skipped, not guessed */
	e.n_paths = 1;
	set_path(&e.path[0], "", "");
	e.path[0].truncated = 1;
	assert_int_equal(learn_apply_event(p, &e), LEARN_SKIP_PATH);
	/* malformed records */
	e.path[0].truncated = 0;
	e.path[0].base_len = LEARN_PATH_LEN + 1;
	assert_int_equal(learn_apply_event(p, &e), -EPROTO);
	e.n_paths = 3;
	assert_int_equal(learn_apply_event(p, &e), -EPROTO);
	e.type = 99;
	assert_int_equal(learn_apply_event(p, &e), -EPROTO);
	assert_int_equal(p->n_files, 6);

	/* bind: the port; port 0 (picked by the kernel) adds nothing */
	memset(&e, 0, sizeof(e));
	e.type = LEARN_EV_BIND;
	e.proto = WARD_PROTO_TCP;
	assert_int_equal(learn_apply_event(p, &e), LEARN_SKIP_PORT0);
	e.port = 8080;
	assert_int_equal(learn_apply_event(p, &e), 0);
	/* a UDP connect */
	e.type = LEARN_EV_CONNECT;
	e.proto = WARD_PROTO_UDP;
	e.port = 53;
	inet_pton(AF_INET6, "::ffff:10.0.0.53", e.addr);
	assert_int_equal(learn_apply_event(p, &e), 0);
	e.proto = 0;
	assert_int_equal(learn_apply_event(p, &e), -EPROTO);
	/* a TCP connect of the tcp tracker; a failed one adds nothing */
	inet_pton(AF_INET, "192.0.2.7", t.daddr);
	assert_int_equal(learn_apply_tcp(p, &t), 0);
	t.error = 111;
	t.dport = 444;
	assert_int_equal(learn_apply_tcp(p, &t), 0);
	assert_int_equal(p->n_net, 3);
	assert_true(p->net[0].bind && p->net[0].port == 8080);
	assert_int_equal(p->net[1].proto, WARD_PROTO_UDP);
	assert_int_equal(p->net[2].port, 443);
	assert_int_equal(p->net[2].addr[10], 0xff);
	assert_int_equal(p->net[2].addr[12], 192);

	/* a granted capability check */
	memset(&e, 0, sizeof(e));
	e.type = LEARN_EV_CAP;
	e.access = CAP_NET_RAW;
	assert_int_equal(learn_apply_event(p, &e), 0);
	assert_int_equal(p->n_caps, 1);
	assert_false(p->caps[0].inferred);
	e.access = 4096;
	assert_int_equal(learn_apply_event(p, &e), -EPROTO);
	assert_int_equal(learn_profile_items(p), 8 + 3 + 1); /* access bits, net, caps */
	profile_free(p);
}

/* Unix sockets by path, as a connect and a bind (relative: against the cwd). */
static void test_unix_records(void **state)
{
	struct profile *p = profile_new("t");
	struct ward_learn_event e = { .type = LEARN_EV_CONNECT,
				      .proto = LEARN_PROTO_UNIX,
				      .n_paths = 1 };

	(void)state;
	assert_non_null(p);
	set_path(&e.path[0], "/", "/run/app.sock");
	assert_int_equal(learn_apply_event(p, &e), 0);
	e.type = LEARN_EV_BIND;
	set_path(&e.path[0], "/srv", "ctl.sock");
	assert_int_equal(learn_apply_event(p, &e), 0);
	assert_int_equal(learn_apply_event(p, &e), 0); /* the same again: one entry */
	e.path[0].truncated = 1;
	assert_int_equal(learn_apply_event(p, &e), 1);
	e.n_paths = 0;
	assert_int_equal(learn_apply_event(p, &e), -EPROTO);
	assert_int_equal(p->n_net, 2);
	assert_false(p->net[0].bind);
	assert_string_equal(p->net[0].unix_path, "/run/app.sock");
	assert_true(p->net[1].bind);
	assert_string_equal(p->net[1].unix_path, "/srv/ctl.sock");
	assert_int_equal(p->net[1].port, 0);
	/* no port, so no inferred CAP_NET_BIND_SERVICE */
	assert_int_equal(profile_infer_caps(p, 1024), 0);
	assert_int_equal(p->n_caps, 0);
	profile_free(p);
}

/* A script's interpreter record: both paths, resolved against the cwd. */
static void test_exec_paths(void **state)
{
	struct ward_learn_event e = { .type = LEARN_EV_EXEC, .n_paths = 2 };
	char interp[LEARN_PATH_LEN * 2 + 2], script[LEARN_PATH_LEN * 2 + 2];

	(void)state;
	set_path(&e.path[0], "/job", "/bin/sh");
	set_path(&e.path[1], "/job", "./run.sh");
	assert_int_equal(learn_exec_paths(&e, interp, script, sizeof(interp)), 0);
	assert_string_equal(interp, "/bin/sh");
	assert_string_equal(script, "/job/run.sh");
	e.path[1].truncated = 1;
	assert_int_equal(learn_exec_paths(&e, interp, script, sizeof(interp)), 1);
	e.n_paths = 1;
	assert_int_equal(learn_exec_paths(&e, interp, script, sizeof(interp)), -EPROTO);
	e.n_paths = 2;
	e.type = LEARN_EV_FILE;
	assert_int_equal(learn_exec_paths(&e, interp, script, sizeof(interp)), -EPROTO);
}

/* The essentials learn adds are exactly what `ward seccomp check` requires:
 * a profile of nothing else checks without errors. */
/* The stamps name the runtime with its version, asked from its binary. */
static void test_runtime_version(void **state)
{
	char buf[96];
	int r;

	(void)state;
	assert_int_equal(learn_runtime_version("containerd", buf, sizeof(buf)), -EOPNOTSUPP);
	r = learn_runtime_version("runc", buf, sizeof(buf));
	if (r == -ENOENT) {
		skip(); /* runc is not installed here: make deps installs it */
		return;
	}
	assert_int_equal(r, 0);
	assert_int_equal(strncmp(buf, "runc ", 5), 0);
	assert_true(buf[5] >= '0' && buf[5] <= '9');
	assert_int_equal(learn_runtime_version("runc", buf, 8), -ENAMETOOLONG);
}

static void test_essentials(void **state)
{
	struct profile *p = profile_new("e");
	struct sc_report *r = NULL;
	json_t *o;
	char *s;

	(void)state;
	assert_int_equal(learn_add_essentials(p), 0);
	assert_int_equal(profile_finish(p, 3), 0);
	o = profile_export(p, PROF_EXPORT_OCI_SECCOMP, 0);
	assert_non_null(o);
	s = json_dumps(o, 0);
	assert_int_equal(sc_check_buffer(s, strlen(s), &r), 0);
	for (size_t i = 0; i < r->n_diags; i++)
		if (r->diags[i].severity == SC_ERROR)
			fail_msg("%s: %s", r->diags[i].code, r->diags[i].message);
	assert_int_equal(r->n_errors, 0);
	sc_report_free(r);
	free(s);
	json_decref(o);
	/* and one fewer is an error */
	for (size_t i = 0; i < p->n_sys; i++)
		if (!strcmp(p->sys[i].name, "getdents64"))
			strcpy(p->sys[i].name, "getdents");
	o = profile_export(p, PROF_EXPORT_OCI_SECCOMP, 0);
	s = json_dumps(o, 0);
	assert_int_equal(sc_check_buffer(s, strlen(s), &r), 0);
	assert_int_equal(r->n_errors, 1);
	sc_report_free(r);
	free(s);
	json_decref(o);
	profile_free(p);
}

static const struct prof_syscall *find_sys(const struct profile *p, uint32_t abi, const char *name)
{
	for (size_t i = 0; i < p->n_sys; i++)
		if (p->sys[i].abi == abi && !strcmp(p->sys[i].name, name))
			return &p->sys[i];
	return NULL;
}

/* What a short run may miss is in the profile, each with its reason: the
 * rare-path safety set, and the family of each call seen (not of those added). */
static void test_rare_path_and_families(void **state)
{
	static const struct {
		const char *name;
		int why;
	} want[] = {
		{ "wait4", LEARN_WHY_SEEN },
		{ "waitid", LEARN_WHY_FAMILY },
		{ "rt_sigsuspend", LEARN_WHY_RARE_PATH },
		{ "clock_nanosleep", LEARN_WHY_RARE_PATH },
		{ "restart_syscall", LEARN_WHY_RARE_PATH },
		{ "exit_group", LEARN_WHY_ESSENTIAL },
		{ "ppoll", LEARN_WHY_FAMILY },
		{ "epoll_pwait", LEARN_WHY_LISTED },
	};
	struct profile *p = profile_new("r");
	const struct prof_syscall *sy;
	char why[256];

	(void)state;
	assert_int_equal(profile_add_syscall(p, PROF_ABI_X86_64, "wait4", 7), 0);
	assert_int_equal(profile_add_syscall(p, PROF_ABI_X86_64, "poll", 2), 0);
	/* listed by hand, count 0: brings no family */
	assert_int_equal(profile_add_syscall(p, PROF_ABI_X86_64, "epoll_pwait", 0), 0);
	assert_int_equal(learn_add_essentials(p), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		sy = find_sys(p, PROF_ABI_X86_64, want[i].name);
		if (!sy)
			fail_msg("%s is not in the profile", want[i].name);
		if (learn_syscall_reason(p, sy, why, sizeof(why)) != want[i].why)
			fail_msg("%s: %s", want[i].name, why);
	}
	assert_null(find_sys(p, PROF_ABI_X86_64, "epoll_wait"));
	assert_null(find_sys(p, PROF_ABI_I386, "rt_sigsuspend")); /* no i386 was seen */
	sy = find_sys(p, PROF_ABI_X86_64, "waitid");
	learn_syscall_reason(p, sy, why, sizeof(why));
	assert_non_null(strstr(why, "wait4"));
	profile_free(p);
}

static const struct prof_cap *find_cap(const struct profile *p, uint32_t cap)
{
	for (size_t i = 0; i < p->n_caps; i++)
		if (p->caps[i].cap == cap)
			return &p->caps[i];
	return NULL;
}

static void test_infer_caps(void **state)
{
	struct profile *p = profile_new("i");
	struct prof_net n = { .bind = true, .proto = WARD_PROTO_TCP, .port = 80 };

	(void)state;
	assert_int_equal(profile_add_net(p, &n), 0);
	n.port = 8080;
	assert_int_equal(profile_add_net(p, &n), 0);
	assert_int_equal(profile_add_file(p, "/data/f", WARD_ACC_CHOWN), 0);
	assert_int_equal(profile_add_syscall(p, PROF_ABI_X86_64, "chroot", 1), 0);
	assert_int_equal(profile_add_syscall(p, PROF_ABI_I386, "setuid32", 1), 0);
	assert_int_equal(profile_add_syscall(p, PROF_ABI_X86_64, "read", 1), 0);
	/* seen by the kernel already: stays observed */
	assert_int_equal(profile_add_cap(p, CAP_SYS_CHROOT, false, "granted"), 0);
	assert_int_equal(profile_infer_caps(p, 1024), 0);
	assert_int_equal(p->n_caps, 4);
	assert_true(find_cap(p, CAP_NET_BIND_SERVICE)->inferred);
	assert_string_equal(find_cap(p, CAP_NET_BIND_SERVICE)->evidence, "bind to port 80");
	assert_true(find_cap(p, CAP_CHOWN)->inferred);
	assert_string_equal(find_cap(p, CAP_CHOWN)->evidence, "chown of /data/f");
	assert_false(find_cap(p, CAP_SYS_CHROOT)->inferred);
	assert_string_equal(find_cap(p, CAP_SETUID)->evidence, "syscall setuid32 (i386)");
	assert_null(find_cap(p, CAP_SETGID));
	/* a host that lets anyone bind low ports: nothing to infer from binds */
	profile_free(p);
	p = profile_new("j");
	n.port = 80;
	assert_int_equal(profile_add_net(p, &n), 0);
	assert_int_equal(profile_infer_caps(p, 0), 0);
	assert_int_equal(p->n_caps, 0);
	profile_free(p);
}

static const struct ward_sysop *op_of(const struct ward_sysop *ops, uint32_t arch, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, name);

	assert_true(nr >= 0 && nr < WARD_SYSOP_NR);
	return &ops[nr];
}

/* The syscall-operation table learning and enforcement both read (include/ward/sysops.h),
 * by name through libseccomp. */
static void test_ops(void **state)
{
	static struct ward_sysop all[2 * WARD_SYSOP_NR];
	struct ward_sysop x64[WARD_SYSOP_NR] = { 0 }, x86[WARD_SYSOP_NR] = { 0 };
	const struct ward_sysop *op;
	size_t n64, n86;

	(void)state;
	n64 = sysops_fill(SCMP_ARCH_X86_64, x64, WARD_SYSOP_NR);
	n86 = sysops_fill(SCMP_ARCH_X86, x86, WARD_SYSOP_NR);
	assert_true(n64 > 30);
	/* the i386 ABI also has chown32 & co.; its socket calls libseccomp names
	 * as socketcall's (negative pseudo numbers): not described */
	assert_true(n86 > 30);
	sysops_fill_all(all);
	assert_memory_equal(all, x64, sizeof(x64));
	assert_memory_equal(all + WARD_SYSOP_NR, x86, sizeof(x86));
	assert_int_equal(op_of(x86, SCMP_ARCH_X86, "chown32")->kind, WARD_SYSOP_PATH);
	assert_int_equal(op_of(x64, SCMP_ARCH_X86_64, "openat")->kind, WARD_SYSOP_OPEN);
	assert_int_equal(op_of(x64, SCMP_ARCH_X86_64, "open_by_handle_at")->kind, WARD_SYSOP_OPEN);
	assert_int_equal(op_of(x86, SCMP_ARCH_X86, "open")->kind, WARD_SYSOP_OPEN);
	op = op_of(x64, SCMP_ARCH_X86_64, "renameat2");
	assert_int_equal(op->kind, WARD_SYSOP_PATH);
	assert_int_equal(op->n_paths, 2);
	assert_int_equal(op->dfd[1], 2);
	assert_int_equal(op->path[1], 3);
	assert_int_equal(op->access[0], WARD_ACC_RENAME);
	assert_int_equal(op->access[1], WARD_ACC_RENAME | WARD_ACC_CREATE);
	/* link: the source for every access, the new name created */
	op = op_of(x64, SCMP_ARCH_X86_64, "linkat");
	assert_int_equal(op->n_paths, 2);
	assert_int_equal(op->path[0], 1);
	assert_int_equal(op->access[0], WARD_ACC_ALL);
	assert_int_equal(op->access[1], WARD_ACC_CREATE);
	op = op_of(x86, SCMP_ARCH_X86, "link");
	assert_int_equal(op->dfd[0], WARD_SYSOP_AT_CWD);
	assert_int_equal(op->access[0], WARD_ACC_ALL);
	op = op_of(x64, SCMP_ARCH_X86_64, "unlink");
	assert_int_equal(op->dfd[0], WARD_SYSOP_AT_CWD);
	assert_int_equal(op->access[0], WARD_ACC_UNLINK);
	op = op_of(x64, SCMP_ARCH_X86_64, "symlinkat"); /* the new name is created */
	assert_int_equal(op->dfd[0], 1);
	assert_int_equal(op->path[0], 2);
	assert_int_equal(op->access[0], WARD_ACC_CREATE);
	assert_int_equal(op_of(x86, SCMP_ARCH_X86, "chown32")->access[0], WARD_ACC_CHOWN);
	assert_int_equal(op_of(x64, SCMP_ARCH_X86_64, "fchmod")->kind, WARD_SYSOP_FD);
	assert_int_equal(op_of(x64, SCMP_ARCH_X86_64, "ftruncate")->access[0],
			 WARD_ACC_WRITE | WARD_ACC_TRUNCATE);
	assert_int_equal(op_of(x64, SCMP_ARCH_X86_64, "bind")->kind, WARD_SYSOP_BIND);
	op = op_of(x64, SCMP_ARCH_X86_64, "sendto"); /* fd, buf, len, flags, addr */
	assert_int_equal(op->kind, WARD_SYSOP_SENDTO);
	assert_int_equal(op->path[0], 0);
	assert_int_equal(op->path[1], 4);
	op = op_of(x64, SCMP_ARCH_X86_64, "sendmsg"); /* fd, msghdr */
	assert_int_equal(op->kind, WARD_SYSOP_SENDMSG);
	assert_int_equal(op->path[1], 1);
	op = op_of(x64, SCMP_ARCH_X86_64, "seccomp");
	assert_int_equal(op->kind, WARD_SYSOP_GATE);
	assert_int_equal(op->n_want, 1);
	assert_int_equal(op->want[0], SECCOMP_SET_MODE_FILTER);
	op = op_of(x86, SCMP_ARCH_X86, "prctl");
	assert_int_equal(op->n_want, 2);
	assert_int_equal(op->want[0], PR_SET_SECCOMP);
	assert_int_equal(op_of(x64, SCMP_ARCH_X86_64, "read")->kind, WARD_SYSOP_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_resolve),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_unix_records),
		cmocka_unit_test(test_exec_paths),
		cmocka_unit_test(test_essentials),
		cmocka_unit_test(test_rare_path_and_families),
		cmocka_unit_test(test_runtime_version),
		cmocka_unit_test(test_infer_caps),
		cmocka_unit_test(test_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
