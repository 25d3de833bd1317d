// SPDX-License-Identifier: Apache-2.0
/* Embeds the compiled default pack; WARD_DEFAULT_PACK is its path (Makefile). */
#include "default_pack.h"

#ifndef WARD_DEFAULT_PACK
#error "WARD_DEFAULT_PACK must name the compiled default pack (see the Makefile)"
#endif

__asm__(".section .rodata.ward_default_pack,\"a\"\n"
	".balign 16\n"
	".globl ward_default_pack\n"
	".type ward_default_pack, @object\n"
	"ward_default_pack:\n"
	".incbin \"" WARD_DEFAULT_PACK "\"\n"
	".globl ward_default_pack_end\n"
	"ward_default_pack_end:\n"
	".previous\n");
