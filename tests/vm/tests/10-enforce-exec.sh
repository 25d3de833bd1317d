#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# BPF-LSM exec enforcement with a real runc container: audit mode alerts and lets the program
# run; enforce mode (SIGHUP reload) refuses the exec with EPERM (the shell reports 126) and the
# alert says level "lsm"; a second container and the host are untouched; after SIGKILL of the
# daemon the pinned programs keep enforcing, and a restarted daemon adopts them. A rule naming a
# symlink (/bin/nc -> busybox) refuses the exec by the name it was invoked by, also as a script's
# #! interpreter, while the other names of the same binary run. A fromSource rule refuses /bin/sh
# started by a binary in /data/srv/ (the acting executable, read before the decision) and lets
# the same binary started by /bin/env run. A rule on /usr/bin/telnet kills busybox's telnet
# applet however it starts (by the shell's re-exec of itself, or as `busybox telnet`): the
# name it runs as is decided after the exec (level sigkill). A multi-call server is named by
# the name it runs as: with fromSource /usr/sbin/httpd, the CGI shell of busybox's httpd applet
# (executable /bin/busybox) is refused.
# vm-binaries: jq runc
# vm-timeout: 150
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup wa wb

write_policy() { # MODE
	cat >"$pol" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-exec}
spec:
  selector: {containers: ["$A"]}
  mode: $1
  defaults: {exec: allow}
  rules:
    - name: no-tool
      exec: {paths: [/data/echo]}
      action: block
    - name: no-nc
      exec: {paths: [/bin/nc]}
      action: block
    - name: no-sh-from-srv
      exec: {paths: [/bin/sh], fromSource: [/data/srv/]}
      action: block
    - name: no-telnet
      exec: {paths: [/usr/bin/telnet]}
      action: block
    - name: no-sh-from-httpd
      exec: {paths: [/bin/sh], fromSource: [/usr/sbin/httpd]}
      action: block
YAML
}

# Two busybox containers; /data/echo is a copy of busybox (echo applet by name).
start_ctr() { # ID
	b=$VM_TMP/$1
	mkdir -p "$b/rootfs/bin" "$b/rootfs/data/srv"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	cp /bin/busybox "$b/rootfs/data/echo"
	cp /bin/busybox "$b/rootfs/data/srv/env"
	ln -s busybox "$b/rootfs/bin/sh"
	ln -s busybox "$b/rootfs/bin/nc"
	ln -s busybox "$b/rootfs/bin/env"
	printf '#!/bin/nc -h\n' >"$b/rootfs/data/nc-script"
	chmod +x "$b/rootfs/data/nc-script"
	mkdir -p "$b/rootfs/data/www/cgi-bin"
	printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho cgi-shell-ran\n' \
		>"$b/rootfs/data/www/cgi-bin/t"
	chmod +x "$b/rootfs/data/www/cgi-bin/t"
	vm_runc_sleeper "$1"
}
start_ctr "$A"
start_ctr "$B"

tool() { runc exec "$1" /bin/sh -c "/data/echo ok-$token 2>/dev/null; echo rc=\$?"; }

write_policy audit
"$WARD" server -o json --no-aggregate --policy "$pol" >"$out" 2>"$err" &
ward_pid=$!
vm_wait_for 60 "audit alert for $A" sh -c "runc exec $A /data/echo x >/dev/null 2>&1;
	grep '\"tracker\":\"alert\"' $out | grep -q '\"object\":\"/data/echo\"'"
ev=$(alerts '.object == "/data/echo"' | head -n 1)
echo "audit alert: $ev"
vm_assert_eq "$(echo "$ev" | jq -r '.action + " " + .mode + " " + .level')" "alert audit none" \
	"audit alert action/mode/level"
vm_assert_eq "$(echo "$ev" | jq -r .container.name)" "$A" "audit alert container"
vm_assert_eq "$(tool "$A" | head -n 1)" "ok-$token" "audit mode lets /data/echo run"

write_policy enforce
kill -HUP "$ward_pid"
vm_wait_for 30 "reload to generation 2" grep -q "generation 2 in force" "$err"
vm_assert_eq "$(tool "$A" | tail -n 1)" "rc=126" "enforce: the shell sees exit 126 (EPERM)"
runc exec "$A" /bin/sh -c /data/echo 2>&1 | grep -q "Operation not permitted" ||
	vm_fail "enforce: no EPERM message"
vm_wait_for 20 "block alert" has_alert '.action == "block"'
ev=$(alerts '.action == "block"' | head -n 1)
echo "block alert: $ev"
vm_assert_eq "$(echo "$ev" | jq -r '.mode + " " + .level + " " + .rule')" "enforce lsm no-tool" \
	"block alert mode/level/rule"
# runc exec, as busybox sh would run the nc applet without an exec
for prog in /bin/nc /data/nc-script; do
	msg=$(runc exec "$A" "$prog" -h 2>&1) && vm_fail "enforce: $prog ran: $msg"
	echo "$msg" | grep -qi "operation not permitted" || vm_fail "enforce: $prog: not EPERM: $msg"
	echo "ok: enforce: $prog refused ($msg)"
done
vm_wait_for 20 "block alert for /bin/nc" has_alert '.rule == "no-nc" and .object == "/bin/nc"'
vm_assert_eq "$(runc exec "$A" /bin/sh -c 'echo sh-ok')" "sh-ok" \
	"enforce: /bin/sh, the same busybox by another name, runs"
msg=$(runc exec "$A" /data/srv/env /bin/sh -c 'echo sh-from-srv' 2>&1) &&
	vm_fail "enforce: /bin/sh started by /data/srv/env ran: $msg"
echo "$msg" | grep -qi "operation not permitted" || vm_fail "enforce: /bin/sh from srv: not EPERM: $msg"
vm_wait_for 20 "fromSource block alert" has_alert \
	'.rule == "no-sh-from-srv" and .object == "/bin/sh" and .exe == "/data/srv/env"'
vm_assert_eq "$(runc exec "$A" /bin/env /bin/sh -c 'echo sh-from-env')" "sh-from-env" \
	"enforce: /bin/sh started by /bin/env (not in fromSource) runs"
vm_assert_eq "$(runc exec "$A" /bin/sh -c 'telnet 127.0.0.1 1 </dev/null >/dev/null 2>&1; echo rc=$?')" \
	"rc=137" "enforce: the telnet applet run by the shell is killed"
vm_assert_eq "$(runc exec "$A" /bin/sh -c '/bin/busybox telnet 127.0.0.1 1 </dev/null >/dev/null 2>&1; echo rc=$?')" \
	"rc=137" "enforce: busybox telnet is killed"
vm_wait_for 20 "applet block alert" has_alert \
	'.rule == "no-telnet" and .applet == "telnet" and .level == "sigkill"'
cgi() { # CTR: the client from outside (nc in A is blocked), in the container's network
	printf 'GET /cgi-bin/t HTTP/1.0\r\n\r\n' |
		nsenter -t "$(runc state "$1" | jq .pid)" -n nc -w 5 127.0.0.1 8080
}
for c in "$A" "$B"; do
	runc exec "$c" /bin/busybox httpd -p 127.0.0.1:8080 -h /data/www ||
		vm_fail "busybox httpd does not start in $c"
done
cgi "$B" | grep -q cgi-shell-ran || vm_fail "B: the CGI shell of busybox httpd did not run"
got=$(cgi "$A")
echo "$got" | grep -q cgi-shell-ran && vm_fail "enforce: the CGI shell of busybox httpd ran: $got"
vm_wait_for 20 "fromSource block alert for a multi-call server" has_alert \
	'.rule == "no-sh-from-httpd" and .object == "/bin/sh" and .exe == "/bin/busybox" and
	 .level == "lsm"'
vm_assert_eq "$(tool "$B" | head -n 1)" "ok-$token" "container B untouched"
vm_assert_eq "$(/bin/busybox echo host-$token)" "host-$token" "host untouched"
vm_assert_eq "$(alerts ".container.name == \"$B\"" | wc -l)" 0 "no alert for B"

# SIGKILL: the pins keep the programs and the policy in the kernel.
kill -KILL "$ward_pid"
wait "$ward_pid" 2>/dev/null
ward_pid=
vm_assert_eq "$(tool "$A" | tail -n 1)" "rc=126" "enforcement survives SIGKILL of ward"
"$WARD" server -o json --no-aggregate --policy "$pol" --unpin-on-exit >"$out.2" 2>"$err.2" &
ward_pid=$!
vm_wait_for 60 "restarted ward adopts generation 2" grep -q "adopted the pinned enforcement state (generation 2)" "$err.2"
vm_wait_for 20 "restarted ward in force" grep -q "generation 3 in force" "$err.2"
vm_assert_eq "$(tool "$A" | tail -n 1)" "rc=126" "restarted ward still blocks"
kill -INT "$ward_pid"
wait "$ward_pid"
ward_pid=
vm_assert_eq "$(tool "$A" | head -n 1)" "ok-$token" "--unpin-on-exit: enforcement ends with ward"
