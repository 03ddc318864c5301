//! A vote on the single text (protocol `"single_text"`): replayed, checked
//! by the state machine, committed and published.
//!
//! The vote is checked against the state replayed from the log inside the
//! transaction that appends it (under the session's lock), together with
//! what it brings about once everyone has voted (the next proposal, the
//! agreement or the end). Subscribers learn who voted, never how, and only
//! after the commit.
//!
//! A vote that finds the session's wall-clock time limit passed is refused
//! (409, [`TIME_LIMIT_PASSED`]), but the expiry and the end it brings (the
//! last draft everyone accepted, or none) are committed first.

use crate::event::Event;
use crate::protocol::{RecordedEnd, SeatLimits};
use crate::sessions::error::SessionError;
use crate::sessions::moves::TIME_LIMIT_PASSED;
use crate::sessions::published::{Logged, Published};
use crate::sessions::replay::replay_text;
use crate::sessions::{AppState, Seat, now_ms};
use crate::single_text::{Resolution, TextState, text_events};
use crate::store::log::{append, load_entries, lock_session};
use crate::store::sessions::Session;

/// A committed vote.
pub(crate) struct Voted {
    /// The vote's sequence number in the record.
    pub(crate) seq: u64,
    /// The single text after it.
    pub(crate) state: TextState,
    /// What became of the proposal, if this vote was its last.
    pub(crate) resolution: Option<Resolution>,
}

/// Casts `seat`'s vote on the current proposal (`expected`, when given,
/// must be its number).
pub(crate) async fn vote(
    app: &AppState,
    session: &Session,
    seat: &Seat,
    accept: bool,
    expected: Option<u64>,
    message: Option<String>,
) -> Result<Voted, SessionError> {
    let sc = &session.scenario;
    let id = &session.id;
    let guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    lock_session(&mut tx, id).await?;
    let entries = load_entries(&mut tx, id).await?;
    let mut state = replay_text(session, &entries)?;
    let proposal = state.proposal;
    let last = entries
        .last()
        .ok_or_else(|| SessionError::corrupt("session without log"))?;
    let at_ms = now_ms();
    if let Some(finish) = state.expire(at_ms) {
        let expiry = Event::Expired {
            round: proposal,
            at_ms,
        };
        let prev = append(&mut tx, id, last.seq + 1, &last.hash, &expiry).await?;
        let end = crate::protocol::finish_event(sc, &finish, proposal);
        let seq = last.seq + 2;
        append(&mut tx, id, seq, &prev, &end).await?;
        tx.commit().await?;
        drop(guard);
        app.hub
            .publish(id, vec![published_end(&finish, seq, proposal)]);
        if matches!(finish, RecordedEnd::Agreement(_)) {
            let _ = crate::sessions::records::ensure_certificate(app, session).await;
        }
        return Err(SessionError::conflict(TIME_LIMIT_PASSED));
    }
    let resolution = state.vote_within(seat.seat, accept, expected, &SeatLimits::new(sc))?;
    let mut seq = last.seq + 1;
    let vote_seq = seq;
    let mut prev = append(
        &mut tx,
        id,
        seq,
        &last.hash,
        &Event::Vote {
            party: seat.name.clone(),
            proposal,
            accept,
            at_ms: now_ms(),
            message: message.clone(),
        },
    )
    .await?;
    let mut agreed = false;
    let mut published = vec![Published::Logged(Logged::Vote {
        seq,
        round: proposal,
        party: seat.name.clone(),
    })];
    if resolution.is_some() {
        for ev in text_events(sc, &state, proposal) {
            seq += 1;
            agreed |= matches!(ev, Event::Agreement { .. });
            published.extend(crate::sessions::published::published(sc, seq, ev.clone()));
            prev = append(&mut tx, id, seq, &prev, &ev).await?;
        }
    }
    let _ = prev;
    tx.commit().await?;
    drop(guard);
    // Live subscribers learn who voted (not how), the next proposal or the end.
    app.hub.publish(id, published);
    if agreed {
        let _ = crate::sessions::records::ensure_certificate(app, session).await;
    }
    if resolution.is_some() && state.finished.is_none() {
        // Suggestions improve on the draft as it now stands.
        crate::sessions::live::auto_suggest(app, session, proposal, || {
            (session.scenario.clone(), state.draft.clone())
        })
        .await;
    }
    Ok(Voted {
        seq: vote_seq,
        state,
        resolution,
    })
}

/// What subscribers hear of the end `finish`, recorded at `seq` in `round`.
fn published_end(finish: &RecordedEnd, seq: u64, round: u64) -> Published {
    match finish {
        RecordedEnd::Agreement(o) => Published::Logged(Logged::Agreement {
            seq,
            round,
            offer: o.clone(),
        }),
        RecordedEnd::Ended(r) => Published::Logged(Logged::Ended {
            seq,
            round,
            reason: r.clone(),
        }),
    }
}
