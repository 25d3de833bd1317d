#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Bind and reverse shells under BPF-LSM: a rule on /bin/sh with `stdio: socket` refuses the
# shell `nc -e /bin/sh` starts on an accepted or an outgoing connection (EPERM, alert level
# lsm), while a shell reading a pipe runs. In container B, not targeted, the bind shell runs
# (the trick is real).
# vm-binaries: jq runc
# vm-timeout: 120
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup sa sb
cat >"$pol" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-socket-shell}
spec:
  selector: {containers: ["$A"]}
  mode: enforce
  defaults: {exec: allow}
  rules:
    - name: no-socket-shell
      exec: {paths: [/bin/sh], stdio: socket}
      action: block
YAML
start_ctr() { # ID
	b=$VM_TMP/$1
	mkdir -p "$b/rootfs/bin"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	for a in sh nc sleep; do ln -s busybox "$b/rootfs/bin/$a"; done
	vm_runc_sleeper "$1"
}
start_ctr "$A"
start_ctr "$B"
vm_ward_server 1

bind_shell() { # CTR
	runc exec "$1" /bin/sh -c 'nc -l -p 5555 -e /bin/sh & sleep 1
		echo "echo bind-shell-ran" | nc -w 3 127.0.0.1 5555' 2>&1
}
reverse_shell() { # CTR
	runc exec "$1" /bin/sh -c '(sleep 1; echo "echo reverse-shell-ran") | nc -l -p 5556 &
		sleep 0.5; nc 127.0.0.1 5556 -e /bin/sh; wait' 2>&1
}
bind_shell "$B" | grep -q bind-shell-ran || vm_fail "B: the bind shell did not run"
echo "ok: B (not targeted): the bind shell runs"
got=$(bind_shell "$A")
echo "$got" | grep -q bind-shell-ran && vm_fail "A: the bind shell ran: $got"
echo "ok: A: the bind shell is refused"
got=$(reverse_shell "$A")
echo "$got" | grep -q reverse-shell-ran && vm_fail "A: the reverse shell ran: $got"
echo "ok: A: the reverse shell is refused"
vm_assert_eq "$(runc exec "$A" /bin/sh -c 'echo "echo piped-ok" | /bin/sh')" "piped-ok" \
	"A: a shell reading a pipe runs"
vm_wait_for 20 "two socket-shell alerts" sh -c \
	"[ \$(grep '\"tracker\":\"alert\"' '$out' | jq -c 'select(.rule == \"no-socket-shell\" and .level == \"lsm\")' | wc -l) -ge 2 ]"
