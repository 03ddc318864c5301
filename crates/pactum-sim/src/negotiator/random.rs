//! A seeded random negotiator: the baseline every strategy should beat.
//!
//! * **offer** a rational outcome drawn uniformly at random;
//! * **accept** a rational offer with probability 1/2, reject otherwise
//!   (an irrational offer — below the reservation value or over a red
//!   line — is always rejected); it never walks away.
//!
//! Its draws come from a ChaCha8 generator seeded by the negotiation, so a
//! run is reproducible.

use std::sync::Arc;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Negotiator, Now, Response, SeatInfo};
use crate::prefs::PartyPrefs;
use crate::space::OutcomeId;

/// The random negotiator (strategy `random`).
pub struct RandomNegotiator {
    prefs: Arc<PartyPrefs>,
    rng: ChaCha8Rng,
}

impl RandomNegotiator {
    /// A random negotiator in the given seat, seeded from it.
    pub fn new(seat: &SeatInfo) -> Self {
        RandomNegotiator {
            prefs: seat.prefs.clone(),
            rng: ChaCha8Rng::seed_from_u64(seat.seed),
        }
    }
}

impl Negotiator for RandomNegotiator {
    fn respond(&mut self, _now: &Now, offer: OutcomeId, _proposer: usize) -> Response {
        if self.prefs.is_rational(offer) && self.rng.random_bool(0.5) {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, _now: &Now) -> Option<OutcomeId> {
        let n = self.prefs.sorted.len();
        if n == 0 {
            return Some(self.prefs.best_outcome);
        }
        Some(self.prefs.sorted[self.rng.random_range(0..n)])
    }

    fn vote(&mut self, _now: &Now, _current: Option<OutcomeId>, proposal: OutcomeId) -> bool {
        self.prefs.is_rational(proposal) && self.rng.random_bool(0.5)
    }
}
