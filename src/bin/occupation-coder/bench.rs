//! `occupation-coder bench`: the figures in README, measured on this machine.
//!
//! Fixed inputs (below) so runs are comparable; results as a Markdown table or JSON.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
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
        let t = Instant::now();
        let coder = Coder::from_bytes(&bytes).with_context(|| format!("cannot load {}", path.display()))?;
        let load_ms = t.elapsed().as_secs_f64() * 1e3;
        let (median, p95) = suggest_latency(&coder, args.calls);
        let records: Vec<Record> = (0..args.records)
            .map(|i| {
                let (title, tasks) = INPUTS[i % INPUTS.len()];
                Record { id: Some(i.to_string()), title: title.into(), tasks: tasks.into() }
            })
            .collect();
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
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        println!("| pack | size | gzip | load | suggest top-5 median | p95 | code, 1 core | code, {} cores |", rayon::current_num_threads());
        println!("|---|---|---|---|---|---|---|---|");
        for r in &results {
            println!(
                "| {} | {:.2} MB | {:.2} MB | {:.0} ms | {:.0} µs | {:.0} µs | {:.0} rec/s | {:.0} rec/s |",
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
    }
    Ok(())
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
