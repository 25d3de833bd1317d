#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Alert aggregation (docs/alerts.md): a container repeating one denied read
# 100,000 times under an audit policy yields a few alert records whose counts
# sum to exactly the decisions the kernel counted (100,000, `ward status`), the
# first at once with count 1; a second incident in the middle of the storm is
# reported on its own; the metrics count every alert, not every record. With
# --no-aggregate each alert is its own record, without a count.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
N=100000
pol=$TDIR/policy.yaml
policy_write "$pol" it-agg audit "file: allow" "$A" <<YAML
    - name: no-secret
      file: {paths: [/data/secret], access: [read]}
      action: block
      severity: high
    - name: no-other
      file: {paths: [/data/other], access: [read]}
      action: block
YAML
ctr_start "$A"
ctr_exec "$A" sh -c "echo s >/data/secret && echo o >/data/other" || fail "writing /data in $A"
ward_start w server -o json --policy "$pol" --unpin-on-exit
out=$(ward_out w)
ward_in_force w
secret='.tracker == "alert" and .rule == "no-secret"'
other='.tracker == "alert" and .rule == "no-other"'
wait_event w 30 "$secret" -- ctr_exec "$A" sh -c ": </data/secret"

# The storm: N reads of /data/secret by the shell (a redirection: no process
# per read), one read of /data/other in the middle.
ctr_exec "$A" sh -c "i=1; while [ \$i -lt $N ]; do : </data/secret;
	[ \$i -eq $((N / 2)) ] && : </data/other; i=\$((i + 1)); done" ||
	fail "the storm failed"
st=$("$WARD" status -o json) || fail "ward status failed"
decided=$(jq '[.counters[] | select(.rule == "no-secret") | .would_block] | add' <<<"$st")
check "the kernel decided the $N reads ($decided)" [ "$decided" -eq $N ]
ward_stop w # reports what the last windows counted

check_alert_schema "$out"
records=$(event_count "$out" "$secret")
sum=$(events "$out" "$secret" | jq -s 'map(.count) | add')
check "the storm is $records records (at most a few dozen)" [ "$records" -le 40 ]
check "  ... whose counts sum to the $N decisions ($sum)" [ "$sum" -eq $N ]
assert_event "the first is reported at once, count 1" "$(first_event "$out" "$secret")" \
	'.count == 1 and .first_seen == .last_seen'
assert_event "the aggregated records say when the alerts came" \
	"$(events "$out" "$secret"' and .count > 1' | head -n 1)" \
	'.first_seen < .last_seen and .object == "/data/secret" and .severity == "high"'
check "the second incident is its own record" [ "$(event_count "$out" "$other")" -eq 1 ]
assert_event "  ... with count 1" "$(first_event "$out" "$other")" '.count == 1'
check "no drop reported" bash -c "! grep -q 'ringbuf_full\|in the kernel' '$TDIR/w.err'"

# ---- without aggregation ---------------------------------------------------------
ward_start n server -o json --policy "$pol" --unpin-on-exit --no-aggregate
ward_in_force n
wait_event n 30 "$secret" -- ctr_exec "$A" sh -c ": </data/secret"
ctr_exec "$A" sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do : </data/secret; done"
sleep 1
ward_stop n
n_out=$(ward_out n)
check "--no-aggregate: one record per alert (at least 11)" \
	[ "$(event_count "$n_out" "$secret")" -ge 11 ]
assert_none "  ... none with a count" "$n_out" "$secret"' and has("count")'
echo "PASS"
