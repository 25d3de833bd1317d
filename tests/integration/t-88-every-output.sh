#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward server --config examples/ward.yaml, its receivers moved to this test's
# (a real rsyslog, the webhook receiver, the node OTLP receiver, on free
# loopback ports), its file here, and standard output added to its outputs:
# one denied read in a container reaches every sink as the same alert (the
# rotating file, stdout, syslog, the webhook, OTLP), and the metrics count it
# for each output.
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v python3 >/dev/null || skip "python3 not installed (make deps)"
command -v rsyslogd >/dev/null || skip "rsyslog not installed (make deps)"
rcv=$WARDIT_ROOT/tests/receivers
[ -d "$rcv/otlp/node_modules/@opentelemetry/otlp-transformer" ] ||
	skip "the OTLP receiver's npm packages are missing (make deps)"

A=$(ctr_id a)
pol=$TDIR/policy.yaml
secret_policy "$pol" it-every "$A"
ctr_start "$A"
secret_write "$A"

# shellcheck disable=SC2016 # evaluated by service_start with its $port
service_start rsyslogd 'ss -ltn "sport = :$port" | grep -q LISTEN' rsyslog_run
rsport=$port
hook_run() {
	exec python3 "$rcv/http_receiver.py" --port "$port" --out "$TDIR/hook.jsonl" \
		--port-file "$TDIR/hook.port"
}
# shellcheck disable=SC2016
service_start webhook '[ "$(cat "$TDIR/hook.port" 2>/dev/null)" = "$port" ]' hook_run
hookport=$port
otlp_run() {
	exec node "$rcv/otlp/otlp_receiver.js" --port "$port" --out "$TDIR/otlp.jsonl" \
		--port-file "$TDIR/otlp.port"
}
# shellcheck disable=SC2016
service_start otlp '[ "$(cat "$TDIR/otlp.port" 2>/dev/null)" = "$port" ]' otlp_run
otlpport=$port

cfg=$TDIR/ward.yaml
sed -e "s|127.0.0.1:9464|127.0.0.1:0|; s|/var/log/ward/ward.json|$TDIR/ward.json|" \
	-e "s|udp:127.0.0.1:514|udp:127.0.0.1:$rsport|; s|127.0.0.1:8080/|127.0.0.1:$hookport/|" \
	-e "s|127.0.0.1:4318/|127.0.0.1:$otlpport/|" "$WARDIT_ROOT/examples/ward.yaml" >"$cfg"
for want in "127.0.0.1:0" "$TDIR/ward.json" ":$rsport" ":$hookport/" ":$otlpport/"; do
	grep -qF -- "$want" "$cfg" || fail "examples/ward.yaml changed: no place for $want"
done
cat >>"$cfg" <<YAML
  - type: stdout
policy: $pol
unpinOnExit: true
noAggregate: true
YAML
"$WARD" config check "$cfg" || fail "the test's copy of examples/ward.yaml does not check"

ward_start w server --config "$cfg"
out=$(ward_out w)
ward_in_force w
secret='.tracker == "alert" and .rule == "no-secret"'
wait_event w 30 "$secret" -- ctr_exec "$A" sh -c ": </data/secret"
alert=$(first_event "$out" "$secret")
check "stdout: the alert" [ -n "$alert" ]

# every receiver gets it within 10 s (webhook and OTLP batch for up to 1 s)
got() {
	jq -e --argjson a "$alert" '.path and (.body | index($a))' "$TDIR/hook.jsonl" &&
		jq -e --argjson a "$alert" 'select(.body | fromjson? == $a)' "$TDIR/otlp.jsonl" &&
		grep " ward alert " "$TDIR/syslog.out" | sed 's/^[^]]*] //' |
		jq -e --argjson a "$alert" 'select(. == $a)' &&
		jq -e --argjson a "$alert" 'select(. == $a)' "$TDIR/ward.json"
} >/dev/null 2>&1
poll 10 got
check "the file: the same alert" jq -e --argjson a "$alert" 'select(. == $a)' "$TDIR/ward.json"
check "syslog: the same alert as the message" bash -c "grep ' ward alert ' '$TDIR/syslog.out' |
	sed 's/^[^]]*] //' | jq -e --argjson a '$alert' 'select(. == \$a)'"
check "the webhook: the same alert in a batch" \
	jq -e --argjson a "$alert" 'select(.body | index($a))' "$TDIR/hook.jsonl"
check "OTLP: the same alert as a log record's body, decoded" \
	jq -e --argjson a "$alert" 'select(.body | fromjson? == $a)' "$TDIR/otlp.jsonl"

addr=$(sed -n 's|.*metrics on http://\([^/"]*\)/metrics.*|\1|p' "$TDIR/w.err")
# the page is published once a second: until it shows both deliveries
for ((i = 0; i < 50; i++)); do
	page=$(curl -sf "http://$addr/metrics") || fail "no metrics on $addr"
	[ "$(grep -cE '^ward_output_delivered_total\{output="(webhook|otlp)"\} [1-9]' <<<"$page")" = 2 ] &&
		break
	sleep 0.2
done
for o in file stdout syslog webhook otlp; do
	check "metrics: $o took rows" grep -qE "^ward_output_rows_total\{output=\"$o\"\} [1-9]" <<<"$page"
done
for o in webhook otlp; do
	check "metrics: $o delivered" grep -qE "^ward_output_delivered_total\{output=\"$o\"\} [1-9]" <<<"$page"
	check "  ... none queued" grep -qE "^ward_output_queue_depth\{output=\"$o\"\} 0$" <<<"$page"
	check "  ... none dropped" grep -qE "^ward_output_dropped_total\{output=\"$o\"\} 0$" <<<"$page"
done
check "metrics: the alert counted" grep -qE '^ward_alerts_total\{policy="it-every",rule="no-secret".*\} [1-9]' <<<"$page"
ward_stop w
echo "PASS"
