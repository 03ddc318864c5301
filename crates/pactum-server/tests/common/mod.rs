//! Shared setup for the server's integration tests.
//!
//! Test databases: SQLite always; PostgreSQL when `PACTUM_TEST_POSTGRES`
//! holds a server URL (see scripts/start-postgres.sh). Each PostgreSQL test
//! gets a fresh database of its own on that server. Also requests through
//! the router, opening (or resuming, with `Last-Event-ID`) and reading
//! event streams, and the scenarios, sessions and checks several test files
//! share.

#![allow(dead_code)]

pub mod differential;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use pactum_server::{Db, Record, connect};
use serde_json::{Value, json};
use sqlx::{Connection, Executor};
use tower::ServiceExt;

// ---------------------------------------------------------------- scenarios

/// The text of a scenario named `$name` on the issues most tests share,
/// price (an integer from 1 to 3) and colour (red or blue), with `$parties`
/// (TOML `[[parties]]` tables, a string literal) after them.
#[macro_export]
macro_rules! price_colour_deal {
    ($name:literal, $parties:literal) => {
        concat!(
            "\nname = \"",
            $name,
            "\"\n",
            r#"
[[issues]]
name = "price"
type = "integer"
min = 1
max = 3

[[issues]]
name = "colour"
options = ["red", "blue"]
"#,
            $parties
        )
    };
}

/// Alice cares about price, Bob about colour; Bob's weights are distinctive
/// numbers so tests can check they never reach Alice.
pub const TEST_DEAL: &str = price_colour_deal!(
    "Test deal",
    r#"
[[parties]]
name = "Alice"
role = "negotiator"
reservation = 0.1
weights = { price = 0.8, colour = 0.2 }
values.price = { type = "linear", slope = 0.5, offset = 0.0 }
values.colour = { red = 1.0, blue = 0.0 }

[[parties]]
name = "Bob"
role = "negotiator"
reservation = 0.05
weights = { price = 0.123, colour = 0.877 }
values.price = { type = "linear", slope = 0.5, offset = 0.0 }
values.colour = { red = 0.0, blue = 1.0 }
"#
);

/// Alice's or Bob's utility of (`price`, `colour`) in [`TEST_DEAL`]: price
/// is linear from 1 to 3, colours are all or nothing.
pub fn utility(party: &str, price: i64, colour: &str) -> f64 {
    let v = (price - 1) as f64 / 2.0;
    match party {
        "Alice" => 0.8 * v + 0.2 * f64::from(colour == "red"),
        _ => 0.123 * v + 0.877 * f64::from(colour == "blue"),
    }
}

/// [`utility`] of a package given as JSON.
pub fn package_utility(party: &str, package: &Value) -> f64 {
    utility(
        party,
        package["price"].as_i64().unwrap(),
        package["colour"].as_str().unwrap(),
    )
}

/// The text of a scenario named `$name` with negotiators Alice and Bob,
/// the mediator Mira and the observer Otto. Weights, reservations and
/// utilities are distinctive numbers so that a leak shows up as a substring
/// of a response. Price values: Alice 0, .5, 1 and Bob 1, .9, .4 for prices
/// 1, 2, 3.
#[macro_export]
macro_rules! mediated_deal {
    ($name:literal) => {
        $crate::price_colour_deal!(
            $name,
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
name = "Mira"
role = "mediator"

[[parties]]
name = "Otto"
role = "observer"
"#
        )
    };
}

/// Fails if `text`, which `who` was shown, contains any of `secrets`.
pub fn assert_none(text: &str, secrets: &[&str], who: &str) {
    for s in secrets {
        assert!(!text.contains(s), "{who} saw {s}: {text}");
    }
}

// ---------------------------------------------------------------- sessions

/// A session's id and the tokens of its convener and its negotiators
/// Alice and Bob.
pub struct Session {
    pub id: String,
    pub admin: String,
    pub alice: String,
    pub bob: String,
}

impl Session {
    /// From the body `POST /sessions` answered with.
    pub fn of(created: &Value) -> Session {
        let s = |v: &Value| v.as_str().unwrap().to_string();
        Session {
            id: s(&created["session_id"]),
            admin: s(&created["admin_token"]),
            alice: s(&created["invitations"][0]["token"]),
            bob: s(&created["invitations"][1]["token"]),
        }
    }
}

/// Creates a session of [`TEST_DEAL`] with the rest of the request
/// (protocol, deadline, options) in `request`, a JSON object.
pub async fn create_test_deal(app: &Router, mut request: Value) -> Session {
    request["scenario_toml"] = json!(TEST_DEAL);
    Session::of(&create_session(app, request).await)
}

/// A session of a [`mediated_deal!`] scenario: its id and every token.
pub struct Tokens {
    pub id: String,
    pub admin: String,
    pub alice: String,
    pub bob: String,
    pub mira: String,
    pub otto: String,
}

/// `PUT /sessions/{id}/disclosure` by `token`, which must succeed; returns
/// the body.
pub async fn disclose(app: &Router, t: &Tokens, token: &str, disclose: bool) -> Value {
    let path = format!("/sessions/{}/disclosure", t.id);
    let (status, r, text) = call(
        app,
        "PUT",
        &path,
        Some(token),
        Some(json!({"disclose": disclose})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    r
}

/// Creates a session of `scenario`, a [`mediated_deal!`], under `protocol`
/// with `deadline` rounds at privacy level `full`; returns its tokens and the response body.
pub async fn create_mediated(
    app: &Router,
    scenario: &str,
    protocol: &str,
    deadline: u64,
) -> (Tokens, Value) {
    let b = create_session(
        app,
        // The level whose suggestions rest on the most (see docs/privacy.md),
        // so that the tests of what never leaks test the most.
        json!({"scenario_toml": scenario, "protocol": protocol, "deadline_rounds": deadline,
               "privacy": "full"}),
    )
    .await;
    let t = |v: &Value| v["token"].as_str().unwrap().to_string();
    let tokens = Tokens {
        id: b["session_id"].as_str().unwrap().into(),
        admin: b["admin_token"].as_str().unwrap().into(),
        alice: t(&b["invitations"][0]),
        bob: t(&b["invitations"][1]),
        mira: t(&b["viewers"][0]),
        otto: t(&b["viewers"][1]),
    };
    (tokens, b)
}

/// `GET /sessions/{id}/record` with the convener's token, which must
/// succeed; the record's JSON text.
pub async fn record_text(app: &Router, id: &str, admin: &str) -> String {
    let (status, _, text) = call(
        app,
        "GET",
        &format!("/sessions/{id}/record"),
        Some(admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    text
}

/// [`record_text`], parsed.
pub async fn record_of(app: &Router, id: &str, admin: &str) -> Record {
    serde_json::from_str(&record_text(app, id, admin).await).unwrap()
}

// ---------------------------------------------------------------- requests

/// Sends a request with an optional bearer token and raw JSON body; returns
/// the status, the body parsed as JSON (`Null` if it is not) and its text.
pub async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<String>,
) -> (StatusCode, Value, String) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(b)),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, json, text)
}

/// [`send`] with a JSON value as the body.
pub async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value, String) {
    send(app, method, uri, token, body.map(|b| b.to_string())).await
}

/// [`call`] `POST /sessions/{id}/moves` with the move `mv`.
pub async fn post_move(
    app: &Router,
    id: &str,
    token: &str,
    mv: Value,
) -> (StatusCode, Value, String) {
    let moves = format!("/sessions/{id}/moves");
    call(app, "POST", &moves, Some(token), Some(mv)).await
}

/// `POST /sessions` with `request`, which must succeed; returns the body.
/// `POST /sessions/{id}/suggestions` by `token`, which must succeed; the
/// mediator's suggestions as that party sees them.
pub async fn ask_suggestions(app: &Router, id: &str, token: &str) -> Value {
    let path = format!("/sessions/{id}/suggestions");
    let (status, body, text) = call(app, "POST", &path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    body
}

/// `POST /sessions/{id}/preferences/lock` by `token`, which must succeed;
/// the answer (who the suggestions still wait for).
pub async fn lock_preferences(app: &Router, id: &str, token: &str) -> Value {
    let path = format!("/sessions/{id}/preferences/lock");
    let (status, body, text) = call(app, "POST", &path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    body
}

pub async fn create_session(app: &Router, request: Value) -> Value {
    let (status, body, text) = call(app, "POST", "/sessions", None, Some(request)).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    body
}

/// An offer move on the price/colour scenarios.
pub fn offer(price: i64, colour: &str) -> Value {
    json!({"kind": "offer", "offer": {"price": price, "colour": colour}})
}

// ---------------------------------------------------------------- live events

/// Opens `GET /sessions/{id}/events`; returns the streaming body.
pub async fn subscribe(app: &Router, id: &str, token: Option<&str>) -> (StatusCode, Body) {
    subscribe_after(app, id, token, None).await
}

/// [`subscribe`] as a reconnecting client would, with a `Last-Event-ID`
/// header when given.
pub async fn subscribe_after(
    app: &Router,
    id: &str,
    token: Option<&str>,
    last_event_id: Option<&str>,
) -> (StatusCode, Body) {
    let mut req = Request::builder().uri(format!("/sessions/{id}/events"));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if let Some(last) = last_event_id {
        req = req.header("last-event-id", last);
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    if resp.status() == StatusCode::OK {
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
    }
    (resp.status(), resp.into_body())
}

/// [`subscribe_after`], which must succeed; returns the stream.
pub async fn open_stream(app: &Router, id: &str, token: &str, last_event_id: Option<&str>) -> Body {
    let (status, body) = subscribe_after(app, id, Some(token), last_event_id).await;
    assert_eq!(status, StatusCode::OK);
    body
}

/// Reads the next server-sent event (name, data) from the stream, or `None`
/// when it closes. Fails unless one comes within 5 s.
pub async fn next_event(body: &mut Body, buf: &mut String) -> Option<(String, Value)> {
    next_event_within(body, buf, std::time::Duration::from_secs(5))
        .await
        .expect("an event within 5 s")
}

/// [`next_event`], or `None` when nothing comes within `wait`.
pub async fn next_event_within(
    body: &mut Body,
    buf: &mut String,
    wait: std::time::Duration,
) -> Option<Option<(String, Value)>> {
    let e = next_event_with_id_within(body, buf, wait).await?;
    Some(e.map(|(name, _, data)| (name, data)))
}

/// [`next_event`] with the event's `id` field (`None` if it has none).
pub async fn next_event_with_id(
    body: &mut Body,
    buf: &mut String,
) -> Option<(String, Option<u64>, Value)> {
    next_event_with_id_within(body, buf, std::time::Duration::from_secs(5))
        .await
        .expect("an event within 5 s")
}

/// [`next_event_with_id`], or `None` when nothing comes within `wait`.
pub async fn next_event_with_id_within(
    body: &mut Body,
    buf: &mut String,
    wait: std::time::Duration,
) -> Option<Option<(String, Option<u64>, Value)>> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let mut name = String::new();
            let mut id = None;
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event: ") {
                    name = v.to_string();
                } else if let Some(v) = line.strip_prefix("id: ") {
                    id = Some(v.parse().unwrap());
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data.push_str(v);
                }
            }
            if name.is_empty() {
                continue; // a keep-alive comment
            }
            return Some(Some((name, id, serde_json::from_str(&data).unwrap())));
        }
        let Ok(frame) = tokio::time::timeout_at(deadline, body.frame()).await else {
            return None;
        };
        let Some(frame) = frame else {
            return Some(None);
        };
        if let Ok(data) = frame.unwrap().into_data() {
            buf.push_str(std::str::from_utf8(&data).unwrap());
        }
    }
}

// ---------------------------------------------------------------- databases

pub const POSTGRES_VAR: &str = "PACTUM_TEST_POSTGRES";

pub async fn sqlite() -> Db {
    connect("sqlite::memory:").await.unwrap()
}

/// Prefix of the throwaway databases tests create, followed by the Unix
/// time of creation and a random part.
const TEST_DATABASE_PREFIX: &str = "pactum_t_";

/// Test databases older than this are left over from failed or interrupted
/// runs, and dropped by the next test that creates one.
const LEFTOVER_AFTER_SECS: u64 = 3600;

fn unix_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A URL for a fresh, empty database on the PostgreSQL server named by
/// `PACTUM_TEST_POSTGRES`, or `None` (with a note) when it is not set.
/// [`drop_database`] removes it; leftovers of tests that failed are
/// removed an hour later.
pub async fn postgres_url(test: &str) -> Option<String> {
    let Ok(base) = std::env::var(POSTGRES_VAR) else {
        eprintln!("skipped {test} on PostgreSQL: set {POSTGRES_VAR} to a postgres:// URL");
        return None;
    };
    sqlx::any::install_default_drivers();
    let name = format!(
        "{TEST_DATABASE_PREFIX}{}_{}",
        unix_secs(),
        hex::encode(rand_bytes())
    );
    let mut admin = sqlx::AnyConnection::connect(&base)
        .await
        .expect("connecting to PACTUM_TEST_POSTGRES");
    drop_leftovers(&mut admin).await;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let _ = admin.close().await;
    let (path, query) = match base.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (base.as_str(), String::new()),
    };
    let (server, _) = path.rsplit_once('/').expect("URL with a database");
    Some(format!("{server}/{name}{query}"))
}

/// Drops the test databases created more than [`LEFTOVER_AFTER_SECS`] ago
/// (best effort: another test may be dropping them too).
async fn drop_leftovers(admin: &mut sqlx::AnyConnection) {
    use sqlx::Row;
    let Ok(rows) =
        sqlx::query("SELECT datname FROM pg_database WHERE datname LIKE 'pactum\\_t\\_%'")
            .fetch_all(&mut *admin)
            .await
    else {
        return;
    };
    let now = unix_secs();
    for row in rows {
        let name: String = row.get(0);
        let created = name
            .strip_prefix(TEST_DATABASE_PREFIX)
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(secs, _)| secs.parse::<u64>().ok());
        // Names without a time are from older versions of these tests.
        if created.is_none_or(|t| t + LEFTOVER_AFTER_SECS < now) {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await;
        }
    }
}

/// PostgreSQL keeps each session's log head (seq and hash of its last
/// entry) in the session's row: checks that it matches the log for every
/// session of the database.
pub async fn assert_log_heads(url: &str) {
    use sqlx::Row;
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let wrong: Vec<String> = sqlx::query(
        "SELECT s.id || ': head ' || coalesce(s.head_seq::text, 'none') || ' ' || \
         coalesce(s.head_hash, 'none') || ', log ends at ' || coalesce(e.seq::text, 'none') \
         FROM sessions s LEFT JOIN LATERAL (SELECT seq, hash FROM events \
         WHERE session_id = s.id ORDER BY seq DESC LIMIT 1) e ON true \
         WHERE s.head_seq IS DISTINCT FROM e.seq OR s.head_hash IS DISTINCT FROM e.hash",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect();
    let _ = conn.close().await;
    assert!(wrong.is_empty(), "log heads out of step: {wrong:?}");
}

/// Drops a database made by [`postgres_url`], closing whatever connections
/// the test's servers left open.
pub async fn drop_database(url: &str) {
    let Ok(base) = std::env::var(POSTGRES_VAR) else {
        return;
    };
    let path = url.split_once('?').map_or(url, |(p, _)| p);
    let Some((_, name)) = path.rsplit_once('/') else {
        return;
    };
    if !name.starts_with(TEST_DATABASE_PREFIX) {
        return;
    }
    if let Ok(mut admin) = sqlx::AnyConnection::connect(&base).await {
        let _ = admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await;
        let _ = admin.close().await;
    }
}

fn rand_bytes() -> [u8; 8] {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(
        &(nanos, std::process::id(), std::thread::current().id()),
        &mut h,
    );
    std::hash::Hasher::finish(&h).to_le_bytes()
}

/// Runs each named `async fn(Db)` once on SQLite and, when configured, once
/// on PostgreSQL, as tests `sqlite::NAME` and `postgres::NAME`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::common::sqlite().await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(url) = $crate::common::postgres_url(stringify!($name)).await {
                        let db = pactum_server::connect(&url).await.unwrap();
                        super::$name(db).await;
                        $crate::common::assert_log_heads(&url).await;
                        $crate::common::drop_database(&url).await;
                    }
                }
            )*
        }
    };
}
