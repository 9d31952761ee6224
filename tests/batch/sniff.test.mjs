// The batch page's checks on a chosen file (www/batch-sniff.mjs): spreadsheets and binary files
// refused with how to export CSV, the delimiter detected; and the reader with each delimiter.
//   node --test tests/batch/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notCsv, detectDelimiter } from '../../www/batch-sniff.mjs';
import { parseCsv, csvRow } from '../../www/batch-csv.mjs';

const enc = (s) => new TextEncoder().encode(s);

test('spreadsheets are refused by their magic bytes, with how to export CSV', () => {
  const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0, ...enc('[Content_Types].xml')]);
  const ole = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
  assert.match(notCsv(zip, 'answers.xlsx'), /Excel workbook \(\.xlsx\).*not CSV.*Save As/);
  assert.match(notCsv(zip, 'answers.csv'), /Excel workbook \(\.xlsx\)/, 'a misnamed workbook too');
  assert.match(notCsv(zip, 'answers.ods'), /OpenDocument spreadsheet \(\.ods\).*Text CSV/);
  assert.match(notCsv(ole, 'answers.xls'), /old Excel workbook \(\.xls\).*CSV UTF-8/);
  assert.match(notCsv(Uint8Array.from([0xff, 0xfe, 0x69, 0]), 'u16.csv'), /UTF-16/);
});

test('binary files are refused; text with tabs, CRLF and UTF-8 is not', () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
  assert.match(notCsv(png, 'photo.png'), /not text/);
  const noisy = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 31 + 1);
  assert.match(notCsv(noisy, 'x.bin'), /not text/);
  assert.equal(notCsv(enc('id\ttitle\r\n1\tcafé owner\r\n'), 'x.tsv'), null);
  assert.equal(notCsv(enc(''), 'empty.csv'), null, 'empty input is left to the reader (no header row)');
});

test('the delimiter: comma, semicolon or tab, quotes respected; comma when nothing splits the header', () => {
  assert.equal(detectDelimiter(enc('id,title,tasks\n1,brickie,"walls; paths"\n')), ',');
  assert.equal(detectDelimiter(enc('id;title;tasks\n1;"nurse, registered";aged care\n2;chef;cooking, menus\n')), ';');
  assert.equal(detectDelimiter(enc('id\ttitle\n1\tbrickie, walls\n')), '\t');
  assert.equal(detectDelimiter(enc('title\nbrickie\n')), ',');
  assert.equal(detectDelimiter(enc('id;title\n1;brickie')), ';', 'a header and a last row without a line end');
});

test('the reader with a semicolon or a tab: quoting as with commas; output stays comma CSV', () => {
  const rows = parseCsv('a;"b;c";d\n1;"x ""y""";z\n', { delimiter: ';' });
  assert.deepEqual(rows.map((r) => r.fields), [['a', 'b;c', 'd'], ['1', 'x "y"', 'z']]);
  assert.deepEqual(parseCsv('a\t"b\tc",d\n', { delimiter: '\t' })[0].fields, ['a', 'b\tc,d']);
  assert.equal(csvRow(['a', 'b;c', 'x,y']), 'a,b;c,"x,y"\n');
  assert.throws(() => parseCsv('a|b', { delimiter: '|' }), /unsupported delimiter/);
});

test('csvRow with safe: formula-like fields get a leading quote, as the CLI\'s --safe-csv', () => {
  assert.equal(csvRow(['=1+1', '-5', '+x', '@y', '\tz', 'ok', '=a,b'], true), "'=1+1,'-5,'+x,'@y,'\tz,ok,\"'=a,b\"\n");
  assert.equal(csvRow(['=1+1'], false), '=1+1\n');
});
