#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tcp tracker: connect/accept/close over loopback inside a container's own
# network namespace (addresses, ports, latency, attribution), a refused connect
# reports ECONNREFUSED, and a host connect is marked host.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
bb=$(command -v busybox)
port=$((20000 + RANDOM % 20000))
closed=$((port + 1))
hport=$((port + 2))

ctr_start "$A"
cga=$(ctr_cgroup_id "$A") || fail "cgroup id of $A"
ward_start w run tcp -o json
out=$(ward_out w)

# Nothing listens on $closed in A's fresh network namespace: refused.
wait_event w 30 '.event == "connect" and .dport == $p and .container.name == $n' \
	--argjson p $closed --arg n "$A" -- ctr_exec "$A" nc 127.0.0.1 $closed

reply=$(ctr_exec "$A" sh -c "nc -l -p $port -e echo ward-tcp & sleep 0.5
	echo hi | nc 127.0.0.1 $port; wait")
check "nc exchange in $A worked (got '$reply')" [ "$reply" = ward-tcp ]
wait_event w 10 '.event == "connect" and .dport == $p' --argjson p $port
conn=$(first_event "$out" '.event == "connect" and .dport == $p' --argjson p $port) ||
	fail "jq failed"
csport=$(jq .sport <<<"$conn")
cpid=$(jq .pid <<<"$conn")
wait_event w 10 '.event == "accept" and .sport == $p and .dport == $c' \
	--argjson p $port --argjson c "$csport"
for side in '.sport == $p and .dport == $c' '.sport == $c and .dport == $p'; do
	wait_event w 10 ".event == \"close\" and $side" --argjson p $port --argjson c "$csport"
done

# A host connect (host network namespace); refused or not, it is the host's.
timeout 3 "$bb" nc 127.0.0.1 $hport </dev/null >/dev/null 2>&1
wait_event w 10 '.event == "connect" and .dport == $p' --argjson p $hport
ward_stop w

assert_some "refused connect in $A: ECONNREFUSED" "$out" '
	.event == "connect" and .dport == $p and .daddr == "127.0.0.1" and
	.error == "ECONNREFUSED" and .container.name == $n and .cgroup_id == $cg' \
	--argjson p $closed --arg n "$A" --argjson cg "$cga"
assert_event "connect in $A: addresses, ports, latency, name, cgroup" "$conn" '
	.family == 4 and .saddr == "127.0.0.1" and .daddr == "127.0.0.1" and .dport == $p and
	.sport > 0 and .sport != $p and (.latency_us | type == "number") and
	.comm == "nc" and .container.name == $n and .container.id == $n and
	.container.host == false and .cgroup_id == $cg' \
	--argjson p $port --arg n "$A" --argjson cg "$cga"
# busybox nc listens on a dual-stack IPv6 socket: the accepted socket is
# IPv6 with IPv4-mapped addresses.
assert_some "accept by the listener in $A mirrors the connect's ports" "$out" '
	.event == "accept" and
	((.family == 4 and .saddr == "127.0.0.1" and .daddr == "127.0.0.1") or
	 (.family == 6 and .saddr == "::ffff:127.0.0.1" and .daddr == "::ffff:127.0.0.1")) and
	.sport == $p and .dport == $cs and .pid != $cp and .comm == "nc" and
	.container.name == $n and .cgroup_id == $cg' \
	--argjson p $port --argjson cs "$csport" --argjson cp "$cpid" --arg n "$A" \
	--argjson cg "$cga"
assert_some "close of the connecting side in $A with a duration" "$out" '
	.event == "close" and .pid == $cp and .sport == $cs and .dport == $p and
	(.duration_ms | type == "number") and .container.name == $n' \
	--argjson p $port --argjson cs "$csport" --argjson cp "$cpid" --arg n "$A"
assert_some "close of the accepting side in $A with a duration" "$out" '
	.event == "close" and .sport == $p and .dport == $cs and
	(.duration_ms | type == "number") and .container.name == $n' \
	--argjson p $port --argjson cs "$csport" --arg n "$A"
assert_event "a successful connect carries no error" "$conn" 'has("error") | not'
assert_none "every event on A's ports is A's" "$out" \
	'(.sport == $p or .dport == $p or .dport == $c) and (.daddr | endswith("127.0.0.1")) and
	 .container.name != $n' --argjson p $port --argjson c $closed --arg n "$A"
assert_some "a host connect is marked host" "$out" '
	.event == "connect" and .dport == $p and .daddr == "127.0.0.1" and
	.container == {host: true}' --argjson p $hport
check_schema "$out" tcp
echo "PASS"
