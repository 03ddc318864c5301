//! Monte Carlo determinism and back-test scoring.

mod common;

use pactum_forecast::backtest::{BacktestOptions, backtest};
use pactum_forecast::input::{parse_backtest_csv, parse_case_csv, read_case_csv};
use pactum_forecast::montecarlo::{McOptions, Spread, monte_carlo, percentile};
use pactum_forecast::{ModelKind, Options};

const CASE: &str =
    "actor,capability,position,salience\nA,100,0,80\nB,60,40,60\nC,40,70,90\nD,30,100,50\n";

#[test]
fn same_seed_same_output_across_thread_counts() {
    let case = parse_case_csv(CASE, "mc.csv").unwrap();
    let o = McOptions {
        draws: 64,
        seed: 7,
        ..McOptions::default()
    };
    let a = monte_carlo(ModelKind::WeightedMean, &case, &Options::default(), &o).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let b = pool
        .install(|| monte_carlo(ModelKind::WeightedMean, &case, &Options::default(), &o))
        .unwrap();
    assert_eq!(a, b);
    let c = monte_carlo(
        ModelKind::WeightedMean,
        &case,
        &Options::default(),
        &McOptions {
            seed: 8,
            ..o.clone()
        },
    )
    .unwrap();
    assert_ne!(a.dimensions[0].samples, c.dimensions[0].samples);
    let d = &a.dimensions[0];
    assert_eq!(d.samples.len(), 64);
    assert!(d.p10 <= d.median && d.median <= d.p90);
    assert!(d.p10 < d.base && d.base < d.p90, "{d:?}");
}

#[test]
fn zero_spread_reproduces_the_base_forecast() {
    let case = parse_case_csv(CASE, "mc.csv").unwrap();
    let o = McOptions {
        draws: 8,
        capability: Spread::None,
        position: Spread::None,
        salience: Spread::None,
        ..McOptions::default()
    };
    for m in [ModelKind::WeightedMean, ModelKind::Bdm, ModelKind::Smp] {
        let r = monte_carlo(m, &case, &Options::default(), &o).unwrap();
        let d = &r.dimensions[0];
        assert_eq!(r.failures, 0);
        assert!((d.median - d.base).abs() < 1e-12 && (d.p10 - d.p90).abs() < 1e-12);
    }
}

#[test]
fn per_actor_ranges_are_respected() {
    let case = parse_case_csv(CASE, "mc.csv").unwrap();
    let o = McOptions {
        draws: 32,
        position: Spread::PerActor(vec![(0.0, 10.0), (40.0, 40.0), (60.0, 80.0), (90.0, 100.0)]),
        ..McOptions::default()
    };
    let r = monte_carlo(ModelKind::WeightedMedian, &case, &Options::default(), &o).unwrap();
    for &s in &r.dimensions[0].samples {
        assert!((0.0..=100.0).contains(&s));
    }
    let bad = McOptions {
        salience: Spread::PerActor(vec![(0.0, 1.0)]),
        ..McOptions::default()
    };
    assert!(monte_carlo(ModelKind::WeightedMean, &case, &Options::default(), &bad).is_err());
}

#[test]
fn percentile_interpolates() {
    let v = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert_eq!(percentile(&v, 0.5), 3.0);
    assert!((percentile(&v, 0.1) - 1.4).abs() < 1e-12);
    assert!((percentile(&v, 0.9) - 4.6).abs() < 1e-12);
}

#[test]
fn backtest_scores_in_input_order() {
    let text = "issue,actor,capability,position,salience,outcome,status_quo\n\
        i1,A,1,0,100,50,\n\
        i1,B,1,100,100,50,\n\
        i2,A,3,0,100,0,20\n\
        i2,B,1,100,100,0,\n\
        i3,A,1,20,50,90,\n\
        i3,B,1,40,50,90,\n";
    let cases = parse_backtest_csv(text, "bt.csv").unwrap();
    assert_eq!(cases[1].issues[0].status_quo, Some(20.0));
    let o = BacktestOptions {
        models: vec![ModelKind::WeightedMean, ModelKind::WeightedMedian],
        ..BacktestOptions::default()
    };
    let r = backtest(&cases, &o).unwrap();
    let names: Vec<&str> = r.issues.iter().map(|i| i.issue.as_str()).collect();
    assert_eq!(names, ["i1", "i2", "i3"]);
    // Weighted mean: 50 (err 0), 25 (err 25), 30 (err 60).
    let wm = &r.scores[0];
    assert_eq!(wm.model, "weighted_mean");
    assert!((wm.mean_abs_error - 85.0 / 3.0).abs() < 1e-12);
    assert!((wm.median_abs_error - 25.0).abs() < 1e-12);
    assert!((wm.hit_share - 1.0 / 3.0).abs() < 1e-12);
    // Lower weighted median: 0, 0, 20 -> errors 50, 0, 70.
    let md = &r.scores[1];
    assert!((md.mean_abs_error - 40.0).abs() < 1e-12);
    let again = backtest(&cases, &o).unwrap();
    assert_eq!(r, again);
}

#[test]
fn backtest_emission_outcome() {
    // BDM 1994's emission case resolved at 8.833 years.
    let Some(path) = common::case_path("bdm1994_emission_standards.csv") else {
        return;
    };
    let mut case = read_case_csv(&path).unwrap();
    case.outcome = Some(vec![8.833]);
    let r = backtest(&[case], &BacktestOptions::default()).unwrap();
    let wm = r
        .scores
        .iter()
        .find(|s| s.model == "weighted_mean")
        .unwrap();
    assert!((wm.mean_abs_error - (8.833 - 7.389955686853766)).abs() < 1e-9);
    assert!(r.scores.iter().all(|s| s.n == 1 && s.failures == 0));
}

#[test]
fn backtest_requires_outcomes() {
    let case = parse_case_csv(CASE, "mc.csv").unwrap();
    assert!(backtest(&[case], &BacktestOptions::default()).is_err());
}

/// A billion draws once aborted on a 24 GB allocation: refused before any draw.
#[test]
fn too_many_draws_are_refused_before_drawing() {
    let case = parse_case_csv(CASE, "mc.csv").unwrap();
    let o = McOptions {
        draws: pactum_forecast::montecarlo::MAX_DRAWS + 1,
        ..McOptions::default()
    };
    let started = std::time::Instant::now();
    let e = monte_carlo(ModelKind::WeightedMean, &case, &Options::default(), &o).unwrap_err();
    assert!(
        matches!(e, pactum_forecast::ForecastError::TooManyDraws { limit, .. } if limit == 1_000_000),
        "{e}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}
