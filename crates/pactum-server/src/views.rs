//! What one party may see: its own preferences and its own utilities.
//!
//! Everything here is computed for a single seat. Functions take the caller's
//! party index and return only that party's numbers, so handlers cannot
//! accidentally hand one negotiator another's utilities. Suggestions are the
//! one place where all private preferences are combined, and even there only
//! the caller's own utility of each package leaves the server.
//!
//! Suggestions obey the session's [`Privacy`] level and say what they rest
//! on (`rests_on`): under `full`, the Pareto-improving packages and the Nash
//! package, which rest on every party's reservation value; under `pareto`,
//! only the packages every negotiator prefers to what stands, computed with
//! every reservation value removed from the scenario (so no package is
//! chosen, or left out, because of one); under `off`, none. They are
//! computed only once every negotiator's preferences are locked (see
//! `crate::preferences`), which the handlers check. See docs/privacy.md.

use pactum_core::analysis::{AnalysisError, AnalysisOptions, NamedOutcome, Package, analyze};
use pactum_core::model::RedLine;
use pactum_core::{Outcome, Scenario, UtilityFunction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::event::Event;
use crate::partial::PARTIAL_ROUNDS;
use crate::record::RecordEntry;
use crate::single_text::SINGLE_TEXT;

/// Largest number of values listed per issue in a preference summary.
const MAX_LISTED_VALUES: u64 = 10_000;
/// Largest number of Pareto-improving suggestions returned.
pub(crate) const MAX_SUGGESTIONS: usize = 10;

/// The value of one issue option to the caller.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ValueUtility {
    /// A number or a string, as the issue's values are.
    #[schema(value_type = serde_json::Value)]
    pub value: pactum_core::Value,
    /// The issue's value function at this value (0..1, before weighting).
    pub utility: f64,
}

/// One issue of an additive utility function.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct IssueWeight {
    pub issue: String,
    pub weight: f64,
    /// Omitted for issues with more than 10,000 values.
    pub values: Option<Vec<ValueUtility>>,
}

/// A party's own preferences, as `GET /sessions/{id}/me` shows them.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PreferenceSummary {
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
pub(crate) fn preference_summary(scenario: &Scenario, party: usize) -> PreferenceSummary {
    let prefs = scenario.parties()[party]
        .preferences
        .as_ref()
        .expect("negotiators have preferences");
    let (kind, issues, rectangles) = match &prefs.utility {
        UtilityFunction::Additive(a) => {
            let issues = scenario
                .issues()
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
            let issue = &scenario.issues()[r.issue];
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

pub(crate) use crate::utility::own_utility;

/// A package with the caller's own utility of it, and nothing else.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnView {
    #[schema(value_type = Object)]
    pub offer: Package,
    pub my_utility: f64,
}

/// What the mediator's suggestions may rest on, chosen by the convener when
/// creating the session (`privacy`), stored with it and shown in its views.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Privacy {
    /// Pareto-improving packages and the Nash package: they rest on every
    /// party's reservation value, and a Nash package can reveal one.
    Full,
    /// Only packages every negotiator prefers to what stands (the standing
    /// offer, the draft or the agreement); no reservation value enters.
    #[default]
    Pareto,
    /// No suggestions.
    Off,
}

impl Privacy {
    /// The level's name, as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Privacy::Full => "full",
            Privacy::Pareto => "pareto",
            Privacy::Off => "off",
        }
    }

    /// Parses a level's name (`full`, `pareto`, `off`).
    pub fn parse(name: &str) -> Result<Privacy, UnknownPrivacy> {
        match name {
            "full" => Ok(Privacy::Full),
            "pareto" => Ok(Privacy::Pareto),
            "off" => Ok(Privacy::Off),
            other => Err(UnknownPrivacy(other.to_string())),
        }
    }
}

/// A privacy level's name that is none of `full`, `pareto` and `off`.
#[derive(Debug, thiserror::Error)]
#[error("privacy: unknown level {0:?}: use \"full\", \"pareto\" or \"off\"")]
pub struct UnknownPrivacy(pub String);

/// `rests_on`, always (with what stands: the standing offer, the draft, the
/// agreement or the settled issues, whichever the suggestions improve on or
/// keep to): the utility functions.
pub(crate) const RESTS_ON_WEIGHTS: &str = "every party's weights and value functions";
/// `rests_on`: reservation values (the rational outcomes, the Nash package).
pub(crate) const RESTS_ON_RESERVATIONS: &str = "every party's reservation value";
/// `rests_on`: red lines (values a party never accepts bound the packages).
pub(crate) const RESTS_ON_RED_LINES: &str = "every party's red lines";

/// `standing_is` of free-form rounds under way: suggestions keep to the
/// settled issues rather than improve on a package.
const SETTLED_SO_FAR: &str = "the issues settled so far";

/// What a session's suggestions are about, beyond the scenario and the
/// package they improve on.
#[derive(Debug, Clone, Copy)]
pub struct SuggestionContext {
    /// What the session lets suggestions reveal.
    pub privacy: Privacy,
    /// What the package they improve on is, in words: "the standing offer",
    /// "the single text's draft", "the agreement" or "the issues settled so
    /// far" (listed in `rests_on`).
    pub standing_is: &'static str,
    /// Whether any negotiator has red lines of its own.
    pub red_lines: bool,
}

impl SuggestionContext {
    /// The context of the suggestions of a session on `scenario` under
    /// `protocol` at level `privacy` (`finished`: once it is over).
    pub(crate) fn of(
        scenario: &Scenario,
        protocol: &str,
        privacy: Privacy,
        finished: bool,
    ) -> Self {
        let standing_is = match (protocol, finished) {
            (_, true) => "the agreement",
            (SINGLE_TEXT, false) => "the single text's draft",
            (PARTIAL_ROUNDS, false) => SETTLED_SO_FAR,
            _ => "the standing offer",
        };
        let red_lines = scenario.negotiators().iter().any(|&p| {
            scenario.parties()[p]
                .preferences
                .as_ref()
                .is_some_and(|pr| !pr.red_lines.is_empty())
        });
        SuggestionContext {
            privacy,
            standing_is,
            red_lines,
        }
    }
}

/// The answer of `POST /sessions/{id}/suggestions`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestions {
    /// The session's privacy level: "full" or "pareto".
    pub privacy: Privacy,
    /// What kinds of information these suggestions rest on, in words (e.g.
    /// "every party's reservation value"); empty when there are none.
    pub rests_on: Vec<String>,
    /// The caller's utility of the standing offer, if there is one.
    pub standing_offer_utility: Option<f64>,
    /// Pareto-optimal packages that leave every negotiator at least as well
    /// off as the standing offer and one better (best for the caller first).
    /// Under `pareto`, optimal among all outcomes whatever the reservation
    /// values.
    pub improving: Vec<OwnView>,
    /// The Nash bargaining package among the rational outcomes (`full`
    /// only).
    pub nash: Option<OwnView>,
}

/// Why suggestions were not computed.
#[derive(Debug, thiserror::Error)]
pub enum SuggestionError {
    /// The analysis refused the scenario (its budget, or an outcome space
    /// too large to enumerate).
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// The session's privacy level is `off`.
    #[error("suggestions are off in this session")]
    Off,
}

/// The answer to a request for suggestions that cannot be computed, when
/// the cause could say something of another party's preferences.
pub(crate) const SUGGESTIONS_FAILED: &str = "the mediator cannot compute suggestions from these preferences; the server's log has the cause";

impl SuggestionError {
    /// What the caller may be told: the cause when it speaks only of the
    /// scenario's size and of the work (issue names are public), one
    /// sentence for everyone when it would name a party or describe its
    /// utility.
    pub fn public_message(&self) -> String {
        match self {
            SuggestionError::Analysis(
                e @ (AnalysisError::IssueTooLarge { .. }
                | AnalysisError::TooManyPartialSums { .. }
                | AnalysisError::FrontierTooLarge { .. }
                | AnalysisError::DeadlinePassed
                | AnalysisError::Cancelled),
            ) => format!("the mediator cannot compute suggestions: {e}"),
            // Said without the party whose utility is non-additive.
            SuggestionError::Analysis(AnalysisError::TooLarge {
                outcomes, limit, ..
            }) => format!(
                "the mediator cannot compute suggestions: they rest on the exact Pareto frontier, which the exact analysis cannot compute over {outcomes} outcomes (it enumerates at most {limit}); the negotiation itself and its bots work on this scenario"
            ),
            SuggestionError::Off => self.to_string(),
            _ => SUGGESTIONS_FAILED.to_string(),
        }
    }
}

impl From<SuggestionError> for String {
    fn from(e: SuggestionError) -> String {
        e.to_string()
    }
}

/// Computes suggestions for party `party` from all negotiators' (locked)
/// preferences, as `context.privacy` allows. `standing` is what they improve
/// on, if anything. Under [`Privacy::Off`] there are none (an error).
pub fn suggestions(
    scenario: &Scenario,
    party: usize,
    standing: Option<&[u32]>,
    context: SuggestionContext,
) -> Result<Suggestions, SuggestionError> {
    suggestions_with(
        scenario,
        party,
        standing,
        context,
        &AnalysisOptions::default(),
    )
}

/// [`suggestions`] analysing with `options` (the server's budget: its
/// deadline and cancellation flag).
pub(crate) fn suggestions_with(
    scenario: &Scenario,
    party: usize,
    standing: Option<&[u32]>,
    context: SuggestionContext,
    options: &AnalysisOptions,
) -> Result<Suggestions, SuggestionError> {
    let full = match context.privacy {
        Privacy::Full => true,
        Privacy::Pareto => false,
        Privacy::Off => return Err(SuggestionError::Off),
    };
    if !full && standing.is_none() {
        // Nothing to improve on, and no fair package at this level.
        return Ok(Suggestions {
            privacy: context.privacy,
            rests_on: Vec::new(),
            standing_offer_utility: None,
            improving: Vec::new(),
            nash: None,
        });
    }
    // Under `pareto` no reservation value enters: the frontier is taken over
    // every outcome (bounded by red lines only).
    let stripped;
    let computed_on = if full {
        scenario
    } else {
        let mut s = scenario.clone();
        for p in s.negotiators() {
            s.clear_reservation_value(p);
        }
        stripped = s;
        &stripped
    };
    let analysis = analyze(computed_on, options)?;
    let negotiators = scenario.negotiators();
    let standing_all: Option<Vec<f64>> = standing.map(|o| {
        negotiators
            .iter()
            .map(|&p| own_utility(scenario, p, o))
            .collect()
    });
    // The analysed scenario has `scenario`'s issues: its packages' values
    // are `scenario`'s.
    let view = |offer: &NamedOutcome| -> Result<OwnView, SuggestionError> {
        Ok(OwnView {
            offer: offer.to_package(),
            my_utility: own_utility(scenario, party, offer.outcome()),
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
    let nash = if full {
        analysis
            .solutions
            .nash
            .as_ref()
            .map(|s| view(&s.outcome))
            .transpose()?
    } else {
        None
    };
    let mut rests_on = Vec::new();
    if standing.is_some() || context.standing_is == SETTLED_SO_FAR {
        rests_on.push(context.standing_is.to_string());
    }
    rests_on.push(RESTS_ON_WEIGHTS.to_string());
    if full {
        rests_on.push(RESTS_ON_RESERVATIONS.to_string());
    }
    if context.red_lines {
        rests_on.push(RESTS_ON_RED_LINES.to_string());
    }
    Ok(Suggestions {
        privacy: context.privacy,
        rests_on,
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
    /// The privacy level and what the suggestions improve on, in words.
    pub context: SuggestionContext,
    /// Negotiators whose preferences are not locked yet, in turn order:
    /// until there are none, nobody gets suggestions.
    pub unlocked: Vec<String>,
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
            let others = (0..scenario.issues()[issue].cardinality() as u32)
                .filter(|&v| v != value)
                .collect();
            Some(RedLine {
                issue,
                values: others,
                notes: Some("settled in an earlier round".into()),
            })
        })
        .collect();
    // The lines name the scenario's own issues and values: always valid.
    let _ = scenario.add_red_lines(first, lines);
}

/// How many of a log's entries the admin's `/record` shows: all of them,
/// but for a single text whose current proposal is being voted on, those
/// before its first vote (how a negotiator voted stays secret until the
/// proposal closes, and the record is only ever shown whole up to a point,
/// so that what is shown still verifies).
pub(crate) fn before_open_votes(entries: &[RecordEntry]) -> Result<usize, serde_json::Error> {
    let mut first_open_vote = None;
    for (at, entry) in entries.iter().enumerate() {
        let event: Event = serde_json::from_value(entry.event.clone())?;
        match event {
            Event::Vote { .. } => {
                first_open_vote.get_or_insert(at);
            }
            // The next proposal, an agreement or the end closes the vote.
            Event::Proposal { .. } | Event::Agreement { .. } | Event::Ended { .. } => {
                first_open_vote = None;
            }
            _ => {}
        }
    }
    Ok(first_open_vote.unwrap_or(entries.len()))
}
