//! The non-dominated filter over utility vectors.
//!
//! Rules: groups of identical non-dominated vectors come in descending
//! lexicographic order, members in ascending index order; with a margin a
//! vector is dropped only when another beats it by more than the margin;
//! the filter for three or more parties polls the budget between blocks;
//! work below [`PARALLEL_MIN_WORK`] runs on the calling thread (starting
//! the thread pool costs more than such work), with the same result.

use std::cmp::Ordering;

use rayon::prelude::*;

use crate::budget::{AnalysisError, Budget};

/// Below this many elementary steps (comparisons, merged outcomes) a loop
/// runs sequentially: the first parallel call starts the global thread pool,
/// which alone costs a few hundred microseconds, far more than such a loop.
/// Each element's result does not depend on how the loop is run, so the
/// choice never changes a result.
pub(super) const PARALLEL_MIN_WORK: usize = 1 << 16;

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
    let groups = pareto_groups_flat(utils, n, margin, budget)?;
    Ok(groups.iter().map(<[usize]>::to_vec).collect())
}

/// The groups of [`pareto_groups_within`] stored flat: every group's
/// members one after another, in the same order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    members: Vec<usize>,
    /// Where each group ends in `members`.
    ends: Vec<usize>,
}

impl Groups {
    /// How many groups there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The groups in order, each its members in ascending index order.
    pub fn iter(&self) -> impl Iterator<Item = &[usize]> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(s, &e)| &self.members[s..e])
    }
}

/// [`pareto_groups_within`] without a vector per group.
pub fn pareto_groups_flat(
    utils: &[f64],
    n: usize,
    margin: f64,
    budget: Option<&Budget>,
) -> Result<Groups, AnalysisError> {
    let mut groups = Groups::default();
    pareto_groups_reusing(
        utils,
        n,
        margin,
        budget,
        &mut Scratch::default(),
        &mut groups,
    )?;
    Ok(groups)
}

/// The working vectors of the two-party filter, kept by a caller that
/// filters many times (the fold, once per issue) so that each call reuses
/// them instead of allocating its own.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    keys: Vec<(u64, u64, u32)>,
    spare: Vec<(u64, u64, u32)>,
    run_ends: Vec<usize>,
    kept_first: Vec<f64>,
    best_second_up_to: Vec<f64>,
}

/// [`pareto_groups_flat`] into `groups` (whatever it held is replaced),
/// the two-party filter working in `scratch`: the same groups.
pub(super) fn pareto_groups_reusing(
    utils: &[f64],
    n: usize,
    margin: f64,
    budget: Option<&Budget>,
    scratch: &mut Scratch,
    groups: &mut Groups,
) -> Result<(), AnalysisError> {
    if n == 2
        && let Some(done) = groups_two(utils, margin, budget, scratch, groups)
    {
        return done;
    }
    *groups = pareto_groups_general(utils, n, margin, budget)?;
    Ok(())
}

/// The filter for any number of parties, by comparison.
fn pareto_groups_general(
    utils: &[f64],
    n: usize,
    margin: f64,
    budget: Option<&Budget>,
) -> Result<Groups, AnalysisError> {
    let m = utils.len().checked_div(n).unwrap_or(0);
    let at = |i: usize| &utils[i * n..(i + 1) * n];
    let order = descending_order(utils, n, m);
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
        2 if margin > 0.0 => {
            let reps: Vec<usize> = runs.iter().map(|&(s, _)| order[s]).collect();
            skyline_two(&reps, utils, margin, budget)?
        }
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
    let mut members = Vec::new();
    let mut ends = Vec::new();
    for (&(s, e), kept) in runs.iter().zip(keep) {
        if kept {
            let first = members.len();
            members.extend_from_slice(&order[s..e]);
            members[first..].sort_unstable();
            ends.push(members.len());
        }
    }
    Ok(Groups { members, ends })
}

/// An integer key that orders as the float does, descending: `x + 0.0`
/// turns −0.0 into 0.0, and the bit pattern of a non-NaN float, sign-folded,
/// orders as the float; inverted, ascending keys are descending floats.
fn desc_key(x: f64) -> u64 {
    let b = (x + 0.0).to_bits();
    !(if b >> 63 == 1 { !b } else { b | (1 << 63) })
}

/// [`pareto_groups_flat`] for two parties on the calling thread, working on
/// integer keys throughout, into `groups`; `None` (the general code then
/// fills `groups`) when a utility is NaN or the input is large enough for
/// the parallel sort. Equal keys are exactly identical vectors, so the
/// groups are the same.
fn groups_two(
    utils: &[f64],
    margin: f64,
    budget: Option<&Budget>,
    scratch: &mut Scratch,
    groups: &mut Groups,
) -> Option<Result<(), AnalysisError>> {
    let m = utils.len() / 2;
    if m >= PARALLEL_MIN_WORK {
        return None;
    }
    let Scratch {
        keys,
        spare,
        run_ends,
        kept_first,
        best_second_up_to,
    } = scratch;
    clear_with_room(keys, m);
    clear_with_room(spare, m);
    clear_with_room(run_ends, m);
    clear_with_room(kept_first, m);
    clear_with_room(best_second_up_to, m);
    clear_with_room(&mut groups.members, m);
    clear_with_room(&mut groups.ends, m);
    for (i, u) in utils.chunks_exact(2).enumerate() {
        if u[0].is_nan() || u[1].is_nan() {
            return None;
        }
        keys.push((desc_key(u[0]), desc_key(u[1]), i as u32));
    }
    if !merge_runs_with(keys, spare, run_ends) {
        keys.sort_unstable();
    }
    // Runs of identical vectors, in descending lexicographic order; each
    // run's indices ascend. One pass: each run's first vector decides it
    // (with a margin, the two-party skyline; without, a second utility
    // above every earlier one), and a kept run's members form its group.
    let mut sky = SkylineTwo::new(margin, (kept_first, best_second_up_to));
    let mut best_second = f64::NEG_INFINITY;
    let (mut start, mut run) = (0, 0usize);
    while start < m {
        let mut end = start + 1;
        while end < m && (keys[end].0, keys[end].1) == (keys[start].0, keys[start].1) {
            end += 1;
        }
        let first = keys[start].2 as usize;
        let (x, y) = (utils[2 * first], utils[2 * first + 1]);
        let kept = if margin > 0.0 {
            if run.is_multiple_of(SKYLINE_BLOCK)
                && let Some(b) = budget
                && let Err(e) = b.check_time()
            {
                return Some(Err(e));
            }
            sky.keeps(x, y)
        } else {
            let kept = y > best_second;
            if kept {
                best_second = y;
            }
            kept
        };
        if kept {
            groups
                .members
                .extend(keys[start..end].iter().map(|k| k.2 as usize));
            groups.ends.push(groups.members.len());
        }
        start = end;
        run += 1;
    }
    Some(Ok(()))
}

/// Empties `v` with room for `len` elements: a vector that is too small is
/// freed and allocated anew rather than grown, since growing copies what it
/// held before, however little of it is still wanted (and the old and new
/// memory are never held at once). Below [`PARALLEL_MIN_WORK`] elements
/// the new room is at least twice the old and [`MIN_ROOM`] elements, so
/// that a caller whose small inputs grow step by step (the fold, issue by
/// issue) allocates a few times, not at every step; above, exactly `len`.
pub(super) fn clear_with_room<T>(v: &mut Vec<T>, len: usize) {
    v.clear();
    if v.capacity() < len {
        let small = (2 * v.capacity()).clamp(MIN_ROOM, PARALLEL_MIN_WORK);
        let room = len.max(small);
        *v = Vec::new();
        v.reserve_exact(room);
    }
}

/// The least room [`clear_with_room`] allocates.
const MIN_ROOM: usize = 256;

/// The indices `0..m` in descending lexicographic order of their vectors,
/// ties in ascending index order: the one order this comparison defines
/// (−0.0 and 0.0 compare equal), however it is sorted.
pub(super) fn descending_order(utils: &[f64], n: usize, m: usize) -> Vec<usize> {
    let at = |i: usize| &utils[i * n..(i + 1) * n];
    let by_comparison = |order: &mut Vec<usize>| {
        let cmp = |&a: &usize, &b: &usize| cmp_desc(at(a), at(b)).then(a.cmp(&b));
        if m < PARALLEL_MIN_WORK {
            order.sort_unstable_by(cmp);
        } else {
            order.par_sort_unstable_by(cmp);
        }
    };
    let mut order: Vec<usize> = (0..m).collect();
    if n != 2 || utils.iter().any(|x| x.is_nan()) || m > u32::MAX as usize {
        by_comparison(&mut order);
        return order;
    }
    // Two parties: sort plain integer keys.
    let mut keys: Vec<(u64, u64, u32)> = (0..m)
        .map(|i| (desc_key(utils[2 * i]), desc_key(utils[2 * i + 1]), i as u32))
        .collect();
    if m >= PARALLEL_MIN_WORK {
        keys.par_sort_unstable();
    } else if !merge_runs(&mut keys) {
        keys.sort_unstable();
    }
    for (slot, k) in order.iter_mut().zip(&keys) {
        *slot = k.2 as usize;
    }
    order
}

/// Most ascending runs [`merge_runs`] merges rather than leaving the
/// slice to a sort.
const MAX_RUNS: usize = 16;

/// Sorts `keys` by merging its maximal ascending runs, when there are at
/// most [`MAX_RUNS`] of them (the fold lists its partial sums value by
/// value, each value's in the front's order, so that they come in a few
/// runs); `false`, leaving `keys` as it was, when there are more. Keys are
/// distinct, so the order is the one any sort gives.
pub(super) fn merge_runs<T: Ord + Copy>(keys: &mut Vec<T>) -> bool {
    merge_runs_with(keys, &mut Vec::new(), &mut Vec::new())
}

/// [`merge_runs`] merging through `spare` and noting the runs in `ends`
/// (both are working space; what they held does not matter).
fn merge_runs_with<T: Ord + Copy>(
    keys: &mut Vec<T>,
    spare: &mut Vec<T>,
    ends: &mut Vec<usize>,
) -> bool {
    ends.clear();
    for i in 1..keys.len() {
        if keys[i] < keys[i - 1] {
            if ends.len() + 1 == MAX_RUNS {
                return false;
            }
            ends.push(i);
        }
    }
    ends.push(keys.len());
    if ends.len() == 1 {
        return true;
    }
    spare.clear();
    spare.extend_from_slice(keys);
    let (mut from, mut to) = (keys, spare);
    let mut swapped = false;
    while ends.len() > 1 {
        // Pairs of runs merge into one; the merged ends are written over
        // the ends already read.
        let mut start = 0;
        let mut merged = 0;
        for pair in 0..ends.len().div_ceil(2) {
            // A lone last run is copied as it is.
            let mid = ends[2 * pair];
            let end = ends[(2 * pair + 1).min(ends.len() - 1)];
            merge_into(&from[start..mid], &from[mid..end], &mut to[start..end]);
            ends[merged] = end;
            merged += 1;
            start = end;
        }
        ends.truncate(merged);
        std::mem::swap(&mut from, &mut to);
        swapped = !swapped;
    }
    if swapped {
        // The merged keys are in the spare vector: exchange the two.
        std::mem::swap(from, to);
    }
    true
}

/// Merges the ascending `a` and `b` into `out` (as long as both), `a`'s
/// element first between equal ones.
fn merge_into<T: Ord + Copy>(a: &[T], b: &[T], out: &mut [T]) {
    let (mut i, mut j) = (0, 0);
    for slot in out.iter_mut() {
        if j < b.len() && (i >= a.len() || b[j] < a[i]) {
            *slot = b[j];
            j += 1;
        } else {
            *slot = a[i];
            i += 1;
        }
    }
}

/// [`skyline`] for two parties, with the same result: `r` is dropped when a
/// kept earlier point `q` is at least as good in both and more than `margin`
/// better in one. Earlier points are no worse in the first utility, so that
/// is the case exactly when the kept points more than `margin` ahead in the
/// first utility (a prefix of them: differences are monotone) reach `r`'s
/// second utility, or the best kept second utility is more than `margin`
/// ahead of `r`'s.
pub(super) fn skyline_two(
    reps: &[usize],
    utils: &[f64],
    margin: f64,
    budget: Option<&Budget>,
) -> Result<Vec<bool>, AnalysisError> {
    let mut keep = Vec::new();
    let buffers = (&mut Vec::new(), &mut Vec::new());
    skyline_two_into(reps, utils, margin, budget, buffers, &mut keep)?;
    Ok(keep)
}

/// [`skyline_two`] into `keep`, with the kept points' first utilities and
/// running best second utilities in the two `buffers` (working space).
fn skyline_two_into(
    reps: &[usize],
    utils: &[f64],
    margin: f64,
    budget: Option<&Budget>,
    buffers: (&mut Vec<f64>, &mut Vec<f64>),
    keep: &mut Vec<bool>,
) -> Result<(), AnalysisError> {
    keep.clear();
    keep.resize(reps.len(), false);
    let mut sky = SkylineTwo::new(margin, buffers);
    for (i, &r) in reps.iter().enumerate() {
        if i % SKYLINE_BLOCK == 0
            && let Some(b) = budget
        {
            b.check_time()?;
        }
        keep[i] = sky.keeps(utils[2 * r], utils[2 * r + 1]);
    }
    Ok(())
}

/// How many candidates the two-party skyline decides between polls of the
/// budget.
const SKYLINE_BLOCK: usize = 2048;

/// The two-party skyline of [`skyline_two`], one candidate at a time, in
/// descending lexicographic order.
struct SkylineTwo<'a> {
    margin: f64,
    /// The kept points' first utilities.
    kept_first: &'a mut Vec<f64>,
    /// The best second utility of the kept points up to each.
    best_second_up_to: &'a mut Vec<f64>,
    /// How many kept points are more than `margin` ahead of the last
    /// candidate in the first utility.
    ahead: usize,
    last_x: f64,
    /// Whether every first utility so far fell (no NaN).
    walking: bool,
}

impl<'a> SkylineTwo<'a> {
    /// A skyline with nothing kept, in the two (emptied) working vectors.
    fn new(
        margin: f64,
        (kept_first, best_second_up_to): (&'a mut Vec<f64>, &'a mut Vec<f64>),
    ) -> Self {
        kept_first.clear();
        best_second_up_to.clear();
        SkylineTwo {
            margin,
            kept_first,
            best_second_up_to,
            ahead: 0,
            last_x: f64::INFINITY,
            walking: true,
        }
    }

    /// Whether the candidate `(x, y)` is kept (and noted as kept).
    fn keeps(&mut self, x: f64, y: f64) -> bool {
        let margin = self.margin;
        // While `x` falls (as it does in that order) the prefix can only
        // grow: it is walked rather than searched; searched from the first
        // `x` that does not fall (NaN) on.
        self.walking = self.walking && x <= self.last_x;
        if self.walking {
            while self.ahead < self.kept_first.len() && self.kept_first[self.ahead] - x > margin {
                self.ahead += 1;
            }
        } else {
            self.ahead = self.kept_first.partition_point(|&q| q - x > margin);
        }
        self.last_x = x;
        let ahead = self.ahead;
        let dominated = (ahead > 0 && self.best_second_up_to[ahead - 1] >= y)
            || self
                .best_second_up_to
                .last()
                .is_some_and(|&b| b - y > margin);
        if !dominated {
            let best = self.best_second_up_to.last().map_or(y, |&b| b.max(y));
            self.kept_first.push(x);
            self.best_second_up_to.push(best);
        }
        !dominated
    }
}

/// Which of `reps` (distinct vectors in descending lexicographic order) no
/// earlier one weakly dominates, for three or more parties.
///
/// Sort-filter-skyline, in blocks: each block of candidates is checked in
/// parallel against the points kept so far, which sit in small boxes with
/// per-dimension maxima so that whole boxes that cannot dominate are skipped;
/// survivors are then checked against each other in order.
pub(super) fn skyline(
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
        let survivor = |&r: &usize| !dominated_by_kept(at(r), &kept, &box_max);
        let survivors: Vec<bool> = if block.len().saturating_mul(kept.len()) < PARALLEL_MIN_WORK {
            block.iter().map(survivor).collect()
        } else {
            block.par_iter().map(survivor).collect()
        };
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
