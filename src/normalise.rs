//! Step 1 of the data path: text -> normalised word tokens.
//!
//! The trainer and the runtime both call [`normalise`], so the words a model was trained on are
//! exactly the words it sees at run time. Any change to the output of this module must bump
//! [`NORMALISER_VERSION`], which every pack records and the reader checks.

use unicode_normalization::UnicodeNormalization;

/// Version of the normalisation rules; stored in pack headers.
pub const NORMALISER_VERSION: u16 = 1;

/// Australian colloquial occupation words and common misspellings, each followed by the words
/// it stands for. The colloquial word itself is kept too (so a model can learn it directly);
/// the expansion gives a model that never saw the word the standard title's features.
/// Project-authored list; sources for the colloquialisms are in README ("Colloquial titles").
const EXPANSIONS: &[(&str, &str)] = &[
    ("accountent", "accountant"),
    ("acountant", "accountant"),
    ("admin", "administration administrative"),
    ("ambo", "ambulance officer paramedic"),
    ("ambos", "ambulance officer paramedic"),
    ("asst", "assistant"),
    ("boilermaker", "boilermaker welder"),
    ("brickey", "bricklayer"),
    ("brickie", "bricklayer"),
    ("brickies", "bricklayer"),
    ("bricklayor", "bricklayer"),
    ("bricklyer", "bricklayer"),
    ("bricky", "bricklayer"),
    ("buisness", "business"),
    ("bussiness", "business"),
    ("carpanter", "carpenter"),
    ("carpentar", "carpenter"),
    ("ceo", "chief executive officer"),
    ("cfo", "chief financial officer"),
    ("chippie", "carpenter"),
    ("chippy", "carpenter"),
    ("cleener", "cleaner"),
    ("cockie", "farmer"),
    ("cockies", "farmer"),
    ("cocky", "farmer"),
    ("cop", "police officer"),
    ("copper", "police officer"),
    ("cto", "chief technology officer"),
    ("dept", "department"),
    ("dero", "unemployed"),
    ("devloper", "developer"),
    ("ea", "executive assistant"),
    ("elecrician", "electrician"),
    ("electricain", "electrician"),
    ("electrition", "electrician"),
    ("eng", "engineer"),
    ("engeneer", "engineer"),
    ("enginer", "engineer"),
    ("firey", "firefighter"),
    ("firie", "firefighter"),
    ("fisho", "fishmonger fish"),
    ("garbo", "garbage rubbish collector"),
    ("garbologist", "garbage rubbish collector"),
    ("govt", "government"),
    ("gp", "general practitioner"),
    ("hairdersser", "hairdresser"),
    ("hairdreser", "hairdresser"),
    ("housewive", "housewife"),
    ("hr", "human resources"),
    ("ict", "ict information technology"),
    ("jackaroo", "station hand farm hand"),
    ("jackeroo", "station hand farm hand"),
    ("jillaroo", "station hand farm hand"),
    ("journo", "journalist"),
    ("laborer", "labourer"),
    ("managment", "management"),
    ("maneger", "manager"),
    ("manger", "manager"),
    ("mecanic", "mechanic"),
    ("mechanik", "mechanic"),
    ("mgr", "manager"),
    ("milko", "milk delivery driver"),
    ("muso", "musician"),
    ("ndis", "disability support"),
    ("nurce", "nurse"),
    ("ohs", "occupational health safety"),
    ("pa", "personal assistant"),
    ("pensoner", "pensioner"),
    ("pharmasist", "pharmacist"),
    ("physiotherapyst", "physiotherapist"),
    ("plumbo", "plumber"),
    ("plumer", "plumber"),
    ("pollie", "politician member of parliament"),
    ("polly", "politician member of parliament"),
    ("postie", "postal delivery officer"),
    ("programer", "programmer"),
    ("qa", "quality assurance"),
    ("recepionist", "receptionist"),
    ("receptionst", "receptionist"),
    ("retierd", "retired"),
    ("retird", "retired"),
    ("rn", "registered nurse"),
    ("secetary", "secretary"),
    ("secratary", "secretary"),
    ("secretery", "secretary"),
    ("sofware", "software"),
    ("sparkey", "electrician"),
    ("sparkie", "electrician"),
    ("sparkies", "electrician"),
    ("sparky", "electrician"),
    ("spruiker", "sales representative promoter"),
    ("tafe", "tafe vocational education"),
    ("tech", "technician"),
    ("techician", "technician"),
    ("techncian", "technician"),
    ("techo", "technician"),
    ("teecher", "teacher"),
    ("tradie", "tradesperson"),
    ("truckie", "truck driver"),
    ("truckies", "truck driver"),
    ("unemploid", "unemployed"),
    ("unemployeed", "unemployed"),
    ("uni", "university"),
    ("wharfie", "waterside worker stevedore"),
    ("whs", "work health safety"),
];

/// Spelling variants folded to the Australian form, so US/UK text meets the classification's
/// wording (O*NET and ESCO training text is US/UK).
const VARIANTS: &[(&str, &str)] = &[
    ("aluminum", "aluminium"),
    ("analyze", "analyse"),
    ("analyzes", "analyses"),
    ("analyzing", "analysing"),
    ("anesthesiologist", "anaesthetist"),
    ("anesthetist", "anaesthetist"),
    ("behavior", "behaviour"),
    ("behavioral", "behavioural"),
    ("cancelling", "cancelling"),
    ("catalog", "catalogue"),
    ("center", "centre"),
    ("centers", "centres"),
    ("color", "colour"),
    ("counseling", "counselling"),
    ("counselor", "counsellor"),
    ("counselors", "counsellors"),
    ("defense", "defence"),
    ("esthetician", "beauty therapist"),
    ("favor", "favour"),
    ("fiber", "fibre"),
    ("fueling", "fuelling"),
    ("gynecologist", "gynaecologist"),
    ("harbor", "harbour"),
    ("jeweler", "jeweller"),
    ("jewelry", "jewellery"),
    ("labeling", "labelling"),
    ("labor", "labour"),
    ("laborer", "labourer"),
    ("laborers", "labourers"),
    ("license", "licence"),
    ("licensed", "licenced"),
    ("maneuver", "manoeuvre"),
    ("modeling", "modelling"),
    ("mold", "mould"),
    ("molder", "moulder"),
    ("organization", "organisation"),
    ("organizational", "organisational"),
    ("organizations", "organisations"),
    ("organize", "organise"),
    ("organizes", "organises"),
    ("organizing", "organising"),
    ("orthopedic", "orthopaedic"),
    ("pediatric", "paediatric"),
    ("pediatrician", "paediatrician"),
    ("practicing", "practising"),
    ("program", "programme"),
    ("theater", "theatre"),
    ("tire", "tyre"),
    ("tires", "tyres"),
    ("traveler", "traveller"),
    ("traveling", "travelling"),
];

/// Normalises `text` into lower-case word tokens.
///
/// Unicode NFKC, lower case, diacritics kept (they matter for non-English names but are rare in
/// answers), every non-alphanumeric character is a separator except an apostrophe inside a
/// word, which is dropped ("o'brien" -> "obrien", "driver's" -> "drivers"). Spelling variants
/// are folded, then colloquial words are followed by their expansion.
pub fn normalise(text: &str) -> Vec<String> {
    let mut words = Words::default();
    normalise_into(text, &mut words);
    words.iter().map(str::to_string).collect()
}

/// Normalised words kept in one buffer (no allocation per word): the hot path's form of
/// [`normalise`]'s output, reused from record to record.
#[derive(Clone, Debug, Default)]
pub struct Words {
    buf: String,
    /// End of each word in `buf`; word `i` is `buf[ends[i - 1]..ends[i]]`.
    ends: Vec<usize>,
}

impl Words {
    pub fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
    }
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    #[inline]
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
    fn start(&self) -> usize {
        self.ends.last().copied().unwrap_or(0)
    }
}

/// [`normalise`] into a reusable [`Words`] (cleared first). The same words, without the
/// allocations; ASCII text (most answers) skips the NFKC machinery, which leaves ASCII as it is.
pub fn normalise_into(text: &str, words: &mut Words) {
    words.clear();
    if text.is_ascii() {
        for &b in text.as_bytes() {
            if b.is_ascii_alphanumeric() {
                words.buf.push(char::from(b.to_ascii_lowercase()));
            } else if b == b'\'' && words.buf.len() > words.start() {
                // Apostrophes join, they do not split.
            } else if words.buf.len() > words.start() {
                end_word(words);
            }
        }
    } else {
        for ch in text.nfkc() {
            if ch.is_alphanumeric() {
                words.buf.extend(ch.to_lowercase());
            } else if (ch == '\'' || ch == '\u{2019}') && words.buf.len() > words.start() {
                // Apostrophes join, they do not split.
            } else if words.buf.len() > words.start() {
                end_word(words);
            }
        }
    }
    if words.buf.len() > words.start() {
        end_word(words);
    }
}

/// What happens to one word: its spelling fold and the expansion that follows it.
#[derive(Clone, Copy)]
struct Rule {
    fold: Option<&'static str>,
    expansion: Option<&'static str>,
}

/// [`VARIANTS`] and [`EXPANSIONS`] merged into one hash lookup per word, built on first use:
/// two binary searches per word were a tenth of a batch run's time.
fn rules() -> &'static rustc_hash::FxHashMap<&'static str, Rule> {
    static RULES: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, Rule>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        let expansion = |w: &str| EXPANSIONS.binary_search_by(|(from, _)| (*from).cmp(w)).ok().map(|i| EXPANSIONS[i].1);
        let mut rules = rustc_hash::FxHashMap::default();
        for &(from, to) in EXPANSIONS {
            rules.insert(from, Rule { fold: None, expansion: Some(to) });
        }
        // A folded word's expansion is that of its standard spelling.
        for &(from, to) in VARIANTS {
            rules.insert(from, Rule { fold: Some(to), expansion: expansion(to) });
        }
        rules
    })
}

/// Ends the word being built at the end of `words.buf`: folds its spelling and appends its
/// expansion, as [`normalise`] documents.
fn end_word(words: &mut Words) {
    let start = words.start();
    let Some(rule) = rules().get(&words.buf[start..]).copied() else {
        words.ends.push(words.buf.len());
        return;
    };
    if let Some(fold) = rule.fold {
        words.buf.truncate(start);
        words.buf.push_str(fold);
    }
    match rule.expansion {
        Some(exp) => {
            let keep = !exp.split(' ').any(|w| w == &words.buf[start..]);
            if keep {
                words.ends.push(words.buf.len());
            } else {
                words.buf.truncate(start);
            }
            for w in exp.split(' ') {
                words.buf.push_str(w);
                words.ends.push(words.buf.len());
            }
        }
        None => words.ends.push(words.buf.len()),
    }
}

/// Sorted copies of the tables, checked once: binary search needs them sorted and unique.
#[cfg(test)]
pub(crate) fn tables() -> [&'static [(&'static str, &'static str)]; 2] {
    [EXPANSIONS, VARIANTS]
}

/// The normaliser as it was before [`Words`] and the ASCII fast path: the reference the
/// faster one must match word for word (also used by the featuriser's reference tests).
#[cfg(test)]
pub(crate) mod reference {
    use super::{EXPANSIONS, VARIANTS};
    use unicode_normalization::UnicodeNormalization;

/// Normalises `text` into lower-case word tokens.
///
/// Unicode NFKC, lower case, diacritics kept (they matter for non-English names but are rare in
/// answers), every non-alphanumeric character is a separator except an apostrophe inside a
/// word, which is dropped ("o'brien" -> "obrien", "driver's" -> "drivers"). Spelling variants
/// are folded, then colloquial words are followed by their expansion.
pub(crate) fn reference_normalise(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for ch in text.nfkc() {
        if ch.is_alphanumeric() {
            current.extend(ch.to_lowercase());
        } else if (ch == '\'' || ch == '\u{2019}') && !current.is_empty() {
            // Apostrophes join, they do not split.
        } else if !current.is_empty() {
            reference_push_word(&mut words, std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        reference_push_word(&mut words, current);
    }
    words
}

fn reference_push_word(words: &mut Vec<String>, word: String) {
    let word = match VARIANTS.binary_search_by(|(from, _)| (*from).cmp(word.as_str())) {
        Ok(i) => VARIANTS[i].1.to_string(),
        Err(_) => word,
    };
    let expansion = EXPANSIONS
        .binary_search_by(|(from, _)| (*from).cmp(word.as_str()))
        .ok()
        .map(|i| EXPANSIONS[i].1);
    match expansion {
        Some(exp) => {
            let keep = !exp.split(' ').any(|w| w == word);
            if keep {
                words.push(word);
            }
            words.extend(exp.split(' ').map(str::to_string));
        }
        None => words.push(word),
    }
}

}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Varied texts: ASCII, punctuation, apostrophes, colloquialisms, variants, non-ASCII
    /// letters, compatibility forms, digits, symbols, empty strings.
    pub(crate) fn varied_texts(n: usize) -> Vec<String> {
        const PIECES: &[&str] = &[
            "brickie", "Registered", "nurse", "O'Brien", "driver’s", "labor", "CENTER", "sparky", "admin", "hr",
            "ＣＬＥＡＮＥＲ", "ﬁtter", "Café", "Größe", "naïve", "İstanbul", "ΣΟΦΙΑ", "日本語", "x", "2nd", "—", "--",
            "(Backend)", " ", "\t", "\n", "a'", "'b", "’", "électricien", "ambo", "uni", "labor", "laborer", "eng",
            "Ǆemal", "ß", "ﬀ", "K", "Å", "e\u{301}", "🙂", "n/a", "self-employed", "", ",", "...", "3/4", "½",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let len = (state % 7) as usize;
                let mut t = String::new();
                let mut s = state;
                for j in 0..len {
                    s = s.rotate_left(9) ^ 0x9e37_79b9;
                    t.push_str(PIECES[(s % PIECES.len() as u64) as usize]);
                    if !(s >> 20).is_multiple_of(3) || j == 0 {
                        t.push(if (s >> 30).is_multiple_of(2) { ' ' } else { '-' });
                    }
                }
                t
            })
            .collect()
    }

    #[test]
    fn fast_normaliser_equals_the_reference() {
        let texts = varied_texts(5000);
        assert!(texts.iter().any(|t| !t.is_ascii()) && texts.iter().any(|t| t.is_ascii() && !t.is_empty()));
        for t in &texts {
            assert_eq!(normalise(t), reference::reference_normalise(t), "{t:?}");
        }
    }

    #[test]
    fn tables_are_sorted_and_unique() {
        for table in tables() {
            for pair in table.windows(2) {
                assert!(pair[0].0 < pair[1].0, "{:?} must sort before {:?}", pair[0].0, pair[1].0);
            }
        }
    }

    #[test]
    fn lower_cases_and_splits_on_punctuation() {
        assert_eq!(normalise("Senior  Software-Engineer (Backend)"), ["senior", "software", "engineer", "backend"]);
    }

    #[test]
    fn apostrophes_join_words() {
        assert_eq!(normalise("Driver's mate O’Brien"), ["drivers", "mate", "obrien"]);
    }

    #[test]
    fn nfkc_folds_compatibility_forms() {
        // Full-width letters and the "ﬁ" ligature become plain ASCII words.
        assert_eq!(normalise("ＣＬＥＡＮＥＲ ﬁtter"), ["cleaner", "fitter"]);
        assert_eq!(normalise("Café Größe"), ["café", "größe"]);
    }

    #[test]
    fn colloquial_and_misspelt_words_expand() {
        assert_eq!(normalise("Brickie"), ["brickie", "bricklayer"]);
        assert_eq!(normalise("sparky"), ["sparky", "electrician"]);
        assert_eq!(normalise("electrition"), ["electrition", "electrician"]);
        assert_eq!(normalise("labor hire"), ["labour", "hire"]);
    }

    #[test]
    fn empty_and_symbol_only_input_gives_no_words() {
        assert!(normalise("").is_empty());
        assert!(normalise("  -- ?? !! ").is_empty());
    }
}
