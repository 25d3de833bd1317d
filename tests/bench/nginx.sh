#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# nginx in 6 containers (issue 16, item 1): what a watcher costs a web workload. Six runc
# containers each run Debian's nginx (one worker, a static page, access log on) on their
# own loopback port of the host network, with a read-only rootfs whose /usr is the host's;
# one wrk per container drives them all at once from the host (fixed threads and
# connections, --latency). Each round measures, for every mode, a baseline right before
# it, so each mode's ratio is to a baseline of the same moment:
#   trackers  ward server --no-policy (process, files, tcp events as JSON to /dev/null)
#   pack      ward server, the default pack in audit mode (alerts as JSON)
#   enforce   ward server --policy: ~200 rules in enforce mode selecting the containers
#             (exec allowlist, file and network rules; the containers' work is allowed)
#   bpftrace  a bpftrace script doing what ward's files and process trackers do:
#             per (process, file) read/write counts and bytes in maps printed every 3 s,
#             exec, fork and exit events
#   auditd    auditd (Debian's auditd.conf, its log in the scratch directory) with rules
#             on execve/execveat, open/openat/openat2, connect and accept/accept4 (x86_64); read
#             and write accounting is not practical in audit (one record per call, no
#             aggregation), so it is not asked for
# Prints one line per mode and round, then per mode the median ratio to baseline and
# its range for requests/s (the sum over the 6 wrk) and p99 latency (the median of the 6
# wrk's p99: one wrk stalled by the noisy machine's scheduler does not decide it), and for the
# ward modes ward's CPU share during the load (user + system, /proc/PID/stat) and its VmRSS
# at the load's end (issue 16, item 3). Fails when a wrk saw a non-2xx answer or a socket error, or when the
# enforce policy alerted (the containers' normal work must be allowed).
#
# Audit contexts are given to a task when it is forked, and only while auditing has ever
# been enabled (kernel: audit_ever_enabled, which stays set until reboot): nginx is
# started again after auditd is up so its workers are audited at all, and again after
# auditd stops, with a `never,task` rule (while the bench runs) so that the processes of the
# other modes do not carry audit contexts. On exit that rule and the rules with the key
# ward-bench are deleted and
# the audit status (enabled, backlog limit) is restored; tasks forked afterwards on this
# boot carry an audit context unless some task rule says never (said at the end).
#
#   tests/bench/nginx.sh         (root; run by `make bench`; alone: make bench BENCH=nginx)
# Environment: BUILD, WARD, WARD_BENCH_NGINX_ROUNDS (default 5), WARD_BENCH_NGINX_DURATION
# (seconds of wrk per measurement, default 6), WARD_BENCH_NGINX_CONNS (connections of each
# wrk, default 8), WARD_BENCH_NGINX_SETTLE (seconds between a watcher's start and the
# load, default 2), WARD_BENCH_NGINX_PORT (the first of 6 ports, default 18081),
# WARD_BENCH_NGINX_MODES (default "trackers pack enforce bpftrace auditd").
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh
ROUNDS=${WARD_BENCH_NGINX_ROUNDS:-5}
DURATION=${WARD_BENCH_NGINX_DURATION:-6}
CONNS=${WARD_BENCH_NGINX_CONNS:-8}
SETTLE=${WARD_BENCH_NGINX_SETTLE:-2}
PORT0=${WARD_BENCH_NGINX_PORT:-18081}
read -r -a MODES <<<"${WARD_BENCH_NGINX_MODES:-trackers pack enforce bpftrace auditd}"
NCTR=6
KEY=ward-bench # the audit rules' key

for tool in nginx wrk bpftrace auditd auditctl curl; do
	command -v "$tool" >/dev/null || { echo "bench nginx: $tool missing (make deps)" >&2; exit 1; }
done
wardit_setup
echo "bench nginx: scratch in $TDIR"

ids=()
for ((i = 0; i < NCTR; i++)); do
	ids+=("ward-nginx-$$-$i")
	! ss -Htln "sport = :$((PORT0 + i))" | grep -q . ||
		fail "port $((PORT0 + i)) is taken (WARD_BENCH_NGINX_PORT)"
done

# ---- cleanup: bpftrace, auditd and the audit state, then lib.sh's (ward, containers) ----
bt_pid=
auditd_pid=
audit_daemon_before=0
audit_enabled0=
audit_backlog0=
cleanup() {
	local rc=$?
	set +e
	[ "$rc" -eq 0 ] || tail -n 2 "$TDIR/ward.log" 2>/dev/null
	[ -z "$bt_pid" ] || { kill -INT "$bt_pid"; wait "$bt_pid"; }
	if [ -n "$audit_enabled0" ]; then
		auditctl -D -k "$KEY" >/dev/null
		never_task off
		[ -z "$auditd_pid" ] || { kill -TERM "$auditd_pid"; wait "$auditd_pid"; }
		auditctl -e "$audit_enabled0" >/dev/null
		auditctl -b "$audit_backlog0" >/dev/null
	fi
	(exit "$rc") # lib.sh's cleanup exits with the status it is called with
	wardit_cleanup
}
trap cleanup EXIT

# ---- the containers -----------------------------------------------------------------

rootfs=$TDIR/rootfs
mkdir -p "$rootfs"/{usr,etc,srv/www,proc,sys,dev,tmp,data}
for d in bin sbin lib lib64; do # Debian 12 merges them into /usr
	ln -s "usr/$d" "$rootfs/$d"
done
printf 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n' \
	>"$rootfs/etc/passwd"
printf 'root:x:0:\nwww-data:x:33:\n' >"$rootfs/etc/group"
{
	printf '<!DOCTYPE html>\n<html><head><title>ward bench</title></head><body>\n'
	printf '<h1>ward bench</h1>\n<p>%s</p>\n' "A tiny static page served by nginx in a runc container."
	printf '</body></html>\n'
} >"$rootfs/srv/www/index.html"

# nginx.conf PORT: Debian's defaults that matter here (sendfile, keepalive, access log),
# one worker, every writable path in /data or /tmp.
nginx_conf() {
	cat <<CONF
daemon off;
user www-data;
worker_processes 1;
pid /tmp/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
	sendfile on;
	tcp_nopush on;
	types { text/html html; }
	default_type application/octet-stream;
	access_log /data/access.log;
	client_body_temp_path /tmp/client_body;
	proxy_temp_path /tmp/proxy;
	fastcgi_temp_path /tmp/fastcgi;
	uwsgi_temp_path /tmp/uwsgi;
	scgi_temp_path /tmp/scgi;
	server {
		listen 127.0.0.1:$1;
		root /srv/www;
		index index.html;
	}
}
CONF
}

for ((i = 0; i < NCTR; i++)); do
	id=${ids[i]}
	mkdir -p "$TDIR/$id.data"
	nginx_conf $((PORT0 + i)) >"$TDIR/$id.data/nginx.conf"
	"$BUNDLE" "$TDIR/$id.bundle" "$rootfs" --caps-list "$DOCKER_CAPS" --netns "/proc/$$/ns/net" \
		--bind-ro /usr:/usr --bind "$TDIR/$id.data:/data" -- \
		/usr/sbin/nginx -e stderr -c /data/nginx.conf || fail "bundle of $id"
	WARDIT_CTRS+=("$id")
done

# containers_start: run the 6 containers, until each serves its page, then 1 s of load so
# every nginx is warm.
containers_start() {
	local i j id
	for ((i = 0; i < NCTR; i++)); do
		id=${ids[i]}
		runc run -d --bundle "$TDIR/$id.bundle" "$id" </dev/null >"$TDIR/$id.bundle/log" 2>&1 ||
			fail "runc run $id: $(cat "$TDIR/$id.bundle/log")"
	done
	for ((i = 0; i < NCTR; i++)); do
		for ((j = 0; j < 100; j++)); do
			curl -sf -o /dev/null "http://127.0.0.1:$((PORT0 + i))/" && break
			sleep 0.1
		done
		[ "$j" -lt 100 ] || fail "nginx of ${ids[i]} does not answer"
	done
	load 1
}

containers_stop() {
	local id
	for id in "${ids[@]}"; do
		runc delete -f "$id" >/dev/null 2>&1 || true
	done
}

# load SECONDS: one wrk per container for SECONDS at once; sets rps (requests/s summed),
# p99 (us, the median of the 6 wrk's p99) and errors (non-2xx answers and socket errors).
load() {
	local i pids=()
	for ((i = 0; i < NCTR; i++)); do
		wrk -t1 -c"$CONNS" -d"$1s" --latency "http://127.0.0.1:$((PORT0 + i))/" \
			>"$TDIR/wrk.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || fail "wrk failed: $(cat "$TDIR"/wrk.*)"
	done
	read -r rps errors < <(awk -v nctr="$NCTR" '
		/^Requests\/sec:/ { rps += $2; n++ }
		/Non-2xx or 3xx responses:/ { err += $NF }
		/Socket errors:/ { gsub(/[^0-9 ]/, ""); for (i = 1; i <= NF; i++) err += $i }
		END { printf "%.0f %d\n", rps, n == nctr ? err : err + 1 }' "$TDIR"/wrk.*)
	read -r p99 _ < <(stats "$(awk '$1 == "99%" {
		v = $2; m = v ~ /us$/ ? 1 : v ~ /ms$/ ? 1000 : 1000000; sub(/[a-z]+$/, "", v)
		print v * m }' "$TDIR"/wrk.*)")
}

# ---- the watchers ----------------------------------------------------------------------

# enforce_policy FILE: a hardening policy for these nginx containers in enforce mode,
# ~200 rules: an exec allowlist (nginx and the tools an image ships) with blocks on
# shells and interpreters, sensitive files and read-only trees (system, 40 sites'
# document roots), network default block with 40 upstream networks allowed, the
# usual blocked destinations, capability and syscall rules.
enforce_policy() {
	local t i=0
	{
		printf 'apiVersion: ward.dev/v1\nkind: Policy\nmetadata: {name: nginx-bench}\nspec:\n'
		printf '  selector: {containers: ["ward-nginx-%s-*"]}\n  mode: enforce\n' "$$"
		printf '  defaults: {exec: block, file: allow, network: block, capabilities: allow, syscalls: allow}\n'
		printf '  rules:\n'
		for t in /bin/sh /usr/bin/sh /bin/bash /usr/bin/bash /bin/dash /usr/bin/dash \
			"/usr/bin/python*" /usr/bin/perl /usr/bin/nc /usr/bin/socat; do
			printf '    - {name: "no-%s", exec: {paths: ["%s"]}, action: block, severity: high}\n' \
				"$(basename "$t" | tr -d '*')-$((++i))" "$t"
		done
		printf '    - {name: no-exec-tmp, exec: {dirs: [/tmp/, /data/, /dev/shm/]}, action: block}\n'
		printf '    - {name: allow-nginx, exec: {paths: [/usr/sbin/nginx]}, action: allow}\n'
		for t in cat cp date dirname echo env false find grep gzip head id kill ln logrotate \
			ls mkdir mktemp mv nice nohup openssl printf ps pwd readlink realpath rm rmdir sed \
			sleep sort stat sync tail tar tee test timeout touch tr true uname uniq wc xargs \
			zcat curl wget awk cut expr basename chmod chown md5sum sha256sum; do
			printf '    - {name: allow-%s, exec: {paths: [/usr/bin/%s]}, action: allow}\n' "$t" "$t"
		done
		for t in /etc/shadow /etc/gshadow /etc/shadow- /etc/gshadow- /etc/sudoers \
			/etc/ssl/private/ /root/.ssh/ /root/.aws/ /root/.kube/ /root/.docker/ \
			/var/run/secrets/ /run/secrets/ /etc/nginx/ssl/ /etc/letsencrypt/ /proc/kcore \
			/proc/sys/kernel/ /sys/fs/cgroup/ /dev/mem /dev/kmem /boot/; do
			case $t in
			*/) printf '    - {name: "secret-%d", file: {dirs: [%s], access: [read, write]}, action: block}\n' "$((++i))" "$t" ;;
			*) printf '    - {name: "secret-%d", file: {paths: [%s], access: [read, write]}, action: block}\n' "$((++i))" "$t" ;;
			esac
		done
		printf '    - {name: history, file: {names: [.bash_history, .ash_history], access: [truncate, unlink]}, action: block}\n'
		printf '    - {name: release-agent, file: {names: [release_agent], access: [write]}, action: block}\n'
		for t in /etc/ /usr/ /bin/ /sbin/ /lib/ /lib64/ /srv/www/; do
			printf '    - {name: "ro-%d", file: {dirs: [%s], readOnly: true}, action: block}\n' "$((++i))" "$t"
		done
		for ((i = 1; i <= 40; i++)); do
			printf '    - {name: site-%d, file: {dirs: [/srv/sites/site-%d/], readOnly: true}, action: block}\n' "$i" "$i"
		done
		printf '    - {name: listen, network: {bind: {ports: [%d-%d], protocols: [tcp]}}, action: allow}\n' \
			"$PORT0" $((PORT0 + NCTR - 1))
		printf '    - {name: dns, network: {connect: {cidrs: [127.0.0.53/32, 10.96.0.10/32], ports: [53]}}, action: allow}\n'
		printf '    - {name: metadata, network: {connect: {cidrs: [169.254.169.254/32, "fd00:ec2::254/128"]}}, action: block}\n'
		printf '    - {name: mining-ports, network: {connect: {ports: [3333, 4444, 5555, 7777, 14444, 45700]}}, action: block}\n'
		printf '    - {name: raw-sockets, network: {sockets: [raw, packet]}, action: block}\n'
		printf '    - {name: docker-sock, network: {connect: {unix: [/var/run/docker.sock, /run/containerd/containerd.sock]}}, action: block}\n'
		for ((i = 1; i <= 40; i++)); do
			printf '    - {name: upstream-%d, network: {connect: {cidrs: [10.%d.0.0/16], ports: [8080, 8443], protocols: [tcp]}}, action: allow}\n' "$i" "$i"
		done
		for t in 25 465 587 6667 6697 1080 9050 9051 23 2375; do
			printf '    - {name: port-%d, network: {connect: {ports: [%d]}}, action: block}\n' "$t" "$t"
		done
		printf '    - {name: caps, capabilities: {names: [sys_admin, sys_module, sys_ptrace, net_admin, bpf]}, action: block}\n'
		printf '    - {name: syscalls, syscalls: {names: [ptrace, init_module, finit_module, kexec_load, bpf, unshare, setns, mount]}, action: alert}\n'
	} >"$1"
}

# bpftrace_script FILE: ward's files tracker (per process and file, from the syscall's exit:
# reads, writes, bytes; the table printed and cleared every 3 s) and process tracker
# (exec, fork, exit events).
bpftrace_script() {
	cat >"$1" <<'BT'
BEGIN { printf("ready\n"); }
tracepoint:raw_syscalls:sys_enter
/args->id == 0 || args->id == 17 || args->id == 19 || args->id == 295 || args->id == 327 ||
 args->id == 1 || args->id == 18 || args->id == 20 || args->id == 296 || args->id == 328/
{
	@fd[tid] = args->args[0];
}
tracepoint:raw_syscalls:sys_exit
/args->id == 0 || args->id == 17 || args->id == 19 || args->id == 295 || args->id == 327 ||
 args->id == 1 || args->id == 18 || args->id == 20 || args->id == 296 || args->id == 328/
{
	$fd = @fd[tid];
	delete(@fd[tid]);
	if (args->ret >= 0) {
		$f = *(curtask->files->fdt->fd + $fd);
		$ino = $f->f_inode->i_ino;
		if (!@seen[pid, $ino]) {
			@seen[pid, $ino] = 1;
			@name[pid, $ino] = str($f->f_path.dentry->d_name.name);
		}
		if (args->id == 0 || args->id == 17 || args->id == 19 || args->id == 295 ||
		    args->id == 327) {
			@reads[pid, comm, $ino] = count();
			@read_bytes[pid, comm, $ino] = sum(args->ret);
		} else {
			@writes[pid, comm, $ino] = count();
			@write_bytes[pid, comm, $ino] = sum(args->ret);
		}
	}
}
tracepoint:sched:sched_process_exec
{
	printf("exec %d %d %s %s\n", pid, curtask->real_parent->tgid, comm, str(args->filename));
}
tracepoint:sched:sched_process_fork
{
	printf("fork %d %d %s\n", args->parent_pid, args->child_pid, comm);
}
tracepoint:sched:sched_process_exit
{
	printf("exit %d %s %d\n", pid, comm, curtask->exit_code >> 8);
}
interval:s:3
{
	print(@reads); print(@read_bytes); print(@writes); print(@write_bytes); print(@name);
	clear(@reads); clear(@read_bytes); clear(@writes); clear(@write_bytes); clear(@name);
	clear(@seen);
}
BT
}

# audit_status FIELD: a field of `auditctl -s` (enabled, pid, backlog_limit, lost, ...).
audit_status() {
	auditctl -s | awk -v f="$1" '$1 == f { print $2 }'
}

# The audit rules of the auditd mode (key ward-bench; x86_64 calls: nothing here is i386).
audit_rules() {
	auditctl -a always,exit -F arch=b64 -S execve,execveat -k "$KEY" >/dev/null
	auditctl -a always,exit -F arch=b64 -S open,openat,openat2 -k "$KEY" >/dev/null
	auditctl -a always,exit -F arch=b64 -S connect,accept,accept4 -k "$KEY" >/dev/null
}

# never_task on|off: add or delete the task rule that gives new tasks no audit context.
task_rule=0
never_task() {
	if [ "$1" = on ] && [ "$task_rule" = 0 ]; then
		auditctl -a never,task >/dev/null
		task_rule=1
	elif [ "$1" = off ] && [ "$task_rule" = 1 ]; then
		auditctl -d never,task >/dev/null
		task_rule=0
	fi
}

audit_lost0=0
# watcher_start MODE: start it and wait until it watches.
watcher_start() {
	local i
	case $1 in
	trackers) ward_start w server --no-policy -o json --output /dev/null >>"$TDIR/ward.log" ;;
	pack) ward_start w server -o json --output "$TDIR/alerts.json" >>"$TDIR/ward.log" ;;
	enforce) ward_start w server --policy "$TDIR/policy.yaml" --unpin-on-exit -o json \
		--output "$TDIR/alerts.json" >>"$TDIR/ward.log" ;;
	bpftrace)
		bpftrace -o "$TDIR/bpftrace.out" "$TDIR/ward.bt" >"$TDIR/bpftrace.err" 2>&1 </dev/null &
		bt_pid=$!
		for ((i = 0; i < 300; i++)); do
			grep -qx ready "$TDIR/bpftrace.out" 2>/dev/null && break
			kill -0 "$bt_pid" 2>/dev/null || fail "bpftrace exited: $(cat "$TDIR/bpftrace.err")"
			sleep 0.1
		done
		[ "$i" -lt 300 ] || fail "bpftrace not attached after 30 s"
		;;
	auditd)
		# nginx forked while auditing is enabled, so that it is audited at all
		containers_stop
		never_task off
		if [ "$audit_daemon_before" = 0 ]; then
			auditd -n -c "$TDIR/audit" 2>"$TDIR/auditd.err" </dev/null &
			auditd_pid=$!
			for ((i = 0; i < 100; i++)); do
				[ "$(audit_status pid)" = "$auditd_pid" ] && break
				kill -0 "$auditd_pid" 2>/dev/null || fail "auditd exited: $(cat "$TDIR/auditd.err")"
				sleep 0.1
			done
			[ "$i" -lt 100 ] || fail "auditd did not register in 10 s"
		fi
		auditctl -b 8192 >/dev/null
		audit_rules
		audit_lost0=$(audit_status lost)
		containers_start
		;;
	*) fail "unknown mode $1 (WARD_BENCH_NGINX_MODES)" ;;
	esac
	case $1 in
	pack | enforce) ward_in_force w ;;
	esac
	[ "$1" != enforce ] || grep -q "in force.*, $NCTR containers targeted" "$TDIR/w.err" ||
		fail "the policy does not target the $NCTR containers: $(cat "$TDIR/w.err")"
	sleep "$SETTLE"
}

# watcher_stop MODE: stop it; sets said to what it reported (alerts, lost audit
# records), empty if nothing. The auditd mode leaves the containers stopped.
watcher_stop() {
	said=
	case $1 in
	trackers) ward_stop w >>"$TDIR/ward.log" ;;
	pack | enforce)
		ward_stop w >>"$TDIR/ward.log"
		said="$(grep -c '"tracker":"alert"' "$TDIR/alerts.json" || true) alerts"
		;;
	bpftrace)
		kill -INT "$bt_pid"
		wait "$bt_pid" || true
		bt_pid=
		;;
	auditd)
		said="$(($(audit_status lost) - audit_lost0)) audit records lost"
		auditctl -D -k "$KEY" >/dev/null
		[ "$audit_daemon_before" = 1 ] || never_task on
		if [ -n "$auditd_pid" ]; then
			kill -TERM "$auditd_pid"
			wait "$auditd_pid" || true
			auditd_pid=
		fi
		containers_stop
		;;
	esac
}

enforce_policy "$TDIR/policy.yaml"
"$(dirname "$WARD")/rulesc" check "$TDIR/policy.yaml" >"$TDIR/policy.check" 2>&1 ||
	fail "the enforce policy does not compile: $(cat "$TDIR/policy.check")"
bpftrace_script "$TDIR/ward.bt"
mkdir -p "$TDIR/audit/plugins.d"
sed -e "s|^log_file = .*|log_file = $TDIR/audit/audit.log|" \
	-e "s|^plugin_dir = .*|plugin_dir = $TDIR/audit/plugins.d|" \
	/etc/audit/auditd.conf >"$TDIR/audit/auditd.conf"
chmod 600 "$TDIR/audit/auditd.conf"
audit_enabled0=$(audit_status enabled)
audit_backlog0=$(audit_status backlog_limit)
[ "$(audit_status pid)" = 0 ] || audit_daemon_before=1
[ "$audit_daemon_before" = 1 ] && echo "bench nginx: an audit daemon runs: the baselines include it"
# Until the auditd mode and after it: no audit context for new tasks (see above).
[ "$audit_daemon_before" = 1 ] || never_task on

containers_start
printf 'bench nginx: %d containers, wrk -t1 -c%d -d%ds each, %d rounds, modes: %s\n' \
	"$NCTR" "$CONNS" "$DURATION" "$ROUNDS" "${MODES[*]}"
declare -A rps_ratios=() p99_ratios=() ward_cores=() ward_rss=()
HZ=$(getconf CLK_TCK)
for ((r = 1; r <= ROUNDS; r++)); do
	for m in "${MODES[@]}"; do
		load "$DURATION"
		b_rps=$rps b_p99=$p99 b_err=$errors
		watcher_start "$m"
		ward=${WARD_LIVE[w]:+${WARD_PID[w]}} # the ward modes: its CPU and memory under the load
		[ -z "$ward" ] || t0=$(cpu_ticks "$ward")
		load "$DURATION"
		w_rps=$rps w_p99=$p99 w_err=$errors
		if [ -n "$ward" ]; then
			core=$(printf '%.3f' "$(echo "($(cpu_ticks "$ward") - $t0) / $HZ / $DURATION" | bc -l)")
			rss=$(mem_kb "$ward" VmRSS)
			ward_cores[$m]+="$core " ward_rss[$m]+="$rss "
		fi
		watcher_stop "$m"
		[ "$m" != auditd ] || containers_start
		[ $((b_err + w_err)) -eq 0 ] ||
			fail "round $r, $m: wrk errors (baseline $b_err, $m $w_err): $(cat "$TDIR"/wrk.*)"
		rr=$(echo "scale=4; $w_rps / $b_rps" | bc)
		pr=$(echo "scale=4; $w_p99 / $b_p99" | bc)
		rps_ratios[$m]+="$rr "
		p99_ratios[$m]+="$pr "
		use=
		[ -z "$ward" ] || use=", ward $core core, RSS $((rss / 1024)) MiB"
		printf '  round %d %-8s: baseline %6d req/s p99 %6.0f us, %-8s %6d req/s p99 %6.0f us: x%.3f req/s, x%.3f p99%s%s\n' \
			"$r" "$m" "$b_rps" "$b_p99" "$m" "$w_rps" "$w_p99" "$rr" "$pr" "${said:+, $said}" "$use"
		[ "$m" != enforce ] || [[ "$said" = "0 alerts" ]] ||
			fail "the enforce policy alerted on nginx's work: $(head -n 3 "$TDIR/alerts.json")"
	done
done

echo "nginx in $NCTR containers, ratio to the baseline of the same round (median, min-max of $ROUNDS rounds):"
for m in "${MODES[@]}"; do
	read -r rmed rmin rmax < <(stats "${rps_ratios[$m]}")
	read -r pmed pmin pmax < <(stats "${p99_ratios[$m]}")
	printf 'nginx %-8s: req/s x%s (%s-%s), p99 x%s (%s-%s)\n' "$m" "$rmed" "$rmin" "$rmax" \
		"$pmed" "$pmin" "$pmax"
done
for m in "${MODES[@]}"; do
	[ -n "${ward_cores[$m]:-}" ] || continue
	read -r cmed cmin cmax < <(stats "${ward_cores[$m]}")
	read -r kmed kmin kmax < <(stats "${ward_rss[$m]}")
	printf 'nginx %-8s: ward under the load: %s core (%s-%s), RSS %.1f MiB (%.1f-%.1f)\n' "$m" \
		"$cmed" "$cmin" "$cmax" "$(echo "$kmed / 1024" | bc -l)" "$(echo "$kmin / 1024" | bc -l)" \
		"$(echo "$kmax / 1024" | bc -l)"
done
if [[ " ${MODES[*]} " == *" auditd "* ]] && [ "$audit_daemon_before" = 0 ]; then
	echo "bench nginx: auditing was enabled on this boot: tasks forked from now on carry an audit context (syscall slow path) unless a never,task rule says otherwise"
fi
