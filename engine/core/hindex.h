/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An open-addressing index over the items of a caller's array, by a 64-bit
 * hash of each (FNV-1a, hash_bytes()): the registry of metric series and the
 * alert aggregation's keys find their items through one.
 */
#ifndef WARD_HINDEX_H
#define WARD_HINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t hash_bytes(const void *p, size_t len);

struct hindex {
	size_t *slots;	/* item index + 1; 0: empty */
	size_t n_slots; /* a power of two, more than twice the items */
};

typedef uint64_t (*hindex_hash_fn)(const void *ctx, size_t i);
typedef bool (*hindex_match_fn)(const void *ctx, size_t i, const void *key);

/* Room for n_items + 1 items: grows (and rebuilds from the n_items items, hashed by
 * hash) when needed. 0 or -ENOMEM (the index is unchanged). */
int hindex_reserve(struct hindex *x, size_t n_items, hindex_hash_fn hash, const void *ctx);
/* Rebuild in place from the n_items items (after items were removed or moved). */
void hindex_rebuild(struct hindex *x, size_t n_items, hindex_hash_fn hash, const void *ctx);
/* Index item i (after hindex_reserve()). */
void hindex_put(struct hindex *x, uint64_t h, size_t i);
/* The item of hash h that match() says is key: its index + 1, or 0. */
size_t hindex_find(const struct hindex *x, uint64_t h, hindex_match_fn match, const void *ctx,
		   const void *key);
void hindex_free(struct hindex *x);

#endif
