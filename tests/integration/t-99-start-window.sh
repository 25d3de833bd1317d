#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# No window at container start, without BPF-LSM (the host kernel): 25 back-to-back containers
# whose entrypoint is a blocked binary and 25 whose entrypoint's first action reads a blocked
# file, all started while ward runs, each selected by an enforce policy by name. The
# entrypoint's exec in the new cgroup is held until ward has classified the container, so
# every one is refused (killed: status 137, nothing printed) and alerted, none by luck. A
# container that no policy selects, started the same way, runs its entrypoint (held, then
# resumed). A daemon that is slow rather than dead (stopped between a container's creation
# and its start for longer than a new cgroup stays new, shorter than the heartbeat window:
# include/ward/enforce_abi.h) still holds its entrypoint and kills it once it runs again.
. "$(dirname "$0")/lib.sh"
wardit_setup

# The stall falls between the two windows of include/ward/enforce_abi.h.
new_s=$(abi_seconds WARD_NEW_CGROUP_NS) || fail "cannot read WARD_NEW_CGROUP_NS from include/ward/enforce_abi.h"
heartbeat_s=$(abi_seconds WARD_HEARTBEAT_NS) || fail "cannot read WARD_HEARTBEAT_NS from include/ward/enforce_abi.h"
stall_s=$((new_s + 5))
[ "$stall_s" -lt "$heartbeat_s" ] ||
	fail "no stall fits between WARD_NEW_CGROUP_NS ($new_s s) and WARD_HEARTBEAT_NS ($heartbeat_s s)"

N=25
prefix=$(ctr_id new)
pol=$TDIR/policy.yaml
policy_write "$pol" it-start enforce "exec: allow, file: allow" "$prefix-*" <<YAML
    - name: no-tool
      exec: {paths: [/data/echo]}
      action: block
    - name: no-secret
      file: {paths: [/data/secret], access: [read]}
      action: block
YAML
server_start "$pol"
ward_in_force w

# prepare ID: /data/echo (busybox) and /data/secret in the container's /data
prepare() {
	mkdir -p "$TDIR/$1.data" && cp "$WARDIT_DIR/rootfs/bin/busybox" "$TDIR/$1.data/echo" &&
		echo "secret-$1" >"$TDIR/$1.data/secret" || fail "preparing /data of $1"
}

for ((i = 0; i < N; i++)); do
	id=$prefix-exec-$i
	prepare "$id"
	rc=0
	ctr_run "$id" /data/echo ran || rc=$?
	[ "$rc" -eq 137 ] || fail "start $i: the blocked entrypoint was not killed (status $rc):" \
		"$(cat "$TDIR/$id.bundle/log")"
	grep -q ran "$TDIR/$id.bundle/log" && fail "start $i: the blocked entrypoint ran"
done
echo "ok: $N containers whose entrypoint is blocked: every one killed before it ran"
for ((i = 0; i < N; i++)); do
	id=$prefix-read-$i
	prepare "$id"
	rc=0
	ctr_run "$id" cat /data/secret || rc=$?
	[ "$rc" -eq 137 ] || fail "start $i: the read at start was not killed (status $rc):" \
		"$(cat "$TDIR/$id.bundle/log")"
	grep -q "secret-$id" "$TDIR/$id.bundle/log" && fail "start $i: the secret was read"
done
echo "ok: $N containers whose entrypoint reads a blocked file first: every read killed"

other=$(ctr_id other)
prepare "$other"
ctr_run "$other" /data/echo ran || fail "a container no policy selects did not run: $?"
grep -qx ran "$TDIR/$other.bundle/log" || fail "the unselected container printed nothing"
echo "ok: a container no policy selects runs its entrypoint"

wait_event w 10 '.tracker == "alert" and .rule == "no-secret"'
assert_count "one exec alert per start" "$N" "$out" \
	'.tracker == "alert" and .rule == "no-tool" and .level == "sigkill"'
assert_count "one read alert per start" "$N" "$out" \
	'.tracker == "alert" and .rule == "no-secret" and .level == "sigkill"'
assert_none "no alert for the unselected container" "$out" \
	'.tracker == "alert" and .container.name == $o' --arg o "$other"

# stalled: the entrypoint's exec comes while ward is stopped, beyond the new-cgroup window
# after the cgroup's mkdir (the kernel does not age the cgroup out, the daemon does after
# targeting it) and with a heartbeat as old, inside its window (a daemon starved of CPU, not
# a dead one)
id=$prefix-stalled
prepare "$id"
ctr_bundle "$id" /data/echo ran
b=$TDIR/$id.bundle
runc create --bundle "$b" "$id" </dev/null >"$b/log" 2>&1 || fail "runc create $id: $(cat "$b/log")"
kill -STOP "${WARD_PID[w]}"
sleep "$stall_s"
rc=0
runc start "$id" >/dev/null 2>&1 || rc=$?
sleep 1 # the exec, held while ward is still stopped
kill -CONT "${WARD_PID[w]}"
[ "$rc" -eq 0 ] || fail "runc start $id: status $rc"
poll 20 sh -c "[ \"\$(runc state '$id' | jq -r .status)\" = stopped ]" ||
	fail "the stalled daemon's container is still $(runc state "$id" | jq -r .status)"
grep -q ran "$b/log" && fail "the entrypoint held while ward was stopped ran"
wait_event w 10 '.tracker == "alert" and .container.name == $c' --arg c "$id"
assert_count "the entrypoint is killed once ward runs again" 1 "$out" \
	'.tracker == "alert" and .rule == "no-tool" and .level == "sigkill" and
	 .container.name == $c' --arg c "$id"
ward_stop w
check_alert_schema "$out"
echo "PASS"
