#!/bin/bash
# Replay every fuzz target's corpus (tests/fuzz/corpus/<target without fuzz_>/)
# once, as regression tests; record "PASSED FAILED SKIPPED" for tests/summary.sh.
# Usage: tests/fuzz/replay.sh BUILD/fuzz/fuzz_NAME...
out=${BUILD:-build}/test-results
mkdir -p "$out"
p=0 f=0
for bin in "$@"; do
	name=$(basename "$bin")
	corpus=tests/fuzz/corpus/${name#fuzz_}
	if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
		echo "fuzz $name: FAIL: no corpus in $corpus"
		f=$((f + 1))
		continue
	fi
	n=$(find "$corpus" -type f | wc -l)
	if "$bin" -runs=0 "$corpus" >"$out/fuzz-$name.log" 2>&1; then
		echo "fuzz $name: PASS ($n inputs replayed)"
		p=$((p + 1))
	else
		echo "fuzz $name: FAIL"
		tail -40 "$out/fuzz-$name.log"
		f=$((f + 1))
	fi
done
echo "$p $f 0" > "$out/fuzz"
echo "fuzz: $p passed, $f failed, 0 skipped"
[ "$f" -eq 0 ]
