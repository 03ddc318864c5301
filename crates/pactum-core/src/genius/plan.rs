//! How a scenario is written to GENIUS, decided before any XML: each
//! issue's declaration and each party's profile.
//!
//! Rules: a numeric issue is declared numeric only when GENIUS has an
//! evaluator for every party's value function on it (integer: linear, or a
//! constant in [0, 1]; real: linear, constant, triangular), otherwise it is
//! listed value by value (at most [`MAX_LISTED_VALUES`]) with a note; a
//! nonlinear profile constrains integer issues only; each profile's issue
//! carries exactly the data its evaluator needs, so the writer has no case
//! it cannot write.

use crate::error::{Error, Result};
use crate::folder::missing_profile;
use crate::model::*;

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
