#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward server on a terminal (the README's first run): the default pack's alerts and, every
# 10 s, a status line saying what is in force and what was reported, with counts that come
# from the run (a container connecting to the cloud metadata address: one alert at least). With -o
# json the status line is a JSON message like every other. Not on a terminal (every other
# test), no status line.
. "$(dirname "$0")/lib.sh"
wardit_setup

command -v script >/dev/null || skip "script(1) missing (bsdutils): no pseudo-terminal to run on"
A=$(ctr_id a)
ctr_start "$A"
# script(1) gives ward a pseudo-terminal for its standard streams
script -qec "$WARD server -o json -d 24" /dev/null >"$TDIR/tty.out" 2>&1 </dev/null &
tty_pid=$!
for _ in $(seq 50); do # ward itself, so that the cleanup stops it if the test fails
	WARD_PID[tty]=$(pgrep -f -n "^$WARD server -o json -d 24") && break
	sleep 0.1
done
[ -n "${WARD_PID[tty]}" ] || fail "ward server did not start under script(1)"
WARD_LIVE[tty]=1
for _ in $(seq 100); do
	grep -aq "policy generation 1 in force" "$TDIR/tty.out" && break
	sleep 0.2
done
grep -aq "policy generation 1 in force" "$TDIR/tty.out" || fail "no policy in force: $(cat "$TDIR/tty.out")"
sleep 2 # the container targeted (once a second)
ctr_exec "$A" nc -w 1 169.254.169.254 80 </dev/null >/dev/null 2>&1 || true
wait "$tty_pid" || fail "ward server on a terminal: exit $?"
unset "WARD_LIVE[tty]"
tr -d '\r' <"$TDIR/tty.out" >"$TDIR/tty.txt"
grep -q '"tracker":"alert"' "$TDIR/tty.txt" || fail "no alert on the terminal: $(cat "$TDIR/tty.txt")"
status=$(jq -rR 'fromjson? | objects | select(.level == "info") | .message' "$TDIR/tty.txt" |
	grep -E '^[0-9:]{8} policy generation 1 in force \(audit only\), [1-9][0-9]* containers targeted; in the last 10 s: [0-9]+ alerts, 0 events') ||
	fail "no status line: $(grep '"level"' "$TDIR/tty.txt")"
echo "$status"
[ "$(wc -l <<<"$status")" -ge 2 ] || fail "one status line in 24 s, want two"
last=$(tail -n 1 <<<"$status")
[[ $last =~ \(([0-9]+)\ and\ 0\ in\ all\) ]] || fail "no totals in: $last"
[ "${BASH_REMATCH[1]}" -ge 1 ] || fail "the status line counts no alert: $last"
echo "ok: a status line every 10 s on a terminal, its alert count from the run"

server_start
sleep 12
ward_stop w
! grep -q "in the last 10 s" "$TDIR/w.err" || fail "a status line without a terminal"
echo "ok: no status line when stderr is not a terminal"
echo "PASS"
