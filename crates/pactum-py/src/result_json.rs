//! The document of one negotiation, field for field the one `pactum
//! negotiate --json` prints (the schema is the command line's: parties
//! named, never numbered; the mediator proposes as "mediator"; a Python
//! negotiator's strategy is its name).

use pactum_core::analysis::Package;
use pactum_sim::metrics::Metrics;
use pactum_sim::negotiator::Response;
use pactum_sim::runner::Discounted;
use pactum_sim::{Config, End, Mediator, NegotiationResult, Prepared, ProtocolKind};
use serde::Serialize;

/// The protocol as the command line names it in results.
pub fn protocol_name(config: &Config) -> &'static str {
    match config.protocol {
        ProtocolKind::Sao => "sao",
        ProtocolKind::SingleText(Mediator::Veto) => "single-text (veto mediator)",
        ProtocolKind::SingleText(Mediator::HillClimbing) => "single-text (hill-climbing mediator)",
        ProtocolKind::SingleText(Mediator::DraftAndVote) => "single-text (draft-and-vote mediator)",
        ProtocolKind::SingleText(Mediator::Packages) => "single-text (packages mediator)",
        ProtocolKind::PartialRounds => "partial-rounds",
    }
}

/// A response's name.
pub fn response_name(r: Response) -> &'static str {
    match r {
        Response::Accept => "accept",
        Response::Reject => "reject",
        Response::RejectWithoutOffer => "reject_without_offer",
        Response::End => "end",
        Response::Leave => "leave",
    }
}

#[derive(Serialize)]
struct JsonParty<'a> {
    name: &'a str,
    strategy: &'a str,
    reservation_value: Option<f64>,
}

#[derive(Serialize)]
struct JsonResponse<'a> {
    party: &'a str,
    response: &'static str,
}

#[derive(Serialize)]
struct JsonEvent<'a> {
    step: usize,
    time: f64,
    proposer: &'a str,
    offer: Package,
    utilities: Vec<f64>,
    responses: Vec<JsonResponse<'a>>,
}

/// How a negotiation ended, as the documents show it.
#[derive(Serialize)]
pub struct JsonEnd<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    party: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// The document.
#[derive(Serialize)]
pub struct JsonNegotiation<'a> {
    scenario: &'a str,
    protocol: &'static str,
    max_steps: Option<usize>,
    seed: u64,
    parties: Vec<JsonParty<'a>>,
    trace: Vec<JsonEvent<'a>>,
    agreement: Option<Package>,
    utilities: &'a [f64],
    steps: usize,
    end: JsonEnd<'a>,
    distance_to_frontier: Option<f64>,
    distance_to_nash: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    discounted: Option<&'a Discounted>,
}

/// The document of a negotiation.
pub fn to_json<'a>(
    p: &'a Prepared,
    strategies: &'a [String],
    config: &Config,
    r: &'a NegotiationResult,
    m: &Metrics,
) -> JsonNegotiation<'a> {
    let name = |seat: usize| p.prefs[seat].name.as_str();
    let trace = r
        .trace
        .events
        .iter()
        .map(|e| JsonEvent {
            step: e.step,
            time: e.time,
            proposer: e.proposer.map_or("mediator", name),
            offer: p.package(e.offer),
            utilities: p.utilities(e.offer),
            responses: e
                .responses
                .iter()
                .map(|(s, resp)| JsonResponse {
                    party: name(*s),
                    response: response_name(*resp),
                })
                .collect(),
        })
        .collect();
    let parties = p
        .prefs
        .iter()
        .zip(strategies)
        .map(|(pr, s)| JsonParty {
            name: &pr.name,
            strategy: s,
            reservation_value: pr.reservation,
        })
        .collect();
    JsonNegotiation {
        scenario: p.scenario.name(),
        protocol: protocol_name(config),
        max_steps: config.deadline.steps,
        seed: config.seed,
        parties,
        trace,
        agreement: r.agreement.map(|a| p.package(a)),
        utilities: &r.utilities,
        steps: r.steps,
        end: json_end(p, &r.end),
        distance_to_frontier: m.to_frontier(&r.utilities),
        distance_to_nash: m.to_nash(&r.utilities),
        discounted: r.discounted.as_ref(),
    }
}

/// How it ended: kind, and the party and reason where they apply.
pub fn json_end<'a>(p: &'a Prepared, end: &'a End) -> JsonEnd<'a> {
    let name = |seat: usize| p.prefs[seat].name.as_str();
    let (kind, party, reason) = match end {
        End::Agreement { .. } => ("agreement", None, None),
        End::Deadline => ("deadline", None, None),
        End::Ended { seat } => ("ended", Some(name(*seat)), None),
        End::Invalid { seat, reason } => ("invalid", Some(name(*seat)), Some(reason.as_str())),
        End::Deserted => ("deserted", None, None),
    };
    JsonEnd {
        kind,
        party,
        reason,
    }
}
