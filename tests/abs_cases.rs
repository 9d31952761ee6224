//! The cases from the ABS Occupation Coding Service page, on the real packs that
//! `make build` leaves in www/models/.

use std::path::PathBuf;

use occupation_coder::{CodeStatus, Coder, Record, UncodedReason};

fn pack(name: &str) -> Coder {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/models").join(format!("{name}.ocpk"));
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{} is missing ({e}): run `make build` first to train the model packs", path.display()));
    Coder::from_bytes(&bytes).expect("the built pack loads")
}

fn code(c: &Coder, title: &str, tasks: &str) -> (CodeStatus, String, Option<UncodedReason>) {
    let r = c.code(&Record { id: None, title: title.into(), tasks: tasks.into() });
    let code = r.results.first().map(|x| x.code_category.clone()).unwrap_or_default();
    (r.code_status, code, r.reason)
}

#[test]
fn brickie_is_a_bricklayer() {
    let osca = pack("osca2024");
    assert_eq!(code(&osca, "brickie", "").1, "371131");
    assert!(osca.suggest("brickie", "", 5).unwrap().iter().any(|s| s.code == "371131" && s.label == "Bricklayer"));
    assert_eq!(code(&pack("anzsco2022"), "brickie", "").1, "331111");
}

#[test]
fn registered_nurse_in_aged_care() {
    let osca = pack("osca2024");
    let (status, c, _) = code(&osca, "Registered nurse", "caring for elderly residents in an aged care facility, giving medication");
    assert_eq!(status, CodeStatus::Successful);
    assert_eq!(c, "265433");
}

#[test]
fn retired_and_unemployed_get_their_non_classification_codes() {
    for name in ["osca2024", "anzsco2022"] {
        let c = pack(name);
        assert_eq!(code(&c, "retired", "").1, "099960", "{name}");
        assert_eq!(code(&c, "unemployed", "").1, "099970", "{name}");
    }
}

#[test]
fn aaa_is_inadequately_described_or_uncoded() {
    let (status, c, _) = code(&pack("osca2024"), "aaa", "");
    assert!(c == "099888" || status == CodeStatus::Unsuccessful, "got {status:?} {c}");
}

#[test]
fn cleaner_is_commercial_cleaner_or_its_group() {
    let (_, c, _) = code(&pack("osca2024"), "cleaner", "");
    assert!(c == "811131" || c == "811", "got {c}");
}

#[test]
fn artist_is_painter_or_its_unit_group() {
    let (_, c, _) = code(&pack("osca2024"), "artist", "");
    assert!(c == "231731" || c == "2317", "got {c}");
}

/// "Plumber (General)" is the classification's answer for a bare "plumber"; the other
/// plumbers' titles say what kind ("Drainer", "Roof Plumber").
#[test]
fn a_bare_title_is_its_general_occupation() {
    let osca = pack("osca2024");
    assert_eq!(osca.suggest("plumber", "", 1).unwrap()[0].code, "363131");
    assert_eq!(osca.suggest("accountant", "", 1).unwrap()[0].code, "211131");
    let anzsco = pack("anzsco2022");
    assert_eq!(anzsco.suggest("plumber", "", 1).unwrap()[0].code, "334116");
    assert_eq!(anzsco.suggest("accountant", "", 1).unwrap()[0].code, "221111");
}

#[test]
fn empty_and_unknown_text_is_uncoded_with_a_reason() {
    let osca = pack("osca2024");
    assert_eq!(code(&osca, "", "").2, Some(UncodedReason::Empty));
    assert_eq!(code(&osca, "¿¿ --", "").2, Some(UncodedReason::Empty));
}

#[test]
fn confidence_is_the_product_of_the_path() {
    let osca = pack("osca2024");
    for s in osca.suggest("truck driver", "delivering freight interstate", 5).unwrap() {
        let product: f32 = s.path.iter().map(|p| p.conditional).product();
        assert!((product - s.confidence).abs() < 1e-5);
        assert_eq!(s.path.iter().map(|p| p.level).collect::<Vec<_>>(), [1, 2, 3, 4, 6]);
    }
}

#[test]
fn follow_up_lists_the_groups_likely_occupations() {
    let osca = pack("osca2024");
    let within = osca.suggest_within("2654", "nurse", "", 5).unwrap();
    assert!(!within.is_empty());
    assert!(within.iter().all(|s| s.code.starts_with("2654") && s.level == 6));
    assert!(within.windows(2).all(|w| w[0].confidence >= w[1].confidence));
    let product: f32 = within[0].path.iter().map(|p| p.conditional).product();
    assert!((product - within[0].confidence).abs() < 1e-5);
    assert!(osca.suggest_within("9999", "nurse", "", 5).is_err());
    // At an occupation, the occupation itself is the only answer.
    assert_eq!(osca.suggest_within("371131", "brickie", "", 5).unwrap()[0].code, "371131");
}

/// ANZSCO 2022 -> OSCA 2024: codes alone cannot be recoded where the correspondence splits,
/// titles can (ABS Table 6 links used, e.g. 261313 Software Engineer -> four OSCA codes).
#[test]
fn recodes_anzsco_codes_using_the_text_where_the_correspondence_splits() {
    let osca = pack("osca2024");
    assert_eq!(osca.recodes_from(), Some("anzsco2022"));
    let rec = |code: &str, title: &str| osca.recode(code, &Record { id: None, title: title.into(), tasks: String::new() });
    // One to one.
    let r = rec("331111", "");
    assert_eq!((r.results[0].code_category.as_str(), r.results[0].code_confidence), ("371131", 1.0));
    // One to many: the text decides, among the candidates only.
    assert_eq!(rec("261313", "data engineer").results[0].code_category, "223233");
    assert_eq!(rec("261313", "solution architect").results[0].code_category, "273233");
    assert_eq!(rec("261313", "software engineer").results[0].code_category, "273333");
    assert_eq!(rec("411711", "volunteer coordinator").results[0].code_category, "411933");
    // Never outside the candidates, even when the text says something else.
    assert!(["223232", "223233", "273233", "273333"].contains(&rec("261313", "bricklayer").results[0].code_category.as_str()));
    assert_eq!(rec("261313", "").reason, Some(UncodedReason::NeedsText));
    assert_eq!(rec("999999", "nurse").reason, Some(UncodedReason::UnknownSourceCode));
}
