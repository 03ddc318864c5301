//! Red lines through `PUT /sessions/{id}/me/preferences`: a negotiator may
//! give its red lines with its weights and value tables. Given, they replace
//! the ones it has (an empty list removes them); absent, the ones it has
//! stay, and are stored with the edit (so the latest edit alone says what
//! they are).
//! A red line naming an unknown issue or a value the issue lacks is a 422
//! that names the field; nothing is stored then. The commitment of a request
//! without red lines is what it was before red lines could be sent.

mod common;

use axum::http::StatusCode;
use common::{TEST_DEAL, call, create_test_deal};
use pactum_server::testing::{PreferencesRequest, commitment};
use pactum_server::{Db, router};
use serde_json::{Value, json};

/// Alice's preferences of the test deal, with `red_lines` when given.
fn edit(red_lines: Option<Value>) -> Value {
    let mut body = json!({
        "weights": {"price": 0.6, "colour": 0.4},
        "values": {
            "price": {"type": "linear", "slope": 0.5, "offset": 0.0},
            "colour": {"red": 0.9, "blue": 0.1}
        },
        "reservation_value": 0.2
    });
    if let Some(lines) = red_lines {
        body["red_lines"] = lines;
    }
    body
}

async fn red_lines_shown(app: &axum::Router, id: &str, token: &str) -> Value {
    let (status, me, text) =
        call(app, "GET", &format!("/sessions/{id}/me"), Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    me["preferences"]["red_lines"].clone()
}

async fn red_lines_replace_keep_and_clear(db: Db) {
    let app = router(db);
    let s = create_test_deal(
        &app,
        json!({"protocol": "alternating_offers", "deadline_rounds": 5}),
    )
    .await;
    let path = format!("/sessions/{}/me/preferences", s.id);
    assert_eq!(red_lines_shown(&app, &s.id, &s.alice).await, json!([]));

    let lines =
        json!([{"issue": "colour", "values": ["blue"]}, {"issue": "price", "values": [1, 2]}]);
    let (status, _, text) = call(&app, "PUT", &path, Some(&s.alice), Some(edit(Some(lines)))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        red_lines_shown(&app, &s.id, &s.alice).await,
        json!(["colour: blue", "price: 1, 2"])
    );
    // Bob's view is his own: Alice's red lines are not his.
    assert_eq!(red_lines_shown(&app, &s.id, &s.bob).await, json!([]));

    // Absent: the red lines stay as they are, and the stored edit says so.
    let (status, _, text) = call(&app, "PUT", &path, Some(&s.alice), Some(edit(None))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        red_lines_shown(&app, &s.id, &s.alice).await,
        json!(["colour: blue", "price: 1, 2"])
    );
    let export = format!("/sessions/{}/preferences/export", s.id);
    let (status, opened, text) = call(&app, "GET", &export, Some(&s.alice), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let openings = opened["openings"].as_array().unwrap();
    assert_eq!(openings.len(), 2, "{text}");
    assert_eq!(
        openings[1]["preferences"]["red_lines"],
        json!([{"issue": "colour", "values": ["blue"]}, {"issue": "price", "values": [1, 2]}])
    );

    let lines = json!([{"issue": "colour", "values": ["red"]}]);
    let (status, _, text) = call(&app, "PUT", &path, Some(&s.alice), Some(edit(Some(lines)))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        red_lines_shown(&app, &s.id, &s.alice).await,
        json!(["colour: red"])
    );
    // An empty list removes them.
    let (status, _, text) = call(
        &app,
        "PUT",
        &path,
        Some(&s.alice),
        Some(edit(Some(json!([])))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(red_lines_shown(&app, &s.id, &s.alice).await, json!([]));
}

async fn bad_red_lines_are_a_422_naming_the_field(db: Db) {
    let app = router(db);
    let s = create_test_deal(
        &app,
        json!({"protocol": "alternating_offers", "deadline_rounds": 5}),
    )
    .await;
    let path = format!("/sessions/{}/me/preferences", s.id);
    let good = json!([{"issue": "colour", "values": ["blue"]}]);
    let (status, _, text) = call(&app, "PUT", &path, Some(&s.alice), Some(edit(Some(good)))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    for (lines, field, words) in [
        (
            json!([{"issue": "size", "values": ["big"]}]),
            "red_lines[0].issue",
            "unknown issue",
        ),
        (
            json!([{"issue": "colour", "values": ["blue"]}, {"issue": "colour", "values": ["green"]}]),
            "red_lines[1].values",
            "green",
        ),
        (
            json!([{"issue": "price", "values": [7]}]),
            "red_lines[0].values",
            "7",
        ),
    ] {
        let (status, body, text) =
            call(&app, "PUT", &path, Some(&s.alice), Some(edit(Some(lines)))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        let error = body["error"].as_str().unwrap();
        assert!(error.contains(field), "{field} not named in {error}");
        assert!(error.contains("Alice"), "{error}");
        assert!(error.contains(words), "{words} not in {error}");
    }
    // A red line that is not a table is refused by the body's reader.
    let (status, _, text) = call(
        &app,
        "PUT",
        &path,
        Some(&s.alice),
        Some(edit(Some(json!(["colour: red"])))),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    // Nothing refused was stored: the red line accepted first stands.
    assert_eq!(
        red_lines_shown(&app, &s.id, &s.alice).await,
        json!(["colour: blue"])
    );
    assert!(!TEST_DEAL.contains("red_lines"));
}

/// The commitment hashes the request as sent: a request without red lines
/// commits to the same bytes as before they could be sent, one with them
/// to something else.
#[test]
fn commitments_without_red_lines_are_unchanged() {
    let without: PreferencesRequest = serde_json::from_value(edit(None)).unwrap();
    assert!(without.red_lines.is_none());
    let text = serde_json::to_value(&without).unwrap();
    assert!(text.get("red_lines").is_none(), "{text}");
    let with: PreferencesRequest =
        serde_json::from_value(edit(Some(json!([{"issue": "colour", "values": ["blue"]}]))))
            .unwrap();
    let salt = "00112233";
    assert_ne!(commitment(salt, &without), commitment(salt, &with));
    assert_eq!(
        commitment(salt, &without),
        commitment(salt, &without.clone())
    );
}

on_both_backends!(
    red_lines_replace_keep_and_clear,
    bad_red_lines_are_a_422_naming_the_field,
);
