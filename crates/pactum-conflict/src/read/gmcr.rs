//! GMCR+ / gmcr-py `.gmcr` JSON files: `options` (`name`,
//! `permittedDirection` "both" | "fwd" | "back"), `decisionMakers` (`name`,
//! `options` as option indices, `preferences` as statements, or with
//! `useManualPreferenceVectors` / `useManualPreferenceRanking` true a
//! `preferenceVector` / `preferenceRanking` of 1-based state ids, most
//! preferred first, a nested list a tie), `infeasibles` (lists of
//! `[optionIndex, "Y" | "N"]` literals), `coalitions`, `misperceptions`.
//!
//! Rules: a statement is a list of literals (all hold) or
//! `{"compound": true, "members": [...]}` (any member holds); a literal's
//! value is "Y" or "N"; `coalitions` and `misperceptions`, when present and
//! not empty, are read and listed as not analysed; other fields are ignored.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::native::IdGroup;
use super::place::{Place, Read, idx, key};
use crate::error::{Field, ReadError};
use crate::model::{Conflict, DecisionMaker, Direction, OptionDef, Preferences};
use crate::statement::{Literal, Statement};
use pactum_core::source::Segment;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct File {
    options: Vec<GOption>,
    decision_makers: Vec<GDm>,
    #[serde(default)]
    infeasibles: Vec<Vec<(usize, String)>>,
    #[serde(default)]
    use_manual_preference_vectors: bool,
    #[serde(default)]
    use_manual_preference_ranking: bool,
    #[serde(default)]
    coalitions: Option<Value>,
    #[serde(default)]
    misperceptions: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GOption {
    name: String,
    #[serde(default)]
    permitted_direction: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GDm {
    name: String,
    options: Vec<usize>,
    #[serde(default)]
    preferences: Vec<GStatement>,
    #[serde(default)]
    preference_vector: Option<Vec<IdGroup>>,
    #[serde(default)]
    preference_ranking: Option<Vec<IdGroup>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum GStatement {
    All(Vec<(usize, String)>),
    Compound {
        #[allow(dead_code)]
        compound: Option<bool>,
        members: Vec<Vec<(usize, String)>>,
    },
}

/// Literals from `[index, "Y"|"N"]` pairs; `at` is the list's path.
fn literals(
    place: &Place,
    at: &[Segment],
    pairs: &[(usize, String)],
) -> Result<Vec<Literal>, ReadError> {
    pairs
        .iter()
        .enumerate()
        .map(|(k, (option, yn))| {
            let taken = match yn.as_str() {
                "Y" => true,
                "N" => false,
                other => {
                    let mut p = at.to_vec();
                    p.push(idx(k));
                    return Err(place.field(
                        &p,
                        format!("a literal's value is \"Y\" or \"N\", not {other:?}"),
                    ));
                }
            };
            Ok(Literal {
                option: *option,
                taken,
            })
        })
        .collect()
}

/// Reads a `.gmcr` file.
pub fn read(path: &Path, text: &str) -> Result<Read, ReadError> {
    let file: File = serde_json::from_str(text).map_err(|e| ReadError::Syntax {
        file: path.to_path_buf(),
        line: Some(e.line()),
        message: pactum_core::source::json_message(&e),
    })?;
    let place = Place::new(path, text, false, vec![]);
    let mut options = Vec::new();
    for (i, o) in file.options.iter().enumerate() {
        let direction = match o.permitted_direction.as_deref() {
            None | Some("both") => Direction::Both,
            Some("fwd") => Direction::Forward,
            Some("back") => Direction::Backward,
            Some(other) => {
                return Err(place.field(
                    &[key("options"), idx(i), key("permittedDirection")],
                    format!("expected \"both\", \"fwd\" or \"back\", not {other:?}"),
                ));
            }
        };
        options.push(OptionDef {
            name: o.name.clone(),
            direction,
        });
    }
    let manual = file.use_manual_preference_vectors || file.use_manual_preference_ranking;
    let mut dms = Vec::new();
    for (i, d) in file.decision_makers.iter().enumerate() {
        let at = |f: &str| vec![key("decisionMakers"), idx(i), key(f)];
        let preferences = if manual {
            let groups = d
                .preference_ranking
                .as_ref()
                .or(d.preference_vector.as_ref());
            let Some(groups) = groups else {
                return Err(place.field(
                    &[key("decisionMakers"), idx(i)],
                    "manual preferences are switched on but this decision maker has no preferenceVector or preferenceRanking",
                ));
            };
            Preferences::Ranking(groups.iter().map(IdGroup::ids).collect())
        } else {
            let mut out = Vec::new();
            for (k, s) in d.preferences.iter().enumerate() {
                let mut p = at("preferences");
                p.push(idx(k));
                out.push(match s {
                    GStatement::All(pairs) => Statement::All(literals(&place, &p, pairs)?),
                    GStatement::Compound { members, .. } => {
                        p.push(key("members"));
                        let mut any = Vec::new();
                        for (m, pairs) in members.iter().enumerate() {
                            let mut q = p.clone();
                            q.push(idx(m));
                            any.push(literals(&place, &q, pairs)?);
                        }
                        Statement::Any(any)
                    }
                });
            }
            Preferences::Prioritised(out)
        };
        dms.push(DecisionMaker {
            name: d.name.clone(),
            options: d.options.clone(),
            preferences,
        });
    }
    let mut infeasible = Vec::new();
    for (k, pairs) in file.infeasibles.iter().enumerate() {
        infeasible.push(literals(&place, &[key("infeasibles"), idx(k)], pairs)?);
    }
    let ranking_key = if file.use_manual_preference_ranking {
        "preferenceRanking"
    } else {
        "preferenceVector"
    };
    let conflict = Conflict::new(
        path.file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("conflict"),
        options,
        dms,
        infeasible,
    )
    .map_err(|e| {
        let p = match e.field {
            Field::Model => vec![key(match e.problem {
                crate::error::Problem::TooFewDecisionMakers(_) => "decisionMakers",
                crate::error::Problem::NoFeasibleState => "infeasibles",
                _ => "options",
            })],
            Field::Option(i) => vec![key("options"), idx(i)],
            Field::DmOptions(i) => vec![key("decisionMakers"), idx(i), key("options")],
            Field::Preference(i, k) => {
                vec![key("decisionMakers"), idx(i), key("preferences"), idx(k)]
            }
            Field::Ranking(i) => vec![key("decisionMakers"), idx(i), key(ranking_key)],
            Field::Infeasible(i) => vec![key("infeasibles"), idx(i)],
        };
        place.model(&p, e)
    })?;
    let present = |v: &Option<Value>| match v {
        None | Some(Value::Null) => false,
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(_) => true,
    };
    let mut not_analysed = Vec::new();
    if present(&file.coalitions) {
        not_analysed.push("coalitions".to_string());
    }
    if present(&file.misperceptions) {
        not_analysed.push("misperceptions".to_string());
    }
    Ok(Read {
        conflict,
        status_quo: None,
        not_analysed,
    })
}
