//! The mediator view of partial-rounds and single-text sessions: the
//! proposals round by round, the drafts and votes, and the utility space
//! only for the scenario's mediator once every negotiator discloses; no
//! utility ever shows before. Runs on SQLite and (when
//! `PACTUM_TEST_POSTGRES` is set) PostgreSQL.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{Tokens, assert_none, call, create_mediated, disclose};
use pactum_server::{Db, router};
use serde_json::{Value, json};

/// Distinctive numbers, so that a leak shows up as a substring of a
/// response (see `mediated_deal!` in tests/common). Price values: Alice
/// 0, .5, 1 and Bob 1, .9, .4 for prices 1, 2, 3.
const SCENARIO: &str = mediated_deal!("Mediated deal");

/// Alice's weights, reservation, her worth of price 2 and of (2, red).
const ALICE: [&str; 5] = ["0.7311", "0.2689", "0.0137", "0.36555", "0.63445"];
/// Bob's weights, reservation, his worth of price 2, price 3, (2, blue) and
/// (3, blue).
const BOB: [&str; 7] = [
    "0.1573", "0.8427", "0.0241", "0.14157", "0.06292", "0.98427", "0.90562",
];

async fn create(app: &Router, protocol: &str, deadline: u64) -> Tokens {
    let (t, b) = create_mediated(app, SCENARIO, protocol, deadline).await;
    assert_eq!(b["viewers"][0]["role"], "mediator");
    t
}

async fn view(app: &Router, t: &Tokens, token: &str) -> (Value, String) {
    let path = format!("/sessions/{}/mediator", t.id);
    let (status, v, text) = call(app, "GET", &path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    (v, text)
}

/// The views of `tokens` (`who`): no utility space, none of the secret
/// numbers.
async fn no_utilities_for(app: &Router, t: &Tokens, who: &str, tokens: &[&str]) {
    for token in tokens {
        let (v, text) = view(app, t, token).await;
        assert_eq!(v["utility_space"], Value::Null);
        assert_none(&text, &ALICE, who);
        assert_none(&text, &BOB, who);
    }
}

/// The view of the mediator, the observer and the admin: the same trace,
/// no utility and none of the secret numbers. Returns the mediator's.
async fn views_without_utilities(app: &Router, t: &Tokens) -> Value {
    let mut seen = Vec::new();
    for (who, token) in [
        ("mediator", &t.mira),
        ("observer", &t.otto),
        ("admin", &t.admin),
    ] {
        let (v, text) = view(app, t, token).await;
        assert_eq!(v["utility_space"], Value::Null, "{who}: {text}");
        assert!(!text.contains("utilities"), "{who}: {text}");
        assert_none(&text, &ALICE, who);
        assert_none(&text, &BOB, who);
        seen.push(v);
    }
    let mut without_space = seen.iter().map(|v| {
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("utility_space");
        v
    });
    let first = without_space.next().unwrap();
    assert!(
        without_space.all(|v| v == first),
        "viewers differ: {seen:?}"
    );
    seen.swap_remove(0)
}

async fn partial_move(app: &Router, t: &Tokens, token: &str, body: Value) -> Value {
    let path = format!("/sessions/{}/moves", t.id);
    let (status, b, text) = call(app, "POST", &path, Some(token), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    b
}

async fn vote(app: &Router, t: &Tokens, token: &str, accept: bool) {
    let path = format!("/sessions/{}/votes", t.id);
    let body = json!({ "accept": accept });
    let (status, _, text) = call(app, "POST", &path, Some(token), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
}

/// How many votes the convener's record shows.
async fn recorded_votes(app: &Router, t: &Tokens) -> usize {
    let record = common::record_of(app, &t.id, &t.admin).await;
    record
        .events
        .iter()
        .filter(|e| e.event["type"] == "vote")
        .count()
}

fn close(got: &Value, want: &[f64]) {
    let got: Vec<f64> = got
        .as_array()
        .unwrap_or_else(|| panic!("not a vector: {got}"))
        .iter()
        .map(|u| u.as_f64().unwrap())
        .collect();
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-9, "{got:?} != {want:?}");
    }
}

/// Round 1: Alice proposes blue, Bob price 2; Bob accepts Alice's, both
/// close. Round 2: Alice proposes price 3. Returns the proposals' ids.
async fn play_partial(app: &Router, t: &Tokens) -> (Value, Value, Value) {
    let a = partial_move(
        app,
        t,
        &t.alice,
        json!({"kind": "offer", "offer": {"colour": "blue"}}),
    )
    .await;
    let b = partial_move(
        app,
        t,
        &t.bob,
        json!({"kind": "offer", "offer": {"price": 2}}),
    )
    .await;
    partial_move(
        app,
        t,
        &t.bob,
        json!({"kind": "accept", "proposal": a["seq"]}),
    )
    .await;
    partial_move(app, t, &t.alice, json!({"kind": "reject"})).await;
    partial_move(app, t, &t.bob, json!({"kind": "reject"})).await;
    let c = partial_move(
        app,
        t,
        &t.alice,
        json!({"kind": "offer", "offer": {"price": 3}}),
    )
    .await;
    (a["seq"].clone(), b["seq"].clone(), c["seq"].clone())
}

async fn partial_rounds_trace_without_disclosure(db: Db) {
    let app = router(db);
    let t = create(&app, "partial_rounds", 2).await;
    // Before any move: one empty round in play.
    let v = views_without_utilities(&app, &t).await;
    assert_eq!(v["protocol"], "partial_rounds");
    assert_eq!(v["issues"], json!(["price", "colour"]));
    assert_eq!(v["partial"]["rounds"][0]["proposals"], json!([]));
    assert_eq!(v["partial"]["open_issues"], json!(["price", "colour"]));

    let (a, b, c) = play_partial(&app, &t).await;
    // One negotiator's disclosure is not enough.
    let r = disclose(&app, &t, &t.alice, true).await;
    assert_eq!(r["all_disclosed"], false);
    let v = views_without_utilities(&app, &t).await;
    assert_eq!(v["status"], "open");
    assert_eq!(v["round"], 1);
    assert_eq!(v["deadline_rounds"], 2);
    assert_eq!(v["turn"], Value::Null);
    assert_eq!(v["offers"], json!([]));
    assert_eq!(v["disclosed"], json!(["Alice"]));
    assert!(v.get("single_text").is_none(), "{v}");
    let p = &v["partial"];
    assert_eq!(p["settled"], json!({"colour": "blue"}));
    assert_eq!(p["open_issues"], json!(["price"]));
    assert_eq!(p["partial_agreement"], Value::Null);
    assert_eq!(
        p["rounds"][0],
        json!({
            "round": 0,
            "proposals": [
                {"id": a, "party": "Alice", "offer": {"colour": "blue"},
                 "accepted_by": ["Alice", "Bob"], "state": "settled"},
                {"id": b, "party": "Bob", "offer": {"price": 2},
                 "accepted_by": ["Bob"], "state": "lapsed"},
            ],
            "settled": {"colour": "blue"},
            "closed_by": ["Alice", "Bob"],
            "ended_by": null,
        })
    );
    assert_eq!(p["rounds"][1]["proposals"][0]["id"], c);
    assert_eq!(p["rounds"][1]["proposals"][0]["state"], "open");
    assert_eq!(p["rounds"].as_array().unwrap().len(), 2);

    // Negotiators never get the mediator view.
    let path = format!("/sessions/{}/mediator", t.id);
    for token in [&t.alice, &t.bob] {
        let (status, _, _) = call(&app, "GET", &path, Some(token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    // The deadline: the settled colour is the partial agreement.
    partial_move(&app, &t, &t.bob, json!({"kind": "reject"})).await;
    partial_move(&app, &t, &t.alice, json!({"kind": "reject"})).await;
    let v = views_without_utilities(&app, &t).await;
    assert_eq!(v["status"], "ended");
    assert_eq!(v["round"], 1);
    let p = &v["partial"];
    assert_eq!(p["partial_agreement"], json!({"colour": "blue"}));
    assert_eq!(p["rounds"].as_array().unwrap().len(), 2);
    assert_eq!(p["rounds"][1]["proposals"][0]["state"], "lapsed");
    assert_eq!(p["rounds"][1]["closed_by"], json!(["Bob", "Alice"]));
}

async fn partial_rounds_utility_space_with_full_disclosure(db: Db) {
    let app = router(db);
    let t = create(&app, "partial_rounds", 3).await;
    disclose(&app, &t, &t.alice, true).await;
    let r = disclose(&app, &t, &t.bob, true).await;
    assert_eq!(r["all_disclosed"], true);
    play_partial(&app, &t).await;
    // The observer and the admin still see packages only.
    no_utilities_for(&app, &t, "observer/admin", &[&t.otto, &t.admin]).await;
    let (v, _) = view(&app, &t, &t.mira).await;
    assert_eq!(v["partial"]["rounds"].as_array().unwrap().len(), 2);
    let space = &v["utility_space"];
    assert_eq!(space["negotiators"], json!(["Alice", "Bob"]));
    assert_eq!(space["outcome_count"], "6");
    assert!(!space["frontier"].as_array().unwrap().is_empty());
    assert!(space["nash"]["offer"].is_object());
    // Each proposal's worth from its own issues: blue, price 2, price 3.
    let offers = space["offers"].as_array().unwrap();
    assert_eq!(offers.len(), 3);
    close(&offers[0], &[0.0, 0.8427]);
    close(&offers[1], &[0.36555, 0.1573 * 0.9]);
    close(&offers[2], &[0.7311, 0.1573 * 0.4]);
    // What stands: the settled colour.
    close(&space["standing"], &[0.0, 0.8427]);

    // Withdrawn disclosure hides the utilities again.
    disclose(&app, &t, &t.bob, false).await;
    no_utilities_for(&app, &t, "mediator", &[&t.mira]).await;
}

/// Proposal 1 (price 1) vetoed by Bob; proposal 2 (price 3) adopted;
/// proposal 3 (colour blue) vetoed by Alice: the deadline makes (3, red)
/// the agreement.
async fn single_text_trace_without_disclosure(db: Db) {
    let app = router(db);
    let t = create(&app, "single_text", 3).await;
    let v = views_without_utilities(&app, &t).await;
    assert_eq!(v["protocol"], "single_text");
    assert_eq!(v["round"], 0);
    let s = &v["single_text"];
    assert_eq!(s["draft"], json!({"price": 2, "colour": "red"}));
    assert_eq!(
        s["proposals"],
        json!([{
            "proposal": 0,
            "draft": {"price": 2, "colour": "red"},
            "change": {"price": 1},
            "proposed_draft": {"price": 1, "colour": "red"},
            "votes": [],
            "resolution": null,
        }])
    );

    // Alice accepts: the view says she voted, not how, until Bob has.
    vote(&app, &t, &t.alice, true).await;
    let v = views_without_utilities(&app, &t).await;
    let votes = &v["single_text"]["proposals"][0]["votes"];
    assert_eq!(votes[0]["party"], "Alice");
    assert_eq!(votes[0]["accept"], Value::Null);
    assert!(!v.to_string().contains("true"), "{v}");
    // Moves are counted as the convener's record shows them: the open
    // proposal's vote not yet.
    assert_eq!(v["move_count"], 0);
    assert_eq!(recorded_votes(&app, &t).await, 0);
    vote(&app, &t, &t.bob, false).await;
    let v = views_without_utilities(&app, &t).await;
    assert_eq!(v["move_count"], 2);
    assert_eq!(recorded_votes(&app, &t).await, 2);
    let p0 = &v["single_text"]["proposals"][0];
    assert_eq!(p0["resolution"], "vetoed");
    assert_eq!(p0["votes"][0]["accept"], true);
    assert_eq!(p0["votes"][1]["party"], "Bob");
    assert_eq!(p0["votes"][1]["accept"], false);
    assert_eq!(v["round"], 1);

    vote(&app, &t, &t.bob, true).await;
    vote(&app, &t, &t.alice, true).await;
    let v = views_without_utilities(&app, &t).await;
    let s = &v["single_text"];
    assert_eq!(s["proposals"][1]["change"], json!({"price": 3}));
    assert_eq!(s["proposals"][1]["resolution"], "adopted");
    assert_eq!(s["draft"], json!({"price": 3, "colour": "red"}));
    assert_eq!(
        s["proposals"][2]["draft"],
        json!({"price": 3, "colour": "red"})
    );
    assert_eq!(s["proposals"][2]["change"], json!({"colour": "blue"}));

    vote(&app, &t, &t.alice, false).await;
    vote(&app, &t, &t.bob, true).await;
    let v = views_without_utilities(&app, &t).await;
    assert_eq!(v["status"], "agreement");
    assert_eq!(v["round"], 2);
    assert_eq!(v["offers"], json!([]));
    let s = &v["single_text"];
    assert_eq!(s["proposals"].as_array().unwrap().len(), 3);
    assert_eq!(s["proposals"][2]["resolution"], "vetoed");
    assert_eq!(s["agreement"], json!({"price": 3, "colour": "red"}));
    assert_eq!(s["draft"], json!({"price": 3, "colour": "red"}));
    assert!(v.get("partial").is_none(), "{v}");
}

async fn single_text_utility_space_with_full_disclosure(db: Db) {
    let app = router(db);
    let t = create(&app, "single_text", 4).await;
    disclose(&app, &t, &t.bob, true).await;
    vote(&app, &t, &t.alice, true).await;
    vote(&app, &t, &t.bob, false).await;
    // Bob alone disclosed: nothing yet.
    no_utilities_for(&app, &t, "mediator", &[&t.mira]).await;
    disclose(&app, &t, &t.alice, true).await;
    no_utilities_for(&app, &t, "observer/admin", &[&t.otto, &t.admin]).await;
    let (v, _) = view(&app, &t, &t.mira).await;
    let space = &v["utility_space"];
    assert_eq!(space["outcome_count"], "6");
    assert!(space["nash"]["offer"].is_object());
    // Proposed drafts: (1, red), then (3, red) being voted on.
    let offers = space["offers"].as_array().unwrap();
    assert_eq!(offers.len(), 2);
    close(&offers[0], &[0.2689, 0.1573]);
    close(&offers[1], &[1.0, 0.1573 * 0.4]);
    // The standing draft (2, red).
    close(&space["standing"], &[0.63445, 0.1573 * 0.9]);
}

on_both_backends!(
    partial_rounds_trace_without_disclosure,
    partial_rounds_utility_space_with_full_disclosure,
    single_text_trace_without_disclosure,
    single_text_utility_space_with_full_disclosure,
);

#[tokio::test]
async fn the_openapi_document_describes_the_traces() {
    let app = router(common::sqlite().await);
    let (status, doc, _) = call(&app, "GET", "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let schemas = &doc["components"]["schemas"];
    let view = &schemas["MediatorView"]["properties"];
    for field in [
        "protocol",
        "deadline_rounds",
        "issues",
        "partial",
        "single_text",
    ] {
        assert!(view[field].is_object(), "MediatorView lacks {field}");
    }
    for (schema, field) in [
        ("PartialTrace", "rounds"),
        ("TracedRound", "closed_by"),
        ("TracedProposal", "accepted_by"),
        ("TextTrace", "proposals"),
        ("TracedTextProposal", "votes"),
        ("TracedVote", "accept"),
        ("UtilitySpace", "standing"),
    ] {
        assert!(
            schemas[schema]["properties"][field].is_object(),
            "{schema} lacks {field}"
        );
    }
}
