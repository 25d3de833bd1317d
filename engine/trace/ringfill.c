// SPDX-License-Identifier: Apache-2.0
/* How full a BPF ring buffer is: ringfill.h. */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "ringfill.h"

void ring_fill_init(struct ring_fill *f, int fd, const char *source)
{
	*f = (struct ring_fill){ .fd = fd, .source = source };
}

static int ring_fill_map(struct ring_fill *f)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	if (bpf_obj_get_info_by_fd(f->fd, &info, &len) < 0)
		return -errno;
	if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries)
		return -EINVAL;
	p = mmap(NULL, 2 * (size_t)page, PROT_READ, MAP_SHARED, f->fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	f->pos = p;
	f->size = info.max_entries;
	return 0;
}

double ring_fill_ratio(uint64_t cons, uint64_t prod, uint64_t size)
{
	if (!size || prod <= cons)
		return 0;
	return prod - cons >= size ? 1 : (double)(prod - cons) / (double)size;
}

/* How full it is now, mapped at the first call. */
static int fill_now(struct ring_fill *f, double *ret)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long cons, prod;

	if (!f->pos && !f->err)
		f->err = ring_fill_map(f);
	if (f->err)
		return f->err;
	/* the consumer first: the producer is never behind what is read after */
	cons = __atomic_load_n((const unsigned long *)f->pos, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n((const unsigned long *)((const char *)f->pos + page),
			       __ATOMIC_ACQUIRE);
	*ret = ring_fill_ratio(cons, prod, f->size);
	return 0;
}

int ring_fill_sample(struct ring_fill *f)
{
	double now;
	int err = fill_now(f, &now);

	if (!err && now > f->max)
		f->max = now;
	return err;
}

int ring_fill_take(struct ring_fill *f, double *ret)
{
	double now;
	int err = fill_now(f, &now);

	if (err)
		return err;
	*ret = now > f->max ? now : f->max;
	f->max = now; /* where the next interval starts */
	return 0;
}

void ring_fill_close(struct ring_fill *f)
{
	if (f->pos)
		(void)munmap((void *)(uintptr_t)f->pos, 2 * (size_t)sysconf(_SC_PAGESIZE));
	f->pos = NULL;
}
