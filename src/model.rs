//! Step 3 of the data path: features -> calibrated conditional probabilities per tree node.

use crate::error::PackError;
use crate::features::Features;
use crate::pack::{ClassifierRecord, PackPayload};
use crate::tree::Tree;

/// Anything that can give P(child | node, text) for every child of a node, in child order.
/// The quantised runtime model implements it; so does the trainer's float model, so both are
/// decoded and evaluated by the same code.
///
/// Scoring is two explicit steps: [`NodeScorer::prepare`] does the per-text work once (the
/// quantised model looks every feature up once and accumulates the decision values of all
/// nodes), then [`NodeScorer::child_probabilities`] is cheap for each node the decoder visits.
/// A [`NodeScorer::Prepared`] borrows the text and the caller's scratch, so it cannot outlive
/// them or be mixed up with another text's.
pub trait NodeScorer {
    /// A text ready for scoring, made by [`NodeScorer::prepare`].
    type Prepared<'a>
    where
        Self: 'a;
    /// Caller-owned working memory for [`NodeScorer::prepare`], reusable across texts (so
    /// preparing a text need not allocate).
    type Scratch: Default;
    fn tree(&self) -> &Tree;
    /// The per-text step: everything [`NodeScorer::child_probabilities`] needs from `x`.
    fn prepare<'a>(&'a self, x: &'a Features, scratch: &'a mut Self::Scratch) -> Self::Prepared<'a>;
    /// Writes one probability per child of `node` into `out` (cleared first).
    fn child_probabilities(&self, node: usize, x: &Self::Prepared<'_>, out: &mut Vec<f32>);
    /// A hint that a search of the tree below `node` follows (a beam search), so a scorer may
    /// score that part of the tree in one go. Changes no result; does nothing by default.
    fn will_search(&self, node: usize, x: &Self::Prepared<'_>) {
        let _ = (node, x);
    }
}

/// One node's classifier on its own (see [`ClassifierRecord`]): the layout before the global
/// table, kept as the reference the tests compare [`QuantisedModel`] against.
#[cfg(test)]
#[derive(Clone, Debug)]
struct QuantisedClassifier {
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

/// Where `id` may sit in `entries`, through a directory made by [`build_directory`]: the
/// range of the entries whose ids share its directory slot (empty past the directory's end).
#[inline]
fn directory_range(dir: &[u32], shift: u32, id: u32) -> (usize, usize) {
    let r = (u64::from(id) >> shift) as usize;
    match (dir.get(r), dir.get(r + 1)) {
        (Some(&a), Some(&b)) => (a as usize, b as usize),
        _ => (0, 0),
    }
}

/// Position of `id` in `range` of `entries` (`[id, ...]` rows sorted by id), a range from
/// [`directory_range`]: one or two probes.
#[inline]
fn find_in_range(entries: &[[u32; 2]], (a, b): (usize, usize), id: u32) -> Option<usize> {
    entries[a..b].iter().position(|e| e[0] == id).map(|p| a + p)
}

/// Position of `id` in `entries` through its directory.
#[inline]
fn find_in_directory(dir: &[u32], shift: u32, entries: &[[u32; 2]], id: u32) -> Option<usize> {
    find_in_range(entries, directory_range(dir, shift, id), id)
}

#[cfg(test)]
impl QuantisedClassifier {
    /// Position of `id` in `entries`, if this classifier stores it.
    fn find(&self, id: u32) -> Option<usize> {
        find_in_directory(&self.dir, self.dir_shift, &self.entries, id)
    }

    /// The per-node layout of one record (checked as the loader checks it).
    #[cfg(test)]
    fn from_record(r: &ClassifierRecord, n_children: usize, buckets: u32) -> Result<Self, PackError> {
        check_record(r, n_children, buckets)?;
        let ids: Vec<u32> = record_ids(r).collect();
        let mut row_starts = vec![0u32];
        for &len in &r.row_lens {
            row_starts.push(row_starts.last().unwrap() + u32::from(len));
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

    /// Raw decision values, one per child, looked up per node.
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
}

/// Checks one classifier record against its node and the bucket count; every way a record
/// can be damaged is an error here, so building the table from it cannot fail or panic.
fn check_record(r: &ClassifierRecord, n_children: usize, buckets: u32) -> Result<(), PackError> {
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
    let mut id: u64 = 0;
    let mut cells: u64 = 0;
    for (k, (&d, &len)) in r.id_deltas.iter().zip(&r.row_lens).enumerate() {
        if k > 0 && d == 0 {
            return Err(bad("feature ids are not strictly increasing".into()));
        }
        id += u64::from(d);
        if id >= u64::from(buckets) {
            return Err(bad(format!("feature id {id} is outside the {buckets} buckets")));
        }
        cells += u64::from(len);
        if cells > r.children.len() as u64 {
            return Err(bad("row lengths run past the stored weights".into()));
        }
    }
    if cells != r.children.len() as u64 {
        return Err(bad("row lengths do not cover the stored weights".into()));
    }
    if let Some(&c) = r.children.iter().find(|&&c| usize::from(c) >= n_children) {
        return Err(bad(format!("child index {c} but the node has {n_children} children")));
    }
    Ok(())
}

/// The feature ids of a checked record, in order.
fn record_ids(r: &ClassifierRecord) -> impl Iterator<Item = u32> + '_ {
    r.id_deltas.iter().scan(0u32, |id, &d| {
        *id += d;
        Some(*id)
    })
}

/// Set of feature ids (below the bucket count) as a bitmap, with a count of the members
/// before each 64-bit word:
/// the union of many classifiers' ids in one pass, and each member's position in the sorted
/// union by a popcount (no sort, no search).
struct IdSet {
    bits: Vec<u64>,
    before: Vec<u32>,
}

impl IdSet {
    fn new(bound: u32) -> Self {
        IdSet { bits: vec![0; (bound as usize).div_ceil(64)], before: Vec::new() }
    }
    fn insert(&mut self, id: u32) {
        self.bits[(id >> 6) as usize] |= 1 << (id & 63);
    }
    /// Fixes the set; returns its ids in increasing order.
    fn seal(&mut self) -> Vec<u32> {
        let mut ids = Vec::new();
        self.before = Vec::with_capacity(self.bits.len());
        for (w, &word) in self.bits.iter().enumerate() {
            self.before.push(ids.len() as u32);
            let mut rest = word;
            while rest != 0 {
                ids.push((w as u32) << 6 | rest.trailing_zeros());
                rest &= rest - 1;
            }
        }
        ids
    }
    /// Position of `id` (which must be in the set) in the sorted ids.
    fn rank(&self, id: u32) -> usize {
        let below = self.bits[(id >> 6) as usize] & ((1u64 << (id & 63)) - 1);
        self.before[(id >> 6) as usize] as usize + below.count_ones() as usize
    }
}

/// Softmax of `values * temperature`, in place.
pub fn softmax_in_place(values: &mut [f32], temperature: f32) {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in values.iter_mut() {
        *v = libm::expf((*v - max) * temperature);
        sum += *v;
    }
    for v in values.iter_mut() {
        *v /= sum;
    }
}

/// The runtime model: the tree and all nodes' quantised classifiers in one feature-major
/// table, its rows divided by *block* of classifiers.
///
/// Every child of a node with a classifier is a *slot*: node `n`'s children are the slots
/// `slot_start[c]..slot_start[c] + children` of its classifier `c`. One feature-major table
/// maps each stored feature id to one row of (slot, weight) cells over every classifier, so a
/// text's features are looked up once and their weighted values scattered into a dense
/// accumulator of all slots; a node's decision values are then its slot range of the
/// accumulator times its scale plus its biases.
///
/// Classifiers come in *blocks*. Block 0 holds the classifiers every text needs (the root's,
/// the major and sub-major groups'); each other block holds one minor group's classifiers (its
/// own and its unit groups'). A row keeps its cells block by block, with an index of the
/// blocks it has cells in. Block 0 is scored when a text is prepared, any other block the first
/// time the decoder asks for one of its nodes: greedy decoding enters one minor group, so a
/// text adds up about a quarter of its cells. A text that asks for more than [`LAZY_BLOCKS`]
/// blocks has everything outside block 0 scored afresh in one pass, and so has a beam search
/// from above the minor groups at its first block (see [`NodeScorer::will_search`]). Each slot
/// receives the same additions in the same (feature) order either way, so scores are identical.
///
/// Slots are numbered block by block (block 0 first), so a block's part of the accumulator is
/// one stretch, cleared just before the block is scored: a text clears only what it uses.
#[derive(Clone, Debug)]
pub struct QuantisedModel {
    tree: Tree,
    /// Index into the per-classifier vectors per node, `u32::MAX` when the node has at most one
    /// child.
    classifier_of: Vec<u32>,
    /// Per classifier: first slot, scale, softmax temperature, block.
    slot_start: Vec<u32>,
    scale: Vec<f32>,
    temperature: Vec<f32>,
    block_of: Vec<u32>,
    /// Per slot: the bias of that child.
    bias: Vec<f32>,
    table: Table,
    /// Per block, its first slot, plus the number of slots: block `b`'s slots are
    /// `block_slots[b]..block_slots[b + 1]`.
    block_slots: Vec<u32>,
    nnz: usize,
}

/// The feature-major table of every classifier's weights (see [`QuantisedModel`]).
///
/// Row layout, in `words` from a feature's row start: the number of block-0 cells `n0`, the
/// number `m` of other blocks the row has cells in, the `n0` block-0 cells, then `m` index
/// words `block << 16 | end` (blocks increasing; `end` is where that block's cells stop,
/// counted from the end of the index), then the other blocks' cells in block order. Every
/// text reads the block-0 cells, so they come first, in the cache lines the lookup fetched;
/// the index sits next to the cells it points into.
#[derive(Clone, Debug, Default)]
struct Table {
    /// Per stored feature, `[id, row start | ROOT_FLAG]`, ids strictly increasing. `ROOT_FLAG`
    /// marks features the root's classifier stores (what [`QuantisedModel::recognises`] asks).
    entries: Vec<[u32; 2]>,
    /// Rows one after another (see above); a cell is `slot << 8 | weight as u8`.
    words: Vec<u32>,
    /// Lookup directory over `entries` (as [`QuantisedClassifier::dir`]).
    dir: Vec<u32>,
    dir_shift: u32,
}

const ROOT_FLAG: u32 = 1 << 31;
const ROW_MASK: u32 = !ROOT_FLAG;
/// Slots must fit in the 24 bits above a cell's weight.
const MAX_SLOTS: usize = 1 << 24;
/// A row's block index packs a block number and a cell count into 16 bits each.
const MAX_INDEXED: usize = 1 << 16;
/// Classifiers of nodes at most this deep (root 0, major groups 1, sub-major groups 2) make
/// up block 0; deeper ones are grouped by their ancestor one level further down.
const SHARED_DEPTH: u8 = 2;
/// Blocks a text scores one by one (block 0 included) before the rest are scored in one
/// pass over every row: greedy decoding needs two, a beam across groups nearly always many
/// more (a third block scored alone was almost always scored again).
const LAZY_BLOCKS: usize = 2;

/// A feature of a text found in the table: where its row starts, and the feature's value.
#[derive(Clone, Copy, Debug)]
struct Found {
    row: usize,
    value: f32,
}

impl Table {
    /// Builds the table of the checked `records`, whose stored ids are `ids` (increasing;
    /// `ranks[c]` holds the position in `ids` of each row of record `c`). `members[b]` lists
    /// block `b`'s records (increasing); `slot_start` gives each record's first slot.
    fn build(
        records: &[ClassifierRecord],
        ids: &[u32],
        ranks: &[Vec<u32>],
        members: &[Vec<usize>],
        slot_start: &[u32],
        root: u32,
        buckets: u32,
    ) -> Result<Self, PackError> {
        let n = ids.len();
        if members.len() > MAX_INDEXED {
            return Err(PackError::Invalid(format!("{} groups of classifiers, more than {MAX_INDEXED}", members.len())));
        }
        // Per feature: block-0 cells, other blocks it has cells in, other cells.
        let (mut n0, mut m, mut other) = (vec![0u32; n], vec![0u32; n], vec![0u32; n]);
        let mut last_block = vec![u32::MAX; n];
        let mut flags = vec![0u32; n];
        for (b, member) in members.iter().enumerate() {
            for &ci in member {
                for (&g, &len) in ranks[ci].iter().zip(&records[ci].row_lens) {
                    let g = g as usize;
                    if ci as u32 == root {
                        flags[g] = ROOT_FLAG;
                    }
                    if b == 0 {
                        n0[g] += u32::from(len);
                    } else {
                        if last_block[g] != b as u32 {
                            last_block[g] = b as u32;
                            m[g] += 1;
                        }
                        other[g] += u32::from(len);
                    }
                }
            }
        }
        if let Some(g) = (0..n).find(|&g| other[g] as usize >= MAX_INDEXED) {
            return Err(PackError::Invalid(format!("feature {} has {} weights outside the top of the tree, more than {}", ids[g], other[g], MAX_INDEXED - 1)));
        }
        let mut start = Vec::with_capacity(n + 1);
        let mut total = 0usize;
        for g in 0..n {
            start.push(total);
            total += 2 + (m[g] + n0[g] + other[g]) as usize;
        }
        if total > ROW_MASK as usize {
            return Err(PackError::Invalid(format!("{total} table words, too many")));
        }
        let mut words = vec![0u32; total];
        // Where each row's next block-0 cell, next index word and next other cell go.
        let mut fill0: Vec<usize> = (0..n).map(|g| start[g] + 2).collect();
        let mut fill_index: Vec<usize> = (0..n).map(|g| fill0[g] + n0[g] as usize).collect();
        let mut fill_other: Vec<usize> = (0..n).map(|g| fill_index[g] + m[g] as usize).collect();
        for g in 0..n {
            words[start[g]] = n0[g];
            words[start[g] + 1] = m[g];
        }
        last_block.fill(u32::MAX);
        for (b, member) in members.iter().enumerate() {
            for &ci in member {
                let r = &records[ci];
                let base = slot_start[ci];
                let mut a = 0usize;
                for (&g, &len) in ranks[ci].iter().zip(&r.row_lens) {
                    let g = g as usize;
                    let end = a + usize::from(len);
                    let fill = if b == 0 { &mut fill0[g] } else { &mut fill_other[g] };
                    for (&child, &w) in r.children[a..end].iter().zip(&r.weights[a..end]) {
                        words[*fill] = (base + u32::from(child)) << 8 | u32::from(w as u8);
                        *fill += 1;
                    }
                    if b > 0 {
                        if last_block[g] != b as u32 {
                            last_block[g] = b as u32;
                            fill_index[g] += 1;
                        }
                        let others_from = start[g] + 2 + (n0[g] + m[g]) as usize;
                        words[fill_index[g] - 1] = (b as u32) << 16 | (fill_other[g] - others_from) as u32;
                    }
                    a = end;
                }
            }
        }
        let (dir, dir_shift) = build_directory(ids, buckets);
        let entries = ids.iter().zip(&start).zip(&flags).map(|((&id, &s), &f)| [id, s as u32 | f]).collect();
        Ok(Table { entries, words, dir, dir_shift })
    }

    /// Position of `id` in `entries`, if a classifier stores it.
    #[inline]
    fn find(&self, id: u32) -> Option<usize> {
        find_in_directory(&self.dir, self.dir_shift, &self.entries, id)
    }

    /// Looks up every feature of `x`, keeping the rows found in `found` (in feature order);
    /// true when one is stored by the root's classifier.
    ///
    /// The table is megabytes and each lookup is a chain of three cache misses (directory,
    /// entry, row), which the CPU cannot overlap across features in one loop that branches on
    /// what it loads. So the lookup goes in passes over all features, each prefetching what
    /// the next pass reads: the misses of all features overlap.
    fn look_up(&self, x: &Features, found: &mut Vec<Found>, ranges: &mut Vec<(usize, usize)>) -> bool {
        for &id in &x.ids {
            prefetch(self.dir.as_ptr().wrapping_add((u64::from(id) >> self.dir_shift) as usize));
        }
        ranges.clear();
        for &id in &x.ids {
            let (a, b) = directory_range(&self.dir, self.dir_shift, id);
            prefetch(self.entries.as_ptr().wrapping_add(a));
            ranges.push((a, b));
        }
        found.clear();
        let mut recognised = false;
        for ((&id, &value), &(a, b)) in x.ids.iter().zip(&x.values).zip(ranges.iter()) {
            let Some(k) = find_in_range(&self.entries, (a, b), id) else { continue };
            let e = self.entries[k];
            recognised |= e[1] & ROOT_FLAG != 0;
            let row = (e[1] & ROW_MASK) as usize;
            prefetch(self.words.as_ptr().wrapping_add(row));
            found.push(Found { row, value });
        }
        recognised
    }

    /// Where a row's block-0 cells and its block index are (its other cells follow the
    /// index).
    #[inline]
    fn parts(&self, row: usize) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        let (n0, m) = (self.words[row] as usize, self.words[row + 1] as usize);
        (row + 2..row + 2 + n0, row + 2 + n0..row + 2 + n0 + m)
    }

    /// Adds the block-0 cells of the `found` rows into `acc`.
    fn add_top(&self, found: &[Found], acc: &mut [f32]) {
        for f in found {
            let (top, _) = self.parts(f.row);
            self.add_cells(&self.words[top], f.value, acc);
        }
    }

    /// Adds block `block`'s cells of the `found` rows into `acc` (`block` > 0).
    fn add_block(&self, found: &[Found], block: usize, acc: &mut [f32]) {
        let block = block as u32;
        for f in found {
            let (_, at) = self.parts(f.row);
            let index = &self.words[at.clone()];
            let k = index.partition_point(|&w| w >> 16 < block);
            if index.get(k).is_none_or(|&w| w >> 16 != block) {
                continue;
            }
            let begin = if k == 0 { 0 } else { (index[k - 1] & 0xFFFF) as usize };
            let end = (index[k] & 0xFFFF) as usize;
            self.add_cells(&self.words[at.end + begin..at.end + end], f.value, acc);
        }
    }

    /// Adds every cell outside block 0 of the `found` rows into `acc`.
    fn add_rest(&self, found: &[Found], acc: &mut [f32]) {
        for f in found {
            let (_, at) = self.parts(f.row);
            let Some(&last) = self.words[at.clone()].last() else { continue };
            let len = (last & 0xFFFF) as usize;
            self.add_cells(&self.words[at.end..at.end + len], f.value, acc);
        }
    }

    #[inline]
    fn add_cells(&self, cells: &[u32], value: f32, acc: &mut [f32]) {
        for &cell in cells {
            acc[(cell >> 8) as usize] += value * f32::from(cell as u8 as i8);
        }
    }

    fn bytes(&self) -> usize {
        self.entries.len() * 8 + self.words.len() * 4 + self.dir.len() * 4
    }
}

/// Asks the CPU to start loading the cache line at `p`: a hint, with no effect on results.
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults, whatever the address.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Working memory of [`QuantisedModel::prepare`], reused from text to text: the accumulator
/// of every slot and which blocks it holds yet.
#[derive(Debug, Default)]
pub struct ScoreScratch {
    acc: Vec<f32>,
    scored: Vec<bool>,
    /// Blocks scored one by one so far (see [`LAZY_BLOCKS`]).
    lazily: usize,
    /// The text's features found in the table.
    found: Vec<Found>,
    /// Working memory of [`Table::look_up`].
    ranges: Vec<(usize, usize)>,
}

/// A text prepared by [`QuantisedModel`]: its features' rows in the table and the
/// accumulator, filled block by block as the decoder asks for nodes.
#[derive(Debug)]
pub struct PreparedText<'a> {
    scratch: std::cell::RefCell<&'a mut ScoreScratch>,
    recognised: bool,
}

impl PreparedText<'_> {
    /// Whether any feature of the text is stored at the root (see
    /// [`QuantisedModel::recognises`]).
    pub fn recognised(&self) -> bool {
        self.recognised
    }
}

impl QuantisedModel {
    /// Checks every record, then builds the table straight from them.
    pub fn from_payload(payload: &PackPayload, buckets: u32) -> Result<Self, PackError> {
        let tree = Tree::from_records(&payload.nodes)?;
        let records = &payload.classifiers;
        let mut classifier_of = vec![u32::MAX; tree.nodes.len()];
        for (ci, r) in records.iter().enumerate() {
            let node = r.node as usize;
            let n_children = tree.nodes.get(node).map(|n| n.children.len()).ok_or_else(|| {
                PackError::Invalid(format!("classifier for node {node}, but the tree has {} nodes", tree.nodes.len()))
            })?;
            if classifier_of[node] != u32::MAX {
                return Err(PackError::Invalid(format!("node {node} has two classifiers")));
            }
            check_record(r, n_children, buckets)?;
            classifier_of[node] = ci as u32;
        }
        for (i, n) in tree.nodes.iter().enumerate() {
            if n.children.len() > 1 && classifier_of[i] == u32::MAX {
                return Err(PackError::Invalid(format!("node {i} ({}) has {} children but no classifier", n.code, n.children.len())));
            }
        }
        let n_slots: usize = records.iter().map(|r| r.bias.len()).sum();
        if n_slots > MAX_SLOTS {
            return Err(PackError::Invalid(format!("{n_slots} classifier outputs, more than {MAX_SLOTS}")));
        }
        let n_cells: usize = records.iter().map(|r| r.children.len()).sum();
        if n_cells > ROW_MASK as usize {
            return Err(PackError::Invalid(format!("{n_cells} weights, too many")));
        }
        // Blocks: 0 for the shared top, then one per group at SHARED_DEPTH + 1, numbered in
        // the order their first classifier comes.
        let mut block_of_group = vec![u32::MAX; tree.nodes.len()];
        let mut members: Vec<Vec<usize>> = vec![Vec::new()];
        let mut block_of = Vec::with_capacity(records.len());
        for (ci, r) in records.iter().enumerate() {
            let mut group = r.node as usize;
            let b = if tree.nodes[group].depth <= SHARED_DEPTH {
                0
            } else {
                while tree.nodes[group].depth > SHARED_DEPTH + 1 {
                    group = tree.nodes[group].parent;
                }
                if block_of_group[group] == u32::MAX {
                    block_of_group[group] = members.len() as u32;
                    members.push(Vec::new());
                }
                block_of_group[group]
            };
            members[b as usize].push(ci);
            block_of.push(b);
        }
        // Slots block by block, each block's classifiers in record order.
        let mut slot_start = vec![0u32; records.len()];
        let mut bias = Vec::with_capacity(n_slots);
        let mut block_slots = Vec::with_capacity(members.len() + 1);
        for m in &members {
            block_slots.push(bias.len() as u32);
            for &ci in m {
                slot_start[ci] = bias.len() as u32;
                bias.extend_from_slice(&records[ci].bias);
            }
        }
        block_slots.push(bias.len() as u32);
        // Every stored id once, in order, and each row's position among them.
        let mut id_set = IdSet::new(buckets);
        for r in records {
            record_ids(r).for_each(|id| id_set.insert(id));
        }
        let ids = id_set.seal();
        let ranks: Vec<Vec<u32>> = records.iter().map(|r| record_ids(r).map(|id| id_set.rank(id) as u32).collect()).collect();
        let table = Table::build(records, &ids, &ranks, &members, &slot_start, classifier_of[Tree::ROOT], buckets)?;
        Ok(QuantisedModel {
            tree,
            classifier_of,
            slot_start,
            scale: records.iter().map(|r| r.scale).collect(),
            temperature: records.iter().map(|r| r.temperature).collect(),
            block_of,
            bias,
            table,
            block_slots,
            nnz: n_cells,
        })
    }

    /// The accumulator stretch of block `b`'s classifiers.
    fn slots_of(&self, b: usize) -> std::ops::Range<usize> {
        self.block_slots[b] as usize..self.block_slots[b + 1] as usize
    }

    /// Number of slots (children of nodes with a classifier): the accumulator length.
    pub fn slots(&self) -> usize {
        self.bias.len()
    }

    /// False when no feature of `x` carries any weight at the root: the text has no word the
    /// model knows, so any answer would be a guess. (Coding reads the same fact from
    /// [`PreparedText::recognised`], found in the same pass as the first scores.)
    pub fn recognises(&self, x: &Features) -> bool {
        if self.classifier_of[Tree::ROOT] == u32::MAX {
            return true;
        }
        let t = &self.table;
        x.ids.iter().any(|&id| t.find(id).is_some_and(|k| t.entries[k][1] & ROOT_FLAG != 0))
    }

    /// Total stored weights across all nodes.
    pub fn nnz(&self) -> usize {
        self.nnz
    }

    /// Rough heap bytes of the scoring tables (not the tree).
    pub fn table_bytes(&self) -> usize {
        self.table.bytes()
            + self.bias.len() * 4
            + self.slot_start.len() * 16
            + self.block_slots.len() * 4
            + self.classifier_of.len() * 4
    }
}

impl NodeScorer for QuantisedModel {
    type Prepared<'a> = PreparedText<'a>;
    type Scratch = ScoreScratch;

    fn tree(&self) -> &Tree {
        &self.tree
    }

    fn prepare<'a>(&'a self, x: &'a Features, scratch: &'a mut ScoreScratch) -> PreparedText<'a> {
        // Only scored blocks' slots are ever read, and each is cleared when scored.
        scratch.acc.resize(self.bias.len(), 0.0);
        scratch.acc[self.slots_of(0)].fill(0.0);
        scratch.scored.clear();
        scratch.scored.resize(self.block_slots.len() - 1, false);
        scratch.scored[0] = true;
        scratch.lazily = 1;
        let recognised = self.table.look_up(x, &mut scratch.found, &mut scratch.ranges);
        self.table.add_top(&scratch.found, &mut scratch.acc);
        PreparedText {
            scratch: std::cell::RefCell::new(scratch),
            recognised: recognised || self.classifier_of[Tree::ROOT] == u32::MAX,
        }
    }

    fn child_probabilities(&self, node: usize, x: &PreparedText<'_>, out: &mut Vec<f32>) {
        out.clear();
        match self.classifier_of[node] {
            u32::MAX => out.resize(self.tree.nodes[node].children.len(), 1.0),
            c => {
                let c = c as usize;
                let mut guard = x.scratch.borrow_mut();
                let ScoreScratch { acc, scored, lazily, found, .. } = &mut **guard;
                let block = self.block_of[c] as usize;
                if !scored[block] {
                    if *lazily < LAZY_BLOCKS {
                        acc[self.slots_of(block)].fill(0.0);
                        self.table.add_block(found, block, acc);
                        scored[block] = true;
                        *lazily += 1;
                    } else {
                        // A search across many groups: one pass over every row's cells outside
                        // block 0 is cheaper than picking the blocks out one by one.
                        acc[self.slots_of(0).end..].fill(0.0);
                        self.table.add_rest(found, acc);
                        scored.fill(true);
                    }
                }
                let a = self.slot_start[c] as usize;
                let b = a + self.tree.nodes[node].children.len();
                let scale = self.scale[c];
                out.extend(acc[a..b].iter().zip(&self.bias[a..b]).map(|(&o, &b)| o * scale + b));
                softmax_in_place(out, self.temperature[c]);
            }
        }
    }

    /// A search from above the blocks' groups enters many of them (a beam from the root
    /// nearly always needs nine or ten): the first block it asks for has everything outside
    /// block 0 scored at once, rather than that block alone and then everything again.
    fn will_search(&self, node: usize, x: &PreparedText<'_>) {
        if self.tree.nodes[node].depth <= SHARED_DEPTH {
            let mut scratch = x.scratch.borrow_mut();
            scratch.lazily = scratch.lazily.max(LAZY_BLOCKS);
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

    /// The global table gives every node exactly the decision values (hence probabilities) of
    /// the per-node lookup, and the same `recognises`, on thousands of varied texts with the
    /// real packs.
    #[test]
    fn global_table_matches_per_node_lookup_on_real_packs() {
        use crate::features::featurise;
        use crate::pack::read_pack;
        const WORDS: &[&str] = &[
            "registered", "nurse", "caring", "for", "elderly", "residents", "aged", "care", "brickie", "laying", "bricks",
            "cleaner", "offices", "night", "software", "engineer", "writing", "code", "web", "teacher", "primary", "school",
            "truck", "driver", "semi", "trailer", "accountant", "tax", "returns", "retail", "assistant", "electrition",
            "wiring", "chef", "menus", "kitchen", "farm", "hand", "livestock", "receptionist", "phones", "plumber", "pipes",
            "project", "manager", "budgets", "barista", "coffee", "mechanic", "cars", "police", "officer", "hairdresser",
            "hair", "warehouse", "forklift", "sql", "python", "welder", "steel", "lawyer", "contracts", "payroll", "xyzzy",
            "qwrtp", "supervising", "team", "of", "ten", "midwife", "baker", "cakes", "a", "the", "and", "Größe", "café",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for name in ["osca2024", "anzsco2022"] {
            let path = format!("{}/www/models/{name}.ocpk", env!("CARGO_MANIFEST_DIR"));
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let (header, payload) = read_pack(&bytes).expect("pack reads");
            let buckets = header.features.buckets;
            let model = QuantisedModel::from_payload(&payload, buckets).expect("pack loads");
            let reference: Vec<(usize, QuantisedClassifier)> = payload
                .classifiers
                .iter()
                .map(|r| {
                    let n = model.tree.nodes[r.node as usize].children.len();
                    (r.node as usize, QuantisedClassifier::from_record(r, n, buckets).unwrap())
                })
                .collect();
            let mut scratch = ScoreScratch::default();
            let (mut old, mut new) = (Vec::new(), Vec::new());
            let (mut compared, mut exact, mut worst) = (0usize, 0usize, 0f64);
            for t in 0..3000 {
                let mut pick = |n: u64| -> String {
                    (0..1 + next() % n).map(|_| WORDS[(next() % WORDS.len() as u64) as usize]).collect::<Vec<_>>().join(" ")
                };
                let title = pick(4);
                let tasks = if t % 5 == 0 { String::new() } else { pick(14) };
                let x = featurise(&header.features, &title, &tasks);
                let prepared = model.prepare(&x, &mut scratch);
                let root_hits = reference.iter().find(|(n, _)| *n == Tree::ROOT).map_or(1, |(_, c)| c.decision_values(&x, &mut old));
                assert_eq!(prepared.recognised(), root_hits > 0, "{name}: {title} / {tasks}");
                assert_eq!(model.recognises(&x), root_hits > 0);
                for (node, clf) in &reference {
                    clf.decision_values(&x, &mut old);
                    let mut probs_old = old.clone();
                    softmax_in_place(&mut probs_old, clf.temperature);
                    model.child_probabilities(*node, &prepared, &mut new);
                    assert_eq!(probs_old.len(), new.len());
                    for (a, b) in probs_old.iter().zip(&new) {
                        compared += 1;
                        if a.to_bits() == b.to_bits() {
                            exact += 1;
                        }
                        let rel = f64::from((a - b).abs()) / f64::from(a.abs().max(1e-30));
                        worst = worst.max(rel);
                        assert!(rel <= 1e-6, "{name} node {node}: {a} vs {b} ({title} / {tasks})");
                    }
                }
                // Visited in record order, the first block outside block 0 is nearly always the
                // same one: a few nodes picked at random vary which block is scored alone, and
                // when the rest of the table is scored.
                let prepared = model.prepare(&x, &mut scratch);
                for _ in 0..3 {
                    let (node, clf) = &reference[(next() % reference.len() as u64) as usize];
                    clf.decision_values(&x, &mut old);
                    softmax_in_place(&mut old, clf.temperature);
                    model.child_probabilities(*node, &prepared, &mut new);
                    let bits = |v: &[f32]| v.iter().map(|p| p.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&old), bits(&new), "{name} node {node} ({title} / {tasks})");
                }
            }
            assert_eq!(exact, compared, "{name}: every probability bit-identical");
            let old_bytes: usize = reference.iter().map(|(_, c)| c.entries.len() * 8 + c.cells.len() * 2 + c.dir.len() * 4 + c.bias.len() * 4).sum();
            eprintln!("{name}: scoring tables {} bytes, per-node layout {old_bytes} bytes", model.table_bytes());
            eprintln!(
                "{name}: {} slots, {} weights, {} blocks; {compared} probabilities compared, {exact} bit-identical, worst relative difference {worst:e}",
                model.slots(),
                model.nnz(),
                model.block_slots.len() - 1
            );
            assert!(compared > 1_000_000);
        }
    }
}
