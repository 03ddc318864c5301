//! GENIUS's time-dependent agents (Faratin, Sierra & Jennings tactics as in
//! GENIUS `TimeDependent_Offering` with `AC_Next`), and the hardliner (e = 0).
//!
//! * f(t) = k + (1 − k)·t^(1/e) (k = 0; f(t) = k when e = 0);
//! * target p(t) = P_min + (P_max − P_min)·(1 − f(t)), with P_max the best
//!   utility and P_min the lowest utility of a rational outcome;
//! * **offer** the rational outcome whose utility is nearest p(t) (the higher
//!   one on a tie; equal utilities: the first in enumeration order);
//! * **accept** an offer at least as good as the offer it would make now.
//!
//! e < 1 is Boulware (0.2 here), e = 1 linear, e > 1 Conceder (2 here).
//!
//! Utilities here are undiscounted, with a discount factor too: GENIUS's
//! `TimeDependent_Offering` picks bids from an outcome space sorted by the
//! profile's plain `getUtility`, and `AC_Next` compares undiscounted bid
//! utilities; discounting only scores the result (see `runner`).
//!
//! The hardliner (e = 0) offers its best outcome and accepts only an offer
//! at least as good, as NegMAS's `ToughNegotiator` (`OfferBest` and
//! `AcceptBest`), against which hardliner vs Conceder is checked offer for
//! offer (`tests/negmas_conformance.rs`). NegMAS accepts within 10⁻¹⁰ of the
//! best utility; Pactum compares exactly, so the two differ only for an
//! offer less than 10⁻¹⁰ below the best.

use std::sync::Arc;

use super::{Negotiator, Now, Response, SeatInfo, vote_by_utility};
use crate::prefs::PartyPrefs;
use crate::space::OutcomeId;

/// GENIUS's time-dependent agent with concession exponent e.
pub struct TimeDependent {
    prefs: Arc<PartyPrefs>,
    e: f64,
    k: f64,
    /// The rank of the last target: the next one is near it.
    rank: usize,
}

impl TimeDependent {
    /// A time-dependent agent of exponent `e` in the given seat.
    pub fn new(seat: &SeatInfo, e: f64) -> Self {
        TimeDependent {
            prefs: seat.prefs.clone(),
            e,
            k: 0.0,
            rank: 0,
        }
    }

    /// The concession function: the share of the utility range conceded at time `t`.
    pub fn f(&self, t: f64) -> f64 {
        if self.e == 0.0 {
            return self.k;
        }
        self.k + (1.0 - self.k) * t.powf(1.0 / self.e)
    }

    /// p(t).
    pub fn target(&self, t: f64) -> f64 {
        let p = &self.prefs;
        let pmin = p.sorted_utils.first().copied().unwrap_or(p.worst);
        pmin + (p.best - pmin) * (1.0 - self.f(t))
    }

    fn next_offer(&mut self, t: f64) -> OutcomeId {
        let target = self.target(t);
        self.prefs
            .nearest_near(target, &mut self.rank)
            .unwrap_or(self.prefs.best_outcome)
    }
}

impl Negotiator for TimeDependent {
    fn respond(&mut self, now: &Now, offer: OutcomeId, _proposer: usize) -> Response {
        let next = self.next_offer(now.time);
        let mine = self.prefs.utility(next);
        if self.prefs.is_rational(offer) && self.prefs.utility(offer) >= mine {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, now: &Now) -> Option<OutcomeId> {
        Some(self.next_offer(now.time))
    }

    fn vote(&mut self, _now: &Now, current: Option<OutcomeId>, proposal: OutcomeId) -> bool {
        vote_by_utility(&self.prefs, current, proposal)
    }
}
