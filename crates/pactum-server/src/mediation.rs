//! The mediator's computations: who the session's mediator is, the
//! negotiators' joint utility space (shown to the mediator only once every
//! negotiator discloses; the handlers are in `http::mediator`), and the
//! export of a finished session that `pactum verify` reads.
//!
//! Disclosure is each negotiator's own, revocable choice, off by default and
//! recorded in the hash-chained log. It goes to the session's mediator: the
//! scenario's mediator party when it names one, otherwise the convener (the
//! admin token). Until every negotiator has disclosed, nobody but each
//! negotiator itself sees any utility: the mediator gets the trace of moves
//! only (offers under alternating offers, proposals round by round under
//! partial rounds, drafts and votes under the single text). Once every
//! negotiator discloses, the mediator, and nobody else, gets the utility
//! space. Who has disclosed (never what) is shown to every token of the
//! session, at `GET /sessions/{id}/disclosure` and as `disclosure` events on
//! the event stream.

use pactum_core::analysis::{AnalysisError, AnalysisOptions, NamedOutcome, Package, analyze};
use pactum_core::solutions::Concept;
use pactum_core::{Role, Scenario, UtilityFunction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::record::Record;
use crate::views::own_utility;

/// Largest number of outcomes whose utilities the mediator view samples.
pub(crate) const MAX_SAMPLE: u128 = 1000;

/// Why the utility space was not computed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MediationError {
    /// The analysis refused the scenario (its budget, or an outcome space
    /// too large to enumerate).
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
}

/// The session's mediator: the name of the scenario's mediator party, or
/// `None` when the scenario names none and the convener mediates.
pub(crate) fn mediator_of(scenario: &Scenario) -> Option<String> {
    scenario
        .parties()
        .iter()
        .find(|p| p.role == Role::Mediator)
        .map(|p| p.name.clone())
}

/// A package and every negotiator's utility of it (negotiators' order).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct UtilityPoint {
    #[schema(value_type = Object)]
    pub offer: Package,
    pub utilities: Vec<f64>,
}

/// The negotiators' joint utility space: shown to the mediator only when
/// every negotiator has disclosed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct UtilitySpace {
    pub negotiators: Vec<String>,
    /// Number of outcomes, as a decimal string (it may exceed 2^64).
    pub outcome_count: String,
    /// Utility vectors of every outcome, or of 1,000 evenly spaced ones
    /// (by outcome index) when there are more: the same outcomes for the
    /// same scenario, every time.
    pub sample: Vec<Vec<f64>>,
    pub frontier: Vec<UtilityPoint>,
    /// The Nash bargaining solution (the product of gains over the
    /// reservation values is largest), if the zone of possible agreement
    /// is not empty.
    pub nash: Option<UtilityPoint>,
    /// The Kalai–Smorodinsky solution (gains in proportion to the best
    /// each negotiator can get), if any.
    #[serde(default)]
    pub kalai_smorodinsky: Option<UtilityPoint>,
    /// The egalitarian solution (the smallest gain is largest), if any.
    #[serde(default)]
    pub egalitarian: Option<UtilityPoint>,
    /// The utilitarian solution (the sum of utilities is largest), if any.
    #[serde(default)]
    pub utilitarian: Option<UtilityPoint>,
    /// Each negotiator's reservation value (what no deal is worth to it),
    /// in the negotiators' order; `null` for one without.
    #[serde(default)]
    pub reservation_values: Vec<Option<f64>>,
    /// The utility vectors of the trace's packages, in order: every offer
    /// (alternating offers); every proposed draft (single text); every
    /// proposal's worth from its own issues, weight × value summed
    /// (partial rounds, when every negotiator's utility is additive; empty
    /// otherwise).
    pub offers: Vec<Vec<f64>>,
    /// The utility vector of what stands: the current draft (single text)
    /// or the issues settled so far, as for `offers` (partial rounds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<Vec<f64>>,
}

/// A package of the trace whose utilities the utility space shows.
pub(crate) enum Point {
    /// A whole outcome.
    Outcome(Vec<u32>),
    /// Some issues, each with a value.
    Partial(Vec<(usize, u32)>),
}

/// Every negotiator's utility of `point`: of a whole outcome, or (for some
/// issues) the weight × value summed over them, which only additive
/// utilities define (`None` otherwise).
fn utilities_of(scenario: &Scenario, point: &Point) -> Option<Vec<f64>> {
    scenario
        .negotiators()
        .iter()
        .map(|&p| match point {
            Point::Outcome(o) => Some(own_utility(scenario, p, o)),
            Point::Partial(pairs) => {
                let prefs = scenario.parties()[p].preferences.as_ref()?;
                let UtilityFunction::Additive(a) = &prefs.utility else {
                    return None;
                };
                let mut u = 0.0;
                for &(i, v) in pairs {
                    u += a.weights[i] * a.values[i].eval(&scenario.issues()[i], v);
                }
                Some(u)
            }
        })
        .collect()
}

/// The negotiators' joint utility space, with the utilities of the trace's
/// `points` and of what stands.
pub(crate) fn utility_space(
    scenario: &Scenario,
    points: &[Point],
    standing: Option<Point>,
    options: &AnalysisOptions,
) -> Result<UtilitySpace, MediationError> {
    let negotiators = scenario.negotiators();
    let all = |o: &[u32]| -> Vec<f64> {
        negotiators
            .iter()
            .map(|&p| own_utility(scenario, p, o))
            .collect()
    };
    let analysis = analyze(scenario, options)?;
    let count = scenario.outcome_count();
    let n = count.min(MAX_SAMPLE);
    let cards: Vec<u128> = scenario
        .issues()
        .iter()
        .map(|i| i.cardinality() as u128)
        .collect();
    let mut sample = Vec::with_capacity(n as usize);
    for k in 0..n {
        // Evenly spaced outcome indexes, decoded in mixed radix.
        let mut index = if n == count { k } else { k * (count / n) };
        let mut outcome = vec![0u32; cards.len()];
        for (slot, card) in outcome.iter_mut().zip(&cards).rev() {
            *slot = (index % card) as u32;
            index /= card;
        }
        sample.push(all(&outcome));
    }
    let point = |offer: &NamedOutcome, utilities: &[f64]| UtilityPoint {
        offer: offer.to_package(),
        utilities: utilities.to_vec(),
    };
    let fair = |c: Concept| {
        analysis
            .solutions
            .get(c)
            .map(|s| point(&s.outcome, &s.utilities))
    };
    Ok(UtilitySpace {
        negotiators: analysis.negotiators.clone(),
        outcome_count: count.to_string(),
        sample,
        frontier: analysis
            .frontier
            .iter()
            .map(|f| point(&f.outcome, &f.utilities))
            .collect(),
        nash: fair(Concept::Nash),
        kalai_smorodinsky: fair(Concept::KalaiSmorodinsky),
        egalitarian: fair(Concept::Egalitarian),
        utilitarian: fair(Concept::Utilitarian),
        reservation_values: analysis
            .negotiators
            .iter()
            .map(|n| {
                analysis
                    .parties
                    .iter()
                    .find(|p| &p.name == n)
                    .and_then(|p| p.reservation_value)
            })
            .collect(),
        offers: points
            .iter()
            .map(|p| utilities_of(scenario, p))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default(),
        standing: standing.and_then(|p| utilities_of(scenario, &p)),
    })
}

/// Answer of `GET /sessions/{id}/export`: everything needed to check a
/// finished session offline (`pactum verify --scenario`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Export {
    /// The scenario's text the session was created from.
    pub scenario_toml: String,
    /// The session's whole record.
    pub record: Record,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn water() -> Scenario {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/three-party-water.toml"
        );
        pactum_core::io::load(std::path::Path::new(path), None)
            .unwrap()
            .scenario
    }

    #[test]
    fn the_space_of_three_negotiators_holds_every_utility_and_fair_package() {
        let sc = water();
        let space = utility_space(&sc, &[], None, &AnalysisOptions::default()).unwrap();
        assert_eq!(space.negotiators, ["Upstream", "Midstream", "Downstream"]);
        assert_eq!(space.outcome_count, "2304");
        // More outcomes than the sample: 1,000, each with three utilities.
        assert_eq!(space.sample.len(), 1000);
        assert!(space.sample.iter().all(|u| u.len() == 3));
        assert_eq!(space.reservation_values.len(), 3);
        assert_eq!(space.reservation_values[0], Some(0.40));
        assert_eq!(space.reservation_values[1], Some(0.45));
        for fair in [
            &space.nash,
            &space.kalai_smorodinsky,
            &space.egalitarian,
            &space.utilitarian,
        ] {
            let p = fair.as_ref().expect("a fair package");
            assert_eq!(p.utilities.len(), 3);
            // Rational: at least every reservation value.
            for (u, r) in p.utilities.iter().zip(&space.reservation_values) {
                assert!(*u >= r.unwrap_or(f64::NEG_INFINITY) - 1e-9, "{u} < {r:?}");
            }
        }
        // The utilitarian package has the largest sum on the frontier.
        let sum = |u: &[f64]| u.iter().sum::<f64>();
        let best = space
            .frontier
            .iter()
            .map(|f| sum(&f.utilities))
            .fold(f64::NEG_INFINITY, f64::max);
        let utilitarian = space.utilitarian.as_ref().unwrap();
        assert!((sum(&utilitarian.utilities) - best).abs() < 1e-9);
    }

    #[test]
    fn the_sample_is_the_same_every_time() {
        let sc = water();
        let a = utility_space(&sc, &[], None, &AnalysisOptions::default()).unwrap();
        let b = utility_space(&sc, &[], None, &AnalysisOptions::default()).unwrap();
        assert_eq!(a.sample, b.sample);
    }
}
