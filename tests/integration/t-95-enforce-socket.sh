#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Socket rules without BPF-LSM: a policy blocking raw and packet sockets in container A.
# A raw IP socket is refused with EPERM by cgroup/sock_create on A's cgroup (level "cgroup":
# busybox ping falls back to an unprivileged ICMP socket, which the kernel refuses too); a
# packet socket, which that hook does not see, gets its creator killed from the socket()
# tracepoint (level "sigkill"). A connect to the unix socket /dev/log (busybox logger, with
# syslogd in the container) is decided after the syscall on the path passed and its caller
# killed (level "sigkill"). Container B (same capabilities, not selected) is untouched.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
B=$(ctr_id b)
pol=$TDIR/policy.yaml
policy_write "$pol" it-socket enforce "network: allow" "$A" <<YAML
    - name: no-raw
      network: {sockets: [raw, packet]}
      action: block
    - name: no-log
      network: {connect: {unix: [/dev/log]}}
      action: block
YAML

export CTR_CAPS='["CAP_NET_RAW"]'
ctr_start "$A"
ctr_start "$B"
server_start "$pol"

ping1() { ctr_exec "$1" ping -c 1 -W 1 127.0.0.1 2>&1; }
wait_event w 30 '.tracker == "alert" and .op == "socket" and .container.name == $a' \
	--arg a "$A" -- ping1 "$A"
ev=$(first_event "$out" '.tracker == "alert" and .op == "socket" and .container.name == $a' \
	--arg a "$A")
assert_event "raw socket: block at level cgroup" "$ev" \
	'.action == "block" and .mode == "enforce" and .level == "cgroup" and .rule == "no-raw" and
	 .object == "socket raw"'
msg=$(ping1 "$A") && fail "A: ping succeeded: $msg"
echo "ok: A's ping fails ($msg)"
msg=$(ping1 "$B") || fail "B: ping failed: $msg"
grep -q "1 packets received" <<<"$msg" || fail "B: no reply: $msg"
echo "ok: B's ping (raw socket) works"

arp() { ctr_exec "$1" arping -c 1 -w 1 -I lo 127.0.0.1 >/dev/null 2>&1; }
rc=0
arp "$A" || rc=$?
[ "$rc" -eq 137 ] || fail "A: arping (packet socket) exited $rc, want 137 (SIGKILL)"
echo "ok: A's arping was killed"
wait_event w 20 '.tracker == "alert" and .object == "socket packet"' -- true
ev=$(first_event "$out" '.tracker == "alert" and .object == "socket packet"')
assert_event "packet socket: block at level sigkill" "$ev" \
	'.action == "block" and .level == "sigkill" and .comm == "arping" and
	 .container.name == $a' --arg a "$A"
rc=0
arp "$B" || rc=$?
[ "$rc" -ne 137 ] || fail "B: arping was killed"
echo "ok: B's arping not killed (exit $rc)"

for c in "$A" "$B"; do
	ctr_exec "$c" sh -c 'syslogd -n -O /tmp/messages </dev/null >/dev/null 2>&1 &' ||
		fail "syslogd in $c"
done
both_logs() { ctr_exec "$A" test -S /dev/log && ctr_exec "$B" test -S /dev/log; }
poll 5 both_logs
rc=0
ctr_exec "$A" logger -t t95 hello >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 137 ] || fail "A: logger (unix connect to /dev/log) exited $rc, want 137"
wait_event w 10 '.tracker == "alert" and .op == "unix_connect"'
ev=$(first_event "$out" '.tracker == "alert" and .op == "unix_connect"')
assert_event "unix connect: block at level sigkill, the path passed" "$ev" \
	'.action == "block" and .level == "sigkill" and .rule == "no-log" and
	 .object == "/dev/log" and .container.name == $a' --arg a "$A"
ctr_exec "$B" logger -t t95 hello || fail "B: logger failed"
echo "ok: B's logger untouched"
assert_none "no alert for B" "$out" '.tracker == "alert" and .container.name == $b' --arg b "$B"
ward_stop w
check_alert_schema "$out"
echo "PASS"
