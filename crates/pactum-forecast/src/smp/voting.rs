//! Votes, victory probabilities and the probability of Condorcet election (PCE): how
//! actors' utilities over a set of options become each option's chance to win.
//!
//! Rules: a vote for a over b is the voter's weight times a function of the utility
//! difference (the [`VotingRule`]), so it changes sign with the difference; the coalition for
//! a over b is `1e−8 + Σ_k max(v_k(a,b), 0)`; a victory probability is a function of the two
//! coalition strengths (the [`VictoryProbModel`]); the PCE over m options sums to 1 (the
//! conditional model normalises the products of pairwise victory probabilities, the Markov
//! models iterate to a fixed point, at most 10,000 / 1,000 steps).

use super::lanes::{Kernel, Real, run};
use super::params::{PceModel, SmpParams, VictoryProbModel, VotingRule};

/// Vote of an actor with weight `w` for option a (utility `ua`) over b (utility `ub`), on one
/// value or lane by lane on a pack.
#[inline(always)]
pub(super) fn vote<R: Real>(rule: VotingRule, w: R, ua: R, ub: R) -> R {
    let d = ua - ub;
    match rule {
        VotingRule::Prop => w * d,
        VotingRule::Binary => w * (d / R::splat(1e-8)).clamp1(),
        VotingRule::PropBin => {
            let bin = (d / R::splat(1e-8)).clamp1();
            w * (R::splat(0.8) * d + R::splat(0.2) * bin)
        }
        VotingRule::Cubic => w * d * d * d,
        VotingRule::PropCbc => w * (R::splat(0.5) * d + R::splat(0.5) * d * d * d),
        VotingRule::ASymProsp => d.lt_select(0.0, w * d, R::splat(2.0) * w * d / R::splat(3.0)),
    }
}

/// Probability that a coalition of strength `ca` beats one of strength `cb`.
fn victory_prob(model: VictoryProbModel, ca: f64, cb: f64) -> f64 {
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

/// Probability that each option is the final winner, given `util[voter * m + option]` over
/// `m` options and voting weights. Coalitions: `C(a,b) = 1e−8 + Σ_k max(v_k(a,b), 0)`.
pub(super) fn pce(util: &[f64], m: usize, weights: &[f64], p: &SmpParams) -> Vec<f64> {
    if m == 0 || util.is_empty() {
        return Vec::new();
    }
    let (coal, stride) = coalitions(util, weights, p.voting, m);
    let coal = |a: usize, b: usize| coal[a * stride + b];
    let mut vp = Vec::with_capacity(m * m);
    for a in 0..m {
        for b in 0..m {
            vp.push(if a == b {
                0.5
            } else {
                victory_prob(p.victory, coal(a, b), coal(b, a))
            });
        }
    }
    let vp_row = |a: usize| &vp[a * m..(a + 1) * m];
    let normalise = |v: Vec<f64>| {
        let t: f64 = v.iter().sum();
        v.into_iter().map(|x| x / t).collect::<Vec<f64>>()
    };
    match p.pce {
        PceModel::Conditional => normalise((0..m).map(|a| vp_row(a).iter().product()).collect()),
        PceModel::MarkovUniform => {
            let mut pr = vec![1.0 / m as f64; m];
            for _ in 0..10_000 {
                let q: Vec<f64> = (0..m)
                    .map(|a| (0..m).map(|b| vp_row(a)[b] * (pr[a] + pr[b])).sum::<f64>() / m as f64)
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
                        .map(|b| coal(a, b) * vp_row(a)[b] + if a == b { 1e-10 } else { 0.0 })
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
                    .map(|a| (0..m).map(|b| vp_row(a)[b] * (ct[a][b] + ct[b][a])).sum())
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

/// `coal[a * stride + b]` = `1e−8 + Σ_k max(v_k(a,b), 0)`, voters added in order (the diagonal
/// stays at 1e−8), with the row stride (at least m).
fn coalitions(util: &[f64], weights: &[f64], rule: VotingRule, m: usize) -> (Vec<f64>, usize) {
    run(Coalitions {
        util,
        weights,
        rule,
        m,
    })
}

/// The loop of [`coalitions`].
struct Coalitions<'a> {
    util: &'a [f64],
    weights: &'a [f64],
    rule: VotingRule,
    m: usize,
}

impl Kernel for Coalitions<'_> {
    type Out = (Vec<f64>, usize);
    #[inline(always)]
    fn run<P: Real>(self) -> (Vec<f64>, usize) {
        coalitions_by_rule::<P>(self.util, self.weights, self.rule, self.m)
    }
}

/// [`coalitions`] on packs `P`, with the voting rule fixed inside each branch.
#[inline(always)]
fn coalitions_by_rule<P: Real>(
    util: &[f64],
    weights: &[f64],
    rule: VotingRule,
    m: usize,
) -> (Vec<f64>, usize) {
    macro_rules! by {
        ($rule:expr) => {
            coalitions_by::<P>(util, weights, m, $rule)
        };
    }
    match rule {
        VotingRule::Prop => by!(VotingRule::Prop),
        VotingRule::Binary => by!(VotingRule::Binary),
        VotingRule::PropBin => by!(VotingRule::PropBin),
        VotingRule::Cubic => by!(VotingRule::Cubic),
        VotingRule::PropCbc => by!(VotingRule::PropCbc),
        VotingRule::ASymProsp => by!(VotingRule::ASymProsp),
    }
}

/// [`coalitions`] for a voting rule known at compile time: for each voter and each option a,
/// the votes for a over every option b side by side, one pack of b at a time; the rows are
/// padded to whole packs and the diagonal is put back after each voter.
#[inline(always)]
fn coalitions_by<P: Real>(
    util: &[f64],
    weights: &[f64],
    m: usize,
    rule: VotingRule,
) -> (Vec<f64>, usize) {
    let stride = m.div_ceil(P::LANES) * P::LANES;
    let voters = util.len() / m;
    let mut rows = vec![0.0; voters * stride];
    for (row, u) in rows.chunks_exact_mut(stride).zip(util.chunks_exact(m)) {
        row[..m].copy_from_slice(u);
    }
    let mut coal = vec![1e-8; m * stride];
    if stride == P::LANES {
        // Every row is one pack: the votes against all options are loaded once per voter.
        for (u, &w) in rows.chunks_exact(stride).zip(weights) {
            let (w, ub) = (P::splat(w), P::load(u));
            for (a, row) in coal.chunks_exact_mut(stride).enumerate() {
                let diagonal = row[a];
                (P::load(row) + vote(rule, w, P::splat(u[a]), ub).max0()).store(row);
                row[a] = diagonal;
            }
        }
        return (coal, stride);
    }
    for (u, &w) in rows.chunks_exact(stride).zip(weights) {
        let w = P::splat(w);
        for a in 0..m {
            let ua = P::splat(u[a]);
            let row = &mut coal[a * stride..(a + 1) * stride];
            let diagonal = row[a];
            for o in (0..stride).step_by(P::LANES) {
                let c = &mut row[o..o + P::LANES];
                (P::load(c) + vote(rule, w, ua, P::load(&u[o..o + P::LANES])).max0()).store(c);
            }
            row[a] = diagonal;
        }
    }
    (coal, stride)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: [VotingRule; 6] = [
        VotingRule::Prop,
        VotingRule::PropBin,
        VotingRule::Binary,
        VotingRule::PropCbc,
        VotingRule::ASymProsp,
        VotingRule::Cubic,
    ];

    #[test]
    fn a_vote_has_the_sign_of_the_utility_difference() {
        for rule in RULES {
            assert!(vote(rule, 2.0, 0.7, 0.3) > 0.0, "{rule:?}");
            assert!(vote(rule, 2.0, 0.3, 0.7) < 0.0, "{rule:?}");
            assert_eq!(vote(rule, 2.0, 0.5, 0.5), 0.0, "{rule:?}");
        }
    }

    #[test]
    fn coalitions_at_every_width_are_the_definition_s_to_the_last_bit() {
        let (voters, m) = (9, 11);
        let util: Vec<f64> = (0..voters * m)
            .map(|x| ((x * 7919) % 23) as f64 / 17.0 - 0.2)
            .collect();
        let weights: Vec<f64> = (0..voters).map(|k| 1.0 + (k * k) as f64 / 3.0).collect();
        for rule in RULES {
            let mut want = vec![1e-8; m * m];
            for (k, u) in util.chunks_exact(m).enumerate() {
                for a in 0..m {
                    for b in (0..m).filter(|&b| b != a) {
                        want[a * m + b] += vote(rule, weights[k], u[a], u[b]).max(0.0);
                    }
                }
            }
            let scalar = coalitions_by_rule::<f64>(&util, &weights, rule, m);
            let mut all = vec![scalar];
            for at in crate::smp::lanes::widths() {
                let kernel = Coalitions {
                    util: &util,
                    weights: &weights,
                    rule,
                    m,
                };
                all.push(crate::smp::lanes::run_at(kernel, at));
            }
            for (coal, stride) in all {
                for a in 0..m {
                    for b in 0..m {
                        let (got, want) = (coal[a * stride + b], want[a * m + b]);
                        assert_eq!(got.to_bits(), want.to_bits(), "{rule:?} {a} {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn victory_probabilities_of_the_two_sides_sum_to_one() {
        for model in [
            VictoryProbModel::Linear,
            VictoryProbModel::Square,
            VictoryProbModel::Quartic,
            VictoryProbModel::Octic,
            VictoryProbModel::Binary,
        ] {
            let (a, b) = (victory_prob(model, 3.0, 2.0), victory_prob(model, 2.0, 3.0));
            assert!((a + b - 1.0).abs() < 1e-12, "{model:?}");
            assert!(a > b, "{model:?}");
        }
        assert_eq!(victory_prob(VictoryProbModel::Binary, 1.1, 1.0), 1.0);
    }

    #[test]
    fn the_pce_is_a_distribution_for_every_model() {
        let util = [1.0, 0.6, 0.2, 0.5, 1.0, 0.4, 0.1, 0.5, 1.0];
        for pce_model in [
            PceModel::Conditional,
            PceModel::MarkovIncentive,
            PceModel::MarkovUniform,
        ] {
            let p = SmpParams {
                pce: pce_model,
                ..SmpParams::default()
            };
            let pr = pce(&util, 3, &[3.0, 1.0, 1.0], &p);
            assert_eq!(pr.len(), 3);
            assert!((pr.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{pce_model:?}");
            assert!(pr.iter().all(|&x| x >= 0.0), "{pce_model:?}");
        }
        assert!(pce(&[], 0, &[], &SmpParams::default()).is_empty());
    }
}
