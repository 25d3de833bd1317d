/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoding of kernel records into output rows, separate from the ring-buffer
 * plumbing so unit tests and fuzzers can feed records directly. Records are
 * untrusted input: a malformed one yields -EPROTO and nothing is printed.
 */
#ifndef WARD_RENDER_H
#define WARD_RENDER_H

#include <stdint.h>
#include <stdio.h>

#include "attribution/container.h"
#include "sink.h"
#include "ward/files.h"
#include "ward/process.h"
#include "ward/tcp.h"

struct out *process_out_new(struct sinks *set);
int process_render(struct out *o, const struct ward_proc_event *e, const struct container_info *ci,
		   uint64_t mono_to_real_ns);

struct out *files_out_new(struct sinks *set);
int files_render(struct out *o, const struct ward_file_key *key, const struct ward_file_stats *st,
		 const struct container_info *ci, uint64_t now_real_ns);

struct out *tcp_out_new(struct sinks *set);
int tcp_render(struct out *o, const struct ward_tcp_event *e, const struct container_info *ci,
	       uint64_t mono_to_real_ns);

#endif
