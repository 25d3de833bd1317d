#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The CO-RE trackers built against the 6.18 vmlinux.h load and report on the 6.1 guest kernel:
# files (tp_btf sys_exit), syscall (tp_btf sys_enter) and tcp (tracepoints), each with an event
# this test causes.
# vm-binaries: jq
# vm-timeout: 150
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

# Run a tracker while repeating a workload until CHECK (a shell function) finds the
# expected event: loading BPF under TCG takes a while, so the first rounds may run before the
# programs are attached. Then stop ward with SIGINT, which must exit 0.
run_tracker() { # TRACKER CHECK WORKLOAD...
	tracker=$1
	check=$2
	shift 2
	"$WARD" run "$tracker" -o json --interval 1 --duration 60 >"$out" 2>"$err" &
	ward_pid=$!
	end=$(($(date +%s) + 40))
	until "$check"; do
		kill -0 "$ward_pid" 2>/dev/null || vm_fail "ward run $tracker exited early"
		[ "$(date +%s)" -lt "$end" ] || vm_fail "$tracker: no expected event within 40 s"
		"$@"
		sleep 1.2
	done
	kill -INT "$ward_pid"
	wait "$ward_pid" || vm_fail "ward run $tracker exited with status $? on SIGINT"
	ward_pid=
}

# ---- files ----------------------------------------------------------------------------------
file=$VM_TMP/wardfile-$token
files_row() { jq -c --arg f "$file" 'select(.filename == $f and .comm == "dd")' "$out" | head -n 1; }
files_seen() { [ -n "$(files_row)" ]; }
run_tracker files files_seen dd if=/dev/zero of="$file" bs=1024 count=8
row=$(files_row)
vm_assert_eq "$(echo "$row" | jq '.write_bytes')" 8192 "files: write_bytes of $file"
vm_assert_eq "$(echo "$row" | jq -r '.type')" R "files: type of $file"

# ---- syscall --------------------------------------------------------------------------------
reads() { jq -s '[.[] | select(.syscall == "read" and .abi == "x86_64") | .count] | add // 0' "$out"; }
reads_seen() { [ "$(reads)" -ge 5000 ]; }
run_tracker syscall reads_seen dd if=/dev/zero of=/dev/null bs=1 count=5000
n=$(reads)
echo "ok: syscall: $n reads counted"

# ---- tcp ------------------------------------------------------------------------------------
ip link set lo up
port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000))
busybox nc -ll -p "$port" -e /bin/true &
nc_pid=$!
sleep 0.3
connect_row() { jq -c --argjson p "$port" 'select(.event == "connect" and .dport == $p)' "$out" | head -n 1; }
connect_seen() { [ -n "$(connect_row)" ]; }
run_tracker tcp connect_seen sh -c "echo $token | busybox nc -w 1 127.0.0.1 $port"
kill "$nc_pid" 2>/dev/null
row=$(connect_row)
vm_assert_eq "$(echo "$row" | jq -r '.daddr')" 127.0.0.1 "tcp: connect daddr"
vm_assert_eq "$(echo "$row" | jq '.latency_us | type')" '"number"' "tcp: connect latency"
