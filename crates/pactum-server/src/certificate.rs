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
use pactum_core::analysis::{AnalysisError, AnalysisOptions, Package, analyze};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::offers::{OfferError, parse_offer};
use crate::utility::own_utility;

/// Tolerance for utility comparisons.
const EPS: f64 = 1e-9;

/// Why a certificate could not be computed, or a recorded one does not
/// stand.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    /// The agreed package does not serialise.
    #[error(transparent)]
    Package(#[from] serde_json::Error),
    /// The agreed package is not a JSON object.
    #[error("a package is not an object")]
    NotAnObject,
    /// The agreed package is not a package of the scenario.
    #[error(transparent)]
    Offer(#[from] OfferError),
    /// The scenario could not be analysed (the server's budget, or a
    /// scenario the analyses cannot fit).
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// A certificate that is not the record's last event.
    #[error("the certificate is not the record's final event")]
    NotFinal,
    /// A certificate with no agreement before it.
    #[error("a certificate without an agreement")]
    NoAgreement,
    /// A certificate of another package or round than the agreement's.
    #[error("the certificate does not certify the recorded agreement")]
    OtherAgreement,
    /// The recorded certificate differs from the one the scenario gives.
    #[error("the certificate does not match the one recomputed from the scenario")]
    Mismatch,
}

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
) -> Result<Certificate, CertificateError> {
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
) -> Result<Certificate, CertificateError> {
    let outcome = outcome_of(scenario, agreement)?;
    let negotiators = scenario.negotiators();
    let utilities: Vec<f64> = negotiators
        .iter()
        .map(|&p| own_utility(scenario, p, &outcome))
        .collect();
    let analysis = analyze(scenario, options)?;
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
        nash: nash.map(|n| n.outcome.to_package()),
        nash_distance,
        disclosed: names
            .iter()
            .filter(|n| disclosed.contains(n))
            .cloned()
            .collect(),
        utilities: all_disclosed.then(|| names.into_iter().zip(utilities).collect()),
    })
}

/// The outcome (value indices) a package of `scenario` names.
pub(crate) fn outcome_of(scenario: &Scenario, p: &Package) -> Result<Vec<u32>, CertificateError> {
    match serde_json::to_value(p)? {
        serde_json::Value::Object(m) => Ok(parse_offer(scenario, &m)?),
        _ => Err(CertificateError::NotAnObject),
    }
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

/// Whether two certificates say the same (numbers within rounding).
pub(crate) fn same(a: &Certificate, b: &Certificate) -> bool {
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
