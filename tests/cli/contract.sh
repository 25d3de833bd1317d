#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The CLI contract of docs/cli.md, for every subcommand of ward and rulesc: --help exits 0; an
# unknown option and `-o bogus` exit 2 with "<prog>: <cmd>: ..." and "Try '<prog> <cmd>
# --help'." on stderr; a bad duration exits 2 where a command takes one (and 90s, 15m, 2h and
# plain seconds are accepted); a malformed input file (policy, profile, bundle, seccomp profile,
# written here) exits 3; `-o json` output parses with jq where the command needs no root. The
# test fails when `ward --help`, `rulesc --help` or a command's own list names a subcommand it
# does not test. It needs no root and loads nothing: as root it runs the binaries as nobody,
# and every case that could start a tracker or a server fails in its parsing first.
# Records "PASSED FAILED SKIPPED" in $BUILD/test-results/cli. Run from the repository root.
set -u
BUILD=${BUILD:-build}
WARD=${WARD:-$BUILD/ward}
RULESC=${RULESC:-$BUILD/rulesc}
out=$BUILD/test-results
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 1777 "$tmp" # nobody (below) reads the inputs and writes outputs here
p=0 f=0

pass() { p=$((p + 1)); }
fail() { f=$((f + 1)); echo "FAIL: $*"; }

for bin in "$WARD" "$RULESC"; do
	if [ ! -x "$bin" ]; then
		echo "cli: $bin missing (make build)"
		echo "0 1 0" >"$out/cli"
		exit 1
	fi
done
command -v jq >/dev/null || { echo "cli: jq missing (make deps)"; echo "0 1 0" >"$out/cli"; exit 1; }

# As root, run everything as nobody: nothing here may need root or touch the kernel.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	asuser() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
	asuser() { "$@"; }
fi

# run PROG ARGS...: status in $rc, output in $tmp/out and $tmp/err
run() {
	rc=0
	asuser "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
}

# status WANT WHAT PROG ARGS...: PROG ARGS... exits WANT
status() {
	local want=$1 what=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$want" ]; then pass; else
		fail "$what: exit $rc, want $want: $(head -c 400 "$tmp/err")"; fi
}

# usage NAME WHAT PROG ARGS...: a usage error of command NAME ("" for the program itself):
# exit 2, "<prog>: NAME: " on the first line of stderr, the hint on the last
usage() {
	local name=$1 what=$2 prog hint
	shift 2
	prog=$(basename "$1")
	run "$@"
	hint="Try '$prog${name:+ $name} --help'."
	if [ "$rc" -eq 2 ] && head -n 1 "$tmp/err" | grep -qF "$prog: ${name:+$name: }" &&
		[ "$(tail -n 1 "$tmp/err")" = "$hint" ]; then
		pass
	else
		fail "$what: exit $rc, want 2 with '$prog: ${name:+$name: }...' and \"$hint\": $(cat "$tmp/err")"
	fi
}

# help WHAT PROG ARGS...: exit 0 with the help on stdout
help() {
	local what=$1
	shift
	run "$@"
	if [ "$rc" -eq 0 ] && [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ]; then pass; else
		fail "$what: exit $rc, stdout $(wc -c <"$tmp/out") bytes, stderr: $(cat "$tmp/err")"; fi
}

# json WANT FILTER WHAT PROG ARGS...: exit WANT, and FILTER holds on stdout (JSON)
json() {
	local want=$1 filter=$2 what=$3
	shift 3
	run "$@"
	if [ "$rc" -eq "$want" ] && jq -e "$filter" "$tmp/out" >/dev/null 2>&1; then pass; else
		fail "$what: exit $rc (want $want), '$filter' on: $(head -c 400 "$tmp/out") $(head -c 400 "$tmp/err")"
	fi
}

# same WHAT LISTED TESTED: the subcommands a binary lists are the ones tested here
same() {
	if [ "$(tr ' ' '\n' <<<"$2" | sort | xargs)" = "$(tr ' ' '\n' <<<"$3" | sort | xargs)" ]; then
		pass
	else
		fail "$1: the binary lists '$2', this test covers '$3': add the new command here"
	fi
}

# ---- inputs -------------------------------------------------------------------------------
cat >"$tmp/policy.yaml" <<'YAML'
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: cli-contract, description: "no wget in web containers"}
spec: {selector: {containers: ["web-*"]}, mode: enforce, defaults: {exec: allow},
       rules: [{name: no-wget, exec: {paths: [/usr/bin/wget]}, action: block}]}
---
apiVersion: ward.dev/v1
kind: PolicyTest
metadata: {name: cli-contract-tests}
spec:
  cases: [{name: wget is blocked, container: {name: web-1}, do: {exec: /usr/bin/wget},
           expect: block, rule: no-wget}]
YAML
printf 'apiVersion: ward.dev/v1\nkind: Policy\nmetadata: {name: [broken\n' >"$tmp/broken.yaml"
cat >"$tmp/profile.yaml" <<'YAML'
apiVersion: ward.dev/v1
kind: Profile
metadata: {name: cli-contract}
spec: {selector: {containers: [web-1]}, mode: enforce, posture: block,
       provenance: {learnedAt: "2025-06-01T00:00:00Z", duration: 90s, events: 2,
                    containers: [web-1]},
       syscalls: [{names: [read, write]}]}
YAML
# what ward learn writes for a container runc started: the syscalls runc needs are in
cat >"$tmp/runc-profile.yaml" <<'YAML'
apiVersion: ward.dev/v1
kind: Profile
metadata: {name: web_1}
spec: {selector: {containers: [web-1]}, mode: enforce, posture: block,
       provenance: {learnedAt: "2025-06-01T00:00:00Z", duration: 90s, events: 30,
                    containers: [web-1]},
       capabilities: [{names: [CAP_NET_BIND_SERVICE]}],
       syscalls: [{names: [read, write, exit, exit_group, rt_sigreturn, close, epoll_ctl, execve,
                           fstatfs, getdents64, getpid, openat, futex, madvise, mmap, munmap,
                           nanosleep, rt_sigprocmask, sched_yield, sigaltstack, tgkill]}]}
YAML
printf 'apiVersion: ward.dev/v1\nkind: Profile\nmetadata: {name: x}\nspec: [\n' >"$tmp/broken-profile.yaml"
printf 'WARDBNDL this is not a bundle' >"$tmp/broken.bundle"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [' >"$tmp/broken-seccomp.json"
cat >"$tmp/seccomp.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}]}
JSON
if command -v openssl >/dev/null; then
	openssl genpkey -algorithm ed25519 -out "$tmp/key.pem" 2>/dev/null
	openssl pkey -in "$tmp/key.pem" -pubout -out "$tmp/pub.pem" 2>/dev/null
fi
"$RULESC" compile --output "$tmp/good.bundle" "$tmp/policy.yaml" || fail "rulesc compile of the test policy"
chmod 644 "$tmp"/*

# ---- every command is tested ----------------------------------------------------------------
ward_cmds="server run doctor status seccomp learn profile config ctl completion version help"
rulesc_cmds="check compile dump sign verify explain test completion version help"
trackers="process files tcp syscall"
profile_subs="merge diff export explain"
seccomp_subs="check"
config_subs="check"
commands() { sed -n '/^Commands:/,/^$/s/^  \([a-z]\+\) .*/\1/p'; }
same "ward --help" "$("$WARD" --help | commands | xargs)" "$ward_cmds"
same "rulesc --help" "$("$RULESC" --help | commands | xargs)" "$rulesc_cmds"
same "ward run --help" "$("$WARD" run --help | sed -n '/^Trackers:/,/^$/s/^  \([a-z]\+\) .*/\1/p' | xargs)" "$trackers"
same "ward profile --help" "$("$WARD" profile --help | sed -n 's/^.*ward profile \([a-z]\+\) .*/\1/p' | xargs)" "$profile_subs"
same "ward seccomp --help" "$("$WARD" seccomp --help | sed -n 's/^.*ward seccomp \([a-z]\+\) .*/\1/p' | xargs)" "$seccomp_subs"
same "ward config --help" "$("$WARD" config --help | sed -n 's/^.*ward config \([a-z]\+\) .*/\1/p' | xargs)" "$config_subs"

# ---- ward: help, unknown options, -o bogus, for every command -----------------------------------
# "ARGS|NAME": the command path and the name its usage errors give
ward_units=()
for c in $ward_cmds; do
	case $c in
	run) for t in $trackers; do ward_units+=("run $t|run"); done ;;
	profile) for s in $profile_subs; do ward_units+=("profile $s|profile $s"); done ;;
	seccomp) for s in $seccomp_subs; do ward_units+=("seccomp $s|seccomp $s"); done ;;
	config) for s in $config_subs; do ward_units+=("config $s|config $s"); done ;;
	*) ward_units+=("$c|$c") ;;
	esac
done
for unit in "${ward_units[@]}"; do
	args=${unit%|*} name=${unit#*|}
	# shellcheck disable=SC2086 # the command path splits on purpose
	{
		help "ward $args --help" "$WARD" $args --help
		usage "$name" "ward $args --no-such-option" "$WARD" $args --no-such-option
		usage "$name" "ward $args -o bogus" "$WARD" $args -o bogus
	}
done
for c in run profile seccomp config; do
	help "ward $c --help" "$WARD" "$c" --help
	usage "$c" "ward $c no-such-subcommand" "$WARD" "$c" no-such-subcommand
	usage "$c" "ward $c (nothing)" "$WARD" "$c"
done
help "ward --help" "$WARD" --help
help "ward help run" "$WARD" help run
usage "" "ward no-such-command" "$WARD" no-such-command
usage "" "ward --no-such-option" "$WARD" --no-such-option
usage "help" "ward help no-such-command" "$WARD" help no-such-command
status 2 "ward (nothing)" "$WARD"
usage ctl "ward ctl (nothing)" "$WARD" ctl
usage ctl "ward ctl no-such-command" "$WARD" ctl no-such-command
usage ctl "ward ctl policy mode web sometimes" "$WARD" ctl policy mode web sometimes
usage ctl "ward ctl tracker start files --interval 2d" "$WARD" ctl tracker start files --interval 2d
usage ctl "ward ctl plugin load x.o (no --name)" "$WARD" ctl plugin load x.o
usage ctl "ward ctl plugin unload one" "$WARD" ctl plugin unload one
status 1 "ward ctl status (no server there)" "$WARD" ctl --socket "$tmp/none.sock" status
status 3 "ward ctl policy put (broken YAML)" "$WARD" ctl --socket "$tmp/none.sock" policy put "$tmp/broken.yaml"

# the shell completion scripts (their content: tests/cli/completion.sh)
for bin in "$WARD" "$RULESC"; do
	prog=$(basename "$bin")
	for sh in bash zsh; do
		status 0 "$prog completion $sh" "$bin" completion "$sh"
		grep -q "_${prog}_opts" "$tmp/out" && pass || fail "$prog completion $sh: no script on stdout"
	done
	usage completion "$prog completion fish" "$bin" completion fish
	usage completion "$prog completion (nothing)" "$bin" completion
	usage completion "$prog completion bash zsh" "$bin" completion bash zsh
done

# ---- ward: durations ------------------------------------------------------------------------
for bad in 5x 0 1.5 -1 1h30 "" 2y; do
	usage server "ward server -d '$bad'" "$WARD" server -d "$bad"
	usage run "ward run process --duration '$bad'" "$WARD" run process --duration "$bad"
	usage run "ward run files --interval '$bad'" "$WARD" run files --interval "$bad"
	usage learn "ward learn --duration '$bad'" "$WARD" learn --container x --output - --duration "$bad"
	usage learn "ward learn --converge '$bad'" "$WARD" learn --container x --output - --converge "$bad"
done
usage server "ward server --interval 2d (over a day)" "$WARD" server --interval 2d
usage server "ward server --events bogus" "$WARD" server --events bogus
usage server "ward server --metrics localhost:9464 (a name, not an address)" "$WARD" server --metrics localhost:9464
usage server "ward server --metrics 1.2.3.4:65536" "$WARD" server --metrics 1.2.3.4:65536
usage server "ward server --metrics-containers -1" "$WARD" server --metrics-containers -1
usage run "ward run process --metrics 9464 (server only)" "$WARD" run process --metrics 9464
usage server "ward server --aggregate-key bogus" "$WARD" server --aggregate-key bogus
usage server "ward server --aggregate-key pid, (a trailing comma)" "$WARD" server --aggregate-key pid,
usage server "ward server --aggregate-window 0" "$WARD" server --aggregate-window 0
usage server "ward server --output-max-size 10 (under 4096)" "$WARD" server --output x --output-max-size 10
usage server "ward server --output-max-size 1T" "$WARD" server --output x --output-max-size 1T
usage server "ward server --output-max-size without --output" "$WARD" server --output-max-size 1M
usage server "ward server --syslog localhost:514" "$WARD" server --syslog localhost:514
usage server "ward server --syslog udp:514 (no address)" "$WARD" server --syslog udp:514
usage run "ward run process --syslog unix:/dev/log (server only)" "$WARD" run process --syslog unix:/dev/log
usage server "ward server --api-socket ward.sock (relative)" "$WARD" server --api-socket ward.sock
usage server "ward server --api-socket (too long)" "$WARD" server --api-socket "/$(printf 'x%.0s' {1..120})"
usage run "ward run process --api-socket /tmp/s (server only)" "$WARD" run process --api-socket /tmp/s
usage run "ward run process --output-keep 0" "$WARD" run process --output x --output-keep 0
usage run "ward run process --no-aggregate (server only)" "$WARD" run process --no-aggregate
# Every ward server option but --config and --help has a key in the configuration file
# (camelCase of its long name) that ward reads and docs/config.md lists.
for opt in $("$WARD" server --help | grep -o -- '--[a-z-]*' | sort -u); do
	case $opt in --config | --help) continue ;; esac
	key=$(sed -E 's/^--//; s/-([a-z])/\U\1/g' <<<"$opt")
	printf '%s: "@"\n' "$key" >"$tmp/key.yaml"
	if "$WARD" config check -o json "$tmp/key.yaml" | jq -e '[.diagnostics[].code] | index("unknown-key") == null' >/dev/null &&
		grep -q "^| \`$key\` |" docs/config.md; then
		pass
	else
		fail "ward server $opt: no key '$key' in the configuration file (engine/core/config.c) or docs/config.md"
	fi
done
usage server "ward server --events ''" "$WARD" server --events ,
usage run "ward run process --events all (server only)" "$WARD" run process --events all
# good ones are parsed, then --help stops before anything runs
for good in 90 90s 15m 2h 1h30m; do
	help "ward server -d $good -i $good" "$WARD" server -d "$good" -i "$good" --help
	help "ward run tcp --duration $good" "$WARD" run tcp --duration "$good" --help
	help "ward learn --duration $good --converge $good" "$WARD" learn --duration "$good" \
		--converge "$good" --help
done

# ---- ward: bad input ------------------------------------------------------------------------
status 3 "ward server --policy (broken YAML)" "$WARD" server -d 1 --policy "$tmp/broken.yaml"
status 3 "ward server --policy (broken bundle)" "$WARD" server -d 1 --policy "$tmp/broken.bundle"
status 3 "ward server --policy (missing)" "$WARD" server -d 1 --policy "$tmp/none.yaml"
status 3 "ward server --api with a missing token file" "$WARD" server -d 1 --no-policy \
	--api 127.0.0.1:0 --api-tls-cert "$tmp/none.pem" --api-tls-key "$tmp/none.pem" \
	--api-token-file "$tmp/none.token"
# a policy's diagnostics at their places, then the one line of what it means; a missing
# file on that one line (docs/architecture.md, Errors)
run "$WARD" server -d 1 --policy "$tmp/broken.yaml"
[ "$rc" -eq 3 ] && grep -q "^$tmp/broken.yaml:[0-9]*:[0-9]*: error: .*\[yaml-syntax\]$" "$tmp/err" &&
	[ "$(tail -n 1 "$tmp/err")" = "ward: error: --policy $tmp/broken.yaml: no policy put in force: 1 error above (rulesc check $tmp/broken.yaml)" ] &&
	pass || fail "ward server --policy (broken YAML) says: $(cat "$tmp/err")"
run "$WARD" server -d 1 --policy "$tmp/none.yaml"
[ "$(cat "$tmp/err")" = "ward: error: --policy $tmp/none.yaml: no policy put in force: $tmp/none.yaml: No such file or directory" ] &&
	pass || fail "ward server --policy (missing) says: $(cat "$tmp/err")"
status 3 "ward seccomp check (broken)" "$WARD" seccomp check "$tmp/broken-seccomp.json"
status 3 "ward seccomp check (missing)" "$WARD" seccomp check "$tmp/none.json"
status 3 "ward profile merge (broken)" "$WARD" profile merge "$tmp/profile.yaml" \
	"$tmp/broken-profile.yaml" --output -
status 3 "ward profile diff (broken)" "$WARD" profile diff "$tmp/profile.yaml" "$tmp/broken-profile.yaml"
status 3 "ward profile export (broken)" "$WARD" profile export -o oci-seccomp "$tmp/broken-profile.yaml"
status 3 "ward profile explain (broken)" "$WARD" profile explain "$tmp/broken-profile.yaml"
status 3 "ward profile explain (missing)" "$WARD" profile explain "$tmp/none.yaml"
printf 'format: json\nintervl: 5s\n' >"$tmp/broken-config.yaml"
status 0 "ward config check examples/ward.yaml" "$WARD" config check examples/ward.yaml
status 3 "ward config check (broken)" "$WARD" config check "$tmp/broken-config.yaml"
status 3 "ward config check (missing)" "$WARD" config check "$tmp/none.yaml"
status 3 "ward server --config (broken)" "$WARD" server -d 1 --config "$tmp/broken-config.yaml"
status 3 "ward server --config (missing)" "$WARD" server -d 1 --config "$tmp/none.yaml"
usage run "ward run process --config (server only)" "$WARD" run process --config "$tmp/none.yaml"
# (run, doctor, status, learn, version and help read no input file)

# ---- ward: -o json, where no root is needed ---------------------------------------------------
json 0 '.version | length > 0' "ward version -o json" "$WARD" version -o json
printf 'format: json\nevents: [process, tcp]\ninterval: 5s\n' >"$tmp/config.yaml"
json 0 '.errors == 0' "ward config check -o json" "$WARD" config check -o json "$tmp/config.yaml"
json 3 '.errors == 1 and .diagnostics[0].code == "unknown-key" and .diagnostics[0].line == 2' \
	"ward config check -o json (errors)" "$WARD" config check -o json "$tmp/broken-config.yaml"
json 0 '.errors == 0 and .file != null' "ward seccomp check -o json" "$WARD" seccomp check -o json "$tmp/seccomp.json"
json 3 '.errors > 0' "ward seccomp check -o json (errors)" "$WARD" seccomp check --format json "$tmp/broken-seccomp.json"
json 0 'type == "object"' "ward profile diff -o json" "$WARD" profile diff -o json "$tmp/profile.yaml" "$tmp/profile.yaml"
json 0 'type == "array"' "ward profile explain -o json" "$WARD" profile explain -o json "$tmp/profile.yaml"
json 0 '.defaultAction != null' "ward profile export -o oci-seccomp" "$WARD" profile export -o oci-seccomp "$tmp/profile.yaml"
json 0 '.capabilities != null or type == "object"' "ward profile export --format oci-caps" "$WARD" profile export --format oci-caps "$tmp/profile.yaml"
# every seccomp export passes ward seccomp check: no error, no key its consumer does not know
for fmt in oci-seccomp docker-seccomp k8s-seccomp; do
	for complain in "" --complain; do
		status 0 "ward profile export -o $fmt $complain" "$WARD" profile export -o "$fmt" $complain \
			"$tmp/runc-profile.yaml" --output "$tmp/export.json"
		json 0 '.errors == 0 and ([.diagnostics[] | select(.code == "unknown-key")] | length == 0)' \
			"ward seccomp check of -o $fmt $complain" "$WARD" seccomp check -o json "$tmp/export.json"
	done
done
# k8s-caps is a securityContext's content, nothing else
json 0 'keys == ["capabilities"] and .capabilities == {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}' \
	"ward profile export -o k8s-caps" "$WARD" profile export -o k8s-caps "$tmp/runc-profile.yaml"
# ward learn checks that it can write its profile before it learns (or touches the kernel)
run "$WARD" learn --container web-1 --output "$tmp/no-such-dir/web.yaml"
[ "$rc" -eq 1 ] && [ "$(cat "$tmp/err")" = "ward: error: learn: --output $tmp/no-such-dir/web.yaml: cannot be written: No such file or directory" ] &&
	pass || fail "ward learn --output (no such directory): exit $rc: $(cat "$tmp/err")"
status 0 "ward profile merge --output -" "$WARD" profile merge "$tmp/profile.yaml" "$tmp/profile.yaml" --output -
grep -q '^kind: Profile' "$tmp/out" && pass || fail "ward profile merge --output -: no profile on stdout"
usage "profile merge" "ward profile merge without --output" "$WARD" profile merge "$tmp/profile.yaml" "$tmp/profile.yaml"
usage "profile export" "ward profile export without -o" "$WARD" profile export "$tmp/profile.yaml"
# (server, run, doctor and status need root for JSON output: their parsing is tested above)

# ---- rulesc: help, unknown options, -o bogus, for every command ---------------------------------
for c in $rulesc_cmds; do
	help "rulesc $c --help" "$RULESC" "$c" --help
	usage "$c" "rulesc $c --no-such-option" "$RULESC" "$c" --no-such-option
	usage "$c" "rulesc $c -o bogus" "$RULESC" "$c" -o bogus
done
help "rulesc --help" "$RULESC" --help
usage "" "rulesc no-such-command" "$RULESC" no-such-command
usage "" "rulesc --no-such-option" "$RULESC" --no-such-option
status 2 "rulesc (nothing)" "$RULESC"
usage compile "rulesc compile without --output" "$RULESC" compile "$tmp/policy.yaml"

# ---- rulesc: bad input ----------------------------------------------------------------------
ev=(--container web-1 exec /usr/bin/wget)
status 3 "rulesc check (broken)" "$RULESC" check "$tmp/broken.yaml"
status 3 "rulesc check (missing)" "$RULESC" check "$tmp/none.yaml"
status 3 "rulesc compile (broken)" "$RULESC" compile --output "$tmp/x.bundle" "$tmp/broken.yaml"
[ -e "$tmp/x.bundle" ] && fail "rulesc compile wrote a bundle from broken input" || pass
status 3 "rulesc dump (broken)" "$RULESC" dump "$tmp/broken.bundle"
status 3 "rulesc dump (missing)" "$RULESC" dump "$tmp/none.bundle"
status 3 "rulesc explain (broken)" "$RULESC" explain "$tmp/broken.yaml" "${ev[@]}"
status 3 "rulesc explain --bundle (broken)" "$RULESC" explain --bundle "$tmp/broken.bundle" "${ev[@]}"
status 3 "rulesc test (broken)" "$RULESC" test "$tmp/broken.yaml"
if [ -f "$tmp/key.pem" ]; then
	status 3 "rulesc sign (broken)" "$RULESC" sign --key "$tmp/key.pem" --output "$tmp/s.bundle" "$tmp/broken.bundle"
	status 3 "rulesc sign (bad key)" "$RULESC" sign --key "$tmp/policy.yaml" --output "$tmp/s.bundle" "$tmp/good.bundle"
	status 3 "rulesc verify (broken)" "$RULESC" verify --pub "$tmp/pub.pem" "$tmp/broken.bundle"
	status 3 "rulesc verify (unsigned)" "$RULESC" verify --pub "$tmp/pub.pem" "$tmp/good.bundle"
else
	echo "SKIP: rulesc sign and verify: openssl CLI not installed (needed to make keys)"
fi

# ---- rulesc: -o json, --json (before or after the command) -----------------------------------------
json 0 '.errors == 0' "rulesc check -o json" "$RULESC" check -o json "$tmp/policy.yaml"
json 3 '.errors > 0' "rulesc --json check (broken)" "$RULESC" --json check "$tmp/broken.yaml"
run "$RULESC" compile -o json --output "$tmp/c.bundle" "$tmp/policy.yaml"
[ "$rc" -eq 0 ] && jq -e '.errors == 0' "$tmp/err" >/dev/null && pass ||
	fail "rulesc compile -o json: exit $rc, diagnostics on stderr: $(cat "$tmp/err")"
json 0 '.policies[0].name == "cli-contract" and (.objects | length) > 0' "rulesc dump -o json" \
	"$RULESC" dump -o json "$tmp/good.bundle"
json 0 '.decision == "block" and .policies[0].rule == "no-wget"' "rulesc explain --json" \
	"$RULESC" explain --json "$tmp/policy.yaml" "${ev[@]}"
json 0 '.decision == "allow"' "rulesc --json explain --bundle" \
	"$RULESC" --json explain --bundle "$tmp/good.bundle" --container web-1 exec /bin/ls
json 0 '.passed == 1 and .failed == 0' "rulesc test -o json" "$RULESC" test -o json "$tmp/policy.yaml"
json 0 '.bundle_format > 0' "rulesc version -o json" "$RULESC" version -o json
if [ -f "$tmp/key.pem" ]; then
	json 0 '.key_id | length == 64' "rulesc sign -o json" \
		"$RULESC" sign -o json --key "$tmp/key.pem" --output "$tmp/s.bundle" "$tmp/good.bundle"
	json 0 '.signature == "ed25519"' "rulesc verify -o json" \
		"$RULESC" verify -o json --pub "$tmp/pub.pem" "$tmp/s.bundle"
fi
# errors as JSON once JSON is asked for
run "$RULESC" --json dump "$tmp/broken.bundle"
[ "$rc" -eq 3 ] && jq -e '.level == "error"' "$tmp/err" >/dev/null && pass ||
	fail "rulesc --json dump (broken): exit $rc, stderr: $(cat "$tmp/err")"

echo "$p $f 0" >"$out/cli"
echo "cli: $p passed, $f failed, 0 skipped"
[ "$f" -eq 0 ]
