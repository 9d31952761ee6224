//! Arbitrary UTF-8 as a title and tasks: normalising, featurising, coding and suggesting must
//! never panic, and results must be well formed. Uses the frozen v1 test pack.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use occupation_coder::features::featurise;
use occupation_coder::normalise::normalise;
use occupation_coder::coder::text_too_long;
use occupation_coder::{CodeError, Coder, Record, UncodedReason};

static PACK: &[u8] = include_bytes!("../../fixtures/pack-v1.ocpk");

fn coder() -> &'static Coder {
    static CODER: OnceLock<Coder> = OnceLock::new();
    CODER.get_or_init(|| Coder::from_bytes(PACK).expect("frozen fixture loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The first tab (or, failing that, newline) separates title from tasks.
    let (title, tasks) = text.split_once('\t').or_else(|| text.split_once('\n')).unwrap_or((text, ""));
    let coder = coder();

    let words = normalise(title);
    assert!(words.iter().all(|w| !w.is_empty()));
    let x = featurise(&coder.header().features, title, tasks);
    assert!(x.ids.windows(2).all(|w| w[0] < w[1]), "feature ids strictly increasing");
    assert_eq!(x.ids.len(), x.values.len());
    assert!(x.ids.iter().all(|&id| id < coder.header().features.buckets));
    assert!(x.values.iter().all(|v| v.is_finite()));

    let r = coder.code(&Record { id: None, title: title.into(), tasks: tasks.into() });
    if r.is_coded() {
        let c = &r.results[0];
        assert!(c.code_confidence.is_finite() && (0.0..=1.0001).contains(&c.code_confidence));
        assert_eq!(c.path.len(), [0, 1, 2, 3, 4, 0, 5][usize::from(c.code_level)]);
    } else {
        assert!(r.reason.is_some());
        if r.reason == Some(UncodedReason::Empty) {
            assert!(x.is_empty());
        }
    }
    // One text limit: too long for suggestions exactly when too long to code.
    let over = text_too_long(title, tasks);
    assert_eq!(over, title.chars().count() + tasks.chars().count() > occupation_coder::MAX_TEXT_CHARS);
    assert_eq!(r.reason == Some(UncodedReason::TooLong), over);
    match coder.suggest(title, tasks, 3) {
        Ok(s) => {
            assert!(!over);
            assert!(s.len() <= 3);
            assert!(s.windows(2).all(|w| w[0].confidence >= w[1].confidence));
        }
        Err(e) => assert!(over && matches!(e, CodeError::TextTooLong { .. }), "{e}"),
    }
});
