//! Utility ranges, the frontier of the negotiators' rational outcomes and
//! the disagreement point.
//!
//! Rules: ranges over the whole space ignore red lines and reservation
//! values; the additive fold is used where every utility is additive (and
//! [`Method::Auto`] is asked), else the allowed space is enumerated up to
//! [`Budget::max_outcomes_enumerated`] outcomes; beyond that, integer
//! hyper-rectangle utilities are searched (`frontier::rectangles`: ranges
//! and frontier, the frontier proven exact or reported with its gap), and
//! anything else is refused; the disagreement point is the reservation
//! value, or the worst utility where that is lower.

use crate::budget::{AnalysisError, AnalysisOptions, Budget, Method};
use crate::frontier::{
    Contributions, FrontierOptions, FrontierPoint, Problem, SearchReport, UtilityRanges,
    additive_frontier_of, enumerated_frontier, par_enumerate, rectangle_frontier, rectangle_ranges,
};
use crate::model::Scenario;

/// Each negotiator's lowest and highest utility over the whole space
/// (red lines and reservation values ignored). A non-additive utility
/// enumerates the whole space: the caller checks its size against the
/// budget ([`check_budget`]); the deadline is polled here.
pub fn utility_ranges(
    problem: &Problem,
    budget: &Budget,
) -> Result<(Vec<f64>, Vec<f64>), AnalysisError> {
    let r = whole_ranges(problem, problem.contributions().as_ref(), budget)?;
    Ok((r.min, r.max))
}

/// [`utility_ranges`], saying whether they are proven; `contributions`
/// are the problem's (the same parties over any allowed values).
pub(super) fn whole_ranges(
    problem: &Problem,
    contributions: Option<&Contributions>,
    budget: &Budget,
) -> Result<UtilityRanges, AnalysisError> {
    let whole = Problem {
        allowed: full_space(problem.scenario),
        ..problem.clone()
    };
    ranges_with(&whole, contributions, budget)
}

pub(super) fn full_space(s: &Scenario) -> Vec<Vec<u32>> {
    s.issues()
        .iter()
        .map(|i| (0..i.cardinality() as u32).collect())
        .collect()
}

/// Utility ranges over the problem's allowed outcomes (not the whole space).
pub(super) fn utility_ranges_over(
    problem: &Problem,
    budget: &Budget,
) -> Result<(Vec<f64>, Vec<f64>), AnalysisError> {
    let r = ranges_over(problem, budget)?;
    Ok((r.min, r.max))
}

/// [`utility_ranges_over`], saying whether the ranges are proven (only a
/// hyper-rectangle search stopped by its node limit leaves them unproven).
pub(super) fn ranges_over(
    problem: &Problem,
    budget: &Budget,
) -> Result<UtilityRanges, AnalysisError> {
    ranges_with(problem, problem.contributions().as_ref(), budget)
}

/// [`ranges_over`] with the problem's contributions already computed.
fn ranges_with(
    problem: &Problem,
    contributions: Option<&Contributions>,
    budget: &Budget,
) -> Result<UtilityRanges, AnalysisError> {
    let n = problem.parties.len();
    if contributions.is_none()
        && problem.allowed_count() > budget.max_outcomes_enumerated
        && let Some(ranges) = rectangle_ranges(problem, budget)
    {
        return ranges;
    }
    if let Some(c) = contributions {
        let (mut lo, mut hi) = (vec![0.0; n], vec![0.0; n]);
        for (i, vals) in problem.allowed.iter().enumerate() {
            for p in 0..n {
                let it = vals.iter().map(|&k| c.of(i, k)[p]);
                lo[p] += it.clone().fold(f64::INFINITY, f64::min);
                hi[p] += it.fold(f64::NEG_INFINITY, f64::max);
            }
        }
        return Ok(UtilityRanges {
            min: lo,
            max: hi,
            exact: true,
        });
    }
    let scoped = Problem {
        thresholds: vec![f64::NEG_INFINITY; n],
        ..problem.clone()
    };
    let ev = crate::frontier::Evaluator::new(&scoped);
    let (min, max) = par_enumerate(
        &scoped,
        budget,
        |walk| {
            let (mut lo, mut hi) = (vec![f64::INFINITY; n], vec![f64::NEG_INFINITY; n]);
            let mut u = vec![0.0; n];
            walk(&mut |o| {
                ev.eval(o, &mut u);
                for p in 0..n {
                    lo[p] = lo[p].min(u[p]);
                    hi[p] = hi[p].max(u[p]);
                }
            });
            (lo, hi)
        },
        |(lo, hi), (l, h)| {
            Ok((
                lo.iter().zip(&l).map(|(a, b)| a.min(*b)).collect(),
                hi.iter().zip(&h).map(|(a, b)| a.max(*b)).collect(),
            ))
        },
    )?;
    Ok(UtilityRanges {
        min,
        max,
        exact: true,
    })
}

/// The frontier of the negotiators' rational outcomes and the method that
/// found it, with the hyper-rectangle search's report when it did (a
/// search stopped by the budget's node limit, deadline or cancellation
/// gives the best frontier found, its report saying so).
pub fn frontier(
    problem: &Problem,
    opts: &AnalysisOptions,
) -> Result<(Vec<FrontierPoint>, &'static str, Option<SearchReport>), AnalysisError> {
    frontier_with(problem, problem.contributions().as_ref(), opts)
}

/// [`frontier`] with the problem's contributions already computed.
pub(super) fn frontier_with(
    problem: &Problem,
    contributions: Option<&Contributions>,
    opts: &AnalysisOptions,
) -> Result<(Vec<FrontierPoint>, &'static str, Option<SearchReport>), AnalysisError> {
    let fopts = FrontierOptions {
        outcomes_per_point: opts.outcomes_per_point,
    };
    if opts.method == Method::Auto
        && let Some(f) = additive_frontier_of(problem, contributions, fopts, &opts.budget)?
    {
        return Ok((f, "additive", None));
    }
    let total = problem.allowed_count();
    if opts.method == Method::Auto
        && total > opts.budget.max_outcomes_enumerated
        && let Some(f) = rectangle_frontier(problem, fopts, &opts.budget)
    {
        return Ok((f.points, "hyper-rectangle search", Some(f.report)));
    }
    if total > opts.budget.max_outcomes_enumerated {
        let party = problem
            .parties
            .iter()
            .map(|&p| &problem.scenario.parties()[p])
            .find(|p| {
                p.preferences
                    .as_ref()
                    .is_some_and(|pr| pr.utility.as_additive().is_none())
            })
            .map_or_else(
                || "enumeration was requested".to_string(),
                |p| format!("party {}", p.name),
            );
        return Err(AnalysisError::TooLarge {
            outcomes: total,
            party,
            limit: opts.budget.max_outcomes_enumerated,
        });
    }
    Ok((
        enumerated_frontier(problem, fopts, &opts.budget)?,
        "enumeration",
        None,
    ))
}

/// Disagreement point: the reservation value, or the worst utility where
/// there is none or it is lower.
pub fn disagreement_point(problem: &Problem, min: &[f64]) -> Vec<f64> {
    problem
        .thresholds
        .iter()
        .zip(min)
        .map(|(r, m)| if *r >= *m { *r } else { *m })
        .collect()
}
