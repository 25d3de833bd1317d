#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A security tool never runs silently unprotected: when no policy class can be put in force
# (here: root without capabilities, so the kernel refuses every BPF program), `ward server`
# with the embedded default pack and with --policy exits 1 at once with one short error that
# names every class and why, no verifier log on the terminal. `--no-policy` is the only way to
# run the trackers alone (refused combined with --policy). With capabilities the same
# command puts the default pack in force within a few seconds and names each class's level,
# and `ward status` gives each class's level and why.
. "$(dirname "$0")/lib.sh"
wardit_setup

pol=$TDIR/policy.yaml
policy_write "$pol" it-unprotected enforce "exec: allow" "*" <<YAML
    - name: no-nc
      exec: {paths: [/bin/nc]}
      action: block
YAML

for args in "server -d 10" "server -d 10 --policy $pol"; do
	rc=0
	# shellcheck disable=SC2086 # the arguments split on purpose
	timeout 20 setpriv --bounding-set=-all --inh-caps=-all "$WARD" $args \
		>"$TDIR/out" 2>"$TDIR/err" </dev/null || rc=$?
	echo "ward $args without capabilities: exit $rc"
	cat "$TDIR/err"
	check "exit status 1 (runtime failure), not a run without policy" [ "$rc" -eq 1 ]
	check "one line of error" [ "$(wc -l <"$TDIR/err")" -le 1 ]
	check "says no policy is in force" grep -q "no policy put in force" "$TDIR/err"
	for cls in exec file network capabilities; do
		check "names the $cls class" grep -q "$cls: " "$TDIR/err"
	done
	check "no verifier log on the terminal" bash -c "! grep -q 'PROG LOAD LOG' '$TDIR/err'"
done

rc=0
"$WARD" server --no-policy --policy "$pol" -d 1 >/dev/null 2>"$TDIR/err" || rc=$?
check "--no-policy with --policy is refused" [ "$rc" -ne 0 ]

ward_start srv server -d 30
poll 10 grep -q "in force" "$TDIR/srv.err"
cat "$TDIR/srv.err"
check "the default pack in force within 10 s" grep -q "policy generation 1 in force" "$TDIR/srv.err"
check "the start-up line names each class's level" \
	grep -qE "enforcement: exec [a-z]+, file [a-z]+, network [a-z]+, capabilities [a-z]+" \
	"$TDIR/srv.err"
"$WARD" status -o json >"$TDIR/status.json"
check "ward status gives each class's level" \
	[ "$(jq '.enforcement | length' "$TDIR/status.json")" -eq 4 ]
check "ward status says why each class is at its level" \
	[ "$(jq '[.enforcement_reasons[] | select(length > 0)] | length' "$TDIR/status.json")" -eq 4 ]
ward_stop srv
