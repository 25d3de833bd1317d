// SPDX-License-Identifier: Apache-2.0
/* What every tracker shares: loading, drop counters, container resolution. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "tracker.h"

static const struct tracker_ops *const trackers[] = {
	&process_tracker,
	&files_tracker,
	&tcp_tracker,
	&syscall_tracker,
};

const struct tracker_ops *tracker_find(const char *name)
{
	for (size_t i = 0; i < sizeof(trackers) / sizeof(trackers[0]); i++)
		if (strcmp(trackers[i]->name, name) == 0)
			return trackers[i];
	return NULL;
}

const char *drop_reason_name(unsigned int reason)
{
	static const char *const names[WARD_DROP__MAX] = {
		[WARD_DROP_RINGBUF] = "ringbuf_full",
		[WARD_DROP_MAP_FULL] = "map_full",
		[WARD_DROP_PATH_TRUNC] = "path_truncated",
		[WARD_DROP_ARGS_TRUNC] = "args_truncated",
		[WARD_DROP_UNDECIDED] = "undecided",
	};

	return reason < WARD_DROP__MAX ? names[reason] : "unknown";
}

int tracker_load_attach(struct tracker *t, struct bpf_object_skeleton *sk, struct bpf_object *obj)
{
	int err;

	err = bpf_object__load_skeleton(sk);
	if (err)
		return err;
	err = bpf_object__attach_skeleton(sk);
	if (err)
		return err;
	t->drops_fd = bpf_object__find_map_fd_by_name(obj, "ward_drops");
	t->cgfilter_fd = bpf_object__find_map_fd_by_name(obj, "ward_cgfilter");
	if (t->drops_fd < 0 || t->cgfilter_fd < 0)
		return -ENOENT;
	if (t->s->filter)
		return cgfilter_add_map(t->s->filter, t->cgfilter_fd);
	return 0;
}

int tracker_read_drops(const struct tracker *t, uint64_t ret_totals[WARD_DROP__MAX])
{
	return drops_read(t->drops_fd, ret_totals);
}

int drops_read(int fd, uint64_t ret_totals[WARD_DROP__MAX])
{
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu < 0)
		return ncpu;
	uint64_t *vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (uint32_t r = 0; r < WARD_DROP__MAX; r++) {
		ret_totals[r] = 0;
		if (bpf_map_lookup_elem(fd, &r, vals) != 0) {
			int err = -errno;

			free(vals);
			return err;
		}
		for (int c = 0; c < ncpu; c++)
			ret_totals[r] += vals[c];
	}
	free(vals);
	return 0;
}

const struct container_info *tracker_container(struct tracker *t, uint64_t cgroup_id,
					       uint64_t when_ns)
{
	const struct container_info *ci;
	struct timespec ts;

	if (container_cache_lookup_at(t->s->cc, cgroup_id, when_ns, &ci) < 0)
		return NULL;
	if (!t->s->filter)
		return ci;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (!cgfilter_wants(t->s->filter, ci, (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec))
		return NULL;
	return ci;
}

int tracker_record(struct tracker *t, const void *data, size_t size, size_t rec_size,
		   record_render_fn render)
{
	const struct ward_rec_hdr *h = data; /* read-only mapping: never written */
	const struct container_info *ci;
	int err;

	if (size < rec_size) {
		t->malformed++;
		return 0;
	}
	ci = tracker_container(t, h->cgroup_id, h->ts_ns);
	if (!ci)
		return 0;
	err = render(t->out, data, ci, t->s->mono_to_real_ns);
	if (err == -EPROTO)
		t->malformed++;
	else if (err && !t->err)
		t->err = err;
	return 0;
}

int tracker_drain(int map_fd, void *keys, size_t key_size, void *vals, size_t val_size,
		  uint32_t max)
{
	__u32 in = 0, out = 0, count;
	uint32_t n = 0;
	bool first = true;

	while (n < max) {
		count = max - n;
		if (bpf_map_lookup_and_delete_batch(
			    map_fd, first ? NULL : &in, &out, (char *)keys + (size_t)n * key_size,
			    (char *)vals + (size_t)n * val_size, &count, NULL)) {
			n += count;
			if (errno == ENOENT)
				break;
			return -errno;
		}
		n += count;
		in = out;
		first = false;
	}
	return (int)n;
}
