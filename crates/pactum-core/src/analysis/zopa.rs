//! The zone of possible agreement: how many outcomes every negotiator
//! prefers to no deal, and why there are none.
//!
//! Rules: the count is exact where affordable (two parties with additive
//! utilities are counted in O(√N log N), agreeing with enumeration to the
//! outcome; integer hyper-rectangle utilities beyond enumeration by branch
//! and bound within the budget's node limit), otherwise it is estimated
//! from a seeded sample, marked inexact with a note giving its interval;
//! an empty zone comes with plain-language reasons.

use rand::{RngExt, SeedableRng};

use super::space::utility_ranges_over;
use crate::budget::{AnalysisError, AnalysisOptions, Budget, Method};
use crate::frontier::{Contributions, Problem, par_enumerate};
use crate::model::Outcome;

/// Counts the rational outcomes exactly where affordable; `contributions`
/// are the problem's (`None` when some party is not additive).
pub(super) fn count_zopa(
    problem: &Problem,
    contributions: Option<&Contributions>,
    opts: &AnalysisOptions,
) -> Result<(u128, bool, Option<String>), AnalysisError> {
    let limit = opts.budget.max_outcomes_enumerated;
    let n = problem.parties.len();
    let allowed_total = problem.allowed_count();
    if allowed_total == 0 {
        return Ok((0, true, None));
    }
    // Method::Enumerate counts by visiting every outcome: the oracle.
    let shortcuts = opts.method == Method::Auto || allowed_total > limit;
    if let Some(c) = contributions.filter(|_| shortcuts) {
        // Per issue and party: min and max contribution over allowed values.
        let issues = problem.scenario.issues().len();
        let mut rem_min = vec![vec![0.0; n]; issues + 1];
        let mut rem_max = vec![vec![0.0; n]; issues + 1];
        let mut rem_card = vec![1u128; issues + 1];
        for i in (0..issues).rev() {
            rem_card[i] = rem_card[i + 1].saturating_mul(problem.allowed[i].len() as u128);
            for p in 0..n {
                let vals = problem.allowed[i].iter().map(|&k| c.of(i, k)[p]);
                rem_min[i][p] = rem_min[i + 1][p] + vals.clone().fold(f64::INFINITY, f64::min);
                rem_max[i][p] = rem_max[i + 1][p] + vals.fold(f64::NEG_INFINITY, f64::max);
            }
        }
        // Float addition is monotone, so no outcome's utility (summed in
        // issue order) is below the issue-order sum of per-issue minima:
        // when that already meets every threshold, every outcome is rational.
        let everyone_in = (0..n).all(|p| {
            let worst = (0..issues).fold(0.0, |acc, i| {
                acc + problem.allowed[i]
                    .iter()
                    .map(|&k| c.of(i, k)[p])
                    .fold(f64::INFINITY, f64::min)
            });
            worst >= problem.thresholds[p]
        });
        if everyone_in {
            return Ok((allowed_total, true, None));
        }
        if n == 2
            && let Some(count) = count_two_parties(problem, c)
        {
            return Ok((count, true, None));
        }
        opts.budget.check_time()?;
        // Branch and bound over issues; decided subtrees are counted whole.
        const SLACK: f64 = 1e-9;
        const BUDGET: u64 = 2_000_000;
        let mut nodes = 0u64;
        let mut partial = vec![vec![0.0; n]; issues + 1];
        fn walk(
            i: usize,
            problem: &Problem,
            c: &crate::frontier::Contributions,
            partial: &mut Vec<Vec<f64>>,
            rem: (&[Vec<f64>], &[Vec<f64>], &[u128]),
            nodes: &mut u64,
        ) -> Option<u128> {
            *nodes += 1;
            if *nodes > BUDGET {
                return None;
            }
            let (rem_min, rem_max, rem_card) = rem;
            let s = &partial[i];
            let t = &problem.thresholds;
            if i == partial.len() - 1 {
                return Some(problem.is_rational(s) as u128);
            }
            if s.iter()
                .zip(&rem_min[i])
                .zip(t)
                .all(|((s, m), r)| s + m >= r + SLACK)
            {
                return Some(rem_card[i]);
            }
            if s.iter()
                .zip(&rem_max[i])
                .zip(t)
                .any(|((s, m), r)| s + m < r - SLACK)
            {
                return Some(0);
            }
            let mut total = 0u128;
            for &k in &problem.allowed[i] {
                let next: Vec<f64> = partial[i]
                    .iter()
                    .zip(c.of(i, k))
                    .map(|(a, b)| a + b)
                    .collect();
                partial[i + 1] = next;
                total = total.saturating_add(walk(i + 1, problem, c, partial, rem, nodes)?);
            }
            Some(total)
        }
        if let Some(count) = walk(
            0,
            problem,
            c,
            &mut partial,
            (&rem_min, &rem_max, &rem_card),
            &mut nodes,
        ) {
            return Ok((count, true, None));
        }
    }
    opts.budget.check_time()?;
    if allowed_total <= limit {
        let ev = crate::frontier::Evaluator::new(problem);
        let count = par_enumerate(
            problem,
            &opts.budget,
            |walk| {
                let mut u = vec![0.0; n];
                let mut count = 0u128;
                walk(&mut |o| {
                    ev.eval(o, &mut u);
                    count += problem.is_rational(&u) as u128;
                });
                count
            },
            |a, b| Ok(a + b),
        )?;
        return Ok((count, true, None));
    }
    // Integer hyper-rectangle utilities: counted by branch and bound, when
    // that fits the node limit.
    if let Some(Some(count)) = crate::frontier::rectangle_zopa_count(problem, &opts.budget) {
        return Ok((count, true, None));
    }
    // Too large to count exactly: a seeded uniform sample of allowed outcomes.
    const SAMPLES: u32 = 100_000;
    let ev = crate::frontier::Evaluator::new(problem);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x5EED);
    let mut hits = 0u32;
    let mut u = vec![0.0; n];
    let mut o: Outcome = vec![0; problem.allowed.len()];
    for _ in 0..SAMPLES {
        for (slot, vals) in o.iter_mut().zip(&problem.allowed) {
            *slot = vals[rng.random_range(0..vals.len())];
        }
        ev.eval(&o, &mut u);
        hits += problem.is_rational(&u) as u32;
    }
    let share = hits as f64 / SAMPLES as f64;
    // Exact integer arithmetic where it fits, so a full sample gives the total.
    let estimate = match allowed_total.checked_mul(hits as u128) {
        Some(x) => x / SAMPLES as u128,
        None => (allowed_total / SAMPLES as u128) * hits as u128,
    };
    // Wilson score interval (95%): sensible even when every sample is inside.
    let (z, n_s) = (1.96f64, SAMPLES as f64);
    let centre = (share + z * z / (2.0 * n_s)) / (1.0 + z * z / n_s);
    let half =
        z / (1.0 + z * z / n_s) * (share * (1.0 - share) / n_s + z * z / (4.0 * n_s * n_s)).sqrt();
    Ok((
        estimate,
        false,
        Some(format!(
            "estimated from a seeded uniform sample of {SAMPLES} outcomes ({hits} inside): {:.3}% of the space, 95% interval {:.3}%–{:.3}%; too large to count exactly",
            100.0 * share,
            100.0 * (centre - half).max(0.0),
            100.0 * (centre + half).min(1.0)
        )),
    ))
}

/// Exact count of the rational outcomes of a two-party additive problem by
/// meeting in the middle: the issues are split into a prefix and a suffix
/// half, and for every prefix sum the suffix sums that clear both thresholds
/// are counted with a sweep over a Fenwick tree — O(√N log N) instead of N.
///
/// `prefix + suffix` can differ from the issue-order sum in the last bits,
/// so the sweep counts the pairs clearing both thresholds by 1e-9, and the
/// pairs within 1e-9 of a threshold (found beside where the sweep stopped in
/// each coordinate's order) are re-added in issue order and decided exactly.
/// `None` when either half or that band is too large.
fn count_two_parties(problem: &Problem, c: &crate::frontier::Contributions) -> Option<u128> {
    const LIMIT: u128 = 4_000_000;
    const EPS: f64 = 1e-9;
    let allowed = &problem.allowed;
    let issues = allowed.len();
    let total = problem.allowed_count();
    let (mut m, mut pre) = (0, 1u128);
    while m < issues && (pre * allowed[m].len() as u128).pow(2) <= total {
        pre *= allowed[m].len() as u128;
        m += 1;
    }
    let suf = total / pre;
    if pre > LIMIT || suf > LIMIT {
        return None;
    }
    // Every sum of a half, in enumeration order (the last issue varying
    // fastest), built issue by issue: each sum is added up in issue order
    // from 0.0, as the utility function adds it.
    let sums = |first: usize, part: &[Vec<u32>], count: u128| {
        let mut level: Vec<[f64; 2]> = Vec::with_capacity(count as usize);
        level.push([0.0, 0.0]);
        let mut next: Vec<[f64; 2]> = Vec::with_capacity(count as usize);
        let mut adds: Vec<[f64; 2]> = Vec::new();
        for (i, vals) in part.iter().enumerate() {
            // The issue's contributions once, then every sum extended by each.
            adds.clear();
            adds.extend(vals.iter().map(|&k| {
                let x = c.of(first + i, k);
                [x[0], x[1]]
            }));
            next.clear();
            for s in &level {
                next.extend(adds.iter().map(|x| [s[0] + x[0], s[1] + x[1]]));
            }
            std::mem::swap(&mut level, &mut next);
        }
        level
    };
    let prefixes = sums(0, &allowed[..m], pre);
    let suffixes = sums(m, &allowed[m..], suf);
    let r = [problem.thresholds[0], problem.thresholds[1]];
    // Each prefix's two queries, computed where they are asked rather than
    // held: what the suffix must reach to be surely in, and maybe in.
    let surely_in = |i: usize| {
        let p = prefixes[i];
        [r[0] + EPS - p[0], r[1] + EPS - p[1]]
    };
    let maybe_in = |i: usize| {
        let p = prefixes[i];
        [r[0] - EPS - p[0], r[1] - EPS - p[1]]
    };
    // The queries fall as the prefix's first utility rises (`a - p` is
    // monotone in `p`): the sweep takes them in that order.
    let first: Vec<f64> = prefixes.iter().map(|p| p[0]).collect();
    let queries_falling = Sorted::new(&first).order;
    drop(first);
    let corner = Corner::new(&suffixes);
    // The band: the suffixes of each prefix that clear the lower corner but
    // not the upper one, decided in issue order. They lie in two thin
    // windows of each coordinate's order, which end where the sweep found
    // the upper corner and start a few places lower, if at all; what the
    // windows hold is bounded like the halves.
    let (by_first, firsts) = (&corner.by_first, &corner.firsts);
    let (by_second, seconds) = (&corner.by_second.order, &corner.by_second.values);
    let exact = |p: &[f64; 2], j: usize| -> bool {
        let mut s = *p;
        crate::frontier::for_each_allowed(&allowed[m..], j as u128, j as u128 + 1, |o| {
            for (i, &k) in o.iter().enumerate() {
                let x = c.of(m + i, k);
                s[0] += x[0];
                s[1] += x[1];
            }
        });
        s[0] >= r[0] && s[1] >= r[1]
    };
    let (mut count, mut scanned) = (0u128, 0u128);
    corner.sweep(surely_in, &queries_falling, |pi, answer| {
        count += answer.inside as u128;
        let (p, lo, hi) = (&prefixes[pi], maybe_in(pi), surely_in(pi));
        // First coordinate in [lo0, hi0), second ≥ lo1 …
        let end = answer.below_first as usize;
        let mut start = end;
        while start > 0 && firsts[start - 1] >= lo[0] {
            start -= 1;
        }
        // … or first coordinate ≥ hi0 and second in [lo1, hi1).
        let end2 = answer.below_second as usize;
        let mut start2 = end2;
        while start2 > 0 && seconds[start2 - 1] >= lo[1] {
            start2 -= 1;
        }
        scanned += (end - start + end2 - start2) as u128;
        if scanned > LIMIT {
            return None;
        }
        for &j in &by_first[start..end] {
            if suffixes[j as usize][1] >= lo[1] && exact(p, j as usize) {
                count += 1;
            }
        }
        for &j in &by_second[start2..end2] {
            if suffixes[j as usize][0] >= hi[0] && exact(p, j as usize) {
                count += 1;
            }
        }
        Some(())
    })?;
    Some(count)
}

/// An integer key that orders exactly as `f64::total_cmp` does.
fn total_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Indices `0..values.len()` in ascending order of their values (by
/// `f64::total_cmp`), ties in index order, through integer keys.
fn sorted_by_comparison(values: &[f64]) -> Vec<u32> {
    // The key above the index in one integer: ties stay in index order.
    let mut keys: Vec<u128> = values
        .iter()
        .enumerate()
        .map(|(i, &x)| ((total_key(x) as u128) << 32) | i as u128)
        .collect();
    keys.sort_unstable();
    keys.into_iter().map(|k| k as u32).collect()
}

/// The bucket (of `buckets`) of `x` ≥ `lo`: its distance above `lo`,
/// scaled, rounded to an integer by adding 2^52 (the spacing of doubles
/// there is 1) and read from the bits. Every step is monotone, so a larger
/// `x` never gets a smaller bucket; anything at or beyond the last bucket
/// (infinity and NaN included) goes into the last one.
fn bucket_of(x: f64, lo: f64, scale: f64, buckets: usize) -> usize {
    const TWO_52: f64 = (1u64 << 52) as f64;
    let rounded = ((x - lo) * scale + TWO_52).to_bits() - TWO_52.to_bits();
    rounded.min(buckets as u64 - 1) as usize
}

/// Values sorted by distribution into buckets of equal width: the bucket
/// of a value never decreases as the value grows (subtracting the lowest
/// value and scaling are both monotone in floating point), so a value in a
/// lower bucket is smaller than one in a higher bucket, and only each
/// bucket's few members are sorted among themselves. The order is the one
/// [`sorted_by_comparison`] gives (by `f64::total_cmp`, ties in index
/// order), in time linear in the count for values spread over their range.
struct Sorted {
    /// Indices in ascending order of their values.
    order: Vec<u32>,
    /// The values in that order.
    values: Vec<f64>,
    /// The buckets, when the values are finite: the lowest value, the
    /// scale from a value's distance above it to its bucket, and where each
    /// bucket starts in `order` (one more entry than there are buckets).
    buckets: Option<(f64, f64, Vec<u32>)>,
}

impl Sorted {
    /// Most members of a bucket sorted by insertion rather than a sort.
    const INSERTION: usize = 16;

    fn new(values: &[f64]) -> Self {
        let n = values.len();
        let (mut lo, mut hi, mut nan) = (f64::INFINITY, f64::NEG_INFINITY, false);
        for &x in values {
            if x < lo {
                lo = x;
            }
            if x > hi {
                hi = x;
            }
            nan |= x.is_nan();
        }
        if n < 2 || nan || !(hi - lo).is_finite() {
            let order = sorted_by_comparison(values);
            let values = order.iter().map(|&i| values[i as usize]).collect();
            return Sorted {
                order,
                values,
                buckets: None,
            };
        }
        let scale = if hi > lo { n as f64 / (hi - lo) } else { 0.0 };
        let bucket = |x: f64| bucket_of(x, lo, scale, n);
        // Each bucket's size, then where it ends; filled from the back, in
        // descending index order, each bucket's entry moves down to where
        // it starts and its members come out in index order.
        let mut starts = vec![0u32; n + 1];
        for &x in values {
            starts[bucket(x)] += 1;
        }
        let mut end = 0;
        for slot in &mut starts[..n] {
            end += *slot;
            *slot = end;
        }
        starts[n] = n as u32;
        let mut order = vec![0u32; n];
        for (i, &x) in values.iter().enumerate().rev() {
            let b = bucket(x);
            starts[b] -= 1;
            order[starts[b] as usize] = i as u32;
        }
        // Each bucket's members sorted by value.
        let key = |i: u32| total_key(values[i as usize]);
        for b in 0..n {
            let members = &mut order[starts[b] as usize..starts[b + 1] as usize];
            if members.len() <= Self::INSERTION {
                // Stable: equal values keep their index order.
                for j in 1..members.len() {
                    let (m, k) = (members[j], key(members[j]));
                    let mut at = j;
                    while at > 0 && key(members[at - 1]) > k {
                        members[at] = members[at - 1];
                        at -= 1;
                    }
                    members[at] = m;
                }
            } else {
                members.sort_unstable_by_key(|&i| (key(i), i));
            }
        }
        let sorted = order.iter().map(|&i| values[i as usize]).collect();
        Sorted {
            order,
            values: sorted,
            buckets: Some((lo, scale, starts)),
        }
    }

    /// How many values are below `y`: a lower bucket's values are all
    /// below it and a higher bucket's none, so only `y`'s own bucket is
    /// looked through.
    fn count_below(&self, y: f64) -> usize {
        let Some((lo, scale, starts)) = &self.buckets else {
            return self.values.partition_point(|&v| v < y);
        };
        if y.is_nan() || y <= *lo {
            // Every value is at least `lo`, so none is below `y`.
            return 0;
        }
        let b = bucket_of(y, *lo, *scale, self.values.len());
        let (start, end) = (starts[b] as usize, starts[b + 1] as usize);
        start
            + self.values[start..end]
                .iter()
                .take_while(|&&v| v < y)
                .count()
    }
}

/// Points sorted once by each coordinate, answering for many queries
/// `(x, y)` how many points have first ≥ x and second ≥ y.
struct Corner {
    /// Point indices by first coordinate, ascending.
    by_first: Vec<u32>,
    /// Point indices by second coordinate, ascending, and those
    /// coordinates.
    by_second: Sorted,
    /// The first coordinates, ascending (the points of `by_first`).
    firsts: Vec<f64>,
    /// The position in `by_second` of each point of `by_first`.
    rank_by_first: Vec<u32>,
}

impl Corner {
    fn new(points: &[[f64; 2]]) -> Self {
        let first: Vec<f64> = points.iter().map(|p| p[0]).collect();
        let second: Vec<f64> = points.iter().map(|p| p[1]).collect();
        let Sorted {
            order: by_first,
            values: firsts,
            ..
        } = Sorted::new(&first);
        let by_second = Sorted::new(&second);
        let mut rank = vec![0u32; points.len()];
        for (r, &i) in by_second.order.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        let rank_by_first = by_first.iter().map(|&i| rank[i as usize]).collect();
        Corner {
            by_first,
            by_second,
            firsts,
            rank_by_first,
        }
    }

    /// Gives `each` every query's [`Answer`] (query `i` is `query(i)`):
    /// how many points lie weakly above it in both coordinates, and how
    /// many lie below it in each coordinate alone. `falling` lists the
    /// queries in an order of non-increasing first coordinate, so that each
    /// point enters the tree once as the sweep goes; `None` from `each`
    /// stops the sweep and is returned.
    fn sweep(
        &self,
        query: impl Fn(usize) -> [f64; 2],
        falling: &[u32],
        mut each: impl FnMut(usize, Answer) -> Option<()>,
    ) -> Option<()> {
        let n = self.firsts.len();
        // Fenwick tree over second-coordinate ranks; points enter in
        // descending order of their first coordinate. Counts fit in 32
        // bits: a half holds at most a few million sums. Both walks take a
        // fixed number of steps, one per bit of n, so that no branch waits
        // on the data. An update's path visits at most that many slots up to
        // n (the lowest set bit at least doubles each step), then rests in
        // slot n + 1, which no query reads; a query's path clears one of at
        // most that many bits per step, then rests in slot 0, which stays 0.
        let (steps, top) = ((usize::BITS - n.leading_zeros()) as usize, n + 1);
        let mut tree = vec![0u32; top + 1];
        // Slices of known length, so that the loops below index them
        // without checks.
        let (tree, firsts, ranks) = (
            &mut tree[..=top],
            &self.firsts[..n],
            &self.rank_by_first[..n],
        );
        let (mut added, mut next) = (0u32, n);
        for &q in falling {
            let [x, y] = query(q as usize);
            while next > 0 && firsts[next - 1] >= x {
                next -= 1;
                let mut i = ranks[next] as usize + 1;
                for _ in 0..steps {
                    tree[i] += 1;
                    i = (i + (i & i.wrapping_neg())).min(top);
                }
                added += 1;
            }
            let second = self.by_second.count_below(y).min(n);
            let mut below = 0u32;
            let mut i = second;
            for _ in 0..steps {
                below += tree[i];
                i &= i.wrapping_sub(1);
            }
            // Every point not yet added has a first coordinate below x.
            let answer = Answer {
                inside: added - below,
                below_first: next as u32,
                below_second: second as u32,
            };
            each(q as usize, answer)?;
        }
        Some(())
    }
}

/// What [`Corner::sweep`] finds for one query `(x, y)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Answer {
    /// Points with first ≥ x and second ≥ y.
    inside: u32,
    /// Points with first < x.
    below_first: u32,
    /// Points with second < y.
    below_second: u32,
}
/// Plain-language reasons why no outcome is rational.
pub(super) fn explain_empty_zopa(
    problem: &Problem,
    budget: &Budget,
) -> Result<Vec<String>, AnalysisError> {
    let s = problem.scenario;
    let mut notes = Vec::new();
    for (i, allowed) in problem.allowed.iter().enumerate() {
        if allowed.is_empty() {
            let who: Vec<&str> = problem
                .parties
                .iter()
                .filter(|&&p| {
                    s.parties()[p]
                        .preferences
                        .as_ref()
                        .is_some_and(|pr| pr.red_lines.iter().any(|r| r.issue == i))
                })
                .map(|&p| s.parties()[p].name.as_str())
                .collect();
            notes.push(format!(
                "the red lines of {} together forbid every value of issue {:?}",
                who.join(", "),
                s.issues()[i].name
            ));
        }
    }
    if !notes.is_empty() {
        return Ok(notes);
    }
    for (j, &p) in problem.parties.iter().enumerate() {
        let alone = Problem::for_parties(s, vec![p]);
        let (_, best) = utility_ranges_over(&alone, budget)?;
        if best[0] < problem.thresholds[j] {
            notes.push(format!(
                "{}'s reservation value {} is above the best it can get ({:.6}) without crossing its own red lines",
                s.parties()[p].name, problem.thresholds[j], best[0]
            ));
        }
    }
    if notes.is_empty() {
        notes.push(
            "each negotiator alone can be satisfied, but no outcome meets every reservation value and red line at once"
                .into(),
        );
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reservation values equal to outcomes' utilities, where a prefix's
    /// sum plus a suffix's rounds differently from the sum in issue order:
    /// the meet-in-the-middle count decides those pairs in issue order and
    /// agrees with enumeration, outcome for outcome.
    #[test]
    fn the_halves_count_equals_enumeration_at_thresholds_hit_exactly() {
        use crate::model::{Issue, IssueKind, Scenario, ScenarioParts, ValueFunction};
        use crate::test_support::additive_negotiator;
        let issues: Vec<Issue> = (0..6)
            .map(|i| Issue {
                name: format!("i{i}"),
                kind: IssueKind::Discrete {
                    options: (0..4).map(|k| format!("v{k}")).collect(),
                },
                notes: None,
            })
            .collect();
        let weights = [0.1, 0.2, 0.1, 0.3, 0.2, 0.1];
        let table = [0.0, 0.1, 0.3, 0.7];
        let party = |name: &str, reversed: bool, reservation: f64| {
            let mut t = table.to_vec();
            if reversed {
                t.reverse();
            }
            let values = vec![ValueFunction::Table(t); 6];
            additive_negotiator(name, weights.to_vec(), values, Some(reservation))
        };
        let scenario = |ra: f64, rb: f64| {
            Scenario::new(ScenarioParts {
                name: "ties".into(),
                issues: issues.clone(),
                parties: vec![party("A", false, ra), party("B", true, rb)],
                ..Default::default()
            })
            .unwrap()
        };
        // Every utility each can have, summed in issue order, and whether
        // some outcome's halves (three issues each) add up to another double.
        let base = scenario(0.0, 0.0);
        let problem = Problem::negotiators(&base);
        let c = problem.contributions().unwrap();
        let mut utilities: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        let mut reassociated = [0, 0];
        for o in crate::test_support::all_outcomes(base.issues()) {
            for p in 0..2 {
                let sum = |range: std::ops::Range<usize>| {
                    range.fold(0.0, |acc, i| acc + c.of(i, o[i])[p])
                };
                let whole = sum(0..6);
                reassociated[p] += (sum(0..3) + sum(3..6) != whole) as usize;
                utilities[p].push(whole);
            }
        }
        assert!(reassociated.iter().all(|&r| r > 0), "{reassociated:?}");
        for u in &mut utilities {
            u.sort_by(f64::total_cmp);
            u.dedup();
        }
        let opts = AnalysisOptions::default();
        let enumerate = AnalysisOptions {
            method: Method::Enumerate,
            ..Default::default()
        };
        let [a, b] = &utilities;
        for (x, &ra) in a.iter().enumerate().step_by(5) {
            let rb = b[b.len() - 1 - (x * 7) % b.len()];
            let s = scenario(ra, rb);
            let problem = Problem::negotiators(&s);
            let c = problem.contributions();
            let fast = count_two_parties(&problem, c.as_ref().unwrap()).unwrap();
            let (slow, exact, _) = count_zopa(&problem, c.as_ref(), &enumerate).unwrap();
            assert!(exact);
            assert_eq!(fast, slow, "reservation values {ra}, {rb}");
            assert_eq!(count_zopa(&problem, c.as_ref(), &opts).unwrap().0, slow);
        }
    }

    #[test]
    fn corner_counts_equal_a_brute_force_count() {
        let mut state = 23u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % m) as f64 / 10.0
        };
        // Sizes around powers of two: the tree's walks take one step per bit.
        for size in [0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 300] {
            let points: Vec<[f64; 2]> = (0..size).map(|_| [next(12), next(12)]).collect();
            let queries: Vec<[f64; 2]> =
                (0..200).map(|_| [next(14) - 0.1, next(14) - 0.1]).collect();
            let by = |v: &[[f64; 2]], coord: usize| {
                let mut idx: Vec<u32> = (0..v.len() as u32).collect();
                idx.sort_by(|&a, &b| v[a as usize][coord].total_cmp(&v[b as usize][coord]));
                idx
            };
            let corner = Corner::new(&points);
            let falling: Vec<u32> = by(&queries, 0).into_iter().rev().collect();
            // Brute force: the points weakly above each query in both coordinates.
            let brute = |qs: &[[f64; 2]]| -> Vec<u32> {
                qs.iter()
                    .map(|q| {
                        points
                            .iter()
                            .filter(|p| p[0] >= q[0] && p[1] >= q[1])
                            .count() as u32
                    })
                    .collect()
            };
            // … and below each query in each coordinate alone.
            let below = |qs: &[[f64; 2]], c: usize| -> Vec<u32> {
                qs.iter()
                    .map(|q| points.iter().filter(|p| p[c] < q[c]).count() as u32)
                    .collect()
            };
            // The queries, then a set shifted a little, in the same order.
            let shifted: Vec<[f64; 2]> =
                queries.iter().map(|q| [q[0] - 0.05, q[1] + 0.05]).collect();
            for qs in [&queries, &shifted] {
                let mut answers = vec![Answer::default(); qs.len()];
                let all = corner.sweep(
                    |i| qs[i],
                    &falling,
                    |q, a| {
                        answers[q] = a;
                        Some(())
                    },
                );
                assert_eq!(all, Some(()));
                let got = |f: fn(&Answer) -> u32| answers.iter().map(f).collect::<Vec<u32>>();
                assert_eq!(got(|a| a.inside), brute(qs));
                assert_eq!(got(|a| a.below_first), below(qs, 0));
                assert_eq!(got(|a| a.below_second), below(qs, 1));
            }
        }
    }

    /// Values spread, clustered, repeated, signed zeros, a single value
    /// repeated, infinities and NaN: the bucket sort gives the comparison
    /// sort's order, and counts below any value as a search does.
    #[test]
    fn bucket_sort_equals_the_comparison_sort() {
        let mut state = 7u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        let mut cases: Vec<Vec<f64>> = Vec::new();
        for len in [0usize, 1, 2, 3, 17, 100, 625] {
            cases.push((0..len).map(|_| next(1 << 20) as f64 / 7.0).collect());
            cases.push((0..len).map(|_| next(4) as f64 * 0.1).collect());
            cases.push(
                (0..len)
                    .map(|_| 0.3 + next(1000) as f64 * 1e-17 - 0.1)
                    .collect(),
            );
            cases.push(
                (0..len)
                    .map(|_| if next(2) == 0 { -0.0 } else { 0.0 })
                    .collect(),
            );
            cases.push(vec![0.25; len]);
            // Most values in one bucket, a few far away.
            cases.push(
                (0..len)
                    .map(|i| {
                        if i % 50 == 0 {
                            1e6
                        } else {
                            next(1 << 30) as f64 * 1e-12
                        }
                    })
                    .collect(),
            );
        }
        cases.push(vec![1.0, f64::INFINITY, -2.0, 0.5]);
        cases.push(vec![1.0, f64::NAN, -2.0, 0.5, -0.0]);
        for values in &cases {
            let sorted = Sorted::new(values);
            assert_eq!(sorted.order, sorted_by_comparison(values), "{values:?}");
            let plain: Vec<f64> = sorted.order.iter().map(|&i| values[i as usize]).collect();
            let mut probes: Vec<f64> = values.clone();
            probes.extend(values.iter().map(|v| v + 1e-18));
            probes.extend(values.iter().map(|v| v - 1e-3));
            probes.extend([f64::NEG_INFINITY, f64::INFINITY, -1e9, 1e9, 0.0, -0.0]);
            for y in probes {
                assert_eq!(
                    sorted.count_below(y),
                    plain.partition_point(|&v| v < y),
                    "{y} in {values:?}"
                );
            }
        }
    }
}
