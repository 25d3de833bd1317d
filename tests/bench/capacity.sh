#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Event capacity (issue 16, item 2): the rate of events ward takes without losing one, per
# core of its own, and above it, that every lost event is counted. A runc container runs
# two generators (tests/bench/bench_loop.c, `steps`: paced actions, step by step) started
# before ward, so nothing else happens in it while ward watches; ward runs as users run it,
# `ward server --no-policy --events process,tcp --container ID` (filtered in the kernel:
# only the container's records enter the ring buffers), JSON lines to a file, metrics on.
# Actions whose records are known exactly:
#   exec     fork, exec /bin/true, wait: 3 records of the process tracker (fork, exec, exit)
#   connect  a TCP connect to a closed port of the container's loopback: 1 record of the
#            tcp tracker (connect, refused)
# Each step asks for a rate (actions per second, "max": as fast as the generators go) for
# STEP_S seconds and checks, once ward has written what it will, that
#   generated = received (rows in the file) + dropped (ward_kernel_drops_total, reasons
#   ringbuf_full and map_full: the records the kernel could not hand over)
# and fails loudly when it does not hold. Two sweeps per action: ward as it runs (free), and
# ward held to a share of a core (CAP, cgroup cpu quota), so that its ring buffers (1 MiB
# each) fill and drops really happen above the rate that share keeps up with (the capped
# sweep fails when nothing dropped). Prints each step (the rate reached, records/s, ward's CPU
# share from /proc/PID/stat, records per second of ward CPU), then per sweep the highest rate
# with 0 drops and, for the capped sweeps, that rate per consumer core (divided by CAP).
#
#   tests/bench/capacity.sh      (root; run by `make bench`; alone: make bench BENCH=capacity)
# Environment: BUILD, WARD, BENCH_LOOP, WARD_BENCH_CAP_STEP_S (seconds per step, default 2),
# WARD_BENCH_CAP_ACTIONS (default "exec connect").
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh
BENCH_LOOP=${BENCH_LOOP:-${BUILD:-build}/static/bench_loop}
STEP_S=${WARD_BENCH_CAP_STEP_S:-2}
ACTIONS=${WARD_BENCH_CAP_ACTIONS:-exec connect}
PERIOD_US=100000 # the quota's period (a throttled ward pauses up to 99 ms: 1 MiB holds that)
WORKERS=2
PORT=7777 # nothing listens there in the container: each connect is refused at once
# per action: the records it makes, the generator's arguments, the steps of each sweep
# (actions per second), the actions of a "max" step and the capped sweep's share of a core
# (a fork+exec in a container takes about 2.5 ms here: the generators make some 1,100 exec
# records/s, which 0.02 of a core takes)
declare -A RECORDS=([exec]=3 [connect]=1)
declare -A ARGS=([exec]="exec /bin/true" [connect]="connect 127.0.0.1 $PORT")
declare -A FREE=([exec]="100 200 max" [connect]="10000 20000 max")
declare -A CAPPED=([exec]="50 100 150 200 300 max" [connect]="2000 3000 4500 6750 10000 15000 max")
declare -A MAX_N=([exec]=1000 [connect]=80000)
declare -A CAP=([exec]=0.01 [connect]=0.05)

[ -x "$BENCH_LOOP" ] || { echo "bench capacity: $BENCH_LOOP missing (make bench)" >&2; exit 1; }
wardit_setup
cp "$BENCH_LOOP" "$WARDIT_DIR/rootfs/bin/bench_loop"

# cpu_cap PID SHARE: hold PID to SHARE of a core (the cpu controller: cgroup v1's, else v2's).
cpu_cap() {
	local quota cg v2
	quota=$(echo "$2 * $PERIOD_US / 1" | bc)
	if [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
		cg=/sys/fs/cgroup/cpu/ward-bench-$$
		mkdir -p "$cg" && echo "$PERIOD_US" >"$cg/cpu.cfs_period_us" &&
			echo "$quota" >"$cg/cpu.cfs_quota_us" || fail "cgroup $cg"
	else
		v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
		grep -qw cpu "$v2/cgroup.subtree_control" 2>/dev/null ||
			fail "no cpu controller (cgroup v1 cpu or v2 cpu in $v2) to hold ward to $2 of a core"
		cg=$v2/ward-bench-$$
		mkdir -p "$cg" && echo "$quota $PERIOD_US" >"$cg/cpu.max" || fail "cgroup $cg"
	fi
	WARDIT_CGROUPS+=("$cg")
	echo "$1" >"$cg/cgroup.procs" || fail "moving ward into $cg"
}

# counts: sets rows (the rows ward wrote so far) and dropped (the records its kernel side
# could not hand over, as its metrics say)
counts() {
	local page
	rows=$(grep -c '"tracker":"' "$TDIR/rows.json" || true)
	page=$(curl -sf "http://127.0.0.1:$mport/metrics") || fail "no metrics from ward on port $mport"
	dropped=$(awk '/^ward_kernel_drops_total\{/ && /source="(process|tcp)"/ &&
		/reason="(ringbuf_full|map_full)"/ { s += $NF } END { printf "%.0f\n", s }' <<<"$page")
}

# sweep ACTION SHARE RATE...: (SHARE: of a core ward is held to, 0: free) one container, one ward, a step per RATE; prints a line per
# step, and sets best (the highest records/s with 0 drops, every slower step without drops
# too), best_core (ward's CPU share then), per_core (records per ward CPU second of each
# step up to there) and lossless (no step dropped: yes or no).
sweep() {
	local action=$1 capped=$2 id w step=0 rate n nw i rows0 drop0 gen ns ns_w t0 t1 prev got
	local pid rec_s core w0 w1 per_s
	shift 2
	lossless=yes per_core=
	id=$(ctr_id "$action")
	for ((w = 1; w <= WORKERS; w++)); do mkdir -p "$TDIR/$id.data/w$w"; done
	ctr_start "$id" sh -c "for w in \$(seq $WORKERS); do bench_loop steps /data/w\$w ${ARGS[$action]} & done; wait"
	mport=$((19464 + RANDOM % 1000))
	ward_start w server --no-policy --events process,tcp --container "$id" -o json \
		--output "$TDIR/rows.json" --metrics "127.0.0.1:$mport"
	pid=${WARD_PID[w]}
	for ((i = 0; i < 300; i++)); do # its trackers attached: their rings on the page
		curl -sf "http://127.0.0.1:$mport/metrics" 2>/dev/null |
			grep -q 'ward_ringbuf_size_bytes{source="tcp"}' && break
		ward_alive w || fail "ward exited: $(cat "$TDIR/w.err")"
		sleep 0.1
	done
	[ "$i" -lt 300 ] || fail "ward's trackers not attached after 30 s"
	[ "$capped" = 0 ] || cpu_cap "$pid" "$capped"
	best=0
	for rate in "$@"; do
		step=$((step + 1))
		counts
		rows0=$rows drop0=$dropped
		if [ "$rate" = max ]; then n=${MAX_N[$action]}; else n=$((rate * STEP_S)); fi
		nw=$((n / WORKERS)) n=$((nw * WORKERS))
		t0=$(cpu_ticks "$pid") w0=$(date +%s%N)
		for ((w = 1; w <= WORKERS; w++)); do
			echo "$(((${rate/max/0} + WORKERS - 1) / WORKERS)) $nw" >"$TDIR/$id.data/w$w/$step.tmp"
			mv "$TDIR/$id.data/w$w/$step.tmp" "$TDIR/$id.data/w$w/$step"
		done
		for ((w = 1; w <= WORKERS; w++)); do
			poll 120 test -e "$TDIR/$id.data/w$w/$step.done" ||
				fail "generator $w of step $step not done: $(cat "$TDIR/$id.bundle/log")"
		done
		ns=0
		for ((w = 1; w <= WORKERS; w++)); do
			read -r _ ns_w <"$TDIR/$id.data/w$w/$step.done"
			[ "$ns_w" -le "$ns" ] || ns=$ns_w
		done
		gen=$((n * RECORDS[$action]))
		# until ward wrote everything it will (the rows stay put for 0.5 s), then until the
		# equation holds: the metrics page is published once a second
		prev=-1
		for ((i = 0; i < 60; i++)); do
			rows=$(grep -c '"tracker":"' "$TDIR/rows.json" || true)
			[ "$rows" = "$prev" ] && break
			prev=$rows
			sleep 0.5
		done
		for ((i = 0; i < 10; i++)); do
			sleep 0.5
			counts
			got=$((rows - rows0 + dropped - drop0))
			[ "$got" -ne "$gen" ] || break
		done
		t1=$(cpu_ticks "$pid") w1=$(date +%s%N)
		rows=$((rows - rows0)) dropped=$((dropped - drop0))
		[ "$got" -eq "$gen" ] ||
			fail "$action step $step: $gen records generated, $rows received + $dropped reported dropped = $got: the drop accounting is not exact"
		rec_s=$((gen * 1000000000 / ns))
		core=$(echo "scale=3; ($t1 - $t0) / $HZ / (($w1 - $w0) / 1000000000)" | bc)
		per_s=-
		[ "$t1" -le "$t0" ] || per_s=$((rows * HZ / (t1 - t0)))
		printf '  %-7s %-5s %6s actions/s asked, %6d done, %6d records/s: %6d generated = %6d received + %5d dropped; ward %.2f core, %s records per ward CPU second\n' \
			"$action" "$([ "$capped" = 0 ] && echo free || echo "$capped")" "$rate" \
			$((n * 1000000000 / ns)) "$rec_s" "$gen" "$rows" "$dropped" "$core" "$per_s"
		if [ "$dropped" -eq 0 ] && [ "$lossless" = yes ]; then
			[ "$per_s" = - ] || per_core+="$per_s "
			[ "$rec_s" -le "$best" ] || best=$rec_s best_core=$core
		else
			lossless=no
		fi
	done
	ward_stop w
	runc delete -f "$id" >/dev/null 2>&1
}

HZ=$(getconf CLK_TCK)
echo "bench capacity: $WORKERS generators in a runc container, $STEP_S s per step; ward free, then held to a share of a core"
for action in $ACTIONS; do
	# shellcheck disable=SC2086 # the steps are words
	sweep "$action" 0 ${FREE[$action]}
	read -r pmed pmin pmax < <(stats "$per_core")
	printf 'capacity %-7s: 0 drops up to %d records/s (%s), ward using %.2f of a core; %.0f records per second of ward CPU (%.0f-%.0f, the steps without drops)\n' \
		"$action" "$best" "$([ "$lossless" = yes ] && echo "the generators' fastest" || echo "drops above")" \
		"$best_core" "$pmed" "$pmin" "$pmax"
	# shellcheck disable=SC2086
	sweep "$action" "${CAP[$action]}" ${CAPPED[$action]}
	[ "$lossless" = no ] ||
		fail "$action: ward held to ${CAP[$action]} of a core dropped nothing up to ${CAPPED[$action]##* } actions/s (raise the steps)"
	printf 'capacity %-7s: held to %s of a core: 0 drops up to %d records/s; above, drops, every one counted (generated = received + dropped)\n' \
		"$action" "${CAP[$action]}" "$best"
done
