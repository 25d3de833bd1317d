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
