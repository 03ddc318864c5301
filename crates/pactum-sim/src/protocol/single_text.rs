//! The mediated single negotiating text (Raiffa; Klein et al. 2003).
//!
//! A mediator holds one draft package. Each round it proposes a change; every
//! party accepts or vetoes it against the current draft (against no
//! agreement while there is no draft yet). A change that nobody vetoes
//! becomes the draft. When the deadline passes, the last draft everybody
//! accepted stands (no agreement if there never was one). The mediator never
//! sees utilities, only votes.
//!
//! * [`Mediator::Veto`]: each proposal is a whole package drawn uniformly
//!   at random — a global search that any party can block.
//! * [`Mediator::HillClimbing`]: each proposal changes one issue of the
//!   draft to another value, both drawn at random — a local search that
//!   climbs while every party gains (or loses nothing).
//!
//! The reservation-value check is the protocol's: a vote to accept a
//! package below the voter's reservation value or over its red line counts
//! as a veto.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::Protocol;
use crate::negotiator::Response;
use crate::session::{End, Session};
use crate::space::OutcomeId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mediator {
    Veto,
    HillClimbing,
}

pub struct SingleText {
    mediator: Mediator,
    rng: ChaCha8Rng,
    draft: Option<OutcomeId>,
}

impl SingleText {
    pub fn new(mediator: Mediator, seed: u64) -> Self {
        SingleText {
            mediator,
            rng: ChaCha8Rng::seed_from_u64(seed),
            draft: None,
        }
    }

    fn propose(&mut self, s: &Session) -> OutcomeId {
        let space = &s.space;
        match (self.mediator, self.draft) {
            (Mediator::HillClimbing, Some(d)) => {
                let movable: Vec<usize> = (0..space.issues())
                    .filter(|&i| space.cards[i] > 1)
                    .collect();
                if movable.is_empty() {
                    return d;
                }
                let i = movable[self.rng.random_range(0..movable.len())];
                let old = space.value(d, i);
                let mut v = self.rng.random_range(0..space.cards[i] - 1);
                if v >= old {
                    v += 1;
                }
                space.with_value(d, i, v)
            }
            _ => self.rng.random_range(0..space.len() as OutcomeId),
        }
    }
}

impl Protocol for SingleText {
    fn name(&self) -> &'static str {
        "single-text"
    }

    fn round(&mut self, s: &mut Session) -> Option<End> {
        let proposal = self.propose(s);
        let now = s.now();
        s.trace.offer(now.step, now.time, None, proposal);
        let mut all = true;
        for seat in 0..s.seats() {
            let yes = s.negotiators[seat].vote(&now, self.draft, proposal)
                && s.check_acceptable(seat, proposal).is_ok();
            s.trace.response(
                seat,
                if yes {
                    Response::Accept
                } else {
                    Response::Reject
                },
            );
            all &= yes;
        }
        if all {
            self.draft = Some(proposal);
        }
        None
    }

    fn agreement(&self) -> Option<OutcomeId> {
        self.draft
    }
}
