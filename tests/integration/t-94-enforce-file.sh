#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# File rules without BPF-LSM (the host kernel): opens are decided at the
# syscall's exit on the file the open returned. Audit mode lets the read
# happen and alerts with level "none"; after a SIGHUP reload into enforce mode
# the reading process is killed (status 137, level "sigkill"), also through a
# symlink (the alert names the resolved file); an open that creates a file is
# a create and is killed too, but the file exists (the open completed:
# docs/enforcement.md). Container B, not selected, and the host are
# untouched; the counters in `ward status` move. Every alert line validates
# against docs/alert.schema.json.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
B=$(ctr_id b)
r=$RANDOM
pol=$TDIR/policy.yaml
write_policy() { # MODE
	policy_write "$pol" it-file "$1" "file: allow" "$A" <<YAML
    - name: no-secret
      file: {paths: [/data/secret], access: [read]}
      action: block
      severity: high
    - name: no-drop
      file: {dirs: [/data/drop/], access: [create]}
      action: block
YAML
}

ctr_start "$A"
ctr_start "$B"
for c in "$A" "$B"; do
	ctr_exec "$c" sh -c "echo secret-$r >/data/secret && mkdir /data/drop" ||
		fail "writing /data/secret in $c"
done
ctr_exec "$A" ln -s /data/secret /tmp/link || fail "symlink in $A"
cga=$(ctr_cgroup_id "$A") || fail "cgroup id of $A"
write_policy audit
server_start "$pol"

# read_file CTR PATH: what cat printed and "rc=N"; a killed cat is 137 (the
# shell's "Killed" goes to stderr, dropped).
read_file() { ctr_exec "$1" sh -c "cat $2; echo rc=\$?" 2>/dev/null; }
alert='.tracker == "alert" and .op == "open" and .object == "/data/secret"'
wait_event w 30 "$alert"' and .container.name == $a' --arg a "$A" -- read_file "$A" /data/secret
ev=$(first_event "$out" "$alert")
assert_event "audit alert names rule, policy, access, mode, level" "$ev" \
	'.rule == "no-secret" and .policy == "it-file" and .action == "alert" and
	 .mode == "audit" and .level == "none" and .severity == "high" and
	 .access == "read" and .cgroup_id == $cg' --argjson cg "$cga"
got=$(read_file "$A" /data/secret)
[ "$got" = "secret-$r
rc=0" ] || fail "audit mode must let $A read /data/secret, got: $got"
echo "ok: audit mode lets the read happen"

write_policy enforce
kill -HUP "${WARD_PID[w]}"
wait_event w 20 "$alert"' and .action == "block"' -- read_file "$A" /data/secret
ev=$(first_event "$out" "$alert"' and .action == "block"')
assert_event "enforce alert: block at level sigkill" "$ev" \
	'.mode == "enforce" and .level == "sigkill" and .generation == 2 and .access == "read"'
got=$(read_file "$A" /data/secret)
[ "$got" = "rc=137" ] || fail "enforce mode: cat of /data/secret in $A not killed: $got"
echo "ok: enforce mode kills the reader in $A (137, nothing printed)"
got=$(read_file "$A" /tmp/link)
[ "$got" = "rc=137" ] || fail "enforce mode: cat through a symlink in $A not killed: $got"
echo "ok: through a symlink too"
assert_none "no alert names the symlink" "$out" '.tracker == "alert" and .object == "/tmp/link"'

got=$(ctr_exec "$A" sh -c "touch /data/drop/new-$r; echo rc=\$?" 2>/dev/null)
[ "$got" = "rc=137" ] || fail "enforce mode: touch of a new file in /data/drop not killed: $got"
[ -e "$TDIR/$A.data/drop/new-$r" ] || fail "the killed open did not create the file"
wait_event w 10 '.tracker == "alert" and .object == $o' --arg o "/data/drop/new-$r"
ev=$(first_event "$out" '.tracker == "alert" and .object == $o' --arg o "/data/drop/new-$r")
assert_event "create alert: block at level sigkill" "$ev" \
	'.rule == "no-drop" and .level == "sigkill" and (.access | split(",") | index("create"))'
echo "ok: an open that creates is killed, and the file exists (the open completed)"

got=$(read_file "$B" /data/secret)
[ "$got" = "secret-$r
rc=0" ] || fail "$B is not selected but its read failed: $got"
echo "ok: $B untouched"
got=$(cat "$TDIR/$A.data/secret") || fail "the host cannot read A's file"
[ "$got" = "secret-$r" ] || fail "host read of A's file: $got"
echo "ok: the host untouched"
assert_none "no alert for B or the host" "$out" \
	'.tracker == "alert" and (.container.host or .container.name == $b)' --arg b "$B"

st=$("$WARD" status -o json) || fail "ward status failed"
assert_event "ward status: generation, file level, target, counters" "$st" \
	'.generation == 2 and .enforcement.file == "sigkill" and
	 ([.containers[].cgroup_id] == [$cg]) and
	 any(.counters[]; .rule == "no-secret" and .policy == "it-file" and .blocks >= 2 and
	     .matches >= .blocks) and
	 any(.counters[]; .rule == "no-drop" and .blocks >= 1)' --argjson cg "$cga"
ward_stop w
got=$(read_file "$A" /data/secret)
[ "$got" = "secret-$r
rc=0" ] || fail "after --unpin-on-exit the read in $A still fails: $got"
echo "ok: --unpin-on-exit ends enforcement"
check_alert_schema "$out"
echo "PASS"
