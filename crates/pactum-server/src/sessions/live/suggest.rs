//! Automatic suggestions (sessions created with `auto_suggest`): after a
//! round, each negotiator subscribed gets the mediator's suggestions with
//! only its own utilities. They are not logged. On SQLite one background
//! task per session computes them round after round, in order; on
//! PostgreSQL the round is announced and every process with subscribers
//! computes its own subscribers' (see `relay`). Suggestions are advisory:
//! a failure drops them.

use std::collections::HashMap;
use std::sync::Arc;

use pactum_core::{Outcome, Scenario};
use serde::Serialize;
use sqlx::{AnyPool, Row};
use tokio::sync::mpsc;
use utoipa::ToSchema;

use super::hub::{Hub, SuggestJob};
use crate::event::Event;
use crate::limits::Limits;
use crate::record::RecordEntry;
use crate::sessions::AppState;
use crate::sessions::basis::suggestion_basis;
use crate::sessions::cache::load_session;
use crate::sessions::published::Published;
use crate::sessions::replay::replay;
use crate::store::log::load_entries;
use crate::store::sessions::Session;
use crate::views::{Privacy, SuggestionContext, Suggestions, suggestions_with};

/// PostgreSQL: announces suggestions after round `$3` of session `$1`, as
/// of log entry `$2`, if some process watches the session.
const NOTIFY_SUGGESTIONS: &str = "SELECT count(pg_notify('pactum_events', s.id || ' ' || $2 || ' ' || $3)) \
     FROM sessions s WHERE s.id = $1 AND s.watched_until > now()";

/// [`NOTIFY_SUGGESTIONS`] as of the log's head.
const NOTIFY_SUGGESTIONS_AT_HEAD: &str = "SELECT count(pg_notify('pactum_events', s.id || ' ' || \
     (SELECT max(seq) FROM events WHERE session_id = s.id)::text || ' ' || $2)) \
     FROM sessions s WHERE s.id = $1 AND s.watched_until > now()";

/// Sessions whose `auto_suggest` flag is remembered beyond which the
/// memory starts afresh.
const MAX_REMEMBERED: usize = 10_000;

/// A `suggestions` event: the mediator's suggestions after a round, with
/// only the subscriber's own utilities.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SuggestionsEvent {
    /// The round just completed (0-based).
    pub round: u64,
    #[serde(flatten)]
    pub suggestions: Suggestions,
}

/// Whether the session was created with `auto_suggest` (remembered: it
/// never changes). `None` when the log cannot be read.
async fn auto_suggest_on(app: &AppState, session: &Session) -> Option<bool> {
    if let Some(&on) = app.hub.auto_suggest.lock().unwrap().get(&session.id) {
        return Some(on);
    }
    let first = sqlx::query("SELECT body FROM events WHERE session_id = $1 AND seq = 0")
        .bind(&session.id)
        .fetch_one(&app.pool)
        .await
        .ok()?;
    let body: String = first.get(0);
    let on = matches!(
        serde_json::from_str::<Event>(&body),
        Ok(Event::Created {
            auto_suggest: true,
            ..
        })
    );
    let mut known = app.hub.auto_suggest.lock().unwrap();
    if known.len() >= MAX_REMEMBERED {
        known.clear();
    }
    known.insert(session.id.clone(), on);
    Some(on)
}

/// Alternating offers: after moves made from round `from_round` on, streams
/// suggestions (see [`auto_suggest`]) if they completed a round.
pub(crate) async fn auto_suggest_after_moves(app: &AppState, session: &Session, from_round: u64) {
    let relays = app.hub.relays();
    // SQLite: nobody else can be watching. PostgreSQL: subscribers may be
    // in other processes, so the (remembered) flag is the cheap check.
    let worth_it = if relays {
        auto_suggest_on(app, session).await == Some(true)
    } else {
        app.hub.has_subscribers(&session.id)
    };
    if !worth_it {
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
        if relays {
            let head = entries.last().map_or(0, |e| e.seq);
            announce_suggestions(app, session, round, Some(head)).await;
        } else {
            let standing = state.standing.map(|(_, o)| o);
            auto_suggest(app, session, round, || (session.scenario.clone(), standing)).await;
        }
    }
}

/// After round `round` of a session created with `auto_suggest`, computes
/// every negotiator's suggestions on what `basis` gives (the scenario, in
/// free-form rounds with its settled issues fixed, and the package they
/// improve on, if any) and streams each its own as a `suggestions` event. Does nothing when nobody
/// is subscribed; failures are dropped (suggestions are advisory). On
/// PostgreSQL the round is announced instead, and each process with
/// subscribers computes them (see the module documentation).
pub(crate) async fn auto_suggest(
    app: &AppState,
    session: &Session,
    round: u64,
    basis: impl FnOnce() -> (Scenario, Option<Outcome>),
) {
    if app.hub.relays() {
        if auto_suggest_on(app, session).await == Some(true) {
            announce_suggestions(app, session, round, None).await;
        }
        return;
    }
    if !app.hub.has_subscribers(&session.id) {
        return;
    }
    if auto_suggest_on(app, session).await != Some(true) {
        return;
    }
    let (scenario, standing) = basis();
    let parties = scenario.negotiators();
    // A completed round means every negotiator has moved, so every
    // negotiator's preferences are locked.
    let context =
        SuggestionContext::of(&session.scenario, &session.protocol, session.privacy, false);
    // Computed in the background: the move that completed the round is
    // acknowledged without waiting for them.
    queue_suggestions(
        &app.hub,
        &session.id,
        SuggestJob {
            round,
            scenario,
            standing,
            parties,
            context,
        },
    );
}

/// SQLite: queues `job` for the session's suggestions task, starting one
/// if it has none.
fn queue_suggestions(hub: &Arc<Hub>, session_id: &str, job: SuggestJob) {
    let mut queues = hub.suggesters.lock().unwrap();
    let job = match queues.get(session_id) {
        Some(queue) => match queue.send(job) {
            Ok(()) => return,
            Err(mpsc::error::SendError(job)) => job,
        },
        None => job,
    };
    let (queue, jobs) = mpsc::unbounded_channel();
    let _ = queue.send(job);
    queues.insert(session_id.to_string(), queue);
    tokio::spawn(suggest_in_order(hub.clone(), session_id.to_string(), jobs));
}

/// SQLite: computes a session's queued suggestions one round after
/// another and streams them, until its queue is empty.
async fn suggest_in_order(
    hub: Arc<Hub>,
    id: String,
    mut jobs: mpsc::UnboundedReceiver<SuggestJob>,
) {
    loop {
        let job = match jobs.try_recv() {
            Ok(job) => job,
            Err(_) => {
                // Checked again under the lock that queueing takes: a job
                // queued from here on starts a new task.
                let mut queues = hub.suggesters.lock().unwrap();
                match jobs.try_recv() {
                    Ok(job) => job,
                    Err(_) => {
                        queues.remove(&id);
                        return;
                    }
                }
            }
        };
        if !hub.has_subscribers(&id) {
            continue;
        }
        let SuggestJob {
            round,
            scenario,
            standing,
            parties,
            context,
        } = job;
        let computed =
            compute_suggestions(&hub.limits, scenario, round, standing, parties, context);
        if let Some(by_party) = computed.await {
            hub.send(&id, vec![Published::Suggestions { round, by_party }]);
        }
    }
}

/// The suggestions event after round `round` of each of `parties`
/// (negotiators' scenario indices), by party; none at privacy level `off`.
async fn compute_suggestions(
    limits: &Limits,
    scenario: Scenario,
    round: u64,
    standing: Option<Outcome>,
    parties: Vec<usize>,
    context: SuggestionContext,
) -> Option<HashMap<usize, String>> {
    if context.privacy == Privacy::Off {
        return None;
    }
    let computed = limits
        .analyse(move |options| {
            let mut by_party = HashMap::new();
            for p in parties {
                let s = suggestions_with(&scenario, p, standing.as_deref(), context, options)?;
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
    match computed {
        Ok(Ok(by_party)) => Some(by_party),
        Ok(Err(e)) => {
            tracing::debug!("suggestions not streamed: {e}");
            None
        }
        Err(e) => {
            tracing::debug!("suggestions not streamed: {}", e);
            None
        }
    }
}

/// PostgreSQL: notifies the processes watching the session that round
/// `round` completed with log entry `seq` (by default, the log's head).
async fn announce_suggestions(app: &AppState, session: &Session, round: u64, seq: Option<u64>) {
    let query = match seq {
        Some(seq) => sqlx::query(NOTIFY_SUGGESTIONS)
            .bind(&session.id)
            .bind(seq.to_string())
            .bind(round.to_string()),
        None => sqlx::query(NOTIFY_SUGGESTIONS_AT_HEAD)
            .bind(&session.id)
            .bind(round.to_string()),
    };
    if let Err(e) = query.execute(&app.pool).await {
        tracing::warn!("announcing suggestions: {e}");
    }
}

/// The suggestions after round `round`, as of log entry `seq`, computed
/// from the preferences stored now.
pub(super) async fn suggestions_at(
    pool: &AnyPool,
    limits: &Limits,
    id: &str,
    seq: u64,
    round: u64,
) -> Option<Published> {
    let session = load_session(pool, id).await.ok()?;
    let mut conn = pool.acquire().await.ok()?;
    let mut entries = load_entries(&mut conn, id).await.ok()?;
    drop(conn);
    entries.retain(|e| e.seq <= seq);
    let basis = suggestion_basis(&session, &entries).ok()?;
    if !basis.unlocked.is_empty() {
        return None;
    }
    let parties = basis.scenario.negotiators();
    let by_party = compute_suggestions(
        limits,
        basis.scenario,
        round,
        basis.standing,
        parties,
        basis.context,
    )
    .await?;
    Some(Published::Suggestions { round, by_party })
}

/// The suggestions a negotiator who (re)subscribes to a session created
/// with `auto_suggest` is owed: those after the last round completed, as
/// the log stands (`None` before the first round, or once it is over).
pub(super) async fn latest_suggestions(
    app: &AppState,
    session: &Session,
    entries: &[RecordEntry],
    party: usize,
) -> Option<Published> {
    if auto_suggest_on(app, session).await != Some(true) {
        return None;
    }
    let basis = suggestion_basis(session, entries).ok()?;
    let round = basis.last_round.filter(|_| !basis.finished)?;
    if !basis.unlocked.is_empty() {
        return None;
    }
    let by_party = compute_suggestions(
        &app.limits,
        basis.scenario,
        round,
        basis.standing,
        vec![party],
        basis.context,
    )
    .await?;
    Some(Published::Suggestions { round, by_party })
}
