#!/bin/bash
# Sum the per-suite result files ("PASSED FAILED SKIPPED" on one line each)
# written by the suite runners, print one line per suite and a total line.
# Exit 1 if anything failed or a suite left no result file.
dir=${1:-build/test-results}
expected="format unit asan fuzz rulesc cli man examples kubernetes diff integration vm vm-6.12 vm-7 vm-fallback"
tp=0 tf=0 ts=0 missing=0
for suite in $expected; do
	if [ ! -f "$dir/$suite" ]; then
		echo "suite $suite: NO RESULT (did not run or crashed)"
		missing=1
		continue
	fi
	read -r p f s < "$dir/$suite"
	echo "suite $suite: $p passed, $f failed, $s skipped"
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + s))
done
[ $missing -eq 0 ] || tf=$((tf + 1))
echo "total: $tp passed, $tf failed, $ts skipped"
[ $tf -eq 0 ]
