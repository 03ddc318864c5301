//! `cargo bench -p pactum-forecast --bench forecast`: the in-process figures of the
//! forecasting models. The SMP and its Monte Carlo run on the Efird 2016 competitive-space case
//! (34 actors; skipped with a message when ../shared is absent); the back-test runs every model
//! on a SYNTHETIC, seeded set of 353 issues with known outcomes (for timing only: its scores
//! say nothing about any model).

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use pactum_forecast::backtest::{BacktestOptions, backtest};
use pactum_forecast::input::read_case_csv;
use pactum_forecast::montecarlo::{McOptions, monte_carlo};
use pactum_forecast::smp::{SmpParams, run_smp};
use pactum_forecast::{Actor, Case, ModelKind, Options};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn efird() -> Option<Case> {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/forecasting/cases/efird2016_china_competitive_space.csv"
    ));
    if !p.exists() {
        eprintln!("skipping the SMP benches: {} is absent", p.display());
        return None;
    }
    Some(read_case_csv(&p).expect("the Efird case reads"))
}

/// 353 seeded issues of 5 to 30 actors; the outcome is the weighted mean plus noise.
fn synthetic_issues() -> Vec<Case> {
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    (0..353)
        .map(|i| {
            let n = rng.random_range(5..=30);
            let actors: Vec<Actor> = (0..n)
                .map(|a| {
                    Actor::new(
                        format!("a{a}"),
                        rng.random_range(1.0..100.0),
                        rng.random_range(0.0..100.0),
                        rng.random_range(10.0..100.0),
                    )
                })
                .collect();
            let weight: f64 = actors.iter().map(|a| a.capability * a.saliences[0]).sum();
            let mean: f64 = actors
                .iter()
                .map(|a| a.capability * a.saliences[0] * a.positions[0])
                .sum::<f64>()
                / weight;
            let noise: f64 = rng.random_range(-10.0..10.0);
            let mut case = Case::one_dim(format!("synthetic{i:03}"), actors);
            case.outcome = Some(vec![(mean + noise).clamp(0.0, 100.0)]);
            case
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    if let Some(case) = efird() {
        c.bench_function("smp efird2016 competitive space (34 actors)", |b| {
            b.iter(|| run_smp(&case, &SmpParams::default()).unwrap())
        });
        let mut g = c.benchmark_group("monte carlo");
        g.sample_size(10);
        let o = McOptions {
            draws: 100,
            ..McOptions::default()
        };
        g.bench_function("smp efird2016, 100 draws", |b| {
            b.iter(|| monte_carlo(ModelKind::Smp, &case, &Options::default(), &o).unwrap())
        });
        g.finish();
    }
    let issues = synthetic_issues();
    let mut g = c.benchmark_group("back-test");
    g.sample_size(10);
    g.bench_function("every model, 353 synthetic issues", |b| {
        b.iter(|| backtest(&issues, &BacktestOptions::default()).unwrap())
    });
    g.finish();
}

criterion_group!(forecast, benches);
criterion_main!(forecast);
