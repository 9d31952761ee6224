// The occupation widget for Enketo (www/occupation-coder-enketo.mjs) in the real enketo-core
// (tests/apps/enketo: npm ci from its committed lockfile, reused while unchanged; bundled by
// esbuild as a self-hosted Enketo is; the XForm transformed by enketo-transformer's web build)
// in headless Chromium: required blocks submission; 'brickie' -> 371131 ends up in the record
// with the label, typed title and status in their sibling questions; clearing empties them.
//   node --test tests/e2e/enketo.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO, requireBuilt, startServer, stopServer, launch, watchErrors } from '../browser.mjs';

const APP = path.join(REPO, 'tests/apps/enketo');
let server;
let base;
let browser;

/** npm ci unless node_modules was installed from this very lockfile. */
function installApp() {
  const installed = path.join(APP, 'node_modules/.package-lock.json');
  const same = () => {
    const want = JSON.parse(readFileSync(path.join(APP, 'package-lock.json'), 'utf8')).packages;
    const have = JSON.parse(readFileSync(installed, 'utf8')).packages;
    return Object.entries(want).every(([k, v]) => !k || v.optional || have[k]?.version === v.version);
  };
  if (!existsSync(installed) || !same()) execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: APP, stdio: 'inherit' });
  execFileSync(process.execPath, ['build.mjs'], { cwd: APP, stdio: 'inherit' });
}

before(async () => {
  requireBuilt();
  installApp();
  // The repository root: the app's bundle and /www/ (import map, so no CSP).
  ({ child: server, url: base } = await startServer({ csp: false, root: REPO }));
  browser = await launch();
}, { timeout: 300_000 });

after(async () => {
  await browser?.close();
  stopServer(server);
});

/** Submits (validates) and returns the record's fields, or null when validation failed. */
async function submit(page) {
  await page.evaluate(() => { document.getElementById('record').textContent = ''; });
  await page.click('#submit');
  await page.waitForFunction(() => document.getElementById('record').textContent);
  const text = await page.locator('#record').textContent();
  if (text === 'INVALID') return null;
  const get = (tag) => text.match(new RegExp(`<${tag}>([^<]*)</${tag}>|<${tag}/>`))?.[1] ?? '';
  return { occ: get('occ'), label: get('occ_label'), title: get('occ_title'), status: get('occ_status') };
}

/** Types `text` into the widget's title field and waits for the suggestions for exactly the
 * field's text (an option clicked or Enter pressed earlier could meet a list for a shorter text). */
async function typeTitle(page, text, scope = 'occupation-coder') {
  await page.evaluate(() => {
    window.__titles = [];
    if (window.__listening) return;
    window.__listening = true;
    document.addEventListener('occupation-suggestions', (e) => window.__titles.push(e.detail.title));
  });
  await page.locator(`${scope} input`).pressSequentially(text);
  const full = await page.locator(scope).evaluate((el) => el.jobTitle);
  await page.waitForFunction((t) => window.__titles.includes(t), full);
}

test('the package exports occupation-coder/enketo', () => {
  assert.equal(import.meta.resolve('occupation-coder/enketo'),
    new URL('www/occupation-coder-enketo.mjs', `file://${REPO}/`).href);
});

test("Enketo: required blocks submission; 371131 for 'brickie' is in the record; clearing empties it", async () => {
  const errors = [];
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await watchErrors(page, errors);
    await page.goto(`${base}tests/apps/enketo/index.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    // The widget replaced the text question (its own input hidden, still Enketo's control).
    assert.equal(await page.locator('.or-appearance-occupation occupation-coder').count(), 1);
    assert.equal(await page.locator('input[name="/data/occ"]').isHidden(), true);

    assert.equal(await submit(page), null, 'required: nothing chosen must not validate');

    const input = page.locator('occupation-coder input');
    await typeTitle(page, 'brickie');
    await page.locator('occupation-coder [role=option]', { hasText: '371131' }).click();
    assert.deepEqual(await submit(page), { occ: '371131', label: 'Bricklayer', title: 'brickie', status: 'chosen' });

    await input.press('Escape'); // clears the text and the choice
    await page.waitForFunction(() => document.querySelector('input[name="/data/occ"]').value === '');
    assert.equal(await submit(page), null);
    assert.equal(await page.evaluate(() => window.enketoForm.model.getStr().includes('<occ>371131</occ>')), false);

    // "None of these": the question is answered `other`, the typed title kept for coding later.
    await typeTitle(page, 'brickie');
    await page.locator('occupation-coder [role=option]', { hasText: 'None of these' }).click();
    assert.deepEqual(await submit(page), { occ: 'other', label: '', title: 'brickie', status: 'other' });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('Enketo: a saved record opened for editing shows its choice', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const record = '<data id="occupation-test"><occ>371131</occ><occ_label>Bricklayer</occ_label><occ_title>brickie</occ_title>'
      + '<occ_status>chosen</occ_status><meta><instanceID>uuid:1</instanceID></meta></data>';
    await page.goto(`${base}tests/apps/enketo/index.html?instance=${encodeURIComponent(record)}`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    await page.waitForFunction(() => /Bricklayer/.test(document.querySelector('occupation-coder')
      .shadowRoot.querySelector('[part=chosen-text]').textContent));
    const state = await page.evaluate(() => {
      const el = document.querySelector('occupation-coder');
      return { value: el.value, title: el.jobTitle };
    });
    assert.deepEqual(state, { value: '371131', title: 'brickie' });
    assert.deepEqual(await submit(page), { occ: '371131', label: 'Bricklayer', title: 'brickie', status: 'chosen' });
  } finally {
    await context.close();
  }
});
