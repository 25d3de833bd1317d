#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# rulesc suite: golden diagnostics and dumps, determinism, no output on
# errors, bundle reader rejections, sign/verify with keys made here, and the
# default pack's policy tests. Records "PASSED FAILED SKIPPED" in
# $BUILD/test-results/rulesc. Run from the repository root.
# Regenerate goldens after an intended change: UPDATE=1 tests/rulesc/run.sh
set -u
BUILD=${BUILD:-build}
RULESC=${RULESC:-$BUILD/rulesc}
DATA=tests/data/rulesc
out=$BUILD/test-results
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
p=0 f=0 s=0

pass() { p=$((p + 1)); }
fail() { f=$((f + 1)); echo "FAIL: $*"; }
skip() { s=$((s + 1)); echo "SKIP: $*"; }

# compare NAME EXPECTED-FILE ACTUAL-FILE
compare() {
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$3" "$2"
		pass
	elif diff -u "$2" "$3" >"$tmp/diff"; then
		pass
	else
		fail "$1"
		head -40 "$tmp/diff"
	fi
}

if [ ! -x "$RULESC" ]; then
	echo "rulesc: $RULESC missing (make build/rulesc)"
	echo "0 1 0" >"$out/rulesc"
	echo "rulesc: 0 passed, 1 failed, 0 skipped"
	exit 1
fi

# 1. golden diagnostics: NNNN-name.yaml (or directory NNNN-name/) -> .expected
for input in "$DATA"/[0-9][0-9][0-9][0-9]-*; do
	case $input in *.expected | *.dump) continue ;; esac
	base=${input%.yaml}
	[ -f "$base.expected" ] || { [ "${UPDATE:-0}" = 1 ] || { fail "$input has no .expected"; continue; }; }
	{ "$RULESC" check "$input"; echo "exit: $?"; } >"$tmp/actual" 2>&1
	compare "$input (check)" "$base.expected" "$tmp/actual"
	if [ -f "$base.dump" ]; then
		rm -f "$tmp/b"
		if "$RULESC" compile --output "$tmp/b" "$input" >"$tmp/log" 2>&1; then
			"$RULESC" dump "$tmp/b" | grep -v '^compiler:' >"$tmp/actual"
			compare "$input (dump)" "$base.dump" "$tmp/actual"
		else
			fail "$input does not compile"
			cat "$tmp/log"
		fi
	fi
	# valid inputs with PolicyTest documents: their cases pass
	if grep -q '^exit: 0$' "$base.expected" && grep -rq '^kind: PolicyTest' "$input"; then
		if "$RULESC" test "$input" >"$tmp/log" 2>&1; then pass; else
			fail "$input (test)"; grep -v '^PASS' "$tmp/log"; fi
	fi
	# invalid input leaves no output file
	if grep -q '^exit: 3$' "$base.expected" 2>/dev/null; then
		rm -f "$tmp/none"
		"$RULESC" compile --output "$tmp/none" "$input" >/dev/null 2>&1
		if [ $? -eq 3 ] && [ ! -e "$tmp/none" ] && [ -z "$(ls "$tmp" | grep '^none')" ]; then
			pass
		else
			fail "$input: compile of invalid input left output or wrong exit status"
		fi
	fi
done

# 2. JSON diagnostics are valid JSON with file, line, column, hint
"$RULESC" check -o json "$DATA/0003-unknown-key.yaml" >"$tmp/j"
if jq -e '.errors >= 1 and (.diagnostics[0] | .file and .line and .column and .hint and .code)' \
	"$tmp/j" >/dev/null; then pass; else fail "check -o json"; fi

# 3. determinism: same input, same bytes
"$RULESC" compile --output "$tmp/d1" policies && "$RULESC" compile --output "$tmp/d2" policies
if cmp -s "$tmp/d1" "$tmp/d2"; then pass; else fail "compile is not deterministic"; fi

# 4. the default pack: no errors, no warnings, every case passes
if "$RULESC" check --werror policies >"$tmp/log" 2>&1; then pass; else
	fail "policies/ does not check cleanly"; cat "$tmp/log"; fi
if "$RULESC" test policies >"$tmp/log" 2>&1; then pass; else
	fail "policies/ tests"; grep -v '^PASS' "$tmp/log"; fi
# every rule of the pack is named by at least one test case
missing=0
for rule in $("$RULESC" dump "$tmp/d1" | sed -n 's/^  rule [0-9]* \([^:]*\):.*/\1/p'); do
	grep -rq "rule: $rule\$" policies || { echo "rule $rule has no test case"; missing=1; }
done
[ $missing -eq 0 ] && pass || fail "untested rules in policies/"
# tests against the compiled file give the same result as in memory
if "$RULESC" test --bundle "$tmp/d1" policies >/dev/null 2>&1; then pass; else fail "test --bundle"; fi

# 5. bundle reader rejections
size=$(stat -c %s "$tmp/d1")
head -c $((size - 8)) "$tmp/d1" >"$tmp/trunc"
cp "$tmp/d1" "$tmp/extra" && printf 'garbage!' >>"$tmp/extra"
cp "$tmp/d1" "$tmp/flip" && printf '\x01' | dd of="$tmp/flip" bs=1 seek=$((size - 20)) conv=notrunc 2>/dev/null
printf 'WARDBNDL' >"$tmp/short"
for bad in trunc extra flip short; do
	if "$RULESC" dump "$tmp/$bad" >/dev/null 2>"$tmp/err"; then
		fail "dump accepted a $bad bundle"
	elif grep -q 'invalid bundle' "$tmp/err"; then pass; else fail "dump $bad: $(cat "$tmp/err")"; fi
done

# 6. sign and verify with keys generated here
if command -v openssl >/dev/null; then
	openssl genpkey -algorithm ed25519 -out "$tmp/k.pem" 2>/dev/null
	openssl pkey -in "$tmp/k.pem" -pubout -out "$tmp/pub.pem" 2>/dev/null
	openssl genpkey -algorithm ed25519 -out "$tmp/k2.pem" 2>/dev/null
	openssl pkey -in "$tmp/k2.pem" -pubout -out "$tmp/pub2.pem" 2>/dev/null
	openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out "$tmp/rsa.pem" 2>/dev/null
	cp "$tmp/d1" "$tmp/s"
	"$RULESC" verify --pub "$tmp/pub.pem" "$tmp/s" >/dev/null 2>&1 && fail "unsigned bundle verified" || pass
	"$RULESC" sign --key "$tmp/k.pem" "$tmp/s" && pass || fail "sign"
	"$RULESC" verify --pub "$tmp/pub.pem" "$tmp/s" >/dev/null && pass || fail "verify"
	"$RULESC" verify --pub "$tmp/pub2.pem" "$tmp/s" >/dev/null 2>&1 && fail "verified with the wrong key" || pass
	"$RULESC" sign --key "$tmp/rsa.pem" --output "$tmp/r" "$tmp/d1" >/dev/null 2>&1 && fail "signed with RSA" || pass
	"$RULESC" sign --key "$tmp/k2.pem" --output "$tmp/s2" "$tmp/s" && \
		"$RULESC" verify --pub "$tmp/pub2.pem" "$tmp/s2" >/dev/null && pass || fail "re-sign"
	"$RULESC" dump "$tmp/s" | grep -q '^signature: ed25519' && pass || fail "dump of a signed bundle"
	# tamper with the content (the hash catches it) and with the signature
	ssize=$(stat -c %s "$tmp/s")
	cp "$tmp/s" "$tmp/t1" && printf '\x55' | dd of="$tmp/t1" bs=1 seek=$((ssize - 1)) conv=notrunc 2>/dev/null
	"$RULESC" verify --pub "$tmp/pub.pem" "$tmp/t1" >/dev/null 2>&1 && fail "tampered signature verified" || pass
	cp "$tmp/s" "$tmp/t2" && printf '\x55' | dd of="$tmp/t2" bs=1 seek=200 conv=notrunc 2>/dev/null
	"$RULESC" verify --pub "$tmp/pub.pem" "$tmp/t2" >/dev/null 2>&1 && fail "tampered content verified" || pass
else
	skip "sign/verify: openssl CLI not installed (needed to generate test keys)"
fi

# 7. CLI: help for every command, exit codes
for c in check compile dump sign verify explain test version help; do
	"$RULESC" "$c" --help >/dev/null && pass || fail "rulesc $c --help"
done
"$RULESC" nosuch >/dev/null 2>&1; [ $? -eq 2 ] && pass || fail "unknown command exit status"
"$RULESC" compile policies >/dev/null 2>&1; [ $? -eq 2 ] && pass || fail "compile without --output exit status"
"$RULESC" explain policies --container web-1 --image nginx:1.25 --parent /usr/sbin/nginx \
	exec /bin/sh >"$tmp/e"
grep -q '^decision: block' "$tmp/e" && pass || fail "explain: $(cat "$tmp/e")"

echo "$p $f $s" >"$out/rulesc"
echo "rulesc: $p passed, $f failed, $s skipped"
[ $f -eq 0 ]
