#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward server --events process,files,tcp: the trackers together in one JSON
# stream, each attributing a container's activity to it; the default pack's
# alerts (the container runs busybox applets) join the stream and validate too.
# Without --events, the same server shows alerts and no event at all.
. "$(dirname "$0")/lib.sh"
wardit_setup

r=$RANDOM$RANDOM
A=$(ctr_id a)
port=$((20000 + RANDOM % 20000))

ctr_start "$A"
cga=$(ctr_cgroup_id "$A") || fail "cgroup id of $A"
ward_start w server -o json --events process,files,tcp
out=$(ward_out w)

activity() {
	ctr_exec "$A" /bin/busybox echo "ward-srv-$r"
	ctr_exec "$A" dd if=/dev/zero of="/data/srv-$r.bin" bs=777 count=1
	ctr_exec "$A" nc 127.0.0.1 $port
}
bb_exec='.event == "exec" and .argv[0] == "/bin/busybox" and .argv[-1] == $m'
wait_event w 30 '.tracker == "process" and '"$bb_exec" --arg m "ward-srv-$r" -- activity
wait_event w 20 '.tracker == "files" and .filename == $f' --arg f "/data/srv-$r.bin" -- activity
wait_event w 10 '.tracker == "tcp" and .dport == $p' --argjson p $port -- activity
ward_stop w

for flt in '.tracker == "process" and '"$bb_exec" \
	'.tracker == "files" and .filename == $f and .write_bytes == 777' \
	'.tracker == "tcp" and .event == "connect" and .dport == $p and .daddr == "127.0.0.1"'; do
	assert_some "server: ${flt%% and *} event of $A" "$out" \
		"$flt"' and .container.name == $a and .cgroup_id == $cg' \
		--arg m "ward-srv-$r" --arg f "/data/srv-$r.bin" --argjson p $port \
		--arg a "$A" --argjson cg "$cga"
done
jq -c 'select(.tracker != "alert")' "$out" >"$out.events" || fail "$out is not JSON lines"
check_schema "$out.events" process files tcp
check_alert_schema "$out"

# Events are opt-in: the default server's stream is its alerts.
ward_start q server -o json
wait_event q 30 '.tracker == "alert" and .container.name == $a' --arg a "$A" -- \
	ctr_exec "$A" /bin/sh -c "echo ward-q-$r" # runc exec: the default pack alerts
# Idle, it sleeps: at most 5 % of a core over 5 s (a loop that never waits would take 100 %)
ticks() { awk '{ print $14 + $15 }' "/proc/${WARD_PID[q]}/stat"; }
t0=$(ticks)
sleep 5
used=$(($(ticks) - t0))
hz=$(getconf CLK_TCK)
check "the idle server used $used ticks of $((5 * hz)) in 5 s (at most 5 %)" \
	[ $((used * 100)) -le $((5 * hz * 5)) ]
ward_stop q
assert_none "no tracker events without --events" "$(ward_out q)" '.tracker != "alert"'
echo "PASS"
