//! Times the full analysis (every concept, both sanction rules) of seeded
//! random conflicts with 16, 18 and 20 options and four DMs, and prints the
//! process's peak resident memory (VmHWM in /proc/self/status) after each,
//! with wall and CPU time (a loaded machine inflates the first).
//!
//! Usage: `cargo run --release -p pactum-conflict --example scale [OPTIONS...]`.
//! Rules: models come from `benches/support/model.rs` with seed 13; sizes run
//! in the order given, so each peak includes the sizes before it.

#[path = "../benches/support/model.rs"]
mod model;

use std::time::Instant;

use pactum_conflict::{Sanctions, analyse};

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Seconds this process has run on a CPU so far (/proc/self/schedstat),
/// which a loaded machine does not inflate as it does wall time.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| {
            a.parse()
                .unwrap_or_else(|_| panic!("not a number of options: {a}"))
        })
        .collect();
    let sizes = if sizes.is_empty() {
        vec![16, 18, 20]
    } else {
        sizes
    };
    for options in sizes {
        let conflict = model::random_conflict(options, 13);
        for sanctions in [Sanctions::Sequences, Sanctions::Single] {
            let start = Instant::now();
            let cpu = cpu_seconds();
            let a = analyse(&conflict, sanctions);
            let took = start.elapsed();
            let cpu = match (cpu, cpu_seconds()) {
                (Some(a), Some(b)) => format!("{:.3} s CPU", b - a),
                _ => "CPU time unknown".into(),
            };
            println!(
                "{options} options, {} feasible states, {sanctions:?}: {:.3} s wall, {cpu}, {} GMR equilibria, peak memory {}",
                a.states.len(),
                took.as_secs_f64(),
                a.equilibria(pactum_conflict::Concept::Gmr).len(),
                peak_memory()
            );
        }
    }
}
