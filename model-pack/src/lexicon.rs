//! Respondent language the public corpora lack, written by the project (see
//! `model-pack/lexicon/README.md` for who wrote each file and how it was checked): colloquial
//! titles and abbreviations, misspellings, and plain-language task phrases per occupation.
//! Read from the trainer's own folder, never from `../shared/data`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::data::read_csv;

/// A colloquial title, abbreviation, employer nickname, public-service level or context word
/// (the file's `expansion`, `kind` and `note` columns are for readers, not the trainer).
#[derive(Clone, Debug, Deserialize)]
pub struct Term {
    pub term: String,
    /// The code the term names on its own; empty when it names none (employers, levels).
    #[serde(default)]
    pub osca2024: String,
    #[serde(default)]
    pub anzsco2022: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Misspelling {
    pub misspelt: String,
    pub correct: String,
}

/// How a respondent describes an occupation's (or unit group's) work, OSCA 2024 code.
#[derive(Clone, Debug, Deserialize)]
pub struct TaskPhrase {
    pub code: String,
    pub phrase: String,
}

#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    pub terms: Vec<Term>,
    pub misspellings: Vec<Misspelling>,
    pub task_phrases: Vec<TaskPhrase>,
}

/// The trainer's lexicon folder.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lexicon")
}

/// Reads `colloquial.csv`, `misspellings.csv` and every `task_phrases_*.csv` in `dir`.
pub fn load(dir: &Path) -> Result<Lexicon> {
    let mut phrase_files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading the lexicon folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("task_phrases_") && n.ends_with(".csv")))
        .collect();
    phrase_files.sort();
    let mut task_phrases = Vec::new();
    for f in &phrase_files {
        task_phrases.extend(read_csv::<TaskPhrase>(f)?);
    }
    Ok(Lexicon { terms: read_csv(&dir.join("colloquial.csv"))?, misspellings: read_csv(&dir.join("misspellings.csv"))?, task_phrases })
}
