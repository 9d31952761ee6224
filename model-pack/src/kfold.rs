//! Honest accuracy: k folds over the classification's own index titles (alternative titles,
//! specialisations, nec titles). Each fold's titles, and every example generated from them or
//! with the same normalised title from any source, are left out of training; the models are
//! then asked to code the bare titles. A flat one-vs-rest linear SVM over all occupations is
//! trained on the same folds from the same examples (those labelled to six digits) as the
//! baseline.

use std::collections::HashSet;
use std::time::Instant;

use anyhow::Result;
use occupation_coder::decode;
use occupation_coder::evaluate::{Metrics, MetricsBuilder};
use occupation_coder::features::Features;
use occupation_coder::model::{softmax_in_place, NodeScorer, QuantisedModel};
use occupation_coder::pack::{BackoffRule, PackPayload};
use occupation_coder::tree::Tree;
use rayon::prelude::*;
use serde::Serialize;

use crate::data::{Data, Scheme};
use crate::examples::Source;
use crate::pipeline::{self, agree_samples, gzip_len, CandidateStrategy, Config, Prepared};
use crate::quantise::quantise;
use crate::train::{self, FloatClassifier, Sample};

#[derive(Serialize)]
pub struct KfoldReport {
    pub classification: String,
    pub folds: u64,
    pub folds_run: Vec<u64>,
    pub candidate_strategy: CandidateStrategy,
    pub held_out_titles: usize,
    pub hierarchical_float: Metrics,
    pub hierarchical_quantised: Metrics,
    pub flat_float: Option<Metrics>,
    /// Mean gzip size of the folds' quantised packs (written as `build` writes them, without
    /// the recoding table), a guide to the full pack's.
    pub mean_fold_pack_gzip_bytes: usize,
    pub seconds: f64,
}

/// Fold of a held-out title (its own hash seed, independent of the calibration split).
fn fold_of(key: &str, folds: u64) -> u64 {
    occupation_coder::features::fnv1a_64(0xf01d, key.as_bytes()) % folds
}

pub fn run(data: &Data, scheme: Scheme, cfg: &Config, folds: u64, only: &[u64], flat: bool) -> Result<KfoldReport> {
    let start = Instant::now();
    let prepared = pipeline::prepare(data, scheme, cfg)?;
    let tree = &prepared.tree.tree;
    let mut float_m = MetricsBuilder::default();
    let mut quant_m = MetricsBuilder::default();
    let mut flat_m = MetricsBuilder::default();
    let mut held_out_titles = 0;
    let mut sizes = Vec::new();
    let run_folds: Vec<u64> = if only.is_empty() { (0..folds).collect() } else { only.to_vec() };
    for &f in &run_folds {
        let test: Vec<&Prepared> = prepared
            .items
            .iter()
            .filter(|p| p.source == Source::IndexTitle && p.origin.as_deref().is_some_and(|k| fold_of(k, folds) == f))
            .collect();
        let keys: HashSet<&str> = test.iter().map(|p| p.title_key.as_str()).collect();
        let train_items: Vec<&Prepared> = prepared
            .items
            .iter()
            .filter(|p| !keys.contains(p.title_key.as_str()) && !p.origin.as_deref().is_some_and(|k| keys.contains(k)))
            .collect();
        if cfg.progress {
            eprintln!("fold {f}: {} held-out titles, {} training examples", test.len(), train_items.len());
        }
        held_out_titles += test.len();
        let (model, rule) = pipeline::fit(tree, &train_items, cfg);
        let gold: Vec<String> = test.iter().map(|p| tree.nodes[p.target[0]].code.clone()).collect();
        score(&model, &rule, &test, &gold, &mut float_m);
        let classifiers = quantise(&model, cfg.prune_below)?;
        let payload = PackPayload { nodes: prepared.tree.records.clone(), classifiers, backoff: rule, non_classification: Vec::new(), recode: None, index: None, spelling: None };
        let qmodel = QuantisedModel::from_payload(&payload, cfg.features.buckets)?;
        score(&qmodel, &rule, &test, &gold, &mut quant_m);
        sizes.push(gzip_len(&occupation_coder::pack::write_pack(&pipeline::header(scheme, cfg), &payload)?));
        if flat {
            let flat_model = train_flat(tree, &train_items, cfg);
            for (p, g) in test.iter().zip(&gold) {
                let top = flat_model.top(&p.x, 5, tree);
                let refs: Vec<(&str, f32)> = top.iter().map(|(c, s)| (c.as_str(), *s)).collect();
                let coded = refs.first().copied();
                flat_m.add(g, &refs, coded);
            }
        }
    }
    Ok(KfoldReport {
        classification: scheme.name().into(),
        folds,
        folds_run: run_folds,
        candidate_strategy: cfg.strategy,
        held_out_titles,
        hierarchical_float: float_m.finish(),
        hierarchical_quantised: quant_m.finish(),
        flat_float: flat.then(|| flat_m.finish()),
        mean_fold_pack_gzip_bytes: sizes.iter().sum::<usize>() / sizes.len().max(1),
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Ranked (code, confidence) pairs and the coded answer of one case.
type Scored = (Vec<(String, f32)>, Option<(String, f32)>);

/// Top-5 by beam search and the greedy coded answer, as the runtime does.
fn score<S: NodeScorer + Sync>(model: &S, rule: &BackoffRule, test: &[&Prepared], gold: &[String], m: &mut MetricsBuilder) {
    let tree = model.tree();
    let results: Vec<Scored> = test
        .par_iter()
        .map(|p| {
            let mut scratch = S::Scratch::default();
            let x = model.prepare(&p.x, &mut scratch);
            let top = decode::beam(model, &x, 5, 10)
                .into_iter()
                .map(|path| {
                    let last = path.last().expect("non-empty");
                    (tree.nodes[last.node].code.clone(), last.joint)
                })
                .collect();
            let coded = decode::greedy(model, &x, rule).last().map(|s| (tree.nodes[s.node].code.clone(), s.joint));
            (top, coded)
        })
        .collect();
    for ((top, coded), g) in results.iter().zip(gold) {
        let refs: Vec<(&str, f32)> = top.iter().map(|(c, s)| (c.as_str(), *s)).collect();
        m.add(g, &refs, coded.as_ref().map(|(c, s)| (c.as_str(), *s)));
    }
}

/// The baseline: one classifier choosing directly among all occupations.
pub struct FlatModel {
    leaves: Vec<usize>,
    clf: FloatClassifier,
}

impl FlatModel {
    pub fn top(&self, x: &Features, k: usize, tree: &Tree) -> Vec<(String, f32)> {
        let mut v = Vec::new();
        self.clf.decision_values(x, &mut v);
        softmax_in_place(&mut v, self.clf.temperature);
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&a, &b| v[b].total_cmp(&v[a]));
        idx.into_iter().take(k).map(|i| (tree.nodes[self.leaves[i]].code.clone(), v[i])).collect()
    }
}

pub fn train_flat(tree: &Tree, items: &[&Prepared], cfg: &Config) -> FlatModel {
    let leaves: Vec<usize> = (0..tree.nodes.len()).filter(|&n| tree.nodes[n].depth == 5).collect();
    let mut position = vec![u16::MAX; tree.nodes.len()];
    for (i, &l) in leaves.iter().enumerate() {
        position[l] = i as u16;
    }
    let held = |p: &Prepared| p.origin.as_deref().is_some_and(|k| pipeline::key_hash(k) % cfg.calibration_fold == 1);
    let samples: Vec<Sample> = agree_samples(tree, items.iter().copied().filter(|p| !held(p)), CandidateStrategy::Agree)
        .into_iter()
        .filter(|s| position[s.node] != u16::MAX)
        .collect();
    let assigned: Vec<(u32, u16)> = samples.iter().enumerate().map(|(i, s)| (i as u32, position[s.node])).collect();
    let mut clf = train::train_classifier(0, leaves.len(), &assigned, &samples, &cfg.svm, cfg.prune);
    // The flat model gets the same calibration treatment: one temperature on the held-out split.
    let held: Vec<(Vec<f32>, usize)> = items
        .iter()
        .filter(|p| held(p) && p.target.len() == 1)
        .filter(|p| position[p.target[0]] != u16::MAX)
        .map(|p| {
            let mut v = Vec::new();
            clf.decision_values(&p.x, &mut v);
            (v, usize::from(position[p.target[0]]))
        })
        .collect();
    let refs: Vec<&(Vec<f32>, usize)> = held.iter().collect();
    if !refs.is_empty() {
        clf.temperature = train::fit_temperature(&refs);
    }
    FlatModel { leaves, clf }
}
