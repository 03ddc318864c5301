//! The rules the protocol engine adds to live sessions, over HTTP:
//! an offer or acceptance below the mover's reservation value is refused
//! with 422, naming the mover's limit to the mover alone (nothing is
//! recorded, the others see nothing); `leave` in a three-party
//! alternating-offers session lets the others go on, and the agreement binds
//! those who stayed (the record, `/me` and the mediator view show who
//! left).

mod common;

use axum::http::StatusCode;
use common::{call, create_session, create_test_deal, offer, sqlite};
use pactum_server::router;
use serde_json::json;

#[tokio::test]
async fn an_offer_or_acceptance_below_ones_reservation_value_is_refused() {
    let app = router(sqlite().await);
    let s = create_test_deal(
        &app,
        json!({"protocol": "alternating_offers", "deadline_rounds": 5}),
    )
    .await;
    let moves = format!("/sessions/{}/moves", s.id);
    // Alice's utility of (1, blue) is 0, below her reservation value 0.1.
    let (status, body, _) =
        call(&app, "POST", &moves, Some(&s.alice), Some(offer(1, "blue"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = body["error"].as_str().unwrap();
    assert!(message.contains("your reservation value 0.1"), "{message}");
    // Alice opens; Bob counters with (1, blue): fine for him (0.877), worth
    // 0 to Alice, who may not accept it.
    let (status, _, text) =
        call(&app, "POST", &moves, Some(&s.alice), Some(offer(3, "blue"))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, _, text) = call(&app, "POST", &moves, Some(&s.bob), Some(offer(1, "blue"))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, body, _) = call(
        &app,
        "POST",
        &moves,
        Some(&s.alice),
        Some(json!({"kind": "accept"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("you cannot accept this package"),
        "{body}"
    );
    // Nothing of the refusals is in the record: the two offers only.
    let (_, record, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/record", s.id),
        Some(&s.admin),
        None,
    )
    .await;
    let text = record.to_string();
    assert!(!text.contains("reservation"), "{text}");
    let moves: Vec<_> = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["type"] == "move")
        .collect();
    assert_eq!(moves.len(), 2);
}

const THREE: &str = r#"
name = "three"
[[issues]]
name = "a"
options = ["x", "y"]
[[parties]]
name = "A"
role = "negotiator"
weights = { a = 1.0 }
values.a = { x = 1.0, y = 0.5 }
[[parties]]
name = "B"
role = "negotiator"
weights = { a = 1.0 }
values.a = { x = 0.5, y = 1.0 }
[[parties]]
name = "C"
role = "negotiator"
weights = { a = 1.0 }
values.a = { x = 0.0, y = 1.0 }
"#;

#[tokio::test]
async fn a_party_leaves_and_the_others_agree_without_it() {
    let app = router(sqlite().await);
    let created = create_session(
        &app,
        json!({"scenario_toml": THREE, "protocol": "alternating_offers", "deadline_rounds": 5}),
    )
    .await;
    let id = created["session_id"].as_str().unwrap();
    let admin = created["admin_token"].as_str().unwrap();
    let token = |i: usize| {
        created["invitations"][i]["token"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let moves = format!("/sessions/{id}/moves");
    let mv = |t: String, body| {
        let (app, moves) = (app.clone(), moves.clone());
        async move { call(&app, "POST", &moves, Some(&t), Some(body)).await }
    };
    let (status, _, text) = mv(token(0), json!({"kind": "offer", "offer": {"a": "x"}})).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, _, text) = mv(token(1), json!({"kind": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    // C leaves: A's offer now stands accepted by every one still in.
    let (status, body, text) = mv(token(2), json!({"kind": "leave"})).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(body["status"], "agreement", "{body}");
    assert_eq!(body["agreement"], json!({"a": "x"}));
    // C can no longer move.
    let (status, _, _) = mv(token(2), json!({"kind": "end"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // The views show who left: each negotiator's and the convener's.
    for (path, t) in [
        (format!("/sessions/{id}/me"), token(0)),
        (format!("/sessions/{id}/me"), token(2)),
        (format!("/sessions/{id}/mediator"), admin.to_string()),
    ] {
        let (status, view, text) = call(&app, "GET", &path, Some(&t), None).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(view["left"], json!(["C"]), "{path}: {view}");
    }
    let (_, record, _) = call(
        &app,
        "GET",
        &format!("/sessions/{id}/record"),
        Some(admin),
        None,
    )
    .await;
    let left: Vec<_> = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["kind"] == "leave")
        .map(|e| e["event"]["party"].clone())
        .collect();
    assert_eq!(left, [json!("C")]);
}

#[tokio::test]
async fn leave_is_refused_in_partial_rounds() {
    let app = router(sqlite().await);
    let s = create_test_deal(
        &app,
        json!({"protocol": "partial_rounds", "deadline_rounds": 3}),
    )
    .await;
    let (status, _, text) = call(
        &app,
        "POST",
        &format!("/sessions/{}/moves", s.id),
        Some(&s.alice),
        Some(json!({"kind": "leave"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
}
