//! A probe of one analysis in a fresh process: reads a scenario, then times
//! `analysis::analyze` and the `--json` document once (as `pactum analyze
//! --timings` does) and counts the minor page faults taken during the call.
//!
//! `cargo run --release -p pactum-core --example analyze_probe -- FOLDER [REPEATS]`
//! prints `analysis_us`, `faults` and, with REPEATS > 1, the median of that
//! many further calls (warm caches). `--varied N` after REPEATS instead
//! analyses N variants of the scenario (three weights of each party moved,
//! seeded) in turn, REPEATS rounds, and prints the median call after the
//! first round: code and memory warm, but no branch predictor trained on
//! one call's data, as a repeated call of the same scenario trains it.
//! `thread` instead of a folder times starting and joining one scoped
//! thread, its first in the process.

use std::time::Instant;

use pactum_core::analysis::{AnalysisDocument, AnalysisOptions, analyze};
use pactum_core::model::Scenario;

/// `count` variants of `scenario`: three weights of each party set to
/// seeded values between 0.05 and 0.25 (the others rescaled), and how many
/// of those overrides took (a party without weights refuses them).
fn variants(scenario: &Scenario, count: usize) -> (Vec<Scenario>, usize) {
    let mut state = 12345u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let issues = scenario.issues();
    let mut applied = 0;
    let variants = (0..count)
        .map(|_| {
            let mut variant = scenario.clone();
            for party in scenario.parties() {
                for _ in 0..3 {
                    let issue = &issues[next() % issues.len()].name;
                    let spec = format!("{}.weight.{issue}=0.{:03}", party.name, 50 + next() % 200);
                    applied += pactum_core::overrides::apply(&mut variant, &spec).is_ok() as usize;
                }
            }
            variant
        })
        .collect();
    (variants, applied)
}

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
    if let Some(flag) = args.next() {
        let count = args.next().and_then(|c| c.parse::<usize>().ok());
        let count = match (flag.as_str(), count) {
            ("--varied", Some(c)) if c > 0 => c,
            _ => {
                eprintln!("usage: analyze_probe FOLDER REPEATS --varied N");
                std::process::exit(2);
            }
        };
        let (scenarios, applied) = variants(&loaded.scenario, count);
        let mut times = Vec::new();
        for round in 0..repeats.max(2) {
            for scenario in &scenarios {
                let t = Instant::now();
                let analysis = analyze(scenario, &opts).expect("analysis");
                std::hint::black_box(AnalysisDocument::new(&analysis, None));
                if round > 0 {
                    times.push(t.elapsed().as_secs_f64() * 1e6);
                }
            }
        }
        times.sort_by(f64::total_cmp);
        let tried = 3 * count * loaded.scenario.parties().len();
        println!(
            "varied_median_us {:.1} overrides {applied}/{tried}",
            times[times.len() / 2]
        );
        return;
    }
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
