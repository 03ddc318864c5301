//! A hyper-rectangle problem in integers: each rectangle as the range of
//! value indices it accepts on each issue it constrains, its utility as an
//! integer, each party's normaliser as the sum at which its utility reaches
//! its cap, each reservation value as the least sum meeting it.
//!
//! Rules: the integer form exists only when every compared utility is a
//! hyper-rectangle sum whose rectangle utilities are integers whose
//! magnitudes add up to less than 2^53 (`budget::searchable`) (so every partial sum is exact in
//! floating point and [`UtilityFunction::utility`] is `min(1, S / N)` for
//! the integer sum `S`); a bound covering every value of an issue is
//! dropped, a rectangle no value satisfies is dropped, a rectangle with no
//! bound left is a constant; the search order puts first the issue with
//! the largest rectangle utility and then, greedily, the issue sharing the
//! most utility with the issues already placed; each rectangle is
//! "attached" to its last issue in that order.

use super::super::problem::Problem;
use crate::model::{Issue, UtilityFunction};

/// One rectangle in integer form.
#[derive(Debug, Clone)]
pub(super) struct Rect {
    /// The compared party (index into the problem's parties).
    pub party: usize,
    /// Its utility.
    pub utility: i64,
    /// `(issue, first, last)`: value indices `first..=last` are inside.
    pub ranges: Vec<(usize, u32, u32)>,
    /// The issue, last in the search order among its issues, whose row
    /// of the bound holds it.
    pub attach: usize,
    /// The issue before `attach` in the search order among its issues:
    /// once it is assigned only `attach` is left.
    pub second_last: Option<usize>,
}

impl Rect {
    /// Whether value `k` of `issue` is inside (true for an issue it does
    /// not constrain).
    pub fn accepts(&self, issue: usize, k: u32) -> bool {
        self.ranges
            .iter()
            .all(|&(i, a, b)| i != issue || (a <= k && k <= b))
    }

    /// The range on `issue` (all values when it does not constrain it).
    pub fn range(&self, issue: usize) -> Option<(u32, u32)> {
        self.ranges
            .iter()
            .find(|r| r.0 == issue)
            .map(|&(_, a, b)| (a, b))
    }
}

/// The problem in integers.
#[derive(Debug, Clone)]
pub(super) struct Space {
    /// How many parties are compared.
    pub parties: usize,
    /// Values per issue (all of them, red lines or not).
    pub cardinality: Vec<u32>,
    /// The values each issue may take, ascending.
    pub allowed: Vec<Vec<u32>>,
    /// Issue indices in the search order.
    pub order: Vec<usize>,
    /// The rectangles that constrain something.
    pub rects: Vec<Rect>,
    /// Per issue, the rectangles constraining it.
    pub by_issue: Vec<Vec<u32>>,
    /// Per party, the sum of its unconstrained rectangles.
    pub base: Vec<i64>,
    /// Per party, the least sum at which its utility is 1 (its cap).
    pub cap: Vec<i64>,
    /// Per party, the least sum meeting its reservation value
    /// (`i64::MIN` without one).
    pub threshold: Vec<i64>,
    /// Per party, the normaliser.
    pub normalizer: Vec<f64>,
}

impl Space {
    /// The integer form of `problem`, with `allowed` values per issue;
    /// `None` unless every compared utility is an integer hyper-rectangle
    /// sum.
    pub fn new(problem: &Problem, allowed: &[Vec<u32>]) -> Option<Space> {
        if !crate::budget::searchable(problem.scenario, &problem.parties) {
            return None;
        }
        let issues = problem.scenario.issues();
        let ufuns = problem.utility_functions();
        let n = ufuns.len();
        let mut rects = Vec::new();
        let mut base = vec![0i64; n];
        let mut normalizer = Vec::with_capacity(n);
        let mut totals = Vec::with_capacity(n);
        for (p, f) in ufuns.iter().enumerate() {
            let UtilityFunction::HyperRectangles(h) = f else {
                return None;
            };
            normalizer.push(h.normalizer);
            let (mut low, mut high) = (0i64, 0i64);
            for r in &h.rectangles {
                let utility = r.utility as i64;
                if utility == 0 {
                    continue;
                }
                let Some(ranges) = index_ranges(issues, &r.bounds) else {
                    continue; // no outcome is inside
                };
                if utility < 0 {
                    low += utility;
                } else {
                    high += utility;
                }
                if ranges.is_empty() {
                    base[p] += utility;
                    continue;
                }
                rects.push(Rect {
                    party: p,
                    utility,
                    ranges,
                    attach: 0,
                    second_last: None,
                });
            }
            totals.push((low, high));
        }
        let order = search_order(issues.len(), &rects);
        let mut position = vec![0usize; issues.len()];
        for (at, &i) in order.iter().enumerate() {
            position[i] = at;
        }
        let mut by_issue = vec![Vec::new(); issues.len()];
        for (index, r) in rects.iter_mut().enumerate() {
            r.ranges.sort_by_key(|&(i, _, _)| position[i]);
            r.attach = r.ranges[r.ranges.len() - 1].0;
            r.second_last = (r.ranges.len() >= 2).then(|| r.ranges[r.ranges.len() - 2].0);
            for &(i, _, _) in &r.ranges {
                by_issue[i].push(index as u32);
            }
        }
        let mut cap = Vec::with_capacity(n);
        let mut threshold = Vec::with_capacity(n);
        for (p, &(low, high)) in totals.iter().enumerate() {
            let utility = |s: i64| (s as f64 / normalizer[p]).min(1.0);
            // The least sum worth 1 (one past the largest sum when none is).
            cap.push(least_sum(low, high, |s| utility(s) >= 1.0));
            threshold.push(match problem.thresholds[p] {
                t if t == f64::NEG_INFINITY => i64::MIN,
                t => least_sum(low, high, |s| utility(s) >= t),
            });
        }
        Some(Space {
            parties: n,
            cardinality: issues.iter().map(|i| i.cardinality() as u32).collect(),
            allowed: allowed.to_vec(),
            order,
            rects,
            by_issue,
            base,
            cap,
            threshold,
            normalizer,
        })
    }

    /// Party `p`'s utility at the integer sum `s`, as the model computes it.
    pub fn utility(&self, p: usize, s: i64) -> f64 {
        (s as f64 / self.normalizer[p]).min(1.0)
    }
}

/// The least `s` in `low..=high` with `holds(s)` (monotone in `s`), or
/// `high + 1` when there is none.
fn least_sum(low: i64, high: i64, holds: impl Fn(i64) -> bool) -> i64 {
    let (mut lo, mut hi) = (low, high + 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if holds(mid) { hi = mid } else { lo = mid + 1 }
    }
    lo
}

/// A rectangle's bounds as value-index ranges, bounds covering every value
/// left out; `None` when no value of some issue is inside. Numeric values
/// never decrease with the index, so each range is contiguous.
fn index_ranges(issues: &[Issue], bounds: &[(usize, f64, f64)]) -> Option<Vec<(usize, u32, u32)>> {
    let mut ranges: Vec<(usize, u32, u32)> = Vec::new();
    for &(i, lo, hi) in bounds {
        let issue = &issues[i];
        let card = issue.cardinality() as u32;
        let first = partition(card, |k| issue.numeric(k) < lo);
        let end = partition(card, |k| issue.numeric(k) <= hi);
        if first >= end {
            return None;
        }
        let (a, b) = (first, end - 1);
        match ranges.iter_mut().find(|r| r.0 == i) {
            Some(r) => {
                r.1 = r.1.max(a);
                r.2 = r.2.min(b);
                if r.1 > r.2 {
                    return None;
                }
            }
            None => ranges.push((i, a, b)),
        }
    }
    ranges.retain(|&(i, a, b)| !(a == 0 && b + 1 == issues[i].cardinality() as u32));
    Some(ranges)
}

/// The first `k` in `0..card` for which `before(k)` is false (`before`
/// holds on a prefix).
fn partition(card: u32, before: impl Fn(u32) -> bool) -> u32 {
    let (mut lo, mut hi) = (0u32, card);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) { lo = mid + 1 } else { hi = mid }
    }
    lo
}

/// The search order: first the issue carrying the most rectangle utility
/// (in magnitude), then repeatedly the issue sharing the most utility with
/// the issues already placed (then the most utility, then the lowest
/// index).
fn search_order(issues: usize, rects: &[Rect]) -> Vec<usize> {
    let mut weight = vec![0i64; issues];
    for r in rects {
        for &(i, _, _) in &r.ranges {
            weight[i] += r.utility.abs();
        }
    }
    let mut placed = vec![false; issues];
    let mut shared = vec![0i64; issues];
    let mut order = Vec::with_capacity(issues);
    for _ in 0..issues {
        let next = (0..issues)
            .filter(|&i| !placed[i])
            .max_by_key(|&i| (shared[i], weight[i], std::cmp::Reverse(i)))
            .expect("an issue is left");
        placed[next] = true;
        order.push(next);
        for r in rects {
            if r.ranges.iter().any(|&(i, _, _)| i == next) {
                for &(i, _, _) in &r.ranges {
                    if !placed[i] {
                        shared[i] += r.utility.abs();
                    }
                }
            }
        }
    }
    order
}

impl Space {
    /// The same space with every utility negated and no cap or threshold:
    /// its largest sum is minus the smallest sum of this one.
    pub fn negated(&self) -> Space {
        let mut s = self.clone();
        for r in &mut s.rects {
            r.utility = -r.utility;
        }
        for b in &mut s.base {
            *b = -*b;
        }
        s.cap = vec![i64::MAX; s.parties];
        s.threshold = vec![i64::MIN; s.parties];
        s
    }

    /// The same space whose thresholds ask, of every party, at least the
    /// utility it has at the sums `sums`: an outcome meets them exactly
    /// when every party values it at least as much as an outcome of those
    /// sums.
    pub fn at_least(&self, sums: &[i64]) -> Space {
        let mut s = self.clone();
        s.threshold = sums
            .iter()
            .enumerate()
            .map(|(p, &sum)| {
                // Utility never falls as the sum grows and is 1 from the cap
                // on; below the cap, step down past any sum that rounds to
                // the same utility.
                let want = self.utility(p, sum);
                let mut least = sum.min(self.cap[p]);
                while least > i64::MIN && self.utility(p, least - 1) >= want {
                    least -= 1;
                }
                least
            })
            .collect();
        s
    }
}
