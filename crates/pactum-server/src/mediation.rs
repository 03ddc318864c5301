//! Disclosure to the mediator, the mediator's view, the agreement
//! certificate and the export of a finished session.
//!
//! Disclosure is each negotiator's own, revocable choice, off by default and
//! recorded in the hash-chained log. Until every negotiator has disclosed,
//! nobody but each negotiator itself sees any utility: the mediator gets the
//! offer trace only.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use pactum_core::Scenario;
use pactum_core::analysis::{AnalysisOptions, Package, analyze};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{
    AppState, Caller, Session, append, authorize, authorize_admin, authorize_party, json_body,
    load_entries, load_session, lock_session, now_ms, replay, status_of,
};
use crate::certificate::{Certificate, compute, disclosed_by, outcome_of};
use crate::error::{ApiError, ErrorBody};
use crate::protocol::{Event, Finish, package};
use crate::record::{Record, RecordEntry};
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
    append(&mut tx, &id, last.seq + 1, &last.hash, &event).await?;
    tx.commit().await?;
    events.push(event);
    let disclosed = disclosed_by(events);
    Ok(Json(DisclosureState {
        party: seat.name,
        disclose: req.disclose,
        all_disclosed: state.negotiators.iter().all(|n| disclosed.contains(n)),
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
    /// The utility vectors of the offers of the trace, in order.
    pub offers: Vec<Vec<f64>>,
}

/// Answer of `GET /sessions/{id}/mediator`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MediatorView {
    pub status: String,
    pub round: u64,
    pub turn: Option<String>,
    pub negotiators: Vec<String>,
    /// Negotiators who currently disclose their preferences.
    pub disclosed: Vec<String>,
    pub offers: Vec<TraceOffer>,
    /// Present only for a mediator's token once every negotiator discloses.
    pub utility_space: Option<UtilitySpace>,
}

#[utoipa::path(get, path = "/sessions/{id}/mediator", params(("id" = String, Path)), responses(
    (status = 200, body = MediatorView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)),
    security(("viewer_token" = []), ("admin_token" = [])))]
pub(crate) async fn mediator_view(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<MediatorView>, ApiError> {
    let session = load_session(&app, &id).await?;
    let is_mediator = match authorize(&session, &headers)? {
        Caller::Negotiator(_) => {
            return Err(ApiError::forbidden(
                "the mediator view is for mediators, observers and the admin; negotiators use /offers",
            ));
        }
        Caller::Viewer { role, .. } => role == "mediator",
        Caller::Admin => false,
    };
    let mut conn = app.pool.acquire().await?;
    let entries = load_entries(&mut conn, &id).await?;
    drop(conn);
    let (state, moves) = replay(&session, &entries)?;
    let disclosed = disclosed_by(events_of(&entries)?);
    let all = state.negotiators.iter().all(|n| disclosed.contains(n));
    let sc = &session.scenario;
    let offers: Vec<(TraceOffer, Vec<u32>)> = moves
        .into_iter()
        .filter_map(|m| {
            m.offer.map(|o| {
                (
                    TraceOffer {
                        seq: m.seq,
                        round: m.round,
                        party: m.party,
                        offer: package(sc, &o),
                    },
                    o,
                )
            })
        })
        .collect();
    let utility_space = if is_mediator && all {
        let outcomes: Vec<Vec<u32>> = offers.iter().map(|(_, o)| o.clone()).collect();
        let scenario = session.scenario;
        let space = tokio::task::spawn_blocking(move || utility_space(&scenario, &outcomes))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::unprocessable)?;
        Some(space)
    } else {
        None
    };
    Ok(Json(MediatorView {
        status: status_of(&state).to_string(),
        round: state.round(),
        turn: state
            .finished
            .is_none()
            .then(|| state.negotiators[state.turn()].clone()),
        negotiators: state.negotiators,
        disclosed,
        offers: offers.into_iter().map(|(t, _)| t).collect(),
        utility_space,
    }))
}

fn utility_space(scenario: &Scenario, offers: &[Vec<u32>]) -> Result<UtilitySpace, String> {
    let negotiators = scenario.negotiators();
    let all = |o: &[u32]| -> Vec<f64> {
        negotiators
            .iter()
            .map(|&p| own_utility(scenario, p, o))
            .collect()
    };
    let analysis = analyze(scenario, &AnalysisOptions::default()).map_err(|e| e.to_string())?;
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
        offers: offers.iter().map(|o| all(o)).collect(),
    })
}

// ---------------------------------------------------------------- certificate

/// Answer of `GET /sessions/{id}/certificate`.
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
    let cert =
        tokio::task::spawn_blocking(move || compute(&scenario, &agreement, round, &disclosed))
            .await
            .map_err(ApiError::internal)?
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
    (status = 409, body = ErrorBody)),
    security(("party_token" = []), ("viewer_token" = []), ("admin_token" = [])))]
pub(crate) async fn get_certificate(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<CertificateView>, ApiError> {
    let session = load_session(&app, &id).await?;
    let caller = authorize(&session, &headers)?;
    let certificate = ensure_certificate(&app, &session).await?;
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
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
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
        record: Record {
            session_id: id,
            events: entries,
        },
    }))
}
