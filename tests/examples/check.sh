#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Prometheus and Grafana examples against the exporter: `promtool check rules` and
# `promtool test rules` on examples/prometheus/; the dashboard examples/grafana/ward.json is
# valid JSON for import, its queries parse (promtool) and name only metric families ward
# exports; the rules name only those families too, and the unit test fires and silences every
# alert. The families are read from the exporter's sources (engine/metrics/), so a renamed or
# removed family fails here. Needs promtool (Debian's prometheus, make deps) and python3 with
# PyYAML; without them those checks are skipped, loudly. Loads nothing, needs no root.
# Records "PASSED FAILED SKIPPED" in $BUILD/test-results/examples. Run from the repository root.
set -u
BUILD=${BUILD:-build}
out=$BUILD/test-results
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
RULES=examples/prometheus/ward-rules.yml
RULES_TEST=examples/prometheus/ward-rules.test.yml
DASHBOARD=examples/grafana/ward.json
CHECK=tests/examples/check_examples.py
p=0 f=0 s=0

pass() { p=$((p + 1)); echo "ok: $*"; }
fail() { f=$((f + 1)); echo "FAIL: $*"; }
skip() { s=$((s + 1)); echo "SKIPPED: $*"; }
# run NAME CMD...: one check, its output shown when it fails.
run() {
	local name=$1
	shift
	if "$@" >"$tmp/log" 2>&1; then
		pass "$name"
		grep -E '^(note|dashboard|coverage):' "$tmp/log" | sed 's/^/    /'
	else
		fail "$name"
		sed 's/^/    /' "$tmp/log"
	fi
}

# The families the exporter registers: every metrics_family() call (and exporter.c's FAM()
# wrapper) names its family as a string literal just before its METRICS_COUNTER/GAUGE type.
grep -ohE '"[a-zA-Z_:][a-zA-Z0-9_:]*",[[:space:]]*METRICS_(COUNTER|GAUGE)' \
	engine/metrics/exporter.c engine/metrics/metrics.c | cut -d'"' -f2 | sort -u >"$tmp/families"
n=$(wc -l <"$tmp/families")
if [ "$n" -ge 10 ]; then
	pass "$n metric families found in engine/metrics/"
else
	fail "only $n metric families found in engine/metrics/ (did the registration change?)"
fi

if command -v promtool >/dev/null; then
	run "promtool check rules $RULES" promtool check rules "$RULES"
	run "promtool test rules $RULES_TEST" promtool test rules "$RULES_TEST"
else
	skip "promtool check rules: promtool not installed (make deps installs prometheus)"
	skip "promtool test rules: promtool not installed"
fi

if command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null; then
	run "$DASHBOARD: valid, its queries name exported families only" \
		python3 "$CHECK" dashboard "$DASHBOARD" "$tmp/families" "$tmp/dashboard-rules.yml"
	if [ ! -s "$tmp/dashboard-rules.yml" ]; then
		skip "$DASHBOARD: PromQL syntax (no queries extracted)"
	elif command -v promtool >/dev/null; then
		run "$DASHBOARD: every query parses (promtool)" \
			promtool check rules "$tmp/dashboard-rules.yml"
	else
		skip "$DASHBOARD: PromQL syntax: promtool not installed"
	fi
	run "$RULES: exported families only, severity, summary, description" \
		python3 "$CHECK" rules "$RULES" "$tmp/families"
	run "$RULES_TEST: every alert fired and kept silent" \
		python3 "$CHECK" coverage "$RULES" "$RULES_TEST"
else
	skip "dashboard, rules and coverage checks: python3 with PyYAML not installed"
	if command -v jq >/dev/null; then
		run "$DASHBOARD is valid JSON (jq)" jq -e .panels "$DASHBOARD"
	else
		skip "$DASHBOARD is valid JSON: no jq either"
	fi
fi

echo "$p $f $s" >"$out/examples"
echo "examples: $p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
