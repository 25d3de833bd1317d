#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark: compile 10,000 rules across 1,000 selectors (policies) and check
# the budget: under 1 s wall time and under 100 MB peak RSS. Prints one line
# of figures; exit 1 when over budget. Usage: tests/bench/rulesc.sh [POLICIES [RULES_PER_POLICY]]
set -euo pipefail
BUILD=${BUILD:-build}
RULESC=${RULESC:-$BUILD/rulesc}
policies=${1:-1000}
per=${2:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One file per 100 policies; rules cycle through every resource kind so all
# tables (exact, dir, glob, source, CIDR, ports, unix, sockets, caps, syscalls)
# are exercised.
awk -v policies="$policies" -v per="$per" -v dir="$tmp" 'BEGIN {
	for (p = 0; p < policies; p++) {
		f = sprintf("%s/gen-%03d.yaml", dir, int(p / 100));
		printf "---\napiVersion: ward.dev/v1\nkind: Policy\nmetadata: {name: p%d}\n", p > f;
		printf "spec:\n  selector: {containers: [\"svc%d-*\"], labels: {team: t%d}}\n", p, p % 50 > f;
		printf "  mode: %s\n", (p % 2 ? "audit" : "enforce") > f;
		printf "  defaults: {exec: allow, file: allow, network: allow, capabilities: allow, syscalls: allow}\n  rules:\n" > f;
		for (r = 0; r < per; r++) {
			k = r % 10;
			printf "    - name: r%d\n      action: %s\n      severity: high\n      tags: [gen]\n", r, (k == 9 ? "alert" : "block") > f;
			if (k == 0) printf "      exec: {paths: [/opt/app%d/bin/tool%d, /usr/bin/x%d]}\n", p, r, r > f;
			else if (k == 1) printf "      exec: {dirs: [/srv/p%d/r%d/], fromSource: [/usr/sbin/s%d]}\n", p, r, r > f;
			else if (k == 2) printf "      exec: {paths: [\"/opt/p%d/bin/py%d*\"]}\n", p, r > f;
			else if (k == 3) printf "      file: {dirs: [/data/p%d/r%d/], recursive: false, access: [write, unlink]}\n", p, r > f;
			else if (k == 4) printf "      file: {paths: [/etc/p%d/secret%d], access: [read]}\n", p, r > f;
			else if (k == 5) printf "      network: {connect: {cidrs: [10.%d.%d.0/24, \"2001:db8:%x::/48\"], ports: [%d, 8000-8100]}}\n", p % 256, r, p, 1000 + r > f;
			else if (k == 6) printf "      network: {bind: {ports: [%d], protocols: [tcp]}}\n", 2000 + r > f;
			else if (k == 7) printf "      network: {connect: {unix: [/run/p%d/r%d.sock]}, sockets: [raw]}\n", p, r > f;
			else if (k == 8) printf "      capabilities: {names: [CAP_SYS_ADMIN, CAP_NET_RAW]}\n" > f;
			else printf "      syscalls: {names: [ptrace, mount]}\n" > f;
		}
	}
}'

rules=$((policies * per))
/usr/bin/time -v -o "$tmp/time" "$RULESC" compile --output "$tmp/bundle" "$tmp" 2>"$tmp/err" || {
	cat "$tmp/err"; exit 1; }
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
secs=$(awk -v t="$wall" 'BEGIN { n = split(t, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }')
size=$(stat -c %s "$tmp/bundle")
yaml=$(cat "$tmp"/*.yaml | wc -c)
echo "rulesc compile: $rules rules, $policies selectors, $yaml bytes of YAML -> $size byte bundle:" \
	"${secs} s wall, $((rss_kb / 1024)) MB peak RSS (budget 1 s, 100 MB)"
awk -v s="$secs" -v m="$rss_kb" 'BEGIN { exit !(s < 1.0 && m < 100 * 1024) }' || {
	echo "rulesc compile: OVER BUDGET"; exit 1; }
