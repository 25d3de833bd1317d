#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What ward server's default pack costs a process outside every container without BPF-LSM.
# Where the kernel runs no i386 or x32 syscalls (`ward doctor`: compat_syscalls), which the
# syscalls:* tracepoints miss, the file and unix-socket fallbacks sit on the exit tracepoints of
# their own syscalls (pins link_ward_tp_file_nr_NR, link_ward_tp_unix_nr_NR; `ward status`
# says how many) and the syscall rules on the entry tracepoints of the syscalls they name, so
# the 2,000,000 reads and writes of a dd on the host run none of ward's programs (the kernel's
# BPF statistics: each program ran fewer times than 10 % of them, which the rest of a busy
# machine's syscalls stay far below; a program on every syscall runs once for each). Where such syscalls run, the every-exit programs
# are pinned instead, and status says why. The decisions themselves, in whichever form this
# kernel gets, are the t-94 to t-99 enforcement tests'. Under a seccomp filter of its own (as
# the systemd unit's, which refuses x32 calls) ward cannot ask the kernel about x32: it goes
# by /proc/kallsyms then, and a kernel built without the x32 ABI still counts as having none.
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v bpftool >/dev/null || fail "bpftool missing (make deps)"

# ward doctor under a filter that refuses every non-native call, as SystemCallArchitectures=native
cat >"$TDIR/filtered.c" <<'C'
#include <seccomp.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	scmp_filter_ctx c = seccomp_init(SCMP_ACT_ALLOW);

	if (!c || argc < 2 || seccomp_attr_set(c, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(1)) ||
	    seccomp_load(c))
		return 126;
	execv(argv[1], argv + 1);
	return 127;
}
C
gcc -o "$TDIR/filtered" "$TDIR/filtered.c" -lseccomp 2>"$TDIR/gcc.err" ||
	fail "cannot build the seccomp wrapper: $(cat "$TDIR/gcc.err")"
"$TDIR/filtered" "$WARD" doctor -o json >"$TDIR/doctor-filtered.json" ||
	fail "ward doctor under a seccomp filter failed"
read -r file_level i386 fx32 < <(jq -r \
	'"\(.enforcement.file) \(.compat_syscalls.i386) \(.compat_syscalls.x32)"' "$TDIR/doctor-filtered.json")
if grep -qE ' (x32_sys_call|x32_sys_call_table)$' /proc/kallsyms; then
	want_x32=true # built with the x32 ABI: the filter hides whether it runs
else
	want_x32=false
fi
[ "$fx32" = "$want_x32" ] || fail "under a seccomp filter: x32 $fx32, want $want_x32 (kallsyms)"
jq -r '.checks[] | select(.name == "compat_syscalls") | .detail' "$TDIR/doctor-filtered.json" |
	grep -q "ward runs under a seccomp filter" || fail "the check does not say ward is filtered"
echo "ok: under a seccomp filter, x32 syscalls $fx32, as /proc/kallsyms says"
[ "$file_level" != lsm ] || skip "BPF-LSM decides files on this kernel: no fallback to measure"

A=$(ctr_id a)
ctr_start "$A"
server_start # the default pack: every container
ward_in_force w
pins=/sys/fs/bpf/ward
pinned() { [ -e "$pins/$1" ]; }
reasons=$("$WARD" status -o json | jq -r '.enforcement_reasons.file, .enforcement_reasons.network')

# ward server runs unfiltered: i386 as the filtered doctor found it (the CPU refuses int $0x80
# before any filter), x32 as status says (the filtered doctor may not know)
if [ "$i386" = true ] || grep -q "after every syscall's exit" <<<"$reasons"; then
	pinned link_ward_tp_file && pinned link_ward_tp_unix && ! pinned link_ward_tp_file_nr_257 ||
		fail "compat syscalls run: want the every-exit programs, have: $(ls "$pins")"
	grep -q "after every syscall's exit" <<<"$reasons" || fail "status does not say why: $reasons"
	echo "ok: compat syscalls run here: every syscall's exit is watched, as status says"
	ward_stop w
	exit 0
fi

pinned link_ward_tp_file_nr_257 && pinned link_ward_tp_unix_nr_42 ||
	fail "no per-syscall links for openat (257) and connect (42): $(ls "$pins")"
! pinned link_ward_tp_file && ! pinned link_ward_tp_unix && ! pinned link_ward_sys_enter ||
	fail "a program on every syscall is pinned: $(ls "$pins" | grep -E 'link_ward_(tp_file|tp_unix|sys_enter)$')"
[ "$(grep -c "after the exit tracepoints of its [0-9]* syscalls" <<<"$reasons")" = 2 ] ||
	fail "status does not say how the file and network fallbacks watch: $reasons"
echo "ok: the fallbacks sit on their syscalls' own tracepoints, as status says"

# Run counts of ward's programs around the host dd, with the kernel's BPF statistics on (and
# back as they were before any failure is reported).
stats0=$(sysctl -n kernel.bpf_stats_enabled) || fail "no kernel.bpf_stats_enabled"
runs() {
	bpftool prog show -j </dev/null |
		jq -c 'map(select((.name // "") | startswith("ward_")) | {(.name + "#\(.id)"): (.run_cnt // 0)}) | add // {}'
}
sysctl -qw kernel.bpf_stats_enabled=1 || fail "cannot enable the BPF statistics"
r0=$(runs)
dd if=/dev/zero of=/dev/null bs=1 count=1000000 2>/dev/null
r1=$(runs)
sysctl -qw kernel.bpf_stats_enabled="$stats0"
most=$(jq -rn --argjson a "$r0" --argjson b "$r1" \
	'[$b | to_entries[] | {k: .key, d: (.value - ($a[.key] // 0))}] | max_by(.d) | "\(.d) \(.k)"')
echo "during the host dd's 2,000,000 syscalls the busiest of ward's programs ran: $most"
[ "${most%% *}" -lt 200000 ] || fail "ward's ${most#* } ran ${most%% *} times for a host dd"
echo "ok: a host process's syscalls run none of ward's programs"
ward_stop w
