//! Training examples for one classification, built from every source the data offers.
//!
//! Each example is a (title, tasks) text with a target in the classification being trained:
//! a code at some level (train the levels down to it) or, for text labelled in another
//! classification, the set of codes a crosswalk allows (resolved in [`crate::targets`]).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use occupation_coder::normalise::normalise;

use crate::data::{ClassificationData, CorpusRow, Data, Scheme};
use crate::noncodes::NON_CLASSIFICATION;
use crate::rng::Rng;

/// Where an example came from; used for weighting, splitting and reporting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    PrincipalTitle,
    IndexTitle,
    GroupTitle,
    TitleWithTasks,
    Misspelt,
    Description,
    Task,
    Borrowed,
    Colloquial,
    NonClassification,
    Asc,
    Esco,
    IloIndex,
    OnetTitle,
    OnetTask,
    LexiconTerm,
    TaskPhrase,
    TaskRewrite,
    LexiconMisspelt,
    /// "Plumber" of "Plumber (General)": trains the model but is not an index entry, so with
    /// tasks the tasks still choose among the kinds of plumber.
    GeneralHead,
}


#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A code of the classification being trained, at any level.
    Code(String),
    /// Codes a crosswalk allows; the text belongs to one of them.
    Candidates(Vec<String>),
}

#[derive(Clone, Debug)]
pub struct Example {
    pub title: String,
    pub tasks: String,
    pub target: Target,
    pub weight: f32,
    pub source: Source,
    /// For examples derived from one of the classification's own index titles (alternative
    /// title, specialisation, nec title): that title's normalised text, so k-fold evaluation
    /// can hold out the title together with everything generated from it.
    pub origin: Option<String>,
    /// A title real workers or employers use (an ESCO alternative label, an O*NET alternate
    /// title): the pool the held-out slice of real titles is drawn from (see
    /// `pipeline::prepare`).
    pub real_title: bool,
}

/// Relative example weights (multipliers of the SVM's C).
#[derive(Clone, Debug)]
pub struct Weights {
    pub principal: f32,
    pub index_title: f32,
    pub group_title: f32,
    pub title_with_tasks: f32,
    pub misspelt: f32,
    pub description: f32,
    pub task: f32,
    pub borrowed: f32,
    pub colloquial: f32,
    pub non_classification: f32,
    pub corpus_title: f32,
    pub corpus_task: f32,
    /// The project's lexicon (`model-pack/lexicon/`): a colloquial term alone.
    pub lexicon_term: f32,
    /// A respondent's task phrase, alone or after a title.
    pub task_phrase: f32,
    /// A classification task statement rewritten as a respondent writes it.
    pub task_rewrite: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            principal: 2.0,
            index_title: 1.5,
            group_title: 1.0,
            title_with_tasks: 1.0,
            misspelt: 0.5,
            description: 0.5,
            task: 0.3,
            borrowed: 0.7,
            colloquial: 2.0,
            non_classification: 2.0,
            corpus_title: 0.4,
            corpus_task: 0.15,
            lexicon_term: 2.0,
            task_phrase: 1.0,
            task_rewrite: 0.4,
        }
    }
}

pub fn norm_key(text: &str) -> String {
    normalise(text).join(" ")
}

pub(crate) struct Builder<'a> {
    pub(crate) out: Vec<Example>,
    pub(crate) w: &'a Weights,
}

impl Builder<'_> {
    pub(crate) fn push(&mut self, title: &str, tasks: &str, target: Target, weight: f32, source: Source, origin: Option<String>) {
        self.push_example(title, tasks, target, weight, source, origin, false);
    }

    #[allow(clippy::too_many_arguments)]
    fn push_example(&mut self, title: &str, tasks: &str, target: Target, weight: f32, source: Source, origin: Option<String>, real_title: bool) {
        if title.trim().is_empty() && tasks.trim().is_empty() {
            return;
        }
        if let Target::Candidates(c) = &target {
            if c.is_empty() {
                return;
            }
        }
        self.out.push(Example { title: title.to_string(), tasks: tasks.to_string(), target, weight, source, origin, real_title });
    }
}

/// Builds every example for `scheme`. Deterministic for a given `seed`.
pub fn build(data: &Data, scheme: Scheme, weights: &Weights, seed: u64) -> Vec<Example> {
    let own = data.classification(scheme);
    let mut rng = Rng::new(seed);
    let mut b = Builder { out: Vec::new(), w: weights };
    let xw = Crosswalks::new(data, scheme);

    own_classification(&mut b, own, &mut rng);
    borrowed(&mut b, data, scheme, &xw);
    non_classification(&mut b, &mut rng);
    colloquial(&mut b, &data.colloquial, &xw);
    crate::respondent::build(&mut b, data, scheme, &xw, &mut rng);
    for row in &data.asc_tasks {
        let target = xw.anzsco_target(&row.code);
        b.push("", &row.description, target, b.w.corpus_task * 2.0, Source::Asc, None);
    }
    for row in &data.esco {
        let target = xw.isco_target(&row.code);
        let real = row.label_type == "esco_alt";
        b.push_example(&row.title, "", target.clone(), b.w.corpus_title, Source::Esco, None, real);
        if !row.description.is_empty() {
            b.push("", &row.description, target, b.w.corpus_task, Source::Esco, None);
        }
    }
    for row in &data.ilo_index {
        b.push(&row.title, "", xw.isco_target(&row.code), b.w.corpus_title, Source::IloIndex, None);
    }
    for row in &data.onet_titles {
        let target = xw.onet_target(&row.code);
        let real = row.label_type == "onet_alternate_title";
        b.push_example(&row.title, "", target.clone(), b.w.corpus_title, Source::OnetTitle, None, real);
        if !row.description.is_empty() {
            b.push("", &row.description, target, b.w.corpus_task, Source::OnetTitle, None);
        }
    }
    for row in &data.onet_tasks {
        b.push("", &row.description, xw.onet_target(&row.code), b.w.corpus_task, Source::OnetTask, None);
    }
    b.out
}

fn own_classification(b: &mut Builder, own: &ClassificationData, rng: &mut Rng) {
    let w = b.w.clone();
    for o in &own.occupations {
        let code = || Target::Code(o.code.clone());
        let index_titles: Vec<&String> = o.alt_titles.iter().chain(&o.specialisations).chain(&o.nec_titles).collect();
        b.push(&o.title, "", code(), w.principal, Source::PrincipalTitle, None);
        // "Plumber (General)" is the classification's own answer for a bare "plumber" (the
        // other plumbers' titles name what kind).
        if let Some(head) = general_head(&o.title) {
            b.push(head, "", code(), w.principal, Source::GeneralHead, None);
        }
        for t in &index_titles {
            // A nec title is one specific job inside a residual group: weight it less so the
            // residual group does not absorb every generic word its members share.
            let weight = if o.nec_titles.contains(t) { w.index_title * 0.5 } else { w.index_title };
            b.push(t, "", code(), weight, Source::IndexTitle, Some(norm_key(t)));
            if let Some(head) = general_head(t) {
                b.push(head, "", code(), weight, Source::GeneralHead, Some(norm_key(t)));
            }
        }
        // "Registered Nurse (Aged Care)": respondents write the bracketed part in the tasks.
        // Three variants: the qualifier alone, and with different tasks.
        if let Some((head, rest)) = o.title.split_once(" (") {
            let qualifier = rest.trim_end_matches(')');
            b.push(head, qualifier, code(), w.title_with_tasks, Source::TitleWithTasks, None);
            for _ in 0..2 {
                let picked: Vec<&str> = rng.sample(&o.tasks, 2.min(o.tasks.len())).into_iter().map(String::as_str).collect();
                let tasks = std::iter::once(qualifier).chain(picked).collect::<Vec<_>>().join("; ");
                b.push(head, &tasks, code(), w.title_with_tasks, Source::TitleWithTasks, None);
            }
        }
        b.push("", &o.description, code(), w.description, Source::Description, None);
        for task in &o.tasks {
            b.push("", task, code(), w.task, Source::Task, None);
        }
        // Respondent-like answers: a title with a few of the occupation's tasks, and titles
        // with a typing slip.
        let titles = std::iter::once((&o.title, None)).chain(index_titles.iter().map(|t| (*t, Some(norm_key(t)))));
        for (title, origin) in titles {
            if !o.tasks.is_empty() {
                let n = 1 + rng.below(3).min(o.tasks.len() - 1);
                let picked: Vec<&str> = rng.sample(&o.tasks, n).into_iter().map(String::as_str).collect();
                b.push(title, &picked.join("; "), code(), w.title_with_tasks, Source::TitleWithTasks, origin.clone());
            }
            if let Some(slip) = misspell(title, rng) {
                b.push(&slip, "", code(), w.misspelt, Source::Misspelt, origin);
            }
        }
    }
    shared_words(b, own);
    for g in &own.structure {
        if g.level < 6 {
            b.push(&g.title, "", Target::Code(g.code.clone()), w.group_title, Source::GroupTitle, None);
        }
    }
    for g in &own.groups {
        b.push("", &g.description, Target::Code(g.code.clone()), w.description * 0.5, Source::Description, None);
        for task in &g.tasks {
            b.push("", task, Target::Code(g.code.clone()), w.task * 0.5, Source::Task, None);
        }
    }
}

/// "Plumber" of "Plumber (General)".
fn general_head(title: &str) -> Option<&str> {
    let head = title.strip_suffix(" (General)")?.trim();
    (!head.is_empty()).then_some(head)
}

/// Words that occur in the titles of two or more children of a group say which group, not
/// which child: each becomes an example for the group itself (see `train::NO_CHILD`).
fn shared_words(b: &mut Builder, own: &ClassificationData) {
    const STOP: &[&str] = &["and", "or", "of", "the", "for", "nec", "other", "in", "to", "with"];
    // (group, word) -> titles containing the word, counted per child of the group.
    let mut words_by_child: HashMap<(String, String), BTreeMap<String, usize>> = HashMap::new();
    for o in &own.occupations {
        for t in std::iter::once(&o.title).chain(&o.alt_titles).chain(&o.specialisations).chain(&o.nec_titles) {
            let mut words = normalise(t);
            words.sort();
            words.dedup();
            for w in words {
                if w.len() < 4 || STOP.contains(&w.as_str()) {
                    continue;
                }
                // Every level: k-fold accuracy was higher than with unit groups only.
                for (group_len, child_len) in [(1, 2), (2, 3), (3, 4), (4, 6)] {
                    *words_by_child
                        .entry((o.code[..group_len].to_string(), w.clone()))
                        .or_default()
                        .entry(o.code[..child_len].to_string())
                        .or_default() += 1;
                }
            }
        }
    }
    let mut shared: Vec<_> =
        words_by_child.iter().filter(|(_, children)| children.len() >= 2).collect();
    shared.sort();
    for ((group, word), children) in shared {
        let total: usize = children.values().sum();
        let (top, &top_n) = children.iter().max_by_key(|(c, n)| (**n, std::cmp::Reverse(*c))).expect("two or more children");
        // Above the unit group, when most titles with the word are in one child ("artist" in
        // visual arts), the bare word points there. Otherwise, and always among the
        // occupations of a unit group (where a residual nec group would otherwise take every
        // shared word), it names only the group.
        let target = if group.len() < 4 && top_n * 10 >= total * 7 { top } else { group };
        b.push(word, "", Target::Code(target.clone()), b.w.group_title, Source::GroupTitle, None);
    }
}

/// Titles, descriptions and tasks of the other classification's occupations that lie wholly
/// inside one of ours (the correspondence links them to exactly one of our codes).
fn borrowed(b: &mut Builder, data: &Data, scheme: Scheme, xw: &Crosswalks) {
    let other = match scheme {
        Scheme::Osca2024 => &data.anzsco,
        Scheme::Anzsco2022 => &data.osca,
    };
    let w = b.w.borrowed;
    for o in &other.occupations {
        let Some(target) = xw.whole_inside.get(&o.code) else { continue };
        let code = || Target::Code(target.clone());
        for t in std::iter::once(&o.title).chain(&o.alt_titles).chain(&o.specialisations).chain(&o.nec_titles) {
            b.push(t, "", code(), w, Source::Borrowed, None);
        }
        b.push("", &o.description, code(), w * 0.5, Source::Borrowed, None);
        for task in &o.tasks {
            b.push("", task, code(), w * 0.3, Source::Borrowed, None);
        }
    }
}

fn non_classification(b: &mut Builder, rng: &mut Rng) {
    for nc in NON_CLASSIFICATION {
        for phrase in nc.phrases {
            b.push(phrase, "", Target::Code(nc.code.to_string()), b.w.non_classification, Source::NonClassification, None);
        }
    }
    // Keyboard mash and placeholder answers: inadequately described.
    let inadequate = NON_CLASSIFICATION.iter().find(|n| n.inadequate).expect("an inadequately described code");
    for _ in 0..300 {
        let len = 2 + rng.below(7);
        let s: String = if rng.below(3) == 0 {
            let c = (b'a' + rng.below(26) as u8) as char;
            std::iter::repeat_n(c, len).collect()
        } else {
            (0..len).map(|_| (b'a' + rng.below(26) as u8) as char).collect()
        };
        b.push(&s, "", Target::Code(inadequate.code.to_string()), b.w.non_classification * 0.5, Source::NonClassification, None);
    }
}

fn colloquial(b: &mut Builder, rows: &[CorpusRow], xw: &Crosswalks) {
    for row in rows {
        for term in row.title.split([',', '/']) {
            b.push(term.trim(), "", xw.anzsco_target(&row.code), b.w.colloquial, Source::Colloquial, None);
        }
    }
}

/// A one-edit typing slip in the longest word of `title`, if it has a word of 5+ letters.
fn misspell(title: &str, rng: &mut Rng) -> Option<String> {
    let words: Vec<&str> = title.split_whitespace().collect();
    let (wi, word) = words.iter().enumerate().filter(|(_, w)| w.chars().count() >= 5).max_by_key(|(_, w)| w.len())?;
    let mut chars: Vec<char> = word.chars().collect();
    let i = 1 + rng.below(chars.len() - 2);
    match rng.below(4) {
        0 => {
            chars.remove(i);
        }
        1 => chars.swap(i, i + 1),
        2 => chars.insert(i, chars[i]),
        _ => {
            const VOWELS: [char; 5] = ['a', 'e', 'i', 'o', 'u'];
            chars[i] = if VOWELS.contains(&chars[i]) { VOWELS[rng.below(5)] } else { chars[i - 1] };
        }
    }
    let slip: String = chars.into_iter().collect();
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    out[wi] = slip;
    Some(out.join(" "))
}

/// Maps codes of other systems to candidate codes of the scheme being trained.
pub(crate) struct Crosswalks {
    scheme: Scheme,
    /// Codes (at every level) of the scheme being trained.
    own_codes: HashSet<String>,
    /// ANZSCO 2022 occupation -> OSCA occupations it links to.
    anzsco_to_osca: HashMap<String, BTreeSet<String>>,
    osca_to_anzsco: HashMap<String, BTreeSet<String>>,
    isco_to_own: HashMap<String, BTreeSet<String>>,
    soc_to_own: HashMap<String, BTreeSet<String>>,
    /// Other-classification occupation -> our occupation, where it lies wholly inside it.
    whole_inside: HashMap<String, String>,
}

impl Crosswalks {
    fn new(data: &Data, scheme: Scheme) -> Self {
        let own = data.classification(scheme);
        let own_codes = own.structure.iter().map(|r| r.code.clone()).collect();
        let mut anzsco_to_osca: HashMap<String, BTreeSet<String>> = HashMap::new();
        let mut osca_to_anzsco: HashMap<String, BTreeSet<String>> = HashMap::new();
        for l in &data.osca_to_anzsco {
            anzsco_to_osca.entry(l.to.clone()).or_default().insert(l.from.clone());
            osca_to_anzsco.entry(l.from.clone()).or_default().insert(l.to.clone());
        }
        let (links, inverse) = match scheme {
            Scheme::Osca2024 => (&data.isco_to_osca, &anzsco_to_osca),
            Scheme::Anzsco2022 => (&data.isco_to_anzsco, &osca_to_anzsco),
        };
        let mut isco_to_own: HashMap<String, BTreeSet<String>> = HashMap::new();
        for l in links {
            if l.to.bytes().all(|c| c.is_ascii_digit()) {
                isco_to_own.entry(l.from.clone()).or_default().insert(l.to.clone());
            }
        }
        let mut soc_to_own: HashMap<String, BTreeSet<String>> = HashMap::new();
        for (soc, osca, anzsco) in &data.soc_to_osca_anzsco {
            let code = if scheme == Scheme::Osca2024 { osca } else { anzsco };
            soc_to_own.entry(soc.clone()).or_default().insert(code.clone());
        }
        let whole_inside = inverse
            .iter()
            .filter(|(_, ours)| ours.len() == 1)
            .map(|(theirs, ours)| (theirs.clone(), ours.iter().next().unwrap().clone()))
            .collect();
        Crosswalks { scheme, own_codes, anzsco_to_osca, osca_to_anzsco: osca_to_anzsco.clone(), isco_to_own, soc_to_own, whole_inside }
    }

    fn target(&self, codes: BTreeSet<String>) -> Target {
        let codes: Vec<String> = codes.into_iter().filter(|c| self.own_codes.contains(c)).collect();
        if codes.len() == 1 {
            Target::Code(codes.into_iter().next().unwrap())
        } else {
            Target::Candidates(codes)
        }
    }

    /// An ANZSCO code (6-digit occupation, a group code, or a zero-padded "nfd" code).
    pub(crate) fn anzsco_target(&self, code: &str) -> Target {
        let code = strip_nfd(code);
        match self.scheme {
            Scheme::Anzsco2022 => self.target(BTreeSet::from([code.to_string()])),
            Scheme::Osca2024 => self.target(
                self.anzsco_to_osca
                    .iter()
                    .filter(|(a, _)| a.starts_with(code))
                    .flat_map(|(_, o)| o.iter().cloned())
                    .collect(),
            ),
        }
    }

    /// An OSCA 2024 code at any level.
    pub(crate) fn osca_target(&self, code: &str) -> Target {
        match self.scheme {
            Scheme::Osca2024 => self.target(BTreeSet::from([code.to_string()])),
            Scheme::Anzsco2022 => self.target(
                self.osca_to_anzsco.iter().filter(|(o, _)| o.starts_with(code)).flat_map(|(_, a)| a.iter().cloned()).collect(),
            ),
        }
    }

    /// An ISCO-08 unit group (4 digits) or minor group (3 digits).
    fn isco_target(&self, code: &str) -> Target {
        self.target(self.isco_to_own.iter().filter(|(i, _)| i.starts_with(code)).flat_map(|(_, o)| o.iter().cloned()).collect())
    }

    /// An O*NET-SOC code such as `11-1011.03`; its first seven characters are the SOC code.
    fn onet_target(&self, code: &str) -> Target {
        let soc = code.get(..7).unwrap_or(code);
        self.target(self.soc_to_own.get(soc).cloned().unwrap_or_default())
    }
}

/// "121000" (ANZSCO "nfd") -> "121"; real codes are returned unchanged.
fn strip_nfd(code: &str) -> &str {
    if code.len() == 6 && code.ends_with("00") {
        let t = code.trim_end_matches('0');
        if t.len() < 4 {
            return t;
        }
        return &code[..4];
    }
    code
}

#[cfg(test)]
mod tests {
    use super::general_head;

    #[test]
    fn the_general_occupation_answers_for_its_bare_title() {
        assert_eq!(general_head("Plumber (General)"), Some("Plumber"));
        assert_eq!(general_head("Motor Mechanic (General)"), Some("Motor Mechanic"));
        assert_eq!(general_head("Registered Nurse (Aged Care)"), None);
        assert_eq!(general_head("Plumber"), None);
    }
}
