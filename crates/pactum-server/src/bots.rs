//! Automated negotiators in seats: the convener may seat a strategy of
//! pactum-sim in a negotiator's place, and the server plays its moves
//! whenever it is that seat's turn.
//!
//! A bot keeps no state between requests: its move is computed by building
//! the strategy afresh (seeded from the session id and the seat with the
//! simulator's own seed mixing, `pactum_protocol::derive_seed`, so it is
//! deterministic) and replaying to it, in order, everything it would have
//! seen under stacked alternating offers — the other seats' offers and its
//! own earlier decisions, each at the relative time the engine's clock
//! gives its round (`Clock::time`) — and then asking it to act on the
//! engine's state (whose turn, which offer stands).
//!
//! A bot's move goes through the same path as a person's; one the rules
//! refuse (say, an offer below its own reservation value) ends the
//! negotiation instead, as the simulator's runner does by default. A bot
//! moves only for the seat whose turn the engine gives, so never for a seat
//! that left. Its errors are typed ([`BotError`]).
//!
//! The `llm` strategy takes a seat only on a server given a
//! [`LanguageModel`]; each session's `llm` bots talk to it through a client
//! of their own (the session's seed sent with each request, the token
//! budget the session's). Rebuilt for a turn, an `llm` bot is told of its
//! own earlier offers as offers it made: the model is never asked again
//! about a turn already played. The words it sends with a move go into the
//! move's record entry when they pass the record's checks on messages
//! (`crate::words`); they are dropped with a move the rules refuse.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pactum_core::{Outcome, Scenario};
use pactum_llm::{Client, Config};
use pactum_protocol::{Acceptability, Clock, Deadline, derive_seed};
use pactum_sim::negotiator::llm::LlmModel;
use pactum_sim::negotiator::{self, Builder, Negotiator, Note, Now, Response, SeatInfo};
use pactum_sim::{OutcomeId, Prepared};

use crate::protocol::{MoveKind, State};
use crate::words::check_message;

/// Why bots cannot play a scenario, or cannot find a move.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// The simulator cannot prepare the scenario, or knows no such
    /// strategy.
    #[error(transparent)]
    Sim(#[from] pactum_sim::SimError),
    /// The `llm` strategy was asked for a seat on a server without a
    /// language model.
    #[error(
        "the llm strategy needs a language model, and this server has no language model configured (bots here play the classic strategies)"
    )]
    NoModel,
    /// A recorded package is not an outcome of the scenario.
    #[error("a recorded package is off the scenario: {0}")]
    OffScenario(#[from] pactum_protocol::OutsideSpace),
}

/// Largest outcome space bots tabulate outcome by outcome; a larger one is
/// searched (`pactum_sim::Prepared::with_limit`): the bots' own outcomes
/// are those search finds, and every package played in the session is
/// added to the bots' table with its exact utility before a bot moves.
pub const MAX_BOT_OUTCOMES: u64 = 1_000_000;

/// A move as the bots see it: seat, round, kind and (for offers) the
/// outcome.
#[derive(Debug, Clone)]
pub struct SeenMove {
    pub seat: usize,
    /// The round it was made in (as recorded).
    pub round: u64,
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
    pub fn get(&self, session_id: &str, scenario: &Scenario) -> Result<Arc<Prepared>, BotError> {
        let fingerprint = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            std::hash::Hash::hash(&format!("{:?}", scenario.parties()), &mut h);
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

/// Checks that bots can play this scenario and tabulates it: every
/// outcome up to [`MAX_BOT_OUTCOMES`], the outcomes found by search beyond.
pub fn prepare(scenario: &Scenario) -> Result<Prepared, BotError> {
    Ok(Prepared::with_limit(scenario.clone(), MAX_BOT_OUTCOMES)?)
}

/// Checks a strategy name: a classic strategy, or `llm` on a server with
/// a language model (`has_model`).
pub fn check_strategy(name: &str, has_model: bool) -> Result<(), BotError> {
    if name == negotiator::LLM && !has_model {
        return Err(BotError::NoModel);
    }
    Ok(negotiator::check(name)?)
}

/// The language model a server's `llm` bots play through: where it is
/// (endpoint, model, key, timeouts, token budget, replay cache) and the
/// classic strategy that stands in for a turn the model fails.
#[derive(Debug, Clone)]
pub struct LanguageModel {
    config: Config,
    fallback: String,
}

impl LanguageModel {
    /// The model of `config`, with `fallback` (a classic strategy's name)
    /// standing in; an unknown fallback is an error naming the classic
    /// strategies.
    pub fn new(config: Config, fallback: &str) -> Result<Self, pactum_sim::SimError> {
        let fallback = fallback.trim();
        // Checks the fallback as the strategy will.
        LlmModel::new(Arc::new(Client::new(config.clone())), fallback)?;
        Ok(LanguageModel {
            config,
            fallback: fallback.to_string(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The fallback strategy's name.
    pub fn fallback(&self) -> &str {
        &self.fallback
    }

    /// The model as one session's bots use it: a client of their own, with
    /// the session's seed ([`session_seed`]) and a token budget of their own.
    pub(crate) fn for_session(&self, session_id: &str) -> Result<Arc<LlmModel>, BotError> {
        let config = self
            .config
            .clone()
            .with_seed(Some(session_seed(session_id)));
        Ok(Arc::new(LlmModel::new(
            Arc::new(Client::new(config)),
            &self.fallback,
        )?))
    }
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

/// The clock bots read: the session's deadline in rounds (relative time
/// `(round + 1) / (rounds + 1)`, the simulator's convention).
pub fn clock(deadline_rounds: u64) -> Clock {
    Clock::start(Deadline::steps(deadline_rounds as usize))
}

/// The seed of the bot in `seat`: the session's seed mixed as the
/// simulator's runner mixes a seat's.
pub fn seat_seed(session_id: &str, seat: usize) -> u64 {
    derive_seed(session_seed(session_id), seat as u64 + 1)
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
            Response::RejectWithoutOffer => (MoveKind::Reject, None),
            Response::Reject => propose(bot),
        },
        _ => propose(bot),
    }
}

/// A bot's move: the seat, the move, its outcome (offers) and the note
/// the negotiator made on it (the `llm` strategy's words, leaks and
/// fallback; none for the classic strategies).
#[derive(Debug, Clone)]
pub struct BotDecision {
    /// The seat that moves.
    pub seat: usize,
    /// The move.
    pub kind: MoveKind,
    /// The package offered, for an offer.
    pub offer: Option<Outcome>,
    /// The negotiator's note on the move, if any.
    pub note: Option<Note>,
}

impl BotDecision {
    /// The words to record with the move: the note's message, if it is one
    /// the record accepts.
    pub fn message(&self) -> Option<String> {
        let said = self.note.as_ref()?.message.as_deref()?;
        check_message("message", Some(said)).ok().flatten()
    }
}

/// The move of the bot of strategy `strategy` (built by `builder`) in the
/// seat whose turn it is in `state`, after the moves `history` (every move
/// of the session so far, in order), on the clock `clock`. A move the
/// rules refuse (checked on a copy of `state` against `limits`) becomes
/// `end`, without the words that came with it.
#[allow(clippy::too_many_arguments)]
pub fn next_move<A: Acceptability<Outcome>>(
    builder: &Builder,
    prepared: &Prepared,
    strategy: &str,
    session_id: &str,
    state: &State,
    history: &[SeenMove],
    clock: &Clock,
    limits: &A,
) -> Result<BotDecision, BotError> {
    let seat = state.turn();
    let n = prepared.negotiators.len();
    // On a searched space, the packages played so far are numbered first.
    let played: Vec<Outcome> = history
        .iter()
        .filter_map(|m| m.offer.clone())
        .chain(state.standing.as_ref().map(|(_, o)| o.clone()))
        .collect();
    let grown;
    let prepared = if prepared.space.is_searched() {
        grown = prepared.with_packages(&played)?;
        &grown
    } else {
        prepared
    };
    let info = SeatInfo {
        seat,
        parties: n,
        prefs: prepared.prefs[seat].clone(),
        space: prepared.space.clone(),
        seed: seat_seed(session_id, seat),
    };
    let mut bot = builder.build(strategy, prepared, &info)?;
    // The model is never asked about a turn already played: its own offers
    // are told to it as made.
    let ask_again = strategy != negotiator::LLM;
    let encode = |o: &Outcome| prepared.space.encode(o);
    let mut standing: Option<(OutcomeId, usize)> = None;
    for m in history {
        let now = pactum_sim::session::now(clock, m.round as usize);
        let id = m.offer.as_ref().map(encode).transpose()?;
        if m.seat == seat && ask_again {
            // Replays its own decision so that its internal state follows.
            let _ = act(bot.as_mut(), &now, standing, seat);
        } else if let Some(id) = id {
            bot.on_offer(&now, id, m.seat);
        }
        if let Some(id) = id {
            standing = Some((id, m.seat));
        }
        if m.kind == MoveKind::Leave && standing.is_some_and(|(_, p)| p == m.seat) {
            standing = None;
        }
    }
    // The offer standing as the engine has it (one whose proposer left has
    // lapsed).
    let standing = match &state.standing {
        Some((s, o)) => Some((encode(o)?, *s)),
        None => None,
    };
    let now: Now = pactum_sim::session::now(clock, state.round() as usize);
    let (kind, offer) = act(bot.as_mut(), &now, standing, seat);
    let note = bot.take_note();
    let offer = offer.map(|id| prepared.space.decode(id));
    let mut probe = state.clone();
    Ok(
        match probe.apply_within(seat, kind, offer.clone(), limits) {
            Ok(_) => BotDecision {
                seat,
                kind,
                offer,
                note,
            },
            Err(_) => BotDecision {
                seat,
                kind: MoveKind::End,
                offer: None,
                note: None,
            },
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_llm_strategy_takes_a_seat_only_with_a_model() {
        assert!(matches!(
            check_strategy("llm", false),
            Err(BotError::NoModel)
        ));
        assert!(
            BotError::NoModel
                .to_string()
                .contains("no language model configured")
        );
        assert!(check_strategy("llm", true).is_ok());
        assert!(check_strategy("boulware", false).is_ok());
        assert!(matches!(
            check_strategy("nobody", true),
            Err(BotError::Sim(_))
        ));
    }

    #[test]
    fn only_words_the_record_accepts_are_recorded() {
        let said = |message: Option<&str>| {
            BotDecision {
                seat: 0,
                kind: MoveKind::Offer,
                offer: Some(vec![0]),
                note: Some(Note {
                    message: message.map(String::from),
                    ..Note::default()
                }),
            }
            .message()
        };
        assert_eq!(said(Some("Fair?\nYes.")), Some("Fair?\nYes.".into()));
        assert_eq!(said(Some("a\u{7}b")), None, "a control character");
        assert_eq!(said(Some(&"x".repeat(501))), None, "too long");
        assert_eq!(said(Some("  ")), None, "blank");
        assert_eq!(said(None), None);
    }

    #[test]
    fn a_language_model_needs_a_classic_fallback() {
        let config = Config::new("http://127.0.0.1:9/v1", "m").unwrap();
        let model = LanguageModel::new(config.clone(), " conceder ").unwrap();
        assert_eq!(model.fallback(), "conceder");
        assert!(model.for_session("00ff").is_ok());
        for bad in ["llm", "nobody"] {
            assert!(matches!(
                LanguageModel::new(config.clone(), bad),
                Err(pactum_sim::SimError::BadFallback { .. })
            ));
        }
    }
    use pactum_protocol::AcceptAll;

    const THREE: &str = r#"
name = "three"
[[issues]]
name = "a"
options = ["x", "y", "z"]
[[parties]]
name = "A"
role = "negotiator"
weights = { a = 1.0 }
values.a = { x = 1.0, y = 0.5, z = 0.0 }
[[parties]]
name = "B"
role = "negotiator"
weights = { a = 1.0 }
values.a = { x = 0.5, y = 1.0, z = 0.5 }
[[parties]]
name = "C"
role = "negotiator"
weights = { a = 1.0 }
values.a = { x = 0.0, y = 0.5, z = 1.0 }
"#;

    #[test]
    fn errors_are_typed() {
        assert!(matches!(
            check_strategy("no-such", false),
            Err(BotError::Sim(_))
        ));
        let sc = pactum_core::native::from_toml("t", THREE).unwrap().scenario;
        assert!(prepare(&sc).is_ok());
    }

    #[test]
    fn a_bot_never_moves_for_a_seat_that_left() {
        let sc = pactum_core::native::from_toml("t", THREE).unwrap().scenario;
        let prepared = prepare(&sc).unwrap();
        let names: Vec<String> = ["A", "B", "C"].map(String::from).to_vec();
        let mut state = State::new(names, 10);
        state
            .apply(0, MoveKind::Offer, Some(vec![0]))
            .expect("A offers");
        state.apply(1, MoveKind::Leave, None).expect("B leaves");
        let mut history = vec![
            SeenMove {
                seat: 0,
                round: 0,
                kind: MoveKind::Offer,
                offer: Some(vec![0]),
            },
            SeenMove {
                seat: 1,
                round: 0,
                kind: MoveKind::Leave,
                offer: None,
            },
        ];
        let session = "00112233445566778899aabbccddeeff";
        for _ in 0..12 {
            if state.finished.is_some() {
                break;
            }
            let BotDecision {
                seat, kind, offer, ..
            } = next_move(
                &Builder::default(),
                &prepared,
                "boulware",
                session,
                &state,
                &history,
                &clock(10),
                &AcceptAll,
            )
            .unwrap();
            assert_ne!(seat, 1, "a bot moved for the seat that left");
            let round = state.round();
            state.apply(seat, kind, offer.clone()).unwrap();
            history.push(SeenMove {
                seat,
                round,
                kind,
                offer,
            });
        }
        assert_eq!(state.left_names(), ["B"]);
    }
}
