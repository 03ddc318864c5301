//! Unit tests of the frontier parts: the Pareto filter against a naive
//! one, cancellation of the many-party filter, the enumeration order.

use super::enumerate::for_each_allowed;
use super::pareto::{pareto_groups, pareto_groups_within, weakly_greater};
use crate::budget::{AnalysisError, Budget};

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
