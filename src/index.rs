//! The coding index: answers known to mean one code, looked up before the model.
//!
//! Production coders match known responses first (the ABS Census autocoder codes most answers
//! that way) and leave the rest to a model. A title whose normalised words are an index key is
//! coded to the key's code with the confidence measured for the key's tier, whatever the model
//! would say: an exact known answer is better evidence than scores learned from its neighbours.
//! Keys are the trainer's normalised title text ([`key`]), so they match however the respondent
//! cased or punctuated it and after the normaliser's spelling folds and expansions.

use serde::{Deserialize, Serialize};

use crate::error::PackError;
use crate::front_coding;
use crate::normalise::Words;
use crate::string_table::StringTable;

/// Most entries an index may hold (the shipped packs hold tens of thousands).
pub const MAX_ENTRIES: usize = 1 << 20;
/// Longest key, in bytes; a longer title cannot be a key, so it is not looked up at all.
pub const MAX_KEY_BYTES: usize = 200;
/// Most tiers an index may describe.
const MAX_TIERS: usize = 16;

/// The index as stored in a pack (format version 3).
///
/// Keys are sorted and front-coded ([`front_coding`]): sorted titles share long prefixes
/// ("registered nurse (…)").
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexRecord {
    #[serde(with = "serde_bytes")]
    pub shared: Vec<u8>,
    pub suffixes: Vec<String>,
    /// Node of each key's code.
    pub nodes: Vec<u32>,
    /// Tier of each key (which kind of evidence put it in the index).
    #[serde(with = "serde_bytes")]
    pub tiers: Vec<u8>,
    /// Name of each tier, e.g. "classification title".
    pub tier_names: Vec<String>,
    /// Confidence given to a hit of each tier: the precision measured for it.
    pub tier_confidence: Vec<f32>,
}

/// One entry, as the trainer hands it to [`IndexRecord::from_entries`].
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub node: u32,
    pub tier: u8,
}

impl IndexRecord {
    /// Stores entries (any order; keys must be distinct) with their tiers' names and
    /// confidences.
    pub fn from_entries(mut entries: Vec<Entry>, tier_names: Vec<String>, tier_confidence: Vec<f32>) -> IndexRecord {
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        let (shared, suffixes) = front_coding::encode(entries.iter().map(|e| e.key.as_str()));
        IndexRecord {
            shared,
            suffixes,
            nodes: entries.iter().map(|e| e.node).collect(),
            tiers: entries.iter().map(|e| e.tier).collect(),
            tier_names,
            tier_confidence,
        }
    }
}

/// A loaded index: key -> (node, tier).
#[derive(Clone, Debug, Default)]
pub struct CodingIndex {
    keys: StringTable,
    /// Node and tier of each key, by the key's position.
    nodes: Vec<u32>,
    tiers: Vec<u8>,
    tier_names: Vec<String>,
    tier_confidence: Vec<f32>,
}

/// A title found in the index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub node: usize,
    pub tier: u8,
    pub confidence: f32,
}

impl CodingIndex {
    /// Checks a stored index against a tree of `nodes` nodes and decodes its keys.
    pub fn from_record(r: IndexRecord, nodes: usize) -> Result<CodingIndex, PackError> {
        let bad = |what: String| Err(PackError::Invalid(format!("coding index: {what}")));
        let n = r.suffixes.len();
        if n > MAX_ENTRIES {
            return bad(format!("{n} entries, more than {MAX_ENTRIES}"));
        }
        if r.shared.len() != n || r.nodes.len() != n || r.tiers.len() != n {
            return bad("its columns differ in length".into());
        }
        let tiers = r.tier_confidence.len();
        if tiers > MAX_TIERS || r.tier_names.len() != tiers {
            return bad(format!("{tiers} tier confidences for {} tier names", r.tier_names.len()));
        }
        if let Some(c) = r.tier_confidence.iter().find(|c| !(c.is_finite() && **c > 0.0 && **c <= 1.0)) {
            return bad(format!("a tier confidence of {c} is not a probability"));
        }
        let mut keys = StringTable::with_capacity(n);
        front_coding::decode(&r.shared, &r.suffixes, |i, key| {
            if key.is_empty() || key.len() > MAX_KEY_BYTES {
                return Err(format!("key {i} is empty or longer than {MAX_KEY_BYTES} bytes"));
            }
            let node = r.nodes[i];
            if node == 0 || node as usize >= nodes {
                return Err(format!("key {key:?} points at node {node}, outside the tree"));
            }
            if r.tiers[i] as usize >= tiers {
                return Err(format!("key {key:?} has tier {}, but there are {tiers} tiers", r.tiers[i]));
            }
            match keys.insert(key) {
                Ok(_) => Ok(()),
                Err(_) => Err(format!("key {key:?} appears twice")),
            }
        })
        .map_err(|what| PackError::Invalid(format!("coding index: {what}")))?;
        // Each key went in at its position in the record, so the record's columns serve as
        // they are.
        Ok(CodingIndex { keys, nodes: r.nodes, tiers: r.tiers, tier_names: r.tier_names, tier_confidence: r.tier_confidence })
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Name of each tier, by tier number.
    pub fn tier_names(&self) -> &[String] {
        &self.tier_names
    }

    /// The entry whose key is `title`'s normalised words, if any. `words` is scratch.
    pub fn lookup(&self, title: &Words, key: &mut String) -> Option<Hit> {
        if self.keys.is_empty() || title.is_empty() {
            return None;
        }
        key.clear();
        for (i, w) in title.iter().enumerate() {
            if i > 0 {
                key.push(' ');
            }
            key.push_str(w);
            if key.len() > MAX_KEY_BYTES {
                return None;
            }
        }
        let i = self.keys.position(key)?;
        let tier = self.tiers[i];
        Some(Hit { node: self.nodes[i] as usize, tier, confidence: self.tier_confidence[tier as usize] })
    }
}

/// The index key of a title: its normalised words, space-separated (as the trainer writes keys).
pub fn key(title: &str) -> String {
    crate::normalise::normalise(title).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::normalise_into;

    fn record() -> IndexRecord {
        let e = |key: &str, node, tier| Entry { key: key.into(), node, tier };
        IndexRecord::from_entries(
            vec![e("registered nurse aged care", 3, 0), e("brickie bricklayer", 2, 1), e("registered nurse", 4, 0), e("café manager", 5, 1)],
            vec!["title".into(), "lexicon".into()],
            vec![0.97, 0.9],
        )
    }

    fn find(index: &CodingIndex, title: &str) -> Option<Hit> {
        let mut words = Words::default();
        normalise_into(title, &mut words);
        index.lookup(&words, &mut String::new())
    }

    #[test]
    fn front_coding_round_trips_and_lookup_uses_normalised_words() {
        let r = record();
        assert_eq!(r.shared[..3], [0, 0, 0]);
        assert!(r.shared[3] > 10, "'registered nurse aged care' shares 'registered nurse' with the key before it");
        let index = CodingIndex::from_record(r, 10).unwrap();
        assert_eq!(index.len(), 4);
        assert_eq!(find(&index, "Registered Nurse"), Some(Hit { node: 4, tier: 0, confidence: 0.97 }));
        assert_eq!(find(&index, "registered nurse - aged care"), Some(Hit { node: 3, tier: 0, confidence: 0.97 }));
        assert_eq!(find(&index, "Brickie"), Some(Hit { node: 2, tier: 1, confidence: 0.9 }));
        assert_eq!(find(&index, "CAFÉ manager"), Some(Hit { node: 5, tier: 1, confidence: 0.9 }));
        assert_eq!(find(&index, "nurse"), None);
        assert_eq!(find(&index, ""), None);
    }

    #[test]
    fn hostile_records_are_refused() {
        let mut r = record();
        r.nodes[0] = 10;
        assert!(CodingIndex::from_record(r, 10).is_err(), "node outside the tree");
        let mut r = record();
        r.nodes[0] = 0;
        assert!(CodingIndex::from_record(r, 10).is_err(), "the root is not a code");
        let mut r = record();
        r.shared[0] = 5;
        assert!(CodingIndex::from_record(r, 10).is_err(), "prefix longer than the previous key");
        let mut r = record();
        r.tiers[1] = 2;
        assert!(CodingIndex::from_record(r, 10).is_err(), "tier without a confidence");
        let mut r = record();
        r.tier_confidence[0] = f32::NAN;
        assert!(CodingIndex::from_record(r, 10).is_err(), "confidence not a probability");
        let mut r = record();
        r.nodes.pop();
        assert!(CodingIndex::from_record(r, 10).is_err(), "ragged columns");
        let mut r = record();
        r.suffixes[3] = r.suffixes[2].clone();
        r.shared[3] = r.shared[2];
        assert!(CodingIndex::from_record(r, 10).is_err(), "duplicate key");
    }
}
