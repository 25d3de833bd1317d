#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# fromSource without BPF-LSM (the host kernel): a file rule that holds only when the
# acting binary is in /data/srv/ (a copy of busybox there) kills that binary's read of
# /data/secret and names it in the alert, while the same read by /bin/cat (busybox at
# its usual path) is allowed and raises no alert. The policy's cgroup carries the
# fromSource flag, so the hook reads the acting executable before it decides
# (exe_for_decision, lsm/enforce.bpf.h); without that read the rule would never hold.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
r=$RANDOM
pol=$TDIR/policy.yaml
cat >"$pol" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: it-source}
spec:
  selector: {containers: ["$A"]}
  mode: enforce
  defaults: {file: allow}
  rules:
    - name: no-secret-from-srv
      file: {paths: [/data/secret], access: [read], fromSource: [/data/srv/]}
      action: block
YAML

ctr_start "$A"
ctr_exec "$A" sh -c "echo secret-$r >/data/secret && mkdir /data/srv && cp /bin/busybox /data/srv/cat" ||
	fail "preparing /data in $A"
ward_start w server -o json --policy "$pol" --unpin-on-exit
out=$(ward_out w)

run_cat() { ctr_exec "$A" sh -c "$1 /data/secret; echo rc=\$?" 2>/dev/null; }
alert='.tracker == "alert" and .object == "/data/secret"'
wait_event w 30 "$alert" -- run_cat /data/srv/cat
ev=$(first_event "$out" "$alert")
assert_event "the alert names the rule, the acting binary and the kill" "$ev" \
	'.rule == "no-secret-from-srv" and .policy == "it-source" and .action == "block" and
	 .level == "sigkill" and .exe == "/data/srv/cat"'
got=$(run_cat /data/srv/cat)
[ "$got" = "rc=137" ] || fail "/data/srv/cat read /data/secret: $got"
echo "ok: the read by /data/srv/cat is killed"

got=$(run_cat /bin/cat)
[ "$got" = "secret-$r
rc=0" ] || fail "/bin/cat is not in fromSource but its read failed: $got"
echo "ok: the same read by /bin/cat is allowed"
sleep 1 # an alert would be on its way through the ring buffer by now
assert_none "no alert for /bin/cat" "$out" "$alert"' and .exe != "/data/srv/cat"'
ward_stop w
check_alert_schema "$out"
echo "PASS"
