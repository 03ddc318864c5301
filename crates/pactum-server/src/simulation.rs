//! Simulations as records, and records as simulations.
//!
//! [`export_simulation`] writes a simulated negotiation (its trace's moves)
//! as the export a live session gives (`GET /sessions/{id}/export`): the
//! same hash-chained events, built by the same rules the live server and
//! `pactum verify` apply — each move through the server's protocol state,
//! each derived event (proposal, settlement, agreement, end) from the same
//! functions the live path uses, the certificate computed as the server
//! issues it. So the export verifies (chain, scenario hash, protocol replay,
//! certificate). Rules kept here:
//!
//! * a simulation has no wall clock: every `at_ms` is [`SIMULATED_AT_MS`]
//!   (0), so the same seed gives the same bytes;
//! * only what a record can hold is exported: a deadline in rounds, the
//!   single text with the draft-and-vote mediator (the one live sessions
//!   use), and a negotiation that did not end on a move the engine refused;
//! * nobody disclosed preferences in a simulation, so the certificate
//!   carries the aggregates only.
//!
//! [`script_of`] reads a record's moves back as the simulator's steps (seat
//! by negotiator name, packages as outcome ids of the simulator's space),
//! with the result the record states, so that `pactum_sim::script::replay`
//! can re-run it.

use std::collections::HashMap;

use pactum_core::Scenario;
use pactum_core::analysis::Package;
use pactum_protocol::{partial_rounds, sao};
use pactum_sim::runner::{Mediator, NegotiationResult, ProtocolKind};
use pactum_sim::trace::{Move, Step};
use pactum_sim::{End, OutcomeSpace};
use sha2::{Digest, Sha256};

use crate::certificate;
use crate::event::{Event, MoveKind};
use crate::mediation::Export;
use crate::offers::{OfferError, package, package_pairs, pairs_package, to_outcome};
use crate::partial::{PARTIAL_ROUNDS, PartialState, derived_events};
use crate::protocol::{ALTERNATING_OFFERS, State, finish_event};
use crate::record::{GENESIS_HASH, Record, RecordEntry, chain_hash};
use crate::single_text::{SINGLE_TEXT, TextState, proposal_event};

/// The `at_ms` of every event of a simulated record (a simulation has no
/// wall clock; order is the record's sequence).
pub const SIMULATED_AT_MS: i64 = 0;

/// Why a simulation cannot be written as a record, or a record read as one.
#[derive(Debug, thiserror::Error)]
pub enum SimulationError {
    /// The single text with a mediator live sessions do not have.
    #[error(
        "a record holds single-text sessions with the draft-and-vote mediator only (this one had {0:?})"
    )]
    Mediator(Mediator),
    /// The negotiation ended on a move the engine refused.
    #[error(
        "the negotiation ended on a refused move (seat {seat}: {reason}); a record holds legal moves only"
    )]
    Invalid {
        /// Who made it.
        seat: usize,
        /// Why it was refused.
        reason: String,
    },
    /// The trace was not kept, so there are no moves to write.
    #[error("the negotiation was not recorded (no moves kept)")]
    NotRecorded,
    /// A move the server's rules refuse (the simulator and the server
    /// disagree: a defect).
    #[error("move {index} (seat {seat}) is refused by the session rules: {reason}")]
    Refused {
        /// Position of the move, from 0.
        index: usize,
        /// Who made it.
        seat: usize,
        /// Why.
        reason: String,
    },
    /// A move of another protocol than the one played.
    #[error("move {index} is not a move of {protocol}")]
    Foreign {
        /// Position of the move, from 0.
        index: usize,
        /// The protocol played.
        protocol: &'static str,
    },
    /// The agreement's certificate cannot be computed.
    #[error("computing the agreement certificate: {0}")]
    Certificate(#[source] crate::certificate::CertificateError),
    /// A record that does not read as a session.
    #[error("event {seq}: {reason}")]
    Record {
        /// The entry's sequence number.
        seq: u64,
        /// What is wrong.
        reason: String,
    },
    /// A recorded package that is not one of the scenario's.
    #[error("event {seq}: {source}")]
    Package {
        /// The entry's sequence number.
        seq: u64,
        /// Why.
        source: OfferError,
    },
}

/// A simulated negotiation to write as a record.
pub struct Simulation<'a> {
    /// The session id the record names.
    pub session_id: &'a str,
    /// The scenario's native TOML text (hashed into the record and carried
    /// by the export).
    pub scenario_text: &'a str,
    /// The scenario the simulation ran on (that text, loaded).
    pub scenario: &'a Scenario,
    /// The simulator's outcome space of the scenario.
    pub space: &'a OutcomeSpace,
    /// The protocol played.
    pub protocol: ProtocolKind,
    /// The deadline, in rounds.
    pub deadline_rounds: u64,
    /// The result, with its trace recorded.
    pub result: &'a NegotiationResult,
}

/// Appends events to a hash chain.
struct Chain {
    entries: Vec<RecordEntry>,
    prev: String,
}

impl Chain {
    fn push(&mut self, event: &Event) {
        let event = serde_json::to_value(event).expect("events serialize");
        let hash = chain_hash(&self.prev, &event);
        self.entries.push(RecordEntry {
            seq: self.entries.len() as u64,
            event,
            prev_hash: std::mem::replace(&mut self.prev, hash.clone()),
            hash,
        });
    }

    fn next_seq(&self) -> u64 {
        self.entries.len() as u64
    }
}

/// The protocol's name in a record.
fn record_protocol(protocol: ProtocolKind) -> Result<&'static str, SimulationError> {
    match protocol {
        ProtocolKind::Sao => Ok(ALTERNATING_OFFERS),
        ProtocolKind::SingleText(Mediator::DraftAndVote) => Ok(SINGLE_TEXT),
        ProtocolKind::SingleText(m) => Err(SimulationError::Mediator(m)),
        ProtocolKind::PartialRounds => Ok(PARTIAL_ROUNDS),
    }
}

/// Writes `sim` as a session export that `pactum verify` accepts.
pub fn export_simulation(sim: &Simulation) -> Result<Export, SimulationError> {
    let protocol = record_protocol(sim.protocol)?;
    if let End::Invalid { seat, reason } = &sim.result.end {
        return Err(SimulationError::Invalid {
            seat: *seat,
            reason: reason.clone(),
        });
    }
    let moves = &sim.result.trace.moves;
    if moves.is_empty() && !sim.result.trace.enabled {
        return Err(SimulationError::NotRecorded);
    }
    let sc = sim.scenario;
    let names = sc.negotiator_names();
    let mut chain = Chain {
        entries: Vec::new(),
        prev: GENESIS_HASH.to_string(),
    };
    chain.push(&Event::Created {
        session_id: sim.session_id.to_string(),
        protocol: protocol.to_string(),
        deadline_rounds: sim.deadline_rounds,
        negotiators: names.clone(),
        scenario_sha256: hex::encode(Sha256::digest(sim.scenario_text.as_bytes())),
        at_ms: SIMULATED_AT_MS,
        auto_suggest: false,
        deadline_seconds: None,
    });
    let foreign = |index| SimulationError::Foreign {
        index,
        protocol: sim.protocol.name(),
    };
    let refused = |index, seat, reason: String| SimulationError::Refused {
        index,
        seat,
        reason,
    };
    // The agreement and its round, once reached.
    let mut agreed: Option<(Package, u64)> = None;
    let mut note = |chain: &mut Chain, e: Event| {
        if let Event::Agreement { offer, round } = &e {
            agreed = Some((offer.clone(), *round));
        }
        chain.push(&e);
    };
    match sim.protocol {
        ProtocolKind::Sao => {
            let mut state = State::new(names.clone(), sim.deadline_rounds);
            for (index, Step { seat, mv }) in moves.iter().enumerate() {
                let Move::Sao(mv) = mv else {
                    return Err(foreign(index));
                };
                let (kind, outcome) = match mv {
                    sao::Move::Offer(o) => (MoveKind::Offer, Some(sim.space.decode(*o))),
                    sao::Move::Accept => (MoveKind::Accept, None),
                    sao::Move::Reject => (MoveKind::Reject, None),
                    sao::Move::End => (MoveKind::End, None),
                    sao::Move::Leave => (MoveKind::Leave, None),
                };
                let round = state.round();
                let party = names.get(*seat).cloned().ok_or_else(|| foreign(index))?;
                note(
                    &mut chain,
                    Event::Move {
                        party,
                        kind,
                        offer: outcome.as_deref().map(|o| package(sc, o)),
                        round,
                        at_ms: SIMULATED_AT_MS,
                    },
                );
                let finish = state
                    .apply(*seat, kind, outcome)
                    .map_err(|e| refused(index, *seat, e.to_string()))?;
                if let Some(f) = finish {
                    note(&mut chain, finish_event(sc, &f, round));
                }
            }
        }
        ProtocolKind::SingleText(_) => {
            let mut state = TextState::new(sc, names.clone(), sim.deadline_rounds);
            if let Some(e) = proposal_event(sc, &state) {
                note(&mut chain, e);
            }
            for (index, Step { seat, mv }) in moves.iter().enumerate() {
                let Move::Vote(accept) = mv else {
                    return Err(foreign(index));
                };
                let proposal = state.proposal;
                let party = names.get(*seat).cloned().ok_or_else(|| foreign(index))?;
                note(
                    &mut chain,
                    Event::Vote {
                        party,
                        proposal,
                        accept: *accept,
                        at_ms: SIMULATED_AT_MS,
                    },
                );
                let resolved = state
                    .vote(sc, *seat, *accept, Some(proposal))
                    .map_err(|e| refused(index, *seat, e.to_string()))?;
                if resolved.is_some() {
                    match &state.finished {
                        None => {
                            if let Some(e) = proposal_event(sc, &state) {
                                note(&mut chain, e);
                            }
                        }
                        Some(f) => note(&mut chain, finish_event(sc, f, proposal)),
                    }
                }
            }
        }
        ProtocolKind::PartialRounds => {
            let mut state =
                PartialState::new(sc.issues().len(), names.clone(), sim.deadline_rounds);
            // The runner's proposal ids → the record's (the offer's seq).
            let mut ids: HashMap<u64, u64> = HashMap::new();
            for (index, Step { seat, mv }) in moves.iter().enumerate() {
                let Move::Partial(mv) = mv else {
                    return Err(foreign(index));
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
                let party = names.get(*seat).cloned().ok_or_else(|| foreign(index))?;
                note(
                    &mut chain,
                    Event::PartialMove {
                        party,
                        kind,
                        offer: pairs.as_deref().map(|p| pairs_package(sc, p)),
                        proposal,
                        round,
                        at_ms: SIMULATED_AT_MS,
                    },
                );
                let fx = state
                    .apply(sc, *seat, kind, pairs, proposal, seq)
                    .map_err(|e| refused(index, *seat, e.to_string()))?;
                for e in derived_events(sc, &state, &fx, round) {
                    note(&mut chain, e);
                }
            }
        }
    }
    if let Some((offer, round)) = agreed {
        let cert =
            certificate::compute(sc, &offer, round, &[]).map_err(SimulationError::Certificate)?;
        chain.push(&Event::Certificate(cert));
    }
    Ok(Export {
        scenario_toml: sim.scenario_text.to_string(),
        record: Record {
            session_id: sim.session_id.to_string(),
            events: chain.entries,
            signature: None,
        },
    })
}

/// A record's moves as the simulator's steps, and the result it states.
#[derive(Debug, Clone)]
pub struct RecordedRun {
    /// The protocol (the single text's mediator is draft-and-vote).
    pub protocol: ProtocolKind,
    /// The deadline, in rounds.
    pub deadline_rounds: u64,
    /// Every move, in order.
    pub steps: Vec<Step>,
    /// The recorded agreement.
    pub agreement: Option<Package>,
    /// The recorded end reason, when it ended without agreement.
    pub ended: Option<String>,
    /// The round of the agreement or end.
    pub final_round: Option<u64>,
    /// Seats that left, in the order they did.
    pub left: Vec<usize>,
}

impl RecordedRun {
    /// Whether `agreement` (a result's, or none) is the recorded result:
    /// the same package (compared by value), or no agreement where the
    /// record ended without one. A record still open matches nothing.
    pub fn agrees_with(&self, agreement: Option<&Package>) -> bool {
        match (agreement, &self.agreement) {
            (Some(a), Some(b)) => certificate::same_package(a, b),
            (None, None) => self.ended.is_some(),
            _ => false,
        }
    }
}

/// Reads `record`'s moves as steps on `space` (the simulator's space of
/// `scenario`, the session's scenario).
pub fn script_of(
    record: &Record,
    scenario: &Scenario,
    space: &OutcomeSpace,
) -> Result<RecordedRun, SimulationError> {
    let names = scenario.negotiator_names();
    let mut run: Option<RecordedRun> = None;
    for entry in &record.events {
        let seq = entry.seq;
        let bad = |reason: String| SimulationError::Record { seq, reason };
        let event: Event = serde_json::from_value(entry.event.clone())
            .map_err(|e| bad(format!("not an event of a session ({e})")))?;
        if let Event::Created {
            protocol,
            deadline_rounds,
            negotiators,
            ..
        } = &event
        {
            if run.is_some() {
                return Err(bad("a second creation".into()));
            }
            if *negotiators != names {
                return Err(bad(format!(
                    "the record's negotiators {negotiators:?} are not the scenario's {names:?}"
                )));
            }
            let protocol = match protocol.as_str() {
                ALTERNATING_OFFERS => ProtocolKind::Sao,
                SINGLE_TEXT => ProtocolKind::SingleText(Mediator::DraftAndVote),
                PARTIAL_ROUNDS => ProtocolKind::PartialRounds,
                other => return Err(bad(format!("unknown protocol {other:?}"))),
            };
            run = Some(RecordedRun {
                protocol,
                deadline_rounds: *deadline_rounds,
                steps: Vec::new(),
                agreement: None,
                ended: None,
                final_round: None,
                left: Vec::new(),
            });
            continue;
        }
        let run = run
            .as_mut()
            .ok_or_else(|| bad("the record does not start with the session's creation".into()))?;
        let seat_of = |party: &str| {
            names
                .iter()
                .position(|n| n == party)
                .ok_or_else(|| bad(format!("{party:?} is not a negotiator of this session")))
        };
        let outcome_of = |p: &Package| {
            let o = to_outcome(scenario, p)
                .map_err(|source| SimulationError::Package { seq, source })?;
            space
                .encode(&o)
                .map_err(|e| bad(format!("a package outside the space: {e}")))
        };
        let step = match &event {
            Event::Move {
                party, kind, offer, ..
            } => {
                let seat = seat_of(party)?;
                let mv = match (kind, offer) {
                    (MoveKind::Offer, Some(p)) => sao::Move::Offer(outcome_of(p)?),
                    (MoveKind::Accept, None) => sao::Move::Accept,
                    (MoveKind::Reject, None) => sao::Move::Reject,
                    (MoveKind::End, None) => sao::Move::End,
                    (MoveKind::Leave, None) => {
                        run.left.push(seat);
                        sao::Move::Leave
                    }
                    _ => return Err(bad(format!("{party}'s {kind:?} is malformed"))),
                };
                Some(Step {
                    seat,
                    mv: Move::Sao(mv),
                })
            }
            Event::Vote { party, accept, .. } => Some(Step {
                seat: seat_of(party)?,
                mv: Move::Vote(*accept),
            }),
            Event::PartialMove {
                party,
                kind,
                offer,
                proposal,
                ..
            } => {
                let mv = match (kind, offer, proposal) {
                    (MoveKind::Offer, Some(p), None) => partial_rounds::Move::Propose {
                        id: seq,
                        issues: package_pairs(scenario, p)
                            .map_err(|source| SimulationError::Package { seq, source })?,
                    },
                    (MoveKind::Accept, None, Some(id)) => partial_rounds::Move::Accept { id: *id },
                    (MoveKind::Reject, None, None) => partial_rounds::Move::Reject,
                    (MoveKind::End, None, None) => partial_rounds::Move::End,
                    _ => return Err(bad(format!("{party}'s {kind:?} is malformed"))),
                };
                Some(Step {
                    seat: seat_of(party)?,
                    mv: Move::Partial(mv),
                })
            }
            Event::Agreement { offer, round } => {
                run.agreement = Some(offer.clone());
                run.final_round = Some(*round);
                None
            }
            Event::Ended { reason, round } => {
                run.ended = Some(reason.clone());
                run.final_round = Some(*round);
                None
            }
            _ => None,
        };
        run.steps.extend(step);
    }
    run.ok_or(SimulationError::Record {
        seq: 0,
        reason: "the record has no events".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{Inputs, ScenarioSource, Status, verify};
    use pactum_sim::runner::{Config, negotiate};
    use pactum_sim::{Deadline, Prepared};

    const TEXT: &str = include_str!("../../../examples/car-purchase.toml");

    fn simulated(
        protocol: ProtocolKind,
        strategies: &[&str],
        seed: u64,
    ) -> (Prepared, NegotiationResult) {
        let loaded = pactum_core::native::from_toml("car.toml", TEXT).unwrap();
        let p = Prepared::new(loaded.scenario).unwrap();
        let config = Config {
            protocol,
            deadline: Deadline::steps(30),
            seed,
            record: true,
        };
        let r = negotiate(&p, strategies, &config).unwrap();
        (p, r)
    }

    fn export(p: &Prepared, r: &NegotiationResult, protocol: ProtocolKind) -> Export {
        export_simulation(&Simulation {
            session_id: "sim",
            scenario_text: TEXT,
            scenario: &p.scenario,
            space: &p.space,
            protocol,
            deadline_rounds: 30,
            result: r,
        })
        .unwrap()
    }

    fn without_ids(steps: &[Step]) -> Vec<Step> {
        let mut steps = steps.to_vec();
        for s in &mut steps {
            if let Move::Partial(
                partial_rounds::Move::Propose { id, .. } | partial_rounds::Move::Accept { id },
            ) = &mut s.mv
            {
                *id = 0;
            }
        }
        steps
    }

    #[test]
    fn a_simulation_exports_as_a_record_that_verifies_and_reads_back() {
        for (protocol, strategies) in [
            (ProtocolKind::Sao, ["boulware", "conceder"]),
            (ProtocolKind::Sao, ["random", "hardliner"]),
            (
                ProtocolKind::SingleText(Mediator::DraftAndVote),
                ["random", "linear"],
            ),
            (ProtocolKind::PartialRounds, ["random", "conceder"]),
        ] {
            for seed in 0..3 {
                let (p, r) = simulated(protocol, &strategies, seed);
                let e = export(&p, &r, protocol);
                let report = verify(
                    &e.record,
                    &Inputs {
                        scenario: Some((&e.scenario_toml, ScenarioSource::Export)),
                        ..Default::default()
                    },
                );
                assert!(
                    report.verified,
                    "{protocol:?} {seed}: {:?}",
                    report.problems()
                );
                assert_eq!(
                    report.check("protocol replay").unwrap().status,
                    Status::Passed
                );
                let run = script_of(&e.record, &p.scenario, &p.space).unwrap();
                // Proposal ids become the offers' sequence numbers.
                assert_eq!(without_ids(&run.steps), without_ids(&r.trace.moves));
                assert_eq!(run.agreement, r.agreement.map(|a| p.package(a)));
                // Same seed, same bytes.
                assert_eq!(
                    serde_json::to_string(&e).unwrap(),
                    serde_json::to_string(&export(&p, &r, protocol)).unwrap()
                );
            }
        }
    }

    #[test]
    fn a_negotiation_ended_on_a_refused_move_has_no_record_form() {
        let (p, mut r) = simulated(ProtocolKind::Sao, &["boulware", "conceder"], 0);
        r.end = End::Invalid {
            seat: 1,
            reason: "out of turn".into(),
        };
        let e = export_simulation(&Simulation {
            session_id: "sim",
            scenario_text: TEXT,
            scenario: &p.scenario,
            space: &p.space,
            protocol: ProtocolKind::Sao,
            deadline_rounds: 30,
            result: &r,
        });
        assert!(matches!(e, Err(SimulationError::Invalid { seat: 1, .. })));
    }

    #[test]
    fn only_the_draft_and_vote_mediator_has_a_record_form() {
        let protocol = ProtocolKind::SingleText(Mediator::Veto);
        let (p, r) = simulated(protocol, &["random", "linear"], 0);
        let e = export_simulation(&Simulation {
            session_id: "sim",
            scenario_text: TEXT,
            scenario: &p.scenario,
            space: &p.space,
            protocol,
            deadline_rounds: 30,
            result: &r,
        });
        assert!(matches!(e, Err(SimulationError::Mediator(Mediator::Veto))));
    }
}
