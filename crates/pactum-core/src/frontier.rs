//! The Pareto frontier of the rational outcomes, computed exactly.
//!
//! Two methods give the same answer:
//!
//! * **Additive fold.** When every party's utility is additive, the utility
//!   vector of an outcome is a sum of one contribution vector per issue, so
//!   the set of all utility vectors is the Minkowski sum of per-issue point
//!   sets. The non-dominated points of `A ⊕ B` lie in `ND(A) ⊕ ND(B)`, so the
//!   frontier is built issue by issue, pruning dominated partial sums (and
//!   partial sums that can no longer reach every reservation value). The cost
//!   depends on the frontier's size, not the outcome count: 10^30-outcome
//!   spaces take milliseconds.
//! * **Enumeration.** Every outcome is visited (in parallel chunks, keeping
//!   only chunk frontiers, so memory stays bounded). Used for nonlinear
//!   utilities and as the test oracle.
//!
//! Both sum contributions in issue order starting from 0.0, exactly as
//! [`UtilityFunction::utility`] does, so floating-point results agree to the
//! bit. Outcomes whose utility vectors are identical are ties: one frontier
//! point carries their count and the first few in enumeration order.
//!
//! Both take the analysis [`Budget`]: the fold refuses a step whose partial
//! sums or frontier exceed it before allocating them, enumeration holds
//! every merged partial frontier to it, and both poll its deadline and
//! cancellation flag (per fold step and per chunk of enumerated outcomes).

use std::cmp::Ordering;

use rayon::prelude::*;

use crate::analysis::{AnalysisError, Budget};
use crate::model::{Outcome, Scenario, UtilityFunction};

/// A non-dominated utility vector and the outcomes that reach it.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierPoint {
    /// One utility per party of the [`Problem`], in its order.
    pub utilities: Vec<f64>,
    /// How many outcomes have exactly these utilities.
    pub count: u128,
    /// The first of them in enumeration order (all of them when few).
    pub outcomes: Vec<Outcome>,
}

/// What is being analysed: which parties must consent, their reservation
/// thresholds, and which values their red lines leave.
#[derive(Debug, Clone)]
pub struct Problem<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Scenario indices of the parties whose utilities are compared.
    pub parties: Vec<usize>,
    /// Rationality thresholds, one per party (−∞ where there is none).
    pub thresholds: Vec<f64>,
    /// Per issue, the value indices no party's red line forbids.
    pub allowed: Vec<Vec<u32>>,
}

impl<'a> Problem<'a> {
    /// The problem for the scenario's negotiators.
    pub fn negotiators(scenario: &'a Scenario) -> Self {
        Self::for_parties(scenario, scenario.negotiators())
    }

    /// The problem for the given parties (each must have preferences).
    pub fn for_parties(scenario: &'a Scenario, parties: Vec<usize>) -> Self {
        let mut allowed: Vec<Vec<u32>> = scenario
            .issues
            .iter()
            .map(|i| (0..i.cardinality() as u32).collect())
            .collect();
        let mut thresholds = Vec::with_capacity(parties.len());
        for &p in &parties {
            let prefs = scenario.parties[p]
                .preferences
                .as_ref()
                .expect("validated: negotiators have preferences");
            thresholds.push(prefs.reservation_value.unwrap_or(f64::NEG_INFINITY));
            for red in &prefs.red_lines {
                allowed[red.issue].retain(|v| !red.values.contains(v));
            }
        }
        Problem {
            scenario,
            parties,
            thresholds,
            allowed,
        }
    }

    /// The utility function of each compared party, in order.
    pub fn utility_functions(&self) -> Vec<&'a UtilityFunction> {
        self.parties
            .iter()
            .map(|&p| {
                &self.scenario.parties[p]
                    .preferences
                    .as_ref()
                    .expect("validated")
                    .utility
            })
            .collect()
    }

    /// Per-issue contribution vectors when every party is additive.
    pub fn contributions(&self) -> Option<Contributions> {
        Contributions::new(self.scenario, &self.parties)
    }

    /// Number of outcomes that cross no red line.
    pub fn allowed_count(&self) -> u128 {
        self.allowed
            .iter()
            .fold(1u128, |n, a| n.saturating_mul(a.len() as u128))
    }

    /// Whether utilities `u` (one per compared party) meet every reservation value.
    pub fn is_rational(&self, u: &[f64]) -> bool {
        u.iter().zip(&self.thresholds).all(|(u, r)| u >= r)
    }
}

/// `w_pi · v_pi(k)` for every issue i, value k and party p.
#[derive(Debug, Clone)]
pub struct Contributions {
    /// How many parties are compared.
    pub parties: usize,
    /// `per_issue[i][k * parties + p]`.
    pub per_issue: Vec<Vec<f64>>,
}

impl Contributions {
    /// The contributions of `parties` (scenario indices), or `None` when one of them has a non-additive utility.
    pub fn new(scenario: &Scenario, parties: &[usize]) -> Option<Self> {
        let n = parties.len();
        let additive: Option<Vec<_>> = parties
            .iter()
            .map(|&p| {
                scenario.parties[p]
                    .preferences
                    .as_ref()?
                    .utility
                    .as_additive()
            })
            .collect();
        let additive = additive?;
        let per_issue = scenario
            .issues
            .iter()
            .enumerate()
            .map(|(i, issue)| {
                let card = issue.cardinality() as usize;
                let mut c = vec![0.0; card * n];
                for k in 0..card {
                    for (p, a) in additive.iter().enumerate() {
                        c[k * n + p] = a.weights[i] * a.values[i].eval(issue, k as u32);
                    }
                }
                c
            })
            .collect();
        Some(Contributions {
            parties: n,
            per_issue,
        })
    }

    #[inline]
    /// The contributions of value `k` of issue `issue`, one per party.
    pub fn of(&self, issue: usize, k: u32) -> &[f64] {
        let n = self.parties;
        &self.per_issue[issue][k as usize * n..(k as usize + 1) * n]
    }

    /// Utilities of an outcome, summed exactly as the model sums them.
    pub fn utilities(&self, outcome: &[u32], out: &mut [f64]) {
        out.fill(0.0);
        for (i, &k) in outcome.iter().enumerate() {
            for (o, c) in out.iter_mut().zip(self.of(i, k)) {
                *o += c;
            }
        }
    }
}

/// Options shared by both methods.
#[derive(Debug, Clone, Copy)]
pub struct FrontierOptions {
    /// How many tied outcomes to keep per frontier point.
    pub outcomes_per_point: usize,
}

impl Default for FrontierOptions {
    fn default() -> Self {
        FrontierOptions {
            outcomes_per_point: 10,
        }
    }
}

fn cmp_desc(a: &[f64], b: &[f64]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match y.partial_cmp(x).unwrap_or(Ordering::Equal) {
            Ordering::Equal => continue,
            o => return o,
        }
    }
    Ordering::Equal
}

fn weakly_greater(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y)
}

/// `a` is at least `b` everywhere and more than `margin` above it somewhere
/// (with `margin` 0 and distinct vectors: plain Pareto dominance).
fn dominates_by(a: &[f64], b: &[f64], margin: f64) -> bool {
    weakly_greater(a, b) && (margin == 0.0 || a.iter().zip(b).any(|(x, y)| x - y > margin))
}

/// Groups of candidate indices with identical, non-dominated utility
/// vectors (stored flat, `n` per candidate). Groups come in descending
/// lexicographic order of their vectors; members in ascending index order.
pub fn pareto_groups(utils: &[f64], n: usize) -> Vec<Vec<usize>> {
    pareto_groups_with_margin(utils, n, 0.0)
}

/// Like [`pareto_groups`], but a vector is dropped only when another is at
/// least as good for everyone and better by more than `margin` for someone.
/// The fold prunes partial sums this way so that rounding in the issues
/// still to be added can never turn a pruned sum into a tie of a kept one.
pub fn pareto_groups_with_margin(utils: &[f64], n: usize, margin: f64) -> Vec<Vec<usize>> {
    // Without a budget nothing can stop the computation.
    pareto_groups_within(utils, n, margin, None).unwrap_or_default()
}

/// [`pareto_groups_with_margin`] polling the budget's deadline and
/// cancellation flag between blocks of the three-or-more-party filter (the
/// one step whose time grows faster than its input).
pub fn pareto_groups_within(
    utils: &[f64],
    n: usize,
    margin: f64,
    budget: Option<&Budget>,
) -> Result<Vec<Vec<usize>>, AnalysisError> {
    let m = utils.len().checked_div(n).unwrap_or(0);
    let at = |i: usize| &utils[i * n..(i + 1) * n];
    let mut order: Vec<usize> = (0..m).collect();
    order.par_sort_unstable_by(|&a, &b| cmp_desc(at(a), at(b)).then(a.cmp(&b)));
    // Runs of identical vectors, in descending lexicographic order.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    while start < m {
        let mut end = start + 1;
        while end < m && cmp_desc(at(order[end]), at(order[start])) == Ordering::Equal {
            end += 1;
        }
        runs.push((start, end));
        start = end;
    }
    // Only earlier (lexicographically larger) vectors can dominate a run.
    let keep: Vec<bool> = match n {
        _ if margin > 0.0 && n > 0 => {
            let reps: Vec<usize> = runs.iter().map(|&(s, _)| order[s]).collect();
            skyline(&reps, utils, n, margin, budget)?
        }
        0 => vec![true; runs.len().min(1)],
        1 => (0..runs.len()).map(|r| r == 0).collect(),
        2 => {
            let mut best_second = f64::NEG_INFINITY;
            runs.iter()
                .map(|&(s, _)| {
                    let second = at(order[s])[1];
                    let kept = second > best_second;
                    if kept {
                        best_second = second;
                    }
                    kept
                })
                .collect()
        }
        _ => {
            let reps: Vec<usize> = runs.iter().map(|&(s, _)| order[s]).collect();
            skyline(&reps, utils, n, 0.0, budget)?
        }
    };
    Ok(runs
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(&(s, e), _)| {
            let mut members = order[s..e].to_vec();
            members.sort_unstable();
            members
        })
        .collect())
}

/// Which of `reps` (distinct vectors in descending lexicographic order) no
/// earlier one weakly dominates, for three or more parties.
///
/// Sort-filter-skyline, in blocks: each block of candidates is checked in
/// parallel against the points kept so far, which sit in small boxes with
/// per-dimension maxima so that whole boxes that cannot dominate are skipped;
/// survivors are then checked against each other in order.
fn skyline(
    reps: &[usize],
    utils: &[f64],
    n: usize,
    margin: f64,
    budget: Option<&Budget>,
) -> Result<Vec<bool>, AnalysisError> {
    const BOX: usize = 32;
    const BLOCK: usize = 2048;
    let at = |i: usize| &utils[i * n..(i + 1) * n];
    let mut kept: Vec<usize> = Vec::new();
    let mut box_max: Vec<f64> = Vec::new(); // n per box of BOX kept points
    let mut keep = vec![false; reps.len()];
    let dominated_by_kept = |x: &[f64], kept: &[usize], box_max: &[f64]| -> bool {
        kept.chunks(BOX).enumerate().any(|(b, chunk)| {
            let maxima = &box_max[b * n..(b + 1) * n];
            maxima.iter().zip(x).all(|(m, v)| m >= v)
                && chunk.iter().any(|&q| dominates_by(at(q), x, margin))
        })
    };
    for (block_no, block) in reps.chunks(BLOCK).enumerate() {
        if let Some(b) = budget {
            b.check_time()?;
        }
        let survivors: Vec<bool> = block
            .par_iter()
            .map(|&r| !dominated_by_kept(at(r), &kept, &box_max))
            .collect();
        let first_new = kept.len();
        for (j, &r) in block.iter().enumerate() {
            if !survivors[j]
                || kept[first_new..]
                    .iter()
                    .any(|&q| dominates_by(at(q), at(r), margin))
            {
                continue;
            }
            if kept.len().is_multiple_of(BOX) {
                box_max.extend_from_slice(at(r));
            } else {
                let b = kept.len() / BOX;
                for (m, v) in box_max[b * n..(b + 1) * n].iter_mut().zip(at(r)) {
                    *m = m.max(*v);
                }
            }
            kept.push(r);
            keep[block_no * BLOCK + j] = true;
        }
    }
    Ok(keep)
}

/// Merges outcome lists (each sorted in enumeration order), keeping the first `k`.
fn merge_outcomes(lists: impl IntoIterator<Item = Outcome>, k: usize) -> Vec<Outcome> {
    let mut all: Vec<Outcome> = lists.into_iter().collect();
    all.sort_unstable();
    all.dedup();
    all.truncate(k);
    all
}

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
    let issues = problem.scenario.issues.len();
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
                issue: problem.scenario.issues[i].name.clone(),
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
        frontier = groups
            .into_par_iter()
            .map(|members| {
                let first = members[0];
                let count = members
                    .iter()
                    .map(|&c| frontier[origin[c].0 as usize].count)
                    .sum();
                let outcomes = merge_outcomes(
                    members.iter().flat_map(|&c| {
                        let (j, k) = origin[c];
                        frontier[j as usize].outcomes.iter().map(move |o| {
                            let mut o = o.clone();
                            o.push(k);
                            o
                        })
                    }),
                    opts.outcomes_per_point,
                );
                FrontierPoint {
                    utilities: utils[first * n..(first + 1) * n].to_vec(),
                    count,
                    outcomes,
                }
            })
            .collect();
    }
    frontier.retain(|p| problem.is_rational(&p.utilities));
    Ok(Some(merge_near_ties(frontier, opts.outcomes_per_point)))
}

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
                    *o = f.utility(&self.scenario.issues, outcome);
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

/// Utility vectors closer than this in every component are one point.
pub const TIE_TOLERANCE: f64 = 1e-12;

/// Merges frontier points whose utilities agree within [`TIE_TOLERANCE`]:
/// sums that are equal in exact arithmetic can differ in the last bits of
/// floating point (0.1 + 0.2 ≠ 0.3), and such near-twins are ties, not
/// separate trade-offs. Each merged point keeps the utilities of its
/// lexicographically largest member. `points` must be in the descending
/// lexicographic order the frontier functions produce.
pub fn merge_near_ties(
    points: Vec<FrontierPoint>,
    outcomes_per_point: usize,
) -> Vec<FrontierPoint> {
    let m = points.len();
    let near = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() <= TIE_TOLERANCE);
    // Union-find over pairs within tolerance; only points whose first
    // utility is within tolerance can be near, and those are contiguous.
    let mut parent: Vec<usize> = (0..m).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut merged_any = false;
    for i in 0..m {
        for j in i + 1..m {
            if points[i].utilities[0] - points[j].utilities[0] > TIE_TOLERANCE {
                break;
            }
            if near(&points[i].utilities, &points[j].utilities) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
                merged_any = true;
            }
        }
    }
    if !merged_any {
        return points;
    }
    let mut out: Vec<FrontierPoint> = Vec::new();
    let mut slot = vec![usize::MAX; m];
    for (i, p) in points.into_iter().enumerate() {
        let r = root(&mut parent, i);
        if slot[r] == usize::MAX {
            slot[r] = out.len();
            out.push(p);
        } else {
            let target = &mut out[slot[r]];
            target.count = target.count.saturating_add(p.count);
            let outcomes = std::mem::take(&mut target.outcomes);
            target.outcomes =
                merge_outcomes(outcomes.into_iter().chain(p.outcomes), outcomes_per_point);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_two_parties() {
        // (1,0) (0,1) (0.5,0.5) (0.4,0.4) (0.5,0.5) (1,0)
        let u = [1.0, 0.0, 0.0, 1.0, 0.5, 0.5, 0.4, 0.4, 0.5, 0.5, 1.0, 0.0];
        let g = pareto_groups(&u, 2);
        assert_eq!(g, vec![vec![0, 5], vec![2, 4], vec![1]]);
    }

    #[test]
    fn groups_three_parties() {
        let u = [
            1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.5, 0.5, 0.0, 0.4, 0.4, 0.0, 0.0, 0.0, 1.0,
        ];
        let g = pareto_groups(&u, 3);
        assert_eq!(g, vec![vec![0], vec![2], vec![1], vec![4]]);
    }

    #[test]
    fn weakly_dominated_points_are_dropped() {
        // (1, 0.5) weakly dominates (1, 0.4) and (0.9, 0.5).
        let u = [1.0, 0.4, 0.9, 0.5, 1.0, 0.5];
        assert_eq!(pareto_groups(&u, 2), vec![vec![2]]);
    }

    #[test]
    fn blocked_skyline_equals_naive_filter() {
        // 6,000 pseudo-random 4-D points on a coarse grid (many ties and
        // dominations), more than two blocks.
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % 20) as f64 / 20.0
        };
        let n = 4;
        let utils: Vec<f64> = (0..6000 * n).map(|_| next()).collect();
        let at = |i: usize| &utils[i * n..(i + 1) * n];
        let dominates = |a: &[f64], b: &[f64]| weakly_greater(a, b) && a != b;
        let mut naive: Vec<usize> = (0..6000)
            .filter(|&i| !(0..6000).any(|j| dominates(at(j), at(i))))
            .collect();
        let mut fast: Vec<usize> = pareto_groups(&utils, n).into_iter().flatten().collect();
        naive.sort_unstable();
        fast.sort_unstable();
        assert_eq!(fast, naive);
    }

    #[test]
    fn the_many_party_filter_stops_when_cancelled() {
        use std::sync::Arc;
        use std::sync::atomic::AtomicBool;
        let mut state = 11u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let utils: Vec<f64> = (0..5000 * 3).map(|_| next()).collect();
        let cancelled = Budget {
            cancel: Some(Arc::new(AtomicBool::new(true))),
            ..Default::default()
        };
        assert_eq!(
            pareto_groups_within(&utils, 3, 0.0, Some(&cancelled)),
            Err(AnalysisError::Cancelled)
        );
        let running = Budget::default();
        assert_eq!(
            pareto_groups_within(&utils, 3, 0.0, Some(&running)).unwrap(),
            pareto_groups(&utils, 3)
        );
    }

    #[test]
    fn enumeration_order_is_mixed_radix() {
        let allowed = vec![vec![0, 2], vec![1, 3, 4]];
        let mut seen = Vec::new();
        for_each_allowed(&allowed, 1, 5, |o| seen.push(o.to_vec()));
        assert_eq!(seen, vec![vec![0, 3], vec![0, 4], vec![2, 1], vec![2, 3]]);
    }
}
