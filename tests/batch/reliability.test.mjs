// The batch page (www/batch.html) when things go wrong, in headless Chromium: a pack that
// cannot be fetched, a WebAssembly trap in the middle of a run (injected by rewriting the
// wasm-bindgen module on its way to the worker), and rows over the text limit. After each
// failure the page says what happened, and the next Start works.
//   node --test tests/batch/reliability.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO, CHROMIUM, startServer, stopServer, launch } from '../browser.mjs';

let server, base, browser;

before(async () => {
  for (const f of [CHROMIUM, path.join(REPO, 'www/pkg/occupation_coder_bg.wasm'), path.join(REPO, 'www/models/osca2024.ocpk')]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`make build\``);
  }
  ({ child: server, url: base } = await startServer());
  browser = await launch();
}, { timeout: 60_000 });

after(async () => {
  await browser?.close();
  stopServer(server);
});

/** A fresh page on batch.html, after `prepare(context)` (routes); counts the workers started. */
async function open(prepare) {
  const context = await browser.newContext();
  await prepare?.(context);
  const page = await context.newPage();
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto(`${base}batch.html`);
  return { context, page, workers };
}

/** Pastes `csv`, starts, and waits until the run ends; returns the body's state. */
async function run(page, csv) {
  await page.fill('#paste', csv);
  await page.waitForFunction(() => !document.getElementById('start').disabled);
  await page.click('#start');
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 30_000 });
  return page.evaluate(() => document.body.dataset.state);
}

const statuses = (page) => page.$$eval('#preview tbody tr', (trs) => {
  const head = [...document.querySelectorAll('#preview thead th')].map((th) => th.textContent);
  const [s, r] = [head.indexOf('status'), head.indexOf('reason')];
  return trs.map((tr) => {
    const c = [...tr.cells].map((td) => td.textContent);
    return [c[0], c[s], c[r]];
  });
});

test('a pack that cannot be fetched: the page says so, and the next Start loads it', async () => {
  let block = true;
  const { context, page } = await open((c) => c.route('**/models/osca2024.ocpk',
    (route) => (block ? route.fulfill({ status: 503, body: 'down' }) : route.continue())));
  try {
    assert.equal(await run(page, 'id,title\n1,brickie\n2,retired\n'), 'error');
    assert.match(await page.textContent('#status'), /Could not (load the coder|code the file).*503/);
    assert.equal(await page.isDisabled('#start'), false, 'Start is available again');
    block = false;
    await page.evaluate(() => { delete document.body.dataset.state; });
    assert.equal(await run(page, 'id,title\n1,brickie\n2,retired\n3,\n'), 'done');
    const rows = await statuses(page);
    assert.deepEqual(rows.map((r) => r[0]), ['1', '2', '3']);
    assert.deepEqual(rows[2].slice(1), ['uncoded', 'empty']);
  } finally {
    await context.close();
  }
});

test('a trap in the middle of a run: an error, a fresh worker, and the next run finishes', async () => {
  const { context, page, workers } = await open((c) => c.route('**/pkg/occupation_coder.js', async (route) => {
    const response = await route.fetch();
    // Fault injection: codeFields traps on a batch holding this title, as a Rust panic would.
    const body = `${await response.text()}
const injectedCodeFields = OccupationCoder.prototype.codeFields;
OccupationCoder.prototype.codeFields = function (records) {
  if (records.some((r) => r.title === 'crash now')) throw new WebAssembly.RuntimeError('unreachable (injected by the test)');
  return injectedCodeFields.call(this, records);
};
`;
    await route.fulfill({ response, body });
  }));
  try {
    const rows = Array.from({ length: 1000 }, (_, i) => `${i + 1},${i === 700 ? 'crash now' : 'brickie'}`).join('\n');
    assert.equal(await run(page, `id,title\n${rows}\n`), 'error');
    assert.match(await page.textContent('#status'), /Could not code the file: unreachable/);
    await page.evaluate(() => { delete document.body.dataset.state; });
    assert.equal(await run(page, 'id,title\n1,brickie\n2,\n'), 'done');
    assert.equal(workers.length, 2, `the page's first worker and one fresh one after the trap: ${workers.join(', ')}`);
    assert.deepEqual((await statuses(page)).map((r) => r[0]), ['1', '2']);
  } finally {
    await context.close();
  }
});

test('rows over the text limit are uncoded with reason too-long, like the CLI', async () => {
  const { context, page } = await open();
  try {
    const long = 'b'.repeat(10_001);
    assert.equal(await run(page, `id,title,tasks\n1,${long},\n2,${'b'.repeat(5000)},${'c'.repeat(5001)}\n3,${'b'.repeat(10_000)},\n`), 'done');
    const rows = await statuses(page);
    assert.deepEqual(rows.slice(0, 2), [['1', 'uncoded', 'too-long'], ['2', 'uncoded', 'too-long']]);
    assert.notEqual(rows[2][2], 'too-long', 'exactly the limit is coded or uncoded for another reason');
  } finally {
    await context.close();
  }
});
