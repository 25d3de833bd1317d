# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Helpers for the integration tests (sourced by tests/integration/t-*.sh).
#
# A test runs real runc containers from a busybox-static rootfs, runs build/ward
# against them and asserts on ward's JSON lines with jq. Exit status: 0 pass,
# 1 fail ("FAIL: reason" is the last line), 77 skip ("SKIP: reason").
#
# Environment (set by run.sh; a test run on its own sets up its own):
#   WARD         the ward binary
#   WARDIT_DIR   per-run scratch directory holding rootfs/ and spec.json
#   WARDIT_RUN   per-run token that makes container ids unique

set -u -o pipefail

WARDIT_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WARDIT_ROOT=$(cd "$WARDIT_LIB_DIR/../.." && pwd)
WARD=${WARD:-$WARDIT_ROOT/${BUILD:-build}/ward}
T=$(basename "$0" .sh)

declare -a WARDIT_CTRS=() WARDIT_PIDS=() WARDIT_CGROUPS=() # what a test started or made
declare -A WARD_PID=() WARD_LIVE=()
WARDIT_OWN_DIR=

# ---- outcome ----------------------------------------------------------------

# Dump what ward and the containers said, so a failure's log shows why.
wardit_dump() {
	local n f lines id
	for id in "${WARDIT_CTRS[@]}"; do
		echo "--- container $id: $(runc state "$id" 2>&1 | jq -r .status 2>/dev/null)"
		cat "$TDIR/$id.bundle/log" 2>/dev/null
	done
	for n in "${!WARD_PID[@]}"; do
		for f in "$TDIR/$n.err" "$TDIR/$n.out"; do
			[ -f "$f" ] || continue
			lines=$(wc -l <"$f")
			if [ "$lines" -le 40 ]; then
				echo "--- $f ($lines lines)"
				cat "$f"
				continue
			fi
			echo "--- $f ($lines lines; first 15, last 15, 20 naming a test container)"
			head -n 15 "$f"
			echo "..."
			tail -n 15 "$f"
			echo "... grep wardit-:"
			grep -m 20 -F "wardit-" "$f"
		done
	done
}

fail() {
	set +e # from a script under set -e too (tests/bench/nginx.sh)
	wardit_dump
	echo "FAIL: $*"
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# check DESC CMD...: fail with DESC unless CMD succeeds (its stdout is dropped).
check() {
	local desc=$1
	shift
	"$@" >/dev/null || fail "$desc"
	echo "ok: $desc"
}

# ---- scratch space and the rootfs -------------------------------------------

# Symlinks are relative so they resolve inside the container.
wardit_build_rootfs() {
	local dir=$1 bb a
	bb=$(command -v busybox) || return 1
	rm -rf "$dir"
	mkdir -p "$dir"/{bin,proc,sys,dev,tmp,etc,data} || return 1
	cp "$bb" "$dir/bin/busybox" || return 1
	for a in $("$dir/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$dir/bin/$a" || return 1
	done
}

# The spec every bundle starts from: runc's own default for a root container.
wardit_make_spec() {
	local out=$1 tmp
	tmp=$(mktemp -d) || return 1
	(cd "$tmp" && runc spec) && mv "$tmp/config.json" "$out"
	local rc=$?
	rm -rf "$tmp"
	return $rc
}

wardit_setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (runc containers, BPF)"
	command -v runc >/dev/null || skip "runc not installed (make deps)"
	command -v jq >/dev/null || skip "jq not installed (make deps)"
	[ -x "$WARD" ] || fail "$WARD missing: run make build first"
	if [ -z "${WARDIT_DIR:-}" ]; then
		WARDIT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wardit.XXXXXX") || fail "mktemp"
		WARDIT_OWN_DIR=$WARDIT_DIR
		WARDIT_RUN=$$
		wardit_build_rootfs "$WARDIT_DIR/rootfs" || skip "cannot build a busybox rootfs"
		wardit_make_spec "$WARDIT_DIR/spec.json" || fail "runc spec failed"
	fi
	WARDIT_T0=$(date +%s)
	TDIR=$WARDIT_DIR/$T
	rm -rf "$TDIR"
	mkdir -p "$TDIR" || fail "mkdir $TDIR"
	trap wardit_cleanup EXIT
	trap 'exit 124' TERM INT
}

wardit_cleanup() {
	local rc=$? n id i
	set +e # from a script under set -e too (the benchmarks)
	trap - EXIT TERM INT
	for n in "${!WARD_LIVE[@]}"; do
		ward_alive "$n" && kill -INT "${WARD_PID[$n]}"
	done
	for n in "${!WARD_LIVE[@]}"; do
		for ((i = 0; i < 30; i++)); do
			ward_alive "$n" || break
			sleep 0.1
		done
		ward_alive "$n" && kill -KILL "${WARD_PID[$n]}"
	done
	for id in "${WARDIT_PIDS[@]}"; do # a service, or the shell that started it
		pkill -P "$id" 2>/dev/null
		kill "$id" 2>/dev/null && wait "$id" 2>/dev/null
	done
	for id in "${WARDIT_CTRS[@]}"; do
		runc delete -f "$id" >/dev/null 2>&1
	done
	for id in "${WARDIT_CGROUPS[@]}"; do # cgroup directories, and their parents if empty
		rmdir "$id" 2>/dev/null && rmdir "$(dirname "$id")" 2>/dev/null
	done
	[ -z "$WARDIT_OWN_DIR" ] || rm -rf "$WARDIT_OWN_DIR"
	exit $rc
}

# service_start NAME READY START: run the command line START in the background
# (evaluated with $port set to a random loopback port; its output in
# $TDIR/NAME.log) until READY (evaluated too) says it is up; when it exits
# first (the port was taken) again on another port. Sets port and SERVICE_PID;
# the service is stopped at cleanup.
service_start() {
	local name=$1 ready=$2 start=$3 i j pid
	for ((i = 0; i < 20; i++)); do
		port=$((20000 + RANDOM % 20000))
		eval "$start" >"$TDIR/$name.log" 2>&1 &
		pid=$!
		for ((j = 0; j < 50; j++)); do
			if eval "$ready"; then
				WARDIT_PIDS+=("$pid")
				SERVICE_PID=$pid
				echo "ok: $name on 127.0.0.1:$port"
				return 0
			fi
			kill -0 $pid 2>/dev/null || break
			sleep 0.2
		done
		kill $pid 2>/dev/null
		wait $pid 2>/dev/null
	done
	fail "$name did not start: $(tail -n 5 "$TDIR/$name.log")"
}

# rsyslog_run: rsyslogd (for service_start, with its $port) receiving on UDP and
# TCP $port of loopback, each message as "FACILITY SEVERITY APP-NAME MSGID SD MSG"
# in $TDIR/syslog.out.
rsyslog_run() {
	mkdir -p "$TDIR/rs" || return 1
	cat >"$TDIR/rsyslog.conf" <<CONF
global(workDirectory="$TDIR/rs")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="$port")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$port")
template(name="t" type="string"
	string="%syslogfacility-text% %syslogseverity-text% %app-name% %msgid% %structured-data% %msg%\\n")
action(type="omfile" file="$TDIR/syslog.out" template="t")
CONF
	exec rsyslogd -n -f "$TDIR/rsyslog.conf" -i "$TDIR/rsyslog.pid"
}

# json_array ARG...: the ARGs as a JSON array of strings (any bytes but NUL).
json_array() {
	local arr='[]' a
	for a in "$@"; do
		arr=$(jq -c --arg a "$a" '. + [$a]' <<<"$arr") || return 1
	done
	echo "$arr"
}

# ---- policies -------------------------------------------------------------------

# policy_write FILE NAME MODE DEFAULTS CONTAINER...: write to FILE the Policy NAME
# that selects CONTAINER... (names or globs), in MODE, with the defaults DEFAULTS
# (a flow mapping's inside: "exec: allow, file: allow"); its rules are read from
# stdin, the items of its rules: list indented by four spaces.
policy_write() {
	local file=$1 name=$2 mode=$3 defaults=$4 sel='' c
	shift 4
	for c in "$@"; do
		sel+="${sel:+, }\"$c\""
	done
	{
		cat <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: $name}
spec:
  selector: {containers: [$sel]}
  mode: $mode
  defaults: {$defaults}
  rules:
YAML
		cat
	} >"$file" || fail "writing $file"
}

# ---- containers ---------------------------------------------------------------

# ctr_id TAG: a runc id unique to this run and test.
ctr_id() {
	echo "wardit-${WARDIT_RUN}-$T-$1-$RANDOM"
}

# ctr_start ID [ARG...]: start a detached runc container running ARGs (default:
# a long sleep) with the shared read-only rootfs, a private tmpfs /tmp and a
# per-container writable bind mount at /data (host dir $TDIR/ID.data, so the
# host path of a file differs from the container's path). OCI annotations come
# from the JSON object in $CTR_ANNOTATIONS, capabilities added to runc's default set from the
# JSON array in $CTR_CAPS. Its own network namespace has lo up.
ctr_start() {
	local id=$1 b
	shift
	ctr_bundle "$id" "$@"
	b=$TDIR/$id.bundle
	runc run -d --bundle "$b" "$id" </dev/null >"$b/log" 2>&1 ||
		fail "runc run $id: $(cat "$b/log")"
	[ "$(runc state "$id" | jq -r .status)" = running ] || fail "container $id is not running"
	echo "started container $id"
}

# ctr_run ID [ARG...]: the same container in the foreground; returns its
# process's exit status (137: killed), its output in $TDIR/ID.bundle/log.
ctr_run() {
	local id=$1
	shift
	ctr_bundle "$id" "$@"
	bundle_run "$id"
}

# bundle_run ID [ERRFILE]: run the OCI bundle $TDIR/ID.bundle (config.json and its
# root) as container ID in the foreground, then remove it; returns its process's
# exit status, its output in $TDIR/ID.bundle/log, its stderr there too or in ERRFILE.
bundle_run() {
	local id=$1 b=$TDIR/$1.bundle rc=0
	[[ " ${WARDIT_CTRS[*]} " == *" $id "* ]] || WARDIT_CTRS+=("$id")
	if [ $# -gt 1 ]; then
		runc run --bundle "$b" "$id" </dev/null >"$b/log" 2>"$2" || rc=$?
	else
		runc run --bundle "$b" "$id" </dev/null >"$b/log" 2>&1 || rc=$?
	fi
	runc delete -f "$id" >/dev/null 2>&1
	return "$rc"
}

# The bundle of ctr_start and ctr_run.
ctr_bundle() {
	local id=$1 b args ann=${CTR_ANNOTATIONS:-} caps=${CTR_CAPS:-[]}
	shift
	[ -n "$ann" ] || ann='{}'
	[ $# -gt 0 ] || set -- sleep 600
	b=$TDIR/$id.bundle
	mkdir -p "$b" "$TDIR/$id.data" || fail "mkdir $b"
	args=$(json_array "$@") || fail "jq args"
	jq --arg root "$WARDIT_DIR/rootfs" --arg data "$TDIR/$id.data" \
		--argjson args "$args" --argjson ann "$ann" --argjson caps "$caps" '
		.process.terminal = false
		| .process.args = $args
		| .root = {path: $root, readonly: true}
		| .hostname = "wardit"
		| .annotations = $ann
		| .process.capabilities |= with_entries(.value += $caps)
		| .mounts += [
			{destination: "/tmp", type: "tmpfs", source: "tmpfs",
			 options: ["nosuid", "nodev", "mode=1777"]},
			{destination: "/data", type: "bind", source: $data,
			 options: ["rbind", "rw"]}]' \
		"$WARDIT_DIR/spec.json" >"$b/config.json" || fail "writing $b/config.json"
	WARDIT_CTRS+=("$id")
}

ctr_exec() {
	local id=$1
	shift
	runc exec "$id" "$@" </dev/null
}

ctr_pid() {
	runc state "$1" | jq -e .pid
}

# cgroup v2 id (= the cgroup directory's inode) of a process, as
# bpf_get_current_cgroup_id() reports it.
cgroup_id_of_pid() {
	local rel mnt
	rel=$(sed -n 's/^0:://p' "/proc/$1/cgroup") || return 1
	mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	[ -n "$mnt" ] && [ -n "$rel" ] || return 1
	stat -c %i "$mnt$rel"
}

ctr_cgroup_id() {
	local pid
	pid=$(ctr_pid "$1") || return 1
	cgroup_id_of_pid "$pid"
}

# ---- processes and figures (the benchmarks) -------------------------------------

# cpu_ticks PID: the CPU time PID has used, user + system, in clock ticks (getconf CLK_TCK).
cpu_ticks() {
	local stat
	stat=$(cat "/proc/$1/stat") || return 1
	stat=${stat##*) } # the command name may hold spaces
	awk '{ printf "%.0f\n", $12 + $13 }' <<<"$stat"
}

# mem_kb PID FIELD: a kB field of /proc/PID/status (VmRSS, VmHWM, ...).
mem_kb() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# stats "V V V ...": "MEDIAN MIN MAX" of numbers separated by spaces or newlines
stats() {
	tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 }
		END { printf "%.3f %.3f %.3f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[1], v[NR] }'
}

# ---- ward ----------------------------------------------------------------------

# ward_start NAME ARG...: run ward in the background; stdout to $(ward_out NAME).
ward_start() {
	local n=$1
	shift
	# emptied here, not by the background job's redirections, which may come after the
	# caller reads them: a ward started again under the same NAME
	: >"$TDIR/$n.out"
	: >"$TDIR/$n.err"
	"$WARD" "$@" >>"$TDIR/$n.out" 2>>"$TDIR/$n.err" </dev/null &
	WARD_PID[$n]=$!
	WARD_LIVE[$n]=1
	echo "ward[$n] pid ${WARD_PID[$n]}: $WARD $*"
}

ward_out() {
	echo "$TDIR/$1.out"
}

# server_start [POLICY [ARG...]]: run `ward server` as the ward named "w", JSON
# lines out (the file in $out), enforcing the policy file POLICY with its pins
# removed on exit (and the further ARGs), or without POLICY the embedded
# default pack. Every alert as it comes (--no-aggregate): the tests count the
# decisions of each action; t-85 tests the aggregation.
# shellcheck disable=SC2120 # POLICY is optional
server_start() {
	if [ $# -gt 0 ]; then
		local pol=$1
		shift
		ward_start w server -o json --no-aggregate --policy "$pol" --unpin-on-exit "$@"
	else
		ward_start w server -o json --no-aggregate
	fi
	out=$(ward_out w)
}

# poll SECONDS CMD...: run CMD every 0.1 s until it succeeds or SECONDS pass; its last status.
poll() {
	local i n=$(($1 * 10))
	shift
	for ((i = 1; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# secret_policy FILE NAME SELECTOR: policy NAME in audit mode for the containers named
# SELECTOR, alerting (severity high) on reads of /data/secret, in FILE (the outputs' tests).
secret_policy() {
	policy_write "$1" "$2" audit "file: allow" "$3" <<YAML
    - name: no-secret
      file: {paths: [/data/secret], access: [read]}
      action: block
      severity: high
YAML
}

# secret_write ID: the /data/secret secret_policy's rule is about, in container ID.
secret_write() {
	ctr_exec "$1" sh -c "echo s >/data/secret" || fail "writing /data/secret in $1"
}

# ward_in_force NAME: wait (30 s at most) until ward server NAME has its first policy
# generation in force.
# abi_seconds NAME: a window of include/ward/enforce_abi.h ("#define NAME (N * 1e9 ns)") in
# seconds, so the tests that depend on it follow it; status 1 when it cannot be read.
abi_seconds() {
	local s
	s=$(sed -n "s/^#define $1 *(\([0-9]*\)ULL \* 1000000000ULL)$/\1/p" \
		"$WARDIT_ROOT/include/ward/enforce_abi.h")
	[ -n "$s" ] && echo "$s"
}

ward_in_force() {
	local i
	for ((i = 0; i < 300; i++)); do
		grep -q "generation 1 in force" "$TDIR/$1.err" && return 0
		ward_alive "$1" || fail "ward[$1] exited: $(cat "$TDIR/$1.err")"
		sleep 0.1
	done
	fail "ward[$1]: no policy in force after 30 s"
}

# ward_alive NAME: ward NAME still runs (a child of this shell: pids get reused).
ward_alive() {
	local stat state ppid
	[ -n "${WARD_LIVE[$1]:-}" ] || return 1
	stat=$(cat "/proc/${WARD_PID[$1]}/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	read -r state ppid _ <<<"$stat"
	[ "$ppid" = $$ ] && [ "$state" != Z ]
}

# ward_wait NAME: wait for ward NAME to exit; its status.
ward_wait() {
	local rc
	wait "${WARD_PID[$1]}"
	rc=$?
	unset "WARD_LIVE[$1]"
	return $rc
}

# ward_stop NAME: SIGINT, then expect a clean exit (0 or 130) within 5 s.
ward_stop() {
	local n=$1 i rc=0
	ward_alive "$n" || fail "ward[$n] exited before it was stopped"
	kill -INT "${WARD_PID[$n]}"
	for ((i = 0; i < 50; i++)); do
		ward_alive "$n" || break
		sleep 0.1
	done
	ward_alive "$n" && fail "ward[$n] still running 5 s after SIGINT"
	ward_wait "$n" || rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 130 ] || fail "ward[$n] exited with status $rc after SIGINT"
	echo "ward[$n] stopped, status $rc"
}

# ---- the control API --------------------------------------------------------------

# api METHOD PATH [CURL-ARG...]: a request to the API on the socket $SOCK; the
# status in $code, the body in $body.
api() {
	local m=$1 p=$2 resp
	shift 2
	resp=$(curl -sS --unix-socket "$SOCK" -X "$m" -w '\n%{http_code}' "$@" "http://ward$p") ||
		fail "curl $m $p failed"
	code=${resp##*$'\n'}
	body=${resp%$'\n'*}
}

# expect STATUS DESC JQ-FILTER [JQ-OPTION...]: the last api answer had STATUS
# and a body for which FILTER holds.
expect() {
	local want=$1 desc=$2 filter=$3
	shift 3
	[ "$code" = "$want" ] || fail "$desc: status $code, not $want: $body"
	jq -e "$@" "$filter" <<<"$body" >/dev/null || fail "$desc: $filter does not hold: $body"
	echo "ok: $desc"
}

# ---- events ---------------------------------------------------------------------

# events FILE FILTER [JQ-OPTION...]: the JSON objects in FILE for which FILTER
# holds, one per line. Lines that are not JSON are skipped here (check_schema
# fails on them); a filter that fails on an event is an error (status != 0).
# Extra options are jq's, e.g. --arg name value.
events() {
	local file=$1 filter=$2
	shift 2
	jq -cR "$@" "fromjson? | objects | select($filter)" "$file"
}

# wait_event NAME TIMEOUT FILTER [JQ-OPTION...] [-- PROBE...]: until an event
# matching FILTER is in ward NAME's output, run PROBE (if any) every half
# second. Fails if ward exits first. Output must reach the file while ward
# runs, so this also asserts that ward does not hold events back.
wait_event() {
	local n=$1 timeout=$2 filter=$3 deadline
	local -a opts=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		opts+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	deadline=$((SECONDS + timeout))
	while :; do
		[ $# -gt 0 ] && "$@" >/dev/null 2>&1
		[ -n "$(events "$(ward_out "$n")" "$filter" "${opts[@]}" 2>/dev/null)" ] && return 0
		ward_alive "$n" || fail "ward[$n] exited before an event matching: $filter"
		[ $SECONDS -lt $deadline ] ||
			fail "no event matching '$filter' ${opts[*]} from ward[$n] within ${timeout}s"
		sleep 0.5
	done
}

# assert_some DESC FILE FILTER [JQ-OPTION...]
assert_some() {
	local desc=$1 file=$2 filter=$3 found
	shift 3
	found=$(events "$file" "$filter" "$@") || fail "$desc: jq failed on $filter"
	[ -n "$found" ] || fail "$desc: no event in $(basename "$file") matches: $filter $*"
	echo "ok: $desc"
}

# assert_none DESC FILE FILTER [JQ-OPTION...]
assert_none() {
	local desc=$1 file=$2 filter=$3 bad
	shift 3
	bad=$(events "$file" "$filter" "$@") || fail "$desc: jq failed on $filter"
	[ -z "$bad" ] || fail "$desc: these events in $(basename "$file") match $filter $*:
$(head -n 5 <<<"$bad")"
	echo "ok: $desc"
}

# assert_event DESC EVENT FILTER [JQ-OPTION...]: FILTER holds for the JSON EVENT.
assert_event() {
	local desc=$1 ev=$2 filter=$3
	shift 3
	[ -n "$ev" ] || fail "$desc: no such event"
	jq -e "$@" "$filter" <<<"$ev" >/dev/null || fail "$desc: not so in $ev"
	echo "ok: $desc"
}

# event_count FILE FILTER [JQ-OPTION...]: how many events in FILE FILTER holds for.
event_count() {
	events "$@" | wc -l
}

# assert_count DESC N FILE FILTER [JQ-OPTION...]: a second from now (ward has
# written what it saw), exactly N events in FILE match FILTER.
assert_count() {
	local desc=$1 want=$2 file=$3 filter=$4 n
	shift 4
	sleep 1
	n=$(event_count "$file" "$filter" "$@")
	[ "$n" -eq "$want" ] || fail "$desc: $n events in $(basename "$file") match $filter $*, not $want"
	echo "ok: $desc"
}

# first_event FILE FILTER [JQ-OPTION...]: the first match (empty if none);
# status != 0 if jq fails. For use in $(...): it cannot fail the test itself.
first_event() {
	local all
	all=$(events "$@") || return 1
	head -n 1 <<<"$all"
}

# The event schema of docs/events.md, version 1, as a jq predicate.
WARDIT_SCHEMA='
def str: type == "string";
def num: type == "number";
def nat: num and . >= 0 and . == floor;
def container_ok:
	type == "object" and
	if .host == true then . == {host: true}
	elif .host == false then
		(.id | str and length > 0) and (.name | str and length > 0) and
		(.image | str) and (.runtime | str) and (.labels | type == "object") and
		((has("kubernetes") | not) or
		 (.kubernetes | type == "object" and (.pod | str) and (.namespace | str) and
		  (.container | str) and (.pod_uid | str) and (.labels | type == "object")))
	else false end;
def common_ok:
	.schema == 1 and
	(.time | str and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$")) and
	(.cgroup_id | nat) and (.container | container_ok);
def process_ok:
	(.pid | nat) and (.ppid | nat) and (.uid | nat) and (.comm | str) and
	if .event == "exec" then
		(.filename | str) and (.argv | type == "array" and all(str)) and
		(.args_truncated | type == "boolean")
	elif .event == "fork" then .child_pid | nat
	elif .event == "exit" then
		(.exit_code | nat and . <= 255) and (.signal | nat) and (.lifetime_ns | nat)
	else false end;
def files_ok:
	(.pid | nat) and (.comm | str) and (.reads | nat) and (.writes | nat) and
	(.read_bytes | nat) and (.write_bytes | nat) and
	(.type | IN("R", "S", "P", "C", "O")) and (.filename | str) and
	(.filename_truncated | type == "boolean");
def tcp_ok:
	(.pid | nat) and (.comm | str) and (.family | IN(4, 6)) and
	(.saddr | str) and (.daddr | str) and (.sport | nat) and (.dport | nat) and
	if .event == "connect" then (.latency_us | nat) and ((has("error") | not) or (.error | str))
	elif .event == "accept" then true
	elif .event == "close" then .duration_ms | nat
	else false end;
def syscall_ok:
	(.abi | IN("x86_64", "i386")) and (.nr | nat) and (.syscall | str) and (.count | nat);
def event_ok($trackers):
	type == "object" and (.tracker | IN($trackers[])) and common_ok and
	if .tracker == "process" then process_ok
	elif .tracker == "files" then files_ok
	elif .tracker == "tcp" then tcp_ok
	elif .tracker == "syscall" then syscall_ok
	else false end;
'

# check_schema FILE TRACKER...: every line of FILE is one JSON object that
# follows docs/events.md for one of the TRACKERs, with a time during this
# test (give or take 2 s), and there is at least one.
check_schema() {
	local file=$1 trackers bad n
	shift
	trackers=$(json_array "$@")
	n=$(wc -l <"$file")
	[ "$n" -gt 0 ] || fail "$(basename "$file") is empty"
	bad=$(jq -nrR --argjson t "$trackers" --argjson from $((WARDIT_T0 - 2)) \
		--argjson to $(($(date +%s) + 2)) "$WARDIT_SCHEMA"'
		def when: .time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601;
		foreach inputs as $l (0; . + 1;
			. as $i | $l |
			if (try (fromjson | event_ok($t) and when >= $from and when <= $to)
			    catch false) then empty
			else "line \($i): \($l)" end)' "$file" | head -n 5)
	[ -z "$bad" ] || fail "$(basename "$file"): lines that are not schema-1 $* events of now:
$bad"
	echo "ok: all $n lines of $(basename "$file") are schema-1 JSON events ($*) of now"
}

# check_alert_schema FILE: every "tracker": "alert" line of FILE validates
# against docs/alert.schema.json (python3-jsonschema), and there is one.
check_alert_schema() {
	local file=$1 res
	res=$(python3 - "$WARDIT_ROOT/docs/alert.schema.json" "$file" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft202012Validator(schema)
n = 0
for i, line in enumerate(open(sys.argv[2]), 1):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if not isinstance(o, dict) or o.get("tracker") != "alert":
        continue
    n += 1
    errs = list(v.iter_errors(o))
    if errs:
        print("line %d: %s: %s" % (i, errs[0].message, line.strip()))
        sys.exit(1)
print(n)
PY
	) || fail "$(basename "$file"): alert not valid against docs/alert.schema.json: $res"
	[ "$res" -gt 0 ] || fail "$(basename "$file"): no alert lines to validate"
	echo "ok: $res alert lines of $(basename "$file") validate against docs/alert.schema.json"
}

# ---- learned profiles -----------------------------------------------------------

# Writes an OCI bundle for a learned workload (examples/learn/bundle.sh).
# shellcheck disable=SC2034
BUNDLE=$WARDIT_ROOT/examples/learn/bundle.sh
# Docker's default capability set: what a learned container may use.
# shellcheck disable=SC2034
DOCKER_CAPS='["CAP_AUDIT_WRITE","CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID",
	"CAP_KILL","CAP_MKNOD","CAP_NET_BIND_SERVICE","CAP_NET_RAW","CAP_SETFCAP","CAP_SETGID",
	"CAP_SETPCAP","CAP_SETUID","CAP_SYS_CHROOT"]'
# Calls unshare(2) and mount(2), which a learned workload did not: ns_refused
# reads what it says. Only for a container: as root on the host it mounts a
# tmpfs over /tmp.
# shellcheck disable=SC2034
NS_SCRIPT='unshare -m true; echo unshare=$?; mount -t tmpfs none /tmp; echo mount=$?'

# learn_start ARG...: start `ward learn ARG...` as the ward named "learn" and
# wait until it is ready for containers to start (20 s at most).
learn_start() {
	local i
	ward_start learn learn "$@"
	for ((i = 0; i < 100; i++)); do
		grep -q "no running container matches" "$TDIR/learn.err" && return 0
		ward_alive learn || fail "ward learn exited early: $(cat "$TDIR/learn.err")"
		sleep 0.2
	done
	fail "ward learn did not get ready in 20 s"
}

# learn_converged: wait (20 s at most) until ward learn says the profile converged
# (every progress line says "converged: yes" or "converged: no (...)").
learn_converged() {
	local i
	for ((i = 0; i < 40; i++)); do
		grep -q "converged: yes" "$TDIR/learn.err" && return 0
		sleep 0.5
	done
	return 1
}

# learned_items PROFILE: rulesc must accept PROFILE; then what it holds is
# listed as `ward profile diff -o json` against an empty profile, in
# PROFILE with .diff for .yaml, which `has` reads.
learned_items() {
	local p=$1 empty=$TDIR/empty-profile.yaml diff=${1%.yaml}.diff rc
	check "rulesc accepts the learned profile" "$(dirname "$WARD")/rulesc" check "$p"
	cat >"$empty" <<'YAML'
apiVersion: ward.dev/v1
kind: Profile
metadata: {name: empty}
spec:
  selector: {containers: [none]}
  mode: audit
  posture: alert
  provenance: {learnedAt: "2025-01-01T00:00:00Z", duration: 0s, events: 0, containers: [none]}
YAML
	"$WARD" profile diff -o json "$empty" "$p" >"$diff"
	rc=$?
	[ $rc -eq 1 ] || fail "ward profile diff cannot read the learned profile: $(cat "$diff")"
	LEARNED_DIFF=$diff
}

# has CLASS ITEM: the profile last given to learned_items holds ITEM.
has() {
	jq -e --arg c "$1" --arg i "$2" '.[$c].added | index($i) != null' "$LEARNED_DIFF" >/dev/null
}

# no_setup_syscalls: the profile last given to learned_items holds none of the
# syscalls the runtime makes to set a container up (fails naming those it holds,
# with the profile's syscall and capability sections).
no_setup_syscalls() {
	local bad
	bad=$(jq -c '.syscalls.added - (.syscalls.added - ["x86_64/mount",
		"x86_64/pivot_root", "x86_64/unshare", "x86_64/sethostname", "x86_64/setns"])' \
		"$LEARNED_DIFF") || fail "jq on $LEARNED_DIFF"
	[ "$bad" = "[]" ] && echo "ok: no syscall of the runtime's setup" && return 0
	fail "the profile holds syscalls of the runtime's setup: $bad
$(jq -c '{syscalls: .syscalls.added, capabilities: .capabilities.added}' "$LEARNED_DIFF")"
}

# profile_exports PROFILE: its seccomp and capability exports in $TDIR/sc.json
# and $TDIR/caps.json, what `ward seccomp check` says of the first (which must
# find no error) in $TDIR/sc.check, and the bundle options that apply both in
# the array PROFILE.
profile_exports() {
	"$WARD" profile export --format oci-seccomp "$1" >"$TDIR/sc.json" ||
		fail "export oci-seccomp"
	"$WARD" profile export --format oci-caps "$1" >"$TDIR/caps.json" ||
		fail "export oci-caps"
	"$WARD" seccomp check -o json "$TDIR/sc.json" >"$TDIR/sc.check" ||
		fail "the exported seccomp profile has errors: $(cat "$TDIR/sc.check")"
	# shellcheck disable=SC2034 # the caller's
	PROFILE=(--seccomp "$TDIR/sc.json" --caps "$TDIR/caps.json")
}

# ns_refused FILE: the output of NS_SCRIPT in FILE says the profile refused
# unshare with EPERM and mount.
ns_refused() {
	check "unshare outside the profile: EPERM" \
		grep -q "unshare(.*): Operation not permitted" "$1"
	check "  ... it failed" grep -qx "unshare=1" "$1"
	check "mount outside the profile fails" grep -qE "^mount=[1-9]" "$1"
}
