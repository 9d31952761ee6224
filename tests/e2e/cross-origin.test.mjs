// <occupation-coder> served from another origin, as from a CDN: the host page is on origin A
// (a server in this test, with a strict CSP), the widget's files on origin B (.ci/serve.mjs
// --cors). Also the `base` attribute (the element's modules on A, its worker, pkg/ and models/
// on B) and a worker that cannot start: one error event with a string code, not one per key.
//   node --test tests/e2e/cross-origin.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO, requireBuilt, startServer, stopServer, launch, watchErrors } from '../browser.mjs';

let cdn; // origin B: www/ with Access-Control-Allow-Origin: *
let cdnUrl;
let plain; // origin C: www/ without CORS headers
let plainUrl;
let host; // origin A: the host pages
let hostUrl;
let browser;

// The element's own modules, as a host that bundles or re-hosts them would serve them: without
// the worker, pkg/ or models/ beside them.
const ELEMENT_FILES = new Set(['occupation-coder.mjs', 'occupation-coder-strings.mjs', 'occupation-coder-style.mjs',
  'occupation-coder-client.mjs', 'occupation-coder-offline.mjs', 'occupation-coder-props.mjs', 'occupation-coder-packs.mjs']);

/** The CSP README "From a CDN or another origin" documents for `cdns`, on a page that
 * allows nothing else; `worker` replaces its worker-src. */
const policy = (cdns, worker = 'blob:') => `default-src 'none'; script-src 'self' ${cdns} 'wasm-unsafe-eval'; ` +
  `connect-src 'self' ${cdns}; worker-src ${worker}`;

let workerUp = true; // whether /flaky/ serves the worker file

/** GET /page?src=<module URL>&base=<assets base>&worker=<worker-src>, GET /js/<element module>
 * and GET /flaky/<any file of www/> (the worker only while workerUp). */
function hostHandler(req, res) {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/page') {
    const src = url.searchParams.get('src');
    const base = url.searchParams.get('base');
    const attr = (s) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': policy(`${new URL(cdnUrl).origin} ${new URL(plainUrl).origin}`, url.searchParams.get('worker') ?? undefined),
    });
    return res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Host survey</title>
<script type="module" src="${attr(src)}"></script>
<form id="survey"><occupation-coder name="occupation" required${base ? ` base="${attr(base)}"` : ''}></occupation-coder></form>`);
  }
  const file = url.pathname.startsWith('/js/') && url.pathname.slice(4);
  if (ELEMENT_FILES.has(file)) {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    return res.end(readFileSync(path.join(REPO, 'www', file)));
  }
  const rel = url.pathname.startsWith('/flaky/') && path.normalize(url.pathname.slice(7));
  if (rel && !rel.startsWith('..') && (workerUp || rel !== 'occupation-coder-worker.mjs')) {
    const type = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' }[path.extname(rel)];
    res.writeHead(200, { 'Content-Type': type ?? 'application/octet-stream' });
    return res.end(readFileSync(path.join(REPO, 'www', rel)));
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found\n');
}

before(async () => {
  requireBuilt();
  ({ child: cdn, url: cdnUrl } = await startServer({ csp: false, cors: true }));
  ({ child: plain, url: plainUrl } = await startServer({ csp: false }));
  host = http.createServer(hostHandler);
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  hostUrl = `http://127.0.0.1:${host.address().port}/`;
  browser = await launch();
}, { timeout: 60_000 });

after(async () => {
  await browser?.close();
  host?.close();
  stopServer(cdn);
  stopServer(plain);
});

/** Opens a host page in a fresh context; records requests, workers, console errors and every
 * widget event (window.__events). */
async function open(params) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const requests = [];
  const workers = [];
  const errors = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on('worker', (w) => workers.push(w.url()));
  await watchErrors(page, errors);
  await page.addInitScript(() => {
    window.__events = [];
    for (const type of ['occupation-suggestions', 'occupation-ready', 'occupation-error']) {
      document.addEventListener(type, (e) => window.__events.push({ type, detail: e.detail }), true);
    }
  });
  await page.goto(`${hostUrl}page?${new URLSearchParams(params)}`);
  await page.waitForFunction(() => customElements.get('occupation-coder'));
  return { context, page, requests, workers, errors };
}

/** Types `text` key by key and waits for the suggestions for exactly that text. */
async function brickie(page) {
  await page.locator('occupation-coder input').pressSequentially('brickie');
  const found = await page.waitForFunction(() => window.__events.find((e) => e.type === 'occupation-suggestions'
    && e.detail.title === 'brickie')?.detail, null, { timeout: 30_000 });
  return found.jsonValue();
}

const events = (page, type) => page.evaluate((type) => window.__events.filter((e) => e.type === type).map((e) => e.detail), type);

test("the widget loaded from another origin suggests 371131 for 'brickie' under a strict CSP", async () => {
  const cdnOrigin = new URL(cdnUrl).origin;
  const { context, page, requests, workers, errors } = await open({ src: `${cdnUrl}occupation-coder.mjs` });
  try {
    const d = await brickie(page);
    assert.equal(d.suggestions[0].code, '371131');
    assert.match(await page.locator('occupation-coder [role=option]').first().textContent(), /Bricklayer.*371131/);
    // The worker is a same-origin blob that imports the real one; the wasm and pack come from B.
    assert.equal(workers.length, 1, workers.join(', '));
    assert.match(workers[0], /^blob:/);
    for (const f of ['occupation-coder-worker.mjs', 'pkg/occupation_coder.js', 'pkg/occupation_coder_bg.wasm', 'models/osca2024.ocpk']) {
      assert.ok(requests.includes(`${cdnUrl}${f}`), `${f} from ${cdnOrigin}: ${requests.join(', ')}`);
    }
    assert.ok(requests.every((u) => u.startsWith(hostUrl) || u.startsWith(cdnUrl) || u.startsWith('blob:')), requests.join(', '));
    // The form works as on the same origin.
    await page.locator('occupation-coder [role=option]', { hasText: '371131' }).click();
    const entries = await page.evaluate(() => Object.fromEntries(new FormData(document.getElementById('survey'))));
    assert.equal(entries.occupation, '371131');
    assert.equal(entries['occupation-status'], 'chosen');
    assert.deepEqual(await events(page, 'occupation-error'), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('base: the element\'s modules on the page\'s origin, its worker, pkg/ and models/ from another', async () => {
  const { context, page, requests, workers, errors } = await open({ src: `${hostUrl}js/occupation-coder.mjs`, base: cdnUrl });
  try {
    const d = await brickie(page);
    assert.equal(d.suggestions[0].code, '371131');
    assert.equal(workers.length, 1);
    assert.ok(requests.includes(`${cdnUrl}models/osca2024.ocpk`), requests.join(', '));
    assert.ok(requests.includes(`${cdnUrl}pkg/occupation_coder_bg.wasm`), requests.join(', '));
    assert.ok(!requests.some((u) => u.startsWith(`${hostUrl}models/`) || u.includes('/js/occupation-coder-worker')), requests.join(', '));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

/** Types 'brickie' into a widget whose worker cannot start: returns the error events seen. */
async function failingWorker(params) {
  const { context, page } = await open(params);
  try {
    await page.locator('occupation-coder input').pressSequentially('brickie', { delay: 30 });
    await page.waitForFunction(() => /not available/.test(document.querySelector('occupation-coder')
      .shadowRoot.querySelector('[part=message]').textContent), null, { timeout: 10_000 });
    await page.locator('occupation-coder input').press('s');
    await page.waitForTimeout(300); // time for any further (wrong) error events
    const state = await page.evaluate(() => {
      const w = document.querySelector('occupation-coder');
      return {
        error: w.matches(':state(error)'),
        entries: Object.fromEntries(new FormData(document.getElementById('survey'))),
        valid: w.checkValidity(),
      };
    });
    return { errors: await events(page, 'occupation-error'), state };
  } finally {
    await context.close();
  }
}

// The message names the worker URL it tried and what to check (base, CORS, CSP).
for (const [what, params, tried] of [
  ['a CSP without worker-src blob:', () => ({ src: `${cdnUrl}occupation-coder.mjs`, worker: "'self'" }), () => cdnUrl],
  ['a worker file missing beside the module (no base)', () => ({ src: `${hostUrl}js/occupation-coder.mjs`, worker: "'self'" }),
    () => `${hostUrl}js/`],
  ['a base on another origin without CORS', () => ({ src: `${hostUrl}js/occupation-coder.mjs`, base: plainUrl }), () => plainUrl],
]) {
  test(`a worker that cannot start (${what}) fails once, with a string code, and the survey goes on`, async () => {
    const { errors, state } = await failingWorker(params());
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(typeof errors[0].code, 'string');
    assert.equal(errors[0].code, 'WORKER_START_FAILED');
    assert.ok(errors[0].message.includes(`${tried()}occupation-coder-worker.mjs`), errors[0].message);
    for (const hint of [/base attribute/, /Access-Control-Allow-Origin/, /worker-src blob:/]) assert.match(errors[0].message, hint);
    assert.equal(state.error, true, ':state(error)');
    assert.equal(state.entries['occupation-status'], 'unavailable');
    assert.equal(state.entries['occupation-title'], 'brickies');
    assert.equal(state.valid, true, 'the typed title answers a required question');
  });
}

test('a worker that could not start is tried again at an input 10 s later, and then codes', async () => {
  workerUp = false;
  const { context, page } = await open({ src: `${hostUrl}js/occupation-coder.mjs`, base: `${hostUrl}flaky/`, worker: "'self'" });
  try {
    const input = page.locator('occupation-coder input');
    await input.pressSequentially('brick');
    await page.waitForFunction(() => window.__events.some((e) => e.type === 'occupation-error'), null, { timeout: 10_000 });
    workerUp = true;
    await input.press('i'); // within 10 s: not tried again, not reported again
    await page.waitForTimeout(10_000);
    await input.press('e');
    await input.press('s');
    const d = await page.waitForFunction(() => window.__events.find((e) => e.type === 'occupation-suggestions'
      && e.detail.title === 'brickies')?.detail, null, { timeout: 30_000 });
    assert.equal((await d.jsonValue()).suggestions[0].code, '371131');
    const errors = await events(page, 'occupation-error');
    assert.deepEqual(errors.map((e) => e.code), ['WORKER_START_FAILED']);
    assert.equal(await page.evaluate(() => document.querySelector('occupation-coder').matches(':state(ready)')), true);
  } finally {
    workerUp = true;
    await context.close();
  }
});
