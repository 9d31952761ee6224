//! Fitting the hierarchical model: one one-vs-rest linear SVM per internal node, trained on
//! the examples whose target lies below that node, then a softmax temperature per node fitted
//! on held-out examples so the conditional probabilities are calibrated.

use std::sync::atomic::{AtomicUsize, Ordering};

use occupation_coder::features::Features;
use occupation_coder::model::{softmax_in_place, NodeScorer};
use occupation_coder::tree::Tree;
use rayon::prelude::*;

use crate::svm::{train_binary, Rows, SvmParams};

/// A featurised example with a resolved target node.
#[derive(Clone, Debug)]
pub struct Sample {
    pub x: Features,
    pub node: usize,
    pub weight: f32,
}

/// A float, sparse, feature-major classifier (the quantiser's input).
#[derive(Clone, Debug, Default)]
pub struct FloatClassifier {
    pub node: usize,
    pub temperature: f32,
    pub bias: Vec<f32>,
    pub ids: Vec<u32>,
    pub row_starts: Vec<u32>,
    pub children: Vec<u16>,
    pub weights: Vec<f32>,
}

impl FloatClassifier {
    pub fn decision_values(&self, x: &Features, out: &mut Vec<f32>) {
        out.clear();
        out.extend_from_slice(&self.bias);
        for (id, v) in x.iter() {
            if let Ok(k) = self.ids.binary_search(&id) {
                let (a, b) = (self.row_starts[k] as usize, self.row_starts[k + 1] as usize);
                for (&c, &w) in self.children[a..b].iter().zip(&self.weights[a..b]) {
                    out[usize::from(c)] += v * w;
                }
            }
        }
    }
}

pub struct FloatModel {
    pub tree: Tree,
    pub classifier_of: Vec<Option<usize>>,
    pub classifiers: Vec<FloatClassifier>,
}

impl NodeScorer for FloatModel {
    /// The float model looks features up per node: preparing is borrowing the features.
    type Prepared<'a> = &'a Features;
    type Scratch = ();
    fn tree(&self) -> &Tree {
        &self.tree
    }
    fn prepare<'a>(&'a self, x: &'a Features, _: &'a mut ()) -> &'a Features {
        x
    }
    fn child_probabilities(&self, node: usize, x: &&Features, out: &mut Vec<f32>) {
        match self.classifier_of[node] {
            None => {
                out.clear();
                out.resize(self.tree.nodes[node].children.len(), 1.0);
            }
            Some(c) => {
                let clf = &self.classifiers[c];
                clf.decision_values(x, out);
                softmax_in_place(out, clf.temperature);
            }
        }
    }
}

/// Child position meaning "none of the children" (a negative for every child).
pub const NO_CHILD: u16 = u16::MAX;

/// Training examples per internal node: (sample index, child position or [`NO_CHILD`]).
fn node_assignments(tree: &Tree, samples: &[Sample]) -> Vec<Vec<(u32, u16)>> {
    let mut per_node: Vec<Vec<(u32, u16)>> = vec![Vec::new(); tree.nodes.len()];
    for (i, s) in samples.iter().enumerate() {
        let path = tree.path_to(s.node);
        let mut parent = Tree::ROOT;
        for &n in &path {
            let pos = tree.nodes[parent].children.iter().position(|&c| c == n).expect("child of its parent");
            per_node[parent].push((i as u32, pos as u16));
            parent = n;
        }
        // Text that names only a group ("artist" for visual arts professionals) is evidence
        // against every child of that group being certain: a negative for all of them, so
        // the coder backs off to the group instead of guessing a child confidently.
        if !tree.nodes[s.node].children.is_empty() && s.node != Tree::ROOT {
            per_node[s.node].push((i as u32, NO_CHILD));
        }
    }
    per_node
}

/// Trains every node's classifier; `temperature` starts at 1 (see [`calibrate`]).
pub fn train(tree: &Tree, samples: &[Sample], p: &SvmParams, prune: f32, progress: bool) -> FloatModel {
    let per_node = node_assignments(tree, samples);
    let mut jobs: Vec<usize> = (0..tree.nodes.len()).filter(|&n| tree.nodes[n].children.len() > 1).collect();
    // Big nodes first so the two cores stay busy to the end.
    jobs.sort_by_key(|&n| std::cmp::Reverse(per_node[n].len()));
    let done = AtomicUsize::new(0);
    let total = jobs.len();
    let mut trained: Vec<FloatClassifier> = jobs
        .par_iter()
        .map(|&n| {
            let clf = train_classifier(n, tree.nodes[n].children.len(), &per_node[n], samples, p, prune);
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            if progress && (d.is_multiple_of(100) || d == total) {
                eprintln!("  trained {d}/{total} nodes");
            }
            clf
        })
        .collect();
    trained.sort_by_key(|c| c.node);
    let mut classifier_of = vec![None; tree.nodes.len()];
    for (i, c) in trained.iter().enumerate() {
        classifier_of[c.node] = Some(i);
    }
    FloatModel { tree: tree.clone(), classifier_of, classifiers: trained }
}

/// One-vs-rest over `n_children` classes; `assigned` pairs a sample with its class.
pub fn train_classifier(
    node: usize,
    n_children: usize,
    assigned: &[(u32, u16)],
    samples: &[Sample],
    p: &SvmParams,
    prune: f32,
) -> FloatClassifier {
    // Local feature space: the ids that occur in at least `min_df` of this node's examples.
    // Rarer features mostly memorise single examples and cost pack bytes.
    let mut all: Vec<u32> = assigned.iter().flat_map(|&(i, _)| samples[i as usize].x.ids.iter().copied()).collect();
    all.sort_unstable();
    let mut ids: Vec<u32> = Vec::new();
    for run in all.chunk_by(|a, b| a == b) {
        if run.len() >= p.min_df {
            ids.push(run[0]);
        }
    }
    drop(all);
    let mut indptr = Vec::with_capacity(assigned.len() + 1);
    let mut indices = Vec::new();
    let mut values = Vec::new();
    indptr.push(0);
    for &(i, _) in assigned {
        for (id, v) in samples[i as usize].x.iter() {
            if let Ok(j) = ids.binary_search(&id) {
                indices.push(j as u32);
                values.push(v);
            }
        }
        indptr.push(indices.len());
    }
    let rows = Rows { indptr: &indptr, indices: &indices, values: &values, dim: ids.len() };
    let cost: Vec<f32> = assigned.iter().map(|&(i, _)| samples[i as usize].weight).collect();
    let per_child: Vec<Vec<f32>> = (0..n_children)
        .into_par_iter()
        .map(|c| {
            let y: Vec<i8> = assigned.iter().map(|&(_, pos)| if usize::from(pos) == c { 1 } else { -1 }).collect();
            if !y.contains(&1) {
                // A child with no examples: never chosen unless everything else is worse.
                let mut w = vec![0.0; ids.len() + 1];
                w[ids.len()] = -1.0;
                return w;
            }
            train_binary(&rows, &y, &cost, &SvmParams { seed: p.seed ^ (node as u64) << 8 ^ c as u64, ..*p })
        })
        .collect();
    let mut clf = FloatClassifier { node, temperature: 1.0, bias: per_child.iter().map(|w| w[ids.len()]).collect(), ..Default::default() };
    clf.row_starts.push(0);
    for (j, &id) in ids.iter().enumerate() {
        let before = clf.weights.len();
        for (c, w) in per_child.iter().enumerate() {
            if w[j].abs() > prune {
                clf.children.push(c as u16);
                clf.weights.push(w[j]);
            }
        }
        if clf.weights.len() > before {
            clf.ids.push(id);
            clf.row_starts.push(clf.weights.len() as u32);
        }
    }
    clf
}

/// Fits each node's softmax temperature on held-out samples by minimising their negative
/// log-likelihood. Nodes with fewer than `min_per_node` held-out samples use the temperature
/// fitted on all samples at their depth.
pub fn calibrate(model: &mut FloatModel, held_out: &[Sample], min_per_node: usize) {
    let per_node = node_assignments(&model.tree, held_out);
    let mut scored: Vec<Vec<(Vec<f32>, usize)>> = vec![Vec::new(); model.tree.nodes.len()];
    for (n, assigned) in per_node.iter().enumerate() {
        let Some(c) = model.classifier_of[n] else { continue };
        let clf = &model.classifiers[c];
        for &(i, pos) in assigned.iter().filter(|a| a.1 != NO_CHILD) {
            let mut v = Vec::new();
            clf.decision_values(&held_out[i as usize].x, &mut v);
            scored[n].push((v, usize::from(pos)));
        }
    }
    let mut by_depth: Vec<Vec<&(Vec<f32>, usize)>> = vec![Vec::new(); 6];
    for (n, s) in scored.iter().enumerate() {
        by_depth[usize::from(model.tree.nodes[n].depth)].extend(s.iter());
    }
    let depth_t: Vec<f32> = by_depth.iter().map(|s| if s.is_empty() { 5.0 } else { fit_temperature(s) }).collect();
    for clf in &mut model.classifiers {
        let s: Vec<&(Vec<f32>, usize)> = scored[clf.node].iter().collect();
        clf.temperature =
            if s.len() >= min_per_node { fit_temperature(&s) } else { depth_t[usize::from(model.tree.nodes[clf.node].depth)] };
    }
}

fn nll(scored: &[&(Vec<f32>, usize)], t: f32) -> f64 {
    let mut total = 0.0f64;
    let mut p = Vec::new();
    for (v, y) in scored {
        p.clear();
        p.extend_from_slice(v);
        softmax_in_place(&mut p, t);
        total -= f64::from(p[*y].max(1e-9)).ln();
    }
    total
}

/// Golden-section search over log T in [log 0.1, log 100].
pub fn fit_temperature(scored: &[&(Vec<f32>, usize)]) -> f32 {
    let (mut a, mut b) = (0.1f32.ln(), 100f32.ln());
    let g = 0.618_034f32;
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    for _ in 0..40 {
        if nll(scored, c.exp()) < nll(scored, d.exp()) {
            b = d;
        } else {
            a = c;
        }
        c = b - g * (b - a);
        d = a + g * (b - a);
    }
    ((a + b) / 2.0).exp()
}
