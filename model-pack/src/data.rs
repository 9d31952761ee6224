//! Reading the classification data and corpora from `../shared/data` (or `--data DIR`).
//!
//! Every reader names the file it failed on and what was wrong, so a missing or malformed
//! input is fixed in one step.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// Which classification a pack codes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Scheme {
    #[value(name = "osca2024")]
    Osca2024,
    #[value(name = "anzsco2022")]
    Anzsco2022,
}

impl Scheme {
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Osca2024 => "osca2024",
            Scheme::Anzsco2022 => "anzsco2022",
        }
    }
    pub fn version_label(self) -> &'static str {
        match self {
            Scheme::Osca2024 => "OSCA 2024 v1.0",
            Scheme::Anzsco2022 => "ANZSCO 2022 Australian Update",
        }
    }
}

/// A group (major .. unit group) or occupation row of the structure file.
#[derive(Clone, Debug, Deserialize)]
pub struct StructureRow {
    pub code: String,
    /// Digits of the code: 1, 2, 3, 4 or 6.
    pub level: u8,
    pub title: String,
    pub parent_code: String,
}

/// One occupation with its index titles, description and tasks.
#[derive(Clone, Debug, Deserialize)]
pub struct Occupation {
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub alt_titles: Vec<String>,
    #[serde(default)]
    pub specialisations: Vec<String>,
    #[serde(default)]
    pub nec_titles: Vec<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tasks: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Group {
    pub code: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tasks: Vec<String>,
}

/// One classification's own data.
#[derive(Clone, Debug)]
pub struct ClassificationData {
    pub structure: Vec<StructureRow>,
    pub occupations: Vec<Occupation>,
    pub groups: Vec<Group>,
}

/// A labelled text from a corpus: `code` is in `code_system`.
#[derive(Clone, Debug, Deserialize)]
pub struct CorpusRow {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub code: String,
    /// How the corpus produced the text (e.g. `esco_alt`, `onet_alternate_title`).
    #[serde(default)]
    pub label_type: String,
}

/// A link of a correspondence table: `from` -> `to`. (Whether a link is partial follows from
/// how many codes share its target, which is how the trainer uses it; see examples.rs.)
#[derive(Clone, Debug)]
pub struct Link {
    pub from: String,
    pub to: String,
}

/// Everything the trainer reads.
#[derive(Clone, Debug)]
pub struct Data {
    pub osca: ClassificationData,
    pub anzsco: ClassificationData,
    /// OSCA 2024 -> ANZSCO 2022 (ABS Table 6).
    pub osca_to_anzsco: Vec<Link>,
    pub isco_to_osca: Vec<Link>,
    pub isco_to_anzsco: Vec<Link>,
    /// US SOC 2010 -> (OSCA, ANZSCO) candidate pairs, composed through ISCO-08.
    pub soc_to_osca_anzsco: Vec<(String, String, String)>,
    pub asc_tasks: Vec<CorpusRow>,
    pub colloquial: Vec<CorpusRow>,
    pub esco: Vec<CorpusRow>,
    pub ilo_index: Vec<CorpusRow>,
    pub onet_titles: Vec<CorpusRow>,
    pub onet_tasks: Vec<CorpusRow>,
    /// The project's own respondent language (`model-pack/lexicon/`).
    pub lexicon: crate::lexicon::Lexicon,
}

impl Data {
    pub fn classification(&self, scheme: Scheme) -> &ClassificationData {
        match scheme {
            Scheme::Osca2024 => &self.osca,
            Scheme::Anzsco2022 => &self.anzsco,
        }
    }
}

/// Where the data folder is: `--data`, else `OCCUPATION_CODER_DATA`, else `../shared/data`
/// relative to the workspace root.
pub fn resolve_data_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os("OCCUPATION_CODER_DATA").map(PathBuf::from))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"))
}

/// Reads the data folder, and the project's lexicon from `lexicon` (none when `None`).
pub fn load(dir: &Path, lexicon: Option<&Path>) -> Result<Data> {
    if !dir.is_dir() {
        bail!(
            "data folder {} does not exist; pass --data DIR or set OCCUPATION_CODER_DATA to the folder holding classifications/ and corpora/",
            dir.display()
        );
    }
    let c = dir.join("classifications");
    let k = dir.join("corpora");
    Ok(Data {
        osca: load_classification(&c.join("osca2024"), Scheme::Osca2024)?,
        anzsco: load_classification(&c.join("anzsco2022"), Scheme::Anzsco2022)?,
        osca_to_anzsco: links(&c.join("correspondences/osca2024_to_anzsco2022.csv"), "osca_code", "anzsco2022_code")?,
        isco_to_osca: links(&c.join("correspondences/isco08_to_osca2024.csv"), "isco08_code", "osca_code")?,
        isco_to_anzsco: links(&c.join("correspondences/isco08_to_anzsco2022.csv"), "isco08_code", "anzsco2022_code")?,
        soc_to_osca_anzsco: soc_crosswalk(&k.join("crosswalks/soc2010_osca_anzsco_via_isco.csv"))?,
        asc_tasks: read_csv(&k.join("asc_2021_beta/asc_tasks_anzsco.csv"))?,
        colloquial: read_csv(&k.join("au_colloquial/au_colloquial_norm.csv"))?,
        esco: read_csv(&k.join("esco_v1.1/esco_occupations_isco08.csv"))?,
        ilo_index: read_csv(&k.join("isco08_ilo_index/isco08_index_titles.csv"))?,
        onet_titles: read_csv(&k.join("onet_29.3/onet_titles.csv"))?,
        onet_tasks: read_csv(&k.join("onet_29.3/onet_tasks.csv"))?,
        lexicon: match lexicon {
            Some(l) => crate::lexicon::load(l)?,
            None => crate::lexicon::Lexicon::default(),
        },
    })
}

fn load_classification(dir: &Path, scheme: Scheme) -> Result<ClassificationData> {
    let name = scheme.name();
    let structure: Vec<StructureRow> = read_csv(&dir.join(format!("{name}_structure.csv")))?;
    let occupations: Vec<Occupation> = read_jsonl(&dir.join(format!("{name}_occupations.jsonl")))?;
    let groups: Vec<Group> = read_jsonl(&dir.join(format!("{name}_groups.jsonl")))?;
    let occupation_rows = structure.iter().filter(|r| r.level == 6).count();
    if occupation_rows == 0 || occupations.is_empty() {
        bail!("{}: no occupations found; is this the {} folder?", dir.display(), scheme.version_label());
    }
    for (i, r) in structure.iter().enumerate() {
        if ![1, 2, 3, 4, 6].contains(&r.level) || r.code.len() != usize::from(r.level) || !r.code.bytes().all(|b| b.is_ascii_digit()) {
            bail!("{}: row {}: code {:?} at level {} is malformed", dir.join(format!("{name}_structure.csv")).display(), i + 2, r.code, r.level);
        }
    }
    Ok(ClassificationData { structure, occupations, groups })
}

pub fn read_csv<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let file = File::open(path).with_context(|| format!("cannot open {}; is the data folder complete?", path.display()))?;
    let mut reader = csv::Reader::from_reader(BufReader::new(file));
    let mut rows = Vec::new();
    for (i, row) in reader.deserialize().enumerate() {
        rows.push(row.with_context(|| format!("{}: row {} is malformed", path.display(), i + 2))?);
    }
    Ok(rows)
}

fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let file = File::open(path).with_context(|| format!("cannot open {}; is the data folder complete?", path.display()))?;
    let mut rows = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}: line {} is not UTF-8 text", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        rows.push(serde_json::from_str(&line).with_context(|| format!("{}: line {} is malformed", path.display(), i + 1))?);
    }
    Ok(rows)
}

fn links(path: &Path, from: &str, to: &str) -> Result<Vec<Link>> {
    let rows: Vec<HashMap<String, String>> = read_csv(path)?;
    rows.into_iter()
        .enumerate()
        .map(|(i, r)| {
            let get = |k: &str| {
                r.get(k).cloned().with_context(|| format!("{}: row {} has no column {k:?}", path.display(), i + 2))
            };
            Ok(Link { from: get(from)?, to: get(to)? })
        })
        .collect()
}

fn soc_crosswalk(path: &Path) -> Result<Vec<(String, String, String)>> {
    #[derive(Deserialize)]
    struct Row {
        soc_2010_code: String,
        osca_code: String,
        anzsco_code: String,
    }
    let rows: Vec<Row> = read_csv(path)?;
    Ok(rows.into_iter().map(|r| (r.soc_2010_code, r.osca_code, r.anzsco_code)).collect())
}
