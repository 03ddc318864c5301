//! How good an outcome is, judged against the scenario's exact analysis:
//! distance (Euclidean, in utility space) to the nearest point of the
//! rational Pareto frontier and to the Nash bargaining solution.
//!
//! The analysis is computed once per scenario and shared by every
//! negotiation scored against it.

use pactum_core::analysis::{AnalysisOptions, analyze};

use crate::prefs::Prepared;

/// The reference points of one scenario (negotiators in scenario order).
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    /// Utilities of the Pareto-frontier points (rational outcomes).
    pub frontier: Vec<Vec<f64>>,
    /// Utilities at the Nash bargaining solution, if there is one.
    pub nash: Option<Vec<f64>>,
    /// Why there are no reference points, when there are none.
    pub note: Option<String>,
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

impl Metrics {
    /// The reference points of a prepared scenario.
    /// On a searched space nothing is enumerated: no reference points,
    /// with a note saying why.
    pub fn new(prepared: &Prepared) -> Self {
        if prepared.space.is_searched() {
            return Metrics {
                note: Some(format!(
                    "the outcome space ({} outcomes) is searched, not enumerated: no frontier or Nash point to measure against",
                    prepared.scenario.outcome_count()
                )),
                ..Default::default()
            };
        }
        match analyze(&prepared.scenario, &AnalysisOptions::default()) {
            Ok(a) => Metrics {
                frontier: a.frontier.iter().map(|f| f.utilities.clone()).collect(),
                nash: a.solutions.nash.map(|s| s.utilities),
                note: None,
            },
            Err(e) => Metrics {
                note: Some(e.to_string()),
                ..Default::default()
            },
        }
    }

    /// Distance from `u` to the nearest frontier point.
    pub fn to_frontier(&self, u: &[f64]) -> Option<f64> {
        self.frontier
            .iter()
            .map(|f| distance(f, u))
            .min_by(f64::total_cmp)
    }

    /// Distance from `u` to the Nash point.
    pub fn to_nash(&self, u: &[f64]) -> Option<f64> {
        self.nash.as_ref().map(|n| distance(n, u))
    }
}
