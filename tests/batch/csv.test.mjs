// Unit tests of the batch page's streaming RFC 4180 reader and writer (www/batch-csv.mjs).
//   node --test tests/batch/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvReader, parseCsv, csvRow, MAX_ROW_BYTES } from '../../www/batch-csv.mjs';
import { fixed4, rustTrim } from '../../www/batch-core.mjs';

const enc = (s) => new TextEncoder().encode(s);
const fields = (rows) => rows.map((r) => r.fields);

/** The same input in every chunking gives the same rows. */
function parseChunked(bytes, size) {
  const r = new CsvReader();
  const out = [];
  for (let i = 0; i < bytes.length; i += size) r.push(bytes.subarray(i, i + size), out);
  return r.end(out);
}

test('plain rows, LF, CRLF and CR line ends, a last row without a line end', () => {
  const rows = parseCsv('a,b,c\n1,2,3\r\n4,5,6\r7,8,9');
  assert.deepEqual(fields(rows), [['a', 'b', 'c'], ['1', '2', '3'], ['4', '5', '6'], ['7', '8', '9']]);
  assert.deepEqual(rows.map((r) => r.line), [1, 2, 3, 4]);
  assert.ok(rows.every((r) => r.problem === null && !r.badUtf8));
});

test('quoted fields hold commas, doubled quotes and line breaks; lines are counted inside them', () => {
  const rows = parseCsv('id,t\n1,"a, b"\n2,"say ""hi"""\n3,"two\r\nlines"\n4,""\n5,x\n');
  assert.deepEqual(fields(rows).slice(1), [['1', 'a, b'], ['2', 'say "hi"'], ['3', 'two\r\nlines'], ['4', ''], ['5', 'x']]);
  assert.deepEqual(rows.map((r) => r.line), [1, 2, 3, 4, 6, 7]);
});

test('a byte order mark is dropped, even split across chunks; blank lines are skipped', () => {
  const bytes = enc('\ufeffid,title\n\n1,nurse\r\n\r\n2,chef\n');
  for (const size of [1, 2, 3, 4, 7, 1000]) {
    const rows = parseChunked(bytes, size);
    assert.deepEqual(fields(rows), [['id', 'title'], ['1', 'nurse'], ['2', 'chef']], `chunks of ${size}`);
    assert.deepEqual(rows.map((r) => r.line), [1, 3, 5]);
  }
  assert.deepEqual(fields(parseCsv(Uint8Array.from([0xef, 0xbb]))), [['\ufffd']]);
});

test('bad quoting is reported per row and does not disturb the next rows', () => {
  const rows = parseCsv('id,t\n1,5\'10" tall\n2,"nurse" (acting)\n3,ok\n4,"never closed\n');
  assert.equal(rows.length, 5);
  assert.deepEqual(rows[1].fields, ['1', '5\'10" tall']);
  assert.equal(rows[1].problem, 'bad quoting: a quote inside an unquoted field');
  assert.deepEqual(rows[2].fields, ['2', 'nurse (acting)']);
  assert.equal(rows[2].problem, 'bad quoting: text after a closing quote');
  assert.equal(rows[3].problem, null);
  assert.deepEqual(rows[4].fields, ['4', 'never closed\n']);
  assert.equal(rows[4].problem, 'bad quoting: a quoted field is not closed before the end of the input');
});

test('invalid UTF-8 is decoded with replacement characters and flagged', () => {
  const bytes = Uint8Array.from([...enc('1,caf'), 0xe9, ...enc(',x\n2,café\n')]);
  const rows = parseCsv(bytes);
  assert.deepEqual(rows[0].fields, ['1', 'caf\ufffd', 'x']);
  assert.equal(rows[0].badUtf8, true);
  assert.deepEqual(rows[1].fields, ['2', 'café']);
  assert.equal(rows[1].badUtf8, false);
});

test('an over-long row is cut and the reader goes on at the next line', () => {
  const long = 'x'.repeat(MAX_ROW_BYTES + 10);
  const rows = parseCsv(`a,b\n1,"${long}\n2,ok\n`);
  assert.equal(rows.length, 3);
  assert.match(rows[1].problem, /row longer than 1048576 bytes/);
  assert.equal(rows[1].fields[1].length, MAX_ROW_BYTES - 1);
  assert.deepEqual(rows[2].fields, ['2', 'ok']);
});

test('any chunking gives the same rows (quotes, CRLF and multi-byte characters split)', () => {
  const text = '\ufeffid,title,tasks\r\n1,"Größe, Koch","a ""b""\r\nc"\r\n2,naïve,\r\r\n3,x"y,z\n4,"q"r,s\n5,日本語,🙂';
  const bytes = enc(text);
  const whole = parseCsv(bytes);
  assert.equal(whole.length, 6);
  for (let size = 1; size <= 17; size++) assert.deepEqual(parseChunked(bytes, size), whole, `chunks of ${size}`);
});

test('the writer quotes only when needed and round-trips through the reader', () => {
  assert.equal(csvRow(['a', 'b c', '']), 'a,b c,\n');
  assert.equal(csvRow(['x,y', 'say "hi"', 'two\nlines', 'cr\r']), '"x,y","say ""hi""","two\nlines","cr\r"\n');
  const tricky = [['id', 'title'], ['1', 'a,"b"\r\nc'], ['2', ' lead and trail '], ['3', 'ü']];
  assert.deepEqual(fields(parseCsv(tricky.map(csvRow).join(''))), tricky);
});

test("fixed4 matches Rust's {:.4} (ties to even) and rustTrim matches str::trim", () => {
  assert.equal(fixed4(0.03125), '0.0312');
  assert.equal(fixed4(0.09375), '0.0938');
  assert.equal(fixed4(0.15625), '0.1562');
  assert.equal(fixed4(Math.fround(0.12345)), '0.1235');
  assert.equal(fixed4(Math.fround(1 / 3)), '0.3333');
  assert.equal(fixed4(1), '1.0000');
  assert.equal(rustTrim('\u0085 261313\t'), '261313');
  assert.equal(rustTrim('\ufeff1'), '\ufeff1');
});
