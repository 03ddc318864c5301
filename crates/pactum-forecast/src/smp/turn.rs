//! One turn of the SMP: risk attitudes, challenges, bargains and each actor's choice among
//! the bargains it is part of. Positions are on the unit scale.
//!
//! Rules: distances are salience-weighted (the ideal's owner's saliences); utility is
//! `(1 − d)(1 + d ρ)` for d ≤ 1; risk attitudes ρ come from the risk-neutral PCE over all
//! positions, mapped onto the [`BigRRange`](super::params::BigRRange); an actor challenges the
//! target with the largest expected gain above 1e−5 (lowest index on ties), or nobody; bargain
//! positions are rounded to four decimals; each actor's options are its status quo first, then
//! its bargains in initiator order, and all actors move at once. Distinct positions are those
//! more than 1e−3 apart, in actor order. The average utility of the positions after a bargain
//! adds, for each actor, the utilities of all positions in actor order; the sums of many actors
//! run side by side ([`BargainSums`]), each in that order.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::challenge::{Field, WinBuffers, complements, rho_est, util, win_prob, win_probs};
use super::lanes::{Kernel, Real, fit, padded, run};
use super::params::{BargnModel, BigRRange, InterVecBrgn, SmpParams, StateTransitions};
use super::voting::{PceBuffers, pce_into};

/// Σ s² of an actor's saliences: the denominator of its distances.
pub(super) fn salience_norm(s: &[f64]) -> f64 {
    s.iter().map(|v| v * v).sum()
}

/// Salience-weighted distance between ideal `p` and position `q` (saliences `s` of the
/// ideal's owner, `norm` = [`salience_norm`] of them): the reference [`Distances`] is tested
/// against.
#[cfg(test)]
fn distance(p: &[f64], q: &[f64], s: &[f64], norm: f64) -> f64 {
    if norm <= 0.0 {
        return 0.0;
    }
    let num: f64 = p
        .iter()
        .zip(q)
        .zip(s)
        .map(|((a, b), w)| (w * (a - b)).powi(2))
        .sum();
    (num / norm).sqrt()
}

/// Every salience-weighted distance between an actor's ideal (its position) and every
/// position, in rows of [`padded`]`(n)` with zeros beyond n: `rows[i * padded(n) + j]` =
/// d(ideal_i, pos_j).
fn distance_rows(pos: &[Vec<f64>], actors: &Actors) -> Vec<f64> {
    let n = pos.len();
    let s = padded(n);
    let dims = pos.first().map_or(0, Vec::len);
    let mut columns = vec![0.0; dims * s];
    for (j, q) in pos.iter().enumerate() {
        for (d, &x) in q.iter().enumerate() {
            columns[d * s + j] = x;
        }
    }
    let mut rows = vec![0.0; n * s];
    run(Distances {
        pos,
        sal: actors.sal,
        norm: &actors.norm,
        columns: &columns,
        rows: &mut rows,
    });
    rows
}

/// The loop of [`distance_rows`]: for each ideal, the positions side by side in packs, each
/// lane with the operations of `distance` in the same order (the sum of squares by
/// dimension from where `Iterator::sum` starts, the quotient by the norm, its square root; a
/// norm of at most 0 gives 0). Padding lanes are set to 0 after.
struct Distances<'a> {
    pos: &'a [Vec<f64>],
    sal: &'a [Vec<f64>],
    norm: &'a [f64],
    /// The positions by dimension, [`padded`]`(n)` values each.
    columns: &'a [f64],
    rows: &'a mut [f64],
}

impl Kernel for Distances<'_> {
    type Out = ();
    #[inline(always)]
    fn run<P: Real>(self) {
        let n = self.pos.len();
        let s = padded(n);
        for (i, row) in self.rows.chunks_exact_mut(s).enumerate() {
            let (ideal, sal, norm) = (&self.pos[i], &self.sal[i], self.norm[i]);
            if norm <= 0.0 {
                row.fill(0.0);
                continue;
            }
            let norm = P::splat(norm);
            for o in (0..s).step_by(P::LANES) {
                // Adding a square (never −0) to the sum's start gives the square.
                let mut num = P::splat(-0.0);
                for (d, (&p, &w)) in ideal.iter().zip(sal).enumerate() {
                    let q = P::load(&self.columns[d * s + o..]);
                    let t = P::splat(w) * (P::splat(p) - q);
                    num = num + t * t;
                }
                (num / norm).sqrt().store(&mut row[o..]);
            }
            row[n..].fill(0.0);
        }
    }
}

/// `d2.sqrt() < 1e-3`, without the square root: the correctly rounded square root never
/// falls as its argument grows, and 1e−6 (as a double) is the least argument whose root is
/// not below 1e−3 (a unit test pins both sides of that boundary), so the two tests agree on
/// every value, NaN included.
fn within_a_thousandth(d2: f64) -> bool {
    d2 < 1e-6
}

fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

/// What stays the same for a whole run: the actors' capabilities and saliences.
pub(super) struct Actors<'a> {
    /// Capabilities.
    cap: &'a [f64],
    /// Saliences per dimension, on 0–1.
    sal: &'a [Vec<f64>],
    /// Total salience of each actor.
    tot_sal: &'a [f64],
    /// [`salience_norm`] of each actor.
    norm: Vec<f64>,
    /// Each actor's voting weight, total salience × capability.
    weight: Vec<f64>,
}

impl<'a> Actors<'a> {
    /// The actors with capabilities `cap`, saliences `sal` and their totals `tot_sal`.
    pub(super) fn new(cap: &'a [f64], sal: &'a [Vec<f64>], tot_sal: &'a [f64]) -> Self {
        Actors {
            cap,
            sal,
            tot_sal,
            norm: sal.iter().map(|s| salience_norm(s)).collect(),
            weight: tot_sal.iter().zip(cap).map(|(t, c)| t * c).collect(),
        }
    }
}

/// Buffers a run keeps from turn to turn, so that a turn allocates little.
#[derive(Debug, Default)]
pub(super) struct Workspace {
    /// The PCE's own buffers.
    pce: PceBuffers,
    /// Utilities handed to a PCE.
    u: Vec<f64>,
    /// A PCE's result.
    probs: Vec<f64>,
    /// `own[a * S + m]`: m's utility of a's current position (S = [`padded`]`(n)`).
    own: Vec<f64>,
    /// `prefix[a * S + m]`: the sum of `own` over the first a positions, in actor order.
    prefix: Vec<f64>,
    /// `changed[(2 b + s) * S + m]`: m's utility of the s-th changed position of bargain b.
    changed: Vec<f64>,
    /// `utils[b * S + m]`: m's average utility of all positions after bargain b.
    utils: Vec<f64>,
    /// The bargains of the turn.
    bargains: Vec<Bargain>,
    /// The positions of bargain b: its initiator's, then its receiver's (`2 dims` values).
    bargain_pos: Vec<f64>,
    /// Each actor's options: the bargains it is part of, in initiator order.
    options: Vec<Vec<usize>>,
    /// The actors' positions, saliences, salience norms and risk attitudes by column (see
    /// [`ChangedUtils`]).
    columns: Vec<f64>,
    /// The challenge probabilities' buffers (see [`win_probs`]).
    win: WinBuffers,
    /// The total saliences in a padded row (see [`Turn::gains`]).
    sal_row: Vec<f64>,
    /// `gains[i * S + j]`: i's expected gain from challenging j.
    gains: Vec<f64>,
}

/// One bargain: new positions for initiator and receiver.
#[derive(Debug, Clone, Copy)]
struct Bargain {
    init: usize,
    recv: usize,
}

/// Model state during one turn.
pub(super) struct Turn<'a> {
    p: &'a SmpParams,
    actors: &'a Actors<'a>,
    pos: &'a [Vec<f64>],
    /// `dist[i * n + j]` = d(ideal_i = pos_i, pos_j) with i's saliences.
    dist: Vec<f64>,
    /// The same distances in rows of [`padded`]`(n)`, zero beyond n.
    rows: Vec<f64>,
    /// `1 − d` of each padded distance, when every distance is at most 1 (else empty).
    complements: Vec<f64>,
    /// Each actor's risk attitude ρ this turn.
    pub(super) rho: Vec<f64>,
}

impl<'a> Turn<'a> {
    pub(super) fn new(
        p: &'a SmpParams,
        actors: &'a Actors<'a>,
        pos: &'a [Vec<f64>],
        ws: &mut Workspace,
    ) -> Self {
        let n = pos.len();
        let rows = distance_rows(pos, actors);
        let mut dist = Vec::with_capacity(n * n);
        for row in rows.chunks_exact(padded(n)) {
            dist.extend_from_slice(&row[..n]);
        }
        let complements = complements(&dist, &rows);
        let mut t = Turn {
            p,
            actors,
            pos,
            dist,
            rows,
            complements,
            rho: Vec::new(),
        };
        t.rho = t.risk_attitudes(ws);
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
            complements: &self.complements,
            rho: &self.rho,
            weight: &self.actors.weight,
        }
    }

    /// Risk attitudes from the risk-neutral PCE over all n positions (duplicates included).
    fn risk_attitudes(&self, ws: &mut Workspace) -> Vec<f64> {
        let n = self.pos.len();
        ws.u.clear();
        ws.u.extend(self.dist.iter().map(|d| 1.0 - d));
        pce_into(
            &mut ws.pce,
            &ws.u,
            n,
            self.actors.cap,
            self.p,
            &mut ws.probs,
        );
        let pr = &ws.probs;
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

    /// Best target of i, one target at a time (the reference [`Gains`] and [`best_target`]
    /// are tested against): largest gain above 1e−5, lowest index on ties; with i's estimate of
    /// its probability of winning against it (φ).
    ///
    /// The gain is i's estimate of the change in its own utility if it challenges j;
    /// `phis[j]` is i's estimate of its chance to win against j.
    #[cfg(test)]
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
            let sj = self.actors.tot_sal[j];
            let eu_chlg = (1.0 - sj) * eu_vict + sj * eu_contest;
            let g = eu_chlg - eu_sq;
            if g > 1e-5 && best.is_none_or(|(_, b, _)| g > b) {
                best = Some((j, g, phi));
            }
        }
        best.map(|(j, _, phi)| (j, phi))
    }

    /// Every initiator's gain from challenging every target (`gains[i * S + j]`, S =
    /// [`padded`]`(n)`) given the challenge probabilities `phis` in the same padded rows, as
    /// [`Turn::target`] computes it, the targets side by side in packs; `sal_row` holds the
    /// total saliences padded.
    fn gains(&self, phis: &[f64], sal_row: &mut Vec<f64>, gains: &mut Vec<f64>) {
        let n = self.pos.len();
        let s = padded(n);
        fit(sal_row, s);
        sal_row[..n].copy_from_slice(self.actors.tot_sal);
        fit(gains, n * s);
        run(Gains {
            turn: self,
            phis: &phis[..n * s],
            tot_sal: sal_row,
            out: gains,
        });
    }

    /// Interpolated bargain between i and j given i's win probability `pi`: the new positions
    /// of i and of j, written into `bi` and `bj`.
    fn interpolate(&self, i: usize, j: usize, pi: f64, bi: &mut [f64], bj: &mut [f64]) {
        let pj = 1.0 - pi;
        let (xi, xj) = (&self.pos[i], &self.pos[j]);
        let sal = self.actors.sal;
        for k in 0..xi.len() {
            let (si, sj) = (sal[i][k], sal[j][k]);
            match self.p.inter_vec_brgn {
                InterVecBrgn::S1P1 | InterVecBrgn::S2P2 => {
                    let (wi, wj) = if self.p.inter_vec_brgn == InterVecBrgn::S2P2 {
                        (si * si * pi * pi, sj * sj * pj * pj)
                    } else {
                        (si * pi, sj * pj)
                    };
                    let den = wi + 1e-6 + wj;
                    bi[k] = round4(((wi + 1e-6) * xi[k] + wj * xj[k]) / den);
                    bj[k] = round4((wi * xi[k] + (wj + 1e-6) * xj[k]) / den);
                }
                InterVecBrgn::S2PMax => {
                    // The weaker side moves towards the stronger by the probability gap,
                    // scaled by the other side's share of squared salience.
                    let (s2i, s2j) = (si * si, sj * sj);
                    let tot = s2i + s2j + 1e-12;
                    let di = (pj - pi).max(0.0) * s2j / tot;
                    let dj = (pi - pj).max(0.0) * s2i / tot;
                    bi[k] = round4(xi[k] + di * (xj[k] - xi[k]));
                    bj[k] = round4(xj[k] + dj * (xi[k] - xj[k]));
                }
            }
        }
    }

    /// The bargains of i's challenge of j, `pi_i` being i's own estimate of its chance to win,
    /// appended to `bargains` with their positions appended to `positions`.
    fn bargains_for(
        &self,
        i: usize,
        j: usize,
        pi_i: f64,
        bargains: &mut Vec<Bargain>,
        positions: &mut Vec<f64>,
    ) {
        let dims = self.pos[i].len();
        let mut make = |pi: f64| {
            let at = positions.len();
            positions.resize(at + 2 * dims, 0.0);
            let (bi, bj) = positions[at..].split_at_mut(dims);
            self.interpolate(i, j, pi, bi, bj);
            bargains.push(Bargain { init: i, recv: j });
        };
        match self.p.bargn_model {
            BargnModel::InitOnlyInterp => make(pi_i),
            BargnModel::InitRcvrInterp => {
                make(pi_i);
                make(win_prob(&self.field(), j, i, j));
            }
            BargnModel::PWCompInterp => {
                let (mut a, mut b) = (vec![0.0; 2 * dims], vec![0.0; 2 * dims]);
                let (ai, aj) = a.split_at_mut(dims);
                self.interpolate(i, j, pi_i, ai, aj);
                let (bi, bj) = b.split_at_mut(dims);
                self.interpolate(i, j, win_prob(&self.field(), j, i, j), bi, bj);
                let wi = self.actors.cap[i] * self.actors.tot_sal[i];
                let wj = self.actors.cap[j] * self.actors.tot_sal[j];
                let tot = (wi + wj).max(1e-12);
                positions.extend(
                    a.iter()
                        .zip(&b)
                        .map(|(x, y)| round4((wi * x + wj * y) / tot)),
                );
                bargains.push(Bargain { init: i, recv: j });
            }
        }
    }

    /// Probability of each distinct position (‖Δ‖ < 1e−3) and the index of each actor's group.
    pub(super) fn position_probs(&self, ws: &mut Workspace) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
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
            within_a_thousandth(d2)
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
        ws.u.clear();
        for k in 0..n {
            ws.u.extend(reps.iter().map(|&r| util(self.d(k, r), self.rho[k])));
        }
        let mut probs = Vec::new();
        pce_into(
            &mut ws.pce,
            &ws.u,
            reps.len(),
            self.actors.cap,
            self.p,
            &mut probs,
        );
        (reps, group, probs)
    }

    /// Every actor's utility of every current position (`ws.own`), their running sums in
    /// actor order (`ws.prefix`), and the average utility to every actor of the positions
    /// after each bargain (`ws.utils`).
    fn bargain_utils(&self, ws: &mut Workspace) {
        let n = self.pos.len();
        let s = padded(n);
        let dims = self.pos.first().map_or(0, Vec::len);
        fit(&mut ws.own, n * s);
        for (a, row) in ws.own.chunks_exact_mut(s).enumerate() {
            for (m, u) in row[..n].iter_mut().enumerate() {
                *u = util(self.d(m, a), self.rho[m]);
            }
        }
        fit(&mut ws.prefix, (n + 1) * s);
        for a in 0..n {
            let (done, next) = ws.prefix.split_at_mut((a + 1) * s);
            let (sum, own) = (&done[a * s..], &ws.own[a * s..(a + 1) * s]);
            for ((x, &t), &u) in next[..s].iter_mut().zip(sum).zip(own) {
                *x = t + u;
            }
        }
        let nb = ws.bargains.len();
        // Every value is written below.
        ws.changed.resize(2 * nb * s, 0.0);
        // Every actor's positions, saliences, salience norm and risk attitude, by column.
        let cols = &mut ws.columns;
        fit(cols, (2 * dims + 2) * s);
        for m in 0..n {
            for d in 0..dims {
                cols[d * s + m] = self.pos[m][d];
                cols[(dims + d) * s + m] = self.actors.sal[m][d];
            }
            cols[2 * dims * s + m] = self.actors.norm[m];
            cols[(2 * dims + 1) * s + m] = self.rho[m];
        }
        run(ChangedUtils {
            dims,
            s,
            columns: &ws.columns,
            bargains: &ws.bargains,
            positions: &ws.bargain_pos,
            out: &mut ws.changed,
        });
        // Every value is written below.
        ws.utils.resize(nb * s, 0.0);
        run(BargainSums {
            n,
            bargains: &ws.bargains,
            own: &ws.own,
            prefix: &ws.prefix,
            changed: &ws.changed,
            out: &mut ws.utils,
        });
    }

    /// Every actor's position after this turn, written into `next` (which must hold the
    /// current positions): each actor's options are its status quo, then the bargains it is
    /// part of in initiator order; it takes the most probable one (or draws one from `rng`,
    /// with stochastic transitions).
    pub(super) fn next_positions(
        &self,
        rng: &mut ChaCha8Rng,
        ws: &mut Workspace,
        next: &mut [Vec<f64>],
    ) {
        let n = self.pos.len();
        let s = padded(n);
        let dims = self.pos.first().map_or(0, Vec::len);
        // Challenges and bargains; each actor's options in initiator order.
        ws.bargains.clear();
        ws.bargain_pos.clear();
        ws.options.resize_with(n, Vec::new);
        for o in &mut ws.options {
            o.clear();
        }
        let phis = win_probs(&self.field(), &mut ws.win);
        self.gains(phis, &mut ws.sal_row, &mut ws.gains);
        for i in 0..n {
            if let Some((j, phi)) =
                best_target(i, &ws.gains[i * s..i * s + n], &phis[i * s..i * s + n])
            {
                let first = ws.bargains.len();
                self.bargains_for(i, j, phi, &mut ws.bargains, &mut ws.bargain_pos);
                for b in first..ws.bargains.len() {
                    ws.options[i].push(b);
                    ws.options[j].push(b);
                }
            }
        }
        self.bargain_utils(ws);
        let inv = n as f64;
        for (k, next) in next.iter_mut().enumerate() {
            let q = ws.options[k].len() + 1;
            let chosen = if q == 1 {
                0
            } else {
                // Option 0 is the status quo, then the bargains.
                // One row of q utilities per voter.
                ws.u.clear();
                ws.u.resize(n * q, 0.0);
                let status_quo = &ws.prefix[n * s..n * s + n];
                for ((row, &sq), m) in ws.u.chunks_exact_mut(q).zip(status_quo).zip(0..) {
                    row[0] = sq / inv;
                    for (x, &b) in row[1..].iter_mut().zip(&ws.options[k]) {
                        *x = ws.utils[b * s + m];
                    }
                }
                pce_into(
                    &mut ws.pce,
                    &ws.u,
                    q,
                    self.actors.cap,
                    self.p,
                    &mut ws.probs,
                );
                let pr = &ws.probs;
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
            if chosen > 0 {
                let b = ws.options[k][chosen - 1];
                let at = 2 * b * dims + if ws.bargains[b].init == k { 0 } else { dims };
                next.copy_from_slice(&ws.bargain_pos[at..at + dims]);
            }
        }
    }
}

/// The target with the largest gain above 1e−5 (lowest index on ties, never i itself) among
/// `gains`, with i's chance to win against it from `phis`.
fn best_target(i: usize, gains: &[f64], phis: &[f64]) -> Option<(usize, f64)> {
    // The running best starts at the threshold: a gain must exceed both (a NaN never does),
    // and only a strictly larger one replaces it. Selects rather than branches: which
    // target wins follows no pattern a branch predictor could learn.
    let (mut best, mut at) = (1e-5, usize::MAX);
    for (j, &g) in gains.iter().enumerate() {
        let better = (j != i) & (g > best);
        best = if better { g } else { best };
        at = if better { j } else { at };
    }
    (at != usize::MAX).then(|| (at, phis[at]))
}

/// Every initiator's expected gain from challenging each target, the targets side by side:
/// the operations of [`Turn::target`] lane by lane (the lane of i itself is computed and not
/// used).
struct Gains<'a, 'b> {
    turn: &'a Turn<'b>,
    /// `phis[i * S + j]`: i's chance to win against j, in padded rows.
    phis: &'a [f64],
    /// Each actor's total salience, padded.
    tot_sal: &'a [f64],
    out: &'a mut [f64],
}

impl Kernel for Gains<'_, '_> {
    type Out = ();
    #[inline(always)]
    fn run<P: Real>(self) {
        let t = self.turn;
        let n = t.pos.len();
        let s = padded(n);
        let (one, two) = (P::splat(1.0), P::splat(2.0));
        for i in 0..n {
            let r = rho_est(t.p.big_r_adjust, t.rho[i], t.rho[i]);
            let uki = util(t.d(i, i), r);
            let (r, uki) = (P::splat(r), P::splat(uki));
            let row = i * s..(i + 1) * s;
            let packs = t.rows[row.clone()]
                .chunks_exact(P::LANES)
                .zip(self.phis[row.clone()].chunks_exact(P::LANES))
                .zip(self.tot_sal[..s].chunks_exact(P::LANES))
                .zip(self.out[row].chunks_exact_mut(P::LANES));
            for (((d, phi), sj), out) in packs {
                let (phi, sj) = (P::load(phi), P::load(sj));
                let ukj = util(P::load(d), r);
                let eu_sq = uki + ukj;
                let eu_vict = uki + uki;
                let eu_contest = phi * two * uki + (one - phi) * two * ukj;
                let eu_chlg = (one - sj) * eu_vict + sj * eu_contest;
                (eu_chlg - eu_sq).store(out);
            }
        }
    }
}

/// Every actor's utility of the two changed positions of every bargain, the actors side by
/// side in packs: `distance` and [`util`] with the same operations in the same order, one
/// actor per lane (a norm of at most 0 gives the distance 0). `columns` holds, `s` values
/// each, the positions by dimension, the saliences by dimension, the norms and the risk
/// attitudes; `out[(2 b + side) * s + m]`, side 0 being the first changed position in actor
/// order.
struct ChangedUtils<'a> {
    dims: usize,
    s: usize,
    columns: &'a [f64],
    bargains: &'a [Bargain],
    positions: &'a [f64],
    out: &'a mut [f64],
}

impl Kernel for ChangedUtils<'_> {
    type Out = ();
    #[inline(always)]
    fn run<P: Real>(self) {
        let (dims, s) = (self.dims, self.s);
        let col = |c: usize| &self.columns[c * s..(c + 1) * s];
        let (norm, rho) = (col(2 * dims), col(2 * dims + 1));
        for (b, bargain) in self.bargains.iter().enumerate() {
            let at = &self.positions[2 * b * dims..2 * (b + 1) * dims];
            let (lo, hi) = if bargain.init <= bargain.recv {
                (&at[..dims], &at[dims..])
            } else {
                (&at[dims..], &at[..dims])
            };
            for (side, x) in [lo, hi].into_iter().enumerate() {
                let out = &mut self.out[(2 * b + side) * s..(2 * b + side + 1) * s];
                for o in (0..s).step_by(P::LANES) {
                    // The sum of squares starts where `Iterator::sum` starts; adding a square
                    // (never −0) to either zero gives the square.
                    let mut num = P::splat(-0.0);
                    for (d, &x) in x.iter().enumerate() {
                        let p = P::load(&col(d)[o..]);
                        let w = P::load(&col(dims + d)[o..]);
                        let t = w * (p - P::splat(x));
                        num = num + t * t;
                    }
                    let norm = P::load(&norm[o..]);
                    let zero = P::splat(0.0);
                    let d = norm.le_select(0.0, zero, (num / norm).sqrt());
                    util(d, P::load(&rho[o..])).store(&mut out[o..]);
                }
            }
        }
    }
}

/// The average utility of the positions after every bargain, for every actor: actor m's sum
/// starts from its running sum up to the first changed position, adds that position's new
/// utility, the unchanged ones up to the second, its new utility and the rest, in actor order,
/// and is divided by n; the actors' sums run side by side in packs.
struct BargainSums<'a> {
    n: usize,
    bargains: &'a [Bargain],
    own: &'a [f64],
    prefix: &'a [f64],
    changed: &'a [f64],
    out: &'a mut [f64],
}

impl Kernel for BargainSums<'_> {
    type Out = ();
    #[inline(always)]
    fn run<P: Real>(self) {
        let (n, s) = (self.n, padded(self.n));
        let count = P::splat(n as f64);
        for (b, bargain) in self.bargains.iter().enumerate() {
            let (lo, hi) = (
                bargain.init.min(bargain.recv),
                bargain.init.max(bargain.recv),
            );
            let changed = &self.changed[2 * b * s..2 * (b + 1) * s];
            let out = &mut self.out[b * s..(b + 1) * s];
            let sums = Sums {
                n,
                s,
                lo,
                hi,
                own: self.own,
                prefix: self.prefix,
                changed,
                count,
            };
            // Two packs of actors at a time; a padded row is a whole number of packs, and of
            // pairs of them unless the packs are as wide as the widest.
            let mut o = 0;
            while o + 2 * P::LANES <= s {
                sums.packs::<2>(o, out);
                o += 2 * P::LANES;
            }
            if o < s {
                sums.packs::<1>(o, out);
            }
        }
    }
}

/// One bargain's sums for [`BargainSums`]: what every pack of actors reads.
struct Sums<'a, P> {
    n: usize,
    s: usize,
    lo: usize,
    hi: usize,
    own: &'a [f64],
    prefix: &'a [f64],
    /// The bargain's two rows of changed utilities.
    changed: &'a [f64],
    count: P,
}

impl<P: Real> Sums<'_, P> {
    /// The sums of `G` packs of actors from `o`, divided by n, into `out[o..]`.
    #[inline(always)]
    fn packs<const G: usize>(&self, o: usize, out: &mut [f64]) {
        let (s, lo, hi, step) = (self.s, self.lo, self.hi, G * P::LANES);
        // Plain loops over the packs: `std::array::from_fn` would hand each pack to a closure
        // the compiler keeps out of line, outside the function compiled for the packs'
        // instructions, and call it (and each pack operation) once per pack.
        let add = |mut t: [P; G], row: &[f64]| -> [P; G] {
            let row = &row[o..o + step];
            for (t, x) in t.iter_mut().zip(row.chunks_exact(P::LANES)) {
                *t = *t + P::load(x);
            }
            t
        };
        let start = &self.prefix[lo * s + o..lo * s + o + step];
        let changed = &self.changed[o..o + step];
        let mut t = [P::splat(0.0); G];
        for ((t, a), b) in t
            .iter_mut()
            .zip(start.chunks_exact(P::LANES))
            .zip(changed.chunks_exact(P::LANES))
        {
            *t = P::load(a) + P::load(b);
        }
        if hi != lo {
            for a in lo + 1..hi {
                t = add(t, &self.own[a * s..]);
            }
            t = add(t, &self.changed[s..]);
        }
        for a in hi + 1..self.n {
            t = add(t, &self.own[a * s..]);
        }
        for (g, t) in t.into_iter().enumerate() {
            (t / self.count).store(&mut out[o + g * P::LANES..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::smp::lanes::{run_at, widths};

    #[test]
    fn a_square_distance_below_a_millionth_is_a_distance_below_a_thousandth() {
        let boundary = 1e-6_f64;
        let below = f64::from_bits(boundary.to_bits() - 1);
        assert!(boundary.sqrt() >= 1e-3 && below.sqrt() < 1e-3);
        assert!(!within_a_thousandth(boundary) && within_a_thousandth(below));
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..100_000 {
            let d2 = rng.random_range(0.0..4e-6) * rng.random_range(0.0..1.0);
            assert_eq!(within_a_thousandth(d2), d2.sqrt() < 1e-3, "{d2:e}");
        }
        for d2 in [0.0, -0.0, f64::NAN, f64::INFINITY, 1e-300, 9.99e-7] {
            assert_eq!(within_a_thousandth(d2), d2.sqrt() < 1e-3, "{d2:e}");
        }
    }

    #[test]
    fn distance_is_salience_weighted_and_utility_falls_with_it() {
        let (none, first) = ([0.0, 0.0], [1.0, 0.0]);
        assert_eq!(
            distance(&[0.0, 0.0], &[1.0, 1.0], &none, salience_norm(&none)),
            0.0
        );
        assert_eq!(
            distance(&[0.0, 0.0], &[1.0, 0.5], &first, salience_norm(&first)),
            1.0
        );
        assert_eq!(round4(0.123_456), 0.1235);
    }

    #[test]
    fn positions_within_a_thousandth_are_one_and_nobody_moves_without_a_target() {
        let p = SmpParams::default();
        let (cap, sal) = ([1.0, 1.0, 1.0], vec![vec![0.5]; 3]);
        let tot = [0.5; 3];
        let actors = Actors::new(&cap, &sal, &tot);
        let mut ws = Workspace::default();
        let pos = vec![vec![0.2], vec![0.2005], vec![0.8]];
        let turn = Turn::new(&p, &actors, &pos, &mut ws);
        let (reps, group, probs) = turn.position_probs(&mut ws);
        assert_eq!(reps, vec![0, 2]);
        assert_eq!(group, vec![0, 0, 1]);
        assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let same = vec![vec![0.4]; 3];
        let turn = Turn::new(&p, &actors, &same, &mut ws);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut next = same.clone();
        turn.next_positions(&mut rng, &mut ws, &mut next);
        assert_eq!(next, same);
    }

    #[test]
    fn distance_rows_at_every_width_are_the_one_by_one_distances_to_the_last_bit() {
        for (n, dims) in [(3, 1), (9, 2), (13, 3), (34, 1)] {
            let cap = vec![1.0; n];
            let sal: Vec<Vec<f64>> = (0..n)
                .map(|i| {
                    (0..dims)
                        .map(|d| {
                            if i == 2 {
                                0.0
                            } else {
                                0.1 + ((i + d) % 5) as f64 / 7.0
                            }
                        })
                        .collect()
                })
                .collect();
            let tot: Vec<f64> = sal.iter().map(|s| s.iter().sum()).collect();
            let actors = Actors::new(&cap, &sal, &tot);
            let pos: Vec<Vec<f64>> = (0..n)
                .map(|i| {
                    (0..dims)
                        .map(|d| ((i * 37 + d * 11) % 13) as f64 / 12.3)
                        .collect()
                })
                .collect();
            let s = padded(n);
            let mut columns = vec![0.0; dims * s];
            for (j, q) in pos.iter().enumerate() {
                for (d, &x) in q.iter().enumerate() {
                    columns[d * s + j] = x;
                }
            }
            let mut all = vec![distance_rows(&pos, &actors)];
            for at in widths() {
                let mut rows = vec![7.0; n * s];
                let kernel = Distances {
                    pos: &pos,
                    sal: &sal,
                    norm: &actors.norm,
                    columns: &columns,
                    rows: &mut rows,
                };
                run_at(kernel, at);
                all.push(rows);
            }
            let mut scalar = vec![7.0; n * s];
            Distances {
                pos: &pos,
                sal: &sal,
                norm: &actors.norm,
                columns: &columns,
                rows: &mut scalar,
            }
            .run::<f64>();
            all.push(scalar);
            for rows in &all {
                for i in 0..n {
                    for j in 0..s {
                        let want = if j < n {
                            distance(&pos[i], &pos[j], &sal[i], actors.norm[i])
                        } else {
                            0.0
                        };
                        let got = rows[i * s + j];
                        assert_eq!(got.to_bits(), want.to_bits(), "{n} {dims} {i} {j}");
                    }
                }
            }
        }
    }

    #[test]
    fn targets_chosen_on_packs_are_the_one_by_one_choices() {
        let p = SmpParams::default();
        for n in [3, 9, 13] {
            let cap: Vec<f64> = (0..n).map(|i| 1.0 + (i * 7 % 5) as f64).collect();
            let sal: Vec<Vec<f64>> = (0..n).map(|i| vec![0.2 + (i % 4) as f64 / 5.0]).collect();
            let tot: Vec<f64> = sal.iter().map(|s| s.iter().sum()).collect();
            let actors = Actors::new(&cap, &sal, &tot);
            let pos: Vec<Vec<f64>> = (0..n).map(|i| vec![(i * 37 % 11) as f64 / 10.0]).collect();
            let mut ws = Workspace::default();
            let turn = Turn::new(&p, &actors, &pos, &mut ws);
            // Challenge probabilities of every kind, ties among them too.
            let phis: Vec<f64> = (0..n * n).map(|x| ((x * 13) % 7) as f64 / 6.0).collect();
            let s = padded(n);
            let mut cols = vec![0.0; (n + 1) * s];
            for i in 0..n {
                cols[i * s..i * s + n].copy_from_slice(&phis[i * n..(i + 1) * n]);
            }
            cols[n * s..n * s + n].copy_from_slice(&tot);
            let mut all = Vec::new();
            turn.gains(&cols[..n * s], &mut ws.sal_row, &mut ws.gains);
            all.push(ws.gains.clone());
            for at in widths() {
                let mut out = vec![0.0; n * s];
                let kernel = Gains {
                    turn: &turn,
                    phis: &cols[..n * s],
                    tot_sal: &cols[n * s..],
                    out: &mut out,
                };
                run_at(kernel, at);
                all.push(out);
            }
            let chosen = (0..n)
                .filter(|&i| turn.target(i, &phis[i * n..(i + 1) * n]).is_some())
                .count();
            assert!(chosen > 0, "{n}: no actor challenges");
            for gains in &all {
                for i in 0..n {
                    let row = &phis[i * n..(i + 1) * n];
                    let got = best_target(i, &gains[i * s..i * s + n], row);
                    let want = turn.target(i, row);
                    assert_eq!(
                        got.map(|(j, phi)| (j, phi.to_bits())),
                        want.map(|(j, phi)| (j, phi.to_bits())),
                        "{n} {i}"
                    );
                }
            }
        }
    }

    /// The average utilities after a bargain, one actor at a time, each sum in actor order.
    fn bargain_utils_one_by_one(
        turn: &Turn,
        b: Bargain,
        pos_init: &[f64],
        pos_recv: &[f64],
    ) -> Vec<f64> {
        let n = turn.pos.len();
        let sal = turn.actors.sal;
        (0..n)
            .map(|m| {
                let u = |a: usize| {
                    let norm = salience_norm(&sal[m]);
                    let d = if a == b.init {
                        distance(&turn.pos[m], pos_init, &sal[m], norm)
                    } else if a == b.recv {
                        distance(&turn.pos[m], pos_recv, &sal[m], norm)
                    } else {
                        turn.d(m, a)
                    };
                    util(d, turn.rho[m])
                };
                let mut total = 0.0;
                for a in 0..n {
                    total += u(a);
                }
                total / n as f64
            })
            .collect()
    }

    #[test]
    fn bargain_utilities_side_by_side_are_the_one_by_one_sums_to_the_last_bit() {
        let p = SmpParams::default();
        for n in [3, 9, 13] {
            let cap: Vec<f64> = (0..n).map(|i| 1.0 + (i * 7 % 5) as f64).collect();
            let sal: Vec<Vec<f64>> = (0..n)
                .map(|i| vec![0.2 + (i % 4) as f64 / 5.0, 0.9 - (i % 3) as f64 / 4.0])
                .collect();
            let tot: Vec<f64> = sal.iter().map(|s| s.iter().sum()).collect();
            let actors = Actors::new(&cap, &sal, &tot);
            let pos: Vec<Vec<f64>> = (0..n)
                .map(|i| vec![(i * 37 % 11) as f64 / 10.0, (i * 13 % 7) as f64 / 6.0])
                .collect();
            let mut ws = Workspace::default();
            let turn = Turn::new(&p, &actors, &pos, &mut ws);
            // Bargains both ways round, neighbours and the two ends.
            let pairs = [(0, 1), (1, 0), (0, n - 1), (n - 1, 0), (n / 2, 1)];
            ws.bargains.clear();
            ws.bargain_pos.clear();
            for (x, &(i, j)) in pairs.iter().enumerate() {
                ws.bargains.push(Bargain { init: i, recv: j });
                let shift = x as f64 / 10.0;
                ws.bargain_pos
                    .extend([0.1 + shift, 0.7 - shift, 0.45 + shift / 2.0, 0.2]);
            }
            turn.bargain_utils(&mut ws);
            let s = padded(n);
            let mut all = vec![ws.utils.clone()];
            for at in widths() {
                let mut out = vec![0.0; ws.utils.len()];
                let kernel = BargainSums {
                    n,
                    bargains: &ws.bargains,
                    own: &ws.own,
                    prefix: &ws.prefix,
                    changed: &ws.changed,
                    out: &mut out,
                };
                run_at(kernel, at);
                all.push(out);
            }
            let mut scalar = vec![0.0; ws.utils.len()];
            BargainSums {
                n,
                bargains: &ws.bargains,
                own: &ws.own,
                prefix: &ws.prefix,
                changed: &ws.changed,
                out: &mut scalar,
            }
            .run::<f64>();
            all.push(scalar);
            for (b, &bargain) in ws.bargains.iter().enumerate() {
                let at = &ws.bargain_pos[4 * b..4 * b + 4];
                let want = bargain_utils_one_by_one(&turn, bargain, &at[..2], &at[2..]);
                for got in &all {
                    for (m, w) in want.iter().enumerate() {
                        assert_eq!(got[b * s + m].to_bits(), w.to_bits(), "{n} {b} {m}");
                    }
                }
                // The status quo is the full running sum over n.
                let sq: f64 = (0..n).map(|a| ws.own[a * s]).fold(0.0, |t, u| t + u) / n as f64;
                assert_eq!(sq.to_bits(), (ws.prefix[n * s] / n as f64).to_bits());
            }
        }
    }
}
