# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
#
# Benign container workloads for the VM tests and benchmarks: what the default rule pack must
# watch without a single alert. Three busybox containers run at once for a given time:
#   web  busybox's httpd applet (the /usr/sbin/httpd link to busybox a busybox image has)
#        serving static pages, and a wget client fetching them as fast as it can
#   log  an application logging to /var/log/app/app.log in bursts and rotating it every
#        BENIGN_ROTATE lines the way loggers do (RotatingFileHandler, logrotate): app.log.2
#        -> .3, .1 -> .2, app.log -> app.log.1, the oldest (.3) removed first; the next line
#        creates app.log again
#   job  a periodic job: once a second a script (/usr/local/bin/backup.sh) logs the date
#        and archives /srv/app into /data/backup.tar.gz (tar + gzip, renamed into place)
#
# Two uses of this one file:
#   in a test (guest, after /vm/lib.sh; "# vm-files: tests/vm/benign.sh" puts it at
#   /vm/files/benign.sh):
#     . /vm/files/benign.sh
#     benign_setup PREFIX      bundles $VM_TMP/PREFIX-{web,log,job} (busybox root file systems)
#     benign_run SECONDS       starts the three containers, returns once all have stopped
#     benign_check SECONDS     prints what each did and fails the test (vm_fail) when one did
#                              less than a minimum for that duration (cannot pass vacuously)
#     benign_silent OUT        fails the test when ward's output OUT holds any alert (listed
#                              by container, rule and object)
#     benign_cleanup           deletes the containers (also safe when never started)
#     benign_test SECONDS      all of it: the default pack in force (ward server without
#                              --policy), the workloads run, checked, and no alert
#   in a container, as its entrypoint: sh /benign.sh --workload web|log|job SECONDS
#     runs the workload that long, then writes its counters to /stats ("KEY=VALUE" lines)

BENIGN_ROTATE=${BENIGN_ROTATE:-500}
benign_names="web log job"

# ---- in the container -----------------------------------------------------------------------
benign_web() { # SECONDS
	end=$(($(date +%s) + $1))
	httpd -f -vv -p 127.0.0.1:8080 -h /www 2>/tmp/httpd.log &
	httpd_pid=$!
	# until the server listens (127.0.0.1:8080, state LISTEN)
	until grep -q ':1F90 00000000:0000 0A' /proc/net/tcp || [ "$(date +%s)" -ge "$end" ]; do
		sleep 0.1
	done
	ok=0 failed=0 bad=0 i=0
	while [ "$(date +%s)" -lt "$end" ]; do
		for page in index.html style.css app.js data/report.csv img/logo.bin; do
			i=$((i + 1))
			if wget -q -O /tmp/page "http://127.0.0.1:8080/$page"; then
				ok=$((ok + 1))
				# every 25th page compared with the file served
				if [ $((i % 25)) -eq 0 ] && ! cmp -s /tmp/page "/www/$page"; then
					bad=$((bad + 1))
				fi
			else
				failed=$((failed + 1))
			fi
		done
	done
	kill "$httpd_pid"
	wait "$httpd_pid" 2>/dev/null
	printf 'fetched=%s\nfailed=%s\ncorrupt=%s\nserved=%s\n' "$ok" "$failed" "$bad" \
		"$(grep -c 'response:200' /tmp/httpd.log)" >/stats
}

benign_log() { # SECONDS
	end=$(($(date +%s) + $1))
	mkdir -p /var/log/app
	cd /var/log/app || exit 1
	lines=0 rotations=0 since=0
	while [ "$(date +%s)" -lt "$end" ]; do
		now=$(date '+%Y-%m-%dT%H:%M:%S')
		# a burst of 20 lines, appended (O_APPEND, never truncated)
		for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			lines=$((lines + 1))
			echo "$now INFO request id=$lines handled in ${n}ms status=200" >>app.log
		done
		since=$((since + 20))
		if [ "$since" -ge "$BENIGN_ROTATE" ]; then
			rm -f app.log.3
			[ -e app.log.2 ] && mv app.log.2 app.log.3
			[ -e app.log.1 ] && mv app.log.1 app.log.2
			mv app.log app.log.1
			rotations=$((rotations + 1))
			since=0
		fi
		sleep 0.05
	done
	printf 'lines=%s\nrotations=%s\nkept=%s\n' "$lines" "$rotations" \
		"$(cat app.log* 2>/dev/null | wc -l)" >/stats
}

benign_job() { # SECONDS
	end=$(($(date +%s) + $1))
	mkdir -p /data
	runs=0 failed=0
	while [ "$(date +%s)" -lt "$end" ]; do
		if /usr/local/bin/backup.sh; then runs=$((runs + 1)); else failed=$((failed + 1)); fi
		sleep 1
	done
	printf 'runs=%s\nfailed=%s\nlogged=%s\nfiles=%s\n' "$runs" "$failed" \
		"$(wc -l </data/job.log)" "$(tar -tzf /data/backup.tar.gz | grep -c -v '/$')" >/stats
}

if [ "${1:-}" = --workload ]; then
	case $2 in
	web) benign_web "$3" ;;
	log) benign_log "$3" ;;
	job) benign_job "$3" ;;
	*) echo "benign.sh: no workload '$2'" >&2 && exit 2 ;;
	esac
	exit 0
fi

# ---- in the guest ---------------------------------------------------------------------------
benign_prefix=

benign_setup() { # PREFIX
	benign_prefix=$1
	for w in $benign_names; do
		r=$VM_TMP/$1-$w/rootfs
		vm_busybox_rootfs "$r"
		cp /vm/files/benign.sh "$r/benign.sh"
	done
	r=$VM_TMP/$1-web/rootfs
	mkdir -p "$r/www/data" "$r/www/img"
	echo '<html><head><link rel="stylesheet" href="style.css"></head><body>app</body></html>' \
		>"$r/www/index.html"
	echo 'body { font-family: sans-serif; }' >"$r/www/style.css"
	echo 'console.log("app");' >"$r/www/app.js"
	seq 1 2000 | sed 's/$/,widget,42.00/' >"$r/www/data/report.csv"
	dd if=/dev/urandom of="$r/www/img/logo.bin" bs=1024 count=32 2>/dev/null
	r=$VM_TMP/$1-job/rootfs
	mkdir -p "$r/srv/app/conf" "$r/data" "$r/usr/local/bin"
	seq 1 500 >"$r/srv/app/items.txt"
	echo 'listen=8080' >"$r/srv/app/conf/app.conf"
	cat >"$r/usr/local/bin/backup.sh" <<'SH'
#!/bin/sh
date '+%Y-%m-%dT%H:%M:%S backup start' >>/data/job.log
tar -czf /data/backup.tar.gz.tmp -C /srv/app . && mv /data/backup.tar.gz.tmp /data/backup.tar.gz
SH
	chmod +x "$r/usr/local/bin/backup.sh"
}

benign_run() { # SECONDS
	for w in $benign_names; do
		b=$VM_TMP/$benign_prefix-$w
		runc spec --bundle "$b" || vm_fail "runc spec $b"
		if ! jq --arg w "$w" --arg s "$1" '.process.terminal = false |
			.root.readonly = false |
			.process.args = ["/bin/sh", "/benign.sh", "--workload", $w, $s]' \
			"$b/config.json" >"$b/c.json" || ! mv "$b/c.json" "$b/config.json"; then
			vm_fail "editing $b/config.json"
		fi
	done
	for w in $benign_names; do
		b=$VM_TMP/$benign_prefix-$w
		runc run -d --no-pivot --bundle "$b" "$benign_prefix-$w" >"$b/log" 2>&1 </dev/null ||
			vm_fail "runc run $benign_prefix-$w: $(cat "$b/log")"
	done
	for w in $benign_names; do
		vm_wait_for $(($1 + 120)) "$w stopped" sh -c \
			"runc state '$benign_prefix-$w' | jq -e '.status == \"stopped\"'"
	done
}

benign_stat() { # WORKLOAD KEY
	sed -n "s/^$2=//p" "$VM_TMP/$benign_prefix-$1/rootfs/stats" 2>/dev/null
}

# Minimums per workload for a run of SECONDS, far below what a loaded 2-CPU TCG guest does.
benign_check() { # SECONDS
	for w in $benign_names; do
		[ -s "$VM_TMP/$benign_prefix-$w/rootfs/stats" ] ||
			vm_fail "$w wrote no /stats: $(cat "$VM_TMP/$benign_prefix-$w/log")"
		echo "$w: $(tr '\n' ' ' <"$VM_TMP/$benign_prefix-$w/rootfs/stats")"
	done
	benign_min web fetched $(($1 * 2))
	benign_min web served $(($1 * 2))
	benign_max web failed 0
	benign_max web corrupt 0
	benign_min log lines $(($1 * 20))
	benign_min log rotations $(($1 * 20 / BENIGN_ROTATE))
	benign_min job runs $(($1 / 4))
	benign_max job failed 0
	[ "$(benign_stat job logged)" = "$(benign_stat job runs)" ] ||
		vm_fail "job: $(benign_stat job logged) lines logged for $(benign_stat job runs) runs"
	benign_min job files 2
}

benign_min() { # WORKLOAD KEY MIN
	v=$(benign_stat "$1" "$2")
	case $v in
	'' | *[!0-9]*) vm_fail "$1: $2 = '$v', not a count" ;;
	esac
	[ "$v" -ge "$3" ] || vm_fail "$1: $2 = $v, want at least $3"
	echo "ok: $1 $2 = $v (at least $3)"
}

benign_max() { # WORKLOAD KEY MAX
	v=$(benign_stat "$1" "$2")
	case $v in
	'' | *[!0-9]*) vm_fail "$1: $2 = '$v', not a count" ;;
	esac
	[ "$v" -le "$3" ] || vm_fail "$1: $2 = $v, want at most $3"
	echo "ok: $1 $2 = $v (at most $3)"
}

benign_silent() { # OUT
	sleep 2 # alerts still in flight when the containers stopped
	n=$(grep -c '"tracker":"alert"' "$1")
	[ "$n" -eq 0 ] && return 0
	echo "ward raised $n alerts; by container, rule, object and process:"
	grep '"tracker":"alert"' "$1" | jq -r '[.container.name, .rule, .op, .object,
		(.access // ""), .comm] | join(" ")' | sort | uniq -c | sort -rn | head -n 40
	echo "the first ones:"
	grep '"tracker":"alert"' "$1" | head -n 10
	vm_fail "ward raised $n alerts on benign workloads ($(grep '"tracker":"alert"' "$1" |
		jq -r .rule | sort | uniq -c | awk '{printf "%s%s x%s", s, $2, $1; s=", "}'))"
}

benign_cleanup() {
	[ -n "$benign_prefix" ] || return 0
	for w in $benign_names; do
		runc delete --force "$benign_prefix-$w" >/dev/null 2>&1
	done
}

# shellcheck disable=SC2034,SC2154 # vm_cleanup_hook, out, token: lib.sh's
benign_test() { # SECONDS
	vm_enforce_setup bn
	vm_cleanup_hook=benign_cleanup
	benign_setup "bn-$token"
	# ward first, as on a node: the containers start while the pack is in force.
	vm_ward_default_pack
	t0=$(date +%s)
	benign_run "$1"
	vm_log "the workloads ran $(($(date +%s) - t0)) s"
	benign_check "$1"
	benign_silent "$out"
	echo "ok: no alert during $1 s of benign workloads"
}
