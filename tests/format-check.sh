#!/bin/bash
# Every C source must be as clang-format (.clang-format, kernel style) writes it.
# Usage: tests/format-check.sh FILE...   ("make format" fixes them)
out=${BUILD:-build}/test-results
mkdir -p "$out"
p=0 f=0
for file in "$@"; do
	if clang-format "$file" | cmp -s - "$file"; then
		p=$((p + 1))
	else
		echo "format: $file differs from clang-format's output (make format)"
		f=$((f + 1))
	fi
done
echo "$p $f 0" > "$out/format"
echo "format: $p passed, $f failed, 0 skipped"
[ "$f" -eq 0 ]
