#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# From audit to enforce on one runc container (examples/enforce/README.md).
#
#   sudo examples/enforce/walkthrough.sh
#
# 1. builds a busybox rootfs and starts a runc container, ward-demo;
# 2. runs `ward server --policy policy.yaml` (audit mode) and triggers both
#    rules: netcat runs, the connection is attempted, ward alerts;
# 3. prints `ward status` (counters: the would-blocks of the staging run);
# 4. edits the policy to `mode: enforce` and sends ward SIGHUP;
# 5. triggers the same actions again: they are blocked, ward alerts.
# Then it stops ward (which removes what it put in the kernel) and the
# container. It exits non-zero if any step does not turn out as described.
#
# Environment: WARD (default: build/ward of this tree, else `ward` in PATH),
# WARD_DEMO_ID (container id, default ward-demo; the policy selects ward-demo*),
# WARD_DEMO_DIR (work directory, kept when given; default a temporary one).
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
WARD=${WARD:-$here/../../build/ward}
[ -x "$WARD" ] || WARD=$(command -v ward) || { echo "no ward binary: run make" >&2; exit 1; }
id=${WARD_DEMO_ID:-ward-demo}
port=7777 # the port the policy's no-demo-port rule names

step() { printf '\n==> %s\n' "$*"; }
die() {
	echo "walkthrough: FAILED: $*" >&2
	[ -f "${work:-}/ward.log" ] && { echo "--- ward's messages:" >&2; cat "$work/ward.log" >&2; }
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "run as root (runc containers and BPF programs need it)"
for tool in runc jq busybox; do
	command -v "$tool" >/dev/null || die "$tool is not installed (make deps)"
done
ldd "$(command -v busybox)" >/dev/null 2>&1 && die "busybox must be static (busybox-static)"

if [ -n "${WARD_DEMO_DIR:-}" ]; then
	work=$WARD_DEMO_DIR
	mkdir -p "$work" || die "mkdir $work"
	keep=1
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/ward-demo.XXXXXX") || die "mktemp"
	keep=0
fi
ward_pid=

cleanup() {
	if [ -n "$ward_pid" ] && kill -0 "$ward_pid" 2>/dev/null; then
		kill -INT "$ward_pid"
		wait "$ward_pid"
	fi
	runc delete -f "$id" >/dev/null 2>&1
	[ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. a container ----------------------------------------------------------
step "1. a runc container, $id, from a busybox rootfs"
rootfs=$work/bundle/rootfs
rm -rf "$work/bundle"
mkdir -p "$rootfs"/{bin,usr/bin,proc,sys,dev,tmp,etc} || die "mkdir $rootfs"
cp "$(command -v busybox)" "$rootfs/bin/busybox" || die "copy busybox"
for applet in $("$rootfs/bin/busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
done
# Exec rules see the resolved file, and every applet resolves to
# /bin/busybox: the netcat the policy forbids is a file of its own.
cp "$rootfs/bin/busybox" "$rootfs/usr/bin/nc" || die "copy nc"
(cd "$work/bundle" && runc spec) || die "runc spec"
jq '.process.terminal = false | .process.args = ["sleep", "3600"] | .root.readonly = true
    | .hostname = "ward-demo"' "$work/bundle/config.json" >"$work/bundle/config.tmp" &&
	mv "$work/bundle/config.tmp" "$work/bundle/config.json" || die "edit config.json"
runc delete -f "$id" >/dev/null 2>&1
runc run -d --bundle "$work/bundle" "$id" </dev/null >"$work/runc.log" 2>&1 ||
	die "runc run: $(cat "$work/runc.log")"
echo "runc list:"
runc list | grep -E "^(ID|$id) "

# The two actions the policy governs. run_nc prints the exit status and
# whether nc ran (busybox nc without arguments prints its usage and exits 1;
# 137 = killed by SIGKILL before it could print anything).
run_nc() {
	local out rc
	out=$(runc exec "$id" /usr/bin/nc </dev/null 2>&1)
	rc=$?
	grep -q "Usage: nc" <<<"$out" && echo "$rc ran" || echo "$rc did-not-run"
}
# (telnet, not nc: the no-netcat rule stops every program that runs as nc)
connect() {
	runc exec "$id" /bin/telnet 127.0.0.1 "$1" </dev/null 2>&1
}

# ---- 2. audit ---------------------------------------------------------------------
step "2. ward server --policy policy.yaml (mode: audit)"
cp "$here/policy.yaml" "$work/policy.yaml" || die "copy policy.yaml"
"$WARD" server -o json --policy "$work/policy.yaml" --unpin-on-exit \
	>"$work/events.jsonl" 2>"$work/ward.log" </dev/null &
ward_pid=$!
for ((i = 0; i < 100; i++)); do
	grep -q "policy generation 1 in force" "$work/ward.log" && break
	kill -0 "$ward_pid" 2>/dev/null || die "ward server exited"
	sleep 0.2
done
grep "policy generation 1 in force" "$work/ward.log" || die "ward did not put the policy in force"

# alerts FILTER: the alert lines of ward's output for which FILTER holds.
alerts() { jq -cR "fromjson? | select(.tracker == \"alert\" and ($1))" "$work/events.jsonl"; }
# await DESC FILTER CMD...: run CMD every half second until an alert matches.
await() {
	local desc=$1 filter=$2 i
	shift 2
	for ((i = 0; i < 60; i++)); do
		"$@" >/dev/null
		[ -n "$(alerts "$filter")" ] && break
		sleep 0.5
	done
	[ -n "$(alerts "$filter")" ] || die "no alert: $desc"
	alerts "$filter" | tail -n 1 | jq -r '"alert: \(.action) (mode \(.mode), level \(.level)), rule \(.rule): \(.message)"'
}

echo "run /usr/bin/nc in the container:"
await "nc in audit mode" '.rule == "no-netcat" and .mode == "audit"' run_nc
read -r rc ran < <(run_nc)
echo "nc exit status: $rc, $ran (audit mode only reports)"
[ "$ran" = ran ] || die "audit mode: nc should run, but it $ran (status $rc)"

echo "connect to 127.0.0.1:$port in the container:"
await "connect in audit mode" '.rule == "no-demo-port" and .mode == "audit"' connect $port
msg=$(connect $port)
echo "telnet says: $msg"
grep -q "Connection refused" <<<"$msg" || die "audit mode: expected 'Connection refused'"

# ---- 3. status -----------------------------------------------------------------
step "3. ward status: what audit mode would have blocked"
"$WARD" status || die "ward status failed"
"$WARD" status -o json | jq -e '[.counters[] | select(.policy == "demo") | .would_block] | add > 0' \
	>/dev/null || die "ward status shows no would-block for policy demo"

# ---- 4. enforce --------------------------------------------------------------------
step "4. switch to enforce: edit policy.yaml, then kill -HUP ward"
sed -i 's/^  mode: audit$/  mode: enforce/' "$work/policy.yaml"
grep -n "mode:" "$work/policy.yaml"
kill -HUP "$ward_pid"
for ((i = 0; i < 100; i++)); do
	grep -q "reload: policy generation 2 in force" "$work/ward.log" && break
	sleep 0.2
done
grep "reload: policy generation 2 in force" "$work/ward.log" || die "reload failed"

# ---- 5. the same actions, blocked -----------------------------------------------------
step "5. the same actions again"
echo "run /usr/bin/nc in the container:"
await "nc blocked" '.rule == "no-netcat" and .action == "block"' run_nc
read -r rc ran < <(run_nc)
level=$(alerts '.rule == "no-netcat" and .action == "block"' | tail -n 1 | jq -r .level)
[ "$ran" = did-not-run ] || die "enforce mode: nc still ran (status $rc)"
case $level in
sigkill) [ "$rc" = 137 ] || die "level sigkill, but nc's status is $rc, not 137" ;;
lsm) ;; # the exec failed with EPERM: runc exec reports the error
*) die "nc blocked at unexpected level $level" ;;
esac
echo "nc exit status: $rc, $ran (blocked at level $level)"

echo "connect to 127.0.0.1:$port in the container:"
await "connect blocked" '.rule == "no-demo-port" and .action == "block"' connect $port
msg=$(connect $port)
echo "telnet says: $msg"
grep -q "Operation not permitted" <<<"$msg" || die "enforce mode: expected EPERM"
msg=$(connect $((port + 1)))
echo "port $((port + 1)) is not in the policy; nc says: $msg"
grep -q "Connection refused" <<<"$msg" || die "port $((port + 1)) should be refused, not blocked"

step "ward status after the switch"
"$WARD" status || die "ward status failed"
"$WARD" status -o json | jq -e '.generation == 2 and
	([.counters[] | select(.policy == "demo") | .blocks] | add > 0)' >/dev/null ||
	die "ward status shows no blocks for policy demo in generation 2"

kill -INT "$ward_pid"
wait "$ward_pid"
ward_pid=
echo
echo "walkthrough: OK (ward stopped; --unpin-on-exit removed the policy from the kernel)"
