#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The verifier budget on this BPF-LSM kernel: every program ward ships, BPF-LSM hooks included,
# loads alone and verifies within 200,000 processed instructions (tests/verifier-budget.sh; the
# table lines start with VERIFIED and land in docs/benchmarks.md). Runs on every kernel of the
# matrix (tests/vm/run.sh, WARD_VM_KERNEL).
# vm-binaries: jq
# vm-files: tests/verifier-budget.sh
# vm-timeout: 180
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_run "$WARD" doctor -o json >"$VM_TMP/doctor.json"
vm_assert_eq "$(jq -r '.enforcement.exec' "$VM_TMP/doctor.json")" lsm "doctor .enforcement.exec"
sh /vm/files/verifier-budget.sh "$VM_TMP/doctor.json" 1 || vm_fail "verifier budget (above)"
