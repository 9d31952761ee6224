//! `occupation-coder bench`: the figures in README, measured on this machine.
//!
//! Fixed inputs (below) so runs are comparable; results as a Markdown table or JSON.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use occupation_coder::model::NodeScorer;
use occupation_coder::{Coder, Record};
use rayon::prelude::*;
use serde::Serialize;

#[derive(Args)]
pub struct BenchArgs {
    /// Packs to measure.
    #[arg(long, required = true, num_args = 1..)]
    pack: Vec<PathBuf>,
    /// suggest() calls timed per pack.
    #[arg(long, default_value_t = 20_000)]
    calls: usize,
    /// Records coded for the throughput figures.
    #[arg(long, default_value_t = 200_000)]
    records: usize,
    #[arg(long)]
    json: bool,
}

/// Respondent-like answers: title and tasks, some colloquial or misspelt.
pub const INPUTS: &[(&str, &str)] = &[
    ("Registered nurse", "caring for elderly residents in an aged care facility, giving medication"),
    ("brickie", "laying bricks and blocks on house sites"),
    ("Cleaner", "cleaning offices at night, vacuuming and emptying bins"),
    ("Software engineer", "writing code for web applications and reviewing pull requests"),
    ("Primary school teacher", "teaching year 3 students literacy and numeracy"),
    ("truck driver", "driving a semi trailer interstate delivering freight"),
    ("Accountant", "preparing tax returns and financial statements for small businesses"),
    ("Retail assistant", "serving customers, stocking shelves and operating the register"),
    ("electrition", "installing wiring and fixing faults in houses"),
    ("Chef", "preparing meals, planning menus and supervising kitchen staff"),
    ("Farm hand", "feeding livestock, fixing fences and driving the tractor"),
    ("Receptionist", "answering phones and booking appointments at a medical centre"),
    ("Aged care worker", "helping residents shower, dress and eat"),
    ("Plumber", "installing and repairing pipes, hot water systems and drains"),
    ("Project manager", "managing construction projects, budgets and subcontractors"),
    ("Barista", "making coffee and serving customers in a cafe"),
    ("Mechanic", "servicing and repairing cars and light trucks"),
    ("Police officer", "patrolling, responding to incidents and arresting offenders"),
    ("Hairdresser", "cutting, colouring and styling clients' hair"),
    ("Warehouse worker", "picking and packing orders, driving a forklift"),
];

#[derive(Serialize)]
struct PackBench {
    pack: String,
    classification: String,
    pack_bytes: usize,
    pack_gzip_bytes: usize,
    load_ms: f64,
    suggest_top5_median_us: f64,
    suggest_top5_p95_us: f64,
    code_records_per_s_one_core: f64,
    code_records_per_s_all_cores: f64,
    cores: usize,
}

pub fn run(args: &BenchArgs) -> Result<()> {
    let mut results = Vec::new();
    for path in &args.pack {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        // Median of five loads: the first one alone swings with what the process touched before.
        let mut loads = Vec::new();
        let mut coder = None;
        for _ in 0..5 {
            let t = Instant::now();
            coder = Some(Coder::from_bytes(&bytes).with_context(|| format!("cannot load {}", path.display()))?);
            loads.push(t.elapsed().as_secs_f64() * 1e3);
        }
        loads.sort_by(f64::total_cmp);
        let load_ms = loads[loads.len() / 2];
        let coder = coder.expect("loaded five times");
        let (median, p95) = suggest_latency(&coder, args.calls);
        let records = distinct_records(&coder, args.records);
        let distinct: std::collections::HashSet<(&str, &str)> = records.iter().map(|r| (r.title.as_str(), r.tasks.as_str())).collect();
        let coded = records.par_iter().filter(|r| coder.code(r).is_coded()).count();
        let features: usize = records.par_iter().map(|r| coder.features(&r.title, &r.tasks).len()).sum();
        eprintln!(
            "{}: {} records for throughput, {} distinct, {:.1}% coded, {:.0} features each on average",
            path.display(),
            records.len(),
            distinct.len(),
            100.0 * coded as f64 / records.len().max(1) as f64,
            features as f64 / records.len().max(1) as f64
        );
        let feat = throughput(|| records.iter().map(|r| coder.features(&r.title, &r.tasks).len()).sum::<usize>(), records.len());
        eprintln!("{}: featurise alone, 1 core: {:.0} rec/s", path.display(), feat);
        let one = throughput(|| records.iter().map(|r| coder.code(r).is_coded() as usize).sum::<usize>(), records.len());
        let all = throughput(|| records.par_iter().map(|r| coder.code(r).is_coded() as usize).sum::<usize>(), records.len());
        results.push(PackBench {
            pack: path.display().to_string(),
            classification: coder.info().classification,
            pack_bytes: bytes.len(),
            pack_gzip_bytes: gzip_len(&bytes),
            load_ms,
            suggest_top5_median_us: median,
            suggest_top5_p95_us: p95,
            code_records_per_s_one_core: one,
            code_records_per_s_all_cores: all,
            cores: rayon::current_num_threads(),
        });
    }
    let text = if args.json {
        serde_json::to_string_pretty(&results)? + "\n"
    } else {
        let mut t = format!("| pack | size | gzip | load | suggest top-5 median | p95 | code, 1 core | code, {} cores |\n", rayon::current_num_threads());
        t += "|---|---|---|---|---|---|---|---|\n";
        for r in &results {
            t += &format!(
                "| {} | {:.2} MB | {:.2} MB | {:.0} ms | {:.0} µs | {:.0} µs | {:.0} rec/s | {:.0} rec/s |\n",
                r.classification,
                r.pack_bytes as f64 / 1e6,
                r.pack_gzip_bytes as f64 / 1e6,
                r.load_ms,
                r.suggest_top5_median_us,
                r.suggest_top5_p95_us,
                r.code_records_per_s_one_core,
                r.code_records_per_s_all_cores
            );
        }
        t
    };
    crate::print_out(&text)?;
    Ok(())
}

/// Task phrases combined with occupation titles so that every benchmark record is distinct
/// (no two records share title and tasks): throughput is measured on realistic, varied text,
/// never on a handful of repeated inputs.
pub const TASK_PHRASES: &[&str] = &[
    "caring for elderly residents",
    "laying bricks and blocks",
    "cleaning offices at night",
    "writing code for web applications",
    "teaching students literacy and numeracy",
    "driving a semi trailer interstate",
    "preparing tax returns",
    "serving customers at the register",
    "installing wiring and fixing faults",
    "planning menus and supervising staff",
    "feeding livestock and fixing fences",
    "answering phones and booking appointments",
    "helping residents shower and dress",
    "repairing pipes and hot water systems",
    "managing budgets and subcontractors",
    "making coffee in a cafe",
    "servicing cars and light trucks",
    "responding to incidents",
    "cutting and colouring hair",
    "picking and packing orders with a forklift",
    "supervising a team of ten",
    "ordering stock and checking deliveries",
    "writing reports for management",
    "operating heavy machinery on site",
    "giving medication and dressing wounds",
    "designing buildings and drawing plans",
    "testing samples in a laboratory",
    "selling insurance over the phone",
    "maintaining aircraft engines",
    "looking after children aged 2 to 5",
    "mowing lawns and pruning trees",
    "processing payroll and invoices",
    "counselling clients with mental health issues",
    "welding steel frames in a factory",
    "guarding a shopping centre at night",
    "editing video for television",
    "negotiating contracts with suppliers",
    "fitting kitchens and cabinets",
    "analysing data with sql and python",
    "cooking for a nursing home",
];

/// `n` distinct respondent-like records: every occupation title in the pack (plain, lower
/// case, or with a typing slip) with one or two task phrases, the fixed [`INPUTS`] mixed in.
pub fn distinct_records(coder: &Coder, n: usize) -> Vec<Record> {
    let tree = coder.model().tree();
    let titles: Vec<&str> = tree.nodes.iter().filter(|x| x.depth == 5 && !x.code.starts_with('0')).map(|x| x.label.as_str()).collect();
    let t = TASK_PHRASES.len();
    (0..n)
        .map(|i| {
            if i % 10 == 0 {
                let (title, tasks) = INPUTS[(i / 10) % INPUTS.len()];
                // Distinct too: a record number in the tasks.
                return Record { id: Some(i.to_string()), title: title.into(), tasks: format!("{tasks} {}", i / 10) };
            }
            let label = titles[i % titles.len()];
            let round = i / titles.len();
            let title = match round % 3 {
                0 => label.to_string(),
                1 => label.to_lowercase(),
                // A typing slip: drop one letter.
                _ => {
                    let chars: Vec<char> = label.chars().collect();
                    let at = (i * 7) % chars.len().max(1);
                    chars.iter().enumerate().filter(|&(j, _)| j != at).map(|(_, c)| c).collect()
                }
            };
            let a = TASK_PHRASES[(round / 3) % t];
            let b = TASK_PHRASES[(round / (3 * t) + i) % t];
            let tasks = if round.is_multiple_of(2) { a.to_string() } else { format!("{a}, {b}") };
            Record { id: Some(i.to_string()), title, tasks }
        })
        .collect()
}

fn suggest_latency(coder: &Coder, calls: usize) -> (f64, f64) {
    for (title, tasks) in INPUTS {
        let _ = coder.suggest(title, tasks, 5);
    }
    let mut times: Vec<f64> = (0..calls)
        .map(|i| {
            let (title, tasks) = INPUTS[i % INPUTS.len()];
            let t = Instant::now();
            let s = coder.suggest(title, tasks, 5);
            let us = t.elapsed().as_secs_f64() * 1e6;
            std::hint::black_box(s.ok());
            us
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
}

fn throughput(f: impl Fn() -> usize, n: usize) -> f64 {
    let t = Instant::now();
    std::hint::black_box(f());
    n as f64 / t.elapsed().as_secs_f64()
}

fn gzip_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("in-memory write");
    enc.finish().expect("in-memory write").len()
}
