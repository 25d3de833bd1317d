#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# files tracker, JSON: I/O in container A is attributed to A (never to B),
# with the path as A sees it, exact byte counts and file types; a container
# started after ward (B) is attributed without a restart; host I/O is host.
# Where the kernel runs no i386 or x32 syscalls (an int $0x80 is refused with
# SIGSEGV; no x32 dispatcher in /proc/kallsyms), the tracker's program sits on
# the read/write family's own exit tracepoints (handle_rw_exit), not on every
# syscall's exit (handle_sys_exit).
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v bpftool >/dev/null || fail "bpftool missing (make deps)"

r=$RANDOM$RANDOM
A=$(ctr_id a)
B=$(ctr_id b)
na=12345
nb=23456
nh=3456
fa=/data/wardA-$r.bin
fb=/data/wardB-$r.bin
fh=$TDIR/wardH-$r.bin

ctr_start "$A"
cga=$(ctr_cgroup_id "$A") || fail "cgroup id of $A"
ward_start w run files -o json --interval 1
out=$(ward_out w)

wait_event w 30 '.container.name == $n and .filename == $f' --arg n "$A" --arg f "$fa" \
	-- ctr_exec "$A" dd if=/dev/zero of="$fa" bs=$na count=1

loop=$WARDIT_ROOT/${BUILD:-build}/static/bench_loop
[ -x "$loop" ] || fail "$loop missing (make test builds it)"
compat=true
rc=0
"$loop" open32 /dev/null 1 2>/dev/null || rc=$?
[ $rc -eq 139 ] && ! grep -qE ' (x32_sys_call|x32_sys_call_table)$' /proc/kallsyms && compat=false
want=handle_rw_exit
[ "$compat" = false ] || want=handle_sys_exit
ids=$(awk '$1 == "prog_id:" { print $2 }' /proc/"${WARD_PID[w]}"/fdinfo/* 2>/dev/null | jq -sc .)
progs=$(bpftool prog show -j | jq -r --argjson ids "$ids" \
	'[.[] | select(.id as $i | $ids | index($i)) | .name] | sort | join(" ")')
[ "$progs" = "$want" ] || fail "compat syscalls $compat: want only $want loaded, have: $progs"
echo "ok: compat syscalls $compat: the tracker runs $want"

ctr_start "$B"
cgb=$(ctr_cgroup_id "$B") || fail "cgroup id of $B"
wait_event w 15 '.container.name == $n and .filename == $f' --arg n "$B" --arg f "$fb" \
	-- ctr_exec "$B" dd if=/dev/zero of="$fb" bs=$nb count=1
wait_event w 15 '.container.host and .filename == $f' --arg f "$fh" \
	-- dd if=/dev/zero of="$fh" bs=$nh count=1
ward_stop w

assert_some "A's write: A's name, id and cgroup, path as A sees it, exact bytes" "$out" '
	.filename == $f and .container.name == $n and .container.id == $n and
	.container.host == false and .container.runtime == "runc" and .cgroup_id == $cg and
	.type == "R" and .comm == "dd" and .writes == 1 and .write_bytes == $nb and
	.filename_truncated == false' \
	--arg f "$fa" --arg n "$A" --argjson cg "$cga" --argjson nb $na
assert_none "A's file is only ever attributed to A, with A's size" "$out" \
	'.filename == $f and (.container.name != $n or .cgroup_id != $cg or .write_bytes != $nb)' \
	--arg f "$fa" --arg n "$A" --argjson cg "$cga" --argjson nb $na
assert_some "A's dd read /dev/zero: a character device, exact bytes" "$out" '
	.filename == "/dev/zero" and .type == "C" and .container.name == $n and
	.comm == "dd" and .reads == 1 and .read_bytes == $nb' \
	--arg n "$A" --argjson nb $na
assert_some "B (started after ward) is attributed by name" "$out" '
	.filename == $f and .container.name == $n and .container.id == $n and
	.cgroup_id == $cg and .type == "R" and .write_bytes == $nb' \
	--arg f "$fb" --arg n "$B" --argjson cg "$cgb" --argjson nb $nb
assert_none "B's file is only ever attributed to B" "$out" \
	'.filename == $f and .container.name != $n' --arg f "$fb" --arg n "$B"
assert_none "no host path of a container's /data file" "$out" \
	'.filename | contains($a) or contains($b)' --arg a "$TDIR/$A.data" --arg b "$TDIR/$B.data"
assert_some "host I/O is marked host, with the host path" "$out" '
	.filename == $f and .container == {host: true} and .type == "R" and
	.write_bytes == $nb' --arg f "$fh" --argjson nb $nh
check_schema "$out" files
echo "PASS"
