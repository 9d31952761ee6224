//! `occupation-coder`: the native command-line coder (same core as the WebAssembly module).

mod batch;
mod interrupt;
mod bench;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use occupation_coder::evaluate::MetricsBuilder;
use occupation_coder::{Coder, Record};
use rayon::prelude::*;

// glibc malloc spent about a fifth of a batch run in allocation and arena consolidation across
// the worker threads; mimalloc's per-thread heaps remove most of it (see README, batch figures).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "occupation-coder", version, about = "Codes job titles and tasks to OSCA 2024 / ANZSCO 2022 occupations, offline")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ranked occupation suggestions for one text.
    Suggest {
        /// Model pack to code with, e.g. www/models/osca2024.ocpk (built by `make packs`)
        #[arg(long)]
        pack: PathBuf,
        /// The job title.
        title: String,
        /// What the person does in the job.
        #[arg(long, default_value = "")]
        tasks: String,
        /// Number of suggestions (1-50).
        #[arg(short, default_value_t = 5)]
        k: usize,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Code a file of records (CSV or JSON Lines), streaming, in input order.
    Code(batch::CodeArgs),
    /// Accuracy of a pack on a labelled CSV with columns title, tasks, code (JSON metrics).
    Eval {
        /// Model pack to code with, e.g. www/models/osca2024.ocpk (built by `make packs`)
        #[arg(long)]
        pack: PathBuf,
        #[arg(long)]
        input: PathBuf,
    },
    /// Latency, throughput and size benchmarks of a pack on this machine.
    Bench(bench::BenchArgs),
    /// What a pack is: classification, versions, sizes, thresholds.
    Info {
        /// Model pack to code with, e.g. www/models/osca2024.ocpk (built by `make packs`)
        #[arg(long)]
        pack: PathBuf,
    },
}

/// Reads and loads a pack, reading at most one byte more than
/// [`occupation_coder::pack::MAX_PACK_BYTES`] (a device such as `/dev/zero` has no size to
/// check first), so a wrong file fails at once.
pub fn load_pack(path: &Path) -> Result<Coder> {
    let bytes = read_pack_bytes(path)?;
    Coder::from_bytes(&bytes).with_context(|| format!("cannot load model pack {}", path.display()))
}

/// A pack file's bytes, with [`load_pack`]'s limits (what `code` needs for the pack's checksum).
pub fn read_pack_bytes(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let max = occupation_coder::pack::MAX_PACK_BYTES;
    let cannot = || format!("cannot read model pack {}", path.display());
    let file = std::fs::File::open(path).with_context(cannot)?;
    let size = file.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
    let mut bytes = Vec::with_capacity(size.map_or(0, |n| n.min(max as u64 + 1) as usize));
    if size.is_none_or(|n| n <= max as u64) {
        let mut file = file.take(max as u64 + 1);
        // The magic bytes first: a file that is not a pack at all is refused before the rest
        // is read.
        (&mut file).take(16).read_to_end(&mut bytes).with_context(cannot)?;
        if bytes.len() < 4 || bytes[..4] == occupation_coder::pack::MAGIC {
            file.read_to_end(&mut bytes).with_context(cannot)?;
        }
    }
    let len = size.unwrap_or(bytes.len() as u64);
    if len > max as u64 {
        let e = occupation_coder::PackError::TooLarge { len, max };
        return Err(anyhow::Error::new(e).context(format!("cannot load model pack {}", path.display())));
    }
    Ok(bytes)
}

/// Writes a command's output. A reader that stops early (`| head -1`) is not an error: the
/// rest is not wanted, so the command ends quietly instead of panicking on the closed pipe.
pub(crate) fn print_out(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("cannot write to standard output"),
    }
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Suggest { pack, title, tasks, k, json } => {
            let coder = load_pack(&pack)?;
            let suggestions = coder.suggest(&title, &tasks, k)?;
            let mut text = String::new();
            if json {
                text = serde_json::to_string_pretty(&suggestions)? + "\n";
            } else if suggestions.is_empty() {
                text += "no suggestions: the text has no words\n";
            } else {
                for s in &suggestions {
                    let path: Vec<String> = s.path.iter().map(|p| format!("{}:{:.2}", p.code, p.conditional)).collect();
                    text += &format!("{}  {:<50} {:>6.3}   {}\n", s.code, s.label, s.confidence, path.join(" > "));
                }
            }
            print_out(&text)?;
        }
        Command::Code(args) => batch::run(&args)?,
        Command::Eval { pack, input } => {
            let coder = load_pack(&pack)?;
            print_out(&(serde_json::to_string_pretty(&eval(&coder, &input)?)? + "\n"))?;
        }
        Command::Bench(args) => bench::run(&args)?,
        Command::Info { pack } => {
            let coder = load_pack(&pack)?;
            print_out(&(serde_json::to_string_pretty(&coder.info())? + "\n"))?;
        }
    }
    Ok(())
}

fn eval(coder: &Coder, input: &Path) -> Result<occupation_coder::evaluate::Metrics> {
    #[derive(serde::Deserialize)]
    struct Row {
        title: String,
        #[serde(default)]
        tasks: String,
        code: String,
    }
    let mut reader = csv::Reader::from_path(input).with_context(|| format!("cannot open {}", input.display()))?;
    let mut rows = Vec::new();
    for (i, r) in reader.deserialize::<Row>().enumerate() {
        rows.push(r.with_context(|| format!("{}: row {} must have columns title, tasks, code", input.display(), i + 2))?);
    }
    check_labels(coder, input, rows.iter().map(|r| r.code.as_str()))?;
    let results: Vec<_> = rows
        .par_iter()
        .map(|r| {
            let top = coder.suggest(&r.title, &r.tasks, 5).unwrap_or_default();
            let coded = coder.code(&Record { id: None, title: r.title.clone(), tasks: r.tasks.clone() });
            (top, coded)
        })
        .collect();
    let mut m = MetricsBuilder::default();
    for (r, (top, coded)) in rows.iter().zip(&results) {
        let top: Vec<(&str, f32)> = top.iter().map(|s| (s.code.as_str(), s.confidence)).collect();
        let coded = coded.results.first().map(|c| (c.code_category.as_str(), c.code_confidence));
        m.add(&r.code, &top, coded);
    }
    Ok(m.finish())
}

/// Refuses labels that are mostly not codes of the pack's classification (an ANZSCO-labelled
/// file against the OSCA pack would otherwise report 0% as if it were a measurement), and
/// warns on stderr about a few, which count as wrong.
fn check_labels<'a>(coder: &Coder, input: &Path, labels: impl Iterator<Item = &'a str>) -> Result<()> {
    let info = coder.info();
    let known = |c: &str| coder.label(c.trim()).is_some() || info.non_classification_codes.iter().any(|n| n == c.trim());
    let (mut total, mut unknown) = (0usize, Vec::new());
    for label in labels {
        total += 1;
        if !known(label) {
            unknown.push(label);
        }
    }
    if unknown.is_empty() {
        return Ok(());
    }
    let mut examples: Vec<&str> = Vec::new();
    for &u in &unknown {
        if examples.len() == 5 {
            break;
        }
        if !examples.contains(&u) {
            examples.push(u);
        }
    }
    let examples = examples.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ");
    let what = format!(
        "{} of {} labels in {} are not codes of {} {} (e.g. {})",
        unknown.len(),
        total,
        input.display(),
        info.classification,
        info.classification_version,
        examples
    );
    if unknown.len() * 2 > total {
        // The OSCA pack knows ANZSCO 2022 codes (its recoding table), so it can name them.
        let other = coder.recodes_from().filter(|_| {
            let recodable = |c: &str| !matches!(coder.decide_recode(c, "", ""), occupation_coder::Coding::Uncoded { reason: occupation_coder::UncodedReason::UnknownSourceCode, .. });
            unknown.iter().filter(|c| recodable(c)).count() * 2 > unknown.len()
        });
        let hint = match other {
            Some(other) => format!("they are {other} codes: evaluate with the {other} pack"),
            None => "the code column looks like another classification's: evaluate with that classification's pack".to_string(),
        };
        anyhow::bail!("{what}; {hint}, or fix the code column");
    }
    eprintln!("warning: {what}; they count as wrong");
    Ok(())
}
