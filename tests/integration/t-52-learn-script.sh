#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward learn on a shell script doing file and network I/O: it writes five
# numbered parts in a scratch directory, joins, renames, chmods and deletes
# files, and passes a line through a TCP listener of its own. The profile
# names the files by access kind (the parts as one glob that lists the raw
# paths it covers), the endpoints, the binaries with their parents, and no
# syscall of runc's setup. Under its seccomp and capability exports the script
# runs again to the same result; a variant that calls unshare and mount gets
# EPERM from the filter and otherwise finishes; a variant that chowns a file
# needs CAP_CHOWN, which the capability export dropped, and is refused. Then
# the profile as an audit policy of `ward server`: a connect it does not hold
# raises an alert naming it, the one it holds none.
. "$(dirname "$0")/lib.sh"
wardit_setup

[ "$(uname -m)" = x86_64 ] || skip "the profiles name x86_64 syscalls"
mkdir -p "$TDIR/job" || fail "mkdir job"
cat >"$TDIR/job/job.sh" <<'EOF'
#!/bin/sh
# EXTRA runs first: the variants' additions.
eval "$EXTRA"
set -e
mkdir -p /tmp/work
for i in 1 2 3 4 5; do
	echo "part $i" >"/tmp/work/part-$i.txt"
done
cat /tmp/work/part-*.txt >/data/joined.txt
mv /data/joined.txt /data/result.txt
chmod 640 /data/result.txt
rm -r /tmp/work
# The listener's stdin stays open (at EOF it would stop), and a job still
# runs when wait starts in every run: the shell then always blocks in
# rt_sigsuspend, so learning sees what the replays do.
sleep 4 | nc -l -p 9000 >/data/received.txt &
for i in 1 2 3 4 5; do # until the listener listens
	sleep 1
	echo "through tcp" | nc -w 2 127.0.0.1 9000 && break
done
wait
echo "job done: $(wc -l </data/result.txt) parts, received: $(cat /data/received.txt)"
EOF

# job ID EXTRA [BUNDLE-OPTION...]: run the script in the foreground; its
# output in $TDIR/ID.out, its /data in $TDIR/ID.data.
job() {
	local id=$1 extra=$2 b=$TDIR/$1.bundle
	shift 2
	mkdir -p "$TDIR/$id.data"
	"$BUNDLE" "$b" "$WARDIT_DIR/rootfs" --bind-ro "$TDIR/job:/job" \
		--bind "$TDIR/$id.data:/data" "$@" -- env "EXTRA=$extra" sh /job/job.sh ||
		fail "bundle $id"
	WARDIT_CTRS+=("$id")
	timeout -k 5 30 runc run --bundle "$b" "$id" </dev/null >"$TDIR/$id.out" 2>&1
}
RESULT="job done: 5 parts, received: through tcp"

# ---- learn ------------------------------------------------------------------------
learned=$(ctr_id job)
learn_start --container "$learned" --duration 60 --converge 3 --output "$TDIR/job.yaml"
# A cgroup made while learning is behind the gate from its mkdir, before a task enters it
# (a runtime's init moved in runs with every capability while its move is reported).
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
gdir=$cg2/wardit-gate-$$
mkdir "$gdir" && WARDIT_CGROUPS+=("$gdir") || fail "mkdir $gdir"
# the cgroup id as bpftool takes a key: 8 bytes, little-endian
gkey=$(printf '%016x' "$(stat -c %i "$gdir")" | sed 's/../& /g' |
	awk '{ for (i = NF; i >= 1; i--) printf "%s ", $i }')
# shellcheck disable=SC2086 # the key's bytes are words
check "a cgroup made while learning is gated before its first task" \
	bpftool map lookup name learn_gate key hex $gkey
job "$learned" "" --caps-list "$DOCKER_CAPS" || fail "the job failed: $(cat "$TDIR/$learned.out")"
check "the job ran while learning" grep -qxF "$RESULT" "$TDIR/$learned.out"
learn_converged
check "ward says the profile converged (3 s without anything new)" grep -q \
	"learn: 1 container, .* events, [0-9]* new in the last minute, converged: yes" "$TDIR/learn.err"
ward_stop learn
check "ward learned the container" grep -q "learning container $learned" "$TDIR/learn.err"

# ---- the profile --------------------------------------------------------------------
learned_items "$TDIR/job.yaml"
check "the entrypoint, started by the runtime" grep -qF '{\"exec\":\"/bin/env\",\"parent\":\"\"}' "$TDIR/job.yaml"
check "the script's shell, started by env" grep -qF '\"parent\":\"/bin/env\"}' "$TDIR/job.yaml"
check "the script read" has files "read /job/job.sh"
for a in write create; do
	check "the parts as one glob ($a)" has files "$a /tmp/work/part-*.txt"
done
check "  ... covering the five raw paths" [ "$(grep -cF '{\"pattern\":\"/tmp/work/part-*.txt\",\"covers\":' "$TDIR/job.yaml")" -eq 5 ]
check "the parts deleted" has files "unlink /tmp/work/part-*.txt"
check "the scratch directory created" has files "create /tmp/work"
check "  ... and removed" has files "unlink /tmp/work"
check "the joined file written" has files "write /data/joined.txt"
check "  ... and renamed" has files "rename /data/joined.txt"
check "the result renamed to" has files "rename /data/result.txt"
check "  ... and chmod'ed" has files "chmod /data/result.txt"
check "the listener's bind" has network "bind tcp 9000"
check "the connect" has network "connect tcp ::ffff:127.0.0.1 9000"
no_setup_syscalls
caps=$(jq -c '.capabilities.added' "$TDIR/job.diff")
[ "$caps" = "[]" ] || fail "the profile holds capabilities the job does not use: $caps
$(grep -i -B2 -A4 'capabilities:' "$TDIR/job.yaml")"
echo "ok: no capability the job does not use"

# ---- the exports, and the job under them ----------------------------------------------
profile_exports "$TDIR/job.yaml"
check "the seccomp export checks clean" jq -e '.errors == 0 and
	([.diagnostics[] | select(.code == "dangerous")] | length) == 0' "$TDIR/sc.check"
again=$(ctr_id again)
job "$again" "" "${PROFILE[@]}" || fail "the job fails under its profile: $(cat "$TDIR/$again.out")"
check "under the learned profiles the job gets the same result" grep -qxF "$RESULT" "$TDIR/$again.out"
check "  ... and the same files" cmp "$TDIR/$learned.data/result.txt" "$TDIR/$again.data/result.txt"

# ---- syscalls outside the profile -------------------------------------------------------
ns=$(ctr_id ns)
job "$ns" "$NS_SCRIPT" "${PROFILE[@]}" --add-cap CAP_SYS_ADMIN ||
	fail "the variant failed: $(cat "$TDIR/$ns.out")"
ns_refused "$TDIR/$ns.out"
check "  ... and the job otherwise works" grep -qxF "$RESULT" "$TDIR/$ns.out"
nsc=$(ctr_id nsc)
job "$nsc" "$NS_SCRIPT" --caps "$TDIR/caps.json" --add-cap CAP_SYS_ADMIN ||
	fail "the control failed: $(cat "$TDIR/$nsc.out")"
check "control: without the seccomp profile both work" \
	grep -qzE "unshare=0.*mount=0" "$TDIR/$nsc.out"

# ---- a capability the profile dropped -----------------------------------------------------
# The learned seccomp profile has no chown syscall either: test the
# capability set alone.
CHOWN='touch /data/owned; chown 1000 /data/owned; echo chown=$?'
ch=$(ctr_id chown)
job "$ch" "$CHOWN" --caps "$TDIR/caps.json" || fail "the variant failed: $(cat "$TDIR/$ch.out")"
check "chown without CAP_CHOWN: refused" grep -q "chown: /data/owned: Operation not permitted" "$TDIR/$ch.out"
check "  ... it failed" grep -qx "chown=1" "$TDIR/$ch.out"
chc=$(ctr_id chownc)
job "$chc" "$CHOWN" --caps-list "$DOCKER_CAPS" ||
	fail "the control failed: $(cat "$TDIR/$chc.out")"
check "control: with CAP_CHOWN chown works" \
	grep -qx "chown=0" "$TDIR/$chc.out"
# ---- the profile as an audit policy -----------------------------------------------------
# The learned container's id again, so the profile's selector matches; the
# deviation (a connect to a port it never used) waits for ward to target it.
ward_start pol server -o json --policy "$TDIR/job.yaml" --unpin-on-exit
for ((i = 0; i < 100; i++)); do
	grep -q "policy generation [0-9]* in force" "$TDIR/pol.err" && break
	ward_alive pol || fail "ward server rejects the learned profile: $(cat "$TDIR/pol.err")"
	sleep 0.2
done
[ $i -lt 100 ] || fail "ward server did not put the profile in force in 20 s"
DEV='sleep 3; echo probe | nc -w 1 127.0.0.1 9001; echo deviation=$?'
job "$learned" "$DEV" --caps-list "$DOCKER_CAPS" || fail "the deviating job failed: $(cat "$TDIR/$learned.out")"
check "audit mode: the deviating job still runs" grep -qxF "$RESULT" "$TDIR/$learned.out"
alert='.tracker == "alert" and .op == "connect" and .container.name == $c'
wait_event pol 20 "$alert"' and .object == "127.0.0.1:9001"' --arg c "$learned"
ev=$(first_event "$(ward_out pol)" "$alert"' and .object == "127.0.0.1:9001"' --arg c "$learned")
assert_event "the alert names the deviation, the profile and audit mode" "$ev" \
	'.action == "alert" and .mode == "audit" and .port == 9001 and .protocol == "tcp" and
	 .policy == $p' --arg p "$(sed -n 's/^  name: "\(.*\)"$/\1/p' "$TDIR/job.yaml" | head -n 1)"
assert_none "no alert for the connect the profile holds" "$(ward_out pol)" \
	"$alert"' and .object == "127.0.0.1:9000"' --arg c "$learned"
ward_stop pol
check_alert_schema "$(ward_out pol)"
echo "PASS"
