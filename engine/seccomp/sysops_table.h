/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The syscall-operation table of include/ward/sysops.h, by name: what learning records
 * and what enforcement without BPF-LSM decides come from the same entries.
 */
#ifndef WARD_SYSOPS_TABLE_H
#define WARD_SYSOPS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "ward/sysops.h"

/* The table for one ABI (libseccomp's SCMP_ARCH_*) into ops[0..n) by syscall
 * number; the rest of ops is left as it is. Returns how many entries were
 * described (names the ABI lacks are skipped). */
size_t sysops_fill(uint32_t arch, struct ward_sysop *ops, size_t n);

/* Both ABIs into a program's table of 2 * WARD_SYSOP_NR entries (x86_64, then
 * i386). */
void sysops_fill_all(struct ward_sysop *ops);

#endif
