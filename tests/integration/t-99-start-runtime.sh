#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The container-start window and the runtime's own execs: a cgroup made while ward runs whose
# path names a container at once (Docker's cgroupfs layout, /docker/<64 hex>), with an enforce
# policy selecting every container that blocks a binary. A process of the host's mount
# namespace in that cgroup (what a runtime is before it enters the container: runc
# re-executing itself) executes that binary: its exec is held, found to be the runtime's and
# resumed, so it runs and nothing is alerted; the cgroup is not targeted while it is new. Once
# it is no longer new (WARD_NEW_CGROUP_NS, include/ward/enforce_abi.h), ward targets it at a
# tick and the same exec is refused.
. "$(dirname "$0")/lib.sh"
wardit_setup

cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
[ -n "$cg2" ] || skip "no cgroup2 mount"
id=$(printf '%064x' "$RANDOM$RANDOM$$")
dir=$cg2/docker/$id
tool=$TDIR/bin/busybox # its own file: a path of this test's (busybox runs argv[1]'s applet)
mkdir -p "$TDIR/bin" && cp "$(command -v busybox)" "$tool" || fail "cp busybox"
pol=$TDIR/policy.yaml
policy_write "$pol" it-runtime enforce "exec: allow" "*" <<YAML
    - name: no-tool
      exec: {paths: [$tool]}
      action: block
YAML
server_start "$pol"
ward_in_force w
mkdir -p "$dir" || fail "mkdir $dir"
WARDIT_CGROUPS+=("$dir") # removed at cleanup

# in_cgroup: run the tool from a shell moved into the cgroup; its output and "rc=N".
in_cgroup() {
	bash -c "echo \$\$ >'$dir/cgroup.procs' && exec '$tool' echo ran" 2>/dev/null
	echo "rc=$?"
}
got=$(in_cgroup)
check "the runtime's exec in a new container cgroup runs (got: $(tr '\n' ' ' <<<"$got"))" \
	[ "$got" = "ran
rc=0" ]
sleep 1
assert_none "  ... and raises no alert" "$out" '.tracker == "alert" and .rule == "no-tool"'
check "  ... the cgroup is not targeted while new" bash -c \
	"! grep -q '1 containers targeted now' '$TDIR/w.err'"

# No longer new after WARD_NEW_CGROUP_NS: targeted at a tick, the same exec is refused.
new_s=$(abi_seconds WARD_NEW_CGROUP_NS) || fail "cannot read WARD_NEW_CGROUP_NS from include/ward/enforce_abi.h"
for ((i = 0; i < (new_s + 10) * 2; i++)); do
	grep -q "1 containers targeted now" "$TDIR/w.err" && break
	sleep 0.5
done
check "the cgroup is targeted once it is no longer new" grep -q "1 containers targeted now" "$TDIR/w.err"
got=$(in_cgroup)
check "  ... and the exec is refused (got: $(tr '\n' ' ' <<<"$got"))" grep -qx "rc=137" <<<"$got"
wait_event w 10 '.tracker == "alert" and .rule == "no-tool" and .action == "block"'
echo "ok:   ... and alerted"
ward_stop w
echo "PASS"
