//! Disclosure goes to the session's mediator: the scenario's mediator party
//! when it names one, otherwise the convener (the admin token). Only that
//! mediator gets the utility space once every negotiator discloses; every
//! token of the session sees who discloses (never what), at load
//! (`GET /sessions/{id}/disclosure`, the mediator view) and live
//! (`disclosure` events). Runs on SQLite and (when `PACTUM_TEST_POSTGRES`
//! is set) PostgreSQL.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{
    Tokens, assert_none, call, create_mediated, create_session, disclose, next_event,
    next_event_within, open_stream,
};
use pactum_server::{Db, router};
use serde_json::{Value, json};

/// Alice, Bob and the mediator Mira and observer Otto (see `mediated_deal!`).
const WITH_MEDIATOR: &str = mediated_deal!("With a mediator");

/// The same negotiators with the observer Otto and no mediator: the
/// convener mediates.
const WITHOUT_MEDIATOR: &str = price_colour_deal!(
    "Without a mediator",
    r#"
[[parties]]
name = "Alice"
role = "negotiator"
reservation = 0.0137
weights = { price = 0.7311, colour = 0.2689 }
values.price = { type = "linear", slope = 0.5, offset = 0.0 }
values.colour = { red = 1.0, blue = 0.0 }

[[parties]]
name = "Bob"
role = "negotiator"
reservation = 0.0241
weights = { price = 0.1573, colour = 0.8427 }
values.price = { type = "linear", slope = -0.5, offset = 1.4 }
values.colour = { red = 0.0, blue = 1.0 }

[[parties]]
name = "Otto"
role = "observer"
"#
);

/// Distinctive numbers of both negotiators' preferences (weights,
/// reservation values, worths): none may reach anyone but the mediator,
/// and the mediator only inside the utility space.
const SECRETS: [&str; 6] = ["0.7311", "0.2689", "0.0137", "0.1573", "0.8427", "0.0241"];

/// A session of [`WITHOUT_MEDIATOR`]: its tokens (Otto's in `otto`; no
/// mediator, so `mira` is empty).
async fn create_without_mediator(app: &Router) -> Tokens {
    let b = create_session(
        app,
        json!({"scenario_toml": WITHOUT_MEDIATOR, "protocol": "alternating_offers", "deadline_rounds": 4}),
    )
    .await;
    let t = |v: &Value| v["token"].as_str().unwrap().to_string();
    assert_eq!(b["viewers"].as_array().unwrap().len(), 1, "{b}");
    Tokens {
        id: b["session_id"].as_str().unwrap().into(),
        admin: b["admin_token"].as_str().unwrap().into(),
        alice: t(&b["invitations"][0]),
        bob: t(&b["invitations"][1]),
        mira: String::new(),
        otto: t(&b["viewers"][0]),
    }
}

async fn mediator_view(app: &Router, t: &Tokens, token: &str) -> (StatusCode, Value, String) {
    let path = format!("/sessions/{}/mediator", t.id);
    call(app, "GET", &path, Some(token), None).await
}

async fn status_of(app: &Router, t: &Tokens, token: &str) -> Value {
    let path = format!("/sessions/{}/disclosure", t.id);
    let (status, v, text) = call(app, "GET", &path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_none(&text, &SECRETS, "the disclosure status");
    v
}

/// The view `token` gets has no utility space and no secret.
async fn no_space(app: &Router, t: &Tokens, who: &str, token: &str) -> Value {
    let (status, v, text) = mediator_view(app, t, token).await;
    assert_eq!(status, StatusCode::OK, "{who}: {text}");
    assert_eq!(v["utility_space"], Value::Null, "{who}: {text}");
    assert_none(&text, &SECRETS, who);
    v
}

/// The utility space `token` gets: both negotiators' utilities of the
/// offer (2, blue) made before, 0.36555 for Alice and 0.14157 + 0.8427 for
/// Bob.
async fn space(app: &Router, t: &Tokens, who: &str, token: &str) -> Value {
    let (status, v, text) = mediator_view(app, t, token).await;
    assert_eq!(status, StatusCode::OK, "{who}: {text}");
    let space = v["utility_space"].clone();
    assert_eq!(
        space["negotiators"],
        json!(["Alice", "Bob"]),
        "{who}: {text}"
    );
    assert_eq!(space["outcome_count"], "6");
    let u = &space["offers"][0];
    assert!((u[0].as_f64().unwrap() - 0.36555).abs() < 1e-9, "{u}");
    assert!((u[1].as_f64().unwrap() - 0.98427).abs() < 1e-9, "{u}");
    v
}

async fn offer(app: &Router, t: &Tokens) {
    let path = format!("/sessions/{}/moves", t.id);
    let body = json!({"kind": "offer", "offer": {"price": 2, "colour": "blue"}});
    let (status, _, text) = call(app, "POST", &path, Some(&t.alice), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
}

async fn the_convener_mediates_when_the_scenario_names_no_mediator(db: Db) {
    let app = router(db);
    let t = create_without_mediator(&app).await;
    offer(&app, &t).await;
    // Before anyone discloses: the trace only, for the convener too.
    let v = no_space(&app, &t, "admin", &t.admin).await;
    assert_eq!(v["mediator"], Value::Null, "the convener mediates");
    assert_eq!(v["disclosed"], json!([]));
    disclose(&app, &t, &t.alice, true).await;
    let v = no_space(&app, &t, "admin", &t.admin).await;
    assert_eq!(v["disclosed"], json!(["Alice"]));

    let r = disclose(&app, &t, &t.bob, true).await;
    assert_eq!(r["all_disclosed"], true);
    // Everyone disclosed: the convener is the mediator and gets the space.
    space(&app, &t, "admin", &t.admin).await;
    // Nobody else: the observer sees the trace only, negotiators not even that.
    no_space(&app, &t, "observer", &t.otto).await;
    for token in [&t.alice, &t.bob] {
        let (status, _, text) = mediator_view(&app, &t, token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
        assert_none(&text, &SECRETS, "a negotiator");
    }
    // Withdrawn: the convener's space is gone again.
    disclose(&app, &t, &t.alice, false).await;
    no_space(&app, &t, "admin", &t.admin).await;
}

async fn a_mediator_party_keeps_the_view(db: Db) {
    let app = router(db);
    let (t, _) = create_mediated(&app, WITH_MEDIATOR, "alternating_offers", 4).await;
    offer(&app, &t).await;
    disclose(&app, &t, &t.alice, true).await;
    disclose(&app, &t, &t.bob, true).await;
    let v = space(&app, &t, "mediator", &t.mira).await;
    assert_eq!(v["mediator"], "Mira");
    // The convener is not the mediator here, nor is the observer.
    no_space(&app, &t, "admin", &t.admin).await;
    no_space(&app, &t, "observer", &t.otto).await;
    for token in [&t.alice, &t.bob] {
        let (status, _, _) = mediator_view(&app, &t, token).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

async fn every_token_sees_who_discloses(db: Db) {
    let app = router(db);
    // No mediator party: the convener receives the disclosures.
    let t = create_without_mediator(&app).await;
    disclose(&app, &t, &t.bob, true).await;
    for (who, token, mediator, mine) in [
        ("admin", &t.admin, true, Value::Null),
        ("observer", &t.otto, false, Value::Null),
        ("Alice", &t.alice, false, json!(false)),
        ("Bob", &t.bob, false, json!(true)),
    ] {
        let s = status_of(&app, &t, token).await;
        assert_eq!(s["mediator"], Value::Null, "{who}: {s}");
        assert_eq!(s["caller_is_mediator"], mediator, "{who}: {s}");
        assert_eq!(s["negotiators"], json!(["Alice", "Bob"]), "{who}: {s}");
        assert_eq!(s["disclosed"], json!(["Bob"]), "{who}: {s}");
        assert_eq!(s["all_disclosed"], false, "{who}: {s}");
        assert_eq!(s["mine"], mine, "{who}: {s}");
        assert_eq!(s["open"], true, "{who}: {s}");
    }
    // A mediator party: it receives them, not the convener.
    let (m, _) = create_mediated(&app, WITH_MEDIATOR, "alternating_offers", 4).await;
    for (who, token, mediator) in [
        ("Mira", &m.mira, true),
        ("admin", &m.admin, false),
        ("Otto", &m.otto, false),
        ("Alice", &m.alice, false),
    ] {
        let s = status_of(&app, &m, token).await;
        assert_eq!(s["mediator"], "Mira", "{who}: {s}");
        assert_eq!(s["caller_is_mediator"], mediator, "{who}: {s}");
    }
    // No token, or another session's: refused.
    let path = format!("/sessions/{}/disclosure", t.id);
    let (status, _, _) = call(&app, "GET", &path, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = call(&app, "GET", &path, Some(&m.admin), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn disclosures_are_streamed_to_every_subscriber(db: Db) {
    let app = router(db);
    let t = create_without_mediator(&app).await;
    let mut streams = Vec::new();
    for token in [&t.admin, &t.otto, &t.alice, &t.bob] {
        streams.push((open_stream(&app, &t.id, token, None).await, String::new()));
    }
    disclose(&app, &t, &t.alice, true).await;
    disclose(&app, &t, &t.alice, false).await;
    offer(&app, &t).await;
    disclose(&app, &t, &t.bob, true).await;
    for (body, buf) in &mut streams {
        let mut got = Vec::new();
        for _ in 0..4 {
            let (name, data) = next_event(body, buf).await.expect("an open stream");
            assert_none(&data.to_string(), &SECRETS, "a subscriber");
            got.push((name, data));
        }
        let disclosures: Vec<Value> = got
            .iter()
            .filter(|(name, _)| name == "disclosure")
            .map(|(_, d)| json!([d["party"], d["disclose"]]))
            .collect();
        assert_eq!(
            disclosures,
            [
                json!(["Alice", true]),
                json!(["Alice", false]),
                json!(["Bob", true])
            ],
            "{got:?}"
        );
        assert_eq!(got[2].0, "move", "{got:?}");
        // Only who and which way, with the log entry's seq.
        let keys: Vec<&String> = got[0].1.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["disclose", "party", "seq"], "{got:?}");
        assert!(
            next_event_within(body, buf, std::time::Duration::from_millis(200))
                .await
                .is_none(),
            "nothing more"
        );
    }
    // A subscriber resuming after the first disclosure gets the rest from the log.
    let record = common::record_of(&app, &t.id, &t.admin).await;
    let first = record
        .events
        .iter()
        .find(|e| e.event["type"] == "disclosure")
        .expect("a logged disclosure")
        .seq;
    let mut body = open_stream(&app, &t.id, &t.otto, Some(&first.to_string())).await;
    let mut buf = String::new();
    let (name, data) = next_event(&mut body, &mut buf).await.unwrap();
    assert_eq!(
        (name.as_str(), &data["party"], &data["disclose"]),
        ("disclosure", &json!("Alice"), &json!(false))
    );
}

on_both_backends!(
    the_convener_mediates_when_the_scenario_names_no_mediator,
    a_mediator_party_keeps_the_view,
    every_token_sees_who_discloses,
    disclosures_are_streamed_to_every_subscriber,
);

#[tokio::test]
async fn the_openapi_document_describes_disclosure() {
    let app = router(common::sqlite().await);
    let (status, doc, _) = call(&app, "GET", "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/sessions/{id}/disclosure"]["get"].is_object());
    let schemas = &doc["components"]["schemas"];
    for (schema, field) in [
        ("DisclosureStatus", "caller_is_mediator"),
        ("DisclosureEvent", "disclose"),
        ("MediatorView", "mediator"),
        ("MediatorView", "move_count"),
        ("MediatorView", "issue_options"),
    ] {
        assert!(
            schemas[schema]["properties"][field].is_object(),
            "{schema} lacks {field}"
        );
    }
}
