//! Wall-clock time limits over HTTP, in every protocol: `deadline_seconds`
//! is checked at creation (positive, at most 30 days) and recorded in the
//! creation; the views show the limit and the time left, and once it has
//! passed a request that only reads says so without writing; the first
//! move (or vote) after it is refused (409) while the expiry and the end it
//! brings are committed (in partial rounds with the partial agreement on
//! the issues settled so far); the export then verifies (the expiry
//! replays at its recorded time). On SQLite and, when
//! `PACTUM_TEST_POSTGRES` is set, on PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::{Session, TEST_DEAL, call, create_test_deal, offer};
use pactum_server::{Db, router};
use pactum_server::{Status, VerifyOptions, verify_file};
use serde_json::{Value, json};

async fn a_time_limit_must_be_positive_and_bounded(db: Db) {
    let app = router(db);
    for (protocol, seconds) in [
        ("alternating_offers", 0),
        ("alternating_offers", 30 * 24 * 3600 + 1),
        ("single_text", 0),
        ("partial_rounds", 30 * 24 * 3600 + 1),
    ] {
        let (status, body, _) = call(
            &app,
            "POST",
            "/sessions",
            None,
            Some(json!({"scenario_toml": TEST_DEAL, "protocol": protocol,
                "deadline_rounds": 5, "deadline_seconds": seconds})),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{protocol} {seconds}"
        );
        assert!(
            body["error"].as_str().unwrap().contains("deadline_seconds"),
            "{body}"
        );
    }
}

async fn get(app: &axum::Router, path: &str, token: &str) -> Value {
    let (status, body, text) = call(app, "GET", path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    body
}

async fn a_move_after_the_time_limit_is_refused_and_the_expiry_recorded(db: Db) {
    let app = router(db);
    let s = create_test_deal(
        &app,
        json!({"protocol": "alternating_offers", "deadline_rounds": 50, "deadline_seconds": 1}),
    )
    .await;
    let (me, record, mediator) = (
        format!("/sessions/{}/me", s.id),
        format!("/sessions/{}/record", s.id),
        format!("/sessions/{}/mediator", s.id),
    );
    let moves = format!("/sessions/{}/moves", s.id);
    let created = get(&app, &record, &s.admin).await["events"][0]["event"].clone();
    assert_eq!(created["deadline_seconds"], 1, "{created}");
    let view = get(&app, &me, &s.alice).await;
    assert_eq!(view["time_limit"]["deadline_seconds"], 1, "{view}");
    assert_eq!(view["time_limit"]["passed"], false, "{view}");
    assert!(view["time_limit"]["left_ms"].as_u64().unwrap() <= 1000);
    let (status, _, text) =
        call(&app, "POST", &moves, Some(&s.alice), Some(offer(3, "blue"))).await;
    assert_eq!(status, StatusCode::OK, "{text}");

    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    // Reading shows the limit passed and writes nothing.
    let before = get(&app, &record, &s.admin).await["events"]
        .as_array()
        .unwrap()
        .len();
    let view = get(&app, &me, &s.bob).await;
    assert_eq!(view["time_limit"]["passed"], true, "{view}");
    assert_eq!(view["time_limit"]["left_ms"], 0, "{view}");
    assert_eq!(view["turn"], Value::Null, "{view}");
    let view = get(&app, &mediator, &s.admin).await;
    assert_eq!(view["time_limit"]["passed"], true, "{view}");
    assert_eq!(view["turn"], Value::Null, "{view}");
    let after = get(&app, &record, &s.admin).await["events"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);

    // The first move after it: refused, the expiry committed.
    let (status, body, _) = call(
        &app,
        "POST",
        &moves,
        Some(&s.bob),
        Some(json!({"kind": "accept"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["error"], "the negotiation is over: its time limit passed",
        "{body}"
    );
    let events = get(&app, &record, &s.admin).await["events"].clone();
    let tail: Vec<Value> = events.as_array().unwrap()[after..]
        .iter()
        .map(|e| e["event"].clone())
        .collect();
    assert_eq!(tail.len(), 2, "{tail:?}");
    assert_eq!(tail[0]["type"], "expired");
    assert_eq!(tail[0]["round"], 0);
    assert_eq!(
        tail[1],
        json!({"type": "ended", "reason": "time limit reached", "round": 0})
    );
    // Later moves find it over, and nothing more is written.
    stays_over(&app, &s, &moves, &s.bob, offer(1, "red"), after + 2).await;
}

/// What holds once a session's time limit has passed and its expiry is
/// recorded: a further `body` posted to `path` with `token` is refused and
/// writes nothing (the record keeps its `logged` events), the session reads
/// as ended, and its export replays with the expiry at its recorded time.
async fn stays_over(
    app: &axum::Router,
    s: &Session,
    path: &str,
    token: &str,
    body: Value,
    logged: usize,
) {
    let (status, _, _) = call(app, "POST", path, Some(token), Some(body)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let view = get(app, &format!("/sessions/{}/me", s.id), &s.alice).await;
    assert_eq!(view["status"], "ended", "{view}");
    assert_eq!(events_after(app, &s.id, &s.admin, 0).await.len(), logged);
    let detail = export_replays(app, &s.id, &s.admin).await;
    assert!(detail.contains("time limit reached"), "{detail}");
}

/// Exports session `id` and verifies the export as `pactum verify` does;
/// the protocol replay must pass, and fail once the recorded expiry is
/// moved before the time limit. Returns the passing replay's detail.
async fn export_replays(app: &axum::Router, id: &str, admin: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let replayed =
        common::differential::export_replays(app, id, admin, dir.path(), "export.json").await;
    let file = &replayed.file;

    // The same export with its expiry moved before the limit fails.
    let mut early = replayed.export.clone();
    let events = early["record"]["events"].as_array_mut().unwrap();
    let created_at = events[0]["event"]["at_ms"].as_i64().unwrap();
    let expiry = events
        .iter_mut()
        .find(|e| e["event"]["type"] == "expired")
        .unwrap();
    expiry["event"]["at_ms"] = json!(created_at + 10);
    std::fs::write(file, early.to_string()).unwrap();
    let tampered = verify_file(file, &VerifyOptions::default()).unwrap().1;
    let check = tampered.check("protocol replay").unwrap();
    assert_eq!(check.status, Status::Failed, "{tampered:#?}");
    assert!(check.detail.contains("does not imply"), "{}", check.detail);
    replayed.detail
}

/// The record's events after the first `from`.
async fn events_after(app: &axum::Router, id: &str, admin: &str, from: usize) -> Vec<Value> {
    let events = get(app, &format!("/sessions/{id}/record"), admin).await["events"].clone();
    events.as_array().unwrap()[from..]
        .iter()
        .map(|e| e["event"].clone())
        .collect()
}

async fn a_vote_after_the_time_limit_is_refused_and_the_expiry_recorded(db: Db) {
    let app = router(db);
    let s = create_test_deal(
        &app,
        json!({"protocol": "single_text", "deadline_rounds": 50, "deadline_seconds": 1}),
    )
    .await;
    let votes = format!("/sessions/{}/votes", s.id);
    let vote = |accept: bool| json!({"accept": accept});
    let created = events_after(&app, &s.id, &s.admin, 0).await[0].clone();
    assert_eq!(created["deadline_seconds"], 1, "{created}");
    let view = get(&app, &format!("/sessions/{}/me", s.id), &s.alice).await;
    assert_eq!(view["time_limit"]["deadline_seconds"], 1, "{view}");
    assert_eq!(view["time_limit"]["passed"], false, "{view}");
    // Proposal 0 vetoed; Alice votes on proposal 1.
    for (token, accept) in [(&s.alice, false), (&s.bob, false), (&s.alice, true)] {
        let (status, _, text) = call(&app, "POST", &votes, Some(token), Some(vote(accept))).await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let view = get(&app, &format!("/sessions/{}/me", s.id), &s.bob).await;
    assert_eq!(view["time_limit"]["passed"], true, "{view}");

    // Bob's vote would close proposal 1: refused, the expiry committed
    // (the record now also shows Alice's vote on the closed proposal).
    let (status, body, _) = call(&app, "POST", &votes, Some(&s.bob), Some(vote(true))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["error"], "the negotiation is over: its time limit passed",
        "{body}"
    );
    let events = events_after(&app, &s.id, &s.admin, 0).await;
    let before = events.len() - 2;
    let tail = &events[before..];
    assert_eq!(tail[0]["type"], "expired");
    assert_eq!(tail[0]["round"], 1);
    assert_eq!(events[before - 1]["type"], "vote");
    assert_eq!(
        tail[1],
        json!({"type": "ended", "round": 1,
            "reason": "time limit reached without a draft everyone accepted"})
    );
    stays_over(&app, &s, &votes, &s.alice, vote(false), before + 2).await;
}

async fn a_partial_move_after_the_time_limit_commits_the_partial_agreement(db: Db) {
    let app = router(db);
    let s = create_test_deal(
        &app,
        json!({"protocol": "partial_rounds", "deadline_rounds": 50, "deadline_seconds": 1}),
    )
    .await;
    let moves = format!("/sessions/{}/moves", s.id);
    let (status, a, text) = call(
        &app,
        "POST",
        &moves,
        Some(&s.alice),
        Some(json!({"kind": "offer", "offer": {"colour": "blue"}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let accept = json!({"kind": "accept", "proposal": a["seq"]});
    let (status, b, text) = call(&app, "POST", &moves, Some(&s.bob), Some(accept)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(b["partial"]["settled"], json!({"colour": "blue"}));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let view = get(&app, &format!("/sessions/{}/me", s.id), &s.bob).await;
    assert_eq!(view["time_limit"]["passed"], true, "{view}");
    let before = events_after(&app, &s.id, &s.admin, 0).await.len();

    let (status, body, _) = call(
        &app,
        "POST",
        &moves,
        Some(&s.bob),
        Some(json!({"kind": "offer", "offer": {"price": 2}})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["error"], "the negotiation is over: its time limit passed",
        "{body}"
    );
    let tail = events_after(&app, &s.id, &s.admin, before).await;
    assert_eq!(
        tail[1..],
        [
            json!({"type": "partial_agreement", "settled": {"colour": "blue"}, "round": 0}),
            json!({"type": "ended", "round": 0,
                "reason": "time limit reached; partial agreement on colour"}),
        ],
        "{tail:?}"
    );
    assert_eq!(tail[0]["type"], "expired");
    assert_eq!(tail[0]["round"], 0);
    let end = json!({"kind": "end"});
    stays_over(&app, &s, &moves, &s.alice, end, before + 3).await;
}

async fn a_session_within_its_time_limit_plays_as_without_one(db: Db) {
    let app = router(db);
    let s = create_test_deal(
        &app,
        json!({"protocol": "alternating_offers", "deadline_rounds": 5, "deadline_seconds": 3600}),
    )
    .await;
    let moves = format!("/sessions/{}/moves", s.id);
    let (status, _, text) =
        call(&app, "POST", &moves, Some(&s.alice), Some(offer(3, "blue"))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, body, text) = call(
        &app,
        "POST",
        &moves,
        Some(&s.bob),
        Some(json!({"kind": "accept"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(body["status"], "agreement");
    let view = get(&app, &format!("/sessions/{}/me", s.id), &s.alice).await;
    assert_eq!(view["time_limit"]["passed"], false, "{view}");
}

on_both_backends!(
    a_time_limit_must_be_positive_and_bounded,
    a_move_after_the_time_limit_is_refused_and_the_expiry_recorded,
    a_session_within_its_time_limit_plays_as_without_one,
    a_vote_after_the_time_limit_is_refused_and_the_expiry_recorded,
    a_partial_move_after_the_time_limit_commits_the_partial_agreement,
);
