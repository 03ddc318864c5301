//! The `--json` document of a phased session: its field names are a stable
//! schema; each phase's trace is summarised (offer count and each party's
//! last offer), not listed.

use pactum_core::analysis::Package;
use pactum_sim::Prepared;
use pactum_sim::document::{EndDoc, PartyDoc, end_doc, parties};
use pactum_sim::phases::PhasedResult;
use serde::Serialize;

use super::args::Args;
use super::session_text::settled_package;
use super::shift::Shift;

#[derive(Serialize)]
struct JsonShift<'a> {
    phase: usize,
    party: &'a str,
    reservation_value: f64,
}

#[derive(Serialize)]
struct JsonLastOffer<'a> {
    party: &'a str,
    offer: Package,
    utilities: Vec<f64>,
}

/// A phase's trace in brief (the offers themselves are left out).
#[derive(Serialize)]
struct JsonTraceSummary<'a> {
    /// Offers made in the phase.
    offers: usize,
    /// Each party's last offer of the phase, in party order.
    last_offers: Vec<JsonLastOffer<'a>>,
}

#[derive(Serialize)]
struct JsonPhase<'a> {
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
    trace: JsonTraceSummary<'a>,
}

/// The document of `--json` for a multi-round session; field names are its
/// stable schema.
#[derive(Serialize)]
pub(super) struct JsonSession<'a> {
    scenario: &'a str,
    protocol: &'static str,
    partial_agreements: bool,
    /// Phases allowed (`phases` lists those played).
    max_phases: usize,
    max_steps: usize,
    seed: u64,
    parties: Vec<PartyDoc<'a>>,
    shifts: Vec<JsonShift<'a>>,
    phases: Vec<JsonPhase<'a>>,
    /// Issue → value, or null.
    agreement: Option<Package>,
    agreement_phase: Option<usize>,
    /// Every party's utility of the result, in party order.
    utilities: &'a [f64],
}

pub(super) fn session_json<'a>(
    p: &'a Prepared,
    strategies: &'a [&'a str],
    args: &Args,
    partial: bool,
    shifts: &[Shift],
    s: &'a PhasedResult,
    v: &[Vec<usize>],
) -> JsonSession<'a> {
    let name = |seat: usize| p.prefs[seat].name.as_str();
    let phases = s
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
                    Some(JsonLastOffer {
                        party: name(seat),
                        offer: p.package(e.offer),
                        utilities: p.utilities(e.offer),
                    })
                })
                .collect();
            JsonPhase {
                phase: k + 1,
                max_steps: args.steps,
                reservation_values: &ph.reservations,
                shifted: v[k].iter().map(|&seat| name(seat)).collect(),
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
                trace: JsonTraceSummary {
                    offers: r.trace.events.len(),
                    last_offers,
                },
            }
        })
        .collect();
    JsonSession {
        scenario: p.scenario.name(),
        protocol: if partial { "partial" } else { "sao" },
        partial_agreements: partial,
        max_phases: args.phases.unwrap_or(1),
        max_steps: args.steps,
        seed: args.seed,
        parties: parties(p, strategies),
        shifts: shifts
            .iter()
            .map(|sh| JsonShift {
                phase: sh.phase,
                party: name(sh.seat),
                reservation_value: sh.value,
            })
            .collect(),
        phases,
        agreement: s.agreement.map(|a| p.package(a)),
        agreement_phase: s.agreement.map(|_| s.phases.len()),
        utilities: &s.utilities,
    }
}
