// SPDX-License-Identifier: Apache-2.0
/*
 * Bundles arrive from the API: open arbitrary bytes; whatever opens must be
 * safe to walk (every table, every string) and to evaluate events against.
 */
#include <stdint.h>
#include <string.h>

#include "rulesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "/bin/sh", "/etc/passwd", "/tmp/x/y",
					     "/usr/bin/python3" };
	uint32_t ids[WARD_MAX_POLICIES_PER_CGROUP];
	struct rc_container c = { .name = "web-1", .image = "nginx:1" };
	struct ward_decision d;
	struct ward_bundle *b;
	const char *why;
	int n;

	if (ward_bundle_open(data, size, &b, &why) < 0)
		return 0;
	for (size_t i = 0; i < b->n_policies; i++)
		sink += strlen(ward_bundle_str(b, b->policies[i].name_off));
	for (size_t i = 0; i < b->n_rules; i++)
		sink += strlen(ward_bundle_str(b, b->rules[i].msg_off));
	for (size_t i = 0; i < b->n_objects; i++)
		sink += strlen(ward_bundle_str(b, b->objects[i].str_off));
	n = ward_bundle_select(b, &c, ids);
	if (n < 0) {
		n = WARD_MAX_POLICIES_PER_CGROUP;
		for (int i = 0; i < n; i++)
			ids[i] = (uint32_t)i + 1 <= b->n_policies ? (uint32_t)i + 1 : 1;
	}
	if (b->n_policies == 0)
		n = 0;
	for (int op = RC_EV_EXEC; op <= RC_EV_SYSCALL; op++) {
		for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
			struct rc_event ev = { .op = (enum rc_event_op)op,
					       .path = paths[p],
					       .parent = "/usr/sbin/nginx",
					       .access = WARD_ACC_WRITE,
					       .port = 80,
					       .proto = WARD_PROTO_TCP,
					       .num = (uint32_t)p };

			ev.addr[10] = ev.addr[11] = 0xff;
			ev.addr[12] = 169;
			ev.addr[13] = 254;
			if (ward_eval(b, ids, (size_t)n, &ev, &d) == 0)
				sink += d.effective;
		}
	}
	ward_bundle_free(b);
	return 0;
}
