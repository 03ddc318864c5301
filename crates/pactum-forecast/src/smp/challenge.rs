//! Utilities, estimated risk attitudes and challenge probabilities of the SMP: how likely an
//! actor thinks it is that an initiator wins a challenge against a target, once every third
//! party has sided with one of the two.
//!
//! Rules: utility is `(1 − d)(1 + d ρ)` for d ≤ 1 and `(1 − d)(1 + ρ)` beyond; h's estimate of
//! i's risk attitude mixes the two by the [`BigRAdjust`]; the coalition for i against j starts
//! at `1e−10` plus the two principals' own votes and adds, third party by third party in actor
//! order, the positive part of each third party's vote (for j against i, the negative part).
//! [`win_probs`] computes one initiator's probabilities against every target at once: the
//! same operations in the same order as [`win_prob`] for each target, so the two agree to the
//! last bit; it only runs the targets side by side so that the arithmetic can be vectorised.

use super::lanes::{Kernel, Real, fit, padded, run};
use super::params::{BigRAdjust, SmpParams, ThirdPartyCommit, VotingRule};
use super::voting::vote;

/// Utility of distance `d` with risk attitude `rho` (positive = risk-averse), on one value or
/// lane by lane on a pack.
#[inline(always)]
pub(super) fn util<R: Real>(d: R, rho: R) -> R {
    let one = R::splat(1.0);
    let near = (one - d) * (one + d * rho);
    let far = (one - d) * (one + rho);
    d.le_select(1.0, near, far)
}

/// [`util`] of a distance `d` known to be at most 1, given `complement` = `1 − d`: the same
/// operations on the same operands as [`util`]'s branch for d ≤ 1.
#[inline(always)]
fn util_near<R: Real>(complement: R, d: R, rho: R) -> R {
    complement * (R::splat(1.0) + d * rho)
}

/// h's estimate (own attitude `rh`) of i's risk attitude `ri`.
#[inline(always)]
pub(super) fn rho_est(adjust: BigRAdjust, rh: f64, ri: f64) -> f64 {
    match adjust {
        BigRAdjust::NoRA => rh,
        BigRAdjust::OneThird => (2.0 * rh + ri) / 3.0,
        BigRAdjust::Half => (rh + ri) / 2.0,
        BigRAdjust::TwoThirds => (rh + 2.0 * ri) / 3.0,
        BigRAdjust::Full => ri,
    }
}

/// What a challenge probability is computed from, for one turn.
pub(super) struct Field<'a> {
    /// The model's switches.
    pub(super) p: &'a SmpParams,
    /// Number of actors.
    pub(super) n: usize,
    /// `dist[i * n + j]` = d(ideal_i, pos_j) with i's saliences.
    pub(super) dist: &'a [f64],
    /// The same distances in rows of [`padded`]`(n)`, zero beyond n: `rows[i * padded(n) + j]`.
    pub(super) rows: &'a [f64],
    /// `1 − rows[x]` for each x, or empty when some distance exceeds 1 (or is not a number).
    pub(super) complements: &'a [f64],
    /// Each actor's risk attitude.
    pub(super) rho: &'a [f64],
    /// Each actor's voting weight: total salience × capability.
    pub(super) weight: &'a [f64],
}

/// The rows of an n × n matrix, each padded with zeros to [`padded`]`(n)`.
#[cfg(test)]
pub(super) fn pad_rows(dist: &[f64], n: usize) -> Vec<f64> {
    let stride = padded(n);
    let mut rows = vec![0.0; n * stride];
    for (row, d) in rows.chunks_exact_mut(stride).zip(dist.chunks_exact(n)) {
        row[..n].copy_from_slice(d);
    }
    rows
}

/// `1 − d` of each padded distance when every distance in `dist` is at most 1, else nothing:
/// the [`Field::complements`] of a turn.
pub(super) fn complements(dist: &[f64], rows: &[f64]) -> Vec<f64> {
    if dist.iter().all(|&d| d <= 1.0) {
        rows.iter().map(|d| 1.0 - d).collect()
    } else {
        Vec::new()
    }
}

impl Field<'_> {
    fn d(&self, a: usize, b: usize) -> f64 {
        self.dist[a * self.n + b]
    }
}

/// The two sides' values of a third party's vote (pik = its chance of siding with i).
#[inline(always)]
fn third_party<R: Real>(tp: ThirdPartyCommit, pik: R, uki: R, ukj: R, ukk: R) -> (R, R) {
    let (one, two, three) = (R::splat(1.0), R::splat(2.0), R::splat(3.0));
    match tp {
        ThirdPartyCommit::SemiCommit => (
            pik * (two * uki + ukk) + (one - pik) * (three * ukj),
            pik * (three * uki) + (one - pik) * (two * ukj + ukk),
        ),
        ThirdPartyCommit::FullCommit => (
            pik * (three * uki) + (one - pik) * (three * ukj),
            pik * (three * uki) + (one - pik) * (three * ukj),
        ),
        ThirdPartyCommit::NoCommit => (
            pik * (two * uki + ukk) + (one - pik) * (two * ukj + ukk),
            pik * (two * uki + ukk) + (one - pik) * (two * ukj + ukk),
        ),
    }
}

/// h's estimate of the probability that i wins a challenge against j (φ).
pub(super) fn win_prob(f: &Field, h: usize, i: usize, j: usize) -> f64 {
    let u = |a: usize, b: usize| util(f.d(a, b), rho_est(f.p.big_r_adjust, f.rho[h], f.rho[a]));
    let vr = f.p.voting;
    let vi = vote(vr, f.weight[i], u(i, i), u(i, j));
    let vj = vote(vr, f.weight[j], u(j, i), u(j, j));
    let cij0 = 1e-10 + vi.max(0.0) + vj.max(0.0);
    let cji0 = 1e-10 + (-vi).max(0.0) + (-vj).max(0.0);
    let (mut cij, mut cji) = (cij0, cji0);
    for k in 0..f.n {
        if k == i || k == j {
            continue;
        }
        let w = f.weight[k];
        let (uki, ukj, ukk) = (u(k, i), u(k, j), u(k, k));
        let vk = vote(vr, w, uki, ukj);
        let pik = (cij0 + vk.max(0.0)) / (cij0 + cji0 + vk.abs());
        let (a, b) = third_party(f.p.third_party, pik, uki, ukj, ukk);
        let vt = vote(vr, w, a, b);
        cij += vt.max(0.0);
        cji += (-vt).max(0.0);
    }
    cij / (cij + cji)
}

/// Every actor's own estimate of its probability of winning against every other, in padded
/// rows kept in `b` from turn to turn: `out[i * S + j]` = `win_prob(f, i, i, j)` for j ≠ i
/// (S = [`padded`]`(n)`; the diagonal and the padding are 0).
pub(super) fn win_probs<'b>(f: &Field, b: &'b mut WinBuffers) -> &'b [f64] {
    run(WinProbs { f, b: &mut *b });
    &b.out
}

/// The loop of [`win_probs`].
struct WinProbs<'a, 'b> {
    f: &'a Field<'b>,
    b: &'a mut WinBuffers,
}

impl Kernel for WinProbs<'_, '_> {
    type Out = ();
    #[inline(always)]
    fn run<P: Real>(self) {
        win_probs_by_rule::<P>(self.f, self.b)
    }
}

/// [`win_probs`] on packs `P`, with the voting and third-party rules fixed inside each branch.
#[inline(always)]
fn win_probs_by_rule<P: Real>(f: &Field, b: &mut WinBuffers) {
    macro_rules! with_third {
        ($rule:expr) => {
            match f.p.third_party {
                ThirdPartyCommit::SemiCommit => {
                    sweep_all::<P>(f, b, $rule, ThirdPartyCommit::SemiCommit)
                }
                ThirdPartyCommit::FullCommit => {
                    sweep_all::<P>(f, b, $rule, ThirdPartyCommit::FullCommit)
                }
                ThirdPartyCommit::NoCommit => {
                    sweep_all::<P>(f, b, $rule, ThirdPartyCommit::NoCommit)
                }
            }
        };
    }
    match f.p.voting {
        VotingRule::Prop => with_third!(VotingRule::Prop),
        VotingRule::Binary => with_third!(VotingRule::Binary),
        VotingRule::PropBin => with_third!(VotingRule::PropBin),
        VotingRule::Cubic => with_third!(VotingRule::Cubic),
        VotingRule::PropCbc => with_third!(VotingRule::PropCbc),
        VotingRule::ASymProsp => with_third!(VotingRule::ASymProsp),
    }
}

/// [`win_probs`] for one voting rule and one third-party rule, known at compile time: third
/// party by third party, its vote is added to every target's two coalitions at once, a pack of
/// targets at a time, so each target's sums grow in the order [`win_prob`] adds them. The pack
/// holding k itself (a principal there, not a third party) gets k's sums put back; the lane of
/// i and the padding lanes are computed but never read.
#[inline(always)]
fn sweep_all<P: Real>(f: &Field, b: &mut WinBuffers, rule: VotingRule, tp: ThirdPartyCommit) {
    let n = f.n;
    let lanes = n.div_ceil(P::LANES) * P::LANES;
    let stride = padded(n);
    // Every value below n is written each turn; the padding, never written, stays zero.
    fit(&mut b.out, n * stride);
    fit(&mut b.cols, n * stride);
    for (j, row) in f.dist.chunks_exact(n).enumerate() {
        for (i, &d) in row.iter().enumerate() {
            b.cols[i * stride + j] = d;
        }
    }
    for v in [&mut b.diag, &mut b.weight, &mut b.r] {
        fit(v, lanes);
    }
    for v in &mut b.sums {
        fit(v, lanes);
    }
    for (j, d) in b.diag[..n].iter_mut().enumerate() {
        *d = f.d(j, j);
    }
    b.weight[..n].copy_from_slice(&f.weight[..n]);
    let near = !f.complements.is_empty();
    let mut out = std::mem::take(&mut b.out);
    for (i, row) in out.chunks_exact_mut(stride).enumerate() {
        let row = &mut row[..n];
        if near {
            sweep_one::<P, true>(f, i, rule, tp, b, row);
        } else {
            sweep_one::<P, false>(f, i, rule, tp, b, row);
        }
    }
    b.out = out;
}

/// What [`sweep_one`] reads besides the field, each row a whole number of packs (zeros
/// beyond n), the sums it writes, and the probabilities: the buffers of [`win_probs`], kept
/// from turn to turn.
#[derive(Debug, Default)]
pub(super) struct WinBuffers {
    /// `cols[i * padded(n) + j]` = d(j, i): the distances to i's position.
    cols: Vec<f64>,
    /// d(j, j) of each actor.
    diag: Vec<f64>,
    /// Each actor's voting weight.
    weight: Vec<f64>,
    /// The initiator's estimate of each actor's risk attitude.
    r: Vec<f64>,
    /// Per target: the base of the challenge probability's numerator, of its denominator,
    /// the coalition for the initiator, the coalition against it, j's utility of i's
    /// position and j's utility of its own.
    sums: [Vec<f64>; 6],
    /// The probabilities, in padded rows.
    out: Vec<f64>,
}

/// One initiator's row of [`sweep_all`]. `NEAR`: every distance is at most 1, so a utility
/// is [`util_near`] of the distance and its complement. The principals' own votes are taken
/// for every target side by side; the utilities they use that third parties use again (k's
/// utility of i's position and of its own) are kept for them. Unoptimised builds keep it a
/// function of its own: inlining its 36 copies there would make one stack frame of megabytes.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline(never))]
fn sweep_one<P: Real, const NEAR: bool>(
    f: &Field,
    i: usize,
    rule: VotingRule,
    tp: ThirdPartyCommit,
    bufs: &mut WinBuffers,
    out: &mut [f64],
) {
    let n = f.n;
    let lanes = n.div_ceil(P::LANES) * P::LANES;
    let stride = padded(n);
    let adjust = f.p.big_r_adjust;
    let r = &mut bufs.r;
    // r[a] = i's estimate of a's risk attitude.
    for (a, r) in r[..n].iter_mut().enumerate() {
        *r = rho_est(adjust, f.rho[i], f.rho[a]);
    }
    let r = &bufs.r[..];
    let [base, sum0, c_for, c_against, u_ki, u_kk] = &mut bufs.sums;
    let (ri, wi) = (P::splat(r[i]), P::splat(f.weight[i]));
    let uii = P::splat(util(f.d(i, i), r[i]));
    let tiny = P::splat(1e-10);
    let principals = f.rows[i * stride..i * stride + lanes]
        .chunks_exact(P::LANES)
        .zip(bufs.cols[i * stride..i * stride + lanes].chunks_exact(P::LANES))
        .zip(bufs.diag.chunks_exact(P::LANES))
        .zip(r.chunks_exact(P::LANES))
        .zip(bufs.weight.chunks_exact(P::LANES))
        .zip(base.chunks_exact_mut(P::LANES))
        .zip(sum0.chunks_exact_mut(P::LANES))
        .zip(c_for.chunks_exact_mut(P::LANES))
        .zip(c_against.chunks_exact_mut(P::LANES))
        .zip(u_ki.chunks_exact_mut(P::LANES))
        .zip(u_kk.chunks_exact_mut(P::LANES));
    for ((((((((((dij, dji), djj), rj), wj), b0), s0), cf), ca), uji_out), ujj_out) in principals {
        let rj = P::load(rj);
        let uij = util(P::load(dij), ri);
        let uji = util(P::load(dji), rj);
        let ujj = util(P::load(djj), rj);
        let vi = vote(rule, wi, uii, uij);
        let vj = vote(rule, P::load(wj), uji, ujj);
        let cij0 = tiny + vi.max0() + vj.max0();
        let cji0 = tiny + (-vi).max0() + (-vj).max0();
        cij0.store(b0);
        (cij0 + cji0).store(s0);
        cij0.store(cf);
        cji0.store(ca);
        uji.store(uji_out);
        ujj.store(ujj_out);
    }
    // Every buffer at the same length, so that the packs of a third party need no count each.
    let (base, sum0) = (&base[..lanes], &sum0[..lanes]);
    let (c_for, c_against) = (&mut c_for[..lanes], &mut c_against[..lanes]);
    // Third party k's values, and its rows taken in turn rather than indexed.
    let per_third = r[..n]
        .iter()
        .zip(&f.weight[..n])
        .zip(&u_ki[..n])
        .zip(&u_kk[..n]);
    let complements = if NEAR { f.complements } else { f.rows };
    let rows = f
        .rows
        .chunks_exact(stride)
        .zip(complements.chunks_exact(stride));
    for (k, ((((&rho, &w), &uki), &ukk), (row, complement))) in per_third.zip(rows).enumerate() {
        if k == i {
            continue;
        }
        let (rho, w, uki, ukk) = (P::splat(rho), P::splat(w), P::splat(uki), P::splat(ukk));
        let (row, complement) = (&row[..lanes], &complement[..lanes]);
        let kept = (c_for[k], c_against[k]);
        let packs = row
            .chunks_exact(P::LANES)
            .zip(complement.chunks_exact(P::LANES))
            .zip(base.chunks_exact(P::LANES))
            .zip(sum0.chunks_exact(P::LANES))
            .zip(c_for.chunks_exact_mut(P::LANES))
            .zip(c_against.chunks_exact_mut(P::LANES));
        for (((((d, c), b0), s0), cf), ca) in packs {
            let ukj = if NEAR {
                util_near(P::load(c), P::load(d), rho)
            } else {
                util(P::load(d), rho)
            };
            let vk = vote(rule, w, uki, ukj);
            let pik = (P::load(b0) + vk.max0()) / (P::load(s0) + vk.abs());
            let (a, b) = third_party(tp, pik, uki, ukj, ukk);
            let vt = vote(rule, w, a, b);
            (P::load(cf) + vt.max0()).store(cf);
            // Subtracting the negative part is adding the positive part of −vt.
            (P::load(ca) - vt.min0()).store(ca);
        }
        (c_for[k], c_against[k]) = kept;
    }
    for (j, p) in out.iter_mut().enumerate() {
        *p = if j == i {
            0.0
        } else {
            c_for[j] / (c_for[j] + c_against[j])
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smp::params::BigRAdjust;

    #[test]
    fn the_row_of_win_probabilities_at_every_width_is_the_single_ones_to_the_last_bit() {
        let n = 7;
        let pos: Vec<f64> = (0..n).map(|i| ((i * 37) % 11) as f64 / 10.0).collect();
        let rho: Vec<f64> = (0..n).map(|i| (i as f64 - 3.0) / 3.5).collect();
        let weight: Vec<f64> = (0..n).map(|i| 10.0 + (i * i) as f64).collect();
        // Distances all within 1 (the short path, and the general one forced), then some
        // beyond 1.
        for (scale, force_general) in [(1.0, false), (1.0, true), (1.6, false)] {
            let dist: Vec<f64> = (0..n * n)
                .map(|x| scale * (pos[x / n] - pos[x % n]).abs() * (0.5 + (x % 3) as f64 / 4.0))
                .collect();
            let rows = pad_rows(&dist, n);
            let complements = if force_general {
                Vec::new()
            } else {
                complements(&dist, &rows)
            };
            assert_eq!(complements.is_empty(), force_general || scale > 1.0);
            for voting in [
                VotingRule::Prop,
                VotingRule::Binary,
                VotingRule::PropBin,
                VotingRule::Cubic,
                VotingRule::PropCbc,
                VotingRule::ASymProsp,
            ] {
                for third_party in [
                    ThirdPartyCommit::SemiCommit,
                    ThirdPartyCommit::FullCommit,
                    ThirdPartyCommit::NoCommit,
                ] {
                    let p = SmpParams {
                        voting,
                        third_party,
                        big_r_adjust: BigRAdjust::Half,
                        ..SmpParams::default()
                    };
                    let f = Field {
                        p: &p,
                        n,
                        dist: &dist,
                        rows: &rows,
                        complements: &complements,
                        rho: &rho,
                        weight: &weight,
                    };
                    let mut scalar = WinBuffers::default();
                    win_probs_by_rule::<f64>(&f, &mut scalar);
                    let mut all = vec![scalar.out];
                    // Each width twice on the same buffers: a later turn reuses them.
                    let mut b = WinBuffers::default();
                    for at in crate::smp::lanes::widths() {
                        for _ in 0..2 {
                            crate::smp::lanes::run_at(WinProbs { f: &f, b: &mut b }, at);
                            all.push(b.out.clone());
                        }
                    }
                    let s = padded(n);
                    for rows in all {
                        assert_eq!(rows.len(), n * s);
                        for i in 0..n {
                            assert_eq!(rows[i * s + i], 0.0);
                            assert!(rows[i * s + n..(i + 1) * s].iter().all(|&x| x == 0.0));
                            for j in (0..n).filter(|&j| j != i) {
                                let (got, want) = (rows[i * s + j], win_prob(&f, i, i, j));
                                assert_eq!(
                                    got.to_bits(),
                                    want.to_bits(),
                                    "{voting:?} {third_party:?} {scale}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn utility_is_one_at_the_ideal_and_falls_with_distance() {
        assert_eq!(util(0.0, 0.5), 1.0);
        assert_eq!(util(1.0, 0.5), 0.0);
        assert!(util(0.5, 0.5) > util(0.5, 0.0));
        assert!(util(1.5, 0.0) < 0.0);
        assert_eq!(rho_est(BigRAdjust::Full, 0.2, 0.8), 0.8);
        assert_eq!(rho_est(BigRAdjust::NoRA, 0.2, 0.8), 0.2);
        for d in [0.0, 0.1, 0.37, 0.999, 1.0] {
            for rho in [-1.0, -0.5, 0.0, 0.3, 1.0] {
                let near = util_near(1.0 - d, d, rho);
                assert_eq!(near.to_bits(), util(d, rho).to_bits(), "{d} {rho}");
            }
        }
    }
}
