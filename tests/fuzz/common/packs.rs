//! The packs the fuzz targets code with: the frozen v2 fixture (compiled in) and the shipped
//! OSCA and ANZSCO packs, read from `$OCCODER_MODELS_DIR` (as the WebAssembly tests do) or
//! else `www/models/` of this checkout. Shared by several targets through `#[path]`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use occupation_coder::Coder;

/// The shipped packs, by file name (without `.ocpk`).
pub const SHIPPED: [&str; 2] = ["osca2024", "anzsco2022"];

static FIXTURE_V2: &[u8] = include_bytes!("../../fixtures/pack-v2.ocpk");

/// Where the shipped packs are looked for.
pub fn models_dir() -> PathBuf {
    match std::env::var_os("OCCODER_MODELS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/models"),
    }
}

/// Loads one shipped pack, or ends the process with a message saying how to get it: a missing
/// pack is a set-up problem, not a finding, so it must not be reported (and saved) as a crash.
/// Called from the targets' `init`, before libFuzzer runs any input.
fn load_shipped(name: &str) -> Coder {
    let path = models_dir().join(format!("{name}.ocpk"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!(
            "fuzz: cannot read the shipped pack {} ({e}): build the packs with `make packs` \
             (or `make build`), or set OCCODER_MODELS_DIR to a directory holding {}",
            path.display(),
            SHIPPED.map(|n| format!("{n}.ocpk")).join(" and ")
        );
        std::process::exit(2);
    });
    Coder::from_bytes(&bytes).unwrap_or_else(|e| {
        eprintln!("fuzz: the shipped pack {} does not load ({e}): rebuild it with `make packs`", path.display());
        std::process::exit(2);
    })
}

/// The shipped packs, loaded once per process, in the order of [`SHIPPED`].
pub fn shipped() -> &'static [Coder] {
    static CODERS: OnceLock<Vec<Coder>> = OnceLock::new();
    CODERS.get_or_init(|| SHIPPED.iter().map(|n| load_shipped(n)).collect())
}

/// The frozen v2 fixture pack.
pub fn fixture() -> &'static Coder {
    static CODER: OnceLock<Coder> = OnceLock::new();
    CODER.get_or_init(|| Coder::from_bytes(FIXTURE_V2).expect("the frozen v2 fixture loads"))
}

/// Confidences and probabilities must be numbers in [0, 1] (with rounding room).
pub fn sound(p: f32) -> bool {
    p.is_finite() && (0.0..=1.0001).contains(&p)
}

/// Splits fuzz bytes (after any control bytes) into UTF-8 fields at tabs, or `None` when they
/// are not UTF-8.
pub fn fields(data: &[u8]) -> Option<Vec<&str>> {
    std::str::from_utf8(data).ok().map(|t| t.split('\t').collect())
}
