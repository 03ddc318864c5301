//! The words of a session: the mediator's messages without a move, appended
//! to the record, and every message read back from it (those sent with
//! moves included).
//!
//! Rules kept: a message is appended under the session's lock, after the
//! last entry, only while the negotiation is open (the record of a finished
//! session ends with its agreement and certificate, or its end); messages
//! are read from the committed log only, in record order. Who may post or
//! read is the handler's to check.

use crate::event::Event;
use crate::record::RecordEntry;
use crate::sessions::append::append_while_open;
use crate::sessions::error::SessionError;
use crate::sessions::{AppState, now_ms};
use crate::store::sessions::Session;

/// One message of the record.
pub(crate) struct Said {
    /// Sequence number of the entry that carries it.
    pub(crate) seq: u64,
    /// Who said it.
    pub(crate) party: String,
    /// "offer", "accept", "reject", "end", "leave" (a move's), "vote" (a
    /// vote's) or "message" (the mediator's, without a move).
    pub(crate) kind: String,
    /// The round (proposal, for a vote) of a move; none for a message.
    pub(crate) round: Option<u64>,
    /// The words.
    pub(crate) message: String,
    /// When, in milliseconds since the epoch.
    pub(crate) at_ms: i64,
}

/// Appends the mediator's `message` as `party`; returns its seq. A 409 once
/// the negotiation is over.
pub(crate) async fn post_message(
    app: &AppState,
    session: &Session,
    party: &str,
    message: String,
) -> Result<u64, SessionError> {
    let event = Event::Message {
        party: party.to_string(),
        message,
        at_ms: now_ms(),
    };
    let over = "the negotiation is over: its record is closed";
    Ok(append_while_open(app, session, over, &event).await?.seq)
}

/// Every message in `entries`, in record order.
pub(crate) fn messages(entries: &[RecordEntry]) -> Result<Vec<Said>, SessionError> {
    let mut out = Vec::new();
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(SessionError::unreadable)?;
        let said = match event {
            Event::Move {
                party,
                kind,
                round,
                at_ms,
                message: Some(message),
                ..
            }
            | Event::PartialMove {
                party,
                kind,
                round,
                at_ms,
                message: Some(message),
                ..
            } => Said {
                seq: entry.seq,
                party,
                kind: serde_json::to_value(kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                round: Some(round),
                message,
                at_ms,
            },
            Event::Vote {
                party,
                proposal,
                at_ms,
                message: Some(message),
                ..
            } => Said {
                seq: entry.seq,
                party,
                kind: "vote".into(),
                round: Some(proposal),
                message,
                at_ms,
            },
            Event::Message {
                party,
                message,
                at_ms,
            } => Said {
                seq: entry.seq,
                party,
                kind: "message".into(),
                round: None,
                message,
                at_ms,
            },
            _ => continue,
        };
        out.push(said);
    }
    Ok(out)
}
