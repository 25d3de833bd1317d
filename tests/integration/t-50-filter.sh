#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# --container NAME|ID: with a filter only that container's events appear (not
# another container's, not the host's), for an event tracker and an interval
# tracker; a filter naming a container that does not exist yet matches it once
# it is started, and attributes it by name. The verdicts live in the kernel:
# each tracker's ward_cgfilter map (include/ward/common.h) holds them per cgroup id.
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v bpftool >/dev/null || fail "bpftool missing (make deps)"

# The verdict values, from the header the BPF programs are built with.
printf '#include <stdio.h>\n#include "ward/common.h"\nint main(void) {
	printf("%%d %%d\\n", WARD_CG_WANTED, WARD_CG_UNWANTED); return 0; }\n' |
	${CC:-cc} -I"$WARDIT_ROOT/include" -x c - -o "$TDIR/verdicts" || fail "cannot build verdicts"
read -r wanted unwanted < <("$TDIR/verdicts")

# cgfilter_ok WARD CGROUP-ID=VERDICT...: every ward_cgfilter map that ward WARD
# holds maps each CGROUP-ID to VERDICT; prints what differs.
cgfilter_ok() {
	local n=$1 f id maps=0 got dump rc=0
	shift
	while read -r id; do
		bpftool map show id "$id" -j </dev/null | jq -e '.name == "ward_cgfilter"' >/dev/null ||
			continue
		maps=$((maps + 1))
		dump=$(bpftool map dump id "$id" -j </dev/null | jq -c '[.[].formatted]')
		for f in "$@"; do
			got=$(jq --argjson k "${f%=*}" '.[] | select(.key == $k) | .value' <<<"$dump")
			[ "$got" = "${f#*=}" ] && continue
			echo "map $id has ${got:-no verdict} for cgroup ${f%=*}, not ${f#*=} (map: $dump)"
			rc=1
		done
	done < <(sed -n 's/^map_id:[[:space:]]*//p' /proc/"${WARD_PID[$n]}"/fdinfo/* 2>/dev/null |
		 sort -u)
	[ $maps -gt 0 ] || { echo "no ward_cgfilter map"; return 1; }
	return $rc
}

# cgfilter_check WARD DESC CGROUP-ID=VERDICT...: cgfilter_ok within 5 s (a
# cgroup is classified after its first events reach user space).
cgfilter_check() {
	local n=$1 desc=$2 deadline=$((SECONDS + 5)) why
	shift 2
	until why=$(cgfilter_ok "$n" "$@"); do
		[ $SECONDS -lt $deadline ] || fail "$desc: ward[$n]: $why"
		sleep 0.5
	done
	echo "ok: $desc"
}

r=$RANDOM$RANDOM
A=$(ctr_id a)
B=$(ctr_id b)
C=$(ctr_id c)
bb=$(command -v busybox)

# mark WHO PHASE...: an exec of "busybox echo ward-filt-PHASE-WHO" and a 1000
# byte write to /data/PHASE.bin in container WHO (or on the host).
mark() {
	local who=$1 ph=$2
	if [ "$who" = host ]; then
		"$bb" echo "ward-filt-$ph-host" >/dev/null
		dd if=/dev/zero of="$TDIR/$ph.bin" bs=1000 count=1 2>/dev/null
	else
		ctr_exec "$who" /bin/busybox echo "ward-filt-$ph-$who" >/dev/null
		ctr_exec "$who" dd if=/dev/zero of="/data/$ph.bin" bs=1000 count=1 2>/dev/null
	fi
}
mark_all() {
	local ph=$1 who
	shift
	for who in "$@"; do
		mark "$who" "$ph"
	done
}
exec_of='.event == "exec" and .argv[0] == "/bin/busybox" and .argv[-1] == $m'

ctr_start "$A"
ctr_start "$B"
cga=$(ctr_cgroup_id "$A") || fail "cgroup id of $A"
ward_start future run process -o json --container "$C"
ward_start pa run process -o json --container "$A"
ward_start fa run files -o json --interval 1 --container "$A"

# Both wards for A run once A's marks show up; B and the host mark meanwhile.
p1=p1-$r
wait_event pa 30 "$exec_of" --arg m "ward-filt-$p1-$A" -- mark_all $p1 "$A" "$B" host
wait_event fa 30 '.filename == $f' --arg f "/data/$p1.bin" -- mark_all $p1 "$A" "$B" host
ward_alive future || fail "ward --container $C (not yet existing) exited"

# C is created only now, long after ward[future] started. Then everyone marks
# again, until the filtered wards have seen their own container's marks.
ctr_start "$C"
cgc=$(ctr_cgroup_id "$C") || fail "cgroup id of $C"
p2=p2-$r
wait_event future 20 "$exec_of" --arg m "ward-filt-$p2-$C" -- mark_all $p2 "$C" "$A" "$B" host
wait_event pa 10 "$exec_of" --arg m "ward-filt-$p2-$A"
wait_event fa 10 '.filename == $f' --arg f "/data/$p2.bin" -- mark_all $p2 "$A" "$B" host
cgh=$(cgroup_id_of_pid $$) || fail "cgroup id of the host test shell"
cgb=$(ctr_cgroup_id "$B") || fail "cgroup id of $B"
cgfilter_check pa "in-kernel verdicts of --container $A" \
	"$cga=$wanted" "$cgb=$unwanted" "$cgh=$unwanted" "$cgc=$unwanted"
cgfilter_check fa "in-kernel verdicts of files --container $A" \
	"$cga=$wanted" "$cgb=$unwanted" "$cgh=$unwanted"
cgfilter_check future "in-kernel verdicts of --container $C" \
	"$cgc=$wanted" "$cga=$unwanted" "$cgb=$unwanted" "$cgh=$unwanted"
ward_stop future
ward_stop pa
ward_stop fa

out=$(ward_out pa)
assert_some "--container $A: A's exec, A's name and cgroup" "$out" \
	"$exec_of"' and .container.name == $a and .cgroup_id == $cg' \
	--arg m "ward-filt-$p1-$A" --arg a "$A" --argjson cg "$cga"
assert_none "--container $A: nothing from B, C or the host" "$out" \
	'.container.name != $a or .cgroup_id != $cg' --arg a "$A" --argjson cg "$cga"
assert_none "--container $A: no marker of B, C or the host" "$out" \
	'(.argv[-1]? // "") | test("^ward-filt-p[12]-" + $r + "-") and (endswith($a) | not)' \
	--arg r "$r" --arg a "$A"

out=$(ward_out fa)
assert_some "files --container $A: A's write" "$out" '
	.filename == $f and .container.name == $a and .cgroup_id == $cg and .write_bytes == 1000' \
	--arg f "/data/$p1.bin" --arg a "$A" --argjson cg "$cga"
assert_none "files --container $A: nothing from B, the host or C" "$out" \
	'.container.name != $a or .cgroup_id != $cg' --arg a "$A" --argjson cg "$cga"

out=$(ward_out future)
assert_some "--container $C started after ward: C's exec, by name, id and cgroup" "$out" \
	"$exec_of"' and .container.name == $c and .container.id == $c and
	.container.host == false and .cgroup_id == $cg' \
	--arg m "ward-filt-$p2-$C" --arg c "$C" --argjson cg "$cgc"
assert_none "--container $C: nothing from A, B or the host" "$out" \
	'.container.name != $c or .cgroup_id != $cg' --arg c "$C" --argjson cg "$cgc"
assert_none "--container $C: no marker of A, B or the host" "$out" \
	'(.argv[-1]? // "") | test("^ward-filt-p[12]-" + $r + "-") and (endswith($c) | not)' \
	--arg r "$r" --arg c "$C"
for w in future pa; do
	check_schema "$(ward_out $w)" process
done
check_schema "$(ward_out fa)" files
echo "PASS"
