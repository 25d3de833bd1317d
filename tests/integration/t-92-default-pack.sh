#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `ward server` with no --policy: the default pack built into the binary
# (policies/) is in force in audit mode. An interactive shell run in a
# container (a terminal: runc exec -t under script(1)) raises the pack's shell
# alert and still runs (nothing blocked, level none), a script's shell does
# not; the
# pack targets containers only, never the host; its pins are gone once ward
# exits (a first run leaves nothing in the kernel), and it never replaces a
# policy an operator left pinned.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
ctr_start "$A"
cga=$(ctr_cgroup_id "$A") || fail "cgroup id of $A"
server_start

r=$RANDOM
run_shell() { script -qec "runc exec -t $A /bin/sh -c 'echo shell-$r'" /dev/null; }
alert='.tracker == "alert" and .op == "exec" and .rule == "shell-in-container"'
wait_event w 60 "$alert"' and .cgroup_id == $cg' --argjson cg "$cga" -- run_shell
ev=$(first_event "$out" "$alert"' and .cgroup_id == $cg' --argjson cg "$cga")
assert_event "the default pack's shell alert, audit only" "$ev" \
	'.policy == "container-baseline" and .action == "alert" and .mode == "audit" and
	 .level == "none" and .container.name == $a and (.origin | startswith("policies/"))' \
	--arg a "$A"
run_shell | grep -q "shell-$r" || fail "audit mode must let the shell run in $A"
echo "ok: the shell ran"
n0=$(event_count "$out" "$alert")
ctr_exec "$A" /bin/sh -c "echo script-$r" >/dev/null
assert_count "a script's shell (no terminal) raises no shell alert" "$n0" "$out" "$alert"
/bin/sh -c "true host-shell-$r"
grep -q "embedded default pack (audit only" "$TDIR/w.err" || fail "no startup message naming the pack"
ward_stop w
assert_none "the host is never targeted" "$out" '.tracker == "alert" and .container.host'
[ ! -e /sys/fs/bpf/ward/ward_active ] || fail "the default pack left pins behind"
echo "ok: no pins left"
check_alert_schema "$out"

# A policy left in force by `ward server --policy` (pinned, no --unpin-on-exit)
# is neither replaced nor unpinned by a zero-configuration run.
pol=$TDIR/policy.yaml
policy_write "$pol" it-pinned audit "exec: allow" "$A" <<YAML
    - {name: tool, exec: {paths: [/data/tool]}, action: alert}
YAML
ward_start p server -o json --policy "$pol" --events process
wait_event p 60 '.tracker == "process"' -- true
ward_stop p
[ -e /sys/fs/bpf/ward/ward_active ] || fail "ward server --policy left no pins"
gen=$("$WARD" status -o json | jq '.generation')
ward_start d server -o json --events process
wait_event d 60 '.tracker == "process"' -- true
ward_stop d
grep -q "the default pack does not replace it" "$TDIR/d.err" || fail "no message about the pinned policy"
[ -e /sys/fs/bpf/ward/ward_active ] || fail "the default run removed the pinned policy"
[ "$("$WARD" status -o json | jq '.generation')" = "$gen" ] || fail "the pinned generation changed"
echo "ok: the pinned policy stays in force"
rc=0
timeout 20 "$WARD" server -o json -d 10 >"$TDIR/n.out" 2>"$TDIR/n.err" </dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "a default run beside a pinned policy, no --events: exit $rc, want 1"
grep -q "nothing to show" "$TDIR/n.err" || fail "no reason given: $(cat "$TDIR/n.err")"
echo "ok: ... and without --events it says there is nothing to show and exits 1"
ward_start c server -o json --policy "$pol" --unpin-on-exit --events process
wait_event c 60 '.tracker == "process"' -- true
ward_stop c
[ ! -e /sys/fs/bpf/ward/ward_active ] || fail "cleanup left pins behind"
echo "PASS"
