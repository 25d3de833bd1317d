#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The pipeline's capacity per consumer core: `ward run process -o json` writing to a file
# while a loop on the host makes N fork+exec+exit triples (3N records, tests/bench/
# bench_loop.c), R runs. For each run: the records written, the records the kernel reported
# dropped (ring buffer full), and the CPU time ward's process spent (user+sys from
# /proc/PID/stat), so records/s per consumer core = records written / that CPU time.
# Every run must account for the loop's records exactly: written + dropped >= 3N (the
# machine's other processes add records; a loss nobody counted fails the run).
#
#   tests/bench/pipeline.sh     (root; run by `make bench`)
# Environment: BUILD, WARD, BENCH_LOOP, WARD_BENCH_PIPE_N (default 20000), WARD_BENCH_RUNS
# (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
WARD=${WARD:-$BUILD/ward}
BENCH_LOOP=${BENCH_LOOP:-$BUILD/static/bench_loop}
N=${WARD_BENCH_PIPE_N:-20000}
R=${WARD_BENCH_RUNS:-5}
HZ=$(getconf CLK_TCK)

[ "$(id -u)" -eq 0 ] || { echo "bench pipeline: needs root" >&2; exit 1; }
[ -x "$BENCH_LOOP" ] || { echo "bench pipeline: $BENCH_LOOP missing (make bench)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ward-bench-pipe.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# one run: "RECORDS_WRITTEN DROPPED CPU_TICKS"
run_once() {
	local t0 t1 written dropped
	"$WARD" run process -o json --output "$work/out" 2>"$work/err" </dev/null &
	pid=$!
	for _ in $(seq 100); do # loaded and attached: the first record is out
		[ -s "$work/out" ] && break
		sleep 0.1
	done
	t0=$(cpu_ticks "$pid")
	"$BENCH_LOOP" exec /bin/true "$N"
	sleep 1 # the last records through
	t1=$(cpu_ticks "$pid")
	kill -INT "$pid"
	wait "$pid" || true
	pid=
	written=$(grep -c '"tracker":"process"' "$work/out" || true)
	dropped=$(sed -n 's/.*ringbuf_full: \([0-9]*\) in the kernel.*/\1/p' "$work/err" |
		awk '{ s += $1 } END { print s + 0 }')
	echo "$written $dropped $((t1 - t0))"
}

rates=()
for i in $(seq "$R"); do
	read -r written dropped ticks < <(run_once)
	[ $((written + dropped)) -ge $((3 * N)) ] ||
		{ echo "bench pipeline: run $i: $written written + $dropped dropped < $((3 * N)) generated: records lost uncounted" >&2; exit 1; }
	[ "$ticks" -gt 0 ] || ticks=1
	rate=$((written * HZ / ticks))
	rates+=("$rate")
	printf '  run %d: %d records written, %d dropped (counted), ward CPU %.2f s: %d records/s per core\n' \
		"$i" "$written" "$dropped" "$(echo "$ticks / $HZ" | bc -l)" "$rate"
done
sorted=$(printf '%s\n' "${rates[@]}" | sort -n)
printf 'pipeline: process tracker to JSON lines in a file: median %d records/s per consumer core (range %d-%d, %d runs of %d fork+exec+exit)\n' \
	"$(sed -n "$(((R + 1) / 2))p" <<<"$sorted")" "$(head -n 1 <<<"$sorted")" \
	"$(tail -n 1 <<<"$sorted")" "$R" "$N"
