// SPDX-License-Identifier: Apache-2.0
/* An open-addressing index by hash: hindex.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hindex.h"
#include "ward/bundle_maps.h" /* WARD_FNV_*: the hash the kernel side uses too */

uint64_t hash_bytes(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t h = WARD_FNV_OFFSET;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * WARD_FNV_PRIME;
	return h;
}

void hindex_rebuild(struct hindex *x, size_t n_items, hindex_hash_fn hash, const void *ctx)
{
	if (!x->n_slots)
		return;
	memset(x->slots, 0, x->n_slots * sizeof(*x->slots));
	for (size_t i = 0; i < n_items; i++)
		hindex_put(x, hash(ctx, i), i);
}

static int build(struct hindex *x, size_t n_slots, size_t n_items, hindex_hash_fn hash,
		 const void *ctx)
{
	size_t *slots = calloc(n_slots, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	free(x->slots);
	x->slots = slots;
	x->n_slots = n_slots;
	hindex_rebuild(x, n_items, hash, ctx);
	return 0;
}

int hindex_reserve(struct hindex *x, size_t n_items, hindex_hash_fn hash, const void *ctx)
{
	if (2 * (n_items + 1) <= x->n_slots)
		return 0;
	return build(x, x->n_slots ? 2 * x->n_slots : 32, n_items, hash, ctx);
}

void hindex_put(struct hindex *x, uint64_t h, size_t i)
{
	size_t s = h & (x->n_slots - 1);

	while (x->slots[s])
		s = (s + 1) & (x->n_slots - 1);
	x->slots[s] = i + 1;
}

size_t hindex_find(const struct hindex *x, uint64_t h, hindex_match_fn match, const void *ctx,
		   const void *key)
{
	if (!x->n_slots)
		return 0;
	for (size_t s = h & (x->n_slots - 1); x->slots[s]; s = (s + 1) & (x->n_slots - 1))
		if (match(ctx, x->slots[s] - 1, key))
			return x->slots[s];
	return 0;
}

void hindex_free(struct hindex *x)
{
	free(x->slots);
	x->slots = NULL;
	x->n_slots = 0;
}
