//! The utility cloud a utility-space plot draws.
//!
//! Rules: every outcome when the space is small enough, else a uniform
//! sample drawn from the seed (same seed, same points); outcomes crossing a
//! negotiator's red line are marked.

use rand::{RngExt, SeedableRng};

use super::space::full_space;
use crate::budget::Budget;
use crate::frontier::{Problem, par_enumerate};
use crate::model::{Outcome, Scenario};

/// Utilities of the negotiators `pair` (indices into the negotiator list)
/// for every outcome, or for a seeded uniform sample of `max_points`
/// outcomes when the space is larger: the cloud a utility-space plot draws.
/// It holds every issue's values: run it on scenarios [`check_budget`]
/// accepts.
pub fn utility_cloud(
    scenario: &Scenario,
    pair: (usize, usize),
    max_points: usize,
    seed: u64,
) -> Vec<(f64, f64)> {
    utility_cloud_marked(scenario, pair, max_points, seed)
        .into_iter()
        .map(|(x, y, _)| (x, y))
        .collect()
}

/// Like [`utility_cloud`], with each point marked `true` when its outcome
/// crosses a red line of some negotiator (so no deal can contain it).
/// It holds every issue's values: run it on scenarios [`check_budget`]
/// accepts.
pub fn utility_cloud_marked(
    scenario: &Scenario,
    pair: (usize, usize),
    max_points: usize,
    seed: u64,
) -> Vec<(f64, f64, bool)> {
    let negotiators = scenario.negotiators();
    let red_lines: Vec<&crate::model::Preferences> = negotiators
        .iter()
        .filter_map(|&p| scenario.parties()[p].preferences.as_ref())
        .collect();
    let crosses = |o: &[u32]| red_lines.iter().any(|pr| pr.crosses_red_line(o));
    let problem = Problem::for_parties(scenario, vec![negotiators[pair.0], negotiators[pair.1]]);
    let whole = Problem {
        allowed: full_space(scenario),
        thresholds: vec![f64::NEG_INFINITY; 2],
        ..problem
    };
    let ev = crate::frontier::Evaluator::new(&whole);
    let mut u = [0.0; 2];
    if whole.allowed_count() <= max_points as u128 {
        let unlimited = Budget::default();
        let cloud = par_enumerate(
            &whole,
            &unlimited,
            |walk| {
                let mut pts = Vec::new();
                let mut u = [0.0; 2];
                walk(&mut |o| {
                    ev.eval(o, &mut u);
                    pts.push((u[0], u[1], crosses(o)));
                });
                pts
            },
            |mut a, b| {
                a.extend(b);
                Ok(a)
            },
        );
        // No deadline and no cancellation flag: enumeration cannot fail.
        return cloud.unwrap_or_default();
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut o: Outcome = vec![0; whole.allowed.len()];
    (0..max_points)
        .map(|_| {
            for (slot, vals) in o.iter_mut().zip(&whole.allowed) {
                *slot = vals[rng.random_range(0..vals.len())];
            }
            ev.eval(&o, &mut u);
            (u[0], u[1], crosses(&o))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{AnalysisOptions, analyze};

    #[test]
    fn cloud_marks_outcomes_that_cross_a_red_line() {
        let s = crate::native::from_toml(
            "t.toml",
            r#"
name = "t"
[[issues]]
name = "a"
options = ["x", "y", "z"]
[[parties]]
name = "P"
weights = { a = 1.0 }
values.a = { x = 1.0, y = 0.5, z = 0.0 }
red_lines = [{ issue = "a", values = ["x"] }]
[[parties]]
name = "Q"
weights = { a = 1.0 }
values.a = { x = 0.0, y = 0.5, z = 1.0 }
"#,
        )
        .unwrap()
        .scenario;
        let cloud = utility_cloud_marked(&s, (0, 1), 100, 0);
        assert_eq!(
            cloud,
            vec![(1.0, 0.0, true), (0.5, 0.5, false), (0.0, 1.0, false)]
        );
        let a = analyze(&s, &AnalysisOptions::default()).unwrap();
        assert_eq!(a.zopa.count, 2);
        assert_eq!(a.frontier.len(), 2);
    }
}
