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

use super::params::{BigRAdjust, SmpParams, ThirdPartyCommit, VotingRule};
use super::voting::vote;

/// Utility of distance `d` with risk attitude `rho` (positive = risk-averse).
#[inline(always)]
pub(super) fn util(d: f64, rho: f64) -> f64 {
    if d <= 1.0 {
        (1.0 - d) * (1.0 + d * rho)
    } else {
        (1.0 - d) * (1.0 + rho)
    }
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
    /// Each actor's risk attitude.
    pub(super) rho: &'a [f64],
    /// Each actor's voting weight: total salience × capability.
    pub(super) weight: &'a [f64],
}

impl Field<'_> {
    fn d(&self, a: usize, b: usize) -> f64 {
        self.dist[a * self.n + b]
    }
}

/// The two sides' values of a third party's vote (pik = its chance of siding with i).
#[inline(always)]
fn third_party(tp: ThirdPartyCommit, pik: f64, uki: f64, ukj: f64, ukk: f64) -> (f64, f64) {
    match tp {
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

/// i's own estimate of its probability of winning against every j: `out[j]` = `win_prob(f, i,
/// i, j)` for j ≠ i (`out[i]` is left at 0).
pub(super) fn win_probs(f: &Field, i: usize) -> Vec<f64> {
    macro_rules! with_third {
        ($rule:expr) => {
            match f.p.third_party {
                ThirdPartyCommit::SemiCommit => sweep_all(
                    f,
                    i,
                    |w, a, b| vote($rule, w, a, b),
                    |p, a, b, c| third_party(ThirdPartyCommit::SemiCommit, p, a, b, c),
                ),
                ThirdPartyCommit::FullCommit => sweep_all(
                    f,
                    i,
                    |w, a, b| vote($rule, w, a, b),
                    |p, a, b, c| third_party(ThirdPartyCommit::FullCommit, p, a, b, c),
                ),
                ThirdPartyCommit::NoCommit => sweep_all(
                    f,
                    i,
                    |w, a, b| vote($rule, w, a, b),
                    |p, a, b, c| third_party(ThirdPartyCommit::NoCommit, p, a, b, c),
                ),
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

/// [`win_probs`] for one voting rule and one third-party rule, known at compile time.
fn sweep_all<V, T>(f: &Field, i: usize, vote: V, third: T) -> Vec<f64>
where
    V: Fn(f64, f64, f64) -> f64 + Copy,
    T: Fn(f64, f64, f64, f64) -> (f64, f64) + Copy,
{
    let n = f.n;
    let adjust = f.p.big_r_adjust;
    // r[a] = i's estimate of a's risk attitude.
    let r: Vec<f64> = (0..n)
        .map(|a| rho_est(adjust, f.rho[i], f.rho[a]))
        .collect();
    let mut base = vec![0.0; n];
    let mut sum0 = vec![0.0; n];
    let mut c_for = vec![0.0; n];
    let mut c_against = vec![0.0; n];
    for j in (0..n).filter(|&j| j != i) {
        let vi = vote(f.weight[i], util(f.d(i, i), r[i]), util(f.d(i, j), r[i]));
        let vj = vote(f.weight[j], util(f.d(j, i), r[j]), util(f.d(j, j), r[j]));
        let cij0 = 1e-10 + vi.max(0.0) + vj.max(0.0);
        let cji0 = 1e-10 + (-vi).max(0.0) + (-vj).max(0.0);
        base[j] = cij0;
        sum0[j] = cij0 + cji0;
        c_for[j] = cij0;
        c_against[j] = cji0;
    }
    for k in (0..n).filter(|&k| k != i) {
        let third_k = ThirdParty {
            w: f.weight[k],
            rho: r[k],
            uki: util(f.d(k, i), r[k]),
            ukk: util(f.d(k, k), r[k]),
        };
        let row = &f.dist[k * n..(k + 1) * n];
        // Every target but k itself (k is a principal there, not a third party).
        let (lo, hi) = (0..k, k + 1..n);
        sweep(
            &third_k,
            &row[lo.clone()],
            &base[lo.clone()],
            &sum0[lo.clone()],
            &mut c_for[lo.clone()],
            &mut c_against[lo],
            vote,
            third,
        );
        sweep(
            &third_k,
            &row[hi.clone()],
            &base[hi.clone()],
            &sum0[hi.clone()],
            &mut c_for[hi.clone()],
            &mut c_against[hi],
            vote,
            third,
        );
    }
    (0..n)
        .map(|j| {
            if j == i {
                0.0
            } else {
                c_for[j] / (c_for[j] + c_against[j])
            }
        })
        .collect()
}

/// One third party k as the initiator sees it.
struct ThirdParty {
    w: f64,
    rho: f64,
    uki: f64,
    ukk: f64,
}

/// Adds third party k's vote to the coalitions of a run of targets (`row[j]` = d(k, j)).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn sweep<V, T>(
    k: &ThirdParty,
    row: &[f64],
    base: &[f64],
    sum0: &[f64],
    c_for: &mut [f64],
    c_against: &mut [f64],
    vote: V,
    third: T,
) where
    V: Fn(f64, f64, f64) -> f64 + Copy,
    T: Fn(f64, f64, f64, f64) -> (f64, f64) + Copy,
{
    let m = row.len();
    let (base, sum0) = (&base[..m], &sum0[..m]);
    let (c_for, c_against) = (&mut c_for[..m], &mut c_against[..m]);
    for j in 0..m {
        let ukj = util(row[j], k.rho);
        let vk = vote(k.w, k.uki, ukj);
        let pik = (base[j] + vk.max(0.0)) / (sum0[j] + vk.abs());
        let (a, b) = third(pik, k.uki, ukj, k.ukk);
        let vt = vote(k.w, a, b);
        c_for[j] += vt.max(0.0);
        c_against[j] += (-vt).max(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smp::params::BigRAdjust;

    #[test]
    fn the_row_of_win_probabilities_is_the_single_ones_to_the_last_bit() {
        let n = 7;
        let pos: Vec<f64> = (0..n).map(|i| ((i * 37) % 11) as f64 / 10.0).collect();
        let dist: Vec<f64> = (0..n * n)
            .map(|x| (pos[x / n] - pos[x % n]).abs() * (0.5 + (x % 3) as f64 / 4.0))
            .collect();
        let rho: Vec<f64> = (0..n).map(|i| (i as f64 - 3.0) / 3.5).collect();
        let weight: Vec<f64> = (0..n).map(|i| 10.0 + (i * i) as f64).collect();
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
                    rho: &rho,
                    weight: &weight,
                };
                for i in 0..n {
                    let row = win_probs(&f, i);
                    for (j, &got) in row.iter().enumerate().filter(|&(j, _)| j != i) {
                        let want = win_prob(&f, i, i, j);
                        assert_eq!(got.to_bits(), want.to_bits(), "{voting:?} {third_party:?}");
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
    }
}
