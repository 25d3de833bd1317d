#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The Debian package of ward from a staged install (make deb):
#
#   deb.sh ROOT OUTDIR
#
# ROOT holds what `make install PREFIX=/usr` put there. This adds what Debian's policy asks
# of a binary package (stripped binaries, compressed man pages, the copyright file) and the
# control files of deploy/debian/, filled in: the version is the one the packaged ward
# prints (`ward --version`: the build's git describe) in Debian's form, the dependencies are what dpkg-shlibdeps finds for
# the dynamically linked binaries and the packages of the commands the unit runs besides
# ward. Writes OUTDIR/ward_DEBVERSION_ARCH.deb (removing older ones) and prints its path.
set -euo pipefail

root=$(cd "$1" && pwd) out=$2
deploy=$(cd "$(dirname "$0")/.." && pwd)/deploy
unit=$root/lib/systemd/system/ward.service

die() {
	echo "deb.sh: $*" >&2
	exit 1
}

# git describe's forms: v1.2 -> 1.2; v1.2-3-gabc[-dirty] -> 1.2+3.gabc[.dirty]; a commit
# with no tag before it, abc[-dirty] -> 0~gitN.gabc[.dirty], N the commits up to abc, so
# that later builds sort later.
deb_version() {
	local v=$1 n
	if [[ $v =~ ^([0-9a-f]{7,40})(-dirty)?$ ]]; then
		n=$(git rev-list --count "${BASH_REMATCH[1]}") || return 1
		v="0~git$n.g${BASH_REMATCH[1]}${BASH_REMATCH[2]:+.dirty}"
	else
		v=${v#v}
		v=${v/-/+}
		v=${v//-/.}
	fi
	[[ $v =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || return 1
	echo "$v"
}

[ -x "$root/usr/sbin/ward" ] && [ -f "$unit" ] || die "$root: no staged install (make deb)"
version=$("$root/usr/sbin/ward" --version) || die "$root/usr/sbin/ward --version failed"
version=${version#ward }
debver=$(deb_version "$version") || die "no Debian version can be made of '$version'"
arch=$(dpkg --print-architecture)
maintainer=$(git log -1 --format='%an <%ae>' 2>/dev/null) || true
[ -n "$maintainer" ] || die "no maintainer: the package's is the author of git's last commit"

# Policy: binaries without debug symbols, man pages compressed, the copyright file, the
# changelog (a native package's: one entry for the commit built, dated as it) and the
# overrides of lintian's checks that the static ward is meant to fail.
dynamic=()
while IFS= read -r -d '' f; do
	readelf -h "$f" >/dev/null 2>&1 || continue
	strip --strip-unneeded --remove-section=.comment --remove-section=.note "$f"
	readelf -d "$f" 2>/dev/null | grep -q '(NEEDED)' && dynamic+=("${f#"$root"/}")
done < <(find "$root" -type f -perm -u+x -print0)
[ ! -d "$root/usr/share/man" ] || find "$root/usr/share/man" -type f ! -name '*.gz' -exec gzip -9n {} +
install -D -m 644 "$deploy/debian/copyright" "$root/usr/share/doc/ward/copyright"
install -D -m 644 "$deploy/debian/lintian-overrides" "$root/usr/share/lintian/overrides/ward"
commit=$(git rev-parse --short=12 HEAD) || die "no git commit to name in the changelog"
printf 'ward (%s) unstable; urgency=medium\n\n  * Built from git commit %s.\n\n -- %s  %s\n' \
	"$debver" "$commit" "$maintainer" "$(git log -1 --format=%aD)" |
	gzip -9n >"$root/usr/share/doc/ward/changelog.gz"

# Depends: the shared libraries' packages. dpkg-shlibdeps reads a debian/control (a
# scratch one) and takes the binaries' package root to be where DEBIAN/ is.
mkdir -p "$root/DEBIAN"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
printf 'Source: ward\n\nPackage: ward\nArchitecture: any\n' >"$work/debian/control"
depends=
if [ ${#dynamic[@]} -gt 0 ]; then
	depends=$(cd "$work" && dpkg-shlibdeps -O "${dynamic[@]/#/$root/}" |
		sed -n 's/^shlibs:Depends=//p')
	[ -n "$depends" ] || die "dpkg-shlibdeps found no dependencies of ${dynamic[*]}"
fi
# The unit's commands that are not in the package (ExecReload's kill).
while read -r cmd; do
	[ -e "$root$cmd" ] && continue
	pkg=$(dpkg -S "$cmd" 2>/dev/null | sed -n '1s/: .*//p')
	[ -n "$pkg" ] || die "the unit runs $cmd, which no installed package provides"
	[[ $depends =~ (^|, )$pkg( |,|$) ]] || depends+=${depends:+, }$pkg
done < <(sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' "$unit" | sort -u)

sed -e "s|@VERSION@|$debver|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
	-e "s|@SIZE@|$(du -sk --exclude=DEBIAN "$root" | cut -f1)|" -e "s|@DEPENDS@|$depends|" \
	"$deploy/debian/control" >"$root/DEBIAN/control"
install -m 755 "$deploy/debian/postinst" "$deploy/debian/prerm" "$deploy/debian/postrm" "$root/DEBIAN/"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
	xargs -0 md5sum) >"$root/DEBIAN/md5sums"

rm -f "$out"/ward_*.deb
deb=$out/ward_${debver}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
