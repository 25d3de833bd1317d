#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward learn records what the syscall-level trackers do not see: a container
# whose entrypoint is a #! script runs busybox syslogd (binds the unix socket
# /dev/log, forwards each message to 127.0.0.1:5514 with an unconnected UDP
# sendto) and logger (connects to /dev/log), a static helper sends a datagram
# to a unix socket by path without connecting, then executes a second script.
# The profile names the unix bind and connect by path, the UDP destination, and
# each script's interpreter as executed with the script's parent, and the
# files the kernel opens to execute (read, exec); rulesc compiles the unix
# endpoints into the allowlist. A `runc exec` into the container while it is
# learned adds its program, but none of runc's setup syscalls (setns, ...).
. "$(dirname "$0")/lib.sh"
wardit_setup

[ "$(uname -m)" = x86_64 ] || skip "the profiles name x86_64 syscalls"
mkdir -p "$TDIR/job" || fail "mkdir job"
cat >"$TDIR/job/job.sh" <<'EOF'
#!/bin/sh
syslogd -n -O /tmp/messages -L -R 127.0.0.1:5514 &
for i in 1 2 3 4 5 6 7 8 9 10; do # until syslogd has bound /dev/log
	[ -S /dev/log ] && break
	sleep 0.2
done
logger -t t53 "through syslog"
/job/usend /data/r.sock || echo "usend failed"
sleep 1
/job/child.sh
kill $!
echo "job done: $(grep -c 'through syslog' /tmp/messages) message"
while [ ! -e /data/go ]; do # the test runs `runc exec` meanwhile
	sleep 0.2
done
EOF
printf '#!/bin/sh\necho "child ran"\n' >"$TDIR/job/child.sh"
# usend PATH: binds a datagram socket at PATH and sends it one datagram from an
# unconnected socket (busybox has nothing that does).
cat >"$TDIR/usend.c" <<'CEOF'
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int r = socket(AF_UNIX, SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (argc != 2 || strlen(argv[1]) >= sizeof(a.sun_path) || r < 0 || s < 0)
		return 1;
	strcpy(a.sun_path, argv[1]);
	unlink(argv[1]);
	if (bind(r, (struct sockaddr *)&a, sizeof(a)) < 0)
		return 1;
	return sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)) == 1 ? 0 : 1;
}
CEOF
gcc -static -O2 -o "$TDIR/job/usend" "$TDIR/usend.c" || fail "gcc -static usend.c"
chmod +x "$TDIR/job/job.sh" "$TDIR/job/child.sh"

id=$(ctr_id sockets)
mkdir -p "$TDIR/data" || fail "mkdir data"
"$BUNDLE" "$TDIR/$id.bundle" "$WARDIT_DIR/rootfs" --bind-ro "$TDIR/job:/job" \
	--bind "$TDIR/data:/data" -- /job/job.sh || fail "bundle"
learn_start --container "$id" --duration 60 --converge 3 --output "$TDIR/job.yaml"
WARDIT_CTRS+=("$id")
timeout -k 5 30 runc run --bundle "$TDIR/$id.bundle" "$id" </dev/null >"$TDIR/$id.out" 2>&1 &
job=$!
for ((i = 0; i < 100; i++)); do
	grep -q "job done" "$TDIR/$id.out" && break
	sleep 0.2
done
runc exec "$id" /bin/sh -c 'echo "exec ran"' >"$TDIR/exec.out" 2>&1
touch "$TDIR/data/go"
wait $job || fail "the job failed: $(cat "$TDIR/$id.out")"
check "runc exec ran while learning" grep -qxF "exec ran" "$TDIR/exec.out"
check "the job ran while learning" grep -qxF "job done: 1 message" "$TDIR/$id.out"
check "  ... and its second script" grep -qxF "child ran" "$TDIR/$id.out"
learn_converged
ward_stop learn

learned_items "$TDIR/job.yaml"
check "syslogd's bind of /dev/log" has network "bind unix /dev/log"
check "logger's connect to /dev/log" has network "connect unix /dev/log"
check "  ... as unix entries of the allowlist" grep -qF '{connect: {unix: ["/dev/log"]}}' "$TDIR/job.yaml"
check "the datagrams sent without connect" has network "connect udp ::ffff:127.0.0.1 5514"
check "the unix datagram sent without connect" has network "connect unix /data/r.sock"
check "the entrypoint script, started by the runtime" \
	grep -qF '{\"exec\":\"/job/job.sh\",\"parent\":\"\"}' "$TDIR/job.yaml"
check "  ... its interpreter, started by the runtime too" \
	grep -qF '{\"exec\":\"/bin/sh\",\"parent\":\"\"}' "$TDIR/job.yaml"
# The shell running the entrypoint script counts as that script (what it
# executed), and so do its children.
check "the second script, started by the first" \
	grep -qF '{\"exec\":\"/job/child.sh\",\"parent\":\"/job/job.sh\"}' "$TDIR/job.yaml"
check "  ... its interpreter, started by the first script too" \
	grep -qF '{\"exec\":\"/bin/sh\",\"parent\":\"/job/job.sh\"}' "$TDIR/job.yaml"
check "the scripts executed (opened to run)" has files "exec /job/child.sh"
check "  ... both" has files "exec /job/job.sh"
check "the interpreter's file executed" has files "exec /bin/busybox"
check "runc exec's program, started by the runtime" \
	grep -qF '{\"exec\":\"/bin/sh\",\"parent\":\"\"}' "$TDIR/job.yaml"
lacks() { ! has "$@"; }
for sc in setns capset keyctl; do
	check "no $sc of runc exec's setup" lacks syscalls "x86_64/$sc"
done
echo "PASS"
