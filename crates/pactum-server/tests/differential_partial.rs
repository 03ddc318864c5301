//! Differential test of live free-form rounds against the protocol engine:
//! for many seeds, a random scenario (two or three parties, three small
//! discrete issues, random weights, values and reservation values) and a
//! random sequence of partial-rounds moves — valid and invalid: proposals
//! over settled issues, over an unknown issue, with a value off the issue,
//! empty, a second proposal in a round, accepting one's own, a lapsed or an
//! unknown proposal, accepting twice, closing one's part of the round
//! (`reject`), moving after closing it, ending, and proposals or
//! acceptances that would complete an agreement beyond the mover's limits —
//! are played
//!
//! (a) directly on `pactum_protocol::partial_rounds::PartialRounds`, with
//!     the scenario's limits;
//! (b) through a real server's HTTP API (`POST /sessions/{id}/moves`);
//! (c) by verifying the resulting export (`pactum verify`'s replay);
//! (d) by the simulator's runner, through `pactum_sim::script::replay`:
//!     the moves the engine accepted, played free-form in their order.
//!
//! Rules pinned: every move the engine accepts the server accepts (2xx);
//! every move it refuses the server refuses — 422 for a proposal or an
//! acceptance beyond the mover's limits, 409 otherwise — and records
//! nothing; a request that is no proposal the server can read (empty, an
//! unknown issue, a value off the issue) is refused with 422 whatever the
//! state, as the request is read before the session is;
//! the record holds exactly the engine's events (moves, settlements, the
//! partial agreement and the end, with the same rounds, proposal numbers
//! and packages); and the export replays under `pactum verify`.
//!
//! and the runner reaches the same end with the same agreement.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::differential::{
    Draws, NAMES, export_replays, read_record, runner_end, scenario_toml_over, start_game,
};
use common::{post_move, sqlite};
use pactum_protocol::partial_rounds::{self, Move, PartialRounds};
use pactum_protocol::{Context, Deadline, End, Packages, Protocol, Rejection};
use pactum_server::router;
use pactum_server::testing::SeatLimits;
use pactum_sim::script::replay;
use pactum_sim::trace::{self, Step};
use pactum_sim::{Prepared, ProtocolKind};
use serde_json::{Value, json};

const ISSUES: [(&str, &[&str]); 3] = [
    ("a", &["x", "y", "z"]),
    ("b", &["p", "q"]),
    ("c", &["u", "v"]),
];

/// A random scenario over the three issues: the first weighs 0.2 to 0.6,
/// the last always 0.2.
fn scenario_toml(d: &mut Draws, parties: usize) -> String {
    scenario_toml_over(d, parties, &ISSUES, [0.2, 0.4, 0.6], |w| {
        format!("a = {w}, b = {}, c = 0.2", 0.8 - w)
    })
}

/// (issue, value) pairs as the record's package.
fn package(pairs: &[(usize, u32)]) -> Value {
    let mut m = serde_json::Map::new();
    for &(i, v) in pairs {
        let (name, options) = ISSUES[i];
        m.insert(name.into(), json!(options[v as usize]));
    }
    Value::Object(m)
}

/// The record's entries in the form [`expected`] builds from the engine.
fn recorded(record: &Value) -> Vec<Value> {
    record["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["event"])
        .filter_map(|e| match e["type"].as_str() {
            Some("partial_move") => Some(json!([
                "move",
                e["party"],
                e["kind"],
                e["offer"],
                e["proposal"],
                e["round"]
            ])),
            Some("settled") => Some(json!(["settled", e["proposal"], e["issues"], e["round"]])),
            Some("partial_agreement") => {
                Some(json!(["partial_agreement", e["settled"], e["round"]]))
            }
            Some("agreement") => Some(json!(["end", e["offer"], e["round"]])),
            Some("ended") => Some(json!(["end", null, e["round"]])),
            _ => None,
        })
        .collect()
}

/// The engine's event in the form [`recorded`] gives the record's.
fn expected(e: &partial_rounds::Event<Vec<u32>>, kind: &str) -> Option<Value> {
    use partial_rounds::Event as E;
    Some(match e {
        E::Proposed {
            seat,
            round,
            issues,
            ..
        } => json!(["move", NAMES[*seat], kind, package(issues), null, round]),
        E::Accepted { seat, round, id } => json!(["move", NAMES[*seat], kind, null, id, round]),
        E::Rejected { seat, round } | E::EndedBy { seat, round } => {
            json!(["move", NAMES[*seat], kind, null, null, round])
        }
        E::Settled { round, id, issues } => json!(["settled", id, package(issues), round]),
        E::PartialAgreement { round, settled } => {
            json!(["partial_agreement", package(settled), round])
        }
        E::Over { round, end } => match end.as_ref() {
            End::Agreement(a) => {
                let pairs: Vec<(usize, u32)> = a.outcome.iter().copied().enumerate().collect();
                json!(["end", package(&pairs), round])
            }
            _ => json!(["end", null, round]),
        },
        E::RoundClosed { .. } | E::Expired { .. } => return None,
    })
}

#[derive(Default, Debug)]
struct Seen {
    settled: usize,
    agreements: usize,
    partial_agreements: usize,
    unprocessable: usize,
    beyond_limits: usize,
    conflicts: usize,
}

/// A random move by a random seat: the request's body, and the engine's
/// move (`None` for a request that is not a proposal the server can read).
fn draw(
    d: &mut Draws,
    engine: &PartialRounds<Vec<u32>>,
    parties: usize,
    closing: bool,
) -> (usize, Value, Option<Move>) {
    let open: Vec<usize> = (0..parties).filter(|&s| !engine.has_closed(s)).collect();
    if closing {
        // Everyone closes the round in turn until the deadline.
        return (open[0], json!({"kind": "reject"}), Some(Move::Reject));
    }
    let seat = d.below(parties);
    let proposals = engine.proposals();
    // Helpful acceptances: a seat that has not accepted an open proposal.
    let helpful: Vec<(usize, u64)> = proposals
        .iter()
        .filter(|p| p.open)
        .flat_map(|p| {
            (0..parties)
                .filter(|&s| !p.accepted[s] && !engine.has_closed(s))
                .map(move |s| (s, p.id))
        })
        .collect();
    match d.below(15) {
        0..=4 => {
            // Some issues (open ones mostly, settled ones sometimes), or
            // every open one.
            let every_open = d.below(3) == 0;
            let mut pairs = Vec::new();
            for (i, (_, options)) in ISSUES.iter().enumerate() {
                let settled = engine.settled()[i].is_some();
                let pick = if every_open {
                    !settled
                } else {
                    d.below(if settled { 5 } else { 2 }) == 0
                };
                if pick {
                    pairs.push((i, d.below(options.len()) as u32));
                }
            }
            let body = json!({"kind": "offer", "offer": package(&pairs)});
            let mv = (!pairs.is_empty()).then_some(Move::Propose {
                id: 0,
                issues: pairs,
            });
            (seat, body, mv)
        }
        5 => {
            // Malformed: an unknown issue, a value off the issue, or empty;
            // the server cannot read it as a proposal, whatever the state.
            let offer = [json!({"zz": "x"}), json!({"b": "w"}), json!({})][d.below(3)].clone();
            (seat, json!({"kind": "offer", "offer": offer}), None)
        }
        6..=8 if !proposals.is_empty() => {
            // An existing proposal: open or lapsed, one's own or another's.
            let id = proposals[d.below(proposals.len())].id;
            let body = json!({"kind": "accept", "proposal": id});
            (seat, body, Some(Move::Accept { id }))
        }
        6 | 7 => {
            let id = 1000 + d.below(5) as u64;
            let body = json!({"kind": "accept", "proposal": id});
            (seat, body, Some(Move::Accept { id }))
        }
        9..=11 if !helpful.is_empty() => {
            let (seat, id) = helpful[d.below(helpful.len())];
            let body = json!({"kind": "accept", "proposal": id});
            (seat, body, Some(Move::Accept { id }))
        }
        9..=12 => (seat, json!({"kind": "reject"}), Some(Move::Reject)),
        _ if d.below(4) == 0 => (seat, json!({"kind": "end"}), Some(Move::End)),
        _ => (seat, json!({"kind": "reject"}), Some(Move::Reject)),
    }
}

async fn play(app: &Router, seed: u64, dir: &std::path::Path, seen: &mut Seen) {
    let mut d = Draws::new(seed);
    let game = start_game(app, &mut d, seed, "partial_rounds", scenario_toml).await;
    let (parties, deadline, sc) = (game.parties, game.deadline, game.scenario);
    let (id, admin, tokens) = (game.id, game.admin, game.tokens);

    let space = Packages::new(ISSUES.iter().map(|(_, v)| v.len() as u32).collect());
    let limits = SeatLimits::new(&sc);
    let ctx = Context::new(&space, &limits);
    let mut engine =
        PartialRounds::<Vec<u32>>::new(ISSUES.len(), parties, &Deadline::steps(deadline)).unwrap();
    let mut want_record = Vec::new();
    let mut accepted: Vec<Step> = Vec::new();
    let mut k = 0;
    while engine.end().is_none() {
        k += 1;
        let (seat, body, mv) = draw(&mut d, &engine, parties, k > 30);
        let kind = body["kind"].as_str().unwrap().to_string();
        // The engine's answer (a proposal's id is the record's sequence
        // number, known once the server answers; it only has to be new).
        let probe = mv.clone().map(|mv| {
            let mv = match mv {
                Move::Propose { issues, .. } => Move::Propose {
                    id: u64::MAX,
                    issues,
                },
                other => other,
            };
            engine.clone().apply(seat, mv, &ctx).map(|_| ())
        });
        let want = match &probe {
            None => StatusCode::UNPROCESSABLE_ENTITY,
            Some(Ok(())) => StatusCode::OK,
            Some(Err(
                Rejection::EmptyProposal
                | Rejection::OutsideSpace(_)
                | Rejection::RepeatedIssue { .. }
                | Rejection::OffersUnacceptable(_)
                | Rejection::AcceptsUnacceptable(_),
            )) => StatusCode::UNPROCESSABLE_ENTITY,
            Some(Err(_)) => StatusCode::CONFLICT,
        };
        let (status, answer, text) = post_move(app, &id, &tokens[seat], body.clone()).await;
        assert_eq!(
            status, want,
            "seed {seed}, move {k} by {seat} ({body}; engine: {probe:?}): {text}"
        );
        match want {
            StatusCode::OK => {
                let mv = match mv.unwrap() {
                    Move::Propose { issues, .. } => Move::Propose {
                        id: answer["seq"].as_u64().unwrap(),
                        issues,
                    },
                    other => other,
                };
                accepted.push(Step {
                    seat,
                    mv: trace::Move::Partial(mv.clone()),
                });
                let events = engine.apply(seat, mv, &ctx).unwrap();
                for e in events.iter() {
                    match e {
                        partial_rounds::Event::Settled { .. } => seen.settled += 1,
                        partial_rounds::Event::PartialAgreement { .. } => {
                            seen.partial_agreements += 1
                        }
                        partial_rounds::Event::Over { end, .. } if end.agreement().is_some() => {
                            seen.agreements += 1
                        }
                        _ => {}
                    }
                    want_record.extend(expected(e, &kind));
                }
            }
            StatusCode::CONFLICT => seen.conflicts += 1,
            _ if matches!(
                probe,
                Some(Err(
                    Rejection::OffersUnacceptable(_) | Rejection::AcceptsUnacceptable(_)
                ))
            ) =>
            {
                seen.beyond_limits += 1
            }
            _ => seen.unprocessable += 1,
        }
    }

    let record = read_record(app, &id, &admin).await;
    assert_eq!(
        recorded(&record),
        want_record,
        "seed {seed}: the record is not the engine's events"
    );

    // The export replays under `pactum verify`.
    export_replays(app, &id, &admin, dir, &format!("partial-{seed}.json")).await;

    // (d) The simulator's runner, fed the accepted moves in order.
    let prepared = Prepared::new(sc.clone()).unwrap();
    let replayed = replay(
        &prepared,
        ProtocolKind::PartialRounds,
        pactum_sim::Deadline::steps(deadline),
        seed,
        &accepted,
    )
    .unwrap();
    assert_eq!(replayed.unplayed, 0, "seed {seed}: every move played");
    let end = engine.end().unwrap();
    let expected_end = runner_end(end, &prepared.space);
    assert_eq!(
        replayed.result.end, expected_end,
        "seed {seed}: the runner's end"
    );
    assert_eq!(
        replayed.result.trace.moves, accepted,
        "seed {seed}: the runner's moves"
    );
}

#[tokio::test]
async fn server_engine_and_replay_agree_on_random_partial_rounds() {
    let app = router(sqlite().await);
    let dir = tempfile::tempdir().unwrap();
    let mut seen = Seen::default();
    for seed in 0..40 {
        play(&app, seed, dir.path(), &mut seen).await;
    }
    assert!(
        seen.settled > 0
            && seen.agreements > 0
            && seen.partial_agreements > 0
            && seen.unprocessable > 0
            && seen.beyond_limits > 0
            && seen.conflicts > 0,
        "{seen:?}"
    );
}
