#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Applets without BPF-LSM (the host kernel): busybox sh runs an applet by re-executing itself
# (`execve("/proc/self/exe")` with argv[0] "nc"), and `busybox nc` runs it by its first
# argument; exec rules decide the name a program runs as, so the rule on /usr/bin/nc kills
# both (status 137; the alert names the applet and the resolved binary), while other applets
# run. A rule that already decided an exec by its invoked name (/bin/sh, an alert) does not
# alert twice for the same exec through the applet "sh". busybox runs its NOEXEC applets
# (insmod, ...) in a forked shell with no exec at all, naming the process after the applet:
# the rule on /sbin/insmod kills that process at the rename (status 137), before insmod runs.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
pol=$TDIR/policy.yaml
policy_write "$pol" it-applet enforce "exec: allow" "$A" <<YAML
    - name: no-nc
      exec: {paths: [/usr/bin/nc]}
      action: block
    - name: shell
      exec: {paths: [/bin/sh]}
      action: alert
    - name: no-insmod
      exec: {paths: [/sbin/insmod]}
      action: block
YAML
ctr_start "$A"
server_start "$pol" --events process

alert='.tracker == "alert" and .rule == "no-nc"'
wait_event w 30 "$alert" -- ctr_exec "$A" /bin/sh -c "nc -h 2>/dev/null"
ev=$(first_event "$out" "$alert")
assert_event "the alert names the applet and the resolved binary" "$ev" \
	'.applet == "nc" and .object == "/bin/busybox" and .action == "block" and .level == "sigkill"'
got=$(ctr_exec "$A" /bin/sh -c 'nc -h >/dev/null 2>&1; echo rc=$?')
[ "$got" = "rc=137" ] || fail "the nc applet run by sh was not killed: $got"
echo "ok: sh's re-exec of itself as nc is killed"
got=$(ctr_exec "$A" /bin/sh -c '/bin/busybox nc -h >/dev/null 2>&1; echo rc=$?')
[ "$got" = "rc=137" ] || fail "busybox nc was not killed: $got"
echo "ok: busybox nc is killed"
got=$(ctr_exec "$A" /bin/sh -c 'cat /dev/null; echo rc=$?')
[ "$got" = "rc=0" ] || fail "the cat applet was refused: $got"
echo "ok: other applets run"

alert='.tracker == "alert" and .rule == "no-insmod"'
got=$(ctr_exec "$A" /bin/sh -c 'insmod /data/none.ko 2>/dev/null; echo rc=$?')
[ "$got" = "rc=137" ] || fail "the insmod applet run in the shell's fork was not killed: $got"
wait_event w 10 "$alert"
assert_event "the alert names the applet, run without an exec" "$(first_event "$out" "$alert")" \
	'.applet == "insmod" and .object == "/bin/busybox" and .level == "sigkill"'
echo "ok: a NOEXEC applet (insmod in the shell's fork) is killed at its rename"

shell='.tracker == "alert" and .rule == "shell"'
n0=$(event_count "$out" "$shell")
ctr_exec "$A" /bin/sh -c 'echo once' >/dev/null
wait_event w 10 '.tracker == "process" and .event == "exit" and .comm == "sh"'
assert_count "one alert per shell exec (the invoked name and the applet are the same rule)" \
	$((n0 + 1)) "$out" "$shell"
ward_stop w
check_alert_schema "$out"
echo "PASS"
