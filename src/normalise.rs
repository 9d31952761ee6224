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
    let mut words = Vec::new();
    let mut current = String::new();
    for ch in text.nfkc() {
        if ch.is_alphanumeric() {
            current.extend(ch.to_lowercase());
        } else if (ch == '\'' || ch == '\u{2019}') && !current.is_empty() {
            // Apostrophes join, they do not split.
        } else if !current.is_empty() {
            push_word(&mut words, std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        push_word(&mut words, current);
    }
    words
}

fn push_word(words: &mut Vec<String>, word: String) {
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

/// Sorted copies of the tables, checked once: binary search needs them sorted and unique.
#[cfg(test)]
pub(crate) fn tables() -> [&'static [(&'static str, &'static str)]; 2] {
    [EXPANSIONS, VARIANTS]
}

#[cfg(test)]
mod tests {
    use super::*;

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
