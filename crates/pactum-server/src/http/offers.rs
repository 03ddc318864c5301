//! `GET /sessions/{id}/offers`: the offers made so far, each with the
//! caller's own utility only.

use axum::Json;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use pactum_core::analysis::Package;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::authorize_party;
use crate::http::error::{ApiError, ErrorBody};
use crate::offers::package;
use crate::sessions::AppState;
use crate::sessions::cache::load_session;
use crate::sessions::replay::replay;
use crate::views::own_utility;

/// One offer of the history, with only the caller's utility of it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct OfferView {
    pub seq: u64,
    pub round: u64,
    /// Who made the offer.
    pub party: String,
    #[schema(value_type = Object)]
    pub offer: Package,
    pub my_utility: f64,
}

#[utoipa::path(get, path = "/sessions/{id}/offers", params(("id" = String, Path)), responses(
    (status = 200, body = [OfferView]), (status = 401, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn offers(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Vec<OfferView>>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    let entries = crate::sessions::records::read_log(&app, &id).await?;
    let (_, moves) = replay(&session, &entries)?;
    let sc = &session.scenario;
    Ok(Json(
        moves
            .into_iter()
            .filter_map(|m| {
                m.offer.map(|o| OfferView {
                    seq: m.seq,
                    round: m.round,
                    party: m.party,
                    offer: package(sc, &o),
                    my_utility: own_utility(sc, seat.party, &o),
                })
            })
            .collect(),
    ))
}

// ---------------------------------------------------------------- suggestions
