//! `POST /sessions/{id}/suggestions`: the mediator's suggestions for the
//! caller, within the session's privacy level and the server's analysis
//! limits.
//!
//! They wait until every negotiator's preferences are locked; a cause that
//! may name another party is logged, and the caller told only what is
//! public.

use axum::Json;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;

use crate::http::auth::authorize_party;
use crate::http::error::{ApiError, ErrorBody};
use crate::sessions::AppState;
use crate::sessions::cache::load_session;
use crate::views::{Privacy, Suggestions, suggestions_with};

#[utoipa::path(post, path = "/sessions/{id}/suggestions", params(("id" = String, Path)), responses(
    (status = 200, body = Suggestions), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
    (status = 503, description = "Busy with other analyses (Retry-After)", body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn post_suggestions(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Suggestions>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    if session.privacy == Privacy::Off {
        return Err(ApiError::forbidden(
            "the convener turned the mediator's suggestions off for this session (privacy level \"off\")",
        ));
    }
    let entries = crate::sessions::records::read_log(&app, &id).await?;
    // About the standing offer or the draft; in free-form rounds, keeping
    // to the issues settled so far.
    let basis = crate::sessions::basis::suggestion_basis(&session, &entries)?;
    if !basis.unlocked.is_empty() {
        return Err(ApiError::conflict(crate::preferences::waiting_for_locks(
            &basis.unlocked,
        )));
    }
    let result = app
        .limits
        .analyse(move |options| {
            suggestions_with(
                &basis.scenario,
                seat.party,
                basis.standing.as_deref(),
                basis.context,
                options,
            )
        })
        .await?;
    // The cause may name another party or describe its utility: it is
    // logged, and the caller told only what is public.
    result.map(Json).map_err(|cause| {
        tracing::warn!("suggestions not computed: {cause}");
        ApiError::unprocessable(cause.public_message())
    })
}

// ---------------------------------------------------------------- record
