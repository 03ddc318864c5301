//! The negotiation model: parties, issues, preferences.
//!
//! Every file format is parsed into these types and every analysis works on
//! them, so they are the one vocabulary shared by the whole engine. A
//! [`Scenario`] is validated on construction by [`Scenario::validate`];
//! code downstream may rely on its invariants:
//!
//! * issue names are unique and non-empty; every issue has at least one value;
//! * every negotiator has preferences whose per-issue parts match the issues
//!   one to one (same order, same kind);
//! * no issue has more than [`MAX_ISSUE_VALUES`] values (an [`Outcome`]
//!   indexes them with a `u32`);
//! * weights are finite, non-negative and at most [`MAX_MAGNITUDE`]; values,
//!   reservation values and hyper-rectangle utilities are finite and at most
//!   [`MAX_MAGNITUDE`] in magnitude, real-issue bounds and the points where
//!   value functions are defined at most [`MAX_COORDINATE`]: every utility
//!   is a finite number;
//! * red lines name existing issues and values.

use serde::{Deserialize, Serialize};

use crate::error::ModelError;

/// A whole negotiation: what is on the table and who sits at it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The scenario's name.
    pub name: String,
    /// A description for people.
    pub description: Option<String>,
    /// Free text: sources, assumptions, caveats.
    pub notes: Option<String>,
    /// The issues, in order; an outcome gives one value per issue.
    pub issues: Vec<Issue>,
    /// The parties, in order.
    pub parties: Vec<Party>,
}

/// One dimension of a deal, e.g. "ceasefire" or "price".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    /// The issue's name, unique in the scenario.
    pub name: String,
    /// Its values.
    pub kind: IssueKind,
    /// Free text about the issue.
    pub notes: Option<String>,
}

/// The values an issue can take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum IssueKind {
    /// A finite list of named options.
    Discrete {
        /// The options, in order.
        options: Vec<String>,
    },
    /// Every integer in `min..=max`.
    Integer {
        /// The smallest value.
        min: i64,
        /// The largest value.
        max: i64,
    },
    /// The real interval `[min, max]`. Analysis and enumeration use `levels`
    /// evenly spaced points (both ends included).
    Real {
        /// The lower bound.
        min: f64,
        /// The upper bound.
        max: f64,
        /// How many evenly spaced grid points stand for the range.
        levels: usize,
    },
}

/// Most values an issue may have: outcomes index values with a `u32`
/// ([`Outcome`]). How many values an analysis handles is a separate, much
/// smaller limit (`analysis::Budget`).
pub const MAX_ISSUE_VALUES: u64 = u32::MAX as u64;

/// Largest magnitude of a weight, a value (of a table, a function or a
/// hyper-rectangle), a reservation value or a utility a scenario may hold.
/// With [`MAX_COORDINATE`], it keeps every utility a finite number: a sum
/// over issues of weight × value is at most issues × 10^18.
pub const MAX_MAGNITUDE: f64 = 1e9;

/// Largest magnitude of a real issue's bounds and of the points where a
/// value function is defined (piecewise-linear x, triangular corners).
pub const MAX_COORDINATE: f64 = 1e15;

/// `Err` with a sentence unless `x` is a finite number of magnitude at most
/// `limit`; `what` names the number ("weight", "reservation value").
pub fn check_magnitude(what: &str, x: f64, limit: f64) -> Result<(), String> {
    if !x.is_finite() {
        Err(format!("{what} {x} is not a finite number"))
    } else if x.abs() > limit {
        Err(format!(
            "{what} {} is too large: at most {limit:e} in magnitude is accepted",
            short_number(x)
        ))
    } else {
        Ok(())
    }
}

/// A number as people write it: `1e308`, not 309 digits.
fn short_number(x: f64) -> String {
    if x != 0.0 && !(1e-4..1e6).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

/// How far a number may be from a real issue's grid point and still be
/// that value (offers, red lines).
pub const GRID_TOLERANCE: f64 = 1e-9;

/// Default number of grid points used to enumerate a real-valued issue.
pub const DEFAULT_REAL_LEVELS: usize = 11;

/// One concrete value of an issue, as shown to people and written to files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A value of an integer issue.
    Integer(i64),
    /// A value of a real issue.
    Real(f64),
    /// An option of a discrete issue.
    Text(String),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Integer(v) => write!(f, "{v}"),
            Value::Real(v) => write!(f, "{v}"),
            Value::Text(v) => f.write_str(v),
        }
    }
}

/// An outcome (a complete package): for each issue, the index of its value.
///
/// Index `k` of a discrete issue is its `k`-th option, of an integer issue the
/// integer `min + k`, of a real issue the `k`-th grid point.
pub type Outcome = Vec<u32>;

impl Issue {
    /// Number of values (grid points for a real issue).
    pub fn cardinality(&self) -> u64 {
        match &self.kind {
            IssueKind::Discrete { options } => options.len() as u64,
            IssueKind::Integer { min, max } => (*max as i128 - *min as i128 + 1).max(0) as u64,
            IssueKind::Real { levels, .. } => *levels as u64,
        }
    }

    /// The value at index `k` (which must be below [`Issue::cardinality`]).
    pub fn value(&self, k: u32) -> Value {
        match &self.kind {
            IssueKind::Discrete { options } => Value::Text(options[k as usize].clone()),
            IssueKind::Integer { min, .. } => Value::Integer(min + k as i64),
            IssueKind::Real { .. } => Value::Real(self.numeric(k)),
        }
    }

    /// The numeric value at index `k` of a numeric issue; the index itself
    /// for a discrete one.
    pub fn numeric(&self, k: u32) -> f64 {
        match &self.kind {
            IssueKind::Discrete { .. } => k as f64,
            IssueKind::Integer { min, .. } => (*min + k as i64) as f64,
            IssueKind::Real { min, max, levels } => {
                if *levels <= 1 {
                    *min
                } else if k as usize + 1 == *levels {
                    *max
                } else {
                    min + (max - min) * k as f64 / (*levels - 1) as f64
                }
            }
        }
    }

    /// The index of `value` on this issue, if it is one of its values.
    pub fn index_of(&self, value: &Value) -> Option<u32> {
        match (&self.kind, value) {
            (IssueKind::Discrete { options }, Value::Text(s)) => {
                options.iter().position(|o| o == s).map(|k| k as u32)
            }
            (IssueKind::Integer { min, max }, Value::Integer(v)) if v >= min && v <= max => {
                Some((v - min) as u32)
            }
            (IssueKind::Integer { min, max }, Value::Real(v))
                if v.fract() == 0.0 && *v >= *min as f64 && *v <= *max as f64 =>
            {
                Some((*v as i64 - min) as u32)
            }
            (IssueKind::Real { levels, .. }, Value::Real(_) | Value::Integer(_)) => {
                let x = match value {
                    Value::Real(x) => *x,
                    Value::Integer(i) => *i as f64,
                    Value::Text(_) => return None,
                };
                self.grid_index(*levels, x)
            }
            (IssueKind::Discrete { options }, Value::Integer(i)) => {
                let s = i.to_string();
                options.iter().position(|o| *o == s).map(|k| k as u32)
            }
            _ => None,
        }
    }

    /// The first grid point of a real issue within [`GRID_TOLERANCE`] of `x`,
    /// found by bisection rather than by trying every point: the grid rises
    /// with the index, so the first point not below `x` by more than the
    /// tolerance is the
    /// only candidate; it and its neighbours (rounding can make neighbouring
    /// points equal) are checked against the tolerance. The same answer as
    /// trying every point in order, in O(log levels).
    fn grid_index(&self, levels: usize, x: f64) -> Option<u32> {
        if !x.is_finite() || levels == 0 || levels as u64 > MAX_ISSUE_VALUES {
            return None;
        }
        let (mut lo, mut hi) = (0u64, levels as u64);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            // Compared as the tolerance check computes it (`x − tolerance`
            // can round to `x`).
            if self.numeric(mid as u32) - x < -GRID_TOLERANCE {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo.saturating_sub(1)..(lo + 2).min(levels as u64))
            .find(|&k| (self.numeric(k as u32) - x).abs() <= GRID_TOLERANCE)
            .map(|k| k as u32)
    }

    /// The index of a value written as text (an option name or a number).
    pub fn parse_value(&self, text: &str) -> Option<u32> {
        match &self.kind {
            IssueKind::Discrete { options } => {
                options.iter().position(|o| o == text).map(|k| k as u32)
            }
            IssueKind::Integer { .. } => text
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|v| self.index_of(&Value::Integer(v))),
            IssueKind::Real { .. } => text
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|v| self.index_of(&Value::Real(v))),
        }
    }
}

/// What a party does at the table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    /// Bargains for itself; has preferences; its consent is needed for a deal.
    Negotiator,
    /// Hosts or facilitates; proposes packages but need not consent.
    Mediator,
    /// Watches and may press, but is not a signatory.
    Observer,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Negotiator => "negotiator",
            Role::Mediator => "mediator",
            Role::Observer => "observer",
        })
    }
}

/// Somebody at (or around) the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// The party's name, unique in the scenario.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// Who speaks for the party (e.g. the head of delegation).
    pub representative: Option<String>,
    /// Free text about the party.
    pub notes: Option<String>,
    /// Required for negotiators, optional for the others.
    pub preferences: Option<Preferences>,
}

/// A party's private valuation of outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preferences {
    /// Its utility over outcomes.
    pub utility: UtilityFunction,
    /// Utility of no agreement. `None` means the party gets nothing it values
    /// from no deal (its worst utility is used as the disagreement point).
    pub reservation_value: Option<f64>,
    /// GENIUS discount factor d: utility at relative time t is u·d^t. Kept and
    /// reported; the static analysis does not apply it.
    pub discount_factor: Option<f64>,
    /// Outcomes the party will never accept, whatever else they contain.
    pub red_lines: Vec<RedLine>,
}

/// "Never an outcome whose `issue` takes one of `values`."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedLine {
    /// Index of the issue.
    pub issue: usize,
    /// Indices of the forbidden values of that issue.
    pub values: Vec<u32>,
    /// Free text about the red line.
    pub notes: Option<String>,
}

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

impl UtilityFunction {
    /// The utility of an outcome (issues as in `issues`).
    pub fn utility(&self, issues: &[Issue], outcome: &[u32]) -> f64 {
        match self {
            UtilityFunction::Additive(a) => {
                let mut u = 0.0;
                for (i, issue) in issues.iter().enumerate() {
                    u += a.weights[i] * a.values[i].eval(issue, outcome[i]);
                }
                u
            }
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

impl Preferences {
    /// Whether the outcome crosses one of the party's red lines.
    pub fn crosses_red_line(&self, outcome: &[u32]) -> bool {
        self.red_lines
            .iter()
            .any(|r| r.values.contains(&outcome[r.issue]))
    }
}

impl Scenario {
    /// Number of outcomes, saturating at `u128::MAX`.
    pub fn outcome_count(&self) -> u128 {
        self.issues
            .iter()
            .fold(1u128, |n, i| n.saturating_mul(i.cardinality() as u128))
    }

    /// Indices of the parties whose consent a deal needs.
    pub fn negotiators(&self) -> Vec<usize> {
        self.parties
            .iter()
            .enumerate()
            .filter(|(_, p)| p.role == Role::Negotiator)
            .map(|(i, _)| i)
            .collect()
    }

    /// The negotiators' names, in party order.
    pub fn negotiator_names(&self) -> Vec<String> {
        self.parties
            .iter()
            .filter(|p| p.role == Role::Negotiator)
            .map(|p| p.name.clone())
            .collect()
    }

    /// The position of the issue named `name`.
    pub fn issue_index(&self, name: &str) -> Option<usize> {
        self.issues.iter().position(|i| i.name == name)
    }

    /// The position of the party named `name`.
    pub fn party_index(&self, name: &str) -> Option<usize> {
        self.parties.iter().position(|p| p.name == name)
    }

    /// The outcome as `(issue name, value)` pairs.
    pub fn describe(&self, outcome: &[u32]) -> Vec<(String, Value)> {
        self.issues
            .iter()
            .zip(outcome)
            .map(|(issue, &k)| (issue.name.clone(), issue.value(k)))
            .collect()
    }

    /// Checks the invariants listed in the module documentation.
    pub fn validate(&self) -> Result<(), ModelError> {
        let err = |field: String, message: String| Err(ModelError::Invalid { field, message });
        if self.issues.is_empty() {
            return err(
                "issues".into(),
                "a scenario needs at least one issue".into(),
            );
        }
        for (i, issue) in self.issues.iter().enumerate() {
            let field = format!("issues[{i}] ({})", issue.name);
            if issue.name.trim().is_empty() {
                return err(format!("issues[{i}].name"), "issue name is empty".into());
            }
            if self.issues[..i].iter().any(|o| o.name == issue.name) {
                return err(field, format!("duplicate issue name {:?}", issue.name));
            }
            match &issue.kind {
                IssueKind::Discrete { options } => {
                    if options.is_empty() {
                        return err(field, "a discrete issue needs at least one option".into());
                    }
                    if options.len() as u64 > MAX_ISSUE_VALUES {
                        return err(
                            format!("{field}.options"),
                            format!(
                                "{} options; an issue has at most {MAX_ISSUE_VALUES} values",
                                options.len()
                            ),
                        );
                    }
                    for (k, o) in options.iter().enumerate() {
                        if options[..k].contains(o) {
                            return err(field, format!("duplicate option {o:?}"));
                        }
                    }
                }
                IssueKind::Integer { min, max } => {
                    if min > max {
                        return err(field, format!("min {min} is above max {max}"));
                    }
                    let values = *max as i128 - *min as i128 + 1;
                    if values > MAX_ISSUE_VALUES as i128 {
                        return err(
                            field,
                            format!(
                                "integer range {min}..={max} has {values} values; an issue has at most {MAX_ISSUE_VALUES}"
                            ),
                        );
                    }
                }
                IssueKind::Real { min, max, levels } => {
                    if !(min.is_finite() && max.is_finite()) || min > max {
                        return err(field, format!("invalid real interval [{min}, {max}]"));
                    }
                    for (name, x) in [("min", min), ("max", max)] {
                        if let Err(m) = check_magnitude(name, *x, MAX_COORDINATE) {
                            return err(format!("{field}.{name}"), m);
                        }
                    }
                    if *levels == 0 {
                        return err(field, "a real issue needs at least one level".into());
                    }
                    if *levels as u64 > MAX_ISSUE_VALUES {
                        return err(
                            format!("{field}.levels"),
                            format!(
                                "{levels} levels; an issue has at most {MAX_ISSUE_VALUES} values"
                            ),
                        );
                    }
                }
            }
        }
        if self.parties.is_empty() {
            return err(
                "parties".into(),
                "a scenario needs at least one party".into(),
            );
        }
        for (p, party) in self.parties.iter().enumerate() {
            let field = format!("parties[{p}] ({})", party.name);
            if party.name.trim().is_empty() {
                return err(format!("parties[{p}].name"), "party name is empty".into());
            }
            if self.parties[..p].iter().any(|o| o.name == party.name) {
                return err(field, format!("duplicate party name {:?}", party.name));
            }
            match &party.preferences {
                None if party.role == Role::Negotiator => {
                    return err(field, "a negotiator needs preferences".into());
                }
                None => {}
                Some(prefs) => self.validate_preferences(&field, prefs)?,
            }
        }
        Ok(())
    }

    fn validate_preferences(&self, field: &str, prefs: &Preferences) -> Result<(), ModelError> {
        let err = |sub: &str, message: String| {
            Err(ModelError::Invalid {
                field: format!("{field}.{sub}"),
                message,
            })
        };
        if let Some(r) = prefs.reservation_value {
            check_magnitude("reservation value", r, MAX_MAGNITUDE)
                .or_else(|m| err("reservation", m))?;
        }
        if let Some(d) = prefs.discount_factor
            && !(d > 0.0 && d <= 1.0)
        {
            return err(
                "discount_factor",
                format!("discount factor {d} is outside (0, 1]"),
            );
        }
        for (n, red) in prefs.red_lines.iter().enumerate() {
            let Some(issue) = self.issues.get(red.issue) else {
                return err(
                    &format!("red_lines[{n}]"),
                    format!("no issue #{}", red.issue),
                );
            };
            if let Some(v) = red
                .values
                .iter()
                .find(|&&v| v as u64 >= issue.cardinality())
            {
                return err(
                    &format!("red_lines[{n}]"),
                    format!("no value #{v} on issue {}", issue.name),
                );
            }
        }
        match &prefs.utility {
            UtilityFunction::Additive(a) => {
                if a.weights.len() != self.issues.len() || a.values.len() != self.issues.len() {
                    return err(
                        "weights",
                        format!(
                            "{} weights and {} value functions for {} issues",
                            a.weights.len(),
                            a.values.len(),
                            self.issues.len()
                        ),
                    );
                }
                for (i, (w, vf)) in a.weights.iter().zip(&a.values).enumerate() {
                    let issue = &self.issues[i];
                    if !w.is_finite() || *w < 0.0 {
                        return err(
                            &format!("weights.{}", issue.name),
                            format!("weight {w} must be a finite number ≥ 0"),
                        );
                    }
                    check_magnitude("weight", *w, MAX_MAGNITUDE)
                        .or_else(|m| err(&format!("weights.{}", issue.name), m))?;
                    let sub = format!("values.{}", issue.name);
                    match (vf, &issue.kind) {
                        (ValueFunction::Table(t), IssueKind::Discrete { options }) => {
                            if t.len() != options.len() {
                                return err(
                                    &sub,
                                    format!("{} values for {} options", t.len(), options.len()),
                                );
                            }
                            for (v, option) in t.iter().zip(options) {
                                check_magnitude("value", *v, MAX_MAGNITUDE)
                                    .or_else(|m| err(&format!("{sub}.{option}"), m))?;
                            }
                        }
                        (ValueFunction::Table(_), _) => {
                            return err(&sub, "a value table needs a discrete issue".into());
                        }
                        (_, IssueKind::Discrete { .. }) => {
                            return err(&sub, "a discrete issue needs a value table".into());
                        }
                        (ValueFunction::PiecewiseLinear { points }, _) => {
                            if points.is_empty() {
                                return err(&sub, "piecewise-linear function has no points".into());
                            }
                            if points.windows(2).any(|w| w[1].0 < w[0].0) {
                                return err(
                                    &sub,
                                    "piecewise-linear points must be sorted by x".into(),
                                );
                            }
                            for (x, v) in points {
                                check_magnitude("point", *x, MAX_COORDINATE)
                                    .and_then(|()| check_magnitude("value", *v, MAX_MAGNITUDE))
                                    .or_else(|m| err(&format!("{sub}.points"), m))?;
                            }
                        }
                        (ValueFunction::Linear { slope, offset }, _) => {
                            check_magnitude("slope", *slope, MAX_MAGNITUDE)
                                .and_then(|()| check_magnitude("offset", *offset, MAX_MAGNITUDE))
                                .or_else(|m| err(&sub, m))?;
                        }
                        (ValueFunction::Constant(c), _) => {
                            check_magnitude("constant", *c, MAX_MAGNITUDE)
                                .or_else(|m| err(&sub, m))?;
                        }
                        (ValueFunction::Triangular { low, peak, high }, _) => {
                            for (name, x) in [("low", low), ("peak", peak), ("high", high)] {
                                check_magnitude(name, *x, MAX_COORDINATE)
                                    .or_else(|m| err(&sub, m))?;
                            }
                            if !(low <= peak && peak <= high) {
                                return err(&sub, "triangular needs low ≤ peak ≤ high".into());
                            }
                        }
                    }
                }
            }
            UtilityFunction::HyperRectangles(h) => {
                if !(h.normalizer.is_finite() && h.normalizer >= 1.0 / MAX_MAGNITUDE) {
                    return err(
                        "utility",
                        format!(
                            "normalizer {} must be a finite number of at least {:e}",
                            short_number(h.normalizer),
                            1.0 / MAX_MAGNITUDE
                        ),
                    );
                }
                for (n, r) in h.rectangles.iter().enumerate() {
                    check_magnitude("utility", r.utility, MAX_MAGNITUDE)
                        .or_else(|m| err(&format!("utility.rectangles[{n}]"), m))?;
                    if r.bounds.iter().any(|b| b.1.is_nan() || b.2.is_nan()) {
                        return err(
                            &format!("utility.rectangles[{n}]"),
                            "hyper-rectangle bounds must be numbers".into(),
                        );
                    }
                    if let Some(&(i, _, _)) = r.bounds.iter().find(|b| b.0 >= self.issues.len()) {
                        return err(
                            "utility",
                            format!("hyper-rectangle names issue #{i}, which does not exist"),
                        );
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn real(min: f64, max: f64, levels: usize) -> Issue {
        Issue {
            name: "x".into(),
            kind: IssueKind::Real { min, max, levels },
            notes: None,
        }
    }

    /// The definition `index_of` must agree with: the first grid point
    /// within the tolerance, trying every point.
    fn scan(issue: &Issue, x: f64) -> Option<u32> {
        (0..issue.cardinality() as u32).find(|&k| (issue.numeric(k) - x).abs() <= GRID_TOLERANCE)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn grid_lookup_equals_the_scan(
            min in -1e6f64..1e6,
            span in prop_oneof![Just(0.0), 1e-12f64..1e-8, 1e-6f64..1e3],
            levels in 1usize..60,
            pick in 0usize..60,
            offset in prop_oneof![
                Just(0.0),
                -2e-9f64..2e-9,
                -1.0f64..1.0,
                Just(f64::NAN),
                Just(f64::INFINITY),
            ],
        ) {
            let issue = real(min, min + span, levels);
            let x = issue.numeric((pick % levels) as u32) + offset;
            prop_assert_eq!(issue.index_of(&Value::Real(x)), scan(&issue, x));
        }
    }

    #[test]
    fn grid_lookup_on_a_huge_grid_is_immediate() {
        // 4,294,967,295 points on [0, 1e9]: the scan visited all of them for
        // a value between two points.
        let issue = real(0.0, 1e9, u32::MAX as usize);
        let started = std::time::Instant::now();
        assert_eq!(issue.index_of(&Value::Real(0.1)), None);
        let k = 1_234_567_890;
        assert_eq!(issue.index_of(&Value::Real(issue.numeric(k))), Some(k));
        assert_eq!(issue.index_of(&Value::Real(1e9)), Some(u32::MAX - 1));
        assert_eq!(issue.index_of(&Value::Integer(-1)), None);
        assert!(started.elapsed() < std::time::Duration::from_millis(100));
    }
}
