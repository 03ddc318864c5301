//! The analysis budget: work the analysis cannot do within its limits is
//! refused with a typed error naming the limit, before the memory is
//! allocated; the deadline and the cancellation flag stop a running analysis.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pactum_core::analysis::{
    AnalysisError, AnalysisOptions, Budget, Method, analyze, check_budget,
};
use pactum_core::native::from_toml;
use pactum_core::*;

fn scenario(text: &str) -> Scenario {
    from_toml("t.toml", text).unwrap().scenario
}

/// Two parties over one integer issue `price` with `0..=max`.
fn price_scenario(max: u64) -> Scenario {
    scenario(&format!(
        r#"
name = "price"
[[issues]]
name = "price"
type = "integer"
min = 0
max = {max}
[[parties]]
name = "Buyer"
weights = {{ price = 1.0 }}
values.price = {{ type = "linear", slope = -1e-9, offset = 1.0 }}
[[parties]]
name = "Seller"
weights = {{ price = 1.0 }}
values.price = {{ type = "linear", slope = 1e-9, offset = 0.0 }}
"#
    ))
}

#[test]
fn an_issue_of_four_billion_values_is_refused_before_allocating() {
    let s = price_scenario(4_294_967_294);
    let opts = AnalysisOptions::default();
    let expected = AnalysisError::IssueTooLarge {
        issue: "price".into(),
        values: 4_294_967_295,
        limit: Budget::MAX_VALUES_PER_ISSUE,
    };
    assert_eq!(check_budget(&s, &opts), Err(expected.clone()));
    let started = Instant::now();
    assert_eq!(analyze(&s, &opts).unwrap_err(), expected);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(
        expected.to_string(),
        "issue `price` has 4294967295 values; the analysis handles at most 1000000 values per issue"
    );
    assert!(expected.is_over_budget());
}

#[test]
fn an_issue_at_the_limit_is_analysed() {
    let s = price_scenario(999);
    let budget = Budget {
        max_values_per_issue: 1000,
        ..Default::default()
    };
    let opts = AnalysisOptions::with_budget(budget);
    assert_eq!(check_budget(&s, &opts), Ok(()));
    assert_eq!(analyze(&s, &opts).unwrap().frontier.len(), 1000);
    let tighter = AnalysisOptions::with_budget(Budget {
        max_values_per_issue: 999,
        ..Default::default()
    });
    assert!(matches!(
        analyze(&s, &tighter),
        Err(AnalysisError::IssueTooLarge {
            values: 1000,
            limit: 999,
            ..
        })
    ));
}

/// A nonlinear utility must be enumerated: the space's size is known
/// before any work is done.
#[test]
fn a_non_additive_space_over_the_enumeration_limit_is_predicted() {
    let s = scenario(
        r#"
name = "nonlinear"
[[issues]]
name = "a"
type = "integer"
min = 0
max = 9999
[[issues]]
name = "b"
type = "integer"
min = 0
max = 9999
[[parties]]
name = "P"
hyper_rectangles = { normalizer = 1.0, rectangles = [{ utility = 1.0, bounds = { a = [0, 10] } }] }
[[parties]]
name = "Q"
weights = { a = 0.5, b = 0.5 }
values.a = { type = "linear", slope = 0.0001, offset = 0.0 }
values.b = { type = "linear", slope = 0.0001, offset = 0.0 }
"#,
    );
    let opts = AnalysisOptions::with_budget(Budget {
        max_outcomes_enumerated: 99_999_999,
        ..Default::default()
    });
    let err = check_budget(&s, &opts).unwrap_err();
    assert_eq!(
        err,
        AnalysisError::TooLarge {
            outcomes: 100_000_000,
            party: "party P".into(),
            limit: 99_999_999
        }
    );
    assert_eq!(analyze(&s, &opts).unwrap_err(), err);
}

#[test]
fn enumeration_on_request_counts_only_what_red_lines_leave() {
    // 4 × 4 outcomes; red lines leave 3 × 2 = 6.
    let s = scenario(
        r#"
name = "red"
[[issues]]
name = "a"
options = ["w", "x", "y", "z"]
[[issues]]
name = "b"
options = ["w", "x", "y", "z"]
[[parties]]
name = "P"
weights = { a = 0.5, b = 0.5 }
values.a = { w = 0.0, x = 0.25, y = 0.5, z = 1.0 }
values.b = { w = 0.0, x = 0.25, y = 0.5, z = 1.0 }
red_lines = [{ issue = "a", values = ["w"] }, { issue = "b", values = ["w", "x"] }]
[[parties]]
name = "Q"
weights = { a = 0.5, b = 0.5 }
values.a = { w = 1.0, x = 0.5, y = 0.25, z = 0.0 }
values.b = { w = 1.0, x = 0.5, y = 0.25, z = 0.0 }
red_lines = [{ issue = "b", values = ["x"] }]
"#,
    );
    let with_limit = |max_outcomes_enumerated| AnalysisOptions {
        method: Method::Enumerate,
        ..AnalysisOptions::with_budget(Budget {
            max_outcomes_enumerated,
            ..Default::default()
        })
    };
    assert_eq!(check_budget(&s, &with_limit(6)), Ok(()));
    assert!(analyze(&s, &with_limit(6)).is_ok());
    assert!(matches!(
        check_budget(&s, &with_limit(5)),
        Err(AnalysisError::TooLarge {
            outcomes: 6,
            limit: 5,
            ..
        })
    ));
    // The fold does not enumerate: no outcome limit applies.
    let fold = AnalysisOptions::with_budget(Budget {
        max_outcomes_enumerated: 1,
        ..Default::default()
    });
    assert!(analyze(&s, &fold).is_ok());
}

/// Twelve issues of 16 values with opposed, incommensurable preferences:
/// the frontier keeps growing with every issue.
fn wide_frontier() -> Scenario {
    let issues: Vec<Issue> = (0..12)
        .map(|i| Issue {
            name: format!("x{i}"),
            kind: IssueKind::Integer { min: 0, max: 15 },
            notes: None,
        })
        .collect();
    let party = |name: &str, sign: f64| Party {
        name: name.into(),
        role: Role::Negotiator,
        representative: None,
        notes: None,
        preferences: Some(Preferences {
            utility: UtilityFunction::Additive(AdditiveUtility {
                // Weights 1/2, 1/3, 1/5, … make every sum distinct.
                weights: [
                    2.0, 3.0, 5.0, 7.0, 11.0, 13.0, 17.0, 19.0, 23.0, 29.0, 31.0, 37.0,
                ]
                .iter()
                .map(|p| 1.0 / p)
                .collect(),
                values: vec![
                    ValueFunction::Linear {
                        slope: sign / 15.0,
                        offset: if sign > 0.0 { 0.0 } else { 1.0 },
                    };
                    12
                ],
            }),
            reservation_value: None,
            discount_factor: None,
            red_lines: vec![],
        }),
    };
    Scenario::new(ScenarioParts {
        name: "wide".into(),
        description: None,
        notes: None,
        issues,
        parties: vec![party("a", 1.0), party("b", -1.0)],
    })
    .unwrap()
}

#[test]
fn the_fold_refuses_more_partial_sums_than_its_budget() {
    let s = wide_frontier();
    let opts = AnalysisOptions::with_budget(Budget {
        max_partial_sums: 10_000,
        ..Default::default()
    });
    assert_eq!(check_budget(&s, &opts), Ok(()));
    match analyze(&s, &opts) {
        Err(AnalysisError::TooManyPartialSums {
            issue,
            partial_sums,
            limit,
        }) => {
            assert!(partial_sums > 10_000, "{partial_sums}");
            assert_eq!(limit, 10_000);
            assert!(issue.starts_with('x'), "{issue}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_frontier_larger_than_the_budget_is_refused() {
    let s = wide_frontier();
    let opts = AnalysisOptions::with_budget(Budget {
        max_frontier_points: 500,
        ..Default::default()
    });
    let err = analyze(&s, &opts).unwrap_err();
    assert!(
        matches!(err, AnalysisError::FrontierTooLarge { limit: 500, points } if points > 500),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("at most 500 frontier points"),
        "{err}"
    );
    // Enumeration holds every merged part to the same limit.
    let small = price_scenario(99_999);
    let opts = AnalysisOptions {
        method: Method::Enumerate,
        ..AnalysisOptions::with_budget(Budget {
            max_frontier_points: 1000,
            ..Default::default()
        })
    };
    assert!(matches!(
        analyze(&small, &opts),
        Err(AnalysisError::FrontierTooLarge { limit: 1000, .. })
    ));
}

#[test]
fn a_passed_deadline_or_a_set_flag_stops_the_analysis() {
    let s = wide_frontier();
    let past = AnalysisOptions::with_budget(Budget {
        deadline: Some(Instant::now()),
        ..Default::default()
    });
    assert_eq!(
        analyze(&s, &past).unwrap_err(),
        AnalysisError::DeadlinePassed
    );
    let cancelled = AnalysisOptions::with_budget(Budget {
        cancel: Some(Arc::new(AtomicBool::new(true))),
        ..Default::default()
    });
    assert_eq!(
        analyze(&s, &cancelled).unwrap_err(),
        AnalysisError::Cancelled
    );
    // Neither is predicted: they are about time, not size.
    assert_eq!(check_budget(&s, &past), Ok(()));
}

/// 40 million outcomes to enumerate on request: far longer than the
/// tests below wait.
fn long_enumeration() -> Scenario {
    scenario(
        r#"
name = "long"
[[issues]]
name = "a"
type = "integer"
min = 0
max = 39999
[[issues]]
name = "b"
type = "integer"
min = 0
max = 999
[[parties]]
name = "P"
weights = { a = 0.5, b = 0.5 }
values.a = { type = "linear", slope = 0.000025, offset = 0.0 }
values.b = { type = "linear", slope = 0.001, offset = 0.0 }
[[parties]]
name = "Q"
weights = { a = 0.5, b = 0.5 }
values.a = { type = "linear", slope = -0.000025, offset = 1.0 }
values.b = { type = "linear", slope = 0.001, offset = 0.0 }
"#,
    )
}

#[test]
fn cancelling_stops_an_enumeration_in_progress() {
    let s = long_enumeration();
    let flag = Arc::new(AtomicBool::new(false));
    let opts = AnalysisOptions {
        method: Method::Enumerate,
        ..AnalysisOptions::with_budget(Budget {
            cancel: Some(flag.clone()),
            ..Default::default()
        })
    };
    let started = Instant::now();
    let setter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        flag.store(true, Ordering::Relaxed);
    });
    let result = analyze(&s, &opts);
    setter.join().unwrap();
    assert_eq!(result.unwrap_err(), AnalysisError::Cancelled);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_deadline_stops_an_enumeration_in_progress() {
    let s = long_enumeration();
    let opts = AnalysisOptions {
        method: Method::Enumerate,
        ..AnalysisOptions::with_budget(Budget::with_timeout(Duration::from_millis(100)))
    };
    let started = Instant::now();
    assert_eq!(
        analyze(&s, &opts).unwrap_err(),
        AnalysisError::DeadlinePassed
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Outcomes index values with a `u32`: an issue with more values cannot be
/// represented at all and is refused when the scenario is read, naming the
/// field.
#[test]
fn issues_beyond_the_outcome_index_are_refused_at_validation() {
    let real = r#"
name = "real"
[[issues]]
name = "price"
type = "real"
min = 0.0
max = 1.0
levels = 4294967301
[[parties]]
name = "P"
weights = { price = 1.0 }
values.price = { type = "linear", slope = 1.0, offset = 0.0 }
"#;
    let err = from_toml("t.toml", real).unwrap_err().to_string();
    assert_eq!(
        err,
        "t.toml: issues[0] (price).levels: 4294967301 levels; an issue has at most 4294967295 values"
    );
    let integer = real
        .replace("type = \"real\"", "type = \"integer\"")
        .replace("max = 1.0\nlevels = 4294967301", "max = 4294967295");
    let err = from_toml("t.toml", &integer).unwrap_err().to_string();
    assert!(
        err.contains("issues[0] (price)") && err.contains("4294967296 values"),
        "{err}"
    );
    // One value fewer is a valid model (that no analysis budget covers).
    let largest = integer.replace("max = 4294967295", "max = 4294967294");
    let s = from_toml("t.toml", &largest).unwrap().scenario;
    assert!(matches!(
        check_budget(&s, &AnalysisOptions::default()),
        Err(AnalysisError::IssueTooLarge { .. })
    ));
}

/// Two parties with integer hyper-rectangle utilities over 10^12 outcomes:
/// beyond enumeration, searched instead.
fn rectangles_scenario() -> Scenario {
    let mut text = String::from("name = \"rectangles\"\n");
    for i in 0..12 {
        text += &format!("[[issues]]\nname = \"i{i}\"\ntype = \"integer\"\nmin = 0\nmax = 9\n");
    }
    // P wants low values, Q high ones; on the second issue of each
    // rectangle their ranges overlap.
    for (party, (lo, hi), (lo2, hi2), reservation) in
        [("P", (0, 4), (0, 6), 0.2), ("Q", (5, 9), (3, 9), 0.3)]
    {
        text += &format!(
            "[[parties]]\nname = \"{party}\"\nreservation = {reservation}\n[parties.hyper_rectangles]\nnormalizer = 60\n"
        );
        for i in 0..12 {
            let j = (i + 1) % 12;
            text += &format!(
                "[[parties.hyper_rectangles.rectangles]]\nutility = {}\nbounds = {{ i{i} = [{lo}, {hi}], i{j} = [{lo2}, {hi2}] }}\n",
                3 + i
            );
        }
    }
    scenario(&text)
}

#[test]
fn integer_hyper_rectangles_beyond_enumeration_are_searched_exactly() {
    let s = rectangles_scenario();
    let opts = AnalysisOptions::default();
    check_budget(&s, &opts).unwrap();
    let a = analyze(&s, &opts).unwrap();
    assert_eq!(a.method, "hyper-rectangle search");
    let search = a.frontier_search.as_ref().unwrap();
    assert!(search.exact && search.stopped.is_none() && search.open.is_empty());
    assert!(a.frontier.len() >= 2, "{:?}", a.frontier);
    assert!(a.zopa.exact && !a.zopa.empty);
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    // Enumeration on request is still refused.
    let enumerate = AnalysisOptions {
        method: Method::Enumerate,
        ..Default::default()
    };
    assert!(matches!(
        analyze(&s, &enumerate),
        Err(AnalysisError::TooLarge { .. })
    ));
}

#[test]
fn a_search_stopped_by_its_node_limit_reports_the_best_found_and_the_gap() {
    let s = rectangles_scenario();
    let exact = analyze(&s, &AnalysisOptions::default()).unwrap();
    let opts = AnalysisOptions::with_budget(Budget {
        max_search_nodes: 15,
        max_count_nodes: 15,
        ..Default::default()
    });
    let a = analyze(&s, &opts).unwrap();
    let search = a.frontier_search.as_ref().unwrap();
    assert!(!search.exact);
    assert!(search.stopped.as_deref().unwrap().contains("15 nodes"));
    assert!(search.gap > 0.0 && !search.open.is_empty(), "{search:?}");
    assert!(
        a.warnings.iter().any(|w| w.contains("not proven exact")),
        "{:?}",
        a.warnings
    );
    assert!(!a.zopa.exact);
    // Every exact frontier point is within the gap of a point found.
    for e in &exact.frontier {
        assert!(a.frontier.iter().any(|f| {
            f.utilities
                .iter()
                .zip(&e.utilities)
                .all(|(x, y)| x + search.gap >= y - 1e-12)
        }));
    }
    // Same budget, same bytes.
    let again = analyze(&s, &opts).unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&again).unwrap()
    );
}
