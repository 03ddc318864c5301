//! Back-testing: run models on issues whose outcome is known and score them, so a model is
//! only trusted where it beats the capability × salience weighted mean.
//!
//! Scores per model: mean and median absolute error and the share of issues within a
//! threshold (10 points by default). Issues run in parallel; output keeps input order.
//!
//! Rules: every issue must carry an outcome; a model that fails on an issue is left out of
//! that model's scores and its error kept; a file without issues is an error; progress is
//! reported once per issue to the caller's [`Observer`].

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{ForecastError, Result};
use crate::model::Case;
use crate::montecarlo::percentile;
use crate::progress::{Counter, Observer, Silent};
use crate::{ModelKind, Options, run};

/// Options of [`backtest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestOptions {
    /// Models to score.
    pub models: Vec<ModelKind>,
    /// Parameters of the models.
    pub options: Options,
    /// An issue is a hit when |forecast − outcome| ≤ this.
    pub hit_threshold: f64,
}

impl Default for BacktestOptions {
    fn default() -> Self {
        Self {
            models: ModelKind::ALL.to_vec(),
            options: Options::default(),
            hit_threshold: 10.0,
        }
    }
}

/// Predictions for one issue (first dimension).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuePrediction {
    /// The issue id.
    pub issue: String,
    /// The observed outcome.
    pub outcome: f64,
    /// Forecast per model name; models that failed are absent.
    pub predictions: BTreeMap<String, f64>,
    /// Error message per model name that failed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub failures: BTreeMap<String, String>,
}

/// Scores of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelScore {
    /// The model's name ([`ModelKind::name`]).
    pub model: String,
    /// Issues scored (where the model ran).
    pub n: usize,
    /// Issues where the model failed.
    pub failures: usize,
    /// Mean absolute error over the scored issues.
    pub mean_abs_error: f64,
    /// Median absolute error over the scored issues.
    pub median_abs_error: f64,
    /// Share of scored issues within the hit threshold.
    pub hit_share: f64,
}

/// Result of [`backtest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    /// The hit threshold used.
    pub hit_threshold: f64,
    /// Scores per model, in the order asked for.
    pub scores: Vec<ModelScore>,
    /// Predictions per issue, in input order.
    pub issues: Vec<IssuePrediction>,
}

/// One model's forecast of one issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelPrediction {
    /// The issue id.
    pub issue: String,
    /// The observed outcome.
    pub outcome: f64,
    /// The model's forecast.
    pub forecast: f64,
    /// |forecast − outcome|.
    pub abs_error: f64,
}

/// A model's failure on one issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFailure {
    /// The issue id.
    pub issue: String,
    /// The model's error message.
    pub error: String,
}

impl BacktestReport {
    /// The scores of `model`, if it was run.
    pub fn score(&self, model: ModelKind) -> Option<&ModelScore> {
        self.scores.iter().find(|s| s.model == model.name())
    }

    /// `model`'s forecast of every issue it ran on, in input order.
    pub fn predictions(&self, model: ModelKind) -> Vec<ModelPrediction> {
        self.issues
            .iter()
            .filter_map(|p| {
                p.predictions.get(model.name()).map(|&f| ModelPrediction {
                    issue: p.issue.clone(),
                    outcome: p.outcome,
                    forecast: f,
                    abs_error: (f - p.outcome).abs(),
                })
            })
            .collect()
    }

    /// `model`'s failures, in input order.
    pub fn failures(&self, model: ModelKind) -> Vec<ModelFailure> {
        self.issues
            .iter()
            .filter(|p| !p.predictions.contains_key(model.name()))
            .map(|p| ModelFailure {
                issue: p.issue.clone(),
                error: p.failures.get(model.name()).cloned().unwrap_or_default(),
            })
            .collect()
    }
}

/// Reads a back-test long CSV (see [`crate::input::parse_backtest_csv`]) and back-tests it;
/// a file without issues is [`ForecastError::NoIssues`].
pub fn backtest_file(
    path: impl AsRef<Path>,
    o: &BacktestOptions,
    observer: &dyn Observer,
) -> Result<BacktestReport> {
    let path = path.as_ref();
    let cases = crate::input::read_backtest_csv(path)?;
    if cases.is_empty() {
        return Err(ForecastError::NoIssues {
            file: path.display().to_string(),
        });
    }
    backtest_observed(&cases, o, observer)
}

/// Runs every model on every case (each must carry an outcome) and scores them.
pub fn backtest(cases: &[Case], o: &BacktestOptions) -> Result<BacktestReport> {
    backtest_observed(cases, o, &Silent)
}

/// [`backtest`], telling `observer` each time an issue is done.
pub fn backtest_observed(
    cases: &[Case],
    o: &BacktestOptions,
    observer: &dyn Observer,
) -> Result<BacktestReport> {
    for c in cases {
        if c.outcome.as_ref().is_none_or(|v| v.is_empty()) {
            return Err(ForecastError::Model {
                model: "backtest",
                message: format!("issue `{}` has no outcome", c.name),
            });
        }
    }
    let counter = Counter::new(cases.len(), observer);
    let issues: Vec<IssuePrediction> = cases
        .par_iter()
        .map(|c| {
            let mut predictions = BTreeMap::new();
            let mut failures = BTreeMap::new();
            for &m in &o.models {
                match run(m, c, &o.options) {
                    Ok(f) => {
                        predictions.insert(m.name().to_string(), f.value());
                    }
                    Err(e) => {
                        failures.insert(m.name().to_string(), e.to_string());
                    }
                }
            }
            counter.tick();
            IssuePrediction {
                issue: c.name.clone(),
                outcome: c.outcome.as_ref().map_or(f64::NAN, |v| v[0]),
                predictions,
                failures,
            }
        })
        .collect();
    let scores = o
        .models
        .iter()
        .map(|m| {
            let name = m.name();
            let mut errs: Vec<f64> = issues
                .iter()
                .filter_map(|p| p.predictions.get(name).map(|f| (f - p.outcome).abs()))
                .collect();
            errs.sort_by(f64::total_cmp);
            let n = errs.len();
            ModelScore {
                model: name.to_string(),
                n,
                failures: issues.len() - n,
                mean_abs_error: if n == 0 {
                    f64::NAN
                } else {
                    errs.iter().sum::<f64>() / n as f64
                },
                median_abs_error: percentile(&errs, 0.5),
                hit_share: if n == 0 {
                    f64::NAN
                } else {
                    errs.iter().filter(|&&e| e <= o.hit_threshold).count() as f64 / n as f64
                },
            }
        })
        .collect();
    Ok(BacktestReport {
        hit_threshold: o.hit_threshold,
        scores,
        issues,
    })
}
