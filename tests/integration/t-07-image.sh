#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The OCI image of `make image` (scripts/image.sh): skopeo and umoci read the layout
# (entrypoint ward, cmd server, the version label the binary reports); its SBOM, in the
# image and beside it, lists exactly the files the unpacked image holds, with their
# sha256; its binary runs under runc from the bundle umoci unpacks. Under runc's default
# spec (no BPF capabilities) `ward --version` is build/ward's and `ward doctor -o json` is
# valid JSON that sees BTF but is refused BPF (EPERM) and says ward cannot run. As the
# DaemonSet runs it (deploy/kubernetes/daemonset.yaml: its capabilities, the host's pid
# namespace, its host paths, a read-only root) doctor's verdicts, program by program, are
# the host's: capabilities instead of privileged lose nothing. About 30 s (two doctor runs).
. "$(dirname "$0")/lib.sh"
wardit_setup
command -v umoci >/dev/null || skip "umoci not installed (make deps)"
command -v skopeo >/dev/null || skip "skopeo not installed (make deps)"
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml not installed (make deps)"

IMG=$WARDIT_ROOT/${BUILD:-build}/image
[ -f "$IMG/index.json" ] || fail "$IMG missing: make image"
tag=$(jq -er '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$IMG/index.json") ||
	fail "no tag in $IMG/index.json"
version=$("$WARD" version -o json | jq -r .version)

# ---- the layout ----------------------------------------------------------------
skopeo inspect "oci:$IMG:$tag" >"$TDIR/inspect.json" || fail "skopeo inspect oci:$IMG:$tag"
check "skopeo: the version label is build/ward's ($version), the tag is the version" \
	jq -e --arg v "$version" --arg t "$tag" '.Labels["org.opencontainers.image.version"] == $v
		and ($v | gsub("[^A-Za-z0-9_.-]"; "_")) == $t and .Os == "linux" and
		.Architecture == "amd64" and (.Layers | length) == 1' "$TDIR/inspect.json"
skopeo inspect --config "oci:$IMG:$tag" >"$TDIR/config.json" || fail "skopeo inspect --config"
check "image config: entrypoint [ward], cmd [server]" \
	jq -e '.config.Entrypoint == ["ward"] and .config.Cmd == ["server"]' "$TDIR/config.json"
umoci stat --json --image "$IMG:$tag" >"$TDIR/stat.json" || fail "umoci stat"
check "umoci stat: the layer's history says who made it" \
	jq -e '[.history[] | select(.empty_layer | not)] | length == 1 and
		.[0].created_by == "scripts/image.sh" and .[0].layer.digest != null' "$TDIR/stat.json"

# ---- unpacked: the files and the SBOM --------------------------------------------------
B=$TDIR/img.bundle
umoci unpack --image "$IMG:$tag" "$B" >/dev/null || fail "umoci unpack $IMG:$tag"
check "the SBOM in the image is the one beside it" \
	cmp "$B/rootfs/usr/share/doc/ward/sbom.spdx.json" "$IMG.spdx.json"
python3 - "$B/rootfs" "$IMG.spdx.json" "$WARDIT_ROOT/policies" <<'PY' || fail "SBOM"
import glob, hashlib, json, os, sys
root, sbom, policies = sys.argv[1:]
doc = json.load(open(sbom))
assert doc["spdxVersion"] == "SPDX-2.3" and doc["dataLicense"] == "CC0-1.0", "not SPDX 2.3"
listed = {f["fileName"][2:]: {c["algorithm"]: c["checksumValue"] for c in f["checksums"]}
          for f in doc["files"]}
present = {}
for top, dirs, names in os.walk(root):
    for n in names:
        p = os.path.join(top, n)
        present[os.path.relpath(p, root)] = hashlib.sha256(open(p, "rb").read()).hexdigest()
present.pop("usr/share/doc/ward/sbom.spdx.json")  # it cannot list itself
assert set(listed) == set(present), "listed %s, present %s" % (sorted(listed), sorted(present))
for p, h in present.items():
    assert listed[p]["SHA256"] == h, "%s: sha256 %s, listed %s" % (p, h, listed[p]["SHA256"])
pack = {"usr/share/ward/policies/" + os.path.basename(p) for p in glob.glob(policies + "/*.yaml")}
assert pack <= set(present), "the default pack's sources are not all in the image"
links = [r for r in doc["relationships"] if r["relationshipType"] == "STATIC_LINK"]
pkgs = {p["SPDXID"]: p for p in doc["packages"]}
assert any(pkgs[r["relatedSpdxElement"]]["name"] == "libbpf-dev" for r in links), \
    "no libbpf-dev among the statically linked packages"
print("ok: the SBOM lists the %d files of the image with their sha256 and %d statically "
      "linked Debian packages" % (len(present), len(links)))
PY

# ---- the binary under runc -------------------------------------------------------------
# bundle_set ID FILTER [JQ-OPTION...]: $TDIR/ID.bundle from the unpacked image, its
# config.json changed by FILTER.
bundle_set() {
	local id=$1 filter=$2
	shift 2
	mkdir -p "$TDIR/$id.bundle" || fail "mkdir $TDIR/$id.bundle"
	jq --arg root "$B/rootfs" "$@" '.process.terminal = false
		| .root = {path: $root, readonly: true} | '"$filter" \
		"$B/config.json" >"$TDIR/$id.bundle/config.json" || fail "writing $id's config.json"
}

V=$(ctr_id version)
bundle_set "$V" '.process.args = ["ward", "--version"]'
bundle_run "$V" || fail "ward --version in the image: $(cat "$TDIR/$V.bundle/log")"
check "ward --version in the image is build/ward's: $("$WARD" --version)" \
	[ "$(cat "$TDIR/$V.bundle/log")" = "$("$WARD" --version)" ]

D=$(ctr_id doctor)
bundle_set "$D" '.process.args = ["ward", "doctor", "-o", "json"]'
rc=0
bundle_run "$D" "$TDIR/doctor.err" || rc=$?
doc=$TDIR/$D.bundle/log
check "doctor -o json in a container of runc's defaults: valid JSON, schema 1" jq -e '.schema == 1' "$doc"
check "  ... exit 1: ward cannot run there (can_run false)" \
	jq -e --argjson rc $rc '$rc == 1 and .can_run == false' "$doc"
check "  ... the host's kernel ($(uname -r)), its BTF readable" \
	jq -e --arg k "$(uname -r)" '.kernel == $k and
		(.checks[] | select(.name == "btf") | .status == "OK")' "$doc"
check "  ... BPF refused (EPERM), capabilities missing" jq -e '
	(.checks[] | select(.name == "bpf_syscall") | .status == "FAIL" and .errno == "EPERM") and
	(.checks[] | select(.name == "privileges") | .status == "FAIL")' "$doc"

# As deploy/kubernetes/daemonset.yaml runs it: its capabilities (and no others; those this
# machine's own bounding set lacks cannot be granted here, and are named), the host's pid
# namespace, its host paths (those this host has), tmpfs for its emptyDirs.
python3 - "$WARDIT_ROOT/deploy/kubernetes/daemonset.yaml" >"$TDIR/ds.json" <<'PY' ||
import json, os, re, sys, yaml
pod = yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]
numbers = dict(re.findall(r"#define (CAP_[A-Z_]+)\s+(\d+)", open("/usr/include/linux/capability.h").read()))
bounding = int(re.search(r"CapBnd:\s*([0-9a-f]+)", open("/proc/self/status").read()).group(1), 16)
ctr = pod["containers"][0]
vols = {v["name"]: v for v in pod["volumes"]}
mounts = []
for m in ctr["volumeMounts"]:
    v = vols[m["name"]]
    if "hostPath" in v and os.path.isdir(v["hostPath"]["path"]):
        mounts.append({"destination": m["mountPath"], "type": "bind",
                       "source": v["hostPath"]["path"],
                       "options": ["rbind", "ro" if m.get("readOnly") else "rw"]})
    elif "emptyDir" in v:
        mounts.append({"destination": m["mountPath"], "type": "tmpfs", "source": "tmpfs",
                       "options": ["nosuid", "nodev"]})
sc = ctr["securityContext"]
caps = ["CAP_" + c for c in sc["capabilities"]["add"]]
absent = [c for c in caps if not bounding >> int(numbers[c]) & 1]
json.dump({"caps": [c for c in caps if c not in absent], "absent": absent, "mounts": mounts,
           "hostPID": pod.get("hostPID", False),
           "readonly": sc.get("readOnlyRootFilesystem", False)}, sys.stdout)
PY
	fail "reading deploy/kubernetes/daemonset.yaml"
[ "$(jq '.absent | length' "$TDIR/ds.json")" -eq 0 ] ||
	echo "note: $(jq -r '.absent | join(", ")' "$TDIR/ds.json") not in this machine's bounding set: left out"
K=$(ctr_id daemonset)
bundle_set "$K" '
	.process.args = ["ward", "doctor", "-o", "json"]
	| .process.capabilities = {bounding: $ds.caps, effective: $ds.caps, permitted: $ds.caps}
	| .root.readonly = $ds.readonly
	| if $ds.hostPID then .linux.namespaces |= map(select(.type != "pid")) else . end
	| .mounts = [.mounts[] | select(.destination != "/sys/fs/cgroup")] + $ds.mounts' \
	--argjson ds "$(cat "$TDIR/ds.json")"
rc=0
bundle_run "$K" "$TDIR/ds-doctor.err" || rc=$?
dsdoc=$TDIR/$K.bundle/log
jq -e .schema "$dsdoc" >/dev/null || fail "doctor as the DaemonSet runs it: no JSON: $(head -c 300 "$dsdoc") $(cat "$TDIR/ds-doctor.err")"
"$WARD" doctor -o json >"$TDIR/host-doctor.json" || fail "ward doctor on the host failed"
verdicts='{can_run, enforcement, trackers: (.trackers | map_values(.usable)),
	checks: [.checks[] | {name, status, errno}],
	programs: [.programs[] | {object, program, status}]}'
jq -S "$verdicts" "$TDIR/host-doctor.json" >"$TDIR/host.verdicts"
jq -S "$verdicts" "$dsdoc" >"$TDIR/ds.verdicts"
diff -u "$TDIR/host.verdicts" "$TDIR/ds.verdicts" >"$TDIR/verdicts.diff" ||
	fail "doctor as the DaemonSet runs it differs from the host's:
$(head -n 40 "$TDIR/verdicts.diff")"
check "doctor as the DaemonSet runs it (exit $rc): every check, tracker, enforcement level and program as on the host ($(jq '.programs | length' "$dsdoc") programs)" \
	jq -e '.can_run == true and ([.checks[] | select(.name == "bpf_syscall" or .name == "privileges")
		| .status] == ["OK", "OK"])' "$dsdoc"
echo "PASS"
