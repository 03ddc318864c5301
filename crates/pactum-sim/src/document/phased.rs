//! The document of a phased session: what `pactum negotiate --phases N
//! --json` prints and what the Python package's phased result's
//! `to_dict()` returns, built here once for both.
//!
//! Rules: field names are a stable schema; each phase's trace is
//! summarised (its offer count and each party's last offer), not listed;
//! the shifts are the phases' new reservation values, by phase then
//! negotiator; a phase's `shifted` names the negotiators whose reservation
//! value changed at its start ([`shifted`]); the protocol is `partial` when
//! settled issues are carried between phases, else `sao`.

use pactum_core::analysis::Package;
use serde::Serialize;

use super::{EndDoc, PartyDoc, end_doc, parties};
use crate::phases::{Phase, PhasedResult};
use crate::prefs::Prepared;

#[derive(Serialize)]
struct ShiftDoc<'a> {
    phase: usize,
    party: &'a str,
    reservation_value: f64,
}

#[derive(Serialize)]
struct LastOfferDoc<'a> {
    party: &'a str,
    offer: Package,
    utilities: Vec<f64>,
}

/// A phase's trace in brief (the offers themselves are left out).
#[derive(Serialize)]
struct TraceSummaryDoc<'a> {
    /// Offers made in the phase.
    offers: usize,
    /// Each party's last offer of the phase, in party order.
    last_offers: Vec<LastOfferDoc<'a>>,
}

#[derive(Serialize)]
struct PhaseDoc<'a> {
    phase: usize,
    max_steps: usize,
    /// In party order; null where a party has none.
    reservation_values: &'a [Option<f64>],
    /// Parties whose reservation value changed at the start of the phase.
    shifted: Vec<&'a str>,
    /// Issue → value settled before the phase.
    carried_in: Package,
    /// Issue → value settled by the phase (all open issues on an agreement).
    settled: Package,
    /// Issues still open after the phase.
    open: Vec<&'a str>,
    agreement: Option<Package>,
    steps: usize,
    end: EndDoc<'a>,
    trace: TraceSummaryDoc<'a>,
}

/// The document of a phased session; field names are its stable schema.
#[derive(Serialize)]
pub struct PhasedDoc<'a> {
    scenario: &'a str,
    protocol: &'static str,
    partial_agreements: bool,
    /// Phases allowed (`phases` lists those played).
    max_phases: usize,
    /// The first phase's deadline in rounds.
    max_steps: usize,
    seed: u64,
    parties: Vec<PartyDoc<'a>>,
    shifts: Vec<ShiftDoc<'a>>,
    phases: Vec<PhaseDoc<'a>>,
    /// Issue → value, or null.
    agreement: Option<Package>,
    agreement_phase: Option<usize>,
    /// Every party's utility of the result, in party order.
    utilities: &'a [f64],
}

/// Issue → value of the settled issues (`settled`: per issue, the value
/// index settled, if any).
pub fn settled_package(p: &Prepared, settled: &[Option<u32>]) -> Package {
    p.scenario
        .issues()
        .iter()
        .zip(settled)
        .filter_map(|(issue, k)| k.map(|k| (issue.name.clone(), issue.value(k))))
        .collect()
}

/// Per phase played: the negotiators whose reservation value changed at
/// its start (what each phase settled and left open is the engine's
/// bookkeeping, in each [`PhaseReport`](crate::phases::PhaseReport)).
pub fn shifted(p: &Prepared, s: &PhasedResult) -> Vec<Vec<usize>> {
    let mut previous: Vec<Option<f64>> = p.prefs.iter().map(|pr| pr.reservation).collect();
    s.phases
        .iter()
        .map(|phase| {
            let changed = (0..p.prefs.len())
                .filter(|&k| phase.reservations[k] != previous[k])
                .collect();
            previous = phase.reservations.clone();
            changed
        })
        .collect()
}

/// The document of session `s`, played on `p` as `phases` by `strategies`
/// (one per seat), settled issues carried between phases when `carry`.
pub fn phased_doc<'a, S: AsRef<str>>(
    p: &'a Prepared,
    strategies: &'a [S],
    phases: &[Phase],
    carry: bool,
    seed: u64,
    s: &'a PhasedResult,
) -> PhasedDoc<'a> {
    let name = |seat: usize| p.prefs[seat].name.as_str();
    let changed = shifted(p, s);
    let played = s
        .phases
        .iter()
        .enumerate()
        .map(|(k, ph)| {
            let r = &ph.result;
            let last_offers = (0..p.prefs.len())
                .filter_map(|seat| {
                    let e = r
                        .trace
                        .events
                        .iter()
                        .rev()
                        .find(|e| e.proposer == Some(seat))?;
                    Some(LastOfferDoc {
                        party: name(seat),
                        offer: p.package(e.offer),
                        utilities: p.utilities(e.offer),
                    })
                })
                .collect();
            PhaseDoc {
                phase: k + 1,
                max_steps: phases.get(k).map_or(0, |f| f.steps),
                reservation_values: &ph.reservations,
                shifted: changed[k].iter().map(|&seat| name(seat)).collect(),
                carried_in: settled_package(p, &ph.issues.carried_in),
                settled: settled_package(p, &ph.issues.settled),
                open: ph
                    .issues
                    .open
                    .iter()
                    .map(|&i| p.scenario.issues()[i].name.as_str())
                    .collect(),
                agreement: r.agreement.map(|a| p.package(a)),
                steps: r.steps,
                end: end_doc(p, &r.end),
                trace: TraceSummaryDoc {
                    offers: r.trace.events.len(),
                    last_offers,
                },
            }
        })
        .collect();
    let shifts = phases
        .iter()
        .enumerate()
        .flat_map(|(k, ph)| {
            ph.reservations
                .iter()
                .enumerate()
                .filter_map(move |(seat, r)| {
                    r.map(|value| ShiftDoc {
                        phase: k + 1,
                        party: name(seat),
                        reservation_value: value,
                    })
                })
        })
        .collect();
    PhasedDoc {
        scenario: p.scenario.name(),
        protocol: if carry { "partial" } else { "sao" },
        partial_agreements: carry,
        max_phases: phases.len(),
        max_steps: phases.first().map_or(0, |f| f.steps),
        seed,
        parties: parties(p, strategies),
        shifts,
        phases: played,
        agreement: s.agreement.map(|a| p.package(a)),
        agreement_phase: s.agreement.map(|_| s.phases.len()),
        utilities: &s.utilities,
    }
}
