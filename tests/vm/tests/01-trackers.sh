#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The CO-RE trackers built against the 6.18 vmlinux.h load and report on the 6.1 guest kernel:
# files (tp_btf sys_exit), syscall (tp_btf sys_enter) and tcp (tracepoints), each with an event
# this test causes.
# vm-binaries: jq
# vm-timeout: 90
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

token=$(vm_token)
out=$VM_TMP/out.json
err=$VM_TMP/ward.err
ward_pid=

cleanup() {
	rc=$?
	[ -n "$ward_pid" ] && kill -KILL "$ward_pid" 2>/dev/null
	if [ "$rc" -ne 0 ]; then
		echo "--- ward stderr ---"
		cat "$err" 2>/dev/null
		echo "--- ward stdout (last 20 lines) ---"
		tail -n 20 "$out" 2>/dev/null
	fi
}
trap cleanup EXIT

# Start a tracker, wait until it is attached (its first output or 3 s), run the workload
# given as arguments, let the tracker finish its --duration.
run_tracker() { # TRACKER WORKLOAD...
	tracker=$1
	shift
	"$WARD" run "$tracker" -o json --interval 1 --duration 4 >"$out" 2>"$err" &
	ward_pid=$!
	sleep 1.5
	kill -0 "$ward_pid" 2>/dev/null || vm_fail "ward run $tracker exited early"
	"$@"
	wait "$ward_pid" || vm_fail "ward run $tracker exited with status $?"
	ward_pid=
}

# ---- files ----------------------------------------------------------------------------------
file=$VM_TMP/wardfile-$token
run_tracker files dd if=/dev/zero of="$file" bs=1024 count=8
row=$(jq -c --arg f "$file" 'select(.filename == $f and .comm == "dd")' "$out" | head -n 1)
[ -n "$row" ] || vm_fail "files: no row for $file"
vm_assert_eq "$(echo "$row" | jq '.write_bytes')" 8192 "files: write_bytes of $file"
vm_assert_eq "$(echo "$row" | jq -r '.type')" R "files: type of $file"

# ---- syscall --------------------------------------------------------------------------------
run_tracker syscall dd if=/dev/zero of=/dev/null bs=1 count=5000
n=$(jq -s '[.[] | select(.syscall == "read" and .abi == "x86_64") | .count] | add // 0' "$out")
[ "$n" -ge 5000 ] || vm_fail "syscall: read count $n < 5000"
echo "ok: syscall: $n reads counted"

# ---- tcp ------------------------------------------------------------------------------------
ip link set lo up
port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000))
busybox nc -l -p "$port" >/dev/null &
nc_pid=$!
sleep 0.3
run_tracker tcp sh -c "echo $token | busybox nc 127.0.0.1 $port"
kill "$nc_pid" 2>/dev/null
row=$(jq -c --argjson p "$port" 'select(.event == "connect" and .dport == $p)' "$out" | head -n 1)
[ -n "$row" ] || vm_fail "tcp: no connect event to port $port"
vm_assert_eq "$(echo "$row" | jq -r '.daddr')" 127.0.0.1 "tcp: connect daddr"
vm_assert_eq "$(echo "$row" | jq '.latency_us | type')" '"number"' "tcp: connect latency"
