//! The `--json` document of one negotiation: its field names are a stable
//! schema; parties are named, never numbered, and the mediator proposes as
//! "mediator".

use pactum_core::analysis::Package;
use pactum_sim::metrics::Metrics;
use pactum_sim::negotiator::Response;
use pactum_sim::{Config, End, NegotiationResult, Prepared};
use serde::Serialize;

use super::text::protocol_name;

fn response_name(r: Response) -> &'static str {
    match r {
        Response::Accept => "accept",
        Response::Reject => "reject",
        Response::RejectWithoutOffer => "reject_without_offer",
        Response::End => "end",
        Response::Leave => "leave",
    }
}

#[derive(Serialize)]
pub(super) struct JsonParty<'a> {
    pub(super) name: &'a str,
    pub(super) strategy: &'a str,
    pub(super) reservation_value: Option<f64>,
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
    /// A party's name, or "mediator".
    proposer: &'a str,
    offer: Package,
    utilities: Vec<f64>,
    responses: Vec<JsonResponse<'a>>,
}

#[derive(Serialize)]
pub(super) struct JsonEnd<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    party: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// The document of `--json`; field names are its stable schema.
#[derive(Serialize)]
pub struct JsonNegotiation<'a> {
    scenario: &'a str,
    protocol: &'static str,
    max_steps: Option<usize>,
    seed: u64,
    parties: Vec<JsonParty<'a>>,
    trace: Vec<JsonEvent<'a>>,
    /// Issue → value, or null.
    agreement: Option<Package>,
    /// Every party's utility of the result, in party order.
    utilities: &'a [f64],
    /// Rounds started (an agreement in the first round gives 1).
    steps: usize,
    end: JsonEnd<'a>,
    distance_to_frontier: Option<f64>,
    distance_to_nash: Option<f64>,
    /// With discounting: the relative time the negotiation ended at and
    /// every party's utility discounted to it (absent without discounting).
    #[serde(skip_serializing_if = "Option::is_none")]
    discounted: Option<&'a pactum_sim::runner::Discounted>,
}

/// The JSON document of `--json`.
pub fn to_json<'a>(
    p: &'a Prepared,
    strategies: &[&'a str],
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
    let end = json_end(p, &r.end);
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
        end,
        distance_to_frontier: m.to_frontier(&r.utilities),
        distance_to_nash: m.to_nash(&r.utilities),
        discounted: r.discounted.as_ref(),
    }
}

pub(super) fn json_end<'a>(p: &'a Prepared, end: &'a End) -> JsonEnd<'a> {
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
