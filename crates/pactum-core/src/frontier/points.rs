//! Frontier points, the options both methods share, and the merging of
//! near-ties.
//!
//! Rules: outcomes with identical utility vectors are one point carrying
//! their count and the first few in enumeration order; vectors within
//! [`TIE_TOLERANCE`] in every component are merged into one point, which
//! keeps the lexicographically largest member's utilities.

use crate::model::Outcome;

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

/// Merges outcome lists (each sorted in enumeration order), keeping the first `k`.
pub(super) fn merge_outcomes(lists: impl IntoIterator<Item = Outcome>, k: usize) -> Vec<Outcome> {
    let mut all: Vec<Outcome> = lists.into_iter().collect();
    all.sort_unstable();
    all.dedup();
    all.truncate(k);
    all
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
