#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Truncation without BPF-LSM (the host kernel): a rule on `access: [truncate]` for a log
# directory reports truncate(2) of a log (audit mode: the truncation happens, an alert with
# access "truncate,write"), and so does an O_TRUNC open of it (`: >log`: the open is
# decided after it returned, the truncation read from the syscall's flags argument), while
# appending to the same log, a write, and creating a new log with O_TRUNC raise nothing.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
pol=$TDIR/policy.yaml
policy_write "$pol" it-truncate audit "file: allow" "$A" <<YAML
    - name: log-truncation
      file: {dirs: [/data/log/], access: [truncate]}
      action: block
YAML
ctr_start "$A"
ctr_exec "$A" sh -c "mkdir -p /data/log && echo line >/data/log/app.log" || fail "preparing /data/log"
server_start "$pol"
ward_in_force w

alert='.tracker == "alert" and .rule == "log-truncation"'
ctr_exec "$A" sh -c "echo more >>/data/log/app.log" || fail "append"
wait_event w 30 "$alert" -- ctr_exec "$A" truncate -s 0 /data/log/app.log
ev=$(first_event "$out" "$alert")
assert_event "truncation alert" "$ev" \
	'.object == "/data/log/app.log" and (.access | split(",") | index("truncate")) and
	 .mode == "audit" and .level == "none"'
assert_none "the append raised no alert" "$out" "$alert"' and (.access | split(",") | index("truncate") | not)'
[ "$(events "$out" "$alert" | jq -s 'map(.pid) | unique | length')" -ge 1 ] || fail "no alert"
echo "ok: truncate(2) of a log is reported, an append is not"

ctr_exec "$A" sh -c "echo new >/data/log/new.log" || fail "creating new.log"
wait_event w 30 "$alert"' and .object == "/data/log/app.log" and .comm == "sh"' -- \
	ctr_exec "$A" sh -c ": >/data/log/app.log"
echo "ok: an O_TRUNC open of a log is reported"
sleep 1 # an alert for new.log would be on its way through the ring buffer by now
assert_none "creating a log with O_TRUNC is no truncation" "$out" "$alert"' and .object == "/data/log/new.log"'
ward_stop w
check_alert_schema "$out"
echo "PASS"
