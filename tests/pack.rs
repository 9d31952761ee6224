//! Model pack format tests: a tiny pack built in code, its round trip, and every way a damaged
//! or inconsistent pack is refused (each `PackError` variant, with a helpful message).
//!
//! The tiny pack (see [`tiny`]):
//!
//! ```text
//! root ─┬─ 1 ─ 11 ─ 111 ─ 1111 ─┬─ 111111 Baker
//!       │                        └─ 111112 Pastry Cook
//!       └─ 2 ─ 21 ─ 211 ─ 2111 ─── 211111 Pilot
//! ```
//!
//! Classifiers exist for the two nodes with two children (root and unit group 1111). Words:
//! "baker" and "pastry" (and the task word "dough") lead to group 1 and on to their occupation,
//! "pilot"/"aircraft" to group 2, "bread" is sure of group 1 but split evenly between the two
//! occupations (so the coder backs off to 1111), and "chef" is split evenly at the root (so the
//! coder is uncertain).

use std::collections::BTreeMap;

use occupation_coder::features::{featurise, BlockWeights, FeatureParams, HASH_NAME};
use occupation_coder::normalise::NORMALISER_VERSION;
use occupation_coder::pack::{
    read_header, read_pack, write_pack, BackoffRule, ClassifierRecord, NodeRecord, PackHeader, PackPayload, RecodeTable, FORMAT_VERSION,
    MAGIC, QUANTISATION,
};
use occupation_coder::index::{Entry as IndexEntry, IndexRecord};
use occupation_coder::spelling::SpellingRecord;
use occupation_coder::{CodeError, Coder, PackError, Record, UncodedReason, MAX_BATCH, MAX_K, MAX_TEXT_CHARS};

const ROOT: u32 = 0;
const UNIT_1111: u32 = 7;

fn header() -> PackHeader {
    PackHeader {
        classification: "osca2024".into(),
        classification_version: "Tiny test fixture (not a real model)".into(),
        trainer_version: "test".into(),
        normaliser_version: NORMALISER_VERSION,
        hash: HASH_NAME.into(),
        features: FeatureParams {
            seed: 0x0CC0_DE24,
            buckets: 1 << 16,
            char_ngrams: (3, 4),
            block_weights: BlockWeights { title_words: 1.0, title_chars: 0.6, task_words: 0.7, any_words: 0.4 },
        },
        quantisation: QUANTISATION.into(),
    }
}

fn nodes() -> Vec<NodeRecord> {
    let n = |code: &str, label: &str, parent: u32| NodeRecord { code: code.into(), label: label.into(), parent };
    vec![
        n("", "All occupations", 0),        // 0
        n("1", "Food Workers", 0),          // 1
        n("2", "Transport Workers", 0),     // 2
        n("11", "Food Trades Workers", 1),  // 3
        n("21", "Air Transport", 2),        // 4
        n("111", "Bakers and Cooks", 3),    // 5
        n("211", "Aircraft Pilots", 4),     // 6
        n("1111", "Bakers and Pastry Cooks", 5), // 7
        n("2111", "Pilots", 6),             // 8
        n("111111", "Baker", 7),            // 9
        n("111112", "Pastry Cook", 7),      // 10
        n("211111", "Pilot", 8),            // 11
    ]
}

/// Quantised weights per child, keyed by word: (root weights, unit group 1111 weights).
const VOCABULARY: &[(&str, [i8; 2], [i8; 2])] = &[
    ("baker", [100, 0], [100, 0]),
    ("dough", [100, 0], [100, 0]),
    ("pastry", [100, 0], [0, 100]),
    ("bread", [100, 0], [50, 50]),
    ("pilot", [0, 100], [0, 0]),
    ("aircraft", [0, 100], [0, 0]),
    ("chef", [50, 50], [0, 0]),
];

/// A sparse classifier giving each word's features (title words, title characters, task
/// words, either-field words) the word's weights.
fn classifier(node: u32, pick: impl Fn(&([i8; 2], [i8; 2])) -> [i8; 2]) -> ClassifierRecord {
    let params = header().features;
    let mut rows: BTreeMap<u32, [i32; 2]> = BTreeMap::new();
    for &(word, at_root, at_unit) in VOCABULARY {
        let w = pick(&(at_root, at_unit));
        if w == [0, 0] {
            continue;
        }
        let mut ids = featurise(&params, word, "").ids;
        ids.extend(featurise(&params, "", word).ids);
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let row = rows.entry(id).or_default();
            row[0] += i32::from(w[0]);
            row[1] += i32::from(w[1]);
        }
    }
    let mut r = ClassifierRecord { node, temperature: 1.0, scale: 0.1, bias: vec![0.0, 0.0], ..Default::default() };
    let mut prev = 0;
    for (id, row) in rows {
        r.id_deltas.push(id - prev);
        prev = id;
        let mut len = 0;
        for (child, &w) in row.iter().enumerate() {
            if w != 0 {
                r.children.push(child as u8);
                r.weights.push(w.clamp(-127, 127) as i8);
                len += 1;
            }
        }
        r.row_lens.push(len);
    }
    r
}

fn payload() -> PackPayload {
    PackPayload {
        nodes: nodes(),
        classifiers: vec![classifier(ROOT, |w| w.0), classifier(UNIT_1111, |w| w.1)],
        backoff: BackoffRule { min_conditional: 0.6, min_joint: 0.3 },
        non_classification: vec!["099960".into()],
        recode: Some(RecodeTable { from: "other".into(), links: vec![("A1".into(), vec!["111111".into()]), ("A2".into(), vec!["111111".into(), "111112".into()])] }),
        // "croissant maker" is a known answer for Pastry Cook the model alone would not find;
        // "cook" alone is held as the unit group.
        index: Some(IndexRecord::from_entries(
            vec![
                IndexEntry { key: "croissant maker".into(), node: 10, tier: 0 },
                IndexEntry { key: "cook".into(), node: 7, tier: 1 },
            ],
            vec!["classification title".into(), "project lexicon".into()],
            vec![0.97, 0.9],
        )),
        spelling: Some(SpellingRecord::from_counts(
            ["baker", "pastry", "pilot", "croissant", "maker", "cook"].iter().map(|w| (w.to_string(), 10)).collect(),
        )),
    }
}

/// The tiny pack's bytes.
fn tiny() -> Vec<u8> {
    write_pack(&header(), &payload()).expect("tiny pack serialises")
}

/// Byte offsets within a pack: (header start, header end, payload start, payload end).
fn sections(bytes: &[u8]) -> (usize, usize, usize, usize) {
    let head_len = u32::from_le_bytes(bytes[6..10].try_into().unwrap()) as usize;
    let head_end = 10 + head_len;
    let body_len = u32::from_le_bytes(bytes[head_end..head_end + 4].try_into().unwrap()) as usize;
    (10, head_end, head_end + 4, head_end + 4 + body_len)
}

/// Recomputes the trailing CRC after a deliberate edit.
fn fix_crc(bytes: &mut [u8]) {
    let at = bytes.len() - 4;
    let crc = crc32fast::hash(&bytes[..at]);
    bytes[at..].copy_from_slice(&crc.to_le_bytes());
}

/// A pack with the given raw header and payload sections and a correct checksum.
fn raw_pack(head: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(head.len() as u32).to_le_bytes());
    out.extend_from_slice(head);
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&[0; 4]);
    fix_crc(&mut out);
    out
}

fn load_err(bytes: &[u8]) -> PackError {
    Coder::from_bytes(bytes).expect_err("the pack must be refused")
}

/// Asserts the error's message contains every phrase (messages must say what to do).
fn says(e: &PackError, phrases: &[&str]) {
    let msg = e.to_string();
    for p in phrases {
        assert!(msg.contains(p), "message {msg:?} should contain {p:?}");
    }
}

fn invalid_payload(edit: impl FnOnce(&mut PackPayload)) -> String {
    let mut p = payload();
    edit(&mut p);
    let bytes = write_pack(&header(), &p).expect("serialises");
    match load_err(&bytes) {
        e @ PackError::Invalid(_) => {
            says(&e, &["inconsistent", "rebuild it with `model-pack build`"]);
            e.to_string()
        }
        e => panic!("expected Invalid, got {e:?}"),
    }
}

fn code(coder: &Coder, title: &str, tasks: &str) -> occupation_coder::CodeResult {
    coder.code(&Record { id: None, title: title.into(), tasks: tasks.into() })
}

fn coded(coder: &Coder, title: &str, tasks: &str) -> String {
    let r = code(coder, title, tasks);
    assert!(r.is_coded(), "{title:?}/{tasks:?} not coded: {r:?}");
    r.results[0].code_category.clone()
}

// ---------------------------------------------------------------------------------------------
// Round trip and coding

#[test]
fn round_trip_gives_equal_header_and_payload() {
    let bytes = tiny();
    let (h, p) = read_pack(&bytes).expect("reads back");
    assert_eq!(h, header());
    assert_eq!(p, payload());
    assert_eq!(read_header(&bytes).unwrap(), header());
    // Writing is deterministic.
    assert_eq!(write_pack(&h, &p).unwrap(), bytes);
    assert_eq!(&bytes[..4], b"OCPK");
    assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), FORMAT_VERSION);
}

#[test]
fn coder_codes_words_it_was_given_weight_for() {
    let coder = Coder::from_bytes(&tiny()).expect("tiny pack loads");
    assert_eq!(coded(&coder, "Baker", ""), "111111");
    assert_eq!(coded(&coder, "pastry", ""), "111112");
    assert_eq!(coded(&coder, "PILOT", ""), "211111");
    assert_eq!(coded(&coder, "", "flies aircraft"), "211111");
    assert_eq!(coded(&coder, "baker", "makes dough"), "111111");

    let r = code(&coder, "Baker", "");
    let c = &r.results[0];
    assert_eq!(c.code_label, "Baker");
    assert_eq!(c.code_level, 6);
    assert!(c.code_confidence > 0.9, "{}", c.code_confidence);
    let path: Vec<&str> = c.path.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(path, ["1", "11", "111", "1111", "111111"]);

    let info = coder.info();
    assert_eq!(info.occupations, 3);
    assert_eq!(info.groups, 8);
    assert_eq!(info.buckets, 1 << 16);
    assert_eq!(info.non_classification_codes, ["099960"]);
    assert_eq!(coder.label("2111"), Some("Pilots"));
    assert_eq!(coder.label("9"), None);
}

#[test]
fn coder_backs_off_when_the_occupation_is_unsure() {
    let coder = Coder::from_bytes(&tiny()).unwrap();
    let r = code(&coder, "bread", "");
    assert!(r.is_coded());
    assert_eq!(r.results[0].code_category, "1111");
    assert_eq!(r.results[0].code_level, 4);
}

#[test]
fn coder_is_uncertain_when_the_major_group_is_unsure() {
    let coder = Coder::from_bytes(&tiny()).unwrap();
    let r = code(&coder, "chef", "");
    assert!(!r.is_coded());
    assert_eq!(r.reason, Some(UncodedReason::Uncertain));
    assert!(r.results.is_empty());
    assert_eq!(r.suggestions.len(), 3, "uncoded records carry suggestions");
}

#[test]
fn suggest_ranks_occupations() {
    let coder = Coder::from_bytes(&tiny()).unwrap();
    let s = coder.suggest("pastry", "", 3).unwrap();
    let codes: Vec<&str> = s.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes.len(), 3);
    assert_eq!(codes[0], "111112");
    assert!(s.windows(2).all(|w| w[0].confidence >= w[1].confidence), "best first");
    assert_eq!(s[0].level, 6);
    assert_eq!(coder.suggest("pilot", "", 1).unwrap()[0].code, "211111");
    assert!(coder.suggest("", "", 5).unwrap().is_empty());
    assert_eq!(coder.suggest("pilot", "", 0), Err(CodeError::BadK { k: 0, max: MAX_K }));
    assert_eq!(coder.suggest("pilot", "", MAX_K + 1), Err(CodeError::BadK { k: MAX_K + 1, max: MAX_K }));
}

#[test]
fn code_reports_empty_unrecognised_and_too_long() {
    let coder = Coder::from_bytes(&tiny()).unwrap();
    for (title, tasks) in [("", ""), ("  -- ?? ", "!!")] {
        let r = code(&coder, title, tasks);
        assert_eq!(r.reason, Some(UncodedReason::Empty), "{title:?}");
        assert!(!r.is_coded() && r.results.is_empty() && r.suggestions.is_empty());
    }
    // No feature of these (words, title character n-grams) has weight in the root classifier.
    let r = code(&coder, "xylophonist", "zither");
    assert_eq!(r.reason, Some(UncodedReason::Unrecognised));
    assert!(!r.is_coded());

    let long = "baker ".repeat(MAX_TEXT_CHARS / 6 + 1);
    assert!(long.chars().count() > MAX_TEXT_CHARS);
    assert_eq!(code(&coder, &long, "").reason, Some(UncodedReason::TooLong));
    // The limit is on title and tasks together.
    let half = "b".repeat(MAX_TEXT_CHARS / 2 + 1);
    assert_eq!(code(&coder, &half, &half).reason, Some(UncodedReason::TooLong));
    let exactly = format!("baker {}", "x".repeat(MAX_TEXT_CHARS - 6));
    assert_ne!(code(&coder, &exactly, "").reason, Some(UncodedReason::TooLong));
}

#[test]
fn code_batch_keeps_order_and_refuses_more_than_max_batch() {
    let coder = Coder::from_bytes(&tiny()).unwrap();
    let rec = |i: usize, title: &str| Record { id: Some(i.to_string()), title: title.into(), tasks: String::new() };
    let records: Vec<Record> = (0..MAX_BATCH).map(|i| rec(i, if i % 2 == 0 { "baker" } else { "pilot" })).collect();
    let out = coder.code_batch(&records).expect("a full batch is fine");
    assert_eq!(out.len(), MAX_BATCH);
    assert_eq!(out[0].id.as_deref(), Some("0"));
    assert_eq!(out[0].results[0].code_category, "111111");
    assert_eq!(out[299].results[0].code_category, "211111");

    let too_many: Vec<Record> = (0..MAX_BATCH + 1).map(|i| rec(i, "baker")).collect();
    let e = coder.code_batch(&too_many).unwrap_err();
    assert_eq!(e, CodeError::BatchTooLarge { len: 301, max: 300 });
    let msg = e.to_string();
    assert!(msg.contains("301") && msg.contains("at most 300") && msg.contains("streaming"), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// Framing errors

#[test]
fn too_short() {
    for len in [0, 4, 9] {
        let e = load_err(&tiny()[..len]);
        assert_eq!(e, PackError::TooShort { len });
        says(&e, &["too short", "rebuild it with `model-pack build`"]);
    }
}

#[test]
fn bad_magic() {
    let mut bytes = tiny();
    bytes[..4].copy_from_slice(b"PK\x03\x04");
    let e = load_err(&bytes);
    assert_eq!(e, PackError::BadMagic { found: *b"PK\x03\x04" });
    says(&e, &["not an occupation-coder model pack", "check the file or URL"]);
}

#[test]
fn unsupported_version() {
    for v in [0u16, FORMAT_VERSION + 1, u16::MAX] {
        let mut bytes = tiny();
        bytes[4..6].copy_from_slice(&v.to_le_bytes());
        let e = load_err(&bytes);
        assert_eq!(e, PackError::UnsupportedVersion { found: v, supported: FORMAT_VERSION });
        says(&e, &[&format!("version {v}"), "rebuild the pack", "upgrade occupation-coder"]);
    }
}

#[test]
fn truncated_anywhere() {
    let bytes = tiny();
    let (h0, h1, p0, p1) = sections(&bytes);
    let cuts = [10, h0 + 1, (h0 + h1) / 2, h1, h1 + 2, p0, p0 + 1, (p0 + p1) / 2, p1, bytes.len() - 1];
    for cut in cuts {
        let e = load_err(&bytes[..cut]);
        assert!(matches!(e, PackError::Truncated { found, .. } if found == cut), "cut at {cut}: {e:?}");
        says(&e, &["truncated", "download or rebuild"]);
    }
    // Every other cut point is refused too, and never panics.
    for cut in 0..bytes.len() {
        assert!(Coder::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn trailing_bytes() {
    let mut bytes = tiny();
    bytes.extend_from_slice(b"xyz");
    let e = load_err(&bytes);
    assert_eq!(e, PackError::TrailingBytes { extra: 3 });
    says(&e, &["3 unexpected trailing bytes", "corrupted or concatenated"]);
}

#[test]
fn checksum_mismatch() {
    let bytes = tiny();
    let (_, h1, p0, p1) = sections(&bytes);
    // A flipped bit in the header, the payload, or the checksum itself.
    for at in [12, h1 - 1, p0 + 3, (p0 + p1) / 2, p1 - 1, bytes.len() - 1] {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x10;
        let e = load_err(&damaged);
        assert!(matches!(e, PackError::ChecksumMismatch { stored, computed } if stored != computed), "byte {at}: {e:?}");
        says(&e, &["checksum mismatch", "corrupt", "download or rebuild"]);
    }
}

#[test]
fn bad_header() {
    // Garbage header under a valid checksum: a string length running past the section.
    let e = load_err(&raw_pack(&[0xff, 0xff, 0xff, 0x0f], &[]));
    assert!(matches!(e, PackError::BadHeader(_)), "{e:?}");
    says(&e, &["header could not be decoded", "corrupt"]);

    // A real header cut short, checksum recomputed.
    let bytes = tiny();
    let (h0, h1, p0, p1) = sections(&bytes);
    let e = load_err(&raw_pack(&bytes[h0..h1 - 3], &bytes[p0..p1]));
    assert!(matches!(e, PackError::BadHeader(_)), "{e:?}");

    // An absurd header length is refused before anything is allocated.
    let mut huge = tiny();
    huge[6..10].copy_from_slice(&u32::MAX.to_le_bytes());
    let e = load_err(&huge);
    assert!(matches!(&e, PackError::BadHeader(m) if m.contains("exceeds")), "{e:?}");
}

#[test]
fn bad_payload() {
    let bytes = tiny();
    let (h0, h1, p0, p1) = sections(&bytes);
    let header = &bytes[h0..h1];
    for body in [&b""[..], &[0xff; 7][..], &bytes[p0..p1 - 5]] {
        let e = load_err(&raw_pack(header, body));
        assert!(matches!(e, PackError::BadPayload(_)), "{e:?}");
        says(&e, &["payload could not be decoded", "corrupt"]);
    }
    // Postcard decodes a prefix, so bytes after a complete payload (inside the checksummed
    // section, so only a faulty writer makes them) are currently accepted. Pinned so that
    // tightening this is a deliberate change.
    let mut longer = bytes[p0..p1].to_vec();
    longer.push(0);
    assert!(Coder::from_bytes(&raw_pack(header, &longer)).is_ok());
}

#[test]
fn incompatible() {
    let p = payload();
    let with = |edit: fn(&mut PackHeader)| {
        let mut h = header();
        edit(&mut h);
        load_err(&write_pack(&h, &p).unwrap())
    };

    let e = with(|h| h.hash = "siphash-1-3".into());
    assert_eq!(e, PackError::Incompatible { what: "feature hash", found: "siphash-1-3".into(), expected: HASH_NAME.into() });
    says(&e, &["feature hash \"siphash-1-3\"", "only understands \"fnv1a-64\"", "rebuild the pack"]);

    let e = with(|h| h.normaliser_version = NORMALISER_VERSION + 1);
    assert!(matches!(&e, PackError::Incompatible { what: "normaliser version", .. }), "{e:?}");
    says(&e, &["normaliser version", &format!("{:?}", (NORMALISER_VERSION + 1).to_string()), "rebuild the pack"]);

    let e = with(|h| h.quantisation = "f16".into());
    assert_eq!(e, PackError::Incompatible { what: "quantisation", found: "f16".into(), expected: QUANTISATION.into() });
    says(&e, &["quantisation \"f16\"", "rebuild the pack with a matching `model-pack`"]);

    // read_header refuses early too (before the payload is decoded).
    let mut h = header();
    h.hash = "md5".into();
    let bytes = write_pack(&h, &p).unwrap();
    assert!(matches!(read_header(&bytes), Err(PackError::Incompatible { .. })));
}

// ---------------------------------------------------------------------------------------------
// Inconsistent contents (PackError::Invalid)

#[test]
fn invalid_zero_buckets() {
    let mut h = header();
    h.features.buckets = 0;
    let e = load_err(&write_pack(&h, &payload()).unwrap());
    assert_eq!(e, PackError::Invalid("feature bucket count is zero".into()));
    says(&e, &["rebuild it with `model-pack build`"]);
}

#[test]
fn invalid_too_many_buckets() {
    let mut h = header();
    h.features.buckets = occupation_coder::features::MAX_BUCKETS + 1;
    let e = load_err(&write_pack(&h, &payload()).unwrap());
    assert!(matches!(&e, PackError::Invalid(m) if m.contains("16777217 feature buckets")), "{e}");
    says(&e, &["rebuild it with `model-pack build`"]);
}

#[test]
fn invalid_block_weights() {
    for bad in [f32::NAN, f32::INFINITY, -1.0] {
        let mut h = header();
        h.features.block_weights.task_words = bad;
        let e = load_err(&write_pack(&h, &payload()).unwrap());
        assert_eq!(e, PackError::Invalid("feature block weights must be finite and non-negative".into()), "{bad}");
        says(&e, &["rebuild it with `model-pack build`"]);
    }
}

#[test]
fn invalid_classifier_for_missing_node() {
    let m = invalid_payload(|p| p.classifiers[1].node = 99);
    assert!(m.contains("classifier for node 99") && m.contains("12 nodes"), "{m}");
}

#[test]
fn invalid_two_classifiers_for_one_node() {
    let m = invalid_payload(|p| p.classifiers[1].node = ROOT);
    assert!(m.contains("node 0 has two classifiers"), "{m}");
}

#[test]
fn invalid_missing_classifier() {
    let m = invalid_payload(|p| {
        p.classifiers.remove(1);
    });
    assert!(m.contains("node 7 (1111) has 2 children but no classifier"), "{m}");
}

#[test]
fn invalid_child_index_out_of_range() {
    let m = invalid_payload(|p| p.classifiers[0].children[0] = 2);
    assert!(m.contains("classifier of node 0") && m.contains("child index 2 but the node has 2 children"), "{m}");
}

#[test]
fn invalid_feature_id_outside_buckets() {
    let m = invalid_payload(|p| {
        let c = &mut p.classifiers[0];
        let last = c.id_deltas.len() - 1;
        c.id_deltas[last] += 1 << 16;
    });
    assert!(m.contains("outside the 65536 buckets"), "{m}");
    // A sum of deltas past u32::MAX must not wrap around into range.
    let m = invalid_payload(|p| {
        let c = &mut p.classifiers[0];
        c.id_deltas[0] = u32::MAX;
        c.id_deltas[1] = u32::MAX;
    });
    assert!(m.contains("outside the 65536 buckets"), "{m}");
}

#[test]
fn invalid_non_increasing_ids() {
    let m = invalid_payload(|p| p.classifiers[0].id_deltas[1] = 0);
    assert!(m.contains("feature ids are not strictly increasing"), "{m}");
}

#[test]
fn invalid_row_lengths() {
    let m = invalid_payload(|p| {
        let r = p.classifiers[0].row_lens.last_mut().unwrap();
        *r -= 1;
    });
    assert!(m.contains("row lengths do not cover the stored weights"), "{m}");
    let m = invalid_payload(|p| p.classifiers[0].row_lens[0] = u16::MAX);
    assert!(m.contains("row lengths run past the stored weights"), "{m}");
    let m = invalid_payload(|p| {
        p.classifiers[0].row_lens.pop();
    });
    assert!(m.contains("feature ids and row lengths differ in number"), "{m}");
}

#[test]
fn invalid_weights_and_children_differ() {
    let m = invalid_payload(|p| {
        p.classifiers[0].weights.pop();
    });
    assert!(m.contains("child indices and weights differ in number"), "{m}");
}

#[test]
fn invalid_bias_count() {
    let m = invalid_payload(|p| p.classifiers[1].bias.push(0.0));
    assert!(m.contains("classifier of node 7: 3 biases for 2 children"), "{m}");
}

#[test]
fn invalid_non_finite_parameters() {
    for edit in [
        (|p: &mut PackPayload| p.classifiers[0].temperature = f32::NAN) as fn(&mut PackPayload),
        |p| p.classifiers[0].scale = f32::INFINITY,
        |p| p.classifiers[1].bias[1] = f32::NEG_INFINITY,
    ] {
        let m = invalid_payload(edit);
        assert!(m.contains("non-finite parameter"), "{m}");
    }
    let m = invalid_payload(|p| p.backoff.min_joint = f32::NAN);
    assert!(m.contains("back-off thresholds are not finite"), "{m}");
}

#[test]
fn invalid_tree_shapes() {
    let m = invalid_payload(|p| p.nodes.clear());
    assert!(m.contains("the tree has no nodes"), "{m}");

    let m = invalid_payload(|p| p.nodes[0].parent = 3);
    assert!(m.contains("node 0 must be the root"), "{m}");

    // A node naming a parent that comes later (or itself).
    let m = invalid_payload(|p| p.nodes[3].parent = 5);
    assert!(m.contains("node 3 (11) names parent 5, which does not come before it"), "{m}");
    let m = invalid_payload(|p| p.nodes[4].parent = 4);
    assert!(m.contains("node 4 (21) names parent 4"), "{m}");
    let m = invalid_payload(|p| p.nodes[11].parent = u32::MAX);
    assert!(m.contains("names parent 4294967295"), "{m}");

    // A leaf above the occupation level.
    let m = invalid_payload(|p| {
        p.nodes.pop();
    });
    assert!(m.contains("node 8 (2111) at depth 4 has no children"), "{m}");

    // A sixth level.
    let m = invalid_payload(|p| p.nodes.push(NodeRecord { code: "2111110".into(), label: "Too deep".into(), parent: 11 }));
    assert!(m.contains("node 12 (2111110) is deeper than five levels"), "{m}");

    // More than 255 children cannot be indexed by a u8 child index.
    let m = invalid_payload(|p| {
        for i in 0..256 {
            p.nodes.push(NodeRecord { code: format!("x{i}"), label: String::new(), parent: 8 });
        }
    });
    assert!(m.contains("node 8 (2111) has more than 255 children"), "{m}");
}

/// Every single-byte corruption (with the checksum fixed up, so the decoders really see it) is
/// an error or a pack that still codes, never a panic.
#[test]
fn single_byte_corruptions_never_panic() {
    let bytes = tiny();
    for at in 0..bytes.len() - 4 {
        for x in [0x01u8, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[at] ^= x;
            fix_crc(&mut damaged);
            if let Ok(coder) = Coder::from_bytes(&damaged) {
                let _ = code(&coder, "baker", "makes bread and pastry");
                let _ = coder.suggest("pilot chef", "aircraft", 5);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The coding index and spelling correction (format version 3)

#[test]
fn index_hits_code_with_the_tier_confidence_and_lead_the_suggestions() {
    let coder = Coder::from_bytes(&tiny()).unwrap();
    assert_eq!(coder.index_len(), 2);
    let r = coder.code(&Record { id: None, title: "Croissant Maker".into(), tasks: String::new() });
    assert_eq!((r.results[0].code_category.as_str(), r.results[0].code_confidence), ("111112", 0.97));
    let joints: Vec<f32> = r.results[0].path.iter().map(|s| s.joint).collect();
    assert_eq!(joints, [1.0, 1.0, 1.0, 1.0, 0.97], "certain down to the unit group, the tier's precision at the hit");
    let s = coder.suggest("croissant maker", "", 3).unwrap();
    assert_eq!(s[0].code, "111112");
    assert!(s[1..].iter().all(|x| x.code != "111112" && x.confidence <= 0.03 + 1e-6), "the rest share what the hit leaves: {s:?}");
    for x in &s {
        let product: f32 = x.path.iter().map(|p| p.conditional).product();
        assert!((product - x.confidence).abs() < 1e-5 && (x.path.last().unwrap().joint - x.confidence).abs() < 1e-6, "joint = product of conditionals: {x:?}");
    }
    // Within a group that holds the hit, it takes its place by confidence; within another
    // group it is not shown.
    // ("maker" shares character grams with "baker", so the model puts Baker higher still.)
    let within = coder.suggest_within("1111", "croissant maker", "", 2).unwrap();
    assert!(within.iter().any(|x| x.code == "111112" && x.confidence == 0.97), "{within:?}");
    assert!(within.windows(2).all(|w| w[0].confidence >= w[1].confidence), "{within:?}");
    assert_eq!(coder.suggest_within("111112", "croissant maker", "", 1).unwrap()[0].confidence, 0.97);
    assert!(coder.suggest_within("2", "croissant maker", "", 2).unwrap().iter().all(|x| x.code != "111112"));
}

#[test]
fn a_group_hit_leaves_the_tasks_to_the_model() {
    let coder = Coder::from_bytes(&tiny()).unwrap();
    let alone = coder.code(&Record { id: None, title: "cook".into(), tasks: String::new() });
    assert_eq!((alone.results[0].code_category.as_str(), alone.results[0].code_confidence), ("1111", 0.9));
    let listed = coder.suggest("cook", "", 3).unwrap();
    assert!(listed.iter().all(|s| s.level == 6), "suggestions are occupations; the group hit is not listed: {listed:?}");
    let with_tasks = coder.code(&Record { id: None, title: "cook".into(), tasks: "pastry".into() });
    assert_eq!(with_tasks.results[0].code_category, "111112", "the tasks say which cook");
    assert!(coder.deciding_hit("croissant maker", "pastry and dough").is_some(), "an occupation hit decides even with tasks");
}

#[test]
fn misspelt_title_words_are_corrected_before_the_index_and_the_model() {
    let coder = Coder::from_bytes(&tiny()).unwrap();
    assert_eq!(coder.corrected_title("Crossiant Makr"), Some("croissant maker".into()));
    let r = coder.code(&Record { id: None, title: "crossiant maker".into(), tasks: String::new() });
    assert_eq!(r.results[0].code_category, "111112", "corrected, then found in the index");
    assert_eq!(coder.corrected_title("pilto"), Some("pilot".into()));
    assert_eq!(coder.suggest("pilto", "", 1).unwrap()[0].code, "211111");
    assert_eq!(coder.corrected_title("baker"), None, "known words are left alone");
}

#[test]
fn clones_of_a_coder_correct_alike_from_several_threads() {
    // The spelling table is built on the first correction and shared by clones: whichever
    // clone and thread gets there first, every one corrects the same way.
    let coder = Coder::from_bytes(&tiny()).unwrap();
    let clones: Vec<Coder> = (0..4).map(|_| coder.clone()).collect();
    std::thread::scope(|scope| {
        for c in &clones {
            scope.spawn(move || {
                assert_eq!(c.corrected_title("Crossiant Makr"), Some("croissant maker".into()));
                assert_eq!(c.corrected_title("pilto"), Some("pilot".into()));
                assert_eq!(c.corrected_title("baker"), None);
            });
        }
    });
    assert_eq!(coder.corrected_title("bakr"), Some("baker".into()), "the original too, after its clones built the table");
}

#[test]
fn a_version_2_pack_reads_without_index_or_spelling() {
    let mut p = payload();
    p.index = None;
    p.spelling = None;
    let coder = Coder::from_bytes(&write_pack(&header(), &p).unwrap()).unwrap();
    assert_eq!(coder.index_len(), 0);
    assert_eq!(coder.corrected_title("pilto"), None);
}

// The frozen v1 fixture (checked by tests/frozen_pack.rs)

/// How `tests/fixtures/pack-v1.ocpk` was made (once, with format version 1):
/// `cargo test --test pack -- --ignored write_frozen_fixture`.
///
/// It writes `tests/fixtures/pack-v{FORMAT_VERSION}.ocpk` from [`tiny`] and refuses to
/// overwrite an existing file: a frozen fixture must never be regenerated to make
/// `tests/frozen_pack.rs` pass, since it exists to catch readers that no longer load old packs.
/// After a deliberate format change (new `FORMAT_VERSION`), this writes the next version's
/// fixture beside the old one.
#[test]
#[ignore = "writes a frozen fixture under tests/fixtures; run by hand only"]
fn write_frozen_fixture() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/pack-v{FORMAT_VERSION}.ocpk"));
    assert!(!path.exists(), "{} already exists; frozen fixtures are never regenerated", path.display());
    std::fs::write(&path, tiny()).unwrap();
    eprintln!("wrote {}", path.display());
}
