#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A profile from one `ward learn` run never breaks its workload: five busybox workloads (a
# shell waiting on children, a retry loop with sleeps, a web server with a client, file I/O
# with tar, gzip and chown, signals caught by traps) are each learned once, then re-run 20
# times under their exported seccomp profile while stress-ng loads every CPU: 0 hangs, 0
# failures. The learning runs take the quick path a short learning run often takes (the
# children have exited before the shell waits; what the retry loop waits for is there at
# once), the re-runs the slow one (the shell blocks in rt_sigsuspend, the loop sleeps): what
# the rare-path safety set of a learned profile exists for (docs/profiles.md).
# wardit-timeout: 240
. "$(dirname "$0")/lib.sh"
wardit_setup

[ "$(uname -m)" = x86_64 ] || skip "the profiles name x86_64 syscalls"
command -v stress-ng >/dev/null || skip "stress-ng not installed (make deps)"
RERUNS=20 PARALLEL=5
mkdir -p "$TDIR/w" || fail "mkdir"
cat >"$TDIR/w/work.sh" <<'EOF2'
#!/bin/sh
# work.sh WORKLOAD; SLOW=1: the path the learning run did not take
set -e
# A delay made of work, not of a sleep (a sleep the profile refuses would be no delay).
busy() {
	i=0
	while [ "$i" -lt 100000 ]; do i=$((i + 1)); done
}
case $1 in
wait)
	for i in 1 2 3; do
		(if [ -n "$SLOW" ]; then busy; fi) &
	done
	[ -n "$SLOW" ] || sleep 0.3 # the children are gone before wait
	# refused rt_sigsuspend leaves SIGCHLD blocked: the wait loop spins forever (a hang)
	wait
	;;
retry)
	[ -n "$SLOW" ] || touch /tmp/ready
	# the thing waited for takes work, not a sleep (a sleep that cannot sleep is no delay)
	(if [ -n "$SLOW" ]; then busy; fi; touch /tmp/ready) &
	i=0
	until [ -e /tmp/ready ]; do
		i=$((i + 1))
		[ "$i" -lt 50 ] || { echo "retry budget spent"; exit 1; }
		usleep 200000
	done
	wait
	;;
web)
	mkdir -p /tmp/www && echo page >/tmp/www/index.html
	httpd -p 127.0.0.1:8080 -h /tmp/www
	for i in 1 2 3 4 5; do
		printf 'GET /index.html HTTP/1.0\r\n\r\n' | nc 127.0.0.1 8080 | grep -qx page && break
		[ "$i" -lt 5 ] || { echo "no page"; exit 1; }
		usleep 100000
	done
	;;
files)
	mkdir -p /tmp/src && for i in 1 2 3; do echo "file $i" >/tmp/src/f$i; done
	chown -R 0:0 /tmp/src && chmod 600 /tmp/src/f1
	tar -C /tmp -czf /tmp/a.tgz src && gzip -t /tmp/a.tgz
	mkdir /tmp/out && tar -C /tmp/out -xzf /tmp/a.tgz && cmp /tmp/src/f3 /tmp/out/src/f3
	;;
signals)
	n=0
	trap 'n=$((n + 1))' USR1
	trap 'n=$((n + 1))' USR2
	(kill -USR1 $$; kill -USR2 $$) &
	wait || true
	while [ "$n" -lt 2 ]; do usleep 10000; done
	;;
esac
echo "$1 done"
EOF2

# run ID WORKLOAD SLOW [BUNDLE-OPTION...]: the workload in the foreground (30 s at most);
# its output in $TDIR/ID.out; returns the container's status (124: it hung).
run() {
	local id=$1 w=$2 slow=$3 b=$TDIR/$1.bundle
	shift 3
	"$BUNDLE" "$b" "$WARDIT_DIR/rootfs" --bind-ro "$TDIR/w:/w" "$@" -- \
		env "SLOW=$slow" sh /w/work.sh "$w" >/dev/null || fail "bundle $id"
	WARDIT_CTRS+=("$id")
	timeout -k 5 30 runc run --bundle "$b" "$id" </dev/null >"$TDIR/$id.out" 2>&1
}

WORKLOADS=(wait retry web files signals)
for w in "${WORKLOADS[@]}"; do
	id=$(ctr_id "learn-$w")
	learn_start --container "$id" --duration 60 --converge 2 --output "$TDIR/$w.yaml"
	run "$id" "$w" "" || fail "$w failed while learning: $(cat "$TDIR/$id.out")"
	learn_converged || fail "ward learn did not converge on $w"
	ward_stop learn
	"$WARD" profile export --format oci-seccomp "$TDIR/$w.yaml" >"$TDIR/$w.json" ||
		fail "export of $w"
	echo "ok: $w learned ($(jq '.syscalls[0].names | length' "$TDIR/$w.json") syscalls)"
done
"$WARD" profile explain -o json "$TDIR/wait.yaml" >"$TDIR/explain.json" || fail "profile explain"
check "explain gives every syscall a reason" jq -e 'length > 0 and
	all(.[]; (.why | IN("seen", "essential", "rare-path", "family", "listed")) and .reason != "")' \
	"$TDIR/explain.json"
check "  ... rt_sigsuspend is there as seen or for rare-path safety" jq -e \
	'[.[] | select(.syscall == "rt_sigsuspend" and (.why | IN("seen", "rare-path")))] | length == 1' \
	"$TDIR/explain.json"

stress-ng --cpu 0 --timeout 600s >/dev/null 2>&1 &
WARDIT_PIDS+=("$!") # stopped at cleanup
sleep 1
for w in "${WORKLOADS[@]}"; do
	hung=0 failed=0
	for ((i = 0; i < RERUNS; i += PARALLEL)); do
		pids=() ids=()
		for ((j = i; j < i + PARALLEL && j < RERUNS; j++)); do
			ids+=("$(ctr_id "$w-$j")")
			run "${ids[-1]}" "$w" 1 --seccomp "$TDIR/$w.json" &
			pids+=($!)
		done
		for ((k = 0; k < ${#pids[@]}; k++)); do
			rc=0
			wait "${pids[$k]}" || rc=$?
			id=${ids[$k]}
			if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
				hung=$((hung + 1))
				echo "HUNG: $id"
			elif [ "$rc" -ne 0 ] || ! grep -qx "$w done" "$TDIR/$id.out"; then
				failed=$((failed + 1))
				echo "FAILED ($rc): $id: $(head -c 300 "$TDIR/$id.out")"
			fi
			runc delete -f "$id" >/dev/null 2>&1
		done
	done
	[ "$hung" -eq 0 ] && [ "$failed" -eq 0 ] ||
		fail "$w under its learned profile, loaded: $hung of $RERUNS hung, $failed failed"
	echo "ok: $w: $RERUNS loaded re-runs under its profile, 0 hangs, 0 failures"
done
echo "PASS"
