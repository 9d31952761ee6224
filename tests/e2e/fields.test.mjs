// <occupation-coder fields="..."> in headless Chromium: the answer is mirrored into the host
// page's own named inputs (what Qualtrics, LimeSurvey, REDCap and plain forms post), cleared
// with the choice, restored from them when the page is shown again, and bad mappings are
// reported with string codes. The ElementInternals form value keeps working beside it.
//   node --test tests/e2e/fields.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { requireBuilt, startServer, stopServer, launch, watchErrors } from '../browser.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
  + "connect-src 'self'; worker-src 'self'";
let server;
let base;
let browser;

before(async () => {
  requireBuilt();
  ({ child: server, url: base } = await startServer({ csp: true }));
  browser = await launch();
}, { timeout: 60_000 });

after(async () => {
  await browser?.close();
  stopServer(server);
});

/** Opens `body` as a page of the widget's own origin (served by a route, under the same CSP);
 * `prepare(context)` runs first (routes). */
async function open(body, errors, prepare) {
  const context = await browser.newContext();
  await prepare?.(context);
  await context.route(`${base}host.html`, (r) => r.fulfill({
    contentType: 'text/html; charset=utf-8',
    headers: { 'Content-Security-Policy': CSP },
    body: `<!doctype html><html lang="en"><title>host</title><script type="module" src="./occupation-coder.mjs"></script>${body}`,
  }));
  const page = await context.newPage();
  await watchErrors(page, errors);
  await page.addInitScript(() => {
    window.__events = [];
    for (const type of ['occupation-select', 'occupation-clear', 'occupation-suggestions', 'occupation-error', 'change']) {
      document.addEventListener(type, (e) => window.__events.push({ type, detail: e.detail ?? null, name: e.target.name ?? null }), true);
    }
  });
  await page.goto(`${base}host.html`);
  await page.waitForFunction(() => customElements.get('occupation-coder'));
  return { context, page };
}

const values = (page) => page.evaluate(() => Object.fromEntries(
  [...document.querySelectorAll('input:not([type=submit])')].map((i) => [i.name, i.value])));

const FORM = `<form id="f">
  <occupation-coder name="occupation" required
    fields="code:occ_code, label:occ_label, confidence:occ_conf, status:occ_status, title:occ_title"></occupation-coder>
  <input type="hidden" name="occ_code"><input type="hidden" name="occ_label">
  <input type="hidden" name="occ_conf"><input type="hidden" name="occ_status"><input name="occ_title" aria-label="title copy">
</form>`;

test("choosing 371131 for 'brickie' fills the host form's inputs; clearing the choice empties them", async () => {
  const errors = [];
  const { context, page } = await open(FORM, errors);
  try {
    const input = page.locator('occupation-coder input');
    await input.pressSequentially('brickie');
    await page.waitForFunction(() => window.__events.some((e) => e.type === 'occupation-suggestions' && e.detail.title === 'brickie'));
    await page.locator('occupation-coder [role=option]', { hasText: '371131' }).click();
    await page.waitForFunction(() => document.querySelector('[name=occ_code]').value === '371131');
    const v = await values(page);
    assert.equal(v.occ_code, '371131');
    assert.equal(v.occ_label, 'Bricklayer');
    assert.match(v.occ_conf, /^0\.\d{4}$/);
    assert.ok(Number(v.occ_conf) > 0);
    assert.equal(v.occ_status, 'chosen');
    assert.equal(v.occ_title, 'brickie');
    // The platform's own scripts hear about it: a bubbling change event per changed input.
    const changed = await page.evaluate(() => window.__events.filter((e) => e.type === 'change').map((e) => e.name));
    assert.ok(changed.includes('occ_code') && changed.includes('occ_label'), changed.join());
    // The form-associated value is still there, and the element is valid.
    const fd = await page.evaluate(() => Object.fromEntries(new FormData(document.getElementById('f'))));
    assert.equal(fd.occupation, '371131');
    assert.equal(fd.occ_code, '371131');
    assert.equal(await page.evaluate(() => document.querySelector('occupation-coder').checkValidity()), true);

    // Escape with the list closed clears the text and the choice.
    await input.press('Escape');
    await page.waitForFunction(() => document.querySelector('[name=occ_code]').value === '');
    const cleared = await values(page);
    assert.deepEqual(cleared, { occ_code: '', occ_label: '', occ_conf: '', occ_status: 'none', occ_title: '' });
    assert.equal(await page.evaluate(() => document.querySelector('occupation-coder').checkValidity()), false);

    // "None of these" is mirrored as status other with no code.
    await input.pressSequentially('brickie');
    await page.waitForFunction(() => window.__events.filter((e) => e.type === 'occupation-suggestions' && e.detail.title === 'brickie').length >= 2);
    await page.locator('occupation-coder [role=option]', { hasText: 'None of these' }).click();
    await page.waitForFunction(() => document.querySelector('[name=occ_status]').value === 'other');
    assert.equal((await values(page)).occ_code, '');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a saved answer in the host inputs is restored into the widget (page shown again), without a form', async () => {
  const errors = [];
  const { context, page } = await open(`<div>
    <input type="hidden" name="QR~QID5~code" value="371131"><input type="hidden" name="QR~QID5~label" value="Bricklayer">
    <input type="hidden" name="QR~QID5~conf" value="0.8123"><input type="hidden" name="QR~QID5~title" value="brickie">
    <occupation-coder fields="code:QR~QID5~code label:QR~QID5~label confidence:QR~QID5~conf title:QR~QID5~title"></occupation-coder>
  </div>`, errors);
  try {
    await page.waitForFunction(() => document.querySelector('occupation-coder').value === '371131');
    const state = await page.evaluate(() => {
      const el = document.querySelector('occupation-coder');
      return { sel: el.selection, title: el.jobTitle, chosen: el.shadowRoot.querySelector('[part=chosen-text]').textContent };
    });
    assert.equal(state.sel.label, 'Bricklayer');
    assert.equal(state.sel.confidence, 0.8123);
    assert.equal(state.title, 'brickie');
    assert.match(state.chosen, /Bricklayer/);
    // Restoring leaves the saved values as they were.
    const v = await values(page);
    assert.equal(v['QR~QID5~code'], '371131');
    assert.equal(v['QR~QID5~conf'], '0.8123');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a bad mapping and a missing input are occupation-error events with string codes', async () => {
  const { context, page } = await open(`<form>
    <occupation-coder id="bad" fields="code"></occupation-coder>
    <occupation-coder id="missing" fields="code:nowhere title:nowhere"></occupation-coder>
  </form>`, []);
  try {
    await page.waitForFunction(() => window.__events.some((e) => e.type === 'occupation-error'));
    await page.locator('#missing input').pressSequentially('br');
    await page.waitForFunction(() => window.__events.filter((e) => e.type === 'occupation-error').length >= 2);
    const errs = await page.evaluate(() => window.__events.filter((e) => e.type === 'occupation-error').map((e) => e.detail));
    assert.deepEqual(errs.map((e) => e.code).sort(), ['FIELDS_INVALID', 'FIELD_NOT_FOUND']);
    assert.match(errs.find((e) => e.code === 'FIELDS_INVALID').message, /"code" is not key:input-name/);
    assert.match(errs.find((e) => e.code === 'FIELD_NOT_FOUND').message, /no input named "nowhere"/);
  } finally {
    await context.close();
  }
});

test('a fields module that cannot load is an occupation-error FIELDS_FAILED, and the form value still works', async () => {
  const { context, page } = await open(`<form id="f"><occupation-coder name="occupation" fields="code:occ_code"></occupation-coder>
    <input type="hidden" name="occ_code"></form>`, [], (c) => c.route('**/occupation-coder-fields.mjs', (r) => r.fulfill({ status: 404 })));
  try {
    await page.waitForFunction(() => window.__events.some((e) => e.type === 'occupation-error'));
    const err = await page.evaluate(() => window.__events.find((e) => e.type === 'occupation-error').detail);
    assert.equal(err.code, 'FIELDS_FAILED');
    assert.match(err.message, /serve occupation-coder-fields\.mjs beside occupation-coder\.mjs/);
    await page.locator('occupation-coder input').pressSequentially('brickie');
    await page.waitForFunction(() => window.__events.some((e) => e.type === 'occupation-suggestions' && e.detail.title === 'brickie'));
    await page.locator('occupation-coder [role=option]', { hasText: '371131' }).click();
    assert.equal(await page.evaluate(() => new FormData(document.getElementById('f')).get('occupation')), '371131');
  } finally {
    await context.close();
  }
});
