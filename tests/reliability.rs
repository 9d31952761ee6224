//! Reliability of the core under hostile input: the one text limit holds for every call,
//! featurising costs time linear in the text, and pack numbers that would make probabilities
//! NaN (or texts quadratic to featurise) are refused on load.
//!
//! Uses the frozen v2 fixture pack only, so nothing here depends on the shipped models.

use std::time::{Duration, Instant};

use occupation_coder::coder::text_too_long;
use occupation_coder::features::{featurise, FeatureParams};
use occupation_coder::pack::{read_pack, write_pack, PackHeader, PackPayload, MAX_CHAR_NGRAM, MAX_PARAMETER};
use occupation_coder::{CodeError, Coder, Coding, PackError, Record, UncodedReason, MAX_TEXT_CHARS};

const V2: &[u8] = include_bytes!("fixtures/pack-v2.ocpk");

fn coder() -> Coder {
    Coder::from_bytes(V2).expect("the frozen v2 fixture loads")
}

fn too_long(c: &Coding) -> bool {
    matches!(c, Coding::Uncoded { reason: UncodedReason::TooLong, .. })
}

/// Texts of exactly the limit and one more character, counted in characters (not bytes),
/// split between title and tasks in every way.
fn at_and_over_the_limit() -> Vec<(String, String, bool)> {
    let mut cases = Vec::new();
    for unit in ["a", "é", "🧱"] {
        for split in [0, 1, MAX_TEXT_CHARS / 2, MAX_TEXT_CHARS] {
            for extra in [0, 1] {
                let total = MAX_TEXT_CHARS + extra;
                let (title, tasks) = (unit.repeat(split.min(total)), unit.repeat(total - split.min(total)));
                cases.push((title, tasks, extra == 1));
            }
        }
    }
    cases
}

#[test]
fn one_text_limit_for_code_recode_suggest_and_suggest_within() {
    let coder = coder();
    for (title, tasks, over) in at_and_over_the_limit() {
        let what = format!("{} + {} chars of {:?}", title.chars().count(), tasks.chars().count(), title.chars().next().or(tasks.chars().next()));
        assert_eq!(text_too_long(&title, &tasks), over, "{what}");
        assert_eq!(too_long(&coder.decide(&title, &tasks)), over, "decide, {what}");
        assert_eq!(too_long(&coder.decide_recode("A2", &title, &tasks)), over, "decide_recode, {what}");
        let r = coder.code(&Record { id: Some("x".into()), title: title.clone(), tasks: tasks.clone() });
        assert_eq!(r.reason == Some(UncodedReason::TooLong), over, "code, {what}");
        let refused = Err(CodeError::TextTooLong { max: MAX_TEXT_CHARS });
        assert_eq!(coder.suggest(&title, &tasks, 3).is_err(), over, "suggest, {what}");
        assert_eq!(coder.suggest_within("1", &title, &tasks, 3).is_err(), over, "suggest_within, {what}");
        if over {
            assert_eq!(coder.suggest(&title, &tasks, 3), refused);
            assert_eq!(coder.suggest_within("1", &title, &tasks, 3), refused);
        }
    }
    // A bad k is still reported as such, whatever the text.
    assert_eq!(coder.suggest("baker", "", 0), Err(CodeError::BadK { k: 0, max: occupation_coder::MAX_K }));
    let message = CodeError::TextTooLong { max: MAX_TEXT_CHARS }.to_string();
    assert!(message.contains("10000 characters") && message.contains("shorten"), "{message}");
}

/// The limit is judged without reading a huge text to its end.
#[test]
fn a_huge_text_is_refused_quickly() {
    let coder = coder();
    let huge = "x".repeat(256 << 20);
    let start = Instant::now();
    assert!(too_long(&coder.decide(&huge, "")));
    assert!(too_long(&coder.decide("baker", &huge)));
    assert!(coder.suggest(&huge, "", 5).is_err());
    // Reading 256 MiB even once takes tens of milliseconds; judging takes microseconds.
    assert!(start.elapsed() < Duration::from_millis(20), "{:?}", start.elapsed());
}

/// The fastest of a few runs of `f` (one core is shared with other work).
fn fastest(f: impl Fn()) -> Duration {
    (0..7)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// Eight times the text must cost about eight times as much, not 64 (quadratic). Texts that
/// repeat a few words are the hard case: few distinct feature ids, each many times over.
#[test]
fn featurising_costs_time_linear_in_the_text() {
    let params = FeatureParams::default();
    let coder = coder();
    let texts: [(&str, fn(usize) -> String); 4] = [
        // NFKC makes each of these four Arabic words.
        ("U+FDFA", |n| "\u{FDFA}".repeat(n)),
        ("a phrase", |n| "registered nurse aged care ".repeat(n / 27)),
        ("two short words", |n| "ab cd ".repeat(n / 6)),
        ("numbers", |n| (0..n / 6).map(|i| format!("{i:05} ")).collect()),
    ];
    for (name, make) in texts {
        let (short, long) = (make(MAX_TEXT_CHARS / 8), make(MAX_TEXT_CHARS));
        for (field, f) in [("title", 0), ("tasks", 1)] {
            let run = |text: &str| {
                let (title, tasks) = if f == 0 { (text, "") } else { ("", text) };
                fastest(|| {
                    std::hint::black_box(featurise(&params, title, tasks));
                    std::hint::black_box(coder.decide(title, tasks));
                })
            };
            let (a, b) = (run(&short), run(&long));
            let ratio = b.as_secs_f64() / a.as_secs_f64().max(1e-6);
            println!("{name} as {field}: {a:?} -> {b:?}, {ratio:.1} times");
            assert!(ratio < 24.0, "{name} as {field}: {} chars {a:?}, {} chars {b:?}: {ratio:.1} times", short.chars().count(), long.chars().count());
        }
    }
}

/// The fixture with `edit` applied, written as a pack (CRC and all), then loaded.
fn load_edited(edit: impl FnOnce(&mut PackHeader, &mut PackPayload)) -> Result<Coder, PackError> {
    let (mut header, mut payload) = read_pack(V2).unwrap();
    edit(&mut header, &mut payload);
    Coder::from_bytes(&write_pack(&header, &payload).unwrap())
}

fn refused(edit: impl FnOnce(&mut PackHeader, &mut PackPayload), phrase: &str) {
    match load_edited(edit) {
        Err(e @ PackError::Invalid(_)) => assert!(e.to_string().contains(phrase), "{e} (expected {phrase:?})"),
        Err(e) => panic!("refused, but not as Invalid: {e}"),
        Ok(_) => panic!("loaded (expected a refusal saying {phrase:?})"),
    }
}

/// Finite but extreme numbers passed the old checks: with the root's scale at 3e38 the
/// decision values overflow to infinity, infinity minus infinity is NaN, and "baker pilot"
/// came out coded with confidence NaN; with a temperature of -1, "baker" came out as Pilot with
/// confidence 1 (the probabilities inverted).
#[test]
fn pack_numbers_that_would_break_probabilities_are_refused() {
    assert!(load_edited(|_, _| {}).is_ok(), "the fixture itself loads");
    for t in [0.0, -1.0, f32::NEG_INFINITY, MAX_PARAMETER * 2.0] {
        refused(|_, p| p.classifiers[0].temperature = t, "temperature");
    }
    for s in [3e38, 1e30, -1e30] {
        refused(|_, p| p.classifiers[1].scale = s, "scale or bias is more than");
    }
    refused(|_, p| p.classifiers[0].bias[0] = -1e20, "scale or bias is more than");
    refused(|h, _| h.features.block_weights.task_words = 1e30, "block weights");
    // The largest values allowed keep every probability a number.
    let coder = load_edited(|h, p| {
        h.features.block_weights.title_words = MAX_PARAMETER;
        for c in &mut p.classifiers {
            c.temperature = MAX_PARAMETER;
            c.scale = MAX_PARAMETER;
            c.bias.iter_mut().enumerate().for_each(|(i, b)| *b = if i % 2 == 0 { MAX_PARAMETER } else { -MAX_PARAMETER });
        }
    })
    .expect("the largest values load");
    for title in ["baker", "pastry cook", "pilot aircraft", &"baker bread ".repeat(800)] {
        for s in coder.suggest(title, "dough", 5).unwrap() {
            assert!(s.confidence.is_finite() && (0.0..=1.0).contains(&s.confidence), "{title:.20}: {s:?}");
        }
        if let Coding::Coded { confidence, .. } = coder.decide(title, "") {
            assert!(confidence.is_finite(), "{title:.20}");
        }
    }
}

/// An unbounded character n-gram length would make one long title word cost the square of its
/// length; lengths in the wrong order are a damaged header.
#[test]
fn character_ngram_lengths_are_bounded() {
    refused(|h, _| h.features.char_ngrams = (1, 200), "character n-grams");
    refused(|h, _| h.features.char_ngrams = (1, MAX_CHAR_NGRAM + 1), "character n-grams");
    refused(|h, _| h.features.char_ngrams = (5, 3), "character n-grams");
    assert!(load_edited(|h, _| h.features.char_ngrams = (1, MAX_CHAR_NGRAM)).is_ok());
    assert!(load_edited(|h, _| h.features.char_ngrams = (0, 0)).is_ok(), "(0, 0) turns them off");
}
