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
    checked, file_names, missing_profile, order_note, prepare_folder, unsupported_notes, write_file,
};
use crate::model::*;

// Export
// ---------------------------------------------------------------------------

/// How an issue is declared in the GENIUS domain.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Out {
    Discrete(Vec<String>),
    Integer { min: i64, max: i64 },
    Real { min: f64, max: f64 },
}

/// The evaluators GENIUS has for a real issue, with their parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum RealEvaluator {
    Linear { slope: f64, offset: f64 },
    Constant(f64),
    Triangular { low: f64, peak: f64, high: f64 },
}

/// How one issue of an additive profile is written: each case carries
/// exactly what its XML needs, so a value function GENIUS cannot evaluate
/// on the issue's declared kind has no representation here.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Evaluation {
    /// One evaluation per listed value.
    Discrete {
        labels: Vec<String>,
        values: Vec<f64>,
    },
    /// GENIUS's linear evaluator of an integer issue.
    Integer {
        min: i64,
        max: i64,
        slope: f64,
        offset: f64,
    },
    /// One of GENIUS's evaluators of a real issue.
    Real {
        min: f64,
        max: f64,
        evaluator: RealEvaluator,
    },
}

/// A hyper-rectangle as GENIUS holds it: inclusive bounds on integer
/// issues (an empty interval as `1..=0`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct IntegerBox {
    pub(super) utility: f64,
    /// (issue index, lowest, highest).
    pub(super) includes: Vec<(usize, i128, i128)>,
}

/// What a party's profile holds.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ProfileBody {
    /// Weight and evaluation of each issue, in issue order.
    Additive(Vec<(f64, Evaluation)>),
    /// Hyper-rectangles over integer issues.
    Nonlinear {
        normalizer: f64,
        boxes: Vec<IntegerBox>,
    },
}

/// The profile of one party with preferences.
#[derive(Debug, Clone)]
pub(super) struct Profile<'a> {
    pub(super) index: usize,
    pub(super) party: &'a Party,
    pub(super) prefs: &'a Preferences,
    pub(super) body: ProfileBody,
}

/// How a scenario is written: each issue's declaration and each profile.
#[derive(Debug, Clone)]
pub(super) struct Plan<'a> {
    pub(super) issues: Vec<Out>,
    pub(super) profiles: Vec<Profile<'a>>,
}

impl<'a> Plan<'a> {
    /// The profile of party `party`, or why it has none.
    pub(super) fn profile(&self, s: &Scenario, party: usize) -> Result<&Profile<'a>> {
        self.profiles
            .iter()
            .find(|p| p.index == party)
            .ok_or_else(|| missing_profile(s, party, "GENIUS"))
    }
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

/// GENIUS's linear evaluator (slope, offset) for a value function on an
/// integer issue, if it has one.
fn integer_evaluator(vf: &ValueFunction) -> Option<(f64, f64)> {
    match vf {
        ValueFunction::Linear { slope, offset } => Some((*slope, *offset)),
        ValueFunction::Constant(c) if (0.0..=1.0).contains(c) => Some((0.0, *c)),
        _ => None,
    }
}

/// GENIUS's evaluator for a value function on a real issue, if it has one.
fn real_evaluator(vf: &ValueFunction) -> Option<RealEvaluator> {
    match vf {
        ValueFunction::Linear { slope, offset } => Some(RealEvaluator::Linear {
            slope: *slope,
            offset: *offset,
        }),
        ValueFunction::Constant(c) => Some(RealEvaluator::Constant(*c)),
        ValueFunction::Triangular { low, peak, high } => Some(RealEvaluator::Triangular {
            low: *low,
            peak: *peak,
            high: *high,
        }),
        _ => None,
    }
}

/// Each party's evaluator of issue `i` (by `evaluator`), in the order of
/// `additive`, or the first party GENIUS has no evaluator for and its
/// function's kind.
fn evaluators<'s, T>(
    additive: &[Additive<'s>],
    i: usize,
    evaluator: impl Fn(&ValueFunction) -> Option<T>,
) -> std::result::Result<Vec<T>, (&'s str, &'static str)> {
    additive
        .iter()
        .map(|(_, p, _, a)| evaluator(&a.values[i]).ok_or((p.name.as_str(), vf_kind(&a.values[i]))))
        .collect()
}

/// Decides how each issue is written; numeric issues whose value functions
/// GENIUS cannot evaluate are written as discrete lists of their values.
pub(super) fn plan<'a>(s: &'a Scenario, notes: &mut Vec<String>) -> Result<Plan<'a>> {
    let additive: Vec<Additive> = s
        .parties()
        .iter()
        .enumerate()
        .filter_map(|(k, p)| {
            let prefs = p.preferences.as_ref()?;
            match &prefs.utility {
                UtilityFunction::Additive(a) => Some((k, p, prefs, a)),
                UtilityFunction::HyperRectangles(_) => None,
            }
        })
        .collect();
    // Per additive party (in `additive`'s order), each issue's evaluation.
    let mut columns: Vec<Vec<(f64, Evaluation)>> = vec![Vec::new(); additive.len()];
    let mut out = Vec::with_capacity(s.issues().len());
    for (i, issue) in s.issues().iter().enumerate() {
        let bounded = s.parties().iter().any(|p| {
            p.preferences
                .as_ref()
                .is_some_and(|prefs| match &prefs.utility {
                    UtilityFunction::HyperRectangles(h) => h
                        .rectangles
                        .iter()
                        .any(|r| r.bounds.iter().any(|b| b.0 == i)),
                    UtilityFunction::Additive(_) => false,
                })
        });
        if bounded && !matches!(issue.kind, IssueKind::Integer { .. }) {
            return Err(Error::Unsupported(format!(
                "issue {:?}: GENIUS's nonlinear profiles constrain integer issues only",
                issue.name
            )));
        }
        let written = match &issue.kind {
            IssueKind::Discrete { options } => Ok((
                Out::Discrete(options.clone()),
                listed(issue, options, &additive, i),
            )),
            IssueKind::Integer { min, max } => {
                evaluators(&additive, i, integer_evaluator).map(|evs| {
                    let evs = evs
                        .into_iter()
                        .map(|(slope, offset)| Evaluation::Integer {
                            min: *min,
                            max: *max,
                            slope,
                            offset,
                        })
                        .collect();
                    (
                        Out::Integer {
                            min: *min,
                            max: *max,
                        },
                        evs,
                    )
                })
            }
            IssueKind::Real { min, max, levels } => {
                evaluators(&additive, i, real_evaluator).map(|evs| {
                    if *levels != DEFAULT_REAL_LEVELS {
                        notes.push(format!(
                            "issue {:?}: GENIUS real issues are continuous; Pactum reads them back with {DEFAULT_REAL_LEVELS} grid points, not {levels}",
                            issue.name
                        ));
                    }
                    let evs = evs
                        .into_iter()
                        .map(|evaluator| Evaluation::Real {
                            min: *min,
                            max: *max,
                            evaluator,
                        })
                        .collect();
                    (
                        Out::Real {
                            min: *min,
                            max: *max,
                        },
                        evs,
                    )
                })
            }
        };
        let (declared, evaluations) = match written {
            Ok(w) => w,
            Err((party, kind)) => {
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
                let labels: Vec<String> = (0..issue.cardinality() as u32)
                    .map(|k| issue.value(k).to_string())
                    .collect();
                let evs = listed(issue, &labels, &additive, i);
                (Out::Discrete(labels), evs)
            }
        };
        for (column, (ev, (_, _, _, a))) in columns
            .iter_mut()
            .zip(evaluations.into_iter().zip(&additive))
        {
            column.push((a.weights[i], ev));
        }
        out.push(declared);
    }
    let mut profiles: Vec<Profile> = additive
        .iter()
        .zip(columns)
        .map(|(&(index, party, prefs, _), column)| Profile {
            index,
            party,
            prefs,
            body: ProfileBody::Additive(column),
        })
        .collect();
    for (index, party) in s.parties().iter().enumerate() {
        if let Some(prefs) = &party.preferences
            && let UtilityFunction::HyperRectangles(h) = &prefs.utility
        {
            profiles.push(Profile {
                index,
                party,
                prefs,
                body: ProfileBody::Nonlinear {
                    normalizer: h.normalizer,
                    boxes: integer_boxes(s, party, h)?,
                },
            });
        }
    }
    profiles.sort_by_key(|p| p.index);
    Ok(Plan {
        issues: out,
        profiles,
    })
}

/// A party with an additive utility: its index, itself, its preferences
/// and its utility.
type Additive<'s> = (usize, &'s Party, &'s Preferences, &'s AdditiveUtility);

/// Each additive party's evaluation of every value of issue `i`, listed
/// under `labels`.
fn listed(issue: &Issue, labels: &[String], additive: &[Additive], i: usize) -> Vec<Evaluation> {
    additive
        .iter()
        .map(|(_, _, _, a)| Evaluation::Discrete {
            labels: labels.to_vec(),
            values: (0..issue.cardinality() as u32)
                .map(|k| a.values[i].eval(issue, k))
                .collect(),
        })
        .collect()
}

/// A party's hyper-rectangles with GENIUS's integer bounds: the same
/// integers, an empty interval written as min > max.
fn integer_boxes(s: &Scenario, p: &Party, h: &HyperRectangleUtility) -> Result<Vec<IntegerBox>> {
    let mut boxes = Vec::with_capacity(h.rectangles.len());
    for r in &h.rectangles {
        if !r.utility.is_finite() {
            return Err(Error::Unsupported(format!(
                "party {:?}: hyper-rectangle utility {} is not finite",
                p.name, r.utility
            )));
        }
        let mut includes = Vec::with_capacity(r.bounds.len());
        for &(i, lo, hi) in &r.bounds {
            let issue = &s.issues()[i];
            let IssueKind::Integer { min, max } = issue.kind else {
                return Err(Error::Unsupported(format!(
                    "issue {:?}: GENIUS's nonlinear profiles constrain integer issues only",
                    issue.name
                )));
            };
            let (a, b) = if lo.is_nan() || hi.is_nan() {
                (1, 0)
            } else {
                (
                    lo.ceil().max(min as f64) as i128,
                    hi.floor().min(max as f64) as i128,
                )
            };
            let (a, b) = if a > b { (1, 0) } else { (a, b) };
            includes.push((i, a, b));
        }
        boxes.push(IntegerBox {
            utility: r.utility,
            includes,
        });
    }
    Ok(boxes)
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
