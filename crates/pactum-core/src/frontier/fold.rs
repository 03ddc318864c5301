//! The frontier by the additive fold: issue by issue, keeping the
//! non-dominated partial sums.
//!
//! Rules: partial sums are pruned only when dominated by more than
//! `FOLD_MARGIN` (so rounding in later issues cannot revive them) or when
//! they can no longer reach every threshold; each step's size is checked
//! against the budget before it is allocated; the result equals
//! enumeration's to the bit.

use rayon::prelude::*;

use super::pareto::{PARALLEL_MIN_WORK, pareto_groups, pareto_groups_within};
use super::points::{FrontierOptions, FrontierPoint, merge_near_ties, merge_outcomes};
use super::problem::Problem;
use crate::budget::{AnalysisError, Budget};

/// How far a partial sum must be dominated before the fold prunes it: far
/// above the rounding error of adding the remaining issues (≈ issues · 1e-16).
const FOLD_MARGIN: f64 = 1e-10;

/// The frontier by the additive fold. `Ok(None)` if some party is not
/// additive; an error when a step would exceed the budget (checked before
/// the step's partial sums are allocated) or time runs out.
pub fn additive_frontier(
    problem: &Problem,
    opts: FrontierOptions,
    budget: &Budget,
) -> Result<Option<Vec<FrontierPoint>>, AnalysisError> {
    budget.check_time()?;
    let Some(contrib) = problem.contributions() else {
        return Ok(None);
    };
    let n = problem.parties.len();
    let issues = problem.scenario.issues().len();
    // Per issue: allowed values whose contribution vector no other allowed
    // value of the same issue strictly dominates.
    let candidates_per_issue: Vec<Vec<u32>> = (0..issues)
        .map(|i| {
            let vals = &problem.allowed[i];
            let flat: Vec<f64> = vals
                .iter()
                .flat_map(|&k| contrib.of(i, k).iter().copied())
                .collect();
            let mut keep: Vec<u32> = pareto_groups(&flat, n)
                .into_iter()
                .flatten()
                .map(|j| vals[j])
                .collect();
            keep.sort_unstable();
            keep
        })
        .collect();
    // remaining_max[i][p]: the most party p can still gain from issues i.. .
    let mut remaining_max = vec![vec![0.0; n]; issues + 1];
    for i in (0..issues).rev() {
        for p in 0..n {
            let best = candidates_per_issue[i]
                .iter()
                .map(|&k| contrib.of(i, k)[p])
                .fold(f64::NEG_INFINITY, f64::max);
            remaining_max[i][p] = remaining_max[i + 1][p] + best;
        }
    }
    // Margin for rounding between "partial + bound" and the real sums.
    const SLACK: f64 = 1e-9;
    let mut frontier = vec![FrontierPoint {
        utilities: vec![0.0; n],
        count: 1,
        outcomes: vec![vec![]],
    }];
    for i in 0..issues {
        budget.check_time()?;
        let values = &candidates_per_issue[i];
        let partial_sums = frontier.len() as u128 * values.len() as u128;
        if partial_sums > budget.max_partial_sums {
            return Err(AnalysisError::TooManyPartialSums {
                issue: problem.scenario.issues()[i].name.clone(),
                partial_sums,
                limit: budget.max_partial_sums,
            });
        }
        let mut utils = Vec::with_capacity(partial_sums as usize * n);
        let mut origin: Vec<(u32, u32)> = Vec::with_capacity(partial_sums as usize);
        let mut u = vec![0.0; n];
        for (j, point) in frontier.iter().enumerate() {
            if j % 4096 == 4095 {
                budget.check_time()?;
            }
            'values: for &k in values {
                for p in 0..n {
                    u[p] = point.utilities[p] + contrib.of(i, k)[p];
                    if u[p] + remaining_max[i + 1][p] < problem.thresholds[p] - SLACK {
                        continue 'values;
                    }
                }
                utils.extend_from_slice(&u);
                origin.push((j as u32, k));
            }
        }
        // Partial sums are pruned with a margin; the complete sums exactly.
        let margin = if i + 1 < issues { FOLD_MARGIN } else { 0.0 };
        let groups = pareto_groups_within(&utils, n, margin, Some(budget))?;
        budget.check_frontier(groups.len())?;
        let point = |members: Vec<usize>| {
            let first = members[0];
            let count = members
                .iter()
                .map(|&c| frontier[origin[c].0 as usize].count)
                .sum();
            let extend = |o: &Vec<u32>, k: u32| {
                let mut longer = Vec::with_capacity(o.len() + 1);
                longer.extend_from_slice(o);
                longer.push(k);
                longer
            };
            let outcomes = if let [only] = members[..] {
                // One parent: its outcomes are sorted and distinct, and
                // appending the same value keeps them so.
                let (j, k) = origin[only];
                frontier[j as usize]
                    .outcomes
                    .iter()
                    .take(opts.outcomes_per_point)
                    .map(|o| extend(o, k))
                    .collect()
            } else {
                merge_outcomes(
                    members.iter().flat_map(|&c| {
                        let (j, k) = origin[c];
                        frontier[j as usize]
                            .outcomes
                            .iter()
                            .map(move |o| extend(o, k))
                    }),
                    opts.outcomes_per_point,
                )
            };
            FrontierPoint {
                utilities: utils[first * n..(first + 1) * n].to_vec(),
                count,
                outcomes,
            }
        };
        // Each point is built from its own group: sequential and parallel
        // give the same points in the same order.
        let work = groups.len().saturating_mul(opts.outcomes_per_point.max(1));
        frontier = if work < PARALLEL_MIN_WORK {
            groups.into_iter().map(point).collect()
        } else {
            groups.into_par_iter().map(point).collect()
        };
    }
    frontier.retain(|p| problem.is_rational(&p.utilities));
    Ok(Some(merge_near_ties(frontier, opts.outcomes_per_point)))
}
