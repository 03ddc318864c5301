//! The native conflict format, TOML or JSON (docs/conflict.md): `options`
//! (name, direction), `decision_makers` (name, options by name, and either
//! `preferences` — statements in order of importance — or `ranking` of
//! state ids), `infeasible` conditions, `at_most_one` / `at_least_one`
//! groups and an optional `status_quo` (the options taken).
//!
//! Rules: unknown fields are refused; a statement is text (`a & !b`,
//! `a | b`, `if a then b`) or a table `{ statement, note }`; a DM gives
//! preferences or a ranking, not both and not neither; an at-most-one group
//! makes every pair of its options infeasible together, an at-least-one
//! group makes the state with none of them infeasible; a status quo must be
//! feasible.

use std::path::Path;

use serde::Deserialize;

use super::place::{Place, Read, idx, key};
use crate::error::{Field, ReadError};
use crate::model::{Conflict, DecisionMaker, Direction, OptionDef, Preferences};
use crate::statement::{Literal, parse_conjunction, parse_statement};
use pactum_core::source::Segment;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    options: Vec<NOption>,
    decision_makers: Vec<NDm>,
    #[serde(default)]
    infeasible: Vec<Noted>,
    #[serde(default)]
    at_most_one: Vec<Vec<String>>,
    #[serde(default)]
    at_least_one: Vec<Vec<String>>,
    #[serde(default)]
    status_quo: Option<Vec<String>>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NOption {
    name: String,
    #[serde(default)]
    direction: NDirection,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum NDirection {
    #[default]
    Both,
    Forward,
    Backward,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NDm {
    name: String,
    options: Vec<String>,
    #[serde(default)]
    preferences: Option<Vec<Noted>>,
    #[serde(default)]
    ranking: Option<Vec<IdGroup>>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

/// A statement or condition, bare or with a note.
#[derive(Deserialize)]
#[serde(untagged)]
enum Noted {
    Text(String),
    Table {
        #[serde(alias = "when")]
        statement: String,
        #[allow(dead_code)]
        note: Option<String>,
    },
}

impl Noted {
    fn text(&self) -> &str {
        match self {
            Noted::Text(t) => t,
            Noted::Table { statement, .. } => statement,
        }
    }
}

/// A ranking entry: one state id, or several tied.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum IdGroup {
    One(usize),
    Tie(Vec<usize>),
}

impl IdGroup {
    pub(super) fn ids(&self) -> Vec<usize> {
        match self {
            IdGroup::One(i) => vec![*i],
            IdGroup::Tie(v) => v.clone(),
        }
    }
}

#[derive(Deserialize)]
struct Section {
    conflict: File,
}

fn syntax(path: &Path, line: Option<usize>, message: String) -> ReadError {
    ReadError::Syntax {
        file: path.to_path_buf(),
        line,
        message,
    }
}

/// Parses `text` (TOML when `toml`, else JSON) into the file and the
/// prefix of its conflict's fields.
fn parse(path: &Path, text: &str, toml: bool) -> Result<(File, Vec<Segment>), ReadError> {
    let toml_error = |e: toml::de::Error| {
        let line = e
            .span()
            .map(|s| pactum_core::source::line_of(text, s.start));
        syntax(path, line, e.message().to_string())
    };
    let json_error =
        |e: serde_json::Error| syntax(path, Some(e.line()), pactum_core::source::json_message(&e));
    let is_section = if toml {
        let table: toml::Table = toml::from_str(text).map_err(toml_error)?;
        table.contains_key("conflict") && !table.contains_key("options")
    } else {
        let value: serde_json::Value = serde_json::from_str(text).map_err(json_error)?;
        value.get("conflict").is_some() && value.get("options").is_none()
    };
    match (is_section, toml) {
        (true, true) => Ok((
            toml::from_str::<Section>(text)
                .map_err(toml_error)?
                .conflict,
            vec![key("conflict")],
        )),
        (true, false) => Ok((
            serde_json::from_str::<Section>(text)
                .map_err(json_error)?
                .conflict,
            vec![key("conflict")],
        )),
        (false, true) => Ok((toml::from_str(text).map_err(toml_error)?, vec![])),
        (false, false) => Ok((serde_json::from_str(text).map_err(json_error)?, vec![])),
    }
}

/// Reads a native conflict file.
pub fn read(path: &Path, text: &str, toml: bool) -> Result<Read, ReadError> {
    let (file, prefix) = parse(path, text, toml)?;
    let place = Place::new(path, text, toml, prefix);
    let names: Vec<&str> = file.options.iter().map(|o| o.name.as_str()).collect();
    let lookup = |n: &str| names.iter().position(|m| *m == n);
    let options = file
        .options
        .iter()
        .map(|o| OptionDef {
            name: o.name.clone(),
            direction: match o.direction {
                NDirection::Both => Direction::Both,
                NDirection::Forward => Direction::Forward,
                NDirection::Backward => Direction::Backward,
            },
        })
        .collect();
    let mut dms = Vec::new();
    for (i, d) in file.decision_makers.iter().enumerate() {
        let at = |field: &str| vec![key("decision_makers"), idx(i), key(field)];
        let mut controlled = Vec::new();
        for (k, name) in d.options.iter().enumerate() {
            let mut p = at("options");
            p.push(idx(k));
            controlled.push(
                lookup(name)
                    .ok_or_else(|| place.field(&p, format!("no option is named {name:?}")))?,
            );
        }
        let preferences = match (&d.preferences, &d.ranking) {
            (Some(statements), None) => {
                let mut out = Vec::new();
                for (k, s) in statements.iter().enumerate() {
                    let mut p = at("preferences");
                    p.push(idx(k));
                    out.push(
                        parse_statement(s.text(), &lookup)
                            .map_err(|e| place.field(&p, e.to_string()))?,
                    );
                }
                Preferences::Prioritised(out)
            }
            (None, Some(groups)) => Preferences::Ranking(groups.iter().map(IdGroup::ids).collect()),
            _ => {
                return Err(place.field(
                    &[key("decision_makers"), idx(i)],
                    format!(
                        "{:?} needs either `preferences` or `ranking` (one of them)",
                        d.name
                    ),
                ));
            }
        };
        dms.push(DecisionMaker {
            name: d.name.clone(),
            options: controlled,
            preferences,
        });
    }
    let mut infeasible: Vec<Vec<Literal>> = Vec::new();
    let mut infeasible_at: Vec<Vec<Segment>> = Vec::new();
    for (k, c) in file.infeasible.iter().enumerate() {
        let p = vec![key("infeasible"), idx(k)];
        infeasible.push(
            parse_conjunction(c.text(), &lookup).map_err(|e| place.field(&p, e.to_string()))?,
        );
        infeasible_at.push(p);
    }
    for (list, at_most) in [(&file.at_most_one, true), (&file.at_least_one, false)] {
        let field = if at_most {
            "at_most_one"
        } else {
            "at_least_one"
        };
        for (g, group) in list.iter().enumerate() {
            let mut options = Vec::new();
            for (k, name) in group.iter().enumerate() {
                let p = vec![key(field), idx(g), idx(k)];
                options.push(
                    lookup(name)
                        .ok_or_else(|| place.field(&p, format!("no option is named {name:?}")))?,
                );
            }
            let p = vec![key(field), idx(g)];
            if at_most {
                for (a, &x) in options.iter().enumerate() {
                    for &y in &options[a + 1..] {
                        infeasible.push(vec![
                            Literal {
                                option: x,
                                taken: true,
                            },
                            Literal {
                                option: y,
                                taken: true,
                            },
                        ]);
                        infeasible_at.push(p.clone());
                    }
                }
            } else {
                infeasible.push(
                    options
                        .iter()
                        .map(|&o| Literal {
                            option: o,
                            taken: false,
                        })
                        .collect(),
                );
                infeasible_at.push(p);
            }
        }
    }
    let conflict = Conflict::new(file.name.clone(), options, dms, infeasible).map_err(|e| {
        let p = match e.field {
            Field::Model => vec![key(match e.problem {
                crate::error::Problem::TooFewDecisionMakers(_) => "decision_makers",
                crate::error::Problem::NoFeasibleState => "infeasible",
                _ => "options",
            })],
            Field::Option(i) => vec![key("options"), idx(i)],
            Field::DmOptions(i) => vec![key("decision_makers"), idx(i), key("options")],
            Field::Preference(i, k) => {
                vec![key("decision_makers"), idx(i), key("preferences"), idx(k)]
            }
            Field::Ranking(i) => vec![key("decision_makers"), idx(i), key("ranking")],
            Field::Infeasible(i) => infeasible_at.get(i).cloned().unwrap_or_default(),
        };
        place.model(&p, e)
    })?;
    let status_quo = match &file.status_quo {
        None => None,
        Some(taken) => {
            let mut code = 0u64;
            for (k, name) in taken.iter().enumerate() {
                let p = vec![key("status_quo"), idx(k)];
                code |= 1
                    << lookup(name)
                        .ok_or_else(|| place.field(&p, format!("no option is named {name:?}")))?;
            }
            if !conflict.is_feasible(code) {
                return Err(place.field(
                    &[key("status_quo")],
                    "the status quo is an infeasible state",
                ));
            }
            Some(code)
        }
    };
    Ok(Read {
        conflict,
        status_quo,
        not_analysed: Vec::new(),
    })
}
