#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make deb's package: lintian finds no error or warning; then in a clean Debian root. The root is debootstrap's minbase of the
# host's suite, from the host's apt source, plus the package's Depends (what apt would
# install with it), cached as a tarball in /var/cache/ward-deb (WARD_DEB_CACHE) per suite
# and Depends: the first run downloads it (about 80 s), the next unpack it (3 s). In the
# chroot: dpkg -i, dpkg --verify; ward --version is the build's and the package's version
# is its Debian form; rulesc runs (its libraries are the Depends) and passes the installed
# pack's tests; ward doctor finds what the host's ward finds (/proc, /sys with tracefs and
# the cgroup mounts, and /dev bound in; a bpffs of its own, so the purge below cannot touch
# the host's pins); ward server --no-policy traces an exec in the chroot and writes its
# output file in /var/log/ward, as the unit's LogsDirectory= is. dpkg -r keeps that
# directory, dpkg --purge removes it, /run/ward and every file the package listed. The
# unit is not started here: a chroot has no systemd (t-03-install runs it). Run in a mount
# namespace of its own: every mount goes with the test.
# wardit-timeout: 600
[ -n "${WARD_DEB_NS:-}" ] || WARD_DEB_NS=1 exec unshare -m --propagation private bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v debootstrap >/dev/null || skip "debootstrap not installed (make deps)"
command -v zstd >/dev/null || skip "zstd not installed (make deps)"

# ---- the package -----------------------------------------------------------------
# What the host's ward finds, compared with the root's below: doctor takes 8 s, as long
# as make deb.
verdict='{checks: (.checks | map({(.name): .status}) | add), trackers, enforcement}'
"$WARD" doctor -o json >"$TDIR/doctor.host.json" &
host_doctor=$!
t0=$SECONDS
deb=$(cd "$WARDIT_ROOT" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
	make --no-print-directory deb BUILD="${BUILD:-build}" 2>"$TDIR/make.err" | tail -n 1)
case $deb in /*) ;; *) deb=$WARDIT_ROOT/$deb ;; esac
[ -f "$deb" ] || fail "make deb wrote no package: $(tail -n 5 "$TDIR/make.err")"
echo "ok: make deb: $(basename "$deb") ($((SECONDS - t0)) s)"
deps=$(dpkg-deb -f "$deb" Depends | sed 's/ *([^)]*)//g; s/ *|[^,]*//g; s/ //g')
[ -n "$deps" ] || fail "the package has no Depends"
# Debian's checks: no error or warning beyond the overrides deploy/debian/lintian-overrides
# states (the static binary and what it embeds), and no hardening flag missing (rulesc, the
# dynamic binary, is where lintian can tell: informational tags)
command -v lintian >/dev/null || fail "lintian not installed (make deps)"
lintian --fail-on error,warning --display-info "$deb" >"$TDIR/lintian.out" \
	2>"$TDIR/lintian.err" || fail "lintian: $(cat "$TDIR/lintian.out" "$TDIR/lintian.err")"
! grep "hardening-" "$TDIR/lintian.out" || fail "lintian: a hardening flag is missing (above)"
echo "ok: lintian: no error or warning, rulesc hardened"

# ---- the clean root --------------------------------------------------------------
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
[ -n "$suite" ] || fail "no VERSION_CODENAME in /etc/os-release"
# The host's apt source of the suite: deb822 (*.sources) first, then one-line lists.
mirror=$(awk -v s="$suite" '
	FNR == 1 || !NF { if (t && su && u) exit; t = su = u = "" }
	tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") t = 1 }
	tolower($1) == "uris:" { u = $2 }
	tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == s) su = 1 }
	END { if (t && su && u) print u }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
[ -n "$mirror" ] || mirror=$(awk -v s="$suite" '$1 == "deb" {
	i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
	if ($(i + 1) == s) { print $i; exit } }' \
	/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null)
[ -n "$mirror" ] || fail "no apt source of $suite in /etc/apt"

cache=${WARD_DEB_CACHE:-/var/cache/ward-deb}
tarball=$cache/$suite-minbase-$(md5sum <<<"$deps" | cut -c1-12).tar.zst
mkdir -p "$cache" || fail "cannot create $cache"
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$tarball" ]; then
	t0=$SECONDS
	tmp=$(mktemp -d "$cache/.root.XXXXXX")
	if ! debootstrap --variant=minbase --include="$deps" "$suite" "$tmp/root" "$mirror" \
		>"$TDIR/debootstrap.log" 2>&1; then
		rm -rf "$tmp"
		curl -sf --retry 2 --max-time 20 -o /dev/null "$mirror/dists/$suite/Release" ||
			skip "no cached root in $cache, and $mirror is out of reach: $(tail -n 1 "$TDIR/debootstrap.log")"
		fail "debootstrap failed: $(tail -n 5 "$TDIR/debootstrap.log")"
	fi
	rm -f "$cache/$suite"-minbase-*.tar.zst # of other Depends
	tar -C "$tmp/root" --numeric-owner -I 'zstd -T0' -cf "$tmp/root.tar.zst" . &&
		mv "$tmp/root.tar.zst" "$tarball"
	rm -rf "$tmp"
	[ -f "$tarball" ] || fail "cannot write $tarball"
	echo "ok: debootstrap $suite minbase + $deps from $mirror: $tarball ($((SECONDS - t0)) s)"
fi
flock -u 9
t0=$SECONDS
r=$TDIR/root
# The root's mounts go before anything removes $TDIR (a standalone run's cleanup does),
# which never happens through a bind of /dev.
unmount_root() {
	local rc=$?
	umount -R -l "$r/proc" "$r/sys" "$r/dev" 2>/dev/null
	if findmnt -rn -o TARGET | grep -qF "$r/"; then
		echo "mounts left under $r: it is not removed"
		# shellcheck disable=SC2034 # lib.sh's
		WARDIT_OWN_DIR=
	fi
	(exit $rc)
	wardit_cleanup
}
trap unmount_root EXIT
mkdir "$r" && tar -C "$r" --numeric-owner -I zstd -xf "$tarball" || fail "unpacking $tarball"
echo "ok: clean $suite root unpacked from $tarball ($((SECONDS - t0)) s)"

mount -t proc proc "$r/proc" && mount --rbind /sys "$r/sys" && mount --rbind /dev "$r/dev" &&
	mount -t bpf bpf "$r/sys/fs/bpf" || fail "mounting /proc, /sys, /dev, bpffs in $r"
in_root() { chroot "$r" "$@"; }

# ---- install ---------------------------------------------------------------------
cp "$deb" "$r/tmp/" || fail "cp $deb"
in_root dpkg -i "/tmp/$(basename "$deb")" >"$TDIR/dpkg-i.log" 2>&1 ||
	fail "dpkg -i: $(tail -n 5 "$TDIR/dpkg-i.log")"
check "installed" test "$(in_root dpkg-query -W -f='${db:Status-Status}' ward)" = installed
v=$(in_root dpkg --verify ward) && [ -z "$v" ] || fail "dpkg --verify: $v"
echo "ok: dpkg --verify: every file as shipped"
[ -z "$(in_root dpkg-query -W -f='${Conffiles}' ward)" ] || fail "the package has conffiles"
echo "ok: no conffiles (/etc/ward is the administrator's)"
in_root dpkg -L ward >"$TDIR/files" || fail "dpkg -L"
check "the unit, the pack and both binaries are listed" grep -qx -e /lib/systemd/system/ward.service \
	-e /usr/share/ward/policies/container-baseline.yaml -e /usr/sbin/ward -e /usr/bin/rulesc \
	"$TDIR/files"

want=$("$WARD" --version) || fail "$WARD --version"
got=$(in_root ward --version) || fail "ward --version in the root"
[ "$got" = "$want" ] || fail "ward --version in the root: '$got', the build's: '$want'"
pkgver=$(in_root dpkg-query -W -f='${Version}' ward)
for part in $(tr -c 'A-Za-z0-9' ' ' <<<"${want#ward }"); do
	[[ $pkgver == *"$part"* ]] || fail "package version $pkgver does not hold '$part' of '$want'"
done
echo "ok: $got, packaged as $pkgver"
out=$(in_root rulesc --version) || fail "rulesc --version in the root: $out"
[[ $out == "rulesc ${want#ward }"* ]] || fail "rulesc --version: $out"
echo "ok: $out"
in_root rulesc test /usr/share/ward/policies >"$TDIR/rulesc-test.log" 2>&1 ||
	fail "rulesc test of the installed pack: $(tail -n 5 "$TDIR/rulesc-test.log")"
echo "ok: rulesc test /usr/share/ward/policies passes in the root"

# ---- run -------------------------------------------------------------------------
wait $host_doctor && jq -S "$verdict" "$TDIR/doctor.host.json" >"$TDIR/doctor.host" ||
	fail "ward doctor on the host: $(cat "$TDIR/doctor.host.json")"
in_root ward doctor -o json >"$TDIR/doctor.json" || fail "ward doctor in the root: $(cat "$TDIR/doctor.json")"
jq -S "$verdict" "$TDIR/doctor.json" >"$TDIR/doctor.root" || fail "ward doctor -o json: not JSON"
diff "$TDIR/doctor.host" "$TDIR/doctor.root" || fail "ward doctor in the root differs from the host's"
echo "ok: ward doctor in the root: can run, the host's checks, trackers and enforcement levels"

mkdir -p "$r/var/log/ward" # the unit's LogsDirectory=
WARD=chroot ward_start w "$r" ward server --no-policy -d 5 -o json --output /var/log/ward/ward.json
while ward_alive w; do
	in_root /bin/sh -c ": ward-deb-$WARDIT_RUN"
	sleep 0.5
done
ward_wait w || fail "ward server --no-policy in the root exited with status $?: $(cat "$TDIR/w.err")"
assert_some "ward server in the root traced an exec there" "$r/var/log/ward/ward.json" \
	'.tracker == "process" and .event == "exec" and any(.argv[]; contains($m))' \
	--arg m "ward-deb-$WARDIT_RUN"
check "ward server made /run/ward in the root" test -d "$r/run/ward"

# ---- remove, purge ---------------------------------------------------------------
in_root dpkg -r ward >"$TDIR/dpkg-r.log" 2>&1 || fail "dpkg -r: $(tail -n 5 "$TDIR/dpkg-r.log")"
check "removed, its postrm left for purge" \
	test "$(in_root dpkg-query -W -f='${db:Status-Status}' ward)" = config-files
check "dpkg -r keeps /var/log/ward" test -f "$r/var/log/ward/ward.json"
in_root dpkg --purge ward >"$TDIR/dpkg-purge.log" 2>&1 ||
	fail "dpkg --purge: $(tail -n 5 "$TDIR/dpkg-purge.log")"
in_root dpkg-query -W ward >/dev/null 2>&1 && fail "dpkg still knows ward after --purge"
left=$(while read -r f; do
	[ "$f" = /. ] && continue
	[ -d "$r$f" ] && [ -n "$(in_root dpkg -S "$f" 2>/dev/null)" ] && continue # another's too
	[ -e "$r$f" ] || [ -L "$r$f" ] && echo "$f"
done <"$TDIR/files"; ls -d "$r"/var/lib/dpkg/info/ward.* "$r/var/log/ward" "$r/run/ward" 2>/dev/null)
[ -z "$left" ] || fail "left after purge: $left"
echo "ok: purged: none of the $(wc -l <"$TDIR/files") paths the package listed, no /var/log/ward, /run/ward"
