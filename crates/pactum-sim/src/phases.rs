//! Phased sessions: partial agreements and shifting leverage across
//! phases. (Not the partial-rounds protocol, which settles issues within
//! one negotiation: see [`pactum_protocol::partial_rounds`].)
//!
//! Real talks rarely settle everything at once: a phased session is a
//! sequence of *phases*, each a complete stacked-alternating-offers
//! negotiation with its own deadline. Between phases
//!
//! * reservation values may change (leverage shifts: a better outside
//!   option appears, a deadline at home approaches) — each phase may set new
//!   ones;
//! * with carrying on, every issue on which the parties' last offers of the
//!   phase coincide is settled and carried into the later phases: they
//!   negotiate only the open issues, the settled values fixed (the
//!   bookkeeping is the engine's, [`pactum_protocol::phases`]).
//!
//! The session ends at the first phase that reaches an agreement, or after
//! the last phase with none (each party then gets its reservation value of
//! the last phase). Negotiators are seated afresh in every phase, with their
//! preferences over what is still open.

use std::sync::Arc;

use pactum_protocol::phases::{PhaseIssues, Phases};
use serde::Serialize;

use crate::error::SimError;
use crate::negotiator::{self, SeatInfo};
use crate::prefs::Prepared;
use crate::runner::{
    Built, Config, Faults, NegotiationResult, check_strategy_count, derive_seed, negotiate_with,
};
use crate::session::WallClock;
use crate::space::OutcomeId;

/// One phase of a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    /// Its deadline in rounds.
    pub steps: usize,
    /// New reservation values, per negotiator; `None` keeps the previous one.
    pub reservations: Vec<Option<f64>>,
}

/// A shift of leverage: from phase `phase` (numbered from 1) on,
/// negotiator `seat` has reservation value `value`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shift {
    /// The phase, from 1.
    pub phase: usize,
    /// The negotiator's seat.
    pub seat: usize,
    /// Its new reservation value.
    pub value: f64,
}

/// The phases of a session of `count` phases of `steps` rounds each, with
/// `shifts` applied. Refused: no phase, no round, a shift's phase outside
/// the session or seat outside the table, and two shifts of one
/// negotiator in one phase.
pub fn plan_phases(
    prepared: &Prepared,
    count: usize,
    steps: usize,
    shifts: &[Shift],
) -> Result<Vec<Phase>, SimError> {
    let n = prepared.prefs.len();
    if count == 0 {
        return Err(SimError::Invalid(
            "a session needs at least one phase".into(),
        ));
    }
    if steps == 0 {
        return Err(SimError::Invalid("a phase needs at least one round".into()));
    }
    let mut phases = vec![
        Phase {
            steps,
            reservations: vec![None; n],
        };
        count
    ];
    for sh in shifts {
        if sh.phase == 0 || sh.phase > count {
            return Err(SimError::Invalid(format!(
                "phase {} is out of range (the session has {count} phase{}, numbered from 1)",
                sh.phase,
                if count == 1 { "" } else { "s" }
            )));
        }
        let name = prepared
            .prefs
            .get(sh.seat)
            .map(|p| p.name.as_str())
            .ok_or_else(|| SimError::Invalid(format!("no negotiator in seat {}", sh.seat)))?;
        let slot = &mut phases[sh.phase - 1].reservations[sh.seat];
        if slot.is_some() {
            return Err(SimError::Invalid(format!(
                "{name}'s reservation value in phase {} is already shifted",
                sh.phase
            )));
        }
        *slot = Some(sh.value);
    }
    Ok(phases)
}

/// What one phase did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseReport {
    /// The phase's negotiation, offers as full-space ids.
    pub result: NegotiationResult,
    /// Reservation values in force during the phase.
    pub reservations: Vec<Option<f64>>,
    /// The issues carried in, settled by the phase and left open.
    pub issues: PhaseIssues,
}

/// How a whole phased session came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhasedResult {
    /// The phases played, in order.
    pub phases: Vec<PhaseReport>,
    /// The agreement of the last phase, if any.
    pub agreement: Option<OutcomeId>,
    /// Every negotiator's utility of the result.
    pub utilities: Vec<f64>,
}

/// Plays a session of `phases` (SAO in each) with `strategies` seated in
/// scenario order; `carry` carries settled issues between phases.
pub fn run_phased(
    prepared: &Prepared,
    strategies: &[&str],
    phases: &[Phase],
    carry: bool,
    seed: u64,
) -> Result<PhasedResult, SimError> {
    check_strategy_count(prepared, strategies)?;
    run_phased_with(
        prepared,
        phases,
        carry,
        seed,
        &mut |_, info| negotiator::build(strategies[info.seat], info),
        &Faults::default(),
    )
}

/// [`run_phased`] with the negotiators `seat` builds: asked afresh in
/// every phase for every seat, with the phase's scenario (its outcome
/// space the open issues only, its reservation values the phase's) and
/// what the seat is given (as [`negotiate_with`] asks). A fault a
/// negotiator reports to `faults` ends its phase as an invalid move.
pub fn run_phased_with(
    prepared: &Prepared,
    phases: &[Phase],
    carry: bool,
    seed: u64,
    seat: &mut dyn FnMut(&Prepared, &SeatInfo) -> Built,
    faults: &Faults,
) -> Result<PhasedResult, SimError> {
    let n = prepared.prefs.len();
    if phases.is_empty() {
        return Err(SimError::Invalid(
            "a session needs at least one phase".into(),
        ));
    }
    let Some(space) = prepared.space.enumerated() else {
        return Err(SimError::NeedsEnumeration {
            what: "a phased session".into(),
            outcomes: prepared.scenario.outcome_count(),
            limit: crate::space::MAX_OUTCOMES,
        });
    };
    let mut book = Phases::new(space.issues(), carry);
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
        let (sub, map) = space.restricted(book.settled());
        let sub_prepared = Prepared {
            scenario: prepared.scenario.clone(),
            space: Arc::new(crate::space::SimSpace::Enumerated(sub)),
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
        let mut result = negotiate_with(
            &sub_prepared,
            &config,
            Arc::new(WallClock::start()),
            &mut |info| seat(&sub_prepared, info),
            faults,
        )?;
        // Back to full-space ids.
        result.agreement = result.agreement.map(|a| map[a as usize]);
        if let crate::End::Agreement { outcome } = &mut result.end {
            *outcome = map[*outcome as usize];
        }
        for e in &mut result.trace.events {
            e.offer = map[e.offer as usize];
        }
        let mut last: Vec<Option<OutcomeId>> = vec![None; n];
        for e in &result.trace.events {
            if let Some(p) = e.proposer {
                last[p] = Some(e.offer);
            }
        }
        let issues = book.close(space, result.agreement.as_ref(), &last);
        let agreement = result.agreement;
        reports.push(PhaseReport {
            result,
            reservations: reservations.clone(),
            issues,
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
    Ok(PhasedResult {
        phases: reports,
        agreement,
        utilities,
    })
}
