#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make install into a DESTDIR (PREFIX /usr/local): exactly the expected files (the
# binaries, the default pack's YAML, the example configuration, the unit, and the man
# pages and completions the build made), binaries that run, a pack that compiles to the
# bundle embedded in ward; make uninstall leaves no file and none of ward's directories.
# The installed unit: systemd-analyze verify says nothing, systemd-analyze security rates
# it at most 3.7 (docs/install.md), and it runs. A chroot or container has no systemd, so
# systemd's own service manager runs it: a user instance (systemd --user) started by root
# sets up the same sandbox, capability bounding set and seccomp filter as the system one.
# It runs in a mount namespace of this test with the install bound at /usr/local and a
# tmpfs /run (where /run/systemd/system makes systemd believe it booted, and where
# RuntimeDirectory=, relative to XDG_RUNTIME_DIR=/run, is /run/ward as for the system
# manager); only where the unit's output goes (a file, no journal here) is added. Under
# the unit, ward server puts the default pack in force at the levels `ward doctor` finds
# as root, answers `ward ctl status` on /run/ward/ward.sock, reloads on systemctl reload
# and stops cleanly, its pins gone.
# wardit-timeout: 120
[ -n "${WARD_INSTALL_NS:-}" ] || WARD_INSTALL_NS=1 exec unshare -m --propagation private bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v systemd-analyze >/dev/null && [ -x /lib/systemd/systemd ] ||
	skip "systemd not installed (make deps)"
build=${BUILD:-build} # for make; the files are in $b
case $build in /*) b=$build ;; *) b=$WARDIT_ROOT/$build ;; esac

# The levels root gets (doctor takes 8 s: meanwhile, the install).
"$WARD" doctor -o json >"$TDIR/doctor.json" &
doctor=$!

mk() { (cd "$WARDIT_ROOT" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory "$@"); }
dest=$TDIR/dest
mk install DESTDIR="$dest" BUILD="$build" >"$TDIR/install.log" 2>&1 ||
	fail "make install: $(tail -n 5 "$TDIR/install.log")"
p=usr/local
{
	echo "$p/sbin/ward"
	echo "$p/bin/rulesc"
	echo "$p/lib/systemd/system/ward.service"
	echo "$p/share/doc/ward/examples/ward.yaml"
	(cd "$WARDIT_ROOT" && find policies -name '*.yaml') | sed "s|^|$p/share/ward/|"
	for f in "$b"/man/*.[0-9]; do
		[ -f "$f" ] && echo "$p/share/man/man${f##*.}/${f##*/}"
	done
	for f in "$b"/completion/*.bash; do
		[ -f "$f" ] && echo "$p/share/bash-completion/completions/$(basename "$f" .bash)"
	done
	for f in "$b"/completion/_*; do
		[ -f "$f" ] && echo "$p/share/zsh/vendor-completions/${f##*/}"
	done
} | sort >"$TDIR/want"
(cd "$dest" && find . -type f -o -type l) | sed 's|^\./||' | sort >"$TDIR/got"
diff "$TDIR/want" "$TDIR/got" || fail "make install's files (<: missing, >: unexpected)"
echo "ok: make install: the $(wc -l <"$TDIR/got") expected files, $(grep -c /man/ "$TDIR/got") man pages"

check "the installed ward is the build's" cmp "$dest/$p/sbin/ward" "$WARD"
"$dest/$p/bin/rulesc" --version >/dev/null || fail "the installed rulesc does not run"
(cd "$dest/$p/share/ward" && "$dest/$p/bin/rulesc" compile --output "$TDIR/pack.bundle" policies) ||
	fail "the installed pack does not compile"
check "the installed pack compiles to the bundle ward embeds" cmp "$TDIR/pack.bundle" "$b/gen/default.bundle"
unit=/$p/lib/systemd/system/ward.service
grep -qx "ExecStart=/$p/sbin/ward server" "$dest$unit" || fail "ExecStart of $unit: $(grep ExecStart "$dest$unit")"
! grep -n "@[A-Z]*@" "$dest$unit" || fail "$unit: a placeholder is left"
echo "ok: $unit runs /$p/sbin/ward"

# ---- the unit, with the install at /usr/local ---------------------------------------
mount --bind "$dest/$p" "/$p" || fail "binding $dest/$p at /$p"
man=no
[ -z "$(find "/$p/share/man" -type f 2>/dev/null)" ] || man=yes # Documentation=: man:...
v=$(systemd-analyze verify --man=$man "$unit" 2>&1) && [ -z "$v" ] || fail "systemd-analyze verify: $v"
echo "ok: systemd-analyze verify --man=$man $unit: no warnings"
score=$(systemd-analyze security --offline=yes "$unit" 2>&1 |
	sed -n 's/.*Overall exposure level for ward.service: \([0-9.]*\).*/\1/p')
[ -n "$score" ] || fail "systemd-analyze security gave no exposure level"
awk -v s="$score" 'BEGIN { exit !(s <= 3.7) }' || fail "exposure $score, more than 3.7"
echo "ok: systemd-analyze security: exposure $score"

mount -t tmpfs -o mode=755 tmpfs /run && mkdir -p /run/systemd/system || fail "a tmpfs /run"
home=$TDIR/home
mkdir -p "$home/.config/systemd/user/ward.service.d" || fail "mkdir $home"
ln -s "$unit" "$home/.config/systemd/user/ward.service"
printf '[Service]\nStandardOutput=file:%s\nStandardError=file:%s\n' "$TDIR/unit.out" "$TDIR/unit.err" \
	>"$home/.config/systemd/user/ward.service.d/output.conf"
export HOME=$home XDG_RUNTIME_DIR=/run
SYSTEMD_LOG_TARGET=console /lib/systemd/systemd --user >"$TDIR/manager.log" 2>&1 &
WARDIT_PIDS+=($!)
for ((i = 0; i < 50; i++)); do
	[ -S /run/systemd/private ] && break
	sleep 0.1
done
sctl() { systemctl --user "$@"; }
state() { sctl show -p ActiveState --value ward.service; }
sctl start ward.service || fail "systemctl start ward: $(tail -n 5 "$TDIR/manager.log")"
# 30 s, as ward_in_force: the doctor above verifies every object beside it
for ((i = 0; i < 300; i++)); do
	grep -q "generation 1 in force" "$TDIR/unit.err" && break
	[ "$(state)" = active ] || fail "ward.service is $(state): $(cat "$TDIR/unit.err")"
	sleep 0.1
done
wait $doctor && levels=$(jq -r '.enforcement | to_entries | map("\(.key) \(.value)") | join(", ")' \
	"$TDIR/doctor.json") || fail "ward doctor: $(cat "$TDIR/doctor.json")"
grep -q "generation 1 in force from the embedded default pack.*enforcement: $levels\$" "$TDIR/unit.err" ||
	fail "under the unit, not the default pack at root's levels ($levels): $(cat "$TDIR/unit.err")"
echo "ok: under the unit the default pack is in force at root's levels: $levels"
"/$p/sbin/ward" ctl -o json status >"$TDIR/status.json" || fail "ward ctl status: $(cat "$TDIR/status.json")"
check "ward ctl status: generation 1 over /run/ward/ward.sock" jq -e '.generation == 1' "$TDIR/status.json"
sctl reload ward.service || fail "systemctl reload ward"
for ((i = 0; i < 100; i++)); do
	grep -q "reload: policy generation 2 in force" "$TDIR/unit.err" && break
	sleep 0.1
done
check "systemctl reload: generation 2" grep -q "reload: policy generation 2 in force" "$TDIR/unit.err"
sctl stop ward.service || fail "systemctl stop ward"
r=$(for k in ActiveState Result ExecMainStatus; do sctl show -p $k ward.service; done | tr '\n' ' ')
[ "$r" = "ActiveState=inactive Result=success ExecMainStatus=0 " ] || fail "after systemctl stop: $r"
echo "ok: systemctl stop: inactive, exit status 0"
check "no pins left" test ! -e /sys/fs/bpf/ward/ward_active
sctl exit 2>/dev/null
umount /run "/$p"

# ---- uninstall -------------------------------------------------------------------------
mk uninstall DESTDIR="$dest" BUILD="$build" >"$TDIR/uninstall.log" 2>&1 ||
	fail "make uninstall: $(tail -n 5 "$TDIR/uninstall.log")"
left=$(cd "$dest" && find . -type f -o -type l -o -name '*ward*')
[ -z "$left" ] || fail "left after make uninstall: $left"
echo "ok: make uninstall leaves no file and no ward directory"
