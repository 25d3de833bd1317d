/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How full a BPF ring buffer is, for the metrics (ward_ringbuf_fill_ratio).
 * libbpf 1.1 has no ring__avail_data_size(), so the ring's position pages
 * are mapped read-only from its map fd: the consumer position at offset 0,
 * the producer position at one page (the kernel's BPF ring buffer
 * documentation). Nothing is mapped until the first sample, so a session
 * without metrics maps nothing.
 */
#ifndef WARD_RINGFILL_H
#define WARD_RINGFILL_H

#include <stdint.h>

struct ring_fill {
	int fd;		    /* the ring buffer's map, not owned */
	const char *source; /* its label: static */
	const void *pos;    /* the two position pages, NULL until mapped */
	uint64_t size;	    /* data bytes */
	double max;	    /* the fullest sampled since ring_fill_take() */
	int err;	    /* the mapping failed: never sampled */
};

void ring_fill_init(struct ring_fill *f, int fd, const char *source);
/* Sample how full it is now (mapped at the first call). 0 or -errno. */
int ring_fill_sample(struct ring_fill *f);
/* The fullest it was since the last take (or start), sampling now too;
 * the next interval starts from now. -errno when it cannot be read. */
int ring_fill_take(struct ring_fill *f, double *ret);
void ring_fill_close(struct ring_fill *f);
/* The part of a ring of size data bytes that holds records between the
 * consumer position cons and the producer position prod (0 to 1). */
double ring_fill_ratio(uint64_t cons, uint64_t prod, uint64_t size);

#endif
