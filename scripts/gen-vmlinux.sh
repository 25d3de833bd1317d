#!/bin/bash
# Regenerate bpf/lib/vmlinux.h (x86_64 kernel types for CO-RE) from a kernel's BTF.
# The header is checked in so the build does not depend on the build host's BTF;
# CO-RE relocations make the objects load on other kernels (tested on 6.1 and 6.18).
# Usage: scripts/gen-vmlinux.sh [BTF_FILE]   (default /sys/kernel/btf/vmlinux)
set -euo pipefail
btf=${1:-/sys/kernel/btf/vmlinux}
out=$(dirname "$0")/../bpf/lib/vmlinux.h
bpftool btf dump file "$btf" format c > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out from $btf"
