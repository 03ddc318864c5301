//! Multi-round sessions with partial agreements and shifting leverage.
//!
//! Real talks rarely settle everything at once: a session is a sequence of
//! *phases*, each a complete stacked-alternating-offers negotiation with its
//! own deadline. Between phases
//!
//! * reservation values may change (leverage shifts: a better outside
//!   option appears, a deadline at home approaches) — each phase may set new
//!   ones;
//! * with partial agreements on, every issue on which the parties' last
//!   offers of the phase coincide is settled and carried into the later
//!   phases: they negotiate only the open issues, the settled values fixed.
//!
//! The session ends at the first phase that reaches an agreement, or after
//! the last phase with none (each party then gets its reservation value of
//! the last phase). Negotiators are seated afresh in every phase, with their
//! preferences over what is still open.

use std::sync::Arc;

use serde::Serialize;

use crate::error::SimError;
use crate::prefs::Prepared;
use crate::runner::{Config, NegotiationResult, derive_seed, negotiate};
use crate::space::{OutcomeId, OutcomeSpace};

/// One phase of a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub steps: usize,
    /// New reservation values, per negotiator; `None` keeps the previous one.
    pub reservations: Vec<Option<f64>>,
}

/// What one phase did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseReport {
    /// The phase's negotiation, offers as full-space ids.
    pub result: NegotiationResult,
    /// Reservation values in force during the phase.
    pub reservations: Vec<Option<f64>>,
    /// Issues settled when the phase ended (value index per issue).
    pub settled: Vec<Option<u32>>,
}

/// How a whole session came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionResult {
    pub phases: Vec<PhaseReport>,
    pub agreement: Option<OutcomeId>,
    pub utilities: Vec<f64>,
}

/// The sub-space with the settled issues fixed, and the full-space id of
/// each of its outcomes.
pub fn restricted(space: &OutcomeSpace, settled: &[Option<u32>]) -> (OutcomeSpace, Vec<OutcomeId>) {
    let cards: Vec<u32> = space
        .cards
        .iter()
        .zip(settled)
        .map(|(&c, s)| if s.is_some() { 1 } else { c })
        .collect();
    let sub = OutcomeSpace::from_cards(cards);
    let mut package = vec![0u32; space.issues()];
    let map = (0..sub.len() as OutcomeId)
        .map(|k| {
            sub.decode_into(k, &mut package);
            for (v, s) in package.iter_mut().zip(settled) {
                if let Some(s) = s {
                    *v = *s;
                }
            }
            space.encode(&package).expect("inside the space")
        })
        .collect();
    (sub, map)
}

/// Plays a session of `phases` (SAO in each) with `strategies` seated in
/// scenario order; `partial` carries settled issues between phases.
pub fn run_session(
    prepared: &Prepared,
    strategies: &[&str],
    phases: &[Phase],
    partial: bool,
    seed: u64,
) -> Result<SessionResult, SimError> {
    let n = prepared.prefs.len();
    if phases.is_empty() {
        return Err(SimError::Invalid(
            "a session needs at least one phase".into(),
        ));
    }
    let space = &prepared.space;
    let mut settled: Vec<Option<u32>> = vec![None; space.issues()];
    let mut reservations: Vec<Option<f64>> = prepared.prefs.iter().map(|p| p.reservation).collect();
    let mut reports = Vec::with_capacity(phases.len());
    for (k, phase) in phases.iter().enumerate() {
        if phase.reservations.len() != n {
            return Err(SimError::Invalid(format!(
                "phase {}: {} reservation value{} for {n} negotiators",
                k + 1,
                phase.reservations.len(),
                if phase.reservations.len() == 1 {
                    ""
                } else {
                    "s"
                }
            )));
        }
        for (r, new) in reservations.iter_mut().zip(&phase.reservations) {
            if new.is_some() {
                *r = *new;
            }
        }
        let (sub, map) = restricted(space, &settled);
        let sub_prepared = Prepared {
            scenario: prepared.scenario.clone(),
            space: Arc::new(sub),
            negotiators: prepared.negotiators.clone(),
            prefs: prepared
                .prefs
                .iter()
                .zip(&reservations)
                .map(|(p, &r)| Arc::new(p.restrict(&map, r)))
                .collect(),
        };
        let config = Config {
            record: true,
            ..Config::sao(phase.steps, derive_seed(seed, 1000 + k as u64))
        };
        let mut result = negotiate(&sub_prepared, strategies, &config)?;
        // Back to full-space ids.
        result.agreement = result.agreement.map(|a| map[a as usize]);
        for e in &mut result.trace.events {
            e.offer = map[e.offer as usize];
        }
        if partial && result.agreement.is_none() {
            let mut last: Vec<Option<OutcomeId>> = vec![None; n];
            for e in &result.trace.events {
                if let Some(p) = e.proposer {
                    last[p] = Some(e.offer);
                }
            }
            if let Some(offers) = last.iter().copied().collect::<Option<Vec<_>>>() {
                for (i, s) in settled.iter_mut().enumerate() {
                    let v = space.value(offers[0], i);
                    if s.is_none() && offers.iter().all(|&o| space.value(o, i) == v) {
                        *s = Some(v);
                    }
                }
            }
        }
        let agreement = result.agreement;
        reports.push(PhaseReport {
            result,
            reservations: reservations.clone(),
            settled: settled.clone(),
        });
        if agreement.is_some() {
            break;
        }
    }
    let last = reports.last().expect("at least one phase");
    let agreement = last.result.agreement;
    let utilities = prepared
        .prefs
        .iter()
        .zip(&last.reservations)
        .map(|(p, r)| match agreement {
            Some(a) => p.utility(a),
            None => r.unwrap_or(p.worst),
        })
        .collect();
    Ok(SessionResult {
        phases: reports,
        agreement,
        utilities,
    })
}
