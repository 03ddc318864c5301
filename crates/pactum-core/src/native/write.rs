//! Writing a scenario in the native format.
//!
//! Rules: the file written reads back to the same model (TOML and JSON
//! alike), forecast sections included.

use super::file::*;
use crate::error::{Error, Result};
use crate::loaded::Loaded;
use crate::model::*;

/// The on-disk form of a scenario (the inverse of [`into_model`]).
pub fn to_file(s: &Scenario) -> ScenarioFile {
    let issues = s
        .issues()
        .iter()
        .map(|i| {
            let mut f = IssueFile {
                name: i.name.clone(),
                notes: i.notes.clone(),
                ..Default::default()
            };
            match &i.kind {
                IssueKind::Discrete { options } => f.options = Some(options.clone()),
                IssueKind::Integer { min, max } => {
                    f.kind = Some("integer".into());
                    f.min = Some(*min as f64);
                    f.max = Some(*max as f64);
                }
                IssueKind::Real { min, max, levels } => {
                    f.kind = Some("real".into());
                    f.min = Some(*min);
                    f.max = Some(*max);
                    f.levels = Some(*levels);
                }
            }
            f
        })
        .collect();
    let parties = s
        .parties()
        .iter()
        .map(|p| {
            let mut f = PartyFile {
                name: p.name.clone(),
                role: p.role,
                representative: p.representative.clone(),
                notes: p.notes.clone(),
                ..Default::default()
            };
            if let Some(prefs) = &p.preferences {
                f.reservation = prefs.reservation_value;
                f.discount_factor = prefs.discount_factor;
                f.red_lines = prefs
                    .red_lines
                    .iter()
                    .map(|r| {
                        let issue = &s.issues()[r.issue];
                        RedLineFile {
                            issue: issue.name.clone(),
                            values: r
                                .values
                                .iter()
                                .map(|&k| value_to_toml(&issue.value(k)))
                                .collect(),
                            notes: r.notes.clone(),
                        }
                    })
                    .collect();
                match &prefs.utility {
                    UtilityFunction::Additive(a) => {
                        f.weights = Some(
                            s.issues()
                                .iter()
                                .zip(&a.weights)
                                .map(|(i, w)| (i.name.clone(), *w))
                                .collect(),
                        );
                        f.values = s
                            .issues()
                            .iter()
                            .zip(&a.values)
                            .map(|(issue, vf)| (issue.name.clone(), value_to_file(issue, vf)))
                            .collect();
                    }
                    UtilityFunction::HyperRectangles(h) => {
                        f.hyper_rectangles = Some(HyperRectanglesFile {
                            normalizer: h.normalizer,
                            rectangles: h
                                .rectangles
                                .iter()
                                .map(|r| HyperRectangleFile {
                                    utility: r.utility,
                                    bounds: r
                                        .bounds
                                        .iter()
                                        .map(|&(i, lo, hi)| (s.issues()[i].name.clone(), (lo, hi)))
                                        .collect(),
                                })
                                .collect(),
                        });
                    }
                }
            }
            f
        })
        .collect();
    ScenarioFile {
        name: s.name().to_string(),
        description: s.description().map(str::to_string),
        notes: s.notes().map(str::to_string),
        issues,
        parties,
        forecast: None,
        conflict: None,
    }
}

fn value_to_toml(v: &Value) -> toml::Value {
    match v {
        Value::Integer(i) => toml::Value::Integer(*i),
        Value::Real(x) => toml::Value::Float(*x),
        Value::Text(s) => toml::Value::String(s.clone()),
    }
}

fn value_to_file(issue: &Issue, vf: &ValueFunction) -> ValueFile {
    match vf {
        // A table is keyed by the issue's values as written (a discrete
        // issue's options).
        ValueFunction::Table(t) => ValueFile::Table(
            t.iter()
                .zip(0..)
                .map(|(v, k)| (issue.value(k).to_string(), *v))
                .collect(),
        ),
        ValueFunction::Linear { slope, offset } => {
            ValueFile::Function(NumericFunctionFile::Linear {
                slope: *slope,
                offset: *offset,
            })
        }
        ValueFunction::PiecewiseLinear { points } => {
            ValueFile::Function(NumericFunctionFile::PiecewiseLinear {
                points: points.clone(),
            })
        }
        ValueFunction::Constant(c) => {
            ValueFile::Function(NumericFunctionFile::Constant { value: *c })
        }
        ValueFunction::Triangular { low, peak, high } => {
            ValueFile::Function(NumericFunctionFile::Triangular {
                low: *low,
                peak: *peak,
                high: *high,
            })
        }
    }
}

/// The on-disk form of a loaded scenario, with the `forecast` section it
/// was read with.
pub fn loaded_to_file(l: &Loaded) -> ScenarioFile {
    ScenarioFile {
        forecast: l.forecast.clone(),
        conflict: l.conflict.clone(),
        ..to_file(&l.scenario)
    }
}

/// Writes a scenario as TOML.
pub fn to_toml(s: &Scenario) -> Result<String> {
    file_to_toml(&to_file(s))
}

/// Writes a scenario as JSON.
pub fn to_json(s: &Scenario) -> Result<String> {
    file_to_json(&to_file(s))
}

/// Writes a loaded scenario as TOML, its `forecast` section included.
pub fn loaded_to_toml(l: &Loaded) -> Result<String> {
    file_to_toml(&loaded_to_file(l))
}

/// Writes a loaded scenario as JSON, its `forecast` section included.
pub fn loaded_to_json(l: &Loaded) -> Result<String> {
    file_to_json(&loaded_to_file(l))
}

/// Writes the on-disk form as TOML.
pub fn file_to_toml(f: &ScenarioFile) -> Result<String> {
    toml::to_string_pretty(f).map_err(|e| Error::Serialize {
        format: "TOML",
        source: e.into(),
    })
}

/// Writes the on-disk form as JSON.
pub fn file_to_json(f: &ScenarioFile) -> Result<String> {
    serde_json::to_string_pretty(f).map_err(|e| Error::Serialize {
        format: "JSON",
        source: e.into(),
    })
}
