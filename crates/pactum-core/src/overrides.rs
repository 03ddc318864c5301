//! What-if overrides: change one number of a scenario from the command line
//! (`Ukraine.reservation=0.45`, `Russia.weight.territory=0.5`) to see how the
//! fair packages move when leverage shifts.
//!
//! Accepted keys (party and issue names as in the scenario):
//!
//! * `PARTY.reservation=X` — the reservation value;
//! * `PARTY.weight.ISSUE=X` — one weight; the party's other weights are
//!   rescaled so the total stays what it was;
//! * `PARTY.value.ISSUE.OPTION=X` — one entry of a value table;
//! * `PARTY.discount_factor=X`.

use crate::error::{Error, Result};
use crate::model::{Scenario, UtilityFunction, ValueFunction};

/// Applies one `KEY=VALUE` override, then re-validates the scenario.
pub fn apply(scenario: &mut Scenario, spec: &str) -> Result<()> {
    let bad = |msg: String| Error::Override(format!("--set {spec:?}: {msg}"));
    let (key, value) = spec
        .split_once('=')
        .ok_or_else(|| bad("expected KEY=VALUE".into()))?;
    let x: f64 = value
        .trim()
        .parse()
        .map_err(|_| bad(format!("{:?} is not a number", value.trim())))?;
    if !x.is_finite() {
        return Err(bad("the value must be a finite number".into()));
    }
    // Party names may contain dots, so match the longest party-name prefix.
    let key = key.trim();
    let (p, rest) = scenario
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
            let names: Vec<&str> = scenario.parties.iter().map(|p| p.name.as_str()).collect();
            bad(format!(
                "no party named at the start of {key:?} (parties: {})",
                names.join(", ")
            ))
        })?;
    let party_name = scenario.parties[p].name.clone();
    let issues = scenario.issues.clone();
    let issue_of = |name: &str| {
        issues.iter().position(|i| i.name == name).ok_or_else(|| {
            let names: Vec<&str> = issues.iter().map(|i| i.name.as_str()).collect();
            bad(format!(
                "unknown issue {name:?} (issues: {})",
                names.join(", ")
            ))
        })
    };
    let prefs = scenario.parties[p]
        .preferences
        .as_mut()
        .ok_or_else(|| bad(format!("{party_name} has no preferences")))?;
    if rest == "reservation" {
        prefs.reservation_value = Some(x);
    } else if rest == "discount_factor" {
        prefs.discount_factor = Some(x);
    } else if let Some(issue_name) = rest.strip_prefix("weight.") {
        let i = issue_of(issue_name)?;
        if x < 0.0 {
            return Err(bad("a weight must be ≥ 0".into()));
        }
        let UtilityFunction::Additive(a) = &mut prefs.utility else {
            return Err(bad(format!(
                "{party_name}'s utility has no weights (it is nonlinear)"
            )));
        };
        let total: f64 = a.weights.iter().sum();
        let others: f64 = total - a.weights[i];
        if x > total {
            return Err(bad(format!("weight {x} exceeds the total weight {total}")));
        }
        if others > 0.0 {
            let scale = (total - x) / others;
            for (j, w) in a.weights.iter_mut().enumerate() {
                if j != i {
                    *w *= scale;
                }
            }
        } else if x < total {
            return Err(bad(
                "the other weights are all 0, so the total cannot be kept".into(),
            ));
        }
        a.weights[i] = x;
    } else if let Some(path) = rest.strip_prefix("value.") {
        let (i, option) = issues
            .iter()
            .enumerate()
            .filter_map(|(i, issue)| {
                path.strip_prefix(&issue.name)?
                    .strip_prefix('.')
                    .map(|o| (i, o))
            })
            .next()
            .ok_or_else(|| bad(format!("expected value.ISSUE.OPTION, got value.{path}")))?;
        let k = issues[i].parse_value(option).ok_or_else(|| {
            bad(format!(
                "{option:?} is not a value of issue {:?}",
                issues[i].name
            ))
        })?;
        let UtilityFunction::Additive(a) = &mut prefs.utility else {
            return Err(bad(format!("{party_name}'s utility has no value tables")));
        };
        let ValueFunction::Table(t) = &mut a.values[i] else {
            return Err(bad(format!(
                "issue {:?} has a value function, not a table",
                issues[i].name
            )));
        };
        if !(0.0..=1.0).contains(&x) {
            return Err(bad("a value must lie in [0, 1]".into()));
        }
        t[k as usize] = x;
    } else {
        return Err(bad(format!(
            "unknown key {rest:?} for {party_name} (expected reservation, discount_factor, weight.ISSUE or value.ISSUE.OPTION)"
        )));
    }
    scenario.validate().map_err(|e| bad(e.to_string()))
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
        }
    }
}
