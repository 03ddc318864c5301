//! Free-form rounds with partial agreements (protocol `partial_rounds`):
//! settling issues round by round, the partial agreement at the deadline and
//! refused moves, through the HTTP API.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{Session, TEST_DEAL, call, create_test_deal, post_move};
use pactum_server::{Db, router};
use serde_json::{Value, json};

async fn create(app: &Router, deadline: u64) -> Session {
    create_test_deal(
        app,
        json!({"protocol": "partial_rounds", "deadline_rounds": deadline}),
    )
    .await
}

async fn mv(app: &Router, s: &Session, token: &str, body: Value) -> (StatusCode, Value, String) {
    post_move(app, &s.id, token, body).await
}

async fn ok(app: &Router, s: &Session, token: &str, body: Value) -> Value {
    let (status, b, text) = mv(app, s, token, body).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    b
}

async fn me(app: &Router, s: &Session, token: &str) -> Value {
    let (status, b, text) = call(
        app,
        "GET",
        &format!("/sessions/{}/me", s.id),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    b
}

async fn record_types(app: &Router, s: &Session) -> Vec<Value> {
    let (status, b, text) = call(
        app,
        "GET",
        &format!("/sessions/{}/record", s.id),
        Some(&s.admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let record: pactum_server::Record = serde_json::from_value(b).unwrap();
    pactum_server::verify_record(&record).unwrap();
    record.events.into_iter().map(|e| e.event).collect()
}

fn offer(pkg: Value) -> Value {
    json!({"kind": "offer", "offer": pkg})
}

fn accept(id: &Value) -> Value {
    json!({"kind": "accept", "proposal": id})
}

fn done() -> Value {
    json!({"kind": "reject"})
}

async fn one_issue_in_round_one_the_rest_later(db: Db) {
    let app = router(db);
    let s = create(&app, 3).await;
    // Round 1: Alice proposes the colour, Bob the price; Bob accepts Alice's.
    let a = ok(&app, &s, &s.alice, offer(json!({"colour": "blue"}))).await;
    assert_eq!(a["status"], "open");
    let pid = a["seq"].clone();
    let b = ok(&app, &s, &s.bob, offer(json!({"price": 3}))).await;
    let bob_pid = b["seq"].clone();
    let acc = ok(&app, &s, &s.bob, accept(&pid)).await;
    assert_eq!(acc["partial"]["settled"], json!({"colour": "blue"}));
    assert_eq!(acc["partial"]["open_issues"], json!(["price"]));
    let m = me(&app, &s, &s.alice).await;
    assert_eq!(m["protocol"], "partial_rounds");
    assert_eq!(m["round"], 0);
    assert_eq!(m["partial"]["settled"], json!({"colour": "blue"}));
    assert_eq!(m["partial"]["proposals"].as_array().unwrap().len(), 2);
    // Both close the round without accepting Bob's price.
    ok(&app, &s, &s.alice, done()).await;
    let r = ok(&app, &s, &s.bob, done()).await;
    assert_eq!(r["status"], "open");
    assert_eq!(r["partial"]["round"], 1);
    // The lapsed proposal cannot be accepted in round 2.
    let (status, _, text) = mv(&app, &s, &s.alice, accept(&bob_pid)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    // Round 2: the settled colour is carried over; Bob proposes a price.
    let m = me(&app, &s, &s.bob).await;
    assert_eq!(m["round"], 1);
    assert_eq!(m["partial"]["settled"], json!({"colour": "blue"}));
    assert_eq!(m["partial"]["proposals"], json!([]));
    let b = ok(&app, &s, &s.bob, offer(json!({"price": 2}))).await;
    let fin = ok(&app, &s, &s.alice, accept(&b["seq"])).await;
    assert_eq!(fin["status"], "agreement", "{fin}");
    assert_eq!(fin["agreement"], json!({"price": 2, "colour": "blue"}));
    let types = record_types(&app, &s).await;
    let settled: Vec<&Value> = types.iter().filter(|e| e["type"] == "settled").collect();
    assert_eq!(settled.len(), 2);
    assert_eq!(settled[0]["issues"], json!({"colour": "blue"}));
    assert_eq!(settled[0]["round"], 0);
    assert_eq!(settled[1]["round"], 1);
    assert!(types.iter().any(|e| e["type"] == "agreement"));
    assert_eq!(types.last().unwrap()["type"], "certificate");
    let (status, _, _) = mv(&app, &s, &s.bob, done()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // After settling, the mediator offers what everyone weakly prefers to
    // the agreement: (3, blue) is better for both than (2, blue).
    let sugg = common::ask_suggestions(&app, &s.id, &s.alice).await;
    assert!(
        (sugg["standing_offer_utility"].as_f64().unwrap() - 0.4).abs() < 1e-9,
        "{sugg}"
    );
    assert_eq!(
        sugg["improving"][0]["offer"],
        json!({"price": 3, "colour": "blue"}),
        "{sugg}"
    );
}

async fn the_deadline_records_a_partial_agreement(db: Db) {
    let app = router(db);
    let s = create(&app, 2).await;
    let a = ok(&app, &s, &s.alice, offer(json!({"price": 1}))).await;
    ok(&app, &s, &s.bob, accept(&a["seq"])).await;
    for _ in 0..2 {
        ok(&app, &s, &s.alice, done()).await;
        let r = ok(&app, &s, &s.bob, done()).await;
        if r["status"] != "open" {
            assert_eq!(r["status"], "ended");
            assert!(r["agreement"].is_null());
            assert!(
                r["reason"]
                    .as_str()
                    .unwrap()
                    .contains("partial agreement on price"),
                "{r}"
            );
        }
    }
    let m = me(&app, &s, &s.alice).await;
    assert_eq!(m["status"], "ended");
    assert_eq!(m["partial"]["settled"], json!({"price": 1}));
    let types = record_types(&app, &s).await;
    let n = types.len();
    assert_eq!(types[n - 2]["type"], "partial_agreement");
    assert_eq!(types[n - 2]["settled"], json!({"price": 1}));
    assert_eq!(types[n - 1]["type"], "ended");
    assert!(!types.iter().any(|e| e["type"] == "agreement"));
}

async fn invalid_partial_offers_are_refused_and_nothing_is_stored(db: Db) {
    let app = router(db);
    let s = create(&app, 3).await;
    let a = ok(&app, &s, &s.alice, offer(json!({"price": 1}))).await;
    ok(&app, &s, &s.bob, accept(&a["seq"])).await;
    let before = record_types(&app, &s).await.len();
    let cases = [
        // A settled issue.
        (offer(json!({"price": 2})), StatusCode::CONFLICT),
        (
            offer(json!({"price": 2, "colour": "red"})),
            StatusCode::CONFLICT,
        ),
        // An unknown issue, a bad value, no issue at all.
        (offer(json!({"size": 2})), StatusCode::UNPROCESSABLE_ENTITY),
        (
            offer(json!({"colour": "green"})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (offer(json!({})), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"kind": "offer"}), StatusCode::UNPROCESSABLE_ENTITY),
        // Acceptances must name an open proposal of someone else.
        (json!({"kind": "accept"}), StatusCode::UNPROCESSABLE_ENTITY),
        (accept(&json!(999)), StatusCode::CONFLICT),
        (accept(&a["seq"]), StatusCode::CONFLICT),
        (
            json!({"kind": "reject", "proposal": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (body, want) in cases {
        let (status, b, text) = mv(&app, &s, &s.bob, body.clone()).await;
        assert_eq!(status, want, "{body}: {text}");
        assert!(b["error"].is_string(), "{text}");
    }
    // Alice already proposed this round.
    let (status, _, text) = mv(&app, &s, &s.alice, offer(json!({"colour": "red"}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    assert_eq!(record_types(&app, &s).await.len(), before);
    // Bots play alternating offers only.
    let (status, _, text) = call(
        &app,
        "POST",
        "/sessions",
        None,
        Some(
            json!({"scenario_toml": TEST_DEAL, "protocol": "partial_rounds",
            "deadline_rounds": 3, "bots": {"Bob": "conceder"}}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
}

/// The mediator's suggestions keep to the issues settled so far, on
/// request and streamed after a round: with the colour settled red, the
/// fair package is the best red one, not the Nash point of the whole space
/// (price 3, blue).
async fn suggestions_keep_to_the_settled_issues(db: Db) {
    let app = router(db);
    let s = create_test_deal(
        &app,
        json!({"protocol": "partial_rounds", "deadline_rounds": 5, "auto_suggest": true, "privacy": "full"}),
    )
    .await;
    common::lock_preferences(&app, &s.id, &s.alice).await;
    common::lock_preferences(&app, &s.id, &s.bob).await;
    assert_eq!(
        common::ask_suggestions(&app, &s.id, &s.alice).await["nash"]["offer"],
        json!({"price": 3, "colour": "blue"})
    );
    let mut stream = common::open_stream(&app, &s.id, &s.alice, None).await;
    let b = ok(&app, &s, &s.bob, offer(json!({"colour": "red"}))).await;
    ok(&app, &s, &s.alice, accept(&b["seq"])).await;
    for token in [&s.alice, &s.bob] {
        let sugg = common::ask_suggestions(&app, &s.id, token).await;
        assert_eq!(
            sugg["nash"]["offer"],
            json!({"price": 3, "colour": "red"}),
            "{sugg}"
        );
    }
    // The round closes; the streamed suggestions keep to red too.
    ok(&app, &s, &s.alice, done()).await;
    ok(&app, &s, &s.bob, done()).await;
    let mut buf = String::new();
    let sugg = loop {
        let (name, data) = common::next_event(&mut stream, &mut buf).await.unwrap();
        if name == "suggestions" {
            break data;
        }
    };
    assert_eq!(sugg["round"], 0, "{sugg}");
    assert_eq!(
        sugg["nash"]["offer"],
        json!({"price": 3, "colour": "red"}),
        "{sugg}"
    );
}

on_both_backends!(
    suggestions_keep_to_the_settled_issues,
    one_issue_in_round_one_the_rest_later,
    the_deadline_records_a_partial_agreement,
    invalid_partial_offers_are_refused_and_nothing_is_stored,
);
