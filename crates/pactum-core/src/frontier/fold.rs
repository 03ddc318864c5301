//! The frontier by the additive fold: issue by issue, keeping the
//! non-dominated partial sums.
//!
//! Rules: partial sums are pruned only when dominated by more than
//! `FOLD_MARGIN` (so rounding in later issues cannot revive them) or when
//! they can no longer reach every threshold; each step's size is checked
//! against the budget before it is allocated; the result equals
//! enumeration's to the bit.

use super::pareto::{Groups, Scratch, clear_with_room, pareto_groups_reusing};
use super::points::{FrontierOptions, FrontierPoint, merge_near_ties};
use super::problem::{Contributions, Problem};
use crate::budget::{AnalysisError, Budget};

/// How far a partial sum must be dominated before the fold prunes it: far
/// above the rounding error of adding the remaining issues (≈ issues · 1e-16).
const FOLD_MARGIN: f64 = 1e-10;

/// The fold's frontier after some issues, flat: per point its utilities
/// (`n` each), its outcome count and its first outcomes (`len` values
/// each), so that a step allocates a few vectors rather than several per
/// point.
#[derive(Default)]
struct Partial {
    utils: Vec<f64>,
    counts: Vec<u128>,
    /// Where each point's outcomes start in `outcomes`.
    first_outcome: Vec<usize>,
    /// How many outcomes each point keeps.
    outcome_count: Vec<usize>,
    outcomes: Vec<u32>,
    /// The length of every outcome (the issues folded so far).
    len: usize,
}

impl Partial {
    /// Empties it for `points` points of `n` utilities and their outcomes
    /// of length `len` (room for one each), keeping its vectors where they
    /// are large enough.
    fn clear(&mut self, points: usize, n: usize, len: usize) {
        clear_with_room(&mut self.utils, points * n);
        clear_with_room(&mut self.counts, points);
        clear_with_room(&mut self.first_outcome, points);
        clear_with_room(&mut self.outcome_count, points);
        clear_with_room(&mut self.outcomes, points * len);
        self.len = len;
    }

    /// Outcome `t` of point `p`.
    fn outcome(&self, p: usize, t: usize) -> &[u32] {
        let start = self.first_outcome[p] + t * self.len;
        &self.outcomes[start..start + self.len]
    }
}

/// Most values of an issue compared pairwise by [`undominated_values`]
/// rather than by the general filter.
const PAIRWISE_VALUES: usize = 16;

/// The values (ascending) whose contribution vector no other value's
/// dominates (at least as large for every party, and a different vector),
/// by comparing every pair: what the filter without a margin keeps (groups
/// of identical undominated vectors, every member), for an issue of at
/// most [`PAIRWISE_VALUES`] values. `None` for more values or when a
/// contribution is NaN: those go to the filter.
fn undominated_values<'a>(values: &[u32], of: impl Fn(u32) -> &'a [f64]) -> Option<Vec<u32>> {
    if values.len() > PAIRWISE_VALUES || values.iter().any(|&k| of(k).iter().any(|x| x.is_nan())) {
        return None;
    }
    let dominated = |k: u32| {
        let v = of(k);
        values.iter().any(|&j| {
            let w = of(j);
            w.iter().zip(v).all(|(a, b)| a >= b) && w.iter().zip(v).any(|(a, b)| a != b)
        })
    };
    let mut keep: Vec<u32> = values.iter().copied().filter(|&k| !dominated(k)).collect();
    keep.sort_unstable();
    Some(keep)
}

/// The frontier by the additive fold. `Ok(None)` if some party is not
/// additive; an error when a step would exceed the budget (checked before
/// the step's partial sums are allocated) or time runs out.
pub fn additive_frontier(
    problem: &Problem,
    opts: FrontierOptions,
    budget: &Budget,
) -> Result<Option<Vec<FrontierPoint>>, AnalysisError> {
    additive_frontier_of(problem, problem.contributions().as_ref(), opts, budget)
}

/// [`additive_frontier`] with the problem's contributions already
/// computed (`None` when some party is not additive), for a caller that
/// needs them for more than the frontier.
pub(crate) fn additive_frontier_of(
    problem: &Problem,
    contributions: Option<&Contributions>,
    opts: FrontierOptions,
    budget: &Budget,
) -> Result<Option<Vec<FrontierPoint>>, AnalysisError> {
    budget.check_time()?;
    let Some(contrib) = contributions else {
        return Ok(None);
    };
    let n = problem.parties.len();
    let issues = problem.scenario.issues().len();
    // The filter's working vectors and groups, reused by every call below.
    let mut scratch = Scratch::default();
    let mut groups = Groups::default();
    // Per issue: allowed values whose contribution vector no other allowed
    // value of the same issue strictly dominates.
    let candidates_per_issue: Vec<Vec<u32>> = (0..issues)
        .map(|i| {
            let vals = &problem.allowed[i];
            if let Some(keep) = undominated_values(vals, |k| contrib.of(i, k)) {
                return keep;
            }
            let flat: Vec<f64> = vals
                .iter()
                .flat_map(|&k| contrib.of(i, k).iter().copied())
                .collect();
            // Without a budget the filter cannot fail.
            if pareto_groups_reusing(&flat, n, 0.0, None, &mut scratch, &mut groups).is_err() {
                groups = Groups::default();
            }
            let mut keep: Vec<u32> = groups.iter().flatten().map(|&j| vals[j]).collect();
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
    let mut front = Partial {
        utils: vec![0.0; n],
        counts: vec![1],
        first_outcome: vec![0],
        outcome_count: vec![1],
        outcomes: Vec::new(),
        len: 0,
    };
    let keep = opts.outcomes_per_point;
    // Each step's partial sums and where they come from, and the front
    // being built: vectors reused from step to step.
    let mut utils: Vec<f64> = Vec::new();
    let mut origin: Vec<(u32, u32)> = Vec::new();
    let mut spare = Partial::default();
    for i in 0..issues {
        budget.check_time()?;
        let values = &candidates_per_issue[i];
        let partial_sums = front.counts.len() as u128 * values.len() as u128;
        if partial_sums > budget.max_partial_sums {
            return Err(AnalysisError::TooManyPartialSums {
                issue: problem.scenario.issues()[i].name.clone(),
                partial_sums,
                limit: budget.max_partial_sums,
            });
        }
        clear_with_room(&mut utils, partial_sums as usize * n);
        clear_with_room(&mut origin, partial_sums as usize);
        let mut u = vec![0.0; n];
        // Value by value, the front's points in their (descending) order:
        // adding one vector keeps that order up to rounding, so the filter
        // sorts a few long ascending runs. The order partial sums are listed
        // in changes no result: groups are identical vectors, whose members
        // are all kept.
        let mut visited = 0usize;
        if n == 2 {
            // The same sums and tests as below, without the loop over parties.
            let rest = [remaining_max[i + 1][0], remaining_max[i + 1][1]];
            let least = [problem.thresholds[0] - SLACK, problem.thresholds[1] - SLACK];
            for &k in values {
                let add = contrib.of(i, k);
                let (a0, a1) = (add[0], add[1]);
                for (j, point) in front.utils.chunks_exact(2).enumerate() {
                    visited += 1;
                    if visited.is_multiple_of(4096) {
                        budget.check_time()?;
                    }
                    let u0 = point[0] + a0;
                    if u0 + rest[0] < least[0] {
                        continue;
                    }
                    let u1 = point[1] + a1;
                    if u1 + rest[1] < least[1] {
                        continue;
                    }
                    utils.extend_from_slice(&[u0, u1]);
                    origin.push((j as u32, k));
                }
            }
        }
        for &k in values.iter().filter(|_| n != 2) {
            let add = contrib.of(i, k);
            'points: for j in 0..front.counts.len() {
                visited += 1;
                if visited.is_multiple_of(4096) {
                    budget.check_time()?;
                }
                let point = &front.utils[j * n..(j + 1) * n];
                for p in 0..n {
                    u[p] = point[p] + add[p];
                    if u[p] + remaining_max[i + 1][p] < problem.thresholds[p] - SLACK {
                        continue 'points;
                    }
                }
                utils.extend_from_slice(&u);
                origin.push((j as u32, k));
            }
        }
        // Partial sums are pruned with a margin; the complete sums exactly.
        let margin = if i + 1 < issues { FOLD_MARGIN } else { 0.0 };
        pareto_groups_reusing(&utils, n, margin, Some(budget), &mut scratch, &mut groups)?;
        budget.check_frontier(groups.len())?;
        let mut next = std::mem::take(&mut spare);
        next.clear(groups.len(), n, i + 1);
        let mut merged: Vec<(u32, u32, u32)> = Vec::new();
        for members in groups.iter() {
            let first = members[0];
            next.utils
                .extend_from_slice(&utils[first * n..(first + 1) * n]);
            next.counts.push(
                members
                    .iter()
                    .map(|&c| front.counts[origin[c].0 as usize])
                    .sum(),
            );
            next.first_outcome.push(next.outcomes.len());
            let mut added = 0;
            if let [only] = *members {
                // One parent: its outcomes are sorted and distinct, and
                // appending the same value keeps them so.
                let (j, k) = origin[only];
                for t in 0..front.outcome_count[j as usize].min(keep) {
                    next.outcomes
                        .extend_from_slice(front.outcome(j as usize, t));
                    next.outcomes.push(k);
                    added += 1;
                }
            } else {
                // Several parents: their extended outcomes in ascending
                // order, each once, the first `keep` of them.
                merged.clear();
                for &c in members {
                    let (j, k) = origin[c];
                    merged.extend((0..front.outcome_count[j as usize]).map(|t| (j, k, t as u32)));
                }
                let extended =
                    |&(j, k, t): &(u32, u32, u32)| (front.outcome(j as usize, t as usize), k);
                merged.sort_unstable_by(|a, b| extended(a).cmp(&extended(b)));
                merged.dedup_by(|a, b| extended(a) == extended(b));
                for &(j, k, t) in merged.iter().take(keep) {
                    next.outcomes
                        .extend_from_slice(front.outcome(j as usize, t as usize));
                    next.outcomes.push(k);
                    added += 1;
                }
            }
            next.outcome_count.push(added);
        }
        spare = std::mem::replace(&mut front, next);
    }
    let mut frontier: Vec<FrontierPoint> = (0..front.counts.len())
        .map(|p| FrontierPoint {
            utilities: front.utils[p * n..(p + 1) * n].to_vec(),
            count: front.counts[p],
            outcomes: (0..front.outcome_count[p])
                .map(|t| front.outcome(p, t).to_vec())
                .collect(),
        })
        .collect();
    frontier.retain(|p| problem.is_rational(&p.utilities));
    Ok(Some(merge_near_ties(frontier, opts.outcomes_per_point)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issues of up to 16 values, two to four parties, contributions on a
    /// coarse grid (ties, identical vectors, signed zeros): the pairwise
    /// comparison keeps exactly the values the filter keeps.
    #[test]
    fn pairwise_values_equal_the_filter() {
        let mut state = 99u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        for case in 0..600 {
            let n = 2 + case % 3;
            let len = 1 + next(PAIRWISE_VALUES as u64) as usize;
            let values: Vec<u32> = (0..len as u32).map(|k| 3 * k + (case as u32 % 3)).collect();
            let top = *values.last().unwrap() as usize + 1;
            let table: Vec<f64> = (0..top * n)
                .map(|_| match next(8) {
                    0 => -0.0,
                    7 => f64::INFINITY,
                    x => x as f64 * 0.25,
                })
                .collect();
            let of = |k: u32| &table[k as usize * n..(k as usize + 1) * n];
            let flat: Vec<f64> = values.iter().flat_map(|&k| of(k).iter().copied()).collect();
            let (mut scratch, mut groups) = (Scratch::default(), Groups::default());
            pareto_groups_reusing(&flat, n, 0.0, None, &mut scratch, &mut groups).unwrap();
            let mut want: Vec<u32> = groups.iter().flatten().map(|&j| values[j]).collect();
            want.sort_unstable();
            assert_eq!(undominated_values(&values, of), Some(want), "{table:?}");
        }
        // More values, or NaN: left to the filter.
        let many: Vec<u32> = (0..=PAIRWISE_VALUES as u32).collect();
        assert_eq!(undominated_values(&many, |_| &[0.0, 0.0]), None);
        assert_eq!(undominated_values(&[0], |_| &[f64::NAN, 0.0]), None);
    }
}
