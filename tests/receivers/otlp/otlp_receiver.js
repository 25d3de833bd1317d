#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// An OTLP/HTTP logs receiver for ward's tests (t-88-otlp.sh, t-89-outputs.sh):
// decodes each ExportLogsServiceRequest with the OTLP protobuf definitions
// that @opentelemetry/otlp-transformer ships (its generated protobufjs root),
// protobuf (application/x-protobuf) or OTLP JSON. A JSON request must survive
// fromObject/toObject unchanged: a field name the definitions do not have, a
// wrong type, a 64-bit integer not as a decimal string, is answered 400.
// Listens on a free loopback port (or --port; written to --port-file) and appends one
// JSON line per log record to --out: the resource's and the record's
// attributes as objects, time, severity and body.
'use strict';
const fs = require('fs');
const http = require('http');
const util = require('util');
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root');

const Req = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`${name} missing`);
  return process.argv[i + 1];
}
const out = arg('--out');
const portFile = arg('--port-file');
const port = process.argv.includes('--port') ? Number(arg('--port')) : 0;

// Keys sorted, so that two objects compare whatever their order.
function canon(v) {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])]));
  }
  return v;
}

function anyValue(v) {
  if (!v) return null;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return String(v.intValue);
  if ('boolValue' in v) return v.boolValue;
  if ('doubleValue' in v) return v.doubleValue;
  return v;
}

function attrs(list) {
  return Object.fromEntries((list || []).map((kv) => [kv.key, anyValue(kv.value)]));
}

function decode(type, body) {
  if (type.startsWith('application/x-protobuf')) return Req.decode(body);
  if (!type.startsWith('application/json')) throw new Error(`content type ${type}`);
  const json = JSON.parse(body.toString('utf8'));
  const msg = Req.fromObject(json);
  const back = Req.toObject(Req.decode(Req.encode(msg).finish()),
    { longs: String, enums: Number, bytes: String });
  if (!util.isDeepStrictEqual(canon(back), canon(json))) {
    throw new Error(`not OTLP JSON: sent ${JSON.stringify(json).slice(0, 2000)} ` +
      `decoded ${JSON.stringify(back).slice(0, 2000)}`);
  }
  return msg;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let msg;
    try {
      if (req.method !== 'POST' || req.url !== '/v1/logs') throw new Error(`${req.method} ${req.url}`);
      msg = decode(req.headers['content-type'] || '', Buffer.concat(chunks));
    } catch (e) {
      fs.appendFileSync(out, JSON.stringify({ error: String(e.message || e) }) + '\n');
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: String(e.message || e) }));
      return;
    }
    const obj = Req.toObject(msg, { longs: String, enums: Number });
    const lines = [];
    for (const rl of obj.resourceLogs || []) {
      for (const sl of rl.scopeLogs || []) {
        for (const r of sl.logRecords || []) {
          lines.push(JSON.stringify({
            resource: attrs(rl.resource && rl.resource.attributes),
            scope: sl.scope && sl.scope.name,
            timeUnixNano: r.timeUnixNano,
            observedTimeUnixNano: r.observedTimeUnixNano,
            severityNumber: r.severityNumber,
            severityText: r.severityText,
            body: anyValue(r.body),
            attributes: attrs(r.attributes),
          }) + '\n');
        }
      }
    }
    fs.appendFileSync(out, lines.join(''));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{}');
  });
});

server.listen(port, '127.0.0.1', () => {
  fs.writeFileSync(`${portFile}.tmp`, String(server.address().port));
  fs.renameSync(`${portFile}.tmp`, portFile);
});
process.on('SIGTERM', () => process.exit(0));
