//! The `[forecast]` section of Pactum's native scenario file (TOML or JSON).
//!
//! A negotiation scenario (`examples/istanbul-2025.toml`) models issues with discrete options
//! and each negotiator's utilities. The forecasting models need a different view of the same
//! negotiation: every actor's capability and, per issue, a 0–100 continuum with written anchors,
//! each actor's position and salience on it, and the status quo. The `[forecast]` section holds
//! that view next to the negotiation model. `pactum_core` defines the section's shape
//! ([`ForecastFile`]) and keeps it through conversions without reading it; this module checks it
//! and turns each issue into a one-dimensional [`Case`]. Both forms of the file are deserialised
//! into that one typed section and checked by the same code; a map of where each value sits in
//! the text gives the lines in errors.
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
//! The JSON form has the same fields (`"forecast": { "actors": [...], "issues": [...] }`).
//! Every error names the file, the line and the field path
//! (`forecast.issues[0] (ceasefire).actors.Russia.salience`). The format is documented in
//! `docs/forecasting.md`.

use std::path::Path;

use pactum_core::model::check_magnitude;
use pactum_core::native::{ForecastActorFile, ForecastFile, ForecastIssueFile};
use pactum_core::source::{Segment as Seg, Spans, display_path, line_of, offset_of, toml_key_at};
use serde::{Deserialize, Serialize};

use crate::error::{ForecastError, Location, Result};
use crate::model::{Actor, Anchor, Case, Issue, MAX_CAPABILITY, Scale};
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
    /// Line of the actor's `name`, where it is known.
    pub line: Option<usize>,
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
    /// Line of the issue's `name`, where it is known.
    pub line: Option<usize>,
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

// ------------------------------------------------------------------ reading

/// The format a scenario file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

impl Format {
    /// JSON for a `.json` file, TOML otherwise.
    pub fn of_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Toml,
        }
    }
}

/// The parts of a native scenario file this module reads: the same typed section
/// (`pactum_core::native::ForecastFile`) whichever format it is written in.
#[derive(Deserialize)]
struct RawDoc {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    parties: Vec<RawParty>,
    #[serde(default)]
    forecast: Option<ForecastFile>,
}

/// Only the name matters here; the rest of a party belongs to the negotiation model.
#[derive(Deserialize)]
struct RawParty {
    name: String,
}

/// Deserialises the document, naming the file, line and field of a syntax or type error.
fn deserialize(text: &str, file: &str, format: Format) -> Result<(RawDoc, Spans)> {
    let err = |line: Option<usize>, field: String, message: String| ForecastError::Format {
        loc: Location::new(file, line, field),
        message,
    };
    match format {
        Format::Toml => {
            let raw: RawDoc = toml::from_str(text).map_err(|e| {
                let message = e.message().trim_end().to_string();
                let Some(s) = e.span() else {
                    return err(None, "forecast".into(), message);
                };
                // A type error in a well-formed file: the path of the value it is about.
                let field = Spans::toml(text)
                    .and_then(|spans| spans.path_at(s.start))
                    .or_else(|| toml_key_at(text, s.start))
                    .unwrap_or_else(|| "forecast".into());
                err(Some(line_of(text, s.start)), field, message)
            })?;
            let spans = Spans::toml(text).unwrap_or_default();
            Ok((raw, spans))
        }
        Format::Json => {
            let raw: RawDoc = serde_json::from_str(text).map_err(|e| {
                let position = format!(" at line {} column {}", e.line(), e.column());
                let message = e.to_string();
                let message = message.strip_suffix(&position).unwrap_or(&message);
                let offset = offset_of(text, e.line(), e.column());
                let field = Spans::json(text)
                    .path_at(offset)
                    .unwrap_or_else(|| "forecast".into());
                err(
                    (e.line() > 0).then_some(e.line()),
                    field,
                    message.to_string(),
                )
            })?;
            let spans = Spans::json(text);
            // The first key of the forecast section given twice in one object (TOML rejects
            // these when parsing; JSON parsers keep the last one).
            let duplicate = spans
                .duplicates()
                .iter()
                .find(|(path, _)| path.first() == Some(&key("forecast")));
            if let Some((path, span)) = duplicate {
                return Err(err(
                    Some(line_of(text, span.start)),
                    display_path(path),
                    "this key is given twice".into(),
                ));
            }
            Ok((raw, spans))
        }
    }
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// `base` followed by `more`.
fn at(base: &[Seg], more: &[Seg]) -> Vec<Seg> {
    base.iter().chain(more).cloned().collect()
}

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

/// Parses the `[forecast]` section of a TOML scenario. `file` names the source in errors.
pub fn parse_scenario(text: &str, file: &str) -> Result<ForecastScenario> {
    parse_scenario_as(text, file, Format::Toml)
}

/// Parses the `forecast` section of a JSON scenario (the native format written as JSON).
pub fn parse_json_scenario(text: &str, file: &str) -> Result<ForecastScenario> {
    parse_scenario_as(text, file, Format::Json)
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

/// Reads the `forecast` section of a native scenario file: JSON for a `.json` file, TOML
/// otherwise.
pub fn read_scenario(path: impl AsRef<Path>) -> Result<ForecastScenario> {
    let path = path.as_ref();
    let file = path.display().to_string();
    let text = pactum_core::fsutil::read_text(path)?;
    parse_scenario_as(&text, &file, Format::of_path(path))
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
            e.starts_with("t.toml:40: field `forecast.issues[0].actors.B.salience`"),
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

    /// `GOOD` written as JSON, the native format's other form.
    const GOOD_JSON: &str = r#"{
  "name": "Test",
  "issues": [{ "name": "x", "options": ["a", "b"] }],
  "parties": [
    { "name": "A", "weights": { "x": 1.0 }, "values": { "x": { "a": 1.0, "b": 0.0 } } },
    { "name": "B", "role": "observer" }
  ],
  "forecast": {
    "notes": "illustrative",
    "uncertainty": { "position": 3 },
    "actors": [
      { "name": "A", "capability": 60, "capability_range": [50, 70] },
      { "name": "B", "capability": 40 },
      { "name": "C", "extra": true, "capability": 10 }
    ],
    "issues": [
      {
        "name": "x",
        "status_quo": 20,
        "anchors": { "0": "nothing", "50": "half", "100": "everything" },
        "actors": {
          "A": { "position": 0, "salience": 90 },
          "B": { "position": 100, "salience": 50, "position_range": [90, 100] },
          "C": { "position": 40, "salience": 20, "capability": 5 }
        }
      }
    ]
  }
}
"#;

    fn json_err(text: &str) -> String {
        parse_json_scenario(text, "t.json").unwrap_err().to_string()
    }

    /// `GOOD_JSON` with `from` (which must occur) replaced by `to`.
    fn json_with(from: &str, to: &str) -> String {
        assert!(GOOD_JSON.contains(from), "{from}");
        GOOD_JSON.replacen(from, to, 1)
    }

    /// The section without the lines it was read from.
    fn without_lines(mut s: ForecastScenario) -> ForecastScenario {
        for a in &mut s.actors {
            a.line = None;
        }
        for i in &mut s.issues {
            i.line = None;
            for a in &mut i.case.actors {
                a.line = None;
            }
        }
        s
    }

    #[test]
    fn json_gives_the_same_section_as_toml() {
        let toml = parse_scenario(GOOD, "t").unwrap();
        let json = parse_json_scenario(GOOD_JSON, "t").unwrap();
        // Lines point into each text.
        assert_eq!(json.actors[1].line, Some(13));
        assert_eq!(json.issues[0].line, Some(18));
        assert_eq!(json.issues[0].case.actors[0].line, Some(22));
        assert_eq!(without_lines(toml), without_lines(json));
    }

    #[test]
    fn json_values_out_of_range_name_line_and_field() {
        let e = json_err(&json_with("\"salience\": 90", "\"salience\": 120"));
        assert!(
            e.starts_with("t.json:22: field `forecast.issues[0] (x).actors.A.salience`"),
            "{e}"
        );
        assert!(e.contains("salience 120 outside 0-100"), "{e}");
        let e = json_err(&json_with("\"capability\": 40", "\"capability\": -4"));
        assert!(
            e.starts_with("t.json:13: field `forecast.actors[1] (B).capability`"),
            "{e}"
        );
        assert!(e.contains("negative capability -4"), "{e}");
        let e = json_err(&json_with("[90, 100]", "[20, 30]"));
        assert!(
            e.starts_with("t.json:23: field `forecast.issues[0] (x).actors.B.position_range`"),
            "{e}"
        );
        assert!(e.contains("does not contain the value 100"), "{e}");
        let e = json_err(&json_with("\"0\": \"nothing\", ", ""));
        assert!(
            e.starts_with("t.json:20: field `forecast.issues[0] (x).anchors`"),
            "{e}"
        );
        assert!(e.contains("no anchor for 0"), "{e}");
    }

    #[test]
    fn json_unknown_actors_name_line_and_field() {
        let e = json_err(&json_with(
            "\"A\": { \"position\": 0",
            "\"Z\": { \"position\": 0",
        ));
        assert!(
            e.starts_with("t.json:22: field `forecast.issues[0] (x).actors.Z`"),
            "{e}"
        );
        assert!(
            e.contains("`Z` is not listed in [[forecast.actors]]"),
            "{e}"
        );
        let e = json_err(&json_with("\"extra\": true, ", ""));
        assert!(
            e.starts_with("t.json:14: field `forecast.actors[2] (C).name`"),
            "{e}"
        );
        assert!(e.contains("`C` is not a party"), "{e}");
        let e = json_err(&json_with(
            "{ \"name\": \"B\", \"capability\": 40 }",
            "{ \"name\": \"D\", \"extra\": true, \"capability\": 40 }",
        ));
        assert!(e.starts_with("t.json:8: field `forecast.actors`"), "{e}");
        assert!(
            e.contains("party `B` has no [[forecast.actors]] entry"),
            "{e}"
        );
    }

    #[test]
    fn json_missing_fields_are_named() {
        let e = json_err(&json_with("\"position\": 100, ", ""));
        assert!(
            e.starts_with("t.json:23: field `forecast.issues[0] (x).actors.B.position`"),
            "{e}"
        );
        assert!(e.contains("actor `B` has no position"), "{e}");
        let e = json_err(&json_with("\"salience\": 20, ", ""));
        assert!(
            e.starts_with("t.json:24: field `forecast.issues[0] (x).actors.C.salience`"),
            "{e}"
        );
        assert!(e.contains("actor `C` has no salience"), "{e}");
        let e = json_err(&json_with(
            ",\n          \"C\": { \"position\": 40, \"salience\": 20, \"capability\": 5 }",
            "",
        ));
        assert!(
            e.starts_with("t.json:21: field `forecast.issues[0] (x).actors.C`"),
            "{e}"
        );
        assert!(e.contains("actor `C` has no position"), "{e}");
        let e = json_err(&json_with(", \"capability\": 40 }", " }"));
        assert!(
            e.starts_with("t.json:13: field `forecast.actors[1] (B).capability`"),
            "{e}"
        );
        assert!(e.contains("actor `B` has no capability"), "{e}");
        // A field the typed section requires: reported by the parser, with its path.
        let e = json_err(&json_with(
            "{ \"name\": \"B\", \"capability\": 40 }",
            "{ \"capability\": 40 }",
        ));
        assert!(
            e.starts_with("t.json:13: field `forecast.actors[1]`"),
            "{e}"
        );
        assert!(e.contains("missing field `name`"), "{e}");
        let e = json_err(&json_with("\"anchors\"", "\"anchorz\""));
        assert!(
            e.starts_with("t.json:20: field `forecast.issues[0]`: unknown field `anchorz`"),
            "{e}"
        );
    }

    #[test]
    fn json_type_and_syntax_errors_name_line_and_field() {
        let e = json_err(&json_with("\"salience\": 50", "\"salience\": \"high\""));
        assert!(
            e.starts_with("t.json:23: field `forecast.issues[0].actors.B.salience`"),
            "{e}"
        );
        assert!(e.contains("invalid type: string \"high\""), "{e}");
        assert!(!e.contains("column"), "{e}");
        let e = json_err(&json_with("\"status_quo\": 20,", "\"status_quo\": 20,,"));
        assert!(e.starts_with("t.json:19:"), "{e}");
        let e = json_err(&json_with(
            "\"C\": { \"position\": 40",
            "\"A\": { \"position\": 40",
        ));
        assert!(
            e.starts_with("t.json:24: field `forecast.issues[0].actors.A`"),
            "{e}"
        );
        assert!(e.contains("given twice"), "{e}");
        let e = json_err("{ \"name\": \"x\" }");
        assert!(
            e.starts_with("t.json: field `forecast`: the file has no \"forecast\" object"),
            "{e}"
        );
    }

    #[test]
    fn the_format_follows_the_extension() {
        assert_eq!(Format::of_path(Path::new("a/b.JSON")), Format::Json);
        assert_eq!(Format::of_path(Path::new("a/b.toml")), Format::Toml);
        let dir = std::env::temp_dir().join(format!("pactum-forecast-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("good.json");
        std::fs::write(&file, GOOD_JSON).unwrap();
        let s = read_scenario(&file).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(s.issues[0].case.positions(0), [0.0, 100.0, 40.0]);
    }
}
