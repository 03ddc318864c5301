//! Reading a native scenario: TOML or JSON text into the serde mirror, then
//! checked and translated into the model.
//!
//! Rules: syntax and type errors carry the parser's line and column;
//! every semantic error names the field it is about
//! (`parties[1] (Russia).weights.territory`); the model built is validated
//! before it is returned.

use indexmap::IndexMap;

use super::file::*;
use crate::error::{Error, Location, Result};
use crate::loaded::Loaded;
use crate::model::*;

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
    let scenario = Scenario::new(ScenarioParts {
        name: raw.name,
        description: raw.description,
        notes: raw.notes,
        issues,
        parties,
    })
    .map_err(|error| Error::Model {
        file: file.to_string(),
        error,
    })?;
    Ok(Loaded {
        scenario,
        warnings,
        forecast: raw.forecast,
        conflict: raw.conflict,
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
