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
#[derive(Clone, Debug)]
pub struct QuantisedClassifier {
    temperature: f32,
    scale: f32,
    bias: Vec<f32>,
    /// Per stored feature, `[id, row start]`, ids strictly increasing, plus one final entry
    /// holding the end of the last row: a feature's row is `cells[e[k][1]..e[k + 1][1]]`.
    /// Ids and row bounds side by side cost one cache line per lookup instead of two.
    entries: Vec<[u32; 2]>,
    /// (child index, quantised weight) pairs, row after row.
    cells: Vec<(u8, i8)>,
    /// Lookup directory over `entries`: ids with `id >> dir_shift == r` sit at
    /// `entries[dir[r]..dir[r + 1]]`. Feature ids are hashes, spread evenly over the buckets, so
    /// each range holds about two ids and a lookup is one or two probes instead of a binary
    /// search over tens of thousands of ids (the same rows are found, so scores are identical).
    dir: Vec<u32>,
    dir_shift: u32,
}

/// Builds the directory of a sorted id list (see [`QuantisedClassifier::dir`]).
fn build_directory(ids: &[u32], buckets: u32) -> (Vec<u32>, u32) {
    // Bits needed for any id below `buckets`.
    let id_bits = 32 - buckets.saturating_sub(1).leading_zeros();
    // About two ids per range, at most one range per bucket.
    let want = (ids.len() / 2).max(1).next_power_of_two();
    let range_bits = (want.trailing_zeros()).min(id_bits);
    let shift = id_bits - range_bits;
    let ranges = 1usize << range_bits;
    let mut dir = Vec::with_capacity(ranges + 1);
    let mut k = 0usize;
    for r in 0..ranges {
        dir.push(k as u32);
        while k < ids.len() && ((u64::from(ids[k]) >> shift) as usize) == r {
            k += 1;
        }
    }
    dir.push(k as u32);
    debug_assert_eq!(k, ids.len());
    (dir, shift)
}

impl QuantisedClassifier {
    /// Position of `id` in `ids`, if this classifier stores it.
    #[inline]
    fn find(&self, id: u32) -> Option<usize> {
        let r = (u64::from(id) >> self.dir_shift) as usize;
        let (Some(&a), Some(&b)) = (self.dir.get(r), self.dir.get(r + 1)) else {
            return None;
        };
        let (a, b) = (a as usize, b as usize);
        self.entries[a..b].iter().position(|e| e[0] == id).map(|p| a + p)
    }

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
        let (dir, dir_shift) = build_directory(&ids, buckets);
        let mut entries: Vec<[u32; 2]> = ids.iter().zip(&row_starts).map(|(&id, &start)| [id, start]).collect();
        entries.push([u32::MAX, *row_starts.last().expect("row starts begin with 0")]);
        Ok(QuantisedClassifier {
            dir,
            dir_shift,
            temperature: r.temperature,
            scale: r.scale,
            bias: r.bias.clone(),
            entries,
            cells: r.children.iter().copied().zip(r.weights.iter().copied()).collect(),
        })
    }

    /// Raw decision values, one per child.
    fn decision_values(&self, x: &Features, out: &mut Vec<f32>) -> usize {
        out.clear();
        out.resize(self.bias.len(), 0.0);
        let mut hits = 0;
        for (id, v) in x.iter() {
            if let Some(k) = self.find(id) {
                hits += 1;
                let (a, b) = (self.entries[k][1] as usize, self.entries[k + 1][1] as usize);
                for &(c, w) in &self.cells[a..b] {
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
        self.cells.len()
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

    /// [`NodeScorer::child_probabilities`] that also says whether any feature of `x` is stored
    /// for the node (always true for a node without a classifier): at the root that is
    /// [`NodeScorer::recognises`], so the coder gets both from one pass over the features.
    pub fn child_probabilities_and_hits(&self, node: usize, x: &Features, out: &mut Vec<f32>) -> bool {
        match self.classifier_of[node] {
            u32::MAX => {
                out.clear();
                out.resize(self.tree.nodes[node].children.len(), 1.0);
                true
            }
            c => {
                let clf = &self.classifiers[c as usize];
                let hits = clf.decision_values(x, out);
                softmax_in_place(out, clf.temperature);
                hits > 0
            }
        }
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
                x.ids.iter().any(|&id| clf.find(id).is_some())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The directory finds exactly the ids a binary search finds, for any bucket count.
    #[test]
    fn directory_lookup_matches_binary_search() {
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for &buckets in &[1u32, 2, 3, 1000, 1 << 20, (1 << 20) + 7, u32::MAX] {
            for &n in &[0usize, 1, 2, 5, 100, 5000] {
                let mut ids: Vec<u32> = (0..n).map(|_| (next() % u64::from(buckets)) as u32).collect();
                ids.sort_unstable();
                ids.dedup();
                let (dir, dir_shift) = build_directory(&ids, buckets);
                let c = QuantisedClassifier {
                    temperature: 1.0,
                    scale: 1.0,
                    bias: Vec::new(),
                    entries: ids.iter().map(|&id| [id, 0]).chain(std::iter::once([u32::MAX, 0])).collect(),
                    cells: Vec::new(),
                    dir,
                    dir_shift,
                };
                for probe in ids.iter().copied().chain((0..2000).map(|_| (next() % u64::from(buckets)) as u32)) {
                    assert_eq!(c.find(probe), ids.binary_search(&probe).ok(), "buckets {buckets}, n {n}, id {probe}");
                }
            }
        }
    }
}
