#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# File changes by name without BPF-LSM (the host kernel): the syscall's exit decides a successful
# unlink, rename, mkdir, chmod, ... from the name the caller passed, made absolute against its
# cwd as the container sees it. A readOnly rule on /data/ro/ in enforce mode: each change
# there kills the caller (137, level "sigkill") and the alert names the object and the
# access, also for a name relative to the cwd; the change itself happened (the weaker
# guarantee of docs/threat-model.md). A change elsewhere, container B (not selected) and the
# host are untouched.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
B=$(ctr_id b)
pol=$TDIR/policy.yaml
policy_write "$pol" it-change enforce "file: allow" "$A" <<YAML
    - name: ro
      file: {dirs: [/data/ro/], readOnly: true}
      action: block
YAML

ctr_start "$A"
ctr_start "$B"
for c in "$A" "$B"; do
	ctr_exec "$c" sh -c 'mkdir /data/ro && cd /data/ro && touch gone victim moveme /data/free' ||
		fail "files in $c"
done
server_start "$pol"

# run CTR CMD: "rc=N" of CMD in the container (137: killed)
run() { ctr_exec "$1" sh -c "$2; echo rc=\$?" 2>/dev/null | tail -n 1; }
wait_event w 30 '.tracker == "alert" and .object == "/data/ro/victim"' -- \
	run "$A" 'cd /data/ro && chmod 600 victim'
expect_killed() { # WHAT CMD OBJECT ACCESS
	local got ev
	got=$(run "$A" "$2")
	[ "$got" = rc=137 ] || fail "$1 in $A: got $got, want rc=137"
	wait_event w 10 '.tracker == "alert" and .object == $o and .access == $x' \
		--arg o "$3" --arg x "$4"
	ev=$(first_event "$(ward_out w)" '.tracker == "alert" and .object == $o and .access == $x' \
		--arg o "$3" --arg x "$4")
	assert_event "$1: killed, level sigkill, object $3, access $4" "$ev" \
		'.action == "block" and .level == "sigkill" and .rule == "ro" and .container.name == $a' \
		--arg a "$A"
}
expect_killed "chmod by a name relative to the cwd" 'cd /data/ro && chmod 644 victim' \
	/data/ro/victim chmod
expect_killed "unlink" 'rm /data/ro/gone' /data/ro/gone unlink
[ ! -e "$TDIR/$A.data/ro/gone" ] || fail "the unlink did not happen (it completes before the kill)"
expect_killed "mkdir" 'mkdir /data/ro/d' /data/ro/d create
expect_killed "rename" 'mv /data/ro/moveme /data/ro/moved' /data/ro/moveme rename
[ "$(run "$A" 'rm /data/free')" = rc=0 ] || fail "a change outside /data/ro/ failed in $A"
echo "ok: a change elsewhere proceeds"
for cmd in 'chmod 600 /data/ro/victim' 'rm /data/ro/gone' 'mkdir /data/ro/d' \
	'mv /data/ro/moveme /data/ro/moved'; do
	[ "$(run "$B" "$cmd")" = rc=0 ] || fail "$B is not selected but '$cmd' failed"
done
echo "ok: $B untouched"
chmod 600 "$TDIR/$A.data/ro/victim" || fail "host chmod"
assert_none "no alert for B or the host" "$out" \
	'.tracker == "alert" and (.container.host or .container.name == $b)' --arg b "$B"
ward_stop w
check_alert_schema "$out"
echo "PASS"
