/* SPDX-License-Identifier: Apache-2.0 */
/* The one clock read every stage shares. */
#ifndef WARD_CLOCK_H
#define WARD_CLOCK_H

#include <stdint.h>
#include <time.h>

/* clk's time in nanoseconds (CLOCK_MONOTONIC: the kernel's record stamps). */
uint64_t clock_now_ns(clockid_t clk);

#endif
