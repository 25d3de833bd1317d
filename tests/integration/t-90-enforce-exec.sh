#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Enforcement without BPF-LSM (the host kernel): exec decisions come from the
# sched_prepare_exec tracepoint (sched_process_exec before 6.10). Audit mode alerts and lets the program run;
# after a SIGHUP reload into enforce mode the same exec is killed (SIGKILL,
# level "sigkill"); container B, not selected, is never touched. A rule naming
# a symlink (/bin/nc, a busybox applet) holds for the name a program is
# invoked by, without catching the other applets of the same binary. Every
# alert line validates against docs/alert.schema.json.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
B=$(ctr_id b)
pol=$TDIR/policy.yaml
write_policy() { # MODE
	policy_write "$pol" it-exec "$1" "exec: allow" "$A" <<YAML
    - name: no-tool
      exec: {paths: [/data/echo]}
      action: block
      severity: high
    - name: no-nc
      exec: {paths: [/bin/nc]}
      action: block
YAML
}

ctr_start "$A"
ctr_start "$B"
for c in "$A" "$B"; do
	ctr_exec "$c" cp /bin/busybox /data/echo || fail "copy busybox into $c"
done
cga=$(ctr_cgroup_id "$A") || fail "cgroup id of $A"
write_policy audit
server_start "$pol"

r=$RANDOM
run_tool() { ctr_exec "$1" /data/echo "tool-$r"; }
alert='.tracker == "alert" and .op == "exec" and .object == "/data/echo"'
wait_event w 30 "$alert"' and .container.name == $a' --arg a "$A" -- run_tool "$A"
ev=$(first_event "$out" "$alert")
assert_event "audit alert names rule, policy, mode, level" "$ev" \
	'.rule == "no-tool" and .policy == "it-exec" and .action == "alert" and
	 .mode == "audit" and .level == "none" and .severity == "high" and .cgroup_id == $cg' \
	--argjson cg "$cga"
[ "$(run_tool "$A")" = "tool-$r" ] || fail "audit mode must let /data/echo run in $A"
echo "ok: audit mode lets the exec run"

write_policy enforce
kill -HUP "${WARD_PID[w]}"
wait_event w 20 '.tracker == "alert" and .action == "block"' -- run_tool "$A"
ev=$(first_event "$out" "$alert"' and .action == "block"')
assert_event "enforce alert: block at level sigkill" "$ev" \
	'.mode == "enforce" and .level == "sigkill" and .generation == 2'
run_tool "$A" >/dev/null 2>&1
rc=$?
[ $rc -ne 0 ] || fail "enforce mode: /data/echo still ran in $A"
echo "ok: enforce mode kills the exec in $A (status $rc)"
rc=0
ctr_exec "$A" nc -h >/dev/null 2>&1 || rc=$?
[ $rc -eq 137 ] || fail "enforce mode: /bin/nc (-> busybox) exited $rc in $A, want 137"
wait_event w 10 '.tracker == "alert" and .rule == "no-nc"'
ev=$(first_event "$out" '.tracker == "alert" and .rule == "no-nc"')
assert_event "the invoked name decided: object /bin/nc, level sigkill" "$ev" \
	'.object == "/bin/nc" and .action == "block" and .level == "sigkill"'
[ "$(ctr_exec "$A" echo "applet-$r")" = "applet-$r" ] || fail "another applet (/bin/echo) failed in $A"
echo "ok: /bin/nc killed by name in $A, /bin/echo (the same busybox) runs"
[ "$(run_tool "$B")" = "tool-$r" ] || fail "$B is not selected but its exec failed"
rc=0
ctr_exec "$B" nc -h >/dev/null 2>&1 || rc=$?
[ $rc -ne 137 ] || fail "$B is not selected but its nc was killed"
echo "ok: $B untouched"
assert_none "no alert for $B" "$out" '.tracker == "alert" and .container.name == $b' --arg b "$B"
grep -q "reload: policy generation 2 in force" "$TDIR/w.err" || fail "no reload message"
st=$("$WARD" status -o json) || fail "ward status failed"
assert_event "ward status: generation, levels, target, counters" "$st" \
	'.generation == 2 and .enforcement.exec == "sigkill" and .enforcement.network == "cgroup" and
	 .enforcement.file == "sigkill" and ([.containers[].cgroup_id] == [$cg]) and
	 any(.counters[]; .rule == "no-tool" and .policy == "it-exec" and .blocks >= 1 and
	     .matches >= .blocks)' --argjson cg "$cga"
"$WARD" status | grep -q "no-tool" || fail "ward status table lacks the rule"
ward_stop w
[ ! -e /sys/fs/bpf/ward/ward_active ] || fail "--unpin-on-exit left pins behind"
check_alert_schema "$out"
echo "PASS"
