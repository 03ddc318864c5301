//! One turn of the SMP: risk attitudes, challenges, bargains and each actor's choice among
//! the bargains it is part of. Positions are on the unit scale.
//!
//! Rules: distances are salience-weighted (the ideal's owner's saliences); utility is
//! `(1 − d)(1 + d ρ)` for d ≤ 1; risk attitudes ρ come from the risk-neutral PCE over all
//! positions, mapped onto the [`BigRRange`](super::params::BigRRange); an actor challenges the
//! target with the largest expected gain above 1e−5 (lowest index on ties), or nobody; bargain
//! positions are rounded to four decimals; each actor's options are its status quo first, then
//! its bargains in initiator order, and all actors move at once. Distinct positions are those
//! more than 1e−3 apart, in actor order.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::params::{
    BargnModel, BigRAdjust, BigRRange, InterVecBrgn, SmpParams, StateTransitions, ThirdPartyCommit,
};
use super::voting::{pce, vote};

/// Salience-weighted distance between ideal `p` and position `q` (saliences of the ideal's owner).
fn distance(p: &[f64], q: &[f64], s: &[f64]) -> f64 {
    let den: f64 = s.iter().map(|v| v * v).sum();
    if den <= 0.0 {
        return 0.0;
    }
    let num: f64 = p
        .iter()
        .zip(q)
        .zip(s)
        .map(|((a, b), w)| (w * (a - b)).powi(2))
        .sum();
    (num / den).sqrt()
}

/// Utility of distance `d` with risk attitude `rho` (positive = risk-averse).
fn util(d: f64, rho: f64) -> f64 {
    if d <= 1.0 {
        (1.0 - d) * (1.0 + d * rho)
    } else {
        (1.0 - d) * (1.0 + rho)
    }
}

fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

/// One bargain: new positions for initiator and receiver (SQ when `init == recv`).
#[derive(Debug, Clone)]
struct Bargain {
    init: usize,
    recv: usize,
    pos_init: Vec<f64>,
    pos_recv: Vec<f64>,
}

/// Model state during one turn.
pub(super) struct Turn<'a> {
    p: &'a SmpParams,
    cap: &'a [f64],
    sal: &'a [Vec<f64>],
    tot_sal: &'a [f64],
    pos: &'a [Vec<f64>],
    /// dist[i][j] = d(ideal_i = pos_i, pos_j) with i's saliences.
    dist: Vec<Vec<f64>>,
    /// Each actor's risk attitude ρ this turn.
    pub(super) rho: Vec<f64>,
}

impl<'a> Turn<'a> {
    pub(super) fn new(
        p: &'a SmpParams,
        cap: &'a [f64],
        sal: &'a [Vec<f64>],
        tot_sal: &'a [f64],
        pos: &'a [Vec<f64>],
    ) -> Self {
        let n = pos.len();
        let dist: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| distance(&pos[i], &pos[j], &sal[i]))
                    .collect()
            })
            .collect();
        let mut t = Turn {
            p,
            cap,
            sal,
            tot_sal,
            pos,
            dist,
            rho: vec![0.0; n],
        };
        t.rho = t.risk_attitudes();
        t
    }

    /// Risk attitudes from the risk-neutral PCE over all n positions (duplicates included).
    fn risk_attitudes(&self) -> Vec<f64> {
        let n = self.pos.len();
        let u0: Vec<Vec<f64>> = (0..n)
            .map(|i| (0..n).map(|j| 1.0 - self.dist[i][j]).collect())
            .collect();
        let pr = pce(&u0, self.cap, self.p);
        let pmax = pr.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let pmin = pr.iter().cloned().fold(f64::INFINITY, f64::min);
        let span = pmax - pmin;
        pr.iter()
            .map(|&pi| {
                if span <= 0.0 {
                    return 0.0;
                }
                match self.p.big_r_range {
                    BigRRange::Min => (pi - pmin) / span,
                    BigRRange::Mid => (3.0 * pi - (pmax + 2.0 * pmin)) / (2.0 * span),
                    BigRRange::Max => (2.0 * pi - pmax - pmin) / span,
                }
            })
            .collect()
    }

    /// h's estimate of i's risk attitude.
    fn rho_est(&self, h: usize, i: usize) -> f64 {
        let (rh, ri) = (self.rho[h], self.rho[i]);
        match self.p.big_r_adjust {
            BigRAdjust::NoRA => rh,
            BigRAdjust::OneThird => (2.0 * rh + ri) / 3.0,
            BigRAdjust::Half => (rh + ri) / 2.0,
            BigRAdjust::TwoThirds => (rh + 2.0 * ri) / 3.0,
            BigRAdjust::Full => ri,
        }
    }

    /// h's view of i's utility for j's position.
    fn a_util(&self, h: usize, i: usize, j: usize) -> f64 {
        util(self.dist[i][j], self.rho_est(h, i))
    }

    /// h's estimate of the probability that i wins a challenge against j (φ).
    fn challenge_prob(&self, h: usize, i: usize, j: usize) -> f64 {
        let u = |a, b| self.a_util(h, a, b);
        let vr = self.p.voting;
        let vi = vote(vr, self.tot_sal[i] * self.cap[i], u(i, i), u(i, j));
        let vj = vote(vr, self.tot_sal[j] * self.cap[j], u(j, i), u(j, j));
        let cij0 = 1e-10 + vi.max(0.0) + vj.max(0.0);
        let cji0 = 1e-10 + (-vi).max(0.0) + (-vj).max(0.0);
        let (mut cij, mut cji) = (cij0, cji0);
        for k in 0..self.pos.len() {
            if k == i || k == j {
                continue;
            }
            let w = self.tot_sal[k] * self.cap[k];
            let (uki, ukj, ukk) = (u(k, i), u(k, j), u(k, k));
            let vk = vote(vr, w, uki, ukj);
            let pik = (cij0 + vk.max(0.0)) / (cij0 + cji0 + vk.abs());
            let (a, b) = match self.p.third_party {
                ThirdPartyCommit::SemiCommit => (
                    pik * (2.0 * uki + ukk) + (1.0 - pik) * (3.0 * ukj),
                    pik * (3.0 * uki) + (1.0 - pik) * (2.0 * ukj + ukk),
                ),
                ThirdPartyCommit::FullCommit => (
                    pik * (3.0 * uki) + (1.0 - pik) * (3.0 * ukj),
                    pik * (3.0 * uki) + (1.0 - pik) * (3.0 * ukj),
                ),
                ThirdPartyCommit::NoCommit => (
                    pik * (2.0 * uki + ukk) + (1.0 - pik) * (2.0 * ukj + ukk),
                    pik * (2.0 * uki + ukk) + (1.0 - pik) * (2.0 * ukj + ukk),
                ),
            };
            let vt = vote(vr, w, a, b);
            cij += vt.max(0.0);
            cji += (-vt).max(0.0);
        }
        cij / (cij + cji)
    }

    /// h's estimate of the change in k's utility if i challenges j.
    fn challenge_gain(&self, h: usize, k: usize, i: usize, j: usize) -> f64 {
        let phi = self.challenge_prob(h, i, j);
        let (uki, ukj) = (self.a_util(h, k, i), self.a_util(h, k, j));
        let eu_sq = uki + ukj;
        let eu_vict = uki + uki;
        let eu_contest = phi * 2.0 * uki + (1.0 - phi) * 2.0 * ukj;
        let sj = self.tot_sal[j];
        let eu_chlg = (1.0 - sj) * eu_vict + sj * eu_contest;
        eu_chlg - eu_sq
    }

    /// Best target of i: largest gain above 1e−5, lowest index on ties.
    fn target(&self, i: usize) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for j in 0..self.pos.len() {
            if j == i {
                continue;
            }
            let g = self.challenge_gain(i, i, i, j);
            if g > 1e-5 && best.is_none_or(|(_, b)| g > b) {
                best = Some((j, g));
            }
        }
        best.map(|b| b.0)
    }

    /// Interpolated bargain between i and j given i's win probability `pi`.
    fn interpolate(&self, i: usize, j: usize, pi: f64) -> (Vec<f64>, Vec<f64>) {
        let pj = 1.0 - pi;
        let (xi, xj) = (&self.pos[i], &self.pos[j]);
        let dims = xi.len();
        let mut bi = Vec::with_capacity(dims);
        let mut bj = Vec::with_capacity(dims);
        for k in 0..dims {
            let (si, sj) = (self.sal[i][k], self.sal[j][k]);
            match self.p.inter_vec_brgn {
                InterVecBrgn::S1P1 | InterVecBrgn::S2P2 => {
                    let (wi, wj) = if self.p.inter_vec_brgn == InterVecBrgn::S2P2 {
                        (si * si * pi * pi, sj * sj * pj * pj)
                    } else {
                        (si * pi, sj * pj)
                    };
                    let den = wi + 1e-6 + wj;
                    bi.push(round4(((wi + 1e-6) * xi[k] + wj * xj[k]) / den));
                    bj.push(round4((wi * xi[k] + (wj + 1e-6) * xj[k]) / den));
                }
                InterVecBrgn::S2PMax => {
                    // The weaker side moves towards the stronger by the probability gap,
                    // scaled by the other side's share of squared salience.
                    let (s2i, s2j) = (si * si, sj * sj);
                    let tot = s2i + s2j + 1e-12;
                    let di = (pj - pi).max(0.0) * s2j / tot;
                    let dj = (pi - pj).max(0.0) * s2i / tot;
                    bi.push(round4(xi[k] + di * (xj[k] - xi[k])));
                    bj.push(round4(xj[k] + dj * (xi[k] - xj[k])));
                }
            }
        }
        (bi, bj)
    }

    fn bargains_for(&self, i: usize, j: usize) -> Vec<Bargain> {
        let make = |pi: f64| {
            let (pos_init, pos_recv) = self.interpolate(i, j, pi);
            Bargain {
                init: i,
                recv: j,
                pos_init,
                pos_recv,
            }
        };
        let pi_i = self.challenge_prob(i, i, j);
        match self.p.bargn_model {
            BargnModel::InitOnlyInterp => vec![make(pi_i)],
            BargnModel::InitRcvrInterp => vec![make(pi_i), make(self.challenge_prob(j, i, j))],
            BargnModel::PWCompInterp => {
                let a = make(pi_i);
                let b = make(self.challenge_prob(j, i, j));
                let wi = self.cap[i] * self.tot_sal[i];
                let wj = self.cap[j] * self.tot_sal[j];
                let tot = (wi + wj).max(1e-12);
                let mix = |x: &[f64], y: &[f64]| -> Vec<f64> {
                    x.iter()
                        .zip(y)
                        .map(|(x, y)| round4((wi * x + wj * y) / tot))
                        .collect()
                };
                vec![Bargain {
                    init: i,
                    recv: j,
                    pos_init: mix(&a.pos_init, &b.pos_init),
                    pos_recv: mix(&a.pos_recv, &b.pos_recv),
                }]
            }
        }
    }

    /// Average utility to n (own risk attitude) of all positions after bargain `b`.
    fn bargain_util(&self, n: usize, b: &Bargain) -> f64 {
        let np = self.pos.len();
        let rho = self.rho[n];
        let mut total = 0.0;
        for a in 0..np {
            let d = if b.init == b.recv {
                self.dist[n][a]
            } else if a == b.init {
                distance(&self.pos[n], &b.pos_init, &self.sal[n])
            } else if a == b.recv {
                distance(&self.pos[n], &b.pos_recv, &self.sal[n])
            } else {
                self.dist[n][a]
            };
            total += util(d, rho);
        }
        total / np as f64
    }

    /// Probability of each distinct position (‖Δ‖ < 1e−3) and the index of each actor's group.
    pub(super) fn position_probs(&self) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
        let n = self.pos.len();
        // Distinct positions: an actor opens a new one unless it lies within 1e-3 of an
        // existing one (actor order). Each actor then reports the probability of the *last*
        // distinct position within 1e-3 of it, which is how KTAB's logs assign them.
        let close = |a: usize, b: usize| {
            let d2: f64 = self.pos[a]
                .iter()
                .zip(&self.pos[b])
                .map(|(x, y)| (x - y).powi(2))
                .sum();
            d2.sqrt() < 1e-3
        };
        let mut reps: Vec<usize> = Vec::new();
        for i in 0..n {
            if !reps.iter().any(|&r| close(i, r)) {
                reps.push(i);
            }
        }
        let group: Vec<usize> = (0..n)
            .map(|i| {
                reps.iter()
                    .rposition(|&r| close(i, r))
                    .expect("every actor is close to some distinct position")
            })
            .collect();
        let u: Vec<Vec<f64>> = (0..n)
            .map(|k| {
                reps.iter()
                    .map(|&r| util(self.dist[k][r], self.rho[k]))
                    .collect()
            })
            .collect();
        let probs = pce(&u, self.cap, self.p);
        (reps, group, probs)
    }

    /// Every actor's position after this turn: each actor's options are its status quo, then
    /// the bargains it is part of in initiator order; it takes the most probable one (or draws
    /// one from `rng`, with stochastic transitions).
    pub(super) fn next_positions(&self, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
        let n = self.pos.len();
        // Challenges and bargains; queue[k] = SQ first, then bargains in initiator order.
        let mut queues: Vec<Vec<Bargain>> = (0..n)
            .map(|k| {
                vec![Bargain {
                    init: k,
                    recv: k,
                    pos_init: self.pos[k].clone(),
                    pos_recv: self.pos[k].clone(),
                }]
            })
            .collect();
        for i in 0..n {
            if let Some(j) = self.target(i) {
                for b in self.bargains_for(i, j) {
                    queues[i].push(b.clone());
                    queues[j].push(b);
                }
            }
        }
        let mut next = self.pos.to_vec();
        for k in 0..n {
            let q = &queues[k];
            let chosen = if q.len() == 1 {
                0
            } else {
                let u: Vec<Vec<f64>> = (0..n)
                    .map(|m| q.iter().map(|b| self.bargain_util(m, b)).collect())
                    .collect();
                let pr = pce(&u, self.cap, self.p);
                match self.p.transitions {
                    StateTransitions::Deterministic => {
                        let mut best = 0;
                        for (idx, &v) in pr.iter().enumerate() {
                            if v > pr[best] {
                                best = idx;
                            }
                        }
                        best
                    }
                    StateTransitions::Stochastic => {
                        let draw: f64 = rng.random();
                        let mut acc = 0.0;
                        let mut pick = pr.len() - 1;
                        for (idx, &v) in pr.iter().enumerate() {
                            acc += v;
                            if draw < acc {
                                pick = idx;
                                break;
                            }
                        }
                        pick
                    }
                }
            };
            let b = &q[chosen];
            if b.init != b.recv {
                next[k] = if b.init == k {
                    b.pos_init.clone()
                } else {
                    b.pos_recv.clone()
                };
            }
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn distance_is_salience_weighted_and_utility_falls_with_it() {
        assert_eq!(distance(&[0.0, 0.0], &[1.0, 1.0], &[0.0, 0.0]), 0.0);
        assert_eq!(distance(&[0.0, 0.0], &[1.0, 0.5], &[1.0, 0.0]), 1.0);
        assert_eq!(util(0.0, 0.5), 1.0);
        assert_eq!(util(1.0, 0.5), 0.0);
        assert!(util(0.5, 0.5) > util(0.5, 0.0));
        assert_eq!(round4(0.123_456), 0.1235);
    }

    #[test]
    fn positions_within_a_thousandth_are_one_and_nobody_moves_without_a_target() {
        let p = SmpParams::default();
        let (cap, sal) = ([1.0, 1.0, 1.0], vec![vec![0.5]; 3]);
        let tot = [0.5; 3];
        let pos = vec![vec![0.2], vec![0.2005], vec![0.8]];
        let turn = Turn::new(&p, &cap, &sal, &tot, &pos);
        let (reps, group, probs) = turn.position_probs();
        assert_eq!(reps, vec![0, 2]);
        assert_eq!(group, vec![0, 0, 1]);
        assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let same = vec![vec![0.4]; 3];
        let turn = Turn::new(&p, &cap, &sal, &tot, &same);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(turn.next_positions(&mut rng), same);
    }
}
