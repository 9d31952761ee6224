// loadCoder (`occupation-coder/coder`) from this checkout: every kind of source and every
// typed error in Node, and the browser entry fetching the wasm module and a pack in headless
// Chromium.
//   npm run test:package
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, requireBuilt, startServer, stopServer, launch, watchErrors } from '../browser.mjs';

const OSCA = path.join(REPO, 'www/models/osca2024.ocpk');
let m; // the Node entry's exports

before(async () => {
  requireBuilt();
  m = await import(pathToFileURL(path.join(REPO, 'www/occupation-coder-coder-node.mjs')).href);
});

/** The rejection of `p`, which must reject. */
async function rejected(p) {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

function bricklayer(coder, code = '371131') {
  assert.ok(coder.suggest('brickie', '', 5).some((s) => s.code === code), `${code} for brickie`);
}

describe('Node: sources', () => {
  let server;
  let base;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/osca2024.ocpk') res.end(readFileSync(OSCA));
      else res.writeHead(404).end('not found');
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => new Promise((r) => server.close(r)));

  test('each shipped classification', async () => {
    assert.deepEqual([...m.CLASSIFICATIONS], ['osca2024', 'anzsco2022']);
    const osca = await m.loadCoder('osca2024');
    assert.equal(osca.info().classification, 'osca2024');
    bricklayer(osca);
    const anzsco = await m.loadCoder('anzsco2022');
    assert.equal(anzsco.info().classification, 'anzsco2022');
    bricklayer(anzsco, '331111');
    assert.ok(osca instanceof m.OccupationCoder);
    assert.equal(m.limits().maxBatch, 300);
  });

  test('{ url }: a path, a file: URL object or string, an http URL, a data: URL', async () => {
    const data = `data:application/octet-stream;base64,${readFileSync(OSCA).toString('base64')}`;
    for (const url of [OSCA, path.relative(process.cwd(), OSCA), pathToFileURL(OSCA), pathToFileURL(OSCA).href, `${base}/osca2024.ocpk`, new URL(`${base}/osca2024.ocpk`), data]) {
      const c = await m.loadCoder({ url });
      assert.equal(c.info().classification, 'osca2024', String(url));
      bricklayer(c);
    }
  });

  test('{ bytes }: a Uint8Array, a Buffer, an ArrayBuffer', async () => {
    const buf = readFileSync(OSCA);
    const u8 = new Uint8Array(buf);
    for (const bytes of [u8, buf, u8.buffer]) bricklayer(await m.loadCoder({ bytes }));
  });

  test('calls in parallel, before the module is ready, all load', async () => {
    const coders = await Promise.all([m.loadCoder('osca2024'), m.loadCoder('anzsco2022'), m.loadCoder('osca2024')]);
    assert.deepEqual(coders.map((c) => c.info().classification), ['osca2024', 'anzsco2022', 'osca2024']);
  });
});

describe('Node: typed errors', () => {
  async function check(source, code, pattern, cls = m.CoderLoadError) {
    const e = await rejected(m.loadCoder(source));
    assert.ok(e instanceof Error && e instanceof cls, `${code}: ${e}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return e;
  }

  test('an unknown classification', async () => {
    await check('isco08', 'UNKNOWN_CLASSIFICATION', /unknown classification "isco08": use one of osca2024, anzsco2022/);
    await check('OSCA2024', 'UNKNOWN_CLASSIFICATION', /OSCA2024/);
    await check('', 'UNKNOWN_CLASSIFICATION', /unknown classification ""/);
  });

  test('arguments that are not a source', async () => {
    await check(undefined, 'BAD_INPUT', /takes a classification.*got undefined/);
    await check(null, 'BAD_INPUT', /got null/);
    await check(42, 'BAD_INPUT', /got number 42/);
    await check({ path: OSCA }, 'BAD_INPUT', /got an object with keys \["path"\]/);
    await check({ bytes: 'www/models/osca2024.ocpk' }, 'BAD_INPUT', /\{ bytes \} must be a Uint8Array.*got the string/);
    await check({ bytes: [1, 2, 3] }, 'BAD_INPUT', /got an array/);
    await check({ url: 7 }, 'BAD_INPUT', /\{ url \} must be a string or a URL, got number 7/);
  });

  test('a missing file, a directory', async () => {
    const e = await check({ url: '/no/such/dir/osca2024.ocpk' }, 'PACK_NOT_FOUND', /\/no\/such\/dir\/osca2024\.ocpk does not exist/);
    assert.equal(e.cause.code, 'ENOENT');
    await check({ url: path.join(REPO, 'www/models') }, 'PACK_READ_FAILED', /cannot read model pack .*models/);
  });

  test("bad bytes reject with the decoder's code, naming the file they came from", async () => {
    const pack = new Uint8Array(readFileSync(OSCA));
    await check({ bytes: pack.slice(0, pack.length >> 1) }, 'PACK_TRUNCATED', /truncated/, Error);
    await check({ bytes: new TextEncoder().encode('<!doctype html><p>Not found') }, 'PACK_BAD_MAGIC', /not an occupation-coder model pack/, Error);
    await check({ bytes: new Uint8Array() }, 'PACK_TOO_SHORT', /0 bytes/, Error);
    const e = await check({ url: path.join(REPO, 'package.json') }, 'PACK_BAD_MAGIC', /package\.json: not an occupation-coder model pack/, Error);
    assert.ok(!(e instanceof m.CoderLoadError));
  });

  test('an http URL that is not there', async () => {
    const server = http.createServer((req, res) => res.writeHead(404).end());
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${server.address().port}/x.ocpk`;
    try {
      const e = await check({ url }, 'FETCH_HTTP_STATUS', /HTTP status 404/, Error);
      assert.ok(e.message.includes(url));
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('after every failure, a good source still loads', async () => {
    bricklayer(await m.loadCoder('osca2024'));
  });
});

describe('browser entry in headless Chromium', () => {
  let server;
  let browser;
  let page;
  const errors = [];
  before(async () => {
    server = await startServer({ root: path.join(REPO, 'www') });
    browser = await launch();
    page = await browser.newPage();
    await watchErrors(page, errors);
    await page.goto(`${server.url}index.html`);
  }, { timeout: 60_000 });
  after(async () => {
    await browser?.close();
    stopServer(server?.child);
  });

  test("loadCoder('osca2024') fetches the wasm module and the pack next to it; typed errors", async () => {
    assert.ok(existsSync(path.join(REPO, 'www/occupation-coder-coder.mjs')));
    const out = await page.evaluate(async () => {
      const { loadCoder, CoderLoadError } = await import('/occupation-coder-coder.mjs');
      const osca = await loadCoder('osca2024');
      const anzsco = await loadCoder('anzsco2022');
      const bytes = new Uint8Array(await (await fetch('/models/osca2024.ocpk')).arrayBuffer());
      const fromBytes = await loadCoder({ bytes });
      const fromUrl = await loadCoder({ url: 'models/anzsco2022.ocpk' });
      const errs = [];
      for (const s of ['isco08', { url: '/models/missing.ocpk' }, { bytes: bytes.slice(0, 100) }, 5]) {
        try {
          await loadCoder(s);
          errs.push('loaded');
        } catch (e) {
          errs.push([e.code, e instanceof CoderLoadError]);
        }
      }
      return {
        codes: [osca, anzsco, fromBytes, fromUrl].map((c) => c.suggest('brickie', '', 5)[0].code),
        errs,
      };
    });
    assert.deepEqual(out.codes, ['371131', '331111', '371131', '331111']);
    assert.deepEqual(out.errs, [['UNKNOWN_CLASSIFICATION', true], ['FETCH_HTTP_STATUS', false], ['PACK_TRUNCATED', false], ['BAD_INPUT', true]]);
    // The 404 asked for above is the only console error.
    assert.deepEqual(errors.filter((e) => !e.includes('missing.ocpk') && !/404/.test(e)), []);
  });
});
