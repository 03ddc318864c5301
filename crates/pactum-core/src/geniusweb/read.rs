//! Reading GeniusWeb's JSON: a domain (`issuesValues`) and
//! `LinearAdditiveUtilitySpace` profiles against it.
//!
//! Rules: every error names the file and the JSON field path; a discrete
//! value set lists each value once; a number range has low ≤ high and a
//! positive step; value utilities lie in [0, 1]; a profile's issues are the
//! domain's; a reservation bid is turned into the reservation value it
//! stands for.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value as Json;

use crate::error::{Error, Location, Result};
use crate::model::*;

#[derive(Deserialize)]
pub(super) struct DomainJson {
    #[serde(default)]
    pub(super) name: Option<String>,
    #[serde(rename = "issuesValues")]
    issues_values: IndexMap<String, Json>,
}

#[derive(Deserialize)]
pub(super) struct ProfileBody {
    #[serde(default)]
    pub(super) domain: Option<DomainJson>,
    #[serde(rename = "issueUtilities")]
    issue_utilities: IndexMap<String, Json>,
    #[serde(rename = "issueWeights")]
    issue_weights: IndexMap<String, Json>,
    #[serde(rename = "reservationBid", default)]
    reservation_bid: Option<Json>,
}

#[derive(Deserialize)]
pub(super) struct ProfileFile {
    #[serde(rename = "LinearAdditiveUtilitySpace")]
    pub(super) body: ProfileBody,
}

/// A domain issue and, for numeric ones, the `range` it was declared with
/// (GeniusWeb checks number utilities against its ends).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct GwIssue {
    pub(super) issue: Issue,
    range: Option<(f64, f64)>,
}

pub(super) fn json_error(file: &str, text: &str, e: serde_json::Error) -> Error {
    // serde_json appends the position, which the location already holds.
    let message = crate::source::json_message(&e);
    let location = if e.line() > 0 {
        Location::line(e.line(), Some(e.column()))
    } else {
        Location::line(text.lines().count().max(1), None)
    };
    Error::format(file, location, message)
}

pub(super) fn field_error(file: &str, field: String, message: impl Into<String>) -> Error {
    Error::format(file, Location::field(field), message)
}

pub(super) fn number(file: &str, field: &str, v: &Json) -> Result<f64> {
    v.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
        field_error(
            file,
            field.to_string(),
            format!("expected a number, found {v}"),
        )
    })
}

/// A JSON value as the text of a discrete value.
pub(super) fn value_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn read_domain(
    file: &str,
    d: &DomainJson,
    warnings: &mut Vec<String>,
) -> Result<Vec<GwIssue>> {
    if d.issues_values.is_empty() {
        return Err(field_error(
            file,
            "issuesValues".into(),
            "the domain has no issues",
        ));
    }
    let mut issues = Vec::with_capacity(d.issues_values.len());
    for (name, set) in &d.issues_values {
        let field = format!("issuesValues.{name}");
        let obj = set.as_object().ok_or_else(|| {
            field_error(
                file,
                field.clone(),
                "expected {\"values\": [...]} or {\"range\": {...}}",
            )
        })?;
        if let Some(values) = obj.get("values") {
            let list = values.as_array().ok_or_else(|| {
                field_error(file, format!("{field}.values"), "expected a list of values")
            })?;
            let mut options: Vec<String> = Vec::with_capacity(list.len());
            for v in list {
                let t = value_text(v).ok_or_else(|| {
                    field_error(
                        file,
                        format!("{field}.values"),
                        format!("{v} is not a value"),
                    )
                })?;
                if options.contains(&t) {
                    return Err(field_error(
                        file,
                        format!("{field}.values"),
                        format!("the value {t:?} is listed twice"),
                    ));
                }
                options.push(t);
            }
            if options.is_empty() {
                return Err(field_error(file, format!("{field}.values"), "no values"));
            }
            issues.push(GwIssue {
                issue: Issue {
                    name: name.clone(),
                    kind: IssueKind::Discrete { options },
                    notes: None,
                },
                range: None,
            });
        } else if let Some(range) = obj.get("range") {
            let f = format!("{field}.range");
            let low = number(
                file,
                &format!("{f}.low"),
                range.get("low").unwrap_or(&Json::Null),
            )?;
            let high = number(
                file,
                &format!("{f}.high"),
                range.get("high").unwrap_or(&Json::Null),
            )?;
            let step = number(
                file,
                &format!("{f}.step"),
                range.get("step").unwrap_or(&Json::Null),
            )?;
            if step <= 0.0 || low > high {
                return Err(field_error(
                    file,
                    f,
                    format!("needs low ≤ high and step > 0 (low {low}, high {high}, step {step})"),
                ));
            }
            let steps = ((high - low) / step + 1e-9).floor();
            if steps >= u32::MAX as f64 {
                return Err(field_error(file, f, "too many values"));
            }
            let n = steps as u64 + 1;
            let last = low + steps * step;
            let kind = if low.fract() == 0.0 && step == 1.0 && low.abs() < 9.0e15 {
                IssueKind::Integer {
                    min: low as i64,
                    max: low as i64 + steps as i64,
                }
            } else {
                let max = if (last - high).abs() <= 1e-9 * high.abs().max(1.0) {
                    high
                } else {
                    last
                };
                IssueKind::Real {
                    min: low,
                    max,
                    levels: n as usize,
                }
            };
            if (last - high).abs() > 1e-9 * high.abs().max(1.0) {
                warnings.push(format!(
                    "{file}: issue {name:?}: the range's steps stop at {last}, short of its high end {high}"
                ));
            }
            issues.push(GwIssue {
                issue: Issue {
                    name: name.clone(),
                    kind,
                    notes: None,
                },
                range: Some((low, high)),
            });
        } else {
            return Err(field_error(
                file,
                field,
                "expected {\"values\": [...]} or {\"range\": {...}}",
            ));
        }
    }
    Ok(issues)
}

/// Reads one issue's `ValueSetUtilities`.
pub(super) fn read_utilities(
    file: &str,
    gw: &GwIssue,
    u: &Json,
    warnings: &mut Vec<String>,
) -> Result<ValueFunction> {
    let issue = &gw.issue;
    let field = format!("issueUtilities.{}", issue.name);
    let obj = u.as_object().filter(|o| o.len() == 1).ok_or_else(|| {
        field_error(
            file,
            field.clone(),
            "expected {\"discreteutils\": ...} or {\"numberutils\": ...}",
        )
    })?;
    let (kind, body) = obj.iter().next().expect("one entry");
    let out_of_unit = |what: &str, x: f64, warnings: &mut Vec<String>| {
        if !(0.0..=1.0).contains(&x) {
            warnings.push(format!(
                "{file}: issue {:?}: {what} {x} is outside [0, 1], which GeniusWeb rejects",
                issue.name
            ));
        }
    };
    match kind.as_str() {
        "discreteutils" | "DiscreteValueSetUtilities" => {
            let IssueKind::Discrete { options } = &issue.kind else {
                return Err(field_error(
                    file,
                    field,
                    "discrete utilities for a numeric issue",
                ));
            };
            let map = body
                .get("valueUtilities")
                .and_then(|m| m.as_object())
                .ok_or_else(|| {
                    field_error(file, format!("{field}.{kind}"), "missing valueUtilities")
                })?;
            let mut table = Vec::with_capacity(options.len());
            for o in options {
                let v = map.get(o).ok_or_else(|| {
                    field_error(
                        file,
                        format!("{field}.{kind}.valueUtilities"),
                        format!("the value {o:?} has no utility"),
                    )
                })?;
                let x = number(file, &format!("{field}.{kind}.valueUtilities.{o}"), v)?;
                out_of_unit(&format!("the utility of {o:?}"), x, warnings);
                table.push(x);
            }
            let extra: Vec<&String> = map.keys().filter(|k| !options.contains(k)).collect();
            if !extra.is_empty() {
                warnings.push(format!(
                    "{file}: issue {:?}: utilities for values not in the domain ignored: {extra:?}",
                    issue.name
                ));
            }
            Ok(ValueFunction::Table(table))
        }
        "numberutils" | "NumberValueSetUtilities" => {
            let Some((low, high)) = gw.range else {
                return Err(field_error(
                    file,
                    field,
                    "number utilities for a discrete issue",
                ));
            };
            let f = format!("{field}.{kind}");
            let get = |k: &str| {
                number(
                    file,
                    &format!("{f}.{k}"),
                    body.get(k).unwrap_or(&Json::Null),
                )
            };
            let (lv, lu, hv, hu) = (
                get("lowValue")?,
                get("lowUtility")?,
                get("highValue")?,
                get("highUtility")?,
            );
            if lv != low || hv != high {
                return Err(field_error(
                    file,
                    f,
                    format!(
                        "the utilities are given from {lv} to {hv} but the issue ranges from {low} to {high}"
                    ),
                ));
            }
            if hv <= lv {
                return Err(field_error(file, f, "highValue must be above lowValue"));
            }
            out_of_unit("lowUtility", lu, warnings);
            out_of_unit("highUtility", hu, warnings);
            // GeniusWeb: lowUtility + (highUtility − lowUtility)·(x − lowValue)/(highValue − lowValue)
            Ok(ValueFunction::PiecewiseLinear {
                points: vec![(lv, lu), (hv, hu)],
            })
        }
        other => Err(field_error(
            file,
            field,
            format!(
                "unknown value-set utilities {other:?} (expected discreteutils or numberutils)"
            ),
        )),
    }
}

/// The index of a bid's value on an issue.
pub(super) fn bid_value(issue: &Issue, v: &Json) -> Option<u32> {
    match (&issue.kind, v) {
        (IssueKind::Discrete { options }, _) => {
            let t = value_text(v)?;
            options.iter().position(|o| *o == t).map(|k| k as u32)
        }
        (_, Json::Number(n)) => n.as_f64().and_then(|x| issue.index_of(&Value::Real(x))),
        (_, Json::String(s)) => issue.parse_value(s),
        _ => None,
    }
}

pub(super) fn read_profile(
    file: &str,
    body: &ProfileBody,
    domain: &[GwIssue],
    warnings: &mut Vec<String>,
) -> Result<Preferences> {
    let issues: Vec<Issue> = domain.iter().map(|g| g.issue.clone()).collect();
    if let Some(own) = &body.domain {
        let mut own = read_domain(file, own, &mut Vec::new())?;
        let mut theirs = domain.to_vec();
        own.sort_by(|a, b| a.issue.name.cmp(&b.issue.name));
        theirs.sort_by(|a, b| a.issue.name.cmp(&b.issue.name));
        if own != theirs {
            return Err(field_error(
                file,
                "domain".into(),
                "the profile's domain differs from the folder's domain file",
            ));
        }
    }
    for key in body.issue_utilities.keys().chain(body.issue_weights.keys()) {
        if !issues.iter().any(|i| i.name == *key) {
            return Err(field_error(
                file,
                "issueUtilities".into(),
                format!("issue {key:?} is not in the domain"),
            ));
        }
    }
    let mut weights = Vec::with_capacity(issues.len());
    let mut values = Vec::with_capacity(issues.len());
    for g in domain {
        let name = &g.issue.name;
        let u = body.issue_utilities.get(name).ok_or_else(|| {
            field_error(
                file,
                "issueUtilities".into(),
                format!("issue {name:?} has no utilities"),
            )
        })?;
        values.push(read_utilities(file, g, u, warnings)?);
        let w = body.issue_weights.get(name).ok_or_else(|| {
            field_error(
                file,
                "issueWeights".into(),
                format!("issue {name:?} has no weight"),
            )
        })?;
        let w = number(file, &format!("issueWeights.{name}"), w)?;
        if w < 0.0 {
            return Err(field_error(
                file,
                format!("issueWeights.{name}"),
                format!("weight {w} is negative"),
            ));
        }
        weights.push(w);
    }
    let sum: f64 = weights.iter().sum();
    if (sum - 1.0).abs() > 1e-9 {
        warnings.push(format!(
            "{file}: the issue weights sum to {sum}, not 1 as GeniusWeb requires; used as written"
        ));
    }
    let utility = UtilityFunction::Additive(AdditiveUtility { weights, values });
    let reservation_value = match &body.reservation_bid {
        None | Some(Json::Null) => None,
        Some(bid) => {
            let vals = bid
                .get("issuevalues")
                .and_then(|v| v.as_object())
                .ok_or_else(|| {
                    field_error(
                        file,
                        "reservationBid".into(),
                        "expected {\"issuevalues\": {...}}",
                    )
                })?;
            let mut outcome: Vec<Option<u32>> = vec![None; issues.len()];
            for (name, v) in vals {
                let i = issues.iter().position(|x| x.name == *name).ok_or_else(|| {
                    field_error(
                        file,
                        "reservationBid.issuevalues".into(),
                        format!("issue {name:?} is not in the domain"),
                    )
                })?;
                outcome[i] = Some(bid_value(&issues[i], v).ok_or_else(|| {
                    field_error(
                        file,
                        format!("reservationBid.issuevalues.{name}"),
                        format!("{v} is not a value of issue {name:?}"),
                    )
                })?);
            }
            let UtilityFunction::Additive(a) = &utility else {
                unreachable!()
            };
            Some(if outcome.iter().all(Option::is_some) {
                let full: Vec<u32> = outcome.iter().map(|k| k.unwrap_or(0)).collect();
                utility.utility(&issues, &full)
            } else {
                // GeniusWeb counts the issues a partial bid leaves out as 0.
                issues
                    .iter()
                    .enumerate()
                    .filter_map(|(i, issue)| {
                        outcome[i].map(|k| a.weights[i] * a.values[i].eval(issue, k))
                    })
                    .sum()
            })
        }
    };
    Ok(Preferences {
        utility,
        reservation_value,
        discount_factor: None,
        red_lines: Vec::new(),
    })
}
