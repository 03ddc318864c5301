//! Unit tests of the frontier parts: the Pareto filter against a naive
//! one, cancellation of the many-party filter, the enumeration order, and
//! the two-party shortcuts (key sort, margin filter) against the general
//! code they replace, the merge of sorted runs against a sort, and the
//! filter reusing its working vectors against a fresh one.

use super::enumerate::for_each_allowed;
use super::pareto::{
    Groups, Scratch, descending_order, merge_runs, pareto_groups, pareto_groups_flat,
    pareto_groups_reusing, pareto_groups_within, skyline, skyline_two, weakly_greater,
};
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

/// Pseudo-random 2-D points on a grid of `steps` levels, with signed zeros.
fn grid_points(count: usize, steps: u64, seed: u64) -> Vec<f64> {
    let mut state = seed;
    (0..count * 2)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let level = ((state >> 33) % steps) as f64 / steps as f64 - 0.25;
            if level == 0.0 && (state >> 20) & 1 == 1 {
                -0.0
            } else {
                level
            }
        })
        .collect()
}

#[test]
fn two_party_key_sort_is_the_comparison_order() {
    for seed in 1..20 {
        let utils = grid_points(500, 8, seed);
        let mut expected: Vec<usize> = (0..500).collect();
        let at = |i: usize| &utils[i * 2..i * 2 + 2];
        expected.sort_by(|&a, &b| {
            let first = at(b)[0].partial_cmp(&at(a)[0]).unwrap();
            let second = at(b)[1].partial_cmp(&at(a)[1]).unwrap();
            first.then(second).then(a.cmp(&b))
        });
        assert_eq!(descending_order(&utils, 2, 500), expected, "seed {seed}");
    }
}

#[test]
fn two_party_margin_filter_equals_the_general_one() {
    for (seed, margin) in (1..40).zip([0.05, 0.1, 0.125, 1e-10, 0.3].iter().cycle()) {
        let utils = grid_points(400, 16, seed);
        let order = descending_order(&utils, 2, 400);
        let mut reps: Vec<usize> = Vec::new();
        for &i in &order {
            if reps
                .last()
                .is_none_or(|&r| utils[r * 2..r * 2 + 2] != utils[i * 2..i * 2 + 2])
            {
                reps.push(i);
            }
        }
        let general = skyline(&reps, &utils, 2, *margin, None).unwrap();
        let fast = skyline_two(&reps, &utils, *margin, None).unwrap();
        assert_eq!(fast, general, "seed {seed}, margin {margin}");
        assert!(general.iter().any(|&k| !k), "seed {seed}: nothing dropped");
    }
}

#[test]
fn merging_runs_equals_sorting() {
    let mut state = 11u64;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m
    };
    for runs in [1usize, 2, 3, 5, 16, 17, 40] {
        for len in [0usize, 1, 7, 100, 1000] {
            // `runs` ascending runs of distinct keys (ties broken by index,
            // as the filter's keys are), some keys repeated across runs.
            let mut keys: Vec<(u64, u32)> = Vec::new();
            for r in 0..runs {
                let mut run: Vec<u64> = (0..len / runs).map(|_| next(50)).collect();
                run.sort_unstable();
                keys.extend(run.into_iter().map(|k| (k, r as u32)));
            }
            let mut indexed: Vec<(u64, u32, u32)> = Vec::new();
            for (i, &(k, r)) in keys.iter().enumerate() {
                indexed.push((k, r, i as u32));
            }
            let mut sorted = indexed.clone();
            sorted.sort_unstable();
            let mut merged = indexed.clone();
            if merge_runs(&mut merged) {
                assert_eq!(merged, sorted, "{runs} runs of {len}");
            } else {
                assert!(runs > 16, "{runs} runs refused");
                assert_eq!(merged, indexed, "a refused merge leaves the keys");
            }
        }
    }
}

#[test]
fn flat_groups_equal_the_nested_ones() {
    let mut state = 3u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) % 12) as f64 / 12.0
    };
    for n in [1usize, 2, 3] {
        let utils: Vec<f64> = (0..400 * n).map(|_| next()).collect();
        for margin in [0.0, 0.1] {
            let nested = pareto_groups_within(&utils, n, margin, None).unwrap();
            let flat = pareto_groups_flat(&utils, n, margin, None).unwrap();
            assert_eq!(flat.len(), nested.len());
            let flat: Vec<Vec<usize>> = flat.iter().map(<[usize]>::to_vec).collect();
            assert_eq!(flat, nested, "n = {n}, margin {margin}");
        }
    }
}

#[test]
fn two_party_groups_equal_a_naive_filter() {
    // Pseudo-random points on a coarse grid: many identical vectors.
    let mut state = 19u64;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m
    };
    for len in [0usize, 1, 2, 50, 700] {
        let utils: Vec<f64> = (0..2 * len).map(|_| next(15) as f64 / 10.0).collect();
        let at = |i: usize| &utils[2 * i..2 * i + 2];
        // Distinct non-dominated vectors, descending; members ascending.
        let mut vectors: Vec<&[f64]> = (0..len)
            .map(at)
            .filter(|&v| !(0..len).any(|j| weakly_greater(at(j), v) && at(j) != v))
            .collect();
        vectors.sort_by(|a, b| b.partial_cmp(a).unwrap());
        vectors.dedup();
        let naive: Vec<Vec<usize>> = vectors
            .iter()
            .map(|&v| (0..len).filter(|&i| at(i) == v).collect())
            .collect();
        assert_eq!(pareto_groups(&utils, 2), naive, "{len} points");
    }
}

#[test]
fn a_reused_filter_gives_what_a_fresh_one_gives() {
    // One scratch and one set of groups through inputs that grow, shrink,
    // sort in few runs and in many, with and without a margin: each answer
    // is the fresh call's.
    let mut state = 29u64;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m
    };
    let mut scratch = Scratch::default();
    let mut groups = Groups::default();
    for (round, len) in [300usize, 5, 0, 1200, 40, 700, 2].into_iter().enumerate() {
        let mut utils: Vec<f64> = (0..2 * len).map(|_| next(40) as f64 / 16.0).collect();
        if round % 2 == 1 {
            // A few descending runs, as the fold lists its partial sums.
            for run in utils.chunks_mut(2 * len.div_ceil(3).max(1)) {
                let mut pairs: Vec<[f64; 2]> = run.chunks(2).map(|p| [p[0], p[1]]).collect();
                pairs.sort_by(|a, b| b.partial_cmp(a).unwrap());
                run.copy_from_slice(pairs.as_flattened());
            }
        }
        for margin in [0.0, 0.07] {
            pareto_groups_reusing(&utils, 2, margin, None, &mut scratch, &mut groups).unwrap();
            let fresh = pareto_groups_flat(&utils, 2, margin, None).unwrap();
            assert_eq!(groups, fresh, "{len} points, margin {margin}");
        }
    }
}
