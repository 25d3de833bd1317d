// SPDX-License-Identifier: Apache-2.0
/*
 * Kernel records are untrusted input to user space (a buggy or foreign BPF
 * object, or memory corruption): feed arbitrary bytes as process, files and
 * tcp records to the renderers in every output format.
 * Input: byte 0 selects the record kind, the rest is the record.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct container_label label = { "app", "x" };
static struct container_info ci = {
	.cgroup_id = 7, .id = "abcd", .name = "c", .labels = &label, .n_labels = 1
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	union {
		struct ward_proc_event p;
		struct ward_tcp_event t;
		struct {
			struct ward_file_key k;
			struct ward_file_stats s;
		} f;
	} rec;

	if (!sink)
		sink = fopen("/dev/null", "we");
	if (size < 1 || !sink)
		return 0;
	memset(&rec, 0, sizeof(rec));
	memcpy(&rec, data + 1, size - 1 < sizeof(rec) ? size - 1 : sizeof(rec));
	for (enum out_format fmt = OUT_TABLE; fmt <= OUT_CSV; fmt++) {
		struct sinks ss = { 0 };
		struct out *o;

		if (sink_stream_add(&ss, sink, "fuzz", fmt, false))
			return 0;
		switch (data[0] % 3) {
		case 0:
			o = process_out_new(&ss);
			if (o)
				(void)process_render(o, &rec.p, &ci, 0);
			break;
		case 1:
			o = files_out_new(&ss);
			if (o)
				(void)files_render(o, &rec.f.k, &rec.f.s, &ci, 0);
			break;
		default:
			o = tcp_out_new(&ss);
			if (o)
				(void)tcp_render(o, &rec.t, &ci, 0);
			break;
		}
		out_free(o);
		(void)sinks_close(&ss, NULL);
	}
	return 0;
}
