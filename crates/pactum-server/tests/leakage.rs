//! How much the mediator's suggestions reveal of another party's private
//! preferences, at each privacy level, measured against a running server.
//!
//! Two probing attacks, by Alice against Bob's secret numbers:
//! - **reservation recovery**: on one price issue the Nash package sits at
//!   price (1 + r)/2, so one suggestion reveals Bob's reservation value r;
//! - **rewrite and ask**: Alice asks for suggestions, rewrites her own
//!   preferences, asks again, and so narrows down Bob's secret weight.
//!
//! The rules pinned here: no suggestion before every negotiator's
//! preferences are locked, and no preference change after a party's are
//! (so rewrite-and-ask gets no answer at all: a 409 each time); at `pareto`
//! the answer does not depend on any reservation value (two sessions that
//! differ only in Bob's answer byte for byte alike, so every reservation
//! value stays consistent with what Alice saw); at `off` there is none.
//! Alice speaks HTTP to a server listening on a loopback port.
//! The precision of what Alice can infer from her one answer is measured as
//! the width of the interval of Bob's secret values consistent with it: the
//! attacker is granted everything but the secret (Bob's other numbers, the
//! server's algorithm) and replays the computation for every candidate on a
//! fine grid. `LEAKAGE_REPORT=1` prints the table docs/privacy.md shows.

mod common;

use axum::http::StatusCode;
use pactum_server::Db;
use pactum_server::testing::{Privacy, SuggestionContext, suggestions};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The server under attack, listening on a loopback port: the attacker
/// speaks HTTP to it like any client.
struct Server {
    addr: std::net::SocketAddr,
}

impl Server {
    async fn start(db: Db) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, pactum_server::router(db)).await });
        Server { addr }
    }

    /// One request on a connection of its own; the status, the body as
    /// JSON (`Null` if it is not) and its text.
    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value, String) {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(t) = token {
            request.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        if !body.is_empty() {
            request.push_str("Content-Type: application/json\r\n");
        }
        request.push_str("\r\n");
        request.push_str(&body);
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).await.unwrap();
        let (head, text) = raw.split_once("\r\n\r\n").unwrap();
        let status = head.split(' ').nth(1).unwrap().parse::<u16>().unwrap();
        let json = serde_json::from_str(text).unwrap_or(Value::Null);
        (
            StatusCode::from_u16(status).unwrap(),
            json,
            text.to_string(),
        )
    }

    /// `POST /sessions`, which must succeed; the answer.
    async fn create(&self, request: Value) -> Value {
        let (status, body, text) = self.call("POST", "/sessions", None, Some(request)).await;
        assert_eq!(status, StatusCode::CREATED, "{text}");
        body
    }

    /// `POST /sessions/{id}/moves`.
    async fn post_move(&self, id: &str, token: &str, mv: Value) -> (StatusCode, Value, String) {
        let path = format!("/sessions/{id}/moves");
        self.call("POST", &path, Some(token), Some(mv)).await
    }
}

const LEVELS: [&str; 3] = ["full", "pareto", "off"];

/// One price issue from 0 to 100: Alice (buyer) values 1 − p/100, Bob
/// (seller) p/100 over his reservation value `reservation`.
fn price_only(reservation: f64) -> String {
    format!(
        r#"
name = "One price"

[[issues]]
name = "price"
type = "integer"
min = 0
max = 100

[[parties]]
name = "Alice"
role = "negotiator"
reservation = 0.0
weights = {{ price = 1.0 }}
values.price = {{ type = "linear", slope = -0.01, offset = 1.0 }}

[[parties]]
name = "Bob"
role = "negotiator"
reservation = {reservation}
weights = {{ price = 1.0 }}
values.price = {{ type = "linear", slope = 0.01, offset = 0.0 }}
"#
    )
}

/// Price and warranty, 0 to 10 each: Alice weighs them equally; Bob puts
/// the secret weight `weight` on price, and has reservation value
/// `reservation`.
fn price_warranty(weight: f64, reservation: f64) -> String {
    format!(
        r#"
name = "Price and warranty"

[[issues]]
name = "price"
type = "integer"
min = 0
max = 10

[[issues]]
name = "warranty"
type = "integer"
min = 0
max = 10

[[parties]]
name = "Alice"
role = "negotiator"
reservation = 0.0
weights = {{ price = 0.5, warranty = 0.5 }}
values.price = {{ type = "linear", slope = -0.1, offset = 1.0 }}
values.warranty = {{ type = "linear", slope = 0.1, offset = 0.0 }}

[[parties]]
name = "Bob"
role = "negotiator"
reservation = {reservation}
weights = {{ price = {weight}, warranty = {} }}
values.price = {{ type = "linear", slope = 0.1, offset = 0.0 }}
values.warranty = {{ type = "linear", slope = -0.1, offset = 1.0 }}
"#,
        1.0 - weight
    )
}

/// Bob's secrets.
const BOB_RESERVATION: f64 = 0.46;
const BOB_WEIGHT: f64 = 0.6137;

struct Probe {
    id: String,
    alice: String,
    bob: String,
}

async fn create(app: &Server, scenario: &str, privacy: &str) -> Probe {
    let b = app
        .create(
            json!({"scenario_toml": scenario, "protocol": "alternating_offers",
               "deadline_rounds": 20, "privacy": privacy}),
        )
        .await;
    let t = |i: usize| b["invitations"][i]["token"].as_str().unwrap().to_string();
    Probe {
        id: b["session_id"].as_str().unwrap().to_string(),
        alice: t(0),
        bob: t(1),
    }
}

async fn ask(app: &Server, id: &str, token: &str) -> (StatusCode, Value, String) {
    let path = format!("/sessions/{id}/suggestions");
    app.call("POST", &path, Some(token), None).await
}

async fn lock(app: &Server, id: &str, token: &str) -> Value {
    let path = format!("/sessions/{id}/preferences/lock");
    let (status, body, text) = app.call("POST", &path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    body
}

/// Alice's own preferences, rewritten: weight `w` on price (with a
/// warranty issue) or her reservation value `w` (price alone).
fn alice_rewritten(scenario: &str, w: f64) -> Value {
    if !scenario.contains("warranty") {
        return json!({
            "weights": {"price": 1.0},
            "values": {"price": {"type": "linear", "slope": -0.01, "offset": 1.0}},
            "reservation_value": w
        });
    }
    json!({
        "weights": {"price": w, "warranty": 1.0 - w},
        "values": {
            "price": {"type": "linear", "slope": -0.1, "offset": 1.0},
            "warranty": {"type": "linear", "slope": 0.1, "offset": 0.0}
        },
        "reservation_value": 0.0
    })
}

/// What the attacker saw: the status and, for a 200, the answer.
#[derive(Debug, PartialEq)]
enum Seen {
    Refused(StatusCode),
    Answer(Value),
}

/// Runs the probe against a fresh session of `scenario` at `privacy`:
/// Alice asks before anyone has locked (refused), offers `opening` (which
/// locks her preferences), tries to rewrite them (refused), Bob locks his,
/// Alice asks once. Returns what she saw in the end.
async fn probe(app: &Server, scenario: &str, privacy: &str, opening: Value) -> Seen {
    let p = create(app, scenario, privacy).await;
    // Before anyone has locked: nothing, whatever the level.
    let (status, body, text) = ask(app, &p.id, &p.alice).await;
    if privacy == "off" {
        assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
        assert!(body["error"].as_str().unwrap().contains("off"), "{text}");
    } else {
        assert_eq!(status, StatusCode::CONFLICT, "{text}");
        let error = body["error"].as_str().unwrap();
        assert!(error.contains("locked"), "{text}");
        assert!(error.contains("Alice") && error.contains("Bob"), "{text}");
    }
    let (status, _, text) = app.post_move(&p.id, &p.alice, opening).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    // Alice's move locked her preferences: rewriting them is refused.
    let path = format!("/sessions/{}/me/preferences", p.id);
    let (status, body, text) = app
        .call(
            "PUT",
            &path,
            Some(&p.alice),
            Some(alice_rewritten(scenario, 0.9)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    assert!(body["error"].as_str().unwrap().contains("locked"), "{text}");
    if privacy != "off" {
        // Bob has not locked yet: still nothing, and the answer says whom
        // the suggestions wait for (a name only).
        let (status, body, text) = ask(app, &p.id, &p.alice).await;
        assert_eq!(status, StatusCode::CONFLICT, "{text}");
        assert!(body["error"].as_str().unwrap().ends_with("Bob"), "{text}");
    }
    let locked = lock(app, &p.id, &p.bob).await;
    assert_eq!(locked["waiting_for"], json!([]));
    let (status, body, text) = ask(app, &p.id, &p.alice).await;
    let seen = if status == StatusCode::OK {
        Seen::Answer(body)
    } else {
        Seen::Refused(status)
    };
    if privacy == "off" {
        assert_eq!(seen, Seen::Refused(StatusCode::FORBIDDEN), "{text}");
    } else {
        assert!(matches!(seen, Seen::Answer(_)), "{text}");
    }
    // Once locked, for good: a second rewrite is refused as the first.
    let (status, _, text) = app
        .call(
            "PUT",
            &path,
            Some(&p.alice),
            Some(alice_rewritten(scenario, 0.1)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    seen
}

/// What the server answers Alice at `privacy` when the scenario is
/// `scenario` and the standing offer is `standing`: the attacker's replay
/// of the server's computation for a candidate secret.
fn replay(scenario: &str, privacy: Privacy, standing: &[u32]) -> Option<Value> {
    let sc = pactum_core::native::from_toml("candidate", scenario)
        .unwrap()
        .scenario;
    let context = SuggestionContext {
        privacy,
        standing_is: "the standing offer",
        red_lines: false,
    };
    let s = suggestions(&sc, 0, Some(standing), context).ok()?;
    Some(serde_json::to_value(s).unwrap())
}

/// The interval of candidates (on `grid`) for which `answer_for` gives what
/// was seen: (low, high, width). The whole grid when nothing was seen.
fn consistent(seen: &Seen, grid: &[f64], answer_for: impl Fn(f64) -> Option<Value>) -> (f64, f64) {
    let fits: Vec<f64> = match seen {
        Seen::Refused(_) => grid.to_vec(),
        Seen::Answer(v) => grid
            .iter()
            .copied()
            .filter(|&c| answer_for(c).as_ref() == Some(v))
            .collect(),
    };
    assert!(!fits.is_empty(), "the true secret is always consistent");
    (fits[0], fits[fits.len() - 1])
}

fn grid(from: f64, to: f64, step: f64) -> Vec<f64> {
    let n = ((to - from) / step).round() as usize;
    (0..=n).map(|k| from + k as f64 * step).collect()
}

fn privacy(level: &str) -> Privacy {
    Privacy::parse(level).unwrap()
}

/// Reservation recovery on one price issue, at each level.
async fn reservation_recovery(db: Db) -> Vec<(String, f64, f64)> {
    let app = Server::start(db).await;
    let candidates = grid(0.0, 0.99, 0.005);
    let mut rows = Vec::new();
    for level in LEVELS {
        // Alice opens at price 30 (Bob's utility 0.3, below his
        // reservation: no offer has crossed it).
        let opening = json!({"kind": "offer", "offer": {"price": 30}});
        let seen = probe(&app, &price_only(BOB_RESERVATION), level, opening.clone()).await;
        // The answer of a session where only Bob's reservation differs.
        let other = probe(&app, &price_only(0.15), level, opening).await;
        let (low, high) = consistent(&seen, &candidates, |r| {
            replay(&price_only(r), privacy(level), &[30])
        });
        assert!(low <= BOB_RESERVATION && BOB_RESERVATION <= high);
        match level {
            "full" => {
                // One answer pins it: r = 2·price − 1, to the price grid.
                let price = match &seen {
                    Seen::Answer(v) => v["nash"]["offer"]["price"].as_f64().unwrap(),
                    _ => unreachable!(),
                };
                assert!((2.0 * price / 100.0 - 1.0 - BOB_RESERVATION).abs() <= 0.02);
                assert!(high - low <= 0.03, "[{low}, {high}]");
                assert_ne!(seen, other, "full answers move with the reservation value");
            }
            _ => {
                // Nothing about it: the same answer whatever it is.
                assert_eq!(seen, other, "{level}");
                assert_eq!((low, high), (candidates[0], *candidates.last().unwrap()));
            }
        }
        if let Seen::Answer(v) = &seen {
            let rests: Vec<&str> = v["rests_on"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            assert_eq!(
                rests.contains(&"every party's reservation value"),
                level == "full",
                "{rests:?}"
            );
            assert!(rests.contains(&"the standing offer"), "{rests:?}");
        }
        rows.push((level.to_string(), low, high));
    }
    rows
}

/// Rewrite-and-ask against Bob's weight, at each level: the rewrite is
/// refused, so Alice has one answer to infer from.
async fn weight_pinning(db: Db) -> (Vec<(String, f64, f64)>, Vec<(String, f64, f64)>) {
    let app = Server::start(db).await;
    let weights = grid(0.0, 1.0, 0.001);
    let reservations = grid(0.0, 0.6, 0.005);
    let mut by_weight = Vec::new();
    let mut by_reservation = Vec::new();
    let standing = [2u32, 8];
    for level in LEVELS {
        // Price 2 with an 8-year warranty: Bob's utility 0.2, below his
        // reservation value 0.35 (no offer has crossed it).
        let opening = json!({"kind": "offer", "offer": {"price": 2, "warranty": 8}});
        let secret = price_warranty(BOB_WEIGHT, 0.35);
        let seen = probe(&app, &secret, level, opening.clone()).await;
        let other = probe(&app, &price_warranty(BOB_WEIGHT, 0.05), level, opening).await;
        let (low, high) = consistent(&seen, &weights, |w| {
            replay(&price_warranty(w, 0.35), privacy(level), &standing)
        });
        assert!(low <= BOB_WEIGHT && BOB_WEIGHT <= high, "[{low}, {high}]");
        by_weight.push((level.to_string(), low, high));
        let (low, high) = consistent(&seen, &reservations, |r| {
            replay(&price_warranty(BOB_WEIGHT, r), privacy(level), &standing)
        });
        if level != "full" {
            assert_eq!(seen, other, "{level}");
            assert_eq!((low, high), (0.0, 0.6), "{level}");
        }
        by_reservation.push((level.to_string(), low, high));
    }
    (by_weight, by_reservation)
}

fn report(title: &str, rows: &[(String, f64, f64)]) {
    if std::env::var_os("LEAKAGE_REPORT").is_some() {
        println!("{title}");
        for (level, low, high) in rows {
            println!(
                "  {level:<7} consistent: [{low:.4}, {high:.4}]  width {:.4}",
                high - low
            );
        }
    }
}

async fn reservation_recovery_is_stopped_below_full(db: Db) {
    let rows = reservation_recovery(db).await;
    report(
        "one price issue, Bob's reservation value 0.46 (candidates 0..0.99 by 0.005)",
        &rows,
    );
}

async fn rewrite_and_ask_is_refused_and_one_answer_is_all_there_is(db: Db) {
    let (w, r) = weight_pinning(db).await;
    report(
        "price and warranty, Bob's weight on price 0.6137 (candidates 0..1 by 0.001)",
        &w,
    );
    report(
        "price and warranty, Bob's reservation value 0.35 (candidates 0..0.6 by 0.005)",
        &r,
    );
}

/// After an agreement, the certificate's Nash package would give Bob's
/// reservation value away as the suggestions' would: below `full` the
/// negotiators' certificate leaves it out (the convener's keeps it, for
/// `pactum verify`). The agreement itself says only that it crossed Bob's
/// reservation value.
async fn the_certificate_shows_the_nash_package_only_at_full(db: Db) {
    let app = Server::start(db).await;
    for level in ["full", "pareto"] {
        let b = app.create(json!({"scenario_toml": price_only(BOB_RESERVATION), "protocol": "alternating_offers",
                   "deadline_rounds": 20, "privacy": level}),
        )
        .await;
        let id = b["session_id"].as_str().unwrap();
        let admin = b["admin_token"].as_str().unwrap();
        let token = |i: usize| b["invitations"][i]["token"].as_str().unwrap();
        let offer = json!({"kind": "offer", "offer": {"price": 80}});
        assert_eq!(app.post_move(id, token(0), offer).await.0, StatusCode::OK);
        let accept = json!({"kind": "accept"});
        let (status, body, text) = app.post_move(id, token(1), accept).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(body["status"], "agreement");
        let path = format!("/sessions/{id}/certificate");
        let (status, alice, text) = app.call("GET", &path, Some(token(0)), None).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let (_, convener, _) = app.call("GET", &path, Some(admin), None).await;
        // Nash at price (1 + 0.46)/2 = 73.
        assert_eq!(convener["certificate"]["nash"], json!({"price": 73}));
        if level == "full" {
            assert_eq!(alice["certificate"]["nash"], json!({"price": 73}), "{text}");
        } else {
            assert!(alice["certificate"]["nash"].is_null(), "{text}");
            assert!(alice["certificate"]["nash_distance"].is_null(), "{text}");
            assert!(!text.contains("73"), "{text}");
        }
    }
}

on_both_backends!(
    the_certificate_shows_the_nash_package_only_at_full,
    reservation_recovery_is_stopped_below_full,
    rewrite_and_ask_is_refused_and_one_answer_is_all_there_is,
);
