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

use super::challenge::{Field, pad_rows, rho_est, util, win_prob, win_probs};
use super::params::{BargnModel, BigRRange, InterVecBrgn, SmpParams, StateTransitions};
use super::voting::pce;

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
    /// `dist[i * n + j]` = d(ideal_i = pos_i, pos_j) with i's saliences.
    dist: Vec<f64>,
    /// The same distances in padded rows (see [`pad_rows`]).
    rows: Vec<f64>,
    /// Each actor's voting weight, total salience × capability.
    weight: Vec<f64>,
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
        let dist: Vec<f64> = (0..n * n)
            .map(|x| distance(&pos[x / n], &pos[x % n], &sal[x / n]))
            .collect();
        let weight = (0..n).map(|k| tot_sal[k] * cap[k]).collect();
        let rows = pad_rows(&dist, n);
        let mut t = Turn {
            p,
            cap,
            sal,
            tot_sal,
            pos,
            dist,
            rows,
            weight,
            rho: vec![0.0; n],
        };
        t.rho = t.risk_attitudes();
        t
    }

    fn d(&self, i: usize, j: usize) -> f64 {
        self.dist[i * self.pos.len() + j]
    }

    fn field(&self) -> Field<'_> {
        Field {
            p: self.p,
            n: self.pos.len(),
            dist: &self.dist,
            rows: &self.rows,
            rho: &self.rho,
            weight: &self.weight,
        }
    }

    /// Risk attitudes from the risk-neutral PCE over all n positions (duplicates included).
    fn risk_attitudes(&self) -> Vec<f64> {
        let n = self.pos.len();
        let u0: Vec<f64> = self.dist.iter().map(|d| 1.0 - d).collect();
        let pr = pce(&u0, n, self.cap, self.p);
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

    /// Best target of i: largest gain above 1e−5, lowest index on ties; with i's estimate of
    /// its probability of winning against it (φ).
    ///
    /// The gain is i's estimate of the change in its own utility if it challenges j;
    /// `phis[j]` is i's estimate of its chance to win against j.
    fn target(&self, i: usize, phis: &[f64]) -> Option<(usize, f64)> {
        let r = rho_est(self.p.big_r_adjust, self.rho[i], self.rho[i]);
        let uki = util(self.d(i, i), r);
        let mut best: Option<(usize, f64, f64)> = None;
        for (j, &phi) in phis.iter().enumerate() {
            if j == i {
                continue;
            }
            let ukj = util(self.d(i, j), r);
            let eu_sq = uki + ukj;
            let eu_vict = uki + uki;
            let eu_contest = phi * 2.0 * uki + (1.0 - phi) * 2.0 * ukj;
            let sj = self.tot_sal[j];
            let eu_chlg = (1.0 - sj) * eu_vict + sj * eu_contest;
            let g = eu_chlg - eu_sq;
            if g > 1e-5 && best.is_none_or(|(_, b, _)| g > b) {
                best = Some((j, g, phi));
            }
        }
        best.map(|(j, _, phi)| (j, phi))
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

    /// The bargains of i's challenge of j, `pi_i` being i's own estimate of its chance to win.
    fn bargains_for(&self, i: usize, j: usize, pi_i: f64) -> Vec<Bargain> {
        let make = |pi: f64| {
            let (pos_init, pos_recv) = self.interpolate(i, j, pi);
            Bargain {
                init: i,
                recv: j,
                pos_init,
                pos_recv,
            }
        };
        match self.p.bargn_model {
            BargnModel::InitOnlyInterp => vec![make(pi_i)],
            BargnModel::InitRcvrInterp => vec![make(pi_i), make(win_prob(&self.field(), j, i, j))],
            BargnModel::PWCompInterp => {
                let a = make(pi_i);
                let b = make(win_prob(&self.field(), j, i, j));
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

    /// Average utility to each actor (own risk attitude) of all positions after bargain `b`;
    /// `own[m * n + a]` is m's utility of a's current position and `prefix[m * (n + 1) + a]`
    /// the sum of the first a of them, added in actor order.
    fn bargain_utils(&self, b: &Bargain, own: &[f64], prefix: &[f64]) -> Vec<f64> {
        let np = self.pos.len();
        // The changed positions in actor order (one when initiator and receiver coincide).
        let (lo, hi) = (b.init.min(b.recv), b.init.max(b.recv));
        (0..np)
            .map(|m| {
                let rho = self.rho[m];
                let row = &own[m * np..(m + 1) * np];
                let changed = |a: usize| {
                    let pos = if a == b.init {
                        &b.pos_init
                    } else {
                        &b.pos_recv
                    };
                    util(distance(&self.pos[m], pos, &self.sal[m]), rho)
                };
                // The sum runs in actor order; up to the first changed position it is the
                // prefix of the unchanged utilities, then each term is added in turn.
                let mut total = prefix[m * (np + 1) + lo];
                total += changed(lo);
                if hi != lo {
                    for &u in &row[lo + 1..hi] {
                        total += u;
                    }
                    total += changed(hi);
                }
                for &u in &row[hi + 1..] {
                    total += u;
                }
                total / np as f64
            })
            .collect()
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
        let u: Vec<f64> = (0..n)
            .flat_map(|k| reps.iter().map(move |&r| util(self.d(k, r), self.rho[k])))
            .collect();
        let probs = pce(&u, reps.len(), self.cap, self.p);
        (reps, group, probs)
    }

    /// Every actor's position after this turn: each actor's options are its status quo, then
    /// the bargains it is part of in initiator order; it takes the most probable one (or draws
    /// one from `rng`, with stochastic transitions).
    pub(super) fn next_positions(&self, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
        let n = self.pos.len();
        // Challenges and bargains; queue[k] = SQ (None) first, then bargains in initiator order.
        let mut bargains: Vec<Bargain> = Vec::new();
        let mut queues: Vec<Vec<Option<usize>>> = vec![vec![None]; n];
        let phis = win_probs(&self.field());
        for i in 0..n {
            if let Some((j, phi)) = self.target(i, &phis[i * n..(i + 1) * n]) {
                for b in self.bargains_for(i, j, phi) {
                    queues[i].push(Some(bargains.len()));
                    queues[j].push(Some(bargains.len()));
                    bargains.push(b);
                }
            }
        }
        // Each actor's utility of every current position, and their running sums.
        let own: Vec<f64> = (0..n * n)
            .map(|x| util(self.d(x / n, x % n), self.rho[x / n]))
            .collect();
        let mut prefix = vec![0.0; n * (n + 1)];
        for m in 0..n {
            for a in 0..n {
                prefix[m * (n + 1) + a + 1] = prefix[m * (n + 1) + a] + own[m * n + a];
            }
        }
        let status_quo: Vec<f64> = (0..n).map(|m| prefix[m * (n + 1) + n] / n as f64).collect();
        let utils: Vec<Vec<f64>> = bargains
            .iter()
            .map(|b| self.bargain_utils(b, &own, &prefix))
            .collect();
        let (status_quo, utils) = (&status_quo, &utils);
        let mut next = self.pos.to_vec();
        for k in 0..n {
            let q = &queues[k];
            let chosen = if q.len() == 1 {
                0
            } else {
                let mut u = Vec::with_capacity(n * q.len());
                for m in 0..n {
                    u.extend(q.iter().map(|b| b.map_or(status_quo[m], |b| utils[b][m])));
                }
                let pr = pce(&u, q.len(), self.cap, self.p);
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
            if let Some(b) = q[chosen] {
                let b = &bargains[b];
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
