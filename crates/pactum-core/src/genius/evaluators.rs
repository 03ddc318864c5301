//! GENIUS's per-issue evaluators in an additive profile.
//!
//! Rules: discrete evaluations are divided by the issue's largest (all 0
//! when it is below 0.00001); integer evaluators are linear, measured from
//! the profile's lower bound (`slope`/`offset`) or on the value itself
//! (`parameter0`/`parameter1`), or listed item by item and interpolated;
//! real evaluators are `linear`, `constant` or `triangular`, a degenerate
//! triangle being stored as its values on the issue's grid.

use std::collections::HashMap;

use super::xml::*;
use crate::error::Result;
use crate::model::*;

/// GENIUS's triangular evaluator: 0 below `low`, rising to 1 at `top`,
/// falling to 0 at `high` (exclusive), 0 from `high` on.
pub(super) fn genius_triangular(x: f64, low: f64, high: f64, top: f64) -> f64 {
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

pub(super) fn read_discrete_evaluator(
    file: &str,
    el: &Element,
    issue: &Issue,
    options: &[String],
    legacy: &mut usize,
    costs: &mut usize,
    notes: &mut Notes,
) -> Result<ValueFunction> {
    // The last evaluation of each value: of the domain's values by their
    // position, looked up where the item stands first (items usually list
    // the values in the domain's order); of other values apart.
    // A value listed twice in `options` has one evaluation, at its first
    // position.
    let distinct = {
        let mut sorted: Vec<&str> = options.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.windows(2).all(|w| w[0] != w[1])
    };
    let first_positions = || {
        let mut map = HashMap::with_capacity(options.len());
        for (p, o) in options.iter().enumerate() {
            map.entry(o.as_str()).or_insert(p);
        }
        map
    };
    let mut evaluations: Vec<Option<f64>> = vec![None; options.len()];
    let mut positions: Option<HashMap<&str, usize>> = (!distinct).then(first_positions);
    let mut others: Vec<(&str, f64)> = Vec::new();
    let mut duplicates = 0;
    for (k, c) in el.children.iter().enumerate() {
        match c.name() {
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
                        let position = match options.get(k) {
                            Some(o) if distinct && o == value => Some(k),
                            _ => positions
                                .get_or_insert_with(first_positions)
                                .get(value)
                                .copied(),
                        };
                        let slot = match position {
                            Some(p) => &mut evaluations[p],
                            None => match others.iter().position(|(v, _)| *v == value) {
                                Some(i) => {
                                    duplicates += 1;
                                    others[i].1 = e;
                                    continue;
                                }
                                None => {
                                    others.push((value, e));
                                    continue;
                                }
                            },
                        };
                        if slot.replace(e).is_some() {
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
    if !others.is_empty() {
        let mut extra: Vec<&str> = others.iter().map(|(v, _)| *v).collect();
        extra.sort_unstable();
        notes.push(format!(
            "issue {:?}: values {extra:?} are not in the domain (their evaluations still count towards GENIUS's maximum)",
            issue.name
        ));
    }
    let mut raw = Vec::with_capacity(options.len());
    for (p, o) in options.iter().enumerate() {
        let p = match &positions {
            Some(map) if !distinct => map[o.as_str()],
            _ => p,
        };
        match evaluations[p] {
            Some(e) => raw.push(e),
            None => {
                return Err(at(
                    file,
                    el,
                    format!("value {o:?} of issue {:?} has no evaluation", issue.name),
                ));
            }
        }
    }
    let max = raw
        .iter()
        .chain(others.iter().map(|(_, e)| e))
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
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

pub(super) fn read_integer_evaluator(
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
pub(super) fn integer_parameters(file: &str, ev: &Element, min: i64) -> Result<ValueFunction> {
    let p0 = req_f64(file, ev, "parameter0")?;
    let p1 = req_f64(file, ev, "parameter1")?;
    // clamp01(p1·x + p0) == clamp01((p0 + p1·min) + p1·(x − min))
    Ok(ValueFunction::Linear {
        slope: p1,
        offset: p0 + p1 * min as f64,
    })
}

/// Most items an integer issue written as a value table may list.
pub(super) const MAX_INTEGER_ITEMS: usize = 100_000;

/// An integer issue whose profile lists `<item value="x" evaluation="e">`
/// per value (NegMAS writes integer issues so): the evaluations are taken
/// as written, as NegMAS reads them, and interpolated linearly between
/// listed values (values outside the listed ones take the nearest listed
/// value's evaluation; both are reported).
pub(super) fn integer_items(
    file: &str,
    el: &Element,
    issue: &Issue,
    notes: &mut Notes,
) -> Result<ValueFunction> {
    let mut points: Vec<(f64, f64)> = Vec::new();
    for c in el.children.iter().filter(|c| c.name() == "item") {
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

pub(super) fn read_real_evaluator(
    file: &str,
    el: &Element,
    issue: &Issue,
    min: f64,
    notes: &mut Notes,
) -> Result<ValueFunction> {
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
