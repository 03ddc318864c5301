//! Who may do what: every endpoint walked with every kind of token, and no
//! body ever carrying another party's preferences or utilities. Also the
//! disclosure choice, the mediator view, the agreement certificate and the
//! export. Runs on SQLite and (when `PACTUM_TEST_POSTGRES` is set) PostgreSQL.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{Tokens, assert_none, call, create_mediated, disclose};
use pactum_server::{Db, router};
use serde_json::{Value, json};

/// Distinctive numbers, so that a leak shows up as a substring of a
/// response (see `mediated_deal!` in tests/common).
const SCENARIO: &str = mediated_deal!("Access deal");

/// Alice's weights, reservation and utilities of (2, blue) and (3, blue).
const ALICE: [&str; 5] = ["0.7311", "0.2689", "0.0137", "0.36555", "0.7311"];
/// Bob's weights, reservation and utilities of (2, blue) and (3, blue).
const BOB: [&str; 5] = ["0.1573", "0.8427", "0.0241", "0.98427", "0.90562"];

async fn create(app: &Router) -> Tokens {
    let (t, b) = create_mediated(app, SCENARIO, "alternating_offers", 10).await;
    assert_eq!(b["viewers"][0]["party"], "Mira");
    assert_eq!(b["viewers"][0]["role"], "mediator");
    assert_eq!(b["viewers"][1]["role"], "observer");
    t
}

fn endpoints(id: &str) -> Vec<(&'static str, String, Option<Value>)> {
    vec![
        ("GET", format!("/sessions/{id}/me"), None),
        (
            "POST",
            format!("/sessions/{id}/moves"),
            Some(json!({"kind": "offer", "offer": {"price": 1, "colour": "red"}})),
        ),
        ("GET", format!("/sessions/{id}/offers"), None),
        ("POST", format!("/sessions/{id}/suggestions"), None),
        ("GET", format!("/sessions/{id}/record"), None),
        (
            "PUT",
            format!("/sessions/{id}/disclosure"),
            Some(json!({"disclose": true})),
        ),
        ("GET", format!("/sessions/{id}/mediator"), None),
        ("GET", format!("/sessions/{id}/certificate"), None),
        ("GET", format!("/sessions/{id}/export"), None),
        ("POST", format!("/sessions/{id}/preferences/lock"), None),
    ]
}

async fn access_matrix(db: Db) {
    let app = router(db);
    let t = create(&app).await;
    let other = create(&app).await;
    // Some history so that views have content: (2, blue) stands.
    let moves = format!("/sessions/{}/moves", t.id);
    let offer = json!({"kind": "offer", "offer": {"price": 2, "colour": "blue"}});
    let (status, _, text) = call(&app, "POST", &moves, Some(&t.bob), Some(offer)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}"); // Alice moves first
    let offer = json!({"kind": "offer", "offer": {"price": 2, "colour": "blue"}});
    let (status, _, _) = call(&app, "POST", &moves, Some(&t.alice), Some(offer)).await;
    assert_eq!(status, StatusCode::OK);
    // Bob locks his preferences, so that suggestions are given.
    let lock = format!("/sessions/{}/preferences/lock", t.id);
    let (status, _, text) = call(&app, "POST", &lock, Some(&t.bob), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");

    use StatusCode as S;
    let forged = "0".repeat(64);
    // (name, token, expected status per endpoint in `endpoints` order)
    let refused: Vec<(&str, Option<&str>, [S; 10])> = vec![
        ("no token", None, [S::UNAUTHORIZED; 10]),
        ("forged token", Some(&forged), [S::UNAUTHORIZED; 10]),
        ("other session", Some(&other.alice), [S::UNAUTHORIZED; 10]),
        ("other admin", Some(&other.admin), [S::UNAUTHORIZED; 10]),
        (
            "admin",
            Some(&t.admin),
            [
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::FORBIDDEN,
                S::OK,
                S::CONFLICT,
                S::CONFLICT,
                S::FORBIDDEN,
            ],
        ),
        (
            "mediator",
            Some(&t.mira),
            [
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::CONFLICT,
                S::FORBIDDEN,
                S::FORBIDDEN,
            ],
        ),
        (
            "observer",
            Some(&t.otto),
            [
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::CONFLICT,
                S::FORBIDDEN,
                S::FORBIDDEN,
            ],
        ),
    ];
    for (who, token, expected) in &refused {
        for ((method, path, body), want) in endpoints(&t.id).into_iter().zip(expected) {
            let (status, json, text) = call(&app, method, &path, *token, body).await;
            assert_eq!(status, *want, "{who}: {method} {path}: {text}");
            if !status.is_success() {
                assert!(json["error"].is_string(), "{who}: {method} {path}: {text}");
            }
            assert_none(&text, &ALICE, who);
            assert_none(&text, &BOB, who);
            if let Some(tok) = token {
                assert!(!text.contains(tok), "{who}: token echoed");
            }
        }
    }
    // Negotiators: their own numbers at most, never the other's (moves are
    // covered by the tests of the protocol).
    for (who, token, theirs) in [("Alice", &t.alice, &BOB), ("Bob", &t.bob, &ALICE)] {
        for (method, path, body) in endpoints(&t.id) {
            if method == "POST" && path.ends_with("/moves") {
                continue;
            }
            let body = if path.ends_with("/disclosure") {
                Some(json!({"disclose": false}))
            } else {
                body
            };
            let (status, _, text) = call(&app, method, &path, Some(token), body).await;
            let want = match path.rsplit('/').next().unwrap() {
                "record" | "export" | "mediator" => S::FORBIDDEN,
                "certificate" => S::CONFLICT,
                _ => S::OK,
            };
            assert_eq!(status, want, "{who}: {method} {path}: {text}");
            assert_none(&text, theirs, who);
        }
    }
    // An unknown session answers exactly as a known one does to a caller
    // without one of its tokens, so that session ids cannot be probed.
    for ((method, path, body), (_, known, _)) in endpoints("0123").into_iter().zip(endpoints(&t.id))
    {
        for token in [None, Some(t.admin.as_str()), Some(forged.as_str())] {
            let unknown = call(&app, method, &path, token, body.clone()).await;
            let known = call(
                &app,
                method,
                &known,
                token.map(|_| forged.as_str()),
                body.clone(),
            )
            .await;
            assert_eq!(unknown.0, S::UNAUTHORIZED, "{method} {path}");
            assert_eq!(
                (unknown.0, unknown.2),
                (known.0, known.2),
                "{method} {path}"
            );
        }
    }
    // Oversized bodies are refused before anything is parsed.
    let huge = json!({"disclose": true, "pad": "x".repeat(300 * 1024)});
    let path = format!("/sessions/{}/disclosure", t.id);
    let (status, _, _) = call(&app, "PUT", &path, Some(&t.alice), Some(huge)).await;
    assert_eq!(status, S::PAYLOAD_TOO_LARGE);
}

async fn disclosure_and_mediator_view(db: Db) {
    let app = router(db);
    let t = create(&app).await;
    let moves = format!("/sessions/{}/moves", t.id);
    let disclosure = format!("/sessions/{}/disclosure", t.id);
    let mediator = format!("/sessions/{}/mediator", t.id);
    let offer = json!({"kind": "offer", "offer": {"price": 2, "colour": "blue"}});
    call(&app, "POST", &moves, Some(&t.alice), Some(offer)).await;

    let view = |token: String| {
        let (app, mediator) = (app.clone(), mediator.clone());
        async move {
            let (status, v, text) = call(&app, "GET", &mediator, Some(&token), None).await;
            assert_eq!(status, StatusCode::OK, "{text}");
            (v, text)
        }
    };
    // Off by default: the trace, no utilities.
    let (v, text) = view(t.mira.clone()).await;
    assert_eq!(v["disclosed"], json!([]));
    assert_eq!(
        v["offers"][0]["offer"],
        json!({"price": 2, "colour": "blue"})
    );
    assert_eq!(v["utility_space"], Value::Null);
    assert_none(&text, &ALICE, "mediator");
    assert_none(&text, &BOB, "mediator");

    let r = disclose(&app, &t, &t.alice, true).await;
    assert_eq!(r["all_disclosed"], false);
    let (v, text) = view(t.mira.clone()).await;
    assert_eq!(v["disclosed"], json!(["Alice"]));
    assert_eq!(v["utility_space"], Value::Null);
    assert_none(&text, &ALICE, "mediator");

    let r = disclose(&app, &t, &t.bob, true).await;
    assert_eq!(r["all_disclosed"], true);
    let (v, _) = view(t.mira.clone()).await;
    let space = &v["utility_space"];
    assert_eq!(space["negotiators"], json!(["Alice", "Bob"]));
    assert_eq!(space["outcome_count"], "6");
    assert_eq!(space["sample"].as_array().unwrap().len(), 6);
    assert!(!space["frontier"].as_array().unwrap().is_empty());
    assert!(space["nash"]["offer"].is_object());
    let u = &space["offers"][0];
    assert!((u[0].as_f64().unwrap() - 0.36555).abs() < 1e-9, "{u}");
    // Only the mediator: the observer and the admin still see the trace only.
    for token in [&t.otto, &t.admin] {
        let (v, text) = view(token.clone()).await;
        assert_eq!(v["utility_space"], Value::Null);
        assert_none(&text, &ALICE, "observer/admin");
        assert_none(&text, &BOB, "observer/admin");
    }
    // Revocable.
    disclose(&app, &t, &t.bob, false).await;
    let (v, _) = view(t.mira.clone()).await;
    assert_eq!(v["disclosed"], json!(["Alice"]));
    assert_eq!(v["utility_space"], Value::Null);
    // Wrong bodies.
    let (status, _, _) = call(
        &app,
        "PUT",
        &disclosure,
        Some(&t.bob),
        Some(json!({"disclose": "yes"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn reach_agreement(app: &Router, t: &Tokens) {
    let moves = format!("/sessions/{}/moves", t.id);
    let offer = json!({"kind": "offer", "offer": {"price": 3, "colour": "blue"}});
    let (status, _, _) = call(app, "POST", &moves, Some(&t.alice), Some(offer)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, r, _) = call(
        app,
        "POST",
        &moves,
        Some(&t.bob),
        Some(json!({"kind": "accept"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r["status"], "agreement");
}

async fn certificate_without_disclosure_shows_each_only_its_own(db: Db) {
    let app = router(db);
    let t = create(&app).await;
    reach_agreement(&app, &t).await;
    let url = format!("/sessions/{}/certificate", t.id);
    let (status, a, text) = call(&app, "GET", &url, Some(&t.alice), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let c = &a["certificate"];
    assert_eq!(c["agreement"], json!({"price": 3, "colour": "blue"}));
    assert_eq!(c["utilities"], Value::Null);
    assert!(c["pareto_optimal"].is_boolean());
    assert!(c["nash_distance"].as_f64().unwrap() >= 0.0);
    assert!((a["my_utility"].as_f64().unwrap() - 0.7311).abs() < 1e-9);
    assert_none(&text, &BOB, "Alice");
    let (_, b, text) = call(&app, "GET", &url, Some(&t.bob), None).await;
    assert!((b["my_utility"].as_f64().unwrap() - 0.90562).abs() < 1e-9);
    assert_none(&text, &ALICE, "Bob");
    for token in [&t.admin, &t.mira, &t.otto] {
        let (status, v, text) = call(&app, "GET", &url, Some(token), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(v["my_utility"], Value::Null);
        assert_none(&text, &ALICE, "viewer");
        assert_none(&text, &BOB, "viewer");
    }
    // The certificate closes the record, and disclosure is now fixed.
    let (_, record, text) = call(
        &app,
        "GET",
        &format!("/sessions/{}/record", t.id),
        Some(&t.admin),
        None,
    )
    .await;
    let events = record["events"].as_array().unwrap();
    assert_eq!(events.last().unwrap()["event"]["type"], "certificate");
    assert_none(&text, &ALICE, "record");
    assert_none(&text, &BOB, "record");
    let (status, _, _) = call(
        &app,
        "PUT",
        &format!("/sessions/{}/disclosure", t.id),
        Some(&t.alice),
        Some(json!({"disclose": true})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

async fn certificate_with_disclosure_lists_everyone_and_verifies_offline(db: Db) {
    let app = router(db);
    let t = create(&app).await;
    for token in [&t.alice, &t.bob] {
        disclose(&app, &t, token, true).await;
    }
    let (status, _, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/export", t.id),
        Some(&t.admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT); // still open
    reach_agreement(&app, &t).await;
    let (_, v, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/certificate", t.id),
        Some(&t.mira),
        None,
    )
    .await;
    let c = &v["certificate"];
    assert_eq!(c["disclosed"], json!(["Alice", "Bob"]));
    assert!((c["utilities"]["Alice"].as_f64().unwrap() - 0.7311).abs() < 1e-9);
    assert!((c["utilities"]["Bob"].as_f64().unwrap() - 0.90562).abs() < 1e-9);

    let (status, export, text) = call(
        &app,
        "GET",
        &format!("/sessions/{}/export", t.id),
        Some(&t.admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(export["scenario_toml"], SCENARIO);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    std::fs::write(&file, export.to_string()).unwrap();
    pactum_server::verify_record_file(&file).unwrap();

    // A certificate rewritten (and re-chained) to claim other utilities is
    // caught by recomputing it from the scenario.
    let mut forged = export.clone();
    let events = forged["record"]["events"].as_array_mut().unwrap();
    let last = events.len() - 1;
    events[last]["event"]["utilities"]["Bob"] = json!(0.99);
    let body = events[last]["event"].clone();
    let prev = events[last]["prev_hash"].as_str().unwrap().to_string();
    events[last]["hash"] = json!(pactum_server::testing::chain_hash(&prev, &body));
    std::fs::write(&file, forged.to_string()).unwrap();
    let err = pactum_server::verify_record_file(&file).unwrap_err();
    assert!(format!("{err:#}").contains("recomputed"), "{err:#}");
    // Without the scenario the chain alone still verifies.
    std::fs::write(&file, forged["record"].to_string()).unwrap();
    pactum_server::verify_record_file(&file).unwrap();
    // And a scenario that is not the session's is refused.
    let other = dir.path().join("other.toml");
    std::fs::write(&other, SCENARIO.replace("0.0137", "0.0138")).unwrap();
    let err = pactum_server::verify_record_file_with(&file, Some(&other)).unwrap_err();
    assert!(format!("{err:#}").contains("SHA-256"), "{err:#}");
}

/// Alice's edited weights, reservation, colour values and utility of
/// (3, blue) under them: 0.6173 · 1 + 0.3827 · 0.0863.
const ALICE_EDITED: [&str; 6] = [
    "0.6173",
    "0.3827",
    "0.0419",
    "0.9137",
    "0.0863",
    "0.65032701",
];

fn alice_edit() -> Value {
    json!({
        "weights": {"price": 0.6173, "colour": 0.3827},
        "values": {
            "price": {"type": "linear", "slope": 0.5, "offset": 0.0},
            "colour": {"red": 0.9137, "blue": 0.0863}
        },
        "reservation_value": 0.0419
    })
}

async fn edited_preferences_are_checked_used_and_private(db: Db) {
    let app = router(db);
    let t = create(&app).await;
    let path = format!("/sessions/{}/me/preferences", t.id);
    use StatusCode as S;
    // Bad input: 422 naming the field.
    for (change, field) in [
        (
            json!({"weights": {"price": -0.5, "colour": 0.5}}),
            "weights.price",
        ),
        (json!({"weights": {"price": 0.5, "size": 0.5}}), "size"),
        (
            json!({"values": {"price": {"type": "linear", "slope": 0.5, "offset": 0.0}, "colour": {"red": 1.5, "blue": 0.0}}}),
            "colour",
        ),
        (
            json!({"values": {"price": {"type": "linear", "slope": 0.5, "offset": 0.0}, "colour": {"red": 1.0, "green": 0.0}}}),
            "colour",
        ),
        (json!({"reservation_value": 2.0}), "reservation"),
    ] {
        let mut body = alice_edit();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, b, text) = call(&app, "PUT", &path, Some(&t.alice), Some(body)).await;
        assert_eq!(status, S::UNPROCESSABLE_ENTITY, "{change}: {text}");
        assert!(
            b["error"].as_str().unwrap().contains(field),
            "{change}: {text}"
        );
    }
    // Only a negotiator's own token may edit.
    for (who, token) in [
        ("admin", &t.admin),
        ("mediator", &t.mira),
        ("observer", &t.otto),
    ] {
        let (status, _, text) = call(&app, "PUT", &path, Some(token), Some(alice_edit())).await;
        assert_eq!(status, S::FORBIDDEN, "{who}: {text}");
    }
    let (status, _, _) = call(&app, "PUT", &path, Some(&other_token()), Some(alice_edit())).await;
    assert_eq!(status, S::UNAUTHORIZED);

    let (status, upd, text) = call(&app, "PUT", &path, Some(&t.alice), Some(alice_edit())).await;
    assert_eq!(status, S::OK, "{text}");
    // The record holds the commitment, which the salt opens, and no numbers.
    let (_, rec, rec_text) = call(
        &app,
        "GET",
        &format!("/sessions/{}/record", t.id),
        Some(&t.admin),
        None,
    )
    .await;
    let ev = &rec["events"][upd["seq"].as_u64().unwrap() as usize]["event"];
    assert_eq!(ev["type"], "preferences");
    assert_eq!(ev["party"], "Alice");
    assert_eq!(ev["commitment"], upd["commitment"]);
    let req: pactum_server::testing::PreferencesRequest =
        serde_json::from_value(alice_edit()).unwrap();
    assert_eq!(
        pactum_server::testing::commitment(upd["salt"].as_str().unwrap(), &req),
        upd["commitment"].as_str().unwrap()
    );
    assert_none(&rec_text, &ALICE_EDITED, "record");
    assert!(!rec_text.contains(upd["salt"].as_str().unwrap()));

    // Alice's own view uses the new preferences.
    let (_, me, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/me", t.id),
        Some(&t.alice),
        None,
    )
    .await;
    assert_eq!(me["preferences"]["issues"][0]["weight"], 0.6173);
    assert_eq!(me["preferences"]["reservation_value"], 0.0419);
    assert_eq!(
        me["preferences"]["issues"][1]["values"][0]["utility"],
        0.9137
    );

    reach_agreement(&app, &t).await;
    let (_, offers, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/offers", t.id),
        Some(&t.alice),
        None,
    )
    .await;
    let u = offers[0]["my_utility"].as_f64().unwrap();
    assert!((u - 0.65032701).abs() < 1e-9, "{offers}");
    let (status, cert, text) = call(
        &app,
        "GET",
        &format!("/sessions/{}/certificate", t.id),
        Some(&t.alice),
        None,
    )
    .await;
    assert_eq!(status, S::OK, "{text}");
    let u = cert["my_utility"].as_f64().unwrap();
    assert!((u - 0.65032701).abs() < 1e-9, "{cert}");
    // After the first move it is too late.
    let (status, _, _) = call(&app, "PUT", &path, Some(&t.alice), Some(alice_edit())).await;
    assert_eq!(status, S::CONFLICT);

    // Nobody else ever sees the edited numbers (or Alice's originals' use).
    for (who, token) in [
        ("Bob", &t.bob),
        ("admin", &t.admin),
        ("mediator", &t.mira),
        ("observer", &t.otto),
    ] {
        for (method, path, body) in endpoints(&t.id) {
            if method != "GET" && !path.ends_with("/suggestions") {
                continue;
            }
            let (_, _, text) = call(&app, method, &path, Some(token), body).await;
            assert_none(&text, &ALICE_EDITED, who);
        }
    }
    // The record and its certificate still verify (the chain; the
    // certificate cannot be recomputed from the scenario alone).
    let (_, export, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/export", t.id),
        Some(&t.admin),
        None,
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    std::fs::write(&file, export.to_string()).unwrap();
    pactum_server::verify_record_file(&file).unwrap();
}

fn other_token() -> String {
    "f".repeat(64)
}

on_both_backends!(
    access_matrix,
    disclosure_and_mediator_view,
    certificate_without_disclosure_shows_each_only_its_own,
    certificate_with_disclosure_lists_everyone_and_verifies_offline,
    edited_preferences_are_checked_used_and_private,
);
