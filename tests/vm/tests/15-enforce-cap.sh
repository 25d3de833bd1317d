#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# BPF-LSM capability enforcement (lsm/capable) with a real runc container given CAP_CHOWN:
# audit mode lets chown(2) to another owner run and alerts with the capability's number;
# enforce mode refuses it with EPERM (level "lsm") although the container holds the
# capability; container B (same capabilities, not selected) and the host are untouched; a
# daemon killed with SIGKILL leaves the capability refused.
# vm-binaries: jq runc
# vm-timeout: 120
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup ca cb
CAP_CHOWN=0

write_policy() { # MODE
	cat >"$pol" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-cap}
spec:
  selector: {containers: ["$A"]}
  mode: $1
  defaults: {capabilities: allow}
  rules:
    - name: no-chown
      capabilities: {names: [CAP_CHOWN]}
      action: block
YAML
}

start_ctr() { # ID
	b=$VM_TMP/$1
	mkdir -p "$b/rootfs/bin" "$b/rootfs/tmp"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	ln -s busybox "$b/rootfs/bin/sh"
	vm_runc_sleeper "$1" '.process.capabilities[] += ["CAP_CHOWN"]'
}
start_ctr "$A"
start_ctr "$B"

# chown a fresh file to uid N in container ID; prints "rc=STATUS OWNER".
chown_to() { # ID N
	runc exec "$1" /bin/sh -c "f=/tmp/f-\$\$; echo x >\$f; chown $2 \$f 2>/dev/null;
		echo rc=\$? \$(stat -c %u \$f)"
}

write_policy audit
vm_wait_for 30 "no other ward process" sh -c '! pidof ward'
"$WARD" server -o json --no-aggregate --policy "$pol" >"$out" 2>"$err" &
ward_pid=$!
vm_wait_for 60 "ward in force" grep -q "generation 1 in force" "$err"
vm_assert_eq "$(chown_to "$A" 1234)" "rc=0 1234" "audit: chown to another owner proceeds"
vm_wait_for 20 "audit capability alert" has_alert '.op == "capable"'
ev=$(alerts '.op == "capable"' | head -n 1)
echo "audit alert: $ev"
vm_assert_eq "$(echo "$ev" | jq -r '[.action, .mode, .level, .rule, .object, .capability] | join(" ")')" \
	"alert audit none no-chown capability $CAP_CHOWN $CAP_CHOWN" "audit alert"

write_policy enforce
kill -HUP "$ward_pid"
vm_wait_for 30 "reload to generation 2" grep -q "generation 2 in force" "$err"
vm_assert_eq "$(chown_to "$A" 1235)" "rc=1 0" "enforce: chown fails, the owner is unchanged"
vm_wait_for 20 "block alert" has_alert '.action == "block" and .op == "capable"'
vm_assert_eq "$(alerts '.action == "block"' | head -n 1 | jq -r '[.level, .rule, .comm] | join(" ")')" \
	"lsm no-chown chown" "block alert level/rule/comm"
vm_assert_eq "$(chown_to "$B" 1236)" "rc=0 1236" "container B untouched"
f=$VM_TMP/host-file
echo x >"$f"
chown 1237 "$f"
vm_assert_eq "$(stat -c %u "$f")" 1237 "host untouched"
vm_assert_eq "$(alerts ".container.name == \"$B\"" | wc -l)" 0 "no alert for B"

kill -KILL "$ward_pid"
wait "$ward_pid" 2>/dev/null
ward_pid=
vm_assert_eq "$(chown_to "$A" 1238)" "rc=1 0" "after SIGKILL of ward: chown still fails"
