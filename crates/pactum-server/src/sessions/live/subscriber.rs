//! One subscriber's stream: where it stands in the session's log. Every
//! logged event comes once, in seq order: an event past a gap in seqs, or
//! a channel that dropped events for a slow subscriber, sends it to the
//! committed log first, a page at a time; a reconnecting client's missed
//! events come from the log before the live ones.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use pactum_core::Scenario;
use sqlx::{AnyPool, Row};
use tokio::sync::broadcast;

use super::relay::{subscribe, watch};
use super::suggest::latest_suggestions;
use crate::event::Event;
use crate::sessions::AppState;
use crate::sessions::error::SessionError;
use crate::sessions::published::{Published, published};
use crate::sessions::replay::replay;
use crate::store::log::load_entries;
use crate::store::sessions::Session;

/// Log entries read at a time when a subscriber catches up.
const CATCH_UP_PAGE: i64 = 256;

/// Attempts at reading the log before a catching-up stream gives up and
/// closes (its client may reconnect with `Last-Event-ID` and resume).
const CATCH_UP_ATTEMPTS: u32 = 3;

/// One subscriber's stream: where it stands in the session's log, the log
/// events read back for it and not yet sent, and its receiver of live
/// events.
pub(crate) struct Subscriber {
    pool: AnyPool,
    id: String,
    scenario: Arc<Scenario>,
    /// The subscriber's scenario index when it is a negotiator.
    party: Option<usize>,
    /// Live events; `None` when the negotiation was over at the start.
    rx: Option<broadcast::Receiver<Arc<Published>>>,
    /// The seq of the last log entry sent or read back: a live event up to
    /// it was sent already, or precedes what the subscriber asked for.
    seen: u64,
    /// The round of the last log event sent.
    round: Option<u64>,
    /// The round of the last suggestions sent (those after a round can
    /// come twice: computed for a new subscriber and announced live).
    suggested: Option<u64>,
    /// Log events read back and not yet sent, in seq order.
    backlog: VecDeque<Published>,
    /// Whether the log may hold events after `seen` that the channel
    /// dropped for this subscriber (which fell too far behind) or has not
    /// delivered yet.
    behind: bool,
}

/// Subscribes to the session's events for a subscriber (`party`: its
/// scenario index when it is a negotiator) that saw them up to seq
/// `after` (a reconnecting client's `Last-Event-ID`): subscribed first,
/// so that no move committed from then on is missed, then what it missed
/// read from the log, and for a negotiator the latest suggestions.
pub(crate) async fn open(
    app: &AppState,
    session: &Session,
    party: Option<usize>,
    after: Option<u64>,
) -> Result<Subscriber, SessionError> {
    let id = session.id.clone();
    let scenario = Arc::new(session.scenario.clone());
    let (rx, feed) = subscribe(&app.hub, &id, &scenario);
    watch(&app.hub, &feed).await?;
    drop(feed);
    // Subscribed first, so that no move committed from here on is missed.
    let mut conn = app.pool.acquire().await?;
    let entries = load_entries(&mut conn, &id).await?;
    drop(conn);
    let (state, _) = replay(session, &entries)?;
    let head = entries.last().map_or(0, |e| e.seq);
    // A reconnecting client first gets what it missed.
    let mut backlog: VecDeque<Published> = match after {
        Some(after) => entries
            .iter()
            .filter(|e| e.seq > after)
            .filter_map(|e| {
                published(
                    &scenario,
                    e.seq,
                    serde_json::from_value(e.event.clone()).ok()?,
                )
            })
            .collect(),
        None => VecDeque::new(),
    };
    // Suggestions are not logged: a negotiator joining or rejoining a
    // session in play gets the latest ones, computed afresh.
    if let Some(p) = party
        && state.finished.is_none()
        && let Some(latest) = latest_suggestions(app, session, &entries, p).await
    {
        backlog.push_back(latest);
    }
    Ok(Subscriber {
        pool: app.pool.clone(),
        id,
        scenario,
        party,
        rx: state.finished.is_none().then_some(rx),
        seen: head,
        round: None,
        suggested: None,
        backlog,
        behind: false,
    })
}

impl Subscriber {
    /// The next event for this subscriber, or `None` once the stream is
    /// over (the channel closed, or the log cannot be read).
    pub(crate) async fn next(&mut self) -> Option<Arc<Published>> {
        loop {
            if let Some(e) = self.backlog.pop_front() {
                if self.send(&e) {
                    return Some(Arc::new(e));
                }
                continue;
            }
            if self.behind {
                self.read_back().await?;
                continue;
            }
            match self.rx.as_mut()?.recv().await {
                Ok(e) => {
                    match e.position() {
                        Some((seq, _)) if seq <= self.seen => {
                            continue; // sent already (read back from the log)
                        }
                        // Entries committed between the last one seen and
                        // this one have not come through the channel (yet):
                        // events published after their commits may arrive
                        // out of order, and some entries are not events. The
                        // log, which holds this one too, says which.
                        Some((seq, _)) if seq > self.seen + 1 => {
                            self.behind = true;
                            continue;
                        }
                        _ => {}
                    }
                    if self.send(&e) {
                        return Some(e);
                    }
                }
                // The channel dropped events for this subscriber: they are
                // in the log, and whatever comes next is still received.
                Err(broadcast::error::RecvError::Lagged(_)) => self.behind = true,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// Whether an event is for this subscriber (suggestions are for the
    /// negotiators they were computed for, and only while fresh), noting
    /// how far it got.
    fn send(&mut self, e: &Published) -> bool {
        match e {
            Published::Logged(logged) => {
                let (seq, round) = logged.position();
                self.seen = self.seen.max(seq);
                if round.is_some() {
                    self.round = round;
                }
                true
            }
            // Suggestions after a round older than the one before the last
            // event sent are stale: they can be that late only after a
            // catch-up (or a very slow computation).
            Published::Suggestions { round, .. }
                if self.round.is_some_and(|r| r > round + 1)
                    || self.suggested.is_some_and(|r| r >= *round) =>
            {
                false
            }
            Published::Suggestions { round, by_party } => match self.party {
                Some(p) => {
                    self.suggested = Some(*round);
                    by_party.contains_key(&p)
                }
                None => false,
            },
        }
    }

    /// The session's scenario.
    pub(crate) fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The subscriber's scenario index when it is a negotiator.
    pub(crate) fn party(&self) -> Option<usize> {
        self.party
    }

    /// Reads the next page of the log after `seen` into the backlog;
    /// `None` when the log cannot be read.
    async fn read_back(&mut self) -> Option<()> {
        let mut attempt = 0;
        let rows = loop {
            match sqlx::query(
                "SELECT seq, body FROM events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .bind(&self.id)
            .bind(self.seen as i64)
            .bind(CATCH_UP_PAGE)
            .fetch_all(&self.pool)
            .await
            {
                Ok(rows) => break rows,
                Err(e) if attempt + 1 >= CATCH_UP_ATTEMPTS => {
                    tracing::warn!("reading a session's log for a subscriber: {e}");
                    return None;
                }
                Err(_) => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
                }
            }
        };
        self.behind = rows.len() as i64 == CATCH_UP_PAGE;
        for row in rows {
            let seq = row.get::<i64, _>(0) as u64;
            let body: String = row.get(1);
            if let Ok(event) = serde_json::from_str::<Event>(&body)
                && let Some(p) = published(&self.scenario, seq, event)
            {
                self.backlog.push_back(p);
            }
            self.seen = seq;
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use serde_json::{Value, json};
    use tower::ServiceExt;

    const SCENARIO: &str = r#"
name = "Price"

[[issues]]
name = "price"
type = "integer"
min = 1
max = 10

[[parties]]
name = "Alice"
role = "negotiator"
weights = { price = 1.0 }
values.price = { type = "linear", slope = 1.0, offset = 0.0 }

[[parties]]
name = "Bob"
role = "negotiator"
weights = { price = 1.0 }
values.price = { type = "linear", slope = -1.0, offset = 1.0 }
"#;

    async fn post(app: &axum::Router, uri: &str, token: Option<&str>, body: Value) -> Value {
        let mut req = Request::post(uri).header("content-type", "application/json");
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let res = app
            .clone()
            .oneshot(req.body(Body::from(body.to_string())).unwrap())
            .await
            .unwrap();
        assert!(res.status().is_success(), "{uri}: {}", res.status());
        let bytes = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        serde_json::from_slice(&bytes).unwrap()
    }

    /// Events published after their commits may reach the channel out of
    /// order; the stream still sends every one once, in seq order.
    #[tokio::test]
    async fn events_reaching_the_channel_out_of_order_are_sent_in_order() {
        let db = crate::store::connect("sqlite::memory:").await.unwrap();
        let pool = db.pool.clone();
        let app = crate::http::router::router(db);
        let created = post(
            &app,
            "/sessions",
            None,
            json!({"scenario_toml": SCENARIO, "protocol": "alternating_offers", "deadline_rounds": 10}),
        )
        .await;
        let id = created["session_id"].as_str().unwrap().to_string();
        let token = |i: usize| {
            created["invitations"][i]["token"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let moves = format!("/sessions/{id}/moves");
        for (seat, price) in [(0, 9), (1, 2), (0, 8)] {
            let offer = json!({"kind": "offer", "offer": {"price": price}});
            post(&app, &moves, Some(&token(seat)), offer).await;
        }
        let scenario = crate::store::sessions::parse_scenario(SCENARIO).unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let logged: Vec<Published> = load_entries(&mut conn, &id)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|e| published(&scenario, e.seq, serde_json::from_value(e.event).ok()?))
            .collect();
        drop(conn);
        assert_eq!(logged.len(), 3);
        let seq = |p: &Published| p.position().unwrap().0;

        let (tx, rx) = broadcast::channel(16);
        let mut subscriber = Subscriber {
            pool,
            id,
            scenario: Arc::new(scenario),
            party: None,
            rx: Some(rx),
            seen: seq(&logged[0]) - 1,
            round: None,
            suggested: None,
            backlog: VecDeque::new(),
            behind: false,
        };
        // The third move, then the second, then the first.
        for p in logged.iter().rev() {
            tx.send(Arc::new(p.clone())).unwrap();
        }
        drop(tx);
        let mut sent = Vec::new();
        while let Some(event) = subscriber.next().await {
            sent.push(seq(&event));
        }
        let expected: Vec<u64> = logged.iter().map(seq).collect();
        assert_eq!(sent, expected);
    }
}
