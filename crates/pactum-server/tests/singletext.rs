//! The mediated single negotiating text: proposals, the vote rules, the
//! deadline and the agreement, through the HTTP API.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{Session, call, create_session, next_event, open_stream};
use pactum_server::{Db, router};
use serde_json::{Value, json};

const SCENARIO: &str = price_colour_deal!(
    "Single text deal",
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

/// The mediator's token, from the body `POST /sessions` answered with.
fn mediator_token(created: &Value) -> String {
    created["viewers"][0]["token"].as_str().unwrap().to_string()
}

/// Creates a session; returns it and the mediator's token.
async fn create(app: &Router, deadline: u64) -> (Session, String) {
    let b = create_session(
        app,
        json!({"scenario_toml": SCENARIO, "protocol": "single_text", "deadline_rounds": deadline}),
    )
    .await;
    (Session::of(&b), mediator_token(&b))
}

async fn vote(app: &Router, s: &Session, token: &str, accept: bool) -> (StatusCode, Value) {
    let (status, b, _) = call(
        app,
        "POST",
        &format!("/sessions/{}/votes", s.id),
        Some(token),
        Some(json!({"accept": accept})),
    )
    .await;
    (status, b)
}

async fn changes_need_every_vote_and_the_adopted_draft_is_the_agreement(db: Db) {
    let app = router(db);
    let (s, mira) = create(&app, 3).await;
    let text = format!("/sessions/{}/single_text", s.id);

    // The first draft takes every issue's middle value; proposal 0 changes
    // one issue of it.
    let (status, v, t) = call(&app, "GET", &text, Some(&s.alice), None).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(v["proposal"], 0);
    assert_eq!(v["draft"], json!({"price": 2, "colour": "red"}));
    assert_eq!(v["change"], json!({"price": 1}));
    assert_eq!(v["proposed_draft"], json!({"price": 1, "colour": "red"}));
    // Alice's own utilities only: 0.7·0.5 + 0.3 = 0.65 and 0.3.
    assert!((v["my_utility_draft"].as_f64().unwrap() - 0.65).abs() < 1e-9);
    assert!((v["my_utility_proposed"].as_f64().unwrap() - 0.3).abs() < 1e-9);

    // Only negotiators vote; moves are not part of this protocol.
    for token in [&s.admin, &mira] {
        assert_eq!(vote(&app, &s, token, true).await.0, StatusCode::FORBIDDEN);
    }
    let (status, _, _) = call(
        &app,
        "POST",
        &format!("/sessions/{}/moves", s.id),
        Some(&s.alice),
        Some(json!({"kind": "offer", "offer": {"price": 1, "colour": "red"}})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Proposal 0: Alice accepts, Bob vetoes: the draft stays.
    let (status, v) = vote(&app, &s, &s.alice, true).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["voted"], json!(["Alice"]));
    assert_eq!(v["my_vote"], true);
    assert_eq!(
        vote(&app, &s, &s.alice, false).await.0,
        StatusCode::CONFLICT
    );
    let (_, v, _) = call(&app, "GET", &text, Some(&s.bob), None).await;
    assert_eq!(
        v["my_vote"],
        Value::Null,
        "Bob does not see how Alice voted"
    );
    let (_, v) = vote(&app, &s, &s.bob, false).await;
    assert_eq!(v["resolution"], "vetoed");
    assert_eq!(v["proposal"], 1);
    assert_eq!(v["draft"], json!({"price": 2, "colour": "red"}));
    assert_eq!(v["change"], json!({"price": 3}));

    // A vote naming an old proposal is refused.
    let (status, _, _) = call(
        &app,
        "POST",
        &format!("/sessions/{}/votes", s.id),
        Some(&s.bob),
        Some(json!({"accept": true, "proposal": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Proposal 1: both accept: adopted.
    vote(&app, &s, &s.bob, true).await;
    let (_, v) = vote(&app, &s, &s.alice, true).await;
    assert_eq!(v["resolution"], "adopted");
    assert_eq!(v["draft"], json!({"price": 3, "colour": "red"}));
    assert_eq!(v["change"], json!({"colour": "blue"}));

    // Proposal 2, the last: vetoed; the adopted draft is the agreement.
    vote(&app, &s, &s.alice, false).await;
    let (_, v) = vote(&app, &s, &s.bob, true).await;
    assert_eq!(v["status"], "agreement");
    assert_eq!(v["agreement"], json!({"price": 3, "colour": "red"}));
    assert_eq!(vote(&app, &s, &s.bob, true).await.0, StatusCode::CONFLICT);
    let (_, me, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/me", s.id),
        Some(&s.bob),
        None,
    )
    .await;
    assert_eq!(me["status"], "agreement");

    // The record: proposals, votes, the agreement and its certificate,
    // and it verifies offline with the scenario.
    let (status, cert, t) = call(
        &app,
        "GET",
        &format!("/sessions/{}/certificate", s.id),
        Some(&s.alice),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(
        cert["certificate"]["agreement"],
        json!({"price": 3, "colour": "red"})
    );
    let (_, export, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/export", s.id),
        Some(&s.admin),
        None,
    )
    .await;
    let kinds: Vec<&str> = export["record"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "proposal",
            "vote",
            "vote",
            "proposal",
            "vote",
            "vote",
            "proposal",
            "vote",
            "vote",
            "agreement",
            "certificate"
        ]
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    std::fs::write(&file, export.to_string()).unwrap();
    pactum_server::verify_record_file(&file).unwrap();
}

async fn no_adopted_change_ends_without_agreement(db: Db) {
    let app = router(db);
    let (s, _) = create(&app, 1).await;
    vote(&app, &s, &s.bob, true).await;
    let (_, v) = vote(&app, &s, &s.alice, false).await;
    assert_eq!(v["status"], "ended");
    assert_eq!(v["agreement"], Value::Null);
    let (_, me, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/me", s.id),
        Some(&s.alice),
        None,
    )
    .await;
    assert_eq!(me["status"], "ended");
    assert_eq!(me["turn"], Value::Null);
    let (status, _, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/certificate", s.id),
        Some(&s.alice),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

async fn votes_belong_to_single_text_sessions(db: Db) {
    let app = router(db);
    let (status, b, _) = call(
        &app,
        "POST",
        "/sessions",
        None,
        Some(json!({"scenario_toml": SCENARIO, "protocol": "alternating_offers", "deadline_rounds": 3})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (id, alice) = (
        b["session_id"].as_str().unwrap(),
        b["invitations"][0]["token"].as_str().unwrap(),
    );
    let (status, _, _) = call(
        &app,
        "POST",
        &format!("/sessions/{id}/votes"),
        Some(alice),
        Some(json!({"accept": true})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _, t) = call(
        &app,
        "POST",
        "/sessions",
        None,
        Some(json!({"scenario_toml": SCENARIO, "protocol": "single_text", "deadline_rounds": 3, "bots": {"Bob": "conceder"}})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{t}");
    let (status, _, _) = call(
        &app,
        "POST",
        "/sessions",
        None,
        Some(json!({"scenario_toml": SCENARIO, "protocol": "auction", "deadline_rounds": 3})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Utility of (price, colour) for Alice and Bob in `SCENARIO`.
fn utility_of(party: &str, offer: &Value) -> f64 {
    let x = (offer["price"].as_f64().unwrap() - 1.0) * 0.5;
    let red = offer["colour"] == "red";
    match party {
        "Alice" => 0.7 * x + 0.3 * if red { 1.0 } else { 0.0 },
        _ => 0.2 * (1.0 - x) + 0.8 * if red { 0.0 } else { 1.0 },
    }
}

async fn auto_suggest_streams_each_negotiator_its_own_suggestions_after_each_proposal(db: Db) {
    let app = router(db);
    let b = create_session(
        &app,
        json!({"scenario_toml": SCENARIO, "protocol": "single_text",
                "deadline_rounds": 3, "auto_suggest": true, "privacy": "full"}),
    )
    .await;
    let s = Session::of(&b);
    let mira_token = mediator_token(&b);
    let mut streams = [
        (
            "Alice",
            s.alice.clone(),
            open_stream(&app, &s.id, &s.alice, None).await,
        ),
        (
            "Bob",
            s.bob.clone(),
            open_stream(&app, &s.id, &s.bob, None).await,
        ),
    ];
    let mut bufs = [String::new(), String::new()];
    let mut admin = open_stream(&app, &s.id, &s.admin, None).await;
    let mut mira = open_stream(&app, &s.id, &mira_token, None).await;

    // Proposal 1 is vetoed, proposal 2 adopted; after each, every negotiator
    // gets suggestions about the draft as it then stands.
    for (proposal, votes) in [(0, [false, true]), (1, [true, true])] {
        vote(&app, &s, &s.alice, votes[0]).await;
        vote(&app, &s, &s.bob, votes[1]).await;
        for ((who, token, body), buf) in streams.iter_mut().zip(bufs.iter_mut()) {
            // Who voted (never how), the next proposal, then the suggestions.
            for voter in ["Alice", "Bob"] {
                let (name, v) = next_event(body, buf).await.unwrap();
                assert_eq!(name, "vote", "{who}: {v}");
                assert_eq!(v["party"], voter, "{who}: {v}");
                assert_eq!(v["proposal"], proposal, "{who}: {v}");
                assert_eq!(v.as_object().unwrap().len(), 3, "{who}: {v}");
            }
            let (name, next) = next_event(body, buf).await.unwrap();
            assert_eq!(name, "proposal", "{who}: {next}");
            assert_eq!(next["proposal"], proposal + 1, "{who}: {next}");
            let (name, sugg) = next_event(body, buf).await.unwrap();
            assert_eq!(name, "suggestions", "{who}: {sugg}");
            assert_eq!(sugg["round"], proposal, "{who}: {sugg}");
            let (_, text, _) = call(
                &app,
                "GET",
                &format!("/sessions/{}/single_text", s.id),
                Some(token),
                None,
            )
            .await;
            assert_eq!(next["draft"], text["draft"], "{who}: {next}");
            assert_eq!(next["change"], text["change"], "{who}: {next}");
            let draft_u = utility_of(who, &text["draft"]);
            let got = sugg["standing_offer_utility"].as_f64().unwrap();
            assert!((got - draft_u).abs() < 1e-9, "{who}: {sugg}");
            // Every number is the subscriber's own utility of its package.
            let nash = &sugg["nash"];
            let mut views: Vec<&Value> = sugg["improving"].as_array().unwrap().iter().collect();
            views.push(nash);
            for v in views {
                let u = v["my_utility"].as_f64().unwrap();
                assert!(
                    (u - utility_of(who, &v["offer"])).abs() < 1e-9,
                    "{who}: {v}"
                );
                if v != nash {
                    assert!(u >= draft_u - 1e-9, "{who}: {v}");
                }
            }
        }
    }
    // A negotiator who (re)joins now is sent the latest suggestions first:
    // those after proposal 2, about the draft as it stands.
    let mut rejoined = open_stream(&app, &s.id, &s.alice, None).await;
    let mut buf = String::new();
    let (name, sugg) = next_event(&mut rejoined, &mut buf).await.unwrap();
    assert_eq!((name.as_str(), &sugg["round"]), ("suggestions", &json!(1)));
    let (_, text, _) = call(
        &app,
        "GET",
        &format!("/sessions/{}/single_text", s.id),
        Some(&s.alice),
        None,
    )
    .await;
    let got = sugg["standing_offer_utility"].as_f64().unwrap();
    assert!((got - utility_of("Alice", &text["draft"])).abs() < 1e-9);
    drop(rejoined);
    // Asked for, the mediator's suggestions are about the draft as well.
    let asked = common::ask_suggestions(&app, &s.id, &s.alice).await;
    for field in ["standing_offer_utility", "improving", "nash"] {
        assert_eq!(asked[field], sugg[field], "{field}: {asked} / {sugg}");
    }
    // The last proposal ends the session; the convener and the mediator saw
    // the votes, proposals and the end, and no suggestions.
    vote(&app, &s, &s.alice, false).await;
    vote(&app, &s, &s.bob, false).await;
    for body in [&mut admin, &mut mira] {
        let mut buf = String::new();
        let mut names = Vec::new();
        while let Some((name, _)) = next_event(body, &mut buf).await {
            names.push(name);
        }
        let round = ["vote", "vote", "proposal"];
        let expected: Vec<&str> = [round, round, ["vote", "vote", "agreement"]].concat();
        assert_eq!(names, expected);
    }
}

/// How a negotiator voted on the proposal still open is nobody's business
/// until it closes, the convener's `/record` included: the record then
/// ends before the proposal's first vote (and still verifies); once every
/// vote is in, the votes are there.
async fn the_record_hides_votes_on_the_open_proposal(db: Db) {
    let app = router(db);
    let (s, _) = create(&app, 3).await;
    let types = |r: &pactum_server::Record| -> Vec<String> {
        r.events
            .iter()
            .map(|e| e.event["type"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(vote(&app, &s, &s.bob, false).await.0, StatusCode::OK);
    let record = common::record_of(&app, &s.id, &s.admin).await;
    assert_eq!(
        types(&record),
        ["created", "proposal"],
        "Bob's veto is hidden"
    );
    assert!(!serde_json::to_string(&record).unwrap().contains("accept"));
    assert_eq!(pactum_server::verify_record(&record), Ok(()));
    // Alice votes: proposal 0 closes (dropped) and proposal 1 opens.
    assert_eq!(vote(&app, &s, &s.alice, true).await.0, StatusCode::OK);
    let record = common::record_of(&app, &s.id, &s.admin).await;
    assert_eq!(
        types(&record),
        ["created", "proposal", "vote", "vote", "proposal"]
    );
    let votes: Vec<(&str, bool)> = record.events[2..4]
        .iter()
        .map(|e| {
            (
                e.event["party"].as_str().unwrap(),
                e.event["accept"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(votes, [("Bob", false), ("Alice", true)]);
    assert_eq!(pactum_server::verify_record(&record), Ok(()));
}

on_both_backends!(
    the_record_hides_votes_on_the_open_proposal,
    auto_suggest_streams_each_negotiator_its_own_suggestions_after_each_proposal,
    changes_need_every_vote_and_the_adopted_draft_is_the_agreement,
    no_adopted_change_ends_without_agreement,
    votes_belong_to_single_text_sessions,
);
