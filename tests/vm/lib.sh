# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
#
# Helpers for the VM tests (busybox sh in the guest). A test sources this first:
#   . /vm/lib.sh
# and exits 0 to pass; vm_fail and vm_skip end it with a reason for the result line.
# From /init: VM_TEST (test name), VM_TMP (empty scratch directory), VM_REASON_FILE.

# shellcheck disable=SC2034 # for the tests
WARD=/ward

vm_log() { echo "# $*"; }

vm_fail() {
	echo "FAIL: $*"
	echo "$*" >"$VM_REASON_FILE"
	exit 1
}

# Only when a capability is really absent; the reason shows on the host.
vm_skip() {
	echo "SKIP: $*"
	echo "$*" >"$VM_REASON_FILE"
	exit 77
}

# Run a command (shown on stderr); fail the test if it exits non-zero.
vm_run() {
	echo "+ $*" >&2
	"$@" || vm_fail "exit status $?: $*"
}

vm_assert_eq() { # ACTUAL EXPECTED WHAT
	[ "$1" = "$2" ] || vm_fail "$3: got '$1', want '$2'"
	echo "ok: $3 = '$2'"
}

# Retry CMD... every 0.2 s until it succeeds (output discarded); fail after SECS seconds.
vm_wait_for() { # SECS WHAT CMD...
	_vm_end=$(($(date +%s) + $1))
	_vm_what=$2
	shift 2
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$_vm_end" ] || vm_fail "timed out waiting for $_vm_what"
		sleep 0.2
	done
	echo "ok: $_vm_what"
}

# A random lower-case hex string, to make names and argv unique to this run.
vm_token() { od -An -N8 -tx1 /dev/urandom | tr -d ' \n'; }

# A detached runc container ID from the bundle directory $VM_TMP/ID (its rootfs/ prepared by
# the caller) running busybox sleep, rootfs writable, with runc's default spec changed by the
# optional jq FILTER (capabilities, namespaces). --no-pivot: the initramfs root cannot be
# pivot_root'ed away from.
vm_runc_sleeper() { # ID [FILTER]
	_vm_b=$VM_TMP/$1
	vm_run runc spec --bundle "$_vm_b"
	jq '.process.terminal = false | .process.args = ["/bin/busybox", "sleep", "1000"] |
		.root.readonly = false | '"${2:-.}" "$_vm_b/config.json" >"$_vm_b/c.json" &&
		mv "$_vm_b/c.json" "$_vm_b/config.json" || vm_fail "editing $_vm_b/config.json"
	runc run -d --no-pivot --bundle "$_vm_b" "$1" >"$_vm_b/log" 2>&1 </dev/null ||
		vm_fail "runc run $1: $(cat "$_vm_b/log")"
}

# Common state of the enforcement tests: containers $A and (with a second
# prefix) $B named after a fresh $token, ward's $out and $err, the policy
# file $pol and $ward_pid. At exit: ward killed, $vm_cleanup_hook run (a
# command string, for what a test adds), containers and pins removed, and on
# failure ward's stderr and its last alerts shown.
vm_enforce_setup() { # PREFIX_A [PREFIX_B]
	token=$(vm_token)
	A=$1-$token
	B=${2:+$2-$token}
	out=$VM_TMP/ward.out
	err=$VM_TMP/ward.err
	pol=$VM_TMP/policy.yaml
	ward_pid=
	vm_cleanup_hook=
	trap vm_enforce_cleanup EXIT
}

# The servers here run with --no-aggregate: the tests count the alerts of each action
# (aggregation is tested on the host, tests/integration/t-85-aggregate.sh).
# The alerts in ward's output ($out) that the jq FILTER selects, one per line; whether any.
alerts() { grep '"tracker":"alert"' "$out" | jq -c "select($1)"; }
has_alert() { [ -n "$(alerts "$1" | head -n 1)" ]; }

# vm_ward_server [TARGETS]: `ward server` with the policy $pol in the background ($ward_pid;
# stdout $out, stderr $err); returns once generation 1 is in force and, with TARGETS, once
# that many containers are targeted.
vm_ward_server() {
	"$WARD" server -o json --no-aggregate --policy "$pol" >"$out" 2>"$err" &
	ward_pid=$!
	vm_wait_for 60 "policy in force" grep -q "generation 1 in force" "$err"
	[ -z "${1:-}" ] || vm_wait_for 30 "$1 containers targeted" sh -c \
		"'$WARD' status -o json | jq -e '.containers | length == $1' >/dev/null"
}

vm_enforce_cleanup() {
	rc=$?
	[ -n "$ward_pid" ] && kill -KILL "$ward_pid" 2>/dev/null && wait "$ward_pid" 2>/dev/null
	[ -n "$vm_cleanup_hook" ] && eval "$vm_cleanup_hook"
	runc delete --force "$A" 2>/dev/null
	[ -n "$B" ] && runc delete --force "$B" 2>/dev/null
	rm -rf /sys/fs/bpf/ward
	if [ "$rc" -ne 0 ]; then
		echo "--- ward stderr ---"
		cat "$err" 2>/dev/null
		echo "--- alerts ---"
		grep '"tracker":"alert"' "$out" 2>/dev/null | tail -n 30
	fi
}

# A busybox root file system in DIR as busybox installs itself: /bin/busybox and, for every
# applet, a symlink to it at busybox's own path for the applet (/bin/sh, /usr/bin/nc,
# /usr/sbin/httpd, /sbin/insmod, ...), plus the usual empty directories.
vm_busybox_rootfs() { # DIR
	mkdir -p "$1/bin" "$1/etc" "$1/root" "$1/tmp" "$1/var/tmp" "$1/var/log" "$1/var/run" \
		"$1/dev" "$1/proc" "$1/sys" || vm_fail "creating $1"
	cp /bin/busybox "$1/bin/busybox" || vm_fail "copying busybox into $1"
	for _vm_a in $(/bin/busybox --list-full); do
		[ -e "$1/$_vm_a" ] || [ -L "$1/$_vm_a" ] && continue
		# (linuxrc has no directory)
		if ! mkdir -p "$(dirname "$1/$_vm_a")" || ! ln -s /bin/busybox "$1/$_vm_a"; then
			vm_fail "linking applet $_vm_a in $1"
		fi
	done
}

# `ward server -o json` without --policy: the embedded default pack (policies/) in audit mode,
# in the background ($ward_pid; stdout $out, stderr $err, as vm_enforce_setup names them);
# returns once generation 1 is in force.
vm_ward_default_pack() {
	# One server at a time (/run/ward/server.lock): an earlier test's may still be exiting.
	vm_wait_for 30 "no other ward process" sh -c '! pidof ward'
	"$WARD" server -o json --no-aggregate >"$out" 2>"$err" &
	ward_pid=$!
	vm_wait_for 60 "the default pack in force, audit only" grep -q \
		"generation 1 in force from the embedded default pack (audit only" "$err"
}
