//! Property tests: forecasts stay within the range of positions; the baselines do not depend on
//! actor order or on the unit of capability.

use pactum_forecast::{Actor, Case, ModelKind, Options, run};
use proptest::prelude::*;

fn arb_case(max_actors: usize) -> impl Strategy<Value = Case> {
    prop::collection::vec((1u32..=100, 0u32..=100, 1u32..=100), 2..=max_actors).prop_map(|v| {
        let actors = v
            .into_iter()
            .enumerate()
            .map(|(i, (c, p, s))| Actor::new(format!("a{i}"), c as f64, p as f64, s as f64))
            .collect();
        Case::one_dim("prop", actors)
    })
}

const BASELINES: [ModelKind; 4] = [
    ModelKind::WeightedMean,
    ModelKind::WeightedMedian,
    ModelKind::CondorcetWinner,
    ModelKind::NashBargaining,
];

fn grid_step(case: &Case) -> f64 {
    let (lo, hi) = case.range(0);
    (hi - lo) / 2000.0 + 1e-9
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn baselines_and_bdm_within_range(case in arb_case(12)) {
        let (lo, hi) = case.range(0);
        for m in BASELINES.into_iter().chain([ModelKind::Bdm]) {
            let f = run(m, &case, &Options::default()).unwrap().value();
            prop_assert!(f >= lo - 1e-9 && f <= hi + 1e-9, "{m:?}: {f} outside [{lo}, {hi}]");
        }
    }

    #[test]
    fn baselines_ignore_actor_order(case in arb_case(12), rot in 0usize..12) {
        let mut perm = case.clone();
        perm.actors.reverse();
        let k = rot % perm.actors.len();
        perm.actors.rotate_left(k);
        for m in BASELINES {
            let a = run(m, &case, &Options::default()).unwrap().value();
            let b = run(m, &perm, &Options::default()).unwrap().value();
            let tol = if m == ModelKind::NashBargaining { grid_step(&case) } else { 1e-9 };
            prop_assert!((a - b).abs() <= tol, "{m:?}: {a} vs {b}");
        }
    }

    #[test]
    fn baselines_ignore_capability_scale(case in arb_case(12), k in 0.01f64..1000.0) {
        let mut scaled = case.clone();
        for a in &mut scaled.actors {
            a.capability *= k;
        }
        for m in BASELINES {
            let a = run(m, &case, &Options::default()).unwrap().value();
            let b = run(m, &scaled, &Options::default()).unwrap().value();
            let tol = if m == ModelKind::NashBargaining { grid_step(&case) } else { 1e-9 };
            prop_assert!((a - b).abs() <= tol, "{m:?}: {a} vs {b}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn smp_within_range(case in arb_case(7)) {
        let (lo, hi) = case.range(0);
        let f = run(ModelKind::Smp, &case, &Options::default()).unwrap();
        let d = &f.dimensions[0];
        prop_assert!(d.forecast >= lo - 1e-6 && d.forecast <= hi + 1e-6);
        for round in &d.rounds {
            for x in round.values() {
                prop_assert!(x >= lo - 0.01 && x <= hi + 0.01, "{x} outside [{lo}, {hi}]");
            }
        }
    }
}
