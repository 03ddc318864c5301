//! THE ORACLE TEST of the hyper-rectangle search: on seeded random
//! rectangle scenarios small enough to enumerate (integer, real and
//! discrete issues, positive and negative rectangles, caps that bind,
//! reservation values, red lines, two and three parties), the search's
//! frontier has exactly enumeration's utility vectors, and each point's
//! outcome is allowed and evaluates to its utilities; a search stopped by
//! its node limit reports a gap that covers what it missed.

use rand::{RngExt, SeedableRng};

use super::super::enumerate::enumerated_frontier;
use super::super::points::FrontierOptions;
use super::*;
use crate::model::*;

fn random_scenario(seed: u64) -> Scenario {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let issue_count = rng.random_range(1..=6usize);
    let issues: Vec<Issue> = (0..issue_count)
        .map(|i| {
            let kind = match rng.random_range(0..4u32) {
                0 => IssueKind::Discrete {
                    options: (0..rng.random_range(1..=4u32))
                        .map(|k| format!("v{k}"))
                        .collect(),
                },
                1 => IssueKind::Real {
                    min: -1.0,
                    max: 1.0,
                    levels: rng.random_range(1..=5usize),
                },
                _ => {
                    let min = rng.random_range(-3..=3i64);
                    IssueKind::Integer {
                        min,
                        max: min + rng.random_range(0..=5i64),
                    }
                }
            };
            Issue {
                name: format!("i{i}"),
                kind,
                notes: None,
            }
        })
        .collect();
    let parties_count = if rng.random_range(0..4u32) == 0 { 3 } else { 2 };
    let parties: Vec<Party> = (0..parties_count)
        .map(|p| {
            let rectangles: Vec<HyperRectangle> = (0..rng.random_range(0..=10usize))
                .map(|_| {
                    let constrained: Vec<usize> = (0..issue_count)
                        .filter(|_| rng.random_range(0..2u32) == 0)
                        .take(3)
                        .collect();
                    // Bounds at values of the issue, now and then beyond.
                    let bounds = constrained
                        .into_iter()
                        .map(|i| {
                            let issue = &issues[i];
                            let card = issue.cardinality() as u32;
                            let at = |rng: &mut rand_chacha::ChaCha8Rng| {
                                issue.numeric(rng.random_range(0..card))
                                    + [0.0, 0.0, 0.0, -0.5, 0.5][rng.random_range(0..5usize)]
                            };
                            let (x, y) = (at(&mut rng), at(&mut rng));
                            (i, x.min(y), x.max(y))
                        })
                        .collect();
                    HyperRectangle {
                        bounds,
                        utility: if rng.random_range(0..5u32) == 0 {
                            rng.random_range(-30..=-1i32) as f64
                        } else {
                            rng.random_range(1..=40i32) as f64
                        },
                    }
                })
                .collect();
            // Often at the sum of the positive utilities (no cap), else
            // below it (the cap binds) or above.
            let positive: f64 = rectangles.iter().map(|r| r.utility.max(0.0)).sum();
            let normalizer = match rng.random_range(0..3u32) {
                0 => positive.max(1.0),
                _ => (positive * rng.random_range(5..=15u32) as f64 / 10.0).max(1.0),
            };
            let reservation_value =
                (rng.random_range(0..4u32) == 0).then(|| rng.random_range(-2..=5i32) as f64 / 10.0);
            let red_lines = if rng.random_range(0..4u32) == 0 {
                let issue = rng.random_range(0..issue_count);
                vec![RedLine {
                    issue,
                    values: vec![rng.random_range(0..issues[issue].cardinality() as u32)],
                    notes: None,
                }]
            } else {
                Vec::new()
            };
            Party {
                name: format!("p{p}"),
                role: Role::Negotiator,
                representative: None,
                notes: None,
                preferences: Some(Preferences {
                    utility: UtilityFunction::HyperRectangles(HyperRectangleUtility {
                        rectangles,
                        normalizer,
                    }),
                    reservation_value,
                    discount_factor: None,
                    red_lines,
                }),
            }
        })
        .collect();
    Scenario::new(ScenarioParts {
        name: format!("random {seed}"),
        issues,
        parties,
        ..Default::default()
    })
    .expect("a valid random scenario")
}

fn evaluate(s: &Scenario, problem: &Problem, outcome: &[u32]) -> Vec<f64> {
    problem
        .utility_functions()
        .iter()
        .map(|f| f.utility(s.issues(), outcome))
        .collect()
}

#[test]
fn the_search_finds_exactly_the_enumerated_frontier() {
    let budget = Budget::default();
    let opts = FrontierOptions::default();
    let mut trade_offs = 0;
    let mut ties = 0;
    for seed in 0..1000 {
        let s = random_scenario(seed);
        let problem = Problem::negotiators(&s);
        let enumerated = enumerated_frontier(&problem, opts, &budget).unwrap();
        let want: Vec<Vec<f64>> = enumerated.iter().map(|p| p.utilities.clone()).collect();
        let got = rectangle_frontier(&problem, opts, &budget).expect("integer rectangles");
        assert!(got.report.exact, "seed {seed}");
        assert_eq!(got.report.gap, 0.0, "seed {seed}");
        let utilities: Vec<Vec<f64>> = got.points.iter().map(|p| p.utilities.clone()).collect();
        assert_eq!(utilities, want, "seed {seed}: {s:?}");
        // Every tied outcome is counted, as enumeration counts them.
        assert!(got.report.ties_counted, "seed {seed}");
        let counts: Vec<u128> = got.points.iter().map(|p| p.count).collect();
        let want_counts: Vec<u128> = enumerated.iter().map(|p| p.count).collect();
        assert_eq!(counts, want_counts, "seed {seed}: {s:?}");
        ties += usize::from(counts.iter().any(|&c| c > 1));
        trade_offs += usize::from(want.len() >= 3);
        for p in &got.points {
            let o = &p.outcomes[0];
            assert!(
                o.iter().zip(&problem.allowed).all(|(k, a)| a.contains(k)),
                "seed {seed}: {o:?} crosses a red line"
            );
            assert_eq!(evaluate(&s, &problem, o), p.utilities, "seed {seed}: {o:?}");
        }
    }
    // The draws are not trivial: many frontiers have several points, and
    // many a point several outcomes.
    assert!(
        trade_offs > 100,
        "{trade_offs} frontiers of 3 or more points"
    );
    assert!(ties > 100, "{ties} frontiers with tied outcomes");
}

#[test]
fn ties_beyond_the_count_budget_are_left_at_one_and_said_so() {
    let opts = FrontierOptions::default();
    let mut tight = 0;
    for seed in 0..200 {
        let s = random_scenario(seed);
        let problem = Problem::negotiators(&s);
        let budget = Budget {
            max_tie_nodes: 1,
            ..Budget::default()
        };
        let got = rectangle_frontier(&problem, opts, &budget).expect("integer rectangles");
        let full = rectangle_frontier(&problem, opts, &Budget::default()).unwrap();
        let utilities = |f: &RectangleFrontier| -> Vec<Vec<f64>> {
            f.points.iter().map(|p| p.utilities.clone()).collect()
        };
        // The frontier itself does not depend on the count's budget.
        assert_eq!(utilities(&got), utilities(&full), "seed {seed}");
        if got.report.ties_counted {
            let counts =
                |f: &RectangleFrontier| -> Vec<u128> { f.points.iter().map(|p| p.count).collect() };
            assert_eq!(counts(&got), counts(&full), "seed {seed}");
        } else {
            tight += 1;
            assert!(got.points.iter().all(|p| p.count == 1), "seed {seed}");
        }
    }
    assert!(tight > 50, "{tight} frontiers whose count ran out of nodes");
}

#[test]
fn the_search_finds_exactly_the_enumerated_ranges() {
    let budget = Budget::default();
    for seed in 1000..1300 {
        let s = random_scenario(seed);
        let mut problem = Problem::negotiators(&s);
        problem.allowed = s
            .issues()
            .iter()
            .map(|i| (0..i.cardinality() as u32).collect())
            .collect();
        let UtilityRanges {
            min: lo,
            max: hi,
            exact,
        } = rectangle_ranges(&problem, &budget).unwrap().unwrap();
        assert!(exact);
        let all = crate::test_support::all_outcomes(s.issues());
        for j in 0..problem.parties.len() {
            let u: Vec<f64> = all.iter().map(|o| evaluate(&s, &problem, o)[j]).collect();
            assert_eq!(
                lo[j],
                u.iter().cloned().fold(f64::INFINITY, f64::min),
                "seed {seed}"
            );
            assert_eq!(
                hi[j],
                u.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
                "seed {seed}"
            );
        }
    }
}

#[test]
fn a_search_stopped_early_reports_a_gap_covering_what_it_missed() {
    let opts = FrontierOptions::default();
    let mut stopped = 0;
    for seed in 0..300 {
        let s = random_scenario(seed);
        let problem = Problem::negotiators(&s);
        let full = enumerated_frontier(&problem, opts, &Budget::default()).unwrap();
        let budget = Budget {
            max_search_nodes: 3,
            ..Default::default()
        };
        let got = rectangle_frontier(&problem, opts, &budget).unwrap();
        if got.report.exact {
            continue;
        }
        stopped += 1;
        assert!(got.report.stopped.is_some());
        // Every frontier point is weakly dominated by a point found or by
        // an open bound.
        for f in &full {
            let covered = got
                .points
                .iter()
                .map(|p| &p.utilities)
                .chain(&got.report.open)
                .any(|q| q.iter().zip(&f.utilities).all(|(a, b)| a >= b));
            assert!(covered, "seed {seed}: {:?} lost", f.utilities);
            // …and, once a point is found, within the gap of one.
            let near = got.points.is_empty()
                || got.points.iter().any(|p| {
                    p.utilities
                        .iter()
                        .zip(&f.utilities)
                        .all(|(a, b)| a + got.report.gap >= *b - 1e-12)
                });
            assert!(near, "seed {seed}: {:?} beyond the gap", f.utilities);
        }
    }
    assert!(stopped > 20, "only {stopped} searches stopped early");
}

#[test]
fn the_zone_count_equals_enumeration() {
    let budget = Budget::default();
    let mut nonempty = 0;
    for seed in 2000..2400 {
        let s = random_scenario(seed);
        let problem = Problem::negotiators(&s);
        let want = crate::test_support::all_outcomes(s.issues())
            .iter()
            .filter(|o| o.iter().zip(&problem.allowed).all(|(k, a)| a.contains(k)))
            .filter(|o| problem.is_rational(&evaluate(&s, &problem, o)))
            .count() as u128;
        let got = rectangle_zopa_count(&problem, &budget).unwrap().unwrap();
        assert_eq!(got, want, "seed {seed}");
        nonempty += usize::from(want > 0 && want < problem.allowed_count());
    }
    assert!(
        nonempty > 50,
        "{nonempty} zones neither empty nor everything"
    );
}
