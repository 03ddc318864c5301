//! `GET /sessions/{id}/events`: a session's events as server-sent events,
//! each rendered for the subscriber's own token (a negotiator sees its own
//! utility only, never anyone else's; a move's words travel with it, as
//! the record keeps them); the stream closes once the
//! negotiation is over, or when the server shuts down. The stream's
//! position in the log and the live channel are the service's
//! (`sessions::live`). Opening a stream also takes up an `llm` bot's turn
//! that no task of this process heard of (`sessions::bots`).

use std::convert::Infallible;

use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::Stream;
use pactum_core::analysis::Package;
use pactum_core::{Outcome, Scenario};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::auth::{Caller, authorize};
use crate::http::error::{ApiError, ErrorBody};
use crate::offers::package;
use crate::protocol::MoveKind;
use crate::sessions::AppState;
use crate::sessions::cache::load_session;
use crate::sessions::published::{Logged, Published};
use crate::views::own_utility;

/// A `move` event as one subscriber sees it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MoveEvent {
    pub seq: u64,
    pub round: u64,
    pub party: String,
    pub kind: MoveKind,
    /// The offered package (offers only).
    #[schema(value_type = Option<Object>)]
    pub offer: Option<pactum_core::analysis::Package>,
    /// The subscriber's own utility of the offer (negotiators only).
    pub my_utility: Option<f64>,
    /// Words the mover sent with the move (a person's, or an `llm` bot's),
    /// as the record keeps them: plain text of at most 500 characters,
    /// JSON-escaped here and to be shown as text; omitted when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// An `agreement` event as one subscriber sees it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AgreementEvent {
    pub seq: u64,
    pub round: u64,
    #[schema(value_type = Object)]
    pub offer: pactum_core::analysis::Package,
    /// The subscriber's own utility of the agreement (negotiators only).
    pub my_utility: Option<f64>,
}

/// An `ended` event.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EndedEvent {
    pub seq: u64,
    pub round: u64,
    pub reason: String,
}

/// A `partial_move` event (partial rounds).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PartialMoveEvent {
    pub seq: u64,
    pub round: u64,
    pub party: String,
    pub kind: MoveKind,
    /// The proposed issues (offers only).
    #[schema(value_type = Option<Object>)]
    pub offer: Option<Package>,
    /// The proposal accepted (acceptances only).
    pub proposal: Option<u64>,
    /// Words the mover sent with the move, as the record keeps them
    /// (JSON-escaped here, to be shown as text); omitted when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A `settled` event (partial rounds): the issues of proposal `proposal`
/// are settled.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SettledEvent {
    pub seq: u64,
    pub round: u64,
    pub proposal: u64,
    #[schema(value_type = Object)]
    pub issues: Package,
}

/// A `vote` event (single text): `party` voted on proposal `proposal`.
/// How it voted is not published.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct VoteEvent {
    pub seq: u64,
    pub proposal: u64,
    pub party: String,
}

/// A `proposal` event (single text): the mediator proposes `change` to the
/// draft standing as `draft`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProposalEvent {
    pub seq: u64,
    pub proposal: u64,
    #[schema(value_type = Object)]
    pub draft: Package,
    #[schema(value_type = Object)]
    pub change: Package,
}

/// A `disclosure` event: negotiator `party` now discloses its preferences
/// to the session's mediator (`disclose`), or no longer does. Every
/// subscriber gets it; the preferences themselves never travel.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DisclosureEvent {
    pub seq: u64,
    pub party: String,
    pub disclose: bool,
}

/// Renders a published event for a subscriber (`party`: its scenario index
/// when it is a negotiator). Returns the event and whether it ends the
/// stream, or `None` when the event is not for this subscriber.
fn render(scenario: &Scenario, party: Option<usize>, e: &Published) -> Option<(SseEvent, bool)> {
    match e {
        Published::Suggestions { by_party, .. } => {
            let data = by_party.get(&party?)?;
            Some((SseEvent::default().event("suggestions").data(data), false))
        }
        Published::Logged(logged) => Some(render_logged(scenario, party, logged)),
    }
}

/// Renders a log entry's event for a subscriber (`party` as in [`render`]):
/// the event and whether it ends the stream.
fn render_logged(scenario: &Scenario, party: Option<usize>, e: &Logged) -> (SseEvent, bool) {
    let mine = |o: &Outcome| party.map(|p| own_utility(scenario, p, o));
    let (name, data, last) = match e {
        Logged::Move {
            seq,
            round,
            party: who,
            kind,
            offer,
            message,
        } => (
            "move",
            serde_json::to_string(&MoveEvent {
                seq: *seq,
                round: *round,
                party: who.clone(),
                kind: *kind,
                offer: offer.as_ref().map(|o| package(scenario, o)),
                my_utility: offer.as_ref().and_then(mine),
                message: message.clone(),
            }),
            false,
        ),
        Logged::Agreement { seq, round, offer } => (
            "agreement",
            serde_json::to_string(&AgreementEvent {
                seq: *seq,
                round: *round,
                offer: package(scenario, offer),
                my_utility: mine(offer),
            }),
            true,
        ),
        Logged::Ended { seq, round, reason } => (
            "ended",
            serde_json::to_string(&EndedEvent {
                seq: *seq,
                round: *round,
                reason: reason.clone(),
            }),
            true,
        ),
        Logged::PartialMove {
            seq,
            round,
            party: who,
            kind,
            offer,
            proposal,
            message,
        } => (
            "partial_move",
            serde_json::to_string(&PartialMoveEvent {
                seq: *seq,
                round: *round,
                party: who.clone(),
                kind: *kind,
                offer: offer.clone(),
                proposal: *proposal,
                message: message.clone(),
            }),
            false,
        ),
        Logged::Settled {
            seq,
            round,
            proposal,
            issues,
        } => (
            "settled",
            serde_json::to_string(&SettledEvent {
                seq: *seq,
                round: *round,
                proposal: *proposal,
                issues: issues.clone(),
            }),
            false,
        ),
        Logged::Vote {
            seq,
            round,
            party: who,
        } => (
            "vote",
            serde_json::to_string(&VoteEvent {
                seq: *seq,
                proposal: *round,
                party: who.clone(),
            }),
            false,
        ),
        Logged::Proposal {
            seq,
            round,
            draft,
            change,
        } => (
            "proposal",
            serde_json::to_string(&ProposalEvent {
                seq: *seq,
                proposal: *round,
                draft: draft.clone(),
                change: change.clone(),
            }),
            false,
        ),
        Logged::Disclosure {
            seq,
            party: who,
            disclose,
        } => (
            "disclosure",
            serde_json::to_string(&DisclosureEvent {
                seq: *seq,
                party: who.clone(),
                disclose: *disclose,
            }),
            false,
        ),
    };
    let (seq, _) = e.position();
    (
        SseEvent::default()
            .event(name)
            .id(seq.to_string())
            .data(data.unwrap_or_default()),
        last,
    )
}

/// The seq of the last event a reconnecting client saw, from the standard
/// `Last-Event-ID` header (`None` if absent or not a seq).
fn last_event_id(headers: &HeaderMap) -> Option<u64> {
    headers
        .get("last-event-id")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// One server-sent event of the stream, as on the wire (the OpenAPI schema
/// of each event; never built).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct StreamEvent {
    /// `move`, `agreement`, `ended`, `suggestions`, `partial_move`,
    /// `settled`, `vote`, `proposal` or `disclosure`.
    event: String,
    /// The seq of the event's log entry (none for `suggestions`).
    id: Option<String>,
    /// The event named, as JSON (MoveEvent, AgreementEvent, …).
    data: String,
}

#[utoipa::path(get, path = "/sessions/{id}/events", params(("id" = String, Path),
        ("Last-Event-ID" = Option<u64>, Header, nullable = false, description = "Resume after this event: the `id` (the log seq) of the last event received; the stream first sends the events committed after it, from the log (a value that is not a seq is ignored)")),
    responses(
    (status = 200, description = "Server-sent events: `move` (MoveEvent), `agreement` (AgreementEvent) and `ended` (EndedEvent); with auto_suggest, `suggestions` (SuggestionsEvent, negotiators only) after each round; in partial-rounds sessions `partial_move` (PartialMoveEvent) and `settled` (SettledEvent); in single-text sessions `vote` (VoteEvent: who voted, not how) and `proposal` (ProposalEvent: the mediator's next proposal); in every session `disclosure` (DisclosureEvent: who now discloses its preferences to the mediator, or withdrew, never what); all as they are committed; the stream closes when the negotiation is over. Every event but `suggestions` has the seq of its log entry as its SSE `id` and comes once, in seq order; a subscriber that falls behind catches up from the log. With `Last-Event-ID`, the events after that seq are sent first. Suggestions are not logged: a negotiator subscribing to a session in play is sent the latest ones (after the last round completed) right after any missed events",
        content_type = "text/event-stream", body = StreamEvent),
    (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 429, description = "The session has as many streams open as it may (Retry-After)", body = ErrorBody),
    (status = 503, description = "The server has as many streams open as it may (Retry-After)", body = ErrorBody)),
    security(("party_token" = []), ("viewer_token" = []), ("admin_token" = [])))]
pub(crate) async fn events(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let session = load_session(&app, &id).await?;
    let party = match authorize(&session, &headers)? {
        Caller::Negotiator(seat) => Some(seat.party),
        Caller::Viewer { .. } | Caller::Admin => None,
    };
    // A place among the open streams, kept for as long as this one is.
    let place = app.limits.subscribe(&id)?;
    let after = last_event_id(&headers);
    let subscriber = crate::sessions::live::open(&app, &session, party, after).await?;
    // An llm bot's turn no task of this process heard of is taken up now.
    crate::sessions::bots::wake_llm_bots(&app, &session);
    let stream = futures_util::stream::unfold(Some(subscriber), |subscriber| async move {
        let mut subscriber = subscriber?;
        loop {
            let e = subscriber.next().await?;
            if let Some((event, last)) = render(subscriber.scenario(), subscriber.party(), &e) {
                return Some((Ok(event), (!last).then_some(subscriber)));
            }
        }
    });
    let stream = futures_util::StreamExt::map(stream, move |event| {
        let _ = &place;
        event
    });
    // The stream also ends when the server shuts down.
    let mut closing = app.hub.closing();
    let closed = async move {
        let _ = closing.wait_for(|&closed| closed).await;
    };
    Ok(
        Sse::new(futures_util::StreamExt::take_until(stream, closed))
            .keep_alive(KeepAlive::default()),
    )
}
