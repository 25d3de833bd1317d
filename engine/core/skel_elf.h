/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The BPF objects ward embeds, zstd-compressed by scripts/skel-compress.sh
 * (the build rewrites bpftool's skeletons to call skel_elf_get()).
 */
#ifndef WARD_SKEL_ELF_H
#define WARD_SKEL_ELF_H

#include <stddef.h>

/* One embedded object, decompressed once and kept for the process's life
 * (libbpf reads the ELF image while it opens and loads the object). */
struct skel_elf {
	void *buf;
	size_t size;
};

/* The object compressed in zst (zst_size bytes): its ELF image and, in
 * *ret_size, its size; NULL (errno set, *ret_size 0) when it cannot be had,
 * which makes the skeleton's open fail. */
const void *skel_elf_get(struct skel_elf *e, const unsigned char *zst, size_t zst_size,
			 size_t *ret_size);

#endif
