//! The single text as a negotiator sees and votes on it:
//! `GET /sessions/{id}/single_text` and `POST /sessions/{id}/votes`.
//!
//! Only negotiators of a single-text session use these; a negotiator sees
//! who voted on the current proposal, never how, and its own utilities
//! only.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use pactum_core::analysis::Package;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::event::Event;
use crate::http::auth::authorize_party;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::json_body;
use crate::mediators::mediator_name;
use crate::offers::package;
use crate::protocol::RecordedEnd;
use crate::sessions::AppState;
use crate::sessions::cache::load_session;
use crate::sessions::replay::replay_text;
use crate::single_text::{Resolution, SINGLE_TEXT, TextState, proposal_event, stop_text};
use crate::store::sessions::Session;
use crate::views::own_utility;

/// Body of `POST /sessions/{id}/votes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VoteRequest {
    /// Accept (`true`) or veto (`false`) the proposed change.
    pub accept: bool,
    /// The proposal voted on; when given it must be the current one.
    #[serde(default)]
    pub proposal: Option<u64>,
    /// Words sent with the vote, shown to every party and the mediator and
    /// kept in the record. Plain text, at most 500 characters, no control
    /// character but a line break (else 422).
    #[serde(default)]
    pub message: Option<String>,
}

/// Answer to a vote (sent after it is committed): the vote's place in the
/// record, as every move's answer has, and the single text after it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct VoteResponse {
    /// Sequence number of the vote in the session's record.
    pub seq: u64,
    #[serde(flatten)]
    pub text: TextView,
}

/// The single text as one negotiator sees it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct TextView {
    /// "open", "agreement" or "ended".
    pub status: String,
    /// The current proposal's number (= round, 0-based).
    pub proposal: u64,
    pub deadline_rounds: u64,
    #[schema(value_type = Object)]
    pub draft: Package,
    /// The issues the proposal changes (issue → new value): one for
    /// draft-and-vote; every issue while there is no draft.
    #[schema(value_type = Option<Object>)]
    pub change: Option<Package>,
    /// The draft with the change applied.
    #[schema(value_type = Option<Object>)]
    pub proposed_draft: Option<Package>,
    /// Negotiators who have voted on the current proposal (not how).
    pub voted: Vec<String>,
    /// The caller's vote on the current proposal, if cast.
    pub my_vote: Option<bool>,
    /// The caller's utility of the draft (none before there is a draft).
    pub my_utility_draft: Option<f64>,
    pub my_utility_proposed: Option<f64>,
    /// What became of the proposal this vote completed: "adopted" or "vetoed".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub agreement: Option<Package>,
    /// The mediator: "draft_and_vote", "veto", "hill_climbing" or "packages".
    pub mediator: String,
    /// The packages mediator, before its first proposal: the negotiators
    /// whose preferences are not locked yet (it proposes once all are).
    pub waiting_for: Vec<String>,
    /// Why the packages mediator stopped, once it has (e.g. "the mediator
    /// found no package better for everyone: this draft is on the
    /// frontier").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

fn view(session: &Session, state: &TextState, seat: usize, party: usize) -> TextView {
    let sc = &session.scenario;
    let proposed = state.proposed();
    TextView {
        status: match &state.finished {
            None => "open",
            Some(RecordedEnd::Agreement(_)) => "agreement",
            Some(RecordedEnd::Ended(_)) => "ended",
        }
        .into(),
        proposal: state.proposal,
        deadline_rounds: state.deadline_rounds,
        draft: state
            .draft
            .as_ref()
            .map(|d| package(sc, d))
            .unwrap_or_default(),
        change: proposal_event(sc, state).and_then(|e| match e {
            Event::Proposal { change, .. } => Some(change),
            _ => None,
        }),
        proposed_draft: proposed.as_ref().map(|o| package(sc, o)),
        voted: state
            .negotiators
            .iter()
            .zip(&state.votes)
            .filter(|(_, v)| v.is_some())
            .map(|(n, _)| n.clone())
            .collect(),
        my_vote: state.votes.get(seat).copied().flatten(),
        my_utility_draft: state.draft.as_ref().map(|d| own_utility(sc, party, d)),
        my_utility_proposed: proposed.as_ref().map(|o| own_utility(sc, party, o)),
        resolution: None,
        agreement: match &state.finished {
            Some(RecordedEnd::Agreement(o)) => Some(package(sc, o)),
            _ => None,
        },
        mediator: mediator_name(state.mediator.mediator).to_string(),
        waiting_for: state.waiting_for(),
        stopped: state.stop.map(stop_text),
    }
}

fn single_text_only(session: &Session) -> Result<(), ApiError> {
    if session.protocol != SINGLE_TEXT {
        return Err(ApiError::conflict(format!(
            "this session uses {:?}, not {SINGLE_TEXT:?}",
            session.protocol
        )));
    }
    Ok(())
}

#[utoipa::path(get, path = "/sessions/{id}/single_text", params(("id" = String, Path)), responses(
    (status = 200, body = TextView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn get_text(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<TextView>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    single_text_only(&session)?;
    let entries = crate::sessions::records::read_log(&app, &id).await?;
    let state = replay_text(&session, &entries)?;
    Ok(Json(view(&session, &state, seat.seat, seat.party)))
}

#[utoipa::path(post, path = "/sessions/{id}/votes", params(("id" = String, Path)), request_body = VoteRequest,
    responses(
    (status = 200, body = VoteResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("party_token" = [])))]
pub(crate) async fn post_vote(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<VoteRequest>, JsonRejection>,
) -> Result<Json<VoteResponse>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    single_text_only(&session)?;
    let req = json_body(body)?;
    let message = crate::words::check_message("message", req.message.as_deref())
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let voted = crate::sessions::single_text::vote(
        &app,
        &session,
        &seat,
        req.accept,
        req.proposal,
        message,
    )
    .await?;
    let mut out = view(&session, &voted.state, seat.seat, seat.party);
    out.resolution = voted.resolution.map(|r| {
        match r {
            Resolution::Adopted => "adopted",
            Resolution::Vetoed => "vetoed",
        }
        .into()
    });
    Ok(Json(VoteResponse {
        seq: voted.seq,
        text: out,
    }))
}
