//! `occupation-coder code`: stream records in, code them on all cores, write them out in
//! input order. Every input row comes out exactly once: coded, uncoded with a reason, or an
//! error row when the row itself is malformed. Only unreadable files or failed writes stop
//! the run.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use occupation_coder::output::{coding_fields, OUTPUT_COLUMNS};
use occupation_coder::tree::Tree;
use occupation_coder::{Coder, Coding};
use rayon::prelude::*;
use serde::Serialize;

/// Rows coded per parallel chunk: big enough to keep every core busy, small enough that
/// memory stays flat on files of any length.
const CHUNK: usize = 16_384;
/// A chunk also ends once its rows hold this many bytes (the row that passes it included), so
/// memory is bounded by bytes in flight, not rows: about three chunks' worth at once (one read,
/// one coded, one written), whatever the rows' length.
const CHUNK_BYTES: usize = 16 << 20;
/// Longest piece of input text an error message quotes.
const MAX_ECHO_CHARS: usize = 200;

/// `text` cut to [`MAX_ECHO_CHARS`] characters, with "..." when cut: what error messages
/// quote of the input.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(MAX_ECHO_CHARS) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_string(),
    }
}

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
    /// Recode: the column holding an ANZSCO 2022 code to recode to OSCA 2024 (needs the OSCA
    /// pack). Rows whose code corresponds to one OSCA code take it; one-to-many codes are
    /// decided by the model among the candidates only, using the title and tasks; rows with
    /// an empty code are coded from the text.
    #[arg(long)]
    recode_column: Option<String>,
    /// CSV input: the field separator, `,` (default), `;` or `tab` (the output is always
    /// comma-separated). The batch page detects it; here it is named.
    #[arg(long, default_value = ",", value_parser = parse_delimiter)]
    delimiter: u8,
    /// No progress bar even on a terminal.
    #[arg(long)]
    quiet: bool,
    /// CSV output: a field that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets
    /// a leading `'`, so a spreadsheet opening the file shows it as text instead of running it
    /// as a formula (changes such values, e.g. an id `-5` becomes `'-5`).
    #[arg(long)]
    safe_csv: bool,
}

/// `--delimiter`: the three separators the batch page detects.
fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "tab" | "\\t" => Ok(b'\t'),
        _ => Err(format!("{s:?} is not a delimiter this reads: use \",\", \";\" or tab")),
    }
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

    /// Adds the counts of `other` (one block's rows) to these.
    fn merge(&mut self, other: &Summary) {
        self.rows += other.rows;
        for (mine, theirs) in self.coded_by_level.iter_mut().zip(&other.coded_by_level) {
            *mine += theirs;
        }
        self.uncoded += other.uncoded;
        self.errors += other.errors;
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
    Coded(Coding),
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
    fn tally(&self, tree: &Tree) -> Tally {
        match self {
            Outcome::Coded(c) => c.node().map_or(Tally::Uncoded, |n| Tally::Coded(tree.node(n).digits())),
            Outcome::Error(_) => Tally::Error,
        }
    }

    /// Output fields, in [`OUTPUT_COLUMNS`] order (see [`coding_fields`]).
    fn fields<'a>(&'a self, tree: &'a Tree, numbers: &'a mut String) -> [&'a str; 7] {
        match self {
            Outcome::Coded(coding) => coding_fields(tree, coding, numbers),
            Outcome::Error(reason) => ["", "", "", "", "error", reason.as_str(), ""],
        }
    }
}

/// Rows rendered per output block: one string for many rows.
const BLOCK: usize = 256;
/// Largest output block string kept for reuse; a longer one (rows of a megabyte) is freed.
const KEEP_TEXT_BYTES: usize = 1 << 20;

/// Rows the pipeline reads, codes and writes at a time. Two are alive at once (one coded
/// while the next is read) and both are reused to the end, so a run allocates per chunk
/// buffer, not per row.
trait Chunk: Default + Sync {
    fn rows(&self) -> usize;
}

/// The streaming loop both formats share. While the worker threads code and render chunk n,
/// this thread writes out chunk n - 1 and reads chunk n + 1, so reading, coding and writing
/// overlap; rows come out in input order because blocks are written in order.
/// `read_chunk` fills the chunk it is given (emptying it first), leaving it empty at the end
/// of the input; `render` appends row `i` of a chunk to the output text.
fn pipeline<C: Chunk>(
    mut read_chunk: impl FnMut(&mut C) -> Result<()>,
    render: impl Fn(&C, usize, &mut String, &mut String) -> Tally + Sync,
    output: &mut impl Write,
) -> Result<Summary> {
    let mut summary = Summary::default();
    // Each block's rows are rendered into one of `texts`, strings written out earlier.
    let code_chunk = |chunk: &C, mut texts: Vec<String>| -> Vec<(String, Summary)> {
        let rows = chunk.rows();
        texts.resize_with(rows.div_ceil(BLOCK), String::new);
        texts
            .into_par_iter()
            .enumerate()
            // One block per job, so the last jobs of a chunk spread over all threads: left to
            // split by length, one thread often finished a chunk several blocks early and slept.
            .with_max_len(1)
            .map(|(b, mut text)| {
                text.clear();
                let mut numbers = String::with_capacity(64);
                let mut counts = Summary::default();
                for i in b * BLOCK..rows.min((b + 1) * BLOCK) {
                    counts.add(render(chunk, i, &mut text, &mut numbers));
                }
                (text, counts)
            })
            .collect()
    };
    let (mut chunk, mut next) = (C::default(), C::default());
    read_chunk(&mut chunk)?;
    let mut done: Vec<(String, Summary)> = Vec::new();
    let mut free: Vec<String> = Vec::new();
    while chunk.rows() > 0 || !done.is_empty() {
        if let Some(signal) = crate::interrupt::received() {
            bail!("interrupted by {}", crate::interrupt::name(signal));
        }
        let mut coded = Vec::new();
        rayon::in_place_scope(|scope| -> Result<()> {
            let (coded, chunk, texts) = (&mut coded, &chunk, std::mem::take(&mut free));
            scope.spawn(move |_| *coded = code_chunk(chunk, texts));
            for (text, counts) in done.drain(..) {
                summary.merge(&counts);
                output.write_all(text.as_bytes()).context("cannot write output")?;
                if text.capacity() <= KEEP_TEXT_BYTES {
                    free.push(text);
                }
            }
            read_chunk(&mut next)
        })?;
        done = coded;
        std::mem::swap(&mut chunk, &mut next);
    }
    output.flush().context("cannot write output")?;
    Ok(summary)
}

pub fn run(args: &CodeArgs) -> Result<()> {
    crate::interrupt::install();
    let pack = crate::read_pack_bytes(&args.pack)?;
    let coder = Coder::from_bytes(&pack).with_context(|| format!("cannot load model pack {}", args.pack.display()))?;
    let provenance = provenance(&coder, &pack);
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
    let (output, pending) = open_output(&args.output, &args.input)?;
    let progress = progress_bar(size, args.quiet);
    let start = Instant::now();
    let counted = CountingReader { inner: input, progress: progress.clone() };
    let coded = match format {
        Format::Csv => code_csv(&coder, &provenance, args, counted, BufWriter::with_capacity(1 << 20, output)),
        Format::Jsonl => code_jsonl(&coder, &provenance, args, counted, BufWriter::with_capacity(1 << 20, output)),
    };
    let mut summary = match coded {
        Ok(summary) => summary,
        Err(e) => {
            progress.finish_and_clear();
            let target = match &pending {
                Some(p) if p.target.exists() => format!("{} was left as it was", p.target.display()),
                Some(p) => format!("no {} was written", p.target.display()),
                None => "the output written so far is incomplete".to_string(),
            };
            drop(pending);
            if let Some(signal) = crate::interrupt::received() {
                eprintln!("occupation-coder: interrupted by {}: {target}", crate::interrupt::name(signal));
                std::process::exit(128 + signal);
            }
            // A reader of standard output that stopped reading (`| head`) ends the run
            // quietly, as other command-line tools do: what it read was written whole.
            if pending_was_none_and_broken_pipe(&e, &args.output) {
                return Ok(());
            }
            return Err(e.context(format!("coding {} failed; {target}", args.input.display())));
        }
    };
    if let Some(pending) = pending {
        pending.commit()?;
    }
    progress.finish_and_clear();
    summary.seconds = start.elapsed().as_secs_f64();
    summary.print();
    Ok(())
}

/// Whether `e` is a write to standard output that failed because its reader is gone.
fn pending_was_none_and_broken_pipe(e: &anyhow::Error, output: &Path) -> bool {
    output.as_os_str() == "-"
        && e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

/// A regular output file being written: the rows go to a temporary file beside it, which
/// [`PendingOutput::commit`] renames over it once the run has succeeded. Dropped uncommitted
/// (a fatal error, a panic), it removes the temporary file, so a failed run leaves neither a
/// partial output nor an emptied old one.
struct PendingOutput {
    temporary: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl PendingOutput {
    fn commit(mut self) -> Result<()> {
        fs::rename(&self.temporary, &self.target)
            .with_context(|| format!("cannot move the finished output {} to {}", self.temporary.display(), self.target.display()))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for PendingOutput {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.temporary);
        }
    }
}

/// Opens where the output goes: standard output for `-`; an existing device or FIFO (e.g.
/// `/dev/null`) as it is; otherwise a [`PendingOutput`]. Refuses to write over the input.
fn open_output(output: &Path, input: &Path) -> Result<(Box<dyn Write>, Option<PendingOutput>)> {
    if output.as_os_str() == "-" {
        return Ok((Box::new(io::stdout().lock()), None));
    }
    let existing = fs::metadata(output).ok();
    if existing.is_some() && input.as_os_str() != "-" && same_file(input, output) {
        bail!(
            "--output {} is the input file: write the coded rows to another file (the input is read while the output is written)",
            output.display()
        );
    }
    if existing.as_ref().is_some_and(|m| !m.is_file()) {
        let file = File::create(output).with_context(|| format!("cannot open output {}", output.display()))?;
        return Ok((Box::new(file), None));
    }
    // Through a symbolic link to the file it names, as writing in place would.
    let target = match &existing {
        Some(_) => fs::canonicalize(output).with_context(|| format!("cannot resolve output {}", output.display()))?,
        None => output.to_path_buf(),
    };
    let name = target.file_name().with_context(|| format!("output {} does not name a file", output.display()))?;
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(name);
    temporary_name.push(format!(".occupation-coder-{}.tmp", std::process::id()));
    let temporary = target.with_file_name(temporary_name);
    let file = fs::OpenOptions::new().write(true).create_new(true).open(&temporary).with_context(|| {
        format!("cannot create output {} (rows are written to {} first, then renamed)", output.display(), temporary.display())
    })?;
    if let Some(m) = existing {
        // The finished file keeps the old one's permissions.
        let _ = file.set_permissions(m.permissions());
    }
    Ok((Box::new(file), Some(PendingOutput { temporary, target, committed: false })))
}

/// Whether two existing paths name the same file.
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> bool {
    matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b)
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
    /// Also where a signal stops a run blocked on its input (see `interrupt`).
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(signal) = crate::interrupt::received() {
                return Err(io::Error::other(format!("interrupted by {}", crate::interrupt::name(signal))));
            }
            match self.inner.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
                Ok(n) => {
                    self.progress.inc(n as u64);
                    return Ok(n);
                }
            }
        }
    }
}

/// CSV rows read in one go, every field's text in one buffer: reading a chunk allocates
/// nothing per row, and the buffers are reused chunk after chunk.
#[derive(Default)]
struct CsvChunk {
    text: String,
    /// End of each field in `text`, row after row.
    ends: Vec<usize>,
    rows: Vec<CsvRow>,
}

/// One row of a [`CsvChunk`]: its fields (positions in the chunk's `ends`) and why it cannot
/// be coded, if it cannot.
struct CsvRow {
    fields: std::ops::Range<usize>,
    line: u64,
    problem: Option<String>,
}

impl Chunk for CsvChunk {
    fn rows(&self) -> usize {
        self.rows.len()
    }
}

impl CsvChunk {
    /// Field `i` of `row`.
    fn field(&self, row: &CsvRow, i: usize) -> &str {
        // Rows sit one after another, so field 0 starts where the row before ended.
        &self.text[rfc4180::field_range(&self.ends, row.fields.start + i)]
    }
}

/// Largest chunk text buffer kept for the next chunk: after a chunk of very long rows, the
/// buffer shrinks back to this.
const KEEP_CHUNK_BYTES: usize = 64 << 20;

/// Reads up to [`CHUNK`] rows into `chunk` (emptied first) and gives each its problem, if
/// any, in this order (the browser page checks the same): bad quoting or an over-long row,
/// then invalid UTF-8, then a number of fields other than `width`, the header's.
fn read_csv_chunk<R: BufRead>(reader: &mut rfc4180::Reader<R>, chunk: &mut CsvChunk, width: usize) -> Result<()> {
    let mut bytes = std::mem::take(&mut chunk.text).into_bytes();
    bytes.clear();
    bytes.shrink_to(KEEP_CHUNK_BYTES);
    chunk.ends.clear();
    chunk.rows.clear();
    while chunk.rows.len() < CHUNK && bytes.len() < CHUNK_BYTES {
        let first = chunk.ends.len();
        match reader.next_record(&mut bytes, &mut chunk.ends).context("cannot read input")? {
            Some(rfc4180::RecordInfo { line, problem }) => {
                let problem = problem.map(|p| format!("line {line}: {p}"));
                chunk.rows.push(CsvRow { fields: first..chunk.ends.len(), line, problem });
            }
            None => break,
        }
    }
    // A row's bytes are taken as they are when every field is valid UTF-8 on its own (the
    // whole chunk at once, nearly always); otherwise its fields get replacement characters.
    chunk.text = match String::from_utf8(bytes) {
        Ok(text) if chunk.ends.iter().all(|&e| text.is_char_boundary(e)) => text,
        Ok(text) => lossy_rows(text.as_bytes(), chunk),
        Err(e) => lossy_rows(e.as_bytes(), chunk),
    };
    for row in &mut chunk.rows {
        let fields = row.fields.len();
        if row.problem.is_none() && fields != width {
            row.problem = Some(format!("line {}: {fields} fields where the header has {width}", row.line));
        }
    }
    Ok(())
}

/// The chunk's text from its raw `bytes`, row by row: a row with a field that is not valid
/// UTF-8 on its own has each field decoded with replacement characters, and that problem
/// unless it already has one. Rewrites the chunk's field ends to match.
fn lossy_rows(bytes: &[u8], chunk: &mut CsvChunk) -> String {
    let mut text = String::with_capacity(bytes.len());
    let mut start = 0;
    for row in &mut chunk.rows {
        let ends = &mut chunk.ends[row.fields.clone()];
        let end = ends.last().copied().unwrap_or(start);
        match std::str::from_utf8(&bytes[start..end]) {
            Ok(row_text) if ends.iter().all(|&e| row_text.is_char_boundary(e - start)) => {
                let shift = text.len() as isize - start as isize;
                text.push_str(row_text);
                ends.iter_mut().for_each(|e| *e = (*e as isize + shift) as usize);
            }
            _ => {
                let mut from = start;
                for e in ends.iter_mut() {
                    text.push_str(&String::from_utf8_lossy(&bytes[from..*e]));
                    from = *e;
                    *e = text.len();
                }
                row.problem.get_or_insert_with(|| format!("line {}: invalid UTF-8 (shown with replacement characters)", row.line));
            }
        }
        start = end;
    }
    text
}

/// Codes a title and tasks, or recodes them when the row carries a source code.
fn decide(coder: &Coder, title: &str, tasks: &str, source: Option<&str>) -> Coding {
    match source.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => coder.decide_recode(code, title, tasks),
        None => coder.decide(title, tasks),
    }
}

/// Refuses input in UTF-16 or UTF-32 (a spreadsheet's "Unicode text"), which would
/// otherwise be read as rows of one garbled field, and drops a UTF-8 byte order mark.
fn check_encoding<R: BufRead>(reader: &mut R, input: &Path) -> Result<()> {
    let start = reader.fill_buf().context("cannot read input")?;
    let bom = if start.starts_with(b"\xFF\xFE") {
        Some("UTF-16 little-endian")
    } else if start.starts_with(b"\xFE\xFF") {
        Some("UTF-16 big-endian")
    } else if start.starts_with(b"\x00\x00\xFE\xFF") {
        Some("UTF-32")
    } else {
        None
    };
    if let Some(encoding) = bom {
        bail!(
            "input {} is {encoding} text (it starts with that byte order mark); save it as UTF-8 (in Excel: \"CSV UTF-8\"; or `iconv -f UTF-16 -t UTF-8`) and run again",
            input.display()
        );
    }
    if start.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(())
}

/// Columns after [`OUTPUT_COLUMNS`] on every row: which classification and model coded it, so
/// a coded file says what it is wherever it goes (the batch page writes the same).
pub const PROVENANCE_COLUMNS: [&str; 3] = ["classification", "classification_version", "model_version"];

/// [`PROVENANCE_COLUMNS`]' values: e.g. `osca2024`, `OSCA 2024 v1.0`, and the trainer's version
/// with the pack's CRC-32 (its last four bytes, little-endian), e.g. `0.1.0+27ad0b5b`, which
/// tells two packs from the same trainer apart.
fn provenance(coder: &Coder, pack: &[u8]) -> [String; 3] {
    let info = coder.info();
    let crc = pack.last_chunk::<4>().map_or(0, |b| u32::from_le_bytes(*b));
    [info.classification, info.classification_version, format!("{}+{crc:08x}", info.trainer_version)]
}

/// Every column name the output adds: input columns must not use one.
fn output_names() -> impl Iterator<Item = &'static str> {
    OUTPUT_COLUMNS.iter().chain(PROVENANCE_COLUMNS.iter()).copied()
}

/// Refuses input columns (CSV) or fields (JSON Lines) named like an output column, which the
/// output would repeat or overwrite.
fn clashing_name<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    names.into_iter().find(|n| output_names().any(|c| n.trim().eq_ignore_ascii_case(c)))
}

fn code_csv(coder: &Coder, provenance: &[String; 3], args: &CodeArgs, input: impl Read, mut output: impl Write) -> Result<Summary> {
    let mut buffered = BufReader::with_capacity(1 << 20, input);
    check_encoding(&mut buffered, &args.input)?;
    let mut reader = rfc4180::Reader::with_delimiter(buffered, args.delimiter);
    let (mut bytes, mut ends) = (Vec::new(), Vec::new());
    let Some(first) = reader.next_record(&mut bytes, &mut ends).context("cannot read input")? else {
        bail!("input {} is empty: expected a CSV header row", args.input.display());
    };
    if first.problem.as_deref().is_some_and(|p| p.starts_with("row longer than")) {
        bail!(
            "the CSV header (line 1) is longer than {} bytes: the input is not CSV with a header row, or its first line has an unclosed quote",
            rfc4180::MAX_ROW_BYTES
        );
    }
    let header: Vec<String> =
        (0..ends.len()).map(|i| String::from_utf8_lossy(&bytes[rfc4180::field_range(&ends, i)]).into_owned()).collect();
    if let Some(name) = clashing_name(header.iter().map(String::as_str)) {
        bail!(
            "the CSV header has a column {:?}, a name the output gives one of its own columns ({}); rename that input column (e.g. to \"input_{}\") and run again",
            shorten(name),
            output_names().collect::<Vec<_>>().join(","),
            shorten(name.trim())
        );
    }
    let find = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let Some(title_at) = find(&args.title_column) else {
        // One column holding another separator: the file is not comma-separated.
        let other = [b';', b'\t', b','].into_iter().find(|&d| d != args.delimiter && header.len() == 1 && header[0].as_bytes().contains(&d));
        let hint = match other {
            Some(b';') => "; the header holds semicolons: add --delimiter ';'",
            Some(b'\t') => "; the header holds tabs: add --delimiter tab",
            Some(_) => "; the header holds commas: drop --delimiter",
            None => "",
        };
        bail!(
            "the CSV header has no {:?} column (it has {}); name the title column with --title-column{hint}",
            shorten(&args.title_column),
            shorten(&format!("{header:?}"))
        );
    };
    let tasks_at = find(&args.tasks_column);
    let source_at = match &args.recode_column {
        None => None,
        Some(name) => {
            if coder.recodes_from().is_none() {
                bail!("--recode-column needs a pack that can recode (the OSCA 2024 pack recodes ANZSCO 2022 codes)");
            }
            Some(find(name).with_context(|| {
                format!("the CSV header has no {:?} column for --recode-column (it has {})", shorten(name), shorten(&format!("{header:?}")))
            })?)
        }
    };
    let width = header.len();
    let mut line = String::new();
    let mut out_header = header.clone();
    out_header.extend(output_names().map(str::to_string));
    rfc4180::write_record(&mut line, out_header.iter().map(String::as_str), args.safe_csv);
    output.write_all(line.as_bytes()).context("cannot write output")?;

    let read_chunk = |chunk: &mut CsvChunk| read_csv_chunk(&mut reader, chunk, width);
    let tree = coder.tree();
    let render = |chunk: &CsvChunk, r: usize, text: &mut String, numbers: &mut String| {
        let row = &chunk.rows[r];
        let field = |i: usize| chunk.field(row, i);
        let out = match &row.problem {
            None => Outcome::Coded(decide(coder, field(title_at), tasks_at.map_or("", field), source_at.map(field))),
            Some(e) => Outcome::Error(e.clone()),
        };
        let fields = row.fields.len();
        let padding = width.saturating_sub(fields);
        rfc4180::write_record(
            text,
            (0..fields.min(width))
                .map(field)
                .chain(std::iter::repeat_n("", padding))
                .chain(out.fields(tree, numbers))
                .chain(provenance.iter().map(String::as_str)),
            args.safe_csv,
        );
        out.tally(tree)
    };
    pipeline(read_chunk, render, &mut output)
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

    /// What [`Reader::next_record`] tells of a row besides its fields: the line it starts on
    /// (the header is line 1) and what was wrong with its quoting or length, if anything.
    pub struct RecordInfo {
        pub line: u64,
        pub problem: Option<String>,
    }

    /// Where field `i` sits, from the ends of the fields (of a row, or of rows one after
    /// another).
    pub fn field_range(ends: &[usize], i: usize) -> std::ops::Range<usize> {
        let start = if i == 0 { 0 } else { ends[i - 1] };
        start..ends[i]
    }

    /// Bytes with a meaning inside an unquoted field (after its first byte) and inside a
    /// quoted one: any other byte is field text, copied in runs.
    fn special(state: State, b: u8, delimiter: u8) -> bool {
        match state {
            State::Unquoted => b == delimiter || matches!(b, b'"' | b'\r' | b'\n'),
            _ => matches!(b, b'"' | b'\r' | b'\n'),
        }
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
        /// The field separator: `,` unless given.
        delimiter: u8,
    }

    impl<R: BufRead> Reader<R> {
        /// A reader whose fields are separated by `delimiter` (`,`, or `;` or a tab, say);
        /// quoting is the same for each.
        pub fn with_delimiter(inner: R, delimiter: u8) -> Self {
            Reader { inner, line: 1, after_cr: false, prev_cr: false, first: true, done: false, delimiter }
        }

        /// The next row, or `None` at the end of the input: its fields' raw bytes go on the
        /// end of `bytes`, one after another, and each field's end (a position in `bytes`) on
        /// the end of `ends`.
        pub fn next_record(&mut self, bytes: &mut Vec<u8>, ends: &mut Vec<usize>) -> io::Result<Option<RecordInfo>> {
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
                    ends.push(bytes.len());
                    return Ok(Some(RecordInfo { line: start_line, problem }));
                }
                let mut used = 0;
                let mut finished = false;
                while used < buf.len() {
                    // Field text between meaningful bytes goes in as one run (the same bytes
                    // the byte-by-byte rules below would add, with the same length check).
                    if started && !self.after_cr && matches!(state, State::Unquoted | State::Quoted) {
                        let run = buf[used..].iter().position(|&b| special(state, b, self.delimiter)).unwrap_or(buf.len() - used);
                        let run = run.min(MAX_ROW_BYTES - size);
                        if run > 0 {
                            bytes.extend_from_slice(&buf[used..used + run]);
                            size += run;
                            used += run;
                            self.prev_cr = false;
                            continue;
                        }
                    }
                    let b = buf[used];
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
                            if b == self.delimiter {
                                ends.push(bytes.len());
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
                    bytes.push(b);
                }
                self.inner.consume(used);
                if finished {
                    ends.push(bytes.len());
                    return Ok(Some(RecordInfo { line: start_line, problem }));
                }
            }
        }
    }

    /// Whether a spreadsheet could take a field for a formula (OWASP's list of first
    /// characters): with `--safe-csv` it gets a leading `'`.
    pub fn formula_like(field: &str) -> bool {
        matches!(field.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
    }

    /// Appends one CSV row (LF-terminated) to `out`; with `safe`, a [`formula_like`] field
    /// gets a leading `'`.
    pub fn write_record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>, safe: bool) {
        for (i, f) in fields.enumerate() {
            if i > 0 {
                out.push(',');
            }
            let guard = safe && formula_like(f);
            if f.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
                out.push('"');
                if guard {
                    out.push('\'');
                }
                for (j, part) in f.split('"').enumerate() {
                    if j > 0 {
                        out.push_str("\"\"");
                    }
                    out.push_str(part);
                }
                out.push('"');
            } else {
                if guard {
                    out.push('\'');
                }
                out.push_str(f);
            }
        }
        out.push('\n');
    }
}

/// JSON Lines rows read in one go: each non-blank line with its line number.
#[derive(Default)]
struct JsonChunk(Vec<JsonLine>);

struct JsonLine {
    number: u64,
    /// The line without its line break, cut to [`rfc4180::MAX_ROW_BYTES`].
    bytes: Vec<u8>,
    /// Whether the line was longer than that (the rest was skipped).
    cut: bool,
}

/// Reads the next line into `line` (emptied first) without its LF or CRLF, keeping at most
/// `max` bytes of it and skipping the rest, so a file with no line breaks cannot fill memory.
/// Returns `None` at the end of the input, else whether the line was longer than `max`.
fn read_line_capped<R: BufRead>(reader: &mut R, line: &mut Vec<u8>, max: usize) -> io::Result<Option<bool>> {
    line.clear();
    // One byte more than `max` is kept, so that a CR before the LF can be told apart.
    let (mut dropped, mut any) = (false, false);
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        any = true;
        let (end, found) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (buf.len(), false),
        };
        let room = (max + 1).saturating_sub(line.len());
        line.extend_from_slice(&buf[..end.min(room)]);
        dropped |= end > room;
        reader.consume(end + usize::from(found));
        if found {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if !dropped && line.last() == Some(&b'\r') {
        line.pop();
    }
    let cut = dropped || line.len() > max;
    line.truncate(max);
    Ok(Some(cut))
}

impl Chunk for JsonChunk {
    fn rows(&self) -> usize {
        self.0.len()
    }
}

fn code_jsonl(coder: &Coder, provenance: &[String; 3], args: &CodeArgs, input: impl Read, mut output: impl Write) -> Result<Summary> {
    if args.recode_column.is_some() && coder.recodes_from().is_none() {
        bail!("--recode-column needs a pack that can recode (the OSCA 2024 pack recodes ANZSCO 2022 codes)");
    }
    let mut reader = BufReader::with_capacity(1 << 20, input);
    check_encoding(&mut reader, &args.input)?;
    let mut number = 0u64;
    let mut bytes = Vec::new();
    let read_chunk = |chunk: &mut JsonChunk| -> Result<()> {
        chunk.0.clear();
        let mut size = 0;
        while let Some(cut) = read_line_capped(&mut reader, &mut bytes, rfc4180::MAX_ROW_BYTES).context("cannot read input")? {
            number += 1;
            if !cut && bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            size += bytes.len();
            chunk.0.push(JsonLine { number, bytes: bytes.clone(), cut });
            if chunk.0.len() == CHUNK || size >= CHUNK_BYTES {
                break;
            }
        }
        Ok(())
    };
    let render = |chunk: &JsonChunk, i: usize, text: &mut String, numbers: &mut String| {
        let JsonLine { number, bytes, cut } = &chunk.0[i];
        let (tally, line) = code_json_line(coder, provenance, args, *number, bytes, *cut, numbers);
        text.push_str(&line);
        text.push('\n');
        tally
    };
    pipeline(read_chunk, render, &mut output)
}

fn code_json_line(coder: &Coder, provenance: &[String; 3], args: &CodeArgs, line: u64, bytes: &[u8], cut: bool, numbers: &mut String) -> (Tally, String) {
    let text = if cut {
        let max = rfc4180::MAX_ROW_BYTES;
        Err(format!("line {line}: line longer than {max} bytes (a missing line break?); skipped to its end"))
    } else {
        std::str::from_utf8(bytes).map_err(|_| format!("line {line}: invalid UTF-8"))
    };
    let parsed: Result<serde_json::Map<String, serde_json::Value>, String> = text
        .and_then(|s| serde_json::from_str(s).map_err(|e| format!("line {line}: not a JSON object: {}", shorten(&e.to_string()))))
        .and_then(|obj: serde_json::Map<String, serde_json::Value>| match clashing_name(obj.keys().map(String::as_str)) {
            Some(name) => Err(format!(
                "line {line}: field {:?} is named like an output field ({}), which would overwrite it; rename it (e.g. to \"input_{}\")",
                shorten(name),
                output_names().collect::<Vec<_>>().join(","),
                shorten(name.trim())
            )),
            None => Ok(obj),
        });
    let (mut obj, outcome) = match parsed {
        Ok(obj) => {
            let text = |k: &str| obj.get(k).and_then(|v| v.as_str()).map(str::to_string);
            let outcome = match text(&args.title_column) {
                Some(title) => {
                    let tasks = text(&args.tasks_column).unwrap_or_default();
                    let source = args.recode_column.as_deref().and_then(|c| obj.get(c)).map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()));
                    Outcome::Coded(decide(coder, &title, &tasks, source.as_deref()))
                }
                None => Outcome::Error(format!("line {line}: no string field {:?}", shorten(&args.title_column))),
            };
            (obj, outcome)
        }
        Err(e) => {
            let mut obj = serde_json::Map::new();
            obj.insert("input".into(), serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned()));
            (obj, Outcome::Error(e))
        }
    };
    let tree = coder.tree();
    for (name, value) in OUTPUT_COLUMNS.iter().zip(outcome.fields(tree, numbers)) {
        obj.insert(name.to_string(), serde_json::Value::String(value.to_string()));
    }
    for (name, value) in PROVENANCE_COLUMNS.iter().zip(provenance) {
        obj.insert(name.to_string(), serde_json::Value::String(value.clone()));
    }
    (outcome.tally(tree), serde_json::Value::Object(obj).to_string())
}
