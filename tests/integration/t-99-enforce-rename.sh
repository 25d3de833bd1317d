#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Renames of what rules name, without BPF-LSM (the host kernel): renaming a directory above a
# file a rule protects (/data/etc, above /data/etc/secret), or the file itself, is a change of
# that file: the renaming process is killed (status 137) and the alert names the rule, the
# path renamed and access "rename". Without BPF-LSM the rename itself has happened (changes are
# decided after the syscall: docs/threat-model.md). An unrelated rename is untouched.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
pol=$TDIR/policy.yaml
policy_write "$pol" it-rename enforce "file: allow" "$A" <<YAML
    - name: no-secret
      file: {paths: [/data/etc/secret], access: [read]}
      action: block
YAML
ctr_start "$A"
ctr_exec "$A" sh -c "mkdir -p /data/etc /data/other && echo s >/data/etc/secret && echo o >/data/other/f" ||
	fail "preparing /data in $A"
server_start "$pol"
ward_in_force w

mv_rc() { ctr_exec "$A" sh -c "mv $1 $2; echo rc=\$?" 2>/dev/null; }
alert='.tracker == "alert" and .access == "rename" and .object == "/data/etc"'
wait_event w 30 "$alert" -- mv_rc /data/etc /data/etc2
ev=$(first_event "$out" "$alert")
assert_event "rename alert: the protecting rule, killed" "$ev" \
	'.rule == "no-secret" and .action == "block" and .level == "sigkill"'
ctr_exec "$A" sh -c "[ -d /data/etc2 ] && mv /data/etc2 /data/etc" 2>/dev/null
[ "$(mv_rc /data/etc /data/etc3)" = "rc=137" ] || fail "the rename of /data/etc was not killed"
echo "ok: renaming the directory above a protected file kills the renamer"
[ "$(mv_rc /data/other/f /data/other/g)" = "rc=0" ] || fail "an unrelated rename was refused"
echo "ok: an unrelated rename works"
ward_stop w
check_alert_schema "$out"
echo "PASS"
