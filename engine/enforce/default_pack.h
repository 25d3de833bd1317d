/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The default rule pack: the YAML files in policies/, compiled by the build with rulesc
 * into a bundle (build/gen/default.bundle) and embedded in the binary, so
 * `ward server` has a useful policy with zero configuration.
 */
#ifndef WARD_DEFAULT_PACK_H
#define WARD_DEFAULT_PACK_H

#include <stdint.h>

extern const uint8_t ward_default_pack[];
extern const uint8_t ward_default_pack_end[];

#endif
