#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A learned profile as an enforce policy under BPF-LSM: `ward learn --mode enforce --posture
# block` records a runc container whose shell script execs, reads and writes files and connects
# to a TCP listener; `ward server --policy` puts the profile in force; the same workload runs
# again to the same result without a block alert; a variant that also execs a binary, opens a
# file and connects to a port the profile does not hold gets EPERM for each, and each alert
# names the deviation with level "lsm".
# vm-binaries: jq runc perl
# vm-timeout: 240
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup le
learn_pid=
srv_pid=
# shellcheck disable=SC2016 # run by vm_enforce_cleanup
vm_cleanup_hook='[ -n "$srv_pid" ] && kill -KILL "$srv_pid" 2>/dev/null
	[ -n "$learn_pid" ] && kill -KILL "$learn_pid" 2>/dev/null'
prof=$VM_TMP/profile.yaml

# A TCP listener on 127.0.0.1 for ports 7101 and 7102, accepting forever (guest, not targeted).
perl -e 'for my $p (7101, 7102) { my $h = "L$p"; socket($h, 2, 1, 0) or die;
	setsockopt($h, 1, 2, pack("i", 1)); bind($h, pack("S n C4 x8", 2, $p, 127, 0, 0, 1)) or die;
	listen($h, 64) or die; push @l, $h }
	while (1) { for (@l) { my $r = ""; vec($r, fileno($_), 1) = 1;
	if (select($r, undef, undef, 0.05)) { accept(C, $_); close(C) } } }' &
# shellcheck disable=SC2034 # used by vm_cleanup_hook
srv_pid=$!

# The bundle: busybox with the applets the job uses, a second binary (a copy of busybox, so the
# LSM sees a file of its own; busybox runs the applet its name says) and a file the job never
# reads. The job waits on a FIFO until ward has taken the container in (learned or targeted).
# Its errors go to its standard output: runc copies a foreground container's stdout and
# stderr through two pipes, so "exec=126" could land inside the shell's error line.
b=$VM_TMP/bundle
mkdir -p "$b/rootfs/bin" "$b/rootfs/usr/bin" "$b/rootfs/etc" "$b/rootfs/tmp"
cp /bin/busybox "$b/rootfs/bin/busybox"
for a in sh cat nc; do ln -s busybox "$b/rootfs/bin/$a"; done
cp /bin/busybox "$b/rootfs/usr/bin/true"
mkfifo "$b/rootfs/tmp/go"
echo "learned data" >"$b/rootfs/etc/data.txt"
echo "not in the profile" >"$b/rootfs/etc/secret.txt"
cat >"$b/rootfs/job.sh" <<'EOF'
exec 2>&1
read -r go </tmp/go
cat /etc/data.txt >/tmp/copy.txt
echo through | nc -w 2 127.0.0.1 7101
c=$?
echo "job done: $(cat /tmp/copy.txt) connect=$c"
[ "$1" = deviate ] || exit 0
/usr/bin/true
echo "exec=$?"
cat /etc/secret.txt
echo "open=$?"
echo through | nc -w 2 127.0.0.1 7102
echo "connect=$?"
EOF
vm_run runc spec --bundle "$b"

# job MODE WHAT CMD...: the job (the container named $A), started when CMD... succeeds; its
# output in $VM_TMP/job.MODE.
job() {
	jq --arg m "$1" '.process.terminal = false | .process.args = ["/bin/sh", "/job.sh", $m] |
		.root.readonly = false |
		.linux.namespaces |= map(select(.type != "network"))' "$b/config.json" >"$b/c.json" &&
		mv "$b/c.json" "$b/config.json"
	runc delete --force "$A" 2>/dev/null
	timeout 60 runc run --no-pivot --bundle "$b" "$A" >"$VM_TMP/job.$1" 2>&1 </dev/null &
	job_pid=$!
	job_out=$VM_TMP/job.$1
	shift
	vm_wait_for 30 "$@"
	timeout 10 sh -c "echo go >$b/rootfs/tmp/go" || vm_fail "the job did not start: $(cat "$job_out")"
	wait "$job_pid"
	echo "$job_out: exit $?"
	sed 's/^/| /' "$job_out"
}
RESULT="job done: learned data connect=0"

# ---- learn ------------------------------------------------------------------------------
vm_wait_for 30 "no other ward process" sh -c '! pidof ward'
t0=$(date +%s)
"$WARD" learn --container "$A" --duration 200 --mode enforce --posture block --output "$prof" \
	>"$VM_TMP/learn.out" 2>"$VM_TMP/learn.err" &
learn_pid=$!
vm_wait_for 120 "ward learn ready" grep -q "no running container matches" "$VM_TMP/learn.err"
vm_log "ward learn ready after $(($(date +%s) - t0)) s"
job learn "ward learns $A" grep -q "learning container $A" "$VM_TMP/learn.err"
grep -qxF "$RESULT" "$VM_TMP/job.learn" || vm_fail "the job failed while learning"
kill -INT "$learn_pid"
wait "$learn_pid"
rc=$?
learn_pid=
cat "$VM_TMP/learn.err"
vm_assert_eq "$rc" 0 "ward learn exit status"
cat "$prof"
grep -q "^  mode: enforce$" "$prof" || vm_fail "the profile is not in enforce mode"
grep -q "^  posture: block$" "$prof" || vm_fail "the profile does not block"
# What the file hook sees of an exec: the resolved binary opened to execute it.
grep -qF '{paths: ["/bin/busybox"], access: [read, exec]}' "$prof" ||
	vm_fail "the profile does not hold the executed file"

# ---- the profile in force ---------------------------------------------------------------
t0=$(date +%s)
"$WARD" server -o json --no-aggregate --policy "$prof" >"$out" 2>"$err" &
ward_pid=$!
vm_wait_for 90 "the profile in force" grep -q "generation 1 in force" "$err"
vm_log "profile in force after $(($(date +%s) - t0)) s"

# ward says how many containers it targets whenever that changes: once more per run of $A.
targeted() { [ "$(grep -c "1 containers targeted now" "$err")" -ge "$1" ]; }
job replay "ward targets $A" targeted 1
vm_assert_eq "$(head -n 1 "$VM_TMP/job.replay")" "$RESULT" "the learned job under its profile"
job deviate "ward targets $A again" targeted 2
vm_assert_eq "$(head -n 1 "$VM_TMP/job.deviate")" "$RESULT" "the deviating job's learned part"
vm_assert_eq "$(grep -c "Operation not permitted" "$VM_TMP/job.deviate")" 3 \
	"three EPERM messages (exec, open, connect)"
grep -q "/usr/bin/true: Operation not permitted" "$VM_TMP/job.deviate" || vm_fail "no EPERM for the exec"
vm_assert_eq "$(grep '^exec=' "$VM_TMP/job.deviate")" "exec=126" "exec outside the profile"
grep -q "secret.txt.*Operation not permitted" "$VM_TMP/job.deviate" ||
	vm_fail "no EPERM for the open"
vm_assert_eq "$(grep '^open=' "$VM_TMP/job.deviate")" "open=1" "open outside the profile"
vm_assert_eq "$(grep '^connect=' "$VM_TMP/job.deviate")" "connect=1" "connect outside the profile"

blk='.action == "block" and .level == "lsm" and .mode == "enforce" and .rule == "default"'
vm_wait_for 20 "exec alert" has_alert "$blk and .object == \"/usr/bin/true\""
vm_wait_for 20 "open alert" has_alert "$blk and .object == \"/etc/secret.txt\""
vm_wait_for 20 "connect alert" has_alert "$blk and .op == \"connect\" and .port == 7102"
vm_assert_eq "$(alerts '.action == "block"' | wc -l)" 3 "block alerts: the three deviations only"
vm_log "done after $(($(date +%s) - t0)) s"
