//! Writing a scenario as GENIUS files.
//!
//! Rules: a scenario is validated before it is written; weights and
//! evaluations are written so that every utility is unchanged under
//! GENIUS's rules (a discrete issue's evaluations are scaled to a largest
//! of 1 and its weight by the inverse); a numeric issue whose value function
//! GENIUS cannot evaluate is written as a discrete list of its values (at
//! most `MAX_LISTED_VALUES`); everything GENIUS cannot hold is reported.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::folder::{
    checked, file_names, order_note, prepare_folder, unsupported_notes, write_file,
};
use crate::model::*;

use super::plan::{Evaluation, Out, Plan, Profile, ProfileBody, RealEvaluator, plan};

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

/// GENIUS's type name of an issue and, for an integer issue, its bounds.
type Declared = (&'static str, Option<(i64, i64)>);

impl Out {
    fn declared(&self) -> Declared {
        match self {
            Out::Discrete(_) => ("discrete", None),
            Out::Integer { min, max } => ("integer", Some((*min, *max))),
            Out::Real { .. } => ("real", None),
        }
    }
}

impl Evaluation {
    fn declared(&self) -> Declared {
        match self {
            Evaluation::Discrete { .. } => ("discrete", None),
            Evaluation::Integer { min, max, .. } => ("integer", Some((*min, *max))),
            Evaluation::Real { .. } => ("real", None),
        }
    }
}

pub(super) fn issue_open(
    x: &mut String,
    index: usize,
    name: &str,
    (ty, bounds): Declared,
    pad: &str,
) {
    let _ = write!(
        x,
        "{pad}<issue index=\"{index}\" etype=\"{ty}\" type=\"{ty}\" vtype=\"{ty}\" name=\"{}\"",
        esc(name)
    );
    if let Some((min, max)) = bounds {
        let _ = write!(x, " lowerbound=\"{min}\" upperbound=\"{max}\"");
    }
}

/// Writes an issue declaration (as in a domain file).
pub(super) fn issue_decl(x: &mut String, index: usize, name: &str, out: &Out, pad: &str) {
    issue_open(x, index, name, out.declared(), pad);
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
        esc(s.name())
    );
}

pub(super) fn domain_xml(s: &Scenario, plan: &[Out]) -> String {
    let mut x =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<negotiation_template>\n");
    let _ = writeln!(
        x,
        "<utility_space number_of_issues=\"{}\">",
        s.issues().len()
    );
    objective_open(&mut x, s);
    for (i, (issue, out)) in s.issues().iter().zip(plan).enumerate() {
        issue_decl(&mut x, i + 1, &issue.name, out, "    ");
    }
    x.push_str("  </objective>\n</utility_space>\n</negotiation_template>\n");
    x
}

pub(super) fn profile_xml(
    s: &Scenario,
    plan: &Plan,
    profile: &Profile,
    notes: &mut Vec<String>,
) -> String {
    let (p, prefs) = (profile.party, profile.prefs);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    match &profile.body {
        ProfileBody::Additive(issues) => {
            let _ = writeln!(
                x,
                "<utility_space number_of_issues=\"{}\">",
                s.issues().len()
            );
            objective_open(&mut x, s);
            let mut weights = Vec::with_capacity(s.issues().len());
            for (i, (issue, (w, evaluation))) in s.issues().iter().zip(issues).enumerate() {
                let w = *w;
                let pad = "    ";
                issue_open(&mut x, i + 1, &issue.name, evaluation.declared(), pad);
                x.push_str(">\n");
                match evaluation {
                    Evaluation::Discrete { labels, values: v } => {
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
                            (v.clone(), w)
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
                    Evaluation::Integer { slope, offset, .. } => {
                        let _ = writeln!(
                            x,
                            "{pad}  <evaluator ftype=\"linear\" slope=\"{}\" offset=\"{}\"/>",
                            num(*slope),
                            num(*offset)
                        );
                        weights.push(w);
                    }
                    Evaluation::Real {
                        min,
                        max,
                        evaluator,
                    } => {
                        let _ = writeln!(
                            x,
                            "{pad}  <range lowerbound=\"{}\" upperbound=\"{}\"/>",
                            num(*min),
                            num(*max)
                        );
                        match *evaluator {
                            RealEvaluator::Linear { slope, offset } => {
                                let _ = writeln!(
                                    x,
                                    "{pad}  <evaluator ftype=\"linear\" parameter0=\"{}\" parameter1=\"{}\"/>",
                                    num(offset - slope * min),
                                    num(slope)
                                );
                            }
                            RealEvaluator::Constant(c) => {
                                let _ = writeln!(
                                    x,
                                    "{pad}  <evaluator ftype=\"constant\" parameter0=\"{}\"/>",
                                    num(c)
                                );
                            }
                            RealEvaluator::Triangular { low, peak, high } => {
                                if peak == high && high >= *min && high <= *max {
                                    notes.push(format!(
                                        "party {:?}, issue {:?}: at x = {high} GENIUS's triangular evaluator gives 0 where Pactum gives 1 (top equals upper end)",
                                        p.name, issue.name
                                    ));
                                }
                                let _ = writeln!(
                                    x,
                                    "{pad}  <evaluator ftype=\"triangular\" parameter0=\"{}\" parameter1=\"{}\" parameter2=\"{}\"/>",
                                    num(low),
                                    num(high),
                                    num(peak)
                                );
                            }
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
        ProfileBody::Nonlinear { normalizer, boxes } => {
            x.push_str("<utility_space type=\"nonlinear\">\n");
            objective_open(&mut x, s);
            for (i, (issue, out)) in s.issues().iter().zip(&plan.issues).enumerate() {
                issue_decl(&mut x, i + 1, &issue.name, out, "    ");
            }
            let _ = writeln!(x, "    <utility maxutility=\"{}\">", num(*normalizer));
            x.push_str("      <ufun type=\"PlainUfun\" weight=\"1\" aggregation=\"sum\">\n");
            for r in boxes {
                let _ = writeln!(x, "        <hyperRectangle utility=\"{}\">", num(r.utility));
                for &(i, a, b) in &r.includes {
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
    x
}

/// The GENIUS domain file (root `negotiation_template`) for a scenario.
pub fn write_domain(s: &Scenario) -> Result<String> {
    checked(s)?;
    let plan = plan(s, &mut Vec::new())?;
    Ok(domain_xml(s, &plan.issues))
}

/// The GENIUS profile file (root `utility_space`) of party `party`.
pub fn write_profile(s: &Scenario, party: usize) -> Result<String> {
    checked(s)?;
    let plan = plan(s, &mut Vec::new())?;
    Ok(profile_xml(
        s,
        &plan,
        plan.profile(s, party)?,
        &mut Vec::new(),
    ))
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
            s.name()
        )));
    }
    let mut texts = vec![(domain_file.clone(), domain_xml(s, &plan.issues))];
    for (party, file) in &party_files {
        let profile = plan.profile(s, *party)?;
        texts.push((file.clone(), profile_xml(s, &plan, profile, &mut notes)));
    }
    let ours: Vec<&str> = texts.iter().map(|(f, _)| f.as_str()).collect();
    prepare_folder(dir, "xml", &ours, &mut notes)?;
    for (file, text) in &texts {
        write_file(&dir.join(file), text)?;
    }
    order_note(&party_files, &mut notes);
    Ok(notes)
}
