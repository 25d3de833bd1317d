#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The enforcement benchmark (tests/bench/enforce.sh) on the BPF-LSM kernel: average run time
# of lsm/bprm_check_security, lsm/socket_connect and lsm/file_open per call, from the
# kernel's BPF statistics, with 10 and with 10,000 rules, and as a ratio to an empty program
# on the same hook (tests/bench/empty_hooks); fails when the cost grows with the rule count.
# Run by `make bench` (suite vm: WARD_VM_SUITE=bench tests/vm/run.sh 10-enforce-hooks). Under TCG the
# absolute figures are those of an emulated CPU, where larger maps cost more in emulated cache
# and TLB misses: flat here means within 2x from 10 to 10,000 rules (a scan would be ~1000x).
# vm-binaries: bash bpftool jq runc bc
# vm-files: tests/bench/enforce.sh build/static/empty_hooks build/static/bench_loop
# vm-timeout: 900
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd # bash's <(...)
WARD=/ward EMPTY_HOOKS=/vm/files/empty_hooks BENCH_LOOP=/vm/files/bench_loop \
	WARD_BENCH_ENF_N=${WARD_BENCH_ENF_N:-300} \
	WARD_BENCH_ENF_START_S=300 WARD_BENCH_NO_PIVOT=1 \
	WARD_BENCH_FLAT_RATIO=2 \
	bash /vm/files/enforce.sh || vm_fail "tests/bench/enforce.sh failed"
