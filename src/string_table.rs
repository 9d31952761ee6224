//! A set of strings stored end to end in one buffer and found by hash, each known by its
//! position (the order it was added in).
//!
//! The coding index's keys and the spelling vocabulary hold tens of thousands of strings
//! each. A `HashMap<String, _>` of them costs an allocation per string to build, which made a
//! good part of loading a pack; this costs a few, and finds a string as fast.

use std::hash::{BuildHasher, RandomState};

#[derive(Clone, Debug, Default)]
pub struct StringTable {
    /// The strings end to end, in the order they were added.
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<usize>,
    /// Open addressing with linear probing: 0 for an empty slot, else 1 + a string's position
    /// in the low 32 bits and the top 32 bits of its hash in the high ones (so a probe
    /// compares strings only when their hashes agree). Its length is a power of two, more
    /// than twice the number of strings (or 0).
    slots: Vec<u64>,
    /// Keyed at random, as `HashMap`'s, so a hostile pack cannot choose strings that all
    /// probe the same slots.
    hasher: RandomState,
}

impl StringTable {
    /// An empty table with room for `n` strings before it grows.
    pub fn with_capacity(n: usize) -> StringTable {
        StringTable { ends: Vec::with_capacity(n), slots: vec![0; slots_for(n)], ..StringTable::default() }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The string at position `i` (panics if there is none, like indexing a slice).
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The position of `s`, if the table holds it.
    pub fn position(&self, s: &str) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        match self.find(s) {
            (_, _, 0) => None,
            (_, _, p) => Some(p as usize - 1),
        }
    }

    /// Adds `s` at the next position and returns it, or, if the table already holds `s`,
    /// returns its position as the error.
    pub fn insert(&mut self, s: &str) -> Result<usize, usize> {
        if slots_for(self.len() + 1) > self.slots.len() {
            self.grow();
        }
        match self.find(s) {
            (slot, tag, 0) => {
                self.text.push_str(s);
                self.ends.push(self.text.len());
                // Positions stay below u32::MAX: that many strings would not fit in memory.
                self.slots[slot] = tag | self.ends.len() as u64;
                Ok(self.ends.len() - 1)
            }
            (_, _, p) => Err(p as usize - 1),
        }
    }

    /// The slot holding `s`, or the empty slot where it would go; the tag of `s` (its hash's
    /// top bits, placed as in a slot); 1 + the position of `s`, or 0 if it is not held.
    fn find(&self, s: &str) -> (usize, u64, u32) {
        let hash = self.hasher.hash_one(s);
        let tag = hash & !u64::from(u32::MAX);
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            let content = self.slots[slot];
            let p = content as u32;
            if p == 0 || (content & !u64::from(u32::MAX) == tag && self.get(p as usize - 1) == s) {
                return (slot, tag, p);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Doubles the slots (at least) and puts every string back.
    fn grow(&mut self) {
        let n = self.len();
        self.slots = vec![0; slots_for((n + 1).max(2 * n))];
        for i in 0..n {
            let (slot, tag, _) = self.find(self.get(i));
            self.slots[slot] = tag | (i as u64 + 1);
        }
    }
}

/// Slots for `n` strings: a power of two more than twice `n`, so probes stay short.
fn slots_for(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (2 * n + 1).next_power_of_two()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_it_holds_by_position_and_refuses_a_second_copy() {
        for capacity in [0, 1, 3, 1000] {
            let mut t = StringTable::with_capacity(capacity);
            assert_eq!(t.position("nurse"), None);
            let words: Vec<String> = (0..500).map(|i| format!("w{i}")).chain(["".into(), "café".into()]).collect();
            for (i, w) in words.iter().enumerate() {
                assert_eq!(t.insert(w), Ok(i));
            }
            assert_eq!(t.len(), words.len());
            for (i, w) in words.iter().enumerate() {
                assert_eq!((t.position(w), t.get(i)), (Some(i), w.as_str()));
            }
            assert_eq!(t.insert("w7"), Err(7), "a second copy is refused with the first one's position");
            assert_eq!(t.len(), words.len(), "and not added");
            assert_eq!(t.position("w500"), None);
            assert_eq!(t.position("caf"), None);
        }
    }
}
