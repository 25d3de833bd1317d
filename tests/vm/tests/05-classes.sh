#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# One block and one audit alert per resource class under BPF-LSM, the short suite every kernel
# of the matrix runs (tests/vm/run.sh, WARD_VM_KERNEL): the same four rules (exec a binary, read
# a file, connect to a port, use CAP_CHOWN) in an enforce policy selecting container A and an
# audit policy selecting container B. In A each action is refused with EPERM and alerts
# "block ... lsm"; in B each proceeds and alerts "alert audit none". The start-up line says
# every class is at level lsm.
# vm-binaries: jq runc
# vm-timeout: 150
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup ca cb
CAP_CHOWN=0

policy() { # NAME CONTAINER MODE
	cat <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: $1}
spec:
  selector: {containers: ["$2"]}
  mode: $3
  defaults: {exec: allow, file: allow, network: allow, capabilities: allow}
  rules:
    - name: no-tool
      exec: {paths: [/data/tool]}
      action: block
    - name: no-secret
      file: {paths: [/data/secret], access: [read]}
      action: block
    - name: no-7001
      network: {connect: {cidrs: [127.0.0.0/8], ports: [7001], protocols: [tcp]}}
      action: block
    - name: no-chown
      capabilities: {names: [CAP_CHOWN]}
      action: block
YAML
}
{
	policy cls-enforce "$A" enforce
	echo ---
	policy cls-audit "$B" audit
} >"$pol"

start_ctr() { # ID
	b=$VM_TMP/$1
	mkdir -p "$b/rootfs/bin" "$b/rootfs/data" "$b/rootfs/tmp"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	cp /bin/busybox "$b/rootfs/data/tool"
	ln -s busybox "$b/rootfs/bin/sh"
	echo secret >"$b/rootfs/data/secret"
	vm_runc_sleeper "$1" '.process.capabilities[] += ["CAP_CHOWN"] |
		.linux.namespaces |= map(select(.type != "network"))'
}
start_ctr "$A"
start_ctr "$B"

# Every action in one exec: "NAME rc=STATUS ERROR" per line.
actions() { # ID
	# shellcheck disable=SC2016 # expanded by the container's shell
	runc exec "$1" /bin/sh -c '
		t() { n=$1; shift; e=$("$@" 2>&1 >/dev/null); echo "$n rc=$? $e"; }
		t exec /data/tool true
		t file cat /data/secret
		t net nc -w 1 127.0.0.1 7001 </dev/null
		t cap chown 1234 /tmp
	'
}

"$WARD" server -o json --no-aggregate --policy "$pol" >"$out" 2>"$err" &
ward_pid=$!
vm_wait_for 60 "ward in force" grep -q "generation 1 in force" "$err"
grep "generation 1 in force" "$err"
grep -q "exec lsm, file lsm, network lsm, capabilities lsm" "$err" ||
	vm_fail "start-up line: not every class at level lsm: $(cat "$err")"

res_a=$(actions "$A")
res_b=$(actions "$B")
echo "enforce ($A):"
echo "$res_a"
echo "audit ($B):"
echo "$res_b"
for n in exec file net cap; do
	echo "$res_a" | grep "^$n rc=[1-9]" | grep -qi "not permitted" ||
		vm_fail "enforce: $n not refused with EPERM: $(echo "$res_a" | grep "^$n ")"
	echo "$res_b" | grep "^$n " | grep -qi "not permitted" &&
		vm_fail "audit: $n refused: $(echo "$res_b" | grep "^$n ")"
done

# op and object (or port / capability) of each class's alert
for c in 'exec .object == "/data/tool"' 'open .object == "/data/secret"' 'connect .port == 7001' \
	"capable .capability == $CAP_CHOWN"; do
	op=${c%% *}
	cond=${c#* }
	vm_wait_for 20 "$op block alert in $A" has_alert \
		".container.name == \"$A\" and .op == \"$op\" and $cond and .action == \"block\""
	ev=$(alerts ".container.name == \"$A\" and .op == \"$op\" and $cond" | head -n 1)
	vm_assert_eq "$(echo "$ev" | jq -r '[.mode, .level] | join(" ")')" "enforce lsm" \
		"$op block alert mode/level"
	vm_wait_for 20 "$op audit alert in $B" has_alert \
		".container.name == \"$B\" and .op == \"$op\" and $cond"
	ev=$(alerts ".container.name == \"$B\" and .op == \"$op\" and $cond" | head -n 1)
	vm_assert_eq "$(echo "$ev" | jq -r '[.action, .mode, .level] | join(" ")')" \
		"alert audit none" "$op audit alert action/mode/level"
done
