//! GENIUS's nonlinear (ANAC 2014) profiles: sums of hyper-rectangle
//! utilities, and the issue numbering profiles refer to issues by.
//!
//! Rules: only `sum` aggregation is read; a nested `<ufun>`'s weight scales
//! everything under it while the outermost one's is ignored (as in GENIUS);
//! an `EXCLUDES` box counts when the outcome is outside it (written as "u
//! everywhere" plus "−u inside"), and with both kinds present only the
//! `EXCLUDES` count; bounds constrain integer issues only.

use std::collections::{HashMap, HashSet};

use super::xml::*;
use crate::error::Result;
use crate::model::*;

/// Resolves the GENIUS `index` numbers a profile uses to issue positions.
pub(super) struct IssueIndex {
    pub(super) map: HashMap<i64, usize>,
    /// Indices of `<objective>` elements (weights on them are ignored).
    pub(super) objectives: HashSet<i64>,
    /// No issue numbering is known: index `k` is taken as position `k − 1`.
    pub(super) guess: bool,
    pub(super) guessed: bool,
}

impl IssueIndex {
    pub(super) fn get(&mut self, index: i64, n: usize) -> Option<usize> {
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

#[allow(clippy::too_many_arguments)]
pub(super) fn read_hyper_rectangles(
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
        match c.name() {
            "hyperRectangle" => {
                let utility = req_f64(file, c, "utility")?;
                let weight = match c.attr("weight") {
                    Some(t) => parse_f64(file, c, "weight", t)?,
                    None => 1.0,
                };
                let u = utility * weight * multiplier;
                let includes: Vec<&Element> = c
                    .children
                    .iter()
                    .filter(|b| b.name() == "INCLUDES")
                    .collect();
                let excludes: Vec<&Element> = c
                    .children
                    .iter()
                    .filter(|b| b.name() == "EXCLUDES")
                    .collect();
                for b in &c.children {
                    if b.name() != "INCLUDES" && b.name() != "EXCLUDES" {
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
