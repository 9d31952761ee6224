// The WebAssembly API in Node: www/pkg (built by .ci/build-wasm.sh, wasm-bindgen --target web)
// loaded with initSync, coding with the real model packs in www/models.
//   node --test tests/wasm/
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  REPO, PKG_JS, PKG_WASM, PKG_DTS, PACKS, BRICKLAYER, requireBuilt,
  checkSuggestions, checkCoded, checkUncoded, checkInfo, checkThrown,
} from './checks.mjs';

let wasm; // the module's exports
let packs; // classification -> bytes
let coders; // classification -> OccupationCoder
let exports; // the WebAssembly instance's exports (its memory among them)

before(async () => {
  requireBuilt();
  wasm = await import(pathToFileURL(path.join(REPO, PKG_JS)).href);
  exports = wasm.initSync({ module: readFileSync(path.join(REPO, PKG_WASM)) });
  packs = {};
  coders = {};
  for (const [name, file] of Object.entries(PACKS)) {
    packs[name] = new Uint8Array(readFileSync(path.join(REPO, file)));
    coders[name] = wasm.OccupationCoder.fromBytes(packs[name]);
  }
});

after(() => {
  for (const c of Object.values(coders ?? {})) c.free();
});

/** Calls f, which must throw; returns the error. */
function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('expected an exception');
}

async function rejected(p) {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

/** CRC-32 (IEEE), as the pack trailer uses. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
/** Rewrites the trailing CRC so damage reaches the decoders instead of the checksum. */
function withValidCrc(bytes) {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

describe('OSCA 2024 pack', () => {
  test('info() and the metadata getter describe the pack', () => {
    const c = coders.osca2024;
    checkInfo(c.info(), 'osca2024');
    assert.deepEqual(c.metadata, c.info());
  });

  test("suggest('brickie', '', 5) includes Bricklayer 371131 with consistent confidences", () => {
    const s = coders.osca2024.suggest('brickie', '', 5);
    checkSuggestions(s, 5);
    assert.ok(s.some((x) => x.code === '371131'), `371131 in ${s.map((x) => x.code)}`);
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'results are JSON-compatible plain data');
  });

  test('suggest: tasks and k are optional, k defaults to 5', () => {
    const c = coders.osca2024;
    assert.deepEqual(c.suggest('brickie'), c.suggest('brickie', '', 5));
    assert.deepEqual(c.suggest('brickie', null), c.suggest('brickie', '', 5));
    checkSuggestions(c.suggest('bricklayer', 'lay bricks and blocks', 1), 1);
    assert.deepEqual(c.suggest('', '', 5), [], 'no words, no suggestions');
  });

  test("code({title: 'retired'}) is successful with a 0999 code", () => {
    const r = coders.osca2024.code({ title: 'retired' });
    checkCoded(r, '0999');
    assert.ok(!('id' in r), 'no id key when the record had none');
  });

  test("code({title: ''}) is unsuccessful with reason 'empty'", () => {
    const r = coders.osca2024.code({ title: '' });
    checkUncoded(r, 'empty');
    assert.deepEqual(r.suggestions, []);
    checkUncoded(coders.osca2024.code({ title: '  ...  ', tasks: null }), 'empty');
  });

  test('code keeps the id; codeBatch codes in order', () => {
    const c = coders.osca2024;
    const records = [
      { id: 'a', title: 'brickie' },
      { id: 'b', title: '' },
      { title: 'retired', tasks: 'no longer working' },
    ];
    const out = c.codeBatch(records);
    assert.equal(out.length, 3);
    assert.deepEqual(out[0], c.code(records[0]));
    assert.equal(out[0].id, 'a');
    assert.equal(out[1].id, 'b');
    checkUncoded(out[1], 'empty');
    checkCoded(out[2], '0999');
    assert.deepEqual(c.codeBatch([]), []);
    assert.equal(c.codeBatch(Array.from({ length: 300 }, () => ({ title: 'brickie' }))).length, 300);
  });

  test('codeFields gives the seven batch columns of each record, as codeBatch decides', async () => {
    const { resultFields } = await import(pathToFileURL(path.join(REPO, 'www/batch-core.mjs')).href);
    const c = coders.osca2024;
    const records = [
      { title: 'brickie' },
      { title: '' },
      { title: 'Retail assistant', tasks: 'installing wiring' },
      { title: 'xyzzy qwrtp' },
      { title: 'accountant' },
      { title: 'retired' },
    ];
    const flat = c.codeFields(records);
    assert.equal(flat.length, records.length * 7);
    const batch = c.codeBatch(records);
    records.forEach((_, i) => assert.deepEqual(flat.slice(i * 7, i * 7 + 7), resultFields(batch[i]), `record ${i}`));
    assert.deepEqual(flat.slice(0, 7), ['371131', 'Bricklayer', '6', flat[3], 'coded', '', '']);
    assert.deepEqual(flat.slice(7, 14), ['', '', '', '', 'uncoded', 'empty', '']);
    assert.deepEqual(c.codeFields([]), []);
    checkThrown(thrown(() => c.codeFields(Array.from({ length: 301 }, () => ({ title: 'brickie' })))), 'BATCH_TOO_LARGE', /301 records/);
    checkThrown(thrown(() => c.codeFields('brickie')), 'BAD_INPUT', /array/);
  });

  test('codeBatch of 301 records throws BATCH_TOO_LARGE', () => {
    const records = Array.from({ length: 301 }, (_, i) => ({ id: String(i), title: 'brickie' }));
    checkThrown(thrown(() => coders.osca2024.codeBatch(records)), 'BATCH_TOO_LARGE', /301 records.*at most 300/);
  });

  test('bad inputs throw BAD_INPUT or BAD_K with the Rust message', () => {
    const c = coders.osca2024;
    checkThrown(thrown(() => c.code({})), 'BAD_INPUT', /missing field `title`/);
    checkThrown(thrown(() => c.code({ tasks: 'laying bricks' })), 'BAD_INPUT', /title/);
    checkThrown(thrown(() => c.code({ title: 42 })), 'BAD_INPUT', /invalid type.*expected a string/);
    checkThrown(thrown(() => c.code({ title: 'x', id: 7 })), 'BAD_INPUT', /invalid type/);
    checkThrown(thrown(() => c.code(null)), 'BAD_INPUT', /must be an object.*got null/);
    checkThrown(thrown(() => c.code(['brickie'])), 'BAD_INPUT', /must be an object.*got an array/);
    checkThrown(thrown(() => c.code('brickie')), 'BAD_INPUT', /must be an object.*got the string "brickie"/);
    checkThrown(thrown(() => c.codeBatch('brickie')), 'BAD_INPUT', /array/);
    checkThrown(thrown(() => c.codeBatch([{ title: 'a' }, { title: 'b' }, {}])), 'BAD_INPUT', /record 2/);
    checkThrown(thrown(() => c.suggest(5)), 'BAD_INPUT', /title must be a string, got 5/);
    checkThrown(thrown(() => c.suggest(undefined)), 'BAD_INPUT', /title must be a string, got undefined/);
    checkThrown(thrown(() => c.suggest('brickie', 3)), 'BAD_INPUT', /tasks must be a string/);
    checkThrown(thrown(() => c.suggest('brickie', '', 0)), 'BAD_K', /k must be between 1 and 50, got 0/);
    checkThrown(thrown(() => c.suggest('brickie', '', 51)), 'BAD_K', /got 51/);
    checkThrown(thrown(() => c.suggest('brickie', '', 2.5)), 'BAD_INPUT', /k must be a positive whole number, got 2.5/);
    checkThrown(thrown(() => c.suggest('brickie', '', -1)), 'BAD_INPUT', /got -1/);
    checkThrown(thrown(() => c.suggest('brickie', '', '5')), 'BAD_INPUT', /got the string "5"/);
    checkThrown(thrown(() => wasm.OccupationCoder.fromBytes(packs.osca2024.buffer)), 'BAD_INPUT', /Uint8Array/);
    checkThrown(thrown(() => wasm.OccupationCoder.fromBytes('www/models/osca2024.ocpk')), 'BAD_INPUT', /Uint8Array, got the string/);
    // ...and the coder still works.
    checkSuggestions(c.suggest('brickie', '', 5), 5);
  });

  test('throwing getters and Proxy records throw an Error with a string code, and the coder still works', () => {
    const c = coders.osca2024;
    const boom = () => { throw new Error('getter says no'); };
    const getter = { get title() { return boom(); } };
    const trap = new Proxy({}, { get: boom });
    const { proxy: revoked, revoke } = Proxy.revocable({ title: 'baker' }, {});
    revoke();
    const arrayTrap = new Proxy([{ title: 'baker' }], { get: (t, k) => (k === 'length' ? 1 : boom()) });
    const lengthTrap = new Proxy([], { get: boom });
    const thrownString = { get title() { throw 'a string, not an Error'; } };
    const cases = [
      () => c.code(getter), () => c.code(trap), () => c.code(revoked), () => c.code(thrownString),
      () => c.codeBatch([{ title: 'a' }, getter]), () => c.codeFields([trap]), () => c.codeBatch(arrayTrap),
      () => c.codeFields(lengthTrap), () => c.codeBatch(revoked), () => c.recode('261313', getter),
    ];
    for (const f of cases) {
      const e = thrown(f);
      assert.ok(e instanceof Error, `${f}: ${e}`);
      assert.equal(typeof e.code, 'string', `${f}: ${e}`);
      assert.equal(e.code, 'BAD_INPUT', `${f}: ${e.message}`);
    }
    assert.match(thrown(() => c.code(getter)).message, /record's title threw: getter says no/);
    assert.match(thrown(() => c.code(thrownString)).message, /a string, not an Error/);
    // A Proxy that reads like a record is coded like one.
    const plain = c.code({ title: 'baker' });
    assert.deepEqual(c.code(new Proxy({ title: 'baker' }, {})), plain);
    // ...and nothing was left borrowed.
    checkSuggestions(c.suggest('brickie', '', 5), 5);
    assert.equal(c.codeBatch([{ title: 'baker' }]).length, 1);
  });
});

describe('limits and long texts', () => {
  const chars = (s) => [...s].length;

  test('limits() gives the bounds every call is held to', () => {
    assert.deepEqual(wasm.limits(), { maxBatch: 300, maxK: 50, maxTextChars: 10000 });
  });

  test('one text limit: code and codeFields say too-long, suggest and suggestWithin throw TEXT_TOO_LONG', () => {
    const c = coders.osca2024;
    const { maxTextChars: max } = wasm.limits();
    // Characters, not UTF-16 units: a brick emoji is two units. 10,001 of them is the first
    // length screened before it is copied into WebAssembly memory (over 20,000 units).
    for (const unit of ['a', 'é', '🧱']) {
      for (const [title, tasks] of [[unit.repeat(max), ''], ['', unit.repeat(max)], [unit.repeat(max / 2), unit.repeat(max / 2)]]) {
        const where = `${chars(title)} + ${chars(tasks)} of ${unit}`;
        assert.notEqual(c.code({ title, tasks }).reason, 'too-long', `${where}: at the limit`);
        c.suggest(title, tasks, 3);
        c.suggestWithin('3', title, tasks, 3);
        for (const [t, k] of [[title + unit, tasks], [title, tasks + unit]]) {
          const r = c.code({ id: 'x', title: t, tasks: k });
          checkUncoded(r, 'too-long');
          assert.equal(r.id, 'x');
          assert.deepEqual(c.codeFields([{ title: t, tasks: k }]), ['', '', '', '', 'uncoded', 'too-long', '']);
          assert.equal(c.recode('261313', { title: t, tasks: k }).reason, 'too-long');
          checkThrown(thrown(() => c.suggest(t, k, 3)), 'TEXT_TOO_LONG', /longer than 10000 characters; shorten them/);
          checkThrown(thrown(() => c.suggestWithin('3', t, k, 3)), 'TEXT_TOO_LONG', /longer than 10000 characters/);
        }
      }
    }
    // A bad k is still a bad k.
    checkThrown(thrown(() => c.suggest('a'.repeat(max + 1), '', 0)), 'BAD_K', /got 0/);
    // Bad shapes are still reported as such when a field is long.
    checkThrown(thrown(() => c.code({ title: 'x'.repeat(3 * max), tasks: 5 })), 'BAD_INPUT', /invalid type/);
    checkThrown(thrown(() => c.code({ tasks: 'x'.repeat(3 * max) })), 'BAD_INPUT', /missing field `title`/);
  });

  test("the widget's text limit is the module's, counted the same way", async () => {
    const client = await import(pathToFileURL(path.join(REPO, 'www/occupation-coder-client.mjs')).href);
    const { maxTextChars: max } = wasm.limits();
    assert.equal(client.MAX_TEXT_CHARS, max);
    const c = coders.osca2024;
    for (const unit of ['a', 'é', '🧱', '\u{FDFA}']) {
      for (const n of [max - 1, max, max + 1, 2 * max]) {
        for (const split of [0, 1, n >> 1]) {
          const [title, tasks] = [unit.repeat(split), unit.repeat(n - split)];
          const rust = c.code({ title, tasks }).reason === 'too-long';
          assert.equal(client.textTooLong(title, tasks), rust, `${split} + ${n - split} of ${unit}`);
          assert.equal(rust, n > max);
        }
      }
    }
  });

  test('a huge text is judged without growing WebAssembly memory', () => {
    const c = coders.osca2024;
    const huge = 'brickie '.repeat(8 << 20); // 64 MiB
    const before = exports.memory.buffer.byteLength;
    checkThrown(thrown(() => c.suggest(huge)), 'TEXT_TOO_LONG', /shorten/);
    checkThrown(thrown(() => c.suggestWithin('3', 'brickie', huge)), 'TEXT_TOO_LONG', /shorten/);
    checkUncoded(c.code({ title: 'brickie', tasks: huge }), 'too-long');
    assert.deepEqual(c.codeBatch([{ title: huge }, { title: '' }]).map((r) => r.reason), ['too-long', 'empty']);
    const grew = exports.memory.buffer.byteLength - before;
    assert.ok(grew < 4 << 20, `memory grew by ${grew} bytes`);
    checkSuggestions(c.suggest('brickie', '', 5), 5);
  });

  test('a batch over the limit is refused before its records are read', () => {
    const c = coders.osca2024;
    // Record 300 is malformed: BATCH_TOO_LARGE, not BAD_INPUT, says the length came first.
    const records = [...Array.from({ length: 300 }, () => ({ title: 'brickie' })), { title: 42 }];
    checkThrown(thrown(() => c.codeBatch(records)), 'BATCH_TOO_LARGE', /301 records/);
    checkThrown(thrown(() => c.codeFields(records)), 'BATCH_TOO_LARGE', /301 records/);
    const million = new Array(1_000_000).fill({ title: 'brickie' });
    const start = performance.now();
    checkThrown(thrown(() => c.codeFields(million)), 'BATCH_TOO_LARGE', /1000000 records/);
    assert.ok(performance.now() - start < 100, `refused in ${performance.now() - start} ms`);
  });
});

describe('ANZSCO 2022 pack', () => {
  test('info() says anzsco2022', () => {
    checkInfo(coders.anzsco2022.info(), 'anzsco2022');
  });

  test("suggest('brickie') includes Bricklayer 331111", () => {
    const s = coders.anzsco2022.suggest('brickie', '', 5);
    checkSuggestions(s, 5);
    assert.ok(s.some((x) => x.code === BRICKLAYER.anzsco2022), `331111 in ${s.map((x) => x.code)}`);
  });

  test('both packs are usable side by side', () => {
    assert.ok(coders.osca2024.suggest('brickie', '', 3).some((x) => x.code === BRICKLAYER.osca2024));
    assert.ok(coders.anzsco2022.suggest('brickie', '', 3).some((x) => x.code === BRICKLAYER.anzsco2022));
  });
});

describe('damaged packs', () => {
  const stillWorks = () => {
    checkSuggestions(coders.osca2024.suggest('brickie', '', 5), 5);
    const fresh = wasm.OccupationCoder.fromBytes(packs.osca2024);
    checkInfo(fresh.info(), 'osca2024');
    fresh.free();
  };

  test('truncated: the end sliced off', () => {
    const p = packs.osca2024;
    checkThrown(thrown(() => wasm.OccupationCoder.fromBytes(p.slice(0, p.length - 1))), 'PACK_TRUNCATED', /truncated/);
    checkThrown(thrown(() => wasm.OccupationCoder.fromBytes(p.slice(0, p.length >> 1))), 'PACK_TRUNCATED', /truncated/);
    checkThrown(thrown(() => wasm.OccupationCoder.fromBytes(p.slice(0, 12))), 'PACK_TRUNCATED', /truncated/);
    checkThrown(thrown(() => wasm.OccupationCoder.fromBytes(p.slice(0, 3))), 'PACK_TOO_SHORT', /too short/);
    checkThrown(thrown(() => wasm.OccupationCoder.fromBytes(new Uint8Array())), 'PACK_TOO_SHORT', /0 bytes/);
    stillWorks();
  });

  test('a byte flipped in the middle', () => {
    const p = packs.osca2024.slice();
    p[p.length >> 1] ^= 0x5a;
    checkThrown(thrown(() => wasm.OccupationCoder.fromBytes(p)), 'PACK_CHECKSUM_MISMATCH', /checksum mismatch.*corrupt/);
    stillWorks();
  });

  test('wrong magic, wrong version, trailing bytes', () => {
    const p = packs.osca2024;
    const magic = p.slice();
    magic.set([0x3c, 0x21, 0x64, 0x6f]); // "<!do", as when a server answers with an HTML page
    checkThrown(thrown(() => wasm.OccupationCoder.fromBytes(magic)), 'PACK_BAD_MAGIC', /not an occupation-coder model pack/);
    const html = new TextEncoder().encode('<!doctype html><html><body>Not found</body></html>');
    checkThrown(thrown(() => wasm.OccupationCoder.fromBytes(html)), 'PACK_BAD_MAGIC', /check the file or URL/);
    const version = p.slice();
    version[4] = 0xff;
    checkThrown(thrown(() => wasm.OccupationCoder.fromBytes(version)), 'PACK_UNSUPPORTED_VERSION', /format version 255/);
    const longer = new Uint8Array(p.length + 3);
    longer.set(p);
    checkThrown(thrown(() => wasm.OccupationCoder.fromBytes(longer)), 'PACK_TRAILING_BYTES', /3 unexpected trailing bytes/);
    stillWorks();
  });

  test('random damage behind a valid checksum never traps the module', (t) => {
    const p = packs.osca2024;
    let seed = 0x2024;
    const rand = (n) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const codes = new Map();
    for (let i = 0; i < 24; i++) {
      const bad = p.slice();
      // Mostly the header and the start of the payload, where lengths and counts live.
      const span = i % 2 ? Math.min(p.length - 4, 512) : p.length - 4;
      for (let j = 0; j < 1 + (i % 3); j++) bad[rand(span)] ^= 1 << rand(8);
      let c;
      try {
        c = wasm.OccupationCoder.fromBytes(withValidCrc(bad));
      } catch (e) {
        checkThrown(e, e.code, /model pack/);
        assert.match(e.code, /^PACK_/);
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        continue;
      }
      // Damage the decoder accepts (a weight, a label) must still code safely.
      c.suggest('brickie', 'laying bricks', 5);
      c.code({ title: 'retired' });
      c.free();
      codes.set('loaded', (codes.get('loaded') ?? 0) + 1);
    }
    assert.ok(codes.size >= 2, `damage was detected in various ways: ${[...codes]}`);
    t.diagnostic(`outcomes: ${[...codes].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    stillWorks();
  });
});

describe('fromUrl (global fetch in Node)', () => {
  let server;
  let base;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/osca2024.ocpk') {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.end(packs.osca2024);
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found\n');
      }
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  test('loads a pack over HTTP', async () => {
    const c = await wasm.OccupationCoder.fromUrl(`${base}/osca2024.ocpk`);
    checkInfo(c.info(), 'osca2024');
    assert.ok(c.suggest('brickie', '', 5).some((x) => x.code === '371131'));
    c.free();
  });

  test('a 404 rejects with the URL and the status', async () => {
    const url = `${base}/missing.ocpk`;
    const e = await rejected(wasm.OccupationCoder.fromUrl(url));
    checkThrown(e, 'FETCH_HTTP_STATUS', /HTTP status 404/);
    assert.ok(e.message.includes(url), e.message);
  });

  test('a refused connection rejects with FETCH_FAILED', async () => {
    const closed = http.createServer();
    await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${closed.address().port}/osca2024.ocpk`;
    await new Promise((resolve) => closed.close(resolve));
    const e = await rejected(wasm.OccupationCoder.fromUrl(url));
    checkThrown(e, 'FETCH_FAILED', /could not fetch model pack/);
    assert.ok(e.message.includes(url), e.message);
  });
});

describe('module surface', () => {
  test('free() releases a coder; using it afterwards throws, others keep working', () => {
    const c = wasm.OccupationCoder.fromBytes(packs.osca2024);
    c.free();
    assert.throws(() => c.suggest('brickie', '', 5));
    checkSuggestions(coders.osca2024.suggest('brickie', '', 5), 5);
  });

  test('the TypeScript declarations are precise', () => {
    const dts = readFileSync(path.join(REPO, PKG_DTS), 'utf8');
    for (const s of [
      'static fromBytes(bytes: Uint8Array): OccupationCoder;',
      'static fromUrl(url: string): Promise<OccupationCoder>;',
      'suggest(title: string, tasks?: string | null, k?: number | null): Suggestion[];',
      'code(record: OccupationRecord): CodeResult;',
      'codeBatch(records: OccupationRecord[]): CodeResult[];',
      'info(): ModelInfo;',
      'readonly metadata: ModelInfo;',
      'export interface Suggestion {',
      'export interface CodeResult {',
      'export interface ModelInfo {',
      'export interface OccupationCoderError extends Error {',
      'export function limits(): Limits;',
      'export interface Limits {',
      '| "TEXT_TOO_LONG"',
      'free(): void;',
    ]) {
      assert.ok(dts.includes(s), `occupation_coder.d.ts declares ${s}`);
    }
    const cls = dts.slice(dts.indexOf('export class OccupationCoder'), dts.indexOf('\n}', dts.indexOf('export class OccupationCoder')));
    assert.doesNotMatch(cls, /\bany\b/, 'no `any` in the OccupationCoder class');
  });
});
