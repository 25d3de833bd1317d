#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Complain mode, the staging half of seccomp profiles (docs/profiles.md): a workload learned
# without `ionice`; its profile exported with --complain has default action SCMP_ACT_LOG, and
# the workload that now also runs `ionice` (ioprio_get, outside the profile) works under it;
# `ward learn` in staging records it, `ward profile diff` reports ioprio_get as what staging
# added, and the merged profile's (enforcing) export lets the new workload run, while the
# first profile's refuses ioprio_get with EPERM.
# wardit-timeout: 150
. "$(dirname "$0")/lib.sh"
wardit_setup

[ "$(uname -m)" = x86_64 ] || skip "the profiles name x86_64 syscalls"

# run ID EXTRA [BUNDLE-OPTION...]: `echo` and `cat`, then EXTRA; output in $TDIR/ID.out
run() {
	local id=$1 extra=$2 b=$TDIR/$1.bundle
	shift 2
	"$BUNDLE" "$b" "$WARDIT_DIR/rootfs" "$@" -- \
		sh -c "echo hello; cat /etc/hostname; $extra; echo done" >/dev/null || fail "bundle $id"
	WARDIT_CTRS+=("$id")
	timeout -k 5 30 runc run --bundle "$b" "$id" </dev/null >"$TDIR/$id.out" 2>&1
}
# learn ID EXTRA PROFILE [BUNDLE-OPTION...]
learn() {
	local id=$1 extra=$2 out=$3
	shift 3
	learn_start --container "$id" --duration 60 --converge 2 --output "$out"
	run "$id" "$extra" "$@" || fail "$id failed while learning: $(cat "$TDIR/$id.out")"
	learn_converged || fail "ward learn did not converge on $id"
	ward_stop learn
}

learn "$(ctr_id prod)" true "$TDIR/p.yaml"
"$WARD" profile export --format oci-seccomp "$TDIR/p.yaml" >"$TDIR/p.json" || fail "export"
"$WARD" profile export --format oci-seccomp --complain "$TDIR/p.yaml" >"$TDIR/c.json" ||
	fail "export --complain"
check "the complain export logs instead of refusing" \
	jq -e '.defaultAction == "SCMP_ACT_LOG" and (has("defaultErrnoRet") | not)' "$TDIR/c.json"
check "ioprio_get is not in the learned profile" \
	jq -e '[.syscalls[].names[]] | index("ioprio_get") | not' "$TDIR/p.json"

id=$(ctr_id strict)
run "$id" ionice --seccomp "$TDIR/p.json"
check "under the learned profile ionice is refused" \
	grep -q "ioprio_get: Operation not permitted" "$TDIR/$id.out"

st=$(ctr_id staging)
learn "$st" ionice "$TDIR/s.yaml" --seccomp "$TDIR/c.json"
check "staging: the new workload ran under the complain profile" grep -qx done "$TDIR/$st.out"
"$WARD" profile diff -o json "$TDIR/p.yaml" "$TDIR/s.yaml" >"$TDIR/diff.json"
check "the diff names the syscall staging added" \
	jq -e '.syscalls.added | index("x86_64/ioprio_get")' "$TDIR/diff.json"
"$WARD" profile merge "$TDIR/p.yaml" "$TDIR/s.yaml" --output "$TDIR/m.yaml" || fail "merge"
"$WARD" profile export --format oci-seccomp "$TDIR/m.yaml" >"$TDIR/m.json" || fail "export m"
check "the merged export enforces (EPERM default)" \
	jq -e '.defaultAction == "SCMP_ACT_ERRNO"' "$TDIR/m.json"
id=$(ctr_id merged)
run "$id" ionice --seccomp "$TDIR/m.json" || fail "the new workload under the merged profile: $(cat "$TDIR/$id.out")"
check "under the merged profile the new workload runs" grep -qx done "$TDIR/$id.out"
check "  ... and ionice works" grep -q "prio" "$TDIR/$id.out"
echo "PASS"
