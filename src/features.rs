//! Step 2 of the data path: normalised words -> a sparse, hashed feature vector.
//!
//! Title and tasks stay distinguishable (each feature string carries its field), words give
//! unigrams and bigrams, and title words also give character n-grams so that misspellings
//! still share most features with the correct word. Feature strings are hashed with a named,
//! fixed hash ([`fnv1a_64`]) into `buckets` slots; the parameters travel in the pack header.

use serde::{Deserialize, Serialize};

use crate::normalise::{normalise_into, Words};

/// Name of the hash recorded in pack headers; readers refuse any other.
pub const HASH_NAME: &str = "fnv1a-64";
/// Most hash buckets a pack may use (2^24; the packs use 2^20): the loader keeps a bitmap over
/// them (2 MB at most), so a damaged header cannot make it allocate gigabytes.
pub const MAX_BUCKETS: u32 = 1 << 24;

/// How text becomes features. Stored verbatim in every pack so the runtime featurises
/// exactly as the trainer did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureParams {
    /// Seed mixed into every hash (see [`fnv1a_64`]).
    pub seed: u32,
    /// Number of hash buckets; feature ids are `hash % buckets`. At most [`MAX_BUCKETS`].
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

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64-bit, over the seed's four little-endian bytes followed by `bytes`.
///
/// Pinned here (not `std`'s `DefaultHasher`, which may change between Rust releases) because
/// a pack's weights are only meaningful with the exact hash it was trained with.
pub fn fnv1a_64(seed: u32, bytes: &[u8]) -> u64 {
    Fnv::seeded(seed).feed(bytes).0
}

/// FNV-1a state: the hash is streaming, so a feature string's hash is the state after its
/// parts are fed one after another, and a common prefix ("seed then `t|w|`") is fed once.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn seeded(seed: u32) -> Fnv {
        Fnv(FNV_OFFSET).feed(&seed.to_le_bytes())
    }
    #[inline]
    fn feed(mut self, bytes: &[u8]) -> Fnv {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
        self
    }
}

/// Word lists the featuriser reads: the trainer's `&[String]` and the runtime's [`Words`].
trait WordSeq {
    fn count(&self) -> usize;
    fn word(&self, i: usize) -> &str;
}

impl WordSeq for [String] {
    fn count(&self) -> usize {
        self.len()
    }
    fn word(&self, i: usize) -> &str {
        &self[i]
    }
}

impl WordSeq for Words {
    fn count(&self) -> usize {
        self.len()
    }
    fn word(&self, i: usize) -> &str {
        self.get(i)
    }
}

/// Buffers reused from record to record (one set per thread).
#[derive(Default)]
struct Scratch {
    title: Words,
    tasks: Words,
    block: Vec<u32>,
    pairs: Vec<(u32, f32)>,
    gram: Vec<u8>,
    starts: Vec<usize>,
    /// Working memory of [`sort_by_id`].
    ids_tmp: Vec<u32>,
    pairs_tmp: Vec<(u32, f32)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Turns a title and a task text into features.
pub fn featurise(params: &FeatureParams, title: &str, tasks: &str) -> Features {
    let mut out = Features::default();
    featurise_into(params, title, tasks, &mut out);
    out
}

/// [`featurise`] into `out` (emptied first), which keeps its buffers from text to text.
pub fn featurise_into(params: &FeatureParams, title: &str, tasks: &str, out: &mut Features) {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut guard) => {
            let s = &mut *guard;
            normalise_into(title, &mut s.title);
            normalise_into(tasks, &mut s.tasks);
            let (t, k) = (std::mem::take(&mut s.title), std::mem::take(&mut s.tasks));
            featurise_seq(params, &t, &k, s, out);
            (s.title, s.tasks) = (t, k);
        }
        // Re-entered (cannot happen today): fresh buffers.
        Err(_) => {
            let mut s = Scratch::default();
            let (mut t, mut k) = (Words::default(), Words::default());
            normalise_into(title, &mut t);
            normalise_into(tasks, &mut k);
            featurise_seq(params, &t, &k, &mut s, out)
        }
    })
}

/// Same as [`featurise`] for already-normalised words (the trainer normalises once and reuses).
pub fn featurise_words(params: &FeatureParams, title: &[String], tasks: &[String]) -> Features {
    let mut out = Features::default();
    featurise_seq(params, title, tasks, &mut Scratch::default(), &mut out);
    out
}

fn featurise_seq<W: WordSeq + ?Sized>(params: &FeatureParams, title: &W, tasks: &W, s: &mut Scratch, out: &mut Features) {
    let w = params.block_weights;
    let buckets = u64::from(params.buckets.max(1));
    let seeded = Fnv::seeded(params.seed);
    // Bucket counts are powers of two in practice: a mask gives the same ids as the
    // remainder without a 64-bit division per feature.
    let mask = buckets.is_power_of_two().then_some(buckets - 1);
    let id = |h: Fnv| match mask {
        Some(m) => (h.0 & m) as u32,
        None => (h.0 % buckets) as u32,
    };
    s.pairs.clear();
    let id_bits = 32 - (params.buckets.max(1) - 1).leading_zeros();

    word_features(&mut s.block, seeded, b"t", title, id);
    add_block(&mut s.pairs, &mut s.block, &mut s.ids_tmp, id_bits, w.title_words);

    if params.char_ngrams.0 > 0 {
        let prefix = seeded.feed(b"t|c|");
        for i in 0..title.count() {
            char_ngrams(&mut s.block, &mut s.gram, &mut s.starts, prefix, title.word(i), params.char_ngrams, id);
        }
        add_block(&mut s.pairs, &mut s.block, &mut s.ids_tmp, id_bits, w.title_chars);
    }

    word_features(&mut s.block, seeded, b"k", tasks, id);
    add_block(&mut s.pairs, &mut s.block, &mut s.ids_tmp, id_bits, w.task_words);

    let any = seeded.feed(b"a|");
    for words in [title, tasks] {
        for i in 0..words.count() {
            s.block.push(id(any.feed(words.word(i).as_bytes())));
        }
    }
    add_block(&mut s.pairs, &mut s.block, &mut s.ids_tmp, id_bits, w.any_words);

    sort_by_id(&mut s.pairs, &mut s.pairs_tmp, id_bits, |p| p.0);
    finish(&s.pairs, out);
}

fn word_features<W: WordSeq + ?Sized>(block: &mut Vec<u32>, seeded: Fnv, field: &[u8], words: &W, id: impl Fn(Fnv) -> u32) {
    let field = seeded.feed(field);
    let (unigram, bigram) = (field.feed(b"|w|"), field.feed(b"|b|"));
    let n = words.count();
    for i in 0..n {
        let word = words.word(i).as_bytes();
        block.push(id(unigram.feed(word)));
        if i + 1 < n {
            block.push(id(bigram.feed(word).feed(b" ").feed(words.word(i + 1).as_bytes())));
        }
    }
}

fn char_ngrams(
    block: &mut Vec<u32>,
    gram: &mut Vec<u8>,
    starts: &mut Vec<usize>,
    prefix: Fnv,
    word: &str,
    (lo, hi): (u8, u8),
    id: impl Fn(Fnv) -> u32,
) {
    // Boundary markers let "brick" at the start of a word differ from "brick" inside one.
    gram.clear();
    starts.clear();
    gram.push(b'<');
    starts.push(0);
    for (at, _) in word.char_indices() {
        starts.push(1 + at);
    }
    gram.extend_from_slice(word.as_bytes());
    starts.push(gram.len());
    gram.push(b'>');
    starts.push(gram.len());
    // `starts` holds the start of every char and the end: chars = starts.len() - 1.
    let chars = starts.len() - 1;
    for n in usize::from(lo)..=usize::from(hi) {
        if n > chars {
            break;
        }
        for i in 0..=chars - n {
            block.push(id(prefix.feed(&gram[starts[i]..starts[i + n]])));
        }
    }
}

/// Adds a block (its feature ids) with sublinear term frequency, L2-normalised, times
/// `weight`; empties it.
fn add_block(pairs: &mut Vec<(u32, f32)>, block: &mut Vec<u32>, tmp: &mut Vec<u32>, id_bits: u32, weight: f32) {
    if block.is_empty() {
        return;
    }
    sort_by_id(block, tmp, id_bits, |&id| id);
    // Distinct ids with their counts, kept in `block`'s own storage: (id, count) pairs would
    // need a second buffer, so counts are recomputed from run lengths below.
    let start = pairs.len();
    let mut i = 0;
    while i < block.len() {
        let id = block[i];
        let mut j = i + 1;
        while j < block.len() && block[j] == id {
            j += 1;
        }
        // The count as the sum of ones in f32 is exact, as before. Most ids occur once, and
        // ln(1) is exactly 0: no call to the logarithm for them.
        let tf = if j - i == 1 { 1.0 } else { 1.0 + libm::logf((j - i) as f32) };
        pairs.push((id, tf));
        i = j;
    }
    block.clear();
    let norm = pairs[start..].iter().map(|p| p.1 * p.1).sum::<f32>().sqrt();
    if weight > 0.0 && norm > 0.0 {
        let scale = weight / norm;
        for p in &mut pairs[start..] {
            p.1 *= scale;
        }
    } else {
        pairs.truncate(start);
    }
}

/// Sorts by feature id (ids below `1 << id_bits`), stably. Ids are hashes, spread evenly, so
/// distributing them over 64 ranges by their top bits leaves an insertion sort almost nothing
/// to move: a text's few dozen ids sort in a fraction of the general sort's time.
///
/// The insertion sort has a budget of moves linear in the number of items; past it the items
/// are radix sorted instead ([`radix_sort_by_id`]). A long text repeats few distinct ids (a
/// word or phrase typed or pasted over and over), and when two of them share a range and
/// alternate, the insertion sort moves each one past all the copies of the other, quadratic in
/// the text's length (10,000 characters of U+FDFA, which NFKC expands to four words, took
/// about 105 ms to code against 3 ms for 1,000; see README, "Reliability"). Both sorts are stable, and the insertion sort only
/// ever moves an item past greater ids, so the order, and the features, are the same whichever
/// finishes the job.
fn sort_by_id<T: Copy>(items: &mut [T], tmp: &mut Vec<T>, id_bits: u32, id: impl Fn(&T) -> u32) {
    const RANGE_BITS: u32 = 6;
    if items.len() > 16 && id_bits > RANGE_BITS {
        let shift = id_bits - RANGE_BITS;
        let mut at = [0u32; (1 << RANGE_BITS) + 1];
        for x in items.iter() {
            at[(id(x) >> shift) as usize + 1] += 1;
        }
        for r in 0..1 << RANGE_BITS {
            at[r + 1] += at[r];
        }
        tmp.clear();
        tmp.extend_from_slice(items);
        for x in tmp.iter() {
            let slot = &mut at[(id(x) >> shift) as usize];
            items[*slot as usize] = *x;
            *slot += 1;
        }
    }
    let budget = MOVES_PER_ITEM * items.len() + FREE_MOVES;
    let mut moves = 0;
    for i in 1..items.len() {
        let x = items[i];
        let mut j = i;
        while j > 0 && id(&items[j - 1]) > id(&x) {
            items[j] = items[j - 1];
            j -= 1;
        }
        items[j] = x;
        moves += i - j;
        if moves > budget {
            return radix_sort_by_id(items, tmp, id_bits, id);
        }
    }
}

/// The insertion sort's budget of moves: this many per item, plus [`FREE_MOVES`] so that a
/// text's ordinary blocks (a few hundred ids at most, sorted in microseconds however they
/// fall) never reach the radix sort.
const MOVES_PER_ITEM: usize = 8;
const FREE_MOVES: usize = 1 << 15;

/// Least significant digit radix sort by id (ids below `1 << id_bits`): one stable counting
/// pass per digit of at most 11 bits (two passes for the packs' 2^20 buckets), so stable and
/// linear in `items.len()`.
fn radix_sort_by_id<T: Copy>(items: &mut [T], tmp: &mut Vec<T>, id_bits: u32, id: impl Fn(&T) -> u32) {
    const MAX_DIGIT_BITS: u32 = 11;
    let passes = id_bits.div_ceil(MAX_DIGIT_BITS);
    if passes == 0 {
        return; // every id is 0
    }
    let digit_bits = id_bits.div_ceil(passes);
    let mask = (1u32 << digit_bits) - 1;
    let mut at = vec![0usize; (1 << digit_bits) + 1];
    for pass in 0..passes {
        let shift = pass * digit_bits;
        at.fill(0);
        for x in items.iter() {
            at[((id(x) >> shift) & mask) as usize + 1] += 1;
        }
        for d in 0..1 << digit_bits {
            at[d + 1] += at[d];
        }
        tmp.clear();
        tmp.extend_from_slice(items);
        for x in tmp.iter() {
            let slot = &mut at[((id(x) >> shift) & mask) as usize];
            items[*slot] = *x;
            *slot += 1;
        }
    }
}

/// Sums the values of equal ids in id-sorted pairs into `f` (emptied first).
fn finish(pairs: &[(u32, f32)], f: &mut Features) {
    f.ids.clear();
    f.values.clear();
    for &(id, v) in pairs.iter() {
        if f.ids.last() == Some(&id) {
            *f.values.last_mut().expect("values parallel ids") += v;
        } else {
            f.ids.push(id);
            f.values.push(v);
        }
    }
}

/// The featuriser as it was before the streaming hash and the reused buffers (a String per
/// word, the feature string built in full before hashing): the reference the new one must
/// match bit for bit.
#[cfg(test)]
mod reference {
    use super::{FeatureParams, Features};
    use crate::normalise::reference::reference_normalise;

/// FNV-1a, 64-bit, over the seed's four little-endian bytes followed by `bytes`.
///
/// Pinned here (not `std`'s `DefaultHasher`, which may change between Rust releases) because
/// a pack's weights are only meaningful with the exact hash it was trained with.
pub(crate) fn reference_fnv1a_64(seed: u32, bytes: &[u8]) -> u64 {
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
pub(crate) fn reference_featurise(params: &FeatureParams, title: &str, tasks: &str) -> Features {
    reference_featurise_words(params, &reference_normalise(title), &reference_normalise(tasks))
}

/// Same as [`featurise`] for already-normalised words (the trainer normalises once and reuses).
pub(crate) fn reference_featurise_words(params: &FeatureParams, title: &[String], tasks: &[String]) -> Features {
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
        let id = (reference_fnv1a_64(self.seed, &self.scratch) % u64::from(self.buckets)) as u32;
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
            p.1 = 1.0 + libm::logf(p.1);
        }
        let norm = merged.iter().map(|p| p.1 * p.1).sum::<f32>().sqrt();
        if weight > 0.0 && norm > 0.0 {
            let scale = weight / norm;
            self.pairs.extend(merged.into_iter().map(|(id, v)| (id, v * scale)));
        }
    }

    fn finish(mut self) -> Features {
        // Stable: an id in several blocks sums in block order (it was unspecified before;
        // only a collision within one text across three blocks can tell the difference).
        self.pairs.sort_by_key(|p| p.0);
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

    /// Bit-identical to the old featuriser (kept above as `reference`) on thousands of varied
    /// texts, non-ASCII included, under the default parameters and others.
    #[test]
    fn new_featuriser_equals_the_reference_bit_for_bit() {
        let texts = crate::normalise::tests::varied_texts(4000);
        let params = [
            FeatureParams::default(),
            FeatureParams { char_ngrams: (0, 0), ..FeatureParams::default() },
            FeatureParams { seed: 7, buckets: 1000, char_ngrams: (2, 5), ..FeatureParams::default() },
            FeatureParams { buckets: 1, ..FeatureParams::default() },
        ];
        let mut non_empty = 0;
        for p in &params {
            for pair in texts.chunks(2) {
                let (title, tasks) = (pair[0].as_str(), pair.get(1).map_or("", |t| t.as_str()));
                let new = featurise(p, title, tasks);
                let old = reference::reference_featurise(p, title, tasks);
                assert_eq!(new.ids, old.ids, "{title:?} / {tasks:?}");
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&new.values), bits(&old.values), "{title:?} / {tasks:?}");
                let words = (crate::normalise::normalise(title), crate::normalise::normalise(tasks));
                assert_eq!(featurise_words(p, &words.0, &words.1), old);
                non_empty += usize::from(!new.is_empty());
            }
        }
        assert!(non_empty > 3000, "{non_empty}");
        for (seed, bytes) in [(0u32, &b""[..]), (7, b"x"), (FeatureParams::default().seed, "t|w|café".as_bytes())] {
            assert_eq!(fnv1a_64(seed, bytes), reference::reference_fnv1a_64(seed, bytes));
        }
    }

    /// Long texts, some of whose blocks the insertion sort hands to the radix sort half done,
    /// still give the reference's features bit for bit: repeated words and phrases (few
    /// distinct ids, interleaved), many distinct words, and under bucket counts of every shape
    /// (a mask or a remainder, one radix digit or several).
    #[test]
    fn long_texts_equal_the_reference_bit_for_bit() {
        let long = [
            "\u{FDFA}".repeat(600),
            "registered nurse aged care ".repeat(120),
            (0..700).map(|i| format!("w{i} ")).collect::<String>(),
            "ab cd ".repeat(500),
            format!("{} café größe", "a".repeat(3000)),
        ];
        let params = [
            FeatureParams::default(),
            FeatureParams { seed: 7, buckets: 1000, char_ngrams: (2, 5), ..FeatureParams::default() },
            FeatureParams { buckets: 64, ..FeatureParams::default() },
            FeatureParams { buckets: 1, ..FeatureParams::default() },
            FeatureParams { buckets: MAX_BUCKETS, ..FeatureParams::default() },
            FeatureParams { buckets: u32::MAX, ..FeatureParams::default() },
        ];
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for p in &params {
            for (i, title) in long.iter().enumerate() {
                let tasks = &long[(i + 1) % long.len()];
                let new = featurise(p, title, tasks);
                let old = reference::reference_featurise(p, title, tasks);
                assert_eq!(new.ids, old.ids, "text {i}, {} buckets", p.buckets);
                assert_eq!(bits(&new.values), bits(&old.values), "text {i}, {} buckets", p.buckets);
            }
        }
    }

    /// The sort (insertion, radix, or insertion then radix) and the radix sort alone both
    /// equal the standard library's stable sort.
    #[test]
    fn sort_by_id_is_a_stable_sort_by_id() {
        let mut state = 0x2545_f491_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for id_bits in [0u32, 1, 6, 7, 10, 20, 24, 32] {
            for len in [0usize, 5, 17, 200, 256, 257, 3000, 20_000] {
                for distinct in [1u64, 2, 7, 1 << 20] {
                    let keys: Vec<u32> = (0..distinct.min(64)).map(|_| (next() & ((1u64 << id_bits) - 1)) as u32).collect();
                    let pick = |r: u64| if distinct > 64 { (r & ((1u64 << id_bits) - 1)) as u32 } else { keys[(r % keys.len() as u64) as usize] };
                    // (id, position): the position tells whether equal ids kept their order.
                    let items: Vec<(u32, u32)> = (0..len as u32).map(|i| (pick(next()), i)).collect();
                    let mut ours = items.clone();
                    sort_by_id(&mut ours, &mut Vec::new(), id_bits, |p| p.0);
                    let mut radix = items.clone();
                    radix_sort_by_id(&mut radix, &mut Vec::new(), id_bits, |p| p.0);
                    let mut std = items;
                    std.sort_by_key(|p| p.0);
                    assert_eq!(ours, std, "{id_bits} id bits, {len} items, {distinct} distinct");
                    assert_eq!(radix, std, "radix: {id_bits} id bits, {len} items, {distinct} distinct");
                }
            }
        }
    }
}
