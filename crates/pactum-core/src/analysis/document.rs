//! The document of an analysis: what `pactum analyze --json` prints and
//! what the Python package's `Analysis.to_dict()` returns, built here once
//! for both.
//!
//! Rules: the analysis's fields come first, in their own order, then
//! `reference_frontier` — GENIUS's frontier (`pareto.xml`) compared with the
//! analysis's — only when the scenario's folder has one; in that comparison
//! a negotiator's reservation value stands for no deal, and a negotiator
//! without one accepts any outcome.

use serde::Serialize;

use super::report::Analysis;
use crate::io::{FrontierComparison, ReferenceFrontier};

/// Compares a frontier precomputed by GENIUS with the analysis's, each
/// negotiator's reservation value standing for no deal.
pub fn compare_reference(r: &ReferenceFrontier, a: &Analysis) -> FrontierComparison {
    let ours: Vec<Vec<f64>> = a.frontier.iter().map(|e| e.utilities.clone()).collect();
    let reservations: Vec<f64> = a
        .negotiators
        .iter()
        .map(|n| {
            a.parties
                .iter()
                .find(|p| &p.name == n)
                .and_then(|p| p.reservation_value)
                .unwrap_or(f64::NEG_INFINITY)
        })
        .collect();
    r.compare(&ours, &reservations)
}

/// The analysis, then GENIUS's frontier compared with it when there is one.
#[derive(Debug, Clone, Serialize)]
pub struct AnalysisDocument<'a> {
    /// The analysis; its fields stand at the top level of the document.
    #[serde(flatten)]
    pub analysis: &'a Analysis,
    /// GENIUS's frontier beside the analysis's (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_frontier: Option<FrontierComparison>,
}

impl<'a> AnalysisDocument<'a> {
    /// The document of `analysis`, comparing `reference` (GENIUS's
    /// frontier of the same scenario, when the folder has one) with it.
    pub fn new(analysis: &'a Analysis, reference: Option<&ReferenceFrontier>) -> Self {
        AnalysisDocument {
            analysis,
            reference_frontier: reference.map(|r| compare_reference(r, analysis)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::analysis::{AnalysisOptions, analyze};
    use crate::model::Scenario;

    /// The car purchase of `examples/` (Buyer's reservation value 0.45,
    /// Dealer's 0.40).
    fn car() -> Scenario {
        let text = include_str!("../../../../examples/car-purchase.toml");
        crate::native::from_toml("car-purchase.toml", text)
            .unwrap()
            .scenario
    }

    fn analysis(s: &Scenario) -> Analysis {
        analyze(s, &AnalysisOptions::default()).unwrap()
    }

    /// The analysis's first frontier point; the Nash point moved outwards
    /// by 0.05 in every utility (so 0.05 from the frontier, which nothing
    /// dominates); and a point below the Buyer's reservation value.
    fn reference(a: &Analysis) -> ReferenceFrontier {
        let nash = a.solutions.nash.as_ref().unwrap();
        let moved = nash.utilities.iter().map(|u| u + 0.05).collect();
        ReferenceFrontier {
            file: "pareto.xml".into(),
            points: vec![a.frontier[0].utilities.clone(), moved, vec![0.1, 1.0]],
        }
    }

    #[test]
    fn reference_points_are_compared_with_the_frontier() {
        let a = analysis(&car());
        let c = compare_reference(&reference(&a), &a);
        assert_eq!((c.agreeing, c.differing, c.below_reservation), (1, 1, 1));
        assert!((c.largest_difference - 0.05).abs() < 1e-9, "{c:?}");
        assert_eq!((c.nearest[2].clone(), c.differences[2]), (None, None));
        assert_eq!(c.pactum_only, a.frontier.len() - 1);
    }

    #[test]
    fn a_negotiator_without_a_reservation_value_accepts_any_point() {
        let mut s = car();
        let buyer = s.parties().iter().position(|p| p.name == "Buyer").unwrap();
        let mut prefs = s.parties()[buyer].preferences.clone().unwrap();
        prefs.reservation_value = None;
        s.set_preferences(buyer, Some(prefs)).unwrap();
        let c = compare_reference(&reference(&analysis(&car())), &analysis(&s));
        // (0.1, 1.0) is now compared, and off the frontier.
        assert_eq!(c.below_reservation, 0);
        assert!(c.nearest[2].is_some(), "{c:?}");
    }

    #[test]
    fn the_document_is_the_analysis_then_the_comparison() {
        let a = analysis(&car());
        let alone = serde_json::to_value(AnalysisDocument::new(&a, None)).unwrap();
        assert_eq!(alone, serde_json::to_value(&a).unwrap());
        assert_eq!(alone.get("reference_frontier"), None::<&Value>);

        let text = serde_json::to_string(&AnalysisDocument::new(&a, Some(&reference(&a)))).unwrap();
        let own = serde_json::to_string(&a).unwrap();
        // The analysis's own text, its closing brace replaced by the comparison.
        assert!(text.starts_with(&own[..own.len() - 1]), "{text}");
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["reference_frontier"]["file"], json!("pareto.xml"));
        assert_eq!(doc["reference_frontier"]["agreeing"], json!(1));
    }
}
