#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward server --metrics: the default pack's alerts in two containers move the
# alert counters, labelled with the policy and rule the alert names; the scrape
# passes `promtool check metrics`; with --metrics-containers 1 one container
# has its own series and the other is folded into container="_other", the two
# summing to the alerts seen; a real Prometheus scrapes ward and its query API
# returns the counter. The kernel's decision counters by class, the ring
# buffers' fill and size and the process families are there and sane. A
# second server asking for the same address exits 1; a bad address is a
# usage error. Then a policy that blocks a read in one container: the
# blocked read moves ward_blocks_total{class="file"} at the level the file
# class runs at; a server started again on that policy's pinned generation
# does not count what the earlier one did, and counts its own block once.
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v promtool >/dev/null && command -v prometheus >/dev/null ||
	skip "prometheus and promtool not installed (make deps)"

A=$(ctr_id a)
B=$(ctr_id b)
ctr_start "$A"
ctr_start "$B"
ward_start w server -o json --metrics 127.0.0.1:0 --metrics-containers 1
out=$(ward_out w)
ward_in_force w
# metrics_addr NAME: where ward NAME serves metrics, into addr.
metrics_addr() {
	addr=$(sed -n 's|.*metrics on http://\([^/"]*\)/metrics.*|\1|p' "$TDIR/$1.err")
	[ -n "$addr" ] || fail "ward server does not say where metrics are: $(cat "$TDIR/$1.err")"
	echo "ok: metrics on $addr"
}
metrics_addr w

# scrape: the page, kept in $TDIR/scrape for the checks.
scrape() {
	curl -sf --max-time 5 "http://$addr/metrics" >"$TDIR/scrape"
}
# metric FILTER: the sum of the values of the series whose line FILTER matches.
metric() {
	grep -E "^$1" "$TDIR/scrape" | awk '{ s += $NF } END { printf "%.17g\n", s + 0 }'
}

check "the endpoint answers before any alert" scrape
for ((i = 0; i < 20; i++)); do # the page is published at each tick
	[ "$(metric 'ward_policy_generation ')" -ge 1 ] && break
	sleep 0.25
	scrape
done
check "the page passes promtool check metrics" promtool check metrics <"$TDIR/scrape"
check "the policy generation in force" [ "$(metric 'ward_policy_generation ')" -ge 1 ]
check "one enforcement level per resource class" \
	[ "$(grep -c '^ward_enforcement_level{' "$TDIR/scrape")" -eq 4 ]
check "audit only (the default pack)" [ "$(metric 'ward_audit_only ')" -eq 1 ]
check "the process's memory" [ "$(metric 'process_resident_memory_bytes ')" -gt 1000000 ]
now=$(date +%s)
check "the process's start time: within the last 10 minutes" \
	awk -v t="$(metric 'process_start_time_seconds ')" -v now="$now" \
	'BEGIN { exit !(t > now - 600 && t <= now + 1) }'
check "the process's CPU time" awk -v t="$(metric 'process_cpu_seconds_total ')" \
	'BEGIN { exit !(t > 0 && t < 600) }'
check "the process's open fds" [ "$(metric 'process_open_fds ')" -gt 5 ]
check "the alert ring buffer's size (8 MiB)" \
	[ "$(metric 'ward_ringbuf_size_bytes\{source="alert"\}')" -eq 8388608 ]
check "  ... and the held execs' (256 KiB)" \
	[ "$(metric 'ward_ringbuf_size_bytes\{source="hold"\}')" -eq 262144 ]
check "  ... their fill between 0 and 1" awk '
	/^ward_ringbuf_fill_ratio\{/ { n++; if ($NF < 0 || $NF > 1) bad = 1 }
	END { exit bad || n != 2 }' "$TDIR/scrape"
check "a decisions series per class, from 0" \
	[ "$(grep -c '^ward_decisions_total{class="[a-z]*",level="[a-z]*"}' "$TDIR/scrape")" -ge 5 ]
check "nothing blocked (the default pack audits)" [ "$(metric 'ward_blocks_total\{')" -eq 0 ]

# runc exec's setns needs CAP_SYS_ADMIN in the container: the default pack's
# escape-capabilities rule alerts (the read-only busybox rootfs has no /etc/shadow)
for c in "$A" "$B"; do
	wait_event w 30 '.tracker == "alert" and .container.name == $c and
		.rule == "escape-capabilities"' --arg c "$c" -- ctr_exec "$c" /bin/true
done
# The alerts of runc exec trickle in: the page and the stream agree once settled.
for ((i = 0; i < 20; i++)); do
	sleep 1 # a tick publishes the page
	scrape || fail "no page after the alerts"
	alerts=$(jq -s '[.[] | select(.tracker == "alert") | .count] | add // 0' "$out")
	[ "$(metric 'ward_alerts_total\{')" -eq "$alerts" ] && break
done
check "  ... still passes promtool check metrics" promtool check metrics <"$TDIR/scrape"
check "ward_alerts_total sums to the $alerts alerts written (their counts)" \
	[ "$(metric 'ward_alerts_total\{')" -eq "$alerts" ]
alert=$(jq -c 'select(.tracker == "alert")' "$out" | head -n 1)
pol=$(jq -r .policy <<<"$alert")
rule=$(jq -r .rule <<<"$alert")
check "a series labelled with the alert's policy ($pol) and rule ($rule)" \
	grep -qF "ward_alerts_total{policy=\"$pol\",rule=\"$rule\"," "$TDIR/scrape"
check "the per-container series sum to the alerts" \
	[ "$(metric 'ward_container_alerts_total\{')" -eq "$alerts" ]
check "one container has a series of its own (the cap is 1)" \
	[ "$(grep -cE "^ward_container_alerts_total\{container=\"($A|$B)\"\}" "$TDIR/scrape")" -eq 1 ]
check "  ... the other is folded into _other" \
	grep -q '^ward_container_alerts_total{container="_other"} [1-9]' "$TDIR/scrape"
check "no tracker events without --events" [ "$(metric 'ward_events_total\{')" -eq 0 ]
check "the kernel counted the capability alerts of both containers as decisions" \
	[ "$(metric 'ward_decisions_total\{class="capabilities",')" -ge 2 ]
records=$(jq -s '[.[] | select(.tracker == "alert")] | length' "$out")
check "the JSON stream's $records records counted as stdout rows" \
	[ "$(metric 'ward_output_rows_total\{output="stdout"\}')" -eq "$records" ]

# ---- the same address twice --------------------------------------------------------
"$WARD" server --no-policy --events process --metrics "$addr" -d 5 >/dev/null 2>"$TDIR/dup.err"
rc=$?
check "a second server on $addr exits 1" [ $rc -eq 1 ]
check "  ... saying the address is in use" grep -q "cannot serve metrics there: Address already in use" "$TDIR/dup.err"
"$WARD" server --metrics 127.0.0.1:99999 >/dev/null 2>"$TDIR/bad.err"
rc=$?
check "a bad --metrics address is a usage error (2)" [ $rc -eq 2 ]

# ---- a real Prometheus ------------------------------------------------------------
mkdir -p "$TDIR/prom" || fail "mkdir prom"
cat >"$TDIR/prom.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: ward
    static_configs: [{targets: ["$addr"]}]
YAML
check "promtool accepts the scrape config" promtool check config "$TDIR/prom.yml"
# shellcheck disable=SC2016 # evaluated by service_start with its $port
service_start prometheus 'curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null' \
	'prometheus --config.file="$TDIR/prom.yml" --storage.tsdb.path="$TDIR/prom" \
		--web.listen-address="127.0.0.1:$port"'
pport=$port
q='sum(ward_alerts_total{job="ward"})'
for ((i = 0; i < 60; i++)); do
	got=$(curl -sf "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$q" |
		jq -r '.data.result[0].value[1] // empty')
	[ "${got:-0}" -ge "$alerts" ] 2>/dev/null && break
	sleep 0.5
done
check "Prometheus's query API: $q = $alerts (got ${got:-nothing})" [ "${got:-0}" = "$alerts" ]
ctr_exec "$A" /bin/sh -c "cat /etc/shadow >/dev/null"
for ((i = 0; i < 60; i++)); do
	got=$(curl -sf "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$q" |
		jq -r '.data.result[0].value[1] // empty')
	[ "${got:-0}" -gt "$alerts" ] 2>/dev/null && break
	sleep 0.5
done
check "  ... and it moves with the next alert (got ${got:-nothing})" [ "${got:-0}" -gt "$alerts" ]
ward_stop w

# ---- blocks -----------------------------------------------------------------------
pol=$TDIR/policy.yaml
policy_write "$pol" it-metrics enforce "file: allow" "$A" <<YAML
    - name: no-secret
      file: {paths: [/data/secret], access: [read]}
      action: block
YAML
ctr_exec "$A" sh -c "echo secret >/data/secret" || fail "writing /data/secret in $A"
# block NAME: one read of /data/secret in A, blocked; the alert seen by ward NAME.
block() {
	ctr_exec "$A" sh -c "cat /data/secret >/dev/null 2>&1"
	wait_event "$1" 30 '.tracker == "alert" and .object == "/data/secret" and .action == "block"'
}
# settled FILTER N: scrape until the series of FILTER sum to N (10 s at most).
settled() {
	for ((i = 0; i < 20; i++)); do
		scrape && [ "$(metric "$1")" -eq "$2" ] && return 0
		sleep 0.5
	done
	return 1
}
ward_start b server -o json --policy "$pol" --metrics 127.0.0.1:0
ward_in_force b
metrics_addr b
settled 'ward_policy_generation ' 1 || fail "no policy generation on the page"
level=$(sed -n 's/^ward_enforcement_level{class="file",level="\([a-z]*\)"} 1$/\1/p' "$TDIR/scrape")
echo "ok: the file class runs at level $level"
block b
check "a blocked read moves ward_blocks_total{class=\"file\"}" \
	settled 'ward_blocks_total\{class="file"\}' 1
check "  ... and ward_decisions_total{class=\"file\",level=\"$level\"}" \
	[ "$(metric "ward_decisions_total\\{class=\"file\",level=\"$level\"\\}")" -eq 1 ]
check "  ... nothing would have blocked" [ "$(metric 'ward_would_block_total\{')" -eq 0 ]
check "  ... the page passes promtool check metrics" promtool check metrics <"$TDIR/scrape"
ward_stop b # its generation stays pinned, in force

ward_start c server -o json --policy "$pol" --metrics 127.0.0.1:0 --unpin-on-exit
for ((i = 0; i < 300; i++)); do
	grep -q "generation 2 in force" "$TDIR/c.err" && break
	ward_alive c || fail "ward[c] exited: $(cat "$TDIR/c.err")"
	sleep 0.1
done
metrics_addr c
settled 'ward_policy_generation ' 2 || fail "generation 2 not on the page: $(cat "$TDIR/c.err")"
check "a server on the pinned generation does not count the earlier one's block" \
	[ "$(metric 'ward_blocks_total\{')" -eq 0 ]
block c
check "  ... and counts its own once" settled 'ward_blocks_total\{class="file"\}' 1
ward_stop c
echo "PASS"
