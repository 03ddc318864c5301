//! End-to-end tests of the HTTP API, run in-process against the router, on
//! SQLite and (when `PACTUM_TEST_POSTGRES` is set) on PostgreSQL.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{TEST_DEAL as SCENARIO, call, create_session, offer, send};
use pactum_server::{Db, Record, connect, router, verify_record};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::{AnyPool, Row};

/// Bob's utilities that Alice must never see: his weights and his utility of
/// (price 2, red).
const BOB_SECRETS: [&str; 3] = ["0.123", "0.877", "0.0615"];

fn app(db: Db) -> (Router, AnyPool) {
    let pool = db.pool.clone();
    (router(db), pool)
}

struct Session {
    id: String,
    admin: String,
    alice: String,
    bob: String,
}

async fn create(app: &Router, deadline_rounds: u64) -> Session {
    let body = create_session(
        app,
        json!({"scenario_toml": SCENARIO, "protocol": "alternating_offers",
               "deadline_rounds": deadline_rounds, "privacy": "full"}),
    )
    .await;
    let inv = body["invitations"].as_array().unwrap();
    assert_eq!(inv.len(), 2);
    assert_eq!(inv[0]["party"], "Alice");
    assert_eq!(inv[1]["party"], "Bob");
    Session {
        id: body["session_id"].as_str().unwrap().into(),
        admin: body["admin_token"].as_str().unwrap().into(),
        alice: inv[0]["token"].as_str().unwrap().into(),
        bob: inv[1]["token"].as_str().unwrap().into(),
    }
}

async fn event_count(pool: &AnyPool, id: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM events WHERE session_id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
        .get(0)
}

fn assert_no_secrets(text: &str) {
    for s in BOB_SECRETS {
        assert!(!text.contains(s), "leaked {s} in {text}");
    }
}

async fn creating_a_session_hands_out_tokens_and_stores_only_hashes(db: Db) {
    let (app, pool) = app(db);
    let s = create(&app, 5).await;
    for t in [&s.admin, &s.alice, &s.bob] {
        assert_eq!(t.len(), 64);
        assert!(t.chars().all(|c| c.is_ascii_hexdigit()));
    }
    assert_ne!(s.alice, s.bob);
    let rows =
        sqlx::query("SELECT party_name, token_hash FROM seats WHERE session_id = $1 ORDER BY seat")
            .bind(&s.id)
            .fetch_all(&pool)
            .await
            .unwrap();
    let stored: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        stored[0],
        (
            "Alice".into(),
            hex::encode(Sha256::digest(s.alice.as_bytes()))
        )
    );
    assert_eq!(
        stored[1],
        ("Bob".into(), hex::encode(Sha256::digest(s.bob.as_bytes())))
    );
    let admin_hash: String = sqlx::query("SELECT admin_token_hash FROM sessions WHERE id = $1")
        .bind(&s.id)
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(admin_hash, hex::encode(Sha256::digest(s.admin.as_bytes())));
    // No raw token anywhere in the database.
    let dump: Vec<String> = sqlx::query("SELECT scenario_toml || admin_token_hash FROM sessions")
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for t in [&s.admin, &s.alice, &s.bob] {
        assert!(dump.iter().all(|d| !d.contains(t.as_str())));
        assert!(stored.iter().all(|(_, h)| h != t));
    }
}

async fn bad_session_requests_are_refused_with_json_errors(db: Db) {
    let (app, pool) = app(db);
    let cases = [
        (
            json!({"scenario_toml": "name = ", "protocol": "alternating_offers", "deadline_rounds": 3}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"scenario_toml": SCENARIO, "protocol": "auction", "deadline_rounds": 3}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"scenario_toml": SCENARIO, "protocol": "alternating_offers", "deadline_rounds": 0}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"scenario_toml": SCENARIO, "protocol": "alternating_offers"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (body, expected) in cases {
        let (status, json, text) = call(&app, "POST", "/sessions", None, Some(body)).await;
        assert_eq!(status, expected, "{text}");
        assert!(
            json["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{text}"
        );
    }
    let (status, json, _) = send(&app, "POST", "/sessions", None, Some("{not json".into())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["error"].is_string());
    let big = json!({"scenario_toml": "#".repeat(300 * 1024), "protocol": "alternating_offers", "deadline_rounds": 3});
    let (status, json, _) = call(&app, "POST", "/sessions", None, Some(big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(json["error"].is_string());
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM sessions")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}

async fn me_shows_only_the_callers_own_preferences(db: Db) {
    let (app, _) = app(db);
    let s = create(&app, 5).await;
    let other = create(&app, 5).await;
    let me = format!("/sessions/{}/me", s.id);

    let (status, alice, text) = call(&app, "GET", &me, Some(&s.alice), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(alice["party"], "Alice");
    assert_eq!(alice["preferences"]["reservation_value"], 0.1);
    assert_eq!(alice["preferences"]["issues"][0]["weight"], 0.8);
    assert_eq!(alice["status"], "open");
    assert_eq!(alice["turn"], "Alice");
    assert_no_secrets(&text);
    assert!(!text.contains("0.05"), "Bob's reservation leaked: {text}");

    let (status, bob, _) = call(&app, "GET", &me, Some(&s.bob), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bob["party"], "Bob");
    assert_eq!(bob["preferences"]["issues"][1]["weight"], 0.877);

    for (token, expected) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some("f".repeat(64)), StatusCode::UNAUTHORIZED),
        (Some(other.alice.clone()), StatusCode::UNAUTHORIZED),
        (Some(s.admin.clone()), StatusCode::FORBIDDEN),
    ] {
        let (status, json, text) = call(&app, "GET", &me, token.as_deref(), None).await;
        assert_eq!(status, expected, "{text}");
        assert!(json["error"].is_string());
        assert_no_secrets(&text);
    }
    // An unknown session answers as a known one does to a wrong token.
    let unknown = call(&app, "GET", "/sessions/nope/me", Some(&s.alice), None).await;
    let wrong = call(&app, "GET", &me, Some(&"f".repeat(64)), None).await;
    assert_eq!(unknown.0, StatusCode::UNAUTHORIZED);
    assert_eq!((unknown.0, unknown.2), (wrong.0, wrong.2));
}

async fn invalid_moves_are_refused_and_nothing_is_stored(db: Db) {
    let (app, pool) = app(db);
    let s = create(&app, 5).await;
    let moves = format!("/sessions/{}/moves", s.id);
    let before = event_count(&pool, &s.id).await;
    let cases = [
        (Some(&s.bob), offer(2, "red"), StatusCode::CONFLICT, "turn"),
        (
            Some(&s.alice),
            json!({"kind": "accept"}),
            StatusCode::CONFLICT,
            "first move",
        ),
        (
            Some(&s.alice),
            json!({"kind": "offer", "offer": {"price": 2, "colour": "red", "size": 1}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown issue",
        ),
        (
            Some(&s.alice),
            offer(7, "red"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not one of its values",
        ),
        (
            Some(&s.alice),
            offer(2, "green"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not one of its values",
        ),
        (
            Some(&s.alice),
            json!({"kind": "offer", "offer": {"price": 2}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "lacks issue",
        ),
        (
            Some(&s.alice),
            json!({"kind": "offer"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "needs",
        ),
        (
            Some(&s.alice),
            json!({"kind": "bribe"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "kind",
        ),
        (
            Some(&s.admin),
            offer(2, "red"),
            StatusCode::FORBIDDEN,
            "party token",
        ),
        (
            None,
            offer(2, "red"),
            StatusCode::UNAUTHORIZED,
            "missing or invalid token",
        ),
    ];
    for (token, body, expected, words) in cases {
        let (status, json, text) =
            call(&app, "POST", &moves, token.map(|t| t.as_str()), Some(body)).await;
        assert_eq!(status, expected, "{text}");
        assert!(json["error"].as_str().unwrap().contains(words), "{text}");
    }
    let huge = json!({"kind": "offer", "offer": {"price": 2, "colour": "x".repeat(300 * 1024)}});
    let (status, json, _) = call(&app, "POST", &moves, Some(&s.alice), Some(huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(json["error"].is_string());
    assert_eq!(event_count(&pool, &s.id).await, before);
}

async fn alternating_offers_reach_agreement_and_then_refuse_moves(db: Db) {
    let (app, pool) = app(db);
    let s = create(&app, 5).await;
    let moves = format!("/sessions/{}/moves", s.id);
    let (status, r, text) = call(&app, "POST", &moves, Some(&s.alice), Some(offer(2, "red"))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        (r["seq"].as_u64(), r["status"].as_str()),
        (Some(1), Some("open"))
    );
    // Acknowledged means committed.
    assert_eq!(event_count(&pool, &s.id).await, 2);
    let (status, _, _) = call(&app, "POST", &moves, Some(&s.alice), Some(offer(3, "red"))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, r, _) = call(&app, "POST", &moves, Some(&s.bob), Some(offer(3, "blue"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r["round"], 0);
    let (status, r, text) = call(
        &app,
        "POST",
        &moves,
        Some(&s.alice),
        Some(json!({"kind": "accept"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(r["status"], "agreement");
    assert_eq!(r["agreement"], json!({"price": 3, "colour": "blue"}));
    assert_eq!(event_count(&pool, &s.id).await, 6); // created, 3 moves, agreement, certificate
    let (status, json, _) = call(&app, "POST", &moves, Some(&s.bob), Some(offer(1, "red"))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(json["error"].as_str().unwrap().contains("over"));
    assert_eq!(event_count(&pool, &s.id).await, 6);
    let (_, me, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/me", s.id),
        Some(&s.bob),
        None,
    )
    .await;
    assert_eq!(me["status"], "agreement");
    assert_eq!(me["turn"], Value::Null);
}

async fn deadline_and_walking_away_end_the_session(db: Db) {
    let (app, _) = app(db);
    let s = create(&app, 1).await;
    let moves = format!("/sessions/{}/moves", s.id);
    call(&app, "POST", &moves, Some(&s.alice), Some(offer(2, "red"))).await;
    let (status, r, _) = call(
        &app,
        "POST",
        &moves,
        Some(&s.bob),
        Some(json!({"kind": "reject"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r["status"], "ended");
    assert_eq!(r["reason"], "deadline reached");

    let s = create(&app, 5).await;
    let moves = format!("/sessions/{}/moves", s.id);
    let (status, r, _) = call(
        &app,
        "POST",
        &moves,
        Some(&s.alice),
        Some(json!({"kind": "end"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (r["status"].as_str(), r["reason"].as_str()),
        (Some("ended"), Some("ended by Alice"))
    );
    let (status, _, _) = call(&app, "POST", &moves, Some(&s.bob), Some(offer(1, "red"))).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

async fn offers_show_each_party_only_its_own_utility(db: Db) {
    let (app, _) = app(db);
    let s = create(&app, 5).await;
    let moves = format!("/sessions/{}/moves", s.id);
    call(&app, "POST", &moves, Some(&s.alice), Some(offer(2, "red"))).await;
    call(&app, "POST", &moves, Some(&s.bob), Some(offer(3, "blue"))).await;
    let url = format!("/sessions/{}/offers", s.id);

    let (status, alice, text) = call(&app, "GET", &url, Some(&s.alice), None).await;
    assert_eq!(status, StatusCode::OK);
    let list = alice.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["party"], "Alice");
    assert_eq!(list[0]["offer"], json!({"price": 2, "colour": "red"}));
    assert!((list[0]["my_utility"].as_f64().unwrap() - 0.6).abs() < 1e-9);
    assert!((list[1]["my_utility"].as_f64().unwrap() - 0.8).abs() < 1e-9);
    for item in list {
        let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 5, "unexpected fields: {keys:?}");
    }
    assert_no_secrets(&text);

    let (_, bob, _) = call(&app, "GET", &url, Some(&s.bob), None).await;
    assert!((bob[0]["my_utility"].as_f64().unwrap() - 0.0615).abs() < 1e-9);
    assert!((bob[1]["my_utility"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    let (status, _, _) = call(&app, "GET", &url, Some(&s.admin), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn suggestions_improve_on_the_standing_offer_without_leaking(db: Db) {
    let (app, _) = app(db);
    let s = create(&app, 5).await;
    let url = format!("/sessions/{}/suggestions", s.id);
    // Nothing until every negotiator's preferences are locked: the answer
    // names who has not locked them yet.
    let (status, before, text) = call(&app, "POST", &url, Some(&s.alice), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    assert!(
        before["error"]
            .as_str()
            .unwrap()
            .ends_with("not locked yet: Alice, Bob")
    );
    call(
        &app,
        "POST",
        &format!("/sessions/{}/moves", s.id),
        Some(&s.alice),
        Some(offer(2, "red")),
    )
    .await;
    let (status, before, text) = call(&app, "POST", &url, Some(&s.alice), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    assert!(
        before["error"]
            .as_str()
            .unwrap()
            .ends_with("not locked yet: Bob")
    );
    let lock = format!("/sessions/{}/preferences/lock", s.id);
    let (status, _, text) = call(&app, "POST", &lock, Some(&s.bob), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, alice, text) = call(&app, "POST", &url, Some(&s.alice), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!((alice["standing_offer_utility"].as_f64().unwrap() - 0.6).abs() < 1e-9);
    let improving = alice["improving"].as_array().unwrap();
    assert!(!improving.is_empty());
    // (3, blue) gives Alice 0.8 > 0.6 and Bob 1.0 > 0.0615: it is Pareto-improving.
    let best = improving
        .iter()
        .find(|v| v["offer"] == json!({"price": 3, "colour": "blue"}))
        .expect("(3, blue) suggested");
    assert!((best["my_utility"].as_f64().unwrap() - 0.8).abs() < 1e-9);
    for v in improving {
        assert!(v["my_utility"].as_f64().unwrap() >= 0.6 - 1e-9);
        assert_eq!(v.as_object().unwrap().len(), 2);
    }
    assert_eq!(
        alice["nash"]["offer"],
        json!({"price": 3, "colour": "blue"})
    );
    assert_eq!(alice["privacy"], "full");
    assert_eq!(
        alice["rests_on"],
        json!([
            "the standing offer",
            "every party's weights and value functions",
            "every party's reservation value"
        ])
    );
    assert_no_secrets(&text);

    let (_, bob, _) = call(&app, "POST", &url, Some(&s.bob), None).await;
    assert!((bob["nash"]["my_utility"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    let (status, _, _) = call(&app, "POST", &url, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// A suggestion that cannot be computed is a 422 whose message names no
/// other party and says nothing of its preferences (the cause is logged).
/// A scenario too large to analyse exactly is accepted, its suggestions
/// refused so.
async fn failed_suggestions_name_no_other_party(db: Db) {
    let (app, _) = app(db);
    // 10^8 outcomes and Alice's non-additive utility: more than exact
    // analysis enumerates.
    let scenario = r#"
name = "Too large"

[[issues]]
name = "price"
type = "integer"
min = 0
max = 9999

[[issues]]
name = "volume"
type = "integer"
min = 0
max = 9999

[[parties]]
name = "Alice"
role = "negotiator"
[parties.hyper_rectangles]
normalizer = 1
[[parties.hyper_rectangles.rectangles]]
utility = 1
bounds = { price = [0, 10] }

[[parties]]
name = "Bob"
role = "negotiator"
weights = { price = 0.5, volume = 0.5 }
values.price = { type = "linear", slope = 0.0001, offset = 0.0 }
values.volume = { type = "linear", slope = 0.0001, offset = 0.0 }
"#;
    // Such a scenario is accepted (its negotiation searches the space, its
    // bots too); its suggestions are refused with a sentence that names no
    // party and says nothing of anyone's utility.
    let (status, created, text) = call(
        &app,
        "POST",
        "/sessions",
        None,
        Some(
            json!({"scenario_toml": scenario, "protocol": "alternating_offers",
                    "deadline_rounds": 5, "privacy": "full"}),
        ),
    )
    .await;
    assert!(status.is_success(), "{text}");
    let id = created["session_id"].as_str().unwrap();
    let bob = created["invitations"][1]["token"].as_str().unwrap();
    for k in 0..2 {
        let token = created["invitations"][k]["token"].as_str().unwrap();
        let lock = format!("/sessions/{id}/preferences/lock");
        let (status, _, text) = call(&app, "POST", &lock, Some(token), None).await;
        assert!(status.is_success(), "{text}");
    }
    let (status, _, text) = call(
        &app,
        "POST",
        &format!("/sessions/{id}/suggestions"),
        Some(bob),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("cannot compute"), "{text}");
    for secret in ["Alice", "non-additive", "rectangle", "party"] {
        assert!(!text.contains(secret), "{secret}: {text}");
    }
    // What it answers for that cause, checked directly.
    let cause = pactum_server::testing::SuggestionError::Analysis(
        pactum_core::analysis::AnalysisError::TooLarge {
            outcomes: 100_000_000,
            party: "Alice".into(),
            limit: 50_000_000,
        },
    );
    let text = cause.public_message();
    assert!(text.contains("cannot compute"), "{text}");
    for secret in ["Alice", "non-additive", "rectangle", "party"] {
        assert!(!text.contains(secret), "{secret}: {text}");
    }
}

async fn the_record_is_admin_only_verifies_and_detects_tampering(db: Db) {
    let (app, pool) = app(db);
    let s = create(&app, 5).await;
    let moves = format!("/sessions/{}/moves", s.id);
    call(&app, "POST", &moves, Some(&s.alice), Some(offer(2, "red"))).await;
    call(
        &app,
        "POST",
        &moves,
        Some(&s.bob),
        Some(json!({"kind": "accept"})),
    )
    .await;
    let url = format!("/sessions/{}/record", s.id);
    for (token, expected) in [
        (Some(&s.alice), StatusCode::FORBIDDEN),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        let (status, _, _) = call(&app, "GET", &url, token.map(|t| t.as_str()), None).await;
        assert_eq!(status, expected);
    }
    let (status, body, _) = call(&app, "GET", &url, Some(&s.admin), None).await;
    assert_eq!(status, StatusCode::OK);
    let record: Record = serde_json::from_value(body).unwrap();
    assert_eq!(record.session_id, s.id);
    let types: Vec<&str> = record
        .events
        .iter()
        .map(|e| e.event["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["created", "move", "move", "agreement", "certificate"]
    );
    assert_eq!(verify_record(&record), Ok(()));

    let mut tampered = record.clone();
    tampered.events[1].event["offer"]["price"] = json!(1);
    assert!(verify_record(&tampered).is_err());
    // The offline check used by `pactum verify`.
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("record.json");
    std::fs::write(&good, serde_json::to_string(&record).unwrap()).unwrap();
    assert_eq!(pactum_server::verify_record_file(&good).unwrap(), record);
    let bad = dir.path().join("tampered.json");
    std::fs::write(&bad, serde_json::to_string(&tampered).unwrap()).unwrap();
    let err = pactum_server::verify_record_file(&bad).unwrap_err();
    assert!(format!("{err:#}").contains("altered"), "{err:#}");

    let mut reordered = record.clone();
    reordered.events.swap(1, 2);
    assert!(verify_record(&reordered).is_err());

    // The database refuses to rewrite history.
    let update = sqlx::query("UPDATE events SET body = '{}' WHERE session_id = $1")
        .bind(&s.id)
        .execute(&pool)
        .await;
    assert!(update.is_err());
    let delete = sqlx::query("DELETE FROM events").execute(&pool).await;
    assert!(delete.is_err());
}

async fn openapi_document_lists_the_endpoints(db: Db) {
    let (app, _) = app(db);
    let (status, doc, _) = call(&app, "GET", "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/sessions",
        "/sessions/{id}/me",
        "/sessions/{id}/moves",
        "/sessions/{id}/offers",
        "/sessions/{id}/suggestions",
        "/sessions/{id}/record",
        "/sessions/{id}/disclosure",
        "/sessions/{id}/mediator",
        "/sessions/{id}/certificate",
        "/sessions/{id}/export",
        "/sessions/{id}/preferences/lock",
    ] {
        assert!(doc["paths"][path].is_object(), "missing {path}");
    }
    // The privacy level is a documented choice of session creation.
    let schemas = &doc["components"]["schemas"];
    assert!(
        schemas["CreateSession"]["properties"]["privacy"].is_object(),
        "{}",
        schemas["CreateSession"]
    );
    assert_eq!(schemas["Privacy"]["enum"], json!(["full", "pareto", "off"]));
}

#[tokio::test]
async fn serves_over_loopback_tcp_with_a_file_database() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pactum.db");
    let pool = connect(db.to_str().unwrap()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router(pool)).await });
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /openapi.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_string(&mut response),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("/sessions/{id}/moves"));
    server.abort();
    assert!(db.exists());
}

async fn health_says_whether_the_database_answers(db: Db) {
    let backend = match db.backend {
        pactum_server::Backend::Sqlite => "SQLite",
        pactum_server::Backend::Postgres => "PostgreSQL",
    };
    let (app, pool) = app(db);
    let (status, body, text) = call(&app, "GET", "/health", None, None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(body, json!({"status": "ok", "database": backend}));
    pool.close().await;
    let (status, body, text) = call(&app, "GET", "/health", None, None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{text}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("database cannot be reached"),
        "{body}"
    );
}

/// A database failure is a 500 whose body says only that it happened, with
/// a request id: the database's own text (which may name tables, files or
/// hosts) stays in the server's log.
async fn a_database_failure_is_a_generic_500(db: Db) {
    let (app, pool) = app(db);
    let (status, created, text) = call(
        &app,
        "POST",
        "/sessions",
        None,
        Some(json!({"scenario_toml": SCENARIO, "protocol": "alternating_offers", "deadline_rounds": 3})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let id = created["session_id"].as_str().unwrap().to_string();
    let party = created["invitations"][0]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let admin = created["admin_token"].as_str().unwrap().to_string();
    pool.close().await;
    for (uri, token) in [
        (format!("/sessions/{id}/offers"), &party),
        (format!("/sessions/{id}/record"), &admin),
    ] {
        let (status, body, text) = call(&app, "GET", &uri, Some(token), None).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{uri}: {text}");
        let error = body["error"].as_str().unwrap();
        assert!(error.starts_with("internal error (request "), "{error}");
        let lower = text.to_lowercase();
        for leak in ["pool", "closed", "sqlite", "postgres", "database", "sql"] {
            assert!(!lower.contains(leak), "{uri} tells {leak:?}: {text}");
        }
    }
}

/// In every protocol a negotiator's preferences are fixed by its first
/// move: a proposal, acceptance or closing of a free-form round, or a vote
/// on the single text, as much as an offer.
async fn preferences_are_fixed_by_the_first_move_of_every_protocol(db: Db) {
    let (app, _) = app(db);
    let edit = json!({
        "weights": {"price": 0.5, "colour": 0.5},
        "values": {
            "price": {"type": "linear", "slope": 0.5, "offset": 0.0},
            "colour": {"red": 0.7, "blue": 0.3}
        }
    });
    for (protocol, path, first_move) in [
        (
            "alternating_offers",
            "moves",
            json!({"kind": "offer", "offer": {"price": 2, "colour": "red"}}),
        ),
        (
            "partial_rounds",
            "moves",
            json!({"kind": "offer", "offer": {"price": 2}}),
        ),
        ("partial_rounds", "moves", json!({"kind": "reject"})),
        ("single_text", "votes", json!({"accept": true})),
    ] {
        let s = common::create_test_deal(&app, json!({"protocol": protocol, "deadline_rounds": 5}))
            .await;
        let prefs = format!("/sessions/{}/me/preferences", s.id);
        let editable = |token: &str| {
            let (app, path, token) = (
                app.clone(),
                format!("/sessions/{}/me", s.id),
                token.to_string(),
            );
            async move {
                call(&app, "GET", &path, Some(&token), None).await.1["preferences_editable"].clone()
            }
        };
        assert_eq!(editable(&s.alice).await, json!(true), "{protocol}");
        let before = call(&app, "PUT", &prefs, Some(&s.alice), Some(edit.clone())).await;
        assert_eq!(before.0, StatusCode::OK, "{protocol}: {}", before.2);
        let moved = call(
            &app,
            "POST",
            &format!("/sessions/{}/{path}", s.id),
            Some(&s.alice),
            Some(first_move.clone()),
        )
        .await;
        assert_eq!(
            moved.0,
            StatusCode::OK,
            "{protocol} {first_move}: {}",
            moved.2
        );
        assert_eq!(
            editable(&s.alice).await,
            json!(false),
            "{protocol} {first_move}"
        );
        assert_eq!(
            editable(&s.bob).await,
            json!(true),
            "{protocol} {first_move}"
        );
        let after = call(&app, "PUT", &prefs, Some(&s.alice), Some(edit.clone())).await;
        assert_eq!(
            after.0,
            StatusCode::CONFLICT,
            "{protocol} {first_move}: {}",
            after.2
        );
        assert!(after.2.contains("locked"), "{}", after.2);
        // Bob has not moved yet.
        let bob = call(&app, "PUT", &prefs, Some(&s.bob), Some(edit.clone())).await;
        assert_eq!(bob.0, StatusCode::OK, "{protocol}: {}", bob.2);
        // Until he locks them himself.
        let lock = format!("/sessions/{}/preferences/lock", s.id);
        let locked = call(&app, "POST", &lock, Some(&s.bob), None).await;
        assert_eq!(locked.0, StatusCode::OK, "{protocol}: {}", locked.2);
        assert_eq!(locked.1["waiting_for"], json!([]), "{protocol}");
        assert_eq!(editable(&s.bob).await, json!(false), "{protocol}");
        let bob = call(&app, "PUT", &prefs, Some(&s.bob), Some(edit.clone())).await;
        assert_eq!(bob.0, StatusCode::CONFLICT, "{protocol}: {}", bob.2);
        assert!(bob.2.contains("locked"), "{}", bob.2);
    }
}

on_both_backends!(
    preferences_are_fixed_by_the_first_move_of_every_protocol,
    health_says_whether_the_database_answers,
    a_database_failure_is_a_generic_500,
    creating_a_session_hands_out_tokens_and_stores_only_hashes,
    bad_session_requests_are_refused_with_json_errors,
    me_shows_only_the_callers_own_preferences,
    invalid_moves_are_refused_and_nothing_is_stored,
    alternating_offers_reach_agreement_and_then_refuse_moves,
    deadline_and_walking_away_end_the_session,
    offers_show_each_party_only_its_own_utility,
    suggestions_improve_on_the_standing_offer_without_leaking,
    failed_suggestions_name_no_other_party,
    the_record_is_admin_only_verifies_and_detects_tampering,
    openapi_document_lists_the_endpoints,
);

/// Two server instances on one database race for the same turns: exactly
/// one move per turn is stored, the losers get 409 (never a 500), and the
/// log stays one verifiable chain.
async fn concurrent_movers_on_two_servers(url: String) {
    let (a, b) = (connect(&url).await.unwrap(), connect(&url).await.unwrap());
    let pool = a.pool.clone();
    let (one, two) = (router(a), router(b));
    let s = create(&one, 50).await;
    let moves = format!("/sessions/{}/moves", s.id);
    for turn in 0..6i64 {
        let token = if turn % 2 == 0 { &s.alice } else { &s.bob };
        let mut tasks = Vec::new();
        for n in 0..8 {
            let app = if n % 2 == 0 { one.clone() } else { two.clone() };
            let (moves, token) = (moves.clone(), token.clone());
            tasks.push(tokio::spawn(async move {
                call(
                    &app,
                    "POST",
                    &moves,
                    Some(&token),
                    Some(offer(2 + n % 2, "red")),
                )
                .await
                .0
            }));
        }
        let mut ok = 0;
        for t in tasks {
            let status = t.await.unwrap();
            assert!(
                status == StatusCode::OK || status == StatusCode::CONFLICT,
                "{status}"
            );
            ok += (status == StatusCode::OK) as usize;
        }
        assert_eq!(ok, 1, "turn {turn}");
        assert_eq!(event_count(&pool, &s.id).await, turn + 2);
    }
    let (status, body, _) = call(
        &two,
        "GET",
        &format!("/sessions/{}/record", s.id),
        Some(&s.admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let record: Record = serde_json::from_value(body).unwrap();
    assert_eq!(record.events.len(), 7);
    assert_eq!(verify_record(&record), Ok(()));
}

#[tokio::test]
async fn concurrent_movers_on_two_servers_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    concurrent_movers_on_two_servers(db.to_str().unwrap().to_string()).await;
}

#[tokio::test]
async fn concurrent_movers_on_two_servers_postgres() {
    if let Some(url) = common::postgres_url("concurrent_movers_on_two_servers").await {
        concurrent_movers_on_two_servers(url.clone()).await;
        common::drop_database(&url).await;
    }
}

/// Many sessions moving at once on one SQLite server: their moves are
/// committed together in batches, each gets its own answer, and every
/// session's log is one verifiable chain with every acknowledged move, as
/// read by a second server opened afterwards on the same file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moves_of_many_sessions_at_once_are_all_kept_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("batched.db");
    let url = db.to_str().unwrap().to_string();
    let one = router(connect(&url).await.unwrap());
    let mut sessions = Vec::new();
    for _ in 0..24 {
        sessions.push(create(&one, 50).await);
    }
    let mut tasks = Vec::new();
    for s in &sessions {
        let (app, id, alice, bob) = (one.clone(), s.id.clone(), s.alice.clone(), s.bob.clone());
        tasks.push(tokio::spawn(async move {
            let moves = format!("/sessions/{id}/moves");
            for turn in 0..8i64 {
                let token = if turn % 2 == 0 { &alice } else { &bob };
                let (status, body, _) = call(
                    &app,
                    "POST",
                    &moves,
                    Some(token),
                    Some(offer(2 + turn % 2, "red")),
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{body}");
                assert_eq!(body["seq"], json!(turn + 1));
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let two = router(connect(&url).await.unwrap());
    for s in &sessions {
        let (status, body, _) = call(
            &two,
            "GET",
            &format!("/sessions/{}/record", s.id),
            Some(&s.admin),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let record: Record = serde_json::from_value(body).unwrap();
        assert_eq!(record.events.len(), 9);
        assert_eq!(verify_record(&record), Ok(()));
    }
}
