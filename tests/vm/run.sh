#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# BPF-LSM test VM. Boots Debian's cloud kernel (CONFIG_BPF_LSM=y, bpf in the default LSM list)
# under qemu/TCG once, with an initramfs holding busybox, the static ward, tests/vm/init,
# tests/vm/lib.sh and the selected tests/vm/tests/*.sh; the guest runs the tests in order and
# reports through the serial console (markers documented in docs/testing-vm.md).
#
# Usage: tests/vm/run.sh [NAME...]     NAME: a test file name, with or without ".sh"
# Environment:
#   WARD_BIN         the static ward to test (default: $BUILD/static/ward)
#   WARD_VM_CACHE    kernel cache, survives `make clean` (default: /var/cache/ward-vm, or
#                    ~/.cache/ward-vm when not root)
#   WARD_VM_TIMEOUT  hard limit for the whole boot in seconds (default: 1800; the
#                    suite takes about 800 s under single-threaded TCG on a quiet 2-core machine,
#                    900-1150 s beside the other suites of `make test`)
#   WARD_VM_SKIP=1   record a skip instead of a failure when qemu or the kernel is unavailable
#   WARD_VM_VERBOSE=1  show the guest output of every test, not only of failed ones
#   WARD_VM_SUITE    the directory of tests/vm/ to run (default: tests; bench: the BPF-LSM
#                    benchmarks of `make bench`; fallback: the fallbacks, with WARD_VM_APPEND)
#   WARD_VM_APPEND   more of the kernel command line (fallback: lsm=capability, no BPF-LSM)
#   WARD_VM_KERNEL   the kernel of the matrix to boot, all Debian cloud kernels with BPF-LSM:
#                    6.1 (default; bookworm, the machine's own apt sources), 6.12 (trixie),
#                    7 (sid, the newest); the others come through a private apt sources list
#                    in the cache, the machine's own sources stay untouched
# Writes "PASSED FAILED SKIPPED" to $BUILD/test-results/vm (vm-SUITE for another suite,
# -KERNEL for another kernel); exits non-zero on any failure. A boot that reaches no test
# (a kernel panic or a hang before /init reports) is retried once.
set -u -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/../.." || exit 1
build=${BUILD:-build}
results=$build/test-results
ward_bin=${WARD_BIN:-$build/static/ward}
if [ "$(id -u)" -eq 0 ]; then
	cache=${WARD_VM_CACHE:-/var/cache/ward-vm}
else
	cache=${WARD_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ward-vm}
fi
vm_timeout=${WARD_VM_TIMEOUT:-1800}
suite=${WARD_VM_SUITE:-tests}
kernel=${WARD_VM_KERNEL:-6.1}
result_name=vm${WARD_VM_SUITE:+-$suite}${WARD_VM_KERNEL:+-$kernel}
# The kernel series under test: Debian's cloud flavour, which builds BPF-LSM in. apt_suite:
# the suite to fetch it from through a private sources list ("": the machine's own).
case $kernel in
6.1) apt_suite='' kernel_re='^linux-image-6\.1\.0-[0-9]+-cloud-amd64$' ;;
6.12) apt_suite=trixie kernel_re='^linux-image-6\.12\.[0-9]+\+deb13-cloud-amd64$' ;;
# sid's image package is a stub: the kernel is in linux-binary-*
7) apt_suite=sid kernel_re='^linux-binary-7\.[0-9.]+\+deb[0-9]+-cloud-amd64$' ;;
*) kernel_re='' ;;
esac
kcache=$cache/$kernel
qemu="qemu-system-x86_64"

say() { printf 'vm: %s\n' "$*"; }

record() { # PASSED FAILED SKIPPED
	mkdir -p "$results"
	echo "$1 $2 $3" >"$results/$result_name"
	say "$1 passed, $2 failed, $3 skipped"
}

# Something the harness itself needs is broken: every selected test counts as failed.
setup_fail() {
	local n=${#tests[@]}

	say "FAIL: $*" >&2
	record 0 $((n > 0 ? n : 1)) 0
	exit 1
}

# qemu or the kernel cannot be had: fail loudly unless skipping was asked for explicitly.
unavailable() {
	if [ "${WARD_VM_SKIP:-0}" = 1 ]; then
		say "SKIP (WARD_VM_SKIP=1): $*" >&2
		record 0 0 "${#tests[@]}"
		exit 0
	fi
	setup_fail "$* (set WARD_VM_SKIP=1 to record a skip instead)"
}

# The values of a "# vm-KEY: ..." header line in a test script.
header() { sed -n "s/^# vm-$2:[[:space:]]*//p" "$1"; }

# ---- test selection -----------------------------------------------------------------------------
tests=()
all=()
[ -d "$here/$suite" ] || setup_fail "no suite $here/$suite"
for f in "$here/$suite"/*.sh; do
	[ -e "$f" ] && all+=("$f")
done
if [ $# -eq 0 ]; then
	tests=("${all[@]}")
else
	for name in "$@"; do
		f=$here/$suite/${name%.sh}.sh
		if [ ! -f "$f" ]; then
			setup_fail "no test named '$name' (have: $(cd "$here/$suite" && echo *.sh))"
		fi
		tests+=("$f")
	done
fi
[ ${#tests[@]} -gt 0 ] || setup_fail "no tests in $here/$suite"
for f in "${tests[@]}"; do
	[ -x "$f" ] || setup_fail "$f is not executable (chmod +x)"
done

# ---- kernel: newest matching package, downloaded once into the cache ----------------------------
[ -n "$kernel_re" ] || setup_fail "WARD_VM_KERNEL=$kernel: not a kernel of the matrix (6.1, 6.12, 7)"
command -v "$qemu" >/dev/null || unavailable "$qemu not installed (make deps)"

# apt with the machine's sources, or with a private sources list, lists and package cache for
# apt_suite (so the machine's own apt state is never touched).
apt_do() { # apt-get|apt-cache ARGS...
	local tool=$1 d=$kcache/apt

	shift
	if [ -z "$apt_suite" ]; then
		"$tool" "$@"
		return
	fi
	mkdir -p "$d/lists/partial" "$d/cache" || return 1
	[ -f "$d/sources.list" ] || echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"http://deb.debian.org/debian $apt_suite main" >"$d/sources.list"
	"$tool" -o Dir::Etc::sourcelist="$d/sources.list" -o Dir::Etc::sourceparts=- \
		-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= "$@"
}

# Sets pkg and ver to the newest matching package apt can download.
resolve_kernel() {
	local name

	pkg='' ver=''
	for name in $(apt_do apt-cache pkgnames linux- | grep -E "$kernel_re" | sort -rV); do
		ver=$(apt_do apt-cache show --no-all-versions "$name" 2>/dev/null |
			sed -n 's/^Version: //p')
		[ -n "$ver" ] && pkg=$name && return 0
	done
	return 1
}

# One layout for every package: lib/modules/<release>/ and boot/vmlinuz-<release> (merged-/usr
# packages ship usr/lib/modules, and sid's linux-binary-* the kernel inside it).
normalize_tree() { # DIR
	local rel

	if [ ! -d "$1/lib/modules" ] && [ -d "$1/usr/lib/modules" ]; then
		mkdir -p "$1/lib" && mv "$1/usr/lib/modules" "$1/lib/modules" || return 1
	fi
	rel=$(cd "$1/lib/modules" && echo *) || return 1
	if ! ls "$1"/boot/vmlinuz-* >/dev/null 2>&1; then
		[ -f "$1/lib/modules/$rel/vmlinuz" ] || return 1
		mkdir -p "$1/boot" && cp "$1/lib/modules/$rel/vmlinuz" "$1/boot/vmlinuz-$rel"
	fi
}

# Downloads and unpacks pkg=ver into the cache; the cache entry appears complete or not at all.
download_kernel() {
	local tmp rel

	say "kernel $pkg $ver: downloading into $kcache" >&2
	tmp=$(mktemp -d "$kcache/.fetch.XXXXXX") || return 1
	# apt's _apt sandbox user must be able to write the download directory.
	chmod 0755 "$tmp"
	if (cd "$tmp" && apt_do apt-get -q download "$pkg=$ver" >download.log 2>&1) &&
	   mkdir "$tmp/tree" && dpkg-deb -x "$tmp"/*.deb "$tmp/tree" &&
	   normalize_tree "$tmp/tree" && rel=$(cd "$tmp/tree/lib/modules" && echo *) &&
	   busybox depmod -b "$tmp/tree" "$rel" && touch "$tmp/tree/.complete"; then
		rm -rf "$kcache/${pkg}_$ver"
		mv "$tmp/tree" "$kcache/${pkg}_$ver"
		rm -rf "$tmp"
		return 0
	fi
	cat "$tmp/download.log" >&2
	rm -rf "$tmp"
	return 1
}

# Prints the directory holding boot/vmlinuz-* and lib/modules/<release>/ (with modules.dep).
fetch_kernel() {
	local dir

	resolve_kernel || { apt_do apt-get -qq update >&2 && resolve_kernel; }
	if [ -n "$pkg" ] && [ -f "$kcache/${pkg}_$ver/.complete" ]; then
		say "kernel $pkg $ver (cached in $kcache)" >&2
	elif [ -n "$pkg" ] && { download_kernel ||
		{ apt_do apt-get -qq update >&2 && resolve_kernel && download_kernel; }; }; then
		# Keep only the newest kernel of the series.
		find "$kcache" -mindepth 1 -maxdepth 1 -name 'linux-*' \
			! -name "${pkg}_$ver" -exec rm -rf {} +
	else
		# The archive is out of reach: an older cached kernel still serves.
		dir=$(find "$kcache" -mindepth 2 -maxdepth 2 -name .complete | sort -V | tail -n 1)
		[ -n "$dir" ] || return 1
		dir=$(dirname "$dir")
		say "WARNING: no newer kernel from the archive, using the cached $(basename "$dir")" >&2
		echo "$dir"
		return 0
	fi
	echo "$kcache/${pkg}_$ver"
}

mkdir -p "$kcache" || unavailable "cannot create kernel cache $kcache"
exec 9>"$kcache/.lock"
flock 9
kdir=$(fetch_kernel) || unavailable "cannot get a kernel matching $kernel_re from the apt archive"
flock -u 9
vmlinuz=$(echo "$kdir"/boot/vmlinuz-*)
krel=$(cd "$kdir/lib/modules" && echo *)
if [ ! -f "$vmlinuz" ] || [ ! -d "$kdir/lib/modules/$krel" ]; then
	unavailable "kernel cache $kdir is broken"
fi

# ---- initramfs ----------------------------------------------------------------------------------
[ -x "$ward_bin" ] || setup_fail "$ward_bin missing (make static)"
busybox=$(dpkg -L busybox-static 2>/dev/null | grep -m1 '/bin/busybox$')
[ -n "$busybox" ] || setup_fail "busybox-static not installed (make deps)"

mkdir -p "$build/vm"
work=$(mktemp -d "$build/vm/run.XXXXXX") || setup_fail "cannot create a work directory"
trap 'rm -rf "$work"' EXIT
stage=$work/root

# Copy a host file to the same path in the guest. What is there already goes first: an applet
# link to /bin/busybox would have cp write through it onto the host's busybox.
put() { mkdir -p "$stage$(dirname "$1")" && rm -f "$stage$1" && cp -L "$1" "$stage$1"; }

mkdir -p "$stage"/{dev,proc,sys,tmp,run,root,vm/tests}
put "$busybox"
for applet in $("$busybox" --list-full); do
	[ -e "$stage/$applet" ] && continue
	mkdir -p "$stage/$(dirname "$applet")"
	ln -s "$busybox" "$stage/$applet"
done
cp "$ward_bin" "$stage/ward"
cp "$here/init" "$stage/init"
cp "$here/lib.sh" "$stage/vm/lib.sh"
cp "${tests[@]}" "$stage/vm/tests/"

for f in "${tests[@]}"; do
	# Host binaries a test needs, with the shared libraries ldd lists.
	for b in $(header "$f" binaries); do
		path=$(command -v "$b") || setup_fail "$(basename "$f") needs '$b', not installed"
		put "$path" || setup_fail "cannot copy $path"
		for lib in $(ldd "$path" 2>/dev/null | grep -o '/[^ ]*'); do
			put "$lib" || setup_fail "cannot copy $lib (needed by $path)"
		done
	done
	# Files of the source tree a test needs, under /vm/files/ by their base name.
	for t in $(header "$f" files); do
		mkdir -p "$stage/vm/files" && cp "$t" "$stage/vm/files/" ||
			setup_fail "$(basename "$f") needs '$t', cannot copy it"
	done
	# Kernel modules a test needs, with their dependencies from modules.dep.
	for m in $(header "$f" modules); do
		re="/${m//[-_]/[-_]}\.ko(\.[a-z]+)?"
		grep -qE "$re\$" "$kdir/lib/modules/$krel/modules.builtin" && continue
		line=$(grep -E "$re:" "$kdir/lib/modules/$krel/modules.dep") ||
			setup_fail "$(basename "$f") needs module '$m', not in $krel"
		for ko in ${line/:/}; do
			mkdir -p "$stage/lib/modules/$krel/$(dirname "$ko")"
			cp "$kdir/lib/modules/$krel/$ko" "$stage/lib/modules/$krel/$ko" ||
				setup_fail "cannot copy module $ko"
		done
	done
done
if [ -d "$stage/lib/modules/$krel" ]; then
	cp "$kdir/lib/modules/$krel"/modules.{dep,alias,symbols,builtin,order} \
		"$stage/lib/modules/$krel/" 2>/dev/null
fi

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 \
	>"$work/initrd.gz" || setup_fail "cannot build the initramfs"

# ---- boot ---------------------------------------------------------------------------------------
console=$work/console.log
start=$SECONDS
for attempt in 1 2; do
	say "booting $krel under $qemu (TCG), ${#tests[@]} test(s), limit ${vm_timeout}s"
	# thread=single: multi-threaded TCG livelocked the guest in cross-vCPU code patching
	# (docs/testing-vm.md, "Guest soft lockups")
	timeout -k 5 "$vm_timeout" "$qemu" -accel tcg,thread=single -cpu max -smp 2 -m 1G -nographic \
		-no-reboot -kernel "$vmlinuz" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 ward_vm.verbose=${WARD_VM_VERBOSE:-0} ${WARD_VM_APPEND:-}" \
		</dev/null 2>&1 | sed -u 's/\r$//' | tee "$console" |
		sed -u -n 's/^WARD-VM-RESULT \([^ ]*\) \([A-Z]*\)/vm: \2 \1/p'
	qrc=${PIPESTATUS[0]}
	cp "$console" "$build/vm/console${WARD_VM_KERNEL:+-$kernel}.log"
	# A boot failure, not a test failure: nothing reached /init's first report.
	grep -q '^WARD-VM-RESULT ' "$console" && break
	[ "$attempt" = 1 ] && say "the guest reported nothing (qemu exit $qrc): booting again"
done

# ---- results ------------------------------------------------------------------------------------
pass=0 fail=0 skip=0
for f in "${tests[@]}"; do
	name=$(basename "$f" .sh)
	status=$(sed -n "s/^WARD-VM-RESULT $name \([A-Z]*\).*/\1/p" "$console" | tail -n 1)
	case $status in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	FAIL) fail=$((fail + 1)) ;;
	*)
		fail=$((fail + 1))
		say "FAIL $name: no result from the guest"
		continue
		;;
	esac
	if grep -q "^WARD-VM-LOG-BEGIN $name\$" "$console"; then
		echo "---- guest output of $name ----"
		sed -n "/^WARD-VM-LOG-BEGIN $name\$/,/^WARD-VM-LOG-END $name\$/p" "$console" |
			sed '1d;$d'
		echo "---- end of $name ----"
	fi
done

if ! grep -q '^WARD-VM-DONE$' "$console"; then
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		say "FAIL: qemu killed after ${vm_timeout}s (WARD_VM_TIMEOUT)"
	else
		say "FAIL: the guest did not finish (qemu exit $qrc)"
	fi
	echo "---- last 40 console lines (all: $build/vm/console${WARD_VM_KERNEL:+-$kernel}.log) ----"
	tail -n 40 "$console"
	echo "----"
	[ "$fail" -gt 0 ] || fail=1
fi
say "finished in $((SECONDS - start))s"
record "$pass" "$fail" "$skip"
[ "$fail" -eq 0 ]
