#!/bin/bash
# Run cmocka test binaries; record "PASSED FAILED SKIPPED" for tests/summary.sh.
# Usage: tests/run-unit.sh SUITE BIN...
suite=$1; shift
out=${BUILD:-build}/test-results
mkdir -p "$out"
p=0 f=0 s=0 rc=0
for bin in "$@"; do
	log=$(mktemp)
	"$bin" >"$log" 2>&1
	brc=$?
	cat "$log"
	bp=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	bf=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	bs=$(sed -n 's/.*\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	# A crash (sanitizer abort) leaves no cmocka summary: count it as a failure.
	if [ -z "$bp" ] && [ -z "$bf" ]; then bf=1; fi
	[ $brc -ne 0 ] && [ "${bf:-0}" -eq 0 ] && bf=1
	p=$((p + ${bp:-0})) f=$((f + ${bf:-0})) s=$((s + ${bs:-0}))
	[ $brc -eq 0 ] || rc=1
	rm -f "$log"
done
echo "$p $f $s" > "$out/$suite"
echo "$suite: $p passed, $f failed, $s skipped"
exit $rc
