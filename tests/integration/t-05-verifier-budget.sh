#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every BPF program ward ships verifies on this kernel within the budget (200,000 processed
# instructions): `ward doctor` loads each alone and reads bpf_prog_info.verified_insns;
# BPF-LSM programs may be refused only where BPF-LSM is absent (as on the project's hosts).
. "$(dirname "$0")/lib.sh"
wardit_setup

doc=$TDIR/doctor.json
"$WARD" doctor -o json >"$doc" || fail "ward doctor failed: $(tail -n 5 "$doc")"
lsm=0
[ "$(jq -r .enforcement.exec "$doc")" = lsm ] && lsm=1
"$WARDIT_ROOT/tests/verifier-budget.sh" "$doc" "$lsm" || fail "verifier budget exceeded (above)"
