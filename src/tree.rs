//! The classification tree: major -> sub-major -> minor -> unit group -> occupation.

use crate::error::PackError;
use crate::pack::NodeRecord;

/// Number of digits in a code at each depth below the root (depth 1 = major group).
pub const DIGITS_BY_DEPTH: [u8; 6] = [0, 1, 2, 3, 4, 6];

#[derive(Clone, Debug)]
pub struct Node {
    pub code: String,
    pub label: String,
    pub parent: usize,
    /// 0 for the root, 1 for major groups ... 5 for occupations.
    pub depth: u8,
    pub children: Vec<usize>,
}

impl Node {
    /// Digits in this node's code (1, 2, 3, 4 or 6).
    pub fn digits(&self) -> u8 {
        DIGITS_BY_DEPTH[usize::from(self.depth)]
    }
}

#[derive(Clone, Debug)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    pub const ROOT: usize = 0;

    /// Builds the tree from stored records, refusing anything that is not a proper 5-level tree.
    pub fn from_records(records: &[NodeRecord]) -> Result<Tree, PackError> {
        if records.is_empty() {
            return Err(PackError::Invalid("the tree has no nodes".into()));
        }
        let mut nodes: Vec<Node> = Vec::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            let parent = r.parent as usize;
            let depth = if i == 0 {
                if parent != 0 {
                    return Err(PackError::Invalid("node 0 must be the root".into()));
                }
                0
            } else {
                if parent >= i {
                    return Err(PackError::Invalid(format!("node {i} ({}) names parent {parent}, which does not come before it", r.code)));
                }
                let d = nodes[parent].depth + 1;
                if d > 5 {
                    return Err(PackError::Invalid(format!("node {i} ({}) is deeper than five levels", r.code)));
                }
                d
            };
            nodes.push(Node { code: r.code.clone(), label: r.label.clone(), parent, depth, children: Vec::new() });
            if i > 0 {
                nodes[parent].children.push(i);
            }
        }
        for (i, n) in nodes.iter().enumerate() {
            if n.children.is_empty() && n.depth != 5 {
                return Err(PackError::Invalid(format!("node {i} ({}) at depth {} has no children", n.code, n.depth)));
            }
            if n.children.len() > 255 {
                return Err(PackError::Invalid(format!("node {i} ({}) has more than 255 children", n.code)));
            }
        }
        Ok(Tree { nodes })
    }

    pub fn node(&self, i: usize) -> &Node {
        &self.nodes[i]
    }

    /// Finds a node by code (linear; used off the hot path).
    pub fn find(&self, code: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.code == code)
    }

    /// Node indices from the major group down to `i`.
    pub fn path_to(&self, mut i: usize) -> Vec<usize> {
        let mut path = Vec::new();
        while i != Tree::ROOT {
            path.push(i);
            i = self.nodes[i].parent;
        }
        path.reverse();
        path
    }
}
