#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward learn says what its profile holds and what it does not (issue 11):
# - attached to a container that was already running, it warns loudly,
#   naming the container and what to do, and marks the profile partial (in
#   the file, read back by `ward profile`, in the exports' stamps); a run of
#   that container learned from its start, merged in, completes it;
#   --from-start refuses instead (exit 1, nothing written);
# - "converged" is never claimed before a container ran, and every progress
#   line says "converged: yes" or "converged: no (...)";
# - records that added nothing are counted per reason without -v;
# - the end says how to learn more runs and merge them.
. "$(dirname "$0")/lib.sh"
wardit_setup

[ "$(uname -m)" = x86_64 ] || skip "the profiles name x86_64 syscalls"
RULESC=$(dirname "$WARD")/rulesc

# wait_log NAME PATTERN: until ward NAME's stderr matches PATTERN (grep -E), 20 s at most.
wait_log() {
	local n=$1 pat=$2 i
	for ((i = 0; i < 100; i++)); do
		grep -qE -- "$pat" "$TDIR/$n.err" && return 0
		ward_alive "$n" || fail "ward[$n] exited before saying '$pat': $(cat "$TDIR/$n.err")"
		sleep 0.2
	done
	fail "ward[$n] did not say '$pat' in 20 s"
}

# absent PATTERN FILE: FILE has no line matching PATTERN (grep -E).
absent() {
	! grep -qE -- "$1" "$2"
}

# line_of PATTERN FILE: the number of FILE's first line matching PATTERN (grep -E).
line_of() {
	grep -nE -m 1 -- "$1" "$2" | cut -d: -f1
}

# ---- usage ---------------------------------------------------------------------------
rc=0
"$WARD" learn --container x >/dev/null 2>"$TDIR/usage.err" || rc=$?
check "a usage error exits 2 (no --output)" [ "$rc" -eq 2 ]

# ---- no container yet: no convergence claimed ------------------------------------------
fresh=$(ctr_id fresh)
ward_start none learn --container "$fresh" --duration 60 --converge 1 --output "$TDIR/none.yaml"
wait_log none "no running container matches"
sleep 2.5 # longer than --converge, and nothing to learn
kill -INT "${WARD_PID[none]}"
rc=0
ward_wait none || rc=$?
check "no container ran: exit 1" [ "$rc" -eq 1 ]
check "  ... nothing written" [ ! -e "$TDIR/none.yaml" ]
check "the last progress line: not converged, no container has run" grep -q \
	"learn: 0 containers, .*, converged: no (no container has run yet)$" "$TDIR/none.err"
check "  ... and no line claims convergence" absent "converged(: yes|$)" "$TDIR/none.err"

# ---- learned from its start: converged only once it ran, reasons for skips -------------
ward_start fresh learn --container "$fresh" --duration 60 --converge 2 --output "$TDIR/fresh.yaml"
wait_log fresh "no running container matches"
sleep 3 # past --converge before the container starts
check "nothing converged before the container ran" absent "converged: yes" "$TDIR/fresh.err"
# 40 directories deep: below WARD_PATH_DEPTH's 32 no policy can name them
ctr_run "$fresh" sh -c 'mkdir -p /tmp/$(printf "d/%.0s" $(seq 40)) && echo made' ||
	fail "the container failed: $(cat "$TDIR/$fresh.bundle/log")"
wait_log fresh "converged: yes \([0-9]+s without a new entry\)"
check "converged: yes only after the container was learned" \
	[ "$(line_of "learning container $fresh" "$TDIR/fresh.err")" -lt \
	"$(line_of "converged: yes" "$TDIR/fresh.err")" ]
ward_stop fresh
check "not partial: no warning" absent "WARNING|PARTIAL" "$TDIR/fresh.err"
check "  ... and no mark" absent "partial|PARTIAL" "$TDIR/fresh.yaml"
check "the paths too deep for a policy are counted, with the reason, without -v" grep -qE \
	"[0-9]+ records added nothing to the profile: [0-9]+ named no path a policy can hold" \
	"$TDIR/fresh.err"
check "the end says how to learn more runs and merge them" grep -qF \
	"ward profile merge $TDIR/fresh.yaml $TDIR/fresh-2.yaml --output $TDIR/fresh-merged.yaml" \
	"$TDIR/fresh.err"

# ---- attached to a running container -----------------------------------------------------
run=$(ctr_id running)
ctr_start "$run" sh -c 'while :; do date >/data/tick; sleep 1; done'
sleep 1

rc=0
timeout -k 5 30 "$WARD" learn --from-start --container "$run" --duration 10 \
	--output "$TDIR/refused.yaml" >/dev/null 2>"$TDIR/refused.err" || rc=$?
check "--from-start refuses a running container: exit 1" [ "$rc" -eq 1 ]
check "  ... naming it" grep -q \
	"container $run (.*) was already running when learning began: --from-start refuses" \
	"$TDIR/refused.err"
check "  ... nothing written" [ ! -e "$TDIR/refused.yaml" ]

ward_start attached learn --container "$run" --duration 60 --converge 2 --output "$TDIR/running.yaml"
wait_log attached "learning container $run"
wait_log attached "WARNING: container $run was already running when learning began"
check "the warning says the profile is partial" grep -q "is marked partial" "$TDIR/attached.err"
check "  ... and what to do" grep -qF \
	'start `ward learn` first, then the container (`runc run`' "$TDIR/attached.err"
wait_log attached "converged: yes"
ward_stop attached
check "the summary marks it" grep -q "$TDIR/running.yaml: .* containers (PARTIAL: see below)" \
	"$TDIR/attached.err"
check "the end says it again" grep -q \
	"WARNING: $TDIR/running.yaml is PARTIAL: container $run was already running" \
	"$TDIR/attached.err"
check "the profile is marked partial" grep -qF "{\\\"partial\\\":\\\"$run\\\"}" \
	"$TDIR/running.yaml"
check "  ... in its stamp" grep -q \
	"^# learned by ward .*; PARTIAL: $run was already running when learning began" \
	"$TDIR/running.yaml"
check "rulesc accepts the partial profile" "$RULESC" check "$TDIR/running.yaml"
"$WARD" profile export --format oci-seccomp "$TDIR/running.yaml" >"$TDIR/running.json" \
	2>"$TDIR/export.err" || fail "export: $(cat "$TDIR/export.err")"
check "ward profile export warns" grep -q \
	"WARNING: $TDIR/running.yaml is partial: $run was already running when learning began" \
	"$TDIR/export.err"
check "  ... and the export's stamp says so" jq -e --arg c "$run" \
	'.syscalls[0].comment | contains("PARTIAL: " + $c)' "$TDIR/running.json"

# ---- the same container learned from its start completes it --------------------------------
runc delete -f "$run" >/dev/null 2>&1
ward_start whole learn --container "$run" --duration 60 --converge 2 --output "$TDIR/whole.yaml"
wait_log whole "no running container matches"
ctr_start "$run" sh -c 'while :; do date >/data/tick; sleep 1; done'
wait_log whole "converged: yes"
ward_stop whole
check "learned from its start: not partial" absent "partial|PARTIAL" "$TDIR/whole.yaml"
"$WARD" profile merge "$TDIR/running.yaml" "$TDIR/fresh.yaml" --output "$TDIR/still.yaml" \
	2>"$TDIR/still.err" || fail "merge: $(cat "$TDIR/still.err")"
check "merged with another container's run: still partial" grep -qF \
	"{\\\"partial\\\":\\\"$run\\\"}" "$TDIR/still.yaml"
check "  ... and merge says so" grep -q "WARNING: $TDIR/still.yaml is partial" "$TDIR/still.err"
"$WARD" profile merge "$TDIR/running.yaml" "$TDIR/whole.yaml" --output "$TDIR/merged.yaml" \
	2>"$TDIR/merged.err" || fail "merge: $(cat "$TDIR/merged.err")"
check "merged with a run from its start: whole" absent "partial|PARTIAL" "$TDIR/merged.yaml"
check "  ... no warning" absent "WARNING" "$TDIR/merged.err"
echo "PASS"
