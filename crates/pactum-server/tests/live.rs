//! Live features: bots in seats, post-settlement suggestions and
//! server-sent events, on SQLite and (when `PACTUM_TEST_POSTGRES` is set)
//! on PostgreSQL.

mod common;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::StatusCode;
use common::{
    TEST_DEAL as SCENARIO, call, create_session, create_test_deal, next_event, next_event_with_id,
    next_event_within, offer, open_stream, package_utility, post_move, record_of, subscribe,
};
use pactum_server::{Db, Record, router, verify_record};
use serde_json::{Value, json};

fn app(db: Db) -> Router {
    router(db)
}

/// Creates a session; returns (id, admin token, invitations).
async fn create(app: &Router, bots: Value) -> (String, String, Vec<Value>) {
    let body = create_session(
        app,
        json!({"scenario_toml": SCENARIO, "protocol": "alternating_offers",
                "deadline_rounds": 10, "bots": bots}),
    )
    .await;
    (
        body["session_id"].as_str().unwrap().into(),
        body["admin_token"].as_str().unwrap().into(),
        body["invitations"].as_array().unwrap().clone(),
    )
}

fn moves_by(record: &Record, party: &str) -> Vec<Value> {
    record
        .events
        .iter()
        .filter(|e| e.event["type"] == "move" && e.event["party"] == party)
        .map(|e| e.event.clone())
        .collect()
}

// ---------------------------------------------------------------- bots

async fn a_person_and_a_conceder_bot_reach_an_agreement(db: Db) {
    let app = app(db);
    let (id, admin, inv) = create(&app, json!({"Bob": "conceder"})).await;
    assert_eq!(inv[1]["bot"], "conceder");
    assert!(inv[0].get("bot").is_none());
    let alice = inv[0]["token"].as_str().unwrap();
    let moves = format!("/sessions/{id}/moves");

    // Alice opens with the package best for Bob (one she may offer: it is
    // above her reservation value); the bot answers in the same request.
    let (status, first, text) =
        call(&app, "POST", &moves, Some(alice), Some(offer(3, "blue"))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let bot = first["bot_moves"].as_array().unwrap();
    assert_eq!(bot.len(), 1, "{text}");
    assert_eq!(bot[0]["party"], "Bob");
    assert_eq!(bot[0]["seq"], 2);
    let mut status_now = bot[0]["status"].as_str().unwrap().to_string();
    // Alice accepts whatever the bot counter-offered.
    if status_now == "open" {
        assert_eq!(bot[0]["kind"], "offer");
        let (status, acc, text) = call(
            &app,
            "POST",
            &moves,
            Some(alice),
            Some(json!({"kind": "accept"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(acc["bot_moves"], json!([]));
        status_now = acc["status"].as_str().unwrap().to_string();
    }
    assert_eq!(status_now, "agreement");

    let record = record_of(&app, &id, &admin).await;
    verify_record(&record).unwrap();
    let bob_moves = moves_by(&record, "Bob");
    assert_eq!(bob_moves.len(), 1);
    assert_eq!(bob_moves[0]["round"], 0);
    assert!(record.events.iter().any(|e| e.event["type"] == "agreement"));
    assert_eq!(record.events.last().unwrap().event["type"], "certificate");

    // The bot's token is view-only.
    let bob = inv[1]["token"].as_str().unwrap();
    let (status, _, _) = call(&app, "POST", &moves, Some(bob), Some(offer(1, "blue"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, me, _) = call(&app, "GET", &format!("/sessions/{id}/me"), Some(bob), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["status"], "agreement");
}

async fn a_bot_in_the_first_seat_opens_and_keeps_playing(db: Db) {
    let app = app(db);
    let (id, admin, inv) = create(&app, json!({"Alice": "boulware"})).await;
    let bob = inv[1]["token"].as_str().unwrap();
    let (_, me, text) = call(&app, "GET", &format!("/sessions/{id}/me"), Some(bob), None).await;
    assert_eq!(me["turn"], "Bob", "{text}");
    assert!(me["standing_offer"]["offer"].is_object(), "{text}");
    // Bob keeps rejecting with a package bad for Alice until the deadline.
    let moves = format!("/sessions/{id}/moves");
    let mut last = Value::Null;
    for _ in 0..10 {
        let (status, r, text) = call(&app, "POST", &moves, Some(bob), Some(offer(1, "blue"))).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        last = r;
        if last["status"] != "open"
            || last["bot_moves"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["status"] != "open")
        {
            break;
        }
    }
    let record = record_of(&app, &id, &admin).await;
    verify_record(&record).unwrap();
    let alice_moves = moves_by(&record, "Alice");
    let bob_moves = moves_by(&record, "Bob");
    assert!(alice_moves.len() >= bob_moves.len(), "{last}");
    assert_eq!(alice_moves[0]["round"], 0);
    assert_eq!(alice_moves[0]["kind"], "offer");
    // Boulware opens with Alice's best package.
    assert_eq!(
        alice_moves[0]["offer"],
        json!({"price": 3, "colour": "red"})
    );
    let tail = &record.events.last().unwrap().event;
    assert!(
        ["ended", "agreement", "certificate"].contains(&tail["type"].as_str().unwrap()),
        "{tail}"
    );
}

async fn a_bots_seat_cannot_edit_its_preferences(db: Db) {
    let app = app(db);
    let (id, _, inv) = create(&app, json!({"Bob": "hardliner"})).await;
    let (alice, bob) = (
        inv[0]["token"].as_str().unwrap(),
        inv[1]["token"].as_str().unwrap(),
    );
    // The bot's token is view-only: its seat's preferences stay the
    // scenario's, which the bot plays by.
    let (status, _, text) = call(
        &app,
        "PUT",
        &format!("/sessions/{id}/me/preferences"),
        Some(bob),
        Some(json!({
            "weights": {"price": 0.5, "colour": 0.5},
            "values": {
                "price": {"type": "linear", "slope": 0.5, "offset": 0.0},
                "colour": {"red": 1.0, "blue": 0.0}
            }
        })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    let (_, r, text) = call(
        &app,
        "POST",
        &format!("/sessions/{id}/moves"),
        Some(alice),
        Some(offer(1, "red")),
    )
    .await;
    let bot = &r["bot_moves"][0];
    assert_eq!(bot["kind"], "offer", "{text}");
    assert_eq!(
        bot["offer"],
        json!({"price": 3, "colour": "blue"}),
        "{text}"
    );
}

async fn bad_bots_are_refused(db: Db) {
    let app = app(db);
    for bots in [
        json!({"Carol": "conceder"}),
        json!({"Bob": "no-such-strategy"}),
        json!({"Alice": "conceder", "Bob": "boulware"}),
        json!({"Bob": 3}),
    ] {
        let (status, body, text) = call(
            &app,
            "POST",
            "/sessions",
            None,
            Some(
                json!({"scenario_toml": SCENARIO, "protocol": "alternating_offers",
                        "deadline_rounds": 10, "bots": bots}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bots}: {text}");
        assert!(body["error"].is_string());
    }
}

// ---------------------------------------------------------------- post-settlement

async fn after_an_agreement_suggestions_dominate_it(db: Db) {
    let app = app(db);
    let (id, _, inv) = create(&app, json!({})).await;
    let alice = inv[0]["token"].as_str().unwrap();
    let bob = inv[1]["token"].as_str().unwrap();
    let moves = format!("/sessions/{id}/moves");
    call(&app, "POST", &moves, Some(alice), Some(offer(2, "red"))).await;
    let (_, acc, _) = call(
        &app,
        "POST",
        &moves,
        Some(bob),
        Some(json!({"kind": "accept"})),
    )
    .await;
    assert_eq!(acc["status"], "agreement");
    // (2, red) gives Alice 0.6 and Bob 0.0615. Exactly two packages leave
    // both at least as well off: (3, red) (Alice 1.0, Bob 0.123) and
    // (3, blue) (Alice 0.8, Bob 1.0).
    let url = format!("/sessions/{id}/suggestions");
    let (status, a, text) = call(&app, "POST", &url, Some(alice), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!((a["standing_offer_utility"].as_f64().unwrap() - 0.6).abs() < 1e-9);
    let offers = |v: &Value| -> Vec<(Value, f64)> {
        v["improving"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["offer"].clone(), x["my_utility"].as_f64().unwrap()))
            .collect()
    };
    let got = offers(&a);
    assert_eq!(got.len(), 2, "{text}");
    assert_eq!(got[0].0, json!({"price": 3, "colour": "red"}));
    assert!((got[0].1 - 1.0).abs() < 1e-9);
    assert_eq!(got[1].0, json!({"price": 3, "colour": "blue"}));
    assert!((got[1].1 - 0.8).abs() < 1e-9);
    for s in ["0.123", "0.877", "0.0615"] {
        assert!(!text.contains(s), "Bob's {s} leaked to Alice: {text}");
    }
    let (_, b, text) = call(&app, "POST", &url, Some(bob), None).await;
    let got = offers(&b);
    assert_eq!(got.len(), 2, "{text}");
    assert_eq!(got[0].0, json!({"price": 3, "colour": "blue"}));
    assert!((got[0].1 - 1.0).abs() < 1e-9);
    assert_eq!(got[1].0, json!({"price": 3, "colour": "red"}));
    assert!((got[1].1 - 0.123).abs() < 1e-9);
    assert!(!text.contains("0.8,") && !text.contains("0.6,"), "{text}");
}

// ---------------------------------------------------------------- live events

async fn subscribers_see_moves_with_only_their_own_utility(db: Db) {
    let app = app(db);
    let (id, admin, inv) = create(&app, json!({})).await;
    let alice = inv[0]["token"].as_str().unwrap();
    let bob = inv[1]["token"].as_str().unwrap();
    let (status, _) = subscribe(&app, &id, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = subscribe(&app, &id, Some(&"0".repeat(64))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // An unknown session answers as a known one does to a wrong token.
    let (status, _) = subscribe(&app, "nope", Some(alice)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (_, mut a_body) = subscribe(&app, &id, Some(alice)).await;
    let (_, mut b_body) = subscribe(&app, &id, Some(bob)).await;
    let (_, mut admin_body) = subscribe(&app, &id, Some(&admin)).await;
    let (mut a_buf, mut b_buf, mut admin_buf) = (String::new(), String::new(), String::new());

    let moves = format!("/sessions/{id}/moves");
    let (status, _, _) = call(&app, "POST", &moves, Some(alice), Some(offer(2, "red"))).await;
    assert_eq!(status, StatusCode::OK);

    let (name, a) = next_event(&mut a_body, &mut a_buf).await.unwrap();
    assert_eq!(name, "move");
    assert_eq!(a["seq"], 1);
    assert_eq!(a["round"], 0);
    assert_eq!(a["party"], "Alice");
    assert_eq!(a["kind"], "offer");
    assert_eq!(a["offer"], json!({"price": 2, "colour": "red"}));
    assert!((a["my_utility"].as_f64().unwrap() - 0.6).abs() < 1e-9);
    assert_eq!(a.as_object().unwrap().len(), 6, "{a}");

    let (_, b) = next_event(&mut b_body, &mut b_buf).await.unwrap();
    assert_eq!(b["offer"], json!({"price": 2, "colour": "red"}));
    assert!((b["my_utility"].as_f64().unwrap() - 0.0615).abs() < 1e-9);
    let (_, ad) = next_event(&mut admin_body, &mut admin_buf).await.unwrap();
    assert_eq!(ad["my_utility"], Value::Null);

    call(
        &app,
        "POST",
        &moves,
        Some(bob),
        Some(json!({"kind": "accept"})),
    )
    .await;
    let (name, b) = next_event(&mut b_body, &mut b_buf).await.unwrap();
    assert_eq!(
        (name.as_str(), &b["kind"], &b["offer"]),
        ("move", &json!("accept"), &Value::Null)
    );
    let (name, b) = next_event(&mut b_body, &mut b_buf).await.unwrap();
    assert_eq!(name, "agreement");
    assert_eq!(b["offer"], json!({"price": 2, "colour": "red"}));
    assert!((b["my_utility"].as_f64().unwrap() - 0.0615).abs() < 1e-9);
    // The negotiation is over: the stream closes.
    assert!(next_event(&mut b_body, &mut b_buf).await.is_none());
    for _ in 0..2 {
        next_event(&mut a_body, &mut a_buf).await.unwrap();
    }
    assert!(next_event(&mut a_body, &mut a_buf).await.is_none());
    // Nobody saw another's utility: Alice's stream never carried Bob's numbers.
    assert!(!a_buf.contains("0.0615"));
    // A finished session's stream is empty.
    let (status, mut late) = subscribe(&app, &id, Some(alice)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(next_event(&mut late, &mut String::new()).await.is_none());
}

async fn subscribers_see_the_bots_moves_too(db: Db) {
    let app = app(db);
    let (id, _, inv) = create(&app, json!({"Bob": "hardliner"})).await;
    let alice = inv[0]["token"].as_str().unwrap();
    let (_, mut body) = subscribe(&app, &id, Some(alice)).await;
    let mut buf = String::new();
    let moves = format!("/sessions/{id}/moves");
    call(&app, "POST", &moves, Some(alice), Some(offer(3, "red"))).await;
    let (_, mine) = next_event(&mut body, &mut buf).await.unwrap();
    assert_eq!(mine["party"], "Alice");
    let (name, bot) = next_event(&mut body, &mut buf).await.unwrap();
    assert_eq!(name, "move");
    assert_eq!(bot["party"], "Bob");
    assert_eq!(bot["seq"], 2);
    // The hardliner opens with Bob's best package, worth 0.8 to Alice.
    assert_eq!(bot["offer"], json!({"price": 3, "colour": "blue"}));
    assert!((bot["my_utility"].as_f64().unwrap() - 0.8).abs() < 1e-9);
}

/// Found by scripts/schemathesis.sh: an issue's values are numbers or
/// strings, and /me's preference summary must say so in the document.
async fn the_openapi_document_describes_the_live_endpoints(db: Db) {
    let app = app(db);
    let (status, doc, _) = call(&app, "GET", "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let events = &doc["paths"]["/sessions/{id}/events"]["get"];
    assert!(
        events["responses"]["200"]["content"]["text/event-stream"].is_object(),
        "{events}"
    );
    let schemas = &doc["components"]["schemas"];
    for name in ["MoveEvent", "AgreementEvent", "EndedEvent", "BotMove"] {
        assert!(schemas[name].is_object(), "{name} missing");
    }
    // A move's words, optional, in both move events.
    for name in ["MoveEvent", "PartialMoveEvent"] {
        let message = &schemas[name]["properties"]["message"];
        assert!(message.is_object(), "{name}: {}", schemas[name]);
        let required = schemas[name]["required"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(!required.contains(&json!("message")), "{name}");
    }
    assert!(schemas["CreateSession"]["properties"]["bots"].is_object());
    let value = &schemas["ValueUtility"]["properties"]["value"];
    assert_ne!(value["type"], "object", "{value}");
}

async fn auto_suggest_streams_each_negotiator_its_own_suggestions_after_a_round(db: Db) {
    let app = app(db);
    for protocol in ["alternating_offers", "partial_rounds"] {
        let s = create_test_deal(
            &app,
            json!({"protocol": protocol, "deadline_rounds": 5, "auto_suggest": true, "privacy": "full"}),
        )
        .await;
        let (id, admin, alice, bob) = (&*s.id, &*s.admin, &*s.alice, &*s.bob);
        let (_, mut a_body) = subscribe(&app, id, Some(alice)).await;
        let (_, mut b_body) = subscribe(&app, id, Some(bob)).await;
        let (_, mut admin_body) = subscribe(&app, id, Some(admin)).await;
        let (mut a_buf, mut b_buf, mut admin_buf) = (String::new(), String::new(), String::new());
        let moves = format!("/sessions/{id}/moves");
        // One round: an offer each (alternating), or each closes its part.
        let round: [(&str, Value); 2] = if protocol == "alternating_offers" {
            [(alice, offer(2, "red")), (bob, offer(3, "blue"))]
        } else {
            [
                (alice, json!({"kind": "reject"})),
                (bob, json!({"kind": "reject"})),
            ]
        };
        for (token, mv) in round {
            let (status, _, text) = call(&app, "POST", &moves, Some(token), Some(mv)).await;
            assert_eq!(status, StatusCode::OK, "{text}");
        }
        for (body, buf, who) in [
            (&mut a_body, &mut a_buf, "Alice"),
            (&mut b_body, &mut b_buf, "Bob"),
        ] {
            let mut names = Vec::new();
            let sugg = loop {
                let (name, data) = next_event(body, buf).await.unwrap();
                if name == "suggestions" {
                    break data;
                }
                names.push(name);
            };
            assert_eq!(names.len(), 2, "{protocol} {who}: {names:?}");
            assert_eq!(sugg["round"], 0, "{sugg}");
            assert!(sugg["nash"]["my_utility"].is_number(), "{sugg}");
            if protocol == "alternating_offers" {
                // Improving on Bob's standing offer (3, blue).
                let standing = if who == "Alice" { 0.8 } else { 1.0 };
                let got = sugg["standing_offer_utility"].as_f64().unwrap();
                assert!((got - standing).abs() < 1e-9, "{who}: {sugg}");
            }
        }
        // Each saw only its own numbers; the convener saw no suggestions.
        assert!(
            !a_buf.contains("0.877") && !a_buf.contains("0.123"),
            "{a_buf}"
        );
        let mv = if protocol == "alternating_offers" {
            json!({"kind": "accept"})
        } else {
            json!({"kind": "end"})
        };
        call(&app, "POST", &moves, Some(alice), Some(mv)).await;
        let mut names = Vec::new();
        while let Some((name, _)) = next_event(&mut admin_body, &mut admin_buf).await {
            names.push(name);
        }
        assert!(!names.iter().any(|n| n == "suggestions"), "{names:?}");
        assert_eq!(names.len(), 4, "{protocol}: {names:?}");
    }
    // Without the option, no suggestions are streamed.
    let (id, _, inv) = create(&app, json!({})).await;
    let alice = inv[0]["token"].as_str().unwrap();
    let bob = inv[1]["token"].as_str().unwrap();
    let (_, mut a_body) = subscribe(&app, &id, Some(alice)).await;
    let mut a_buf = String::new();
    let moves = format!("/sessions/{id}/moves");
    call(&app, "POST", &moves, Some(alice), Some(offer(2, "red"))).await;
    call(&app, "POST", &moves, Some(bob), Some(offer(3, "blue"))).await;
    post_move(&app, &id, alice, json!({"kind": "end"})).await;
    let mut names = Vec::new();
    while let Some((name, _)) = next_event(&mut a_body, &mut a_buf).await {
        names.push(name);
    }
    assert_eq!(names, ["move", "move", "move", "ended"]);
}

// ---------------------------------------------------------------- catching up

/// Makes offers `from..to` of the session, alternately Alice's (even) and
/// Bob's (odd), cycling over the prices in each one's colour.
async fn exchange_offers(app: &Router, id: &str, alice: &str, bob: &str, from: usize, to: usize) {
    let moves = format!("/sessions/{id}/moves");
    for i in from..to {
        let token = if i % 2 == 0 { alice } else { bob };
        // Each offers packages it may (its own colour, above its
        // reservation value).
        let mv = offer(1 + (i / 2 % 3) as i64, ["red", "blue"][i % 2]);
        let (status, _, text) = call(app, "POST", &moves, Some(token), Some(mv)).await;
        assert_eq!(status, StatusCode::OK, "move {i}: {text}");
    }
}

/// A subscriber's stream and every event it has read.
struct Watcher {
    /// "Alice", "Bob", or `None` for a viewer.
    party: Option<&'static str>,
    body: Body,
    buf: String,
    events: Vec<(String, u64, Value)>,
}

impl Watcher {
    async fn open(
        app: &Router,
        id: &str,
        token: &str,
        party: Option<&'static str>,
        last_event_id: Option<&str>,
    ) -> Watcher {
        Watcher {
            party,
            body: open_stream(app, id, token, last_event_id).await,
            buf: String::new(),
            events: Vec::new(),
        }
    }

    /// Reads `n` events (all of them until the stream closes if `None`),
    /// checking each: its id is its seq and it carries only the watcher's
    /// own utility. Returns their seqs.
    async fn read(&mut self, n: Option<usize>) -> Vec<u64> {
        let mut seqs = Vec::new();
        while n.is_none_or(|n| seqs.len() < n) {
            let Some((name, id, data)) = next_event_with_id(&mut self.body, &mut self.buf).await
            else {
                assert!(n.is_none(), "closed after {seqs:?}");
                break;
            };
            let seq = data["seq"].as_u64().unwrap();
            assert_eq!(id, Some(seq), "{name} {data}");
            match (self.party, &data["offer"]) {
                (Some(party), offer) if offer.is_object() => {
                    let got = data["my_utility"].as_f64().unwrap();
                    assert!(
                        (got - package_utility(party, offer)).abs() < 1e-9,
                        "{party}: {data}"
                    );
                }
                _ => assert_eq!(data["my_utility"], Value::Null, "{data}"),
            }
            seqs.push(seq);
            self.events.push((name, seq, data));
        }
        seqs
    }

    /// Everything this watcher was sent, as text.
    fn text(&self) -> String {
        self.events
            .iter()
            .map(|(name, _, data)| format!("{name} {data}\n"))
            .collect()
    }
}

async fn a_subscriber_that_falls_behind_catches_up_from_the_log(db: Db) {
    let app = app(db);
    let s = create_test_deal(
        &app,
        json!({"protocol": "alternating_offers", "deadline_rounds": 1000}),
    )
    .await;
    let (id, admin, alice, bob) = (&*s.id, &*s.admin, &*s.alice, &*s.bob);
    let mut alice_sees = Watcher::open(&app, id, alice, Some("Alice"), None).await;
    let mut bob_sees = Watcher::open(&app, id, bob, Some("Bob"), None).await;
    let mut admin_sees = Watcher::open(&app, id, admin, None, None).await;

    // Nobody reads while 300 moves are committed: more than the channel
    // holds (256).
    exchange_offers(&app, id, alice, bob, 0, 300).await;
    assert_eq!(
        alice_sees.read(Some(300)).await,
        (1..=300).collect::<Vec<u64>>()
    );
    // Then the stream goes on live, without repeating anything.
    exchange_offers(&app, id, alice, bob, 300, 302).await;
    assert_eq!(alice_sees.read(Some(2)).await, [301, 302]);
    // Bob and the convener fall behind twice: before and after those two.
    exchange_offers(&app, id, alice, bob, 302, 601).await;
    let (status, _, text) = post_move(&app, id, bob, json!({"kind": "end"})).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    // Bob's end is move 602, and the end of the negotiation 603.
    let all: Vec<u64> = (1..=603).collect();
    assert_eq!(alice_sees.read(None).await, all[302..]);
    assert_eq!(bob_sees.read(None).await, all);
    assert_eq!(admin_sees.read(None).await, all);
    for watcher in [&alice_sees, &bob_sees, &admin_sees] {
        let names: Vec<&str> = watcher.events.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names[..602], ["move"; 602]);
        assert_eq!(names[602..], ["ended"]);
    }
    // Only her own utilities reached Alice; only Bob's reached him.
    let (a, b) = (alice_sees.text(), bob_sees.text());
    for s in ["0.0615", "0.123", "0.877", "0.9385"] {
        assert!(!a.contains(s), "Bob's {s} reached Alice");
    }
    assert!(a.contains("0.6"));
    for s in ["0.6", "0.4", "0.2", "0.8"] {
        assert!(!b.contains(&format!(":{s},")), "Alice's {s} reached Bob");
    }
}

async fn a_reconnecting_subscriber_resumes_after_its_last_event_id(db: Db) {
    let app = app(db);
    let (id, admin, inv) = create(&app, json!({})).await;
    let alice = inv[0]["token"].as_str().unwrap();
    let bob = inv[1]["token"].as_str().unwrap();
    let mut first = Watcher::open(&app, &id, alice, Some("Alice"), None).await;
    exchange_offers(&app, &id, alice, bob, 0, 5).await;
    assert_eq!(first.read(Some(3)).await, [1, 2, 3]);
    drop(first);

    // Alice comes back after event 3: 4 and 5 from the log, then live.
    let mut alice_sees = Watcher::open(&app, &id, alice, Some("Alice"), Some("3")).await;
    assert_eq!(alice_sees.read(Some(2)).await, [4, 5]);
    let mut bob_sees = Watcher::open(&app, &id, bob, Some("Bob"), Some("0")).await;
    let mut admin_sees = Watcher::open(&app, &id, &admin, None, Some("5")).await;
    // Not a seq: as if there were no header.
    let mut odd = Watcher::open(&app, &id, bob, Some("Bob"), Some("later")).await;
    exchange_offers(&app, &id, alice, bob, 5, 6).await;
    assert_eq!(alice_sees.read(Some(1)).await, [6]);
    let (status, _, text) = post_move(&app, &id, alice, json!({"kind": "end"})).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    // Alice's end is event 7, the end of the negotiation 8.
    assert_eq!(alice_sees.read(None).await, [7, 8]);
    assert_eq!(bob_sees.read(None).await, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(admin_sees.read(None).await, [6, 7, 8]);
    assert_eq!(odd.read(None).await, [6, 7, 8]);
    assert!(!alice_sees.text().contains("0.0615"));

    // After the end: what was missed, then the stream closes.
    let mut late = Watcher::open(&app, &id, alice, Some("Alice"), Some("5")).await;
    assert_eq!(late.read(None).await, [6, 7, 8]);
    assert_eq!(late.events[2].0, "ended");
    let mut late = Watcher::open(&app, &id, bob, Some("Bob"), Some("8")).await;
    assert_eq!(late.read(None).await, [] as [u64; 0]);
}

async fn suggestions_a_lagging_subscriber_missed_are_not_sent_late(db: Db) {
    let app = app(db);
    let s = create_test_deal(
        &app,
        json!({"protocol": "alternating_offers", "deadline_rounds": 1000, "auto_suggest": true, "privacy": "full"}),
    )
    .await;
    let (id, alice, bob) = (&*s.id, &*s.alice, &*s.bob);
    let mut stream = open_stream(&app, id, alice, None).await;
    let mut buf = String::new();
    // 150 rounds, each followed by suggestions, while Alice does not read.
    exchange_offers(&app, id, alice, bob, 0, 300).await;
    for seq in 1..=300 {
        let (name, data) = next_event(&mut stream, &mut buf).await.unwrap();
        assert_eq!((name.as_str(), data["seq"].as_u64()), ("move", Some(seq)));
    }
    // What the channel still holds of those rounds was read back from the
    // log (moves) or is stale (suggestions after a round before 148): only
    // the suggestions of the last two rounds come.
    for round in [148, 149] {
        let (name, data) = next_event(&mut stream, &mut buf).await.unwrap();
        assert_eq!(
            (name.as_str(), data["round"].as_u64()),
            ("suggestions", Some(round))
        );
    }
    let nothing = next_event_within(&mut stream, &mut buf, Duration::from_millis(300)).await;
    assert!(nothing.is_none(), "{nothing:?}");
    // One more round, live, and its suggestions (computed after the move
    // that completed it was acknowledged); then the end.
    exchange_offers(&app, id, alice, bob, 300, 302).await;
    let mut rest = Vec::new();
    while rest.last() != Some(&("suggestions".to_string(), 150)) {
        let (name, data) = next_event(&mut stream, &mut buf).await.unwrap();
        let at = if name == "suggestions" {
            "round"
        } else {
            "seq"
        };
        rest.push((name, data[at].as_u64().unwrap()));
    }
    post_move(&app, id, alice, json!({"kind": "end"})).await;
    while let Some((name, data)) = next_event(&mut stream, &mut buf).await {
        let at = if name == "suggestions" {
            "round"
        } else {
            "seq"
        };
        rest.push((name, data[at].as_u64().unwrap()));
    }
    let rest: Vec<(&str, u64)> = rest.iter().map(|(n, s)| (n.as_str(), *s)).collect();
    assert_eq!(
        rest,
        [
            ("move", 301),
            ("move", 302),
            ("suggestions", 150),
            ("move", 303),
            ("ended", 304)
        ]
    );
}

async fn a_negotiator_who_rejoins_gets_the_latest_suggestions_first(db: Db) {
    let app = app(db);
    for protocol in ["alternating_offers", "partial_rounds"] {
        let s = create_test_deal(
            &app,
            json!({"protocol": protocol, "deadline_rounds": 100, "auto_suggest": true, "privacy": "full"}),
        )
        .await;
        let (id, admin, alice, bob) = (&*s.id, &*s.admin, &*s.alice, &*s.bob);
        let moves = format!("/sessions/{id}/moves");
        // Alice's moves carry words; Bob's none.
        let round_of = |i: usize| -> [(&str, Value); 2] {
            let mut first = if protocol == "alternating_offers" {
                offer(2, "red")
            } else {
                json!({"kind": "reject"})
            };
            first["message"] = json!(format!("Round {i}: \"red\" <i>stays</i>."));
            if protocol == "alternating_offers" {
                [(alice, first), (bob, offer(1 + i as i64, "blue"))]
            } else {
                [(alice, first), (bob, json!({"kind": "reject"}))]
            }
        };
        // Before any round is complete there is nothing to send.
        let mut early = open_stream(&app, id, alice, None).await;
        let mut buf = String::new();
        let nothing = next_event_within(&mut early, &mut buf, Duration::from_millis(200)).await;
        assert!(nothing.is_none(), "{protocol}: {nothing:?}");
        drop(early);
        // Two rounds while nobody listens.
        for i in 0..2 {
            for (token, mv) in round_of(i) {
                let (status, _, text) = call(&app, "POST", &moves, Some(token), Some(mv)).await;
                assert_eq!(status, StatusCode::OK, "{text}");
            }
        }
        // Alice resumes after event 2: events 3 and 4 from the log, then the
        // suggestions after round 1, as if asked for now.
        let mut a_body = open_stream(&app, id, alice, Some("2")).await;
        let mut a_buf = String::new();
        let mut names = Vec::new();
        for _ in 0..3 {
            names.push(next_event(&mut a_body, &mut a_buf).await.unwrap());
        }
        let kinds: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
        let moved = if protocol == "alternating_offers" {
            "move"
        } else {
            "partial_move"
        };
        assert_eq!(kinds, [moved, moved, "suggestions"], "{protocol}");
        // Read back from the log, a move's words travel with it.
        assert_eq!(
            names[0].1["message"], "Round 1: \"red\" <i>stays</i>.",
            "{protocol}"
        );
        assert!(names[1].1.get("message").is_none(), "{protocol}");
        let sugg = &names[2].1;
        assert_eq!(sugg["round"], 1, "{protocol}: {sugg}");
        let asked = common::ask_suggestions(&app, id, alice).await;
        for field in ["nash", "improving", "standing_offer_utility"] {
            assert_eq!(
                sugg[field], asked[field],
                "{protocol} {field}: {sugg} / {asked}"
            );
        }
        // Bob, joining afresh, gets his own; the convener gets none.
        let (_, mut b_body) = subscribe(&app, id, Some(bob)).await;
        let mut b_buf = String::new();
        let (name, b_sugg) = next_event(&mut b_body, &mut b_buf).await.unwrap();
        assert_eq!(
            (name.as_str(), &b_sugg["round"]),
            ("suggestions", &json!(1))
        );
        assert_ne!(b_sugg["nash"]["my_utility"], sugg["nash"]["my_utility"]);
        let mut admin_sees = open_stream(&app, id, admin, Some("0")).await;
        // The next round comes live, with its own suggestions, once.
        for (token, mv) in round_of(2) {
            call(&app, "POST", &moves, Some(token), Some(mv)).await;
        }
        let mut live = Vec::new();
        for _ in 0..3 {
            let (name, data) = next_event(&mut a_body, &mut a_buf).await.unwrap();
            live.push((name, data["round"].clone()));
        }
        assert_eq!(live[2], ("suggestions".to_string(), json!(2)), "{live:?}");
        let nothing = next_event_within(&mut a_body, &mut a_buf, Duration::from_millis(200)).await;
        assert!(nothing.is_none(), "{protocol}: {nothing:?}");
        post_move(&app, id, alice, json!({"kind": "end"})).await;
        let mut admin_buf = String::new();
        let mut names = Vec::new();
        while let Some((name, _)) = next_event(&mut admin_sees, &mut admin_buf).await {
            names.push(name);
        }
        assert!(!names.iter().any(|n| n == "suggestions"), "{names:?}");
        // After the end, a rejoining negotiator gets no suggestions.
        let mut late = open_stream(&app, id, alice, Some("0")).await;
        let mut late_buf = String::new();
        while let Some((name, _)) = next_event(&mut late, &mut late_buf).await {
            assert_ne!(name, "suggestions", "{protocol}");
        }
    }
}

on_both_backends!(
    a_negotiator_who_rejoins_gets_the_latest_suggestions_first,
    suggestions_a_lagging_subscriber_missed_are_not_sent_late,
    a_subscriber_that_falls_behind_catches_up_from_the_log,
    a_reconnecting_subscriber_resumes_after_its_last_event_id,
    auto_suggest_streams_each_negotiator_its_own_suggestions_after_a_round,
    a_bots_seat_cannot_edit_its_preferences,
    the_openapi_document_describes_the_live_endpoints,
    subscribers_see_moves_with_only_their_own_utility,
    subscribers_see_the_bots_moves_too,
    a_person_and_a_conceder_bot_reach_an_agreement,
    a_bot_in_the_first_seat_opens_and_keeps_playing,
    bad_bots_are_refused,
    after_an_agreement_suggestions_dominate_it,
);
