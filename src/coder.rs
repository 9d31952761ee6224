//! The public entry point: a loaded pack that codes text.

use crate::decode::{self, Step};
use crate::error::{CodeError, PackError};
use crate::features::{featurise, featurise_into, Features};
use crate::index::{CodingIndex, Hit};
use crate::spelling::Speller;
use crate::normalise::{normalise_into, Words};
use crate::model::{NodeScorer, PreparedText, QuantisedModel, ScoreScratch};
use crate::pack::{read_pack, BackoffRule, PackHeader};
use crate::result::{CodeResult, CodedResult, ModelInfo, PathStep, Record, Suggestion, UncodedReason};
use std::collections::HashMap;

use crate::tree::Tree;

/// Most records one synchronous batch may hold (as the ABS service).
pub const MAX_BATCH: usize = 300;
/// Most suggestions one call may ask for.
pub const MAX_K: usize = 50;
/// Longest title plus tasks, in characters (Unicode scalar values), that will be coded or
/// given suggestions: the one limit behind the CLI, the WebAssembly API, the widget and the
/// batch page (see [`text_too_long`]).
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Suggestions attached to an uncoded record.
pub const UNCODED_SUGGESTIONS: usize = 3;
/// Beam width for top-k search, as a multiple of k (and at least [`MIN_BEAM`]).
const BEAM_PER_K: usize = 2;
const MIN_BEAM: usize = 10;

/// Whether a title and tasks are together longer than [`MAX_TEXT_CHARS`] characters. Counts
/// no further than the limit, so a text of any size is judged in bounded time.
pub fn text_too_long(title: &str, tasks: &str) -> bool {
    // A character takes at least one byte: a text of at most the limit in bytes is within it.
    if title.len().saturating_add(tasks.len()) <= MAX_TEXT_CHARS {
        return false;
    }
    title.chars().chain(tasks.chars()).nth(MAX_TEXT_CHARS).is_some()
}

thread_local! {
    /// Each thread's accumulator for [`NodeScorer::prepare`], reused from text to text.
    static SCRATCH: std::cell::RefCell<ScoreScratch> = std::cell::RefCell::new(ScoreScratch::default());
    /// Each thread's features of the text [`Coder::decide`] codes, reused from text to text.
    static FEATURES: std::cell::RefCell<Features> = std::cell::RefCell::new(Features::default());
    /// Each thread's normalised title and index key for [`Coder::index_hit`].
    static TITLE_KEY: std::cell::RefCell<(Words, String)> = std::cell::RefCell::new((Words::default(), String::new()));
}

/// Runs `f` on `x` prepared by `model`, in this thread's reusable scratch (a fresh one if that
/// is already in use, e.g. re-entered from `f`).
fn with_prepared<R>(model: &QuantisedModel, x: &Features, f: impl FnOnce(&PreparedText<'_>) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => f(&model.prepare(x, &mut scratch)),
        Err(_) => f(&model.prepare(x, &mut ScoreScratch::default())),
    })
}

/// Refuses a suggestion request whose `k` or text is out of bounds.
fn check_request(title: &str, tasks: &str, k: usize) -> Result<(), CodeError> {
    if k == 0 || k > MAX_K {
        return Err(CodeError::BadK { k, max: MAX_K });
    }
    if text_too_long(title, tasks) {
        return Err(CodeError::TextTooLong { max: MAX_TEXT_CHARS });
    }
    Ok(())
}

/// Refuses a synchronous batch of more than [`MAX_BATCH`] records.
pub fn check_batch_len(len: usize) -> Result<(), CodeError> {
    if len > MAX_BATCH {
        return Err(CodeError::BatchTooLarge { len, max: MAX_BATCH });
    }
    Ok(())
}

/// A model pack, loaded and checked, ready to code text. Cheap to share across threads.
#[derive(Clone, Debug)]
pub struct Coder {
    header: PackHeader,
    /// Format version of the loaded pack (1 or 2), as its bytes say.
    format_version: u16,
    model: QuantisedModel,
    backoff: BackoffRule,
    non_classification: Vec<String>,
    /// Source classification name and its codes -> candidate nodes here.
    recode: Option<(String, HashMap<String, Vec<usize>>)>,
    /// Known answers, looked up by title before the model (empty for packs before version 3).
    index: CodingIndex,
    /// Title words misspellings are corrected to (empty for packs before version 3).
    speller: Speller,
}

/// What coding a record decided, as positions in the tree: [`Coder::result`] turns it into
/// the [`CodeResult`] callers see.
#[derive(Clone, Debug, PartialEq)]
pub enum Coding {
    /// The code at the end of `path`, major group first.
    Coded { path: Vec<Step>, confidence: f32 },
    /// Not coded, with the most likely codes when there are any.
    Uncoded { reason: UncodedReason, suggestions: Vec<Candidate> },
}

/// A suggested node with its confidence and the path to it (empty when there is none, as
/// for recoding candidates chosen without text).
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub node: usize,
    pub confidence: f32,
    pub path: Vec<Step>,
}

impl Candidate {
    /// The end of a beam path, with the path's joint probability.
    fn from_path(path: Vec<Step>) -> Self {
        let last = *path.last().expect("beam paths are non-empty");
        Candidate { node: last.node, confidence: last.joint, path }
    }
}

impl Coding {
    /// The assigned node, if coded.
    pub fn node(&self) -> Option<usize> {
        match self {
            Coding::Coded { path, .. } => path.last().map(|s| s.node),
            Coding::Uncoded { .. } => None,
        }
    }
}

impl Coder {
    /// Loads a pack from its bytes; every kind of damage is a [`PackError`], never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Coder, PackError> {
        let (header, payload) = read_pack(bytes)?;
        let model = QuantisedModel::from_payload(&payload, header.features.buckets)?;
        let b = payload.backoff;
        if !(b.min_conditional.is_finite() && b.min_joint.is_finite()) {
            return Err(PackError::Invalid("back-off thresholds are not finite".into()));
        }
        let recode = match payload.recode {
            None => None,
            Some(table) => {
                let tree = model.tree();
                let index: HashMap<&str, usize> = tree.nodes.iter().enumerate().map(|(i, n)| (n.code.as_str(), i)).collect();
                let mut links = HashMap::with_capacity(table.links.len());
                for (from, to) in table.links {
                    let nodes = to
                        .iter()
                        .map(|c| index.get(c.as_str()).copied().filter(|&i| i != Tree::ROOT))
                        .collect::<Option<Vec<usize>>>()
                        .filter(|n| !n.is_empty())
                        .ok_or_else(|| PackError::Invalid(format!("recoding table maps {from} to codes not in the tree: {to:?}")))?;
                    links.insert(from, nodes);
                }
                Some((table.from, links))
            }
        };
        let index = match payload.index {
            Some(r) => CodingIndex::from_record(r, model.tree().nodes.len())?,
            None => CodingIndex::default(),
        };
        let speller = match payload.spelling {
            Some(r) => Speller::from_record(r)?,
            None => Speller::default(),
        };
        // read_pack checked the prefix, so the version bytes are there.
        let format_version = u16::from_le_bytes([bytes[4], bytes[5]]);
        Ok(Coder { header, format_version, model, backoff: b, non_classification: payload.non_classification, recode, index, speller })
    }

    pub fn header(&self) -> &PackHeader {
        &self.header
    }

    pub fn model(&self) -> &QuantisedModel {
        &self.model
    }

    pub fn backoff(&self) -> BackoffRule {
        self.backoff
    }

    /// Features of a title and tasks under this pack's parameters.
    pub fn features(&self, title: &str, tasks: &str) -> Features {
        featurise(&self.header.features, title, tasks)
    }

    /// The `k` most likely occupations for the text, best first.
    pub fn suggest(&self, title: &str, tasks: &str, k: usize) -> Result<Vec<Suggestion>, CodeError> {
        check_request(title, tasks, k)?;
        let corrected = self.speller.correct_title(title);
        let title = corrected.as_deref().unwrap_or(title);
        let x = self.features(title, tasks);
        if x.is_empty() {
            return Ok(Vec::new());
        }
        let hit = self.occupation_hit(title, tasks);
        let width = (k * BEAM_PER_K).max(MIN_BEAM);
        let paths = with_prepared(&self.model, &x, |p| decode::beam(&self.model, p, k, width));
        Ok(self.with_hit_first(hit, paths, k))
    }

    /// The deciding index hit when it is an occupation: suggestions are occupations, so a hit
    /// on a group decides the coded answer (and the follow-up question) but is not listed.
    fn occupation_hit(&self, title: &str, tasks: &str) -> Option<Hit> {
        self.deciding_hit(title, tasks).filter(|h| self.model.tree().node(h.node).depth == 5)
    }

    /// The beam's paths as suggestions, led by an index hit when there is one: the model's
    /// other answers share what the hit's confidence leaves, and the hit is not repeated.
    fn with_hit_first(&self, hit: Option<Hit>, paths: Vec<Vec<Step>>, k: usize) -> Vec<Suggestion> {
        let Some(hit) = hit else {
            return paths.into_iter().map(|p| self.suggestion(&Candidate::from_path(p))).collect();
        };
        let rest = 1.0 - hit.confidence;
        let mut out = vec![self.suggestion(&self.hit_candidate(hit))];
        for mut p in paths.into_iter().filter(|p| p.last().is_some_and(|s| s.node != hit.node)).take(k - 1) {
            // Scaled at the first step, so each joint stays the product of the conditionals.
            p[0].conditional *= rest;
            for step in &mut p {
                step.joint *= rest;
            }
            out.push(self.suggestion(&Candidate::from_path(p)));
        }
        out
    }

    /// An index hit as a path: certain down to the hit's parent, the tier's measured
    /// precision at the hit itself, so the joint is that precision.
    fn hit_candidate(&self, hit: Hit) -> Candidate {
        let nodes = self.model.tree().path_to(hit.node);
        let last = nodes.len() - 1;
        let path: Vec<Step> = nodes
            .into_iter()
            .enumerate()
            .map(|(i, node)| {
                let p = if i == last { hit.confidence } else { 1.0 };
                Step { node, conditional: p, joint: p }
            })
            .collect();
        Candidate { node: hit.node, confidence: hit.confidence, path }
    }

    /// `title` with its misspelt words corrected (see [`crate::spelling`]), or `None` when
    /// it has none.
    pub fn corrected_title(&self, title: &str) -> Option<String> {
        self.speller.correct_title(title)
    }

    /// The index hit that decides for this title and tasks (as typed, or as corrected by
    /// [`Coder::corrected_title`]), if any. Without tasks any hit
    /// does. With tasks, only a hit on an occupation does: a title the index holds as a group
    /// ("aged care worker") or as too vague to code ("contractor") leaves the tasks to the
    /// model, which can go deeper.
    pub fn deciding_hit(&self, title: &str, tasks: &str) -> Option<Hit> {
        let hit = self.index_hit(title)?;
        if !tasks.chars().any(char::is_alphanumeric) {
            return Some(hit);
        }
        let node = self.model.tree().node(hit.node);
        (node.depth == 5 && !self.non_classification.contains(&node.code)).then_some(hit)
    }

    /// The coding index's entry for this title, if any (see [`crate::index`]).
    pub fn index_hit(&self, title: &str) -> Option<Hit> {
        if self.index.is_empty() {
            return None;
        }
        TITLE_KEY.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let (words, key) = &mut *scratch;
                normalise_into(title, words);
                self.index.lookup(words, key)
            }
            Err(_) => {
                let mut words = Words::default();
                normalise_into(title, &mut words);
                self.index.lookup(&words, &mut String::new())
            }
        })
    }

    /// Names of the coding index's tiers, by tier number (see [`Hit::tier`]).
    pub fn index_tiers(&self) -> &[String] {
        self.index.tier_names()
    }

    /// Entries in the pack's coding index (0 for packs before format version 3).
    pub fn index_len(&self) -> usize {
        self.index.len()
    }

    /// The `k` most likely occupations inside group `code` (any level), best first, with
    /// confidences over the whole path: the follow-up question when only the group is sure.
    pub fn suggest_within(&self, code: &str, title: &str, tasks: &str, k: usize) -> Result<Vec<Suggestion>, CodeError> {
        check_request(title, tasks, k)?;
        let tree = self.model.tree();
        let node = tree.find(code).filter(|&n| n != Tree::ROOT).ok_or_else(|| CodeError::UnknownCode {
            code: code.to_string(),
            classification: self.header.classification.clone(),
        })?;
        let corrected = self.speller.correct_title(title);
        let title = corrected.as_deref().unwrap_or(title);
        let x = self.features(title, tasks);
        let width = (k * BEAM_PER_K).max(MIN_BEAM);
        let paths = with_prepared(&self.model, &x, |p| {
            let start = decode::path_to(&self.model, p, node);
            decode::beam_from(&self.model, p, start, k, width)
        });
        // Within a group the hit takes its place by confidence among the model's answers,
        // unscaled: the ranking inside a unit group is then each occupation's own confidence,
        // as asking within that occupation alone gives it.
        let Some(hit) = self.occupation_hit(title, tasks).filter(|h| tree.path_to(h.node).contains(&node)) else {
            return Ok(paths.into_iter().map(|p| self.suggestion(&Candidate::from_path(p))).collect());
        };
        let mut out: Vec<Candidate> = paths.into_iter().filter(|p| p.last().is_some_and(|s| s.node != hit.node)).map(Candidate::from_path).collect();
        let at = out.iter().position(|c| c.confidence < hit.confidence).unwrap_or(out.len());
        out.insert(at, self.hit_candidate(hit));
        out.truncate(k);
        Ok(out.iter().map(|c| self.suggestion(c)).collect())
    }

    /// Codes one record: the most detailed code the model is sure enough of, or a reason.
    pub fn code(&self, record: &Record) -> CodeResult {
        self.result(record.id.clone(), self.decide(&record.title, &record.tasks))
    }

    /// What [`Coder::code`] decides for a title and tasks, as positions in the tree (no codes,
    /// labels or paths copied out): batch coding renders its rows straight from this.
    pub fn decide(&self, title: &str, tasks: &str) -> Coding {
        let uncoded = |reason, suggestions| Coding::Uncoded { reason, suggestions };
        if text_too_long(title, tasks) {
            return uncoded(UncodedReason::TooLong, Vec::new());
        }
        let corrected = self.speller.correct_title(title);
        let title = corrected.as_deref().unwrap_or(title);
        if let Some(hit) = self.deciding_hit(title, tasks) {
            let c = self.hit_candidate(hit);
            return Coding::Coded { path: c.path, confidence: c.confidence };
        }
        FEATURES.with(|cell| match cell.try_borrow_mut() {
            Ok(mut x) => {
                featurise_into(&self.header.features, title, tasks, &mut x);
                self.decide_features(&x)
            }
            Err(_) => self.decide_features(&self.features(title, tasks)),
        })
    }

    /// [`Coder::decide`] once the text is featurised.
    fn decide_features(&self, x: &Features) -> Coding {
        let uncoded = |reason, suggestions| Coding::Uncoded { reason, suggestions };
        if x.is_empty() {
            return uncoded(UncodedReason::Empty, Vec::new());
        }
        // One pass over the features scores the top of the tree; `recognised` comes with it.
        with_prepared(&self.model, x, |p| {
            if !p.recognised() {
                return uncoded(UncodedReason::Unrecognised, Vec::new());
            }
            let path = decode::greedy(&self.model, p, &self.backoff);
            if path.is_empty() {
                let width = (UNCODED_SUGGESTIONS * BEAM_PER_K).max(MIN_BEAM);
                let top = decode::beam(&self.model, p, UNCODED_SUGGESTIONS, width);
                uncoded(UncodedReason::Uncertain, top.into_iter().map(Candidate::from_path).collect())
            } else {
                let confidence = path.last().expect("a coded path is non-empty").joint;
                Coding::Coded { path, confidence }
            }
        })
    }

    /// A [`Coding`] with the codes, labels and paths filled in.
    pub fn result(&self, id: Option<String>, coding: Coding) -> CodeResult {
        match coding {
            Coding::Coded { path, confidence } => CodeResult::coded(id, self.coded_result(&path, confidence)),
            Coding::Uncoded { reason, suggestions } => {
                CodeResult::uncoded(id, reason, suggestions.iter().map(|c| self.suggestion(c)).collect())
            }
        }
    }

    /// The tree of the loaded classification (codes and labels by node).
    pub fn tree(&self) -> &Tree {
        self.model.tree()
    }

    /// The code at the end of `path`, with the path's steps.
    fn coded_result(&self, path: &[Step], confidence: f32) -> CodedResult {
        let node = self.model.tree().node(path.last().expect("a coded path is non-empty").node);
        CodedResult {
            code_category: node.code.clone(),
            code_label: node.label.clone(),
            code_confidence: confidence,
            code_level: node.digits(),
            path: self.path_steps(path),
        }
    }

    /// Name of the classification this pack can recode from (e.g. `anzsco2022`), if any.
    pub fn recodes_from(&self) -> Option<&str> {
        self.recode.as_ref().map(|(from, _)| from.as_str())
    }

    /// Recodes a record that carries a code of another classification (see
    /// [`Coder::recodes_from`]): a one-to-one link gives its code with confidence 1; where the
    /// correspondence is one-to-many, the model picks among the candidates only, using the
    /// text, with the candidates' joint probabilities renormalised as the confidence.
    pub fn recode(&self, source_code: &str, record: &Record) -> CodeResult {
        self.result(record.id.clone(), self.decide_recode(source_code, &record.title, &record.tasks))
    }

    /// What [`Coder::recode`] decides, as positions in the tree (see [`Coder::decide`]).
    pub fn decide_recode(&self, source_code: &str, title: &str, tasks: &str) -> Coding {
        let uncoded = |reason, suggestions| Coding::Uncoded { reason, suggestions };
        let Some(candidates) = self.recode.as_ref().and_then(|(_, links)| links.get(source_code.trim())) else {
            return uncoded(UncodedReason::UnknownSourceCode, Vec::new());
        };
        let tree = self.model.tree();
        if text_too_long(title, tasks) {
            return uncoded(UncodedReason::TooLong, Vec::new());
        }
        let x = self.features(title, tasks);
        // One path per candidate, from the major group down to it.
        let scored: Vec<Vec<Step>> = if candidates.len() == 1 {
            let certain = tree.path_to(candidates[0]).into_iter().map(|node| Step { node, conditional: 1.0, joint: 1.0 });
            vec![certain.collect()]
        } else if x.is_empty() {
            let share = 1.0 / candidates.len() as f32;
            let suggestions = candidates.iter().map(|&node| Candidate { node, confidence: share, path: Vec::new() }).collect();
            return uncoded(UncodedReason::NeedsText, suggestions);
        } else {
            with_prepared(&self.model, &x, |p| candidates.iter().map(|&c| decode::path_to(&self.model, p, c)).collect())
        };
        let joint = |path: &Vec<Step>| path.last().map_or(0.0, |s| s.joint);
        let total: f32 = scored.iter().map(joint).sum();
        let best = scored.iter().enumerate().max_by(|a, b| joint(a.1).total_cmp(&joint(b.1))).map(|(i, _)| i).expect("at least one candidate");
        let confidence = if total > 0.0 { joint(&scored[best]) / total } else { 1.0 / scored.len() as f32 };
        Coding::Coded { path: scored.into_iter().nth(best).expect("best is a position in scored"), confidence }
    }

    /// Codes up to [`MAX_BATCH`] records, in order.
    pub fn code_batch(&self, records: &[Record]) -> Result<Vec<CodeResult>, CodeError> {
        let codings = self.decide_batch(records)?;
        Ok(records.iter().zip(codings).map(|(r, c)| self.result(r.id.clone(), c)).collect())
    }

    /// What [`Coder::code_batch`] decides, as positions in the tree (see [`Coder::decide`]).
    pub fn decide_batch(&self, records: &[Record]) -> Result<Vec<Coding>, CodeError> {
        check_batch_len(records.len())?;
        Ok(records.iter().map(|r| self.decide(&r.title, &r.tasks)).collect())
    }

    /// Describes the loaded pack.
    pub fn info(&self) -> ModelInfo {
        let tree = self.model.tree();
        let occupations = tree.nodes.iter().filter(|n| n.depth == 5).count();
        ModelInfo {
            classification: self.header.classification.clone(),
            classification_version: self.header.classification_version.clone(),
            trainer_version: self.header.trainer_version.clone(),
            format_version: self.format_version,
            coder_version: env!("CARGO_PKG_VERSION").to_string(),
            groups: tree.nodes.len() - 1 - occupations,
            occupations,
            weights: self.model.nnz(),
            buckets: self.header.features.buckets,
            min_conditional: self.backoff.min_conditional,
            min_joint: self.backoff.min_joint,
            non_classification_codes: self.non_classification.clone(),
            recodes_from: self.recodes_from().map(str::to_string),
        }
    }

    /// Label of a code in this classification, if it exists.
    pub fn label(&self, code: &str) -> Option<&str> {
        let tree = self.model.tree();
        tree.find(code).map(|i| tree.node(i).label.as_str())
    }

    fn suggestion(&self, c: &Candidate) -> Suggestion {
        let node = self.model.tree().node(c.node);
        Suggestion {
            code: node.code.clone(),
            label: node.label.clone(),
            level: node.digits(),
            confidence: c.confidence,
            path: self.path_steps(&c.path),
        }
    }

    fn path_steps(&self, path: &[Step]) -> Vec<PathStep> {
        let tree: &Tree = self.model.tree();
        path.iter()
            .map(|s| {
                let n = tree.node(s.node);
                PathStep { code: n.code.clone(), label: n.label.clone(), level: n.digits(), conditional: s.conditional, joint: s.joint }
            })
            .collect()
    }
}
