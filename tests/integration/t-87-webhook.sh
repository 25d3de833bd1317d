#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward server --webhook: a container's denied read reaches a real HTTP receiver
# (tests/receivers/http_receiver.py, on a loopback port) as a JSON array
# holding the alert exactly as -o json renders it, with the bearer token of
# --webhook-token-file and Content-Type application/json. Then a storm, with
# the receiver killed in the middle: ward goes on, and every alert it reported
# was delivered or counted as dropped (ward_output_delivered_total +
# ward_output_dropped_total == the alerts on its stream): nothing is lost
# silently. Every alert as it comes (--no-aggregate).
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v python3 >/dev/null || skip "python3 not installed (make deps)"

A=$(ctr_id a)
N=20000
pol=$TDIR/policy.yaml
secret_policy "$pol" it-hook "$A"
ctr_start "$A"
secret_write "$A"
echo "tok-$RANDOM$RANDOM" >"$TDIR/token"

hook_run() {
	exec python3 "$WARDIT_ROOT/tests/receivers/http_receiver.py" --port "$port" \
		--out "$TDIR/hook.jsonl" --port-file "$TDIR/hook.port"
}
# shellcheck disable=SC2016 # evaluated by service_start with its $port
service_start webhook '[ "$(cat "$TDIR/hook.port" 2>/dev/null)" = "$port" ]' hook_run
hookpid=$SERVICE_PID

ward_start w server -o json --no-aggregate --policy "$pol" --unpin-on-exit \
	--webhook "http://127.0.0.1:$port/hooks/ward" --webhook-token-file "$TDIR/token" \
	--metrics 127.0.0.1:0
out=$(ward_out w)
ward_in_force w
secret='.tracker == "alert" and .rule == "no-secret"'
wait_event w 30 "$secret" -- ctr_exec "$A" sh -c ": </data/secret"
poll 5 test -s "$TDIR/hook.jsonl"
req=$(head -n 1 "$TDIR/hook.jsonl")
[ -n "$req" ] || fail "the webhook got nothing in 5 s"
check "POST to the URL's path" jq -e '.path == "/hooks/ward"' <<<"$req"
check "  ... with the token file's bearer token" \
	jq -e --arg t "Bearer $(cat "$TDIR/token")" '.headers.Authorization == $t' <<<"$req"
check "  ... Content-Type application/json" \
	jq -e '.headers["Content-Type"] == "application/json"' <<<"$req"
check "  ... the body an array of alerts" jq -e '.body | type == "array" and length >= 1' <<<"$req"
first=$(first_event "$out" "$secret")
check "  ... holding the alert exactly as -o json renders it" \
	jq -e --argjson a "$first" '.body[0] == $a' <<<"$req"

# The storm, the receiver killed in its middle.
ctr_exec "$A" sh -c "i=1; while [ \$i -lt $N ]; do : </data/secret; i=\$((i + 1)); done" &
storm=$!
sleep 0.5
kill -9 "$hookpid"
wait "$storm" || fail "the storm failed"
ward_alive w || fail "ward exited with its receiver gone: $(tail -n 5 "$TDIR/w.err")"

# Once the queue is empty and the stream still: the sums.
addr=$(sed -n 's|.*metrics on http://\([^/"]*\)/metrics.*|\1|p' "$TDIR/w.err")
metric() {
	sed -n "s/^$1{output=\"webhook\"} //p" <<<"$page"
}
prev=-1
for ((i = 0; i < 300; i++)); do
	page=$(curl -sf "http://$addr/metrics")
	reported=$(event_count "$out" "$secret")
	[ "$(metric ward_output_queue_depth)" = 0 ] && [ "$reported" = "$prev" ] && break
	prev=$reported
	sleep 0.5
done
queued=$(metric ward_output_queue_depth)
delivered=$(metric ward_output_delivered_total)
dropped=$(metric ward_output_dropped_total)
received=$(jq -s 'map(.body | length) | add' "$TDIR/hook.jsonl")
echo "reported $reported, delivered $delivered, dropped $dropped, received $received, errors $(metric ward_output_delivery_errors_total)"
check "the queue drained (${queued:-?} left)" [ "${queued:-1}" -eq 0 ]
check "alerts were dropped with the receiver gone ($dropped)" [ "${dropped:-0}" -ge 1 ]
check "delivered + dropped == the $reported alerts ward reported" \
	[ $((delivered + dropped)) -eq "$reported" ]
check "the receiver got what was delivered ($received >= $delivered)" [ "$received" -ge "$delivered" ]
check "  ... nothing was lost ($received + $dropped >= $reported)" \
	[ $((received + dropped)) -ge "$reported" ]
check "  ... and nothing came twice ($received <= $reported)" [ "$received" -le "$reported" ]
ward_stop w
echo "PASS"
