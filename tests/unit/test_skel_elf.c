// SPDX-License-Identifier: Apache-2.0
/* The embedded BPF objects: decompressed once, a damaged blob refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zstd.h>

#include "core/skel_elf.h"

static unsigned char plain[4096], zst[8192];

static size_t compress_plain(void)
{
	size_t n;

	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (unsigned char)(i * 7 % 251);
	ZSTD_CCtx *c = ZSTD_createCCtx();

	assert_non_null(c);
	/* as the zstd command compresses the objects: with a content checksum */
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 19)));
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)));
	n = ZSTD_compress2(c, zst, sizeof(zst), plain, sizeof(plain));
	ZSTD_freeCCtx(c);
	assert_false(ZSTD_isError(n));
	return n;
}

static void test_once(void **state)
{
	struct skel_elf e = { 0 };
	size_t n = compress_plain(), size = 0;
	const void *a, *b;

	(void)state;
	a = skel_elf_get(&e, zst, n, &size);
	assert_non_null(a);
	assert_int_equal(size, sizeof(plain));
	assert_memory_equal(a, plain, sizeof(plain));
	b = skel_elf_get(&e, zst, n, &size);
	assert_ptr_equal(a, b); /* kept: libbpf reads it while the object lives */
	free(e.buf);
}

static void test_damaged(void **state)
{
	struct skel_elf e = { 0 };
	size_t n = compress_plain(), size = 1;

	(void)state;
	zst[n - 2] ^= 0xff; /* the checksum */
	errno = 0;
	assert_null(skel_elf_get(&e, zst, n, &size));
	assert_int_equal(size, 0);
	assert_int_equal(errno, EINVAL);
	assert_null(skel_elf_get(&e, zst, 4, &size)); /* cut short: no frame size */
	assert_null(e.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_once),
		cmocka_unit_test(test_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
