//! Private preference editing, `PUT /sessions/{id}/me/preferences`, and
//! locking, `POST /sessions/{id}/preferences/lock`.
//!
//! A negotiator may replace its own weights, value functions and reservation
//! value **until its preferences are locked**: at its first move in any
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

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use indexmap::IndexMap;
use pactum_core::Scenario;
use pactum_core::native::ValueFile;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::event::Event;
use crate::http::auth::authorize_party;
use crate::http::json_body;
use crate::record::{RecordEntry, canonical_json};
use crate::sessions::cache::load_session;
use crate::sessions::{AppState, now_ms};
use crate::store::log::{append, load_entries, lock_session};
use crate::store::sessions::Session;

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
}

/// Answer of `PUT /sessions/{id}/me/preferences`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PreferencesUpdated {
    /// Sequence number of the commitment in the record.
    pub seq: u64,
    /// The commitment recorded: hex `sha256(salt || canonical JSON)`.
    pub commitment: String,
    /// The salt (hex), shown only to the party.
    pub salt: String,
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
/// as the native format checks a scenario file (red lines and discount
/// factor are kept).
pub fn apply(
    scenario: &Scenario,
    party: usize,
    prefs: &PreferencesRequest,
) -> Result<Scenario, String> {
    let mut file = pactum_core::native::to_file(scenario);
    let p = file
        .parties
        .get_mut(party)
        .ok_or_else(|| "no such party".to_string())?;
    p.weights = Some(prefs.weights.clone());
    p.values = prefs.values.clone();
    p.reservation = prefs.reservation_value;
    p.hyper_rectangles = None;
    for (issue, _) in prefs
        .weights
        .iter()
        .chain(prefs.values.iter().map(|(k, _)| (k, &0.0)))
    {
        if scenario.issue_index(issue).is_none() {
            return Err(format!(
                "parties[{party}] ({}).weights.{issue}: unknown issue {issue:?}",
                p.name
            ));
        }
    }
    if let Some(r) = prefs.reservation_value
        && !(0.0..=1.0).contains(&r)
    {
        return Err(format!(
            "parties[{party}] ({}).reservation: {r} is not in [0, 1]",
            p.name
        ));
    }
    let loaded = pactum_core::native::into_model("preferences", file).map_err(|e| e.to_string())?;
    let mut out = scenario.clone();
    out.parties[party].preferences = loaded.scenario.parties[party].preferences.clone();
    Ok(out)
}

/// Applies the latest stored private preferences of each party.
pub(crate) async fn apply_stored(
    pool: &sqlx::AnyPool,
    id: &str,
    mut scenario: Scenario,
) -> Result<Scenario, ApiError> {
    let rows = sqlx::query(
        "SELECT party_name, body FROM private_preferences WHERE session_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    for row in rows {
        let name: String = row.get(0);
        let body: String = row.get(1);
        let prefs: PreferencesRequest = serde_json::from_str(&body).map_err(ApiError::internal)?;
        let party = scenario
            .party_index(&name)
            .ok_or_else(|| ApiError::internal("preferences of an unknown party"))?;
        scenario = apply(&scenario, party, &prefs).map_err(ApiError::internal)?;
    }
    Ok(scenario)
}

/// Whether `party`'s preferences are locked: it moved, or locked them
/// explicitly.
pub(crate) fn is_locked(entries: &[RecordEntry], party: &str) -> Result<bool, ApiError> {
    if has_moved(entries, party)? {
        return Ok(true);
    }
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(ApiError::internal)?;
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
pub(crate) fn has_moved(entries: &[RecordEntry], party: &str) -> Result<bool, ApiError> {
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(ApiError::internal)?;
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
    session: &Session,
    entries: &[RecordEntry],
) -> Result<Vec<String>, ApiError> {
    let mut locked = std::collections::HashSet::new();
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(ApiError::internal)?;
        if let Event::Move { party, .. }
        | Event::PartialMove { party, .. }
        | Event::Vote { party, .. }
        | Event::PreferencesLocked { party, .. } = event
        {
            locked.insert(party);
        }
    }
    Ok(session
        .scenario
        .negotiator_names()
        .into_iter()
        .enumerate()
        .filter(|(seat, name)| !session.is_bot_seat(*seat) && !locked.contains(name))
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

#[utoipa::path(put, path = "/sessions/{id}/me/preferences", params(("id" = String, Path)),
    request_body = PreferencesRequest, responses(
    (status = 200, body = PreferencesUpdated), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn put_preferences(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<PreferencesRequest>, JsonRejection>,
) -> Result<Json<PreferencesUpdated>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    if session.is_bot_seat(seat.seat) {
        return Err(ApiError::forbidden(
            "a bot plays this seat: its token is view-only",
        ));
    }
    let prefs = json_body(body)?;
    apply(&session.scenario, seat.party, &prefs).map_err(ApiError::unprocessable)?;
    let salt = hex::encode(rand::random::<[u8; 16]>());
    let commit = commitment(&salt, &prefs);
    let stored = serde_json::to_string(&prefs).map_err(ApiError::internal)?;

    let guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    lock_session(&mut tx, &id).await?;
    let entries = load_entries(&mut tx, &id).await?;
    let (state, _) = crate::sessions::replay::replay(&session, &entries)?;
    if state.finished.is_some() {
        return Err(ApiError::conflict("the negotiation is over"));
    }
    if is_locked(&entries, &seat.name)? {
        return Err(ApiError::conflict(
            "your preferences are locked (by your first move or your own lock): they can no longer change",
        ));
    }
    let last = entries
        .last()
        .ok_or_else(|| ApiError::internal("session without log"))?;
    let seq = last.seq + 1;
    let ev = Event::Preferences {
        party: seat.name.clone(),
        commitment: commit.clone(),
        at_ms: now_ms(),
    };
    append(&mut tx, &id, seq, &last.hash, &ev).await?;
    sqlx::query(
        "INSERT INTO private_preferences (session_id, seq, party_name, body, salt) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(seq as i64)
    .bind(&seat.name)
    .bind(&stored)
    .bind(&salt)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    app.sessions.preferences_changed(&id);
    drop(guard);
    Ok(Json(PreferencesUpdated {
        seq,
        commitment: commit,
        salt,
    }))
}

// ---------------------------------------------------------------- export

/// One edit of a party's preferences with the salt that opens its
/// commitment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PreferencesOpening {
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
pub struct PreferencesExport {
    /// The session whose record holds the commitments.
    pub session_id: String,
    /// The party whose preferences these are.
    pub party: String,
    /// Every edit, in record order (the last one is in force).
    pub openings: Vec<PreferencesOpening>,
}

#[utoipa::path(get, path = "/sessions/{id}/preferences/export", params(("id" = String, Path)),
    responses(
    (status = 200, body = PreferencesExport), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn export_preferences(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<PreferencesExport>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    let rows = sqlx::query(
        "SELECT seq, body, salt FROM private_preferences WHERE session_id = $1 AND party_name = $2 ORDER BY seq",
    )
    .bind(&id)
    .bind(&seat.name)
    .fetch_all(&app.pool)
    .await?;
    let openings = rows
        .into_iter()
        .map(|row| {
            let body: String = row.get(1);
            let salt: String = row.get(2);
            let preferences: PreferencesRequest =
                serde_json::from_str(&body).map_err(ApiError::internal)?;
            Ok(PreferencesOpening {
                seq: row.get::<i64, _>(0) as u64,
                commitment: commitment(&salt, &preferences),
                salt,
                preferences,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(Json(PreferencesExport {
        session_id: id,
        party: seat.name,
        openings,
    }))
}

// ---------------------------------------------------------------- locking

/// Answer of `POST /sessions/{id}/preferences/lock`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LockState {
    pub party: String,
    /// Always `true`: the caller's preferences are locked.
    pub locked: bool,
    /// Negotiators whose preferences are not locked yet (turn order);
    /// suggestions wait for them.
    pub waiting_for: Vec<String>,
}

#[utoipa::path(post, path = "/sessions/{id}/preferences/lock", params(("id" = String, Path)),
    responses(
    (status = 200, body = LockState), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn lock_preferences(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<LockState>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    let guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    lock_session(&mut tx, &id).await?;
    let mut entries = load_entries(&mut tx, &id).await?;
    let (state, _) = crate::sessions::replay::replay(&session, &entries)?;
    if state.finished.is_some() {
        return Err(ApiError::conflict("the negotiation is over"));
    }
    // Locking twice (or a bot's seat, locked from the start) changes nothing.
    if !session.is_bot_seat(seat.seat) && !is_locked(&entries, &seat.name)? {
        let last = entries
            .last()
            .ok_or_else(|| ApiError::internal("session without log"))?;
        let seq = last.seq + 1;
        let ev = Event::PreferencesLocked {
            party: seat.name.clone(),
            at_ms: now_ms(),
        };
        let hash = append(&mut tx, &id, seq, &last.hash, &ev).await?;
        tx.commit().await?;
        entries.push(RecordEntry {
            seq,
            event: serde_json::to_value(&ev).map_err(ApiError::internal)?,
            prev_hash: last.hash.clone(),
            hash,
        });
    }
    drop(guard);
    Ok(Json(LockState {
        waiting_for: unlocked(&session, &entries)?,
        party: seat.name,
        locked: true,
    }))
}
