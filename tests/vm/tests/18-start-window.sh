#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# No window at container start (BPF-LSM): 25 back-to-back containers whose entrypoint is a
# blocked binary and 25 whose entrypoint reads a blocked file as its first action, started
# while ward runs with an enforce policy selecting them by name. The entrypoint's exec in the
# new cgroup is held until ward has classified the container: every blocked entrypoint is
# killed before it runs, every read refused (EPERM), each alerted; a container
# no policy selects runs its entrypoint.
# vm-binaries: jq runc
# vm-timeout: 400
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup ws
N=25
cat >"$pol" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-start}
spec:
  selector: {containers: ["$A-*"]}
  mode: enforce
  defaults: {exec: allow, file: allow}
  rules:
    - name: no-tool
      exec: {paths: [/data/echo]}
      action: block
    - name: no-secret
      file: {paths: [/data/secret], access: [read]}
      action: block
YAML
vm_ward_server

# run_ctr ID ARG...: a new container in the foreground; its status, output in $VM_TMP/ID/log
run_ctr() {
	id=$1
	shift
	b=$VM_TMP/$id
	mkdir -p "$b/rootfs/bin" "$b/rootfs/data"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	ln -s busybox "$b/rootfs/bin/cat"
	cp /bin/busybox "$b/rootfs/data/echo"
	echo "secret-$id" >"$b/rootfs/data/secret"
	runc spec --bundle "$b" >/dev/null 2>&1 || vm_fail "runc spec"
	jq --argjson a "$(printf '%s\n' "$@" | jq -R . | jq -s .)" \
		'.process.terminal = false | .process.args = $a | .root.readonly = false' \
		"$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json" ||
		vm_fail "editing $b/config.json"
	rc=0
	runc run --no-pivot --bundle "$b" "$id" >"$b/log" 2>&1 </dev/null || rc=$?
	runc delete -f "$id" >/dev/null 2>&1
	return "$rc"
}

i=0
while [ "$i" -lt "$N" ]; do
	rc=0
	run_ctr "$A-exec-$i" /data/echo ran || rc=$?
	# killed: 137 once the exec is done, or runc's own error when the kill lands while the
	# exec is still in progress; either way the entrypoint never runs
	[ "$rc" -ne 0 ] || vm_fail "start $i: the blocked entrypoint exited 0"
	grep -q ran "$VM_TMP/$A-exec-$i/log" && vm_fail "start $i: the blocked entrypoint ran"
	rc=0
	run_ctr "$A-read-$i" /bin/cat /data/secret || rc=$?
	grep -q "secret-$A-read-$i" "$VM_TMP/$A-read-$i/log" && vm_fail "start $i: the secret was read"
	grep -qi "operation not permitted" "$VM_TMP/$A-read-$i/log" ||
		vm_fail "start $i: the read was not refused (status $rc): $(cat "$VM_TMP/$A-read-$i/log")"
	i=$((i + 1))
done
echo "ok: $N blocked entrypoints killed, $N reads at start refused"

rc=0
run_ctr "other-$token" /data/echo ran || rc=$?
vm_assert_eq "$rc:$(cat "$VM_TMP/other-$token/log")" "0:ran" \
	"a container no policy selects runs its entrypoint"

vm_wait_for 20 "$N read alerts" sh -c "[ \$(grep -c '\"rule\":\"no-secret\"' $out) -ge $N ]"
# sigkill: the held exec decided by ward; lsm: the kernel refused the entrypoint's exec or
# its mapping itself, the container classified by then (runc's own first exec was held, or
# ward was quicker than the ELF loader): one container, one or two alerts
vm_assert_eq "$(alerts '.rule == "no-tool" and (.level == "sigkill" or .level == "lsm")' |
	jq -r .container.name | sort -u | wc -l)" "$N" "every start's exec alerted (sigkill or lsm)"
vm_assert_eq "$(alerts '.rule == "no-secret" and .level == "lsm"' | wc -l)" "$N" \
	"one read alert (lsm) per start"
vm_assert_eq "$(alerts ".container.name == \"other-$token\"" | wc -l)" 0 \
	"no alert for the unselected container"
