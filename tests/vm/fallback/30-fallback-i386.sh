#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The fallbacks on a kernel that runs i386 syscalls (Debian's, booted with lsm=capability: no
# BPF-LSM). The syscalls:* tracepoints do not fire for i386 calls, so `ward doctor` must find
# them (compat_syscalls.i386) and the file class must watch every syscall's exit instead
# (pin link_ward_tp_file, status says why): an open of a blocked file through the i386 entry
# (int $0x80 from bench_loop) is killed and alerted (level sigkill) as the x86_64 open is; a
# file the policy does not name opens either way.
# vm-binaries: jq runc
# vm-files: build/static/bench_loop
# vm-timeout: 180
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

"$WARD" doctor -o json >"$VM_TMP/doctor.json" || vm_fail "ward doctor failed"
vm_assert_eq "$(jq -r '.enforcement.file' "$VM_TMP/doctor.json")" sigkill "file level without BPF-LSM"
vm_assert_eq "$(jq -r '.compat_syscalls.i386' "$VM_TMP/doctor.json")" true "i386 syscalls run"
vm_log "doctor: $(jq -r '.checks[] | select(.name == "compat_syscalls") | .detail' "$VM_TMP/doctor.json")"

vm_enforce_setup fi
b=$VM_TMP/$A
mkdir -p "$b/rootfs/bin" "$b/rootfs/data"
cp /bin/busybox "$b/rootfs/bin/busybox"
ln -s busybox "$b/rootfs/bin/sh"
cp /vm/files/bench_loop "$b/rootfs/bin/bench_loop"
echo secret >"$b/rootfs/data/secret"
echo open >"$b/rootfs/data/open"
vm_runc_sleeper "$A"

cat >"$pol" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-i386}
spec:
  selector: {containers: ["$A"]}
  mode: enforce
  defaults: {file: allow}
  rules:
    - name: no-secret
      file: {paths: [/data/secret], access: [read]}
      action: block
YAML
vm_ward_server 1

[ -e /sys/fs/bpf/ward/link_ward_tp_file ] && [ ! -e /sys/fs/bpf/ward/link_ward_tp_file_nr_257 ] ||
	vm_fail "want ward_tp_file on every syscall's exit: $(ls /sys/fs/bpf/ward)"
"$WARD" status -o json | jq -r '.enforcement_reasons.file' | grep -q "after every syscall's exit" ||
	vm_fail "status does not say why: $("$WARD" status -o json | jq -r '.enforcement_reasons.file')"
vm_log "ok: every syscall's exit is watched, as status says"

blocked='.op == "open" and .object == "/data/secret" and .level == "sigkill" and .comm == "bench_loop"'
blocks_over() { [ "$(alerts "$blocked" | wc -l)" -gt "$1" ]; }
for abi in open32 open; do
	runc exec "$A" /bin/bench_loop "$abi" /data/open 1 ||
		vm_fail "$abi of a file no rule names failed"
	n0=$(alerts "$blocked" | wc -l)
	rc=0
	runc exec "$A" /bin/bench_loop "$abi" /data/secret 1 || rc=$?
	vm_assert_eq "$rc" 137 "$abi of /data/secret: killed"
	vm_wait_for 30 "the $abi block alerted" blocks_over "$n0"
	vm_log "ok: $abi of /data/secret killed and alerted"
done
