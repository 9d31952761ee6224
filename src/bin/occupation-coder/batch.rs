//! `occupation-coder code`: stream records in, code them on all cores, write them out in
//! input order. Every input row comes out exactly once: coded, uncoded with a reason, or an
//! error row when the row itself is malformed. Only unreadable files or failed writes stop
//! the run.

use std::fs::File;
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
    fn add(&mut self, out: &Outcome) {
        self.rows += 1;
        match out {
            Outcome::Coded(r) if r.is_coded() => self.coded_by_level[usize::from(r.results[0].code_level)] += 1,
            Outcome::Coded(_) => self.uncoded += 1,
            Outcome::Error(_) => self.errors += 1,
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

/// Output fields for an outcome, in [`OUTPUT_COLUMNS`] order.
fn result_fields(out: &Outcome) -> [String; 7] {
    match out {
        Outcome::Coded(r) => match r.results.first() {
            Some(c) => [
                c.code_category.clone(),
                c.code_label.clone(),
                c.code_level.to_string(),
                format!("{:.4}", c.code_confidence),
                "coded".into(),
                String::new(),
                String::new(),
            ],
            None => {
                let reason = r.reason.map(|x| x.as_str()).unwrap_or("uncertain");
                let sugg: Vec<String> = r.suggestions.iter().map(|s| format!("{}:{:.4}", s.code, s.confidence)).collect();
                [String::new(), String::new(), String::new(), String::new(), "uncoded".into(), reason.into(), sugg.join("|")]
            }
        },
        Outcome::Error(reason) => {
            [String::new(), String::new(), String::new(), String::new(), "error".into(), reason.clone(), String::new()]
        }
    }
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

fn code_csv(coder: &Coder, args: &CodeArgs, input: impl Read, output: impl Write) -> Result<Summary> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(BufReader::with_capacity(1 << 20, input));
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(output);
    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(h) => h.context("cannot read the CSV header row")?,
        None => bail!("input {} is empty: expected a CSV header row", args.input.display()),
    };
    let header: Vec<String> = header.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
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
    let mut out_header = header.clone();
    out_header.extend(OUTPUT_COLUMNS.iter().map(|s| s.to_string()));
    writer.write_record(&out_header)?;

    let mut summary = Summary::default();
    let mut line = 1u64;
    loop {
        let mut chunk: Vec<CsvRow> = Vec::with_capacity(CHUNK);
        for rec in records.by_ref() {
            line += 1;
            chunk.push(parse_csv_row(rec, width, title_at, tasks_at, id_at, source_at, line));
            if chunk.len() == CHUNK {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let outcomes: Vec<Outcome> = chunk
            .par_iter()
            .map(|row| match &row.record {
                Ok(r) => Outcome::Coded(code_record(coder, r, row.source.as_deref())),
                Err(e) => Outcome::Error(e.clone()),
            })
            .collect();
        for (row, out) in chunk.iter().zip(&outcomes) {
            summary.add(out);
            let mut fields = row.fields.clone();
            fields.resize(width, String::new());
            fields.extend(result_fields(out));
            writer.write_record(&fields).context("cannot write output")?;
        }
    }
    writer.flush().context("cannot write output")?;
    Ok(summary)
}

fn parse_csv_row(
    rec: csv::Result<csv::ByteRecord>,
    width: usize,
    title_at: usize,
    tasks_at: Option<usize>,
    id_at: Option<usize>,
    source_at: Option<usize>,
    line: u64,
) -> CsvRow {
    let rec = match rec {
        Ok(r) => r,
        Err(e) => return CsvRow { fields: Vec::new(), record: Err(format!("line {line}: unreadable CSV row: {e}")), source: None },
    };
    let mut bad_utf8 = false;
    let fields: Vec<String> = rec
        .iter()
        .map(|f| match std::str::from_utf8(f) {
            Ok(s) => s.to_string(),
            Err(_) => {
                bad_utf8 = true;
                String::from_utf8_lossy(f).into_owned()
            }
        })
        .collect();
    let record = if bad_utf8 {
        Err(format!("line {line}: invalid UTF-8 (shown with replacement characters)"))
    } else if fields.len() != width {
        Err(format!("line {line}: {} fields where the header has {width}", fields.len()))
    } else {
        Ok(Record {
            id: id_at.map(|i| fields[i].clone()),
            title: fields[title_at].clone(),
            tasks: tasks_at.map(|i| fields[i].clone()).unwrap_or_default(),
        })
    };
    let source = source_at.and_then(|i| fields.get(i).cloned());
    CsvRow { fields, record, source }
}

fn code_jsonl(coder: &Coder, args: &CodeArgs, input: impl Read, mut output: impl Write) -> Result<Summary> {
    if args.recode_column.is_some() && coder.recodes_from().is_none() {
        bail!("--recode-column needs a pack that can recode (the OSCA 2024 pack recodes ANZSCO 2022 codes)");
    }
    let mut lines = BufReader::with_capacity(1 << 20, input).split(b'\n');
    let mut summary = Summary::default();
    let mut line_no = 0u64;
    loop {
        let mut chunk: Vec<(u64, Vec<u8>)> = Vec::with_capacity(CHUNK);
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
        if chunk.is_empty() {
            break;
        }
        let rendered: Vec<(Outcome, String)> = chunk.par_iter().map(|(n, bytes)| code_json_line(coder, args, *n, bytes)).collect();
        for (out, text) in &rendered {
            summary.add(out);
            output.write_all(text.as_bytes()).context("cannot write output")?;
            output.write_all(b"\n").context("cannot write output")?;
        }
    }
    output.flush().context("cannot write output")?;
    Ok(summary)
}

fn code_json_line(coder: &Coder, args: &CodeArgs, line: u64, bytes: &[u8]) -> (Outcome, String) {
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
    for (name, value) in OUTPUT_COLUMNS.iter().zip(result_fields(&outcome)) {
        obj.insert(name.to_string(), serde_json::Value::String(value));
    }
    (outcome, serde_json::Value::Object(obj).to_string())
}
