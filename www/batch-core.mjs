// The batch page's coding logic, independent of the DOM and of workers (so Node tests run it
// directly): rows in, output CSV rows out, exactly as `occupation-coder code` writes them
// (src/bin/occupation-coder/batch.rs): the input columns, then OUTPUT_COLUMNS, then
// PROVENANCE_COLUMNS.
import { CsvReader, csvRow } from './batch-csv.mjs';

export const OUTPUT_COLUMNS = ['code', 'label', 'level', 'confidence', 'status', 'reason', 'suggestions'];
/** Which classification and model coded a row (the CLI's `PROVENANCE_COLUMNS`). */
export const PROVENANCE_COLUMNS = ['classification', 'classification_version', 'model_version'];
const OUTPUT_NAMES = [...OUTPUT_COLUMNS, ...PROVENANCE_COLUMNS];

/**
 * PROVENANCE_COLUMNS' values from a coder's `info()` and its pack's bytes: e.g. `osca2024`,
 * `OSCA 2024 v1.0`, and the trainer's version with the pack's CRC-32 (its last four bytes,
 * little-endian), e.g. `0.1.0+27ad0b5b`.
 */
export function provenance(info, pack) {
  const b = pack.subarray(pack.length - 4);
  const crc = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  return [info.classification, info.classificationVersion, `${info.trainerVersion}+${crc.toString(16).padStart(8, '0')}`];
}

/** A header name the output gives one of its own columns (compared as the CLI does), or null. */
export function clashingName(header) {
  const ascii = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return header.find((n) => OUTPUT_NAMES.includes(ascii(rustTrim(n)))) ?? null;
}

/** The batch coder's errors carry a string `code`, as the rest of the API's do. */
export class BatchError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'BatchError';
    this.code = code;
  }
}
/** Records per codeBatch call (the API's synchronous limit). */
export const BATCH = 300;

/** Rust's `{:.4}` for an f32 (exact value, ties to even); toFixed rounds ties up. */
export function fixed4(x) {
  const s = x.toFixed(4);
  if (!x.toFixed(5).endsWith('5')) return s;
  const exact = x.toFixed(60); // exact for any f32 that can tie at 4 decimals
  const dot = exact.indexOf('.');
  if (!/^50*$/.test(exact.slice(dot + 5))) return s;
  return Number(exact[dot + 4]) % 2 === 0 ? exact.slice(0, dot + 5) : s;
}

// Rust's str::trim (Unicode White_Space), which differs from JavaScript's trim at U+0085/U+FEFF.
const RUST_TRIM = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
export const rustTrim = (s) => s.replace(RUST_TRIM, '');

/** The seven output fields of a CodeResult, of an error reason, or as `codeFields` gave them. */
export function resultFields(r) {
  if (typeof r === 'string') return ['', '', '', '', 'error', r, ''];
  if (Array.isArray(r)) return r;
  const c = r.results[0];
  if (c) return [c.codeCategory, c.codeLabel, String(c.codeLevel), fixed4(c.codeConfidence), 'coded', '', ''];
  const sugg = r.suggestions.map((s) => `${s.code}:${fixed4(s.confidence)}`).join('|');
  return ['', '', '', '', 'uncoded', r.reason ?? 'uncertain', sugg];
}

export class Summary {
  constructor() {
    this.rows = 0;
    this.codedByLevel = { 1: 0, 2: 0, 3: 0, 4: 0, 6: 0 };
    this.uncoded = 0;
    this.errors = 0;
  }
  /** Counts a result in any form `resultFields` takes. */
  add(r) {
    this.rows++;
    if (typeof r === 'string') this.errors++;
    else if (Array.isArray(r)) {
      if (r[4] === 'coded') this.codedByLevel[r[2]]++;
      else this.uncoded++;
    } else if (r.results[0]) this.codedByLevel[r.results[0].codeLevel]++;
    else this.uncoded++;
  }
  get coded() {
    return Object.values(this.codedByLevel).reduce((a, b) => a + b, 0);
  }
}

/**
 * Streams CSV bytes through a coder. `columns` are indices into the header: `title` (required),
 * `tasks`, `id`, `source` (an ANZSCO 2022 code to recode; -1 or null when absent). Options:
 * `pack` (the pack's bytes, for the model_version column; required), `delimiter` (of the input:
 * ',' default, ';' or '\t'), `safeCsv` (the CLI's --safe-csv).
 * Call `push(bytes)` / `end()`; each returns the output text for the rows completed so far.
 */
export class BatchCoder {
  constructor(coder, columns, { pack, delimiter = ',', safeCsv = false } = {}) {
    if (!(pack instanceof Uint8Array) || pack.length < 4) throw new TypeError('BatchCoder needs the pack\'s bytes (options.pack) for its provenance columns');
    this.coder = coder;
    this.columns = columns;
    this.provenance = provenance(coder.info(), pack);
    this.safe = safeCsv;
    this.reader = new CsvReader({ delimiter });
    this.header = null;
    this.width = 0;
    this.summary = new Summary();
    this.rows = [];
    this.previewRows = [];
    this.previewLimit = 20;
  }

  push(bytes) {
    this.reader.push(bytes, this.rows);
    return this.#drain(false);
  }

  end() {
    this.reader.end(this.rows);
    const out = this.#drain(true);
    if (this.header === null) throw new BatchError('EMPTY_INPUT', 'the input is empty: expected a CSV header row');
    return out;
  }

  #drain(all) {
    let text = '';
    let i = 0;
    if (this.header === null && this.rows.length > 0) {
      const h = this.rows[0];
      this.header = h.fields;
      this.width = h.fields.length;
      const { title } = this.columns;
      const clash = clashingName(this.header);
      if (clash !== null) {
        const name = rustTrim(clash);
        throw new BatchError('COLUMN_CLASH', `the CSV header has a column ${JSON.stringify(clash)}, a name the output gives one of its own columns (${OUTPUT_NAMES.join(',')}); rename that input column (e.g. to "input_${name}") and run again`);
      }
      if (!(title >= 0 && title < this.width)) throw new BatchError('NO_TITLE_COLUMN', `the title column ${title} is not in the header`);
      text += csvRow([...this.header, ...OUTPUT_NAMES], this.safe);
      i = 1;
    }
    // Code whole batches; keep a partial batch for later unless this is the end.
    while (this.rows.length - i >= BATCH || (all && this.rows.length > i)) {
      const n = Math.min(BATCH, this.rows.length - i);
      text += this.#codeRows(this.rows, i, n);
      i += n;
    }
    this.rows.splice(0, i);
    return text;
  }

  #codeRows(rows, from, n) {
    const { title, tasks, id, source } = this.columns;
    const w = this.width;
    const results = new Array(n);
    const batch = [];
    const at = [];
    for (let k = 0; k < n; k++) {
      const row = rows[from + k];
      const f = row.fields;
      if (row.problem) results[k] = `line ${row.line}: ${row.problem}`;
      else if (row.badUtf8) results[k] = `line ${row.line}: invalid UTF-8 (shown with replacement characters)`;
      else if (f.length !== w) results[k] = `line ${row.line}: ${f.length} fields where the header has ${w}`;
      else {
        const record = { id: id >= 0 ? f[id] : null, title: f[title], tasks: tasks >= 0 ? f[tasks] : '' };
        const code = source >= 0 ? rustTrim(f[source]) : '';
        if (code !== '') results[k] = this.coder.recode(code, record);
        else {
          batch.push(record);
          at.push(k);
        }
      }
    }
    if (batch.length) {
      // The output columns straight from the coder: no result objects or paths to build.
      const coded = this.coder.codeFields(batch);
      for (let j = 0; j < at.length; j++) results[at[j]] = coded.slice(j * 7, j * 7 + 7);
    }
    let text = '';
    for (let k = 0; k < n; k++) {
      const f = rows[from + k].fields;
      const fields = f.length === w ? f.slice() : f.slice(0, w);
      while (fields.length < w) fields.push('');
      const extra = resultFields(results[k]);
      this.summary.add(results[k]);
      for (const x of extra) fields.push(x);
      for (const x of this.provenance) fields.push(x);
      if (this.previewRows.length < this.previewLimit) this.previewRows.push(fields.slice());
      text += csvRow(fields, this.safe);
    }
    return text;
  }
}
