// The batch page (www/batch.html) in headless Chromium, served with the production CSP:
// a generated 200,000-row CSV with malformed rows goes in through the file input, the
// download comes out byte for byte equal to `occupation-coder code` on the same file; cancel
// mid-run leaves the page usable; axe-core finds no violations; spreadsheets and binary files
// are refused, a semicolon file's delimiter is detected and can be changed, safe CSV matches
// the CLI's --safe-csv, a column named like an output column is refused, the download link
// shows only when there is a file and its name says which classification. BATCH_ROWS changes
// the size.
//   node --test tests/batch/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from './generate.mjs';
import { REPO, CHROMIUM, startServer, stopServer, launch, watchErrors } from '../browser.mjs';
import { parseCsv } from '../../www/batch-csv.mjs';

const CLI = path.join(REPO, 'target/release/occupation-coder');
const ROWS = Number(process.env.BATCH_ROWS ?? 200_000);
const AXE = readFileSync(path.join(REPO, 'node_modules/axe-core/axe.min.js'), 'utf8');

let server, base, browser, context, page, dir, input, expected, malformed;
const pageErrors = [];

before(async () => {
  for (const f of [CLI, CHROMIUM, path.join(REPO, 'www/pkg/occupation_coder_bg.wasm'), path.join(REPO, 'www/models/osca2024.ocpk')]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`make build\``);
  }
  dir = mkdtempSync(path.join(tmpdir(), 'occ-batch-browser-'));
  input = path.join(dir, 'records.csv');
  ({ malformed } = await generate(ROWS, input, { seed: 42 }));
  const out = path.join(dir, 'cli.csv');
  const r = spawnSync(CLI, ['code', '--pack', path.join(REPO, 'www/models/osca2024.ocpk'), '--input', input, '--output', out, '--quiet']);
  assert.equal(r.status, 0, r.stderr.toString());
  expected = readFileSync(out, 'utf8');
  ({ child: server, url: base } = await startServer());
  browser = await launch();
  context = await browser.newContext({ acceptDownloads: true });
  page = await context.newPage();
  await watchErrors(page, pageErrors);
  await page.goto(`${base}batch.html`);
}, { timeout: 120_000 });

after(async () => {
  await browser?.close();
  stopServer(server);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function axe() {
  await page.evaluate(AXE); // evaluate is not subject to the page's CSP
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

const rowsShown = () => page.evaluate(() => Number(document.getElementById('figures').dataset.rows ?? -1));

/** Starts a run; resolves with ms from the click to the first progress with records coded. */
async function start() {
  await page.click('#start');
  const t0 = Date.now();
  await page.waitForFunction(() => Number(document.getElementById('figures').dataset.rows ?? 0) > 0, null, { timeout: 30_000, polling: 20 });
  return Date.now() - t0;
}

async function finishAndDownload(name = 'records-coded-osca2024.csv') {
  await page.waitForSelector('#download:not([hidden])', { timeout: 170_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  assert.equal(download.suggestedFilename(), name, 'the download name says which classification');
  const file = path.join(dir, `page-${Date.now()}.csv`);
  await download.saveAs(file);
  return readFileSync(file, 'utf8');
}

function checkAgainstCli(text) {
  if (text !== expected) {
    const a = text.split('\n'), b = expected.split('\n');
    const i = a.findIndex((l, k) => l !== b[k]);
    assert.fail(`the page's output differs from the CLI's first at line ${i + 1}:\npage: ${a[i]}\ncli:  ${b[i]}`);
  }
  // And row by row: every input row once, in order, ids kept, malformed rows reported.
  const rows = parseCsv(text);
  assert.deepEqual(rows[0].fields.slice(0, 4), ['id', 'title', 'tasks', 'code']);
  assert.equal(rows.length - 1, ROWS);
  const [S, R] = [rows[0].fields.indexOf('status'), rows[0].fields.indexOf('reason')];
  let errors = 0;
  for (let i = 1; i < rows.length; i++) {
    const f = rows[i].fields;
    assert.equal(f[0], String(i), `row ${i} keeps its id and place`);
    const status = f[S];
    if (malformed.has(i)) {
      assert.equal(status, 'error', `row ${i} (${malformed.get(i)}) is an error row`);
      assert.match(f[R], /^line \d+: /);
      errors++;
    } else {
      assert.ok(status === 'coded' || status === 'uncoded', `row ${i}: ${status}`);
    }
  }
  assert.equal(errors, malformed.size);
}

test('the page is accessible before a file is chosen (axe-core); no download link yet', async () => {
  assert.deepEqual(await axe(), []);
  assert.equal(await page.isDisabled('#start'), true);
  assert.equal(await page.isVisible('#download'), false, 'the hidden link is not shown (CSS display must not override hidden)');
});

test(`a ${ROWS.toLocaleString('en')}-row file: first progress within 500 ms, download equal to the CLI's output`, async () => {
  await page.setInputFiles('#file', input);
  await page.waitForFunction(() => !document.getElementById('start').disabled);
  assert.equal(await page.inputValue('#col-title'), '1');
  assert.equal(await page.inputValue('#col-tasks'), '2');
  assert.equal(await page.inputValue('#col-id'), '0');
  // Let the worker finish loading the pack (as a user choosing columns would).
  await page.waitForTimeout(1000);
  const t0 = Date.now();
  const first = await start();
  console.log(`# first progress with records after ${first} ms`);
  assert.ok(first < 500, `first progress after ${first} ms`);
  const text = await finishAndDownload();
  const seconds = (Date.now() - t0) / 1000;
  console.log(`# ${ROWS} rows in the page in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s)`);
  checkAgainstCli(text);
  const summary = await page.textContent('#summary');
  assert.match(summary, new RegExp(`${malformed.size.toLocaleString('en-AU')} malformed rows`));
  assert.equal(await page.locator('#preview tbody tr').count(), 10);
  assert.deepEqual(await axe(), [], 'axe with the summary and preview shown');
  assert.deepEqual(pageErrors, []);
});

test('cancel mid-run leaves the page usable: start again and finish', async () => {
  await start();
  await page.waitForFunction(() => Number(document.getElementById('figures').dataset.rows ?? 0) > 20000, null, { timeout: 60_000 });
  await page.click('#cancel');
  await page.waitForFunction(() => document.body.dataset.state === 'cancelled');
  assert.match(await page.textContent('#status'), /cancelled/);
  assert.equal(await page.isDisabled('#start'), false);
  assert.equal(await page.isDisabled('#cancel'), true);
  const shown = await rowsShown();
  await page.waitForTimeout(500);
  assert.equal(await rowsShown(), shown, 'no progress after cancelling');
  // Keyboard: the start button has focus after cancelling; Enter starts again.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'start');
  await page.keyboard.press('Enter');
  checkAgainstCli(await finishAndDownload());
  assert.deepEqual(pageErrors, []);
});

test('pasted rows with a recoding column: ANZSCO 261313 + data engineer -> 223233, 331111 -> 371131', async () => {
  await page.fill('#paste', 'id,title,anzsco\na,data engineer,261313\nb,,331111\nc,retired,\n');
  await page.waitForFunction(() => document.getElementById('col-source').value === '2');
  await page.click('#start');
  await page.waitForSelector('#download:not([hidden])');
  const rows = await page.$$eval('#preview tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => [r[0], r[3], r[7]]), [['a', '223233', 'coded'], ['b', '371131', 'coded'], ['c', '099960', 'coded']]);
});

/** Chooses a file made of `bytes` as a user would, by the file input. */
const choose = (name, bytes, mimeType = 'application/octet-stream') =>
  page.setInputFiles('#file', { name, mimeType, buffer: Buffer.from(bytes) });

test('spreadsheets and binary files are refused with how to export CSV; the download link goes away', async () => {
  assert.equal(await page.isVisible('#download'), true, 'from the run before');
  const zip = [0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0, ...Buffer.from('[Content_Types].xml'), ...new Array(200).fill(0)];
  await choose('answers.xlsx', zip, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  await page.waitForFunction(() => /not CSV/.test(document.getElementById('source').textContent));
  assert.match(await page.textContent('#source'), /answers\.xlsx: This file is an Excel workbook \(\.xlsx\).*not CSV.*CSV UTF-8/);
  assert.equal(await page.isDisabled('#start'), true);
  assert.equal(await page.isVisible('#download'), false);
  await choose('answers.xls', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(500).fill(0)]);
  await page.waitForFunction(() => /\.xls\)/.test(document.getElementById('source').textContent));
  await choose('photo.png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
  await page.waitForFunction(() => /photo\.png: This file is not text/.test(document.getElementById('source').textContent));
  assert.equal(await page.isDisabled('#start'), true);
  assert.deepEqual(await axe(), [], 'axe with the refusal shown');
});

test('a semicolon file: the delimiter is detected and shown, can be changed, and codes', async () => {
  await choose('semi.csv', Buffer.from('id;title;tasks\r\n1;brickie;"walls, paths"\r\n2;registered nurse;aged care\r\n'), 'text/csv');
  await page.waitForFunction(() => !document.getElementById('start').disabled);
  assert.equal(await page.inputValue('#delimiter'), ';');
  assert.match(await page.textContent('#source'), /3 columns separated by semicolons/);
  assert.equal(await page.inputValue('#col-title'), '1');
  await page.selectOption('#delimiter', ',');
  await page.waitForFunction(() => /1 columns? separated by commas \(only one column/.test(document.getElementById('source').textContent));
  await page.selectOption('#delimiter', ';');
  await page.waitForFunction(() => /3 columns separated by semicolons/.test(document.getElementById('source').textContent));
  await page.selectOption('#col-title', '1');
  await page.click('#start');
  const text = await finishAndDownload('semi-coded-osca2024.csv');
  const rows = parseCsv(text);
  const h = rows[0].fields;
  assert.deepEqual(h.slice(0, 4), ['id', 'title', 'tasks', 'code']);
  assert.deepEqual(rows.slice(1).map((r) => [r.fields[0], r.fields[h.indexOf('code')], r.fields[h.indexOf('classification')]]),
    [['1', '371131', 'osca2024'], ['2', rows[2].fields[h.indexOf('code')], 'osca2024']]);
  assert.equal(rows[1].fields[2], 'walls, paths');
});

test('safe CSV: the checkbox gives the bytes of the CLI\'s --safe-csv; ANZSCO in the download name', async () => {
  const csv = 'id,title,tasks\n-5,=HYPERLINK("http://x"),+cmd\n@2,brickie,ok\n';
  const file = path.join(dir, 'formula.csv');
  writeFileSync(file, csv);
  const out = path.join(dir, 'formula-cli.csv');
  const r = spawnSync(CLI, ['code', '--pack', path.join(REPO, 'www/models/anzsco2022.ocpk'), '--input', file, '--output', out, '--quiet', '--safe-csv']);
  assert.equal(r.status, 0, r.stderr.toString());
  await page.selectOption('#classification', 'anzsco2022');
  await choose('formula.csv', Buffer.from(csv), 'text/csv');
  await page.waitForFunction(() => !document.getElementById('start').disabled);
  await page.check('#safe-csv');
  await page.click('#start');
  const text = await finishAndDownload('formula-coded-anzsco2022.csv');
  assert.equal(text, readFileSync(out, 'utf8'));
  assert.match(text, /^'-5,"'=HYPERLINK/m);
  await page.uncheck('#safe-csv');
  await page.selectOption('#classification', 'osca2024');
});

test('an input column named like an output column is refused before Start, naming it', async () => {
  await page.fill('#paste', 'id,title,Status\n1,brickie,x\n');
  await page.waitForFunction(() => /has the name of a column the coded file adds/.test(document.getElementById('source').textContent));
  assert.match(await page.textContent('#source'), /the column "Status" .*rename it \(e\.g\. to "input_Status"\)/);
  assert.equal(await page.isDisabled('#start'), true);
  assert.deepEqual(pageErrors, []);
});
