// Offline reload with the README's copy-the-files layout, in headless Chromium under the
// production CSP: the widget's files in /occupation-coder/, the service worker at the site's
// root (offline="/occupation-coder-sw.js"), the form page at the root with a favicon and an
// image that 404. The precache skips (and reports) what 404s and still caches what the coder
// needs; the page reloads and codes with no network. With the service worker left in
// /occupation-coder/ the widget says how to fix the layout instead of failing silently.
//   node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO, requireBuilt, startServer, stopServer, launch } from '../browser.mjs';

let site, server, base, browser;

const page = (offline) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Survey</title>
<link rel="icon" href="/favicon.ico">
<script type="module" src="/occupation-coder/occupation-coder.mjs"></script>
</head><body>
<img src="/missing-logo.png" alt="">
<form method="post" action="/answers">
  <occupation-coder name="occupation" classification="osca2024" required ${offline}
    label="What is your job title?" tasks-label="What are your main tasks? (optional)"></occupation-coder>
  <button>Continue</button>
</form></body></html>`;

before(async () => {
  requireBuilt();
  // The README's layout: copy www/occupation-coder*, www/pkg/ and www/models/ to
  // /occupation-coder/, and occupation-coder-sw.js to the root.
  site = mkdtempSync(path.join(tmpdir(), 'occ-offline-site-'));
  const lib = path.join(site, 'occupation-coder');
  mkdirSync(path.join(lib, 'models'), { recursive: true });
  for (const f of readdirSync(path.join(REPO, 'www')).filter((f) => f.startsWith('occupation-coder'))) {
    cpSync(path.join(REPO, 'www', f), path.join(lib, f));
  }
  cpSync(path.join(REPO, 'www/pkg'), path.join(lib, 'pkg'), { recursive: true });
  cpSync(path.join(REPO, 'www/models/osca2024.ocpk'), path.join(lib, 'models/osca2024.ocpk'));
  cpSync(path.join(REPO, 'www/occupation-coder-sw.js'), path.join(site, 'occupation-coder-sw.js'));
  writeFileSync(path.join(site, 'survey.html'), page('offline="/occupation-coder-sw.js"'));
  writeFileSync(path.join(site, 'sw-in-folder.html'), page('offline'));
  writeFileSync(path.join(site, 'no-pack.html'), page('offline="/occupation-coder-sw.js" model="/occupation-coder/models/missing.ocpk"'));
  ({ child: server, url: base } = await startServer({ csp: true, root: site }));
  browser = await launch();
}, { timeout: 60_000 });

after(async () => {
  await browser?.close();
  stopServer(server);
  if (site) rmSync(site, { recursive: true, force: true });
});

async function open(file) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = [];
  page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    window.__events = [];
    for (const type of ['occupation-suggestions', 'occupation-error', 'occupation-offline-ready']) {
      document.addEventListener(type, (e) => window.__events.push({ type, detail: e.detail }), true);
    }
  });
  await page.goto(`${base}${file}`);
  await page.waitForFunction(() => customElements.get('occupation-coder'));
  return { context, page, log };
}

const waitEvent = async (page, types) => (await page.waitForFunction((types) =>
  window.__events.find((e) => types.includes(e.type)) ?? false, types, { timeout: 30_000 })).jsonValue();

async function suggestions(page, text) {
  await page.locator('occupation-coder input').pressSequentially(text);
  const h = await page.waitForFunction((text) => window.__events.find((e) => e.type === 'occupation-suggestions' &&
    e.detail.title === text)?.detail ?? false, text, { timeout: 30_000 });
  return (await h.jsonValue()).suggestions;
}

test('README layout with a 404ing favicon and image: cached on the first visit, works after an offline reload', async () => {
  const { context, page, log } = await open('survey.html');
  try {
    const first = await waitEvent(page, ['occupation-offline-ready', 'occupation-error']);
    assert.equal(first.type, 'occupation-offline-ready', JSON.stringify(first.detail));
    assert.ok(first.detail.cached >= 9, `cached ${first.detail.cached} files`);
    // The 404 was skipped and reported, not fatal.
    assert.ok(log.some((l) => /^warning: occupation-coder offline: not cached: .*missing-logo\.png \(HTTP status 404\)/.test(l)), log.join('\n'));
    await context.setOffline(true);
    await page.reload();
    await page.waitForFunction(() => customElements.get('occupation-coder'));
    assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the page is controlled by the root service worker');
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller.scriptURL), `${base}occupation-coder-sw.js`);
    const s = await suggestions(page, 'brickie');
    assert.equal(s[0].code, '371131');
    assert.deepEqual(await page.evaluate(() => window.__events.filter((e) => e.type === 'occupation-error')), []);
  } finally {
    await context.setOffline(false);
    await context.close();
  }
});

test('the service worker left in /occupation-coder/: an error that says how to fix the layout; coding still works online', async () => {
  const { context, page } = await open('sw-in-folder.html');
  try {
    const e = await waitEvent(page, ['occupation-offline-ready', 'occupation-error']);
    assert.equal(e.type, 'occupation-error');
    assert.equal(e.detail.code, 'OFFLINE_FAILED');
    assert.match(e.detail.message, /cannot control this page \(\/sw-in-folder\.html\), which is outside its folder: copy occupation-coder-sw\.js to the site's root and write offline="\/occupation-coder-sw\.js".*Service-Worker-Allowed: \//);
    assert.equal((await suggestions(page, 'brickie'))[0].code, '371131');
  } finally {
    await context.close();
  }
});

test('a pack that cannot be cached is an error naming it (the wasm and the pack are required; a favicon is not)', async () => {
  const { context, page } = await open('no-pack.html');
  try {
    const e = await waitEvent(page, ['occupation-offline-ready', 'occupation-error']);
    assert.equal(e.type, 'occupation-error');
    assert.equal(e.detail.code, 'OFFLINE_FAILED');
    assert.match(e.detail.message, /^cannot cache what the coder needs: http:\/\/[^ ]+\/occupation-coder\/models\/missing\.ocpk \(HTTP status 404\)$/);
  } finally {
    await context.close();
  }
});
