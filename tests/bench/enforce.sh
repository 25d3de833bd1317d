#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Enforcement hooks: average run time per call of the enforcement programs
# that run on this kernel, from the kernel's own BPF statistics
# (kernel.bpf_stats_enabled=1: run_time_ns and run_cnt of `bpftool prog show`),
# with a policy of 10 rules and one of 10,000 rules, on a fixed workload in a
# runc container, each part one process in a loop (tests/bench/bench_loop.c):
# N fork+execs (the sched_prepare_exec fallback, sched_process_exec before 6.10, or
# bprm_check_security with BPF-LSM), N TCP connects (cgroup/connect4, or socket_connect) and N file
# opens (tp_btf/sys_exit, which runs on every syscall's exit, or file_open);
# then the same with empty programs on the same hooks (tests/bench/empty_hooks), and, on
# the sched_prepare_exec fallback, the floor of an exec decision by path (the cgroup, the
# live slot, the binary's dentry walk and one lookup of its path: tests/bench/empty.bpf.c).
# The workload matches no rule, so every event does the full lookup. Fails when the
# cost per call grows with the rule count (a linear scan): more than
# FLAT_RATIO x the 10-rule figure plus FLAT_SLACK_NS.
#
#   tests/bench/enforce.sh          (root; run by `make bench`, on the host and in the BPF-LSM
#                                    VM: tests/vm/bench/10-enforce-hooks.sh)
# Environment: BUILD (default build), WARD (default $BUILD/ward), EMPTY_HOOKS, BENCH_LOOP
# (default $BUILD/static/...), WARD_BENCH_ENF_N (default 2000), WARD_BENCH_ENF_START_S (default 30), WARD_BENCH_NO_PIVOT, WARD_BENCH_FLAT_RATIO
# (default 1.5).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
WARD=${WARD:-$BUILD/ward}
EMPTY_HOOKS=${EMPTY_HOOKS:-$BUILD/static/empty_hooks}
BENCH_LOOP=${BENCH_LOOP:-$BUILD/static/bench_loop}
N=${WARD_BENCH_ENF_N:-2000}
START_S=${WARD_BENCH_ENF_START_S:-30} # for ward to put the policy in force
FLAT_RATIO=${WARD_BENCH_FLAT_RATIO:-1.5}
FLAT_SLACK_NS=150
PORT=7777 # nothing listens there: each connect is refused at once

[ "$(id -u)" -eq 0 ] || { echo "bench enforce: needs root" >&2; exit 1; }
for tool in runc jq bpftool busybox bc; do
	command -v "$tool" >/dev/null || { echo "bench enforce: $tool missing (make deps)" >&2; exit 1; }
done
[ -x "$WARD" ] || { echo "bench enforce: $WARD missing (make build)" >&2; exit 1; }
[ -x "$EMPTY_HOOKS" ] || { echo "bench enforce: $EMPTY_HOOKS missing (make bench)" >&2; exit 1; }
[ -x "$BENCH_LOOP" ] || { echo "bench enforce: $BENCH_LOOP missing (make bench)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ward-bench-enf.XXXXXX")
id=ward-bench-$$
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
ward_pid=
empty_pid=
cleanup() {
	if [ -n "$ward_pid" ] && kill -0 "$ward_pid" 2>/dev/null; then
		kill -INT "$ward_pid"
		wait "$ward_pid" || true
	fi
	[ -n "$empty_pid" ] && kill -INT "$empty_pid" 2>/dev/null
	runc delete -f "$id" >/dev/null 2>&1 || true
	sysctl -q -w kernel.bpf_stats_enabled="$old_stats"
	rm -rf "$work"
}
trap cleanup EXIT

# policy FILE N: one policy for the bench container with N rules that the
# workload never matches: exact exec paths, IPv4 networks (same port set) and
# exact file paths.
policy() {
	local i
	{
		printf 'apiVersion: ward.dev/v1\nkind: Policy\nmetadata: {name: bench}\nspec:\n'
		printf '  selector: {containers: ["%s"]}\n  mode: enforce\n' "$id"
		printf '  defaults: {exec: allow, network: allow, file: allow}\n  rules:\n'
		for ((i = 0; i < $2; i++)); do
			if ((i % 3 == 0)); then
				printf '    - name: exec-%d\n      exec: {paths: [/opt/bench/%d/tool]}\n' \
					"$i" "$i"
			elif ((i % 3 == 1)); then
				printf '    - name: file-%d\n      file: {paths: [/opt/bench/%d/file], access: [read]}\n' \
					"$i" "$i"
			else
				printf '    - name: net-%d\n      network: {connect: {cidrs: [10.%d.%d.0/24], ports: [443]}}\n' \
					"$i" $((i >> 8 & 255)) $((i & 255))
			fi
			printf '      action: block\n'
		done
	} >"$1"
}

rootfs=$work/bundle/rootfs
mkdir -p "$rootfs"/{bin,proc,sys,dev,tmp,etc}
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for a in $("$rootfs/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$rootfs/bin/$a"
done
echo bench >"$rootfs/etc/bench"
cp "$BENCH_LOOP" "$rootfs/bin/bench_loop"
(cd "$work/bundle" && runc spec)
jq '.process.terminal = false | .process.args = ["sleep", "3600"] | .root.readonly = true' \
	"$work/bundle/config.json" >"$work/config.tmp" && mv "$work/config.tmp" "$work/bundle/config.json"
# WARD_BENCH_NO_PIVOT=1: in an initramfs (the VM), whose root cannot be pivot_root'ed away
runc run -d ${WARD_BENCH_NO_PIVOT:+--no-pivot} --bundle "$work/bundle" "$id" </dev/null \
	>"$work/runc.log" 2>&1 ||
	{ cat "$work/runc.log" >&2; exit 1; }

# prog_stats ID: "run_time_ns run_cnt" of one program.
prog_stats() {
	bpftool prog show id "$1" -j | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"'
}

# The enforcement program of one hook that this ward process loaded (its BPF
# program fds show in /proc/PID/fdinfo; bpftool names programs by their BTF
# name): the BPF-LSM hook if loaded, else the fallback. Prints "ID HOOK".
hook_prog() { # LSM-NAME LSM-HOOK FALLBACK-NAME FALLBACK-HOOK
	local ids
	ids=$(cat "/proc/$ward_pid/fdinfo/"* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' |
		sort -un | jq -sc .)
	bpftool prog show -j | jq -r --argjson ids "$ids" --arg l "$1" --arg lh "$2" \
		--arg f "$3" --arg fh "$4" '
		[.[] | select(.id as $i | $ids | index($i)) | select(.name == $l or .name == $f)
		 | {id, hook: (if .name == $l then $lh else $fh end)}]
		| sort_by(.hook != $lh) | first // empty | "\(.id) \(.hook)"'
}

# measure RULES: prints "EXEC_NS CONNECT_NS OPEN_NS EXEC_RUNS CONNECT_RUNS OPEN_RUNS
# EXEC_HOOK CONNECT_HOOK OPEN_HOOK PER_OPEN_NS MAP_PER_EXEC_NS" (the last: with BPF-LSM, the
# run time of lsm/mmap_file during the exec loop per exec, every executable mapping an exec
# makes; 0 without it). The open hook's figures are
# per run (with tp_btf/sys_exit: every syscall exit on the machine during the
# open loop; with the open syscalls' own exits, every open on the machine) and per open
# (all its run time in that loop / N).
measure() {
	local rules=$1 pol=$work/policy-$1.yaml i e c o de dc dof den dcn dofn
	policy "$pol" "$rules"
	: >"$work/ward-$rules.log"
	# YAML, compiled by ward itself (librulesc): no rulesc binary needed in the VM
	"$WARD" server --policy "$pol" --unpin-on-exit -o json --output /dev/null \
		2>"$work/ward-$rules.log" </dev/null &
	ward_pid=$!
	for ((i = 0; i < START_S * 5; i++)); do
		grep -q "policy generation 1 in force" "$work/ward-$rules.log" && break
		kill -0 "$ward_pid" 2>/dev/null || { cat "$work/ward-$rules.log" >&2; exit 1; }
		sleep 0.2
	done
	grep -q "policy generation 1 in force.*, 1 containers targeted" "$work/ward-$rules.log" ||
		{ echo "bench enforce: the container is not targeted" >&2; cat "$work/ward-$rules.log" >&2; exit 1; }
	read -r e ehook < <(hook_prog ward_bprm_check lsm/bprm_check_security ward_tp_prepare \
		tp_btf/sched_prepare_exec) || true
	[ -n "${e:-}" ] || read -r e ehook < <(hook_prog - - ward_tp_exec \
		tp/sched/sched_process_exec) || true
	read -r c chook < <(hook_prog ward_sock_connect lsm/socket_connect ward_cg_connect4 \
		cgroup/connect4) || true
	read -r o ohook < <(hook_prog ward_file_open lsm/file_open ward_tp_file \
		tp_btf/sys_exit) || true
	[ -n "${o:-}" ] || read -r o ohook < <(hook_prog - - ward_tp_file_nr \
		syscalls/sys_exit_openat) || true
	[ -n "${e:-}" ] && [ -n "${c:-}" ] && [ -n "${o:-}" ] ||
		{ echo "bench enforce: enforcement programs of ward[$ward_pid] not all found" \
			"(exec: ${e:-none}, connect: ${c:-none}, open: ${o:-none})" >&2; exit 1; }
	read -r m _ < <(hook_prog ward_mmap_file lsm/mmap_file - -) || true
	read -r de dc dof den dcn dofn dm < <(workload "$e" "$c" "$o" "${m:-}")
	kill -INT "$ward_pid"
	wait "$ward_pid" || true
	ward_pid=
	echo "$((de / den)) $((dc / dcn)) $((dof / dofn)) $den $dcn $dofn $ehook $chook $ohook" \
		"$((dof / N)) $((dm / N))"
}

# workload EXEC_ID CONNECT_ID OPEN_ID [MAP_ID]: the fixed workload in the container; prints the
# run time and run count each program spent on it: "EXEC_NS CONNECT_NS OPEN_NS EXEC_RUNS
# CONNECT_RUNS OPEN_RUNS MAP_NS" (totals; MAP_NS: MAP_ID's during the exec loop, 0 without).
workload() {
	local e0 ec0 e1 ec1 c0 cc0 c1 cc1 o0 oc0 o1 oc1 m0=0 m1=0 mc
	read -r e0 ec0 < <(prog_stats "$1")
	read -r c0 cc0 < <(prog_stats "$2")
	[ -z "${4:-}" ] || read -r m0 mc < <(prog_stats "$4")
	runc exec "$id" /bin/bench_loop exec /bin/true "$N"
	[ -z "${4:-}" ] || read -r m1 mc < <(prog_stats "$4")
	runc exec "$id" /bin/bench_loop connect 127.0.0.1 "$PORT" "$N"
	read -r o0 oc0 < <(prog_stats "$3") # sys_exit runs for every syscall: only the open loop
	runc exec "$id" /bin/bench_loop open /etc/bench "$N"
	read -r e1 ec1 < <(prog_stats "$1")
	read -r c1 cc1 < <(prog_stats "$2")
	read -r o1 oc1 < <(prog_stats "$3")
	[ $((ec1 - ec0)) -gt 0 ] && [ $((cc1 - cc0)) -gt 0 ] && [ $((oc1 - oc0)) -gt 0 ] ||
		{ echo "bench enforce: the programs did not run" >&2; exit 1; }
	echo "$((e1 - e0)) $((c1 - c0)) $((o1 - o0)) $((ec1 - ec0)) $((cc1 - cc0)) $((oc1 - oc0))" \
		"$((m1 - m0))"
}

# measure_empty: the same workload with empty programs on the same hooks
# (tests/bench/empty_hooks, BPF-LSM where the kernel has it); prints "EXEC_NS CONNECT_NS
# OPEN_NS PER_OPEN_NS FLOOR_NS" per run (FLOOR_NS: the floor of an exec decision on
# tp_btf/sched_prepare_exec per exec, 0 where ward does not decide execs there).
measure_empty() {
	local pid cg ids de dc dof den dcn dofn dfl exec_empty open_empty floor=
	pid=$(runc state "$id" | jq -r .pid)
	cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	coproc EMPTY { exec "$EMPTY_HOOKS" "$cg"; }
	empty_pid=$EMPTY_PID
	ids=""
	while read -r name pid_or_ready <&"${EMPTY[0]}"; do
		[ "$name" = ready ] && break
		ids="$ids $name=$pid_or_ready"
	done
	pick() { # LSM-NAME FALLBACK-NAME
		local v
		for v in $ids; do [ "${v%%=*}" = "$1" ] && { echo "${v#*=}"; return; }; done
		for v in $ids; do [ "${v%%=*}" = "$2" ] && { echo "${v#*=}"; return; }; done
	}
	exec_empty=$(pick empty_bprm_check empty_tp_prepare)
	[ "$ehook" = tp/sched/sched_process_exec ] && exec_empty=$(pick - empty_tp_exec)
	open_empty=$(pick empty_file_open empty_tp_file)
	[ "$ohook" = syscalls/sys_exit_openat ] && open_empty=$(pick - empty_tp_file_nr)
	[ "$ehook" = tp_btf/sched_prepare_exec ] && floor=$(pick - floor_tp_prepare)
	read -r de dc dof den dcn dofn dfl < <(workload "$exec_empty" \
		"$(pick empty_sock_connect empty_cg_connect4)" "$open_empty" "$floor")
	kill -INT "$empty_pid"
	wait "$empty_pid" || true
	empty_pid=
	echo "$((de / den)) $((dc / dcn)) $((dof / dofn)) $((dof / N)) $((dfl / N))"
}

sysctl -q -w kernel.bpf_stats_enabled=1
# In this shell, not a subshell: cleanup must know ward's pid.
measure 10 >"$work/r10"
measure 10000 >"$work/r10k"
measure_empty >"$work/rempty"
read -r ee ce oe pe fe <"$work/rempty"
read -r e10 c10 o10 en10 cn10 on10 ehook chook ohook p10 m10 <"$work/r10"
read -r e10k c10k o10k en10k cn10k on10k _ _ _ p10k m10k <"$work/r10k"

verdict=flat
flat() { # SMALL LARGE
	[ "$(echo "$2 <= $1 * $FLAT_RATIO + $FLAT_SLACK_NS" | bc)" = 1 ]
}
printf 'enforcement hooks, %d execs, %d connects and %d opens in a loop in a runc container, ns per run (runs):\n' \
	"$N" "$N" "$N"
printf '  %-36s %10s %10s\n' hook "10 rules" "10k rules"
printf '  %-36s %7d ns %7d ns  (%d / %d runs)\n' "exec ($ehook)" "$e10" "$e10k" "$en10" "$en10k"
printf '  %-36s %7d ns %7d ns  (%d / %d runs)\n' "connect ($chook)" "$c10" "$c10k" "$cn10" "$cn10k"
printf '  %-36s %7d ns %7d ns  (%d / %d runs)\n' "open ($ohook)" "$o10" "$o10k" "$on10" "$on10k"
printf '  %-36s %7d ns %7d ns\n' "  per open (run time / $N)" "$p10" "$p10k"
[ "$m10" -eq 0 ] || printf '  %-36s %7d ns %7d ns\n' "mappings per exec (lsm/mmap_file)" "$m10" \
	"$m10k"
ratio() { # NS EMPTY_NS
	if [ "$2" -gt 0 ]; then echo "scale=1; $1 / $2" | bc; else echo "-"; fi
}
printf 'empty program on the same hook (the cost of any program there), ns per run:\n'
printf '  %-36s %7d ns  ward: %sx (10 rules), %sx (10k rules)\n' "exec" "$ee" \
	"$(ratio "$e10" "$ee")" "$(ratio "$e10k" "$ee")"
printf '  %-36s %7d ns  ward: %sx, %sx\n' "connect" "$ce" "$(ratio "$c10" "$ce")" \
	"$(ratio "$c10k" "$ce")"
printf '  %-36s %7d ns  ward: %sx, %sx\n' "open, per run" "$oe" "$(ratio "$o10" "$oe")" \
	"$(ratio "$o10k" "$oe")"
printf '  %-36s %7d ns  ward: %sx, %sx\n' "open, per open" "$pe" "$(ratio "$p10" "$pe")" \
	"$(ratio "$p10k" "$pe")"
[ "$fe" -eq 0 ] || printf '%s\n  %-36s %7d ns  ward: %sx, %sx\n' \
	"floor of an exec decision there (cgroup, slot, the binary's walk and one lookup), ns per exec:" \
	"exec" "$fe" "$(ratio "$e10" "$fe")" "$(ratio "$e10k" "$fe")"
flat "$e10" "$e10k" || verdict="NOT FLAT (exec)"
flat "$c10" "$c10k" || verdict="NOT FLAT (connect)"
flat "$p10" "$p10k" || verdict="NOT FLAT (open)"
echo "cost from 10 to 10,000 rules: $verdict (limit: ${FLAT_RATIO}x + ${FLAT_SLACK_NS} ns)"
[ "$verdict" = flat ]
