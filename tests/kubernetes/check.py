#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""deploy/kubernetes/ without a cluster (no kubectl here): the manifests parse, name what
they use, and the generated ones are what scripts/k8s-manifests.py makes (the ConfigMaps
hold the bytes of deploy/kubernetes/config/ward.yaml and policies/*.yaml); the DaemonSet mounts
every runtime state directory engine/attribution/container.c reads; the
CustomResourceDefinitions are structural apiextensions.k8s.io/v1 schemas; and the CRD
schemas and `rulesc check` agree: every ward.dev/v1 document of policies/, examples/, the
valid rulesc cases (tests/data/rulesc) and the valid profile fixtures (tests/data/profiles)
validates, every document of tests/data/crd-invalid/ is refused by both (rulesc: exit 3).

Validation is the API server's, with python3-jsonschema: the CRD's schema with unknown
fields refused (kubectl's strict field validation; the server would prune them otherwise)
and metadata checked as ObjectMeta. ward's file-only metadata keys (description, override:
docs/kubernetes.md) have no place in a cluster object: a valid case that uses them is
checked without its description, and an override document not at all.

  tests/kubernetes/check.py        (from the repository root; BUILD, RULESC as for make)

Records "PASSED FAILED SKIPPED" in $BUILD/test-results/kubernetes. About 2 s."""
import copy
import glob
import os
import re
import subprocess
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:
    print("SKIP: %s (make deps: python3-jsonschema, python3-yaml)" % e)
    sys.exit(77)

BUILD = os.environ.get("BUILD", "build")
RULESC = os.environ.get("RULESC", os.path.join(BUILD, "rulesc"))
K8S = "deploy/kubernetes"
GEN = "scripts/k8s-manifests.py"
API = "ward.dev/v1"
# Every kind rulesc reads (rulesc/parse.c, kind_doc_names).
KINDS = ["Policy", "List", "Macro", "Profile", "PolicyTest"]
# ObjectMeta's fields (k8s.io/apimachinery meta/v1): what a cluster object's metadata may hold.
OBJECT_META = {"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
               "generation", "creationTimestamp", "deletionTimestamp",
               "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences",
               "finalizers", "managedFields"}
# Not mounted by the DaemonSet, with the reason (container.c's sources[] otherwise all are).
NOT_MOUNTED = {
    "run/user/": "rootless runtimes' state: not how a Kubernetes node runs containers",
    "run/containerd/io.containerd.runtime.v1.linux/":
        "containerd's v1 shim: deprecated in containerd 1.4, removed in 2.0",
}

passed = failed = 0


def ok(what):
    global passed
    passed += 1
    print("ok: " + what)


def bad(what):
    global failed
    failed += 1
    print("FAIL: " + what)


def check(cond, what, why=""):
    if cond:
        ok(what)
    else:
        bad(what + (": " + why if why else ""))
    return cond


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


# ---- the manifests -----------------------------------------------------------------------

def manifests():
    docs = {}
    for path in sorted(glob.glob(K8S + "/*.yaml")):
        try:
            docs[path] = load_all(path)
        except yaml.YAMLError as e:
            bad("%s parses: %s" % (path, e))
            continue
        problems = [d for d in docs[path] if not (
            isinstance(d, dict) and d.get("apiVersion") and d.get("kind")
            and (d["kind"] == "Kustomization" or d.get("metadata", {}).get("name")))]
        check(not problems, "%s: %d documents, each with apiVersion, kind and a name" %
              (path, len(docs[path])), "not so: %s" % problems[:1])
    kust = docs.get(K8S + "/kustomization.yaml", [{}])[0]
    listed = {os.path.join(K8S, r) for r in kust.get("resources", [])}
    others = set(docs) - {K8S + "/kustomization.yaml"}
    check(listed == others, "kustomization.yaml lists every manifest",
          "listed %s, present %s" % (sorted(listed), sorted(others)))
    objs = [d for path in others for d in docs.get(path, [])]
    by_kind = {}
    for d in objs:
        by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
        if d["kind"] not in ("Namespace", "CustomResourceDefinition", "ClusterRole"):
            check(d["metadata"].get("namespace") == "ward-system",
                  "%s %s is in ward-system" % (d["kind"], d["metadata"]["name"]))
    return by_kind


def generated():
    want = subprocess.run([sys.executable, GEN, "crd"], check=True, capture_output=True,
                          text=True).stdout
    with open(K8S + "/crd.yaml", encoding="utf-8") as f:
        check(f.read() == want, "crd.yaml is what `%s crd` makes" % GEN,
              "run make k8s-manifests")
    pols = sorted(glob.glob("policies/*.yaml"))
    want = subprocess.run([sys.executable, GEN, "configmap", K8S + "/config/ward.yaml"] + pols,
                          check=True, capture_output=True, text=True).stdout
    with open(K8S + "/configmap.yaml", encoding="utf-8") as f:
        check(f.read() == want, "configmap.yaml is what `%s configmap` makes" % GEN,
              "run make k8s-manifests")
    cms = {d["metadata"]["name"]: d.get("data", {}) for d in load_all(K8S + "/configmap.yaml")}
    with open(K8S + "/config/ward.yaml", encoding="utf-8") as f:
        check(cms.get("ward-config") == {"ward.yaml": f.read()},
              "ConfigMap ward-config holds deploy/kubernetes/config/ward.yaml, byte for byte")
    files = {}
    for p in pols:
        with open(p, encoding="utf-8") as f:
            files[os.path.basename(p)] = f.read()
    check(cms.get("ward-policies") == files,
          "ConfigMap ward-policies holds policies/*.yaml, byte for byte (%d files)" % len(files))
    return cms


def daemonset(by_kind, cms):
    ds = by_kind.get("DaemonSet", {}).get("ward")
    if not check(ds is not None, "a DaemonSet ward"):
        return
    pod = ds["spec"]["template"]["spec"]
    ctr = pod["containers"][0]
    check(pod.get("hostPID") is True, "the DaemonSet runs in the host's pid namespace")
    check(pod.get("automountServiceAccountToken") is False and
          pod.get("serviceAccountName") in by_kind.get("ServiceAccount", {}),
          "its ServiceAccount exists and no token is mounted (ward reads no API)")
    sc = ctr["securityContext"]
    check(sc.get("privileged") is False and sc["capabilities"].get("drop") == ["ALL"] and
          {"BPF", "PERFMON", "SYS_ADMIN"} <= set(sc["capabilities"]["add"]),
          "not privileged: all capabilities dropped, BPF, PERFMON, SYS_ADMIN among the added")
    vols = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m for m in ctr["volumeMounts"]}
    check({m["name"] for m in mounts.values()} == set(vols),
          "every volume is mounted and every mount has a volume")
    for v in vols.values():
        if "configMap" in v:
            check(v["configMap"]["name"] in cms,
                  "volume %s: ConfigMap %s exists" % (v["name"], v["configMap"]["name"]))
        if "hostPath" in v:
            mpath = next(m for m, d in mounts.items() if d["name"] == v["name"])
            check(v["hostPath"]["path"] == mpath,
                  "host path %s mounted at the same path" % v["hostPath"]["path"])
    args = ctr.get("args", [])
    cfg = args[args.index("--config") + 1] if "--config" in args else "/etc/ward/ward.yaml"
    ward_cfg = yaml.safe_load(cms["ward-config"]["ward.yaml"])
    check(os.path.dirname(cfg) in mounts and
          mounts[os.path.dirname(cfg)]["name"] == "config" and
          ward_cfg.get("policy") in mounts and mounts[ward_cfg["policy"]]["name"] == "policies",
          "ward.yaml at %s, its policy directory %s: both from their ConfigMaps" %
          (cfg, ward_cfg.get("policy")))
    # The runtimes' state: each glob of container.c's sources[] below a mount.
    with open("engine/attribution/container.c", encoding="utf-8") as f:
        src = f.read()
    table = src[src.index("} sources[] = {"):]
    table = table[:table.index("};")]
    patterns = re.findall(r'\{ "([^"]+)"', table)
    check(len(patterns) >= 10, "%d runtime state globs in container.c" % len(patterns))
    for pat in patterns:
        fixed = "/" + (pat[:pat.index("*")] if "*" in pat else os.path.dirname(pat) + "/")
        reason = next((r for p, r in NOT_MOUNTED.items() if pat.startswith(p)), None)
        if reason:
            ok("/%s: not mounted (%s)" % (pat, reason))
            continue
        m = [p for p in mounts if fixed.startswith(p.rstrip("/") + "/")]
        check(m and mounts[m[0]].get("readOnly") is True,
              "/%s: below the read-only mount %s" % (pat, m[0] if m else "(none)"))


# ---- the CRDs: structural schemas ----------------------------------------------------------

# What may appear inside anyOf/oneOf/allOf/not of a structural schema (value validations).
IN_JUNCTOR_BANNED = {"type", "additionalProperties", "default", "nullable", "description",
                     "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string",
                     "x-kubernetes-embedded-resource"}


def structural(node, path, errs, in_junctor=False):
    if not isinstance(node, dict):
        errs.append("%s: not a schema" % path)
        return
    if in_junctor:
        for k in IN_JUNCTOR_BANNED & set(node):
            errs.append("%s: %s inside anyOf/oneOf/allOf/not" % (path, k))
    elif not ("type" in node or node.get("x-kubernetes-int-or-string") or
              node.get("x-kubernetes-preserve-unknown-fields")):
        errs.append("%s: no type" % path)
    if "properties" in node and "additionalProperties" in node:
        errs.append("%s: properties and additionalProperties together" % path)
    if node.get("additionalProperties") is False:
        errs.append("%s: additionalProperties: false (not allowed in v1)" % path)
    if node.get("x-kubernetes-int-or-string"):
        branches = node.get("anyOf", [])
        if [b.get("type") for b in branches] != ["integer", "string"] or \
                any(set(b) != {"type"} for b in branches):
            errs.append("%s: int-or-string must be anyOf [{type: integer}, {type: string}]"
                        % path)
    for k, sub in node.get("properties", {}).items():
        structural(sub, path + "." + k, errs, in_junctor)
    if isinstance(node.get("additionalProperties"), dict):
        structural(node["additionalProperties"], path + ".*", errs, in_junctor)
    if "items" in node:
        structural(node["items"], path + "[]", errs, in_junctor)
    for j in ("anyOf", "oneOf", "allOf"):
        for i, sub in enumerate(node.get(j, [])):
            if node.get("x-kubernetes-int-or-string") and j == "anyOf":
                continue
            structural(sub, "%s.%s[%d]" % (path, j, i), errs, True)
    if "not" in node:
        structural(node["not"], path + ".not", errs, True)


def crds(by_kind):
    schemas = {}
    for name, d in sorted(by_kind.get("CustomResourceDefinition", {}).items()):
        s = d["spec"]
        n = s["names"]
        check(name == "%s.%s" % (n["plural"], s["group"]) and s["group"] == "ward.dev" and
              n["listKind"] == n["kind"] + "List" and n["singular"] == n["kind"].lower() and
              s["scope"] in ("Cluster", "Namespaced"),
              "CRD %s: named <plural>.<group>, names consistent" % name)
        vers = s["versions"]
        check(len([v for v in vers if v.get("storage")]) == 1 and all(v["served"] for v in vers)
              and [v["name"] for v in vers] == ["v1"], "CRD %s: v1, served and stored" % name)
        schema = vers[0]["schema"]["openAPIV3Schema"]
        errs = []
        structural(schema, n["kind"], errs)
        meta = schema["properties"].get("metadata", {})
        if set(meta.get("properties", {})) - {"name", "generateName"} or \
                set(meta) - {"type", "properties"}:
            errs.append("metadata: restrictions beyond name and generateName")
        check(not errs, "CRD %s: a structural schema" % name, "; ".join(errs[:5]))
        schemas[n["kind"]] = schema
    check(sorted(schemas) == sorted(KINDS), "a CRD for every kind rulesc reads (%s)" %
          ", ".join(KINDS), "CRDs for %s" % sorted(schemas))
    return schemas


# ---- the CRDs against rulesc ---------------------------------------------------------------

def strict(node):
    """The schema as the API server applies it under strict field validation: an object's
    fields are the ones its schema names (metadata's are ObjectMeta's: api_errors())."""
    if isinstance(node, dict):
        # the skeleton only: anyOf/oneOf/allOf/not hold value validations, no fields
        node = {k: (v if (k == "metadata" and "type" in v) or
                    k in ("anyOf", "oneOf", "allOf", "not") else strict(v))
                for k, v in node.items()}
        if "properties" in node and "additionalProperties" not in node and \
                not node.get("x-kubernetes-preserve-unknown-fields"):
            node["additionalProperties"] = False
    elif isinstance(node, list):
        node = [strict(v) for v in node]
    return node


def api_errors(validators, doc):
    """Why the API server would refuse doc, or [] (it takes it)."""
    if not isinstance(doc, dict):
        return ["not an object"]
    if doc.get("apiVersion") != API:
        return ["apiVersion %r is not %s" % (doc.get("apiVersion"), API)]
    v = validators.get(doc.get("kind"))
    if v is None:
        return ["no CRD for kind %r" % doc.get("kind")]
    errs = ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)
            for e in v.iter_errors(doc)]
    meta = doc.get("metadata")
    if isinstance(meta, dict):
        errs += ["metadata.%s: not an ObjectMeta field" % k for k in set(meta) - OBJECT_META]
        if not meta.get("name"):
            errs.append("metadata.name: an object needs a name")
        for k in ("labels", "annotations"):
            m = meta.get(k)
            if m is not None and not (isinstance(m, dict) and
                                      all(isinstance(x, str) for x in m.values())):
                errs.append("metadata.%s: not a map of strings" % k)
    return errs


def rulesc_check(path):
    r = subprocess.run([RULESC, "check", path], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def ward_docs(path):
    try:
        return [d for d in load_all(path) if isinstance(d, dict) and d.get("apiVersion") == API]
    except (yaml.YAMLError, UnicodeDecodeError):
        return []  # rulesc's syntax and encoding cases


def valid_documents(validators):
    # What rulesc checks as one (a directory's lists serve its policies), and whether it
    # must be valid (shipped) or is a case of another suite (checked here when valid).
    units = [("policies", True)]
    units += [(p, True) for p in sorted(glob.glob("examples/**/*.yaml", recursive=True))]
    units += [(p, False) for p in sorted(glob.glob("tests/data/profiles/*.yaml"))]
    units += [(p, False) for p in sorted(glob.glob("tests/data/rulesc/[0-9]*"))
              if not p.endswith((".expected", ".dump"))]
    n_docs = 0
    for unit, shipped in units:
        files = sorted(glob.glob(unit + "/**/*.yaml", recursive=True)) \
            if os.path.isdir(unit) else [unit]
        docs = [(f, d) for f in files for d in ward_docs(f)]
        if not docs:
            continue
        rc, out = rulesc_check(unit)
        if shipped:
            if not check(rc == 0, "%s: rulesc accepts it" % unit, out.strip()[-300:]):
                continue
        elif rc != 0:
            continue  # an invalid case of the rulesc or profile suites
        for i, (path, d) in enumerate(docs):
            meta = d.get("metadata") if isinstance(d.get("metadata"), dict) else {}
            if "override" in meta:
                continue  # a file's merge step, no cluster object
            if "description" in meta:
                d = copy.deepcopy(d)
                del d["metadata"]["description"]
            errs = api_errors(validators, d)
            n_docs += 1
            check(not errs, "%s, document %d (%s %s): the CRD accepts it" %
                  (path, i + 1, d.get("kind"), meta.get("name")), "; ".join(errs[:3]))
    check(n_docs >= 20, "%d valid documents validated" % n_docs)


def invalid_documents(validators):
    files = sorted(glob.glob("tests/data/crd-invalid/*.yaml"))
    check(len(files) >= 10, "%d invalid documents in tests/data/crd-invalid" % len(files))
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        why = [l[2:].strip() for l in text.splitlines() if l.startswith("# ")]
        check(bool(why), "%s says why it is invalid" % path)
        rc, out = rulesc_check(path)
        check(rc == 3, "%s: rulesc check refuses it (exit 3)" % path,
              "exit %d: %s" % (rc, out.strip()[-300:]))
        docs = [d for d in load_all(path) if isinstance(d, dict)]
        # the document under test is the last; earlier ones (a List it names) are valid
        for d in docs[:-1]:
            check(not api_errors(validators, d), "%s: its helper %s validates" %
                  (path, d.get("kind")))
        errs = api_errors(validators, docs[-1]) if docs else ["no document"]
        check(bool(errs), "%s: the CRD refuses it (%s)" % (path, "; ".join(errs[:2])),
              "accepted")


def main():
    by_kind = manifests()
    cms = generated()
    daemonset(by_kind, cms)
    schemas = crds(by_kind)
    if not os.access(RULESC, os.X_OK):
        bad("%s missing: make build/rulesc" % RULESC)
    else:
        validators = {}
        for kind, schema in schemas.items():
            s = strict(schema)
            jsonschema.Draft4Validator.check_schema(s)
            validators[kind] = jsonschema.Draft4Validator(s)
        valid_documents(validators)
        invalid_documents(validators)
    results = os.path.join(BUILD, "test-results")
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, "kubernetes"), "w") as f:
        f.write("%d %d 0\n" % (passed, failed))
    print("kubernetes: %d passed, %d failed, 0 skipped" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
