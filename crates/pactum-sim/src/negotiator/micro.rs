//! MiCRO — Monotonic Concession with Rational Offers (de Jonge, 2022), as
//! NegMAS's `MiCRONegotiator` (`accept_same = True`).
//!
//! The rational outcomes are walked from the best down, one at a time:
//!
//! * **offer**: if it has made no more distinct offers than it has received
//!   (|sent| ≤ |received|) and outcomes remain, the next outcome of the
//!   walk; otherwise one of its own earlier offers, drawn at random (seeded);
//! * **accept** an offer at least as good as its reference: the next outcome
//!   of the walk when it is ready to concede, else the last one it offered
//!   (with no such outcome, any rational offer).
//!
//! Among outcomes of equal utility the walk takes the later in enumeration
//! order first (it runs down the ascending sorted list).
//!
//! It concedes at most one outcome per round, so it needs a deadline of
//! about as many rounds as it has rational outcomes: MiCRO against MiCRO
//! agrees within that many rounds, whatever the deadline beyond it
//! (`tests/micro_deadline.rs`), and not at all when the deadline comes
//! first — on a scenario of thousands of outcomes, at 100 rounds. NegMAS's
//! `MiCRONegotiator` behaves alike (its MiCRO vs MiCRO run on ANAC 2012
//! FitnessA times out at 100 rounds, as Pactum's does).
//!
//! On a space too large to enumerate (`crate::space`, searched), the walk
//! runs over the negotiator's own searched outcomes — one per utility level
//! search found, from the best found down to the lowest found
//! (`crate::prefs::SEARCH_LEVELS` levels at most) — instead of every
//! rational outcome: it concedes by a level per round, not by an outcome,
//! and may skip utilities the search missed. Offers it receives are judged
//! by their exact utility as always.
//!
//! MiCRO vs MiCRO is checked offer for offer against NegMAS
//! (`tests/negmas_conformance.rs`): each side then always has received as
//! many distinct offers as it has sent, so no offer is drawn at random.
//! The random repeats themselves cannot be compared (NegMAS draws with
//! Python's `random`, Pactum with a seeded ChaCha8), nor can therefore MiCRO
//! against a negotiator that repeats offers.

use std::collections::HashSet;
use std::sync::Arc;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Negotiator, Now, Response, SeatInfo, vote_by_utility};
use crate::prefs::PartyPrefs;
use crate::space::OutcomeId;

/// The MiCRO negotiator (strategy `micro`).
pub struct Micro {
    prefs: Arc<PartyPrefs>,
    /// Outcomes of the walk offered so far (= distinct offers sent).
    next: usize,
    received: HashSet<OutcomeId>,
    rng: ChaCha8Rng,
}

impl Micro {
    /// A MiCRO negotiator in the given seat.
    pub fn new(seat: &SeatInfo) -> Self {
        Micro {
            prefs: seat.prefs.clone(),
            next: 0,
            received: HashSet::new(),
            rng: ChaCha8Rng::seed_from_u64(seat.seed),
        }
    }

    /// The k-th best rational outcome.
    fn at(&self, k: usize) -> Option<OutcomeId> {
        let n = self.prefs.sorted.len();
        (k < n).then(|| self.prefs.sorted[n - 1 - k])
    }

    fn ready_to_concede(&self) -> bool {
        self.next <= self.received.len()
    }
}

impl Negotiator for Micro {
    fn on_offer(&mut self, _now: &Now, offer: OutcomeId, _proposer: usize) {
        self.received.insert(offer);
    }

    fn respond(&mut self, _now: &Now, offer: OutcomeId, _proposer: usize) -> Response {
        self.received.insert(offer);
        let mine = if self.ready_to_concede() {
            self.at(self.next)
        } else {
            self.next.checked_sub(1).and_then(|k| self.at(k))
        };
        let ok = self.prefs.is_rational(offer)
            && mine.is_none_or(|m| self.prefs.utility(offer) >= self.prefs.utility(m));
        if ok {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, _now: &Now) -> Option<OutcomeId> {
        match self.at(self.next) {
            Some(o) if self.ready_to_concede() => {
                self.next += 1;
                Some(o)
            }
            _ if self.next > 0 => {
                let k = self.rng.random_range(0..self.next);
                self.at(k)
            }
            _ => Some(self.prefs.best_outcome),
        }
    }

    fn vote(&mut self, _now: &Now, current: Option<OutcomeId>, proposal: OutcomeId) -> bool {
        vote_by_utility(&self.prefs, current, proposal)
    }
}
