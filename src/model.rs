//! Step 3 of the data path: features -> calibrated conditional probabilities per tree node.

use crate::error::PackError;
use crate::features::Features;
use crate::pack::{ClassifierRecord, PackPayload};
use crate::tree::Tree;

/// Anything that can give P(child | node, text) for every child of a node, in child order.
/// The quantised runtime model implements it; so does the trainer's float model, so both are
/// decoded and evaluated by the same code.
pub trait NodeScorer {
    fn tree(&self) -> &Tree;
    /// Writes one probability per child of `node` into `out` (cleared first).
    fn child_probabilities(&self, node: usize, x: &Features, out: &mut Vec<f32>);
    /// True when no feature of `x` carries any weight at the root: the text has no word the
    /// model knows, so any answer would be a guess.
    fn recognises(&self, x: &Features) -> bool;
}

/// A quantised, sparse linear classifier for one node (see [`ClassifierRecord`]).
#[derive(Clone, Debug, Default)]
pub struct QuantisedClassifier {
    temperature: f32,
    scale: f32,
    bias: Vec<f32>,
    ids: Vec<u32>,
    row_starts: Vec<u32>,
    children: Vec<u8>,
    weights: Vec<i8>,
}

impl QuantisedClassifier {
    fn from_record(r: &ClassifierRecord, n_children: usize, buckets: u32) -> Result<Self, PackError> {
        let bad = |what: String| PackError::Invalid(format!("classifier of node {}: {what}", r.node));
        if r.bias.len() != n_children {
            return Err(bad(format!("{} biases for {n_children} children", r.bias.len())));
        }
        if r.id_deltas.len() != r.row_lens.len() {
            return Err(bad("feature ids and row lengths differ in number".into()));
        }
        if r.children.len() != r.weights.len() {
            return Err(bad("child indices and weights differ in number".into()));
        }
        if !(r.temperature.is_finite() && r.scale.is_finite() && r.bias.iter().all(|b| b.is_finite())) {
            return Err(bad("non-finite parameter".into()));
        }
        let mut ids = Vec::with_capacity(r.id_deltas.len());
        let mut row_starts = Vec::with_capacity(r.row_lens.len() + 1);
        let mut id: u64 = 0;
        let mut start: u64 = 0;
        row_starts.push(0);
        for (k, (&d, &len)) in r.id_deltas.iter().zip(&r.row_lens).enumerate() {
            if k > 0 && d == 0 {
                return Err(bad("feature ids are not strictly increasing".into()));
            }
            id += u64::from(d);
            if id >= u64::from(buckets) {
                return Err(bad(format!("feature id {id} is outside the {buckets} buckets")));
            }
            start += u64::from(len);
            if start > r.children.len() as u64 {
                return Err(bad("row lengths run past the stored weights".into()));
            }
            ids.push(id as u32);
            row_starts.push(start as u32);
        }
        if start != r.children.len() as u64 {
            return Err(bad("row lengths do not cover the stored weights".into()));
        }
        if let Some(&c) = r.children.iter().find(|&&c| usize::from(c) >= n_children) {
            return Err(bad(format!("child index {c} but the node has {n_children} children")));
        }
        Ok(QuantisedClassifier {
            temperature: r.temperature,
            scale: r.scale,
            bias: r.bias.clone(),
            ids,
            row_starts,
            children: r.children.clone(),
            weights: r.weights.clone(),
        })
    }

    /// Raw decision values, one per child.
    fn decision_values(&self, x: &Features, out: &mut Vec<f32>) -> usize {
        out.clear();
        out.resize(self.bias.len(), 0.0);
        let mut hits = 0;
        for (id, v) in x.iter() {
            if let Ok(k) = self.ids.binary_search(&id) {
                hits += 1;
                let (a, b) = (self.row_starts[k] as usize, self.row_starts[k + 1] as usize);
                for (&c, &w) in self.children[a..b].iter().zip(&self.weights[a..b]) {
                    out[usize::from(c)] += v * f32::from(w);
                }
            }
        }
        for (o, b) in out.iter_mut().zip(&self.bias) {
            *o = *o * self.scale + b;
        }
        hits
    }

    /// Number of stored (non-zero) weights.
    pub fn nnz(&self) -> usize {
        self.weights.len()
    }
}

/// Softmax of `values * temperature`, in place.
pub fn softmax_in_place(values: &mut [f32], temperature: f32) {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in values.iter_mut() {
        *v = ((*v - max) * temperature).exp();
        sum += *v;
    }
    for v in values.iter_mut() {
        *v /= sum;
    }
}

/// The runtime model: tree plus one quantised classifier per node with two or more children.
#[derive(Clone, Debug)]
pub struct QuantisedModel {
    tree: Tree,
    /// Index into `classifiers` per node, `u32::MAX` when the node has at most one child.
    classifier_of: Vec<u32>,
    classifiers: Vec<QuantisedClassifier>,
}

impl QuantisedModel {
    pub fn from_payload(payload: &PackPayload, buckets: u32) -> Result<Self, PackError> {
        let tree = Tree::from_records(&payload.nodes)?;
        let mut classifier_of = vec![u32::MAX; tree.nodes.len()];
        let mut classifiers = Vec::with_capacity(payload.classifiers.len());
        for r in &payload.classifiers {
            let node = r.node as usize;
            let n_children = tree.nodes.get(node).map(|n| n.children.len()).ok_or_else(|| {
                PackError::Invalid(format!("classifier for node {node}, but the tree has {} nodes", tree.nodes.len()))
            })?;
            if classifier_of[node] != u32::MAX {
                return Err(PackError::Invalid(format!("node {node} has two classifiers")));
            }
            classifier_of[node] = classifiers.len() as u32;
            classifiers.push(QuantisedClassifier::from_record(r, n_children, buckets)?);
        }
        for (i, n) in tree.nodes.iter().enumerate() {
            if n.children.len() > 1 && classifier_of[i] == u32::MAX {
                return Err(PackError::Invalid(format!("node {i} ({}) has {} children but no classifier", n.code, n.children.len())));
            }
        }
        Ok(QuantisedModel { tree, classifier_of, classifiers })
    }

    /// Total stored weights across all nodes.
    pub fn nnz(&self) -> usize {
        self.classifiers.iter().map(QuantisedClassifier::nnz).sum()
    }
}

impl NodeScorer for QuantisedModel {
    fn tree(&self) -> &Tree {
        &self.tree
    }

    fn child_probabilities(&self, node: usize, x: &Features, out: &mut Vec<f32>) {
        match self.classifier_of[node] {
            u32::MAX => {
                out.clear();
                out.resize(self.tree.nodes[node].children.len(), 1.0);
            }
            c => {
                let clf = &self.classifiers[c as usize];
                clf.decision_values(x, out);
                softmax_in_place(out, clf.temperature);
            }
        }
    }

    fn recognises(&self, x: &Features) -> bool {
        match self.classifier_of[Tree::ROOT] {
            u32::MAX => true,
            c => {
                let clf = &self.classifiers[c as usize];
                x.ids.iter().any(|id| clf.ids.binary_search(id).is_ok())
            }
        }
    }
}
