//! Differential test of the live single text against the protocol engine:
//! for many seeds, a random scenario (two or three parties, two small
//! discrete issues, random weights, values and reservation values) and a
//! random sequence of votes — valid and invalid: a second vote on the same
//! proposal, a vote naming another proposal, yes-votes for packages below
//! the voter's reservation value — are cast
//!
//! (a) directly on `pactum_protocol::single_text::SingleText` (the
//!     draft-and-vote mediator), with the scenario's limits;
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
use common::differential::{
    Draws, ISSUES, NAMES, export_replays, read_record, scenario_toml, start_game,
};
use common::{call, sqlite};
use pactum_protocol::single_text::{self, Mediator, SingleText, Vote};
use pactum_protocol::{AcceptAll, Acceptability, Context, Deadline, Packages, Protocol};
use pactum_server::router;
use pactum_server::testing::SeatLimits;
use serde_json::{Value, json};

#[derive(Default, Debug)]
struct Seen {
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
    let game = start_game(app, &mut d, seed, "single_text", scenario_toml).await;
    let (parties, deadline, sc) = (game.parties, game.deadline, game.scenario);
    let (id, admin, tokens) = (game.id, game.admin, game.tokens);

    let space = Packages::new(ISSUES.iter().map(|(_, v)| v.len() as u32).collect());
    let limits = SeatLimits::new(&sc);
    let ctx = Context::new(&space, &limits);
    let mut engine = SingleText::new(
        &space,
        parties,
        &Deadline::steps(deadline),
        Mediator::DraftAndVote,
        0,
    )
    .unwrap();
    let mut expected = vec![json!(["proposal", 0])];
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
        let outcome = engine.proposal().outcome.clone();
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
                &Context::new(&space, &AcceptAll),
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
                json!(pactum_server::testing::package(&sc, &a.outcome))
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
        seen.adopted > 0 && seen.agreements > 0 && seen.beyond_limits > 0 && seen.conflicts > 0,
        "{seen:?}"
    );
}
