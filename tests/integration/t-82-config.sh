#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward server --config FILE (docs/config.md): the file's keys are the server's options, so a
# file saying `noPolicy: true`, `format: json` and `events: [process]` gives a JSON stream of
# the process tracker's events (a container's exec, attributed to it) and nothing else; an
# option on the command line overrides its key (-o csv: CSV lines, the same events). A file
# with an unknown key is refused before anything loads: exit 3 and the diagnostic with its
# line, column and hint.
. "$(dirname "$0")/lib.sh"
wardit_setup

r=$RANDOM$RANDOM
A=$(ctr_id a)
ctr_start "$A"
cfg=$TDIR/ward.yaml
cat >"$cfg" <<YAML
# the options of ward server
noPolicy: true
format: json
events: [process]
YAML
"$WARD" config check "$cfg" || fail "ward config check refused $cfg"

ward_start w server --config "$cfg"
out=$(ward_out w)
wait_event w 30 '.tracker == "process" and .event == "exec" and .argv[-1] == $m' \
	--arg m "ward-cfg-$r" -- ctr_exec "$A" /bin/busybox echo "ward-cfg-$r"
ward_stop w
assert_some "the container's exec, attributed to it" "$out" \
	'.tracker == "process" and .argv[-1] == $m and .container.name == $a' \
	--arg m "ward-cfg-$r" --arg a "$A"
assert_none "only the process tracker's events" "$out" '.tracker != "process"'
grep -q "policy generation" "$TDIR/w.err" && fail "noPolicy: true, yet a policy went in force"
echo "ok: the file's keys are the server's options"

timeout 30 "$WARD" server --config "$cfg" -o csv -d 4 >"$TDIR/csv" 2>"$TDIR/csv.err" &
csv_pid=$!
sleep 2
ctr_exec "$A" /bin/busybox echo "ward-csv-$r" >/dev/null
wait "$csv_pid" || fail "ward server --config -o csv: $(cat "$TDIR/csv.err")"
head -n 1 "$TDIR/csv" | grep -q '^time,event,pid,ppid,uid,container_name,cgroup_id' ||
	fail "-o csv did not override format: json: $(head -n 2 "$TDIR/csv")"
grep -q "ward-csv-$r" "$TDIR/csv" || fail "no exec event in the CSV stream"
echo "ok: -o csv overrides the file's format"

printf 'noPolicy: true\nintervl: 5s\n' >"$TDIR/bad.yaml"
rc=0
"$WARD" server --config "$TDIR/bad.yaml" -d 5 >"$TDIR/bad.out" 2>"$TDIR/bad.err" || rc=$?
[ "$rc" -eq 3 ] || fail "a bad configuration: exit $rc, want 3"
grep -q "bad.yaml:2:1: error: unknown key 'intervl'" "$TDIR/bad.err" ||
	fail "no located diagnostic: $(cat "$TDIR/bad.err")"
grep -q "did you mean 'interval'" "$TDIR/bad.err" || fail "no hint: $(cat "$TDIR/bad.err")"
echo "ok: a bad configuration is refused with its place and a hint"
echo "PASS"
