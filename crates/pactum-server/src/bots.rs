//! Automated negotiators in seats: the convener may seat a strategy of
//! pactum-sim in a negotiator's place, and the server plays its moves
//! whenever it is that seat's turn.
//!
//! A bot keeps no state between requests: its move is computed by building
//! the strategy afresh (seeded from the session id and the seat, so it is
//! deterministic) and replaying to it, in order, everything it would have
//! seen under pactum-sim's stacked alternating offers — the other seats'
//! offers and its own earlier decisions — and then asking it to act.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pactum_core::{Outcome, Scenario};
use pactum_sim::negotiator::{self, Negotiator, Now, Response, SeatInfo};
use pactum_sim::{OutcomeId, Prepared};

use crate::protocol::MoveKind;

/// Largest outcome space a session with bots may have (bots tabulate every
/// outcome's utility).
pub const MAX_BOT_OUTCOMES: u64 = 1_000_000;

/// A move as the bots see it: seat, kind and (for offers) the outcome.
#[derive(Debug, Clone)]
pub struct SeenMove {
    pub seat: usize,
    pub kind: MoveKind,
    pub offer: Option<Outcome>,
}

/// Tabulated preferences of the sessions with bots, by session id, each
/// with a fingerprint of the parties' preferences it was computed from (a
/// negotiator may edit its preferences before its first move).
#[derive(Default)]
pub struct BotTables {
    tables: Mutex<HashMap<String, (u64, Arc<Prepared>)>>,
}

/// Sessions whose tables are kept before the cache starts afresh.
const MAX_TABLES: usize = 1000;

impl BotTables {
    /// The tables of a session's scenario, as its preferences now are.
    pub fn get(&self, session_id: &str, scenario: &Scenario) -> Result<Arc<Prepared>, String> {
        let fingerprint = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            std::hash::Hash::hash(&format!("{:?}", scenario.parties), &mut h);
            std::hash::Hasher::finish(&h)
        };
        if let Some((f, p)) = self.tables.lock().unwrap().get(session_id)
            && *f == fingerprint
        {
            return Ok(p.clone());
        }
        let p = Arc::new(prepare(scenario)?);
        let mut tables = self.tables.lock().unwrap();
        if tables.len() >= MAX_TABLES {
            tables.clear();
        }
        tables.insert(session_id.to_string(), (fingerprint, p.clone()));
        Ok(p)
    }
}

/// Checks that bots can play this scenario and tabulates it.
pub fn prepare(scenario: &Scenario) -> Result<Prepared, String> {
    let count = scenario.outcome_count();
    if count > MAX_BOT_OUTCOMES as u128 {
        return Err(format!(
            "bots need an outcome space of at most {MAX_BOT_OUTCOMES} outcomes; this one has {count}"
        ));
    }
    Prepared::new(scenario.clone()).map_err(|e| e.to_string())
}

/// Checks a strategy name.
pub fn check_strategy(name: &str) -> Result<(), String> {
    negotiator::check(name).map_err(|e| e.to_string())
}

/// The seed of a session's bots: the first 64 bits of its id.
pub fn session_seed(session_id: &str) -> u64 {
    let bytes = hex::decode(session_id).unwrap_or_default();
    let mut b = [0u8; 8];
    for (i, x) in bytes.iter().take(8).enumerate() {
        b[i] = *x;
    }
    u64::from_be_bytes(b)
}

fn now_at(step: u64, deadline_rounds: u64) -> Now {
    Now {
        step: step as usize,
        n_steps: Some(deadline_rounds as usize),
        time: ((step + 1) as f64 / (deadline_rounds + 1) as f64).min(1.0),
    }
}

fn act(
    bot: &mut dyn Negotiator,
    now: &Now,
    standing: Option<(OutcomeId, usize)>,
    me: usize,
) -> (MoveKind, Option<OutcomeId>) {
    let propose = |bot: &mut dyn Negotiator| match bot.propose(now) {
        Some(o) => (MoveKind::Offer, Some(o)),
        None => (MoveKind::End, None),
    };
    match standing {
        Some((offer, proposer)) if proposer != me => match bot.respond(now, offer, proposer) {
            Response::Accept => (MoveKind::Accept, None),
            Response::End | Response::Leave => (MoveKind::End, None),
            Response::Reject => propose(bot),
        },
        _ => propose(bot),
    }
}

/// The move of the bot of strategy `strategy` in seat `seat`, after the
/// moves `history` (every move of the session so far, in order).
pub fn next_move(
    prepared: &Prepared,
    strategy: &str,
    seat: usize,
    session_id: &str,
    deadline_rounds: u64,
    history: &[SeenMove],
) -> Result<(MoveKind, Option<Outcome>), String> {
    let n = prepared.negotiators.len();
    let info = SeatInfo {
        seat,
        parties: n,
        prefs: prepared.prefs[seat].clone(),
        space: prepared.space.clone(),
        seed: session_seed(session_id) ^ (seat as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
    };
    let mut bot = negotiator::build(strategy, &info).map_err(|e| e.to_string())?;
    let mut standing: Option<(OutcomeId, usize)> = None;
    for (i, m) in history.iter().enumerate() {
        let now = now_at(i as u64 / n as u64, deadline_rounds);
        let id = match &m.offer {
            Some(o) => Some(prepared.space.encode(o).map_err(|e| e.to_string())?),
            None => None,
        };
        if m.seat == seat {
            // Replays its own decision so that its internal state follows.
            let _ = act(bot.as_mut(), &now, standing, seat);
        } else if let Some(id) = id {
            bot.on_offer(&now, id, m.seat);
        }
        if let Some(id) = id {
            standing = Some((id, m.seat));
        }
    }
    let now = now_at(history.len() as u64 / n as u64, deadline_rounds);
    let (kind, offer) = act(bot.as_mut(), &now, standing, seat);
    Ok((kind, offer.map(|id| prepared.space.decode(id))))
}
