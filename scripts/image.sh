#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# ward's OCI image (make image), built with umoci and no registry: one layer on nothing
# (the static binary needs no base) holding
#   /usr/bin/ward                          the static binary (the default pack inside)
#   /usr/share/ward/policies/*.yaml        the default pack's sources, to read or copy
#   /usr/share/doc/ward/sbom.spdx.json     what is inside (scripts/image-sbom.py)
#   /run/ward/, /tmp/                      where ward server writes (empty)
# Config: entrypoint ward, cmd server, the OCI labels (org.opencontainers.image.*), the
# version the binary itself reports (`ward version -o json`), so the label cannot
# disagree with the binary. Times are the commit's (SOURCE_DATE_EPOCH if set), so a
# rebuild of one commit gives the same layer.
#
#   scripts/image.sh WARD POLICY_DIR OUT CC STATIC_LIB...
#
# OUT/ is the OCI image layout (tag: the version, OCI's tag charset), OUT.tar the same
# as an oci-archive (`skopeo copy oci-archive:OUT.tar ...`, `podman load -i OUT.tar`),
# OUT.spdx.json the SBOM beside it. Prints the image reference oci:OUT:TAG.
set -euo pipefail

ward=$1 policies=$2 out=$3 cc=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
for tool in umoci jq python3; do
	command -v "$tool" >/dev/null || { echo "image: $tool missing: make deps" >&2; exit 1; }
done

version=$("$ward" version -o json | jq -er .version)
tag=$(printf '%s' "$version" | tr -c 'A-Za-z0-9_.-' '_')
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$here/.." log -1 --format=%ct 2>/dev/null || date +%s)}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
revision=$(git -C "$here/.." rev-parse HEAD 2>/dev/null || echo unknown)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
install -D -m 0755 "$ward" "$root/usr/bin/ward"
install -d -m 0755 "$root/usr/share/ward/policies" "$root/usr/share/doc/ward" "$root/run/ward"
install -d -m 1777 "$root/tmp"
install -m 0644 "$policies"/*.yaml "$root/usr/share/ward/policies/"
python3 "$here/image-sbom.py" --version "$version" --created "$created" \
	--binary usr/bin/ward --cc "$cc" "$root" "$@" >"$stage/sbom.spdx.json"
install -m 0644 "$stage/sbom.spdx.json" "$root/usr/share/doc/ward/sbom.spdx.json"
find "$root" -exec touch -h -d "@$epoch" {} +

rm -rf "$out" "$out.tar" "$out.spdx.json"
umoci init --layout "$out"
umoci new --image "$out:$tag"
umoci insert --image "$out:$tag" --history.created "$created" \
	--history.created_by "scripts/image.sh" "$root" /
umoci config --image "$out:$tag" --created "$created" --history.created "$created" \
	--history.created_by "scripts/image.sh" --os linux --architecture amd64 \
	--config.env PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	--config.entrypoint ward --config.cmd server \
	--config.label org.opencontainers.image.title=ward \
	--config.label "org.opencontainers.image.description=eBPF security policy engine for containers" \
	--config.label org.opencontainers.image.version="$version" \
	--config.label org.opencontainers.image.revision="$revision" \
	--config.label org.opencontainers.image.created="$created" \
	--config.label org.opencontainers.image.licenses=Apache-2.0
umoci gc --layout "$out"
cp "$stage/sbom.spdx.json" "$out.spdx.json"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$out" -cf "$out.tar" .
echo "oci:$out:$tag"
