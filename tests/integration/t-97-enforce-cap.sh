#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Capability rules without BPF-LSM: reported from the cap_capable tracepoint, never enforced.
# Container A (given CAP_CHOWN) chowns a file under an enforce-mode rule that blocks
# CAP_CHOWN: the chown succeeds and the alert says what happened (action "alert", level
# "none", mode enforce, the capability's number), never "block". Container B (same
# capabilities, not selected) raises nothing.
. "$(dirname "$0")/lib.sh"
wardit_setup

[ -e /sys/kernel/tracing/events/capability/cap_capable ] ||
	[ -e /sys/kernel/debug/tracing/events/capability/cap_capable ] ||
	skip "no capability/cap_capable tracepoint on this kernel"
A=$(ctr_id a)
B=$(ctr_id b)
pol=$TDIR/policy.yaml
policy_write "$pol" it-cap enforce "capabilities: allow" "$A" <<YAML
    - name: no-chown
      capabilities: {names: [CAP_CHOWN]}
      action: block
YAML

export CTR_CAPS='["CAP_CHOWN"]'
ctr_start "$A"
ctr_start "$B"
server_start "$pol"

chown_tmp() { ctr_exec "$1" sh -c 'f=/tmp/f-$$; echo x >$f && chown 1234 $f && stat -c %u $f'; }
wait_event w 30 '.tracker == "alert" and .op == "capable" and .container.name == $a' \
	--arg a "$A" -- chown_tmp "$A"
ev=$(first_event "$out" '.tracker == "alert" and .op == "capable"')
assert_event "capability alert: reported, not claimed as a block" "$ev" \
	'.action == "alert" and .level == "none" and .mode == "enforce" and .rule == "no-chown" and
	 .capability == 0 and .object == "capability 0"'
[ "$(chown_tmp "$A")" = 1234 ] || fail "A: chown did not happen (nothing should refuse it here)"
echo "ok: A's chown proceeds"
[ "$(chown_tmp "$B")" = 1234 ] || fail "B: chown failed"
assert_none "no alert for B" "$out" '.tracker == "alert" and .container.name == $b' --arg b "$B"
ward_stop w
check_alert_schema "$out"
echo "PASS"
