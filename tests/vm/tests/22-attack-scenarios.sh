#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The default rule pack against real attacks: `ward server` without --policy (the embedded
# pack of policies/, in audit mode) and one runc container with a busybox image in which
# attacks are played one after another with `runc exec`: shells from a server, on a socket and
# on a terminal, intrusion tools, drops run from /tmp, fileless execution, reads of secrets,
# tampering with binaries, libraries, /etc and logs, connections to the cloud metadata
# endpoint, to a mining pool and to the runtime socket, raw sockets, escapes through
# namespaces, mounts, /proc/sys and cgroupfs. Each attack must raise an alert of the pack's
# rule for it in that container; the run reports every attack that raised none, then fails.
# The container holds what the attacks need: CAP_SYS_ADMIN (the capability privileged
# containers and many "escape" tricks rely on), CAP_NET_RAW and CAP_SYS_CHROOT (in Docker's
# default set), no cgroup namespace (Docker's default on cgroup v1 hosts), /dev/shm without
# noexec (a memory-backed volume) and the runtime socket mounted in (a socket listening in the
# guest at /var/run/docker.sock).
# Not played: the other paths and tools of the same rules (/etc/ssh host keys, ~/.kube,
# gcloud and azure credentials, socat, chroot, ...: one of each kind is); the syscalls ptrace,
# bpf, perf_event_open, userfaultfd, open_by_handle_at (escape-syscalls alerts on the first
# call of each syscall per container: mount, unshare and setns are played); CAP_SYS_MODULE
# (module-loading-capability: a capability rule sees only a capability the process holds, and
# a container holding CAP_SYS_MODULE could load modules into the guest).
# vm-binaries: jq runc perl
# vm-timeout: 300
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup atk
sock=/run/ward-$token.sock
# shellcheck disable=SC2034 # used by the cleanup hook (eval)
lsn_pid=
# shellcheck disable=SC2034 # used by the cleanup hook (eval)
mounted_pts=
# shellcheck disable=SC2016 # evaluated by the cleanup
vm_cleanup_hook='[ -n "$lsn_pid" ] && kill -KILL "$lsn_pid" 2>/dev/null; rm -f "$sock"
	[ -n "$mounted_pts" ] && umount /dev/pts'

# ---- the container ------------------------------------------------------------------------------
r=$VM_TMP/$A/rootfs
vm_busybox_rootfs "$r"
mkdir -p "$r/usr/local/bin" "$r/root/.ssh" "$r/root/.aws" "$r/www/cgi-bin" "$r/mnt" "$r/data"
# a server binary of @servers (its own file, as a distribution's httpd is), and busybox's httpd
# applet as a busybox image has it (/bin/httpd, a link to busybox)
rm -f "$r/usr/sbin/httpd"
cp /bin/busybox "$r/usr/sbin/httpd"
ln -s /bin/busybox "$r/bin/httpd"
cp /bin/busybox "$r/usr/local/bin/xmrig"
cp /bin/busybox "$r/usr/bin/apt-get"
cp /usr/bin/perl "$r/usr/bin/perl"
cp -a /lib /lib64 "$r/"
echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
# shellcheck disable=SC2016 # a password hash
echo 'root:$6$ward$notarealhash:19000:0:99999:7:::' >"$r/etc/shadow"
printf '%s\n' '-----BEGIN OPENSSH PRIVATE KEY-----' 'AAAA' >"$r/root/.ssh/id_rsa"
printf '[default]\naws_access_key_id = AKIAWARDTEST\n' >"$r/root/.aws/credentials"
echo 'ls -la' >"$r/root/.ash_history"
echo 'GET / 200' >"$r/var/log/app.log"
echo 'sshd: accepted publickey' >"$r/var/log/auth.log"
echo '<html>index</html>' >"$r/www/index.html"
printf '#!/bin/sh\necho Content-Type: text/plain\necho\necho cgi-ran\n' >"$r/www/cgi-bin/run.cgi"
chmod +x "$r/www/cgi-bin/run.cgi"
printf 'not an ELF module' >"$r/data/rootkit.ko"

# The runtime's socket: a unix listener in the guest, mounted into the container.
perl -e 'socket(S, 1, 1, 0) or die "socket: $!"; bind(S, pack("S a108", 1, $ARGV[0])) or
	die "bind: $!"; listen(S, 16) or die "listen: $!"; while (accept(C, S)) { close(C) }' \
	"$sock" &
# shellcheck disable=SC2034 # used by the cleanup hook (eval)
lsn_pid=$!
vm_wait_for 10 "runtime socket listening" test -S "$sock"

vm_runc_sleeper "$A" '.process.capabilities[] += ["CAP_SYS_ADMIN", "CAP_NET_RAW", "CAP_SYS_CHROOT"] |
	.linux.namespaces |= map(select(.type != "cgroup")) |
	.mounts |= map(if .destination == "/dev/shm" then .options -= ["noexec"] else . end) |
	.mounts += [{"destination": "/var/run/docker.sock", "type": "bind", "source": "'"$sock"'",
		"options": ["bind"]}]'

vm_ward_default_pack
t0=$(date +%s)

# ---- scenarios ----------------------------------------------------------------------------------
# expect WHAT FILTER: the next `play` must raise one more alert in container $A that the jq
# FILTER selects than there are now. play CMD...: runs CMD (output in $VM_TMP/play.out), then
# waits up to 10 s for each expected alert (3 s once three were missed, so that a ward that
# detects nothing still reports every attack within the time limit); prints "ok: WHAT" or
# records WHAT as undetected.
exp=$VM_TMP/expect
: >"$exp"
undetected=
misses=0
tab=$(printf '\t')
count() { # FILTER
	grep '"tracker":"alert"' "$out" | jq -c --arg c "$A" "select(.container.name == \$c) |
		select($1)" | wc -l
}
expect() { # WHAT FILTER
	printf '%s\t%s\t%s\n' "$(count "$2")" "$1" "$2" >>"$exp"
}
plays=0
play() { # CMD...
	plays=$((plays + 1))
	n_all=$(grep -c '"tracker":"alert"' "$out")
	"$@" >"$VM_TMP/play.out" 2>&1
	st=$?
	while IFS=$tab read -r n0 what filter; do
		end=$(($(date +%s) + (misses < 3 ? 10 : 3)))
		until [ "$(count "$filter")" -gt "$n0" ]; do
			[ "$(date +%s)" -lt "$end" ] && sleep 0.2 && continue
			echo "NOT DETECTED: $what (no new alert with $filter)"
			echo "  the attack: $*"
			echo "  exit status $st, output:"
			sed 's/^/    /' "$VM_TMP/play.out"
			echo "  the alerts it raised:"
			grep '"tracker":"alert"' "$out" | tail -n "+$((n_all + 1))" | sed 's/^/    /'
			undetected="$undetected${undetected:+, }$what"
			misses=$((misses + 1))
			continue 2
		done
		echo "ok: $what"
	done <"$exp"
	: >"$exp"
}
# a shell script run in the container
in_ctr() { runc exec "$A" /bin/sh -c "$1"; }
rule() { echo ".rule == \"$1\""; }

# An interactive session (kubectl exec -it): runc exec -t needs a terminal on its own side,
# which the test has not; pty.pl CMD... runs CMD on a new pseudo-terminal (its controlling
# terminal) and copies what it prints. perl builtins only: ptmx, unlockpt (TIOCSPTLCK),
# ptsname (TIOCGPTN), setsid.
if [ ! -e /dev/pts/ptmx ]; then
	mkdir -p /dev/pts
	mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts || vm_fail "mounting devpts"
	# shellcheck disable=SC2034 # used by the cleanup hook (eval)
	mounted_pts=1
fi
cat >"$VM_TMP/pty.pl" <<'PL'
sysopen(M, "/dev/pts/ptmx", 2 | 0x100) or die "ptmx: $!\n";
my ($unlock, $n) = (pack("i", 0), pack("i", 0));
ioctl(M, 0x40045431, $unlock) or die "unlockpt: $!\n";
ioctl(M, 0x80045430, $n) or die "ptsname: $!\n";
my $pts = "/dev/pts/" . unpack("i", $n);
my $pid = fork() // die "fork: $!\n";
if ($pid == 0) {
	close(M);
	syscall(112) >= 0 or die "setsid: $!\n";
	sysopen(S, $pts, 2) or die "$pts: $!\n";
	open(STDIN, "<&S");
	open(STDOUT, ">&S");
	open(STDERR, ">&S");
	exec(@ARGV) or die "exec: $!\n";
}
my $buf;
print $buf while sysread(M, $buf, 4096);
waitpid($pid, 0);
exit($? >> 8);
PL

# First the rules other attacks trigger too (netcat: the shells below run nc).
expect "netcat (nc)" "$(rule netcat)"
play in_ctr 'echo probe | nc -w 1 127.0.0.1 7'

expect "reverse shell (nc HOST PORT -e /bin/sh)" "$(rule shell-with-socket-stdio)"
play in_ctr '(sleep 1; echo "echo reverse-shell-ran") | nc -l -p 6002 & sleep 0.5
	nc 127.0.0.1 6002 -e /bin/sh; wait'

expect "bind shell (nc -l -p PORT -e /bin/sh)" "$(rule shell-with-socket-stdio)"
play in_ctr 'nc -l -p 6001 -e /bin/sh & sleep 1
	echo "echo bind-shell-ran" | nc -w 3 127.0.0.1 6001; wait'

# A web shell: a CGI script (#!/bin/sh) the server runs on a request.
runc exec -d "$A" /usr/sbin/httpd -f -p 8080 -h /www || vm_fail "starting /usr/sbin/httpd"
runc exec -d "$A" /bin/httpd -f -p 8081 -h /www || vm_fail "starting /bin/httpd"
vm_wait_for 20 "the web servers answer" in_ctr \
	'wget -q -O - http://127.0.0.1:8080/ && wget -q -O - http://127.0.0.1:8081/'
expect "shell from a server (/usr/sbin/httpd runs a CGI script)" \
	"$(rule shell-from-server) and .exe == \"/usr/sbin/httpd\""
play in_ctr 'wget -q -O - http://127.0.0.1:8080/cgi-bin/run.cgi'
# busybox's httpd applet, as a busybox image runs it: the acting binary is /bin/busybox,
# running as httpd (fromSource names @servers, /usr/sbin/httpd among them)
expect "shell from a server (busybox's httpd applet runs a CGI script)" \
	"$(rule shell-from-server) and .exe != \"/usr/sbin/httpd\""
play in_ctr 'wget -q -O - http://127.0.0.1:8081/cgi-bin/run.cgi'

expect "interactive shell (runc exec -t, as kubectl exec -it)" "$(rule shell-in-container)"
play perl "$VM_TMP/pty.pl" runc exec -t "$A" /bin/sh -c 'tty; echo interactive-ran'

expect "package manager (apt-get)" "$(rule package-manager)"
play in_ctr 'apt-get install -y nmap'

expect "reverse-shell helper (telnet)" "$(rule reverse-shell-tools)"
play in_ctr 'telnet 127.0.0.1 7 </dev/null'

expect "drop run from /tmp" "$(rule exec-from-tmp) and .object == \"/tmp/.x\""
play in_ctr 'cp /bin/busybox /tmp/.x && /tmp/.x true'

expect "drop run from /var/tmp" "$(rule exec-from-tmp) and .object == \"/var/tmp/.x\""
play in_ctr 'cp /bin/busybox /var/tmp/.x && /var/tmp/.x true'

expect "drop run from /dev/shm" "$(rule exec-from-dev-shm)"
play in_ctr 'cp /bin/busybox /dev/shm/.x && /dev/shm/.x true'

expect "fileless execution (memfd_create, exec of /proc/self/fd/N)" "$(rule exec-memfd)"
# shellcheck disable=SC2016 # perl's variables
play runc exec "$A" perl -e 'my $name = "payload"; open(F, "<", "/bin/busybox") or die "$!";
	binmode(F); local $/; my $elf = <F>; my $fd = syscall(319, $name, 0); $fd >= 0 or die "$!";
	open(M, ">&=", $fd) or die "$!"; syswrite(M, $elf) or die "$!";
	exec { "/proc/self/fd/$fd" } "true" or die "exec: $!"'

expect "kernel module tool (runc exec insmod, as kubectl exec would)" \
	"$(rule kernel-module-tools)"
expect "kernel module syscall (finit_module)" \
	"$(rule kernel-module-syscalls) and .object == \"syscall finit_module\""
play runc exec "$A" insmod /data/rootkit.ko

# From a busybox shell (a reverse shell, a CGI) insmod does not exec at all: busybox's ash runs
# NOEXEC applets (insmod, modprobe, rmmod, umount, chroot; pivot_root is even NOFORK) in a
# forked child without exec, so exec rules (and their applet names) never see them.
expect "kernel module tool (insmod typed in busybox's shell)" \
	"$(rule kernel-module-tools) and (.comm | startswith(\"runc:\") | not)"
play in_ctr 'insmod /data/rootkit.ko'

expect "mount tool (mount)" "$(rule escape-tools) and .applet == \"mount\""
expect "mount syscall" "$(rule escape-syscalls) and .object == \"syscall mount\""
expect "CAP_SYS_ADMIN used (mount)" "$(rule escape-capabilities) and .capability == 21"
play in_ctr 'mount -t tmpfs none /mnt'

expect "namespace tool (unshare)" "$(rule escape-tools) and .applet == \"unshare\""
expect "unshare syscall" "$(rule escape-syscalls) and .object == \"syscall unshare\""
play in_ctr 'unshare -m -u true'

expect "namespace tool (nsenter)" "$(rule escape-tools) and .applet == \"nsenter\""
expect "setns syscall" "$(rule escape-syscalls) and .object == \"syscall setns\""
play in_ctr 'nsenter -t 1 -m -u true'

expect "crypto miner (xmrig)" "$(rule crypto-miner-binaries)"
play in_ctr 'xmrig -o stratum+tcp://pool.example:3333'

expect "read /etc/shadow" "$(rule read-shadow)"
play in_ctr 'cat /etc/shadow'

expect "read an SSH private key" "$(rule read-ssh-keys)"
play in_ctr 'cat /root/.ssh/id_rsa'

expect "read cloud credentials (~/.aws/credentials)" "$(rule read-cloud-credentials)"
play in_ctr 'cat /root/.aws/credentials'

expect "new binary in /usr/bin" "$(rule write-binaries)"
play in_ctr 'echo "#!/bin/sh" >/usr/bin/backdoor'

expect "new library in /lib" "$(rule write-libraries)"
play in_ctr 'echo x >/lib/libevil.so'

expect "account added to /etc/passwd" "$(rule write-etc)"
play in_ctr 'echo "evil:x:0:0::/root:/bin/sh" >>/etc/passwd'


expect "log emptied (: >/var/log/app.log)" \
	"$(rule log-truncation) and .object == \"/var/log/app.log\""
play in_ctr ': >/var/log/app.log'

expect "shell history emptied (: >/root/.ash_history)" \
	"$(rule log-truncation) and .object == \"/root/.ash_history\""
play in_ctr ': >/root/.ash_history'

expect "shell history removed (rm /root/.ash_history)" "$(rule history-clearing)"
play in_ctr 'rm /root/.ash_history'

# (busybox 1.35's wget -T segfaulted here on a failed connection: no -T)
expect "cloud metadata endpoint (169.254.169.254:80)" "$(rule cloud-metadata)"
play in_ctr 'wget -q -O - http://169.254.169.254/latest/meta-data/'

expect "mining pool port (3333)" "$(rule crypto-miner-pools)"
play in_ctr 'wget -q -O - http://127.0.0.1:3333/'

expect "raw socket (ping)" "$(rule raw-sockets) and .object == \"socket raw\""
play in_ctr 'ping -c 1 -W 1 127.0.0.1'

# (the socket is made before arping finds lo not ARPable)
expect "packet socket (arping)" "$(rule raw-sockets) and .object == \"socket packet\""
play in_ctr 'arping -c 1 -w 1 -I lo 127.0.0.1'

expect "container runtime socket (/var/run/docker.sock)" "$(rule runtime-socket)"
play runc exec "$A" perl -e 'socket(S, 1, 1, 0) or die "$!";
	connect(S, pack("S a108", 1, "/var/run/docker.sock")) or die "connect: $!"; print "ok\n"'

# /proc/sys is read-only in the container (a write fails with EROFS before any LSM hook);
# CAP_SYS_ADMIN remounts it writable. Only the container's own net.ipv4.ip_forward is written.
expect "kernel setting written (/proc/sys)" \
	"$(rule proc-sys-write) and .object == \"/proc/sys/net/ipv4/ip_forward\""
play in_ctr 'mount -o remount,bind,rw /proc/sys && echo 0 >/proc/sys/net/ipv4/ip_forward'

# Likewise cgroupfs: the shell moves itself into the cgroup it is in (nothing changes).
expect "cgroupfs written (cgroup.procs)" "$(rule cgroupfs-write)"
# shellcheck disable=SC2016 # expanded by the container's shell
play in_ctr 'mount -o remount,bind,rw /sys/fs/cgroup &&
	echo $$ >"/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup)/cgroup.procs"'

# CVE-2022-0492: a cgroup v1 hierarchy mounted anywhere (no controller needed) has a
# release_agent, run by the kernel on the host when a cgroup empties. Only the release_agent
# is written here (a harmless value); nothing is set to trigger it.
expect "cgroup release_agent written (CVE-2022-0492)" "$(rule release-agent-write)"
play in_ctr 'mkdir -p /tmp/cg && mount -t cgroup -o none,name=ward cgroup /tmp/cg &&
	echo /bin/true >/tmp/cg/release_agent'

# ---- verdict ------------------------------------------------------------------------------------
vm_log "$plays attacks played in $(($(date +%s) - t0)) s"
vm_assert_eq "$(alerts '.action != "alert" or .mode != "audit" or .level != "none"' | wc -l)" \
	0 "alerts that were not audit-only reports"
[ -z "$undetected" ] || vm_fail "not detected: $undetected"
