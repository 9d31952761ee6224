//! `model-pack`: builds occupation-coder model packs and reports honest accuracy.

mod coding_index;
mod data;
mod evaluation;
mod examples;
mod kfold;
mod lexicon;
mod noncodes;
mod respondent;
mod pipeline;
mod quantise;
mod rng;
mod svm;
mod train;
mod tree_build;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::data::Scheme;
use crate::pipeline::{CandidateStrategy, Config};

#[derive(Parser)]
#[command(name = "model-pack", version, about = "Builds occupation-coder model packs from the ABS classification data")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a classification's model and write its pack.
    Build {
        #[command(flatten)]
        common: Common,
        /// Where to write the pack (written to a temporary file, then renamed).
        #[arg(long)]
        out: PathBuf,
        /// Also write the build report (JSON) here.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Refuse to write a pack larger than this, gzipped (a pack is downloaded by every
        /// page that codes with it).
        #[arg(long, default_value_t = 1_500_000)]
        max_gzip_bytes: usize,
    },
    /// K-fold accuracy on held-out index titles (alternative titles, specialisations, nec
    /// titles): hierarchical float and quantised models, and a flat linear SVM, on the same folds.
    Kfold {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 5)]
        folds: u64,
        /// Run only these folds (e.g. `--only 0` for a quick look).
        #[arg(long, value_delimiter = ',')]
        only: Vec<u64>,
        /// Skip the flat baseline (it is the slow part).
        #[arg(long)]
        no_flat: bool,
        /// Write the JSON report here as well as to standard output.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Build the pack in memory and score it, beside a flat linear SVM trained on the same
    /// examples, on text neither saw: respondent answers (dev and test halves, by kind) and
    /// the held-out slice of real titles. Prints Markdown tables.
    Eval {
        #[command(flatten)]
        common: Common,
        /// Respondent answers (CSV: id, kind, split, title, tasks and a column named after
        /// each classification), e.g. tests/eval/respondents.csv.
        #[arg(long)]
        respondents: Option<PathBuf>,
        /// Skip the flat baseline.
        #[arg(long)]
        no_flat: bool,
        /// Write the JSON report (with every answer's prediction) here.
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

/// The numeric defaults are the trainer's own (`Config::default()`), so `make packs` and a
/// build from code train the same pack.
#[derive(Args)]
struct Common {
    #[arg(long, value_enum)]
    classification: Scheme,
    /// Folder holding classifications/ and corpora/ [default: $OCCUPATION_CODER_DATA or ../shared/data]
    #[arg(long)]
    data: Option<PathBuf>,
    /// How crosswalked text with several candidate codes is used.
    #[arg(long, value_enum, default_value = "pseudo")]
    strategy: CandidateStrategy,
    /// Weight multiplier of pseudo-labelled examples (`--strategy pseudo`).
    #[arg(long, default_value_t = Config::default().pseudo_weight)]
    pseudo_weight: f32,
    /// Weight of a crosswalked corpus title (ESCO, O*NET, ILO) relative to the SVM's C.
    #[arg(long, default_value_t = Config::default().weights.corpus_title)]
    corpus_weight: f32,
    /// SVM cost C.
    #[arg(long, default_value_t = Config::default().svm.c)]
    c: f32,
    #[arg(long, default_value_t = Config::default().seed)]
    seed: u64,
    /// Weights smaller than this in magnitude (the same for every node) are dropped from the
    /// pack: larger values make a smaller pack.
    #[arg(long, default_value_t = Config::default().prune_below)]
    prune_below: f32,
    /// Hash buckets (a power of two is usual).
    #[arg(long, default_value_t = Config::default().features.buckets)]
    buckets: u32,
    /// Features in fewer than this many of a node's examples are ignored at that node.
    #[arg(long, default_value_t = Config::default().svm.min_df)]
    min_df: usize,
    /// Weight of the task words' feature block (title words weigh 1).
    #[arg(long, default_value_t = Config::default().features.block_weights.task_words)]
    task_weight: f32,
    /// Character n-gram lengths from title words, e.g. `3-5`; `0-0` turns them off.
    #[arg(long, default_value = "3-4")]
    char_ngrams: String,
    /// The project's respondent-language lexicon folder, or `none` to train without it (as
    /// for a classification other than the real OSCA 2024 / ANZSCO 2022). [default: model-pack/lexicon]
    #[arg(long)]
    lexicon: Option<PathBuf>,
    /// Evidence the coding index is built from (comma-separated), or `none` for no index.
    #[arg(long, default_value = "titles,lexicon")]
    index: String,
    /// Leave the spelling vocabulary out of the pack (no correction of misspelt title words).
    #[arg(long)]
    no_spelling: bool,
    /// Quiet: no progress lines.
    #[arg(long, short)]
    quiet: bool,
}

impl Common {
    fn config(&self) -> Result<Config> {
        let mut cfg = Config { strategy: self.strategy, seed: self.seed, prune_below: self.prune_below, progress: !self.quiet, ..Config::default() };
        cfg.svm.c = self.c;
        cfg.svm.seed = self.seed;
        cfg.features.buckets = self.buckets;
        cfg.svm.min_df = self.min_df.max(1);
        anyhow::ensure!(self.pseudo_weight > 0.0 && self.pseudo_weight.is_finite(), "--pseudo-weight must be a positive number");
        cfg.pseudo_weight = self.pseudo_weight;
        anyhow::ensure!(self.corpus_weight > 0.0 && self.corpus_weight.is_finite(), "--corpus-weight must be a positive number");
        cfg.weights.corpus_title = self.corpus_weight;
        let (lo, hi) = self
            .char_ngrams
            .split_once('-')
            .and_then(|(a, b)| Some((a.parse::<u8>().ok()?, b.parse::<u8>().ok()?)))
            .filter(|(a, b)| a <= b && *b <= 8)
            .with_context(|| format!("--char-ngrams must look like 3-5 (lengths up to 8), got {:?}", self.char_ngrams))?;
        cfg.features.char_ngrams = (lo, hi);
        anyhow::ensure!(self.task_weight >= 0.0 && self.task_weight.is_finite(), "--task-weight must be a number at least 0");
        cfg.features.block_weights.task_words = self.task_weight;
        cfg.index_tiers = index_tiers(&self.index)?;
        cfg.spelling = !self.no_spelling;
        cfg.svm.validate()?;
        anyhow::ensure!(self.prune_below >= 0.0 && self.prune_below.is_finite(), "--prune-below must be a number at least 0, got {}", self.prune_below);
        anyhow::ensure!(self.buckets >= 1024, "--buckets must be at least 1024, got {}", self.buckets);
        anyhow::ensure!(
            self.buckets <= occupation_coder::features::MAX_BUCKETS,
            "--buckets must be at most {} (2^24), got {}",
            occupation_coder::features::MAX_BUCKETS,
            self.buckets
        );
        Ok(cfg)
    }

    fn load(&self) -> Result<data::Data> {
        let dir = data::resolve_data_dir(self.data.clone());
        let lexicon = match &self.lexicon {
            Some(p) if p.as_os_str() == "none" => None,
            Some(p) => Some(p.clone()),
            None => Some(lexicon::default_dir()),
        };
        data::load(&dir, lexicon.as_deref()).with_context(|| format!("loading training data from {}", dir.display()))
    }
}

/// `--index titles,lexicon,corpora` -> tiers with their default confidences.
fn index_tiers(list: &str) -> Result<Vec<(coding_index::Tier, f32)>> {
    use clap::ValueEnum;
    if list.trim() == "none" {
        return Ok(Vec::new());
    }
    let mut tiers = Vec::new();
    for name in list.split(',').map(str::trim) {
        let tier = coding_index::Tier::from_str(name, true)
            .map_err(|_| anyhow::anyhow!("--index takes titles, lexicon, corpora (comma-separated) or none, got {name:?}"))?;
        let confidence = coding_index::DEFAULT_TIERS.iter().find(|(t, _)| *t == tier).map_or(coding_index::CORPORA_CONFIDENCE, |(_, c)| *c);
        if !tiers.iter().any(|(t, _)| *t == tier) {
            tiers.push((tier, confidence));
        }
    }
    tiers.sort_by_key(|(t, _)| *t);
    Ok(tiers)
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { common, out, report, max_gzip_bytes } => {
            let cfg = common.config()?;
            let data = common.load()?;
            let (bytes, rep) = pipeline::build(&data, common.classification, &cfg)?;
            anyhow::ensure!(
                rep.pack_gzip_bytes <= max_gzip_bytes,
                "the pack is {} bytes gzipped, over --max-gzip-bytes {max_gzip_bytes}; nothing was written. \
                 Raise --prune-below (now {}) to drop more small weights, or pass a larger --max-gzip-bytes",
                rep.pack_gzip_bytes,
                cfg.prune_below
            );
            write_atomically(&out, &bytes)?;
            let json = serde_json::to_string_pretty(&rep)?;
            if let Some(path) = report {
                write_atomically(&path, json.as_bytes())?;
            }
            eprintln!(
                "wrote {} ({} bytes, {} gzip) in {:.1}s",
                out.display(),
                rep.pack_bytes,
                rep.pack_gzip_bytes,
                rep.seconds
            );
        }
        Command::Kfold { common, folds, only, no_flat, report } => {
            let cfg = common.config()?;
            anyhow::ensure!(folds >= 2, "--folds must be at least 2");
            let data = common.load()?;
            let rep = kfold::run(&data, common.classification, &cfg, folds, &only, !no_flat)?;
            let json = serde_json::to_string_pretty(&rep)?;
            println!("{json}");
            if let Some(path) = report {
                write_atomically(&path, json.as_bytes())?;
            }
        }
        Command::Eval { common, respondents, no_flat, report } => {
            let cfg = common.config()?;
            let data = common.load()?;
            let rep = evaluation::run(&data, common.classification, &cfg, respondents.as_deref(), !no_flat)?;
            println!("{}", evaluation::markdown(&rep));
            if let Some(path) = report {
                write_atomically(&path, serde_json::to_string_pretty(&rep)?.as_bytes())?;
            }
        }
    }
    Ok(())
}

/// Writes to a temporary file beside `path`, then renames, so a crash never leaves half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
    Ok(())
}
