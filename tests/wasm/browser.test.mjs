// The WebAssembly API in headless Chromium: .ci/serve.mjs serves the repo (with the
// production CSP) and tests/wasm/harness.html loads www/pkg with init() and the real packs
// with OccupationCoder.fromUrl; the results are checked with the same facts as in Node.
//   node --test tests/wasm/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  REPO, PKG_DIR, MODELS_DIR, BRICKLAYER, requireBuilt,
  checkSuggestions, checkCoded, checkUncoded, checkInfo,
} from './checks.mjs';
import { CHROMIUM, SERVE, startServer, stopServer, launch, watchErrors } from '../browser.mjs';

let server; // child process
let base; // http://127.0.0.1:PORT/
let browser;
let page;
const consoleErrors = [];
let harness;

before(async () => {
  requireBuilt();
  if (!existsSync(SERVE)) throw new Error(`${SERVE} is missing (the toolchain scripts provide it)`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run .ci/setup.sh`);
  try {
    await import('playwright-core');
  } catch (e) {
    throw new Error(`playwright-core is not installed: run .ci/setup.sh (npm install) first (${e.message})`);
  }
  // The harness lives in tests/wasm/, so serve the whole repository.
  ({ child: server, url: base } = await startServer({ root: REPO }));
  browser = await launch();
  page = await browser.newPage();
  await watchErrors(page, consoleErrors);
  const q = new URLSearchParams({ pkg: PKG_DIR, models: MODELS_DIR });
  await page.goto(`${base}tests/wasm/harness.html?${q}`);
  await page.waitForFunction(() => window.harness?.done, null, { timeout: 60_000 });
  harness = await page.evaluate(() => window.harness);
}, { timeout: 120_000 });

after(async () => {
  await browser?.close();
  stopServer(server);
});

/** The harness's results; fails with the page's own error if it had one. */
function results() {
  assert.equal(harness.error, undefined, `the harness page failed: ${harness.error}`);
  return harness.results;
}

test('the page loaded the module and both packs with no console errors', () => {
  results();
  assert.deepEqual(consoleErrors, []);
});

test('results are plain objects, not Maps', () => {
  assert.equal(results().plain, true);
});

test("info() says osca2024 (and anzsco2022), metadata is the same", () => {
  const r = results();
  checkInfo(r.info, 'osca2024');
  assert.deepEqual(r.metadata, r.info);
  checkInfo(r.anzscoInfo, 'anzsco2022');
});

test("suggest('brickie') includes 371131 with confidences that multiply down the path", () => {
  const r = results();
  checkSuggestions(r.suggest, 5);
  assert.ok(r.suggest.some((s) => s.code === BRICKLAYER.osca2024), `371131 in ${r.suggest.map((s) => s.code)}`);
  assert.deepEqual(r.suggestDefault, r.suggest, 'tasks and k default to "" and 5');
  checkSuggestions(r.anzscoSuggest, 5);
  assert.ok(r.anzscoSuggest.some((s) => s.code === BRICKLAYER.anzsco2022), `331111 in ${r.anzscoSuggest.map((s) => s.code)}`);
});

test('code() and codeBatch()', () => {
  const r = results();
  assert.equal(r.codeBrickie.id, 'r1');
  checkCoded(r.codeBrickie, '3');
  checkCoded(r.codeRetired, '0999');
  checkUncoded(r.codeEmpty, 'empty');
  assert.deepEqual(r.batch.map((x) => x.id), ['a', 'b']);
  checkCoded(r.batch[1], '0999');
});

test('errors are Errors with a code, and the module keeps working after them', () => {
  const r = results();
  const expect = {
    batchTooLarge: ['BATCH_TOO_LARGE', /301 records/],
    missingTitle: ['BAD_INPUT', /missing field `title`/],
    titleNumber: ['BAD_INPUT', /expected a string/],
    truncated: ['PACK_TRUNCATED', /truncated/],
    flipped: ['PACK_CHECKSUM_MISMATCH', /checksum/],
    badMagic: ['PACK_BAD_MAGIC', /not an occupation-coder model pack/],
  };
  for (const [k, [code, re]] of Object.entries(expect)) {
    const e = r[k];
    assert.ok(e, `${k} threw`);
    assert.equal(e.isError, true, `${k} is an Error`);
    assert.equal(e.isTrap, false, `${k} is not a wasm trap`);
    assert.equal(e.code, code, `${k}: ${e.message}`);
    assert.match(e.message, re);
  }
  checkSuggestions(r.afterErrors, 5);
});

test('fromUrl and suggest work in a module Web Worker too', () => {
  const w = results().worker;
  assert.equal(w.error, undefined, `the worker failed: ${w.error}`);
  checkInfo(w.info, 'osca2024');
  checkSuggestions(w.suggest, 5);
  assert.ok(w.suggest.some((s) => s.code === BRICKLAYER.osca2024));
});

test('fromUrl on a 404 rejects naming the URL and the status', async () => {
  const url = `/${MODELS_DIR}/no-such-pack.ocpk`;
  const before = consoleErrors.length;
  const e = await page.evaluate((u) => window.fromUrlError(u), url);
  assert.ok(e, 'fromUrl rejected');
  assert.equal(e.isError, true);
  assert.equal(e.code, 'FETCH_HTTP_STATUS');
  assert.match(e.message, /HTTP status 404/);
  assert.ok(e.message.includes(url), e.message);
  // The browser itself logs the failed request; nothing else may appear.
  const others = consoleErrors.slice(before).filter((m) => !/Failed to load resource.*404/.test(m));
  assert.deepEqual(others, []);
});
