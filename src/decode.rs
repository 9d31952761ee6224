//! Step 4 of the data path: conditional probabilities -> a path with a confidence.
//!
//! The confidence of a code is the product of the conditional probabilities along its path.
//! [`greedy`] follows the most likely child at each level and stops (backs off to the less
//! detailed code) as soon as the next level is too unsure; [`beam`] ranks the top-k
//! occupations by joint probability.

use crate::model::NodeScorer;
use crate::pack::BackoffRule;
use crate::tree::Tree;

/// One level of a decoded path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub node: usize,
    /// P(this node | parent, text).
    pub conditional: f32,
    /// Product of the conditionals from the major group down to this node.
    pub joint: f32,
}

/// Multiplies conditionals into joints: `[0.9, 0.8, 0.9]` -> `[0.9, 0.72, 0.648]`.
pub fn joints(conditionals: &[f32]) -> Vec<f32> {
    conditionals
        .iter()
        .scan(1.0f32, |acc, &c| {
            *acc *= c;
            Some(*acc)
        })
        .collect()
}

/// How many leading levels of a path to keep under `rule`: a level is kept while its
/// conditional is at least `min_conditional` and the joint so far at least `min_joint`.
pub fn levels_to_keep(conditionals: &[f32], rule: &BackoffRule) -> usize {
    joints(conditionals)
        .iter()
        .zip(conditionals)
        .take_while(|(&joint, &cond)| cond >= rule.min_conditional && joint >= rule.min_joint)
        .count()
}

/// The most likely child at every level, cut where [`levels_to_keep`] says. May be empty
/// (not even the major group is certain enough).
pub fn greedy<S: NodeScorer>(scorer: &S, x: &S::Prepared<'_>, rule: &BackoffRule) -> Vec<Step> {
    let tree = scorer.tree();
    let mut probs = Vec::new();
    let mut node = Tree::ROOT;
    let mut path: Vec<Step> = Vec::with_capacity(5);
    let mut joint = 1.0f32;
    while !tree.node(node).children.is_empty() {
        scorer.child_probabilities(node, x, &mut probs);
        let (best, &p) = probs
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .expect("internal nodes have children");
        joint *= p;
        if p < rule.min_conditional || joint < rule.min_joint {
            break;
        }
        node = tree.node(node).children[best];
        path.push(Step { node, conditional: p, joint });
    }
    path
}

/// The `k` most likely occupations (leaves) by joint probability, with their paths.
///
/// Beam search keeps the `width` best partial paths per level (at least `k`); a wider beam
/// finds the exact top-k more often at a higher cost.
pub fn beam<S: NodeScorer>(scorer: &S, x: &S::Prepared<'_>, k: usize, width: usize) -> Vec<Vec<Step>> {
    beam_from(scorer, x, Vec::new(), k, width)
}

/// The path from the root to `node` with the text's conditional probabilities.
pub fn path_to<S: NodeScorer>(scorer: &S, x: &S::Prepared<'_>, node: usize) -> Vec<Step> {
    let tree = scorer.tree();
    let mut probs = Vec::new();
    let mut parent = Tree::ROOT;
    let mut joint = 1.0f32;
    let mut path = Vec::new();
    for n in tree.path_to(node) {
        scorer.child_probabilities(parent, x, &mut probs);
        let pos = tree.node(parent).children.iter().position(|&c| c == n).expect("a child of its parent");
        joint *= probs[pos];
        path.push(Step { node: n, conditional: probs[pos], joint });
        parent = n;
    }
    path
}

/// Beam search below the last step of `start` (the root when empty): the `k` most likely
/// occupations inside that group, with joint probabilities over the whole path.
///
/// At each level the children of every frontier path are ranked by joint probability (as a
/// stable sort would, so ties keep frontier order) and the best `width` are kept. Paths live in
/// one arena (parent index + step) instead of being cloned per extension; the ranking is kept
/// as it goes, in a list of the best so far, and a frontier node whose joint cannot beat the
/// `width`-th best child already found (the `k`-th at the last level) is not scored at all: its
/// children's joints are at most its own, so they would be cut anyway.
/// The result is exactly that of the plain beam search (see the reference in the tests).
pub fn beam_from<S: NodeScorer>(scorer: &S, x: &S::Prepared<'_>, start: Vec<Step>, k: usize, width: usize) -> Vec<Vec<Step>> {
    const NONE: u32 = u32::MAX;
    let tree = scorer.tree();
    let width = width.max(k).max(1);
    let mut probs = Vec::new();
    // (parent index in the arena or NONE, step)
    let mut arena: Vec<(u32, Step)> = Vec::with_capacity(start.len() + 256);
    let mut last = NONE;
    for s in start {
        arena.push((last, s));
        last = (arena.len() - 1) as u32;
    }
    let mut frontier: Vec<u32> = vec![last];
    // The level's best `keep` candidates so far as (joint, arena index), best first, ties in
    // the order they came: what a stable sort of every candidate would put first. A candidate
    // no better than a full list's last is cut whatever comes later, so it is not kept at all.
    let mut best: Vec<(f32, u32)> = Vec::with_capacity(width + 1);
    let beaten = |best: &[(f32, u32)], keep: usize, joint: f32| best.len() >= keep && joint <= best[keep - 1].0;
    // Puts `c` in the list unless it is beaten; says whether it went in.
    let offer = |best: &mut Vec<(f32, u32)>, keep: usize, c: (f32, u32)| -> bool {
        if beaten(best, keep, c.0) {
            return false;
        }
        best.truncate(keep - 1);
        best.push(c);
        let mut i = best.len() - 1;
        while i > 0 && best[i - 1].0 < c.0 {
            best[i] = best[i - 1];
            i -= 1;
        }
        best[i] = c;
        true
    };
    let at = |arena: &[(u32, Step)], i: u32| -> (usize, f32) {
        if i == NONE {
            (Tree::ROOT, 1.0)
        } else {
            let s = arena[i as usize].1;
            (s.node, s.joint)
        }
    };
    scorer.will_search(at(&arena, last).0, x);
    for _depth in 1..=5 {
        best.clear();
        let mut keep = width;
        let mut expanded = false;
        for &f in &frontier {
            let (node, joint) = at(&arena, f);
            let here = tree.node(node);
            let children = &here.children;
            if children.is_empty() {
                continue;
            }
            // When the children are leaves this is the last level: only the top k survive.
            // (Every leaf is an occupation, at depth 5, and every occupation a leaf: the tree
            // is checked for it when loaded.)
            keep = if here.depth == 4 { k.max(1) } else { width };
            if beaten(&best, keep, joint) {
                continue;
            }
            expanded = true;
            scorer.child_probabilities(node, x, &mut probs);
            for (&child, &p) in children.iter().zip(&probs) {
                let j = joint * p;
                if offer(&mut best, keep, (j, arena.len() as u32)) {
                    arena.push((f, Step { node: child, conditional: p, joint: j }));
                }
            }
        }
        if !expanded {
            break;
        }
        // Leaves already reached (a start at an occupation) stay in the running, after the
        // children.
        for &f in &frontier {
            if f != NONE {
                let s = arena[f as usize].1;
                if tree.node(s.node).children.is_empty() {
                    offer(&mut best, keep, (s.joint, f));
                }
            }
        }
        frontier.clear();
        frontier.extend(best.iter().map(|&(_, i)| i));
    }
    frontier.truncate(k);
    frontier
        .iter()
        .filter(|&&f| f != NONE)
        .map(|&f| {
            let mut path = Vec::with_capacity(5);
            let mut i = f;
            while i != NONE {
                let (parent, step) = arena[i as usize];
                path.push(step);
                i = parent;
            }
            path.reverse();
            path
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::Features;
    use crate::pack::NodeRecord;

    /// The plain beam search this module used before the arena and the pruning: the
    /// reference [`beam_from`] must match exactly.
    fn reference_beam_from<S: NodeScorer>(scorer: &S, x: &S::Prepared<'_>, start: Vec<Step>, k: usize, width: usize) -> Vec<Vec<Step>> {
        let tree = scorer.tree();
        let width = width.max(k).max(1);
        let mut probs = Vec::new();
        let mut frontier: Vec<Vec<Step>> = vec![start];
        for _depth in 1..=5 {
            let mut next: Vec<Vec<Step>> = Vec::new();
            for path in &frontier {
                let (node, joint) = path.last().map_or((Tree::ROOT, 1.0), |s| (s.node, s.joint));
                let children = &tree.node(node).children;
                if children.is_empty() {
                    continue;
                }
                scorer.child_probabilities(node, x, &mut probs);
                for (&child, &p) in children.iter().zip(&probs) {
                    let mut extended = Vec::with_capacity(path.len() + 1);
                    extended.extend_from_slice(path);
                    extended.push(Step { node: child, conditional: p, joint: joint * p });
                    next.push(extended);
                }
            }
            if next.is_empty() {
                break;
            }
            next.extend(frontier.iter().filter(|p| p.last().is_some_and(|s| tree.node(s.node).children.is_empty())).cloned());
            next.sort_by(|a, b| b.last().unwrap().joint.total_cmp(&a.last().unwrap().joint));
            next.truncate(width);
            frontier = next;
        }
        frontier.truncate(k);
        frontier
    }

    /// A random five-level tree whose probabilities are a hash of (node, text seed); some
    /// nodes give coarse probabilities so that ties occur.
    struct MockScorer {
        tree: Tree,
    }

    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    impl MockScorer {
        fn new(seed: u64) -> Self {
            let mut records = vec![NodeRecord { code: String::new(), label: "root".into(), parent: 0 }];
            let mut level = vec![0u32];
            let mut r = seed;
            for depth in 1..=5 {
                let mut next = Vec::new();
                for &parent in &level {
                    r = mix(r);
                    let n = 1 + (r % if depth == 1 { 9 } else { 6 }) as usize;
                    for c in 0..n {
                        records.push(NodeRecord { code: format!("{parent}.{c}"), label: String::new(), parent });
                        next.push((records.len() - 1) as u32);
                    }
                }
                level = next;
            }
            MockScorer { tree: Tree::from_records(&records).unwrap() }
        }
    }

    impl NodeScorer for MockScorer {
        type Prepared<'a> = &'a Features;
        type Scratch = ();
        fn tree(&self) -> &Tree {
            &self.tree
        }
        fn prepare<'a>(&'a self, x: &'a Features, _: &'a mut ()) -> &'a Features {
            x
        }
        fn child_probabilities(&self, node: usize, x: &&Features, out: &mut Vec<f32>) {
            let seed = u64::from(x.ids.first().copied().unwrap_or(0));
            let n = self.tree.node(node).children.len();
            let coarse = mix(seed ^ node as u64).is_multiple_of(3);
            out.clear();
            for c in 0..n {
                let h = mix(seed.wrapping_mul(31) ^ ((node as u64) << 8) ^ c as u64);
                out.push(if coarse { (h % 3) as f32 + 0.5 } else { (h % 1_000_000) as f32 / 1e3 + 0.001 });
            }
            let sum: f32 = out.iter().sum();
            for v in out.iter_mut() {
                *v /= sum;
            }
        }
    }

    #[test]
    fn pruned_arena_beam_equals_the_plain_beam() {
        let mut compared = 0;
        for tree_seed in 0..20u64 {
            let scorer = MockScorer::new(tree_seed);
            let nodes = scorer.tree.nodes.len();
            for text in 0..60u32 {
                let features = Features { ids: vec![text.wrapping_mul(2_654_435_761) ^ tree_seed as u32], values: vec![1.0] };
                let mut scratch = ();
                let x = scorer.prepare(&features, &mut scratch);
                for &(k, width) in &[(1, 1), (3, 10), (5, 10), (10, 20), (50, 100), (3, 3), (7, 2)] {
                    assert_eq!(beam(&scorer, &x, k, width), reference_beam_from(&scorer, &x, Vec::new(), k, width));
                    let node = 1 + (mix(u64::from(text) ^ tree_seed) as usize % (nodes - 1));
                    let start = path_to(&scorer, &x, node);
                    assert_eq!(
                        beam_from(&scorer, &x, start.clone(), k, width),
                        reference_beam_from(&scorer, &x, start, k, width),
                        "tree {tree_seed}, text {text}, start at node {node}, k {k}, width {width}"
                    );
                    compared += 2;
                }
            }
        }
        assert_eq!(compared, 20 * 60 * 7 * 2);
    }

    #[test]
    fn confidence_is_the_product_of_conditionals() {
        let j = joints(&[0.99, 0.94, 0.92, 0.91, 0.96]);
        assert!((j[4] - 0.748).abs() < 5e-4, "{}", j[4]);
    }

    /// The design's example: 0.9 x 0.8 x 0.9 = 0.648 at three digits; the unit group level is
    /// too unsure (0.4), so the 3-digit code is returned with confidence 0.648.
    #[test]
    fn backs_off_to_the_last_sure_level() {
        let rule = BackoffRule { min_conditional: 0.5, min_joint: 0.3 };
        let conditionals = [0.9, 0.8, 0.9, 0.4, 0.95];
        let keep = levels_to_keep(&conditionals, &rule);
        assert_eq!(keep, 3);
        let confidence = joints(&conditionals)[keep - 1];
        assert!((confidence - 0.648).abs() < 1e-6, "{confidence}");
    }

    #[test]
    fn joint_threshold_also_stops_descent() {
        let rule = BackoffRule { min_conditional: 0.5, min_joint: 0.5 };
        // Every conditional clears 0.5 but the joint falls below 0.5 at the third level.
        assert_eq!(levels_to_keep(&[0.9, 0.7, 0.7, 0.9, 0.9], &rule), 2);
        assert_eq!(levels_to_keep(&[0.4, 1.0, 1.0, 1.0, 1.0], &rule), 0);
    }
}
