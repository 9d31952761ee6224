//! `occupation-coder code`: stream records in, code them on all cores, write them out in
//! input order. Every input row comes out exactly once: coded, uncoded with a reason, or an
//! error row when the row itself is malformed. Only unreadable files or failed writes stop
//! the run.

use std::fs::File;
use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use occupation_coder::{CodeResult, Coder, Record};
use rayon::prelude::*;
use serde::Serialize;

/// Columns appended to every output row, in this order.
pub const OUTPUT_COLUMNS: [&str; 7] = ["code", "label", "level", "confidence", "status", "reason", "suggestions"];
/// Rows coded per parallel chunk: big enough to keep every core busy, small enough that
/// memory stays flat on files of any length.
const CHUNK: usize = 16_384;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
}

#[derive(Args)]
pub struct CodeArgs {
    /// Model pack to code with, e.g. www/models/osca2024.ocpk (built by `make packs`)
    #[arg(long)]
    pack: PathBuf,
    /// Input file, or `-` for standard input.
    #[arg(long)]
    input: PathBuf,
    /// Output file, or `-` for standard output.
    #[arg(long)]
    output: PathBuf,
    /// Input and output format [default: from the input's extension, else csv].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Column (CSV) or field (JSON Lines) holding the job title.
    #[arg(long, default_value = "title")]
    title_column: String,
    /// Column holding the tasks (optional in the data).
    #[arg(long, default_value = "tasks")]
    tasks_column: String,
    /// Column holding a record id (optional in the data).
    #[arg(long, default_value = "id")]
    id_column: String,
    /// Recode: the column holding an ANZSCO 2022 code to recode to OSCA 2024 (needs the OSCA
    /// pack). Rows whose code corresponds to one OSCA code take it; one-to-many codes are
    /// decided by the model among the candidates only, using the title and tasks; rows with
    /// an empty code are coded from the text.
    #[arg(long)]
    recode_column: Option<String>,
    /// No progress bar even on a terminal.
    #[arg(long)]
    quiet: bool,
}

/// Counts printed at the end of a run.
#[derive(Default, Serialize)]
pub struct Summary {
    pub rows: u64,
    pub coded_by_level: [u64; 7],
    pub uncoded: u64,
    pub errors: u64,
    pub seconds: f64,
}

impl Summary {
    fn add(&mut self, tally: Tally) {
        self.rows += 1;
        match tally {
            Tally::Coded(level) => self.coded_by_level[usize::from(level)] += 1,
            Tally::Uncoded => self.uncoded += 1,
            Tally::Error => self.errors += 1,
        }
    }

    fn print(&self) {
        let coded: u64 = self.coded_by_level.iter().sum();
        let levels: Vec<String> =
            [6usize, 4, 3, 2, 1].iter().map(|&d| format!("{}-digit {}", d, self.coded_by_level[d])).collect();
        eprintln!(
            "{} rows in {:.1}s ({:.0} rows/s): {} coded ({}), {} uncoded, {} errors",
            self.rows,
            self.seconds,
            self.rows as f64 / self.seconds.max(1e-9),
            coded,
            levels.join(", "),
            self.uncoded,
            self.errors
        );
    }
}

enum Outcome {
    Coded(CodeResult),
    Error(String),
}

/// What a row adds to the [`Summary`]: all the pipeline keeps of it once it is rendered.
#[derive(Clone, Copy)]
enum Tally {
    Coded(u8),
    Uncoded,
    Error,
}

impl Outcome {
    fn tally(&self) -> Tally {
        match self {
            Outcome::Coded(r) => r.results.first().map_or(Tally::Uncoded, |c| Tally::Coded(c.code_level)),
            Outcome::Error(_) => Tally::Error,
        }
    }

    /// Output fields, in [`OUTPUT_COLUMNS`] order (borrowed where the result holds them).
    fn fields(&self) -> [Cow<'_, str>; 7] {
        let none = || Cow::Borrowed("");
        match self {
            Outcome::Coded(r) => match r.results.first() {
                Some(c) => [
                    Cow::Borrowed(c.code_category.as_str()),
                    Cow::Borrowed(c.code_label.as_str()),
                    Cow::Owned(c.code_level.to_string()),
                    Cow::Owned(format!("{:.4}", c.code_confidence)),
                    Cow::Borrowed("coded"),
                    none(),
                    none(),
                ],
                None => {
                    let reason = r.reason.map(|x| x.as_str()).unwrap_or("uncertain");
                    let sugg: Vec<String> = r.suggestions.iter().map(|s| format!("{}:{:.4}", s.code, s.confidence)).collect();
                    [none(), none(), none(), none(), Cow::Borrowed("uncoded"), Cow::Borrowed(reason), Cow::Owned(sugg.join("|"))]
                }
            },
            Outcome::Error(reason) => [none(), none(), none(), none(), Cow::Borrowed("error"), Cow::Borrowed(reason.as_str()), none()],
        }
    }
}

/// Rows rendered per output block: one string (one allocation) for many rows.
const BLOCK: usize = 256;

/// The streaming loop both formats share. While the worker threads code and render chunk n,
/// this thread writes out chunk n - 1 and reads chunk n + 1, so reading, coding and writing
/// overlap; rows come out in input order because blocks are written in order.
fn pipeline<T: Sync>(
    mut read_chunk: impl FnMut() -> Result<Vec<T>>,
    render: impl Fn(&T, &mut String) -> Tally + Sync,
    output: &mut impl Write,
) -> Result<Summary> {
    let mut summary = Summary::default();
    let code_chunk = |chunk: &[T]| -> Vec<(String, Vec<Tally>)> {
        chunk
            .par_chunks(BLOCK)
            .map(|rows| {
                let mut text = String::with_capacity(rows.len() * 128);
                let tallies = rows.iter().map(|row| render(row, &mut text)).collect();
                (text, tallies)
            })
            .collect()
    };
    let mut chunk = read_chunk()?;
    let mut done: Vec<(String, Vec<Tally>)> = Vec::new();
    while !chunk.is_empty() || !done.is_empty() {
        let mut coded = Vec::new();
        let next = rayon::in_place_scope(|scope| -> Result<Vec<T>> {
            let (coded, chunk) = (&mut coded, &chunk);
            scope.spawn(move |_| *coded = code_chunk(chunk));
            for (text, tallies) in done.drain(..) {
                tallies.into_iter().for_each(|t| summary.add(t));
                output.write_all(text.as_bytes()).context("cannot write output")?;
            }
            if chunk.is_empty() { Ok(Vec::new()) } else { read_chunk() }
        })?;
        done = coded;
        chunk = next;
    }
    output.flush().context("cannot write output")?;
    Ok(summary)
}

pub fn run(args: &CodeArgs) -> Result<()> {
    let coder = crate::load_pack(&args.pack)?;
    let format = args.format.unwrap_or_else(|| {
        let ext = args.input.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext.eq_ignore_ascii_case("jsonl") || ext.eq_ignore_ascii_case("ndjson") { Format::Jsonl } else { Format::Csv }
    });
    let (input, size): (Box<dyn Read>, Option<u64>) = if args.input.as_os_str() == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        let f = File::open(&args.input).with_context(|| format!("cannot open input {}", args.input.display()))?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(f), size)
    };
    let output: Box<dyn Write> = if args.output.as_os_str() == "-" {
        Box::new(io::stdout().lock())
    } else {
        Box::new(File::create(&args.output).with_context(|| format!("cannot create output {}", args.output.display()))?)
    };
    let progress = progress_bar(size, args.quiet);
    let start = Instant::now();
    let counted = CountingReader { inner: input, progress: progress.clone() };
    let mut summary = match format {
        Format::Csv => code_csv(&coder, args, counted, BufWriter::with_capacity(1 << 20, output))?,
        Format::Jsonl => code_jsonl(&coder, args, counted, BufWriter::with_capacity(1 << 20, output))?,
    };
    progress.finish_and_clear();
    summary.seconds = start.elapsed().as_secs_f64();
    summary.print();
    Ok(())
}

fn progress_bar(size: Option<u64>, quiet: bool) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    match size {
        Some(n) => ProgressBar::new(n).with_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
                .expect("valid template"),
        ),
        None => ProgressBar::new_spinner(),
    }
}

/// Advances the progress bar by the bytes read.
struct CountingReader {
    inner: Box<dyn Read>,
    progress: ProgressBar,
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.inc(n as u64);
        Ok(n)
    }
}

/// A parsed input row: its original fields (for the output) and the record to code, or why
/// it cannot be coded.
struct CsvRow {
    fields: Vec<String>,
    record: Result<Record, String>,
    /// The code to recode, when recoding.
    source: Option<String>,
}

/// Codes a record, or recodes it when it carries a source code.
fn code_record(coder: &Coder, record: &Record, source: Option<&str>) -> CodeResult {
    match source.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => coder.recode(code, record),
        None => coder.code(record),
    }
}

fn code_csv(coder: &Coder, args: &CodeArgs, input: impl Read, mut output: impl Write) -> Result<Summary> {
    let mut reader = rfc4180::Reader::new(BufReader::with_capacity(1 << 20, input));
    let Some(header) = reader.next_record().context("cannot read input")? else {
        bail!("input {} is empty: expected a CSV header row", args.input.display());
    };
    let header: Vec<String> = header.fields.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
    let find = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let Some(title_at) = find(&args.title_column) else {
        bail!("the CSV header has no {:?} column (it has {:?}); name the title column with --title-column", args.title_column, header);
    };
    let tasks_at = find(&args.tasks_column);
    let id_at = find(&args.id_column);
    let source_at = match &args.recode_column {
        None => None,
        Some(name) => {
            if coder.recodes_from().is_none() {
                bail!("--recode-column needs a pack that can recode (the OSCA 2024 pack recodes ANZSCO 2022 codes)");
            }
            Some(find(name).with_context(|| format!("the CSV header has no {name:?} column for --recode-column (it has {header:?})"))?)
        }
    };
    let width = header.len();
    let mut line = String::new();
    let mut out_header = header.clone();
    out_header.extend(OUTPUT_COLUMNS.iter().map(|s| s.to_string()));
    rfc4180::write_record(&mut line, out_header.iter().map(String::as_str));
    output.write_all(line.as_bytes()).context("cannot write output")?;

    let cols = Columns { width, title_at, tasks_at, id_at, source_at };
    let read_chunk = || -> Result<Vec<CsvRow>> {
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK {
            match reader.next_record().context("cannot read input")? {
                Some(rec) => chunk.push(parse_csv_row(rec, &cols)),
                None => break,
            }
        }
        Ok(chunk)
    };
    let render = |row: &CsvRow, text: &mut String| {
        let out = match &row.record {
            Ok(r) => Outcome::Coded(code_record(coder, r, row.source.as_deref())),
            Err(e) => Outcome::Error(e.clone()),
        };
        let extra = out.fields();
        let padding = width.saturating_sub(row.fields.len());
        rfc4180::write_record(
            text,
            row.fields.iter().take(width).map(String::as_str).chain(std::iter::repeat_n("", padding)).chain(extra.iter().map(|f| &**f)),
        );
        out.tally()
    };
    pipeline(read_chunk, render, &mut output)
}

/// Where the columns of interest are.
struct Columns {
    width: usize,
    title_at: usize,
    tasks_at: Option<usize>,
    id_at: Option<usize>,
    source_at: Option<usize>,
}

/// A row's checks, in this order (the browser page applies the same): bad quoting or an
/// over-long row, then invalid UTF-8, then the number of fields.
fn parse_csv_row(rec: rfc4180::RawRecord, cols: &Columns) -> CsvRow {
    let line = rec.line;
    let mut bad_utf8 = false;
    let fields: Vec<String> = rec
        .fields
        .into_iter()
        .map(|f| match String::from_utf8(f) {
            Ok(s) => s,
            Err(e) => {
                bad_utf8 = true;
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        })
        .collect();
    let record = if let Some(problem) = rec.problem {
        Err(format!("line {line}: {problem}"))
    } else if bad_utf8 {
        Err(format!("line {line}: invalid UTF-8 (shown with replacement characters)"))
    } else if fields.len() != cols.width {
        Err(format!("line {line}: {} fields where the header has {}", fields.len(), cols.width))
    } else {
        Ok(Record {
            id: cols.id_at.map(|i| fields[i].clone()),
            title: fields[cols.title_at].clone(),
            tasks: cols.tasks_at.map(|i| fields[i].clone()).unwrap_or_default(),
        })
    };
    let source = cols.source_at.and_then(|i| fields.get(i).cloned());
    CsvRow { fields, record, source }
}

/// A small streaming RFC 4180 reader and writer, the same rules as the browser page's
/// `www/batch-csv.mjs` (so both give the same rows, the same errors and the same bytes out).
///
/// Reading: an optional UTF-8 byte order mark is dropped; records end at LF, CRLF or CR;
/// blank lines are skipped; a field in double quotes may hold commas, quotes (doubled) and line
/// breaks. Malformed quoting does not stop the reader: the row is read leniently (a stray quote
/// is kept as text) and marked with the problem. A row longer than [`MAX_ROW_BYTES`] (an
/// unclosed quote, usually) is cut there and the reader skips to the end of that line.
/// Writing: a field is quoted only when it holds a comma, a quote, CR or LF; rows end with LF.
pub mod rfc4180 {
    use std::io::{self, BufRead};

    pub const MAX_ROW_BYTES: usize = 1 << 20;

    /// One row as read: raw field bytes, the line it starts on (the header is line 1), and
    /// what was wrong with its quoting or length, if anything.
    pub struct RawRecord {
        pub fields: Vec<Vec<u8>>,
        pub line: u64,
        pub problem: Option<String>,
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        StartField,
        Unquoted,
        Quoted,
        QuoteInQuoted,
        /// After an over-long row: ignore everything up to the end of the line.
        Skip,
    }

    pub struct Reader<R> {
        inner: R,
        line: u64,
        /// The previous byte was a CR ending a record or a line inside a quoted field: a
        /// following LF belongs to it.
        after_cr: bool,
        /// The previous byte was a CR anywhere: a CRLF is one line break.
        prev_cr: bool,
        first: bool,
        done: bool,
    }

    impl<R: BufRead> Reader<R> {
        pub fn new(inner: R) -> Self {
            Reader { inner, line: 1, after_cr: false, prev_cr: false, first: true, done: false }
        }

        /// The next row, or `None` at the end of the input.
        pub fn next_record(&mut self) -> io::Result<Option<RawRecord>> {
            if self.done {
                return Ok(None);
            }
            if self.first {
                self.first = false;
                let buf = self.inner.fill_buf()?;
                if buf.starts_with(b"\xEF\xBB\xBF") {
                    self.inner.consume(3);
                }
            }
            let mut fields: Vec<Vec<u8>> = Vec::new();
            let mut field: Vec<u8> = Vec::new();
            let mut state = State::StartField;
            let mut problem: Option<String> = None;
            let mut size = 0usize;
            let mut start_line = self.line;
            let mut started = false;
            loop {
                let buf = self.inner.fill_buf()?;
                if buf.is_empty() {
                    self.done = true;
                    if !started {
                        return Ok(None);
                    }
                    if state == State::Quoted {
                        problem.get_or_insert_with(|| "bad quoting: a quoted field is not closed before the end of the input".into());
                    }
                    fields.push(field);
                    return Ok(Some(RawRecord { fields, line: start_line, problem }));
                }
                let mut used = 0;
                let mut finished = false;
                for &b in buf {
                    used += 1;
                    let prev_cr = self.prev_cr;
                    self.prev_cr = b == b'\r';
                    if self.after_cr {
                        self.after_cr = false;
                        if b == b'\n' {
                            continue;
                        }
                    }
                    if !started {
                        if b == b'\n' || b == b'\r' {
                            // A blank line.
                            if !(b == b'\n' && prev_cr) {
                                self.line += 1;
                            }
                            self.after_cr = b == b'\r';
                            continue;
                        }
                        started = true;
                        start_line = self.line;
                    }
                    let newline = b == b'\n' || b == b'\r';
                    if newline && !(b == b'\n' && prev_cr) {
                        self.line += 1;
                    }
                    match state {
                        State::Quoted => {
                            if b == b'"' {
                                state = State::QuoteInQuoted;
                                continue;
                            }
                        }
                        State::Skip => {
                            if newline {
                                self.after_cr = b == b'\r';
                                finished = true;
                                break;
                            }
                            continue;
                        }
                        State::StartField | State::Unquoted | State::QuoteInQuoted => {
                            if b == b',' {
                                fields.push(std::mem::take(&mut field));
                                state = State::StartField;
                                continue;
                            }
                            if newline {
                                self.after_cr = b == b'\r';
                                finished = true;
                                break;
                            }
                            match state {
                                State::StartField if b == b'"' => {
                                    state = State::Quoted;
                                    continue;
                                }
                                State::StartField => state = State::Unquoted,
                                State::Unquoted if b == b'"' => {
                                    problem.get_or_insert_with(|| "bad quoting: a quote inside an unquoted field".into());
                                }
                                State::QuoteInQuoted if b == b'"' => state = State::Quoted,
                                State::QuoteInQuoted => {
                                    problem.get_or_insert_with(|| "bad quoting: text after a closing quote".into());
                                    state = State::Unquoted;
                                }
                                _ => {}
                            }
                        }
                    }
                    size += 1;
                    if size > MAX_ROW_BYTES {
                        problem = Some(format!("row longer than {MAX_ROW_BYTES} bytes (an unclosed quote?); skipped to the end of its line"));
                        state = State::Skip;
                        if newline {
                            self.after_cr = b == b'\r';
                            finished = true;
                            break;
                        }
                        continue;
                    }
                    field.push(b);
                }
                self.inner.consume(used);
                if finished {
                    fields.push(field);
                    return Ok(Some(RawRecord { fields, line: start_line, problem }));
                }
            }
        }
    }

    /// Appends one CSV row (LF-terminated) to `out`.
    pub fn write_record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
        for (i, f) in fields.enumerate() {
            if i > 0 {
                out.push(',');
            }
            if f.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
                out.push('"');
                for (j, part) in f.split('"').enumerate() {
                    if j > 0 {
                        out.push_str("\"\"");
                    }
                    out.push_str(part);
                }
                out.push('"');
            } else {
                out.push_str(f);
            }
        }
        out.push('\n');
    }
}

fn code_jsonl(coder: &Coder, args: &CodeArgs, input: impl Read, mut output: impl Write) -> Result<Summary> {
    if args.recode_column.is_some() && coder.recodes_from().is_none() {
        bail!("--recode-column needs a pack that can recode (the OSCA 2024 pack recodes ANZSCO 2022 codes)");
    }
    let mut lines = BufReader::with_capacity(1 << 20, input).split(b'\n');
    let mut line_no = 0u64;
    let read_chunk = || -> Result<Vec<(u64, Vec<u8>)>> {
        let mut chunk = Vec::with_capacity(CHUNK);
        for l in lines.by_ref() {
            line_no += 1;
            let mut l = l.context("cannot read input")?;
            if l.last() == Some(&b'\r') {
                l.pop();
            }
            if l.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            chunk.push((line_no, l));
            if chunk.len() == CHUNK {
                break;
            }
        }
        Ok(chunk)
    };
    let render = |(n, bytes): &(u64, Vec<u8>), text: &mut String| {
        let (tally, line) = code_json_line(coder, args, *n, bytes);
        text.push_str(&line);
        text.push('\n');
        tally
    };
    pipeline(read_chunk, render, &mut output)
}

fn code_json_line(coder: &Coder, args: &CodeArgs, line: u64, bytes: &[u8]) -> (Tally, String) {
    let parsed: Result<serde_json::Map<String, serde_json::Value>, String> = std::str::from_utf8(bytes)
        .map_err(|_| format!("line {line}: invalid UTF-8"))
        .and_then(|s| serde_json::from_str(s).map_err(|e| format!("line {line}: not a JSON object: {e}")));
    let (mut obj, outcome) = match parsed {
        Ok(obj) => {
            let text = |k: &str| obj.get(k).and_then(|v| v.as_str()).map(str::to_string);
            let outcome = match text(&args.title_column) {
                Some(title) => {
                    let record = Record {
                        id: obj.get(&args.id_column).map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())),
                        title,
                        tasks: text(&args.tasks_column).unwrap_or_default(),
                    };
                    let source = args.recode_column.as_deref().and_then(|c| obj.get(c)).map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()));
                    Outcome::Coded(code_record(coder, &record, source.as_deref()))
                }
                None => Outcome::Error(format!("line {line}: no string field {:?}", args.title_column)),
            };
            (obj, outcome)
        }
        Err(e) => {
            let mut obj = serde_json::Map::new();
            obj.insert("input".into(), serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned()));
            (obj, Outcome::Error(e))
        }
    };
    for (name, value) in OUTPUT_COLUMNS.iter().zip(outcome.fields()) {
        obj.insert(name.to_string(), serde_json::Value::String(value.into_owned()));
    }
    (outcome.tally(), serde_json::Value::Object(obj).to_string())
}
