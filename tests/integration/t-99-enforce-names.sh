#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A file rule's `names` (a basename in any directory), without BPF-LSM (the host kernel): the
# rule on the name token.key kills reads of it in any directory, at any depth (status 137,
# the alert names the file), while a file whose name only begins with it, and a directory of
# that name, are read freely.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
pol=$TDIR/policy.yaml
policy_write "$pol" it-names enforce "file: allow" "$A" <<YAML
    - name: no-token
      file: {names: [token.key], access: [read]}
      action: block
YAML
ctr_start "$A"
ctr_exec "$A" sh -c 'mkdir -p /data/a/b/token.key && for f in /data/token.key /data/a/b/c.key \
	/data/a/token.key /data/a/token.keyx /data/a/b/token.key/inner; do
	mkdir -p "${f%/*}"; echo ok >"$f"; done' || fail "preparing /data in $A"
server_start "$pol"
ward_in_force w

read_rc() { ctr_exec "$A" sh -c "cat $1 >/dev/null 2>&1; echo rc=\$?"; }
for f in /data/token.key /data/a/token.key; do
	got=$(read_rc "$f")
	[ "$got" = "rc=137" ] || fail "the read of $f was not killed: $got"
	wait_event w 10 '.tracker == "alert" and .rule == "no-token" and .object == "'"$f"'"'
	echo "ok: the read of $f is killed and alerted"
done
for f in /data/a/token.keyx /data/a/b/c.key /data/a/b/token.key/inner; do
	got=$(read_rc "$f")
	[ "$got" = "rc=0" ] || fail "$f is not named token.key but its read failed: $got"
	echo "ok: $f is read"
done
sleep 1 # an alert would be on its way through the ring buffer by now
assert_none "no alert for other names" "$out" \
	'.tracker == "alert" and (.object | endswith("/token.key") | not)'
ward_stop w
check_alert_schema "$out"
echo "PASS"
