//! The documents `pactum forecast --json` prints, and the views the text
//! report and the plot read: a forecast per issue, a Monte Carlo
//! distribution per issue, a back-test's scores per model.
//!
//! Rules: field names and order are the `--json` schema; views copy the
//! library's results and compute nothing (a model with no score shows NaN,
//! which the text report prints as `—`).

use std::collections::BTreeMap;

use pactum_forecast::backtest::BacktestReport;
use pactum_forecast::{Anchor, Round, report};
use serde::Serialize;

use super::model::Model;

#[derive(Serialize)]
pub(super) struct FinalPosition {
    pub(super) position: f64,
    pub(super) probability: f64,
    pub(super) actors: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct IssueReport {
    pub(super) issue: String,
    pub(super) forecast: f64,
    /// The capability × salience weighted mean, for comparison.
    pub(super) weighted_mean: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) status_quo: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) outcome: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) anchors: Vec<Anchor>,
    /// Positions by round (actor → position); the first entry holds the initial positions.
    pub(super) rounds: Vec<Round>,
    /// Per round, the probability of each actor's position (SMP only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) probabilities: Option<Vec<Round>>,
    /// The distinct final positions with their probabilities and holders (SMP only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) final_positions: Option<Vec<FinalPosition>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) summary: BTreeMap<String, f64>,
    #[serde(skip)]
    pub(super) actors: Vec<String>,
    #[serde(skip)]
    pub(super) scale: (f64, f64),
}

#[derive(Serialize)]
pub(super) struct Report {
    pub(super) file: String,
    pub(super) case: String,
    pub(super) model: &'static str,
    /// The input's own notes (e.g. that its numbers are illustrative).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) source_notes: Option<String>,
    pub(super) issues: Vec<IssueReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) notes: Vec<String>,
}

impl From<report::IssueForecast> for IssueReport {
    fn from(i: report::IssueForecast) -> Self {
        IssueReport {
            issue: i.issue,
            forecast: i.forecast,
            weighted_mean: i.weighted_mean,
            status_quo: i.status_quo,
            outcome: i.outcome,
            anchors: i.anchors,
            rounds: i.rounds,
            probabilities: i.probabilities,
            final_positions: i.final_positions.map(|fp| {
                fp.into_iter()
                    .map(|p| FinalPosition {
                        position: p.position,
                        probability: p.probability,
                        actors: p.actors,
                    })
                    .collect()
            }),
            summary: i.summary,
            actors: i.actors,
            scale: i.scale,
        }
    }
}

#[derive(Serialize)]
pub(super) struct McIssue {
    pub(super) issue: String,
    /// Forecast on the unperturbed inputs.
    pub(super) base: f64,
    pub(super) median: f64,
    pub(super) p10: f64,
    pub(super) p90: f64,
    pub(super) mean: f64,
    /// Draws where the model failed (left out of the distribution).
    pub(super) failures: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) status_quo: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) anchors: Vec<Anchor>,
}

impl From<report::IssueMonteCarlo> for McIssue {
    fn from(i: report::IssueMonteCarlo) -> Self {
        McIssue {
            issue: i.issue,
            base: i.base,
            median: i.median,
            p10: i.p10,
            p90: i.p90,
            mean: i.mean,
            failures: i.failures,
            status_quo: i.status_quo,
            anchors: i.anchors,
        }
    }
}

#[derive(Serialize)]
pub(super) struct McInfo {
    pub(super) draws: usize,
    pub(super) seed: u64,
}

#[derive(Serialize)]
pub(super) struct McReport {
    pub(super) file: String,
    pub(super) case: String,
    pub(super) model: &'static str,
    pub(super) monte_carlo: McInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) source_notes: Option<String>,
    pub(super) issues: Vec<McIssue>,
}

#[derive(Serialize)]
pub(super) struct Prediction {
    pub(super) issue: String,
    pub(super) outcome: f64,
    pub(super) forecast: f64,
    pub(super) abs_error: f64,
}

#[derive(Serialize)]
pub(super) struct Failure {
    pub(super) issue: String,
    pub(super) error: String,
}

#[derive(Serialize)]
pub(super) struct ModelScore {
    pub(super) model: &'static str,
    /// Issues scored (where the model ran).
    pub(super) issues: usize,
    pub(super) failures: usize,
    pub(super) mae: f64,
    pub(super) median_ae: f64,
    /// Share of scored issues with |forecast − outcome| ≤ 10.
    pub(super) within_10: f64,
    pub(super) predictions: Vec<Prediction>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) errors: Vec<Failure>,
}

/// The CLI's view of one model's back-test scores, with its predictions and failures.
pub(super) fn score(model: Model, report: &BacktestReport) -> ModelScore {
    let kind = model.kind();
    let lib = report.score(kind);
    ModelScore {
        model: model.name(),
        issues: lib.map_or(0, |s| s.n),
        failures: lib.map_or(0, |s| s.failures),
        mae: lib.map_or(f64::NAN, |s| s.mean_abs_error),
        median_ae: lib.map_or(f64::NAN, |s| s.median_abs_error),
        within_10: lib.map_or(f64::NAN, |s| s.hit_share),
        predictions: report
            .predictions(kind)
            .into_iter()
            .map(|p| Prediction {
                issue: p.issue,
                outcome: p.outcome,
                forecast: p.forecast,
                abs_error: p.abs_error,
            })
            .collect(),
        errors: report
            .failures(kind)
            .into_iter()
            .map(|f| Failure {
                issue: f.issue,
                error: f.error,
            })
            .collect(),
    }
}
