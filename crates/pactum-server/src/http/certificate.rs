//! `GET /sessions/{id}/certificate` (the agreement's certificate, issued
//! once and kept in the record; below privacy level `full` only the
//! convener sees its Nash package) and `GET /sessions/{id}/export` (the
//! admin's export of a finished session: its scenario and signed record).

use axum::Json;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::certificate::{Certificate, outcome_of};
use crate::http::auth::{Caller, authorize, authorize_admin};
use crate::http::error::{ApiError, ErrorBody};
use crate::mediation::Export;
use crate::record::Record;
use crate::sessions::AppState;
use crate::sessions::cache::load_session;
use crate::sessions::records::{ensure_certificate, finished_log, scenario_text};
use crate::views::own_utility;

/// Answer of `GET /sessions/{id}/certificate`. Below privacy level `full`,
/// negotiators and viewers get it without the Nash package and the distance
/// to it (the record keeps them).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct CertificateView {
    pub certificate: Certificate,
    /// The caller's own utility of the agreement (negotiators only).
    pub my_utility: Option<f64>,
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
    let entries = finished_log(&app, &session).await?;
    Ok(Json(Export {
        scenario_toml: scenario_text(&app, &id).await?,
        record: app.signed(Record {
            session_id: id,
            events: entries,
            signature: None,
        }),
    }))
}
