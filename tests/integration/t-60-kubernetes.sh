#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Container metadata from OCI annotations: Kubernetes pod, namespace, container
# and pod uid under container.kubernetes (no pod labels: those come from a cri-o
# sandbox's state, tests/unit/test_container.c); annotations among
# container.labels. A
# plain runc container (no annotations) has no kubernetes object and its name
# is its runc id. --container ID matches the annotated container by its id.
. "$(dirname "$0")/lib.sh"
wardit_setup

r=$RANDOM$RANDOM
K=$(ctr_id k)
P=$(ctr_id p)
ann=$(jq -nc --arg r "$r" '{
	"io.kubernetes.pod.name": "wardpod-\($r)",
	"io.kubernetes.pod.namespace": "wardns-\($r)",
	"io.kubernetes.container.name": "wardctr-\($r)",
	"io.kubernetes.pod.uid": "0f1e2d3c-4b5a-6978-8796-\($r)",
	"ward.test/owner": "wardit-\($r)"}')

CTR_ANNOTATIONS=$ann ctr_start "$K"
ctr_start "$P"
ward_start w run process -o json
ward_start byid run process -o json --container "$K"
out=$(ward_out w)

bb_exec='.event == "exec" and .argv[0] == "/bin/busybox" and .argv[-1] == $m'
wait_event w 30 "$bb_exec" --arg m "ward-k8s-$r-$K" \
	-- ctr_exec "$K" /bin/busybox echo "ward-k8s-$r-$K"
wait_event w 10 "$bb_exec" --arg m "ward-k8s-$r-$P" \
	-- ctr_exec "$P" /bin/busybox echo "ward-k8s-$r-$P"
wait_event byid 10 "$bb_exec" --arg m "ward-k8s-$r-$K" \
	-- ctr_exec "$K" /bin/busybox echo "ward-k8s-$r-$K"
ward_stop w
ward_stop byid

assert_some "annotated $K: kubernetes pod/namespace/container, annotations as labels" "$out" \
	"$bb_exec"' and .container.host == false and .container.id == $k and
	.container.runtime == "runc" and
	.container.kubernetes == {pod: "wardpod-\($r)", namespace: "wardns-\($r)",
				  container: "wardctr-\($r)",
				  pod_uid: "0f1e2d3c-4b5a-6978-8796-\($r)", labels: {}} and
	(.container.labels as $l | $ann | to_entries | all(.[]; $l[.key] == .value))' \
	--arg m "ward-k8s-$r-$K" --arg k "$K" --arg r "$r" --argjson ann "$ann"
assert_some "plain $P: name is the runc id, no kubernetes object" "$out" \
	"$bb_exec"' and .container.name == $p and .container.id == $p and
	(.container | has("kubernetes") | not)' --arg m "ward-k8s-$r-$P" --arg p "$P"
assert_some "--container $K (by id): its exec" "$(ward_out byid)" \
	"$bb_exec"' and .container.id == $k' --arg m "ward-k8s-$r-$K" --arg k "$K"
assert_none "--container $K (by id): nothing else" "$(ward_out byid)" \
	'.container.id != $k' --arg k "$K"
check_schema "$out" process
check_schema "$(ward_out byid)" process
echo "PASS"
