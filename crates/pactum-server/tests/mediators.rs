//! The live single text with every mediator (draft-and-vote, veto,
//! hill-climbing, packages) and words with moves, through the HTTP API:
//! the mediator is chosen at creation and recorded; the packages mediator
//! waits for every negotiator's lock, then proposes and stops on the
//! frontier; every session's export verifies; messages are stored, limited,
//! kept in the record and posted without a move by the mediator only.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{Session, call, create_session, lock_preferences};
use pactum_server::{Db, Status, VerifyOptions, VerifyReport, router, verify_file};
use serde_json::{Value, json};

const SCENARIO: &str = price_colour_deal!(
    "Mediated deal",
    r#"
[[parties]]
name = "Alice"
weights = { price = 0.7, colour = 0.3 }
values.price = { type = "linear", slope = 0.5, offset = 0.0 }
values.colour = { red = 1.0, blue = 0.0 }

[[parties]]
name = "Bob"
weights = { price = 0.2, colour = 0.8 }
values.price = { type = "linear", slope = -0.5, offset = 1.0 }
values.colour = { red = 0.0, blue = 1.0 }

[[parties]]
name = "Mira"
role = "mediator"
"#
);

const MEDIATORS: [&str; 4] = ["draft_and_vote", "veto", "hill_climbing", "packages"];

async fn create(app: &Router, protocol: &str, mediator: Option<&str>) -> (Session, Value) {
    let mut request =
        json!({"scenario_toml": SCENARIO, "protocol": protocol, "deadline_rounds": 8});
    if let Some(m) = mediator {
        request["mediator"] = json!(m);
    }
    let created = create_session(app, request).await;
    (Session::of(&created), created)
}

async fn get(app: &Router, uri: &str, token: &str) -> Value {
    let (status, v, t) = call(app, "GET", uri, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {t}");
    v
}

async fn vote(app: &Router, s: &Session, token: &str, body: Value) -> (StatusCode, Value) {
    let (status, v, _) = call(
        app,
        "POST",
        &format!("/sessions/{}/votes", s.id),
        Some(token),
        Some(body),
    )
    .await;
    (status, v)
}

/// Each negotiator votes sincerely (accept a proposal at least as good as
/// the draft) until the session ends; returns the last view of Alice.
async fn vote_sincerely(app: &Router, s: &Session) -> Value {
    let text = format!("/sessions/{}/single_text", s.id);
    for _ in 0..20 {
        for token in [&s.alice, &s.bob] {
            let v = get(app, &text, token).await;
            if v["status"] != "open" {
                return v;
            }
            let proposed = v["my_utility_proposed"].as_f64().unwrap();
            let accept = v["my_utility_draft"]
                .as_f64()
                .is_none_or(|d| proposed >= d - 1e-12);
            let (status, b) = vote(app, s, token, json!({"accept": accept})).await;
            assert_eq!(status, StatusCode::OK, "{b}");
        }
    }
    panic!("the session did not end");
}

fn verify_export(export: &Value) -> VerifyReport {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    std::fs::write(&file, export.to_string()).unwrap();
    verify_file(&file, &VerifyOptions::default()).unwrap().1
}

fn assert_verified(report: &VerifyReport, what: &str) {
    assert!(report.verified, "{what}: {:?}", report.problems());
    assert_eq!(
        report.check("protocol replay").unwrap().status,
        Status::Passed,
        "{what}"
    );
}

async fn every_mediator_runs_live_and_its_export_verifies(db: Db) {
    let app = router(db);
    for mediator in MEDIATORS {
        let (s, _) = create(&app, "single_text", Some(mediator)).await;
        let me = get(&app, &format!("/sessions/{}/me", s.id), &s.alice).await;
        assert_eq!(me["mediator"], mediator);
        if mediator == "packages" {
            for token in [&s.alice, &s.bob] {
                lock_preferences(&app, &s.id, token).await;
            }
        }
        let last = vote_sincerely(&app, &s).await;
        assert_eq!(last["mediator"], mediator);
        let export = get(&app, &format!("/sessions/{}/export", s.id), &s.admin).await;
        let created = &export["record"]["events"][0]["event"];
        let draws = matches!(mediator, "veto" | "hill_climbing");
        assert_eq!(created["mediator_seed"].is_u64(), draws, "{created}");
        assert_eq!(
            created.get("mediator").and_then(Value::as_str),
            (mediator != "draft_and_vote").then_some(mediator)
        );
        assert_verified(&verify_export(&export), mediator);
        // The mediator view names the mediator too.
        let view = get(&app, &format!("/sessions/{}/mediator", s.id), &s.admin).await;
        assert_eq!(view["single_text"]["mediator"], mediator);
    }
}

async fn the_packages_mediator_waits_for_every_lock_then_stops_on_the_frontier(db: Db) {
    let app = router(db);
    let (s, _) = create(&app, "single_text", Some("packages")).await;
    let text = format!("/sessions/{}/single_text", s.id);
    let v = get(&app, &text, &s.alice).await;
    assert_eq!(v["waiting_for"], json!(["Alice", "Bob"]));
    assert_eq!(v["change"], Value::Null);
    let (status, b) = vote(&app, &s, &s.alice, json!({"accept": true})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        b["error"]
            .as_str()
            .unwrap()
            .ends_with("not locked yet: Alice, Bob"),
        "{b}"
    );
    lock_preferences(&app, &s.id, &s.alice).await;
    let (status, b) = vote(&app, &s, &s.bob, json!({"accept": true})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        b["error"]
            .as_str()
            .unwrap()
            .ends_with("not locked yet: Bob"),
        "{b}"
    );
    lock_preferences(&app, &s.id, &s.bob).await;
    // The first proposal: a whole package (no draft yet).
    let v = get(&app, &text, &s.bob).await;
    assert_eq!(v["waiting_for"], json!([]));
    assert_eq!(v["proposal"], 0);
    assert_eq!(v["draft"], json!({}));
    assert_eq!(v["change"], v["proposed_draft"]);
    let last = vote_sincerely(&app, &s).await;
    assert_eq!(last["status"], "agreement");
    assert_eq!(
        last["stopped"],
        "the mediator found no package better for everyone: this draft is on the frontier"
    );
    // Alice wants price 3 and red, Bob price 1 and blue: the draft climbs
    // to a Pareto-efficient package.
    let record = common::record_of(&app, &s.id, &s.admin).await;
    let types: Vec<&str> = record
        .events
        .iter()
        .map(|e| e.event["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        &types[..4],
        [
            "created",
            "preferences_locked",
            "preferences_locked",
            "proposal"
        ]
    );
    let stopped = record
        .events
        .iter()
        .find(|e| e.event["type"] == "stopped")
        .expect("a stopped event");
    assert_eq!(stopped.event["reason"], "frontier");
    assert_eq!(stopped.event["exhaustive"], true);
    // Bob sees only proposals, never Alice's utilities.
    let export = get(&app, &format!("/sessions/{}/export", s.id), &s.admin).await;
    assert_verified(&verify_export(&export), "packages");
}

/// The packages mediator proposed from Alice's own edit of her preferences:
/// the export replays only with her preferences export (no export carries
/// them), and a rewritten proposal fails the replay.
async fn the_packages_mediator_replays_with_the_edited_preferences_opened(db: Db) {
    let app = router(db);
    let (s, _) = create(&app, "single_text", Some("packages")).await;
    let edit = json!({
        "weights": {"price": 0.4, "colour": 0.6},
        "values": {
            "price": {"type": "linear", "slope": 0.5, "offset": 0.0},
            "colour": {"red": 0.0, "blue": 1.0}
        }
    });
    let path = format!("/sessions/{}/me/preferences", s.id);
    let (status, _, text) = call(&app, "PUT", &path, Some(&s.alice), Some(edit)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    for token in [&s.alice, &s.bob] {
        lock_preferences(&app, &s.id, token).await;
    }
    let last = vote_sincerely(&app, &s).await;
    assert_eq!(last["status"], "agreement", "{last}");
    let export = get(&app, &format!("/sessions/{}/export", s.id), &s.admin).await;
    // The export carries a commitment only, never the preferences.
    let edits: Vec<&Value> = export["record"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["event"])
        .filter(|e| e["type"] == "preferences")
        .collect();
    assert_eq!(edits.len(), 1);
    let mut keys: Vec<&String> = edits[0].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["at_ms", "commitment", "party", "type"]);
    let report = verify_export(&export);
    let replay = report.check("protocol replay").unwrap();
    assert_eq!(replay.status, Status::NotChecked, "{report:?}");
    assert!(
        replay.detail.contains("Alice (event 1)"),
        "{}",
        replay.detail
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    std::fs::write(&file, export.to_string()).unwrap();
    let alices = get(
        &app,
        &format!("/sessions/{}/preferences/export", s.id),
        &s.alice,
    )
    .await;
    let opening = dir.path().join("alice.json");
    std::fs::write(&opening, alices.to_string()).unwrap();
    let opened = VerifyOptions {
        preferences: vec![opening],
        ..Default::default()
    };
    let report = verify_file(&file, &opened).unwrap().1;
    assert_verified(&report, "packages, opened");

    // A proposal rewritten (and every hash recomputed or not) fails the replay.
    let mut forged = export.clone();
    let events = forged["record"]["events"].as_array_mut().unwrap();
    let at = events
        .iter()
        .position(|e| e["event"]["type"] == "proposal")
        .unwrap();
    let change = events[at]["event"]["change"].as_object_mut().unwrap();
    let colour = change.get("colour").cloned();
    change.insert(
        "colour".into(),
        json!(if colour == Some(json!("red")) {
            "blue"
        } else {
            "red"
        }),
    );
    std::fs::write(&file, forged.to_string()).unwrap();
    let opening = dir.path().join("alice.json");
    let report = verify_file(
        &file,
        &VerifyOptions {
            preferences: vec![opening],
            ..Default::default()
        },
    )
    .unwrap()
    .1;
    assert_eq!(
        report.check("protocol replay").unwrap().status,
        Status::Failed,
        "{report:?}"
    );
}

async fn a_mediator_is_for_the_single_text_and_named_as_listed(db: Db) {
    let app = router(db);
    for (protocol, mediator, needle) in [
        ("single_text", "draft-and-vote", "unknown mediator"),
        ("single_text", "random", "unknown mediator"),
        (
            "alternating_offers",
            "veto",
            "only a \"single_text\" session",
        ),
    ] {
        let (status, b, _) = call(
            &app,
            "POST",
            "/sessions",
            None,
            Some(json!({"scenario_toml": SCENARIO, "protocol": protocol,
                "deadline_rounds": 3, "mediator": mediator})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let e = b["error"].as_str().unwrap();
        assert!(e.starts_with("mediator: ") && e.contains(needle), "{e}");
    }
}

async fn messages(app: &Router, s: &Session, token: &str) -> Vec<Value> {
    get(app, &format!("/sessions/{}/messages", s.id), token).await["messages"]
        .as_array()
        .unwrap()
        .clone()
}

async fn words_travel_with_moves_and_the_mediator_speaks_without_one(db: Db) {
    let app = router(db);
    let (s, created) = create(&app, "single_text", None).await;
    let mira = created["viewers"][0]["token"].as_str().unwrap().to_string();
    let script = "<script>alert('x')</script> our red line on colour";
    let (status, b) = vote(
        &app,
        &s,
        &s.alice,
        json!({"accept": true, "message": script}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    // Too long, or with a control character: 422 naming the field, nothing stored.
    let long = "x".repeat(501);
    for bad in [long.as_str(), "bell\u{7}"] {
        let (status, b) = vote(&app, &s, &s.bob, json!({"accept": false, "message": bad})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(b["error"].as_str().unwrap().starts_with("message: "), "{b}");
    }
    let (status, b) = vote(
        &app,
        &s,
        &s.bob,
        json!({"accept": false, "message": "too dear"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    // The mediator speaks without a move; a negotiator may not.
    let post = |token: String, text: &str| {
        let app = app.clone();
        let uri = format!("/sessions/{}/messages", s.id);
        let body = json!({"message": text});
        async move { call(&app, "POST", &uri, Some(&token), Some(body)).await }
    };
    let (status, b, _) = post(s.alice.clone(), "I am the mediator").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{b}");
    let (status, b, _) = post(mira.clone(), "Try the blue one?").await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["party"], "Mira");
    let (status, b, _) = post(s.admin.clone(), "Convener here").await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["party"], "convener");
    let (status, b, _) = post(mira.clone(), " ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (status, _, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/messages", s.id),
        Some("not-a-token"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Every token of the session reads them, verbatim.
    for token in [&s.alice, &s.bob, &mira, &s.admin] {
        let said = messages(&app, &s, token).await;
        let texts: Vec<(&str, &str, &str)> = said
            .iter()
            .map(|m| {
                (
                    m["party"].as_str().unwrap(),
                    m["kind"].as_str().unwrap(),
                    m["message"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            texts,
            [
                ("Alice", "vote", script),
                ("Bob", "vote", "too dear"),
                ("Mira", "message", "Try the blue one?"),
                ("convener", "message", "Convener here"),
            ]
        );
    }
    // In the record (hash-chained), and the record verifies.
    let record = common::record_of(&app, &s.id, &s.admin).await;
    let text = serde_json::to_string(&record).unwrap();
    assert!(text.contains("our red line on colour") && text.contains("Try the blue one?"));
    assert_eq!(pactum_server::verify_record(&record), Ok(()));
    // Alternating offers: an offer's rationale.
    let (s, _) = create(&app, "alternating_offers", None).await;
    let (status, b, _) = call(
        &app,
        "POST",
        &format!("/sessions/{}/moves", s.id),
        Some(&s.alice),
        Some(
            json!({"kind": "offer", "offer": {"price": 3, "colour": "red"},
            "message": "our red line on colour"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let (status, b, _) = call(
        &app,
        "POST",
        &format!("/sessions/{}/moves", s.id),
        Some(&s.bob),
        Some(json!({"kind": "accept", "message": "fine"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let said = messages(&app, &s, &s.bob).await;
    assert_eq!(said.len(), 2);
    assert_eq!(said[0]["kind"], "offer");
    assert_eq!(said[1]["kind"], "accept");
    // The mediator cannot speak into a closed record.
    let (status, _, _) = call(
        &app,
        "POST",
        &format!("/sessions/{}/messages", s.id),
        Some(&s.admin),
        Some(json!({"message": "late"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let export = get(&app, &format!("/sessions/{}/export", s.id), &s.admin).await;
    assert!(export.to_string().contains("our red line on colour"));
    assert_verified(&verify_export(&export), "alternating offers with words");
}

on_both_backends!(
    every_mediator_runs_live_and_its_export_verifies,
    the_packages_mediator_waits_for_every_lock_then_stops_on_the_frontier,
    a_mediator_is_for_the_single_text_and_named_as_listed,
    the_packages_mediator_replays_with_the_edited_preferences_opened,
    words_travel_with_moves_and_the_mediator_speaks_without_one,
);
