#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Rewrite a bpftool skeleton (on stdin) so that the BPF object it embeds is
# zstd-compressed, defined once however many files include the skeleton (a
# weak definition: the linker keeps one), and decompressed on first use
# (engine/core/skel_elf.c). bpftool embeds the object in a static function, so
# every file that opened a skeleton carried its own copy: the static ward held
# each enforcement object two or three times, uncompressed.
# Usage: skel-compress.sh OBJECT NAME < SKELETON > SKELETON.out
set -eu
obj=$1
name=$2
data=$(mktemp)
trap 'rm -f "$data"' EXIT
zstd -q -19 -c "$obj" | od -An -v -tx1 | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g' >"$data"
awk -v fn="static inline const void *${name}__elf_bytes(size_t *sz)" -v name="$name" \
	-v data="$data" '
$0 == fn && !done {
	print "#include \"core/skel_elf.h\""
	print "__attribute__((weak, aligned(8))) const unsigned char " name "_zst[] = {"
	while ((getline line < data) > 0)
		print line
	print "};"
	print "__attribute__((weak)) struct skel_elf " name "_elf;"
	print fn
	print "{"
	print "\treturn skel_elf_get(&" name "_elf, " name "_zst, sizeof(" name "_zst), sz);"
	print "}"
	skip = 1
	next
}
skip {
	if ($0 == "}") {
		skip = 0
		done = 1
	}
	next
}
{ print }
END { if (!done) exit 1 }'
