//! Private preferences: what a negotiator may enter in place of its own
//! scenario preferences (`PUT /sessions/{id}/me/preferences`, handled in
//! `http::preferences`), the commitment the record keeps, and when they
//! lock (`POST /sessions/{id}/preferences/lock`).
//!
//! A negotiator may replace its own weights, value functions, reservation
//! value and red lines **until its preferences are locked**: at its first move in any
//! protocol — an offer, acceptance, rejection or end; a free-form round's
//! proposal, acceptance or closing; a vote on the single text (afterwards
//! its earlier moves were made under the old preferences, and changing them
//! would make the record's utilities inconsistent) — or when it locks them
//! explicitly (a `preferences_locked` event in the record). A bot's seat is
//! locked from the start (nobody can edit it). Once locked, an edit is a
//! 409. The mediator's suggestions are computed only when every
//! negotiator's preferences are locked, so that nobody can ask for
//! suggestions, change its own numbers and ask again to learn another's.
//!
//! The new preferences are checked exactly like a native scenario file
//! (errors name the field, e.g. `parties[0] (Alice).weights.price`) and
//! stored privately; the
//! hash-chained record gets only a commitment, `sha256(salt || canonical
//! JSON of the preferences)`, with the salt returned to the party alone so
//! it can later prove what it entered. Every later view of that party (me,
//! offers, suggestions, certificate) uses the new preferences.
//!
//! A certificate issued after an edit is computed from the edited
//! preferences, which the exported scenario does not contain, so offline
//! verification checks such a record's chain and agreement but cannot
//! recompute its certificate from the scenario alone.

use indexmap::IndexMap;
use pactum_core::Scenario;
use pactum_core::native::{RedLineFile, ValueFile};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::event::Event;
use crate::record::{RecordEntry, canonical_json};

/// Why preferences were refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PreferencesError {
    /// The scenario has no party of that index.
    #[error("no such party")]
    NoSuchParty,
    /// A weight or value function names an issue the scenario lacks.
    #[error("parties[{party}] ({name}).weights.{issue}: unknown issue {issue:?}")]
    UnknownIssue {
        /// The party's index.
        party: usize,
        /// The party's name.
        name: String,
        /// The issue named.
        issue: String,
    },
    /// The reservation value is outside [0, 1].
    #[error("parties[{party}] ({name}).reservation: {value} is not in [0, 1]")]
    Reservation {
        /// The party's index.
        party: usize,
        /// The party's name.
        name: String,
        /// The value given.
        value: f64,
    },
    /// The native format's checks refused them (the message names the field).
    #[error(transparent)]
    Invalid(#[from] pactum_core::Error),
}

/// Body of `PUT /sessions/{id}/me/preferences`: the caller's whole additive
/// utility, in the native scenario format's terms.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesRequest {
    /// Issue → weight (non-negative), one per issue.
    #[schema(value_type = std::collections::HashMap<String, f64>)]
    pub weights: IndexMap<String, f64>,
    /// Issue → value function: an option → value table (values in [0, 1])
    /// for a discrete issue, or a numeric function such as
    /// `{"type": "linear", "slope": 0.5, "offset": 0}`.
    #[schema(value_type = Object)]
    pub values: IndexMap<String, ValueFile>,
    /// Utility of no agreement, in [0, 1]; absent for none.
    #[serde(default)]
    pub reservation_value: Option<f64>,
    /// The party's red lines, replacing the scenario's when present (an
    /// empty list removes them all); absent keeps the scenario's. Each names
    /// an issue and the values the party will not accept, as a scenario
    /// file's `[[parties.red_lines]]` does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub red_lines: Option<Vec<RedLineFile>>,
}

/// The commitment recorded for `prefs` with `salt` (hex).
pub fn commitment(salt: &str, prefs: &PreferencesRequest) -> String {
    let body = serde_json::to_value(prefs).expect("preferences serialise");
    let mut h = Sha256::new();
    h.update(hex::decode(salt).unwrap_or_else(|_| salt.as_bytes().to_vec()));
    h.update(canonical_json(&body).as_bytes());
    hex::encode(h.finalize())
}

/// `scenario` with party `party`'s preferences replaced by `prefs`, checked
/// as the native format checks a scenario file (errors name the field, e.g.
/// `parties[0] (Alice).red_lines[1].values`). The discount factor is kept,
/// and the red lines too unless `prefs` gives them.
pub(crate) fn apply(
    scenario: &Scenario,
    party: usize,
    prefs: &PreferencesRequest,
) -> Result<Scenario, PreferencesError> {
    let mut file = pactum_core::native::to_file(scenario);
    let p = file
        .parties
        .get_mut(party)
        .ok_or(PreferencesError::NoSuchParty)?;
    p.weights = Some(prefs.weights.clone());
    p.values = prefs.values.clone();
    p.reservation = prefs.reservation_value;
    p.hyper_rectangles = None;
    if let Some(lines) = &prefs.red_lines {
        p.red_lines = lines.clone();
    }
    for (issue, _) in prefs
        .weights
        .iter()
        .chain(prefs.values.iter().map(|(k, _)| (k, &0.0)))
    {
        if scenario.issue_index(issue).is_none() {
            return Err(PreferencesError::UnknownIssue {
                party,
                name: p.name.clone(),
                issue: issue.clone(),
            });
        }
    }
    if let Some(r) = prefs.reservation_value
        && !(0.0..=1.0).contains(&r)
    {
        return Err(PreferencesError::Reservation {
            party,
            name: p.name.clone(),
            value: r,
        });
    }
    let loaded = pactum_core::native::into_model("preferences", file)?;
    let mut out = scenario.clone();
    out.set_preferences(party, loaded.scenario.parties()[party].preferences.clone())
        .map_err(|error| pactum_core::Error::Model {
            file: "preferences".into(),
            error,
        })?;
    Ok(out)
}

/// `prefs` as it is stored: without red lines, it keeps the red lines
/// `party` has in `scenario` (the session's, with earlier edits), written
/// out when there are any, so that the latest stored edit alone says what
/// they are (as offline verification reads it). A request without red lines
/// on a party that has none is stored as sent.
pub(crate) fn with_red_lines_kept(
    scenario: &Scenario,
    party: usize,
    prefs: &PreferencesRequest,
) -> PreferencesRequest {
    let mut out = prefs.clone();
    if out.red_lines.is_none() {
        let file = pactum_core::native::to_file(scenario);
        let kept = file
            .parties
            .get(party)
            .map(|p| p.red_lines.clone())
            .unwrap_or_default();
        if !kept.is_empty() {
            out.red_lines = Some(kept);
        }
    }
    out
}

/// Whether `party`'s preferences are locked: it moved, or locked them
/// explicitly.
pub(crate) fn is_locked(entries: &[RecordEntry], party: &str) -> Result<bool, serde_json::Error> {
    if has_moved(entries, party)? {
        return Ok(true);
    }
    for entry in entries {
        let event: Event = serde_json::from_value(entry.event.clone())?;
        if let Event::PreferencesLocked { party: p, .. } = &event
            && p == party
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether `party` has moved, in any protocol: an offer, acceptance,
/// rejection or end; a free-form round's proposal, acceptance or closing; a
/// vote on the single text.
pub(crate) fn has_moved(entries: &[RecordEntry], party: &str) -> Result<bool, serde_json::Error> {
    for entry in entries {
        let event: Event = serde_json::from_value(entry.event.clone())?;
        if let Event::Move { party: p, .. }
        | Event::PartialMove { party: p, .. }
        | Event::Vote { party: p, .. } = &event
            && p == party
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The negotiators (turn order) whose preferences are not locked yet; bots'
/// seats are always locked.
pub(crate) fn unlocked(
    scenario: &Scenario,
    is_bot_seat: impl Fn(usize) -> bool,
    entries: &[RecordEntry],
) -> Result<Vec<String>, serde_json::Error> {
    let mut locked = std::collections::HashSet::new();
    for entry in entries {
        let event: Event = serde_json::from_value(entry.event.clone())?;
        if let Event::Move { party, .. }
        | Event::PartialMove { party, .. }
        | Event::Vote { party, .. }
        | Event::PreferencesLocked { party, .. } = event
        {
            locked.insert(party);
        }
    }
    Ok(scenario
        .negotiator_names()
        .into_iter()
        .enumerate()
        .filter(|(seat, name)| !is_bot_seat(*seat) && !locked.contains(name))
        .map(|(_, name)| name)
        .collect())
}

/// The sentence that answers a request for suggestions before every
/// negotiator has locked its preferences (party names are public).
pub(crate) fn waiting_for_locks(unlocked: &[String]) -> String {
    format!(
        "suggestions wait until every negotiator's preferences are locked (by a first move or POST /sessions/{{id}}/preferences/lock); not locked yet: {}",
        unlocked.join(", ")
    )
}

/// One edit of a party's preferences with the salt that opens its
/// commitment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub(crate) struct PreferencesOpening {
    /// Sequence number of the `preferences` event in the record.
    pub seq: u64,
    /// The commitment recorded there.
    pub commitment: String,
    /// The salt (hex).
    pub salt: String,
    /// The preferences entered.
    pub preferences: PreferencesRequest,
}

/// Answer of `GET /sessions/{id}/preferences/export`: everything a party
/// needs to open its own commitments (`pactum verify --preferences FILE`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub(crate) struct PreferencesExport {
    /// The session whose record holds the commitments.
    pub session_id: String,
    /// The party whose preferences these are.
    pub party: String,
    /// Every edit, in record order (the last one is in force).
    pub openings: Vec<PreferencesOpening>,
}
