//! The GENIUS profile reader (root `utility_space`).
//!
//! Rules: a profile's issues are matched to the domain's by index (checked
//! against the name when both are given) or, without an index, by name; an
//! issue missing from the profile evaluates as 0, a missing weight is 0,
//! a negative weight is refused; weights are used as written; a discount
//! factor outside (0, 1] is dropped, as GENIUS drops it; a profile that
//! declares no issues takes index k as the k-th domain issue (reported).

use std::collections::HashSet;

use super::evaluators::*;
use super::nonlinear::*;
use super::xml::*;
use crate::error::{Error, Location, Result};
use crate::model::*;

/// All `<issue>` and `<weight>` elements of an objective tree, and the
/// indices of the objectives themselves.
pub(super) fn walk_objective<'a, 't>(
    objective: &'a Element<'t>,
    issues: &mut Vec<&'a Element<'t>>,
    weights: &mut Vec<&'a Element<'t>>,
    objectives: &mut HashSet<i64>,
    others: &mut Vec<&'a Element<'t>>,
) {
    if let Some(i) = objective
        .attr("index")
        .and_then(|v| v.trim().parse::<i64>().ok())
    {
        objectives.insert(i);
    }
    for c in &objective.children {
        match c.name() {
            "issue" => issues.push(c),
            "weight" => weights.push(c),
            "objective" => walk_objective(c, issues, weights, objectives, others),
            _ => others.push(c),
        }
    }
}

/// Reads a profile tree. `domain_index` holds the GENIUS index of each issue
/// when the domain file is known; without it issues are matched by name.
pub(super) fn read_profile(
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
    if root.name() != "utility_space" {
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
        match c.name() {
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
                match c.name() {
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
        || others.iter().any(|o| o.name() == "utility");

    let utility = if nonlinear {
        for o in &others {
            if o.name() != "utility" {
                ignored(&mut notes, o, "objective");
            }
        }
        if !weight_els.is_empty() {
            notes.push("ignored <weight> elements: a nonlinear profile has no issue weights");
        }
        let u = others
            .iter()
            .find(|o| o.name() == "utility")
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
                (Some(el), IssueKind::Real { min, .. }) => {
                    read_real_evaluator(file, el, issue, *min, &mut notes)?
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
