#!/bin/bash
# ward benchmarks (make bench). Prints the figures recorded in docs/benchmarks.md.
#  1. size of the static binary (target <= 4 MB)
#  2. tracker overhead: CPU time per syscall added by each tracker, measured on
#     a dd loop doing N one-byte read+write pairs (2N syscalls), median of R
#     runs. CPU time (user+sys of dd, where the BPF programs run) rather than
#     wall time, so other load on the machine disturbs the figure less.
#  3. the server's cost to processes outside containers and its start time
#  4. one decision, warm (tests/diff/test_decide bench)
# Extra suites (tests/bench/*.sh other than this file) run afterwards, then the BPF-LSM VM's.
# BENCH (make bench BENCH=...): the suites to run, separated by spaces (default: all):
# size, trackers, server, decision, the extra suites by name (enforce, nginx, pipeline,
# rulesc) and vm.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=${WARD_BENCH_N:-1000000}
R=${WARD_BENCH_RUNS:-5}
BENCH=${BENCH:-}

extras=()
for extra in tests/bench/*.sh; do
	[ "$extra" = tests/bench/run.sh ] || extras+=("$(basename "$extra" .sh)")
done
for s in $BENCH; do
	[[ " size trackers server decision ${extras[*]} vm " == *" $s "* ]] ||
		{ echo "bench: BENCH: unknown suite '$s' (size trackers server decision ${extras[*]} vm)" >&2; exit 2; }
done
# suite NAME: NAME is to run.
suite() { [ -z "$BENCH" ] || [[ " $BENCH " == *" $1 "* ]]; }

[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (loads BPF programs)" >&2; exit 1; }
if suite size; then
	make --no-print-directory "$BUILD/static/ward" >/dev/null
	size=$(stat -c %s "$BUILD/static/ward")
	printf 'static ward: %d bytes (%.2f MiB), limit 4 MiB: %s\n' "$size" \
		"$(echo "$size / 1048576" | bc -l)" "$([ "$size" -le 4194304 ] && echo ok || echo OVER)"
fi

# Median CPU time (user+sys) in ns of R runs of the dd loop.
dd_median() {
	local runs=()
	for _ in $(seq "$R"); do
		local cpu
		cpu=$( { TIMEFORMAT='%3U %3S'; time dd if=/dev/zero of=/dev/null bs=1 \
			count="$N" status=none; } 2>&1 )
		runs+=("$(echo "$cpu" | awk '{printf "%d", ($1 + $2) * 1e9}')")
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

# The server with its default pack in force: what a process outside every
# targeted container pays (one cgroup lookup per hook, the syscall rules'
# tp_btf/sys_enter and the file rules' sys_exit without BPF-LSM among them).
# Start time: until "policy generation 1 in force" (target <= 3 s on an idle host).
if suite server; then
	base=$(dd_median)
	start=$(date +%s%N)
	"$BUILD/ward" server -o json >/dev/null 2>"$BUILD/bench-server.err" &
	pid=$!
	for _ in $(seq 1000); do
		grep -q "in force" "$BUILD/bench-server.err" && break
		sleep 0.01
	done
	grep -q "in force" "$BUILD/bench-server.err" || { cat "$BUILD/bench-server.err" >&2; exit 1; }
	started=$(date +%s%N)
	printf 'server  : default pack in force %.2f s after start (target <= 3 s)\n' \
		"$(echo "($started - $start) / 1000000000" | bc -l)"
	t=$(dd_median)
	kill -INT "$pid"
	wait "$pid" || true
	printf 'server  : baseline %.0f ns/syscall, default pack in force %.0f ns/syscall: %+.0f ns (%+.1f%%)\n' \
		"$(echo "$base / (2 * $N)" | bc -l)" "$(echo "$t / (2 * $N)" | bc -l)" \
		"$(echo "($t - $base) / (2 * $N)" | bc -l)" "$(echo "($t - $base) * 100 / $base" | bc -l)"
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
# runs in the test VM (tests/vm/bench/), with the 10-minute benign-workload run (about 16
# minutes in all: a longer hard limit than the test suite's).
if suite vm; then
	echo "== tests/vm/bench (BPF-LSM kernel, qemu)"
	WARD_VM_SUITE=bench WARD_VM_VERBOSE=1 WARD_VM_TIMEOUT=${WARD_VM_TIMEOUT:-2400} \
		WARD_BIN="$BUILD/static/ward" tests/vm/run.sh
fi
