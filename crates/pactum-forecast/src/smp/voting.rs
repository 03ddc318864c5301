//! Votes, victory probabilities and the probability of Condorcet election (PCE): how
//! actors' utilities over a set of options become each option's chance to win.
//!
//! Rules: a vote for a over b is the voter's weight times a function of the utility
//! difference (the [`VotingRule`]), so it changes sign with the difference; the coalition for
//! a over b is `1e−8 + Σ_k max(v_k(a,b), 0)`; a victory probability is a function of the two
//! coalition strengths (the [`VictoryProbModel`]); the PCE over m options sums to 1 (the
//! conditional model normalises the products of pairwise victory probabilities, the Markov
//! models iterate to a fixed point, at most 10,000 / 1,000 steps).

use super::lanes::{Kernel, Real, padded, run};
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

/// Buffers of [`pce`], kept between calls so that a run allocates them once.
#[derive(Debug, Default)]
pub(super) struct PceBuffers {
    /// The utilities, one padded row per voter.
    rows: Vec<f64>,
    /// `coal[a * stride + b]` = C(a, b).
    coal: Vec<f64>,
    /// `lower[a * stride + b]` = C(b, a) for b > a, while the coalitions are summed.
    lower: Vec<f64>,
    /// The victory probabilities of the Markov models.
    vp: Vec<f64>,
    /// `by_row[b * padded(m) + a]` = C(b, a), and 1 beyond m (see [`linear_products`]).
    by_row: Vec<f64>,
    /// `by_col[b * padded(m) + a]` = C(a, b), and 1 beyond m.
    by_col: Vec<f64>,
}

/// The conditional PCE's unnormalised values under the linear victory model, into `out`:
/// for each option a, the product in option order b of `C(a, b) / (C(a, b) + C(b, a))` (0.5
/// for b = a, which is what the quotient gives there: the diagonal coalitions are both
/// 1e−8, and x / (x + x) is exactly ½). The products of several options run side by side in
/// packs, each factor by factor in the same order, so each is the one-at-a-time product to
/// the last bit.
fn linear_products(buf: &mut PceBuffers, stride: usize, m: usize, out: &mut Vec<f64>) {
    let t = padded(m);
    buf.by_row.resize(m * t, 1.0);
    buf.by_col.resize(m * t, 1.0);
    for b in 0..m {
        let (row, pad) = buf.by_row[b * t..(b + 1) * t].split_at_mut(m);
        row.copy_from_slice(&buf.coal[b * stride..b * stride + m]);
        pad.fill(1.0);
        buf.by_col[b * t + m..(b + 1) * t].fill(1.0);
    }
    for (a, row) in buf.coal.chunks_exact(stride).take(m).enumerate() {
        for (b, &c) in row[..m].iter().enumerate() {
            buf.by_col[b * t + a] = c;
        }
    }
    out.resize(t, 0.0);
    run(LinearProducts {
        m,
        by_row: &buf.by_row,
        by_col: &buf.by_col,
        out,
    });
    out.truncate(m);
}

/// The loop of [`linear_products`]: `out[a]` for every a below the padded m.
struct LinearProducts<'a> {
    m: usize,
    by_row: &'a [f64],
    by_col: &'a [f64],
    out: &'a mut [f64],
}

impl Kernel for LinearProducts<'_> {
    type Out = ();
    #[inline(always)]
    fn run<P: Real>(self) {
        let (m, t) = (self.m, padded(self.m));
        for o in (0..t).step_by(P::LANES) {
            // `Iterator::product` starts from 1 and multiplies in order.
            let mut prod = P::splat(1.0);
            for b in 0..m {
                let ab = P::load(&self.by_col[b * t + o..]);
                let ba = P::load(&self.by_row[b * t + o..]);
                prod = prod * (ab / (ab + ba));
            }
            prod.store(&mut self.out[o..]);
        }
    }
}

/// Probability that each option is the final winner, given `util[voter * m + option]` over
/// `m` options and voting weights. Coalitions: `C(a,b) = 1e−8 + Σ_k max(v_k(a,b), 0)`.
#[cfg(test)]
pub(super) fn pce(util: &[f64], m: usize, weights: &[f64], p: &SmpParams) -> Vec<f64> {
    let mut out = Vec::new();
    pce_into(&mut PceBuffers::default(), util, m, weights, p, &mut out);
    out
}

/// [`pce`] into `out` (cleared first), with the buffers `buf`.
pub(super) fn pce_into(
    buf: &mut PceBuffers,
    util: &[f64],
    m: usize,
    weights: &[f64],
    p: &SmpParams,
    out: &mut Vec<f64>,
) {
    out.clear();
    if m == 0 || util.is_empty() {
        return;
    }
    let stride = coalitions(buf, util, weights, p.voting, m);
    let coal = &buf.coal;
    let coal = |a: usize, b: usize| coal[a * stride + b];
    let victory = |a: usize, b: usize| {
        if a == b {
            0.5
        } else {
            victory_prob(p.victory, coal(a, b), coal(b, a))
        }
    };
    let normalise = |v: &mut Vec<f64>| {
        let t: f64 = v.iter().sum();
        for x in v.iter_mut() {
            *x /= t;
        }
    };
    if p.pce == PceModel::Conditional {
        if p.victory == VictoryProbModel::Linear && m > SMALL {
            linear_products(buf, stride, m, out);
            normalise(out);
            return;
        }
        // Each row's product, factor by factor in option order.
        out.extend((0..m).map(|a| (0..m).map(|b| victory(a, b)).product::<f64>()));
        normalise(out);
        return;
    }
    let vp = &mut buf.vp;
    vp.clear();
    for a in 0..m {
        for b in 0..m {
            vp.push(victory(a, b));
        }
    }
    let vp_row = |a: usize| &vp[a * m..(a + 1) * m];
    match p.pce {
        PceModel::Conditional => unreachable!("handled above"),
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
            normalise(&mut pr);
            *out = pr;
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
                let mut next: Vec<f64> = pr.iter().zip(&q).map(|(x, y)| (x + y) / 2.0).collect();
                let change = next
                    .iter()
                    .zip(&pr)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max);
                normalise(&mut next);
                pr = next;
                if change < 1e-8 {
                    break;
                }
            }
            *out = pr;
        }
    }
}

/// Fills `buf.coal` with `coal[a * stride + b]` = `1e−8 + Σ_k max(v_k(a,b), 0)`, voters added
/// in order (the diagonal is 1e−8), and returns the row stride (at least m). Lists of at most
/// [`SMALL`] options (an actor's status quo and its bargains) take [`coalitions_small`].
fn coalitions(
    buf: &mut PceBuffers,
    util: &[f64],
    weights: &[f64],
    rule: VotingRule,
    m: usize,
) -> usize {
    if m <= SMALL {
        return coalitions_small(buf, util, weights, rule, m);
    }
    run(Coalitions {
        buf,
        util,
        weights,
        rule,
        m,
    })
}

/// The longest option list [`coalitions_small`] takes.
const SMALL: usize = 4;

/// [`coalitions`] of at most [`SMALL`] options, one value at a time with every sum in
/// registers: the operations of [`coalitions_by`] on `f64` (each coalition adds its voters in
/// order, from 1e−8; an antisymmetric rule takes each pair's vote once), without copying the
/// utilities into padded rows. The stride is m.
fn coalitions_small(
    buf: &mut PceBuffers,
    util: &[f64],
    weights: &[f64],
    rule: VotingRule,
    m: usize,
) -> usize {
    macro_rules! by {
        ($rule:expr) => {
            match m {
                1 => small_by::<1>(buf, util, weights, $rule),
                2 => small_by::<2>(buf, util, weights, $rule),
                3 => small_by::<3>(buf, util, weights, $rule),
                _ => small_by::<4>(buf, util, weights, $rule),
            }
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
    m
}

/// [`coalitions_small`] for `M` options and a voting rule known at compile time.
#[inline(always)]
fn small_by<const M: usize>(buf: &mut PceBuffers, util: &[f64], weights: &[f64], rule: VotingRule) {
    let mut c = [[1e-8_f64; M]; M];
    let both = antisymmetric(rule);
    for (u, &w) in util.chunks_exact(M).zip(weights) {
        for a in 0..M {
            let from = if both { a + 1 } else { 0 };
            for b in from..M {
                let v = vote(rule, w, u[a], u[b]);
                c[a][b] += v.max0();
                if both {
                    c[b][a] -= v.min0();
                }
            }
        }
    }
    for (a, row) in c.iter_mut().enumerate() {
        row[a] = 1e-8;
    }
    buf.coal.clear();
    buf.coal.extend(c.iter().flatten());
}

/// The loop of [`coalitions`].
struct Coalitions<'a> {
    buf: &'a mut PceBuffers,
    util: &'a [f64],
    weights: &'a [f64],
    rule: VotingRule,
    m: usize,
}

impl Kernel for Coalitions<'_> {
    type Out = usize;
    #[inline(always)]
    fn run<P: Real>(self) -> usize {
        coalitions_by_rule::<P>(self)
    }
}

/// [`coalitions`] on packs `P`, with the voting rule fixed inside each branch.
#[inline(always)]
fn coalitions_by_rule<P: Real>(k: Coalitions) -> usize {
    macro_rules! by {
        ($rule:expr) => {
            coalitions_by::<P>(k.buf, k.util, k.weights, k.m, $rule)
        };
    }
    match k.rule {
        VotingRule::Prop => by!(VotingRule::Prop),
        VotingRule::Binary => by!(VotingRule::Binary),
        VotingRule::PropBin => by!(VotingRule::PropBin),
        VotingRule::Cubic => by!(VotingRule::Cubic),
        VotingRule::PropCbc => by!(VotingRule::PropCbc),
        VotingRule::ASymProsp => by!(VotingRule::ASymProsp),
    }
}

/// Whether `vote(rule, w, b, a)` is `-vote(rule, w, a, b)` to the last bit: the difference
/// `b − a` is exactly `−(a − b)` and every rule but the asymmetric one is an odd function
/// made of operations that commute with negation (products, quotients, sums and the clamp),
/// so it only flips the sign (a zero may come out as +0 one way and −0 the other, and
/// either adds nothing to a positive sum).
fn antisymmetric(rule: VotingRule) -> bool {
    rule != VotingRule::ASymProsp
}

/// Packs of targets summed together over all voters, with their sums in registers.
const GROUP: usize = 4;

/// [`coalitions`] for a voting rule known at compile time. For an antisymmetric rule, the
/// vote for a over b (a < b) is taken once: its positive part goes to C(a, b) and the
/// positive part of its negation to C(b, a). The sums run over the options b of one row a,
/// a group of packs at a time, voter after voter, so each coalition still adds its voters in
/// order. Lanes outside the wanted triangle are computed and overwritten.
#[inline(always)]
fn coalitions_by<P: Real>(
    buf: &mut PceBuffers,
    util: &[f64],
    weights: &[f64],
    m: usize,
    rule: VotingRule,
) -> usize {
    let stride = m.div_ceil(P::LANES) * P::LANES;
    let voters = (util.len() / m).min(weights.len());
    let weights = &weights[..voters];
    // Every value is written: the utilities, then zeros to the stride.
    buf.rows.resize(voters * stride, 0.0);
    for (row, u) in buf.rows.chunks_exact_mut(stride).zip(util.chunks_exact(m)) {
        let (head, pad) = row.split_at_mut(m);
        head.copy_from_slice(u);
        pad.fill(0.0);
    }
    let rows = &buf.rows[..];
    buf.coal.clear();
    buf.coal.resize(m * stride, 1e-8);
    let symmetric = antisymmetric(rule);
    if symmetric {
        buf.lower.clear();
        buf.lower.resize(m * stride, 1e-8);
    }
    // Under an antisymmetric rule row a needs only the options after a (the last row none).
    let summed = if symmetric { m.saturating_sub(1) } else { m };
    for a in 0..summed {
        let mut o = if symmetric {
            (a + 1) / P::LANES * P::LANES
        } else {
            0
        };
        while o < stride {
            let packs = ((stride - o) / P::LANES).min(GROUP);
            let at = a * stride + o..a * stride + o + packs * P::LANES;
            let (upper, lower) = (&mut buf.coal[at.clone()], &mut buf.lower[..]);
            let lower = if symmetric {
                Some(&mut lower[at])
            } else {
                None
            };
            match packs {
                4 => sum_group::<P, 4>(rows, stride, weights, a, o, rule, upper, lower),
                3 => sum_group::<P, 3>(rows, stride, weights, a, o, rule, upper, lower),
                2 => sum_group::<P, 2>(rows, stride, weights, a, o, rule, upper, lower),
                _ => sum_group::<P, 1>(rows, stride, weights, a, o, rule, upper, lower),
            }
            o += packs * P::LANES;
        }
    }
    for a in 0..m {
        if symmetric {
            for b in 0..a {
                buf.coal[a * stride + b] = buf.lower[b * stride + a];
            }
        }
        buf.coal[a * stride + a] = 1e-8;
    }
    stride
}

/// The sums of row a over `G` packs of options from `o`: `upper` gets C(a, b), `lower` (with
/// an antisymmetric rule) C(b, a); voter by voter in order, each sum starting at 1e−8.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn sum_group<P: Real, const G: usize>(
    rows: &[f64],
    stride: usize,
    weights: &[f64],
    a: usize,
    o: usize,
    rule: VotingRule,
    upper: &mut [f64],
    lower: Option<&mut [f64]>,
) {
    let mut up = [P::splat(1e-8); G];
    let mut down = [P::splat(1e-8); G];
    let both = antisymmetric(rule);
    for (u, &w) in rows.chunks_exact(stride).zip(weights) {
        let (ua, w) = (P::splat(u[a]), P::splat(w));
        let group = &u[o..o + G * P::LANES];
        for g in 0..G {
            let v = vote(rule, w, ua, P::load(&group[g * P::LANES..]));
            up[g] = up[g] + v.max0();
            if both {
                down[g] = down[g] - v.min0();
            }
        }
    }
    for g in 0..G {
        up[g].store(&mut upper[g * P::LANES..]);
    }
    if let Some(lower) = lower {
        for g in 0..G {
            down[g].store(&mut lower[g * P::LANES..]);
        }
    }
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
        // Sizes below, at and above one pack, and above one group of packs.
        for (voters, m) in [(9, 11), (5, 2), (6, 3), (7, 4), (4, 5), (3, 1), (12, 23)] {
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
                let mut bufs = vec![PceBuffers::default()];
                let scalar = {
                    let kernel = Coalitions {
                        buf: &mut bufs[0],
                        util: &util,
                        weights: &weights,
                        rule,
                        m,
                    };
                    coalitions_by_rule::<f64>(kernel)
                };
                let mut all = vec![scalar];
                for at in crate::smp::lanes::widths() {
                    let mut buf = PceBuffers::default();
                    // A buffer used before must give the same sums.
                    coalitions(&mut buf, &util[..m], &weights[..1], rule, m);
                    let kernel = Coalitions {
                        buf: &mut buf,
                        util: &util,
                        weights: &weights,
                        rule,
                        m,
                    };
                    all.push(crate::smp::lanes::run_at(kernel, at));
                    bufs.push(buf);
                }
                for (stride, buf) in all.into_iter().zip(&bufs) {
                    for a in 0..m {
                        for b in 0..m {
                            let (got, want) = (buf.coal[a * stride + b], want[a * m + b]);
                            assert_eq!(got.to_bits(), want.to_bits(), "{rule:?} {m} {a} {b}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn short_option_lists_get_the_coalitions_of_the_packed_loop_to_the_last_bit() {
        for (voters, m) in [
            (1, 1),
            (5, 1),
            (7, 2),
            (34, 2),
            (6, 3),
            (13, 3),
            (9, 4),
            (34, 4),
        ] {
            let util: Vec<f64> = (0..voters * m)
                .map(|x| ((x * 7919) % 29) as f64 / 19.0 - 0.3)
                .collect();
            let weights: Vec<f64> = (0..voters)
                .map(|k| 0.5 + (k * k % 11) as f64 / 3.0)
                .collect();
            for rule in RULES {
                let mut want = vec![1e-8; m * m];
                for (k, u) in util.chunks_exact(m).enumerate() {
                    for a in 0..m {
                        for b in (0..m).filter(|&b| b != a) {
                            want[a * m + b] += vote(rule, weights[k], u[a], u[b]).max(0.0);
                        }
                    }
                }
                let mut packed = PceBuffers::default();
                let stride = coalitions_by_rule::<f64>(Coalitions {
                    buf: &mut packed,
                    util: &util,
                    weights: &weights,
                    rule,
                    m,
                });
                // A buffer used before, for a longer list, must give the same sums.
                let mut buf = PceBuffers::default();
                let prior: Vec<f64> = (0..10).map(|x| x as f64 / 9.0).collect();
                coalitions(&mut buf, &prior, &[2.0, 1.0], rule, 5);
                assert_eq!(coalitions(&mut buf, &util, &weights, rule, m), m);
                assert_eq!(buf.coal.len(), m * m);
                for a in 0..m {
                    for b in 0..m {
                        let got = buf.coal[a * m + b].to_bits();
                        assert_eq!(got, want[a * m + b].to_bits(), "{rule:?} {m} {a} {b}");
                        let other = packed.coal[a * stride + b].to_bits();
                        assert_eq!(got, other, "{rule:?} {m} {a} {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn linear_products_at_every_width_are_the_one_at_a_time_products_to_the_last_bit() {
        let mut buf = PceBuffers::default();
        for (voters, m) in [(7, 5), (34, 34), (9, 8), (5, 9), (12, 23), (3, 6)] {
            let util: Vec<f64> = (0..voters * m)
                .map(|x| ((x * 7919) % 31) as f64 / 23.0 - 0.1)
                .collect();
            let weights: Vec<f64> = (0..voters)
                .map(|k| 0.5 + (k * k % 13) as f64 / 4.0)
                .collect();
            let p = SmpParams::default();
            assert_eq!(p.victory, VictoryProbModel::Linear);
            assert_eq!(p.pce, PceModel::Conditional);
            let stride = coalitions(&mut buf, &util, &weights, p.voting, m);
            let c = |a: usize, b: usize| buf.coal[a * stride + b];
            let want: Vec<f64> = (0..m)
                .map(|a| {
                    (0..m)
                        .map(|b| {
                            if a == b {
                                0.5
                            } else {
                                victory_prob(p.victory, c(a, b), c(b, a))
                            }
                        })
                        .product::<f64>()
                })
                .collect();
            let mut all = Vec::new();
            let mut out = Vec::new();
            linear_products(&mut buf, stride, m, &mut out);
            all.push(out.clone());
            let t = padded(m);
            for at in crate::smp::lanes::widths() {
                let mut out = vec![0.0; t];
                let kernel = LinearProducts {
                    m,
                    by_row: &buf.by_row,
                    by_col: &buf.by_col,
                    out: &mut out,
                };
                crate::smp::lanes::run_at(kernel, at);
                all.push(out[..m].to_vec());
            }
            let mut scalar = vec![0.0; t];
            LinearProducts {
                m,
                by_row: &buf.by_row,
                by_col: &buf.by_col,
                out: &mut scalar,
            }
            .run::<f64>();
            all.push(scalar[..m].to_vec());
            for got in &all {
                assert_eq!(got.len(), m);
                for (a, (g, w)) in got.iter().zip(&want).enumerate() {
                    assert_eq!(g.to_bits(), w.to_bits(), "{m} {a}");
                }
            }
            // The whole PCE: the products normalised.
            let total: f64 = want.iter().sum();
            let pr = pce(&util, m, &weights, &p);
            for (x, w) in pr.iter().zip(&want) {
                assert_eq!(x.to_bits(), (w / total).to_bits(), "{m}");
            }
        }
    }

    #[test]
    fn reused_buffers_give_the_pce_of_fresh_ones() {
        let mut buf = PceBuffers::default();
        let mut out = Vec::new();
        for pce_model in [
            PceModel::Conditional,
            PceModel::MarkovIncentive,
            PceModel::MarkovUniform,
        ] {
            let p = SmpParams {
                pce: pce_model,
                ..SmpParams::default()
            };
            for m in [5, 2, 9, 1, 3] {
                let util: Vec<f64> = (0..7 * m).map(|x| ((x * 31) % 13) as f64 / 12.0).collect();
                let weights = [2.0, 1.0, 3.0, 1.5, 0.5, 4.0, 1.0];
                pce_into(&mut buf, &util, m, &weights, &p, &mut out);
                let fresh = pce(&util, m, &weights, &p);
                assert_eq!(out.len(), m);
                for (x, y) in out.iter().zip(&fresh) {
                    assert_eq!(x.to_bits(), y.to_bits(), "{pce_model:?} {m}");
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
