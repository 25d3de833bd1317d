#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Network enforcement without BPF-LSM: cgroup sock_addr programs attached to
# the targeted container's cgroup. In enforce mode container A's connect to
# the blocked port fails with EPERM (level "cgroup") while another port still
# gets the normal "connection refused"; container B, started after ward and
# not selected, is untouched; a container started later that the selector
# matches (C) is covered within a tick.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
B=$(ctr_id b)
C=$(ctr_id c)
port=$((20000 + RANDOM % 20000))
other=$((port + 1))
pol=$TDIR/policy.yaml
policy_write "$pol" it-net enforce "network: allow" "$A" "$C" <<YAML
    - name: no-port
      network: {connect: {cidrs: [127.0.0.0/8], ports: [$port], protocols: [tcp]}}
      action: block
YAML

ctr_start "$A"
server_start "$pol"
ctr_start "$B"

conn() { ctr_exec "$1" nc -w 1 127.0.0.1 "$2" </dev/null 2>&1; }
wait_event w 30 '.tracker == "alert" and .op == "connect" and .container.name == $a' \
	--arg a "$A" -- conn "$A" $port
ev=$(first_event "$out" '.tracker == "alert" and .container.name == $a' --arg a "$A")
assert_event "connect alert: block at level cgroup" "$ev" \
	'.action == "block" and .mode == "enforce" and .level == "cgroup" and .rule == "no-port" and
	 .object == ("127.0.0.1:" + ($p | tostring)) and .protocol == "tcp" and .port == $p' \
	--argjson p $port
msg=$(conn "$A" $port)
grep -q "Operation not permitted" <<<"$msg" || fail "A: connect to $port not EPERM: $msg"
echo "ok: A's connect to $port fails with EPERM"
msg=$(conn "$A" $other)
grep -q "Connection refused" <<<"$msg" || fail "A: other port not refused: $msg"
echo "ok: A's connect to $other proceeds (connection refused)"
msg=$(conn "$B" $port)
grep -q "Connection refused" <<<"$msg" || fail "B: connect to $port affected: $msg"
echo "ok: B untouched"

ctr_start "$C"
wait_event w 20 '.tracker == "alert" and .container.name == $c' --arg c "$C" -- conn "$C" $port
echo "ok: C, started after ward, covered"
assert_none "no alert for B" "$out" '.tracker == "alert" and .container.name == $b' --arg b "$B"
ward_stop w
msg=$(conn "$A" $port)
grep -q "Connection refused" <<<"$msg" || fail "after --unpin-on-exit A is still blocked: $msg"
echo "ok: --unpin-on-exit detached the cgroup programs"
check_alert_schema "$out"
echo "PASS"
