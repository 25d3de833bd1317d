#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The newcomer walkthrough (examples/enforce/walkthrough.sh) runs end to end
# here, so it cannot rot: audit alerts, `ward status` would-blocks, the
# SIGHUP switch to enforce, the same exec and connect blocked. Its alert
# lines validate against docs/alert.schema.json and carry expanded messages.
. "$(dirname "$0")/lib.sh"
wardit_setup

demo=$TDIR/demo
# The example's policy selects containers named ward-demo*.
WARD_DEMO_ID=ward-demo-wardit-$WARDIT_RUN-$RANDOM WARD_DEMO_DIR=$demo WARD=$WARD \
	"$WARDIT_ROOT/examples/enforce/walkthrough.sh" >"$TDIR/walkthrough.log" 2>&1
rc=$?
cat "$TDIR/walkthrough.log"
[ $rc -eq 0 ] || fail "examples/enforce/walkthrough.sh exited with status $rc"
grep -q "^walkthrough: OK" "$TDIR/walkthrough.log" || fail "the walkthrough did not say OK"
echo "ok: the walkthrough ran end to end"

out=$demo/events.jsonl
assert_some "audit alert for netcat" "$out" \
	'.tracker == "alert" and .rule == "no-netcat" and .action == "alert" and .mode == "audit"'
assert_some "enforce block for netcat" "$out" \
	'.tracker == "alert" and .rule == "no-netcat" and .action == "block" and
	 (.level == "sigkill" or .level == "lsm")'
assert_some "enforce block for the connect" "$out" \
	'.tracker == "alert" and .rule == "no-demo-port" and .action == "block" and
	 (.level == "cgroup" or .level == "lsm") and .object == "127.0.0.1:7777"'
assert_some "expanded messages" "$out" \
	'.tracker == "alert" and .rule == "no-demo-port" and
	 .message == "connection to 127.0.0.1:7777 by pid \(.pid) in \(.container.name)" and
	 .message_template == "connection to {object} by pid {process.pid} in {container.name}"'
assert_none "no placeholder left in a message" "$out" \
	'.tracker == "alert" and (.message // "" | test("[{}]"))'
check_alert_schema "$out"
[ ! -e /sys/fs/bpf/ward/ward_active ] || fail "the walkthrough left pins behind"
echo "ok: nothing left pinned"
echo "PASS"
