#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Path tricks against an exec rule (/data/sh, a copy of busybox; "/memfd:*"; the script
# /data/blocked.sh) and a file rule (read of /etc/wardsecret), in enforce mode, in a runc
# container: each trick must end in EPERM, and the same trick in an untargeted container B must
# work (so the trick itself is real). docs/threat-model.md lists what is covered.
# execveat, fexecve, memfd_create, O_PATH and openat are not in busybox: perl's builtins
# (syscall, sysopen; no modules) make those calls, /usr/bin/perl and its libraries copied in.
# vm-binaries: jq runc perl
# vm-timeout: 120
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup pa pb

cat >"$pol" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-tricks}
spec:
  selector: {containers: ["$A"]}
  mode: enforce
  defaults: {exec: allow, file: allow}
  rules:
    - name: no-sh-copy
      exec: {paths: [/data/sh, /data/blocked.sh, "/memfd:*"]}
      action: block
    - name: no-secret
      file: {paths: [/etc/wardsecret], access: [read]}
      action: block
YAML

# tricks.pl OP PATH: execveat (directory fd + name), fexecve (execveat AT_EMPTY_PATH on an fd
# of PATH), procfd (execve of /proc/self/fd/N, N an fd of PATH), memfd (PATH's bytes into a memfd, executed by fd), reopen (O_PATH fd, re-opened for
# reading through /proc/self/fd/N), openat (directory fd + name). Programs run as "sh -c true".
cat >"$VM_TMP/tricks.pl" <<'PL'
my ($op, $path) = @ARGV;
my @args = ("sh", "-c", "true");
my $argv = pack("p4", @args, undef);
my $envp = pack("p", undef);
my ($empty, $mname) = ("", "ward");
sub fail { print STDERR "$op: $!\n"; exit(($! + 0) || 255); }
my ($dir, $name) = $path =~ m{^(.*)/([^/]+)$};
if ($op eq "execveat") {
	open(D, "<", $dir) or fail();
	syscall(322, fileno(D), $name, $argv, $envp, 0);
} elsif ($op eq "fexecve") {
	open(F, "<", $path) or fail();
	syscall(322, fileno(F), $empty, $argv, $envp, 0x1000);
} elsif ($op eq "memfd") {
	open(F, "<", $path) or fail();
	binmode(F);
	local $/;
	my $data = <F>;
	my $fd = syscall(319, $mname, 0);
	$fd >= 0 or fail();
	open(M, ">&=", $fd) or fail();
	defined(syswrite(M, $data)) or fail();
	syscall(322, $fd, $empty, $argv, $envp, 0x1000);
} elsif ($op eq "procfd") {
	open(F, "<", $path) or fail();
	exec { "/proc/self/fd/" . fileno(F) } @args;
} elsif ($op eq "reopen") {
	sysopen(P, $path, 0x200000) or fail();
	open(R, "<", "/proc/self/fd/" . fileno(P)) or fail();
	exit(0);
} elsif ($op eq "openat") {
	open(D, "<", $dir) or fail();
	syscall(257, fileno(D), $name, 0) >= 0 or fail();
	exit(0);
}
fail();
PL

# One line per trick: "NAME rc=STATUS stderr".
cat >"$VM_TMP/tricks.sh" <<'SH'
#!/bin/sh
t() { n=$1; shift; e=$("$@" 2>&1 >/dev/null); echo "$n rc=$? $e"; }
mkdir -p /tmp/s /tmp/h
ln -sf /data/sh /tmp/s/sh
ln -sf /etc/wardsecret /tmp/s/secret
printf '#!/data/sh\ntrue\n' >/tmp/interp.sh
chmod +x /tmp/interp.sh
t exec-direct /data/sh -c true
t exec-symlink /tmp/s/sh -c true
t exec-relative sh -c 'cd /data && ./sh -c true'
t exec-dotdot /tmp/../data/sh -c true
t exec-hardlink ln /data/sh /tmp/h/sh
t exec-procfd perl /tricks.pl procfd /data/sh
t exec-execveat perl /tricks.pl execveat /data/sh
t exec-fexecve perl /tricks.pl fexecve /data/sh
t exec-memfd perl /tricks.pl memfd /bin/busybox
t exec-script /data/blocked.sh
t exec-interpreter /tmp/interp.sh
t file-direct cat /etc/wardsecret
t file-symlink cat /tmp/s/secret
t file-relative sh -c 'cd /etc && cat wardsecret'
t file-dotdot cat /tmp/../etc/wardsecret
t file-hardlink ln /etc/wardsecret /tmp/h/secret
t file-procfd perl /tricks.pl reopen /etc/wardsecret
t file-openat perl /tricks.pl openat /etc/wardsecret
SH
chmod +x "$VM_TMP/tricks.sh"

start_ctr() { # ID
	b=$VM_TMP/$1
	mkdir -p "$b/rootfs/bin" "$b/rootfs/usr/bin" "$b/rootfs/data" "$b/rootfs/etc" "$b/rootfs/tmp"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	for a in sh cat ln chmod mkdir printf true; do ln -s busybox "$b/rootfs/bin/$a"; done
	cp /bin/busybox "$b/rootfs/data/sh"
	printf '#!/bin/sh\ntrue\n' >"$b/rootfs/data/blocked.sh"
	chmod +x "$b/rootfs/data/blocked.sh"
	echo "secret-$token" >"$b/rootfs/etc/wardsecret"
	cp /usr/bin/perl "$b/rootfs/usr/bin/perl"
	cp -a /lib /lib64 "$b/rootfs/"
	cp "$VM_TMP/tricks.pl" "$VM_TMP/tricks.sh" "$b/rootfs/"
	vm_runc_sleeper "$1"
}
start_ctr "$A"
start_ctr "$B"

# One server at a time (/run/ward/server.lock): an earlier test's may still be exiting.
vm_wait_for 30 "no other ward process" sh -c '! pidof ward'
t0=$(date +%s)
"$WARD" server -o json --no-aggregate --policy "$pol" >"$out" 2>"$err" &
ward_pid=$!
vm_wait_for 60 "ward in force for $A" grep -q "generation 1 in force.* 1 containers targeted" "$err"
vm_log "ward in force after $(($(date +%s) - t0)) s"
runc exec "$A" /tricks.sh >"$VM_TMP/tricks.$A" 2>&1
runc exec "$B" /tricks.sh >"$VM_TMP/tricks.$B" 2>&1
echo "--- container A ---"
cat "$VM_TMP/tricks.$A"
echo "--- container B ---"
cat "$VM_TMP/tricks.$B"

eperm="Operation not permitted"
# A: the trick must fail with EPERM (sh reports a refused exec as 126, the others exit 1).
check() { # NAME STATUS
	line=$(grep "^$1 " "$VM_TMP/tricks.$A")
	case $line in
	"$1 rc=$2 "*"$eperm"*) echo "ok: $1 refused ($line)" ;;
	*) vm_fail "$1 not refused with EPERM: got '$line', want rc=$2 and '$eperm'" ;;
	esac
	line=$(grep "^$1 " "$VM_TMP/tricks.$B")
	case $line in
	"$1 rc=0 "*) echo "ok: $1 works in container B" ;;
	*) vm_fail "$1 does not work in untargeted container B: got '$line'" ;;
	esac
}
check exec-direct 126
check exec-symlink 126
check exec-relative 126
check exec-dotdot 126
check exec-hardlink 1
check exec-procfd 1
check exec-execveat 1
check exec-fexecve 1
check exec-memfd 1
check exec-script 126
check exec-interpreter 126
check file-direct 1
check file-symlink 1
check file-relative 1
check file-dotdot 1
check file-hardlink 1
check file-procfd 1
check file-openat 1
vm_wait_for 20 "memfd alert names the memfd" has_alert '.object | startswith("/memfd:ward")'
vm_log "done after $(($(date +%s) - t0)) s"
