//! The parties: their roles, preferences and red lines.
//!
//! Rules: only negotiators' consent makes a deal (and they must have
//! preferences); an outcome crosses a red line when its issue takes one of
//! the line's values, whatever the rest of the outcome.

use serde::{Deserialize, Serialize};

use super::utility::UtilityFunction;

/// What a party does at the table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    /// Bargains for itself; has preferences; its consent is needed for a deal.
    Negotiator,
    /// Hosts or facilitates; proposes packages but need not consent.
    Mediator,
    /// Watches and may press, but is not a signatory.
    Observer,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Negotiator => "negotiator",
            Role::Mediator => "mediator",
            Role::Observer => "observer",
        })
    }
}

/// Somebody at (or around) the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// The party's name, unique in the scenario.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// Who speaks for the party (e.g. the head of delegation).
    pub representative: Option<String>,
    /// Free text about the party.
    pub notes: Option<String>,
    /// Required for negotiators, optional for the others.
    pub preferences: Option<Preferences>,
}

/// A party's private valuation of outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preferences {
    /// Its utility over outcomes.
    pub utility: UtilityFunction,
    /// Utility of no agreement. `None` means the party gets nothing it values
    /// from no deal (its worst utility is used as the disagreement point).
    pub reservation_value: Option<f64>,
    /// GENIUS discount factor d: utility at relative time t is u·d^t. Kept and
    /// reported; the static analysis does not apply it.
    pub discount_factor: Option<f64>,
    /// Outcomes the party will never accept, whatever else they contain.
    pub red_lines: Vec<RedLine>,
}

/// "Never an outcome whose `issue` takes one of `values`."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedLine {
    /// Index of the issue.
    pub issue: usize,
    /// Indices of the forbidden values of that issue.
    pub values: Vec<u32>,
    /// Free text about the red line.
    pub notes: Option<String>,
}

impl Preferences {
    /// Whether the outcome crosses one of the party's red lines.
    pub fn crosses_red_line(&self, outcome: &[u32]) -> bool {
        self.red_lines
            .iter()
            .any(|r| r.values.contains(&outcome[r.issue]))
    }
}
