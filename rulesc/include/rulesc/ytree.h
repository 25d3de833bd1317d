/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML front end: libyaml's event API builds a small positioned tree.
 * Anchors, aliases and explicit tags are rejected (no alias bombs), mapping
 * keys must be unique scalars, and depth, node count, scalar and file sizes
 * are capped. Errors become diagnostics with file:line:column.
 * Public, through rulesc.h.
 */
#ifndef RULESC_YTREE_H
#define RULESC_YTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define RC_FILE_MAX	(4u << 20) /* bytes per input file */
#define RC_DEPTH_MAX	32	   /* nesting of mappings and sequences */
#define RC_NODES_MAX	500000	   /* nodes per file */
#define RC_SCALAR_MAX	4096	   /* bytes per scalar */
#define RC_MAP_KEYS_MAX 1024	   /* keys per mapping */

enum yn_type { YN_SCALAR, YN_SEQ, YN_MAP };

struct ynode {
	enum yn_type type;
	bool plain;	    /* scalar written without quotes */
	uint32_t line, col; /* 1-based start */
	uint32_t span;	    /* characters to underline */
	char *str;	    /* scalar value (NUL-terminated), NULL otherwise */
	size_t len;
	struct ynode **kids; /* sequence items; mapping: kids[2i] key, kids[2i+1] value */
	size_t n, cap;
};

struct ysrc {
	char *path;
	char *buf;
	size_t len;
	struct ynode **docs;
	size_t n_docs;
};

/* Parse buf (copied) as a YAML stream. Returns 0 and *ret, or -EINVAL after
 * adding diagnostics (nothing returned), or -ENOMEM. */
int ysrc_parse(const char *path, const char *buf, size_t len, struct rc_diags *d,
	       struct ysrc **ret);
/* Read and parse a file; I/O errors become diagnostics too (-errno). */
int ysrc_load_file(const char *path, struct rc_diags *d, struct ysrc **ret);
void ysrc_free(struct ysrc *s);

struct rc_loc ynode_loc(const struct ysrc *s, const struct ynode *n);
/* Mapping lookup by key, NULL if absent. */
const struct ynode *ynode_get(const struct ynode *map, const char *key);
const char *ynode_type_name(const struct ynode *n);

#endif
