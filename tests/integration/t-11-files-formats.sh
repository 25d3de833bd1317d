#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# files tracker, table (the default) and CSV: exact columns, and a row with the
# real name of a runc container doing file I/O.
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v python3 >/dev/null || skip "python3 (CSV parser) not installed (make deps)"

r=$RANDOM$RANDOM
A=$(ctr_id a)
n=4321
f=/data/wardT-$r.bin
fh=$TDIR/wardH-$r.bin
cols="pid container_name reads writes read_bytes write_bytes type comm filename"

ctr_start "$A" sh -c "while :; do dd if=/dev/zero of=$f bs=$n count=1 2>/dev/null; sleep 0.2; done"
ward_start table run files --interval 1
ward_start csv run files --interval 1 -o csv

deadline=$((SECONDS + 30))
until grep -qF "$f" "$(ward_out table)" && grep -qF "$f" "$(ward_out csv)" &&
	grep -qF "$fh" "$(ward_out table)" && grep -qF "$fh" "$(ward_out csv)"; do
	dd if=/dev/zero of="$fh" bs=$n count=1 2>/dev/null
	ward_alive table || fail "ward[table] exited"
	ward_alive csv || fail "ward[csv] exited"
	[ $SECONDS -lt $deadline ] || fail "no rows for $f and $fh in 30s"
	sleep 0.5
done
ward_stop table
ward_stop csv

# Table: the first line is the header; whitespace-separated fields.
tbl=$(ward_out table)
check "table header is exactly: $cols (got: $(head -n 1 "$tbl"))" \
	[ "$(head -n 1 "$tbl" | tr -s ' \t' ' ' | sed 's/^ //; s/ $//')" = "$cols" ]
check "every table header line is the same" \
	awk -v c="$cols" '$1 == "pid" { $1 = $1; if ($0 != c) exit 1 }' "$tbl"
check "a table row shows $A writing $n bytes to $f" \
	awk -v a="$A" -v f="$f" -v n=$n -v found=1 '
		NF == 9 && $2 == a && $4 == 1 && $6 == n && $7 == "R" && $8 == "dd" && $9 == f {
			found = 0 }
		END { exit found }' "$tbl"
check "a table row shows the host writing $fh as <host>" \
	awk -v f="$fh" -v found=1 '$2 == "<host>" && $7 == "R" && $9 == f { found = 0 }
		END { exit found }' "$tbl"

# CSV (RFC 4180): header first, once; the table's columns in the table's order,
# other columns only from the JSON schema; as many fields on every record.
check "CSV: one header with the table's columns, full records, rows for $A and <host>" \
	python3 - "$(ward_out csv)" "$A" "$f" "$n" "$cols" "$fh" <<'EOF'
import csv, sys
path, name, fname, n, cols, hostfile = sys.argv[1:]
with open(path, newline="") as fp:
    rows = list(csv.reader(fp, strict=True))
hdr = rows[0]
json_only = {"time", "cgroup_id", "filename_truncated"}
if [c for c in hdr if c not in json_only] != cols.split():
    sys.exit(f"header {hdr}: table columns {cols.split()} not all there in order, or extras")
bad = [r for r in rows if len(r) != len(hdr)]
if bad:
    sys.exit(f"records without {len(hdr)} fields: {bad[:3]}")
if hdr in rows[1:]:
    sys.exit("header repeated")
recs = [dict(zip(hdr, r)) for r in rows[1:]]
mine = [r for r in recs if r["filename"] == fname]
if not mine:
    sys.exit(f"no record for {fname}")
for r in mine:
    if (r["container_name"], r["type"], r["comm"], r["write_bytes"], r["writes"]) != \
       (name, "R", "dd", n, "1"):
        sys.exit(f"unexpected record {r}")
if not any(r["container_name"] == "<host>" and r["filename"] == hostfile for r in recs):
    sys.exit(f"no <host> record for {hostfile}")
EOF
echo "PASS"
