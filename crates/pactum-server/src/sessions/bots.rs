//! The bot driver: the server's own negotiators (pactum-sim strategies)
//! move through the same service as people, for as long as it is a bot's
//! turn.
//!
//! A classic bot's move is decided against the state replayed under the
//! session's lock, so it is checked and committed exactly as a person's
//! would be.
//!
//! An `llm` bot's move is never decided under the lock or inside a
//! transaction (a model may take seconds): when a commit leaves it an `llm`
//! bot's turn, a task of its own ([`LlmBots`]; at most one per session in
//! this process) replays the committed log, asks the bot on a blocking
//! thread, and submits the move through the same `commit_move` as anyone's,
//! on one condition checked under the lock: the session's moves are still
//! those the decision was made on. If another move came first, the decision
//! is dropped and, if it is still that bot's turn, made again. A time limit
//! found passed is committed (the expiry and its end) without asking the
//! model. A model's failure is the strategy's to handle (its fallback
//! moves); a failure of the driver is logged, never a crash. A turn no
//! task heard of is taken up when the service starts ([`take_up_llm_turns`]:
//! every stored session seating an `llm` bot whose turn it is, after a
//! restart), and when a stream of the session's events opens, as every
//! client's does when it reconnects (a turn given by another server
//! process's commit). Taking a turn up twice, or in two processes, is
//! harmless: the optimistic condition above lets one decision through.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use pactum_sim::negotiator::llm::LlmModel;
use pactum_sim::negotiator::{Builder, LLM};

use crate::bots::{BotDecision, LanguageModel, SeenMove};
use crate::protocol::{SeatLimits, State};
use crate::sessions::cache::load_session;
use crate::sessions::error::SessionError;
use crate::sessions::moves::{Committed, Decision, commit_move};
use crate::sessions::replay::{PastMove, replay};
use crate::sessions::{AppState, now_ms};
use crate::store::log::load_entries;
use crate::store::sessions::{Session, sessions_seating};

/// Sessions whose `llm` clients are kept before the cache starts afresh.
const MAX_MODELS: usize = 1000;

/// The `llm` bots of this process: the server's language model (if any),
/// each session's client of it, and the sessions whose `llm` turns a task
/// is deciding.
pub(crate) struct LlmBots {
    model: Option<Arc<LanguageModel>>,
    /// Each session's model (a client with the session's seed and budget).
    sessions: Mutex<HashMap<String, Arc<LlmModel>>>,
    /// Sessions with a task deciding their `llm` turns, each with whether
    /// it was woken again meanwhile (then it looks once more before ending).
    running: Mutex<HashMap<String, bool>>,
}

impl LlmBots {
    /// The `llm` bots playing through `model` (none: `llm` seats are
    /// refused).
    pub(crate) fn new(model: Option<Arc<LanguageModel>>) -> Self {
        LlmBots {
            model,
            sessions: Mutex::default(),
            running: Mutex::default(),
        }
    }

    /// Whether the server has a language model.
    pub(crate) fn has_model(&self) -> bool {
        self.model.is_some()
    }

    /// The builder of `session`'s bots: with the session's model when the
    /// server has one.
    fn builder(&self, session_id: &str) -> Result<Builder, SessionError> {
        let Some(model) = &self.model else {
            return Err(SessionError::unreadable(crate::bots::BotError::NoModel));
        };
        let mut sessions = self.sessions.lock().unwrap();
        if let Some(m) = sessions.get(session_id) {
            return Ok(Builder::with_model(m.clone()));
        }
        let m = model
            .for_session(session_id)
            .map_err(SessionError::unreadable)?;
        if sessions.len() >= MAX_MODELS {
            sessions.clear();
        }
        sessions.insert(session_id.to_string(), m.clone());
        Ok(Builder::with_model(m))
    }
}

/// The strategies of the negotiator seats, in turn order (none: a person).
fn strategies(session: &Session) -> Vec<Option<String>> {
    session
        .seats
        .iter()
        .filter(|s| s.role == "negotiator")
        .map(|s| s.strategy.clone())
        .collect()
}

/// The moves as the bots see them.
fn seen(moves: &[PastMove]) -> Vec<SeenMove> {
    moves
        .iter()
        .map(|m| SeenMove {
            seat: m.seat,
            round: m.round,
            kind: m.kind,
            offer: m.offer.clone(),
        })
        .collect()
}

/// The preference tables of `session`'s bots (computed on a blocking
/// thread).
async fn tables(
    app: &AppState,
    session: &Session,
) -> Result<Arc<pactum_sim::Prepared>, SessionError> {
    let (tables, id, sc) = (
        app.bots.clone(),
        session.id.clone(),
        session.scenario.clone(),
    );
    tokio::task::spawn_blocking(move || tables.get(&id, &sc))
        .await
        .map_err(SessionError::unreadable)?
        .map_err(SessionError::unreadable)
}

/// Plays the classic bots' moves for as long as it is a classic bot's
/// turn. Returns them, committed, in order. When it is left an `llm` bot's
/// turn, its task is woken ([`wake`]): that move comes later.
pub(crate) async fn play_bots(
    app: &AppState,
    session: &Session,
) -> Result<Vec<Committed>, SessionError> {
    let bots = strategies(session);
    if bots.iter().all(Option::is_none) {
        return Ok(Vec::new());
    }
    let prepared = tables(app, session).await?;
    let classic = Builder::default();
    let llm_turn = AtomicBool::new(false);
    let mut played = Vec::new();
    loop {
        let decide = |state: &State, moves: &[PastMove]| -> Result<Decision, SessionError> {
            if state.finished.is_some() {
                return Ok(None);
            }
            let seat = state.turn();
            let Some(strategy) = bots.get(seat).cloned().flatten() else {
                return Ok(None);
            };
            if strategy == LLM {
                llm_turn.store(true, Ordering::Relaxed);
                return Ok(None);
            }
            let d = crate::bots::next_move(
                &classic,
                &prepared,
                &strategy,
                &session.id,
                state,
                &seen(moves),
                &crate::bots::clock(session.deadline_rounds),
                &SeatLimits::new(&session.scenario),
            )
            .map_err(SessionError::unreadable)?;
            Ok(Some((d.seat, d.kind, d.offer)))
        };
        let Some(c) = commit_move(app, session, None, decide).await? else {
            break;
        };
        played.push(c);
    }
    if llm_turn.load(Ordering::Relaxed) {
        wake(app, session);
    }
    Ok(played)
}

/// If `session` seats an `llm` bot, makes sure its turn, if it has it, is
/// being decided: for a turn no task of this process was told of (the
/// server restarted, or the move that gave it the turn was made through
/// another server process).
pub(crate) fn wake_llm_bots(app: &AppState, session: &Session) {
    let seated = session
        .seats
        .iter()
        .any(|s| s.strategy.as_deref() == Some(LLM));
    if seated && app.llm.has_model() {
        wake(app, session);
    }
}

/// At the service's start: gives every stored session whose turn belongs
/// to an `llm` bot a task deciding it (the turns a stopped process left,
/// which no client may come to wake). Sessions are looked at one at a
/// time; a session that cannot be read is logged and passed over.
pub(crate) async fn take_up_llm_turns(app: AppState) {
    if !app.llm.has_model() {
        return;
    }
    let ids = match sessions_seating(&app.pool, LLM).await {
        Ok(ids) => ids,
        Err(e) => {
            tracing::warn!("cannot list the sessions seating llm bots: {e}");
            return;
        }
    };
    let mut woken = 0usize;
    for id in ids {
        match llm_bot_to_move(&app, &id).await {
            Ok(Some(session)) => {
                wake(&app, &session);
                woken += 1;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(session = %id, "cannot look at an llm bot's turn: {e}"),
        }
    }
    if woken > 0 {
        tracing::info!("took up {woken} llm bot turns left when the server stopped");
    }
}

/// Session `id`, if it is in play and an `llm` bot's turn.
async fn llm_bot_to_move(app: &AppState, id: &str) -> Result<Option<Session>, SessionError> {
    let session = load_session(app, id).await?;
    let entries = {
        let mut conn = app.pool.acquire().await?;
        load_entries(&mut conn, id).await?
    };
    let (state, _) = replay(&session, &entries)?;
    let turn = strategies(&session).get(state.turn()).cloned().flatten();
    Ok((state.finished.is_none() && turn.as_deref() == Some(LLM)).then_some(session))
}

/// Makes sure a task is deciding `session`'s `llm` turns: starts one, or
/// tells the running one to look again before it ends.
pub(crate) fn wake(app: &AppState, session: &Session) {
    if !app.llm.has_model() {
        tracing::warn!(
            session = %session.id,
            "an llm bot's turn, but this server has no language model"
        );
        return;
    }
    {
        let mut running = app.llm.running.lock().unwrap();
        if let Some(again) = running.get_mut(&session.id) {
            *again = true;
            return;
        }
        running.insert(session.id.clone(), false);
    }
    tokio::spawn(llm_turns(app.clone(), session.clone()));
}

/// The task deciding `session`'s `llm` turns: plays them until none is
/// left, looking once more whenever it was woken meanwhile.
async fn llm_turns(app: AppState, session: Session) {
    loop {
        if let Err(e) = llm_turn(&app, &session).await {
            tracing::warn!(session = %session.id, "an llm bot could not move: {e}");
        }
        let mut running = app.llm.running.lock().unwrap();
        match running.get_mut(&session.id) {
            Some(again) if *again => *again = false,
            _ => {
                running.remove(&session.id);
                return;
            }
        }
    }
}

/// Plays the `llm` bot's move if it is an `llm` bot's turn, deciding again
/// while other moves overtake the decision; then the classic bots' and the
/// round's suggestions.
async fn llm_turn(app: &AppState, session: &Session) -> Result<(), SessionError> {
    let bots = strategies(session);
    let prepared = tables(app, session).await?;
    let builder = app.llm.builder(&session.id)?;
    loop {
        // The committed log, read outside any transaction.
        let entries = {
            let mut conn = app.pool.acquire().await?;
            load_entries(&mut conn, &session.id).await?
        };
        let (state, moves) = replay(session, &entries)?;
        if state.finished.is_some() {
            return Ok(());
        }
        let seat = state.turn();
        if bots.get(seat).cloned().flatten().as_deref() != Some(LLM) {
            return Ok(());
        }
        if state.clone().expire(now_ms()).is_some() {
            // The time limit passed: committed without a move.
            commit_move(app, session, None, |_, _| Ok(None)).await?;
            return Ok(());
        }
        let decided: BotDecision = {
            let (builder, prepared, id) = (builder.clone(), prepared.clone(), session.id.clone());
            let (clock, scenario) = (
                crate::bots::clock(session.deadline_rounds),
                session.scenario.clone(),
            );
            let history = seen(&moves);
            let state = state.clone();
            tokio::task::spawn_blocking(move || {
                crate::bots::next_move(
                    &builder,
                    &prepared,
                    LLM,
                    &id,
                    &state,
                    &history,
                    &clock,
                    &SeatLimits::new(&scenario),
                )
            })
            .await
            .map_err(SessionError::unreadable)?
            .map_err(SessionError::unreadable)?
        };
        if let Some(note) = &decided.note {
            if let Some(why) = &note.fallback {
                tracing::info!(session = %session.id, "llm bot: {why}");
            }
            if !note.leaks.is_empty() {
                tracing::info!(
                    session = %session.id,
                    "llm bot's message flagged: {}",
                    note.leaks.join("; ")
                );
            }
        }
        let basis = (moves.len(), moves.last().map(|m| m.seq));
        let overtaken = AtomicBool::new(false);
        let message = decided.message();
        let submitted = commit_move(app, session, message, |now: &State, moved: &[PastMove]| {
            if (moved.len(), moved.last().map(|m| m.seq)) != basis
                || now.finished.is_some()
                || now.turn() != decided.seat
            {
                overtaken.store(true, Ordering::Relaxed);
                return Ok(None);
            }
            Ok(Some((decided.seat, decided.kind, decided.offer.clone())))
        })
        .await;
        match submitted {
            Ok(Some(c)) => {
                play_bots(app, session).await?;
                crate::sessions::live::auto_suggest_after_moves(app, session, c.round).await;
                return Ok(());
            }
            Ok(None) if overtaken.load(Ordering::Relaxed) => continue,
            Ok(None) => return Ok(()),
            // The time limit passed meanwhile: its end is committed.
            Err(SessionError::Conflict(_)) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}
