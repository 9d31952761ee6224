//! The classification tree as the pack stores it: root, groups, occupations, plus the
//! non-classification branch.

use std::collections::HashMap;

use anyhow::{bail, Result};
use occupation_coder::pack::NodeRecord;
use occupation_coder::tree::Tree;

use crate::data::ClassificationData;
use crate::noncodes::{NON_CLASSIFICATION, NON_CLASSIFICATION_GROUPS};

pub struct BuiltTree {
    pub records: Vec<NodeRecord>,
    pub tree: Tree,
    pub index: HashMap<String, usize>,
}

pub fn build(own: &ClassificationData) -> Result<BuiltTree> {
    let mut rows: Vec<(String, String)> = NON_CLASSIFICATION_GROUPS.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect();
    rows.extend(NON_CLASSIFICATION.iter().map(|n| (n.code.to_string(), n.label.to_string())));
    for r in &own.structure {
        // Parents are derived from the codes themselves; the file's parent column must agree.
        let derived = match r.code.len() {
            1 => "",
            6 => &r.code[..4],
            n => &r.code[..n - 1],
        };
        if r.parent_code != derived {
            bail!("structure row {} names parent {:?}, but its code implies {:?}", r.code, r.parent_code, derived);
        }
        rows.push((r.code.clone(), r.title.clone()));
    }
    // Parents before children: shorter codes first.
    rows.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.0.cmp(&b.0)));
    let mut records = vec![NodeRecord { code: String::new(), label: "All occupations".into(), parent: 0 }];
    let mut index: HashMap<String, usize> = HashMap::new();
    for (code, label) in rows {
        let parent_code = match code.len() {
            1 => None,
            6 => Some(&code[..4]),
            n => Some(&code[..n - 1]),
        };
        let parent = match parent_code {
            None => 0,
            Some(p) => match index.get(p) {
                Some(&i) => i,
                None => bail!("code {code} has no parent group {p} in the structure file"),
            },
        };
        if index.insert(code.clone(), records.len()).is_some() {
            bail!("code {code} appears twice in the structure file");
        }
        records.push(NodeRecord { code, label, parent: parent as u32 });
    }
    let tree = Tree::from_records(&records)?;
    Ok(BuiltTree { records, tree, index })
}
