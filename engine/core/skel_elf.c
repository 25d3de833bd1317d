// SPDX-License-Identifier: Apache-2.0
/* The embedded BPF objects, decompressed on first use (skel_elf.h). */
#include <errno.h>
#include <stdlib.h>

#include <zstd.h>

#include "skel_elf.h"

#define SKEL_ELF_MAX (64u << 20) /* far above any object ward builds */

const void *skel_elf_get(struct skel_elf *e, const unsigned char *zst, size_t zst_size,
			 size_t *ret_size)
{
	unsigned long long size;
	size_t got;
	void *buf;

	*ret_size = 0;
	if (!e->buf) {
		size = ZSTD_getFrameContentSize(zst, zst_size);
		if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || !size ||
		    size > SKEL_ELF_MAX) {
			errno = EINVAL;
			return NULL;
		}
		buf = malloc(size);
		if (!buf)
			return NULL;
		got = ZSTD_decompress(buf, size, zst, zst_size);
		if (ZSTD_isError(got) || got != size) {
			free(buf);
			errno = EINVAL;
			return NULL;
		}
		e->buf = buf;
		e->size = size;
	}
	*ret_size = e->size;
	return e->buf;
}
