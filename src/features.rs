//! Step 2 of the data path: normalised words -> a sparse, hashed feature vector.
//!
//! Title and tasks stay distinguishable (each feature string carries its field), words give
//! unigrams and bigrams, and title words also give character n-grams so that misspellings
//! still share most features with the correct word. Feature strings are hashed with a named,
//! fixed hash ([`fnv1a_64`]) into `buckets` slots; the parameters travel in the pack header.

use serde::{Deserialize, Serialize};

use crate::normalise::normalise;

/// Name of the hash recorded in pack headers; readers refuse any other.
pub const HASH_NAME: &str = "fnv1a-64";

/// How text becomes features. Stored verbatim in every pack so the runtime featurises
/// exactly as the trainer did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureParams {
    /// Seed mixed into every hash (see [`fnv1a_64`]).
    pub seed: u32,
    /// Number of hash buckets; feature ids are `hash % buckets`.
    pub buckets: u32,
    /// Character n-gram lengths taken from title words, inclusive; `(0, 0)` turns them off.
    pub char_ngrams: (u8, u8),
    /// Weights of the separately L2-normalised blocks: title words, title characters, task
    /// words, and words from either field (so a title typed into the tasks box still counts).
    pub block_weights: BlockWeights,
}

/// Weight of each feature block after it is L2-normalised on its own.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlockWeights {
    pub title_words: f32,
    pub title_chars: f32,
    pub task_words: f32,
    pub any_words: f32,
}

impl Default for FeatureParams {
    fn default() -> Self {
        FeatureParams {
            seed: 0x0CC0_DE24,
            buckets: 1 << 20,
            char_ngrams: (3, 4),
            block_weights: BlockWeights { title_words: 1.0, title_chars: 0.6, task_words: 0.7, any_words: 0.6 },
        }
    }
}

/// A sparse feature vector: strictly increasing ids with their values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Features {
    pub ids: Vec<u32>,
    pub values: Vec<f32>,
}

impl Features {
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.ids.iter().copied().zip(self.values.iter().copied())
    }
}

/// FNV-1a, 64-bit, over the seed's four little-endian bytes followed by `bytes`.
///
/// Pinned here (not `std`'s `DefaultHasher`, which may change between Rust releases) because
/// a pack's weights are only meaningful with the exact hash it was trained with.
pub fn fnv1a_64(seed: u32, bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    for &b in seed.to_le_bytes().iter().chain(bytes) {
        h ^= u64::from(b);
        h = h.wrapping_mul(PRIME);
    }
    h
}

/// Turns a title and a task text into features.
pub fn featurise(params: &FeatureParams, title: &str, tasks: &str) -> Features {
    featurise_words(params, &normalise(title), &normalise(tasks))
}

/// Same as [`featurise`] for already-normalised words (the trainer normalises once and reuses).
pub fn featurise_words(params: &FeatureParams, title: &[String], tasks: &[String]) -> Features {
    let w = params.block_weights;
    let mut out = Accumulator::default();
    let mut block = Block::new(params);

    word_features(&mut block, "t", title);
    out.add(&mut block, w.title_words);

    if params.char_ngrams.0 > 0 {
        for word in title {
            char_ngrams(&mut block, word, params.char_ngrams);
        }
        out.add(&mut block, w.title_chars);
    }

    word_features(&mut block, "k", tasks);
    out.add(&mut block, w.task_words);

    for word in title.iter().chain(tasks) {
        block.push(&["a|", word]);
    }
    out.add(&mut block, w.any_words);

    out.finish()
}

fn word_features(block: &mut Block, field: &str, words: &[String]) {
    for (i, word) in words.iter().enumerate() {
        block.push(&[field, "|w|", word]);
        if let Some(next) = words.get(i + 1) {
            block.push(&[field, "|b|", word, " ", next]);
        }
    }
}

fn char_ngrams(block: &mut Block, word: &str, (lo, hi): (u8, u8)) {
    // Boundary markers let "brick" at the start of a word differ from "brick" inside one.
    let chars: Vec<char> = std::iter::once('<').chain(word.chars()).chain(std::iter::once('>')).collect();
    let mut gram = String::new();
    for n in usize::from(lo)..=usize::from(hi) {
        if n > chars.len() {
            break;
        }
        for window in chars.windows(n) {
            gram.clear();
            gram.push_str("t|c|");
            gram.extend(window);
            block.push(&[&gram]);
        }
    }
}

/// Counts of one block's features, keyed by bucket.
struct Block {
    seed: u32,
    buckets: u32,
    counts: Vec<(u32, f32)>,
    scratch: Vec<u8>,
}

impl Block {
    fn new(params: &FeatureParams) -> Self {
        Block { seed: params.seed, buckets: params.buckets.max(1), counts: Vec::new(), scratch: Vec::new() }
    }

    fn push(&mut self, parts: &[&str]) {
        self.scratch.clear();
        for part in parts {
            self.scratch.extend_from_slice(part.as_bytes());
        }
        let id = (fnv1a_64(self.seed, &self.scratch) % u64::from(self.buckets)) as u32;
        self.counts.push((id, 1.0));
    }
}

#[derive(Default)]
struct Accumulator {
    pairs: Vec<(u32, f32)>,
}

impl Accumulator {
    /// Adds a block with sublinear term frequency, L2-normalised, times `weight`; empties it.
    fn add(&mut self, block: &mut Block, weight: f32) {
        let counts = &mut block.counts;
        if counts.is_empty() {
            return;
        }
        counts.sort_unstable_by_key(|p| p.0);
        let mut merged: Vec<(u32, f32)> = Vec::with_capacity(counts.len());
        for &(id, c) in counts.iter() {
            match merged.last_mut() {
                Some(last) if last.0 == id => last.1 += c,
                _ => merged.push((id, c)),
            }
        }
        counts.clear();
        for p in &mut merged {
            p.1 = 1.0 + p.1.ln();
        }
        let norm = merged.iter().map(|p| p.1 * p.1).sum::<f32>().sqrt();
        if weight > 0.0 && norm > 0.0 {
            let scale = weight / norm;
            self.pairs.extend(merged.into_iter().map(|(id, v)| (id, v * scale)));
        }
    }

    fn finish(mut self) -> Features {
        self.pairs.sort_unstable_by_key(|p| p.0);
        let mut f = Features::default();
        for (id, v) in self.pairs {
            if f.ids.last() == Some(&id) {
                *f.values.last_mut().expect("values parallel ids") += v;
            } else {
                f.ids.push(id);
                f.values.push(v);
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known answers pin the hash: if any of these change, every trained pack is invalid.
    /// The unseeded values are the published FNV-1a 64 test vectors; the seeded ones were
    /// computed independently (Python, same definition).
    #[test]
    fn fnv1a_64_known_answers() {
        assert_eq!(plain_fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(plain_fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(plain_fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
        let seed = FeatureParams::default().seed;
        assert_eq!(fnv1a_64(seed, "t|w|brickie".as_bytes()), 0xf2c0_ba57_269c_85cb);
        assert_eq!(fnv1a_64(seed, "t|w|café".as_bytes()), 0x116d_f9e4_df45_2d76);
        assert_eq!(fnv1a_64(seed, "a|größe".as_bytes()), 0xe7ae_37d1_7af8_c4b3);
    }

    /// Reference FNV-1a 64 with no seed, to tie the seeded hash to the published vectors.
    fn plain_fnv1a_64(bytes: &[u8]) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        h
    }

    #[test]
    fn seeded_hash_is_plain_fnv_over_seed_then_bytes() {
        let mut bytes = 7u32.to_le_bytes().to_vec();
        bytes.extend_from_slice("x".as_bytes());
        assert_eq!(fnv1a_64(7, b"x"), plain_fnv1a_64(&bytes));
    }

    /// Known answer for whole-text features, non-ASCII included: NFKC and lower-casing
    /// happen before hashing, so "CAFÉ" and "café" give the same ids.
    #[test]
    fn featurise_known_answers_non_ascii() {
        let p = FeatureParams::default();
        let f = featurise(&p, "CAFÉ", "Größe");
        assert!(f.ids.contains(&339_318), "t|w|café");
        assert!(f.ids.contains(&574_643), "a|größe");
        assert!(f.ids.contains(&1_044_976), "t|c|<ca");
        assert_eq!(f, featurise(&p, "café", "größe"));
        assert!(f.ids.windows(2).all(|w| w[0] < w[1]), "ids strictly increasing");
    }

    #[test]
    fn blocks_are_normalised_and_weighted() {
        let p = FeatureParams { char_ngrams: (0, 0), ..FeatureParams::default() };
        // One title word -> one title feature (its block's weight) and one any-field feature.
        let f = featurise(&p, "nurse", "");
        assert_eq!(f.len(), 2);
        let mut v = f.values.clone();
        v.sort_by(f32::total_cmp);
        let w = p.block_weights;
        assert!((v[0] - w.any_words).abs() < 1e-6 && (v[1] - w.title_words).abs() < 1e-6, "{v:?}");
    }

    #[test]
    fn title_and_tasks_are_distinguishable() {
        let p = FeatureParams::default();
        assert_ne!(featurise(&p, "nurse", ""), featurise(&p, "", "nurse"));
    }

    #[test]
    fn empty_text_has_no_features() {
        assert!(featurise(&FeatureParams::default(), " ", "--").is_empty());
    }
}
