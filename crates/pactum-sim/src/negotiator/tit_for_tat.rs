//! Naive tit-for-tat: concede exactly as much as the opponent just did.
//!
//! With a zero-sum view of the opponent, an opponent's concession is what
//! its new offer gains *me*. In normalised own utility
//! ν(o) = (u(o) − u_min)/(u_max − u_min) (u_min = max(worst, reservation)):
//!
//! * the target starts at ν = 1 (the best outcome);
//! * when seat j makes offer o after its previous offer o′, the target drops
//!   by max(0, ν(o) − ν(o′)) (never below 0): concession is mirrored, a
//!   retreat is not punished;
//! * **offer** the rational outcome with the lowest utility ≥ target;
//! * **accept** an offer at least as good as that next offer.
//!
//! This is not NegMAS's `NaiveTitForTatNegotiator` (0.16), and is not
//! checked against it. There the normalised target is a *level*, not a
//! running total: from round 3 on it is 1 − ν(o) for the opponent's latest
//! offer o (a zero-sum model: the opponent is taken to have conceded ν(o)),
//! in round 0 it does not concede, and in rounds 1 and 2 it concedes by the
//! utility gap between its best and second-best outcomes (`must_concede`);
//! the acceptance test recomputes that target from the offer being answered.
//! Pactum's version mirrors each *change* between an opponent's successive
//! offers, so a generous opening offer is not answered with an equally deep
//! concession.
//!
//! On a space too large to enumerate (searched, `crate::prefs`) the offer
//! is the lowest of the negotiator's own searched outcomes (one per utility
//! level found) at or above the target, u_max and u_min the best and lowest
//! found; the opponent's offers are measured by their exact utility.

use std::sync::Arc;

use super::{Negotiator, Now, Response, SeatInfo, vote_by_utility};
use crate::prefs::PartyPrefs;
use crate::space::OutcomeId;

/// The naive tit-for-tat negotiator (strategy `tit-for-tat`).
pub struct TitForTat {
    prefs: Arc<PartyPrefs>,
    /// Target in normalised utility.
    target: f64,
    /// Each seat's previous offer.
    last: Vec<Option<OutcomeId>>,
}

impl TitForTat {
    /// A tit-for-tat negotiator in the given seat.
    pub fn new(seat: &SeatInfo) -> Self {
        TitForTat {
            prefs: seat.prefs.clone(),
            target: 1.0,
            last: vec![None; seat.parties],
        }
    }

    fn normalised(&self, id: OutcomeId) -> f64 {
        let (lo, hi) = (self.prefs.floor(), self.prefs.best);
        if hi > lo {
            (self.prefs.utility(id) - lo) / (hi - lo)
        } else {
            1.0
        }
    }

    fn next_offer(&self) -> OutcomeId {
        let (lo, hi) = (self.prefs.floor(), self.prefs.best);
        self.prefs
            .lowest_at_least(lo + (hi - lo) * self.target)
            .unwrap_or(self.prefs.best_outcome)
    }
}

impl Negotiator for TitForTat {
    fn on_offer(&mut self, _now: &Now, offer: OutcomeId, proposer: usize) {
        if let Some(prev) = self.last[proposer] {
            let gain = self.normalised(offer) - self.normalised(prev);
            self.target = (self.target - gain.max(0.0)).max(0.0);
        }
        self.last[proposer] = Some(offer);
    }

    fn respond(&mut self, _now: &Now, offer: OutcomeId, _proposer: usize) -> Response {
        let mine = self.prefs.utility(self.next_offer());
        if self.prefs.is_rational(offer) && self.prefs.utility(offer) >= mine {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, _now: &Now) -> Option<OutcomeId> {
        Some(self.next_offer())
    }

    fn vote(&mut self, _now: &Now, current: Option<OutcomeId>, proposal: OutcomeId) -> bool {
        vote_by_utility(&self.prefs, current, proposal)
    }
}
