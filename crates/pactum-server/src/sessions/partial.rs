//! A move in a free-form rounds session (protocol `"partial_rounds"`):
//! replayed, checked by the state machine, committed and published.
//!
//! The move is checked against the state replayed from the log inside the
//! transaction that appends it (under the session's lock), together with
//! the events it brings about (a settlement, the agreement or the end);
//! subscribers hear of them only after the commit.
//!
//! A move that finds the session's wall-clock time limit passed is refused
//! (409, [`TIME_LIMIT_PASSED`]), but the expiry, the partial agreement on
//! the issues settled so far and the end are committed first.

use pactum_core::analysis::Package;

use crate::event::Event;
use crate::offers::pairs_package;
use crate::partial::{Effects, PartialState, derived_events};
use crate::protocol::{MoveKind, RecordedEnd, SeatLimits};
use crate::sessions::error::SessionError;
use crate::sessions::moves::TIME_LIMIT_PASSED;
use crate::sessions::published::{Logged, Published};
use crate::sessions::replay::replay_partial;
use crate::sessions::{AppState, Seat, now_ms};
use crate::store::log::{append, load_entries, lock_session};
use crate::store::sessions::Session;

/// A committed partial-rounds move.
pub(crate) struct PartialMoved {
    /// The move's sequence number in the record.
    pub(crate) seq: u64,
    /// The round it was made in.
    pub(crate) round: u64,
    /// The session after it.
    pub(crate) state: PartialState,
    pub(crate) agreement: Option<Package>,
    pub(crate) reason: Option<String>,
}

/// Makes `seat`'s move: `pairs` is given exactly for offers (read from the
/// request against the scenario), `proposal` exactly for acceptances.
pub(crate) async fn make_move(
    app: &AppState,
    session: &Session,
    seat: &Seat,
    kind: MoveKind,
    pairs: Option<Vec<(usize, u32)>>,
    proposal: Option<u64>,
    message: Option<String>,
) -> Result<PartialMoved, SessionError> {
    let sc = &session.scenario;
    let id = &session.id;
    let guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    lock_session(&mut tx, id).await?;
    let entries = load_entries(&mut tx, id).await?;
    let mut state = replay_partial(session, &entries)?;
    let last = entries
        .last()
        .ok_or_else(|| SessionError::corrupt("session without log"))?;
    let round = state.round;
    let at_ms = now_ms();
    if let Some(fx) = state.expire(sc, at_ms) {
        let mut seq = last.seq + 1;
        let mut prev = append(
            &mut tx,
            id,
            seq,
            &last.hash,
            &Event::Expired { round, at_ms },
        )
        .await?;
        let mut published = Vec::new();
        for ev in derived_events(sc, &state, &fx, round) {
            seq += 1;
            prev = append(&mut tx, id, seq, &prev, &ev).await?;
            published.extend(published_of(&fx, &ev, seq, round));
        }
        let _ = prev;
        tx.commit().await?;
        drop(guard);
        app.hub.publish(id, published);
        return Err(SessionError::conflict(TIME_LIMIT_PASSED));
    }
    let move_seq = last.seq + 1;
    let limits = SeatLimits::new(sc);
    let fx = state.apply_within(
        sc,
        seat.seat,
        kind,
        pairs.clone(),
        proposal,
        move_seq,
        &limits,
    )?;
    let offer_pkg = pairs.as_ref().map(|p| pairs_package(sc, p));
    let mut seq = move_seq;
    let mut prev = append(
        &mut tx,
        id,
        seq,
        &last.hash,
        &Event::PartialMove {
            party: seat.name.clone(),
            kind,
            offer: offer_pkg.clone(),
            proposal,
            round,
            at_ms: now_ms(),
            message: message.clone(),
        },
    )
    .await?;
    let mut published = vec![Published::Logged(Logged::PartialMove {
        seq,
        round,
        party: seat.name.clone(),
        kind,
        offer: offer_pkg,
        proposal,
        message,
    })];
    let (mut agreement, mut reason) = (None, None);
    for ev in derived_events(sc, &state, &fx, round) {
        seq += 1;
        prev = append(&mut tx, id, seq, &prev, &ev).await?;
        published.extend(published_of(&fx, &ev, seq, round));
        match &ev {
            Event::Agreement { offer, .. } => agreement = Some(offer.clone()),
            Event::Ended { reason: r, .. } => reason = Some(r.clone()),
            _ => {}
        }
    }
    let _ = prev;
    tx.commit().await?;
    drop(guard);
    app.hub.publish(id, published);
    if agreement.is_some() {
        let _ = crate::sessions::records::ensure_certificate(app, session).await;
    }
    if fx.round_completed && fx.finish.is_none() {
        // Keeping to the issues settled so far.
        crate::sessions::live::auto_suggest(app, session, round, || {
            let mut scenario = session.scenario.clone();
            crate::views::fix_settled_issues(&mut scenario, &state.settled);
            (scenario, None)
        })
        .await;
    }
    Ok(PartialMoved {
        seq: move_seq,
        round,
        state,
        agreement,
        reason,
    })
}

/// What subscribers hear of `event`, derived from a move (or an expiry)
/// that brought about `fx` and recorded at `seq` in `round`: settlements,
/// the agreement and the end (the partial agreement is in the record).
fn published_of(fx: &Effects, event: &Event, seq: u64, round: u64) -> Option<Published> {
    match event {
        Event::Settled {
            proposal, issues, ..
        } => Some(Published::Logged(Logged::Settled {
            seq,
            round,
            proposal: *proposal,
            issues: issues.clone(),
        })),
        Event::Agreement { .. } => match &fx.finish {
            Some(RecordedEnd::Agreement(o)) => Some(Published::Logged(Logged::Agreement {
                seq,
                round,
                offer: o.clone(),
            })),
            _ => None,
        },
        Event::Ended { reason, .. } => Some(Published::Logged(Logged::Ended {
            seq,
            round,
            reason: reason.clone(),
        })),
        _ => None,
    }
}
