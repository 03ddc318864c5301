//! Several server processes on one PostgreSQL database (behind a load
//! balancer): a subscriber of one process sees the moves committed through
//! any other. Each test runs two instances of the server — two routers with
//! their own connection pools, caches and listeners, as two processes would
//! have — on a fresh database; the tests are skipped unless
//! `PACTUM_TEST_POSTGRES` is set (see scripts/start-postgres.sh).

mod common;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::StatusCode;
use common::{
    Session, call, create_test_deal, next_event, next_event_within, offer, open_stream,
    package_utility, post_move, postgres_url, record_of, utility,
};
use pactum_server::{Record, connect, router, verify_record};
use serde_json::{Value, json};
use sqlx::{Connection, Executor};

/// Two server instances on one fresh database, and its URL.
async fn two_instances(test: &str) -> Option<(Router, Router, String)> {
    let url = postgres_url(test).await?;
    let a = router(connect(&url).await.unwrap());
    let b = router(connect(&url).await.unwrap());
    Some((a, b, url))
}

/// A subscriber's stream and what it has read so far.
struct Stream {
    body: Body,
    buf: String,
    seen: String,
}

impl Stream {
    async fn open(app: &Router, id: &str, token: &str) -> Stream {
        Stream::reading(open_stream(app, id, token, None).await)
    }

    /// Opens the stream as a client reconnecting after event `last_seq`.
    async fn resume(app: &Router, id: &str, token: &str, last_seq: u64) -> Stream {
        let last = last_seq.to_string();
        Stream::reading(open_stream(app, id, token, Some(&last)).await)
    }

    fn reading(body: Body) -> Stream {
        Stream {
            body,
            buf: String::new(),
            seen: String::new(),
        }
    }

    async fn next(&mut self) -> Option<(String, Value)> {
        let e = next_event(&mut self.body, &mut self.buf).await;
        if let Some((name, data)) = &e {
            self.seen.push_str(&format!("{name} {data}\n"));
        }
        e
    }

    /// Every event until the stream closes.
    async fn rest(&mut self) -> Vec<(String, Value)> {
        let mut all = Vec::new();
        while let Some(e) = self.next().await {
            all.push(e);
        }
        all
    }
}

/// The events of the record a subscriber should have seen, as
/// (event name, seq).
fn streamed_entries(record: &Record) -> Vec<(String, u64)> {
    record
        .events
        .iter()
        .filter_map(|e| {
            let kind = e.event["type"].as_str().unwrap();
            ["move", "agreement", "ended", "partial_move", "settled"]
                .contains(&kind)
                .then(|| (kind.to_string(), e.seq))
        })
        .collect()
}

/// Checks one negotiator's stream: the record's events in order, each once,
/// with the right seq, and only this negotiator's own utilities.
fn check_negotiator_stream(party: &str, events: &[(String, Value)], record: &Record) {
    let logged: Vec<(String, u64)> = events
        .iter()
        .filter(|(name, _)| name != "suggestions")
        .map(|(name, data)| (name.clone(), data["seq"].as_u64().unwrap()))
        .collect();
    assert_eq!(logged, streamed_entries(record), "{party}");
    for (name, data) in events {
        if name == "suggestions" {
            continue;
        }
        match &data["offer"] {
            Value::Null => assert_eq!(data["my_utility"], Value::Null, "{party}: {data}"),
            offer => {
                let mine = package_utility(party, offer);
                let got = data["my_utility"].as_f64().unwrap();
                assert!((got - mine).abs() < 1e-9, "{party}: {data}");
            }
        }
    }
}

#[tokio::test]
async fn a_subscriber_of_one_instance_sees_the_moves_made_through_another() {
    let Some((a, b, url)) = two_instances("a_subscriber_of_one_instance_sees_the_moves").await
    else {
        return;
    };
    let s = create_test_deal(
        &b,
        json!({"protocol": "alternating_offers", "deadline_rounds": 10, "auto_suggest": true, "privacy": "full"}),
    )
    .await;
    let (id, admin, alice, bob) = (&*s.id, &*s.admin, &*s.alice, &*s.bob);
    let mut alice_sees = Stream::open(&a, id, alice).await;
    let mut bob_sees = Stream::open(&a, id, bob).await;
    let mut admin_sees = Stream::open(&a, id, admin).await;
    // Bob also watches through B, where the moves are made.
    let mut bob_sees_on_b = Stream::open(&b, id, bob).await;

    let moves = format!("/sessions/{id}/moves");
    // Mostly through B; one move through A, whose own subscribers must not
    // get it twice.
    for (app, token, mv) in [
        (&b, alice, offer(2, "red")),
        (&b, bob, offer(3, "blue")),
        (&a, alice, offer(3, "red")),
        (&b, bob, json!({"kind": "reject"})),
        (&b, alice, offer(2, "blue")),
        (&b, bob, json!({"kind": "accept"})),
    ] {
        let (status, _, text) = call(app, "POST", &moves, Some(token), Some(mv)).await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    let record = record_of(&b, id, admin).await;
    verify_record(&record).unwrap();

    let names = |events: &[(String, Value)]| -> Vec<String> {
        events.iter().map(|(n, _)| n.clone()).collect()
    };
    let alice_events = alice_sees.rest().await;
    assert_eq!(
        names(&alice_events),
        [
            "move",
            "move",
            "suggestions",
            "move",
            "move",
            "suggestions",
            "move",
            "move",
            "agreement"
        ],
        "{}",
        alice_sees.seen
    );
    check_negotiator_stream("Alice", &alice_events, &record);
    let bob_events = bob_sees.rest().await;
    assert_eq!(
        names(&bob_events),
        names(&alice_events),
        "{}",
        bob_sees.seen
    );
    check_negotiator_stream("Bob", &bob_events, &record);
    let bob_events_on_b = bob_sees_on_b.rest().await;
    assert_eq!(names(&bob_events_on_b), names(&bob_events));
    check_negotiator_stream("Bob", &bob_events_on_b, &record);

    // Suggestions after each round, each with the negotiator's own
    // utilities: after round 0 they improve on Bob's standing (3, blue),
    // after round 1 on Alice's (3, red), which Bob rejected.
    let suggestions: Vec<&Value> = alice_events
        .iter()
        .filter(|(n, _)| n == "suggestions")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(suggestions[0]["round"], 0);
    assert_eq!(suggestions[1]["round"], 1);
    for (s, standing) in suggestions.iter().zip([(3, "blue"), (3, "red")]) {
        let want = utility("Alice", standing.0, standing.1);
        let got = s["standing_offer_utility"].as_f64().unwrap();
        assert!((got - want).abs() < 1e-9, "{s}");
    }
    let bob_suggestion = &bob_events[2].1;
    let got = bob_suggestion["standing_offer_utility"].as_f64().unwrap();
    assert!(
        (got - utility("Bob", 3, "blue")).abs() < 1e-9,
        "{bob_suggestion}"
    );
    // Nobody saw the other's numbers.
    for secret in ["0.123", "0.877", "0.0615", "0.9385"] {
        assert!(!alice_sees.seen.contains(secret), "{}", alice_sees.seen);
    }
    for secret in ["0.6,", "0.8,", "0.4,"] {
        assert!(!bob_sees.seen.contains(secret), "{}", bob_sees.seen);
    }

    // The convener gets the moves without utilities, and no suggestions.
    let admin_events = admin_sees.rest().await;
    assert_eq!(
        names(&admin_events),
        ["move", "move", "move", "move", "move", "move", "agreement"]
    );
    assert!(admin_events.iter().all(|(_, d)| d["my_utility"].is_null()));
    common::drop_database(&url).await;
}

#[tokio::test]
async fn concurrent_sessions_stream_in_order_on_every_instance() {
    let Some((a, b, url)) = two_instances("concurrent_sessions_stream_in_order").await else {
        return;
    };
    const SESSIONS: usize = 4;
    const ROUNDS: u64 = 12;
    let mut tasks = Vec::new();
    for n in 0..SESSIONS {
        let (a, b) = (a.clone(), b.clone());
        tasks.push(tokio::spawn(async move {
            let Session {
                id,
                admin,
                alice,
                bob,
            } = create_test_deal(
                &a,
                json!({"protocol": "alternating_offers", "deadline_rounds": ROUNDS}),
            )
            .await;
            let tokens = [alice, bob];
            let mut on_a = Stream::open(&a, &id, &tokens[0]).await;
            let mut on_b = Stream::open(&b, &id, &tokens[1]).await;
            // Every move through the instance the session's number and the
            // move's pick, so that each instance commits some.
            let moves = format!("/sessions/{id}/moves");
            let packages = [(1, "red"), (2, "blue"), (3, "red"), (1, "blue")];
            for m in 0..(2 * ROUNDS as usize) {
                let app = if (m + n) % 3 == 0 { &a } else { &b };
                // Each in its own colour: above its reservation value.
                let (price, _) = packages[(m + n) % packages.len()];
                let colour = ["red", "blue"][m % 2];
                let (status, _, text) = call(
                    app,
                    "POST",
                    &moves,
                    Some(&tokens[m % 2]),
                    Some(offer(price, colour)),
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{text}");
            }
            let record = record_of(&b, &id, &admin).await;
            let a_events = on_a.rest().await;
            check_negotiator_stream("Alice", &a_events, &record);
            let b_events = on_b.rest().await;
            check_negotiator_stream("Bob", &b_events, &record);
            assert_eq!(a_events.last().unwrap().0, "ended");
            a_events.len()
        }));
    }
    for t in tasks {
        // Every move of every round, then the end.
        assert_eq!(t.await.unwrap(), 2 * ROUNDS as usize + 1);
    }
    common::drop_database(&url).await;
}

/// The backends listening on the live-update channel of database `name`.
async fn listeners(admin: &mut sqlx::AnyConnection, name: &str) -> i64 {
    let row = sqlx::query(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'",
    )
    .bind(name)
    .fetch_one(&mut *admin)
    .await
    .unwrap();
    sqlx::Row::get(&row, 0)
}

async fn wait_for_a_listener(admin: &mut sqlx::AnyConnection, name: &str) {
    for _ in 0..100 {
        if listeners(admin, name).await > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no listener on {name}");
}

#[tokio::test]
async fn moves_made_while_the_listener_is_away_arrive_once_it_is_back() {
    let Some((a, b, url)) = two_instances("moves_made_while_the_listener_is_away").await else {
        return;
    };
    let name = url.rsplit('/').next().unwrap().split('?').next().unwrap();
    let base = std::env::var(common::POSTGRES_VAR).unwrap();
    let mut admin = sqlx::AnyConnection::connect(&base).await.unwrap();

    let s = create_test_deal(
        &b,
        json!({"protocol": "alternating_offers", "deadline_rounds": 10}),
    )
    .await;
    let (id, alice, bob, admin_token) = (&*s.id, &*s.alice, &*s.bob, &*s.admin);
    let mut alice_sees = Stream::open(&a, id, alice).await;
    wait_for_a_listener(&mut admin, name).await;
    let moves = format!("/sessions/{id}/moves");
    let (status, _, _) = call(&b, "POST", &moves, Some(alice), Some(offer(2, "red"))).await;
    assert_eq!(status, StatusCode::OK);
    let (name0, first) = alice_sees.next().await.unwrap();
    assert_eq!((name0.as_str(), &first["seq"]), ("move", &json!(1)));

    // B will need connections while no new ones can be opened: it gets
    // a few now, which its pool keeps.
    let me = format!("/sessions/{id}/me");
    let warm: Vec<_> = (0..8)
        .map(|_| {
            let (b, me) = (b.clone(), me.clone());
            let alice = alice.to_string();
            tokio::spawn(async move { call(&b, "GET", &me, Some(&alice), None).await })
        })
        .collect();
    for w in warm {
        assert_eq!(w.await.unwrap().0, StatusCode::OK);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;

    // A's listener loses its connection and cannot get a new one for a
    // while; meanwhile B commits two moves, whose notifications are lost.
    admin
        .execute(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false").as_str())
        .await
        .unwrap();
    sqlx::query(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = $1 AND query LIKE 'LISTEN%'",
    )
    .bind(name)
    .execute(&mut admin)
    .await
    .unwrap();
    for (token, mv) in [(bob, offer(3, "blue")), (alice, offer(3, "red"))] {
        let (status, _, text) = call(&b, "POST", &moves, Some(token), Some(mv)).await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    let nothing = next_event_within(
        &mut alice_sees.body,
        &mut alice_sees.buf,
        Duration::from_millis(500),
    )
    .await;
    admin
        .execute(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true").as_str())
        .await
        .unwrap();
    assert!(nothing.is_none(), "{nothing:?}");

    // Back: the listener reconnects and catches up from the log.
    for seq in [2, 3] {
        let (event, data) = alice_sees.next().await.unwrap();
        assert_eq!(
            (event.as_str(), &data["seq"]),
            ("move", &json!(seq)),
            "{data}"
        );
    }
    wait_for_a_listener(&mut admin, name).await;
    // And later moves arrive by notification again.
    let (status, _, _) = call(
        &b,
        "POST",
        &moves,
        Some(bob),
        Some(json!({"kind": "accept"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let rest = alice_sees.rest().await;
    let rest: Vec<(&str, u64)> = rest
        .iter()
        .map(|(n, d)| (n.as_str(), d["seq"].as_u64().unwrap()))
        .collect();
    assert_eq!(rest, [("move", 4), ("agreement", 5)]);
    let record = record_of(&b, id, admin_token).await;
    verify_record(&record).unwrap();
    common::drop_database(&url).await;
}

#[tokio::test]
async fn only_watched_sessions_notify_and_only_with_ids() {
    let Some((a, b, url)) = two_instances("only_watched_sessions_notify").await else {
        return;
    };
    let mut listener = sqlx::postgres::PgListener::connect(&url).await.unwrap();
    listener
        .listen(pactum_server::testing::NOTIFY_CHANNEL)
        .await
        .unwrap();
    let s = create_test_deal(
        &b,
        json!({"protocol": "alternating_offers", "deadline_rounds": 10}),
    )
    .await;
    let (id, alice, bob) = (&*s.id, &*s.alice, &*s.bob);
    let moves = format!("/sessions/{id}/moves");

    // Nobody watches: moves commit without a notification.
    call(&b, "POST", &moves, Some(alice), Some(offer(2, "red"))).await;
    let quiet = tokio::time::timeout(Duration::from_millis(300), listener.recv()).await;
    assert!(quiet.is_err(), "{quiet:?}");

    // Watched through A: each move notifies with the session id and its
    // seq, nothing more.
    let mut alice_sees = Stream::open(&a, id, alice).await;
    call(&b, "POST", &moves, Some(bob), Some(offer(3, "blue"))).await;
    let n = tokio::time::timeout(Duration::from_secs(5), listener.recv())
        .await
        .expect("a notification")
        .unwrap();
    assert_eq!(n.payload(), format!("{id} 2"));
    let (_, data) = alice_sees.next().await.unwrap();
    assert_eq!(data["seq"], 2);
    common::drop_database(&url).await;
}

#[tokio::test]
async fn a_lagging_subscriber_catches_up_and_resumes_on_another_instance() {
    let Some((a, b, url)) = two_instances("a_lagging_subscriber_catches_up").await else {
        return;
    };
    let s = create_test_deal(
        &a,
        json!({"protocol": "alternating_offers", "deadline_rounds": 1000}),
    )
    .await;
    let (id, admin) = (&*s.id, &*s.admin);
    let tokens = [&*s.alice, &*s.bob];
    let mut alice_sees = Stream::open(&a, id, tokens[0]).await;
    let mut bob_sees = Stream::open(&a, id, tokens[1]).await;
    let moves = format!("/sessions/{id}/moves");
    let packages = [(1, "red"), (2, "blue"), (3, "red"), (3, "blue"), (2, "red")];
    let exchange = |app: Router, from: usize, to: usize| {
        let moves = moves.clone();
        async move {
            for m in from..to {
                // Each in its own colour: above its reservation value.
                let (price, _) = packages[m % packages.len()];
                let colour = ["red", "blue"][m % 2];
                let (status, _, text) = call(
                    &app,
                    "POST",
                    &moves,
                    Some(tokens[m % 2]),
                    Some(offer(price, colour)),
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{text}");
            }
        }
    };
    // Nobody reads A's streams while B commits more than their channel
    // holds (256 events).
    exchange(b.clone(), 0, 300).await;
    let mut alice_events = Vec::new();
    for seq in 1..=300 {
        let (name, data) = alice_sees.next().await.unwrap();
        assert_eq!((name.as_str(), data["seq"].as_u64()), ("move", Some(seq)));
        alice_events.push((name, data));
    }
    // Alice reconnects to B after event 250: the rest from the log, then
    // the moves made through A.
    drop(alice_sees);
    alice_events.truncate(250);
    let mut alice_again = Stream::resume(&b, id, tokens[0], 250).await;
    exchange(a.clone(), 300, 302).await;
    let (status, _, text) = post_move(&a, id, tokens[0], json!({"kind": "end"})).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    alice_events.extend(alice_again.rest().await);
    let record = record_of(&b, id, admin).await;
    verify_record(&record).unwrap();
    assert_eq!(streamed_entries(&record).len(), 304);
    check_negotiator_stream("Alice", &alice_events, &record);
    check_negotiator_stream("Bob", &bob_sees.rest().await, &record);
    for secret in ["0.123", "0.877", "0.0615", "0.9385"] {
        assert!(!alice_again.seen.contains(secret), "{}", alice_again.seen);
    }
    common::drop_database(&url).await;
}

/// A database from before the log head was kept in the session's row gets
/// it from each session's log when migrated, and its sessions go on.
#[tokio::test]
async fn the_log_head_migration_fills_in_existing_sessions() {
    let Some((a, _, url)) = two_instances("the_log_head_migration").await else {
        return;
    };
    let mut sessions = Vec::new();
    for moves in [0, 1, 4] {
        let s = create_test_deal(
            &a,
            json!({"protocol": "alternating_offers", "deadline_rounds": 10}),
        )
        .await;
        for i in 0..moves {
            let token = if i % 2 == 0 { &s.alice } else { &s.bob };
            let path = format!("/sessions/{}/moves", s.id);
            let (status, _, text) =
                call(&a, "POST", &path, Some(token), Some(offer(2, "red"))).await;
            assert_eq!(status, StatusCode::OK, "{text}");
        }
        sessions.push((s, moves));
    }
    // As before the migration: no heads. Then its backfill.
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    conn.execute("UPDATE sessions SET head_seq = NULL, head_hash = NULL")
        .await
        .unwrap();
    let migration = include_str!("../migrations/postgres/0005_log_head.sql");
    let backfill = &migration[migration.find("UPDATE sessions").expect("a backfill")..];
    conn.execute(backfill).await.unwrap();
    let _ = conn.close().await;
    common::assert_log_heads(&url).await;
    // Every session takes its next move (through a server that has not
    // cached its state).
    let b = router(connect(&url).await.unwrap());
    for (s, moves) in &sessions {
        let token = if moves % 2 == 0 { &s.alice } else { &s.bob };
        let path = format!("/sessions/{}/moves", s.id);
        let (status, body, text) =
            call(&b, "POST", &path, Some(token), Some(offer(3, "blue"))).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(body["seq"], json!(moves + 1));
    }
    common::assert_log_heads(&url).await;
    common::drop_database(&url).await;
}

/// A server keeps a session's preferences only once they are final (every
/// negotiator has moved): a change made through another server before the
/// last first move is used by both.
#[tokio::test]
async fn preferences_changed_through_another_server_are_used_by_both() {
    let Some((a, b, url)) = two_instances("preferences_changed_through_another").await else {
        return;
    };
    let s = create_test_deal(
        &a,
        json!({"protocol": "alternating_offers", "deadline_rounds": 10}),
    )
    .await;
    let (id, alice, bob) = (&*s.id, &*s.alice, &*s.bob);
    let moves = format!("/sessions/{id}/moves");
    let me = format!("/sessions/{id}/me");
    // A has loaded the session, with Bob's original preferences.
    let (status, _, text) = call(&a, "GET", &me, Some(bob), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    call(&a, "POST", &moves, Some(alice), Some(offer(2, "red"))).await;
    // Bob changes his preferences through B, then moves there.
    let edit = json!({
        "weights": {"price": 0.9, "colour": 0.1},
        "values": {
            "price": {"type": "linear", "slope": 0.5, "offset": 0.0},
            "colour": {"red": 0.0, "blue": 1.0}
        }
    });
    let prefs = format!("/sessions/{id}/me/preferences");
    let (status, _, text) = call(&b, "PUT", &prefs, Some(bob), Some(edit)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    call(&b, "POST", &moves, Some(bob), Some(offer(3, "blue"))).await;
    // Everyone has moved: from here on both servers keep the preferences.
    call(&a, "POST", &moves, Some(alice), Some(offer(1, "red"))).await;
    call(&b, "POST", &moves, Some(bob), Some(offer(2, "blue"))).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let edited = |price: i64, colour: &str| {
        0.9 * (price - 1) as f64 / 2.0 + 0.1 * f64::from(colour == "blue")
    };
    for server in [&a, &b] {
        let (_, view, _) = call(server, "GET", &me, Some(bob), None).await;
        let price = view["preferences"]["issues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["issue"] == "price")
            .unwrap()
            .clone();
        assert!(
            (price["weight"].as_f64().unwrap() - 0.9).abs() < 1e-9,
            "{view}"
        );
        let (_, offers, _) = call(
            server,
            "GET",
            &format!("/sessions/{id}/offers"),
            Some(bob),
            None,
        )
        .await;
        let offers = offers.as_array().unwrap();
        assert_eq!(offers.len(), 4);
        for o in offers {
            let want = edited(
                o["offer"]["price"].as_i64().unwrap(),
                o["offer"]["colour"].as_str().unwrap(),
            );
            assert!(
                (o["my_utility"].as_f64().unwrap() - want).abs() < 1e-9,
                "{o}"
            );
        }
    }
    common::drop_database(&url).await;
}
