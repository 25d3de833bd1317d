// SPDX-License-Identifier: Apache-2.0
/* The one clock read every stage shares. */
#include "clock.h"

uint64_t clock_now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
