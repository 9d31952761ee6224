//! Respondent-like training examples from the project's lexicon and from the classification's
//! own task statements, so the model learns the language of real answers: colloquial titles,
//! misspellings, plain task phrases, and vague titles ("teacher", "driver", "staff") that only
//! the tasks make precise.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::data::{Data, Scheme};
use crate::examples::{norm_key, Builder, Crosswalks, Source, Target};
use crate::rng::Rng;

/// Titles that say little or nothing about the job: with tasks, the tasks decide. Without
/// tasks most are inadequately described (see `noncodes.rs`); these examples keep them from
/// pulling an answer with real tasks to 099888.
const FILLER_TITLES: &[&str] = &[
    "casual", "staff", "employee", "worker", "team member", "self employed", "contractor", "owner", "full time",
    "part time", "work", "job", "crew", "associate", "labour hire", "general duties", "permanent", "temp",
];

/// Head words that respondents use alone when their title is vague.
const VAGUE_HEADS: &[&str] = &[
    "teacher", "engineer", "driver", "nurse", "manager", "support worker", "officer", "operator", "assistant",
    "technician", "worker", "consultant", "specialist", "coordinator", "supervisor", "labourer", "analyst",
    "designer", "therapist", "clerk", "attendant", "hand", "instructor", "inspector", "mechanic", "fitter",
    "agent", "adviser", "advisor", "administrator", "developer", "scientist", "artist", "cook", "cleaner",
];

pub fn build(b: &mut Builder, data: &Data, scheme: Scheme, xw: &Crosswalks, rng: &mut Rng) {
    let osca = &data.osca;
    let lex = &data.lexicon;
    let w = b.w.clone();
    // Phrases per OSCA code (occupation or unit group).
    let mut phrases: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in &lex.task_phrases {
        phrases.entry(p.code.as_str()).or_default().push(p.phrase.as_str());
    }
    // Ordered, so the draws below (and so the pack) are the same on every build.
    let titles_of: BTreeMap<&str, Vec<&String>> = osca
        .occupations
        .iter()
        .map(|o| (o.code.as_str(), std::iter::once(&o.title).chain(&o.alt_titles).chain(&o.specialisations).collect()))
        .collect();
    // Occupations whose titles use each word: a vague title must be shared by two or more
    // occupations, or it would point at one of them even when typed alone ("artist").
    let mut users: HashMap<String, BTreeSet<&str>> = HashMap::new();
    for (code, ts) in &titles_of {
        for t in ts {
            for word in t.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
                users.entry(word.to_string()).or_default().insert(code);
            }
            for v in VAGUE_HEADS.iter().filter(|v| v.contains(' ') && t.to_lowercase().contains(*v)) {
                users.entry((*v).to_string()).or_default().insert(code);
            }
        }
    }
    let shared = |word: &str| users.get(word).is_some_and(|u| u.len() >= 2);
    let mut used_vague: BTreeSet<String> = BTreeSet::new();
    // OSCA titles under a code (an occupation or a group).
    let titles_under = |code: &str| -> Vec<&String> { titles_of.iter().filter(|(c, _)| c.starts_with(code)).flat_map(|(_, t)| t.iter().copied()).collect() };
    // A vague title these titles' holders would type: the head of the first, or a vague head
    // any of them contains, if other occupations share it; else a filler title.
    let mut vague_among = |titles: &[&String], rng: &mut Rng| -> String {
        let mut options: Vec<String> = Vec::new();
        if let Some(first) = titles.first() {
            let head = vague_head(first);
            if shared(&head) {
                options.push(head);
            }
        }
        for v in VAGUE_HEADS {
            if shared(v) && titles.iter().any(|t| t.to_lowercase().contains(v)) {
                options.push((*v).to_string());
            }
        }
        if options.is_empty() {
            return FILLER_TITLES[rng.below(FILLER_TITLES.len())].to_string();
        }
        let v = options.swap_remove(rng.below(options.len()));
        used_vague.insert(v.clone());
        v
    };
    let all_phrases: Vec<(&str, &str)> = lex.task_phrases.iter().map(|p| (p.code.as_str(), p.phrase.as_str())).collect();

    // Task phrases: alone, after a vague title, after the occupation's own title, after a
    // filler title, and two together.
    for (&code, list) in &phrases {
        let target = xw.osca_target(code);
        for (i, &p) in list.iter().enumerate() {
            b.push("", p, target.clone(), w.task_phrase, Source::TaskPhrase, None);
            let vague = vague_among(&titles_under(code), rng);
            b.push(&vague, p, target.clone(), w.task_phrase, Source::TaskPhrase, None);
            if let Some(ts) = titles_of.get(code) {
                let k = rng.below(ts.len());
                let origin = (k > 0).then(|| norm_key(ts[k]));
                b.push(ts[k], p, target.clone(), w.task_phrase * 0.5, Source::TaskPhrase, origin);
            }
            if i % 3 == 0 {
                let filler = FILLER_TITLES[rng.below(FILLER_TITLES.len())];
                b.push(filler, p, target.clone(), w.task_phrase * 0.5, Source::TaskPhrase, None);
            }
        }
        if list.len() >= 2 {
            let two = rng.sample(list, 2);
            b.push("", &format!("{}, {}", two[0], two[1]), target.clone(), w.task_phrase, Source::TaskPhrase, None);
            let vague = vague_among(&titles_under(code), rng);
            b.push(&vague, &format!("{} and {}", two[0], two[1]), target.clone(), w.task_phrase, Source::TaskPhrase, None);
        }
    }

    // Lexicon terms: a term that names a code trains it, alone and with that code's phrases;
    // one that names none (employers, levels, context) is seen with other jobs' phrases, so
    // its words learn to count for little.
    for t in &lex.terms {
        let term = t.term.trim();
        let code = match scheme {
            Scheme::Osca2024 => t.osca2024.trim(),
            Scheme::Anzsco2022 => t.anzsco2022.trim(),
        };
        if !code.is_empty() {
            let target = match scheme {
                Scheme::Osca2024 => xw.osca_target(code),
                Scheme::Anzsco2022 => xw.anzsco_target(code),
            };
            b.push(term, "", target.clone(), w.lexicon_term, Source::LexiconTerm, None);
            let osca_code = t.osca2024.trim();
            let mine: Vec<&str> = phrases.iter().filter(|(c, _)| !osca_code.is_empty() && c.starts_with(osca_code)).flat_map(|(_, l)| l.iter().copied()).collect();
            for p in rng.sample(&mine, 2.min(mine.len())) {
                b.push(term, p, target.clone(), w.lexicon_term * 0.5, Source::LexiconTerm, None);
            }
        } else if !all_phrases.is_empty() {
            for _ in 0..3 {
                let (c, p) = all_phrases[rng.below(all_phrases.len())];
                b.push(term, p, xw.osca_target(c), w.task_phrase * 0.5, Source::LexiconTerm, None);
            }
        }
    }

    // The classification's task statements as respondents write them.
    let own = data.classification(scheme);
    for o in &own.occupations {
        let target = Target::Code(o.code.clone());
        // The occupation's own titles: its code is of this classification, not OSCA's.
        let titles: Vec<&String> = std::iter::once(&o.title).chain(&o.alt_titles).chain(&o.specialisations).collect();
        for task in &o.tasks {
            let Some(r) = respondent_rewrite(task) else { continue };
            b.push("", &r, target.clone(), w.task_rewrite, Source::TaskRewrite, None);
            let vague = vague_among(&titles, rng);
            b.push(&vague, &r, target.clone(), w.task_rewrite, Source::TaskRewrite, None);
        }
    }
    // A vague title typed alone names only the group all its users share (none when they
    // span major groups): balances the vague-title-with-tasks examples above.
    for v in std::mem::take(&mut used_vague) {
        let codes: Vec<&str> = users[&v].iter().copied().collect();
        let common = codes.iter().skip(1).fold(codes[0].len(), |n, c| codes[0].bytes().zip(c.bytes()).take(n).take_while(|(a, b)| a == b).count());
        let group = &codes[0][..[0, 1, 2, 3, 4, 4, 6][common]];
        if !group.is_empty() {
            b.push(&v, "", xw.osca_target(group), w.lexicon_term, Source::TaskPhrase, None);
        } else {
            // Users in several major groups: alone, the title says nothing codable, which
            // is what the ABS's "inadequately described" code is for.
            b.push(&v, "", Target::Code(crate::noncodes::INADEQUATE.into()), w.lexicon_term, Source::TaskPhrase, None);
        }
    }
    // Misspelt titles from the lexicon's list.
    let mut slips: HashMap<&str, Vec<&str>> = HashMap::new();
    for m in &lex.misspellings {
        slips.entry(m.correct.as_str()).or_default().push(m.misspelt.as_str());
    }
    for o in &own.occupations {
        for (k, t) in std::iter::once(&o.title).chain(&o.alt_titles).enumerate() {
            let lower = t.to_lowercase();
            let words: Vec<&str> = lower.split_whitespace().collect();
            for (i, word) in words.iter().enumerate() {
                let Some(options) = slips.get(word.trim_matches(|c: char| !c.is_alphanumeric())) else { continue };
                // Every listed slip: respondents' misspellings of a word are many and
                // varied, and each is worth learning.
                for slip in options {
                    let mut out: Vec<&str> = words.clone();
                    out[i] = slip;
                    let origin = (k > 0).then(|| norm_key(t));
                    b.push(&out.join(" "), "", Target::Code(o.code.clone()), w.misspelt, Source::LexiconMisspelt, origin);
                }
            }
        }
    }
}

/// The head word of a title ("Secondary School Teacher" -> "teacher").
fn vague_head(title: &str) -> String {
    title.split(" (").next().unwrap_or(title).split_whitespace().last().unwrap_or("").to_lowercase()
}

/// "Lays bricks, blocks and stone to build walls" -> "laying bricks, blocks and stone": the
/// first clause of a third-person task statement in the gerund, lower case, at most 8 words.
pub fn respondent_rewrite(task: &str) -> Option<String> {
    let lower = task.to_lowercase();
    let mut words = lower.split_whitespace();
    let verb = words.next()?;
    let gerund = gerund(verb)?;
    let rest: Vec<&str> = words.take_while(|w| !w.ends_with(';')).take(7).collect();
    let mut text = std::iter::once(gerund.as_str()).chain(rest.iter().copied()).collect::<Vec<_>>().join(" ");
    if let Some(cut) = text.find(" such as ").or_else(|| text.find(" to ensure")) {
        text.truncate(cut);
    }
    Some(text.trim_end_matches([',', '.', ';']).to_string())
}

/// "lays" -> "laying", "analyses" -> "analysing", "studies" -> "studying", "cuts" ->
/// "cutting", "fixes" -> "fixing"; `None` for a word that is not a third-person verb.
fn gerund(verb: &str) -> Option<String> {
    if !verb.ends_with('s') || verb.len() < 4 || !verb.bytes().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    let stem = if let Some(s) = verb.strip_suffix("ies") {
        format!("{s}y")
    } else if ["sses", "shes", "ches", "xes", "zes"].iter().any(|e| verb.ends_with(e)) {
        verb[..verb.len() - 2].to_string()
    } else {
        verb[..verb.len() - 1].to_string()
    };
    let vowels = |c: u8| b"aeiou".contains(&c);
    let b = stem.as_bytes();
    let n = b.len();
    if stem.ends_with('e') && !stem.ends_with("ee") && !stem.ends_with("ye") && !stem.ends_with("oe") && n > 2 {
        return Some(format!("{}ing", &stem[..n - 1]));
    }
    let syllables = b.windows(2).filter(|w| !vowels(w[0]) && vowels(w[1])).count() + usize::from(vowels(b[0]));
    if n >= 3 && syllables == 1 && !vowels(b[n - 1]) && vowels(b[n - 2]) && !vowels(b[n - 3]) && !b"wxy".contains(&b[n - 1]) {
        return Some(format!("{stem}{}ing", char::from(b[n - 1])));
    }
    Some(format!("{stem}ing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_statements_read_as_respondents_write() {
        assert_eq!(gerund("lays").as_deref(), Some("laying"));
        assert_eq!(gerund("analyses").as_deref(), Some("analysing"));
        assert_eq!(gerund("studies").as_deref(), Some("studying"));
        assert_eq!(gerund("cuts").as_deref(), Some("cutting"));
        assert_eq!(gerund("fixes").as_deref(), Some("fixing"));
        assert_eq!(gerund("develops").as_deref(), Some("developing"));
        assert_eq!(gerund("operates").as_deref(), Some("operating"));
        assert_eq!(gerund("teaches").as_deref(), Some("teaching"));
        assert_eq!(gerund("plans").as_deref(), Some("planning"));
        assert_eq!(gerund("the"), None);
        assert_eq!(
            respondent_rewrite("Lays bricks, blocks and stone to build walls, partitions and arches").as_deref(),
            Some("laying bricks, blocks and stone to build walls")
        );
    }
}
