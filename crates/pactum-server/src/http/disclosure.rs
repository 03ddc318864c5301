//! `PUT /sessions/{id}/disclosure` (a negotiator's own, revocable choice
//! to disclose its preferences to the session's mediator, recorded and
//! published) and `GET /sessions/{id}/disclosure` (who discloses, never
//! what, for every token of the session).

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use pactum_core::Scenario;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::certified::disclosed_by;
use crate::http::auth::{Caller, authorize, authorize_party};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::json_body;
use crate::mediation::mediator_of;
use crate::sessions::AppState;
use crate::sessions::cache::load_session;
use crate::sessions::records::{self, events_of, read_log};
use crate::sessions::replay::replay;

/// Whether `caller` is the session's mediator: a mediator party's token
/// when the scenario names one, the admin token otherwise.
pub(crate) fn is_session_mediator(scenario: &Scenario, caller: &Caller) -> bool {
    match caller {
        Caller::Negotiator(_) => false,
        Caller::Viewer { role, .. } => role == "mediator",
        Caller::Admin => mediator_of(scenario).is_none(),
    }
}

/// Body of `PUT /sessions/{id}/disclosure`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DisclosureRequest {
    /// Disclose the caller's preferences to the mediator (`true`) or
    /// withdraw that (`false`).
    pub disclose: bool,
}

/// The caller's disclosure choice after the request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct DisclosureState {
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
    let all_disclosed = records::disclose(&app, &session, &seat.name, req.disclose).await?;
    Ok(Json(DisclosureState {
        party: seat.name,
        disclose: req.disclose,
        all_disclosed,
    }))
}

/// Answer of `GET /sessions/{id}/disclosure`: who discloses, never what.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct DisclosureStatus {
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
    let entries = read_log(&app, &id).await?;
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
