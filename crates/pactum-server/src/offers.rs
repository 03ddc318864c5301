//! Packages on the wire and outcomes inside: reading a client's offer
//! (`{issue: value}`) into value indexes, and writing indexes back as a
//! package.
//!
//! A whole offer names every issue exactly once; a partial offer names at
//! least one issue; every value must be one of its issue's. An offer that
//! breaks a rule is refused with an [`OfferError`] naming the issue.

use pactum_core::analysis::Package;
use pactum_core::{Outcome, Scenario, Value};

/// Why an offer (or a stored package) is not a package of the scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferError {
    /// It names an issue the scenario does not have.
    #[error("unknown issue {0:?}")]
    UnknownIssue(String),
    /// A whole offer leaves an issue out.
    #[error("the offer lacks issue {0:?}")]
    MissingIssue(String),
    /// A value of the wrong type (`value` as sent).
    #[error("issue {issue:?}: {value} is not a value")]
    NotAValue {
        /// The issue.
        issue: String,
        /// The value as sent.
        value: String,
    },
    /// A value that is not one of the issue's.
    #[error("issue {issue:?}: {value} is not one of its values")]
    NotAnOption {
        /// The issue.
        issue: String,
        /// The value as sent.
        value: String,
    },
    /// A partial offer without any issue.
    #[error("a partial offer needs at least one issue")]
    Empty,
    /// A package that is not a JSON object.
    #[error("a package is not an object")]
    NotAnObject,
}

/// Reads one issue's value into its index.
fn value_index(
    scenario: &Scenario,
    issue: usize,
    raw: &serde_json::Value,
) -> Result<u32, OfferError> {
    let name = &scenario.issues[issue].name;
    let value: Value = serde_json::from_value(raw.clone()).map_err(|_| OfferError::NotAValue {
        issue: name.clone(),
        value: raw.to_string(),
    })?;
    scenario.issues[issue]
        .index_of(&value)
        .ok_or_else(|| OfferError::NotAnOption {
            issue: name.clone(),
            value: raw.to_string(),
        })
}

/// Reads an offer (`{issue: value}`) into an outcome: every issue must be
/// given exactly once with one of its values.
pub fn parse_offer(
    scenario: &Scenario,
    offer: &serde_json::Map<String, serde_json::Value>,
) -> Result<Outcome, OfferError> {
    if let Some(name) = offer.keys().find(|n| scenario.issue_index(n).is_none()) {
        return Err(OfferError::UnknownIssue(name.clone()));
    }
    let mut outcome = Vec::with_capacity(scenario.issues.len());
    for (i, issue) in scenario.issues.iter().enumerate() {
        let raw = offer
            .get(&issue.name)
            .ok_or_else(|| OfferError::MissingIssue(issue.name.clone()))?;
        outcome.push(value_index(scenario, i, raw)?);
    }
    Ok(outcome)
}

/// Reads a partial offer: some (at least one) of the scenario's issues, each
/// with one of its values, as (issue, value) pairs in issue order.
pub fn parse_partial_offer(
    scenario: &Scenario,
    offer: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<(usize, u32)>, OfferError> {
    if offer.is_empty() {
        return Err(OfferError::Empty);
    }
    let mut pairs = Vec::with_capacity(offer.len());
    for (name, raw) in offer {
        let i = scenario
            .issue_index(name)
            .ok_or_else(|| OfferError::UnknownIssue(name.clone()))?;
        pairs.push((i, value_index(scenario, i, raw)?));
    }
    pairs.sort_unstable();
    Ok(pairs)
}

/// The outcome as an issue → value package.
pub fn package(scenario: &Scenario, outcome: &[u32]) -> Package {
    scenario.describe(outcome).into_iter().collect()
}

/// (issue, value) pairs as an issue → value package.
pub fn pairs_package(scenario: &Scenario, pairs: &[(usize, u32)]) -> Package {
    pairs
        .iter()
        .map(|&(i, v)| (scenario.issues[i].name.clone(), scenario.issues[i].value(v)))
        .collect()
}

/// A package as a JSON object.
fn as_object(p: &Package) -> Result<serde_json::Map<String, serde_json::Value>, OfferError> {
    match serde_json::to_value(p) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        _ => Err(OfferError::NotAnObject),
    }
}

/// A whole package (as stored in the record) back into an outcome.
pub fn to_outcome(scenario: &Scenario, p: &Package) -> Result<Outcome, OfferError> {
    parse_offer(scenario, &as_object(p)?)
}

/// A partial package (as stored in the record) back into (issue, value)
/// pairs.
pub fn package_pairs(scenario: &Scenario, p: &Package) -> Result<Vec<(usize, u32)>, OfferError> {
    parse_partial_offer(scenario, &as_object(p)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        pactum_core::native::from_toml(
            "t",
            r#"
name = "t"
[[issues]]
name = "a"
options = ["x", "y"]
[[issues]]
name = "b"
options = ["p", "q"]
[[parties]]
name = "A"
weights = { a = 0.5, b = 0.5 }
values.a = { x = 1.0, y = 0.0 }
values.b = { p = 1.0, q = 0.0 }
[[parties]]
name = "B"
weights = { a = 0.5, b = 0.5 }
values.a = { x = 0.0, y = 1.0 }
values.b = { p = 0.0, q = 1.0 }
"#,
        )
        .unwrap()
        .scenario
    }

    fn map(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_whole_offer_names_every_issue_once_with_one_of_its_values() {
        let sc = scenario();
        let o = parse_offer(&sc, &map(serde_json::json!({"a": "y", "b": "p"}))).unwrap();
        assert_eq!(o, vec![1, 0]);
        assert_eq!(to_outcome(&sc, &package(&sc, &o)), Ok(o));
        assert_eq!(
            parse_offer(&sc, &map(serde_json::json!({"a": "y"}))),
            Err(OfferError::MissingIssue("b".into()))
        );
        assert_eq!(
            parse_offer(&sc, &map(serde_json::json!({"a": "y", "b": "p", "c": 1}))),
            Err(OfferError::UnknownIssue("c".into()))
        );
        assert!(matches!(
            parse_offer(&sc, &map(serde_json::json!({"a": "z", "b": "p"}))),
            Err(OfferError::NotAnOption { .. })
        ));
    }

    #[test]
    fn a_partial_offer_names_some_issues_in_issue_order() {
        let sc = scenario();
        let pairs = parse_partial_offer(&sc, &map(serde_json::json!({"b": "q"}))).unwrap();
        assert_eq!(pairs, vec![(1, 1)]);
        assert_eq!(package_pairs(&sc, &pairs_package(&sc, &pairs)), Ok(pairs));
        assert_eq!(
            parse_partial_offer(&sc, &map(serde_json::json!({}))),
            Err(OfferError::Empty)
        );
    }
}
