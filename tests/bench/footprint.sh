#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Footprint (issue 16, item 3), of `ward server` with its default pack (audit only):
#   size   the static binary (make static, which make bench does; target <= 4 MiB)
#   start  the time from its start to "policy generation 1 in force" (polled every 10 ms),
#          median and range of STARTS starts
#   idle   the first start then idles IDLE_S seconds: its CPU time (user + system, from
#          /proc/PID/stat) over the whole time and per 10 s window (median and range;
#          target < 0.5 % of a core), VmRSS each window (target <= 30 MB) and VmHWM (the
#          peak since it started) from /proc/PID/status
# Under the nginx load: tests/bench/nginx.sh prints ward's CPU and RSS in its ward modes.
#
#   tests/bench/footprint.sh     (root; run by `make bench`; alone: make bench BENCH=footprint)
# Environment: BUILD, WARD, WARD_BENCH_IDLE_S (default 60), WARD_BENCH_STARTS (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh
BUILD=${BUILD:-build}
IDLE_S=${WARD_BENCH_IDLE_S:-60}
STARTS=${WARD_BENCH_STARTS:-5}
WINDOW_S=10
HZ=$(getconf CLK_TCK)

[ -f "$BUILD/static/ward" ] || { echo "bench footprint: $BUILD/static/ward missing (make bench)" >&2; exit 1; }
size=$(stat -c %s "$BUILD/static/ward")
printf 'static ward: %d bytes (%.2f MiB), limit 4 MiB: %s\n' "$size" \
	"$(echo "$size / 1048576" | bc -l)" "$([ "$size" -le 4194304 ] && echo ok || echo OVER)"

wardit_setup
starts= windows= rss=
for ((s = 1; s <= STARTS; s++)); do
	t0=$(date +%s%N)
	ward_start w server -o json --output /dev/null >>"$TDIR/ward.log"
	until grep -q "policy generation 1 in force" "$TDIR/w.err"; do
		ward_alive w || fail "ward server exited: $(cat "$TDIR/w.err")"
		[ $(($(date +%s%N) - t0)) -lt 30000000000 ] || fail "no policy in force after 30 s"
		sleep 0.01
	done
	starts+="$(echo "($(date +%s%N) - $t0) / 1000000000" | bc -l) "
	if [ "$s" = 1 ]; then
		pid=${WARD_PID[w]}
		first=$(cpu_ticks "$pid")
		for ((i = 0; i < IDLE_S / WINDOW_S; i++)); do
			t=$(cpu_ticks "$pid")
			sleep "$WINDOW_S"
			windows+="$(echo "($(cpu_ticks "$pid") - $t) * 100 / $HZ / $WINDOW_S" | bc -l) "
			rss+="$(mem_kb "$pid" VmRSS) "
		done
		total=$(echo "($(cpu_ticks "$pid") - $first) * 100 / $HZ / ($i * $WINDOW_S)" | bc -l)
		hwm=$(mem_kb "$pid" VmHWM)
	fi
	ward_stop w >>"$TDIR/ward.log"
done
read -r smed smin smax < <(stats "$starts")
read -r wmed wmin wmax < <(stats "$windows")
read -r rmed rmin rmax < <(stats "$rss")
printf 'footprint: start, default pack in force after %.2f s (%.2f-%.2f, %d starts; target <= 3 s)\n' \
	"$smed" "$smin" "$smax" "$STARTS"
printf 'footprint: idle %d s, CPU %.3f %% of a core (per %d s: %.2f %%, %.2f-%.2f; target < 0.5 %%): %s\n' \
	"$((IDLE_S / WINDOW_S * WINDOW_S))" "$total" "$WINDOW_S" "$wmed" "$wmin" "$wmax" \
	"$([ "$(echo "$total < 0.5" | bc)" = 1 ] && echo met || echo "NOT MET")"
printf 'footprint: idle RSS %.1f MiB (%.1f-%.1f), peak (VmHWM) %.1f MiB; target <= 30 MiB: %s\n' \
	"$(echo "$rmed / 1024" | bc -l)" "$(echo "$rmin / 1024" | bc -l)" "$(echo "$rmax / 1024" | bc -l)" \
	"$(echo "$hwm / 1024" | bc -l)" "$([ "$hwm" -le $((30 * 1024)) ] && echo met || echo "NOT MET")"
