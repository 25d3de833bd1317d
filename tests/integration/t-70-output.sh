#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# CLI: --output FILE receives the events (stdout does not); --duration ends
# ward on time with status 0; an unknown tracker or format is an error.
# --output-max-size rotates the file into FILE.1 ... FILE.keep of whole
# events; after logrotate's mv, SIGHUP opens FILE again and the events that
# follow go there.
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

# ---- rotation ---------------------------------------------------------------------
# (which file holds which marker is not checked: the tracker sees every host exec, the
# test's own polling too, and each may rotate the file)
g=$TDIR/rot.json
ward_start rot run process -o json --output "$g" --output-max-size 4096 --output-keep 2
in_files() { grep -q "$1" "$2"* 2>/dev/null; } # TEXT FILE: in FILE or its rotated ones
wait_file() { poll 5 in_files "$1" "$2"; }
"$bb" echo "ward-rot-$r-first" >/dev/null
wait_file "ward-rot-$r-first" "$g" || fail "ward run wrote no event to $g"
for i in $(seq 1 60); do "$bb" echo "ward-rot-$r-$i" >/dev/null; done
wait_file "ward-rot-$r-60" "$g" || fail "the last event did not come"
ward_stop rot
check "rotated into $g.1" [ -s "$g.1" ]
check "  ... and $g.2" [ -s "$g.2" ]
check "  ... no $g.3 (--output-keep 2)" [ ! -e "$g.3" ]
for x in "$g" "$g.1" "$g.2"; do
	check "  ... $(basename "$x") is at most 4096 bytes and a row" [ "$(stat -c %s "$x")" -le 5120 ]
	# a row that reaches the size rotates after it: the new file may stay empty
	[ "$x" = "$g" ] && [ ! -s "$x" ] || check_schema "$x" process
done

# ---- reopening on SIGHUP (logrotate) ----------------------------------------------
h=$TDIR/hup.json
ward_start hup run process -o json --output "$h"
"$bb" echo "ward-hup-$r-before" >/dev/null
wait_file "ward-hup-$r-before" "$h" || fail "ward run wrote no event to $h"
mv "$h" "$h.1" || fail "mv $h"
kill -HUP "${WARD_PID[hup]}"
poll 5 test -e "$h"
check "SIGHUP: $h opened again" [ -e "$h" ]
"$bb" echo "ward-hup-$r-after" >/dev/null
wait_file "ward-hup-$r-after" "$h" || fail "no event after SIGHUP"
ward_stop hup
check "  ... the event before it in the moved file" grep -q "ward-hup-$r-before" "$h.1"
check "  ... the event after it in the new one" grep -q "ward-hup-$r-after" "$h"
check "  ... and only there" bash -c "! grep -q 'ward-hup-$r-after' '$h.1'"
echo "PASS"
