#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward learn on a live 32-bit workload: a static i386 program (built here,
# no C library: int $0x80 syscalls) as a runc container's entrypoint. The
# profile lists its syscalls under the i386 ABI with their i386 names
# (number 4 is write there, stat on x86_64; getuid32 exists only there), and
# the seccomp export names the x86 architecture besides x86_64.
. "$(dirname "$0")/lib.sh"
wardit_setup

[ "$(uname -m)" = x86_64 ] || skip "the i386 compat ABI is an x86_64 thing"
command -v gcc >/dev/null || skip "gcc not installed (make deps)"
mkdir -p "$TDIR/bin" || fail "mkdir bin"
cat >"$TDIR/i386.c" <<'EOF'
/* i386 syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl) */
#define NR_write 4
#define NR_getuid32 199
#define NR_exit_group 252

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

void _start(void)
{
	static const char msg[] = "i386 done\n";

	if (sys3(NR_getuid32, 0, 0, 0) == 0)
		sys3(NR_write, 1, (long)msg, sizeof(msg) - 1);
	sys3(NR_exit_group, 0, 0, 0);
	for (;;)
		;
}
EOF
gcc -m32 -nostdlib -static -ffreestanding -fno-pie -no-pie -O2 -o "$TDIR/bin/i386" \
	"$TDIR/i386.c" 2>"$TDIR/gcc.err" || fail "gcc -m32 cannot build the program: $(cat "$TDIR/gcc.err")"
# The host kernel must run it (IA32 emulation), or there is nothing to learn.
out=$("$TDIR/bin/i386" 2>&1)
[ "$out" = "i386 done" ] || skip "this kernel does not run i386 programs (IA32 emulation off): $out"

id=$(ctr_id i386)
"$BUNDLE" "$TDIR/$id.bundle" "$WARDIT_DIR/rootfs" --bind-ro "$TDIR/bin:/opt" -- /opt/i386 ||
	fail "bundle"
learn_start --container "$id" --duration 60 --converge 3 --output "$TDIR/i386.yaml"
WARDIT_CTRS+=("$id")
timeout -k 5 30 runc run --bundle "$TDIR/$id.bundle" "$id" </dev/null >"$TDIR/$id.out" 2>&1 ||
	fail "the container failed: $(cat "$TDIR/$id.out")"
check "the i386 program ran while learning" grep -qxF "i386 done" "$TDIR/$id.out"
learn_converged
ward_stop learn

learned_items "$TDIR/i386.yaml"
for sc in write getuid32 exit_group; do
	check "i386 $sc, named for its ABI" has syscalls "i386/$sc"
done
lacks() { ! has "$@"; }
check "  ... not as the x86_64 call of the same number (4: stat)" lacks syscalls "x86_64/stat"
check "the entrypoint, started by the runtime" \
	grep -qF '{\"exec\":\"/opt/i386\",\"parent\":\"\"}' "$TDIR/i386.yaml"
"$WARD" profile export --format oci-seccomp "$TDIR/i386.yaml" >"$TDIR/sc.json" ||
	fail "export oci-seccomp"
check "the seccomp export names the x86 architecture" \
	jq -e '.architectures | index("SCMP_ARCH_X86") != null' "$TDIR/sc.json"
check "  ... allows the i386 calls" jq -e '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW") |
	.names[]] | index("getuid32") != null' "$TDIR/sc.json"
"$WARD" seccomp check -o json "$TDIR/sc.json" >"$TDIR/sc.check" ||
	fail "the exported seccomp profile has errors: $(cat "$TDIR/sc.check")"
echo "PASS"
