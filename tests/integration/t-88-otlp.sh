#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward server --otlp: a denied read in a Kubernetes-annotated container reaches
# a real OTLP/HTTP logs receiver (tests/receivers/otlp: node, decoding with the
# OTLP protobuf definitions npm's @opentelemetry/otlp-transformer ships, and
# refusing JSON that does not survive them unchanged) as a log record: the
# resource's service.name ward and host.name, the alert's time in
# timeUnixNano, severity ERROR (17) for a high rule, the alert's JSON object as
# the body, and container.id, container.name, container.image.name (when the
# runtime records one), k8s.pod.name, k8s.namespace.name as attributes.
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v node >/dev/null || skip "node not installed (make deps)"
rcv=$WARDIT_ROOT/tests/receivers/otlp
[ -d "$rcv/node_modules/@opentelemetry/otlp-transformer" ] ||
	skip "the OTLP receiver's npm packages are missing (make deps)"

r=$RANDOM$RANDOM
K=$(ctr_id k)
pol=$TDIR/policy.yaml
secret_policy "$pol" it-otlp "wardctr-$r"
CTR_ANNOTATIONS=$(jq -nc --arg r "$r" '{
	"io.kubernetes.pod.name": "wardpod-\($r)",
	"io.kubernetes.pod.namespace": "wardns-\($r)",
	"io.kubernetes.container.name": "wardctr-\($r)"}') ctr_start "$K"
secret_write "$K"

otlp_run() {
	exec node "$rcv/otlp_receiver.js" --port "$port" --out "$TDIR/otlp.jsonl" \
		--port-file "$TDIR/otlp.port"
}
# shellcheck disable=SC2016 # evaluated by service_start with its $port
service_start otlp '[ "$(cat "$TDIR/otlp.port" 2>/dev/null)" = "$port" ]' otlp_run

ward_start w server -o json --no-aggregate --policy "$pol" --unpin-on-exit \
	--otlp "http://127.0.0.1:$port/v1/logs"
out=$(ward_out w)
ward_in_force w
secret='.tracker == "alert" and .rule == "no-secret"'
wait_event w 30 "$secret" -- ctr_exec "$K" sh -c ": </data/secret"
poll 5 test -s "$TDIR/otlp.jsonl"
rec=$(head -n 1 "$TDIR/otlp.jsonl")
[ -n "$rec" ] || fail "the OTLP receiver got nothing in 5 s"
check "the receiver decoded it (no error)" jq -e 'has("error") | not' <<<"$rec"
alert=$(first_event "$out" "$secret")
check "resource: service.name ward, host.name $(hostname)" \
	jq -e --arg h "$(hostname)" '.resource["service.name"] == "ward" and
	.resource["host.name"] == $h and .scope == "ward"' <<<"$rec"
check "the body is the alert's JSON object" \
	jq -e --argjson a "$alert" '(.body | fromjson) == $a' <<<"$rec"
check "severity ERROR (17) for a high rule" \
	jq -e '.severityNumber == 17 and .severityText == "high"' <<<"$rec"
# the alert's time to the microsecond: timeUnixNano's first 16 digits
us=$(jq -r '.time | sub("Z$"; "") | split(".") | (.[0] + "Z" | fromdateiso8601 | tostring) +
	(.[1] + "000000")[0:6]' <<<"$alert")
check "timeUnixNano is the alert's time ($us...)" jq -e --arg us "$us" \
	'.timeUnixNano | startswith($us) and length == 19' <<<"$rec"
check "container attributes: container.id, container.name" \
	jq -e --arg k "$K" --arg r "$r" '.attributes["container.id"] == $k and
	.attributes["container.name"] == "wardctr-\($r)"' <<<"$rec"
check "  ... k8s.pod.name, k8s.namespace.name" jq -e --arg r "$r" '
	.attributes["k8s.pod.name"] == "wardpod-\($r)" and
	.attributes["k8s.namespace.name"] == "wardns-\($r)"' <<<"$rec"
check "  ... container.image.name as the alert's image" jq -e --argjson a "$alert" '
	.attributes["container.image.name"] == (($a.container.image // "") | sub("[:@].*$"; "")
	| if . == "" then null else . end)' <<<"$rec"
check "ward's attributes: policy, rule, action" jq -e --argjson a "$alert" '
	.attributes["ward.policy"] == "it-otlp" and .attributes["ward.rule"] == "no-secret" and
	.attributes["ward.action"] == $a.action' <<<"$rec"
ward_stop w
check "every record was decoded" bash -c "! grep -q '\"error\"' '$TDIR/otlp.jsonl'"
echo "PASS"
