#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The dynamic loader as a program (BPF-LSM): `ld.so /data/blocked` maps the blocked binary
# without exec'ing it; the mapping with PROT_EXEC is decided against the exec rules, so the
# rule naming /data/blocked refuses it (the loader fails, an alert op exec names the file),
# while libraries mapped by an allowed program are not refused by a default of block (the
# policy is an allowlist that names no library). In container B, not targeted, the same
# trick runs the binary (the trick is real).
# vm-binaries: jq runc env
# vm-timeout: 120
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup la lb
loader=/lib64/ld-linux-x86-64.so.2 # /usr/bin/env's, copied in with its libc
libc=/lib/x86_64-linux-gnu/libc.so.6
[ -x "$loader" ] && [ -e "$libc" ] || vm_fail "no dynamic loader or libc in the VM"

cat >"$pol" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-loader}
spec:
  selector: {containers: ["$A"]}
  mode: enforce
  defaults: {exec: block}
  rules:
    - name: tools
      exec: {paths: [$loader, /data/ok, /bin/busybox]}
      action: allow
    - name: no-blocked
      exec: {paths: [/data/blocked]}
      action: block
YAML

start_ctr() { # ID
	b=$VM_TMP/$1
	mkdir -p "$b/rootfs/bin" "$b/rootfs/data"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	ln -s busybox "$b/rootfs/bin/sh"
	for f in "$loader" "$libc"; do
		mkdir -p "$b/rootfs$(dirname "$f")" && cp "$f" "$b/rootfs$f"
	done
	cp /usr/bin/env "$b/rootfs/data/ok"
	cp /usr/bin/env "$b/rootfs/data/blocked"
	vm_runc_sleeper "$1"
}
start_ctr "$A"
start_ctr "$B"

vm_ward_server 1

run() { runc exec "$1" /bin/sh -c "$2 >/dev/null 2>&1; echo rc=\$?"; }
vm_assert_eq "$(run "$A" /data/ok)" "rc=0" \
	"an allowed dynamic program runs (its libraries are not refused by the default)"
vm_assert_eq "$(run "$A" /data/blocked)" "rc=126" "the blocked binary's exec is refused"
vm_assert_eq "$(run "$B" "$loader /data/blocked")" "rc=0" \
	"container B: the loader runs the binary (the trick is real)"
got=$(run "$A" "$loader /data/blocked")
[ "$got" = "rc=0" ] && vm_fail "the loader ran the blocked binary in $A"
echo "ok: the loader cannot map the blocked binary ($got)"
vm_wait_for 20 "alert for the mapping" sh -c "grep '\"tracker\":\"alert\"' '$out' |
	jq -e 'select(.rule == \"no-blocked\" and .comm != \"blocked\" and .level == \"lsm\")' >/dev/null"
