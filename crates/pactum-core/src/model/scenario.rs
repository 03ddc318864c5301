//! The scenario: what is on the table and who sits at it.
//!
//! Rules: a scenario exists only valid: built by [`Scenario::new`] (the
//! loaders and deserialisation go through it), its fields private, changed
//! only through methods that validate the result and leave it unchanged
//! when that fails; negotiators are the parties whose role is negotiator,
//! in party order; issues and parties are found by their unique names.
//! The issues are held once and shared (a scenario's copies, and the
//! packages of its analysis, count references rather than copy them).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::issue::{Issue, Value};
use super::party::{Party, Preferences, RedLine, Role};
use crate::error::ModelError;

/// A whole negotiation: what is on the table and who sits at it.
///
/// A `Scenario` that exists is valid: it is built only by [`Scenario::new`]
/// (and the loaders, which call it), deserialised through the same check,
/// and changed only through methods that check the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ScenarioParts")]
pub struct Scenario {
    name: String,
    description: Option<String>,
    notes: Option<String>,
    issues: Arc<[Issue]>,
    parties: Vec<Party>,
}

/// The parts of a [`Scenario`], unchecked: what [`Scenario::new`] takes and
/// [`Scenario::into_parts`] gives back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScenarioParts {
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

impl TryFrom<ScenarioParts> for Scenario {
    type Error = ModelError;

    fn try_from(parts: ScenarioParts) -> Result<Self, ModelError> {
        Scenario::new(parts)
    }
}

impl Scenario {
    /// The scenario of `parts`, if it keeps every invariant listed in the
    /// model's documentation.
    pub fn new(parts: ScenarioParts) -> Result<Self, ModelError> {
        let ScenarioParts {
            name,
            description,
            notes,
            issues,
            parties,
        } = parts;
        let scenario = Scenario {
            name,
            description,
            notes,
            issues: issues.into(),
            parties,
        };
        scenario.validate()?;
        Ok(scenario)
    }

    /// The scenario's parts, to change and build anew with [`Scenario::new`].
    pub fn into_parts(self) -> ScenarioParts {
        ScenarioParts {
            name: self.name,
            description: self.description,
            notes: self.notes,
            issues: self.issues.to_vec(),
            parties: self.parties,
        }
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A description for people.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Free text: sources, assumptions, caveats.
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }

    /// The issues, in order; an outcome gives one value per issue.
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// The issues, shared: a copy costs a reference count.
    pub(crate) fn shared_issues(&self) -> Arc<[Issue]> {
        Arc::clone(&self.issues)
    }

    /// The parties, in order.
    pub fn parties(&self) -> &[Party] {
        &self.parties
    }

    /// Renames the scenario (any name is valid).
    pub fn set_name(&mut self, name: impl Into<String>) {
        self.name = name.into();
    }

    /// Removes party `party`'s reservation value, if it has preferences
    /// (no invariant asks for one, so the scenario stays valid).
    pub fn clear_reservation_value(&mut self, party: usize) {
        if let Some(prefs) = self
            .parties
            .get_mut(party)
            .and_then(|p| p.preferences.as_mut())
        {
            prefs.reservation_value = None;
        }
    }

    /// Adds red lines to party `party`'s preferences. The scenario changes
    /// only when the result is valid (each line names an existing issue and
    /// values).
    pub fn add_red_lines(
        &mut self,
        party: usize,
        lines: impl IntoIterator<Item = RedLine>,
    ) -> Result<(), ModelError> {
        let mut prefs = self
            .parties
            .get(party)
            .and_then(|p| p.preferences.clone())
            .ok_or_else(|| ModelError::Invalid {
                field: format!("parties[{party}]"),
                message: "no party with preferences there".into(),
            })?;
        prefs.red_lines.extend(lines);
        self.set_preferences(party, Some(prefs))
    }

    /// Replaces party `party`'s preferences. The scenario changes only when
    /// the result is valid; otherwise the error says why and nothing changed.
    pub fn set_preferences(
        &mut self,
        party: usize,
        preferences: Option<Preferences>,
    ) -> Result<(), ModelError> {
        let Some(p) = self.parties.get(party) else {
            return Err(ModelError::Invalid {
                field: "parties".into(),
                message: format!("no party #{party}"),
            });
        };
        let mut changed = self.clone();
        changed.parties[party] = Party {
            preferences,
            ..p.clone()
        };
        changed.validate()?;
        *self = changed;
        Ok(())
    }

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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IssueKind;

    const VALID: &str = r#"{"name": "s", "description": null, "notes": null,
        "issues": [{"name": "a", "kind": {"Discrete": {"options": ["x", "y"]}}, "notes": null}],
        "parties": [{"name": "P", "role": "observer", "representative": null,
                     "notes": null, "preferences": null}]}"#;

    fn valid() -> Scenario {
        serde_json::from_str(VALID).unwrap()
    }

    #[test]
    fn deserialising_validates() {
        let s = valid();
        assert_eq!(s.name(), "s");
        let back: Scenario = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        let duplicate = VALID.replace(r#""options": ["x", "y"]"#, r#""options": ["x", "x"]"#);
        let e = serde_json::from_str::<Scenario>(&duplicate).unwrap_err();
        assert!(e.to_string().contains("duplicate option"), "{e}");
    }

    /// A copy shares the issues rather than copying them; the scenario is
    /// written as before (its issues a list) and its parts give them back.
    #[test]
    fn copies_share_the_issues() {
        let s = valid();
        let copy = s.clone();
        assert!(Arc::ptr_eq(&s.shared_issues(), &copy.shared_issues()));
        let written: serde_json::Value = serde_json::to_value(&s).unwrap();
        let expected: serde_json::Value = serde_json::from_str(VALID).unwrap();
        assert_eq!(written, expected);
        assert_eq!(copy.into_parts().issues, s.issues());
    }

    #[test]
    fn new_refuses_what_validate_refuses() {
        let mut parts = valid().into_parts();
        parts.issues[0].kind = IssueKind::Integer { min: 2, max: 1 };
        assert!(matches!(
            Scenario::new(parts),
            Err(ModelError::Invalid { .. })
        ));
    }

    #[test]
    fn a_refused_change_leaves_the_scenario_unchanged() {
        let mut parts = valid().into_parts();
        parts.parties[0].role = Role::Negotiator;
        // A negotiator without preferences is refused.
        assert!(Scenario::new(parts.clone()).is_err());
        let mut s = valid();
        let before = s.clone();
        assert!(s.set_preferences(5, None).is_err());
        assert!(
            s.add_red_lines(
                0,
                [RedLine {
                    issue: 0,
                    values: vec![0],
                    notes: None
                }]
            )
            .is_err()
        );
        assert_eq!(s, before);
    }
}
