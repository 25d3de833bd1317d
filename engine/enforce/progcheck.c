// SPDX-License-Identifier: Apache-2.0
/* Each of ward's BPF programs loaded alone, as the verifier sees it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ward/sysops.h" /* struct ward_sysop, for the learn and enforcement skeletons */
#include "probe.h"
#include "progcheck.h"

#include "cap.skel.h"
#include "exec.skel.h"
#include "file.skel.h"
#include "files.skel.h"
#include "learn.skel.h"
#include "net.skel.h"
#include "process.skel.h"
#include "sys.skel.h"
#include "syscall.skel.h"
#include "tcp.skel.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define LOG_SIZE      (16u << 20)

/* The objects the binary embeds, by the name of their source file. */
static const struct {
	const char *name;
	const void *(*bytes)(size_t *size);
} objects[] = {
	{ "files", files_bpf__elf_bytes }, { "process", process_bpf__elf_bytes },
	{ "tcp", tcp_bpf__elf_bytes },	   { "syscall", syscall_bpf__elf_bytes },
	{ "learn", learn_bpf__elf_bytes }, { "exec", exec_bpf__elf_bytes },
	{ "file", file_bpf__elf_bytes },   { "net", net_bpf__elf_bytes },
	{ "cap", cap_bpf__elf_bytes },	   { "sys", sys_bpf__elf_bytes },
};

const char *progcheck_status_name(enum progcheck_status s)
{
	static const char *const names[] = {
		[PROGCHECK_OK] = "ok",
		[PROGCHECK_UNSUPPORTED] = "unsupported",
		[PROGCHECK_FAILED] = "failed",
	};

	return s <= PROGCHECK_FAILED ? names[s] : "unknown";
}

__attribute__((format(printf, 2, 0))) static int quiet(enum libbpf_print_level level,
						       const char *fmt, va_list ap)
{
	return 0;
}

/* Load program index idx of the object in bytes alone into c. */
static int check_one(const void *bytes, size_t size, const char *name, size_t idx,
		     struct progcheck *c, char *log)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name);
	struct bpf_program *p, *target = NULL;
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);
	struct bpf_object *obj;
	size_t i = 0;
	int err;

	obj = bpf_object__open_mem(bytes, size, &opts);
	if (!obj)
		return -errno;
	bpf_object__for_each_program(p, obj)
	{
		bool on = i++ == idx;

		err = bpf_program__set_autoload(p, on);
		if (err)
			goto out_close;
		if (on)
			target = p;
	}
	if (!target) {
		err = -ENOENT;
		goto out_close;
	}
	c->object = name;
	(void)snprintf(c->program, sizeof(c->program), "%s", bpf_program__name(target));
	(void)snprintf(c->section, sizeof(c->section), "%s", bpf_program__section_name(target));
	if (!probe_tracepoint_exists(c->section)) {
		/* a recent tracepoint (capability/cap_capable, sched_prepare_exec):
		 * never loaded here */
		c->status = PROGCHECK_UNSUPPORTED;
		(void)snprintf(c->detail, sizeof(c->detail), "no tracepoint %s on this kernel",
			       strchr(c->section, '/') + 1);
		goto out_close;
	}
	log[0] = '\0';
	err = bpf_program__set_log_buf(target, log, LOG_SIZE);
	if (err)
		goto out_close;
	err = bpf_object__load(obj);
	if (err) {
		c->err = err;
		/* BPF-LSM and trampolines refused before the verifier runs: an empty log */
		if (!log[0] && (err == -EPERM || err == -EOPNOTSUPP || err == -EINVAL)) {
			c->status = PROGCHECK_UNSUPPORTED;
			(void)snprintf(c->detail, sizeof(c->detail),
				       "the kernel refuses %s programs before verifying (%s)",
				       c->section, strerror(-err));
		} else {
			c->status = PROGCHECK_FAILED;
			probe_verifier_summary(log, c->detail, sizeof(c->detail));
		}
		err = 0;
		goto out_close;
	}
	err = bpf_obj_get_info_by_fd(bpf_program__fd(target), &info, &len);
	if (err)
		goto out_close;
	c->status = PROGCHECK_OK;
	c->verified_insns = info.verified_insns;
out_close:
	bpf_object__close(obj);
	return err;
}

int progcheck_all(struct progcheck **ret, size_t *ret_n)
{
	struct progcheck *all = NULL, *grown;
	libbpf_print_fn_t old = libbpf_set_print(quiet);
	char *log = malloc(LOG_SIZE);
	size_t n = 0;
	int err = 0;

	if (!log) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t o = 0; o < ARRAY_SIZE(objects) && !err; o++) {
		size_t size, count = 0;
		const void *bytes = objects[o].bytes(&size);
		LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = objects[o].name);
		struct bpf_object *obj = bpf_object__open_mem(bytes, size, &opts);
		struct bpf_program *p;

		if (!obj) {
			err = -errno;
			break;
		}
		bpf_object__for_each_program(p, obj) count++;
		bpf_object__close(obj);
		grown = realloc(all, (n + count) * sizeof(*all));
		if (!grown) {
			err = -ENOMEM;
			break;
		}
		all = grown;
		for (size_t i = 0; i < count && !err; i++) {
			memset(&all[n], 0, sizeof(all[n]));
			err = check_one(bytes, size, objects[o].name, i, &all[n], log);
			n += !err;
		}
	}
out:
	libbpf_set_print(old);
	free(log);
	if (err) {
		free(all);
		return err;
	}
	*ret = all;
	*ret_n = n;
	return 0;
}
