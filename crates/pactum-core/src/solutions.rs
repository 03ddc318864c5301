//! Fair packages on the Pareto frontier: Nash, Kalai–Smorodinsky,
//! egalitarian and utilitarian.
//!
//! With disagreement point d (reservation values, or each party's worst
//! utility where that is higher or there is none) and ideal point `best`
//! (each party's maximum over the whole space):
//!
//! * Nash maximises Π(u_i − d_i);
//! * egalitarian maximises min_i (u_i − d_i);
//! * utilitarian maximises Σ u_i;
//! * Kalai–Smorodinsky minimises max_i a_i − min_i a_i, where
//!   a_i = (u_i − d_i)/(best_i − d_i) (parties with best_i = d_i are left out).
//!
//! Every point within [`TIE_TOLERANCE`] of the optimum is reported, the one
//! with the highest welfare (Σ u_i) first.

use serde::{Deserialize, Serialize};

/// Objective values this close to the optimum count as ties.
pub const TIE_TOLERANCE: f64 = 1e-12;

/// A bargaining solution concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Concept {
    /// The Nash bargaining solution: the largest product of gains over no deal.
    Nash,
    /// The Kalai–Smorodinsky solution: gains in proportion to each party's best.
    KalaiSmorodinsky,
    /// The egalitarian solution: the largest smallest gain.
    Egalitarian,
    /// The utilitarian solution: the largest sum of utilities.
    Utilitarian,
}

impl Concept {
    /// Every concept, in the order reports list them.
    pub const ALL: [Concept; 4] = [
        Concept::Nash,
        Concept::KalaiSmorodinsky,
        Concept::Egalitarian,
        Concept::Utilitarian,
    ];

    /// The concept's name in reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Concept::Nash => "Nash bargaining solution",
            Concept::KalaiSmorodinsky => "Kalai–Smorodinsky",
            Concept::Egalitarian => "egalitarian",
            Concept::Utilitarian => "utilitarian",
        }
    }

    /// The quantity the concept maximises (Kalai–Smorodinsky: the negated
    /// spread of relative gains).
    pub fn objective(self, u: &[f64], disagreement: &[f64], best: &[f64]) -> f64 {
        let gains = u.iter().zip(disagreement).map(|(u, d)| u - d);
        match self {
            Concept::Nash => gains.product(),
            Concept::Egalitarian => gains.fold(f64::INFINITY, f64::min),
            Concept::Utilitarian => u.iter().sum(),
            Concept::KalaiSmorodinsky => {
                let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
                for ((u, d), b) in u.iter().zip(disagreement).zip(best) {
                    if b - d > 0.0 {
                        let a = (u - d) / (b - d);
                        lo = lo.min(a);
                        hi = hi.max(a);
                    }
                }
                if lo > hi { 0.0 } else { -(hi - lo) }
            }
        }
    }
}

/// Indices of the points that optimise `concept`, best welfare first (then
/// in the given order). Empty only when `points` is.
pub fn solve(
    concept: Concept,
    points: &[&[f64]],
    disagreement: &[f64],
    best: &[f64],
) -> Vec<usize> {
    let values: Vec<f64> = points
        .iter()
        .map(|u| concept.objective(u, disagreement, best))
        .collect();
    let Some(top) = values
        .iter()
        .copied()
        .filter(|v| !v.is_nan())
        .reduce(f64::max)
    else {
        return Vec::new();
    };
    let mut ties: Vec<usize> = (0..points.len())
        .filter(|&i| values[i] >= top - TIE_TOLERANCE)
        .collect();
    let welfare = |i: usize| -> f64 { points[i].iter().sum() };
    ties.sort_by(|&a, &b| welfare(b).total_cmp(&welfare(a)).then(a.cmp(&b)));
    ties
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(concept: Concept, pts: &[[f64; 2]], d: [f64; 2], best: [f64; 2]) -> Vec<usize> {
        let refs: Vec<&[f64]> = pts.iter().map(|p| &p[..]).collect();
        solve(concept, &refs, &d, &best)
    }

    #[test]
    fn hand_computed_solutions() {
        let pts = [[1.0, 0.1], [0.8, 0.5], [0.6, 0.6], [0.3, 0.9]];
        let d = [0.2, 0.1];
        let best = [1.0, 1.0];
        // Nash products: 0, 0.24, 0.2, 0.08.
        assert_eq!(run(Concept::Nash, &pts, d, best), vec![1]);
        // Minimum gains: 0, 0.4, 0.4, 0.1 → tie, higher welfare first (1.3 > 1.2).
        assert_eq!(run(Concept::Egalitarian, &pts, d, best), vec![1, 2]);
        // Welfare: 1.1, 1.3, 1.2, 1.2.
        assert_eq!(run(Concept::Utilitarian, &pts, d, best), vec![1]);
        // Relative gains a = ((u0−0.2)/0.8, (u1−0.1)/0.9); spreads:
        // 1.0, 0.3056, 0.0556, 0.7639.
        assert_eq!(run(Concept::KalaiSmorodinsky, &pts, d, best), vec![2]);
    }

    #[test]
    fn empty_input_has_no_solution() {
        assert!(solve(Concept::Nash, &[], &[0.0], &[1.0]).is_empty());
    }
}
