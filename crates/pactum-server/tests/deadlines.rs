//! Wall-clock time limits over HTTP: `deadline_seconds` is checked at
//! creation (positive, at most 30 days, alternating offers only) and
//! recorded in the creation; the views show the limit and the time left,
//! and once it has passed a request that only reads says so without
//! writing; the first move after it is refused (409) while the expiry and
//! the end it brings are committed; the export then verifies (the expiry
//! replays at its recorded time).

mod common;

use axum::http::StatusCode;
use common::{TEST_DEAL, call, create_test_deal, offer, sqlite};
use pactum_server::router;
use pactum_server::{Status, VerifyOptions, verify_file};
use serde_json::{Value, json};

#[tokio::test]
async fn a_time_limit_must_be_positive_bounded_and_of_alternating_offers() {
    let app = router(sqlite().await);
    for (protocol, seconds) in [
        ("alternating_offers", 0),
        ("alternating_offers", 30 * 24 * 3600 + 1),
        ("single_text", 60),
        ("partial_rounds", 60),
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

#[tokio::test]
async fn a_move_after_the_time_limit_is_refused_and_the_expiry_recorded() {
    let app = router(sqlite().await);
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
    let (status, _, _) = call(&app, "POST", &moves, Some(&s.bob), Some(offer(1, "red"))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let view = get(&app, &me, &s.alice).await;
    assert_eq!(view["status"], "ended", "{view}");
    assert_eq!(
        get(&app, &record, &s.admin).await["events"]
            .as_array()
            .unwrap()
            .len(),
        after + 2
    );

    // The export replays: the expiry at its recorded time.
    let (status, export, text) = call(
        &app,
        "GET",
        &format!("/sessions/{}/export", s.id),
        Some(&s.admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    std::fs::write(&file, export.to_string()).unwrap();
    let report = verify_file(&file, &VerifyOptions::default()).unwrap().1;
    let replay = report.check("protocol replay").unwrap();
    assert_eq!(replay.status, Status::Passed, "{report:#?}");
    assert!(replay.detail.contains("time limit reached"), "{report:#?}");
}

#[tokio::test]
async fn a_session_within_its_time_limit_plays_as_without_one() {
    let app = router(sqlite().await);
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
