//! A record read back as the simulator's steps, with the result it states,
//! so that `pactum_sim::script::replay` can re-run it.
//!
//! Rules: the record starts with the session's creation, once; its
//! negotiators are the scenario's, in order, and each seat is found by the
//! negotiator's name; packages become outcome ids of the simulator's space
//! (a package outside it is refused, naming the entry); a partial-rounds
//! proposal's id is the offer's sequence number; only the agreement or end
//! recorded, and who left, make the stated result; each move's time, and
//! the expiry's, is its `at_ms` less the creation's (a time before the
//! creation is refused), so a session with a wall-clock limit re-runs on
//! the recorded clock. On a searched space (too large to enumerate) only
//! the packages some negotiator's search found are numbered, so every whole
//! package the record holds (a person's offers, the agreement) is numbered
//! first, with its utilities evaluated exactly; the script is read on that
//! grown space, which the re-run must use.

use pactum_core::Scenario;
use pactum_core::analysis::Package;
use pactum_protocol::{partial_rounds, sao};
use pactum_sim::{Prepared, SimSpace};
use std::time::Duration;

use pactum_sim::runner::ProtocolKind;
use pactum_sim::script::MoveTimes;
use pactum_sim::trace::{Move, Step};

use super::error::SimulationError;
use crate::certificate;
use crate::event::{Event, MoveKind};
use crate::mediators::TextMediator;
use crate::offers::{package_pairs, to_outcome};
use crate::partial::PARTIAL_ROUNDS;
use crate::protocol::ALTERNATING_OFFERS;
use crate::record::Record;
use crate::single_text::SINGLE_TEXT;

/// A record's moves as the simulator's steps, and the result it states.
#[derive(Debug, Clone)]
pub struct RecordedRun {
    /// The protocol (with the single text's recorded mediator).
    pub protocol: ProtocolKind,
    /// The seed the single text's mediator drew from (0 when it draws
    /// nothing), as the simulator's runner passes it to the engine.
    pub mediator_seed: u64,
    /// The deadline, in rounds.
    pub deadline_rounds: u64,
    /// The wall-clock time limit, if the session had one.
    pub deadline_seconds: Option<u64>,
    /// Every move, in order.
    pub steps: Vec<Step>,
    /// When each move was made (and the expiry found), from the creation.
    pub times: MoveTimes,
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

/// Reads `record`'s moves as steps of `prepared` (the session's scenario
/// prepared for the simulator). Returns the preparation the steps are
/// numbered on — `prepared` itself on an enumerated space, on a searched
/// one `prepared` with every whole package of the record numbered — and
/// the script; the re-run must use that preparation.
pub fn script_of(
    record: &Record,
    prepared: &Prepared,
) -> Result<(Prepared, RecordedRun), SimulationError> {
    let prepared = if prepared.space.is_searched() {
        let packages = whole_packages(record, &prepared.scenario);
        prepared
            .with_packages(&packages)
            .map_err(|e| SimulationError::Record {
                seq: 0,
                reason: format!("numbering the record's packages: {e}"),
            })?
    } else {
        prepared.clone()
    };
    let run = read_script(record, &prepared.scenario, &prepared.space)?;
    Ok((prepared, run))
}

/// Every package of `record` that names each issue of `scenario` with one
/// of its values, in record order (the others are refused, with their
/// entry, when the script is read).
fn whole_packages(record: &Record, scenario: &Scenario) -> Vec<Vec<u32>> {
    let mut packages = Vec::new();
    for entry in &record.events {
        let Ok(event) = serde_json::from_value::<Event>(entry.event.clone()) else {
            continue;
        };
        let found: Vec<&Package> = match &event {
            Event::Move { offer, .. } | Event::PartialMove { offer, .. } => offer.iter().collect(),
            Event::Agreement { offer, .. } => vec![offer],
            Event::Proposal { draft, change, .. } => vec![draft, change],
            Event::Settled { issues, .. } => vec![issues],
            Event::PartialAgreement { settled, .. } => vec![settled],
            _ => Vec::new(),
        };
        packages.extend(
            found
                .into_iter()
                .filter_map(|p| to_outcome(scenario, p).ok()),
        );
    }
    packages
}

/// Reads `record`'s moves as steps on `space` (the simulator's space of
/// `scenario`, the session's scenario).
fn read_script(
    record: &Record,
    scenario: &Scenario,
    space: &SimSpace,
) -> Result<RecordedRun, SimulationError> {
    let names = scenario.negotiator_names();
    let mut run: Option<RecordedRun> = None;
    let mut created_ms = 0i64;
    for entry in &record.events {
        let seq = entry.seq;
        let bad = |reason: String| SimulationError::Record { seq, reason };
        let event: Event = serde_json::from_value(entry.event.clone())
            .map_err(|e| bad(format!("not an event of a session ({e})")))?;
        if let Event::Created {
            protocol,
            deadline_rounds,
            negotiators,
            at_ms,
            deadline_seconds,
            mediator,
            mediator_seed,
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
            let text =
                TextMediator::of_created(mediator.as_deref(), *mediator_seed).map_err(bad)?;
            let protocol = match protocol.as_str() {
                ALTERNATING_OFFERS => ProtocolKind::Sao,
                SINGLE_TEXT => ProtocolKind::SingleText(text.mediator),
                PARTIAL_ROUNDS => ProtocolKind::PartialRounds,
                other => return Err(bad(format!("unknown protocol {other:?}"))),
            };
            created_ms = *at_ms;
            run = Some(RecordedRun {
                protocol,
                mediator_seed: text.seed,
                deadline_rounds: *deadline_rounds,
                deadline_seconds: *deadline_seconds,
                steps: Vec::new(),
                times: MoveTimes::default(),
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
        let since_creation = |at_ms: i64| {
            u64::try_from(at_ms - created_ms)
                .map(Duration::from_millis)
                .map_err(|_| bad(format!("a time ({at_ms} ms) before the session's creation")))
        };
        let at = match &event {
            Event::Move { at_ms, .. }
            | Event::Vote { at_ms, .. }
            | Event::PartialMove { at_ms, .. } => Some(since_creation(*at_ms)?),
            Event::Expired { at_ms, .. } => {
                run.times.expired = Some(since_creation(*at_ms)?);
                None
            }
            _ => None,
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
        if let (Some(step), Some(at)) = (step, at) {
            run.steps.push(step);
            run.times.moves.push(at);
        }
    }
    run.ok_or(SimulationError::Record {
        seq: 0,
        reason: "the record has no events".into(),
    })
}
