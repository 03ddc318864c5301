//! A probe of one analysis in a fresh process: reads a scenario, then times
//! `analysis::analyze` and the `--json` document once (as `pactum analyze
//! --timings` does) and counts the minor page faults taken during the call.
//!
//! `cargo run --release -p pactum-core --example analyze_probe -- FOLDER [REPEATS]`
//! prints `analysis_us`, `faults` and, with REPEATS > 1, the median of that
//! many further calls (warm caches). `thread` instead of a folder times
//! starting and joining one scoped thread, its first in the process.

use std::time::Instant;

use pactum_core::analysis::{AnalysisDocument, AnalysisOptions, analyze};

/// Minor page faults of this process so far (field 10 of /proc/self/stat).
fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name may hold spaces: fields are counted after its ')'.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(7))
        .and_then(|f| f.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: analyze_probe FOLDER|thread [REPEATS]");
        std::process::exit(2);
    };
    let repeats: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    if path == "thread" {
        let faults = minor_faults();
        let t = Instant::now();
        let x = std::thread::scope(|s| s.spawn(|| std::hint::black_box(7u64) * 3).join());
        let first = t.elapsed();
        let faults = minor_faults() - faults;
        let t = Instant::now();
        let y = std::thread::scope(|s| s.spawn(|| std::hint::black_box(7u64) * 3).join());
        let second = t.elapsed();
        println!(
            "thread_first_us {:.1} faults {faults} thread_second_us {:.1} ({:?} {:?})",
            first.as_secs_f64() * 1e6,
            second.as_secs_f64() * 1e6,
            x.ok(),
            y.ok()
        );
        return;
    }
    let loaded = match pactum_core::io::load(std::path::Path::new(&path), None) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let opts = AnalysisOptions::default();
    let once = || {
        let t = Instant::now();
        let analysis = analyze(&loaded.scenario, &opts).expect("analysis");
        let doc = AnalysisDocument::new(&analysis, loaded.reference_frontier.as_ref());
        let points = doc.analysis.frontier.len();
        (t.elapsed(), points)
    };
    let faults = minor_faults();
    let (first, points) = once();
    let faults = minor_faults() - faults;
    print!(
        "analysis_us {:.1} faults {faults} points {points}",
        first.as_secs_f64() * 1e6
    );
    if repeats > 1 {
        let mut times: Vec<f64> = (1..repeats).map(|_| once().0.as_secs_f64() * 1e6).collect();
        times.sort_by(f64::total_cmp);
        print!(" warm_median_us {:.1}", times[times.len() / 2]);
    }
    println!();
}
