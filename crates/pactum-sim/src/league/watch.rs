//! A negotiator the league keeps a handle on: it plays exactly as the one
//! it wraps (every call forwarded), and once the negotiation is over the
//! league reads the wrapped negotiator's opponent model through the handle.

use std::sync::{Arc, Mutex};

use pactum_protocol::partial_rounds::{self, PartialRounds};

use crate::error::ModelError;
use crate::negotiator::{Negotiator, Note, Now, Response};
use crate::space::OutcomeId;

/// The shared negotiator.
pub type Handle = Arc<Mutex<Box<dyn Negotiator>>>;

/// A forwarding wrapper around a shared negotiator.
pub struct Watched(pub Handle);

impl Watched {
    fn with<T>(&self, f: impl FnOnce(&mut Box<dyn Negotiator>) -> T) -> T {
        // A panic inside a negotiator poisons the lock; the negotiation is
        // lost anyway, and the data is still the negotiator's own.
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut g)
    }
}

impl Negotiator for Watched {
    fn respond(&mut self, now: &Now, offer: OutcomeId, proposer: usize) -> Response {
        self.with(|n| n.respond(now, offer, proposer))
    }
    fn propose(&mut self, now: &Now) -> Option<OutcomeId> {
        self.with(|n| n.propose(now))
    }
    fn on_offer(&mut self, now: &Now, offer: OutcomeId, proposer: usize) {
        self.with(|n| n.on_offer(now, offer, proposer))
    }
    fn take_note(&mut self) -> Option<Note> {
        self.with(|n| n.take_note())
    }
    fn opponent_utility(&self, outcome: OutcomeId) -> Option<f64> {
        self.with(|n| n.opponent_utility(outcome))
    }
    fn opponent_utilities(&self, outcomes: &[OutcomeId]) -> Result<Option<Vec<f64>>, ModelError> {
        self.with(|n| n.opponent_utilities(outcomes))
    }
    fn vote(&mut self, now: &Now, current: Option<OutcomeId>, proposal: OutcomeId) -> bool {
        self.with(|n| n.vote(now, current, proposal))
    }
    fn plays_free_form(&self) -> bool {
        self.with(|n| n.plays_free_form())
    }
    fn partial_move(
        &mut self,
        now: &Now,
        game: &PartialRounds<OutcomeId>,
    ) -> Option<partial_rounds::Move> {
        self.with(|n| n.partial_move(now, game))
    }
}
