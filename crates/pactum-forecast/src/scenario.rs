//! The `[forecast]` section of Pactum's native scenario file (TOML).
//!
//! A negotiation scenario (`examples/istanbul-2025.toml`) models issues with discrete options
//! and each negotiator's utilities. The forecasting models need a different view of the same
//! negotiation: every actor's capability and, per issue, a 0–100 continuum with written anchors,
//! each actor's position and salience on it, and the status quo. The `[forecast]` section holds
//! that view next to the negotiation model. `pactum_core` accepts the section without reading it;
//! this module parses and checks it and turns each issue into a one-dimensional [`Case`].
//!
//! ```toml
//! [forecast]
//! notes = "ILLUSTRATIVE ESTIMATES"
//! uncertainty = { capability = 0.2, position = 5, salience = 10 }   # optional
//!
//! [[forecast.actors]]
//! name = "Ukraine"              # a party of the scenario ...
//! capability = 60
//! capability_range = [50, 70]   # optional, for Monte Carlo
//!
//! [[forecast.actors]]
//! name = "EU"                   # ... or an actor outside the negotiation model
//! extra = true
//! capability = 40
//!
//! [[forecast.issues]]
//! name = "ceasefire"
//! status_quo = 95
//! anchors = { 0 = "immediate ceasefire", 50 = "with a framework deal", 100 = "no ceasefire" }
//! [forecast.issues.actors]
//! Ukraine = { position = 0, salience = 90 }
//! EU = { position = 5, salience = 50, position_range = [0, 15] }
//! ```
//!
//! Every error names the file, the line and the field path
//! (`forecast.issues[0] (ceasefire).actors.Russia.salience`). The format is documented in
//! `docs/forecasting.md`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{ForecastError, Location, Result};
use crate::model::{Actor, Anchor, Case, Issue, Scale};
use crate::montecarlo::{McOptions, Spread};

/// The continuum every forecast issue lives on.
pub const SCALE: Scale = Scale { lo: 0.0, hi: 100.0 };

/// An inclusive `[low, high]` range for Monte Carlo draws.
pub type ValueRange = (f64, f64);

/// A parsed and checked `[forecast]` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastScenario {
    /// The scenario's `name` (or the file stem when it has none).
    pub name: String,
    /// File the section was read from.
    pub file: String,
    pub notes: Option<String>,
    /// File-wide default perturbations for Monte Carlo runs.
    pub uncertainty: Uncertainty,
    /// Actors in file order; every issue's case lists them in this order.
    pub actors: Vec<ForecastActor>,
    pub issues: Vec<ForecastIssue>,
}

/// One entry of `[[forecast.actors]]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastActor {
    pub name: String,
    pub capability: f64,
    pub capability_range: Option<ValueRange>,
    /// Not a party of the negotiation model (e.g. "EU" next to its member states).
    pub extra: bool,
    pub notes: Option<String>,
    /// Line of the actor's `name`.
    pub line: usize,
}

/// One entry of `[[forecast.issues]]`, as a one-dimensional case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastIssue {
    /// The issue as a 1-D case: named after the issue, scale 0–100, anchors and status quo
    /// on its only dimension, actors in [`ForecastScenario::actors`] order.
    pub case: Case,
    pub notes: Option<String>,
    /// Monte Carlo ranges given in the file, per actor.
    pub ranges: Ranges,
    /// Line of the issue's `name`.
    pub line: usize,
}

/// Per-actor ranges for Monte Carlo draws; `None` where the input gives none.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Ranges {
    pub capability: Vec<Option<ValueRange>>,
    pub position: Vec<Option<ValueRange>>,
    pub salience: Vec<Option<ValueRange>>,
}

impl Ranges {
    /// No ranges for `n` actors.
    pub fn none(n: usize) -> Self {
        Self {
            capability: vec![None; n],
            position: vec![None; n],
            salience: vec![None; n],
        }
    }

    /// Whether any range is given.
    pub fn any(&self) -> bool {
        [&self.capability, &self.position, &self.salience]
            .iter()
            .any(|v| v.iter().any(Option::is_some))
    }

    /// Monte Carlo options for the one-dimensional `case`: actors with a range are drawn from
    /// it, the others get `base`'s spread around their value. Where no actor has a range,
    /// `base`'s spread is kept as is.
    pub fn mc_options(&self, case: &Case, base: &McOptions) -> McOptions {
        let width = case.issues.first().and_then(|i| i.scale).map_or_else(
            || {
                let (lo, hi) = case.range(0);
                hi - lo
            },
            |s| (s.hi - s.lo).abs(),
        );
        let caps = case.capabilities();
        let mut o = base.clone();
        o.capability = per_actor(&self.capability, &caps, &base.capability, 0.0);
        if case.n_dims() == 1 {
            o.position = per_actor(&self.position, &case.positions(0), &base.position, width);
            o.salience = per_actor(&self.salience, &case.saliences(0), &base.salience, 0.0);
        }
        o
    }
}

fn per_actor(ranges: &[Option<ValueRange>], values: &[f64], spread: &Spread, width: f64) -> Spread {
    if ranges.iter().all(Option::is_none) || ranges.len() != values.len() {
        return spread.clone();
    }
    let around = |i: usize, v: f64| -> ValueRange {
        match spread {
            Spread::None => (v, v),
            Spread::Relative(f) => {
                let (a, b) = (v * (1.0 - f), v * (1.0 + f));
                (a.min(b), a.max(b))
            }
            Spread::Absolute(a) => (v - a, v + a),
            Spread::ShareOfRange(f) => (v - f * width, v + f * width),
            Spread::PerActor(r) => r.get(i).copied().unwrap_or((v, v)),
        }
    };
    Spread::PerActor(
        ranges
            .iter()
            .zip(values)
            .enumerate()
            .map(|(i, (r, &v))| r.unwrap_or_else(|| around(i, v)))
            .collect(),
    )
}

/// `[forecast] uncertainty = { capability = 0.2, position = 5, salience = 10 }`: the ± used
/// for actors without explicit ranges (capability relative, position and salience in points).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Uncertainty {
    pub capability: Option<f64>,
    pub position: Option<f64>,
    pub salience: Option<f64>,
}

impl Uncertainty {
    /// Overrides `o`'s spreads with the ones given here.
    pub fn apply(&self, o: &mut McOptions) {
        if let Some(c) = self.capability {
            o.capability = Spread::Relative(c);
        }
        if let Some(p) = self.position {
            o.position = Spread::Absolute(p);
        }
        if let Some(s) = self.salience {
            o.salience = Spread::Absolute(s);
        }
    }
}

impl ForecastScenario {
    /// The one-dimensional cases, one per issue, in file order.
    pub fn cases(&self) -> Vec<Case> {
        self.issues.iter().map(|i| i.case.clone()).collect()
    }
}

// ------------------------------------------------------------------ raw serde mirror

#[derive(Deserialize)]
struct RawDoc {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    parties: Vec<RawParty>,
    #[serde(default)]
    forecast: Option<Spanned<RawForecast>>,
}

/// Only the name matters here; the rest of a party belongs to the negotiation model.
#[derive(Deserialize)]
struct RawParty {
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForecast {
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    uncertainty: Option<RawUncertainty>,
    #[serde(default)]
    actors: Vec<RawActor>,
    #[serde(default)]
    issues: Vec<RawIssue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUncertainty {
    capability: Option<Spanned<f64>>,
    position: Option<Spanned<f64>>,
    salience: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActor {
    name: Spanned<String>,
    capability: Option<Spanned<f64>>,
    capability_range: Option<Spanned<ValueRange>>,
    #[serde(default)]
    extra: bool,
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIssue {
    name: Spanned<String>,
    status_quo: Option<Spanned<f64>>,
    anchors: Option<Spanned<BTreeMap<String, String>>>,
    notes: Option<String>,
    actors: Option<Spanned<BTreeMap<String, Spanned<RawPosition>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPosition {
    position: Option<Spanned<f64>>,
    salience: Option<Spanned<f64>>,
    capability: Option<Spanned<f64>>,
    position_range: Option<Spanned<ValueRange>>,
    salience_range: Option<Spanned<ValueRange>>,
    capability_range: Option<Spanned<ValueRange>>,
}

// ------------------------------------------------------------------ parsing

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Best-effort field path of the key at `offset` (for syntax and type errors): the nearest
/// table header above it plus the key on its line.
fn field_at(text: &str, offset: usize) -> String {
    let line = line_of(text, offset);
    let lines: Vec<&str> = text.lines().collect();
    let Some(cur) = lines.get(line.saturating_sub(1)).map(|l| l.trim()) else {
        return "forecast".into();
    };
    let header = |l: &str| {
        l.trim_start_matches('[')
            .split(']')
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    };
    if cur.starts_with('[') {
        return header(cur);
    }
    let key = cur.split('=').next().unwrap_or("").trim();
    let table = lines[..line.saturating_sub(1)]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(header);
    match table {
        Some(t) if !key.is_empty() => format!("{t}.{key}"),
        Some(t) => t,
        None if !key.is_empty() => key.to_string(),
        None => "forecast".into(),
    }
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn loc(&self, span: Range<usize>, field: impl Into<String>) -> Location {
        Location::new(self.file, Some(line_of(self.text, span.start)), field)
    }

    fn err(
        &self,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> ForecastError {
        ForecastError::Format {
            loc: self.loc(span, field),
            message: message.into(),
        }
    }

    fn capability(&self, v: &Spanned<f64>, field: String) -> Result<f64> {
        let c = *v.get_ref();
        if !c.is_finite() {
            return Err(ForecastError::NotANumber {
                loc: self.loc(v.span(), field),
                value: c.to_string(),
            });
        }
        if c < 0.0 {
            return Err(ForecastError::NegativeCapability {
                loc: self.loc(v.span(), field),
                value: c,
            });
        }
        Ok(c)
    }

    fn on_scale(&self, v: &Spanned<f64>, field: String, what: &str) -> Result<f64> {
        let x = *v.get_ref();
        if !x.is_finite() {
            return Err(ForecastError::NotANumber {
                loc: self.loc(v.span(), field),
                value: x.to_string(),
            });
        }
        if !(SCALE.lo..=SCALE.hi).contains(&x) {
            return Err(self.err(
                v.span(),
                field,
                format!("{what} {x} outside the 0-100 scale"),
            ));
        }
        Ok(x)
    }

    fn salience(&self, v: &Spanned<f64>, field: String) -> Result<f64> {
        let s = *v.get_ref();
        if !s.is_finite() || !(0.0..=100.0).contains(&s) {
            return Err(ForecastError::SalienceOutOfRange {
                loc: self.loc(v.span(), field),
                value: s,
            });
        }
        Ok(s)
    }

    /// A `[low, high]` range that lies within `bounds` and contains `value`.
    fn range(
        &self,
        r: &Spanned<ValueRange>,
        field: String,
        value: f64,
        bounds: (f64, f64),
    ) -> Result<ValueRange> {
        let (lo, hi) = *r.get_ref();
        if !lo.is_finite() || !hi.is_finite() || lo > hi {
            return Err(self.err(
                r.span(),
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
                r.span(),
                field,
                format!("range [{lo}, {hi}] goes outside {}..{upper}", bounds.0),
            ));
        }
        if value < lo || value > hi {
            return Err(self.err(
                r.span(),
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

/// Parses the `[forecast]` section of a TOML scenario. `file` names the source in errors.
pub fn parse_scenario(text: &str, file: &str) -> Result<ForecastScenario> {
    let raw: RawDoc = toml::from_str(text).map_err(|e| {
        let (line, field) = match e.span() {
            Some(s) => (Some(line_of(text, s.start)), field_at(text, s.start)),
            None => (None, "forecast".to_string()),
        };
        ForecastError::Format {
            loc: Location::new(file, line, field),
            message: e.message().trim_end().to_string(),
        }
    })?;
    let ctx = Ctx { file, text };
    let Some(section) = raw.forecast else {
        return Err(ForecastError::Format {
            loc: Location::new(file, None, "forecast"),
            message: "the file has no [forecast] section (see docs/forecasting.md)".into(),
        });
    };
    let fspan = section.span();
    let f = section.into_inner();
    let parties: Vec<String> = raw.parties.into_iter().map(|p| p.name).collect();

    let mut uncertainty = Uncertainty::default();
    if let Some(u) = &f.uncertainty {
        let check = |v: &Option<Spanned<f64>>, key: &str| -> Result<Option<f64>> {
            let Some(v) = v else { return Ok(None) };
            let x = *v.get_ref();
            if !x.is_finite() || x < 0.0 {
                return Err(ctx.err(
                    v.span(),
                    format!("forecast.uncertainty.{key}"),
                    format!("{x} must be a non-negative number"),
                ));
            }
            Ok(Some(x))
        };
        uncertainty = Uncertainty {
            capability: check(&u.capability, "capability")?,
            position: check(&u.position, "position")?,
            salience: check(&u.salience, "salience")?,
        };
    }

    let mut actors: Vec<ForecastActor> = Vec::new();
    for (i, a) in f.actors.iter().enumerate() {
        let name = a.name.get_ref().trim().to_string();
        let path = format!("forecast.actors[{i}] ({name})");
        if name.is_empty() {
            return Err(ctx.err(
                a.name.span(),
                format!("forecast.actors[{i}].name"),
                "empty actor name",
            ));
        }
        if let Some(prev) = actors.iter().find(|x| x.name == name) {
            return Err(ctx.err(
                a.name.span(),
                format!("{path}.name"),
                format!(
                    "actor `{name}` is listed twice (first on line {})",
                    prev.line
                ),
            ));
        }
        if !parties.is_empty() {
            let is_party = parties.contains(&name);
            if !is_party && !a.extra {
                return Err(ctx.err(
                    a.name.span(),
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
                    a.name.span(),
                    format!("{path}.extra"),
                    format!("`{name}` is a party of the scenario; remove `extra = true`"),
                ));
            }
        }
        let Some(cap) = &a.capability else {
            return Err(ctx.err(
                a.name.span(),
                format!("{path}.capability"),
                format!("actor `{name}` has no capability"),
            ));
        };
        let capability = ctx.capability(cap, format!("{path}.capability"))?;
        let capability_range = match &a.capability_range {
            Some(r) => Some(ctx.range(
                r,
                format!("{path}.capability_range"),
                capability,
                (0.0, f64::INFINITY),
            )?),
            None => None,
        };
        actors.push(ForecastActor {
            name,
            capability,
            capability_range,
            extra: a.extra,
            notes: a.notes.clone(),
            line: line_of(text, a.name.span().start),
        });
    }
    if let Some(missing) = parties
        .iter()
        .find(|p| !actors.iter().any(|a| &a.name == *p))
    {
        return Err(ctx.err(
            fspan.clone(),
            "forecast.actors",
            format!(
                "party `{missing}` has no [[forecast.actors]] entry; list every party, mediator \
                 and observer with its capability"
            ),
        ));
    }
    if actors.len() < 2 {
        return Err(ctx.err(
            fspan.clone(),
            "forecast.actors",
            format!(
                "{} actor(s) in [[forecast.actors]]; at least two are needed",
                actors.len()
            ),
        ));
    }

    if f.issues.is_empty() {
        return Err(ctx.err(
            fspan,
            "forecast.issues",
            "the forecast section has no [[forecast.issues]]",
        ));
    }
    let mut issues: Vec<ForecastIssue> = Vec::new();
    for (k, iss) in f.issues.iter().enumerate() {
        issues.push(parse_issue(&ctx, k, iss, &actors, &issues)?);
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

fn parse_issue(
    ctx: &Ctx<'_>,
    k: usize,
    iss: &RawIssue,
    actors: &[ForecastActor],
    earlier: &[ForecastIssue],
) -> Result<ForecastIssue> {
    let name = iss.name.get_ref().trim().to_string();
    let nspan = iss.name.span();
    let path = format!("forecast.issues[{k}] ({name})");
    if name.is_empty() {
        return Err(ctx.err(
            nspan,
            format!("forecast.issues[{k}].name"),
            "empty issue name",
        ));
    }
    if let Some(prev) = earlier.iter().find(|i| i.case.name == name) {
        return Err(ctx.err(
            nspan,
            format!("{path}.name"),
            format!(
                "issue `{name}` is listed twice (first on line {})",
                prev.line
            ),
        ));
    }
    let status_quo = match &iss.status_quo {
        Some(v) => Some(ctx.on_scale(v, format!("{path}.status_quo"), "status quo")?),
        None => None,
    };

    let Some(raw_anchors) = &iss.anchors else {
        return Err(ctx.err(
            nspan,
            format!("{path}.anchors"),
            "no anchors: say what 0, 50 and 100 mean, e.g. \
             anchors = { 0 = \"...\", 50 = \"...\", 100 = \"...\" }",
        ));
    };
    let mut anchors = Vec::new();
    for (key, label) in raw_anchors.get_ref() {
        let field = format!("{path}.anchors.{key}");
        let value = key
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                ctx.err(
                    raw_anchors.span(),
                    field.clone(),
                    format!("anchor key `{key}` is not a number on the 0-100 scale"),
                )
            })?;
        if !(SCALE.lo..=SCALE.hi).contains(&value) {
            return Err(ctx.err(
                raw_anchors.span(),
                field,
                format!("anchor {value} outside the 0-100 scale"),
            ));
        }
        if label.trim().is_empty() {
            return Err(ctx.err(raw_anchors.span(), field, "empty anchor text"));
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
                raw_anchors.span(),
                format!("{path}.anchors"),
                format!("no anchor for {end}: both ends of the scale need a written meaning"),
            ));
        }
    }

    let Some(entries) = &iss.actors else {
        return Err(ctx.err(
            nspan,
            format!("{path}.actors"),
            "no positions: add a [forecast.issues.actors] table with one line per actor, \
             e.g. Ukraine = { position = 0, salience = 90 }",
        ));
    };
    for (who, e) in entries.get_ref() {
        if !actors.iter().any(|a| &a.name == who) {
            return Err(ctx.err(
                e.span(),
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
        let Some(e) = entries.get_ref().get(&a.name) else {
            return Err(ForecastError::MissingPosition {
                loc: ctx.loc(entries.span(), ap),
                actor: a.name.clone(),
            });
        };
        let espan = e.span();
        let e = e.get_ref();
        let Some(pos) = &e.position else {
            return Err(ForecastError::MissingPosition {
                loc: ctx.loc(espan, format!("{ap}.position")),
                actor: a.name.clone(),
            });
        };
        let position = ctx.on_scale(pos, format!("{ap}.position"), "position")?;
        let Some(sal) = &e.salience else {
            return Err(ctx.err(
                espan,
                format!("{ap}.salience"),
                format!("actor `{}` has no salience on this issue", a.name),
            ));
        };
        let salience = ctx.salience(sal, format!("{ap}.salience"))?;
        let (capability, cap_range) = match &e.capability {
            Some(c) => {
                let c = ctx.capability(c, format!("{ap}.capability"))?;
                let r = match &e.capability_range {
                    Some(r) => Some(ctx.range(
                        r,
                        format!("{ap}.capability_range"),
                        c,
                        (0.0, f64::INFINITY),
                    )?),
                    None => None,
                };
                (c, r)
            }
            None => {
                let r = match &e.capability_range {
                    Some(r) => Some(ctx.range(
                        r,
                        format!("{ap}.capability_range"),
                        a.capability,
                        (0.0, f64::INFINITY),
                    )?),
                    None => a.capability_range,
                };
                (a.capability, r)
            }
        };
        ranges.capability[i] = cap_range;
        if let Some(r) = &e.position_range {
            ranges.position[i] = Some(ctx.range(
                r,
                format!("{ap}.position_range"),
                position,
                (SCALE.lo, SCALE.hi),
            )?);
        }
        if let Some(r) = &e.salience_range {
            ranges.salience[i] =
                Some(ctx.range(r, format!("{ap}.salience_range"), salience, (0.0, 100.0))?);
        }
        let mut actor = Actor::new(a.name.clone(), capability, position, salience);
        actor.line = Some(line_of(ctx.text, espan.start));
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
        line: line_of(ctx.text, nspan.start),
    })
}

/// Reads the `[forecast]` section of a TOML scenario file.
pub fn read_scenario(path: impl AsRef<Path>) -> Result<ForecastScenario> {
    let path = path.as_ref();
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ForecastError::Io {
        file: file.clone(),
        source,
    })?;
    parse_scenario(&text, &file)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "Test"
[[issues]]
name = "x"
options = ["a", "b"]

[[parties]]
name = "A"
weights = { x = 1.0 }
values.x = { a = 1.0, b = 0.0 }

[[parties]]
name = "B"
role = "observer"

[forecast]
notes = "illustrative"
uncertainty = { position = 3 }

[[forecast.actors]]
name = "A"
capability = 60
capability_range = [50, 70]

[[forecast.actors]]
name = "B"
capability = 40

[[forecast.actors]]
name = "C"
extra = true
capability = 10

[[forecast.issues]]
name = "x"
status_quo = 20
anchors = { 0 = "nothing", 50 = "half", 100 = "everything" }
[forecast.issues.actors]
A = { position = 0, salience = 90 }
B = { position = 100, salience = 50, position_range = [90, 100] }
C = { position = 40, salience = 20, capability = 5 }
"#;

    fn err(text: &str) -> String {
        parse_scenario(text, "t.toml").unwrap_err().to_string()
    }

    #[test]
    fn parses_a_good_section() {
        let s = parse_scenario(GOOD, "t.toml").unwrap();
        assert_eq!(s.name, "Test");
        assert_eq!(s.actors.len(), 3);
        assert!(s.actors[2].extra);
        assert_eq!(s.uncertainty.position, Some(3.0));
        let c = &s.issues[0].case;
        assert_eq!(c.name, "x");
        assert_eq!(c.issues[0].status_quo, Some(20.0));
        assert_eq!(c.issues[0].scale, Some(SCALE));
        assert_eq!(
            c.issues[0]
                .anchors
                .iter()
                .map(|a| a.value)
                .collect::<Vec<_>>(),
            [0.0, 50.0, 100.0]
        );
        assert_eq!(c.names(), ["A", "B", "C"]);
        assert_eq!(c.capabilities(), [60.0, 40.0, 5.0]);
        assert_eq!(c.positions(0), [0.0, 100.0, 40.0]);
        assert_eq!(c.saliences(0), [90.0, 50.0, 20.0]);
        assert_eq!(c.actors[0].line, Some(39));
        let r = &s.issues[0].ranges;
        assert_eq!(r.capability, [Some((50.0, 70.0)), None, None]);
        assert_eq!(r.position, [None, Some((90.0, 100.0)), None]);
    }

    #[test]
    fn ranges_fill_in_the_default_spread() {
        let s = parse_scenario(GOOD, "t.toml").unwrap();
        let mut base = McOptions::default();
        s.uncertainty.apply(&mut base);
        let o = s.issues[0].ranges.mc_options(&s.issues[0].case, &base);
        assert_eq!(
            o.capability,
            Spread::PerActor(vec![(50.0, 70.0), (32.0, 48.0), (4.0, 6.0)])
        );
        assert_eq!(
            o.position,
            Spread::PerActor(vec![(-3.0, 3.0), (90.0, 100.0), (37.0, 43.0)])
        );
        assert_eq!(o.salience, Spread::Absolute(10.0));
    }

    #[test]
    fn bad_values_name_line_and_field() {
        let e = err(&GOOD.replace("capability = 40", "capability = -4"));
        assert!(
            e.starts_with("t.toml:27: field `forecast.actors[1] (B).capability`"),
            "{e}"
        );
        assert!(e.contains("negative capability -4"), "{e}");
        let e = err(&GOOD.replace("salience = 90", "salience = 120"));
        assert!(
            e.starts_with("t.toml:39: field `forecast.issues[0] (x).actors.A.salience`"),
            "{e}"
        );
        assert!(e.contains("outside 0-100"), "{e}");
        let e = err(&GOOD.replace("B = { position = 100, ", "B = { "));
        assert!(
            e.starts_with("t.toml:40: field `forecast.issues[0] (x).actors.B.position`"),
            "{e}"
        );
        assert!(e.contains("has no position"), "{e}");
        let e = err(&GOOD.replace("C = { position = 40, salience = 20, capability = 5 }\n", ""));
        assert!(e.contains("field `forecast.issues[0] (x).actors.C`"), "{e}");
        assert!(e.contains("actor `C` has no position"), "{e}");
    }

    #[test]
    fn actor_names_are_checked_against_the_parties() {
        let e = err(&GOOD.replace("extra = true\n", ""));
        assert!(e.contains("`C` is not a party"), "{e}");
        assert!(e.contains("t.toml:30:"), "{e}");
        let e = err(&GOOD.replace(
            "name = \"B\"\ncapability = 40",
            "name = \"D\"\nextra = true\ncapability = 40",
        ));
        assert!(
            e.contains("party `B` has no [[forecast.actors]] entry"),
            "{e}"
        );
        let e = err(&GOOD.replace("A = { position = 0", "Z = { position = 0"));
        assert!(
            e.contains("`Z` is not listed in [[forecast.actors]]"),
            "{e}"
        );
    }

    #[test]
    fn too_few_actors_and_type_errors() {
        let one = r#"
[forecast]
[[forecast.actors]]
name = "A"
capability = 1
[[forecast.issues]]
name = "x"
anchors = { 0 = "a", 100 = "b" }
[forecast.issues.actors]
A = { position = 1, salience = 1 }
"#;
        let e = err(one);
        assert!(e.contains("field `forecast.actors`"), "{e}");
        assert!(e.contains("at least two are needed"), "{e}");
        assert!(e.starts_with("t.toml:"), "{e}");
        let e = err(&GOOD.replace("salience = 50,", "salience = \"high\","));
        assert!(
            e.starts_with("t.toml:40: field `forecast.issues.actors.B`"),
            "{e}"
        );
        let e = err(&GOOD.replace("status_quo = 20", "status_quo = 20\nstatus = 3"));
        assert!(e.contains("unknown field `status`"), "{e}");
    }

    #[test]
    fn anchors_need_both_ends() {
        let e = err(&GOOD.replace("0 = \"nothing\", ", ""));
        assert!(e.contains("no anchor for 0"), "{e}");
        let e = err(&GOOD.replace("50 = \"half\"", "fifty = \"half\""));
        assert!(e.contains("anchor key `fifty`"), "{e}");
    }

    #[test]
    fn ranges_must_contain_the_value() {
        let e = err(&GOOD.replace("position_range = [90, 100]", "position_range = [20, 30]"));
        assert!(e.contains("does not contain the value 100"), "{e}");
        assert!(e.contains("actors.B.position_range"), "{e}");
    }

    #[test]
    fn a_file_without_a_section_is_an_error() {
        let e = err("name = \"x\"\n");
        assert!(e.contains("no [forecast] section"), "{e}");
    }
}
