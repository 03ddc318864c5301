//! Disclosure to the mediator, the mediator's view, the agreement
//! certificate and the export of a finished session.
//!
//! Disclosure is each negotiator's own, revocable choice, off by default and
//! recorded in the hash-chained log. It goes to the session's mediator: the
//! scenario's mediator party when it names one, otherwise the convener (the
//! admin token). Until every negotiator has disclosed, nobody but each
//! negotiator itself sees any utility: the mediator gets the trace of moves
//! only (offers under alternating offers, proposals round by round under
//! partial rounds, drafts and votes under the single text). Once every
//! negotiator discloses, the mediator, and nobody else, gets the utility
//! space. Who has disclosed (never what) is shown to every token of the
//! session, at `GET /sessions/{id}/disclosure` and as `disclosure` events on
//! the event stream.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use pactum_core::analysis::{AnalysisOptions, Package, analyze};
use pactum_core::{IssueKind, Role, Scenario, UtilityFunction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::certificate::{Certificate, compute_with, disclosed_by, outcome_of};
use crate::error::{ApiError, ErrorBody};
use crate::event::Event;
use crate::http::auth::{Caller, authorize, authorize_admin, authorize_party};
use crate::http::json_body;
use crate::offers::package;
use crate::partial::PARTIAL_ROUNDS;
use crate::protocol::Finish;
use crate::record::{Record, RecordEntry};
use crate::sessions::cache::load_session;
use crate::sessions::live::Published;
use crate::sessions::replay::{replay, status_of};
use crate::sessions::{AppState, now_ms};
use crate::singletext::SINGLE_TEXT;
use crate::store::log::{append, load_entries, lock_session};
use crate::store::sessions::Session;
use crate::views::own_utility;

/// Largest number of outcomes whose utilities the mediator view samples.
pub const MAX_SAMPLE: u128 = 1000;

fn events_of(entries: &[RecordEntry]) -> Result<Vec<Event>, ApiError> {
    entries
        .iter()
        .map(|e| serde_json::from_value(e.event.clone()).map_err(ApiError::internal))
        .collect()
}

// ---------------------------------------------------------------- disclosure

/// The session's mediator: the name of the scenario's mediator party, or
/// `None` when the scenario names none and the convener mediates.
pub(crate) fn mediator_of(scenario: &Scenario) -> Option<String> {
    scenario
        .parties
        .iter()
        .find(|p| p.role == Role::Mediator)
        .map(|p| p.name.clone())
}

/// Whether `caller` is the session's mediator: a mediator party's token
/// when the scenario names one, the admin token otherwise.
fn is_session_mediator(scenario: &Scenario, caller: &Caller) -> bool {
    match caller {
        Caller::Negotiator(_) => false,
        Caller::Viewer { role, .. } => role == "mediator",
        Caller::Admin => mediator_of(scenario).is_none(),
    }
}

/// Body of `PUT /sessions/{id}/disclosure`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisclosureRequest {
    /// Disclose the caller's preferences to the mediator (`true`) or
    /// withdraw that (`false`).
    pub disclose: bool,
}

/// The caller's disclosure choice after the request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DisclosureState {
    pub party: String,
    pub disclose: bool,
    /// Whether every negotiator now discloses.
    pub all_disclosed: bool,
}

#[utoipa::path(put, path = "/sessions/{id}/disclosure", params(("id" = String, Path)),
    request_body = DisclosureRequest, responses(
    (status = 200, body = DisclosureState), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn put_disclosure(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<DisclosureRequest>, JsonRejection>,
) -> Result<Json<DisclosureState>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    let req = json_body(body)?;
    let _guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    lock_session(&mut tx, &id).await?;
    let entries = load_entries(&mut tx, &id).await?;
    let (state, _) = replay(&session, &entries)?;
    if state.finished.is_some() {
        return Err(ApiError::conflict(
            "the negotiation is over: disclosure choices are final",
        ));
    }
    let mut events = events_of(&entries)?;
    let last = entries
        .last()
        .ok_or_else(|| ApiError::internal("session without log"))?;
    let event = Event::Disclosure {
        party: seat.name.clone(),
        disclose: req.disclose,
        at_ms: now_ms(),
    };
    let seq = last.seq + 1;
    append(&mut tx, &id, seq, &last.hash, &event).await?;
    tx.commit().await?;
    app.hub.publish(
        &id,
        vec![Published::Disclosure {
            seq,
            party: seat.name.clone(),
            disclose: req.disclose,
        }],
    );
    events.push(event);
    let disclosed = disclosed_by(events);
    Ok(Json(DisclosureState {
        party: seat.name,
        disclose: req.disclose,
        all_disclosed: state.negotiators.iter().all(|n| disclosed.contains(n)),
    }))
}

/// Answer of `GET /sessions/{id}/disclosure`: who discloses, never what.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DisclosureStatus {
    /// Who receives disclosed preferences: the scenario's mediator party,
    /// or `null` when the scenario names none and the convener mediates.
    pub mediator: Option<String>,
    /// Whether the caller is the session's mediator.
    pub caller_is_mediator: bool,
    /// Every negotiator, in turn order.
    pub negotiators: Vec<String>,
    /// Negotiators who currently disclose their preferences.
    pub disclosed: Vec<String>,
    /// Whether every negotiator discloses (the mediator then sees the
    /// utility space).
    pub all_disclosed: bool,
    /// The caller's own choice (negotiators only).
    pub mine: Option<bool>,
    /// Whether choices can still change (the negotiation is open).
    pub open: bool,
}

#[utoipa::path(get, path = "/sessions/{id}/disclosure", params(("id" = String, Path)), responses(
    (status = 200, body = DisclosureStatus), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("party_token" = []), ("viewer_token" = []), ("admin_token" = [])))]
pub(crate) async fn get_disclosure(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<DisclosureStatus>, ApiError> {
    let session = load_session(&app, &id).await?;
    let caller = authorize(&session, &headers)?;
    let mut conn = app.pool.acquire().await?;
    let entries = load_entries(&mut conn, &id).await?;
    drop(conn);
    let (state, _) = replay(&session, &entries)?;
    let disclosed = disclosed_by(events_of(&entries)?);
    let mine = match &caller {
        Caller::Negotiator(seat) => Some(disclosed.contains(&seat.name)),
        _ => None,
    };
    Ok(Json(DisclosureStatus {
        mediator: mediator_of(&session.scenario),
        caller_is_mediator: is_session_mediator(&session.scenario, &caller),
        all_disclosed: state.negotiators.iter().all(|n| disclosed.contains(n)),
        negotiators: state.negotiators,
        disclosed,
        mine,
        open: state.finished.is_none(),
    }))
}

// ---------------------------------------------------------------- mediator view

/// One offer of the trace: who offered what, no utilities.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TraceOffer {
    pub seq: u64,
    pub round: u64,
    pub party: String,
    #[schema(value_type = Object)]
    pub offer: Package,
}

/// One move of the trace (alternating offers): who did what, no utilities.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TraceMove {
    pub seq: u64,
    pub round: u64,
    pub party: String,
    pub kind: crate::protocol::MoveKind,
    /// The offered package (offers only).
    #[schema(value_type = Option<Object>)]
    pub offer: Option<Package>,
}

/// A package and every negotiator's utility of it (negotiators' order).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UtilityPoint {
    #[schema(value_type = Object)]
    pub offer: Package,
    pub utilities: Vec<f64>,
}

/// The negotiators' joint utility space: shown to the mediator only when
/// every negotiator has disclosed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UtilitySpace {
    pub negotiators: Vec<String>,
    /// Number of outcomes, as a decimal string (it may exceed 2^64).
    pub outcome_count: String,
    /// Utility vectors of up to 1,000 evenly spaced outcomes.
    pub sample: Vec<Vec<f64>>,
    pub frontier: Vec<UtilityPoint>,
    pub nash: Option<UtilityPoint>,
    /// The utility vectors of the trace's packages, in order: every offer
    /// (alternating offers); every proposed draft (single text); every
    /// proposal's worth from its own issues, weight × value summed
    /// (partial rounds, when every negotiator's utility is additive; empty
    /// otherwise).
    pub offers: Vec<Vec<f64>>,
    /// The utility vector of what stands: the current draft (single text)
    /// or the issues settled so far, as for `offers` (partial rounds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<Vec<f64>>,
}

/// Answer of `GET /sessions/{id}/mediator`: the session's moves (packages
/// only) for mediators, observers and the admin.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MediatorView {
    /// "alternating_offers", "single_text" or "partial_rounds".
    pub protocol: String,
    pub status: String,
    pub round: u64,
    pub deadline_rounds: u64,
    /// Whose turn it is (alternating offers, while open).
    pub turn: Option<String>,
    pub negotiators: Vec<String>,
    /// Alternating offers: the negotiators who left (turn order).
    pub left: Vec<String>,
    /// The wall-clock time limit, if any, and the time left.
    pub time_limit: Option<crate::protocol::TimeLimitView>,
    /// The scenario's issues in order.
    pub issues: Vec<String>,
    /// The options of each issue in the scenario's order, parallel to
    /// `issues` (empty for numeric issues, whose values order themselves).
    pub issue_options: Vec<Vec<String>>,
    /// The session's mediator, who gets the utility space: the scenario's
    /// mediator party, or `null` when the convener mediates.
    pub mediator: Option<String>,
    /// Negotiators who currently disclose their preferences.
    pub disclosed: Vec<String>,
    /// How many moves the negotiators made, as the convener's record shows
    /// them: offers, acceptances, rejections and ends; proposals,
    /// acceptances and closings (partial rounds); votes on decided
    /// proposals (single text: votes on the proposal being voted on count
    /// once it closes).
    pub move_count: u64,
    /// Alternating offers: every move in order (offers, acceptances,
    /// rejections, the end). Empty under the other protocols.
    #[serde(default)]
    pub moves: Vec<TraceMove>,
    /// Alternating offers: every offer. Empty under the other protocols,
    /// whose moves are in `partial` and `single_text`.
    pub offers: Vec<TraceOffer>,
    /// Partial rounds: the proposals round by round, the settled issues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<crate::http::traces::PartialTrace>,
    /// Single text: the proposals with their votes, the standing draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_text: Option<crate::http::traces::TextTrace>,
    /// Present only for a mediator's token once every negotiator discloses.
    pub utility_space: Option<UtilitySpace>,
    /// The session's privacy level: what the negotiators' suggestions may
    /// rest on ("full", "pareto" or "off").
    pub privacy: crate::views::Privacy,
    /// Negotiators whose preferences are not locked yet (suggestions wait
    /// for them).
    pub waiting_for_locks: Vec<String>,
}

/// A package of the trace whose utilities the utility space shows.
enum Point {
    /// A whole outcome.
    Outcome(Vec<u32>),
    /// Some issues, each with a value.
    Partial(Vec<(usize, u32)>),
}

#[utoipa::path(get, path = "/sessions/{id}/mediator", params(("id" = String, Path)), responses(
    (status = 200, body = MediatorView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, description = "The analysis does not fit the server's budget or deadline", body = ErrorBody),
    (status = 503, description = "Busy with other analyses (Retry-After)", body = ErrorBody)),
    security(("viewer_token" = []), ("admin_token" = [])))]
pub(crate) async fn mediator_view(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<MediatorView>, ApiError> {
    let session = load_session(&app, &id).await?;
    let caller = authorize(&session, &headers)?;
    if let Caller::Negotiator(_) = caller {
        return Err(ApiError::forbidden(
            "the mediator view is for mediators, observers and the admin; negotiators use /offers",
        ));
    }
    let is_mediator = is_session_mediator(&session.scenario, &caller);
    let mut conn = app.pool.acquire().await?;
    let entries = load_entries(&mut conn, &id).await?;
    drop(conn);
    let (state, moves) = replay(&session, &entries)?;
    let events = events_of(&entries)?;
    // Counted as the convener's record shows them: votes on a single
    // text's proposal still being voted on count once it closes.
    let shown = crate::views::before_open_votes(&entries)?;
    let move_count = events[..shown]
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::Move { .. } | Event::PartialMove { .. } | Event::Vote { .. }
            )
        })
        .count() as u64;
    let disclosed = disclosed_by(events);
    let all = state.negotiators.iter().all(|n| disclosed.contains(n));
    let sc = &session.scenario;
    let mut view = MediatorView {
        protocol: session.protocol.clone(),
        status: status_of(&state).to_string(),
        round: state.round(),
        deadline_rounds: session.deadline_rounds,
        turn: None,
        negotiators: state.negotiators.clone(),
        left: state.left_names(),
        time_limit: state
            .time_limit
            .map(|l| crate::protocol::TimeLimitView::of(&l, crate::sessions::now_ms())),
        issues: sc.issues.iter().map(|i| i.name.clone()).collect(),
        issue_options: sc
            .issues
            .iter()
            .map(|i| match &i.kind {
                IssueKind::Discrete { options } => options.clone(),
                _ => Vec::new(),
            })
            .collect(),
        mediator: mediator_of(sc),
        disclosed,
        move_count,
        moves: Vec::new(),
        offers: Vec::new(),
        partial: None,
        single_text: None,
        utility_space: None,
        privacy: session.privacy,
        waiting_for_locks: crate::preferences::unlocked(&session, &entries)?,
    };
    // The packages whose utilities the utility space would show.
    let (points, standing): (Vec<Point>, Option<Point>) = match session.protocol.as_str() {
        PARTIAL_ROUNDS => {
            let (trace, partial, proposals) =
                crate::http::traces::partial_trace(&session, &entries)?;
            view.round = partial.round.min(session.deadline_rounds.saturating_sub(1));
            view.partial = Some(trace);
            (
                proposals.into_iter().map(Point::Partial).collect(),
                Some(Point::Partial(partial.settled_pairs())),
            )
        }
        SINGLE_TEXT => {
            let (trace, text, drafts) = crate::http::traces::text_trace(&session, &entries)?;
            view.round = text.proposal.min(session.deadline_rounds.saturating_sub(1));
            view.single_text = Some(trace);
            (
                drafts.into_iter().map(Point::Outcome).collect(),
                Some(Point::Outcome(text.draft)),
            )
        }
        _ => {
            let out_of_time = view.time_limit.as_ref().is_some_and(|t| t.passed);
            view.turn = (state.finished.is_none() && !out_of_time)
                .then(|| state.negotiators[state.turn()].clone());
            let mut points = Vec::new();
            for m in moves {
                view.moves.push(TraceMove {
                    seq: m.seq,
                    round: m.round,
                    party: m.party.clone(),
                    kind: m.kind,
                    offer: m.offer.as_ref().map(|o| package(sc, o)),
                });
                if let Some(o) = m.offer {
                    view.offers.push(TraceOffer {
                        seq: m.seq,
                        round: m.round,
                        party: m.party,
                        offer: package(sc, &o),
                    });
                    points.push(Point::Outcome(o));
                }
            }
            (points, None)
        }
    };
    if is_mediator && all {
        let scenario = session.scenario;
        let space = app
            .limits
            .analyse(move |options| utility_space(&scenario, &points, standing, options))
            .await?
            .map_err(ApiError::unprocessable)?;
        view.utility_space = Some(space);
    }
    Ok(Json(view))
}

/// Every negotiator's utility of `point`: of a whole outcome, or (for some
/// issues) the weight × value summed over them, which only additive
/// utilities define (`None` otherwise).
fn utilities_of(scenario: &Scenario, point: &Point) -> Option<Vec<f64>> {
    scenario
        .negotiators()
        .iter()
        .map(|&p| match point {
            Point::Outcome(o) => Some(own_utility(scenario, p, o)),
            Point::Partial(pairs) => {
                let prefs = scenario.parties[p].preferences.as_ref()?;
                let UtilityFunction::Additive(a) = &prefs.utility else {
                    return None;
                };
                let mut u = 0.0;
                for &(i, v) in pairs {
                    u += a.weights[i] * a.values[i].eval(&scenario.issues[i], v);
                }
                Some(u)
            }
        })
        .collect()
}

fn utility_space(
    scenario: &Scenario,
    points: &[Point],
    standing: Option<Point>,
    options: &AnalysisOptions,
) -> Result<UtilitySpace, String> {
    let negotiators = scenario.negotiators();
    let all = |o: &[u32]| -> Vec<f64> {
        negotiators
            .iter()
            .map(|&p| own_utility(scenario, p, o))
            .collect()
    };
    let analysis = analyze(scenario, options).map_err(|e| e.to_string())?;
    let count = scenario.outcome_count();
    let n = count.min(MAX_SAMPLE);
    let cards: Vec<u128> = scenario
        .issues
        .iter()
        .map(|i| i.cardinality() as u128)
        .collect();
    let mut sample = Vec::with_capacity(n as usize);
    for k in 0..n {
        // Evenly spaced outcome indexes, decoded in mixed radix.
        let mut index = if n == count { k } else { k * (count / n) };
        let mut outcome = vec![0u32; cards.len()];
        for (slot, card) in outcome.iter_mut().zip(&cards).rev() {
            *slot = (index % card) as u32;
            index /= card;
        }
        sample.push(all(&outcome));
    }
    let point = |offer: &Package, utilities: &[f64]| UtilityPoint {
        offer: offer.clone(),
        utilities: utilities.to_vec(),
    };
    Ok(UtilitySpace {
        negotiators: analysis.negotiators.clone(),
        outcome_count: count.to_string(),
        sample,
        frontier: analysis
            .frontier
            .iter()
            .map(|f| point(&f.outcome, &f.utilities))
            .collect(),
        nash: analysis
            .solutions
            .nash
            .as_ref()
            .map(|s| point(&s.outcome, &s.utilities)),
        offers: points
            .iter()
            .map(|p| utilities_of(scenario, p))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default(),
        standing: standing.and_then(|p| utilities_of(scenario, &p)),
    })
}

// ---------------------------------------------------------------- certificate

/// Answer of `GET /sessions/{id}/certificate`. Below privacy level `full`,
/// negotiators and viewers get it without the Nash package and the distance
/// to it (the record keeps them).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CertificateView {
    pub certificate: Certificate,
    /// The caller's own utility of the agreement (negotiators only).
    pub my_utility: Option<f64>,
}

/// The session's certificate, appending it to the log if it is not there
/// yet (it normally is: it is issued right after the agreement).
pub(crate) async fn ensure_certificate(
    app: &AppState,
    session: &Session,
) -> Result<Certificate, ApiError> {
    let id = &session.id;
    let mut conn = app.pool.acquire().await?;
    let entries = load_entries(&mut conn, id).await?;
    drop(conn);
    let events = events_of(&entries)?;
    if let Some(Event::Certificate(c)) = events.last() {
        return Ok(c.clone());
    }
    let (state, _) = replay(session, &entries)?;
    let Some(Finish::Agreement(outcome)) = &state.finished else {
        return Err(ApiError::conflict("there is no agreement to certify"));
    };
    let round = events
        .iter()
        .rev()
        .find_map(|e| match e {
            Event::Agreement { round, .. } => Some(*round),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("agreement without event"))?;
    let agreement = package(&session.scenario, outcome);
    let disclosed = disclosed_by(events);
    let scenario = session.scenario.clone();
    let cert = app
        .limits
        .analyse(move |options| compute_with(&scenario, &agreement, round, &disclosed, options))
        .await?
        .map_err(ApiError::unprocessable)?;

    let _guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    lock_session(&mut tx, id).await?;
    let entries = load_entries(&mut tx, id).await?;
    let last = entries
        .last()
        .ok_or_else(|| ApiError::internal("session without log"))?;
    if let Ok(Event::Certificate(c)) = serde_json::from_value::<Event>(last.event.clone()) {
        return Ok(c); // another request issued it meanwhile
    }
    append(
        &mut tx,
        id,
        last.seq + 1,
        &last.hash,
        &Event::Certificate(cert.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(cert)
}

#[utoipa::path(get, path = "/sessions/{id}/certificate", params(("id" = String, Path)), responses(
    (status = 200, body = CertificateView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, description = "The analysis does not fit the server's budget or deadline", body = ErrorBody),
    (status = 503, description = "Busy with other analyses (Retry-After)", body = ErrorBody)),
    security(("party_token" = []), ("viewer_token" = []), ("admin_token" = [])))]
pub(crate) async fn get_certificate(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<CertificateView>, ApiError> {
    let session = load_session(&app, &id).await?;
    let caller = authorize(&session, &headers)?;
    let mut certificate = ensure_certificate(&app, &session).await?;
    // The Nash package rests on every reservation value (on one price
    // issue it gives a party's away exactly): below level `full` only the
    // convener, whose export `pactum verify` checks, sees it.
    if session.privacy != crate::views::Privacy::Full && !matches!(caller, Caller::Admin) {
        certificate.nash = None;
        certificate.nash_distance = None;
    }
    let my_utility = match caller {
        Caller::Negotiator(seat) => {
            let outcome = outcome_of(&session.scenario, &certificate.agreement)
                .map_err(ApiError::internal)?;
            Some(own_utility(&session.scenario, seat.party, &outcome))
        }
        _ => None,
    };
    Ok(Json(CertificateView {
        certificate,
        my_utility,
    }))
}

// ---------------------------------------------------------------- export

/// Answer of `GET /sessions/{id}/export`: everything needed to check a
/// finished session offline (`pactum verify --scenario`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Export {
    pub scenario_toml: String,
    pub record: Record,
}

#[utoipa::path(get, path = "/sessions/{id}/export", params(("id" = String, Path)), responses(
    (status = 200, body = Export), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 422, description = "The analysis does not fit the server's budget or deadline", body = ErrorBody),
    (status = 503, description = "Busy with other analyses (Retry-After)", body = ErrorBody)),
    security(("admin_token" = [])))]
pub(crate) async fn export(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Export>, ApiError> {
    let session = load_session(&app, &id).await?;
    authorize_admin(&session, &headers)?;
    let mut conn = app.pool.acquire().await?;
    let entries = load_entries(&mut conn, &id).await?;
    drop(conn);
    let (state, _) = replay(&session, &entries)?;
    let entries = match &state.finished {
        None => {
            return Err(ApiError::conflict(
                "the negotiation is still open: export it once it is finished",
            ));
        }
        Some(Finish::Agreement(_)) => {
            ensure_certificate(&app, &session).await?;
            let mut conn = app.pool.acquire().await?;
            load_entries(&mut conn, &id).await?
        }
        Some(Finish::Ended(_)) => entries,
    };
    let row = sqlx::query("SELECT scenario_toml FROM sessions WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.pool)
        .await?;
    Ok(Json(Export {
        scenario_toml: sqlx::Row::get(&row, 0),
        record: app.signed(Record {
            session_id: id,
            events: entries,
            signature: None,
        }),
    }))
}
