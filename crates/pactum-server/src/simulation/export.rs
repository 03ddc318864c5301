//! A simulated negotiation written as the export a live session gives
//! (`GET /sessions/{id}/export`).
//!
//! Rules: only what a record can hold is exported — a deadline in rounds
//! and perhaps a wall-clock limit in whole seconds (every move then
//! stamped with its time), the single text with any mediator (the veto and hill-climbing mediators'
//! seed in the creation; the packages mediator after every negotiator's
//! lock, on the scenario's preferences), a negotiation that did
//! not end on a refused move, a result whose trace was kept; the record
//! opens with the session's creation (the scenario text's SHA-256 in it)
//! and, after an agreement, closes with the certificate the server issues,
//! computed from the aggregates only (nobody disclosed preferences).

use pactum_sim::End;
use pactum_sim::runner::ProtocolKind;
use sha2::{Digest, Sha256};

use super::chain::Chain;
use super::error::SimulationError;
use super::moves::Moves;
use super::simulated::{SIMULATED_AT_MS, Simulation};
use crate::certificate;
use crate::event::Event;
use crate::mediation::Export;
use crate::partial::PARTIAL_ROUNDS;
use crate::protocol::{ALTERNATING_OFFERS, TimeLimit};
use crate::record::Record;
use crate::single_text::SINGLE_TEXT;

/// The protocol's name in a record.
fn record_protocol(protocol: ProtocolKind) -> Result<&'static str, SimulationError> {
    match protocol {
        ProtocolKind::Sao => Ok(ALTERNATING_OFFERS),
        ProtocolKind::SingleText(_) => Ok(SINGLE_TEXT),
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
    if sim.result.trace.moves.is_empty() && !sim.result.trace.enabled {
        return Err(SimulationError::NotRecorded);
    }
    let time_limit = sim
        .deadline_seconds
        .map(|s| TimeLimit::new(SIMULATED_AT_MS, s))
        .transpose()?;
    let trace = &sim.result.trace;
    if time_limit.is_some() && trace.times.moves.len() != trace.moves.len() {
        return Err(SimulationError::Untimed {
            moves: trace.moves.len(),
            times: trace.times.moves.len(),
        });
    }
    let sc = sim.scenario;
    let moves = Moves {
        time_limit,
        sim,
        names: sc.negotiator_names(),
    };
    let mut chain = Chain::new();
    chain.push(&Event::Created {
        session_id: sim.session_id.to_string(),
        protocol: protocol.to_string(),
        deadline_rounds: sim.deadline_rounds,
        negotiators: moves.names.clone(),
        scenario_sha256: hex::encode(Sha256::digest(sim.scenario_text.as_bytes())),
        at_ms: SIMULATED_AT_MS,
        auto_suggest: false,
        deadline_seconds: sim.deadline_seconds,
        mediator: sim.text_mediator().and_then(|m| m.recorded_name()),
        mediator_seed: sim.text_mediator().and_then(|m| m.recorded_seed()),
    });
    match sim.protocol {
        ProtocolKind::Sao => moves.sao(&mut chain)?,
        ProtocolKind::SingleText(_) => moves.single_text(&mut chain)?,
        ProtocolKind::PartialRounds => moves.partial_rounds(&mut chain)?,
    }
    if let Some((offer, round)) = chain.agreed.take() {
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
