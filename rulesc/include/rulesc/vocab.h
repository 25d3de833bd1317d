/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy vocabulary: how rules, rulesc's listings, alerts, `ward status`,
 * `ward doctor` and profiles spell the values of the enums in bundle_maps.h.
 * Each word is written once, in vocab.c; rulesc and the engine both link it
 * (librulesc.a). The tables are indexed by the enum's value, or by bit number
 * for the bit enums (access kinds, protocols); "" marks a value that has no
 * word (0 of the enums that start at 1). tests/unit/test_vocab.c checks that
 * every value has a word and that the words are distinct. Public, through
 * rulesc.h.
 */
#ifndef RULESC_VOCAB_H
#define RULESC_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "ward/bundle_maps.h"

extern const char *const rc_action_names[WARD_ACT_MAX];
extern const char *const rc_mode_names[WARD_MODE_MAX];
extern const char *const rc_severity_names[WARD_SEV_MAX];
/* The classes a policy's defaults and a rule's resource key name; also the
 * resources `ward status` and `ward doctor` report (WARD_CLS_PROTECT has no
 * word: it is not in YAML). */
extern const char *const rc_class_names[WARD_CLS_MAX];
extern const char *const rc_domain_names[WARD_DOM_MAX];
extern const char *const rc_kind_names[WARD_KEY_MAX];
/* Bit b: 1u << b of enum ward_access. */
extern const char *const rc_access_names[WARD_ACC_KINDS];
/* Bit b: 1u << b of enum ward_proto. */
extern const char *const rc_proto_names[WARD_PROTO_KINDS];
extern const char *const rc_sock_names[WARD_SOCK_MAX];

/* The index of word in names (n entries), -ENOENT if none has it ("" never
 * matches). */
int rc_vocab_find(const char *const *names, size_t n, const char *word);

/* The word of one value; "?" for a value without one. */
const char *rc_action_name(uint8_t a);
const char *rc_mode_name(uint8_t m);
const char *rc_severity_name(uint8_t s);
const char *rc_class_name(uint8_t c);
const char *rc_domain_name(uint16_t dom);
const char *rc_kind_name(uint16_t kind);

/* "read,write" style list of access bits into buf (truncated to size). */
void rc_access_format(uint32_t access, char *buf, size_t size);
/* One access word to its bit; -EINVAL if it is none. */
int rc_access_parse(const char *s, uint32_t *ret);

#endif
