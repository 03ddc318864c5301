//! A probe of the SMP in process: reads a case, runs the model with KTAB's default
//! parameters REPEATS times on the calling thread and prints the first run's time (a fresh
//! process: cold caches and first touches of memory) and the median of all runs.
//!
//! `cargo run --release -p pactum-forecast --example smp_probe -- CASE.csv [REPEATS]`

use std::time::Instant;

use pactum_forecast::input::read_case_csv;
use pactum_forecast::smp::{SmpParams, run_smp};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: smp_probe CASE.csv [REPEATS]");
        std::process::exit(2);
    };
    let repeats: usize = args
        .next()
        .and_then(|r| r.parse().ok())
        .unwrap_or(100)
        .max(1);
    let case = match read_case_csv(std::path::Path::new(&path)) {
        Ok(case) => case,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let params = SmpParams::default();
    let mut times = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let t = Instant::now();
        match run_smp(&case, &params) {
            Ok(run) => drop(std::hint::black_box(run)),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let first = times[0];
    times.sort_by(f64::total_cmp);
    println!(
        "first_ms {first:.3} median_ms {:.3} runs {repeats}",
        times[times.len() / 2]
    );
}
