#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A webhook receiver for ward's tests (unit: tests/unit/test_deliver.c,
integration: t-87-webhook.sh, t-89-outputs.sh). Listens on a free loopback
port (or --port; written to --port-file once listening) and appends each POST as one JSON
line to --out: {"path", "headers", "body"} (body parsed as JSON when it is,
else a string), before it answers. --status 503,503,400 answers the first
requests so (then 200); --delay S waits S seconds before answering;
--tls CERT KEY serves https."""
import argparse
import json
import os
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--status", default="")
    ap.add_argument("--delay", type=float, default=0)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    a = ap.parse_args()
    statuses = [int(s) for s in a.status.split(",") if s]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(n).decode("utf-8", "replace")
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
            status = statuses.pop(0) if statuses else 200
            if a.delay:
                time.sleep(a.delay)
            with open(a.out, "a", encoding="utf-8") as f:
                f.write(json.dumps({"path": self.path, "status": status,
                                    "headers": dict(self.headers.items()),
                                    "body": body}) + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, fmt, *args):
            pass

    srv = HTTPServer(("127.0.0.1", a.port), Handler)
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(a.port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(srv.server_address[1]))

    os.rename(a.port_file + ".tmp", a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
