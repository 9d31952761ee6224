//! Step 4 of the data path: conditional probabilities -> a path with a confidence.
//!
//! The confidence of a code is the product of the conditional probabilities along its path.
//! [`greedy`] follows the most likely child at each level and stops (backs off to the less
//! detailed code) as soon as the next level is too unsure; [`beam`] ranks the top-k
//! occupations by joint probability.

use crate::features::Features;
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
pub fn greedy<S: NodeScorer>(scorer: &S, x: &Features, rule: &BackoffRule) -> Vec<Step> {
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
pub fn beam<S: NodeScorer>(scorer: &S, x: &Features, k: usize, width: usize) -> Vec<Vec<Step>> {
    beam_from(scorer, x, Vec::new(), k, width)
}

/// The path from the root to `node` with the text's conditional probabilities.
pub fn path_to<S: NodeScorer>(scorer: &S, x: &Features, node: usize) -> Vec<Step> {
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
pub fn beam_from<S: NodeScorer>(scorer: &S, x: &Features, start: Vec<Step>, k: usize, width: usize) -> Vec<Vec<Step>> {
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
        // Leaves already reached (a start at an occupation) stay in the running.
        next.extend(frontier.iter().filter(|p| p.last().is_some_and(|s| tree.node(s.node).children.is_empty())).cloned());
        next.sort_by(|a, b| b.last().unwrap().joint.total_cmp(&a.last().unwrap().joint));
        next.truncate(width);
        frontier = next;
    }
    frontier.truncate(k);
    frontier
}

#[cfg(test)]
mod tests {
    use super::*;

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
