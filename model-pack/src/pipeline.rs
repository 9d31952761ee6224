//! From examples to a model pack: resolve targets, featurise, train, calibrate, choose the
//! back-off rule, quantise, write.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use anyhow::{Context, Result};
use occupation_coder::decode::{joints, levels_to_keep};
use occupation_coder::features::{featurise_words, FeatureParams, HASH_NAME};
use occupation_coder::model::NodeScorer;
use occupation_coder::normalise::{normalise, NORMALISER_VERSION};
use occupation_coder::pack::{BackoffRule, PackHeader, PackPayload, QUANTISATION};
use occupation_coder::tree::Tree;
use rayon::prelude::*;
use serde::Serialize;

use crate::data::{Data, Scheme};
use crate::examples::{self, Example, Source, Target, Weights};
use crate::noncodes::NON_CLASSIFICATION;
use crate::quantise::quantise;
use crate::svm::SvmParams;
use crate::train::{calibrate, train, FloatModel, Sample};
use crate::tree_build::{self, BuiltTree};

/// How crosswalked examples with several candidate codes are used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CandidateStrategy {
    /// Train only the levels on which all candidates agree.
    Agree,
    /// A first model picks among the candidates only; retrain with that pseudo-label.
    Pseudo,
    /// Leave such examples out.
    Drop,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub features: FeatureParams,
    pub svm: SvmParams,
    pub weights: Weights,
    pub strategy: CandidateStrategy,
    /// Weight multiplier of pseudo-labelled examples (a guess is worth less than a label).
    pub pseudo_weight: f32,
    /// Float weights at or below this are dropped after training.
    pub prune: f32,
    /// Weights whose magnitude is below this (decision-value units, every node alike) are
    /// dropped when quantising (see `quantise`).
    pub prune_below: f32,
    /// One in this many of the held-out-able title groups calibrates.
    pub calibration_fold: u64,
    pub seed: u64,
    pub progress: bool,
    /// Evidence the coding index is built from, with each tier's hit confidence.
    pub index_tiers: Vec<(crate::coding_index::Tier, f32)>,
    /// Store a spelling vocabulary so the coder corrects misspelt title words.
    pub spelling: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            features: FeatureParams::default(),
            svm: SvmParams::default(),
            weights: Weights::default(),
            strategy: CandidateStrategy::Pseudo,
            pseudo_weight: 0.7,
            prune: 1e-3,
            prune_below: 0.26,
            calibration_fold: 8,
            seed: 20_241_206,
            progress: true,
            index_tiers: crate::coding_index::DEFAULT_TIERS.to_vec(),
            spelling: true,
        }
    }
}

/// A featurised example, before its candidates are resolved.
pub struct Prepared {
    pub x: occupation_coder::features::Features,
    pub target: Vec<usize>,
    pub weight: f32,
    pub source: Source,
    pub origin: Option<String>,
    pub title_key: String,
    /// The example has a title and no tasks (the kind of text the coding index holds).
    pub tasks_empty: bool,
}

/// A real title held out of training (see [`prepare`]): its text and the nodes a crosswalk
/// allows, any one of which is a right answer.
pub struct SliceCase {
    pub title: String,
    pub golds: Vec<usize>,
}

pub struct Prepared0 {
    pub tree: BuiltTree,
    pub items: Vec<Prepared>,
    /// Held-out real titles: never in `items`, under any source.
    pub slice: Vec<SliceCase>,
    pub unknown_codes: usize,
    pub per_source: Vec<(String, usize)>,
}

/// Examples -> tree nodes and features. Codes unknown to the tree are counted and skipped.
pub fn prepare(data: &Data, scheme: Scheme, cfg: &Config) -> Result<Prepared0> {
    let tree = tree_build::build(data.classification(scheme)).with_context(|| format!("building the {} tree", scheme.name()))?;
    let examples = examples::build(data, scheme, &cfg.weights, cfg.seed);
    let mut unknown = 0usize;
    let mut per_source: HashMap<Source, usize> = HashMap::new();
    let resolved: Vec<(Example, Vec<usize>)> = examples
        .into_iter()
        .filter_map(|e| {
            let nodes: Vec<usize> = match &e.target {
                Target::Code(c) => tree.index.get(c).copied().into_iter().collect(),
                Target::Candidates(cs) => cs.iter().filter_map(|c| tree.index.get(c).copied()).collect(),
            };
            if nodes.is_empty() {
                unknown += 1;
                return None;
            }
            *per_source.entry(e.source).or_default() += 1;
            Some((e, nodes))
        })
        .collect();
    let (slice, slice_keys) = real_title_slice(data.classification(scheme), &resolved);
    let items = resolved
        .into_par_iter()
        .filter_map(|(e, target)| {
            let title = normalise(&e.title);
            let key = title.join(" ");
            if slice_keys.contains(&key) {
                return None;
            }
            let tasks = normalise(&e.tasks);
            let x = featurise_words(&cfg.features, &title, &tasks);
            let tasks_empty = tasks.is_empty();
            Some(Prepared { x, target, weight: e.weight, source: e.source, origin: e.origin, title_key: key, tasks_empty })
        })
        .filter(|p| !p.x.is_empty())
        .collect();
    let mut per_source: Vec<(String, usize)> = per_source.into_iter().map(|(s, n)| (format!("{s:?}"), n)).collect();
    per_source.sort();
    Ok(Prepared0 { tree, items, slice, unknown_codes: unknown, per_source })
}

/// One in this many real titles (by the hash of their normalised text) is held out of
/// training for evaluation (`model-pack eval`).
pub const SLICE_ONE_IN: u64 = 10;

/// The held-out slice of real titles: ESCO alternative labels and O*NET alternate titles
/// whose normalised text falls in the slice by hash, except text that is one of the
/// classification's own titles (those are the coder's index, not unseen text). Returns the
/// cases (one per distinct text) and the texts, which are then left out of every source.
fn real_title_slice(own: &crate::data::ClassificationData, resolved: &[(Example, Vec<usize>)]) -> (Vec<SliceCase>, HashSet<String>) {
    let own_titles: HashSet<String> = own
        .occupations
        .iter()
        .flat_map(|o| std::iter::once(&o.title).chain(&o.alt_titles).chain(&o.specialisations).chain(&o.nec_titles))
        .chain(own.structure.iter().map(|g| &g.title))
        .map(|t| examples::norm_key(t))
        .collect();
    let mut keys = HashSet::new();
    let mut cases = Vec::new();
    for (e, nodes) in resolved.iter().filter(|(e, _)| e.real_title) {
        let key = examples::norm_key(&e.title);
        if key.is_empty() || own_titles.contains(&key) || !occupation_coder::features::fnv1a_64(0x51ce, key.as_bytes()).is_multiple_of(SLICE_ONE_IN) {
            continue;
        }
        if keys.insert(key) {
            cases.push(SliceCase { title: e.title.clone(), golds: nodes.clone() });
        }
    }
    (cases, keys)
}

/// Lowest common ancestor of nodes (the root when they share no group).
fn common_ancestor(tree: &Tree, nodes: &[usize]) -> usize {
    let mut path = tree.path_to(nodes[0]);
    for &n in &nodes[1..] {
        let other = tree.path_to(n);
        let same = path.iter().zip(&other).take_while(|(a, b)| a == b).count();
        path.truncate(same);
    }
    path.last().copied().unwrap_or(Tree::ROOT)
}

/// Samples for training under the agree rule (candidates -> their common group).
pub fn agree_samples<'a>(tree: &Tree, items: impl Iterator<Item = &'a Prepared>, strategy: CandidateStrategy) -> Vec<Sample> {
    items
        .filter_map(|p| {
            let node = if p.target.len() == 1 {
                p.target[0]
            } else if strategy == CandidateStrategy::Drop {
                return None;
            } else {
                common_ancestor(tree, &p.target)
            };
            (node != Tree::ROOT).then(|| Sample { x: p.x.clone(), node, weight: p.weight })
        })
        .collect()
}

/// Pseudo-labels: each multi-candidate example goes to the candidate the first model finds
/// most likely (joint probability of the candidate's path).
pub fn pseudo_samples<'a>(model: &FloatModel, items: impl Iterator<Item = &'a Prepared>, pseudo_weight: f32) -> Vec<Sample> {
    let items: Vec<&Prepared> = items.collect();
    items
        .par_iter()
        .filter_map(|p| {
            let (node, weight) = if p.target.len() == 1 {
                (p.target[0], p.weight)
            } else {
                (most_likely(model, &p.x, &p.target), p.weight * pseudo_weight)
            };
            (node != Tree::ROOT).then(|| Sample { x: p.x.clone(), node, weight })
        })
        .collect()
}

fn most_likely(model: &FloatModel, x: &occupation_coder::features::Features, candidates: &[usize]) -> usize {
    let tree = model.tree();
    let mut cache: HashMap<usize, Vec<f32>> = HashMap::new();
    let mut best = (Tree::ROOT, -1.0f32);
    for &c in candidates {
        let mut joint = 1.0;
        let mut parent = Tree::ROOT;
        for n in tree.path_to(c) {
            let probs = cache.entry(parent).or_insert_with(|| {
                let mut v = Vec::new();
                model.child_probabilities(parent, &model.prepare(x, &mut ()), &mut v);
                v
            });
            let pos = tree.nodes[parent].children.iter().position(|&k| k == n).expect("child");
            joint *= probs[pos];
            parent = n;
        }
        if joint > best.1 {
            best = (c, joint);
        }
    }
    best.0
}

/// Stable hash of a title key for fold assignment (FNV-1a, as the featuriser).
pub fn key_hash(key: &str) -> u64 {
    occupation_coder::features::fnv1a_64(0x5eed, key.as_bytes())
}

/// Trains a calibrated float model and the back-off rule from prepared items.
pub fn fit(tree: &Tree, items: &[&Prepared], cfg: &Config) -> (FloatModel, BackoffRule) {
    // Held-out for calibration: every example derived from one in `calibration_fold` index
    // titles (so the title is unseen), never principal titles.
    let held = |p: &Prepared| p.origin.as_deref().is_some_and(|k| key_hash(k) % cfg.calibration_fold == 1);
    let train_items: Vec<&Prepared> = items.iter().copied().filter(|p| !held(p)).collect();
    let calib_items: Vec<&Prepared> = items.iter().copied().filter(|p| held(p)).collect();
    let mut samples = agree_samples(tree, train_items.iter().copied(), cfg.strategy);
    let mut model = train(tree, &samples, &cfg.svm, cfg.prune, cfg.progress);
    if cfg.strategy == CandidateStrategy::Pseudo {
        calibrate(&mut model, &agree_samples(tree, calib_items.iter().copied(), CandidateStrategy::Drop), 30);
        samples = pseudo_samples(&model, train_items.iter().copied(), cfg.pseudo_weight);
        model = train(tree, &samples, &cfg.svm, cfg.prune, cfg.progress);
    }
    drop(samples);
    let calib = agree_samples(tree, calib_items.iter().copied(), CandidateStrategy::Drop);
    calibrate(&mut model, &calib, 30);
    let rule = choose_backoff(&model, &calib);
    (model, rule)
}

/// Picks the back-off thresholds that maximise digits coded correctly, where a wrong code
/// costs twice a full right one, over the held-out calibration samples.
pub fn choose_backoff(model: &FloatModel, calib: &[Sample]) -> BackoffRule {
    let tree = model.tree();
    let greedy_paths: Vec<(Vec<f32>, bool, Vec<bool>)> = calib
        .par_iter()
        .map(|s| {
            let open = BackoffRule { min_conditional: 0.0, min_joint: 0.0 };
            let path = occupation_coder::decode::greedy(model, &model.prepare(&s.x, &mut ()), &open);
            let gold = tree.path_to(s.node);
            let correct: Vec<bool> = path.iter().enumerate().map(|(i, st)| gold.get(i) == Some(&st.node)).collect();
            (path.iter().map(|st| st.conditional).collect(), gold.len() == 5, correct)
        })
        .collect();
    let mut best = (f64::NEG_INFINITY, BackoffRule { min_conditional: 0.5, min_joint: 0.3 });
    for mc in [0.2f32, 0.3, 0.4, 0.5, 0.6, 0.7] {
        for mj in [0.05f32, 0.1, 0.2, 0.3, 0.4, 0.5] {
            let rule = BackoffRule { min_conditional: mc, min_joint: mj };
            let mut score = 0.0f64;
            for (conds, _, correct) in &greedy_paths {
                let keep = levels_to_keep(conds, &rule);
                if keep == 0 {
                    continue;
                }
                let _ = joints(conds);
                if correct[keep - 1] {
                    score += [0.0, 1.0, 2.0, 3.0, 4.0, 6.0][keep] / 6.0;
                } else {
                    score -= 2.0;
                }
            }
            if score > best.0 {
                best = (score, rule);
            }
        }
    }
    best.1
}

/// Everything a build reports.
#[derive(Debug, Serialize)]
pub struct BuildReport {
    pub classification: String,
    pub examples: usize,
    pub examples_by_source: Vec<(String, usize)>,
    pub examples_with_unknown_codes: usize,
    pub candidate_strategy: CandidateStrategy,
    pub nodes_with_classifiers: usize,
    pub float_weights: usize,
    pub quantised_weights: usize,
    pub backoff: BackoffRuleReport,
    pub index: crate::coding_index::IndexReport,
    pub pack_bytes: usize,
    pub pack_gzip_bytes: usize,
    pub seconds: f64,
}

#[derive(Debug, Serialize)]
pub struct BackoffRuleReport {
    pub min_conditional: f32,
    pub min_joint: f32,
}

pub fn header(scheme: Scheme, cfg: &Config) -> PackHeader {
    PackHeader {
        classification: scheme.name().into(),
        classification_version: scheme.version_label().into(),
        trainer_version: env!("CARGO_PKG_VERSION").into(),
        normaliser_version: NORMALISER_VERSION,
        hash: HASH_NAME.into(),
        features: cfg.features.clone(),
        quantisation: QUANTISATION.into(),
    }
}

/// Builds a pack's bytes for `scheme`.
pub fn build(data: &Data, scheme: Scheme, cfg: &Config) -> Result<(Vec<u8>, BuildReport)> {
    let start = Instant::now();
    let prepared = prepare(data, scheme, cfg)?;
    build_prepared(data, scheme, cfg, &prepared, start)
}

/// [`build`] from examples already prepared (`model-pack eval` also needs them); `start` is
/// when the build began, for the report's `seconds`.
pub fn build_prepared(data: &Data, scheme: Scheme, cfg: &Config, prepared: &Prepared0, start: Instant) -> Result<(Vec<u8>, BuildReport)> {
    if cfg.progress {
        eprintln!("{}: {} examples ({} with codes outside the classification skipped)", scheme.name(), prepared.items.len(), prepared.unknown_codes);
    }
    let items: Vec<&Prepared> = prepared.items.iter().collect();
    let (model, backoff) = fit(&prepared.tree.tree, &items, cfg);
    let classifiers = quantise(&model, cfg.prune_below)?;
    let quantised_weights = classifiers.iter().map(|c| c.weights.len()).sum();
    let (index, index_report) = crate::coding_index::build(&prepared.items, &cfg.index_tiers);
    let payload = PackPayload {
        nodes: prepared.tree.records.clone(),
        classifiers,
        backoff,
        non_classification: NON_CLASSIFICATION.iter().map(|n| n.code.to_string()).collect(),
        recode: recode_table(data, scheme),
        index,
        spelling: cfg.spelling.then(|| crate::coding_index::vocabulary(&prepared.items)),
    };
    let bytes = occupation_coder::pack::write_pack(&header(scheme, cfg), &payload)?;
    let report = BuildReport {
        classification: scheme.name().into(),
        examples: prepared.items.len(),
        examples_by_source: prepared.per_source.clone(),
        examples_with_unknown_codes: prepared.unknown_codes,
        candidate_strategy: cfg.strategy,
        nodes_with_classifiers: model.classifiers.len(),
        float_weights: model.classifiers.iter().map(|c| c.weights.len()).sum(),
        quantised_weights,
        backoff: BackoffRuleReport { min_conditional: backoff.min_conditional, min_joint: backoff.min_joint },
        index: index_report,
        pack_bytes: bytes.len(),
        pack_gzip_bytes: gzip_len(&bytes),
        seconds: start.elapsed().as_secs_f64(),
    };
    Ok((bytes, report))
}

/// The OSCA pack recodes ANZSCO 2022 codes through the ABS correspondence (Table 6).
fn recode_table(data: &Data, scheme: Scheme) -> Option<occupation_coder::pack::RecodeTable> {
    if scheme != Scheme::Osca2024 {
        return None;
    }
    let mut links: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for l in &data.osca_to_anzsco {
        let to = links.entry(l.to.clone()).or_default();
        if !to.contains(&l.from) {
            to.push(l.from.clone());
        }
    }
    Some(occupation_coder::pack::RecodeTable { from: Scheme::Anzsco2022.name().into(), links: links.into_iter().collect() })
}

pub fn gzip_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory").len()
}
