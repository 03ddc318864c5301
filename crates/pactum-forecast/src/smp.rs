//! KTAB's Spatial Model of Politics (SMP), spec §4.3.
//!
//! Actors hold vector positions on [0, 1]^dims (input / 100). Each turn: (1) every actor's risk
//! attitude is inferred from how likely its position is to win a capability-weighted vote;
//! (2) every actor picks the challenge target with the largest expected gain; (3) each challenge
//! yields a bargain interpolated between the two positions; (4) every actor chooses among the
//! bargains it is part of (and its status quo) by a capability-weighted vote; all move at once.
//! The run stops when turn-to-turn movement falls below 2% of the first turn's movement.
//!
//! All nine of KTAB's parameter choices are exposed in [`SmpParams`] with KTAB's defaults.
//! Where KTAB itself aborts (every position at one of the two ends, so risk attitudes cannot be
//! told apart), this port continues with the risk-neutral utilities and says so in a note.

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::{ForecastError, Result};
use crate::model::{Case, Scale};
use crate::result::{DimensionForecast, Forecast, Round};

/// How coalition strengths become a victory probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum VictoryProbModel {
    #[default]
    /// `ca / (ca + cb)`.
    Linear,
    /// With strengths squared.
    Square,
    /// With strengths to the fourth power.
    Quartic,
    /// With strengths to the eighth power.
    Octic,
    /// 1 when one side is at least 10% stronger, a linear ramp in between.
    Binary,
}

/// How an actor's utility difference becomes a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum VotingRule {
    #[default]
    /// `w · d`, d the utility difference.
    Prop,
    /// `w · (0.8 d + 0.2 sign(d))`.
    PropBin,
    /// `w · sign(d)`.
    Binary,
    /// `w · (0.5 d + 0.5 d³)`.
    PropCbc,
    /// `w · d` for losses, `⅔ w · d` for gains.
    ASymProsp,
    /// `w · d³`.
    Cubic,
}

/// Probability-of-Condorcet-election model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PceModel {
    #[default]
    /// Product of the pairwise victory probabilities, normalised.
    Conditional,
    /// Markov chain whose transitions follow the incentives to switch.
    MarkovIncentive,
    /// Markov chain with uniform transition choice.
    MarkovUniform,
}

/// Whether each actor takes the most probable bargain or samples one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum StateTransitions {
    #[default]
    /// Take the most probable bargain.
    Deterministic,
    /// Sample a bargain by its probability.
    Stochastic,
}

/// Range of the inferred risk attitude ρ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BigRRange {
    /// [0, 1].
    Min,
    /// [−½, 1].
    #[default]
    Mid,
    /// [−1, 1].
    Max,
}

/// How much actor h's estimate of i's risk attitude uses i's true ρ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BigRAdjust {
    /// No use of the true ρ.
    NoRA,
    #[default]
    /// One third.
    OneThird,
    /// One half.
    Half,
    /// Two thirds.
    TwoThirds,
    /// The true ρ.
    Full,
}

/// How third parties expect to be bound by the side they join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThirdPartyCommit {
    /// Not bound.
    NoCommit,
    #[default]
    /// Partly bound.
    SemiCommit,
    /// Fully bound.
    FullCommit,
}

/// Interpolation weights of a bargain between two vector positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum InterVecBrgn {
    /// Weights salience × probability.
    S1P1,
    #[default]
    /// Weights (salience × probability)².
    S2P2,
    /// The weaker side moves towards the stronger by the probability gap.
    S2PMax,
}

/// Which bargains a challenge produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BargnModel {
    #[default]
    /// One bargain, at the initiator's challenge probability.
    InitOnlyInterp,
    /// Two bargains, at the initiator's and at the receiver's probability.
    InitRcvrInterp,
    /// One bargain: the two above mixed by capability × total salience.
    PWCompInterp,
}

/// KTAB's default PRNG seed (only used by stochastic transitions).
pub const DEFAULT_SEED: u64 = 0xD67C_C16F_E69C_185C;

/// Parameters of the SMP; `Default` equals KTAB's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmpParams {
    /// Victory probability model.
    pub victory: VictoryProbModel,
    /// Voting rule.
    pub voting: VotingRule,
    /// Probability-of-Condorcet-election model.
    pub pce: PceModel,
    /// State transitions.
    pub transitions: StateTransitions,
    /// Range of ρ.
    pub big_r_range: BigRRange,
    /// Risk adjustment.
    pub big_r_adjust: BigRAdjust,
    /// Third-party commitment.
    pub third_party: ThirdPartyCommit,
    /// Bargain interpolation weights.
    pub inter_vec_brgn: InterVecBrgn,
    /// Bargaining model.
    pub bargn_model: BargnModel,
    /// Seed of stochastic transitions.
    pub seed: u64,
    /// Hard cap on turns (KTAB: 100).
    pub max_turns: usize,
    /// Scale mapping each dimension onto 0-100; `None` uses the issue's own scale, else 0-100
    /// when every position lies within it, else min → 0 and max → 100.
    pub scale: Option<Vec<Scale>>,
}

impl Default for SmpParams {
    fn default() -> Self {
        Self {
            victory: VictoryProbModel::default(),
            voting: VotingRule::default(),
            pce: PceModel::default(),
            transitions: StateTransitions::default(),
            big_r_range: BigRRange::default(),
            big_r_adjust: BigRAdjust::default(),
            third_party: ThirdPartyCommit::default(),
            inter_vec_brgn: InterVecBrgn::default(),
            bargn_model: BargnModel::default(),
            seed: DEFAULT_SEED,
            max_turns: 100,
            scale: None,
        }
    }
}

/// Vote of an actor with weight `w` for option a (utility `ua`) over b (utility `ub`).
pub fn vote(rule: VotingRule, w: f64, ua: f64, ub: f64) -> f64 {
    let d = ua - ub;
    let bin = (d / 1e-8).clamp(-1.0, 1.0);
    match rule {
        VotingRule::Prop => w * d,
        VotingRule::Binary => w * bin,
        VotingRule::PropBin => w * (0.8 * d + 0.2 * bin),
        VotingRule::Cubic => w * d * d * d,
        VotingRule::PropCbc => w * (0.5 * d + 0.5 * d * d * d),
        VotingRule::ASymProsp => {
            if d < 0.0 {
                w * d
            } else {
                2.0 * w * d / 3.0
            }
        }
    }
}

/// Probability that a coalition of strength `ca` beats one of strength `cb`.
pub fn victory_prob(model: VictoryProbModel, ca: f64, cb: f64) -> f64 {
    let pow = |e: i32| {
        let (a, b) = (ca.powi(e), cb.powi(e));
        a / (a + b)
    };
    match model {
        VictoryProbModel::Linear => ca / (ca + cb),
        VictoryProbModel::Square => pow(2),
        VictoryProbModel::Quartic => pow(4),
        VictoryProbModel::Octic => pow(8),
        VictoryProbModel::Binary => {
            let ratio = ca / cb;
            let hi = 1.1;
            if ratio >= hi {
                1.0
            } else if ratio <= 1.0 / hi {
                0.0
            } else {
                (ratio - 1.0 / hi) / (hi - 1.0 / hi)
            }
        }
    }
}

/// Probability that each option is the final winner, given `util[voter][option]` and voting
/// weights. Coalitions: `C(a,b) = 1e−8 + Σ_k max(v_k(a,b), 0)`.
pub fn pce(util: &[Vec<f64>], weights: &[f64], p: &SmpParams) -> Vec<f64> {
    let m = util.first().map_or(0, Vec::len);
    if m == 0 {
        return Vec::new();
    }
    let mut coal = vec![vec![1e-8; m]; m];
    for (k, u) in util.iter().enumerate() {
        for a in 0..m {
            for b in 0..m {
                if a != b {
                    coal[a][b] += vote(p.voting, weights[k], u[a], u[b]).max(0.0);
                }
            }
        }
    }
    let vp: Vec<Vec<f64>> = (0..m)
        .map(|a| {
            (0..m)
                .map(|b| {
                    if a == b {
                        0.5
                    } else {
                        victory_prob(p.victory, coal[a][b], coal[b][a])
                    }
                })
                .collect()
        })
        .collect();
    let normalise = |v: Vec<f64>| {
        let t: f64 = v.iter().sum();
        v.into_iter().map(|x| x / t).collect::<Vec<f64>>()
    };
    match p.pce {
        PceModel::Conditional => normalise((0..m).map(|a| vp[a].iter().product()).collect()),
        PceModel::MarkovUniform => {
            let mut pr = vec![1.0 / m as f64; m];
            for _ in 0..10_000 {
                let q: Vec<f64> = (0..m)
                    .map(|a| (0..m).map(|b| vp[a][b] * (pr[a] + pr[b])).sum::<f64>() / m as f64)
                    .collect();
                let next: Vec<f64> = pr.iter().zip(&q).map(|(x, y)| (x + y) / 2.0).collect();
                let change = next
                    .iter()
                    .zip(&pr)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max);
                pr = next;
                if change < 1e-6 {
                    break;
                }
            }
            normalise(pr)
        }
        PceModel::MarkovIncentive => {
            let inc: Vec<Vec<f64>> = (0..m)
                .map(|a| {
                    (0..m)
                        .map(|b| coal[a][b] * vp[a][b] + if a == b { 1e-10 } else { 0.0 })
                        .collect()
                })
                .collect();
            // chi[a][b]: probability a challenges b.
            let chi: Vec<Vec<f64>> = (0..m)
                .map(|a| {
                    (0..m)
                        .map(|b| inc[a][b] / (0..m).map(|k| inc[k][b]).sum::<f64>())
                        .collect()
                })
                .collect();
            let mut pr = vec![1.0 / m as f64; m];
            for _ in 0..1000 {
                let ct: Vec<Vec<f64>> = (0..m)
                    .map(|a| (0..m).map(|b| pr[a] * chi[b][a]).collect())
                    .collect();
                let q: Vec<f64> = (0..m)
                    .map(|a| (0..m).map(|b| vp[a][b] * (ct[a][b] + ct[b][a])).sum())
                    .collect();
                let next: Vec<f64> = pr.iter().zip(&q).map(|(x, y)| (x + y) / 2.0).collect();
                let change = next
                    .iter()
                    .zip(&pr)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max);
                pr = normalise(next);
                if change < 1e-8 {
                    break;
                }
            }
            pr
        }
    }
}

/// Salience-weighted distance between ideal `p` and position `q` (saliences of the ideal's owner).
pub fn distance(p: &[f64], q: &[f64], s: &[f64]) -> f64 {
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
pub fn util(d: f64, rho: f64) -> f64 {
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
struct Turn<'a> {
    p: &'a SmpParams,
    cap: &'a [f64],
    sal: &'a [Vec<f64>],
    tot_sal: &'a [f64],
    pos: &'a [Vec<f64>],
    /// dist[i][j] = d(ideal_i = pos_i, pos_j) with i's saliences.
    dist: Vec<Vec<f64>>,
    rho: Vec<f64>,
}

impl<'a> Turn<'a> {
    fn new(
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
    fn position_probs(&self) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
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
}

/// One state of the run, positions on the case's own scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmpState {
    /// `positions[actor][dim]`, in case units.
    pub positions: Vec<Vec<f64>>,
    /// Probability of the distinct position each actor holds.
    pub position_probs: Vec<f64>,
    /// Risk attitude ρ of each actor in this state.
    pub risk: Vec<f64>,
}

/// Full trace of an SMP run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmpRun {
    /// Actor names, in case order.
    pub actors: Vec<String>,
    /// Dimension names.
    pub dimensions: Vec<String>,
    /// The scale of each dimension.
    pub scales: Vec<Scale>,
    /// States 0..=T; state 0 holds the initial positions.
    pub states: Vec<SmpState>,
    /// `D(t−1,t) / (D(0,1) + 1e−4)` for each step t ≥ 1.
    pub stop_ratios: Vec<f64>,
    /// Distinct final positions (case units, ascending) with their probabilities.
    pub final_positions: Vec<(Vec<f64>, f64)>,
    /// Probability-weighted final position per dimension.
    pub prob_weighted: Vec<f64>,
    /// Most probable final position per dimension.
    pub most_probable: Vec<f64>,
    /// What the run did that a reader should know.
    pub notes: Vec<String>,
}

fn choose_scales(case: &Case, p: &SmpParams) -> Result<Vec<Scale>> {
    if let Some(s) = &p.scale {
        if s.len() != case.n_dims() {
            return Err(ForecastError::Model {
                model: "smp",
                message: format!("{} scales for {} dimensions", s.len(), case.n_dims()),
            });
        }
        return Ok(s.clone());
    }
    Ok((0..case.n_dims())
        .map(|d| {
            if let Some(s) = case.issues[d].scale {
                return s;
            }
            let (lo, hi) = case.range(d);
            if lo >= 0.0 && hi <= 100.0 {
                Scale { lo: 0.0, hi: 100.0 }
            } else {
                Scale { lo, hi }
            }
        })
        .collect())
}

/// Runs the SMP on `case` (all dimensions jointly).
pub fn run_smp(case: &Case, p: &SmpParams) -> Result<SmpRun> {
    case.validate()?;
    let n = case.actors.len();
    let dims = case.n_dims();
    let scales = choose_scales(case, p)?;
    for (d, s) in scales.iter().enumerate() {
        if s.hi <= s.lo {
            return Err(ForecastError::Model {
                model: "smp",
                message: format!(
                    "dimension `{}`: empty scale {}..{}",
                    case.issues[d].name, s.lo, s.hi
                ),
            });
        }
    }
    let to_unit = |d: usize, v: f64| (v - scales[d].lo) / (scales[d].hi - scales[d].lo);
    let from_unit = |d: usize, v: f64| scales[d].lo + v * (scales[d].hi - scales[d].lo);
    let cap = case.capabilities();
    let sal: Vec<Vec<f64>> = case
        .actors
        .iter()
        .map(|a| a.saliences.iter().map(|s| s / 100.0).collect())
        .collect();
    let tot_sal: Vec<f64> = sal.iter().map(|s| s.iter().sum()).collect();
    let mut pos: Vec<Vec<f64>> = case
        .actors
        .iter()
        .map(|a| (0..dims).map(|d| to_unit(d, a.positions[d])).collect())
        .collect();
    let mut notes = Vec::new();
    if pos
        .iter()
        .flatten()
        .any(|v| !(-1e-9..=1.0 + 1e-9).contains(v))
    {
        notes.push("some positions lie outside the chosen scale; utilities may be negative".into());
    }
    if pos
        .iter()
        .flatten()
        .all(|&v| v.abs() < 1e-9 || (v - 1.0).abs() < 1e-9)
    {
        notes.push(
            "all positions are at the two ends of the scale, so risk attitudes cannot change \
             utilities; KTAB aborts here ('utility values not in valid range'), this port continues \
             with the risk-neutral utilities"
                .into(),
        );
    }
    let mut rng = ChaCha8Rng::seed_from_u64(p.seed);
    let mut last_groups: (Vec<usize>, Vec<f64>);
    let mut history: Vec<Vec<Vec<f64>>> = vec![pos.clone()];
    let mut states = Vec::new();
    let mut stop_ratios = Vec::new();
    let dist_between = |a: &[Vec<f64>], b: &[Vec<f64>]| -> f64 {
        a.iter()
            .zip(b)
            .map(|(x, y)| {
                x.iter()
                    .zip(y)
                    .map(|(u, v)| (u - v).powi(2))
                    .sum::<f64>()
                    .sqrt()
            })
            .sum()
    };
    loop {
        let turn = Turn::new(p, &cap, &sal, &tot_sal, &pos);
        let (reps, group, gp) = turn.position_probs();
        last_groups = (reps, gp.clone());
        states.push(SmpState {
            positions: pos
                .iter()
                .map(|v| {
                    v.iter()
                        .enumerate()
                        .map(|(d, &x)| from_unit(d, x))
                        .collect()
                })
                .collect(),
            position_probs: group.iter().map(|&g| gp[g]).collect(),
            risk: turn.rho.clone(),
        });
        let t = history.len() - 1;
        if t >= 1 {
            let d01 = dist_between(&history[0], &history[1]);
            let ratio = dist_between(&history[t - 1], &history[t]) / (d01 + 1e-4);
            stop_ratios.push(ratio);
            if t >= p.max_turns || (t >= 2 && ratio < 0.02) {
                break;
            }
        }
        if t >= p.max_turns {
            break;
        }
        // Challenges and bargains; queue[k] = SQ first, then bargains in initiator order.
        let mut queues: Vec<Vec<Bargain>> = (0..n)
            .map(|k| {
                vec![Bargain {
                    init: k,
                    recv: k,
                    pos_init: pos[k].clone(),
                    pos_recv: pos[k].clone(),
                }]
            })
            .collect();
        for i in 0..n {
            if let Some(j) = turn.target(i) {
                for b in turn.bargains_for(i, j) {
                    queues[i].push(b.clone());
                    queues[j].push(b);
                }
            }
        }
        let mut next = pos.clone();
        for k in 0..n {
            let q = &queues[k];
            let chosen = if q.len() == 1 {
                0
            } else {
                let u: Vec<Vec<f64>> = (0..n)
                    .map(|m| q.iter().map(|b| turn.bargain_util(m, b)).collect())
                    .collect();
                let pr = pce(&u, &cap, p);
                match p.transitions {
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
        pos = next;
        history.push(pos.clone());
    }
    let last = states.last().expect("at least one state");
    // Distinct final positions (KTAB's groups: first member in actor order) and probabilities.
    let (reps, gp) = last_groups;
    let mut final_positions: Vec<(Vec<f64>, f64)> = reps
        .iter()
        .zip(&gp)
        .map(|(&r, &pr)| (last.positions[r].clone(), pr))
        .collect();
    final_positions.sort_by(|a, b| {
        a.0.iter()
            .zip(&b.0)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let total: f64 = final_positions.iter().map(|f| f.1).sum();
    let prob_weighted: Vec<f64> = (0..dims)
        .map(|d| final_positions.iter().map(|(x, pr)| x[d] * pr).sum::<f64>() / total)
        .collect();
    let mut best = 0;
    for (g, f) in final_positions.iter().enumerate() {
        if f.1 > final_positions[best].1 {
            best = g;
        }
    }
    let most_probable = final_positions[best].0.clone();
    Ok(SmpRun {
        actors: case.names(),
        dimensions: case.issues.iter().map(|i| i.name.clone()).collect(),
        scales,
        states,
        stop_ratios,
        final_positions,
        prob_weighted,
        most_probable,
        notes,
    })
}

/// Runs the SMP and wraps it as a [`Forecast`]: forecast = probability-weighted final position;
/// `summary` holds `most_probable`, `turns` and `prob_weighted`.
pub fn forecast(case: &Case, p: &SmpParams) -> Result<Forecast> {
    let run = run_smp(case, p)?;
    Ok(forecast_of(&run, case))
}

/// The [`Forecast`] of a finished run on `case`.
pub(crate) fn forecast_of(run: &SmpRun, case: &Case) -> Forecast {
    let probs: Vec<Round> = run
        .states
        .iter()
        .map(|s| {
            run.actors
                .iter()
                .cloned()
                .zip(s.position_probs.iter().copied())
                .collect()
        })
        .collect();
    let dims = run
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, name)| {
            let rounds: Vec<Round> = run
                .states
                .iter()
                .map(|s| {
                    run.actors
                        .iter()
                        .cloned()
                        .zip(s.positions.iter().map(|p| p[d]))
                        .collect()
                })
                .collect();
            let mut summary = BTreeMap::new();
            summary.insert("prob_weighted".to_string(), run.prob_weighted[d]);
            summary.insert("most_probable".to_string(), run.most_probable[d]);
            summary.insert("turns".to_string(), (run.states.len() - 1) as f64);
            DimensionForecast {
                dimension: name.clone(),
                forecast: run.prob_weighted[d],
                rounds,
                probabilities: Some(probs.clone()),
                summary,
            }
        })
        .collect();
    Forecast {
        model: "smp".into(),
        case: case.name.clone(),
        dimensions: dims,
        notes: run.notes.clone(),
    }
}
