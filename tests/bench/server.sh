#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Uncovered work (issue 16, item 4): what a process on the host, outside every container,
# pays while `ward server` runs with its default pack (audit only) although no policy
# selects it. Three loops of N calls each (CPU time of the loop, user + system: where the
# BPF programs run), as a ratio to a baseline measured in the same round, rounds
# interleaved (baseline, server, baseline, server, ...), median and range of R rounds:
#   getpid  the getpid system call (tests/bench/bench_loop.c): no hook decides it
#   stat    stat(2) of /etc/passwd: a path walk, no open
#   dd      dd if=/dev/zero of=/dev/null bs=1: N reads and N writes (2N system calls)
# Without BPF-LSM and fentry the syscall rules and the file-open fallback run on every
# system call's entry or exit of every task (docs/benchmarks.md says what removes it).
#
#   tests/bench/server.sh        (root; run by `make bench`; alone: make bench BENCH=server)
# Environment: BUILD, WARD, BENCH_LOOP, WARD_BENCH_N (calls per loop, default 500000),
# WARD_BENCH_RUNS (rounds, default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh
BENCH_LOOP=${BENCH_LOOP:-${BUILD:-build}/static/bench_loop}
N=${WARD_BENCH_N:-500000}
R=${WARD_BENCH_RUNS:-5}
LOOPS=(getpid stat dd)

[ -x "$BENCH_LOOP" ] || { echo "bench server: $BENCH_LOOP missing (make bench)" >&2; exit 1; }
wardit_setup

# per_call LOOP: its CPU time (user + system) per system call, in ns
per_call() {
	local t calls=$N
	t=$({
		TIMEFORMAT='%3U %3S'
		case $1 in
		getpid) time "$BENCH_LOOP" getpid "$N" ;;
		stat) time "$BENCH_LOOP" stat /etc/passwd "$N" ;;
		dd) time dd if=/dev/zero of=/dev/null bs=1 count="$N" status=none ;;
		esac
	} 2>&1)
	[ "$1" != dd ] || calls=$((2 * N))
	awk -v n="$calls" '{ printf "%.1f\n", ($1 + $2) * 1e9 / n }' <<<"$t"
}

declare -A base=() with=() bases=() withs=() ratios=() added=()
for ((r = 1; r <= R; r++)); do
	for l in "${LOOPS[@]}"; do base[$l]=$(per_call "$l"); done
	ward_start w server -o json --output /dev/null >>"$TDIR/ward.log"
	ward_in_force w
	for l in "${LOOPS[@]}"; do with[$l]=$(per_call "$l"); done
	ward_stop w >>"$TDIR/ward.log"
	line=
	for l in "${LOOPS[@]}"; do
		ratios[$l]+="$(echo "scale=4; ${with[$l]} / ${base[$l]}" | bc) "
		added[$l]+="$(echo "${with[$l]} - ${base[$l]}" | bc) "
		bases[$l]+="${base[$l]} " withs[$l]+="${with[$l]} "
		line+=", $l ${base[$l]} -> ${with[$l]} ns"
	done
	echo "  round $r: baseline -> server, per call${line}"
done
for l in "${LOOPS[@]}"; do
	read -r bmed _ < <(stats "${bases[$l]}")
	read -r wmed _ < <(stats "${withs[$l]}")
	read -r rmed rmin rmax < <(stats "${ratios[$l]}")
	read -r amed amin amax < <(stats "${added[$l]}")
	printf 'server  : %-6s on the host, default pack in force: %.0f -> %.0f ns per call, x%s (%s-%s) of the baseline, %+.0f ns (%+.0f to %+.0f); %d rounds of %d calls\n' \
		"$l" "$bmed" "$wmed" "$rmed" "$rmin" "$rmax" "$amed" "$amin" "$amax" "$R" "$N"
done
