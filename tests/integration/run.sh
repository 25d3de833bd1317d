#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Integration tests: real runc containers traced by build/ward (needs root).
# Runs every tests/integration/t-*.sh (or the ones named as arguments) in its
# own process with a timeout, prints PASS/FAIL/SKIP per test with the reason
# (and the log of a failed test) and records "PASSED FAILED SKIPPED" in
# $BUILD/test-results/integration for tests/summary.sh.
#
# Environment: BUILD (default build), WARD (default $BUILD/ward),
# WARDIT_TIMEOUT seconds per test (default 90), WARDIT_KEEP=1 keeps the
# scratch directory.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
results=$build/test-results
export WARD=${WARD:-$build/ward}
timeout_s=${WARDIT_TIMEOUT:-90}

if [ $# -gt 0 ]; then
	tests=()
	for t in "$@"; do
		tests+=("$here/$(basename "$t" .sh).sh")
	done
else
	tests=("$here"/t-*.sh)
fi
mkdir -p "$results"
rm -f "$results/integration.skipped"

finish() {
	echo "$1 $2 $3" >"$results/integration"
	echo "integration: $1 passed, $2 failed, $3 skipped"
	[ "$2" -eq 0 ]
	exit
}

# The whole suite is skipped, loudly, only when the machine cannot run it.
skip_all() {
	local t
	echo "integration: SKIPPING ALL ${#tests[@]} TESTS: $1"
	for t in "${tests[@]}"; do
		echo "$(basename "$t" .sh): $1" >>"$results/integration.skipped"
	done
	finish 0 0 "${#tests[@]}"
}

[ "$(id -u)" -eq 0 ] || skip_all "not root (runc containers and BPF need root)"
command -v runc >/dev/null || skip_all "runc not installed (make deps)"
command -v jq >/dev/null || skip_all "jq not installed (make deps)"
bb=$(command -v busybox) || skip_all "busybox not installed (make deps: busybox-static)"
ldd "$bb" >/dev/null 2>&1 && skip_all "$bb is dynamically linked (make deps: busybox-static)"
if [ ! -x "$WARD" ]; then
	echo "integration: $WARD missing (make build): every test fails"
	finish 0 "${#tests[@]}" 0
fi

. "$here/lib.sh"
export WARDIT_DIR WARDIT_RUN=$$
WARDIT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wardit.XXXXXX") || exit 1
# shellcheck disable=SC2064
[ "${WARDIT_KEEP:-0}" = 1 ] || trap "rm -rf '$WARDIT_DIR'" EXIT
wardit_build_rootfs "$WARDIT_DIR/rootfs" || skip_all "cannot build a rootfs from $bb"
wardit_make_spec "$WARDIT_DIR/spec.json" || skip_all "runc spec fails"
mkdir -p "$WARDIT_DIR/logs"

pass=0 failed=0 skipped=0 start=$SECONDS
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	log=$WARDIT_DIR/logs/$name.log
	t0=$SECONDS
	if [ ! -f "$t" ]; then
		echo "no such test: $t" >"$log"
		rc=1
	else
		# a test may need longer: "# wardit-timeout: SECONDS" in its header
		t_s=$(sed -n 's/^# wardit-timeout: \([0-9]\{1,\}\)$/\1/p' "$t")
		t_s=${t_s:-$timeout_s}
		timeout -k 5 "$t_s" bash "$t" >"$log" 2>&1
		rc=$?
	fi
	# Backstop: containers of this test that its own cleanup did not remove.
	for id in $(runc list -q 2>/dev/null | grep -F "wardit-$WARDIT_RUN-$name-"); do
		echo "leftover container $id removed" >>"$log"
		runc delete -f "$id" >/dev/null 2>&1
	done
	dt=$((SECONDS - t0))
	case $rc in
	0)
		pass=$((pass + 1))
		echo "PASS $name (${dt}s)"
		;;
	77)
		skipped=$((skipped + 1))
		reason=$(sed -n 's/^SKIP: //p' "$log" | tail -n 1)
		echo "SKIP $name: $reason"
		echo "$name: $reason" >>"$results/integration.skipped"
		;;
	*)
		failed=$((failed + 1))
		reason=$(sed -n 's/^FAIL: //p' "$log" | tail -n 1)
		[ $rc -eq 124 ] || [ $rc -eq 137 ] && reason="timed out after ${t_s}s"
		echo "FAIL $name (${dt}s, status $rc): ${reason:-no reason printed}"
		echo "----- log of $name -----"
		cat "$log"
		echo "----- end of $name -----"
		;;
	esac
done
echo "integration: took $((SECONDS - start))s"
finish $pass $failed $skipped
