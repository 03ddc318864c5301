//! PostgreSQL: how committed events reach this process's subscribers.
//! One listener task per process (`LISTEN pactum_events`) hands each
//! notification to the session's relay task, which reads the committed
//! entries after the last one it relayed and sends them in seq order, so
//! nothing is relayed twice or skipped. Watch marks are renewed every
//! [`RENEW_EVERY`], and every (re)connection of the listener reads the
//! watched logs again, so a lost notification delays an event but never
//! drops it.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use pactum_core::Scenario;
use sqlx::{AnyPool, Row};
use tokio::sync::{broadcast, mpsc, oneshot};

use super::hub::{Feed, Hub, Job};
use super::suggest::suggestions_at;
use crate::event::Event;
use crate::limits::Limits;
use crate::sessions::error::SessionError;
use crate::sessions::published::{Published, published};

/// The PostgreSQL notification channel of live updates.
pub const NOTIFY_CHANNEL: &str = "pactum_events";

/// PostgreSQL: how long a process's mark that it watches a session lasts
/// unless renewed.
pub(crate) const WATCH_SECONDS: u64 = 60;

/// PostgreSQL: how often a process renews its marks and reads the logs of
/// the sessions it watches for anything a notification did not bring.
pub(crate) const RENEW_EVERY: Duration = Duration::from_secs(20);

/// PostgreSQL: marks the session watched (taking its row lock, so that a
/// move in progress commits first and every later one notifies).
const WATCH: &str =
    "UPDATE sessions SET watched_until = now() + $2::bigint * interval '1 second' WHERE id = $1";

// ---------------------------------------------------------------- relay (PostgreSQL)

/// A receiver of the session's events and the session's feed, creating its
/// channel and, on PostgreSQL, starting its relay task.
pub(super) fn subscribe(
    hub: &Hub,
    session_id: &str,
    scenario: &Arc<Scenario>,
) -> (broadcast::Receiver<Arc<Published>>, Arc<Feed>) {
    hub.subscribe(session_id, |relay, tx, queue| {
        tokio::spawn(relay_session(
            relay.pool.clone(),
            hub.limits.clone(),
            session_id.to_string(),
            scenario.clone(),
            tx,
            queue,
        ));
    })
}

/// Marks the session watched by this process (for a first subscriber
/// here, relaying starts after the log's head), starting the listener if
/// need be.
pub(super) async fn watch(hub: &Arc<Hub>, feed: &Feed) -> Result<(), SessionError> {
    let Some(relay) = &hub.relay else {
        return Ok(());
    };
    start_listening(hub);
    // Moves committed before the listener listens are read from the log
    // once it does, but suggestions announced meanwhile would be lost: the
    // stream starts once it listens (or, should it fail to, a while later).
    let mut listening = relay.listening.subscribe();
    let _ = tokio::time::timeout(LISTEN_WAIT, listening.wait_for(|l| *l)).await;
    let (reply, done) = oneshot::channel();
    feed.queue(Job::Watch(reply));
    done.await
        .map_err(|_| SessionError::Stopped("the live updates relay"))?
}

async fn mark_watched(pool: &AnyPool, session_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(WATCH)
        .bind(session_id)
        .bind(WATCH_SECONDS as i64)
        .execute(pool)
        .await?;
    Ok(())
}

/// Starts this process's listener and renewal tasks, once. They stop when
/// the hub is gone.
fn start_listening(hub: &Arc<Hub>) {
    let Some(relay) = &hub.relay else {
        return;
    };
    if relay.started.swap(true, Ordering::SeqCst) {
        return;
    }
    tokio::spawn(listen(Arc::downgrade(hub), relay.url.clone()));
    tokio::spawn(renew(Arc::downgrade(hub)));
}

/// Longest wait of a new subscriber for the listener to listen.
const LISTEN_WAIT: Duration = Duration::from_secs(5);

/// Shortest and longest wait before the listener connects again.
const RETRY_MIN: Duration = Duration::from_millis(100);
const RETRY_MAX: Duration = Duration::from_secs(5);

/// The listener task: hands each notification to the session's relay task.
/// Whenever it (re)connects, it has every watched session caught up from
/// the log, since notifications sent while it was away are lost.
async fn listen(hub: Weak<Hub>, url: String) {
    let mut wait = RETRY_MIN;
    let mut failing = false;
    loop {
        match connect_listener(&url).await {
            Ok(mut listener) => {
                if failing {
                    tracing::info!("listening for live updates again");
                }
                wait = RETRY_MIN;
                let Some(h) = hub.upgrade() else { return };
                if let Some(relay) = &h.relay {
                    relay.listening.send_replace(true);
                }
                catch_up(&h);
                drop(h);
                loop {
                    match listener.try_recv().await {
                        Ok(Some(n)) => {
                            let Some(h) = hub.upgrade() else { return };
                            on_notification(&h, n.payload());
                        }
                        // The connection was lost and is back (LISTEN
                        // included): whatever was missed is in the log.
                        Ok(None) => {
                            let Some(h) = hub.upgrade() else { return };
                            catch_up(&h);
                        }
                        Err(e) => {
                            tracing::warn!("live updates listener: {e}");
                            if let Some(h) = hub.upgrade()
                                && let Some(relay) = &h.relay
                            {
                                relay.listening.send_replace(false);
                            }
                            failing = false;
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                if !failing {
                    tracing::warn!("cannot listen for live updates (retrying): {e}");
                }
                failing = true;
            }
        }
        if hub.strong_count() == 0 {
            return;
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(RETRY_MAX);
    }
}

async fn connect_listener(url: &str) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(NOTIFY_CHANNEL).await?;
    Ok(listener)
}

/// Handles a notification: "<session id> <seq>" (log entry `seq` was
/// committed) or "<session id> <seq> <round>" (suggestions after round
/// `round`, completed by entry `seq`).
fn on_notification(hub: &Hub, payload: &str) {
    let mut parts = payload.split(' ');
    let (Some(id), Some(Ok(seq)), round, None) = (
        parts.next(),
        parts.next().map(str::parse::<u64>),
        parts.next().map(str::parse::<u64>),
        parts.next(),
    ) else {
        return;
    };
    let Some(feed) = hub.feed(id) else {
        return;
    };
    match round {
        None => feed.queue(Job::Relay(Some(seq))),
        Some(Ok(round)) => feed.queue(Job::Suggest { seq, round }),
        Some(Err(_)) => {}
    }
}

/// Renews this process's watch marks every [`RENEW_EVERY`], catching up.
async fn renew(hub: Weak<Hub>) {
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        let Some(h) = hub.upgrade() else { return };
        catch_up(&h);
    }
}

/// Has every watched session renew its mark and relay whatever its log
/// holds beyond what was relayed.
fn catch_up(hub: &Hub) {
    for feed in hub.watched() {
        feed.queue(Job::Renew);
    }
}

/// A session's relay task (PostgreSQL): does the jobs queued for it, in
/// order, until its feed is dropped. `relayed` is the seq of the last log
/// entry relayed; `None` until the first subscriber's watch notes the log's
/// head (entries notified before that are part of it).
pub(super) async fn relay_session(
    pool: AnyPool,
    limits: Arc<Limits>,
    id: String,
    scenario: Arc<Scenario>,
    tx: broadcast::Sender<Arc<Published>>,
    mut jobs: mpsc::UnboundedReceiver<Job>,
) {
    let mut relayed: Option<u64> = None;
    while let Some(job) = jobs.recv().await {
        match job {
            Job::Watch(reply) => {
                let started = async {
                    // The mark first: every move committed after the head
                    // read below notifies.
                    mark_watched(&pool, &id).await?;
                    if relayed.is_none() {
                        let head: Option<i64> =
                            sqlx::query_scalar("SELECT max(seq) FROM events WHERE session_id = $1")
                                .bind(&id)
                                .fetch_one(&pool)
                                .await?;
                        relayed = Some(head.unwrap_or(0) as u64);
                    }
                    Ok::<_, SessionError>(())
                }
                .await;
                let _ = reply.send(started);
            }
            Job::Relay(upto) => relay_log(&pool, &id, &scenario, &tx, &mut relayed, upto).await,
            Job::Renew => {
                if let Err(e) = mark_watched(&pool, &id).await {
                    tracing::warn!("renewing the watch of a session: {e}");
                }
                relay_log(&pool, &id, &scenario, &tx, &mut relayed, None).await;
            }
            Job::Suggest { seq, round } => {
                relay_log(&pool, &id, &scenario, &tx, &mut relayed, Some(seq)).await;
                if relayed.is_some()
                    && tx.receiver_count() > 0
                    && let Some(s) = suggestions_at(&pool, &limits, &id, seq, round).await
                {
                    let _ = tx.send(Arc::new(s));
                }
            }
        }
    }
}

/// Relays the session's committed log entries after `relayed` (up to
/// `upto`, if given), in order, and advances `relayed`. On a database
/// error it leaves `relayed` as it was: the next job tries again.
async fn relay_log(
    pool: &AnyPool,
    id: &str,
    scenario: &Scenario,
    tx: &broadcast::Sender<Arc<Published>>,
    relayed: &mut Option<u64>,
    upto: Option<u64>,
) {
    let Some(from) = *relayed else {
        return;
    };
    if upto.is_some_and(|s| s <= from) {
        return;
    }
    let upto = upto.map_or(i64::MAX, |s| s as i64);
    let mut attempt = 0;
    let rows = loop {
        match sqlx::query(
            "SELECT seq, body FROM events WHERE session_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
        )
        .bind(id)
        .bind(from as i64)
        .bind(upto)
        .fetch_all(pool)
        .await
        {
            Ok(rows) => break rows,
            Err(e) if attempt >= 2 => {
                tracing::warn!("reading a session's log for live updates: {e}");
                return;
            }
            Err(_) => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
            }
        }
    };
    for row in rows {
        let seq = row.get::<i64, _>(0) as u64;
        let body: String = row.get(1);
        if let Ok(event) = serde_json::from_str::<Event>(&body)
            && let Some(p) = published(scenario, seq, event)
        {
            let _ = tx.send(Arc::new(p));
        }
        *relayed = Some(seq);
    }
}
