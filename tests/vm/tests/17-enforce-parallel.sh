#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fail closed under contention (BPF-LSM): 8 parallel loops of each of exec, open and connect,
# 1,000 tries each, all blocked by an enforce policy, in one runc container. Every try is
# refused (EPERM; none runs, none fails another way), the kernel's counters count exactly
# 8,000 blocks per rule, and every block is alerted or counted as an alert lost to a full ring
# buffer (alerts seen + ringbuf_full drops = 24,000), with no undecided or map_full drop.
# vm-binaries: jq runc
# vm-files: build/static/bench_loop
# vm-timeout: 600
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup wp
LOOPS=8
TRIES=1000
b=$VM_TMP/$A
mkdir -p "$b/rootfs/bin" "$b/rootfs/data"
cp /bin/busybox "$b/rootfs/bin/busybox"
ln -s busybox "$b/rootfs/bin/sh"
cp /vm/files/bench_loop "$b/rootfs/bin/bench_loop"
cp /bin/busybox "$b/rootfs/data/blocked"
echo secret >"$b/rootfs/data/secret"
vm_runc_sleeper "$A"

cat >"$pol" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-parallel}
spec:
  selector: {containers: ["$A"]}
  mode: enforce
  defaults: {exec: allow, file: allow, network: allow}
  rules:
    - name: no-exec
      exec: {paths: [/data/blocked]}
      action: block
    - name: no-read
      file: {paths: [/data/secret], access: [read]}
      action: block
    - name: no-connect
      network: {connect: {cidrs: [10.1.2.0/24], ports: [443]}}
      action: block
YAML
vm_ward_server

i=0
while [ "$i" -lt "$LOOPS" ]; do
	runc exec "$A" /bin/bench_loop tally exec /data/blocked "$TRIES" >"$VM_TMP/exec.$i" 2>&1 &
	runc exec "$A" /bin/bench_loop tally open /data/secret "$TRIES" >"$VM_TMP/open.$i" 2>&1 &
	runc exec "$A" /bin/bench_loop tally connect 10.1.2.3 443 "$TRIES" \
		>"$VM_TMP/connect.$i" 2>&1 &
	i=$((i + 1))
done
wait_loops() {
	for f in "$VM_TMP"/exec.* "$VM_TMP"/open.* "$VM_TMP"/connect.*; do
		grep -q '^ran ' "$f" || return 1
	done
}
vm_wait_for 500 "the $((3 * LOOPS)) loops" wait_loops
for kind in exec open connect; do
	got=$(cat "$VM_TMP/$kind".* | awk '{ r += $2; f += $4; o += $6 }
		END { print "ran " r " refused " f " other " o }')
	vm_assert_eq "$got" "ran 0 refused $((LOOPS * TRIES)) other 0" \
		"$kind: $LOOPS x $TRIES tries, every one refused"
done

st=$("$WARD" status -o json) || vm_fail "ward status failed"
for rule in no-exec no-read no-connect; do
	vm_assert_eq "$(echo "$st" | jq --arg r "$rule" '[.counters[] | select(.rule == $r) |
		.blocks] | add')" "$((LOOPS * TRIES))" "kernel counter: blocks of $rule"
done
vm_assert_eq "$(echo "$st" | jq -c '[.drops.undecided, .drops.map_full]')" "[0,0]" \
	"no undecided or map_full drops"
lost=$(echo "$st" | jq .drops.ringbuf_full)
want=$((3 * LOOPS * TRIES - lost))
vm_wait_for 60 "$want alerts (and $lost lost to a full ring buffer)" sh -c \
	"[ \$(grep -c '\"tracker\":\"alert\"' $out) -ge $want ]"
vm_assert_eq "$(grep '"tracker":"alert"' "$out" | jq -r 'select(.action == "block") | .rule' |
	sort | uniq -c | awk '{ n += $1 } END { print n }')" "$want" \
	"alerts seen + ringbuf_full drops = every refused try"
