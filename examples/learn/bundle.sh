#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# bundle.sh: write a runc bundle (DIR/config.json) that runs ARG... in ROOTFS,
# optionally under a seccomp profile and a capability set exported by
# `ward profile export`. Used by the walkthrough (README.md) and by
# tests/integration/t-52-learn-*.sh.
#
# Usage: bundle.sh DIR ROOTFS [OPTION]... -- ARG...
#   --seccomp FILE      linux.seccomp from FILE (ward profile export --format oci-seccomp)
#   --caps FILE         process.capabilities from FILE (--format oci-caps)
#   --caps-list JSON    process.capabilities: bounding/effective/permitted = JSON array
#   --add-cap CAP       add CAP to every set (after --caps / --caps-list)
#   --netns PATH        join this network namespace (e.g. /proc/PID/ns/net)
#   --bind SRC:DST      bind-mount host SRC read-write at DST
#   --bind-ro SRC:DST   the same, read-only
#
# The root filesystem is read-only, /tmp a private tmpfs; the rest is what
# `runc spec` writes (root user, its own namespaces, no seccomp filter).
set -eu -o pipefail

usage() {
	sed -n '/^# Usage:/,/^# `runc spec`/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

[ $# -ge 2 ] || usage
dir=$1 rootfs=$2
shift 2
sc=null caps=null netns= add='[]' mounts='[]'
while [ $# -gt 0 ]; do
	case $1 in
	--seccomp) sc=$(jq -c . "$2"); shift 2 ;;
	--caps) caps=$(jq -c '{bounding, effective, permitted}' "$2"); shift 2 ;;
	--caps-list) caps=$(jq -c '{bounding: ., effective: ., permitted: .}' <<<"$2"); shift 2 ;;
	--add-cap) add=$(jq -c --arg c "$2" '. + [$c]' <<<"$add"); shift 2 ;;
	--netns) netns=$2; shift 2 ;;
	--bind | --bind-ro)
		mounts=$(jq -c --arg src "${2%%:*}" --arg dst "${2#*:}" --arg ro "$1" \
			'. + [{destination: $dst, type: "bind", source: $src,
			       options: (["rbind"] + (if $ro == "--bind-ro" then ["ro"] else ["rw"] end))}]' \
			<<<"$mounts")
		shift 2
		;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] || usage
args='[]'
for a in "$@"; do
	args=$(jq -c --arg a "$a" '. + [$a]' <<<"$args")
done

mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && runc spec)
jq --arg root "$(realpath "$rootfs")" --argjson args "$args" --argjson sc "$sc" \
	--argjson caps "$caps" --argjson add "$add" --arg netns "$netns" --argjson mounts "$mounts" '
	.process.terminal = false
	| .process.args = $args
	| .root = {path: $root, readonly: true}
	| .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs",
		       options: ["nosuid", "nodev", "mode=1777"]}] + $mounts
	| if $sc != null then .linux.seccomp = $sc else . end
	| if $caps != null then .process.capabilities = $caps else . end
	| .process.capabilities |= with_entries(.value = ((.value + $add) | unique))
	| if $netns != "" then
		.linux.namespaces |= map(if .type == "network" then .path = $netns else . end)
	  else . end' "$tmp/config.json" >"$dir/config.json"
