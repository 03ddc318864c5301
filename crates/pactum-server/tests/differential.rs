//! Differential test of the live server against the protocol engine: for
//! many seeds, a random alternating-offers scenario (two or three parties,
//! two small discrete issues, random weights, values and reservation
//! values) and a random sequence of moves — valid and invalid: out of turn,
//! accepting one's own offer, offers and acceptances below the mover's
//! reservation value, values off the issue, leaving, ending — are played
//!
//! (a) directly on `pactum_protocol::sao::Sao`, with the scenario's limits;
//! (b) through a real server's HTTP API (the in-process router, SQLite);
//! (c) by verifying the resulting export (`pactum verify`'s replay);
//! (d) by the simulator's runner (`pactum_sim::runner::run` on the engine)
//!     through `pactum_sim::script::replay`, its seats taken by scripted
//!     negotiators that replay the moves the engine accepted (whenever the
//!     runner can express them: a negotiator with no offer of another seat
//!     to answer can only offer or end, so a sequence with a leave or a
//!     bare rejection with no such offer standing is not fed to it).
//!
//! Rules pinned: every move the engine accepts the server accepts (2xx) and
//! every move it refuses the server refuses (422 for a package beyond the
//! mover's limits or off the space, 409 otherwise); the record holds
//! exactly the engine's events (moves, then the agreement or the end, with
//! the same rounds and packages); the final outcome is the same; the
//! record replays under `pactum verify`; and the runner makes the same
//! offers in the same rounds and reaches the same end (agreement, who
//! ended it, deserted or the deadline) with the same seats left.
//!
//! The single text has a differential test of its own
//! (`differential_single_text.rs`).

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::differential::{
    Draws, ISSUES, NAMES, export_replays, read_record, runner_end, scenario_toml, start_game,
};
use common::{call, sqlite};
use pactum_core::Scenario;
use pactum_protocol::sao::{self, Sao};
use pactum_protocol::{Context, Deadline, End, Packages, Protocol, Rejection};
use pactum_server::router;
use pactum_server::testing::SeatLimits;
use pactum_sim::script::replay;
use pactum_sim::trace::{self, Step};
use pactum_sim::{Prepared, ProtocolKind};
use serde_json::{Value, json};

/// A move as both sides take it.
#[derive(Debug, Clone)]
struct Mv {
    seat: usize,
    kind: &'static str,
    /// Value indices (an index past the issue's values is off the space).
    offer: Option<Vec<u32>>,
}

fn random_move(d: &mut Draws, parties: usize) -> Mv {
    let seat = d.below(parties);
    let kinds: &[&str] = if parties > 2 {
        &[
            "offer", "offer", "offer", "accept", "accept", "reject", "end", "leave",
        ]
    } else {
        &[
            "offer", "offer", "offer", "accept", "accept", "reject", "end",
        ]
    };
    let kind = kinds[d.below(kinds.len())];
    let offer = (kind == "offer").then(|| {
        let mut o: Vec<u32> = ISSUES
            .iter()
            .map(|(_, v)| d.below(v.len()) as u32)
            .collect();
        if d.below(20) == 0 {
            o[1] = 2; // off the issue "b"
        }
        o
    });
    Mv { seat, kind, offer }
}

fn engine_move(m: &Mv) -> sao::Move<Vec<u32>> {
    match m.kind {
        "offer" => sao::Move::Offer(m.offer.clone().unwrap()),
        "accept" => sao::Move::Accept,
        "reject" => sao::Move::Reject,
        "end" => sao::Move::End,
        _ => sao::Move::Leave,
    }
}

fn body_of(m: &Mv) -> Value {
    match &m.offer {
        Some(o) => {
            let value = |i: usize| {
                ISSUES[i]
                    .1
                    .get(o[i] as usize)
                    .copied()
                    .unwrap_or("off-the-issue")
            };
            json!({"kind": "offer", "offer": {"a": value(0), "b": value(1)}})
        }
        None => json!({ "kind": m.kind }),
    }
}

/// Whether `m` offers a value off its issue.
fn off_space(m: &Mv) -> bool {
    m.offer.as_ref().is_some_and(|o| {
        o.iter()
            .zip(ISSUES)
            .any(|(v, (_, vals))| *v as usize >= vals.len())
    })
}

/// The status the server should answer a move the engine refused with.
fn status_of(r: &Rejection) -> StatusCode {
    match r {
        Rejection::OffersUnacceptable(_)
        | Rejection::AcceptsUnacceptable(_)
        | Rejection::OutsideSpace(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::CONFLICT,
    }
}

/// The record's form of an engine event: (type, party, kind, round,
/// package as value indices).
fn expected_entries(events: &[sao::Event<Vec<u32>>], sc: &Scenario) -> Vec<Value> {
    let name = |s: usize| NAMES[s];
    let pkg = |o: &Vec<u32>| pactum_server::testing::package(sc, o);
    let mut out = Vec::new();
    let mut last_round = 0;
    for e in events {
        out.push(match e {
            sao::Event::Offered {
                seat,
                round,
                outcome,
            } => {
                last_round = *round;
                json!(["move", name(*seat), "offer", round, pkg(outcome)])
            }
            sao::Event::Accepted { seat, round } => {
                last_round = *round;
                json!(["move", name(*seat), "accept", round, null])
            }
            sao::Event::Rejected { seat, round } => {
                last_round = *round;
                json!(["move", name(*seat), "reject", round, null])
            }
            sao::Event::EndedBy { seat, round } => {
                last_round = *round;
                json!(["move", name(*seat), "end", round, null])
            }
            sao::Event::Left { seat, round } => {
                last_round = *round;
                json!(["move", name(*seat), "leave", round, null])
            }
            sao::Event::Expired { .. } => continue,
            // The end is recorded in the round of the move that ended it.
            sao::Event::Over { end, .. } => match end.agreement() {
                Some(a) => json!(["agreement", null, null, last_round, pkg(&a.outcome)]),
                None => json!(["ended", null, null, last_round, null]),
            },
        });
    }
    out
}

fn recorded_entries(record: &Value) -> Vec<Value> {
    record["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["event"])
        .filter_map(|e| match e["type"].as_str() {
            Some("move") => Some(json!([
                "move",
                e["party"],
                e["kind"],
                e["round"],
                e.get("offer").cloned().unwrap_or(Value::Null)
            ])),
            Some("agreement") => Some(json!(["agreement", null, null, e["round"], e["offer"]])),
            Some("ended") => Some(json!(["ended", null, null, e["round"], null])),
            _ => None,
        })
        .collect()
}

/// What the random cases exercised, so that the test shows it covers each.
#[derive(Default, Debug)]
struct Seen {
    agreements: usize,
    leaves: usize,
    beyond_limits: usize,
    conflicts: usize,
    /// Sequences the simulator's runner replayed.
    runner: usize,
}

/// (d): the simulator's scripted re-run (`pactum_sim::script::replay`) of
/// `accepted` (the moves the engine took, in order), against the engine's
/// `events` and `end`; `None` when the runner cannot express the sequence.
fn runner_agrees(
    seed: u64,
    sc: &Scenario,
    deadline: usize,
    accepted: &[Mv],
    events: &[sao::Event<Vec<u32>>],
    end: &End<Vec<u32>>,
) -> Option<()> {
    // Which moves the runner can ask for: after every move, whether an
    // offer by another seat stands (the runner then asks `respond`, which
    // may accept, reject with or without a counter-offer, end or leave;
    // otherwise it asks `propose`, which offers or ends).
    let mut standing: Option<usize> = None;
    for m in accepted {
        let answers = standing.is_some_and(|p| p != m.seat);
        if matches!(m.kind, "accept" | "leave" | "reject") && !answers {
            return None;
        }
        match m.kind {
            "offer" => standing = Some(m.seat),
            "leave" if standing == Some(m.seat) => standing = None,
            _ => {}
        }
    }
    let prepared = Prepared::new(sc.clone()).unwrap();
    let steps: Vec<Step> = accepted
        .iter()
        .map(|m| Step {
            seat: m.seat,
            mv: trace::Move::Sao(match (m.kind, &m.offer) {
                ("offer", Some(o)) => sao::Move::Offer(prepared.space.encode(o).unwrap()),
                ("accept", _) => sao::Move::Accept,
                ("reject", _) => sao::Move::Reject,
                ("leave", _) => sao::Move::Leave,
                _ => sao::Move::End,
            }),
        })
        .collect();
    let replayed = replay(
        &prepared,
        ProtocolKind::Sao,
        pactum_sim::Deadline::steps(deadline),
        seed,
        &steps,
    )
    .expect("a sequence of alternating offers replays");
    assert_eq!(replayed.unplayed, 0, "seed {seed}: every move played");
    let result = replayed.result;
    let offers: Vec<(usize, usize, Vec<u32>)> = result
        .trace
        .events
        .iter()
        .map(|e| (e.step, e.proposer.unwrap(), prepared.space.decode(e.offer)))
        .collect();
    let engine_offers: Vec<(usize, usize, Vec<u32>)> = events
        .iter()
        .filter_map(|e| match e {
            sao::Event::Offered {
                seat,
                round,
                outcome,
            } => Some((*round, *seat, outcome.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(offers, engine_offers, "seed {seed}: the runner's offers");
    let left: Vec<usize> = accepted
        .iter()
        .filter(|m| m.kind == "leave")
        .map(|m| m.seat)
        .collect();
    assert_eq!(result.left, left, "seed {seed}: who left");
    let expected = runner_end(end, &prepared.space);
    assert_eq!(result.end, expected, "seed {seed}: the runner's end");
    assert_eq!(
        result.agreement.map(|a| prepared.space.decode(a)),
        end.agreement().map(|a| a.outcome.clone()),
        "seed {seed}: the runner's agreement"
    );
    Some(())
}

async fn play(app: &Router, seed: u64, dir: &std::path::Path, seen: &mut Seen) {
    let mut d = Draws::new(seed);
    let game = start_game(app, &mut d, seed, "alternating_offers", scenario_toml).await;
    let (parties, deadline, sc) = (game.parties, game.deadline, game.scenario);
    let (id, admin, tokens) = (game.id, game.admin, game.tokens);

    // (a) The engine, with the scenario's limits.
    let space = Packages::new(ISSUES.iter().map(|(_, v)| v.len() as u32).collect());
    let limits = SeatLimits::new(&sc);
    let ctx = Context::new(&space, &limits);
    let mut engine = Sao::<Vec<u32>>::new(parties, &Deadline::steps(deadline)).unwrap();
    let mut events = Vec::new();
    let moves_path = format!("/sessions/{id}/moves");
    let mut last_answer = Value::Null;
    let mut accepted: Vec<Mv> = Vec::new();
    for k in 0..14 {
        let m = random_move(&mut d, parties);
        let expected = engine.apply(m.seat, engine_move(&m), &ctx);
        // (b) The server.
        let (status, body, text) = call(
            app,
            "POST",
            &moves_path,
            Some(&tokens[m.seat]),
            Some(body_of(&m)),
        )
        .await;
        match expected {
            Ok(ev) => {
                assert_eq!(
                    status,
                    StatusCode::OK,
                    "seed {seed}, move {k} {m:?}: the engine accepted it, the server answered {text}"
                );
                seen.leaves += usize::from(m.kind == "leave");
                events.extend(ev.into_vec());
                accepted.push(m.clone());
                last_answer = body;
            }
            // A package off the issues is refused by the HTTP layer before
            // the rules see it (422 whatever the state); otherwise the
            // status says which rule refused it.
            Err(r) if off_space(&m) => assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "seed {seed}, move {k} {m:?}: the engine refused it ({r}), the server answered {text}"
            ),
            Err(r) => {
                match &r {
                    Rejection::OffersUnacceptable(_) | Rejection::AcceptsUnacceptable(_) => {
                        seen.beyond_limits += 1
                    }
                    _ => seen.conflicts += 1,
                }
                assert_eq!(
                    status,
                    status_of(&r),
                    "seed {seed}, move {k} {m:?}: the engine refused it ({r}), the server answered {text}"
                );
            }
        }
    }

    // Whose turn it is ends a negotiation still open, so that it exports.
    if let Some(seat) = engine.turn() {
        let m = Mv {
            seat,
            kind: "end",
            offer: None,
        };
        events.extend(engine.apply(seat, sao::Move::End, &ctx).unwrap().into_vec());
        accepted.push(m.clone());
        let (status, body, text) = call(
            app,
            "POST",
            &moves_path,
            Some(&tokens[seat]),
            Some(body_of(&m)),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "seed {seed}: {text}");
        last_answer = body;
    }

    // The record holds the engine's events, and the same outcome.
    let record = read_record(app, &id, &admin).await;
    assert_eq!(
        recorded_entries(&record),
        expected_entries(&events, &sc),
        "seed {seed}: the record is not the engine's events"
    );
    let end = engine.end().expect("over");
    if runner_agrees(seed, &sc, deadline, &accepted, &events, end).is_some() {
        seen.runner += 1;
    }
    match engine.end() {
        None => panic!("seed {seed}: still open after the end"),
        Some(End::Agreement(a)) => {
            seen.agreements += 1;
            assert_eq!(last_answer["status"], "agreement", "seed {seed}");
            assert_eq!(
                last_answer["agreement"],
                json!(pactum_server::testing::package(&sc, &a.outcome)),
                "seed {seed}"
            );
        }
        Some(_) => assert_eq!(last_answer["status"], "ended", "seed {seed}"),
    }

    // The export replays under `pactum verify`.
    export_replays(app, &id, &admin, dir, &format!("export-{seed}.json")).await;
}

#[tokio::test]
async fn server_engine_and_replay_agree_on_random_moves() {
    let app = router(sqlite().await);
    let dir = tempfile::tempdir().unwrap();
    let mut seen = Seen::default();
    for seed in 0..60 {
        play(&app, seed, dir.path(), &mut seen).await;
    }
    assert!(
        seen.agreements > 0
            && seen.leaves > 0
            && seen.beyond_limits > 0
            && seen.conflicts > 0
            && seen.runner > 5,
        "{seen:?}"
    );
}
