//! A simulation's moves as record events, one function per protocol.
//!
//! Rules: each move goes through the server's own protocol state (the one
//! live sessions and `pactum verify` use) before the next; a move the state
//! refuses, or a move of another protocol, stops the export with its
//! position; every derived event (proposal, settlement, agreement, end)
//! comes from the same functions the live path uses; each move's `at_ms`
//! is its stamp (see `simulated`); a negotiation the time limit ended gets
//! the `Expired` entry and the end the server's state derives from it, as
//! a live session does on the first move after its limit. A move's words
//! (a talking negotiator's message) go into its `message`, absent when none.

use std::collections::HashMap;

use pactum_core::Scenario;
use pactum_protocol::{partial_rounds, sao};
use pactum_sim::trace::{Move, Step};

use super::chain::Chain;
use super::error::SimulationError;
use super::simulated::{SIMULATED_AT_MS, Simulation};
use crate::event::{Event, MoveKind};
use crate::offers::{package, pairs_package};
use crate::partial::{PartialState, derived_events};
use crate::protocol::TimeLimit;
use crate::protocol::{State, finish_event};
use crate::single_text::{TextState, proposal_event, text_events};

/// What every protocol's export needs: the simulation and its negotiators.
pub(super) struct Moves<'s, 'a> {
    /// The simulation exported.
    pub(super) sim: &'s Simulation<'a>,
    /// The negotiators' names, by seat.
    pub(super) names: Vec<String>,
    /// The session's wall-clock time limit, if any.
    pub(super) time_limit: Option<TimeLimit>,
}

impl Moves<'_, '_> {
    fn scenario(&self) -> &Scenario {
        self.sim.scenario
    }

    /// Move `index` is not one of the protocol played (or names no seat).
    fn foreign(&self, index: usize) -> SimulationError {
        SimulationError::Foreign {
            index,
            protocol: self.sim.protocol.name(),
        }
    }

    /// The simulation found its time limit passed at `at_ms`, but the
    /// session rules do not (the simulator and the server disagree: a
    /// defect).
    fn not_expired(&self, at_ms: i64) -> SimulationError {
        SimulationError::Refused {
            index: self.sim.result.trace.moves.len(),
            seat: 0,
            reason: format!("the time limit had not passed at {at_ms} ms"),
        }
    }

    /// The seat's negotiator.
    fn party(&self, index: usize, seat: usize) -> Result<String, SimulationError> {
        self.names
            .get(seat)
            .cloned()
            .ok_or_else(|| self.foreign(index))
    }

    /// The words sent with move `index` (a talking negotiator's), if any.
    fn message(&self, index: usize) -> Option<String> {
        self.sim
            .result
            .trace
            .note_of(index)
            .and_then(|n| n.message.clone())
    }

    /// Stacked alternating offers: each move, then the finish it causes.
    pub(super) fn sao(&self, chain: &mut Chain) -> Result<(), SimulationError> {
        let sc = self.scenario();
        let mut state = State::new(self.names.clone(), self.sim.deadline_rounds)
            .with_time_limit(self.time_limit);
        for (index, Step { seat, mv }) in self.sim.result.trace.moves.iter().enumerate() {
            let Move::Sao(mv) = mv else {
                return Err(self.foreign(index));
            };
            let (kind, outcome) = match mv {
                sao::Move::Offer(o) => (MoveKind::Offer, Some(self.sim.space.decode(*o))),
                sao::Move::Accept => (MoveKind::Accept, None),
                sao::Move::Reject => (MoveKind::Reject, None),
                sao::Move::End => (MoveKind::End, None),
                sao::Move::Leave => (MoveKind::Leave, None),
            };
            let round = state.round();
            chain.push(&Event::Move {
                party: self.party(index, *seat)?,
                kind,
                offer: outcome.as_deref().map(|o| package(sc, o)),
                round,
                at_ms: self.sim.move_at_ms(index),
                message: self.message(index),
            });
            let finish = state
                .apply(*seat, kind, outcome)
                .map_err(|e| refused(index, *seat, e.to_string()))?;
            if let Some(f) = finish {
                chain.push(&finish_event(sc, &f, round));
            }
        }
        if let Some(at_ms) = self.sim.expired_at_ms() {
            let round = state.round();
            let finish = state.expire(at_ms).ok_or_else(|| self.not_expired(at_ms))?;
            chain.push(&Event::Expired { round, at_ms });
            chain.push(&finish_event(sc, &finish, round));
        }
        Ok(())
    }

    /// The single text: the first proposal (the packages mediator's after
    /// every negotiator's lock, its preferences the scenario's), then each
    /// vote and the next proposal or the finish it resolves to.
    pub(super) fn single_text(&self, chain: &mut Chain) -> Result<(), SimulationError> {
        let sc = self.scenario();
        let mediator = self.sim.text_mediator().ok_or_else(|| self.foreign(0))?;
        let mut state =
            TextState::with_mediator(sc, self.names.clone(), self.sim.deadline_rounds, mediator)
                .with_time_limit(self.time_limit);
        if let Some(e) = proposal_event(sc, &state) {
            chain.push(&e);
        }
        if state.waiting() {
            for party in &self.names {
                chain.push(&Event::PreferencesLocked {
                    party: party.clone(),
                    at_ms: SIMULATED_AT_MS,
                });
                let started =
                    state
                        .locked_by(sc, party)
                        .map_err(|reason| SimulationError::Refused {
                            index: 0,
                            seat: 0,
                            reason,
                        })?;
                if started {
                    for e in text_events(sc, &state, 0) {
                        chain.push(&e);
                    }
                }
            }
        }
        for (index, Step { seat, mv }) in self.sim.result.trace.moves.iter().enumerate() {
            let Move::Vote(accept) = mv else {
                return Err(self.foreign(index));
            };
            let proposal = state.proposal;
            chain.push(&Event::Vote {
                party: self.party(index, *seat)?,
                proposal,
                accept: *accept,
                at_ms: self.sim.move_at_ms(index),
                message: None,
            });
            let resolved = state
                .vote(sc, *seat, *accept, Some(proposal))
                .map_err(|e| refused(index, *seat, e.to_string()))?;
            if resolved.is_some() {
                for e in text_events(sc, &state, proposal) {
                    chain.push(&e);
                }
            }
        }
        if let Some(at_ms) = self.sim.expired_at_ms() {
            let round = state.proposal;
            let finish = state.expire(at_ms).ok_or_else(|| self.not_expired(at_ms))?;
            chain.push(&Event::Expired { round, at_ms });
            chain.push(&finish_event(sc, &finish, round));
        }
        Ok(())
    }

    /// Rounds with partial agreements: each move, with the runner's
    /// proposal ids renamed to the record's (the offer's sequence number),
    /// then the events it derives.
    pub(super) fn partial_rounds(&self, chain: &mut Chain) -> Result<(), SimulationError> {
        let sc = self.scenario();
        let mut state = PartialState::new(
            sc.issues().len(),
            self.names.clone(),
            self.sim.deadline_rounds,
        )
        .with_time_limit(self.time_limit);
        let mut ids: HashMap<u64, u64> = HashMap::new();
        for (index, Step { seat, mv }) in self.sim.result.trace.moves.iter().enumerate() {
            let Move::Partial(mv) = mv else {
                return Err(self.foreign(index));
            };
            let seq = chain.next_seq();
            let (kind, pairs, proposal) = match mv {
                partial_rounds::Move::Propose { id, issues } => {
                    ids.insert(*id, seq);
                    let mut pairs = issues.clone();
                    pairs.sort_unstable();
                    (MoveKind::Offer, Some(pairs), None)
                }
                partial_rounds::Move::Accept { id } => (
                    MoveKind::Accept,
                    None,
                    Some(ids.get(id).copied().unwrap_or(u64::MAX)),
                ),
                partial_rounds::Move::Reject => (MoveKind::Reject, None, None),
                partial_rounds::Move::End => (MoveKind::End, None, None),
            };
            let round = state.round;
            chain.push(&Event::PartialMove {
                party: self.party(index, *seat)?,
                kind,
                offer: pairs.as_deref().map(|p| pairs_package(sc, p)),
                proposal,
                round,
                at_ms: self.sim.move_at_ms(index),
                message: None,
            });
            let fx = state
                .apply(sc, *seat, kind, pairs, proposal, seq)
                .map_err(|e| refused(index, *seat, e.to_string()))?;
            for e in derived_events(sc, &state, &fx, round) {
                chain.push(&e);
            }
        }
        if let Some(at_ms) = self.sim.expired_at_ms() {
            let round = state.round;
            let fx = state
                .expire(sc, at_ms)
                .ok_or_else(|| self.not_expired(at_ms))?;
            chain.push(&Event::Expired { round, at_ms });
            for e in derived_events(sc, &state, &fx, round) {
                chain.push(&e);
            }
        }
        Ok(())
    }
}

/// Move `index` of `seat` is refused by the session rules.
fn refused(index: usize, seat: usize, reason: String) -> SimulationError {
    SimulationError::Refused {
        index,
        seat,
        reason,
    }
}
