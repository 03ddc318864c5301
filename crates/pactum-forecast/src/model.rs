//! The actor/issue data model shared by every forecasting model.
//!
//! A [`Case`] is one bargaining problem: a set of actors, each with a capability and, per issue
//! dimension, a position and a salience. A one-dimensional case has one dimension; KTAB cases may
//! have several. Validation lives here so every model can assume clean inputs.

use pactum_core::model::check_magnitude;
use serde::{Deserialize, Serialize};

use crate::error::{ForecastError, Location, Result};

/// One stakeholder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// Name, unique within a case.
    pub name: String,
    /// Potential influence (clout, resources); any non-negative scale.
    pub capability: f64,
    /// Position per dimension, in the case's units.
    pub positions: Vec<f64>,
    /// Salience per dimension, 0-100.
    pub saliences: Vec<f64>,
    /// Input line the actor came from (for error messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Actor {
    /// A one-dimensional actor.
    pub fn new(name: impl Into<String>, capability: f64, position: f64, salience: f64) -> Self {
        Self {
            name: name.into(),
            capability,
            positions: vec![position],
            saliences: vec![salience],
            line: None,
        }
    }

    /// Position on dimension 0 (the only one of a 1-D case).
    pub fn position(&self) -> f64 {
        self.positions[0]
    }

    /// Salience on dimension 0, 0-100.
    pub fn salience(&self) -> f64 {
        self.saliences[0]
    }
}

/// A labelled point of an issue scale ("0 = restoration of 1991 borders").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    /// The point on the scale.
    pub value: f64,
    /// What the point means.
    pub label: String,
}

/// One issue dimension: a continuum (usually 0-100) with an optional status quo and anchors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    /// Name; for multi-dimensional inputs this is the position column header.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The status quo, in the issue's units.
    pub status_quo: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Written meanings of points of the scale, ascending.
    pub anchors: Vec<Anchor>,
    /// Ends of the issue scale (e.g. 0-100, or 4-10 years). KTAB maps `lo → 0`, `hi → 100`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
}

impl Issue {
    /// An issue named `name` without status quo, anchors or scale.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            status_quo: None,
            anchors: Vec::new(),
            scale: None,
        }
    }
}

/// Largest capability an actor may have: with [`MAX_POSITION`], keeps every model's sums of
/// capability × salience × distance finite (a capability of 1e308 made them NaN).
pub const MAX_CAPABILITY: f64 = 1e9;

/// Largest magnitude of a position, a status quo, a scale end or an outcome.
pub const MAX_POSITION: f64 = 1e9;

/// The ends of a case's scale, used to map positions onto KTAB's 0-100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    /// The low end.
    pub lo: f64,
    /// The high end.
    pub hi: f64,
}

/// One bargaining problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// The case's name.
    pub name: String,
    /// File the case was read from (used in error messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Issue dimensions; every actor has one position and salience per dimension.
    pub issues: Vec<Issue>,
    /// The actors, in input order.
    pub actors: Vec<Actor>,
    /// Observed outcome per dimension (back-testing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Vec<f64>>,
}

impl Case {
    /// A one-dimensional case named `name` with a single issue called `position`.
    pub fn one_dim(name: impl Into<String>, actors: Vec<Actor>) -> Self {
        Self {
            name: name.into(),
            source: None,
            issues: vec![Issue::new("position")],
            actors,
            outcome: None,
        }
    }

    /// Number of issue dimensions.
    pub fn n_dims(&self) -> usize {
        self.issues.len()
    }

    fn file(&self) -> &str {
        self.source.as_deref().unwrap_or("<memory>")
    }

    /// Checks the invariants every model relies on: finite numbers, capabilities
    /// non-negative and at most [`MAX_CAPABILITY`], positions, status quo, scale ends and
    /// outcomes of magnitude at most [`MAX_POSITION`], saliences within 0-100.
    pub fn validate(&self) -> Result<()> {
        let file = self.file();
        if self.issues.is_empty() {
            return Err(ForecastError::Format {
                loc: Location::new(file, None, "issues"),
                message: "a case needs at least one issue dimension".into(),
            });
        }
        let bounded = |loc: Location, what: &str, x: f64, limit: f64| -> Result<()> {
            if !x.is_finite() {
                return Err(ForecastError::NotANumber {
                    loc,
                    value: x.to_string(),
                });
            }
            check_magnitude(what, x, limit)
                .map_err(|message| ForecastError::Format { loc, message })
        };
        for issue in &self.issues {
            let loc = |field: &str| Location::new(file, None, format!("{}.{field}", issue.name));
            if let Some(sq) = issue.status_quo {
                bounded(loc("status_quo"), "status quo", sq, MAX_POSITION)?;
            }
            if let Some(scale) = issue.scale {
                bounded(loc("scale"), "scale end", scale.lo, MAX_POSITION)?;
                bounded(loc("scale"), "scale end", scale.hi, MAX_POSITION)?;
            }
        }
        for (d, &o) in self.outcome.iter().flatten().enumerate() {
            let name = self.issues.get(d).map_or("outcome", |i| i.name.as_str());
            bounded(
                Location::new(file, None, format!("{name}.outcome")),
                "outcome",
                o,
                MAX_POSITION,
            )?;
        }
        for a in &self.actors {
            let loc = |field: &str| Location::new(file, a.line, field);
            if !a.capability.is_finite() {
                return Err(ForecastError::NotANumber {
                    loc: loc("capability"),
                    value: a.capability.to_string(),
                });
            }
            if a.capability < 0.0 {
                return Err(ForecastError::NegativeCapability {
                    loc: loc("capability"),
                    value: a.capability,
                });
            }
            bounded(
                loc("capability"),
                "capability",
                a.capability,
                MAX_CAPABILITY,
            )?;
            if a.positions.len() < self.n_dims() {
                let field = self
                    .issues
                    .get(a.positions.len())
                    .map_or("position", |i| i.name.as_str());
                return Err(ForecastError::MissingPosition {
                    loc: loc(field),
                    actor: a.name.clone(),
                });
            }
            if a.saliences.len() != a.positions.len() {
                return Err(ForecastError::Format {
                    loc: loc("salience"),
                    message: format!(
                        "{} salience(s) for {} position(s)",
                        a.saliences.len(),
                        a.positions.len()
                    ),
                });
            }
            for (d, (&p, &s)) in a.positions.iter().zip(&a.saliences).enumerate() {
                let field = self.issues.get(d).map_or("position", |i| i.name.as_str());
                bounded(loc(field), "position", p, MAX_POSITION)?;
                if !s.is_finite() || !(0.0..=100.0).contains(&s) {
                    return Err(ForecastError::SalienceOutOfRange {
                        loc: loc("salience"),
                        value: s,
                    });
                }
            }
        }
        if self.actors.len() < 2 {
            return Err(ForecastError::TooFewActors {
                file: file.to_string(),
                line: None,
                count: self.actors.len(),
            });
        }
        Ok(())
    }

    /// Positions on dimension `d`, in actor order.
    pub fn positions(&self, d: usize) -> Vec<f64> {
        self.actors.iter().map(|a| a.positions[d]).collect()
    }

    /// Saliences on dimension `d` (0-100), in actor order.
    pub fn saliences(&self, d: usize) -> Vec<f64> {
        self.actors.iter().map(|a| a.saliences[d]).collect()
    }

    /// Capabilities in actor order.
    pub fn capabilities(&self) -> Vec<f64> {
        self.actors.iter().map(|a| a.capability).collect()
    }

    /// Actor names in order.
    pub fn names(&self) -> Vec<String> {
        self.actors.iter().map(|a| a.name.clone()).collect()
    }

    /// Smallest and largest position on dimension `d`.
    pub fn range(&self, d: usize) -> (f64, f64) {
        self.actors
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), a| {
                (lo.min(a.positions[d]), hi.max(a.positions[d]))
            })
    }
}
