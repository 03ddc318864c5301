//! Differential test of the live single text against the protocol engine:
//! for many seeds, a random scenario (two or three parties, two small
//! discrete issues, random weights, values and reservation values) and a
//! random sequence of votes — valid and invalid: a second vote on the same
//! proposal, a vote naming another proposal, yes-votes for packages below
//! the voter's reservation value — are cast
//!
//! (a) directly on `pactum_protocol::single_text::SingleText`, with the
//!     session's mediator (each of the four in turn: draft-and-vote, veto
//!     and hill-climbing seeded as the record says, packages after every
//!     negotiator's lock, consulting the scenario's utilities), over the
//!     simulator's numbered space and limits;
//! (b) through a real server's HTTP API (`POST /sessions/{id}/votes`);
//! (c) by verifying the resulting export (`pactum verify`'s replay).
//!
//! Rules pinned: every vote the engine accepts the server accepts (2xx);
//! every vote it refuses the server refuses with 409; a yes-vote for a
//! package the voter may not accept — which the engine would count as a
//! veto — the server refuses with 422, so that the voter knows; the record
//! holds the engine's votes and proposals, in order; the end is the same;
//! and the export replays under `pactum verify`.

mod common;

use axum::Router;
use axum::http::StatusCode;
use std::sync::Arc;

use common::differential::{
    Draws, NAMES, export_replays, read_record, scenario_toml, start_game_with,
};
use common::{call, lock_preferences, sqlite};
use pactum_protocol::single_text::{self, Mediator, SingleText, Vote};
use pactum_protocol::{
    AcceptAll, Acceptability, Context, Deadline, OutcomeId, Protocol, Seat, Utilities,
};
use pactum_server::router;
use pactum_sim::session::Limits;
use pactum_sim::{PartyPrefs, Prepared};
use serde_json::{Value, json};

/// The negotiators' utilities, from the simulator's tables (what the
/// packages mediator consults).
struct Oracle<'a>(&'a [Arc<PartyPrefs>]);

impl Utilities<OutcomeId> for Oracle<'_> {
    fn utility(&self, seat: Seat, outcome: &OutcomeId) -> f64 {
        self.0[seat].utility(*outcome)
    }

    fn disagreement(&self, seat: Seat) -> f64 {
        self.0[seat].floor()
    }
}

/// The API's name of a mediator.
fn api_name(m: Mediator) -> &'static str {
    match m {
        Mediator::Veto => "veto",
        Mediator::HillClimbing => "hill_climbing",
        Mediator::DraftAndVote => "draft_and_vote",
        Mediator::Packages => "packages",
    }
}

#[derive(Default, Debug)]
struct Seen {
    /// Sessions played per mediator (in `Mediator::ALL`'s order).
    played: [usize; 4],
    adopted: usize,
    agreements: usize,
    beyond_limits: usize,
    conflicts: usize,
}

/// The record's votes and proposals: ("vote", party, proposal, accept) and
/// ("proposal", number).
fn recorded(record: &Value) -> Vec<Value> {
    record["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["event"])
        .filter_map(|e| match e["type"].as_str() {
            Some("vote") => Some(json!(["vote", e["party"], e["proposal"], e["accept"]])),
            Some("proposal") => Some(json!(["proposal", e["proposal"]])),
            _ => None,
        })
        .collect()
}

async fn play(app: &Router, seed: u64, dir: &std::path::Path, seen: &mut Seen) {
    let mut d = Draws::new(seed);
    let mediator = Mediator::ALL[seed as usize % 4];
    seen.played[seed as usize % 4] += 1;
    let request = json!({"protocol": "single_text", "mediator": api_name(mediator)});
    let game = start_game_with(app, &mut d, seed, request, scenario_toml).await;
    let (parties, deadline, sc) = (game.parties, game.deadline, game.scenario);
    let (id, admin, tokens) = (game.id, game.admin, game.tokens);

    let prepared = Prepared::new(sc.clone()).unwrap();
    let space = &*prepared.space;
    let limits = Limits(&prepared.prefs);
    let oracle = Oracle(&prepared.prefs);
    let ctx = Context::with_utilities(space, &limits, &oracle);
    // The seed the record carries (veto, hill-climbing).
    let created = &read_record(app, &id, &admin).await["events"][0]["event"];
    let mediator_seed = created["mediator_seed"].as_u64().unwrap_or(0);
    if mediator == Mediator::Packages {
        for token in &tokens {
            lock_preferences(app, &id, token).await;
        }
    }
    let mut engine = SingleText::start(
        &ctx,
        parties,
        &Deadline::steps(deadline),
        mediator,
        mediator_seed,
    )
    .unwrap();
    let mut expected = if engine.end().is_none() {
        vec![json!(["proposal", 0])]
    } else {
        Vec::new()
    };
    let votes = format!("/sessions/{id}/votes");
    let mut k = 0;
    while engine.end().is_none() {
        k += 1;
        // Random votes first, then everyone vetoes until the deadline.
        let (seat, accept, proposal) = if k <= 16 {
            let current = engine.proposal().number;
            let proposal = match d.below(6) {
                0 => None,
                1 => Some(current + 1),
                _ => Some(current),
            };
            (d.below(parties), d.below(2) == 0, proposal)
        } else {
            let seat = (0..parties).find(|&s| engine.vote_of(s).is_none()).unwrap();
            (seat, false, None)
        };
        let outcome = engine.proposal().outcome;
        let vote = Vote { accept, proposal };
        // The engine's own checks, then the voter's limits (the server's
        // refusal of a yes-vote the engine would count as a veto).
        let probe = engine
            .clone()
            .apply(
                seat,
                Vote {
                    accept: false,
                    proposal,
                },
                &Context::with_utilities(space, &AcceptAll, &oracle),
            )
            .map(|_| ());
        let want = match probe {
            Err(_) => StatusCode::CONFLICT,
            Ok(()) if accept && limits.may_accept(seat, &outcome).is_err() => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Ok(()) => StatusCode::OK,
        };
        let mut body = json!({ "accept": accept });
        if let Some(p) = proposal {
            body["proposal"] = json!(p);
        }
        let (status, answer, text) =
            call(app, "POST", &votes, Some(&tokens[seat]), Some(body)).await;
        assert_eq!(
            status, want,
            "seed {seed}, vote {k} by {seat} ({accept}, {proposal:?}): {text}"
        );
        match want {
            StatusCode::OK => {
                let events = engine.apply(seat, vote, &ctx).unwrap();
                for e in events.iter() {
                    match e {
                        single_text::Event::Voted {
                            seat,
                            proposal,
                            accept,
                            ..
                        } => expected.push(json!(["vote", NAMES[*seat], proposal, accept])),
                        single_text::Event::Proposed(p) => {
                            expected.push(json!(["proposal", p.number]))
                        }
                        single_text::Event::Adopted { .. } => seen.adopted += 1,
                        _ => {}
                    }
                }
                let _ = answer;
            }
            StatusCode::CONFLICT => seen.conflicts += 1,
            _ => seen.beyond_limits += 1,
        }
    }

    let record = read_record(app, &id, &admin).await;
    assert_eq!(
        recorded(&record),
        expected,
        "seed {seed}: the record is not the engine's events"
    );
    let last = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| &e["event"])
        .find(|e| e["type"] == "agreement" || e["type"] == "ended")
        .unwrap_or_else(|| panic!("seed {seed}: no end recorded"));
    match engine.end().unwrap().agreement() {
        Some(a) => {
            seen.agreements += 1;
            assert_eq!(last["type"], "agreement", "seed {seed}");
            assert_eq!(
                last["offer"],
                json!(pactum_server::testing::package(
                    &sc,
                    &space.decode(a.outcome)
                ))
            );
        }
        None => assert_eq!(last["type"], "ended", "seed {seed}"),
    }

    // The export replays under `pactum verify`.
    export_replays(app, &id, &admin, dir, &format!("text-{seed}.json")).await;
}

#[tokio::test]
async fn server_engine_and_replay_agree_on_random_votes() {
    let app = router(sqlite().await);
    let dir = tempfile::tempdir().unwrap();
    let mut seen = Seen::default();
    for seed in 0..40 {
        play(&app, seed, dir.path(), &mut seen).await;
    }
    assert!(
        seen.adopted > 0
            && seen.agreements > 0
            && seen.beyond_limits > 0
            && seen.conflicts > 0
            && seen.played.iter().all(|&n| n >= 10),
        "{seen:?}"
    );
}
