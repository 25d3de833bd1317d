// SPDX-License-Identifier: Apache-2.0
/*
 * Container runtime state files are untrusted input (a rootless user owns
 * some state directories; files can be half-written): feed arbitrary bytes to
 * every state-file parser, the record merge, and the cgroup path rules.
 * Input: byte 0 selects the parser (value % 8: 0 runc state.json, 1 crun
 * status, 2 OCI config.json, 3 docker config.v2.json, 4 containers.json,
 * 5 cgroup path shape, 6 OCI cgroupsPath, 7 mountinfo), the rest is its input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attribution/runtime.h"

#define SELECTORS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_parse(enum rt_format format, const char *buf, size_t len)
{
	const struct rt_ctx ctx = {
		.format = format,
		.dir_id = "fuzz",
		.runtime = "runc",
		.rank = RT_RANK_RUNTIME,
		.cgroup2_mount = "/sys/fs/cgroup",
	};
	struct rt_set *s = rt_set_new(), *merged = rt_set_new();
	char id[CONTAINER_ID_MAX];
	const char *runtime;
	size_t i;

	if (s && merged && rt_parse(s, &ctx, buf, len) == 0 && rt_set_merge(merged, s) == 0 &&
	    rt_set_finalize(merged) == 0) {
		for (i = 0; i < rt_set_count(merged); i++) {
			const struct rt_record *r = rt_set_at(merged, i);

			/* What the cache relies on: valid ids, normalized paths. */
			if (!rt_valid_id(r->id) || strchr(r->name, '<') ||
			    (r->cgroup_path && !rt_valid_cgroup_path(r->cgroup_path)))
				abort();
			if (r->cgroup_path)
				rt_cgroup_shape(r->cgroup_path, id, &runtime);
		}
	}
	rt_set_free(merged);
	rt_set_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[RT_CGROUP_PATH_MAX], id[CONTAINER_ID_MAX], *str;
	const char *runtime;
	unsigned int selector;

	if (size < 1)
		return 0;
	selector = data[0] % SELECTORS;
	data++;
	size--;
	if (selector < RT_FORMAT_COUNT) {
		fuzz_parse((enum rt_format)selector, (const char *)data, size);
		return 0;
	}
	if (selector == 7) {
		rt_cgroup2_mount((const char *)data, size, out, sizeof(out));
		return 0;
	}
	str = malloc(size + 1);
	if (!str)
		return 0;
	memcpy(str, data, size);
	str[size] = '\0';
	if (selector == 5) {
		if (rt_cgroup_shape(str, id, &runtime) == 1 && !rt_valid_id(id))
			abort();
	} else if (rt_cgroups_path(str, out, sizeof(out)) == 0 && !rt_valid_cgroup_path(out)) {
		abort();
	}
	free(str);
	return 0;
}
