//! The check every scenario passes: the invariants listed in the model's
//! documentation.
//!
//! Rules: the first violation found is reported as a [`ModelError`] naming
//! the field (`parties[1] (Russia).weights.territory`) and saying why.

use super::issue::IssueKind;
use super::limits::{
    MAX_COORDINATE, MAX_ISSUE_VALUES, MAX_MAGNITUDE, check_magnitude, short_number,
};
use super::party::{Preferences, Role};
use super::scenario::Scenario;
use super::utility::{UtilityFunction, ValueFunction};
use crate::error::ModelError;

impl Scenario {
    /// Checks the invariants listed in the model's documentation.
    pub fn validate(&self) -> Result<(), ModelError> {
        let err = |field: String, message: String| Err(ModelError::Invalid { field, message });
        if self.issues().is_empty() {
            return err(
                "issues".into(),
                "a scenario needs at least one issue".into(),
            );
        }
        for (i, issue) in self.issues().iter().enumerate() {
            let field = format!("issues[{i}] ({})", issue.name);
            if issue.name.trim().is_empty() {
                return err(format!("issues[{i}].name"), "issue name is empty".into());
            }
            if self.issues()[..i].iter().any(|o| o.name == issue.name) {
                return err(field, format!("duplicate issue name {:?}", issue.name));
            }
            match &issue.kind {
                IssueKind::Discrete { options } => {
                    if options.is_empty() {
                        return err(field, "a discrete issue needs at least one option".into());
                    }
                    if options.len() as u64 > MAX_ISSUE_VALUES {
                        return err(
                            format!("{field}.options"),
                            format!(
                                "{} options; an issue has at most {MAX_ISSUE_VALUES} values",
                                options.len()
                            ),
                        );
                    }
                    for (k, o) in options.iter().enumerate() {
                        if options[..k].contains(o) {
                            return err(field, format!("duplicate option {o:?}"));
                        }
                    }
                }
                IssueKind::Integer { min, max } => {
                    if min > max {
                        return err(field, format!("min {min} is above max {max}"));
                    }
                    let values = *max as i128 - *min as i128 + 1;
                    if values > MAX_ISSUE_VALUES as i128 {
                        return err(
                            field,
                            format!(
                                "integer range {min}..={max} has {values} values; an issue has at most {MAX_ISSUE_VALUES}"
                            ),
                        );
                    }
                }
                IssueKind::Real { min, max, levels } => {
                    if !(min.is_finite() && max.is_finite()) || min > max {
                        return err(field, format!("invalid real interval [{min}, {max}]"));
                    }
                    for (name, x) in [("min", min), ("max", max)] {
                        if let Err(m) = check_magnitude(name, *x, MAX_COORDINATE) {
                            return err(format!("{field}.{name}"), m.to_string());
                        }
                    }
                    if *levels == 0 {
                        return err(field, "a real issue needs at least one level".into());
                    }
                    if *levels as u64 > MAX_ISSUE_VALUES {
                        return err(
                            format!("{field}.levels"),
                            format!(
                                "{levels} levels; an issue has at most {MAX_ISSUE_VALUES} values"
                            ),
                        );
                    }
                }
            }
        }
        if self.parties().is_empty() {
            return err(
                "parties".into(),
                "a scenario needs at least one party".into(),
            );
        }
        for (p, party) in self.parties().iter().enumerate() {
            let field = format!("parties[{p}] ({})", party.name);
            if party.name.trim().is_empty() {
                return err(format!("parties[{p}].name"), "party name is empty".into());
            }
            if self.parties()[..p].iter().any(|o| o.name == party.name) {
                return err(field, format!("duplicate party name {:?}", party.name));
            }
            match &party.preferences {
                None if party.role == Role::Negotiator => {
                    return err(field, "a negotiator needs preferences".into());
                }
                None => {}
                Some(prefs) => self.validate_preferences(&field, prefs)?,
            }
        }
        Ok(())
    }

    fn validate_preferences(&self, field: &str, prefs: &Preferences) -> Result<(), ModelError> {
        let err = |sub: &str, message: String| {
            Err(ModelError::Invalid {
                field: format!("{field}.{sub}"),
                message,
            })
        };
        if let Some(r) = prefs.reservation_value {
            check_magnitude("reservation value", r, MAX_MAGNITUDE)
                .or_else(|m| err("reservation", m.to_string()))?;
        }
        if let Some(d) = prefs.discount_factor
            && !(d > 0.0 && d <= 1.0)
        {
            return err(
                "discount_factor",
                format!("discount factor {d} is outside (0, 1]"),
            );
        }
        for (n, red) in prefs.red_lines.iter().enumerate() {
            let Some(issue) = self.issues().get(red.issue) else {
                return err(
                    &format!("red_lines[{n}]"),
                    format!("no issue #{}", red.issue),
                );
            };
            if let Some(v) = red
                .values
                .iter()
                .find(|&&v| v as u64 >= issue.cardinality())
            {
                return err(
                    &format!("red_lines[{n}]"),
                    format!("no value #{v} on issue {}", issue.name),
                );
            }
        }
        match &prefs.utility {
            UtilityFunction::Additive(a) => {
                if a.weights.len() != self.issues().len() || a.values.len() != self.issues().len() {
                    return err(
                        "weights",
                        format!(
                            "{} weights and {} value functions for {} issues",
                            a.weights.len(),
                            a.values.len(),
                            self.issues().len()
                        ),
                    );
                }
                for (i, (w, vf)) in a.weights.iter().zip(&a.values).enumerate() {
                    let issue = &self.issues()[i];
                    if !w.is_finite() || *w < 0.0 {
                        return err(
                            &format!("weights.{}", issue.name),
                            format!("weight {w} must be a finite number ≥ 0"),
                        );
                    }
                    check_magnitude("weight", *w, MAX_MAGNITUDE)
                        .or_else(|m| err(&format!("weights.{}", issue.name), m.to_string()))?;
                    let sub = format!("values.{}", issue.name);
                    match (vf, &issue.kind) {
                        (ValueFunction::Table(t), IssueKind::Discrete { options }) => {
                            if t.len() != options.len() {
                                return err(
                                    &sub,
                                    format!("{} values for {} options", t.len(), options.len()),
                                );
                            }
                            for (v, option) in t.iter().zip(options) {
                                check_magnitude("value", *v, MAX_MAGNITUDE)
                                    .or_else(|m| err(&format!("{sub}.{option}"), m.to_string()))?;
                            }
                        }
                        (ValueFunction::Table(_), _) => {
                            return err(&sub, "a value table needs a discrete issue".into());
                        }
                        (_, IssueKind::Discrete { .. }) => {
                            return err(&sub, "a discrete issue needs a value table".into());
                        }
                        (ValueFunction::PiecewiseLinear { points }, _) => {
                            if points.is_empty() {
                                return err(&sub, "piecewise-linear function has no points".into());
                            }
                            if points.windows(2).any(|w| w[1].0 < w[0].0) {
                                return err(
                                    &sub,
                                    "piecewise-linear points must be sorted by x".into(),
                                );
                            }
                            for (x, v) in points {
                                check_magnitude("point", *x, MAX_COORDINATE)
                                    .and_then(|()| check_magnitude("value", *v, MAX_MAGNITUDE))
                                    .or_else(|m| err(&format!("{sub}.points"), m.to_string()))?;
                            }
                        }
                        (ValueFunction::Linear { slope, offset }, _) => {
                            check_magnitude("slope", *slope, MAX_MAGNITUDE)
                                .and_then(|()| check_magnitude("offset", *offset, MAX_MAGNITUDE))
                                .or_else(|m| err(&sub, m.to_string()))?;
                        }
                        (ValueFunction::Constant(c), _) => {
                            check_magnitude("constant", *c, MAX_MAGNITUDE)
                                .or_else(|m| err(&sub, m.to_string()))?;
                        }
                        (ValueFunction::Triangular { low, peak, high }, _) => {
                            for (name, x) in [("low", low), ("peak", peak), ("high", high)] {
                                check_magnitude(name, *x, MAX_COORDINATE)
                                    .or_else(|m| err(&sub, m.to_string()))?;
                            }
                            if !(low <= peak && peak <= high) {
                                return err(&sub, "triangular needs low ≤ peak ≤ high".into());
                            }
                        }
                    }
                }
            }
            UtilityFunction::HyperRectangles(h) => {
                if !(h.normalizer.is_finite() && h.normalizer >= 1.0 / MAX_MAGNITUDE) {
                    return err(
                        "utility",
                        format!(
                            "normalizer {} must be a finite number of at least {:e}",
                            short_number(h.normalizer),
                            1.0 / MAX_MAGNITUDE
                        ),
                    );
                }
                for (n, r) in h.rectangles.iter().enumerate() {
                    check_magnitude("utility", r.utility, MAX_MAGNITUDE)
                        .or_else(|m| err(&format!("utility.rectangles[{n}]"), m.to_string()))?;
                    if r.bounds.iter().any(|b| b.1.is_nan() || b.2.is_nan()) {
                        return err(
                            &format!("utility.rectangles[{n}]"),
                            "hyper-rectangle bounds must be numbers".into(),
                        );
                    }
                    if let Some(&(i, _, _)) = r.bounds.iter().find(|b| b.0 >= self.issues().len()) {
                        return err(
                            "utility",
                            format!("hyper-rectangle names issue #{i}, which does not exist"),
                        );
                    }
                }
            }
        }
        Ok(())
    }
}
