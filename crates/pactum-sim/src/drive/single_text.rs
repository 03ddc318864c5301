//! The single text in a simulation: each round the mediator proposes, and
//! every seat votes in seat order, told the last draft everyone accepted
//! (`None` before there is one: the alternative is no agreement).
//!
//! The packages mediator consults the seats' utilities ([`Oracle`]): each
//! party's table, and its utility of no agreement as the scenario analysis
//! counts it (the reservation value, or the worst utility where there is
//! none or that is higher).

use std::sync::Arc;

use pactum_protocol::single_text::{Event, Mediator, SingleText, Vote};
use pactum_protocol::{Context, Protocol, Seat, Utilities};

use super::Played;
use crate::negotiator::Response;
use crate::prefs::PartyPrefs;
use crate::session::{Limits, Session, now};
use crate::space::OutcomeId;
use crate::trace;

/// The seats' utilities, from their tables.
pub(crate) struct Oracle<'a>(pub &'a [Arc<PartyPrefs>]);

impl Utilities<OutcomeId> for Oracle<'_> {
    #[inline]
    fn utility(&self, seat: Seat, outcome: &OutcomeId) -> f64 {
        self.0[seat].utility(*outcome)
    }

    fn disagreement(&self, seat: Seat) -> f64 {
        self.0[seat].floor()
    }
}

pub(crate) fn play(s: &mut Session, mediator: Mediator, seed: u64) -> Played {
    let space = s.space.clone();
    let prefs = s.prefs.clone();
    let limits = Limits(&prefs);
    let oracle = Oracle(&prefs);
    let ctx = Context::with_utilities(&*space, &limits, &oracle);
    let deadline = *s.clock.deadline();
    let mut text = match SingleText::<OutcomeId>::start(&ctx, s.seats(), &deadline, mediator, seed)
    {
        Ok(t) => t,
        Err(e) => return Played::invalid(0, e.to_string(), 0, Vec::new()),
    };
    while text.end().is_none() {
        // The round's votes are stamped with the time read before its check.
        let stamp = s.stamp();
        if text.expire(&s.clock).is_some() {
            let at = s.stamp();
            s.trace.expired(at);
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
                        s.trace.moved(seat, stamp, || trace::Move::Vote(*counted));
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::metrics::Metrics;
    use crate::{Config, Deadline, Mediator, Prepared, ProtocolKind, negotiate};

    /// On the Istanbul example, where every one-issue change is win–lose,
    /// sincere voters adopt the packages mediator's drafts and it ends on
    /// the frontier with the draft as the agreement, well before the
    /// deadline; hill-climbing adopts nothing.
    #[test]
    fn the_packages_mediator_ends_on_the_frontier_where_one_issue_changes_fail() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/istanbul-2025.toml");
        let p = Prepared::new(pactum_core::io::load(&path, None).unwrap().scenario).unwrap();
        let metrics = Metrics::new(&p);
        let play = |mediator| {
            let config = Config {
                protocol: ProtocolKind::SingleText(mediator),
                deadline: Deadline::steps(30),
                seed: 0,
                record: false,
            };
            negotiate(&p, &["boulware", "conceder"], &config).unwrap()
        };
        let r = play(Mediator::Packages);
        assert!(matches!(r.end, crate::End::Agreement { .. }), "{:?}", r.end);
        assert!(r.steps < 30);
        assert!(metrics.to_frontier(&r.utilities).unwrap() < 1e-9);
        assert_eq!(play(Mediator::Packages), r);
        assert_eq!(play(Mediator::HillClimbing).agreement, None);
    }
}
