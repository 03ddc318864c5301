//! The full static analysis of a scenario, as one serialisable report.
//!
//! This is what `pactum analyze` prints: the outcome space, each
//! negotiator's range and disagreement point, the zone of possible agreement
//! (outcomes every negotiator prefers to no deal), the Pareto frontier and the
//! fair packages. Field names of [`Analysis`] are the stable `--json` schema.
//!
//! Every analysis runs within a [`Budget`]: issue sizes and the outcomes to
//! enumerate are checked before anything of their size is allocated
//! ([`check_budget`], which callers may also run on their own to refuse
//! early), the fold's partial sums and the frontier before each step, and
//! the deadline and cancellation flag as the work goes. Work beyond the
//! budget is a typed [`AnalysisError`] naming the limit, never an abort,
//! except for the hyper-rectangle search (integer hyper-rectangle
//! utilities over spaces too large to enumerate): stopped by its node
//! limit, the deadline or cancellation, it reports the best frontier found
//! and the gap left ([`SearchReport`], `frontier_search` in the report),
//! with a warning.
//!
//! The report's types are in `report`, utility ranges and the frontier in
//! `space`, the zone's count and its explanation in `zopa`, the plot cloud
//! in `cloud`; the limits ([`Budget`]) are shared with the frontier.
//! `document` is the `--json` document: the report, then GENIUS's frontier
//! compared with it ([`AnalysisDocument`], [`compare_reference`]).

mod cloud;
mod document;
mod report;
mod space;
mod zopa;

pub use crate::budget::{AnalysisError, AnalysisOptions, Budget, Method, check_budget};
pub use crate::frontier::SearchReport;
pub use cloud::{utility_cloud, utility_cloud_marked};
pub use document::{AnalysisDocument, compare_reference};
pub use report::{
    Analysis, FrontierEntry, IssueReport, IssueValues, NamedOutcome, Package, PartyReport,
    Solution, Solutions, Tie, Zopa,
};
pub use space::{disagreement_point, frontier, utility_ranges};

use std::sync::Arc;

use crate::frontier::Problem;
use crate::model::{Issue, IssueKind, Scenario, UtilityFunction};
use crate::solutions::{Concept, solve};
use zopa::{count_zopa, explain_empty_zopa};

/// Runs the whole analysis.
pub fn analyze(scenario: &Scenario, opts: &AnalysisOptions) -> Result<Analysis, AnalysisError> {
    // Refuse before allocating anything of the scenario's size.
    check_budget(scenario, opts)?;
    let problem = Problem::negotiators(scenario);
    let outcome_count = scenario.outcome_count();
    let mut warnings = Vec::new();
    // Ranges first: a frontier search stopped by the clock still reports.
    // The per-issue contributions once, for the ranges, the frontier and
    // the zone's count.
    let contributions = problem.contributions();
    let contributions = contributions.as_ref();
    let ranges = space::whole_ranges(&problem, contributions, &opts.budget)?;
    let (points, method, search) = space::frontier_with(&problem, contributions, opts)?;
    let (min, max) = (ranges.min, ranges.max);
    let d = disagreement_point(&problem, &min);
    if !ranges.exact {
        warnings.push(format!(
            "the utility ranges are the best the hyper-rectangle search found within {} nodes, not proven",
            opts.budget.max_search_nodes
        ));
    }
    if search.as_ref().is_some_and(|r| r.exact && !r.ties_counted) {
        warnings.push(format!(
            "each frontier point counts only the outcome it carries: counting the outcomes tied at the points needs more than {} nodes",
            opts.budget.max_tie_nodes
        ));
    }
    if let Some(report) = search.as_ref().filter(|r| !r.exact) {
        warnings.push(format!(
            "the frontier is the best the hyper-rectangle search found, not proven exact ({}); outcomes not searched could lie up to {:.6} beyond it",
            report.stopped.as_deref().unwrap_or("stopped"),
            report.gap
        ));
    }

    let (mut count, exact, note) = count_zopa(&problem, contributions, opts)?;
    let mut zopa_notes: Vec<String> = note.into_iter().collect();
    // A sample can miss a small zone; the frontier's outcomes are in it.
    let known = points.iter().fold(0u128, |n, p| n.saturating_add(p.count));
    if !exact && count < known {
        count = known;
        zopa_notes.push(format!(
            "the zone holds at least the {known} outcomes of the frontier, so the estimate is raised to that"
        ));
    }
    if count == 0 {
        zopa_notes.extend(explain_empty_zopa(&problem, &opts.budget)?);
    }
    let zopa = Zopa {
        count,
        fraction: if outcome_count == 0 {
            0.0
        } else {
            count as f64 / outcome_count as f64
        },
        exact,
        empty: count == 0,
        notes: zopa_notes,
    };

    // Every package names its issues through one shared copy of them; the
    // frontier's points are taken apart, not copied.
    let issues: Arc<[Issue]> = scenario.shared_issues();
    let mut frontier: Vec<FrontierEntry> = Vec::with_capacity(points.len());
    for p in points {
        let mut outcomes = p
            .outcomes
            .into_iter()
            .map(|o| NamedOutcome::new(issues.clone(), o.into_boxed_slice()));
        let Some(outcome) = outcomes.next() else {
            continue;
        };
        let tied_outcomes = if p.count > 1 {
            std::iter::once(outcome.clone()).chain(outcomes).collect()
        } else {
            Vec::new()
        };
        frontier.push(FrontierEntry {
            outcome,
            utilities: p.utilities,
            outcome_count: p.count,
            tied_outcomes,
        });
    }
    let refs: Vec<&[f64]> = frontier.iter().map(|p| &p.utilities[..]).collect();
    let solve_one = |c: Concept| -> Option<Solution> {
        let idx = solve(c, &refs, &d, &max);
        let (&first, rest) = idx.split_first()?;
        Some(Solution {
            outcome: frontier[first].outcome.clone(),
            utilities: frontier[first].utilities.clone(),
            frontier_index: first,
            objective: c.objective(&frontier[first].utilities, &d, &max),
            ties: rest
                .iter()
                .map(|&i| Tie {
                    outcome: frontier[i].outcome.clone(),
                    utilities: frontier[i].utilities.clone(),
                    frontier_index: i,
                })
                .collect(),
        })
    };
    let solutions = Solutions {
        nash: solve_one(Concept::Nash),
        kalai_smorodinsky: solve_one(Concept::KalaiSmorodinsky),
        egalitarian: solve_one(Concept::Egalitarian),
        utilitarian: solve_one(Concept::Utilitarian),
    };

    for (j, &p) in problem.parties.iter().enumerate() {
        if let Some(r) = scenario.parties()[p]
            .preferences
            .as_ref()
            .and_then(|pr| pr.reservation_value)
            && r < min[j]
        {
            warnings.push(format!(
                    "{}: reservation value {r} is below its worst outcome ({:.6}); that minimum is the disagreement point",
                    scenario.parties()[p].name, min[j]
                ));
        }
    }

    let negotiator_pos = |p: usize| problem.parties.iter().position(|&q| q == p);
    let parties = scenario
        .parties()
        .iter()
        .enumerate()
        .map(|(p, party)| {
            let prefs = party.preferences.as_ref();
            let j = negotiator_pos(p);
            PartyReport {
                name: party.name.clone(),
                role: party.role,
                representative: party.representative.clone(),
                reservation_value: prefs.and_then(|pr| pr.reservation_value),
                disagreement: j.map(|j| d[j]),
                min_utility: j.map(|j| min[j]),
                max_utility: j.map(|j| max[j]),
                discount_factor: prefs.and_then(|pr| pr.discount_factor),
                weights: prefs.and_then(|pr| match &pr.utility {
                    UtilityFunction::Additive(a) => Some(
                        scenario
                            .issues()
                            .iter()
                            .zip(&a.weights)
                            .map(|(issue, &w)| (issue.name.clone(), w))
                            .collect(),
                    ),
                    UtilityFunction::HyperRectangles(_) => None,
                }),
                red_lines: prefs
                    .map(|pr| {
                        pr.red_lines
                            .iter()
                            .map(|r| {
                                let issue = &scenario.issues()[r.issue];
                                let vals: Vec<String> = r
                                    .values
                                    .iter()
                                    .map(|&k| issue.value(k).to_string())
                                    .collect();
                                format!("{} ≠ {}", issue.name, vals.join(" | "))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();

    Ok(Analysis {
        scenario: scenario.name().to_string(),
        issues: (0..issues.len())
            .map(|i| issue_report(&issues, i))
            .collect(),
        parties,
        negotiators: problem
            .parties
            .iter()
            .map(|&p| scenario.parties()[p].name.clone())
            .collect(),
        outcome_count,
        zopa,
        frontier_outcome_count: known,
        frontier,
        solutions,
        method,
        frontier_search: search,
        warnings,
    })
}

/// The report of issue `i` of `issues`.
fn issue_report(issues: &Arc<[Issue]>, i: usize) -> IssueReport {
    let issue = &issues[i];
    let card = issue.cardinality();
    let values = (card <= 100).then(|| IssueValues::new(issues.clone(), i));
    let (kind, min, max) = match &issue.kind {
        IssueKind::Discrete { .. } => ("discrete", None, None),
        IssueKind::Integer { min, max } => ("integer", Some(*min as f64), Some(*max as f64)),
        IssueKind::Real { min, max, .. } => ("real", Some(*min), Some(*max)),
    };
    IssueReport {
        name: issue.name.clone(),
        kind,
        cardinality: card,
        values,
        min,
        max,
    }
}
