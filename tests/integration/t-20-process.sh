#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# process tracker: exec argv and filename, fork and exit (exit code, signal)
# in a container attributed to it; a host exec is marked host.
. "$(dirname "$0")/lib.sh"
wardit_setup

r=$RANDOM$RANDOM
A=$(ctr_id a)
bb=$(command -v busybox)

ctr_start "$A"
cga=$(ctr_cgroup_id "$A") || fail "cgroup id of $A"
ward_start w run process -o json
out=$(ward_out w)

argv=$(jq -nc --arg m "ward-argv-$r" '["/bin/busybox", "echo", $m, "x", "y"]')
wait_event w 30 '.event == "exec" and .argv == $a' --argjson a "$argv" \
	-- ctr_exec "$A" /bin/busybox echo "ward-argv-$r" x y

ctr_exec "$A" sh -c '(exit 3); exit 4' "ward-fork-$r"
rc=$?
check "sh in $A exits 4" [ $rc -eq 4 ]
ctr_exec "$A" sh -c 'kill -9 $$' "ward-kill-$r"
"$bb" echo "ward-host-$r" >/dev/null
hargv=$(jq -nc --arg b "$bb" --arg m "ward-host-$r" '[$b, "echo", $m]')
wait_event w 10 '.event == "exec" and .argv == $a' --argjson a "$hargv"
# (runc's own exec on the host ends with the same argument: match argv[0] too)
sh_exec='.event == "exec" and .argv[0] == "sh" and .argv[-1] == $m'
wait_event w 10 "$sh_exec" --arg m "ward-fork-$r"
wait_event w 10 "$sh_exec" --arg m "ward-kill-$r"
fork_exec=$(first_event "$out" "$sh_exec" --arg m "ward-fork-$r") || fail "jq failed"
[ -n "$fork_exec" ] || fail "no exec event for ward-fork-$r"
p=$(jq .pid <<<"$fork_exec")
wait_event w 10 '.event == "exit" and .pid == $p' --argjson p "$p"
kill_exec=$(first_event "$out" "$sh_exec" --arg m "ward-kill-$r") || fail "jq failed"
[ -n "$kill_exec" ] || fail "no exec event for ward-kill-$r"
k=$(jq .pid <<<"$kill_exec")
wait_event w 10 '.event == "exit" and .pid == $k' --argjson k "$k"
ward_stop w

assert_some "exec in $A: filename, exact argv, name, id, cgroup, uid, ppid" "$out" '
	.event == "exec" and .argv == $a and .filename == "/bin/busybox" and
	.args_truncated == false and .container.name == $n and .container.id == $n and
	.container.host == false and .container.runtime == "runc" and .cgroup_id == $cg and
	.uid == 0 and .ppid != 0 and .pid != 0' \
	--argjson a "$argv" --arg n "$A" --argjson cg "$cga"
assert_none "that exec is attributed to $A only" "$out" \
	'.event == "exec" and .argv == $a and .container.name != $n' \
	--argjson a "$argv" --arg n "$A"
assert_event "exec of sh -c: filename as resolved by PATH, argv as given" "$fork_exec" '
	.filename == "/bin/sh" and .argv == ["sh", "-c", "(exit 3); exit 4", $m] and
	.container.name == $n' --arg m "ward-fork-$r" --arg n "$A"
c=$(first_event "$out" '.event == "fork" and .pid == $p and .container.name == $n' \
	--argjson p "$p" --arg n "$A" | jq .child_pid)
check "fork event of $p (the subshell) in $A" [ -n "$c" ]
check "fork child is a new pid" [ "$c" != "$p" ]
assert_some "the subshell $c exits with code 3" "$out" '
	.event == "exit" and .pid == $c and .exit_code == 3 and .signal == 0 and
	.lifetime_ns > 0 and .container.name == $n and .cgroup_id == $cg' \
	--argjson c "$c" --arg n "$A" --argjson cg "$cga"
assert_some "sh $p exits with code 4" "$out" '
	.event == "exit" and .pid == $p and .exit_code == 4 and .signal == 0 and
	.container.name == $n' --argjson p "$p" --arg n "$A"
assert_some "sh $k killed by SIGKILL reports signal 9" "$out" '
	.event == "exit" and .pid == $k and .signal == 9 and .container.name == $n' \
	--argjson k "$k" --arg n "$A"
assert_some "a host exec is marked host" "$out" '
	.event == "exec" and .argv == $a and .filename == $b and .container == {host: true}' \
	--argjson a "$hargv" --arg b "$bb"
check_schema "$out" process
echo "PASS"
