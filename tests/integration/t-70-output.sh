#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# CLI: --output FILE receives the events (stdout does not); --duration ends
# ward on time with status 0; an unknown tracker or format is an error.
. "$(dirname "$0")/lib.sh"
wardit_setup

r=$RANDOM$RANDOM
bb=$(command -v busybox)
dur=3
f=$TDIR/events.json

rc=0
"$WARD" run nosuchtracker --duration 1 >/dev/null 2>"$TDIR/bad1.err" || rc=$?
check "ward run nosuchtracker fails (status $rc)" [ $rc -ne 0 ]
check "... and says why on stderr" [ -s "$TDIR/bad1.err" ]
rc=0
"$WARD" run process -o nosuchformat --duration 1 >/dev/null 2>"$TDIR/bad2.err" || rc=$?
check "ward run process -o nosuchformat fails (status $rc)" [ $rc -ne 0 ]
check "... and says why on stderr" [ -s "$TDIR/bad2.err" ]

t0=$(date +%s%N)
ward_start dur run process -o json --output "$f" --duration $dur
# Host execs for the whole time ward runs.
while ward_alive dur; do
	"$bb" echo "ward-out-$r" >/dev/null
	sleep 0.1
	[ $((($(date +%s%N) - t0) / 1000000000)) -lt $((dur + 20)) ] ||
		fail "ward --duration $dur still running after $((dur + 20)) s"
done
rc=0
ward_wait dur || rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check "--duration $dur: status 0 (got $rc)" [ $rc -eq 0 ]
check "--duration $dur: ran ${ms} ms, at least ${dur}000" [ $ms -ge $((dur * 1000)) ]
check "--duration $dur: ran ${ms} ms, ended within 10 s after" [ $ms -le $(((dur + 10) * 1000)) ]
check "--output $f exists" [ -s "$f" ]
check_schema "$f" process
assert_some "--output file holds the host execs" "$f" \
	'.event == "exec" and .argv == [$b, "echo", $m] and .container == {host: true}' \
	--arg b "$bb" --arg m "ward-out-$r"
check "with --output, stdout carries no events" [ -z "$(events "$(ward_out dur)" 'true')" ]
grep -q "ward-out-$r" "$(ward_out dur)" && fail "with --output, stdout names a marker"
echo "PASS"
