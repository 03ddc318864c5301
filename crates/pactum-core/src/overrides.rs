//! What-if overrides: change one number of a scenario (`Ukraine.reservation=0.45`,
//! `Russia.weight.territory=0.5`) to see how the fair packages move when
//! leverage shifts.
//!
//! Accepted keys (party and issue names as in the scenario):
//!
//! * `PARTY.reservation=X` — the reservation value;
//! * `PARTY.weight.ISSUE=X` — one weight; the party's other weights are
//!   rescaled so the total stays what it was;
//! * `PARTY.value.ISSUE.OPTION=X` — one entry of a value table;
//! * `PARTY.discount_factor=X`.
//!
//! Rules: an override is parsed against a scenario ([`Override::parse`]),
//! which resolves its party, issue and option by name (a party name may
//! hold dots: the longest matching name wins) and refuses a non-finite
//! number, a negative weight and a table value outside [0, 1]; applying it
//! ([`Override::apply`]) changes a copy of the scenario and keeps it only
//! when the result passes validation, so a scenario is never left invalid.
//! Errors quote the override as given and say why it was refused; they do
//! not name how it was given (a command-line flag, a form field).

use thiserror::Error;

use crate::error::ModelError;
use crate::model::{Scenario, UtilityFunction, ValueFunction};

/// An override refused, with the text it was given as.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{spec:?}: {reason}")]
pub struct OverrideError {
    /// The override as given (`PARTY.KEY=VALUE`).
    pub spec: String,
    /// Why it was refused.
    pub reason: OverrideReason,
}

/// Why an override was refused.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum OverrideReason {
    /// There is no `=`.
    #[error("expected KEY=VALUE")]
    Syntax,
    /// The value does not parse as a number.
    #[error("{0:?} is not a number")]
    NotANumber(String),
    /// The value is infinite or NaN.
    #[error("the value must be a finite number")]
    NotFinite,
    /// The key starts with no party's name.
    #[error("no party named at the start of {key:?} (parties: {parties})")]
    UnknownParty {
        /// The key given.
        key: String,
        /// The scenario's parties, comma-separated.
        parties: String,
    },
    /// The party named has no preferences to change.
    #[error("{0} has no preferences")]
    NoPreferences(String),
    /// The issue named is not in the scenario.
    #[error("unknown issue {issue:?} (issues: {issues})")]
    UnknownIssue {
        /// The issue name given.
        issue: String,
        /// The scenario's issues, comma-separated.
        issues: String,
    },
    /// A weight below 0.
    #[error("a weight must be ≥ 0")]
    NegativeWeight,
    /// The party's utility is nonlinear, so it has no weights.
    #[error("{0}'s utility has no weights (it is nonlinear)")]
    NoWeights(String),
    /// A weight above the total of the party's weights.
    #[error("weight {weight} exceeds the total weight {total}")]
    WeightAboveTotal {
        /// The weight asked for.
        weight: f64,
        /// The total it may not exceed.
        total: f64,
    },
    /// The other weights are 0, so no rescaling keeps the total.
    #[error("the other weights are all 0, so the total cannot be kept")]
    OtherWeightsZero,
    /// `value.` is not followed by an issue name and an option.
    #[error("expected value.ISSUE.OPTION, got value.{0}")]
    ValuePath(String),
    /// The option is not a value of the issue.
    #[error("{option:?} is not a value of issue {issue:?}")]
    UnknownOption {
        /// The option given.
        option: String,
        /// The issue's name.
        issue: String,
    },
    /// The party's utility is nonlinear, so it has no value tables.
    #[error("{0}'s utility has no value tables")]
    NoTables(String),
    /// The issue is valued by a function, not a table.
    #[error("issue {0:?} has a value function, not a table")]
    NotATable(String),
    /// A table value outside [0, 1].
    #[error("a value must lie in [0, 1]")]
    ValueOutOfRange,
    /// The key after the party's name is none of the accepted ones.
    #[error(
        "unknown key {key:?} for {party} (expected reservation, discount_factor, weight.ISSUE or value.ISSUE.OPTION)"
    )]
    UnknownKey {
        /// The key after the party's name.
        key: String,
        /// The party's name.
        party: String,
    },
    /// The changed scenario breaks one of the model's invariants.
    #[error("{0}")]
    Invalid(ModelError),
}

/// What an override changes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Reservation,
    DiscountFactor,
    Weight { issue: usize },
    Value { issue: usize, option: u32 },
}

/// A parsed override: one number of one party's preferences.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    spec: String,
    party: usize,
    target: Target,
    value: f64,
}

impl Override {
    /// Parses `spec` (`PARTY.KEY=VALUE`) against `scenario`.
    pub fn parse(scenario: &Scenario, spec: &str) -> Result<Override, OverrideError> {
        let bad = |reason| OverrideError {
            spec: spec.to_string(),
            reason,
        };
        let (key, value) = spec
            .split_once('=')
            .ok_or_else(|| bad(OverrideReason::Syntax))?;
        let x: f64 = value
            .trim()
            .parse()
            .map_err(|_| bad(OverrideReason::NotANumber(value.trim().to_string())))?;
        if !x.is_finite() {
            return Err(bad(OverrideReason::NotFinite));
        }
        // Party names may contain dots, so match the longest party-name prefix.
        let key = key.trim();
        let (party, rest) = scenario
            .parties
            .iter()
            .enumerate()
            .filter_map(|(i, party)| {
                key.strip_prefix(&party.name)?
                    .strip_prefix('.')
                    .map(|rest| (i, rest))
            })
            .max_by_key(|(i, _)| scenario.parties[*i].name.len())
            .ok_or_else(|| {
                bad(OverrideReason::UnknownParty {
                    key: key.to_string(),
                    parties: names(scenario.parties.iter().map(|p| p.name.as_str())),
                })
            })?;
        let party_name = &scenario.parties[party].name;
        if scenario.parties[party].preferences.is_none() {
            return Err(bad(OverrideReason::NoPreferences(party_name.clone())));
        }
        let issues = &scenario.issues;
        let issue_of = |name: &str| {
            issues.iter().position(|i| i.name == name).ok_or_else(|| {
                bad(OverrideReason::UnknownIssue {
                    issue: name.to_string(),
                    issues: names(issues.iter().map(|i| i.name.as_str())),
                })
            })
        };
        let target = if rest == "reservation" {
            Target::Reservation
        } else if rest == "discount_factor" {
            Target::DiscountFactor
        } else if let Some(issue_name) = rest.strip_prefix("weight.") {
            Target::Weight {
                issue: issue_of(issue_name)?,
            }
        } else if let Some(path) = rest.strip_prefix("value.") {
            let (issue, option) = issues
                .iter()
                .enumerate()
                .filter_map(|(i, issue)| {
                    path.strip_prefix(&issue.name)?
                        .strip_prefix('.')
                        .map(|o| (i, o))
                })
                .next()
                .ok_or_else(|| bad(OverrideReason::ValuePath(path.to_string())))?;
            let option = issues[issue].parse_value(option).ok_or_else(|| {
                bad(OverrideReason::UnknownOption {
                    option: option.to_string(),
                    issue: issues[issue].name.clone(),
                })
            })?;
            Target::Value { issue, option }
        } else {
            return Err(bad(OverrideReason::UnknownKey {
                key: rest.to_string(),
                party: party_name.to_string(),
            }));
        };
        let o = Override {
            spec: spec.to_string(),
            party,
            target,
            value: x,
        };
        // Checked now, against the scenario parsed with, and again when
        // applied (to whichever scenario it is applied to).
        o.change(&mut scenario.clone())?;
        Ok(o)
    }

    /// The override as given.
    pub fn spec(&self) -> &str {
        &self.spec
    }

    /// The position of the party whose preferences it changes.
    pub fn party(&self) -> usize {
        self.party
    }

    /// The number it sets.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// Applies the override to `scenario` (the one it was parsed against, or
    /// one with the same parties and issues). The scenario is changed only
    /// when the result is valid.
    pub fn apply(&self, scenario: &mut Scenario) -> Result<(), OverrideError> {
        let mut changed = scenario.clone();
        self.change(&mut changed)?;
        changed
            .validate()
            .map_err(|e| self.error(OverrideReason::Invalid(e)))?;
        *scenario = changed;
        Ok(())
    }

    fn error(&self, reason: OverrideReason) -> OverrideError {
        OverrideError {
            spec: self.spec.clone(),
            reason,
        }
    }

    /// Makes the change on `scenario`, without validating the result.
    fn change(&self, scenario: &mut Scenario) -> Result<(), OverrideError> {
        let x = self.value;
        let issues = &scenario.issues;
        let parties = names(scenario.parties.iter().map(|p| p.name.as_str()));
        let party = scenario.parties.get_mut(self.party).ok_or_else(|| {
            self.error(OverrideReason::UnknownParty {
                key: self.spec.split('=').next().unwrap_or("").trim().to_string(),
                parties,
            })
        })?;
        let party_name = party.name.clone();
        let prefs = party
            .preferences
            .as_mut()
            .ok_or_else(|| self.error(OverrideReason::NoPreferences(party_name.clone())))?;
        match self.target {
            Target::Reservation => prefs.reservation_value = Some(x),
            Target::DiscountFactor => prefs.discount_factor = Some(x),
            Target::Weight { issue: i } => {
                if x < 0.0 {
                    return Err(self.error(OverrideReason::NegativeWeight));
                }
                let UtilityFunction::Additive(a) = &mut prefs.utility else {
                    return Err(self.error(OverrideReason::NoWeights(party_name)));
                };
                let total: f64 = a.weights.iter().sum();
                let others: f64 = total - a.weights[i];
                if x > total {
                    return Err(self.error(OverrideReason::WeightAboveTotal { weight: x, total }));
                }
                if others > 0.0 {
                    let scale = (total - x) / others;
                    for (j, w) in a.weights.iter_mut().enumerate() {
                        if j != i {
                            *w *= scale;
                        }
                    }
                } else if x < total {
                    return Err(self.error(OverrideReason::OtherWeightsZero));
                }
                a.weights[i] = x;
            }
            Target::Value { issue: i, option } => {
                let UtilityFunction::Additive(a) = &mut prefs.utility else {
                    return Err(self.error(OverrideReason::NoTables(party_name)));
                };
                let ValueFunction::Table(t) = &mut a.values[i] else {
                    return Err(self.error(OverrideReason::NotATable(issues[i].name.clone())));
                };
                if !(0.0..=1.0).contains(&x) {
                    return Err(self.error(OverrideReason::ValueOutOfRange));
                }
                t[option as usize] = x;
            }
        }
        Ok(())
    }
}

/// Parses `spec` against `scenario` and applies it ([`Override::parse`],
/// then [`Override::apply`]).
pub fn apply(scenario: &mut Scenario, spec: &str) -> Result<(), OverrideError> {
    Override::parse(scenario, spec)?.apply(scenario)
}

/// Names, comma-separated.
fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn car() -> Scenario {
        crate::native::from_toml(
            "t.toml",
            r#"
name = "t"
[[issues]]
name = "a"
options = ["x", "y"]
[[issues]]
name = "b"
options = ["x", "y"]
[[parties]]
name = "P.1"
weights = { a = 0.6, b = 0.4 }
values.a = { x = 1.0, y = 0.0 }
values.b = { x = 0.0, y = 1.0 }
"#,
        )
        .unwrap()
        .scenario
    }

    fn weights(s: &Scenario) -> Vec<f64> {
        s.parties[0]
            .preferences
            .as_ref()
            .unwrap()
            .utility
            .as_additive()
            .unwrap()
            .weights
            .clone()
    }

    #[test]
    fn weight_override_keeps_total() {
        let mut s = car();
        apply(&mut s, "P.1.weight.a=0.2").unwrap();
        let w = weights(&s);
        assert!(
            (w[0] - 0.2).abs() < 1e-12 && (w[1] - 0.8).abs() < 1e-12,
            "{w:?}"
        );
    }

    #[test]
    fn reservation_and_value_overrides() {
        let mut s = car();
        apply(&mut s, "P.1.reservation=0.45").unwrap();
        apply(&mut s, "P.1.value.a.y=0.5").unwrap();
        let prefs = s.parties[0].preferences.as_ref().unwrap();
        assert_eq!(prefs.reservation_value, Some(0.45));
        assert!((prefs.utility.utility(&s.issues, &[1, 0]) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn bad_overrides_say_why() {
        let mut s = car();
        for (spec, needle) in [
            ("Q.reservation=1", "no party"),
            ("P.1.weight.c=0.1", "unknown issue \"c\""),
            ("P.1.weight.a=-1", "≥ 0"),
            ("P.1.reservation=abc", "not a number"),
            ("P.1.colour=1", "unknown key"),
            ("P.1.value.a.z=0.5", "not a value"),
            ("P.1.reservation", "KEY=VALUE"),
        ] {
            let e = apply(&mut s, spec).unwrap_err().to_string();
            assert!(e.contains(needle), "{spec}: {e}");
            // Quoted as given, and no flag named.
            assert!(e.starts_with(&format!("{spec:?}: ")), "{e}");
        }
    }

    #[test]
    fn parsed_overrides_apply_only_when_the_result_is_valid() {
        let mut s = car();
        let o = Override::parse(&s, "P.1.reservation=2e9").unwrap();
        assert_eq!(
            (o.party(), o.value(), o.spec()),
            (0, 2e9, "P.1.reservation=2e9")
        );
        let before = s.clone();
        let e = o.apply(&mut s).unwrap_err();
        assert!(matches!(e.reason, OverrideReason::Invalid(_)), "{e}");
        assert_eq!(
            s, before,
            "a refused override leaves the scenario unchanged"
        );
        let e = Override::parse(&s, "P.1.weight.a=2").unwrap_err();
        assert_eq!(
            e.reason,
            OverrideReason::WeightAboveTotal {
                weight: 2.0,
                total: 1.0
            }
        );
    }
}
