//! End-to-end: the real `model-pack build` binary trains packs from the small invented
//! classification that `tests/fixtures/make_fixture_data.py` generates, and the core crate's `Coder`
//! codes fixture titles with them. Also checks that missing and malformed data files stop the
//! build with an error naming the file.
//!
//! The fixture's codes (both classifications are invented; see tests/fixtures/README.md):
//! OSCA-like 1 Health / 2 Food trades / 3 Transport; ANZSCO-like 2 Professionals (pilots,
//! doctors, nurses) / 3 Trades (food) / 7 Drivers. A debug build trains each pack in well
//! under a second.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use occupation_coder::{Coder, Record};

/// The fixture data, generated once per run by `tests/fixtures/make_fixture_data.py` (so the
/// repository holds a generator, not files shaped like the classification data).
fn fixture_data() -> PathBuf {
    static DATA: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DATA.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture_build-data");
        let _ = std::fs::remove_dir_all(&dir);
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/make_fixture_data.py");
        let run = Command::new("python3").arg(&script).arg(&dir).output().unwrap_or_else(|e| {
            panic!("cannot run python3 to generate the fixture data ({e}): install Python 3")
        });
        assert!(run.status.success(), "{} failed: {}", script.display(), String::from_utf8_lossy(&run.stderr));
        dir
    })
    .clone()
}

/// A fresh, empty scratch folder for one test (under cargo's per-target temp dir).
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture_build").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn model_pack_build(classification: &str, data: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_model-pack"))
        // The project's lexicon codes the real classifications, not the invented fixture.
        .args(["build", "--quiet", "--lexicon", "none", "--classification", classification, "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .output()
        .expect("model-pack runs")
}

fn build_pack(classification: &str) -> Coder {
    let dir = scratch(&format!("pack-{classification}"));
    let out = dir.join(format!("{classification}.ocpk"));
    let run = model_pack_build(classification, &fixture_data(), &out);
    assert!(run.status.success(), "model-pack build failed:\n{}", String::from_utf8_lossy(&run.stderr));
    let bytes = std::fs::read(&out).expect("the pack was written");
    let coder = Coder::from_bytes(&bytes).expect("the built pack loads");
    assert_eq!(coder.header().classification, classification);
    coder
}

fn code_of(coder: &Coder, title: &str, tasks: &str) -> String {
    let r = coder.code(&Record { id: None, title: title.into(), tasks: tasks.into() });
    assert!(r.is_coded(), "{title:?} / {tasks:?} was not coded: {:?}", r.reason);
    r.results[0].code_category.clone()
}

fn assert_codes(coder: &Coder, cases: &[(&str, &str, &str)]) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|&(title, tasks, want)| {
            let got = code_of(coder, title, tasks);
            (got != want).then(|| format!("{title:?} / {tasks:?}: got {got}, want {want}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}:\n{}", coder.header().classification, wrong.join("\n"));
}

#[test]
fn osca_fixture_pack_codes_titles() {
    let coder = build_pack("osca2024");
    let info = coder.info();
    // 13 fixture occupations plus the 9 non-classification codes.
    assert_eq!(info.occupations, 13 + 9, "{info:?}");
    assert_codes(
        &coder,
        &[
            // Principal titles.
            ("Registered Nurse", "", "111111"),
            ("Midwife", "", "111112"),
            ("Surgeon", "", "112112"),
            ("Baker", "", "211111"),
            ("Butcher", "", "211211"),
            ("Airline Pilot", "", "311111"),
            ("Truck Driver", "", "312111"),
            ("Bus Driver", "", "312211"),
            // Alternative titles.
            ("Family Doctor", "", "112111"),
            ("Cake Decorator", "", "211112"),
            ("Lorry Driver", "", "312111"),
            // An ambiguous title settled by the tasks.
            ("Pilot", "flies helicopters to remote sites and hospitals", "311112"),
            ("Pilot", "flies aircraft on scheduled flights between airports", "311111"),
            // Non-classification answers.
            ("retired", "", "099960"),
        ],
    );
}

#[test]
fn anzsco_fixture_pack_codes_titles() {
    let coder = build_pack("anzsco2022");
    assert_codes(
        &coder,
        &[
            ("Registered Nurse", "", "252211"),
            ("General Practitioner", "", "251111"),
            ("Pastrycook", "", "351112"),
            ("Chef", "", "351311"),
            ("Helicopter Pilot", "", "231112"),
            ("Truck Driver", "", "731211"),
            ("Coach Driver", "", "731111"),
            ("Meat Cutter", "", "351211"),
            ("Driver", "drives buses on timetabled routes and collects fares", "731111"),
            ("retired", "", "099960"),
        ],
    );
}

/// Copies the fixture data to a scratch folder so a test can break it.
fn copy_of_fixture(name: &str) -> PathBuf {
    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    let dir = scratch(name).join("data");
    copy_dir(&fixture_data(), &dir);
    dir
}

/// Runs a build on broken data and returns its standard error, asserting it failed and wrote
/// no pack.
fn failed_build(data: &Path, classification: &str) -> String {
    let out = data.parent().unwrap().join("out.ocpk");
    let run = model_pack_build(classification, data, &out);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(!run.status.success(), "the build should fail; stderr:\n{stderr}");
    assert!(!out.exists(), "no pack may be written when the build fails");
    stderr
}

#[test]
fn missing_data_files_are_named() {
    for file in [
        "corpora/onet_29.3/onet_tasks.csv",
        "classifications/osca2024/osca2024_groups.jsonl",
        "classifications/correspondences/isco08_to_anzsco2022.csv",
    ] {
        let data = copy_of_fixture("missing");
        std::fs::remove_file(data.join(file)).unwrap();
        let stderr = failed_build(&data, "osca2024");
        let name = Path::new(file).file_name().unwrap().to_str().unwrap();
        assert!(stderr.contains(name), "error should name {name}:\n{stderr}");
        assert!(stderr.contains("cannot open"), "{stderr}");
    }
}

#[test]
fn missing_data_folder_is_explained() {
    let data = scratch("no-data").join("nowhere");
    let stderr = failed_build(&data, "anzsco2022");
    assert!(stderr.contains("does not exist") && stderr.contains("--data"), "{stderr}");
}

#[test]
fn a_pack_over_the_size_limit_is_refused_with_what_to_change() {
    let dir = scratch("too-big");
    let out = dir.join("osca2024.ocpk");
    let run = Command::new(env!("CARGO_BIN_EXE_model-pack"))
        .args(["build", "--quiet", "--lexicon", "none", "--classification", "osca2024", "--max-gzip-bytes", "1000", "--data"])
        .arg(fixture_data())
        .arg("--out")
        .arg(&out)
        .output()
        .expect("model-pack runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "a pack over 1000 bytes gzipped should be refused:\n{stderr}");
    assert!(!out.exists(), "nothing may be written");
    assert!(stderr.contains("--max-gzip-bytes 1000") && stderr.contains("--prune-below"), "{stderr}");
}

#[test]
fn malformed_rows_are_named() {
    // (file, text appended, phrase the error must contain)
    let cases = [
        // A structure row whose level is not a number.
        ("classifications/osca2024/osca2024_structure.csv", "4,four,major,Bad Group,,1\n", "row 35 is malformed"),
        // A structure row with too few fields.
        ("classifications/osca2024/osca2024_structure.csv", "4,1,major\n", "row 35 is malformed"),
        // A code whose length does not match its level.
        ("classifications/osca2024/osca2024_structure.csv", "41,4,unit_group,Bad,4,1\n", "code \"41\" at level 4 is malformed"),
        // A JSON line that is not JSON.
        ("classifications/osca2024/osca2024_occupations.jsonl", "{\"code\": \"311111\", \"title\": \n", "line 14 is malformed"),
        // A correspondence row with a missing column.
        ("classifications/correspondences/osca2024_to_anzsco2022.csv", "111111,Registered Nurse\n", "row 16 is malformed"),
        // A corpus row with too many fields.
        ("corpora/au_colloquial/au_colloquial_norm.csv", "Sparky,,1,2,3,4,5,6\r\n", "row 5 is malformed"),
    ];
    for (file, extra, phrase) in cases {
        let data = copy_of_fixture("malformed");
        let path = data.join(file);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(extra);
        std::fs::write(&path, text).unwrap();
        let stderr = failed_build(&data, "osca2024");
        let name = Path::new(file).file_name().unwrap().to_str().unwrap();
        assert!(stderr.contains(name), "error should name {name}:\n{stderr}");
        assert!(stderr.contains(phrase), "error should say {phrase:?}:\n{stderr}");
    }
}

/// `model-pack eval` on the fixture: the tables per split and kind, the title + tasks answers
/// again on their titles alone, and the coding index's coverage; an answer labelled with a
/// code the classification lacks stops it before any training.
#[test]
fn eval_prints_respondent_tables_by_split_and_kind() {
    let dir = scratch("eval");
    let answers = dir.join("respondents.csv");
    std::fs::write(
        &answers,
        "id,kind,split,title,tasks,osca2024,anzsco2022,note\n\
         1,common,dev,registered nurse,,111111,,\n\
         2,common,test,baker,,211111,,\n\
         3,title+tasks,dev,pilot,flies helicopters to remote sites and hospitals,311112,,\n\
         4,title+tasks,test,pilot,flies aircraft on scheduled flights between airports,311111,,\n\
         5,noncode,test,retired,,099960,,\n\
         6,common,dev,chef,,,351311,ANZSCO only: not scored for OSCA\n",
    )
    .unwrap();
    let report = dir.join("eval.json");
    let run = Command::new(env!("CARGO_BIN_EXE_model-pack"))
        .args(["eval", "--quiet", "--no-flat", "--lexicon", "none", "--classification", "osca2024", "--data"])
        .arg(fixture_data())
        .arg("--respondents")
        .arg(&answers)
        .arg("--report")
        .arg(&report)
        .output()
        .expect("model-pack runs");
    assert!(run.status.success(), "model-pack eval failed:\n{}", String::from_utf8_lossy(&run.stderr));
    let out = String::from_utf8_lossy(&run.stdout);
    for row in ["| respondents, dev | 2 | pack |", "| respondents, test | 3 | pack |", "| title+tasks | 1 |", "| title+tasks, title alone | 1 |", "| any tier |"] {
        assert!(out.contains(row), "no {row:?} in:\n{out}");
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(json["answers"].as_array().map(Vec::len), Some(5), "the ANZSCO-only answer is not scored for OSCA");
    // The pilot's tasks code it; its title alone cannot say which pilot.
    let both = &json["respondents"]["dev"]["title+tasks"]["pack"]["top1_right"];
    assert_eq!(both.as_f64(), Some(1.0), "{out}");

    std::fs::write(&answers, "id,kind,split,title,tasks,osca2024\n1,common,dev,baker,,999999\n").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_model-pack"))
        .args(["eval", "--quiet", "--no-flat", "--lexicon", "none", "--classification", "osca2024", "--data"])
        .arg(fixture_data())
        .arg("--respondents")
        .arg(&answers)
        .output()
        .expect("model-pack runs");
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success() && err.contains("999999"), "a label outside the classification is refused: {err}");
}
