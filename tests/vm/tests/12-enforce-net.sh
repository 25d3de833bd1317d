#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# BPF-LSM network enforcement with a real runc container (sharing the guest's network namespace):
# a TCP connect rule on 127.0.0.0/8 port 7001, a UDP rule on 127.0.0.1 port 7004 and a bind
# rule on port 7003. Audit mode lets the connect run and alerts; enforce mode refuses with EPERM
# the connect (also to the IPv4-mapped ::ffff:127.0.0.1 from an IPv6 socket), an unconnected UDP
# sendto (sendmsg hook), the bind, and listen() on a socket bound while the policy was in audit
# mode; other ports, container B and the host are untouched. Socket rules: creating a raw or a
# packet socket (socket_create), connecting or sending to a unix socket by the path its peer is
# bound to (unix_stream_connect, unix_may_send) and binding one (path_mknod) are refused the same
# way (a relative unix name is taken against the cwd); another unix path is not. After SIGKILL
# of the daemon the pinned programs keep refusing.
# busybox nc cannot do UDP, IPv6-mapped addresses or a delayed listen, so the socket calls are
# made by perl with builtins only (no modules): /usr/bin/perl and its libraries are copied in.
# vm-binaries: jq runc perl
# vm-timeout: 120
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup na nb

write_policy() { # MODE
	cat >"$pol" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-net}
spec:
  selector: {containers: ["$A"]}
  mode: $1
  defaults: {network: allow}
  rules:
    - name: no-7001
      network: {connect: {cidrs: [127.0.0.0/8], ports: [7001], protocols: [tcp]}}
      action: block
    - name: no-udp-7004
      network: {connect: {cidrs: [127.0.0.1], ports: [7004], protocols: [udp]}}
      action: block
    - name: no-bind-7003
      network: {bind: {ports: [7003]}}
      action: block
    - name: no-raw
      network: {sockets: [raw, packet]}
      action: block
    - name: no-unix
      network: {connect: {unix: [/tmp/s.sock, /tmp/d.sock]}}
      action: block
    - name: no-unix-bind
      network: {bind: {unix: [/tmp/new.sock]}}
      action: block
YAML
}

# net.pl OP FAMILY ADDR PORT: OP connect|sendto|bind|bindlisten (bind, wait for a line on
# /tmp/go, listen); FAMILY 4, or 6 for an IPv6 socket using ::ffff:ADDR. OP raw|packet creates
# such a socket; uconnect|usend|ubind - PATH - a unix stream connect, datagram, stream bind.
# Prints "rc=ERRNO TEXT".
cat >"$VM_TMP/net.pl" <<'PL'
my ($op, $fam, $addr, $port) = @ARGV;
sub rc { print $_[0] ? "rc=0\n" : "rc=" . ($! + 0) . " $!\n"; exit 0; }
rc($op eq "raw" ? socket(S, 2, 3, 1) : socket(S, 17, 2, 0)) if $op eq "raw" || $op eq "packet";
if ($op =~ /^u/) {
	my $sa = pack("S a108", 1, $addr);
	socket(S, 1, $op eq "usend" ? 2 : 1, 0) or rc(0);
	rc($op eq "uconnect" ? connect(S, $sa) : $op eq "usend" ? defined(send(S, "x", 0, $sa)) :
		bind(S, $sa));
}
my @ip = split(/\./, $addr);
my ($dom, $sa) = $fam == 6 ?
	(10, pack("S n N x10 C2 C4 N", 10, $port, 0, 255, 255, @ip, 0)) :
	(2, pack("S n C4 x8", 2, $port, @ip));
socket(S, $dom, $op eq "sendto" ? 2 : 1, 0) or die "socket: $!";
my $ok;
if ($op eq "connect") { $ok = connect(S, $sa); }
elsif ($op eq "sendto") { $ok = defined(send(S, "x", 0, $sa)); }
elsif ($op eq "bind") { $ok = bind(S, $sa); }
elsif ($op eq "bindlisten") {
	bind(S, $sa) or die "bind: $!";
	open(G, "<", "/tmp/go") or die "go: $!";
	my $line = <G>;
	$ok = listen(S, 5);
}
print $ok ? "rc=0\n" : "rc=" . ($! + 0) . " $!\n";
PL

# A TCP listener on 127.0.0.1 for ports 7001 and 7002, accepting forever (guest, not targeted).
perl -e 'for my $p (7001, 7002) { my $h = "L$p"; socket($h, 2, 1, 0) or die;
	setsockopt($h, 1, 2, pack("i", 1)); bind($h, pack("S n C4 x8", 2, $p, 127, 0, 0, 1)) or die;
	listen($h, 64) or die; push @l, $h }
	while (1) { for (@l) { my $r = ""; vec($r, fileno($_), 1) = 1;
	if (select($r, undef, undef, 0.05)) { accept(C, $_); close(C) } } }' &
# shellcheck disable=SC2034 # used by the cleanup hook (eval)
srv_pid=$!
# Unix sockets in both containers' /tmp: stream listeners s.sock and ok.sock, datagram d.sock.
mkdir -p "$VM_TMP/$A/rootfs/tmp" "$VM_TMP/$B/rootfs/tmp"
perl -e 'for my $d (@ARGV) { for (["s.sock", 1], ["ok.sock", 1], ["d.sock", 2]) {
	my $h = "U" . scalar(@u); socket($h, 1, $_->[1], 0) or die;
	bind($h, pack("S a108", 1, "$d/$_->[0]")) or die "bind $d/$_->[0]: $!";
	listen($h, 64) if $_->[1] == 1; push @u, $h } }
	sleep 1000' "$VM_TMP/$A/rootfs/tmp" "$VM_TMP/$B/rootfs/tmp" &
# shellcheck disable=SC2034 # used by the cleanup hook (eval)
usrv_pid=$!
vm_cleanup_hook='kill -KILL $srv_pid $usrv_pid 2>/dev/null'

start_ctr() { # ID
	b=$VM_TMP/$1
	mkdir -p "$b/rootfs/bin" "$b/rootfs/usr/bin" "$b/rootfs/tmp"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	ln -s busybox "$b/rootfs/bin/sh"
	cp /usr/bin/perl "$b/rootfs/usr/bin/perl"
	cp -a /lib /lib64 "$b/rootfs/"
	cp "$VM_TMP/net.pl" "$b/rootfs/net.pl"
	mkfifo "$b/rootfs/tmp/go"
	vm_runc_sleeper "$1" '.process.capabilities[] += ["CAP_NET_RAW"] |
		.linux.namespaces |= map(select(.type != "network"))'
}
start_ctr "$A"
start_ctr "$B"

# One runc exec runs every call of /calls (lines "NAME OP FAMILY ADDR PORT") and prints
# "NAME rc=ERRNO TEXT" per call into $VM_TMP/calls.ID.
calls() { # ID
	# shellcheck disable=SC2016 # expanded by the container's shell
	runc exec "$1" /bin/sh -c 'while read -r n op fam addr port; do
		echo "$n $(/usr/bin/perl /net.pl "$op" "$fam" "$addr" "$port" 2>&1)"; done </calls' \
		>"$VM_TMP/calls.$1" 2>&1
}
expect() { # ID NAME WANT WHAT
	line=$(grep "^$2 " "$VM_TMP/calls.$1")
	case $line in
	"$2 rc=$3"*) echo "ok: $4 ($line)" ;;
	*) vm_fail "$4: got '$line', want rc=$3" ;;
	esac
}
EPERM=1

write_policy audit
# One server at a time (/run/ward/server.lock): an earlier test's may still be exiting.
vm_wait_for 30 "no other ward process" sh -c '! pidof ward'
t0=$(date +%s)
"$WARD" server -o json --no-aggregate --policy "$pol" >"$out" 2>"$err" &
ward_pid=$!
vm_wait_for 60 "ward in force" grep -q "generation 1 in force" "$err"
vm_log "ward in force after $(($(date +%s) - t0)) s"
printf 'c1 connect 4 127.0.0.1 7001\ns1 raw - - -\n' >"$VM_TMP/$A/rootfs/calls"
calls "$A"
expect "$A" c1 0 "audit: connect to 127.0.0.1:7001 proceeds"
expect "$A" s1 0 "audit: a raw socket is created"
vm_wait_for 20 "audit socket alert" has_alert '.op == "socket" and .object == "socket raw" and .level == "none"'
vm_wait_for 20 "audit connect alert" has_alert '.op == "connect" and .object == "127.0.0.1:7001"'
ev=$(alerts '.op == "connect"' | head -n 1)
echo "audit alert: $ev"
vm_assert_eq "$(echo "$ev" | jq -r '[.action, .mode, .level, .rule, .protocol] | join(" ")')" \
	"alert audit none no-7001 tcp" "audit alert action/mode/level/rule/protocol"
# Bound in audit mode (alert), listen()s after the switch to enforce.
runc exec "$A" /bin/sh -c '/usr/bin/perl /net.pl bindlisten 4 0.0.0.0 7003 >/tmp/listen.out 2>&1' &
vm_wait_for 20 "audit bind alert" has_alert '.op == "bind" and .port == 7003'

write_policy enforce
kill -HUP "$ward_pid"
vm_wait_for 30 "reload to generation 2" grep -q "generation 2 in force" "$err"
cat >"$VM_TMP/$A/rootfs/calls" <<'CALLS'
c1 connect 4 127.0.0.1 7001
c2 connect 4 127.0.0.2 7001
c3 connect 6 127.0.0.1 7001
c4 connect 4 127.0.0.1 7002
c5 connect 6 127.0.0.1 7002
u1 sendto 4 127.0.0.1 7004
u2 sendto 6 127.0.0.1 7004
u3 sendto 4 127.0.0.1 7005
b1 bind 4 0.0.0.0 7003
b2 bind 4 0.0.0.0 7006
s1 raw - - -
s2 packet - - -
x1 uconnect - /tmp/s.sock -
x2 uconnect - /tmp/ok.sock -
x3 usend - /tmp/d.sock -
x4 ubind - /tmp/new.sock -
x5 ubind - /tmp/fine.sock -
x6 uconnect - tmp/s.sock -
CALLS
cp "$VM_TMP/$A/rootfs/calls" "$VM_TMP/$B/rootfs/calls"
calls "$A"
expect "$A" c1 $EPERM "enforce: connect to 127.0.0.1:7001 fails with EPERM"
expect "$A" c2 $EPERM "enforce: connect to 127.0.0.2:7001 (in the /8) fails"
expect "$A" c3 $EPERM "enforce: IPv6 socket to ::ffff:127.0.0.1:7001 fails"
expect "$A" c4 0 "enforce: connect to 127.0.0.1:7002 proceeds"
expect "$A" c5 0 "enforce: IPv6 socket to ::ffff:127.0.0.1:7002 proceeds"
expect "$A" u1 $EPERM "enforce: unconnected UDP sendto 127.0.0.1:7004 fails"
expect "$A" u2 $EPERM "enforce: UDP sendto ::ffff:127.0.0.1:7004 fails"
expect "$A" u3 0 "enforce: UDP sendto 127.0.0.1:7005 proceeds"
expect "$A" b1 $EPERM "enforce: bind to port 7003 fails"
expect "$A" b2 0 "enforce: bind to port 7006 proceeds"
expect "$A" s1 $EPERM "enforce: creating a raw socket fails"
expect "$A" s2 $EPERM "enforce: creating a packet socket fails"
expect "$A" x1 $EPERM "enforce: unix connect to /tmp/s.sock fails"
expect "$A" x2 0 "enforce: unix connect to /tmp/ok.sock proceeds"
expect "$A" x3 $EPERM "enforce: datagram to the unix socket /tmp/d.sock fails"
expect "$A" x4 $EPERM "enforce: binding a unix socket at /tmp/new.sock fails"
expect "$A" x5 0 "enforce: binding a unix socket at /tmp/fine.sock proceeds"
expect "$A" x6 $EPERM "enforce: unix connect to the relative tmp/s.sock (cwd /) fails"
[ ! -e "$VM_TMP/$A/rootfs/tmp/new.sock" ] || vm_fail "the refused bind left /tmp/new.sock"
echo go >"$VM_TMP/$A/rootfs/tmp/go"
vm_wait_for 20 "the delayed listen() returned" test -s "$VM_TMP/$A/rootfs/tmp/listen.out"
vm_assert_eq "$(cut -d' ' -f1 "$VM_TMP/$A/rootfs/tmp/listen.out")" "rc=$EPERM" \
	"enforce: listen() on a socket bound to 7003 fails"
for op in connect sendmsg bind listen socket unix_connect unix_bind; do
	vm_wait_for 20 "block alert for $op" has_alert ".action == \"block\" and .level == \"lsm\" and .op == \"$op\""
done
vm_assert_eq "$(alerts '.action == "block" and .op == "sendmsg"' | head -n 1 | jq -r '.protocol + " " + .object')" \
	"udp 127.0.0.1:7004" "sendmsg alert protocol/object"
vm_assert_eq "$(alerts '.action == "block" and .op == "socket"' | jq -r .object | sort -u | tr '\n' ' ')" \
	"socket packet socket raw " "socket alert objects"
vm_assert_eq "$(alerts '.action == "block" and (.op | startswith("unix"))' | jq -r '.op + " " + .object + " " + .rule' | sort -u | tr '\n' ,)" \
	"unix_bind /tmp/new.sock no-unix-bind,unix_connect /tmp/d.sock no-unix,unix_connect /tmp/s.sock no-unix," \
	"unix alerts: op, path as the container sees it, rule"

calls "$B"
for n in c1 c3 u1 u2 s1 s2 x1 x3 x4; do
	expect "$B" $n 0 "container B: $(grep "^$n " "$VM_TMP/$B/rootfs/calls") proceeds"
done
got=$(perl "$VM_TMP/net.pl" connect 4 127.0.0.1 7001)
vm_assert_eq "$got" "rc=0" "host: connect to 127.0.0.1:7001"
vm_assert_eq "$(alerts ".container.name == \"$B\"" | wc -l)" 0 "no alert for B"

# SIGKILL: the pinned programs keep refusing.
kill -KILL "$ward_pid"
wait "$ward_pid" 2>/dev/null
ward_pid=
printf 'c1 connect 4 127.0.0.1 7001\ns1 raw - - -\nx1 uconnect - /tmp/s.sock -\n' >"$VM_TMP/$A/rootfs/calls"
calls "$A"
expect "$A" c1 $EPERM "after SIGKILL of ward: connect still fails"
expect "$A" s1 $EPERM "after SIGKILL of ward: raw socket still fails"
expect "$A" x1 $EPERM "after SIGKILL of ward: unix connect still fails"
vm_log "done after $(($(date +%s) - t0)) s"
