//! The checks of a `forecast` section, written once over the typed section whichever form
//! the file is in, and the one-dimensional cases built from it.
//!
//! Rules: every actor has a name (given once), a capability ≥ 0 and, when the scenario has
//! parties, is a party or marked `extra` (and every party is listed); at least two actors and
//! one issue; every issue has a name (given once), anchors for both ends of the 0–100 scale,
//! and a position and salience for every actor; positions, status quo and anchors lie on the
//! scale; a `[low, high]` range lies within its bounds and contains its value. Every error
//! names the file, the field path and, where known, the line.

use std::path::Path;

use pactum_core::model::check_magnitude;
use pactum_core::native::{ForecastActorFile, ForecastIssueFile};

use super::deserialize::deserialize;
use super::spans::{Seg, Spans, at, key};
use super::{ForecastActor, ForecastIssue, ForecastScenario, Format, SCALE};
use crate::error::{ForecastError, Location, Result};
use crate::model::{Actor, Anchor, Case, Issue, MAX_CAPABILITY};
use crate::uncertainty::{Ranges, Uncertainty, ValueRange};

// ------------------------------------------------------------------ checking

struct Ctx<'a> {
    file: &'a str,
    spans: &'a Spans,
}

impl Ctx<'_> {
    fn line(&self, at: &[Seg]) -> Option<usize> {
        self.spans.line(at)
    }

    fn loc(&self, at: &[Seg], field: impl Into<String>) -> Location {
        Location::new(self.file, self.line(at), field)
    }

    fn err(
        &self,
        at: &[Seg],
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> ForecastError {
        ForecastError::Format {
            loc: self.loc(at, field),
            message: message.into(),
        }
    }

    fn capability(&self, c: f64, at: &[Seg], field: String) -> Result<f64> {
        if !c.is_finite() {
            return Err(ForecastError::NotANumber {
                loc: self.loc(at, field),
                value: c.to_string(),
            });
        }
        if c < 0.0 {
            return Err(ForecastError::NegativeCapability {
                loc: self.loc(at, field),
                value: c,
            });
        }
        check_magnitude("capability", c, MAX_CAPABILITY)
            .map_err(|message| self.err(at, field, message))?;
        Ok(c)
    }

    fn on_scale(&self, x: f64, at: &[Seg], field: String, what: &str) -> Result<f64> {
        if !x.is_finite() {
            return Err(ForecastError::NotANumber {
                loc: self.loc(at, field),
                value: x.to_string(),
            });
        }
        if !(SCALE.lo..=SCALE.hi).contains(&x) {
            return Err(self.err(at, field, format!("{what} {x} outside the 0-100 scale")));
        }
        Ok(x)
    }

    fn salience(&self, s: f64, at: &[Seg], field: String) -> Result<f64> {
        if !s.is_finite() || !(0.0..=100.0).contains(&s) {
            return Err(ForecastError::SalienceOutOfRange {
                loc: self.loc(at, field),
                value: s,
            });
        }
        Ok(s)
    }

    /// A `[low, high]` range that lies within `bounds` and contains `value`.
    fn range(
        &self,
        (lo, hi): ValueRange,
        at: &[Seg],
        field: String,
        value: f64,
        bounds: (f64, f64),
    ) -> Result<ValueRange> {
        if !lo.is_finite() || !hi.is_finite() || lo > hi {
            return Err(self.err(
                at,
                field,
                format!("range [{lo}, {hi}] must be [low, high] with low <= high"),
            ));
        }
        if lo < bounds.0 || hi > bounds.1 {
            let upper = if bounds.1.is_finite() {
                bounds.1.to_string()
            } else {
                "∞".into()
            };
            return Err(self.err(
                at,
                field,
                format!("range [{lo}, {hi}] goes outside {}..{upper}", bounds.0),
            ));
        }
        if value < lo || value > hi {
            return Err(self.err(
                at,
                field,
                format!("range [{lo}, {hi}] does not contain the value {value}"),
            ));
        }
        Ok((lo, hi))
    }
}

fn case_name(file: &str) -> String {
    Path::new(file)
        .file_stem()
        .map_or(file.to_string(), |s| s.to_string_lossy().into_owned())
}

/// Parses the `forecast` section of a scenario written in `format`. The checks and the
/// cases built are the same for both formats; errors name the file, the field path and,
/// where the value is found in the text, its line.
pub fn parse_scenario_as(text: &str, file: &str, format: Format) -> Result<ForecastScenario> {
    let (raw, spans) = deserialize(text, file, format)?;
    let ctx = Ctx {
        file,
        spans: &spans,
    };
    let Some(f) = raw.forecast else {
        let message = match format {
            Format::Toml => "the file has no [forecast] section (see docs/forecasting.md)",
            Format::Json => "the file has no \"forecast\" object (see docs/forecasting.md)",
        };
        return Err(ForecastError::Format {
            loc: Location::new(file, None, "forecast"),
            message: message.into(),
        });
    };
    let fpath = [key("forecast")];
    let parties: Vec<String> = raw.parties.into_iter().map(|p| p.name).collect();

    let mut uncertainty = Uncertainty::default();
    if let Some(u) = &f.uncertainty {
        let check = |v: Option<f64>, k: &str| -> Result<Option<f64>> {
            let Some(x) = v else { return Ok(None) };
            if !x.is_finite() || x < 0.0 {
                return Err(ctx.err(
                    &at(&fpath, &[key("uncertainty"), key(k)]),
                    format!("forecast.uncertainty.{k}"),
                    format!("{x} must be a non-negative number"),
                ));
            }
            Ok(Some(x))
        };
        uncertainty = Uncertainty {
            capability: check(u.capability, "capability")?,
            position: check(u.position, "position")?,
            salience: check(u.salience, "salience")?,
        };
    }

    let mut actors: Vec<ForecastActor> = Vec::new();
    for (i, a) in f.actors.iter().enumerate() {
        actors.push(check_actor(&ctx, i, a, &parties, &actors)?);
    }
    if let Some(missing) = parties
        .iter()
        .find(|p| !actors.iter().any(|a| &a.name == *p))
    {
        return Err(ctx.err(
            &fpath,
            "forecast.actors",
            format!(
                "party `{missing}` has no [[forecast.actors]] entry; list every party, mediator \
                 and observer with its capability"
            ),
        ));
    }
    if actors.len() < 2 {
        return Err(ctx.err(
            &fpath,
            "forecast.actors",
            format!(
                "{} actor{} in [[forecast.actors]]; at least two are needed",
                actors.len(),
                if actors.len() == 1 { "" } else { "s" }
            ),
        ));
    }

    if f.issues.is_empty() {
        return Err(ctx.err(
            &fpath,
            "forecast.issues",
            "the forecast section has no [[forecast.issues]]",
        ));
    }
    let mut issues: Vec<ForecastIssue> = Vec::new();
    for (k, iss) in f.issues.iter().enumerate() {
        issues.push(check_issue(&ctx, k, iss, &actors, &issues)?);
    }

    Ok(ForecastScenario {
        name: raw.name.unwrap_or_else(|| case_name(file)),
        file: file.to_string(),
        notes: f.notes,
        uncertainty,
        actors,
        issues,
    })
}

/// " (first on line N)" when the line is known.
fn first_on(line: Option<usize>) -> String {
    line.map_or_else(String::new, |l| format!(" (first on line {l})"))
}

fn check_actor(
    ctx: &Ctx<'_>,
    i: usize,
    a: &ForecastActorFile,
    parties: &[String],
    earlier: &[ForecastActor],
) -> Result<ForecastActor> {
    let base = [key("forecast"), key("actors"), Seg::Index(i)];
    let name_at = at(&base, &[key("name")]);
    let name = a.name.trim().to_string();
    let path = format!("forecast.actors[{i}] ({name})");
    if name.is_empty() {
        return Err(ctx.err(
            &name_at,
            format!("forecast.actors[{i}].name"),
            "empty actor name",
        ));
    }
    if let Some(prev) = earlier.iter().find(|x| x.name == name) {
        return Err(ctx.err(
            &name_at,
            format!("{path}.name"),
            format!("actor `{name}` is listed twice{}", first_on(prev.line)),
        ));
    }
    if !parties.is_empty() {
        let is_party = parties.contains(&name);
        if !is_party && !a.extra {
            return Err(ctx.err(
                &name_at,
                format!("{path}.name"),
                format!(
                    "`{name}` is not a party of the scenario (parties: {}); write \
                     `extra = true` for an actor outside the negotiation model",
                    parties.join(", ")
                ),
            ));
        }
        if is_party && a.extra {
            return Err(ctx.err(
                &name_at,
                format!("{path}.extra"),
                format!("`{name}` is a party of the scenario; remove `extra = true`"),
            ));
        }
    }
    let Some(cap) = a.capability else {
        return Err(ctx.err(
            &name_at,
            format!("{path}.capability"),
            format!("actor `{name}` has no capability"),
        ));
    };
    let capability = ctx.capability(
        cap,
        &at(&base, &[key("capability")]),
        format!("{path}.capability"),
    )?;
    let capability_range = match a.capability_range {
        Some(r) => Some(ctx.range(
            r,
            &at(&base, &[key("capability_range")]),
            format!("{path}.capability_range"),
            capability,
            (0.0, f64::INFINITY),
        )?),
        None => None,
    };
    Ok(ForecastActor {
        name,
        capability,
        capability_range,
        extra: a.extra,
        notes: a.notes.clone(),
        line: ctx.line(&name_at),
    })
}

fn check_issue(
    ctx: &Ctx<'_>,
    k: usize,
    iss: &ForecastIssueFile,
    actors: &[ForecastActor],
    earlier: &[ForecastIssue],
) -> Result<ForecastIssue> {
    let base = [key("forecast"), key("issues"), Seg::Index(k)];
    let name_at = at(&base, &[key("name")]);
    let name = iss.name.trim().to_string();
    let path = format!("forecast.issues[{k}] ({name})");
    if name.is_empty() {
        return Err(ctx.err(
            &name_at,
            format!("forecast.issues[{k}].name"),
            "empty issue name",
        ));
    }
    if let Some(prev) = earlier.iter().find(|i| i.case.name == name) {
        return Err(ctx.err(
            &name_at,
            format!("{path}.name"),
            format!("issue `{name}` is listed twice{}", first_on(prev.line)),
        ));
    }
    let status_quo = match iss.status_quo {
        Some(v) => Some(ctx.on_scale(
            v,
            &at(&base, &[key("status_quo")]),
            format!("{path}.status_quo"),
            "status quo",
        )?),
        None => None,
    };

    let Some(raw_anchors) = &iss.anchors else {
        return Err(ctx.err(
            &name_at,
            format!("{path}.anchors"),
            "no anchors: say what 0, 50 and 100 mean, e.g. \
             anchors = { 0 = \"...\", 50 = \"...\", 100 = \"...\" }",
        ));
    };
    let anchors_at = at(&base, &[key("anchors")]);
    let mut anchors = Vec::new();
    for (label_key, label) in raw_anchors {
        let field = format!("{path}.anchors.{label_key}");
        let value = label_key
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                ctx.err(
                    &anchors_at,
                    field.clone(),
                    format!("anchor key `{label_key}` is not a number on the 0-100 scale"),
                )
            })?;
        if !(SCALE.lo..=SCALE.hi).contains(&value) {
            return Err(ctx.err(
                &anchors_at,
                field,
                format!("anchor {value} outside the 0-100 scale"),
            ));
        }
        if label.trim().is_empty() {
            return Err(ctx.err(&anchors_at, field, "empty anchor text"));
        }
        anchors.push(Anchor {
            value,
            label: label.trim().to_string(),
        });
    }
    anchors.sort_by(|a, b| a.value.total_cmp(&b.value));
    for end in [SCALE.lo, SCALE.hi] {
        if !anchors.iter().any(|a| a.value == end) {
            return Err(ctx.err(
                &anchors_at,
                format!("{path}.anchors"),
                format!("no anchor for {end}: both ends of the scale need a written meaning"),
            ));
        }
    }

    let Some(entries) = &iss.actors else {
        return Err(ctx.err(
            &name_at,
            format!("{path}.actors"),
            "no positions: add a [forecast.issues.actors] table with one line per actor, \
             e.g. Ukraine = { position = 0, salience = 90 }",
        ));
    };
    let entries_at = at(&base, &[key("actors")]);
    for who in entries.keys() {
        if !actors.iter().any(|a| &a.name == who) {
            return Err(ctx.err(
                &at(&entries_at, &[key(who)]),
                format!("{path}.actors.{who}"),
                format!("`{who}` is not listed in [[forecast.actors]]"),
            ));
        }
    }
    let n = actors.len();
    let mut ranges = Ranges::none(n);
    let mut case_actors = Vec::with_capacity(n);
    for (i, a) in actors.iter().enumerate() {
        let ap = format!("{path}.actors.{}", a.name);
        let Some(e) = entries.get(&a.name) else {
            return Err(ForecastError::MissingPosition {
                loc: ctx.loc(&entries_at, ap),
                actor: a.name.clone(),
            });
        };
        let e_at = at(&entries_at, &[key(&a.name)]);
        let sub = |k: &str| at(&e_at, &[key(k)]);
        let Some(pos) = e.position else {
            return Err(ForecastError::MissingPosition {
                loc: ctx.loc(&e_at, format!("{ap}.position")),
                actor: a.name.clone(),
            });
        };
        let position = ctx.on_scale(pos, &sub("position"), format!("{ap}.position"), "position")?;
        let Some(sal) = e.salience else {
            return Err(ctx.err(
                &e_at,
                format!("{ap}.salience"),
                format!("actor `{}` has no salience on this issue", a.name),
            ));
        };
        let salience = ctx.salience(sal, &sub("salience"), format!("{ap}.salience"))?;
        let cap_range = |value: f64, fallback: Option<ValueRange>| -> Result<Option<ValueRange>> {
            match e.capability_range {
                Some(r) => Ok(Some(ctx.range(
                    r,
                    &sub("capability_range"),
                    format!("{ap}.capability_range"),
                    value,
                    (0.0, f64::INFINITY),
                )?)),
                None => Ok(fallback),
            }
        };
        let (capability, cap_range) = match e.capability {
            Some(c) => {
                let c = ctx.capability(c, &sub("capability"), format!("{ap}.capability"))?;
                (c, cap_range(c, None)?)
            }
            None => (a.capability, cap_range(a.capability, a.capability_range)?),
        };
        ranges.capability[i] = cap_range;
        if let Some(r) = e.position_range {
            ranges.position[i] = Some(ctx.range(
                r,
                &sub("position_range"),
                format!("{ap}.position_range"),
                position,
                (SCALE.lo, SCALE.hi),
            )?);
        }
        if let Some(r) = e.salience_range {
            ranges.salience[i] = Some(ctx.range(
                r,
                &sub("salience_range"),
                format!("{ap}.salience_range"),
                salience,
                (0.0, 100.0),
            )?);
        }
        let mut actor = Actor::new(a.name.clone(), capability, position, salience);
        actor.line = ctx.line(&e_at);
        case_actors.push(actor);
    }
    let case = Case {
        name: name.clone(),
        source: Some(ctx.file.to_string()),
        issues: vec![Issue {
            name,
            status_quo,
            anchors,
            scale: Some(SCALE),
        }],
        actors: case_actors,
        outcome: None,
    };
    case.validate()?;
    Ok(ForecastIssue {
        case,
        notes: iss.notes.clone(),
        ranges,
        line: ctx.line(&name_at),
    })
}
