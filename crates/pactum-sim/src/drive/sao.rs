//! Stacked alternating offers in a simulation. A negotiator answers the
//! standing offer with `respond`; `Reject` means reject and counter-offer
//! (the runner then asks `propose`; `None` there ends the negotiation),
//! `RejectWithoutOffer` is the engine's bare rejection, `Leave` leaves it. Every seat is told of each offer as it is made.
//! After each move the engine took, the mover is asked for its note on it
//! (a talking negotiator's message), recorded with the move.

use pactum_protocol::sao::{Move, Sao};
use pactum_protocol::{Context, Protocol};

use super::Played;
use crate::negotiator::{Now, Response};
use crate::session::{Limits, Session, now};
use crate::space::OutcomeId;
use crate::trace;

pub(crate) fn play(s: &mut Session) -> Played {
    let space = s.space.clone();
    let prefs = s.prefs.clone();
    let limits = Limits(&prefs);
    let ctx = Context::new(&*space, &limits);
    let mut left = Vec::new();
    let mut sao = match Sao::<OutcomeId>::new(s.seats(), s.clock.deadline()) {
        Ok(sao) => sao,
        Err(e) => return Played::invalid(0, e.to_string(), 0, left),
    };
    // Time is read only when the deadline has a wall-clock limit.
    let ticking = s.clock.deadline().time_limit.is_some();
    while let Some(seat) = sao.turn() {
        let stamp = s.stamp();
        if ticking && sao.expire(&s.clock).is_some() {
            let at = s.stamp();
            s.trace.expired(at);
            break;
        }
        let step = sao.round();
        // What the negotiator is shown, read afresh for each question when
        // the clock runs (within a round only wall-clock time moves); an
        // offer is recorded at the time it was asked for.
        let first = now(&s.clock, step);
        let propose = |s: &mut Session, asked: Now| match s.negotiators[seat].propose(&asked) {
            Some(offer) => (Move::Offer(offer), asked),
            None => (Move::End, asked),
        };
        // Whether the move answers a standing offer (rather than making one).
        let mut answered = false;
        let (mv, asked) = match sao.standing() {
            Some((&offer, proposer)) if proposer != seat => {
                let response = s.negotiators[seat].respond(&first, offer, proposer);
                answered = response != Response::Reject;
                s.trace.response(seat, response);
                match response {
                    Response::Accept => (Move::Accept, first),
                    Response::Reject => {
                        let again = if ticking { now(&s.clock, step) } else { first };
                        propose(s, again)
                    }
                    Response::RejectWithoutOffer => (Move::Reject, first),
                    Response::End => (Move::End, first),
                    Response::Leave => (Move::Leave, first),
                }
            }
            _ => propose(s, first),
        };
        let offered = match mv {
            Move::Offer(o) => Some(o),
            _ => None,
        };
        let leaving = mv == Move::Leave;
        let kept = s.trace.enabled.then(|| mv.clone());
        if let Err(rejection) = sao.apply_with(seat, mv, &ctx, &mut |_| {}) {
            return Played::invalid(seat, rejection.to_string(), step + 1, left);
        }
        if let Some(mv) = kept {
            s.trace.moved(seat, stamp, || trace::Move::Sao(mv));
        }
        // The engine took the move: its events are the move itself (and
        // perhaps the end, read from the state below).
        if let Some(offer) = offered {
            s.trace.offer(step, asked.time, Some(seat), offer);
            for (j, n) in s.negotiators.iter_mut().enumerate() {
                if j != seat {
                    n.on_offer(&asked, offer, seat);
                }
            }
        }
        if leaving {
            left.push(seat);
        }
        if let Some(note) = s.negotiators[seat].take_note() {
            let last = s.trace.events.len().checked_sub(1);
            let place = match (offered, last) {
                (Some(_), Some(event)) => trace::Place::Offer { event },
                (None, Some(event)) if answered => trace::Place::Response { event },
                _ => trace::Place::Alone,
            };
            s.trace.note(seat, step, place, note);
        }
    }
    Played::from_engine(sao.end(), sao.rounds_started(), left)
}
