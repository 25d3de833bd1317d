#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# syscall tracker: per-container counts; a container doing N one-byte reads
# and writes gets counts of at least N for read and write under its name, with
# the native ABI and numbers; an idle container does not.
. "$(dirname "$0")/lib.sh"
wardit_setup

[ "$(uname -m)" = x86_64 ] || skip "syscall numbers checked for x86_64 only"
nr_of() {
	printf '#include <sys/syscall.h>\n' | ${CC:-cc} -E -dM - |
		awk -v s="__NR_$1" '$1 == "#define" && $2 == s { print $3 }'
}
nr_read=$(nr_of read)
nr_write=$(nr_of write)
{ [ -n "$nr_read" ] && [ -n "$nr_write" ]; } ||
	fail "cannot find syscall numbers in <sys/syscall.h>"

A=$(ctr_id a)
B=$(ctr_id b)
n=20000

ctr_start "$A"
ctr_start "$B"
cga=$(ctr_cgroup_id "$A") || fail "cgroup id of $A"
ward_start w run syscall -o json --interval 1
out=$(ward_out w)

wait_event w 30 '.container.name == $a and .syscall == "read" and .count >= $n' \
	--arg a "$A" --argjson n $n -- ctr_exec "$A" dd if=/dev/zero of=/dev/null bs=1 count=$n
wait_event w 10 '.container.name == $a and .syscall == "write" and .count >= $n' \
	--arg a "$A" --argjson n $n
ward_stop w

for s in read:$nr_read write:$nr_write; do
	assert_some "$A: ${s%:*} (nr ${s#*:}) counted at least $n times" "$out" '
		.container.name == $a and .container.id == $a and .cgroup_id == $cg and
		.abi == "x86_64" and .syscall == $s and .nr == $nr and .count >= $n' \
		--arg a "$A" --argjson cg "$cga" --arg s "${s%:*}" --argjson nr "${s#*:}" \
		--argjson n $n
done
assert_none "syscall names and numbers agree" "$out" \
	'.abi == "x86_64" and ((.syscall == "read" and .nr != $r) or
	 (.syscall == "write" and .nr != $w))' --argjson r "$nr_read" --argjson w "$nr_write"
assert_none "idle $B is not charged with $A's reads" "$out" \
	'.container.name == $b and .syscall == "read" and .count >= $n' --arg b "$B" --argjson n $n
dups=$(jq -cnR '[inputs | fromjson] | group_by([.time, .cgroup_id, .abi, .nr]) |
	map(select(length > 1)) | .[0:3][]' "$out")
check "one record per interval, container and syscall (duplicates: $dups)" [ -z "$dups" ]
check_schema "$out" syscall
echo "PASS"
