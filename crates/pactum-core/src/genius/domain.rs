//! The GENIUS domain reader (root `negotiation_template`).
//!
//! Rules: an issue's type comes from `type`, else `vtype`, else `etype`,
//! else it is discrete (a disagreement between `type` and `vtype` is
//! reported); an issue without `index` is numbered by its position; nested
//! objectives are flattened; issues standing directly under
//! `<utility_space>` count when there is no `<objective>`; indices and
//! names are unique; a discrete issue lists each value once; numeric
//! bounds come from the issue or its `<range>` child, lower ≤ upper.

use std::collections::{HashMap, HashSet};

use super::xml::*;
use crate::error::{Error, Location, Result};
use crate::model::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Discrete,
    Integer,
    Real,
}

/// An issue with the GENIUS `index` that profiles refer to it by.
pub(super) struct DomainIssue {
    pub(super) issue: Issue,
    pub(super) index: i64,
}

/// GENIUS reads the value type from `type`, falling back to `vtype`; when
/// both are missing the issue is discrete. `etype` is a further fallback here.
pub(super) fn issue_kind(file: &str, el: &Element, notes: &mut Notes) -> Result<Kind> {
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
pub(super) fn bounds_element<'a, 't>(file: &str, el: &'a Element<'t>) -> Result<&'a Element<'t>> {
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

pub(super) fn read_domain_issue(
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
            let mut seen: HashSet<&str> = HashSet::new();
            for c in &el.children {
                match c.name() {
                    "item" => {
                        let v = req(file, c, "value")?;
                        if !seen.insert(v) {
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

pub(super) fn collect_domain_issues(
    file: &str,
    objective: &Element,
    out: &mut Vec<DomainIssue>,
    legacy: &mut usize,
    notes: &mut Notes,
) -> Result<()> {
    for c in &objective.children {
        match c.name() {
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
            _ => ignored(notes, c, objective.name()),
        }
    }
    Ok(())
}

pub(super) fn read_domain(
    file: &str,
    root: &Element,
    warnings: &mut Vec<String>,
) -> Result<Vec<DomainIssue>> {
    let mut notes = Notes {
        file,
        out: warnings,
    };
    if root.name() != "negotiation_template" {
        return Err(at(
            file,
            root,
            "not a GENIUS domain: expected the root element <negotiation_template>",
        ));
    }
    let mut space = None;
    let mut agents = 0;
    for c in &root.children {
        match c.name() {
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
        match c.name() {
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
