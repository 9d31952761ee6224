//! `model-pack eval`: the pack as built, and a flat linear SVM trained on the same examples,
//! scored on text neither was trained on: the project's respondent answers (dev and test
//! halves, by kind of answer) and the held-out slice of real titles (see
//! [`pipeline::SLICE_ONE_IN`]).
//!
//! The hierarchical figures go through [`Coder`] on the pack's own bytes, so they are what a
//! user of the built pack gets (quantisation, back-off and all).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use occupation_coder::evaluate::{Metrics, MetricsBuilder};
use occupation_coder::{Coder, Coding};
use rayon::prelude::*;
use serde::Serialize;

use crate::data::{Data, Scheme};
use crate::kfold::{train_flat, FlatModel};
use crate::pipeline::{self, Config};

/// One answer of the respondent set (`tests/eval/respondents.csv`).
#[derive(Clone, Debug)]
pub struct Answer {
    pub id: String,
    pub kind: String,
    pub split: String,
    pub title: String,
    pub tasks: String,
    /// The label in the classification being evaluated (any level).
    pub gold: String,
}

/// Reads the answers labelled in `scheme` (rows with an empty label for it are skipped).
pub fn read_answers(path: &Path, scheme: Scheme) -> Result<Vec<Answer>> {
    let mut r = csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    let headers = r.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name).with_context(|| format!("{} has no column {name:?}", path.display()));
    let (id, kind, split, title, tasks, gold) = (col("id")?, col("kind")?, col("split")?, col("title")?, col("tasks")?, col(scheme.name())?);
    let mut out = Vec::new();
    for (i, row) in r.records().enumerate() {
        let row = row.with_context(|| format!("{} row {}", path.display(), i + 2))?;
        let get = |c: usize| row.get(c).unwrap_or("").trim().to_string();
        if get(gold).is_empty() {
            continue;
        }
        out.push(Answer { id: get(id), kind: get(kind), split: get(split), title: get(title), tasks: get(tasks), gold: get(gold) });
    }
    if out.is_empty() {
        bail!("{} has no answers labelled in {}", path.display(), scheme.name());
    }
    Ok(out)
}

/// The kind of respondent answer that gives a vague title and the tasks that make it precise.
const TITLE_AND_TASKS: &str = "title+tasks";
/// The same answers scored on their title alone (a row of the by-kind table, not a kind).
const TITLE_ALONE: &str = "title+tasks, title alone";

/// A model's predictions for one text: ranked occupations and the coded answer.
type Predicted = (Vec<(String, f32)>, Option<(String, f32)>);

fn predict_pack(coder: &Coder, title: &str, tasks: &str) -> Predicted {
    let top = coder.suggest(title, tasks, 5).unwrap_or_default().into_iter().map(|s| (s.code, s.confidence)).collect();
    let coded = match coder.decide(title, tasks) {
        Coding::Coded { path, confidence } => path.last().map(|s| (coder.tree().node(s.node).code.clone(), confidence)),
        Coding::Uncoded { .. } => None,
    };
    (top, coded)
}

fn predict_flat(flat: &FlatModel, coder: &Coder, title: &str, tasks: &str) -> Predicted {
    let x = coder.features(title, tasks);
    if x.is_empty() {
        return (Vec::new(), None);
    }
    let top = flat.top(&x, 5, coder.tree());
    let coded = top.first().cloned();
    (top, coded)
}

fn add(m: &mut MetricsBuilder, golds: &[&str], p: &Predicted) {
    let top: Vec<(&str, f32)> = p.0.iter().map(|(c, s)| (c.as_str(), *s)).collect();
    m.add_any(golds, &top, p.1.as_ref().map(|(c, s)| (c.as_str(), *s)));
}

/// Metrics of the pack and of the flat baseline on one set of cases.
#[derive(Serialize)]
pub struct Pair {
    pub pack: Metrics,
    pub flat: Option<Metrics>,
}

#[derive(Serialize)]
pub struct EvalReport {
    pub classification: String,
    /// Respondent answers: split -> kind (`all` for the whole split) -> metrics.
    pub respondents: BTreeMap<String, BTreeMap<String, Pair>>,
    /// Each pack answer, for reading the failures: (id, split, kind, gold, top-1, coded).
    pub answers: Vec<(String, String, String, String, String, String)>,
    /// The held-out slice of real titles, split in halves: `dev` (tune on it) and `test`.
    pub real_titles: BTreeMap<String, Pair>,
    /// Each pack answer on the dev half of the real titles, for reading the failures (the
    /// test half is only counted): (title, candidate codes joined by spaces, top-1).
    pub real_title_answers: Vec<(String, String, String)>,
    /// The coding index on respondent answers: split -> tier -> (hits, right hits).
    pub index: BTreeMap<String, BTreeMap<String, (usize, usize)>>,
    /// Entries in the pack's coding index.
    pub index_entries: usize,
    pub pack_bytes: usize,
    pub pack_gzip_bytes: usize,
    pub seconds: f64,
}

pub fn run(data: &Data, scheme: Scheme, cfg: &Config, respondents: Option<&Path>, flat: bool) -> Result<EvalReport> {
    let start = Instant::now();
    let answers = match respondents {
        Some(p) => read_answers(p, scheme)?,
        None => Vec::new(),
    };
    let prepared = pipeline::prepare(data, scheme, cfg)?;
    // Before any training: a label outside the classification is the answer file's fault.
    if let Some(a) = answers.iter().find(|a| prepared.tree.tree.find(&a.gold).is_none()) {
        bail!("respondent answer {} is labelled {}, which is not a code of {}", a.id, a.gold, scheme.name());
    }
    let (bytes, report) = pipeline::build_prepared(data, scheme, cfg, &prepared, start)?;
    let coder = Coder::from_bytes(&bytes).context("loading the pack just built")?;
    let flat_model = if flat {
        let items: Vec<&pipeline::Prepared> = prepared.items.iter().collect();
        Some(train_flat(&prepared.tree.tree, &items, cfg))
    } else {
        None
    };
    let tree = coder.tree();

    // Respondent answers, by split and kind.
    let preds: Vec<(Predicted, Option<Predicted>)> = answers
        .par_iter()
        .map(|a| (predict_pack(&coder, &a.title, &a.tasks), flat_model.as_ref().map(|f| predict_flat(f, &coder, &a.title, &a.tasks))))
        .collect();
    // Answers with a title and tasks again, with the title alone: tasks should help, not hurt.
    let title_alone: Vec<Option<(Predicted, Option<Predicted>)>> = answers
        .par_iter()
        .map(|a| {
            (a.kind == TITLE_AND_TASKS).then(|| (predict_pack(&coder, &a.title, ""), flat_model.as_ref().map(|f| predict_flat(f, &coder, &a.title, ""))))
        })
        .collect();
    let mut builders: BTreeMap<(String, String), (MetricsBuilder, MetricsBuilder)> = BTreeMap::new();
    let mut rows = Vec::new();
    for ((a, (p, f)), alone) in answers.iter().zip(&preds).zip(&title_alone) {
        let mut scored = vec![("all", p, f), (a.kind.as_str(), p, f)];
        if let Some((p, f)) = alone {
            scored.push((TITLE_ALONE, p, f));
        }
        for (kind, p, f) in scored {
            let (bp, bf) = builders.entry((a.split.clone(), kind.to_string())).or_default();
            add(bp, &[&a.gold], p);
            if let Some(f) = f {
                add(bf, &[&a.gold], f);
            }
        }
        let top1 = p.0.first().map(|(c, _)| c.clone()).unwrap_or_default();
        let coded = p.1.as_ref().map(|(c, s)| format!("{c} {s:.2}")).unwrap_or_default();
        rows.push((a.id.clone(), a.split.clone(), a.kind.clone(), a.gold.clone(), top1, coded));
    }
    // The coding index alone: how many answers' titles it holds, and how many of those right.
    let mut index: BTreeMap<String, BTreeMap<String, (usize, usize)>> = BTreeMap::new();
    for a in &answers {
        let splits = index.entry(a.split.clone()).or_default();
        splits.entry("all answers".into()).or_default().0 += 1;
        let title = coder.corrected_title(&a.title).unwrap_or_else(|| a.title.clone());
        if let Some(hit) = coder.deciding_hit(&title, &a.tasks) {
            let right = tree.node(hit.node).code.starts_with(&a.gold);
            for tier in ["any tier", coder.index_tiers()[hit.tier as usize].as_str()] {
                let e = splits.entry(tier.to_string()).or_default();
                e.0 += 1;
                e.1 += usize::from(right);
            }
        }
    }
    let mut respondents_out: BTreeMap<String, BTreeMap<String, Pair>> = BTreeMap::new();
    for ((split, kind), (bp, bf)) in builders {
        respondents_out.entry(split).or_default().insert(kind, Pair { pack: bp.finish(), flat: flat.then(|| bf.finish()) });
    }

    // The held-out slice of real titles.
    let golds: Vec<Vec<&str>> = prepared.slice.iter().map(|c| c.golds.iter().map(|&n| tree.nodes[n].code.as_str()).collect()).collect();
    let slice_preds: Vec<(Predicted, Option<Predicted>)> = prepared
        .slice
        .par_iter()
        .map(|c| (predict_pack(&coder, &c.title, ""), flat_model.as_ref().map(|f| predict_flat(f, &coder, &c.title, ""))))
        .collect();
    let mut slice_builders: BTreeMap<&str, (MetricsBuilder, MetricsBuilder)> = BTreeMap::new();
    let mut real_title_answers = Vec::new();
    for ((c, g), (p, f)) in prepared.slice.iter().zip(&golds).zip(&slice_preds) {
        let split = real_title_split(&c.title);
        if split == "dev" {
            real_title_answers.push((c.title.clone(), g.join(" "), p.0.first().map(|(c, _)| c.clone()).unwrap_or_default()));
        }
        let (sp, sf) = slice_builders.entry(split).or_default();
        add(sp, g, p);
        if let Some(f) = f {
            add(sf, g, f);
        }
    }
    let real_titles = slice_builders.into_iter().map(|(split, (sp, sf))| (split.to_string(), Pair { pack: sp.finish(), flat: flat.then(|| sf.finish()) })).collect();
    Ok(EvalReport {
        classification: scheme.name().into(),
        respondents: respondents_out,
        answers: rows,
        real_titles,
        real_title_answers,
        index,
        index_entries: coder.index_len(),
        pack_bytes: report.pack_bytes,
        pack_gzip_bytes: report.pack_gzip_bytes,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Which half of the real-title slice a title is in: a fixed hash of its normalised text, so
/// the halves stay the same from run to run and tuning looks only at `dev`.
pub fn real_title_split(title: &str) -> &'static str {
    let key = crate::examples::norm_key(title);
    // A high bit: the slice itself is chosen by the same hash family, whose low bits it fixes.
    if (occupation_coder::features::fnv1a_64(0x0de5, key.as_bytes()) >> 40).is_multiple_of(2) {
        "dev"
    } else {
        "test"
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}", 100.0 * x)
}

fn metric_row(set: &str, model: &str, m: &Metrics) -> String {
    format!(
        "| {set} | {} | {model} | {} | {} | {} | {} | {} | {} | {} | {} | {:.3} | {} |",
        m.cases,
        pct(m.top1_right),
        pct(m.top1.d1),
        pct(m.top1.d4),
        pct(m.top1.d6),
        pct(m.top5_6digit),
        pct(m.coded_share),
        pct(m.coded_precision),
        pct(m.auto_coding_rate_at_95),
        m.expected_calibration_error,
        pct(m.coded_6digit_share),
    )
}

/// The report as Markdown tables (what `make eval` prints and the README shows).
pub fn markdown(r: &EvalReport) -> String {
    let mut out = String::new();
    let head = "| set | n | model | top-1 right | top-1, 1 digit | 4 digits | 6 digits | top-5, 6 digits | coded | precision | auto 95% | ECE | coded to 6 |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    out += &format!("### {}: pack {} bytes, {} gzip\n\n", r.classification, r.pack_bytes, r.pack_gzip_bytes);
    out += head;
    let mut line = |set: &str, p: &Pair| {
        out += &metric_row(set, "pack", &p.pack);
        out.push('\n');
        if let Some(f) = &p.flat {
            out += &metric_row(set, "flat SVM", f);
            out.push('\n');
        }
    };
    for (split, kinds) in &r.respondents {
        if let Some(all) = kinds.get("all") {
            line(&format!("respondents, {split}"), all);
        }
    }
    for (split, pair) in &r.real_titles {
        line(&format!("real titles held out, {split}"), pair);
    }
    if !r.respondents.is_empty() {
        out += "\nRespondent answers by kind, top-1 right (pack / flat SVM):\n\n| kind |";
        let splits: Vec<&String> = r.respondents.keys().collect();
        for s in &splits {
            out += &format!(" {s} n | {s} pack | {s} flat |");
        }
        out += "\n|---|";
        out += &"---|---|---|".repeat(splits.len());
        out.push('\n');
        let mut kinds: Vec<&String> = r.respondents.values().flat_map(|k| k.keys()).collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            out += &format!("| {kind} |");
            for s in &splits {
                match r.respondents[*s].get(kind) {
                    Some(p) => {
                        let flat = p.flat.as_ref().map_or("-".to_string(), |f| pct(f.top1_right));
                        out += &format!(" {} | {} | {} |", p.pack.cases, pct(p.pack.top1_right), flat);
                    }
                    None => out += " 0 | - | - |",
                }
            }
            out.push('\n');
        }
    }
    if r.index_entries > 0 && !r.index.is_empty() {
        out += &format!("\nCoding index ({} entries) on respondent answers: titles found / precision of those:\n\n| tier |", r.index_entries);
        let splits: Vec<&String> = r.index.keys().collect();
        for s in &splits {
            out += &format!(" {s} found | {s} precision |");
        }
        out += "\n|---|";
        out += &"---|---|".repeat(splits.len());
        out.push('\n');
        let mut tiers: Vec<&String> = r.index.values().flat_map(|t| t.keys()).filter(|t| *t != "all answers").collect();
        tiers.sort();
        tiers.dedup();
        for tier in tiers {
            out += &format!("| {tier} |");
            for s in &splits {
                let all = r.index[*s].get("all answers").map_or(0, |e| e.0);
                let (found, right) = r.index[*s].get(tier).copied().unwrap_or_default();
                let precision = if found > 0 { pct(right as f64 / found as f64) } else { "-".into() };
                out += &format!(" {found} of {all} | {precision} |");
            }
            out.push('\n');
        }
    }
    out
}
