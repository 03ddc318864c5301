//! The non-dominated filter over utility vectors.
//!
//! Rules: groups of identical non-dominated vectors come in descending
//! lexicographic order, members in ascending index order; with a margin a
//! vector is dropped only when another beats it by more than the margin;
//! the filter for three or more parties polls the budget between blocks.

use std::cmp::Ordering;

use rayon::prelude::*;

use crate::budget::{AnalysisError, Budget};

fn cmp_desc(a: &[f64], b: &[f64]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match y.partial_cmp(x).unwrap_or(Ordering::Equal) {
            Ordering::Equal => continue,
            o => return o,
        }
    }
    Ordering::Equal
}

pub(super) fn weakly_greater(a: &[f64], b: &[f64]) -> bool {
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
