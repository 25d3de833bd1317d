#!/bin/bash
# ward benchmarks (make bench). Prints the figures recorded in docs/benchmarks.md.
#  1. tracker overhead: CPU time per syscall added by each tracker, measured on
#     a dd loop doing N one-byte read+write pairs (2N syscalls), median of R
#     runs. CPU time (user+sys of dd, where the BPF programs run) rather than
#     wall time, so other load on the machine disturbs the figure less.
#  2. one decision, warm (tests/diff/test_decide bench)
# The suites of tests/bench/*.sh other than this file run afterwards (capacity, enforce,
# footprint, nginx, rulesc, server), then the BPF-LSM VM's enforcement benchmark (vm).
# BENCH (make bench BENCH=...): the suites to run, separated by spaces (default: all but
# benign): trackers, decision, the suites of tests/bench by name, vm, and benign (the default
# pack for 10 minutes on benign workloads in the VM, 11 minutes alone).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=${WARD_BENCH_N:-500000}
R=${WARD_BENCH_RUNS:-5}
BENCH=${BENCH:-}

extras=()
for extra in tests/bench/*.sh; do
	[ "$extra" = tests/bench/run.sh ] || extras+=("$(basename "$extra" .sh)")
done
for s in $BENCH; do
	[[ " trackers decision ${extras[*]} vm benign " == *" $s "* ]] ||
		{ echo "bench: BENCH: unknown suite '$s' (trackers decision ${extras[*]} vm benign)" >&2; exit 2; }
done
# suite NAME: NAME is to run; then says how long the suite before it took (and lap "" at the end).
suite() {
	if [ -z "$BENCH" ]; then [ "$1" != benign ]; else [[ " $BENCH " == *" $1 "* ]]; fi || return 1
	lap "$1"
}
lap() {
	[ -z "${lap_name:-}" ] || echo "== $lap_name: $((SECONDS - lap_t)) s"
	lap_name=$1 lap_t=$SECONDS
}

[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (loads BPF programs)" >&2; exit 1; }

# Median CPU time (user+sys) in ns of R runs of the dd loop.
dd_median() {
	local runs=()
	for _ in $(seq "$R"); do
		local cpu
		cpu=$( { TIMEFORMAT='%3U %3S'; time dd if=/dev/zero of=/dev/null bs=1 \
			count="$N" status=none; } 2>&1 )
		runs+=("$(echo "$cpu" | awk '{printf "%.0f", ($1 + $2) * 1e9}')") # mawk: %d stops at 2^31
	done
	printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(((R + 1) / 2))p"
}

# Each tracker is measured right after its own baseline, so drift in the
# machine's load between trackers does not leak into the figures.
if suite trackers; then
	for tracker in files syscall process tcp; do
		base=$(dd_median)
		"$BUILD/ward" run "$tracker" -o json --output /dev/null --interval 1 2>/dev/null &
		pid=$!
		sleep 2 # loaded and attached
		t=$(dd_median)
		kill -INT "$pid"
		wait "$pid" || true
		printf '%-8s: baseline %.0f ns/syscall, with tracker %.0f ns/syscall: %+.0f ns (%+.1f%%)\n' \
			"$tracker" "$(echo "$base / (2 * $N)" | bc -l)" "$(echo "$t / (2 * $N)" | bc -l)" \
			"$(echo "($t - $base) / (2 * $N)" | bc -l)" "$(echo "($t - $base) * 100 / $base" | bc -l)"
	done
fi

# What one decision costs, warm, 10 and 10,000 rules: the kernel lookup run through
# BPF_PROG_TEST_RUN (tests/diff/test_decide.c).
if suite decision; then
	echo "== decision (tests/diff/test_decide bench)"
	"$BUILD/tests/test_decide" bench
fi

for extra in "${extras[@]}"; do
	suite "$extra" || continue
	echo "== tests/bench/$extra.sh"
	"tests/bench/$extra.sh"
done

# The BPF-LSM hooks cannot load on a host without BPF-LSM: the same enforcement benchmark
# runs in the test VM (tests/vm/bench/10-enforce-hooks.sh); benign is the 10-minute run of
# the default pack on benign workloads there (tests/vm/bench/20-benign-10min.sh).
for vm in vm:10-enforce-hooks benign:20-benign-10min; do
	suite "${vm%%:*}" || continue
	echo "== tests/vm/bench/${vm#*:}.sh (BPF-LSM kernel, qemu)"
	WARD_VM_SUITE=bench WARD_VM_VERBOSE=1 WARD_VM_TIMEOUT=${WARD_VM_TIMEOUT:-1200} \
		WARD_BIN="$BUILD/static/ward" tests/vm/run.sh "${vm#*:}"
done
lap ""
