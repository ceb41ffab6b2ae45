'use strict';
// Issue 6's intake anchor: a plain Node.js Express receiver that takes a TLS-RPT report POSTed as the connector
// accepts it (application/tlsrpt+gzip or +json, RFC 8460 section 5.4), gunzips it, parses and checks the JSON and
// answers 201, keeping nothing. Listens on 127.0.0.1 only and stops by itself after --seconds.
//
//   node server.js [--port 0] [--path /v1/tlsrpt] [--seconds 60]
//
// Prints "anchor: http://127.0.0.1:PORT/PATH" once it listens and the answers it gave (by status) when it stops.

const express = require('express');
const zlib = require('node:zlib');

const MAX_BODY_BYTES = 1024 * 1024;           // what a sender may POST (gzip or not)
const MAX_JSON_BYTES = 16 * 1024 * 1024;      // cap on decompression: a gzip bomb is a 413, not an OOM
const GZIP_TYPES = new Set(['application/tlsrpt+gzip', 'application/gzip', 'application/x-gzip']);
const JSON_TYPES = new Set(['application/tlsrpt+json', 'application/json', 'application/octet-stream']);

function options(argv) {
  const o = { port: 0, path: '/v1/tlsrpt', seconds: 60 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in o) || argv[i + 1] === undefined) {
      throw new Error(`usage: node server.js [--port N] [--path /p] [--seconds N] (bad argument ${argv[i]})`);
    }
    o[key] = key === 'path' ? argv[i + 1] : Number(argv[i + 1]);
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535 || !(o.seconds > 0) || !o.path.startsWith('/')) {
    throw new Error(`bad options ${JSON.stringify(o)}`);
  }
  return o;
}

function essence(contentType) {
  return (contentType || '').split(';')[0].trim().toLowerCase();
}

// The fields every RFC 8460 report has; what a receiver that "validates the JSON" checks before it says 201.
function invalidReport(r) {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return 'not a JSON object';
  if (typeof r['organization-name'] !== 'string') return 'organization-name missing';
  if (typeof r['report-id'] !== 'string') return 'report-id missing';
  const range = r['date-range'];
  if (!range || typeof range['start-datetime'] !== 'string' || typeof range['end-datetime'] !== 'string') {
    return 'date-range missing';
  }
  if (!Array.isArray(r.policies) || r.policies.length === 0) return 'policies missing';
  for (const p of r.policies) {
    if (!p || !p.policy || typeof p.policy['policy-type'] !== 'string' || !p.summary) return 'bad policy';
  }
  return null;
}

const opts = options(process.argv.slice(2));
const answers = new Map();
const app = express();
app.disable('x-powered-by');
app.disable('etag');

function answer(res, status, body) {
  answers.set(status, (answers.get(status) || 0) + 1);
  res.status(status).json(body);
}

// body-parser's raw(): the bytes as sent, with a Content-Encoding (gzip, deflate, br) undone and the size capped
app.post(opts.path, express.raw({ type: () => true, limit: MAX_BODY_BYTES, inflate: true }), (req, res) => {
  const type = essence(req.get('content-type'));
  if (!GZIP_TYPES.has(type) && !JSON_TYPES.has(type)) {
    return answer(res, 415, { error: 'unsupported content type; use application/tlsrpt+gzip or application/tlsrpt+json' });
  }
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
    return answer(res, 400, { error: 'empty body' });
  }
  let json;
  try {
    json = GZIP_TYPES.has(type) ? zlib.gunzipSync(req.body, { maxOutputLength: MAX_JSON_BYTES }) : req.body;
  } catch (e) {
    return e.code === 'ERR_BUFFER_TOO_LARGE'
      ? answer(res, 413, { error: `report larger than ${MAX_JSON_BYTES} bytes uncompressed` })
      : answer(res, 400, { error: 'not a gzip body' });
  }
  let report;
  try {
    report = JSON.parse(json.toString('utf8'));
  } catch (e) {
    return answer(res, 400, { error: 'not JSON' });
  }
  const why = invalidReport(report);
  if (why) {
    return answer(res, 400, { error: why });
  }
  return answer(res, 201, { status: 'accepted' });
});

// body-parser's own rejections (too large, bad encoding) as JSON answers, never a crash
app.use((err, req, res, next) => {
  if (res.headersSent) return next(err);
  return answer(res, err.status && err.status < 500 ? err.status : 500, { error: err.type || 'bad request' });
});

const server = app.listen(opts.port, '127.0.0.1', () => {
  console.log(`anchor: http://127.0.0.1:${server.address().port}${opts.path}`);
});

let stopped = false;
function stop(why) {
  if (stopped) return;
  stopped = true;
  server.close();
  server.closeAllConnections();
  const counts = [...answers.entries()].sort().map(([s, n]) => `${s}=${n}`).join(' ') || 'none';
  console.log(`anchor stopped (${why}); answers: ${counts}`);
}
setTimeout(() => stop(`${opts.seconds} s lifetime`), opts.seconds * 1000).unref();
server.on('close', () => process.exit(0));
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
