//! The native CLI on the real OSCA pack: every input row comes out once, in order, with its
//! columns, coded or uncoded or an error row with a reason.

use std::path::PathBuf;
use std::process::Command;

fn pack() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/models/osca2024.ocpk");
    assert!(p.exists(), "{} is missing: run `make build` first", p.display());
    p
}

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_occupation-coder")).args(args).output().expect("CLI runs");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn code_csv_keeps_every_row_in_order_and_reports_malformed_ones() {
    let dir = std::env::temp_dir().join(format!("occ-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.csv");
    let mut bytes = b"id,title,tasks\n1,brickie,laying bricks\n2,retired,\n3,,\n4,too,many,fields\n".to_vec();
    bytes.extend_from_slice(b"5,caf\xff,bad utf8\n6,\"Registered nurse\",\"aged care, medication\"\n");
    // A character split between two fields (the row's bytes are valid UTF-8, its fields not),
    // then a row with valid non-ASCII text after the rows the reader had to repair.
    bytes.extend_from_slice(b"7,caf\xc3,\xa9 split\n8,Caf\xc3\xa9 manager,planning menus\n");
    std::fs::write(&input, bytes).unwrap();
    let output = dir.join("out.csv");
    let (ok, _, err) = run(&["code", "--pack", pack().to_str().unwrap(), "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(err.contains("8 rows"), "summary: {err}");
    let mut r = csv::ReaderBuilder::new().flexible(true).from_path(&output).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "id", "title", "tasks", "code", "label", "level", "confidence", "status", "reason", "suggestions", "classification",
            "classification_version", "model_version"
        ]
    );
    let rows: Vec<Vec<String>> = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    assert_eq!(rows.iter().map(|x| x[0].as_str()).collect::<Vec<_>>(), ["1", "2", "3", "4", "5", "6", "7", "8"]);
    assert_eq!((rows[0][3].as_str(), rows[0][7].as_str()), ("371131", "coded"));
    assert_eq!(rows[1][3], "099960");
    assert_eq!((rows[2][7].as_str(), rows[2][8].as_str()), ("uncoded", "empty"));
    assert_eq!(rows[3][7], "error");
    assert!(rows[3][8].contains("4 fields where the header has 3"), "{:?}", rows[3]);
    assert_eq!(rows[4][7], "error");
    assert!(rows[4][8].contains("UTF-8"));
    // A quoted field with a comma is one field; the nurse is coded within unit group 2654.
    assert!(rows[5][3].starts_with("2654") && rows[5][7] == "coded", "{:?}", rows[5]);
    assert_eq!((rows[6][1].as_str(), rows[6][2].as_str(), rows[6][7].as_str()), ("caf\u{fffd}", "\u{fffd} split", "error"));
    assert!(rows[6][8].contains("line 8: invalid UTF-8"), "{:?}", rows[6]);
    assert_eq!((rows[7][1].as_str(), rows[7][2].as_str(), rows[7][7].as_str()), ("Café manager", "planning menus", "coded"));
}

#[test]
fn code_jsonl_from_stdin_to_stdout() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_occupation-coder"))
        .args(["code", "--pack", pack().to_str().unwrap(), "--input", "-", "--output", "-", "--format", "jsonl"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"{\"id\":7,\"title\":\"unemployed\"}\nnot json\n{\"title\":\"sparky\"}\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["code"], "099970");
    assert_eq!(lines[0]["id"], 7);
    assert_eq!(lines[1]["status"], "error");
    assert_eq!(lines[1]["input"], "not json");
    assert!(lines[2]["code"].as_str().unwrap().starts_with("3812"), "{}", lines[2]);
}

#[test]
fn a_missing_title_column_and_a_bad_pack_are_clear_fatal_errors() {
    let dir = std::env::temp_dir().join(format!("occ-cli2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.csv");
    std::fs::write(&input, "name,job\nx,y\n").unwrap();
    let (ok, _, err) = run(&["code", "--pack", pack().to_str().unwrap(), "--input", input.to_str().unwrap(), "--output", "-"]);
    assert!(!ok);
    assert!(err.contains("--title-column"), "{err}");
    let (ok, _, err) = run(&["suggest", "--pack", input.to_str().unwrap(), "nurse"]);
    assert!(!ok);
    assert!(err.contains("not an occupation-coder model pack"), "{err}");
}

/// The CSV reader's edge cases: a BOM, CRLF, quoted fields with line breaks, blank lines,
/// bad quoting (both kinds) and an unclosed quote are all rows, in order, with line numbers.
#[test]
fn code_csv_reports_bad_quoting_and_keeps_quoted_line_breaks() {
    let dir = std::env::temp_dir().join(format!("occ-cli3-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.csv");
    let text = "\u{feff}id,title,tasks\r\n1,\"two\r\nlines\",x\r\n\r\n2,5'10\" tall,y\n3,\"nurse\" (acting),z\n4,brickie,\"a, b\"\r5,\"open,never closed\n";
    std::fs::write(&input, text).unwrap();
    let output = dir.join("out.csv");
    let (ok, _, err) = run(&["code", "--pack", pack().to_str().unwrap(), "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(err.contains("5 rows") && err.contains("3 errors"), "summary: {err}");
    let mut r = csv::ReaderBuilder::new().from_path(&output).unwrap();
    assert_eq!(r.headers().unwrap().get(0), Some("id"), "the BOM is dropped");
    let rows: Vec<Vec<String>> = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    assert_eq!(rows.iter().map(|x| x[0].as_str()).collect::<Vec<_>>(), ["1", "2", "3", "4", "5"]);
    assert_eq!(rows[0][1], "two\r\nlines");
    assert_ne!(rows[0][7], "error");
    assert_eq!((rows[1][7].as_str(), rows[1][8].as_str()), ("error", "line 5: bad quoting: a quote inside an unquoted field"));
    assert_eq!((rows[2][7].as_str(), rows[2][8].as_str()), ("error", "line 6: bad quoting: text after a closing quote"));
    assert_eq!((rows[3][3].as_str(), rows[3][7].as_str()), ("371131", "coded"));
    assert_eq!(rows[4][8], "line 8: bad quoting: a quoted field is not closed before the end of the input");
}

/// ANZSCO 2022 -> OSCA 2024 through --recode-column: one-to-one links are certain, one-to-many
/// are decided from the text, rows without a code are coded from the text.
#[test]
fn code_csv_recodes_anzsco_to_osca() {
    let dir = std::env::temp_dir().join(format!("occ-cli4-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.csv");
    std::fs::write(&input, "id,title,anzsco\n1,data engineer,261313\n2,,331111\n3,retired,\n4,x,999999\n").unwrap();
    let (ok, out, err) =
        run(&["code", "--pack", pack().to_str().unwrap(), "--input", input.to_str().unwrap(), "--output", "-", "--recode-column", "anzsco"]);
    assert!(ok, "{err}");
    let mut r = csv::ReaderBuilder::new().from_reader(out.as_bytes());
    let rows: Vec<Vec<String>> = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    assert_eq!(rows[0][3], "223233");
    assert_eq!((rows[1][3].as_str(), rows[1][6].as_str()), ("371131", "1.0000"));
    assert_eq!(rows[2][3], "099960");
    assert_eq!((rows[3][7].as_str(), rows[3][8].as_str()), ("uncoded", "unknown-source-code"));
}

/// More rows than three of the CLI's chunks (16,384 rows each), so the overlapped read /
/// code / write loop runs several rounds: every row comes out once, in order, for both formats,
/// and the summary counts them all.
#[test]
fn multi_chunk_inputs_keep_every_row_in_order_in_both_formats() {
    let dir = std::env::temp_dir().join(format!("occ-cli-chunks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    const ROWS: usize = 50_000;
    let titles = ["brickie", "Registered nurse", "retired", "", "chef", "asdfgh"];
    let mut csv_in = String::from("id,title,tasks\n");
    let mut jsonl_in = String::new();
    for i in 1..=ROWS {
        let t = titles[i % titles.len()];
        if i % 997 == 0 {
            csv_in.push_str(&format!("{i},extra,field,{t}\n"));
            jsonl_in.push_str(&format!("{{\"id\":{i},\"title\":\n"));
        } else {
            csv_in.push_str(&format!("{i},{t},task {i}\n"));
            jsonl_in.push_str(&format!("{{\"id\":{i},\"title\":\"{t}\",\"tasks\":\"task {i}\"}}\n"));
        }
    }
    let bad = ROWS / 997;
    for (name, text) in [("in.csv", &csv_in), ("in.jsonl", &jsonl_in)] {
        let input = dir.join(name);
        std::fs::write(&input, text).unwrap();
        let output = dir.join(format!("out-{name}"));
        let (ok, _, err) =
            run(&["code", "--pack", pack().to_str().unwrap(), "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()]);
        assert!(ok, "{err}");
        assert!(err.contains(&format!("{ROWS} rows")) && err.contains(&format!("{bad} errors")), "summary: {err}");
        let out = std::fs::read_to_string(&output).unwrap();
        let (ids, errors): (Vec<String>, usize) = if name.ends_with(".csv") {
            let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(out.as_bytes());
            let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
            (rows.iter().map(|x| x[0].to_string()).collect(), rows.iter().filter(|x| &x[7] == "error").count())
        } else {
            let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            let id = |v: &serde_json::Value| match v.get("id") {
                Some(id) => id.to_string(),
                // A line that is not JSON comes back whole under "input"; its id is the number in it.
                None => v["input"].as_str().unwrap().trim_start_matches("{\"id\":").split(',').next().unwrap().to_string(),
            };
            (lines.iter().map(id).collect(), lines.iter().filter(|v| v["status"] == "error").count())
        };
        assert_eq!(ids.len(), ROWS, "{name}");
        assert!(ids.iter().enumerate().all(|(i, id)| *id == (i + 1).to_string()), "{name}: rows out of order");
        assert_eq!(errors, bad, "{name}");
    }
}

/// A fresh empty directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("occ-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Names of the files in `dir`, sorted.
fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// The output is written beside the target and renamed over it only when the run succeeds:
/// a fatal error leaves an existing output as it was and no new or temporary file behind.
/// Writing over the input (which used to empty it before reading it) is refused.
#[test]
fn a_failed_run_leaves_the_output_as_it_was_and_the_input_is_never_overwritten() {
    let dir = temp_dir("atomic");
    let p = pack();
    let input = dir.join("in.csv");
    let rows = "id,title\n1,brickie\n2,retired\n";
    std::fs::write(&input, rows).unwrap();
    let arg = |p: &std::path::Path| p.to_str().unwrap().to_string();

    // Coding a file onto itself: refused before anything is written; the input is intact.
    let (ok, _, err) = run(&["code", "--pack", &arg(&p), "--input", &arg(&input), "--output", &arg(&input)]);
    assert!(!ok && err.contains("is the input file"), "{err}");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), rows);
    // ...also through a symbolic link.
    #[cfg(unix)]
    {
        let link = dir.join("link.csv");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let (ok, _, err) = run(&["code", "--pack", &arg(&p), "--input", &arg(&input), "--output", &arg(&link)]);
        assert!(!ok && err.contains("is the input file"), "{err}");
        assert_eq!(std::fs::read_to_string(&input).unwrap(), rows);
        std::fs::remove_file(&link).unwrap();
    }

    // An input that fails to read (a directory) after the output is opened.
    let old = dir.join("old.csv");
    std::fs::write(&old, "previous results\n").unwrap();
    let (ok, _, err) = run(&["code", "--pack", &arg(&p), "--input", &arg(&dir), "--output", &arg(&old)]);
    assert!(!ok && err.contains("cannot read input"), "{err}");
    assert_eq!(std::fs::read_to_string(&old).unwrap(), "previous results\n", "the old output is untouched");
    let (ok, _, _) = run(&["code", "--pack", &arg(&p), "--input", &arg(&dir), "--output", &arg(&dir.join("new.csv"))]);
    assert!(!ok);
    assert_eq!(listing(&dir), ["in.csv", "old.csv"], "no new or temporary file is left");

    // A run that succeeds replaces the old output, keeping its permissions, and leaves no
    // temporary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let (ok, _, err) = run(&["code", "--pack", &arg(&p), "--input", &arg(&input), "--output", &arg(&old)]);
    assert!(ok, "{err}");
    let out = std::fs::read_to_string(&old).unwrap();
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.starts_with("id,title,code,"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&old).unwrap().permissions().mode() & 0o777, 0o640);
    }
    assert_eq!(listing(&dir), ["in.csv", "old.csv"]);

    // Devices are written as they are (no file is renamed over /dev/null).
    #[cfg(unix)]
    {
        let (ok, _, err) = run(&["code", "--pack", &arg(&p), "--input", &arg(&input), "--output", "/dev/null"]);
        assert!(ok, "{err}");
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    }
}

/// A JSON Lines line longer than the row limit (a file with no line breaks, say) is an error
/// row and the lines after it are coded: the reader keeps at most the limit of a line in memory.
#[test]
fn an_over_long_json_line_is_an_error_row_and_the_next_lines_are_coded() {
    let dir = temp_dir("jsonl-long");
    let input = dir.join("in.jsonl");
    let long = format!("{{\"id\":\"1\",\"title\":\"{}\"}}\r\n", "a".repeat(3 << 20));
    let text = format!("{long}{{\"id\":\"2\",\"title\":\"retired\"}}\r\n\n{}", "x".repeat(2 << 20));
    std::fs::write(&input, text).unwrap();
    let (ok, out, err) = run(&["code", "--pack", pack().to_str().unwrap(), "--input", input.to_str().unwrap(), "--output", "-"]);
    assert!(ok, "{err}");
    assert!(err.contains("3 rows") && err.contains("2 errors"), "summary: {err}");
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    for (v, n) in [(&lines[0], 1), (&lines[2], 4)] {
        assert_eq!(v["status"], "error");
        let reason = v["reason"].as_str().unwrap();
        assert_eq!(reason, format!("line {n}: line longer than 1048576 bytes (a missing line break?); skipped to its end"));
        assert_eq!(v["input"].as_str().unwrap().len(), 1 << 20, "the first 1 MiB of the line is kept");
    }
    assert_eq!((lines[1]["id"].as_str(), lines[1]["status"].as_str()), (Some("2"), Some("coded")));
}

/// `suggest` holds the same text limit as `code`, with a message saying what to do.
#[test]
fn suggest_refuses_a_text_over_the_limit() {
    let long = "a".repeat(occupation_coder::MAX_TEXT_CHARS + 1);
    let (ok, _, err) = run(&["suggest", "--pack", pack().to_str().unwrap(), &long]);
    assert!(!ok);
    assert!(err.contains("longer than 10000 characters; shorten them"), "{err}");
    let (ok, out, err) = run(&["suggest", "--pack", pack().to_str().unwrap(), &long[1..], "--json"]);
    assert!(ok, "{err}");
    assert!(out.trim_start().starts_with('['), "{out}");
}

fn arg(p: &std::path::Path) -> String {
    p.to_str().unwrap().to_string()
}

/// Ctrl-C (SIGINT) or SIGTERM mid-run: the previous output stays as it was, the temporary
/// file is removed, stderr says so and the exit status is 128 + the signal.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_the_output_as_it_was() {
    use std::io::Write;
    use std::process::Stdio;
    for (signal, number) in [("INT", 2), ("TERM", 15)] {
        let dir = temp_dir(&format!("signal-{signal}"));
        let out = dir.join("out.csv");
        std::fs::write(&out, "previous results\n").unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_occupation-coder"))
            .args(["code", "--pack", &arg(&pack()), "--input", "-", "--output", &arg(&out)])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Some rows, then the input stays open: the run is blocked reading when the signal comes.
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"id,title\n1,baker\n2,retired\n").unwrap();
        stdin.flush().unwrap();
        let started = std::time::Instant::now();
        while listing(&dir).len() < 2 {
            assert!(started.elapsed().as_secs() < 30, "no temporary output appeared");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap().success());
        let result = child.wait_with_output().unwrap();
        drop(stdin);
        let err = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(128 + number), "SIG{signal}: {err}");
        assert!(err.contains("interrupted by SIG") && err.contains("was left as it was"), "{err}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous results\n");
        assert_eq!(listing(&dir), ["out.csv"], "the temporary file is removed");
    }
}

/// `code ... --output - | head`: the reader goes away, the run ends quietly with status 0.
#[test]
fn a_closed_output_pipe_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = temp_dir("pipe");
    let input = dir.join("in.csv");
    let mut rows = String::from("id,title\n");
    for i in 0..300_000 {
        rows.push_str(&format!("{i},nurse\n"));
    }
    std::fs::write(&input, rows).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_occupation-coder"))
        .args(["code", "--pack", &arg(&pack()), "--input", &arg(&input), "--output", "-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("id,title,code,"), "{first}");
    let result = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{err}");
    assert!(!err.contains("Error") && !err.contains("panicked"), "{err}");
}

/// UTF-16 input is refused with a message saying to save it as UTF-8; a UTF-8 byte order mark
/// before the first JSON line is dropped; a CSV header over the row limit is an error.
#[test]
fn encodings_and_bad_headers_are_clear_errors() {
    let dir = temp_dir("encodings");
    let p = arg(&pack());
    for (name, bytes) in [("le.csv", &b"\xFF\xFEi\0d\0,\0t\0\n\0"[..]), ("be.jsonl", &b"\xFE\xFF\0{\0}"[..])] {
        let input = dir.join(name);
        std::fs::write(&input, bytes).unwrap();
        let (ok, _, err) = run(&["code", "--pack", &p, "--input", &arg(&input), "--output", "-"]);
        assert!(!ok && err.contains("UTF-16") && err.contains("save it as UTF-8"), "{name}: {err}");
    }
    let input = dir.join("bom.jsonl");
    std::fs::write(&input, "\u{feff}{\"id\":\"1\",\"title\":\"baker\"}\n").unwrap();
    let (ok, out, err) = run(&["code", "--pack", &p, "--input", &arg(&input), "--output", "-"]);
    assert!(ok, "{err}");
    let row: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_ne!(row["status"], "error", "{out}");
    assert_eq!(row["id"], "1");

    let input = dir.join("header.csv");
    std::fs::write(&input, format!("id,title,{}\n1,baker,x\n", "h".repeat(2 << 20))).unwrap();
    let (ok, out, err) = run(&["code", "--pack", &p, "--input", &arg(&input), "--output", "-"]);
    assert!(!ok && out.is_empty() && err.contains("CSV header (line 1) is longer than 1048576 bytes"), "{err}");
    assert!(err.len() < 4000, "the message does not echo the header: {} bytes", err.len());
}

/// Input columns named like output columns would be repeated (CSV) or overwritten (JSON
/// Lines): the CSV run stops with a message, the JSON line is an error row keeping its text.
#[test]
fn input_columns_named_like_output_columns_are_errors() {
    let dir = temp_dir("clash");
    let p = arg(&pack());
    let input = dir.join("in.csv");
    std::fs::write(&input, "id,title,Status\n1,baker,x\n").unwrap();
    let (ok, out, err) = run(&["code", "--pack", &p, "--input", &arg(&input), "--output", "-"]);
    assert!(!ok && out.is_empty(), "{out}");
    assert!(err.contains("column \"Status\"") && err.contains("rename"), "{err}");
    let input = dir.join("in.jsonl");
    std::fs::write(&input, "{\"title\":\"baker\",\"code\":\"A1\"}\n{\"title\":\"baker\"}\n").unwrap();
    let (ok, out, err) = run(&["code", "--pack", &p, "--input", &arg(&input), "--output", "-"]);
    assert!(ok, "{err}");
    let rows: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows[0]["status"], "error");
    assert!(rows[0]["reason"].as_str().unwrap().contains("field \"code\" is named like an output field"), "{}", rows[0]);
    assert!(rows[0]["input"].as_str().unwrap().contains("\"A1\""));
    assert_ne!(rows[1]["status"], "error");
}

/// Error messages quote at most 200 characters of the input.
#[test]
fn error_rows_never_echo_unbounded_text() {
    let dir = temp_dir("echo");
    let input = dir.join("in.jsonl");
    std::fs::write(&input, format!("\"{}\"\n{{\"name\":\"{}\"}}\n", "a".repeat(500_000), "b".repeat(500_000))).unwrap();
    let (ok, out, err) = run(&["code", "--pack", &arg(&pack()), "--input", &arg(&input), "--output", "-"]);
    assert!(ok, "{err}");
    for line in out.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(row["status"], "error");
        assert!(row["reason"].as_str().unwrap().len() < 400, "{}", &row["reason"].as_str().unwrap()[..400]);
    }
    let (ok, _, err) =
        run(&["code", "--pack", &arg(&pack()), "--input", &arg(&input), "--output", "-", "--format", "csv", "--title-column", &"t".repeat(100_000)]);
    assert!(!ok && err.len() < 4000, "{} bytes of message", err.len());
}

/// `--safe-csv`: fields a spreadsheet would run as formulas get a leading apostrophe; without
/// it the output is the input's text.
#[test]
fn safe_csv_guards_formula_like_fields() {
    let dir = temp_dir("safe");
    let input = dir.join("in.csv");
    std::fs::write(&input, "id,title,note\n-5,baker,=HYPERLINK(\"x\")\n@a,\"+b,c\",\"\tx\"\n3,retired,plain\n").unwrap();
    let p = arg(&pack());
    let (ok, out, err) = run(&["code", "--pack", &p, "--input", &arg(&input), "--output", "-", "--safe-csv"]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[1].starts_with("'-5,baker,\"'=HYPERLINK(\"\"x\"\")\","), "{}", lines[1]);
    assert!(lines[2].starts_with("'@a,\"'+b,c\",'\tx,"), "{}", lines[2]);
    assert!(lines[3].starts_with("3,retired,plain,"), "{}", lines[3]);
    let (ok, out, _) = run(&["code", "--pack", &p, "--input", &arg(&input), "--output", "-"]);
    assert!(ok);
    assert!(out.lines().nth(1).unwrap().starts_with("-5,baker,\"=HYPERLINK("), "{out}");
}

/// A pack is read only up to its size limit: `--pack /dev/zero` fails at once.
#[cfg(unix)]
#[test]
fn a_huge_or_endless_pack_fails_fast() {
    let started = std::time::Instant::now();
    let (ok, _, err) = run(&["info", "--pack", "/dev/zero"]);
    assert!(!ok && err.contains("not an occupation-coder model pack"), "{err}");
    assert!(started.elapsed().as_secs() < 5);
    // A file of the right magic but over the limit, by its size alone.
    let dir = temp_dir("bigpack");
    let big = dir.join("big.ocpk");
    let f = std::fs::File::create(&big).unwrap();
    use std::io::Write;
    (&f).write_all(b"OCPK").unwrap();
    f.set_len((occupation_coder::pack::MAX_PACK_BYTES + 1) as u64).unwrap();
    let (ok, _, err) = run(&["info", "--pack", &arg(&big)]);
    assert!(!ok && err.contains("over the 67108864-byte limit"), "{err}");
}

/// Memory is bounded by bytes in flight, not rows: 1,000 rows of 1 MB each (every one
/// `too-long`) go through with a peak resident size far below the gigabyte they add up to.
#[cfg(target_os = "linux")]
#[test]
fn memory_is_bounded_by_bytes_not_rows() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_occupation-coder"))
        .args(["code", "--pack", &arg(&pack()), "--input", "-", "--output", "-", "--format", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let row = "a".repeat(1_000_000);
        stdin.write_all(b"id,title\n").unwrap();
        for i in 0..1000 {
            stdin.write_all(format!("{i},{row}\n").as_bytes()).unwrap();
        }
    });
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let (mut rows, mut too_long, mut line) = (0, 0, Vec::new());
        let mut r = BufReader::new(stdout);
        while r.read_until(b'\n', &mut line).unwrap() > 0 {
            rows += 1;
            // The status, reason and (empty) suggestions, then the three provenance columns.
            too_long += usize::from(line.windows(19).any(|w| w == b",uncoded,too-long,,"));
            line.clear();
        }
        (rows, too_long)
    });
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    while child.try_wait().unwrap().is_none() {
        if let Ok(s) = std::fs::read_to_string(&status) {
            if let Some(v) = s.lines().find_map(|l| l.strip_prefix("VmHWM:")) {
                peak_kb = peak_kb.max(v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0));
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    writer.join().unwrap();
    assert_eq!(reader.join().unwrap(), (1001, 1000));
    assert!(child.wait().unwrap().success());
    assert!(peak_kb > 0 && peak_kb < 400 * 1024, "peak resident {peak_kb} kB");
}

fn pack_of(classification: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("www/models/{classification}.ocpk"));
    assert!(p.exists(), "{} is missing: run `make build` first", p.display());
    p
}

#[test]
fn eval_refuses_labels_of_another_classification_and_warns_about_a_few() {
    let dir = std::env::temp_dir().join(format!("occ-cli-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let osca_labels = dir.join("osca.csv");
    let rows = "brickie,laying bricks,371131\nsparky,installing wiring,381231\nregistered nurse,aged care facility,265433\nretired,,099960\n";
    std::fs::write(&osca_labels, format!("title,tasks,code\n{rows}")).unwrap();
    let eval = |pack: &PathBuf, input: &PathBuf| run(&["eval", "--pack", pack.to_str().unwrap(), "--input", input.to_str().unwrap()]);

    // The pack of the labels' own classification: metrics, and nothing on stderr.
    let (ok, out, err) = eval(&pack_of("osca2024"), &osca_labels);
    assert!(ok, "{err}");
    assert!(err.is_empty(), "no warning for codes of the pack's classification: {err}");
    let metrics: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(metrics["cases"], 4);
    assert!(metrics["top1_right"].as_f64().unwrap() >= 0.75, "these four are easy: {out}");

    // The ANZSCO pack on OSCA labels: refused, saying why and what to do, no metrics.
    let (ok, out, err) = eval(&pack_of("anzsco2022"), &osca_labels);
    assert!(!ok, "refused: {out}");
    assert!(out.is_empty(), "no metrics: {out}");
    // (099960 Retired is a supplementary code of both classifications.)
    assert!(err.contains("3 of 4 labels") && err.contains("not codes of anzsco2022"), "{err}");
    assert!(err.contains("\"371131\"") && err.contains("another classification's"), "{err}");
    // The OSCA pack recognises ANZSCO 2022 codes (its recoding table) and names them.
    let anzsco_labels = dir.join("anzsco.csv");
    std::fs::write(&anzsco_labels, "title,tasks,code\nbrickie,,331111\nsparky,,341111\nregistered nurse,aged care,254412\n").unwrap();
    let (ok, out, err) = eval(&pack_of("osca2024"), &anzsco_labels);
    assert!(!ok && out.is_empty(), "refused: {out}");
    assert!(err.contains("3 of 3 labels") && err.contains("not codes of osca2024"), "{err}");
    assert!(err.contains("they are anzsco2022 codes: evaluate with the anzsco2022 pack"), "{err}");

    // A few stray labels: coded and counted as wrong, with a warning on stderr.
    let mostly = dir.join("mostly.csv");
    std::fs::write(&mostly, format!("title,tasks,code\n{rows}baker,,XYZ\n")).unwrap();
    let (ok, out, err) = eval(&pack_of("osca2024"), &mostly);
    assert!(ok, "{err}");
    assert!(err.contains("warning: 1 of 5 labels") && err.contains("\"XYZ\"") && err.contains("count as wrong"), "{err}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["cases"], 5);
}

/// Which classification and model coded a file: three columns on every CSV row and three
/// fields on every JSON line (the batch page writes the same; tests/batch/same-output.test.mjs).
#[test]
fn coded_files_say_which_classification_and_model() {
    let dir = temp_dir("provenance");
    let input = dir.join("in.csv");
    std::fs::write(&input, "id,title\n1,brickie\n2,\"bad\"x\n").unwrap();
    let bytes = std::fs::read(pack()).unwrap();
    let crc = u32::from_le_bytes(bytes[bytes.len() - 4..].try_into().unwrap());
    let model = format!("0.1.0+{crc:08x}");
    let (ok, out, err) = run(&["code", "--pack", &arg(&pack()), "--input", &arg(&input), "--output", "-"]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].ends_with(",suggestions,classification,classification_version,model_version"), "{}", lines[0]);
    for line in &lines[1..] {
        assert!(line.ends_with(&format!(",osca2024,OSCA 2024 v1.0,{model}")), "{line}");
    }
    let jsonl = dir.join("in.jsonl");
    std::fs::write(&jsonl, "{\"title\":\"brickie\"}\nnot json\n").unwrap();
    let anzsco = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/models/anzsco2022.ocpk");
    let (ok, out, err) = run(&["code", "--pack", &arg(&anzsco), "--input", &arg(&jsonl), "--output", "-"]);
    assert!(ok, "{err}");
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!((v["classification"].as_str(), v["classification_version"].as_str()), (Some("anzsco2022"), Some("ANZSCO 2022 Australian Update")));
        assert!(v["model_version"].as_str().unwrap().starts_with("0.1.0+"), "{v}");
    }
    // The provenance columns are output columns: an input column named like one is refused.
    std::fs::write(&input, "id,title,model_version\n1,brickie,x\n").unwrap();
    let (ok, _, err) = run(&["code", "--pack", &arg(&pack()), "--input", &arg(&input), "--output", "-"]);
    assert!(!ok && err.contains("column \"model_version\""), "{err}");
}

/// `--delimiter ';'` / `tab` read those files as the comma file (the output stays comma CSV);
/// a semicolon file read with commas fails with a hint.
#[test]
fn delimiter_option_reads_semicolon_and_tab_files() {
    let dir = temp_dir("delimiter");
    let p = arg(&pack());
    let comma = dir.join("comma.csv");
    std::fs::write(&comma, "id,title,tasks\n1,brickie,\"walls; paths\"\n2,\"nurse, registered\",aged care\n").unwrap();
    let (ok, want, err) = run(&["code", "--pack", &p, "--input", &arg(&comma), "--output", "-"]);
    assert!(ok, "{err}");
    for (d, text) in [
        (";", "id;title;tasks\n1;brickie;\"walls; paths\"\n2;nurse, registered;aged care\n"),
        ("tab", "id\ttitle\ttasks\n1\tbrickie\twalls; paths\n2\tnurse, registered\taged care\n"),
    ] {
        let input = dir.join(format!("in-{d}.csv"));
        std::fs::write(&input, text).unwrap();
        let (ok, out, err) = run(&["code", "--pack", &p, "--input", &arg(&input), "--output", "-", "--delimiter", d]);
        assert!(ok, "{err}");
        assert_eq!(out, want, "--delimiter {d}");
    }
    let (ok, _, err) = run(&["code", "--pack", &p, "--input", &arg(&dir.join("in-;.csv")), "--output", "-"]);
    assert!(!ok && err.contains("add --delimiter ';'"), "{err}");
    let (ok, _, err) = run(&["code", "--pack", &p, "--input", &arg(&comma), "--output", "-", "--delimiter", "|"]);
    assert!(!ok && err.contains("not a delimiter"), "{err}");
}

/// Every way a run can fail after its output is named leaves an existing output as it was,
/// says so, and leaves no partial or temporary file: a title column the input does not have,
/// an empty input, and a disk that fills up mid-run (a file size limit, `ulimit -f`, makes
/// writes fail as a full disk would; they used to leave a cut last row in place of the old
/// file).
#[cfg(unix)]
#[test]
fn a_run_failing_in_any_way_leaves_the_previous_output_as_it_was() {
    let dir = temp_dir("any-failure");
    let p = arg(&pack());
    let good = dir.join("in.csv");
    let mut rows = String::from("id,title\n");
    for i in 0..20_000 {
        rows.push_str(&format!("{i},registered nurse\n"));
    }
    std::fs::write(&good, &rows).unwrap();
    let empty = dir.join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let out = dir.join("out.csv");
    let previous = "previous results\n";
    let failures: [(&str, Vec<String>, &str); 3] = [
        ("wrong --title-column", vec!["--input".into(), arg(&good), "--title-column".into(), "job".into()], "has no \"job\" column"),
        ("empty input", vec!["--input".into(), arg(&empty)], "is empty"),
        ("disk full", vec!["--input".into(), arg(&good)], "cannot write output"),
    ];
    for (what, args, says) in failures {
        std::fs::write(&out, previous).unwrap();
        // The size limit (64 KiB) holds the old output but not the 20,000 coded rows; SIGXFSZ
        // is ignored so that the write fails with an error instead of killing the process.
        let limit = if what == "disk full" { "trap '' XFSZ; ulimit -f 64; " } else { "" };
        let script = format!("{limit}exec \"$0\" \"$@\"");
        let result = Command::new("bash")
            .arg("-c")
            .arg(script)
            .arg(env!("CARGO_BIN_EXE_occupation-coder"))
            .args(["code", "--pack", &p, "--output", &arg(&out)])
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&result.stderr);
        assert!(!result.status.success(), "{what}: the run must fail: {err}");
        assert!(err.contains(says) && err.contains("was left as it was"), "{what}: {err}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), previous, "{what}: the old output is untouched");
        assert_eq!(listing(&dir), ["empty.csv", "in.csv", "out.csv"], "{what}: no partial or temporary file is left");
    }
    // The same run without the limit succeeds: the failure above was the full disk.
    let (ok, _, err) = run(&["code", "--pack", &p, "--input", &arg(&good), "--output", &arg(&out)]);
    assert!(ok, "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 20_001);
}

#[test]
fn a_reader_that_stops_early_ends_suggest_quietly() {
    use std::process::Stdio;
    // The reader is gone before the pack is even loaded, so the first write meets a closed
    // pipe, as `occupation-coder suggest ... | head -1` does after the first line.
    let mut child = Command::new(env!("CARGO_BIN_EXE_occupation-coder"))
        .args(["suggest", "--pack", pack().to_str().unwrap(), "plumber"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("CLI runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("CLI ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
