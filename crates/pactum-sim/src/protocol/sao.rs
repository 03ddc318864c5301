//! The stacked alternating offers protocol (bilateral and multilateral), as
//! NegMAS's `SAOMechanism` with its defaults.
//!
//! In every round each seat acts once, in seat order. The very first action
//! is an offer; every later action answers the standing offer: accept it,
//! reject it and counter-offer (the counter-offer becomes the standing
//! offer), or end the negotiation. Making an offer counts as accepting it,
//! so there is an agreement as soon as every other seat has accepted the
//! standing offer in a row. Every seat is told of each new offer as it is
//! made.
//!
//! Invalid moves — an offer outside the outcome space, or accepting (or
//! offering) a package below one's own reservation value or over one's own
//! red line — end the negotiation without agreement, with the reason.

use super::Protocol;
use crate::negotiator::Response;
use crate::session::{End, Session};
use crate::space::OutcomeId;

#[derive(Debug, Clone, Default)]
pub struct Sao {
    /// The standing offer and who made it.
    standing: Option<(OutcomeId, usize)>,
    /// Seats that have accepted the standing offer, its proposer included.
    acceptances: usize,
    agreement: Option<OutcomeId>,
}

impl Sao {
    pub fn new() -> Self {
        Self::default()
    }

    /// The standing offer and its proposer, if any.
    pub fn standing(&self) -> Option<(OutcomeId, usize)> {
        self.standing
    }

    fn offer(&mut self, s: &mut Session, seat: usize) -> Option<End> {
        let now = s.now();
        let Some(offer) = s.negotiators[seat].propose(&now) else {
            return Some(End::Ended { seat });
        };
        if let Err(reason) = s.check_offer(seat, offer) {
            return Some(End::Invalid { seat, reason });
        }
        s.trace.offer(now.step, now.time, Some(seat), offer);
        self.standing = Some((offer, seat));
        self.acceptances = 1;
        for (j, n) in s.negotiators.iter_mut().enumerate() {
            if j != seat {
                n.on_offer(&now, offer, seat);
            }
        }
        if self.acceptances == s.seats() {
            self.agreement = Some(offer);
            return Some(End::Agreement);
        }
        None
    }
}

impl Protocol for Sao {
    fn name(&self) -> &'static str {
        "sao"
    }

    fn round(&mut self, s: &mut Session) -> Option<End> {
        for seat in 0..s.seats() {
            if seat > 0 && s.clock.out_of_time() {
                return Some(End::Deadline);
            }
            let Some((offer, proposer)) = self.standing else {
                if let Some(end) = self.offer(s, seat) {
                    return Some(end);
                }
                continue;
            };
            let now = s.now();
            let response = s.negotiators[seat].respond(&now, offer, proposer);
            s.trace.response(seat, response);
            match response {
                Response::Accept => {
                    if let Err(reason) = s.check_acceptable(seat, offer) {
                        return Some(End::Invalid {
                            seat,
                            reason: format!("accepts a package it may not: {reason}"),
                        });
                    }
                    self.acceptances += 1;
                    if self.acceptances >= s.seats() {
                        self.agreement = Some(offer);
                        return Some(End::Agreement);
                    }
                }
                Response::Reject => {
                    if let Some(end) = self.offer(s, seat) {
                        return Some(end);
                    }
                }
                Response::End => return Some(End::Ended { seat }),
            }
        }
        None
    }

    fn agreement(&self) -> Option<OutcomeId> {
        self.agreement
    }
}
