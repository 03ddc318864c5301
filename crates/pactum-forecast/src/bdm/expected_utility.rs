//! Expected utilities of challenges within one pass over the current positions: votes,
//! the probability of winning, the expected utility of i challenging j, and the median voter
//! and weighted mean that summarise positions.
//!
//! Rules: distances are normalised by the range R; a vote of k for a over b is
//! `w_k ((|x_k − b|/R)^e − (|x_k − a|/R)^e)` with e = r_k when votes use risk, else 1; an actor
//! never beats its own position (probability 0); a ratio with a zero denominator is 0;
//! `E(U_ij) = s_j (P U_s + (1 − P) U_f) + (1 − s_j) U_s − Q U_sq`, minus the `(1 − Q)` term of
//! eq. 25a when Q < 1; utilities are `2 − 4 v^r`. The median voter scans distinct positions in
//! order of first appearance and keeps a challenger only if it wins the (r = 1) vote
//! strictly. Risk exponents come from security levels computed with r = 1, mapped onto
//! `(1 − R/3) / (1 + R/3)`; they are undefined (and not returned) when all security levels
//! are equal.

use super::params::{BdmParams, MuRule, ProbabilityRule, SecurityRule, TRule};

/// Working state of one pass: positions, risk exponents, each voter's distances and the
/// precomputed vote normaliser.
pub(super) struct Pass<'a> {
    p: &'a BdmParams,
    x: &'a [f64],
    w: &'a [f64],
    s: &'a [f64],
    r: &'a [f64],
    range: f64,
    mu: f64,
    triples: f64,
    /// `dist[k * n + a]` = `(|x_k − x_a| / R)^e`, e the exponent of k's votes.
    dist: Vec<f64>,
}

impl<'a> Pass<'a> {
    pub(super) fn new(
        p: &'a BdmParams,
        x: &'a [f64],
        w: &'a [f64],
        s: &'a [f64],
        r: &'a [f64],
        range: f64,
    ) -> Self {
        let mut pass = Pass {
            p,
            x,
            w,
            s,
            r,
            range,
            mu: 0.0,
            triples: 0.0,
            dist: Vec::new(),
        };
        let n = x.len();
        // Each power is taken once per pass; a vote is then the same two numbers it was.
        pass.dist = (0..n * n).map(|c| pass.distance(c / n, x[c % n])).collect();
        if p.probability == ProbabilityRule::ScholzAllTriples {
            let mut total = 0.0;
            for k in 0..n {
                let row = &pass.dist[k * n..(k + 1) * n];
                for &da in row {
                    for &db in row {
                        total += (pass.w[k] * (db - da)).abs();
                    }
                }
            }
            pass.triples = total;
        }
        if p.q < 1.0 {
            pass.mu = match p.mu {
                MuRule::CondorcetMedian => median_voter(x, w, range),
                MuRule::WeightedMean => mean_position(x, w),
            };
        }
        pass
    }

    /// k's normalised distance to position `a`, raised to the exponent of k's votes.
    fn distance(&self, k: usize, a: f64) -> f64 {
        let e = if self.p.votes_use_risk {
            self.r[k]
        } else {
            1.0
        };
        ((self.x[k] - a).abs() / self.range).powf(e)
    }

    /// Probability that i's position beats j's.
    fn probability(&self, i: usize, j: usize) -> f64 {
        if self.x[i] == self.x[j] {
            return 0.0;
        }
        let n = self.x.len();
        // Vote of k for i's position over j's.
        let votes: Vec<f64> = (0..n)
            .map(|k| self.w[k] * (self.dist[k * n + j] - self.dist[k * n + i]))
            .collect();
        let pos: f64 = votes.iter().map(|v| v.max(0.0)).sum();
        let abs: f64 = votes.iter().map(|v| v.abs()).sum();
        let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
        match self.p.probability {
            ProbabilityRule::ScholzAllTriples => ratio(pos, self.triples),
            ProbabilityRule::PaperEq31 => ratio(pos, abs),
            ProbabilityRule::NetNumerator => ratio(votes.iter().sum::<f64>().max(0.0), abs),
        }
    }

    /// Expected utility of i challenging j, evaluated with risk exponent `r`.
    pub(super) fn eu(&self, i: usize, j: usize, r: f64) -> f64 {
        let (xi, xj) = (self.x[i], self.x[j]);
        let d = (xi - xj).abs() / self.range;
        let util = |v: f64| 2.0 - 4.0 * v.powf(r);
        let us = util(0.5 - 0.5 * d);
        let uf = util(0.5 + 0.5 * d);
        let usq = util(0.5);
        let pr = self.probability(i, j);
        let sj = self.s[j];
        let mut eu = sj * (pr * us + (1.0 - pr) * uf) + (1.0 - sj) * us - self.p.q * usq;
        if self.p.q < 1.0 {
            let dm = (xi - self.mu).abs() / self.range;
            let ub = util(0.5 - 0.25 * (dm + d));
            let uw = util(0.5 + 0.25 * (dm + d));
            let t = match self.p.t_rule {
                TRule::Zero => 0.0,
                TRule::One => 1.0,
                TRule::CloserToMedian => {
                    if (xi - self.mu).abs() < (xi - xj).abs() {
                        1.0
                    } else {
                        0.0
                    }
                }
            };
            eu -= (1.0 - self.p.q) * (t * ub + (1.0 - t) * uw);
        }
        eu
    }
}

/// Capability × salience weighted mean.
pub(super) fn mean_position(x: &[f64], w: &[f64]) -> f64 {
    x.iter().zip(w).map(|(x, w)| x * w).sum::<f64>() / w.iter().sum::<f64>()
}

/// Median voter among current positions: scans distinct positions in order of first
/// appearance and keeps a challenger only if it wins the (r = 1) vote strictly.
pub(super) fn median_voter(x: &[f64], w: &[f64], range: f64) -> f64 {
    let mut distinct: Vec<f64> = Vec::new();
    for &v in x {
        if !distinct.contains(&v) {
            distinct.push(v);
        }
    }
    let mut median = distinct[0];
    for &cand in &distinct[1..] {
        let votes: f64 = (0..x.len())
            .map(|k| w[k] * ((x[k] - median).abs() / range - (x[k] - cand).abs() / range))
            .sum();
        if votes > 0.0 {
            median = cand;
        }
    }
    median
}

/// Risk exponents of every actor from security levels computed with r = 1; `None` when all
/// security levels are equal (the formula is undefined).
pub(super) fn risk_exponents(
    p: &BdmParams,
    x: &[f64],
    w: &[f64],
    s: &[f64],
    range: f64,
) -> Option<Vec<f64>> {
    let n = x.len();
    // Pass 1: security levels with r = 1.
    let ones = vec![1.0; n];
    let pass1 = Pass::new(p, x, w, s, &ones, range);
    let security: Vec<f64> = (0..n)
        .map(|i| {
            (0..n)
                .filter(|&j| j != i)
                .map(|j| match p.security {
                    SecurityRule::AdversaryColumn => pass1.eu(j, i, 1.0),
                    SecurityRule::OwnRow => pass1.eu(i, j, 1.0),
                })
                .sum()
        })
        .collect();
    let smax = security.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let smin = security.iter().cloned().fold(f64::INFINITY, f64::min);
    (smax > smin).then(|| {
        security
            .iter()
            .map(|&sec| {
                let big_r = (2.0 * sec - smax - smin) / (smax - smin);
                (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_actor_never_beats_its_own_position_and_eq31_sums_to_one() {
        let p = BdmParams::jmckib_eq31();
        let (x, w, s, r) = ([0.0, 40.0, 100.0], [1.0, 2.0, 1.0], [0.5; 3], [1.0; 3]);
        let pass = Pass::new(&p, &x, &w, &s, &r, 100.0);
        assert_eq!(pass.probability(1, 1), 0.0);
        let (a, b) = (pass.probability(0, 2), pass.probability(2, 0));
        assert!((a + b - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_median_voter_keeps_a_challenger_only_if_it_wins_strictly() {
        // A tie between the first two positions keeps the first.
        assert_eq!(median_voter(&[0.0, 100.0], &[1.0, 1.0], 100.0), 0.0);
        assert_eq!(
            median_voter(&[0.0, 50.0, 100.0], &[1.0, 1.0, 1.0], 100.0),
            50.0
        );
        assert_eq!(mean_position(&[0.0, 100.0], &[3.0, 1.0]), 25.0);
    }

    #[test]
    fn risk_exponents_are_undefined_when_all_securities_are_equal() {
        let p = BdmParams::default();
        assert!(risk_exponents(&p, &[0.0, 100.0], &[1.0, 1.0], &[0.5, 0.5], 100.0).is_none());
        let r =
            risk_exponents(&p, &[0.0, 30.0, 100.0], &[3.0, 1.0, 1.0], &[0.5; 3], 100.0).unwrap();
        assert!(r.iter().all(|&x| (0.5..=2.0).contains(&x)), "{r:?}");
    }
}
