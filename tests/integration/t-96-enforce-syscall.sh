#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Syscall rules (alert only, on any kernel: tp_btf/sys_enter): container A's first sync(2)
# raises an alert naming the syscall (level none: reported, the call proceeds); further calls
# are counted by `ward status` but not alerted again; container B, not selected, raises none.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
B=$(ctr_id b)
pol=$TDIR/policy.yaml
policy_write "$pol" it-syscall enforce "syscalls: allow" "$A" <<YAML
    - name: no-sync
      syscalls: {names: [sync]}
      action: alert
YAML

ctr_start "$A"
ctr_start "$B"
cga=$(ctr_cgroup_id "$A") || fail "cgroup id of $A"
server_start "$pol"

wait_event w 30 '.tracker == "alert" and .op == "syscall" and .container.name == $a' \
	--arg a "$A" -- ctr_exec "$A" sync
ev=$(first_event "$out" '.tracker == "alert" and .op == "syscall"')
assert_event "syscall alert: sync, rule, level none" "$ev" \
	'.object == "syscall sync" and .syscall == "sync" and .rule == "no-sync" and
	 .action == "alert" and .level == "none" and .comm == "sync" and .cgroup_id == $cg' \
	--argjson cg "$cga"
for _ in 1 2 3; do ctr_exec "$A" sync || fail "sync failed in $A"; done
ctr_exec "$B" sync || fail "sync failed in $B"
st=$("$WARD" status -o json) || fail "ward status failed"
assert_event "ward status counts every call" "$st" \
	'any(.counters[]; .rule == "no-sync" and .matches >= 4)'
assert_count "one alert for four calls" 1 "$out" '.tracker == "alert" and .op == "syscall"'
assert_none "no alert for B" "$out" '.tracker == "alert" and .container.name == $b' --arg b "$B"
ward_stop w
check_alert_schema "$out"
echo "PASS"
