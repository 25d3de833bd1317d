#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `ward ctl`, the control API's client (docs/api.md), against a running
# `ward server` enforcing a policy on a runc container: status and policy as
# text and JSON; a tracker started and stopped; a policy's mode switched and
# the container's connect following it; a policy that does not compile
# refused before it is sent (exit 3, its diagnostics at their places); the
# alert stream followed; the example plugin loaded, listed and unloaded; an
# unreachable server is exit 1.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
SOCK=$TDIR/ward.sock
PLUGIN=$(dirname "$WARD")/examples/plugins/execs.bpf.o
port=$((20000 + RANDOM % 20000))
pol=$TDIR/policy.yaml
policy_write "$pol" it-ctl enforce "network: allow" "$A" <<YAML
    - name: no-port
      network: {connect: {cidrs: [127.0.0.0/8], ports: [$port], protocols: [tcp]}}
      action: block
YAML
ctr_start "$A"
server_start "$pol" --api-socket "$SOCK"
ward_in_force w
ctl() { "$WARD" ctl --socket "$SOCK" "$@"; }

ctl status >"$TDIR/status.txt" || fail "ctl status failed"
grep -q "^generation 1$" "$TDIR/status.txt" || fail "ctl status: $(cat "$TDIR/status.txt")"
ctl -o json status | jq -e '.generation == 1 and .enforcement.network == "cgroup"' >/dev/null ||
	fail "ctl -o json status"
ctl policy show | grep -q "^it-ctl  enforce  1  " || fail "ctl policy show: $(ctl policy show)"
echo "ok: status and policy, text and JSON"

ctl tracker start files --interval 2s --container "$A" | grep -q "^files  0  2  $A$" ||
	fail "ctl tracker start: $(ctl tracker list)"
ctl tracker stop files >/dev/null || fail "ctl tracker stop"
ctl -o json tracker list | jq -e '.trackers | map(.name) == ["alert"]' >/dev/null ||
	fail "files still listed"
echo "ok: tracker started and stopped"

ctl -o json alerts -f --container "$A" >"$TDIR/follow.jsonl" 2>"$TDIR/follow.err" &
WARDIT_PIDS+=("$!")
sleep 0.5
conn() { ctr_exec "$A" nc -w 1 127.0.0.1 "$port" </dev/null 2>&1; }
grep -q "Operation not permitted" <<<"$(conn)" || fail "not blocked in enforce mode"
ctl policy mode it-ctl audit | grep -q "^policy it-ctl in audit mode, generation 2$" ||
	fail "ctl policy mode audit"
grep -q "Connection refused" <<<"$(conn)" || fail "blocked in audit mode"
ctl policy mode it-ctl enforce >/dev/null || fail "ctl policy mode enforce"
grep -q "Operation not permitted" <<<"$(conn)" || fail "not blocked again"
echo "ok: mode switched both ways, the connect follows"
followed() { [ "$(jq -s 'map(select(.rule == "no-port")) | length' "$TDIR/follow.jsonl")" -ge 3 ]; }
poll 5 followed
jq -se 'map(select(.rule == "no-port") | .mode) == ["enforce", "audit", "enforce"] and
	(map(select(has("tracker") | not) | .mode) == ["audit", "enforce"])' \
	"$TDIR/follow.jsonl" >/dev/null || fail "ctl alerts -f: $(cat "$TDIR/follow.jsonl")"
echo "ok: ctl alerts -f got the three alerts and the two mode changes"

printf 'apiVersion: ward.dev/v1\nkind: Policy\nmetadata: {name: x}\nbogus: 1\n' >"$TDIR/bad.yaml"
rc=0
ctl policy put "$TDIR/bad.yaml" 2>"$TDIR/put.err" || rc=$?
[ $rc -eq 3 ] || fail "ctl policy put (bad): status $rc, not 3"
grep -q "$TDIR/bad.yaml:4:1: error" "$TDIR/put.err" || fail "no located diagnostic: $(cat "$TDIR/put.err")"
ctl -o json policy show | jq -e '.generation == 3' >/dev/null || fail "a bad put changed the generation"
ctl policy put "$pol" | grep -q "^policy generation 4 in force, 1 containers targeted$" ||
	fail "ctl policy put (good)"
rc=0
ctl policy mode nope audit 2>"$TDIR/mode.err" || rc=$?
[ $rc -eq 3 ] || fail "ctl policy mode (unknown): status $rc, not 3"
echo "ok: policy put: bad refused before sending (exit 3), good in force"

ctl plugin load "$PLUGIN" --name execs | grep -q "^1  execs  1  0  " || fail "ctl plugin load"
ctl -o json plugin list | jq -e '.plugins[0].name == "execs"' >/dev/null || fail "ctl plugin list"
ctl plugin unload 1 >/dev/null || fail "ctl plugin unload"
rc=0
ctl plugin unload 1 2>/dev/null || rc=$?
[ $rc -eq 3 ] || fail "ctl plugin unload (gone): status $rc, not 3"
echo "ok: plugin loaded, listed, unloaded"

ward_stop w
rc=0
ctl status 2>"$TDIR/gone.err" || rc=$?
[ $rc -eq 1 ] && grep -q "is 'ward server' running" "$TDIR/gone.err" ||
	fail "ctl without a server: status $rc: $(cat "$TDIR/gone.err")"
echo "ok: no server: exit 1, said"
echo "PASS"
