//! The document of one negotiation: what `pactum negotiate --json` prints
//! and what the Python package's `Result.to_dict()` returns, built here
//! once for both.
//!
//! Rules: field names are a stable schema (renaming one breaks readers);
//! parties are named, never numbered, and the mediator proposes as
//! "mediator"; offers are packages (issue → value), never outcome ids; a
//! response is named as [`Response`] serialises (`accept`, `reject`,
//! `reject_without_offer`, `end`, `leave`); the protocol is named by
//! [`protocol_name`], a single-text protocol with its mediator. A phased
//! session's document is [`phased`]'s. A move a negotiator noted (the
//! `llm` strategy's words) carries `message`, `leaked` (what the message
//! was flagged for) and `fallback` (why a fallback strategy made it) where
//! it shows — with its offer, its answer, or the end it caused — and only
//! where there is one, so the documents of classic strategies are as
//! before.

pub mod phased;

use pactum_core::analysis::Package;
use serde::Serialize;

use crate::metrics::Metrics;
use crate::negotiator::Response;
use crate::prefs::Prepared;
use crate::runner::{Config, Discounted, Mediator, NegotiationResult, ProtocolKind};
use crate::session::End;
use crate::trace::{Place, Trace};

/// The protocol as results name it: `sao`, `partial-rounds`, or
/// `single-text (… mediator)` naming the mediator.
pub fn protocol_name(protocol: ProtocolKind) -> &'static str {
    match protocol {
        ProtocolKind::Sao => "sao",
        ProtocolKind::SingleText(Mediator::Veto) => "single-text (veto mediator)",
        ProtocolKind::SingleText(Mediator::HillClimbing) => "single-text (hill-climbing mediator)",
        ProtocolKind::SingleText(Mediator::DraftAndVote) => "single-text (draft-and-vote mediator)",
        ProtocolKind::SingleText(Mediator::Packages) => "single-text (packages mediator)",
        ProtocolKind::PartialRounds => "partial-rounds",
    }
}

/// A party as the documents list it: its name, who plays it, its
/// reservation value (null where it has none).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyDoc<'a> {
    name: &'a str,
    strategy: &'a str,
    reservation_value: Option<f64>,
}

/// What a negotiator noted with a move; every field absent when empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NoteDoc<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    leaked: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fallback: Option<&'a str>,
}

/// The note on the move shown at `place`, by `seat`, if any.
fn note_at<'a>(trace: &'a Trace, place: Place, seat: usize) -> NoteDoc<'a> {
    trace
        .notes
        .iter()
        .find(|n| n.place == place && n.seat == seat)
        .map(|n| NoteDoc {
            message: n.note.message.as_deref(),
            leaked: n.note.leaks.iter().map(String::as_str).collect(),
            fallback: n.note.fallback.as_deref(),
        })
        .unwrap_or_default()
}

/// One party's answer to an offer.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct ResponseDoc<'a> {
    party: &'a str,
    response: Response,
    #[serde(flatten)]
    note: NoteDoc<'a>,
}

/// One offer or mediator proposal and the answers it drew.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct EventDoc<'a> {
    step: usize,
    time: f64,
    /// A party's name, or "mediator".
    proposer: &'a str,
    offer: Package,
    /// Every party's utility of the offer, in party order.
    utilities: Vec<f64>,
    responses: Vec<ResponseDoc<'a>>,
    #[serde(flatten)]
    note: NoteDoc<'a>,
}

/// How a negotiation ended: `kind` ("agreement", "deadline", "ended",
/// "invalid", "deserted"), with the party and the reason where they apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndDoc<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    party: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(flatten)]
    note: NoteDoc<'a>,
}

/// The document of one negotiation; field names are its stable schema.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NegotiationDoc<'a> {
    scenario: &'a str,
    protocol: &'static str,
    max_steps: Option<usize>,
    seed: u64,
    parties: Vec<PartyDoc<'a>>,
    trace: Vec<EventDoc<'a>>,
    /// Issue → value, or null.
    agreement: Option<Package>,
    /// Every party's utility of the result, in party order.
    utilities: &'a [f64],
    /// Rounds started (an agreement in the first round gives 1).
    steps: usize,
    end: EndDoc<'a>,
    distance_to_frontier: Option<f64>,
    distance_to_nash: Option<f64>,
    /// Why the distances are absent on a space too large to enumerate
    /// (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    distances_note: Option<String>,
    /// With discounting: the relative time the negotiation ended at and
    /// every party's utility discounted to it (absent without discounting).
    #[serde(skip_serializing_if = "Option::is_none")]
    discounted: Option<&'a Discounted>,
}

/// The parties in seat order, each with the strategy that played it
/// (`strategies` in the same order).
pub fn parties<'a, S: AsRef<str>>(p: &'a Prepared, strategies: &'a [S]) -> Vec<PartyDoc<'a>> {
    p.prefs
        .iter()
        .zip(strategies)
        .map(|(pr, s)| PartyDoc {
            name: &pr.name,
            strategy: s.as_ref(),
            reservation_value: pr.reservation,
        })
        .collect()
}

/// How `end` is shown, seats named after `p`'s parties.
pub fn end_doc<'a>(p: &'a Prepared, end: &'a End) -> EndDoc<'a> {
    let name = |seat: usize| p.prefs[seat].name.as_str();
    let (kind, party, reason) = match end {
        End::Agreement { .. } => ("agreement", None, None),
        End::Deadline => ("deadline", None, None),
        End::Ended { seat } => ("ended", Some(name(*seat)), None),
        End::Invalid { seat, reason } => ("invalid", Some(name(*seat)), Some(reason.as_str())),
        End::Deserted => ("deserted", None, None),
    };
    EndDoc {
        kind,
        party,
        reason,
        note: NoteDoc::default(),
    }
}

/// The document of negotiation `r`, played on `p` under `config` by
/// `strategies` (one per seat, in seat order), its distances measured by
/// `m`.
pub fn negotiation_doc<'a, S: AsRef<str>>(
    p: &'a Prepared,
    strategies: &'a [S],
    config: &Config,
    r: &'a NegotiationResult,
    m: &Metrics,
) -> NegotiationDoc<'a> {
    let name = |seat: usize| p.prefs[seat].name.as_str();
    let trace = r
        .trace
        .events
        .iter()
        .enumerate()
        .map(|(k, e)| EventDoc {
            step: e.step,
            time: e.time,
            proposer: e.proposer.map_or("mediator", name),
            offer: p.package(e.offer),
            utilities: p.utilities(e.offer),
            responses: e
                .responses
                .iter()
                .map(|&(s, response)| ResponseDoc {
                    party: name(s),
                    response,
                    note: note_at(&r.trace, Place::Response { event: k }, s),
                })
                .collect(),
            note: e.proposer.map_or_else(NoteDoc::default, |s| {
                note_at(&r.trace, Place::Offer { event: k }, s)
            }),
        })
        .collect();
    let mut end = end_doc(p, &r.end);
    if let End::Ended { seat } = r.end {
        end.note = note_at(&r.trace, Place::Alone, seat);
    }
    NegotiationDoc {
        scenario: p.scenario.name(),
        protocol: protocol_name(config.protocol),
        max_steps: config.deadline.steps,
        seed: config.seed,
        parties: parties(p, strategies),
        trace,
        agreement: r.agreement.map(|a| p.package(a)),
        utilities: &r.utilities,
        steps: r.steps,
        end,
        distance_to_frontier: m.to_frontier(&r.utilities),
        distance_to_nash: m.to_nash(&r.utilities),
        distances_note: if p.space.is_searched() {
            m.note.clone()
        } else {
            None
        },
        discounted: r.discounted.as_ref(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::negotiate;
    use crate::test_support::line;

    fn played(protocol: ProtocolKind) -> (Prepared, Config, NegotiationResult) {
        let p = line();
        let config = Config {
            protocol,
            record: true,
            ..Config::sao(10, 3)
        };
        let r = negotiate(&p, &["linear", "conceder"], &config).unwrap();
        (p, config, r)
    }

    #[test]
    fn the_document_names_parties_packages_and_responses() {
        let (p, config, r) = played(ProtocolKind::Sao);
        let m = Metrics::new(&p);
        let strategies = ["linear".to_string(), "conceder".to_string()];
        let doc = serde_json::to_value(negotiation_doc(&p, &strategies, &config, &r, &m)).unwrap();
        assert_eq!(doc["scenario"], "line");
        assert_eq!(doc["protocol"], "sao");
        assert_eq!((&doc["max_steps"], &doc["seed"]), (&json!(10), &json!(3)));
        assert_eq!(
            doc["parties"],
            json!([
                {"name": "A", "strategy": "linear", "reservation_value": null},
                {"name": "B", "strategy": "conceder", "reservation_value": null}
            ])
        );
        // A opens with its best option, p4, which B rejects.
        let first = &doc["trace"][0];
        assert_eq!(first["proposer"], "A");
        assert_eq!(first["offer"], json!({"price": "p4"}));
        assert_eq!(first["utilities"], json!([1.0, 0.0]));
        assert_eq!(
            first["responses"],
            json!([{"party": "B", "response": "reject"}])
        );
        // B accepts A's p3 before the deadline.
        assert_eq!(doc["end"], json!({"kind": "agreement"}));
        assert_eq!(doc["agreement"], json!({"price": "p3"}));
        let last = doc["trace"].as_array().unwrap().last().unwrap();
        assert_eq!(
            last["responses"],
            json!([{"party": "B", "response": "accept"}])
        );
        assert_eq!(doc["utilities"], json!([0.75, 0.25]));
        assert_eq!(doc["steps"], json!(r.steps));
        assert_eq!(doc["distance_to_frontier"], json!(0.0));
        // Without discounting there is no `discounted` field.
        assert_eq!(doc.get("discounted"), None::<&Value>);
    }

    #[test]
    fn a_mediator_proposes_as_mediator_and_the_protocol_names_it() {
        let (p, config, r) = played(ProtocolKind::SingleText(Mediator::DraftAndVote));
        let m = Metrics::new(&p);
        let doc = serde_json::to_value(negotiation_doc(&p, &["a", "b"], &config, &r, &m)).unwrap();
        assert_eq!(doc["protocol"], "single-text (draft-and-vote mediator)");
        assert_eq!(doc["trace"][0]["proposer"], "mediator");
        assert_eq!(protocol_name(ProtocolKind::PartialRounds), "partial-rounds");
        assert_eq!(
            protocol_name(ProtocolKind::SingleText(Mediator::Veto)),
            "single-text (veto mediator)"
        );
    }

    #[test]
    fn an_end_names_the_party_and_the_reason_only_where_they_apply() {
        let p = line();
        let invalid = End::Invalid {
            seat: 1,
            reason: "no such outcome".into(),
        };
        assert_eq!(
            serde_json::to_value(end_doc(&p, &invalid)).unwrap(),
            json!({"kind": "invalid", "party": "B", "reason": "no such outcome"})
        );
        assert_eq!(
            serde_json::to_value(end_doc(&p, &End::Ended { seat: 0 })).unwrap(),
            json!({"kind": "ended", "party": "A"})
        );
        assert_eq!(
            serde_json::to_value(end_doc(&p, &End::Deadline)).unwrap(),
            json!({"kind": "deadline"})
        );
    }
}
