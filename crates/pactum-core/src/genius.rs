//! GENIUS XML import and export.
//!
//! Most published negotiation scenarios, including the ANAC competition
//! domains, are GENIUS folders: one domain file (root `negotiation_template`)
//! and one profile file per party (root `utility_space`). This module reads
//! such a folder into the model following GENIUS's own evaluation rules, so
//! that every outcome gets the utility GENIUS would give it, and writes a
//! scenario back out as a folder GENIUS can open, reporting whatever GENIUS
//! cannot hold.
//!
//! The GENIUS rules reproduced here:
//!
//! * discrete issues: an item's `evaluation` divided by the largest
//!   evaluation of that issue (all 0 when that maximum is below 0.00001);
//! * integer issues: `clamp01(offset + slope·(x − lowerbound))`, or in the
//!   older spelling `clamp01(parameter1·x + parameter0)`; written item by
//!   item (as NegMAS writes them), the evaluations as written;
//! * real issues: `linear` is `clamp01(parameter1·x + parameter0)`,
//!   `constant` is `parameter0`, `triangular` rises from `parameter0` to a
//!   top of 1 at `parameter2` and falls to 0 at `parameter1`;
//! * weights are used as written, not renormalised;
//! * nonlinear (ANAC 2014) profiles: the sum of the utilities of the
//!   hyper-rectangles containing the outcome (`INCLUDES` boxes count when the
//!   outcome is inside, `EXCLUDES` boxes when it is outside), divided by
//!   `maxutility` and cut at 1 (the model's hyper-rectangle utility does
//!   the same).
//!
//! Layouts GENIUS and NegMAS accept are read too: issues and weights
//! directly under `<utility_space>` (no `<objective>`), issues without
//! `index` (numbered by position in a domain, matched by name in a profile),
//! upper-case `.XML` names. Item costs and unknown elements are reported as
//! ignored. A folder's `pareto.xml` (GENIUS's precomputed frontier, plain
//! text despite its name) is read into [`Loaded::reference_frontier`].

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::error::{Error, Location, Result};
use crate::io::Loaded;
use crate::model::*;

// ---------------------------------------------------------------------------
// A small XML tree with line numbers
// ---------------------------------------------------------------------------

/// Deeper nesting than this is rejected: no GENIUS file comes close, and it
/// keeps the recursive walks (and dropping the tree) off the stack limit.
const MAX_DEPTH: usize = 200;

/// A parsed XML element and the line its start tag is on.
#[derive(Debug, Clone)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Element>,
    line: usize,
}

impl Element {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        text.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

/// 1-based line and column of a byte offset.
fn line_col(starts: &[usize], pos: usize) -> (usize, usize) {
    let line = match starts.binary_search(&pos) {
        Ok(i) => i + 1,
        Err(i) => i,
    };
    (line, pos - starts[line - 1] + 1)
}

/// Parses `text` into a tree. `Ok(None)` when the text holds no element at
/// all (some GENIUS folders keep plain-text notes under a `.xml` name).
fn parse_xml(file: &str, text: &str) -> Result<Option<Element>> {
    let starts = line_starts(text);
    let malformed = |pos: usize, message: String| {
        let (line, col) = line_col(&starts, pos.min(text.len()));
        Error::format(
            file,
            Location::line(line, Some(col)),
            format!("malformed XML: {message}"),
        )
    };
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let pos = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return Err(malformed(reader.error_position() as usize, e.to_string())),
        };
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(pos, "elements nested too deeply".into()));
                }
                stack.push(element(file, &starts, pos, &e)?);
            }
            Event::Empty(e) => {
                let el = element(file, &starts, pos, &e)?;
                attach(&mut stack, &mut root, el).map_err(|m| malformed(pos, m))?;
            }
            Event::End(_) => {
                if let Some(el) = stack.pop() {
                    attach(&mut stack, &mut root, el).map_err(|m| malformed(pos, m))?;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(malformed(
            text.len(),
            format!(
                "<{}> (line {}) is never closed before the end of the file",
                open.name, open.line
            ),
        ));
    }
    Ok(root)
}

fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    el: Element,
) -> std::result::Result<(), String> {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(el);
    } else if let Some(first) = root {
        return Err(format!(
            "second root element <{}> after <{}>",
            el.name, first.name
        ));
    } else {
        *root = Some(el);
    }
    Ok(())
}

fn element(file: &str, starts: &[usize], pos: usize, e: &BytesStart) -> Result<Element> {
    let (line, _) = line_col(starts, pos);
    let name = e.name().as_ref().to_string();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let bad = |m: String| {
            Error::format(
                file,
                Location::line(line, None),
                format!("malformed XML: <{name}>: {m}"),
            )
        };
        let a = a.map_err(|err| bad(err.to_string()))?;
        let key = a.key.as_ref().to_string();
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| bad(err.to_string()))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
        line,
    })
}

// ---------------------------------------------------------------------------
// Error and attribute helpers
// ---------------------------------------------------------------------------

/// A format error pointing at an element.
fn at(file: &str, el: &Element, message: impl Into<String>) -> Error {
    Error::format(
        file,
        Location {
            line: Some(el.line),
            column: None,
            field: Some(format!("<{}>", el.name)),
        },
        message,
    )
}

fn req<'a>(file: &str, el: &'a Element, key: &str) -> Result<&'a str> {
    el.attr(key)
        .ok_or_else(|| at(file, el, format!("missing attribute `{key}`")))
}

fn parse_f64(file: &str, el: &Element, key: &str, text: &str) -> Result<f64> {
    let t = text.trim();
    // Java's Double.valueOf, which GENIUS uses, accepts a d/f suffix.
    let t = t.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(t);
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            at(
                file,
                el,
                format!("attribute `{key}` = {text:?} is not a finite number"),
            )
        })
}

fn req_f64(file: &str, el: &Element, key: &str) -> Result<f64> {
    parse_f64(file, el, key, req(file, el, key)?)
}

fn parse_i64(file: &str, el: &Element, key: &str, text: &str) -> Result<i64> {
    let t = text.trim();
    if let Ok(v) = t.parse::<i64>() {
        return Ok(v);
    }
    match t.parse::<f64>() {
        Ok(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => Ok(v as i64),
        _ => Err(at(
            file,
            el,
            format!("attribute `{key}` = {text:?} is not an integer"),
        )),
    }
}

fn req_i64(file: &str, el: &Element, key: &str) -> Result<i64> {
    parse_i64(file, el, key, req(file, el, key)?)
}

/// Warnings of one file, each prefixed with the file's label.
struct Notes<'a> {
    file: &'a str,
    out: &'a mut Vec<String>,
}

impl Notes<'_> {
    fn push(&mut self, message: impl std::fmt::Display) {
        self.out.push(format!("{}: {message}", self.file));
    }
}

fn ignored(notes: &mut Notes, el: &Element, parent: &str) {
    notes.push(format!(
        "ignored unknown element <{}> in <{parent}> (line {})",
        el.name, el.line
    ));
}

// ---------------------------------------------------------------------------
// Domain
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Discrete,
    Integer,
    Real,
}

/// An issue with the GENIUS `index` that profiles refer to it by.
struct DomainIssue {
    issue: Issue,
    index: i64,
}

/// GENIUS reads the value type from `type`, falling back to `vtype`; when
/// both are missing the issue is discrete. `etype` is a further fallback here.
fn issue_kind(file: &str, el: &Element, notes: &mut Notes) -> Result<Kind> {
    let ty = el.attr("type");
    let vtype = el.attr("vtype");
    let name = match (ty, vtype) {
        (Some(t), Some(v)) if !t.eq_ignore_ascii_case(v) => {
            notes.push(format!(
                "issue at line {}: type {t:?} and vtype {v:?} disagree; using type, as GENIUS does",
                el.line
            ));
            t
        }
        (Some(t), _) => t,
        (None, Some(v)) => v,
        (None, None) => el.attr("etype").unwrap_or("discrete"),
    };
    match name.trim().to_ascii_lowercase().as_str() {
        "discrete" => Ok(Kind::Discrete),
        "integer" => Ok(Kind::Integer),
        "real" => Ok(Kind::Real),
        other => Err(at(
            file,
            el,
            format!("unknown issue type {other:?} (expected discrete, integer or real)"),
        )),
    }
}

/// Bounds from the element's own `lowerbound`/`upperbound`, or else from a
/// `<range>` child.
fn bounds_element<'a>(file: &str, el: &'a Element) -> Result<&'a Element> {
    if el.attr("lowerbound").is_some() || el.attr("upperbound").is_some() {
        return Ok(el);
    }
    el.child("range").ok_or_else(|| {
        at(
            file,
            el,
            "a numeric issue needs `lowerbound`/`upperbound` or a <range> child",
        )
    })
}

fn read_domain_issue(
    file: &str,
    el: &Element,
    position: usize,
    legacy: &mut usize,
    notes: &mut Notes,
) -> Result<DomainIssue> {
    let name = req(file, el, "name")?.to_string();
    // An issue without `index` gets its 1-based position, the numbering
    // GENIUS's own writer uses; profiles match it by that or by name.
    let index = match el.attr("index") {
        Some(t) => parse_i64(file, el, "index", t)?,
        None => {
            notes.push(format!(
                "issue {name:?} (line {}) has no index; numbered {position} by its position",
                el.line
            ));
            position as i64
        }
    };
    let kind = match issue_kind(file, el, notes)? {
        Kind::Discrete => {
            let mut options: Vec<String> = Vec::new();
            let mut seen = HashSet::new();
            for c in &el.children {
                match c.name.as_str() {
                    "item" => {
                        let v = req(file, c, "value")?;
                        if !seen.insert(v.to_string()) {
                            return Err(at(
                                file,
                                c,
                                format!("issue {name:?} lists the value {v:?} twice"),
                            ));
                        }
                        options.push(v.to_string());
                    }
                    // Legacy similarity data; its own <item>s are not values.
                    "similarity_function" | "criteria_function" => *legacy += 1,
                    _ => ignored(notes, c, "issue"),
                }
            }
            if options.is_empty() {
                return Err(at(
                    file,
                    el,
                    format!("discrete issue {name:?} has no <item> values"),
                ));
            }
            IssueKind::Discrete { options }
        }
        Kind::Integer => {
            let b = bounds_element(file, el)?;
            let min = req_i64(file, b, "lowerbound")?;
            let max = req_i64(file, b, "upperbound")?;
            if min > max {
                return Err(at(
                    file,
                    b,
                    format!("issue {name:?}: lowerbound {min} is above upperbound {max}"),
                ));
            }
            IssueKind::Integer { min, max }
        }
        Kind::Real => {
            let b = bounds_element(file, el)?;
            let min = req_f64(file, b, "lowerbound")?;
            let max = req_f64(file, b, "upperbound")?;
            if min > max {
                return Err(at(
                    file,
                    b,
                    format!("issue {name:?}: lowerbound {min} is above upperbound {max}"),
                ));
            }
            IssueKind::Real {
                min,
                max,
                levels: DEFAULT_REAL_LEVELS,
            }
        }
    };
    Ok(DomainIssue {
        issue: Issue {
            name,
            kind,
            notes: None,
        },
        index,
    })
}

fn collect_domain_issues(
    file: &str,
    objective: &Element,
    out: &mut Vec<DomainIssue>,
    legacy: &mut usize,
    notes: &mut Notes,
) -> Result<()> {
    for c in &objective.children {
        match c.name.as_str() {
            "issue" => {
                let position = out.len() + 1;
                out.push(read_domain_issue(file, c, position, legacy, notes)?)
            }
            "objective" => {
                notes.push(format!(
                    "nested objective {:?} (line {}) flattened: its issues are used directly",
                    c.attr("name").unwrap_or(""),
                    c.line
                ));
                collect_domain_issues(file, c, out, legacy, notes)?;
            }
            _ => ignored(notes, c, &objective.name),
        }
    }
    Ok(())
}

fn read_domain(file: &str, root: &Element, warnings: &mut Vec<String>) -> Result<Vec<DomainIssue>> {
    let mut notes = Notes {
        file,
        out: warnings,
    };
    if root.name != "negotiation_template" {
        return Err(at(
            file,
            root,
            "not a GENIUS domain: expected the root element <negotiation_template>",
        ));
    }
    let mut space = None;
    let mut agents = 0;
    for c in &root.children {
        match c.name.as_str() {
            "utility_space" if space.is_none() => space = Some(c),
            "agent" => agents += 1,
            _ => ignored(&mut notes, c, "negotiation_template"),
        }
    }
    if agents > 0 {
        notes.push(format!(
            "ignored {agents} <agent> element(s): GENIUS session settings, not part of the scenario"
        ));
    }
    let space = space.ok_or_else(|| at(file, root, "missing <utility_space>"))?;
    let mut objective = None;
    let mut flat = false;
    let mut others = Vec::new();
    for c in &space.children {
        match c.name.as_str() {
            "objective" if objective.is_none() => objective = Some(c),
            "issue" => flat = true,
            _ => others.push(c),
        }
    }
    // Issues standing directly under <utility_space>, with no <objective>
    // around them, are read as if the space were the objective (NegMAS's
    // reader does the same); with an <objective> present, it alone counts.
    let objective = match objective {
        Some(o) => {
            for c in space.children.iter().filter(|c| !std::ptr::eq(*c, o)) {
                ignored(&mut notes, c, "utility_space");
            }
            o
        }
        None if flat => space,
        None => {
            for c in others {
                ignored(&mut notes, c, "utility_space");
            }
            return Err(at(file, space, "missing <objective>"));
        }
    };
    let mut issues = Vec::new();
    let mut legacy = 0;
    collect_domain_issues(file, objective, &mut issues, &mut legacy, &mut notes)?;
    if legacy > 0 {
        notes.push(format!(
            "ignored {legacy} legacy <similarity_function>/<criteria_function> block(s)"
        ));
    }
    if issues.is_empty() {
        return Err(at(file, objective, "the domain has no issues"));
    }
    let mut seen: HashMap<i64, &str> = HashMap::new();
    let mut names = HashSet::new();
    for d in &issues {
        if let Some(other) = seen.insert(d.index, &d.issue.name) {
            return Err(at(
                file,
                objective,
                format!(
                    "issues {other:?} and {:?} share the index {}",
                    d.issue.name, d.index
                ),
            ));
        }
        if !names.insert(d.issue.name.as_str()) {
            return Err(at(
                file,
                objective,
                format!("two issues are named {:?}", d.issue.name),
            ));
        }
    }
    Ok(issues)
}

/// Reads a GENIUS domain file (root `negotiation_template`) into issues.
pub fn parse_domain(file_label: &str, xml: &str) -> Result<Vec<Issue>> {
    let root = parse_xml(file_label, xml)?
        .ok_or_else(|| Error::format(file_label, Location::default(), "no XML element"))?;
    let mut warnings = Vec::new();
    Ok(read_domain(file_label, &root, &mut warnings)?
        .into_iter()
        .map(|d| d.issue)
        .collect())
}

// ---------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------

/// Resolves the GENIUS `index` numbers a profile uses to issue positions.
struct IssueIndex {
    map: HashMap<i64, usize>,
    /// Indices of `<objective>` elements (weights on them are ignored).
    objectives: HashSet<i64>,
    /// No issue numbering is known: index `k` is taken as position `k − 1`.
    guess: bool,
    guessed: bool,
}

impl IssueIndex {
    fn get(&mut self, index: i64, n: usize) -> Option<usize> {
        if let Some(&p) = self.map.get(&index) {
            return Some(p);
        }
        if self.guess && index >= 1 && ((index - 1) as u64) < n as u64 {
            self.guessed = true;
            return Some((index - 1) as usize);
        }
        None
    }
}

/// All `<issue>` and `<weight>` elements of an objective tree, and the
/// indices of the objectives themselves.
fn walk_objective<'a>(
    objective: &'a Element,
    issues: &mut Vec<&'a Element>,
    weights: &mut Vec<&'a Element>,
    objectives: &mut HashSet<i64>,
    others: &mut Vec<&'a Element>,
) {
    if let Some(i) = objective
        .attr("index")
        .and_then(|v| v.trim().parse::<i64>().ok())
    {
        objectives.insert(i);
    }
    for c in &objective.children {
        match c.name.as_str() {
            "issue" => issues.push(c),
            "weight" => weights.push(c),
            "objective" => walk_objective(c, issues, weights, objectives, others),
            _ => others.push(c),
        }
    }
}

/// GENIUS's triangular evaluator: 0 below `low`, rising to 1 at `top`,
/// falling to 0 at `high` (exclusive), 0 from `high` on.
fn genius_triangular(x: f64, low: f64, high: f64, top: f64) -> f64 {
    if x < low {
        0.0
    } else if x < top {
        (x - low) / (top - low)
    } else if x < high {
        1.0 - (x - top) / (high - top)
    } else {
        0.0
    }
}

fn read_discrete_evaluator(
    file: &str,
    el: &Element,
    issue: &Issue,
    options: &[String],
    legacy: &mut usize,
    costs: &mut usize,
    notes: &mut Notes,
) -> Result<ValueFunction> {
    let mut evals: HashMap<&str, f64> = HashMap::new();
    let mut duplicates = 0;
    for c in &el.children {
        match c.name.as_str() {
            "item" => {
                let value = req(file, c, "value")?;
                if c.attr("cost").is_some() {
                    *costs += 1;
                }
                // GENIUS skips items without an evaluation.
                match c.attr("evaluation") {
                    None | Some("null") => {}
                    Some(text) => {
                        let e = parse_f64(file, c, "evaluation", text)?;
                        if evals.insert(value, e).is_some() {
                            duplicates += 1;
                        }
                    }
                }
            }
            "similarity_function" | "criteria_function" => *legacy += 1,
            _ => ignored(notes, c, "issue"),
        }
    }
    if duplicates > 0 {
        notes.push(format!(
            "issue {:?}: {duplicates} value(s) evaluated twice; the last evaluation counts, as in GENIUS",
            issue.name
        ));
    }
    let extra: Vec<&str> = evals
        .keys()
        .copied()
        .filter(|v| !options.iter().any(|o| o == v))
        .collect();
    if !extra.is_empty() {
        let mut extra = extra;
        extra.sort_unstable();
        notes.push(format!(
            "issue {:?}: values {extra:?} are not in the domain (their evaluations still count towards GENIUS's maximum)",
            issue.name
        ));
    }
    let mut raw = Vec::with_capacity(options.len());
    for o in options {
        match evals.get(o.as_str()) {
            Some(&e) => raw.push(e),
            None => {
                return Err(at(
                    file,
                    el,
                    format!("value {o:?} of issue {:?} has no evaluation", issue.name),
                ));
            }
        }
    }
    let max = evals.values().copied().fold(f64::NEG_INFINITY, f64::max);
    if max < 0.00001 {
        notes.push(if raw.iter().all(|&e| e == 0.0) {
            format!("issue {:?}: all evaluations are 0", issue.name)
        } else {
            format!(
                "issue {:?}: the largest evaluation {max} is below 0.00001, so GENIUS evaluates every value as 0",
                issue.name
            )
        });
        return Ok(ValueFunction::Table(vec![0.0; options.len()]));
    }
    Ok(ValueFunction::Table(raw.iter().map(|e| e / max).collect()))
}

fn read_integer_evaluator(
    file: &str,
    el: &Element,
    issue: &Issue,
    min: i64,
    notes: &mut Notes,
) -> Result<ValueFunction> {
    // EvaluatorInteger measures x from the profile's own lowerbound.
    let lower = match el.attr("lowerbound") {
        Some(t) => parse_i64(file, el, "lowerbound", t)?,
        None => match el
            .child("range")
            .and_then(|r| r.attr("lowerbound").map(|t| (r, t)))
        {
            Some((r, t)) => parse_i64(file, r, "lowerbound", t)?,
            None => min,
        },
    };
    let Some(ev) = el.child("evaluator") else {
        if el.child("item").is_some() {
            return integer_items(file, el, issue, notes);
        }
        notes.push(format!(
            "integer issue {:?} has no <evaluator>: GENIUS evaluates it as 0",
            issue.name
        ));
        return Ok(ValueFunction::Linear {
            slope: 0.0,
            offset: 0.0,
        });
    };
    if let Some(f) = ev.attr("ftype")
        && !f.eq_ignore_ascii_case("linear")
    {
        notes.push(format!(
            "integer issue {:?}: ftype {f:?} ignored; GENIUS integer evaluators are always linear",
            issue.name
        ));
    }
    if ev.attr("slope").is_none()
        && ev.attr("offset").is_none()
        && (ev.attr("parameter0").is_some() || ev.attr("parameter1").is_some())
    {
        return integer_parameters(file, ev, min);
    }
    let slope = req_f64(file, ev, "slope")?;
    let mut offset = req_f64(file, ev, "offset")?;
    if lower != min {
        notes.push(format!(
            "integer issue {:?}: the profile's lowerbound {lower} differs from the domain's {min}; offset adjusted so utilities are unchanged",
            issue.name
        ));
        offset += slope * (min as f64 - lower as f64);
    }
    Ok(ValueFunction::Linear { slope, offset })
}

/// An integer evaluator in the older spelling `ftype="linear"` with
/// `parameter0`/`parameter1`: GENIUS's linear evaluation function is
/// `slope·x + offset` with `parameter1` the slope (its "linear parameter")
/// and `parameter0` the offset (its "constant parameter"), on the value
/// itself, as GENIUS's real evaluator applies it and as NegMAS's GENIUS
/// reader reads both spellings (`offset` falling back to `parameter0`,
/// `slope` to `parameter1`, on the raw value). Only `slope`/`offset` are
/// measured from the lower bound. The result is cut to [0, 1], as GENIUS
/// cuts every linear evaluation.
fn integer_parameters(file: &str, ev: &Element, min: i64) -> Result<ValueFunction> {
    let p0 = req_f64(file, ev, "parameter0")?;
    let p1 = req_f64(file, ev, "parameter1")?;
    // clamp01(p1·x + p0) == clamp01((p0 + p1·min) + p1·(x − min))
    Ok(ValueFunction::Linear {
        slope: p1,
        offset: p0 + p1 * min as f64,
    })
}

/// Most items an integer issue written as a value table may list.
const MAX_INTEGER_ITEMS: usize = 100_000;

/// An integer issue whose profile lists `<item value="x" evaluation="e">`
/// per value (NegMAS writes integer issues so): the evaluations are taken
/// as written, as NegMAS reads them, and interpolated linearly between
/// listed values (values outside the listed ones take the nearest listed
/// value's evaluation; both are reported).
fn integer_items(
    file: &str,
    el: &Element,
    issue: &Issue,
    notes: &mut Notes,
) -> Result<ValueFunction> {
    let mut points: Vec<(f64, f64)> = Vec::new();
    for c in el.children.iter().filter(|c| c.name == "item") {
        if points.len() == MAX_INTEGER_ITEMS {
            return Err(at(
                file,
                c,
                format!(
                    "integer issue {:?} lists more than {MAX_INTEGER_ITEMS} values",
                    issue.name
                ),
            ));
        }
        let x = parse_i64(file, c, "value", req(file, c, "value")?)?;
        let e = req_f64(file, c, "evaluation")?;
        points.push((x as f64, e));
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    if points.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(at(
            file,
            el,
            format!("integer issue {:?} evaluates a value twice", issue.name),
        ));
    }
    let listed = points.len() as u64;
    if listed != issue.cardinality() {
        notes.push(format!(
            "integer issue {:?}: {listed} of its {} values are evaluated; the others are interpolated between their neighbours",
            issue.name,
            issue.cardinality()
        ));
    }
    Ok(ValueFunction::PiecewiseLinear { points })
}

fn read_real_evaluator(
    file: &str,
    el: &Element,
    issue: &Issue,
    notes: &mut Notes,
) -> Result<ValueFunction> {
    let IssueKind::Real { min, .. } = issue.kind else {
        unreachable!("called for real issues only")
    };
    let ev = el.child("evaluator").ok_or_else(|| {
        at(
            file,
            el,
            format!("real issue {:?} has no <evaluator>", issue.name),
        )
    })?;
    let ftype = req(file, ev, "ftype")?;
    match ftype.trim().to_ascii_lowercase().as_str() {
        "linear" => {
            let p0 = req_f64(file, ev, "parameter0")?;
            let p1 = req_f64(file, ev, "parameter1")?;
            // clamp01(p1·x + p0) == clamp01((p0 + p1·min) + p1·(x − min))
            Ok(ValueFunction::Linear {
                slope: p1,
                offset: p0 + p1 * min,
            })
        }
        "constant" => Ok(ValueFunction::Constant(req_f64(file, ev, "parameter0")?)),
        "triangular" => {
            let low = req_f64(file, ev, "parameter0")?;
            let high = req_f64(file, ev, "parameter1")?;
            let top = req_f64(file, ev, "parameter2")?;
            if low <= top && top < high {
                Ok(ValueFunction::Triangular {
                    low,
                    peak: top,
                    high,
                })
            } else {
                notes.push(format!(
                    "real issue {:?}: triangular evaluator ({low}, top {top}, {high}) is degenerate; stored as its values on the issue's grid",
                    issue.name
                ));
                let points = (0..issue.cardinality() as u32)
                    .map(|k| {
                        let x = issue.numeric(k);
                        (x, genius_triangular(x, low, high, top))
                    })
                    .collect();
                Ok(ValueFunction::PiecewiseLinear { points })
            }
        }
        // GENIUS's list of ftypes (`EVALFUNCTYPE.convertToType`, any letter
        // case) is linear, constant, faratin and triangular; its real
        // evaluator gives faratin no utility (−1), so only the three above
        // are read.
        other => Err(at(
            file,
            ev,
            format!(
                "unsupported evaluator ftype {other:?} for real issue {:?} (GENIUS evaluates linear, constant and triangular)",
                issue.name
            ),
        )),
    }
}

#[allow(clippy::too_many_arguments)]
fn read_hyper_rectangles(
    file: &str,
    ufun: &Element,
    multiplier: f64,
    top: bool,
    issues: &[Issue],
    index: &mut IssueIndex,
    out: &mut Vec<HyperRectangle>,
    notes: &mut Notes,
) -> Result<()> {
    match ufun.attr("aggregation") {
        Some(a) if a.trim().eq_ignore_ascii_case("sum") => {}
        None => notes.push(format!(
            "<ufun> at line {} has no aggregation; summing",
            ufun.line
        )),
        Some(a) => {
            return Err(at(
                file,
                ufun,
                format!("unsupported aggregation {a:?} (only \"sum\" is supported)"),
            ));
        }
    }
    let own_weight = match ufun.attr("weight") {
        Some(t) => parse_f64(file, ufun, "weight", t)?,
        None => 1.0,
    };
    // GENIUS applies a ufun's weight when summing it into its parent; the
    // outermost ufun's weight is never applied.
    let multiplier = if top {
        if own_weight != 1.0 {
            notes.push(format!(
                "the outermost <ufun> weight {own_weight} is ignored, as in GENIUS"
            ));
        }
        multiplier
    } else {
        multiplier * own_weight
    };
    for c in &ufun.children {
        match c.name.as_str() {
            "hyperRectangle" => {
                let utility = req_f64(file, c, "utility")?;
                let weight = match c.attr("weight") {
                    Some(t) => parse_f64(file, c, "weight", t)?,
                    None => 1.0,
                };
                let u = utility * weight * multiplier;
                let includes: Vec<&Element> =
                    c.children.iter().filter(|b| b.name == "INCLUDES").collect();
                let excludes: Vec<&Element> =
                    c.children.iter().filter(|b| b.name == "EXCLUDES").collect();
                for b in &c.children {
                    if b.name != "INCLUDES" && b.name != "EXCLUDES" {
                        ignored(notes, b, "hyperRectangle");
                    }
                }
                let exclusive = !excludes.is_empty();
                if exclusive && !includes.is_empty() {
                    notes.push(format!(
                        "hyperRectangle at line {} has both INCLUDES and EXCLUDES; GENIUS uses only the EXCLUDES",
                        c.line
                    ));
                }
                let mut bounds = Vec::new();
                for b in if exclusive { &excludes } else { &includes } {
                    let idx = req_i64(file, b, "index")?;
                    let pos = index.get(idx, issues.len()).ok_or_else(|| {
                        at(
                            file,
                            b,
                            format!("bound on issue index {idx}, which the domain does not have"),
                        )
                    })?;
                    let issue = &issues[pos];
                    if let IssueKind::Discrete { .. } = issue.kind {
                        return Err(at(
                            file,
                            b,
                            format!(
                                "bound on discrete issue {:?}: GENIUS's nonlinear profiles constrain integer issues only",
                                issue.name
                            ),
                        ));
                    }
                    let lo = req_f64(file, b, "min")?;
                    let hi = req_f64(file, b, "max")?;
                    if lo.fract() != 0.0 || hi.fract() != 0.0 {
                        notes.push(format!(
                            "bound at line {} is not integral; GENIUS reads bounds as integers",
                            b.line
                        ));
                    }
                    bounds.push((pos, lo, hi));
                }
                if exclusive {
                    // "u when outside the box" == "u everywhere" + "−u inside the box"
                    out.push(HyperRectangle {
                        bounds: Vec::new(),
                        utility: u,
                    });
                    out.push(HyperRectangle {
                        bounds,
                        utility: -u,
                    });
                } else {
                    out.push(HyperRectangle { bounds, utility: u });
                }
            }
            "ufun" => read_hyper_rectangles(file, c, multiplier, false, issues, index, out, notes)?,
            _ => ignored(notes, c, "ufun"),
        }
    }
    Ok(())
}

/// Reads a profile tree. `domain_index` holds the GENIUS index of each issue
/// when the domain file is known; without it issues are matched by name.
fn read_profile(
    file: &str,
    root: &Element,
    issues: &[Issue],
    domain_index: Option<&[i64]>,
    warnings: &mut Vec<String>,
) -> Result<Preferences> {
    let mut notes = Notes {
        file,
        out: warnings,
    };
    if root.name != "utility_space" {
        return Err(at(
            file,
            root,
            "not a GENIUS profile: expected the root element <utility_space>",
        ));
    }
    let mut objective = None;
    let mut reservation = None;
    let mut discount = None;
    // Issues, weights and a nonlinear <utility> standing directly under
    // <utility_space>, with no <objective> around them: GENIUS and NegMAS
    // read the space itself as the objective, and so does this reader.
    let mut flat = Vec::new();
    let mut others = Vec::new();
    for c in &root.children {
        match c.name.as_str() {
            "objective" if objective.is_none() => objective = Some(c),
            "reservation" if reservation.is_none() => reservation = Some(c),
            "discount_factor" if discount.is_none() => discount = Some(c),
            "issue" | "weight" | "utility" => flat.push(c),
            _ => others.push(c),
        }
    }
    if objective.is_some() {
        others.append(&mut flat);
    }
    for c in others {
        ignored(&mut notes, c, "utility_space");
    }
    let reservation_value = reservation.map(|c| req_f64(file, c, "value")).transpose()?;
    let mut discount_factor = discount.map(|c| req_f64(file, c, "value")).transpose()?;
    if let Some(d) = discount_factor.filter(|&d| !(d > 0.0 && d <= 1.0)) {
        notes.push(format!(
            "discount factor {d} is outside (0, 1]; GENIUS discards it (no discounting)"
        ));
        discount_factor = None;
    }
    let mut issue_els = Vec::new();
    let mut weight_els = Vec::new();
    let mut objectives = HashSet::new();
    let mut others = Vec::new();
    let objective = match objective {
        Some(objective) => {
            walk_objective(
                objective,
                &mut issue_els,
                &mut weight_els,
                &mut objectives,
                &mut others,
            );
            objective
        }
        None if !flat.is_empty() => {
            for c in flat {
                match c.name.as_str() {
                    "issue" => issue_els.push(c),
                    "weight" => weight_els.push(c),
                    _ => others.push(c),
                }
            }
            root
        }
        None => return Err(at(file, root, "missing <objective>")),
    };

    // Match the profile's issues to the domain's.
    let mut index = IssueIndex {
        map: domain_index
            .map(|ix| ix.iter().enumerate().map(|(p, &i)| (i, p)).collect())
            .unwrap_or_default(),
        objectives,
        guess: false,
        guessed: false,
    };
    let mut matched: Vec<Option<&Element>> = vec![None; issues.len()];
    for el in &issue_els {
        let name = el.attr("name");
        let idx = match (el.attr("index"), name) {
            (Some(t), _) => parse_i64(file, el, "index", t)?,
            // No index: matched by name alone (NegMAS's reader matches
            // profile issues by name too).
            (None, Some(n)) => {
                let pos = issues
                    .iter()
                    .position(|i| i.name == n)
                    .ok_or_else(|| at(file, el, format!("issue {n:?} is not in the domain")))?;
                if matched[pos].is_some() {
                    return Err(at(file, el, format!("issue {n:?} appears twice")));
                }
                matched[pos] = Some(el);
                continue;
            }
            (None, None) => return Err(at(file, el, "an <issue> needs `index` or `name`")),
        };
        let pos = if domain_index.is_some() {
            let pos = *index.map.get(&idx).ok_or_else(|| {
                at(
                    file,
                    el,
                    format!(
                        "issue {:?} (index {idx}) is not in the domain",
                        name.unwrap_or("")
                    ),
                )
            })?;
            if let Some(n) = name
                && n != issues[pos].name
            {
                return Err(at(
                    file,
                    el,
                    format!(
                        "issue {n:?} (index {idx}) is not in the domain: the domain's issue {idx} is {:?}",
                        issues[pos].name
                    ),
                ));
            }
            pos
        } else {
            let n = req(file, el, "name")?;
            let pos = issues.iter().position(|i| i.name == n).ok_or_else(|| {
                at(
                    file,
                    el,
                    format!("issue {n:?} (index {idx}) is not in the domain"),
                )
            })?;
            if let Some(&other) = index.map.get(&idx)
                && other != pos
            {
                return Err(at(file, el, format!("index {idx} is used by two issues")));
            }
            index.map.insert(idx, pos);
            pos
        };
        if matched[pos].is_some() {
            return Err(at(
                file,
                el,
                format!("issue {:?} appears twice", issues[pos].name),
            ));
        }
        matched[pos] = Some(el);
    }
    index.guess = index.map.is_empty();

    let nonlinear = root
        .attr("type")
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("nonlinear"))
        || others.iter().any(|o| o.name == "utility");

    let utility = if nonlinear {
        for o in &others {
            if o.name != "utility" {
                ignored(&mut notes, o, "objective");
            }
        }
        if !weight_els.is_empty() {
            notes.push("ignored <weight> elements: a nonlinear profile has no issue weights");
        }
        let u = others
            .iter()
            .find(|o| o.name == "utility")
            .ok_or_else(|| at(file, objective, "nonlinear profile without <utility>"))?;
        let normalizer = req_f64(file, u, "maxutility")?;
        if normalizer <= 0.0 {
            return Err(at(
                file,
                u,
                format!("maxutility {normalizer} must be above 0"),
            ));
        }
        let ufun = u
            .child("ufun")
            .ok_or_else(|| at(file, u, "missing <ufun>"))?;
        let mut rectangles = Vec::new();
        read_hyper_rectangles(
            file,
            ufun,
            1.0,
            true,
            issues,
            &mut index,
            &mut rectangles,
            &mut notes,
        )?;
        let h = HyperRectangleUtility {
            rectangles,
            normalizer,
        };
        UtilityFunction::HyperRectangles(h)
    } else {
        for o in &others {
            ignored(&mut notes, o, "objective");
        }
        let n = issues.len();
        let mut weights: Vec<Option<f64>> = vec![None; n];
        for w in &weight_els {
            let idx = req_i64(file, w, "index")?;
            let v = req_f64(file, w, "value")?;
            match index.get(idx, n) {
                Some(pos) => {
                    if v < 0.0 {
                        return Err(at(
                            file,
                            w,
                            format!("weight {v} of issue {:?} is negative", issues[pos].name),
                        ));
                    }
                    if weights[pos].replace(v).is_some() {
                        notes.push(format!(
                            "issue {:?} has two weights; the last counts",
                            issues[pos].name
                        ));
                    }
                }
                None if index.objectives.contains(&idx) => notes.push(format!(
                    "ignored the weight of objective index {idx} (line {})",
                    w.line
                )),
                None => {
                    return Err(at(
                        file,
                        w,
                        format!("weight for issue index {idx}, which the domain does not have"),
                    ));
                }
            }
        }
        let mut legacy = 0;
        let mut costs = 0;
        let mut values = Vec::with_capacity(n);
        for (pos, issue) in issues.iter().enumerate() {
            let vf = match (matched[pos], &issue.kind) {
                (None, kind) => {
                    notes.push(format!(
                        "issue {:?} is not in the profile: GENIUS evaluates it as 0",
                        issue.name
                    ));
                    match kind {
                        IssueKind::Discrete { options } => {
                            ValueFunction::Table(vec![0.0; options.len()])
                        }
                        _ => ValueFunction::Constant(0.0),
                    }
                }
                (Some(el), IssueKind::Discrete { options }) => read_discrete_evaluator(
                    file,
                    el,
                    issue,
                    options,
                    &mut legacy,
                    &mut costs,
                    &mut notes,
                )?,
                (Some(el), IssueKind::Integer { min, .. }) => {
                    read_integer_evaluator(file, el, issue, *min, &mut notes)?
                }
                (Some(el), IssueKind::Real { .. }) => {
                    read_real_evaluator(file, el, issue, &mut notes)?
                }
            };
            values.push(vf);
        }
        if legacy > 0 {
            notes.push(format!(
                "ignored {legacy} legacy <similarity_function>/<criteria_function> block(s)"
            ));
        }
        if costs > 0 {
            // GENIUS's discrete evaluator keeps item costs apart (its
            // `getCost`); they never enter the utility.
            notes.push(format!(
                "ignored the `cost` of {costs} value(s): GENIUS keeps costs apart from utility"
            ));
        }
        let weights = weights
            .iter()
            .zip(issues)
            .map(|(w, issue)| {
                w.unwrap_or_else(|| {
                    notes.push(format!("issue {:?} has no weight; using 0", issue.name));
                    0.0
                })
            })
            .collect();
        UtilityFunction::Additive(AdditiveUtility { weights, values })
    };
    if index.guessed {
        notes.push(
            "the profile does not declare its issues; index k was taken as the k-th domain issue",
        );
    }
    Ok(Preferences {
        utility,
        reservation_value,
        discount_factor,
        red_lines: Vec::new(),
    })
}

/// Reads a GENIUS profile (root `utility_space`) against the domain's
/// issues, matching its issues by name. Returns the preferences and the
/// warnings raised while reading.
pub fn parse_profile(
    file_label: &str,
    xml: &str,
    issues: &[Issue],
) -> Result<(Preferences, Vec<String>)> {
    let root = parse_xml(file_label, xml)?
        .ok_or_else(|| Error::format(file_label, Location::default(), "no XML element"))?;
    let mut warnings = Vec::new();
    let prefs = read_profile(file_label, &root, issues, None, &mut warnings)?;
    Ok((prefs, warnings))
}

// ---------------------------------------------------------------------------
// GENIUS's cut of nonlinear utilities at 1
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Folders
// ---------------------------------------------------------------------------

/// Reads a file of a scenario folder as text: UTF-8, or else Latin-1 (older
/// GENIUS files); only a regular file of at most 64 MiB is read.
pub(crate) fn read_text(path: &Path, warnings: &mut Vec<String>) -> Result<String> {
    let label = path.display().to_string();
    // Checked before opening: a FIFO or a device among a folder's files is
    // refused rather than read (which could block for ever).
    let bytes = crate::fsutil::read_bytes(path)?;
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            warnings.push(format!("{label}: not UTF-8; read as Latin-1"));
            e.into_bytes().iter().map(|&b| b as char).collect()
        }
    };
    Ok(match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    })
}

/// Files in `dir` with extension `ext` (any case), sorted by name.
pub(crate) fn files_with_extension(dir: &Path, ext: &str) -> Result<Vec<std::path::PathBuf>> {
    let label = dir.display().to_string();
    let io = |source| Error::Io {
        file: label.clone(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_file()
            && path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case(ext))
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

pub(crate) fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Picks profiles by stem: all of them by default, else the named ones in
/// the order given.
pub(crate) fn select<T>(
    folder: &str,
    mut available: Vec<(String, T)>,
    wanted: Option<&[String]>,
) -> Result<Vec<(String, T)>> {
    let Some(wanted) = wanted else {
        return Ok(available);
    };
    let mut chosen = Vec::with_capacity(wanted.len());
    for name in wanted {
        match available.iter().position(|(s, _)| s == name) {
            Some(p) => chosen.push(available.remove(p)),
            None if chosen.iter().any(|(s, _): &(String, T)| s == name) => {
                return Err(Error::Unsupported(format!(
                    "{folder}: profile {name:?} is chosen twice"
                )));
            }
            None => {
                let mut names: Vec<&str> = available
                    .iter()
                    .map(|(s, _)| s.as_str())
                    .chain(chosen.iter().map(|(s, _)| s.as_str()))
                    .collect();
                names.sort_unstable();
                return Err(Error::Unsupported(format!(
                    "{folder}: no profile {name:?}; available profiles: {}",
                    names.join(", ")
                )));
            }
        }
    }
    Ok(chosen)
}

/// Loads a GENIUS folder: its one domain file and its profiles (all of
/// them, or those named in `profiles`, by file stem). Roles are recognised
/// by root element, not by file name; parties are named after the profile
/// files and, by default, ordered by file name.
pub fn load_folder(dir: &Path, profiles: Option<&[String]>) -> Result<Loaded> {
    let folder = dir.display().to_string();
    let mut warnings = Vec::new();
    let mut domains = Vec::new();
    let mut found = Vec::new();
    let mut pareto: Option<(String, Vec<Vec<f64>>)> = None;
    for path in files_with_extension(dir, "xml")? {
        let label = path.display().to_string();
        let text = read_text(&path, &mut warnings)?;
        if stem(&path).eq_ignore_ascii_case("pareto") {
            match read_pareto(&text) {
                Ok(points) => pareto = Some((label, points)),
                Err(why) => warnings.push(format!("{label}: GENIUS frontier not read: {why}")),
            }
            continue;
        }
        match parse_xml(&label, &text)? {
            None => warnings.push(format!("{label}: skipped (no XML element)")),
            Some(root) if root.name == "negotiation_template" => domains.push((label, root)),
            Some(root) if root.name == "utility_space" => found.push((stem(&path), (label, root))),
            Some(root) => warnings.push(format!(
                "{label}: skipped (root <{}> is neither a GENIUS domain nor a profile)",
                root.name
            )),
        }
    }
    let (domain_label, domain_root) = match domains.len() {
        1 => domains.remove(0),
        0 => {
            return Err(Error::format(
                &folder,
                Location::default(),
                "no GENIUS domain file (root <negotiation_template>) in this folder",
            ));
        }
        _ => {
            return Err(Error::format(
                &folder,
                Location::default(),
                format!(
                    "more than one GENIUS domain file: {}",
                    domains
                        .iter()
                        .map(|(l, _)| l.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    };
    if found.is_empty() {
        return Err(Error::format(
            &folder,
            Location::default(),
            "no GENIUS profile file (root <utility_space>) in this folder",
        ));
    }
    let profile_count = found.len();
    let chosen = select(&folder, found, profiles)?;
    let domain = read_domain(&domain_label, &domain_root, &mut warnings)?;
    let indices: Vec<i64> = domain.iter().map(|d| d.index).collect();
    let issues: Vec<Issue> = domain.into_iter().map(|d| d.issue).collect();
    let mut parties = Vec::with_capacity(chosen.len());
    for (name, (label, root)) in chosen {
        let prefs = read_profile(&label, &root, &issues, Some(&indices), &mut warnings)?;
        parties.push(Party {
            name,
            role: Role::Negotiator,
            representative: None,
            notes: None,
            preferences: Some(prefs),
        });
    }
    let scenario = Scenario {
        name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| folder.clone()),
        description: None,
        notes: None,
        issues,
        parties,
    };
    scenario.validate().map_err(|error| Error::Model {
        file: folder.clone(),
        error,
    })?;
    let reference_frontier = pareto.and_then(|(file, points)| {
        let columns = points.first().map_or(0, Vec::len);
        let why = if profiles.is_some() {
            Some("profiles were chosen, and its columns are all the folder's profiles".to_string())
        } else if columns != profile_count {
            Some(format!(
                "it lists {columns} utilities per point for {profile_count} profiles"
            ))
        } else {
            None
        };
        match why {
            Some(why) => {
                warnings.push(format!("{file}: GENIUS frontier not used: {why}"));
                None
            }
            None => Some(crate::io::ReferenceFrontier { file, points }),
        }
    });
    Ok(Loaded {
        scenario,
        warnings,
        forecast: None,
        reference_frontier,
    })
}

/// Most points a `pareto.xml` may list.
const MAX_PARETO_POINTS: usize = 1_000_000;

/// Reads GENIUS's precomputed frontier (`pareto.xml`): despite the name,
/// plain text, one point per line, its utilities (one per profile, in the
/// profiles' file-name order) separated by commas; blank lines are skipped.
fn read_pareto(text: &str) -> std::result::Result<Vec<Vec<f64>>, String> {
    let mut points: Vec<Vec<f64>> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if points.len() == MAX_PARETO_POINTS {
            return Err(format!("more than {MAX_PARETO_POINTS} points"));
        }
        let point = line
            .split(',')
            .map(|t| {
                let t = t.trim();
                t.parse::<f64>()
                    .ok()
                    .filter(|u| u.is_finite())
                    .ok_or_else(|| format!("line {}: {t:?} is not a finite number", n + 1))
            })
            .collect::<std::result::Result<Vec<f64>, String>>()?;
        if let Some(first) = points.first()
            && first.len() != point.len()
        {
            return Err(format!(
                "line {}: {} utilities where the first point has {}",
                n + 1,
                point.len(),
                first.len()
            ));
        }
        points.push(point);
    }
    if points.is_empty() {
        return Err("no points".into());
    }
    Ok(points)
}

// ---------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------

/// How an issue is written to GENIUS.
#[derive(Debug, Clone, PartialEq)]
enum Out {
    Discrete(Vec<String>),
    Integer { min: i64, max: i64 },
    Real { min: f64, max: f64 },
}

/// Largest numeric issue written out value by value when GENIUS has no
/// evaluator for one of its value functions.
const MAX_LISTED_VALUES: u64 = 100_000;

fn vf_kind(vf: &ValueFunction) -> &'static str {
    match vf {
        ValueFunction::Table(_) => "table",
        ValueFunction::Linear { .. } => "linear",
        ValueFunction::PiecewiseLinear { .. } => "piecewise-linear",
        ValueFunction::Constant(_) => "constant",
        ValueFunction::Triangular { .. } => "triangular",
    }
}

pub(crate) fn checked(s: &Scenario) -> Result<()> {
    s.validate().map_err(|error| Error::Model {
        file: s.name.clone(),
        error,
    })
}

/// Decides how each issue is written; numeric issues whose value functions
/// GENIUS cannot evaluate are written as discrete lists of their values.
fn plan(s: &Scenario, notes: &mut Vec<String>) -> Result<Vec<Out>> {
    let mut out = Vec::with_capacity(s.issues.len());
    for (i, issue) in s.issues.iter().enumerate() {
        let mut blocker: Option<(&str, &'static str)> = None;
        let mut bounded = false;
        for p in &s.parties {
            let Some(prefs) = &p.preferences else {
                continue;
            };
            match &prefs.utility {
                UtilityFunction::Additive(a) => {
                    let vf = &a.values[i];
                    let fits = match (&issue.kind, vf) {
                        (IssueKind::Discrete { .. }, _) => true,
                        (IssueKind::Integer { .. }, ValueFunction::Linear { .. }) => true,
                        (IssueKind::Integer { .. }, ValueFunction::Constant(c)) => {
                            (0.0..=1.0).contains(c)
                        }
                        (
                            IssueKind::Real { .. },
                            ValueFunction::Linear { .. }
                            | ValueFunction::Constant(_)
                            | ValueFunction::Triangular { .. },
                        ) => true,
                        _ => false,
                    };
                    if !fits && blocker.is_none() {
                        blocker = Some((&p.name, vf_kind(vf)));
                    }
                }
                UtilityFunction::HyperRectangles(h) => {
                    bounded |= h
                        .rectangles
                        .iter()
                        .any(|r| r.bounds.iter().any(|b| b.0 == i));
                }
            }
        }
        if bounded && !matches!(issue.kind, IssueKind::Integer { .. }) {
            return Err(Error::Unsupported(format!(
                "issue {:?}: GENIUS's nonlinear profiles constrain integer issues only",
                issue.name
            )));
        }
        out.push(match (&issue.kind, blocker) {
            (IssueKind::Discrete { options }, _) => Out::Discrete(options.clone()),
            (IssueKind::Integer { min, max }, None) => Out::Integer {
                min: *min,
                max: *max,
            },
            (IssueKind::Real { min, max, levels }, None) => {
                if *levels != DEFAULT_REAL_LEVELS {
                    notes.push(format!(
                        "issue {:?}: GENIUS real issues are continuous; Pactum reads them back with {DEFAULT_REAL_LEVELS} grid points, not {levels}",
                        issue.name
                    ));
                }
                Out::Real {
                    min: *min,
                    max: *max,
                }
            }
            (_, Some((party, kind))) => {
                if bounded {
                    return Err(Error::Unsupported(format!(
                        "issue {:?}: party {party:?}'s {kind} value function needs it written as a list of values, but a nonlinear profile constrains it as a number",
                        issue.name
                    )));
                }
                if issue.cardinality() > MAX_LISTED_VALUES {
                    return Err(Error::Unsupported(format!(
                        "issue {:?}: GENIUS has no evaluator for party {party:?}'s {kind} value function, and the issue has too many values ({}) to list",
                        issue.name,
                        issue.cardinality()
                    )));
                }
                notes.push(format!(
                    "issue {:?}: written as a discrete issue listing its values, because GENIUS has no evaluator for party {party:?}'s {kind} value function",
                    issue.name
                ));
                Out::Discrete(
                    (0..issue.cardinality() as u32)
                        .map(|k| issue.value(k).to_string())
                        .collect(),
                )
            }
        });
    }
    Ok(out)
}

/// Escapes text for an XML attribute value.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

fn num(x: f64) -> String {
    format!("{x}")
}

fn issue_open(x: &mut String, index: usize, name: &str, out: &Out, pad: &str) {
    let ty = match out {
        Out::Discrete(_) => "discrete",
        Out::Integer { .. } => "integer",
        Out::Real { .. } => "real",
    };
    let _ = write!(
        x,
        "{pad}<issue index=\"{index}\" etype=\"{ty}\" type=\"{ty}\" vtype=\"{ty}\" name=\"{}\"",
        esc(name)
    );
    if let Out::Integer { min, max } = out {
        let _ = write!(x, " lowerbound=\"{min}\" upperbound=\"{max}\"");
    }
}

/// Writes an issue declaration (as in a domain file).
fn issue_decl(x: &mut String, index: usize, name: &str, out: &Out, pad: &str) {
    issue_open(x, index, name, out, pad);
    match out {
        Out::Discrete(values) => {
            x.push_str(">\n");
            for (k, v) in values.iter().enumerate() {
                let _ = writeln!(x, "{pad}  <item index=\"{}\" value=\"{}\"/>", k + 1, esc(v));
            }
            let _ = writeln!(x, "{pad}</issue>");
        }
        Out::Integer { .. } => x.push_str("/>\n"),
        Out::Real { min, max } => {
            x.push_str(">\n");
            let _ = writeln!(
                x,
                "{pad}  <range lowerbound=\"{}\" upperbound=\"{}\"/>",
                num(*min),
                num(*max)
            );
            let _ = writeln!(x, "{pad}</issue>");
        }
    }
}

fn objective_open(x: &mut String, s: &Scenario) {
    let _ = writeln!(
        x,
        "  <objective index=\"0\" etype=\"objective\" type=\"objective\" description=\"\" name=\"{}\">",
        esc(&s.name)
    );
}

fn domain_xml(s: &Scenario, plan: &[Out]) -> String {
    let mut x =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<negotiation_template>\n");
    let _ = writeln!(x, "<utility_space number_of_issues=\"{}\">", s.issues.len());
    objective_open(&mut x, s);
    for (i, (issue, out)) in s.issues.iter().zip(plan).enumerate() {
        issue_decl(&mut x, i + 1, &issue.name, out, "    ");
    }
    x.push_str("  </objective>\n</utility_space>\n</negotiation_template>\n");
    x
}

/// The party at `party` and its preferences, or an error saying why it has
/// no profile in `format`.
pub(crate) fn party_with_preferences<'a>(
    s: &'a Scenario,
    party: usize,
    format: &str,
) -> Result<(&'a Party, &'a Preferences)> {
    let p = s
        .parties
        .get(party)
        .ok_or_else(|| Error::Unsupported(format!("no party #{party} in {:?}", s.name)))?;
    let prefs = p.preferences.as_ref().ok_or_else(|| {
        Error::Unsupported(format!(
            "party {:?} has no preferences, so it has no {format} profile",
            p.name
        ))
    })?;
    Ok((p, prefs))
}

fn profile_xml(
    s: &Scenario,
    plan: &[Out],
    party: usize,
    notes: &mut Vec<String>,
) -> Result<String> {
    let (p, prefs) = party_with_preferences(s, party, "GENIUS")?;
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    match &prefs.utility {
        UtilityFunction::Additive(a) => {
            let _ = writeln!(x, "<utility_space number_of_issues=\"{}\">", s.issues.len());
            objective_open(&mut x, s);
            let mut weights = Vec::with_capacity(s.issues.len());
            for (i, ((issue, out), vf)) in s.issues.iter().zip(plan).zip(&a.values).enumerate() {
                let w = a.weights[i];
                let pad = "    ";
                issue_open(&mut x, i + 1, &issue.name, out, pad);
                x.push_str(">\n");
                match out {
                    Out::Discrete(labels) => {
                        let v: Vec<f64> = (0..issue.cardinality() as u32)
                            .map(|k| vf.eval(issue, k))
                            .collect();
                        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                        // GENIUS divides by the largest evaluation; writing v/max
                        // with weight w·max keeps every product w·v.
                        let (evals, weight) = if max > 0.0 && max != 1.0 {
                            (v.iter().map(|e| e / max).collect(), w * max)
                        } else {
                            if max <= 0.0 && v.iter().any(|&e| e < 0.0) {
                                notes.push(format!(
                                    "party {:?}, issue {:?}: all values are ≤ 0 and some negative; GENIUS evaluates them all as 0",
                                    p.name, issue.name
                                ));
                            }
                            (v, w)
                        };
                        for (k, (label, e)) in labels.iter().zip(&evals).enumerate() {
                            let _ = writeln!(
                                x,
                                "{pad}  <item index=\"{}\" value=\"{}\" evaluation=\"{}\"/>",
                                k + 1,
                                esc(label),
                                num(*e)
                            );
                        }
                        weights.push(weight);
                    }
                    Out::Integer { .. } => {
                        let (slope, offset) = match vf {
                            ValueFunction::Linear { slope, offset } => (*slope, *offset),
                            ValueFunction::Constant(c) => (0.0, *c),
                            _ => unreachable!(
                                "plan keeps integer issues for linear and constant functions"
                            ),
                        };
                        let _ = writeln!(
                            x,
                            "{pad}  <evaluator ftype=\"linear\" slope=\"{}\" offset=\"{}\"/>",
                            num(slope),
                            num(offset)
                        );
                        weights.push(w);
                    }
                    Out::Real { min, max } => {
                        let _ = writeln!(
                            x,
                            "{pad}  <range lowerbound=\"{}\" upperbound=\"{}\"/>",
                            num(*min),
                            num(*max)
                        );
                        match vf {
                            ValueFunction::Linear { slope, offset } => {
                                let _ = writeln!(
                                    x,
                                    "{pad}  <evaluator ftype=\"linear\" parameter0=\"{}\" parameter1=\"{}\"/>",
                                    num(offset - slope * min),
                                    num(*slope)
                                );
                            }
                            ValueFunction::Constant(c) => {
                                let _ = writeln!(
                                    x,
                                    "{pad}  <evaluator ftype=\"constant\" parameter0=\"{}\"/>",
                                    num(*c)
                                );
                            }
                            ValueFunction::Triangular { low, peak, high } => {
                                if peak == high && *high >= *min && *high <= *max {
                                    notes.push(format!(
                                        "party {:?}, issue {:?}: at x = {high} GENIUS's triangular evaluator gives 0 where Pactum gives 1 (top equals upper end)",
                                        p.name, issue.name
                                    ));
                                }
                                let _ = writeln!(
                                    x,
                                    "{pad}  <evaluator ftype=\"triangular\" parameter0=\"{}\" parameter1=\"{}\" parameter2=\"{}\"/>",
                                    num(*low),
                                    num(*high),
                                    num(*peak)
                                );
                            }
                            _ => unreachable!("plan keeps real issues for GENIUS's evaluators"),
                        }
                        weights.push(w);
                    }
                }
                let _ = writeln!(x, "{pad}</issue>");
            }
            for (i, w) in weights.iter().enumerate() {
                let _ = writeln!(x, "    <weight index=\"{}\" value=\"{}\"/>", i + 1, num(*w));
            }
            x.push_str("  </objective>\n");
        }
        UtilityFunction::HyperRectangles(h) => {
            x.push_str("<utility_space type=\"nonlinear\">\n");
            objective_open(&mut x, s);
            for (i, (issue, out)) in s.issues.iter().zip(plan).enumerate() {
                issue_decl(&mut x, i + 1, &issue.name, out, "    ");
            }
            let _ = writeln!(x, "    <utility maxutility=\"{}\">", num(h.normalizer));
            x.push_str("      <ufun type=\"PlainUfun\" weight=\"1\" aggregation=\"sum\">\n");
            for r in &h.rectangles {
                if !r.utility.is_finite() {
                    return Err(Error::Unsupported(format!(
                        "party {:?}: hyper-rectangle utility {} is not finite",
                        p.name, r.utility
                    )));
                }
                let _ = writeln!(x, "        <hyperRectangle utility=\"{}\">", num(r.utility));
                for &(i, lo, hi) in &r.bounds {
                    let IssueKind::Integer { min, max } = s.issues[i].kind else {
                        unreachable!("plan rejects bounds on non-integer issues")
                    };
                    // Same integers, written as GENIUS's integer bounds; an
                    // empty interval is written as min > max.
                    let (a, b) = if lo.is_nan() || hi.is_nan() {
                        (1, 0)
                    } else {
                        (
                            lo.ceil().max(min as f64) as i128,
                            hi.floor().min(max as f64) as i128,
                        )
                    };
                    let (a, b) = if a > b { (1, 0) } else { (a, b) };
                    let _ = writeln!(
                        x,
                        "          <INCLUDES index=\"{}\" min=\"{a}\" max=\"{b}\"/>",
                        i + 1
                    );
                }
                x.push_str("        </hyperRectangle>\n");
            }
            x.push_str("      </ufun>\n    </utility>\n  </objective>\n");
        }
    }
    if let Some(d) = prefs.discount_factor {
        let _ = writeln!(x, "  <discount_factor value=\"{}\"/>", num(d));
    }
    if let Some(r) = prefs.reservation_value {
        let _ = writeln!(x, "  <reservation value=\"{}\"/>", num(r));
    }
    x.push_str("</utility_space>\n");
    Ok(x)
}

/// The GENIUS domain file (root `negotiation_template`) for a scenario.
pub fn write_domain(s: &Scenario) -> Result<String> {
    checked(s)?;
    let plan = plan(s, &mut Vec::new())?;
    Ok(domain_xml(s, &plan))
}

/// The GENIUS profile file (root `utility_space`) of party `party`.
pub fn write_profile(s: &Scenario, party: usize) -> Result<String> {
    checked(s)?;
    let plan = plan(s, &mut Vec::new())?;
    profile_xml(s, &plan, party, &mut Vec::new())
}

/// A file name from `name`, with characters file systems reject replaced.
pub(crate) fn file_name_for(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        fallback.to_string()
    } else {
        cleaned
    }
}

/// Warnings for everything in the scenario that neither GENIUS nor
/// GeniusWeb files can hold.
pub(crate) fn unsupported_notes(s: &Scenario, format: &str, notes: &mut Vec<String>) {
    if s.description.is_some() {
        notes.push(format!(
            "the scenario description is not written: {format} has no place for it"
        ));
    }
    if s.notes.is_some() {
        notes.push(format!(
            "the scenario notes are not written: {format} has no place for them"
        ));
    }
    for issue in &s.issues {
        if issue.notes.is_some() {
            notes.push(format!("issue {:?}: notes are not written", issue.name));
        }
    }
    for p in &s.parties {
        if p.representative.is_some() || p.notes.is_some() {
            notes.push(format!(
                "party {:?}: representative and notes are not written",
                p.name
            ));
        }
        match (&p.preferences, p.role) {
            (None, role) => notes.push(format!(
                "party {:?} ({role}) has no preferences and is left out: {format} has only negotiating profiles",
                p.name
            )),
            (Some(_), Role::Negotiator) => {}
            (Some(_), role) => notes.push(format!(
                "party {:?} is a {role}; {format} knows only negotiators, so it is written as one",
                p.name
            )),
        }
        if let Some(prefs) = &p.preferences
            && !prefs.red_lines.is_empty()
        {
            notes.push(format!(
                "party {:?}: {} red line(s) are not written: {format} has no red lines",
                p.name,
                prefs.red_lines.len()
            ));
        }
    }
}

/// Picks distinct file names (case-insensitively) for the domain and the
/// parties with preferences; returns `(domain file, [(party, file)])`.
pub(crate) fn file_names(
    s: &Scenario,
    domain_suffix: &str,
    ext: &str,
    notes: &mut Vec<String>,
) -> (String, Vec<(usize, String)>) {
    let mut used = HashSet::new();
    let mut unique = |base: String| {
        let mut name = base.clone();
        let mut n = 2;
        while !used.insert(name.to_lowercase()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    };
    let mut parties = Vec::new();
    for (i, p) in s.parties.iter().enumerate() {
        if p.preferences.is_none() {
            continue;
        }
        let stem = unique(file_name_for(&p.name, "party"));
        if stem != p.name {
            notes.push(format!(
                "party {:?} is written to {stem}.{ext} and reads back as {stem:?}",
                p.name
            ));
        }
        parties.push((i, format!("{stem}.{ext}")));
    }
    let domain = unique(format!(
        "{}{domain_suffix}",
        file_name_for(&s.name, "scenario")
    ));
    (format!("{domain}.{ext}"), parties)
}

/// Loading a folder orders parties by file name; says so if that changes
/// the scenario's order.
pub(crate) fn order_note(party_files: &[(usize, String)], notes: &mut Vec<String>) {
    let mut sorted: Vec<&String> = party_files.iter().map(|(_, f)| f).collect();
    sorted.sort();
    if sorted.iter().zip(party_files).any(|(a, (_, b))| *a != b) {
        notes
            .push("parties read back in file-name order, which differs from the scenario's".into());
    }
}

pub(crate) fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| Error::Write {
        file: path.display().to_string(),
        source,
    })
}

pub(crate) fn prepare_folder(
    dir: &Path,
    ext: &str,
    ours: &[&str],
    notes: &mut Vec<String>,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        file: dir.display().to_string(),
        source,
    })?;
    let others: Vec<String> = files_with_extension(dir, ext)?
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| !ours.iter().any(|o| o.eq_ignore_ascii_case(n)))
        .collect();
    if !others.is_empty() {
        notes.push(format!(
            "{}: the folder already holds other .{ext} files ({}); loading it will read them too",
            dir.display(),
            others.join(", ")
        ));
    }
    Ok(())
}

/// Writes the scenario as a GENIUS folder: a domain file and one profile
/// per party with preferences. Returns warnings about what GENIUS cannot
/// hold (roles, red lines, notes, value functions it has no evaluator for…).
pub fn save_folder(s: &Scenario, dir: &Path) -> Result<Vec<String>> {
    checked(s)?;
    let mut notes = Vec::new();
    unsupported_notes(s, "GENIUS", &mut notes);
    let plan = plan(s, &mut notes)?;
    let (domain_file, party_files) = file_names(s, "-domain", "xml", &mut notes);
    if party_files.is_empty() {
        return Err(Error::Unsupported(format!(
            "{:?} has no party with preferences, and a GENIUS folder needs at least one profile",
            s.name
        )));
    }
    let mut texts = vec![(domain_file.clone(), domain_xml(s, &plan))];
    for (party, file) in &party_files {
        texts.push((file.clone(), profile_xml(s, &plan, *party, &mut notes)?));
    }
    let ours: Vec<&str> = texts.iter().map(|(f, _)| f.as_str()).collect();
    prepare_folder(dir, "xml", &ours, &mut notes)?;
    for (file, text) in &texts {
        write_file(&dir.join(file), text)?;
    }
    order_note(&party_files, &mut notes);
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const SHARED: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/scenarios/genius"
    );
    const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/genius");

    fn shared() -> Option<PathBuf> {
        let p = PathBuf::from(SHARED);
        if p.is_dir() {
            Some(p)
        } else {
            eprintln!("skipping: shared GENIUS scenarios not found at {SHARED}");
            None
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12
    }

    fn utility(s: &Scenario, party: &str, outcome: &[u32]) -> f64 {
        let p = s.party_index(party).expect("party");
        s.parties[p]
            .preferences
            .as_ref()
            .expect("preferences")
            .utility
            .utility(&s.issues, outcome)
    }

    /// Leaf folders holding .xml files.
    fn scenario_folders(root: &Path) -> Vec<PathBuf> {
        let mut stack = vec![root.to_path_buf()];
        let mut out = Vec::new();
        while let Some(d) = stack.pop() {
            let mut has_xml = false;
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == "xml") {
                    has_xml = true;
                }
            }
            if has_xml {
                out.push(d);
            }
        }
        out.sort();
        out
    }

    /// Deterministic sample of outcomes: all of them for small spaces.
    fn sample_outcomes(issues: &[Issue], n: usize, seed: u64) -> Vec<Vec<u32>> {
        let total = issues
            .iter()
            .fold(1u128, |a, i| a.saturating_mul(i.cardinality() as u128));
        if total <= 20_000 {
            return crate::test_support::all_outcomes(issues);
        }
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..n)
            .map(|_| {
                issues
                    .iter()
                    .map(|i| {
                        x = x
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        ((x >> 33) % i.cardinality()) as u32
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn golden_additive_profiles() {
        let l = load_folder(&Path::new(DATA).join("golden-additive"), None).unwrap();
        let s = &l.scenario;
        assert_eq!(s.name, "golden-additive");
        let names: Vec<&str> = s.parties.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["buyer", "seller"]);
        // The <item>s inside the similarity block are not values.
        assert_eq!(
            s.issues[0].kind,
            IssueKind::Discrete {
                options: vec!["red".into(), "green".into(), "blue".into()]
            }
        );
        assert_eq!(s.issues[1].kind, IssueKind::Integer { min: 1, max: 5 });
        assert_eq!(
            s.issues[2].kind,
            IssueKind::Real {
                min: 10.0,
                max: 20.0,
                levels: DEFAULT_REAL_LEVELS
            }
        );
        assert!(l.warnings.iter().any(|w| w.contains("legacy")));
        assert!(l.warnings.iter().any(|w| w.contains("<agent>")));

        let buyer = s.parties[0].preferences.as_ref().unwrap();
        assert_eq!(buyer.discount_factor, Some(0.9));
        assert_eq!(buyer.reservation_value, Some(0.3));
        let seller = s.parties[1].preferences.as_ref().unwrap();
        assert_eq!(seller.discount_factor, None);
        assert_eq!(seller.reservation_value, None);
        // Weights as written, not renormalised (the seller's sum to 0.8).
        assert_eq!(
            seller.utility.as_additive().unwrap().weights,
            [0.2, 0.2, 0.4]
        );

        // Colour: red 0, green 1, blue 2; Quantity x → x − 1; Price x → x − 10.
        // buyer: Colour 2/8, 4/8, 8/8 (the "purple" 100 does not count);
        // Quantity clamp01(0.25·(x − 1)); Price clamp01(2 − 0.1·x).
        assert!(close(
            utility(s, "buyer", &[2, 2, 5]),
            0.5 * 1.0 + 0.3 * 0.5 + 0.2 * 0.5
        ));
        assert!(close(
            utility(s, "buyer", &[0, 4, 0]),
            0.5 * 0.25 + 0.3 * 1.0 + 0.2 * 1.0
        ));
        assert!(close(utility(s, "buyer", &[1, 0, 10]), 0.5 * 0.5));
        // seller: Colour 10/10, 5/10, 0; Quantity clamp01(1.1 − 0.2·(x − 1));
        // Price triangular 10 → 15 → 20.
        assert!(close(
            utility(s, "seller", &[2, 2, 5]),
            0.2 * 0.7 + 0.4 * 1.0
        ));
        assert!(close(
            utility(s, "seller", &[0, 0, 2]),
            0.2 + 0.2 * 1.0 + 0.4 * 0.4
        ));
        assert!(close(
            utility(s, "seller", &[1, 1, 8]),
            0.2 * 0.5 + 0.2 * 0.9 + 0.4 * 0.4
        ));
        assert!(close(utility(s, "seller", &[0, 4, 10]), 0.2 + 0.2 * 0.3));
    }

    /// GENIUS's value of the golden nonlinear profile, written out by hand.
    fn grid_utility(a: u32, b: u32) -> f64 {
        let mut sum: f64 = 3.0; // utility 1 × weight 3, no bounds
        if a <= 2 && b <= 2 {
            sum += 6.0;
        }
        if a >= 2 {
            sum += 5.0; // EXCLUDES a ∈ [0, 1]
        }
        if b >= 3 {
            sum += 0.5 * 4.0; // nested ufun of weight 0.5
        }
        (sum / 10.0).min(1.0)
    }

    #[test]
    fn golden_nonlinear_profile() {
        let l = load_folder(&Path::new(DATA).join("golden-nonlinear"), None).unwrap();
        let s = &l.scenario;
        let prefs = s.parties[0].preferences.as_ref().unwrap();
        assert_eq!(prefs.discount_factor, Some(0.5));
        assert_eq!(prefs.reservation_value, Some(0.2));
        assert!(matches!(prefs.utility, UtilityFunction::HyperRectangles(_)));
        assert!(close(utility(s, "boxes", &[0, 0, 0]), 0.9));
        assert!(close(utility(s, "boxes", &[2, 2, 1]), 1.0)); // 14/10, cut at 1
        assert!(close(utility(s, "boxes", &[2, 3, 0]), 1.0));
        assert!(close(utility(s, "boxes", &[1, 3, 0]), 0.5));
        assert!(close(utility(s, "boxes", &[3, 0, 1]), 0.8));
        for a in 0..5 {
            for b in 0..5 {
                for c in 0..2 {
                    assert!(
                        close(utility(s, "boxes", &[a, b, c]), grid_utility(a, b)),
                        "({a}, {b}, {c})"
                    );
                }
            }
        }
    }

    fn same_utilities(a: &Scenario, b: &Scenario, samples: usize) {
        assert_eq!(a.issues, b.issues, "issues differ");
        assert_eq!(a.parties.len(), b.parties.len());
        for p in &a.parties {
            let q = b.party_index(&p.name).expect("party kept");
            let (pa, pb) = (
                p.preferences.as_ref().unwrap(),
                b.parties[q].preferences.as_ref().unwrap(),
            );
            assert_eq!(pa.reservation_value, pb.reservation_value);
            assert_eq!(pa.discount_factor, pb.discount_factor);
            for o in sample_outcomes(&a.issues, samples, 7) {
                let (ua, ub) = (
                    pa.utility.utility(&a.issues, &o),
                    pb.utility.utility(&b.issues, &o),
                );
                assert!(close(ua, ub), "{}: {o:?}: {ua} vs {ub}", p.name);
            }
        }
    }

    fn round_trip(dir: &Path) {
        let first = load_folder(dir, None).unwrap().scenario;
        let tmp = tempfile::tempdir().unwrap();
        save_folder(&first, tmp.path()).unwrap();
        let second = load_folder(tmp.path(), None).unwrap().scenario;
        same_utilities(&first, &second, 300);
        // Once more: the written form is stable.
        let tmp2 = tempfile::tempdir().unwrap();
        save_folder(&second, tmp2.path()).unwrap();
        let third = load_folder(tmp2.path(), None).unwrap().scenario;
        assert_eq!(second.issues, third.issues);
        same_utilities(&second, &third, 300);
    }

    #[test]
    fn golden_round_trips() {
        round_trip(&Path::new(DATA).join("golden-additive"));
        round_trip(&Path::new(DATA).join("golden-nonlinear"));
    }

    #[test]
    fn shared_round_trips() {
        let Some(root) = shared() else { return };
        for dir in &scenario_folders(&root) {
            if dir.ends_with("LaptopConv") || dir.to_string_lossy().contains("30issues") {
                continue;
            }
            round_trip(dir);
        }
    }

    #[test]
    fn shared_conformance() {
        let Some(root) = shared() else { return };
        let folders = scenario_folders(&root);
        assert!(folders.len() >= 120, "{} folders", folders.len());
        for dir in &folders {
            let result = load_folder(dir, None);
            if dir.ends_with("misc/LaptopConv") {
                let e = result.expect_err("LaptopConv must be rejected").to_string();
                assert!(e.contains("Laptop-C-prof2.xml"), "{e}");
                assert!(e.contains("issue \"0\""), "{e}");
                continue;
            }
            let l = result.unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            assert!(!l.scenario.parties.is_empty());
        }

        // misc/Laptop, by hand: evaluations divided by each issue's largest.
        let l = load_folder(&root.join("misc/Laptop"), None)
            .unwrap()
            .scenario;
        assert_eq!(l.outcome_count(), 27);
        // prof1: (Dell, 60 Gb, 19'' LCD) = w1·12/30 + w2·30/30 + w3·30/30
        let u = utility(&l, "Laptop-C-prof1", &[0, 0, 0]);
        assert!(close(
            u,
            0.4452125771655631 * (12.0 / 30.0) + 0.37808251708013424 + 0.1767567099260568
        ));
        assert!(close(u, 0.7329242578724163));
        // prof2: (HP, 120 Gb, 20'' LCD) = w1·20/30 + w2·9/30 + w3·2/3
        let u = utility(&l, "Laptop-C-prof2", &[2, 2, 1]);
        assert!(close(
            u,
            0.37808251708013424 * (20.0 / 30.0)
                + 0.1767567099260568 * (9.0 / 30.0)
                + 0.4452125771655631 * (2.0 / 3.0)
        ));

        let ampo = load_folder(&root.join("misc/AMPOvsCity"), None)
            .unwrap()
            .scenario;
        assert_eq!(ampo.issues.len(), 10);
        assert_eq!(ampo.outcome_count(), 1_944_000);

        let car = load_folder(&root.join("anac/y2012/CarA"), None)
            .unwrap()
            .scenario;
        assert_eq!(car.issues.len(), 6);
        assert_eq!(car.outcome_count(), 15_625);
        // Legacy similarity blocks hold a sixth "unspecified" item: not a value.
        assert!(car.issues.iter().all(|i| i.cardinality() == 5));

        let uni_dir = root.join("anac/y2015/group1-university");
        let uni = load_folder(&uni_dir, None).unwrap().scenario;
        assert_eq!(uni.parties.len(), 9);
        assert_eq!(uni.parties[0].name, "University_util1");
        let pick = [
            "University_util7".to_string(),
            "University_util2".to_string(),
        ];
        let two = load_folder(&uni_dir, Some(&pick)).unwrap().scenario;
        let names: Vec<&str> = two.parties.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["University_util7", "University_util2"]);
        let e = load_folder(&uni_dir, Some(&["Nope".to_string()]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"Nope\"") && e.contains("University_util9"),
            "{e}"
        );

        // The real issue of misc/fuzzyagent: clamp01(p1·x + p0).
        let fuzzy = load_folder(&root.join("misc/fuzzyagent"), None)
            .unwrap()
            .scenario;
        let x = fuzzy.issues[0].numeric(5); // 25
        assert!(close(x, 25.0));
        let seller = utility(&fuzzy, "seller_utility", &[5]);
        assert!(close(
            seller,
            (0.03333333 * 25.0 - 0.3333333f64).clamp(0.0, 1.0)
        ));
        let buyer = utility(&fuzzy, "buyer_utility", &[0]); // x = 10: 1.0000000003 → 1
        assert!(close(buyer, 1.0));
    }

    /// GENIUS's nonlinear utility straight from the XML (issues are
    /// integer, values `min + k`).
    fn genius_nonlinear_reference(root: &Element, issues: &[Issue], outcome: &[u32]) -> f64 {
        let objective = root.child("objective").unwrap();
        let utility = objective.child("utility").unwrap();
        let max: f64 = utility.attr("maxutility").unwrap().parse().unwrap();
        fn ufun_sum(u: &Element, issues: &[Issue], outcome: &[u32]) -> f64 {
            let mut sum = 0.0;
            for c in &u.children {
                if c.name == "hyperRectangle" {
                    let util: f64 = c.attr("utility").unwrap().parse().unwrap();
                    let weight: f64 = c.attr("weight").map_or(1.0, |w| w.parse().unwrap());
                    let inside = |b: &Element| {
                        let i: usize = b.attr("index").unwrap().parse::<usize>().unwrap() - 1;
                        let x = issues[i].numeric(outcome[i]);
                        let lo: f64 = b.attr("min").unwrap().parse().unwrap();
                        let hi: f64 = b.attr("max").unwrap().parse().unwrap();
                        x >= lo && x <= hi
                    };
                    let ex: Vec<&Element> =
                        c.children.iter().filter(|b| b.name == "EXCLUDES").collect();
                    let counts = if ex.is_empty() {
                        c.children
                            .iter()
                            .filter(|b| b.name == "INCLUDES")
                            .all(inside)
                    } else {
                        !ex.iter().all(|b| inside(b))
                    };
                    if counts {
                        sum += util * weight;
                    }
                } else if c.name == "ufun" {
                    let w: f64 = c.attr("weight").map_or(1.0, |w| w.parse().unwrap());
                    sum += w * ufun_sum(c, issues, outcome);
                }
            }
            sum
        }
        (ufun_sum(utility.child("ufun").unwrap(), issues, outcome) / max).min(1.0)
    }

    #[test]
    fn anac2014_matches_genius_reference() {
        let Some(root) = shared() else { return };
        for set in [
            "10issues",
            "10issuesDiscounted",
            "10issuesDiscountedwithRV",
            "10issueswithRV",
        ] {
            let dir = root.join("anac/y2014").join(set);
            let l = load_folder(&dir, None).unwrap();
            let s = &l.scenario;
            for p in &s.parties {
                let xml = std::fs::read_to_string(dir.join(format!("{}.xml", p.name))).unwrap();
                let root = parse_xml("ref", &xml).unwrap().unwrap();
                let UtilityFunction::HyperRectangles(h) = &p.preferences.as_ref().unwrap().utility
                else {
                    panic!("nonlinear expected")
                };
                // Random outcomes, plus one corner of every correcting box.
                let mut outcomes = sample_outcomes(&s.issues, 3000, 11);
                for r in h
                    .rectangles
                    .iter()
                    .filter(|r| r.bounds.len() > 1 && r.utility < 0.0)
                {
                    let mut o = vec![0u32; s.issues.len()];
                    for &(i, lo, _) in &r.bounds {
                        o[i] = s.issues[i].index_of(&Value::Integer(lo as i64)).unwrap();
                    }
                    outcomes.push(o);
                }
                for o in outcomes {
                    let ours = p
                        .preferences
                        .as_ref()
                        .unwrap()
                        .utility
                        .utility(&s.issues, &o);
                    let theirs = genius_nonlinear_reference(&root, &s.issues, &o);
                    assert!(
                        close(ours, theirs),
                        "{set}/{}: {o:?}: {ours} vs {theirs}",
                        p.name
                    );
                }
            }
        }
    }

    #[test]
    fn parse_profile_matches_issues_by_name() {
        let dir = Path::new(DATA).join("golden-additive");
        let domain = std::fs::read_to_string(dir.join("fruit-domain.xml")).unwrap();
        let issues = parse_domain("fruit-domain.xml", &domain).unwrap();
        assert_eq!(issues.len(), 3);
        let xml = std::fs::read_to_string(dir.join("buyer.xml")).unwrap();
        let (prefs, warnings) = parse_profile("buyer.xml", &xml, &issues).unwrap();
        assert!(warnings.iter().all(|w| w.starts_with("buyer.xml: ")));
        assert!(close(prefs.utility.utility(&issues, &[2, 2, 5]), 0.75));
    }

    const DOMAIN: &str = r#"<negotiation_template>
<utility_space>
<objective index="0" name="t">
<issue index="1" name="x" type="discrete"><item value="a"/><item value="b"/></issue>
<issue index="2" name="y" type="integer" lowerbound="0" upperbound="3"/>
</objective>
</utility_space>
</negotiation_template>"#;

    fn profile(weight1: &str, extra: &str) -> String {
        format!(
            r#"<utility_space>
<objective index="0" name="t">
<issue index="1" name="x"><item value="a" evaluation="1"/><item value="b" evaluation="2"/></issue>
<issue index="2" name="y" lowerbound="0" upperbound="3"><evaluator ftype="linear" slope="0.5" offset="0"/></issue>
<weight index="1" value="{weight1}"/>
<weight index="2" value="0.5"/>
{extra}
</objective>
</utility_space>"#
        )
    }

    fn issues() -> Vec<Issue> {
        parse_domain("d.xml", DOMAIN).unwrap()
    }

    #[test]
    fn malformed_xml_reports_the_line() {
        let xml = "<negotiation_template>\n<utility_space>\n<objective>\n<issue name=\"x\">\n</objective>\n";
        let e = parse_domain("bad.xml", xml).unwrap_err();
        match &e {
            Error::Format { file, location, .. } => {
                assert_eq!(file, "bad.xml");
                assert_eq!(location.line, Some(5), "{e}");
            }
            other => panic!("{other}"),
        }
        assert!(e.to_string().starts_with("bad.xml:5:"), "{e}");
        // Unclosed at the end of the file.
        let e = parse_domain("cut.xml", "<negotiation_template>\n<utility_space>\n").unwrap_err();
        assert!(e.to_string().contains("never closed"), "{e}");
        // Broken attribute.
        let e = parse_domain("attr.xml", "<a>\n\n<b x=\"1\" x=\"2\"/></a>").unwrap_err();
        assert!(e.to_string().starts_with("attr.xml:3"), "{e}");
    }

    #[test]
    fn bad_weights_are_rejected() {
        let issues = issues();
        assert!(parse_profile("p.xml", &profile("0.5", ""), &issues).is_ok());
        for bad in ["NaN", "-0.2", "abc", "inf"] {
            let e = parse_profile("p.xml", &profile(bad, ""), &issues).unwrap_err();
            let text = e.to_string();
            assert!(text.starts_with("p.xml:5: <weight>"), "{bad}: {text}");
        }
        let e = parse_profile(
            "p.xml",
            &profile("0.5", r#"<weight index="9" value="0.1"/>"#),
            &issues,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("index 9"), "{e}");
    }

    #[test]
    fn unknown_issues_are_rejected() {
        let issues = issues();
        let extra = r#"<issue index="3" name="z"><item value="a" evaluation="1"/></issue>"#;
        let e = parse_profile("p.xml", &profile("0.5", extra), &issues)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"z\"") && e.contains("not in the domain"),
            "{e}"
        );
        // Missing evaluation of a domain value.
        let xml = profile("0.5", "").replace(r#"<item value="b" evaluation="2"/>"#, "");
        let e = parse_profile("p.xml", &xml, &issues)
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"b\"") && e.contains("no evaluation"), "{e}");
        // Missing attribute.
        let xml = profile("0.5", "").replace(r#" slope="0.5""#, "");
        let e = parse_profile("p.xml", &xml, &issues)
            .unwrap_err()
            .to_string();
        assert!(e.contains("<evaluator>") && e.contains("`slope`"), "{e}");
    }

    #[test]
    fn missing_files_are_io_errors() {
        let e = load_folder(Path::new("/no/such/folder"), None).unwrap_err();
        assert!(matches!(e, Error::Io { .. }), "{e}");
        let empty = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(empty.path()).unwrap();
        let e = load_folder(empty.path(), None).unwrap_err().to_string();
        assert!(e.contains("no GENIUS domain"), "{e}");
        std::fs::write(empty.path().join("d.xml"), DOMAIN).unwrap();
        let e = load_folder(empty.path(), None).unwrap_err().to_string();
        assert!(e.contains("no GENIUS profile"), "{e}");
        std::fs::write(empty.path().join("p.xml"), profile("0.5", "")).unwrap();
        std::fs::write(empty.path().join("notes.xml"), "just text\n").unwrap();
        let l = load_folder(empty.path(), None).unwrap();
        assert!(l.warnings.iter().any(|w| w.contains("notes.xml")));
        assert!(close(utility(&l.scenario, "p", &[1, 3]), 0.5 + 0.5));
    }

    #[test]
    fn export_warns_about_what_genius_cannot_hold() {
        let mut s = load_folder(&Path::new(DATA).join("golden-additive"), None)
            .unwrap()
            .scenario;
        s.notes = Some("context".into());
        s.parties[0]
            .preferences
            .as_mut()
            .unwrap()
            .red_lines
            .push(RedLine {
                issue: 0,
                values: vec![0],
                notes: None,
            });
        s.parties.push(Party {
            name: "host".into(),
            role: Role::Mediator,
            representative: None,
            notes: None,
            preferences: None,
        });
        // A value function GENIUS has no integer evaluator for.
        if let UtilityFunction::Additive(a) =
            &mut s.parties[1].preferences.as_mut().unwrap().utility
        {
            a.values[1] = ValueFunction::PiecewiseLinear {
                points: vec![(1.0, 0.0), (3.0, 1.0), (5.0, 0.0)],
            };
        }
        let tmp = tempfile::tempdir().unwrap();
        let w = save_folder(&s, tmp.path()).unwrap();
        let all = w.join("\n");
        for needle in ["notes", "red line", "\"host\"", "Quantity", "discrete"] {
            assert!(all.contains(needle), "{needle}: {all}");
        }
        let back = load_folder(tmp.path(), None).unwrap().scenario;
        assert!(matches!(back.issues[1].kind, IssueKind::Discrete { .. }));
        // Utilities survive the change of issue kind.
        for o in sample_outcomes(&s.issues, 0, 1) {
            for p in ["buyer", "seller"] {
                assert!(
                    close(utility(&s, p, &o), utility(&back, p, &o)),
                    "{p} {o:?}"
                );
            }
        }
    }

    #[test]
    fn writers_produce_genius_files() {
        let s = load_folder(&Path::new(DATA).join("golden-additive"), None)
            .unwrap()
            .scenario;
        let d = write_domain(&s).unwrap();
        assert!(d.contains("<negotiation_template>"));
        assert_eq!(parse_domain("d.xml", &d).unwrap(), s.issues);
        let p = write_profile(&s, 0).unwrap();
        assert!(
            p.contains(r#"<evaluator ftype="linear" parameter0="2" parameter1="-0.1"/>"#),
            "{p}"
        );
        assert!(
            p.contains(r#"<evaluator ftype="linear" slope="0.25" offset="0"/>"#),
            "{p}"
        );
        let (prefs, _) = parse_profile("p.xml", &p, &s.issues).unwrap();
        assert!(close(prefs.utility.utility(&s.issues, &[0, 4, 0]), 0.625));
        assert!(write_profile(&s, 7).is_err());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_input_never_panics(text in "\\PC{0,300}") {
            let _ = parse_domain("x.xml", &text);
            let _ = parse_profile("x.xml", &text, &issues());
        }

        #[test]
        fn mangled_profiles_never_panic(cut in 0usize..600, junk in "[<>/=\" a-z0-9.-]{0,12}") {
            let xml = profile("0.5", "");
            let cut = cut.min(xml.len());
            let cut = (0..=cut).rev().find(|&c| xml.is_char_boundary(c)).unwrap_or(0);
            let mangled = format!("{}{junk}{}", &xml[..cut], &xml[cut..]);
            let _ = parse_profile("x.xml", &mangled, &issues());
        }
    }
}
