//! Spelling correction of title words before they are coded.
//!
//! Respondents misspell job titles in ways no list anticipates ("acountant", "netwrok
//! engineer", "trafic controller"). A title word the training data never used as a title word
//! is replaced by the closest word it did use: within one edit for short words, two for longer
//! ones (transpositions count as one edit), the most common such word first. Lookup is by
//! symmetric deletion (both the vocabulary word and the typed word lose at most one letter), so
//! a correction costs a few lookups in a table, not a scan of the vocabulary. The table is
//! built the first time a word needs correcting, not when the pack loads.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::error::PackError;
use crate::features::fnv1a_64;
use crate::front_coding;
use crate::string_table::StringTable;

/// Words shorter than this are left alone: at three letters almost every string is one edit
/// from some title word ("gp", "rn", "dr" are abbreviations, not slips).
pub const MIN_WORD_CHARS: usize = 4;
/// Words this long or longer may be two edits from their correction.
const TWO_EDITS_FROM: usize = 7;
/// Longest word looked up (a longer one is not a word anyone typed by mistake).
const MAX_WORD_CHARS: usize = 24;
/// Most vocabulary words a pack may hold.
pub const MAX_WORDS: usize = 1 << 18;

/// The vocabulary as stored in a pack (format version 3): title words in byte order,
/// front-coded ([`front_coding`]) as the coding index's keys are, each with how common it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpellingRecord {
    #[serde(with = "serde_bytes")]
    pub shared: Vec<u8>,
    pub suffixes: Vec<String>,
    /// How common each word is among training titles: the bit length of its count (so 1 for
    /// a word seen once, 11 for one seen a thousand times). Breaks ties between corrections.
    #[serde(with = "serde_bytes")]
    pub commonness: Vec<u8>,
}

impl SpellingRecord {
    /// Stores words with their counts (any order; words distinct).
    pub fn from_counts(mut words: Vec<(String, usize)>) -> SpellingRecord {
        words.sort();
        let (shared, suffixes) = front_coding::encode(words.iter().map(|(w, _)| w.as_str()));
        let commonness = words.iter().map(|(_, n)| (usize::BITS - n.leading_zeros()) as u8).collect();
        SpellingRecord { shared, suffixes, commonness }
    }
}

/// A loaded vocabulary. Cloning one shares it, and its deletion table once built.
#[derive(Clone, Debug, Default)]
pub struct Speller(Arc<Vocabulary>);

#[derive(Debug, Default)]
struct Vocabulary {
    /// The words, in the pack's order (byte order).
    words: StringTable,
    commonness: Vec<u8>,
    /// Built the first time a word is looked up that the vocabulary does not hold: most
    /// titles need no correction, and building it took longer than loading the rest of the
    /// pack (see CHANGELOG.md).
    deletes: OnceLock<Deletes>,
}

/// The deletion table: the hash of each word and of each string the word makes less one
/// letter, with the word's position, sorted by hash (then position), so the words a hash came
/// from are one run, found by binary search. A hash and its position sit side by side: a
/// lookup mostly reads one cache line of them.
#[derive(Debug)]
struct Deletes {
    pairs: Vec<(u64, u32)>,
    /// Where the hashes whose top `bits` bits are `b` start (`starts[b]`) and end
    /// (`starts[b + 1]`): the binary search starts from that short run.
    starts: Vec<u32>,
    bits: u32,
}

impl Deletes {
    fn build(v: &Vocabulary) -> Deletes {
        let words = &v.words;
        // A word makes at most one string per letter, and itself.
        let mut pairs = Vec::with_capacity((0..words.len()).map(|i| words.get(i).len() + 1).sum());
        for i in 0..words.len() {
            let word = words.get(i);
            if word.is_ascii() && (MIN_WORD_CHARS - 1..=MAX_WORD_CHARS + 2).contains(&word.len()) {
                with_deletes(word.as_bytes(), |d| pairs.push((hash(d), i as u32)));
            }
        }
        // A counting sort on the hashes' top bits, then a sort of each bucket: the hashes are
        // spread evenly, so buckets hold a few each and this is several times faster than
        // sorting them all at once (and no slower if they were not). Fewer buckets than pairs
        // keep `starts` small enough to stay in cache.
        let bits = (pairs.len().max(4).ilog2() - 1).min(20);
        let bucket = |h: u64| (h >> (64 - bits)) as usize;
        let mut starts = vec![0u32; (1 << bits) + 1];
        for &(h, _) in &pairs {
            starts[bucket(h) + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut sorted = vec![(0, 0); pairs.len()];
        let mut next = starts.clone();
        for &(h, i) in &pairs {
            let b = bucket(h);
            sorted[next[b] as usize] = (h, i);
            next[b] += 1;
        }
        for b in starts.windows(2) {
            sorted[b[0] as usize..b[1] as usize].sort_unstable();
        }
        Deletes { pairs: sorted, starts, bits }
    }

    /// Positions of the words `h` came from (or, rarely, that collide with it).
    fn positions(&self, h: u64) -> impl Iterator<Item = u32> + '_ {
        let b = (h >> (64 - self.bits)) as usize;
        let run = &self.pairs[self.starts[b] as usize..self.starts[b + 1] as usize];
        let start = run.partition_point(|&(x, _)| x < h);
        run[start..].iter().take_while(move |&&(x, _)| x == h).map(|&(_, i)| i)
    }
}

fn hash(s: &[u8]) -> u64 {
    fnv1a_64(0x5e11, s)
}

/// Calls `f` on `word` and on each string made by deleting one of its letters.
fn with_deletes(word: &[u8], mut f: impl FnMut(&[u8])) {
    f(word);
    let mut buf = Vec::with_capacity(word.len());
    for i in 0..word.len() {
        if i > 0 && word[i] == word[i - 1] {
            continue; // deleting either of a doubled letter gives the same string
        }
        buf.clear();
        buf.extend_from_slice(&word[..i]);
        buf.extend_from_slice(&word[i + 1..]);
        f(&buf);
    }
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions), stopping
/// early once it must exceed `limit`.
fn distance(a: &[u8], b: &[u8], limit: usize) -> usize {
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, cell) in d[..w].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > limit {
            return limit + 1;
        }
    }
    d[a.len() * w + b.len()]
}

impl Speller {
    pub fn from_record(r: SpellingRecord) -> Result<Speller, PackError> {
        let bad = |what: String| Err(PackError::Invalid(format!("spelling vocabulary: {what}")));
        let n = r.suffixes.len();
        if n > MAX_WORDS {
            return bad(format!("{n} words, more than {MAX_WORDS}"));
        }
        if r.shared.len() != n || r.commonness.len() != n {
            return bad("its columns differ in length".into());
        }
        let mut words = StringTable::with_capacity(n);
        front_coding::decode(&r.shared, &r.suffixes, |i, word| {
            if word.is_empty() || word.len() > 4 * MAX_WORD_CHARS || word.contains(' ') {
                return Err(format!("word {i} ({word:?}) is not a normalised word"));
            }
            match words.insert(word) {
                Ok(_) => Ok(()),
                Err(_) => Err(format!("{word:?} appears twice")),
            }
        })
        .map_err(|what| PackError::Invalid(format!("spelling vocabulary: {what}")))?;
        Ok(Speller(Arc::new(Vocabulary { words, commonness: r.commonness, deletes: OnceLock::new() })))
    }

    pub fn is_empty(&self) -> bool {
        self.0.words.is_empty()
    }

    /// Whether `word` (lower case) is a title word of the vocabulary (needs no deletion
    /// table).
    pub fn knows(&self, word: &str) -> bool {
        self.0.words.position(word).is_some()
    }

    /// The vocabulary word `word` (lower-case ASCII) was most likely meant to be, if `word`
    /// is not one itself and one is close enough.
    pub fn correct(&self, word: &str) -> Option<&str> {
        let n = word.len();
        let v = &*self.0;
        if v.words.is_empty() || !(MIN_WORD_CHARS..=MAX_WORD_CHARS).contains(&n) || !word.bytes().all(|b| b.is_ascii_lowercase()) || self.knows(word) {
            return None;
        }
        let limit = if n >= TWO_EDITS_FROM { 2 } else { 1 };
        // Fewest edits first, then the commonest word, then the first in byte order.
        let mut best: Option<(usize, u8, u32)> = None;
        let mut seen = HashSet::new();
        let deletes = v.deletes.get_or_init(|| Deletes::build(v));
        with_deletes(word.as_bytes(), |d| {
            for r in deletes.positions(hash(d)) {
                if !seen.insert(r) {
                    continue;
                }
                let cand = v.words.get(r as usize).as_bytes();
                let dist = distance(word.as_bytes(), cand, limit);
                let key = (dist, u8::MAX - v.commonness[r as usize], r);
                if dist <= limit && cand.len() >= MIN_WORD_CHARS && best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
        });
        best.map(|(_, _, r)| v.words.get(r as usize))
    }

    /// `title` with each misspelt word replaced by its correction, or `None` when nothing
    /// changes (the common case: no allocation).
    pub fn correct_title(&self, title: &str) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let mut out: Option<String> = None;
        let mut copied = 0; // bytes of `title` already in `out`
        let mut lower = String::new();
        let bytes = title.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_alphabetic() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            // A word glued to other characters (digits, non-ASCII letters, apostrophes) is
            // not corrected: it may be a code, a name or a possessive.
            let glued = |j: usize| j < bytes.len() && (bytes[j] >= 0x80 || bytes[j] == b'\'');
            if glued(i) || (start > 0 && (bytes[start - 1] >= 0x80 || bytes[start - 1] == b'\'')) {
                continue;
            }
            let word = &title[start..i];
            if word.len() < MIN_WORD_CHARS || word.bytes().any(|b| b.is_ascii_digit()) {
                continue;
            }
            lower.clear();
            lower.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            if let Some(fix) = self.correct(&lower) {
                let o = out.get_or_insert_with(|| String::with_capacity(title.len() + 8));
                o.push_str(&title[copied..start]);
                o.push_str(fix);
                copied = i;
            }
        }
        out.map(|mut o| {
            o.push_str(&title[copied..]);
            o
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speller() -> Speller {
        let words = ["accountant", "engineer", "network", "traffic", "controller", "jeweller", "chief", "executive", "physio", "teacher", "nurse", "courier", "cook", "pastry", "nurses"];
        Speller::from_record(SpellingRecord::from_counts(words.iter().map(|w| (w.to_string(), if *w == "nurses" { 1 } else { 40 })).collect())).unwrap()
    }

    #[test]
    fn corrects_slips_within_the_edit_limit() {
        let s = speller();
        assert_eq!(s.correct("acountant"), Some("accountant"), "a dropped letter");
        assert_eq!(s.correct("netwrok"), Some("network"), "a transposition");
        assert_eq!(s.correct("cheif"), Some("chief"));
        assert_eq!(s.correct("phsyio"), Some("physio"));
        assert_eq!(s.correct("trafic"), Some("traffic"));
        assert_eq!(s.correct("jewler"), None, "two edits in a six-letter word is too far");
        assert_eq!(s.correct("teacher"), None, "known words stay");
        assert_eq!(s.correct("plumber"), None, "nothing close");
        assert_eq!(s.correct("nursez"), Some("nurse"), "one edit from 'nurse' and from 'nurses': the commoner wins");
        assert_eq!(s.correct("nursess"), Some("nurses"), "one edit beats two");
        assert_eq!(s.correct("cok"), None, "too short to correct");
    }

    #[test]
    fn corrects_titles_in_place_and_leaves_the_rest() {
        let s = speller();
        assert_eq!(s.correct_title("Netwrok Engineer"), Some("network Engineer".to_string()));
        assert_eq!(s.correct_title("cheif executive (acountant)"), Some("chief executive (accountant)".to_string()));
        assert_eq!(s.correct_title("network engineer"), None);
        assert_eq!(s.correct_title("trafic2 controller"), None, "words with digits are codes");
        assert_eq!(s.correct_title("José's cheif"), Some("José's chief".to_string()));
        assert_eq!(s.correct_title(""), None);
    }

    #[test]
    fn hostile_records_are_refused() {
        let good = || SpellingRecord::from_counts(vec![("baker".into(), 3), ("bakery".into(), 1)]);
        assert!(Speller::from_record(good()).is_ok());
        let mut r = good();
        r.shared[0] = 3;
        assert!(Speller::from_record(r).is_err(), "prefix longer than the previous word");
        let mut r = good();
        r.commonness.pop();
        assert!(Speller::from_record(r).is_err(), "ragged columns");
        let mut r = good();
        r.suffixes[1] = "r".into();
        r.shared[1] = 4;
        assert!(Speller::from_record(r).is_err(), "a word twice");
    }

    /// The deletion table as it was built at load before it was built lazily (a hash map of
    /// vectors), with the same lookup: the reference the lazy table must agree with.
    struct Eager {
        words: Vec<String>,
        commonness: Vec<u8>,
        deletes: std::collections::HashMap<u64, Vec<u32>>,
    }

    impl Eager {
        fn new(r: &SpellingRecord) -> Eager {
            let mut words = Vec::new();
            let mut deletes: std::collections::HashMap<u64, Vec<u32>> = Default::default();
            front_coding::decode(&r.shared, &r.suffixes, |i, word| {
                if word.is_ascii() && (MIN_WORD_CHARS - 1..=MAX_WORD_CHARS + 2).contains(&word.len()) {
                    with_deletes(word.as_bytes(), |d| deletes.entry(hash(d)).or_default().push(i as u32));
                }
                words.push(word.to_string());
                Ok(())
            })
            .unwrap();
            Eager { words, commonness: r.commonness.clone(), deletes }
        }

        fn correct(&self, word: &str) -> Option<&str> {
            let n = word.len();
            if !(MIN_WORD_CHARS..=MAX_WORD_CHARS).contains(&n) || !word.bytes().all(|b| b.is_ascii_lowercase()) || self.words.iter().any(|w| w == word) {
                return None;
            }
            let limit = if n >= TWO_EDITS_FROM { 2 } else { 1 };
            let mut best: Option<(usize, u8, u32)> = None;
            let mut seen = HashSet::new();
            with_deletes(word.as_bytes(), |d| {
                for &r in self.deletes.get(&hash(d)).map_or(&[][..], Vec::as_slice) {
                    if !seen.insert(r) {
                        continue;
                    }
                    let cand = self.words[r as usize].as_bytes();
                    let dist = distance(word.as_bytes(), cand, limit);
                    let key = (dist, u8::MAX - self.commonness[r as usize], r);
                    if dist <= limit && cand.len() >= MIN_WORD_CHARS && best.is_none_or(|b| key < b) {
                        best = Some(key);
                    }
                }
            });
            best.map(|(_, _, r)| self.words[r as usize].as_str())
        }
    }

    /// Every word one edit (deletion, transposition, substitution, insertion) from `word`,
    /// with letters from `letters` (those that are still UTF-8).
    fn one_edit(word: &str, letters: &str) -> Vec<String> {
        let w = word.as_bytes();
        let mut out = Vec::new();
        for i in 0..=w.len() {
            for c in letters.bytes() {
                out.push([&w[..i], &[c], &w[i..]].concat());
                if i < w.len() {
                    out.push([&w[..i], &[c], &w[i + 1..]].concat());
                }
            }
            if i < w.len() {
                out.push([&w[..i], &w[i + 1..]].concat());
            }
            if i + 1 < w.len() {
                out.push([&w[..i], &[w[i + 1], w[i]], &w[i + 2..]].concat());
            }
        }
        out.into_iter().filter_map(|b| String::from_utf8(b).ok()).collect()
    }

    #[test]
    fn the_lazy_table_corrects_as_the_eager_one_did_from_clones_and_threads() {
        let words = [
            "accountant", "engineer", "network", "traffic", "controller", "jeweller", "chief", "executive", "physio", "teacher", "nurse", "courier", "cook",
            "pastry", "nurses", "currier", "baker", "bakery", "banker", "barker", "café", "manager", "managers", "tiler", "toiler", "ab", "abc", "abcdefghijklmnopqrstuvwxyzab",
        ];
        let record = SpellingRecord::from_counts(words.iter().enumerate().map(|(i, w)| (w.to_string(), 1 + i * 37 % 11)).collect());
        let eager = Eager::new(&record);
        let mut typed: Vec<String> = words.iter().flat_map(|w| one_edit(w, "aeinorstx")).collect();
        typed.extend(words.iter().filter(|w| w.len() >= TWO_EDITS_FROM).flat_map(|w| one_edit(w, "et")).flat_map(|w| one_edit(&w, "r")));
        typed.extend(words.iter().map(|w| w.to_string()));
        let expected: Vec<Option<&str>> = typed.iter().map(|w| eager.correct(w)).collect();
        let fixed = expected.iter().filter(|e| e.is_some()).count();
        assert!(fixed > typed.len() / 5, "the check compares many corrections, not only misses: {fixed} of {}", typed.len());

        let speller = Speller::from_record(record).unwrap();
        assert!(speller.0.deletes.get().is_none(), "loading does not build the table");
        assert!(speller.knows("bakery") && !speller.knows("bakerz") && !speller.knows(""));
        assert!(speller.0.deletes.get().is_none(), "knowing a word does not need the table");
        let clone = speller.clone();
        std::thread::scope(|scope| {
            for t in 0..4 {
                let (s, typed, expected) = (if t % 2 == 0 { &speller } else { &clone }, &typed, &expected);
                scope.spawn(move || {
                    for (w, e) in typed.iter().zip(expected).skip(t) {
                        assert_eq!(s.correct(w), *e, "{w:?}");
                    }
                });
            }
        });
        assert!(std::ptr::eq(speller.0.deletes.get().unwrap(), clone.0.deletes.get().unwrap()), "a clone shares the table, built once");
    }

    #[test]
    fn a_speller_is_shared_across_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Speller>();
    }

    #[test]
    fn distance_counts_transpositions_once() {
        assert_eq!(distance(b"netwrok", b"network", 2), 1);
        assert_eq!(distance(b"courier", b"currier", 2), 2);
        assert_eq!(distance(b"abc", b"xyzabc", 2), 3);
    }
}
