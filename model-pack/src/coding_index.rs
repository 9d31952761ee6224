//! The pack's coding index (see `occupation_coder::index`): titles that the training data
//! gives one code, and only one, whatever source they come from.
//!
//! A title enters the index when its title-only examples from the chosen tiers' sources all
//! have the same single code. A text those sources code differently, or that a crosswalk
//! leaves with several candidates, is left to the model; examples from other sources (a
//! crosswalk's guess, generated answers) do not vote.

use std::collections::HashMap;

use occupation_coder::index::{Entry, IndexRecord, MAX_KEY_BYTES};

use crate::examples::Source;
use crate::pipeline::Prepared;

/// Which evidence may put a title in the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// The classification's own titles (principal, alternative, specialisation, group) and
    /// the other classification's titles whose code lies wholly inside one code here.
    Titles,
    /// The project's lexicon: colloquial terms, their misspellings, non-classification answers.
    Lexicon,
    /// Titles from the crosswalked corpora (ESCO, O*NET, ILO) that project to a single code.
    Corpora,
}

impl Tier {
    pub fn name(self) -> &'static str {
        match self {
            Tier::Titles => "classification title",
            Tier::Lexicon => "project lexicon",
            Tier::Corpora => "crosswalked title",
        }
    }

    fn of(source: Source) -> Option<Tier> {
        match source {
            Source::PrincipalTitle | Source::IndexTitle | Source::GroupTitle | Source::Borrowed => Some(Tier::Titles),
            Source::LexiconTerm | Source::Colloquial | Source::NonClassification | Source::LexiconMisspelt => Some(Tier::Lexicon),
            Source::Esco | Source::OnetTitle | Source::IloIndex => Some(Tier::Corpora),
            _ => None,
        }
    }
}

/// The tiers built into packs by default, with the confidence a hit of each is given: the
/// share of hits that were right on the OSCA respondent dev half (`make eval-quick` prints
/// it: 77 of 81 classification titles, 97 of 99 lexicon entries, on 2026-12-03).
pub const DEFAULT_TIERS: [(Tier, f32); 2] = [(Tier::Titles, 0.95), (Tier::Lexicon, 0.98)];
/// Hit confidence of the corpora tier when it is asked for (`--index …,corpora`).
pub const CORPORA_CONFIDENCE: f32 = 0.9;

/// Which tier's reading of a title wins when tiers disagree.
const PRECEDENCE: [Tier; 3] = [Tier::Lexicon, Tier::Titles, Tier::Corpora];

/// What [`build`] found, for the build report.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct IndexReport {
    /// Entries per tier, in tier order.
    pub entries: Vec<(String, usize)>,
    /// Title texts left out because their examples disagree.
    pub ambiguous: usize,
}

/// Builds the index from prepared (featurised) examples over the given tiers.
pub fn build(items: &[Prepared], tiers: &[(Tier, f32)]) -> (Option<IndexRecord>, IndexReport) {
    if tiers.is_empty() {
        return (None, IndexReport::default());
    }
    // Per title text and tier: the one node that tier's title-only examples agree on (None
    // once they disagree).
    let mut seen: HashMap<&str, Vec<(Tier, Option<usize>)>> = HashMap::new();
    for p in items.iter().filter(|p| p.tasks_empty && !p.title_key.is_empty() && p.title_key.len() <= MAX_KEY_BYTES) {
        // Only the chosen tiers' examples vote: a crosswalk's guess or a generated example
        // does not outvote the classification's own title or the lexicon's reading.
        let Some(tier) = Tier::of(p.source).filter(|t| tiers.iter().any(|(u, _)| u == t)) else { continue };
        let node = (p.target.len() == 1).then(|| p.target[0]);
        let votes = seen.entry(p.title_key.as_str()).or_default();
        match votes.iter_mut().find(|(t, _)| *t == tier) {
            Some((_, n)) if *n != node => *n = None,
            Some(_) => {}
            None => votes.push((tier, node)),
        }
    }
    // The lexicon is the project's reading of what a respondent means by a title (a bare
    // "artist" is the visual arts unit group, whichever occupation's alternative title it
    // also is), so it decides first; then the classification's titles; then the corpora.
    let mut report = IndexReport::default();
    let mut counts = vec![0usize; tiers.len()];
    let mut entries = Vec::new();
    for (key, votes) in seen {
        let &(tier, node) = PRECEDENCE.iter().find_map(|t| votes.iter().find(|(u, _)| u == t)).expect("a key has a vote");
        let Some(node) = node else {
            report.ambiguous += 1;
            continue;
        };
        let t = tiers.iter().position(|(u, _)| *u == tier).expect("tier is one of tiers");
        counts[t] += 1;
        entries.push(Entry { key: key.to_string(), node: node as u32, tier: t as u8 });
    }
    report.entries = tiers.iter().zip(&counts).map(|((t, _), n)| (t.name().to_string(), *n)).collect();
    let names = tiers.iter().map(|(t, _)| t.name().to_string()).collect();
    let confidence = tiers.iter().map(|(_, c)| *c).collect();
    (Some(IndexRecord::from_entries(entries, names, confidence)), report)
}

/// The pack's spelling vocabulary: every word of every training title, except titles that
/// are misspellings themselves, with how often each occurs.
pub fn vocabulary(items: &[Prepared]) -> occupation_coder::spelling::SpellingRecord {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for p in items.iter().filter(|p| !matches!(p.source, Source::Misspelt | Source::LexiconMisspelt)) {
        for w in p.title_key.split(' ').filter(|w| !w.is_empty()) {
            *counts.entry(w).or_default() += 1;
        }
    }
    occupation_coder::spelling::SpellingRecord::from_counts(counts.into_iter().map(|(w, n)| (w.to_string(), n)).collect())
}
