//! Live updates: `GET /sessions/{id}/events` streams a session's moves as
//! server-sent events.
//!
//! Each committed move (and the agreement or end it brings) is published on
//! a per-session broadcast channel of this process; each subscriber turns it
//! into what its own token may see: the package, and for a negotiator its
//! own utility of it — never anyone else's. The stream closes once the
//! negotiation is over. (With several server processes on one PostgreSQL
//! database, a subscriber sees the moves committed through its own process.)

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::Stream;
use pactum_core::analysis::Package;
use pactum_core::{Outcome, Scenario};
use serde::Serialize;
use tokio::sync::broadcast;
use utoipa::ToSchema;

use crate::api::{AppState, Caller, Session, authorize, load_entries, load_session, replay};
use crate::error::{ApiError, ErrorBody};
use crate::protocol::{MoveKind, package};
use crate::views::{Suggestions, own_utility, suggestions};

/// Events buffered per session for slow subscribers.
const CHANNEL_CAPACITY: usize = 256;

/// What happened, as published to every subscriber of the session.
#[derive(Debug, Clone)]
pub enum Published {
    Move {
        seq: u64,
        round: u64,
        party: String,
        kind: MoveKind,
        offer: Option<Outcome>,
    },
    Agreement {
        seq: u64,
        round: u64,
        offer: Outcome,
    },
    Ended {
        seq: u64,
        round: u64,
        reason: String,
    },
    /// Partial rounds: a move (see `crate::partial`).
    PartialMove {
        seq: u64,
        round: u64,
        party: String,
        kind: MoveKind,
        offer: Option<Package>,
        proposal: Option<u64>,
    },
    /// Mediator suggestions after round `round`: each negotiator's, as the
    /// JSON of its `suggestions` event, by scenario party index.
    Suggestions {
        round: u64,
        by_party: HashMap<usize, String>,
    },
    /// Partial rounds: a proposal every negotiator accepted.
    Settled {
        seq: u64,
        round: u64,
        proposal: u64,
        issues: Package,
    },
}

/// The per-session channels of this process.
#[derive(Default)]
pub struct Hub {
    channels: Mutex<HashMap<String, broadcast::Sender<Arc<Published>>>>,
}

impl Hub {
    pub fn subscribe(&self, session_id: &str) -> broadcast::Receiver<Arc<Published>> {
        let mut map = self.channels.lock().unwrap();
        map.entry(session_id.to_string())
            .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0)
            .subscribe()
    }

    /// Whether anyone in this process watches the session.
    pub fn has_subscribers(&self, session_id: &str) -> bool {
        let map = self.channels.lock().unwrap();
        map.get(session_id)
            .is_some_and(|tx| tx.receiver_count() > 0)
    }

    /// Sends committed events to the session's subscribers, if any.
    pub fn publish(&self, session_id: &str, events: Vec<Published>) {
        let mut map = self.channels.lock().unwrap();
        let Some(tx) = map.get(session_id) else {
            return;
        };
        if tx.receiver_count() == 0 {
            map.remove(session_id);
            return;
        }
        for e in events {
            let _ = tx.send(Arc::new(e));
        }
    }
}

/// A `move` event as one subscriber sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoveEvent {
    pub seq: u64,
    pub round: u64,
    pub party: String,
    pub kind: MoveKind,
    /// The offered package (offers only).
    #[schema(value_type = Option<Object>)]
    pub offer: Option<pactum_core::analysis::Package>,
    /// The subscriber's own utility of the offer (negotiators only).
    pub my_utility: Option<f64>,
}

/// An `agreement` event as one subscriber sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementEvent {
    pub seq: u64,
    pub round: u64,
    #[schema(value_type = Object)]
    pub offer: pactum_core::analysis::Package,
    /// The subscriber's own utility of the agreement (negotiators only).
    pub my_utility: Option<f64>,
}

/// An `ended` event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndedEvent {
    pub seq: u64,
    pub round: u64,
    pub reason: String,
}

/// A `partial_move` event (partial rounds).
#[derive(Debug, Serialize, ToSchema)]
pub struct PartialMoveEvent {
    pub seq: u64,
    pub round: u64,
    pub party: String,
    pub kind: MoveKind,
    /// The proposed issues (offers only).
    #[schema(value_type = Option<Object>)]
    pub offer: Option<Package>,
    /// The proposal accepted (acceptances only).
    pub proposal: Option<u64>,
}

/// A `settled` event (partial rounds): the issues of proposal `proposal`
/// are settled.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettledEvent {
    pub seq: u64,
    pub round: u64,
    pub proposal: u64,
    #[schema(value_type = Object)]
    pub issues: Package,
}

/// A `suggestions` event: the mediator's suggestions after a round, with
/// only the subscriber's own utilities.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionsEvent {
    /// The round just completed (0-based).
    pub round: u64,
    #[serde(flatten)]
    pub suggestions: Suggestions,
}

/// Renders a published event for a subscriber (`party`: its scenario index
/// when it is a negotiator). Returns the event and whether it ends the
/// stream, or `None` when the event is not for this subscriber.
fn render(scenario: &Scenario, party: Option<usize>, e: &Published) -> Option<(SseEvent, bool)> {
    if let Published::Suggestions { by_party, .. } = e {
        let data = by_party.get(&party?)?;
        return Some((SseEvent::default().event("suggestions").data(data), false));
    }
    let mine = |o: &Outcome| party.map(|p| own_utility(scenario, p, o));
    let (name, data, last) = match e {
        Published::Move {
            seq,
            round,
            party: who,
            kind,
            offer,
        } => (
            "move",
            serde_json::to_string(&MoveEvent {
                seq: *seq,
                round: *round,
                party: who.clone(),
                kind: *kind,
                offer: offer.as_ref().map(|o| package(scenario, o)),
                my_utility: offer.as_ref().and_then(mine),
            }),
            false,
        ),
        Published::Agreement { seq, round, offer } => (
            "agreement",
            serde_json::to_string(&AgreementEvent {
                seq: *seq,
                round: *round,
                offer: package(scenario, offer),
                my_utility: mine(offer),
            }),
            true,
        ),
        Published::Ended { seq, round, reason } => (
            "ended",
            serde_json::to_string(&EndedEvent {
                seq: *seq,
                round: *round,
                reason: reason.clone(),
            }),
            true,
        ),
        Published::PartialMove {
            seq,
            round,
            party: who,
            kind,
            offer,
            proposal,
        } => (
            "partial_move",
            serde_json::to_string(&PartialMoveEvent {
                seq: *seq,
                round: *round,
                party: who.clone(),
                kind: *kind,
                offer: offer.clone(),
                proposal: *proposal,
            }),
            false,
        ),
        Published::Settled {
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
        Published::Suggestions { .. } => unreachable!("rendered above"),
    };
    let seq = match e {
        Published::Move { seq, .. }
        | Published::Agreement { seq, .. }
        | Published::Ended { seq, .. }
        | Published::PartialMove { seq, .. }
        | Published::Settled { seq, .. } => *seq,
        Published::Suggestions { .. } => unreachable!("rendered above"),
    };
    Some((
        SseEvent::default()
            .event(name)
            .id(seq.to_string())
            .data(data.unwrap_or_default()),
        last,
    ))
}

/// Alternating offers: after moves made from round `from_round` on, streams
/// suggestions (see [`auto_suggest`]) if they completed a round.
pub(crate) async fn auto_suggest_after_moves(app: &AppState, session: &Session, from_round: u64) {
    if !app.hub.has_subscribers(&session.id) {
        return;
    }
    let Ok(mut conn) = app.pool.acquire().await else {
        return;
    };
    let Ok(entries) = load_entries(&mut conn, &session.id).await else {
        return;
    };
    drop(conn);
    let Ok((state, _)) = replay(session, &entries) else {
        return;
    };
    if state.finished.is_none() && state.round() > from_round {
        let round = state.round() - 1;
        let standing = state.standing.map(|(_, o)| o);
        auto_suggest(app, session, round, standing).await;
    }
}

/// After round `round` of a session created with `auto_suggest`, computes
/// every negotiator's suggestions (improving on `standing`, if given) and
/// streams each its own as a `suggestions` event. Does nothing when nobody
/// is subscribed; failures are dropped (suggestions are advisory).
pub(crate) async fn auto_suggest(
    app: &AppState,
    session: &Session,
    round: u64,
    standing: Option<Outcome>,
) {
    if !app.hub.has_subscribers(&session.id) {
        return;
    }
    let Ok(mut conn) = app.pool.acquire().await else {
        return;
    };
    let Ok(first) = sqlx::query("SELECT body FROM events WHERE session_id = $1 AND seq = 0")
        .bind(&session.id)
        .fetch_one(&mut *conn)
        .await
    else {
        return;
    };
    drop(conn);
    let body: String = sqlx::Row::get(&first, 0);
    let on = matches!(
        serde_json::from_str::<crate::protocol::Event>(&body),
        Ok(crate::protocol::Event::Created {
            auto_suggest: true,
            ..
        })
    );
    if !on {
        return;
    }
    let scenario = session.scenario.clone();
    let computed = tokio::task::spawn_blocking(move || {
        let mut by_party = HashMap::new();
        for p in scenario.negotiators() {
            let s = suggestions(&scenario, p, standing.as_deref())?;
            let json = serde_json::to_string(&SuggestionsEvent {
                round,
                suggestions: s,
            })
            .map_err(|e| e.to_string())?;
            by_party.insert(p, json);
        }
        Ok::<_, String>(by_party)
    })
    .await;
    if let Ok(Ok(by_party)) = computed {
        app.hub.publish(
            &session.id,
            vec![Published::Suggestions { round, by_party }],
        );
    }
}

#[utoipa::path(get, path = "/sessions/{id}/events", params(("id" = String, Path)), responses(
    (status = 200, description = "Server-sent events: `move` (MoveEvent), `agreement` (AgreementEvent) and `ended` (EndedEvent); with auto_suggest, `suggestions` (SuggestionsEvent, negotiators only) after each round; in partial-rounds sessions `partial_move` (PartialMoveEvent) and `settled` (SettledEvent), as the moves are committed; the stream closes when the negotiation is over",
        content_type = "text/event-stream", body = String),
    (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("party_token" = []), ("admin_token" = [])))]
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
    let rx = app.hub.subscribe(&id);
    // Subscribed first, so that no move committed from here on is missed.
    let mut conn = app.pool.acquire().await?;
    let entries = load_entries(&mut conn, &id).await?;
    drop(conn);
    let (state, _) = replay(&session, &entries)?;
    let rx = state.finished.is_none().then_some(rx);
    let scenario = Arc::new(session.scenario);
    let stream = futures_util::stream::unfold(rx, move |rx| {
        let scenario = scenario.clone();
        async move {
            let mut rx = rx?;
            let event = loop {
                match rx.recv().await {
                    Ok(e) => {
                        let Some((event, last)) = render(&scenario, party, &e) else {
                            continue;
                        };
                        return Some((Ok(event), (!last).then_some(rx)));
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        break SseEvent::default()
                            .event("lagged")
                            .data(format!("{{\"missed\":{n}}}"));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            };
            Some((Ok(event), Some(rx)))
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
