/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bundle file (docs/bundle.md): a header, a section table, then the
 * sections in a fixed order, each an array of fixed-size little-endian
 * records 8-byte aligned; an optional Ed25519 signature trailer follows.
 * ward_bundle_open() validates everything the kernel or the engine relies
 * on, so a bundle from the network is safe to load once it opens.
 *
 * Public (through rulesc.h): the file's layout and the read-only view the
 * engine's loader walks to fill the kernel's maps. Writing bundles is the
 * compiler's own (rulesc/bundle.h).
 */
#ifndef RULESC_PUBLIC_BUNDLE_H
#define RULESC_PUBLIC_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/bundle_maps.h"

#define WB_MAGIC	  "WARDBNDL"
#define WB_FORMAT_VERSION 1
#define WB_MAX_SIZE	  (256u << 20)
#define WB_SIG_MAGIC	  "WARDSIG1"
#define WB_SIG_ED25519	  1

enum wb_section_type {
	WB_SEC_STRTAB = 1, /* NUL-terminated strings; offset 0 is "" */
	WB_SEC_POLICIES,   /* struct wb_policy, index = policy id - 1 */
	WB_SEC_SELECTORS,  /* struct wb_selector */
	WB_SEC_RULES,	   /* struct wb_rule, index = rule index */
	WB_SEC_TAGS,	   /* uint32_t string offsets */
	WB_SEC_OBJECTS,	   /* struct wb_object, sorted by key */
	WB_SEC_CIDRS,	   /* struct wb_cidr, sorted by (policy, op, prefixlen, addr) */
	WB_SEC_CANDS,	   /* struct ward_cand */
	WB_SEC_GLOBS,	   /* struct ward_glob */
	WB_SEC_PORTSETS,   /* struct wb_portset */
	WB_SEC_PORTRANGES, /* struct wb_port_range */
	WB_SEC_COUNT = WB_SEC_PORTRANGES,
};

struct wb_header {
	char magic[8]; /* "WARDBNDL" */
	uint32_t format_version;
	uint32_t header_size; /* sizeof(struct wb_header) */
	uint64_t total_size;  /* bytes up to the end of the last section */
	uint8_t sha256[32];   /* SHA-256 of bytes [header_size, total_size) */
	char compiler[32];    /* rulesc version, NUL-padded */
	uint32_t n_sections;  /* WB_SEC_COUNT */
	uint32_t flags;	      /* 0 */
};

struct wb_section {
	uint32_t type;	    /* enum wb_section_type, in order */
	uint32_t elem_size; /* record size (1 for the string table) */
	uint64_t offset;    /* from the start of the file, 8-byte aligned */
	uint64_t count;	    /* records */
};

enum wb_selector_type {
	WB_SEL_CONTAINER = 1, /* key: glob on the container name */
	WB_SEL_IMAGE = 2,     /* key: glob on the image reference */
	WB_SEL_LABEL = 3,     /* key: label name, value: glob on its value */
};

struct wb_policy {
	struct ward_policy_kern k; /* what the kernel's policy array holds */
	uint32_t name_off;
	uint32_t desc_off;
	uint32_t origin_off; /* "file:line" */
	uint32_t prov_off;   /* profiles: provenance, else 0 */
	uint32_t rule_first, rule_count;
	uint32_t sel_first, sel_count;
	uint8_t host; /* selects the host instead of containers */
	uint8_t profile;
	uint8_t pad[6];
};

struct wb_selector {
	uint32_t type; /* enum wb_selector_type */
	uint32_t key_off;
	uint32_t val_off;
	uint32_t pad;
};

struct wb_rule {
	struct ward_rule_kern k; /* what the kernel's rule array holds */
	uint32_t name_off;
	uint32_t msg_off;    /* message template, 0 if none */
	uint32_t origin_off; /* "file:line" */
	uint32_t tag_first, tag_count;
	uint32_t pad;
};

struct wb_object {
	struct ward_obj_key key;
	struct ward_obj_val val;
	uint32_t str_off; /* the hashed path (dir for globs) or the number's name */
	uint32_t pad;
};

struct wb_cidr {
	struct ward_lpm_key key;
	struct ward_lpm_val val;
	uint32_t pad;
};

struct wb_portset {
	uint32_t range_first, range_count;
};

struct wb_port_range {
	uint16_t lo, hi;
};

struct wb_sig_trailer {
	char magic[8];	    /* "WARDSIG1" */
	uint32_t alg;	    /* WB_SIG_ED25519 */
	uint32_t sig_len;   /* 64 */
	uint8_t key_id[32]; /* SHA-256 of the raw 32-byte public key */
	uint8_t sig[64];    /* Ed25519 over bytes [0, total_size) */
};

_Static_assert(sizeof(struct wb_header) == 96, "wb_header layout");
_Static_assert(sizeof(struct wb_section) == 24, "wb_section layout");
_Static_assert(sizeof(struct wb_policy) == 56, "wb_policy layout");
_Static_assert(sizeof(struct wb_selector) == 16, "wb_selector layout");
_Static_assert(sizeof(struct wb_rule) == 32, "wb_rule layout");
_Static_assert(sizeof(struct wb_object) == 32, "wb_object layout");
_Static_assert(sizeof(struct wb_cidr) == 40, "wb_cidr layout");
_Static_assert(sizeof(struct wb_sig_trailer) == 112, "wb_sig_trailer layout");

/* A validated, read-only view of a bundle (owns a copy of the bytes). */
struct ward_bundle {
	uint8_t *buf;
	size_t len; /* total_size: the signed content */
	const struct wb_header *hdr;
	const struct wb_sig_trailer *sig; /* NULL when unsigned */
	const char *strtab;
	size_t strtab_len;
	const struct wb_policy *policies;
	size_t n_policies;
	const struct wb_selector *sels;
	size_t n_sels;
	const struct wb_rule *rules;
	size_t n_rules;
	const uint32_t *tags;
	size_t n_tags;
	const struct wb_object *objects;
	size_t n_objects;
	const struct wb_cidr *cidrs;
	size_t n_cidrs;
	const struct ward_cand *cands;
	size_t n_cands;
	const struct ward_glob *globs;
	size_t n_globs;
	const struct wb_portset *portsets;
	size_t n_portsets;
	const struct wb_port_range *ranges;
	size_t n_ranges;
	struct ward_portset *bitmaps; /* expanded port sets, as the kernel holds them */
};

/* Validate and open. On failure returns -EINVAL (malformed), -EFBIG or
 * -ENOMEM, and *ret_why (static) says what is wrong. */
int ward_bundle_open(const uint8_t *buf, size_t len, struct ward_bundle **ret,
		     const char **ret_why);
void ward_bundle_free(struct ward_bundle *b);

static inline const char *ward_bundle_str(const struct ward_bundle *b, uint32_t off)
{
	return b->strtab + off; /* offsets are validated by ward_bundle_open() */
}

#endif
