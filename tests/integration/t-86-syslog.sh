#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward server --syslog: the default pack's alerts on a runc exec into a container
# (the busybox rootfs holds no sensitive file to read) reach a real
# rsyslog (Debian's, started here on loopback ports) as an RFC 5424 message,
# over UDP and over TCP (octet counting): facility auth, the rule's severity,
# app-name ward, msgid alert, structured data naming policy, rule, action and
# container, and the alert's JSON object as the message. With the receiver
# gone, ward goes on and counts what it dropped (ward_output_dropped_total).
# Every alert as it comes (--no-aggregate): each is a message.
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v rsyslogd >/dev/null || skip "rsyslog not installed (make deps)"

A=$(ctr_id a)
ctr_start "$A"

# shellcheck disable=SC2016 # evaluated by service_start with its $port
service_start rsyslogd 'ss -ltn "sport = :$port" | grep -q LISTEN' rsyslog_run
rspid=$SERVICE_PID

# all_received NAME: rsyslog got every alert ward NAME showed.
all_received() {
	[ "$(grep -c " ward alert .*container=\"$A\"" "$TDIR/syslog.out" 2>/dev/null)" -ge \
		"$(event_count "$(ward_out "$1")" '.tracker == "alert"')" ]
}

# alert_via PROTO: a ward server sending to rsyslog over PROTO, one alert of $A.
alert_via() {
	local proto=$1 n=$2 i
	ward_start "$n" server -o json --no-aggregate --syslog "$proto:127.0.0.1:$port" \
		--metrics 127.0.0.1:0
	ward_in_force "$n"
	wait_event "$n" 30 '.tracker == "alert" and .container.name == $a' --arg a "$A" -- \
		ctr_exec "$A" /bin/sh -c "echo $proto"
	poll 5 all_received "$n" && return 0
	fail "over $proto: rsyslog got $(grep -c " ward alert " "$TDIR/syslog.out" 2>/dev/null) of \
$(event_count "$(ward_out "$n")" '.tracker == "alert"') alerts: $(tail -n 3 "$TDIR/syslog.out" 2>/dev/null)"
}

alert_via udp u
ward_stop u
line=$(grep " ward alert " "$TDIR/syslog.out" | grep "container=\"$A\"" | head -n 1)
msg=${line#*] }
check "over UDP: facility auth, app-name ward, msgid alert" grep -q "^auth [a-z]* ward alert \[ward@32473 " <<<"$line"
check "  ... the message is the alert's JSON" jq -e '.tracker == "alert" and .container.name == $a' --arg a "$A" <<<"$msg"
rule=$(jq -r .rule <<<"$msg")
pol=$(jq -r .policy <<<"$msg")
check "  ... the structured data names policy $pol and rule $rule" \
	grep -qF "policy=\"$pol\" rule=\"$rule\" action=\"$(jq -r .action <<<"$msg")\"" <<<"$line"
sev=$(jq -r '.severity // "none"' <<<"$msg")
case $sev in
critical) want=crit ;; high) want=err ;; medium) want=warning ;; *) want=notice ;;
esac
check "  ... severity $want for a $sev rule" grep -q "^auth $want " <<<"$line"
: >"$TDIR/syslog.out"

alert_via tcp t
echo "ok: over TCP (octet counting): every alert arrived"
# The receiver gone: ward goes on, and what it could not send is counted.
kill "$rspid"
wait "$rspid" 2>/dev/null
for c in 1 2 3; do
	ctr_exec "$A" /bin/sh -c "cat /etc/shadow >/dev/null; echo gone-$c"
	sleep 0.5
done
sleep 2
addr=$(sed -n 's|.*metrics on http://\([^/"]*\)/metrics.*|\1|p' "$TDIR/t.err")
dropped=$(curl -sf "http://$addr/metrics" | sed -n 's/^ward_output_dropped_total{output="syslog"} //p')
check "with rsyslog gone, ward dropped and counted alerts ($dropped)" [ "${dropped:-0}" -ge 1 ]
ward_stop t
echo "PASS"
