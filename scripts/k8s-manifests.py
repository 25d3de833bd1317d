#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The generated Kubernetes manifests of deploy/kubernetes/ (make k8s-manifests):

  k8s-manifests.py crd                          > deploy/kubernetes/crd.yaml
  k8s-manifests.py configmap WARD_YAML POLICY... > deploy/kubernetes/configmap.yaml

crd: one CustomResourceDefinition per kind rulesc reads (rulesc/parse.c, docs/rules.md:
Policy, Profile, List, Macro, PolicyTest), group ward.dev, version v1, cluster-scoped,
whose openAPIV3Schema accepts the documents rulesc accepts, as far as a schema can say
(docs/kubernetes.md lists what only rulesc checks). The blocks rules, macros and profiles
share are written once here. The schemas are structural (apiextensions.k8s.io/v1): every
node typed, no additionalProperties beside properties, value validations only inside
anyOf/oneOf/not; tests/kubernetes/check.py checks that and validates documents.

configmap: the ConfigMaps ward-config (ward.yaml) and ward-policies (one key per policy
file), the files' bytes as they are, so the pod reads what policies/ holds."""
import os
import sys

import yaml

GROUP = "ward.dev"
VERSION = "v1"
NAMESPACE = "ward-system"

# rulesc/vocab.c and rulesc/parse.c's tables
ACTIONS = ["allow", "alert", "block"]
MODES = ["audit", "enforce"]
SEVERITIES = ["info", "low", "medium", "high", "critical"]
ACCESS = ["read", "write", "create", "unlink", "rename", "chmod", "chown", "exec", "truncate"]
PROTOCOLS = ["tcp", "udp"]
SOCKETS = ["raw", "packet"]
CLASSES = ["exec", "file", "network", "capabilities", "syscalls"]
PLACEHOLDERS = ["process.exe", "process.pid", "process.uid", "process.parent_exe",
                "container.name", "container.image", "container.id", "object", "rule.name",
                "policy.name"]

# Patterns: RE2 (the API server's Go regexp) and Python's re read them alike.
NAME = "[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?"
LIST_REF = "@" + NAME
# A path component that is not "." or "..".
COMP = r"([^/.][^/]*|\.[^/.][^/]*|\.\.[^/]+)"
DCOMP = r"([^/.*?\[][^/*?\[]*|\.[^/.*?\[][^/*?\[]*|\.\.[^/*?\[]+)"  # no wildcards
FILE_PATH = "/+(%s/+)*%s" % (DCOMP, COMP)           # wildcards in the last component only
DIR_PATH = "/+(%s/+)*(%s/*)?" % (DCOMP, DCOMP)      # "/" is the root
PORT = "[0-9]+(-[0-9]+)?"
CIDR = r"[0-9a-fA-F:.]+(/[0-9]+)?"


def anchored(*alternatives):
    return "^(%s)$" % "|".join(alternatives)


def string(**kw):
    return dict({"type": "string"}, **kw)


def items(item):
    """A list rulesc reads with get_items(): strings, "@list" references among them."""
    return {"type": "array", "minItems": 1, "items": item}


def obj(properties, required=None, **kw):
    o = {"type": "object", "properties": properties}
    if required:
        o["required"] = required
    o.update(kw)
    return o


def one_of_keys(keys):
    return [{"required": [k]} for k in keys]


def paths(pattern):
    return items(string(pattern=anchored(pattern, LIST_REF)))


def exec_block():
    return obj({
        "paths": paths(FILE_PATH),
        "dirs": paths(DIR_PATH),
        "recursive": {"type": "boolean"},
        "fromSource": paths("%s|%s" % (FILE_PATH, DIR_PATH)),
        "stdio": string(enum=["socket", "terminal"]),
    }, anyOf=one_of_keys(["paths", "dirs"]),
        # 'recursive' only applies to dirs
        allOf=[{"anyOf": [{"not": {"required": ["recursive"]}}, {"required": ["dirs"]}]}])


def file_block():
    return obj({
        "paths": paths(FILE_PATH),
        "dirs": paths(DIR_PATH),
        "names": items(string(pattern=anchored(r"[^/*?\[]+", LIST_REF), maxLength=255)),
        "recursive": {"type": "boolean"},
        "access": {"type": "array", "minItems": 1, "items": string(enum=ACCESS)},
        "readOnly": {"type": "boolean", "enum": [True]},
        "fromSource": paths("%s|%s" % (FILE_PATH, DIR_PATH)),
    }, anyOf=one_of_keys(["paths", "dirs", "names"]),
        oneOf=one_of_keys(["access", "readOnly"]),
        allOf=[{"anyOf": [{"not": {"required": ["recursive"]}}, {"required": ["dirs"]}]}])


def net_match():
    addresses = ["cidrs", "ports", "protocols"]
    return obj({
        "cidrs": items(string(pattern=anchored(CIDR, LIST_REF))),
        # 80 or "8000-8100": an int-or-string, its validations applying to one type each
        "ports": items({"x-kubernetes-int-or-string": True,
                        "anyOf": [{"type": "integer"}, {"type": "string"}],
                        "minimum": 1, "maximum": 65535,
                        "pattern": anchored(PORT, LIST_REF)}),
        "protocols": items(string(pattern=anchored("|".join(PROTOCOLS), LIST_REF))),
        "unix": paths(FILE_PATH),
    }, oneOf=[
        # unix sockets, or addresses: not both, not neither
        {"required": ["unix"], "not": {"anyOf": one_of_keys(addresses)}},
        {"not": {"required": ["unix"]}, "anyOf": one_of_keys(addresses)},
    ])


def network_block():
    return obj({
        "connect": net_match(),
        "bind": net_match(),
        "sockets": {"type": "array", "minItems": 1, "items": string(enum=SOCKETS)},
    }, anyOf=one_of_keys(["connect", "bind", "sockets"]))


def names_block(what):
    return obj({"names": items(string(pattern=anchored("[A-Za-z0-9_]+", LIST_REF),
                                      description=what))}, required=["names"])


def resources():
    return {
        "exec": exec_block(),
        "file": file_block(),
        "network": network_block(),
        "capabilities": names_block("capabilities(7) names: CAP_SYS_ADMIN or sys_admin"),
        "syscalls": names_block("x86_64 syscall names (libseccomp)"),
    }


def message():
    return string(pattern="^([^{]|\\{(%s)\\})*$" % "|".join(
        p.replace(".", "\\.") for p in PLACEHOLDERS))


def rule():
    r = resources()
    props = {
        "name": string(pattern=anchored(NAME)),
        "description": string(),
        "use": string(description="a Macro's name"),
        "action": string(enum=ACTIONS),
        "mode": string(enum=MODES),
        "severity": string(enum=SEVERITIES),
        "tags": items(string()),
        "message": message(),
    }
    props.update(r)
    return obj(props, required=["name", "action"],
               oneOf=one_of_keys(CLASSES + ["use"]),
               # syscall rules only alert (or allow)
               anyOf=[{"not": {"required": ["syscalls"]}},
                      {"properties": {"action": {"enum": ["allow", "alert"]}}}])


def selector():
    return obj({
        "host": {"type": "boolean", "enum": [True]},
        "containers": items(string()),
        "images": items(string()),
        "labels": {"type": "object", "minProperties": 1,
                   "additionalProperties": string()},
    }, minProperties=1,
        # host: true stands alone
        anyOf=[{"not": {"required": ["host"]}}, {"maxProperties": 1}])


def defaults():
    props = {c: string(enum=ACTIONS) for c in CLASSES}
    props["syscalls"] = string(enum=["allow", "alert"])
    return obj(props)


def policy_spec():
    return obj({
        "selector": selector(),
        "mode": string(enum=MODES),
        "defaults": defaults(),
        "rules": {"type": "array", "items": rule()},
    }, required=["selector", "mode", "defaults", "rules"])


def profile_spec():
    props = {
        "selector": selector(),
        "mode": string(enum=MODES),
        "posture": string(enum=["alert", "block"]),
        "provenance": obj({
            "learnedAt": string(),
            "duration": string(),
            "events": {"type": "integer", "minimum": 0},
            "containers": items(string()),
        }, required=["learnedAt", "duration", "events", "containers"]),
    }
    for cls, block in resources().items():
        props[cls] = {"type": "array", "items": block}
    return obj(props, required=["selector", "mode", "posture", "provenance"])


def list_spec():
    return obj({"items": {"type": "array",
                          "items": string(pattern="^([^@].*)?$",
                                          description="lists do not reference lists")}},
               required=["items"])


def macro_spec():
    return obj(resources(), oneOf=one_of_keys(CLASSES))


def test_spec():
    do_verbs = ["exec", "open", "connect", "bind", "socket", "capability", "syscall"]
    do = obj({
        "exec": string(pattern="^/"),
        "open": string(pattern="^/"),
        "access": string(enum=ACCESS),
        "connect": string(),
        "bind": string(),
        "protocol": string(enum=PROTOCOLS),
        "socket": string(enum=SOCKETS),
        "capability": string(),
        "syscall": string(),
        "parent": string(pattern="^(/.*|[^/]+)$"),
        "stdio": string(enum=["socket", "terminal"]),
    }, oneOf=one_of_keys(do_verbs), allOf=[
        {"anyOf": [{"not": {"required": ["access"]}}, {"required": ["open"]}]},
        {"anyOf": [{"not": {"required": ["open"]}}, {"required": ["access"]}]},
        {"anyOf": [{"not": {"required": ["stdio"]}}, {"required": ["exec"]}]},
        {"anyOf": [{"not": {"required": ["protocol"]}}, {"required": ["connect"]},
                   {"required": ["bind"]}]},
    ])
    case = obj({
        "name": string(),
        "container": obj({
            "name": string(),
            "image": string(),
            "labels": {"type": "object", "minProperties": 1,
                       "additionalProperties": string()},
        }, required=["name"]),
        "host": {"type": "boolean", "enum": [True]},
        "do": do,
        "expect": string(enum=ACTIONS),
        "rule": string(),
    }, required=["name", "do", "expect"], oneOf=one_of_keys(["container", "host"]))
    return obj({"cases": {"type": "array", "items": case}}, required=["cases"])


KINDS = [
    # kind, plural, short names, spec, what it is
    ("Policy", "policies", ["wardpol"], policy_spec,
     "ward policy: a selector, a mode, defaults and rules (docs/rules.md)"),
    ("Profile", "profiles", ["wardprof"], profile_spec,
     "ward profile: a learned allowlist (docs/profiles.md)"),
    ("List", "lists", ["wardlist"], list_spec,
     "ward list: items that rules name as @NAME (docs/rules.md)"),
    ("Macro", "macros", ["wardmacro"], macro_spec,
     "ward macro: a resource block that rules use (docs/rules.md)"),
    ("PolicyTest", "policytests", ["wardtest"], test_spec,
     "ward policy test: cases and their expected decisions (docs/rules.md)"),
]


def crd(kind, plural, short, spec, what):
    schema = obj({
        "apiVersion": string(),
        "kind": string(),
        # a CRD may restrict only metadata.name (and generateName)
        "metadata": obj({"name": string(pattern=anchored(NAME), maxLength=63)}),
        "spec": spec(),
    }, required=["spec"], description=what)
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "%s.%s" % (plural, GROUP),
                     "labels": {"app.kubernetes.io/name": "ward"}},
        "spec": {
            "group": GROUP,
            "scope": "Cluster",
            "names": {"kind": kind, "listKind": kind + "List", "plural": plural,
                      "singular": kind.lower(), "shortNames": short,
                      "categories": ["ward"]},
            "versions": [{"name": VERSION, "served": True, "storage": True,
                          "schema": {"openAPIV3Schema": schema}}],
        },
    }


class Dumper(yaml.SafeDumper):
    """No anchors and aliases for the lists the schemas share: each CRD stands alone."""

    def ignore_aliases(self, data):
        return True


def emit_crd(out):
    out.write("# Generated by scripts/k8s-manifests.py crd (make k8s-manifests): do not edit.\n"
              "# ward's documents as cluster objects, the API server checking them the way\n"
              "# rulesc does (docs/kubernetes.md); tests/kubernetes/check.py holds the two to\n"
              "# the same verdicts.\n")
    for i, k in enumerate(KINDS):
        if i:
            out.write("---\n")
        yaml.dump(crd(*k), out, Dumper=Dumper, sort_keys=False, width=96)


def literal(text):
    """text as the block scalar of a key at indentation 2 that gives back exactly text."""
    if not text.endswith("\n"):
        chomp, body = "-", text
    elif text.endswith("\n\n"):
        chomp, body = "+", text[:-1]
    else:
        chomp, body = "", text[:-1]
    return "|2%s\n" % chomp + "".join(
        ("    " + line if line else "") + "\n" for line in body.split("\n"))


def configmap(name, files, out):
    out.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: %s\n"
              "  labels:\n    app.kubernetes.io/name: ward\ndata:\n" % (name, NAMESPACE))
    for key, path in files:
        with open(path, encoding="utf-8") as f:
            out.write("  %s: %s" % (key, literal(f.read())))


def emit_configmap(ward_yaml, policies, out):
    out.write("# Generated by scripts/k8s-manifests.py configmap (make k8s-manifests): do not\n"
              "# edit; tests/kubernetes/check.py checks that it holds the bytes of\n")
    for path in [ward_yaml] + policies:
        out.write("#   %s\n" % path)
    configmap("ward-config", [("ward.yaml", ward_yaml)], out)
    out.write("---\n")
    configmap("ward-policies", [(os.path.basename(p), p) for p in policies], out)


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "crd":
        emit_crd(sys.stdout)
    elif len(sys.argv) >= 4 and sys.argv[1] == "configmap":
        emit_configmap(sys.argv[2], sys.argv[3:], sys.stdout)
    else:
        sys.exit("usage: k8s-manifests.py crd | configmap WARD_YAML POLICY...")


if __name__ == "__main__":
    main()
