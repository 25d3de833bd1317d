#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Atomic reload under load: while a loop in a runc container keeps trying a blocked exec, a
# blocked read and an allowed read, ward is reloaded (SIGHUP) many times, alternating between two
# enforce policies that block and allow the same things with different rule order, rule ids and
# policy ids. The blocked actions never succeed and the allowed one never fails.
# vm-binaries: jq runc
# vm-timeout: 150
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup ra
reloads=4

# Both block /data/tool and reads below /srv/ except /srv/ok (an allow rule before the block).
# Policy two has a decoy policy first (so vm-reload gets another id), an unrelated rule first
# and the rules in another order, so every rule index differs.
write_policy() { # 1|2
	if [ "$1" = 1 ]; then
		cat >"$pol.new" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-reload}
spec:
  selector: {containers: ["$A"]}
  mode: enforce
  defaults: {exec: allow, file: allow}
  rules:
    - {name: ok, file: {paths: [/srv/ok], access: [read]}, action: allow}
    - {name: no-srv, file: {dirs: [/srv/], access: [read]}, action: block}
    - {name: no-tool, exec: {paths: [/data/tool]}, action: block}
YAML
	else
		cat >"$pol.new" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-decoy}
spec:
  selector: {containers: ["decoy-$token"]}
  mode: enforce
  defaults: {file: block}
  rules: []
---
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-reload}
spec:
  selector: {containers: ["$A"]}
  mode: enforce
  defaults: {exec: allow, file: allow}
  rules:
    - {name: other, file: {dirs: [/var/empty/], access: [write]}, action: block}
    - {name: tool, exec: {paths: [/data/tool]}, action: block}
    - {name: srv-ok, file: {paths: [/srv/ok], access: [read]}, action: allow}
    - {name: srv, file: {dirs: [/srv/], access: [read]}, action: block}
YAML
	fi
	mv "$pol.new" "$pol"
}

b=$VM_TMP/$A
mkdir -p "$b/rootfs/bin" "$b/rootfs/data" "$b/rootfs/srv" "$b/rootfs/tmp"
cp /bin/busybox "$b/rootfs/bin/busybox"
cp /bin/busybox "$b/rootfs/data/tool"
for a in sh cat; do ln -s busybox "$b/rootfs/bin/$a"; done
echo "secret-$token" >"$b/rootfs/srv/secret"
echo "ok-$token" >"$b/rootfs/srv/ok"
# LEAK: a blocked action succeeded; DENIED: the allowed one failed; one "tick" per round.
cat >"$b/rootfs/loop.sh" <<'SH'
#!/bin/sh
while [ ! -e /tmp/stop ]; do
	/data/tool true 2>/dev/null && echo "LEAK exec"
	cat /srv/secret >/dev/null 2>&1 && echo "LEAK read"
	cat /srv/ok >/dev/null 2>&1 || echo "DENIED read"
	echo tick
done
echo done
SH
chmod +x "$b/rootfs/loop.sh"
vm_runc_sleeper "$A"

write_policy 1
# One server at a time (/run/ward/server.lock): an earlier test's may still be exiting.
vm_wait_for 30 "no other ward process" sh -c '! pidof ward'
t0=$(date +%s)
"$WARD" server -o json --no-aggregate --policy "$pol" >"$out" 2>"$err" &
ward_pid=$!
vm_wait_for 60 "generation 1 in force" grep -q "generation 1 in force" "$err"
vm_log "ward in force after $(($(date +%s) - t0)) s"
runc exec "$A" /loop.sh >"$VM_TMP/loop.log" 2>&1 &
loop_pid=$!
vm_wait_for 20 "the loop runs" grep -q tick "$VM_TMP/loop.log"

g=1
while [ "$g" -le "$reloads" ]; do
	write_policy $((g % 2 + 1))
	kill -HUP "$ward_pid"
	g=$((g + 1))
	vm_wait_for 30 "reload to generation $g" grep -q "generation $g in force" "$err"
done
touch "$b/rootfs/tmp/stop"
wait "$loop_pid"
vm_assert_eq "$(tail -n 1 "$VM_TMP/loop.log")" "done" "the loop ended normally"
ticks=$(grep -c tick "$VM_TMP/loop.log")
echo "# $ticks rounds across $reloads reloads"
[ "$ticks" -ge "$reloads" ] || vm_fail "only $ticks rounds across $reloads reloads"
vm_assert_eq "$(grep -c -E 'LEAK|DENIED' "$VM_TMP/loop.log")" 0 \
	"no blocked action succeeded, no allowed one failed ($(grep -E 'LEAK|DENIED' "$VM_TMP/loop.log" | sort | uniq -c | tr '\n' ' '))"
vm_log "done after $(($(date +%s) - t0)) s"
