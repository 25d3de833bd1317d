#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Smoke test on a BPF-LSM kernel: `ward doctor` finds BPF-LSM usable and picks it for exec
# enforcement, and `ward run process` attributes an exec inside a container to the container's
# cgroup (the event's cgroup_id is the inode number of the container's cgroup2 directory):
#   1. a process in new mount/uts/ipc/net/pid namespaces and its own cgroup;
#   2. a real runc container, which ward must also name (id, runtime).
# vm-binaries: jq runc
# vm-timeout: 120
# shellcheck disable=SC2016 # single quotes keep $1.. for the inner sh and $tag for jq
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

token=$(vm_token)
events=$VM_TMP/events.json
ward_err=$VM_TMP/ward.err
ns_cg=/sys/fs/cgroup/wardsmoke-ns-$token
ctr=wardsmoke-runc-$token
bundle=$VM_TMP/bundle
ward_pid=

cleanup() {
	rc=$?
	[ -n "$ward_pid" ] && kill -KILL "$ward_pid" 2>/dev/null
	runc delete --force "$ctr" 2>/dev/null
	rmdir "$ns_cg" 2>/dev/null
	if [ "$rc" -ne 0 ]; then
		echo "--- ward stderr ---"
		cat "$ward_err" 2>/dev/null
		echo "--- ward stdout (last 30 lines) ---"
		tail -n 30 "$events" 2>/dev/null
	fi
}
trap cleanup EXIT

# ---- doctor -------------------------------------------------------------------------------------
vm_run "$WARD" doctor -o json >"$VM_TMP/doctor.json"
cat "$VM_TMP/doctor.json"
vm_assert_eq "$(jq -r '.checks[] | select(.name == "bpf_lsm") | .ok' "$VM_TMP/doctor.json")" \
	true "doctor check bpf_lsm .ok"
vm_assert_eq "$(jq -r '.enforcement.exec' "$VM_TMP/doctor.json")" lsm "doctor .enforcement.exec"
vm_assert_eq "$(jq -r '.can_run' "$VM_TMP/doctor.json")" true "doctor .can_run"

# ---- ward run process ---------------------------------------------------------------------------
# The first exec event matching a jq condition (ward may be mid-line: ignore unparsable lines).
exec_event() {
	jq -R -c "fromjson? | select(.event == \"exec\" and ($1))" "$events" | head -n 1
}
has_exec() { [ -n "$(exec_event "$1")" ]; }

# Ready once it reports an exec of ours; fail early if it exits.
ward_ready() {
	kill -0 "$ward_pid" 2>/dev/null || vm_fail "ward run process exited early"
	/bin/busybox true "ward-ready-$token"
	has_exec ".argv == [\"/bin/busybox\", \"true\", \"ward-ready-$token\"]"
}

"$WARD" run process -o json --duration 100 >"$events" 2>"$ward_err" &
ward_pid=$!
vm_wait_for 40 "ward run process reporting execs" ward_ready

# 1. Namespaces + own cgroup. The shell joins the cgroup (writing 0 moves the writer), then
# unshare forks the namespaced child that execs the tagged command.
ns_tag=ward-smoke-ns-$token
vm_run mkdir "$ns_cg"
vm_run sh -c 'echo 0 >"$1/cgroup.procs" && exec unshare -m -u -i -n -p -f /bin/busybox echo "$2"' \
	sh "$ns_cg" "$ns_tag"
ns_match=".argv == [\"/bin/busybox\", \"echo\", \"$ns_tag\"]"
vm_wait_for 20 "the namespaced exec event" has_exec "$ns_match"
ev=$(exec_event "$ns_match")
echo "event: $ev"
vm_assert_eq "$(echo "$ev" | jq -r .filename)" /bin/busybox "namespaced exec .filename"
vm_assert_eq "$(echo "$ev" | jq -r .cgroup_id)" "$(stat -c %i "$ns_cg")" \
	"namespaced exec .cgroup_id (inode of $ns_cg)"

# 2. runc: a busybox rootfs; the container echoes its tag, then stays up until killed so ward can
# read its state while it runs.
runc_tag=ward-smoke-runc-$token
mkdir -p "$bundle/rootfs/bin"
cp /bin/busybox "$bundle/rootfs/bin/busybox"
vm_run runc spec --bundle "$bundle"
vm_run jq --arg tag "$runc_tag" '.process.terminal = false | .process.args = ["/bin/busybox",
	"sh", "-c", "/bin/busybox echo \($tag) && exec /bin/busybox sleep 1000"]' \
	"$bundle/config.json" >"$bundle/config.tmp"
vm_run mv "$bundle/config.tmp" "$bundle/config.json"
# --no-pivot: the initramfs root cannot be pivot_root'ed away from.
runc run --no-pivot --bundle "$bundle" "$ctr" >"$VM_TMP/runc.out" 2>&1 &
runc_match=".argv == [\"/bin/busybox\", \"echo\", \"$runc_tag\"]"
vm_wait_for 30 "the runc exec event" has_exec "$runc_match"
ev=$(exec_event "$runc_match")
echo "event: $ev"
ctr_pid=$(runc state "$ctr" | jq -r .pid)
[ -n "$ctr_pid" ] || vm_fail "runc state $ctr: no pid"
ctr_cg=/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$ctr_pid/cgroup")
vm_assert_eq "$(echo "$ev" | jq -r .cgroup_id)" "$(stat -c %i "$ctr_cg")" \
	"runc exec .cgroup_id (inode of $ctr_cg)"
vm_assert_eq "$(echo "$ev" | jq -r .container.host)" false "runc exec .container.host"
vm_assert_eq "$(echo "$ev" | jq -r .container.id)" "$ctr" "runc exec .container.id"
vm_assert_eq "$(echo "$ev" | jq -r .container.runtime)" runc "runc exec .container.runtime"
vm_run runc kill "$ctr" KILL

# A clean stop on SIGINT, and nothing but JSON event lines on stdout.
kill -INT "$ward_pid"
wait "$ward_pid"
rc=$?
ward_pid=
vm_assert_eq "$rc" 0 "ward run process exit status after SIGINT"
vm_assert_eq "$(jq -s 'all(.schema == 1 and .tracker == "process")' "$events")" true \
	"every stdout line is a schema 1 process event"
