// What the batch page can tell from the first bytes of a file before coding it: whether it is
// a spreadsheet or some other binary file rather than CSV (refused, with how to export CSV),
// and which delimiter its rows use (comma, semicolon or tab: the choice is shown and can be
// changed). Pure functions of bytes, so Node tests run them directly.
import { CsvReader } from './batch-csv.mjs';

export const DELIMITERS = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

const EXPORT_HINT = 'Open it in your spreadsheet program and save or export it as "CSV UTF-8 (comma delimited)" (Excel: File > Save As; LibreOffice: File > Save As > Text CSV), then choose that file.';

/** Why `head` (the file's first bytes) is not CSV text, or null if it may be. */
export function notCsv(head, name = '') {
  const starts = (...sig) => sig.every((b, i) => head[i] === b);
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  // .xlsx and .ods are zip archives; .xls is an OLE2 compound file.
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) {
    const kind = ext === 'ods' ? 'an OpenDocument spreadsheet (.ods)' : ext === 'xlsx' || ext === '' || ext === 'csv' ? 'an Excel workbook (.xlsx) or another zip archive' : `a zip archive (.${ext})`;
    return `This file is ${kind}, not CSV. ${EXPORT_HINT}`;
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    return `This file is an old Excel workbook (.xls) or another Office file, not CSV. ${EXPORT_HINT}`;
  }
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) {
    return 'This file is UTF-16 text. Save it as "CSV UTF-8" (in Excel: File > Save As > CSV UTF-8) and choose that file.';
  }
  // Text has no NUL bytes and few control characters; binary files (images, PDFs, archives)
  // have many.
  const n = Math.min(head.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i];
    if (b === 0) return `This file is not text (it holds NUL bytes), so it is not CSV. If it is a spreadsheet, ${EXPORT_HINT[0].toLowerCase()}${EXPORT_HINT.slice(1)}`;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  if (n > 0 && control > n / 100 + 2) return `This file is not text, so it is not CSV. ${EXPORT_HINT}`;
  return null;
}

/**
 * The delimiter of a CSV file from its first bytes: for each candidate, the rows that parse
 * with it (up to 50, quotes respected); the one giving every row the header's width with the
 * most columns wins, a comma when nothing splits the header.
 */
export function detectDelimiter(head) {
  let best = ',', bestScore = -1;
  for (const d of Object.keys(DELIMITERS)) {
    const reader = new CsvReader({ delimiter: d });
    const rows = reader.push(head).slice(0, 50);
    if (rows.length === 0) reader.end(rows);
    if (rows.length === 0) continue;
    const width = rows[0].fields.length;
    if (width < 2) continue;
    const consistent = rows.filter((r) => r.fields.length === width && !r.problem).length / rows.length;
    // Consistency first, then more columns; ties keep the earlier (comma first).
    const score = consistent * 1000 + Math.min(width, 999);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}
