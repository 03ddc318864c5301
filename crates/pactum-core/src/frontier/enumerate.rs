//! The frontier by visiting every allowed outcome, and the parallel walk it
//! shares with the analysis.
//!
//! Rules: outcomes are visited in mixed-radix order (last issue fastest) in
//! chunks whose partial results merge left to right, so results do not
//! depend on the thread count; the budget is polled before each chunk and
//! every merged frontier is held to its point limit.

use rayon::prelude::*;

use super::pareto::{pareto_groups, pareto_groups_within};
use super::points::{FrontierOptions, FrontierPoint, merge_near_ties, merge_outcomes};
use super::problem::{Contributions, Problem};
use crate::budget::{AnalysisError, Budget};
use crate::model::{Outcome, Scenario, UtilityFunction};

/// Calls `visit` with every allowed outcome in `[start, end)` of the allowed
/// space's enumeration order (mixed radix, last issue fastest).
pub(crate) fn for_each_allowed(
    allowed: &[Vec<u32>],
    start: u128,
    end: u128,
    mut visit: impl FnMut(&[u32]),
) {
    if start >= end {
        return;
    }
    let issues = allowed.len();
    let mut digits = vec![0usize; issues];
    let mut rest = start;
    for i in (0..issues).rev() {
        let card = allowed[i].len() as u128;
        digits[i] = (rest % card) as usize;
        rest /= card;
    }
    let mut outcome: Vec<u32> = (0..issues).map(|i| allowed[i][digits[i]]).collect();
    let mut index = start;
    loop {
        visit(&outcome);
        index += 1;
        if index >= end {
            return;
        }
        let mut i = issues;
        while i > 0 {
            i -= 1;
            digits[i] += 1;
            if digits[i] < allowed[i].len() {
                outcome[i] = allowed[i][digits[i]];
                break;
            }
            digits[i] = 0;
            outcome[i] = allowed[i][0];
        }
    }
}

/// Visits every allowed outcome in parallel chunks; `chunk` folds a range
/// into a partial result and `merge` combines two neighbouring results (the
/// left one first; it must be associative), so only a few partial results
/// are alive at a time. The budget's deadline and cancellation flag are
/// polled before every chunk of 65,536 outcomes; the outcome count itself is
/// the caller's to check.
pub fn par_enumerate<T: Send>(
    problem: &Problem,
    budget: &Budget,
    chunk: impl Fn(&mut dyn FnMut(&mut dyn FnMut(&[u32]))) -> T + Sync,
    merge: impl Fn(T, T) -> Result<T, AnalysisError> + Sync + Send,
) -> Result<T, AnalysisError> {
    const CHUNK: u128 = 1 << 16;
    let total = problem.allowed_count();
    let chunks = total.div_ceil(CHUNK).max(1);
    let first = |c: u128| -> Result<T, AnalysisError> {
        budget.check_time()?;
        let (start, end) = (c * CHUNK, ((c + 1) * CHUNK).min(total));
        Ok(chunk(&mut |visit| {
            for_each_allowed(&problem.allowed, start, end, |o| visit(o))
        }))
    };
    let head = first(0)?;
    if chunks == 1 {
        // One chunk: no parallel call, so the thread pool is not started.
        return Ok(head);
    }
    (1..chunks)
        .into_par_iter()
        .map(|c| first(c).map(Some))
        .try_reduce(
            || None,
            |a, b| match (a, b) {
                (None, x) | (x, None) => Ok(x),
                (Some(a), Some(b)) => merge(a, b).map(Some),
            },
        )
        .and_then(|rest| match rest {
            None => Ok(head),
            Some(rest) => merge(head, rest),
        })
}

/// Utility vectors of outcomes for the problem's parties, by whichever
/// representation is fastest.
pub struct Evaluator<'a> {
    contrib: Option<Contributions>,
    ufuns: Vec<&'a UtilityFunction>,
    scenario: &'a Scenario,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for `problem`'s parties.
    pub fn new(problem: &Problem<'a>) -> Self {
        Evaluator {
            contrib: problem.contributions(),
            ufuns: problem.utility_functions(),
            scenario: problem.scenario,
        }
    }

    /// Writes the utility of `outcome` for each compared party into `out`.
    pub fn eval(&self, outcome: &[u32], out: &mut [f64]) {
        match &self.contrib {
            Some(c) => c.utilities(outcome, out),
            None => {
                for (o, f) in out.iter_mut().zip(&self.ufuns) {
                    *o = f.utility(self.scenario.issues(), outcome);
                }
            }
        }
    }
}

/// The frontier by visiting every outcome. The caller checks the outcome
/// count against the budget; the frontier of every part of the space
/// merged on the way is held to [`Budget::max_frontier_points`].
pub fn enumerated_frontier(
    problem: &Problem,
    opts: FrontierOptions,
    budget: &Budget,
) -> Result<Vec<FrontierPoint>, AnalysisError> {
    let n = problem.parties.len();
    let evaluator = Evaluator::new(problem);
    let reduce = |points: Vec<FrontierPoint>| -> Result<Vec<FrontierPoint>, AnalysisError> {
        let utils: Vec<f64> = points
            .iter()
            .flat_map(|p| p.utilities.iter().copied())
            .collect();
        Ok(pareto_groups_within(&utils, n, 0.0, Some(budget))?
            .into_iter()
            .map(|members| FrontierPoint {
                utilities: points[members[0]].utilities.clone(),
                count: members
                    .iter()
                    .fold(0u128, |n, &m| n.saturating_add(points[m].count)),
                outcomes: merge_outcomes(
                    members
                        .iter()
                        .flat_map(|&m| points[m].outcomes.iter().cloned()),
                    opts.outcomes_per_point,
                ),
            })
            .collect())
    };
    let points = par_enumerate(
        problem,
        budget,
        |walk| {
            let mut utils = Vec::new();
            let mut outcomes: Vec<Outcome> = Vec::new();
            let mut u = vec![0.0; n];
            walk(&mut |o| {
                evaluator.eval(o, &mut u);
                if problem.is_rational(&u) {
                    utils.extend_from_slice(&u);
                    outcomes.push(o.to_vec());
                }
            });
            pareto_groups(&utils, n)
                .into_iter()
                .map(|members| FrontierPoint {
                    utilities: utils[members[0] * n..(members[0] + 1) * n].to_vec(),
                    count: members.len() as u128,
                    outcomes: members
                        .iter()
                        .take(opts.outcomes_per_point)
                        .map(|&m| outcomes[m].clone())
                        .collect(),
                })
                .collect::<Vec<_>>()
        },
        |mut a, b| {
            a.extend(b);
            let merged = reduce(a)?;
            budget.check_frontier(merged.len())?;
            Ok(merged)
        },
    )?;
    budget.check_frontier(points.len())?;
    Ok(merge_near_ties(points, opts.outcomes_per_point))
}
