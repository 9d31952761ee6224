// A small streaming RFC 4180 CSV reader and writer for the batch page, with the same rules as
// the native CLI's reader (src/bin/occupation-coder/batch.rs, module `rfc4180`), so that the
// page and `occupation-coder code` give the same rows, the same errors and the same bytes.
//
// Reading: bytes in (any chunking), rows out. An optional UTF-8 byte order mark is dropped;
// rows end at LF, CRLF or CR; blank lines are skipped; a field in double quotes may hold commas,
// doubled quotes and line breaks. Malformed quoting never stops the reader: the row is read
// leniently (a stray quote is kept as text) and carries `problem`. A row longer than
// MAX_ROW_BYTES (an unclosed quote, usually) is cut there and the reader skips to the end of
// that line. Fields are decoded as UTF-8; a field that is not valid UTF-8 is decoded with
// replacement characters and the row gets `badUtf8`.
// The field delimiter is a comma unless the reader is given another (the page detects `;` and
// tab files, www/batch-sniff.mjs); output is always comma-separated, as the CLI writes it.
// Writing: a field is quoted only when it holds a comma, a quote, CR or LF; rows end with LF.
// With `safe` (the CLI's --safe-csv), a field a spreadsheet could take for a formula gets a
// leading `'`.

export const MAX_ROW_BYTES = 1 << 20;

const START = 0, UNQUOTED = 1, QUOTED = 2, QUOTE_IN_QUOTED = 3, SKIP = 4;
const QUOTE = 0x22, CR = 0x0d, LF = 0x0a;

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder('utf-8', { ignoreBOM: true });

export class CsvReader {
  /** `delimiter`: the field separator, one ASCII character (',' by default; ';' or '\t'). */
  constructor({ delimiter = ',' } = {}) {
    if (!/^[,;\t]$/.test(delimiter)) throw new Error(`unsupported delimiter ${JSON.stringify(delimiter)}: use ",", ";" or a tab`);
    this.delimiter = delimiter.charCodeAt(0);
    this.line = 1;
    this.afterCr = false; // the previous byte was a CR that ended a row: an LF after it is part of it
    this.prevCr = false; // the previous byte was a CR anywhere (a CRLF is one line break)
    this.first = true;
    this.bomBytes = [];
    this.#reset();
  }

  #reset() {
    this.buf = this.buf && this.buf.length <= 1 << 16 ? this.buf : new Uint8Array(1024);
    this.len = 0; // bytes of field content in buf
    this.ends = []; // end offset of each finished field
    this.hi = []; // field has a byte >= 0x80
    this.fieldHi = false;
    this.state = START;
    this.problem = null;
    this.started = false;
    this.startLine = this.line;
  }

  #push(b) {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = b;
    if (b >= 0x80) this.fieldHi = true;
  }

  #endField() {
    this.ends.push(this.len);
    this.hi.push(this.fieldHi);
    this.fieldHi = false;
  }

  #finish(out) {
    this.#endField();
    const fields = new Array(this.ends.length);
    let badUtf8 = false;
    let start = 0;
    for (let i = 0; i < this.ends.length; i++) {
      const end = this.ends[i];
      if (!this.hi[i]) {
        fields[i] = ascii(this.buf, start, end);
      } else {
        const bytes = this.buf.subarray(start, end);
        try {
          fields[i] = strict.decode(bytes);
        } catch {
          badUtf8 = true;
          fields[i] = lossy.decode(bytes);
        }
      }
      start = end;
    }
    out.push({ fields, line: this.startLine, problem: this.problem, badUtf8 });
    this.#reset();
  }

  /** Reads a chunk of bytes; complete rows are appended to `out` (an array). */
  push(chunk, out = []) {
    let i = 0;
    if (this.first) {
      // Drop a UTF-8 BOM, even if it arrives split across chunks.
      while (i < chunk.length && this.bomBytes.length < 3) {
        const want = [0xef, 0xbb, 0xbf][this.bomBytes.length];
        if (chunk[i] !== want) break;
        this.bomBytes.push(chunk[i++]);
      }
      if (this.bomBytes.length === 3) {
        this.first = false;
      } else if (i < chunk.length) {
        // Not a BOM after all: those bytes are data.
        this.first = false;
        const prefix = this.bomBytes;
        this.bomBytes = [];
        if (prefix.length) this.#bytes(Uint8Array.from(prefix), 0, out);
      } else {
        return out;
      }
    }
    this.#bytes(chunk, i, out);
    return out;
  }

  #bytes(chunk, i, out) {
    const n = chunk.length;
    for (; i < n; i++) {
      const b = chunk[i];
      const prevCr = this.prevCr;
      this.prevCr = b === CR;
      if (this.afterCr) {
        this.afterCr = false;
        if (b === LF) continue;
      }
      if (!this.started) {
        if (b === LF || b === CR) {
          if (!(b === LF && prevCr)) this.line++;
          this.afterCr = b === CR;
          continue;
        }
        this.started = true;
        this.startLine = this.line;
      }
      const newline = b === LF || b === CR;
      if (newline && !(b === LF && prevCr)) this.line++;
      const state = this.state;
      if (state === QUOTED) {
        if (b === QUOTE) {
          this.state = QUOTE_IN_QUOTED;
          continue;
        }
      } else if (state === SKIP) {
        if (newline) {
          this.afterCr = b === CR;
          this.#finish(out);
        }
        continue;
      } else {
        if (b === this.delimiter) {
          this.#endField();
          this.state = START;
          continue;
        }
        if (newline) {
          this.afterCr = b === CR;
          this.#finish(out);
          continue;
        }
        if (state === START) {
          if (b === QUOTE) {
            this.state = QUOTED;
            continue;
          }
          this.state = UNQUOTED;
        } else if (state === UNQUOTED) {
          if (b === QUOTE) this.problem ??= 'bad quoting: a quote inside an unquoted field';
        } else if (b === QUOTE) {
          this.state = QUOTED; // a doubled quote inside a quoted field
        } else {
          this.problem ??= 'bad quoting: text after a closing quote';
          this.state = UNQUOTED;
        }
      }
      if (this.len - 0 >= MAX_ROW_BYTES) {
        this.problem = `row longer than ${MAX_ROW_BYTES} bytes (an unclosed quote?); skipped to the end of its line`;
        this.state = SKIP;
        if (newline) {
          this.afterCr = b === CR;
          this.#finish(out);
        }
        continue;
      }
      this.#push(b);
    }
  }

  /** The end of the input: the last row, if it had no line break. */
  end(out = []) {
    if (this.first && this.bomBytes.length) {
      const prefix = this.bomBytes;
      this.bomBytes = [];
      this.first = false;
      if (prefix.length < 3) this.#bytes(Uint8Array.from(prefix), 0, out);
    }
    if (this.started) {
      if (this.state === QUOTED) {
        this.problem ??= 'bad quoting: a quoted field is not closed before the end of the input';
      }
      this.#finish(out);
    }
    return out;
  }
}

function ascii(buf, start, end) {
  const n = end - start;
  if (n === 0) return '';
  if (n < 64) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  return lossy.decode(buf.subarray(start, end));
}

/** Parses a whole string or byte array (tests, pasted rows). */
export function parseCsv(input, options) {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const r = new CsvReader(options);
  const out = r.push(bytes);
  return r.end(out);
}

const NEEDS_QUOTES = /[",\r\n]/;

/** Whether a spreadsheet could take a field for a formula (OWASP's list of first characters;
 * the CLI's `rfc4180::formula_like`). */
export const formulaLike = (f) => /^[=+\-@\t\r]/.test(f);

/** One CSV row, LF-terminated; with `safe`, a formula-like field gets a leading `'`. */
export function csvRow(fields, safe = false) {
  let s = '';
  for (let i = 0; i < fields.length; i++) {
    let f = fields[i];
    if (i > 0) s += ',';
    if (safe && formulaLike(f)) f = "'" + f;
    s += NEEDS_QUOTES.test(f) ? '"' + f.replaceAll('"', '""') + '"' : f;
  }
  return s + '\n';
}
