//! GeniusWeb JSON import and export.
//!
//! GeniusWeb, the successor of GENIUS used by the ANAC competitions since
//! 2020, stores a domain as `{"name", "issuesValues"}` JSON and each party's
//! preferences as a `LinearAdditiveUtilitySpace` profile that embeds the
//! domain. This module reads a folder of such files (or a single profile)
//! into the model and writes a scenario back as files GeniusWeb accepts,
//! whose rules are stricter than the model's: value utilities in [0, 1],
//! issue weights summing to exactly 1, numeric issues valued linearly, and a
//! reservation *bid* instead of a reservation value.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value as Json;
use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Location, Result};
use crate::genius::{
    checked, file_names, files_with_extension, order_note, prepare_folder, read_text, select, stem,
    unsupported_notes, write_file,
};
use crate::io::Loaded;
use crate::model::*;

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct DomainJson {
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "issuesValues")]
    issues_values: IndexMap<String, Json>,
}

#[derive(Deserialize)]
struct ProfileBody {
    #[serde(default)]
    domain: Option<DomainJson>,
    #[serde(rename = "issueUtilities")]
    issue_utilities: IndexMap<String, Json>,
    #[serde(rename = "issueWeights")]
    issue_weights: IndexMap<String, Json>,
    #[serde(rename = "reservationBid", default)]
    reservation_bid: Option<Json>,
}

#[derive(Deserialize)]
struct ProfileFile {
    #[serde(rename = "LinearAdditiveUtilitySpace")]
    body: ProfileBody,
}

/// A domain issue and, for numeric ones, the `range` it was declared with
/// (GeniusWeb checks number utilities against its ends).
#[derive(Debug, Clone, PartialEq)]
struct GwIssue {
    issue: Issue,
    range: Option<(f64, f64)>,
}

fn json_error(file: &str, text: &str, e: serde_json::Error) -> Error {
    let message = e.to_string();
    // serde_json appends the position, which the location already holds.
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    let location = if e.line() > 0 {
        Location::line(e.line(), Some(e.column()))
    } else {
        Location::line(text.lines().count().max(1), None)
    };
    Error::format(file, location, message)
}

fn field_error(file: &str, field: String, message: impl Into<String>) -> Error {
    Error::format(file, Location::field(field), message)
}

fn number(file: &str, field: &str, v: &Json) -> Result<f64> {
    v.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
        field_error(
            file,
            field.to_string(),
            format!("expected a number, found {v}"),
        )
    })
}

/// A JSON value as the text of a discrete value.
fn value_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn read_domain(file: &str, d: &DomainJson, warnings: &mut Vec<String>) -> Result<Vec<GwIssue>> {
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
fn read_utilities(
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
fn bid_value(issue: &Issue, v: &Json) -> Option<u32> {
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

fn read_profile(
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

enum GwFile {
    Domain(DomainJson),
    Profile(ProfileBody),
    /// A profile of a type other than LinearAdditiveUtilitySpace.
    OtherProfile(String),
}

fn classify(file: &str, text: &str) -> Result<Option<GwFile>> {
    let json: Json = serde_json::from_str(text).map_err(|e| json_error(file, text, e))?;
    let Some(obj) = json.as_object() else {
        return Ok(None);
    };
    if obj.contains_key("issuesValues") {
        let d = serde_json::from_str(text).map_err(|e| json_error(file, text, e))?;
        return Ok(Some(GwFile::Domain(d)));
    }
    if obj.contains_key("LinearAdditiveUtilitySpace") {
        let p: ProfileFile = serde_json::from_str(text).map_err(|e| json_error(file, text, e))?;
        return Ok(Some(GwFile::Profile(p.body)));
    }
    if obj.len() == 1 {
        let (kind, body) = obj.iter().next().expect("one entry");
        if body.get("domain").is_some() {
            return Ok(Some(GwFile::OtherProfile(kind.clone())));
        }
    }
    Ok(None)
}

/// Loads GeniusWeb files: a folder holding a domain `.json` and profile
/// `.json` files, or a single profile file (its embedded domain is used).
/// `profiles` picks some profiles by file stem (default: all, ordered by
/// file name). Parties are named after the profile files.
pub fn load(path: &Path, profiles: Option<&[String]>) -> Result<Loaded> {
    let label = path.display().to_string();
    let mut warnings = Vec::new();
    let folder = path.is_dir();
    let paths = if folder {
        files_with_extension(path, "json")?
    } else {
        vec![path.to_path_buf()]
    };
    let mut files = Vec::with_capacity(paths.len());
    for f in &paths {
        let text = read_text(f, &mut warnings)?;
        files.push((f.display().to_string(), text));
    }
    let mut loaded = from_texts(&label, folder, &files, profiles)?;
    warnings.append(&mut loaded.warnings);
    loaded.warnings = warnings;
    Ok(loaded)
}

/// Reads GeniusWeb files already in memory, as [`load`] reads them from
/// disk: `files` holds each file's path (named in messages; its stem names
/// the party of a profile) and text, in the order a folder is read. `label`
/// names the folder (or the single file) and gives the scenario its name
/// when the domain has none; `folder` says whether the files come from a
/// folder (a single profile file may use its embedded domain silently).
pub fn from_texts(
    label: &str,
    folder: bool,
    files: &[(String, String)],
    profiles: Option<&[String]>,
) -> Result<Loaded> {
    let label = label.to_string();
    let mut warnings = Vec::new();
    let mut domains = Vec::new();
    let mut found = Vec::new();
    for (flabel, text) in files {
        let flabel = flabel.clone();
        let party = stem(Path::new(&flabel));
        match classify(&flabel, text)? {
            Some(GwFile::Domain(d)) => domains.push((flabel, d)),
            Some(GwFile::Profile(p)) => found.push((party, (flabel, Ok(p)))),
            Some(GwFile::OtherProfile(kind)) => found.push((party, (flabel, Err(kind)))),
            None => warnings.push(format!(
                "{flabel}: skipped (not a GeniusWeb domain or profile)"
            )),
        }
    }
    if found.is_empty() {
        return Err(Error::format(
            &label,
            Location::default(),
            "no GeniusWeb profile (LinearAdditiveUtilitySpace) found",
        ));
    }
    if domains.len() > 1 {
        return Err(Error::format(
            &label,
            Location::default(),
            format!(
                "more than one GeniusWeb domain file: {}",
                domains
                    .iter()
                    .map(|(l, _)| l.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let chosen = select(&label, found, profiles)?;
    let mut bodies = Vec::with_capacity(chosen.len());
    for (name, (flabel, body)) in chosen {
        match body {
            Ok(b) => bodies.push((name, flabel, b)),
            Err(kind) => {
                return Err(Error::Unsupported(format!(
                    "{flabel}: GeniusWeb profile type {kind:?} is not supported (only LinearAdditiveUtilitySpace)"
                )));
            }
        }
    }
    let (domain_label, domain_json) = match domains.pop() {
        Some((l, d)) => (l, d),
        None => {
            let (_, flabel, body) = &mut bodies[0];
            let d = body.domain.take().ok_or_else(|| {
                Error::format(
                    flabel.as_str(),
                    Location::field("domain"),
                    "no domain file, and the profile embeds no domain",
                )
            })?;
            if folder {
                warnings.push(format!(
                    "{label}: no domain file; using the domain embedded in {flabel}"
                ));
            }
            (flabel.clone(), d)
        }
    };
    let domain = read_domain(&domain_label, &domain_json, &mut warnings)?;
    let issues: Vec<Issue> = domain.iter().map(|g| g.issue.clone()).collect();
    let mut parties = Vec::with_capacity(bodies.len());
    for (name, flabel, body) in &bodies {
        let prefs = read_profile(flabel, body, &domain, &mut warnings)?;
        parties.push(Party {
            name: name.clone(),
            role: Role::Negotiator,
            representative: None,
            notes: None,
            preferences: Some(prefs),
        });
    }
    let name = domain_json.name.clone().unwrap_or_else(|| {
        Path::new(&label)
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let scenario = Scenario {
        name,
        description: None,
        notes: None,
        issues,
        parties,
    };
    scenario.validate().map_err(|error| Error::Model {
        file: label.clone(),
        error,
    })?;
    Ok(Loaded {
        scenario,
        warnings,
        forecast: None,
        reference_frontier: None,
    })
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/// How an issue is written to GeniusWeb.
#[derive(Debug, Clone)]
enum Out {
    /// A discrete value set (the issue's options, or a numeric issue's
    /// values as text).
    Values(Vec<String>),
    /// A number range `low..=high` in steps of `step`.
    Range { low: f64, high: f64, step: f64 },
}

const MAX_LISTED_VALUES: u64 = 100_000;

/// The values at the two ends of a numeric issue, if the value function is
/// affine on the issue's values (what GeniusWeb's number utilities express).
fn affine_ends(issue: &Issue, vf: &ValueFunction) -> Option<(f64, f64)> {
    let n = issue.cardinality();
    if n < 2 {
        return None;
    }
    let (x0, x1) = (issue.numeric(0), issue.numeric((n - 1) as u32));
    if x1 <= x0 || x1.is_nan() || x0.is_nan() {
        return None;
    }
    match vf {
        ValueFunction::Constant(c) => return Some((*c, *c)),
        ValueFunction::Linear { slope, offset } => {
            let (a, b) = (*offset, offset + slope * (x1 - x0));
            if (0.0..=1.0).contains(&a) && (0.0..=1.0).contains(&b) {
                return Some((a, b));
            }
        }
        ValueFunction::PiecewiseLinear { points }
            if points.len() == 2 && points[0].0 == x0 && points[1].0 == x1 =>
        {
            return Some((points[0].1, points[1].1));
        }
        _ => {}
    }
    if n > MAX_LISTED_VALUES {
        return None;
    }
    let (a, b) = (vf.eval(issue, 0), vf.eval(issue, (n - 1) as u32));
    let affine = (0..n as u32).all(|k| {
        let x = issue.numeric(k);
        let expect = a + (b - a) * (x - x0) / (x1 - x0);
        (vf.eval(issue, k) - expect).abs() <= 1e-12
    });
    affine.then_some((a, b))
}

fn plan(s: &Scenario, notes: &mut Vec<String>) -> Result<Vec<Out>> {
    for p in &s.parties {
        if let Some(Preferences {
            utility: UtilityFunction::HyperRectangles(_),
            ..
        }) = &p.preferences
        {
            return Err(Error::Unsupported(format!(
                "party {:?} has a nonlinear (hyper-rectangle) utility, which GeniusWeb profiles cannot hold",
                p.name
            )));
        }
    }
    let mut out = Vec::with_capacity(s.issues.len());
    for (i, issue) in s.issues.iter().enumerate() {
        if let IssueKind::Discrete { options } = &issue.kind {
            out.push(Out::Values(options.clone()));
            continue;
        }
        let n = issue.cardinality();
        // A single value has no ends to value linearly between.
        let blocker = (n >= 2)
            .then(|| {
                s.parties.iter().find_map(|p| match &p.preferences {
                    Some(Preferences {
                        utility: UtilityFunction::Additive(a),
                        ..
                    }) if affine_ends(issue, &a.values[i]).is_none() => Some(p.name.as_str()),
                    _ => None,
                })
            })
            .flatten();
        let (x0, x1) = (issue.numeric(0), issue.numeric((n.max(1) - 1) as u32));
        match blocker {
            None if n >= 2 && x1 > x0 => out.push(Out::Range {
                low: x0,
                high: x1,
                step: match issue.kind {
                    IssueKind::Integer { .. } => 1.0,
                    _ => (x1 - x0) / (n - 1) as f64,
                },
            }),
            _ => {
                if n > MAX_LISTED_VALUES {
                    return Err(Error::Unsupported(format!(
                        "issue {:?}: GeniusWeb values numeric issues linearly, party {:?}'s value function is not linear, and the issue has too many values ({n}) to list",
                        issue.name,
                        blocker.unwrap_or("")
                    )));
                }
                if let Some(p) = blocker {
                    notes.push(format!(
                        "issue {:?}: written as a discrete issue listing its values, because party {p:?}'s value function is not linear on it",
                        issue.name
                    ));
                } else if n < 2 {
                    notes.push(format!(
                        "issue {:?}: written as a discrete issue listing its values, because it has a single value and a GeniusWeb number range needs two",
                        issue.name
                    ));
                }
                let values: Vec<String> =
                    (0..n as u32).map(|k| issue.value(k).to_string()).collect();
                if let Some(k) = (1..values.len()).find(|&k| values[..k].contains(&values[k])) {
                    return Err(Error::Unsupported(format!(
                        "issue {:?}: the value {} occurs more than once, and a GeniusWeb value set lists each value once",
                        issue.name, values[k]
                    )));
                }
                out.push(Out::Values(values));
            }
        }
    }
    Ok(out)
}

fn js(s: &str) -> String {
    serde_json::to_string(s).expect("strings always serialise")
}

fn num(x: f64) -> String {
    format!("{x}")
}

/// GeniusWeb names must be simple: letters and digits only.
fn simple_name(name: &str, fallback: &str, what: &str, notes: &mut Vec<String>) -> String {
    let simple: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let simple = if simple.is_empty() {
        fallback.to_string()
    } else {
        simple
    };
    if simple != name {
        notes.push(format!(
            "{what} name {name:?} written as {simple:?}: GeniusWeb names hold only letters and digits"
        ));
    }
    simple
}

fn domain_json(s: &Scenario, plan: &[Out], name: &str, pad: &str) -> String {
    let mut x = String::new();
    let _ = writeln!(
        x,
        "{{\n{pad}  \"name\": {},\n{pad}  \"issuesValues\": {{",
        js(name)
    );
    for (i, (issue, out)) in s.issues.iter().zip(plan).enumerate() {
        let comma = if i + 1 < plan.len() { "," } else { "" };
        match out {
            Out::Values(values) => {
                let list: Vec<String> = values.iter().map(|v| js(v)).collect();
                let _ = writeln!(
                    x,
                    "{pad}    {}: {{\"values\": [{}]}}{comma}",
                    js(&issue.name),
                    list.join(", ")
                );
            }
            Out::Range { low, high, step } => {
                let _ = writeln!(
                    x,
                    "{pad}    {}: {{\"range\": {{\"low\": {}, \"high\": {}, \"step\": {}}}}}{comma}",
                    js(&issue.name),
                    num(*low),
                    num(*high),
                    num(*step)
                );
            }
        }
    }
    let _ = write!(x, "{pad}  }}\n{pad}}}");
    x
}

/// Exact decimal text of `units / 10^places`.
fn decimal(units: u128, places: u32) -> String {
    let scale = 10u128.pow(places);
    let (int, frac) = (units / scale, units % scale);
    if frac == 0 {
        return int.to_string();
    }
    let frac = format!("{frac:0width$}", width = places as usize);
    format!("{int}.{}", frac.trim_end_matches('0'))
}

/// `text` (a plain non-negative decimal) in units of 10^-places, if it
/// has no more decimals than that.
fn decimal_units(text: &str, places: u32) -> Option<u128> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > places as usize || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int: u128 = int.parse().ok()?;
    let frac: u128 = format!("{frac:0<width$}", width = places as usize)
        .parse()
        .ok()?;
    int.checked_mul(10u128.pow(places))?.checked_add(frac)
}

fn f64_sum_is_one(texts: &[String]) -> bool {
    let mut sum = 0.0;
    for t in texts {
        match t.parse::<f64>() {
            Ok(v) => sum += v,
            Err(_) => return false,
        }
    }
    sum == 1.0
}

/// Weights proportional to `w` (non-negative, positive sum), as decimal
/// texts that sum to exactly 1 both as decimals (GeniusWeb's check) and as
/// f64 values added in order. The last weight absorbs the rounding.
pub(crate) fn unit_weights(w: &[f64]) -> Vec<String> {
    const PLACES: u32 = 17;
    let one = 10u128.pow(PLACES);
    let total: f64 = w.iter().sum();
    let n = w.len();
    if n == 1 {
        return vec!["1".into()];
    }
    // First choice: each weight's shortest text, the last one taking the
    // exact decimal remainder (keeps weights like 0.3 as written).
    const WIDE: u32 = 36;
    let shortest: Option<Vec<u128>> = w[..n - 1]
        .iter()
        .map(|&x| decimal_units(&format!("{}", x / total), WIDE))
        .collect();
    if let Some(mut head) = shortest {
        let sum: u128 = head.iter().sum();
        if sum <= 10u128.pow(WIDE) {
            head.push(10u128.pow(WIDE) - sum);
            let texts: Vec<String> = head.iter().map(|&u| decimal(u, WIDE)).collect();
            if f64_sum_is_one(&texts) {
                return texts;
            }
        }
    }
    // Each normalised weight rounded to 17 decimals, exactly.
    let mut q: Vec<u128> = w
        .iter()
        .map(|&x| {
            let t = format!("{:.17}", x / total);
            t.replace('.', "").parse::<u128>().unwrap_or(0)
        })
        .collect();
    let mut head: u128 = q[..n - 1].iter().sum();
    while head > one {
        // Rounding up overshot: take the excess from the largest weight.
        let (k, _) = q[..n - 1]
            .iter()
            .enumerate()
            .max_by_key(|&(_, v)| *v)
            .expect("n ≥ 2");
        let take = (head - one).min(q[k]);
        q[k] -= take;
        head -= take;
    }
    q[n - 1] = one - head;
    let texts = |q: &[u128]| q.iter().map(|&u| decimal(u, PLACES)).collect::<Vec<_>>();
    let first = texts(&q);
    if f64_sum_is_one(&first) {
        return first;
    }
    // Shift a few units of 1e-17 between the last two weights: the exact
    // sum stays 1 while the f64 rounding moves.
    let donor = (0..n - 1).max_by_key(|&k| q[k]).expect("n ≥ 2");
    for d in 1..=200u128 {
        for up in [true, false] {
            let mut t = q.clone();
            if up && t[n - 1] >= d {
                t[donor] += d;
                t[n - 1] -= d;
            } else if !up && t[donor] >= d {
                t[donor] -= d;
                t[n - 1] += d;
            } else {
                continue;
            }
            let candidate = texts(&t);
            if f64_sum_is_one(&candidate) {
                return candidate;
            }
        }
    }
    // Multiples of 2^-52 are exact both as f64 and as decimals, and so are
    // their sums up to 1.
    const BITS: u32 = 52;
    let unit = 1u128 << BITS;
    let mut k: Vec<u128> = w
        .iter()
        .map(|&x| ((x / total) * unit as f64).round() as u128)
        .collect();
    let mut head: u128 = k[..n - 1].iter().sum();
    while head > unit {
        let (j, _) = k[..n - 1]
            .iter()
            .enumerate()
            .max_by_key(|&(_, v)| *v)
            .expect("n ≥ 2");
        let take = (head - unit).min(k[j]);
        k[j] -= take;
        head -= take;
    }
    k[n - 1] = unit - head;
    k.iter().map(|&v| dyadic(v, BITS)).collect()
}

/// Exact decimal text of `k / 2^bits` (for k ≤ 2^bits, bits ≤ 64).
fn dyadic(k: u128, bits: u32) -> String {
    let unit = 1u128 << bits;
    if k >= unit {
        return (k >> bits).to_string();
    }
    let mut frac = k;
    let mut digits = String::from("0.");
    while frac != 0 {
        frac *= 10;
        digits.push(char::from(b'0' + (frac >> bits) as u8));
        frac &= unit - 1;
    }
    if digits == "0." { "0".into() } else { digits }
}

/// Finds an outcome whose utility is `target` (to 1e-12), searching at most
/// `budget` partial outcomes.
fn outcome_with_utility(
    issues: &[Issue],
    a: &AdditiveUtility,
    target: f64,
    budget: u64,
) -> Option<Vec<u32>> {
    let u = UtilityFunction::Additive(a.clone());
    let contributions: Vec<Vec<f64>> = issues
        .iter()
        .enumerate()
        .map(|(i, issue)| {
            (0..issue.cardinality().min(MAX_LISTED_VALUES) as u32)
                .map(|k| a.weights[i] * a.values[i].eval(issue, k))
                .collect()
        })
        .collect();
    // Bounds on what the issues from i on can still add.
    let mut lo = vec![0.0; issues.len() + 1];
    let mut hi = vec![0.0; issues.len() + 1];
    for i in (0..issues.len()).rev() {
        let c = &contributions[i];
        lo[i] = lo[i + 1] + c.iter().copied().fold(f64::INFINITY, f64::min);
        hi[i] = hi[i + 1] + c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    }
    let tol = 1e-12 * target.abs().max(1.0);
    let mut outcome = vec![0u32; issues.len()];
    let mut steps = 0u64;
    #[allow(clippy::too_many_arguments)]
    fn dfs(
        i: usize,
        partial: f64,
        c: &[Vec<f64>],
        lo: &[f64],
        hi: &[f64],
        target: f64,
        tol: f64,
        outcome: &mut Vec<u32>,
        steps: &mut u64,
        budget: u64,
        check: &dyn Fn(&[u32]) -> bool,
    ) -> Option<bool> {
        *steps += 1;
        if *steps > budget {
            return None;
        }
        if partial + lo[i] > target + tol || partial + hi[i] < target - tol {
            return Some(false);
        }
        if i == c.len() {
            return Some(check(outcome));
        }
        for (k, &v) in c[i].iter().enumerate() {
            outcome[i] = k as u32;
            if dfs(
                i + 1,
                partial + v,
                c,
                lo,
                hi,
                target,
                tol,
                outcome,
                steps,
                budget,
                check,
            )? {
                return Some(true);
            }
        }
        Some(false)
    }
    let check = |o: &[u32]| (u.utility(issues, o) - target).abs() <= tol;
    match dfs(
        0,
        0.0,
        &contributions,
        &lo,
        &hi,
        target,
        tol,
        &mut outcome,
        &mut steps,
        budget,
        &check,
    ) {
        Some(true) => Some(outcome),
        _ => None,
    }
}

fn profile_json(
    s: &Scenario,
    plan: &[Out],
    party: usize,
    domain_name: &str,
    notes: &mut Vec<String>,
) -> Result<String> {
    let (p, prefs) = crate::genius::party_with_preferences(s, party, "GeniusWeb")?;
    let UtilityFunction::Additive(a) = &prefs.utility else {
        return Err(Error::Unsupported(format!(
            "party {:?} has a nonlinear (hyper-rectangle) utility, which GeniusWeb profiles cannot hold",
            p.name
        )));
    };
    // Per issue: the utilities to write (a table, or the two ends of a
    // range), brought into [0, 1] with the scale moved into the weight.
    let mut utils: Vec<Vec<f64>> = Vec::with_capacity(s.issues.len());
    let mut weights = Vec::with_capacity(s.issues.len());
    let mut shift = 0.0;
    for (i, (issue, out)) in s.issues.iter().zip(plan).enumerate() {
        let vf = &a.values[i];
        let mut v: Vec<f64> = match out {
            Out::Values(_) => (0..issue.cardinality() as u32)
                .map(|k| vf.eval(issue, k))
                .collect(),
            Out::Range { .. } => {
                let (lo, hi) = affine_ends(issue, vf).expect("plan checked the function is affine");
                vec![lo, hi]
            }
        };
        let mut w = a.weights[i];
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        if min < 0.0 {
            notes.push(format!(
                "party {:?}, issue {:?}: values below 0 were raised by {}; GeniusWeb utilities differ from Pactum's by that times the weight",
                p.name, issue.name, -min
            ));
            v.iter_mut().for_each(|x| *x -= min);
            shift += w * min;
        }
        let max = v.iter().copied().fold(0.0, f64::max);
        if max > 1.0 {
            v.iter_mut().for_each(|x| *x /= max);
            w *= max;
        }
        utils.push(v);
        weights.push(w);
    }
    let total: f64 = weights.iter().sum();
    let weight_texts = if total > 0.0 {
        if (total - 1.0).abs() > 1e-12 {
            notes.push(format!(
                "party {:?}: the weights sum to {total}; GeniusWeb needs 1, so they were divided by it and every GeniusWeb utility is Pactum's divided by {total}",
                p.name
            ));
        }
        unit_weights(&weights)
    } else {
        notes.push(format!(
            "party {:?}: all weights are 0; written as equal weights over zero utilities",
            p.name
        ));
        utils
            .iter_mut()
            .for_each(|u| u.iter_mut().for_each(|x| *x = 0.0));
        unit_weights(&vec![1.0; weights.len()])
    };
    if shift != 0.0 {
        notes.push(format!(
            "party {:?}: GeniusWeb utilities are shifted by {} against Pactum's",
            p.name, -shift
        ));
    }
    if prefs.discount_factor.is_some() {
        notes.push(format!(
            "party {:?}: the discount factor is not written: GeniusWeb linear profiles have none",
            p.name
        ));
    }
    let reservation = match prefs.reservation_value {
        None => None,
        Some(r) => match outcome_with_utility(&s.issues, a, r, 2_000_000) {
            Some(o) => Some(o),
            None => {
                notes.push(format!(
                    "party {:?}: GeniusWeb holds a reservation bid, not a value, and no outcome has utility exactly {r}; the reservation is left out",
                    p.name
                ));
                None
            }
        },
    };

    let profile_name = simple_name(&p.name, &format!("profile{}", party + 1), "profile", notes);
    let mut x = String::new();
    let _ = writeln!(x, "{{\n  \"LinearAdditiveUtilitySpace\": {{");
    let _ = writeln!(x, "    \"name\": {},", js(&profile_name));
    let _ = writeln!(
        x,
        "    \"domain\": {},",
        domain_json(s, plan, domain_name, "    ")
    );
    let _ = writeln!(x, "    \"issueUtilities\": {{");
    for (i, ((issue, out), u)) in s.issues.iter().zip(plan).zip(&utils).enumerate() {
        let comma = if i + 1 < plan.len() { "," } else { "" };
        match out {
            Out::Values(labels) => {
                let pairs: Vec<String> = labels
                    .iter()
                    .zip(u)
                    .map(|(l, v)| format!("{}: {}", js(l), num(*v)))
                    .collect();
                let _ = writeln!(
                    x,
                    "      {}: {{\"discreteutils\": {{\"valueUtilities\": {{{}}}}}}}{comma}",
                    js(&issue.name),
                    pairs.join(", ")
                );
            }
            Out::Range { low, high, .. } => {
                let _ = writeln!(
                    x,
                    "      {}: {{\"numberutils\": {{\"lowValue\": {}, \"lowUtility\": {}, \"highValue\": {}, \"highUtility\": {}}}}}{comma}",
                    js(&issue.name),
                    num(*low),
                    num(u[0]),
                    num(*high),
                    num(u[1])
                );
            }
        }
    }
    let _ = writeln!(x, "    }},");
    let pairs: Vec<String> = s
        .issues
        .iter()
        .zip(&weight_texts)
        .map(|(issue, w)| format!("{}: {w}", js(&issue.name)))
        .collect();
    let _ = writeln!(x, "    \"issueWeights\": {{{}}},", pairs.join(", "));
    match reservation {
        None => {
            let _ = writeln!(x, "    \"reservationBid\": null");
        }
        Some(o) => {
            let pairs: Vec<String> = s
                .issues
                .iter()
                .zip(plan)
                .zip(&o)
                .map(|((issue, out), &k)| {
                    let v = match out {
                        Out::Values(labels) => js(&labels[k as usize]),
                        Out::Range { .. } => num(issue.numeric(k)),
                    };
                    format!("{}: {v}", js(&issue.name))
                })
                .collect();
            let _ = writeln!(
                x,
                "    \"reservationBid\": {{\"issuevalues\": {{{}}}}}",
                pairs.join(", ")
            );
        }
    }
    x.push_str("  }\n}\n");
    Ok(x)
}

/// The GeniusWeb domain JSON of a scenario.
pub fn write_domain(s: &Scenario) -> Result<String> {
    checked(s)?;
    let mut notes = Vec::new();
    let plan = plan(s, &mut notes)?;
    let name = simple_name(&s.name, "domain", "domain", &mut notes);
    Ok(domain_json(s, &plan, &name, "") + "\n")
}

/// The GeniusWeb profile JSON (a LinearAdditiveUtilitySpace) of party `party`.
pub fn write_profile(s: &Scenario, party: usize) -> Result<String> {
    checked(s)?;
    let mut notes = Vec::new();
    let plan = plan(s, &mut notes)?;
    let name = simple_name(&s.name, "domain", "domain", &mut notes);
    profile_json(s, &plan, party, &name, &mut notes)
}

/// Writes the scenario as a GeniusWeb folder: the domain file and one
/// profile per party with preferences. Returns warnings about what GeniusWeb
/// cannot hold or had to be rescaled.
pub fn save_folder(s: &Scenario, dir: &Path) -> Result<Vec<String>> {
    checked(s)?;
    let mut notes = Vec::new();
    unsupported_notes(s, "GeniusWeb", &mut notes);
    let plan = plan(s, &mut notes)?;
    let name = simple_name(&s.name, "domain", "domain", &mut notes);
    let (domain_file, party_files) = file_names(s, "", "json", &mut notes);
    if party_files.is_empty() {
        return Err(Error::Unsupported(format!(
            "{:?} has no party with preferences, and a GeniusWeb folder needs at least one profile",
            s.name
        )));
    }
    let mut texts = vec![(domain_file, domain_json(s, &plan, &name, "") + "\n")];
    for (party, file) in &party_files {
        texts.push((
            file.clone(),
            profile_json(s, &plan, *party, &name, &mut notes)?,
        ));
    }
    let ours: Vec<&str> = texts.iter().map(|(f, _)| f.as_str()).collect();
    prepare_folder(dir, "json", &ours, &mut notes)?;
    for (file, text) in &texts {
        write_file(&dir.join(file), text)?;
    }
    order_note(&party_files, &mut notes);
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/geniusweb");
    const GENIUS_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/genius");
    const SHARED: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/scenarios/genius"
    );

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12
    }

    fn utility(s: &Scenario, party: &str, outcome: &[u32]) -> f64 {
        let p = s.party_index(party).expect("party");
        s.parties[p]
            .preferences
            .as_ref()
            .unwrap()
            .utility
            .utility(&s.issues, outcome)
    }

    /// Whether decimal texts like "0.125" sum to exactly 1, digit by digit.
    fn decimal_sum_is_one(texts: &[String]) -> bool {
        let places = texts
            .iter()
            .map(|t| t.split_once('.').map_or(0, |(_, f)| f.len()))
            .max()
            .unwrap_or(0);
        let mut digits = vec![0u32; places];
        let mut int = 0u32;
        for t in texts {
            let (i, f) = t.split_once('.').unwrap_or((t, ""));
            int += i.parse::<u32>().unwrap();
            for (d, c) in f.chars().enumerate() {
                digits[d] += c.to_digit(10).unwrap();
            }
        }
        for d in (0..places).rev() {
            let carry = digits[d] / 10;
            digits[d] %= 10;
            if d == 0 {
                int += carry;
            } else {
                digits[d - 1] += carry;
            }
        }
        int == 1 && digits.iter().all(|&d| d == 0)
    }

    fn assert_unit(texts: &[String]) {
        assert!(decimal_sum_is_one(texts), "{texts:?}");
        let mut sum = 0.0;
        for t in texts {
            sum += t.parse::<f64>().unwrap();
        }
        assert_eq!(sum, 1.0, "{texts:?}");
    }

    #[test]
    fn golden_folder() {
        let l = load(&Path::new(DATA).join("golden"), None).unwrap();
        let s = &l.scenario;
        assert_eq!(s.name, "fruitdeal");
        assert_eq!(
            s.issues.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
            ["fruit", "boxes", "price"]
        );
        assert_eq!(s.issues[1].kind, IssueKind::Integer { min: 1, max: 5 });
        assert_eq!(
            s.issues[2].kind,
            IssueKind::Real {
                min: 0.5,
                max: 1.5,
                levels: 5
            }
        );
        assert_eq!(s.parties[0].name, "buyer");
        // fruit: apple 0, banana 1, cherry 2; boxes x → x − 1; price x → (x − 0.5)/0.25.
        assert!(close(utility(s, "buyer", &[1, 4, 0]), 1.0));
        assert!(close(
            utility(s, "seller", &[1, 4, 0]),
            0.25 * 0.4 + 0.25 * 0.2
        ));
        assert!(close(
            utility(s, "buyer", &[2, 1, 3]),
            0.5 * 0.6 + 0.2 * 0.25 + 0.3 * 0.25
        ));
        assert!(close(
            utility(s, "seller", &[2, 1, 3]),
            0.25 * (1.0 - 0.8 * 0.25) + 0.5 * 0.75
        ));
        // Reservation bid (apple, 3, 1.0): 0.5·0.2 + 0.2·0.5 + 0.3·0.5
        let rv = s.parties[0]
            .preferences
            .as_ref()
            .unwrap()
            .reservation_value
            .unwrap();
        assert!(close(rv, 0.35));
        assert_eq!(
            s.parties[1].preferences.as_ref().unwrap().reservation_value,
            None
        );
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    }

    #[test]
    fn single_profile_file_uses_its_domain() {
        let l = load(&Path::new(DATA).join("golden/seller.json"), None).unwrap();
        let s = &l.scenario;
        assert_eq!(s.parties.len(), 1);
        // The embedded domain lists price first.
        assert_eq!(s.issues[0].name, "price");
        assert!(close(
            utility(s, "seller", &[3, 1, 2]),
            0.5 * 0.75 + 0.25 * 0.4 + 0.25 * 0.6
        ));
    }

    fn same_utilities(a: &Scenario, b: &Scenario, scale: f64) {
        for p in &a.parties {
            let q = b.party_index(&p.name).expect("party kept");
            let (pa, pb) = (
                p.preferences.as_ref().unwrap(),
                b.parties[q].preferences.as_ref().unwrap(),
            );
            for o in crate::test_support::all_outcomes(&a.issues) {
                let ua = pa.utility.utility(&a.issues, &o) / scale;
                let ub = pb.utility.utility(&b.issues, &o);
                assert!(close(ua, ub), "{}: {o:?}: {ua} vs {ub}", p.name);
            }
            match (pa.reservation_value, pb.reservation_value) {
                (Some(x), Some(y)) => assert!(close(x / scale, y)),
                (x, y) => assert_eq!(x, y),
            }
        }
    }

    #[test]
    fn golden_round_trip() {
        let first = load(&Path::new(DATA).join("golden"), None)
            .unwrap()
            .scenario;
        let tmp = tempfile::tempdir().unwrap();
        let w = save_folder(&first, tmp.path()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        let second = load(tmp.path(), None).unwrap().scenario;
        assert_eq!(first.issues, second.issues);
        same_utilities(&first, &second, 1.0);
        let tmp2 = tempfile::tempdir().unwrap();
        save_folder(&second, tmp2.path()).unwrap();
        let third = load(tmp2.path(), None).unwrap().scenario;
        assert_eq!(second.issues, third.issues);
        same_utilities(&second, &third, 1.0);
    }

    #[test]
    fn weights_sum_to_exactly_one() {
        let cases: Vec<Vec<f64>> = vec![
            vec![1.0, 1.0, 1.0],
            vec![0.1, 0.2, 0.7],
            vec![0.06, 0.16, 0.04, 0.32, 0.24, 0.18],
            vec![0.4452125771655631, 0.37808251708013424, 0.1767567099260568],
            vec![1e-20, 1.0, 1.0],
            vec![0.0, 1.0, 0.0],
            vec![0.2, 0.2, 0.4],
            vec![3.0, 7.0],
            (1..=50).map(|i| (i as f64).sqrt()).collect(),
            (1..=13).map(|i| 1.0 / i as f64).collect(),
        ];
        for w in &cases {
            let t = unit_weights(w);
            assert_eq!(t.len(), w.len());
            assert_unit(&t);
            let total: f64 = w.iter().sum();
            for (x, t) in w.iter().zip(&t) {
                assert!(
                    (x / total - t.parse::<f64>().unwrap()).abs() < 1e-14,
                    "{w:?} {t:?}"
                );
            }
        }
        assert_eq!(unit_weights(&[0.5, 0.5]), ["0.5", "0.5"]);
        assert_eq!(unit_weights(&[0.5, 0.3, 0.2]), ["0.5", "0.3", "0.2"]);
        assert_eq!(unit_weights(&[0.2, 0.2, 0.4]), ["0.25", "0.25", "0.5"]);
        assert_eq!(unit_weights(&[2.0]), ["1"]);
    }

    #[test]
    fn genius_scenario_to_geniusweb() {
        let s = crate::genius::load_folder(&Path::new(GENIUS_DATA).join("golden-additive"), None)
            .unwrap()
            .scenario;
        let tmp = tempfile::tempdir().unwrap();
        let w = save_folder(&s, tmp.path()).unwrap();
        let all = w.join("\n");
        // The seller's weights sum to 0.8; its triangular price and clamped
        // quantity are not linear, so those issues become value lists.
        assert!(all.contains("sum to 0.8"), "{all}");
        assert!(
            all.contains("\"Price\"") && all.contains("\"Quantity\""),
            "{all}"
        );
        assert!(all.contains("discount factor"), "{all}");
        let back = load(tmp.path(), None).unwrap();
        let b = &back.scenario;
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
        for p in &b.parties {
            let a = p
                .preferences
                .as_ref()
                .unwrap()
                .utility
                .as_additive()
                .unwrap();
            let sum: f64 = a.weights.iter().sum();
            assert_eq!(sum, 1.0);
        }
        for o in crate::test_support::all_outcomes(&s.issues) {
            assert!(close(utility(&s, "buyer", &o), utility(b, "buyer", &o)));
            assert!(close(
                utility(&s, "seller", &o) / 0.8,
                utility(b, "seller", &o)
            ));
        }
        // The buyer's reservation value 0.3 became a bid with that utility.
        let rv = b.parties[0]
            .preferences
            .as_ref()
            .unwrap()
            .reservation_value
            .unwrap();
        assert!(close(rv, 0.3));
        // The text is what GeniusWeb reads: weights as decimals summing to 1.
        for party in ["buyer", "seller"] {
            let text = std::fs::read_to_string(tmp.path().join(format!("{party}.json"))).unwrap();
            let line = text
                .lines()
                .find(|l| l.trim_start().starts_with("\"issueWeights\""))
                .unwrap();
            let inner = &line[line.find("{").unwrap() + 1..line.rfind("}").unwrap()];
            let texts: Vec<String> = inner
                .split(", ")
                .map(|pair| pair.rsplit(": ").next().unwrap().to_string())
                .collect();
            assert_eq!(texts.len(), 3, "{line}");
            assert_unit(&texts);
        }
    }

    #[test]
    fn shared_genius_scenarios_to_geniusweb() {
        let root = PathBuf::from(SHARED);
        if !root.is_dir() {
            eprintln!("skipping: shared GENIUS scenarios not found at {SHARED}");
            return;
        }
        for dir in [
            "misc/Laptop",
            "anac/y2012/CarA",
            "anac/y2015/group1-university",
            "misc/fuzzyagent",
        ] {
            let s = crate::genius::load_folder(&root.join(dir), None)
                .unwrap()
                .scenario;
            let tmp = tempfile::tempdir().unwrap();
            save_folder(&s, tmp.path()).unwrap();
            let b = load(tmp.path(), None).unwrap().scenario;
            for p in &s.parties {
                let a = p
                    .preferences
                    .as_ref()
                    .unwrap()
                    .utility
                    .as_additive()
                    .unwrap();
                let scale: f64 = a.weights.iter().sum();
                let q = b.party_index(&p.name).unwrap();
                let bw: f64 = b.parties[q]
                    .preferences
                    .as_ref()
                    .unwrap()
                    .utility
                    .as_additive()
                    .unwrap()
                    .weights
                    .iter()
                    .sum();
                assert_eq!(bw, 1.0, "{dir}");
                for o in crate::test_support::all_outcomes(&s.issues)
                    .into_iter()
                    .step_by(7)
                {
                    let (x, y) = (utility(&s, &p.name, &o) / scale, utility(&b, &p.name, &o));
                    assert!(close(x, y), "{dir} {}: {o:?} {x} {y}", p.name);
                }
            }
        }
        // Nonlinear profiles have no GeniusWeb form.
        let nl = crate::genius::load_folder(&root.join("anac/y2014/10issues"), None)
            .unwrap()
            .scenario;
        let e = save_folder(&nl, tempfile::tempdir().unwrap().path()).unwrap_err();
        assert!(matches!(e, Error::Unsupported(_)), "{e}");
    }

    fn with_profile(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let src = Path::new(DATA).join("golden");
        for f in ["fruitdeal.json", "seller.json"] {
            std::fs::copy(src.join(f), tmp.path().join(f)).unwrap();
        }
        let buyer = std::fs::read_to_string(src.join("buyer.json")).unwrap();
        std::fs::write(tmp.path().join("buyer.json"), edit(&buyer)).unwrap();
        tmp
    }

    #[test]
    fn bad_input_is_reported() {
        let e = load(Path::new("/no/such/folder"), None).unwrap_err();
        assert!(matches!(e, Error::Io { .. } | Error::Input(_)), "{e}");
        assert!(e.to_string().contains("/no/such/folder"), "{e}");

        let tmp = with_profile(|t| t.replace("\"fruit\": 0.5,", "\"fruit\": 0.5"));
        let e = load(tmp.path(), None).unwrap_err();
        match &e {
            Error::Format { location, .. } => assert_eq!(location.line, Some(12), "{e}"),
            other => panic!("{other}"),
        }

        let tmp = with_profile(|t| t.replace("\"lowValue\": 1,", "\"lowValue\": 2,"));
        let e = load(tmp.path(), None).unwrap_err().to_string();
        assert!(
            e.contains("from 2 to 5") && e.contains("from 1 to 5"),
            "{e}"
        );

        let tmp = with_profile(|t| t.replace("\"fruit\": 0.5, ", ""));
        let e = load(tmp.path(), None).unwrap_err().to_string();
        assert!(e.contains("\"fruit\" has no weight"), "{e}");

        let tmp = with_profile(|t| t.replace("\"boxes\": 0.2", "\"boxes\": -0.2"));
        let e = load(tmp.path(), None).unwrap_err().to_string();
        assert!(e.contains("negative"), "{e}");

        let tmp = with_profile(|t| t.replace("\"banana\": 1, ", ""));
        let e = load(tmp.path(), None).unwrap_err().to_string();
        assert!(e.contains("\"banana\" has no utility"), "{e}");

        let tmp = with_profile(|t| t.replace("\"boxes\": 3", "\"boxes\": 9"));
        let e = load(tmp.path(), None).unwrap_err().to_string();
        assert!(e.contains("reservationBid"), "{e}");

        let tmp =
            with_profile(|t| t.replace("LinearAdditiveUtilitySpace", "DefaultPartialOrdering"));
        let e = load(tmp.path(), None).unwrap_err().to_string();
        assert!(e.contains("DefaultPartialOrdering"), "{e}");
        // ... unless the other profiles are chosen.
        let l = load(tmp.path(), Some(&["seller".to_string()])).unwrap();
        assert_eq!(l.scenario.parties.len(), 1);
        let e = load(tmp.path(), Some(&["nobody".to_string()]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("available profiles: buyer, seller"), "{e}");
    }

    #[test]
    fn texts_in_memory_load_like_the_folder() {
        let dir = Path::new(DATA).join("golden");
        let from_disk = load(&dir, None).unwrap();
        let mut files = Vec::new();
        for f in files_with_extension(&dir, "json").unwrap() {
            let text = std::fs::read_to_string(&f).unwrap();
            files.push((f.display().to_string(), text));
        }
        let label = dir.display().to_string();
        let in_memory = from_texts(&label, true, &files, None).unwrap();
        assert_eq!(from_disk.scenario, in_memory.scenario);
        assert_eq!(from_disk.warnings, in_memory.warnings);

        // A single profile uses its embedded domain, named after the file
        // when the domain has no name.
        let profile = files
            .iter()
            .find(|(f, _)| f.ends_with("buyer.json"))
            .unwrap();
        let one = from_texts(&profile.0, false, std::slice::from_ref(profile), None).unwrap();
        assert_eq!(one.scenario.parties.len(), 1);
        assert_eq!(one.scenario.parties[0].name, "buyer");
        assert!(one.warnings.is_empty(), "{:?}", one.warnings);
    }

    #[test]
    fn numeric_issues_geniusweb_cannot_range() {
        let mut s = load(&Path::new(DATA).join("golden"), None)
            .unwrap()
            .scenario;
        let price = s.issue_index("price").unwrap();
        for p in &mut s.parties {
            p.preferences.as_mut().unwrap().reservation_value = None;
        }
        // One value: no number range has it, so it is listed, with a note.
        s.issues[price].kind = IssueKind::Real {
            min: 0.5,
            max: 0.5,
            levels: 1,
        };
        let tmp = tempfile::tempdir().unwrap();
        let notes = save_folder(&s, tmp.path()).unwrap();
        assert!(
            notes
                .iter()
                .any(|n| n.contains("\"price\"") && n.contains("single value")),
            "{notes:?}"
        );
        let back = load(tmp.path(), None).unwrap().scenario;
        assert_eq!(
            back.issues[price].kind,
            IssueKind::Discrete {
                options: vec!["0.5".into()]
            }
        );
        same_utilities(&s, &back, 1.0);
        // Several levels on one point: the listed values would repeat, which
        // no GeniusWeb value set allows.
        s.issues[price].kind = IssueKind::Real {
            min: 0.5,
            max: 0.5,
            levels: 3,
        };
        let e = write_domain(&s).unwrap_err().to_string();
        assert!(
            e.contains("\"price\"") && e.contains("more than once"),
            "{e}"
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_json_never_panics(text in "\\PC{0,200}") {
            let _ = classify("x.json", &text);
        }
    }
}
