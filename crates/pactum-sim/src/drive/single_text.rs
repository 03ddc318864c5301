//! The single text in a simulation: each round the mediator proposes, and
//! every seat votes in seat order, told the last draft everyone accepted
//! (`None` before there is one: the alternative is no agreement).

use pactum_protocol::single_text::{Event, Mediator, SingleText, Vote};
use pactum_protocol::{Context, Protocol};

use super::Played;
use crate::negotiator::Response;
use crate::session::{Limits, Session, now};
use crate::space::OutcomeId;
use crate::trace;

pub(crate) fn play(s: &mut Session, mediator: Mediator, seed: u64) -> Played {
    let space = s.space.clone();
    let prefs = s.prefs.clone();
    let limits = Limits(&prefs);
    let ctx = Context::new(&*space, &limits);
    let deadline = *s.clock.deadline();
    let mut text = match SingleText::<OutcomeId>::new(&*space, s.seats(), &deadline, mediator, seed)
    {
        Ok(t) => t,
        Err(e) => return Played::invalid(0, e.to_string(), 0, Vec::new()),
    };
    while text.end().is_none() {
        if text.expire(&s.clock).is_some() {
            break;
        }
        let step = text.rounds_started();
        let now = now(&s.clock, step);
        let proposal = text.proposal().outcome;
        let current = text.accepted_draft().copied();
        s.trace.offer(step, now.time, None, proposal);
        for seat in 0..s.seats() {
            let accept = s.negotiators[seat].vote(&now, current, proposal);
            let vote = Vote {
                accept,
                proposal: None,
            };
            match text.apply(seat, vote, &ctx) {
                Ok(events) => {
                    if let Some(Event::Voted { counted, .. }) = events.iter().next() {
                        s.trace.moved(seat, || trace::Move::Vote(*counted));
                        let r = if *counted {
                            Response::Accept
                        } else {
                            Response::Reject
                        };
                        s.trace.response(seat, r);
                    }
                }
                Err(rejection) => {
                    return Played::invalid(seat, rejection.to_string(), step + 1, Vec::new());
                }
            }
        }
    }
    Played::from_engine(text.end(), text.rounds_started(), Vec::new())
}
