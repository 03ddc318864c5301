//! Writing a scenario as GENIUS files.
//!
//! Rules: a scenario is validated before it is written; weights and
//! evaluations are written so that every utility is unchanged under
//! GENIUS's rules (a discrete issue's evaluations are scaled to a largest
//! of 1 and its weight by the inverse); a numeric issue whose value function
//! GENIUS cannot evaluate is written as a discrete list of its values (at
//! most [`MAX_LISTED_VALUES`]); everything GENIUS cannot hold is reported.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::folder::{
    checked, file_names, order_note, party_with_preferences, prepare_folder, unsupported_notes,
    write_file,
};
use crate::model::*;

// Export
// ---------------------------------------------------------------------------

/// How an issue is written to GENIUS.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Out {
    Discrete(Vec<String>),
    Integer { min: i64, max: i64 },
    Real { min: f64, max: f64 },
}

/// Largest numeric issue written out value by value when GENIUS has no
/// evaluator for one of its value functions.
pub(super) const MAX_LISTED_VALUES: u64 = 100_000;

pub(super) fn vf_kind(vf: &ValueFunction) -> &'static str {
    match vf {
        ValueFunction::Table(_) => "table",
        ValueFunction::Linear { .. } => "linear",
        ValueFunction::PiecewiseLinear { .. } => "piecewise-linear",
        ValueFunction::Constant(_) => "constant",
        ValueFunction::Triangular { .. } => "triangular",
    }
}

/// Decides how each issue is written; numeric issues whose value functions
/// GENIUS cannot evaluate are written as discrete lists of their values.
pub(super) fn plan(s: &Scenario, notes: &mut Vec<String>) -> Result<Vec<Out>> {
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

pub(super) fn num(x: f64) -> String {
    format!("{x}")
}

pub(super) fn issue_open(x: &mut String, index: usize, name: &str, out: &Out, pad: &str) {
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
pub(super) fn issue_decl(x: &mut String, index: usize, name: &str, out: &Out, pad: &str) {
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

pub(super) fn objective_open(x: &mut String, s: &Scenario) {
    let _ = writeln!(
        x,
        "  <objective index=\"0\" etype=\"objective\" type=\"objective\" description=\"\" name=\"{}\">",
        esc(&s.name)
    );
}

pub(super) fn domain_xml(s: &Scenario, plan: &[Out]) -> String {
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

pub(super) fn profile_xml(
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
