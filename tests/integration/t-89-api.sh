#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The control API (docs/api.md) of a `ward server` enforcing a policy on a
# runc container, through its unix socket (only root, mode 0600): status,
# containers with the policies selecting them, the policy; a follower of the
# alert stream, filtered by container and severity, gets the container's
# denied connect as a server-sent event; PATCH switches the policy to audit
# (the connect goes through, alerted as would-block) and back to enforce
# (blocked again), each a new generation and a "policy" event on the stream;
# the follower sees none of B's alerts nor lower severities; trackers plugged in (the
# process tracker for A only, the files tracker every second) and out; a bad PUT answers 400 with the compiler's location in the body and leaves
# the generation; a good PUT replaces the policy; unknown routes are 404,
# wrong methods 405, bad input 400 with its location.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
B=$(ctr_id b)
SOCK=$TDIR/ward.sock
port=$((20000 + RANDOM % 20000))
pol=$TDIR/policy.yaml
policy_write "$pol" it-api enforce "network: allow" "$A" <<YAML
    - name: no-port
      network: {connect: {cidrs: [127.0.0.0/8], ports: [$port], protocols: [tcp]}}
      action: block
      severity: high
YAML

ctr_start "$A"
ctr_start "$B"
server_start "$pol" --api-socket "$SOCK"
ward_in_force w

[ "$(stat -c %a "$SOCK")" = 600 ] || fail "the socket is not mode 0600: $(stat -c %a "$SOCK")"
[ "$(stat -c %U "$SOCK")" = root ] || fail "the socket is not root's"
if setpriv --reuid=65534 --regid=65534 --clear-groups \
	curl -s --unix-socket "$SOCK" http://ward/v1/status >/dev/null 2>&1; then
	fail "an unprivileged user reached the API"
fi
echo "ok: the socket is root's, mode 0600, refused to nobody"

api GET /v1/status
expect 200 "status" '.generation == 1 and .enforcement.network == "cgroup" and
	(.trackers | map(.name) | index("alert")) != null and (.outputs | length) >= 1'
api GET /v1/policy
expect 200 "policy" '.generation == 1 and .source == $p and (.sha256 | length) == 64 and
	.policies == [{"name": "it-api", "mode": "enforce", "rules": 1,
	               "origin": ($p + ":1")}]' --arg p "$pol"
api GET /v1/containers
expect 200 "containers with their policies" \
	'(.containers[] | select(.container.name == $a) | .policies) == ["it-api"] and
	 (.containers[] | select(.container.name == $b) | .policies) == []' --arg a "$A" --arg b "$B"

# a follower of A's alerts of severity high and above
curl -sS -N --unix-socket "$SOCK" "http://ward/v1/alerts?follow=true&container=$A&min_severity=high" \
	>"$TDIR/follow.sse" 2>"$TDIR/follow.err" &
FOLLOW=$!
WARDIT_PIDS+=("$FOLLOW")
poll 5 grep -q "ward alert stream" "$TDIR/follow.sse" || fail "the stream did not open"
api GET /v1/status
expect 200 "one follower" '.followers == 1'

conn() { ctr_exec "$1" nc -w 1 127.0.0.1 "$port" </dev/null 2>&1; }
msg=$(conn "$A")
grep -q "Operation not permitted" <<<"$msg" || fail "A: connect not blocked: $msg"
conn "$B" >/dev/null
wait_event w 20 '.tracker == "alert" and .container.name == $a' --arg a "$A"
# follower events: "data: {json}" lines after "event: alert"
sse() { sed -n 's/^data: //p' "$TDIR/follow.sse"; }
sse_has() { [ -n "$(sse | jq -c "select($1)")" ]; }
poll 5 sse_has '.rule == "no-port"'
sse | jq -se --arg a "$A" 'map(select(.rule == "no-port")) | length >= 1 and all(
	.container.name == $a and .action == "block" and .mode == "enforce" and
	.severity == "high")' >/dev/null ||
	fail "the follower did not get A's blocked connect: $(cat "$TDIR/follow.sse")"
grep -q '^event: alert$' "$TDIR/follow.sse" || fail "no 'event: alert' line"
echo "ok: the follower got A's blocked connect as an alert event"

api PATCH /v1/policies/it-api -d '{"mode": "audit"}'
expect 200 "PATCH to audit" '.policy == "it-api" and .mode == "audit" and .generation == 2'
msg=$(conn "$A")
grep -q "Connection refused" <<<"$msg" || fail "A: connect blocked in audit mode: $msg"
wait_event w 20 '.tracker == "alert" and .container.name == $a and .mode == "audit"' --arg a "$A"
echo "ok: in audit mode A's connect goes through, alerted"
api GET /v1/policy
expect 200 "policy in audit" '.generation == 2 and .policies[0].mode == "audit"'
api PATCH /v1/policies/it-api -d '{"mode": "enforce"}'
expect 200 "PATCH to enforce" '.mode == "enforce" and .generation == 3'
msg=$(conn "$A")
grep -q "Operation not permitted" <<<"$msg" || fail "A: not blocked again: $msg"
echo "ok: enforce again, blocked"
policy_events() { [ "$(grep -c '^event: policy$' "$TDIR/follow.sse")" -ge "$1" ]; }
poll 5 policy_events 2
[ "$(grep -c '^event: policy$' "$TDIR/follow.sse")" -eq 2 ] ||
	fail "the stream does not record the two mode changes: $(cat "$TDIR/follow.sse")"
sse | jq -se 'map(select(has("tracker") | not)) | map(.mode) == ["audit", "enforce"]' >/dev/null ||
	fail "mode events wrong: $(cat "$TDIR/follow.sse")"
echo "ok: both mode changes are on the stream"

api PATCH /v1/policies/nope -d '{"mode": "audit"}'
expect 404 "PATCH an unknown policy" '.error | test("no policy named .nope.")'
api PATCH /v1/policies/it-api -d '{"mode": "sometimes"}'
expect 400 "PATCH a bad mode" '.location == "body.mode"'
api PATCH /v1/policies/it-api -d '{"mode": '
expect 400 "PATCH bad JSON, its place and byte offset" \
	'(.location | startswith("body:1:")) and (.error | test("at byte [0-9]+"))'

printf 'apiVersion: ward.dev/v1\nkind: Policy\nmetadata: {name: x}\nspec:\n  selector: {containers: [a]}\n  bogus: 1\n' >"$TDIR/bad.yaml"
api PUT /v1/policy --data-binary @"$TDIR/bad.yaml"
expect 400 "PUT a bad policy" '.location == "body:6:3" and (.diagnostics[0].code == "unknown-key")'
api GET /v1/policy
expect 200 "the generation stays" '.generation == 3'
policy_write "$TDIR/new.yaml" it-api2 audit "network: allow" "$A" "$B" <<YAML
    - name: no-port
      network: {connect: {cidrs: [127.0.0.0/8], ports: [$port], protocols: [tcp]}}
      action: block
YAML
api PUT /v1/policy --data-binary @"$TDIR/new.yaml"
expect 200 "PUT a good policy" '.generation == 4 and .targets == 2'
api GET /v1/policy
expect 200 "the new policy" '.source == "api" and .policies[0].name == "it-api2"'
msg=$(conn "$A")
grep -q "Connection refused" <<<"$msg" || fail "A: the new (audit) policy blocks: $msg"
echo "ok: the new policy is in force"
# B is selected now; its alerts and A's new ones (severity medium) are not the follower's
conn "$B" >/dev/null
wait_event w 20 '.tracker == "alert" and .container.name == $b' --arg b "$B"
wait_event w 20 '.tracker == "alert" and .policy == "it-api2" and .container.name == $a' \
	--arg a "$A"
sleep 1
sse | jq -se --arg b "$B" 'map(select(.container.name? == $b or .policy? == "it-api2")) == []' \
	>/dev/null || fail "the follower of A's high alerts got others: $(cat "$TDIR/follow.sse")"
echo "ok: the follower's filters (container, min_severity) hold"

# trackers plugged in and out: the process tracker for A only, then the files tracker
api POST /v1/trackers -d "{\"name\": \"process\", \"container\": \"$A\"}"
expect 201 "POST the process tracker for A" \
	'.trackers | map(select(.name == "process"))[0].container == $a' --arg a "$A"
r=$RANDOM
wait_event w 20 '.tracker == "process" and .event == "exec" and .container.name == $a and
	(.argv | index($m)) != null' --arg a "$A" --arg m "api-$r" -- ctr_exec "$A" echo "api-$r"
ctr_exec "$B" echo "api-b-$r" >/dev/null
sleep 1
assert_none "the process tracker plugged for A shows no event of B" "$out" \
	'.tracker == "process" and .container.name == $b' --arg b "$B"
api POST /v1/trackers -d '{"name": "process"}'
expect 409 "POST a tracker that runs" '.error | test("runs already")'
api POST /v1/trackers -d '{"name": "files", "interval": "1s"}'
expect 201 "POST the files tracker, 1 s interval" \
	'.trackers | map(select(.name == "files"))[0].interval == 1'
wait_event w 20 '.tracker == "files" and .container.name == $a and .filename == $f' \
	--arg a "$A" --arg f "/tmp/api-$r" -- ctr_exec "$A" sh -c "echo x > /tmp/api-$r"
echo "ok: the plugged trackers' events reach the output"
api DELETE /v1/trackers/process
expect 200 "DELETE the process tracker" '.trackers | map(.name) | index("process") == null'
n=$(event_count "$out" '.tracker == "process"')
ctr_exec "$A" echo "api-after-$r" >/dev/null
sleep 1
[ "$(event_count "$out" '.tracker == "process"')" = "$n" ] ||
	fail "process events after the tracker was deleted"
echo "ok: no process event once it is stopped"
api DELETE /v1/trackers/process
expect 404 "DELETE a tracker that does not run" '.location == "/v1/trackers/process"'
api DELETE /v1/trackers/alert
expect 409 "DELETE the alert stream" '.error | test("policy")'
api GET /v1/trackers
expect 200 "trackers" '(.trackers | map(.name) | sort) == ["alert", "files"] and
	.available == ["process", "files", "tcp", "syscall"]'

# concurrent clients, and a body over the limit (16 MiB)
pids=()
for ((i = 0; i < 20; i++)); do
	curl -s -o /dev/null -w '%{http_code}\n' --unix-socket "$SOCK" http://ward/v1/status \
		>>"$TDIR/codes" &
	pids+=("$!")
done
wait "${pids[@]}"
[ "$(sort "$TDIR/codes" | uniq -c | xargs)" = "20 200" ] ||
	fail "20 concurrent GETs: $(sort "$TDIR/codes" | uniq -c | xargs)"
echo "ok: 20 concurrent clients served"
head -c $((17 << 20)) /dev/zero >"$TDIR/big"
api PUT /v1/policy --data-binary @"$TDIR/big"
[ "$code" = 413 ] || fail "a 17 MiB body: status $code, not 413"
echo "ok: a body over the limit is 413"
api GET /v1/policy
expect 200 "and nothing changed" '.source == "api" and .policies[0].name == "it-api2"'

api GET /v1/nothing
expect 404 "unknown route" '.location == "/v1/nothing"'
api DELETE /v1/status
expect 405 "wrong method" '.error | test("method")'
api GET "/v1/alerts?min_severity=urgent"
expect 400 "bad severity" '.location == "min_severity"'
api GET "/v1/alerts"
expect 200 "the last alerts" '[.alerts[] | select(.rule == "no-port")] | length >= 2'

ward_stop w
[ -e "$SOCK" ] && fail "the socket outlived the server"
echo "ok: the socket is gone with the server"
echo "PASS"
