//! The exact frontier of hyper-rectangle utilities, without enumerating
//! the outcomes.
//!
//! When every compared party's utility is a sum of integer hyper-rectangle
//! utilities (the ANAC 2014 nonlinear profiles), each party's utility is
//! `min(1, S / N)` for an integer sum `S`, so the frontier is a finite set
//! of integer vectors of sums, each reached by some outcome. It is found
//! by branch and bound over the issues (`search`) on the problem in
//! integers (`space`), then mapped to utilities exactly as the model
//! computes them (the sums are exact in floating point).
//!
//! Rules:
//!
//! * **Exact** means: every point reported is reached by the outcome it
//!   carries, and every rational outcome is weakly dominated by a reported
//!   point; [`SearchReport::exact`] says it was proven, by a search that
//!   ran to the end.
//! * **The budget.** The search counts its nodes and stops at
//!   [`Budget::max_search_nodes`] (a deterministic limit: same input, same
//!   result), or when the budget's deadline passes or it is cancelled. It
//!   then returns the points found so far, which are real frontier
//!   candidates reached by their outcomes but may be dominated by outcomes
//!   not yet seen, and the **gap**: the optimistic bounds of the parts not
//!   searched that no point found excludes ([`SearchReport::open`]) and the
//!   most one of them could gain over the nearest point found
//!   ([`SearchReport::gap`]).
//! * **Ties are counted** when the frontier is proven exact: each point
//!   carries one outcome (the first the search found) and the exact number
//!   of allowed outcomes at it, found by the zone count's branch and bound
//!   (`count`) asked for the outcomes every party values at least as much
//!   as the point — on an exact frontier, exactly those at the point. The
//!   counts share [`Budget::max_tie_nodes`]; where the frontier is not
//!   proven or the nodes run out, every point keeps a count of 1 (at least
//!   the outcome it carries) and [`SearchReport::ties_counted`] is false.
//! * The search is sequential and deterministic: same input, same points,
//!   same outcomes.

mod count;
mod search;
mod space;
#[cfg(test)]
mod tests;

use super::pareto::pareto_groups;
use super::points::{FrontierOptions, FrontierPoint, merge_near_ties};
use super::problem::Problem;
use crate::budget::{AnalysisError, Budget};
use search::{SearchResult, Stop, search};
use space::Space;

/// How a hyper-rectangle search ended.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchReport {
    /// True when the search ran to the end: the frontier is proven exact.
    pub exact: bool,
    /// Nodes of the search tree visited.
    pub nodes: u64,
    /// Why the search stopped early (absent when it finished).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// Optimistic utility vectors of the parts not searched that no point
    /// found excludes (empty when exact).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub open: Vec<Vec<f64>>,
    /// The most an outcome not yet seen could gain, in the utility where it
    /// gains most, over the nearest frontier point found (how far the points
    /// found must move out to weakly dominate every open bound): 0 when exact.
    pub gap: f64,
    /// True when each point's count is the exact number of outcomes at it;
    /// false when each is 1, the outcome it carries.
    pub ties_counted: bool,
}

/// A frontier found by the hyper-rectangle search.
#[derive(Debug, Clone)]
pub struct RectangleFrontier {
    /// The points, by descending utilities (lexicographic).
    pub points: Vec<FrontierPoint>,
    /// How the search ended.
    pub report: SearchReport,
}

/// The frontier of `problem`'s rational outcomes by the hyper-rectangle
/// search; `None` unless every compared utility is an integer
/// hyper-rectangle sum ([`crate::budget::integer_rectangles`]).
pub fn rectangle_frontier(
    problem: &Problem,
    opts: FrontierOptions,
    budget: &Budget,
) -> Option<RectangleFrontier> {
    let space = Space::new(problem, &problem.allowed)?;
    let result = search(&space, budget.max_search_nodes, budget);
    let n = space.parties;
    let utilities = |sums: &[i64]| -> Vec<f64> {
        sums.iter()
            .enumerate()
            .map(|(p, &s)| space.utility(p, s))
            .collect()
    };
    let SearchResult {
        points,
        nodes,
        stopped,
        open,
    } = result;
    let flat: Vec<f64> = points.iter().flat_map(|f| utilities(&f.sums)).collect();
    let groups = pareto_groups(&flat, n);
    let counts = if stopped.is_none() {
        tie_counts(&space, groups.iter().map(|m| &points[m[0]].sums), budget)
    } else {
        None
    };
    let ties_counted = counts.is_some();
    let frontier: Vec<FrontierPoint> = groups
        .into_iter()
        .enumerate()
        .map(|(at, members)| FrontierPoint {
            utilities: flat[members[0] * n..(members[0] + 1) * n].to_vec(),
            count: counts.as_ref().map_or(1, |c| c[at]),
            outcomes: vec![points[members[0]].outcome.clone()],
        })
        .collect();
    let frontier = merge_near_ties(frontier, opts.outcomes_per_point.max(1));
    let open: Vec<Vec<f64>> = open.iter().map(|o| utilities(o)).collect();
    // The additive epsilon of the points found over the open bounds: how
    // far the found frontier must move out to weakly dominate them all.
    let gap = open
        .iter()
        .map(|o| {
            frontier
                .iter()
                .map(|f| {
                    o.iter()
                        .zip(&f.utilities)
                        .map(|(a, b)| (a - b).max(0.0))
                        .fold(0.0, f64::max)
                })
                .reduce(f64::min)
                .unwrap_or_else(|| o.iter().cloned().fold(0.0, f64::max))
        })
        .fold(0.0, f64::max);
    let report = SearchReport {
        exact: stopped.is_none(),
        nodes,
        stopped: stopped.map(|s| match s {
            Stop::Nodes => format!(
                "the search reached its limit of {} nodes",
                budget.max_search_nodes
            ),
            Stop::Clock(e) => e.to_string(),
        }),
        open,
        gap,
        ties_counted,
    };
    Some(RectangleFrontier {
        points: frontier,
        report,
    })
}

/// The number of outcomes at each point of an exact frontier (given by
/// the sums of an outcome reaching it), or `None` when the counts together
/// need more than [`Budget::max_tie_nodes`] nodes or the clock stops
/// them.
fn tie_counts<'a>(
    space: &Space,
    points: impl Iterator<Item = &'a Vec<i64>>,
    budget: &Budget,
) -> Option<Vec<u128>> {
    let mut left = budget.max_tie_nodes;
    points
        .map(|sums| {
            let (count, nodes) = count::count_within(&space.at_least(sums), left, budget);
            left = left.saturating_sub(nodes);
            count
        })
        .collect()
}

/// Each compared party's lowest and highest utility.
#[derive(Debug, Clone, PartialEq)]
pub struct UtilityRanges {
    /// Per party, its lowest utility.
    pub min: Vec<f64>,
    /// Per party, its highest utility.
    pub max: Vec<f64>,
    /// Whether every search ran to the end (else a bound is the best
    /// outcome found).
    pub exact: bool,
}

/// Each compared party's lowest and highest utility over the problem's
/// allowed outcomes (reservation values ignored) by the hyper-rectangle
/// search, and whether both were proven; `None` unless every compared
/// utility is an integer hyper-rectangle sum. A search stopped early gives
/// the best outcome found.
pub fn rectangle_ranges(
    problem: &Problem,
    budget: &Budget,
) -> Option<Result<UtilityRanges, AnalysisError>> {
    let whole = &problem.allowed;
    let n = problem.parties.len();
    let (mut lo, mut hi) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut exact = true;
    for j in 0..n {
        let single = Problem {
            parties: vec![problem.parties[j]],
            thresholds: vec![f64::NEG_INFINITY],
            allowed: whole.clone(),
            ..problem.clone()
        };
        let space = Space::new(&single, whole)?;
        for negated in [false, true] {
            let s = if negated {
                space.negated()
            } else {
                space.clone()
            };
            let r = search(&s, budget.max_search_nodes, budget);
            if let Some(Stop::Clock(e)) = r.stopped {
                return Some(Err(e));
            }
            exact &= r.stopped.is_none();
            // Stopped before any outcome: the optimistic bound stands in.
            let sum = r
                .points
                .first()
                .map(|b| b.sums[0])
                .or_else(|| r.open.first().map(|o| o[0]))
                .unwrap_or(0);
            if negated {
                lo.push(space.utility(0, -sum));
            } else {
                hi.push(space.utility(0, sum));
            }
        }
    }
    Some(Ok(UtilityRanges {
        min: lo,
        max: hi,
        exact,
    }))
}

/// How many of `problem`'s allowed outcomes meet every reservation value,
/// counted exactly within [`Budget::max_count_nodes`] nodes: `None`
/// unless every compared utility is an integer hyper-rectangle sum,
/// `Some(None)` when the count needs more nodes (or the clock stops it).
pub fn rectangle_zopa_count(problem: &Problem, budget: &Budget) -> Option<Option<u128>> {
    let space = Space::new(problem, &problem.allowed)?;
    Some(count::count_rational(
        &space,
        budget.max_count_nodes,
        budget,
    ))
}
