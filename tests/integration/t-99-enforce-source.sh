#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# fromSource without BPF-LSM (the host kernel): a file rule that holds only when the
# acting binary is in /data/srv/ (a copy of busybox there) kills that binary's read of
# /data/secret and names it in the alert, while the same read by /bin/cat (busybox at
# its usual path) is allowed and raises no alert. The policy's cgroup carries the
# fromSource flag, so the hook reads the acting executable before it decides
# (exe_for_decision, bpf/enforce/enforce.bpf.h); without that read the rule would never hold.
# A multi-call server is named by the name it runs as: with fromSource /usr/sbin/httpd,
# busybox's httpd applet (`busybox httpd`, whose executable is /bin/busybox) serving
# /data/page is killed, and the alert names it; the same page read by cat is allowed.
# Exec rules' fromSource (from 6.10: sched_prepare_exec sees the acting binary before the
# exec replaces it): /data/true run by a shell in /data/srv/ is killed, by /bin/sh allowed.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
r=$RANDOM
pol=$TDIR/policy.yaml
policy_write "$pol" it-source enforce "file: allow, exec: allow" "$A" <<YAML
    - name: no-secret-from-srv
      file: {paths: [/data/secret], access: [read], fromSource: [/data/srv/]}
      action: block
    - name: no-page-from-httpd
      file: {paths: [/data/page], access: [read], fromSource: [/usr/sbin/httpd]}
      action: block
    - name: no-true-from-srv
      exec: {paths: [/data/true], fromSource: [/data/srv/]}
      action: block
YAML

ctr_start "$A"
ctr_exec "$A" sh -c "echo secret-$r >/data/secret && mkdir /data/srv && cp /bin/busybox /data/srv/cat &&
	cp /bin/busybox /data/srv/sh && cp /bin/busybox /data/true" ||
	fail "preparing /data in $A"
server_start "$pol"

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

ctr_exec "$A" sh -c "echo page-$r >/data/page" || fail "writing /data/page in $A"
ctr_exec "$A" busybox httpd -p 127.0.0.1:8080 -h /data || fail "starting busybox httpd in $A"
# (nc, not wget: the rootfs has no resolver files and busybox wget crashes without them)
fetch() { ctr_exec "$A" sh -c 'printf "GET /page HTTP/1.0\r\n\r\n" | nc -w 3 127.0.0.1 8080'; }
alert='.tracker == "alert" and .object == "/data/page"'
wait_event w 30 "$alert" -- fetch
assert_event "the server's read is killed, named by the applet it runs as" \
	"$(first_event "$out" "$alert")" \
	'.rule == "no-page-from-httpd" and .action == "block" and .level == "sigkill" and
	 .exe == "/bin/busybox"'
[ "$(ctr_exec "$A" cat /data/page)" = "page-$r" ] || fail "cat, not a server, could not read /data/page"
echo "ok: the page read by cat is allowed"

if [ -e /sys/kernel/tracing/events/sched/sched_prepare_exec ]; then
	run_true() { ctr_exec "$A" "$1" -c '/data/true; echo rc=$?' 2>/dev/null; }
	alert='.tracker == "alert" and .op == "exec" and .object == "/data/true"'
	wait_event w 30 "$alert" -- run_true /data/srv/sh
	assert_event "the exec by /data/srv/sh is killed, the alert names the shell" \
		"$(first_event "$out" "$alert")" \
		'.rule == "no-true-from-srv" and .action == "block" and .level == "sigkill" and
		 .exe == "/data/srv/sh"'
	[ "$(run_true /data/srv/sh)" = "rc=137" ] || fail "/data/srv/sh ran /data/true"
	echo "ok: /data/true executed by /data/srv/sh is killed"
	[ "$(run_true /bin/sh)" = "rc=0" ] || fail "/bin/sh, not in fromSource, could not run /data/true"
	sleep 1
	assert_none "no alert for /bin/sh" "$out" "$alert"' and .exe != "/data/srv/sh"'
	echo "ok: /data/true executed by /bin/sh is allowed"
else
	echo "SKIP (part): exec fromSource: no sched_prepare_exec tracepoint (kernel before 6.10)"
fi
ward_stop w
check_alert_schema "$out"
echo "PASS"
