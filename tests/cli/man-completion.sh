#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The man pages and the shell completion of ward and rulesc against their parsers:
# - every page renders with `man -l` without a warning of groff's or man's;
# - for every command path the completion knows (`ward profile export`), the options it
#   offers (bash: _ward called with COMP_WORDS) are the options the man page lists under
#   that command, and each of them is taken by the parser (PROG PATH OPTION [VALUE] --help
#   exits 0; each word a value completes to is given as that value): the completion is
#   written from the parsers' tables, the man page by hand, the parser is run;
# - the top-level commands the completion offers are those `PROG --help` lists, and each
#   has a section in the man page;
# - bash: a few completions give what they should; zsh: the scripts parse (zsh -n), compinit
#   loads them, and with compadd and _files stubbed they complete as bash does;
# - ward.yaml(5) lists the keys of docs/config.md, each accepted by `ward config check`, and
#   its example passes; ward-policy(5)'s example passes `rulesc test`.
# Needs no root. Records "PASSED FAILED SKIPPED" in $BUILD/test-results/man. About 6 s on
# two loaded cores (forks are slow there: the completion is called in this shell).
# Run from the repository root.
set -u
BUILD=${BUILD:-build}
out=$BUILD/test-results
mkdir -p "$out"
tmp=$(mktemp -d)
touch "$tmp/empty" # a file a file option names (an empty --config sets nothing)
trap 'rm -rf "$tmp"' EXIT
p=0 f=0

pass() { p=$((p + 1)); }
fail() { f=$((f + 1)); echo "FAIL: $*"; }
finish() {
	echo "$p $f 0" >"$out/man"
	echo "man: $p passed, $f failed, 0 skipped"
	[ "$f" -eq 0 ]
	exit
}

for t in "$BUILD/ward" "$BUILD/rulesc" $(printf "$BUILD/completion/%s " ward.bash rulesc.bash _ward _rulesc) \
	$(printf "$BUILD/man/%s " ward.8 rulesc.1 ward.yaml.5 ward-policy.5); do
	[ -s "$t" ] || { fail "$t missing (make build)"; finish; }
done
for t in man zsh; do
	command -v "$t" >/dev/null || { fail "$t missing (make deps)"; finish; }
done

# ---- the pages render without warnings --------------------------------------------------
for page in "$BUILD"/man/*; do
	warn=$(MANWIDTH=80 man --warnings=w -E UTF-8 -l "$page" 2>&1 >/dev/null)
	lines=$(MANWIDTH=80 man -E UTF-8 -l "$page" 2>/dev/null | wc -l)
	if [ -z "$warn" ] && [ "$lines" -gt 20 ]; then pass; else
		fail "man -l $page: $lines lines, warnings: $warn"; fi
done

# opts_of_man SCD: "PATH|OPTION" per option item of the page (the "## PROG PATH ..." section
# it is under; "# OPTIONS": the program's own, path ""), with those of the command a section
# says it "takes every option of"
opts_of_man() {
	awk '/^## (ward|rulesc) / { path = ""; for (i = 3; i <= NF && $i ~ /^[a-z][a-z-]*$/; i++)
			path = path (path == "" ? "" : " ") $i; sect = path; next }
		/^# OPTIONS$/ { sect = ""; next }
		/ takes every option of \*(ward|rulesc) [a-z ]+\*/ && sect != "-" {
			match($0, /every option of \*[a-z ]+\*/); inherit[sect] = substr($0, RSTART + 22, RLENGTH - 23)
			sub(/^(ward|rulesc) /, "", inherit[sect]) }
		/^# / { sect = "-"; next }
		/^\*-/ && sect != "-" { s = $0
			while (match(s, /\*-[-a-zA-Z0-9]*\*/)) {
				opt[sect] = opt[sect] " " substr(s, RSTART + 1, RLENGTH - 2); s = substr(s, RSTART + RLENGTH) } }
		END { for (p in opt) { n = split(opt[p] " " (p in inherit ? opt[inherit[p]] : ""), o, " "); for (i = 1; i <= n; i++) print p "|" o[i] } }' "$1"
}

# same_set "A B ..." "B A ...": the same words, in any order (counts pass; no fork)
same_set() {
	local -A a=() b=()
	local w
	for w in $1; do a[$w]=1; done
	for w in $2; do b[$w]=1; done
	for w in "${!a[@]}"; do [ -n "${b[$w]:-}" ] || return 1; done
	for w in "${!b[@]}"; do [ -n "${a[$w]:-}" ] || return 1; done
	pass
}

# sample OPTION: a value the parser takes for it (when the completion offers none)
sample() {
	case $1 in
	--interval | -i | --duration | -d | --converge | --aggregate-window) echo 5 ;;
	--output-max-size) echo 1M ;;
	--syslog) echo unix:/dev/log ;;
	--webhook | --otlp) echo http://127.0.0.1:9/x ;;
	--api-socket) echo /run/x.sock ;;
	--label | -l) echo k=v ;;
	--parent | -p) echo /bin/sh ;;
	*) echo 5 ;;
	esac
}

for prog in ward rulesc; do
	bin=$BUILD/$prog
	scd=docs/man/$prog.$([ $prog = ward ] && echo 8 || echo 1).scd
	# the scripts in build/ are what the binary writes now
	for sh in bash zsh; do
		file=$BUILD/completion/$([ $sh = bash ] && echo $prog.bash || echo _$prog)
		if cmp -s <("$bin" completion $sh) "$file"; then pass; else
			fail "$file is not what '$prog completion $sh' prints (make build)"; fi
	done
	# shellcheck disable=SC1090
	source "$BUILD/completion/$prog.bash"
	# complete WORDS...: what the completion offers for the last word, in COMPREPLY (called
	# in this shell: forks are slow here, the test runs in seconds)
	complete() {
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMPREPLY=()
		"_$prog"
	}

	listed=$("$bin" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]\+\) .*/\1/p')
	complete "$prog" ""
	same_set "$listed" "${COMPREPLY[*]}" ||
		fail "$prog: --help lists '$listed', the completion offers '${COMPREPLY[*]}'"
	for c in $listed; do
		grep -q "^## $prog $c\b" "$scd" && pass || fail "$scd: no section '## $prog $c'"
	done

	r=_${prog}_r # what the completion's tables set (_ward_subs PATH, ...)
	# every command path, breadth first
	paths=("")
	for ((i = 0; i < ${#paths[@]}; i++)); do
		"_${prog}_subs" "${paths[i]}"
		for s in ${!r}; do
			paths+=("${paths[i]:+${paths[i]} }$s")
		done
	done
	# the options the man page lists per path, but --help
	declare -A man=() known=()
	while IFS='|' read -r mp opt; do
		[[ $opt == -h || $opt == --help ]] || man[@$mp]+=" $opt"
	done < <(opts_of_man "$scd")
	for path in "${paths[@]}"; do known[@$path]=1; done
	for mp in "${!man[@]}"; do
		[ -n "${known[$mp]:-}" ] && pass || fail "$scd: options under '$prog ${mp#@}', which is no command"
	done
	for path in "${paths[@]}"; do
		# shellcheck disable=SC2086 # the path splits into words on purpose
		complete "$prog" $path -
		comp=()
		for opt in "${COMPREPLY[@]}"; do
			[[ $opt == -h || $opt == --help ]] || comp+=("$opt")
		done
		same_set "${comp[*]}" "${man[@$path]:-}" ||
			fail "'$prog $path': the completion offers '${comp[*]}', $scd lists '${man[@$path]:-}'"
		# the parser takes them all: one run with each option and each word its value
		# completes to (--help at the end stops it before it acts); an operand word first
		# where the command wants one before its options (run TRACKER)
		operand=
		"_${prog}_files" "$path" || { "_${prog}_values" "$path" && operand=${!r%% *}; }
		args=()
		"_${prog}_valopts" "$path"
		valopts=" ${!r} "
		for opt in "${comp[@]}"; do
			if [[ $valopts != *" $opt "* ]]; then
				args+=("$opt")
				continue
			fi
			if "_${prog}_files" "${path:+$path }$opt"; then
				args+=("$opt" "$tmp/empty")
				continue
			fi
			"_${prog}_values" "${path:+$path }$opt"
			read -ra values <<<"${!r}"
			if [ ${#values[@]} -gt 0 ]; then
				for v in "${values[@]}"; do args+=("$opt" "$v"); done
			else
				args+=("$opt" "$(sample "$opt")")
			fi
		done
		# shellcheck disable=SC2086
		"$bin" $path $operand "${args[@]}" --help >/dev/null 2>"$tmp/err"
		rc=$?
		[ "$rc" -eq 0 ] && pass ||
			fail "'$prog $path $operand ${args[*]} --help': exit $rc: $(head -c 300 "$tmp/err")"
	done
	unset man known
done

# ---- bash: what a few completions give ----------------------------------------------------
# shellcheck disable=SC1091
source "$BUILD/completion/ward.bash"
source "$BUILD/completion/rulesc.bash"
# expect WANT WORDS...: the completion of the last word is WANT (sorted)
expect() {
	local want=$1 got
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	"_$1"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | xargs)
	[ "$got" = "$want" ] && pass || fail "completion of '$*': '$got', want '$want'"
}
mkdir -p "$tmp/pol" && touch "$tmp/pol/web.yaml" "$tmp/pol/db.yaml"
expect "docker-caps docker-seccomp k8s-caps k8s-seccomp oci-caps oci-seccomp" ward profile export -o ""
expect "k8s-caps k8s-seccomp" ward profile export --output x --format k8s
expect "files process syscall tcp" ward run ""
expect "all files process syscall tcp" ward server --events ""
expect "list start stop" ward ctl --socket /run/x.sock tracker ""
expect "files process syscall tcp" ward ctl tracker start ""
expect "csv json table" ward run files -i 5 -o ""
expect "--from-start" ward learn --from
expect "$tmp/pol/db.yaml $tmp/pol/web.yaml" ward server --policy "$tmp/pol/"
expect "$tmp/pol/db.yaml $tmp/pol/web.yaml" rulesc check --werror "$tmp/pol/"
expect "json text" rulesc --json explain --bundle x -o ""
expect "bash zsh" rulesc completion ""
expect "check" ward seccomp ""
expect "completion" ward help comp

# ---- zsh --------------------------------------------------------------------------------------
for prog in ward rulesc; do
	if zsh -n "$BUILD/completion/_$prog" 2>"$tmp/err"; then pass; else
		fail "zsh -n _$prog: $(cat "$tmp/err")"; fi
done
# compinit over our directory and zsh's own completion system (not every completer zsh has)
got=$(HOME=$tmp zsh -f -c "fpath=($(realpath "$BUILD/completion") \${fpath[(r)*/functions/Completion]})
	autoload -Uz compinit; compinit -u -d $tmp/zcompdump; print -r -- \$_comps[ward] \$_comps[rulesc]" 2>&1)
[ "$got" = "_ward _rulesc" ] && pass || fail "zsh compinit: '$got', want '_ward _rulesc'"
# zexpect WANT WORDS...: with compadd and _files stubbed, the zsh script completes the last
# word to WANT
zexpect() {
	local want=$1 got
	shift
	got=$(zsh -f -c 'compadd() { shift; print -rl -- "$@"; }; _files() { print FILES; }
		words=("${@:2}"); CURRENT=$#words; source "$1"' zsh "$BUILD/completion/_$1" "$@" 2>&1 |
		sort | xargs)
	[ "$got" = "$want" ] && pass || fail "zsh completion of '$*': '$got', want '$want'"
}
zexpect "docker-caps docker-seccomp k8s-caps k8s-seccomp oci-caps oci-seccomp" ward profile export -o ""
zexpect "files process syscall tcp" ward run ""
zexpect "--bundle --container --format --help --host --image --json --label --parent -H -b -c -h -i -j -l -o -p" \
	rulesc explain -

# ---- ward.yaml(5): the keys of the configuration file ------------------------------------------
scd=docs/man/ward.yaml.5.scd
man_keys=$(awk '/^# KEYS$/ { s = 1; next } /^# / { s = 0 } s && /^\*[a-zA-Z]+\*$/ { gsub(/\*/, ""); print }' "$scd" | sort | xargs)
doc_keys=$(sed -n '/^| key | type |/,/^$/s/^| `\([a-zA-Z]*\)` |.*/\1/p' docs/config.md | sort | xargs)
[ -n "$man_keys" ] && [ "$man_keys" = "$doc_keys" ] && pass ||
	fail "$scd lists the keys '$man_keys', docs/config.md '$doc_keys'"
man_out=$(awk '/^# OUTPUTS$/ { s = 1; next } /^# / { s = 0 } s && /^\*[a-zA-Z]+\*$/ { gsub(/\*/, ""); print }' "$scd" | sort | xargs)
doc_out=$(sed -n '/^| key | types |/,/^$/s/^| `\([a-zA-Z]*\)` |.*/\1/p' docs/config.md | sort | xargs)
[ -n "$man_out" ] && [ "$man_out" = "$doc_out" ] && pass ||
	fail "$scd lists the output keys '$man_out', docs/config.md '$doc_out'"
# one file with every key, one with an output entry per output key: no key is unknown
for key in $man_keys; do printf '%s: "@"\n' "$key"; done >"$tmp/keys.yaml"
{
	echo "outputs:"
	for key in $man_out; do printf '  - {%s: "@"}\n' "$key"; done
} >"$tmp/outputs.yaml"
for file in keys outputs; do
	unknown=$("$BUILD/ward" config check -o json "$tmp/$file.yaml" |
		jq -r '[.diagnostics[] | select(.code == "unknown-key") | .message] | join("; ")')
	[ -z "$unknown" ] && pass || fail "ward.yaml(5): ward config check says: $unknown"
done
# example FILE SECTION: the code block of the page's section
example() { awk -v s="# $2" '$0 == s { f = 1; next } /^# / { f = 0 } f && /^```/ { n++; next } f && n == 1' "$1"; }
example "$scd" EXAMPLE >"$tmp/ward.yaml"
"$BUILD/ward" config check "$tmp/ward.yaml" >"$tmp/out" 2>&1 && pass ||
	fail "ward.yaml(5) EXAMPLE: $(cat "$tmp/out")"
example docs/man/ward-policy.5.scd EXAMPLE >"$tmp/policy.yaml"
"$BUILD/rulesc" test "$tmp/policy.yaml" >"$tmp/out" 2>&1 && grep -q '^1 passed, 0 failed$' "$tmp/out" && pass ||
	fail "ward-policy(5) EXAMPLE: $(cat "$tmp/out")"

finish
