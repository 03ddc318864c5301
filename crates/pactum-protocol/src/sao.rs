//! Stacked alternating offers, bilateral and multilateral (NegMAS's
//! `SAOMechanism` with its defaults, and the live server's
//! `alternating_offers`).
//!
//! Rules:
//! * seats move one at a time, in seat order, skipping seats that left; a
//!   round is one move by each remaining seat;
//! * the first move is an offer (or `end`, or `leave`); afterwards a seat
//!   may **offer** (reject the standing offer and counter-offer: the offer
//!   becomes the standing offer, and offering is accepting it), **accept**
//!   the standing offer, **reject** it without a counter-offer (the
//!   acceptances gathered so far are cleared; the standing offer stays),
//!   **end** the negotiation, or **leave** it;
//! * a seat may not accept or reject its own standing offer;
//! * an offer must be an outcome of the space and one the proposer may
//!   accept itself; an acceptance must be of a package the seat may accept
//!   (reservation value, red lines);
//! * agreement as soon as every remaining seat has accepted the standing
//!   offer (its proposer counts as accepting); it binds the remaining
//!   seats;
//! * **leave** (NegMAS 0.16's LEAVE): the seat leaves, the others go on.
//!   With fewer than two seats left the negotiation ends without
//!   agreement ([`End::Deserted`]). When the proposer of the standing offer
//!   leaves, its offer lapses with it (nobody can agree with a party that
//!   is gone): the next seat must make a new offer, as at the start;
//! * after the last round (a number of rounds) the negotiation ends on the
//!   move that completes it; a wall-clock deadline ends it when the caller
//!   finds the time up ([`Protocol::expire`]) before a move.

use serde::{Deserialize, Serialize};

use crate::clock::Deadline;
use crate::end::{Agreement, End, Events};
use crate::limits::{Acceptability, Seat};
use crate::protocol::{Context, Input, Protocol};
use crate::rejection::{Rejection, SetupError};
use crate::space::Space;

/// A seat's move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "outcome", rename_all = "snake_case")]
pub enum Move<O> {
    /// Make an offer (rejecting the standing one, if any).
    Offer(O),
    /// Accept the standing offer.
    Accept,
    /// Reject the standing offer without a counter-offer.
    Reject,
    /// End the negotiation without agreement.
    End,
    /// Leave the negotiation; the others go on.
    Leave,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event<O> {
    /// `seat` offered `outcome`.
    Offered {
        /// Who.
        seat: Seat,
        /// In which round (0-based).
        round: usize,
        /// The offer.
        outcome: O,
    },
    /// `seat` accepted the standing offer.
    Accepted {
        /// Who.
        seat: Seat,
        /// In which round.
        round: usize,
    },
    /// `seat` rejected the standing offer without a counter-offer.
    Rejected {
        /// Who.
        seat: Seat,
        /// In which round.
        round: usize,
    },
    /// `seat` left.
    Left {
        /// Who.
        seat: Seat,
        /// In which round.
        round: usize,
    },
    /// `seat` ended the negotiation.
    EndedBy {
        /// Who.
        seat: Seat,
        /// In which round.
        round: usize,
    },
    /// The wall-clock deadline passed.
    Expired {
        /// In which round.
        round: usize,
    },
    /// The negotiation is over (after an agreement, a deadline, an end, or
    /// the last but one seat leaving).
    Over {
        /// In which round.
        round: usize,
        /// How (boxed: an event is moved with every move, an end happens
        /// once).
        end: Box<End<O>>,
    },
}

/// The state of a stacked-alternating-offers negotiation.
#[derive(Debug, Clone, PartialEq)]
pub struct Sao<O> {
    active: Vec<bool>,
    remaining: usize,
    max_rounds: Option<usize>,
    /// The standing offer and its proposer.
    standing: Option<(O, Seat)>,
    /// The acceptances in force are those made in this epoch; a new offer
    /// or a rejection starts a new one (clearing them all in O(1)).
    epoch: u64,
    /// The epoch in which each seat (other than the proposer) last
    /// accepted; 0: never.
    accepted_in: Vec<u64>,
    /// Remaining seats that accepted in this epoch.
    acceptances: usize,
    round: usize,
    turn: Seat,
    moved_in_round: bool,
    end: Option<End<O>>,
}

impl<O: Clone + PartialEq + std::fmt::Debug> Sao<O> {
    /// A negotiation among `seats` seats under `deadline` (seat 0 moves
    /// first).
    pub fn new(seats: usize, deadline: &Deadline) -> Result<Self, SetupError> {
        deadline.check()?;
        if seats < 2 {
            return Err(SetupError::TooFewSeats { seats });
        }
        Ok(Sao {
            active: vec![true; seats],
            remaining: seats,
            max_rounds: deadline.steps,
            standing: None,
            epoch: 1,
            accepted_in: vec![0; seats],
            acceptances: 0,
            round: 0,
            turn: 0,
            moved_in_round: false,
            end: None,
        })
    }

    /// Number of seats (those that left included).
    pub fn seats(&self) -> usize {
        self.active.len()
    }

    /// Whose turn it is (`None` once over).
    pub fn turn(&self) -> Option<Seat> {
        self.end.is_none().then_some(self.turn)
    }

    /// The current round (0-based).
    pub fn round(&self) -> usize {
        self.round
    }

    /// The standing offer and its proposer.
    pub fn standing(&self) -> Option<(&O, Seat)> {
        self.standing.as_ref().map(|(o, s)| (o, *s))
    }

    /// Whether `seat` has accepted the standing offer (its proposer has).
    pub fn has_accepted(&self, seat: Seat) -> bool {
        self.standing.as_ref().is_some_and(|(_, p)| *p == seat)
            || self.accepted_in.get(seat) == Some(&self.epoch)
    }

    /// Whether `seat` is still in the negotiation.
    pub fn is_active(&self, seat: Seat) -> bool {
        self.active.get(seat).copied().unwrap_or(false)
    }

    /// The seats still in the negotiation, in order.
    pub fn remaining(&self) -> Vec<Seat> {
        (0..self.active.len()).filter(|&s| self.active[s]).collect()
    }

    #[inline]
    fn all_accepted(&self) -> bool {
        self.standing.is_some() && self.acceptances + 1 == self.remaining
    }

    /// Clears the acceptances in force.
    #[inline]
    fn new_epoch(&mut self) {
        self.epoch += 1;
        self.acceptances = 0;
    }

    fn finish(&mut self, emit: &mut impl FnMut(Event<O>), end: End<O>) {
        emit(Event::Over {
            round: self.round,
            end: Box::new(end.clone()),
        });
        self.end = Some(end);
    }

    fn agree(&mut self, emit: &mut impl FnMut(Event<O>)) {
        if let Some((outcome, _)) = &self.standing {
            let agreement = Agreement {
                outcome: outcome.clone(),
                seats: self.remaining(),
            };
            self.finish(emit, End::Agreement(agreement));
        }
    }

    /// Passes the turn to the next remaining seat; a new round when it
    /// wraps, and the end when the rounds are used up.
    #[inline]
    fn advance(&mut self, emit: &mut impl FnMut(Event<O>)) {
        let n = self.active.len();
        let next = if self.remaining == n {
            // Nobody left: the next seat (the usual case).
            Some(self.turn + 1).filter(|&s| s < n)
        } else {
            (self.turn + 1..n).find(|&s| self.active[s])
        };
        match next {
            Some(s) => self.turn = s,
            None => {
                self.turn = (0..n).find(|&s| self.active[s]).unwrap_or(0);
                self.round += 1;
                self.moved_in_round = false;
                if self.max_rounds.is_some_and(|m| self.round >= m) {
                    self.finish(emit, End::Deadline { agreement: None });
                }
            }
        }
    }
}

impl<O: Clone + PartialEq + std::fmt::Debug> Protocol for Sao<O> {
    type Outcome = O;
    type Move = Move<O>;
    type Event = Event<O>;

    fn apply_with<S, A, F>(
        &mut self,
        seat: Seat,
        mv: Move<O>,
        ctx: &Context<S, A>,
        emit: &mut F,
    ) -> Result<(), Rejection>
    where
        S: Space<Outcome = O>,
        A: Acceptability<O>,
        F: FnMut(Event<O>),
    {
        if self.end.is_some() {
            return Err(Rejection::Over);
        }
        if seat >= self.active.len() {
            return Err(Rejection::NoSuchSeat {
                seat,
                seats: self.active.len(),
            });
        }
        if !self.active[seat] {
            return Err(Rejection::HasLeft { seat });
        }
        if seat != self.turn {
            return Err(Rejection::OutOfTurn { turn: self.turn });
        }
        let round = self.round;
        match mv {
            Move::Offer(outcome) => {
                ctx.space.check(&outcome)?;
                ctx.limits
                    .may_accept(seat, &outcome)
                    .map_err(Rejection::OffersUnacceptable)?;
                self.new_epoch();
                self.standing = Some((outcome.clone(), seat));
                emit(Event::Offered {
                    seat,
                    round,
                    outcome,
                });
            }
            Move::Accept | Move::Reject => {
                let accept = matches!(mv, Move::Accept);
                let Some((outcome, proposer)) = &self.standing else {
                    return Err(Rejection::FirstMoveNotOffer);
                };
                if *proposer == seat {
                    return Err(Rejection::OwnOffer {
                        action: if accept { "accept" } else { "reject" },
                    });
                }
                if accept {
                    ctx.limits
                        .may_accept(seat, outcome)
                        .map_err(Rejection::AcceptsUnacceptable)?;
                    if self.accepted_in[seat] != self.epoch {
                        self.accepted_in[seat] = self.epoch;
                        self.acceptances += 1;
                    }
                    emit(Event::Accepted { seat, round });
                } else {
                    self.new_epoch();
                    emit(Event::Rejected { seat, round });
                }
            }
            Move::End => {
                self.moved_in_round = true;
                emit(Event::EndedBy { seat, round });
                self.finish(emit, End::EndedBy { seat });
                return Ok(());
            }
            Move::Leave => {
                self.active[seat] = false;
                self.remaining -= 1;
                if self.accepted_in[seat] == self.epoch {
                    self.accepted_in[seat] = 0;
                    self.acceptances -= 1;
                }
                emit(Event::Left { seat, round });
                if self.remaining < 2 {
                    self.moved_in_round = true;
                    self.finish(emit, End::Deserted);
                    return Ok(());
                }
                if self.standing.as_ref().is_some_and(|(_, p)| *p == seat) {
                    self.standing = None;
                    self.new_epoch();
                }
            }
        }
        self.moved_in_round = true;
        if self.all_accepted() {
            self.agree(emit);
            return Ok(());
        }
        self.advance(emit);
        Ok(())
    }

    fn may_move(&self, seat: Seat) -> bool {
        self.end.is_none() && seat == self.turn
    }

    fn end(&self) -> Option<&End<O>> {
        self.end.as_ref()
    }

    fn close_at_deadline(&mut self) -> Events<Event<O>> {
        let mut events = Events::new();
        if self.end.is_none() {
            events.push(Event::Expired { round: self.round });
            self.finish(&mut |e| events.push(e), End::Deadline { agreement: None });
        }
        events
    }

    fn rounds_started(&self) -> usize {
        self.round + usize::from(self.moved_in_round)
    }

    fn input_of(event: &Event<O>) -> Option<Input<Move<O>>> {
        Some(match event {
            Event::Offered { seat, outcome, .. } => {
                Input::Move(*seat, Move::Offer(outcome.clone()))
            }
            Event::Accepted { seat, .. } => Input::Move(*seat, Move::Accept),
            Event::Rejected { seat, .. } => Input::Move(*seat, Move::Reject),
            Event::Left { seat, .. } => Input::Move(*seat, Move::Leave),
            Event::EndedBy { seat, .. } => Input::Move(*seat, Move::End),
            Event::Expired { .. } => Input::Expire,
            Event::Over { .. } => return None,
        })
    }
}

#[cfg(test)]
mod tests;
