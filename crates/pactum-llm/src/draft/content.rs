//! What the model is asked for at each step of a draft, and the JSON
//! schemas its answers must follow.
//!
//! Rules: every schema is closed (`additionalProperties: false`, every
//! property required) and bounds its lists, so a constrained decoder
//! cannot run on; names the model must pick from earlier answers (parties,
//! issues, options) are `enum`s; an estimate's numbers (weights, values,
//! reservation values) are picked from the grid 0, 0.1, …, 1 (an `enum`,
//! which constrained decoders keep to, where they ignore `minimum` and
//! `maximum`); sources are free text, or — for small models, which
//! otherwise invent them — one of the piece's sentences, as an `enum`; a party's preference estimate is asked as an object
//! with one key per issue and option, so no issue or option can be left
//! out.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::request::Schema;

/// The roles a party may have.
pub const ROLES: [&str; 3] = ["negotiator", "mediator", "observer"];

/// A party as the model names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyItem {
    /// The party's name.
    pub name: String,
    /// `negotiator`, `mediator` or `observer`.
    pub role: String,
    /// The people named for it.
    pub people: Vec<String>,
    /// The sentence of the article it comes from.
    pub source: String,
}

/// An option of an issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionItem {
    /// The option's name.
    pub name: String,
    /// The words of the article it comes from.
    pub source: String,
}

/// An issue with its options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueItem {
    /// The issue's name.
    pub name: String,
    /// The sentence of the article it comes from.
    pub source: String,
    /// Its options.
    pub options: Vec<OptionItem>,
}

/// A party's stated position on an issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PositionItem {
    /// The party.
    pub party: String,
    /// The issue.
    pub issue: String,
    /// The position, in a few words.
    pub position: String,
    /// The sentence of the article stating it.
    pub source: String,
}

/// Options of an issue a party refuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedLineItem {
    /// The party.
    pub party: String,
    /// The issue.
    pub issue: String,
    /// The options it refuses.
    pub options: Vec<String>,
    /// The sentence of the article stating it.
    pub source: String,
}

/// An option's estimated value for a party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueItem {
    /// The option.
    pub option: String,
    /// Its value (0 worst, 1 best).
    pub value: f64,
}

/// A party's estimated weight of an issue and values of its options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueEstimate {
    /// The issue.
    pub issue: String,
    /// Its weight.
    pub weight: f64,
    /// The values of its options.
    pub values: Vec<ValueItem>,
}

/// A negotiator's estimated preferences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The party.
    pub party: String,
    /// Its estimated reservation value.
    pub reservation: f64,
    /// Its estimated weights and values, by issue.
    pub issues: Vec<IssueEstimate>,
}

/// The answer to the first step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartiesAnswer {
    /// A short title of the negotiation.
    pub title: String,
    /// The parties.
    pub parties: Vec<PartyItem>,
}

/// The answer to the second step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuesAnswer {
    /// The issues.
    pub issues: Vec<IssueItem>,
}

/// The answer to the third step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StancesAnswer {
    /// Stated positions.
    pub positions: Vec<PositionItem>,
    /// Red lines.
    pub red_lines: Vec<RedLineItem>,
}

/// A whole draft: what the steps gathered, and what a repair returns.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Content {
    /// A short title of the negotiation.
    pub title: String,
    /// The parties.
    pub parties: Vec<PartyItem>,
    /// The issues.
    pub issues: Vec<IssueItem>,
    /// Stated positions.
    pub positions: Vec<PositionItem>,
    /// Red lines.
    pub red_lines: Vec<RedLineItem>,
    /// The negotiators' preference estimates.
    pub estimates: Vec<Estimate>,
}

fn closed(properties: Value) -> Value {
    let required: Vec<Value> = properties
        .as_object()
        .map(|m| m.keys().map(|k| json!(k)).collect())
        .unwrap_or_default();
    json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
}

fn list(items: Value, max: usize) -> Value {
    json!({"type": "array", "items": items, "maxItems": max})
}

/// The longest name (of a party, issue, option or person), in characters.
pub const NAME_CHARS: usize = 40;
/// The longest quote or stated position, in characters.
pub const QUOTE_CHARS: usize = 200;

fn text() -> Value {
    json!({"type": "string", "maxLength": QUOTE_CHARS})
}

fn name() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": NAME_CHARS})
}

/// The grid an estimate's numbers are picked from: 0, 0.1, …, 1.
fn grade() -> Value {
    let grid: Vec<f64> = (0..=10).map(|k| f64::from(k) / 10.0).collect();
    json!({"enum": grid})
}

fn one_of(names: &[String]) -> Value {
    let mut unique: Vec<&String> = Vec::new();
    for n in names {
        if !unique.contains(&n) {
            unique.push(n);
        }
    }
    json!({"enum": unique})
}

/// The sentences of `piece`: split after `.`, `?` or `!` followed by
/// whitespace, and at line breaks; trimmed, blank ones and repeats left
/// out.
pub fn sentences(piece: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = piece.chars().peekable();
    while let Some(c) = chars.next() {
        let end = c == '\n'
            || (matches!(c, '.' | '?' | '!') && chars.peek().is_none_or(|n| n.is_whitespace()));
        if c != '\n' {
            current.push(c);
        }
        if end {
            let s = current.trim().to_string();
            if !s.is_empty() && !out.contains(&s) {
                out.push(s);
            }
            current.clear();
        }
    }
    let s = current.trim().to_string();
    if !s.is_empty() && !out.contains(&s) {
        out.push(s);
    }
    out
}

/// A source: free text, or one of `sentences` when given (and not empty).
pub fn source_schema(sentences: Option<&[String]>) -> Value {
    match sentences {
        Some(list) if !list.is_empty() => one_of(list),
        _ => text(),
    }
}

fn party_schema(source: &Value) -> Value {
    closed(json!({
        "name": name(),
        "role": {"enum": ROLES},
        "people": list(name(), 3),
        "source": source,
    }))
}

fn issue_schema(source: &Value) -> Value {
    closed(json!({
        "name": name(),
        "source": source,
        "options": {"type": "array", "items": closed(json!({"name": name(), "source": source})), "minItems": 2, "maxItems": 4},
    }))
}

/// Step 1: the title and the parties.
pub fn parties_schema(source: &Value) -> Schema {
    Schema {
        name: "draft_parties".into(),
        schema: closed(json!({"title": text(), "parties": list(party_schema(source), 8)})),
    }
}

/// Step 2: the issues and their options.
pub fn issues_schema(source: &Value) -> Schema {
    Schema {
        name: "draft_issues".into(),
        schema: closed(json!({"issues": list(issue_schema(source), 6)})),
    }
}

/// Step 3: positions and red lines, naming the parties, issues and options
/// drafted.
pub fn stances_schema(
    parties: &[String],
    issues: &[String],
    options: &[String],
    source: &Value,
) -> Schema {
    let position = closed(json!({
        "party": one_of(parties),
        "issue": one_of(issues),
        "position": text(),
        "source": source,
    }));
    let red_line = closed(json!({
        "party": one_of(parties),
        "issue": one_of(issues),
        "options": {"type": "array", "items": one_of(options), "minItems": 1, "maxItems": 4},
        "source": source,
    }));
    Schema {
        name: "draft_stances".into(),
        schema: closed(json!({"positions": list(position, 10), "red_lines": list(red_line, 6)})),
    }
}

/// Step 4: one negotiator's preference estimate, one key per issue and
/// option (`issues` gives each issue's options).
pub fn estimate_schema(issues: &[(String, Vec<String>)]) -> Schema {
    let number = grade();
    let mut weights = Map::new();
    let mut values = Map::new();
    for (issue, options) in issues {
        weights.insert(issue.clone(), number.clone());
        let mut table = Map::new();
        for option in options {
            table.insert(option.clone(), number.clone());
        }
        values.insert(issue.clone(), closed(Value::Object(table)));
    }
    Schema {
        name: "draft_estimate".into(),
        schema: closed(json!({
            "reservation": number,
            "weights": closed(Value::Object(weights)),
            "values": closed(Value::Object(values)),
        })),
    }
}

/// The estimate of `party` read from an answer under [`estimate_schema`]
/// (keys in the order of `issues`).
pub fn estimate_from(party: &str, issues: &[(String, Vec<String>)], answer: &Value) -> Estimate {
    let number = |v: Option<&Value>| v.and_then(Value::as_f64).unwrap_or(f64::NAN);
    let mut out = Vec::new();
    for (issue, options) in issues {
        if out.iter().any(|e: &IssueEstimate| &e.issue == issue) {
            continue;
        }
        let table = &answer["values"][issue];
        let mut values: Vec<ValueItem> = Vec::new();
        for option in options {
            if values.iter().any(|v| &v.option == option) {
                continue;
            }
            values.push(ValueItem {
                option: option.clone(),
                value: number(table.get(option)),
            });
        }
        out.push(IssueEstimate {
            issue: issue.clone(),
            weight: number(answer["weights"].get(issue)),
            values,
        });
    }
    Estimate {
        party: party.to_string(),
        reservation: number(answer.get("reservation")),
        issues: out,
    }
}

/// The whole draft, for a repair (`source` as in the steps).
pub fn content_schema(source: &Value) -> Schema {
    let position =
        closed(json!({"party": name(), "issue": name(), "position": text(), "source": source}));
    let red_line = closed(json!({
        "party": name(), "issue": name(), "options": list(name(), 4), "source": source,
    }));
    let estimate = closed(json!({
        "party": name(),
        "reservation": grade(),
        "issues": list(closed(json!({
            "issue": name(),
            "weight": grade(),
            "values": list(closed(json!({"option": name(), "value": grade()})), 5),
        })), 10),
    }));
    Schema {
        name: "draft_scenario".into(),
        schema: closed(json!({
            "title": text(),
            "parties": list(party_schema(source), 8),
            "issues": list(issue_schema(source), 6),
            "positions": list(position, 10),
            "red_lines": list(red_line, 6),
            "estimates": list(estimate, 8),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_closed_and_an_estimate_reads_back_in_issue_order() {
        assert_eq!(
            sentences("One. Two?\nThree! World War II.The end. One."),
            ["One.", "Two?", "Three!", "World War II.The end."]
        );
        assert_eq!(source_schema(Some(&["A.".into()]))["enum"], json!(["A."]));
        assert_eq!(source_schema(Some(&[]))["type"], "string");
        let s = parties_schema(&source_schema(None)).schema;
        assert_eq!(s["additionalProperties"], false);
        let mut required: Vec<&str> = s["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        required.sort();
        assert_eq!(required, ["parties", "title"]);
        let issues = vec![
            ("b".to_string(), vec!["x".to_string(), "y".to_string()]),
            ("a".to_string(), vec!["z".to_string()]),
        ];
        let schema = estimate_schema(&issues);
        assert_eq!(
            schema.schema["properties"]["values"]["properties"]["b"]["required"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        let answer = json!({"reservation": 0.4, "weights": {"a": 0.25, "b": 0.75}, "values": {"a": {"z": 1}, "b": {"x": 0.0, "y": 1.0}}});
        let e = estimate_from("P", &issues, &answer);
        assert_eq!(e.issues[0].issue, "b");
        assert_eq!(e.issues[0].weight, 0.75);
        assert_eq!(e.issues[1].values[0].value, 1.0);
        assert_eq!(e.reservation, 0.4);
        let stances = stances_schema(
            &["P".into(), "P".into()],
            &["a".into()],
            &["z".into()],
            &text(),
        );
        assert_eq!(
            stances.schema["properties"]["positions"]["items"]["properties"]["party"]["enum"],
            json!(["P"])
        );
    }
}
