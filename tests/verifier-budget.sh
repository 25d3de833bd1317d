#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
#
# The verifier budget as a tested property (docs/enforcement.md, "Verifier budget"): reads
# `ward doctor -o json` (the file given, or stdin), prints one line per program with this
# kernel's verified instruction count, and exits 1 when a program was rejected by the verifier,
# verified above the budget (200,000 instructions, 20 % of the limit), or, on a kernel whose
# BPF-LSM works (expect_lsm=1), when a BPF-LSM program was refused. POSIX sh and jq: the same
# script runs on the host (tests/integration) and in the BPF-LSM VM (tests/vm).
# Usage: verifier-budget.sh DOCTOR_JSON EXPECT_LSM(0|1)
set -u
doc=$1
expect_lsm=$2

kernel=$(jq -r .kernel "$doc") || exit 1
budget=$(jq -r .verifier_budget "$doc")
n=$(jq '.programs | length' "$doc")
[ "$n" -gt 0 ] || { echo "budget: no programs in the doctor's report"; exit 1; }
echo "budget: kernel $kernel, $n programs, budget $budget verified instructions"
jq -r --arg k "$kernel" '.programs[] |
	"VERIFIED \($k) \(.object) \(.program) \(.status) \(if .status == "ok" then .verified_insns else "-" end)"' "$doc"
bad=$(jq -r --argjson b "$budget" --argjson lsm "$expect_lsm" '.programs[] |
	select(.status == "failed" or (.status == "ok" and .verified_insns > $b) or
	       (.status == "unsupported" and (.detail | startswith("no tracepoint ") | not) and
	        ($lsm == 1 or (.section | startswith("lsm") | not)))) |
	"\(.object)/\(.program): \(.status) \(.verified_insns) \(.detail)"' "$doc")
if [ -n "$bad" ]; then
	echo "budget: FAIL"
	echo "$bad"
	exit 1
fi
max=$(jq -r '[.programs[] | select(.status == "ok") | .verified_insns] | max' "$doc")
echo "budget: ok, largest $max of $budget"
