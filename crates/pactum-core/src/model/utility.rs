//! Utility functions: linear-additive (weights and one value function per
//! issue) and hyper-rectangles.
//!
//! Rules: an additive utility sums weight × value in issue order from 0.0
//! (the frontier relies on this to agree to the bit); piecewise-linear
//! functions interpolate between their points and hold the end values
//! beyond them; a hyper-rectangle utility sums the rectangles containing
//! the outcome and divides by its normaliser, capped at 1.

use serde::{Deserialize, Serialize};

use super::issue::{Issue, IssueKind};

/// How a party turns an outcome into a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum UtilityFunction {
    /// u(o) = Σ_i weight_i · value_i(o_i), summed in issue order.
    Additive(AdditiveUtility),
    /// u(o) = min(1, (Σ utility of each hyper-rectangle containing o) /
    /// normalizer); the nonlinear profiles of ANAC 2014 (GENIUS cuts at 1).
    HyperRectangles(HyperRectangleUtility),
}

/// A linear-additive utility function: weights and one value function per issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdditiveUtility {
    /// One weight per issue, in issue order, used as written.
    pub weights: Vec<f64>,
    /// One value function per issue, in issue order.
    pub values: Vec<ValueFunction>,
}

/// Maps one issue's values to [0, 1] (before weighting).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ValueFunction {
    /// Discrete issues: the value of each option, in option order.
    Table(Vec<f64>),
    /// Numeric issues: clamp01(offset + slope·(x − issue min)), the GENIUS
    /// integer-evaluator convention.
    Linear {
        /// Change in value per unit of the issue.
        slope: f64,
        /// The value at the issue's lower bound.
        offset: f64,
    },
    /// Numeric issues: linear interpolation between `(x, value)` points sorted
    /// by x; constant beyond the first and last point.
    PiecewiseLinear {
        /// `(x, value)` points, by increasing x.
        points: Vec<(f64, f64)>,
    },
    /// Numeric issues: the same value everywhere.
    Constant(f64),
    /// Numeric issues: 0 at `low`, rising linearly to 1 at `peak`, falling
    /// linearly to 0 at `high`, and 0 outside `[low, high]`.
    Triangular {
        /// Where the value starts rising from 0.
        low: f64,
        /// Where it reaches 1.
        peak: f64,
        /// Where it is back to 0.
        high: f64,
    },
}

/// An axis-aligned box of outcomes and the utility it contributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HyperRectangle {
    /// `(issue index, min, max)`: numeric bounds, inclusive, on the issue's
    /// numeric values. Issues not listed are unconstrained.
    pub bounds: Vec<(usize, f64, f64)>,
    /// The utility added for an outcome inside the box.
    pub utility: f64,
}

/// A nonlinear utility: a sum of hyper-rectangle utilities, normalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HyperRectangleUtility {
    /// The boxes.
    pub rectangles: Vec<HyperRectangle>,
    /// The sum is divided by this (GENIUS `maxutility`); must be > 0.
    pub normalizer: f64,
}

impl ValueFunction {
    /// The value of the issue's `k`-th value.
    pub fn eval(&self, issue: &Issue, k: u32) -> f64 {
        match self {
            ValueFunction::Table(t) => t[k as usize],
            ValueFunction::Linear { slope, offset } => {
                let min = match &issue.kind {
                    IssueKind::Integer { min, .. } => *min as f64,
                    IssueKind::Real { min, .. } => *min,
                    IssueKind::Discrete { .. } => 0.0,
                };
                (offset + slope * (issue.numeric(k) - min)).clamp(0.0, 1.0)
            }
            ValueFunction::PiecewiseLinear { points } => interpolate(points, issue.numeric(k)),
            ValueFunction::Constant(c) => *c,
            ValueFunction::Triangular { low, peak, high } => {
                let x = issue.numeric(k);
                if x < *low || x > *high {
                    0.0
                } else if x <= *peak {
                    if peak > low {
                        (x - low) / (peak - low)
                    } else {
                        1.0
                    }
                } else if high > peak {
                    (high - x) / (high - peak)
                } else {
                    1.0
                }
            }
        }
    }
}

fn interpolate(points: &[(f64, f64)], x: f64) -> f64 {
    match points {
        [] => 0.0,
        [(_, v)] => *v,
        _ => {
            if x <= points[0].0 {
                return points[0].1;
            }
            for w in points.windows(2) {
                let ((x0, v0), (x1, v1)) = (w[0], w[1]);
                if x <= x1 {
                    return if x1 > x0 {
                        v0 + (v1 - v0) * (x - x0) / (x1 - x0)
                    } else {
                        v1
                    };
                }
            }
            points[points.len() - 1].1
        }
    }
}

impl AdditiveUtility {
    /// The utility of an outcome: weight × value summed in issue order
    /// from 0.0.
    pub fn utility(&self, issues: &[Issue], outcome: &[u32]) -> f64 {
        let mut u = 0.0;
        for (i, issue) in issues.iter().enumerate() {
            u += self.weights[i] * self.values[i].eval(issue, outcome[i]);
        }
        u
    }
}

impl UtilityFunction {
    /// The utility of an outcome (issues as in `issues`).
    pub fn utility(&self, issues: &[Issue], outcome: &[u32]) -> f64 {
        match self {
            UtilityFunction::Additive(a) => a.utility(issues, outcome),
            UtilityFunction::HyperRectangles(h) => {
                let mut sum = 0.0;
                for r in &h.rectangles {
                    if r.bounds.iter().all(|&(i, lo, hi)| {
                        let x = issues[i].numeric(outcome[i]);
                        x >= lo && x <= hi
                    }) {
                        sum += r.utility;
                    }
                }
                (sum / h.normalizer).min(1.0)
            }
        }
    }

    /// The additive utility, unless it is a hyper-rectangle one.
    pub fn as_additive(&self) -> Option<&AdditiveUtility> {
        match self {
            UtilityFunction::Additive(a) => Some(a),
            UtilityFunction::HyperRectangles(_) => None,
        }
    }
}
