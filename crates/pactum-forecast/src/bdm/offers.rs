//! The offers an actor receives in one round, and the one it accepts.
//!
//! Rules: i considers every actor at another position; with (a, b) = (E(U_ij), E(U_ji)), a
//! confrontation (a, b > 0, b > a, when the weaker side moves) takes i to x_j, a compromise
//! (a < 0 < b, b > |a|) moves i by `|a/b|` of the way, a capitulation (a < 0 < b, |a| > b, when
//! enabled) takes i to x_j; otherwise there is no offer. Among offers the
//! [`OfferSelection`] rule picks one, the first on ties.

use super::expected_utility::Pass;
use super::params::{BdmParams, ConflictRule, OfferSelection, RiskOwner};
use super::trace::MoveKind;

/// An offer i receives: where it would move, and why.
#[derive(Debug, Clone, Copy)]
pub(super) struct Offer {
    /// The actor whose challenge makes the offer.
    pub(super) other: usize,
    /// The kind of move.
    pub(super) kind: MoveKind,
    /// i's expected utility of challenging `other`.
    pub(super) a: f64,
    /// `other`'s expected utility of challenging i, as i sees it.
    pub(super) b: f64,
    /// i's position after accepting.
    pub(super) pos: f64,
}

/// The offer actor i accepts this round, if any, given the pass's risk exponents `r`.
pub(super) fn accepted_offer(
    p: &BdmParams,
    pass: &Pass<'_>,
    x: &[f64],
    r: &[f64],
    i: usize,
) -> Option<Offer> {
    let n = x.len();
    let mut cands: Vec<(usize, f64, f64)> = Vec::new();
    for j in 0..n {
        if j == i || x[j] == x[i] {
            continue;
        }
        let a = pass.eu(i, j, r[i]);
        let b = match p.risk_owner {
            RiskOwner::Evaluator => pass.eu(j, i, r[i]),
            RiskOwner::Challenger => pass.eu(j, i, r[j]),
        };
        cands.push((j, a, b));
    }
    if p.offer_selection == OfferSelection::MaxChallengerEu {
        // Only the strongest positive challenge is considered.
        let mut best: Option<(usize, f64, f64)> = None;
        for &c in &cands {
            if c.2 > 0.0 && best.is_none_or(|b| c.2 > b.2) {
                best = Some(c);
            }
        }
        cands = best.into_iter().collect();
    }
    let offers: Vec<Offer> = cands
        .iter()
        .filter_map(|&(j, a, b)| classify(p, x[i], x[j], j, a, b))
        .collect();
    select(&offers, x[i], p.offer_selection, x, i).copied()
}

/// Offer that j's challenge makes to i, classified by (a, b) = (E(U_ij), E(U_ji)).
fn classify(p: &BdmParams, xi: f64, xj: f64, j: usize, a: f64, b: f64) -> Option<Offer> {
    let offer = |kind, pos| {
        Some(Offer {
            other: j,
            kind,
            a,
            b,
            pos,
        })
    };
    if a > 0.0 && b > 0.0 {
        if b > a && p.conflict == ConflictRule::WeakerMovesFully {
            return offer(MoveKind::Confrontation, xj);
        }
    } else if b > 0.0 && a < 0.0 {
        if b > a.abs() {
            return offer(MoveKind::Compromise, xi + (xj - xi) * (a / b).abs());
        } else if p.capitulation && a.abs() > b {
            return offer(MoveKind::Capitulation, xj);
        }
    }
    None
}

fn select<'o>(
    offers: &'o [Offer],
    xi: f64,
    rule: OfferSelection,
    x: &[f64],
    i: usize,
) -> Option<&'o Offer> {
    let first_min = |it: &mut dyn Iterator<Item = &'o Offer>, key: &dyn Fn(&Offer) -> f64| {
        let mut best: Option<&'o Offer> = None;
        for o in it {
            if best.is_none_or(|b| key(o) < key(b)) {
                best = Some(o);
            }
        }
        best
    };
    let least_move = |o: &Offer| (xi - o.pos).abs();
    match rule {
        OfferSelection::LeastMove | OfferSelection::MaxChallengerEu => {
            first_min(&mut offers.iter(), &least_move)
        }
        OfferSelection::MaxEnforceability => {
            let best_b = offers.iter().map(|o| o.b).fold(f64::NEG_INFINITY, f64::max);
            first_min(&mut offers.iter().filter(|o| o.b == best_b), &least_move)
        }
        OfferSelection::TypeOrder => {
            let of = |k: MoveKind| offers.iter().filter(move |o| o.kind == k);
            let key =
                |o: &Offer| (o.a.abs() * x[i] + o.b.abs() * x[o.other]) / (o.a.abs() + o.b.abs());
            first_min(&mut of(MoveKind::Confrontation), &least_move)
                .or_else(|| first_min(&mut of(MoveKind::Compromise), &key))
                .or_else(|| first_min(&mut of(MoveKind::Capitulation), &least_move))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_are_classified_by_the_two_expected_utilities() {
        let p = BdmParams::default();
        let c = classify(&p, 0.0, 100.0, 1, 1.0, 2.0).unwrap();
        assert_eq!((c.kind, c.pos), (MoveKind::Confrontation, 100.0));
        assert!(classify(&p, 0.0, 100.0, 1, 2.0, 1.0).is_none());
        let c = classify(&p, 0.0, 100.0, 1, -1.0, 4.0).unwrap();
        assert_eq!((c.kind, c.pos), (MoveKind::Compromise, 25.0));
        assert!(classify(&p, 0.0, 100.0, 1, -4.0, 1.0).is_none());
        let cap = BdmParams {
            capitulation: true,
            ..BdmParams::default()
        };
        let c = classify(&cap, 0.0, 100.0, 1, -4.0, 1.0).unwrap();
        assert_eq!((c.kind, c.pos), (MoveKind::Capitulation, 100.0));
        let no_move = BdmParams {
            conflict: ConflictRule::NoMove,
            ..BdmParams::default()
        };
        assert!(classify(&no_move, 0.0, 100.0, 1, 1.0, 2.0).is_none());
    }

    #[test]
    fn type_order_prefers_confrontation_and_least_move_takes_the_first_tie() {
        let o = |other, kind, pos| Offer {
            other,
            kind,
            a: -1.0,
            b: 2.0,
            pos,
        };
        let offers = [
            o(1, MoveKind::Compromise, 10.0),
            o(2, MoveKind::Confrontation, 90.0),
            o(3, MoveKind::Compromise, -10.0),
        ];
        let x = [0.0, 20.0, 90.0, -20.0];
        let t = select(&offers, 0.0, OfferSelection::TypeOrder, &x, 0).unwrap();
        assert_eq!(t.other, 2);
        let l = select(&offers, 0.0, OfferSelection::LeastMove, &x, 0).unwrap();
        assert_eq!(l.other, 1);
    }
}
