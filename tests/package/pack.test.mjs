// The npm package as a user gets it: `npm pack` of this checkout, its file list, installed into
// a fresh app in a temporary folder, where `occupation-coder/coder` loads and codes in Node and
// the README's JavaScript API examples run verbatim.
//   npm run test:package
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO, requireBuilt } from '../browser.mjs';
import { readmeExamples } from './readme.mjs';

const run = promisify(execFile);
const NPM = 'npm';

let tmp; // temporary folder: the tarball and the app
let files; // paths in the tarball
let app; // the fresh app the tarball is installed into

/** Runs Node in the app; resolves with its stdout. */
async function node(args, opts = {}) {
  const { stdout } = await run(process.execPath, args, { cwd: app, timeout: 60_000, ...opts });
  return stdout;
}

before(async () => {
  requireBuilt();
  tmp = mkdtempSync(path.join(tmpdir(), 'occ-package-'));
  const { stdout } = await run(NPM, ['pack', '--json', '--pack-destination', tmp], { cwd: REPO, timeout: 120_000 });
  const [info] = JSON.parse(stdout);
  files = info.files.map((f) => f.path);
  app = path.join(tmp, 'app');
  writeFileSync(path.join(tmp, 'package.json'), '{}\n'); // keeps npm from looking above tmp
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
  await run(NPM, ['install', '--no-audit', '--no-fund', '--loglevel=error', path.join(tmp, info.filename)], { cwd: app, timeout: 120_000 });
}, { timeout: 240_000 });

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the tarball holds the licences, the notice, the changelog, both packs and the wasm module, and nothing else', () => {
  for (const f of [
    'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE-MIT', 'LICENSE-APACHE', 'NOTICE',
    'www/models/osca2024.ocpk', 'www/models/anzsco2022.ocpk',
    'www/pkg/occupation_coder.js', 'www/pkg/occupation_coder_bg.wasm', 'www/pkg/occupation_coder.d.ts',
    'www/occupation-coder.mjs', 'www/occupation-coder.d.ts', 'www/occupation-coder-worker.mjs', 'www/occupation-coder-sw.js',
    'www/occupation-coder-coder.mjs', 'www/occupation-coder-coder-node.mjs', 'www/occupation-coder-coder-common.mjs',
    'www/occupation-coder-coder.d.ts',
  ]) {
    assert.ok(files.includes(f), `${f} is in the tarball: ${files.join(', ')}`);
  }
  const allowed = /^(package\.json|README\.md|CHANGELOG\.md|LICENSE-MIT|LICENSE-APACHE|NOTICE|www\/occupation-coder[\w-]*\.(mjs|js|d\.ts)|www\/pkg\/occupation_coder[\w.]*|www\/models\/[a-z0-9]+\.ocpk)$/;
  const stray = files.filter((f) => !allowed.test(f));
  assert.deepEqual(stray, [], 'no tests, sources, reports or demo pages');
});

test("every file package.json's exports, main, types and sideEffects name is in the tarball", () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const targets = [pkg.main, pkg.types, ...pkg.sideEffects];
  const walk = (v) => (typeof v === 'string' ? targets.push(v) : Object.values(v).forEach(walk));
  walk(pkg.exports);
  for (const t of targets) {
    const f = t.replace(/^\.\//, '');
    if (f.endsWith('*')) assert.ok(files.some((x) => x.startsWith(f.slice(0, -1))), `something under ${t}`);
    else assert.ok(files.includes(f), `${t} is in the tarball`);
  }
});

test('the installed package says what it is, its licence and engines, and attributes the data', async () => {
  const meta = JSON.parse(await node(['-e', "import('occupation-coder/package.json', { with: { type: 'json' } }).then((m) => console.log(JSON.stringify(m.default)))"]));
  assert.match(meta.description, /OSCA 2024.*ANZSCO 2022/);
  assert.equal(meta.license, 'MIT OR Apache-2.0');
  assert.equal(meta.engines.node, '>=20');
  assert.ok(meta.keywords.includes('ANZSCO'));
  const dir = path.join(app, 'node_modules/occupation-coder');
  assert.match(readFileSync(path.join(dir, 'LICENSE-MIT'), 'utf8'), /^MIT License[\s\S]*Permission is hereby granted, free of charge/);
  assert.match(readFileSync(path.join(dir, 'LICENSE-APACHE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004[\s\S]*END OF TERMS AND CONDITIONS/);
  const notice = readFileSync(path.join(dir, 'NOTICE'), 'utf8');
  for (const s of ['Australian Bureau of Statistics, OSCA', 'ANZSCO', 'CC BY 4.0', 'O*NET 29.3', 'ESCO', 'Australian Skills Classification', 'International Labour Organization']) {
    assert.ok(notice.includes(s), `NOTICE attributes ${s}`);
  }
});

test("node -e: import('occupation-coder/coder'), loadCoder('osca2024'), suggest('brickie') gives 371131", async () => {
  const out = await node(['-e', "import('occupation-coder/coder').then(async (m) => { const c = await m.loadCoder('osca2024'); console.log(c.suggest('brickie')[0].code); })"]);
  assert.equal(out.trim(), '371131');
});

test('in Node, occupation-coder/coder resolves to its Node entry and touches no DOM global; the root imports without defining the element', async () => {
  assert.match(await node(['--input-type=module', '-e', "console.log(import.meta.resolve('occupation-coder/coder'))"]), /occupation-coder-coder-node\.mjs$/m);
  // Any read of a DOM global while the module loads and codes is recorded.
  const script = `
    const touched = [];
    for (const g of ['window', 'document', 'HTMLElement', 'customElements', 'self', 'navigator', 'location']) {
      Object.defineProperty(globalThis, g, { configurable: true, get() { touched.push(g); return undefined; } });
    }
    const { loadCoder } = await import('occupation-coder/coder');
    const c = await loadCoder('anzsco2022');
    console.log(JSON.stringify({ touched, code: c.suggest('brickie')[0].code }));`;
  const out = JSON.parse(await node(['--input-type=module', '-e', script]));
  assert.deepEqual(out, { touched: [], code: '331111' });
  const root = await node(['--input-type=module', '-e', "const m = await import('occupation-coder'); console.log(typeof m.OccupationCoderElement, typeof customElements)"]);
  assert.equal(root.trim(), 'function undefined');
});

test("the README's JavaScript API examples run verbatim in the app and print what they say", async () => {
  const { blocks, expected } = readmeExamples();
  assert.ok(blocks.length >= 3, `found ${blocks.length} marked examples`);
  assert.ok(expected.length >= 5, `found ${expected.length} // prints: lines`);
  const file = path.join(app, 'readme-examples.mjs');
  writeFileSync(file, blocks.join('\n\n'));
  const out = await node([file]);
  assert.deepEqual(out.trimEnd().split('\n'), expected);
});

test("a strict TypeScript app type-checks against the installed package's declarations", async () => {
  // TypeScript comes from its own pinned test app, installed once (npm ci) and reused.
  const ts = path.join(REPO, 'tests/apps/coder-ts');
  const lock = JSON.parse(readFileSync(path.join(ts, 'package-lock.json'), 'utf8'));
  const installed = path.join(ts, 'node_modules/typescript/package.json');
  const want = lock.packages['node_modules/typescript'].version;
  if (!existsSync(installed) || JSON.parse(readFileSync(installed, 'utf8')).version !== want) {
    await run(NPM, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ts, timeout: 180_000 });
  }
  copyFileSync(path.join(ts, 'check.ts'), path.join(app, 'check.ts'));
  // The app's own config, with @types/node from the TypeScript test app.
  const config = JSON.parse(readFileSync(path.join(ts, 'tsconfig.json'), 'utf8'));
  config.compilerOptions.typeRoots = [path.join(ts, 'node_modules/@types')];
  writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(config));
  const tsc = path.join(ts, 'node_modules/typescript/bin/tsc');
  // As a Node app is usually set up (skipLibCheck, as `tsc --init` writes it): the calls are
  // typed (an `any` would leave the @ts-expect-error lines unused, which fails); then every
  // declaration file checked too, with the DOM types the generated wasm declarations use.
  for (const extra of [[], ['--skipLibCheck', 'false', '--lib', 'es2022,esnext.disposable,dom']]) {
    const r = await run(process.execPath, [tsc, '-p', app, ...extra], { cwd: app, timeout: 120_000 }).catch((e) => e);
    assert.equal(r.code ?? 0, 0, `tsc ${extra.join(' ')}: ${r.stdout}${r.stderr}`);
  }
});
