#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Renames and mounts of protected paths (BPF-LSM): a policy blocks the exec of /data/bin/tool,
# of anything under /data/drop/, and reads of /data/etc/secret. Renaming any of these or any
# ancestor (/data/bin, /data/etc, /data/drop, the file itself), renaming something onto them,
# and bind-mounting a protected binary elsewhere or mounting over a protected directory are
# refused (EPERM) and alerted, so no rename or mount makes a rule miss; unrelated renames and
# mounts work. In container B, not targeted, every one of these works (the tricks are real).
# vm-binaries: jq runc
# vm-timeout: 120
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup ra rb
cat >"$pol" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-renames}
spec:
  selector: {containers: ["$A"]}
  mode: enforce
  defaults: {exec: allow, file: allow}
  rules:
    - name: no-tool
      exec: {paths: [/data/bin/tool]}
      action: block
    - name: no-drop
      exec: {dirs: [/data/drop/]}
      action: block
    - name: no-secret
      file: {paths: [/data/etc/secret], access: [read]}
      action: block
YAML

start_ctr() { # ID
	b=$VM_TMP/$1
	mkdir -p "$b/rootfs/bin" "$b/rootfs/data/bin" "$b/rootfs/data/etc" "$b/rootfs/data/drop" \
		"$b/rootfs/data/other" "$b/rootfs/data/mnt"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	for a in sh mv mount cat touch; do ln -s busybox "$b/rootfs/bin/$a"; done
	cp /bin/busybox "$b/rootfs/data/bin/tool"
	echo secret >"$b/rootfs/data/etc/secret"
	echo other >"$b/rootfs/data/other/f"
	vm_runc_sleeper "$1" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
}
start_ctr "$A"
start_ctr "$B"
vm_ward_server 1

# try CTR CMD: "ok" when CMD succeeded, else its message
try() { runc exec "$1" /bin/sh -c "$2 2>&1 && echo ok"; }
for trick in "mv /data/bin /data/bin2" "mv /data/bin/tool /data/bin/other" \
	"mv /data/etc /data/etc2" "mv /data/etc/secret /data/etc/s2" "mv /data/drop /data/drop2" \
	"mv /data /data2" "mv /data/other/f /data/etc/secret" \
	"mount --bind /data/bin/tool /data/mnt/x" "mount -t tmpfs none /data/drop"; do
	case $trick in
	"mount --bind"*) runc exec "$A" /bin/sh -c "touch /data/mnt/x" ;;
	esac
	got=$(try "$A" "$trick")
	echo "$got" | grep -qi "operation not permitted\|permission denied" ||
		vm_fail "$A: '$trick' was not refused: $got"
	echo "ok: refused in $A: $trick"
done
vm_assert_eq "$(try "$A" "mv /data/other/f /data/other/g")" "ok" "$A: an unrelated rename works"
vm_wait_for 20 "rename alert" has_alert \
	'.object == "/data/bin" and .access == "rename" and .level == "lsm" and .rule == "no-tool"'
vm_wait_for 20 "mount alert" has_alert '.object == "/data/drop" and .comm == "mount" and .rule == "no-drop"'
vm_wait_for 20 "bind source alert" has_alert '.object == "/data/bin/tool" and .comm == "mount"'

runc exec "$B" /bin/sh -c "touch /data/mnt/x"
for trick in "mv /data/bin /data/bin2" "mv /data/etc/secret /data/etc/s2" \
	"mount --bind /data/bin2/tool /data/mnt/x" "mount -t tmpfs none /data/drop"; do
	vm_assert_eq "$(try "$B" "$trick")" "ok" "$B (not targeted): $trick works"
done
