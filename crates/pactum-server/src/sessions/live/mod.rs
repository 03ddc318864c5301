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

//!
//! The parts: [`hub`] (this process's channels), [`relay`] (PostgreSQL:
//! notifications in, committed entries out), [`suggest`] (automatic
//! suggestions) and [`subscriber`] (one stream's position in the log). The
//! HTTP handler of the stream and the events' views are in `http::events`.

pub(crate) mod hub;
pub(crate) mod relay;
pub(crate) mod subscriber;
pub(crate) mod suggest;

pub(crate) use hub::Hub;
pub(crate) use subscriber::open;
pub(crate) use suggest::{SuggestionsEvent, auto_suggest, auto_suggest_after_moves};
