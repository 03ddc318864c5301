//! Writing a scenario as GeniusWeb files.
//!
//! Rules: a scenario is validated before it is written; GeniusWeb's rules
//! are met (value utilities in [0, 1], weights summing to exactly 1, numeric
//! issues valued linearly, simple names) by rescaling where the utilities
//! stay proportional, and a reservation value becomes a reservation bid of
//! that utility when one can be found; everything else is reported.

use std::fmt::Write as _;
use std::path::Path;

use super::weights::unit_weights;
use crate::error::{Error, Result};
use crate::folder::{
    checked, file_names, order_note, prepare_folder, unsupported_notes, write_file,
};
use crate::model::*;

/// How an issue is written to GeniusWeb.
#[derive(Debug, Clone)]
pub(super) enum Out {
    /// A discrete value set (the issue's options, or a numeric issue's
    /// values as text).
    Values(Vec<String>),
    /// A number range `low..=high` in steps of `step`.
    Range { low: f64, high: f64, step: f64 },
}

pub(super) const MAX_LISTED_VALUES: u64 = 100_000;

/// The values at the two ends of a numeric issue, if the value function is
/// affine on the issue's values (what GeniusWeb's number utilities express).
pub(super) fn affine_ends(issue: &Issue, vf: &ValueFunction) -> Option<(f64, f64)> {
    let n = issue.cardinality();
    if n < 2 {
        return None;
    }
    let (x0, x1) = (issue.numeric(0), issue.numeric((n - 1) as u32));
    if x1 <= x0 || x1.is_nan() || x0.is_nan() {
        return None;
    }
    match vf {
        ValueFunction::Constant(c) => return Some((*c, *c)),
        ValueFunction::Linear { slope, offset } => {
            let (a, b) = (*offset, offset + slope * (x1 - x0));
            if (0.0..=1.0).contains(&a) && (0.0..=1.0).contains(&b) {
                return Some((a, b));
            }
        }
        ValueFunction::PiecewiseLinear { points }
            if points.len() == 2 && points[0].0 == x0 && points[1].0 == x1 =>
        {
            return Some((points[0].1, points[1].1));
        }
        _ => {}
    }
    if n > MAX_LISTED_VALUES {
        return None;
    }
    let (a, b) = (vf.eval(issue, 0), vf.eval(issue, (n - 1) as u32));
    let affine = (0..n as u32).all(|k| {
        let x = issue.numeric(k);
        let expect = a + (b - a) * (x - x0) / (x1 - x0);
        (vf.eval(issue, k) - expect).abs() <= 1e-12
    });
    affine.then_some((a, b))
}

pub(super) fn plan(s: &Scenario, notes: &mut Vec<String>) -> Result<Vec<Out>> {
    for p in &s.parties {
        if let Some(Preferences {
            utility: UtilityFunction::HyperRectangles(_),
            ..
        }) = &p.preferences
        {
            return Err(Error::Unsupported(format!(
                "party {:?} has a nonlinear (hyper-rectangle) utility, which GeniusWeb profiles cannot hold",
                p.name
            )));
        }
    }
    let mut out = Vec::with_capacity(s.issues.len());
    for (i, issue) in s.issues.iter().enumerate() {
        if let IssueKind::Discrete { options } = &issue.kind {
            out.push(Out::Values(options.clone()));
            continue;
        }
        let n = issue.cardinality();
        // A single value has no ends to value linearly between.
        let blocker = (n >= 2)
            .then(|| {
                s.parties.iter().find_map(|p| match &p.preferences {
                    Some(Preferences {
                        utility: UtilityFunction::Additive(a),
                        ..
                    }) if affine_ends(issue, &a.values[i]).is_none() => Some(p.name.as_str()),
                    _ => None,
                })
            })
            .flatten();
        let (x0, x1) = (issue.numeric(0), issue.numeric((n.max(1) - 1) as u32));
        match blocker {
            None if n >= 2 && x1 > x0 => out.push(Out::Range {
                low: x0,
                high: x1,
                step: match issue.kind {
                    IssueKind::Integer { .. } => 1.0,
                    _ => (x1 - x0) / (n - 1) as f64,
                },
            }),
            _ => {
                if n > MAX_LISTED_VALUES {
                    return Err(Error::Unsupported(format!(
                        "issue {:?}: GeniusWeb values numeric issues linearly, party {:?}'s value function is not linear, and the issue has too many values ({n}) to list",
                        issue.name,
                        blocker.unwrap_or("")
                    )));
                }
                if let Some(p) = blocker {
                    notes.push(format!(
                        "issue {:?}: written as a discrete issue listing its values, because party {p:?}'s value function is not linear on it",
                        issue.name
                    ));
                } else if n < 2 {
                    notes.push(format!(
                        "issue {:?}: written as a discrete issue listing its values, because it has a single value and a GeniusWeb number range needs two",
                        issue.name
                    ));
                }
                let values: Vec<String> =
                    (0..n as u32).map(|k| issue.value(k).to_string()).collect();
                if let Some(k) = (1..values.len()).find(|&k| values[..k].contains(&values[k])) {
                    return Err(Error::Unsupported(format!(
                        "issue {:?}: the value {} occurs more than once, and a GeniusWeb value set lists each value once",
                        issue.name, values[k]
                    )));
                }
                out.push(Out::Values(values));
            }
        }
    }
    Ok(out)
}

pub(super) fn js(s: &str) -> String {
    serde_json::to_string(s).expect("strings always serialise")
}

pub(super) fn num(x: f64) -> String {
    format!("{x}")
}

/// GeniusWeb names must be simple: letters and digits only.
pub(super) fn simple_name(
    name: &str,
    fallback: &str,
    what: &str,
    notes: &mut Vec<String>,
) -> String {
    let simple: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let simple = if simple.is_empty() {
        fallback.to_string()
    } else {
        simple
    };
    if simple != name {
        notes.push(format!(
            "{what} name {name:?} written as {simple:?}: GeniusWeb names hold only letters and digits"
        ));
    }
    simple
}

pub(super) fn domain_json(s: &Scenario, plan: &[Out], name: &str, pad: &str) -> String {
    let mut x = String::new();
    let _ = writeln!(
        x,
        "{{\n{pad}  \"name\": {},\n{pad}  \"issuesValues\": {{",
        js(name)
    );
    for (i, (issue, out)) in s.issues.iter().zip(plan).enumerate() {
        let comma = if i + 1 < plan.len() { "," } else { "" };
        match out {
            Out::Values(values) => {
                let list: Vec<String> = values.iter().map(|v| js(v)).collect();
                let _ = writeln!(
                    x,
                    "{pad}    {}: {{\"values\": [{}]}}{comma}",
                    js(&issue.name),
                    list.join(", ")
                );
            }
            Out::Range { low, high, step } => {
                let _ = writeln!(
                    x,
                    "{pad}    {}: {{\"range\": {{\"low\": {}, \"high\": {}, \"step\": {}}}}}{comma}",
                    js(&issue.name),
                    num(*low),
                    num(*high),
                    num(*step)
                );
            }
        }
    }
    let _ = write!(x, "{pad}  }}\n{pad}}}");
    x
}

/// Finds an outcome whose utility is `target` (to 1e-12), searching at most
/// `budget` partial outcomes.
pub(super) fn outcome_with_utility(
    issues: &[Issue],
    a: &AdditiveUtility,
    target: f64,
    budget: u64,
) -> Option<Vec<u32>> {
    let u = UtilityFunction::Additive(a.clone());
    let contributions: Vec<Vec<f64>> = issues
        .iter()
        .enumerate()
        .map(|(i, issue)| {
            (0..issue.cardinality().min(MAX_LISTED_VALUES) as u32)
                .map(|k| a.weights[i] * a.values[i].eval(issue, k))
                .collect()
        })
        .collect();
    // Bounds on what the issues from i on can still add.
    let mut lo = vec![0.0; issues.len() + 1];
    let mut hi = vec![0.0; issues.len() + 1];
    for i in (0..issues.len()).rev() {
        let c = &contributions[i];
        lo[i] = lo[i + 1] + c.iter().copied().fold(f64::INFINITY, f64::min);
        hi[i] = hi[i + 1] + c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    }
    let tol = 1e-12 * target.abs().max(1.0);
    let mut outcome = vec![0u32; issues.len()];
    let mut steps = 0u64;
    #[allow(clippy::too_many_arguments)]
    fn dfs(
        i: usize,
        partial: f64,
        c: &[Vec<f64>],
        lo: &[f64],
        hi: &[f64],
        target: f64,
        tol: f64,
        outcome: &mut Vec<u32>,
        steps: &mut u64,
        budget: u64,
        check: &dyn Fn(&[u32]) -> bool,
    ) -> Option<bool> {
        *steps += 1;
        if *steps > budget {
            return None;
        }
        if partial + lo[i] > target + tol || partial + hi[i] < target - tol {
            return Some(false);
        }
        if i == c.len() {
            return Some(check(outcome));
        }
        for (k, &v) in c[i].iter().enumerate() {
            outcome[i] = k as u32;
            if dfs(
                i + 1,
                partial + v,
                c,
                lo,
                hi,
                target,
                tol,
                outcome,
                steps,
                budget,
                check,
            )? {
                return Some(true);
            }
        }
        Some(false)
    }
    let check = |o: &[u32]| (u.utility(issues, o) - target).abs() <= tol;
    match dfs(
        0,
        0.0,
        &contributions,
        &lo,
        &hi,
        target,
        tol,
        &mut outcome,
        &mut steps,
        budget,
        &check,
    ) {
        Some(true) => Some(outcome),
        _ => None,
    }
}

pub(super) fn profile_json(
    s: &Scenario,
    plan: &[Out],
    party: usize,
    domain_name: &str,
    notes: &mut Vec<String>,
) -> Result<String> {
    let (p, prefs) = crate::folder::party_with_preferences(s, party, "GeniusWeb")?;
    let UtilityFunction::Additive(a) = &prefs.utility else {
        return Err(Error::Unsupported(format!(
            "party {:?} has a nonlinear (hyper-rectangle) utility, which GeniusWeb profiles cannot hold",
            p.name
        )));
    };
    // Per issue: the utilities to write (a table, or the two ends of a
    // range), brought into [0, 1] with the scale moved into the weight.
    let mut utils: Vec<Vec<f64>> = Vec::with_capacity(s.issues.len());
    let mut weights = Vec::with_capacity(s.issues.len());
    let mut shift = 0.0;
    for (i, (issue, out)) in s.issues.iter().zip(plan).enumerate() {
        let vf = &a.values[i];
        let mut v: Vec<f64> = match out {
            Out::Values(_) => (0..issue.cardinality() as u32)
                .map(|k| vf.eval(issue, k))
                .collect(),
            Out::Range { .. } => {
                let (lo, hi) = affine_ends(issue, vf).expect("plan checked the function is affine");
                vec![lo, hi]
            }
        };
        let mut w = a.weights[i];
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        if min < 0.0 {
            notes.push(format!(
                "party {:?}, issue {:?}: values below 0 were raised by {}; GeniusWeb utilities differ from Pactum's by that times the weight",
                p.name, issue.name, -min
            ));
            v.iter_mut().for_each(|x| *x -= min);
            shift += w * min;
        }
        let max = v.iter().copied().fold(0.0, f64::max);
        if max > 1.0 {
            v.iter_mut().for_each(|x| *x /= max);
            w *= max;
        }
        utils.push(v);
        weights.push(w);
    }
    let total: f64 = weights.iter().sum();
    let weight_texts = if total > 0.0 {
        if (total - 1.0).abs() > 1e-12 {
            notes.push(format!(
                "party {:?}: the weights sum to {total}; GeniusWeb needs 1, so they were divided by it and every GeniusWeb utility is Pactum's divided by {total}",
                p.name
            ));
        }
        unit_weights(&weights)
    } else {
        notes.push(format!(
            "party {:?}: all weights are 0; written as equal weights over zero utilities",
            p.name
        ));
        utils
            .iter_mut()
            .for_each(|u| u.iter_mut().for_each(|x| *x = 0.0));
        unit_weights(&vec![1.0; weights.len()])
    };
    if shift != 0.0 {
        notes.push(format!(
            "party {:?}: GeniusWeb utilities are shifted by {} against Pactum's",
            p.name, -shift
        ));
    }
    if prefs.discount_factor.is_some() {
        notes.push(format!(
            "party {:?}: the discount factor is not written: GeniusWeb linear profiles have none",
            p.name
        ));
    }
    let reservation = match prefs.reservation_value {
        None => None,
        Some(r) => match outcome_with_utility(&s.issues, a, r, 2_000_000) {
            Some(o) => Some(o),
            None => {
                notes.push(format!(
                    "party {:?}: GeniusWeb holds a reservation bid, not a value, and no outcome has utility exactly {r}; the reservation is left out",
                    p.name
                ));
                None
            }
        },
    };

    let profile_name = simple_name(&p.name, &format!("profile{}", party + 1), "profile", notes);
    let mut x = String::new();
    let _ = writeln!(x, "{{\n  \"LinearAdditiveUtilitySpace\": {{");
    let _ = writeln!(x, "    \"name\": {},", js(&profile_name));
    let _ = writeln!(
        x,
        "    \"domain\": {},",
        domain_json(s, plan, domain_name, "    ")
    );
    let _ = writeln!(x, "    \"issueUtilities\": {{");
    for (i, ((issue, out), u)) in s.issues.iter().zip(plan).zip(&utils).enumerate() {
        let comma = if i + 1 < plan.len() { "," } else { "" };
        match out {
            Out::Values(labels) => {
                let pairs: Vec<String> = labels
                    .iter()
                    .zip(u)
                    .map(|(l, v)| format!("{}: {}", js(l), num(*v)))
                    .collect();
                let _ = writeln!(
                    x,
                    "      {}: {{\"discreteutils\": {{\"valueUtilities\": {{{}}}}}}}{comma}",
                    js(&issue.name),
                    pairs.join(", ")
                );
            }
            Out::Range { low, high, .. } => {
                let _ = writeln!(
                    x,
                    "      {}: {{\"numberutils\": {{\"lowValue\": {}, \"lowUtility\": {}, \"highValue\": {}, \"highUtility\": {}}}}}{comma}",
                    js(&issue.name),
                    num(*low),
                    num(u[0]),
                    num(*high),
                    num(u[1])
                );
            }
        }
    }
    let _ = writeln!(x, "    }},");
    let pairs: Vec<String> = s
        .issues
        .iter()
        .zip(&weight_texts)
        .map(|(issue, w)| format!("{}: {w}", js(&issue.name)))
        .collect();
    let _ = writeln!(x, "    \"issueWeights\": {{{}}},", pairs.join(", "));
    match reservation {
        None => {
            let _ = writeln!(x, "    \"reservationBid\": null");
        }
        Some(o) => {
            let pairs: Vec<String> = s
                .issues
                .iter()
                .zip(plan)
                .zip(&o)
                .map(|((issue, out), &k)| {
                    let v = match out {
                        Out::Values(labels) => js(&labels[k as usize]),
                        Out::Range { .. } => num(issue.numeric(k)),
                    };
                    format!("{}: {v}", js(&issue.name))
                })
                .collect();
            let _ = writeln!(
                x,
                "    \"reservationBid\": {{\"issuevalues\": {{{}}}}}",
                pairs.join(", ")
            );
        }
    }
    x.push_str("  }\n}\n");
    Ok(x)
}

/// The GeniusWeb domain JSON of a scenario.
pub fn write_domain(s: &Scenario) -> Result<String> {
    checked(s)?;
    let mut notes = Vec::new();
    let plan = plan(s, &mut notes)?;
    let name = simple_name(&s.name, "domain", "domain", &mut notes);
    Ok(domain_json(s, &plan, &name, "") + "\n")
}

/// The GeniusWeb profile JSON (a LinearAdditiveUtilitySpace) of party `party`.
pub fn write_profile(s: &Scenario, party: usize) -> Result<String> {
    checked(s)?;
    let mut notes = Vec::new();
    let plan = plan(s, &mut notes)?;
    let name = simple_name(&s.name, "domain", "domain", &mut notes);
    profile_json(s, &plan, party, &name, &mut notes)
}

/// Writes the scenario as a GeniusWeb folder: the domain file and one
/// profile per party with preferences. Returns warnings about what GeniusWeb
/// cannot hold or had to be rescaled.
pub fn save_folder(s: &Scenario, dir: &Path) -> Result<Vec<String>> {
    checked(s)?;
    let mut notes = Vec::new();
    unsupported_notes(s, "GeniusWeb", &mut notes);
    let plan = plan(s, &mut notes)?;
    let name = simple_name(&s.name, "domain", "domain", &mut notes);
    let (domain_file, party_files) = file_names(s, "", "json", &mut notes);
    if party_files.is_empty() {
        return Err(Error::Unsupported(format!(
            "{:?} has no party with preferences, and a GeniusWeb folder needs at least one profile",
            s.name
        )));
    }
    let mut texts = vec![(domain_file, domain_json(s, &plan, &name, "") + "\n")];
    for (party, file) in &party_files {
        texts.push((
            file.clone(),
            profile_json(s, &plan, *party, &name, &mut notes)?,
        ));
    }
    let ours: Vec<&str> = texts.iter().map(|(f, _)| f.as_str()).collect();
    prepare_folder(dir, "json", &ours, &mut notes)?;
    for (file, text) in &texts {
        write_file(&dir.join(file), text)?;
    }
    order_note(&party_files, &mut notes);
    Ok(notes)
}
