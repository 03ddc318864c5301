//! The agreement certificate: how good the agreed package is, computed from
//! the scenario alone so that anyone holding the scenario can recompute it
//! from an exported record (`pactum verify`, see `crate::verify`); packages
//! are compared by value, so a whole-number real (`21500.0`, stored as
//! `21500`) is the same value.
//!
//! What a certificate reveals is decided here, once: whether the agreement
//! is on the Pareto frontier, the Nash bargaining package and the Euclidean
//! distance from the agreement to it in utility space (aggregates), and every
//! negotiator's own utility of the agreement only when every negotiator has
//! disclosed its preferences. Otherwise each negotiator learns only its own
//! utility, from `GET /sessions/{id}/certificate`.

use indexmap::IndexMap;
use pactum_core::Scenario;
use pactum_core::analysis::{AnalysisOptions, Package, analyze};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::event::Event;
use crate::offers::parse_offer;
use crate::views::own_utility;

/// Tolerance for utility comparisons.
const EPS: f64 = 1e-9;

/// The certificate of an agreement (the event that closes a record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub(crate) struct Certificate {
    #[schema(value_type = Object)]
    pub agreement: Package,
    pub round: u64,
    /// No outcome leaves every negotiator at least as well off and one
    /// better off.
    pub pareto_optimal: bool,
    /// The Nash bargaining package among the rational outcomes.
    #[schema(value_type = Option<Object>)]
    pub nash: Option<Package>,
    /// Euclidean distance, in the negotiators' utility space, from the
    /// agreement to the Nash package.
    pub nash_distance: Option<f64>,
    /// Negotiators who had disclosed their preferences when it was issued.
    pub disclosed: Vec<String>,
    /// Every negotiator's utility of the agreement: present only when every
    /// negotiator had disclosed.
    #[schema(value_type = Option<Object>)]
    pub utilities: Option<IndexMap<String, f64>>,
}

/// Computes the certificate of `agreement` (a package of `scenario`) reached
/// in `round`, given who has disclosed.
pub(crate) fn compute(
    scenario: &Scenario,
    agreement: &Package,
    round: u64,
    disclosed: &[String],
) -> Result<Certificate, String> {
    compute_with(
        scenario,
        agreement,
        round,
        disclosed,
        &AnalysisOptions::default(),
    )
}

/// [`compute`] analysing with `options` (the server's budget).
pub(crate) fn compute_with(
    scenario: &Scenario,
    agreement: &Package,
    round: u64,
    disclosed: &[String],
    options: &AnalysisOptions,
) -> Result<Certificate, String> {
    let outcome = outcome_of(scenario, agreement)?;
    let negotiators = scenario.negotiators();
    let utilities: Vec<f64> = negotiators
        .iter()
        .map(|&p| own_utility(scenario, p, &outcome))
        .collect();
    let analysis = analyze(scenario, options).map_err(|e| e.to_string())?;
    let dominated = analysis.frontier.iter().any(|f| {
        f.utilities
            .iter()
            .zip(&utilities)
            .all(|(v, u)| *v >= u - EPS)
            && f.utilities
                .iter()
                .zip(&utilities)
                .any(|(v, u)| *v > u + EPS)
    });
    let nash = analysis.solutions.nash.as_ref();
    let nash_distance = nash.map(|n| {
        n.utilities
            .iter()
            .zip(&utilities)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            .sqrt()
    });
    let names = scenario.negotiator_names();
    let all_disclosed = names.iter().all(|n| disclosed.contains(n));
    Ok(Certificate {
        agreement: agreement.clone(),
        round,
        pareto_optimal: !dominated,
        nash: nash.map(|n| n.outcome.clone()),
        nash_distance,
        disclosed: names
            .iter()
            .filter(|n| disclosed.contains(n))
            .cloned()
            .collect(),
        utilities: all_disclosed.then(|| names.into_iter().zip(utilities).collect()),
    })
}

pub(crate) fn outcome_of(scenario: &Scenario, p: &Package) -> Result<Vec<u32>, String> {
    match serde_json::to_value(p).map_err(|e| e.to_string())? {
        serde_json::Value::Object(m) => parse_offer(scenario, &m).map_err(|e| e.to_string()),
        _ => Err("a package is not an object".into()),
    }
}

/// Negotiators whose latest disclosure choice is "disclose", in the order
/// they first disclosed.
pub(crate) fn disclosed_by(events: impl IntoIterator<Item = Event>) -> Vec<String> {
    let mut disclosed: Vec<String> = Vec::new();
    for event in events {
        if let Event::Disclosure {
            party, disclose, ..
        } = event
        {
            disclosed.retain(|p| *p != party);
            if disclose {
                disclosed.push(party);
            }
        }
    }
    disclosed
}

/// A record's certificate with the agreement it certifies: where they are
/// and what they say.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Certified {
    /// Index of the certificate event (the record's last).
    pub at: usize,
    /// The certificate as recorded.
    pub certificate: Certificate,
}

/// Finds a record's certificate and checks its place: it must be the
/// record's final event, follow the agreement and certify the agreed
/// package and round (packages compared by value: `21500` and `21500.0` are
/// the same price). `Ok(None)` when the record has no certificate.
pub(crate) fn find_certificate(events: &[Event]) -> Result<Option<Certified>, String> {
    let Some(at) = events
        .iter()
        .position(|e| matches!(e, Event::Certificate(_)))
    else {
        return Ok(None);
    };
    let Event::Certificate(cert) = &events[at] else {
        unreachable!()
    };
    if at + 1 != events.len() {
        return Err("the certificate is not the record's final event".into());
    }
    let agreement = events[..at].iter().rev().find_map(|e| match e {
        Event::Agreement { offer, round } => Some((offer, *round)),
        _ => None,
    });
    let Some((offer, round)) = agreement else {
        return Err("a certificate without an agreement".into());
    };
    if !same_package(offer, &cert.agreement) || round != cert.round {
        return Err("the certificate does not certify the recorded agreement".into());
    }
    Ok(Some(Certified {
        at,
        certificate: cert.clone(),
    }))
}

/// Recomputes the certificate found by [`find_certificate`] from
/// `scenario` (the session's, with every negotiator's preferences as they
/// stood when it was issued) and compares it with the recorded one.
pub(crate) fn recompute(
    scenario: &Scenario,
    events: &[Event],
    found: &Certified,
) -> Result<(), String> {
    let cert = &found.certificate;
    let disclosed = disclosed_by(events[..found.at].iter().cloned());
    let again = compute(scenario, &cert.agreement, cert.round, &disclosed)?;
    if !same(&again, cert) {
        return Err("the certificate does not match the one recomputed from the scenario".into());
    }
    Ok(())
}

/// Whether two packages name the same values (numbers by value).
pub(crate) fn same_package(a: &Package, b: &Package) -> bool {
    let canonical = |p: &Package| {
        serde_json::to_value(p)
            .map(|v| crate::record::canonical_json(&v))
            .ok()
    };
    canonical(a).is_some() && canonical(a) == canonical(b)
}

fn same(a: &Certificate, b: &Certificate) -> bool {
    let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9,
        (None, None) => true,
        _ => false,
    };
    let utilities = match (&a.utilities, &b.utilities) {
        (Some(x), Some(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| (v - w).abs() <= 1e-9))
        }
        (None, None) => true,
        _ => false,
    };
    let nash = match (&a.nash, &b.nash) {
        (Some(x), Some(y)) => same_package(x, y),
        (None, None) => true,
        _ => false,
    };
    same_package(&a.agreement, &b.agreement)
        && a.round == b.round
        && a.pareto_optimal == b.pareto_optimal
        && nash
        && close(a.nash_distance, b.nash_distance)
        && a.disclosed == b.disclosed
        && utilities
}

#[cfg(test)]
mod tests {
    use super::*;
    use pactum_core::Value;

    #[test]
    fn packages_compare_by_value() {
        let real: Package = [("price".to_string(), Value::Real(21500.0))].into();
        let written: Package = [("price".to_string(), Value::Integer(21500))].into();
        let other: Package = [("price".to_string(), Value::Real(21500.5))].into();
        assert!(same_package(&real, &written));
        assert!(!same_package(&real, &other));
    }
}
