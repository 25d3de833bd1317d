/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BPF plugins (docs/plugins.md): a CO-RE BPF ELF object uploaded through the
 * control API, checked (size, program types: tracepoint, raw_tp, tp_btf,
 * fentry/fexit and kprobes; no LSM, cgroup or network programs; no pinned
 * maps), loaded and attached by section name. Its records come from its ring
 * buffer map named `events`, laid out as its BTF's `struct ward_event`; each
 * becomes a row whose columns are that struct's members (integers, enums,
 * char arrays as strings), attributed to the container of a `cgroup_id`
 * member when there is one. A plugin is a tracker of the session: its rows
 * go to the session's outputs.
 */
#ifndef WARD_PLUGIN_H
#define WARD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define PLUGIN_SIZE_MAX	 (4u << 20) /* bytes of an object */
#define PLUGIN_NAME_MAX	 32
#define PLUGIN_COLS_MAX	 32 /* members of struct ward_event shown */
#define PLUGIN_RINGBUF	 "events"
#define PLUGIN_EVENT	 "ward_event"
#define PLUGIN_STR_MAX	 256 /* bytes of a char array member shown */
#define PLUGIN_PROGS_MAX 64

struct plugin;
struct session;
struct tracker;

/* Open and check buf (an ELF object of len bytes) without loading it: 0, or
 * -EINVAL/-E2BIG/-EPERM with what is wrong in why (a program and its type, a
 * map, the record type). */
int plugin_check(const void *buf, size_t len, const char *name, struct plugin **ret, char *why,
		 size_t why_size);
/* Load, attach and follow a checked plugin (taken: freed on failure too) as a
 * tracker of s, named after it. 0 or -errno with why. */
int plugin_start(struct plugin *p, struct session *s, struct tracker **ret, char *why,
		 size_t why_size);
/* Free a plugin that did not start. */
void plugin_free(struct plugin *p);

/* Whether t is a plugin's tracker, and what GET /v1/plugins says of it. */
const struct plugin *plugin_of(const struct tracker *t);
const char *plugin_name(const struct plugin *p);
uint32_t plugin_id(const struct plugin *p);
size_t plugin_size(const struct plugin *p);
size_t plugin_programs(const struct plugin *p);
const char *plugin_sha256(const struct plugin *p);

#endif
