//! Pactum's own scenario format, in TOML (for people) or JSON (for programs).
//!
//! The file is read into a plain serde mirror ([`ScenarioFile`]) and then
//! checked and translated into the model, so every semantic error names the
//! field it is about (`parties[1] (Russia).weights.territory`). Syntax and
//! type errors carry the line and column from the TOML or JSON parser.
//! `docs/scenario-format.md` documents the format field by field.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::io::Loaded;
use crate::model::*;

/// The on-disk form of a scenario.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The scenario's name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// A description for people.
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text: sources, assumptions, caveats.
    pub notes: Option<String>,
    #[serde(default)]
    /// The issues, in order.
    pub issues: Vec<IssueFile>,
    #[serde(default)]
    /// The parties, in order.
    pub parties: Vec<PartyFile>,
    /// Inputs of the forecasting models (actors, capabilities, positions on
    /// 0–100 continua). Read and checked by the forecasting crate, not by
    /// this model; kept through conversions between TOML and JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast: Option<ForecastFile>,
}

/// The `forecast` section, as written in the file. Only its shape (field
/// names and types) is checked here; `pactum_forecast::scenario` checks its
/// meaning (known actors, values on the 0–100 scale) and builds the cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text about the estimates.
    pub notes: Option<String>,
    /// Default Monte Carlo spreads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<ForecastUncertaintyFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// The forecast's actors.
    pub actors: Vec<ForecastActorFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// The forecast's issues.
    pub issues: Vec<ForecastIssueFile>,
}

/// `forecast.uncertainty`: capability as a fraction, position and salience
/// in points.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastUncertaintyFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Relative uncertainty of capabilities.
    pub capability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Uncertainty of positions, in points of the 0–100 scale.
    pub position: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Uncertainty of saliences, in points of the 0–100 scale.
    pub salience: Option<f64>,
}

/// One entry of `forecast.actors`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastActorFile {
    /// The actor's name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its capability.
    pub capability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The range its capability may take (Monte Carlo).
    pub capability_range: Option<(f64, f64)>,
    /// Not a party of the negotiation model.
    #[serde(default, skip_serializing_if = "is_false")]
    pub extra: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text about the actor.
    pub notes: Option<String>,
}

/// One entry of `forecast.issues`: a 0–100 continuum.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastIssueFile {
    /// The issue's name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The status quo on the 0–100 scale.
    pub status_quo: Option<f64>,
    /// Point of the scale (written as a key, e.g. `"50"`) → what it means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchors: Option<IndexMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text about the issue.
    pub notes: Option<String>,
    /// Actor name → its position and salience on this issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actors: Option<IndexMap<String, ForecastPositionFile>>,
}

/// An actor's entry in `forecast.issues[].actors`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastPositionFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The actor's position on the 0–100 scale.
    pub position: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// How much the issue matters to the actor (0–100).
    pub salience: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its capability on this issue, if not its general one.
    pub capability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The range its position may take (Monte Carlo).
    pub position_range: Option<(f64, f64)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The range its salience may take (Monte Carlo).
    pub salience_range: Option<(f64, f64)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The range its capability may take (Monte Carlo).
    pub capability_range: Option<(f64, f64)>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// An issue as written in the file.
pub struct IssueFile {
    /// The issue's name.
    pub name: String,
    /// `discrete` (the default when `options` is given), `integer` or `real`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The options of a discrete issue.
    pub options: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The lower bound of a numeric issue.
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The upper bound of a numeric issue.
    pub max: Option<f64>,
    /// Grid points used to enumerate a real issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text about the issue.
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A party as written in the file.
pub struct PartyFile {
    /// The party's name.
    pub name: String,
    #[serde(default = "default_role")]
    /// Its role (negotiator by default).
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Who it stands for.
    pub representative: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text about the party.
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its reservation value (no deal).
    pub reservation: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Its discount factor per round.
    pub discount_factor: Option<f64>,
    /// Issue name → weight. Present exactly when the party has preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<IndexMap<String, f64>>,
    /// Issue name → value function.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub values: IndexMap<String, ValueFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Its red lines.
    pub red_lines: Vec<RedLineFile>,
    /// Nonlinear utility (hyper-rectangles) instead of weights and values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hyper_rectangles: Option<HyperRectanglesFile>,
}

fn default_role() -> Role {
    Role::Negotiator
}

/// A value function: an option → value table for a discrete issue, or a
/// tagged function for a numeric one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ValueFile {
    /// A function of a numeric issue.
    Function(NumericFunctionFile),
    /// A value per option of a discrete issue.
    Table(IndexMap<String, f64>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
/// A value function of a numeric issue as written in the file.
pub enum NumericFunctionFile {
    /// `offset + slope·(x − min)`.
    Linear {
        /// Change in value per unit of the issue.
        slope: f64,
        /// The value at the issue's lower bound.
        offset: f64,
    },
    /// Straight lines between points.
    PiecewiseLinear {
        /// `(x, value)` points.
        points: Vec<(f64, f64)>,
    },
    /// The same value everywhere.
    Constant {
        /// The value.
        value: f64,
    },
    /// Rising from `low` to 1 at `peak`, back to 0 at `high`.
    Triangular {
        /// Where the value starts rising from 0.
        low: f64,
        /// Where it reaches 1.
        peak: f64,
        /// Where it is back to 0.
        high: f64,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A red line as written in the file.
pub struct RedLineFile {
    /// The issue's name.
    pub issue: String,
    /// Forbidden values: option names, or numbers for numeric issues.
    pub values: Vec<toml::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text about the red line.
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// A nonlinear utility as written in the file.
pub struct HyperRectanglesFile {
    /// What the sum of the boxes' utilities is divided by.
    pub normalizer: f64,
    /// The boxes.
    pub rectangles: Vec<HyperRectangleFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// One box as written in the file.
pub struct HyperRectangleFile {
    /// The utility added inside the box.
    pub utility: f64,
    /// Issue name → `[min, max]`, inclusive.
    pub bounds: IndexMap<String, (f64, f64)>,
}

/// Parses a TOML scenario. `file` names the source in error messages.
pub fn from_toml(file: &str, text: &str) -> Result<Loaded> {
    let raw: ScenarioFile = toml::from_str(text).map_err(|e| {
        let location = match e.span() {
            Some(span) => {
                let (line, col) = crate::source::line_col(text, span.start);
                Location::line(line, Some(col))
            }
            None => Location::default(),
        };
        Error::format(file, location, e.message().trim_end().to_string())
    })?;
    into_model(file, raw)
}

/// Parses a JSON scenario (same fields as the TOML form).
pub fn from_json(file: &str, text: &str) -> Result<Loaded> {
    let raw: ScenarioFile = serde_json::from_str(text).map_err(|e| {
        Error::format(
            file,
            Location::line(e.line(), Some(e.column())),
            e.to_string(),
        )
    })?;
    into_model(file, raw)
}

fn invalid(file: &str, field: String, message: impl Into<String>) -> Error {
    Error::format(file, Location::field(field), message)
}

/// Checks a parsed file and builds the model from it.
pub fn into_model(file: &str, raw: ScenarioFile) -> Result<Loaded> {
    let mut warnings = Vec::new();
    let mut issues = Vec::with_capacity(raw.issues.len());
    for (i, f) in raw.issues.iter().enumerate() {
        issues.push(issue_from_file(file, i, f)?);
    }
    let mut parties = Vec::with_capacity(raw.parties.len());
    for (p, f) in raw.parties.iter().enumerate() {
        parties.push(party_from_file(file, p, f, &issues, &mut warnings)?);
    }
    let scenario = Scenario {
        name: raw.name,
        description: raw.description,
        notes: raw.notes,
        issues,
        parties,
    };
    scenario.validate().map_err(|error| Error::Model {
        file: file.to_string(),
        error,
    })?;
    Ok(Loaded {
        scenario,
        warnings,
        forecast: raw.forecast,
        reference_frontier: None,
    })
}

fn issue_from_file(file: &str, i: usize, f: &IssueFile) -> Result<Issue> {
    let field = |sub: &str| format!("issues[{i}] ({}).{sub}", f.name);
    let kind = match (f.kind.as_deref(), &f.options) {
        (None | Some("discrete"), Some(options)) => {
            if f.min.is_some() || f.max.is_some() {
                return Err(invalid(
                    file,
                    field("options"),
                    "a discrete issue has options, not min/max",
                ));
            }
            IssueKind::Discrete {
                options: options.clone(),
            }
        }
        (Some("discrete"), None) => {
            return Err(invalid(
                file,
                field("options"),
                "a discrete issue needs `options`",
            ));
        }
        (None, None) => {
            return Err(invalid(
                file,
                field("type"),
                "give `options` (discrete) or `type = \"integer\"|\"real\"` with `min` and `max`",
            ));
        }
        (Some(t @ ("integer" | "real")), options) => {
            if options.is_some() {
                return Err(invalid(
                    file,
                    field("options"),
                    format!("an {t} issue takes min/max, not options"),
                ));
            }
            let (Some(min), Some(max)) = (f.min, f.max) else {
                return Err(invalid(
                    file,
                    field("min"),
                    format!("an {t} issue needs `min` and `max`"),
                ));
            };
            if t == "integer" {
                if min.fract() != 0.0 || max.fract() != 0.0 || min.abs() > 9e15 || max.abs() > 9e15
                {
                    return Err(invalid(
                        file,
                        field("min"),
                        "integer bounds must be whole numbers",
                    ));
                }
                if f.levels.is_some() {
                    return Err(invalid(
                        file,
                        field("levels"),
                        "`levels` is for real issues",
                    ));
                }
                IssueKind::Integer {
                    min: min as i64,
                    max: max as i64,
                }
            } else {
                IssueKind::Real {
                    min,
                    max,
                    levels: f.levels.unwrap_or(DEFAULT_REAL_LEVELS),
                }
            }
        }
        (Some(other), _) => {
            return Err(invalid(
                file,
                field("type"),
                format!("unknown issue type {other:?} (expected discrete, integer or real)"),
            ));
        }
    };
    Ok(Issue {
        name: f.name.clone(),
        kind,
        notes: f.notes.clone(),
    })
}

fn party_from_file(
    file: &str,
    p: usize,
    f: &PartyFile,
    issues: &[Issue],
    warnings: &mut Vec<String>,
) -> Result<Party> {
    let field = |sub: &str| format!("parties[{p}] ({}).{sub}", f.name);
    let has_additive = f.weights.is_some() || !f.values.is_empty();
    let utility = match (has_additive, &f.hyper_rectangles) {
        (true, Some(_)) => {
            return Err(invalid(
                file,
                field("hyper_rectangles"),
                "give either weights/values or hyper_rectangles, not both",
            ));
        }
        (false, None) => None,
        (false, Some(h)) => Some(hyper_from_file(
            file,
            &field("hyper_rectangles"),
            h,
            issues,
        )?),
        (true, None) => Some(additive_from_file(file, &field(""), f, issues, warnings)?),
    };
    if utility.is_none()
        && (f.reservation.is_some() || f.discount_factor.is_some() || !f.red_lines.is_empty())
    {
        return Err(invalid(
            file,
            field("weights"),
            "reservation, discount_factor and red_lines need preferences (weights and values)",
        ));
    }
    let preferences = match utility {
        None => None,
        Some(utility) => {
            let mut red_lines = Vec::new();
            for (n, r) in f.red_lines.iter().enumerate() {
                red_lines.push(red_line_from_file(
                    file,
                    &field(&format!("red_lines[{n}]")),
                    r,
                    issues,
                )?);
            }
            Some(Preferences {
                utility,
                reservation_value: f.reservation,
                discount_factor: f.discount_factor,
                red_lines,
            })
        }
    };
    if let Some(r) = f.reservation
        && !r.is_finite()
    {
        return Err(invalid(
            file,
            field("reservation"),
            format!("{r} is not a number"),
        ));
    }
    Ok(Party {
        name: f.name.clone(),
        role: f.role,
        representative: f.representative.clone(),
        notes: f.notes.clone(),
        preferences,
    })
}

fn additive_from_file(
    file: &str,
    prefix: &str,
    f: &PartyFile,
    issues: &[Issue],
    warnings: &mut Vec<String>,
) -> Result<UtilityFunction> {
    let empty = IndexMap::new();
    let weights_in = f.weights.as_ref().unwrap_or(&empty);
    for name in weights_in.keys() {
        if !issues.iter().any(|i| &i.name == name) {
            return Err(invalid(
                file,
                format!("{prefix}weights.{name}"),
                format!("unknown issue {name:?} (issues: {})", issue_names(issues)),
            ));
        }
    }
    for name in f.values.keys() {
        if !issues.iter().any(|i| &i.name == name) {
            return Err(invalid(
                file,
                format!("{prefix}values.{name}"),
                format!("unknown issue {name:?} (issues: {})", issue_names(issues)),
            ));
        }
    }
    let mut weights = Vec::with_capacity(issues.len());
    let mut values = Vec::with_capacity(issues.len());
    for issue in issues {
        let wfield = format!("{prefix}weights.{}", issue.name);
        let Some(&w) = weights_in.get(&issue.name) else {
            return Err(invalid(
                file,
                wfield,
                "missing weight for this issue (write 0 to ignore it)",
            ));
        };
        if !w.is_finite() || w < 0.0 {
            return Err(invalid(
                file,
                wfield,
                format!("weight {w} must be a finite number ≥ 0"),
            ));
        }
        weights.push(w);
        let vfield = format!("{prefix}values.{}", issue.name);
        let vf = match f.values.get(&issue.name) {
            None if w == 0.0 => match &issue.kind {
                IssueKind::Discrete { options } => ValueFunction::Table(vec![0.0; options.len()]),
                _ => ValueFunction::Constant(0.0),
            },
            None => {
                return Err(invalid(
                    file,
                    vfield,
                    "missing value function for this issue",
                ));
            }
            Some(v) => value_from_file(file, &vfield, v, issue)?,
        };
        values.push(vf);
    }
    let total: f64 = weights.iter().sum();
    if (total - 1.0).abs() > 1e-6 {
        warnings.push(format!(
            "{file}: {prefix}weights sum to {total}, not 1; they are used as written"
        ));
    }
    Ok(UtilityFunction::Additive(AdditiveUtility {
        weights,
        values,
    }))
}

fn check_unit(file: &str, field: &str, v: f64) -> Result<f64> {
    if !(0.0..=1.0).contains(&v) {
        return Err(invalid(
            file,
            field.to_string(),
            format!("value {v} is outside [0, 1]"),
        ));
    }
    Ok(v)
}

fn value_from_file(file: &str, field: &str, v: &ValueFile, issue: &Issue) -> Result<ValueFunction> {
    match (&issue.kind, v) {
        (IssueKind::Discrete { options }, ValueFile::Table(t)) => {
            for key in t.keys() {
                if !options.contains(key) {
                    return Err(invalid(
                        file,
                        format!("{field}.{key}"),
                        format!("unknown option {key:?} (options: {})", quoted(options)),
                    ));
                }
            }
            let mut table = Vec::with_capacity(options.len());
            for o in options {
                let Some(&x) = t.get(o) else {
                    return Err(invalid(
                        file,
                        format!("{field}.{o}"),
                        "missing value for this option",
                    ));
                };
                table.push(check_unit(file, &format!("{field}.{o}"), x)?);
            }
            Ok(ValueFunction::Table(table))
        }
        (IssueKind::Discrete { .. }, ValueFile::Function(_)) => Err(invalid(
            file,
            field.to_string(),
            "a discrete issue needs a table of option = value",
        )),
        (_, ValueFile::Table(_)) => Err(invalid(
            file,
            field.to_string(),
            "a numeric issue needs a function: type = \"linear\", \"piecewise_linear\", \"constant\" or \"triangular\"",
        )),
        (_, ValueFile::Function(func)) => Ok(match func {
            NumericFunctionFile::Linear { slope, offset } => ValueFunction::Linear {
                slope: *slope,
                offset: *offset,
            },
            NumericFunctionFile::PiecewiseLinear { points } => {
                for (x, y) in points {
                    check_unit(file, &format!("{field}.points"), *y)?;
                    if !x.is_finite() {
                        return Err(invalid(
                            file,
                            format!("{field}.points"),
                            "x must be a number",
                        ));
                    }
                }
                if points.windows(2).any(|w| w[1].0 < w[0].0) {
                    return Err(invalid(
                        file,
                        format!("{field}.points"),
                        "points must be sorted by x",
                    ));
                }
                if points.is_empty() {
                    return Err(invalid(
                        file,
                        format!("{field}.points"),
                        "needs at least one point",
                    ));
                }
                ValueFunction::PiecewiseLinear {
                    points: points.clone(),
                }
            }
            NumericFunctionFile::Constant { value } => {
                ValueFunction::Constant(check_unit(file, &format!("{field}.value"), *value)?)
            }
            NumericFunctionFile::Triangular { low, peak, high } => {
                if !(low <= peak && peak <= high) {
                    return Err(invalid(
                        file,
                        field.to_string(),
                        "triangular needs low ≤ peak ≤ high",
                    ));
                }
                ValueFunction::Triangular {
                    low: *low,
                    peak: *peak,
                    high: *high,
                }
            }
        }),
    }
}

fn red_line_from_file(
    file: &str,
    field: &str,
    r: &RedLineFile,
    issues: &[Issue],
) -> Result<RedLine> {
    let Some(i) = issues.iter().position(|x| x.name == r.issue) else {
        return Err(invalid(
            file,
            format!("{field}.issue"),
            format!(
                "unknown issue {:?} (issues: {})",
                r.issue,
                issue_names(issues)
            ),
        ));
    };
    let issue = &issues[i];
    let mut values = Vec::new();
    for v in &r.values {
        let k = match v {
            toml::Value::String(s) => issue.parse_value(s),
            toml::Value::Integer(n) => issue.index_of(&Value::Integer(*n)),
            toml::Value::Float(x) => issue.index_of(&Value::Real(*x)),
            _ => None,
        };
        let Some(k) = k else {
            return Err(invalid(
                file,
                format!("{field}.values"),
                format!("{v} is not a value of issue {:?}", issue.name),
            ));
        };
        values.push(k);
    }
    Ok(RedLine {
        issue: i,
        values,
        notes: r.notes.clone(),
    })
}

fn hyper_from_file(
    file: &str,
    field: &str,
    h: &HyperRectanglesFile,
    issues: &[Issue],
) -> Result<UtilityFunction> {
    let mut rectangles = Vec::new();
    for (n, r) in h.rectangles.iter().enumerate() {
        let mut bounds = Vec::new();
        for (name, &(lo, hi)) in &r.bounds {
            let Some(i) = issues.iter().position(|x| &x.name == name) else {
                return Err(invalid(
                    file,
                    format!("{field}.rectangles[{n}].bounds.{name}"),
                    format!("unknown issue {name:?}"),
                ));
            };
            bounds.push((i, lo, hi));
        }
        rectangles.push(HyperRectangle {
            bounds,
            utility: r.utility,
        });
    }
    Ok(UtilityFunction::HyperRectangles(HyperRectangleUtility {
        rectangles,
        normalizer: h.normalizer,
    }))
}

fn issue_names(issues: &[Issue]) -> String {
    quoted(&issues.iter().map(|i| i.name.clone()).collect::<Vec<_>>())
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The on-disk form of a scenario (the inverse of [`into_model`]).
pub fn to_file(s: &Scenario) -> ScenarioFile {
    let issues = s
        .issues
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
        .parties
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
                        let issue = &s.issues[r.issue];
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
                            s.issues
                                .iter()
                                .zip(&a.weights)
                                .map(|(i, w)| (i.name.clone(), *w))
                                .collect(),
                        );
                        f.values = s
                            .issues
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
                                        .map(|&(i, lo, hi)| (s.issues[i].name.clone(), (lo, hi)))
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
        name: s.name.clone(),
        description: s.description.clone(),
        notes: s.notes.clone(),
        issues,
        parties,
        forecast: None,
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
        ValueFunction::Table(t) => {
            let IssueKind::Discrete { options } = &issue.kind else {
                unreachable!("validated: tables belong to discrete issues")
            };
            ValueFile::Table(options.iter().cloned().zip(t.iter().copied()).collect())
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    const CAR: &str = r#"
name = "Car purchase"
[[issues]]
name = "price"
type = "integer"
min = 10
max = 20
[[issues]]
name = "colour"
options = ["red", "blue"]

[[parties]]
name = "buyer"
reservation = 0.2
weights = { price = 0.6, colour = 0.4 }
values.price = { type = "linear", slope = -0.1, offset = 1.0 }
values.colour = { red = 1.0, blue = 0.5 }
[[parties.red_lines]]
issue = "colour"
values = ["blue"]

[[parties]]
name = "seller"
weights = { price = 1.0, colour = 0.0 }
values.price = { type = "piecewise_linear", points = [[10, 0.0], [20, 1.0]] }

[[parties]]
name = "bank"
role = "observer"
"#;

    #[test]
    fn parses_and_evaluates() {
        let s = from_toml("car.toml", CAR).unwrap().scenario;
        assert_eq!(s.issues.len(), 2);
        assert_eq!(s.outcome_count(), 22);
        let buyer = s.parties[0].preferences.as_ref().unwrap();
        // price 12 (index 2), red (index 0): 0.6·(1 − 0.2) + 0.4·1
        let u = buyer.utility.utility(&s.issues, &[2, 0]);
        assert!((u - (0.6 * 0.8 + 0.4)).abs() < 1e-12);
        assert!(buyer.crosses_red_line(&[2, 1]));
        let seller = s.parties[1].preferences.as_ref().unwrap();
        assert!((seller.utility.utility(&s.issues, &[5, 1]) - 0.5).abs() < 1e-12);
        assert_eq!(s.parties[2].role, Role::Observer);
        assert!(s.parties[2].preferences.is_none());
    }

    #[test]
    fn round_trips_through_toml_and_json() {
        let s = from_toml("car.toml", CAR).unwrap().scenario;
        let again = from_toml("out.toml", &to_toml(&s).unwrap())
            .unwrap()
            .scenario;
        assert_eq!(s, again);
        let again = from_json("out.json", &to_json(&s).unwrap())
            .unwrap()
            .scenario;
        assert_eq!(s, again);
    }

    #[test]
    fn the_forecast_section_survives_toml_json_toml() {
        let text = format!(
            "{CAR}
[forecast]
notes = \"illustrative\"
uncertainty = {{ position = 3 }}
[[forecast.actors]]
name = \"buyer\"
capability = 60
capability_range = [50, 70]
[[forecast.actors]]
name = \"EU\"
extra = true
capability = 10
[[forecast.issues]]
name = \"price\"
status_quo = 20
anchors = {{ 0 = \"lowest\", 100 = \"highest\" }}
[forecast.issues.actors]
buyer = {{ position = 0, salience = 90, position_range = [0, 10] }}
EU = {{ position = 40, salience = 20 }}
"
        );
        let toml = from_toml("car.toml", &text).unwrap();
        let forecast = toml.forecast.clone().expect("the section is read");
        assert_eq!(forecast.actors[0].capability_range, Some((50.0, 70.0)));
        assert!(forecast.actors[1].extra);
        assert_eq!(
            forecast.issues[0].actors.as_ref().unwrap()["buyer"].position_range,
            Some((0.0, 10.0))
        );
        let json = from_json("car.json", &loaded_to_json(&toml).unwrap()).unwrap();
        assert_eq!(json.scenario, toml.scenario);
        assert_eq!(json.forecast.as_ref(), Some(&forecast));
        let again = from_toml("again.toml", &loaded_to_toml(&json).unwrap()).unwrap();
        assert_eq!(again.scenario, toml.scenario);
        assert_eq!(again.forecast, Some(forecast));
        // Unknown keys in the section are errors, as elsewhere in the file.
        let e = error_of(&text.replace("status_quo = 20", "status = 20"));
        assert!(e.contains("unknown field `status`"), "{e}");
    }

    fn error_of(text: &str) -> String {
        from_toml("bad.toml", text).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_the_field() {
        let e = error_of(&CAR.replace("price = 0.6", "prices = 0.6"));
        assert!(
            e.contains("bad.toml: parties[0] (buyer).weights.prices"),
            "{e}"
        );
        assert!(e.contains("unknown issue"), "{e}");
        let e = error_of(&CAR.replace("price = 0.6", "price = -0.6"));
        assert!(e.contains("weights.price") && e.contains("≥ 0"), "{e}");
        let e = error_of(&CAR.replace("blue = 0.5", "blue = 1.5"));
        assert!(
            e.contains("values.colour.blue") && e.contains("outside [0, 1]"),
            "{e}"
        );
        let e = error_of(&CAR.replace("red = 1.0, blue", "green = 1.0, blue"));
        assert!(e.contains("unknown option \"green\""), "{e}");
        let e = error_of(&CAR.replace("values = [\"blue\"]", "values = [\"green\"]"));
        assert!(e.contains("red_lines[0].values"), "{e}");
    }

    #[test]
    fn syntax_errors_carry_line_numbers() {
        let e = error_of("name = \"x\"\n[[issues]]\nname = \n");
        assert!(e.starts_with("bad.toml:3:"), "{e}");
        let e = error_of("name = \"x\"\nwieghts = 1\n");
        assert!(e.starts_with("bad.toml:2:") && e.contains("wieghts"), "{e}");
    }

    #[test]
    fn negotiator_without_preferences_is_rejected() {
        let e = error_of(
            "name = \"x\"\n[[issues]]\nname = \"a\"\noptions = [\"x\"]\n[[parties]]\nname = \"p\"\n",
        );
        assert!(e.contains("negotiator needs preferences"), "{e}");
    }
}
