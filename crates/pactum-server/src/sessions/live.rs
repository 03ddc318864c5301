//! Live updates: `GET /sessions/{id}/events` streams a session's moves as
//! server-sent events.
//!
//! Each subscriber turns what happened into what its own token may see: the
//! package, and for a negotiator its own utility of it — never anyone
//! else's. The stream closes once the negotiation is over. Events come from
//! a per-session broadcast channel of the process serving the subscriber;
//! how they get there depends on the backend.
//!
//! Disclosure choices (who discloses to the mediator, or withdrew; never the
//! preferences) are logged and published as moves are, as `disclosure`
//! events to every subscriber.
//!
//! Every event but `suggestions` comes from a log entry, whose seq is its
//! SSE `id`; a subscriber gets them once each, in seq order. The channel
//! holds 256 events (`CHANNEL_CAPACITY`): a subscriber that falls further
//! behind (it does not read, or its client is slow) catches up from the
//! committed log instead of losing events. It reads the entries after the
//! last one it was sent or read back, a page at a time, renders them for
//! its own token just as live ones, and sends them; then it goes on with
//! the channel, skipping whatever it read back. A client that reconnects
//! with the standard `Last-Event-ID` header (the last `id` it saw) likewise
//! first gets the events after that seq, from the log, then the live ones;
//! on either backend and through any server process, since all read the
//! same log. Suggestions are not logged; instead, a negotiator who joins or
//! rejoins a session in play is first sent the latest ones (after the last
//! round completed), computed afresh, so that what it missed while away is
//! superseded rather than lost. Suggestions that arrive after events of a
//! round more than one past their own (possible after a catch-up), or that
//! are not newer than the last ones sent, are stale and dropped.
//!
//! **SQLite** (one process): each committed move (in single text: each vote,
//! without how it went, and the next proposal), and the agreement or end it
//! brings, is published on the channel right after its commit. Automatic
//! suggestions after a round are computed once the move that completed it
//! has been acknowledged, in the background (one task per session, round
//! after round, within the server's analysis budget), so they may come
//! after moves of the next round. Handlers
//! publish after their own commits, so events may reach the channel out of
//! order: a subscriber that receives one past a gap in seqs reads the log
//! first.
//!
//! **PostgreSQL** (possibly several processes on one database, behind a
//! load balancer): the transaction that appends an event subscribers see
//! also sends `NOTIFY pactum_events` with the session id and the event's
//! seq, which PostgreSQL delivers only once that transaction commits. Every
//! process runs one listener task (`LISTEN pactum_events`); on a
//! notification for a session it has subscribers of, it reads that
//! session's committed log entries after the last one it relayed and
//! publishes them. A process's own moves take the same path, so every
//! subscriber gets the events in seq order, with no gaps and no
//! duplicates, whichever process committed them. Payloads carry ids only;
//! what a subscriber sees is read from the database by the process serving
//! it.
//!
//! A transaction that notifies holds a cluster-wide lock through its
//! commit, so notifying commits run one at a time; only watched sessions
//! notify. A process with subscribers marks the session watched
//! (`sessions.watched_until`, set under the session's row lock, so that no
//! concurrent move can miss it) for [`WATCH_SECONDS`] and renews the mark
//! every [`RENEW_EVERY`], reading the log again at each renewal. The
//! listener does the same whenever it (re)connects, so a notification lost
//! while it was disconnected delays an event but never drops it.
//!
//! Automatic suggestions (`auto_suggest`) are not logged: after a round the
//! process that completed it announces them (session id, log head, round),
//! and every process with subscribers computes its own subscribers'
//! suggestions from the preferences it reads from the database, once it has
//! relayed the round's events. Each watched session has one relay task,
//! which works in the order the notifications came, so suggestions come
//! after the round's moves and before the next round's. They cannot be read
//! back from the log: one announced while a listener is disconnected is
//! lost there until the next round's, or until a subscriber reconnects
//! (suggestions are advisory), and a process's first subscriber waits
//! until its listener listens.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::Stream;
use pactum_core::analysis::Package;
use pactum_core::{Outcome, Scenario};
use serde::Serialize;
use sqlx::{AnyPool, Row};
use tokio::sync::{broadcast, mpsc, oneshot};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::event::Event;
use crate::http::auth::{Caller, authorize};
use crate::limits::Limits;
use crate::offers::{package, to_outcome};
use crate::protocol::MoveKind;
use crate::record::RecordEntry;
use crate::sessions::AppState;
use crate::sessions::cache::load_session;
use crate::sessions::replay::replay;
use crate::store::log::load_entries;
use crate::store::sessions::Session;
use crate::store::{Backend, Db};
use crate::views::{
    Privacy, SuggestionContext, Suggestions, own_utility, suggestion_basis, suggestions_with,
};

/// Events buffered per session; a subscriber further behind catches up
/// from the log.
const CHANNEL_CAPACITY: usize = 256;

/// The PostgreSQL notification channel of live updates.
pub const NOTIFY_CHANNEL: &str = "pactum_events";

/// PostgreSQL: how long a process's mark that it watches a session lasts
/// unless renewed.
pub const WATCH_SECONDS: u64 = 60;

/// PostgreSQL: how often a process renews its marks and reads the logs of
/// the sessions it watches for anything a notification did not bring.
pub const RENEW_EVERY: Duration = Duration::from_secs(20);

/// PostgreSQL: appends a log entry (the parameters of `api::append`'s
/// insert), moves the session's log head to it, and, when some process
/// watches the session, notifies `pactum_events` with "<session id> <seq>"
/// on commit.
pub(crate) const APPEND_AND_NOTIFY: &str = "WITH appended AS (\
     INSERT INTO events (session_id, seq, body, prev_hash, hash) VALUES ($1, $2, $3, $4, $5) \
     RETURNING session_id, seq), \
     head AS (UPDATE sessions SET head_seq = $2, head_hash = $5 WHERE id = $1 \
     RETURNING watched_until) \
     SELECT count(pg_notify('pactum_events', a.session_id || ' ' || a.seq::text)) \
     FROM appended a, head h WHERE h.watched_until > now()";

/// PostgreSQL: marks the session watched (taking its row lock, so that a
/// move in progress commits first and every later one notifies).
const WATCH: &str =
    "UPDATE sessions SET watched_until = now() + $2::bigint * interval '1 second' WHERE id = $1";

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
    /// Single text: a negotiator voted on proposal `round` (how it voted
    /// is not published).
    Vote { seq: u64, round: u64, party: String },
    /// Single text: the mediator's proposal `round`, a change to the draft.
    Proposal {
        seq: u64,
        round: u64,
        draft: Package,
        change: Package,
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
    /// A negotiator disclosed its preferences to the mediator, or withdrew
    /// that (who and which way, never the preferences).
    Disclosure {
        seq: u64,
        party: String,
        disclose: bool,
    },
}

impl Published {
    /// The seq of the log entry this event comes from and its round
    /// (`None` for suggestions, which are not logged; no round for a
    /// disclosure, which belongs to none).
    fn position(&self) -> Option<(u64, Option<u64>)> {
        match self {
            Published::Move { seq, round, .. }
            | Published::Agreement { seq, round, .. }
            | Published::Ended { seq, round, .. }
            | Published::PartialMove { seq, round, .. }
            | Published::Settled { seq, round, .. }
            | Published::Vote { seq, round, .. }
            | Published::Proposal { seq, round, .. } => Some((*seq, Some(*round))),
            Published::Disclosure { seq, .. } => Some((*seq, None)),
            Published::Suggestions { .. } => None,
        }
    }
}

/// Whether subscribers see a log event (as a [`Published`] one); on
/// PostgreSQL, appending it notifies the watching processes.
pub(crate) fn notifies(event: &Event) -> bool {
    matches!(
        event,
        Event::Move { .. }
            | Event::Agreement { .. }
            | Event::Ended { .. }
            | Event::PartialMove { .. }
            | Event::Settled { .. }
            | Event::Vote { .. }
            | Event::Proposal { .. }
            | Event::Disclosure { .. }
    )
}

/// The published form of log entry `seq`, if subscribers see it.
fn published(scenario: &Scenario, seq: u64, event: Event) -> Option<Published> {
    let outcome = |p: &Package| to_outcome(scenario, p).ok();
    Some(match event {
        Event::Move {
            party,
            kind,
            offer,
            round,
            ..
        } => Published::Move {
            seq,
            round,
            party,
            kind,
            offer: match offer {
                Some(p) => Some(outcome(&p)?),
                None => None,
            },
        },
        Event::Agreement { offer, round } => Published::Agreement {
            seq,
            round,
            offer: outcome(&offer)?,
        },
        Event::Ended { reason, round } => Published::Ended { seq, round, reason },
        Event::PartialMove {
            party,
            kind,
            offer,
            proposal,
            round,
            ..
        } => Published::PartialMove {
            seq,
            round,
            party,
            kind,
            offer,
            proposal,
        },
        Event::Settled {
            proposal,
            issues,
            round,
        } => Published::Settled {
            seq,
            round,
            proposal,
            issues,
        },
        Event::Vote {
            party, proposal, ..
        } => Published::Vote {
            seq,
            round: proposal,
            party,
        },
        Event::Proposal {
            proposal,
            draft,
            change,
        } => Published::Proposal {
            seq,
            round: proposal,
            draft,
            change,
        },
        Event::Disclosure {
            party, disclose, ..
        } => Published::Disclosure {
            seq,
            party,
            disclose,
        },
        _ => return None,
    })
}

/// One watched session of this process: its channel and, on PostgreSQL,
/// the queue of the task relaying its log to it.
pub struct Feed {
    tx: broadcast::Sender<Arc<Published>>,
    /// PostgreSQL: the session's relay task (see [`relay_session`]), which
    /// ends once the feed is dropped.
    jobs: Option<mpsc::UnboundedSender<Job>>,
}

impl Feed {
    fn queue(&self, job: Job) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job);
        }
    }
}

/// PostgreSQL: work for a session's relay task, done in the order queued
/// (the order of the notifications).
enum Job {
    /// A subscriber arrived: mark the session watched and, the first time,
    /// start relaying after the log's head. Answered once done.
    Watch(oneshot::Sender<Result<(), ApiError>>),
    /// Relay the committed log entries up to `seq` (all of them if `None`).
    Relay(Option<u64>),
    /// Renew the watch mark, then relay every committed entry.
    Renew,
    /// Relay up to entry `seq`, then the suggestions after round `round`.
    Suggest { seq: u64, round: u64 },
}

/// PostgreSQL: what the listener, renewal and relay tasks need.
struct Relay {
    pool: AnyPool,
    url: String,
    started: AtomicBool,
    /// Whether the listener is connected and listening.
    listening: tokio::sync::watch::Sender<bool>,
}

/// The watched sessions of this process.
pub struct Hub {
    feeds: Mutex<HashMap<String, Arc<Feed>>>,
    /// PostgreSQL: events reach the channels by notification (see the
    /// module documentation); `None` on SQLite.
    relay: Option<Relay>,
    /// Whether each session streams suggestions (fixed at its creation).
    auto_suggest: Mutex<HashMap<String, bool>>,
    /// Becomes true when the server shuts down: every stream ends.
    closing: Arc<tokio::sync::watch::Sender<bool>>,
    /// The server's limits: suggestions are computed within its analysis
    /// budget, and streams open only while there is room.
    limits: Arc<Limits>,
    /// SQLite: the queues of the tasks computing sessions' automatic
    /// suggestions, one task per session working through its rounds in
    /// order (while it has any queued).
    suggesters: Mutex<HashMap<String, mpsc::UnboundedSender<SuggestJob>>>,
}

/// SQLite: the suggestions to compute and stream after a round.
struct SuggestJob {
    round: u64,
    scenario: Scenario,
    standing: Option<Outcome>,
    parties: Vec<usize>,
    context: SuggestionContext,
}

impl Hub {
    /// The hub of a server on `db`, within `limits`.
    pub(crate) fn new(db: &Db, limits: Arc<Limits>) -> Self {
        Hub {
            feeds: Default::default(),
            relay: (db.backend == Backend::Postgres).then(|| Relay {
                pool: db.pool.clone(),
                url: db.pool.connect_options().database_url.to_string(),
                started: AtomicBool::new(false),
                listening: tokio::sync::watch::Sender::new(false),
            }),
            auto_suggest: Default::default(),
            closing: db.closing.clone(),
            limits,
            suggesters: Default::default(),
        }
    }

    /// Whether events reach this process by PostgreSQL notifications.
    pub(crate) fn relays(&self) -> bool {
        self.relay.is_some()
    }

    /// A receiver of the session's events (creating its channel and, on
    /// PostgreSQL, its relay task), and the session's feed.
    fn subscribe(
        &self,
        session_id: &str,
        scenario: &Arc<Scenario>,
    ) -> (broadcast::Receiver<Arc<Published>>, Arc<Feed>) {
        let mut map = self.feeds.lock().unwrap();
        let feed = map
            .entry(session_id.to_string())
            .or_insert_with(|| {
                let tx = broadcast::channel(CHANNEL_CAPACITY).0;
                let jobs = self.relay.as_ref().map(|relay| {
                    let (jobs, queue) = mpsc::unbounded_channel();
                    tokio::spawn(relay_session(
                        relay.pool.clone(),
                        self.limits.clone(),
                        session_id.to_string(),
                        scenario.clone(),
                        tx.clone(),
                        queue,
                    ));
                    jobs
                });
                Arc::new(Feed { tx, jobs })
            })
            .clone();
        (feed.tx.subscribe(), feed)
    }

    /// The session's feed while anyone in this process watches it (a feed
    /// nobody watches any more is dropped).
    fn feed(&self, session_id: &str) -> Option<Arc<Feed>> {
        let mut map = self.feeds.lock().unwrap();
        let feed = map.get(session_id)?;
        if feed.tx.receiver_count() == 0 {
            map.remove(session_id);
            return None;
        }
        Some(feed.clone())
    }

    /// The feeds of the sessions someone in this process watches.
    fn watched(&self) -> Vec<Arc<Feed>> {
        let mut map = self.feeds.lock().unwrap();
        map.retain(|_, f| f.tx.receiver_count() > 0);
        map.values().cloned().collect()
    }

    /// Whether anyone in this process watches the session.
    pub fn has_subscribers(&self, session_id: &str) -> bool {
        let map = self.feeds.lock().unwrap();
        map.get(session_id)
            .is_some_and(|f| f.tx.receiver_count() > 0)
    }

    /// Sends committed events to the session's subscribers, if any. On
    /// PostgreSQL this does nothing: committed events reach every
    /// process's subscribers, this one's included, through notifications.
    pub fn publish(&self, session_id: &str, events: Vec<Published>) {
        if self.relay.is_some() {
            return;
        }
        self.send(session_id, events);
    }

    fn send(&self, session_id: &str, events: Vec<Published>) {
        let mut map = self.feeds.lock().unwrap();
        let Some(feed) = map.get(session_id) else {
            return;
        };
        if feed.tx.receiver_count() == 0 {
            map.remove(session_id);
            return;
        }
        for e in events {
            let _ = feed.tx.send(Arc::new(e));
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

/// A `vote` event (single text): `party` voted on proposal `proposal`.
/// How it voted is not published.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoteEvent {
    pub seq: u64,
    pub proposal: u64,
    pub party: String,
}

/// A `proposal` event (single text): the mediator proposes `change` to the
/// draft standing as `draft`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalEvent {
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
pub struct DisclosureEvent {
    pub seq: u64,
    pub party: String,
    pub disclose: bool,
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
        Published::Vote {
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
        Published::Proposal {
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
        Published::Disclosure {
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
        Published::Suggestions { .. } => unreachable!("rendered above"),
    };
    let (seq, _) = e.position()?;
    Some((
        SseEvent::default()
            .event(name)
            .id(seq.to_string())
            .data(data.unwrap_or_default()),
        last,
    ))
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
    let context = SuggestionContext::of(session, false);
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
            tracing::debug!("suggestions not streamed: {}", e.message);
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

// ---------------------------------------------------------------- relay (PostgreSQL)

/// Marks the session watched by this process (for a first subscriber
/// here, relaying starts after the log's head), starting the listener if
/// need be.
async fn watch(hub: &Arc<Hub>, feed: &Feed) -> Result<(), ApiError> {
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
        .map_err(|_| ApiError::internal("the live updates relay has stopped"))?
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
async fn relay_session(
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
                    Ok::<_, ApiError>(())
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

/// The suggestions after round `round`, as of log entry `seq`, computed
/// from the preferences stored now.
async fn suggestions_at(
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
async fn latest_suggestions(
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

// ---------------------------------------------------------------- the stream

/// Log entries read at a time when a subscriber catches up.
const CATCH_UP_PAGE: i64 = 256;

/// Attempts at reading the log before a catching-up stream gives up and
/// closes (its client may reconnect with `Last-Event-ID` and resume).
const CATCH_UP_ATTEMPTS: u32 = 3;

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

/// One subscriber's stream: where it stands in the session's log, the log
/// events read back for it and not yet sent, and its receiver of live
/// events.
struct Subscriber {
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

impl Subscriber {
    /// The next event to send and whether it ends the stream, or `None`
    /// once the stream is over.
    async fn next(&mut self) -> Option<(SseEvent, bool)> {
        loop {
            if let Some(e) = self.backlog.pop_front() {
                if let Some(sent) = self.send(&e) {
                    return Some(sent);
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
                    if let Some(sent) = self.send(&e) {
                        return Some(sent);
                    }
                }
                // The channel dropped events for this subscriber: they are
                // in the log, and whatever comes next is still received.
                Err(broadcast::error::RecvError::Lagged(_)) => self.behind = true,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// Renders an event for this subscriber (`None`: not for it), noting
    /// how far it got.
    fn send(&mut self, e: &Published) -> Option<(SseEvent, bool)> {
        match (e.position(), e) {
            (Some((seq, round)), _) => {
                self.seen = self.seen.max(seq);
                if round.is_some() {
                    self.round = round;
                }
            }
            // Suggestions after a round older than the one before the last
            // event sent are stale: they can be that late only after a
            // catch-up (or a very slow computation).
            (None, Published::Suggestions { round, .. })
                if self.round.is_some_and(|r| r > round + 1)
                    || self.suggested.is_some_and(|r| r >= *round) =>
            {
                return None;
            }
            (None, Published::Suggestions { round, .. }) => {
                if self.party.is_some() {
                    self.suggested = Some(*round);
                }
            }
            (None, _) => {}
        }
        render(&self.scenario, self.party, e)
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
    let scenario = Arc::new(session.scenario.clone());
    let (rx, feed) = app.hub.subscribe(&id, &scenario);
    watch(&app.hub, &feed).await?;
    drop(feed);
    // Subscribed first, so that no move committed from here on is missed.
    let mut conn = app.pool.acquire().await?;
    let entries = load_entries(&mut conn, &id).await?;
    drop(conn);
    let (state, _) = replay(&session, &entries)?;
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
        && let Some(latest) = latest_suggestions(&app, &session, &entries, p).await
    {
        backlog.push_back(latest);
    }
    let subscriber = Subscriber {
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
    };
    let stream = futures_util::stream::unfold(Some(subscriber), |subscriber| async move {
        let mut subscriber = subscriber?;
        let (event, last) = subscriber.next().await?;
        Some((Ok(event), (!last).then_some(subscriber)))
    });
    let stream = futures_util::StreamExt::map(stream, move |event| {
        let _ = &place;
        event
    });
    // The stream also ends when the server shuts down.
    let mut closing = app.hub.closing.subscribe();
    let closed = async move {
        let _ = closing.wait_for(|&closed| closed).await;
    };
    Ok(
        Sse::new(futures_util::StreamExt::take_until(stream, closed))
            .keep_alive(KeepAlive::default()),
    )
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
        while let Some((event, _)) = subscriber.next().await {
            sent.push(format!("{event:?}"));
        }
        assert_eq!(sent.len(), 3, "{sent:?}");
        for (event, p) in sent.iter().zip(&logged) {
            assert!(
                event.contains(&format!("id: {}", seq(p))),
                "expected seq {} first: {sent:?}",
                seq(p)
            );
        }
    }
}
