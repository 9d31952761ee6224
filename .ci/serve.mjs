#!/usr/bin/env node
// Tiny dependency-free static server for www/ (local testing and browser tests).
//   node .ci/serve.mjs [--port 8080] [--root www] [--host 127.0.0.1] [--csp] [--cors]
// --port 0 picks a free port; the first line printed is the URL. --cors lets pages on any
// origin use the files, as a CDN does (Access-Control-Allow-Origin: *).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = fs.realpathSync(path.resolve(opt('--root', path.join(repo, 'www'))));
const port = Number(opt('--port', process.env.PORT ?? 8080));
const host = opt('--host', '127.0.0.1');
const csp = args.includes('--csp');
const cors = args.includes('--cors');

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm', '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8', '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.bin': 'application/octet-stream', '.ocpk': 'application/octet-stream',
};
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
  "style-src 'self' 'unsafe-inline'; connect-src 'self'; worker-src 'self'";

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-cache', ...(cors && { 'Access-Control-Allow-Origin': '*' }) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  let pathname, rel;
  try { pathname = new URL(req.url, 'http://x').pathname; rel = decodeURIComponent(pathname); }
  catch { return send(res, 400, 'bad request\n'); }
  if (rel.includes('\0')) return send(res, 400, 'bad request\n');
  const file = path.join(root, path.normalize(rel));
  // No directory traversal: the resolved path (symlinks too) must stay under root.
  const inside = (p) => p === root || p.startsWith(root + path.sep);
  fs.realpath(file, (err, real) => {
    if (err || !inside(real)) return send(res, 404, 'not found\n');
    let st = fs.statSync(real);
    if (st.isDirectory()) {
      if (!rel.endsWith('/')) { // so relative URLs in index.html resolve
        res.writeHead(301, { Location: pathname + '/', 'Cache-Control': 'no-cache' });
        return res.end();
      }
      real = path.join(real, 'index.html');
      if (!fs.existsSync(real)) return send(res, 404, 'not found\n');
      st = fs.statSync(real);
    }
    const headers = {
      'Content-Type': MIME[path.extname(real).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': st.size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    if (csp) headers['Content-Security-Policy'] = CSP;
    if (cors) headers['Access-Control-Allow-Origin'] = '*';
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(real).on('error', () => res.destroy()).pipe(res);
  });
});

server.listen(port, host, () => {
  const { port: p } = server.address();
  console.log(`serving ${root} at http://${host}:${p}/${csp ? ' (with CSP)' : ''}${cors ? ' (with CORS)' : ''}`);
});
