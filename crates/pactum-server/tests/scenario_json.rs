//! Sessions created from a scenario in the native JSON format
//! (`scenario_json`): stored as native TOML like any other upload, the same
//! session as from the TOML text; a JSON error is a 422 naming its line and
//! column; exactly one of the scenario fields may be given.

mod common;

use axum::http::StatusCode;
use common::{TEST_DEAL, call};
use pactum_server::{Db, router};
use serde_json::json;

async fn a_json_scenario_makes_the_same_session_as_its_toml(db: Db) {
    let app = router(db);
    let loaded = pactum_core::native::from_toml("test", TEST_DEAL).unwrap();
    let text = pactum_core::native::loaded_to_json(&loaded).unwrap();
    let mut answers = Vec::new();
    for field in ["scenario_toml", "scenario_json"] {
        let body = if field == "scenario_toml" {
            TEST_DEAL
        } else {
            text.as_str()
        };
        let (status, created, raw) = call(
            &app,
            "POST",
            "/sessions",
            None,
            Some(json!({field: body, "protocol": "alternating_offers", "deadline_rounds": 4})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{field}: {raw}");
        let id = created["session_id"].as_str().unwrap();
        let alice = created["invitations"][0]["token"].as_str().unwrap();
        let (status, me, raw) = call(
            &app,
            "GET",
            &format!("/sessions/{id}/me"),
            Some(alice),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{raw}");
        answers.push((
            created["invitations"].as_array().unwrap().len(),
            me["preferences"].clone(),
        ));
    }
    assert_eq!(answers[0], answers[1]);
}

async fn bad_json_and_two_scenarios_are_refused(db: Db) {
    let app = router(db);
    let (status, body, raw) = call(
        &app,
        "POST",
        "/sessions",
        None,
        Some(json!({"scenario_json": "{\n  \"name\": \"x\",\n  \"issues\": [,]\n}", "protocol": "alternating_offers", "deadline_rounds": 4})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{raw}");
    let error = body["error"].as_str().unwrap();
    assert!(
        error.contains("scenario_json") && error.contains(":3:"),
        "{error}"
    );
    let (status, body, raw) = call(
        &app,
        "POST",
        "/sessions",
        None,
        Some(json!({"scenario_json": "{}", "scenario_toml": TEST_DEAL, "protocol": "alternating_offers", "deadline_rounds": 4})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{raw}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("exactly one of scenario_toml, scenario_json"),
        "{raw}"
    );
}

on_both_backends!(
    a_json_scenario_makes_the_same_session_as_its_toml,
    bad_json_and_two_scenarios_are_refused,
);
