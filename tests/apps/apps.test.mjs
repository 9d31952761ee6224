// The README's framework and bundler snippets, verbatim, in real apps (tests/apps/react, vue,
// plain) that install the project from an `npm pack` tarball: each on the Vite dev server and
// as a production build served statically (the plain app also built by webpack with no
// config), in headless Chromium: typing 'brickie' suggests 371131, choosing it sets the form
// value and the framework's state, and a build emits only the pack in use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { launch, REPO, requireBuilt, startServer, stopServer } from '../browser.mjs';

const APPS = path.join(REPO, 'tests/apps');
const CACHE = path.join(APPS, '.cache');
const README = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const app = (name, ...p) => path.join(APPS, name, ...p);
const read = (name, ...p) => readFileSync(app(name, ...p), 'utf8');

/** The code block that follows the README paragraph starting with `lead`. */
function readmeBlock(lead) {
  const at = README.indexOf(`\n${lead}`);
  assert.ok(at >= 0, `README has no paragraph starting ${lead}`);
  const m = README.slice(at).match(/```[a-z]*\n([\s\S]*?)```/);
  return m[1];
}

function run(cmd, args, cwd) {
  try {
    execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) { // tsc and the bundlers report on stdout
    e.message += `\n${e.stdout ?? ''}${e.stderr ?? ''}`;
    throw e;
  }
}

/** `npm ci` unless node_modules already holds this package-lock (a warm rerun skips it). */
function installDeps(name) {
  const lock = readFileSync(app(name, 'package-lock.json'));
  const stamp = app(name, 'node_modules/.installed-lock-sha256');
  const hash = createHash('sha256').update(lock).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  run('npm', ['ci', '--no-audit', '--no-fund'], app(name));
  writeFileSync(stamp, hash);
}

let tarball;
let browser;

before(async () => {
  requireBuilt();
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  run('npm', ['pack', '--silent', '--pack-destination', CACHE], REPO);
  tarball = path.join(CACHE, readdirSync(CACHE).find((f) => f.endsWith('.tgz')));
  for (const name of ['react', 'vue', 'plain']) {
    installDeps(name);
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', tarball], app(name));
  }
  browser = await launch();
});

after(async () => { await browser?.close(); });

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** `vite` (the dev server, re-optimising deps since the tarball changed); resolves with
 * { child, url } once it listens. */
async function viteDev(name) {
  const port = await freePort();
  const child = spawn(process.execPath, [app(name, 'node_modules/vite/bin/vite.js'), '--force', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: app(name), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vite dev for ${name} did not start: ${out}`)), 30_000);
    const on = (d) => { out += d; if (/ready in/.test(out)) { clearTimeout(timer); resolve(); } };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (code) => reject(new Error(`vite dev for ${name} exited (${code}): ${out}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/` };
}

/** Files a build emitted (recursively, relative to `dir`). */
function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath ?? d.path, d.name)));
}

function assertOnlyOsca(files, what) {
  const packs = files.filter((f) => f.endsWith('.ocpk'));
  assert.equal(packs.length, 1, `${what} emits one pack, not ${packs.join(', ')}`);
  assert.match(path.basename(packs[0]), /^(osca2024|[0-9a-f]+)[-.]/);
  assert.equal(files.filter((f) => f.endsWith('.wasm')).length, 1, `${what} emits the wasm module once`);
}

/**
 * Opens `url`, types 'brickie', expects 371131 among the suggestions, chooses it, and checks
 * the form's value and (for the framework apps) the state shown in <output> and #coded.
 */
async function codeBrickie(url, { framework }) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.location().url ?? '')) problems.push(`console: ${m.text()} ${m.location().url ?? ''}`); });
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  try {
    await page.goto(url);
    const input = page.locator('occupation-coder input');
    await input.click();
    await input.pressSequentially('brickie');
    const option = page.locator('occupation-coder [role=option]', { hasText: '371131' });
    await option.waitFor({ timeout: 20_000 });
    assert.match(await page.locator('occupation-coder [role=option]').first().innerText(), /371131/, 'Bricklayer first');
    await option.click();
    const got = await page.evaluate(() => {
      const el = document.querySelector('occupation-coder');
      const form = el.closest('form');
      return {
        value: el.value, valid: el.checkValidity(),
        formCode: new FormData(form).get('occupation'), formLabel: new FormData(form).get('occupation-label'),
        name: el.name, required: el.required, classification: el.classification,
        output: document.querySelector('output')?.textContent ?? null,
        coded: document.querySelector('#coded')?.textContent ?? null,
      };
    });
    assert.equal(got.value, '371131');
    assert.equal(got.valid, true);
    assert.equal(got.formCode, '371131', 'the form submits the chosen code');
    assert.equal(got.formLabel, 'Bricklayer');
    assert.deepEqual([got.name, got.required, got.classification], ['occupation', true, 'osca2024'], 'props reached the element');
    if (framework) {
      await page.waitForFunction(() => document.querySelector('output')?.textContent === '371131', null, { timeout: 5000 })
        .catch(() => {});
      const state = await page.evaluate(() => [document.querySelector('output').textContent, document.querySelector('#coded').textContent]);
      assert.deepEqual(state, ['371131', '371131 Bricklayer'], `${framework} state follows the choice (onChange/v-model, occupation-select)`);
      // Editing the title drops the choice, and the framework's state follows.
      await input.press('End');
      await input.press('Backspace');
      await page.waitForFunction(() => document.querySelector('output')?.textContent === '', null, { timeout: 5000 });
      assert.equal(await page.evaluate(() => new FormData(document.querySelector('form')).get('occupation')), '');
    }
    if (!framework) assert.deepEqual(await page.evaluate(reflectedProps), REFLECTED_EXPECTED);
    assert.deepEqual(problems, []);
  } catch (e) {
    // A crash in the page (React unmounting the tree) shows up as a time-out: say why.
    if (problems.length) e.message += `\nin the page: ${problems.join('\n')}`;
    throw e;
  } finally {
    await page.close();
  }
}

/** In the page: properties set as a framework sets them reach the attributes and the form. */
function reflectedProps() {
  const el = document.querySelector('occupation-coder');
  const form = el.closest('form');
  const out = {};
  el.name = 'job';
  out.renamed = [el.getAttribute('name'), new FormData(form).get('job')];
  el.required = false;
  out.required = [el.hasAttribute('required'), el.required];
  el.noTasks = true;
  el.suggestions = 3;
  el.minChars = '4';
  el.tasksLabel = 'Tasks';
  out.attrs = ['no-tasks', 'suggestions', 'min-chars', 'tasks-label'].map((a) => el.getAttribute(a));
  out.typed = [el.noTasks, el.suggestions, el.minChars];
  el.load = 'eager';
  out.load = [el.getAttribute('load'), typeof el.load];
  el.offline = false;
  out.offline = el.hasAttribute('offline');
  el.value = el.value; // a framework writing back the value it was told: no change
  out.kept = [el.value, el.jobTitle];
  el.disabled = true;
  out.disabled = [el.hasAttribute('disabled'), new FormData(form).has('job')];
  el.disabled = false;
  out.enabled = new FormData(form).get('job');
  return out;
}

const REFLECTED_EXPECTED = {
  renamed: ['job', '371131'],
  required: [false, false],
  attrs: ['', '3', '4', 'Tasks'],
  typed: [true, 3, 4],
  load: ['eager', 'function'],
  offline: false,
  kept: ['371131', 'brickie'],
  disabled: [true, false],
  enabled: '371131',
};

async function withStatic(root, fn) {
  const { child, url } = await startServer({ root, csp: true });
  try { await fn(url); } finally { stopServer(child); }
}

async function withDev(name, fn) {
  const { child, url } = await viteDev(name);
  try { await fn(url); } finally { child.kill(); }
}

test('the README snippets are the apps\' code, verbatim', () => {
  const bundler = readmeBlock('**With a bundler**');
  assert.ok(read('plain', 'index.html').includes(bundler), 'tests/apps/plain/index.html holds the bundler snippet');
  const [importLine, ...form] = bundler.trimEnd().split('\n');
  assert.ok(read('plain', 'src/webpack.html').includes(form.join('\n')), 'the webpack page holds its form');
  assert.ok(read('plain', 'src/main.js').includes(importLine.replace(/^<script type="module">|<\/script>$/g, '')));
  assert.equal(read('react', 'src/JobQuestion.jsx'), readmeBlock('**React 19**'));
  assert.equal(read('vue', 'src/JobQuestion.vue'), readmeBlock('**Vue 3**'));
});

for (const [name, framework] of [['react', 'React 19'], ['vue', 'Vue 3'], ['plain', null]]) {
  test(`${name}: Vite dev server, no config for the package`, () => withDev(name, (url) => codeBrickie(url, { framework })));

  test(`${name}: Vite production build emits only the pack in use and works served statically (CSP)`, async () => {
    rmSync(app(name, 'dist'), { recursive: true, force: true });
    run(process.execPath, [app(name, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], app(name));
    assertOnlyOsca(listFiles(app(name, 'dist')), `${name}'s vite build`);
    await withStatic(app(name, 'dist'), (url) => codeBrickie(url, { framework }));
  });
}

test('plain: the main entry (both packs) on the Vite dev server fetches only the pack in use', () => withDev('plain', async (url) => {
  const page = await browser.newPage();
  const packs = [];
  page.on('request', (r) => { if (r.url().includes('.ocpk')) packs.push(path.basename(new URL(r.url()).pathname)); });
  try {
    await page.goto(new URL('all.html', url).href);
    const input = page.locator('occupation-coder input');
    await input.click();
    await input.pressSequentially('brickie');
    await page.locator('occupation-coder [role=option]', { hasText: '331111' }).waitFor({ timeout: 20_000 }); // ANZSCO Bricklayer
    assert.deepEqual(packs, ['anzsco2022.ocpk']);
  } finally {
    await page.close();
  }
}));

test('plain: webpack with no config emits only the pack in use and works served statically (CSP)', async () => {
  const out = app('plain', 'dist-webpack');
  rmSync(out, { recursive: true, force: true });
  run(process.execPath, [app('plain', 'node_modules/webpack-cli/bin/cli.js'), '--mode', 'production', '--entry', './src/main.js', '--output-path', out], app('plain'));
  copyFileSync(app('plain', 'src/webpack.html'), path.join(out, 'index.html'));
  assertOnlyOsca(listFiles(out), 'the webpack build');
  await withStatic(out, (url) => codeBrickie(url, { framework: null }));
});

test('react: the package\'s JSX types check under React 19 (tsc --noEmit, no lib: esnext)', () => {
  run(process.execPath, [app('react', 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.'], app('react'));
});

test('vue: the package\'s template types (GlobalComponents) check (tsc --noEmit, no lib: esnext)', () => {
  run(process.execPath, [app('vue', 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.'], app('vue'));
});
