#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward learn on a web server and its client: busybox httpd in one container
# serves a file to wget in another (sharing its network namespace), both
# learned together into one profile with the capabilities Docker gives a
# container. The profile reads back and rulesc accepts it; its seccomp and
# capability exports check clean; under them runc runs the same pair again
# and the file arrives; a client that also calls unshare and mount gets
# EPERM from the filter (with CAP_SYS_ADMIN added, so the filter is what
# stops it) and still fetches the file; a server on port 80 needs
# CAP_NET_BIND_SERVICE, which the profile dropped, and cannot bind.
. "$(dirname "$0")/lib.sh"
wardit_setup

[ "$(uname -m)" = x86_64 ] || skip "the profiles name x86_64 syscalls"
CONTENT="served by busybox httpd, learned by ward $RANDOM"
mkdir -p "$TDIR/www" && echo "$CONTENT" >"$TDIR/www/index.html" || fail "mkdir www"
# The client sleeps first in every run, so learning sees the sleep a retry needs.
FETCH='sleep 1; for i in 1 2 3 4 5; do wget -q -O - http://127.0.0.1:8080/index.html && exit 0
	sleep 1; done; exit 1'

# server ID PORT [BUNDLE-OPTION...]: httpd in the background; 0 when it runs.
server() {
	local id=$1 port=$2 b=$TDIR/$1.bundle
	shift 2
	"$BUNDLE" "$b" "$WARDIT_DIR/rootfs" --bind-ro "$TDIR/www:/www" "$@" -- \
		httpd -f -p "$port" -h /www || fail "bundle $id"
	WARDIT_CTRS+=("$id")
	runc run -d --bundle "$b" "$id" </dev/null >"$b/log" 2>&1 || return 1
	sleep 0.5
	[ "$(runc state "$id" 2>/dev/null | jq -r .status)" = running ]
}

# client ID SERVER-ID SCRIPT [BUNDLE-OPTION...]: run SCRIPT in the server's
# network namespace, in the foreground; its output in $TDIR/ID.out.
client() {
	local id=$1 srv=$2 script=$3 b=$TDIR/$1.bundle pid
	shift 3
	pid=$(ctr_pid "$srv") || fail "no pid for $srv"
	"$BUNDLE" "$b" "$WARDIT_DIR/rootfs" --netns "/proc/$pid/ns/net" "$@" -- \
		sh -c "$script" || fail "bundle $id"
	WARDIT_CTRS+=("$id")
	timeout -k 5 30 runc run --bundle "$b" "$id" </dev/null >"$TDIR/$id.out" 2>&1
}

# ---- learn ------------------------------------------------------------------------
srv=$(ctr_id web-srv)
cli=$(ctr_id web-cli)
learn_start --container "wardit-${WARDIT_RUN}-$T-web-*" --duration 60 \
	--converge 5 --output "$TDIR/web.yaml"
server "$srv" 8080 --caps-list "$DOCKER_CAPS" || fail "httpd did not start: $(cat "$TDIR/$srv.bundle/log")"
client "$cli" "$srv" "$FETCH" --caps-list "$DOCKER_CAPS" || fail "the client failed: $(cat "$TDIR/$cli.out")"
check "the client fetched the file while learning" grep -qF "$CONTENT" "$TDIR/$cli.out"
sleep 2 # the last syscall counts are drained once a second
ward_stop learn
runc delete -f "$srv" >/dev/null 2>&1
grep -q "learning container $srv" "$TDIR/learn.err" || fail "the server was not learned"
grep -q "learning container $cli" "$TDIR/learn.err" || fail "the client was not learned"
echo "ok: both containers learned into one profile"

# ---- the profile --------------------------------------------------------------------
learned_items "$TDIR/web.yaml"
check "the stamps name the runtime with its version" grep -qE 'runc [0-9]+\.[0-9]+' "$TDIR/web.yaml"
check "the server's binary, started by the runtime" has exec /bin/httpd
check "  ... with no parent in the container" grep -qF '{\"exec\":\"/bin/httpd\",\"parent\":\"\"}' "$TDIR/web.yaml"
check "the client's shell" has exec /bin/sh
check "the file served" has files "read /www/index.html"
check "the bind" has network "bind tcp 8080"
check "the client's connect" has network "connect tcp ::ffff:127.0.0.1 8080"
check "the server's accept" has syscalls x86_64/accept
check "the client's connect syscall" has syscalls x86_64/connect
no_setup_syscalls
check "no capability a web server on 8080 does not use" jq -e \
	'.capabilities.added | index("CAP_NET_BIND_SERVICE") == null' "$TDIR/web.diff"
check "both containers in the selector" grep -qE "selector: \{containers: \[\"$srv\", \"$cli\"\]\}|selector: \{containers: \[\"$cli\", \"$srv\"\]\}" "$TDIR/web.yaml"

# ---- the exports --------------------------------------------------------------------
profile_exports "$TDIR/web.yaml"
check "the seccomp export: default EPERM, x86_64 compiled, nothing dangerous" jq -e '
	.defaultAction == "SCMP_ACT_ERRNO(EPERM)" and .errors == 0 and
	([.architectures[] | select(.ok)] | length) >= 2 and
	([.diagnostics[] | select(.code == "dangerous")] | length) == 0' "$TDIR/sc.check"

# ---- the same workload under them ---------------------------------------------------
srv2=$(ctr_id srv2)
cli2=$(ctr_id cli2)
server "$srv2" 8080 "${PROFILE[@]}" ||
	fail "httpd does not run under its learned profile: $(cat "$TDIR/$srv2.bundle/log")"
client "$cli2" "$srv2" "$FETCH" "${PROFILE[@]}" ||
	fail "the client fails under its learned profile: $(cat "$TDIR/$cli2.out")"
check "under the learned profiles the client fetches the file" grep -qF "$CONTENT" "$TDIR/$cli2.out"

# ---- a syscall outside the profile ----------------------------------------------------
VARIANT="$NS_SCRIPT; $FETCH"
cli3=$(ctr_id cli3)
client "$cli3" "$srv2" "$VARIANT" "${PROFILE[@]}" --add-cap CAP_SYS_ADMIN ||
	fail "the variant's fetch failed: $(cat "$TDIR/$cli3.out")"
ns_refused "$TDIR/$cli3.out"
check "  ... and the container otherwise works" grep -qF "$CONTENT" "$TDIR/$cli3.out"
cli4=$(ctr_id cli4)
client "$cli4" "$srv2" "$VARIANT" --caps "$TDIR/caps.json" --add-cap CAP_SYS_ADMIN ||
	fail "the control's fetch failed: $(cat "$TDIR/$cli4.out")"
check "control: without the seccomp profile unshare works" grep -qx "unshare=0" "$TDIR/$cli4.out"
check "control: ... and mount too" grep -qx "mount=0" "$TDIR/$cli4.out"
runc delete -f "$srv2" >/dev/null 2>&1

# ---- a capability the profile dropped --------------------------------------------------
srv80=$(ctr_id srv80)
server "$srv80" 80 "${PROFILE[@]}" &&
	fail "httpd bound port 80 without CAP_NET_BIND_SERVICE"
check "port 80 without CAP_NET_BIND_SERVICE: bind is refused" \
	grep -q "Permission denied" "$TDIR/$srv80.bundle/log"
srv80c=$(ctr_id srv80c)
server "$srv80c" 80 --seccomp "$TDIR/sc.json" --caps-list "$DOCKER_CAPS" ||
	fail "control: httpd on port 80 with Docker's capabilities: $(cat "$TDIR/$srv80c.bundle/log")"
echo "ok: control: with CAP_NET_BIND_SERVICE (and the learned seccomp profile) it runs"
echo "PASS"
