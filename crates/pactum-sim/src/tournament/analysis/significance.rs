//! Sample statistics and tests: the mean with its Student-t confidence
//! interval, the Wilcoxon rank-sum (Mann–Whitney U) test and the Holm and
//! Benjamini–Hochberg adjustments of a family of p-values.
//!
//! Rules:
//! * the interval is mean ± t(1 − (1 − c)/2, n − 1) · s/√n, s the sample
//!   standard deviation (n − 1 denominator); none for fewer than two scores;
//! * the rank-sum test is two-sided with the normal approximation, midranks
//!   for ties, the tie correction of the variance and a continuity
//!   correction of 1/2: z = (max(U₁, U₂) − n₁n₂/2 − 1/2)/σ,
//!   σ² = n₁n₂/12 · ((n + 1) − Σ(t³ − t)/(n(n − 1))), p = min(1, 2·P(Z > z));
//!   U₁ = R₁ − n₁(n₁ + 1)/2 is the statistic reported; p = 1 when every
//!   score ties (σ = 0);
//! * Holm: the i-th smallest of m p-values (from 0) becomes the running
//!   maximum of (m − i)·p, capped at 1; Benjamini–Hochberg: the i-th
//!   smallest (from 1) becomes the running minimum, from the largest down,
//!   of m·p/i, capped at 1. Ties in p are ordered by their position, so
//!   the result does not depend on it.

use super::dist::{normal_sf, t_quantile};

/// Mean, sample standard deviation (None below two scores) and the
/// confidence interval at level `confidence` (None below two scores).
pub fn mean_interval(scores: &[f64], confidence: f64) -> (f64, Option<f64>, Option<(f64, f64)>) {
    let n = scores.len();
    if n == 0 {
        return (f64::NAN, None, None);
    }
    let mean = scores.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, None, None);
    }
    let var = scores.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let half = t_quantile(1.0 - (1.0 - confidence) / 2.0, (n - 1) as f64) * sd / (n as f64).sqrt();
    (mean, Some(sd), Some((mean - half, mean + half)))
}

/// The outcome of one rank-sum test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankSum {
    /// U of the first sample.
    pub u: f64,
    /// The standardised statistic (continuity-corrected; 0 when every
    /// score ties).
    pub z: f64,
    /// The two-sided p-value.
    pub p: f64,
}

/// The two-sided Wilcoxon rank-sum test of `a` against `b` (both
/// non-empty; see the module's rules).
pub fn rank_sum(a: &[f64], b: &[f64]) -> RankSum {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|&x| (x, true))
        .chain(b.iter().map(|&x| (x, false)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut r1 = 0.0;
    let mut ties = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        // Ranks i+1 ..= j+1 share their mean.
        let rank = (i + j) as f64 / 2.0 + 1.0;
        let t = (j - i + 1) as f64;
        ties += t * t * t - t;
        r1 += rank * all[i..=j].iter().filter(|x| x.1).count() as f64;
        i = j + 1;
    }
    let u1 = r1 - n1 * (n1 + 1.0) / 2.0;
    let u2 = n1 * n2 - u1;
    let n = n1 + n2;
    let sigma = (n1 * n2 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)))).sqrt();
    if sigma.is_nan() || sigma <= 0.0 {
        return RankSum {
            u: u1,
            z: 0.0,
            p: 1.0,
        };
    }
    let z = (u1.max(u2) - n1 * n2 / 2.0 - 0.5) / sigma;
    RankSum {
        u: u1,
        z,
        p: (2.0 * normal_sf(z)).min(1.0),
    }
}

/// Indices of `p` from the smallest value to the largest (ties by index).
fn order(p: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..p.len()).collect();
    idx.sort_by(|&i, &j| p[i].total_cmp(&p[j]).then(i.cmp(&j)));
    idx
}

/// Holm's step-down adjustment of `p` (in the given order).
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut out = vec![0.0; m];
    let mut running = 0.0_f64;
    for (i, &k) in order(p).iter().enumerate() {
        running = running.max((m - i) as f64 * p[k]);
        out[k] = running.min(1.0);
    }
    out
}

/// The Benjamini–Hochberg step-up adjustment of `p` (in the given order).
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut out = vec![0.0; m];
    let mut running = f64::INFINITY;
    for (i, &k) in order(p).iter().enumerate().rev() {
        running = running.min(m as f64 * p[k] / (i + 1) as f64);
        out[k] = running.min(1.0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn interval_by_hand() {
        // Mean 2, s = 1, t(0.975, 2) = 4.302652729749462.
        let (m, sd, ci) = mean_interval(&[1.0, 2.0, 3.0], 0.95);
        assert_eq!(m, 2.0);
        assert_eq!(sd, Some(1.0));
        let (lo, hi) = ci.unwrap();
        let half = 4.302_652_729_749_462 / 3f64.sqrt();
        assert!((lo - (2.0 - half)).abs() < 1e-12 && (hi - (2.0 + half)).abs() < 1e-12);
        assert_eq!(mean_interval(&[0.5], 0.95), (0.5, None, None));
    }

    #[test]
    fn rank_sum_by_hand() {
        // a = {1, 2}, b = {3, 4}: R₁ = 3, U₁ = 0, U₂ = 4, σ² = 4·5/12, no ties.
        let r = rank_sum(&[1.0, 2.0], &[3.0, 4.0]);
        assert_eq!(r.u, 0.0);
        let z = (4.0 - 2.0 - 0.5) / (20.0f64 / 12.0).sqrt();
        assert!((r.z - z).abs() < 1e-15);
        assert!((r.p - 2.0 * normal_sf(z)).abs() < 1e-15);
        // Ties: a = {1, 2, 2}, b = {2, 3}: midrank of the three 2s is 3,
        // R₁ = 1 + 3 + 3 = 7, U₁ = 1, U₂ = 5, tie term 3³ − 3 = 24.
        let r = rank_sum(&[1.0, 2.0, 2.0], &[2.0, 3.0]);
        assert_eq!(r.u, 1.0);
        let sigma = (6.0f64 / 12.0 * (6.0 - 24.0 / 20.0)).sqrt();
        assert!((r.z - (5.0 - 3.0 - 0.5) / sigma).abs() < 1e-15);
        // Everything tied.
        assert_eq!(rank_sum(&[1.0, 1.0], &[1.0]).p, 1.0);
    }

    #[test]
    fn corrections_by_hand() {
        let p = [0.01, 0.04, 0.03, 0.005];
        // Sorted: 0.005, 0.01, 0.03, 0.04. Holm: 0.02, 0.03, 0.06, 0.06.
        let h = holm(&p);
        for (x, y) in h.iter().zip([0.03, 0.06, 0.06, 0.02]) {
            assert!((x - y).abs() < 1e-15, "{h:?}");
        }
        // BH: 0.04·4/4 = 0.04, 0.03·4/3 = 0.04, 0.01·4/2 = 0.02, 0.005·4 = 0.02.
        let b = benjamini_hochberg(&p);
        for (x, y) in b.iter().zip([0.02, 0.04, 0.04, 0.02]) {
            assert!((x - y).abs() < 1e-15, "{b:?}");
        }
        assert_eq!(holm(&[0.9, 0.5]), [1.0, 1.0]);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(16), ..ProptestConfig::default() })]
        #[test]
        fn adjusted_p_values_are_ordered(p in prop::collection::vec(0.0f64..=1.0, 1..12)) {
            let h = holm(&p);
            let b = benjamini_hochberg(&p);
            for k in 0..p.len() {
                // raw ≤ BH ≤ Holm ≤ 1.
                prop_assert!(p[k] <= b[k] + 1e-15);
                prop_assert!(b[k] <= h[k] + 1e-15);
                prop_assert!(h[k] <= 1.0);
                for l in 0..p.len() {
                    // Adjusted p-values keep the order of the raw ones.
                    if p[k] < p[l] {
                        prop_assert!(h[k] <= h[l] && b[k] <= b[l]);
                    }
                }
            }
        }

        #[test]
        fn rank_sum_agrees_with_brute_force_u(
            a in prop::collection::vec(0u8..6, 1..9),
            b in prop::collection::vec(0u8..6, 1..9),
        ) {
            // U₁ = #{(x, y): x > y} + #{x = y}/2.
            let mut u = 0.0;
            for &x in &a {
                for &y in &b {
                    u += if x > y { 1.0 } else if x == y { 0.5 } else { 0.0 };
                }
            }
            let fa: Vec<f64> = a.iter().map(|&x| x as f64).collect();
            let fb: Vec<f64> = b.iter().map(|&x| x as f64).collect();
            let r = rank_sum(&fa, &fb);
            prop_assert!((r.u - u).abs() < 1e-9);
            prop_assert!((0.0..=1.0).contains(&r.p));
            // Symmetric in the two samples.
            prop_assert!((rank_sum(&fb, &fa).p - r.p).abs() < 1e-12);
        }
    }
}
