#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Syscall rules (alert only, on any kernel): container A's first sync(2) raises an alert naming
# the syscall (level none: reported, the call proceeds); further calls are counted by `ward
# status` but not alerted again; container B, not selected, raises none. Only the named
# syscalls pay: ward_sys_nr is attached to syscalls:sys_enter_sync alone, not ward_sys_enter to
# every syscall's entry; a SIGHUP reload to a policy whose syscall default is alert (every
# syscall decided) swaps one form for the other, and sync alerts again under it.
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

# The links ward pinned (as link_PROGRAM[_NR]): sync is x86_64 syscall 162.
pins=/sys/fs/bpf/ward
links() { find "$pins" -maxdepth 1 -name 'link_ward_sys_*' -printf '%f\n' | sort | tr '\n' ' '; }
[ "$(links)" = "link_ward_sys_nr_162 " ] ||
	fail "syscall rules naming sync: want only link_ward_sys_nr_162, have: $(links)"
echo "ok: only sync's tracepoint carries the syscall rule"

policy_write "$pol" it-syscall enforce "syscalls: alert" "$A" <<YAML
    - name: no-sync
      syscalls: {names: [sync]}
      action: alert
YAML
kill -HUP "${WARD_PID[w]}"
poll 30 grep -q "reload: policy generation 2 in force" "$TDIR/w.err" ||
	fail "no generation 2 after SIGHUP: $(cat "$TDIR/w.err")"
[ "$(links)" = "link_ward_sys_enter " ] ||
	fail "syscall default alert: want only link_ward_sys_enter, have: $(links)"
echo "ok: a syscall default of alert puts ward_sys_enter on every syscall's entry instead"
wait_event w 30 '.tracker == "alert" and .op == "syscall" and .syscall == "execve" and
	.container.name == $a' --arg a "$A" -- ctr_exec "$A" sync
poll 10 test "$(event_count "$out" '.tracker == "alert" and .syscall == "sync"')" = 2 ||
	fail "want one sync alert per generation, have $(event_count "$out" '.tracker == "alert" and .syscall == "sync"')"
echo "ok: under the default, execve alerts and sync alerts once more (generation 2)"
ward_stop w
check_alert_schema "$out"
echo "PASS"
