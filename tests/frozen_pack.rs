//! A frozen format-version-1 pack must keep loading and coding the same way.
//!
//! `tests/fixtures/pack-v1.ocpk` (1138 bytes) was written once by the ignored test
//! `write_frozen_fixture` in `tests/pack.rs` (`cargo test --test pack -- --ignored
//! write_frozen_fixture`) from that file's tiny pack: codes 1 > 11 > 111 > 1111 > {111111 Baker,
//! 111112 Pastry Cook} and 2 > 21 > 211 > 2111 > 211111 Pilot, 65536 buckets, char 3-4-grams,
//! back-off 0.6/0.3. It is checked in and must never be regenerated: if this test fails, a change
//! to the reader, the featuriser or the hash broke packs already built and deployed. Either
//! undo that change, or make it deliberately (new `FORMAT_VERSION` / `NORMALISER_VERSION`, with
//! the old pack refused by a clear `PackError`) and update this test to expect that error.

use occupation_coder::pack::{read_pack, FORMAT_VERSION};
use occupation_coder::{Coder, Record, UncodedReason};

const V1: &[u8] = include_bytes!("fixtures/pack-v1.ocpk");

fn code(coder: &Coder, title: &str, tasks: &str) -> occupation_coder::CodeResult {
    coder.code(&Record { id: Some("frozen".into()), title: title.into(), tasks: tasks.into() })
}

#[test]
fn frozen_v1_pack_still_loads_and_codes() {
    assert_eq!(V1.len(), 1138, "the frozen fixture itself changed");
    assert_eq!(u16::from_le_bytes([V1[4], V1[5]]), 1);
    const { assert!(FORMAT_VERSION >= 2, "version 2 added the recoding table; v1 packs must still read") };

    let (header, payload) = read_pack(V1).expect("the v1 pack reads");
    assert_eq!(header.classification, "osca2024");
    assert_eq!(header.features.buckets, 65_536);
    assert_eq!(payload.nodes.len(), 12);
    assert_eq!(payload.classifiers.len(), 2);
    assert_eq!(payload.recode, None, "version 1 has no recoding table");

    let coder = Coder::from_bytes(V1).expect("the v1 pack loads");
    let info = coder.info();
    assert_eq!((info.groups, info.occupations), (8, 3));
    assert_eq!(info.format_version, 1, "info reports the loaded pack's version");

    let r = code(&coder, "Baker", "");
    assert!(r.is_coded(), "{r:?}");
    assert_eq!(r.id.as_deref(), Some("frozen"));
    assert_eq!(r.results[0].code_category, "111111");
    assert_eq!(r.results[0].code_label, "Baker");
    assert!(r.results[0].code_confidence > 0.99, "{}", r.results[0].code_confidence);

    assert_eq!(code(&coder, "pastry cook", "").results[0].code_category, "111112");
    assert_eq!(code(&coder, "airline pilot", "flies aircraft").results[0].code_category, "211111");
    assert_eq!(code(&coder, "bread", "").results[0].code_category, "1111", "backs off to the unit group");
    assert_eq!(code(&coder, "chef", "").reason, Some(UncodedReason::Uncertain));
    assert_eq!(code(&coder, "xylophonist", "zither").reason, Some(UncodedReason::Unrecognised));

    let s = coder.suggest("pastry", "", 3).unwrap();
    assert_eq!(s.iter().map(|s| s.code.as_str()).collect::<Vec<_>>()[0], "111112");
}

const V2: &[u8] = include_bytes!("fixtures/pack-v2.ocpk");

/// Version 2 (written by `write_frozen_fixture` when FORMAT_VERSION became 2) adds the
/// recoding table; same tiny model otherwise.
#[test]
fn frozen_v2_pack_loads_codes_and_recodes() {
    assert_eq!(u16::from_le_bytes([V2[4], V2[5]]), 2);
    let coder = Coder::from_bytes(V2).expect("the v2 pack loads");
    assert_eq!(coder.info().format_version, 2);
    assert_eq!(coder.recodes_from(), Some("other"));
    let r = code(&coder, "Baker", "");
    assert_eq!(r.results[0].code_category, "111111");
    // One-to-one link: certain. Unknown source code: uncoded with a reason.
    let one = coder.recode("A1", &Record::default());
    assert_eq!((one.results[0].code_category.as_str(), one.results[0].code_confidence), ("111111", 1.0));
    assert_eq!(coder.recode("ZZ", &Record::default()).reason, Some(UncodedReason::UnknownSourceCode));
    // One-to-many without text cannot be decided; with text the model picks a candidate.
    let none = coder.recode("A2", &Record::default());
    assert_eq!(none.reason, Some(UncodedReason::NeedsText));
    assert_eq!(none.suggestions.len(), 2);
    let picked = coder.recode("A2", &Record { id: None, title: "Pastry Cook".into(), tasks: String::new() });
    assert!(picked.is_coded());
    assert!(["111111", "111112"].contains(&picked.results[0].code_category.as_str()));
    assert!(picked.results[0].code_confidence > 0.0 && picked.results[0].code_confidence <= 1.0);
}

const V3: &[u8] = include_bytes!("fixtures/pack-v3.ocpk");

/// Version 3 (written by `write_frozen_fixture` when FORMAT_VERSION became 3) adds the coding
/// index and the spelling vocabulary; same tiny model otherwise.
#[test]
fn frozen_v3_pack_loads_with_its_index_and_spelling() {
    assert_eq!(u16::from_le_bytes([V3[4], V3[5]]), 3);
    let coder = Coder::from_bytes(V3).expect("the v3 pack loads");
    assert_eq!(coder.info().format_version, 3);
    assert_eq!(coder.index_len(), 2);
    let r = code(&coder, "Croissant maker", "");
    assert_eq!((r.results[0].code_category.as_str(), r.results[0].code_confidence), ("111112", 0.97));
    let r = code(&coder, "crossiant maker", "");
    assert_eq!(r.results[0].code_category, "111112", "corrected, then found in the index");
    assert_eq!(code(&coder, "Baker", "").results[0].code_category, "111111");
    assert_eq!(coder.recode("A1", &Record::default()).results[0].code_category, "111111");
}
