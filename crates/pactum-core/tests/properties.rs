//! Property tests of the analysis against a brute-force oracle on random
//! small scenarios (ties, red lines and reservation values included).

use pactum_core::analysis::{AnalysisOptions, Budget, Method, analyze};
use pactum_core::frontier::{FrontierOptions, Problem, additive_frontier, enumerated_frontier};
use pactum_core::*;
use proptest::prelude::*;

/// A random scenario: `parties` negotiators over issues with the given
/// cardinalities. Values are multiples of 1/4 so that ties are common.
fn scenario_strategy() -> impl Strategy<Value = Scenario> {
    (1usize..=4, prop::collection::vec(1u32..=4, 1..=5))
        .prop_flat_map(|(parties, cards)| {
            let n_issues = cards.len();
            let party = (
                prop::collection::vec(0u8..=4, n_issues),
                prop::collection::vec(prop::collection::vec(0u8..=4, 4), n_issues),
                prop::option::of(0u8..=10),
                prop::option::of((0..n_issues, 0u32..4)),
            );
            (Just(cards), prop::collection::vec(party, parties))
        })
        .prop_map(|(cards, parties)| {
            let issues: Vec<Issue> = cards
                .iter()
                .enumerate()
                .map(|(i, &c)| Issue {
                    name: format!("i{i}"),
                    kind: if i % 2 == 0 {
                        IssueKind::Discrete {
                            options: (0..c).map(|k| format!("v{k}")).collect(),
                        }
                    } else {
                        IssueKind::Integer {
                            min: 10,
                            max: 10 + c as i64 - 1,
                        }
                    },
                    notes: None,
                })
                .collect();
            let parties = parties
                .into_iter()
                .enumerate()
                .map(|(p, (weights, tables, reservation, red))| {
                    let values = issues
                        .iter()
                        .zip(&tables)
                        .map(|(issue, t)| match &issue.kind {
                            IssueKind::Discrete { options } => ValueFunction::Table(
                                t[..options.len()].iter().map(|&v| v as f64 / 4.0).collect(),
                            ),
                            _ => ValueFunction::Linear {
                                slope: (t[0] as f64 - 2.0) / 4.0,
                                offset: t[1] as f64 / 4.0,
                            },
                        })
                        .collect();
                    let red_lines = red
                        .filter(|&(i, k)| (k as u64) < issues[i].cardinality())
                        .map(|(issue, k)| RedLine {
                            issue,
                            values: vec![k],
                            notes: None,
                        })
                        .into_iter()
                        .collect();
                    Party {
                        name: format!("p{p}"),
                        role: Role::Negotiator,
                        representative: None,
                        notes: None,
                        preferences: Some(Preferences {
                            utility: UtilityFunction::Additive(AdditiveUtility {
                                weights: weights.iter().map(|&w| w as f64 / 8.0).collect(),
                                values,
                            }),
                            reservation_value: reservation.map(|r| r as f64 / 20.0),
                            discount_factor: None,
                            red_lines,
                        }),
                    }
                })
                .collect();
            Scenario::new(pactum_core::ScenarioParts {
                name: "random".into(),
                description: None,
                notes: None,
                issues,
                parties,
            })
            .unwrap()
        })
}

/// Every outcome with its utilities and whether it is rational.
fn brute_force(s: &Scenario) -> Vec<(Outcome, Vec<f64>, bool)> {
    let problem = Problem::negotiators(s);
    let cards: Vec<u32> = s.issues().iter().map(|i| i.cardinality() as u32).collect();
    let mut out = Vec::new();
    let mut o = vec![0u32; cards.len()];
    'all: loop {
        let u: Vec<f64> = problem
            .parties
            .iter()
            .map(|&p| {
                s.parties()[p]
                    .preferences
                    .as_ref()
                    .unwrap()
                    .utility
                    .utility(s.issues(), &o)
            })
            .collect();
        let red = problem.parties.iter().any(|&p| {
            s.parties()[p]
                .preferences
                .as_ref()
                .unwrap()
                .crosses_red_line(&o)
        });
        let rational = !red && problem.is_rational(&u);
        out.push((o.clone(), u, rational));
        let mut i = cards.len();
        loop {
            if i == 0 {
                break 'all;
            }
            i -= 1;
            o[i] += 1;
            if o[i] < cards[i] {
                break;
            }
            o[i] = 0;
        }
    }
    out
}

fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn additive_fold_equals_enumeration(s in scenario_strategy()) {
        let problem = Problem::negotiators(&s);
        let opts = FrontierOptions { outcomes_per_point: 3 };
        let budget = Budget::default();
        let fold = additive_frontier(&problem, opts, &budget).unwrap().unwrap();
        let brute = enumerated_frontier(&problem, opts, &budget).unwrap();
        prop_assert_eq!(fold, brute);
    }

    #[test]
    fn frontier_is_exactly_the_non_dominated_rational_outcomes(s in scenario_strategy()) {
        let all = brute_force(&s);
        let a = analyze(&s, &AnalysisOptions::default()).unwrap();
        let rational: Vec<_> = all.iter().filter(|x| x.2).collect();
        // Frontier points are rational and non-dominated.
        for f in &a.frontier {
            prop_assert!(rational.iter().any(|r| r.1 == f.utilities));
            prop_assert!(!rational.iter().any(|r| dominates(&r.1, &f.utilities)));
        }
        // Every rational outcome is weakly dominated by a frontier point, and
        // the frontier's tie counts add up.
        let mut on_frontier = 0u128;
        for r in &rational {
            let covered = a.frontier.iter().any(|f| f.utilities == r.1 || dominates(&f.utilities, &r.1));
            prop_assert!(covered, "{:?} not covered", r.1);
            on_frontier += a.frontier.iter().any(|f| f.utilities == r.1) as u128;
        }
        prop_assert_eq!(on_frontier, a.frontier_outcome_count);
        prop_assert_eq!(a.zopa.count, rational.len() as u128);
        prop_assert!(a.zopa.exact);
        prop_assert_eq!(a.zopa.empty, rational.is_empty());
    }

    #[test]
    fn nash_maximises_the_product_of_gains(s in scenario_strategy()) {
        let all = brute_force(&s);
        let a = analyze(&s, &AnalysisOptions::default()).unwrap();
        let d: Vec<f64> = a.negotiators.iter().map(|n| a.parties.iter().find(|p| &p.name == n).unwrap().disagreement.unwrap()).collect();
        let product = |u: &[f64]| u.iter().zip(&d).map(|(u, d)| u - d).product::<f64>();
        let best = all.iter().filter(|x| x.2).map(|x| product(&x.1)).fold(f64::NEG_INFINITY, f64::max);
        match &a.solutions.nash {
            None => prop_assert!(best == f64::NEG_INFINITY),
            Some(n) => {
                prop_assert!((product(&n.utilities) - best).abs() <= 1e-12, "{} vs {}", product(&n.utilities), best);
                let welfare = |u: &[f64]| u.iter().sum::<f64>();
                let egal = a.solutions.egalitarian.as_ref().unwrap();
                let util = a.solutions.utilitarian.as_ref().unwrap();
                let best_welfare = all.iter().filter(|x| x.2).map(|x| welfare(&x.1)).fold(f64::NEG_INFINITY, f64::max);
                prop_assert!((welfare(&util.utilities) - best_welfare).abs() <= 1e-12);
                let min_gain = |u: &[f64]| u.iter().zip(&d).map(|(u, d)| u - d).fold(f64::INFINITY, f64::min);
                let best_min = all.iter().filter(|x| x.2).map(|x| min_gain(&x.1)).fold(f64::NEG_INFINITY, f64::max);
                prop_assert!((min_gain(&egal.utilities) - best_min).abs() <= 1e-12);
            }
        }
    }

    #[test]
    fn analysis_is_the_same_by_either_method(s in scenario_strategy()) {
        let fast = analyze(&s, &AnalysisOptions::default()).unwrap();
        let slow = analyze(&s, &AnalysisOptions { method: Method::Enumerate, ..Default::default() }).unwrap();
        prop_assert_eq!(serde_json::to_value(&fast.frontier).unwrap(), serde_json::to_value(&slow.frontier).unwrap());
        prop_assert_eq!(serde_json::to_value(&fast.solutions).unwrap(), serde_json::to_value(&slow.solutions).unwrap());
    }
}

/// A space far too large to enumerate, analysed exactly by the fold: 40
/// issues of 10 values (10^40 outcomes), two parties with opposed linear
/// preferences. Every outcome is then on the frontier's utility line, and
/// the frontier has one point per reachable total.
#[test]
fn huge_additive_space_is_exact() {
    let issues: Vec<Issue> = (0..30)
        .map(|i| Issue {
            name: format!("x{i}"),
            kind: IssueKind::Integer { min: 0, max: 9 },
            notes: None,
        })
        .collect();
    let party = |name: &str, slope: f64, offset: f64| Party {
        name: name.into(),
        role: Role::Negotiator,
        representative: None,
        notes: None,
        preferences: Some(Preferences {
            utility: UtilityFunction::Additive(AdditiveUtility {
                weights: vec![1.0 / 30.0; 30],
                values: vec![ValueFunction::Linear { slope, offset }; 30],
            }),
            reservation_value: None,
            discount_factor: None,
            red_lines: vec![],
        }),
    };
    let s = Scenario::new(pactum_core::ScenarioParts {
        name: "huge".into(),
        description: None,
        notes: None,
        issues,
        parties: vec![party("a", 0.125, 0.0), party("b", -0.125, 1.0)],
    })
    .unwrap();
    let a = analyze(&s, &AnalysisOptions::default()).unwrap();
    assert_eq!(a.outcome_count, 10u128.pow(30));
    assert_eq!(a.zopa.count, 10u128.pow(30));
    // Values clamp at 1 above x = 8, so totals of "a" range over 0..=240 eighths.
    assert_eq!(a.frontier.len(), 241);
}
