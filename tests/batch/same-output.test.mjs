// The batch page's coding core (www/batch-core.mjs, run here in Node with the same WebAssembly
// module and pack the page uses) writes byte for byte what `occupation-coder code` writes, on
// hand-made edge cases and on a generated file with malformed rows and a recoding column.
//   node --test tests/batch/
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(REPO, 'target/release/occupation-coder');
const PACK = (c) => path.join(REPO, `www/models/${c}.ocpk`);
let OccupationCoder, BatchCoder, dir;
const coders = {};
const packs = {};

before(async () => {
  for (const f of [CLI, PACK('osca2024'), PACK('anzsco2022'), path.join(REPO, 'www/pkg/occupation_coder_bg.wasm')]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`make build\``);
  }
  const pkg = await import('../../www/pkg/occupation_coder.js');
  pkg.initSync({ module: readFileSync(path.join(REPO, 'www/pkg/occupation_coder_bg.wasm')) });
  OccupationCoder = pkg.OccupationCoder;
  ({ BatchCoder } = await import('../../www/batch-core.mjs'));
  for (const c of ['osca2024', 'anzsco2022']) {
    packs[c] = new Uint8Array(readFileSync(PACK(c)));
    coders[c] = OccupationCoder.fromBytes(packs[c]);
  }
  dir = mkdtempSync(path.join(tmpdir(), 'occ-batch-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
});

/** The page's output for a file, read in `chunk`-byte pieces; `options` as BatchCoder's. */
function page(file, classification, columns, chunk = 65536, options = {}) {
  const bytes = readFileSync(file);
  const b = new BatchCoder(coders[classification], columns, { pack: packs[classification], ...options });
  let out = '';
  for (let i = 0; i < bytes.length; i += chunk) out += b.push(new Uint8Array(bytes.subarray(i, i + chunk)));
  return { text: out + b.end(), summary: b.summary };
}

function cli(file, classification, extra = [], { ok = true } = {}) {
  const out = path.join(dir, `${path.basename(file)}.${classification}.out.csv`);
  const r = spawnSync(CLI, ['code', '--pack', PACK(classification), '--input', file, '--output', out, '--quiet', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (!ok) return { status: r.status, stderr: r.stderr.toString() };
  assert.equal(r.status, 0, r.stderr.toString());
  return { text: readFileSync(out, 'utf8'), stderr: r.stderr.toString() };
}

function assertSame(a, b) {
  if (a === b) return;
  const x = a.split('\n'), y = b.split('\n');
  const i = x.findIndex((l, k) => l !== y[k]);
  assert.fail(`outputs differ first at output line ${i + 1}:\npage: ${JSON.stringify(x[i])}\ncli:  ${JSON.stringify(y[i])}`);
}

const EDGE = Buffer.concat([
  Buffer.from('\ufeffid,title,tasks,anzsco\r\n'),
  Buffer.from('1,brickie,laying bricks,\r\n2,"Registered nurse","aged care, medication",\n'),
  Buffer.from('3,"two\r\nline title",tasks,\n\n4,,,\n5,too,many,fields,here\n6\n'),
  Buffer.from('7,caf'), Buffer.from([0xe9, 0xff]), Buffer.from(',bad utf8,\n'),
  Buffer.from('8,5\'10" tall,quote,\n9,"nurse" (acting),after,\n10,data engineer,building pipelines,261313\n'),
  Buffer.from('11,,,331111\n12,,,999999\n13,x,y, 261313 \r14,"a ""quoted"" title",",",\n'),
  Buffer.from('15,"never closed,oops,\n16,last,row,'),
]);

test('edge cases: the same bytes as the CLI, for both packs, with and without recoding', () => {
  const file = path.join(dir, 'edge.csv');
  writeFileSync(file, EDGE);
  for (const [classification, recode] of [['osca2024', true], ['osca2024', false], ['anzsco2022', false]]) {
    const want = cli(file, classification, recode ? ['--recode-column', 'anzsco'] : []);
    for (const chunk of [1, 7, 65536]) {
      const got = page(file, classification, { title: 1, tasks: 2, id: 0, source: recode ? 3 : -1 }, chunk);
      assertSame(got.text, want.text);
    }
  }
});

test('edge cases: each malformed row is an error row with the reason, in order', async () => {
  const file = path.join(dir, 'edge.csv');
  writeFileSync(file, EDGE);
  const { text } = page(file, 'osca2024', { title: 1, tasks: 2, id: 0, source: 3 });
  const { parseCsv, csvRow } = await import('../../www/batch-csv.mjs');
  const rows = parseCsv(text).slice(1);
  assert.deepEqual(rows.map((r) => r.fields[0]), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15']);
  // Without the three provenance columns (tested below), so the patterns end at suggestions.
  const byId = Object.fromEntries(rows.map((r) => [r.fields[0], csvRow(r.fields.slice(0, -3)).trimEnd()]));
  assert.match(byId[5], /,error,line 8: 5 fields where the header has 4,$/);
  assert.match(byId[6], /,error,line 9: 1 fields where the header has 4,$/);
  assert.match(byId[7], /,error,line 10: invalid UTF-8 \(shown with replacement characters\),$/);
  assert.match(byId[8], /,error,line 11: bad quoting: a quote inside an unquoted field,$/);
  assert.match(byId[9], /,error,line 12: bad quoting: text after a closing quote,$/);
  assert.match(byId[10], /^10,data engineer,building pipelines,261313,223233,[^,]+,6,[0-9.]+,coded,,$/);
  assert.match(byId[11], /^11,,,331111,371131,Bricklayer,6,1\.0000,coded,,$/);
  assert.match(byId[12], /,uncoded,unknown-source-code,$/);
  assert.match(byId[15], /,error,line 18: bad quoting: a quoted field is not closed before the end of the input,$/);
  assert.match(byId[4], /,uncoded,empty,$/);
});

test('recoding: ANZSCO 261313 + "data engineer" -> OSCA 223233; 331111 -> 371131 (certain)', () => {
  const c = coders.osca2024;
  const r = c.recode('261313', { title: 'data engineer', tasks: '' });
  assert.equal(r.results[0].codeCategory, '223233');
  const b = c.recode('331111', { title: '', tasks: '' });
  assert.equal(b.results[0].codeCategory, '371131');
  assert.equal(b.results[0].codeConfidence, 1);
});

test('a generated file (20,000 rows, malformed rows, recoding column): same bytes as the CLI', async () => {
  const file = path.join(dir, 'gen.csv');
  const { malformed } = await generate(20000, file, { seed: 7, anzsco: true });
  const want = cli(file, 'osca2024', ['--recode-column', 'anzsco']);
  const got = page(file, 'osca2024', { title: 1, tasks: 2, id: 0, source: 3 });
  assertSame(got.text, want.text);
  assert.equal(got.summary.rows, 20000);
  assert.equal(got.summary.errors, malformed.size);
  assert.match(want.stderr, new RegExp(`20000 rows .* ${malformed.size} errors`));
});

test('provenance: every row ends with the classification, its version and the model version, as the CLI writes them', async () => {
  const { parseCsv } = await import('../../www/batch-csv.mjs');
  const file = path.join(dir, 'prov.csv');
  writeFileSync(file, 'id,title\n1,brickie\n2,"bad"x\n');
  for (const [c, version] of [['osca2024', 'OSCA 2024 v1.0'], ['anzsco2022', 'ANZSCO 2022 Australian Update']]) {
    const want = cli(file, c);
    const got = page(file, c, { title: 1, tasks: -1, id: 0, source: -1 });
    assertSame(got.text, want.text);
    const rows = parseCsv(got.text);
    assert.deepEqual(rows[0].fields.slice(-3), ['classification', 'classification_version', 'model_version']);
    const b = packs[c].subarray(-4);
    const crc = Buffer.from(b).readUInt32LE(0).toString(16).padStart(8, '0');
    for (const r of rows.slice(1)) assert.deepEqual(r.fields.slice(-3), [c, version, `0.1.0+${crc}`]);
  }
});

test('--safe-csv and the page\'s safe CSV: the same bytes, formulas guarded', async () => {
  const file = path.join(dir, 'formula.csv');
  writeFileSync(file, 'id,title,tasks\n-5,=HYPERLINK("http://x"),+cmd\n@2,"=1,2",ok\n3,brickie,\tx\n');
  const want = cli(file, 'osca2024', ['--safe-csv']);
  const got = page(file, 'osca2024', { title: 1, tasks: 2, id: 0, source: -1 }, 65536, { safeCsv: true });
  assertSame(got.text, want.text);
  assert.match(got.text, /^'-5,"'=HYPERLINK\(""http:\/\/x""\)",'\+cmd,/m);
  assert.match(got.text, /^'@2,"'=1,2",ok,/m);
  const plain = page(file, 'osca2024', { title: 1, tasks: 2, id: 0, source: -1 });
  assertSame(plain.text, cli(file, 'osca2024').text);
  assert.match(plain.text, /^-5,"=HYPERLINK/m);
});

test('an input column named like an output column: both refuse, naming it', async () => {
  const { BatchError } = await import('../../www/batch-core.mjs');
  for (const name of ['Status', ' model_version ', 'classification']) {
    const file = path.join(dir, 'clash.csv');
    writeFileSync(file, `id,title,${name}\n1,brickie,x\n`);
    const r = cli(file, 'osca2024', [], { ok: false });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`column "${name}", a name the output gives one of its own columns`));
    assert.throws(() => page(file, 'osca2024', { title: 1, tasks: -1, id: 0, source: -1 }), (e) => {
      assert.ok(e instanceof BatchError);
      assert.equal(e.code, 'COLUMN_CLASH');
      assert.match(e.message, new RegExp(`column "${name}", a name the output gives one of its own columns .*rename that input column`));
      return true;
    });
  }
});

test('a semicolon or tab file read with its delimiter gives the comma file\'s output', () => {
  const rows = [['id', 'title', 'tasks'], ['1', 'brickie', 'laying bricks; mortar'], ['2', 'nurse, registered', 'aged care']];
  const quote = (f, d) => (/[",\r\n]/.test(f) || f.includes(d) ? `"${f.replaceAll('"', '""')}"` : f);
  const write = (d, name) => {
    const file = path.join(dir, name);
    writeFileSync(file, rows.map((r) => r.map((f) => quote(f, d)).join(d)).join('\r\n') + '\r\n');
    return file;
  };
  const cols = { title: 1, tasks: 2, id: 0, source: -1 };
  const want = cli(write(',', 'comma.csv'), 'osca2024').text;
  for (const [d, name] of [[';', 'semi.csv'], ['\t', 'tab.tsv']]) {
    assertSame(page(write(d, name), 'osca2024', cols, 5, { delimiter: d }).text, want);
  }
});
