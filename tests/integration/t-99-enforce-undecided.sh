#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Fail closed without BPF-LSM (the host kernel): a binary and a file 300 directories deep
# (more components than the kernel's dentry walk takes, PATH_MAX_DEPTH) cannot be decided.
# Under an enforce policy governing exec and file access that refuses them (killed, alert
# `undecided: "path"`, rule `default`), counted as undecided drops, while the same binary and
# file at a shallow path, which no rule names, are allowed; under an audit policy the same
# actions happen and are alerted. Paths longer than the rules' 255 bytes but within the walk's
# bounds are decided by their directory prefixes: a 600-byte path under a blocked directory is
# refused by its rule.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
pol=$TDIR/policy.yaml
write_policy() { # MODE
	policy_write "$pol" it-undecided "$1" "exec: allow, file: allow" "$A" <<YAML
    - name: no-drop-dir
      exec: {dirs: [/data/drop/]}
      action: block
YAML
}

ctr_start "$A"
deep=/data/$(printf 'd/%.0s' $(seq 300))
long=/data/drop/$(printf '%0100d/' 1 2 3 4 5 6)
ctr_exec "$A" sh -c "mkdir -p $deep $long && cp /bin/busybox $deep/echo && cp /bin/busybox /data/echo &&
	cp /bin/busybox $long/echo && echo deep >$deep/file && echo shallow >/data/file" ||
	fail "preparing the paths in $A"
[ ${#long} -gt 600 ] || fail "the long path is ${#long} bytes"

write_policy enforce
server_start "$pol"
run() { ctr_exec "$A" sh -c "cd $(dirname "$1") && $2; echo rc=\$?" 2>/dev/null; }

alert='.tracker == "alert" and .undecided == "path"'
wait_event w 30 "$alert"' and .op == "exec"' -- run "$deep/echo" "./echo x"
ev=$(first_event "$out" "$alert"' and .op == "exec"')
assert_event "undecidable exec: killed, rule default, object unknown" "$ev" \
	'.action == "block" and .level == "sigkill" and .rule == "default" and
	 .policy == "it-undecided" and .object == "<unknown>"'
got=$(run "$deep/echo" "./echo ran")
[ "$got" = "rc=137" ] || fail "enforce: the binary 300 directories deep ran: $got"
echo "ok: an exec that cannot be decided is killed"
got=$(run "$deep/file" "cat file")
[ "$got" = "rc=137" ] || fail "enforce: the file 300 directories deep was read: $got"
wait_event w 10 "$alert"' and .op == "open"'
echo "ok: an open that cannot be decided is killed"
got=$(run /data/echo "./echo ran; cat file")
[ "$got" = "ran
shallow
rc=0" ] || fail "enforce: the shallow binary and file were refused: $got"
echo "ok: the same binary and file at a shallow path are allowed"
got=$(run "$long/echo" "./echo ran")
[ "$got" = "rc=137" ] || fail "enforce: the binary ${#long} bytes deep in /data/drop ran: $got"
wait_event w 10 '.tracker == "alert" and .rule == "no-drop-dir" and (.object | startswith("/data/drop/"))'
echo "ok: a path longer than any rule is decided by its directory (${#long} bytes)"
st=$("$WARD" status -o json) || fail "ward status failed"
assert_event "ward status counts undecided drops" "$st" '.drops.undecided >= 2'

write_policy audit
kill -HUP "${WARD_PID[w]}"
wait_event w 20 '.tracker == "alert" and .mode == "audit" and .undecided == "path"' -- \
	run "$deep/echo" "./echo x"
got=$(run "$deep/echo" "./echo ran")
[ "$got" = "ran
rc=0" ] || fail "audit: the binary 300 directories deep did not run: $got"
echo "ok: audit mode lets it run and alerts"
ward_stop w
check_alert_schema "$out"
echo "PASS"
