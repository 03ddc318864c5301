//! What one party may see: its own preferences and its own utilities.
//!
//! Everything here is computed for a single seat. Functions take the caller's
//! party index and return only that party's numbers, so handlers cannot
//! accidentally hand one negotiator another's utilities. Suggestions are the
//! one place where all private preferences are combined, and even there only
//! the caller's own utility of each package leaves the server.

use pactum_core::analysis::{AnalysisOptions, Package, analyze};
use pactum_core::model::RedLine;
use pactum_core::{Outcome, Scenario, UtilityFunction};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::{Session, replay};
use crate::error::ApiError;
use crate::partial::PARTIAL_ROUNDS;
use crate::protocol::{Finish, parse_offer};
use crate::record::RecordEntry;
use crate::singletext::SINGLE_TEXT;

/// Largest number of values listed per issue in a preference summary.
const MAX_LISTED_VALUES: u64 = 10_000;
/// Largest number of Pareto-improving suggestions returned.
pub const MAX_SUGGESTIONS: usize = 10;

/// The value of one issue option to the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValueUtility {
    /// A number or a string, as the issue's values are.
    #[schema(value_type = serde_json::Value)]
    pub value: pactum_core::Value,
    /// The issue's value function at this value (0..1, before weighting).
    pub utility: f64,
}

/// One issue of an additive utility function.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssueWeight {
    pub issue: String,
    pub weight: f64,
    /// Omitted for issues with more than 10,000 values.
    pub values: Option<Vec<ValueUtility>>,
}

/// A party's own preferences, as `GET /sessions/{id}/me` shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreferenceSummary {
    /// "additive" or "hyper_rectangles".
    pub kind: &'static str,
    /// Per-issue weights and value functions (additive utilities only).
    pub issues: Option<Vec<IssueWeight>>,
    /// Number of rectangles (hyper-rectangle utilities only).
    pub rectangles: Option<usize>,
    pub reservation_value: Option<f64>,
    pub discount_factor: Option<f64>,
    /// Red lines as "issue: value, value".
    pub red_lines: Vec<String>,
}

/// Summarises the preferences of party `party` (which must have some).
pub fn preference_summary(scenario: &Scenario, party: usize) -> PreferenceSummary {
    let prefs = scenario.parties[party]
        .preferences
        .as_ref()
        .expect("negotiators have preferences");
    let (kind, issues, rectangles) = match &prefs.utility {
        UtilityFunction::Additive(a) => {
            let issues = scenario
                .issues
                .iter()
                .enumerate()
                .map(|(i, issue)| IssueWeight {
                    issue: issue.name.clone(),
                    weight: a.weights[i],
                    values: (issue.cardinality() <= MAX_LISTED_VALUES).then(|| {
                        (0..issue.cardinality() as u32)
                            .map(|k| ValueUtility {
                                value: issue.value(k),
                                utility: a.values[i].eval(issue, k),
                            })
                            .collect()
                    }),
                })
                .collect();
            ("additive", Some(issues), None)
        }
        UtilityFunction::HyperRectangles(h) => ("hyper_rectangles", None, Some(h.rectangles.len())),
    };
    let red_lines = prefs
        .red_lines
        .iter()
        .map(|r| {
            let issue = &scenario.issues[r.issue];
            let values: Vec<String> = r
                .values
                .iter()
                .map(|&k| issue.value(k).to_string())
                .collect();
            format!("{}: {}", issue.name, values.join(", "))
        })
        .collect();
    PreferenceSummary {
        kind,
        issues,
        rectangles,
        reservation_value: prefs.reservation_value,
        discount_factor: prefs.discount_factor,
        red_lines,
    }
}

/// Party `party`'s utility of `outcome`.
pub fn own_utility(scenario: &Scenario, party: usize, outcome: &[u32]) -> f64 {
    scenario.parties[party]
        .preferences
        .as_ref()
        .expect("negotiators have preferences")
        .utility
        .utility(&scenario.issues, outcome)
}

/// A package with the caller's own utility of it, and nothing else.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnView {
    #[schema(value_type = Object)]
    pub offer: Package,
    pub my_utility: f64,
}

/// The answer of `POST /sessions/{id}/suggestions`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestions {
    /// The caller's utility of the standing offer, if there is one.
    pub standing_offer_utility: Option<f64>,
    /// Pareto-optimal packages that leave every negotiator at least as well
    /// off as the standing offer and one better (best for the caller first).
    pub improving: Vec<OwnView>,
    /// The Nash bargaining package among the rational outcomes.
    pub nash: Option<OwnView>,
}

/// Computes suggestions for party `party` from all negotiators' preferences.
/// `standing` is the standing offer, if any.
pub fn suggestions(
    scenario: &Scenario,
    party: usize,
    standing: Option<&[u32]>,
) -> Result<Suggestions, String> {
    suggestions_with(scenario, party, standing, &AnalysisOptions::default())
}

/// [`suggestions`] analysing with `options` (the server's budget).
pub fn suggestions_with(
    scenario: &Scenario,
    party: usize,
    standing: Option<&[u32]>,
    options: &AnalysisOptions,
) -> Result<Suggestions, String> {
    let analysis = analyze(scenario, options).map_err(|e| e.to_string())?;
    let negotiators = scenario.negotiators();
    let standing_all: Option<Vec<f64>> = standing.map(|o| {
        negotiators
            .iter()
            .map(|&p| own_utility(scenario, p, o))
            .collect()
    });
    let view = |offer: &Package| -> Result<OwnView, String> {
        let map = match serde_json::to_value(offer).map_err(|e| e.to_string())? {
            serde_json::Value::Object(m) => m,
            _ => return Err("a package is not an object".into()),
        };
        let outcome = parse_offer(scenario, &map)?;
        Ok(OwnView {
            offer: offer.clone(),
            my_utility: own_utility(scenario, party, &outcome),
        })
    };
    let mut improving = Vec::new();
    if let Some(s) = &standing_all {
        const EPS: f64 = 1e-9;
        for entry in &analysis.frontier {
            let weakly = entry.utilities.iter().zip(s).all(|(u, s)| *u >= s - EPS);
            let strictly = entry.utilities.iter().zip(s).any(|(u, s)| *u > s + EPS);
            if weakly && strictly {
                improving.push(view(&entry.outcome)?);
            }
        }
        improving.sort_by(|a, b| b.my_utility.total_cmp(&a.my_utility));
        improving.truncate(MAX_SUGGESTIONS);
    }
    let nash = analysis
        .solutions
        .nash
        .as_ref()
        .map(|s| view(&s.outcome))
        .transpose()?;
    Ok(Suggestions {
        standing_offer_utility: standing.map(|o| own_utility(scenario, party, o)),
        improving,
        nash,
    })
}

/// What the mediator's suggestions are about, as a session's log stands.
pub(crate) struct SuggestionBasis {
    /// The scenario they are computed on: in free-form rounds, with every
    /// settled issue fixed at its settled value.
    pub scenario: Scenario,
    /// The package they improve on: the standing offer, or the single
    /// text's draft, or the agreement once settled (none in free-form
    /// rounds under way, or before the first offer).
    pub standing: Option<Outcome>,
    /// The last round completed (in single text, the last proposal
    /// decided), if any.
    pub last_round: Option<u64>,
    pub finished: bool,
}

/// Replays the session's log (whatever its protocol) for [`SuggestionBasis`].
pub(crate) fn suggestion_basis(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<SuggestionBasis, ApiError> {
    let mut scenario = session.scenario.clone();
    let (rounds, standing, finished) = match session.protocol.as_str() {
        SINGLE_TEXT => {
            let state = crate::singletext::replay_text(session, entries)?;
            (state.proposal, Some(state.draft), state.finished.is_some())
        }
        PARTIAL_ROUNDS => {
            let state = crate::partial::replay_partial(session, entries)?;
            match &state.finished {
                // After settling: packages everyone weakly prefers to the
                // agreement, over the whole space.
                Some(Finish::Agreement(agreed)) => (state.round, Some(agreed.clone()), true),
                finished => {
                    fix_settled_issues(&mut scenario, &state.settled);
                    (state.round, None, finished.is_some())
                }
            }
        }
        _ => {
            let (state, _) = replay(session, entries)?;
            let (rounds, finished) = (state.round(), state.finished.is_some());
            (rounds, state.standing.map(|(_, o)| o), finished)
        }
    };
    Ok(SuggestionBasis {
        scenario,
        standing,
        last_round: rounds.checked_sub(1),
        finished,
    })
}

/// Keeps the frontier and the fair packages of `scenario` to the settled
/// values (`settled[i]`: issue i's, if settled), by red lines on every other
/// value of a settled issue. Red lines bound which packages are considered,
/// never anyone's utility.
pub(crate) fn fix_settled_issues(scenario: &mut Scenario, settled: &[Option<u32>]) {
    let Some(&first) = scenario.negotiators().first() else {
        return;
    };
    let lines: Vec<RedLine> = settled
        .iter()
        .enumerate()
        .filter_map(|(issue, value)| {
            let value = (*value)?;
            let others = (0..scenario.issues[issue].cardinality() as u32)
                .filter(|&v| v != value)
                .collect();
            Some(RedLine {
                issue,
                values: others,
                notes: Some("settled in an earlier round".into()),
            })
        })
        .collect();
    if let Some(prefs) = scenario.parties[first].preferences.as_mut() {
        prefs.red_lines.extend(lines);
    }
}
