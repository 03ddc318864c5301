//! The scenario: what is on the table and who sits at it.
//!
//! Rules: negotiators are the parties whose role is negotiator, in party
//! order; issues and parties are found by their unique names.

use serde::{Deserialize, Serialize};

use super::issue::{Issue, Value};
use super::party::{Party, Role};

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
}
