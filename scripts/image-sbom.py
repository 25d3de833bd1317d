#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The SBOM of ward's OCI image (scripts/image.sh): an SPDX 2.3 JSON document listing
every regular file of the image's root ROOT (path, size, SHA-256 and SHA-1), the
package ward, and the Debian packages whose static libraries the binary links (found
the way the linker finds them: CC -print-file-name=LIB, then dpkg -S; their versions
from dpkg), related to the binary by STATIC_LINK.

  image-sbom.py --version V --created T --binary usr/bin/ward --cc CC ROOT LIB.a... > FILE

The document's own path in the image (FILE) is not among the files: it cannot hold its
own checksum."""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys


def spdx_id(kind, name):
    return "SPDXRef-%s-%s" % (kind, re.sub(r"[^A-Za-z0-9.-]", "-", name).strip("-"))


def checksums(path):
    sha256, sha1 = hashlib.sha256(), hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha256.update(chunk)
            sha1.update(chunk)
    return sha256.hexdigest(), sha1.hexdigest()


def debian_package(cc, lib):
    """The Debian package (name, version) holding the static library lib."""
    path = subprocess.run([cc, "-print-file-name=" + lib], check=True, capture_output=True,
                          text=True).stdout.strip()
    if not os.path.isabs(path):
        sys.exit("image-sbom: %s: the compiler does not find it" % lib)
    owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True,
                           text=True)
    if owner.returncode:
        owner = subprocess.run(["dpkg", "-S", path], check=True, capture_output=True,
                               text=True)
    pkg = owner.stdout.split(":", 1)[0].strip()
    version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], check=True,
                             capture_output=True, text=True).stdout
    return pkg, version


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", required=True)
    ap.add_argument("--created", required=True)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("root")
    ap.add_argument("libs", nargs="*")
    a = ap.parse_args()

    files, listing = [], []
    for top, dirs, names in os.walk(a.root):
        dirs.sort()
        for n in sorted(names):
            path = os.path.join(top, n)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            rel = os.path.relpath(path, a.root)
            sha256, sha1 = checksums(path)
            listing.append(sha1)
            files.append({
                "fileName": "./" + rel,
                "SPDXID": spdx_id("File", rel),
                "checksums": [{"algorithm": "SHA256", "checksumValue": sha256},
                              {"algorithm": "SHA1", "checksumValue": sha1}],
                "licenseConcluded": "NOASSERTION",
                "copyrightText": "NOASSERTION",
                "comment": "%d bytes" % os.path.getsize(path),
            })
    ward = {
        "name": "ward",
        "SPDXID": "SPDXRef-Package-ward",
        "versionInfo": a.version,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": True,
        # SPDX 2.3, 7.9: SHA-1 of the sorted SHA-1s of the package's files
        "packageVerificationCode": {"packageVerificationCodeValue": hashlib.sha1(
            "".join(sorted(listing)).encode()).hexdigest()},
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": "Apache-2.0",
        "copyrightText": "NOASSERTION",
        "hasFiles": [f["SPDXID"] for f in files],
    }
    packages, relationships = [ward], [
        {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
         "relatedSpdxElement": ward["SPDXID"]}]
    binary = spdx_id("File", a.binary)
    if binary not in ward["hasFiles"]:
        sys.exit("image-sbom: %s is not in %s" % (a.binary, a.root))
    seen = set()
    for lib in a.libs:
        pkg, version = debian_package(a.cc, lib)
        if pkg in seen:
            continue
        seen.add(pkg)
        p = {
            "name": pkg,
            "SPDXID": spdx_id("Package", pkg),
            "versionInfo": version,
            "supplier": "Organization: Debian",
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER",
                              "referenceType": "purl",
                              "referenceLocator": "pkg:deb/debian/%s@%s?arch=amd64" %
                              (pkg, version)}],
        }
        packages.append(p)
        relationships.append({"spdxElementId": binary, "relationshipType": "STATIC_LINK",
                              "relatedSpdxElement": p["SPDXID"]})
    doc = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "ward-image-" + a.version,
        "documentNamespace": "https://ward.dev/spdx/ward-image-%s-%s" % (
            a.version, ward["packageVerificationCode"]["packageVerificationCodeValue"]),
        "creationInfo": {"created": a.created, "creators": ["Tool: ward scripts/image.sh"]},
        "packages": packages,
        "files": files,
        "relationships": relationships,
    }
    json.dump(doc, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
